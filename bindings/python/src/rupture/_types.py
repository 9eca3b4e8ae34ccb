"""Python views of the C types: enums and frozen dataclasses built from the cdef.

The record classes (StreamStats, Counters, Summary, Rupture, TraceInfo and the
event payloads) are generated from the struct fields cffi took from rupture.h,
so a field appended to a struct appears here on the next build. Conversions:
enum fields become IntEnum members (a value this module does not know stays an
int), 0/1 flags become bools, endpoints become Endpoint (None when absent),
``ssrcs[ssrc_count]`` becomes a tuple; the ``version`` fields are dropped.
"""

import dataclasses
import enum

from ._errors import invalid_argument
from ._native import ffi, lib


# ---- enums ------------------------------------------------------------------------------------

def _members(ctype, prefix):
    return {k[len(prefix):]: v for k, v in sorted(ffi.typeof(ctype).relements.items(), key=lambda kv: kv[1])
            if k.startswith(prefix)}


class _Labeled(enum.IntEnum):
    """IntEnum whose ``label`` is the library's lower-case name (e.g. Codec.OPUS.label == "opus")."""

    @property
    def label(self):
        fn = type(self).__dict__.get("_label_fn")
        if fn is None:
            return self.name.lower()
        return ffi.string(fn(int(self))).decode()

    def __str__(self):
        return self.label

    def __format__(self, spec):
        """Format as the label (f"{codec:6}"), or as the number with a numeric spec (f"{codec:d}")."""
        try:
            return format(self.label, spec)
        except ValueError:
            return format(int(self), spec)


def _labeled(name, ctype, prefix, label_fn=None):
    cls = _Labeled(name, _members(ctype, prefix), module=__name__)
    if label_fn is not None:
        cls._label_fn = label_fn
    return cls


ErrorCode = enum.IntEnum("ErrorCode", {**_members("rup_error", "RUP_ERR_"), "OK": lib.RUP_OK}, module=__name__)
Direction = _labeled("Direction", "rup_direction", "RUP_DIR_")
Media = _labeled("Media", "rup_media", "RUP_MEDIA_")
Codec = _labeled("Codec", "rup_codec", "RUP_CODEC_", lib.rup_codec_name)
TraceFormat = _labeled("TraceFormat", "rup_trace_format", "RUP_TRACE_")
EventType = _labeled("EventType", "rup_event_type", "RUP_EVENT_")
ImpairmentKind = _labeled("ImpairmentKind", "rup_impairment_kind", "RUP_IMPAIRMENT_")
Evidence = enum.IntFlag("Evidence", _members("rup_evidence", "RUP_EVIDENCE_"), module=__name__)
RuptureType = _labeled("RuptureType", "rup_rupture_type", "RUP_RUPTURE_", lib.rup_rupture_type_name)
Cause = _labeled("Cause", "rup_cause", "RUP_CAUSE_", lib.rup_cause_name)
Severity = _labeled("Severity", "rup_severity", "RUP_SEVERITY_", lib.rup_severity_name)
Repair = _labeled("Repair", "rup_repair", "RUP_REPAIR_", lib.rup_repair_name)


def to_enum(cls, value):
    """cls(value), or the plain int when this binding does not know the value."""
    try:
        return cls(value)
    except ValueError:
        return int(value)


def enum_arg(cls, value, what):
    """Accept a member, an int, or a name/label (case-insensitive) for an enum argument."""
    if isinstance(value, str):
        key = value.strip().lower()
        for m in cls:
            if key in (m.name.lower(), str(m).lower()):
                return int(m)
        raise invalid_argument("unknown %s %r" % (what, value))
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("%s must be an int, a %s or a name, not %s" % (what, cls.__name__, type(value).__name__))
    return int(value)


# ---- endpoints ----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Endpoint:
    """A transport address: family 4 or 6, ``addr`` in network byte order (4 or 16 bytes), UDP port."""

    family: int
    addr: bytes
    port: int

    @classmethod
    def parse(cls, text):
        """Parse "a.b.c.d", "a.b.c.d:port", an IPv6 address or "[v6]:port"."""
        ep = ffi.new("rup_endpoint *")
        if lib.rup_endpoint_parse(ep, str(text).encode()) != 0:
            raise invalid_argument("bad address %r" % (text,))
        return cls.from_c(ep[0])

    @classmethod
    def from_c(cls, ep):
        if ep.family == 0:
            return None
        n = 4 if ep.family == 4 else 16
        return cls(int(ep.family), bytes(ffi.unpack(ep.addr, n)), int(ep.port))

    def to_c(self, out):
        """Fill a rup_endpoint cdata."""
        out.family = self.family
        ffi.memmove(out.addr, self.addr, len(self.addr))
        out.port = self.port

    @property
    def host(self):
        """The address without the port ("10.0.0.1", "2001:db8::1")."""
        if self.family == 4:
            return ".".join(str(b) for b in self.addr)
        text = str(Endpoint(self.family, self.addr, 0))
        return text[1:text.rindex("]")] if text.startswith("[") else text

    def __str__(self):
        ep = ffi.new("rup_endpoint *")
        self.to_c(ep)
        buf = ffi.new("char[]", 64)
        lib.rup_endpoint_format(ep, buf, 64)
        return ffi.string(buf).decode()


def endpoint_arg(value, out):
    """Fill `out` (rup_endpoint *) from an Endpoint or text; return out, or NULL for None."""
    if value is None:
        return ffi.NULL
    if not isinstance(value, Endpoint):
        value = Endpoint.parse(value)
    value.to_c(out)
    return out


# ---- records generated from structs -------------------------------------------------------------

_BOOL_FIELDS = {"bye", "gzip", "nanosecond", "keyframes_known", "speech_known", "acknowledged",
                "ws_valid", "ws_has_jitter"}
_ENUM_FIELDS = {"direction": Direction, "media": Media, "codec": Codec, "format": TraceFormat,
                "kind": ImpairmentKind, "evidence": Evidence, "cause": Cause, "severity": Severity,
                "repair": Repair}


def _field_converter(ctype_name, fname, ftype, enum_overrides):
    enums = dict(_ENUM_FIELDS, **enum_overrides)
    if ftype is ffi.typeof("rup_endpoint"):
        return Endpoint.from_c
    if fname in enums:
        cls = enums[fname]
        return lambda v: to_enum(cls, v)
    if fname in _BOOL_FIELDS or fname.startswith("has_"):
        return bool
    if ftype.kind == "array":
        return lambda v: tuple(v)
    if ftype.kind == "primitive":
        return lambda v: v
    raise TypeError("no conversion for %s.%s (%s)" % (ctype_name, fname, ftype.cname))


def make_record(name, ctype_name, doc, enum_overrides=None, drop=("version",), special=None, namespace=None):
    """A frozen dataclass with the fields of a C struct, and its converter from cdata.

    special maps a field to (python_field_name, function(cdata_struct) -> value), replacing
    the default conversion of that field."""
    special = special or {}
    ctype = ffi.typeof(ctype_name)
    convs = []
    fields = []
    for fname, field in ctype.fields:
        if fname in drop:
            continue
        if fname in special:
            pyname, fn = special[fname]
            if pyname is None:
                continue
            convs.append((pyname, fn, True))
            fields.append(pyname)
            continue
        convs.append((fname, _field_converter(ctype_name, fname, field.type, enum_overrides or {}), False))
        fields.append(fname)
    cls = dataclasses.make_dataclass(name, fields, frozen=True, namespace=namespace or {})
    cls.__module__ = __name__
    cls.__doc__ = doc

    def from_c(c, **extra):
        kw = {n: (fn(c) if whole else fn(getattr(c, n))) for n, fn, whole in convs}
        kw.update(extra)
        return cls(**kw)

    cls.from_c = staticmethod(from_c)
    return cls


StreamStats = make_record(
    "StreamStats", "rup_stream_stats",
    "Statistics of one stream (rup_stream_stats): RFC 3550 values unless the C header says otherwise.\n"
    "Fields with a ``has_`` flag are meaningful only when the flag is true.")

Counters = make_record("Counters", "rup_session_counters", "Session-wide counters (rup_session_counters).")

TraceInfo = make_record("TraceInfo", "rup_trace_info", "What a trace reader has seen so far (rup_trace_info).")

Rupture = make_record(
    "Rupture", "rup_rupture",
    "A rupture (rup_rupture). ``end_us`` is 0 while it lasts (see ``ongoing``); ``ssrcs`` lists the\n"
    "streams involved.",
    enum_overrides={"type": RuptureType},
    special={"ssrc_count": (None, None),
             "ssrcs": ("ssrcs", lambda c: tuple(c.ssrcs[0:min(c.ssrc_count, len(c.ssrcs))]))},
    namespace={"ongoing": property(lambda self: self.end_us == 0, doc="True while the rupture lasts.")})

Summary = make_record(
    "Summary", "rup_summary",
    "Session-level summary of ruptures and quality (rup_summary). ``by_type`` maps each RuptureType\n"
    "to its count.",
    special={"by_type": ("by_type", lambda c: {to_enum(RuptureType, i): int(c.by_type[i])
                                               for i in range(1, len(c.by_type))})})


# ---- events -------------------------------------------------------------------------------------

def _with_header(payload, doc, namespace=None):
    """An event class: the event header (type, time_us) followed by the fields of a payload record."""
    names = [f.name for f in dataclasses.fields(payload)]
    ev = dataclasses.make_dataclass(payload.__name__, ["type", "time_us"] + names, frozen=True,
                                    namespace=namespace or {})
    ev.__module__ = __name__
    ev.__doc__ = doc

    def from_c(c):
        p = payload.from_c(_payload(c))
        return ev(type=to_enum(EventType, c.type), time_us=int(c.time_us), **{n: getattr(p, n) for n in names})

    ev.from_c = staticmethod(from_c)
    return ev


def _payload(c):
    t = c.type
    if t == lib.RUP_EVENT_STREAM_ADDED:
        return c.u.stream
    if t == lib.RUP_EVENT_IMPAIRMENT:
        return c.u.impairment
    if t == lib.RUP_EVENT_QUALITY_CHANGE:
        return c.u.quality
    return c.u.rupture


StreamAdded = _with_header(
    make_record("StreamAdded", "rup_stream_event", "", drop=()),
    "A stream entered the stream table (RUP_EVENT_STREAM_ADDED).")
Impairment = _with_header(
    make_record("Impairment", "rup_impairment_event", "", drop=()),
    "A stream-level impairment began (phase 0, end_us 0) or ended (phase 1) (RUP_EVENT_IMPAIRMENT).",
    namespace={"ended": property(lambda self: self.phase == 1, doc="True for the end phase.")})
QualityChange = _with_header(
    make_record("QualityChange", "rup_quality_event", "", drop=()),
    "A participant's quality level changed (RUP_EVENT_QUALITY_CHANGE).")


@dataclasses.dataclass(frozen=True)
class RuptureEvent:
    """A rupture began, changed or ended (RUP_EVENT_RUPTURE_BEGIN/_UPDATE/_END)."""

    type: object
    time_us: int
    rupture: object

    @staticmethod
    def from_c(c):
        return RuptureEvent(to_enum(EventType, c.type), int(c.time_us), Rupture.from_c(c.u.rupture))


@dataclasses.dataclass(frozen=True)
class UnknownEvent:
    """An event type this binding does not know (a newer library)."""

    type: int
    time_us: int


def event_from_c(c):
    """Convert a rup_event (valid only now) into its Python event object."""
    t = c.type
    if t == lib.RUP_EVENT_STREAM_ADDED:
        return StreamAdded.from_c(c)
    if t == lib.RUP_EVENT_IMPAIRMENT:
        return Impairment.from_c(c)
    if t == lib.RUP_EVENT_QUALITY_CHANGE:
        return QualityChange.from_c(c)
    if t in (lib.RUP_EVENT_RUPTURE_BEGIN, lib.RUP_EVENT_RUPTURE_UPDATE, lib.RUP_EVENT_RUPTURE_END):
        return RuptureEvent.from_c(c)
    return UnknownEvent(int(t), int(c.time_us))

