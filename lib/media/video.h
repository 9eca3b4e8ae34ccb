/* lib/media video model: frame assembly, decodability chain, freezes and pauses
 * exactly as libwebrtc's VideoQualityObserver (REFERENCE §4.1). The model is
 * described, with its sources, in docs/video-model.md. */
#ifndef RUP_VIDEO_H
#define RUP_VIDEO_H

#include "media/media.h"

/* ---- video ---- */
#define RUP_VIDEO_MAX_FRAMES 64     /* frames in assembly at once (bounded) */
#define RUP_VIDEO_PID_HISTORY 128   /* decoded picture ids kept for VP9 flexible-mode P_DIFF (<= 127) */
#define RUP_VIDEO_PAD_HISTORY 16    /* recent padding-only packets (their seqs are not frame packets) */
#define RUP_FREEZE_WINDOW 30        /* kAvgInterframeDelaysWindowSizeFrames */
#define RUP_FREEZE_MIN_SAMPLES 5    /* kMinFrameSamplesToDetectFreeze */
#define RUP_FREEZE_MIN_INCREASE_MS 150 /* kMinIncreaseForFreezeMs */

typedef struct rup_video_params {
  int64_t pause_after_us;   /* 5 s without packets = paused (libwebrtc HandleFrameBufferTimeout); <= 0: default */
  int64_t reorder_wait_us;  /* how long an incomplete frame may wait for late packets (default 100 ms); < 0: default */
  int64_t stall_after_us;   /* no packets this long = stall impairment (default 1 s); <= 0: default */
  int header_only;          /* payload encrypted / not inspected: marker + timestamp only */
} rup_video_params;

/* One frame (picture = all packets of one RTP timestamp) in assembly. */
typedef struct rup_video_frame {
  int64_t ext_ts;                  /* unwrapped RTP timestamp */
  uint64_t first_seq, last_seq;    /* extended; valid when have_first/have_last */
  uint64_t min_seq, max_seq;       /* extended seqs received */
  uint32_t packets;                /* distinct packets received (duplicates excluded) */
  uint8_t used, have_first, have_last, complete;
  uint8_t keyframe, keyframe_known, non_reference;
  uint8_t tid, layer_sync, has_pid, has_tl0, tl0, flexible, num_refs;
  uint8_t p_diff[3];
  uint16_t pid;
  uint16_t width, height;
  int64_t first_arrival_us, complete_us;
} rup_video_frame;

/* Optional per-frame hook (frame timeline for researchers and tests): called
 * when a frame leaves assembly, decoded (= rendered at release_us) or dropped. */
typedef void (*rup_video_frame_fn)(void *ctx, const rup_video_frame *f, int decoded, int64_t release_us);

typedef struct rup_video_stats {
  uint64_t frames_received;     /* frames (RTP timestamps) with at least one packet */
  uint64_t frames_decoded;      /* complete and decodable (= rendered in this model) */
  uint64_t frames_dropped;      /* incomplete, undecodable, evicted or pending at finish */
  uint64_t frames_evicted;      /* subset of dropped: pushed out of the bounded assembly ring */
  uint64_t packets_late;        /* packets for a frame already released (ignored) */
  uint64_t keyframes;           /* keyframes decoded */
  int keyframes_known;          /* 0 in header-only mode */
  uint64_t freeze_count;
  double total_freezes_duration_s;
  uint64_t pause_count;
  double total_pauses_duration_s;
  double total_inter_frame_delay_s;
  double total_squared_inter_frame_delay_s2;
  uint16_t width, height;       /* last known */
  uint64_t keyframe_requests;   /* PLI/FIR seen for this stream */
} rup_video_stats;

typedef struct rup_video {
  int codec;
  rup_video_params p;
  rup_video_frame frames[RUP_VIDEO_MAX_FRAMES];
  unsigned open_frames;
  unsigned frames_hi;             /* 1 + highest used slot in frames[] */
  int64_t thr_ms;                 /* cached freeze threshold (rup__video_freeze_threshold_ms) */
  /* timestamp unwrapping and release order */
  int have_ts;
  int64_t max_ext_ts;
  int have_released;
  int64_t released_ext_ts;      /* newest released frame */
  int released_have_last;
  uint64_t released_last_seq;   /* its last seq (marker) if known */
  int released_has_pid, released_has_tl0;
  uint16_t released_pid;
  uint8_t released_tl0;
  /* decode chain */
  uint8_t broken_tid;           /* lowest temporal layer whose chain is broken; 255 = intact, 0 = need keyframe */
  uint16_t decoded_pids[RUP_VIDEO_PID_HISTORY];
  unsigned decoded_pids_n, decoded_pids_pos;
  uint64_t pad_seqs[RUP_VIDEO_PAD_HISTORY];
  unsigned pad_n, pad_pos;
  /* time */
  int64_t clock_us;             /* time of the last processed event (never goes back) */
  int have_packet;
  int64_t last_packet_us;
  int have_seq;
  uint64_t highest_seq;
  int pause_fired;              /* the 5 s inactivity check already ran for this gap */
  /* render timing (libwebrtc VideoQualityObserver, in integer ms) */
  int have_render;
  int64_t last_render_us;
  int64_t last_render_ms;
  int32_t delays_ms[RUP_FREEZE_WINDOW];
  unsigned delays_n, delays_pos;
  int64_t delays_sum_ms;
  int paused;                   /* is_paused_ */
  int64_t total_freezes_ms, total_pauses_ms;
  /* evidence since the last render */
  uint32_t ev_flags, ev_lost, ev_late;
  int64_t ev_max_gap_us;        /* longest packet inter-arrival gap */
  /* live freeze / stall state */
  int freeze_open, stall_open;
  rup_imp freeze, stall;
  rup_video_stats st;
  rup_video_frame_fn on_frame;  /* optional, set after init */
  void *on_frame_ctx;
} rup_video;

void rup__video_init(rup_video *v, int codec, const rup_video_params *p);
void rup__video_packet(rup_video *v, const rup_media_pkt *pkt, const rup_imp_sink *sink);
void rup__video_keyframe_request(rup_video *v);
/* Earliest time at which advance() could change something (INT64_MAX if none). */
int64_t rup__video_deadline(const rup_video *v);
void rup__video_advance(rup_video *v, int64_t now_us, const rup_imp_sink *sink);
/* End of input (session freed / trace ended): close what is open at now_us.
 * Frames still waiting in assembly are counted as dropped. */
void rup__video_finish(rup_video *v, int64_t now_us, const rup_imp_sink *sink);

/* The libwebrtc freeze test (VideoQualityObserver::OnRenderedFrame) for the
 * next interval: smallest delay d (ms) such that every interval >= d would be
 * a freeze given the current window, or -1 if no interval can be (fewer than
 * 5 samples including it, or paused). Exposed for tests. */
int64_t rup__video_freeze_threshold_ms(const rup_video *v);

#endif
