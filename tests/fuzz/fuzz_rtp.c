/* Fuzz target: RTP header parse, RFC 8285 extension iteration, extension
 * values, and the demultiplexer (with TURN ChannelData unwrap). Aborts when a
 * returned pointer or length leaves the input. */
#include <stdint.h>
#include <stdlib.h>

#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *p, size_t n, const uint8_t *lo, size_t len) {
  return p >= lo && n <= len && (size_t)(p - lo) <= len - n;
}

static void check_rtp(const uint8_t *data, size_t size) {
  rup_rtp r;
  if (rup__rtp_parse(&r, data, size) != 0) return;
  if (size < 12 || r.csrc_count > 15) abort();
  if (!inside(r.payload, r.payload_len, data, size)) abort();
  /* header + CSRCs + extension + payload + padding account for every byte */
  size_t hdr = 12u + 4u * r.csrc_count + (r.has_extension ? 4u + r.ext_len : 0u);
  if (hdr + r.payload_len + r.padding_len != size) abort();
  if (r.payload != data + hdr) abort();
  if (r.has_extension && !inside(r.ext, r.ext_len, data, size)) abort();

  size_t pos = 0, prev = 0, steps = 0;
  rup_rtp_ext_elem e;
  int rv;
  while ((rv = rup__rtp_ext_next(&r, &pos, &e)) == 1) {
    if (pos <= prev || pos > r.ext_len) abort(); /* progress, bounded */
    prev = pos;
    if (!inside(e.data, e.len, r.ext, r.ext_len)) abort();
    if (++steps > r.ext_len) abort();
    int voice, level;
    if (rup__ext_audio_level(&e, &voice, &level) == 0 && (voice < 0 || voice > 1 || level < 0 || level > 127))
      abort();
    uint32_t ast;
    if (rup__ext_abs_send_time(&e, &ast) == 0 && ast > 0xFFFFFFu) abort();
    uint16_t tseq;
    (void)rup__ext_transport_seq(&e, &tseq);
    rup_rtp_ext_elem f;
    int fr = rup__rtp_ext_find(&r, e.id, &f);
    if (fr != 1 || f.id != e.id) abort(); /* an element seen must be found */
  }
  if (rv != 0 && rv != RUP_ERR_MALFORMED) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  check_rtp(data, size);
  int kind = rup__wire_classify(data, size);
  if (kind < RUP_WIRE_UNKNOWN || kind > RUP_WIRE_KEEPALIVE) abort();
  if (kind == RUP_WIRE_RTP && size < 12) abort();
  if (kind == RUP_WIRE_RTCP && size < 8) abort();
  const uint8_t *in;
  size_t in_len;
  int tr = rup__wire_unwrap_turn(data, size, &in, &in_len);
  if ((kind == RUP_WIRE_TURN_CHANNEL) != (tr == 0)) abort();
  if (tr == 0) {
    if (!inside(in, in_len, data, size)) abort();
    (void)rup__wire_classify(in, in_len);
    check_rtp(in, in_len);
  }
  (void)rup__ext_uri_from_string((const char *)data, size);
  return 0;
}
