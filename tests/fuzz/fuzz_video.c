/* Fuzz target for lib/media/video.c: packets, advances and keyframe requests from the input; checks impairment pairing and bounds. */
#include <stdlib.h>
#include <string.h>
#include "media/video.h"

typedef struct { int open[4]; int64_t last_end; } fz;
static void sink_fn(void *ctx, const rup_imp *imp, int phase) {
  fz *z = ctx;
  unsigned k = imp->kind & 3;
  if (imp->kind != RUP_IMP_FREEZE && imp->kind != RUP_IMP_STALL) abort();
  if (phase == 0) { if (z->open[k] || imp->end_us != 0) abort(); z->open[k] = 1; }
  else { if (!z->open[k]) abort(); z->open[k] = 0; if (imp->end_us < imp->start_us) abort(); }
  if (imp->detected_us < imp->start_us) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static rup_video v;
  rup_video_params p;
  fz z;
  rup_imp_sink sink = {sink_fn, &z};
  size_t pos = 2;
  int64_t t = 0;
  uint64_t seq = 1000;
  uint32_t ts = 0;
  if (size < 2) return 0;
  memset(&z, 0, sizeof z);
  memset(&p, 0, sizeof p);
  p.header_only = data[0] & 1;
  p.reorder_wait_us = (data[0] >> 1) * 10000;
  rup__video_init(&v, 2 + (data[1] % 3), &p);
  while (pos + 6 <= size) {
    const uint8_t *r = data + pos;
    size_t len = r[5] % 32;
    rup_rtp rtp;
    rup_media_pkt m;
    pos += 6;
    if (len > size - pos) len = size - pos;
    t += (int64_t)r[0] * (r[1] & 0x80 ? 100000 : 1000);
    seq += (uint64_t)(int8_t)r[2];
    ts += (uint32_t)(int8_t)r[3] * 1500u + (r[1] & 0x40 ? 0x7fffffffu : 0);
    if (r[1] & 0x20) {
      int64_t d = rup__video_deadline(&v);
      rup__video_advance(&v, t, &sink);
      if (rup__video_deadline(&v) <= t && d != INT64_MAX) abort();
    }
    memset(&rtp, 0, sizeof rtp);
    rtp.marker = r[4] & 1;
    rtp.seq = (uint16_t)seq;
    rtp.ts = ts;
    rtp.payload = data + pos;
    rtp.payload_len = len;
    m.rtp = &rtp;
    m.rx_flags = (r[4] >> 1) & 0x7f;
    m.ext_seq = seq;
    m.arrival_us = t - (r[1] & 0x10 ? 5000 : 0);
    rup__video_packet(&v, &m, &sink);
    pos += len;
    if (v.open_frames > RUP_VIDEO_MAX_FRAMES) abort();
    if (v.st.frames_decoded + v.st.frames_dropped + v.open_frames != v.st.frames_received) abort();
    if (rup__video_deadline(&v) < v.clock_us) abort();
  }
  rup__video_finish(&v, t, &sink);
  if (v.st.frames_decoded + v.st.frames_dropped != v.st.frames_received) abort();
  if (z.open[1] || z.open[2] || z.open[3]) abort();
  return 0;
}
