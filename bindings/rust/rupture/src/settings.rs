use rupture_sys as sys;

/// Session settings. `Settings::default()` holds the library's defaults
/// (`rup_settings_default`); edit the fields you need. Durations are µs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Settings {
    /// Most streams tracked at once.
    pub max_streams: u32,
    /// Poll-queue capacity; 0 (the default) disables [`crate::Session::events`].
    pub max_queued_events: u32,
    /// RFC 3611 Gmin for burst/gap metrics.
    pub burst_gmin: u32,
    /// Interval for RFC 3550 fraction lost.
    pub report_interval_us: i64,
    /// No packets this long = a stall impairment.
    pub stall_timeout_us: i64,
    /// How long an incomplete video frame waits for late packets.
    pub video_reorder_wait_us: i64,
    /// Audio jitter-buffer target floor.
    pub audio_min_delay_us: i64,
    /// Audio jitter-buffer target ceiling.
    pub audio_max_delay_us: i64,
    /// Payloads are encrypted / not inspectable.
    pub payload_opaque: bool,
    /// Shortest audio break reported as an audio dropout.
    pub audio_dropout_min_us: i64,
    /// Interruptions within `choppy_window_us` that make choppy audio.
    pub choppy_count: u32,
    /// Window for `choppy_count`.
    pub choppy_window_us: i64,
    /// Shortest video freeze reported as a rupture.
    pub video_freeze_min_us: i64,
    /// Shortest total silence of a participant reported as connection lost.
    pub connection_lost_min_us: i64,
    /// One-way delay that breaks turn-taking.
    pub lag_one_way_us: i64,
    /// How long the delay must persist to be a lag rupture.
    pub lag_min_us: i64,
    /// Impairments closer than this form one rupture.
    pub merge_gap_us: i64,
    /// A rupture ends only after this long without impairment.
    pub end_hold_us: i64,
    /// Cooldown of prompting repair hints.
    pub hint_cooldown_us: i64,
    /// Ruptures kept in the history.
    pub max_ruptures: u32,
    /// Decode Opus with libopus (library built with the decode feature).
    pub decode_audio: bool,
    /// Decode VP8/VP9 with libvpx.
    pub decode_video: bool,
    /// Statistics only: no playback models, no ruptures (the fast path for corpora).
    pub statistics_only: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        let mut st = sys::rup_settings::default();
        // SAFETY: valid out-pointer; our declarations mirror this header version.
        let rc = unsafe { sys::rup_settings_default_versioned(sys::RUP_SETTINGS_VERSION, &mut st) };
        assert_eq!(rc, 0, "rup_settings_default refused version {}", sys::RUP_SETTINGS_VERSION);
        Settings::from_raw(&st)
    }
}

impl Settings {
    /// From the C struct.
    pub fn from_raw(s: &sys::rup_settings) -> Settings {
        Settings {
            max_streams: s.max_streams,
            max_queued_events: s.max_queued_events,
            burst_gmin: s.burst_gmin,
            report_interval_us: s.report_interval_us,
            stall_timeout_us: s.stall_timeout_us,
            video_reorder_wait_us: s.video_reorder_wait_us,
            audio_min_delay_us: s.audio_min_delay_us,
            audio_max_delay_us: s.audio_max_delay_us,
            payload_opaque: s.payload_opaque != 0,
            audio_dropout_min_us: s.audio_dropout_min_us,
            choppy_count: s.choppy_count,
            choppy_window_us: s.choppy_window_us,
            video_freeze_min_us: s.video_freeze_min_us,
            connection_lost_min_us: s.connection_lost_min_us,
            lag_one_way_us: s.lag_one_way_us,
            lag_min_us: s.lag_min_us,
            merge_gap_us: s.merge_gap_us,
            end_hold_us: s.end_hold_us,
            hint_cooldown_us: s.hint_cooldown_us,
            max_ruptures: s.max_ruptures,
            decode_audio: s.decode_audio != 0,
            decode_video: s.decode_video != 0,
            statistics_only: s.statistics_only != 0,
        }
    }
    /// The C struct (version set).
    pub fn to_raw(&self) -> sys::rup_settings {
        sys::rup_settings {
            version: sys::RUP_SETTINGS_VERSION as u32,
            max_streams: self.max_streams,
            max_queued_events: self.max_queued_events,
            burst_gmin: self.burst_gmin,
            report_interval_us: self.report_interval_us,
            stall_timeout_us: self.stall_timeout_us,
            video_reorder_wait_us: self.video_reorder_wait_us,
            audio_min_delay_us: self.audio_min_delay_us,
            audio_max_delay_us: self.audio_max_delay_us,
            payload_opaque: i32::from(self.payload_opaque),
            audio_dropout_min_us: self.audio_dropout_min_us,
            choppy_count: self.choppy_count,
            choppy_window_us: self.choppy_window_us,
            video_freeze_min_us: self.video_freeze_min_us,
            connection_lost_min_us: self.connection_lost_min_us,
            lag_one_way_us: self.lag_one_way_us,
            lag_min_us: self.lag_min_us,
            merge_gap_us: self.merge_gap_us,
            end_hold_us: self.end_hold_us,
            hint_cooldown_us: self.hint_cooldown_us,
            max_ruptures: self.max_ruptures,
            decode_audio: i32::from(self.decode_audio),
            decode_video: i32::from(self.decode_video),
            statistics_only: i32::from(self.statistics_only),
        }
    }
    /// Builder-style: set the poll-queue capacity.
    pub fn with_queue(mut self, max_queued_events: u32) -> Settings {
        self.max_queued_events = max_queued_events;
        self
    }
}
