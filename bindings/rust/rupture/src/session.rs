use crate::endpoint::Endpoint;
use crate::error::{check, Error, Result};
use crate::event::{Event, Rupture};
use crate::settings::Settings;
use crate::stats::{Counters, StreamStats, Summary};
use crate::trace::Trace;
use crate::types::{Codec, Direction};
use rupture_sys as sys;
use std::any::Any;
use std::cell::Cell;
use std::ffi::{c_int, c_void, CString};
use std::marker::PhantomData;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};
use std::ptr::{self, NonNull};

type Callback = Box<dyn FnMut(&Event) + Send + 'static>;

/// Callbacks of a session: boxed closures, one per event type, and/or one
/// for every event ([`Callbacks::on_event`], called after the per-type one).
///
/// A callback runs inside the C call that produced the event (push, advance,
/// finish, replay, ...). **A panic in a callback** is caught at the FFI
/// boundary (it must not unwind through C), the C call is told to fail
/// (`RUP_ERR_CALLBACK_FAILURE`: statistics stay committed, later events of
/// that call are not lost but queued for polling, if the queue is enabled),
/// and once the C call has returned the panic is **resumed**
/// (`std::panic::resume_unwind`) from the `Session` method that triggered
/// it. The session stays valid and usable if you catch that panic.
#[derive(Default)]
pub struct Callbacks {
    slots: [Option<Callback>; 6], // index = RUP_EVENT_* - 1
    any: Option<Callback>,
}

macro_rules! setter {
    ($(#[$m:meta])* $name:ident, $ty:path) => {
        $(#[$m])*
        pub fn $name(mut self, f: impl FnMut(&Event) + Send + 'static) -> Callbacks {
            self.slots[($ty - 1) as usize] = Some(Box::new(f));
            self
        }
    };
}

impl Callbacks {
    /// No callbacks.
    pub fn new() -> Callbacks {
        Callbacks::default()
    }
    setter!(
        /// A stream appeared ([`Event::StreamAdded`]).
        on_stream_added, sys::RUP_EVENT_STREAM_ADDED);
    setter!(
        /// An impairment began or ended ([`Event::Impairment`]).
        on_impairment, sys::RUP_EVENT_IMPAIRMENT);
    setter!(
        /// A rupture began ([`Event::RuptureBegin`]).
        on_rupture_begin, sys::RUP_EVENT_RUPTURE_BEGIN);
    setter!(
        /// A rupture changed ([`Event::RuptureUpdate`]).
        on_rupture_update, sys::RUP_EVENT_RUPTURE_UPDATE);
    setter!(
        /// A rupture ended ([`Event::RuptureEnd`]).
        on_rupture_end, sys::RUP_EVENT_RUPTURE_END);
    setter!(
        /// A quality level changed ([`Event::QualityChange`]).
        on_quality_change, sys::RUP_EVENT_QUALITY_CHANGE);
    /// One closure for every event.
    pub fn on_event(mut self, f: impl FnMut(&Event) + Send + 'static) -> Callbacks {
        self.any = Some(Box::new(f));
        self
    }
    fn is_empty(&self) -> bool {
        self.any.is_none() && self.slots.iter().all(Option::is_none)
    }
}

/// What `user_data` points to.
struct CbState {
    cbs: Callbacks,
    panic: Option<Box<dyn Any + Send + 'static>>,
}

unsafe extern "C" fn trampoline(
    _s: *mut sys::rup_session,
    ev: *const sys::rup_event,
    ud: *mut c_void,
) -> c_int {
    if ev.is_null() || ud.is_null() {
        return 0;
    }
    // SAFETY: ud is the CbState owned by the Session making this C call; the
    // session is borrowed mutably for the call, so nothing else touches it.
    let state = unsafe { &mut *(ud as *mut CbState) };
    if state.panic.is_some() {
        return 1; // a callback of this call already panicked: stop there
    }
    // SAFETY: the event is valid during the callback.
    let raw = unsafe { &*ev };
    let cbs = &mut state.cbs;
    let r = catch_unwind(AssertUnwindSafe(|| {
        let event = Event::from_raw(raw);
        let slot = usize::try_from(raw.type_ - 1).ok().and_then(|i| cbs.slots.get_mut(i));
        if let Some(Some(f)) = slot {
            f(&event);
        }
        if let Some(f) = cbs.any.as_mut() {
            f(&event);
        }
    }));
    match r {
        Ok(()) => 0,
        Err(p) => {
            state.panic = Some(p);
            1
        }
    }
}

/// A session: one call's RTP/RTCP, its statistics and its events.
///
/// `Send` (move it to another thread) but not `Sync`: the C session is not
/// thread-safe, and every mutating call takes `&mut self`. Dropping it frees
/// the C session (`rup_session_del`) and the callbacks.
pub struct Session {
    raw: NonNull<sys::rup_session>,
    state: *mut CbState, // Box::into_raw, or null without callbacks
    _not_sync: PhantomData<Cell<()>>,
}

// SAFETY: the C session has no thread affinity ("call it from one thread at a
// time"); the callbacks are `Send`. `Cell` keeps it !Sync.
unsafe impl Send for Session {}

fn cstring(s: &str) -> Result<CString> {
    CString::new(s).map_err(|_| Error::from_code(sys::RUP_ERR_INVALID_ARGUMENT))
}

impl Session {
    /// A session without callbacks.
    pub fn new(settings: &Settings) -> Result<Session> {
        Session::with_callbacks(settings, Callbacks::new())
    }

    /// A session whose events go to `callbacks`.
    pub fn with_callbacks(settings: &Settings, callbacks: Callbacks) -> Result<Session> {
        let st = settings.to_raw();
        let mut cb = sys::rup_callbacks { version: sys::RUP_CALLBACKS_VERSION, ..Default::default() };
        let mut state: *mut CbState = ptr::null_mut();
        if !callbacks.is_empty() {
            let f: sys::rup_event_cb = Some(trampoline);
            let want = |t: c_int| callbacks.any.is_some() || callbacks.slots[(t - 1) as usize].is_some();
            if want(sys::RUP_EVENT_STREAM_ADDED) {
                cb.on_stream_added = f;
            }
            if want(sys::RUP_EVENT_IMPAIRMENT) {
                cb.on_impairment = f;
            }
            if want(sys::RUP_EVENT_RUPTURE_BEGIN) {
                cb.on_rupture_begin = f;
            }
            if want(sys::RUP_EVENT_RUPTURE_UPDATE) {
                cb.on_rupture_update = f;
            }
            if want(sys::RUP_EVENT_RUPTURE_END) {
                cb.on_rupture_end = f;
            }
            if want(sys::RUP_EVENT_QUALITY_CHANGE) {
                cb.on_quality_change = f;
            }
            state = Box::into_raw(Box::new(CbState { cbs: callbacks, panic: None }));
        }
        let mut out: *mut sys::rup_session = ptr::null_mut();
        // SAFETY: valid pointers; settings and callbacks are copied by the library.
        let rc = unsafe { sys::rup_session_new(&mut out, &st, &cb, ptr::null(), state as *mut c_void) };
        match (check(rc), NonNull::new(out)) {
            (Ok(_), Some(raw)) => Ok(Session { raw, state, _not_sync: PhantomData }),
            (r, _) => {
                if !state.is_null() {
                    // SAFETY: from Box::into_raw above, not shared.
                    drop(unsafe { Box::from_raw(state) });
                }
                Err(r.err().unwrap_or(Error::from_code(sys::RUP_ERR_INTERNAL)))
            }
        }
    }

    /// The C handle (owned by this `Session`; do not free it).
    pub fn as_ptr(&self) -> *mut sys::rup_session {
        self.raw.as_ptr()
    }

    /// After a C call that may run callbacks: resume a callback's panic, else map the code.
    fn after_call(&mut self, rc: c_int) -> Result<i32> {
        if !self.state.is_null() {
            // SAFETY: the C call returned; we are the only user of the state.
            if let Some(p) = unsafe { (*self.state).panic.take() } {
                resume_unwind(p);
            }
        }
        check(rc)
    }

    /// Tell the session what a stream is (from SDP). `clock_rate` 0 = the codec's default.
    pub fn describe_stream(
        &mut self,
        ssrc: u32,
        codec: Codec,
        payload_type: u8,
        clock_rate: u32,
        direction: Direction,
    ) -> Result<()> {
        // SAFETY: valid handle.
        let rc = unsafe {
            sys::rup_session_describe_stream(
                self.as_ptr(),
                ssrc,
                codec.to_raw(),
                c_int::from(payload_type),
                clock_rate,
                direction.to_raw(),
            )
        };
        self.after_call(rc).map(drop)
    }

    /// Map an RTP header extension ID to its URI (from SDP `a=extmap`).
    pub fn map_extension(&mut self, id: i32, uri: &str) -> Result<()> {
        let uri = cstring(uri)?;
        // SAFETY: valid handle and string.
        let rc = unsafe { sys::rup_session_map_extension(self.as_ptr(), id, uri.as_ptr()) };
        check(rc).map(drop)
    }

    /// Push one UDP payload (RTP, RTCP, STUN, DTLS or TURN ChannelData).
    /// Malformed input gives `Err(ErrorKind::Malformed)` and is counted; the
    /// session stays usable.
    pub fn push_packet(&mut self, buf: &[u8], direction: Direction, arrival_us: i64) -> Result<()> {
        // SAFETY: buf is borrowed for the call.
        let rc = unsafe {
            sys::rup_session_push_packet(
                self.as_ptr(),
                buf.as_ptr(),
                buf.len(),
                direction.to_raw(),
                arrival_us,
            )
        };
        self.after_call(rc).map(drop)
    }

    /// Like [`Session::push_packet`], with the transport addresses.
    pub fn push_udp(
        &mut self,
        buf: &[u8],
        direction: Direction,
        arrival_us: i64,
        src: Option<&Endpoint>,
        dst: Option<&Endpoint>,
    ) -> Result<()> {
        let src = src.map_or(ptr::null(), |e| &e.0 as *const sys::rup_endpoint);
        let dst = dst.map_or(ptr::null(), |e| &e.0 as *const sys::rup_endpoint);
        // SAFETY: all pointers borrowed for the call.
        let rc = unsafe {
            sys::rup_session_push_udp(
                self.as_ptr(),
                buf.as_ptr(),
                buf.len(),
                direction.to_raw(),
                arrival_us,
                src,
                dst,
            )
        };
        self.after_call(rc).map(drop)
    }

    /// When [`Session::advance`] should next be called; `None` when nothing is pending.
    pub fn next_deadline(&self) -> Option<i64> {
        // SAFETY: valid handle.
        let d = unsafe { sys::rup_session_next_deadline(self.as_ptr()) };
        (d != i64::MAX).then_some(d)
    }

    /// Let session time pass without packets.
    pub fn advance(&mut self, now_us: i64) -> Result<()> {
        // SAFETY: valid handle.
        let rc = unsafe { sys::rup_session_advance(self.as_ptr(), now_us) };
        self.after_call(rc).map(drop)
    }

    /// End of input: close every open impairment at `now_us`. Afterwards push
    /// and advance give `ErrorKind::InvalidState`; statistics stay readable.
    pub fn finish(&mut self, now_us: i64) -> Result<()> {
        // SAFETY: valid handle.
        let rc = unsafe { sys::rup_session_finish(self.as_ptr(), now_us) };
        self.after_call(rc).map(drop)
    }

    /// Record that the host acted on a rupture.
    pub fn ack_rupture(&mut self, id: u32, now_us: i64) -> Result<()> {
        #[cfg(rupture_ruptures)]
        {
            // SAFETY: valid handle.
            let rc = unsafe { sys::rup_session_ack_rupture(self.as_ptr(), id, now_us) };
            self.after_call(rc).map(drop)
        }
        #[cfg(not(rupture_ruptures))]
        {
            let _ = (id, now_us);
            Err(Error::from_code(sys::RUP_ERR_UNSUPPORTED))
        }
    }

    /// Tell the session that a stream is paused on purpose (camera off, muted).
    pub fn set_stream_paused(&mut self, ssrc: u32, direction: Direction, paused: bool) -> Result<()> {
        #[cfg(rupture_ruptures)]
        {
            // SAFETY: valid handle.
            let rc = unsafe {
                sys::rup_session_set_stream_paused(
                    self.as_ptr(),
                    ssrc,
                    direction.to_raw(),
                    c_int::from(paused),
                )
            };
            self.after_call(rc).map(drop)
        }
        #[cfg(not(rupture_ruptures))]
        {
            let _ = (ssrc, direction, paused);
            Err(Error::from_code(sys::RUP_ERR_UNSUPPORTED))
        }
    }

    /// Number of ruptures in the history (0 if the library lacks detection).
    pub fn rupture_count(&self) -> usize {
        #[cfg(rupture_ruptures)]
        // SAFETY: valid handle.
        return unsafe { sys::rup_session_get_rupture_count(self.as_ptr()) };
        #[cfg(not(rupture_ruptures))]
        0
    }

    /// One rupture of the history, oldest first.
    pub fn rupture(&self, index: usize) -> Result<Rupture> {
        #[cfg(rupture_ruptures)]
        {
            let mut r = sys::rup_rupture::default();
            // SAFETY: valid handle and out-pointer.
            check(unsafe { sys::rup_session_get_rupture(self.as_ptr(), index, &mut r) })?;
            Ok(Rupture::from_raw(&r))
        }
        #[cfg(not(rupture_ruptures))]
        {
            let _ = index;
            Err(Error::from_code(sys::RUP_ERR_UNSUPPORTED))
        }
    }

    /// The whole rupture history, oldest first.
    pub fn ruptures(&self) -> Result<Vec<Rupture>> {
        (0..self.rupture_count()).map(|i| self.rupture(i)).collect()
    }

    /// Summary of ruptures and quality so far.
    pub fn summary(&self) -> Result<Summary> {
        #[cfg(rupture_ruptures)]
        {
            let mut s = sys::rup_summary::default();
            // SAFETY: valid handle and out-pointer.
            check(unsafe {
                sys::rup_session_get_summary_versioned(self.as_ptr(), sys::RUP_SUMMARY_VERSION, &mut s)
            })?;
            Ok(Summary::from_raw(&s))
        }
        #[cfg(not(rupture_ruptures))]
        Err(Error::from_code(sys::RUP_ERR_UNSUPPORTED))
    }

    /// Take the next queued event (needs `Settings::max_queued_events > 0`).
    pub fn poll_event(&mut self) -> Option<Event> {
        let mut ev: *const sys::rup_event = ptr::null();
        // SAFETY: valid handle; the event is copied before the next call.
        let rc = unsafe { sys::rup_session_poll_event(self.as_ptr(), &mut ev) };
        if rc == 1 && !ev.is_null() {
            // SAFETY: valid until the next call on the session.
            Some(Event::from_raw(unsafe { &*ev }))
        } else {
            None
        }
    }

    /// Iterator draining the poll queue (needs `Settings::max_queued_events > 0`).
    pub fn events(&mut self) -> Events<'_> {
        Events { session: self }
    }

    /// Number of streams (indices 0..count, in order of appearance).
    pub fn stream_count(&self) -> usize {
        // SAFETY: valid handle.
        unsafe { sys::rup_session_get_stream_count(self.as_ptr()) }
    }

    /// Index of a stream.
    pub fn find_stream(&self, ssrc: u32, direction: Direction) -> Option<usize> {
        let mut i = 0usize;
        // SAFETY: valid handle and out-pointer.
        let rc = unsafe { sys::rup_session_find_stream(self.as_ptr(), ssrc, direction.to_raw(), &mut i) };
        (rc == 0).then_some(i)
    }

    /// Statistics of one stream.
    pub fn stream_stats(&self, index: usize) -> Result<StreamStats> {
        let mut st = sys::rup_stream_stats::default();
        // SAFETY: valid handle and out-pointer.
        check(unsafe {
            sys::rup_session_get_stream_stats_versioned(
                self.as_ptr(),
                index,
                sys::RUP_STREAM_STATS_VERSION,
                &mut st,
            )
        })?;
        Ok(StreamStats::from_raw(&st))
    }

    /// Statistics of every stream, by index.
    pub fn streams(&self) -> Result<Vec<StreamStats>> {
        (0..self.stream_count()).map(|i| self.stream_stats(i)).collect()
    }

    /// Session-wide counters.
    pub fn counters(&self) -> Result<Counters> {
        let mut c = sys::rup_session_counters::default();
        // SAFETY: valid handle and out-pointer.
        check(unsafe {
            sys::rup_session_get_counters_versioned(self.as_ptr(), sys::RUP_SESSION_COUNTERS_VERSION, &mut c)
        })?;
        Ok(Counters::from_raw(&c))
    }

    /// Replay a capture through this session at capture time (`rup_replay`),
    /// reading `trace` to its end; packets from `local` addresses are
    /// outbound. Ends with `finish` at the last record. A trace error
    /// (`Truncated`, ...) is returned after everything before it was
    /// replayed; the statistics stay readable.
    pub fn replay(&mut self, trace: &mut Trace, local: &[Endpoint]) -> Result<()> {
        let eps: Vec<sys::rup_endpoint> = local.iter().map(|e| e.0).collect();
        let opt = sys::rup_replay_options {
            version: sys::RUP_REPLAY_OPTIONS_VERSION,
            local: if eps.is_empty() { ptr::null() } else { eps.as_ptr() },
            local_count: eps.len(),
            on_progress: None,
            user_data: ptr::null_mut(),
            tick_interval_us: 0,
            on_tick: None,
        };
        // SAFETY: valid handles; options borrowed for the call.
        let rc = unsafe { sys::rup_replay(self.as_ptr(), trace.as_ptr(), &opt) };
        self.after_call(rc).map(drop)
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        // SAFETY: we own the handle; no callback can run after del.
        unsafe { sys::rup_session_del(self.raw.as_ptr()) };
        if !self.state.is_null() {
            // SAFETY: from Box::into_raw in with_callbacks.
            drop(unsafe { Box::from_raw(self.state) });
        }
    }
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("raw", &self.raw).field("streams", &self.stream_count()).finish()
    }
}

/// Iterator over queued events ([`Session::events`]); ends when the queue is empty.
pub struct Events<'a> {
    session: &'a mut Session,
}

impl Iterator for Events<'_> {
    type Item = Event;
    fn next(&mut self) -> Option<Event> {
        self.session.poll_event()
    }
}
