"""The JSON document of `rupture replay --json` (docs/json.md) as dataclasses, and replay().

The document comes from the library itself (rup_report_write_json into a memory
stream), so the values are exactly the CLI's. Each class names the fields
docs/json.md documents; a key the library adds later lands in ``extra`` and a
documented key it omits is remembered, so ``to_dict()`` always gives back the
parsed document exactly.
"""

import dataclasses
import json
import typing

from ._errors import RuptureError
from ._native import lib
from ._session import Session
from ._trace import Trace


def _nested(cls, many=False):
    return dataclasses.field(default=None, metadata={"nested": cls, "many": many})


@dataclasses.dataclass
class _Record:
    """Base of the document's objects: from_dict() / to_dict() round-trip exactly."""

    extra: typing.Dict[str, typing.Any] = dataclasses.field(default_factory=dict, repr=False, kw_only=True)
    _absent: typing.FrozenSet[str] = dataclasses.field(default=frozenset(), repr=False, compare=False,
                                                       kw_only=True)

    @classmethod
    def _doc_fields(cls):
        return [f for f in dataclasses.fields(cls) if f.name not in ("extra", "_absent")]

    @classmethod
    def from_dict(cls, d):
        if d is None:
            return None
        kw, absent = {}, set()
        for f in cls._doc_fields():
            if f.name not in d:
                absent.add(f.name)
                continue
            v = d[f.name]
            sub = f.metadata.get("nested")
            if sub is not None and v is not None:
                v = [sub.from_dict(x) for x in v] if f.metadata["many"] else sub.from_dict(v)
            kw[f.name] = v
        names = {f.name for f in cls._doc_fields()}
        return cls(**kw, extra={k: v for k, v in d.items() if k not in names}, _absent=frozenset(absent))

    def to_dict(self):
        """The JSON object this record was parsed from (plain dicts, lists and scalars)."""
        out = {}
        for f in self._doc_fields():
            if f.name in self._absent:
                continue
            v = getattr(self, f.name)
            if f.metadata.get("nested") is not None and v is not None:
                v = [x.to_dict() for x in v] if f.metadata["many"] else v.to_dict()
            out[f.name] = v
        out.update(self.extra)
        return out


def _record(name, doc, names, nested=None):
    nested = nested or {}
    spec = []
    for n in names:
        if n in nested:
            cls, many = nested[n]
            spec.append((n, typing.Any, _nested(cls, many)))
        else:
            spec.append((n, typing.Any, dataclasses.field(default=None)))
    cls = dataclasses.make_dataclass(name, spec, bases=(_Record,))
    cls.__module__ = __name__
    cls.__doc__ = doc
    return cls


InputInfo = _record("InputInfo", "The `input` object: what the capture file held.", [
    "path", "format", "gzip", "packets", "udp_packets", "rtp_packets", "rtcp_packets", "other_packets",
    "malformed_packets", "start_epoch_s", "duration_s"])

RemoteReport = _record("RemoteReport", "`streams[].remote_report`: the last RTCP report block about the SSRC.", [
    "fraction_lost", "cumulative_lost", "jitter_ms"])

WiresharkStats = _record("WiresharkStats", "`streams[].wireshark`: what `tshark -z rtp,streams` prints.", [
    "packets", "expected", "lost", "min_delta_ms", "mean_delta_ms", "max_delta_ms", "min_jitter_ms",
    "mean_jitter_ms", "max_jitter_ms"])

DecodeReport = _record("DecodeReport", "`streams[].decode`: what the decoders measured (docs/decode.md).", [
    "verified", "frames_ref_missing", "frames_decode_errors", "frozen_content_count",
    "frozen_content_duration_s", "speech_level_dbfs"])

StreamReport = _record("StreamReport", "One entry of `streams[]` (one SSRC and direction).", [
    "ssrc", "direction", "participant", "src", "dst", "media", "codec", "payload_type", "clock_rate",
    "first_s", "last_s", "packets", "received", "expected", "lost", "loss_pct", "duplicates", "reordered",
    "restarts", "jitter_ms", "jitter_ms_max", "jitter_ms_mean", "max_gap_ms", "burst_density", "gap_density",
    "bitrate_kbps", "rtt_ms", "mos", "remote_report", "nack", "pli", "fir", "bye", "wireshark", "frames",
    "frames_decoded", "frames_dropped", "keyframes", "freeze_count", "total_freezes_duration_s",
    "pause_count", "total_pauses_duration_s", "concealed_s", "concealment_events", "packets_discarded",
    "interruption_count", "total_interruption_duration_s", "dtx_s", "muted_s", "speech_s", "decode"],
    nested={"remote_report": (RemoteReport, False), "wireshark": (WiresharkStats, False),
            "decode": (DecodeReport, False)})

RuptureReport = _record("RuptureReport", "One entry of `ruptures[]`.", [
    "id", "type", "cause", "severity", "direction", "participant", "ssrcs", "start_s", "detected_s", "end_s",
    "duration_s", "speech_missed_s", "repair", "acknowledged", "acknowledged_s"])

SummaryReport = _record("SummaryReport", "The `summary` object.", [
    "rupture_count", "rupture_time_s", "by_type", "longest_s", "speech_missed_s", "acknowledged",
    "ruptures_dropped", "mos_min", "quality_level_min"])

Report = _record(
    "Report", "The whole document of `rupture replay --json`. Not part of to_dict(): ``error`` is set\n"
    "when replay(..., allow_truncated=True) read a capture that ends in an error, and ``stopped``\n"
    "is true when on_progress stopped the replay.",
    ["rupture_version", "analysis", "input", "streams", "ruptures", "summary"],
    nested={"input": (InputInfo, False), "streams": (StreamReport, True), "ruptures": (RuptureReport, True),
            "summary": (SummaryReport, False)})
Report.error = None
Report.stopped = False


def replay(path, local=None, *, allow_truncated=False, on_progress=None, **kwargs):
    """Replay a capture like `rupture replay PATH --json [--local ADDR]...` and return its Report.

    local: the local user's address(es), "ip" or "ip:port" (a str or a list).
    Other keyword arguments go to Session (settings such as ``max_streams``, and
    callbacks such as ``on_rupture_begin``); with none, the result equals the CLI's.
    on_progress(bytes_read, file_size) may return True to stop (``report.stopped``).
    A capture that ends in an error (truncated, malformed record) raises RuptureError
    with the partial report in ``err.report``, or, with allow_truncated=True, returns
    the report with ``report.error`` set."""
    with Trace(path) as trace, Session(**kwargs) as session:
        err = None
        completed = True
        try:
            completed = session.replay(trace, local, on_progress=on_progress)
        except RuptureError as e:
            if e.code not in (lib.RUP_ERR_TRUNCATED, lib.RUP_ERR_MALFORMED):
                raise
            err = e
        report = Report.from_dict(json.loads(session.report_json(trace, path)))
    report.stopped = not completed
    if err is not None:
        if not allow_truncated:
            err.report = report
            raise err
        report.error = err
    return report
