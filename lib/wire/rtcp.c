/* lib/wire/rtcp.c: compound RTCP iteration (RFC 3550 §6.4-6.6, RFC 4585 §6,
 * RFC 5104 §4.3.1, RFC 3611). Every sub-packet is checked against its length. */
#include "wire/wire.h"

#define RTCP_HDR_LEN 4u
#define SENDER_INFO_LEN 20u   /* RFC 3550 §6.4.1: NTP(8) RTP ts(4) packets(4) octets(4) */
#define REPORT_BLOCK_LEN 24u  /* RFC 3550 §6.4.1 */
#define FB_COMMON_LEN 8u      /* RFC 4585 §6.1: sender SSRC + media SSRC */
#define FIR_FCI_LEN 8u        /* RFC 5104 §4.3.1.1: SSRC, seq nr, reserved */
#define NACK_FCI_LEN 4u       /* RFC 4585 §6.2.1: PID + BLP */
#define XR_VOIP_BT 7u         /* RFC 3611 §4.7 */
#define XR_VOIP_LEN 36u       /* RFC 3611 §4.7: block length = 8 words (+1 for the header) */

static int parse_sr_rr(rup_rtcp_packet *pkt, int sr) {
  const uint8_t *b = pkt->body;
  size_t need = 4u + (sr ? SENDER_INFO_LEN : 0u) + REPORT_BLOCK_LEN * pkt->count;
  /* RFC 3550 §6.4.1/§6.4.2: RC report blocks must fit; any rest is a profile extension. */
  if (pkt->body_len < need) return RUP_ERR_MALFORMED;
  pkt->ssrc = rup__rd32(b);
  size_t off = 4;
  if (sr) {
    pkt->has_sender_info = 1;
    pkt->sender_info.ntp = rup__rd64(b + 4);
    pkt->sender_info.rtp_ts = rup__rd32(b + 12);
    pkt->sender_info.packet_count = rup__rd32(b + 16);
    pkt->sender_info.octet_count = rup__rd32(b + 20);
    off += SENDER_INFO_LEN;
  }
  pkt->report_count = pkt->count;
  pkt->blocks = b + off;
  return 0;
}

/* RFC 3550 §6.5: SC chunks, each an SSRC followed by items (type, length, text)
 * ended by a null octet and padded with nulls to the next 32-bit boundary. */
static int parse_sdes(rup_rtcp_packet *pkt) {
  const uint8_t *b = pkt->body;
  size_t n = pkt->body_len, off = 0;
  pkt->ssrc = 0;
  for (unsigned c = 0; c < pkt->count; c++) {
    if (n - off < 4) return RUP_ERR_MALFORMED;
    uint32_t ssrc = rup__rd32(b + off);
    off += 4;
    for (;;) {
      if (off >= n) return RUP_ERR_MALFORMED; /* no terminating null item */
      uint8_t type = b[off];
      if (type == 0) { /* end of the item list; skip to the 32-bit boundary */
        off = (off + 4) & ~(size_t)3;
        if (off > n) return RUP_ERR_MALFORMED;
        break;
      }
      if (n - off < 2) return RUP_ERR_MALFORMED;
      uint8_t ilen = b[off + 1];
      if (n - off - 2 < ilen) return RUP_ERR_MALFORMED;
      if (c == 0 && type == 1 && pkt->cname == NULL) { /* RFC 3550 §6.5.1: CNAME = 1 */
        pkt->cname_ssrc = ssrc;
        pkt->cname = b + off + 2;
        pkt->cname_len = ilen;
      }
      off += 2u + ilen;
    }
  }
  return 0;
}

/* RFC 3550 §6.6: SC SSRC/CSRCs, then an optional length-prefixed reason. */
static int parse_bye(rup_rtcp_packet *pkt) {
  size_t list = 4u * pkt->count;
  if (pkt->body_len < list) return RUP_ERR_MALFORMED;
  pkt->bye_count = pkt->count;
  pkt->bye_ssrcs = pkt->body;
  if (pkt->count > 0) pkt->ssrc = rup__rd32(pkt->body);
  if (pkt->body_len > list) {
    uint8_t rlen = pkt->body[list];
    if (pkt->body_len - list - 1 < rlen) return RUP_ERR_MALFORMED;
    pkt->bye_reason = pkt->body + list + 1;
    pkt->bye_reason_len = rlen;
  }
  return 0;
}

static int parse_fb(rup_rtcp_packet *pkt) {
  if (pkt->body_len < FB_COMMON_LEN) return RUP_ERR_MALFORMED; /* RFC 4585 §6.1 */
  pkt->ssrc = rup__rd32(pkt->body);
  pkt->media_ssrc = rup__rd32(pkt->body + 4);
  pkt->fci = pkt->body + FB_COMMON_LEN;
  pkt->fci_len = pkt->body_len - FB_COMMON_LEN;
  if (pkt->type == RUP_RTCP_RTPFB && pkt->count == 1) {
    /* RFC 4585 §6.2.1: generic NACK, at least one 4-byte FCI entry. */
    if (pkt->fci_len < NACK_FCI_LEN || pkt->fci_len % NACK_FCI_LEN != 0) return RUP_ERR_MALFORMED;
    pkt->nack_count = (uint32_t)(pkt->fci_len / NACK_FCI_LEN);
  } else if (pkt->type == RUP_RTCP_PSFB && pkt->count == 4) {
    /* RFC 5104 §4.3.1.1: FIR, one or more 8-byte FCI entries. */
    if (pkt->fci_len < FIR_FCI_LEN || pkt->fci_len % FIR_FCI_LEN != 0) return RUP_ERR_MALFORMED;
    pkt->fir_count = (uint32_t)(pkt->fci_len / FIR_FCI_LEN);
    pkt->fir_ssrcs = pkt->fci;
  }
  /* PSFB FMT 1 (PLI, RFC 4585 §6.3.1) has no FCI; extra bytes are ignored as libwebrtc Pli::Parse does. */
  return 0;
}

/* RFC 3611 §4.7 VoIP metrics block body (after the 4-byte block header). */
static void read_voip(const uint8_t *p, rup_rtcp_xr_voip *v) {
  v->ssrc = rup__rd32(p);
  v->loss_rate = p[4];
  v->discard_rate = p[5];
  v->burst_density = p[6];
  v->gap_density = p[7];
  v->burst_duration_ms = rup__rd16(p + 8);
  v->gap_duration_ms = rup__rd16(p + 10);
  v->round_trip_delay_ms = rup__rd16(p + 12);
  v->end_system_delay_ms = rup__rd16(p + 14);
  v->signal_level = (int8_t)(p[16] < 0x80 ? (int)p[16] : (int)p[16] - 256); /* dBm0, two's complement */
  v->noise_level = (int8_t)(p[17] < 0x80 ? (int)p[17] : (int)p[17] - 256);
  v->rerl = p[18];
  v->gmin = p[19];
  v->r_factor = p[20];
  v->ext_r_factor = p[21];
  v->mos_lq = p[22];
  v->mos_cq = p[23];
  v->rx_config = p[24];
  /* p[25] reserved */
  v->jb_nominal = rup__rd16(p + 26);
  v->jb_maximum = rup__rd16(p + 28);
  v->jb_abs_max = rup__rd16(p + 30);
}

/* RFC 3611 §2/§3: XR = sender SSRC, then report blocks BT(8) type-specific(8)
 * block length(16, 32-bit words minus one, header included). */
static int parse_xr(rup_rtcp_packet *pkt) {
  const uint8_t *b = pkt->body;
  size_t n = pkt->body_len;
  if (n < 4) return RUP_ERR_MALFORMED;
  pkt->ssrc = rup__rd32(b);
  size_t off = 4;
  while (off < n) {
    if (n - off < 4) return RUP_ERR_MALFORMED;
    uint8_t bt = b[off];
    size_t blen = 4u * ((size_t)rup__rd16(b + off + 2) + 1);
    if (n - off < blen) return RUP_ERR_MALFORMED;
    if (bt == XR_VOIP_BT) {
      if (blen != XR_VOIP_LEN) return RUP_ERR_MALFORMED; /* RFC 3611 §4.7: block length = 8 */
      if (!pkt->has_voip) {
        pkt->has_voip = 1;
        read_voip(b + off + 4, &pkt->voip);
      }
    }
    off += blen;
  }
  return 0;
}

int rup__rtcp_next(const uint8_t *buf, size_t len, size_t *pos, rup_rtcp_packet *pkt) {
  memset(pkt, 0, sizeof *pkt);
  if (buf == NULL || *pos >= len) return 0;
  size_t p = *pos, rem = len - p;
  *pos = len; /* on any error, iteration stops */
  if (rem < RTCP_HDR_LEN) return RUP_ERR_MALFORMED;
  const uint8_t *h = buf + p;
  if ((h[0] >> 6) != 2) return RUP_ERR_MALFORMED; /* RFC 3550 §6.4.1: V = 2 */
  if (h[1] < 192 || h[1] > 223) return RUP_ERR_MALFORMED; /* RFC 5761 §4: RTCP PT range */
  size_t size = 4u * ((size_t)rup__rd16(h + 2) + 1); /* RFC 3550 §6.4.1: words minus one */
  if (size > rem) return RUP_ERR_MALFORMED;
  pkt->type = h[1];
  pkt->count = h[0] & 0x1F;
  pkt->body = h + RTCP_HDR_LEN;
  pkt->body_len = size - RTCP_HDR_LEN;
  if (h[0] & 0x20) {
    /* RFC 3550 §6.4.1 / A.2: padding only on the last packet of the compound;
     * the last octet counts the padding octets (itself included) inside the length. */
    if (size != rem) return RUP_ERR_MALFORMED;
    uint8_t pad = h[size - 1];
    if (pad == 0 || pad > pkt->body_len) return RUP_ERR_MALFORMED;
    pkt->body_len -= pad;
  }
  int rv = 0;
  switch (pkt->type) {
  case RUP_RTCP_SR: rv = parse_sr_rr(pkt, 1); break;
  case RUP_RTCP_RR: rv = parse_sr_rr(pkt, 0); break;
  case RUP_RTCP_SDES: rv = parse_sdes(pkt); break;
  case RUP_RTCP_BYE: rv = parse_bye(pkt); break;
  case RUP_RTCP_APP: /* RFC 3550 §6.7: SSRC + 4-byte name, then data */
    if (pkt->body_len < 8) rv = RUP_ERR_MALFORMED;
    else pkt->ssrc = rup__rd32(pkt->body);
    break;
  case RUP_RTCP_RTPFB:
  case RUP_RTCP_PSFB: rv = parse_fb(pkt); break;
  case RUP_RTCP_XR: rv = parse_xr(pkt); break;
  default: break; /* other RTCP types: body only */
  }
  if (rv < 0) return rv;
  *pos = p + size;
  return 1;
}

void rup__rtcp_report_block(const rup_rtcp_packet *pkt, unsigned i, rup_rtcp_report_block *out) {
  const uint8_t *b = pkt->blocks + (size_t)REPORT_BLOCK_LEN * i;
  uint32_t lost = rup__rd24(b + 5);
  out->ssrc = rup__rd32(b);
  out->fraction_lost = b[4];
  /* RFC 3550 §6.4.1: cumulative number of packets lost is a signed 24-bit value. */
  out->cumulative_lost = (int32_t)(lost ^ 0x800000u) - 0x800000;
  out->ext_highest_seq = rup__rd32(b + 8);
  out->jitter = rup__rd32(b + 12);
  out->lsr = rup__rd32(b + 16);
  out->dlsr = rup__rd32(b + 20);
}
