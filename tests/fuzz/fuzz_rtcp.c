/* Fuzz target: compound RTCP iteration, report blocks and every decoded
 * pointer. Aborts when a pointer or length leaves the input or iteration
 * fails to make progress. */
#include <stdint.h>
#include <stdlib.h>

#include "wire/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int inside(const uint8_t *p, size_t n, const uint8_t *lo, size_t len) {
  return p >= lo && n <= len && (size_t)(p - lo) <= len - n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  size_t pos = 0, prev = 0, packets = 0;
  rup_rtcp_packet pkt;
  int rv;
  while ((rv = rup__rtcp_next(data, size, &pos, &pkt)) == 1) {
    if (pos <= prev || pos > size || pos - prev < 4 || (pos - prev) % 4 != 0) abort();
    if (pkt.body != data + prev + 4) abort();
    if (!inside(pkt.body, pkt.body_len, data + prev, pos - prev)) abort();
    prev = pos;
    if (++packets > size / 4) abort();
    if (pkt.type < 192 || pkt.type > 223 || pkt.count > 31) abort();
    const uint8_t *b = pkt.body;
    size_t n = pkt.body_len;
    if (pkt.report_count) {
      if (pkt.type != RUP_RTCP_SR && pkt.type != RUP_RTCP_RR) abort();
      if (!inside(pkt.blocks, 24u * pkt.report_count, b, n)) abort();
      for (unsigned i = 0; i < pkt.report_count; i++) {
        rup_rtcp_report_block rb;
        rup__rtcp_report_block(&pkt, i, &rb);
        if (rb.cumulative_lost < -8388608 || rb.cumulative_lost > 8388607) abort();
      }
    }
    if (pkt.cname && !inside(pkt.cname, pkt.cname_len, b, n)) abort();
    if (pkt.bye_count && !inside(pkt.bye_ssrcs, 4u * pkt.bye_count, b, n)) abort();
    if (pkt.bye_reason && !inside(pkt.bye_reason, pkt.bye_reason_len, b, n)) abort();
    if (pkt.fci && !inside(pkt.fci, pkt.fci_len, b, n)) abort();
    if (pkt.nack_count && pkt.fci_len != 4u * pkt.nack_count) abort();
    if (pkt.fir_count && !inside(pkt.fir_ssrcs, 8u * pkt.fir_count, b, n)) abort();
    if (pkt.has_voip && pkt.type != RUP_RTCP_XR) abort();
  }
  if (rv != 0 && rv != RUP_ERR_MALFORMED) abort();
  if (rv == 0 && pos != size && size != 0) abort(); /* clean end consumes everything */
  if (rup__rtcp_next(data, size, &pos, &pkt) != 0) abort(); /* stays stopped */
  return 0;
}
