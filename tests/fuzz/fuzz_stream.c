/* Fuzz target for lib/stream: input = records of (seq16, ts32, dt16, flags8, size8); checks invariants and determinism. */
#include "stream/stream.h"
#include <math.h>
#include <string.h>
#include <stdlib.h>
static void run(const uint8_t *d, size_t n, rup_rx *rx) {
  uint32_t clock = n ? (d[0] & 3) * 24000u : 0; /* 0, 24000, 48000, 72000 */
  rup__rx_init(rx, clock, n > 1 ? d[1] & 31 : 16);
  int64_t t = n > 2 ? (int64_t)(d[2] & 1 ? INT64_MIN / 2 : 0) : 0;
  for (size_t i = 3; i + 10 <= n; i += 10) {
    const uint8_t *p = d + i;
    uint16_t seq = rup__rd16(p);
    uint32_t ts = rup__rd32(p + 2);
    int64_t dt = (int64_t)rup__rd16(p + 6) * ((p[8] & 0x80) ? 1000 : 1);
    if (p[8] & 0x40) dt = -dt; /* time going back */
    t += dt;
    if (p[8] & 0x20) rup__rx_set_clock_rate(rx, (uint32_t)p[9] * 1000u);
    if (p[8] & 0x10) rup__rx_close_interval(rx);
    unsigned f = rup__rx_update(rx, seq, ts, t, p[9], p[8] & 1, (p[8] >> 1) & 0x7f);
    if ((f & RUP_RX_VALID) && (f & (RUP_RX_PROBATION | RUP_RX_BAD_SEQ))) abort();
    if (!(f & RUP_RX_VALID) && !(f & (RUP_RX_PROBATION | RUP_RX_BAD_SEQ))) abort();
    if ((f & RUP_RX_DUPLICATE) && (f & (RUP_RX_REORDERED | RUP_RX_NEW_MAX))) abort();
    if (rx->duplicates + rx->reordered > rx->received) abort();
    if (rx->received > rx->packets) abort();
    if (!(rx->jitter >= 0.0) || !isfinite(rx->jitter) || rx->jitter > rx->jitter_max + 1e-9 * rx->jitter_max) abort();
    int32_t lc = rup__rx_lost_clamped(rx);
    if (lc > 0x7FFFFF || lc < -0x800000) abort();
    if (rup__rx_expected(rx) > 0 && rup__rx_expected(rx) > (uint64_t)UINT32_MAX + 1) abort();
    if (rx->ws.n_delta > rx->ws.packets || rx->ws.n_jitter > rx->ws.n_delta) abort();
    if (!isfinite(rx->ws.mean_delta) || !isfinite(rx->ws.jitter_ms) || rx->ws.jitter_ms < 0) abort();
    if (rx->burst.total > rx->packets * 3000u + 1) abort();
  }
  rup_ws_result w;
  rup__ws_result(&rx->ws, 0, &w);
  double a, b, c, e;
  rup__burst_result(&rx->burst, 20.0, &a, &b, &c, &e);
  if (!(a >= 0 && a <= 1.0 + 1e-12) || !(b >= 0 && b <= 1.0 + 1e-12) || !isfinite(c) || !isfinite(e)) abort();
}
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  static rup_rx a, b;
  run(d, n, &a);
  run(d, n, &b);
  if (memcmp(&a, &b, sizeof a) != 0) abort(); /* deterministic */
  return 0;
}
