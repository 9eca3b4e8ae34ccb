use crate::endpoint::Endpoint;
use crate::types::{Codec, Direction, Media, RuptureType};
use rupture_sys as sys;

/// What the remote said about a stream in an RTCP report block.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RemoteReport {
    /// Fraction lost (0..255).
    pub fraction_lost: u32,
    /// Cumulative lost (24-bit signed).
    pub cumulative_lost: i32,
    /// Jitter in ms (`None` if the clock rate is unknown).
    pub jitter_ms: Option<f64>,
}

/// Statistics of one stream (`rup_stream_stats`): RFC 3550 values unless the
/// field says otherwise. C `has_*` flags become `Option`s; fields with a
/// documented "unknown" value (-1, 0) become `Option`s too.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)] // field meanings: rupture.h, rup_stream_stats
pub struct StreamStats {
    pub ssrc: u32,
    pub direction: Direction,
    pub media: Media,
    pub codec: Codec,
    /// Last RTP payload type, `None` if none.
    pub payload_type: Option<u8>,
    /// RTP clock in Hz, `None` if unknown.
    pub clock_rate: Option<u32>,
    pub participant: u32,
    pub src: Endpoint,
    pub dst: Endpoint,
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
    pub rtt_ms: Option<f64>,
    pub remote_report: Option<RemoteReport>,
    pub sr_count: u64,
    pub sender_packet_count: u32,
    pub sender_octet_count: u32,
    pub nack_count: u64,
    pub pli_count: u64,
    pub fir_count: u64,
    pub bye: bool,
    /// Last RFC 6464 level (0..127 = -dBov).
    pub audio_level_dbov: Option<i32>,
    /// Last RFC 6464 V bit.
    pub voice_activity: Option<bool>,
    /// tshark conventions (REFERENCE §9); meaningful when `ws_valid`.
    pub ws_valid: bool,
    pub ws_expected: i64,
    pub ws_lost: i64,
    pub ws_min_delta_ms: f64,
    pub ws_mean_delta_ms: f64,
    pub ws_max_delta_ms: f64,
    pub ws_has_jitter: bool,
    pub ws_min_jitter_ms: f64,
    pub ws_mean_jitter_ms: f64,
    pub ws_max_jitter_ms: f64,
    /// A playback model runs for this stream (the fields below are meaningful).
    pub has_playback: bool,
    pub frames_received: u64,
    pub frames_decoded: u64,
    pub frames_dropped: u64,
    /// `None` when payloads are opaque.
    pub keyframes: Option<u64>,
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
    /// `None` if voice activity cannot be known for this stream.
    pub speech_duration_s: Option<f64>,
    /// ITU-T G.107 E-model MOS, `None` if not known.
    pub mos: Option<f64>,
}

impl StreamStats {
    /// From the C struct.
    pub fn from_raw(s: &sys::rup_stream_stats) -> StreamStats {
        StreamStats {
            ssrc: s.ssrc,
            direction: Direction::from_raw(s.direction),
            media: Media::from_raw(s.media),
            codec: Codec::from_raw(s.codec),
            payload_type: u8::try_from(s.payload_type).ok(),
            clock_rate: (s.clock_rate != 0).then_some(s.clock_rate),
            participant: s.participant,
            src: Endpoint(s.src),
            dst: Endpoint(s.dst),
            first_arrival_us: s.first_arrival_us,
            last_arrival_us: s.last_arrival_us,
            packets: s.packets,
            bytes: s.bytes,
            received: s.received,
            expected: s.expected,
            lost: s.lost,
            duplicates: s.duplicates,
            reordered: s.reordered,
            probation_dropped: s.probation_dropped,
            restarts: s.restarts,
            fraction_lost: s.fraction_lost,
            extended_max_seq: s.extended_max_seq,
            jitter_ts: s.jitter_ts,
            jitter_ms: s.jitter_ms,
            jitter_ms_max: s.jitter_ms_max,
            jitter_ms_mean: s.jitter_ms_mean,
            max_gap_ms: s.max_gap_ms,
            burst_density: s.burst_density,
            gap_density: s.gap_density,
            burst_duration_ms: s.burst_duration_ms,
            gap_duration_ms: s.gap_duration_ms,
            bitrate_bps: s.bitrate_bps,
            rtt_ms: (s.has_rtt != 0).then_some(s.rtt_ms),
            remote_report: (s.has_remote_report != 0).then(|| RemoteReport {
                fraction_lost: s.remote_fraction_lost,
                cumulative_lost: s.remote_cumulative_lost,
                jitter_ms: (s.clock_rate != 0).then_some(s.remote_jitter_ms),
            }),
            sr_count: s.sr_count,
            sender_packet_count: s.sender_packet_count,
            sender_octet_count: s.sender_octet_count,
            nack_count: s.nack_count,
            pli_count: s.pli_count,
            fir_count: s.fir_count,
            bye: s.bye != 0,
            audio_level_dbov: (s.audio_level_dbov >= 0).then_some(s.audio_level_dbov),
            voice_activity: (s.voice_activity >= 0).then_some(s.voice_activity != 0),
            ws_valid: s.ws_valid != 0,
            ws_expected: s.ws_expected,
            ws_lost: s.ws_lost,
            ws_min_delta_ms: s.ws_min_delta_ms,
            ws_mean_delta_ms: s.ws_mean_delta_ms,
            ws_max_delta_ms: s.ws_max_delta_ms,
            ws_has_jitter: s.ws_has_jitter != 0,
            ws_min_jitter_ms: s.ws_min_jitter_ms,
            ws_mean_jitter_ms: s.ws_mean_jitter_ms,
            ws_max_jitter_ms: s.ws_max_jitter_ms,
            has_playback: s.has_playback != 0,
            frames_received: s.frames_received,
            frames_decoded: s.frames_decoded,
            frames_dropped: s.frames_dropped,
            keyframes: (s.keyframes_known != 0).then_some(s.keyframes),
            freeze_count: s.freeze_count,
            total_freezes_duration_s: s.total_freezes_duration_s,
            pause_count: s.pause_count,
            total_pauses_duration_s: s.total_pauses_duration_s,
            total_inter_frame_delay_s: s.total_inter_frame_delay_s,
            total_squared_inter_frame_delay_s2: s.total_squared_inter_frame_delay_s2,
            frame_width: s.frame_width,
            frame_height: s.frame_height,
            total_samples_received: s.total_samples_received,
            total_samples_duration_s: s.total_samples_duration_s,
            concealed_samples: s.concealed_samples,
            silent_concealed_samples: s.silent_concealed_samples,
            concealment_events: s.concealment_events,
            inserted_samples_for_deceleration: s.inserted_samples_for_deceleration,
            removed_samples_for_acceleration: s.removed_samples_for_acceleration,
            jitter_buffer_delay_s: s.jitter_buffer_delay_s,
            jitter_buffer_target_delay_s: s.jitter_buffer_target_delay_s,
            jitter_buffer_emitted_count: s.jitter_buffer_emitted_count,
            packets_discarded: s.packets_discarded,
            interruption_count: s.interruption_count,
            total_interruption_duration_s: s.total_interruption_duration_s,
            dtx_duration_s: s.dtx_duration_s,
            muted_duration_s: s.muted_duration_s,
            speech_duration_s: (s.speech_known != 0).then_some(s.speech_duration_s),
            mos: (s.has_mos != 0).then_some(s.mos),
        }
    }
    /// RFC 3550 loss as a percentage of expected (0 when nothing expected), as in the JSON.
    pub fn loss_pct(&self) -> f64 {
        if self.expected == 0 {
            0.0
        } else {
            100.0 * self.lost as f64 / self.expected as f64
        }
    }
}

/// Session-wide counters (`rup_session_counters`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[allow(missing_docs)] // field meanings: rupture.h, rup_session_counters
pub struct Counters {
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

impl Counters {
    /// From the C struct.
    pub fn from_raw(c: &sys::rup_session_counters) -> Counters {
        Counters {
            packets: c.packets,
            rtp: c.rtp,
            rtcp: c.rtcp,
            stun: c.stun,
            dtls: c.dtls,
            turn_channel: c.turn_channel,
            unknown: c.unknown,
            malformed: c.malformed,
            refused_streams: c.refused_streams,
            time_regressions: c.time_regressions,
            events_dropped: c.events_dropped,
            rtcp_sr: c.rtcp_sr,
            rtcp_rr: c.rtcp_rr,
            rtcp_sdes: c.rtcp_sdes,
            rtcp_bye: c.rtcp_bye,
            rtcp_xr: c.rtcp_xr,
            rtcp_nack: c.rtcp_nack,
            rtcp_pli: c.rtcp_pli,
            rtcp_fir: c.rtcp_fir,
            rtcp_other: c.rtcp_other,
        }
    }
}

/// Session-level summary of ruptures and quality (`rup_summary`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Summary {
    /// Ruptures that began (also those dropped from the history).
    pub rupture_count: u32,
    /// Total time inside ruptures (overlaps counted once).
    pub rupture_time_s: f64,
    /// Count by rupture type (index = C type value; 0 unused); see [`Summary::count`].
    pub by_type: [u32; 7],
    /// Longest rupture, s.
    pub longest_s: f64,
    /// Ruptures acknowledged by the host.
    pub acknowledged: u32,
    /// Speech missed in all ruptures, s.
    pub speech_missed_s: f64,
    /// Lowest smoothed MOS of any participant and direction.
    pub mos_min: Option<f64>,
    /// Lowest quality level reached.
    pub quality_level_min: Option<i32>,
    /// Ruptures not kept because the history was full.
    pub ruptures_dropped: u32,
    /// False in a statistics-only session: the rupture fields are then unknown.
    pub ruptures_analysed: bool,
}

impl Summary {
    /// From the C struct.
    pub fn from_raw(s: &sys::rup_summary) -> Summary {
        Summary {
            rupture_count: s.rupture_count,
            rupture_time_s: s.rupture_time_s,
            by_type: s.by_type,
            longest_s: s.longest_s,
            acknowledged: s.acknowledged,
            speech_missed_s: s.speech_missed_s,
            mos_min: (s.has_mos != 0).then_some(s.mos_min),
            quality_level_min: (s.quality_level_min >= 0).then_some(s.quality_level_min),
            ruptures_dropped: s.ruptures_dropped,
            ruptures_analysed: s.ruptures_analysed != 0,
        }
    }
    /// Ruptures of one type.
    pub fn count(&self, t: RuptureType) -> u32 {
        usize::try_from(t.to_raw()).ok().and_then(|i| self.by_type.get(i)).copied().unwrap_or(0)
    }
}
