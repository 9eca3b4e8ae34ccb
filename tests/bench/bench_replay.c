/* Benchmarks: ns/packet and packets/s of librupture on in-memory input.
 *
 *   bench_replay                 run all benchmarks, print a table (the last line:
 *                                the in-memory replay with rup_settings::statistics_only)
 *   bench_replay --write F N     write a synthetic pcap of N RTP packets to F (for CLI vs tshark)
 *
 * The synthetic call: 2 Opus streams (50 pkt/s) and 2 VP8-like video streams
 * (~300 pkt/s, several packets per frame), 1 % random loss, jittered arrivals with
 * occasional delay spikes (so some reordering), an RTCP SR/RR pair every second. Runs are repeated and the
 * median is reported. Payloads carry real Opus TOC bytes and VP8 descriptors, so
 * stream discovery finds the codecs and the playback models run. Uses only the
 * public API. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rupture/rupture.h"
#include "../common/count_alloc.h"

#define RUNS 5

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) { /* xorshift64*: deterministic input */
  rng ^= rng >> 12;
  rng ^= rng << 25;
  rng ^= rng >> 27;
  return (uint32_t)((rng * 2685821657736338717ull) >> 32);
}

typedef struct buf {
  uint8_t *p;
  size_t len, cap;
} buf;

static void put(buf *b, const void *d, size_t n) {
  if (b->len + n > b->cap) {
    b->cap = (b->cap + n) * 2;
    b->p = realloc(b->p, b->cap);
    if (!b->p) abort();
  }
  memcpy(b->p + b->len, d, n);
  b->len += n;
}
static void le32(buf *b, uint32_t v) { put(b, &v, 4); } /* little-endian host (x86/arm) */
static void be16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static void be32(uint8_t *p, uint32_t v) {
  be16(p, (uint16_t)(v >> 16));
  be16(p + 2, (uint16_t)v);
}

/* One Ethernet/IPv4/UDP record. */
static void record(buf *b, int64_t t_us, const uint8_t *payload, size_t n, uint16_t sport, uint16_t dport) {
  uint8_t h[42] = {0};
  h[12] = 0x08; /* IPv4 */
  uint8_t *ip = h + 14;
  ip[0] = 0x45;
  be16(ip + 2, (uint16_t)(20 + 8 + n));
  ip[8] = 64;
  ip[9] = 17;
  be32(ip + 12, 0x0A000001u + (sport & 1));
  be32(ip + 16, 0x0A000002u - (sport & 1));
  uint8_t *udp = ip + 20;
  be16(udp, sport);
  be16(udp + 2, dport);
  be16(udp + 4, (uint16_t)(8 + n));
  le32(b, (uint32_t)(t_us / 1000000));
  le32(b, (uint32_t)(t_us % 1000000));
  le32(b, (uint32_t)(42 + n));
  le32(b, (uint32_t)(42 + n));
  put(b, h, 42);
  put(b, payload, n);
}

typedef struct pkt {
  int64_t t_us;
  uint16_t sport, dport;
  uint16_t len;
  uint8_t data[240];
} pkt;

static int cmp_pkt(const void *a, const void *b) {
  const pkt *x = a, *y = b;
  return x->t_us < y->t_us ? -1 : x->t_us > y->t_us;
}

/* Build n packets of the synthetic call, sorted by arrival. */
static pkt *make_call(size_t n, size_t *out_n) {
  pkt *v = calloc(n + 64, sizeof *v);
  size_t k = 0;
  struct {
    uint32_t ssrc;
    int video;
    uint16_t seq;
    uint32_t ts;
    int64_t t;
    uint16_t sport, dport;
    int pt;
  } s[4] = {{0x11111111, 0, 1, 0, 0, 5004, 6004, 111},
            {0x22222222, 0, 30000, 5, 3000, 6004, 5004, 111},
            {0x33333333, 1, 65000, 0, 1000, 5006, 6006, 96},
            {0x44444444, 1, 7, 99, 2000, 6006, 5006, 96}};
  int64_t next_rtcp = 1000000;
  while (k < n) {
    int i = 0;
    for (int j = 1; j < 4; j++)
      if (s[j].t < s[i].t) i = j;
    int per_frame = s[i].video ? 1 + (int)(rnd() % 10) : 1;
    /* network delay varies per frame (0-3 ms, a 30 ms spike in 1 % of frames); the
     * packets of a frame are paced 0.5 ms apart, so reordering stays rare, as on a
     * real path */
    int64_t delay = (int64_t)(rnd() % 3000) + ((rnd() % 100) == 0 ? 30000 : 0);
    for (int f = 0; f < per_frame && k < n; f++) {
      pkt *p = &v[k];
      uint8_t *d = p->data;
      d[0] = 0x80;
      d[1] = (uint8_t)(s[i].pt | (f == per_frame - 1 && s[i].video ? 0x80 : 0));
      be16(d + 2, s[i].seq++);
      be32(d + 4, s[i].ts);
      be32(d + 8, s[i].ssrc);
      p->len = (uint16_t)(s[i].video ? 200 : 80);
      memset(d + 12, 0x5A, (size_t)p->len - 12);
      if (s[i].video) { /* RFC 7741 descriptor; a keyframe header every 60 frames */
        d[12] = f == 0 ? 0x10 : 0x00;         /* S bit on the first packet, PID 0 */
        int key = f == 0 && (s[i].ts / 3000u) % 60 == 0;
        d[13] = key ? 0x00 : 0x01;              /* VP8 frame tag: P bit 0 = keyframe */
        d[16] = 0x9d, d[17] = 0x01, d[18] = 0x2a; /* RFC 6386 §9.1 start code */
        d[19] = 0x80, d[20] = 0x02, d[21] = 0x68, d[22] = 0x01; /* 640 x 360 */
      } else {
        d[12] = 0x78; /* Opus TOC: config 15 (hybrid FB 20 ms), one frame (RFC 6716 §3.1) */
      }
      p->t_us = s[i].t + delay + 500 * f;
      p->sport = s[i].sport;
      p->dport = s[i].dport;
      if (rnd() % 100 != 0) k++; /* 1 % loss: the slot is reused */
    }
    s[i].ts += s[i].video ? 3000u : 960u;
    s[i].t += s[i].video ? 33333 : 20000;
    if (s[i].t >= next_rtcp && k < n) { /* RTCP SR from stream 0 with an RR block about stream 1 */
      pkt *p = &v[k++];
      uint8_t *d = p->data;
      memset(d, 0, 52);
      d[0] = 0x81;
      d[1] = 200;
      be16(d + 2, 12);
      be32(d + 4, s[0].ssrc);
      be32(d + 8, (uint32_t)(next_rtcp / 1000000) + 3900000000u);
      be32(d + 28, s[1].ssrc);
      p->len = 52;
      p->t_us = next_rtcp;
      p->sport = 5005;
      p->dport = 6005;
      next_rtcp += 1000000;
    }
  }
  qsort(v, k, sizeof *v, cmp_pkt);
  *out_n = k;
  return v;
}

static buf make_pcap(const pkt *v, size_t n) {
  buf b = {0};
  uint32_t gh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
  put(&b, gh, sizeof gh);
  for (size_t i = 0; i < n; i++)
    record(&b, 1700000000000000ll + v[i].t_us, v[i].data, v[i].len, v[i].sport, v[i].dport);
  return b;
}

static int cmp_d(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}
static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_d);
  return v[n / 2];
}

static void report(const char *name, double sec, size_t n) {
  printf("%-44s %10.1f ns/packet %12.0f packets/s\n", name, sec * 1e9 / (double)n, (double)n / sec);
}

/* rup_replay of the pcap in memory, median of RUNS. */
static void replay_memory(const buf *b, size_t n, int stats_only) {
  double t[RUNS];
  rup_settings set;
  rup_settings_default(&set);
  set.statistics_only = stats_only;
  for (int r = 0; r < RUNS; r++) {
    rup_session *s;
    rup_trace *tr;
    if (rup_session_new(&s, &set, NULL, NULL, NULL) != 0) exit(1);
    if (rup_trace_open_memory(&tr, b->p, b->len, NULL) != 0) exit(1);
    double t0 = now_s();
    int rv = rup_replay(s, tr, NULL);
    t[r] = now_s() - t0;
    if (rv != 0) {
      fprintf(stderr, "replay failed: %s\n", rup_strerror(rv));
      exit(1);
    }
    rup_trace_del(tr);
    rup_session_del(s);
  }
  report(stats_only ? "replay in-memory pcap, statistics only" : "replay in-memory pcap (read + discover + all)",
         median(t, RUNS), n);
}

int main(int argc, char **argv) {
  if (argc == 4 && strcmp(argv[1], "--write") == 0) {
    size_t n;
    pkt *v = make_call((size_t)strtoull(argv[3], NULL, 10), &n);
    buf b = make_pcap(v, n);
    FILE *f = fopen(argv[2], "wb");
    if (!f || fwrite(b.p, 1, b.len, f) != b.len) return 1;
    fclose(f);
    printf("wrote %zu packets, %zu bytes to %s\n", n, b.len, argv[2]);
    return 0;
  }
  size_t n;
  pkt *v = make_call(2000000, &n);
  printf("librupture %s benchmark: %zu packets, 4 streams, median of %d runs, one core\n",
         rup_version_string(), n, RUNS);

  /* 1. push: demux + RTP/RTCP parse + per-stream stats, datagrams already in memory.
   * The streams are not described, so no playback model runs (a host that gives no
   * SDP and uses unknown dynamic payload types gets exactly this). */
  double t[RUNS];
  for (int r = 0; r < RUNS; r++) {
    rup_session *s;
    if (rup_session_new(&s, NULL, NULL, NULL, NULL) != 0) return 1;
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) rup_session_push_packet(s, v[i].data, v[i].len, 0, v[i].t_us);
    t[r] = now_s() - t0;
    rup_session_del(s);
  }
  report("push_packet (parse + RFC 3550 stats)", median(t, RUNS), n);

  /* 1b. the same with every layer on: streams described as from SDP, so the audio and
   * video playback models and rupture detection run; deadlines served as a live
   * host's timer would. Also counts allocations after the first second (steady state). */
  rup_test_alloc ac;
  uint64_t steady_allocs = 0;
  size_t bytes_per_stream = 0, session_bytes = 0;
  for (int r = 0; r < RUNS; r++) {
    rup_session *s;
    rup_mem mem = rup_test_alloc_mem(&ac);
    if (rup_session_new(&s, NULL, NULL, &mem, NULL) != 0) return 1;
    size_t empty = ac.live_bytes;
    rup_session_describe_stream(s, 0x11111111, RUP_CODEC_OPUS, 111, 48000, 0);
    rup_session_describe_stream(s, 0x22222222, RUP_CODEC_OPUS, 111, 48000, 0);
    rup_session_describe_stream(s, 0x33333333, RUP_CODEC_VP8, 96, 90000, 0);
    rup_session_describe_stream(s, 0x44444444, RUP_CODEC_VP8, 96, 90000, 0);
    size_t after_setup = ac.live_bytes;
    uint64_t allocs_at_1s = 0;
    double t0 = now_s();
    for (size_t i = 0; i < n; i++) {
      for (int64_t d; (d = rup_session_next_deadline(s)) < v[i].t_us;) rup_session_advance(s, d);
      rup_session_push_packet(s, v[i].data, v[i].len, 0, v[i].t_us);
      if (!allocs_at_1s && v[i].t_us >= 1000000) allocs_at_1s = ac.calls;
    }
    t[r] = now_s() - t0;
    steady_allocs = ac.calls - allocs_at_1s;
    bytes_per_stream = (after_setup - empty) / 4;
    session_bytes = empty;
    rup_session_del(s);
  }
  report("push + playback models + detection", median(t, RUNS), n);
  printf("%-44s %10llu allocations after the first second (%zu packets)\n", "  steady state", (unsigned long long)steady_allocs, n);
  printf("%-44s %10zu bytes per stream (audio/video models, detection; no decoding)\n", "  memory", bytes_per_stream);
  printf("%-44s %10zu bytes for an empty session (default settings: 64-stream tables)\n", "  memory", session_bytes);

  /* 2. replay: pcap parsing + discovery + push, capture in memory; with every layer,
   * then statistics only (rup_settings::statistics_only, `rupture replay --stats-only`). */
  buf b = make_pcap(v, n);
  replay_memory(&b, n, 0);
  replay_memory(&b, n, 1);
  free(b.p);
  free(v);
  return 0;
}
