/* VP9 RTP payload descriptor (RFC 9628 §4.2) with its scalability structure
 * (RFC 9628 §4.2.1). Acceptance follows libwebrtc
 * video_rtp_depacketizer_vp9.cc ParseRtpPayload: every optional field must fit,
 * at most 3 P_DIFF, a PictureID is needed for P_DIFF, and at least one byte of
 * VP9 data must follow the descriptor. */
#include "payload/payload.h"

#define VP9_MAX_REFS 3 /* RFC 9628 §4.2: up to 3 reference indices (libwebrtc kMaxVp9RefPics) */

int rup__vp9_parse(const uint8_t *p, size_t len, rup_video_info *out) {
  rup_video_info v;
  size_t pos = 1;
  uint8_t b0, i_bit, p_bit, l_bit, f_bit, b_bit, e_bit, v_bit;
  memset(&v, 0, sizeof v);
  if (out) memset(out, 0, sizeof *out);
  if (!p || !out) return RUP_ERR_INVALID_ARGUMENT;
  if (len < 1) return RUP_ERR_MALFORMED;

  b0 = p[0];                                     /* RFC 9628 §4.2: I P L F B E V Z */
  i_bit = (uint8_t)(b0 >> 7);
  p_bit = (uint8_t)((b0 >> 6) & 1);
  l_bit = (uint8_t)((b0 >> 5) & 1);
  f_bit = (uint8_t)((b0 >> 4) & 1);
  b_bit = (uint8_t)((b0 >> 3) & 1);
  e_bit = (uint8_t)((b0 >> 2) & 1);
  v_bit = (uint8_t)((b0 >> 1) & 1);
  v.vp9_z = (uint8_t)(b0 & 1);
  v.flexible = f_bit;
  v.has_ss = v_bit;

  if (i_bit) {                                   /* I: M | PictureID (7 or 15 bits) */
    if (pos >= len) return RUP_ERR_MALFORMED;
    v.has_picture_id = 1;
    if (p[pos] & 0x80) {
      if (pos + 1 >= len) return RUP_ERR_MALFORMED;
      v.picture_id = (uint16_t)(((p[pos] & 0x7F) << 8) | p[pos + 1]);
      pos += 2;
    } else {
      v.picture_id = (uint16_t)(p[pos] & 0x7F);
      pos += 1;
    }
  }
  if (l_bit) {                                   /* L: TID(3) U SID(3) D [+ TL0PICIDX if F = 0] */
    if (pos >= len) return RUP_ERR_MALFORMED;
    v.has_layers = 1;
    v.temporal_id = (uint8_t)(p[pos] >> 5);
    v.layer_sync = (uint8_t)((p[pos] >> 4) & 1);
    v.spatial_id = (uint8_t)((p[pos] >> 1) & 7);
    v.inter_layer = (uint8_t)(p[pos] & 1);
    pos++;
    if (!f_bit) {                                /* non-flexible mode carries TL0PICIDX */
      if (pos >= len) return RUP_ERR_MALFORMED;
      v.has_tl0picidx = 1;
      v.tl0picidx = p[pos++];
    }
  }
  if (p_bit && f_bit) {                          /* flexible mode: P_DIFF(7) N, up to 3 times */
    uint8_t more;
    if (!i_bit) return RUP_ERR_MALFORMED;        /* libwebrtc ParseRefIndices: P_DIFF needs a PictureID */
    do {
      if (v.num_refs == VP9_MAX_REFS) return RUP_ERR_MALFORMED;
      if (pos >= len) return RUP_ERR_MALFORMED;
      v.p_diff[v.num_refs++] = (uint8_t)(p[pos] >> 1);
      more = (uint8_t)(p[pos] & 1);
      pos++;
    } while (more);
  }
  if (v_bit) {                                   /* SS: N_S(3) Y G - - -, [WIDTH HEIGHT]*(N_S+1), [N_G, pictures] */
    unsigned ns, y, g, k;
    if (pos >= len) return RUP_ERR_MALFORMED;
    ns = (unsigned)(p[pos] >> 5) + 1;
    y = (p[pos] >> 4) & 1;
    g = (p[pos] >> 3) & 1;
    pos++;
    v.ss_spatial_layers = (uint8_t)ns;
    if (y) {
      /* Resolution reported: the layer this packet belongs to (SID), layer 0
       * without layer indices, as libwebrtc does (width[0]) for one layer. */
      unsigned want = v.has_layers ? v.spatial_id : 0;
      if (len - pos < 4u * ns) return RUP_ERR_MALFORMED;
      for (k = 0; k < ns; k++) {
        if (k == want) {
          v.width = rup__rd16(p + pos);
          v.height = rup__rd16(p + pos + 2);
        }
        pos += 4;
      }
    }
    if (g) {
      unsigned ng;
      if (pos >= len) return RUP_ERR_MALFORMED;
      ng = p[pos++];
      v.ss_pictures = (uint8_t)ng;
      for (k = 0; k < ng; k++) {                 /* T(3) U R(2) - -, then R P_DIFF bytes */
        unsigned r;
        if (pos >= len) return RUP_ERR_MALFORMED;
        r = (p[pos] >> 2) & 3;
        pos++;
        if (len - pos < r) return RUP_ERR_MALFORMED;
        pos += r;
      }
    }
  }
  if (pos >= len) return RUP_ERR_MALFORMED;      /* libwebrtc: no VP9 data after the descriptor */
  v.header_len = pos;

  /* libwebrtc: first packet of a frame = B && (!L || !D): the start of a layer
   * frame that does not depend on a lower layer of the same picture, i.e. the
   * start of the picture for the usual spatial layering. */
  v.frame_start = (uint8_t)(b_bit && (!l_bit || !v.inter_layer));
  v.frame_end = e_bit;                           /* E: end of a layer frame; the RTP marker ends the picture */
  /* Key frame: P = 0 (no inter-picture prediction) on the base spatial layer
   * (REFERENCE §7.3; libwebrtc uses P alone). P is in every packet, so every
   * packet can tell; an upper spatial layer of a key picture reports 0. */
  v.keyframe = (uint8_t)(!p_bit && (!l_bit || v.spatial_id == 0));
  v.keyframe_known = 1;
  memcpy(out, &v, sizeof v); /* padding included: results compare bytewise */
  return 0;
}
