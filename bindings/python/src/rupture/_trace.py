"""rupture.Trace: the UDP datagrams of a pcap / pcapng capture (optionally gzip-compressed)."""

import dataclasses
import os

from ._errors import check, invalid_state
from ._native import ffi, lib
from ._types import Endpoint, TraceInfo


@dataclasses.dataclass(frozen=True)
class TracePacket:
    """One UDP datagram of a capture: capture time (µs since the Unix epoch), addresses, payload."""

    ts_us: int
    src: Endpoint
    dst: Endpoint
    payload: bytes
    record: int  # 1-based index of the record in the file


class Trace:
    """A capture reader (rup_trace). Iterate it for TracePacket objects; ``info`` tells what
    it has seen. Reading errors (truncated file, ...) raise RuptureError after the packets
    before them were returned. A context manager; ``close()`` frees it."""

    def __init__(self, path, *, _mem=None):
        self._t = None
        self._buf = None
        out = ffi.new("rup_trace **")
        check(lib.rup_trace_open(out, os.fsencode(path), _mem if _mem is not None else ffi.NULL))
        self._t = out[0]
        self.path = path

    @classmethod
    def from_bytes(cls, data, *, _mem=None):
        """A reader over a capture held in memory (the bytes are kept alive by the Trace)."""
        self = cls.__new__(cls)
        self._t = None
        self._buf = ffi.from_buffer("uint8_t[]", bytes(data))
        out = ffi.new("rup_trace **")
        check(lib.rup_trace_open_memory(out, self._buf, len(self._buf), _mem if _mem is not None else ffi.NULL))
        self._t = out[0]
        self.path = None
        return self

    def _handle(self):
        if self._t is None:
            raise invalid_state("the trace is closed")
        return self._t

    def close(self):
        t, self._t = self._t, None
        if t is not None:
            lib.rup_trace_del(t)

    @property
    def closed(self):
        return self._t is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        if getattr(self, "_t", None) is not None:
            self.close()

    def next_packet(self):
        """The next UDP datagram, or None at the end."""
        pkt = ffi.new("rup_trace_packet *")
        if check(lib.rup_trace_next(self._handle(), pkt)) == 0:
            return None
        return TracePacket(int(pkt.ts_us), Endpoint.from_c(pkt.src), Endpoint.from_c(pkt.dst),
                           ffi.unpack(ffi.cast("char *", pkt.payload), pkt.payload_len) if pkt.payload_len else b"",
                           int(pkt.record))

    def __iter__(self):
        while True:
            p = self.next_packet()
            if p is None:
                return
            yield p

    @property
    def info(self):
        """TraceInfo: format, records read, what was skipped, first/last timestamps."""
        out = ffi.new("rup_trace_info *")
        check(lib.rup_trace_get_info_versioned(self._handle(), lib.RUP_TRACE_INFO_VERSION, out))
        return TraceInfo.from_c(out[0])
