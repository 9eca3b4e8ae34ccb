/* lib/media audio model (docs/audio-model.md). A NetEq-inspired but simple and
 * deterministic playout model: every audio frame gets a playout time; at that
 * time it is played (its packet arrived), concealed (missing / late), comfort
 * noise (DTX, sender silence) or muted (the sender sent nothing). Counters
 * follow webrtc-stats (REFERENCE §3) and libwebrtc's StatisticsCalculator
 * (REFERENCE §4.2). No allocation; all state is bounded. */
#include "media/audio.h"

enum { SLOT_NONE = 0, SLOT_PLAYED = RUP_AUDIO_OUT_PLAYED, SLOT_CONCEAL = RUP_AUDIO_OUT_CONCEALED,
       SLOT_CN = RUP_AUDIO_OUT_CN, SLOT_MUTED = RUP_AUDIO_OUT_MUTED };
enum { KIND_AUDIO = 0, KIND_DTX = 1, KIND_SILENCE = 2 };

#define TIME_LIMIT ((int64_t)1 << 60)   /* clamp for caller times (hostile pcap clocks) */
#define TS_SPAN_LIMIT ((int64_t)1 << 40) /* |ext ts - origin| beyond this: restart */

void rup__audio_params_default(rup_audio_params *p) {
  if (!p) return;
  p->min_delay_us = 0;            /* NetEq base_minimum_delay_ms default 0 */
  p->max_delay_us = 2000000;      /* kDelayBuckets * kBucketSizeMs = 2000 ms */
  p->start_delay_us = 80000;      /* NetEq delay_manager.cc kStartDelayMs = 80 */
  p->quantile = 0.95;             /* NetEq DelayManager::Config quantile = 0.95 (UnderrunOptimizer) */
  p->forget = 0.9993;             /* NetEq forget_factor 0.9993 (Q15 32745) per packet */
  p->start_forget_weight = 2.0;   /* NetEq start_forget_weight = 2 */
  p->history_us = 2000000;        /* NetEq max_history_ms = 2000 */
  p->stretch_ratio = 0.25;
  p->interruption_us = 150000;    /* statistics_calculator.cc kInterruptionLenMs = 150 */
  p->stall_after_us = 1000000;
  p->dtx_refresh_us = 420000;     /* libopus: a CN refresh after MAX_CONSECUTIVE_DTX = 20 frames (opus_dtx.pcap: 420 ms) */
  p->silence_max_bytes = 3;       /* TOC + 2-byte CELT silence frame (opus_dtx.pcap: f8 ff fe) */
  p->reanchor_us = 10000000;
}

/* ---- small helpers ---- */

static int64_t fdiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
  return q;
}

static int64_t clamp_time(int64_t t) {
  if (t > TIME_LIMIT) return TIME_LIMIT;
  if (t < -TIME_LIMIT) return -TIME_LIMIT;
  return t;
}

static int64_t sat_add(int64_t a, int64_t b) {
  if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
  if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
  return a + b;
}

/* samples (clock units, |s| <= 2^40) -> µs, floor */
static int64_t s2us(const rup_audio *a, int64_t s) {
  int64_t c = (int64_t)a->clock_rate;
  int64_t q = fdiv(s, c);
  int64_t r = s - q * c;
  return q * 1000000 + (r * 1000000) / c;
}

static uint64_t us2s(const rup_audio *a, int64_t us) {
  if (us <= 0) return 0;
  return (uint64_t)((us * (int64_t)a->clock_rate + 500000) / 1000000);
}

static int64_t play_us(const rup_audio *a, int64_t ts) { return s2us(a, ts - a->ts0) + a->offset_us; }

static double secs(const rup_audio *a, uint64_t samples) {
  return (double)samples / (double)a->clock_rate;
}

/* ---- delay manager: NetEq Histogram (histogram.cc) in floating point ---- */

/* The true histogram is hist[i] * hist_scale: forgetting (every bucket times f) is
 * a change of hist_scale, and hist_total (the sum of the true buckets) follows the
 * same recurrence, so an update and a quantile cost O(1) and O(target) instead of
 * O(buckets). Equal to histogram.cc up to floating-point rounding. */
static void hist_reset(rup_audio *a) {
  double v = 1.0, total = 0.0;
  for (int i = 0; i < RUP_AUDIO_HIST_BUCKETS; i++) {
    v *= 0.5;
    a->hist[i] = v; /* histogram.cc Reset: buckets_[i] = 0.5^(i+1) */
    total += v;
  }
  a->hist_scale = 1.0;
  a->hist_total = total;
  a->hist_forget = 0.0; /* Reset: forget_factor_ = 0, fast start */
  a->hist_adds = 0;
}

static void hist_add(rup_audio *a, int idx) {
  double f = a->hist_forget, base = a->p.forget;
  if (f <= 0.0) { /* Add: forget everything, then */
    memset(a->hist, 0, sizeof a->hist);
    a->hist_scale = 1.0;
    a->hist_total = 0.0;
  } else {
    a->hist_scale *= f;
    a->hist_total *= f;
    if (a->hist_scale < 1e-150) { /* keep the stored values in range */
      for (int i = 0; i < RUP_AUDIO_HIST_BUCKETS; i++) a->hist[i] *= a->hist_scale;
      a->hist_scale = 1.0;
    }
  }
  a->hist[idx] += (1.0 - f) / a->hist_scale; /* add (1 - f) to the bucket */
  a->hist_total += 1.0 - f;
  a->hist_adds++;
  if (a->p.start_forget_weight > 0) {
    if (f != base) { /* Add: f = clamp(1 - start_forget_weight / (add_count + 1), 0, base) */
      double nf = 1.0 - a->p.start_forget_weight / (double)(a->hist_adds + 1);
      if (nf > base) nf = base;
      if (nf < 0) nf = 0;
      a->hist_forget = nf;
    }
  } else {
    a->hist_forget += (base - f) / 4.0; /* Add without start weight: f += (base - f) >> 2 */
  }
}

/* histogram.cc Quantile: smallest index >= 1 whose cumulative mass reaches q. */
static int hist_quantile(const rup_audio *a, double q) {
  double k = a->hist_scale, total = a->hist_total;
  double inverse = total * (1.0 - q);
  double sum = total - a->hist[0] * k;
  int idx = 0;
  do {
    idx++;
    sum -= a->hist[idx] * k;
  } while (sum > inverse && idx < RUP_AUDIO_HIST_BUCKETS - 1);
  return idx;
}

static int64_t clamp_target(const rup_audio *a, int64_t t, uint32_t pkt_samples) {
  if (t < a->p.min_delay_us) t = a->p.min_delay_us;
  if (a->p.max_delay_us > 0 && t > a->p.max_delay_us) t = a->p.max_delay_us;
  int64_t pl = s2us(a, pkt_samples);
  if (t < pl) t = pl; /* delay_manager.cc: target level at least one packet */
  return t;
}

static void win_reset(rup_audio *a) {
  for (int i = 0; i < RUP_AUDIO_MINWIN; i++) a->win_id[i] = INT64_MIN;
  a->win_max_id = INT64_MIN;
}

/* Baseline = minimum transit over the last history_us of RTP time (NetEq
 * CalculateRelativePacketArrivalDelay, max_history_ms), in sub-windows. */
static int64_t win_update(rup_audio *a, int64_t tsu, int64_t transit) {
  int64_t sub = a->p.history_us / RUP_AUDIO_MINWIN;
  if (sub < 1) sub = 1;
  int64_t id = fdiv(tsu, sub);
  if (a->win_max_id == INT64_MIN || id > a->win_max_id) a->win_max_id = id;
  if (id > a->win_max_id - RUP_AUDIO_MINWIN) {
    int slot = (int)(((id % RUP_AUDIO_MINWIN) + RUP_AUDIO_MINWIN) % RUP_AUDIO_MINWIN);
    if (a->win_id[slot] != id) {
      a->win_id[slot] = id;
      a->win_min[slot] = transit;
    } else if (transit < a->win_min[slot]) {
      a->win_min[slot] = transit;
    }
  }
  int64_t base = transit;
  int have = 0;
  for (int i = 0; i < RUP_AUDIO_MINWIN; i++) {
    if (a->win_id[i] == INT64_MIN || a->win_id[i] <= a->win_max_id - RUP_AUDIO_MINWIN) continue;
    if (!have || a->win_min[i] < base) base = a->win_min[i];
    have = 1;
  }
  return base;
}

static void delay_update(rup_audio *a, int64_t ext, int64_t t, uint32_t samples) {
  int64_t tsu = s2us(a, ext - a->ts0);
  int64_t transit = t - tsu;                    /* arrival - RTP time (RFC 3550 A.8 transit) */
  int64_t base = win_update(a, tsu, transit);
  int64_t rel = transit - base;
  if (rel < 0) rel = 0;
  int64_t bucket = rel / RUP_AUDIO_BUCKET_US;
  if (bucket < RUP_AUDIO_HIST_BUCKETS) hist_add(a, (int)bucket); /* delays >= 2 s not registered */
  int idx = hist_quantile(a, a->p.quantile);
  a->target_delay_us = clamp_target(a, (int64_t)(1 + idx) * RUP_AUDIO_BUCKET_US, samples); /* (1+idx)*kBucketSizeMs */
  a->base_transit_us = base;
}

static int64_t desired_offset(const rup_audio *a) { return a->base_transit_us + a->target_delay_us; }

static void out_hook(const rup_audio *a, int what, int64_t ts, uint64_t n, int64_t t, const rup_audio_pkt *pk) {
  if (!a->on_out) return;
  rup_audio_out o;
  o.what = what;
  o.ts = ts;
  o.samples = n;
  o.play_us = t;
  o.pkt = pk;
  a->on_out(a->on_out_ctx, &o);
}

/* ---- speech activity ---- */

static void speech_set(rup_audio *a, int act, int64_t t) {
  if (act && !a->speaking) {
    a->speaking = 1;
    a->speech_since_us = t;
    a->st.talkspurts++;
  } else if (!act && a->speaking) {
    a->speaking = 0;
    if (t > a->speech_since_us) {
      a->segs[a->seg_pos].start_us = a->speech_since_us;
      a->segs[a->seg_pos].end_us = t;
      a->seg_pos = (a->seg_pos + 1) % RUP_AUDIO_SPEECH_SEGS;
      if (a->nsegs < RUP_AUDIO_SPEECH_SEGS) a->nsegs++;
    }
  }
}

/* ---- impairments ---- */

static uint32_t run_lost_estimate(const rup_audio *a) {
  if (!a->have_played || a->max_seq <= a->last_played_seq) return 0;
  uint64_t gap = a->max_seq - a->last_played_seq;
  uint64_t known = (uint64_t)a->nbuf + a->run_late;
  return gap > known ? (uint32_t)(gap - known > UINT32_MAX ? UINT32_MAX : gap - known) : 0;
}

static void check_emit(rup_audio *a, int64_t t, const rup_imp_sink *sink) {
  if (!a->run_open || a->run_emitted || !a->played_real) return;
  int64_t det = sat_add(a->run_start_us, a->p.interruption_us);
  if (det > t) return;
  /* Live: the concealment run reached kInterruptionLenMs (REFERENCE §4.2). */
  rup__imp_begin(&a->interruption, RUP_IMP_INTERRUPTION, 0, a->run_start_us, det);
  a->interruption.late_packets = a->run_late;
  a->interruption.lost_packets = run_lost_estimate(a);
  if (a->run_late) a->interruption.evidence |= RUP_EVID_LATE;
  if (a->interruption.lost_packets) a->interruption.evidence |= RUP_EVID_SEQ_GAP;
  if (a->run_pkts == 0) a->interruption.evidence |= RUP_EVID_NO_PACKETS;
  a->run_emitted = 1;
  rup__imp_emit(sink, &a->interruption, 0);
}

/* Speech inside a concealment run that a sequence gap ended. A DTX sender sends a
 * packet per frame while it talks and one every 400 ms in silence (REFERENCE §7.1:
 * Opus refreshes comfort noise every 20 DTX frames), so the n packets lost over d
 * seconds hold s seconds of speech with n = s / frame + (d - s) / 0.4. The run counted
 * its samples as speech when the talker was talking as it began; a long break that
 * lost fewer packets than that held less speech. Opus only (other codecs: unknown). */
#define DTX_REFRESH_S 0.4
static void speech_in_gap(rup_audio *a, uint64_t lost) {
  if (a->codec != RUP_CODEC_OPUS || !a->run_speech || !a->nominal_samples || !a->clock_rate) return;
  double d = (double)a->run_samples / a->clock_rate, frame = (double)a->nominal_samples / a->clock_rate;
  if (frame >= DTX_REFRESH_S || d < 1.0) return;
  double sp = ((double)lost - d / DTX_REFRESH_S) / (1.0 / frame - 1.0 / DTX_REFRESH_S);
  if (sp < 0) sp = 0;
  uint64_t keep = (uint64_t)(sp * a->clock_rate);
  if (keep >= a->run_speech) return;
  a->speech_samples -= a->run_speech - keep;
  a->run_speech = keep;
  /* where in the gap is unknown: the talk is put at its start, then silence */
  speech_set(a, 0, a->run_start_us + s2us(a, (int64_t)keep));
}

/* libwebrtc StatisticsCalculator::EndExpandEvent (REFERENCE §4.2): event_ms =
 * 1000 * concealed / fs (integer); >= 150 ms and decoded_output_played_ -> interruption. */
static void end_run(rup_audio *a, int64_t end_us, const rup_audio_pkt *pk, const rup_imp_sink *sink) {
  if (!a->run_open) return;
  a->runs_ended++;
  a->last_run_start_us = a->run_start_us;
  a->last_run_end_us = end_us;
  uint64_t event_ms = a->run_samples * 1000u / a->clock_rate;
  int counted = event_ms >= (uint64_t)(a->p.interruption_us / 1000) && a->played_real;
  if (counted) {
    a->st.interruption_count++;
    a->st.total_interruption_duration_s += (double)event_ms / 1000.0;
    check_emit(a, end_us > a->run_start_us + a->p.interruption_us ? end_us
                                                                   : a->run_start_us + a->p.interruption_us,
               sink);
  }
  if (a->run_emitted) {
    rup_imp *im = &a->interruption;
    im->end_us = end_us;
    if (im->detected_us > end_us) im->detected_us = end_us;
    im->late_packets = a->run_late;
    if (pk && a->have_played && pk->ext_seq > a->last_played_seq) {
      uint64_t gap = pk->ext_seq - a->last_played_seq - 1;
      im->lost_packets = gap > a->run_late ? (uint32_t)(gap - a->run_late > UINT32_MAX ? UINT32_MAX : gap - a->run_late) : 0;
      speech_in_gap(a, im->lost_packets);
    } else if (!pk) {
      im->lost_packets = run_lost_estimate(a);
    }
    im->evidence &= ~(uint32_t)(RUP_EVID_SEQ_GAP | RUP_EVID_LATE);
    if (im->lost_packets) im->evidence |= RUP_EVID_SEQ_GAP;
    if (im->late_packets) im->evidence |= RUP_EVID_LATE;
    rup__imp_emit(sink, im, 1);
  }
  a->run_open = 0;
  a->run_emitted = 0;
}

/* A concealment run turned out to be the sender's silence (sequence numbers
 * contiguous, or RTCP SR count standing still): undo it as libwebrtc's
 * ConcealedSamplesCorrection undoes concealment (negative correction), count it
 * as DTX / muted time, and retract a live interruption (end with SENDER_PAUSED). */
static void reclassify(rup_audio *a, int cls, int64_t now, const rup_imp_sink *sink) {
  if (!a->run_open) return;
  a->st.concealed_samples -= a->run_samples;
  a->st.silent_concealed_samples -= a->run_silent;
  if (a->run_new_event && a->st.concealment_events) a->st.concealment_events--;
  a->speech_samples -= a->run_speech;
  if (cls == SLOT_MUTED) a->muted_samples += a->run_samples;
  else a->dtx_samples += a->run_samples;
  if (a->speaking) speech_set(a, 0, a->run_start_us); /* the remote was silent, not speaking */
  out_hook(a, RUP_AUDIO_OUT_RECLASSIFIED, 0, a->run_samples, a->run_start_us, NULL);
  if (a->run_emitted) {
    a->interruption.end_us = now;
    a->interruption.evidence |= RUP_EVID_SENDER_PAUSED;
    rup__imp_emit(sink, &a->interruption, 1);
  }
  a->st.reclassified_runs++;
  a->run_open = 0;
  a->run_emitted = 0;
  a->prev_class = cls;
}

static int64_t stall_threshold(const rup_audio *a) {
  return a->p.stall_after_us + (a->last_rx_quiet ? a->p.dtx_refresh_us : 0);
}

static void check_stall(rup_audio *a, int64_t t, const rup_imp_sink *sink) {
  if (!a->have_rx || a->stall_open || a->muted || a->finished) return;
  int64_t det = sat_add(a->last_packet_us, stall_threshold(a));
  if (t < det) return;
  rup__imp_begin(&a->stall, RUP_IMP_STALL, RUP_EVID_NO_PACKETS, a->last_packet_us, det);
  a->stall_open = 1;
  rup__imp_emit(sink, &a->stall, 0);
}

/* ---- playout ---- */

static int slot_class(const rup_audio *a) {
  if (a->muted) return SLOT_MUTED;
  /* REFERENCE §7.1: after a DTX packet (or coded silence / V = 0) missing frames are comfort noise. */
  if (a->have_played && (a->last_played_kind != KIND_AUDIO || a->last_played_voice == 0)) return SLOT_CN;
  /* REFERENCE §7.1: next packet contiguous in sequence with the last played = DTX gap, not loss. */
  if (a->nbuf && a->have_played && a->buf[0].ext_seq == a->last_played_seq + 1 && a->run_late == 0)
    return SLOT_CN;
  return SLOT_CONCEAL;
}

static void missing(rup_audio *a, uint64_t n, int cls, int64_t t, const rup_imp_sink *sink) {
  out_hook(a, cls, a->next_ts, n, t, cls == SLOT_CONCEAL && a->nbuf ? &a->buf[0] : NULL);
  a->st.total_samples_received += n; /* includes concealed samples (webrtc-stats totalSamplesReceived) */
  if (cls == SLOT_CONCEAL) {
    if (a->prev_class != SLOT_CONCEAL) { /* webrtc-stats concealmentEvents: concealed after non-concealed */
      a->st.concealment_events++;
      a->run_open = 1;
      a->run_new_event = 1;
      a->run_emitted = 0;
      a->run_start_us = t;
      a->run_samples = a->run_silent = a->run_speech = a->run_pkts = 0;
      a->run_late = 0;
    }
    a->st.concealed_samples += n;
    a->run_samples += n;
    if (a->st.speech_known && !a->speaking) { /* silentConcealedSamples: the remote was silent */
      a->st.silent_concealed_samples += n;
      a->run_silent += n;
    }
    if (a->speaking) { /* speech before the gap is assumed to continue into it */
      a->speech_samples += n;
      a->run_speech += n;
    }
  } else {
    if (a->prev_class == SLOT_CONCEAL) end_run(a, t, NULL, sink);
    speech_set(a, 0, t);
    if (cls == SLOT_MUTED) {
      a->muted_samples += n;
    } else {
      a->dtx_samples += n;
      /* Adapt the delay in silence, at most the silent frame itself; not time-stretching. */
      int64_t d = desired_offset(a) - a->offset_us, lim = s2us(a, (int64_t)n);
      if (d > lim) d = lim;
      if (d < -lim) d = -lim;
      a->offset_us += d;
    }
  }
  a->prev_class = cls;
}

static void play(rup_audio *a, int64_t t, const rup_imp_sink *sink) {
  rup_audio_pkt pk = a->buf[0];
  memmove(&a->buf[0], &a->buf[1], (a->nbuf - 1) * sizeof a->buf[0]);
  a->nbuf--;
  uint64_t n = (uint64_t)(pk.ts + pk.samples - a->next_ts);
  out_hook(a, SLOT_PLAYED, a->next_ts, n, t, &pk);
  if (a->prev_class == SLOT_CONCEAL) end_run(a, t, &pk, sink); /* real audio plays again */
  a->st.total_samples_received += n;
  /* webrtc-stats jitterBufferDelay / EmittedCount / TargetDelay: per emitted sample */
  int64_t wait = t - pk.arrival_us;
  if (wait < 0) wait = 0;
  a->st.jitter_buffer_delay_s += (double)wait / 1e6 * (double)n;
  a->st.jitter_buffer_target_delay_s += (double)a->target_delay_us / 1e6 * (double)n;
  a->st.jitter_buffer_emitted_count += n;
  if (pk.kind == KIND_DTX) a->dtx_samples += n;
  else a->played_real = 1; /* decoded_output_played_ */
  int act = pk.voice >= 0 ? pk.voice : pk.kind == KIND_AUDIO; /* RFC 6464 V, else DTX pattern */
  speech_set(a, act, t);
  if (act) a->speech_samples += n;
  /* Adapt toward the target: time-stretch speech (counted), silence freely. */
  int64_t d = desired_offset(a) - a->offset_us, dur = s2us(a, (int64_t)n);
  int64_t lim = pk.kind == KIND_AUDIO ? (int64_t)((double)dur * a->p.stretch_ratio) : dur;
  if (d > lim) d = lim;
  if (d < -lim) d = -lim;
  if (d < 0) {
    /* NetEq accelerates only audio it holds (decision_logic.cc: buffer level above
     * the target); removing more than is buffered would only trade the wait for a
     * concealment, e.g. right after a late packet was merged */
    int64_t lead = (a->nbuf ? play_us(a, a->buf[a->nbuf - 1].ts + a->buf[a->nbuf - 1].samples) : play_us(a, a->next_ts)) - t - dur;
    if (lead < 0) lead = 0;
    if (-d > lead) d = -lead;
  }
  a->offset_us += d;
  if (pk.kind == KIND_AUDIO) {
    if (d > 0) a->st.inserted_samples_for_deceleration += us2s(a, d);
    else a->st.removed_samples_for_acceleration += us2s(a, -d);
  }
  if (pk.samples) a->nominal_samples = pk.samples;
  a->have_played = 1;
  a->last_played_seq = pk.ext_seq;
  a->last_played_kind = pk.kind;
  a->last_played_voice = pk.voice;
  a->next_ts = pk.ts + pk.samples;
  a->played_end_ts = a->next_ts;
  a->prev_class = SLOT_PLAYED;
  a->stepped = 1;
}

/* Output every slot whose playout time is < limit (exclusive) or <= limit. */
static void step(rup_audio *a, int64_t limit, int inclusive, const rup_imp_sink *sink) {
  if (!a->started) return;
  for (;;) {
    int64_t t = play_us(a, a->next_ts);
    if (inclusive ? t > limit : t >= limit) break;
    check_emit(a, t, sink);
    while (a->nbuf && a->buf[0].ts + a->buf[0].samples <= a->next_ts) { /* overtaken: too late */
      memmove(&a->buf[0], &a->buf[1], (a->nbuf - 1) * sizeof a->buf[0]);
      a->nbuf--;
      a->st.packets_discarded++;
    }
    if (a->nbuf && a->buf[0].ts <= a->next_ts) {
      play(a, t, sink);
      continue;
    }
    int64_t n = a->nominal_samples ? a->nominal_samples : 1;
    if (a->nbuf && a->buf[0].ts - a->next_ts < n) n = a->buf[0].ts - a->next_ts;
    int cls = slot_class(a);
    /* Whole frames up to the limit and the next buffered packet at once (O(1) per gap). */
    int64_t k = 1, fus = s2us(a, n);
    if (fus > 0 && (cls != SLOT_CN || a->offset_us == desired_offset(a))) {
      int64_t span = inclusive ? limit - t : limit - 1 - t;
      k = span / fus + 1;
      if (a->nbuf) {
        int64_t kb = (a->buf[0].ts - a->next_ts) / n;
        if (kb < k) k = kb;
      }
      if (k < 1) k = 1;
    }
    missing(a, (uint64_t)(n * k), cls, t, sink);
    a->next_ts += n * k;
    a->stepped = 1;
  }
  check_emit(a, limit, sink);
}

static void sync_stats(rup_audio *a) {
  a->st.total_samples_duration_s = secs(a, a->st.total_samples_received);
  a->st.dtx_duration_s = secs(a, a->dtx_samples);
  a->st.muted_duration_s = secs(a, a->muted_samples);
  a->st.speech_duration_s = secs(a, a->speech_samples);
  a->st.target_delay_s = (double)a->target_delay_us / 1e6;
}

/* ---- public (internal) API ---- */

void rup__audio_init(rup_audio *a, int codec, uint32_t clock_rate, const rup_audio_params *p) {
  if (!a) return;
  memset(a, 0, sizeof *a);
  a->codec = codec;
  a->clock_rate = clock_rate ? clock_rate : (codec == RUP_CODEC_OPUS ? 48000u : 8000u);
  if (p) a->p = *p;
  else rup__audio_params_default(&a->p);
  if (!(a->p.quantile > 0 && a->p.quantile < 1)) a->p.quantile = 0.95;
  if (!(a->p.forget >= 0 && a->p.forget < 1)) a->p.forget = 0.9993;
  if (!(a->p.stretch_ratio >= 0 && a->p.stretch_ratio <= 1)) a->p.stretch_ratio = 0.25;
  if (a->p.history_us < RUP_AUDIO_MINWIN) a->p.history_us = 2000000;
  if (a->p.reanchor_us <= 0) a->p.reanchor_us = 10000000;
  if (a->p.interruption_us < 0) a->p.interruption_us = 150000;
  a->nominal_samples = a->clock_rate / 50; /* 20 ms until a packet says otherwise */
  a->last_played_voice = -1;
  a->target_delay_us = a->p.start_delay_us;
  a->now_us = INT64_MIN;
  sync_stats(a);
}

static void restart(rup_audio *a, int64_t t, const rup_imp_sink *sink) {
  int64_t pos = play_us(a, a->next_ts);
  if (a->run_open) end_run(a, pos < t ? pos : t, NULL, sink);
  speech_set(a, 0, pos < t ? pos : t);
  a->st.packets_discarded += a->nbuf;
  a->nbuf = 0;
  a->started = 0;
  a->have_played = 0;
  a->prev_class = SLOT_NONE;
  a->st.restarts++;
}

static void start_playout(rup_audio *a, int64_t ext, int64_t t, uint32_t samples) {
  a->ts0 = a->ts_ref = a->next_ts = ext;
  hist_reset(a);
  win_reset(a);
  a->base_transit_us = win_update(a, 0, t);
  /* NetEq: the first packet only starts the relative-delay estimation; kStartDelayMs until the 2nd. */
  a->target_delay_us = clamp_target(a, a->p.start_delay_us, samples);
  a->offset_us = t + a->target_delay_us;
  a->nominal_samples = samples;
  a->started = 1;
  a->stepped = 0;
}

static void insert(rup_audio *a, const rup_audio_pkt *ap) {
  if (a->stepped && ap->ts + ap->samples <= a->next_ts) {
    if (a->run_open && a->prev_class == SLOT_CONCEAL && a->have_played && ap->ts >= a->played_end_ts) {
      /* NetEq expands without advancing the playout timestamp, and the late packet
       * that follows the last one played is merged after the expansion (neteq_impl.cc
       * DoExpand / DoMerge; decision_logic.cc counts generated_noise_samples apart):
       * the concealed time was inserted and the delay grew by it. */
      int64_t back = a->next_ts - ap->ts;
      a->offset_us += s2us(a, back);
      a->next_ts = ap->ts;
      a->merged_samples += (uint64_t)back;
      a->run_late++; /* the break was late packets, not loss */
    } else {
      a->st.packets_discarded++; /* webrtc-stats packetsDiscarded: arrived after its playout time */
      if (a->run_open) a->run_late++;
      return;
    }
  }
  if (!a->stepped && ap->ts < a->next_ts) a->next_ts = ap->ts; /* nothing played yet: start earlier */
  unsigned i = a->nbuf;
  while (i > 0 && a->buf[i - 1].ts > ap->ts) i--;
  if (i > 0 && a->buf[i - 1].ts == ap->ts) return; /* same timestamp buffered: duplicate */
  if (a->nbuf == RUP_AUDIO_BUF) {
    a->st.packets_discarded++; /* buffer full (bounded memory) */
    return;
  }
  memmove(&a->buf[i + 1], &a->buf[i], (a->nbuf - i) * sizeof a->buf[0]);
  a->buf[i] = *ap;
  a->nbuf++;
}

void rup__audio_packet(rup_audio *a, const rup_media_pkt *pkt, int voice_activity,
                       const rup_imp_sink *sink) {
  if (!a || !pkt || !pkt->rtp || a->finished) return;
  if (pkt->rx_flags & (RUP_RX_DUPLICATE | RUP_RX_BAD_SEQ)) return; /* not media to play */
  const rup_rtp *r = pkt->rtp;
  int64_t t = clamp_time(pkt->arrival_us);
  if (t < a->now_us) t = a->now_us; /* time never goes back */
  a->now_us = t;
  size_t plen = r->payload ? r->payload_len : 0;

  /* Frame classification and duration: Opus TOC, else RTP timestamp step, else 20 ms. */
  rup_audio_pkt ap;
  memset(&ap, 0, sizeof ap);
  ap.arrival_us = t;
  ap.ext_seq = pkt->ext_seq;
  ap.voice = (int8_t)(voice_activity < 0 ? -1 : voice_activity ? 1 : 0);
  uint64_t samples = 0;
  if (a->codec == RUP_CODEC_OPUS) {
    rup_opus_info oi;
    if (plen > 0 && rup__opus_parse(r->payload, plen, &oi) == 0 && oi.samples_48k > 0)
      samples = (uint64_t)oi.samples_48k * a->clock_rate / 48000u;
    if (plen <= 2) ap.kind = KIND_DTX; /* REFERENCE §7.1: <= 2-byte Opus packet = DTX / CN */
    else if (plen <= a->p.silence_max_bytes) ap.kind = KIND_SILENCE;
  }
  int64_t ext;
  if (!a->started && !a->have_rx) {
    ext = (int64_t)r->ts;
  } else {
    ext = a->ts_ref + (int32_t)(r->ts - (uint32_t)a->ts_ref); /* 32-bit RTP timestamp unwrap */
  }
  if (samples == 0) {
    int64_t step_ts = ext - a->prev_rx_ts;
    if (a->have_rx && pkt->ext_seq == a->prev_rx_seq + 1 && step_ts > 0 &&
        step_ts <= (int64_t)a->clock_rate * 120 / 1000)
      samples = (uint64_t)step_ts;
    else
      samples = a->nominal_samples ? a->nominal_samples : a->clock_rate / 50;
  }
  if (samples > (uint64_t)a->clock_rate * 120 / 1000) samples = (uint64_t)a->clock_rate * 120 / 1000;
  if (samples == 0) samples = 1;
  ap.samples = (uint32_t)samples;

  if (a->started) {
    int64_t span = ext - a->ts0, pt = span > -TS_SPAN_LIMIT && span < TS_SPAN_LIMIT ? play_us(a, ext) : 0;
    if ((pkt->rx_flags & RUP_RX_RESTART) || span <= -TS_SPAN_LIMIT || span >= TS_SPAN_LIMIT ||
        pt - t > a->p.reanchor_us || t - pt > a->p.reanchor_us) {
      step(a, t, 0, sink);
      restart(a, t, sink);
      ext = (int64_t)r->ts;
    }
  }
  ap.ts = ext;
  if (!a->started) start_playout(a, ext, t, ap.samples);
  else delay_update(a, ext, t, ap.samples);
  if (ext > a->ts_ref) a->ts_ref = ext;

  step(a, t, 0, sink); /* everything due before this arrival */

  if (!a->have_rx || pkt->ext_seq > a->max_seq) a->max_seq = pkt->ext_seq;
  a->have_rx = 1;
  a->prev_rx_seq = pkt->ext_seq;
  a->prev_rx_ts = ext;
  a->received++;
  a->last_rx_quiet = ap.kind != KIND_AUDIO || ap.voice == 0;
  a->last_packet_us = t;
  if (ap.voice >= 0 || ap.kind != KIND_AUDIO) a->st.speech_known = 1;
  if (a->stall_open) { /* stall ends at the next packet */
    a->stall.end_us = t;
    a->stall_open = 0;
    rup__imp_emit(sink, &a->stall, 1);
  }
  a->muted = 0;
  if (a->run_open) a->run_pkts++;
  insert(a, &ap);
  if (a->run_open && a->nbuf && a->have_played && a->buf[0].ext_seq == a->last_played_seq + 1 &&
      a->run_late == 0)
    reclassify(a, SLOT_CN, t, sink); /* no packet was lost: the sender was silent (DTX) */
  step(a, t, 1, sink);
  check_stall(a, t, sink);
  sync_stats(a);
}

void rup__audio_sender_report(rup_audio *a, uint32_t packet_count, int64_t now_us,
                              const rup_imp_sink *sink) {
  if (!a || a->finished) return;
  int64_t t = clamp_time(now_us);
  if (t < a->now_us) t = a->now_us;
  a->now_us = t;
  step(a, t, 1, sink);
  if (a->have_sr && a->have_rx) {
    uint32_t sent = packet_count - a->sr_count;     /* RFC 3550 §6.4.1 sender's packet count */
    uint64_t recv = a->received - a->sr_received;
    /* The sender sent nothing we did not receive, and nothing arrives: the silence is the
     * sender's (muted microphone), not a dropout. */
    if ((uint64_t)sent <= recv && t - a->last_packet_us >= a->p.interruption_us && !a->muted) {
      a->muted = 1;
      reclassify(a, SLOT_MUTED, t, sink);
      if (a->stall_open) {
        a->stall.end_us = t;
        a->stall.evidence |= RUP_EVID_SENDER_PAUSED;
        a->stall_open = 0;
        rup__imp_emit(sink, &a->stall, 1);
      }
    }
  }
  a->have_sr = 1;
  a->sr_count = packet_count;
  a->sr_received = a->received;
  check_stall(a, t, sink);
  sync_stats(a);
}

int64_t rup__audio_deadline(const rup_audio *a) {
  if (!a || !a->started || a->finished) return INT64_MAX;
  int64_t d = INT64_MAX, pos = play_us(a, a->next_ts);
  if (a->nbuf) d = pos;
  if (a->played_real) {
    if (a->run_open && !a->run_emitted) {
      int64_t x = sat_add(a->run_start_us, a->p.interruption_us);
      if (x < d) d = x;
    } else if (!a->run_open && slot_class(a) == SLOT_CONCEAL &&
               !(a->nbuf && a->buf[0].ts <= a->next_ts)) {
      int64_t x = sat_add(pos, a->p.interruption_us);
      if (x < d) d = x;
    }
  }
  if (a->have_rx && !a->stall_open && !a->muted) {
    int64_t x = sat_add(a->last_packet_us, stall_threshold(a));
    if (x < d) d = x;
  }
  /* Caller times are clamped to TIME_LIMIT, so a deadline past it can never be
   * reached: reporting it would make a host that advances to each deadline spin. */
  return d > TIME_LIMIT ? INT64_MAX : d;
}

void rup__audio_advance(rup_audio *a, int64_t now_us, const rup_imp_sink *sink) {
  if (!a || a->finished) return;
  int64_t t = clamp_time(now_us);
  if (t < a->now_us) t = a->now_us;
  a->now_us = t;
  step(a, t, 1, sink);
  check_stall(a, t, sink);
  sync_stats(a);
}

void rup__audio_finish(rup_audio *a, int64_t now_us, const rup_imp_sink *sink) {
  if (!a || a->finished) return;
  rup__audio_advance(a, now_us, sink);
  if (a->started && a->nbuf) step(a, play_us(a, a->buf[a->nbuf - 1].ts), 1, sink); /* play what arrived */
  if (a->started) {
    int64_t pos = play_us(a, a->next_ts);
    if (a->run_open) end_run(a, pos, NULL, sink);
    speech_set(a, 0, pos);
  }
  if (a->stall_open) {
    a->stall.end_us = a->now_us > a->stall.detected_us ? a->now_us : a->stall.detected_us;
    a->stall_open = 0;
    rup__imp_emit(sink, &a->stall, 1);
  }
  a->finished = 1;
  sync_stats(a);
}

int rup__audio_speaking(const rup_audio *a) {
  if (!a || !a->st.speech_known) return -1;
  return a->speaking ? 1 : 0;
}

static int64_t overlap(int64_t s, int64_t e, int64_t t0, int64_t t1) {
  int64_t lo = s > t0 ? s : t0, hi = e < t1 ? e : t1;
  return hi > lo ? hi - lo : 0;
}

double rup__audio_speech_between(const rup_audio *a, int64_t t0_us, int64_t t1_us) {
  if (!a || !a->st.speech_known) return -1.0;
  int64_t sum = 0;
  for (unsigned i = 0; i < a->nsegs; i++) sum += overlap(a->segs[i].start_us, a->segs[i].end_us, t0_us, t1_us);
  if (a->speaking && a->started) sum += overlap(a->speech_since_us, play_us(a, a->next_ts), t0_us, t1_us);
  return (double)sum / 1e6;
}
