/* Rupture detection through the public API only: hand-built RTP/RTCP, time driven
 * by hand with next_deadline/advance as a live host does (docs/ruptures.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rupture/rupture.h"
#include "testutil.h"

#define MS 1000LL
#define SEC 1000000LL
#define A_SSRC 0x1111u /* remote audio */
#define V_SSRC 0x2222u /* remote video */
#define L_SSRC 0x3333u /* local audio (outbound) */

/* ---- packets ---- */

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static size_t rtp(uint8_t *b, uint32_t ssrc, uint16_t seq, uint32_t ts, int pt, int marker, size_t payload,
                  uint8_t first) {
  b[0] = 0x80;
  b[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
  b[2] = (uint8_t)(seq >> 8);
  b[3] = (uint8_t)seq;
  put32(b + 4, ts);
  put32(b + 8, ssrc);
  memset(b + 12, 0xAB, payload);
  b[12] = first;
  return 12 + payload;
}

static size_t sr(uint8_t *b, uint32_t ssrc, uint32_t pkts) {
  b[0] = 0x80;
  b[1] = 200;
  b[2] = 0;
  b[3] = 6;
  put32(b + 4, ssrc);
  put32(b + 8, 0x12345678);
  put32(b + 12, 0);
  put32(b + 16, 0);
  put32(b + 20, pkts);
  put32(b + 24, pkts * 60);
  return 28;
}

static size_t rr(uint8_t *b, uint32_t ssrc, uint32_t about, uint32_t ext_high, int32_t cum_lost) {
  b[0] = 0x81;
  b[1] = 201;
  b[2] = 0;
  b[3] = 7;
  put32(b + 4, ssrc);
  put32(b + 8, about);
  put32(b + 12, (uint32_t)cum_lost & 0xFFFFFF);
  put32(b + 16, ext_high);
  put32(b + 20, 0);
  put32(b + 24, 0);
  put32(b + 28, 0);
  return 32;
}

/* An RR whose block carries LSR / DLSR (RFC 3550 §6.4.1), for RTT. */
static size_t rr_lsr(uint8_t *b, uint32_t ssrc, uint32_t about, uint32_t ext_high, uint32_t lsr, uint32_t dlsr) {
  size_t n = rr(b, ssrc, about, ext_high, 0);
  put32(b + 24, lsr);
  put32(b + 28, dlsr);
  return n;
}

static size_t bye(uint8_t *b, uint32_t ssrc) {
  b[0] = 0x81;
  b[1] = 203;
  b[2] = 0;
  b[3] = 1;
  put32(b + 4, ssrc);
  return 8;
}

/* ---- a hand-driven call ---- */

#define MAXEV 512
typedef struct call {
  rup_session *s;
  rup_event ev[MAXEV];
  int nev;
  int fail_type; /* a callback of this event type returns non-zero */
  int64_t now;
  uint16_t aseq, vseq, lseq;
  uint32_t ats, vts, lts, asent, vsent;
  rup_endpoint remote, local;
  int last_rv;
  int saw_failure;
} call;

static int on_ev(rup_session *s, const rup_event *ev, void *ud) {
  (void)s;
  call *c = ud;
  if (c->nev < MAXEV) c->ev[c->nev++] = *ev;
  return c->fail_type && ev->type == c->fail_type;
}

static void track(call *c, int rv) {
  if (rv == RUP_ERR_CALLBACK_FAILURE) {
    c->saw_failure = 1;
    rv = 0;
  }
  c->last_rv = rv;
  assert_int_equal(rv, 0);
}

static void mk(call *c, const rup_settings *stp) {
  memset(c, 0, sizeof *c);
  rup_settings st;
  rup_settings_default(&st);
  if (stp) st = *stp;
  st.payload_opaque = 1; /* video frames from marker + timestamp */
  rup_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = RUP_CALLBACKS_VERSION;
  cb.on_rupture_begin = on_ev;
  cb.on_rupture_update = on_ev;
  cb.on_rupture_end = on_ev;
  assert_int_equal(rup_session_new(&c->s, &st, &cb, NULL, c), 0);
  rup_endpoint_parse(&c->remote, "10.0.0.2:50000");
  rup_endpoint_parse(&c->local, "10.0.0.1:40000");
  assert_int_equal(rup_session_describe_stream(c->s, A_SSRC, RUP_CODEC_OPUS, 111, 48000, RUP_DIR_INBOUND), 0);
  assert_int_equal(rup_session_describe_stream(c->s, V_SSRC, RUP_CODEC_VP8, 96, 90000, RUP_DIR_INBOUND), 0);
}

/* Let time pass like a host's timer: advance at every deadline up to t. */
static void until(call *c, int64_t t) {
  for (;;) {
    int64_t d = rup_session_next_deadline(c->s);
    if (d > t) break;
    if (d < c->now) d = c->now;
    track(c, rup_session_advance(c->s, d));
    c->now = d;
  }
  c->now = t;
}

static void push_in(call *c, const uint8_t *b, size_t n, int64_t t) {
  if (t < c->now) t = c->now; /* the builders interleave streams: never go back in time */
  until(c, t);
  track(c, rup_session_push_udp(c->s, b, n, RUP_DIR_INBOUND, t, &c->remote, &c->local));
}

/* One 20-ms frame of our own audio, seen as we send it at t (no earlier than now). */
static void ours(call *c, int64_t t) {
  uint8_t b[100];
  size_t n = rtp(b, L_SSRC, c->lseq++, c->lts, 111, 0, 60, 0xF8);
  c->lts += 960;
  if (t < c->now) t = c->now;
  until(c, t);
  track(c, rup_session_push_udp(c->s, b, n, RUP_DIR_OUTBOUND, t, &c->local, &c->remote));
}

/* One 20-ms audio frame sent at t; delivered at t + delay unless lost. */
static void audio(call *c, int64_t t, int lost, int64_t delay, int dtx) {
  uint8_t b[100];
  size_t n = rtp(b, A_SSRC, c->aseq++, c->ats, 111, 0, dtx ? 1 : 60, 0xF8); /* CELT 20 ms */
  c->ats += 960;
  c->asent++;
  if (!lost) push_in(c, b, n, t + delay);
}

static void video(call *c, int64_t t, int lost) {
  uint8_t b[300];
  size_t n = rtp(b, V_SSRC, c->vseq++, c->vts, 96, 1, 200, 0x10);
  c->vts += 6000; /* 15 fps */
  c->vsent++;
  if (!lost) push_in(c, b, n, t + 20 * MS);
}

static void rtcp_sr(call *c, uint32_t ssrc, uint32_t count, int64_t t) {
  uint8_t b[64];
  push_in(c, b, sr(b, ssrc, count), t);
}

typedef struct plan {
  int64_t a_lost_from, a_lost_to;     /* audio packets sent in [from, to) are lost */
  int64_t a2_lost_from, a2_lost_to;
  int64_t all_lost_from, all_lost_to; /* everything, RTCP included */
  int64_t v_stop_from, v_stop_to;     /* the sender sends no video */
  int64_t v_lost_from, v_lost_to;     /* video packets sent in [from, to) are lost */
  int64_t mute_from, mute_to;         /* the sender sends no audio; SR count stands */
  int64_t dtx_from, dtx_to;           /* DTX: a 1-byte frame every 400 ms */
  int video;
  int64_t end;
} plan;

static void finish(call *c, int64_t t) {
  if (t < c->now) t = c->now;
  until(c, t);
  track(c, rup_session_finish(c->s, t));
}

static int in(int64_t t, int64_t a, int64_t b) { return t >= a && t < b; }

/* Run a call: audio every 20 ms, video every 66.7 ms, SRs every 500 ms. */
static void run(call *c, const plan *p) {
  int64_t next_v = 0, next_sr = 250 * MS;
  for (int64_t t = 0; t < p->end; t += 20 * MS) {
    int all = in(t, p->all_lost_from, p->all_lost_to);
    if (p->video)
      while (next_v <= t) {
        if (!in(next_v, p->v_stop_from, p->v_stop_to)) video(c, next_v, all || in(next_v, p->v_lost_from, p->v_lost_to));
        next_v += 66667;
      }
    if (in(t, p->mute_from, p->mute_to)) {
      c->ats += 960; /* nothing sent; the RTP clock runs on */
    } else if (in(t, p->dtx_from, p->dtx_to)) {
      if (((t - p->dtx_from) / (20 * MS)) % 20 == 0) audio(c, t, all, 30 * MS, 1);
      else c->ats += 960; /* not sent: the timestamp advances, the sequence does not */
    } else {
      int lost = all || in(t, p->a_lost_from, p->a_lost_to) || in(t, p->a2_lost_from, p->a2_lost_to);
      audio(c, t, lost, 30 * MS, 0);
    }
    if (t >= next_sr) {
      if (!all) {
        rtcp_sr(c, A_SSRC, c->asent, t + 30 * MS);
        if (p->video && !in(t, p->v_stop_from, p->v_stop_to)) rtcp_sr(c, V_SSRC, c->vsent, t + 31 * MS);
      }
      next_sr += 500 * MS;
    }
  }
  finish(c, p->end);
}

static int count_type(const call *c, int evtype) {
  int n = 0;
  for (int i = 0; i < c->nev; i++) n += c->ev[i].type == evtype;
  return n;
}

static const rup_event *find_ev(const call *c, int evtype, int nth) {
  for (int i = 0; i < c->nev; i++)
    if (c->ev[i].type == evtype && nth-- == 0) return &c->ev[i];
  return NULL;
}

/* Exactly one rupture began and ended, under one id: its begin (if b) and end events. */
static void one_rupture(const call *c, const rup_rupture **b, const rup_rupture **e) {
  assert_int_equal(count_type(c, RUP_EVENT_RUPTURE_BEGIN), 1);
  assert_int_equal(count_type(c, RUP_EVENT_RUPTURE_END), 1);
  const rup_rupture *begin = &find_ev(c, RUP_EVENT_RUPTURE_BEGIN, 0)->u.rupture;
  *e = &find_ev(c, RUP_EVENT_RUPTURE_END, 0)->u.rupture;
  assert_int_equal((*e)->id, begin->id);
  if (b) *b = begin;
}

static void dump(const call *c) {
  for (int i = 0; i < c->nev; i++) {
    const rup_rupture *r = &c->ev[i].u.rupture;
    fprintf(stderr, "  ev %d t=%.3f id=%u %s %s %s %s start=%.3f det=%.3f end=%.3f rep=%s\n", c->ev[i].type,
            c->ev[i].time_us / 1e6, r->id, rup_rupture_type_name(r->type), rup_cause_name(r->cause),
            rup_severity_name(r->severity), r->direction ? "out" : "in", r->start_us / 1e6,
            r->detected_us / 1e6, r->end_us / 1e6, rup_repair_name(r->repair));
  }
}

static plan base_plan(int64_t end) {
  plan p;
  memset(&p, 0, sizeof p);
  p.a_lost_from = p.a_lost_to = p.a2_lost_from = p.a2_lost_to = INT64_MAX;
  p.all_lost_from = p.all_lost_to = p.v_stop_from = p.v_stop_to = INT64_MAX;
  p.v_lost_from = p.v_lost_to = INT64_MAX;
  p.mute_from = p.mute_to = p.dtx_from = p.dtx_to = INT64_MAX;
  p.end = end;
  return p;
}

/* ---- names ---- */

static void test_names(void **state) {
  (void)state;
  assert_string_equal(rup_rupture_type_name(RUP_RUPTURE_AUDIO_DROPOUT), "audio_dropout");
  assert_string_equal(rup_rupture_type_name(RUP_RUPTURE_LAG), "lag");
  assert_string_equal(rup_rupture_type_name(0), "unknown");
  assert_string_equal(rup_rupture_type_name(99), "unknown");
  assert_string_equal(rup_cause_name(RUP_CAUSE_SENDER_STOPPED), "sender_stopped");
  assert_string_equal(rup_cause_name(RUP_CAUSE_DELAY), "delay");
  assert_string_equal(rup_cause_name(-1), "unknown");
  assert_string_equal(rup_severity_name(RUP_SEVERITY_SEVERE), "severe");
  assert_string_equal(rup_repair_name(RUP_REPAIR_USE_BACKUP_CHANNEL), "use_backup_channel");
  assert_string_equal(rup_repair_name(RUP_REPAIR_NONE), "none");
  rup_settings st;
  assert_int_equal(rup_settings_default(&st), 0);
  assert_int_equal(st.lag_one_way_us, 400000); /* ITU-T G.114 */
  st.max_ruptures = 1u << 30;
  rup_session *s = NULL;
  assert_int_equal(rup_session_new(&s, &st, NULL, NULL, NULL), RUP_ERR_INVALID_ARGUMENT);
}

/* ---- ruptures ---- */

static void test_audio_dropout(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  plan p = base_plan(10 * SEC);
  p.video = 1;
  p.a_lost_from = 3 * SEC;
  p.a_lost_to = 4500 * MS;
  run(&c, &p);
  dump(&c);
  const rup_rupture *b, *e;
  one_rupture(&c, &b, &e);
  assert_int_equal(b->type, RUP_RUPTURE_AUDIO_DROPOUT);
  assert_int_equal(b->direction, RUP_DIR_INBOUND);
  assert_int_equal(e->id, b->id);
  assert_int_equal(e->cause, RUP_CAUSE_PACKET_LOSS);
  /* the last packet arrived at 2.98 + 0.03; the break starts there or at the playout of
   * the first missing frame (a jitter buffer later) */
  assert_true(e->start_us >= 3010 * MS && e->start_us <= 3150 * MS);
  /* threshold: start + 500 ms, or the SR that proves loss, whichever is later */
  assert_true(b->detected_us >= b->start_us + 500 * MS);
  /* recovery: the first packet after the gap arrives at 4.53, plays a buffer later */
  assert_true(e->end_us >= 4530 * MS && e->end_us <= 4650 * MS);
  /* hysteresis: the end is delivered end_hold_us after the recovery */
  assert_true(find_ev(&c, RUP_EVENT_RUPTURE_END, 0)->time_us >= e->end_us + 2 * SEC);
  assert_int_equal(e->severity, RUP_SEVERITY_MINOR); /* 1.5 s, speech unknown */
  assert_int_equal(e->ssrc_count, 1);
  assert_int_equal(e->ssrcs[0], A_SSRC);
  /* history and summary */
  assert_int_equal(rup_session_get_rupture_count(c.s), 1);
  rup_rupture h;
  assert_int_equal(rup_session_get_rupture(c.s, 0, &h), 0);
  assert_int_equal(h.end_us, e->end_us);
  assert_int_equal(rup_session_get_rupture(c.s, 1, &h), RUP_ERR_NOT_FOUND);
  rup_summary sum;
  assert_int_equal(rup_session_get_summary(c.s, &sum), 0);
  assert_int_equal(sum.rupture_count, 1);
  assert_int_equal(sum.by_type[RUP_RUPTURE_AUDIO_DROPOUT], 1);
  assert_true(sum.rupture_time_s > 1.3 && sum.rupture_time_s < 1.7);
  assert_int_equal(sum.acknowledged, 0);
  /* ack: recorded with its time (allowed after finish, for the note) */
  assert_int_equal(rup_session_ack_rupture(c.s, b->id, 11 * SEC), 0);
  assert_int_equal(rup_session_ack_rupture(c.s, 99, 11 * SEC), RUP_ERR_NOT_FOUND);
  assert_int_equal(rup_session_get_rupture(c.s, 0, &h), 0);
  assert_int_equal(h.acknowledged, 1);
  assert_int_equal(h.acknowledged_us, 11 * SEC);
  rup_session_get_summary(c.s, &sum);
  assert_int_equal(sum.acknowledged, 1);
  rup_session_del(c.s);
}

/* Video packets lost from 3 s to 6 s while audio flows: one video_freeze, cause
 * packet_loss, from the last frame shown (sent 2.933 s, arrives 2.953) to the first
 * frame after the loss (sent 6.0 s, arrives 6.02, released 100 ms later). */
static void test_video_freeze_from_loss(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  plan p = base_plan(12 * SEC);
  p.video = 1;
  p.v_lost_from = 3 * SEC;
  p.v_lost_to = 6 * SEC;
  run(&c, &p);
  dump(&c);
  const rup_rupture *b, *e;
  one_rupture(&c, &b, &e);
  assert_int_equal(e->type, RUP_RUPTURE_VIDEO_FREEZE);
  assert_int_equal(e->cause, RUP_CAUSE_PACKET_LOSS);
  assert_int_equal(e->ssrc_count, 1);
  assert_int_equal(e->ssrcs[0], V_SSRC);
  assert_true(e->start_us >= 2953 * MS && e->start_us <= 3000 * MS);
  assert_true(b->detected_us >= e->start_us + 1 * SEC); /* video_freeze_min_us */
  /* the frame after the gap waits video_reorder_wait_us (100 ms) for the missing
   * frames' packets before it is released */
  assert_true(e->end_us >= 6120 * MS && e->end_us <= 6140 * MS);
  rup_session_del(c.s);
}

/* Audio and video lost together from 3 s to 6 s while the sender's RTCP still comes:
 * packets partly flow, so it is av_outage, not connection_lost. */
static void test_av_outage(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  plan p = base_plan(12 * SEC);
  p.video = 1;
  p.v_lost_from = p.a_lost_from = 3 * SEC;
  p.v_lost_to = p.a_lost_to = 6 * SEC;
  run(&c, &p);
  dump(&c);
  const rup_rupture *e;
  one_rupture(&c, NULL, &e);
  assert_int_equal(e->type, RUP_RUPTURE_AV_OUTAGE);
  assert_int_equal(e->cause, RUP_CAUSE_PACKET_LOSS);
  assert_int_equal(e->ssrc_count, 2);
  assert_true(e->start_us >= 2953 * MS && e->start_us <= 3150 * MS);
  assert_true(e->end_us >= 6020 * MS && e->end_us <= 6150 * MS);
  rup_session_del(c.s);
}

/* rup_settings::statistics_only: the same outage call gives the same statistics, no
 * playback model, no rupture event and a summary that says ruptures were not analysed;
 * a full session of the same call finds the av_outage (the test above). */
static void test_statistics_only(void **state) {
  (void)state;
  call full, fast;
  rup_settings st;
  rup_settings_default(&st);
  mk(&full, &st);
  st.statistics_only = 1;
  mk(&fast, &st);
  plan p = base_plan(12 * SEC);
  p.video = 1;
  p.v_lost_from = p.a_lost_from = 3 * SEC;
  p.v_lost_to = p.a_lost_to = 6 * SEC;
  run(&full, &p);
  run(&fast, &p);
  assert_int_equal(rup_session_get_rupture_count(full.s), 1);
  assert_int_equal(fast.nev, 0);
  assert_int_equal(rup_session_get_rupture_count(fast.s), 0);
  rup_summary sf, so;
  assert_int_equal(rup_session_get_summary(full.s, &sf), 0);
  assert_int_equal(rup_session_get_summary(fast.s, &so), 0);
  assert_int_equal(sf.ruptures_analysed, 1);
  assert_int_equal(so.ruptures_analysed, 0);
  assert_int_equal(rup_session_get_stream_count(fast.s), rup_session_get_stream_count(full.s));
  for (size_t i = 0; i < rup_session_get_stream_count(full.s); i++) {
    rup_stream_stats a, b;
    assert_int_equal(rup_session_get_stream_stats(full.s, i, &a), 0);
    assert_int_equal(rup_session_get_stream_stats(fast.s, i, &b), 0);
    assert_int_equal(a.ssrc, b.ssrc);
    assert_int_equal(a.codec, b.codec);
    assert_int_equal(a.packets, b.packets);
    assert_int_equal(a.received, b.received);
    assert_int_equal(a.expected, b.expected);
    assert_int_equal(a.lost, b.lost);
    assert_true(a.lost > 0);
    assert_int_equal(a.duplicates, b.duplicates);
    assert_int_equal(a.reordered, b.reordered);
    assert_true(a.jitter_ms == b.jitter_ms && a.jitter_ms_max == b.jitter_ms_max);
    assert_int_equal(a.ws_lost, b.ws_lost);
    assert_true(a.ws_max_delta_ms == b.ws_max_delta_ms && a.ws_mean_jitter_ms == b.ws_mean_jitter_ms);
    assert_true(a.burst_density == b.burst_density && a.gap_density == b.gap_density);
    assert_int_equal(a.has_playback, 1);
    assert_int_equal(b.has_playback, 0);
    assert_int_equal(b.has_mos, 0);
  }
  /* the rupture reports refuse it; the JSON says "statistics" */
  FILE *f = tmpfile();
  assert_non_null(f);
  assert_int_equal(rup_report_write_note(fast.s, NULL, f), RUP_ERR_INVALID_STATE);
  assert_int_equal(rup_report_write_svg(fast.s, NULL, NULL, NULL, f), RUP_ERR_INVALID_STATE);
  assert_int_equal(rup_report_write_csv_ruptures(fast.s, NULL, NULL, 1, f), RUP_ERR_INVALID_STATE);
  assert_int_equal(ftell(f), 0);
  assert_int_equal(rup_report_write_note(full.s, NULL, f), 0);
  assert_int_equal(rup_report_write_json(fast.s, NULL, NULL, f), 0);
  fclose(f);
  rup_session_del(full.s);
  rup_session_del(fast.s);
}

static void test_escalation_one_id(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  plan p = base_plan(14 * SEC);
  p.video = 1;
  p.a_lost_from = 3 * SEC;
  p.a_lost_to = 8 * SEC;
  p.all_lost_from = 4 * SEC;
  p.all_lost_to = 8 * SEC;
  run(&c, &p);
  dump(&c);
  assert_int_equal(count_type(&c, RUP_EVENT_RUPTURE_BEGIN), 1);
  assert_int_equal(count_type(&c, RUP_EVENT_RUPTURE_END), 1);
  assert_true(count_type(&c, RUP_EVENT_RUPTURE_UPDATE) >= 1);
  const rup_rupture *b = &find_ev(&c, RUP_EVENT_RUPTURE_BEGIN, 0)->u.rupture;
  const rup_rupture *e = &find_ev(&c, RUP_EVENT_RUPTURE_END, 0)->u.rupture;
  assert_int_equal(b->type, RUP_RUPTURE_AUDIO_DROPOUT);
  assert_int_equal(e->type, RUP_RUPTURE_CONNECTION_LOST);
  assert_int_equal(e->id, b->id);
  for (int i = 0; i < c.nev; i++) assert_int_equal(c.ev[i].u.rupture.id, b->id);
  assert_int_equal(e->cause, RUP_CAUSE_NETWORK_OUTAGE);
  assert_int_equal(e->severity, RUP_SEVERITY_SEVERE); /* connection lost >= 5 s */
  assert_int_equal(e->repair, RUP_REPAIR_RECONNECT);
  assert_true(e->start_us >= 3010 * MS && e->start_us <= 3150 * MS);
  assert_true(e->end_us >= 8 * SEC && e->end_us <= 8200 * MS);
  rup_session_del(c.s);
}

static void test_not_ruptures(void **state) {
  (void)state;
  call c;
  /* DTX silence: 10 s of 1-byte frames every 400 ms, contiguous sequence numbers */
  mk(&c, NULL);
  plan p = base_plan(16 * SEC);
  p.video = 1;
  p.dtx_from = 2 * SEC;
  p.dtx_to = 12 * SEC;
  run(&c, &p);
  dump(&c);
  assert_int_equal(c.nev, 0);
  rup_session_del(c.s);
  /* a muted microphone: no packets, the SR packet count stands still */
  mk(&c, NULL);
  p = base_plan(12 * SEC);
  p.video = 1;
  p.mute_from = 2 * SEC;
  p.mute_to = 7 * SEC;
  run(&c, &p);
  dump(&c);
  assert_int_equal(c.nev, 0);
  rup_session_del(c.s);
  /* a camera turned off, said by the host */
  mk(&c, NULL);
  p = base_plan(12 * SEC);
  p.video = 1;
  p.v_stop_from = 3 * SEC;
  p.v_stop_to = 9 * SEC;
  until(&c, 0);
  /* first packets, then pause as the host learns it */
  int64_t next_v = 0;
  for (int64_t t = 0; t < p.end; t += 20 * MS) {
    while (next_v <= t) {
      if (!in(next_v, p.v_stop_from, p.v_stop_to)) video(&c, next_v, 0);
      next_v += 66667;
    }
    audio(&c, t, 0, 30 * MS, 0);
    if (t == 3 * SEC) assert_int_equal(rup_session_set_stream_paused(c.s, V_SSRC, RUP_DIR_INBOUND, 1), 0);
    if (t == 9 * SEC) assert_int_equal(rup_session_set_stream_paused(c.s, V_SSRC, RUP_DIR_INBOUND, 0), 0);
  }
  finish(&c, p.end);
  dump(&c);
  assert_int_equal(c.nev, 0);
  assert_int_equal(rup_session_set_stream_paused(c.s, 0x9999, RUP_DIR_INBOUND, 1), RUP_ERR_INVALID_STATE);
  rup_session_del(c.s);
  /* a video stream that ended with RTCP BYE */
  mk(&c, NULL);
  next_v = 0;
  for (int64_t t = 0; t < 10 * SEC; t += 20 * MS) {
    while (next_v <= t && next_v < 3 * SEC) {
      video(&c, next_v, 0);
      next_v += 66667;
    }
    if (t == 3 * SEC) {
      uint8_t b[16];
      push_in(&c, b, bye(b, V_SSRC), t);
    }
    audio(&c, t, 0, 30 * MS, 0);
  }
  finish(&c, 10 * SEC);
  dump(&c);
  assert_int_equal(c.nev, 0);
  rup_session_del(c.s);
}

static void test_camera_off_unannounced(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  plan p = base_plan(14 * SEC);
  p.video = 1;
  p.v_stop_from = 3 * SEC;
  p.v_stop_to = 9 * SEC;
  run(&c, &p);
  dump(&c);
  assert_int_equal(count_type(&c, RUP_EVENT_RUPTURE_BEGIN), 1);
  const rup_rupture *e = &find_ev(&c, RUP_EVENT_RUPTURE_END, 0)->u.rupture;
  assert_int_equal(e->type, RUP_RUPTURE_VIDEO_FREEZE);
  assert_int_equal(e->cause, RUP_CAUSE_SENDER_STOPPED);
  assert_int_equal(e->severity, RUP_SEVERITY_MINOR);
  assert_int_equal(e->repair, RUP_REPAIR_NONE);
  /* the last frame was shown at 2.9867 + 0.02 (15 fps); the picture is back with the
   * first frame after 9 s */
  assert_true(e->start_us >= 2950 * MS && e->start_us <= 2960 * MS); /* frame 44: 2.9333 + 0.02 */
  assert_true(e->end_us >= 9020 * MS && e->end_us <= 9040 * MS);     /* frame 135: 9.0000 + 0.02 (+ ordering) */
  assert_int_equal(e->detected_us, e->start_us + 1 * SEC); /* video_freeze_min_us */
  rup_session_del(c.s);
}

static void test_merge_gap_and_cooldown(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  plan p = base_plan(30 * SEC);
  p.video = 1;
  p.a_lost_from = 3 * SEC; /* two breaks 0.8 s apart: one rupture */
  p.a_lost_to = 4 * SEC;
  p.a2_lost_from = 4800 * MS;
  p.a2_lost_to = 5800 * MS;
  run(&c, &p);
  dump(&c);
  const rup_rupture *e;
  one_rupture(&c, NULL, &e);
  assert_true(e->start_us < 3200 * MS && e->end_us > 5800 * MS && e->end_us < 6000 * MS);
  rup_session_del(c.s);
  /* two like ruptures 15 s apart: the second gets no hint (cooldown), and they stay two */
  mk(&c, NULL);
  p.a2_lost_from = 20 * SEC;
  p.a2_lost_to = 21 * SEC;
  run(&c, &p);
  dump(&c);
  assert_int_equal(count_type(&c, RUP_EVENT_RUPTURE_BEGIN), 2);
  const rup_rupture *e1 = &find_ev(&c, RUP_EVENT_RUPTURE_END, 0)->u.rupture;
  const rup_rupture *e2 = &find_ev(&c, RUP_EVENT_RUPTURE_END, 1)->u.rupture;
  assert_int_not_equal(e1->id, e2->id);
  assert_int_equal(e1->repair, RUP_REPAIR_ACKNOWLEDGE);
  assert_int_equal(e2->severity, RUP_SEVERITY_MINOR);
  assert_int_equal(e2->repair, RUP_REPAIR_NONE);
  rup_session_del(c.s);
}

static void test_lag_from_transit(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  /* one-way delay 30 ms, ramping up by 600 ms over 3..7 s (slow enough for the
   * playout to follow by stretching), held, back over 12..16 s */
  for (int64_t t = 0; t < 20 * SEC; t += 20 * MS) {
    int64_t extra = t < 3 * SEC ? 0 : t < 7 * SEC ? (t - 3 * SEC) * 600 / 4000 : t < 12 * SEC ? 600 * MS
                  : t < 16 * SEC ? 600 * MS - (t - 12 * SEC) * 600 / 4000 : 0;
    audio(&c, t, 0, 30 * MS + extra, 0);
  }
  finish(&c, 20 * SEC);
  dump(&c);
  const rup_event *b = NULL, *e = NULL;
  for (int i = 0; i < c.nev; i++)
    if (c.ev[i].u.rupture.type == RUP_RUPTURE_LAG) {
      if (c.ev[i].type == RUP_EVENT_RUPTURE_BEGIN) b = &c.ev[i];
      if (c.ev[i].type == RUP_EVENT_RUPTURE_END) e = &c.ev[i];
    }
  assert_non_null(b);
  assert_non_null(e);
  /* no RTT: estimate = growth over the minimum transit = the extra delay; first packet
   * with >= 400 ms: sent at 5.68 s (402 ms), arrives 5.68 + 0.03 + 0.402 = 6.112 */
  assert_int_equal(b->u.rupture.start_us, 6112 * MS);
  assert_int_equal(b->u.rupture.detected_us, b->u.rupture.start_us + 2 * SEC); /* lag_min_us */
  assert_int_equal(b->u.rupture.cause, RUP_CAUSE_DELAY);
  assert_int_equal(b->u.rupture.speech_known, 0);
  /* below again: sent at 13.34 s (399 ms), arrives 13.34 + 0.03 + 0.399 = 13.769 */
  assert_int_equal(e->u.rupture.end_us, 13769 * MS);
  assert_true(e->time_us >= e->u.rupture.end_us + 2 * SEC); /* end_hold_us */
  rup_session_del(c.s);
}

/* The path's base RTT is the sum of each leg's smallest RTCP value. At our end the
 * inbound leg (our RR about the remote's SR, seen as we send it) is ~0 and comes
 * first; the outbound leg (the remote's RR about our SR) is the whole round trip,
 * 60 ms. Base one-way = 30 ms, so the lag begins when the transit growth reaches
 * 370 ms: the packet sent at 5.48 s (372 ms extra) arrives at 5.48 + 0.03 + 0.372.
 * (A minimum of the summed value would have kept the ~0 of the first leg: 6.112 s.) */
static void test_lag_base_rtt_per_leg(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  assert_int_equal(rup_session_describe_stream(c.s, L_SSRC, RUP_CODEC_OPUS, 111, 48000, RUP_DIR_OUTBOUND), 0);
  for (int64_t t = 0; t < 20 * SEC; t += 20 * MS) {
    int64_t extra = t < 3 * SEC ? 0 : t < 7 * SEC ? (t - 3 * SEC) * 600 / 4000 : t < 12 * SEC ? 600 * MS
                  : t < 16 * SEC ? 600 * MS - (t - 12 * SEC) * 600 / 4000 : 0;
    uint8_t b[100];
    if (t >= 20 * MS && t < 2 * SEC) { /* our audio, sent at t (then we listen) */
      until(&c, t);
      ours(&c, t);
    }
    if (t == 500 * MS) { /* the remote's SR (NTP mid 0x56780000); our RR about it right away */
      rtcp_sr(&c, A_SSRC, c.asent, t);
      until(&c, t + 1);
      size_t n = rr_lsr(b, L_SSRC, A_SSRC, c.aseq, 0x56780000u, 0);
      track(&c, rup_session_push_udp(c.s, b, n, RUP_DIR_OUTBOUND, t + 1, &c.local, &c.remote));
    }
    if (t == 1000 * MS) { /* our SR; the remote's RR about it 60 ms later */
      until(&c, t + 1);
      size_t n = sr(b, L_SSRC, c.lseq);
      track(&c, rup_session_push_udp(c.s, b, n, RUP_DIR_OUTBOUND, t + 1, &c.local, &c.remote));
    }
    if (t == 1060 * MS) push_in(&c, b, rr_lsr(b, A_SSRC, L_SSRC, c.lseq, 0x56780000u, 0), t + 1);
    audio(&c, t, 0, 10 * MS + extra, 0);
  }
  finish(&c, 20 * SEC);
  dump(&c);
  const rup_event *b = NULL;
  for (int i = 0; i < c.nev; i++)
    if (c.ev[i].u.rupture.type == RUP_RUPTURE_LAG && c.ev[i].type == RUP_EVENT_RUPTURE_BEGIN) b = &c.ev[i];
  assert_non_null(b);
  assert_int_equal(b->u.rupture.start_us, 5862 * MS);
  rup_session_del(c.s);
}

static void test_outbound_from_rr(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  assert_int_equal(rup_session_describe_stream(c.s, L_SSRC, RUP_CODEC_OPUS, 111, 48000, RUP_DIR_OUTBOUND), 0);
  uint32_t lsent = 0;
  int32_t cum = 0;
  uint32_t last_rr_high = 0;
  for (int64_t t = 0; t < 14 * SEC; t += 20 * MS) {
    audio(&c, t, 0, 30 * MS, 0);
    uint8_t b[100];
    ours(&c, t);
    lsent++;
    if (t % SEC == 500 * MS) { /* the remote's report about our stream, once a second */
      uint32_t high = lsent - 1;
      if (t > 4 * SEC && t < 8 * SEC) cum += (int32_t)((high - last_rr_high) * 4 / 10); /* 40 % lost */
      last_rr_high = high;
      rtcp_sr(&c, A_SSRC, c.asent, t + 30 * MS);
      push_in(&c, b, rr(b, A_SSRC, L_SSRC, high, cum), t + 31 * MS);
    }
  }
  finish(&c, 14 * SEC);
  dump(&c);
  assert_int_equal(count_type(&c, RUP_EVENT_RUPTURE_BEGIN), 1);
  const rup_rupture *e = &find_ev(&c, RUP_EVENT_RUPTURE_END, 0)->u.rupture;
  assert_int_equal(e->direction, RUP_DIR_OUTBOUND);
  assert_int_equal(e->type, RUP_RUPTURE_CHOPPY_AUDIO); /* 40 % per report: choppy, not a dropout */
  assert_int_equal(e->cause, RUP_CAUSE_PACKET_LOSS);
  assert_int_equal(e->participant, find_ev(&c, RUP_EVENT_RUPTURE_BEGIN, 0)->u.rupture.participant);
  /* report granularity: the first lossy report (sent 4.5, arrives 4.531) puts the loss
   * in the last 40 % of its 1-s interval; the last lossy one arrives at 7.531 and the
   * next is clean, so the remote recovered then */
  assert_int_equal(e->start_us, 4131 * MS);
  assert_int_equal(e->end_us, 7531 * MS);
  assert_int_equal(e->detected_us, 4631 * MS); /* + audio_dropout_min_us */
  rup_session_del(c.s);
}

/* A call for the outbound tests: our audio sent at t, the remote's arriving at
 * t + 10 ms, until `end`. Our packets sent in [cut_from, cut_to) are lost on the way;
 * with `both` the remote's are too, RTCP included. Once a second (x.5 s, arriving 11 ms
 * later) the remote sends an SR and a report on the highest of ours it got and the loss
 * it can count — once a later packet came (RFC 3550 A.3); a report with nothing new
 * from us leaves us out (§6.4: blocks cover sources heard since the last report). */
static void outbound_call(call *c, int64_t end, int64_t cut_from, int64_t cut_to, int both) {
  assert_int_equal(rup_session_describe_stream(c->s, L_SSRC, RUP_CODEC_OPUS, 111, 48000, RUP_DIR_OUTBOUND), 0);
  uint32_t lsent = 0, heard_high = 0, reported_high = UINT32_MAX;
  int32_t unheard = 0;
  int heard_after = 0;
  for (int64_t t = 0; t < end; t += 20 * MS) {
    int cut = in(t, cut_from, cut_to);
    lsent++;
    if (cut) {
      unheard++;
    } else {
      heard_high = lsent - 1;
      heard_after = unheard > 0;
    }
    ours(c, t); /* ours first: it is sent at t */
    audio(c, t, both && cut, 10 * MS, 0);
    if (t % SEC == 500 * MS && !(both && cut)) {
      uint8_t b[100];
      rtcp_sr(c, A_SSRC, c->asent, t + 10 * MS);
      if (heard_high != reported_high)
        push_in(c, b, rr(b, A_SSRC, L_SSRC, heard_high, heard_after ? unheard : 0), t + 11 * MS);
      reported_high = heard_high;
    }
  }
  finish(c, end);
}

/* RFC 3550 §6.4: a receiver reports on the sources it heard. Our packets sent from
 * 6 s to 10 s are lost on the way; the remote keeps sending (audio and SRs). Its
 * report at 6.5 s still names us (it heard us until 6 s: highest = the packet sent at
 * 5.98 s); those at 7.5, 8.5 and 9.5 s leave us out; the one at 10.5 s names us
 * again and counts the 200 lost (reports arrive 11 ms after they are sent). The
 * remote stopped hearing us when the packet after the last reported one (sent at
 * 6.0 s) failed to reach it, and heard us again with the one after the 200 lost (sent
 * at 10.0 s); no RTT is known, so + 0 (docs/ruptures.md, Outbound). */
static void test_outbound_lost_from_missing_reports(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  outbound_call(&c, 14 * SEC, 6 * SEC, 10 * SEC, 0);
  dump(&c);
  const rup_rupture *b0, *e;
  one_rupture(&c, &b0, &e);
  assert_int_equal(b0->direction, RUP_DIR_OUTBOUND);
  assert_int_equal(e->id, b0->id);
  assert_int_equal(e->type, RUP_RUPTURE_CONNECTION_LOST);
  assert_int_equal(e->cause, RUP_CAUSE_NETWORK_OUTAGE);
  /* send times come from 500-ms snapshots of our sent count: within one packet */
  assert_true(e->start_us >= 5980 * MS && e->start_us <= 6020 * MS);
  assert_int_equal(e->detected_us, 9510 * MS); /* two compounds without us, > 2 intervals after 6.511 */
  assert_true(e->end_us >= 9980 * MS && e->end_us <= 10020 * MS);
  assert_int_equal(e->severity, RUP_SEVERITY_MODERATE); /* 4 s: >= 2 s, < 5 s */
  rup_session_del(c.s);
}

/* Both directions break together from 6 s to 10 s (every packet, RTCP too). The
 * remote's first report after it (10.5 s) counts the 200 of our packets it lost; we
 * sent 200 during our inbound break, so the outbound break is the same path break and
 * takes the inbound one's start and end rather than report granularity (5.5 .. 11.5 s). */
static void test_outbound_placed_at_inbound_break(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  outbound_call(&c, 16 * SEC, 6 * SEC, 10 * SEC, 1);
  dump(&c);
  const rup_rupture *in_r = NULL, *out_r = NULL;
  for (int i = 0; i < c.nev; i++)
    if (c.ev[i].type == RUP_EVENT_RUPTURE_END) {
      if (c.ev[i].u.rupture.direction == RUP_DIR_INBOUND) in_r = &c.ev[i].u.rupture;
      else out_r = &c.ev[i].u.rupture;
    }
  assert_int_equal(count_type(&c, RUP_EVENT_RUPTURE_BEGIN), 2);
  assert_non_null(in_r);
  assert_non_null(out_r);
  assert_int_equal(in_r->type, RUP_RUPTURE_CONNECTION_LOST);
  assert_int_equal(out_r->start_us, in_r->start_us);
  assert_int_equal(out_r->end_us, in_r->end_us);
  assert_true(out_r->detected_us >= 10511 * MS); /* known from the first report after it */
  assert_int_equal(out_r->cause, RUP_CAUSE_PACKET_LOSS);
  rup_session_del(c.s);
}

/* RFC 4585 §3.5: early feedback goes in "minimal" compounds whose RR may name no
 * source. Several of them between regular reports about our stream are not reports
 * that left us out: no rupture. */
static void test_outbound_feedback_compounds_are_not_missing_reports(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  assert_int_equal(rup_session_describe_stream(c.s, L_SSRC, RUP_CODEC_OPUS, 111, 48000, RUP_DIR_OUTBOUND), 0);
  uint32_t lsent = 0;
  for (int64_t t = 0; t < 14 * SEC; t += 20 * MS) {
    audio(&c, t, 0, 30 * MS, 0);
    uint8_t b[100];
    ours(&c, t);
    lsent++;
    if (t % SEC == 500 * MS && (t < 6 * SEC || t > 9 * SEC)) { /* regular reports, with a 4-s gap */
      rtcp_sr(&c, A_SSRC, c.asent, t + 30 * MS);
      push_in(&c, b, rr(b, A_SSRC, L_SSRC, lsent - 1, 0), t + 31 * MS);
    }
    if (t % (200 * MS) == 100 * MS) { /* feedback every 200 ms: empty RR + PLI */
      uint8_t f[20] = {0x80, 201, 0, 1};
      put32(f + 4, A_SSRC);
      f[8] = 0x81, f[9] = 206, f[10] = 0, f[11] = 2;
      put32(f + 12, A_SSRC);
      put32(f + 16, V_SSRC);
      push_in(&c, f, sizeof f, t + 32 * MS);
    }
  }
  finish(&c, 14 * SEC);
  dump(&c);
  assert_int_equal(count_type(&c, RUP_EVENT_RUPTURE_BEGIN), 0);
  rup_session_del(c.s);
}

/* Choppy audio is judged over the talker's speech (docs/ruptures.md, choppy_audio):
 * two 20-ms frames lost every 400 ms while the remote talks (10 % of its voice), a
 * 2.5-s DTX pause in the middle, DTX silence before and after. One rupture from the
 * first concealment to the end of the last one: the pause does not split it, and the
 * silence around it does not dilute the ratio. */
static void choppy_call(call *c, int lose) {
  for (int64_t t = 0; t < 20 * SEC; t += 20 * MS) {
    int talk = in(t, 2 * SEC, 5 * SEC) || in(t, 7500 * MS, 10 * SEC);
    if (!talk) {
      if ((t / (20 * MS)) % 20 == 0) audio(c, t, 0, 30 * MS, 1); /* DTX: a frame every 400 ms */
      else c->ats += 960;
      continue;
    }
    int64_t ph = t % (400 * MS);
    audio(c, t, lose && t >= 2400 * MS && (ph == 0 || ph == 20 * MS), 30 * MS, 0);
  }
  finish(c, 20 * SEC);
}

static void test_choppy_over_speech(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  choppy_call(&c, 1);
  dump(&c);
  const rup_rupture *b, *e;
  one_rupture(&c, &b, &e);
  assert_int_equal(b->type, RUP_RUPTURE_CHOPPY_AUDIO);
  assert_int_equal(e->type, RUP_RUPTURE_CHOPPY_AUDIO);
  assert_int_equal(e->direction, RUP_DIR_INBOUND);
  assert_int_equal(e->cause, RUP_CAUSE_PACKET_LOSS);
  assert_int_equal(e->ssrc_count, 1);
  assert_int_equal(e->ssrcs[0], A_SSRC);
  /* the first lost frame (sent 2.4 s) would have arrived at 2.43 and plays a jitter
   * buffer later */
  assert_true(e->start_us >= 2430 * MS && e->start_us <= 2550 * MS);
  /* choppy_count (3) concealments: the third begins ~3.23 s; seen at the next tick */
  assert_true(b->detected_us > 3230 * MS && b->detected_us <= 3230 * MS + 500 * MS + 120 * MS);
  /* the last lost pair was sent at 9.6 s: its concealment ends when the frame of 9.64 s
   * plays (arrives 9.67) */
  assert_true(e->end_us >= 9670 * MS && e->end_us <= 9790 * MS);
  rup_session_del(c.s);
  /* the same call without the losses: nothing */
  mk(&c, NULL);
  choppy_call(&c, 0);
  assert_int_equal(c.nev, 0);
  rup_session_del(c.s);
}

static void test_callback_failure_state_intact(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  c.fail_type = RUP_EVENT_RUPTURE_BEGIN;
  plan p = base_plan(10 * SEC);
  p.video = 1;
  p.a_lost_from = 3 * SEC;
  p.a_lost_to = 4500 * MS;
  run(&c, &p);
  assert_true(c.saw_failure);
  assert_int_equal(count_type(&c, RUP_EVENT_RUPTURE_BEGIN), 1);
  assert_int_equal(count_type(&c, RUP_EVENT_RUPTURE_END), 1);
  assert_int_equal(rup_session_get_rupture_count(c.s), 1);
  rup_rupture h;
  assert_int_equal(rup_session_get_rupture(c.s, 0, &h), 0);
  assert_true(h.end_us > h.start_us);
  rup_session_del(c.s);
}

static int reenter(rup_session *s, const rup_event *ev, void *ud) {
  (void)ud;
  /* calling back into the session from a callback is refused */
  assert_int_equal(rup_session_advance(s, ev->time_us), RUP_ERR_INVALID_STATE);
  assert_int_equal(rup_session_ack_rupture(s, ev->u.rupture.id, ev->time_us), RUP_ERR_INVALID_STATE);
  return 0;
}

static void test_finish_ends_everything_and_poll(void **state) {
  (void)state;
  call c;
  rup_settings st;
  rup_settings_default(&st);
  st.max_queued_events = 64;
  mk(&c, &st);
  plan p = base_plan(4500 * MS); /* the call ends inside the dropout */
  p.video = 1;
  p.a_lost_from = 3 * SEC;
  p.a_lost_to = 10 * SEC;
  run(&c, &p);
  dump(&c);
  const rup_rupture *e;
  one_rupture(&c, NULL, &e);
  assert_true(e->end_us <= 4500 * MS && e->end_us > e->start_us);
  /* the same events through the poll queue */
  const rup_event *ev;
  int n = 0, begins = 0, ends = 0;
  while (rup_session_poll_event(c.s, &ev) == 1) {
    n++;
    begins += ev->type == RUP_EVENT_RUPTURE_BEGIN;
    ends += ev->type == RUP_EVENT_RUPTURE_END;
  }
  assert_true(n >= 2);
  assert_int_equal(begins, 1);
  assert_int_equal(ends, 1);
  rup_session_del(c.s);
  /* re-entrancy refused */
  memset(&c, 0, sizeof c);
  rup_settings_default(&st);
  st.payload_opaque = 1;
  rup_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = RUP_CALLBACKS_VERSION;
  cb.on_rupture_begin = reenter;
  assert_int_equal(rup_session_new(&c.s, &st, &cb, NULL, NULL), 0);
  rup_endpoint_parse(&c.remote, "10.0.0.2:50000");
  rup_endpoint_parse(&c.local, "10.0.0.1:40000");
  rup_session_describe_stream(c.s, A_SSRC, RUP_CODEC_OPUS, 111, 48000, RUP_DIR_INBOUND);
  rup_session_describe_stream(c.s, V_SSRC, RUP_CODEC_VP8, 96, 90000, RUP_DIR_INBOUND);
  p.end = 8 * SEC;
  run(&c, &p);
  rup_session_del(c.s);
}

/* Real captures without impairments: zero ruptures. */
static void test_clean_captures_zero(void **state) {
  (void)state;
  const char *files[] = {"opus_dtx.pcap", "opus_clean.pcap", "vp8_clean.pcap", "av_call.pcapng"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    rup_trace *t;
    assert_int_equal(rup_trace_open(&t, rt_data(files[i]), NULL), 0);
    rup_session *s;
    assert_int_equal(rup_session_new(&s, NULL, NULL, NULL, NULL), 0);
    assert_int_equal(rup_replay(s, t, NULL), 0);
    size_t n = rup_session_get_rupture_count(s);
    for (size_t k = 0; k < n; k++) {
      rup_rupture r;
      rup_session_get_rupture(s, k, &r);
      fprintf(stderr, "%s: %s %.3f-%.3f\n", files[i], rup_rupture_type_name(r.type), r.start_us / 1e6,
              r.end_us / 1e6);
    }
    assert_int_equal(n, 0);
    rup_summary sum;
    rup_session_get_summary(s, &sum);
    assert_int_equal(sum.rupture_count, 0);
    rup_session_del(s);
    rup_trace_del(t);
  }
}

static void test_emodel_via_stats(void **state) {
  (void)state;
  call c;
  mk(&c, NULL);
  plan p = base_plan(6 * SEC);
  run(&c, &p);
  size_t idx;
  assert_int_equal(rup_session_find_stream(c.s, A_SSRC, RUP_DIR_INBOUND, &idx), 0);
  rup_stream_stats st;
  assert_int_equal(rup_session_get_stream_stats(c.s, idx, &st), 0);
  assert_int_equal(st.has_mos, 1);
  /* no loss, no RTT, ~40 ms jitter buffer: R = 93.2 - 0.024 d ~ 92.2 -> MOS ~ 4.4 */
  assert_true(st.mos > 4.35 && st.mos <= 4.5);
  rup_summary sum;
  rup_session_get_summary(c.s, &sum);
  assert_int_equal(sum.has_mos, 1);
  assert_int_equal(sum.quality_level_min, 5);
  rup_session_del(c.s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_audio_dropout),
      cmocka_unit_test(test_video_freeze_from_loss),
      cmocka_unit_test(test_av_outage),
      cmocka_unit_test(test_statistics_only),
      cmocka_unit_test(test_escalation_one_id),
      cmocka_unit_test(test_not_ruptures),
      cmocka_unit_test(test_camera_off_unannounced),
      cmocka_unit_test(test_merge_gap_and_cooldown),
      cmocka_unit_test(test_lag_from_transit),
      cmocka_unit_test(test_lag_base_rtt_per_leg),
      cmocka_unit_test(test_outbound_from_rr),
      cmocka_unit_test(test_outbound_lost_from_missing_reports),
      cmocka_unit_test(test_outbound_placed_at_inbound_break),
      cmocka_unit_test(test_outbound_feedback_compounds_are_not_missing_reports),
      cmocka_unit_test(test_choppy_over_speech),
      cmocka_unit_test(test_callback_failure_state_intact),
      cmocka_unit_test(test_finish_ends_everything_and_poll),
      cmocka_unit_test(test_clean_captures_zero),
      cmocka_unit_test(test_emodel_via_stats),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
