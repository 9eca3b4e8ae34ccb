/* minimal.c: push RTP packets into a session, print the ruptures it reports.
 *
 * The smallest complete use of librupture: one inbound Opus stream (what the local user
 * hears), 20-ms packets for 12 s, of which 2 s are lost in the network (a sequence gap).
 * Time is injected: the program says when each packet arrived, and lets time pass with
 * rup_session_advance() at the deadlines the session asks for.
 *
 *   cc minimal.c $(pkg-config --cflags --libs rupture) -o minimal && ./minimal
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rupture/rupture.h>

static int on_begin(rup_session *s, const rup_event *ev, void *user_data) {
  (void)s;
  (void)user_data;
  const rup_rupture *r = &ev->u.rupture;
  printf("%.2f s  rupture %" PRIu32 " begins: %s (%s, %s), hint %s\n", ev->time_us / 1e6, r->id,
         rup_rupture_type_name(r->type), rup_cause_name(r->cause), rup_severity_name(r->severity),
         rup_repair_name(r->repair));
  return 0;
}

static int on_update(rup_session *s, const rup_event *ev, void *user_data) {
  (void)s;
  (void)user_data;
  const rup_rupture *r = &ev->u.rupture;
  printf("%.2f s  rupture %" PRIu32 " is now: %s (%s, %s), hint %s\n", ev->time_us / 1e6, r->id,
         rup_rupture_type_name(r->type), rup_cause_name(r->cause), rup_severity_name(r->severity),
         rup_repair_name(r->repair));
  return 0;
}

static int on_end(rup_session *s, const rup_event *ev, void *user_data) {
  (void)s;
  (void)user_data;
  const rup_rupture *r = &ev->u.rupture;
  printf("%.2f s  rupture %" PRIu32 " ends: %s lasted %.2f s, %.2f s of speech missed\n", ev->time_us / 1e6, r->id,
         rup_rupture_type_name(r->type), (r->end_us - r->start_us) / 1e6, r->speech_missed_s);
  return 0;
}

/* An RTP packet (RFC 3550 §5.1): V=2, PT 111, and a 40-byte Opus frame. */
static size_t make_rtp(uint8_t *buf, uint16_t seq, uint32_t ts, uint32_t ssrc, int marker) {
  buf[0] = 0x80;
  buf[1] = (uint8_t)((marker ? 0x80 : 0) | 111);
  buf[2] = (uint8_t)(seq >> 8);
  buf[3] = (uint8_t)seq;
  for (int i = 0; i < 4; i++) {
    buf[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
    buf[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
  }
  buf[12] = 0x78; /* Opus TOC: CELT fullband 20 ms, one frame (RFC 6716 §3.1) */
  for (int i = 13; i < 52; i++) buf[i] = (uint8_t)(seq * 31 + i);
  return 52;
}

int main(void) {
  rup_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = RUP_CALLBACKS_VERSION;
  cb.on_rupture_begin = on_begin;
  cb.on_rupture_update = on_update;
  cb.on_rupture_end = on_end;

  rup_session *s;
  int rc = rup_session_new(&s, NULL, &cb, NULL, NULL);
  if (rc < 0) {
    fprintf(stderr, "rup_session_new: %s\n", rup_strerror(rc));
    return 1;
  }
  const uint32_t ssrc = 0x1234abcd;
  /* What SDP said: PT 111 is Opus at 48 kHz (optional, but it is what a host knows). */
  rup_session_describe_stream(s, ssrc, RUP_CODEC_OPUS, 111, 48000, RUP_DIR_INBOUND);

  uint8_t pkt[64];
  const int64_t t0 = 1000000; /* any monotonic base, µs */
  for (int i = 0; i < 600; i++) { /* 12 s of 20-ms packets */
    int64_t now = t0 + (int64_t)i * 20000;
    /* Let time pass first: deadlines before this packet (absences are seen on time). */
    while (rup_session_next_deadline(s) < now) rup_session_advance(s, rup_session_next_deadline(s));
    if (i >= 250 && i < 350) continue; /* 5 s .. 7 s: lost in the network */
    size_t len = make_rtp(pkt, (uint16_t)i, (uint32_t)i * 960u, ssrc, i == 0);
    rc = rup_session_push_packet(s, pkt, len, RUP_DIR_INBOUND, now);
    if (rc < 0 && rup_err_is_fatal(rc)) break;
  }
  rup_session_finish(s, t0 + 600 * 20000);

  rup_summary sum;
  rup_session_get_summary(s, &sum);
  printf("%" PRIu32 " rupture(s), %.2f s in total\n", sum.rupture_count, sum.rupture_time_s);
  rup_session_del(s);
  return 0;
}
