/* Round-trip time from RTCP report blocks (RFC 3550 §6.4.1). */
#include "stream/stream.h"

int64_t rup__rtt_us(int64_t sr_arrival_us, int64_t rr_arrival_us, uint32_t dlsr) {
  /* RFC 3550 §6.4.1: DLSR is in units of 1/65536 s; round to the nearest µs. */
  int64_t dlsr_us = (int64_t)(((uint64_t)dlsr * 1000000u + 32768u) >> 16);
  if (rr_arrival_us < sr_arrival_us) return -1;
  /* RFC 3550 §6.4.1: RTT = A - LSR - DLSR; A - LSR measured on the observer's clock */
  int64_t rtt = (rr_arrival_us - sr_arrival_us) - dlsr_us;
  return rtt < 0 ? -1 : rtt;
}

uint32_t rup__rtt_ntp16(uint32_t a, uint32_t lsr, uint32_t dlsr) {
  return a - lsr - dlsr; /* RFC 3550 §6.4.1, compact 16.16 NTP, modulo 2^32 */
}
