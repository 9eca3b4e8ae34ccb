"""rupture.Session: one rup_session, its callbacks and its poll queue."""

import json
import os
import threading

from ._errors import RuptureError, check, invalid_argument, invalid_state
from ._native import ffi, lib
from ._types import (Codec, Counters, Direction, Rupture, StreamStats, Summary, endpoint_arg, enum_arg,
                     event_from_c)

INT64_MAX = (1 << 63) - 1
INT64_MIN = -(1 << 63)

# Poll-queue capacity the binding asks for when the user wants to iterate events.
DEFAULT_QUEUED_EVENTS = 4096

# Event type -> the constructor keyword (= the rup_callbacks member) that receives it.
_EVENT_CALLBACK = {
    lib.RUP_EVENT_STREAM_ADDED: "on_stream_added",
    lib.RUP_EVENT_IMPAIRMENT: "on_impairment",
    lib.RUP_EVENT_RUPTURE_BEGIN: "on_rupture_begin",
    lib.RUP_EVENT_RUPTURE_UPDATE: "on_rupture_update",
    lib.RUP_EVENT_RUPTURE_END: "on_rupture_end",
    lib.RUP_EVENT_QUALITY_CHANGE: "on_quality_change",
}

SETTINGS = tuple(name for name, _ in ffi.typeof("rup_settings").fields if name != "version")


def default_settings():
    """The library's default settings as a dict (rup_settings_default())."""
    st = ffi.new("rup_settings *")
    check(lib.rup_settings_default_versioned(lib.RUP_SETTINGS_VERSION, st))
    return {name: getattr(st, name) for name in SETTINGS}


def i64(value, what):
    """An int64 argument; a value out of range is RUP_ERR_INVALID_ARGUMENT."""
    return _int(value, what, INT64_MIN, INT64_MAX)


def _int(value, what, lo, hi):
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, not %s" % (what, type(value).__name__))
    if not lo <= value <= hi:
        raise invalid_argument("%s=%d is out of range" % (what, value))
    return value


def u32(value, what):
    return _int(value, what, 0, 0xFFFFFFFF)


def cint(value, what):
    return _int(value, what, -(1 << 31), (1 << 31) - 1)


def index_arg(index):
    """A size_t index; a negative or huge one is RUP_ERR_NOT_FOUND like any missing index."""
    if isinstance(index, bool) or not isinstance(index, int):
        raise TypeError("index must be an int, not %s" % type(index).__name__)
    if not 0 <= index < (1 << 64):
        raise RuptureError(lib.RUP_ERR_NOT_FOUND)
    return index


class _State:
    """What the C callbacks reach through user_data: the user's callables and the first
    exception one of them raised. It holds no reference to the Session, so dropping
    the Session frees the C object at once."""

    def __init__(self, callbacks):
        self.callbacks = callbacks
        self.error = None

    def take_error(self):
        err, self.error = self.error, None
        return err


@ffi.def_extern(error=1)
def _rup_py_on_event(s, ev, user_data):
    state = ffi.from_handle(user_data)
    try:
        fn = state.callbacks.get(_EVENT_CALLBACK.get(ev.type))
        if fn is not None:
            fn(event_from_c(ev))  # ev is valid only during this call: converted first
        return 0
    except BaseException as e:  # noqa: B902 - re-raised from the call that triggered it
        if state.error is None:
            state.error = e
        elif hasattr(state.error, "add_note"):
            state.error.add_note("a later callback of the same call also raised %r" % (e,))
        return 1


class _Progress:
    def __init__(self, fn):
        self.fn = fn
        self.error = None
        self.stopped = False


@ffi.def_extern(error=1)
def _rup_py_on_progress(done, total, user_data):
    progress = ffi.from_handle(user_data)
    try:
        progress.stopped = bool(progress.fn(done, total))
        return 1 if progress.stopped else 0
    except BaseException as e:  # noqa: B902 - re-raised from replay()
        progress.error = e
        return 1


class Session:
    """A librupture session (rup_session).

    Settings are keyword arguments named like the fields of rup_settings
    (``max_streams=16``, ``stall_timeout_us=2_000_000``...); unknown names raise
    TypeError. Callbacks are plain callables taking one event object:
    ``on_stream_added``, ``on_impairment``, ``on_rupture_begin``,
    ``on_rupture_update``, ``on_rupture_end``, ``on_quality_change``. An
    exception raised by a callback is re-raised from the call that triggered it
    (the C call returns RUP_ERR_CALLBACK_FAILURE; the statistics are committed
    and the session stays usable).

    ``poll_events=True`` enables the poll queue (``max_queued_events``, default
    4096 = DEFAULT_QUEUED_EVENTS) for ``events()`` and ``poll_event()``.

    Use it as a context manager, or call ``close()``: both free the C session.
    A Session is safe to share between threads (calls are serialised).
    """

    def __init__(self, *, poll_events=False, _mem=None, **kwargs):
        self._s = None
        callbacks = {}
        for key in list(kwargs):
            if key in _EVENT_CALLBACK.values():
                fn = kwargs.pop(key)
                if fn is not None and not callable(fn):
                    raise TypeError("%s must be callable" % key)
                if fn is not None:
                    callbacks[key] = fn
        st = ffi.new("rup_settings *")
        check(lib.rup_settings_default_versioned(lib.RUP_SETTINGS_VERSION, st))
        if poll_events and "max_queued_events" not in kwargs:
            kwargs["max_queued_events"] = DEFAULT_QUEUED_EVENTS
        for key, value in kwargs.items():
            if key not in SETTINGS:
                raise TypeError("Session() got an unexpected keyword argument %r" % key)
            if isinstance(value, bool) or not isinstance(value, int):
                raise TypeError("setting %s must be an int" % key)
            try:
                setattr(st, key, value)
            except OverflowError:
                raise invalid_argument("setting %s=%r out of range" % (key, value)) from None
        self._state = _State(callbacks)
        self._handle = ffi.new_handle(self._state)
        cb = ffi.new("rup_callbacks *")
        cb.version = lib.RUP_CALLBACKS_VERSION
        for key in callbacks:
            setattr(cb, key, lib._rup_py_on_event)
        out = ffi.new("rup_session **")
        check(lib.rup_session_new(out, st, cb, _mem if _mem is not None else ffi.NULL, self._handle))
        self._s = out[0]
        self._lock = threading.RLock()
        self._polling = st.max_queued_events > 0
        self._settings = {name: getattr(st, name) for name in SETTINGS}

    # ---- life cycle ----

    def close(self):
        """Free the C session (idempotent). Statistics are no longer readable afterwards."""
        s, self._s = self._s, None
        if s is not None:
            lib.rup_session_del(s)

    @property
    def closed(self):
        return self._s is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_s", None) is not None:
            self.close()

    @property
    def settings(self):
        """The settings the session was created with (a dict)."""
        return dict(self._settings)

    def _raw(self, fn, *args):
        """Call a C function on the session; re-raise a callback's exception; return the code."""
        with self._lock:
            if self._s is None:
                raise invalid_state("the session is closed")
            rc = fn(self._s, *args)
            err = self._state.take_error()
        if err is not None:
            raise err
        return rc

    def _call(self, fn, *args):
        """_raw(), raising RuptureError for a negative code."""
        return check(self._raw(fn, *args))

    # ---- input ----

    def push_packet(self, data, direction, arrival_us):
        """Push one UDP payload (RTP, RTCP, STUN, DTLS or TURN ChannelData).

        Returns True, or False when the datagram was malformed or refused because the
        stream table is full (it is counted; hostile input is not an exception).
        Raises RuptureError for a time regression, a finished/closed session and
        other API errors."""
        return self._push(data, direction, arrival_us, None, None)

    def push_udp(self, data, direction, arrival_us, src=None, dst=None):
        """Like push_packet, with the transport addresses (Endpoint or "ip:port" text)."""
        return self._push(data, direction, arrival_us, src, dst)

    def _push(self, data, direction, arrival_us, src, dst):
        buf = ffi.from_buffer("uint8_t[]", data)
        d = enum_arg(Direction, direction, "direction")
        t = i64(arrival_us, "arrival_us")
        if src is None and dst is None:
            fn, extra = lib.rup_session_push_packet, ()
        else:
            fn = lib.rup_session_push_udp
            extra = (endpoint_arg(src, ffi.new("rup_endpoint *")), endpoint_arg(dst, ffi.new("rup_endpoint *")))
        try:
            self._call(fn, buf, len(buf), d, t, *extra)
        except RuptureError as e:
            if e.code in (lib.RUP_ERR_MALFORMED, lib.RUP_ERR_TOO_MANY_STREAMS):
                return False
            raise
        return True

    def describe_stream(self, ssrc, codec, payload_type, clock_rate=0, direction=Direction.INBOUND):
        """Say what a stream is (from SDP): codec (Codec, int or name such as "opus")."""
        self._call(lib.rup_session_describe_stream, u32(ssrc, "ssrc"), enum_arg(Codec, codec, "codec"),
                   cint(payload_type, "payload_type"), u32(clock_rate, "clock_rate"), enum_arg(Direction, direction, "direction"))

    def map_extension(self, ext_id, uri):
        """Map an RTP header extension ID to its URI (SDP a=extmap)."""
        self._call(lib.rup_session_map_extension, cint(ext_id, "ext_id"), str(uri).encode())

    @property
    def next_deadline(self):
        """When advance() should next be called (µs), or None when nothing is pending."""
        with self._lock:
            if self._s is None:
                raise invalid_state("the session is closed")
            t = lib.rup_session_next_deadline(self._s)
        return None if t == INT64_MAX else t

    def advance(self, now_us):
        """Let session time pass without packets."""
        self._call(lib.rup_session_advance, i64(now_us, "now_us"))

    def finish(self, now_us):
        """End of input: close every open impairment at now_us. Statistics stay readable."""
        self._call(lib.rup_session_finish, i64(now_us, "now_us"))

    def ack_rupture(self, rupture_id, now_us):
        """Record that the host acted on a rupture (its id)."""
        self._call(lib.rup_session_ack_rupture, u32(rupture_id, "rupture_id"), i64(now_us, "now_us"))

    def set_stream_paused(self, ssrc, direction, paused=True):
        """Tell the session a stream is paused on purpose (camera off, muted), or resumed."""
        self._call(lib.rup_session_set_stream_paused, u32(ssrc, "ssrc"),
                   enum_arg(Direction, direction, "direction"), 1 if paused else 0)

    # ---- output ----

    def stream_count(self):
        return self._call(lib.rup_session_get_stream_count)

    def stream(self, index):
        """StreamStats of the stream at index (0 .. stream_count()-1)."""
        out = ffi.new("rup_stream_stats *")
        self._call(lib.rup_session_get_stream_stats_versioned, index_arg(index), lib.RUP_STREAM_STATS_VERSION, out)
        return StreamStats.from_c(out[0])

    def streams(self):
        """StreamStats of every stream, in order of appearance."""
        with self._lock:
            return [self.stream(i) for i in range(self.stream_count())]

    def find_stream(self, ssrc, direction):
        """The index of a stream, or None."""
        out = ffi.new("size_t *")
        try:
            self._call(lib.rup_session_find_stream, u32(ssrc, "ssrc"), enum_arg(Direction, direction, "direction"), out)
        except RuptureError as e:
            if e.code == lib.RUP_ERR_NOT_FOUND:
                return None
            raise
        return out[0]

    def counters(self):
        """Session-wide Counters."""
        out = ffi.new("rup_session_counters *")
        self._call(lib.rup_session_get_counters_versioned, lib.RUP_SESSION_COUNTERS_VERSION, out)
        return Counters.from_c(out[0])

    def rupture_count(self):
        return self._call(lib.rup_session_get_rupture_count)

    def rupture(self, index):
        """The rupture at index of the history (oldest first)."""
        out = ffi.new("rup_rupture *")
        self._call(lib.rup_session_get_rupture, index_arg(index), out)
        return Rupture.from_c(out[0])

    def ruptures(self):
        """Every Rupture of the history, oldest first (ongoing ones included)."""
        with self._lock:
            return [self.rupture(i) for i in range(self.rupture_count())]

    def summary(self):
        """The session Summary."""
        out = ffi.new("rup_summary *")
        self._call(lib.rup_session_get_summary_versioned, lib.RUP_SUMMARY_VERSION, out)
        return Summary.from_c(out[0])

    # ---- polled events ----

    def poll_event(self):
        """The next queued event, or None when the queue is empty."""
        if not self._polling:
            raise invalid_state("the poll queue is disabled: create the Session with poll_events=True")
        pp = ffi.new("const rup_event **")
        with self._lock:
            if self._call(lib.rup_session_poll_event, pp) == 0:
                return None
            return event_from_c(pp[0])  # valid until the next call: converted under the lock

    def events(self):
        """Iterate over the queued events until the queue is empty."""
        while True:
            ev = self.poll_event()
            if ev is None:
                return
            yield ev

    # ---- replay and reports ----

    def replay(self, trace, local=None, on_progress=None):
        """Replay an open Trace through this session at capture time, then finish it.

        local: addresses of the local user ("ip" or "ip:port"; a str or a list); packets
        from them are outbound. on_progress(bytes_read, file_size) is called after each MiB
        and once at the end; a true return value stops the replay.
        Returns True, or False if on_progress stopped it. Raises RuptureError if the capture
        ends in an error (what was read before stays in the session)."""
        locals_ = _endpoints(local)
        opt = ffi.new("rup_replay_options *")
        opt.version = lib.RUP_REPLAY_OPTIONS_VERSION
        opt.local = locals_
        opt.local_count = len(locals_) if locals_ != ffi.NULL else 0
        progress = _Progress(on_progress)
        handle = ffi.new_handle(progress)
        if on_progress is not None:
            opt.on_progress = lib._rup_py_on_progress
            opt.user_data = handle
        rc = self._raw(lib.rup_replay, trace._handle(), opt)
        if progress.error is not None:
            raise progress.error
        if rc == lib.RUP_ERR_CALLBACK_FAILURE and progress.stopped:
            return False
        check(rc)
        return True

    def report_json(self, trace=None, path=None):
        """The JSON document of the session (docs/json.md) as text, like `rupture replay --json`."""
        tp = trace._handle() if trace is not None else ffi.NULL
        cpath = ffi.new("char[]", os.fsencode(path)) if path is not None else ffi.NULL
        bufp = ffi.new("char **")
        sizep = ffi.new("size_t *")
        with self._lock:
            if self._s is None:
                raise invalid_state("the session is closed")
            fp = lib.open_memstream(bufp, sizep)
            if fp == ffi.NULL:
                raise MemoryError("open_memstream failed")
            try:
                rc = lib.rup_report_write_json(self._s, tp, cpath, fp)
            finally:
                closed = lib.fclose(fp)
                try:
                    text = ffi.unpack(bufp[0], sizep[0]) if bufp[0] != ffi.NULL else b""
                finally:
                    lib.free(bufp[0])
        check(rc)
        if closed != 0:
            raise RuptureError(lib.RUP_ERR_IO)
        return text.decode("utf-8")

    def report(self, trace=None, path=None):
        """The JSON document as a Report dataclass (see report_json)."""
        from ._report import Report  # _report imports this module
        return Report.from_dict(json.loads(self.report_json(trace, path)))


def _endpoints(local):
    if local is None:
        return ffi.NULL
    if isinstance(local, (str, bytes)) or not hasattr(local, "__iter__"):
        local = [local]
    items = list(local)
    if not items:
        return ffi.NULL
    arr = ffi.new("rup_endpoint[]", len(items))
    for i, item in enumerate(items):
        endpoint_arg(item.decode() if isinstance(item, bytes) else item, arr[i])
    return arr
