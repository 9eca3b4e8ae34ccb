/* Link layer, IPv4/IPv6 and UDP decoding of one captured frame. Stateless; every
 * length is checked against the captured bytes. */
#include "trace/trace.h"

enum { ETH_IPV4 = 0x0800, ETH_IPV6 = 0x86DD };
enum { IPPROTO_UDP_ = 17, IP6_HOPOPTS = 0, IP6_ROUTING = 43, IP6_FRAGMENT = 44, IP6_AH = 51,
       IP6_DSTOPTS = 60 };

int rup__link_supported(uint32_t lt) {
  switch (lt) {
    case RUP__LT_NULL: case RUP__LT_EN10MB: case RUP__LT_RAW_12: case RUP__LT_RAW_14:
    case RUP__LT_RAW: case RUP__LT_LOOP: case RUP__LT_LINUX_SLL: case RUP__LT_IPV4:
    case RUP__LT_IPV6: case RUP__LT_LINUX_SLL2:
      return 1;
    default:
      return 0;
  }
}

/* UDP header (RFC 768): ports, length (header included), checksum. */
static int decode_udp(const uint8_t *p, size_t len, rup__udp *out) {
  if (len < 8) return RUP__FRAME_BAD;
  size_t ulen = rup__rd16(p + 4);
  if (ulen < 8) return RUP__FRAME_BAD; /* RFC 768: length includes the 8-byte header */
  if (ulen > len) ulen = len;          /* snapped capture: keep what was captured */
  out->src.port = rup__rd16(p);
  out->dst.port = rup__rd16(p + 2);
  out->payload = p + 8;
  out->payload_len = ulen - 8;
  return RUP__FRAME_UDP;
}

/* IPv4 (RFC 791 §3.1). */
static int decode_ipv4(const uint8_t *p, size_t len, rup__udp *out) {
  if (len < 20 || (p[0] >> 4) != 4) return RUP__FRAME_BAD;
  size_t ihl = (size_t)(p[0] & 0x0F) * 4;
  size_t total = rup__rd16(p + 2);
  if (ihl < 20 || ihl > len || total < ihl) return RUP__FRAME_BAD;
  if (total < len) len = total; /* Ethernet padding after the datagram */
  uint16_t frag = rup__rd16(p + 6);
  if ((frag & 0x2000) || (frag & 0x1FFF)) return RUP__FRAME_FRAGMENT; /* MF or offset */
  if (p[9] != IPPROTO_UDP_) return RUP__FRAME_NON_UDP;
  out->src.family = out->dst.family = 4;
  memset(out->src.addr, 0, sizeof out->src.addr);
  memset(out->dst.addr, 0, sizeof out->dst.addr);
  memcpy(out->src.addr, p + 12, 4);
  memcpy(out->dst.addr, p + 16, 4);
  return decode_udp(p + ihl, len - ihl, out);
}

/* IPv6 (RFC 8200 §3, §4). */
static int decode_ipv6(const uint8_t *p, size_t len, rup__udp *out) {
  if (len < 40 || (p[0] >> 4) != 6) return RUP__FRAME_BAD;
  size_t plen = rup__rd16(p + 4);
  /* Payload length 0 is a jumbogram (RFC 2675) or a TSO capture: use what was captured. */
  if (plen != 0 && 40 + plen < len) len = 40 + plen;
  uint8_t nh = p[6];
  size_t off = 40;
  for (int guard = 0; guard < 16; guard++) {
    if (nh == IPPROTO_UDP_) {
      out->src.family = out->dst.family = 6;
      memcpy(out->src.addr, p + 8, 16);
      memcpy(out->dst.addr, p + 24, 16);
      return decode_udp(p + off, len - off, out);
    }
    if (nh == IP6_HOPOPTS || nh == IP6_ROUTING || nh == IP6_DSTOPTS) {
      if (len - off < 8) return RUP__FRAME_BAD;
      size_t hl = ((size_t)p[off + 1] + 1) * 8; /* RFC 8200 §4.3-4.6: Hdr Ext Len in 8-octet units, not counting the first 8 */
      if (hl > len - off) return RUP__FRAME_BAD;
      nh = p[off];
      off += hl;
    } else if (nh == IP6_AH) {
      if (len - off < 8) return RUP__FRAME_BAD;
      size_t hl = ((size_t)p[off + 1] + 2) * 4; /* RFC 4302 §2.2: Payload Len in 4-octet units, minus 2 */
      if (hl > len - off) return RUP__FRAME_BAD;
      nh = p[off];
      off += hl;
    } else if (nh == IP6_FRAGMENT) {
      if (len - off < 8) return RUP__FRAME_BAD;
      uint16_t fo = rup__rd16(p + off + 2);
      /* RFC 8200 §4.5: offset (13 bits) and M flag. RFC 6946 §4: an atomic fragment
       * (offset 0, M 0) is processed as a whole datagram. */
      if ((fo & 0xFFF8) != 0 || (fo & 1) != 0) return RUP__FRAME_FRAGMENT;
      nh = p[off];
      off += 8;
    } else {
      return RUP__FRAME_NON_UDP; /* TCP, ICMPv6, ESP, No Next Header (59), ... */
    }
  }
  return RUP__FRAME_BAD; /* absurd extension-header chain */
}

static int decode_ip(const uint8_t *p, size_t len, rup__udp *out) {
  if (len < 1) return RUP__FRAME_BAD;
  switch (p[0] >> 4) {
    case 4: return decode_ipv4(p, len, out);
    case 6: return decode_ipv6(p, len, out);
    default: return RUP__FRAME_NON_UDP;
  }
}

static int decode_ethertype(uint16_t type, const uint8_t *p, size_t len, rup__udp *out) {
  if (type == ETH_IPV4) return decode_ipv4(p, len, out);
  if (type == ETH_IPV6) return decode_ipv6(p, len, out);
  return RUP__FRAME_NON_UDP;
}

/* BSD AF values (tcpdump print-null.c): AF_INET 2; AF_INET6 24 (NetBSD/OpenBSD),
 * 28 (FreeBSD), 30 (Darwin). */
static int af_known(uint32_t af) { return af == 2 || af == 24 || af == 28 || af == 30; }

static int af_decode(uint32_t af, const uint8_t *p, size_t len, rup__udp *out) {
  if (af == 2) return decode_ipv4(p, len, out);
  if (af == 24 || af == 28 || af == 30) return decode_ipv6(p, len, out);
  return RUP__FRAME_NON_UDP;
}

int rup__decode_frame(uint32_t lt, const uint8_t *f, size_t len, rup__udp *out) {
  memset(out, 0, sizeof *out);
  switch (lt) {
    case RUP__LT_NULL: {
      /* LINKTYPE_NULL: AF in the capturing host's byte order; accept either. */
      if (len < 4) return RUP__FRAME_BAD;
      uint32_t af = rup__rd32le(f);
      if (!af_known(af)) af = rup__rd32(f);
      return af_decode(af, f + 4, len - 4, out);
    }
    case RUP__LT_LOOP: /* LINKTYPE_LOOP: AF in network byte order */
      if (len < 4) return RUP__FRAME_BAD;
      return af_decode(rup__rd32(f), f + 4, len - 4, out);
    case RUP__LT_EN10MB: {
      /* IEEE 802.3: dst(6) src(6) type(2); 802.1Q 0x8100 and 802.1ad/QinQ 0x88A8,
       * 0x9100 tags (4 bytes: TCI, inner type), possibly stacked. */
      if (len < 14) return RUP__FRAME_BAD;
      size_t off = 12;
      uint16_t type = rup__rd16(f + off);
      for (int tags = 0; (type == 0x8100 || type == 0x88A8 || type == 0x9100); tags++) {
        if (tags >= 8) return RUP__FRAME_BAD;
        off += 4;
        if (len - off < 2) return RUP__FRAME_BAD;
        type = rup__rd16(f + off);
      }
      off += 2;
      return decode_ethertype(type, f + off, len - off, out);
    }
    case RUP__LT_LINUX_SLL:
      /* libpcap sll.h: pkttype(2) hatype(2) halen(2) addr(8) protocol(2) = 16 bytes. */
      if (len < 16) return RUP__FRAME_BAD;
      return decode_ethertype(rup__rd16(f + 14), f + 16, len - 16, out);
    case RUP__LT_LINUX_SLL2:
      /* libpcap sll.h: protocol(2) reserved(2) ifindex(4) hatype(2) pkttype(1) halen(1)
       * addr(8) = 20 bytes. */
      if (len < 20) return RUP__FRAME_BAD;
      return decode_ethertype(rup__rd16(f), f + 20, len - 20, out);
    case RUP__LT_RAW:
    case RUP__LT_RAW_12:
    case RUP__LT_RAW_14:
      return decode_ip(f, len, out); /* version from the first nibble */
    case RUP__LT_IPV4:
      return decode_ipv4(f, len, out);
    case RUP__LT_IPV6:
      return decode_ipv6(f, len, out);
    default:
      return RUP__FRAME_LINK;
  }
}
