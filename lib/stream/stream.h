/* lib/stream: per-SSRC receive statistics, exactly per RFC 3550 A.1/A.3/A.8,
 * RFC 3611 burst/gap, and the same stream measured by tshark's conventions
 * (REFERENCE.md §9) so the two can be compared. No allocation: the struct is
 * embedded in the session's stream object. */
#ifndef RUP_STREAM_H
#define RUP_STREAM_H

#include "core/core.h"

/* RFC 3550 A.1 constants. */
#define RUP_MAX_DROPOUT 3000
#define RUP_MAX_MISORDER 100
#define RUP_MIN_SEQUENTIAL 2
#define RUP_SEQ_MOD (1u << 16)

/* Window (in sequence numbers below the highest) in which duplicates are told
 * apart from late packets. Must cover MAX_MISORDER. */
#define RUP_SEQ_WINDOW 1024

/* a - b for µs timestamps, saturating instead of overflowing on hostile values. */
static inline int64_t rup__time_diff_us(int64_t a, int64_t b) {
  if (b > 0 && a < INT64_MIN + b) return INT64_MIN;
  if (b < 0 && a > INT64_MAX + b) return INT64_MAX;
  return a - b;
}

/* Result flags of rup__rx_update. */
enum {
  RUP_RX_VALID = 1,      /* counted in `received` (RFC 3550 A.1 update_seq returned 1, or A.1 "otherwise" branch) */
  RUP_RX_PROBATION = 2,  /* not counted: source in probation */
  RUP_RX_BAD_SEQ = 4,    /* not counted: one large jump (bad_seq set) */
  RUP_RX_RESTART = 8,    /* source restart: stats were re-initialised by init_seq */
  RUP_RX_DUPLICATE = 16, /* sequence number already received */
  RUP_RX_REORDERED = 32, /* older than the highest, not a duplicate */
  RUP_RX_NEW_MAX = 64    /* advanced max_seq */
};

/* RFC 3611 A.2 burst/gap counters (jitsi/FMJ BurstMetrics naming). rup__rx_update feeds it
 * per sequence position: when the highest seq advances by k, k-1 lost then 1 received. A
 * late packet that fills a hole does not change it (it was fed as lost: "treated as
 * discarded"); duplicates are ignored. */
typedef struct rup_burst {
  uint32_t gmin;
  uint32_t pkt, lost;
  uint64_t c11, c13, c14, c22, c23, c33;
  uint64_t total;                      /* packets expected so far (received + lost events fed) */
} rup_burst;

/* tshark-convention state: TShark 4.0.17 `-z rtp,streams` (ui/tap-rtp-analysis.c
 * rtppacket_analyse, ui/tap-rtp-common.c rtpstream_info_calculate, 4.0 branch). See ws.c
 * for the rules. Times in ms (double), like tshark. */
typedef struct rup_ws {
  uint64_t packets;                    /* tshark total_nr: every packet of the stream */
  int have_first;
  /* 4.0.17 expected: (stop_seq + seq_cycles*65536) - start_seq + 1 */
  uint32_t start_seq;                  /* 16-bit seq of the first packet */
  uint32_t stop_seq;                   /* 16-bit seq of the last packet (arrival order) */
  uint32_t seq_cycles;                 /* wrap count by tshark's "under" heuristic */
  int under;
  /* dissector-style extended seq (packet-rtp.c calculate_extended_seqno); newer
   * Wireshark (MR !16146) computes expected = max - min + 1 from these */
  int64_t ext_seq_last;
  int64_t ext_seq_min, ext_seq_max;
  /* reference for delta/jitter: the last "in time sequence" packet */
  double last_time_ms;                 /* tshark statinfo->time (ms) */
  int64_t last_arrival_us;             /* the same instant in µs (exact deltas) */
  uint32_t first_ts;                   /* RTP timestamp of the first packet */
  double last_nominal_ms;              /* tshark lastnominaltime */
  uint64_t last_ext_ts;                /* dissector extended ts of the last in-time packet (info) */
  uint64_t ext_ts_last_seen;           /* dissector extended ts (calculate_extended_timestamp) */
  uint32_t clock_rate;                 /* clock used for the ws jitter (0 = unknown: no jitter) */
  double jitter_ms;                    /* running J (ms) */
  double delta_ms;                     /* delta of the last in-time packet */
  double min_delta, max_delta, sum_delta;  /* min -1 until a regular packet (as tshark) */
  double min_jitter, max_jitter, sum_jitter;
  double mean_delta, mean_jitter;      /* tshark's running means (divided by total_nr, see ws.c) */
  uint64_t n_delta, n_jitter;          /* regular packets counted (sum_* / n_* = plain mean) */
  int prev_was_cn;                     /* previous packet had PT 13 or 19 */
} rup_ws;

/* tshark `-z rtp,streams` numbers. */
typedef struct rup_ws_result {
  uint64_t packets;
  int64_t expected;                    /* TShark 4.0.17 rule (seq_cycles) */
  int64_t lost;                        /* expected - packets (may be negative) */
  int64_t expected_minmax;             /* newer Wireshark: max ext seq - min ext seq + 1 */
  double min_delta_ms, mean_delta_ms, max_delta_ms;   /* min -1 if no regular packet */
  int has_jitter;                      /* 0: clock unknown (tshark prints min jitter -1) */
  double min_jitter_ms, mean_jitter_ms, max_jitter_ms;
} rup_ws_result;

typedef struct rup_rx {
  /* RFC 3550 A.1 */
  uint16_t max_seq;
  uint32_t cycles;
  uint32_t base_seq;
  uint32_t bad_seq;
  uint32_t probation;
  uint64_t received;
  uint64_t expected_prior;
  uint64_t received_prior;
  uint32_t restarts;
  uint64_t probation_dropped;          /* not counted: probation or single large jump (bad_seq) */
  uint64_t bad_seq_dropped;            /* the bad_seq part of probation_dropped */
  int started;                         /* a first packet was seen */
  /* duplicates / reordering: a ring of bits, bit (seq mod RUP_SEQ_WINDOW) set = received, current
   * for the RUP_SEQ_WINDOW numbers up to max_seq (rx.c). seen, duplicates,
   * reordered and burst restart with init_seq (with `received`), i.e. on a source restart. */
  uint64_t seen[RUP_SEQ_WINDOW / 64];
  uint64_t duplicates, reordered;
  /* RFC 3550 A.8 jitter, float form, timestamp units; computed only when clock_rate > 0, for
   * the packets A.1 counts as received (RUP_RX_VALID), against the previous such packet in
   * arrival order. jitter_sum/jitter_n: mean of the running value (from the 2nd valid packet). */
  uint32_t clock_rate;
  int have_transit;
  int64_t last_arrival_us;             /* arrival of the previous valid packet (A.8 reference) */
  uint32_t last_ts;
  double jitter;
  double jitter_max;
  double jitter_sum;
  uint64_t jitter_n;
  /* A.3 last completed interval */
  uint8_t fraction_lost;
  /* arrivals */
  uint64_t packets, bytes;
  int64_t first_arrival_us, last_pkt_arrival_us;
  int64_t max_gap_us;                  /* longest interval between consecutive arrivals */
  int have_arrival;
  /* RFC 3611 */
  rup_burst burst;
  /* tshark conventions */
  rup_ws ws;
} rup_rx;

/* Initialise for a new source (RFC 3550 A.1: first packet -> init_seq, max_seq = seq-1,
 * probation = MIN_SEQUENTIAL; done inside the first rup__rx_update). gmin: RFC 3611 Gmin. */
void rup__rx_init(rup_rx *rx, uint32_t clock_rate, uint32_t gmin);

/* Set / change the clock rate (e.g. learned later). The A.8 jitter (value, max, sum, n)
 * restarts from the next packet, since its unit changes. Also sets the tshark-convention
 * clock (whose ms jitter carries on, as tshark's does). No-op if unchanged. */
void rup__rx_set_clock_rate(rup_rx *rx, uint32_t clock_rate);

/* One RTP packet. `payload_bytes` counts toward bytes/bitrate. `marker` and `pt`
 * feed the tshark-convention statistics (marker and CN packets excluded there).
 * Returns RUP_RX_* flags. */
unsigned rup__rx_update(rup_rx *rx, uint16_t seq, uint32_t ts, int64_t arrival_us,
                        size_t payload_bytes, int marker, int pt);

/* RFC 3550 A.3 */
uint32_t rup__rx_extended_max(const rup_rx *rx);  /* cycles + max_seq */
/* Extended sequence number of `seq` relative to the highest seen (for the media
 * models; biased by 2^16 so that packets late across the first wrap stay >= 0). */
uint64_t rup__rx_ext_seq(const rup_rx *rx, uint16_t seq);
uint64_t rup__rx_expected(const rup_rx *rx);      /* extended_max - base_seq + 1; 0 before the first valid packet */
int64_t rup__rx_lost(const rup_rx *rx);           /* expected - received (signed, unclamped) */
int32_t rup__rx_lost_clamped(const rup_rx *rx);   /* clamped to the 24-bit field: 0x7FFFFF / -0x800000 */
/* Close a reporting interval: compute fraction lost (A.3) into rx->fraction_lost and
 * roll expected_prior/received_prior. Returns the fraction (0..255). */
uint8_t rup__rx_close_interval(rup_rx *rx);

/* RFC 3611 §4.7.2 / A.2 results (fractions 0..1, durations in ms; all 0 when nothing was
 * lost, where the A.2 formula alone would give burst density 1). ms_per_pkt is the
 * packet interval used for durations (0 = unknown -> durations 0). */
void rup__burst_init(rup_burst *b, uint32_t gmin);
void rup__burst_packet(rup_burst *b, int lost);  /* feed one packet in sequence order */
void rup__burst_lost_run(rup_burst *b, uint64_t n); /* same as n calls rup__burst_packet(b, 1), O(1) */
void rup__burst_result(const rup_burst *b, double ms_per_pkt, double *burst_density,
                       double *gap_density, double *burst_duration_ms, double *gap_duration_ms);

/* RFC 3550 §6.4.1 RTT from a report block seen at `rr_arrival_us`, given that the SR
 * whose middle-32 NTP is `lsr` was seen at `sr_arrival_us` by the same observer:
 * RTT = (A - LSR) - DLSR with (A - LSR) measured on the observer's clock.
 * DLSR is in 1/65536 s and is converted to µs rounded to nearest. Returns RTT in µs, or -1
 * if the result would be negative. The caller skips blocks with LSR == 0 (no SR yet). */
int64_t rup__rtt_us(int64_t sr_arrival_us, int64_t rr_arrival_us, uint32_t dlsr);
/* The RFC's own compact-NTP form: A, LSR, DLSR all in 16.16 seconds. Returns 16.16 RTT. */
uint32_t rup__rtt_ntp16(uint32_t a, uint32_t lsr, uint32_t dlsr);

/* Override only the clock rate used by the tshark-convention jitter (tshark knows the
 * rate of a dynamic PT only from SDP; pass 0 to mimic "no SDP"). rup__rx_set_clock_rate
 * sets both. */
void rup__rx_set_ws_clock_rate(rup_rx *rx, uint32_t clock_rate);

/* tshark conventions (ws.c). rup__ws_update is called by rup__rx_update for every packet. */
void rup__ws_init(rup_ws *ws, uint32_t clock_rate);
void rup__ws_update(rup_ws *ws, uint16_t seq, uint32_t ts, int64_t arrival_us, int marker, int pt);
/* `clock_rate` is not needed (the jitter was computed with the rate in effect at each
 * packet); kept so callers may pass the stream's rate. */
void rup__ws_result(const rup_ws *ws, uint32_t clock_rate, rup_ws_result *out);

#endif
