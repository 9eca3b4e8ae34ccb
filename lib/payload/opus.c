/* Opus packet inspection: TOC byte and frame packing (RFC 6716 §3.1-3.4).
 * Only the framing is checked, never the coded frames themselves. The
 * malformed-packet rules are RFC 6716 §3.4 [R1]-[R7]; libopus applies the
 * same ones in src/opus.c opus_packet_parse_impl(). */
#include "payload/payload.h"

#define OPUS_MAX_FRAME_BYTES 1275u /* RFC 6716 §3.4 [R2] */
#define OPUS_MAX_PACKET_US 120000u /* RFC 6716 §3.2.5 [R5]: at most 120 ms of audio */

/* RFC 6716 §3.1 Table 2: config -> mode, bandwidth, frame size.
 * (libopus opus_decoder.c opus_packet_get_samples_per_frame computes the same.) */
static void opus_config(unsigned config, rup_opus_info *o) {
  static const uint32_t silk_us[4] = {10000, 20000, 40000, 60000};
  static const uint32_t celt_us[4] = {2500, 5000, 10000, 20000};
  if (config < 12) {                       /* 0..11: SILK-only NB / MB / WB */
    o->mode = RUP_OPUS_SILK;
    o->bandwidth = (uint8_t)(RUP_OPUS_NB + config / 4);
    o->frame_us = silk_us[config & 3];
  } else if (config < 16) {                /* 12..13 Hybrid SWB, 14..15 Hybrid FB: 10/20 ms */
    o->mode = RUP_OPUS_HYBRID;
    o->bandwidth = config < 14 ? RUP_OPUS_SWB : RUP_OPUS_FB;
    o->frame_us = (config & 1) ? 20000 : 10000;
  } else {                                 /* 16..31: CELT-only NB, WB, SWB, FB (no MB) */
    static const uint8_t celt_bw[4] = {RUP_OPUS_NB, RUP_OPUS_WB, RUP_OPUS_SWB, RUP_OPUS_FB};
    o->mode = RUP_OPUS_CELT;
    o->bandwidth = celt_bw[(config - 16) / 4];
    o->frame_us = celt_us[config & 3];
  }
}

/* RFC 6716 §3.2.1: a frame length is one byte (0..251) or two bytes
 * (252..255 then b2: len = 4*b2 + b1). Returns bytes used, 0 if truncated. */
static size_t opus_frame_len(const uint8_t *p, size_t n, size_t *len) {
  if (n < 1) return 0;
  if (p[0] < 252) {
    *len = p[0];
    return 1;
  }
  if (n < 2) return 0;
  *len = (size_t)p[1] * 4 + p[0];
  return 2;
}

int rup__opus_parse(const uint8_t *p, size_t len, rup_opus_info *out) {
  rup_opus_info o;
  size_t pos, rest, total = 0;
  memset(&o, 0, sizeof o);
  if (out) memset(out, 0, sizeof *out);
  if (!p || !out) return RUP_ERR_INVALID_ARGUMENT;
  if (len < 1) return RUP_ERR_MALFORMED;   /* RFC 6716 §3.4 [R1]: at least one byte (the TOC) */

  o.config = (uint8_t)(p[0] >> 3);         /* RFC 6716 §3.1: config(5) s(1) c(2) */
  o.stereo = (uint8_t)((p[0] >> 2) & 1);
  o.code = (uint8_t)(p[0] & 3);
  opus_config(o.config, &o);
  pos = 1;
  rest = len - 1;

  switch (o.code) {
  case 0:                                  /* §3.2.2: one frame, the rest of the packet */
    o.frame_count = 1;
    if (rest > OPUS_MAX_FRAME_BYTES) return RUP_ERR_MALFORMED; /* [R2] */
    total = rest;
    break;
  case 1:                                  /* §3.2.3: two frames of equal size */
    o.frame_count = 2;
    if (rest & 1) return RUP_ERR_MALFORMED;                    /* [R3]: (N-1) even */
    if (rest / 2 > OPUS_MAX_FRAME_BYTES) return RUP_ERR_MALFORMED; /* [R3] */
    total = rest;
    break;
  case 2: {                                /* §3.2.4: two frames, first length coded */
    size_t l1, used;
    o.frame_count = 2;
    o.vbr = 1;
    used = opus_frame_len(p + pos, rest, &l1);
    if (used == 0) return RUP_ERR_MALFORMED;                   /* [R4]: length must fit */
    rest -= used;
    if (l1 > rest) return RUP_ERR_MALFORMED;                   /* [R4] */
    if (rest - l1 > OPUS_MAX_FRAME_BYTES) return RUP_ERR_MALFORMED; /* [R4]/[R2]: second frame */
    total = rest;
    break;
  }
  default: {                               /* §3.2.5: code 3, frame count byte v|p|M */
    uint8_t fc;
    unsigned m, i;
    if (rest < 1) return RUP_ERR_MALFORMED;                    /* [R6]/[R7]: at least 2 bytes */
    fc = p[pos++];
    rest--;
    m = fc & 0x3F;
    o.vbr = (uint8_t)(fc >> 7);
    if (m == 0) return RUP_ERR_MALFORMED;                      /* [R5]: M != 0 */
    if ((uint32_t)m * o.frame_us > OPUS_MAX_PACKET_US) return RUP_ERR_MALFORMED; /* [R5] */
    o.frame_count = (uint8_t)m;
    if (fc & 0x40) {                       /* padding: each 255 adds 254 and continues */
      uint8_t b;
      size_t pad = 0;
      do {
        if (rest < 1) return RUP_ERR_MALFORMED;                /* [R6]/[R7]: padding fits */
        b = p[pos++];
        rest--;
        pad += b == 255 ? 254 : b;
      } while (b == 255);
      if (pad > rest) return RUP_ERR_MALFORMED;                /* [R6]/[R7] */
      rest -= pad;                         /* padding sits at the end of the packet */
      o.padding = (uint16_t)(pad > UINT16_MAX ? UINT16_MAX : pad);
    }
    if (!o.vbr) {                          /* CBR: R = M * frame length */
      if (rest % m) return RUP_ERR_MALFORMED;                  /* [R6]: non-negative multiple of M */
      if (rest / m > OPUS_MAX_FRAME_BYTES) return RUP_ERR_MALFORMED; /* [R6] */
      total = rest;
    } else {                               /* VBR: M-1 coded lengths, last is the remainder */
      size_t sum = 0;                      /* rest: bytes not yet claimed by a length or a frame */
      for (i = 0; i + 1 < m; i++) {
        size_t l, used = opus_frame_len(p + pos, rest, &l);
        if (used == 0) return RUP_ERR_MALFORMED;               /* [R7] */
        pos += used;
        rest -= used;
        if (l > rest) return RUP_ERR_MALFORMED;                /* [R7]: lengths fit */
        rest -= l;
        sum += l;
      }
      if (rest > OPUS_MAX_FRAME_BYTES) return RUP_ERR_MALFORMED; /* [R7]/[R2]: last frame */
      total = sum + rest;
    }
    break;
  }
  }

  o.duration_us = o.frame_us * o.frame_count;
  o.samples_48k = o.duration_us * 48u / 1000u; /* RFC 7587 §4.1: 48 kHz RTP clock */
  o.frame_bytes = (uint16_t)(total > UINT16_MAX ? UINT16_MAX : total);
  /* REFERENCE §7.1: a payload of <= 2 bytes is a DTX frame (libopus emits a
   * TOC-only packet, libwebrtc sends the first one). A packet whose frames are
   * all empty (e.g. code 1 or code 3 CBR with zero-length frames) carries no
   * audio either: RFC 6716 §3.2.1 says a 0-byte frame means DTX or loss. */
  o.dtx = (uint8_t)(len <= 2 || total == 0);
  memcpy(out, &o, sizeof o); /* padding included: results compare bytewise */
  return 0;
}
