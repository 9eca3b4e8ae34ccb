/* `rupture eval TRUTH.json RESULT.json [--json]`: score a `rupture replay --json` result
 * against a synthesizer ground truth. Matching rules: docs/accuracy.md. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../commands.h"
#include "synth.h"

enum { EXIT_OK = 0, EXIT_USAGE = 1, EXIT_IO = 2, EXIT_BAD = 3, EXIT_BELOW = 9 };

#define NTYPES 6
static const char *const types[NTYPES] = {"audio_dropout", "choppy_audio",   "video_freeze",
                                          "av_outage",     "connection_lost", "lag"};
enum { T_DROPOUT = 0, T_CHOPPY, T_FREEZE, T_AVOUT, T_LOST, T_LAG };

/* contains[big][small]: a detection of type small inside a found truth of type big is a
 * lesser part of that rupture, not a false positive (docs/accuracy.md rule 4). */
static const int contains[NTYPES][NTYPES] = {
    /* dropout choppy freeze avout lost lag */
    {0, 0, 0, 0, 0, 0}, /* audio_dropout */
    {1, 0, 0, 0, 0, 0}, /* choppy_audio ⊃ audio_dropout */
    {0, 0, 0, 0, 0, 0}, /* video_freeze */
    {1, 1, 1, 0, 0, 0}, /* av_outage ⊃ audio and video breaks */
    {1, 1, 1, 1, 0, 0}, /* connection_lost ⊃ everything but lag */
    {0, 0, 0, 0, 0, 0}, /* lag */
};

#define MAX_ALSO 2 /* also_expected entries read per impairment */

typedef struct truth {
  int id, type; /* type -1: not a rupture */
  const char *kind, *cause;
  int dir;
  double a, b;
  int found;
  double onset, dur_err_pct;
  int cause_ok;
} truth;

typedef struct det {
  int type, dir;
  const char *cause;
  double a, b;
  int status; /* 0 FP, 1 TP, 2 excused, -1 unknown type (ignored) */
  int non_rupture; /* id of an overlapped not-a-rupture truth, 0 if none */
} det;

static int type_index(const char *s) {
  if (!s) return -1;
  for (int i = 0; i < NTYPES; i++)
    if (strcmp(s, types[i]) == 0) return i;
  return -1;
}

static int dir_mask(const char *s) {
  if (!s) return 0;
  if (!strcmp(s, "inbound")) return 1;
  if (!strcmp(s, "outbound")) return 2;
  if (!strcmp(s, "both")) return 3;
  return 0;
}

static char *read_all(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *b = malloc(cap);
  while (b) {
    size_t r = fread(b + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
    if (n == cap) {
      if (cap >= RUP__JS_MAX_INPUT + 1) break; /* too large: the parser rejects it */
      char *nb = realloc(b, cap * 2);
      if (!nb) {
        free(b);
        b = NULL;
        break;
      }
      b = nb;
      cap *= 2;
    }
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(b);
    return NULL;
  }
  *len = n;
  return b;
}

static rup__js *load(const char *path, int *code) {
  size_t n = 0;
  char *text = read_all(path, &n);
  if (!text) {
    fprintf(stderr, "rupture eval: %s: %s\n", path, strerror(errno ? errno : ENOMEM));
    *code = EXIT_IO;
    return NULL;
  }
  rup__js *v;
  char err[160];
  if (rup__js_parse(text, n, &v, err, sizeof err)) {
    fprintf(stderr, "rupture eval: %s: %s\n", path, err);
    *code = EXIT_BAD;
    v = NULL;
  }
  free(text);
  return v;
}

static int overlaps(double a1, double b1, double a2, double b2, double tol) {
  return a1 <= b2 + tol && b1 >= a2 - tol;
}

typedef struct score {
  int truths, found, short_truths, short_found, tp, fp, excused, dets, cause_ok;
  double onset_sum, onset_max, dur_sum;
} score;

static double ratio(int a, int b) { return b ? (double)a / b : NAN; }

static void put_num(FILE *f, double v) {
  if (isnan(v)) fputs("null", f);
  else fprintf(f, "%.6f", v);
}

static void json_score(FILE *f, const score *s) {
  double p = ratio(s->tp, s->tp + s->fp), r = ratio(s->found, s->truths);
  double f1 = (!isnan(p) && !isnan(r) && p + r > 0) ? 2 * p * r / (p + r) : NAN;
  fprintf(f, "{\"truths\": %d, \"found\": %d, \"recall\": ", s->truths, s->found);
  put_num(f, r);
  fprintf(f, ", \"detections\": %d, \"true_positives\": %d, \"false_positives\": %d, \"excused\": %d, "
             "\"precision\": ",
          s->dets, s->tp, s->fp, s->excused);
  put_num(f, p);
  fputs(", \"f1\": ", f);
  put_num(f, f1);
  int nf = s->found + s->short_found;
  fputs(", \"onset_error_mean_s\": ", f);
  put_num(f, nf ? s->onset_sum / nf : NAN);
  fputs(", \"onset_error_max_s\": ", f);
  put_num(f, nf ? s->onset_max : NAN);
  fputs(", \"duration_error_mean_pct\": ", f);
  put_num(f, nf ? s->dur_sum / nf : NAN);
  fputs(", \"cause_agreement\": ", f);
  put_num(f, ratio(s->cause_ok, nf));
  fprintf(f, ", \"short_truths\": %d, \"short_found\": %d, \"short_recall\": ", s->short_truths,
          s->short_found);
  put_num(f, ratio(s->short_found, s->short_truths));
  fputc('}', f);
}

static void put_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

/* v with `decimals` decimals, or "-" when it is not defined (NaN). */
static void fmt(char *b, size_t n, double v, int decimals) {
  if (isnan(v)) snprintf(b, n, "-");
  else snprintf(b, n, "%.*f", decimals, v);
}

static void row(const char *name, const score *s) {
  double p = ratio(s->tp, s->tp + s->fp), r = ratio(s->found, s->truths);
  double f1 = (!isnan(p) && !isnan(r) && p + r > 0) ? 2 * p * r / (p + r) : NAN;
  int nf = s->found + s->short_found;
  char P[16], R[16], F[16], om[16], ox[16], de[16], sr[24];
  fmt(P, sizeof P, p, 3);
  fmt(R, sizeof R, r, 3);
  fmt(F, sizeof F, f1, 3);
  fmt(om, sizeof om, nf ? s->onset_sum / nf : NAN, 2);
  fmt(ox, sizeof ox, nf ? s->onset_max : NAN, 2);
  fmt(de, sizeof de, nf ? s->dur_sum / nf : NAN, 1);
  snprintf(sr, sizeof sr, "%d/%d", s->short_found, s->short_truths);
  printf("%-16s %6d %6d %7s %5d %4d %4d %5d %9s %6s %8s %8s %8s %9s\n", name, s->truths, s->found,
         R, s->dets, s->tp, s->fp, s->excused, P, F, om, ox, de, sr);
}

int rup_cmd_eval(int argc, char **argv) {
  const char *tpath = NULL, *rpath = NULL;
  int json = 0;
  double tol = 1.0, min_p = -1, min_r = -1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    double *dst = !strcmp(a, "--tolerance") ? &tol : !strcmp(a, "--min-precision") ? &min_p
                  : !strcmp(a, "--min-recall") ? &min_r : NULL;
    if (!strcmp(a, "--json")) {
      json = 1;
    } else if (dst) {
      char *e;
      if (i + 1 >= argc || ((*dst = strtod(argv[i + 1], &e)), *e) || !(*dst >= 0 && *dst <= 1e6)) {
        fprintf(stderr, "rupture eval: %s needs a number\n", a);
        return EXIT_USAGE;
      }
      i++;
    } else if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      printf("usage: rupture eval TRUTH.json RESULT.json [--json] [--tolerance S]\n"
             "                    [--min-precision X] [--min-recall Y]\n");
      return EXIT_OK;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "rupture eval: unknown option '%s'\n", a);
      return EXIT_USAGE;
    } else if (!tpath) {
      tpath = a;
    } else if (!rpath) {
      rpath = a;
    } else {
      fprintf(stderr, "rupture eval: too many files\n");
      return EXIT_USAGE;
    }
  }
  if (!tpath || !rpath) {
    fprintf(stderr, "usage: rupture eval TRUTH.json RESULT.json [--json] [--tolerance S]\n");
    return EXIT_USAGE;
  }
  int code = EXIT_OK;
  rup__js *T = load(tpath, &code), *R = T ? load(rpath, &code) : NULL;
  truth *tr = NULL;
  det *dt = NULL;
  if (!T || !R) goto out;
  const rup__js *imps = rup__js_get(T, "impairments"), *rups = rup__js_get(R, "ruptures");
  if (!imps || imps->type != RUP__JS_ARRAY || !rups || rups->type != RUP__JS_ARRAY) {
    fprintf(stderr, "rupture eval: expected \"impairments\" in %s and \"ruptures\" in %s\n", tpath,
            rpath);
    code = EXIT_BAD;
    goto out;
  }
  double dur = rup__js_num(rup__js_get(rup__js_get(R, "input"), "duration_s"),
                           rup__js_num(rup__js_get(T, "duration_s"), 1e9));
  tr = calloc(imps->n * (1 + MAX_ALSO) + 1, sizeof *tr);
  dt = calloc(rups->n + 1, sizeof *dt);
  if (!tr || !dt) {
    code = EXIT_BAD;
    goto out;
  }
  size_t nt = 0, nd = 0;
  for (size_t i = 0; i < imps->n; i++) {
    const rup__js *m = imps->items[i];
    truth *t = &tr[nt];
    t->id = (int)rup__js_num(rup__js_get(m, "id"), (double)(i + 1));
    t->kind = rup__js_str(rup__js_get(m, "kind"));
    t->type = type_index(rup__js_str(rup__js_get(m, "expected_rupture")));
    t->cause = rup__js_str(rup__js_get(m, "expected_cause"));
    t->dir = dir_mask(rup__js_str(rup__js_get(m, "direction")));
    double s = rup__js_num(rup__js_get(m, "start_s"), NAN), e = rup__js_num(rup__js_get(m, "end_s"), NAN);
    t->a = rup__js_num(rup__js_get(m, "rupture_start_s"), s);
    t->b = rup__js_num(rup__js_get(m, "rupture_end_s"), e);
    if (!t->kind || !t->dir || isnan(t->a) || isnan(t->b) || t->b < t->a) {
      fprintf(stderr, "rupture eval: %s: impairment %zu lacks kind, direction or times\n", tpath, i);
      code = EXIT_BAD;
      goto out;
    }
    nt++;
    /* a second experience of the same impairment (e.g. a delay spike: a stall, then lag) */
    const rup__js *also = rup__js_get(m, "also_expected");
    for (size_t k = 0; also && also->type == RUP__JS_ARRAY && k < also->n && k < MAX_ALSO; k++) {
      const rup__js *x = also->items[k];
      truth *u = &tr[nt];
      *u = *t;
      u->type = type_index(rup__js_str(rup__js_get(x, "expected_rupture")));
      u->cause = rup__js_str(rup__js_get(x, "expected_cause"));
      u->a = rup__js_num(rup__js_get(x, "rupture_start_s"), NAN);
      u->b = rup__js_num(rup__js_get(x, "rupture_end_s"), NAN);
      if (u->type < 0 || isnan(u->a) || isnan(u->b) || u->b < u->a) {
        fprintf(stderr, "rupture eval: %s: impairment %zu: bad also_expected entry\n", tpath, i);
        code = EXIT_BAD;
        goto out;
      }
      nt++;
    }
  }
  for (size_t i = 0; i < rups->n; i++) {
    const rup__js *r = rups->items[i];
    det *d = &dt[nd];
    d->type = type_index(rup__js_str(rup__js_get(r, "type")));
    d->dir = dir_mask(rup__js_str(rup__js_get(r, "direction")));
    d->cause = rup__js_str(rup__js_get(r, "cause"));
    d->a = rup__js_num(rup__js_get(r, "start_s"), NAN);
    d->b = rup__js_num(rup__js_get(r, "end_s"), dur); /* still open at the end: until the end */
    if (isnan(d->a) || !d->dir) {
      fprintf(stderr, "rupture eval: %s: rupture %zu lacks direction or start_s\n", rpath, i);
      code = EXIT_BAD;
      goto out;
    }
    if (d->b < d->a) d->b = d->a;
    d->status = d->type < 0 ? -1 : 0;
    nd++;
  }
  /* Rule 1-3: a truth is found when a detection of its type, in a compatible direction,
   * overlaps its rupture window (± tolerance); several detections count once. */
  for (size_t i = 0; i < nt; i++) {
    truth *t = &tr[i];
    if (t->type < 0) continue;
    double first = INFINITY, lo = INFINITY, hi = -INFINITY;
    for (size_t j = 0; j < nd; j++) {
      det *d = &dt[j];
      if (d->type != t->type || !(d->dir & t->dir) || !overlaps(d->a, d->b, t->a, t->b, tol)) continue;
      d->status = 1;
      t->found = 1;
      if (d->a < first) first = d->a;
      if (d->a < lo) lo = d->a;
      if (d->b > hi) hi = d->b;
      if (t->cause && d->cause && !strcmp(t->cause, d->cause)) t->cause_ok = 1;
    }
    if (t->found) {
      t->onset = first - t->a;
      double td = t->b - t->a;
      t->dur_err_pct = td > 0 ? 100.0 * fabs((hi - lo) - td) / td : 0;
    }
  }
  /* Rule 4: lesser parts of a found bigger truth are excused; rule 5: the rest are false
   * positives, noting those that overlap a not-a-rupture truth. */
  for (size_t j = 0; j < nd; j++) {
    det *d = &dt[j];
    if (d->status != 0) continue;
    for (size_t i = 0; i < nt; i++) {
      const truth *t = &tr[i];
      if (!(d->dir & t->dir) || !overlaps(d->a, d->b, t->a, t->b, tol)) continue;
      if (t->type >= 0 && t->found && contains[t->type][d->type]) d->status = 2;
      if (t->type < 0 && !d->non_rupture) d->non_rupture = t->id;
    }
  }
  score by[NTYPES], all;
  memset(by, 0, sizeof by);
  memset(&all, 0, sizeof all);
  for (size_t i = 0; i < nt; i++) {
    const truth *t = &tr[i];
    if (t->type < 0) continue;
    score *s[2] = {&by[t->type], &all};
    int is_short = t->b - t->a < 1.0;
    for (int k = 0; k < 2; k++) {
      if (is_short) {
        s[k]->short_truths++;
        s[k]->short_found += t->found;
      } else {
        s[k]->truths++;
        s[k]->found += t->found;
      }
      if (t->found) {
        s[k]->tp++; /* precision counts each found truth once */
        s[k]->onset_sum += fabs(t->onset);
        if (fabs(t->onset) > s[k]->onset_max) s[k]->onset_max = fabs(t->onset);
        s[k]->dur_sum += t->dur_err_pct;
        s[k]->cause_ok += t->cause_ok;
      }
    }
  }
  for (size_t j = 0; j < nd; j++) {
    const det *d = &dt[j];
    if (d->type < 0) continue;
    score *s[2] = {&by[d->type], &all};
    for (int k = 0; k < 2; k++) {
      s[k]->dets++;
      if (d->status == 0) s[k]->fp++;
      if (d->status == 2) s[k]->excused++;
    }
  }
  if (json) {
    printf("{\n  \"truth\": ");
    put_str(stdout, tpath);
    printf(",\n  \"result\": ");
    put_str(stdout, rpath);
    printf(",\n  \"tolerance_s\": %.3f,\n  \"by_type\": {", tol);
    for (int k = 0; k < NTYPES; k++) {
      printf("%s\n    \"%s\": ", k ? "," : "", types[k]);
      json_score(stdout, &by[k]);
    }
    printf("\n  },\n  \"overall\": ");
    json_score(stdout, &all);
    printf(",\n  \"truths\": [");
    int first = 1;
    for (size_t i = 0; i < nt; i++) {
      const truth *t = &tr[i];
      printf("%s\n    {\"id\": %d, \"kind\": ", first ? "" : ",", t->id);
      put_str(stdout, t->kind);
      printf(", \"expected_rupture\": ");
      first = 0;
      if (t->type < 0) {
        printf("null}");
        continue;
      }
      printf("\"%s\", \"direction\": \"%s\", \"start_s\": %.6f, \"end_s\": %.6f, \"found\": %s, "
             "\"onset_error_s\": ",
             types[t->type], t->dir == 3 ? "both" : t->dir == 1 ? "inbound" : "outbound", t->a, t->b,
             t->found ? "true" : "false");
      put_num(stdout, t->found ? t->onset : NAN);
      printf(", \"duration_error_pct\": ");
      put_num(stdout, t->found ? t->dur_err_pct : NAN);
      printf("}");
    }
    printf("\n  ],\n  \"false_positives\": [");
    first = 1;
    for (size_t j = 0; j < nd; j++) {
      const det *d = &dt[j];
      if (d->status != 0) continue;
      printf("%s\n    {\"type\": \"%s\", \"direction\": \"%s\", \"start_s\": %.6f, \"end_s\": %.6f, "
             "\"overlaps_non_rupture\": ",
             first ? "" : ",", types[d->type], d->dir == 1 ? "inbound" : d->dir == 2 ? "outbound" : "both",
             d->a, d->b);
      first = 0;
      if (d->non_rupture) printf("%d}", d->non_rupture);
      else printf("null}");
    }
    printf("\n  ]\n}\n");
  } else {
    printf("%-16s %6s %6s %7s %5s %4s %4s %5s %9s %6s %8s %8s %8s %9s\n", "type", "truths", "found",
           "recall", "dets", "TP", "FP", "excus", "precision", "F1", "onset_s", "onsetmax", "dur_err%",
           "<1s found");
    for (int k = 0; k < NTYPES; k++)
      if (by[k].truths || by[k].short_truths || by[k].dets) row(types[k], &by[k]);
    row("overall", &all);
    for (size_t j = 0; j < nd; j++) {
      const det *d = &dt[j];
      if (d->status != 0) continue;
      printf("false positive: %s %s %.2f-%.2f s%s\n", types[d->type],
             d->dir == 1 ? "inbound" : d->dir == 2 ? "outbound" : "both", d->a, d->b,
             d->non_rupture ? " (over a not-a-rupture impairment)" : "");
    }
    for (size_t i = 0; i < nt; i++)
      if (tr[i].type >= 0 && !tr[i].found)
        printf("missed: #%d %s (%s) %.2f-%.2f s\n", tr[i].id, types[tr[i].type], tr[i].kind, tr[i].a,
               tr[i].b);
  }
  {
    double p = ratio(all.tp, all.tp + all.fp), r = ratio(all.found, all.truths);
    if ((min_p >= 0 && !isnan(p) && p < min_p) || (min_r >= 0 && !isnan(r) && r < min_r))
      code = EXIT_BELOW;
  }
out:
  free(tr);
  free(dt);
  rup__js_free(T);
  rup__js_free(R);
  return code;
}
