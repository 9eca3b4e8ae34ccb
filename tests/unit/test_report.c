/* lib/report writers through the public API: JSON, CSV (streams, ruptures, time series),
 * SVG timeline, session note; and the replay tick hook that feeds the time series. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rupture/rupture.h"
#include "testutil.h"

typedef struct ctx {
  rup_report_series *series;
  int ticks;
  int64_t last_tick;
  int bad_tick; /* a tick not on the grid or going backwards */
  int64_t interval;
} ctx;

static int on_tick(rup_session *s, int64_t now_us, void *ud) {
  ctx *c = ud;
  if (c->ticks && now_us != c->last_tick + c->interval) c->bad_tick = 1;
  c->last_tick = now_us;
  c->ticks++;
  return rup_report_series_sample(c->series, s, now_us) < 0;
}

static int on_quality(rup_session *s, const rup_event *ev, void *ud) {
  (void)s;
  ctx *c = ud;
  return c->series ? rup_report_series_add_event(c->series, ev) < 0 : 0;
}

static const char *demo_path(void) {
  static char buf[4096];
  const char *d = getenv("RUP_EXAMPLES_DATA");
  snprintf(buf, sizeof buf, "%s/demo.pcap.gz", d ? d : "examples/data");
  return access(buf, R_OK) == 0 ? buf : NULL;
}

/* Replay a capture; with_series: sample every interval_us through on_tick. */
static void replay(const char *path, int with_series, int64_t interval_us, rup_session **s, rup_trace **t, ctx *c) {
  memset(c, 0, sizeof *c);
  c->interval = interval_us;
  if (with_series) assert_int_equal(rup_report_series_new(&c->series, 0, NULL), 0);
  assert_int_equal(rup_trace_open(t, path, NULL), 0);
  rup_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = RUP_CALLBACKS_VERSION;
  cb.on_quality_change = on_quality;
  assert_int_equal(rup_session_new(s, NULL, &cb, NULL, c), 0);
  rup_endpoint local;
  assert_int_equal(rup_endpoint_parse(&local, "10.0.0.1"), 0);
  rup_replay_options opt;
  memset(&opt, 0, sizeof opt);
  opt.version = RUP_REPLAY_OPTIONS_VERSION;
  opt.local = &local;
  opt.local_count = 1;
  opt.user_data = c;
  if (with_series) {
    opt.on_tick = on_tick;
    opt.tick_interval_us = interval_us;
  }
  assert_int_equal(rup_replay(*s, *t, &opt), 0);
  if (with_series) {
    rup_trace_info ti;
    rup_trace_get_info(*t, &ti);
    assert_int_equal(rup_report_series_sample(c->series, *s, ti.last_ts_us), 0);
  }
}

static char *to_string(int (*fn)(FILE *, const void *), const void *arg, size_t *len) {
  char *buf = NULL;
  size_t n = 0;
  FILE *fp = open_memstream(&buf, &n);
  assert_non_null(fp);
  assert_int_equal(fn(fp, arg), 0);
  fclose(fp);
  if (len) *len = n;
  return buf;
}

typedef struct args {
  rup_session *s;
  rup_trace *t;
  ctx *c;
  size_t stream;
  const char *title;
} args;

static int w_json(FILE *fp, const void *a) {
  const args *x = a;
  return rup_report_write_json(x->s, x->t, "p", fp);
}
static int w_series(FILE *fp, const void *a) {
  const args *x = a;
  return rup_report_write_csv_series(x->c->series, x->s, x->t, x->stream, fp);
}
static int w_streams(FILE *fp, const void *a) {
  const args *x = a;
  return rup_report_write_csv_streams(x->s, x->t, "a,\"b\".pcap", 1, fp);
}
static int w_ruptures(FILE *fp, const void *a) {
  const args *x = a;
  return rup_report_write_csv_ruptures(x->s, x->t, NULL, 1, fp);
}
static int w_note(FILE *fp, const void *a) {
  const args *x = a;
  return rup_report_write_note(x->s, x->t, fp);
}
static int w_svg(FILE *fp, const void *a) {
  const args *x = a;
  return rup_report_write_svg(x->s, x->t, x->c ? x->c->series : NULL, x->title, fp);
}

static size_t count_lines(const char *s) {
  size_t n = 0;
  for (; *s; s++) n += *s == '\n';
  return n;
}

static size_t count_str(const char *s, const char *needle) {
  size_t n = 0;
  for (const char *p = s; (p = strstr(p, needle)) != NULL; p += strlen(needle)) n++;
  return n;
}

/* Ticks never change what the session computes: same JSON with or without them. */
static void test_ticks_do_not_change_results(void **state) {
  (void)state;
  const char *demo = demo_path();
  if (!demo) skip();
  rup_session *s1, *s2;
  rup_trace *t1, *t2;
  ctx c1, c2;
  replay(demo, 0, 0, &s1, &t1, &c1);
  replay(demo, 1, 250000, &s2, &t2, &c2);
  args a1 = {s1, t1, &c1, 0, NULL}, a2 = {s2, t2, &c2, 0, NULL};
  char *j1 = to_string(w_json, &a1, NULL), *j2 = to_string(w_json, &a2, NULL);
  assert_string_equal(j1, j2);
  assert_int_equal(c2.bad_tick, 0);
  /* Ticks every 0.25 s over the capture: floor(duration / 0.25) of them. */
  rup_trace_info ti;
  rup_trace_get_info(t2, &ti);
  assert_int_equal(c2.ticks, (int)((ti.last_ts_us - ti.first_ts_us) / 250000));
  free(j1);
  free(j2);
  rup_session_del(s1);
  rup_session_del(s2);
  rup_trace_del(t1);
  rup_trace_del(t2);
  rup_report_series_del(c2.series);
}

/* Parse a series CSV: per row, check the column count; sum packets, expected, lost. */
static void sum_series(const char *csv, uint32_t ssrc, uint64_t *packets, int64_t *expected, int64_t *lost,
                       size_t *rows) {
  *packets = 0;
  *expected = *lost = 0;
  *rows = 0;
  const char *line = strchr(csv, '\n') + 1; /* after the header */
  while (*line) {
    const char *nl = strchr(line, '\n');
    assert_non_null(nl);
    size_t commas = 0;
    for (const char *p = line; p < nl; p++) commas += *p == ',';
    assert_int_equal(commas, 22);
    double t, dt;
    uint32_t ss;
    char dir[16], media[16], codec[16];
    unsigned long long pk;
    long long ex, lo;
    int n = sscanf(line, "%lf,%lf,%" SCNu32 ",%15[^,],%15[^,],%15[^,],%llu,%lld,%lld", &t, &dt, &ss, dir, media,
                   codec, &pk, &ex, &lo);
    assert_int_equal(n, 9);
    if (ss == ssrc) {
      *packets += pk;
      *expected += ex;
      *lost += lo;
      (*rows)++;
    }
    line = nl + 1;
  }
}

static void test_csv_series_sums_to_totals(void **state) {
  (void)state;
  const char *demo = demo_path();
  if (!demo) skip();
  rup_session *s;
  rup_trace *t;
  ctx c;
  replay(demo, 1, 1000000, &s, &t, &c);
  size_t ns = rup_session_get_stream_count(s);
  assert_true(ns >= 2);
  assert_int_equal(rup_report_series_get_dropped(c.series), 0);
  assert_int_equal(rup_report_series_get_sample_count(c.series), (size_t)(c.ticks + 1) * ns);
  for (size_t i = 0; i < ns; i++) {
    rup_stream_stats st;
    assert_int_equal(rup_session_get_stream_stats(s, i, &st), 0);
    args a = {s, t, &c, i, NULL};
    char *csv = to_string(w_series, &a, NULL);
    assert_true(strncmp(csv, "time_s,interval_s,ssrc,", 23) == 0);
    uint64_t pk;
    int64_t ex, lo;
    size_t rows;
    sum_series(csv, st.ssrc, &pk, &ex, &lo, &rows);
    assert_int_equal(rows, (size_t)c.ticks + 1); /* streams exist from the first tick on */
    assert_int_equal(pk, st.packets);             /* Σ interval = call total */
    assert_int_equal(ex, (int64_t)st.expected);   /* RFC 3550 A.3 */
    assert_int_equal(lo, st.lost);
    free(csv);
  }
  /* All streams in one file: ns rows per sample time. */
  args all = {s, t, &c, SIZE_MAX, NULL};
  char *csv = to_string(w_series, &all, NULL);
  assert_int_equal(count_lines(csv), 1 + ((size_t)c.ticks + 1) * ns);
  free(csv);
  args bad = {s, t, &c, ns, NULL};
  FILE *fp = fopen("/dev/null", "w");
  assert_int_equal(rup_report_write_csv_series(c.series, s, t, bad.stream, fp), RUP_ERR_NOT_FOUND);
  fclose(fp);
  rup_session_del(s);
  rup_trace_del(t);
  rup_report_series_del(c.series);
}

static void test_csv_tables_and_note(void **state) {
  (void)state;
  const char *demo = demo_path();
  if (!demo) skip();
  rup_session *s;
  rup_trace *t;
  ctx c;
  replay(demo, 0, 0, &s, &t, &c);
  args a = {s, t, NULL, 0, NULL};
  rup_summary sum;
  assert_int_equal(rup_session_get_summary(s, &sum), 0);
  size_t nr = rup_session_get_rupture_count(s), ns = rup_session_get_stream_count(s);
  assert_true(nr >= 1);

  char *csv = to_string(w_streams, &a, NULL);
  assert_int_equal(count_lines(csv), ns + 1);
  /* RFC 4180 §2.6-2.7: the path with a comma and quotes is quoted, quotes doubled. */
  assert_int_equal(count_str(csv, "\"a,\"\"b\"\".pcap\","), ns);
  free(csv);

  csv = to_string(w_ruptures, &a, NULL);
  assert_int_equal(count_lines(csv), nr + 1);
  for (size_t i = 0; i < nr; i++) {
    rup_rupture r;
    assert_int_equal(rup_session_get_rupture(s, i, &r), 0);
    char want[64];
    snprintf(want, sizeof want, ",%" PRIu32 ",%s,%s,", r.id, rup_rupture_type_name(r.type), rup_cause_name(r.cause));
    assert_non_null(strstr(csv, want));
  }
  free(csv);

  char *note = to_string(w_note, &a, NULL);
  char want[96];
  snprintf(want, sizeof want, "Technical ruptures: %" PRIu32 ",", sum.rupture_count);
  assert_non_null(strstr(note, want));
  assert_int_equal(count_str(note, "\n- "), nr); /* one timeline line per rupture */
  snprintf(want, sizeof want, "Acknowledged during the session: 0 of %" PRIu32 ".", sum.rupture_count);
  assert_non_null(strstr(note, want));
  free(note);
  rup_session_del(s);
  rup_trace_del(t);
}

static int have_prog(const char *name) {
  char cmd[256];
  snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
  return system(cmd) == 0;
}

static void write_file(const char *path, const char *text, size_t len) {
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(text, 1, len, fp), len);
  assert_int_equal(fclose(fp), 0);
}

/* Well-formed XML (python3 xml.etree); renders with rsvg-convert to a non-trivial PNG. */
static void check_svg(const char *svg, size_t len, const char *name) {
  char dir[] = "/tmp/rup_svg_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[128], png[128], cmd[512];
  snprintf(path, sizeof path, "%s/%s.svg", dir, name);
  snprintf(png, sizeof png, "%s/%s.png", dir, name);
  write_file(path, svg, len);
  if (have_prog("python3")) {
    snprintf(cmd, sizeof cmd,
             "python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); "
             "sys.exit(0 if r.tag == \"{http://www.w3.org/2000/svg}svg\" else 1)' %s", path);
    assert_int_equal(system(cmd), 0);
  }
  if (have_prog("rsvg-convert")) {
    snprintf(cmd, sizeof cmd, "rsvg-convert -o %s %s", png, path);
    assert_int_equal(system(cmd), 0);
    size_t n;
    uint8_t *p = rt_read_file(png, &n);
    assert_non_null(p);
    assert_true(n > 8000); /* text, lanes and bands: not an empty canvas */
    assert_memory_equal(p, "\x89PNG\r\n\x1a\n", 8);
    uint32_t w = (uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 | (uint32_t)p[18] << 8 | p[19]; /* IHDR width */
    assert_int_equal(w, 1200);
    free(p);
    unlink(png);
  } else {
    print_message("rsvg-convert not installed: SVG rendering not checked\n");
  }
  unlink(path);
  rmdir(dir);
}

static void test_svg_timeline(void **state) {
  (void)state;
  const char *demo = demo_path();
  if (!demo) skip();
  rup_session *s;
  rup_trace *t;
  ctx c;
  replay(demo, 1, 1000000, &s, &t, &c);
  args a = {s, t, &c, 0, "demo <call> & \"friends\""};
  size_t len;
  char *svg = to_string(w_svg, &a, &len);
  size_t nr = rup_session_get_rupture_count(s);
  /* One group with a tooltip per rupture, labelled with its type. */
  assert_int_equal(count_str(svg, "<g>\n<title>"), nr);
  for (size_t i = 0; i < nr; i++) {
    rup_rupture r;
    assert_int_equal(rup_session_get_rupture(s, i, &r), 0);
    char want[64];
    snprintf(want, sizeof want, "<title>%s, cause %s", rup_rupture_type_name(r.type), rup_cause_name(r.cause));
    assert_non_null(strstr(svg, want));
  }
  assert_non_null(strstr(svg, "demo &lt;call&gt; &amp; &quot;friends&quot;"));
  check_svg(svg, len, "demo");
  free(svg);

  /* Without a series: the streams' lives only; still valid. */
  args b = {s, t, NULL, 0, NULL};
  svg = to_string(w_svg, &b, &len);
  check_svg(svg, len, "noseries");
  free(svg);
  rup_session_del(s);
  rup_trace_del(t);
  rup_report_series_del(c.series);
}

/* Hostile titles: invalid UTF-8 and control characters never break the XML. */
static void test_svg_hostile_title(void **state) {
  (void)state;
  rup_session *s;
  assert_int_equal(rup_session_new(&s, NULL, NULL, NULL, NULL), 0);
  args a = {s, NULL, NULL, 0, "bad \xff\xfe utf8 \xc3\x28 \xed\xa0\x80 \x01\x1b ok \xc3\xa9 \xf0\x9f\x98\x80"};
  size_t len;
  char *svg = to_string(w_svg, &a, &len);
  assert_null(strchr(svg, '\x01'));
  assert_non_null(strstr(svg, "\xc3\xa9")); /* valid UTF-8 kept */
  check_svg(svg, len, "hostile");
  free(svg);
  char *note = to_string(w_note, &a, NULL);
  assert_non_null(strstr(note, "No technical ruptures were detected."));
  free(note);
  rup_session_del(s);
}

/* Live use (no trace): packets pushed by hand, samples from the host's timer. */
static void test_live_series_without_trace(void **state) {
  (void)state;
  rup_session *s;
  assert_int_equal(rup_session_new(&s, NULL, NULL, NULL, NULL), 0);
  rup_report_series *r;
  assert_int_equal(rup_report_series_new(&r, 5, NULL), 0); /* room for 5 samples */
  uint8_t pkt[32] = {0x80, 0}; /* PT 0 (PCMU, RFC 3551) */
  for (int i = 0; i < 200; i++) {
    if (i == 50 || i == 51) continue; /* two lost */
    pkt[2] = (uint8_t)(i >> 8);
    pkt[3] = (uint8_t)i;
    uint32_t ts = (uint32_t)i * 160;
    pkt[4] = (uint8_t)(ts >> 24), pkt[5] = (uint8_t)(ts >> 16), pkt[6] = (uint8_t)(ts >> 8), pkt[7] = (uint8_t)ts;
    pkt[11] = 7;
    int64_t now = 1000000 + (int64_t)i * 20000;
    assert_true(rup_session_push_packet(s, pkt, sizeof pkt, RUP_DIR_INBOUND, now) >= 0);
    if (i % 50 == 49) assert_int_equal(rup_report_series_sample(r, s, now), 0);
  }
  assert_int_equal(rup_report_series_sample(r, s, 1000000), 0); /* not after the last: ignored */
  assert_int_equal(rup_report_series_get_sample_count(r), 4);
  assert_int_equal(rup_session_finish(s, 5000000), 0);
  assert_int_equal(rup_report_series_sample(r, s, 5000000), 0);
  assert_int_equal(rup_report_series_sample(r, s, 6000000), 0); /* past the cap: counted */
  assert_int_equal(rup_report_series_get_sample_count(r), 5);
  assert_int_equal(rup_report_series_get_dropped(r), 1);
  args a = {s, NULL, NULL, 0, NULL};
  ctx c = {r, 0, 0, 0, 0};
  a.c = &c;
  char *csv = to_string(w_series, &a, NULL);
  uint64_t pk;
  int64_t ex, lo;
  size_t rows;
  sum_series(csv, 7, &pk, &ex, &lo, &rows);
  assert_int_equal(rows, 5);
  assert_int_equal(pk, 198);
  assert_int_equal(lo, 2);
  free(csv);
  size_t len;
  char *svg = to_string(w_svg, &a, &len);
  check_svg(svg, len, "live");
  free(svg);
  rup_report_series_del(r);
  rup_session_del(s);
}

static void test_arguments(void **state) {
  (void)state;
  assert_int_equal(rup_report_series_new(NULL, 0, NULL), RUP_ERR_INVALID_ARGUMENT);
  rup_report_series *r;
  assert_int_equal(rup_report_series_new(&r, 0, NULL), 0);
  assert_int_equal(rup_report_series_sample(r, NULL, 0), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_report_series_add_event(r, NULL), RUP_ERR_INVALID_ARGUMENT);
  rup_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = RUP_EVENT_QUALITY_CHANGE;
  ev.time_us = 100;
  assert_int_equal(rup_report_series_add_event(r, &ev), 0);
  ev.time_us = 50;
  assert_int_equal(rup_report_series_add_event(r, &ev), RUP_ERR_TIME_REGRESSION);
  ev.type = RUP_EVENT_RUPTURE_BEGIN; /* ignored */
  assert_int_equal(rup_report_series_add_event(r, &ev), 0);
  assert_int_equal(rup_report_write_svg(NULL, NULL, r, NULL, stdout), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_report_write_note(NULL, NULL, stdout), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_report_write_csv_series(r, NULL, NULL, 0, stdout), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_report_write_csv_streams(NULL, NULL, NULL, 1, stdout), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_report_write_csv_ruptures(NULL, NULL, NULL, 1, stdout), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_report_series_get_sample_count(NULL), 0);
  rup_report_series_del(r);
  rup_report_series_del(NULL);

  /* The replay tick hook: interval at least 1 ms. */
  const char *demo = demo_path();
  if (!demo) return;
  rup_trace *t;
  rup_session *s;
  assert_int_equal(rup_trace_open(&t, demo, NULL), 0);
  assert_int_equal(rup_session_new(&s, NULL, NULL, NULL, NULL), 0);
  rup_replay_options opt;
  memset(&opt, 0, sizeof opt);
  opt.version = RUP_REPLAY_OPTIONS_VERSION;
  opt.on_tick = on_tick;
  opt.tick_interval_us = 999;
  assert_int_equal(rup_replay(s, t, &opt), RUP_ERR_INVALID_ARGUMENT);
  rup_session_del(s);
  rup_trace_del(t);
}

/* A non-zero on_tick stops the replay. */
static int stop_tick(rup_session *s, int64_t now_us, void *ud) {
  (void)s;
  (void)now_us;
  return ++*(int *)ud == 3;
}

static void test_tick_stops_replay(void **state) {
  (void)state;
  const char *demo = demo_path();
  if (!demo) skip();
  rup_trace *t;
  rup_session *s;
  assert_int_equal(rup_trace_open(&t, demo, NULL), 0);
  assert_int_equal(rup_session_new(&s, NULL, NULL, NULL, NULL), 0);
  int n = 0;
  rup_replay_options opt;
  memset(&opt, 0, sizeof opt);
  opt.version = RUP_REPLAY_OPTIONS_VERSION;
  opt.on_tick = stop_tick;
  opt.tick_interval_us = 1000000;
  opt.user_data = &n;
  assert_int_equal(rup_replay(s, t, &opt), RUP_ERR_CALLBACK_FAILURE);
  assert_int_equal(n, 3);
  rup_session_counters c;
  rup_session_get_counters(s, &c);
  assert_true(c.rtp > 0 && c.rtp < 500); /* stopped about 3 s in */
  rup_session_del(s);
  rup_trace_del(t);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ticks_do_not_change_results),
      cmocka_unit_test(test_csv_series_sums_to_totals),
      cmocka_unit_test(test_csv_tables_and_note),
      cmocka_unit_test(test_svg_timeline),
      cmocka_unit_test(test_svg_hostile_title),
      cmocka_unit_test(test_live_series_without_trace),
      cmocka_unit_test(test_arguments),
      cmocka_unit_test(test_tick_stops_replay),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
