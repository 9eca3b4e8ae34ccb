/* Benchmark of lib/decode (docs/decode.md §6): decode cost per stream in ms
 * per second of media, and how many times faster than real time one core
 * analyses a call with decoding on.
 *   bench_decode RUPTURE_CLI TMPDIR [SECONDS]
 * makes the streams with `rupture synth` (Opus 48 kHz; VP8 640x360 and
 * 1280x720 at 30 fps; VP9 1280x720), then replays each inbound stream through
 * the media models with and without the decoders. Clock reading is
 * fine here (process CPU time): benchmarks measure, they assert nothing (DESIGN.md §6). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decode/decode.h"
#include "stream/stream.h"
#include "wire/wire.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts); /* CPU time of this process: one core, not disturbed by other load */
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void nop_sink(void *ctx, const rup_imp *imp, int phase) {
  (void)ctx;
  (void)imp;
  (void)phase;
}

/* Replay the inbound stream to `port` (40000 audio, 40002 video); returns the CPU seconds used. */
static double replay(const char *path, int port, int codec, int decode, double *media_s, size_t *mem) {
  rup_trace *t = NULL;
  rup_trace_packet pk;
  rup_rx rx;
  rup_video *v = calloc(1, sizeof *v);
  rup_audio *a = calloc(1, sizeof *a);
  rup_vdec *vd = NULL;
  rup_adec *ad = NULL;
  rup_imp_sink sink = {nop_sink, NULL};
  int64_t first = 0, last = 0;
  int video = codec != RUP_CODEC_OPUS;
  if (!v || !a || rup_trace_open(&t, path, NULL) != 0) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(1);
  }
  rup__rx_init(&rx, video ? 90000 : 48000, 16);
  rup__video_init(v, video ? codec : RUP_CODEC_VP8, NULL);
  rup__audio_init(a, RUP_CODEC_OPUS, 48000, NULL);
  if (decode && video && rup__vdec_new(&vd, NULL, codec, NULL) == 0) rup__vdec_attach(vd, v, &sink);
  if (decode && !video && rup__adec_new(&ad, NULL, 48000) == 0) rup__adec_attach(ad, a);
  double t0 = now_s();
  while (rup_trace_next(t, &pk) == 1) {
    if (pk.dst.port != port) continue;
    if (pk.payload_len >= 2 && (pk.payload[1] & 0x7F) >= 72 && (pk.payload[1] & 0x7F) <= 76) continue;
    rup_rtp rtp;
    if (rup__rtp_parse(&rtp, pk.payload, pk.payload_len) != 0) continue;
    rup_media_pkt m;
    m.rtp = &rtp;
    m.rx_flags = rup__rx_update(&rx, rtp.seq, rtp.ts, pk.ts_us, rtp.payload_len, rtp.marker, rtp.payload_type);
    m.ext_seq = rup__rx_ext_seq(&rx, rtp.seq);
    m.arrival_us = pk.ts_us;
    if (!first) first = pk.ts_us;
    last = pk.ts_us;
    if (video) {
      rup__vdec_packet(vd, m.ext_seq, &rtp);
      rup__video_packet(v, &m, &sink);
    } else {
      rup__adec_packet(ad, m.ext_seq, &rtp);
      rup__audio_packet(a, &m, -1, &sink);
    }
  }
  if (video) rup__video_finish(v, last, &sink);
  else rup__audio_finish(a, last, &sink);
  double el = now_s() - t0;
  *media_s = (double)(last - first) / 1e6;
  *mem = 0;
  if (vd) {
    rup_vdec_stats st;
    rup__vdec_stats(vd, &st);
    *mem = st.memory_bytes;
  }
  if (ad) {
    rup_adec_stats st;
    rup__adec_stats(ad, &st);
    *mem = st.memory_bytes;
  }
  rup__vdec_free(vd);
  rup__adec_free(ad);
  rup_trace_del(t);
  free(v);
  free(a);
  return el;
}

typedef struct job { const char *name, *args; int port, codec; } job;

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: bench_decode RUPTURE_CLI TMPDIR [SECONDS]\n");
    return 2;
  }
  const char *cli = argv[1], *dir = argv[2];
  int secs = argc > 3 ? atoi(argv[3]) : 20;
  const job jobs[] = {
      {"opus48k", "--video none", 40000, RUP_CODEC_OPUS},
      {"vp8_640x360", "--video vp8 --size 640x360 --fps 30 --video-kbps 800", 40002, RUP_CODEC_VP8},
      {"vp8_1280x720", "--video vp8 --size 1280x720 --fps 30 --video-kbps 1500", 40002, RUP_CODEC_VP8},
      {"vp9_1280x720", "--video vp9 --size 1280x720 --fps 30 --video-kbps 1500", 40002, RUP_CODEC_VP9},
  };
  double per_s[4] = {0};
  printf("%-14s %10s %12s %12s %14s %10s\n", "stream", "media_s", "model_ms/s", "decode_ms/s", "x_realtime", "mem_KiB");
  for (unsigned i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
    char path[1024], cmd[4096];
    snprintf(path, sizeof path, "%s/bench_%s.pcap", dir, jobs[i].name);
    snprintf(cmd, sizeof cmd,
             "%s synth --seed 7 --duration %d --video-dir inbound %s --quiet -o %s --truth %s.truth.json",
             cli, secs, jobs[i].args, path, path);
    if (system(cmd) != 0) {
      fprintf(stderr, "synth failed: %s\n", cmd);
      return 1;
    }
    double media = 0, el0, el1;
    size_t mem = 0;
    el0 = replay(path, jobs[i].port, jobs[i].codec, 0, &media, &mem);
    el1 = replay(path, jobs[i].port, jobs[i].codec, 1, &media, &mem);
    per_s[i] = el1 / media;
    printf("%-14s %10.1f %12.3f %12.3f %14.1f %10zu\n", jobs[i].name, media, 1e3 * el0 / media,
           1e3 * (el1 - el0) / media, media / el1, mem / 1024);
  }
  /* A 720p30 + Opus call: both inbound streams decoded on one core. */
  printf("720p30 VP8 + Opus call: %.1fx real time (VP9: %.1fx)\n", 1.0 / (per_s[0] + per_s[2]),
         1.0 / (per_s[0] + per_s[3]));
  return 0;
}
