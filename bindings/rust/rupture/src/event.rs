use crate::types::{Cause, Codec, Direction, ImpairmentKind, Media, Repair, RuptureType, Severity};
use rupture_sys as sys;

/// A rupture, as delivered in events and kept in the session's history.
#[derive(Debug, Clone, PartialEq)]
pub struct Rupture {
    /// 1, 2, ... in order of beginning; kept through escalation.
    pub id: u32,
    /// What the person experiences.
    pub rupture_type: RuptureType,
    /// Technical cause.
    pub cause: Cause,
    /// Severity.
    pub severity: Severity,
    /// Inbound = the local user misses the remote; outbound = the reverse.
    pub direction: Direction,
    /// Participant index.
    pub participant: u32,
    /// Streams involved.
    pub ssrcs: Vec<u32>,
    /// When the experience broke, µs.
    pub start_us: i64,
    /// When the library knew, µs.
    pub detected_us: i64,
    /// When it ended; `None` while it lasts (C `end_us == 0`).
    pub end_us: Option<i64>,
    /// Seconds of the other side's speech inside it; `None` if speech activity is unknown.
    pub speech_missed_s: Option<f64>,
    /// Repair hint.
    pub repair: Repair,
    /// When the host acknowledged it (`Session::ack_rupture`), if it did.
    pub acknowledged_us: Option<i64>,
}

impl Rupture {
    /// From the C struct.
    pub fn from_raw(r: &sys::rup_rupture) -> Rupture {
        let n = (r.ssrc_count as usize).min(sys::RUP_RUPTURE_MAX_SSRCS);
        Rupture {
            id: r.id,
            rupture_type: RuptureType::from_raw(r.type_),
            cause: Cause::from_raw(r.cause),
            severity: Severity::from_raw(r.severity),
            direction: Direction::from_raw(r.direction),
            participant: r.participant,
            ssrcs: r.ssrcs[..n].to_vec(),
            start_us: r.start_us,
            detected_us: r.detected_us,
            end_us: (r.end_us != 0).then_some(r.end_us),
            speech_missed_s: (r.speech_known != 0).then_some(r.speech_missed_s),
            repair: Repair::from_raw(r.repair),
            acknowledged_us: (r.acknowledged != 0).then_some(r.acknowledged_us),
        }
    }
    /// Duration in µs, if it ended.
    pub fn duration_us(&self) -> Option<i64> {
        self.end_us.map(|e| e - self.start_us)
    }
}

/// Evidence flags of an impairment (`RUP_EVIDENCE_*` bits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Evidence(pub u32);

impl Evidence {
    /// Packets missing.
    pub const SEQ_GAP: u32 = sys::RUP_EVIDENCE_SEQ_GAP as u32;
    /// Packets late.
    pub const LATE: u32 = sys::RUP_EVIDENCE_LATE as u32;
    /// Nothing arrived.
    pub const NO_PACKETS: u32 = sys::RUP_EVIDENCE_NO_PACKETS as u32;
    /// References lost.
    pub const UNDECODABLE: u32 = sys::RUP_EVIDENCE_UNDECODABLE as u32;
    /// The sender went quiet (retracted).
    pub const SENDER_PAUSED: u32 = sys::RUP_EVIDENCE_SENDER_PAUSED as u32;
    /// Whether every bit of `flag` is set.
    pub fn contains(self, flag: u32) -> bool {
        self.0 & flag == flag
    }
}

/// Begin or end of an impairment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ImpairmentPhase {
    /// It began.
    Begin,
    /// It ended.
    End,
}

/// An event of the session, from a callback or [`crate::Session::events`].
/// Every variant carries `time_us`, the session time when it happened.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// A new stream entered the stream table.
    StreamAdded {
        /// Session time, µs.
        time_us: i64,
        /// SSRC.
        ssrc: u32,
        /// Direction.
        direction: Direction,
        /// Index for [`crate::Session::stream_stats`].
        index: usize,
        /// Codec known at creation.
        codec: Codec,
        /// Media known at creation.
        media: Media,
    },
    /// A stream-level impairment began or ended.
    Impairment {
        /// Session time, µs.
        time_us: i64,
        /// Stream SSRC.
        ssrc: u32,
        /// Direction.
        direction: Direction,
        /// Stream index.
        index: usize,
        /// Kind.
        kind: ImpairmentKind,
        /// Begin or end.
        phase: ImpairmentPhase,
        /// What explains it.
        evidence: Evidence,
        /// When playback broke.
        start_us: i64,
        /// When the threshold was passed.
        detected_us: i64,
        /// When playback recovered (end phase only).
        end_us: Option<i64>,
        /// Packets missing inside it.
        lost_packets: u32,
        /// Packets that came too late.
        late_packets: u32,
    },
    /// A rupture began.
    RuptureBegin {
        /// Session time, µs.
        time_us: i64,
        /// The rupture.
        rupture: Rupture,
    },
    /// A rupture changed type, cause, severity or hint while it lasts (same id).
    RuptureUpdate {
        /// Session time, µs.
        time_us: i64,
        /// The rupture.
        rupture: Rupture,
    },
    /// A rupture ended (`end_us` set).
    RuptureEnd {
        /// Session time, µs.
        time_us: i64,
        /// The rupture.
        rupture: Rupture,
    },
    /// A participant's quality level changed.
    QualityChange {
        /// Session time, µs.
        time_us: i64,
        /// Participant index.
        participant: u32,
        /// Direction.
        direction: Direction,
        /// New level 0 (unusable) .. 5 (excellent).
        level: i32,
        /// Level before, `None` for the first report.
        previous_level: Option<i32>,
        /// Smoothed E-model MOS behind the level.
        mos: f64,
    },
    /// An event type this binding does not know.
    Other {
        /// Session time, µs.
        time_us: i64,
        /// The C `type`.
        event_type: i32,
    },
}

impl Event {
    /// From the C event, reading the union member named by its type.
    pub fn from_raw(ev: &sys::rup_event) -> Event {
        let time_us = ev.time_us;
        // SAFETY: the library fills the member named by `type`; every member is
        // plain integers/floats, so any bit pattern is a valid value anyway.
        unsafe {
            match ev.type_ {
                sys::RUP_EVENT_STREAM_ADDED => {
                    let s = ev.u.stream;
                    Event::StreamAdded {
                        time_us,
                        ssrc: s.ssrc,
                        direction: Direction::from_raw(s.direction),
                        index: s.index as usize,
                        codec: Codec::from_raw(s.codec),
                        media: Media::from_raw(s.media),
                    }
                }
                sys::RUP_EVENT_IMPAIRMENT => {
                    let i = ev.u.impairment;
                    Event::Impairment {
                        time_us,
                        ssrc: i.ssrc,
                        direction: Direction::from_raw(i.direction),
                        index: i.index as usize,
                        kind: ImpairmentKind::from_raw(i.kind),
                        phase: if i.phase == 0 { ImpairmentPhase::Begin } else { ImpairmentPhase::End },
                        evidence: Evidence(i.evidence),
                        start_us: i.start_us,
                        detected_us: i.detected_us,
                        end_us: (i.phase != 0).then_some(i.end_us),
                        lost_packets: i.lost_packets,
                        late_packets: i.late_packets,
                    }
                }
                sys::RUP_EVENT_RUPTURE_BEGIN => {
                    Event::RuptureBegin { time_us, rupture: Rupture::from_raw(&ev.u.rupture) }
                }
                sys::RUP_EVENT_RUPTURE_UPDATE => {
                    Event::RuptureUpdate { time_us, rupture: Rupture::from_raw(&ev.u.rupture) }
                }
                sys::RUP_EVENT_RUPTURE_END => {
                    Event::RuptureEnd { time_us, rupture: Rupture::from_raw(&ev.u.rupture) }
                }
                sys::RUP_EVENT_QUALITY_CHANGE => {
                    let q = ev.u.quality;
                    Event::QualityChange {
                        time_us,
                        participant: q.participant,
                        direction: Direction::from_raw(q.direction),
                        level: q.level,
                        previous_level: (q.previous_level >= 0).then_some(q.previous_level),
                        mos: q.mos,
                    }
                }
                t => Event::Other { time_us, event_type: t },
            }
        }
    }

    /// Session time of the event, µs.
    pub fn time_us(&self) -> i64 {
        match self {
            Event::StreamAdded { time_us, .. }
            | Event::Impairment { time_us, .. }
            | Event::RuptureBegin { time_us, .. }
            | Event::RuptureUpdate { time_us, .. }
            | Event::RuptureEnd { time_us, .. }
            | Event::QualityChange { time_us, .. }
            | Event::Other { time_us, .. } => *time_us,
        }
    }

    /// The rupture of a rupture event.
    pub fn rupture(&self) -> Option<&Rupture> {
        match self {
            Event::RuptureBegin { rupture, .. }
            | Event::RuptureUpdate { rupture, .. }
            | Event::RuptureEnd { rupture, .. } => Some(rupture),
            _ => None,
        }
    }
}
