/* Per-SSRC receive statistics: RFC 3550 A.1 (sequence validation), A.3 (loss), A.8
 * (jitter), duplicate/reorder split, RFC 3611 burst feed. */
#include "stream/stream.h"

#include <math.h>

_Static_assert(RUP_SEQ_MOD % RUP_SEQ_WINDOW == 0 && RUP_SEQ_WINDOW % 64 == 0, "ring index = seq low bits");
_Static_assert(RUP_SEQ_WINDOW > RUP_MAX_MISORDER, "a misordered packet's bit is in the window");

/* ---- seen window: a ring of RUP_SEQ_WINDOW bits indexed by the sequence number's low
 * bits (the window divides 2^16, so the index is the same for the extended number). The
 * bits of max_seq - d for d < RUP_SEQ_WINDOW are current; advancing the highest number
 * clears only the positions it passes over. ---- */

static uint32_t seen_idx(uint16_t seq) { return seq & (RUP_SEQ_WINDOW - 1u); }

static int seen_get(const rup_rx *rx, uint16_t seq) {
  uint32_t i = seen_idx(seq);
  return (int)((rx->seen[i / 64] >> (i % 64)) & 1u);
}

static void seen_set(rup_rx *rx, uint16_t seq) {
  uint32_t i = seen_idx(seq);
  rx->seen[i / 64] |= (uint64_t)1 << (i % 64);
}

/* The highest number moves from `from` by k: positions from+1 .. from+k start unseen. */
static void seen_advance(rup_rx *rx, uint16_t from, uint32_t k) {
  if (k >= RUP_SEQ_WINDOW) {
    memset(rx->seen, 0, sizeof rx->seen);
    return;
  }
  uint32_t i = seen_idx((uint16_t)(from + 1));
  while (k > 0) {
    uint32_t b = i % 64, n = 64 - b < k ? 64 - b : k;
    uint64_t mask = n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1) << b;
    rx->seen[i / 64] &= ~mask;
    k -= n;
    i = (i + n) & (RUP_SEQ_WINDOW - 1u);
  }
}

/* RFC 3550 A.1 init_seq, plus the counters that belong to the same epoch. */
static void init_seq(rup_rx *rx, uint16_t seq) {
  rx->base_seq = seq;
  rx->max_seq = seq;
  rx->bad_seq = RUP_SEQ_MOD + 1; /* RFC 3550 A.1: so seq == bad_seq is false */
  rx->cycles = 0;
  rx->received = 0;
  rx->received_prior = 0;
  rx->expected_prior = 0;
  /* Our additions restart with the sequence space they describe. */
  memset(rx->seen, 0, sizeof rx->seen);
  seen_set(rx, seq);
  rx->duplicates = 0;
  rx->reordered = 0;
  rup__burst_init(&rx->burst, rx->burst.gmin);
  rup__burst_packet(&rx->burst, 0);
}

void rup__rx_init(rup_rx *rx, uint32_t clock_rate, uint32_t gmin) {
  memset(rx, 0, sizeof *rx);
  rx->clock_rate = clock_rate;
  rup__burst_init(&rx->burst, gmin);
  rup__ws_init(&rx->ws, clock_rate);
}

void rup__rx_set_clock_rate(rup_rx *rx, uint32_t clock_rate) {
  if (clock_rate == rx->clock_rate) return;
  /* Jitter is kept in timestamp units: a new unit starts it again from the next packet. */
  rx->clock_rate = clock_rate;
  rx->have_transit = 0;
  rx->jitter = 0.0;
  rx->jitter_max = 0.0;
  rx->jitter_sum = 0.0;
  rx->jitter_n = 0;
  rx->ws.clock_rate = clock_rate; /* tshark takes the rate per packet; its J (ms) carries on */
}

void rup__rx_set_ws_clock_rate(rup_rx *rx, uint32_t clock_rate) { rx->ws.clock_rate = clock_rate; }

/* RFC 3550 A.1 update_seq, with duplicate/reorder classification and the RFC 3611 feed.
 * Returns RUP_RX_* flags. */
static unsigned update_seq(rup_rx *rx, uint16_t seq) {
  unsigned flags = 0;
  uint16_t udelta = (uint16_t)(seq - rx->max_seq);

  if (rx->probation) {
    /* RFC 3550 A.1: packet is in sequence. Compared modulo 2^16 (the A.1 code compares
     * with max_seq + 1 promoted to int, so 65535 -> 0 would not count as in sequence;
     * the text asks for MIN_SEQUENTIAL packets "in sequence", which 65535, 0 are). */
    if (seq == (uint16_t)(rx->max_seq + 1)) {
      rx->probation--;
      rx->max_seq = seq;
      if (rx->probation == 0) {
        init_seq(rx, seq); /* RFC 3550 A.1: source valid, stats start with this packet */
        rx->received++;
        return RUP_RX_VALID | RUP_RX_NEW_MAX;
      }
    } else {
      rx->probation = RUP_MIN_SEQUENTIAL - 1; /* RFC 3550 A.1 */
      rx->max_seq = seq;
    }
    rx->probation_dropped++;
    return RUP_RX_PROBATION;
  }

  if (udelta < RUP_MAX_DROPOUT) {
    if (udelta == 0) {
      /* RFC 3550 A.1 takes seq == max_seq as "in order" and counts it: a duplicate. */
      flags |= RUP_RX_DUPLICATE;
      rx->duplicates++;
    } else {
      if (seq < rx->max_seq) rx->cycles += RUP_SEQ_MOD; /* RFC 3550 A.1: wrapped */
      seen_advance(rx, rx->max_seq, udelta);
      seen_set(rx, seq);
      rx->max_seq = seq;
      /* RFC 3611 A.2 fed per sequence position: udelta-1 missing, then this one. */
      rup__burst_lost_run(&rx->burst, (uint64_t)udelta - 1);
      rup__burst_packet(&rx->burst, 0);
      flags |= RUP_RX_NEW_MAX;
    }
  } else if (udelta <= RUP_SEQ_MOD - RUP_MAX_MISORDER) {
    if (seq == rx->bad_seq) {
      /* RFC 3550 A.1: two sequential packets after a large jump: the source restarted. */
      init_seq(rx, seq);
      rx->restarts++;
      flags |= RUP_RX_RESTART | RUP_RX_NEW_MAX;
    } else {
      rx->bad_seq = (uint32_t)((seq + 1) & (RUP_SEQ_MOD - 1)); /* RFC 3550 A.1 */
      rx->probation_dropped++;
      rx->bad_seq_dropped++;
      return RUP_RX_BAD_SEQ;
    }
  } else {
    /* RFC 3550 A.1: duplicate or reordered packet, counted. A hole filled late is not
     * fed to RFC 3611 A.2 (it was fed as lost: "treated as discarded"). */
    /* max_seq - seq is 1 .. MAX_MISORDER-1 < RUP_SEQ_WINDOW: its bit is current */
    if (seen_get(rx, seq)) {
      flags |= RUP_RX_DUPLICATE;
      rx->duplicates++;
    } else {
      seen_set(rx, seq);
      flags |= RUP_RX_REORDERED;
      rx->reordered++;
    }
  }
  rx->received++; /* RFC 3550 A.1 */
  return flags | RUP_RX_VALID;
}

/* RFC 3550 A.8 (float form), run for the packets A.1 counts as received (update_seq
 * returned 1): §6.4.1 computes J "for each data packet i received from source SSRC_n",
 * and A.1 says a source is not valid (its packets not received) before probation ends.
 * D uses the previous such packet in arrival order, including reordered ones. */
static void jitter_update(rup_rx *rx, uint32_t ts, int64_t arrival_us) {
  if (rx->clock_rate == 0) return;
  if (rx->have_transit) {
    /* Rj - Ri: arrival difference in µs converted to timestamp units */
    double r = (double)rup__time_diff_us(arrival_us, rx->last_arrival_us) * (double)rx->clock_rate / 1e6;
    uint32_t du = ts - rx->last_ts; /* timestamp difference as signed 32-bit (wrap-safe) */
    double s = du >= 0x80000000u ? -(double)(0x100000000ull - du) : (double)du;
    double d = fabs(r - s);             /* |D(i-1,i)| = |(Rj-Ri) - (Sj-Si)| */
    rx->jitter += (d - rx->jitter) / 16.0; /* RFC 3550 A.8: J += (|D| - J)/16 */
    if (rx->jitter > rx->jitter_max) rx->jitter_max = rx->jitter;
    rx->jitter_sum += rx->jitter;
    rx->jitter_n++;
  }
  rx->have_transit = 1;
  rx->last_arrival_us = arrival_us;
  rx->last_ts = ts;
}

unsigned rup__rx_update(rup_rx *rx, uint16_t seq, uint32_t ts, int64_t arrival_us,
                        size_t payload_bytes, int marker, int pt) {
  rx->packets++;
  rx->bytes += payload_bytes;
  if (!rx->have_arrival) {
    rx->have_arrival = 1;
    rx->first_arrival_us = arrival_us;
  } else {
    int64_t gap = rup__time_diff_us(arrival_us, rx->last_pkt_arrival_us);
    if (gap > rx->max_gap_us) rx->max_gap_us = gap;
  }
  rx->last_pkt_arrival_us = arrival_us;

  rup__ws_update(&rx->ws, seq, ts, arrival_us, marker, pt);

  if (!rx->started) { /* RFC 3550 A.1: new source */
    rx->started = 1;
    init_seq(rx, seq);
    rx->max_seq = (uint16_t)(seq - 1);
    rx->probation = RUP_MIN_SEQUENTIAL;
  }
  unsigned flags = update_seq(rx, seq);
  if (flags & RUP_RX_VALID) jitter_update(rx, ts, arrival_us);
  return flags;
}

/* ---- RFC 3550 A.3 ---- */

uint32_t rup__rx_extended_max(const rup_rx *rx) { return rx->cycles + rx->max_seq; }

uint64_t rup__rx_ext_seq(const rup_rx *rx, uint16_t seq) {
  /* Nearest to the highest sequence number seen: behind it when the forward
   * distance is more than half the space (a late packet), else at or ahead of it. */
  uint64_t max = (uint64_t)rx->cycles + rx->max_seq + RUP_SEQ_MOD; /* bias keeps "behind" >= 0 */
  uint16_t ahead = (uint16_t)(seq - rx->max_seq);
  return ahead < 0x8000 ? max + ahead : max - (uint16_t)(rx->max_seq - seq);
}

static int rx_valid(const rup_rx *rx) { return rx->started && rx->probation == 0; }

uint64_t rup__rx_expected(const rup_rx *rx) {
  if (!rx_valid(rx)) return 0;
  /* RFC 3550 A.3: expected = extended_max - base_seq + 1 */
  return (uint64_t)rup__rx_extended_max(rx) - rx->base_seq + 1;
}

int64_t rup__rx_lost(const rup_rx *rx) {
  return (int64_t)rup__rx_expected(rx) - (int64_t)rx->received; /* RFC 3550 A.3 */
}

int32_t rup__rx_lost_clamped(const rup_rx *rx) {
  int64_t lost = rup__rx_lost(rx);
  /* RFC 3550 §6.4.1: 24-bit signed field, clamp instead of wrapping */
  if (lost > 0x7FFFFF) return 0x7FFFFF;
  if (lost < -0x800000) return -0x800000;
  return (int32_t)lost;
}

uint8_t rup__rx_close_interval(rup_rx *rx) {
  uint64_t expected = rup__rx_expected(rx);
  /* RFC 3550 A.3: per-interval expected/received, then roll the priors */
  int64_t expected_interval = (int64_t)(expected - rx->expected_prior);
  rx->expected_prior = expected;
  int64_t received_interval = (int64_t)(rx->received - rx->received_prior);
  rx->received_prior = rx->received;
  int64_t lost_interval = expected_interval - received_interval;
  uint8_t fraction = 0;
  if (expected_interval > 0 && lost_interval > 0) {
    /* RFC 3550 A.3: (lost_interval << 8) / expected_interval */
    int64_t f = (lost_interval * 256) / expected_interval;
    fraction = (uint8_t)(f > 255 ? 255 : f);
  }
  rx->fraction_lost = fraction;
  return fraction;
}
