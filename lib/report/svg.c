/* The SVG timeline of a call: one lane per stream (activity, loss, speech), ruptures as
 * coloured bands labelled with their type and duration, quality level over time, a time
 * axis and a legend. Plain SVG 1.1 (no script, no CSS), so it opens in any browser and
 * converts with rsvg-convert. Written from the public API and the series only. */
#include <inttypes.h>
#include <math.h>

#include "report/report.h"

#define W 1200.0
#define LX 210.0     /* left edge of the plot (labels to its left) */
#define RX (W - 24.0)
#define PW (RX - LX)
#define ROW_H 20.0   /* rupture label rows */
#define MAX_ROWS 6
#define LANE_H 30.0
#define LANE_GAP 6.0
#define CHAR_W 6.4   /* average glyph width at font-size 11 (sans-serif), for label packing */
#define FONT "DejaVu Sans, Verdana, Arial, Helvetica, sans-serif"

typedef struct plot {
  FILE *fp;
  int64_t base, span; /* µs */
} plot;

static double px(const plot *p, int64_t t) {
  double f = (double)(t - p->base) / (double)p->span;
  if (f < 0) f = 0;
  if (f > 1) f = 1;
  return LX + f * PW;
}

/* Text content: XML-escaped, control characters dropped, invalid UTF-8 bytes as '?'
 * (XML 1.0 §2.2: documents must be well-formed UTF-8 without C0 controls). */
static void xml_text(FILE *fp, const char *s) {
  const unsigned char *p = (const unsigned char *)s;
  while (*p) {
    unsigned c = *p;
    if (c < 0x80) {
      if (c == '&') fputs("&amp;", fp);
      else if (c == '<') fputs("&lt;", fp);
      else if (c == '>') fputs("&gt;", fp);
      else if (c == '"') fputs("&quot;", fp);
      else if (c == '\'') fputs("&apos;", fp);
      else if (c >= 0x20 && c != 0x7f) fputc((int)c, fp);
      p++;
      continue;
    }
    /* RFC 3629 §4: lead byte C2..F4, then 1-3 continuation bytes; no overlongs/surrogates. */
    int len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    int ok = len > 0;
    for (int i = 1; ok && i < len; i++) ok = (p[i] & 0xc0) == 0x80;
    if (ok && len == 3) ok = !(c == 0xe0 && p[1] < 0xa0) && !(c == 0xed && p[1] >= 0xa0);
    if (ok && len == 4) ok = !(c == 0xf0 && p[1] < 0x90) && !(c == 0xf4 && p[1] >= 0x90);
    if (!ok) {
      fputc('?', fp);
      p++;
      continue;
    }
    fwrite(p, 1, (size_t)len, fp);
    p += len;
  }
}

static void clock_text(char *buf, size_t n, double s) {
  if (!(s >= 0)) s = 0;
  if (s > 359999) s = 359999;
  int t = (int)(s + 0.5);
  if (t >= 3600)
    snprintf(buf, n, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
  else
    snprintf(buf, n, "%02d:%02d", t / 60, t % 60);
}

static const char *type_colour(int type) {
  switch (type) {
    case RUP_RUPTURE_AUDIO_DROPOUT: return "#e4572e";
    case RUP_RUPTURE_CHOPPY_AUDIO: return "#d99a00";
    case RUP_RUPTURE_VIDEO_FREEZE: return "#2f7bd6";
    case RUP_RUPTURE_AV_OUTAGE: return "#8e44ad";
    case RUP_RUPTURE_CONNECTION_LOST: return "#a31621";
    case RUP_RUPTURE_LAG: return "#1b998b";
    default: return "#555555";
  }
}

/* Quality level 0 (unusable) .. 5 (excellent). */
static const char *level_colour(int level) {
  static const char *const c[] = {"#7f1d1d", "#dc2626", "#f97316", "#facc15", "#84cc16", "#16a34a"};
  return level >= 0 && level <= 5 ? c[level] : "#9ca3af";
}

static void text(FILE *fp, double x, double y, double size, const char *fill, const char *weight,
                 const char *anchor, const char *s) {
  fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" fill=\"%s\"%s%s%s%s>", x, y, size, fill,
          weight ? " font-weight=\"" : "", weight ? weight : "", weight ? "\"" : "",
          anchor ? (strcmp(anchor, "end") == 0 ? " text-anchor=\"end\"" : " text-anchor=\"middle\"") : "");
  xml_text(fp, s);
  fputs("</text>\n", fp);
}

static void rect(FILE *fp, double x, double y, double w, double h, const char *fill, double opacity) {
  if (w < 0.5) w = 0.5; /* keep short intervals visible */
  fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"", x, y, w, h, fill);
  if (opacity < 1) fprintf(fp, " fill-opacity=\"%.2f\"", opacity);
  fputs("/>\n", fp);
}

/* A lane's stream: index and identity. */
typedef struct lane {
  size_t index;
  rup_stream_stats st;
} lane;

static void stream_lane(const plot *p, const rup_report_series *r, const lane *ln, double y) {
  FILE *fp = p->fp;
  const rup_stream_stats *st = &ln->st;
  int audio = st->media == RUP_MEDIA_AUDIO;
  const char *act = audio ? "#bfd7f2" : st->media == RUP_MEDIA_VIDEO ? "#c9e4c5" : "#dddddd";
  rect(fp, LX, y, PW, LANE_H, "#f4f5f7", 1);
  char l1[96], l2[128], ep[64];
  snprintf(l1, sizeof l1, "%s %s (%s)", st->direction == RUP_DIR_OUTBOUND ? "sent" : "received",
           rup__media_name(st->media), rup_codec_name(st->codec));
  rup_endpoint_format(&st->src, ep, sizeof ep);
  snprintf(l2, sizeof l2, "SSRC 0x%08" PRIX32 "%s%s", st->ssrc, ep[0] ? " from " : "", ep);
  text(fp, LX - 8, y + 13, 12, "#111827", "bold", "end", l1);
  text(fp, LX - 8, y + 26, 10, "#6b7280", NULL, "end", l2);
  if (!r || r->n == 0) { /* no series: the stream's life */
    if (st->packets) rect(fp, px(p, st->first_arrival_us), y + 1, px(p, st->last_arrival_us) - px(p, st->first_arrival_us), LANE_H - 2, act, 1);
    return;
  }
  /* Pass 0: packets arriving (consecutive intervals as one rect, no seams); pass 1:
   * loss and speech on top. */
  for (int pass = 0; pass < 2; pass++) {
    const rup__sample *prev = NULL;
    int64_t prev_tick = p->base;
    double run0 = -1, run1 = -1;
    for (size_t i = 0; i < r->n; i++) {
      const rup__sample *x = &r->v[i];
      if (i > 0 && x->t_us != r->v[i - 1].t_us) prev_tick = r->v[i - 1].t_us;
      if (x->stream != ln->index) continue;
      static const rup__sample zero;
      const rup__sample *a = prev ? prev : &zero;
      prev = x;
      double x0 = px(p, prev_tick), x1 = px(p, x->t_us);
      if (pass == 0) {
        if (x->packets <= a->packets) continue;
        if (run0 >= 0 && x0 <= run1 + 0.05) {
          run1 = x1;
          continue;
        }
        if (run0 >= 0) rect(fp, run0, y + 1, run1 - run0, LANE_H - 2, act, 1);
        run0 = x0;
        run1 = x1;
        continue;
      }
      if (x->expected > a->expected && x->lost > a->lost) { /* RFC 3550 A.3 interval loss */
        double f = (double)(x->lost - a->lost) / (double)(x->expected - a->expected);
        if (f > 1) f = 1;
        double h = f * (LANE_H - 2);
        if (h < 2) h = 2;
        rect(fp, x0, y + LANE_H - 1 - h, x1 - x0, h, "#b91c1c", 0.85);
      }
      if (audio && x->speech_known && x->t_us > prev_tick) {
        double f = (x->speech_s - a->speech_s) / ((double)(x->t_us - prev_tick) / 1e6);
        if (f > 1) f = 1;
        if (f >= 0.05) rect(fp, x0, y + 1, x1 - x0, 6, "#1e3a8a", 0.25 + 0.75 * f);
      }
    }
    if (run0 >= 0) rect(fp, run0, y + 1, run1 - run0, LANE_H - 2, act, 1);
  }
}

/* Quality of one participant and direction: a step chart, height and colour = level. */
static void quality_lane(const plot *p, const rup_report_series *r, uint32_t part, int32_t dir, double y,
                         int64_t last) {
  FILE *fp = p->fp;
  rect(fp, LX, y, PW, LANE_H, "#f4f5f7", 1);
  char l1[96];
  snprintf(l1, sizeof l1, "quality, %s", dir == RUP_DIR_OUTBOUND ? "sent" : "received");
  text(fp, LX - 8, y + 13, 12, "#111827", "bold", "end", l1);
  snprintf(l1, sizeof l1, "participant %" PRIu32 ", level 0-5", part);
  text(fp, LX - 8, y + 26, 10, "#6b7280", NULL, "end", l1);
  for (size_t i = 0; i < r->nq; i++) {
    const rup__qchange *c = &r->q[i];
    if (c->participant != part || c->direction != dir) continue;
    int64_t end = last;
    for (size_t j = i + 1; j < r->nq; j++)
      if (r->q[j].participant == part && r->q[j].direction == dir) {
        end = r->q[j].t_us;
        break;
      }
    if (c->level < 0 || end <= c->t_us) continue;
    double h = (LANE_H - 2) * (c->level + 1) / 6.0;
    double x0 = px(p, c->t_us);
    rect(fp, x0, y + LANE_H - 1 - h, px(p, end) - x0, h, level_colour(c->level), 1);
  }
}

int rup_report_write_svg(const rup_session *s, const rup_trace *t, const rup_report_series *r, const char *title,
                         void *fpv) {
  FILE *fp = fpv;
  if (!s || !fp) return RUP_ERR_INVALID_ARGUMENT;
  if (!rup__report_ruptures_analysed(s)) return RUP_ERR_INVALID_STATE;
  plot p = {fp, 0, 0};
  int64_t last;
  rup__report_span(s, t, &p.base, &last);
  if (r && r->n && r->v[r->n - 1].t_us > last) last = r->v[r->n - 1].t_us;
  p.span = last - p.base > 1000000 ? last - p.base : 1000000;

  /* Lanes: every stream with packets, inbound first, then in order of appearance. */
  size_t ns = rup_session_get_stream_count(s);
  lane lanes[64];
  size_t nl = 0;
  for (int pass = 0; pass < 2; pass++)
    for (size_t i = 0; i < ns && nl < RUP_ARRAY_LEN(lanes); i++) {
      rup_stream_stats st;
      if (rup_session_get_stream_stats(s, i, &st) != 0 || st.packets == 0) continue;
      if ((st.direction == RUP_DIR_OUTBOUND) != pass) continue;
      lanes[nl].index = i;
      lanes[nl].st = st;
      nl++;
    }
  /* Quality lanes: each participant and direction with a level. */
  struct { uint32_t part; int32_t dir; } ql[32];
  size_t nql = 0;
  for (size_t i = 0; r && i < r->nq; i++) {
    size_t k = 0;
    while (k < nql && !(ql[k].part == r->q[i].participant && ql[k].dir == r->q[i].direction)) k++;
    if (k == nql && nql < RUP_ARRAY_LEN(ql)) {
      ql[nql].part = r->q[i].participant;
      ql[nql].dir = r->q[i].direction;
      nql++;
    }
  }

  /* Rupture labels: greedy rows so that labels do not overlap. */
  size_t nr = rup_session_get_rupture_count(s);
  double row_end[MAX_ROWS];
  int rows = 0;
  unsigned char *row_of = NULL;
  rup_mem m = *rup_mem_default();
  if (nr) {
    row_of = rup__malloc(&m, nr);
    if (!row_of) return RUP_ERR_NOMEM;
  }
  for (int k = 0; k < MAX_ROWS; k++) row_end[k] = -1e9;
  for (size_t i = 0; i < nr; i++) {
    rup_rupture ru;
    row_of[i] = 0;
    if (rup_session_get_rupture(s, i, &ru) != 0) continue;
    char lab[96];
    double d = (double)((ru.end_us ? ru.end_us : last) - ru.start_us) / 1e6;
    snprintf(lab, sizeof lab, "%s %.1f s%s", rup__rupture_words(ru.type), d, ru.end_us ? "" : "+");
    double w = (double)strlen(lab) * CHAR_W + 12;
    double x = px(&p, ru.start_us);
    if (x + w > RX) x = RX - w;
    int best = 0;
    for (int k = 0; k < MAX_ROWS; k++) {
      if (row_end[k] + 4 <= x) {
        best = k;
        break;
      }
      if (row_end[k] < row_end[best]) best = k;
    }
    row_of[i] = (unsigned char)best;
    row_end[best] = x + w;
    if (best + 1 > rows) rows = best + 1;
  }

  char buf[256], a[24], b[24];
  double y_rows = 66, y_lanes = y_rows + rows * ROW_H + (rows ? 10 : 0);
  double y_q = y_lanes + (double)nl * (LANE_H + LANE_GAP);
  double y_axis = y_q + (double)nql * (LANE_H + LANE_GAP);
  double y_legend = y_axis + 40;
  double H = y_legend + 44;

  fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%.0f\" height=\"%.0f\" "
              "viewBox=\"0 0 %.0f %.0f\" font-family=\"%s\">\n", W, H, W, H, FONT);
  fputs("<title>", fp);
  xml_text(fp, title ? title : "call timeline");
  fputs(" - librupture call timeline</title>\n", fp);
  rect(fp, 0, 0, W, H, "#ffffff", 1);

  /* Title and one-line summary. */
  rup_summary sum;
  memset(&sum, 0, sizeof sum);
  rup_session_get_summary(s, &sum);
  text(fp, 16, 28, 18, "#111827", "bold", NULL, title ? title : "Call timeline");
  clock_text(a, sizeof a, (double)(last - p.base) / 1e6);
  int len = snprintf(buf, sizeof buf, "length %s  |  %zu stream%s  |  %" PRIu32 " rupture%s, %.1f s in total", a, nl,
                     nl == 1 ? "" : "s", sum.rupture_count, sum.rupture_count == 1 ? "" : "s", sum.rupture_time_s);
  if (sum.has_mos && len > 0 && (size_t)len < sizeof buf)
    len += snprintf(buf + len, sizeof buf - (size_t)len, "  |  lowest MOS %.2f", sum.mos_min);
  if (sum.quality_level_min >= 0 && len > 0 && (size_t)len < sizeof buf)
    snprintf(buf + len, sizeof buf - (size_t)len, "  |  lowest quality level %d", (int)sum.quality_level_min);
  text(fp, 16, 48, 12, "#4b5563", NULL, NULL, buf);

  /* Time grid: the smallest step giving at most 12 ticks. */
  static const int steps[] = {1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400};
  double span_s = (double)p.span / 1e6;
  int step = steps[RUP_ARRAY_LEN(steps) - 1];
  for (size_t i = 0; i < RUP_ARRAY_LEN(steps); i++)
    if (span_s / steps[i] <= 12) {
      step = steps[i];
      break;
    }
  for (int k = 0; (double)k * step <= span_s + 1e-9 && k < 1000; k++) {
    double x = LX + (double)k * step / span_s * PW;
    fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#d1d5db\" stroke-width=\"1\"/>\n",
            x, y_lanes - 4, x, y_axis + 4);
    clock_text(a, sizeof a, (double)k * step);
    text(fp, x, y_axis + 18, 11, "#374151", NULL, "middle", a);
  }
  text(fp, LX - 26, y_axis + 18, 11, "#6b7280", NULL, "end", "time (mm:ss)");

  /* Lanes. */
  for (size_t i = 0; i < nl; i++) stream_lane(&p, r, &lanes[i], y_lanes + (double)i * (LANE_H + LANE_GAP));
  for (size_t i = 0; i < nql; i++)
    quality_lane(&p, r, ql[i].part, ql[i].dir, y_q + (double)i * (LANE_H + LANE_GAP), last);

  /* Ruptures: a band over the lanes of their streams (all stream lanes if none match),
   * and a label in the rows above; <title> gives the details as a browser tooltip. */
  for (size_t i = 0; i < 2 * nr; i++) { /* bands and connectors first, labels on top */
    int labels = i >= nr;
    rup_rupture ru;
    if (rup_session_get_rupture(s, i % nr, &ru) != 0) continue;
    const char *col = type_colour(ru.type);
    int64_t end = ru.end_us ? ru.end_us : last;
    double x0 = px(&p, ru.start_us), x1 = px(&p, end);
    if (x1 - x0 < 2) x1 = x0 + 2;
    if (labels) {
      char lab[96];
      snprintf(lab, sizeof lab, "%s %.1f s%s", rup__rupture_words(ru.type), (double)(end - ru.start_us) / 1e6,
               ru.end_us ? "" : "+");
      double w = (double)strlen(lab) * CHAR_W + 12;
      double lx = x0 + w > RX ? RX - w : x0;
      double ly = y_rows + row_of[i % nr] * ROW_H;
      fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"16\" rx=\"3\" fill=\"%s\"/>\n", lx, ly, w, col);
      text(fp, lx + 6, ly + 12, 11, "#ffffff", "bold", NULL, lab);
      continue;
    }
    clock_text(a, sizeof a, (double)(ru.start_us - p.base) / 1e6);
    clock_text(b, sizeof b, (double)(end - p.base) / 1e6);
    fprintf(fp, "<g>\n<title>%s, cause %s, %s, %s %s-%s (%.1f s), speech missed ", rup_rupture_type_name(ru.type),
            rup_cause_name(ru.cause), rup_severity_name(ru.severity),
            ru.direction == RUP_DIR_OUTBOUND ? "outbound" : "inbound", a, b, (double)(end - ru.start_us) / 1e6);
    if (ru.speech_known)
      fprintf(fp, "%.1f s", ru.speech_missed_s);
    else
      fputs("unknown", fp);
    fprintf(fp, ", hint %s</title>\n", rup_repair_name(ru.repair));
    int matched = 0;
    for (size_t l = 0; l < nl; l++) {
      int hit = 0;
      for (uint32_t k = 0; k < ru.ssrc_count && k < RUP_RUPTURE_MAX_SSRCS; k++)
        hit |= ru.ssrcs[k] == lanes[l].st.ssrc && ru.direction == lanes[l].st.direction;
      if (!hit) continue;
      matched = 1;
      double y = y_lanes + (double)l * (LANE_H + LANE_GAP);
      rect(fp, x0, y - 2, x1 - x0, LANE_H + 4, col, 0.35);
    }
    if (!matched && nl) rect(fp, x0, y_lanes - 2, x1 - x0, (double)nl * (LANE_H + LANE_GAP) - LANE_GAP + 4, col, 0.3);
    fprintf(fp, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1.5\"/>\n", x0,
            y_rows + row_of[i] * ROW_H + 16, x0, y_lanes - 2, col);
    fputs("</g>\n", fp);
  }
  rup__free(&m, row_of);

  /* Legend: the rupture types present, then the lane marks. */
  double lx = 16;
  int present[7] = {0};
  for (size_t i = 0; i < nr; i++) {
    rup_rupture ru;
    if (rup_session_get_rupture(s, i, &ru) == 0 && ru.type >= 1 && ru.type <= 6) present[ru.type] = 1;
  }
  for (int ty = 1; ty <= 6; ty++) {
    if (!present[ty]) continue;
    rect(fp, lx, y_legend - 10, 12, 12, type_colour(ty), 1);
    text(fp, lx + 17, y_legend, 11, "#111827", NULL, NULL, rup__rupture_words(ty));
    lx += 17 + (double)strlen(rup__rupture_words(ty)) * CHAR_W + 18;
  }
  double y2 = y_legend + 22;
  struct { const char *col; double op; const char *what; } marks[] = {
      {"#bfd7f2", 1, "audio packets arriving"},     {"#c9e4c5", 1, "video packets arriving"},
      {"#b91c1c", 0.85, "packet loss (bar height = % lost)"}, {"#1e3a8a", 1, "speech (darker = more)"}};
  lx = 16;
  for (size_t i = 0; i < RUP_ARRAY_LEN(marks); i++) {
    rect(fp, lx, y2 - 10, 12, 12, marks[i].col, marks[i].op);
    text(fp, lx + 17, y2, 11, "#374151", NULL, NULL, marks[i].what);
    lx += 17 + (double)strlen(marks[i].what) * CHAR_W + 18;
  }
  if (nql) {
    for (int lv = 0; lv <= 5; lv++) rect(fp, lx + lv * 8, y2 - 10, 8, 12, level_colour(lv), 1);
    text(fp, lx + 53, y2, 11, "#374151", NULL, NULL, "quality level 0-5");
  }
  fputs("</svg>\n", fp);
  return ferror(fp) ? RUP_ERR_IO : 0;
}
