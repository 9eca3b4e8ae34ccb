"""librupture for Python: technical ruptures of a video call, measured from its RTP/RTCP.

    import rupture
    report = rupture.replay("call.pcap.gz", local="10.0.0.1")   # like `rupture replay --json`
    with rupture.Session(on_rupture_begin=print) as s:          # live
        s.push_packet(datagram, rupture.Direction.INBOUND, arrival_us)

See README.md next to this package and the C header rupture/rupture.h for the meaning of
every field.
"""

from ._native import ffi, lib
from ._errors import RuptureError
from ._types import (Cause, Codec, Counters, Direction, Endpoint, ErrorCode, EventType, Evidence, Impairment,
                     ImpairmentKind, Media, QualityChange, Repair, Rupture, RuptureEvent, RuptureType, Severity,
                     StreamAdded, StreamStats, Summary, TraceFormat, TraceInfo, UnknownEvent)
from ._session import SETTINGS, Session, default_settings
from ._trace import Trace, TracePacket
from ._report import (InputInfo, RemoteReport, Report, RuptureReport, StreamReport, SummaryReport,
                      WiresharkStats, replay)

#: Version of the header this module was compiled against (RUP_VERSION_NUM 0xMMmmpp).
HEADER_VERSION_NUM = lib.RUP_VERSION_NUM
__version__ = "%d.%d.%d" % (lib.RUP_VERSION_MAJOR, lib.RUP_VERSION_MINOR, lib.RUP_VERSION_PATCH)


def library_version():
    """The version string of the loaded librupture (rup_version_string())."""
    return ffi.string(lib.rup_version_string()).decode()


def compatible(header_num, library_num):
    """Whether a library of version library_num can serve code compiled against header_num.

    STYLE.md §2.9: same major; on 0.x the minor must match too (the soversion changes at
    every minor); the library must not be older than the header."""
    hmaj, hmin = header_num >> 16, (header_num >> 8) & 0xFF
    lmaj, lmin = library_num >> 16, (library_num >> 8) & 0xFF
    return lmaj == hmaj and library_num >= header_num and (hmaj != 0 or lmin == hmin)


def __getattr__(name):
    # rupture.batch (corpus runs on Dask) is loaded on first use; `import rupture` stays light.
    if name == "batch":
        import importlib
        return importlib.import_module(".batch", __name__)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))


if not compatible(HEADER_VERSION_NUM, lib.rup_version_num()):
    raise ImportError("rupture %s was built against librupture 0x%06x but loaded %s (0x%06x); rebuild the "
                      "binding" % (__version__, HEADER_VERSION_NUM, library_version(), lib.rup_version_num()))

__all__ = [
    "Cause", "Codec", "Counters", "Direction", "Endpoint", "ErrorCode", "EventType", "Evidence", "Impairment",
    "ImpairmentKind", "InputInfo", "Media", "QualityChange", "RemoteReport", "Repair", "Report", "Rupture",
    "RuptureError", "RuptureEvent", "RuptureReport", "RuptureType", "SETTINGS", "Session", "Severity",
    "StreamAdded", "StreamReport", "StreamStats", "Summary", "SummaryReport", "Trace", "TraceFormat", "TraceInfo",
    "TracePacket", "UnknownEvent", "WiresharkStats", "compatible", "default_settings", "library_version",
    "replay", "HEADER_VERSION_NUM",
]
