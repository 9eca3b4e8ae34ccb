//! Raw FFI declarations of librupture, mirroring `include/rupture/rupture.h`
//! one to one (hand-written; no bindgen). C enums are `c_int` type aliases
//! with their enumerators as constants; structs are `#[repr(C)]` and their
//! layout is checked against the C compiler by `tests/layout.rs`. The
//! header's convenience macros (`rup_settings_default`, ...) call the
//! `*_versioned` functions, which are what is declared here.
//!
//! See the safe crate `rupture` for an idiomatic API.
#![allow(non_camel_case_types)]
#![no_std]

use core::ffi::{c_char, c_int, c_void};

// ---- version.h -------------------------------------------------------------

/// Compile-time version string of the header these declarations mirror.
pub const RUP_VERSION: &str = "0.1.0";
pub const RUP_VERSION_MAJOR: u32 = 0;
pub const RUP_VERSION_MINOR: u32 = 1;
pub const RUP_VERSION_PATCH: u32 = 0;
/// 0xMMmmpp.
pub const RUP_VERSION_NUM: u32 = 0x000100;

// ---- errors ----------------------------------------------------------------

pub type rup_error = c_int;
pub const RUP_OK: rup_error = 0;
pub const RUP_ERR_INVALID_ARGUMENT: rup_error = -101;
pub const RUP_ERR_MALFORMED: rup_error = -102;
pub const RUP_ERR_TIME_REGRESSION: rup_error = -103;
pub const RUP_ERR_TOO_MANY_STREAMS: rup_error = -104;
pub const RUP_ERR_INVALID_STATE: rup_error = -105;
pub const RUP_ERR_CALLBACK_FAILURE: rup_error = -106;
pub const RUP_ERR_NOT_FOUND: rup_error = -107;
pub const RUP_ERR_VERSION: rup_error = -108;
pub const RUP_ERR_IO: rup_error = -109;
pub const RUP_ERR_FORMAT: rup_error = -110;
pub const RUP_ERR_TRUNCATED: rup_error = -111;
pub const RUP_ERR_UNSUPPORTED: rup_error = -112;
pub const RUP_ERR_FATAL: rup_error = -900;
pub const RUP_ERR_NOMEM: rup_error = -901;
pub const RUP_ERR_INTERNAL: rup_error = -902;

// ---- memory ----------------------------------------------------------------

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rup_mem {
    pub user_data: *mut c_void,
    pub malloc: Option<unsafe extern "C" fn(size: usize, user_data: *mut c_void) -> *mut c_void>,
    pub realloc:
        Option<unsafe extern "C" fn(ptr: *mut c_void, size: usize, user_data: *mut c_void) -> *mut c_void>,
    pub free: Option<unsafe extern "C" fn(ptr: *mut c_void, user_data: *mut c_void)>,
}

// ---- common types ----------------------------------------------------------

pub type rup_direction = c_int;
pub const RUP_DIR_INBOUND: rup_direction = 0;
pub const RUP_DIR_OUTBOUND: rup_direction = 1;

pub type rup_media = c_int;
pub const RUP_MEDIA_UNKNOWN: rup_media = 0;
pub const RUP_MEDIA_AUDIO: rup_media = 1;
pub const RUP_MEDIA_VIDEO: rup_media = 2;

pub type rup_codec = c_int;
pub const RUP_CODEC_UNKNOWN: rup_codec = 0;
pub const RUP_CODEC_OPUS: rup_codec = 1;
pub const RUP_CODEC_VP8: rup_codec = 2;
pub const RUP_CODEC_VP9: rup_codec = 3;
pub const RUP_CODEC_H264: rup_codec = 4;
pub const RUP_CODEC_PCMU: rup_codec = 5;
pub const RUP_CODEC_PCMA: rup_codec = 6;
pub const RUP_CODEC_G722: rup_codec = 7;
pub const RUP_CODEC_G729: rup_codec = 8;
pub const RUP_CODEC_AV1: rup_codec = 9;
pub const RUP_CODEC_CN: rup_codec = 10;
pub const RUP_CODEC_TELEPHONE_EVENT: rup_codec = 11;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct rup_endpoint {
    pub family: u8,
    pub addr: [u8; 16],
    pub port: u16,
}

// ---- settings --------------------------------------------------------------

pub const RUP_SETTINGS_VERSION: c_int = 2;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct rup_settings {
    pub version: u32,
    pub max_streams: u32,
    pub max_queued_events: u32,
    pub burst_gmin: u32,
    pub report_interval_us: i64,
    pub stall_timeout_us: i64,
    pub video_reorder_wait_us: i64,
    pub audio_min_delay_us: i64,
    pub audio_max_delay_us: i64,
    pub payload_opaque: i32,
    pub audio_dropout_min_us: i64,
    pub choppy_count: u32,
    pub choppy_window_us: i64,
    pub video_freeze_min_us: i64,
    pub connection_lost_min_us: i64,
    pub lag_one_way_us: i64,
    pub lag_min_us: i64,
    pub merge_gap_us: i64,
    pub end_hold_us: i64,
    pub hint_cooldown_us: i64,
    pub max_ruptures: u32,
    pub decode_audio: i32,
    pub decode_video: i32,
    pub statistics_only: i32,
}

// ---- statistics ------------------------------------------------------------

pub const RUP_STREAM_STATS_VERSION: c_int = 1;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct rup_stream_stats {
    pub version: u32,
    pub ssrc: u32,
    pub direction: i32,
    pub media: i32,
    pub codec: i32,
    pub payload_type: i32,
    pub clock_rate: u32,
    pub participant: u32,
    pub src: rup_endpoint,
    pub dst: rup_endpoint,
    pub first_arrival_us: i64,
    pub last_arrival_us: i64,

    pub packets: u64,
    pub bytes: u64,
    pub received: u64,
    pub expected: u64,
    pub lost: i64,
    pub duplicates: u64,
    pub reordered: u64,
    pub probation_dropped: u64,
    pub restarts: u32,
    pub fraction_lost: u32,
    pub extended_max_seq: u32,
    pub jitter_ts: u32,
    pub jitter_ms: f64,
    pub jitter_ms_max: f64,
    pub jitter_ms_mean: f64,
    pub max_gap_ms: f64,
    pub burst_density: f64,
    pub gap_density: f64,
    pub burst_duration_ms: f64,
    pub gap_duration_ms: f64,
    pub bitrate_bps: f64,

    pub has_rtt: i32,
    pub rtt_ms: f64,
    pub has_remote_report: i32,
    pub remote_fraction_lost: u32,
    pub remote_cumulative_lost: i32,
    pub remote_jitter_ms: f64,
    pub sr_count: u64,
    pub sender_packet_count: u32,
    pub sender_octet_count: u32,
    pub nack_count: u64,
    pub pli_count: u64,
    pub fir_count: u64,
    pub bye: i32,
    pub audio_level_dbov: i32,
    pub voice_activity: i32,

    pub ws_valid: i32,
    pub ws_expected: i64,
    pub ws_lost: i64,
    pub ws_min_delta_ms: f64,
    pub ws_mean_delta_ms: f64,
    pub ws_max_delta_ms: f64,
    pub ws_has_jitter: i32,
    pub ws_min_jitter_ms: f64,
    pub ws_mean_jitter_ms: f64,
    pub ws_max_jitter_ms: f64,

    pub has_playback: i32,
    pub frames_received: u64,
    pub frames_decoded: u64,
    pub frames_dropped: u64,
    pub keyframes: u64,
    pub keyframes_known: i32,
    pub freeze_count: u64,
    pub total_freezes_duration_s: f64,
    pub pause_count: u64,
    pub total_pauses_duration_s: f64,
    pub total_inter_frame_delay_s: f64,
    pub total_squared_inter_frame_delay_s2: f64,
    pub frame_width: u32,
    pub frame_height: u32,
    pub total_samples_received: u64,
    pub total_samples_duration_s: f64,
    pub concealed_samples: u64,
    pub silent_concealed_samples: u64,
    pub concealment_events: u64,
    pub inserted_samples_for_deceleration: u64,
    pub removed_samples_for_acceleration: u64,
    pub jitter_buffer_delay_s: f64,
    pub jitter_buffer_target_delay_s: f64,
    pub jitter_buffer_emitted_count: u64,
    pub packets_discarded: u64,
    pub interruption_count: u64,
    pub total_interruption_duration_s: f64,
    pub dtx_duration_s: f64,
    pub muted_duration_s: f64,
    pub speech_duration_s: f64,
    pub speech_known: i32,
    pub decode_verified: i32,
    pub frames_ref_missing: u64,
    pub frames_decode_errors: u64,
    pub frozen_content_count: u64,
    pub frozen_content_duration_s: f64,
    pub speech_level_dbfs: f64,
    pub has_mos: i32,
    pub mos: f64,
}

pub const RUP_SESSION_COUNTERS_VERSION: c_int = 1;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct rup_session_counters {
    pub version: u32,
    pub packets: u64,
    pub rtp: u64,
    pub rtcp: u64,
    pub stun: u64,
    pub dtls: u64,
    pub turn_channel: u64,
    pub unknown: u64,
    pub malformed: u64,
    pub refused_streams: u64,
    pub time_regressions: u64,
    pub events_dropped: u64,
    pub rtcp_sr: u64,
    pub rtcp_rr: u64,
    pub rtcp_sdes: u64,
    pub rtcp_bye: u64,
    pub rtcp_xr: u64,
    pub rtcp_nack: u64,
    pub rtcp_pli: u64,
    pub rtcp_fir: u64,
    pub rtcp_other: u64,
}

// ---- events ----------------------------------------------------------------

pub type rup_event_type = c_int;
pub const RUP_EVENT_STREAM_ADDED: rup_event_type = 1;
pub const RUP_EVENT_IMPAIRMENT: rup_event_type = 2;
pub const RUP_EVENT_RUPTURE_BEGIN: rup_event_type = 3;
pub const RUP_EVENT_RUPTURE_UPDATE: rup_event_type = 4;
pub const RUP_EVENT_RUPTURE_END: rup_event_type = 5;
pub const RUP_EVENT_QUALITY_CHANGE: rup_event_type = 6;

pub type rup_impairment_kind = c_int;
pub const RUP_IMPAIRMENT_INTERRUPTION: rup_impairment_kind = 1;
pub const RUP_IMPAIRMENT_FREEZE: rup_impairment_kind = 2;
pub const RUP_IMPAIRMENT_STALL: rup_impairment_kind = 3;

pub type rup_evidence = c_int;
pub const RUP_EVIDENCE_SEQ_GAP: rup_evidence = 1;
pub const RUP_EVIDENCE_LATE: rup_evidence = 2;
pub const RUP_EVIDENCE_NO_PACKETS: rup_evidence = 4;
pub const RUP_EVIDENCE_UNDECODABLE: rup_evidence = 8;
pub const RUP_EVIDENCE_SENDER_PAUSED: rup_evidence = 16;
pub const RUP_EVIDENCE_FROZEN_CONTENT: rup_evidence = 32;

pub type rup_rupture_type = c_int;
pub const RUP_RUPTURE_AUDIO_DROPOUT: rup_rupture_type = 1;
pub const RUP_RUPTURE_CHOPPY_AUDIO: rup_rupture_type = 2;
pub const RUP_RUPTURE_VIDEO_FREEZE: rup_rupture_type = 3;
pub const RUP_RUPTURE_AV_OUTAGE: rup_rupture_type = 4;
pub const RUP_RUPTURE_CONNECTION_LOST: rup_rupture_type = 5;
pub const RUP_RUPTURE_LAG: rup_rupture_type = 6;

pub type rup_cause = c_int;
pub const RUP_CAUSE_UNKNOWN: rup_cause = 0;
pub const RUP_CAUSE_PACKET_LOSS: rup_cause = 1;
pub const RUP_CAUSE_LATE_PACKETS: rup_cause = 2;
pub const RUP_CAUSE_NETWORK_OUTAGE: rup_cause = 3;
pub const RUP_CAUSE_SENDER_STOPPED: rup_cause = 4;
pub const RUP_CAUSE_DECODER: rup_cause = 5;
pub const RUP_CAUSE_FROZEN_CONTENT: rup_cause = 6;
pub const RUP_CAUSE_DELAY: rup_cause = 7;

pub type rup_severity = c_int;
pub const RUP_SEVERITY_MINOR: rup_severity = 1;
pub const RUP_SEVERITY_MODERATE: rup_severity = 2;
pub const RUP_SEVERITY_SEVERE: rup_severity = 3;

pub type rup_repair = c_int;
pub const RUP_REPAIR_NONE: rup_repair = 0;
pub const RUP_REPAIR_ACKNOWLEDGE: rup_repair = 1;
pub const RUP_REPAIR_ASK_REPEAT: rup_repair = 2;
pub const RUP_REPAIR_OFFER_REPEAT: rup_repair = 3;
pub const RUP_REPAIR_CHECK_IN: rup_repair = 4;
pub const RUP_REPAIR_SUGGEST_AUDIO_ONLY: rup_repair = 5;
pub const RUP_REPAIR_USE_BACKUP_CHANNEL: rup_repair = 6;
pub const RUP_REPAIR_RECONNECT: rup_repair = 7;

pub const RUP_RUPTURE_MAX_SSRCS: usize = 8;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct rup_rupture {
    pub id: u32,
    pub type_: i32, // `type` in C
    pub cause: i32,
    pub severity: i32,
    pub direction: i32,
    pub participant: u32,
    pub ssrc_count: u32,
    pub ssrcs: [u32; RUP_RUPTURE_MAX_SSRCS],
    pub start_us: i64,
    pub detected_us: i64,
    pub end_us: i64,
    pub speech_missed_s: f64,
    pub speech_known: i32,
    pub repair: i32,
    pub acknowledged: i32,
    pub acknowledged_us: i64,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct rup_quality_event {
    pub participant: u32,
    pub direction: i32,
    pub level: i32,
    pub previous_level: i32,
    pub mos: f64,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct rup_impairment_event {
    pub ssrc: u32,
    pub direction: i32,
    pub index: u32,
    pub kind: i32,
    pub phase: i32,
    pub evidence: u32,
    pub start_us: i64,
    pub detected_us: i64,
    pub end_us: i64,
    pub lost_packets: u32,
    pub late_packets: u32,
}

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct rup_stream_event {
    pub ssrc: u32,
    pub direction: i32,
    pub index: u32,
    pub codec: i32,
    pub media: i32,
}

/// The anonymous union `u` of `rup_event`; read the member named by `type`.
#[repr(C)]
#[derive(Clone, Copy)]
pub union rup_event_u {
    pub stream: rup_stream_event,
    pub impairment: rup_impairment_event,
    pub rupture: rup_rupture,
    pub quality: rup_quality_event,
}

#[repr(C)]
#[derive(Clone, Copy)]
pub struct rup_event {
    pub type_: i32, // `type` in C
    pub time_us: i64,
    pub u: rup_event_u,
}

/// Opaque session handle.
#[repr(C)]
pub struct rup_session {
    _private: [u8; 0],
    _not_send_sync: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
}

pub const RUP_CALLBACKS_VERSION: u32 = 1;

pub type rup_event_cb =
    Option<unsafe extern "C" fn(s: *mut rup_session, ev: *const rup_event, user_data: *mut c_void) -> c_int>;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default)]
pub struct rup_callbacks {
    pub version: u32,
    pub on_stream_added: rup_event_cb,
    pub on_impairment: rup_event_cb,
    pub on_rupture_begin: rup_event_cb,
    pub on_rupture_update: rup_event_cb,
    pub on_rupture_end: rup_event_cb,
    pub on_quality_change: rup_event_cb,
}

pub const RUP_SUMMARY_VERSION: c_int = 2;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct rup_summary {
    pub version: u32,
    pub rupture_count: u32,
    pub rupture_time_s: f64,
    pub by_type: [u32; 7],
    pub longest_s: f64,
    pub acknowledged: u32,
    pub speech_missed_s: f64,
    pub has_mos: i32,
    pub mos_min: f64,
    pub quality_level_min: i32,
    pub ruptures_dropped: u32,
    pub ruptures_analysed: i32,
}

// ---- trace -----------------------------------------------------------------

/// Opaque time series of stream statistics (report group).
#[repr(C)]
pub struct rup_report_series {
    _private: [u8; 0],
    _not_send_sync: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
}

/// Opaque capture reader.
#[repr(C)]
pub struct rup_trace {
    _private: [u8; 0],
    _not_send_sync: core::marker::PhantomData<(*mut u8, core::marker::PhantomPinned)>,
}

pub type rup_trace_format = c_int;
pub const RUP_TRACE_PCAP: rup_trace_format = 1;
pub const RUP_TRACE_PCAPNG: rup_trace_format = 2;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rup_trace_packet {
    pub ts_us: i64,
    pub record: u64,
    pub payload: *const u8,
    pub payload_len: usize,
    pub src: rup_endpoint,
    pub dst: rup_endpoint,
}

pub const RUP_TRACE_INFO_VERSION: c_int = 1;

#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct rup_trace_info {
    pub version: u32,
    pub format: i32,
    pub gzip: i32,
    pub nanosecond: i32,
    pub records: u64,
    pub udp: u64,
    pub skipped_non_udp: u64,
    pub skipped_fragments: u64,
    pub skipped_link: u64,
    pub skipped_bad: u64,
    pub first_ts_us: i64,
    pub last_ts_us: i64,
    pub bytes_read: u64,
    pub file_size: u64,
}

pub const RUP_REPLAY_OPTIONS_VERSION: u32 = 1;

#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct rup_replay_options {
    pub version: u32,
    pub local: *const rup_endpoint,
    pub local_count: usize,
    pub on_progress:
        Option<unsafe extern "C" fn(bytes_read: u64, file_size: u64, user_data: *mut c_void) -> c_int>,
    pub user_data: *mut c_void,
    pub tick_interval_us: i64,
    pub on_tick:
        Option<unsafe extern "C" fn(s: *mut rup_session, now_us: i64, user_data: *mut c_void) -> c_int>,
}

// ---- functions (in header order) -------------------------------------------

extern "C" {
    pub fn rup_strerror(code: c_int) -> *const c_char;
    pub fn rup_err_name(code: c_int) -> *const c_char;
    pub fn rup_err_is_fatal(code: c_int) -> c_int;

    pub fn rup_version_num() -> u32;
    pub fn rup_version_string() -> *const c_char;

    pub fn rup_mem_default() -> *const rup_mem;

    pub fn rup_codec_name(codec: c_int) -> *const c_char;
    pub fn rup_codec_media(codec: c_int) -> c_int;
    pub fn rup_endpoint_format(ep: *const rup_endpoint, buf: *mut c_char, size: usize) -> c_int;
    pub fn rup_endpoint_parse(ep: *mut rup_endpoint, text: *const c_char) -> c_int;

    pub fn rup_settings_default_versioned(version: c_int, st: *mut rup_settings) -> c_int;

    pub fn rup_rupture_type_name(type_: c_int) -> *const c_char;
    pub fn rup_cause_name(cause: c_int) -> *const c_char;
    pub fn rup_severity_name(severity: c_int) -> *const c_char;
    pub fn rup_repair_name(repair: c_int) -> *const c_char;

    pub fn rup_session_new(
        out: *mut *mut rup_session,
        st: *const rup_settings,
        cb: *const rup_callbacks,
        mem: *const rup_mem,
        user_data: *mut c_void,
    ) -> c_int;
    pub fn rup_session_del(s: *mut rup_session);
    pub fn rup_session_describe_stream(
        s: *mut rup_session,
        ssrc: u32,
        codec: c_int,
        payload_type: c_int,
        clock_rate: u32,
        direction: c_int,
    ) -> c_int;
    pub fn rup_session_map_extension(s: *mut rup_session, id: c_int, uri: *const c_char) -> c_int;
    pub fn rup_session_push_packet(
        s: *mut rup_session,
        buf: *const u8,
        len: usize,
        direction: c_int,
        arrival_us: i64,
    ) -> c_int;
    pub fn rup_session_push_udp(
        s: *mut rup_session,
        buf: *const u8,
        len: usize,
        direction: c_int,
        arrival_us: i64,
        src: *const rup_endpoint,
        dst: *const rup_endpoint,
    ) -> c_int;
    pub fn rup_session_next_deadline(s: *const rup_session) -> i64;
    pub fn rup_session_advance(s: *mut rup_session, now_us: i64) -> c_int;
    pub fn rup_session_finish(s: *mut rup_session, now_us: i64) -> c_int;
    pub fn rup_session_ack_rupture(s: *mut rup_session, id: u32, now_us: i64) -> c_int;
    pub fn rup_session_set_stream_paused(
        s: *mut rup_session,
        ssrc: u32,
        direction: c_int,
        paused: c_int,
    ) -> c_int;
    pub fn rup_session_get_rupture_count(s: *const rup_session) -> usize;
    pub fn rup_session_get_rupture(s: *const rup_session, index: usize, out: *mut rup_rupture) -> c_int;
    pub fn rup_session_get_summary_versioned(
        s: *const rup_session,
        version: c_int,
        out: *mut rup_summary,
    ) -> c_int;
    pub fn rup_session_poll_event(s: *mut rup_session, ev: *mut *const rup_event) -> c_int;
    pub fn rup_session_get_stream_count(s: *const rup_session) -> usize;
    pub fn rup_session_find_stream(
        s: *const rup_session,
        ssrc: u32,
        direction: c_int,
        index: *mut usize,
    ) -> c_int;
    pub fn rup_session_get_stream_stats_versioned(
        s: *const rup_session,
        index: usize,
        version: c_int,
        out: *mut rup_stream_stats,
    ) -> c_int;
    pub fn rup_session_get_counters_versioned(
        s: *const rup_session,
        version: c_int,
        out: *mut rup_session_counters,
    ) -> c_int;

    pub fn rup_trace_open(out: *mut *mut rup_trace, path: *const c_char, mem: *const rup_mem) -> c_int;
    pub fn rup_trace_open_memory(
        out: *mut *mut rup_trace,
        buf: *const u8,
        len: usize,
        mem: *const rup_mem,
    ) -> c_int;
    pub fn rup_trace_next(t: *mut rup_trace, pkt: *mut rup_trace_packet) -> c_int;
    pub fn rup_trace_get_info_versioned(
        t: *const rup_trace,
        version: c_int,
        out: *mut rup_trace_info,
    ) -> c_int;
    pub fn rup_trace_del(t: *mut rup_trace);
    pub fn rup_replay(s: *mut rup_session, t: *mut rup_trace, opt: *const rup_replay_options) -> c_int;

    /// `fp` is a `FILE *`.
    pub fn rup_report_write_json(
        s: *const rup_session,
        t: *const rup_trace,
        path: *const c_char,
        fp: *mut c_void,
    ) -> c_int;
    /// `fp` is a `FILE *`.
    pub fn rup_report_write_note(s: *const rup_session, t: *const rup_trace, fp: *mut c_void) -> c_int;
    /// `fp` is a `FILE *`.
    pub fn rup_report_write_csv_streams(
        s: *const rup_session,
        t: *const rup_trace,
        path: *const c_char,
        header: c_int,
        fp: *mut c_void,
    ) -> c_int;
    /// `fp` is a `FILE *`.
    pub fn rup_report_write_csv_ruptures(
        s: *const rup_session,
        t: *const rup_trace,
        path: *const c_char,
        header: c_int,
        fp: *mut c_void,
    ) -> c_int;
    pub fn rup_report_series_new(
        out: *mut *mut rup_report_series,
        max_samples: usize,
        mem: *const rup_mem,
    ) -> c_int;
    pub fn rup_report_series_del(r: *mut rup_report_series);
    pub fn rup_report_series_sample(r: *mut rup_report_series, s: *const rup_session, now_us: i64) -> c_int;
    pub fn rup_report_series_add_event(r: *mut rup_report_series, ev: *const rup_event) -> c_int;
    pub fn rup_report_series_get_sample_count(r: *const rup_report_series) -> usize;
    pub fn rup_report_series_get_dropped(r: *const rup_report_series) -> u64;
    /// `fp` is a `FILE *`.
    pub fn rup_report_write_csv_series(
        r: *const rup_report_series,
        s: *const rup_session,
        t: *const rup_trace,
        stream_index: usize,
        fp: *mut c_void,
    ) -> c_int;
    /// `fp` is a `FILE *`.
    pub fn rup_report_write_svg(
        s: *const rup_session,
        t: *const rup_trace,
        r: *const rup_report_series,
        title: *const c_char,
        fp: *mut c_void,
    ) -> c_int;
}
