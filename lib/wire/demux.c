/* lib/wire/demux.c: classify one UDP payload (RFC 7983 §7, RFC 5761 §4) and
 * unwrap TURN ChannelData (RFC 8656 §12.4). */
#include "wire/wire.h"

#define RTP_MIN_LEN 12u   /* RFC 3550 §5.1 fixed header */
#define RTCP_MIN_LEN 8u   /* RFC 3550 §6.4: common header + sender SSRC */
#define STUN_HDR_LEN 20u  /* RFC 8489 §5: STUN header is 20 bytes */
#define TURN_HDR_LEN 4u   /* RFC 8656 §12.4: channel number + length */

/* RTCP if the first packet has V=2, at least 8 bytes and a length field that
 * fits the datagram (RFC 3550 §6.4.1: length in 32-bit words minus one). */
static int looks_like_rtcp(const uint8_t *buf, size_t len) {
  if (len < RTCP_MIN_LEN) return 0;
  size_t plen = 4u * ((size_t)rup__rd16(buf + 2) + 1);
  return plen <= len;
}

int rup__wire_classify(const uint8_t *buf, size_t len) {
  if (buf == NULL || len == 0) return RUP_WIRE_KEEPALIVE;
  uint8_t b = buf[0];
  int kind = RUP_WIRE_UNKNOWN;
  if (b <= 3) { /* RFC 7983 §7: 0..3 STUN */
    if (len >= STUN_HDR_LEN) kind = RUP_WIRE_STUN;
  } else if (b >= 16 && b <= 19) { /* RFC 7983 §7: 16..19 ZRTP */
    kind = RUP_WIRE_ZRTP;
  } else if (b >= 20 && b <= 63) { /* RFC 7983 §7: 20..63 DTLS */
    kind = RUP_WIRE_DTLS;
  } else if (b >= 64 && b <= 79) { /* RFC 7983 §7: 64..79 TURN channel */
    const uint8_t *inner;
    size_t inner_len;
    if (rup__wire_unwrap_turn(buf, len, &inner, &inner_len) == 0) kind = RUP_WIRE_TURN_CHANNEL;
  } else if (b >= 128 && b <= 191) { /* RFC 7983 §7: 128..191 RTP/RTCP (V=2) */
    /* RFC 5761 §4: RTCP when the second byte (PT with marker) is 192..223. */
    if (len >= 2 && buf[1] >= 192 && buf[1] <= 223) {
      if (looks_like_rtcp(buf, len)) kind = RUP_WIRE_RTCP;
    } else if (len >= RTP_MIN_LEN) {
      kind = RUP_WIRE_RTP;
    }
  }
  /* Tiny datagrams that are none of the above (e.g. 4-byte keep-alives). */
  if (kind == RUP_WIRE_UNKNOWN && len < RTP_MIN_LEN) kind = RUP_WIRE_KEEPALIVE;
  return kind;
}

int rup__wire_unwrap_turn(const uint8_t *buf, size_t len, const uint8_t **inner, size_t *inner_len) {
  if (buf == NULL || len < TURN_HDR_LEN) return RUP_ERR_MALFORMED;
  uint16_t channel = rup__rd16(buf);
  if (channel < 0x4000 || channel > 0x4FFF) return RUP_ERR_MALFORMED; /* RFC 8656 §12: 0x4000..0x4FFF */
  size_t dlen = rup__rd16(buf + 2);
  /* RFC 8656 §12.4: over UDP the datagram may carry bytes after the data
   * (padding is only mandatory over TCP), so it must be at least 4 + length. */
  if (len - TURN_HDR_LEN < dlen) return RUP_ERR_MALFORMED;
  *inner = buf + TURN_HDR_LEN;
  *inner_len = dlen;
  return 0;
}
