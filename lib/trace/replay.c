/* rup_replay(): read a capture to its end and feed a session at capture time,
 * through the same calls a live host makes (DESIGN.md §1: one code path).
 *
 * - Look-ahead: datagrams pass through a bounded window (RUP__LOOKAHEAD_US of
 *   capture time, at most RUP__HOLD_PKTS datagrams and RUP__HOLD_BYTES bytes)
 *   before they are pushed. Discovery (SDP in SIP, the RFC 3551 table, payload
 *   structure and the RTP clock slope, which needs 0.5 s of packets) sees each
 *   datagram when it enters the window, so a stream is normally described before
 *   its first packet reaches the session, and its RFC 3550 jitter covers the
 *   whole stream, as if the clock rate had been known from SDP. Timing is not
 *   changed: every datagram is pushed with its own capture time. While no stream
 *   is being discovered the window is empty and datagrams go straight through.
 * - Between datagrams, session time passes through every rup_session_next_deadline()
 *   as a live host's timer would make it, so absences are detected on time (at most
 *   RUP__MAX_STEPS deadlines per datagram, then one advance to its arrival).
 * - Time: real captures can step backwards (clock steps, multi-queue NICs, merged
 *   files); a session refuses that, so the arrival passed is the largest capture
 *   time seen so far.
 * - Non-fatal push results (MALFORMED, TOO_MANY_STREAMS, TIME_REGRESSION) are counted
 *   by the session and the replay goes on; any other error stops it and is returned.
 * - on_progress is called each time another MiB of input has been consumed, and once
 *   at the end; a non-zero return stops the replay with RUP_ERR_CALLBACK_FAILURE.
 * - The end of the capture is the end of the call: rup_session_finish() at the
 *   last record's time closes every open impairment.
 * - on_tick (optional) is called at first record + k * tick_interval_us (k >= 1) of
 *   session time, after every deadline before that time and before the first datagram
 *   at or after it, so a host can sample statistics at a fixed interval (lib/report
 *   time series). Ticks do not change what the session is given: the sequence of
 *   advance and push calls is the same with or without them.
 * - Without opt->local every stream is inbound. */
#include "session/session.h"
#include "trace/trace.h"

#define PROGRESS_STEP (1u << 20)
#define RUP__LOOKAHEAD_US 1000000
#define RUP__HOLD_PKTS 16384
#define RUP__HOLD_BYTES (8u << 20)
/* Deadlines stepped through one by one before a datagram (21 min of 5 s report
 * intervals; stalls and freezes fire within the first seconds of a gap). */
#define RUP__MAX_STEPS 256
/* Ticks fired one by one before a datagram; past it (a timestamp far ahead in a corrupt
 * capture) the grid jumps to the last tick before the datagram. */
#define RUP__MAX_TICKS 100000
#define RUP__MIN_TICK_US 1000

typedef struct ticker {
  int (*fn)(rup_session *s, int64_t now_us, void *user_data);
  void *user_data;
  int64_t interval_us;
  int64_t next_us; /* INT64_MIN until the first record fixes the grid */
} ticker;

typedef struct held {
  int64_t arrival_us;
  rup_endpoint src, dst;
  int dir;
  uint32_t off, len; /* bytes in the ring */
} held;

typedef struct replay_state {
  rup__disc disc;
  rup__sdp sdp;
  held pkts[RUP__HOLD_PKTS];
  size_t head, count;       /* FIFO of held datagrams */
  uint8_t *bytes;           /* RUP__HOLD_BYTES ring */
  uint32_t b_head, b_used;  /* oldest byte, bytes in use (including skipped tails) */
  ticker tk;
} replay_state;

static int push_error_stops(int r) {
  return r < 0 && r != RUP_ERR_MALFORMED && r != RUP_ERR_TOO_MANY_STREAMS && r != RUP_ERR_TIME_REGRESSION;
}

/* a=extmap (RFC 8285 §5) of every media section: the session maps the IDs it knows. */
static void map_extensions(rup_session *s, const rup__sdp *sdp) {
  for (size_t m = 0; m < sdp->n_media; m++)
    for (size_t i = 0; i < sdp->m[m].n_ext; i++)
      (void)rup_session_map_extension(s, sdp->m[m].ext[i].id, sdp->m[m].ext[i].uri);
}

/* Let session time pass to every deadline before `until`, as a live host's timer
 * would. `arrival` is the next datagram's time (until <= arrival). Returns 0 or an
 * error that stops the replay. */
static int step_deadlines(rup_session *s, int64_t until, int64_t arrival, int *steps) {
  for (int64_t d; (d = rup_session_next_deadline(s)) < until;) {
    /* Bounded: the report-interval deadline recurs while a stream is silent, so a long
     * gap (or a corrupt timestamp years ahead) would mean billions of steps. Past
     * RUP__MAX_STEPS (counted per datagram, ticks included) the session catches up to
     * the datagram's arrival in one advance: the same calls with or without ticks. */
    if (++*steps > RUP__MAX_STEPS) d = arrival;
    int a = rup_session_advance(s, d);
    if (a < 0 && a != RUP_ERR_TIME_REGRESSION) return a;
    if (a == RUP_ERR_TIME_REGRESSION || d == arrival) break;
  }
  return 0;
}

/* Fire every tick at or before `t`, each after the deadlines before it. steps == NULL
 * (at the end of the capture): no advance, so rup_session_finish() sees the same
 * session with or without ticks. */
static int run_ticks(ticker *tk, rup_session *s, int64_t t, int *steps) {
  if (!tk->fn || tk->next_us == INT64_MIN) return 0;
  if (tk->next_us <= t && (t - tk->next_us) / tk->interval_us > RUP__MAX_TICKS)
    tk->next_us += (t - tk->next_us) / tk->interval_us * tk->interval_us;
  while (tk->next_us <= t) {
    int r = steps ? step_deadlines(s, tk->next_us, t, steps) : 0;
    if (r < 0) return r;
    if (tk->fn(s, tk->next_us, tk->user_data) != 0) return RUP_ERR_CALLBACK_FAILURE;
    tk->next_us += tk->interval_us;
  }
  return 0;
}

/* Push one datagram as a live host would: first let session time pass to every
 * deadline before it (the host's timer), so absences (stalls, freezes,
 * interruptions) are detected when they would be live. */
static int push(replay_state *st, rup_session *s, const uint8_t *buf, size_t len, int dir, int64_t arrival,
                const rup_endpoint *src, const rup_endpoint *dst) {
  int steps = 0;
  int r = run_ticks(&st->tk, s, arrival, &steps);
  if (r == 0) r = step_deadlines(s, arrival, arrival, &steps);
  if (r < 0) return r;
  r = rup_session_push_udp(s, buf, len, dir, arrival, src, dst);
  return push_error_stops(r) ? r : 0;
}

static int push_now(replay_state *st, rup_session *s, const rup_trace_packet *pkt, int dir, int64_t arrival) {
  return push(st, s, pkt->payload, pkt->payload_len, dir, arrival, &pkt->src, &pkt->dst);
}

/* Push the oldest held datagram to the session and release its bytes. */
static int release_one(replay_state *st, rup_session *s) {
  held *h = &st->pkts[st->head];
  int r = push(st, s, st->bytes + h->off, h->len, h->dir, h->arrival_us, &h->src, &h->dst);
  /* Free from the ring head through this datagram, including a tail skipped when it
   * was placed at offset 0. */
  uint32_t end = h->off + h->len;
  uint32_t freed = end >= st->b_head ? end - st->b_head : RUP__HOLD_BYTES - st->b_head + end;
  st->b_used -= freed;
  st->b_head = end % RUP__HOLD_BYTES;
  if (st->b_used == 0) st->b_head = 0;
  st->head = (st->head + 1) % RUP__HOLD_PKTS;
  st->count--;
  return r;
}

/* Room for len contiguous bytes after the ring's tail; returns the offset or -1. */
static int64_t ring_alloc(replay_state *st, uint32_t len) {
  uint64_t tail = (uint64_t)st->b_head + st->b_used;
  if (tail < RUP__HOLD_BYTES) { /* free: [tail, end) and [0, head) */
    if (RUP__HOLD_BYTES - tail >= len) {
      st->b_used += len;
      return (int64_t)tail;
    }
    if (st->b_head >= len) { /* skip the tail, wrap to the start */
      st->b_used += (uint32_t)(RUP__HOLD_BYTES - tail) + len;
      return 0;
    }
    return -1;
  }
  tail -= RUP__HOLD_BYTES; /* wrapped: free is [tail, head) */
  if (st->b_head - tail >= len) {
    st->b_used += len;
    return (int64_t)tail;
  }
  return -1;
}

static int hold(replay_state *st, rup_session *s, const rup_trace_packet *pkt, int dir, int64_t arrival) {
  if (pkt->payload_len > RUP__HOLD_BYTES / 4) return RUP_ERR_MALFORMED; /* cannot happen: records are capped */
  int64_t off;
  while (st->count == RUP__HOLD_PKTS || (off = ring_alloc(st, (uint32_t)pkt->payload_len)) < 0) {
    int r = release_one(st, s);
    if (r < 0) return r;
  }
  held *h = &st->pkts[(st->head + st->count) % RUP__HOLD_PKTS];
  h->arrival_us = arrival;
  h->src = pkt->src;
  h->dst = pkt->dst;
  h->dir = dir;
  h->off = (uint32_t)off;
  h->len = (uint32_t)pkt->payload_len;
  if (pkt->payload_len) memcpy(st->bytes + off, pkt->payload, pkt->payload_len);
  st->count++;
  return 0;
}

int rup_replay(rup_session *s, rup_trace *t, const rup_replay_options *opt) {
  if (!s || !t) return RUP_ERR_INVALID_ARGUMENT;
  if (opt && opt->version != RUP_REPLAY_OPTIONS_VERSION) return RUP_ERR_VERSION;
  if (opt && opt->local_count && !opt->local) return RUP_ERR_INVALID_ARGUMENT;
  if (opt && opt->on_tick && opt->tick_interval_us < RUP__MIN_TICK_US) return RUP_ERR_INVALID_ARGUMENT;
  const rup_endpoint *local = opt ? opt->local : NULL;
  size_t n_local = opt ? opt->local_count : 0;

  const rup_mem *mem = rup__trace_mem(t);
  replay_state *st = rup__malloc(mem, sizeof *st);
  if (!st) return RUP_ERR_NOMEM;
  st->bytes = rup__malloc(mem, RUP__HOLD_BYTES);
  if (!st->bytes) {
    rup__free(mem, st);
    return RUP_ERR_NOMEM;
  }
  rup__disc_init(&st->disc);
  st->head = st->count = 0;
  st->b_head = st->b_used = 0;
  st->tk.fn = opt ? opt->on_tick : NULL;
  st->tk.user_data = opt ? opt->user_data : NULL;
  st->tk.interval_us = opt ? opt->tick_interval_us : 0;
  st->tk.next_us = INT64_MIN;

  int64_t now = INT64_MIN;
  uint64_t next_progress = PROGRESS_STEP;
  int rc = 0, trace_rc = 0, stopped_by_user = 0;
  rup_trace_info info;
  rup_trace_packet pkt;
  for (;;) {
    int r = rup_trace_next(t, &pkt);
    if (r <= 0) {
      trace_rc = r;
      break;
    }
    int64_t arrival = pkt.ts_us > now ? pkt.ts_us : now; /* clamp: never backwards */
    now = arrival;
    if (st->tk.fn && st->tk.next_us == INT64_MIN) { /* the grid starts at the first record */
      rup_trace_get_info(t, &info);
      int64_t t0 = info.first_ts_us != INT64_MIN && info.first_ts_us < arrival ? info.first_ts_us : arrival;
      st->tk.next_us = t0 > INT64_MAX - st->tk.interval_us ? INT64_MAX : t0 + st->tk.interval_us;
    }
    int dir = rup__disc_direction(&pkt.src, local, n_local);

    /* (a) SDP carried in SIP over UDP. */
    const uint8_t *body;
    size_t body_len;
    if (rup__sip_is_sip(pkt.payload, pkt.payload_len, pkt.src.port, pkt.dst.port) &&
        rup__sip_find_sdp(pkt.payload, pkt.payload_len, &body, &body_len) &&
        rup__sdp_parse(body, body_len, &st->sdp) > 0) {
      rup__disc_add_sdp(&st->disc, &st->sdp);
      map_extensions(s, &st->sdp);
    }

    /* (b) describe a stream as soon as it is known: usually before its first packet
     * leaves the look-ahead window. */
    rup__disc_result dr;
    if (rup__disc_packet(&st->disc, pkt.payload, pkt.payload_len, dir, arrival, &pkt.src, &pkt.dst, &dr)) {
      r = rup__session_describe(s, dr.ssrc, dr.codec, dr.pt, dr.clock, dr.dir, dr.guessed);
      if (r < 0 && r != RUP_ERR_TOO_MANY_STREAMS && r != RUP_ERR_INVALID_ARGUMENT) {
        rc = r;
        break;
      }
    }

    /* (c) every datagram goes to the session once it is older than the window; the
     * window is used only while some stream is still being discovered. */
    if (st->disc.n_pending) rup__disc_expire(&st->disc, arrival);
    int64_t window = st->disc.n_pending ? RUP__LOOKAHEAD_US : -1;
    while (st->count && st->pkts[st->head].arrival_us + window < arrival)
      if ((rc = release_one(st, s)) < 0) break;
    if (rc < 0) break;
    if (window < 0 && st->count == 0)
      rc = push_now(st, s, &pkt, dir, arrival);
    else
      rc = hold(st, s, &pkt, dir, arrival);
    if (rc < 0) break;

    if (opt && opt->on_progress && rup__trace_bytes_read(t) >= next_progress) {
      rup_trace_get_info(t, &info);
      next_progress = info.bytes_read + PROGRESS_STEP;
      if (opt->on_progress(info.bytes_read, info.file_size, opt->user_data) != 0) {
        rc = RUP_ERR_CALLBACK_FAILURE;
        stopped_by_user = 1;
        break;
      }
    }
  }
  while (rc == 0 && st->count)
    rc = release_one(st, s);

  if (rc == 0 || stopped_by_user) {
    /* End at the last record's time (any protocol), never before the last push. */
    rup_trace_get_info(t, &info);
    int64_t end = info.last_ts_us > now ? info.last_ts_us : now;
    if (end != INT64_MIN) {
      if (rc == 0) { /* ticks up to the end (the host samples the rest after finish) */
        int r = run_ticks(&st->tk, s, end, NULL);
        if (r < 0) rc = r;
      }
      int r = rup_session_finish(s, end);
      if (r < 0 && r != RUP_ERR_TIME_REGRESSION && rc == 0) rc = r;
    }
    if (rc == 0 && opt && opt->on_progress) /* final report; nothing left to stop */
      (void)opt->on_progress(info.bytes_read, info.file_size, opt->user_data);
  }
  rup__free(mem, st->bytes);
  rup__free(mem, st);
  return rc != 0 ? rc : trace_rc;
}
