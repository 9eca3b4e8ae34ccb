/* Video playback model (lib/media/video.c): frame assembly, decodability chain,
 * libwebrtc freeze/pause rules (REFERENCE §4.1), live freeze and stall
 * impairments. Hand-built RTP packets with valid VP8 payload descriptors
 * (RFC 7741 §4.2) and hand-driven time; plus two real captures. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "media/video.h"
#include "stream/stream.h"
#include "wire/wire.h"

#define MS 1000LL

/* ---------- harness ---------- */

#define MAX_LOG 4096

typedef struct frame_log {
  uint32_t ts;
  int decoded, keyframe, non_ref, complete;
  int64_t t;
} frame_log;

typedef struct h {
  rup_video v;
  rup_imp_sink sink;
  rup_imp imps[64];
  int phases[64];
  int n_imp;
  frame_log fl[MAX_LOG];
  int n_fl;
  uint64_t seq;      /* next extended sequence number */
  uint32_t ts;       /* next RTP timestamp */
  uint16_t pid;
} h;

static void sink_fn(void *ctx, const rup_imp *imp, int phase) {
  h *x = ctx;
  if (x->n_imp < 64) {
    x->imps[x->n_imp] = *imp;
    x->phases[x->n_imp] = phase;
    x->n_imp++;
  }
}

static void frame_fn(void *ctx, const rup_video_frame *f, int decoded, int64_t t) {
  h *x = ctx;
  if (x->n_fl < MAX_LOG) {
    frame_log *l = &x->fl[x->n_fl++];
    l->ts = (uint32_t)f->ext_ts;
    l->decoded = decoded;
    l->keyframe = f->keyframe;
    l->non_ref = f->non_reference;
    l->complete = f->complete;
    l->t = t;
  }
}

static h *mk(int header_only, uint64_t seq0, uint32_t ts0) {
  h *x = calloc(1, sizeof *x);
  rup_video_params p;
  assert_non_null(x);
  memset(&p, 0, sizeof p);
  p.reorder_wait_us = 100 * MS;
  p.header_only = header_only;
  rup__video_init(&x->v, RUP_CODEC_VP8, &p);
  x->sink.fn = sink_fn;
  x->sink.ctx = x;
  x->v.on_frame = frame_fn;
  x->v.on_frame_ctx = x;
  x->seq = seq0;
  x->ts = ts0;
  return x;
}

/* VP8 payload (RFC 7741 §4.2): X=1, I=1 (15-bit PictureID), optional T (TID, Y),
 * N bit, S bit; first packet carries the VP8 frame tag (RFC 6386 §9.1, P bit 0 =
 * key frame, key frames with start code and 320x240). */
static size_t vp8_payload(uint8_t *b, int start, int key, int nonref, uint16_t pid, int tid, int y) {
  size_t n = 0;
  b[n++] = (uint8_t)(0x80 | (nonref ? 0x20 : 0) | (start ? 0x10 : 0));
  b[n++] = (uint8_t)(0x80 | (tid >= 0 ? 0x20 : 0));
  b[n++] = (uint8_t)(0x80 | ((pid >> 8) & 0x7F));
  b[n++] = (uint8_t)(pid & 0xFF);
  if (tid >= 0) b[n++] = (uint8_t)((tid << 6) | (y ? 0x20 : 0));
  if (start && key) {
    const uint8_t kf[10] = {0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x40, 0x01, 0xF0, 0x00};
    memcpy(b + n, kf, sizeof kf);
    n += sizeof kf;
  } else if (start) {
    b[n++] = 0x11;  /* P = 1: inter frame */
    b[n++] = 0x02;
    b[n++] = 0x00;
  }
  b[n++] = 0xAB;  /* some bitstream */
  return n;
}

static void send_pkt(h *x, uint64_t ext_seq, uint32_t ts, int marker, const uint8_t *pl, size_t len,
                     int64_t t, unsigned flags) {
  rup_rtp r;
  rup_media_pkt m;
  memset(&r, 0, sizeof r);
  r.marker = (uint8_t)marker;
  r.payload_type = 96;
  r.seq = (uint16_t)ext_seq;
  r.ts = ts;
  r.ssrc = 0x1234;
  r.payload = pl;
  r.payload_len = len;
  m.rtp = &r;
  m.rx_flags = flags;
  m.ext_seq = ext_seq;
  m.arrival_us = t;
  rup__video_packet(&x->v, &m, &x->sink);
}

/* One frame of `npk` packets at time t; bit i of `lose` drops packet i (its
 * sequence number is still used). Advances seq, ts (+3000 = 33.3 ms at 90 kHz), pid. */
static void frame_ex(h *x, int npk, int key, int nonref, int tid, int y, unsigned lose, int64_t t) {
  uint8_t b[64];
  for (int i = 0; i < npk; i++) {
    size_t n = vp8_payload(b, i == 0, key, nonref, x->pid, tid, y);
    if (!(lose & (1u << i))) send_pkt(x, x->seq, x->ts, i == npk - 1, b, n, t, 0);
    x->seq++;
  }
  x->ts += 3000;
  x->pid = (uint16_t)((x->pid + 1) & 0x7FFF);
}

static void frame(h *x, int key, int64_t t) { frame_ex(x, 2, key, 0, -1, 0, 0, t); }

static int count_kind(const h *x, uint32_t kind, int phase) {
  int n = 0;
  for (int i = 0; i < x->n_imp; i++)
    if (x->imps[i].kind == kind && x->phases[i] == phase) n++;
  return n;
}

/* Independent statement of the libwebrtc rule (video_quality_observer2.cc
 * OnRenderedFrame): window `w` of the previous samples (oldest first, at most
 * 29 kept + this one), average including the current delay, rounded down. */
static int ref_is_freeze(const int64_t *prev, int n_prev, int64_t d) {
  int64_t sum = d;
  int cnt = 1;
  for (int i = n_prev - 1; i >= 0 && cnt < 30; i--, cnt++) sum += prev[i];
  if (cnt < 5) return 0;
  int64_t avg = sum / cnt;
  int64_t thr = 3 * avg > avg + 150 ? 3 * avg : avg + 150;
  return d >= thr;
}

/* Smallest d such that every d' >= d is a freeze (brute force). */
static int64_t ref_threshold(const int64_t *prev, int n_prev) {
  int64_t d = 20000;
  while (d > 0 && ref_is_freeze(prev, n_prev, d - 1)) d--;
  return d;
}

/* Renders at 0, 100, ..., 400 ms (4 samples of 100 ms). */
static h *four_samples_of_100(void) {
  h *x = mk(0, 1000, 90000);
  for (int i = 0; i < 5; i++) frame(x, i == 0, i * 100 * MS);
  assert_int_equal(x->v.st.frames_decoded, 5);
  return x;
}

/* ---------- tests ---------- */

static void test_warmup(void **state) {
  (void)state;
  /* 4 renders = 3 samples; the 5th render adds the 4th sample: never tested,
   * even 4 s late (stays < 5 s so it is not a pause). */
  h *x = mk(0, 1000, 90000);
  frame(x, 1, 0);
  frame(x, 0, 33 * MS);
  frame(x, 0, 66 * MS);
  frame(x, 0, 99 * MS);
  assert_int_equal(rup__video_freeze_threshold_ms(&x->v), -1);  /* next sample would be the 4th */
  frame(x, 0, 4099 * MS);
  assert_int_equal(x->v.st.frames_decoded, 5);
  assert_int_equal(x->v.st.freeze_count, 0);
  assert_int_equal(x->v.st.pause_count, 0);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 0), 0);
  assert_int_equal(count_kind(x, RUP_IMP_STALL, 0), 1);  /* 4 s without packets is a stall */
  /* now 4 samples: the next one is tested */
  assert_true(rup__video_freeze_threshold_ms(&x->v) > 0);
  free(x);
}

static void test_average_includes_current(void **state) {
  (void)state;
  /* 4 samples of 100 ms, then 300 ms. W3C literal reading (average of the
   * previous durations = 100): 300 >= max(300, 250) -> freeze. libwebrtc adds
   * the sample first: avg = floor(700/5) = 140, 300 < max(420, 290) -> no freeze. */
  h *x = four_samples_of_100();
  int64_t prev[4] = {100, 100, 100, 100};
  assert_false(ref_is_freeze(prev, 4, 300));
  frame(x, 0, 700 * MS);
  assert_int_equal(x->v.st.frames_decoded, 6);
  assert_int_equal(x->v.st.freeze_count, 0);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 0), 0);
  free(x);
}

static void run_boundary(int64_t delay_ms, int expect_freeze) {
  h *x = four_samples_of_100();
  frame(x, 0, (400 + delay_ms) * MS);
  assert_int_equal(x->v.st.frames_decoded, 6);
  assert_int_equal(x->v.st.freeze_count, expect_freeze);
  assert_int_equal(x->v.total_freezes_ms, expect_freeze ? delay_ms : 0);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 0), expect_freeze);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 1), expect_freeze);
  if (expect_freeze) {
    assert_int_equal(x->imps[x->n_imp - 1].start_us, 400 * MS);
    assert_int_equal(x->imps[x->n_imp - 1].end_us, (400 + delay_ms) * MS);
  }
  free(x);
}

static void test_threshold_boundary(void **state) {
  (void)state;
  int64_t prev[4] = {100, 100, 100, 100};
  h *x = four_samples_of_100();
  int64_t thr = rup__video_freeze_threshold_ms(&x->v);
  /* by hand: d >= 3 floor((400+d)/5) first holds for good at 597 */
  assert_int_equal(thr, ref_threshold(prev, 4));
  assert_int_equal(thr, 597);
  free(x);
  run_boundary(thr, 1);
  run_boundary(thr - 1, 0);
  run_boundary(thr + 1, 1);
  /* the rounded-down average makes the rule non-monotonic: 594 -> avg 198,
   * 594 >= 594 is a freeze, 595/596 -> avg 199 are not. Counted as libwebrtc does. */
  assert_true(ref_is_freeze(prev, 4, 594));
  run_boundary(594, 1);
  run_boundary(595, 0);
}

static void run_boundary_33(int64_t delay_ms, int expect_freeze) {
  h *x = mk(0, 1000, 90000);
  for (int i = 0; i < 10; i++) frame(x, i == 0, i * 33 * MS);
  frame(x, 0, (9 * 33 + delay_ms) * MS);
  assert_int_equal(x->v.st.frames_decoded, 11);
  assert_int_equal(x->v.st.freeze_count, expect_freeze);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 1), expect_freeze);
  free(x);
}

static void test_threshold_boundary_min_increase(void **state) {
  (void)state;
  /* nine 33 ms samples: the avg + 150 branch decides. By hand: d = 199 ->
   * avg floor(496/10) = 49, 199 >= 199; d = 198 -> 198 < 49 + 150. */
  int64_t prev[9];
  for (int i = 0; i < 9; i++) prev[i] = 33;
  int64_t thr = ref_threshold(prev, 9);
  assert_int_equal(thr, 199);
  run_boundary_33(thr, 1);
  run_boundary_33(thr - 1, 0);
}

static void test_pause_not_freeze(void **state) {
  (void)state;
  h *x = mk(0, 1000, 90000);
  for (int i = 0; i < 10; i++) frame(x, i == 0, i * 33 * MS);
  unsigned n_before = x->v.delays_n;
  int64_t sum_before = x->v.delays_sum_ms;
  double ifd_before = x->v.st.total_inter_frame_delay_s;
  /* 6 s without packets, then the next frame */
  int64_t t = 9 * 33 * MS + 6000 * MS;
  frame(x, 0, t);
  assert_int_equal(x->v.st.frames_decoded, 11);
  assert_int_equal(x->v.st.pause_count, 1);
  assert_int_equal(x->v.st.freeze_count, 0);
  assert_true(x->v.st.total_pauses_duration_s == 6.0);
  /* the paused interval is not fed to the average nor to totalInterFrameDelay */
  assert_int_equal(x->v.delays_n, n_before);
  assert_int_equal(x->v.delays_sum_ms, sum_before);
  assert_true(x->v.st.total_inter_frame_delay_s == ifd_before);
  /* playback resumes at 33 ms: no freeze, average still 33 */
  for (int i = 1; i < 6; i++) frame(x, 0, t + i * 33 * MS);
  assert_int_equal(x->v.st.freeze_count, 0);
  assert_int_equal(x->v.st.frames_decoded, 16);
  /* the impairments: a live freeze (screen frozen) closed at the render, with
   * no-packets evidence, and a stall */
  assert_int_equal(count_kind(x, RUP_IMP_STALL, 1), 1);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 1), 1);
  for (int i = 0; i < x->n_imp; i++)
    if (x->imps[i].kind == RUP_IMP_FREEZE && x->phases[i] == 1) {
      assert_true(x->imps[i].evidence & RUP_EVID_NO_PACKETS);
      assert_int_equal(x->imps[i].end_us, t);
    }
  free(x);
}

static void test_pause_detected_by_advance(void **state) {
  (void)state;
  h *x = mk(0, 1000, 90000);
  for (int i = 0; i < 3; i++) frame(x, i == 0, i * 33 * MS);
  int64_t last = 66 * MS;
  rup__video_advance(&x->v, last + 5000 * MS - 1, &x->sink);
  assert_false(x->v.paused);
  rup__video_advance(&x->v, last + 5000 * MS, &x->sink);
  assert_true(x->v.paused);  /* HandleFrameBufferTimeout: now - last packet >= 5000 ms */
  frame(x, 0, last + 7000 * MS);
  assert_int_equal(x->v.st.pause_count, 1);
  assert_int_equal(x->v.total_pauses_ms, 7000);
  free(x);
}

static void test_pframe_loss_until_keyframe(void **state) {
  (void)state;
  h *x = mk(0, 1000, 90000);
  int i;
  for (i = 0; i <= 10; i++) frame(x, i == 0, i * 33 * MS);  /* renders 0..330 ms */
  frame_ex(x, 2, 0, 0, -1, 0, 1u, 11 * 33 * MS);             /* first packet lost */
  for (i = 12; i < 30; i++) frame(x, 0, i * 33 * MS);        /* complete but undecodable */
  assert_int_equal(x->v.st.frames_decoded, 11);
  frame(x, 1, 30 * 33 * MS);                                 /* keyframe */
  assert_int_equal(x->v.st.frames_decoded, 12);
  assert_int_equal(x->v.st.frames_dropped, 19);
  assert_int_equal(x->v.st.keyframes, 2);
  /* every drop is followed by no decode until the keyframe */
  int seen_drop = 0;
  for (i = 0; i < x->n_fl; i++) {
    if (!x->fl[i].decoded) seen_drop = 1;
    else if (seen_drop) {
      assert_true(x->fl[i].keyframe);
      seen_drop = 0;
    }
  }
  /* freeze = time between the renders: 330 ms -> 990 ms */
  int64_t prev[10];
  for (i = 0; i < 10; i++) prev[i] = 33;
  assert_true(ref_is_freeze(prev, 10, 660));
  assert_int_equal(x->v.st.freeze_count, 1);
  assert_int_equal(x->v.total_freezes_ms, 660);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 0), 1);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 1), 1);
  const rup_imp *end = &x->imps[x->n_imp - 1];
  assert_int_equal(end->kind, RUP_IMP_FREEZE);
  assert_int_equal(end->start_us, 330 * MS);
  assert_int_equal(end->end_us, 990 * MS);
  assert_true(end->detected_us > end->start_us && end->detected_us < end->end_us);
  assert_true(end->evidence & RUP_EVID_SEQ_GAP);
  assert_true(end->evidence & RUP_EVID_UNDECODABLE);
  assert_int_equal(end->lost_packets, 1);
  free(x);
}

static void test_reordered_completes_late(void **state) {
  (void)state;
  h *x = mk(0, 1000, 90000);
  uint8_t b[64];
  for (int i = 0; i < 6; i++) frame(x, i == 0, i * 33 * MS);  /* renders up to 165 ms */
  /* frame A: packet 1 (marker) delayed by 40 ms, after frame B arrived complete */
  uint64_t sa = x->seq;
  uint32_t tsa = x->ts;
  frame_ex(x, 2, 0, 0, -1, 0, 2u, 198 * MS);
  frame(x, 0, 231 * MS);
  assert_int_equal(x->v.st.frames_decoded, 6);  /* B waits behind A */
  size_t n = vp8_payload(b, 0, 0, 0, (uint16_t)(x->pid - 2), -1, 0);
  send_pkt(x, sa + 1, tsa, 1, b, n, 238 * MS, RUP_RX_REORDERED);
  assert_int_equal(x->v.st.frames_decoded, 8);  /* A completed late, then B */
  assert_int_equal(x->v.st.frames_dropped, 0);
  assert_int_equal(x->fl[x->n_fl - 2].t, 238 * MS);
  assert_int_equal(x->fl[x->n_fl - 1].t, 238 * MS);
  assert_int_equal(x->v.last_render_us, 238 * MS);
  /* a packet after the wait is too late: the frame was given up */
  h *y = mk(0, 1000, 90000);
  for (int i = 0; i < 6; i++) frame(y, i == 0, i * 33 * MS);
  sa = y->seq;
  tsa = y->ts;
  frame_ex(y, 2, 0, 0, -1, 0, 2u, 198 * MS);
  frame(y, 0, 231 * MS);
  frame(y, 0, 264 * MS);
  frame(y, 0, 297 * MS);  /* A is given up at 198 + 100 = 298 ms: not yet */
  assert_int_equal(y->v.st.frames_dropped, 0);
  frame(y, 0, 330 * MS);  /* processing at 330 gives A up at 298 */
  assert_int_equal(y->fl[6].decoded, 0);
  assert_int_equal(y->fl[6].t, 298 * MS);
  n = vp8_payload(b, 0, 0, 0, 6, -1, 0);
  send_pkt(y, sa + 1, tsa, 1, b, n, 340 * MS, RUP_RX_REORDERED);
  assert_int_equal(y->v.st.packets_late, 1);
  free(x);
  free(y);
}

static void test_nonref_loss_keeps_chain(void **state) {
  (void)state;
  h *x = mk(0, 1000, 90000);
  frame(x, 1, 0);
  frame(x, 0, 33 * MS);
  frame_ex(x, 2, 0, 1, -1, 0, 2u, 66 * MS);  /* N = 1, marker packet lost */
  frame(x, 0, 99 * MS);                      /* decodable without it: at once */
  assert_int_equal(x->v.st.frames_decoded, 3);
  assert_int_equal(x->v.last_render_us, 99 * MS);
  frame(x, 0, 132 * MS);
  assert_int_equal(x->v.st.frames_decoded, 4);
  assert_int_equal(x->v.st.frames_dropped, 1);
  /* the same loss on a reference frame (N = 0) breaks the chain */
  h *y = mk(0, 1000, 90000);
  frame(y, 1, 0);
  frame(y, 0, 33 * MS);
  frame_ex(y, 2, 0, 0, -1, 0, 2u, 66 * MS);
  frame(y, 0, 99 * MS);
  frame(y, 0, 132 * MS);
  frame(y, 0, 165 * MS);
  rup__video_advance(&y->v, 300 * MS, &y->sink);
  assert_int_equal(y->v.st.frames_decoded, 2);
  assert_int_equal(y->v.st.frames_dropped, 4);
  free(x);
  free(y);
}

static void test_temporal_layers(void **state) {
  (void)state;
  /* TL pattern 0,1,0,1...: a lost TID 1 frame does not stop TID 0; later TID 1
   * frames wait for a layer-sync (Y) frame. */
  h *x = mk(0, 1000, 90000);
  frame_ex(x, 2, 1, 0, 0, 0, 0, 0);
  frame_ex(x, 2, 0, 0, 1, 1, 0, 33 * MS);
  frame_ex(x, 2, 0, 0, 0, 0, 0, 66 * MS);
  frame_ex(x, 2, 0, 0, 1, 0, 1u, 99 * MS);     /* TID 1 lost (first packet) */
  frame_ex(x, 2, 0, 0, 0, 0, 0, 132 * MS);     /* TID 0: independent -> at once */
  assert_int_equal(x->v.st.frames_decoded, 4);
  assert_int_equal(x->v.last_render_us, 132 * MS);
  frame_ex(x, 2, 0, 0, 1, 0, 0, 165 * MS);     /* TID 1, not sync: dropped */
  frame_ex(x, 2, 0, 0, 0, 0, 0, 198 * MS);
  frame_ex(x, 2, 0, 0, 1, 1, 0, 231 * MS);     /* TID 1 sync: decodable, restores TL1 */
  frame_ex(x, 2, 0, 0, 0, 0, 0, 264 * MS);
  frame_ex(x, 2, 0, 0, 1, 0, 0, 297 * MS);
  assert_int_equal(x->v.st.frames_dropped, 2);
  assert_int_equal(x->v.st.frames_decoded, 8);
  free(x);
}

static void test_ts_wrap(void **state) {
  (void)state;
  h *x = mk(0, 1000, 0xFFFFFFFFu - 5 * 3000 + 1);
  for (int i = 0; i < 12; i++) frame(x, i == 0, i * 33 * MS);
  assert_true(x->ts < 90000);  /* wrapped */
  assert_int_equal(x->v.st.frames_received, 12);
  assert_int_equal(x->v.st.frames_decoded, 12);
  assert_int_equal(x->v.st.packets_late, 0);
  for (int i = 1; i < x->n_fl; i++) assert_true(x->fl[i].t >= x->fl[i - 1].t);
  free(x);
}

static void test_seq_wrap_in_frame(void **state) {
  (void)state;
  for (int ho = 0; ho <= 1; ho++) {
    h *x = mk(ho, 65530, 90000);
    frame(x, 1, 0);                              /* 65530, 65531 */
    frame(x, 0, 33 * MS);                        /* 65532, 65533 */
    frame_ex(x, 3, 0, 0, -1, 0, 0, 66 * MS);     /* 65534, 65535, 65536 (seq 0) */
    frame(x, 0, 99 * MS);
    assert_int_equal(x->v.st.frames_decoded, 4);
    assert_int_equal(x->v.st.frames_dropped, 0);
    assert_int_equal(x->v.st.keyframes_known, !ho);
    assert_int_equal(x->v.st.keyframes, ho ? 0 : 1);
    free(x);
  }
}

static void test_live_deadline(void **state) {
  (void)state;
  h *x = mk(0, 1000, 90000);
  int64_t prev[16];
  for (int i = 0; i < 10; i++) frame(x, i == 0, i * 33 * MS);
  for (int i = 0; i < 9; i++) prev[i] = 33;
  int64_t last = 9 * 33 * MS;
  int64_t d = ref_threshold(prev, 9);
  assert_int_equal(rup__video_freeze_threshold_ms(&x->v), d);
  /* render ms are the µs clock rounded to the nearest ms (webrtc Timestamp::ms()),
   * so the first instant whose delay reaches d ms is (last_ms + d) ms - 500 µs */
  int64_t dl = (last / MS + d) * MS - 500;
  assert_int_equal(rup__video_deadline(&x->v), dl);
  rup__video_advance(&x->v, dl - 1, &x->sink);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 0), 0);
  rup__video_advance(&x->v, dl, &x->sink);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 0), 1);
  assert_int_equal(x->imps[x->n_imp - 1].start_us, last);
  assert_int_equal(x->imps[x->n_imp - 1].detected_us, dl);
  assert_int_equal(x->imps[x->n_imp - 1].end_us, 0);
  assert_true(x->imps[x->n_imp - 1].evidence & RUP_EVID_NO_PACKETS);
  /* the next frame ends it; counters updated on that render like libwebrtc */
  frame(x, 0, last + 400 * MS);
  assert_int_equal(count_kind(x, RUP_IMP_FREEZE, 1), 1);
  assert_int_equal(x->imps[x->n_imp - 1].end_us, last + 400 * MS);
  assert_int_equal(x->v.st.freeze_count, 1);
  assert_int_equal(x->v.total_freezes_ms, 400);
  /* a frame before the deadline: nothing emitted */
  h *y = mk(0, 1000, 90000);
  for (int i = 0; i < 10; i++) frame(y, i == 0, i * 33 * MS);
  dl = rup__video_deadline(&y->v);
  rup__video_advance(&y->v, dl - 1, &y->sink);
  frame(y, 0, dl - 1);
  assert_int_equal(count_kind(y, RUP_IMP_FREEZE, 0), 0);
  assert_int_equal(y->v.st.freeze_count, 0);
  free(x);
  free(y);
}

static void test_stall(void **state) {
  (void)state;
  h *x = mk(0, 1000, 90000);
  for (int i = 0; i < 3; i++) frame(x, i == 0, i * 33 * MS);
  int64_t last = 66 * MS;
  rup__video_advance(&x->v, last + 1000 * MS - 1, &x->sink);
  assert_int_equal(count_kind(x, RUP_IMP_STALL, 0), 0);
  rup__video_advance(&x->v, last + 1000 * MS, &x->sink);
  assert_int_equal(count_kind(x, RUP_IMP_STALL, 0), 1);
  const rup_imp *b = &x->imps[x->n_imp - 1];
  assert_int_equal(b->start_us, last);
  assert_int_equal(b->detected_us, last + 1000 * MS);
  assert_true(b->evidence & RUP_EVID_NO_PACKETS);
  x->seq += 3;  /* three packets lost during the stall */
  frame(x, 0, last + 1500 * MS);
  assert_int_equal(count_kind(x, RUP_IMP_STALL, 1), 1);
  for (int i = 0; i < x->n_imp; i++)
    if (x->imps[i].kind == RUP_IMP_STALL && x->phases[i] == 1) {
      assert_int_equal(x->imps[i].start_us, last);
      assert_int_equal(x->imps[i].end_us, last + 1500 * MS);
      assert_int_equal(x->imps[i].lost_packets, 3);
    }
  free(x);
}

static void test_eviction(void **state) {
  (void)state;
  h *x = mk(0, 1000, 90000);
  uint8_t b[64];
  /* 200 frames of which only the first packet arrives: none completes */
  for (int i = 0; i < 200; i++) {
    size_t n = vp8_payload(b, 1, i == 0, 0, (uint16_t)i, -1, 0);
    send_pkt(x, x->seq, x->ts, 0, b, n, i * 33 * MS, 0);
    x->seq += 2;
    x->ts += 3000;
    assert_true(x->v.open_frames <= RUP_VIDEO_MAX_FRAMES);
  }
  assert_int_equal(x->v.st.frames_received, 200);
  assert_int_equal(x->v.st.frames_evicted, 200 - RUP_VIDEO_MAX_FRAMES);
  rup__video_finish(&x->v, 200 * 33 * MS, &x->sink);
  assert_int_equal(x->v.st.frames_dropped, 200);
  assert_int_equal(x->v.open_frames, 0);
  free(x);
}

static void test_header_only(void **state) {
  (void)state;
  h *x = mk(1, 1000, 90000);
  frame(x, 1, 0);
  frame(x, 0, 33 * MS);
  frame_ex(x, 2, 0, 0, -1, 0, 1u, 66 * MS);   /* first packet lost: incomplete */
  frame(x, 0, 99 * MS);
  frame(x, 0, 132 * MS);
  rup__video_advance(&x->v, 300 * MS, &x->sink);
  /* completeness only: the frames after the loss are shown */
  assert_int_equal(x->v.st.frames_decoded, 4);
  assert_int_equal(x->v.st.frames_dropped, 1);
  assert_int_equal(x->v.st.keyframes_known, 0);
  assert_int_equal(x->v.st.keyframes, 0);
  free(x);
}

static void test_hostile(void **state) {
  (void)state;
  h *x = mk(0, 1000, 90000);
  uint8_t b[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  /* malformed payloads, zero-length, marker everywhere, time going back */
  for (int i = 0; i < 500; i++) {
    send_pkt(x, (uint64_t)(i * 7919) % 5000, (uint32_t)(i * 2654435761u), i & 1, b, (size_t)(i % 9),
             (i % 5) * 1000 * MS, (unsigned)(i % 3 == 0 ? RUP_RX_REORDERED : 0));
    assert_true(x->v.open_frames <= RUP_VIDEO_MAX_FRAMES);
  }
  rup__video_finish(&x->v, 10, &x->sink);
  assert_int_equal(x->v.st.frames_decoded + x->v.st.frames_dropped, x->v.st.frames_received);
  free(x);
}

/* ---------- real captures ---------- */

typedef struct cap_result {
  h *x;
  int distinct_ts;
  int64_t renders[MAX_LOG];
  int n_render;
} cap_result;

static void run_capture(const char *name, cap_result *cr) {
  rt_udp r;
  const uint8_t *pl;
  size_t pl_len;
  int64_t t, t_end = 0;
  rup_rx rx;
  uint32_t seen_ts[1024];
  int n_ts = 0;
  int have = 0;
  uint64_t highest = 0;
  rt_udp_open(&r, name);
  cr->x = mk(0, 0, 0);
  rup__rx_init(&rx, 90000, 16);
  while (rt_udp_next(&r, 5006, &pl, &pl_len, &t)) {
    rup_rtp rtp;
    rup_media_pkt m;
    uint64_t ext;
    if (rup__rtp_parse(&rtp, pl, pl_len) != 0) continue;
    unsigned fl = rup__rx_update(&rx, rtp.seq, rtp.ts, t, rtp.payload_len, rtp.marker, rtp.payload_type);
    /* extended seq relative to the highest seen (RFC 3550 A.1 style unwrapping) */
    if (!have) ext = 65536 + rtp.seq, have = 1;
    else ext = (uint64_t)((int64_t)highest + (int16_t)(uint16_t)(rtp.seq - (uint16_t)highest));
    if (ext > highest) highest = ext;
    int found = 0;
    for (int i = 0; i < n_ts; i++) found |= seen_ts[i] == rtp.ts;
    if (!found && n_ts < 1024) seen_ts[n_ts++] = rtp.ts;
    m.rtp = &rtp;
    m.rx_flags = fl;
    m.ext_seq = ext;
    m.arrival_us = t;
    rup__video_packet(&cr->x->v, &m, &cr->x->sink);
    t_end = t;
  }
  rup__video_finish(&cr->x->v, t_end, &cr->x->sink);
  cr->distinct_ts = n_ts;
  cr->n_render = 0;
  if (getenv("RUP_TEST_VERBOSE")) {              /* frame timeline, for humans */
    for (int i = 0; i < cr->x->n_fl; i++)
      printf("%s ts %u %s%s%s at %.3f ms\n", name, cr->x->fl[i].ts, cr->x->fl[i].decoded ? "decoded" : "dropped",
             cr->x->fl[i].keyframe ? " key" : "", cr->x->fl[i].non_ref ? " nonref" : "",
             (double)cr->x->fl[i].t / 1000.0);
    for (int i = 0; i < cr->x->n_imp; i++)
      printf("%s impairment kind %u phase %d start %.3f detected %.3f end %.3f evidence %u lost %u\n", name,
             cr->x->imps[i].kind, cr->x->phases[i], (double)cr->x->imps[i].start_us / 1000.0,
             (double)cr->x->imps[i].detected_us / 1000.0, (double)cr->x->imps[i].end_us / 1000.0,
             cr->x->imps[i].evidence, cr->x->imps[i].lost_packets);
    printf("%s: received %llu decoded %llu dropped %llu keyframes %llu freezes %llu (%.3f s) late %llu\n", name,
           (unsigned long long)cr->x->v.st.frames_received, (unsigned long long)cr->x->v.st.frames_decoded,
           (unsigned long long)cr->x->v.st.frames_dropped, (unsigned long long)cr->x->v.st.keyframes,
           (unsigned long long)cr->x->v.st.freeze_count, cr->x->v.st.total_freezes_duration_s,
           (unsigned long long)cr->x->v.st.packets_late);
  }
  for (int i = 0; i < cr->x->n_fl; i++)
    if (cr->x->fl[i].decoded) cr->renders[cr->n_render++] = cr->x->fl[i].t;
  rt_udp_close(&r);
}

/* Recompute freezeCount / totalFreezesDuration / totalInterFrameDelay from the
 * logged render times with the libwebrtc rule (no pause in these captures). */
static void check_freezes_independently(const cap_result *cr) {
  static int64_t delays[MAX_LOG];
  int nd = 0;
  uint64_t freezes = 0;
  int64_t freeze_ms = 0;
  double ifd = 0;
  for (int i = 1; i < cr->n_render; i++) {
    int64_t a = (cr->renders[i - 1] + 500) / 1000, b = (cr->renders[i] + 500) / 1000;
    int64_t d = b - a;
    if (ref_is_freeze(delays, nd, d)) freezes++, freeze_ms += d;
    delays[nd++] = d;
    ifd += (double)d / 1000.0;
  }
  assert_int_equal(cr->x->v.st.pause_count, 0);
  assert_int_equal(cr->x->v.st.freeze_count, freezes);
  assert_int_equal(cr->x->v.total_freezes_ms, freeze_ms);
  assert_true(cr->x->v.st.total_inter_frame_delay_s == ifd);
}

static void test_capture_clean(void **state) {
  (void)state;
  static cap_result cr;
  run_capture("vp8_clean.pcap", &cr);
  rup_video_stats *st = &cr.x->v.st;
  /* README: keyframe-max-dist=60 (< 120 frames: 2 keyframes), 320x240, no loss */
  assert_int_equal(st->frames_received, (uint64_t)cr.distinct_ts);
  assert_int_equal(st->frames_decoded, (uint64_t)cr.distinct_ts);
  assert_int_equal(st->frames_dropped, 0);
  assert_int_equal(st->keyframes, 2);
  assert_int_equal(st->width, 320);
  assert_int_equal(st->height, 240);
  /* live source at 30 fps on loopback: every inter-render delay is near 33 ms */
  for (int i = 1; i < cr.n_render; i++) {
    int64_t d = cr.renders[i] - cr.renders[i - 1];
    assert_true(d > 20 * MS && d < 50 * MS);
  }
  assert_int_equal(st->freeze_count, 0);
  assert_int_equal(count_kind(cr.x, RUP_IMP_FREEZE, 0), 0);
  assert_int_equal(count_kind(cr.x, RUP_IMP_STALL, 0), 0);
  check_freezes_independently(&cr);
  free(cr.x);
}

static void test_capture_loss(void **state) {
  (void)state;
  static cap_result cr;
  run_capture("vp8_loss.pcap", &cr);
  h *x = cr.x;
  rup_video_stats *st = &x->v.st;
  /* every timestamp seen became a frame, unless all its packets came after it was passed */
  assert_true((int)st->frames_received <= cr.distinct_ts);
  assert_true((int)(st->frames_received + st->packets_late) >= cr.distinct_ts);
  assert_int_equal(st->frames_received, (uint64_t)x->n_fl);
  assert_int_equal(st->frames_decoded + st->frames_dropped, st->frames_received);
  assert_true(st->frames_dropped > 0);
  assert_true(st->keyframes >= 1);
  /* released in timestamp order, render times non-decreasing; after a drop of a
   * reference frame nothing is decoded until a keyframe (vp8enc without
   * temporal layers: every frame is a reference) */
  int broken = 0;
  for (int i = 0; i < x->n_fl; i++) {
    if (i) assert_true(x->fl[i].t >= x->fl[i - 1].t);
    if (i) assert_true((int32_t)(x->fl[i].ts - x->fl[i - 1].ts) > 0);
    if (!x->fl[i].decoded && !x->fl[i].non_ref) broken = 1;
    if (x->fl[i].decoded) {
      if (broken) assert_true(x->fl[i].keyframe);
      broken = 0;
    }
  }
  /* the first keyframe's packet 4001 arrives 50 ms late (netsim delay): the
   * frame waits and renders when it completes, at that packet's arrival */
  assert_true(x->fl[0].decoded && x->fl[0].keyframe);
  check_freezes_independently(&cr);
  free(cr.x);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_warmup),
      cmocka_unit_test(test_average_includes_current),
      cmocka_unit_test(test_threshold_boundary),
      cmocka_unit_test(test_threshold_boundary_min_increase),
      cmocka_unit_test(test_pause_not_freeze),
      cmocka_unit_test(test_pause_detected_by_advance),
      cmocka_unit_test(test_pframe_loss_until_keyframe),
      cmocka_unit_test(test_reordered_completes_late),
      cmocka_unit_test(test_nonref_loss_keeps_chain),
      cmocka_unit_test(test_temporal_layers),
      cmocka_unit_test(test_ts_wrap),
      cmocka_unit_test(test_seq_wrap_in_frame),
      cmocka_unit_test(test_live_deadline),
      cmocka_unit_test(test_stall),
      cmocka_unit_test(test_eviction),
      cmocka_unit_test(test_header_only),
      cmocka_unit_test(test_hostile),
      cmocka_unit_test(test_capture_clean),
      cmocka_unit_test(test_capture_loss),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
