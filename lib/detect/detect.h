/* lib/detect: impairments per stream -> ruptures per remote participant and
 * direction (DESIGN.md §2-§3), repair hints, E-model quality (REFERENCE §5).
 * No packet parsing and no allocation after the session is created: it consumes
 * impairment begin/end events, RTCP facts and a few O(1) per-packet values
 * (transit for lag), and works on deadlines. The model and every threshold are
 * described in docs/ruptures.md and docs/quality.md. */
#ifndef RUP_DETECT_H
#define RUP_DETECT_H

#include "core/core.h"

/* Quality / choppiness window (Agora and Daily report every 2 s, REFERENCE §10). */
#define RUP_DET_WINDOW_US 2000000
/* Windows of concealment kept per stream for choppy_audio (>= choppy_window_us / window). */
#define RUP_DET_WINS 16
/* Short interruptions remembered per group for choppy_audio (>= choppy_count). */
#define RUP_DET_SHORT 8
/* Transit baseline for lag: minimum over RUP_DET_TSEGS segments of RUP_DET_TSEG_US. */
#define RUP_DET_TSEGS 8
#define RUP_DET_TSEG_US 60000000
/* Ruptures of a participant counted as "recent" for severity and hints: 5 minutes. */
#define RUP_DET_RECENT_US 300000000
#define RUP_DET_RECENT_MAX 8

/* One 2-s window of an audio stream's playout (deltas of the audio model counters). */
typedef struct rup_det_win {
  uint64_t concealed, total, events;
  int64_t first_conc_us; /* onset of the first concealment in the window, 0 none */
  int64_t last_conc_us;  /* end of the last concealment in the window, 0 none */
} rup_det_win;

/* Detection state of one stream (embedded in rup_stream). */
typedef struct rup_det_stream {
  /* open impairments by kind (index = rup_impairment_kind 1..3) */
  uint8_t open[4], ignored[4];
  int64_t start[4], detected[4];
  uint32_t evidence[4];
  int paused;                  /* rup_session_set_stream_paused */
  /* sender reports: did the sender send packets we did not get? (RFC 3550 §6.4.1 packet count) */
  int sr_have;
  uint32_t sr_count;
  uint64_t sr_received;
  int64_t sr_prev_us, sr_interval_us, sr_loss_us, sr_clean_us;
  /* lag: transit = arrival - RTP time (RFC 3550 A.8), minimum per segment (REFERENCE §11) */
  int have_ts;
  uint32_t last_ts;
  int64_t ext_ts;
  int64_t tmin[RUP_DET_TSEGS];
  int64_t tseg;                /* index of the current segment */
  int64_t transit_us;          /* latest packet's transit */
  /* audio windows (choppy, MOS) */
  uint64_t w0_concealed, w0_total, w0_events, w0_expected, w0_received, w0_discarded, w0_emitted;
  double w0_jbdelay;
  int conc_open;
  int64_t conc_first_us, conc_last_us; /* within the current window */
  rup_det_win wins[RUP_DET_WINS];
  unsigned nwins, winpos;
  /* outbound: the remote's receiver reports about this stream */
  int has_peer;
  uint32_t peer;
  uint32_t rb_reporter;        /* SSRC whose reports name this stream */               /* participant that sends the reports (the remote) */
  int rb_have;
  uint32_t rb_ext_high;
  int32_t rb_cum;
  int64_t rb_last_us, rb_interval_us;
  uint32_t rtcp_since_rb;      /* remote report packets since the last block about this stream */
  int ob_lost_rr;              /* the stall was opened by a report with nearly all lost */
  double rr_ppl;               /* loss (%) in the last report interval */
  double rr_jitter_ms;
  int64_t rr_at_us;
  int ob_choppy;
} rup_det_stream;

/* A rupture slot of a group (the "break" ruptures, or lag). */
typedef struct rup_det_slot {
  int active;
  rup_rupture r;
  int64_t recovered_us;        /* 0 while broken; else when the experience recovered */
  uint32_t evidence;           /* union over the episode */
} rup_det_slot;

/* Per remote participant and direction. */
typedef struct rup_det_group {
  int used;
  int dirty;
  int64_t deadline;
  rup_det_slot brk, lag;
  /* a closed, confirmed audio break that never qualified live (hold) */
  int late_pending;
  int64_t late_start, late_detected, late_end;
  uint32_t late_ssrc, late_evidence;
  int64_t last_end_us;         /* latest end of an impairment of the group */
  uint32_t ev_acc;             /* evidence of impairments since the group was last idle */
  /* short interruptions (choppy) */
  int64_t short_start[RUP_DET_SHORT], short_end[RUP_DET_SHORT];
  unsigned nshort, shortpos;
  int choppy_on, choppy_bad_ticks, choppy_good_ticks;
  int64_t choppy_start, choppy_last_us;
  /* lag */
  int lag_above;
  int64_t lag_above_since, lag_below_since;
  int64_t lag_growth_us;       /* latest transit growth over the baseline */
  int have_growth;
  int64_t growth_at_us;
  int64_t rtt_min_us, rtt_now_us, rtt_at_us;
  /* quality */
  int has_q;
  double r_smooth;
  int level;
  double mos_min;
  /* recent rupture begin times (severity, hints) */
  int64_t recent[RUP_DET_RECENT_MAX];
  int8_t recent_type[RUP_DET_RECENT_MAX];
  unsigned nrecent, recentpos;
} rup_det_group;

typedef struct rup_detect {
  rup_det_group *groups;       /* participants capacity * 2 (direction) */
  size_t n_groups;
  rup_rupture *hist;           /* ring of max_ruptures, in id order */
  size_t hist_cap, hist_len, hist_head;
  int64_t *scratch;            /* 2 * hist_cap, for rupture_time_s */
  uint32_t next_id;
  uint32_t count, dropped, by_type_dropped[7];
  double time_dropped_s, speech_dropped_s, longest_dropped_s;
  uint32_t ack_dropped;
  int any_dirty;
  int64_t deadline;            /* cached: earliest group deadline or tick */
  int have_tick;
  int64_t next_tick;
  int64_t prompt_us;           /* last prompting hint (cooldown) */
  int32_t prompt_severity;
  uint32_t prompt_id;
  int has_mos;
  double mos_min;
  int32_t level_min;
} rup_detect;

struct rup_session;
struct rup_stream;
struct rup_imp;

int rup__detect_init(struct rup_session *s);
void rup__detect_free(struct rup_session *s);
/* An impairment of a stream began (phase 0) or ended (phase 1). */
void rup__detect_impairment(struct rup_session *s, struct rup_stream *st, const struct rup_imp *imp,
                            int phase);
/* A valid RTP packet of an inbound stream (O(1): transit for lag). */
void rup__detect_packet(struct rup_session *s, struct rup_stream *st, uint32_t rtp_ts);
/* After the audio model ran (O(1): concealment onsets for choppy audio). */
void rup__detect_audio_poll(struct rup_session *s, struct rup_stream *st);
/* RTCP facts. */
void rup__detect_sender_report(struct rup_session *s, struct rup_stream *st, uint32_t packet_count);
void rup__detect_report_block(struct rup_session *s, struct rup_stream *st, uint32_t reporter_ssrc,
                              int reporter_dir, const void *rb /* rup_rtcp_report_block */);
void rup__detect_rtcp_end(struct rup_session *s, uint32_t sender_ssrc, int direction, int had_report);
void rup__detect_rtt(struct rup_session *s, struct rup_stream *st);
/* Run ticks and evaluate groups up to now (end of every mutating call). */
void rup__detect_run(struct rup_session *s, int64_t now_us);
/* End of input: end every open rupture at now. */
void rup__detect_finish(struct rup_session *s, int64_t now_us);
int64_t rup__detect_deadline(const struct rup_session *s);
/* rup_session_ack_rupture / rup_session_set_stream_paused after the entry checks. */
int rup__detect_ack(struct rup_session *s, uint32_t id, int64_t now_us);
void rup__detect_paused(struct rup_session *s, struct rup_stream *st, int paused);
/* Whole-call E-model MOS of an audio stream (stats); 0 if unknown. */
int rup__detect_stream_mos(const struct rup_session *s, const struct rup_stream *st, double *mos);

/* E-model helpers (exposed for tests and docs). */
double rup__emodel_r(double ppl_pct, double burst_r, double delay_ms, double ie, double bpl);
double rup__emodel_mos(double r);

#endif
