/* Tests of tools/synth: PRNG, scenario parser, JSON parser, the synthesizer's
 * determinism and ground truth (checked against the capture read back through the
 * public trace API), and the evaluator's matching rules. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

#include "../../tools/commands.h"
#include "../../tools/synth/synth.h"
#include "rupture/rupture.h"

static char tmpdir[64];

static const char *tmp(const char *name) {
  static char buf[4][256];
  static int k;
  k = (k + 1) % 4;
  snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
  return buf[k];
}

static int setup_dir(void **state) {
  (void)state;
  snprintf(tmpdir, sizeof tmpdir, "/tmp/rup-synth-XXXXXX");
  return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state) {
  (void)state;
  char cmd[128];
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  return system(cmd) == 0 ? 0 : -1;
}

/* Run a command function with stdout sent to /dev/null (keeps the TAP stream clean). */
static int quiet(int (*fn)(int, char **), int argc, char **argv) {
  fflush(stdout);
  int saved = dup(1), nul = open("/dev/null", O_WRONLY);
  if (saved < 0 || nul < 0) return -100;
  dup2(nul, 1);
  close(nul);
  int rc = fn(argc, argv);
  fflush(stdout);
  dup2(saved, 1);
  close(saved);
  return rc;
}

/* ------------------------------------------------------------------ PRNG */

static void test_prng(void **state) {
  (void)state;
  rup__syn_rng a, b, c;
  rup__syn_rng_seed(&a, 42, 1);
  rup__syn_rng_seed(&b, 42, 1);
  rup__syn_rng_seed(&c, 42, 2);
  int differ = 0;
  for (int i = 0; i < 1000; i++) {
    uint64_t x = rup__syn_rng_next(&a), y = rup__syn_rng_next(&b), z = rup__syn_rng_next(&c);
    assert_true(x == y);
    differ += x != z;
  }
  assert_true(differ > 990);
  double sum = 0;
  for (int i = 0; i < 10000; i++) {
    double u = rup__syn_rng_unit(&a);
    assert_true(u >= 0 && u < 1);
    sum += u;
  }
  assert_true(sum / 10000 > 0.48 && sum / 10000 < 0.52);
}

/* ------------------------------------------------------------------ scenario */

static void test_scenario_parse(void **state) {
  (void)state;
  rup__syn_scenario sc;
  char err[256];
  memset(&sc, 0, sizeof sc);
  assert_int_equal(rup__syn_scenario_add(&sc, "outage@30+10", err, sizeof err), 0);
  assert_int_equal(sc.imp[0].kind, RUP__SYN_OUTAGE);
  assert_int_equal(sc.imp[0].dir, RUP__SYN_BOTH);
  assert_true(sc.imp[0].start_s == 30 && sc.imp[0].end_s == 40);
  assert_int_equal(
      rup__syn_scenario_add(&sc, "burst_loss@5.5+2.5,p=0.1,r=0.3,loss_bad=0.9,dir=outbound,media=audio",
                            err, sizeof err),
      0);
  const rup__syn_imp *m = &sc.imp[1];
  assert_int_equal(m->kind, RUP__SYN_BURST_LOSS);
  assert_int_equal(m->dir, RUP__SYN_OUT);
  assert_int_equal(m->media, RUP__SYN_M_AUDIO);
  assert_true(m->p == 0.1 && m->r == 0.3 && m->loss_bad == 0.9 && m->end_s == 8.0);
  assert_int_equal(rup__syn_scenario_add(&sc, "talk@1+2 who=remote", err, sizeof err), 0);
  assert_int_equal(sc.imp[2].dir, RUP__SYN_IN);
  size_t n = sc.n;
  static const char *const bad[] = {"outage",           "nope@1+2",         "outage@1",
                                    "outage@-1+2",      "outage@1+0",       "outage@1+2,dir=inbound",
                                    "jitter@1+2,ms=-5", "random_loss@1+2,p=2", "mute@1+2,color=red",
                                    "mute@1+2,dir=up",  "audio_stall@1+x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    assert_int_equal(rup__syn_scenario_add(&sc, bad[i], err, sizeof err), -1);
    assert_true(strlen(err) > 0);
  }
  assert_int_equal(sc.n, n);
}

/* ------------------------------------------------------------------ JSON */

static void test_json_valid(void **state) {
  (void)state;
  const char *doc = " {\"a\": [1, -2.5e2, 0, true, false, null, \"x\\n\\u00e9\\ud83d\\ude00\"],"
                    " \"b\": {}, \"c\": [], \"a2\": 0.125, \"dup\": 1, \"dup\": 2} ";
  rup__js *v;
  char err[128];
  assert_int_equal(rup__js_parse(doc, strlen(doc), &v, err, sizeof err), 0);
  const rup__js *a = rup__js_get(v, "a");
  assert_non_null(a);
  assert_int_equal(a->type, RUP__JS_ARRAY);
  assert_int_equal(a->n, 7);
  assert_true(rup__js_num(a->items[1], 0) == -250.0);
  assert_int_equal(a->items[3]->type, RUP__JS_TRUE);
  assert_int_equal(a->items[5]->type, RUP__JS_NULL);
  const char *s = rup__js_str(a->items[6]);
  assert_non_null(s);
  assert_int_equal(a->items[6]->len, 1 + 1 + 2 + 4);
  assert_memory_equal(s, "x\n\xc3\xa9\xf0\x9f\x98\x80", 8);
  assert_true(rup__js_num(rup__js_get(v, "a2"), 0) == 0.125);
  assert_true(rup__js_num(rup__js_get(v, "dup"), 0) == 2.0); /* last wins */
  assert_null(rup__js_get(v, "zz"));
  assert_null(rup__js_get(a, "a")); /* not an object */
  assert_true(rup__js_num(rup__js_get(v, "b"), 7) == 7);
  assert_null(rup__js_str(rup__js_get(v, "a2")));
  rup__js_free(v);
  rup__js_free(NULL);
}

static void test_json_invalid(void **state) {
  (void)state;
  static const char *const bad[] = {"",        "   ",          "{",          "[1,]",       "{\"a\" 1}",
                                    "{\"a\":}", "[01]",         "[1.]",       "[.5]",       "[1e]",
                                    "[-]",     "nul",          "[NaN]",      "[Infinity]", "\"abc",
                                    "\"\\x\"", "\"\\ud800\"",  "\"\\udc00\"", "\"\\ud800\\u0041\"",
                                    "\"a\tb\"", "[1] 2",       "{1:2}",      "[\"\\u12\"]", "tru",
                                    "[1,,2]",  "{\"a\":1,}"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    rup__js *v = (rup__js *)1;
    char err[128] = "";
    assert_int_equal(rup__js_parse(bad[i], strlen(bad[i]), &v, err, sizeof err), -1);
    assert_null(v);
    assert_non_null(strstr(err, "byte"));
  }
  /* embedded NUL outside strings, and a truncated buffer (no terminator read past len) */
  rup__js *v;
  char err[128];
  assert_int_equal(rup__js_parse("[1]\0", 4, &v, err, sizeof err), -1);
  assert_int_equal(rup__js_parse("[12345", 3, &v, err, sizeof err), -1);
  assert_int_equal(rup__js_parse("[12345", 2, &v, err, sizeof err), -1);
}

static void test_json_limits(void **state) {
  (void)state;
  char buf[2 * (RUP__JS_MAX_DEPTH + 2) + 1];
  rup__js *v;
  char err[128];
  for (int depth = RUP__JS_MAX_DEPTH; depth <= RUP__JS_MAX_DEPTH + 1; depth++) {
    int n = depth + 1; /* depth 0 is the outermost array */
    memset(buf, '[', (size_t)n);
    memset(buf + n, ']', (size_t)n);
    int rc = rup__js_parse(buf, 2 * (size_t)n, &v, err, sizeof err);
    if (depth == RUP__JS_MAX_DEPTH) {
      assert_int_equal(rc, 0);
      rup__js_free(v);
    } else {
      assert_int_equal(rc, -1);
      assert_non_null(strstr(err, "deep"));
    }
  }
  /* a long number is parsed from a bounded copy */
  char num[300];
  memset(num, '1', sizeof num - 1);
  num[sizeof num - 1] = '\0';
  assert_int_equal(rup__js_parse(num, strlen(num), &v, err, sizeof err), 0);
  assert_true(v->num > 1e298);
  rup__js_free(v);
  assert_int_equal(rup__js_parse("1e999", 5, &v, err, sizeof err), 0); /* clamped, finite */
  assert_true(v->num > 1e307);
  rup__js_free(v);
}

/* ------------------------------------------------------------------ synth */

static uint8_t *slurp(const char *path, size_t *n) { return rt_read_file(path, n); }

static int synth(const char *seed, const char *out, const char *truth, const char *extra1,
                 const char *extra2) {
  char *argv[32];
  int c = 0;
  argv[c++] = "--seed";
  argv[c++] = (char *)seed;
  argv[c++] = "--duration";
  argv[c++] = "10";
  argv[c++] = "--video-kbps";
  argv[c++] = "60";
  argv[c++] = "--quiet";
  argv[c++] = "--impair";
  argv[c++] = "random_loss@1+3,p=0.15";
  argv[c++] = "--impair";
  argv[c++] = "audio_stall@4.5+1";
  argv[c++] = "--impair";
  argv[c++] = "burst_loss@2+6,dir=outbound";
  argv[c++] = "--impair";
  argv[c++] = "outage@6+1.5";
  argv[c++] = "--impair";
  argv[c++] = "talk@3.5+3,who=remote"; /* the remote speaks through the audio stall */
  if (extra1) argv[c++] = (char *)extra1;
  if (extra2) argv[c++] = (char *)extra2;
  argv[c++] = "-o";
  argv[c++] = (char *)out;
  argv[c++] = "--truth";
  argv[c++] = (char *)truth;
  return rup_cmd_synth(c, argv);
}

static void test_synth_deterministic(void **state) {
  (void)state;
  static const char *const ext[] = {"a.pcap", "a.pcapng", "a.pcap.gz"};
  for (size_t e = 0; e < 3; e++) {
    char n1[32], n2[32], n3[32];
    snprintf(n1, sizeof n1, "1-%s", ext[e]);
    snprintf(n2, sizeof n2, "2-%s", ext[e]);
    snprintf(n3, sizeof n3, "3-%s", ext[e]);
    assert_int_equal(synth("7", tmp(n1), tmp("t1.json"), NULL, NULL), 0);
    assert_int_equal(synth("7", tmp(n2), tmp("t2.json"), NULL, NULL), 0);
    assert_int_equal(synth("8", tmp(n3), tmp("t3.json"), NULL, NULL), 0);
    size_t l1, l2, l3, j1, j2, j3;
    uint8_t *a = slurp(tmp(n1), &l1), *b = slurp(tmp(n2), &l2), *c = slurp(tmp(n3), &l3);
    uint8_t *ta = slurp(tmp("t1.json"), &j1), *tb = slurp(tmp("t2.json"), &j2),
            *tc = slurp(tmp("t3.json"), &j3);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_true(l1 > 1000);
    assert_int_equal(l1, l2);
    assert_memory_equal(a, b, l1);
    assert_true(l1 != l3 || memcmp(a, c, l1) != 0);
    assert_int_equal(j1, j2);
    assert_memory_equal(ta, tb, j1);
    assert_true(j1 != j3 || memcmp(ta, tc, j1) != 0);
    free(a);
    free(b);
    free(c);
    free(ta);
    free(tb);
    free(tc);
  }
  /* VP9 too */
  assert_int_equal(synth("5", tmp("v9a.pcap"), tmp("v9a.json"), "--video", "vp9"), 0);
  assert_int_equal(synth("5", tmp("v9b.pcap"), tmp("v9b.json"), "--video", "vp9"), 0);
  size_t la, lb;
  uint8_t *a = slurp(tmp("v9a.pcap"), &la), *b = slurp(tmp("v9b.pcap"), &lb);
  assert_non_null(a);
  assert_non_null(b);
  assert_int_equal(la, lb);
  assert_memory_equal(a, b, la);
  free(a);
  free(b);
}

static void test_synth_bad_args(void **state) {
  (void)state;
  char *a1[] = {"--seed", "1", "-o", (char *)tmp("x.txt"), "--truth", (char *)tmp("x.json")};
  assert_int_equal(rup_cmd_synth(6, a1), 2); /* unknown extension */
  char *a2[] = {"--seed", "1", "--impair", "warp@1+2", "-o", (char *)tmp("x.pcap"), "--truth",
                (char *)tmp("x.json")};
  assert_int_equal(rup_cmd_synth(8, a2), 1);
  char *a3[] = {"--duration", "2", "-o", (char *)tmp("x.pcap"), "--truth", (char *)tmp("x.json")};
  assert_int_equal(rup_cmd_synth(6, a3), 1);
  char *a4[] = {"--seed", "1"};
  assert_int_equal(rup_cmd_synth(2, a4), 1);
}

typedef struct seen {
  uint32_t ssrc;
  int inbound, video;
  uint64_t n;
  uint8_t got[65536];
  uint16_t first;
  int have;
  int keyframe_ok;
} seen;

static seen *find_stream(seen *s, size_t *ns, uint32_t ssrc, int inbound) {
  for (size_t i = 0; i < *ns; i++)
    if (s[i].ssrc == ssrc) return &s[i];
  if (*ns == 8) return NULL;
  memset(&s[*ns], 0, sizeof s[*ns]);
  s[*ns].ssrc = ssrc;
  s[*ns].inbound = inbound;
  return &s[(*ns)++];
}

/* The dropped [ssrc, seq] runs of the truth are exactly the sequence numbers missing
 * from the captured inbound streams; outbound streams are captured whole. */
static void test_synth_truth_matches_capture(void **state) {
  (void)state;
  assert_int_equal(synth("11", tmp("m.pcapng"), tmp("m.json"), NULL, NULL), 0);
  rup_trace *t;
  assert_int_equal(rup_trace_open(&t, tmp("m.pcapng"), NULL), 0);
  seen *st = calloc(8, sizeof *st);
  assert_non_null(st);
  size_t ns = 0;
  rup_trace_packet pk;
  int rc;
  while ((rc = rup_trace_next(t, &pk)) == 1) {
    const uint8_t *p = pk.payload;
    if (pk.payload_len < 12 || (p[0] >> 6) != 2) continue;
    int pt = p[1] & 0x7F;
    if (p[1] >= 200 && p[1] <= 206) continue; /* RTCP (RFC 5761 demux) */
    if (pt != 111 && pt != 96) continue;
    uint32_t ssrc = (uint32_t)p[8] << 24 | (uint32_t)p[9] << 16 | (uint32_t)p[10] << 8 | p[11];
    uint16_t seq = (uint16_t)(p[2] << 8 | p[3]);
    int inbound = pk.src.addr[3] == 2;
    seen *s = find_stream(st, &ns, ssrc, inbound);
    assert_non_null(s);
    s->video = pt == 96;
    if (!s->have) {
      s->first = seq;
      s->have = 1;
      if (s->video && pk.payload_len > 30) {
        /* RFC 7741: first frame is a keyframe: P bit 0 and start code 9d 01 2a; width 320 */
        const uint8_t *v = p + 20 + 4;
        s->keyframe_ok = (v[0] & 1) == 0 && v[3] == 0x9d && v[4] == 0x01 && v[5] == 0x2a &&
                         ((v[6] | v[7] << 8) & 0x3FFF) == 320;
      }
    }
    assert_int_equal(s->got[seq], 0); /* no duplicates */
    s->got[seq] = 1;
    s->n++;
  }
  assert_int_equal(rc, 0);
  rup_trace_del(t);
  assert_int_equal(ns, 4);

  size_t jl;
  char *js = (char *)rt_read_file(tmp("m.json"), &jl);
  assert_non_null(js);
  rup__js *truth;
  char err[128];
  assert_int_equal(rup__js_parse(js, jl, &truth, err, sizeof err), 0);
  free(js);
  const rup__js *pk_obj = rup__js_get(truth, "packets");
  uint64_t total_in_drops = 0;
  for (size_t i = 0; i < ns; i++) {
    seen *s = &st[i];
    if (s->video) assert_true(s->keyframe_ok);
    const rup__js *dir = rup__js_get(pk_obj, s->inbound ? "inbound" : "outbound");
    const rup__js *dl = rup__js_get(dir, "dropped");
    assert_non_null(dl);
    uint8_t *dropped = calloc(65536, 1);
    assert_non_null(dropped);
    uint64_t ndrop = 0;
    for (size_t k = 0; k < dl->n; k++) {
      if ((uint32_t)rup__js_num(rup__js_get(dl->items[k], "ssrc"), -1) != s->ssrc) continue;
      const rup__js *runs = rup__js_get(dl->items[k], "runs");
      for (size_t r = 0; r < runs->n; r++) {
        uint16_t first = (uint16_t)rup__js_num(runs->items[r]->items[0], 0);
        size_t cnt = (size_t)rup__js_num(runs->items[r]->items[1], 0);
        for (size_t q = 0; q < cnt; q++) {
          dropped[(uint16_t)(first + q)] = 1;
          ndrop++;
        }
      }
    }
    /* packets_sent of the truth = captured + dropped (inbound) / captured (outbound) */
    const rup__js *streams = rup__js_get(truth, "streams");
    uint64_t sent = 0;
    for (size_t k = 0; k < streams->n; k++)
      if ((uint32_t)rup__js_num(rup__js_get(streams->items[k], "ssrc"), -1) == s->ssrc)
        sent = (uint64_t)rup__js_num(rup__js_get(streams->items[k], "packets_sent"), 0);
    if (s->inbound) {
      assert_true(ndrop > 0);
      assert_int_equal(sent, s->n + ndrop);
      total_in_drops += ndrop;
      /* walk from the first captured seq over sent packets: each is captured xor dropped */
      for (uint64_t q = 0; q < sent; q++) {
        uint16_t seq = (uint16_t)(s->first + q);
        assert_true(s->got[seq] ^ dropped[seq]);
      }
    } else {
      assert_int_equal(sent, s->n);
      for (uint64_t q = 0; q < sent; q++) assert_true(s->got[(uint16_t)(s->first + q)]);
      for (size_t q = 0; q < 65536; q++)
        if (dropped[q]) assert_true(s->got[q]); /* lost after capture: still in the file */
      if (!s->video) assert_true(ndrop > 0); /* the outbound burst loss hit it */
    }
    free(dropped);
  }
  assert_true(total_in_drops > 50);
  /* truth per impairment: the outage drops packets both ways and is a connection loss */
  const rup__js *imps = rup__js_get(truth, "impairments");
  assert_int_equal(imps->n, 4);
  const rup__js *out = imps->items[3];
  assert_string_equal(rup__js_str(rup__js_get(out, "kind")), "outage");
  assert_string_equal(rup__js_str(rup__js_get(out, "expected_rupture")), "connection_lost");
  assert_true(rup__js_num(rup__js_get(out, "packets_dropped"), 0) > 100);
  rup__js_free(truth);
  free(st);
}

/* ------------------------------------------------------------------ eval */

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

static const char *truth_doc =
    "{\"duration_s\": 100, \"impairments\": ["
    "{\"id\":1,\"kind\":\"outage\",\"direction\":\"both\",\"start_s\":10,\"end_s\":20,"
    " \"expected_rupture\":\"connection_lost\",\"rupture_start_s\":10.03,\"rupture_end_s\":20.03},"
    "{\"id\":2,\"kind\":\"audio_stall\",\"direction\":\"inbound\",\"start_s\":30,\"end_s\":32,"
    " \"expected_rupture\":\"audio_dropout\",\"expected_cause\":\"packet_loss\"},"
    "{\"id\":3,\"kind\":\"dtx_silence\",\"direction\":\"inbound\",\"start_s\":50,\"end_s\":60,"
    " \"expected_rupture\":null},"
    "{\"id\":4,\"kind\":\"audio_stall\",\"direction\":\"inbound\",\"start_s\":70,\"end_s\":70.5,"
    " \"expected_rupture\":\"audio_dropout\"}"
    "]}";

static int eval(const char *result, const char *opt1, const char *opt2) {
  write_file(tmp("et.json"), truth_doc);
  write_file(tmp("er.json"), result);
  char *argv[8];
  int c = 0;
  argv[c++] = (char *)tmp("et.json");
  argv[c++] = (char *)tmp("er.json");
  argv[c++] = "--json";
  if (opt1) argv[c++] = (char *)opt1;
  if (opt2) argv[c++] = (char *)opt2;
  return quiet(rup_cmd_eval, c, argv);
}

static void test_eval_rules(void **state) {
  (void)state;
  /* all found; duplicates of one truth and a dropout inside the found outage do not hurt
   * precision; the short (< 1 s) truth is missed but does not count for recall */
  const char *good = "{\"input\":{\"duration_s\":100},\"ruptures\":["
                     "{\"type\":\"connection_lost\",\"direction\":\"inbound\",\"start_s\":10.5,\"end_s\":20.2},"
                     "{\"type\":\"audio_dropout\",\"direction\":\"inbound\",\"start_s\":10.4,\"end_s\":19},"
                     "{\"type\":\"audio_dropout\",\"direction\":\"inbound\",\"start_s\":30.1,\"end_s\":31},"
                     "{\"type\":\"audio_dropout\",\"direction\":\"inbound\",\"start_s\":31.2,\"end_s\":null}"
                     "]}";
  assert_int_equal(eval(good, "--min-precision", "1"), 0);
  assert_int_equal(eval(good, "--min-recall", "1"), 0);
  /* a detection over a not-a-rupture truth (DTX silence) is a false positive */
  const char *fp_dtx = "{\"ruptures\":["
                       "{\"type\":\"connection_lost\",\"direction\":\"inbound\",\"start_s\":10.5,\"end_s\":20.2},"
                       "{\"type\":\"audio_dropout\",\"direction\":\"inbound\",\"start_s\":30.1,\"end_s\":31},"
                       "{\"type\":\"audio_dropout\",\"direction\":\"inbound\",\"start_s\":52,\"end_s\":55}]}";
  assert_int_equal(eval(fp_dtx, "--min-precision", "0.9"), 9);
  assert_int_equal(eval(fp_dtx, "--min-recall", "1"), 0);
  /* the lesser detection is excused only if the bigger truth was found */
  const char *no_big = "{\"ruptures\":["
                       "{\"type\":\"audio_dropout\",\"direction\":\"inbound\",\"start_s\":10.4,\"end_s\":19},"
                       "{\"type\":\"audio_dropout\",\"direction\":\"inbound\",\"start_s\":30.1,\"end_s\":31}]}";
  assert_int_equal(eval(no_big, "--min-precision", "0.9"), 9);
  assert_int_equal(eval(no_big, "--min-recall", "0.9"), 9);
  /* wrong direction does not match */
  const char *wrong_dir = "{\"ruptures\":["
                          "{\"type\":\"connection_lost\",\"direction\":\"outbound\",\"start_s\":10.5,\"end_s\":20},"
                          "{\"type\":\"audio_dropout\",\"direction\":\"outbound\",\"start_s\":30.1,\"end_s\":31}]}";
  assert_int_equal(eval(wrong_dir, "--min-recall", "0.9"), 9); /* the dropout is missed */
  assert_int_equal(eval(wrong_dir, "--min-precision", "0.9"), 9);
  /* tolerance: 1.5 s late still overlaps with --tolerance 2, not with 0.5 */
  const char *late = "{\"ruptures\":["
                     "{\"type\":\"connection_lost\",\"direction\":\"inbound\",\"start_s\":11,\"end_s\":20},"
                     "{\"type\":\"audio_dropout\",\"direction\":\"inbound\",\"start_s\":33.5,\"end_s\":34}]}";
  char et[256], er[256];
  snprintf(et, sizeof et, "%s", tmp("et.json"));
  snprintf(er, sizeof er, "%s", tmp("er.json"));
  char *a1[] = {et, er, "--tolerance", "2", "--min-recall", "1"};
  char *a2[] = {et, er, "--tolerance", "0.5", "--min-recall", "1"};
  write_file(er, late);
  assert_int_equal(quiet(rup_cmd_eval, 6, a1), 0);
  assert_int_equal(quiet(rup_cmd_eval, 6, a2), 9);
  /* hostile / malformed inputs */
  assert_int_equal(eval("{\"ruptures\": 5}", NULL, NULL), 3);
  assert_int_equal(eval("[[[[", NULL, NULL), 3);
  assert_int_equal(eval("{\"ruptures\":[{\"type\":\"lag\"}]}", NULL, NULL), 3);
  assert_int_equal(eval("{\"ruptures\":[{\"type\":\"alien\",\"direction\":\"inbound\",\"start_s\":1}]}",
                        "--min-precision", "1"),
                   0); /* unknown types are ignored */
  char *a3[] = {(char *)tmp("missing.json"), (char *)tmp("er.json")};
  assert_int_equal(quiet(rup_cmd_eval, 2, a3), 2);
  char *a4[] = {(char *)tmp("et.json")};
  assert_int_equal(quiet(rup_cmd_eval, 1, a4), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prng),
      cmocka_unit_test(test_scenario_parse),
      cmocka_unit_test(test_json_valid),
      cmocka_unit_test(test_json_invalid),
      cmocka_unit_test(test_json_limits),
      cmocka_unit_test(test_synth_bad_args),
      cmocka_unit_test(test_synth_deterministic),
      cmocka_unit_test(test_synth_truth_matches_capture),
      cmocka_unit_test(test_eval_rules),
  };
  return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
