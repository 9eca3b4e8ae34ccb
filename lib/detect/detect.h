/* lib/detect: impairments per stream -> ruptures per remote participant and
 * direction (DESIGN.md §2-§3), repair hints, E-model quality (REFERENCE §5).
 * No packet parsing and no allocation after the session is created: it consumes
 * impairment begin/end events, RTCP facts and a few O(1) per-packet values
 * (transit for lag), and works on deadlines. The model and every threshold are
 * described in docs/ruptures.md and docs/quality.md. */
#ifndef RUP_DETECT_H
#define RUP_DETECT_H

#include "core/core.h"
#include "decode/decode.h"
#include "media/audio.h"
#include "media/media.h"
#include "stream/stream.h"
#include "wire/wire.h"

/* Quality window (Agora and Daily report every 2 s, REFERENCE §10). */
#define RUP_DET_WINDOW_US 2000000
/* Detector tick: concealment is counted in sub-windows of this length, so choppy audio
 * is seen within half a second of the condition holding; the quality window is
 * RUP_DET_WINDOW_US / RUP_DET_TICK_US ticks. */
#define RUP_DET_TICK_US 500000
#define RUP_DET_QTICKS (RUP_DET_WINDOW_US / RUP_DET_TICK_US)
/* Ticks run one by one in a single call (8.5 min); beyond, the empty ones are
 * skipped: the window ring (RUP_DET_WINS), choppy state and quality smoothing have
 * long settled by then. */
#define RUP_DET_CATCHUP_TICKS 1024
/* Sub-windows of concealment kept per stream for choppy_audio: choppy_window_us is
 * capped at RUP_DET_WINS * RUP_DET_TICK_US (16 s). */
#define RUP_DET_WINS 32
/* Sent-packet snapshots kept per outbound stream (one per tick). */
#define RUP_DET_SNAPS 64
/* Short interruptions remembered per group for choppy_audio (>= choppy_count). */
#define RUP_DET_SHORT 8
/* Transit baseline for lag: minimum over RUP_DET_TSEGS segments of RUP_DET_TSEG_US. */
#define RUP_DET_TSEGS 8
#define RUP_DET_TSEG_US 60000000
/* Ruptures of a participant counted as "recent" for severity and hints: 5 minutes. */
#define RUP_DET_RECENT_US 300000000
#define RUP_DET_RECENT_MAX 8

/* One sub-window (RUP_DET_TICK_US) of an audio stream's playout (deltas of the audio
 * model counters). concealed: samples concealed while the sender was (or may have
 * been) talking; heard: samples of the sender's speech, concealed ones included (all
 * samples when speech activity is unknown) — what a listener would have heard. */
typedef struct rup_det_win {
  uint64_t concealed, heard, events, all_concealed;
  uint8_t lost, late;    /* packets went missing (sequence gaps) / were discarded late */
  int64_t first_conc_us; /* onset of the first concealment in the window, 0 none */
  int64_t last_conc_us;  /* end of the last concealment in the window, 0 none */
} rup_det_win;

/* What detect knows of a stream. The owner of the stream (lib/session) fills it
 * before rup__detect_add_stream() and keeps it current; detect only reads it, except
 * the RTCP facts it records from rup__detect_rtt() / rup__detect_report_block(). */
typedef struct rup_det_view {
  uint32_t ssrc;
  int32_t direction;           /* RUP_DIR_* */
  int32_t media;               /* RUP_MEDIA_* */
  int32_t codec;               /* RUP_CODEC_* */
  uint32_t participant;        /* remote participant index (< 2 * max_streams) */
  int bye;                     /* RTCP BYE seen (RFC 3550 §6.6) */
  int modelled;                /* a playback model (lib/media) runs */
  rup_endpoint src, dst;
  const rup_rx *rx;            /* receive state (lib/stream); never NULL once added */
  const rup_audio *audio;      /* audio playout model; NULL unless the stream has one */
  const rup_adec *adec;        /* audio decoder (lib/decode); NULL if none */
  /* RTCP facts (pushed with rup__detect_rtt / rup__detect_report_block) */
  int has_rtt;
  int64_t rtt_us;
  int has_remote_report;
  rup_rtcp_report_block remote;
} rup_det_view;

/* Detection state of one stream (embedded in the session's stream). */
typedef struct rup_det_stream {
  rup_det_view view;
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
  uint64_t w0_concealed, w0_silent, w0_total, w0_speech, w0_events, w0_lost, w0_late;
  uint64_t w0_expected, w0_received, w0_discarded, w0_emitted;
  double w0_jbdelay;
  int conc_open;
  uint64_t runs_seen;          /* the audio model's runs_ended at the last poll */
  int64_t conc_first_us, conc_last_us; /* within the current window */
  rup_det_win wins[RUP_DET_WINS];
  unsigned nwins, winpos;
  /* outbound: the remote's receiver reports about this stream */
  int has_peer;
  uint32_t peer;
  uint32_t rb_reporter;        /* SSRC whose reports name this stream (the remote receiver) */
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
  /* outbound: packets sent so far at each tick (time -> count, for placing a loss the
   * remote reports; RUP_DET_SNAPS ticks = 32 s) */
  int64_t snap_us[RUP_DET_SNAPS];
  uint64_t snap_sent[RUP_DET_SNAPS];
  unsigned nsnap, snappos;
  int64_t ob_end_hint;         /* end of the inbound break the reported loss was placed at, 0 none */
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
  int64_t last_rtcp_us;        /* inbound group: last RTCP from the participant, 0 none */
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
  int choppy_on;
  uint64_t choppy_off_tick;    /* tick at which the last choppy episode ended */
  uint32_t choppy_ev;          /* RUP_EVIDENCE_* of the episode's sub-windows */
  uint32_t choppy_ssrc;        /* a stream that contributed (has_choppy_ssrc) */
  int has_choppy_ssrc;
  int64_t choppy_start, choppy_last_us;
  /* lag */
  int lag_above;
  int64_t lag_above_since, lag_below_since;
  int64_t lag_growth_us;       /* latest transit growth over the baseline */
  int have_growth;
  int64_t growth_at_us;
  /* smallest RTT value seen per direction of the participant's streams (inbound,
   * outbound): each covers its part of the path, so the path's base RTT is their sum
   * (a minimum of the sum taken before both are known would keep one part only) */
  int64_t rtt_min_dir[2];
  int has_rtt_min[2];
  int64_t rtt_now_us, rtt_at_us;
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

/* Settings detect uses, copied from rup_settings (docs/ruptures.md §Settings), and
 * where its rupture and quality events go. */
typedef struct rup_det_config {
  rup_mem mem;
  uint32_t max_streams;
  uint32_t max_ruptures;
  int64_t audio_dropout_min_us;
  uint32_t choppy_count;
  int64_t choppy_window_us;
  int64_t video_freeze_min_us;
  int64_t connection_lost_min_us;
  int64_t lag_one_way_us;
  int64_t lag_min_us;
  int64_t merge_gap_us;
  int64_t end_hold_us;
  int64_t hint_cooldown_us;
  /* output sink: RUP_EVENT_RUPTURE_* and RUP_EVENT_QUALITY_CHANGE */
  void (*emit)(void *ctx, const rup_event *ev);
  void *emit_ctx;
  /* 1: nothing is analysed (rup_settings::statistics_only): every input returns at
   * once, the deadline is never, and the summary says ruptures_analysed 0 */
  int off;
} rup_det_config;

typedef struct rup_detect {
  rup_det_config cfg;
  rup_det_stream **streams;    /* registered streams, in order of appearance (max_streams) */
  size_t n_streams;
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
  uint64_t ticks;              /* ticks run (quality every RUP_DET_QTICKS) */
  int64_t prompt_us;           /* last prompting hint (cooldown) */
  int32_t prompt_severity;
  uint32_t prompt_id;
  int has_mos;
  double mos_min;
  int32_t level_min;
} rup_detect;

/* Allocate the state for cfg (copied); 0 or RUP_ERR_NOMEM. rup__detect_free()
 * releases it, also after a failed or missing init (zeroed rup_detect). */
int rup__detect_init(rup_detect *d, const rup_det_config *cfg);
void rup__detect_free(rup_detect *d);
/* Register a stream whose view is filled (at most max_streams, never removed). */
void rup__detect_add_stream(rup_detect *d, rup_det_stream *ds);
/* An impairment of a stream began (phase 0) or ended (phase 1). */
void rup__detect_impairment(rup_detect *d, rup_det_stream *ds, const rup_imp *imp, int phase, int64_t now_us);
/* A valid RTP packet of an inbound stream (O(1): transit for lag). */
void rup__detect_packet(rup_detect *d, rup_det_stream *ds, uint32_t rtp_ts, int64_t now_us);
/* After the audio model ran (O(1): concealment onsets for choppy audio). */
void rup__detect_audio_poll(rup_det_stream *ds, int64_t now_us);
/* RTCP facts. `reporter`: the stream that sent the report (reporter_ssrc in
 * reporter_dir), NULL if unknown. */
void rup__detect_sender_report(rup_detect *d, rup_det_stream *ds, uint32_t packet_count, int64_t now_us);
void rup__detect_report_block(rup_detect *d, rup_det_stream *ds, uint32_t reporter_ssrc,
                              const rup_det_stream *reporter, const rup_rtcp_report_block *rb, int64_t now_us);
void rup__detect_rtcp_end(rup_detect *d, const rup_det_stream *reporter, int had_report, int64_t now_us);
/* A new RTT measurement of a stream (RFC 3550 §6.4.1). */
void rup__detect_rtt(rup_detect *d, rup_det_stream *ds, int64_t rtt_us, int64_t now_us);
/* Run ticks and evaluate groups up to now (end of every mutating call). */
void rup__detect_run(rup_detect *d, int64_t now_us);
/* End of input: end every open rupture at now. */
void rup__detect_finish(rup_detect *d, int64_t now_us);
int64_t rup__detect_deadline(const rup_detect *d, int64_t now_us);
/* rup_session_ack_rupture / rup_session_set_stream_paused after the entry checks. */
int rup__detect_ack(rup_detect *d, uint32_t id, int64_t now_us);
void rup__detect_paused(rup_detect *d, rup_det_stream *ds, int paused, int64_t now_us);
/* Whole-call E-model MOS of an audio stream (stats); 0 if unknown. */
int rup__detect_stream_mos(const rup_detect *d, const rup_det_stream *ds, double *mos);
/* The rupture history (rup_session_get_rupture*) and the summary at now_us
 * (every field of rup_summary but version). */
size_t rup__detect_rupture_count(const rup_detect *d);
int rup__detect_rupture(const rup_detect *d, size_t index, rup_rupture *out);
void rup__detect_summary(const rup_detect *d, int64_t now_us, rup_summary *out);

/* E-model helpers (exposed for tests and docs). */
double rup__emodel_r(double ppl_pct, double burst_r, double delay_ms, double ie, double bpl);
double rup__emodel_mos(double r);

#endif
