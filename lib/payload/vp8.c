/* VP8 RTP payload descriptor (RFC 7741 §4.2) and payload header (RFC 7741 §4.3,
 * RFC 6386 §9.1). Same acceptance as libwebrtc video_rtp_depacketizer_vp8.cc
 * ParseRtpPayload, plus the key-frame start code check of RFC 6386 §9.1. */
#include "payload/payload.h"

int rup__vp8_parse(const uint8_t *p, size_t len, rup_video_info *out) {
  rup_video_info v;
  size_t pos = 1;
  memset(&v, 0, sizeof v);
  if (out) memset(out, 0, sizeof *out);
  if (!p || !out) return RUP_ERR_INVALID_ARGUMENT;
  if (len < 1) return RUP_ERR_MALFORMED;

  /* RFC 7741 §4.2 byte 0: X R N S R PID(3). The R bits are ignored by receivers. */
  v.non_reference = (uint8_t)((p[0] >> 5) & 1);  /* N: non-reference frame */
  v.partition_id = (uint8_t)(p[0] & 0x07);
  /* RFC 7741 §4.2: S = 1 and PID = 0 marks the first packet of a frame. */
  v.frame_start = (uint8_t)((p[0] & 0x10) && v.partition_id == 0);

  if (p[0] & 0x80) {                             /* X: extension byte I L T K RSV(4) */
    uint8_t x;
    if (pos >= len) return RUP_ERR_MALFORMED;
    x = p[pos++];
    if (x & 0x80) {                              /* I: M | PictureID (7 or 15 bits) */
      if (pos >= len) return RUP_ERR_MALFORMED;
      v.has_picture_id = 1;
      if (p[pos] & 0x80) {                       /* M = 1: 15-bit PictureID */
        if (pos + 1 >= len) return RUP_ERR_MALFORMED;
        v.picture_id = (uint16_t)(((p[pos] & 0x7F) << 8) | p[pos + 1]);
        pos += 2;
      } else {
        v.picture_id = (uint16_t)(p[pos] & 0x7F);
        pos += 1;
      }
    }
    if (x & 0x40) {                              /* L: TL0PICIDX */
      if (pos >= len) return RUP_ERR_MALFORMED;
      v.has_tl0picidx = 1;
      v.tl0picidx = p[pos++];
    }
    if (x & 0x30) {                              /* T or K: TID(2) Y(1) KEYIDX(5) */
      if (pos >= len) return RUP_ERR_MALFORMED;
      if (x & 0x20) {                            /* TID and Y are valid only when T = 1 */
        v.has_layers = 1;
        v.temporal_id = (uint8_t)(p[pos] >> 6);
        v.layer_sync = (uint8_t)((p[pos] >> 5) & 1);
      }
      pos++;
    }
  }
  /* The descriptor must be followed by at least one byte of VP8 data
   * (libwebrtc rejects an empty remainder). */
  if (pos >= len) return RUP_ERR_MALFORMED;
  v.header_len = pos;

  if (v.frame_start) {
    /* RFC 7741 §4.3 / RFC 6386 §9.1: the first packet of a frame starts with the
     * 3-byte frame tag; bit 0 of its first byte is P (0 = key frame). */
    const uint8_t *h = p + pos;
    size_t n = len - pos;
    v.keyframe_known = 1;
    if ((h[0] & 0x01) == 0) {
      v.keyframe = 1;
      /* RFC 6386 §9.1: a key frame has 7 more bytes: start code 9d 01 2a, then
       * LE16 width and LE16 height, each with a 2-bit scale on top (& 0x3FFF). */
      if (n < 10) return RUP_ERR_MALFORMED;
      if (h[3] != 0x9d || h[4] != 0x01 || h[5] != 0x2a) return RUP_ERR_MALFORMED;
      v.width = (uint16_t)(rup__rd16le(h + 6) & 0x3FFF);
      v.height = (uint16_t)(rup__rd16le(h + 8) & 0x3FFF);
    }
  }
  /* frame_end stays 0: VP8 has no end-of-frame flag; the RTP marker ends a frame
   * (RFC 7741 §4.1). */
  memcpy(out, &v, sizeof v); /* padding included: results compare bytewise */
  return 0;
}
