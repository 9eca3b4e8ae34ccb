/* Fuzz target for lib/payload. The first byte selects the codec (low 2 bits:
 * Opus, VP8, VP9, H.264); the rest is the RTP payload. Every parser and the
 * plausibility score run on an exact-size copy, and the results are checked
 * for invariants (abort() on violation): header inside the payload, Opus frame
 * counts and durations within RFC 6716 limits, deterministic results. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payload/payload.h"

static void check_opus(const uint8_t *p, size_t n) {
  rup_opus_info o, o2;
  int rv = rup__opus_parse(p, n, &o);
  if (rv != 0) {
    if (rv != RUP_ERR_MALFORMED) abort();
    if (rup__payload_plausible(RUP_CODEC_OPUS, p, n) != 0) abort();
    return;
  }
  if (n == 0) abort();
  if (o.frame_count < 1 || o.frame_count > 48) abort();
  if (o.frame_us < 2500 || o.frame_us > 60000) abort();
  if (o.duration_us != o.frame_us * o.frame_count || o.duration_us > 120000) abort();
  if (o.samples_48k != o.duration_us * 48 / 1000) abort();
  if (o.config > 31 || o.mode > RUP_OPUS_CELT || o.bandwidth > RUP_OPUS_FB) abort();
  if (o.frame_bytes > n || (size_t)o.padding > n) abort();
  if (o.dtx != (n <= 2 || o.frame_bytes == 0)) abort();
  if (rup__payload_plausible(RUP_CODEC_OPUS, p, n) < 1) abort();
  if (rup__opus_parse(p, n, &o2) != 0 || memcmp(&o, &o2, sizeof o) != 0) abort();
}

static void check_video(int codec, const uint8_t *p, size_t n) {
  rup_video_info v, v2;
  int rv = rup__video_parse(codec, p, n, &v);
  int score = rup__payload_plausible(codec, p, n);
  if (score < 0 || score > 3) abort();
  if (rv != 0) {
    if (rv != RUP_ERR_MALFORMED && rv != RUP_ERR_UNSUPPORTED) abort();
    if (rv == RUP_ERR_UNSUPPORTED && codec != RUP_CODEC_H264) abort();
    if (score != 0) abort();
    return;
  }
  if (n == 0 || v.header_len > n) abort();
  /* VP8/VP9: at least one byte of bitstream follows the descriptor (an H.264
   * FU-A fragment may be empty) */
  if (codec != RUP_CODEC_H264 && v.header_len >= n) abort();
  if (v.num_refs > 3) abort();
  if (v.has_picture_id && v.picture_id > 0x7FFF) abort();
  if (v.keyframe && !v.keyframe_known) abort();
  if (codec == RUP_CODEC_VP8 && (v.width > 0x3FFF || v.height > 0x3FFF)) abort();
  if (codec != RUP_CODEC_VP9 && (v.has_ss || v.num_refs)) abort();
  if (codec == RUP_CODEC_VP9 && (v.temporal_id > 7 || v.spatial_id > 7 || v.ss_spatial_layers > 8)) abort();
  if (codec == RUP_CODEC_H264 && (v.header_len > 2 || v.has_picture_id || v.width)) abort();
  if (rup__video_parse(codec, p, n, &v2) != 0 || memcmp(&v, &v2, sizeof v) != 0) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const int codecs[4] = {RUP_CODEC_OPUS, RUP_CODEC_VP8, RUP_CODEC_VP9, RUP_CODEC_H264};
  uint8_t *p;
  size_t n;
  int codec;
  if (size < 1) return 0;
  codec = codecs[data[0] & 3];
  n = size - 1;
  p = malloc(n ? n : 1);                         /* exact-size copy: overreads are caught */
  if (!p) return 0;
  if (n) memcpy(p, data + 1, n);
  if (codec == RUP_CODEC_OPUS) {
    check_opus(p, n);
    /* Opus is no video codec for the dispatcher */
    {
      rup_video_info v;
      if (rup__video_parse(RUP_CODEC_OPUS, p, n, &v) != RUP_ERR_UNSUPPORTED) abort();
    }
  } else {
    check_video(codec, p, n);
  }
  /* bit 2 of the selector: also run every other parser on the same bytes */
  if (data[0] & 4) {
    check_opus(p, n);
    check_video(RUP_CODEC_VP8, p, n);
    check_video(RUP_CODEC_VP9, p, n);
    check_video(RUP_CODEC_H264, p, n);
  }
  free(p);
  return 0;
}
