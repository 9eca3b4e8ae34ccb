/* Time series of stream statistics (rup_report_series) and the CSV writers.
 * Samples are cumulative snapshots from rup_session_get_stream_stats(); interval values
 * are differences of consecutive snapshots of the same stream, so the sum of a column
 * over a stream's rows equals the call total (e.g. Σ lost = RFC 3550 A.3 lost). */
#include <inttypes.h>

#include "report/report.h"

#define DEFAULT_MAX_SAMPLES ((size_t)1 << 20)
#define MAX_QCHANGES 65536

const char *rup__media_name(int m) {
  return m == RUP_MEDIA_AUDIO ? "audio" : m == RUP_MEDIA_VIDEO ? "video" : "unknown";
}

const char *rup__rupture_words(int t) {
  switch (t) {
    case RUP_RUPTURE_AUDIO_DROPOUT: return "audio dropout";
    case RUP_RUPTURE_CHOPPY_AUDIO: return "choppy audio";
    case RUP_RUPTURE_VIDEO_FREEZE: return "frozen video";
    case RUP_RUPTURE_AV_OUTAGE: return "sound and picture lost";
    case RUP_RUPTURE_CONNECTION_LOST: return "connection lost";
    case RUP_RUPTURE_LAG: return "delay (lag)";
    default: return "interruption";
  }
}

int rup__report_ruptures_analysed(const rup_session *s) {
  rup_summary sum;
  return rup_session_get_summary(s, &sum) == 0 && sum.ruptures_analysed;
}

void rup__report_span(const rup_session *s, const rup_trace *t, int64_t *base_us, int64_t *last_us) {
  rup_trace_info ti;
  int have_trace = t && rup_trace_get_info(t, &ti) == 0 && ti.first_ts_us != INT64_MIN;
  int64_t base = INT64_MAX, last = INT64_MIN;
  if (have_trace) {
    base = ti.first_ts_us;
    last = ti.last_ts_us;
  }
  size_t n = rup_session_get_stream_count(s);
  for (size_t i = 0; i < n; i++) {
    rup_stream_stats st;
    if (rup_session_get_stream_stats(s, i, &st) == 0 && st.packets) {
      if (!have_trace && st.first_arrival_us < base) base = st.first_arrival_us;
      if (st.last_arrival_us > last) last = st.last_arrival_us;
    }
  }
  if (base == INT64_MAX) base = last = 0;
  if (last < base) last = base;
  *base_us = base;
  *last_us = last;
}

int rup_report_series_new(rup_report_series **out, size_t max_samples, const rup_mem *mem) {
  if (!out) return RUP_ERR_INVALID_ARGUMENT;
  if (!mem) mem = rup_mem_default();
  rup_report_series *r = rup__calloc(mem, sizeof *r);
  if (!r) return RUP_ERR_NOMEM;
  r->mem = *mem;
  r->cap = max_samples ? max_samples : DEFAULT_MAX_SAMPLES;
  r->last_t_us = INT64_MIN;
  *out = r;
  return 0;
}

void rup_report_series_del(rup_report_series *r) {
  if (!r) return;
  rup_mem m = r->mem;
  rup__free(&m, r->v);
  rup__free(&m, r->q);
  rup__free(&m, r);
}

size_t rup_report_series_get_sample_count(const rup_report_series *r) { return r ? r->n : 0; }

uint64_t rup_report_series_get_dropped(const rup_report_series *r) { return r ? r->dropped + r->q_dropped : 0; }

/* Grow an array by doubling, never past cap elements. */
static int grow(const rup_mem *m, void **v, size_t *alloc, size_t need, size_t elem, size_t cap) {
  if (need > cap) return RUP_ERR_NOMEM;
  if (need <= *alloc) return 0;
  size_t n = *alloc ? *alloc : (cap < 64 ? cap : 64);
  while (n < need) n = n > cap / 2 ? cap : n * 2;
  if (n > SIZE_MAX / elem) return RUP_ERR_NOMEM;
  void *p = rup__realloc(m, *v, n * elem);
  if (!p) return RUP_ERR_NOMEM;
  *v = p;
  *alloc = n;
  return 0;
}

int rup__series_quality_at(const rup_report_series *r, uint32_t participant, int32_t direction, int64_t t_us,
                           double *mos) {
  int level = -1;
  for (size_t i = 0; r && i < r->nq && r->q[i].t_us <= t_us; i++) {
    if (r->q[i].participant != participant || r->q[i].direction != direction) continue;
    level = r->q[i].level;
    if (mos) *mos = r->q[i].mos;
  }
  return level;
}

int rup_report_series_add_event(rup_report_series *r, const rup_event *ev) {
  if (!r || !ev) return RUP_ERR_INVALID_ARGUMENT;
  if (ev->type != RUP_EVENT_QUALITY_CHANGE) return 0;
  if (r->nq && ev->time_us < r->q[r->nq - 1].t_us) return RUP_ERR_TIME_REGRESSION;
  if (grow(&r->mem, (void **)&r->q, &r->qalloc, r->nq + 1, sizeof *r->q, MAX_QCHANGES) < 0) {
    r->q_dropped++;
    return RUP_ERR_NOMEM;
  }
  rup__qchange *c = &r->q[r->nq++];
  c->t_us = ev->time_us;
  c->participant = ev->u.quality.participant;
  c->direction = ev->u.quality.direction;
  c->level = ev->u.quality.level;
  c->mos = ev->u.quality.mos;
  return 0;
}

int rup_report_series_sample(rup_report_series *r, const rup_session *s, int64_t now_us) {
  if (!r || !s) return RUP_ERR_INVALID_ARGUMENT;
  if (r->last_t_us != INT64_MIN && now_us <= r->last_t_us) return 0; /* already sampled */
  r->last_t_us = now_us;
  size_t n = rup_session_get_stream_count(s);
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    rup_stream_stats st;
    if (rup_session_get_stream_stats(s, i, &st) != 0) continue;
    if (grow(&r->mem, (void **)&r->v, &r->alloc, r->n + 1, sizeof *r->v, r->cap) < 0) {
      r->dropped += n - i; /* bounded memory: count what is not kept */
      rc = r->n + 1 > r->cap ? 0 : RUP_ERR_NOMEM;
      break;
    }
    rup__sample *x = &r->v[r->n++];
    memset(x, 0, sizeof *x);
    x->t_us = now_us;
    x->stream = (uint32_t)i;
    x->playback = st.has_playback;
    x->packets = st.packets;
    x->received = st.received;
    x->expected = st.expected;
    x->lost = st.lost;
    x->bytes = st.bytes;
    x->jitter_ms = st.jitter_ms;
    x->frames_decoded = st.frames_decoded;
    x->frames_dropped = st.frames_dropped;
    x->freezes_s = st.total_freezes_duration_s;
    x->concealed_samples = st.concealed_samples;
    x->total_samples = st.total_samples_received;
    x->interruption_s = st.total_interruption_duration_s;
    x->speech_known = st.speech_known;
    x->speech_s = st.speech_duration_s;
    x->dtx_s = st.dtx_duration_s;
    x->has_mos = st.has_mos;
    x->mos = st.mos;
    x->has_rtt = st.has_rtt;
    x->rtt_ms = st.rtt_ms;
    x->quality_mos = 0;
    x->quality_level = rup__series_quality_at(r, st.participant, st.direction, now_us, &x->quality_mos);
  }
  return rc;
}

/* ---- CSV (RFC 4180: comma-separated, CRLF-free, a header row; unknown = empty field) ---- */

static void csv_str(FILE *fp, const char *s) {
  int quote = 0;
  for (const char *p = s; *p; p++)
    if (*p == ',' || *p == '"' || *p == '\n' || *p == '\r') quote = 1;
  if (!quote) {
    fputs(s, fp);
    return;
  }
  fputc('"', fp); /* RFC 4180 §2.7: a quote inside a quoted field is doubled */
  for (const char *p = s; *p; p++) {
    if (*p == '"') fputc('"', fp);
    fputc(*p, fp);
  }
  fputc('"', fp);
}

static void csv_num(FILE *fp, int known, double v) {
  fputc(',', fp);
  if (known) fprintf(fp, "%.6f", v);
}

static const char *dir_name(int d) { return d == RUP_DIR_OUTBOUND ? "outbound" : "inbound"; }

static const char series_header[] =
    "time_s,interval_s,ssrc,direction,media,codec,packets,expected,lost,loss_pct,jitter_ms,bitrate_kbps,"
    "frame_rate,frames_dropped,freeze_s,concealed_pct,interruption_s,speech_pct,dtx_s,rtt_ms,mos,"
    "quality_level,quality_mos\n";

/* One row: interval values between prev (NULL = the stream's first sample, counted from
 * zero) and x; t0 is when the interval began. */
static void series_row(FILE *fp, const rup__sample *prev, const rup__sample *x, int64_t t0, int64_t base,
                       const rup_stream_stats *st) {
  static const rup__sample zero;
  if (!prev) prev = &zero;
  double dt = (double)(x->t_us - t0) / 1e6;
  fprintf(fp, "%.6f,%.6f,%" PRIu32 ",%s,%s,%s", (double)(x->t_us - base) / 1e6, dt, st->ssrc,
          dir_name(st->direction), rup__media_name(st->media), rup_codec_name(st->codec));
  /* RFC 3550 A.3: expected_interval and lost_interval = differences of the cumulative
   * values; a source restart (A.1) can make them negative: unknown for that interval. */
  int64_t dexp = (int64_t)(x->expected - prev->expected);
  int64_t dlost = x->lost - prev->lost;
  int ok = x->expected >= prev->expected;
  fprintf(fp, ",%" PRIu64, x->packets - prev->packets);
  if (ok)
    fprintf(fp, ",%" PRId64 ",%" PRId64, dexp, dlost);
  else
    fputs(",,", fp);
  csv_num(fp, ok && dexp > 0, dexp > 0 ? 100.0 * (double)dlost / (double)dexp : 0);
  csv_num(fp, st->clock_rate != 0 && x->received > 0, x->jitter_ms);
  csv_num(fp, dt > 0, dt > 0 ? (double)(x->bytes - prev->bytes) * 8.0 / dt / 1000.0 : 0);
  int video = x->playback && st->media == RUP_MEDIA_VIDEO;
  int audio = x->playback && st->media == RUP_MEDIA_AUDIO;
  csv_num(fp, video && dt > 0, dt > 0 ? (double)(x->frames_decoded - prev->frames_decoded) / dt : 0);
  fputc(',', fp);
  if (video) fprintf(fp, "%" PRIu64, x->frames_dropped - prev->frames_dropped);
  csv_num(fp, video, x->freezes_s - prev->freezes_s);
  uint64_t dtot = x->total_samples - prev->total_samples;
  csv_num(fp, audio && dtot > 0,
          dtot ? 100.0 * (double)(x->concealed_samples - prev->concealed_samples) / (double)dtot : 0);
  csv_num(fp, audio, x->interruption_s - prev->interruption_s);
  csv_num(fp, audio && x->speech_known && dt > 0, dt > 0 ? 100.0 * (x->speech_s - prev->speech_s) / dt : 0);
  csv_num(fp, audio, x->dtx_s - prev->dtx_s);
  csv_num(fp, x->has_rtt, x->rtt_ms);
  csv_num(fp, x->has_mos, x->mos);
  fputc(',', fp);
  if (x->quality_level >= 0) fprintf(fp, "%d", x->quality_level);
  csv_num(fp, x->quality_level >= 0, x->quality_mos);
  fputc('\n', fp);
}

int rup_report_write_csv_series(const rup_report_series *r, const rup_session *s, const rup_trace *t,
                                size_t stream_index, void *fpv) {
  FILE *fp = fpv;
  if (!r || !s || !fp) return RUP_ERR_INVALID_ARGUMENT;
  size_t ns = rup_session_get_stream_count(s);
  if (stream_index != SIZE_MAX && stream_index >= ns) return RUP_ERR_NOT_FOUND;
  int64_t base, last;
  rup__report_span(s, t, &base, &last);
  fputs(series_header, fp);
  int64_t prev_tick = base; /* the interval of a sample starts at the previous sample time */
  for (size_t i = 0; i < r->n;) {
    int64_t tick = r->v[i].t_us;
    size_t j = i;
    for (; j < r->n && r->v[j].t_us == tick; j++) {
      const rup__sample *x = &r->v[j];
      if (stream_index != SIZE_MAX && x->stream != stream_index) continue;
      rup_stream_stats st;
      if (rup_session_get_stream_stats(s, x->stream, &st) != 0) continue;
      const rup__sample *prev = NULL; /* the same stream's previous sample */
      for (size_t k = i; k-- > 0;)
        if (r->v[k].stream == x->stream) {
          prev = &r->v[k];
          break;
        }
      series_row(fp, prev, x, prev_tick < tick ? prev_tick : tick, base, &st);
    }
    prev_tick = tick;
    i = j;
  }
  return ferror(fp) ? RUP_ERR_IO : 0;
}

int rup_report_write_csv_streams(const rup_session *s, const rup_trace *t, const char *path, int header,
                                 void *fpv) {
  FILE *fp = fpv;
  if (!s || !fp) return RUP_ERR_INVALID_ARGUMENT;
  if (header)
    fputs("path,ssrc,direction,participant,src,dst,media,codec,payload_type,clock_rate,first_s,last_s,"
          "packets,expected,lost,loss_pct,duplicates,reordered,jitter_ms,jitter_ms_max,jitter_ms_mean,"
          "max_gap_ms,bitrate_kbps,rtt_ms,mos,frames,freeze_count,total_freezes_duration_s,"
          "concealed_s,interruption_count,total_interruption_duration_s\n", fp);
  int64_t base, last;
  rup__report_span(s, t, &base, &last);
  size_t n = rup_session_get_stream_count(s);
  for (size_t i = 0; i < n; i++) {
    rup_stream_stats st;
    if (rup_session_get_stream_stats(s, i, &st) != 0) continue;
    char src[64], dst[64];
    rup_endpoint_format(&st.src, src, sizeof src);
    rup_endpoint_format(&st.dst, dst, sizeof dst);
    csv_str(fp, path ? path : "");
    fprintf(fp, ",%" PRIu32 ",%s,%" PRIu32 ",%s,%s,%s,%s,", st.ssrc, dir_name(st.direction), st.participant, src,
            dst, rup__media_name(st.media), rup_codec_name(st.codec));
    if (st.payload_type >= 0) fprintf(fp, "%d", (int)st.payload_type);
    fputc(',', fp);
    if (st.clock_rate) fprintf(fp, "%" PRIu32, st.clock_rate);
    csv_num(fp, st.packets > 0, (double)(st.first_arrival_us - base) / 1e6);
    csv_num(fp, st.packets > 0, (double)(st.last_arrival_us - base) / 1e6);
    fprintf(fp, ",%" PRIu64 ",%" PRIu64 ",%" PRId64, st.packets, st.expected, st.lost);
    csv_num(fp, 1, st.expected ? 100.0 * (double)st.lost / (double)st.expected : 0.0);
    fprintf(fp, ",%" PRIu64 ",%" PRIu64, st.duplicates, st.reordered);
    int clk = st.clock_rate != 0;
    csv_num(fp, clk, st.jitter_ms);
    csv_num(fp, clk, st.jitter_ms_max);
    csv_num(fp, clk, st.jitter_ms_mean);
    csv_num(fp, 1, st.max_gap_ms);
    csv_num(fp, 1, st.bitrate_bps / 1000.0);
    csv_num(fp, st.has_rtt, st.rtt_ms);
    csv_num(fp, st.has_mos, st.mos);
    int video = st.has_playback && st.media == RUP_MEDIA_VIDEO;
    int audio = st.has_playback && st.media == RUP_MEDIA_AUDIO && st.clock_rate;
    fputc(',', fp);
    if (video) fprintf(fp, "%" PRIu64, st.frames_received);
    fputc(',', fp);
    if (video) fprintf(fp, "%" PRIu64, st.freeze_count);
    csv_num(fp, video, st.total_freezes_duration_s);
    csv_num(fp, audio, audio ? (double)st.concealed_samples / st.clock_rate : 0);
    fputc(',', fp);
    if (audio) fprintf(fp, "%" PRIu64, st.interruption_count);
    csv_num(fp, audio, st.total_interruption_duration_s);
    fputc('\n', fp);
  }
  return ferror(fp) ? RUP_ERR_IO : 0;
}

int rup_report_write_csv_ruptures(const rup_session *s, const rup_trace *t, const char *path, int header,
                                  void *fpv) {
  FILE *fp = fpv;
  if (!s || !fp) return RUP_ERR_INVALID_ARGUMENT;
  if (!rup__report_ruptures_analysed(s)) return RUP_ERR_INVALID_STATE;
  if (header)
    fputs("path,id,type,cause,severity,direction,participant,ssrcs,start_s,detected_s,end_s,duration_s,"
          "speech_missed_s,repair,acknowledged,acknowledged_s\n", fp);
  int64_t base, last;
  rup__report_span(s, t, &base, &last);
  size_t n = rup_session_get_rupture_count(s);
  for (size_t i = 0; i < n; i++) {
    rup_rupture r;
    if (rup_session_get_rupture(s, i, &r) != 0) continue;
    csv_str(fp, path ? path : "");
    fprintf(fp, ",%" PRIu32 ",%s,%s,%s,%s,%" PRIu32 ",", r.id, rup_rupture_type_name(r.type),
            rup_cause_name(r.cause), rup_severity_name(r.severity), dir_name(r.direction), r.participant);
    for (uint32_t k = 0; k < r.ssrc_count && k < RUP_RUPTURE_MAX_SSRCS; k++) /* space-separated list */
      fprintf(fp, k ? " %" PRIu32 : "%" PRIu32, r.ssrcs[k]);
    csv_num(fp, 1, (double)(r.start_us - base) / 1e6);
    csv_num(fp, 1, (double)(r.detected_us - base) / 1e6);
    csv_num(fp, r.end_us != 0, (double)(r.end_us - base) / 1e6);
    csv_num(fp, r.end_us != 0, (double)(r.end_us - r.start_us) / 1e6);
    csv_num(fp, r.speech_known, r.speech_missed_s);
    fprintf(fp, ",%s,%d", rup_repair_name(r.repair), r.acknowledged ? 1 : 0);
    csv_num(fp, r.acknowledged, (double)(r.acknowledged_us - base) / 1e6);
    fputc('\n', fp);
  }
  return ferror(fp) ? RUP_ERR_IO : 0;
}
