use crate::endpoint::Endpoint;
use crate::error::{Error, ErrorKind, Result};
use crate::event::Rupture;
use crate::session::Session;
use crate::settings::Settings;
use crate::stats::{Counters, StreamStats, Summary};
use crate::trace::{Trace, TraceInfo};
use std::path::{Path, PathBuf};

/// The result of [`replay`]: the content of `rupture replay --json`
/// (docs/json.md), as typed values read through the public C API.
#[derive(Debug, Clone)]
pub struct Report {
    /// The capture path as given.
    pub path: PathBuf,
    /// What the reader saw (format, records, first/last timestamps).
    pub input: TraceInfo,
    /// Session counters (RTP, RTCP, other, malformed packets).
    pub counters: Counters,
    /// Every stream, in order of appearance.
    pub streams: Vec<StreamStats>,
    /// Every rupture, oldest first (empty if the library lacks detection, see [`crate::HAS_RUPTURES`]).
    pub ruptures: Vec<Rupture>,
    /// Rupture summary (all zero/`None` if the library lacks detection).
    pub summary: Summary,
    /// A capture error that stopped the replay early (`Truncated`, ...);
    /// everything before it is in the report. The CLI exits with 4 then.
    pub trace_error: Option<Error>,
}

impl Report {
    /// The time base of all `*_s` values of the JSON: the first record of the
    /// capture (else the first packet of any stream), µs.
    pub fn base_us(&self) -> i64 {
        self.input
            .first_ts_us
            .or_else(|| self.streams.iter().filter(|s| s.packets > 0).map(|s| s.first_arrival_us).min())
            .unwrap_or(0)
    }
    /// Seconds from [`Report::base_us`], computed as the JSON does.
    pub fn rel_s(&self, t_us: i64) -> f64 {
        (t_us - self.base_us()) as f64 / 1e6
    }
    /// Last record − first record, s.
    pub fn duration_s(&self) -> f64 {
        self.rel_s(self.input.last_ts_us.max(self.base_us()))
    }
}

/// Replay a capture with default settings; packets sent from a `local`
/// address ("IP" or "IP:port") are outbound.
pub fn replay(path: impl AsRef<Path>, local: &[&str]) -> Result<Report> {
    replay_with(path, local, &Settings::default())
}

/// [`replay`] with settings.
pub fn replay_with(path: impl AsRef<Path>, local: &[&str], settings: &Settings) -> Result<Report> {
    let path = path.as_ref();
    let local: Vec<Endpoint> = local.iter().map(|s| Endpoint::parse(s)).collect::<Result<_>>()?;
    let mut trace = Trace::open(path)?;
    let mut session = Session::new(settings)?;
    let trace_error = match session.replay(&mut trace, &local) {
        Ok(()) => None,
        Err(e) if e.is_fatal() => return Err(e),
        Err(e) if matches!(e.kind(), ErrorKind::Truncated | ErrorKind::Malformed | ErrorKind::Io) => Some(e),
        Err(e) => return Err(e),
    };
    let summary = match session.summary() {
        Ok(s) => s,
        Err(e) if e.kind() == ErrorKind::Unsupported => Summary::default(),
        Err(e) => return Err(e),
    };
    Ok(Report {
        path: path.to_path_buf(),
        input: trace.info(),
        counters: session.counters()?,
        streams: session.streams()?,
        ruptures: session.ruptures()?,
        summary,
        trace_error,
    })
}
