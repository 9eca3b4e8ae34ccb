/* lib/wire/rtp.c: RTP fixed header (RFC 3550 §5.1) and header extensions
 * (RFC 3550 §5.3.1, RFC 8285), plus the few extension values we decode. */
#include "wire/wire.h"

#define RTP_FIXED_LEN 12u
#define EXT_ONE_BYTE_PROFILE 0xBEDEu   /* RFC 8285 §4.2 */
#define EXT_TWO_BYTE_PROFILE 0x1000u   /* RFC 8285 §4.3: 0x100 + 4 appbits */
#define EXT_TWO_BYTE_MASK 0xFFF0u      /* libwebrtc kTwoByteExtensionProfileId masking */

int rup__rtp_parse(rup_rtp *out, const uint8_t *buf, size_t len) {
  /* Every field but the csrc entries past csrc_count is set (no memset of the 60-byte
   * CSRC list on the per-packet path). */
  out->marker = out->payload_type = out->csrc_count = out->has_extension = out->padding_len = 0;
  out->seq = 0;
  out->ts = out->ssrc = 0;
  out->ext_profile = 0;
  out->ext = out->payload = NULL;
  out->ext_len = out->payload_len = 0;
  if (buf == NULL || len < RTP_FIXED_LEN) return RUP_ERR_MALFORMED; /* RFC 3550 §5.1: 12-byte fixed header */
  if ((buf[0] >> 6) != 2) return RUP_ERR_MALFORMED;                   /* RFC 3550 §5.1: V = 2 */
  int padding = (buf[0] >> 5) & 1;
  out->has_extension = (buf[0] >> 4) & 1;
  out->csrc_count = buf[0] & 0x0F;
  out->marker = buf[1] >> 7;
  out->payload_type = buf[1] & 0x7F;
  out->seq = rup__rd16(buf + 2);
  out->ts = rup__rd32(buf + 4);
  out->ssrc = rup__rd32(buf + 8);

  size_t off = RTP_FIXED_LEN;
  if (len - off < 4u * out->csrc_count) return RUP_ERR_MALFORMED; /* RFC 3550 §5.1: CC CSRCs follow */
  for (unsigned i = 0; i < out->csrc_count; i++, off += 4) out->csrc[i] = rup__rd32(buf + off);

  if (out->has_extension) {
    /* RFC 3550 §5.3.1: 16-bit profile, 16-bit length in 32-bit words (header excluded). */
    if (len - off < 4) return RUP_ERR_MALFORMED;
    out->ext_profile = rup__rd16(buf + off);
    size_t ext_len = 4u * (size_t)rup__rd16(buf + off + 2);
    off += 4;
    if (len - off < ext_len) return RUP_ERR_MALFORMED;
    out->ext = buf + off;
    out->ext_len = ext_len;
    off += ext_len;
  }

  size_t end = len;
  if (padding) {
    /* RFC 3550 §5.1: the last octet counts the padding octets, itself included;
     * a zero count is rejected as libwebrtc RtpPacket::ParseBuffer does. */
    uint8_t pad = buf[len - 1];
    if (pad == 0 || pad > len - off) return RUP_ERR_MALFORMED;
    out->padding_len = pad;
    end = len - pad;
  }
  out->payload = buf + off;
  out->payload_len = end - off;
  return 0;
}

int rup__rtp_ext_next(const rup_rtp *rtp, size_t *pos, rup_rtp_ext_elem *elem) {
  const uint8_t *e = rtp->ext;
  size_t n = rtp->ext_len;
  int one_byte = rtp->ext_profile == EXT_ONE_BYTE_PROFILE;
  int two_byte = (rtp->ext_profile & EXT_TWO_BYTE_MASK) == EXT_TWO_BYTE_PROFILE;
  if (!rtp->has_extension || e == NULL || (!one_byte && !two_byte)) return 0; /* opaque profile */
  while (*pos < n) {
    size_t p = *pos;
    if (e[p] == 0) { /* RFC 8285 §4.2/§4.3: a zero byte is padding */
      *pos = p + 1;
      continue;
    }
    uint8_t id;
    size_t dlen, hdr;
    if (one_byte) {
      id = e[p] >> 4;
      dlen = (size_t)(e[p] & 0x0F) + 1; /* RFC 8285 §4.2: L is length minus one */
      hdr = 1;
      /* RFC 8285 §4.2: ID 15 ends processing; ID 0 with L != 0 stops too (libwebrtc). */
      if (id == 15 || id == 0) {
        *pos = n;
        return 0;
      }
    } else {
      if (n - p < 2) { /* RFC 8285 §4.3: ID(8) len(8) header */
        *pos = n;
        return RUP_ERR_MALFORMED;
      }
      id = e[p];
      dlen = e[p + 1];
      hdr = 2;
    }
    if (n - p - hdr < dlen) { /* element overruns the extension block */
      *pos = n;
      return RUP_ERR_MALFORMED;
    }
    elem->id = id;
    elem->len = (uint8_t)dlen;
    elem->data = e + p + hdr;
    *pos = p + hdr + dlen;
    return 1;
  }
  return 0;
}

int rup__rtp_ext_find(const rup_rtp *rtp, uint8_t id, rup_rtp_ext_elem *elem) {
  size_t pos = 0;
  rup_rtp_ext_elem e;
  int rv;
  while ((rv = rup__rtp_ext_next(rtp, &pos, &e)) == 1) {
    if (e.id == id) {
      *elem = e;
      return 1;
    }
  }
  return rv;
}

int rup__ext_audio_level(const rup_rtp_ext_elem *e, int *voice, int *level_dbov) {
  /* RFC 6464 §3: one byte, V(1) level(7) = -dBov; libwebrtc AudioLevel::Parse wants exactly 1. */
  if (e->len != 1 || e->data == NULL) return RUP_ERR_MALFORMED;
  *voice = e->data[0] >> 7;
  *level_dbov = e->data[0] & 0x7F;
  return 0;
}

int rup__ext_abs_send_time(const rup_rtp_ext_elem *e, uint32_t *value) {
  /* webrtc abs-send-time: 3 bytes, 6.18 fixed-point seconds (libwebrtc AbsoluteSendTime::Parse). */
  if (e->len != 3 || e->data == NULL) return RUP_ERR_MALFORMED;
  *value = rup__rd24(e->data);
  return 0;
}

int rup__ext_transport_seq(const rup_rtp_ext_elem *e, uint16_t *seq) {
  /* draft-holmer-rmcat-transport-wide-cc-extensions-01 §2: 16-bit sequence number. */
  if (e->len != 2 || e->data == NULL) return RUP_ERR_MALFORMED;
  *seq = rup__rd16(e->data);
  return 0;
}

int rup__ext_uri_from_string(const char *uri, size_t len) {
  static const struct {
    const char *uri;
    int id;
  } map[] = {
      {"urn:ietf:params:rtp-hdrext:ssrc-audio-level", RUP_EXT_AUDIO_LEVEL},               /* RFC 6464 §4 */
      {"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", RUP_EXT_ABS_SEND_TIME}, /* libwebrtc */
      {"http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
       RUP_EXT_TRANSPORT_SEQ}, /* draft-holmer-rmcat-transport-wide-cc-extensions-01 */
  };
  if (uri == NULL) return RUP_EXT_NONE;
  for (size_t i = 0; i < RUP_ARRAY_LEN(map); i++) {
    if (strlen(map[i].uri) == len && memcmp(map[i].uri, uri, len) == 0) return map[i].id;
  }
  return RUP_EXT_NONE;
}
