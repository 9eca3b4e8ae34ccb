/**
 * @file rupture.h
 * @brief librupture: technical ruptures of a video call, measured from its RTP/RTCP.
 *
 * @mainpage librupture
 *
 * librupture watches the RTP and RTCP packets of a call — pushed live by the
 * host after SRTP unprotect, or replayed from a capture — measures them
 * exactly as the standards define, and names the *technical ruptures* a
 * person on the call lives through: a voice that drops out, a frozen
 * picture, a lost connection, a lag. The host is told through callbacks (or
 * a poll queue) and decides what to say; reports (JSON, CSV, an SVG
 * timeline, a plain-text session note) document the call afterwards.
 *
 * @section model The model
 *
 * @code
 *  push packets ─▶ per-stream statistics ─▶ impairments ─▶ ruptures ─▶ callbacks
 *  (push_packet,    (RFC 3550 loss/jitter,   (stream level:  (what a person  (on_rupture_begin,
 *   push_udp,        RFC 3611 burst/gap,      audio           experiences,     _update, _end,
 *   advance)         RTT, playback model)     interruption,   per participant  on_quality_change;
 *                                             video freeze,   and direction)   or poll_event)
 *                                             stall)
 * @endcode
 *
 * 1. **Push.** Every datagram, with its arrival time: rup_session_push_packet()
 *    or rup_session_push_udp() (RTP, RTCP, STUN, DTLS and TURN are told apart
 *    by RFC 7983 rules). Optional: rup_session_describe_stream() with what SDP
 *    says, rup_session_map_extension() for header extensions.
 * 2. **Statistics** per stream (rup_session_get_stream_stats()): RFC 3550
 *    sequence tracking, loss and jitter, RFC 3611 burst/gap, RTCP RTT, and a
 *    playback model (frames shown, audio concealed) — docs/definitions.md.
 * 3. **Impairments**: stream-level breaks (#RUP_EVENT_IMPAIRMENT).
 * 4. **Ruptures**: impairments grouped per remote participant and direction,
 *    with a type, cause, severity and a repair hint (docs/ruptures.md).
 * 5. **Callbacks** (::rup_callbacks) or the poll queue
 *    (rup_session_poll_event()) deliver events; rup_session_get_rupture() and
 *    rup_session_get_summary() give the history; the @ref report "report"
 *    writers turn a session into documents.
 *
 * A replay (rup_replay()) drives the same calls from a capture file, so a
 * replay is a faithful rehearsal of a live call.
 *
 * @section time Time
 *
 * The library never reads a clock. Every input carries `arrival_us`,
 * monotonic microseconds on a base the caller chooses (e.g. CLOCK_MONOTONIC).
 * Time must not go backwards within a session: a smaller value is refused
 * with #RUP_ERR_TIME_REGRESSION and changes nothing. The absence of packets
 * is observed through rup_session_next_deadline() and rup_session_advance():
 * the host's timer calls advance at (or after) the deadline, so a stopped
 * stream is reported on time even when nothing arrives. rup_session_finish()
 * ends the call.
 *
 * @section threads Threads
 *
 * A ::rup_session is not thread-safe: call it from one thread at a time and
 * do your own locking. Separate sessions share no state and may run in
 * parallel. rup_strerror(), rup_err_name(), rup_err_is_fatal(),
 * rup_version_num(), rup_version_string() and rup_mem_default() are safe
 * from any thread. The library has no global mutable state. Callbacks run on
 * the thread that made the call, after the session's state is committed;
 * calling push, advance or del from inside a callback is refused with
 * #RUP_ERR_INVALID_STATE (read-only getters are fine).
 *
 * @section errors Errors
 *
 * Functions return 0 (or a non-negative count where stated) on success and a
 * negative ::rup_error code on failure; rup_strerror() gives the text.
 * Malformed input from the network is not an API error for the session: it is
 * counted, and the call returns #RUP_ERR_MALFORMED leaving the session usable.
 * Codes at or below #RUP_ERR_FATAL are fatal: after one, the only valid call
 * is rup_session_del(). An output argument is untouched on failure.
 *
 * @section memory Memory
 *
 * Allocation goes through a ::rup_mem (NULL = the C library's malloc). Every
 * allocation driven by input is capped by a setting
 * (rup_settings::max_streams, rup_settings::max_queued_events,
 * rup_settings::max_ruptures); a stream allocates when it first appears, and
 * the per-packet path allocates nothing after that.
 *
 * @section guides Guides
 *
 * docs/getting-started.md (build and first program), docs/guide-app-developers.md
 * (live integration, callbacks, wording a repair prompt),
 * docs/guide-researchers.md (replaying corpora, the JSON schema, accuracy),
 * docs/cli.md, docs/json.md, docs/definitions.md (every counter and its source).
 */
#ifndef RUPTURE_RUPTURE_H
#define RUPTURE_RUPTURE_H

#include <stddef.h>
#include <stdint.h>

#include "rupture/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/** @cond INTERNAL */
#if defined(_WIN32) && defined(BUILDING_RUP)
#define RUP_API __declspec(dllexport)
#elif defined(BUILDING_RUP) && defined(__GNUC__)
#define RUP_API __attribute__((visibility("default")))
#else
#define RUP_API
#endif
/** @endcond */

/**
 * @defgroup errors Errors
 * @{
 */

/** Error codes. Values are stable: never renumbered, never reused. */
typedef enum rup_error {
  RUP_OK = 0,                        /**< Success. */
  RUP_ERR_INVALID_ARGUMENT = -101,   /**< A NULL pointer or an out-of-range argument. */
  RUP_ERR_MALFORMED = -102,          /**< Input bytes are not a valid packet or record; counted. */
  RUP_ERR_TIME_REGRESSION = -103,    /**< `arrival_us`/`now_us` is smaller than a time already seen. */
  RUP_ERR_TOO_MANY_STREAMS = -104,   /**< The stream table is full (rup_settings::max_streams); counted. */
  RUP_ERR_INVALID_STATE = -105,      /**< Call not allowed now (e.g. from inside a callback). */
  RUP_ERR_CALLBACK_FAILURE = -106,   /**< A callback returned non-zero; state stays consistent. */
  RUP_ERR_NOT_FOUND = -107,          /**< No such stream or object. */
  RUP_ERR_VERSION = -108,            /**< A struct version this library does not know. */
  RUP_ERR_IO = -109,                 /**< Reading a file failed (see errno). */
  RUP_ERR_FORMAT = -110,             /**< Not a capture format this library reads. */
  RUP_ERR_TRUNCATED = -111,          /**< A capture file ends in the middle of a record. */
  RUP_ERR_UNSUPPORTED = -112,        /**< Valid input using a feature that is not supported. */
  RUP_ERR_FATAL = -900,              /**< Codes at or below this are fatal. */
  RUP_ERR_NOMEM = -901,              /**< Out of memory (fatal for the object). */
  RUP_ERR_INTERNAL = -902            /**< An internal invariant failed (a bug; fatal). */
} rup_error;

/**
 * @brief Static English text for an error code; never NULL.
 * @param[in] code a ::rup_error value (unknown values give "unknown error").
 * @return a string with static storage.
 * @since 0.1
 */
RUP_API const char *rup_strerror(int code);

/**
 * @brief The enumerator name of an error code, e.g. "RUP_ERR_NOMEM"; never NULL.
 * @param[in] code a ::rup_error value (unknown values give "RUP_ERR_UNKNOWN").
 * @return a string with static storage.
 * @since 0.1
 */
RUP_API const char *rup_err_name(int code);

/**
 * @brief Whether a code is fatal (at or below #RUP_ERR_FATAL).
 * @param[in] code a return value.
 * @return 1 if fatal, 0 otherwise.
 * @since 0.1
 */
RUP_API int rup_err_is_fatal(int code);

/** @} */

/**
 * @defgroup version Version
 * @{
 */

/**
 * @brief Run-time library version as 0xMMmmpp (see #RUP_VERSION_NUM).
 * @return the version number of the loaded library.
 * @since 0.1
 */
RUP_API uint32_t rup_version_num(void);

/**
 * @brief Run-time library version as "x.y.z".
 * @return a string with static storage.
 * @since 0.1
 */
RUP_API const char *rup_version_string(void);

/** @} */

/**
 * @defgroup mem Memory
 * @{
 */

/** Allocator hooks; each receives rup_mem::user_data. */
typedef struct rup_mem {
  void *user_data;                                          /**< Passed to each hook. */
  void *(*malloc)(size_t size, void *user_data);            /**< Like malloc(3). */
  void *(*realloc)(void *ptr, size_t size, void *user_data); /**< Like realloc(3). */
  void (*free)(void *ptr, void *user_data);                 /**< Like free(3); accepts NULL. */
} rup_mem;

/**
 * @brief The default allocator (the C library's malloc, realloc and free).
 * @return a pointer to a static, immutable ::rup_mem.
 * @since 0.1
 */
RUP_API const rup_mem *rup_mem_default(void);

/** @} */

/**
 * @defgroup types Common types
 * @{
 */

/** Direction of a stream, seen from the local user. */
typedef enum rup_direction {
  RUP_DIR_INBOUND = 0,  /**< Media the local user receives. */
  RUP_DIR_OUTBOUND = 1  /**< Media the local user sends. */
} rup_direction;

/** Kind of media. */
typedef enum rup_media {
  RUP_MEDIA_UNKNOWN = 0, /**< Not known (yet). */
  RUP_MEDIA_AUDIO = 1,   /**< Audio. */
  RUP_MEDIA_VIDEO = 2    /**< Video. */
} rup_media;

/** Codec of a stream. */
typedef enum rup_codec {
  RUP_CODEC_UNKNOWN = 0,         /**< Not known. */
  RUP_CODEC_OPUS = 1,            /**< Opus (RFC 7587), 48 kHz RTP clock. */
  RUP_CODEC_VP8 = 2,             /**< VP8 (RFC 7741). */
  RUP_CODEC_VP9 = 3,             /**< VP9 (RFC 9628). */
  RUP_CODEC_H264 = 4,            /**< H.264 (RFC 6184). */
  RUP_CODEC_PCMU = 5,            /**< G.711 µ-law (static PT 0). */
  RUP_CODEC_PCMA = 6,            /**< G.711 A-law (static PT 8). */
  RUP_CODEC_G722 = 7,            /**< G.722 (static PT 9; RTP clock 8000 per RFC 3551). */
  RUP_CODEC_G729 = 8,            /**< G.729 (static PT 18). */
  RUP_CODEC_AV1 = 9,             /**< AV1. */
  RUP_CODEC_CN = 10,             /**< Comfort noise (RFC 3389, PT 13). */
  RUP_CODEC_TELEPHONE_EVENT = 11 /**< DTMF events (RFC 4733). */
} rup_codec;

/**
 * @brief Lower-case name of a codec ("opus", "vp8", ..., "unknown").
 * @param[in] codec a ::rup_codec value.
 * @return a string with static storage; never NULL.
 * @since 0.1
 */
RUP_API const char *rup_codec_name(int codec);

/**
 * @brief Media kind of a codec.
 * @param[in] codec a ::rup_codec value.
 * @return a ::rup_media value.
 * @since 0.1
 */
RUP_API int rup_codec_media(int codec);

/** A transport address (IPv4 or IPv6 and UDP port). */
typedef struct rup_endpoint {
  uint8_t family;    /**< 0 = none, 4 = IPv4 (addr[0..3]), 6 = IPv6. */
  uint8_t addr[16];  /**< Address in network byte order. */
  uint16_t port;     /**< UDP port, host byte order. */
} rup_endpoint;

/**
 * @brief Format an endpoint as "a.b.c.d:port" or "[v6]:port".
 * @param[in] ep the endpoint; family 0 gives "".
 * @param[out] buf output buffer, always NUL-terminated when size > 0.
 * @param[in] size size of @p buf (64 bytes is always enough).
 * @return the length written (excluding NUL), or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_endpoint_format(const rup_endpoint *ep, char *buf, size_t size);

/**
 * @brief Parse "a.b.c.d", "a.b.c.d:port", an IPv6 address or "[v6]:port".
 * @param[out] ep the endpoint (port 0 when absent).
 * @param[in] text NUL-terminated text.
 * @return 0 or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_endpoint_parse(rup_endpoint *ep, const char *text);

/** @} */

/**
 * @defgroup settings Settings
 * @{
 */

/** Current version of ::rup_settings. */
#define RUP_SETTINGS_VERSION 2

/** Session settings; fill with rup_settings_default() and then edit. */
typedef struct rup_settings {
  uint32_t version;            /**< Set by rup_settings_default(). */
  uint32_t max_streams;        /**< Most streams tracked at once (default 64). @since 0.1 */
  uint32_t max_queued_events;  /**< Poll-queue capacity; 0 disables the queue (default 0). Events past it are dropped and counted. @since 0.1 */
  uint32_t burst_gmin;         /**< RFC 3611 §4.7.2 Gmin for burst/gap metrics (default 16). @since 0.1 */
  int64_t report_interval_us;  /**< Interval for RFC 3550 A.3 fraction lost (default 5 s). @since 0.1 */
  int64_t stall_timeout_us;    /**< No packets on a stream this long = a stall impairment (default 1 s; audio waits longer after DTX). @since 0.1 */
  int64_t video_reorder_wait_us; /**< How long an incomplete video frame waits for late packets (default 100 ms). @since 0.1 */
  int64_t audio_min_delay_us;  /**< Audio jitter-buffer target floor (default 0: NetEq's base minimum). @since 0.1 */
  int64_t audio_max_delay_us;  /**< Audio jitter-buffer target ceiling (default 2 s). @since 0.1 */
  int32_t payload_opaque;      /**< 1 if payloads are encrypted/not inspectable: video frames from marker + timestamp only, keyframes unknown (default 0). @since 0.1 */
  /* Rupture detection (docs/ruptures.md gives each default and the reason for it). */
  int64_t audio_dropout_min_us; /**< Shortest audio break reported as #RUP_RUPTURE_AUDIO_DROPOUT. @since 0.1 */
  uint32_t choppy_count;       /**< Interruptions within choppy_window_us that make #RUP_RUPTURE_CHOPPY_AUDIO. @since 0.1 */
  int64_t choppy_window_us;    /**< Window for choppy_count and the concealed-speech ratio (counted in 0.5-s steps; at most 16 s). @since 0.1 */
  int64_t video_freeze_min_us; /**< Shortest video freeze reported as #RUP_RUPTURE_VIDEO_FREEZE. @since 0.1 */
  int64_t connection_lost_min_us; /**< Shortest total silence of a participant reported as #RUP_RUPTURE_CONNECTION_LOST. @since 0.1 */
  int64_t lag_one_way_us;      /**< One-way delay that breaks turn-taking (ITU-T G.114: 400 ms). @since 0.1 */
  int64_t lag_min_us;          /**< How long the delay must persist to be #RUP_RUPTURE_LAG. @since 0.1 */
  int64_t merge_gap_us;        /**< Impairments of one participant and direction closer than this form one rupture. @since 0.1 */
  int64_t end_hold_us;         /**< Hysteresis: a rupture ends only after this long without impairment. @since 0.1 */
  int64_t hint_cooldown_us;    /**< After a prompting repair hint, later ruptures of no higher severity get #RUP_REPAIR_NONE for this long. @since 0.1 */
  uint32_t max_ruptures;       /**< Ruptures kept in the history (older ones are dropped and counted). @since 0.1 */
  int32_t decode_audio;        /**< 1: decode Opus with libopus (concealment and speech from the signal; default 0). Needs the library built with the decode feature (#RUP_ERR_UNSUPPORTED otherwise). @since 0.1 */
  int32_t decode_video;        /**< 1: decode VP8/VP9 with libvpx (undecodable and frozen pictures; default 0). @since 0.1 */
  /**
   * 1: statistics only (default 0). Every stream keeps its RFC 3550, RFC 3611 and
   * tshark-convention statistics, exactly as in a full session, but no playback
   * model runs and no impairment or rupture is analysed: the fast path for
   * statistics over a corpus (docs/performance.md). Playback fields of
   * ::rup_stream_stats stay unknown (has_playback 0), rup_summary::ruptures_analysed
   * is 0. Cannot be combined with decode_audio / decode_video.
   * Settings of version 1 (without this field) get 0.
   * @since 0.1 (settings version 2)
   */
  int32_t statistics_only;
} rup_settings;

/**
 * @brief Fill settings with defaults.
 * @param[in] version #RUP_SETTINGS_VERSION (the caller's header version).
 * @param[out] st settings to fill; rup_settings::version is set.
 * @return 0, #RUP_ERR_INVALID_ARGUMENT or #RUP_ERR_VERSION.
 * @since 0.1
 */
RUP_API int rup_settings_default_versioned(int version, rup_settings *st);

/** Convenience wrapper of rup_settings_default_versioned(). */
#define rup_settings_default(st) rup_settings_default_versioned(RUP_SETTINGS_VERSION, (st))

/** @} */

/**
 * @defgroup stats Stream statistics
 * @{
 */

/** Current version of ::rup_stream_stats. */
#define RUP_STREAM_STATS_VERSION 1

/**
 * Per-stream statistics. RFC 3550 values unless the field says otherwise.
 * Fields with a `has_` flag are meaningful only when the flag is 1.
 */
typedef struct rup_stream_stats {
  uint32_t version;            /**< Version filled. */
  uint32_t ssrc;               /**< Synchronisation source. */
  int32_t direction;           /**< ::rup_direction. */
  int32_t media;               /**< ::rup_media. */
  int32_t codec;               /**< ::rup_codec. */
  int32_t payload_type;        /**< Last RTP payload type seen (or described), -1 if none. */
  uint32_t clock_rate;         /**< RTP clock in Hz; 0 if unknown. */
  uint32_t participant;        /**< Participant index (same CNAME, else same source address). */
  rup_endpoint src;            /**< Source transport address (family 0 if not given). */
  rup_endpoint dst;            /**< Destination transport address (family 0 if not given). */
  int64_t first_arrival_us;    /**< Arrival of the first packet. */
  int64_t last_arrival_us;     /**< Arrival of the last packet. */

  uint64_t packets;            /**< RTP packets seen for this SSRC (every one, incl. probation, duplicates). */
  uint64_t bytes;              /**< RTP payload bytes of those packets. */
  uint64_t received;           /**< RFC 3550 A.1 `received` (valid packets, incl. duplicates and late). */
  uint64_t expected;           /**< RFC 3550 A.3 `extended_max - base_seq + 1`. */
  int64_t lost;                /**< RFC 3550 A.3 `expected - received` (may be negative). */
  uint64_t duplicates;         /**< Packets whose sequence number was already received. */
  uint64_t reordered;          /**< Packets that arrived after a higher sequence number (not duplicates). */
  uint64_t probation_dropped;  /**< Packets not counted during RFC 3550 A.1 probation or after a single large jump. */
  uint32_t restarts;           /**< RFC 3550 A.1 source restarts (two consecutive large jumps). */
  uint32_t fraction_lost;      /**< RFC 3550 A.3 fraction lost (0..255) over the last completed report interval. */
  uint32_t extended_max_seq;   /**< RFC 3550 extended highest sequence number, (cycles << 16) | max_seq. */
  uint32_t jitter_ts;          /**< RFC 3550 A.8 interarrival jitter, timestamp units (the report value). */
  double jitter_ms;            /**< The same jitter in ms (running value / clock rate); 0 if clock unknown. */
  double jitter_ms_max;        /**< Highest running jitter value seen, ms. */
  double jitter_ms_mean;       /**< Mean of the running jitter over the packets of the stream, ms. */
  double max_gap_ms;           /**< Longest interval between consecutive arrivals, ms. */
  double burst_density;        /**< RFC 3611 §4.7.2 burst density (fraction 0..1; ×256 and cap 255 for the XR field). */
  double gap_density;          /**< RFC 3611 §4.7.2 gap density (fraction 0..1). */
  double burst_duration_ms;    /**< RFC 3611 mean burst duration, ms. */
  double gap_duration_ms;      /**< RFC 3611 mean gap duration, ms. */
  double bitrate_bps;          /**< Mean RTP payload bit rate from first to last arrival. */

  int32_t has_rtt;             /**< 1 if rtt_ms is known. */
  double rtt_ms;               /**< Latest RTT from RTCP LSR/DLSR (RFC 3550 §6.4.1). */
  int32_t has_remote_report;   /**< 1 if a report block about this SSRC was seen in RTCP. */
  uint32_t remote_fraction_lost; /**< From that block: fraction lost (0..255). */
  int32_t remote_cumulative_lost; /**< From that block: cumulative lost (24-bit signed). */
  double remote_jitter_ms;     /**< From that block: jitter converted with the clock rate (0 if unknown). */
  uint64_t sr_count;           /**< Sender reports received from this SSRC. */
  uint32_t sender_packet_count; /**< Sender's packet count in its last SR. */
  uint32_t sender_octet_count; /**< Sender's octet count in its last SR. */
  uint64_t nack_count;         /**< RTPFB NACK messages naming this SSRC as media source. */
  uint64_t pli_count;          /**< PSFB PLI messages naming this SSRC. */
  uint64_t fir_count;          /**< PSFB FIR requests naming this SSRC. */
  int32_t bye;                 /**< 1 after an RTCP BYE from this SSRC. */
  int32_t audio_level_dbov;    /**< Last RFC 6464 level (0..127 = -dBov), -1 if none. */
  int32_t voice_activity;      /**< Last RFC 6464 V bit, -1 if none. */

  int32_t ws_valid;            /**< 1 if the ws_ fields were computed (tshark conventions, REFERENCE §9). */
  int64_t ws_expected;         /**< tshark: max ext seq - min ext seq + 1. */
  int64_t ws_lost;             /**< tshark: expected - packets (may be negative). */
  double ws_min_delta_ms;      /**< tshark Min Delta (ms). */
  double ws_mean_delta_ms;     /**< tshark Mean Delta (ms). */
  double ws_max_delta_ms;      /**< tshark Max Delta (ms). */
  int32_t ws_has_jitter;       /**< 1 if the clock rate was known, so the jitter columns are meaningful. */
  double ws_min_jitter_ms;     /**< tshark Min Jitter (ms). */
  double ws_mean_jitter_ms;    /**< tshark Mean Jitter (ms). */
  double ws_max_jitter_ms;     /**< tshark Max Jitter (ms). */

  int32_t has_playback;        /**< 1 if a playback model runs for this stream (audio or video codec known). */
  /* video (webrtc-stats RTCInboundRtpStreamStats; libwebrtc VideoQualityObserver) */
  uint64_t frames_received;    /**< Video frames (RTP timestamps) with at least one packet. */
  uint64_t frames_decoded;     /**< Frames complete and decodable (shown). */
  uint64_t frames_dropped;     /**< Frames incomplete or undecodable. */
  uint64_t keyframes;          /**< Keyframes decoded. */
  int32_t keyframes_known;     /**< 0 when payloads are opaque (keyframes cannot be seen). */
  uint64_t freeze_count;       /**< freezeCount (libwebrtc rule, REFERENCE §4.1). */
  double total_freezes_duration_s; /**< totalFreezesDuration. */
  uint64_t pause_count;        /**< pauseCount (no packets for 5 s). */
  double total_pauses_duration_s; /**< totalPausesDuration. */
  double total_inter_frame_delay_s; /**< totalInterFrameDelay. */
  double total_squared_inter_frame_delay_s2; /**< totalSquaredInterFrameDelay. */
  uint32_t frame_width;        /**< Last known width (0 if unknown). */
  uint32_t frame_height;       /**< Last known height. */
  /* audio (webrtc-stats; libwebrtc NetEq StatisticsCalculator) */
  uint64_t total_samples_received; /**< Samples played out, concealed or comfort noise. */
  double total_samples_duration_s; /**< totalSamplesDuration. */
  uint64_t concealed_samples;  /**< concealedSamples. */
  uint64_t silent_concealed_samples; /**< silentConcealedSamples. */
  uint64_t concealment_events; /**< concealmentEvents. */
  uint64_t inserted_samples_for_deceleration; /**< insertedSamplesForDeceleration. */
  uint64_t removed_samples_for_acceleration;  /**< removedSamplesForAcceleration. */
  double jitter_buffer_delay_s; /**< jitterBufferDelay. */
  double jitter_buffer_target_delay_s; /**< jitterBufferTargetDelay. */
  uint64_t jitter_buffer_emitted_count; /**< jitterBufferEmittedCount. */
  uint64_t packets_discarded;  /**< packetsDiscarded (arrived after their playout time). */
  uint64_t interruption_count; /**< interruptionCount (concealment >= 150 ms, libwebrtc). */
  double total_interruption_duration_s; /**< totalInterruptionDuration. */
  double dtx_duration_s;       /**< Comfort noise / sender silence (DTX), not loss. */
  double muted_duration_s;     /**< Sender sent nothing while its RTCP kept flowing (muted). */
  double speech_duration_s;    /**< Remote voice activity (RFC 6464 V bit, else the DTX pattern). */
  int32_t speech_known;        /**< 1 if voice activity can be known for this stream. */
  int32_t decode_verified;     /**< 1 if a decoder ran on this stream: frames_decoded / concealed_samples / speech come from it (docs/decode.md). */
  uint64_t frames_ref_missing; /**< Decoder: frames decoded from a lost or broken reference. */
  uint64_t frames_decode_errors; /**< Decoder: frames the decoder refused or flagged corrupt. */
  uint64_t frozen_content_count; /**< Decoder: runs of identical pictures >= 1 s (stuck camera). */
  double frozen_content_duration_s; /**< Decoder: their total duration. */
  double speech_level_dbfs;    /**< Decoder: mean level of speech, dBFS (0 if none). */
  int32_t has_mos;             /**< 1 if mos is known (audio streams with enough packets). */
  double mos;                  /**< ITU-T G.107 E-model MOS of this audio stream over the call (docs/quality.md). */
} rup_stream_stats;

/** Current version of ::rup_session_counters. */
#define RUP_SESSION_COUNTERS_VERSION 1

/** Session-wide counters. */
typedef struct rup_session_counters {
  uint32_t version;            /**< Version filled. */
  uint64_t packets;            /**< Datagrams pushed. */
  uint64_t rtp;                /**< RTP packets. */
  uint64_t rtcp;               /**< RTCP compound packets. */
  uint64_t stun;               /**< STUN messages (RFC 7983 demux). */
  uint64_t dtls;               /**< DTLS records. */
  uint64_t turn_channel;       /**< TURN ChannelData messages unwrapped. */
  uint64_t unknown;            /**< Datagrams that are none of the above. */
  uint64_t malformed;          /**< Packets that failed to parse. */
  uint64_t refused_streams;    /**< Packets of new SSRCs refused because the table was full. */
  uint64_t time_regressions;   /**< Calls refused with #RUP_ERR_TIME_REGRESSION. */
  uint64_t events_dropped;     /**< Events not queued because the poll queue was full. */
  uint64_t rtcp_sr;            /**< RTCP sender reports. */
  uint64_t rtcp_rr;            /**< RTCP receiver reports. */
  uint64_t rtcp_sdes;          /**< RTCP SDES packets. */
  uint64_t rtcp_bye;           /**< RTCP BYE packets. */
  uint64_t rtcp_xr;            /**< RTCP XR packets. */
  uint64_t rtcp_nack;          /**< RTPFB generic NACK. */
  uint64_t rtcp_pli;           /**< PSFB picture loss indication. */
  uint64_t rtcp_fir;           /**< PSFB full intra request. */
  uint64_t rtcp_other;         /**< Other RTCP packet types. */
} rup_session_counters;

/** @} */

/**
 * @defgroup events Events and callbacks
 * @{
 */

/** Event types. */
typedef enum rup_event_type {
  RUP_EVENT_STREAM_ADDED = 1, /**< A new stream entered the stream table. */
  RUP_EVENT_IMPAIRMENT = 2,   /**< A stream-level impairment began or ended. */
  RUP_EVENT_RUPTURE_BEGIN = 3, /**< A rupture began (u.rupture). */
  RUP_EVENT_RUPTURE_UPDATE = 4, /**< A rupture changed type, cause, severity or hint while it lasts (same id). */
  RUP_EVENT_RUPTURE_END = 5,  /**< A rupture ended (u.rupture, end_us set). */
  RUP_EVENT_QUALITY_CHANGE = 6 /**< A participant's quality level changed (u.quality). */
} rup_event_type;

/** Kinds of stream-level impairment (DESIGN.md §3). */
typedef enum rup_impairment_kind {
  RUP_IMPAIRMENT_INTERRUPTION = 1, /**< Audio concealment run >= 150 ms after real audio played (libwebrtc). */
  RUP_IMPAIRMENT_FREEZE = 2,       /**< Video interval >= max(3 avg, avg + 150 ms) (libwebrtc, webrtc-stats). */
  RUP_IMPAIRMENT_STALL = 3         /**< No packets on the stream for rup_settings::stall_timeout_us. */
} rup_impairment_kind;

/** Evidence flags of an impairment: what explains it. */
typedef enum rup_evidence {
  RUP_EVIDENCE_SEQ_GAP = 1,        /**< Packets missing (sequence gaps). */
  RUP_EVIDENCE_LATE = 2,           /**< Packets arrived after their playout time. */
  RUP_EVIDENCE_NO_PACKETS = 4,     /**< Nothing arrived at all. */
  RUP_EVIDENCE_UNDECODABLE = 8,    /**< Frames complete but their references were lost. */
  RUP_EVIDENCE_SENDER_PAUSED = 16, /**< The sender went quiet (no packet was lost, or its RTCP packet count stood still): retracted. */
  RUP_EVIDENCE_FROZEN_CONTENT = 32 /**< Frames keep coming but the decoded picture does not change (decode layer). */
} rup_evidence;

/** Rupture types: what a person on the call experiences (DESIGN.md §3). */
typedef enum rup_rupture_type {
  RUP_RUPTURE_AUDIO_DROPOUT = 1,   /**< The voice drops out. */
  RUP_RUPTURE_CHOPPY_AUDIO = 2,    /**< Many short audio interruptions in a window. */
  RUP_RUPTURE_VIDEO_FREEZE = 3,    /**< The picture freezes while audio flows. */
  RUP_RUPTURE_AV_OUTAGE = 4,       /**< Audio and video broken together, packets still partly flowing. */
  RUP_RUPTURE_CONNECTION_LOST = 5, /**< Nothing arrives from the participant. */
  RUP_RUPTURE_LAG = 6              /**< Delay high enough to break turn-taking. */
} rup_rupture_type;

/** Technical causes of a rupture. */
typedef enum rup_cause {
  RUP_CAUSE_UNKNOWN = 0,        /**< Not known. */
  RUP_CAUSE_PACKET_LOSS = 1,    /**< Packets lost in the network. */
  RUP_CAUSE_LATE_PACKETS = 2,   /**< Packets arrived after their playout time (jitter beyond the buffer). */
  RUP_CAUSE_NETWORK_OUTAGE = 3, /**< Nothing got through. */
  RUP_CAUSE_SENDER_STOPPED = 4, /**< One stream stopped while others of the participant flow. */
  RUP_CAUSE_DECODER = 5,        /**< Frames could not be decoded (reference lost until the next keyframe). */
  RUP_CAUSE_FROZEN_CONTENT = 6, /**< The sender keeps sending the same picture. */
  RUP_CAUSE_DELAY = 7           /**< Path delay (lag). */
} rup_cause;

/** Severity of a rupture. */
typedef enum rup_severity {
  RUP_SEVERITY_MINOR = 1,    /**< Short, nothing important missed. */
  RUP_SEVERITY_MODERATE = 2, /**< Noticeable; speech may have been missed. */
  RUP_SEVERITY_SEVERE = 3    /**< Long, repeated, or the connection is gone. */
} rup_severity;

/** Repair hints: what the host may prompt (the wording is the host's; docs/ruptures.md). */
typedef enum rup_repair {
  RUP_REPAIR_NONE = 0,               /**< Nothing to prompt (minor, or within the cooldown). */
  RUP_REPAIR_ACKNOWLEDGE = 1,        /**< Name the glitch lightly. */
  RUP_REPAIR_ASK_REPEAT = 2,         /**< The local user missed remote speech: ask to repeat. */
  RUP_REPAIR_OFFER_REPEAT = 3,       /**< The remote missed the local user's speech: offer to repeat. */
  RUP_REPAIR_CHECK_IN = 4,           /**< Ask how the interruption felt; normalise the medium. */
  RUP_REPAIR_SUGGEST_AUDIO_ONLY = 5, /**< Turn video off to save the conversation. */
  RUP_REPAIR_USE_BACKUP_CHANNEL = 6, /**< Switch to the agreed backup (e.g. phone). */
  RUP_REPAIR_RECONNECT = 7           /**< Reconnect the call. */
} rup_repair;

/**
 * @brief Lower-case name of a rupture type ("audio_dropout", ...), "unknown" otherwise.
 * @param[in] type a ::rup_rupture_type.
 * @return a static string; never NULL.
 * @since 0.1
 */
RUP_API const char *rup_rupture_type_name(int type);
/**
 * @brief Lower-case name of a cause ("packet_loss", ...).
 * @param[in] cause a ::rup_cause.
 * @return a static string; never NULL.
 * @since 0.1
 */
RUP_API const char *rup_cause_name(int cause);
/**
 * @brief Lower-case name of a severity ("minor", "moderate", "severe").
 * @param[in] severity a ::rup_severity.
 * @return a static string; never NULL.
 * @since 0.1
 */
RUP_API const char *rup_severity_name(int severity);
/**
 * @brief Lower-case name of a repair hint ("none", "ask_repeat", ...).
 * @param[in] repair a ::rup_repair.
 * @return a static string; never NULL.
 * @since 0.1
 */
RUP_API const char *rup_repair_name(int repair);

/** Streams a rupture can name. */
#define RUP_RUPTURE_MAX_SSRCS 8

/** A rupture, as delivered in events and kept in the session's history. */
typedef struct rup_rupture {
  uint32_t id;              /**< 1, 2, ... in order of beginning; kept through escalation. */
  int32_t type;             /**< ::rup_rupture_type. */
  int32_t cause;            /**< ::rup_cause. */
  int32_t severity;         /**< ::rup_severity. */
  int32_t direction;        /**< ::rup_direction: inbound = the local user misses the remote; outbound = the remote misses the local user. */
  uint32_t participant;     /**< Participant index. */
  uint32_t ssrc_count;      /**< Entries used in ssrcs. */
  uint32_t ssrcs[RUP_RUPTURE_MAX_SSRCS]; /**< Streams involved. */
  int64_t start_us;         /**< When the experience broke (e.g. the last shown frame). */
  int64_t detected_us;      /**< When the library knew. */
  int64_t end_us;           /**< When it ended; 0 while it lasts. */
  double speech_missed_s;   /**< Seconds of the other side's speech inside the rupture. */
  int32_t speech_known;     /**< 1 if speech_missed_s is measured, 0 if speech activity is unknown. */
  int32_t repair;           /**< ::rup_repair hint. */
  int32_t acknowledged;     /**< 1 after rup_session_ack_rupture(). */
  int64_t acknowledged_us;  /**< When it was acknowledged. */
} rup_rupture;

/** Payload of #RUP_EVENT_QUALITY_CHANGE. */
typedef struct rup_quality_event {
  uint32_t participant;     /**< Participant index. */
  int32_t direction;        /**< ::rup_direction. */
  int32_t level;            /**< New level 0 (unusable) .. 5 (excellent). */
  int32_t previous_level;   /**< Level before, -1 for the first report. */
  double mos;               /**< Smoothed E-model MOS behind the level (1.0 .. 4.5). */
} rup_quality_event;

/** Payload of #RUP_EVENT_IMPAIRMENT. */
typedef struct rup_impairment_event {
  uint32_t ssrc;          /**< Stream SSRC. */
  int32_t direction;      /**< ::rup_direction. */
  uint32_t index;         /**< Stream index. */
  int32_t kind;           /**< ::rup_impairment_kind. */
  int32_t phase;          /**< 0 = begin (end_us is 0), 1 = end. */
  uint32_t evidence;      /**< ::rup_evidence flags. */
  int64_t start_us;       /**< When playback broke (last shown frame, first concealed sample, last packet). */
  int64_t detected_us;    /**< When the threshold was passed. */
  int64_t end_us;         /**< When playback recovered (end phase only). */
  uint32_t lost_packets;  /**< Packets missing inside it. */
  uint32_t late_packets;  /**< Packets that came too late. */
} rup_impairment_event;

/** Payload of #RUP_EVENT_STREAM_ADDED. */
typedef struct rup_stream_event {
  uint32_t ssrc;        /**< SSRC. */
  int32_t direction;    /**< ::rup_direction. */
  uint32_t index;       /**< Index for rup_session_get_stream_stats(). */
  int32_t codec;        /**< ::rup_codec known at creation. */
  int32_t media;        /**< ::rup_media known at creation. */
} rup_stream_event;

/** An event, as passed to callbacks and returned by rup_session_poll_event(). */
typedef struct rup_event {
  int32_t type;          /**< ::rup_event_type. */
  int64_t time_us;       /**< Session time when it happened. */
  union {
    rup_stream_event stream; /**< For #RUP_EVENT_STREAM_ADDED. */
    rup_impairment_event impairment; /**< For #RUP_EVENT_IMPAIRMENT. */
    rup_rupture rupture;             /**< For #RUP_EVENT_RUPTURE_BEGIN, _UPDATE and _END. */
    rup_quality_event quality;       /**< For #RUP_EVENT_QUALITY_CHANGE. */
  } u;                   /**< Payload by type. */
} rup_event;

/** Opaque session handle. */
typedef struct rup_session rup_session;

/** Current version of ::rup_callbacks. */
#define RUP_CALLBACKS_VERSION 1

/**
 * Callbacks; every member may be NULL. Each receives the session, the
 * event (valid only during the call) and the session's user_data. Return 0,
 * or non-zero to make the current call return #RUP_ERR_CALLBACK_FAILURE
 * (statistics are already committed; remaining events of that call are
 * still queued). Calling push/advance/del from inside a callback is refused.
 */
typedef struct rup_callbacks {
  uint32_t version; /**< #RUP_CALLBACKS_VERSION. */
  int (*on_stream_added)(rup_session *s, const rup_event *ev, void *user_data); /**< A stream appeared. @since 0.1 */
  int (*on_impairment)(rup_session *s, const rup_event *ev, void *user_data);   /**< An impairment began or ended. @since 0.1 */
  int (*on_rupture_begin)(rup_session *s, const rup_event *ev, void *user_data); /**< A rupture began. @since 0.1 */
  int (*on_rupture_update)(rup_session *s, const rup_event *ev, void *user_data); /**< A rupture escalated or changed. @since 0.1 */
  int (*on_rupture_end)(rup_session *s, const rup_event *ev, void *user_data);   /**< A rupture ended. @since 0.1 */
  int (*on_quality_change)(rup_session *s, const rup_event *ev, void *user_data); /**< A quality level changed. @since 0.1 */
} rup_callbacks;

/** @} */

/**
 * @defgroup session Session
 * @{
 */

/**
 * @brief Create a session.
 * @param[out] out receives the handle; untouched on failure.
 * @param[in] st settings (copied), or NULL for defaults.
 * @param[in] cb callbacks (copied), or NULL for none.
 * @param[in] mem allocator (copied), or NULL for rup_mem_default().
 * @param[in] user_data passed to every callback.
 * @return 0, #RUP_ERR_INVALID_ARGUMENT, #RUP_ERR_VERSION, #RUP_ERR_UNSUPPORTED (decode asked, library built without it) or #RUP_ERR_NOMEM.
 * @since 0.1
 */
RUP_API int rup_session_new(rup_session **out, const rup_settings *st, const rup_callbacks *cb,
                            const rup_mem *mem, void *user_data);

/**
 * @brief Free a session and everything it owns. NULL is a no-op.
 * @param[in] s the session.
 * @since 0.1
 */
RUP_API void rup_session_del(rup_session *s);

/**
 * @brief Tell the session what a stream is (from SDP). Optional.
 *
 * Creates the stream if needed. Without it, codec and clock rate come from
 * the static payload-type table (RFC 3551) or are inferred from the packets.
 * @param[in] s the session.
 * @param[in] ssrc the SSRC.
 * @param[in] codec a ::rup_codec.
 * @param[in] payload_type RTP payload type (0..127).
 * @param[in] clock_rate RTP clock in Hz (0 = default of the codec).
 * @param[in] direction a ::rup_direction.
 * @return 0, #RUP_ERR_INVALID_ARGUMENT, #RUP_ERR_TOO_MANY_STREAMS, #RUP_ERR_INVALID_STATE or #RUP_ERR_NOMEM.
 * @since 0.1
 */
RUP_API int rup_session_describe_stream(rup_session *s, uint32_t ssrc, int codec, int payload_type,
                                        uint32_t clock_rate, int direction);

/**
 * @brief Map an RTP header extension ID to its URI (from SDP `a=extmap`).
 *
 * Known URIs: `urn:ietf:params:rtp-hdrext:ssrc-audio-level` (RFC 6464),
 * `http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time`, and the
 * transport-wide sequence number. Unknown URIs are accepted and ignored.
 * The mapping applies to all streams of the session (one BUNDLE group).
 * @param[in] s the session.
 * @param[in] id extension ID (1..255; 1..14 for the one-byte form).
 * @param[in] uri NUL-terminated URI.
 * @return 0, #RUP_ERR_INVALID_ARGUMENT or #RUP_ERR_INVALID_STATE.
 * @since 0.1
 */
RUP_API int rup_session_map_extension(rup_session *s, int id, const char *uri);

/**
 * @brief Push one UDP payload (RTP, RTCP, STUN, DTLS or TURN ChannelData).
 * @param[in] s the session.
 * @param[in] buf datagram bytes (borrowed until return).
 * @param[in] len length of @p buf.
 * @param[in] direction ::rup_direction of the packet.
 * @param[in] arrival_us arrival time, monotonic µs.
 * @return 0 (also for STUN/DTLS/unknown, which are only counted),
 *   #RUP_ERR_MALFORMED, #RUP_ERR_TIME_REGRESSION, #RUP_ERR_TOO_MANY_STREAMS,
 *   #RUP_ERR_INVALID_ARGUMENT, #RUP_ERR_INVALID_STATE, #RUP_ERR_CALLBACK_FAILURE or #RUP_ERR_NOMEM.
 * @since 0.1
 */
RUP_API int rup_session_push_packet(rup_session *s, const uint8_t *buf, size_t len, int direction,
                                    int64_t arrival_us);

/**
 * @brief Like rup_session_push_packet(), with the transport addresses.
 *
 * The addresses are recorded on new streams and identify participants that
 * send no RTCP CNAME.
 * @param[in] s the session.
 * @param[in] buf datagram bytes (borrowed until return).
 * @param[in] len length of @p buf.
 * @param[in] direction ::rup_direction of the packet.
 * @param[in] arrival_us arrival time, monotonic µs.
 * @param[in] src source address, or NULL.
 * @param[in] dst destination address, or NULL.
 * @return as rup_session_push_packet().
 * @since 0.1
 */
RUP_API int rup_session_push_udp(rup_session *s, const uint8_t *buf, size_t len, int direction,
                                 int64_t arrival_us, const rup_endpoint *src, const rup_endpoint *dst);

/**
 * @brief When rup_session_advance() should next be called.
 * @param[in] s the session.
 * @return a time in µs, or INT64_MAX when nothing is pending.
 * @since 0.1
 */
RUP_API int64_t rup_session_next_deadline(const rup_session *s);

/**
 * @brief Let session time pass without packets (timers, intervals).
 * @param[in] s the session.
 * @param[in] now_us current time, µs; not smaller than any time already given.
 * @return 0, #RUP_ERR_TIME_REGRESSION, #RUP_ERR_INVALID_STATE or #RUP_ERR_CALLBACK_FAILURE.
 * @since 0.1
 */
RUP_API int rup_session_advance(rup_session *s, int64_t now_us);

/**
 * @brief End of input: close every open impairment at @p now_us.
 *
 * Call it when the call ends (a replay calls it at the last record). Every
 * impairment that began gets its end. Afterwards push and advance return
 * #RUP_ERR_INVALID_STATE; statistics stay readable.
 * @param[in] s the session.
 * @param[in] now_us end time, µs; not smaller than any time already given.
 * @return 0, #RUP_ERR_TIME_REGRESSION, #RUP_ERR_INVALID_STATE or #RUP_ERR_CALLBACK_FAILURE.
 * @since 0.1
 */
RUP_API int rup_session_finish(rup_session *s, int64_t now_us);

/**
 * @brief Record that the host acted on a rupture (a repair conversation happened).
 *
 * The rupture–repair pair is kept for reports (the session note counts them).
 * @param[in] s the session.
 * @param[in] id rup_rupture::id.
 * @param[in] now_us when; not smaller than any time already given.
 * @return 0, #RUP_ERR_NOT_FOUND, #RUP_ERR_TIME_REGRESSION, #RUP_ERR_INVALID_STATE or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_session_ack_rupture(rup_session *s, uint32_t id, int64_t now_us);

/**
 * @brief Tell the session that a stream is paused on purpose (camera off, microphone muted).
 *
 * A paused stream's silence is not a rupture. Without this call, a video stream
 * that stops cleanly while audio flows is still reported, with cause
 * #RUP_CAUSE_SENDER_STOPPED and a lower severity.
 * @param[in] s the session.
 * @param[in] ssrc the stream.
 * @param[in] direction its ::rup_direction.
 * @param[in] paused 1 paused, 0 resumed.
 * @return 0, #RUP_ERR_NOT_FOUND, #RUP_ERR_INVALID_STATE or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_session_set_stream_paused(rup_session *s, uint32_t ssrc, int direction, int paused);

/**
 * @brief Number of ruptures in the history (ongoing ones included).
 * @param[in] s the session.
 * @return the count (at most rup_settings::max_ruptures).
 * @since 0.1
 */
RUP_API size_t rup_session_get_rupture_count(const rup_session *s);

/**
 * @brief One rupture of the history, oldest first.
 * @param[in] s the session.
 * @param[in] index 0 .. count-1.
 * @param[out] out the rupture (end_us 0 while it lasts).
 * @return 0, #RUP_ERR_NOT_FOUND or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_session_get_rupture(const rup_session *s, size_t index, rup_rupture *out);

/** Current version of ::rup_summary. */
#define RUP_SUMMARY_VERSION 2

/** Session-level summary of ruptures and quality. */
typedef struct rup_summary {
  uint32_t version;              /**< Version filled. */
  uint32_t rupture_count;        /**< Ruptures that began (also those dropped from the history). */
  double rupture_time_s;         /**< Total time inside ruptures (overlaps counted once). */
  uint32_t by_type[7];           /**< Count by ::rup_rupture_type (index = type; 0 unused). */
  double longest_s;              /**< Longest rupture. */
  uint32_t acknowledged;         /**< Ruptures acknowledged by the host. */
  double speech_missed_s;        /**< Speech missed in all ruptures. */
  int32_t has_mos;               /**< 1 if mos_min is known. */
  double mos_min;                /**< Lowest smoothed MOS of any participant and direction. */
  int32_t quality_level_min;     /**< Lowest quality level reached, -1 if never computed. */
  uint32_t ruptures_dropped;     /**< Ruptures not kept because the history was full. */
  int32_t ruptures_analysed;     /**< 1 if ruptures were analysed; 0 in a rup_settings::statistics_only session, whose rupture fields are then unknown, not zero. @since 0.1 (summary version 2) */
} rup_summary;

/**
 * @brief Summary of the session so far.
 * @param[in] s the session.
 * @param[in] version #RUP_SUMMARY_VERSION.
 * @param[out] out filled.
 * @return 0, #RUP_ERR_VERSION or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_session_get_summary_versioned(const rup_session *s, int version, rup_summary *out);

/** Convenience wrapper of rup_session_get_summary_versioned(). */
#define rup_session_get_summary(s, out) rup_session_get_summary_versioned((s), RUP_SUMMARY_VERSION, (out))

/**
 * @brief Take the next queued event (requires rup_settings::max_queued_events > 0).
 * @param[in] s the session.
 * @param[out] ev receives a pointer valid until the next call on the session.
 * @return 1 if an event was returned, 0 if the queue is empty, or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_session_poll_event(rup_session *s, const rup_event **ev);

/**
 * @brief Number of streams in the table (indices are 0..count-1, in order of appearance).
 * @param[in] s the session.
 * @return the count.
 * @since 0.1
 */
RUP_API size_t rup_session_get_stream_count(const rup_session *s);

/**
 * @brief Find a stream's index.
 * @param[in] s the session.
 * @param[in] ssrc the SSRC.
 * @param[in] direction a ::rup_direction.
 * @param[out] index receives the index.
 * @return 0, #RUP_ERR_NOT_FOUND or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_session_find_stream(const rup_session *s, uint32_t ssrc, int direction, size_t *index);

/**
 * @brief Statistics of one stream.
 * @param[in] s the session.
 * @param[in] index stream index.
 * @param[in] version #RUP_STREAM_STATS_VERSION.
 * @param[out] out filled up to @p version.
 * @return 0, #RUP_ERR_NOT_FOUND, #RUP_ERR_VERSION or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_session_get_stream_stats_versioned(const rup_session *s, size_t index, int version,
                                                   rup_stream_stats *out);

/** Convenience wrapper of rup_session_get_stream_stats_versioned(). */
#define rup_session_get_stream_stats(s, index, out) \
  rup_session_get_stream_stats_versioned((s), (index), RUP_STREAM_STATS_VERSION, (out))

/**
 * @brief Session-wide counters.
 * @param[in] s the session.
 * @param[in] version #RUP_SESSION_COUNTERS_VERSION.
 * @param[out] out filled up to @p version.
 * @return 0, #RUP_ERR_VERSION or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_session_get_counters_versioned(const rup_session *s, int version, rup_session_counters *out);

/** Convenience wrapper of rup_session_get_counters_versioned(). */
#define rup_session_get_counters(s, out) \
  rup_session_get_counters_versioned((s), RUP_SESSION_COUNTERS_VERSION, (out))

/** @} */

/**
 * @defgroup trace Capture files and replay
 * @{
 */

/** Opaque capture reader. */
typedef struct rup_trace rup_trace;

/** Capture container formats. */
typedef enum rup_trace_format {
  RUP_TRACE_PCAP = 1,   /**< libpcap format (µs or ns, either byte order). */
  RUP_TRACE_PCAPNG = 2  /**< pcapng. */
} rup_trace_format;

/** One UDP datagram read from a capture. */
typedef struct rup_trace_packet {
  int64_t ts_us;           /**< Capture timestamp, µs since the Unix epoch. */
  uint64_t record;         /**< 1-based index of the record in the file. */
  const uint8_t *payload;  /**< UDP payload; valid until the next call on the trace. */
  size_t payload_len;      /**< Captured UDP payload length. */
  rup_endpoint src;        /**< IP source and UDP source port. */
  rup_endpoint dst;        /**< IP destination and UDP destination port. */
} rup_trace_packet;

/** Current version of ::rup_trace_info. */
#define RUP_TRACE_INFO_VERSION 1

/** What a trace reader has seen so far. */
typedef struct rup_trace_info {
  uint32_t version;          /**< Version filled. */
  int32_t format;            /**< ::rup_trace_format. */
  int32_t gzip;              /**< 1 if the file was gzip-compressed. */
  int32_t nanosecond;        /**< 1 if the (first) timestamp resolution is finer than µs. */
  uint64_t records;          /**< Packet records read. */
  uint64_t udp;              /**< UDP datagrams returned. */
  uint64_t skipped_non_udp;  /**< Records that are IP but not UDP, or not IP. */
  uint64_t skipped_fragments;/**< IPv4/IPv6 fragments (not reassembled). */
  uint64_t skipped_link;     /**< Records on unsupported link types. */
  uint64_t skipped_bad;      /**< Records too short for their headers or otherwise malformed. */
  int64_t first_ts_us;       /**< Timestamp of the first record (any protocol), INT64_MIN if none. */
  int64_t last_ts_us;        /**< Timestamp of the last record read. */
  uint64_t bytes_read;       /**< Bytes consumed from the file (compressed bytes for gzip). */
  uint64_t file_size;        /**< Size of the file in bytes, 0 if unknown. */
} rup_trace_info;

/**
 * @brief Open a capture file (pcap, pcapng, optionally gzip-compressed).
 *
 * The file is read sequentially in 256 KiB windows (pipes work too); pcap records
 * inside a window are decoded in place.
 * @param[out] out receives the reader; untouched on failure.
 * @param[in] path file name.
 * @param[in] mem allocator (copied), or NULL.
 * @return 0, #RUP_ERR_IO, #RUP_ERR_FORMAT, #RUP_ERR_TRUNCATED, #RUP_ERR_UNSUPPORTED or #RUP_ERR_NOMEM.
 * @since 0.1
 */
RUP_API int rup_trace_open(rup_trace **out, const char *path, const rup_mem *mem);

/**
 * @brief Open a capture held in memory (the buffer is borrowed for the reader's life).
 * @param[out] out receives the reader.
 * @param[in] buf capture bytes.
 * @param[in] len length.
 * @param[in] mem allocator (copied), or NULL.
 * @return as rup_trace_open().
 * @since 0.1
 */
RUP_API int rup_trace_open_memory(rup_trace **out, const uint8_t *buf, size_t len, const rup_mem *mem);

/**
 * @brief Read the next UDP datagram, skipping (and counting) everything else.
 * @param[in] t the reader.
 * @param[out] pkt the datagram, valid until the next call.
 * @return 1 for a packet, 0 at the end, or #RUP_ERR_TRUNCATED, #RUP_ERR_MALFORMED, #RUP_ERR_IO, #RUP_ERR_NOMEM.
 *   After an error the reader stays at the error; counters keep what was read.
 * @since 0.1
 */
RUP_API int rup_trace_next(rup_trace *t, rup_trace_packet *pkt);

/**
 * @brief What the reader has seen so far.
 * @param[in] t the reader.
 * @param[in] version #RUP_TRACE_INFO_VERSION.
 * @param[out] out filled.
 * @return 0, #RUP_ERR_VERSION or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_trace_get_info_versioned(const rup_trace *t, int version, rup_trace_info *out);

/** Convenience wrapper of rup_trace_get_info_versioned(). */
#define rup_trace_get_info(t, out) rup_trace_get_info_versioned((t), RUP_TRACE_INFO_VERSION, (out))

/**
 * @brief Close a reader. NULL is a no-op.
 * @param[in] t the reader.
 * @since 0.1
 */
RUP_API void rup_trace_del(rup_trace *t);

/** Current version of ::rup_replay_options. */
#define RUP_REPLAY_OPTIONS_VERSION 1

/** Options of rup_replay(). */
typedef struct rup_replay_options {
  uint32_t version;      /**< #RUP_REPLAY_OPTIONS_VERSION. */
  const rup_endpoint *local;  /**< Addresses of the local user (port 0 = any port); packets from them are outbound. */
  size_t local_count;    /**< Number of entries in @p local. */
  /** Called now and then with progress; may be NULL. Return non-zero to stop the replay. */
  int (*on_progress)(uint64_t bytes_read, uint64_t file_size, void *user_data);
  void *user_data;       /**< Passed to on_progress and on_tick. */
  /** Interval of on_tick in capture time, µs (at least 1000 when on_tick is set). @since 0.1 */
  int64_t tick_interval_us;
  /**
   * Called at the first record's time + k × tick_interval_us (k = 1, 2, ...) of
   * session time, up to the end of the capture, after every deadline before that time
   * and before any later datagram is pushed: the moment to sample statistics (e.g.
   * rup_report_series_sample()). The session may be read, not pushed or advanced.
   * May be NULL. Return non-zero to stop the replay (#RUP_ERR_CALLBACK_FAILURE).
   * @since 0.1
   */
  int (*on_tick)(rup_session *s, int64_t now_us, void *user_data);
} rup_replay_options;

/**
 * @brief Replay a capture through a session at capture time.
 *
 * Discovers streams (SDP in SIP over UDP; else RFC 3551 static payload
 * types; else the payload structure and the RTP clock slope), describes
 * them to the session and pushes every UDP datagram with its capture time,
 * through the same public calls a live host uses. Ends with
 * rup_session_finish() at the last record's time: the end of the capture is
 * the end of the call.
 * @param[in] s the session.
 * @param[in] t an open reader, read to its end.
 * @param[in] opt options, or NULL.
 * @return 0, or the trace error that stopped it (#RUP_ERR_TRUNCATED, ...) —
 *   everything read before it stays in the session — or a fatal session error.
 * @since 0.1
 */
RUP_API int rup_replay(rup_session *s, rup_trace *t, const rup_replay_options *opt);

/** @} */

/**
 * @defgroup report Reports
 * @{
 */

/**
 * @brief Write the JSON document of DESIGN.md §5 for a session.
 * @param[in] s the session.
 * @param[in] t the trace it was replayed from, or NULL (live use).
 * @param[in] path the input path to print, or NULL.
 * @param[in] fp an open stdio stream (a `FILE *`, void here to keep the header free of stdio).
 * @return 0, #RUP_ERR_IO or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_report_write_json(const rup_session *s, const rup_trace *t, const char *path, void *fp);

/**
 * @brief Write the plain-text session note (docs/ruptures.md, Session note).
 *
 * Session length, number and total time of the ruptures, the longest, speech
 * probably missed in each direction, how many were acknowledged, and a timeline
 * in mm:ss from the start — worded for a clinical record.
 * @param[in] s the session (normally after rup_session_finish()).
 * @param[in] t the trace it was replayed from (time base: its first record), or NULL.
 * @param[in] fp an open stdio stream (`FILE *`).
 * @return 0, #RUP_ERR_IO, #RUP_ERR_INVALID_ARGUMENT, or #RUP_ERR_INVALID_STATE for a
 *   rup_settings::statistics_only session (no ruptures analysed).
 * @since 0.1
 */
RUP_API int rup_report_write_note(const rup_session *s, const rup_trace *t, void *fp);

/**
 * @brief Write one CSV row per stream (the per-stream summary of the JSON document).
 *
 * Columns are listed in docs/cli.md; an unknown value is an empty field.
 * @param[in] s the session.
 * @param[in] t the trace (time base), or NULL.
 * @param[in] path the input path for the first column, or NULL (empty).
 * @param[in] header 1 to write the header row first.
 * @param[in] fp an open stdio stream (`FILE *`).
 * @return 0, #RUP_ERR_IO or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_report_write_csv_streams(const rup_session *s, const rup_trace *t, const char *path, int header,
                                         void *fp);

/**
 * @brief Write one CSV row per rupture of the history (the JSON `ruptures` array).
 * @param[in] s the session.
 * @param[in] t the trace (time base), or NULL.
 * @param[in] path the input path for the first column, or NULL (empty).
 * @param[in] header 1 to write the header row first.
 * @param[in] fp an open stdio stream (`FILE *`).
 * @return 0, #RUP_ERR_IO, #RUP_ERR_INVALID_ARGUMENT, or #RUP_ERR_INVALID_STATE for a
 *   rup_settings::statistics_only session.
 * @since 0.1
 */
RUP_API int rup_report_write_csv_ruptures(const rup_session *s, const rup_trace *t, const char *path, int header,
                                          void *fp);

/**
 * Opaque time series: snapshots of every stream's statistics taken at a fixed
 * interval during a call or a replay, plus the quality level changes, for the
 * CSV time series and the SVG timeline. Memory is bounded (see
 * rup_report_series_new()). Not thread-safe; one per session.
 */
typedef struct rup_report_series rup_report_series;

/**
 * @brief Create an empty time series.
 * @param[out] out receives the series; untouched on failure.
 * @param[in] max_samples most samples kept (one sample = one stream at one
 *   time; 0 = 1,048,576). Samples past it are dropped and counted.
 * @param[in] mem allocator (copied), or NULL.
 * @return 0, #RUP_ERR_INVALID_ARGUMENT or #RUP_ERR_NOMEM.
 * @since 0.1
 */
RUP_API int rup_report_series_new(rup_report_series **out, size_t max_samples, const rup_mem *mem);

/**
 * @brief Free a series. NULL is a no-op.
 * @param[in] r the series.
 * @since 0.1
 */
RUP_API void rup_report_series_del(rup_report_series *r);

/**
 * @brief Take a snapshot of every stream of the session at @p now_us.
 *
 * Call it at a fixed interval of session time: from rup_replay_options::on_tick
 * in a replay, from the host's timer live, and once more after
 * rup_session_finish(). A time not after the previous sample is ignored.
 * @param[in] r the series.
 * @param[in] s the session (only read).
 * @param[in] now_us the session time of the snapshot, µs.
 * @return 0 (also when the sample cap is reached: the rest is counted in
 *   rup_report_series_get_dropped()), #RUP_ERR_NOMEM or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_report_series_sample(rup_report_series *r, const rup_session *s, int64_t now_us);

/**
 * @brief Give an event to the series (from a callback or rup_session_poll_event()).
 *
 * #RUP_EVENT_QUALITY_CHANGE events are kept (the `quality_level` column and
 * the quality lanes of the SVG); other events are ignored.
 * @param[in] r the series.
 * @param[in] ev the event.
 * @return 0, #RUP_ERR_TIME_REGRESSION, #RUP_ERR_NOMEM (the change is counted as
 *   dropped) or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_report_series_add_event(rup_report_series *r, const rup_event *ev);

/**
 * @brief Number of samples kept.
 * @param[in] r the series (NULL gives 0).
 * @return the count.
 * @since 0.1
 */
RUP_API size_t rup_report_series_get_sample_count(const rup_report_series *r);

/**
 * @brief Samples and quality changes not kept (cap reached or out of memory).
 * @param[in] r the series (NULL gives 0).
 * @return the count.
 * @since 0.1
 */
RUP_API uint64_t rup_report_series_get_dropped(const rup_report_series *r);

/**
 * @brief Write the time series as CSV: one row per stream per sample.
 *
 * Each row covers the interval since the previous sample: packets, RFC 3550
 * A.3 expected and lost in the interval, loss %, jitter, bit rate, frame rate,
 * freeze and interruption time, concealment %, speech %, RTT, MOS and the
 * quality level (columns in docs/cli.md; an unknown value is an empty field).
 * Summing a count column over a stream's rows gives the call total.
 * @param[in] r the series.
 * @param[in] s the session it sampled (stream identities).
 * @param[in] t the trace (time base), or NULL.
 * @param[in] stream_index one stream's index, or SIZE_MAX for every stream.
 * @param[in] fp an open stdio stream (`FILE *`).
 * @return 0, #RUP_ERR_NOT_FOUND, #RUP_ERR_IO or #RUP_ERR_INVALID_ARGUMENT.
 * @since 0.1
 */
RUP_API int rup_report_write_csv_series(const rup_report_series *r, const rup_session *s, const rup_trace *t,
                                        size_t stream_index, void *fp);

/**
 * @brief Write an SVG timeline of the call (opens in any browser).
 *
 * One lane per stream (packets arriving, loss per interval, speech activity),
 * ruptures as coloured bands over their streams' lanes labelled with their type
 * and duration (details as tooltips), one lane per participant and direction
 * with the quality level over time, a time axis in mm:ss and a legend. Without
 * a series, lanes show each stream's life only.
 * @param[in] s the session.
 * @param[in] t the trace (time base), or NULL.
 * @param[in] r the series sampled during the call, or NULL.
 * @param[in] title heading (e.g. the file name), or NULL.
 * @param[in] fp an open stdio stream (`FILE *`).
 * @return 0, #RUP_ERR_IO, #RUP_ERR_NOMEM, #RUP_ERR_INVALID_ARGUMENT, or
 *   #RUP_ERR_INVALID_STATE for a rup_settings::statistics_only session.
 * @since 0.1
 */
RUP_API int rup_report_write_svg(const rup_session *s, const rup_trace *t, const rup_report_series *r,
                                 const char *title, void *fp);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* RUPTURE_RUPTURE_H */
