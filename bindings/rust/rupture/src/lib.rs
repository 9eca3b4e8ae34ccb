//! Safe Rust API of librupture: technical ruptures of a video call, measured
//! from its RTP/RTCP, pushed live or replayed from a capture.
//!
//! * [`Session`] — push packets ([`Session::push_packet`]), let time pass
//!   ([`Session::advance`]), read [`StreamStats`], get [`Event`]s through
//!   [`Callbacks`] (boxed closures) or the [`Session::events`] iterator.
//! * [`replay`] — replay a pcap/pcapng(.gz) capture and get a [`Report`]
//!   (streams, ruptures, summary), the content of `rupture replay --json`.
//! * [`Trace`] — iterate the UDP datagrams of a capture.
//!
//! Time is injected: every call takes monotonic microseconds on a base you
//! choose; the library never reads a clock. Errors are [`Error`] values
//! carrying the C code, its name and its message.
//!
//! ```no_run
//! let report = rupture::replay("call.pcap.gz", &["10.0.0.1"])?;
//! for r in &report.ruptures {
//!     println!("{} {} at {:.1}s", r.rupture_type, r.cause, report.rel_s(r.start_us));
//! }
//! # Ok::<(), rupture::Error>(())
//! ```
#![warn(missing_docs)]

mod endpoint;
mod error;
mod event;
mod replay;
mod session;
mod settings;
mod stats;
mod trace;
mod types;

pub use endpoint::Endpoint;
pub use error::{Error, ErrorKind, Result};
pub use event::{Event, Evidence, ImpairmentPhase, Rupture};
pub use replay::{replay, replay_with, Report};
pub use session::{Callbacks, Events, Session};
pub use settings::Settings;
pub use stats::{Counters, RemoteReport, StreamStats, Summary};
pub use trace::{Packet, Trace, TraceFormat, TraceInfo};
pub use types::{Cause, Codec, Direction, ImpairmentKind, Media, Repair, RuptureType, Severity};

/// The raw declarations (`rupture-sys`), for what the safe API does not cover.
pub use rupture_sys as sys;

/// Version of the loaded library as 0xMMmmpp.
pub fn version_num() -> u32 {
    // SAFETY: no arguments, thread-safe.
    unsafe { sys::rup_version_num() }
}

/// Version of the loaded library, "x.y.z".
pub fn version_string() -> &'static str {
    // SAFETY: returns a static NUL-terminated string.
    unsafe { error::static_str(sys::rup_version_string()) }
}

/// Whether this build links a library that exports the rupture-detection
/// calls (`rup_session_get_rupture*`, summary, ack, pause). Without them
/// those calls return [`ErrorKind::Unsupported`] and reports have no ruptures.
pub const HAS_RUPTURES: bool = cfg!(rupture_ruptures);

/// The README's examples, compiled as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
