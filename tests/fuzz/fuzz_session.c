/* Fuzz target for the whole session, through the public API only (rupture.h).
 *
 * A data producer (zstd fuzz_data_producer / ngtcp2 FuzzedDataProvider style) turns the
 * input into a configuration and a sequence of steps: (time delta, direction, packet),
 * advance, describe_stream, map_extension, set_stream_paused, ack_rupture, with the
 * occasional time regression and allocation failure. After every step it checks:
 *   - session counters and every stream's counters never decrease (the RFC 3550 epoch
 *     counters may restart only when `restarts` grows);
 *   - a refused time changes nothing but time_regressions;
 *   - after advance(t), next_deadline() > t (else a host loop would spin);
 *   - every impairment and rupture that begins ends, at the latest at finish;
 *   - live memory stays under a bound that is a formula of max_streams, and a step that
 *     creates no stream allocates nothing;
 *   - del frees everything; a fatal error leaves only del valid;
 * and the event log of two runs on the same input is identical. abort() on violation. */
#include <rupture/rupture.h>

#include "../common/count_alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void violated(int line) {
  (void)line; /* a debugger or a printing build shows which check */
  abort();
}
#define CHECK(c)                  \
  do {                            \
    if (!(c)) violated(__LINE__); \
  } while (0)

/* ---- data producer ---- */
typedef struct prod {
  const uint8_t *p;
  size_t n;
} prod;

static unsigned u8(prod *d) {
  if (!d->n) return 0;
  d->n--;
  return *d->p++;
}
static unsigned u16(prod *d) { return (u8(d) << 8) | u8(d); }
static uint32_t u32(prod *d) { return ((uint32_t)u16(d) << 16) | u16(d); }

/* ---- event tracking ---- */
#define MAXS 8        /* largest max_streams used here */
#define MAXR 4096     /* ruptures tracked by id */

typedef struct run_state {
  rup_session *s;
  uint64_t hash;
  int fail_cb;             /* make on_stream_added fail (RUP_ERR_CALLBACK_FAILURE path) */
  int stats_only;          /* rup_settings::statistics_only: no event but stream_added */
  int imp_open[MAXS][4];   /* [stream index][kind] */
  uint8_t rup_open[MAXR];  /* 1 = begun, not ended */
  uint32_t max_rupture_id;
  uint32_t events;
} run_state;

static void mix(run_state *r, uint64_t v) {
  for (int i = 0; i < 8; i++) {
    r->hash ^= (v >> (8 * i)) & 0xFF;
    r->hash *= 0x100000001B3ull; /* FNV-1a */
  }
}

static void hash_event(run_state *r, const rup_event *ev) {
  mix(r, (uint64_t)ev->type);
  mix(r, (uint64_t)ev->time_us);
  switch (ev->type) {
    case RUP_EVENT_STREAM_ADDED:
      mix(r, ev->u.stream.ssrc);
      mix(r, (uint64_t)ev->u.stream.direction);
      mix(r, ev->u.stream.index);
      mix(r, (uint64_t)ev->u.stream.codec);
      break;
    case RUP_EVENT_IMPAIRMENT: {
      const rup_impairment_event *e = &ev->u.impairment;
      mix(r, e->index);
      mix(r, (uint64_t)e->kind);
      mix(r, (uint64_t)e->phase);
      mix(r, e->evidence);
      mix(r, (uint64_t)e->start_us);
      mix(r, (uint64_t)e->detected_us);
      mix(r, (uint64_t)e->end_us);
      mix(r, e->lost_packets);
      mix(r, e->late_packets);
      break;
    }
    case RUP_EVENT_RUPTURE_BEGIN:
    case RUP_EVENT_RUPTURE_UPDATE:
    case RUP_EVENT_RUPTURE_END: {
      const rup_rupture *u = &ev->u.rupture;
      mix(r, u->id);
      mix(r, (uint64_t)u->type);
      mix(r, (uint64_t)u->cause);
      mix(r, (uint64_t)u->severity);
      mix(r, (uint64_t)u->start_us);
      mix(r, (uint64_t)u->end_us);
      mix(r, (uint64_t)u->repair);
      break;
    }
    case RUP_EVENT_QUALITY_CHANGE:
      mix(r, ev->u.quality.participant);
      mix(r, (uint64_t)ev->u.quality.level);
      break;
    default:
      break;
  }
}

/* Every event also reaches the callback (the poll queue may drop): track begin/end here. */
static int on_event(rup_session *s, const rup_event *ev, void *ud) {
  run_state *r = ud;
  r->events++;
  CHECK(!r->stats_only || ev->type == RUP_EVENT_STREAM_ADDED); /* nothing is analysed */
  /* Re-entrancy is refused (rupture.h, rup_callbacks). */
  CHECK(rup_session_advance(s, ev->time_us) == RUP_ERR_INVALID_STATE);
  switch (ev->type) {
    case RUP_EVENT_STREAM_ADDED:
      CHECK(ev->u.stream.index < MAXS);
      return r->fail_cb;
    case RUP_EVENT_IMPAIRMENT: {
      const rup_impairment_event *e = &ev->u.impairment;
      CHECK(e->index < MAXS && e->kind >= 1 && e->kind <= 3);
      int *open = &r->imp_open[e->index][e->kind];
      if (e->phase == 0) {
        CHECK(!*open && e->end_us == 0);
        *open = 1;
      } else {
        CHECK(e->phase == 1 && *open && e->end_us >= e->start_us);
        *open = 0;
      }
      CHECK(e->detected_us >= e->start_us);
      return 0;
    }
    case RUP_EVENT_RUPTURE_BEGIN: {
      uint32_t id = ev->u.rupture.id;
      CHECK(id == r->max_rupture_id + 1); /* 1, 2, ... in order of beginning */
      r->max_rupture_id = id;
      if (id < MAXR) r->rup_open[id] = 1;
      return 0;
    }
    case RUP_EVENT_RUPTURE_UPDATE:
      CHECK(ev->u.rupture.id >= 1 && ev->u.rupture.id <= r->max_rupture_id);
      if (ev->u.rupture.id < MAXR) CHECK(r->rup_open[ev->u.rupture.id]);
      return 0;
    case RUP_EVENT_RUPTURE_END: {
      uint32_t id = ev->u.rupture.id;
      CHECK(id >= 1 && id <= r->max_rupture_id);
      CHECK(ev->u.rupture.end_us >= ev->u.rupture.start_us);
      if (id < MAXR) {
        CHECK(r->rup_open[id]);
        r->rup_open[id] = 0;
      }
      return 0;
    }
    default:
      return 0;
  }
}

/* ---- monotonic counters ---- */
typedef struct snap {
  rup_session_counters c;
  size_t n;
  rup_stream_stats st[MAXS];
} snap;

static void take(const rup_session *s, snap *o) {
  memset(o, 0, sizeof *o);
  CHECK(rup_session_get_counters(s, &o->c) == 0);
  o->n = rup_session_get_stream_count(s);
  CHECK(o->n <= MAXS);
  for (size_t i = 0; i < o->n; i++) CHECK(rup_session_get_stream_stats(s, i, &o->st[i]) == 0);
}

#define MONO(f) CHECK(b->f >= a->f)

static void check_counters(const rup_session_counters *a, const rup_session_counters *b) {
  MONO(packets); MONO(rtp); MONO(rtcp); MONO(stun); MONO(dtls); MONO(turn_channel);
  MONO(unknown); MONO(malformed); MONO(refused_streams); MONO(time_regressions);
  MONO(events_dropped); MONO(rtcp_sr); MONO(rtcp_rr); MONO(rtcp_sdes); MONO(rtcp_bye);
  MONO(rtcp_xr); MONO(rtcp_nack); MONO(rtcp_pli); MONO(rtcp_fir); MONO(rtcp_other);
}

static void check_stream(const rup_stream_stats *a, const rup_stream_stats *b) {
  CHECK(a->ssrc == b->ssrc && a->direction == b->direction);
  MONO(packets); MONO(bytes); MONO(probation_dropped); MONO(restarts); MONO(sr_count);
  MONO(nack_count); MONO(pli_count); MONO(fir_count);
  if (b->restarts == a->restarts) { /* RFC 3550 A.1: one sequence epoch */
    MONO(received); MONO(expected); MONO(duplicates); MONO(reordered);
  }
  CHECK(b->received <= b->packets);
  CHECK(b->duplicates + b->reordered <= b->received);
  CHECK(b->last_arrival_us >= b->first_arrival_us || b->packets == 0);
  MONO(frames_received); MONO(frames_decoded); MONO(frames_dropped); MONO(keyframes);
  MONO(freeze_count); MONO(pause_count); MONO(total_samples_received); MONO(jitter_buffer_emitted_count);
  /* The one documented exception (docs/audio-model.md §4): a concealment run found to be
   * the sender's silence is taken back out of the concealment counters and moved to DTX or
   * muted time in the same call. So they fall only when that time grows by as much. */
  if (b->concealed_samples < a->concealed_samples || b->silent_concealed_samples < a->silent_concealed_samples ||
      b->concealment_events < a->concealment_events) {
    double moved = (b->dtx_duration_s + b->muted_duration_s) - (a->dtx_duration_s + a->muted_duration_s);
    /* the model's own sample rate (a described clock rate it cannot use, e.g. 1 Hz,
     * leaves it at the codec's rate): samples over their duration */
    double rate = b->total_samples_duration_s > 0 ? (double)b->total_samples_received / b->total_samples_duration_s : 0;
    CHECK(rate > 0 && b->concealed_samples <= a->concealed_samples);
    CHECK(moved * rate >= (double)(a->concealed_samples - b->concealed_samples) - 1.0);
    CHECK(a->concealment_events - b->concealment_events <= 1);
  }
  CHECK(b->silent_concealed_samples <= b->concealed_samples);
  CHECK(b->concealed_samples <= b->total_samples_received);
  MONO(packets_discarded); MONO(interruption_count); MONO(inserted_samples_for_deceleration);
  MONO(removed_samples_for_acceleration);
  CHECK(b->total_freezes_duration_s >= a->total_freezes_duration_s - 1e-9);
  CHECK(b->total_interruption_duration_s >= a->total_interruption_duration_s - 1e-9);
  CHECK(b->fraction_lost <= 255);
}

static void check_mono(const snap *a, const snap *b) {
  check_counters(&a->c, &b->c);
  CHECK(b->n >= a->n);
  for (size_t i = 0; i < a->n; i++) check_stream(&a->st[i], &b->st[i]);
}

/* A refused call changes nothing but the regression counter. */
static void check_unchanged(const snap *a, const snap *b) {
  rup_session_counters c = b->c;
  CHECK(c.time_regressions == a->c.time_regressions + 1);
  c.time_regressions--;
  CHECK(memcmp(&c, &a->c, sizeof c) == 0);
  CHECK(a->n == b->n);
  for (size_t i = 0; i < a->n; i++) {
    CHECK(a->st[i].packets == b->st[i].packets && a->st[i].received == b->st[i].received);
    CHECK(a->st[i].last_arrival_us == b->st[i].last_arrival_us);
    CHECK(a->st[i].frames_received == b->st[i].frames_received);
    CHECK(a->st[i].total_samples_received == b->st[i].total_samples_received);
  }
}

/* ---- packet builders ---- */
static const uint32_t ssrcs[4] = {0x11111111u, 0x22222222u, 0x33333333u, 0x44444444u};
static const uint8_t pts[4] = {111, 96, 0, 102};
static const char *const uris[4] = {"urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                                    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time",
                                    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
                                    "urn:example:unknown"};

typedef struct gen {
  uint16_t seq[4][2];
  uint32_t ts[4][2];
} gen;

static size_t build_rtp(prod *d, gen *g, uint8_t *b, int *dir) {
  unsigned sel = u8(d);
  unsigned k = sel & 3;
  *dir = (sel >> 2) & 1;
  uint32_t ssrc = (sel & 0x80) ? u32(d) : ssrcs[k];
  int8_t seqd = (int8_t)u8(d);
  unsigned tsd = u16(d);
  unsigned flags = u8(d);
  g->seq[k][*dir] = (uint16_t)(g->seq[k][*dir] + (seqd == 0 ? 1 : seqd));
  g->ts[k][*dir] += (flags & 0x40) ? tsd * 16u : tsd;
  unsigned pt = pts[(sel >> 3) & 3];
  int ext = (flags & 0x20) != 0;
  size_t plen = u8(d) & 127;
  size_t n = 0;
  b[n++] = (uint8_t)(0x80 | (ext ? 0x10 : 0));
  b[n++] = (uint8_t)(((flags & 0x80) ? 0x80 : 0) | pt);
  b[n++] = (uint8_t)(g->seq[k][*dir] >> 8);
  b[n++] = (uint8_t)g->seq[k][*dir];
  for (int i = 3; i >= 0; i--) b[n++] = (uint8_t)(g->ts[k][*dir] >> (8 * i));
  for (int i = 3; i >= 0; i--) b[n++] = (uint8_t)(ssrc >> (8 * i));
  if (ext) { /* RFC 8285 one-byte header: ID (flags & 15), L = 0, one byte of audio level */
    b[n++] = 0xBE; b[n++] = 0xDE; b[n++] = 0; b[n++] = 1;
    b[n++] = (uint8_t)((flags & 15) << 4);
    b[n++] = (uint8_t)u8(d);
    b[n++] = 0; b[n++] = 0;
  }
  for (size_t i = 0; i < plen; i++) b[n++] = (uint8_t)u8(d);
  return n;
}

/* RTCP SR from stream k with one report block about stream j (RFC 3550 §6.4.1). */
static size_t build_rtcp(prod *d, const gen *g, uint8_t *b, int *dir) {
  unsigned sel = u8(d);
  unsigned k = sel & 3, j = (sel >> 4) & 3;
  *dir = (sel >> 2) & 1;
  uint32_t w[13];
  w[0] = 0x81C8000Cu; /* V=2, RC=1, PT=200, length 12 */
  w[1] = ssrcs[k];
  w[2] = u32(d); w[3] = u32(d); /* NTP */
  w[4] = g->ts[k][*dir];
  w[5] = u32(d) & 0xFFFF; /* packet count */
  w[6] = u32(d);
  w[7] = ssrcs[j];
  w[8] = u32(d); w[9] = g->seq[j][!*dir]; w[10] = u16(d); w[11] = u32(d); w[12] = u16(d);
  for (int i = 0; i < 13; i++)
    for (int x = 0; x < 4; x++) b[4 * i + x] = (uint8_t)(w[i] >> (24 - 8 * x));
  return 52;
}

/* ---- one run ---- */
static uint64_t run(const uint8_t *data, size_t size) {
  prod d = {data, size};
  rup_test_alloc as;
  rup_mem mem = rup_test_alloc_mem(&as);
  run_state r;
  memset(&r, 0, sizeof r);
  r.hash = 0xCBF29CE484222325ull;

  unsigned cfg = u8(&d), cfg2 = u8(&d);
  unsigned fail = u16(&d);
  rup_settings st;
  CHECK(rup_settings_default(&st) == 0);
  st.max_streams = 1 + (cfg & 7);
  st.max_queued_events = (cfg >> 3) & 7; /* 0..7: 0 = no queue */
  st.payload_opaque = (cfg >> 6) & 1;
  st.report_interval_us = 1000000 + (int64_t)(cfg2 & 3) * 2000000;
  st.burst_gmin = 1 + (cfg2 >> 2 & 15);
  r.fail_cb = (cfg >> 7) & 1;
  as.fail_at = (fail & 0x8000) ? (fail & 0x7FFF) + 1 : 0; /* fail one allocation: the OOM paths */
  st.statistics_only = r.stats_only = !(fail & 0x8000) && (fail & 1);

  rup_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = RUP_CALLBACKS_VERSION;
  cb.on_stream_added = cb.on_impairment = cb.on_rupture_begin = cb.on_rupture_update =
      cb.on_rupture_end = cb.on_quality_change = on_event;
  rup_session *s = NULL;
  int rc = rup_session_new(&s, &st, &cb, &mem, &r);
  if (rc != 0) {
    CHECK(rc == RUP_ERR_NOMEM && as.fail_at && s == NULL && as.live_count == 0);
    return 0;
  }
  r.s = s;
  /* Memory bound, a formula of the settings: the session's fixed tables, then at most
   * 32 KiB per stream (issue 8's target), nothing per packet. */
  size_t base = as.live_bytes;
  CHECK(base <= 65536 + (size_t)st.max_streams * 4096 + (size_t)st.max_queued_events * 256);

  gen g;
  memset(&g, 0, sizeof g);
  /* Any base the caller chooses, including the ends of the int64 range. */
  int64_t t = (cfg2 & 0x80) ? INT64_MIN / 4 : (cfg2 & 0x40) ? INT64_MAX - 100000000000 : 1000000;
  int64_t last = INT64_MIN;
  int fatal = 0;
  snap *a = malloc(sizeof *a), *b = malloc(sizeof *b);
  CHECK(a && b);
  take(s, a);
  uint8_t pkt[2048];

  while (d.n && !fatal) {
    unsigned op = u8(&d);
    int64_t dt = (int64_t)u16(&d) * ((op & 0x80) ? 1000 : 1);
    int regress = (op & 0x60) == 0x60 && last != INT64_MIN;
    int64_t when = regress ? last - 1 - (dt & 0xFFFF) : (t > INT64_MAX - dt ? INT64_MAX : t + dt);
    if (!regress) t = when;
    uint64_t calls0 = as.calls;
    size_t n0 = a->n;
    int dir = 0, timed = 1;
    switch (op & 15) {
      case 0: case 1: case 2: case 3: case 4: case 5: case 6: {
        size_t n = build_rtp(&d, &g, pkt, &dir);
        rc = rup_session_push_packet(s, pkt, n, dir, when);
        CHECK(rc == 0 || rc == RUP_ERR_MALFORMED || rc == RUP_ERR_TIME_REGRESSION ||
              rc == RUP_ERR_TOO_MANY_STREAMS || rc == RUP_ERR_CALLBACK_FAILURE || rc == RUP_ERR_NOMEM);
        break;
      }
      case 7: case 8: { /* raw datagram */
        size_t n = u16(&d) % sizeof pkt;
        if (n > d.n) n = d.n;
        memcpy(pkt, d.p, n);
        d.p += n;
        d.n -= n;
        rup_endpoint src = {4, {10, 0, 0, (uint8_t)(op >> 4)}, 5000}, dst = {4, {10, 0, 0, 1}, 6000};
        rc = rup_session_push_udp(s, pkt, n, op & 16 ? 1 : 0, when, (op & 32) ? &src : NULL, &dst);
        CHECK(rc == 0 || rc == RUP_ERR_MALFORMED || rc == RUP_ERR_TIME_REGRESSION ||
              rc == RUP_ERR_TOO_MANY_STREAMS || rc == RUP_ERR_CALLBACK_FAILURE || rc == RUP_ERR_NOMEM);
        break;
      }
      case 9: {
        size_t n = build_rtcp(&d, &g, pkt, &dir);
        rc = rup_session_push_packet(s, pkt, n, dir, when);
        CHECK(rc == 0 || rc == RUP_ERR_MALFORMED || rc == RUP_ERR_TIME_REGRESSION ||
              rc == RUP_ERR_CALLBACK_FAILURE || rc == RUP_ERR_NOMEM);
        break;
      }
      case 10: case 11: { /* advance: to the deadline if due, else to `when` */
        int64_t dl = rup_session_next_deadline(s);
        if ((op & 16) && dl != INT64_MAX && dl >= last && !regress) when = t = dl;
        rc = rup_session_advance(s, when);
        CHECK(rc == 0 || rc == RUP_ERR_TIME_REGRESSION || rc == RUP_ERR_CALLBACK_FAILURE);
        if (rc != RUP_ERR_TIME_REGRESSION) {
          int64_t nd = rup_session_next_deadline(s);
          CHECK(nd > when || nd == INT64_MAX); /* every timer due at `when` has run */
        }
        break;
      }
      case 12: {
        unsigned sel = u8(&d), codec = u8(&d) % 13, pt = u8(&d), cr = u8(&d);
        static const uint32_t clocks[8] = {0, 8000, 16000, 48000, 90000, 1, 1000000, 1000001};
        timed = 0;
        rc = rup_session_describe_stream(s, (sel & 0x80) ? u32(&d) : ssrcs[sel & 3], (int)codec,
                                         (int)(pt & 0xFF) - 1, clocks[cr & 7], (sel >> 2) & 3);
        CHECK(rc == 0 || rc == RUP_ERR_INVALID_ARGUMENT || rc == RUP_ERR_TOO_MANY_STREAMS ||
              rc == RUP_ERR_CALLBACK_FAILURE || rc == RUP_ERR_NOMEM);
        break;
      }
      case 13: {
        unsigned id = u8(&d);
        timed = 0;
        rc = rup_session_map_extension(s, (int)id, uris[(op >> 4) & 3]);
        CHECK(rc == 0 || (rc == RUP_ERR_INVALID_ARGUMENT && (id == 0)));
        break;
      }
      case 14: {
        unsigned sel = u8(&d);
        timed = 0;
        rc = rup_session_set_stream_paused(s, ssrcs[sel & 3], (sel >> 2) & 3, (sel >> 4) & 1);
        CHECK(rc == 0 || rc == RUP_ERR_NOT_FOUND || rc == RUP_ERR_INVALID_ARGUMENT);
        break;
      }
      case 15: {
        uint32_t id = u8(&d) % (r.max_rupture_id + 2);
        timed = 0;
        rc = rup_session_ack_rupture(s, id, when);
        CHECK(rc == 0 || rc == RUP_ERR_NOT_FOUND || rc == RUP_ERR_TIME_REGRESSION ||
              rc == RUP_ERR_INVALID_ARGUMENT);
        if (rc == RUP_ERR_TIME_REGRESSION) {
          CHECK(regress);
          take(s, b);
          check_unchanged(a, b);
        } else if (rc == 0 && when > last) {
          last = when;
        }
        break;
      }
      default:
        timed = 0;
        rc = 0;
        break;
    }
    if (rc == RUP_ERR_NOMEM) { /* fatal: only del remains valid */
      CHECK(as.fail_at != 0);
      CHECK(rup_session_advance(s, t) == RUP_ERR_INVALID_STATE);
      CHECK(rup_session_push_packet(s, pkt, 12, 0, t) == RUP_ERR_INVALID_STATE);
      fatal = 1;
      break;
    }
    take(s, b);
    if (timed && regress) {
      CHECK(rc == RUP_ERR_TIME_REGRESSION);
      check_unchanged(a, b);
    } else if (timed) {
      CHECK(rc != RUP_ERR_TIME_REGRESSION);
      last = when;
    }
    check_mono(a, b);
    /* No allocation unless a stream was created; bounded per stream. */
    if (b->n == n0) CHECK(as.calls == calls0);
    CHECK(as.live_bytes <= base + b->n * 32768);
    const rup_event *ev;
    int got;
    while ((got = rup_session_poll_event(s, &ev)) == 1) hash_event(&r, ev);
    CHECK(got == 0);
    snap *tmp = a;
    a = b;
    b = tmp;
  }

  if (!fatal) {
    int64_t end = t > last ? t : last;
    if (end == INT64_MIN) end = 0;
    rc = rup_session_finish(s, end);
    CHECK(rc == 0 || rc == RUP_ERR_CALLBACK_FAILURE);
    /* Everything that began has ended. */
    for (int i = 0; i < MAXS; i++)
      for (int k = 0; k < 4; k++) CHECK(!r.imp_open[i][k]);
    for (uint32_t i = 1; i < MAXR && i <= r.max_rupture_id; i++) CHECK(!r.rup_open[i]);
    for (size_t i = 0; i < rup_session_get_rupture_count(s); i++) {
      rup_rupture ru;
      CHECK(rup_session_get_rupture(s, i, &ru) == 0);
      CHECK(ru.end_us != 0 && ru.end_us >= ru.start_us);
    }
    take(s, b);
    check_mono(a, b);
    CHECK(rup_session_advance(s, end) == RUP_ERR_INVALID_STATE);
    CHECK(rup_session_push_packet(s, pkt, 12, 0, end) == RUP_ERR_INVALID_STATE);
    const rup_event *ev;
    while (rup_session_poll_event(s, &ev) == 1) hash_event(&r, ev);
    mix(&r, b->c.packets);
    mix(&r, b->c.events_dropped);
    for (size_t i = 0; i < b->n; i++) {
      mix(&r, b->st[i].received);
      mix(&r, (uint64_t)b->st[i].lost);
      mix(&r, b->st[i].jitter_ts);
      mix(&r, b->st[i].frames_decoded);
      mix(&r, b->st[i].concealed_samples);
    }
    rup_summary sum;
    CHECK(rup_session_get_summary(s, &sum) == 0);
    CHECK(sum.rupture_count == r.max_rupture_id);
    CHECK(sum.ruptures_analysed == !r.stats_only);
    for (size_t i = 0; r.stats_only && i < rup_session_get_stream_count(s); i++) {
      rup_stream_stats ss;
      CHECK(rup_session_get_stream_stats(s, i, &ss) == 0 && !ss.has_playback); /* no model ran */
    }
  }
  mix(&r, r.events);
  free(a);
  free(b);
  rup_session_del(s);
  CHECK(as.live_count == 0 && as.live_bytes == 0 && as.bad_frees == 0); /* del frees everything, once */
  return r.hash;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint64_t h1 = run(data, size);
  uint64_t h2 = run(data, size);
  CHECK(h1 == h2); /* identical input, identical events */
  return 0;
}
