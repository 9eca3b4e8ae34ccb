/* Replays every capture that has tshark's `-z rtp,streams` output stored beside
 * it (tests/data, tests/data/crafted, ../shared/data) through the public API and
 * compares our tshark-convention numbers (the JSON "wireshark" object) with what
 * tshark printed: packets and lost exactly, deltas within 0.01 ms, jitter within
 * 1 % (REFERENCE.md §9). Links only the public library. */
#include <dirent.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rupture/rupture.h"
#include "testutil.h"

typedef struct tsrow {
  uint32_t ssrc;
  char payload[32];
  long pkts, lost;
  double min_d, mean_d, max_d, min_j, mean_j, max_j;
} tsrow;

/* Parse the stream rows of a stored `tshark -q -z rtp,streams` output. */
static int parse_tshark(const char *path, tsrow *rows, int max) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024];
  int n = 0;
  while (fgets(line, sizeof line, f) && n < max) {
    char *tok[64];
    int nt = 0;
    for (char *p = strtok(line, " \t\r\n"); p && nt < 64; p = strtok(NULL, " \t\r\n")) tok[nt++] = p;
    if (nt < 16 || strncmp(tok[6], "0x", 2) != 0) continue;
    if (strcmp(tok[nt - 1], "X") == 0) nt--; /* Problems? column */
    tsrow *r = &rows[n++];
    r->ssrc = (uint32_t)strtoul(tok[6], NULL, 16);
    snprintf(r->payload, sizeof r->payload, "%s", tok[7]);
    r->max_j = atof(tok[nt - 1]);
    r->mean_j = atof(tok[nt - 2]);
    r->min_j = atof(tok[nt - 3]);
    r->max_d = atof(tok[nt - 4]);
    r->mean_d = atof(tok[nt - 5]);
    r->min_d = atof(tok[nt - 6]);
    r->lost = atol(tok[nt - 8]); /* "n (p%)" */
    r->pkts = atol(tok[nt - 9]);
  }
  fclose(f);
  return n;
}

static int close_ms(double ours, double theirs, double abs_tol) {
  return fabs(ours - theirs) <= abs_tol;
}
/* 1 % relative, but never tighter than tshark's printed precision (3 decimals). */
static int close_pct(double ours, double theirs) {
  return fabs(ours - theirs) <= fmax(0.01 * fabs(theirs), 0.0015);
}

static int compared;

/* `with_sdp`: tshark was given the SDP (FILE.tshark-pt.txt), so the host describes
 * each stream as it would from that SDP: codec and clock by encoding name. */
static void check_capture_mode(const char *cap, const char *txt, int with_sdp, int stats_only) {
  tsrow rows[32];
  int n = parse_tshark(txt, rows, 32);
  assert_true(n >= 0);
  rup_trace *t;
  assert_int_equal(rup_trace_open(&t, cap, NULL), 0);
  rup_settings set;
  rup_settings_default(&set);
  set.statistics_only = stats_only;
  rup_session *s;
  assert_int_equal(rup_session_new(&s, &set, NULL, NULL, NULL), 0);
  for (int i = 0; with_sdp && i < n; i++) {
    int codec = strcmp(rows[i].payload, "opus") == 0 ? RUP_CODEC_OPUS
                : strcmp(rows[i].payload, "VP8") == 0 ? RUP_CODEC_VP8
                : strcmp(rows[i].payload, "H264") == 0 ? RUP_CODEC_H264 : RUP_CODEC_UNKNOWN;
    assert_int_not_equal(codec, RUP_CODEC_UNKNOWN);
    assert_int_equal(rup_session_describe_stream(s, rows[i].ssrc, codec, codec == RUP_CODEC_OPUS ? 111 : 96, 0,
                                                 RUP_DIR_INBOUND), 0);
  }
  assert_int_equal(rup_replay(s, t, NULL), 0);
  for (int i = 0; i < n; i++) {
    const tsrow *r = &rows[i];
    rup_stream_stats st;
    int found = 0;
    for (size_t k = 0; k < rup_session_get_stream_count(s); k++) {
      assert_int_equal(rup_session_get_stream_stats(s, k, &st), 0);
      if (st.ssrc == r->ssrc) {
        found = 1;
        break;
      }
    }
    if (!found) fail_msg("%s: SSRC 0x%08X from tshark not found", cap, r->ssrc);
    if ((long)st.packets != r->pkts || st.ws_lost != r->lost)
      fail_msg("%s 0x%08X: packets %llu/%ld lost %lld/%ld (ours/tshark)", cap, r->ssrc,
               (unsigned long long)st.packets, r->pkts, (long long)st.ws_lost, r->lost);
    if (r->pkts > 1 && (!close_ms(st.ws_max_delta_ms, r->max_d, 0.01) ||
                        !close_ms(st.ws_min_delta_ms, r->min_d, 0.01) ||
                        !close_ms(st.ws_mean_delta_ms, r->mean_d, 0.01)))
      fail_msg("%s 0x%08X: delta min/mean/max %.3f/%.3f/%.3f vs tshark %.3f/%.3f/%.3f", cap, r->ssrc,
               st.ws_min_delta_ms, st.ws_mean_delta_ms, st.ws_max_delta_ms, r->min_d, r->mean_d, r->max_d);
    if (r->min_j < 0) { /* tshark knew no clock rate: -1.000 */
      if (st.ws_has_jitter) fail_msg("%s 0x%08X: we computed tshark jitter without a clock", cap, r->ssrc);
    } else if (!st.ws_has_jitter || !close_pct(st.ws_mean_jitter_ms, r->mean_j) ||
               !close_pct(st.ws_max_jitter_ms, r->max_j) || !close_pct(st.ws_min_jitter_ms, r->min_j)) {
      fail_msg("%s 0x%08X: jitter min/mean/max %.4f/%.4f/%.4f vs tshark %.3f/%.3f/%.3f", cap, r->ssrc,
               st.ws_min_jitter_ms, st.ws_mean_jitter_ms, st.ws_max_jitter_ms, r->min_j, r->mean_j, r->max_j);
    }
    compared++;
  }
  rup_session_del(s);
  rup_trace_del(t);
}

/* Both a full session and a statistics-only one must give tshark's numbers. */
static void check_capture(const char *cap, const char *txt, int with_sdp) {
  check_capture_mode(cap, txt, with_sdp, 0);
  check_capture_mode(cap, txt, with_sdp, 1);
}

/* Every FILE with FILE<suffix> beside it in dir. */
static int check_dir_suffix(const char *dir, const char *suffix, int with_sdp) {
  DIR *d = opendir(dir);
  if (!d) return 0;
  int files = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    size_t n = strlen(e->d_name), ns = strlen(suffix);
    if (n <= ns || strcmp(e->d_name + n - ns, suffix) != 0) continue;
    char txt[4096], cap[4096];
    snprintf(txt, sizeof txt, "%s/%s", dir, e->d_name);
    snprintf(cap, sizeof cap, "%s/%.*s", dir, (int)(n - ns), e->d_name);
    check_capture(cap, txt, with_sdp);
    files++;
  }
  closedir(d);
  return files;
}

static int check_dir(const char *dir) { return check_dir_suffix(dir, ".tshark.txt", 0); }

static void test_bundled_captures_match_tshark(void **state) {
  (void)state;
  compared = 0;
  int files = check_dir(rt_data(""));
  files += check_dir(rt_data("crafted"));
  assert_true(files >= 20);
  assert_true(compared >= files);
}

/* The same captures, with tshark told the dynamic payload types by SDP: jitter too. */
static void test_bundled_captures_with_sdp_match_tshark(void **state) {
  (void)state;
  compared = 0;
  int files = check_dir_suffix(rt_data(""), ".tshark-pt.txt", 1);
  assert_true(files >= 8);
  assert_true(compared >= files);
}

static void test_shared_captures_match_tshark(void **state) {
  (void)state;
  const char *dir = rt_shared("");
  if (!dir) skip();
  compared = 0;
  assert_int_equal(check_dir(dir), 3);
  assert_int_equal(compared, 8); /* 4 streams, full and statistics-only */
}

/* Replay holds datagrams in a bounded look-ahead window while streams are being
 * discovered. A capture whose window carries more bytes than the window's ring (8 MiB)
 * must still deliver every datagram, once, in order. */
static void put_le32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

static void test_lookahead_ring_wraps(void **state) {
  (void)state;
  const size_t n = 35000, payload = 1200, rec = 16 + 28 + 12 + payload;
  uint8_t *buf = calloc(1, 24 + n * rec);
  assert_non_null(buf);
  put_le32(buf, 0xa1b2c3d4);
  buf[4] = 2;
  buf[6] = 4;
  put_le32(buf + 16, 65535);
  put_le32(buf + 20, 228); /* LINKTYPE_IPV4 */
  for (size_t i = 0; i < n; i++) {
    uint8_t *r = buf + 24 + i * rec;
    uint64_t t = 1000000 + i * 143; /* 7000 packets/s: ~8.4 MB in a 1 s window */
    put_le32(r, (uint32_t)(t / 1000000));
    put_le32(r + 4, (uint32_t)(t % 1000000));
    put_le32(r + 8, (uint32_t)(rec - 16));
    put_le32(r + 12, (uint32_t)(rec - 16));
    uint8_t *ip = r + 16;
    ip[0] = 0x45;
    ip[2] = (uint8_t)((rec - 16) >> 8);
    ip[3] = (uint8_t)(rec - 16);
    ip[8] = 64;
    ip[9] = 17;
    ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
    uint8_t *udp = ip + 20;
    udp[0] = 0x13, udp[1] = 0x88, udp[2] = 0x13, udp[3] = 0x89;
    udp[4] = (uint8_t)((8 + 12 + payload) >> 8);
    udp[5] = (uint8_t)(8 + 12 + payload);
    uint8_t *rtp = udp + 8;
    uint32_t ssrc = 1000 + (uint32_t)(i / 150); /* a new source every 150 packets: always one being discovered */
    rtp[0] = 0x80;
    rtp[1] = 100;
    rtp[2] = (uint8_t)(i >> 8);
    rtp[3] = (uint8_t)i;
    rtp[8] = (uint8_t)(ssrc >> 24), rtp[9] = (uint8_t)(ssrc >> 16), rtp[10] = (uint8_t)(ssrc >> 8), rtp[11] = (uint8_t)ssrc;
    for (size_t k = 0; k < payload; k++) rtp[12 + k] = (uint8_t)(k * 31 + i);
  }
  rup_trace *t;
  assert_int_equal(rup_trace_open_memory(&t, buf, 24 + n * rec, NULL), 0);
  rup_settings st;
  rup_settings_default(&st);
  st.max_streams = 512;
  rup_session *s;
  assert_int_equal(rup_session_new(&s, &st, NULL, NULL, NULL), 0);
  assert_int_equal(rup_replay(s, t, NULL), 0);
  rup_session_counters c;
  rup_session_get_counters(s, &c);
  assert_int_equal(c.packets, n);
  assert_int_equal(c.rtp, n);
  assert_int_equal(c.time_regressions, 0);
  uint64_t sum = 0;
  for (size_t i = 0; i < rup_session_get_stream_count(s); i++) {
    rup_stream_stats ss;
    rup_session_get_stream_stats(s, i, &ss);
    sum += ss.packets;
  }
  assert_int_equal(sum, n);
  rup_session_del(s);
  rup_trace_del(t);
  free(buf);
}

/* Decode-verified detection through the public API (docs/decode.md): a stuck camera
 * (frames keep coming, the picture stands still) is a video_freeze with cause
 * frozen_content only when the decoders run. The capture is the synthesizer's
 * camera_freeze@3+3; its truth puts the rupture at 3.03-6.10 s. */
static void replay_ruptures(const char *path, int decode, rup_rupture *out, size_t max, size_t *n,
                            int64_t *t0) {
  rup_trace *t;
  assert_int_equal(rup_trace_open(&t, path, NULL), 0);
  rup_settings st;
  rup_settings_default(&st);
  st.decode_audio = st.decode_video = decode;
  rup_session *s;
  int rv = rup_session_new(&s, &st, NULL, NULL, NULL);
  if (rv == RUP_ERR_UNSUPPORTED) { /* library built without the decode feature */
    rup_trace_del(t);
    *n = SIZE_MAX;
    return;
  }
  assert_int_equal(rv, 0);
  rup_endpoint local;
  assert_int_equal(rup_endpoint_parse(&local, "10.0.0.1"), 0);
  rup_replay_options o;
  memset(&o, 0, sizeof o);
  o.version = RUP_REPLAY_OPTIONS_VERSION;
  o.local = &local;
  o.local_count = 1;
  assert_int_equal(rup_replay(s, t, &o), 0);
  rup_trace_info ti;
  rup_trace_get_info(t, &ti);
  *t0 = ti.first_ts_us;
  *n = rup_session_get_rupture_count(s);
  for (size_t i = 0; i < *n && i < max; i++) assert_int_equal(rup_session_get_rupture(s, i, &out[i]), 0);
  rup_session_del(s);
  rup_trace_del(t);
}

static void test_frozen_content_needs_decoding(void **state) {
  (void)state;
  rup_rupture r[8];
  size_t n;
  int64_t t0;
  replay_ruptures(rt_data("decode_vp8_freeze.pcap"), 0, r, 8, &n, &t0);
  assert_int_equal(n, 0); /* packets alone: nothing is wrong */
  replay_ruptures(rt_data("decode_vp8_freeze.pcap"), 1, r, 8, &n, &t0);
  if (n == SIZE_MAX) skip();
  assert_int_equal(n, 1);
  assert_int_equal(r[0].type, RUP_RUPTURE_VIDEO_FREEZE);
  assert_int_equal(r[0].cause, RUP_CAUSE_FROZEN_CONTENT);
  assert_int_equal(r[0].direction, RUP_DIR_INBOUND);
  double start = (double)(r[0].start_us - t0) / 1e6, end = (double)(r[0].end_us - t0) / 1e6;
  assert_true(fabs(start - 3.03) <= 0.1);  /* onset within 100 ms of the truth */
  assert_true(fabs((end - start) - 3.07) <= 0.307); /* duration within 10 % */
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_bundled_captures_match_tshark),
      cmocka_unit_test(test_bundled_captures_with_sdp_match_tshark),
      cmocka_unit_test(test_shared_captures_match_tshark),
      cmocka_unit_test(test_lookahead_ring_wraps),
      cmocka_unit_test(test_frozen_content_needs_decoding),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
