/* The same stream measured as TShark 4.0.17 `-z rtp,streams` does (REFERENCE.md §9.3,
 * §9.4), so our numbers can be cross-checked against it. The rules below are re-expressed
 * from the Wireshark 4.0 branch: ui/tap-rtp-analysis.c rtppacket_analyse and
 * ui/tap-rtp-common.c rtpstream_info_calculate. They were confirmed against the installed
 * tshark 4.0.17 on crafted captures (reordering, late last packet, duplicates, losses,
 * marker, CN, seq and timestamp wrap, a packet older than the first): newer Wireshark
 * (extended timestamps for "in time sequence", extended seq min/max for expected) gives
 * different numbers on those cases.
 *
 * Differences from tshark that do not change its numbers:
 *  - tshark's times are ms doubles relative to the first frame; we take differences of the
 *    µs arrival times (the same value without the rounding of a large time base).
 *  - the clock rate is the one given (rx clock or rup__rx_set_ws_clock_rate), where tshark
 *    looks it up per packet (static PT table, or SDP for dynamic PTs; none otherwise). */
#include "stream/stream.h"

#include <math.h>

#define WS_PT_CN 13     /* RFC 3389 comfort noise */
#define WS_PT_CN_OLD 19 /* the old reserved CN type tshark also treats as CN */

/* packet-rtp.c calculate_extended_seqno: top bits of the previous value plus ours,
 * corrected by ±2^16 towards the previous value (guint32 arithmetic). */
static uint32_t ext_seqno(uint32_t prev, uint16_t raw) {
  uint32_t v = (prev & 0xFFFF0000u) | raw;
  if (v + 0x8000u < prev) v += 0x10000u;
  else if (prev + 0x8000u < v) v -= 0x10000u;
  return v;
}

/* packet-rtp.c calculate_extended_timestamp: the same with 32-bit timestamps (guint64). */
static uint64_t ext_timestamp(uint64_t prev, uint32_t raw) {
  uint64_t v = (prev & 0xFFFFFFFF00000000ull) | raw;
  if (v + 0x80000000ull < prev) v += 0x100000000ull;
  else if (prev + 0x80000000ull < v) v -= 0x100000000ull;
  return v;
}

/* 4.0 "in time sequence": the timestamp is not before the first packet's, allowing one
 * wrap (ts >= first: ts - first < 2^31; else (0xFFFFFFFF - first) + ts < 2^31). */
static int in_time_sequence(uint32_t first, uint32_t ts) {
  if (first <= ts) return ts - first < 0x80000000u;
  return (uint64_t)(0xFFFFFFFFu - first) + ts < 0x80000000u;
}

void rup__ws_init(rup_ws *ws, uint32_t clock_rate) {
  memset(ws, 0, sizeof *ws);
  ws->clock_rate = clock_rate;
  ws->min_delta = -1.0; /* tshark: -1 until a regular packet */
  ws->min_jitter = -1.0;
}

void rup__ws_update(rup_ws *ws, uint16_t seq, uint32_t ts, int64_t arrival_us, int marker, int pt) {
  int is_cn = pt == WS_PT_CN || pt == WS_PT_CN_OLD;
  /* Dissector: the conversation starts at 0x10000 / 0x100000000 (packet-rtp.c) */
  uint32_t eseq = ext_seqno(ws->have_first ? (uint32_t)ws->ext_seq_last : 0x10000u, seq);
  uint64_t ets = ext_timestamp(ws->have_first ? ws->ext_ts_last_seen : 0x100000000ull, ts);
  ws->ext_seq_last = eseq;
  ws->ext_ts_last_seen = ets;

  if (!ws->have_first) { /* first packet: only initialises (delta 0, J 0, not in the stats) */
    ws->have_first = 1;
    ws->start_seq = ws->stop_seq = seq;
    ws->ext_seq_min = ws->ext_seq_max = eseq;
    ws->first_ts = ts;
    ws->last_nominal_ms = 0.0;
    ws->last_ext_ts = ets;
    ws->last_arrival_us = arrival_us;
    ws->last_time_ms = (double)arrival_us / 1000.0;
    ws->prev_was_cn = is_cn;
    ws->packets = 1;
    return;
  }

  int in_time = in_time_sequence(ws->first_ts, ts); /* else STAT_FLAG_WRONG_TIMESTAMP */

  /* seq_cycles / under heuristic, only for in-time packets */
  if (in_time && !ws->under && (seq < ws->start_seq || (seq == 0 && ws->stop_seq == 65535))) {
    ws->seq_cycles++;
    ws->under = 1;
  } else if (in_time && ws->under && seq > ws->start_seq) {
    ws->under = 0; /* the whole round is over */
  }

  int follow_cn = ws->prev_was_cn; /* STAT_FLAG_FOLLOW_PT_CN: the previous packet was CN */
  ws->prev_was_cn = is_cn;

  double cur_jitter = 0.0;
  uint32_t rate_khz = ws->clock_rate / 1000; /* tshark: clock_rate/1000, integer division */
  if (in_time) { /* delta/jitter only for in-time packets */
    ws->delta_ms = (double)rup__time_diff_us(arrival_us, ws->last_arrival_us) / 1000.0;
    if (rate_khz) {
      /* nominal time = (ts - first ts) mod 2^32 in ms; expected = time + (nominal - last
       * nominal); D = |current - expected|; J = (15 J + D) / 16 (all in ms) */
      double nominal = (double)(uint32_t)(ts - ws->first_ts) / (double)rate_khz;
      double d = fabs(ws->delta_ms - (nominal - ws->last_nominal_ms));
      cur_jitter = (15.0 * ws->jitter_ms + d) / 16.0;
      ws->jitter_ms = cur_jitter;
      ws->last_nominal_ms = nominal;
    }
  }

  /* Regular packet: in time, not marker, not CN, not after CN. Only these enter the
   * min/max/mean. The means divide by total_nr (all packets before this one), not by the
   * number of regular packets: mean = (mean*(total_nr-1) + x) / total_nr. */
  if (in_time && !marker && !is_cn && !follow_cn) {
    double n = (double)ws->packets;
    if (ws->delta_ms > ws->max_delta) ws->max_delta = ws->delta_ms;
    if (ws->min_delta == -1.0 || ws->delta_ms < ws->min_delta) ws->min_delta = ws->delta_ms;
    ws->mean_delta = (ws->mean_delta * (n - 1.0) + ws->delta_ms) / n;
    ws->sum_delta += ws->delta_ms;
    ws->n_delta++;
    if (rate_khz) {
      if (ws->jitter_ms > ws->max_jitter) ws->max_jitter = ws->jitter_ms;
      ws->mean_jitter = (ws->mean_jitter * (n - 1.0) + cur_jitter) / n;
      if (ws->min_jitter == -1.0 || ws->jitter_ms < ws->min_jitter) ws->min_jitter = ws->jitter_ms;
      ws->sum_jitter += ws->jitter_ms;
      ws->n_jitter++;
    }
  }

  if (in_time) { /* the reference moves only with in-time packets */
    ws->last_arrival_us = arrival_us;
    ws->last_time_ms = (double)arrival_us / 1000.0;
    ws->last_ext_ts = ets;
  }
  ws->stop_seq = seq; /* 4.0: the last packet's seq, whatever its order */
  if ((int64_t)eseq < ws->ext_seq_min) ws->ext_seq_min = eseq;
  if ((int64_t)eseq > ws->ext_seq_max) ws->ext_seq_max = eseq;
  ws->packets++;
}

void rup__ws_result(const rup_ws *ws, uint32_t clock_rate, rup_ws_result *out) {
  (void)clock_rate;
  memset(out, 0, sizeof *out);
  out->packets = ws->packets;
  out->min_delta_ms = ws->min_delta;
  out->mean_delta_ms = ws->mean_delta;
  out->max_delta_ms = ws->max_delta;
  out->has_jitter = ws->n_jitter > 0;
  out->min_jitter_ms = ws->min_jitter;
  out->mean_jitter_ms = ws->mean_jitter;
  out->max_jitter_ms = ws->max_jitter;
  if (!ws->have_first) return;
  /* rtpstream_info_calculate (4.0): guint32 expected = (stop + cycles*0x10000) - start + 1;
   * gint32 lost = expected - total_nr */
  uint32_t expected = ws->stop_seq + ws->seq_cycles * 0x10000u - ws->start_seq + 1u;
  uint32_t lost = expected - (uint32_t)ws->packets;
  out->expected = expected;
  out->lost = lost > 0x7FFFFFFFu ? -(int64_t)(0x100000000ull - lost) : (int64_t)lost;
  out->expected_minmax = ws->ext_seq_max - ws->ext_seq_min + 1;
}
