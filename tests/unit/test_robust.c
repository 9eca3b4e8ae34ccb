/* Robustness through the public API (issue 8): out-of-memory loop, SSRC flood,
 * a 24-hour call, time regressions, truncated and corrupt captures.
 * Links only the public library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rupture/rupture.h"
#include "testutil.h"
#include "../common/count_alloc.h"

static uint64_t rng_state;
static uint32_t rnd(void) { /* xorshift64*: deterministic */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 0x2545F4914F6CDD1Dull) >> 32);
}

static size_t rtp_build(uint8_t *b, int pt, int marker, uint16_t seq, uint32_t ts, uint32_t ssrc,
                        const uint8_t *payload, size_t plen) {
  b[0] = 0x80;
  b[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
  b[2] = (uint8_t)(seq >> 8);
  b[3] = (uint8_t)seq;
  for (int i = 0; i < 4; i++) b[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
  for (int i = 0; i < 4; i++) b[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
  memcpy(b + 12, payload, plen);
  return 12 + plen;
}

/* A capture held in memory, read once through the trace API. */
typedef struct capture {
  uint8_t *bytes;
  size_t len;
} capture;

static void load(capture *c, const char *name) {
  c->bytes = rt_read_file(rt_data(name), &c->len);
  assert_non_null(c->bytes);
}

/* ---- (a) out-of-memory loop (STYLE.md §2.11, nghttp2 failmalloc / SQLite test_malloc) ---- */

/* One full use of the library with allocation number `fail_at` failing (0 = none).
 * Returns 1 when every call succeeded. */
static int oom_once(const capture *cap, uint64_t fail_at, uint64_t *calls) {
  rup_test_alloc c;
  rup_mem mem = rup_test_alloc_mem(&c);
  c.fail_at = fail_at;
  int ok = 1;
  rup_settings st;
  assert_int_equal(rup_settings_default(&st), 0);
  st.max_queued_events = 16;
  rup_session *s = NULL;
  int rc = rup_session_new(&s, &st, NULL, &mem, NULL);
  if (rc != 0) {
    assert_int_equal(rc, RUP_ERR_NOMEM);
    assert_null(s);
    ok = 0;
  } else {
    rup_trace *t = NULL;
    rc = rup_trace_open_memory(&t, cap->bytes, cap->len, &mem);
    if (rc != 0) {
      assert_int_equal(rc, RUP_ERR_NOMEM);
      assert_null(t);
      ok = 0;
    } else {
      rc = rup_replay(s, t, NULL);
      if (rc != 0) {
        assert_int_equal(rc, RUP_ERR_NOMEM);
        ok = 0;
      }
      rup_trace_del(t);
    }
    rup_session_counters k;
    assert_int_equal(rup_session_get_counters(s, &k), 0);
    for (size_t i = 0; i < rup_session_get_stream_count(s); i++) {
      rup_stream_stats ss;
      assert_int_equal(rup_session_get_stream_stats(s, i, &ss), 0);
      assert_true(ss.received <= ss.packets);
    }
    const rup_event *ev;
    while (rup_session_poll_event(s, &ev) == 1) assert_non_null(ev);
    rup_session_del(s);
  }
  assert_int_equal(c.live_count, 0); /* no leak on any path */
  assert_int_equal(c.bad_frees, 0);
  assert_int_equal(c.live_bytes, 0);
  if (fail_at) assert_true(c.failed <= 1);
  *calls = c.calls;
  return ok;
}

static void oom_loop(const char *name) {
  capture cap;
  load(&cap, name);
  uint64_t total = 0, calls;
  assert_int_equal(oom_once(&cap, 0, &total), 1); /* the run without failure */
  assert_true(total > 0);
  print_message("%s: %llu allocations, each made to fail in turn\n", name, (unsigned long long)total);
  uint64_t n;
  for (n = 1; n <= total + 1; n++) {
    int ok = oom_once(&cap, n, &calls);
    if (n > total) assert_int_equal(ok, 1); /* past the last allocation: success */
    else assert_int_equal(ok, 0);           /* every allocation that fails is reported */
  }
  free(cap.bytes);
}

static void test_oom_pcap(void **state) {
  (void)state;
  oom_loop("opus_dtx.pcap");
}
static void test_oom_gzip(void **state) { /* zlib's allocations go through the rup_mem too */
  (void)state;
  oom_loop("av_call.pcap.gz");
}

/* ---- (b) flood of random SSRCs ---- */

typedef struct dgram {
  int64_t t;
  size_t off, len;
} dgram;

/* The datagrams of a capture, times made relative. */
static size_t read_dgrams(const capture *cap, dgram **out, uint8_t **bytes) {
  rup_trace *t;
  assert_int_equal(rup_trace_open_memory(&t, cap->bytes, cap->len, NULL), 0);
  size_t n = 0, cap_n = 1024, used = 0;
  dgram *d = malloc(cap_n * sizeof *d);
  uint8_t *b = malloc(cap->len);
  assert_true(d && b);
  rup_trace_packet p;
  int64_t t0 = INT64_MIN;
  while (rup_trace_next(t, &p) == 1) {
    if (t0 == INT64_MIN) t0 = p.ts_us;
    if (n == cap_n) {
      cap_n *= 2;
      d = realloc(d, cap_n * sizeof *d);
      assert_non_null(d);
    }
    d[n].t = p.ts_us - t0 + 1000000;
    d[n].off = used;
    d[n].len = p.payload_len;
    memcpy(b + used, p.payload, p.payload_len);
    used += p.payload_len;
    n++;
  }
  rup_trace_del(t);
  *out = d;
  *bytes = b;
  return n;
}

static void test_ssrc_flood(void **state) {
  (void)state;
  capture cap;
  load(&cap, "opus_loss_reorder.pcap");
  dgram *d;
  uint8_t *bytes;
  size_t n = read_dgrams(&cap, &d, &bytes);
  assert_true(n > 100);

  rup_settings st;
  rup_settings_default(&st);
  st.max_streams = 64;
  st.max_queued_events = 64;

  const uint8_t *p0 = bytes + d[0].off;
  assert_true(d[0].len >= 12);
  const uint32_t real = ((uint32_t)p0[8] << 24) | ((uint32_t)p0[9] << 16) | ((uint32_t)p0[10] << 8) | p0[11];
  const int real_pt = p0[1] & 0x7F;

  /* Alone. */
  rup_session *alone;
  assert_int_equal(rup_session_new(&alone, &st, NULL, NULL, NULL), 0);
  assert_int_equal(rup_session_describe_stream(alone, real, RUP_CODEC_OPUS, real_pt, 48000, 0), 0);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(rup_session_push_packet(alone, bytes + d[i].off, d[i].len, 0, d[i].t), 0);

  /* Flooded: 100k packets of random SSRCs (random sequence numbers and timestamps)
   * interleaved with the real stream, which appeared first. */
  rup_test_alloc c;
  rup_mem mem = rup_test_alloc_mem(&c);
  rup_session *s;
  assert_int_equal(rup_session_new(&s, &st, NULL, &mem, NULL), 0);
  size_t base = c.live_bytes;
  assert_int_equal(rup_session_describe_stream(s, real, RUP_CODEC_OPUS, real_pt, 48000, 0), 0);
  rng_state = 0x9E3779B97F4A7C15ull;
  const size_t flood = 100000;
  uint64_t refused = 0, calls_full = 0;
  int full = 0;
  uint8_t pkt[256], pl[160];
  for (size_t k = 0; k < sizeof pl; k++) pl[k] = (uint8_t)k;
  size_t fi = 0;
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(rup_session_push_packet(s, bytes + d[i].off, d[i].len, 0, d[i].t), 0);
    int64_t span = i + 1 < n ? d[i + 1].t - d[i].t : 1000;
    size_t per = (flood - fi) / (n - i);
    for (size_t k = 0; k < per; k++, fi++) {
      uint32_t ssrc = rnd();
      if (ssrc == real) ssrc++;
      int pt = (int)(rnd() & 63) | ((rnd() & 1) ? 96 : 0); /* not 64..95: RFC 5761 §4 RTCP range */
      size_t len = rtp_build(pkt, pt, (int)(rnd() & 1), (uint16_t)rnd(), rnd(), ssrc, pl, rnd() % 160);
      int64_t when = d[i].t + (span > 0 ? (int64_t)(k * (uint64_t)span / (per + 1)) : 0);
      size_t idx;
      int known = rup_session_find_stream(s, ssrc, RUP_DIR_INBOUND, &idx) == 0;
      size_t count = rup_session_get_stream_count(s);
      uint64_t calls0 = c.calls;
      int rc = rup_session_push_packet(s, pkt, len, RUP_DIR_INBOUND, when);
      if (!known && count < st.max_streams) {
        assert_int_equal(rc, 0);
        assert_int_equal(rup_session_get_stream_count(s), count + 1);
      } else if (!known) {
        assert_int_equal(rc, RUP_ERR_TOO_MANY_STREAMS);
        refused++;
        full = 1;
      } else {
        assert_int_equal(rc, 0);
      }
      if (full) calls_full += c.calls - calls0;
      /* Bounded: the session's tables plus at most 32 KiB per stream (issue 8). */
      assert_true(c.live_bytes <= base + (size_t)st.max_streams * 32768);
      const rup_event *ev;
      while (rup_session_poll_event(s, &ev) == 1) {
      }
    }
  }
  assert_int_equal(fi, flood);
  assert_int_equal(calls_full, 0); /* a full table allocates nothing */
  rup_session_counters k;
  assert_int_equal(rup_session_get_counters(s, &k), 0);
  assert_int_equal(k.refused_streams, refused);
  assert_true(refused > flood / 2);
  assert_int_equal(rup_session_get_stream_count(s), 64);
  assert_int_equal(k.packets, n + flood);
  int64_t end = d[n - 1].t + 1000;
  assert_int_equal(rup_session_finish(alone, end), 0);
  assert_int_equal(rup_session_finish(s, end), 0);

  /* The real stream is measured exactly as if it had been alone. */
  size_t ia, ib;
  assert_int_equal(rup_session_find_stream(alone, real, 0, &ia), 0);
  assert_int_equal(rup_session_find_stream(s, real, 0, &ib), 0);
  rup_stream_stats sa, sb;
  assert_int_equal(rup_session_get_stream_stats(alone, ia, &sa), 0);
  assert_int_equal(rup_session_get_stream_stats(s, ib, &sb), 0);
  assert_true(sa.packets > 100);
  assert_int_equal(sa.packets, sb.packets);
  assert_int_equal(sa.received, sb.received);
  assert_int_equal(sa.expected, sb.expected);
  assert_int_equal(sa.lost, sb.lost);
  assert_int_equal(sa.jitter_ts, sb.jitter_ts);
  assert_int_equal(sa.concealed_samples, sb.concealed_samples);
  assert_int_equal(sa.interruption_count, sb.interruption_count);
  assert_memory_equal(&sa, &sb, sizeof sa);
  rup_session_del(alone);
  rup_session_del(s);
  assert_int_equal(c.live_count, 0);
  assert_int_equal(c.bad_frees, 0);
  free(d);
  free(bytes);
  free(cap.bytes);
}

/* ---- (c) a 24-hour call ---- */

typedef struct call_events {
  uint64_t stream_added, impairments, ruptures;
} call_events;

static int on_ev(rup_session *s, const rup_event *ev, void *ud) {
  (void)s;
  call_events *c = ud;
  if (ev->type == RUP_EVENT_STREAM_ADDED) c->stream_added++;
  else if (ev->type == RUP_EVENT_IMPAIRMENT) c->impairments++;
  else if (ev->type == RUP_EVENT_RUPTURE_BEGIN) c->ruptures++;
  return 0;
}

static void test_24h_call(void **state) {
  (void)state;
  /* RUP_ROBUST_HOURS shortens it for a quick local run; the suite runs 24 h. */
  const char *h = getenv("RUP_ROBUST_HOURS");
  int64_t hours = h && atoi(h) > 0 ? atoi(h) : 24;
  const int64_t dur = hours * 3600 * 1000000;
  const uint32_t A = 0xA0D10000u, V = 0x71DE0000u;
  call_events ce;
  memset(&ce, 0, sizeof ce);
  rup_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = RUP_CALLBACKS_VERSION;
  cb.on_stream_added = cb.on_impairment = cb.on_rupture_begin = cb.on_rupture_update =
      cb.on_rupture_end = on_ev;
  rup_test_alloc c;
  rup_mem mem = rup_test_alloc_mem(&c);
  rup_session *s;
  assert_int_equal(rup_session_new(&s, NULL, &cb, &mem, &ce), 0);
  assert_int_equal(rup_session_describe_stream(s, A, RUP_CODEC_OPUS, 111, 48000, 0), 0);
  assert_int_equal(rup_session_describe_stream(s, V, RUP_CODEC_VP8, 96, 90000, 0), 0);
  uint64_t calls_after_setup = c.calls;

  /* Opus 20 ms (TOC config 15, RFC 6716 §3.1); VP8 key frame every 10 s (RFC 7741 §4.2
   * descriptor S=1 PID=0, RFC 6386 §9.1 frame tag with P=0, start code, 1280x720). */
  uint8_t opus[60], key[40], delta[40], pkt[128];
  memset(opus, 0x55, sizeof opus);
  opus[0] = 0x78;
  memset(key, 0x33, sizeof key);
  const uint8_t key_hdr[11] = {0x10, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a, 0x00, 0x05, 0xd0, 0x02};
  memcpy(key, key_hdr, sizeof key_hdr);
  memset(delta, 0x44, sizeof delta);
  delta[0] = 0x10;
  delta[1] = 0x11; /* P = 1: inter frame */
  delta[2] = 0x02;
  delta[3] = 0x00;

  const int64_t t0 = 5000000;
  uint16_t aseq = 65000, vseq = 12345;
  uint32_t ats = 0xFFF00000u, vts = 0xFFFF0000u; /* both wrap early, and more than once later */
  uint64_t na = 0, nv = 0;
  int64_t ta = t0, tv = t0;
  while (ta < t0 + dur || tv < t0 + dur) {
    int audio = ta <= tv;
    int64_t t = audio ? ta : tv;
    for (int64_t dl = rup_session_next_deadline(s); dl <= t; dl = rup_session_next_deadline(s))
      assert_int_equal(rup_session_advance(s, dl), 0);
    size_t len;
    if (audio) {
      len = rtp_build(pkt, 111, 0, aseq++, ats, A, opus, sizeof opus);
      ats += 960;
      na++;
      ta = t0 + (int64_t)na * 20000;
    } else {
      int is_key = nv % 300 == 0;
      len = rtp_build(pkt, 96, 1, vseq++, vts, V, is_key ? key : delta, is_key ? sizeof key : sizeof delta);
      vts += 3000;
      nv++;
      tv = t0 + (int64_t)(nv * 1000000 / 30);
    }
    assert_int_equal(rup_session_push_packet(s, pkt, len, RUP_DIR_INBOUND, t), 0);
  }
  int64_t end = (ta > tv ? ta : tv);
  assert_int_equal(rup_session_finish(s, end), 0);
  assert_int_equal(c.calls, calls_after_setup); /* nothing allocated per packet */

  size_t ia, iv;
  rup_stream_stats sa, sv;
  assert_int_equal(rup_session_find_stream(s, A, 0, &ia), 0);
  assert_int_equal(rup_session_find_stream(s, V, 0, &iv), 0);
  assert_int_equal(rup_session_get_stream_stats(s, ia, &sa), 0);
  assert_int_equal(rup_session_get_stream_stats(s, iv, &sv), 0);
  /* RFC 3550 A.1/A.3 across ~65 sequence wraps (audio, 24 h). */
  /* RFC 3550 A.1: the first packet is spent on probation (MIN_SEQUENTIAL = 2); base_seq is the second. */
  assert_int_equal(sa.packets, na);
  assert_int_equal(sa.probation_dropped, 1);
  assert_int_equal(sa.received, na - 1);
  assert_int_equal(sa.expected, na - 1);
  assert_int_equal(sa.lost, 0);
  assert_int_equal(sa.duplicates, 0);
  assert_int_equal(sa.reordered, 0);
  assert_int_equal(sa.restarts, 0);
  assert_int_equal(sa.extended_max_seq, (uint32_t)(65000u + na - 1));
  assert_int_equal(sa.jitter_ts, 0); /* perfectly paced: RFC 3550 A.8 transit constant */
  assert_int_equal(sv.packets, nv);
  assert_int_equal(sv.probation_dropped, 1);
  assert_int_equal(sv.received, nv - 1);
  assert_int_equal(sv.expected, nv - 1);
  assert_int_equal(sv.restarts, 0);
  assert_int_equal(sv.lost, 0);
  assert_int_equal(sv.extended_max_seq, (uint32_t)(12345u + nv - 1));
  assert_true(sv.jitter_ts <= 1); /* 1e6/30 µs rounds to whole µs */
  /* Media: every frame shown, nothing concealed, no impairment nor rupture. */
  assert_int_equal(sv.frames_received, nv);
  assert_int_equal(sv.frames_decoded, nv);
  assert_int_equal(sv.frames_dropped, 0);
  assert_int_equal(sv.keyframes, (nv + 299) / 300);
  assert_int_equal(sv.freeze_count, 0);
  assert_int_equal(sv.pause_count, 0);
  assert_int_equal(sa.concealed_samples, 0);
  assert_int_equal(sa.concealment_events, 0);
  assert_int_equal(sa.interruption_count, 0);
  assert_int_equal(sa.packets_discarded, 0);
  assert_true(sa.total_samples_received <= na * 960);
  assert_true(sa.total_samples_received >= (na - 50) * 960); /* at most 1 s still buffered */
  assert_int_equal(ce.stream_added, 2);
  assert_int_equal(ce.impairments, 0);
  assert_int_equal(ce.ruptures, 0);
  rup_session_del(s);
  assert_int_equal(c.live_count, 0);
  assert_int_equal(c.bad_frees, 0);
}

/* ---- (d) arrival-time regressions ---- */

static void test_time_regression(void **state) {
  (void)state;
  rup_settings st;
  rup_settings_default(&st);
  st.max_queued_events = 8;
  rup_session *s;
  assert_int_equal(rup_session_new(&s, &st, NULL, NULL, NULL), 0);
  uint8_t pkt[64], pl[20] = {0x78};
  for (int i = 0; i < 10; i++) {
    size_t len = rtp_build(pkt, 111, 0, (uint16_t)(100 + i), (uint32_t)(960 * i), 7, pl, sizeof pl);
    assert_int_equal(rup_session_push_packet(s, pkt, len, 0, 1000000 + 20000 * i), 0);
  }
  const int64_t last = 1000000 + 20000 * 9;
  rup_session_counters k0, k1;
  rup_stream_stats s0, s1;
  assert_int_equal(rup_session_get_counters(s, &k0), 0);
  assert_int_equal(rup_session_get_stream_stats(s, 0, &s0), 0);
  int64_t dl0 = rup_session_next_deadline(s);

  size_t len = rtp_build(pkt, 111, 0, 110, 9600, 7, pl, sizeof pl);
  assert_int_equal(rup_session_push_packet(s, pkt, len, 0, last - 1), RUP_ERR_TIME_REGRESSION);
  len = rtp_build(pkt, 111, 0, 1, 1, 99, pl, sizeof pl); /* a new SSRC is not created either */
  assert_int_equal(rup_session_push_packet(s, pkt, len, 1, INT64_MIN), RUP_ERR_TIME_REGRESSION);
  assert_int_equal(rup_session_advance(s, last - 20000), RUP_ERR_TIME_REGRESSION);
  assert_int_equal(rup_session_finish(s, 0), RUP_ERR_TIME_REGRESSION);

  assert_int_equal(rup_session_get_counters(s, &k1), 0);
  assert_int_equal(k1.time_regressions, k0.time_regressions + 4); /* counted */
  k1.time_regressions = k0.time_regressions;
  assert_memory_equal(&k0, &k1, sizeof k0); /* and nothing else changed */
  assert_int_equal(rup_session_get_stream_count(s), 1);
  assert_int_equal(rup_session_get_stream_stats(s, 0, &s1), 0);
  assert_memory_equal(&s0, &s1, sizeof s0);
  assert_int_equal(rup_session_next_deadline(s), dl0);
  const rup_event *ev;
  while (rup_session_poll_event(s, &ev) == 1) {
  }

  /* The same time again is not a regression; the session goes on. */
  len = rtp_build(pkt, 111, 0, 110, 9600, 7, pl, sizeof pl);
  assert_int_equal(rup_session_push_packet(s, pkt, len, 0, last), 0);
  assert_int_equal(rup_session_get_stream_stats(s, 0, &s1), 0);
  assert_int_equal(s1.received, s0.received + 1);
  assert_int_equal(rup_session_finish(s, last), 0);
  rup_session_del(s);
}

/* ---- (e) truncated and corrupt captures ---- */

typedef struct replay_out {
  int open_rc, rc;
  uint64_t pushed, udp;
  size_t streams;
} replay_out;

static void replay_bytes(const uint8_t *b, size_t len, replay_out *o, const rup_session *full) {
  memset(o, 0, sizeof *o);
  rup_trace *t = NULL;
  o->open_rc = rup_trace_open_memory(&t, b, len, NULL);
  if (o->open_rc != 0) {
    assert_true(o->open_rc == RUP_ERR_FORMAT || o->open_rc == RUP_ERR_TRUNCATED ||
                o->open_rc == RUP_ERR_UNSUPPORTED);
    assert_null(t);
    return;
  }
  rup_session *s;
  assert_int_equal(rup_session_new(&s, NULL, NULL, NULL, NULL), 0);
  o->rc = rup_replay(s, t, NULL);
  /* rupture.h: 0, or the trace error that stopped it; everything read before stays. */
  assert_true(o->rc == 0 || o->rc == RUP_ERR_TRUNCATED || o->rc == RUP_ERR_MALFORMED);
  rup_trace_info info;
  assert_int_equal(rup_trace_get_info(t, &info), 0);
  rup_session_counters k;
  assert_int_equal(rup_session_get_counters(s, &k), 0);
  o->pushed = k.packets;
  o->udp = info.udp;
  assert_int_equal(k.packets, info.udp); /* every datagram read reached the session */
  o->streams = rup_session_get_stream_count(s);
  for (size_t i = 0; i < o->streams; i++) {
    rup_stream_stats ss;
    assert_int_equal(rup_session_get_stream_stats(s, i, &ss), 0);
    assert_true(ss.received <= ss.packets);
    if (full) { /* a prefix: no stream has more packets than in the whole file */
      size_t j;
      assert_int_equal(rup_session_find_stream(full, ss.ssrc, ss.direction, &j), 0);
      rup_stream_stats fs;
      assert_int_equal(rup_session_get_stream_stats(full, j, &fs), 0);
      assert_true(ss.packets <= fs.packets);
    }
  }
  rup_session_del(s);
  rup_trace_del(t);
}

static void damaged(const char *name, size_t step) {
  capture cap;
  load(&cap, name);
  /* The whole file. */
  rup_trace *t;
  assert_int_equal(rup_trace_open_memory(&t, cap.bytes, cap.len, NULL), 0);
  rup_session *full;
  assert_int_equal(rup_session_new(&full, NULL, NULL, NULL, NULL), 0);
  assert_int_equal(rup_replay(full, t, NULL), 0);
  rup_session_counters kf;
  rup_session_get_counters(full, &kf);
  rup_trace_del(t);
  assert_true(kf.packets > 0);

  /* Every prefix (in steps): results up to the cut are kept, and grow with the prefix. */
  uint64_t prev = 0;
  size_t truncated = 0;
  for (size_t len = 0; len < cap.len; len += step) {
    replay_out o;
    replay_bytes(cap.bytes, len, &o, full);
    if (o.open_rc == 0) {
      assert_true(o.pushed >= prev);
      assert_true(o.pushed <= kf.packets);
      prev = o.pushed;
      truncated += o.rc == RUP_ERR_TRUNCATED;
    }
  }
  assert_true(truncated > 0);
  assert_true(prev > kf.packets / 2);

  /* Random corruption: 1 to 16 bytes changed. */
  uint8_t *copy = malloc(cap.len);
  assert_non_null(copy);
  rng_state = 0x0123456789ABCDEFull ^ cap.len;
  for (int it = 0; it < 150; it++) {
    memcpy(copy, cap.bytes, cap.len);
    int flips = 1 + (int)(rnd() % 16);
    for (int f = 0; f < flips; f++) copy[rnd() % cap.len] = (uint8_t)rnd();
    replay_out o;
    replay_bytes(copy, cap.len, &o, NULL);
  }
  free(copy);
  rup_session_del(full);
  free(cap.bytes);
}

static void test_damaged_pcap(void **state) {
  (void)state;
  damaged("opus_loss_reorder.pcap", 97);
}
static void test_damaged_pcapng(void **state) {
  (void)state;
  damaged("av_call.pcapng", 97);
}
static void test_damaged_gzip(void **state) {
  (void)state;
  damaged("av_call.pcap.gz", 97);
}

int main(void) {
  const char *only = getenv("RUP_ROBUST_ONLY"); /* e.g. test_24h_call */
  if (only && *only) cmocka_set_test_filter(only);
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_oom_pcap),        cmocka_unit_test(test_oom_gzip),
      cmocka_unit_test(test_ssrc_flood),      cmocka_unit_test(test_time_regression),
      cmocka_unit_test(test_damaged_pcap),    cmocka_unit_test(test_damaged_pcapng),
      cmocka_unit_test(test_damaged_gzip),    cmocka_unit_test(test_24h_call),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
