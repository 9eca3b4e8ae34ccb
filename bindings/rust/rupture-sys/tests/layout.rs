//! Layout test: every `#[repr(C)]` struct's size, alignment and field offsets,
//! and every constant, against what the C compiler says for the real header.
//!
//! The test writes a small C program (one `printf` per check, generated from
//! the same table that computes the Rust values), compiles it with the system
//! `cc` (or `$CC`) against the include dirs found by build.rs, runs it, and
//! compares each line. Missing `cc` or header is a failure, not a skip: the
//! layouts are the one thing the hand-written declarations can get wrong.
use rupture_sys::*;
use std::mem::{align_of, offset_of, size_of};
use std::path::PathBuf;
use std::process::Command;

/// (label, C expression printed as `long long`, Rust value).
type Check = (String, String, i128);

macro_rules! strukt {
    ($v:ident, $t:ident { $($f:ident $(as $cf:ident)?),* $(,)? }) => {
        strukt!(@ $v, $t, stringify!($t), { $($f $(as $cf)?),* });
    };
    (@ $v:ident, $t:ident, $ct:expr, { $($f:ident $(as $cf:ident)?),* }) => {{
        let ct: &str = $ct;
        $v.push((format!("sizeof {}", stringify!($t)), format!("sizeof({ct})"), size_of::<$t>() as i128));
        $v.push((format!("alignof {}", stringify!($t)), format!("_Alignof({ct})"), align_of::<$t>() as i128));
        $(
            let cf = strukt!(@name $f $(, $cf)?);
            $v.push((
                format!("offsetof {}.{}", stringify!($t), cf),
                format!("offsetof({ct}, {cf})"),
                offset_of!($t, $f) as i128,
            ));
        )*
    }};
    (@name $f:ident) => { stringify!($f) };
    (@name $f:ident, $cf:ident) => { stringify!($cf) };
}

macro_rules! consts {
    ($v:ident, $($c:ident),* $(,)?) => {
        $( $v.push((stringify!($c).to_string(), stringify!($c).to_string(), $c as i128)); )*
    };
}

fn checks() -> Vec<Check> {
    let mut v: Vec<Check> = Vec::new();
    strukt!(v, rup_mem { user_data, malloc, realloc, free });
    strukt!(v, rup_endpoint { family, addr, port });
    strukt!(
        v,
        rup_settings {
            version,
            max_streams,
            max_queued_events,
            burst_gmin,
            report_interval_us,
            stall_timeout_us,
            video_reorder_wait_us,
            audio_min_delay_us,
            audio_max_delay_us,
            payload_opaque,
            audio_dropout_min_us,
            choppy_count,
            choppy_window_us,
            video_freeze_min_us,
            connection_lost_min_us,
            lag_one_way_us,
            lag_min_us,
            merge_gap_us,
            end_hold_us,
            hint_cooldown_us,
            max_ruptures,
            decode_audio,
            decode_video,
            statistics_only,
        }
    );
    strukt!(
        v,
        rup_stream_stats {
            version,
            ssrc,
            direction,
            media,
            codec,
            payload_type,
            clock_rate,
            participant,
            src,
            dst,
            first_arrival_us,
            last_arrival_us,
            packets,
            bytes,
            received,
            expected,
            lost,
            duplicates,
            reordered,
            probation_dropped,
            restarts,
            fraction_lost,
            extended_max_seq,
            jitter_ts,
            jitter_ms,
            jitter_ms_max,
            jitter_ms_mean,
            max_gap_ms,
            burst_density,
            gap_density,
            burst_duration_ms,
            gap_duration_ms,
            bitrate_bps,
            has_rtt,
            rtt_ms,
            has_remote_report,
            remote_fraction_lost,
            remote_cumulative_lost,
            remote_jitter_ms,
            sr_count,
            sender_packet_count,
            sender_octet_count,
            nack_count,
            pli_count,
            fir_count,
            bye,
            audio_level_dbov,
            voice_activity,
            ws_valid,
            ws_expected,
            ws_lost,
            ws_min_delta_ms,
            ws_mean_delta_ms,
            ws_max_delta_ms,
            ws_has_jitter,
            ws_min_jitter_ms,
            ws_mean_jitter_ms,
            ws_max_jitter_ms,
            has_playback,
            frames_received,
            frames_decoded,
            frames_dropped,
            keyframes,
            keyframes_known,
            freeze_count,
            total_freezes_duration_s,
            pause_count,
            total_pauses_duration_s,
            total_inter_frame_delay_s,
            total_squared_inter_frame_delay_s2,
            frame_width,
            frame_height,
            total_samples_received,
            total_samples_duration_s,
            concealed_samples,
            silent_concealed_samples,
            concealment_events,
            inserted_samples_for_deceleration,
            removed_samples_for_acceleration,
            jitter_buffer_delay_s,
            jitter_buffer_target_delay_s,
            jitter_buffer_emitted_count,
            packets_discarded,
            interruption_count,
            total_interruption_duration_s,
            dtx_duration_s,
            muted_duration_s,
            speech_duration_s,
            speech_known,
            decode_verified,
            frames_ref_missing,
            frames_decode_errors,
            frozen_content_count,
            frozen_content_duration_s,
            speech_level_dbfs,
            has_mos,
            mos,
        }
    );
    strukt!(
        v,
        rup_session_counters {
            version,
            packets,
            rtp,
            rtcp,
            stun,
            dtls,
            turn_channel,
            unknown,
            malformed,
            refused_streams,
            time_regressions,
            events_dropped,
            rtcp_sr,
            rtcp_rr,
            rtcp_sdes,
            rtcp_bye,
            rtcp_xr,
            rtcp_nack,
            rtcp_pli,
            rtcp_fir,
            rtcp_other,
        }
    );
    strukt!(v, rup_rupture {
        id, type_ as type, cause, severity, direction, participant, ssrc_count, ssrcs, start_us,
        detected_us, end_us, speech_missed_s, speech_known, repair, acknowledged, acknowledged_us,
    });
    strukt!(v, rup_quality_event { participant, direction, level, previous_level, mos });
    strukt!(
        v,
        rup_impairment_event {
            ssrc,
            direction,
            index,
            kind,
            phase,
            evidence,
            start_us,
            detected_us,
            end_us,
            lost_packets,
            late_packets,
        }
    );
    strukt!(v, rup_stream_event { ssrc, direction, index, codec, media });
    // The anonymous union: its C type is named through __typeof__ (gcc/clang).
    strukt!(@ v, rup_event_u, "__typeof__(((rup_event *)0)->u)", { stream, impairment, rupture, quality });
    strukt!(v, rup_event { type_ as type, time_us, u });
    strukt!(
        v,
        rup_callbacks {
            version,
            on_stream_added,
            on_impairment,
            on_rupture_begin,
            on_rupture_update,
            on_rupture_end,
            on_quality_change,
        }
    );
    strukt!(
        v,
        rup_summary {
            version,
            rupture_count,
            rupture_time_s,
            by_type,
            longest_s,
            acknowledged,
            speech_missed_s,
            has_mos,
            mos_min,
            quality_level_min,
            ruptures_dropped,
            ruptures_analysed,
        }
    );
    strukt!(v, rup_trace_packet { ts_us, record, payload, payload_len, src, dst });
    strukt!(
        v,
        rup_trace_info {
            version,
            format,
            gzip,
            nanosecond,
            records,
            udp,
            skipped_non_udp,
            skipped_fragments,
            skipped_link,
            skipped_bad,
            first_ts_us,
            last_ts_us,
            bytes_read,
            file_size,
        }
    );
    strukt!(
        v,
        rup_replay_options { version, local, local_count, on_progress, user_data, tick_interval_us, on_tick }
    );

    consts!(v, RUP_VERSION_MAJOR, RUP_VERSION_MINOR, RUP_VERSION_PATCH, RUP_VERSION_NUM);
    consts!(
        v,
        RUP_OK,
        RUP_ERR_INVALID_ARGUMENT,
        RUP_ERR_MALFORMED,
        RUP_ERR_TIME_REGRESSION,
        RUP_ERR_TOO_MANY_STREAMS,
        RUP_ERR_INVALID_STATE,
        RUP_ERR_CALLBACK_FAILURE,
        RUP_ERR_NOT_FOUND,
        RUP_ERR_VERSION,
        RUP_ERR_IO,
        RUP_ERR_FORMAT,
        RUP_ERR_TRUNCATED,
        RUP_ERR_UNSUPPORTED,
        RUP_ERR_FATAL,
        RUP_ERR_NOMEM,
        RUP_ERR_INTERNAL
    );
    consts!(v, RUP_DIR_INBOUND, RUP_DIR_OUTBOUND, RUP_MEDIA_UNKNOWN, RUP_MEDIA_AUDIO, RUP_MEDIA_VIDEO);
    consts!(
        v,
        RUP_CODEC_UNKNOWN,
        RUP_CODEC_OPUS,
        RUP_CODEC_VP8,
        RUP_CODEC_VP9,
        RUP_CODEC_H264,
        RUP_CODEC_PCMU,
        RUP_CODEC_PCMA,
        RUP_CODEC_G722,
        RUP_CODEC_G729,
        RUP_CODEC_AV1,
        RUP_CODEC_CN,
        RUP_CODEC_TELEPHONE_EVENT
    );
    consts!(
        v,
        RUP_SETTINGS_VERSION,
        RUP_STREAM_STATS_VERSION,
        RUP_SESSION_COUNTERS_VERSION,
        RUP_CALLBACKS_VERSION,
        RUP_SUMMARY_VERSION,
        RUP_TRACE_INFO_VERSION,
        RUP_REPLAY_OPTIONS_VERSION,
        RUP_RUPTURE_MAX_SSRCS
    );
    consts!(
        v,
        RUP_EVENT_STREAM_ADDED,
        RUP_EVENT_IMPAIRMENT,
        RUP_EVENT_RUPTURE_BEGIN,
        RUP_EVENT_RUPTURE_UPDATE,
        RUP_EVENT_RUPTURE_END,
        RUP_EVENT_QUALITY_CHANGE
    );
    consts!(v, RUP_IMPAIRMENT_INTERRUPTION, RUP_IMPAIRMENT_FREEZE, RUP_IMPAIRMENT_STALL);
    consts!(
        v,
        RUP_EVIDENCE_SEQ_GAP,
        RUP_EVIDENCE_LATE,
        RUP_EVIDENCE_NO_PACKETS,
        RUP_EVIDENCE_UNDECODABLE,
        RUP_EVIDENCE_SENDER_PAUSED,
        RUP_EVIDENCE_FROZEN_CONTENT
    );
    consts!(
        v,
        RUP_RUPTURE_AUDIO_DROPOUT,
        RUP_RUPTURE_CHOPPY_AUDIO,
        RUP_RUPTURE_VIDEO_FREEZE,
        RUP_RUPTURE_AV_OUTAGE,
        RUP_RUPTURE_CONNECTION_LOST,
        RUP_RUPTURE_LAG
    );
    consts!(
        v,
        RUP_CAUSE_UNKNOWN,
        RUP_CAUSE_PACKET_LOSS,
        RUP_CAUSE_LATE_PACKETS,
        RUP_CAUSE_NETWORK_OUTAGE,
        RUP_CAUSE_SENDER_STOPPED,
        RUP_CAUSE_DECODER,
        RUP_CAUSE_FROZEN_CONTENT,
        RUP_CAUSE_DELAY
    );
    consts!(v, RUP_SEVERITY_MINOR, RUP_SEVERITY_MODERATE, RUP_SEVERITY_SEVERE);
    consts!(
        v,
        RUP_REPAIR_NONE,
        RUP_REPAIR_ACKNOWLEDGE,
        RUP_REPAIR_ASK_REPEAT,
        RUP_REPAIR_OFFER_REPEAT,
        RUP_REPAIR_CHECK_IN,
        RUP_REPAIR_SUGGEST_AUDIO_ONLY,
        RUP_REPAIR_USE_BACKUP_CHANNEL,
        RUP_REPAIR_RECONNECT
    );
    consts!(v, RUP_TRACE_PCAP, RUP_TRACE_PCAPNG);
    v
}

fn include_dirs() -> Vec<PathBuf> {
    std::env::split_paths(env!("RUPTURE_SYS_INCLUDE_DIRS")).filter(|p| !p.as_os_str().is_empty()).collect()
}

/// Compile and run a C program against the real header; return its stdout.
fn run_c(name: &str, body: &str) -> String {
    let dir = std::env::temp_dir().join(format!("rupture-sys-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let src = dir.join(format!("{name}.c"));
    let exe = dir.join(name);
    let code = format!(
        "#include <stddef.h>\n#include <stdio.h>\n#include <rupture/rupture.h>\nint main(void) {{\n{body}  return 0;\n}}\n"
    );
    std::fs::write(&src, code).unwrap();
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let mut cmd = Command::new(&cc);
    cmd.arg("-std=gnu11").arg("-Wall").arg("-Werror");
    for d in include_dirs() {
        cmd.arg(format!("-I{}", d.display()));
    }
    cmd.arg(&src).arg("-o").arg(&exe);
    let out = cmd.output().unwrap_or_else(|e| panic!("cannot run {cc}: {e}"));
    assert!(
        out.status.success(),
        "{cc} failed (include dirs {:?}):\n{}",
        include_dirs(),
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(&exe).output().expect("run the layout probe");
    assert!(run.status.success());
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8(run.stdout).unwrap()
}

#[test]
fn struct_layouts_and_constants_match_the_c_header() {
    let checks = checks();
    let mut body = String::new();
    for (label, expr, _) in &checks {
        body.push_str(&format!("  printf(\"%s %lld\\n\", \"{label}\", (long long)({expr}));\n"));
    }
    let out = run_c("layout", &body);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), checks.len());
    let mut bad = Vec::new();
    for ((label, _, rust), line) in checks.iter().zip(lines) {
        let (l, c) = line.rsplit_once(' ').unwrap();
        assert_eq!(l, label);
        let c: i128 = c.parse().unwrap();
        if c != *rust {
            bad.push(format!("{label}: C {c}, Rust {rust}"));
        }
    }
    assert!(bad.is_empty(), "layout/constant mismatches:\n{}", bad.join("\n"));
    // Enough checks ran that a forgotten struct would be noticed.
    assert!(checks.len() > 250, "{} checks", checks.len());
}

#[test]
fn version_string_matches_the_header() {
    let out = run_c("version", "  printf(\"%s\\n\", RUP_VERSION);\n");
    assert_eq!(out.trim_end(), RUP_VERSION);
}

#[test]
fn loaded_library_matches_the_header_version() {
    // SAFETY: no arguments; returns a static string.
    let num = unsafe { rup_version_num() };
    assert_eq!(num, RUP_VERSION_NUM);
    let s = unsafe { std::ffi::CStr::from_ptr(rup_version_string()) };
    assert_eq!(s.to_str().unwrap(), RUP_VERSION);
}

#[test]
fn raw_calls_work() {
    // SAFETY: valid out-pointers; the session is freed.
    unsafe {
        let mut st = rup_settings::default();
        assert_eq!(rup_settings_default_versioned(RUP_SETTINGS_VERSION, &mut st), 0);
        assert_eq!(st.version, RUP_SETTINGS_VERSION as u32);
        assert_eq!(rup_settings_default_versioned(99, &mut st), RUP_ERR_VERSION);
        let mut s: *mut rup_session = std::ptr::null_mut();
        assert_eq!(rup_session_new(&mut s, &st, std::ptr::null(), std::ptr::null(), std::ptr::null_mut()), 0);
        assert!(!s.is_null());
        assert_eq!(rup_session_get_stream_count(s), 0);
        assert_eq!(rup_session_advance(s, 10), 0);
        assert_eq!(rup_session_advance(s, 5), RUP_ERR_TIME_REGRESSION);
        let mut c = rup_session_counters::default();
        assert_eq!(rup_session_get_counters_versioned(s, RUP_SESSION_COUNTERS_VERSION, &mut c), 0);
        assert_eq!(c.time_regressions, 1);
        rup_session_del(s);
        let name = std::ffi::CStr::from_ptr(rup_err_name(RUP_ERR_NOMEM));
        assert_eq!(name.to_str().unwrap(), "RUP_ERR_NOMEM");
        assert_eq!(rup_err_is_fatal(RUP_ERR_NOMEM), 1);
        assert_eq!(rup_err_is_fatal(RUP_ERR_MALFORMED), 0);
    }
}

/// Every function the header declares (`RUP_API ... name(`) is declared here,
/// and nothing else: the one-to-one rule, checked against the real header.
#[test]
fn every_header_function_is_declared() {
    let header = include_dirs()
        .into_iter()
        .map(|d| d.join("rupture/rupture.h"))
        .find(|p| p.is_file())
        .expect("rupture/rupture.h in the include dirs");
    let h = std::fs::read_to_string(header).unwrap();
    let mut in_c: Vec<String> = Vec::new();
    for decl in h.split("RUP_API ").skip(1) {
        let head = &decl[..decl.find('(').unwrap()];
        let name = head.rsplit(|c: char| !(c.is_alphanumeric() || c == '_')).next().unwrap();
        if name.starts_with("rup_") {
            in_c.push(name.to_string());
        }
    }
    let src = include_str!("../src/lib.rs");
    let mut in_rust: Vec<String> = src
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub fn "))
        .map(|l| l[..l.find('(').unwrap()].to_string())
        .collect();
    in_c.sort();
    in_rust.sort();
    assert!(in_c.len() > 40, "parsed {} functions from the header", in_c.len());
    assert_eq!(in_c, in_rust);
}
