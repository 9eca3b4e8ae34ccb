/* lib/stream: RFC 3550 A.1/A.3/A.8, RFC 3611 A.2, RTT, and the tshark conventions.
 * Expected values are hand-derived in the comments (or come from tshark itself). */
#include "testutil.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "stream/stream.h"

/* ---- helpers ---- */

/* Feed seq/ts/arrival with PT 8, no marker, 160-byte payload. */
static unsigned feed(rup_rx *rx, uint16_t seq, uint32_t ts, int64_t t_us) {
  return rup__rx_update(rx, seq, ts, t_us, 160, 0, 8);
}

/* Feed seqs [from, to] paced 20 ms / 160 ts, returns the next arrival time. */
static int64_t feed_run(rup_rx *rx, uint32_t from, uint32_t to, int64_t t_us) {
  for (uint32_t s = from; s <= to; s++) {
    feed(rx, (uint16_t)s, 160u * s, t_us);
    t_us += 20000;
  }
  return t_us;
}

/* ---- RFC 3550 A.1: probation ---- */

static void test_probation_first_not_counted(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  unsigned f = feed(&rx, 100, 0, 0);
  assert_int_equal(f, RUP_RX_PROBATION);
  assert_int_equal(rx.received, 0);
  assert_int_equal(rx.probation_dropped, 1);
  assert_int_equal(rup__rx_expected(&rx), 0); /* no valid packet yet */
  f = feed(&rx, 101, 160, 20000);               /* MIN_SEQUENTIAL = 2: the 2nd is counted */
  assert_true(f & RUP_RX_VALID);
  assert_int_equal(rx.received, 1);
  assert_int_equal(rx.base_seq, 101);
  assert_int_equal(rup__rx_expected(&rx), 1);
  assert_int_equal(rup__rx_lost(&rx), 0);
  assert_int_equal(rx.packets, 2); /* every packet is counted in packets/bytes */
  assert_int_equal(rx.bytes, 320);
}

static void test_probation_reset_by_non_sequential(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  assert_int_equal(feed(&rx, 100, 0, 0), RUP_RX_PROBATION);
  /* not 101: probation = MIN_SEQUENTIAL - 1, max_seq = 105 */
  assert_int_equal(feed(&rx, 105, 800, 20000), RUP_RX_PROBATION);
  assert_int_equal(rx.probation, RUP_MIN_SEQUENTIAL - 1);
  unsigned f = feed(&rx, 106, 960, 40000);
  assert_true(f & RUP_RX_VALID);
  assert_int_equal(rx.base_seq, 106);
  assert_int_equal(rx.received, 1);
  assert_int_equal(rx.probation_dropped, 2);
  assert_int_equal(rup__rx_expected(&rx), 1);
}

static void test_probation_across_wrap(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  feed(&rx, 65535, 0, 0);
  /* 65535 then 0 is "in sequence" (compared modulo 2^16, see rx.c) */
  assert_true(feed(&rx, 0, 160, 20000) & RUP_RX_VALID);
  assert_int_equal(rx.base_seq, 0);
  assert_int_equal(rx.cycles, 0);
}

/* ---- A.1: wrap, reordering, duplicates ---- */

static void test_wrap_counts_cycles(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  int64_t t = 0;
  for (uint32_t i = 0; i < 20; i++, t += 20000) feed(&rx, (uint16_t)(65530 + i), 160 * i, t);
  /* seqs 65530..65535, 0..13: the first is probation; base 65531, 19 received */
  assert_int_equal(rx.cycles, RUP_SEQ_MOD);
  assert_int_equal(rx.max_seq, 13);
  assert_int_equal(rup__rx_extended_max(&rx), 65536u + 13u);
  assert_int_equal(rup__rx_expected(&rx), 65536u + 13u - 65531u + 1u);
  assert_int_equal(rup__rx_expected(&rx), 19);
  assert_int_equal(rx.received, 19);
  assert_int_equal(rup__rx_lost(&rx), 0);
}

static void test_reorder_within_misorder(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  int64_t t = feed_run(&rx, 1, 5, 0);
  assert_int_equal(feed(&rx, 7, 7 * 160, t), RUP_RX_VALID | RUP_RX_NEW_MAX);
  assert_int_equal(rup__rx_lost(&rx), 1); /* 6 missing so far */
  unsigned f = feed(&rx, 6, 6 * 160, t + 1000);
  assert_int_equal(f, RUP_RX_VALID | RUP_RX_REORDERED);
  feed(&rx, 8, 8 * 160, t + 20000);
  assert_int_equal(rx.reordered, 1);
  assert_int_equal(rx.duplicates, 0);
  assert_int_equal(rx.received, 7); /* 2..8 */
  assert_int_equal(rup__rx_expected(&rx), 7);
  assert_int_equal(rup__rx_lost(&rx), 0);
  /* 99 below the max is still "misordered" (udelta > 65536 - 100) */
  t = feed_run(&rx, 9, 200, t + 40000);
  f = feed(&rx, 101, 101 * 160, t); /* 200 - 101 = 99 */
  assert_int_equal(f, RUP_RX_VALID | RUP_RX_DUPLICATE);
  /* 100 below the max is a large jump (bad_seq), not counted */
  f = feed(&rx, 100, 100 * 160, t + 1);
  assert_int_equal(f, RUP_RX_BAD_SEQ);
}

static void test_reorder_across_wrap(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  int64_t t = 0;
  for (uint32_t s = 65530; s <= 65534; s++, t += 20000) feed(&rx, (uint16_t)s, s * 160, t);
  assert_int_equal(feed(&rx, 0, 65536u * 160u, t), RUP_RX_VALID | RUP_RX_NEW_MAX);
  assert_int_equal(rx.cycles, RUP_SEQ_MOD);
  unsigned f = feed(&rx, 65535, 65535u * 160u, t + 500); /* the late one from before the wrap */
  assert_int_equal(f, RUP_RX_VALID | RUP_RX_REORDERED);
  assert_int_equal(rx.cycles, RUP_SEQ_MOD); /* not a second wrap */
  feed(&rx, 1, 65537u * 160u, t + 20000);
  assert_int_equal(rup__rx_expected(&rx), 65536u + 1u - 65531u + 1u); /* 65531..65535,0,1 = 7 */
  assert_int_equal(rx.received, 7);
  assert_int_equal(rup__rx_lost(&rx), 0);
  assert_int_equal(rx.reordered, 1);
  /* a second copy of 65535 is now a duplicate */
  assert_int_equal(feed(&rx, 65535, 0, t + 20001), RUP_RX_VALID | RUP_RX_DUPLICATE);
}

/* The duplicate/reorder window is a ring of bits indexed by the sequence number's low
 * bits: jumps within a word, across words, across the ring's end and past the whole ring
 * must leave the passed-over numbers unseen and keep the received ones. */
static void test_seen_window_jumps(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  /* 1..1020 in order: every position of the ring was set once, so each jump below passes
   * over bits from the previous lap that must be cleared */
  int64_t t = feed_run(&rx, 1, 1020, 0);
  const unsigned NEW = RUP_RX_VALID | RUP_RX_NEW_MAX, REO = RUP_RX_VALID | RUP_RX_REORDERED,
                 DUP = RUP_RX_VALID | RUP_RX_DUPLICATE;
  struct {
    uint16_t seq;
    unsigned flags;
  } steps[] = {
      {1090, NEW}, {1060, REO}, {1060, DUP}, {1024, REO}, {1021, REO}, {1020, DUP}, /* across the ring's end */
      {1089, REO}, {1090, DUP}, {1030, REO}, {1031, REO},
      {1095, NEW}, {1093, REO}, {1094, REO}, {1092, REO}, {1091, REO}, {1092, DUP}, /* within a word */
      {3089, NEW}, {3060, REO}, {3060, DUP}, {2990, REO}, {3089, DUP},              /* 1994 ahead: all passed */
      {3090, NEW}, {3091, NEW}, {3090, DUP},
  };
  uint64_t reo = rx.reordered, dup = rx.duplicates;
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    unsigned f = feed(&rx, steps[i].seq, 160u * steps[i].seq, t += 1000);
    if (f != steps[i].flags) fail_msg("step %zu (seq %u): flags %#x, expected %#x", i, steps[i].seq, f, steps[i].flags);
    reo += f == REO;
    dup += f == DUP;
  }
  assert_int_equal(rx.reordered, reo);
  assert_int_equal(rx.duplicates, dup);
  assert_int_equal(rx.max_seq, 3091);
}

static void test_duplicates_make_lost_negative(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  int64_t t = feed_run(&rx, 1, 10, 0); /* 2..10 counted */
  assert_int_equal(feed(&rx, 10, 1600, t), RUP_RX_VALID | RUP_RX_DUPLICATE); /* seq == max */
  assert_int_equal(feed(&rx, 8, 1280, t + 1), RUP_RX_VALID | RUP_RX_DUPLICATE);
  assert_int_equal(rx.duplicates, 2);
  assert_int_equal(rx.reordered, 0);
  assert_int_equal(rx.received, 11);
  assert_int_equal(rup__rx_expected(&rx), 9);
  assert_int_equal(rup__rx_lost(&rx), -2); /* RFC 3550 A.3: lost may be negative */
  assert_int_equal(rup__rx_lost_clamped(&rx), -2);
}

static void test_single_large_jump_not_counted(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  int64_t t = feed_run(&rx, 1, 10, 0);
  assert_int_equal(feed(&rx, 5000, 0, t), RUP_RX_BAD_SEQ);
  assert_int_equal(rx.bad_seq, 5001);
  t = feed_run(&rx, 11, 20, t + 20000);
  assert_int_equal(rx.received, 19);
  assert_int_equal(rup__rx_lost(&rx), 0);
  assert_int_equal(rx.restarts, 0);
  assert_int_equal(rx.bad_seq_dropped, 1);
  assert_int_equal(rx.probation_dropped, 2); /* first packet + the jump */
}

static void test_restart_after_two_jumps(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  int64_t t = feed_run(&rx, 1, 10, 0);
  feed(&rx, 8, 0, t); /* a duplicate, to see it reset */
  assert_int_equal(feed(&rx, 40000, 0, t + 1), RUP_RX_BAD_SEQ);
  unsigned f = feed(&rx, 40001, 160, t + 20000);
  assert_int_equal(f, RUP_RX_VALID | RUP_RX_RESTART | RUP_RX_NEW_MAX);
  assert_int_equal(rx.restarts, 1);
  assert_int_equal(rx.base_seq, 40001);
  assert_int_equal(rx.received, 1); /* stats reset; the second packet is counted */
  assert_int_equal(rx.duplicates, 0);
  assert_int_equal(rup__rx_expected(&rx), 1);
  assert_int_equal(rup__rx_lost(&rx), 0);
  feed(&rx, 40003, 480, t + 60000);
  assert_int_equal(rup__rx_expected(&rx), 3);
  assert_int_equal(rup__rx_lost(&rx), 1);
}

/* ---- A.3 ---- */

static void test_fraction_lost(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  feed(&rx, 0, 0, 0);
  feed(&rx, 1, 160, 20000);
  assert_int_equal(rup__rx_close_interval(&rx), 0); /* expected 1, received 1 */
  feed(&rx, 3, 480, 60000);
  feed(&rx, 4, 640, 80000);
  /* interval: expected 3 (2,3,4), received 2 -> (1 << 8) / 3 = 85 */
  assert_int_equal(rup__rx_close_interval(&rx), (1 << 8) / 3);
  assert_int_equal(rx.fraction_lost, 85);
  /* empty interval -> 0 */
  assert_int_equal(rup__rx_close_interval(&rx), 0);
  /* negative loss in the interval (duplicates) -> 0 */
  feed(&rx, 5, 800, 100000);
  feed(&rx, 5, 800, 100001);
  assert_int_equal(rup__rx_close_interval(&rx), 0);
  /* 3 of 4 lost -> (3 << 8) / 4 = 192 */
  feed(&rx, 9, 1440, 180000);
  assert_int_equal(rup__rx_close_interval(&rx), 192);
}

static void test_lost_clamp(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  feed(&rx, 0, 0, 0);
  feed(&rx, 1, 0, 1);
  uint32_t seq = 1;
  int64_t t = 2;
  /* 2800 jumps of 2999 (< MAX_DROPOUT): 2800 * 2998 = 8394400 lost > 0x7FFFFF */
  for (int i = 0; i < 2800; i++) {
    seq += 2999;
    assert_true(feed(&rx, (uint16_t)seq, 0, t++) & RUP_RX_VALID);
  }
  assert_int_equal(rup__rx_lost(&rx), 2800 * 2998);
  assert_int_equal(rup__rx_lost_clamped(&rx), 0x7FFFFF);
  assert_int_equal(rup__rx_expected(&rx), (uint64_t)seq - 1 + 1);

  rup__rx_init(&rx, 8000, 16);
  feed(&rx, 0, 0, 0);
  feed(&rx, 1, 0, 1);
  for (int i = 0; i < 0x800001; i++) feed(&rx, 1, 0, 2); /* duplicates of the max */
  assert_int_equal(rup__rx_lost(&rx), -0x800001);
  assert_int_equal(rup__rx_lost_clamped(&rx), -0x800000);
}

/* ---- A.8 jitter ---- */

static void test_jitter_hand_computed(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16); /* 8 ts units per ms */
  feed(&rx, 10, 1000, 0);       /* probation: no jitter state */
  feed(&rx, 11, 1160, 20000);   /* first valid: reference only */
  assert_true(rx.jitter == 0.0);
  assert_int_equal(rx.jitter_n, 0);
  feed(&rx, 12, 1320, 42000); /* R 22 ms = 176, S 160: |D| 16 -> J = 16/16 */
  double j = 16.0 / 16.0;
  assert_true(rx.jitter == j);
  double sum = j;
  feed(&rx, 13, 1480, 58000); /* R 16 ms = 128, S 160: |D| 32 */
  j += (32.0 - j) / 16.0;
  assert_true(rx.jitter == j);
  assert_true(j == 2.9375);
  sum += j;
  feed(&rx, 15, 1800, 100000); /* R 42 ms = 336, S 320: |D| 16 */
  j += (16.0 - j) / 16.0;
  sum += j;
  assert_true(rx.jitter == j);
  /* reordered: against the previous packet in arrival order, S = 1640 - 1800 = -160 */
  assert_true(feed(&rx, 14, 1640, 101000) & RUP_RX_REORDERED); /* R 1 ms = 8: |D| = 168 */
  j += (168.0 - j) / 16.0;
  sum += j;
  assert_true(rx.jitter == j);
  assert_true(j == 14.019287109375);
  assert_true(rx.jitter_max == j);
  assert_int_equal(rx.jitter_n, 4);
  assert_true(rx.jitter_sum == sum);
}

static void test_jitter_timestamp_wrap(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  feed(&rx, 1, 0xFFFFFE60u, 0);
  feed(&rx, 2, 0xFFFFFF00u, 20000);
  feed(&rx, 3, 0xFFFFFFA0u, 40000);
  feed(&rx, 4, 0x00000040u, 60000); /* +160 across the wrap, on time: D = 0 */
  assert_true(rx.jitter == 0.0);
  feed(&rx, 5, 0x000000E0u, 81000); /* R 21 ms = 168, S 160: |D| 8 -> J 0.5 */
  assert_true(rx.jitter == 0.5);
}

static void test_jitter_clock_unknown_and_change(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 0, 16);
  int64_t t = feed_run(&rx, 1, 10, 0);
  assert_int_equal(rx.jitter_n, 0); /* clock unknown: no jitter */
  rup__rx_set_clock_rate(&rx, 8000);
  feed(&rx, 11, 11 * 160, t);             /* reference */
  feed(&rx, 12, 12 * 160, t + 21000);     /* |D| 8 */
  assert_true(rx.jitter == 0.5);
  rup__rx_set_clock_rate(&rx, 16000);     /* new unit: restarts */
  assert_true(rx.jitter == 0.0);
  assert_int_equal(rx.jitter_n, 0);
}

/* ---- 24 hours at 50 packets/s ---- */

static void test_24h_stream(void **state) {
  (void)state;
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  const uint32_t n = 50u * 86400u; /* 4,320,000 packets: the sequence wraps 65 times */
  const uint16_t seq0 = 12345;
  const uint32_t ts0 = 0xF0000000u; /* and the timestamp wraps once */
  for (uint32_t i = 0; i < n; i++)
    feed(&rx, (uint16_t)(seq0 + i), ts0 + 160u * i, (int64_t)i * 20000);
  uint32_t wraps = (seq0 + n - 1) / 65536u;
  assert_int_equal(rx.cycles, wraps * 65536u);
  assert_int_equal(rup__rx_extended_max(&rx), (uint32_t)seq0 + n - 1);
  assert_int_equal(rx.received, n - 1); /* the first packet is probation */
  assert_int_equal(rup__rx_expected(&rx), n - 1);
  assert_int_equal(rup__rx_lost(&rx), 0);
  assert_int_equal(rx.duplicates, 0);
  assert_int_equal(rx.reordered, 0);
  assert_true(rx.jitter == 0.0);
  assert_true(rx.jitter_max == 0.0);
  assert_int_equal(rx.packets, n);
  assert_int_equal(rx.max_gap_us, 20000);
  rup_ws_result w;
  rup__ws_result(&rx.ws, 8000, &w);
  assert_int_equal(w.packets, n);
  assert_int_equal(w.expected, n);
  assert_int_equal(w.lost, 0);
  assert_true(w.max_jitter_ms == 0.0);
  assert_true(w.max_delta_ms == 20.0 && w.min_delta_ms == 20.0);
}

/* ---- RFC 3611 A.2 ---- */

static void test_burst_hand_computed(void **state) {
  (void)state;
  /* Gmin 16. 20 received, 1 lost (isolated: gap), 20 received, then a burst of 3 losses
   * within 5 packets (L R L R L), then 20 received.
   * A.2 trace: loss1 pkt=20>=16, lost 0 -> c13=1, lost=1, c11=20; loss2 pkt=20 lost==1 ->
   * c14=1, c11=40; loss3 pkt=1 -> lost=2, c23=1, c22+=0; loss4 same -> c23=2.
   * s1x = c11+c13+c14 = 42, s2x = c22+c23 = 2, s3x = c13+c23+c33 = 3, s = 47.
   * p23 = 1 (c22 = 0), p32 = c23/s3x = 2/3: burst density = 1/(1+2/3) = 0.6 (3 of 5);
   * gap density = c14/(c11+c14) = 1/41; at 20 ms: gap = 42*20/1 = 840 ms,
   * burst = 47*20/1 - 840 = 100 ms (the 5 packets L R L R L). */
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  int64_t t = 0;
  feed(&rx, 0, 0, t); /* probation */
  t = feed_run(&rx, 1, 20, 1);
  t = feed_run(&rx, 22, 41, t);      /* 21 lost */
  t = feed_run(&rx, 43, 43, t);      /* 42 lost */
  t = feed_run(&rx, 45, 45, t);      /* 44 lost */
  t = feed_run(&rx, 47, 66, t);      /* 46 lost */
  feed(&rx, 21, 21 * 160, t);        /* late: fills a hole, "treated as discarded" */
  feed(&rx, 50, 50 * 160, t + 1);    /* duplicate: ignored */
  const rup_burst *b = &rx.burst;
  assert_int_equal(b->c11, 40);
  assert_int_equal(b->c13, 1);
  assert_int_equal(b->c14, 1);
  assert_int_equal(b->c22, 0);
  assert_int_equal(b->c23, 2);
  assert_int_equal(b->c33, 0);
  assert_int_equal(b->total, 66); /* sequence positions 1..66 */
  double bd, gd, bdur, gdur;
  rup__burst_result(b, 20.0, &bd, &gd, &bdur, &gdur);
  assert_true(fabs(bd - 0.6) < 1e-12);
  assert_true(fabs(gd - 1.0 / 41.0) < 1e-12);
  assert_true(fabs(gdur - 840.0) < 1e-9);
  assert_true(fabs(bdur - 100.0) < 1e-9);
  /* unknown packet interval: durations 0 */
  rup__burst_result(b, 0.0, &bd, &gd, &bdur, &gdur);
  assert_true(bdur == 0.0 && gdur == 0.0);
}

static void test_burst_consecutive_and_run(void **state) {
  (void)state;
  /* Consecutive losses after a loss go to c33; rup__burst_lost_run == n single calls. */
  for (uint32_t gmin = 0; gmin <= 2; gmin++) {
    rup_burst a, b;
    rup__burst_init(&a, gmin);
    rup__burst_init(&b, gmin);
    for (int i = 0; i < 5; i++) {
      rup__burst_packet(&a, 0);
      rup__burst_packet(&b, 0);
    }
    for (int i = 0; i < 7; i++) rup__burst_packet(&a, 1);
    rup__burst_lost_run(&b, 7);
    rup__burst_packet(&a, 0);
    rup__burst_packet(&b, 0);
    rup__burst_packet(&a, 1);
    rup__burst_lost_run(&b, 1);
    assert_int_equal(a.pkt, b.pkt);
    assert_int_equal(a.lost, b.lost);
    assert_int_equal(a.c11, b.c11);
    assert_int_equal(a.c13, b.c13);
    assert_int_equal(a.c14, b.c14);
    assert_int_equal(a.c22, b.c22);
    assert_int_equal(a.c23, b.c23);
    assert_int_equal(a.c33, b.c33);
    assert_int_equal(a.total, b.total);
    if (gmin == 2) {
      assert_int_equal(a.c13, 1);  /* first loss after 5 >= 2 received */
      assert_int_equal(a.c33, 6);  /* 6 more with pkt == 0 */
      assert_int_equal(a.c23, 1);  /* the loss after 1 received (< Gmin) */
      assert_int_equal(a.c22, 0);
    }
  }
  /* no loss: densities 0 */
  rup_burst c;
  rup__burst_init(&c, 16);
  for (int i = 0; i < 100; i++) rup__burst_packet(&c, 0);
  double bd = -1, gd = -1, bdur = -1, gdur = -1;
  rup__burst_result(&c, 20.0, &bd, &gd, &bdur, &gdur);
  assert_true(bd == 0.0 && gd == 0.0 && bdur == 0.0 && gdur == 0.0);
}

/* ---- RTT ---- */

static void test_rtt(void **state) {
  (void)state;
  /* RFC 3550 §6.4.1 example: A 0xb710:8000, LSR 0xb705:2000, DLSR 0x0005:4000 -> 6.125 s */
  assert_int_equal(rup__rtt_ntp16(0xb7108000u, 0xb7052000u, 0x00054000u), 0x00062000u);
  assert_int_equal(0x00062000u, (uint32_t)(6.125 * 65536.0));
  /* Same on our clock: SR seen at 1 s, RR at 1 s + 5.25 s (DLSR) + 6.125 s */
  assert_int_equal(rup__rtt_us(1000000, 1000000 + 5250000 + 6125000, 0x00054000u), 6125000);
  /* DLSR rounds to the nearest µs: 3/65536 s = 45.776... µs -> 46 */
  assert_int_equal(rup__rtt_us(0, 1000, 3), 1000 - 46);
  assert_int_equal(rup__rtt_us(0, 1000, 0x10000), -1); /* negative: rejected */
  assert_int_equal(rup__rtt_us(5000, 1000, 0), -1);
}

/* ---- tshark conventions, hand-computed ---- */

static void test_ws_marker_and_mean_divisor(void **state) {
  (void)state;
  rup_ws ws;
  rup__ws_init(&ws, 8000);
  /* ms arrival / ts: 0/0, 20/160, 45/320 (marker), 65/480, 95/640 */
  rup__ws_update(&ws, 1, 0, 0, 0, 8);
  rup__ws_update(&ws, 2, 160, 20000, 0, 8); /* delta 20, D 0, J 0; mean = 20/1 */
  rup__ws_update(&ws, 3, 320, 45000, 1, 8); /* marker: J = 5/16, not in the stats */
  double j = 5.0 / 16.0;
  assert_true(ws.jitter_ms == j);
  rup__ws_update(&ws, 4, 480, 65000, 0, 8); /* delta 20, D 0 */
  j = 15.0 * j / 16.0;
  double mean_j = (0.0 * 2 + j) / 3.0; /* total_nr = 3 packets before this one */
  rup__ws_update(&ws, 5, 640, 95000, 0, 8); /* delta 30, D 10 */
  j = (15.0 * j + 10.0) / 16.0;
  mean_j = (mean_j * 3 + j) / 4.0;
  rup_ws_result w;
  rup__ws_result(&ws, 8000, &w);
  assert_int_equal(w.packets, 5);
  assert_int_equal(w.expected, 5);
  assert_int_equal(w.lost, 0);
  assert_true(w.max_delta_ms == 30.0);      /* the marker's 25 ms is excluded */
  assert_true(w.min_delta_ms == 20.0);
  /* tshark: ((20*1 + 20)*... ) running mean over total_nr: (20*2 + 20)/3 = 20, (20*3 + 30)/4 */
  assert_true(w.mean_delta_ms == 22.5);      /* not the plain mean 23.33 of 20, 20, 30 */
  assert_true(fabs(ws.sum_delta / (double)ws.n_delta - 70.0 / 3.0) < 1e-12);
  assert_true(w.has_jitter);
  assert_true(w.min_jitter_ms == 0.0);
  assert_true(w.max_jitter_ms == j);
  assert_true(w.mean_jitter_ms == mean_j);
}

static void test_ws_cn_and_no_clock(void **state) {
  (void)state;
  rup_ws ws;
  rup__ws_init(&ws, 0);
  rup__ws_update(&ws, 1, 0, 0, 0, 111);
  rup__ws_update(&ws, 2, 160, 20000, 0, 111);
  rup__ws_update(&ws, 3, 320, 90000, 0, 13);  /* CN: excluded */
  rup__ws_update(&ws, 4, 480, 160000, 0, 111); /* after CN: excluded */
  rup__ws_update(&ws, 5, 640, 185000, 0, 111);
  rup_ws_result w;
  rup__ws_result(&ws, 0, &w);
  assert_int_equal(w.has_jitter, 0);
  assert_true(w.min_jitter_ms == -1.0); /* tshark prints -1.000 */
  assert_true(w.max_delta_ms == 25.0);
  assert_true(w.min_delta_ms == 20.0);
}

/* Sequences whose tshark 4.0.17 numbers distinguish its rules from newer Wireshark
 * (late last packet, packet older than the first, reorder across the seq wrap, marker/CN,
 * duplicates with a timestamp wrap). The packets are generated here; the expected line
 * is what `tshark -q -o rtp.heuristic_rtp:TRUE -z rtp,streams` printed for the same
 * packets written to a pcap (Ethernet/IPv4/UDP, PT 8, SSRC 0x11223344). */
typedef struct ws_case {
  const char *name;
  uint16_t seq0;
  uint32_t ts0;
  int order[220];
  int n;
  int marker[2], cn[3];
  uint64_t pkts;
  int64_t lost;
  double d[6]; /* min/mean/max delta, min/mean/max jitter (ms) */
} ws_case;

static int in_list(const int *l, int n, int k) {
  for (int i = 0; i < n; i++)
    if (l[i] == k) return 1;
  return 0;
}

static void run_ws_case(const ws_case *c) {
  rup_rx rx;
  rup__rx_init(&rx, 8000, 16);
  int64_t t = 1000000;
  for (int k = 0; k < c->n; k++) {
    int i = c->order[k];
    t += 20000 + ((k * 7919) % 4001) - 2000;
    int pt = in_list(c->cn, 3, k) ? 13 : 8;
    rup__rx_update(&rx, (uint16_t)(c->seq0 + i), c->ts0 + 160u * (uint32_t)i, t, 160,
                   in_list(c->marker, 2, k), pt);
  }
  rup_ws_result w;
  rup__ws_result(&rx.ws, 8000, &w);
  double got[6] = {w.min_delta_ms, w.mean_delta_ms, w.max_delta_ms,
                   w.min_jitter_ms, w.mean_jitter_ms, w.max_jitter_ms};
  if (w.packets != c->pkts || w.lost != c->lost) {
    fprintf(stderr, "%s: pkts %llu lost %lld\n", c->name, (unsigned long long)w.packets, (long long)w.lost);
    fail();
  }
  for (int i = 0; i < 6; i++) {
    if (fabs(got[i] - c->d[i]) > 0.0005 + 1e-9) { /* tshark prints 3 decimals */
      fprintf(stderr, "%s: column %d: %.6f vs tshark %.3f\n", c->name, i, got[i], c->d[i]);
      fail();
    }
  }
}

static void fill_range(int *o, int *n, int from, int to) {
  for (int i = from; i <= to; i++) o[(*n)++] = i;
}

static void test_ws_tshark_cases(void **state) {
  (void)state;
  static ws_case c;
  /* late last packet: 0..49 then 45 (4.0: stop_seq = last seq -> lost -5; it is "in time"
   * relative to the first packet, so it enters the jitter stats) */
  memset(&c, 0, sizeof c);
  c.name = "late_last";
  c.seq0 = 1000;
  c.ts0 = 5000;
  fill_range(c.order, &c.n, 0, 49);
  c.order[c.n++] = 45;
  c.marker[0] = c.marker[1] = -1;
  c.cn[0] = c.cn[1] = c.cn[2] = -1;
  c.pkts = 51;
  c.lost = -5;
  memcpy(c.d, (double[6]){18.017, 20.045, 21.935, 0.120, 0.792, 7.467}, sizeof c.d);
  run_ws_case(&c);
  /* 1, 0, 2..49: packet 0 is older than the first -> not in time: no cycle, no delta */
  memset(&c, 0, sizeof c);
  c.name = "start_late";
  c.seq0 = 1000;
  c.ts0 = 5000;
  c.order[c.n++] = 1;
  c.order[c.n++] = 0;
  fill_range(c.order, &c.n, 2, 49);
  c.marker[0] = c.marker[1] = -1;
  c.cn[0] = c.cn[1] = c.cn[2] = -1;
  c.pkts = 50;
  c.lost = -1;
  memcpy(c.d, (double[6]){18.017, 20.008, 43.753, 0.676, 1.045, 1.516}, sizeof c.d);
  run_ws_case(&c);
  /* seq 65505..: 0..29, 31, 30, 32..199 -> the under heuristic counts two cycles */
  memset(&c, 0, sizeof c);
  c.name = "wrap_reorder";
  c.seq0 = 65505;
  c.ts0 = 5000;
  fill_range(c.order, &c.n, 0, 29);
  c.order[c.n++] = 31;
  c.order[c.n++] = 30;
  fill_range(c.order, &c.n, 32, 199);
  c.marker[0] = c.marker[1] = -1;
  c.cn[0] = c.cn[1] = c.cn[2] = -1;
  c.pkts = 200;
  c.lost = 65536;
  memcpy(c.d, (double[6]){18.017, 20.054, 21.986, 0.120, 1.316, 5.120}, sizeof c.d);
  run_ws_case(&c);
  /* 0..59 with markers at packets 5, 30 and CN at 10..12 */
  memset(&c, 0, sizeof c);
  c.name = "marker_cn";
  c.seq0 = 1000;
  c.ts0 = 5000;
  fill_range(c.order, &c.n, 0, 59);
  c.marker[0] = 5;
  c.marker[1] = 30;
  c.cn[0] = 10;
  c.cn[1] = 11;
  c.cn[2] = 12;
  c.pkts = 60;
  c.lost = 0;
  memcpy(c.d, (double[6]){18.017, 20.321, 21.935, 0.120, 0.739, 1.323}, sizeof c.d);
  run_ws_case(&c);
  /* duplicates and losses across an RTP timestamp wrap */
  memset(&c, 0, sizeof c);
  c.name = "dup_loss";
  c.seq0 = 1000;
  c.ts0 = 0xFFFFFFFFu - 160u * 25u;
  fill_range(c.order, &c.n, 0, 19);
  c.order[c.n++] = 19;
  c.order[c.n++] = 19;
  fill_range(c.order, &c.n, 22, 39);
  c.order[c.n++] = 38;
  fill_range(c.order, &c.n, 40, 49);
  c.marker[0] = c.marker[1] = -1;
  c.cn[0] = c.cn[1] = c.cn[2] = -1;
  c.pkts = 51;
  c.lost = -1;
  memcpy(c.d, (double[6]){18.017, 20.045, 21.935, 0.120, 2.596, 5.596}, sizeof c.d);
  run_ws_case(&c);
}

/* ---- real captures vs their .tshark.txt ---- */

typedef struct ts_row {
  uint32_t ssrc;
  uint64_t pkts;
  int64_t lost;
  double d[6];
} ts_row;

/* Parse the data rows of `tshark -z rtp,streams`: ..., SSRC, Payload..., Pkts, Lost (p%),
 * min/mean/max delta, min/mean/max jitter. */
static int parse_tshark(const char *path, ts_row *rows, int max) {
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char line[1024];
  int n = 0;
  while (n < max && fgets(line, sizeof line, f)) {
    char *tok[40];
    int nt = 0;
    for (char *p = strtok(line, " \t\n"); p && nt < 40; p = strtok(NULL, " \t\n")) tok[nt++] = p;
    int s = -1, l = -1;
    for (int i = 0; i < nt; i++) {
      if (s < 0 && strncmp(tok[i], "0x", 2) == 0) s = i;
      if (s >= 0 && l < 0 && tok[i][0] == '(') l = i;
    }
    if (s < 0 || l < s + 3 || l + 6 >= nt) continue;
    rows[n].ssrc = (uint32_t)strtoul(tok[s], NULL, 16);
    rows[n].pkts = strtoull(tok[l - 2], NULL, 10);
    rows[n].lost = strtoll(tok[l - 1], NULL, 10);
    for (int i = 0; i < 6; i++) rows[n].d[i] = strtod(tok[l + 1 + i], NULL);
    n++;
  }
  fclose(f);
  return n;
}

typedef struct walk_stream {
  uint32_t ssrc;
  rup_rx rx;
} walk_stream;

/* A minimal pcap walker (µs, little-endian; Ethernet or raw IPv4) feeding each RTP SSRC. */
static int walk_pcap(const uint8_t *buf, size_t len, uint32_t clock_rate, walk_stream *st, int max) {
  int ns = 0;
  if (len < 24 || rup__rd32le(buf) != 0xa1b2c3d4u) return -1;
  uint32_t link = rup__rd32le(buf + 20);
  size_t off = 24;
  while (off + 16 <= len) {
    int64_t t = (int64_t)rup__rd32le(buf + off) * 1000000 + rup__rd32le(buf + off + 4);
    uint32_t cl = rup__rd32le(buf + off + 8);
    off += 16;
    if (cl > len - off) break;
    const uint8_t *p = buf + off;
    size_t l = cl;
    off += cl;
    if (link == 1) { /* Ethernet II, IPv4 only */
      if (l < 14 || rup__rd16(p + 12) != 0x0800) continue;
      p += 14;
      l -= 14;
    } else if (link != 101) {
      return -1;
    }
    if (l < 20 || (p[0] >> 4) != 4 || p[9] != 17) continue;
    size_t ihl = (size_t)(p[0] & 15) * 4;
    if (ihl < 20 || l < ihl + 8) continue;
    p += ihl + 8;
    l -= ihl + 8;
    /* RTP v2 only; skip keep-alives (< 12 bytes) and RTCP (PT byte 192..223) */
    if (l < 12 || (p[0] >> 6) != 2 || (p[1] >= 192 && p[1] <= 223)) continue;
    uint32_t ssrc = rup__rd32(p + 8);
    int i;
    for (i = 0; i < ns; i++)
      if (st[i].ssrc == ssrc) break;
    if (i == ns) {
      if (ns == max) continue;
      st[ns].ssrc = ssrc;
      rup__rx_init(&st[ns].rx, clock_rate, 16);
      ns++;
    }
    rup__rx_update(&st[i].rx, rup__rd16(p + 2), rup__rd32(p + 4), t, l - 12, p[1] >> 7, p[1] & 0x7f);
  }
  return ns;
}

static int check_capture(const char *name, uint32_t clock_rate, int compare_all) {
  const char *path = rt_shared(name);
  if (!path) return 0;
  char tpath[4200];
  snprintf(tpath, sizeof tpath, "%s.tshark.txt", path);
  ts_row rows[8];
  int nr = parse_tshark(tpath, rows, 8);
  assert_true(nr > 0);
  size_t len = 0;
  uint8_t *buf = rt_read_file(path, &len);
  assert_non_null(buf);
  static walk_stream st[8];
  int ns = walk_pcap(buf, len, clock_rate, st, 8);
  free(buf);
  assert_int_equal(ns, nr);
  for (int r = 0; r < nr; r++) {
    int i;
    for (i = 0; i < ns; i++)
      if (st[i].ssrc == rows[r].ssrc) break;
    assert_true(i < ns);
    rup_ws_result w;
    rup__ws_result(&st[i].rx.ws, clock_rate, &w);
    assert_int_equal(w.packets, rows[r].pkts);
    assert_int_equal(w.lost, rows[r].lost);
    assert_true(fabs(w.max_delta_ms - rows[r].d[2]) <= 0.01);
    if (compare_all) {
      assert_true(fabs(w.min_delta_ms - rows[r].d[0]) <= 0.01);
      assert_true(fabs(w.mean_delta_ms - rows[r].d[1]) <= 0.01);
      assert_true(w.has_jitter);
      assert_true(fabs(w.mean_jitter_ms - rows[r].d[4]) <= 0.01 * rows[r].d[4] + 0.0005);
      assert_true(fabs(w.max_jitter_ms - rows[r].d[5]) <= 0.01 * rows[r].d[5] + 0.0005);
    } else {
      assert_int_equal(w.has_jitter, 0);
      assert_true(rows[r].d[3] == -1.0); /* tshark had no clock either */
    }
    /* The RFC view of the same clean captures: nothing lost. */
    assert_int_equal(rup__rx_lost(&st[i].rx), 0);
  }
  return 1;
}

static void test_capture_sipp_g711a(void **state) {
  (void)state;
  if (!check_capture("sipp-scenarios_g711a.pcap", 8000, 1)) skip();
}

static void test_capture_pcma(void **state) {
  (void)state;
  if (!check_capture("wireshark_samples_pcma.pcap", 8000, 1)) skip();
}

static void test_capture_opus(void **state) {
  (void)state;
  if (!check_capture("wireshark_samples_opus.pcap", 0, 0)) skip();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_probation_first_not_counted),
      cmocka_unit_test(test_probation_reset_by_non_sequential),
      cmocka_unit_test(test_probation_across_wrap),
      cmocka_unit_test(test_wrap_counts_cycles),
      cmocka_unit_test(test_reorder_within_misorder),
      cmocka_unit_test(test_reorder_across_wrap),
      cmocka_unit_test(test_seen_window_jumps),
      cmocka_unit_test(test_duplicates_make_lost_negative),
      cmocka_unit_test(test_single_large_jump_not_counted),
      cmocka_unit_test(test_restart_after_two_jumps),
      cmocka_unit_test(test_fraction_lost),
      cmocka_unit_test(test_lost_clamp),
      cmocka_unit_test(test_jitter_hand_computed),
      cmocka_unit_test(test_jitter_timestamp_wrap),
      cmocka_unit_test(test_jitter_clock_unknown_and_change),
      cmocka_unit_test(test_24h_stream),
      cmocka_unit_test(test_burst_hand_computed),
      cmocka_unit_test(test_burst_consecutive_and_run),
      cmocka_unit_test(test_rtt),
      cmocka_unit_test(test_ws_marker_and_mean_divisor),
      cmocka_unit_test(test_ws_cn_and_no_clock),
      cmocka_unit_test(test_ws_tshark_cases),
      cmocka_unit_test(test_capture_sipp_g711a),
      cmocka_unit_test(test_capture_pcma),
      cmocka_unit_test(test_capture_opus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
