/* Codec dispatch and the discovery plausibility score. */
#include "payload/payload.h"

int rup__video_parse(int codec, const uint8_t *p, size_t len, rup_video_info *out) {
  switch (codec) {
  case RUP_CODEC_VP8: return rup__vp8_parse(p, len, out);
  case RUP_CODEC_VP9: return rup__vp9_parse(p, len, out);
  case RUP_CODEC_H264: return rup__h264_parse(p, len, out);
  default:
    if (out) memset(out, 0, sizeof *out);
    return RUP_ERR_UNSUPPORTED;
  }
}

/* Scores: 0 = cannot be this codec, 1 = parses but says little, 2 = typical,
 * 3 = carries a signature (VP8 key-frame start code, VP9 SS or frame marker
 * with a key frame, H.264 parameter sets / IDR).
 *
 * Limits (why discovery must combine packets and timestamps):
 * - Opus: any 1..1276-byte payload whose TOC has c = 0 parses, so roughly half
 *   of all random payloads are "valid Opus"; only the frame-size pattern helps.
 * - VP8 and VP9 descriptors overlap: a 1-byte 0x10 VP8 descriptor is also a
 *   VP9 descriptor with F = 1, and many VP9 descriptors read as VP8 ones.
 * - H.264: the NAL header has only 5 checkable bits; continuation FU-A packets
 *   carry no other signature.
 * None of this is proof; a caller should see consistent scores over several
 * packets and a 90 kHz / 48 kHz timestamp step before deciding. */

static int opus_plausible(const uint8_t *p, size_t len) {
  rup_opus_info o;
  if (rup__opus_parse(p, len, &o) != 0) return 0;
  /* WebRTC sends 20 ms single frames (RFC 7587 §4.2 ptime 20 default); DTX
   * packets are 1-2 bytes. */
  if (o.code == 0 && o.frame_us == 20000) return 2;
  return 1;
}

static int vp8_plausible(const uint8_t *p, size_t len) {
  rup_video_info v;
  const uint8_t *h;
  if (rup__vp8_parse(p, len, &v) != 0) return 0;
  if (p[0] & 0x48) return 0;                     /* RFC 7741 §4.2: R bits are sent as 0 */
  if ((p[0] & 0x80) && (p[1] & 0x0F)) return 0;  /* RSV bits of the extension byte are 0 */
  if (!v.frame_start) return 1;
  h = p + v.header_len;
  if (v.keyframe) return (v.width && v.height) ? 3 : 1; /* start code verified by the parser */
  /* RFC 6386 §9.1 frame tag: version (bits 1-3) is 0..3 for known profiles */
  if (((h[0] >> 1) & 7) > 3) return 0;
  return 2;
}

static int vp9_plausible(const uint8_t *p, size_t len) {
  rup_video_info v;
  const uint8_t *h;
  if (rup__vp9_parse(p, len, &v) != 0) return 0;
  h = p + v.header_len;
  if (p[0] & 0x08) {                             /* B: a layer frame starts here */
    /* VP9 bitstream §6.2 uncompressed_header: frame_marker (2 bits) = 2. */
    if ((h[0] >> 6) != 2) return 0;
    if (v.has_ss && v.keyframe) return 3;
    return 2;
  }
  return 1;
}

static int h264_plausible(const uint8_t *p, size_t len) {
  rup_video_info v;
  if (len < 1 || (p[0] & 0x80)) return 0;        /* RFC 6184 §5.3: F (forbidden_zero_bit) is 0 */
  if (rup__h264_parse(p, len, &v) != 0) return 0; /* also drops types 0, 25-27, 29-31 */
  if (v.has_sps || v.has_pps || v.keyframe) return 3;
  switch (v.first_nal_type) {
  case 1: case 6: case 9: return 2;              /* non-IDR slice, SEI, AUD */
  default: return 1;
  }
}

int rup__payload_plausible(int codec, const uint8_t *p, size_t len) {
  if (!p || len == 0) return 0;
  switch (codec) {
  case RUP_CODEC_OPUS: return opus_plausible(p, len);
  case RUP_CODEC_VP8: return vp8_plausible(p, len);
  case RUP_CODEC_VP9: return vp9_plausible(p, len);
  case RUP_CODEC_H264: return h264_plausible(p, len);
  default: return 0;
  }
}
