/* Stream discovery for replay: which codec, payload type and RTP clock each
 * (SSRC, direction) uses, and which way it flows.
 *
 * Sources, in order of trust:
 *  1. SDP seen in SIP over UDP: an m= section whose a=ssrc names the SSRC, else whose
 *     connection address:port is the packet's destination, else its source (an SDP
 *     describes what its author receives, and with symmetric RTP also what it sends).
 *  2. The RFC 3551 static payload-type table (PT < 96).
 *  3. For other PTs, the payload structure and the clock slope:
 *     - the clock is the slope of RTP timestamp vs capture time, snapped to 8000,
 *       16000, 48000 or 90000 Hz when within a factor 1.25, once >= 0.5 s and >= 5
 *       packets have been seen (it keeps trying until RUP__DISC_GIVE_UP packets);
 *     - the codec comes from the first RUP__DISC_OBSERVE non-empty payloads: each is
 *       checked against the VP8, VP9, H.264 and Opus payload formats, with frame
 *       boundary rules (a new RTP timestamp starts a frame: VP8 S=1 and PID=0, VP9
 *       B=1, H.264 FU-A S=1; the marker closes a VP9 frame, E=1; Opus packets never
 *       share a timestamp and advance it by a multiple of their duration). A codec is
 *       chosen when its payloads fail at most once (a lost first packet of a frame),
 *       no other codec of the same media does as well, and the media agrees with the
 *       clock: 90000 → VP8/VP9/H.264, 48000 → Opus. Otherwise the stream is described
 *       with RUP_CODEC_UNKNOWN and the clock.
 *     This is a heuristic: the descriptors are small and many byte values are valid
 *     for several formats (an Opus TOC byte fits any value; a VP8 packet without the X
 *     bit and with one packet per frame is also a valid H.264 NAL header), so it
 *     only decides when the evidence is unambiguous. RTX, FEC and RED payloads are
 *     left as RUP_CODEC_UNKNOWN with their clock. Streams that end before 0.5 s are
 *     not described here (the session infers what it can).
 * Comfort noise (PT 13 / SDP "CN") and telephone-event packets never describe a
 * stream: they share the SSRC of the audio they belong to (RFC 3389, RFC 4733). */
#include "payload/payload.h"
#include "trace/trace.h"
#include "wire/wire.h"


void rup__disc_init(rup__disc *d) { memset(d, 0, sizeof *d); }

static int same_ep(const rup_endpoint *a, const rup_endpoint *b) {
  return a->port == b->port && rup__endpoint_same_addr(a, b);
}

void rup__disc_add_sdp(rup__disc *d, const rup__sdp *sdp) {
  for (size_t i = 0; i < sdp->n_media; i++) {
    const rup__sdp_media *m = &sdp->m[i];
    size_t k;
    for (k = 0; k < d->n_map; k++)
      if (same_ep(&d->map[k].conn, &m->conn)) break;
    if (k == d->n_map) {
      if (d->n_map < RUP__DISC_MAX_MAP) {
        d->n_map++;
      } else { /* full: replace the oldest */
        k = d->next_map;
        d->next_map = (d->next_map + 1) % RUP__DISC_MAX_MAP;
      }
    }
    d->map[k] = *m;
  }
}

int rup__disc_direction(const rup_endpoint *src, const rup_endpoint *local, size_t n_local) {
  for (size_t i = 0; i < n_local; i++)
    if (rup__endpoint_same_addr(src, &local[i]) && (local[i].port == 0 || local[i].port == src->port))
      return RUP_DIR_OUTBOUND;
  return RUP_DIR_INBOUND;
}

/* ---- payload structure checks ---- */

/* RFC 7741 §4.2 VP8 payload descriptor; RFC 6386 §9.1 keyframe start code. */
static int fits_vp8(const uint8_t *p, size_t len, int first_of_frame) {
  if (len < 2) return 0;
  uint8_t b0 = p[0];
  if (b0 & 0x48) return 0; /* the two R bits "MUST be set to 0" */
  size_t off = 1;
  if (b0 & 0x80) { /* X: I L T K RSV(4) */
    uint8_t x = p[off++];
    if (x & 0x0F) return 0; /* RSV "MUST be set to 0" */
    if (x & 0x80) { /* I: M bit → 15-bit PictureID */
      if (off >= len) return 0;
      off += (p[off] & 0x80) ? 2 : 1;
    }
    if (x & 0x40) off++;          /* L: TL0PICIDX */
    if (x & 0x30) off++;          /* T or K: TID|Y|KEYIDX */
  }
  if (off >= len) return 0;       /* no VP8 payload left */
  int start = (b0 & 0x10) && (b0 & 0x07) == 0; /* S=1 and PID=0: start of the frame */
  if (first_of_frame == 1 && !start) return 0;
  if (start && !(p[off] & 0x01)) { /* P bit 0: keyframe; 10-byte header with start code */
    if (len - off < 10) return 0;
    if (p[off + 3] != 0x9D || p[off + 4] != 0x01 || p[off + 5] != 0x2A) return 0;
  }
  return 1;
}

/* RFC 9628 §4.2 VP9 payload descriptor (I P L F B E V Z) and §4.2.1 scalability structure. */
static int fits_vp9(const uint8_t *p, size_t len, int first_of_frame, int marker) {
  if (len < 2) return 0;
  uint8_t b0 = p[0];
  size_t off = 1;
  if (b0 & 0x80) { /* I: PictureID, 7 or 15 bits */
    if (off >= len) return 0;
    off += (p[off] & 0x80) ? 2 : 1;
  }
  if (b0 & 0x20) {                /* L: TID U SID D, and TL0PICIDX in non-flexible mode */
    off += (b0 & 0x10) ? 1 : 2;
  }
  if ((b0 & 0x10) && (b0 & 0x40)) { /* F and P: up to 3 P_DIFF bytes, N bit chains */
    int n = 0;
    for (;;) {
      if (off >= len || n == 3) return 0;
      uint8_t d = p[off++];
      n++;
      if (!(d & 0x01)) break;
    }
  }
  if (b0 & 0x02) { /* V: N_S(3) Y G RES(3) [WIDTH HEIGHT]*(N_S+1) [N_G {T U R(2) RES(2) P_DIFF*R}] */
    if (off >= len) return 0;
    uint8_t ss = p[off++];
    size_t ns = (size_t)(ss >> 5) + 1;
    if (ss & 0x10) off += 4 * ns;
    if (ss & 0x08) {
      if (off >= len) return 0;
      size_t ng = p[off++];
      for (size_t g = 0; g < ng; g++) {
        if (off >= len) return 0;
        off += 1 + ((p[off] >> 2) & 0x03);
      }
    }
  }
  if (off >= len) return 0;
  if (first_of_frame == 1 && !(b0 & 0x08)) return 0; /* B: start of a frame */
  if (marker && !(b0 & 0x04)) return 0;              /* E: the marker packet ends one */
  return 1;
}

/* H.264 NAL unit types a single NAL packet may carry: ITU-T H.264 Table 7-1 minus the
 * reserved values 16-18 and 21-23 (RFC 6184 §5.2: 1-23 are single NAL units). ⚠ the
 * reserved list is from memory. */
static int h264_nal_ok(uint8_t hdr) {
  if (hdr & 0x80) return 0; /* forbidden_zero_bit */
  uint8_t t = hdr & 0x1F;
  return t >= 1 && t <= 20 && !(t >= 16 && t <= 18);
}

/* RFC 6184 §5.6 (single NAL), §5.7.1 (STAP-A), §5.8 (FU-A). Interleaved-mode packets
 * (STAP-B, MTAP, FU-B) are not accepted. */
static int fits_h264(const uint8_t *p, size_t len, int first_of_frame) {
  if (len < 1 || (p[0] & 0x80)) return 0;
  uint8_t type = p[0] & 0x1F;
  if (type == 24) { /* STAP-A: (16-bit size, NAL unit)+, filling the payload exactly */
    size_t off = 1;
    int n = 0;
    while (off < len) {
      if (len - off < 2) return 0;
      size_t sz = rup__rd16(p + off);
      off += 2;
      if (sz == 0 || sz > len - off || !h264_nal_ok(p[off])) return 0;
      off += sz;
      n++;
    }
    return n > 0;
  }
  if (type == 28) { /* FU-A: indicator, header S E R Type */
    if (len < 3) return 0;
    uint8_t fu = p[1];
    if ((fu & 0x20) || ((fu & 0x80) && (fu & 0x40))) return 0; /* R must be 0; not S and E */
    if (!h264_nal_ok((uint8_t)((p[0] & 0xE0) | (fu & 0x1F)))) return 0;
    if (first_of_frame == 1 && !(fu & 0x80)) return 0;
    return 1;
  }
  return h264_nal_ok(p[0]);
}

uint32_t rup__opus_samples(const uint8_t *p, size_t len) {
  /* RFC 6716 §3.4 R1-R7 through the payload layer's TOC parser */
  rup_opus_info oi;
  return rup__opus_parse(p, len, &oi) == 0 ? oi.samples_48k : 0;
}

unsigned rup__disc_payload_fits(const uint8_t *p, size_t len, int first_of_frame, int marker) {
  unsigned m = 0;
  if (fits_vp8(p, len, first_of_frame)) m |= 1u << RUP__G_VP8;
  if (fits_vp9(p, len, first_of_frame, marker)) m |= 1u << RUP__G_VP9;
  if (fits_h264(p, len, first_of_frame)) m |= 1u << RUP__G_H264;
  if (first_of_frame != 0 && rup__opus_samples(p, len)) m |= 1u << RUP__G_OPUS; /* audio never shares a timestamp */
  return m;
}

uint32_t rup__disc_snap_clock(double r) {
  static const uint32_t rates[] = {8000, 16000, 48000, 90000};
  for (size_t i = 0; i < RUP_ARRAY_LEN(rates); i++)
    if (r >= rates[i] * 0.8 && r <= rates[i] * 1.25) return rates[i];
  return 0;
}

/* ---- per-packet discovery ---- */

static const rup__sdp_pt *sdp_pt_in(const rup__sdp_media *m, int pt) {
  for (size_t i = 0; i < m->n_pt; i++)
    if (m->pts[i].pt == pt) return &m->pts[i];
  return NULL;
}

/* The SDP description of `pt` for this packet, or NULL. */
static const rup__sdp_pt *sdp_lookup(const rup__disc *d, uint32_t ssrc, int pt, const rup_endpoint *src,
                                     const rup_endpoint *dst) {
  const rup__sdp_pt *e;
  for (size_t k = 0; k < d->n_map; k++)
    for (size_t i = 0; i < d->map[k].n_ssrc; i++)
      if (d->map[k].ssrcs[i] == ssrc && (e = sdp_pt_in(&d->map[k], pt))) return e;
  for (int pass = 0; pass < 2; pass++) {
    const rup_endpoint *ep = pass == 0 ? dst : src;
    if (!ep) continue;
    for (size_t k = 0; k < d->n_map; k++)
      if (same_ep(&d->map[k].conn, ep) && (e = sdp_pt_in(&d->map[k], pt))) return e;
  }
  return NULL;
}

static int is_aux_codec(int codec) { return codec == RUP_CODEC_CN || codec == RUP_CODEC_TELEPHONE_EVENT; }

static rup__disc_ssrc *find_or_add(rup__disc *d, uint32_t ssrc, int dir) {
  for (size_t i = 0; i < d->n_ssrc; i++)
    if (d->ssrc[i].ssrc == ssrc && d->ssrc[i].dir == dir) return &d->ssrc[i];
  if (d->n_ssrc >= RUP__DISC_MAX_SSRC) return NULL; /* bounded: later SSRCs are not discovered */
  rup__disc_ssrc *e = &d->ssrc[d->n_ssrc++];
  memset(e, 0, sizeof *e);
  e->ssrc = ssrc;
  e->dir = (uint8_t)dir;
  e->state = RUP__DISC_PENDING;
  e->pt = 0xFF;
  d->n_pending++;
  return e;
}

/* Pick the one codec among `mask` candidates whose payloads fit best, with at most one miss. */
static int pick(const rup__disc_ssrc *e, unsigned mask) {
  int best = -1, tie = 0;
  for (int g = 0; g < RUP__G_N; g++) {
    if (!(mask & (1u << g)) || e->fails[g] > 1) continue;
    if (best < 0 || e->fails[g] < e->fails[best]) {
      best = g;
      tie = 0;
    } else if (e->fails[g] == e->fails[best]) {
      tie = 1;
    }
  }
  if (best < 0 || tie) return RUP_CODEC_UNKNOWN;
  static const int codec_of[RUP__G_N] = {RUP_CODEC_VP8, RUP_CODEC_VP9, RUP_CODEC_H264, RUP_CODEC_OPUS};
  return codec_of[best];
}

static void settle(rup__disc *d, rup__disc_ssrc *e, int state) {
  if (e->state == RUP__DISC_PENDING) d->n_pending--;
  e->state = (uint8_t)state;
}

static int describe(rup__disc *d, rup__disc_ssrc *e, int codec, uint32_t clock, int guessed,
                    rup__disc_result *res) {
  settle(d, e, RUP__DISC_DESCRIBED);
  res->guessed = guessed;
  res->ssrc = e->ssrc;
  res->codec = codec;
  res->pt = e->pt;
  res->clock = clock;
  res->dir = e->dir;
  return 1;
}

int rup__disc_packet(rup__disc *d, const uint8_t *buf, size_t len, int dir, int64_t arrival_us,
                     const rup_endpoint *src, const rup_endpoint *dst, rup__disc_result *res) {
  /* Most packets belong to a stream already decided: look it up by the SSRC field
   * before parsing (what follows returns 0 for such a stream whatever the packet). */
  if (len >= 12) {
    uint32_t ssrc = rup__rd32(buf + 8);
    for (size_t i = 0; i < d->n_ssrc; i++)
      if (d->ssrc[i].ssrc == ssrc && d->ssrc[i].dir == dir) {
        if (d->ssrc[i].state != RUP__DISC_PENDING) return 0;
        break;
      }
  }
  rup_rtp r;
  if (rup__wire_classify(buf, len) != RUP_WIRE_RTP || rup__rtp_parse(&r, buf, len) < 0) return 0;
  rup__disc_ssrc *e = find_or_add(d, r.ssrc, dir);
  if (!e || e->state != RUP__DISC_PENDING) return 0;

  /* 1. SDP, 2. static table. */
  const rup__sdp_pt *sp = sdp_lookup(d, r.ssrc, r.payload_type, src, dst);
  int codec = RUP_CODEC_UNKNOWN;
  uint32_t clock = 0;
  if (sp) {
    codec = sp->codec;
    clock = sp->clock;
  } else if (r.payload_type < 96) {
    codec = rup__codec_from_static_pt(r.payload_type);
    clock = rup__static_pt_clock(r.payload_type);
  }
  if (is_aux_codec(codec)) return 0; /* wait for the media payload type */
  if (codec != RUP_CODEC_UNKNOWN || clock != 0) {
    e->pt = r.payload_type;
    return describe(d, e, codec, clock, 0, res);
  }

  /* 3. Heuristics on the first media PT of this SSRC. */
  if (e->pt == 0xFF) {
    e->pt = r.payload_type;
    e->first_us = arrival_us;
    e->prev_ts = r.ts;
  } else if (r.payload_type != e->pt) {
    return 0;
  }
  int first_of_frame = -1;
  int32_t delta = 0;
  if (e->npkts > 0) {
    delta = (int32_t)(r.ts - e->prev_ts); /* RTP timestamps wrap modulo 2^32 */
    e->ext_ts += delta;
    first_of_frame = delta != 0;
    if (first_of_frame) e->ts_changes++;
    else e->shared_ts++;
  }
  e->npkts++;
  e->last_us = arrival_us;
  if (r.payload_len > 0 && e->nobs < RUP__DISC_OBSERVE) {
    unsigned fits = rup__disc_payload_fits(r.payload, r.payload_len, first_of_frame, r.marker);
    /* Opus: the timestamp advances by a multiple of the previous packet's duration. */
    if (first_of_frame == 1 && e->prev_opus_samples && (delta < 0 || (uint32_t)delta % e->prev_opus_samples))
      fits &= ~(1u << RUP__G_OPUS);
    e->prev_opus_samples = (fits & (1u << RUP__G_OPUS)) ? rup__opus_samples(r.payload, r.payload_len) : 0;
    for (int g = 0; g < RUP__G_N; g++)
      if (!(fits & (1u << g))) e->fails[g]++;
    e->nobs++;
  }
  e->prev_ts = r.ts;
  e->prev_marker = r.marker;

  /* Elapsed capture time; computed unsigned so hostile timestamps cannot overflow. */
  uint64_t elapsed = e->last_us > e->first_us ? (uint64_t)e->last_us - (uint64_t)e->first_us : 0;
  if (elapsed >= 500000 && e->npkts >= 5 && e->ext_ts > 0)
    clock = rup__disc_snap_clock((double)e->ext_ts * 1e6 / (double)elapsed);
  int enough = e->nobs >= RUP__DISC_OBSERVE || e->npkts >= 4 * RUP__DISC_OBSERVE;
  if (clock != 0 && enough) {
    if (e->nobs >= 3) {
      if (clock == 90000) codec = pick(e, (1u << RUP__G_VP8) | (1u << RUP__G_VP9) | (1u << RUP__G_H264));
      else if (clock == 48000) codec = pick(e, 1u << RUP__G_OPUS);
    }
    return describe(d, e, codec, clock, 1, res);
  }
  if (e->npkts >= RUP__DISC_GIVE_UP) {
    /* No clock: describe only a clearly identified video stream (several frames, some
     * of several packets), with the codec's default clock. */
    if (e->shared_ts >= 2 && e->ts_changes >= 3 && e->nobs >= RUP__DISC_OBSERVE) {
      codec = pick(e, (1u << RUP__G_VP8) | (1u << RUP__G_VP9) | (1u << RUP__G_H264));
      if (codec != RUP_CODEC_UNKNOWN) return describe(d, e, codec, 0, 1, res);
    }
    settle(d, e, RUP__DISC_GAVE_UP);
  }
  return 0;
}

void rup__disc_expire(rup__disc *d, int64_t now_us) {
  for (size_t i = 0; i < d->n_ssrc && d->n_pending; i++) {
    rup__disc_ssrc *e = &d->ssrc[i];
    int64_t seen = e->last_us > e->first_us ? e->last_us : e->first_us;
    if (e->state == RUP__DISC_PENDING && now_us - seen > RUP__DISC_STALE_US) settle(d, e, RUP__DISC_GAVE_UP);
  }
}
