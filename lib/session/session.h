/* lib/session: the public object. Internal layout, shared by the session's .c files:
 *   session.c   object, stream table, time, event delivery, public entry points
 *   playback.c  the media models of each stream (lib/media) and their impairments
 *   rtcp.c      RTCP: SR history, remote reports, RTT, CNAME, BYE, feedback
 *   stats.c     rup_stream_stats / rup_session_counters */
#ifndef RUP_SESSION_H
#define RUP_SESSION_H

#include "core/core.h"
#include "detect/detect.h"
#include "decode/decode.h"
#include "media/audio.h"
#include "media/video.h"
#include "stream/stream.h"
#include "wire/wire.h"

/* SRs remembered per stream to match a later report block's LSR (RFC 3550 §6.4.1). */
#define RUP_SR_HISTORY 4
/* Longest CNAME kept (RFC 3550 §6.5: SDES item length is 8 bits). */
#define RUP_CNAME_MAX 255
/* Events one call may produce per stream (begin+end of three impairment kinds, plus
 * stream added), so the pending buffer is bounded by max_streams. */
#define RUP_EVENTS_PER_STREAM 8
/* Rupture and quality events one call may produce per group (participant and
 * direction): begin/update/end of two slots, a late begin, a quality change; at most
 * two groups per stream have ever had a stream (docs/ruptures.md). */
#define RUP_DETECT_EVENTS_PER_STREAM 8

typedef struct rup_sr_seen {
  uint32_t ntp_mid; /* middle 32 bits of the SR's NTP timestamp = a later LSR */
  int64_t arrival_us;
} rup_sr_seen;

typedef struct rup_stream rup_stream;

/* Context of a stream's impairment sink. */
typedef struct rup_sink_ctx {
  rup_session *s;
  rup_stream *st;
} rup_sink_ctx;

typedef enum rup_model { RUP_MODEL_NONE = 0, RUP_MODEL_VIDEO = 1, RUP_MODEL_AUDIO = 2 } rup_model;

struct rup_stream {
  uint32_t ssrc;
  int32_t direction;
  int32_t codec;
  int32_t media;
  int32_t payload_type;
  uint32_t participant;
  uint32_t index;
  rup_endpoint src, dst;
  rup_rx rx;
  int64_t interval_start_us; /* RFC 3550 A.3 reporting interval */
  /* RTCP about / from this stream */
  rup_sr_seen sr[RUP_SR_HISTORY];
  unsigned sr_next;
  uint64_t sr_count;
  uint32_t sender_packet_count, sender_octet_count;
  int has_rtt;
  int64_t rtt_us;
  int has_remote_report;
  rup_rtcp_report_block remote;
  uint64_t nack_count, pli_count, fir_count;
  int bye;
  int audio_level_dbov, voice_activity;
  int described; /* codec/clock given by the host (SDP): later guesses do not override it */
  /* playback model (lib/media), chosen when the codec is known */
  int model;
  union {
    rup_video video;
    rup_audio audio;
  } m;
  rup_det_stream det; /* lib/detect state of this stream (its view kept by rup__session_sync_view) */
  /* impairment sink of the models and decoders (points at this stream) */
  rup_sink_ctx sink_ctx;
  rup_imp_sink sink;
  /* decoders (lib/decode), when rup_settings.decode_audio / decode_video ask */
  rup_vdec *vdec;
  rup_adec *adec;
  int64_t deadline; /* cached min(report interval, playback model) deadline */
};

typedef struct rup_participant {
  rup_endpoint addr; /* remote address when keyed by address */
  uint8_t cname_len;
  char cname[RUP_CNAME_MAX];
} rup_participant;

struct rup_session {
  rup_mem mem;
  rup_settings st;
  rup_callbacks cb;
  void *user_data;

  rup_stream **streams; /* max_streams slots, in order of appearance */
  rup_stream *last_rtp; /* stream of the previous RTP packet (streams live until del) */
  size_t n_streams;
  int64_t deadline_min; /* min of the streams' cached deadlines (INT64_MAX: none) */
  uint32_t *hash; /* open addressing: stream index + 1, 0 = empty */
  size_t hash_mask;

  rup_participant *participants; /* 2 * max_streams slots (an address one and a CNAME one per stream) */
  size_t n_participants;

  uint8_t ext_audio_level_id; /* 0 = not mapped */

  int64_t now_us;
  int have_time;
  int in_callback;
  int fatal;
  int finished;

  rup_session_counters counters;

  /* events of the current call, delivered when its state is committed */
  rup_event *pending;
  size_t n_pending, pending_cap;

  rup_detect det; /* lib/detect: ruptures, hints, quality (fed only by the session) */

  rup_event *queue; /* ring of max_queued_events */
  size_t q_head, q_len;
  rup_event polled;
};

/* Copy what lib/detect reads of a stream into st->det.view; after every change of
 * participant, codec/media, playback model, decoder, addresses or BYE. */
void rup__session_sync_view(rup_stream *st);
/* Recompute a stream's cached deadline after it changed (and the session's minimum). */
void rup__session_refresh_deadline(rup_session *s, rup_stream *st);
/* Look up a stream; NULL if absent. */
rup_stream *rup__session_find(const rup_session *s, uint32_t ssrc, int direction);
/* Either direction, preferring `direction`. */
rup_stream *rup__session_find_any(const rup_session *s, uint32_t ssrc, int direction);
/* Record an event of the current call (delivered when the call returns). */
void rup__session_emit(rup_session *s, const rup_event *ev);
/* Give a stream's participant a CNAME (RTCP SDES), merging with a known one. */
void rup__session_set_cname(rup_session *s, rup_stream *st, const uint8_t *cname, uint8_t len);
/* rup_session_describe_stream(), telling whether codec and clock were guessed by a
 * heuristic (trace discovery) rather than given by SDP. */
int rup__session_describe(rup_session *s, uint32_t ssrc, int codec, int payload_type,
                          uint32_t clock_rate, int direction, int guessed);
/* Handle one RTCP compound datagram (rtcp.c). */
int rup__session_rtcp(rup_session *s, const uint8_t *buf, size_t len, int direction);

/* playback.c */
void rup__playback_setup(rup_session *s, rup_stream *st);
void rup__playback_free(rup_session *s, rup_stream *st);
void rup__playback_packet(rup_session *s, rup_stream *st, const rup_rtp *rtp, unsigned rx_flags);
void rup__playback_sender_report(rup_session *s, rup_stream *st, uint32_t packet_count);
void rup__playback_keyframe_request(rup_stream *st);
int64_t rup__playback_deadline(const rup_stream *st);
void rup__playback_advance(rup_session *s, rup_stream *st, int64_t now_us);
void rup__playback_finish(rup_session *s, rup_stream *st, int64_t now_us);

/* stats.c */
void rup__stats_fill(const rup_stream *st, rup_stream_stats *o);

#endif
