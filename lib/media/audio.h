/* lib/media audio model: jitter-buffer playout, concealment, interruptions
 * (libwebrtc StatisticsCalculator, REFERENCE §4.2), DTX, mute, speech activity.
 * The model and every parameter are described in docs/audio-model.md. */
#ifndef RUP_AUDIO_H
#define RUP_AUDIO_H

#include "media/media.h"

/* NetEq delay histogram (modules/audio_coding/neteq/delay_manager.cc,
 * underrun_optimizer.cc): kDelayBuckets = 100 buckets of kBucketSizeMs = 20 ms. */
#define RUP_AUDIO_HIST_BUCKETS 100
#define RUP_AUDIO_BUCKET_US 20000
/* Relative-delay baseline: minimum transit over the last history_us of RTP time,
 * kept as RUP_AUDIO_MINWIN sub-window minima (bounded, no per-packet history). */
#define RUP_AUDIO_MINWIN 20
#define RUP_AUDIO_BUF 64          /* packets waiting for their playout time */
#define RUP_AUDIO_SPEECH_SEGS 32  /* recent closed speech segments kept */

typedef struct rup_audio_params {
  int64_t min_delay_us;         /* target floor (default 0, NetEq base minimum delay) */
  int64_t max_delay_us;         /* target ceiling (default 2000 ms = histogram range) */
  int64_t start_delay_us;       /* target before the 2nd packet (80 ms, NetEq kStartDelayMs) */
  double quantile;              /* target = this quantile of relative delay (default 0.95) */
  double forget;                /* histogram forgetting factor per packet (default 0.9993) */
  double start_forget_weight;   /* NetEq start_forget_weight (default 2; 0 = off) */
  int64_t history_us;           /* relative-delay baseline window, RTP time (2000 ms, max_history_ms) */
  double stretch_ratio;         /* max time-stretch per played frame, fraction of the frame (0.25) */
  int64_t interruption_us;      /* 150 ms: kInterruptionLenMs */
  int64_t stall_after_us;       /* no packets this long = stall (default 1 s) */
  int64_t dtx_refresh_us;       /* extra stall margin after a DTX/silence packet (420 ms) */
  uint32_t silence_max_bytes;   /* Opus payload <= this = coded silence (default 3) */
  int64_t reanchor_us;          /* |playout - arrival| beyond this = timestamp jump: restart (10 s) */
} rup_audio_params;

void rup__audio_params_default(rup_audio_params *p);

typedef struct rup_audio_stats {
  uint64_t total_samples_received;        /* clock-rate samples output: played, concealed, CN, muted */
  double total_samples_duration_s;
  uint64_t concealed_samples;
  uint64_t silent_concealed_samples;      /* concealed while the remote was known not to speak */
  uint64_t concealment_events;
  uint64_t inserted_samples_for_deceleration;
  uint64_t removed_samples_for_acceleration;
  double jitter_buffer_delay_s;           /* sum over emitted samples of their wait */
  double jitter_buffer_target_delay_s;    /* sum over emitted samples of the target at emit */
  uint64_t jitter_buffer_emitted_count;
  uint64_t packets_discarded;             /* arrived after their playout time (or buffer full) */
  uint64_t interruption_count;
  double total_interruption_duration_s;   /* integer ms per event, as libwebrtc */
  double dtx_duration_s;                  /* comfort noise / sender silence (DTX) */
  double muted_duration_s;                /* sender sent nothing (RTCP SR count) */
  double speech_duration_s;               /* voice activity (RFC 6464 V, else DTX pattern) */
  int speech_known;                       /* V bit seen, or the sender uses DTX/silence frames */
  uint64_t talkspurts;                    /* silence -> speech transitions */
  uint64_t reclassified_runs;             /* concealment runs found to be sender silence */
  uint64_t restarts;                      /* playout re-anchored (RTP timestamp jump / restart) */
  double target_delay_s;                  /* current jitter-buffer target */
} rup_audio_stats;

typedef struct rup_audio_pkt {
  int64_t ts;                   /* extended RTP timestamp */
  int64_t arrival_us;
  uint64_t ext_seq;
  uint32_t samples;
  uint8_t kind;                 /* 0 audio, 1 DTX (<= 2 B), 2 coded silence */
  int8_t voice;                 /* RFC 6464 V: -1 unknown */
} rup_audio_pkt;

typedef struct rup_audio_seg { int64_t start_us, end_us; } rup_audio_seg;

/* Optional output hook (lib/decode drives a real decoder with it): called for
 * every output slot, in playout order, as the model decides it. */
enum {
  RUP_AUDIO_OUT_PLAYED = 1,       /* a packet plays: pkt = that packet; samples may be fewer than
                                     pkt->samples when its start overlaps audio already played */
  RUP_AUDIO_OUT_CONCEALED = 2,    /* missing / late: pkt = next buffered packet (FEC source) or NULL */
  RUP_AUDIO_OUT_CN = 3,           /* comfort noise: DTX / sender silence */
  RUP_AUDIO_OUT_MUTED = 4,        /* the sender sent nothing (RTCP SR count) */
  RUP_AUDIO_OUT_RECLASSIFIED = 5  /* the open concealment run (samples) was sender silence after all */
};
typedef struct rup_audio_out {
  int what;                     /* RUP_AUDIO_OUT_* */
  int64_t ts;                   /* extended RTP timestamp of the first output sample */
  uint64_t samples;             /* clock-rate samples output */
  int64_t play_us;              /* playout time of the first sample (RECLASSIFIED: the run's start) */
  const rup_audio_pkt *pkt;     /* see above; NULL otherwise */
} rup_audio_out;
typedef void (*rup_audio_out_fn)(void *ctx, const rup_audio_out *o);

typedef struct rup_audio {
  int codec;
  uint32_t clock_rate;
  rup_audio_params p;
  int64_t now_us;
  /* delay manager (NetEq-like) */
  double hist[RUP_AUDIO_HIST_BUCKETS]; /* NetEq histogram / hist_scale */
  double hist_scale;
  double hist_total;              /* sum of the true buckets */
  double hist_forget;
  uint64_t hist_adds;
  int64_t win_id[RUP_AUDIO_MINWIN], win_min[RUP_AUDIO_MINWIN];
  int64_t win_max_id;
  int64_t target_delay_us;
  int64_t base_transit_us;
  /* playout: play_us(ts) = ts_us(ts) + offset_us */
  int started, stepped;
  int64_t ts0, ts_ref;          /* extended ts origin; last extended ts (unwrap reference) */
  int64_t offset_us;
  int64_t next_ts;              /* extended ts of the next sample to output */
  int64_t played_end_ts;        /* extended ts just after the last packet played */
  uint64_t merged_samples;      /* concealment inserted before late packets that then played (NetEq merge) */
  uint32_t nominal_samples;     /* frame size for missing frames */
  rup_audio_pkt buf[RUP_AUDIO_BUF];
  unsigned nbuf;
  /* last packets */
  int have_played, played_real; /* played_real: libwebrtc decoded_output_played_ */
  uint64_t last_played_seq;
  uint8_t last_played_kind;
  int8_t last_played_voice;
  int have_rx;
  uint64_t max_seq, prev_rx_seq;
  int64_t prev_rx_ts;
  uint8_t last_rx_quiet;        /* last received packet was DTX / silence */
  int64_t last_packet_us;
  uint64_t received;
  int prev_class;               /* class of the last output slot */
  /* concealment run (libwebrtc expand event) */
  int run_open, run_emitted, run_new_event;
  int64_t run_start_us;
  uint64_t run_samples, run_silent, run_speech, run_pkts;
  uint64_t runs_ended;          /* concealment runs ended (a run may open and end within one call) */
  int64_t last_run_start_us, last_run_end_us;
  uint32_t run_late;
  rup_imp interruption;
  int stall_open;
  rup_imp stall;
  /* mute (RTCP SR packet count) */
  int muted, have_sr;
  uint32_t sr_count;
  uint64_t sr_received;
  /* speech activity, on the playout timeline */
  int speaking;
  int64_t speech_since_us;
  uint64_t dtx_samples, muted_samples, speech_samples;
  int finished;
  rup_audio_seg segs[RUP_AUDIO_SPEECH_SEGS];
  unsigned nsegs, seg_pos;
  rup_audio_stats st;
  rup_audio_out_fn on_out;      /* optional, set after init */
  void *on_out_ctx;
} rup_audio;

void rup__audio_init(rup_audio *a, int codec, uint32_t clock_rate, const rup_audio_params *p);
void rup__audio_packet(rup_audio *a, const rup_media_pkt *pkt, int voice_activity /* -1 unknown */,
                       const rup_imp_sink *sink);
/* RTCP SR from the sender of this stream: its packet count (mute detection).
 * May end (retract) an open stall/interruption, hence the sink. */
void rup__audio_sender_report(rup_audio *a, uint32_t packet_count, int64_t now_us,
                              const rup_imp_sink *sink);
/* Earliest time at which advance() could change something (INT64_MAX if none). */
int64_t rup__audio_deadline(const rup_audio *a);
void rup__audio_advance(rup_audio *a, int64_t now_us, const rup_imp_sink *sink);
/* End of input: play what is buffered, close what is open. */
void rup__audio_finish(rup_audio *a, int64_t now_us, const rup_imp_sink *sink);
/* 1 if the remote is speaking at the current playout position, 0 not, -1 unknown. */
int rup__audio_speaking(const rup_audio *a);
/* Seconds of remote speech on the playout timeline within [t0_us, t1_us)
 * (recent RUP_AUDIO_SPEECH_SEGS segments + the open one); -1 if unknown. */
double rup__audio_speech_between(const rup_audio *a, int64_t t0_us, int64_t t1_us);

#endif
