/* H.264 RTP payload (RFC 6184 §5.2-5.8), non-interleaved mode: single NAL unit
 * packets (types 1-23), STAP-A (24) and FU-A (28). The interleaved-mode types
 * STAP-B (25), MTAP16 (26), MTAP24 (27) and FU-B (29), which WebRTC never
 * negotiates (packetization-mode 0/1 only), return RUP_ERR_UNSUPPORTED, as do
 * the reserved types 0, 30 and 31 (RFC 6184 §5.2 Table 1). */
#include "payload/payload.h"

enum {
  NAL_SLICE = 1, NAL_DPA = 2, NAL_DPC = 4, NAL_IDR = 5, NAL_SEI = 6, NAL_SPS = 7, NAL_PPS = 8,
  NAL_AUD = 9, NAL_PREFIX = 14, NAL_RSV18 = 18, NAL_STAP_A = 24, NAL_STAP_B = 25,
  NAL_MTAP16 = 26, NAL_MTAP24 = 27, NAL_FU_A = 28, NAL_FU_B = 29
};

/* Bounded bit reader over an RBSP that skips emulation prevention bytes
 * (H.264 §7.4.1: 0x000003 -> 0x0000). Reads past the end fail, never read. */
typedef struct bitrd {
  const uint8_t *p;
  size_t len, pos; /* byte position */
  unsigned bit;    /* next bit in p[pos], 7 = MSB */
  unsigned zeros;  /* consecutive 0x00 bytes just consumed */
} bitrd;

static void br_init(bitrd *b, const uint8_t *p, size_t len) {
  b->p = p;
  b->len = len;
  b->pos = 0;
  b->bit = 7;
  b->zeros = 0;
}

/* One bit, or -1 at the end. */
static int br_bit(bitrd *b) {
  int v;
  if (b->bit == 7) {                 /* entering a new byte: drop an emulation prevention byte */
    if (b->zeros >= 2 && b->pos < b->len && b->p[b->pos] == 0x03) {
      b->pos++;
      b->zeros = 0;
    }
  }
  if (b->pos >= b->len) return -1;
  v = (b->p[b->pos] >> b->bit) & 1;
  if (b->bit == 0) {
    b->zeros = b->p[b->pos] == 0 ? b->zeros + 1 : 0;
    b->pos++;
    b->bit = 7;
  } else {
    b->bit--;
  }
  return v;
}

/* H.264 §9.1 Exp-Golomb ue(v); returns 0 and *val, or -1 if truncated or longer
 * than 32 leading zeros (not a valid 32-bit value). */
static int br_ue(bitrd *b, uint32_t *val) {
  unsigned lz = 0, i;
  uint64_t suffix = 0;
  int bit;
  while ((bit = br_bit(b)) == 0)
    if (++lz > 31) return -1;
  if (bit < 0) return -1;
  for (i = 0; i < lz; i++) {
    bit = br_bit(b);
    if (bit < 0) return -1;
    suffix = (suffix << 1) | (unsigned)bit;
  }
  *val = (uint32_t)(((uint64_t)1 << lz) - 1 + suffix);
  return 0;
}

static int is_slice_with_first_mb(unsigned t) {
  /* H.264 §7.3.3: slice_header() starts with first_mb_in_slice; it is used by
   * coded slices (1, 5) and slice data partition A (2). */
  return t == NAL_SLICE || t == NAL_DPA || t == NAL_IDR;
}

/* Whether a NAL unit of type t, whose RBSP (after the 1-byte header) is
 * rbsp[0..n), starts an access unit (H.264 §7.4.1.2.3): an AUD, SPS, PPS, SEI
 * or type 14..18 NAL does; a slice does when first_mb_in_slice == 0 (libwebrtc
 * and RFC 6184 §5.1 rely on the same rule). Returns 0/1, or -1 when a slice
 * header is truncated. */
static int starts_access_unit(unsigned t, const uint8_t *rbsp, size_t n) {
  if (is_slice_with_first_mb(t)) {
    bitrd b;
    uint32_t first_mb;
    br_init(&b, rbsp, n);
    if (br_ue(&b, &first_mb) < 0) return -1;
    return first_mb == 0;
  }
  return t == NAL_AUD || t == NAL_SPS || t == NAL_PPS || t == NAL_SEI ||
         (t >= NAL_PREFIX && t <= NAL_RSV18);
}

/* Records what one complete NAL unit tells about the frame. */
static void note_nal(rup_video_info *v, unsigned t) {
  if (t == NAL_IDR) v->keyframe = 1;             /* REFERENCE §7.4: IDR slice = key frame */
  if (t >= NAL_SLICE && t <= NAL_IDR) v->keyframe_known = 1; /* a coded slice tells IDR or not */
  if (t == NAL_SPS) v->has_sps = 1;
  if (t == NAL_PPS) v->has_pps = 1;
}

static int unsupported_type(unsigned t) {
  return t == 0 || t == NAL_STAP_B || t == NAL_MTAP16 || t == NAL_MTAP24 || t == NAL_FU_B || t >= 30;
}

int rup__h264_parse(const uint8_t *p, size_t len, rup_video_info *out) {
  rup_video_info v;
  unsigned type;
  int st;
  memset(&v, 0, sizeof v);
  if (out) memset(out, 0, sizeof *out);
  if (!p || !out) return RUP_ERR_INVALID_ARGUMENT;
  if (len < 1) return RUP_ERR_MALFORMED;

  type = p[0] & 0x1F;                            /* RFC 6184 §5.3: F(1) NRI(2) Type(5) */
  v.nal_type = (uint8_t)type;
  /* NRI = 0: not used to reconstruct reference pictures (RFC 6184 §5.3). For
   * STAP-A it is the maximum over the aggregated units (§5.7.1), for FU-A the
   * fragmented unit's own NRI (§5.8). */
  v.non_reference = (uint8_t)((p[0] & 0x60) == 0);

  if (unsupported_type(type)) return RUP_ERR_UNSUPPORTED;

  if (type == NAL_STAP_A) {                      /* RFC 6184 §5.7.1: header, then (size16, NAL)+ */
    size_t pos = 1;
    int first = 1;
    v.header_len = 1;
    if (len < 1 + 2 + 1) return RUP_ERR_MALFORMED; /* at least one unit of at least one byte */
    while (pos < len) {
      size_t sz;
      unsigned t;
      if (len - pos < 2) return RUP_ERR_MALFORMED; /* a trailing byte cannot be a size */
      sz = rup__rd16(p + pos);
      pos += 2;
      if (sz == 0 || sz > len - pos) return RUP_ERR_MALFORMED;
      t = p[pos] & 0x1F;
      /* §5.7: aggregation packets carry plain NAL units only (no nesting, no FU) */
      if (t == 0 || t >= NAL_STAP_A) return RUP_ERR_MALFORMED;
      if (first) {
        v.first_nal_type = (uint8_t)t;
        st = starts_access_unit(t, p + pos + 1, sz - 1);
        if (st < 0) return RUP_ERR_MALFORMED;
        v.frame_start = (uint8_t)st;
        first = 0;
      } else if (is_slice_with_first_mb(t)) {
        uint32_t mb;
        bitrd b;
        br_init(&b, p + pos + 1, sz - 1);
        if (br_ue(&b, &mb) < 0) return RUP_ERR_MALFORMED; /* truncated slice header */
      }
      note_nal(&v, t);
      pos += sz;
    }
    v.frame_end = 1;                             /* every unit is complete; the marker ends the AU */
  } else if (type == NAL_FU_A) {                 /* RFC 6184 §5.8: indicator, FU header S E R Type(5) */
    unsigned s, e, t;
    if (len < 2) return RUP_ERR_MALFORMED;
    s = p[1] >> 7;
    e = (p[1] >> 6) & 1;
    t = p[1] & 0x1F;
    v.header_len = 2;
    /* §5.8: a NAL unit is never sent in one FU (S and E both set), and FUs do not
     * carry aggregation packets or other FUs. */
    if (s && e) return RUP_ERR_MALFORMED;
    if (t == 0 || t >= NAL_STAP_A) return RUP_ERR_MALFORMED;
    v.first_nal_type = (uint8_t)t;
    if (t == NAL_IDR) v.keyframe = 1;            /* libwebrtc ParseFuaNalu: original type 5 */
    if (t >= NAL_SLICE && t <= NAL_IDR) v.keyframe_known = 1; /* every fragment names its type */
    if (t == NAL_SPS) v.has_sps = 1;
    if (t == NAL_PPS) v.has_pps = 1;
    if (s) {
      st = starts_access_unit(t, p + 2, len - 2);
      if (st < 0) return RUP_ERR_MALFORMED;      /* a first fragment must hold the slice header start */
      v.frame_start = (uint8_t)st;
    }
    v.frame_end = (uint8_t)e;                    /* E: last fragment of the NAL unit */
  } else {                                       /* RFC 6184 §5.6: single NAL unit packet, types 1-23 */
    v.first_nal_type = (uint8_t)type;
    st = starts_access_unit(type, p + 1, len - 1);
    if (st < 0) return RUP_ERR_MALFORMED;        /* slice NAL without its first_mb_in_slice */
    v.frame_start = (uint8_t)st;
    note_nal(&v, type);
    v.frame_end = 1;
  }
  if (!v.keyframe_known) v.keyframe = 0;
  memcpy(out, &v, sizeof v); /* padding included: results compare bytewise */
  return 0;
}
