/* lib/media video model (docs/video-model.md): frame assembly by RTP timestamp
 * and marker, completeness from extended sequence numbers, a decodability
 * chain, render timing and the libwebrtc freeze/pause rules (REFERENCE §4.1:
 * video/video_quality_observer2.cc OnRenderedFrame, receive_statistics_proxy2.cc
 * OnDecodedFrame/OnStreamInactive, video_receive_stream2.cc HandleFrameBufferTimeout). */
#include "media/video.h"

#define T_INF INT64_MAX
#define TID_INTACT 255

enum { EV_NONE = 0, EV_HEAD, EV_PAUSE, EV_STALL, EV_FREEZE };

static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static int64_t add_sat(int64_t a, int64_t b) {
  if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
  if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
  return a + b;
}

static int64_t floor_div(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

/* libwebrtc rtc_base/units/unit_base.h ToFraction: Timestamp::ms() rounds the
 * µs clock to the nearest ms (DivRoundToNearest); the observer works in ms. */
static int64_t round_ms(int64_t us) {
  if (us > INT64_MAX - 500) return INT64_MAX / 1000;
  return floor_div(us + 500, 1000);
}

/* Smallest µs instant whose round_ms() is >= ms. */
static int64_t ms_start_us(int64_t ms) {
  if (ms > (INT64_MAX - 1000) / 1000) return T_INF;
  return ms * 1000 - 500;
}

void rup__video_init(rup_video *v, int codec, const rup_video_params *p) {
  if (!v) return;
  memset(v, 0, sizeof *v);
  v->codec = codec;
  if (p) v->p = *p;
  /* libwebrtc video_receive_stream2.cc HandleFrameBufferTimeout: active = packet within 5000 ms */
  if (v->p.pause_after_us <= 0) v->p.pause_after_us = 5000000;
  if (v->p.reorder_wait_us < 0 || !p) v->p.reorder_wait_us = 100000;
  if (v->p.stall_after_us <= 0) v->p.stall_after_us = 1000000;
  v->broken_tid = 0;  /* nothing decodable before the first keyframe */
  v->clock_us = INT64_MIN;
  v->thr_ms = -1;
  v->st.keyframes_known = !v->p.header_only;
}

static int inspects(const rup_video *v) {
  return !v->p.header_only &&
         (v->codec == RUP_CODEC_VP8 || v->codec == RUP_CODEC_VP9 || v->codec == RUP_CODEC_H264);
}

void rup__video_keyframe_request(rup_video *v) {
  if (v) v->st.keyframe_requests++;
}

/* ---- ring helpers ---- */

/* Frames live in the lowest free slots; loops stop at frames_hi (1 + the highest
 * used slot), so a stream with a few frames in assembly scans a few slots. */
static void slot_free(rup_video *v, rup_video_frame *f) {
  f->used = 0;
  if (v->open_frames) v->open_frames--;
  while (v->frames_hi && !v->frames[v->frames_hi - 1].used) v->frames_hi--;
}

static rup_video_frame *head_frame(rup_video *v) {
  rup_video_frame *h = NULL;
  for (unsigned i = 0; i < v->frames_hi; i++) {
    rup_video_frame *f = &v->frames[i];
    if (f->used && (!h || f->ext_ts < h->ext_ts)) h = f;
  }
  return h;
}

static rup_video_frame *find_frame(rup_video *v, int64_t ext_ts) {
  for (unsigned i = 0; i < v->frames_hi; i++)
    if (v->frames[i].used && v->frames[i].ext_ts == ext_ts) return &v->frames[i];
  return NULL;
}

/* Neighbour in timestamp order: dir < 0 predecessor, dir > 0 successor. */
static rup_video_frame *neighbour(rup_video *v, const rup_video_frame *f, int dir) {
  rup_video_frame *best = NULL;
  for (unsigned i = 0; i < v->frames_hi; i++) {
    rup_video_frame *g = &v->frames[i];
    if (!g->used || g == f) continue;
    if (dir < 0 && g->ext_ts < f->ext_ts && (!best || g->ext_ts > best->ext_ts)) best = g;
    if (dir > 0 && g->ext_ts > f->ext_ts && (!best || g->ext_ts < best->ext_ts)) best = g;
  }
  return best;
}

static int is_padding_seq(const rup_video *v, uint64_t seq) {
  for (unsigned i = 0; i < v->pad_n; i++)
    if (v->pad_seqs[i] == seq) return 1;
  return 0;
}

/* First packet of a frame: the payload's frame_start, else the packet after
 * the previous frame's marker packet (skipping padding-only packets). */
static int frame_first_seq(rup_video *v, const rup_video_frame *f, uint64_t *first) {
  const rup_video_frame *pred;
  uint64_t s;
  if (f->have_first) {
    *first = f->first_seq;
    return 1;
  }
  pred = neighbour(v, f, -1);
  if (pred) {
    if (!pred->have_last) return 0;
    s = pred->last_seq + 1;
  } else if (!v->have_released) {
    *first = f->min_seq;                      /* the stream's first frame: starts with its first packet seen */
    return 1;
  } else {
    if (!v->released_have_last) return 0;
    s = v->released_last_seq + 1;
  }
  for (unsigned k = 0; k < RUP_VIDEO_PAD_HISTORY && is_padding_seq(v, s); k++) s++;
  *first = s;
  return 1;
}

/* Complete = first (frame_start / inferred), last (marker) and everything in
 * between received. Counts rely on the stream layer flagging duplicates. */
static void check_complete(rup_video *v, rup_video_frame *f, int64_t t) {
  uint64_t first;
  if (!f || !f->used || f->complete || !f->have_last) return;
  if (!frame_first_seq(v, f, &first)) return;
  if (f->last_seq < first || f->last_seq - first >= 65536) return;
  if (f->min_seq < first || f->max_seq > f->last_seq) return;
  if (f->packets < f->last_seq - first + 1) return;
  f->complete = 1;
  f->complete_us = t;
}

/* Can the later frame `g` be decoded without the earlier frame `h`? Then `h`
 * need not be waited for (libwebrtc decodes continuous frames at once and drops
 * older ones). Header-only: unknown, so no. */
static int independent(const rup_video *v, const rup_video_frame *h, const rup_video_frame *g) {
  if (!inspects(v)) return 0;
  if (g->keyframe) return 1;
  if (h->non_reference) return 1;              /* VP8 N / H.264 NRI 0: nobody references it */
  if (h->tid > g->tid) return 1;               /* a lower temporal layer never references a higher one */
  if (v->codec == RUP_CODEC_VP9 && g->flexible && g->has_pid && h->has_pid) {
    for (unsigned i = 0; i < g->num_refs; i++)
      if ((uint16_t)((g->pid - g->p_diff[i]) & 0x7FFF) == h->pid) return 0;
    return 1;                                  /* RFC 9628 flexible mode: P_DIFF lists every reference */
  }
  return 0;
}

/* When the head frame is released: at once if complete; an incomplete head is
 * given up when a later frame is complete and reorder_wait has passed since the
 * head's first packet (at once if that later frame does not depend on it). */
static int64_t head_ready_time(const rup_video *v, const rup_video_frame *h) {
  int64_t best = T_INF;
  if (h->complete) return max64(v->clock_us, h->complete_us);
  for (unsigned i = 0; i < v->frames_hi; i++) {
    const rup_video_frame *g = &v->frames[i];
    int64_t c;
    if (!g->used || g == h || !g->complete || g->ext_ts < h->ext_ts) continue;
    c = independent(v, h, g) ? g->complete_us
                             : max64(add_sat(h->first_arrival_us, v->p.reorder_wait_us), g->complete_us);
    best = min64(best, c);
  }
  return best == T_INF ? T_INF : max64(v->clock_us, best);
}

/* ---- freeze threshold (libwebrtc VideoQualityObserver::OnRenderedFrame) ---- */

static int freeze_cond(int64_t sum_prev, int64_t m, int64_t d) {
  /* REFERENCE §4.1: sample added before the test; avg = GetAverageRoundedDown
   * (moving_average.cc: sum_ / Size(), integer); freeze if d >= max(3 avg, avg + 150). */
  int64_t avg = (sum_prev + d) / m;
  return d >= max64(3 * avg, avg + RUP_FREEZE_MIN_INCREASE_MS);
}

static int64_t freeze_threshold(const rup_video *v) {
  int64_t m, s, u1, u2, d;
  if (!v->have_render || v->paused) return -1;  /* paused intervals are not tested */
  m = v->delays_n + 1 > RUP_FREEZE_WINDOW ? RUP_FREEZE_WINDOW : (int64_t)v->delays_n + 1;
  if (m < RUP_FREEZE_MIN_SAMPLES) return -1;            /* kMinFrameSamplesToDetectFreeze */
  s = v->delays_sum_ms;
  if (v->delays_n >= RUP_FREEZE_WINDOW) s -= v->delays_ms[v->delays_pos];  /* oldest leaves the window */
  /* Without rounding the test is d >= 3(s+d)/m and d >= (s+d)/m + 150, i.e.
   * d >= 3s/(m-3) and d >= (s+150m)/(m-1); since floor(x) <= x every d above
   * both bounds is a freeze. Then walk down while it still holds: the exact
   * bound is at most ceil(3m/(m-3)) below (floor(x) > x - 1). */
  u1 = (3 * s + (m - 4)) / (m - 3);
  u2 = (s + RUP_FREEZE_MIN_INCREASE_MS * m + (m - 2)) / (m - 1);
  d = max64(0, max64(u1, u2));
  for (int k = 0; k < 64 && d > 0 && freeze_cond(s, m, d - 1); k++) d--;
  return d;
}

/* The threshold changes only when a frame renders or the stream pauses: cache it. */
static void refresh_threshold(rup_video *v) { v->thr_ms = freeze_threshold(v); }

int64_t rup__video_freeze_threshold_ms(const rup_video *v) { return v ? v->thr_ms : -1; }

/* ---- render (decode) of one frame ---- */

static void push_delay(rup_video *v, int32_t d) {
  /* rtc::MovingAverage::AddSample: ring of kAvgInterframeDelaysWindowSizeFrames */
  if (v->delays_n >= RUP_FREEZE_WINDOW) v->delays_sum_ms -= v->delays_ms[v->delays_pos];
  else v->delays_n++;
  v->delays_ms[v->delays_pos] = d;
  v->delays_sum_ms += d;
  v->delays_pos = (v->delays_pos + 1) % RUP_FREEZE_WINDOW;
}

static uint32_t evidence_now(const rup_video *v, int64_t t) {
  uint32_t e = v->ev_flags;
  int64_t gap = v->ev_max_gap_us;
  if (v->ev_lost) e |= RUP_EVID_SEQ_GAP;
  if (v->ev_late) e |= RUP_EVID_LATE;
  if (v->have_packet) gap = max64(gap, t - v->last_packet_us);
  /* packet silence covering at least half of the frozen interval explains it */
  if (v->have_render && gap > 0 && gap >= (t - v->last_render_us) / 2) e |= RUP_EVID_NO_PACKETS;
  return e;
}

static void open_freeze(rup_video *v, int64_t detected, const rup_imp_sink *sink) {
  rup__imp_begin(&v->freeze, RUP_IMP_FREEZE, evidence_now(v, detected), v->last_render_us, detected);
  v->freeze.lost_packets = v->ev_lost;
  v->freeze.late_packets = v->ev_late;
  v->freeze_open = 1;
  rup__imp_emit(sink, &v->freeze, 0);
}

static void close_freeze(rup_video *v, int64_t t, const rup_imp_sink *sink) {
  v->freeze.evidence |= evidence_now(v, t);
  if (v->ev_lost > v->freeze.lost_packets) v->freeze.lost_packets = v->ev_lost;
  if (v->ev_late > v->freeze.late_packets) v->freeze.late_packets = v->ev_late;
  v->freeze.end_us = t;
  v->freeze_open = 0;
  rup__imp_emit(sink, &v->freeze, 1);
}

static void render(rup_video *v, const rup_video_frame *f, int64_t t, const rup_imp_sink *sink) {
  int64_t ms = round_ms(t);
  int was_freeze = 0;
  v->st.frames_decoded++;
  if (v->have_render) {
    int64_t delay = ms - v->last_render_ms;
    if (delay < 0) delay = 0;
    if (delay > INT32_MAX) delay = INT32_MAX;
    if (!v->paused) {
      /* receive_statistics_proxy2.cc OnDecodedFrame: total_inter_frame_delay +=
       * delay_ms / 1000.0 (and its square); OnStreamInactive resets the
       * previous decode time, so the interval over a pause is not counted. */
      double d = (double)delay / 1000.0;
      v->st.total_inter_frame_delay_s += d;
      v->st.total_squared_inter_frame_delay_s2 += d * d;
      /* video_quality_observer2.cc OnRenderedFrame: AddSample, then test if >= 5 samples */
      push_delay(v, (int32_t)delay);
      if (v->delays_n >= RUP_FREEZE_MIN_SAMPLES) {
        int64_t avg = v->delays_sum_ms / (int64_t)v->delays_n;  /* GetAverageRoundedDown */
        was_freeze = delay >= max64(3 * avg, avg + RUP_FREEZE_MIN_INCREASE_MS);
      }
      if (was_freeze) {
        v->st.freeze_count++;                 /* freezes_durations_.Add(delay): whole interval */
        v->total_freezes_ms += delay;
        v->st.total_freezes_duration_s = (double)v->total_freezes_ms / 1000.0;
      }
    }
  }
  if (v->paused) {
    v->paused = 0;                            /* OnRenderedFrame: is_paused_ cleared */
    if (v->have_render) {                     /* pauses_durations_.Add(now - last render) */
      v->st.pause_count++;
      v->total_pauses_ms += ms - v->last_render_ms;
      v->st.total_pauses_duration_s = (double)v->total_pauses_ms / 1000.0;
    }
  }
  if (was_freeze && !v->freeze_open) open_freeze(v, t, sink);
  if (v->freeze_open) close_freeze(v, t, sink);
  v->have_render = 1;
  refresh_threshold(v);
  v->last_render_us = t;
  v->last_render_ms = ms;
  v->ev_flags = 0;
  v->ev_lost = 0;
  v->ev_late = 0;
  v->ev_max_gap_us = 0;
  if (f->width && f->height) {
    v->st.width = f->width;
    v->st.height = f->height;
  }
}

/* ---- decodability chain ---- */

static int pid_decoded(const rup_video *v, uint16_t pid) {
  for (unsigned i = 0; i < v->decoded_pids_n; i++)
    if (v->decoded_pids[i] == pid) return 1;
  return 0;
}

static void note_pid(rup_video *v, uint16_t pid) {
  v->decoded_pids[v->decoded_pids_pos] = pid;
  v->decoded_pids_pos = (v->decoded_pids_pos + 1) % RUP_VIDEO_PID_HISTORY;
  if (v->decoded_pids_n < RUP_VIDEO_PID_HISTORY) v->decoded_pids_n++;
}

/* Frames lost entirely (never seen) between the previous released frame and f:
 * a sequence gap between the previous marker and f's first packet. */
static void check_unseen_loss(rup_video *v, const rup_video_frame *f) {
  uint64_t gap = 0;
  if (!v->have_released || !v->released_have_last || !f->have_first) return;
  if (f->first_seq <= v->released_last_seq + 1) return;
  if (f->first_seq - v->released_last_seq - 1 > RUP_VIDEO_PAD_HISTORY) gap = 1;
  for (uint64_t s = v->released_last_seq + 1; s < f->first_seq && !gap; s++)
    if (!is_padding_seq(v, s)) gap++;
  if (!gap) return;
  if (f->has_pid && v->released_has_pid &&
      (f->pid == ((v->released_pid + 1) & 0x7FFF) || f->pid == ((v->released_pid + 1) & 0x7F)))
    return;                                   /* consecutive PictureID: no picture missing */
  if (f->has_tl0 && v->released_has_tl0 &&
      (uint8_t)(f->tl0 - v->released_tl0) == (f->tid == 0 ? 1 : 0)) {
    if (v->broken_tid > 1) v->broken_tid = 1; /* TL0PICIDX continuous: only upper layers lost */
    return;
  }
  v->broken_tid = 0;
}

static int decodable(rup_video *v, const rup_video_frame *f) {
  if (!f->complete) return 0;
  if (!inspects(v)) return 1;                 /* header-only: completeness only */
  if (f->keyframe) return 1;
  if (v->codec == RUP_CODEC_VP9 && f->flexible && f->has_pid) {
    /* RFC 9628 §4.2 flexible mode: P_DIFF names each reference picture exactly */
    if (f->num_refs == 0) return v->broken_tid != 0;
    for (unsigned i = 0; i < f->num_refs; i++)
      if (!pid_decoded(v, (uint16_t)((f->pid - f->p_diff[i]) & 0x7FFF))) return 0;
    return 1;
  }
  if (f->tid < v->broken_tid) return 1;
  /* VP8 Y / VP9 U: depends only on the base layer (RFC 7741 §4.2, RFC 9628 §4.2) */
  if (f->layer_sync && f->tid > 0 && v->broken_tid > 0) return 1;
  return 0;
}

/* Release the head frame at time t: render it if decodable, else drop it. */
static void release(rup_video *v, rup_video_frame *f, int64_t t, int evicted, const rup_imp_sink *sink) {
  int dec;
  if (inspects(v)) check_unseen_loss(v, f);
  dec = !evicted && decodable(v, f);
  if (v->on_frame) v->on_frame(v->on_frame_ctx, f, dec, t);
  if (dec) {
    render(v, f, t, sink);
    if (inspects(v)) {
      if (f->keyframe) {
        v->broken_tid = TID_INTACT;
        v->st.keyframes++;
      } else if (f->tid == v->broken_tid && v->broken_tid != TID_INTACT) {
        v->broken_tid = (uint8_t)(f->tid + 1); /* layer restored by its sync frame */
      }
      if (f->has_pid) note_pid(v, f->pid);
    }
  } else {
    v->st.frames_dropped++;
    if (evicted) v->st.frames_evicted++;
    v->ev_flags |= f->complete ? RUP_EVID_UNDECODABLE : RUP_EVID_SEQ_GAP;
    if (inspects(v) && !f->non_reference && f->tid < v->broken_tid) v->broken_tid = f->tid;
  }
  v->have_released = 1;
  v->released_ext_ts = f->ext_ts;
  v->released_have_last = f->have_last;
  v->released_last_seq = f->last_seq;
  v->released_has_pid = f->has_pid;
  v->released_pid = f->pid;
  v->released_has_tl0 = f->has_tl0;
  v->released_tl0 = f->tl0;
  slot_free(v, f);
  check_complete(v, head_frame(v), t);        /* the new head may now know its first packet */
}

/* ---- events ---- */

static int64_t next_event(const rup_video *v, int *kind) {
  int64_t e = T_INF, t;
  const rup_video_frame *h = head_frame((rup_video *)v);
  *kind = EV_NONE;
  if (h) {
    t = head_ready_time(v, h);
    if (t < e) { e = t; *kind = EV_HEAD; }
  }
  if (v->have_packet && !v->pause_fired) {
    t = add_sat(v->last_packet_us, v->p.pause_after_us);
    if (t < e) { e = t; *kind = EV_PAUSE; }
  }
  if (v->have_packet && !v->stall_open) {
    t = add_sat(v->last_packet_us, v->p.stall_after_us);
    if (t < e) { e = t; *kind = EV_STALL; }
  }
  if (!v->freeze_open) {
    int64_t d = rup__video_freeze_threshold_ms(v);
    if (d >= 0) {
      t = d > INT64_MAX / 2000 ? T_INF : ms_start_us(add_sat(v->last_render_ms, d));
      if (t < e) { e = t; *kind = EV_FREEZE; }
    }
  }
  return e;
}

static void process(rup_video *v, int64_t now, const rup_imp_sink *sink) {
  for (unsigned guard = 0; guard < 4 * RUP_VIDEO_MAX_FRAMES + 16; guard++) {
    int kind;
    int64_t e = next_event(v, &kind);
    if (kind == EV_NONE || e > now) break;
    if (e < v->clock_us) e = v->clock_us;
    v->clock_us = e;
    switch (kind) {
    case EV_HEAD:
      release(v, head_frame(v), e, 0, sink);
      break;
    case EV_PAUSE:
      /* HandleFrameBufferTimeout: no packet for >= 5 s -> OnStreamInactive -> is_paused_ */
      v->pause_fired = 1;
      v->paused = 1;
      refresh_threshold(v);
      if (v->freeze_open) v->freeze.evidence |= RUP_EVID_NO_PACKETS;
      break;
    case EV_STALL:
      rup__imp_begin(&v->stall, RUP_IMP_STALL, RUP_EVID_NO_PACKETS, v->last_packet_us, e);
      v->stall_open = 1;
      v->ev_flags |= RUP_EVID_NO_PACKETS;
      if (v->freeze_open) v->freeze.evidence |= RUP_EVID_NO_PACKETS;
      rup__imp_emit(sink, &v->stall, 0);
      break;
    case EV_FREEZE:
      open_freeze(v, e, sink);
      break;
    default:
      break;
    }
  }
  if (now > v->clock_us) v->clock_us = now;
}

int64_t rup__video_deadline(const rup_video *v) {
  int kind;
  int64_t e;
  if (!v) return T_INF;
  e = next_event(v, &kind);
  return kind == EV_NONE ? T_INF : e;
}

void rup__video_advance(rup_video *v, int64_t now_us, const rup_imp_sink *sink) {
  if (!v) return;
  process(v, now_us, sink);
}

/* ---- packets ---- */

static int64_t unwrap_ts(rup_video *v, uint32_t ts) {
  uint32_t d;
  int64_t ext;
  if (!v->have_ts) {
    v->have_ts = 1;
    v->max_ext_ts = ts;
    return ts;
  }
  d = ts - (uint32_t)((uint64_t)v->max_ext_ts & 0xFFFFFFFFu);  /* 32-bit RTP timestamp wrap */
  ext = v->max_ext_ts + (d >= 0x80000000u ? (int64_t)d - 0x100000000LL : (int64_t)d);
  if (ext > v->max_ext_ts) v->max_ext_ts = ext;
  return ext;
}

static void drop_all(rup_video *v) {
  rup_video_frame *h;
  while ((h = head_frame(v)) != NULL) {
    v->st.frames_dropped++;
    if (v->on_frame) v->on_frame(v->on_frame_ctx, h, 0, v->clock_us);
    slot_free(v, h);
  }
}

static void add_to_frame(rup_video_frame *f, const rup_media_pkt *pkt,
                         const rup_video_info *vi, int have_info, int64_t t) {
  uint64_t s = pkt->ext_seq;
  int fresh = f->packets == 0;
  if (fresh) {
    f->min_seq = f->max_seq = s;
    f->first_arrival_us = t;
    f->non_reference = have_info ? vi->non_reference : 0;
  } else {
    if (s < f->min_seq) f->min_seq = s;
    if (s > f->max_seq) f->max_seq = s;
    if (!have_info || !vi->non_reference) f->non_reference = 0;  /* all packets must say so */
  }
  if (f->packets < UINT32_MAX) f->packets++;
  if (pkt->rtp->marker && (!f->have_last || s > f->last_seq)) {  /* RFC 7741 §4.1 / RFC 6184 §5.1: marker = last packet */
    f->have_last = 1;
    f->last_seq = s;
  }
  if (!have_info) return;
  if (vi->frame_start && (!f->have_first || s < f->first_seq)) {
    f->have_first = 1;
    f->first_seq = s;
  }
  if (vi->keyframe_known && vi->keyframe) f->keyframe = 1;
  if (vi->keyframe_known) f->keyframe_known = 1;
  if (vi->has_layers) {
    f->tid = vi->temporal_id;
    if (vi->layer_sync) f->layer_sync = 1;
  }
  if (vi->has_picture_id) {
    f->has_pid = 1;
    f->pid = vi->picture_id;
  }
  if (vi->has_tl0picidx) {
    f->has_tl0 = 1;
    f->tl0 = vi->tl0picidx;
  }
  if (vi->frame_start && vi->flexible) {
    f->flexible = 1;
    f->num_refs = vi->num_refs > 3 ? 3 : vi->num_refs;
    memcpy(f->p_diff, vi->p_diff, sizeof f->p_diff);
  }
  if (vi->width && vi->height) {
    f->width = vi->width;
    f->height = vi->height;
  }
}

void rup__video_packet(rup_video *v, const rup_media_pkt *pkt, const rup_imp_sink *sink) {
  const rup_rtp *rtp;
  int64_t t, ext_ts;
  rup_video_info vi;
  int have_info = 0;
  memset(&vi, 0, sizeof vi);
  rup_video_frame *f;
  uint64_t gap = 0;
  if (!v || !pkt || !pkt->rtp) return;
  rtp = pkt->rtp;
  t = pkt->arrival_us;
  process(v, t, sink);                        /* everything due up to this arrival */
  if (t < v->clock_us) t = v->clock_us;       /* time never goes back */
  v->clock_us = t;

  /* arrival bookkeeping (all packets, duplicates too: they are packets) */
  if (v->have_packet && t - v->last_packet_us > v->ev_max_gap_us) v->ev_max_gap_us = t - v->last_packet_us;
  if (!(pkt->rx_flags & RUP_RX_DUPLICATE)) {
    if (v->have_seq && pkt->ext_seq > v->highest_seq) {
      gap = pkt->ext_seq - v->highest_seq - 1;
      if (gap > RUP_MAX_DROPOUT) gap = 0;     /* RFC 3550 A.1: a jump that large is not loss */
      v->ev_lost += (uint32_t)gap;
      v->highest_seq = pkt->ext_seq;
    } else if (v->have_seq && pkt->ext_seq < v->highest_seq) {
      if (v->ev_lost) v->ev_lost--;           /* a late packet fills a hole */
    } else if (!v->have_seq) {
      v->have_seq = 1;
      v->highest_seq = pkt->ext_seq;
    }
  }
  if (v->stall_open) {
    v->stall.end_us = t;
    v->stall.lost_packets = (uint32_t)gap;
    if (gap) v->stall.evidence |= RUP_EVID_SEQ_GAP;
    v->stall_open = 0;
    rup__imp_emit(sink, &v->stall, 1);
  }
  v->have_packet = 1;
  v->last_packet_us = t;
  v->pause_fired = 0;

  if (pkt->rx_flags & (RUP_RX_DUPLICATE | RUP_RX_BAD_SEQ)) return;
  if (pkt->rx_flags & RUP_RX_RESTART) {       /* new sequence space: open frames cannot complete */
    drop_all(v);
    v->have_released = 0;
    v->released_have_last = 0;
    v->pad_n = v->pad_pos = 0;
    v->have_seq = 1;
    v->highest_seq = pkt->ext_seq;
  }
  if (rtp->payload_len == 0) {                /* padding only: not part of any frame */
    v->pad_seqs[v->pad_pos] = pkt->ext_seq;
    v->pad_pos = (v->pad_pos + 1) % RUP_VIDEO_PAD_HISTORY;
    if (v->pad_n < RUP_VIDEO_PAD_HISTORY) v->pad_n++;
    for (unsigned i = 0; i < v->frames_hi; i++) check_complete(v, &v->frames[i], t);
    process(v, t, sink);
    return;
  }
  if (inspects(v) && rup__video_parse(v->codec, rtp->payload, rtp->payload_len, &vi) == 0) have_info = 1;

  ext_ts = unwrap_ts(v, rtp->ts);
  if (v->have_released && ext_ts <= v->released_ext_ts) {
    v->st.packets_late++;                     /* its frame was already rendered or given up */
    v->ev_late++;
    process(v, t, sink);
    return;
  }
  f = find_frame(v, ext_ts);
  if (!f) {
    if (v->open_frames >= RUP_VIDEO_MAX_FRAMES) {
      rup_video_frame *h = head_frame(v);     /* bounded: the oldest frame is dropped */
      if (h) release(v, h, t, 1, sink);
    }
    for (unsigned i = 0; i < RUP_VIDEO_MAX_FRAMES; i++)
      if (!v->frames[i].used) {
        f = &v->frames[i];
        if (i + 1 > v->frames_hi) v->frames_hi = i + 1;
        break;
      }
    if (!f) return;
    memset(f, 0, sizeof *f);
    f->used = 1;
    f->ext_ts = ext_ts;
    v->open_frames++;
    v->st.frames_received++;
  }
  add_to_frame(f, pkt, &vi, have_info, t);
  check_complete(v, f, t);
  check_complete(v, neighbour(v, f, 1), t);
  process(v, t, sink);
}

void rup__video_finish(rup_video *v, int64_t now_us, const rup_imp_sink *sink) {
  if (!v) return;
  process(v, now_us, sink);
  if (now_us < v->clock_us) now_us = v->clock_us;
  drop_all(v);                  /* never shown within the observation */
  if (v->freeze_open) close_freeze(v, now_us, sink);
  if (v->stall_open) {
    v->stall.end_us = now_us;
    v->stall_open = 0;
    rup__imp_emit(sink, &v->stall, 1);
  }
}
