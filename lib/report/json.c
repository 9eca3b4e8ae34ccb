/* The one JSON schema (DESIGN.md §5), written from the public API only. */
#include <inttypes.h>
#include <stdio.h>

#include "report/report.h"

typedef struct jw {
  FILE *fp;
  int first; /* no comma needed before the next member */
} jw;

static void jstr(FILE *fp, const char *s) {
  fputc('"', fp);
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    if (*p == '"' || *p == '\\') {
      fputc('\\', fp);
      fputc(*p, fp);
    } else if (*p < 0x20) {
      fprintf(fp, "\\u%04x", *p);
    } else {
      fputc(*p, fp);
    }
  }
  fputc('"', fp);
}

static void key(jw *w, const char *k) {
  if (!w->first) fputs(", ", w->fp);
  w->first = 0;
  jstr(w->fp, k);
  fputs(": ", w->fp);
}

static void kstr(jw *w, const char *k, const char *v) {
  key(w, k);
  jstr(w->fp, v);
}
static void kint(jw *w, const char *k, int64_t v) {
  key(w, k);
  fprintf(w->fp, "%" PRId64, v);
}
static void kuint(jw *w, const char *k, uint64_t v) {
  key(w, k);
  fprintf(w->fp, "%" PRIu64, v);
}
static void kbool(jw *w, const char *k, int v) {
  key(w, k);
  fputs(v ? "true" : "false", w->fp);
}
static void knum(jw *w, const char *k, double v) {
  key(w, k);
  fprintf(w->fp, "%.6f", v);
}
/* A number, or null when it is not known. */
static void knumn(jw *w, const char *k, int known, double v) {
  key(w, k);
  if (known)
    fprintf(w->fp, "%.6f", v);
  else
    fputs("null", w->fp);
}
static void knull(jw *w, const char *k) {
  key(w, k);
  fputs("null", w->fp);
}
static void open_obj(jw *w, const char *k) {
  if (k) key(w, k);
  fputc('{', w->fp);
  w->first = 1;
}
static void close_obj(jw *w) {
  fputc('}', w->fp);
  w->first = 0;
}

static double rel_s(int64_t t_us, int64_t base_us) { return (double)(t_us - base_us) / 1e6; }

static void write_stream(jw *w, const rup_stream_stats *st, int64_t base_us) {
  char buf[80];
  open_obj(w, NULL);
  kuint(w, "ssrc", st->ssrc);
  kstr(w, "direction", st->direction == RUP_DIR_OUTBOUND ? "outbound" : "inbound");
  kuint(w, "participant", st->participant);
  rup_endpoint_format(&st->src, buf, sizeof buf);
  kstr(w, "src", buf);
  rup_endpoint_format(&st->dst, buf, sizeof buf);
  kstr(w, "dst", buf);
  kstr(w, "media", rup__media_name(st->media));
  kstr(w, "codec", rup_codec_name(st->codec));
  if (st->payload_type >= 0)
    kint(w, "payload_type", st->payload_type);
  else
    knull(w, "payload_type");
  if (st->clock_rate)
    kuint(w, "clock_rate", st->clock_rate);
  else
    knull(w, "clock_rate");
  int seen = st->packets > 0;
  knumn(w, "first_s", seen, rel_s(st->first_arrival_us, base_us));
  knumn(w, "last_s", seen, rel_s(st->last_arrival_us, base_us));
  kuint(w, "packets", st->packets);
  kuint(w, "received", st->received);
  kuint(w, "expected", st->expected);
  kint(w, "lost", st->lost);
  knum(w, "loss_pct", st->expected ? 100.0 * (double)st->lost / (double)st->expected : 0.0);
  kuint(w, "duplicates", st->duplicates);
  kuint(w, "reordered", st->reordered);
  kuint(w, "restarts", st->restarts);
  int clk = st->clock_rate != 0;
  knumn(w, "jitter_ms", clk, st->jitter_ms);
  knumn(w, "jitter_ms_max", clk, st->jitter_ms_max);
  knumn(w, "jitter_ms_mean", clk, st->jitter_ms_mean);
  knum(w, "max_gap_ms", st->max_gap_ms);
  knum(w, "burst_density", st->burst_density);
  knum(w, "gap_density", st->gap_density);
  knum(w, "bitrate_kbps", st->bitrate_bps / 1000.0);
  knumn(w, "rtt_ms", st->has_rtt, st->rtt_ms);
  knumn(w, "mos", st->has_mos, st->mos);
  if (st->has_remote_report) {
    open_obj(w, "remote_report");
    kuint(w, "fraction_lost", st->remote_fraction_lost);
    kint(w, "cumulative_lost", st->remote_cumulative_lost);
    knumn(w, "jitter_ms", clk, st->remote_jitter_ms);
    close_obj(w);
  } else {
    knull(w, "remote_report");
  }
  kuint(w, "nack", st->nack_count);
  kuint(w, "pli", st->pli_count);
  kuint(w, "fir", st->fir_count);
  kbool(w, "bye", st->bye);
  open_obj(w, "wireshark");
  kuint(w, "packets", st->packets);
  kint(w, "expected", st->ws_expected);
  kint(w, "lost", st->ws_lost);
  int deltas = st->packets > 1;
  knumn(w, "min_delta_ms", deltas, st->ws_min_delta_ms);
  knumn(w, "mean_delta_ms", deltas, st->ws_mean_delta_ms);
  knumn(w, "max_delta_ms", deltas, st->ws_max_delta_ms);
  knumn(w, "min_jitter_ms", st->ws_has_jitter, st->ws_min_jitter_ms);
  knumn(w, "mean_jitter_ms", st->ws_has_jitter, st->ws_mean_jitter_ms);
  knumn(w, "max_jitter_ms", st->ws_has_jitter, st->ws_max_jitter_ms);
  close_obj(w);
  /* Playback (lib/media): video fields on video streams, audio fields on audio
   * streams, null where they do not apply or no model ran. */
  int video = st->has_playback && st->media == RUP_MEDIA_VIDEO;
  int audio = st->has_playback && st->media == RUP_MEDIA_AUDIO;
  if (video) {
    kuint(w, "frames", st->frames_received);
    kuint(w, "frames_decoded", st->frames_decoded);
    kuint(w, "frames_dropped", st->frames_dropped);
    if (st->keyframes_known)
      kuint(w, "keyframes", st->keyframes);
    else
      knull(w, "keyframes");
    kuint(w, "freeze_count", st->freeze_count);
    knum(w, "total_freezes_duration_s", st->total_freezes_duration_s);
    kuint(w, "pause_count", st->pause_count);
    knum(w, "total_pauses_duration_s", st->total_pauses_duration_s);
  } else {
    static const char *const vf[] = {"frames", "frames_decoded", "frames_dropped", "keyframes",
                                     "freeze_count", "total_freezes_duration_s", "pause_count",
                                     "total_pauses_duration_s"};
    for (size_t i = 0; i < RUP_ARRAY_LEN(vf); i++) knull(w, vf[i]);
  }
  if (audio) {
    knum(w, "concealed_s", (double)st->concealed_samples / st->clock_rate);
    kuint(w, "concealment_events", st->concealment_events);
    kuint(w, "packets_discarded", st->packets_discarded);
    kuint(w, "interruption_count", st->interruption_count);
    knum(w, "total_interruption_duration_s", st->total_interruption_duration_s);
    knum(w, "dtx_s", st->dtx_duration_s);
    knum(w, "muted_s", st->muted_duration_s);
    knumn(w, "speech_s", st->speech_known, st->speech_duration_s);
  } else {
    static const char *const af[] = {"concealed_s", "concealment_events", "packets_discarded",
                                     "interruption_count", "total_interruption_duration_s", "dtx_s",
                                     "muted_s", "speech_s"};
    for (size_t i = 0; i < RUP_ARRAY_LEN(af); i++) knull(w, af[i]);
  }
  /* Decoders (docs/decode.md): where one ran, "decode" says so; it wins over the packet
   * model for the fields it lists in "verified". */
  if (st->decode_verified) {
    open_obj(w, "decode");
    key(w, "verified");
    fputs(video ? "[\"frames_decoded\", \"frames_dropped\"]" : "[\"concealed_s\", \"speech_s\"]", w->fp);
    if (video) {
      kuint(w, "frames_ref_missing", st->frames_ref_missing);
      kuint(w, "frames_decode_errors", st->frames_decode_errors);
      kuint(w, "frozen_content_count", st->frozen_content_count);
      knum(w, "frozen_content_duration_s", st->frozen_content_duration_s);
      knull(w, "speech_level_dbfs");
    } else {
      static const char *const vf[] = {"frames_ref_missing", "frames_decode_errors", "frozen_content_count",
                                       "frozen_content_duration_s"};
      for (size_t i = 0; i < RUP_ARRAY_LEN(vf); i++) knull(w, vf[i]);
      knum(w, "speech_level_dbfs", st->speech_level_dbfs);
    }
    close_obj(w);
  } else {
    knull(w, "decode");
  }
  close_obj(w);
}

/* One rupture (DESIGN.md §5): times relative to the capture's first record. */
static void write_rupture(jw *w, const rup_rupture *r, int64_t base_us) {
  open_obj(w, NULL);
  kuint(w, "id", r->id);
  kstr(w, "type", rup_rupture_type_name(r->type));
  kstr(w, "cause", rup_cause_name(r->cause));
  kstr(w, "severity", rup_severity_name(r->severity));
  kstr(w, "direction", r->direction == RUP_DIR_OUTBOUND ? "outbound" : "inbound");
  kuint(w, "participant", r->participant);
  key(w, "ssrcs");
  fputc('[', w->fp);
  for (uint32_t i = 0; i < r->ssrc_count && i < RUP_RUPTURE_MAX_SSRCS; i++)
    fprintf(w->fp, i ? ", %" PRIu32 : "%" PRIu32, r->ssrcs[i]);
  fputc(']', w->fp);
  knum(w, "start_s", rel_s(r->start_us, base_us));
  knum(w, "detected_s", rel_s(r->detected_us, base_us));
  knumn(w, "end_s", r->end_us != 0, rel_s(r->end_us, base_us));
  knumn(w, "duration_s", r->end_us != 0, (double)(r->end_us - r->start_us) / 1e6);
  knumn(w, "speech_missed_s", r->speech_known, r->speech_missed_s);
  kstr(w, "repair", rup_repair_name(r->repair));
  kbool(w, "acknowledged", r->acknowledged);
  knumn(w, "acknowledged_s", r->acknowledged, rel_s(r->acknowledged_us, base_us));
  close_obj(w);
}

int rup_report_write_json(const rup_session *s, const rup_trace *t, const char *path, void *fpv) {
  FILE *fp = fpv;
  if (!s || !fp) return RUP_ERR_INVALID_ARGUMENT;
  rup_session_counters c;
  rup_session_get_counters(s, &c);
  size_t n = rup_session_get_stream_count(s);

  rup_trace_info ti;
  memset(&ti, 0, sizeof ti);
  int have_trace = t && rup_trace_get_info(t, &ti) == 0;
  /* Time base: the first record of the capture, else the first packet of any stream. */
  int64_t base, last;
  rup__report_span(s, t, &base, &last);

  jw w = {fp, 1};
  open_obj(&w, NULL);
  kstr(&w, "rupture_version", rup_version_string());
  rup_summary sum;
  rup_session_get_summary(s, &sum);
  /* "statistics": rup_settings::statistics_only, ruptures not analysed (null, not empty) */
  kstr(&w, "analysis", sum.ruptures_analysed ? "full" : "statistics");
  open_obj(&w, "input");
  if (path)
    kstr(&w, "path", path);
  else
    knull(&w, "path");
  if (have_trace) {
    kstr(&w, "format", ti.format == RUP_TRACE_PCAPNG ? "pcapng" : "pcap");
    kbool(&w, "gzip", ti.gzip);
    kuint(&w, "packets", ti.records);
    kuint(&w, "udp_packets", ti.udp);
  } else {
    knull(&w, "format");
    kbool(&w, "gzip", 0);
    kuint(&w, "packets", c.packets);
    kuint(&w, "udp_packets", c.packets);
  }
  kuint(&w, "rtp_packets", c.rtp);
  kuint(&w, "rtcp_packets", c.rtcp);
  kuint(&w, "other_packets", c.stun + c.dtls + c.unknown);
  kuint(&w, "malformed_packets", c.malformed);
  knum(&w, "start_epoch_s", (double)base / 1e6);
  knum(&w, "duration_s", (double)(last - base) / 1e6);
  close_obj(&w);

  key(&w, "streams");
  fputc('[', fp);
  for (size_t i = 0; i < n; i++) {
    rup_stream_stats st;
    if (rup_session_get_stream_stats(s, i, &st) != 0) continue;
    if (i) fputs(",\n  ", fp);
    write_stream(&w, &st, base);
  }
  fputc(']', fp);
  w.first = 0;

  if (!sum.ruptures_analysed) {
    knull(&w, "ruptures");
    knull(&w, "summary");
    close_obj(&w);
    fputc('\n', fp);
    return ferror(fp) ? RUP_ERR_IO : 0;
  }
  key(&w, "ruptures");
  fputc('[', fp);
  size_t nr = rup_session_get_rupture_count(s);
  for (size_t i = 0; i < nr; i++) {
    rup_rupture r;
    if (rup_session_get_rupture(s, i, &r) != 0) continue;
    if (i) fputs(",\n  ", fp);
    write_rupture(&w, &r, base);
  }
  fputc(']', fp);
  w.first = 0;
  open_obj(&w, "summary");
  kuint(&w, "rupture_count", sum.rupture_count);
  knum(&w, "rupture_time_s", sum.rupture_time_s);
  open_obj(&w, "by_type");
  for (int ty = 1; ty < 7; ty++)
    if (sum.by_type[ty]) kuint(&w, rup_rupture_type_name(ty), sum.by_type[ty]);
  close_obj(&w);
  knum(&w, "longest_s", sum.longest_s);
  knum(&w, "speech_missed_s", sum.speech_missed_s);
  kuint(&w, "acknowledged", sum.acknowledged);
  kuint(&w, "ruptures_dropped", sum.ruptures_dropped);
  knumn(&w, "mos_min", sum.has_mos, sum.mos_min);
  if (sum.quality_level_min >= 0)
    kint(&w, "quality_level_min", sum.quality_level_min);
  else
    knull(&w, "quality_level_min");
  close_obj(&w);
  close_obj(&w);
  fputc('\n', fp);
  return ferror(fp) ? RUP_ERR_IO : 0;
}
