/* rupture: command-line front end of librupture. Uses only the public API. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "rupture/rupture.h"

/* Exit codes: stable, documented in `rupture --help`, `rupture replay --help` and
 * docs/cli.md. With several inputs the exit code is the largest per-file code. */
enum {
  EXIT_OK = 0,
  EXIT_USAGE = 1,
  EXIT_IO = 2,          /* missing or unreadable input, or an output that cannot be written */
  EXIT_FORMAT = 3,      /* not pcap / pcapng (or gzip of them) */
  EXIT_TRUNCATED = 4,   /* file ends mid-record: results so far are printed */
  EXIT_NO_RTP = 5,      /* readable capture without any RTP */
  EXIT_INTERNAL = 6,    /* out of memory or internal error */
  EXIT_UNSUPPORTED = 7  /* a feature this build does not have (--decode without libopus/libvpx) */
};

#define MAX_LOCAL 16
#define MAX_DEPTH 32

static const char exit_codes_text[] =
    "exit codes:\n"
    "  0  ok\n"
    "  1  usage error\n"
    "  2  an input cannot be read, or an output cannot be written\n"
    "  3  an input is not pcap / pcapng (optionally gzip-compressed)\n"
    "  4  a capture is truncated (results up to the damage are printed)\n"
    "  5  a capture has no RTP\n"
    "  6  out of memory or internal error\n"
    "  7  not built with a requested feature (--decode)\n"
    "  with several inputs: the largest code of any input\n";

static void usage(FILE *fp) {
  fputs("usage: rupture COMMAND [OPTIONS]\n"
        "\n"
        "commands:\n"
        "  replay   replay pcap / pcapng captures (optionally .gz) through a session and\n"
        "           report streams, ruptures, time series, an SVG timeline and a note\n"
        "  synth    write a two-party call with known impairments and its ground truth\n"
        "  eval     score a `replay --format json` result against a ground truth\n"
        "  batch    analyse a corpus of captures on Dask (Python binding; docs/research.md)\n"
        "  help     `rupture help COMMAND` = `rupture COMMAND --help`\n"
        "\n"
        "  rupture --version | --help\n"
        "\n",
        fp);
  fputs(exit_codes_text, fp);
  fputs("\nSee docs/cli.md; the JSON schema is docs/json.md.\n", fp);
}

static void usage_replay(FILE *fp) {
  fputs("usage: rupture replay [OPTIONS] INPUT...\n"
        "\n"
        "INPUT is a capture file (pcap, pcapng, optionally gzip-compressed) or a directory,\n"
        "searched recursively for *.pcap, *.pcapng and *.gz (in name order). Each capture\n"
        "is replayed at capture time through its own session: streams are discovered (SDP in\n"
        "SIP, else the RFC 3551 table, else the payload structure), ruptures detected.\n"
        "\n"
        "output on stdout (--format):\n"
        "  text   one input: stream table and rupture timeline; several: one line per input\n"
        "  json   the JSON document of docs/json.md; several inputs: a JSON array of them\n"
        "  csv    one row per stream (with the input path), header once\n"
        "\n"
        "options:\n"
        "  --format FMT     text (default), json or csv\n"
        "  --json           same as --format json\n"
        "  --local ADDR     packets sent from ADDR (IP, or IP:port) are outbound; repeatable\n"
        "  --svg PATH       write an SVG timeline of the call\n"
        "  --csv DIR        write time series: DIR/STEM-in|out-SSRC.csv per stream and\n"
        "                   DIR/STEM-ruptures.csv (STEM = file name without .pcap/.gz)\n"
        "  --note PATH      write a plain-text session note (for clinical documentation)\n"
        "  --interval SEC   time-series sampling interval for --csv and --svg (default 1)\n"
        "  --decode[=WHAT]  decode media to verify what was seen: audio, video or all\n"
        "                   (default all; needs a build with libopus and libvpx)\n"
        "  --stats-only     statistics only (RFC 3550, RFC 3611, tshark's conventions):\n"
        "                   no playback models, no ruptures; the fast path for corpora.\n"
        "                   Not with --note, --svg or --decode; --csv writes no ruptures file\n"
        "  --quiet, -q      no progress bar and no per-input messages on stderr\n"
        "  --help, -h       this text\n"
        "\n"
        "With several inputs, --svg and --note name a directory (created if missing) that\n"
        "receives STEM.svg and STEM.note.txt per input. A progress bar is drawn on stderr\n"
        "when stderr is a terminal.\n"
        "\n",
        fp);
  fputs(exit_codes_text, fp);
}

/* ---- inputs ---- */

typedef struct inputs {
  char **v;
  size_t n, cap;
} inputs;

static int inputs_add(inputs *in, const char *path) {
  if (in->n == in->cap) {
    size_t cap = in->cap ? in->cap * 2 : 16;
    char **v = realloc(in->v, cap * sizeof *v);
    if (!v) return -1;
    in->v = v;
    in->cap = cap;
  }
  in->v[in->n] = strdup(path);
  if (!in->v[in->n]) return -1;
  in->n++;
  return 0;
}

static void inputs_free(inputs *in) {
  for (size_t i = 0; i < in->n; i++) free(in->v[i]);
  free(in->v);
}

static int ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int is_capture_name(const char *name) {
  return ends_with(name, ".pcap") || ends_with(name, ".pcapng") || ends_with(name, ".gz");
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Every capture under dir, in name order; symbolic links to directories are not
 * followed (no loops), depth is bounded. */
static int scan_dir(inputs *in, const char *dir, int depth) {
  if (depth > MAX_DEPTH) return 0;
  DIR *d = opendir(dir);
  if (!d) {
    fprintf(stderr, "rupture: %s: %s\n", dir, strerror(errno));
    return EXIT_IO;
  }
  inputs names = {0};
  int rc = 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;) {
    if (e->d_name[0] == '.') continue; /* ., .. and hidden files */
    if (inputs_add(&names, e->d_name) < 0) {
      rc = EXIT_INTERNAL;
      break;
    }
  }
  closedir(d);
  if (names.n) qsort(names.v, names.n, sizeof *names.v, cmp_str);
  for (size_t i = 0; i < names.n && rc == 0; i++) {
    size_t len = strlen(dir) + strlen(names.v[i]) + 2;
    char *p = malloc(len);
    if (!p) {
      rc = EXIT_INTERNAL;
      break;
    }
    snprintf(p, len, "%s%s%s", dir, ends_with(dir, "/") ? "" : "/", names.v[i]);
    struct stat lst, st;
    if (lstat(p, &lst) == 0 && S_ISDIR(lst.st_mode)) {
      rc = scan_dir(in, p, depth + 1);
    } else if (is_capture_name(names.v[i]) && stat(p, &st) == 0 && S_ISREG(st.st_mode)) {
      if (inputs_add(in, p) < 0) rc = EXIT_INTERNAL;
    }
    free(p);
  }
  inputs_free(&names);
  return rc;
}

/* File name without directories and without .gz, .pcap, .pcapng. */
static void stem_of(const char *path, char *buf, size_t n) {
  const char *b = strrchr(path, '/');
  b = b ? b + 1 : path;
  snprintf(buf, n, "%s", b);
  static const char *const sfx[] = {".gz", ".pcapng", ".pcap"};
  for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
    size_t l = strlen(buf), k = strlen(sfx[i]);
    if (l > k && strcmp(buf + l - k, sfx[i]) == 0) buf[l - k] = '\0';
  }
  if (!buf[0]) snprintf(buf, n, "capture");
}

static int ensure_dir(const char *dir) {
  struct stat st;
  if (stat(dir, &st) == 0) return S_ISDIR(st.st_mode) ? 0 : -1;
  return mkdir(dir, 0777) == 0 ? 0 : -1;
}

/* ---- progress on stderr ---- */

typedef struct progress {
  int enabled;
  int last_pct;
  size_t index, count;
  const char *name;
} progress;

static void progress_draw(progress *p, int pct) {
  if (!p->enabled) return;
  if (pct > 100) pct = 100;
  if (pct == p->last_pct) return;
  p->last_pct = pct;
  int bar = pct / 4;
  const char *b = strrchr(p->name, '/');
  b = b ? b + 1 : p->name;
  if (p->count > 1)
    fprintf(stderr, "\r\033[K[%zu/%zu] %.40s [%.*s%*s] %3d%%", p->index + 1, p->count, b, bar,
            "#########################", 25 - bar, "", pct);
  else
    fprintf(stderr, "\r\033[K%.40s [%.*s%*s] %3d%%", b, bar, "#########################", 25 - bar, "", pct);
  fflush(stderr);
}

static void progress_clear(progress *p) {
  if (p->enabled) fputs("\r\033[K", stderr);
}


/* ---- one input ---- */

typedef struct opts {
  int format; /* 0 text, 1 json, 2 csv */
  const char *svg, *csv_dir, *note;
  int64_t interval_us;
  int decode_audio, decode_video;
  int stats_only;
  int quiet;
  rup_endpoint local[MAX_LOCAL];
  size_t nlocal;
  int multi; /* several inputs */
} opts;

typedef struct replay_ctx {
  progress *pr;
  rup_report_series *series;
} replay_ctx;

static int on_progress(uint64_t done, uint64_t total, void *ud) {
  replay_ctx *c = ud;
  if (total) progress_draw(c->pr, (int)(done * 100 / total));
  return 0;
}

static int on_tick(rup_session *s, int64_t now_us, void *ud) {
  replay_ctx *c = ud;
  (void)rup_report_series_sample(c->series, s, now_us); /* bounded; drops are counted */
  return 0;
}

static int on_quality(rup_session *s, const rup_event *ev, void *ud) {
  (void)s;
  replay_ctx *c = ud;
  if (c->series) (void)rup_report_series_add_event(c->series, ev);
  return 0;
}

static void print_table(const rup_session *s, const rup_trace_info *ti) {
  size_t n = rup_session_get_stream_count(s);
  printf("%-10s %-8s %-7s %-22s %-22s %8s %7s %7s %9s %10s %10s %9s\n", "SSRC", "dir", "codec", "src", "dst",
         "packets", "lost", "loss%", "dup/reord", "jitter_ms", "max_jit", "max_gap");
  for (size_t i = 0; i < n; i++) {
    rup_stream_stats st;
    if (rup_session_get_stream_stats(s, i, &st) != 0) continue;
    char src[64], dst[64], jit[16], jmax[16], dr[48];
    rup_endpoint_format(&st.src, src, sizeof src);
    rup_endpoint_format(&st.dst, dst, sizeof dst);
    if (st.clock_rate) {
      snprintf(jit, sizeof jit, "%.3f", st.jitter_ms);
      snprintf(jmax, sizeof jmax, "%.3f", st.jitter_ms_max);
    } else {
      snprintf(jit, sizeof jit, "-");
      snprintf(jmax, sizeof jmax, "-");
    }
    snprintf(dr, sizeof dr, "%llu/%llu", (unsigned long long)st.duplicates, (unsigned long long)st.reordered);
    double pct = st.expected ? 100.0 * (double)st.lost / (double)st.expected : 0.0;
    printf("0x%08X %-8s %-7s %-22s %-22s %8llu %7lld %6.2f%% %9s %10s %10s %9.1f\n", st.ssrc,
           st.direction == RUP_DIR_OUTBOUND ? "out" : "in", rup_codec_name(st.codec), src, dst,
           (unsigned long long)st.packets, (long long)st.lost, pct, dr, jit, jmax, st.max_gap_ms);
  }
  printf("%llu records, %llu UDP, %zu streams\n", (unsigned long long)ti->records, (unsigned long long)ti->udp, n);
}

static void mmss(char *buf, size_t n, double s) {
  if (!(s >= 0)) s = 0;
  if (s > 359999) s = 359999;
  int t = (int)(s + 0.5);
  snprintf(buf, n, "%02d:%02d", t / 60 % 10000, t % 60);
}

/* The readable timeline printed after the stream table. */
static void print_timeline(const rup_session *s, int64_t base) {
  rup_summary sum;
  if (rup_session_get_summary(s, &sum) == 0 && !sum.ruptures_analysed) {
    printf("ruptures not analysed (--stats-only)\n");
    return;
  }
  size_t n = rup_session_get_rupture_count(s);
  if (n == 0) {
    printf("no ruptures\n");
    return;
  }
  printf("\n%-13s %-16s %-3s %-15s %-9s %8s %8s  %s\n", "time", "rupture", "dir", "cause", "severity", "duration",
         "speech", "hint");
  for (size_t i = 0; i < n; i++) {
    rup_rupture r;
    if (rup_session_get_rupture(s, i, &r) != 0) continue;
    char a[16], b[16], sp[16];
    mmss(a, sizeof a, (double)(r.start_us - base) / 1e6);
    mmss(b, sizeof b, (double)((r.end_us ? r.end_us : r.start_us) - base) / 1e6);
    if (r.speech_known)
      snprintf(sp, sizeof sp, "%.1f s", r.speech_missed_s);
    else
      snprintf(sp, sizeof sp, "-");
    printf("%s-%s   %-16s %-3s %-15s %-9s %6.1f s %8s  %s\n", a, b, rup_rupture_type_name(r.type),
           r.direction == RUP_DIR_OUTBOUND ? "out" : "in", rup_cause_name(r.cause), rup_severity_name(r.severity),
           r.end_us ? (double)(r.end_us - r.start_us) / 1e6 : 0.0, sp, rup_repair_name(r.repair));
  }
}

/* The per-input summary line (text format with several inputs). */
static void print_summary_line(const char *path, const rup_session *s, const rup_trace_info *ti, int code) {
  static const char *const what[] = {"ok", "usage", "unreadable", "not a capture", "truncated", "no RTP",
                                     "internal error", "unsupported"};
  printf("%s: %s", path, what[code >= 0 && code <= 7 ? code : 6]);
  if (!s) {
    printf("\n");
    return;
  }
  rup_summary sum;
  rup_session_get_summary(s, &sum);
  uint64_t exp = 0;
  int64_t lost = 0;
  size_t n = rup_session_get_stream_count(s);
  for (size_t i = 0; i < n; i++) {
    rup_stream_stats st;
    if (rup_session_get_stream_stats(s, i, &st) == 0) {
      exp += st.expected;
      lost += st.lost;
    }
  }
  double dur = ti && ti->first_ts_us != INT64_MIN ? (double)(ti->last_ts_us - ti->first_ts_us) / 1e6 : 0;
  printf(", %.1f s, %zu streams, loss %.2f%%", dur, n, exp ? 100.0 * (double)lost / (double)exp : 0.0);
  if (sum.ruptures_analysed)
    printf(", %u ruptures (%.1f s, longest %.1f s)", sum.rupture_count, sum.rupture_time_s, sum.longest_s);
  if (sum.has_mos) printf(", MOS min %.2f", sum.mos_min);
  printf("\n");
}

static int write_file(const char *path, int (*fn)(FILE *, void *), void *arg) {
  FILE *fp = fopen(path, "w");
  if (!fp) {
    fprintf(stderr, "rupture: cannot write %s: %s\n", path, strerror(errno));
    return EXIT_IO;
  }
  int r = fn(fp, arg);
  if (fclose(fp) != 0) r = -1;
  if (r < 0) {
    fprintf(stderr, "rupture: cannot write %s: %s\n", path, r == -1 ? strerror(errno) : rup_strerror(r));
    return EXIT_IO;
  }
  return 0;
}

typedef struct out_arg {
  const rup_session *s;
  const rup_trace *t;
  const rup_report_series *series;
  const char *title;
  size_t stream;
} out_arg;

static int w_svg(FILE *fp, void *a) {
  out_arg *o = a;
  return rup_report_write_svg(o->s, o->t, o->series, o->title, fp);
}
static int w_note(FILE *fp, void *a) {
  out_arg *o = a;
  return rup_report_write_note(o->s, o->t, fp);
}
static int w_series(FILE *fp, void *a) {
  out_arg *o = a;
  return rup_report_write_csv_series(o->series, o->s, o->t, o->stream, fp);
}
static int w_ruptures(FILE *fp, void *a) {
  out_arg *o = a;
  return rup_report_write_csv_ruptures(o->s, o->t, o->title, 1, fp);
}

/* Path of an output: PATH itself for one input, else DIR/STEM.EXT. */
static void out_path(char *buf, size_t n, const char *opt, const char *stem, const char *ext, int multi) {
  if (multi)
    snprintf(buf, n, "%s%s%s%s", opt, ends_with(opt, "/") ? "" : "/", stem, ext);
  else
    snprintf(buf, n, "%s", opt);
}

static int write_outputs(const opts *o, const char *path, const char *stem, const rup_session *s, const rup_trace *t,
                         const rup_report_series *series) {
  int code = 0;
  char buf[4096];
  out_arg a = {s, t, series, path, SIZE_MAX};
  if (o->svg) {
    out_path(buf, sizeof buf, o->svg, stem, ".svg", o->multi);
    if (write_file(buf, w_svg, &a)) code = EXIT_IO;
  }
  if (o->note) {
    out_path(buf, sizeof buf, o->note, stem, ".note.txt", o->multi);
    if (write_file(buf, w_note, &a)) code = EXIT_IO;
  }
  if (o->csv_dir) {
    size_t n = rup_session_get_stream_count(s);
    for (size_t i = 0; i < n; i++) {
      rup_stream_stats st;
      if (rup_session_get_stream_stats(s, i, &st) != 0) continue;
      snprintf(buf, sizeof buf, "%s%s%s-%s-%08X.csv", o->csv_dir, ends_with(o->csv_dir, "/") ? "" : "/", stem,
               st.direction == RUP_DIR_OUTBOUND ? "out" : "in", st.ssrc);
      a.stream = i;
      if (write_file(buf, w_series, &a)) code = EXIT_IO;
    }
    snprintf(buf, sizeof buf, "%s%s%s-ruptures.csv", o->csv_dir, ends_with(o->csv_dir, "/") ? "" : "/", stem);
    if (!o->stats_only && write_file(buf, w_ruptures, &a)) code = EXIT_IO;
  }
  return code;
}

static int open_error_code(int rv) {
  return rv == RUP_ERR_IO ? EXIT_IO : rv == RUP_ERR_FORMAT ? EXIT_FORMAT : rv == RUP_ERR_TRUNCATED ? EXIT_TRUNCATED
                                                                                               : EXIT_INTERNAL;
}

/* Replay one input; prints its part of stdout. *printed tells a JSON array whether an
 * element came before. */
static int replay_one(const opts *o, const char *path, const char *stem, progress *pr, int *printed) {
  rup_trace *t;
  int rv = rup_trace_open(&t, path, NULL);
  if (rv < 0) {
    int e = errno;
    fprintf(stderr, "rupture: %s: %s%s%s\n", path, rup_strerror(rv), rv == RUP_ERR_IO ? ": " : "",
            rv == RUP_ERR_IO ? strerror(e) : "");
    if (o->multi && o->format == 0) print_summary_line(path, NULL, NULL, open_error_code(rv));
    return open_error_code(rv);
  }
  rup_settings set;
  rup_settings_default(&set);
  set.decode_audio = o->decode_audio;
  set.decode_video = o->decode_video;
  set.statistics_only = o->stats_only;
  replay_ctx ctx = {pr, NULL};
  int want_series = o->svg || o->csv_dir;
  if (want_series && rup_report_series_new(&ctx.series, 0, NULL) < 0) {
    rup_trace_del(t);
    return EXIT_INTERNAL;
  }
  rup_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = RUP_CALLBACKS_VERSION;
  cb.on_quality_change = on_quality;
  rup_session *s;
  rv = rup_session_new(&s, &set, &cb, NULL, &ctx);
  if (rv < 0) {
    if (rv == RUP_ERR_UNSUPPORTED)
      fprintf(stderr, "rupture: not built with decode (libopus and libvpx): --decode is not available\n");
    else
      fprintf(stderr, "rupture: %s\n", rup_strerror(rv));
    rup_report_series_del(ctx.series);
    rup_trace_del(t);
    return rv == RUP_ERR_UNSUPPORTED ? EXIT_UNSUPPORTED : EXIT_INTERNAL;
  }
  rup_trace_info ti;
  rup_trace_get_info(t, &ti);
  pr->name = path;
  pr->last_pct = -1;
  progress_draw(pr, 0);
  rup_replay_options opt;
  memset(&opt, 0, sizeof opt);
  opt.version = RUP_REPLAY_OPTIONS_VERSION;
  opt.local = o->local;
  opt.local_count = o->nlocal;
  opt.on_progress = on_progress;
  opt.user_data = &ctx;
  if (ctx.series) {
    opt.on_tick = on_tick;
    opt.tick_interval_us = o->interval_us;
  }
  rv = rup_replay(s, t, &opt);
  progress_clear(pr);
  rup_trace_get_info(t, &ti);
  if (ctx.series && ti.first_ts_us != INT64_MIN) /* the last partial interval, after finish */
    (void)rup_report_series_sample(ctx.series, s, ti.last_ts_us);

  int code = EXIT_OK;
  if (rv == RUP_ERR_TRUNCATED || rv == RUP_ERR_MALFORMED) {
    if (!o->quiet)
      fprintf(stderr, "rupture: %s: %s after %llu records (byte %llu); results up to there follow\n", path,
              rup_strerror(rv), (unsigned long long)ti.records, (unsigned long long)ti.bytes_read);
    code = EXIT_TRUNCATED;
  } else if (rv < 0) {
    fprintf(stderr, "rupture: %s: %s\n", path, rup_strerror(rv));
    code = rv == RUP_ERR_IO ? EXIT_IO : EXIT_INTERNAL;
  }
  rup_session_counters c;
  rup_session_get_counters(s, &c);
  if (code == EXIT_OK && c.rtp == 0) {
    if (!o->quiet)
      fprintf(stderr, "rupture: %s: no RTP packets in %llu records\n", path, (unsigned long long)ti.records);
    code = EXIT_NO_RTP;
  }
  if (code == EXIT_OK || code == EXIT_TRUNCATED || code == EXIT_NO_RTP) {
    int w = 0;
    if (o->format == 1) {
      if (o->multi && *printed) fputs(",\n", stdout);
      w = rup_report_write_json(s, t, path, stdout);
      *printed = 1;
    } else if (o->format == 2) {
      w = rup_report_write_csv_streams(s, t, path, !*printed, stdout);
      *printed = 1;
    } else if (o->multi) {
      print_summary_line(path, s, &ti, code);
    } else {
      print_table(s, &ti);
      print_timeline(s, ti.first_ts_us);
    }
    if (w < 0 && code == EXIT_OK) code = EXIT_IO;
    int wo = write_outputs(o, path, stem, s, t, ctx.series);
    if (wo > code) code = wo;
  } else if (o->multi && o->format == 0) {
    print_summary_line(path, s, &ti, code);
  }
  rup_session_del(s);
  rup_report_series_del(ctx.series);
  rup_trace_del(t);
  return code;
}

static int cmd_replay(int argc, char **argv) {
  opts o;
  memset(&o, 0, sizeof o);
  o.interval_us = 1000000;
  inputs in = {0};
  int rc = EXIT_OK;
  for (int i = 0; i < argc && rc == EXIT_OK; i++) {
    const char *a = argv[i];
    int has_next = i + 1 < argc;
    if (strcmp(a, "--json") == 0) {
      o.format = 1;
    } else if (strcmp(a, "--format") == 0 && has_next) {
      const char *f = argv[++i];
      if (strcmp(f, "text") == 0) o.format = 0;
      else if (strcmp(f, "json") == 0) o.format = 1;
      else if (strcmp(f, "csv") == 0) o.format = 2;
      else {
        fprintf(stderr, "rupture: --format must be text, json or csv\n");
        rc = EXIT_USAGE;
      }
    } else if (strcmp(a, "--note") == 0 && has_next) {
      o.note = argv[++i];
    } else if (strcmp(a, "--svg") == 0 && has_next) {
      o.svg = argv[++i];
    } else if (strcmp(a, "--csv") == 0 && has_next) {
      o.csv_dir = argv[++i];
    } else if (strcmp(a, "--interval") == 0 && has_next) {
      char *end;
      double v = strtod(argv[++i], &end);
      if (*end || !(v >= 0.01 && v <= 3600)) {
        fprintf(stderr, "rupture: --interval must be 0.01 .. 3600 seconds\n");
        rc = EXIT_USAGE;
      } else {
        o.interval_us = (int64_t)(v * 1e6 + 0.5);
      }
    } else if (strcmp(a, "--decode") == 0 || strcmp(a, "--decode=all") == 0) {
      o.decode_audio = o.decode_video = 1;
    } else if (strcmp(a, "--decode=audio") == 0) {
      o.decode_audio = 1;
    } else if (strcmp(a, "--decode=video") == 0) {
      o.decode_video = 1;
    } else if (strcmp(a, "--local") == 0 && has_next) {
      if (o.nlocal == MAX_LOCAL || rup_endpoint_parse(&o.local[o.nlocal], argv[++i]) != 0) {
        fprintf(stderr, "rupture: bad --local address '%s'\n", argv[i]);
        rc = EXIT_USAGE;
      } else {
        o.nlocal++;
      }
    } else if (strcmp(a, "--stats-only") == 0) {
      o.stats_only = 1;
    } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
      o.quiet = 1;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage_replay(stdout);
      inputs_free(&in);
      return EXIT_OK;
    } else if (a[0] == '-' && a[1] != '\0') {
      fprintf(stderr, "rupture: unknown option '%s'%s\n", a, has_next ? "" : " (or missing value)");
      rc = EXIT_USAGE;
    } else {
      struct stat st;
      if (stat(a, &st) == 0 && S_ISDIR(st.st_mode))
        rc = scan_dir(&in, a, 0);
      else if (inputs_add(&in, a) < 0)
        rc = EXIT_INTERNAL;
    }
  }
  if (rc == EXIT_OK && o.stats_only && (o.note || o.svg || o.decode_audio || o.decode_video)) {
    fprintf(stderr, "rupture: --stats-only analyses no ruptures: --note, --svg and --decode need them\n");
    rc = EXIT_USAGE;
  }
  if (rc == EXIT_OK && in.n == 0) {
    fprintf(stderr, argc ? "rupture: no capture found\n" : "rupture: replay needs an INPUT\n");
    if (!argc) usage_replay(stderr);
    rc = argc ? EXIT_IO : EXIT_USAGE;
  }
  if (rc != EXIT_OK) {
    inputs_free(&in);
    return rc;
  }
  o.multi = in.n > 1;
  if ((o.multi && ((o.svg && ensure_dir(o.svg)) || (o.note && ensure_dir(o.note)))) ||
      (o.csv_dir && ensure_dir(o.csv_dir))) {
    fprintf(stderr, "rupture: cannot create the output directory: %s\n", strerror(errno));
    inputs_free(&in);
    return EXIT_IO;
  }

  progress pr = {!o.quiet && isatty(STDERR_FILENO), -1, 0, in.n, ""};
  int printed = 0;
  if (o.format == 1 && o.multi) fputs("[", stdout);
  char (*stems)[256] = calloc(in.n, sizeof *stems);
  if (!stems) {
    inputs_free(&in);
    return EXIT_INTERNAL;
  }
  for (size_t i = 0; i < in.n; i++) {
    /* Output names: STEM, or STEM-2, STEM-3 ... when an earlier input had the same. */
    char base[200];
    stem_of(in.v[i], base, sizeof base);
    snprintf(stems[i], sizeof stems[i], "%s", base);
    for (unsigned k = 2; k < 100000; k++) {
      size_t j = 0;
      while (j < i && strcmp(stems[j], stems[i]) != 0) j++;
      if (j == i) break;
      snprintf(stems[i], sizeof stems[i], "%s-%u", base, k);
    }
    pr.index = i;
    int code = replay_one(&o, in.v[i], stems[i], &pr, &printed);
    if (code > rc) rc = code;
    if (code == EXIT_UNSUPPORTED) break; /* the same for every input */
  }
  if (o.format == 1 && o.multi) fputs("]\n", stdout);
  if (fflush(stdout) != 0 && rc < EXIT_IO) rc = EXIT_IO;
  free(stems);
  inputs_free(&in);
  return rc;
}

/* `rupture batch ...` is the Python module rupture.batch (Dask, docs/research.md):
 * exec it with $RUPTURE_PYTHON (default python3), which needs the rupture binding. */
static int cmd_batch(int argc, char **argv) {
  const char *py = getenv("RUPTURE_PYTHON");
  if (!py || !*py) py = "python3";
  char **args = calloc((size_t)argc + 4, sizeof *args);
  if (!args) return EXIT_INTERNAL;
  args[0] = (char *)py;
  args[1] = (char *)"-m";
  args[2] = (char *)"rupture.batch";
  for (int i = 0; i < argc; i++) args[3 + i] = argv[i];
  setenv("RUPTURE_BATCH_PROG", "1", 1); /* its --help then says "rupture batch" */
  execvp(py, args);
  fprintf(stderr, "rupture: batch needs Python with the rupture binding and dask (%s: %s)\n", py,
          strerror(errno));
  free(args);
  return EXIT_INTERNAL;
}

static int help_for(const char *cmd) {
  if (strcmp(cmd, "replay") == 0) {
    usage_replay(stdout);
    return EXIT_OK;
  }
  char help[] = "--help";
  char *av[] = {help, NULL};
  if (strcmp(cmd, "synth") == 0) return rup_cmd_synth(1, av);
  if (strcmp(cmd, "eval") == 0) return rup_cmd_eval(1, av);
  if (strcmp(cmd, "batch") == 0) return cmd_batch(1, av);
  fprintf(stderr, "rupture: unknown command '%s'\n", cmd);
  usage(stderr);
  return EXIT_USAGE;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
    printf("rupture %s\n", rup_version_string());
    return EXIT_OK;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(stdout);
    return EXIT_OK;
  }
  if (strcmp(argv[1], "help") == 0) {
    if (argc < 3) {
      usage(stdout);
      return EXIT_OK;
    }
    return help_for(argv[2]);
  }
  if (strcmp(argv[1], "replay") == 0) return cmd_replay(argc - 2, argv + 2);
  if (strcmp(argv[1], "synth") == 0) return rup_cmd_synth(argc - 2, argv + 2);
  if (strcmp(argv[1], "eval") == 0) return rup_cmd_eval(argc - 2, argv + 2);
  if (strcmp(argv[1], "batch") == 0) return cmd_batch(argc - 2, argv + 2);
  fprintf(stderr, "rupture: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return EXIT_USAGE;
}
