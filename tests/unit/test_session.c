/* Public API contract and behaviour tests of the session (links only librupture). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rupture/rupture.h"
#include "testutil.h"

/* ---- packet builders ---- */

static size_t rtp(uint8_t *b, uint32_t ssrc, uint16_t seq, uint32_t ts, int pt, int marker,
                  size_t payload) {
  b[0] = 0x80;
  b[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
  b[2] = (uint8_t)(seq >> 8);
  b[3] = (uint8_t)seq;
  b[4] = (uint8_t)(ts >> 24);
  b[5] = (uint8_t)(ts >> 16);
  b[6] = (uint8_t)(ts >> 8);
  b[7] = (uint8_t)ts;
  b[8] = (uint8_t)(ssrc >> 24);
  b[9] = (uint8_t)(ssrc >> 16);
  b[10] = (uint8_t)(ssrc >> 8);
  b[11] = (uint8_t)ssrc;
  memset(b + 12, 0xAB, payload);
  return 12 + payload;
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

/* SR with no report blocks: sender ssrc, NTP. */
static size_t sr(uint8_t *b, uint32_t ssrc, uint64_t ntp, uint32_t pkts) {
  b[0] = 0x80;
  b[1] = 200;
  b[2] = 0;
  b[3] = 6; /* 7 words */
  put32(b + 4, ssrc);
  put32(b + 8, (uint32_t)(ntp >> 32));
  put32(b + 12, (uint32_t)ntp);
  put32(b + 16, 1234);
  put32(b + 20, pkts);
  put32(b + 24, pkts * 100);
  return 28;
}

/* RR with one block about `about`. */
static size_t rr(uint8_t *b, uint32_t ssrc, uint32_t about, uint8_t frac, uint32_t lsr, uint32_t dlsr) {
  b[0] = 0x81;
  b[1] = 201;
  b[2] = 0;
  b[3] = 7; /* 8 words */
  put32(b + 4, ssrc);
  put32(b + 8, about);
  b[12] = frac;
  b[13] = 0;
  b[14] = 0;
  b[15] = 3; /* cumulative lost 3 */
  put32(b + 16, 100);
  put32(b + 20, 480); /* jitter: 10 ms at 48 kHz */
  put32(b + 24, lsr);
  put32(b + 28, dlsr);
  return 32;
}

static rup_session *mk(const rup_callbacks *cb, void *ud, uint32_t queue) {
  rup_settings st;
  assert_int_equal(rup_settings_default(&st), 0);
  st.max_queued_events = queue;
  rup_session *s = NULL;
  assert_int_equal(rup_session_new(&s, &st, cb, NULL, ud), 0);
  assert_non_null(s);
  return s;
}

/* ---- contract ---- */

static void test_errors_and_version(void **state) {
  (void)state;
  assert_string_equal(rup_err_name(RUP_ERR_NOMEM), "RUP_ERR_NOMEM");
  assert_string_equal(rup_strerror(RUP_ERR_TIME_REGRESSION), "time went backwards");
  assert_string_equal(rup_strerror(-12345), "unknown error");
  assert_string_equal(rup_err_name(-12345), "RUP_ERR_UNKNOWN");
  assert_true(rup_err_is_fatal(RUP_ERR_NOMEM));
  assert_false(rup_err_is_fatal(RUP_ERR_MALFORMED));
  assert_int_equal(rup_version_num(), RUP_VERSION_NUM);
  assert_string_equal(rup_version_string(), RUP_VERSION);
  assert_string_equal(rup_codec_name(RUP_CODEC_OPUS), "opus");
  assert_string_equal(rup_codec_name(999), "unknown");
  assert_int_equal(rup_codec_media(RUP_CODEC_VP8), RUP_MEDIA_VIDEO);
}

static void test_settings(void **state) {
  (void)state;
  rup_settings st;
  assert_int_equal(rup_settings_default(&st), 0);
  assert_int_equal(st.version, RUP_SETTINGS_VERSION);
  assert_int_equal(st.max_streams, 64);
  assert_int_equal(st.burst_gmin, 16);
  assert_int_equal(rup_settings_default_versioned(99, &st), RUP_ERR_VERSION);
  assert_int_equal(rup_settings_default_versioned(0, &st), RUP_ERR_VERSION);
  assert_int_equal(rup_settings_default(NULL), RUP_ERR_INVALID_ARGUMENT);

  assert_int_equal(st.statistics_only, 0);
  /* version 1 settings (before statistics_only): accepted, the new field defaults to 0 */
  rup_settings v1;
  memset(&v1, 0x5A, sizeof v1); /* bytes a version-1 caller does not own */
  assert_int_equal(rup_settings_default_versioned(1, &v1), 0);
  assert_int_equal(v1.version, 1);
  assert_int_equal(v1.statistics_only, 0x5A5A5A5A); /* not written */
  rup_session *s1;
  assert_int_equal(rup_session_new(&s1, &v1, NULL, NULL, NULL), 0);
  rup_summary sum;
  assert_int_equal(rup_session_get_summary(s1, &sum), 0);
  assert_int_equal(sum.ruptures_analysed, 1);
  memset(&sum, 0x5A, sizeof sum);
  assert_int_equal(rup_session_get_summary_versioned(s1, 1, &sum), 0);
  assert_int_equal(sum.version, 1);
  assert_int_equal(sum.ruptures_analysed, 0x5A5A5A5A); /* not written to a version-1 struct */
  rup_session_del(s1);
  /* statistics_only is 0 or 1, and excludes decoding */
  rup_settings_default(&st);
  st.statistics_only = 2;
  assert_int_equal(rup_session_new(&s1, &st, NULL, NULL, NULL), RUP_ERR_INVALID_ARGUMENT);
  st.statistics_only = 1;
  st.decode_audio = 1;
  assert_int_equal(rup_session_new(&s1, &st, NULL, NULL, NULL), RUP_ERR_INVALID_ARGUMENT);
  st.decode_audio = 0;
  assert_int_equal(rup_session_new(&s1, &st, NULL, NULL, NULL), 0);
  rup_session_del(s1);

  rup_session *s = (rup_session *)0x1;
  assert_int_equal(rup_session_new(NULL, NULL, NULL, NULL, NULL), RUP_ERR_INVALID_ARGUMENT);
  rup_settings_default(&st);
  st.max_streams = 0;
  assert_int_equal(rup_session_new(&s, &st, NULL, NULL, NULL), RUP_ERR_INVALID_ARGUMENT);
  assert_ptr_equal(s, (rup_session *)0x1); /* untouched on failure */
  st.max_streams = 4;
  st.version = 77;
  assert_int_equal(rup_session_new(&s, &st, NULL, NULL, NULL), RUP_ERR_VERSION);
  rup_callbacks cb = {.version = 99};
  assert_int_equal(rup_session_new(&s, NULL, &cb, NULL, NULL), RUP_ERR_VERSION);
  rup_session_del(NULL);
  assert_int_equal(rup_session_new(&s, NULL, NULL, NULL, NULL), 0);
  assert_int_equal(rup_session_get_stream_count(s), 0);
  assert_int_equal(rup_session_next_deadline(s), INT64_MAX);
  const rup_event *ev = (const rup_event *)0x1;
  assert_int_equal(rup_session_poll_event(s, &ev), 0);
  assert_null(ev);
  rup_stream_stats ss;
  assert_int_equal(rup_session_get_stream_stats(s, 0, &ss), RUP_ERR_NOT_FOUND);
  assert_int_equal(rup_session_get_stream_stats_versioned(s, 0, 42, &ss), RUP_ERR_VERSION);
  size_t idx;
  assert_int_equal(rup_session_find_stream(s, 1, RUP_DIR_INBOUND, &idx), RUP_ERR_NOT_FOUND);
  assert_int_equal(rup_session_push_packet(s, NULL, 5, 0, 0), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_session_push_packet(s, (const uint8_t *)"x", 1, 7, 0), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_session_describe_stream(s, 1, RUP_CODEC_OPUS, 200, 48000, 0),
                   RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_session_map_extension(s, 0, "x"), RUP_ERR_INVALID_ARGUMENT);
  rup_session_del(s);
}

static void test_endpoint(void **state) {
  (void)state;
  rup_endpoint e;
  char buf[64];
  assert_int_equal(rup_endpoint_parse(&e, "10.0.0.1:5004"), 0);
  assert_int_equal(e.family, 4);
  assert_int_equal(e.port, 5004);
  rup_endpoint_format(&e, buf, sizeof buf);
  assert_string_equal(buf, "10.0.0.1:5004");
  assert_int_equal(rup_endpoint_parse(&e, "[::1]:9"), 0);
  assert_int_equal(e.family, 6);
  rup_endpoint_format(&e, buf, sizeof buf);
  assert_string_equal(buf, "[::1]:9");
  assert_int_equal(rup_endpoint_parse(&e, "fe80::2"), 0);
  assert_int_equal(e.port, 0);
  assert_int_equal(rup_endpoint_parse(&e, "10.0.0.1:70000"), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_endpoint_parse(&e, "nonsense"), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_endpoint_parse(&e, ""), RUP_ERR_INVALID_ARGUMENT);
}

/* ---- behaviour ---- */

typedef struct rec {
  int added;
  int fail;
  int reentry_rv;
  rup_session *s;
} rec;

static int on_added(rup_session *s, const rup_event *ev, void *ud) {
  rec *r = ud;
  assert_int_equal(ev->type, RUP_EVENT_STREAM_ADDED);
  r->added++;
  uint8_t b[256];
  size_t n = rtp(b, 9, 1, 1, 0, 0, 10);
  r->reentry_rv = rup_session_push_packet(s, b, n, RUP_DIR_INBOUND, ev->time_us);
  return r->fail ? -1 : 0;
}

static void test_stream_added_callback_and_queue(void **state) {
  (void)state;
  rec r = {0};
  rup_callbacks cb = {.version = RUP_CALLBACKS_VERSION, .on_stream_added = on_added};
  rup_session *s = mk(&cb, &r, 8);
  uint8_t b[256];
  int64_t t = 1000000;
  for (int i = 0; i < 10; i++, t += 20000)
    assert_int_equal(rup_session_push_packet(s, b, rtp(b, 0x1111, (uint16_t)(100 + i), 160u * i, 0, 0, 160),
                                             RUP_DIR_INBOUND, t), 0);
  assert_int_equal(r.added, 1);
  assert_int_equal(r.reentry_rv, RUP_ERR_INVALID_STATE); /* no re-entrancy */
  const rup_event *ev;
  assert_int_equal(rup_session_poll_event(s, &ev), 1);
  assert_int_equal(ev->type, RUP_EVENT_STREAM_ADDED);
  assert_int_equal(ev->u.stream.ssrc, 0x1111);
  assert_int_equal(ev->u.stream.codec, RUP_CODEC_PCMU); /* static PT 0, RFC 3551 */
  assert_int_equal(ev->time_us, 1000000);
  assert_int_equal(rup_session_poll_event(s, &ev), 0);

  /* A failing callback: the call reports it, the packet is still counted. */
  r.fail = 1;
  assert_int_equal(rup_session_push_packet(s, b, rtp(b, 0x2222, 5, 0, 8, 0, 160), RUP_DIR_INBOUND, t),
                   RUP_ERR_CALLBACK_FAILURE);
  size_t idx;
  assert_int_equal(rup_session_find_stream(s, 0x2222, RUP_DIR_INBOUND, &idx), 0);
  assert_int_equal(idx, 1);
  rup_stream_stats st;
  assert_int_equal(rup_session_get_stream_stats(s, idx, &st), 0);
  assert_int_equal(st.packets, 1);
  assert_int_equal(st.codec, RUP_CODEC_PCMA);
  assert_int_equal(st.clock_rate, 8000);
  /* and the session keeps working */
  r.fail = 0;
  assert_int_equal(rup_session_push_packet(s, b, rtp(b, 0x2222, 6, 160, 8, 0, 160), RUP_DIR_INBOUND, t + 20000), 0);
  rup_session_del(s);
}

static void test_time_regression(void **state) {
  (void)state;
  rup_session *s = mk(NULL, NULL, 0);
  uint8_t b[256];
  size_t n = rtp(b, 1, 1, 0, 0, 0, 20);
  assert_int_equal(rup_session_push_packet(s, b, n, 0, 5000), 0);
  n = rtp(b, 1, 2, 160, 0, 0, 20);
  assert_int_equal(rup_session_push_packet(s, b, n, 0, 4999), RUP_ERR_TIME_REGRESSION);
  assert_int_equal(rup_session_advance(s, 4000), RUP_ERR_TIME_REGRESSION);
  rup_stream_stats st;
  rup_session_get_stream_stats(s, 0, &st);
  assert_int_equal(st.packets, 1); /* the refused packet changed nothing */
  assert_int_equal(rup_session_push_packet(s, b, n, 0, 5000), 0); /* equal time is fine */
  rup_session_counters c;
  rup_session_get_counters(s, &c);
  assert_int_equal(c.time_regressions, 2);
  assert_int_equal(c.rtp, 2);
  rup_session_del(s);
}

static void test_stream_cap(void **state) {
  (void)state;
  rup_settings st;
  rup_settings_default(&st);
  st.max_streams = 2;
  rup_session *s;
  assert_int_equal(rup_session_new(&s, &st, NULL, NULL, NULL), 0);
  uint8_t b[256];
  for (uint32_t ssrc = 1; ssrc <= 50; ssrc++) {
    int rv = rup_session_push_packet(s, b, rtp(b, ssrc, 1, 0, 0, 0, 8), 0, ssrc);
    assert_int_equal(rv, ssrc <= 2 ? 0 : RUP_ERR_TOO_MANY_STREAMS);
  }
  assert_int_equal(rup_session_get_stream_count(s), 2);
  rup_session_counters c;
  rup_session_get_counters(s, &c);
  assert_int_equal(c.refused_streams, 48);
  /* known streams are still measured */
  assert_int_equal(rup_session_push_packet(s, b, rtp(b, 1, 2, 160, 0, 0, 8), 0, 100), 0);
  rup_stream_stats ss;
  rup_session_get_stream_stats(s, 0, &ss);
  assert_int_equal(ss.packets, 2);
  assert_int_equal(rup_session_describe_stream(s, 77, RUP_CODEC_OPUS, 111, 0, 0), RUP_ERR_TOO_MANY_STREAMS);
  rup_session_del(s);
}

static void test_demux_counters(void **state) {
  (void)state;
  rup_session *s = mk(NULL, NULL, 0);
  /* STUN binding request header (RFC 5389: first byte 0..3, magic cookie) */
  uint8_t stun[20] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42};
  assert_int_equal(rup_session_push_packet(s, stun, sizeof stun, 0, 1), 0);
  uint8_t dtls[13] = {22, 0xFE, 0xFD};
  assert_int_equal(rup_session_push_packet(s, dtls, sizeof dtls, 0, 2), 0);
  uint8_t ka[4] = {0xDE, 0xAD, 0xBE, 0xEF};
  assert_int_equal(rup_session_push_packet(s, ka, sizeof ka, 0, 3), 0);
  uint8_t bad[12] = {0x8F, 0x00}; /* 15 CSRCs announced, none present */
  assert_int_equal(rup_session_push_packet(s, bad, sizeof bad, 0, 4), RUP_ERR_MALFORMED);
  /* TURN ChannelData wrapping an RTP packet */
  uint8_t turn[64] = {0x40, 0x01, 0x00, 0x00};
  size_t n = rtp(turn + 4, 0xABC, 1, 0, 0, 0, 20);
  turn[3] = (uint8_t)n;
  assert_int_equal(rup_session_push_packet(s, turn, 4 + n, 0, 5), 0);
  rup_session_counters c;
  rup_session_get_counters(s, &c);
  assert_int_equal(c.packets, 5);
  assert_int_equal(c.stun, 1);
  assert_int_equal(c.dtls, 1);
  assert_int_equal(c.malformed, 1);
  assert_int_equal(c.turn_channel, 1);
  assert_int_equal(c.rtp, 1);
  assert_int_equal(c.unknown, 1);
  assert_int_equal(rup_session_get_stream_count(s), 1);
  rup_session_del(s);
}

/* RFC 3550 §6.4.1: RTT = A - LSR - DLSR, measured at the sender of the SR. */
static void test_rtt_from_rr(void **state) {
  (void)state;
  rup_session *s = mk(NULL, NULL, 0);
  uint8_t b[256];
  const uint32_t local = 0xA0A0A0A0;
  int64_t t = 10000000;
  /* our outbound Opus stream */
  assert_int_equal(rup_session_describe_stream(s, local, RUP_CODEC_OPUS, 111, 48000, RUP_DIR_OUTBOUND), 0);
  for (int i = 0; i < 5; i++, t += 20000)
    rup_session_push_packet(s, b, rtp(b, local, (uint16_t)i, 960u * i, 111, 0, 80), RUP_DIR_OUTBOUND, t);
  uint64_t ntp = 0xE0000000B7058000ull; /* middle 32 bits: 0x0000B705 */
  int64_t t_sr = t;
  assert_int_equal(rup_session_push_packet(s, b, sr(b, local, ntp, 5), RUP_DIR_OUTBOUND, t_sr), 0);
  /* The remote answers 300 ms later with DLSR = 0.25 s (16384 units): RTT 50 ms. */
  uint32_t lsr = (uint32_t)(ntp >> 16);
  assert_int_equal(rup_session_push_packet(s, b, rr(b, 0xBEEF, local, 64, lsr, 16384), RUP_DIR_INBOUND,
                                           t_sr + 300000), 0);
  rup_stream_stats st;
  size_t idx;
  assert_int_equal(rup_session_find_stream(s, local, RUP_DIR_OUTBOUND, &idx), 0);
  rup_session_get_stream_stats(s, idx, &st);
  assert_int_equal(st.sr_count, 1);
  assert_int_equal(st.sender_packet_count, 5);
  assert_true(st.has_rtt);
  assert_true(st.rtt_ms > 49.9 && st.rtt_ms < 50.1);
  assert_true(st.has_remote_report);
  assert_int_equal(st.remote_fraction_lost, 64);
  assert_int_equal(st.remote_cumulative_lost, 3);
  assert_true(st.remote_jitter_ms > 9.99 && st.remote_jitter_ms < 10.01);
  /* an RR with LSR 0 gives no new RTT */
  assert_int_equal(rup_session_push_packet(s, b, rr(b, 0xBEEF, local, 0, 0, 0), RUP_DIR_INBOUND, t_sr + 400000), 0);
  rup_session_get_stream_stats(s, idx, &st);
  assert_true(st.rtt_ms > 49.9 && st.rtt_ms < 50.1);
  assert_int_equal(st.remote_fraction_lost, 0);
  rup_session_counters c;
  rup_session_get_counters(s, &c);
  assert_int_equal(c.rtcp, 3);
  assert_int_equal(c.rtcp_sr, 1);
  assert_int_equal(c.rtcp_rr, 2);
  rup_session_del(s);
}

/* Reporting intervals roll on the deadline, both from packets and from advance(). */
static void test_deadline_and_fraction_lost(void **state) {
  (void)state;
  rup_session *s = mk(NULL, NULL, 0);
  uint8_t b[256];
  int64_t t = 0;
  uint16_t seq = 1000;
  for (int i = 0; i < 100; i++, t += 20000, seq++) {
    if (i % 4 == 3) continue; /* lose every fourth packet */
    rup_session_push_packet(s, b, rtp(b, 5, seq, 160u * (uint32_t)i, 0, 0, 160), 0, t);
  }
  /* The interval started with the first packet (t = 0); deadlines come at least
   * that often, and advancing through them closes it at 5 s. */
  int64_t d;
  while ((d = rup_session_next_deadline(s)) <= 5000000) assert_int_equal(rup_session_advance(s, d), 0);
  assert_true(d != INT64_MAX);
  rup_stream_stats st;
  rup_session_get_stream_stats(s, 0, &st);
  /* RFC 3550 A.3: fraction = (lost_interval << 8) / expected_interval */
  uint64_t expected = st.expected;
  int64_t lost = st.lost;
  assert_true(lost > 0);
  assert_int_equal(st.fraction_lost, (uint32_t)(((uint64_t)lost << 8) / expected));
  assert_true(rup_session_next_deadline(s) > 5000000);
  rup_session_del(s);
}

/* ---- out-of-memory loop (STYLE.md §2.11) ---- */

typedef struct failmem {
  long budget; /* allocations left before failing */
  long live;
} failmem;

static void *fm_malloc(size_t n, void *ud) {
  failmem *f = ud;
  if (f->budget-- <= 0) return NULL;
  f->live++;
  return malloc(n ? n : 1);
}
static void *fm_realloc(void *p, size_t n, void *ud) {
  failmem *f = ud;
  if (f->budget-- <= 0) return NULL;
  if (!p) f->live++;
  return realloc(p, n ? n : 1);
}
static void fm_free(void *p, void *ud) {
  failmem *f = ud;
  if (p) f->live--;
  free(p);
}

static void test_oom_loop(void **state) {
  (void)state;
  int succeeded = 0;
  for (long n = 0; n < 200 && !succeeded; n++) {
    failmem f = {n, 0};
    rup_mem mem = {&f, fm_malloc, fm_realloc, fm_free};
    rup_settings st;
    rup_settings_default(&st);
    st.max_queued_events = 4;
    rup_session *s = NULL;
    int rv = rup_session_new(&s, &st, NULL, &mem, NULL);
    if (rv != 0) {
      assert_int_equal(rv, RUP_ERR_NOMEM);
      assert_int_equal(f.live, 0);
      continue;
    }
    uint8_t b[256];
    int ok = 1;
    for (uint32_t ssrc = 1; ssrc <= 3; ssrc++) {
      rv = rup_session_push_packet(s, b, rtp(b, ssrc, 1, 0, 0, 0, 8), 0, ssrc);
      if (rv != 0) {
        assert_int_equal(rv, RUP_ERR_NOMEM);
        /* fatal: only del is allowed now */
        assert_int_equal(rup_session_push_packet(s, b, rtp(b, 1, 2, 0, 0, 0, 8), 0, 10),
                         RUP_ERR_INVALID_STATE);
        ok = 0;
        break;
      }
    }
    rup_session_del(s);
    assert_int_equal(f.live, 0);
    succeeded = ok;
  }
  assert_true(succeeded);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_errors_and_version),
      cmocka_unit_test(test_settings),
      cmocka_unit_test(test_endpoint),
      cmocka_unit_test(test_stream_added_callback_and_queue),
      cmocka_unit_test(test_time_regression),
      cmocka_unit_test(test_stream_cap),
      cmocka_unit_test(test_demux_counters),
      cmocka_unit_test(test_rtt_from_rr),
      cmocka_unit_test(test_deadline_and_fraction_lost),
      cmocka_unit_test(test_oom_loop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
