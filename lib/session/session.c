/* The session object: stream table, routing, time, events (DESIGN.md §4). */
#include "session/session.h"

#include <limits.h>
#include <strings.h>

/* Size of each known version of the public structs (append-only, STYLE.md §2.9): a
 * caller built against an older header passes less. */
static const size_t settings_size[] = {0, offsetof(rup_settings, statistics_only), sizeof(rup_settings)};
static const size_t stats_size[] = {0, sizeof(rup_stream_stats)};
static const size_t counters_size[] = {0, sizeof(rup_session_counters)};

int rup_settings_default_versioned(int version, rup_settings *st) {
  if (!st) return RUP_ERR_INVALID_ARGUMENT;
  if (version < 1 || (size_t)version >= RUP_ARRAY_LEN(settings_size)) return RUP_ERR_VERSION;
  rup_settings d;
  memset(&d, 0, sizeof d);
  d.version = (uint32_t)version;
  d.max_streams = 64;
  d.max_queued_events = 0;
  d.burst_gmin = 16;               /* RFC 3611 §4.7.2: "A Gmin value of 16 is RECOMMENDED" */
  d.report_interval_us = 5000000;  /* a typical RTCP interval (RFC 3550 §6.2 minimum is 5 s) */
  d.stall_timeout_us = 1000000;    /* mediasoup marks a stream inactive after 1.5 s; 1 s catches it first (REFERENCE §10) */
  d.video_reorder_wait_us = 100000;
  d.audio_min_delay_us = 0;        /* NetEq's base minimum delay */
  d.audio_max_delay_us = 2000000;  /* the NetEq delay histogram's range (100 buckets of 20 ms) */
  /* rupture detection: each default and its reason in docs/ruptures.md §Settings */
  d.audio_dropout_min_us = 500000;   /* a word (2-3 syllables at 4-5 syllables/s) is gone */
  d.choppy_count = 3;
  d.choppy_window_us = 6000000;      /* 3 of the 2-s windows Agora/Daily report on (REFERENCE §10) */
  d.video_freeze_min_us = 1000000;   /* Agora freeze > 500 ms; Jitsi UI 2.5 s; 1 s in between */
  d.connection_lost_min_us = 1000000; /* = stall_timeout_us: one second of nothing from anyone */
  d.lag_one_way_us = 400000;         /* ITU-T G.114: > 400 ms one-way is unacceptable (REFERENCE §6) */
  d.lag_min_us = 2000000;            /* persists through a conversational turn (Twilio: 3 of 5 samples) */
  d.merge_gap_us = 2000000;          /* one network event, one rupture */
  d.end_hold_us = 2000000;           /* no flapping; Twilio holds a warning >= 5 s (REFERENCE §10) */
  d.hint_cooldown_us = 60000000;     /* prompt at most about once a minute for like ruptures */
  d.max_ruptures = 256;              /* ~30 KiB; older ones still count in the summary */
  memcpy(st, &d, settings_size[version]);
  return 0;
}

/* lib/detect's output sink: its rupture and quality events join the call's events. */
static void on_detect_event(void *ctx, const rup_event *ev) { rup__session_emit(ctx, ev); }

/* lib/detect's configuration from the settings (docs/ruptures.md §Settings). */
static int detect_init(rup_session *s) {
  const rup_settings *t = &s->st;
  rup_det_config c = {
      .mem = s->mem, .max_streams = t->max_streams, .max_ruptures = t->max_ruptures,
      .audio_dropout_min_us = t->audio_dropout_min_us, .choppy_count = t->choppy_count,
      .choppy_window_us = t->choppy_window_us, .video_freeze_min_us = t->video_freeze_min_us,
      .connection_lost_min_us = t->connection_lost_min_us, .lag_one_way_us = t->lag_one_way_us,
      .lag_min_us = t->lag_min_us, .merge_gap_us = t->merge_gap_us, .end_hold_us = t->end_hold_us,
      .hint_cooldown_us = t->hint_cooldown_us, .emit = on_detect_event, .emit_ctx = s,
      .off = t->statistics_only};
  return rup__detect_init(&s->det, &c);
}

static size_t pow2_at_least(size_t n) {
  size_t p = 16;
  while (p < n) p <<= 1;
  return p;
}

int rup_session_new(rup_session **out, const rup_settings *st, const rup_callbacks *cb,
                    const rup_mem *mem, void *user_data) {
  if (!out) return RUP_ERR_INVALID_ARGUMENT;
  rup_settings set;
  rup_settings_default(&set);
  if (st) {
    if (st->version < 1 || st->version >= RUP_ARRAY_LEN(settings_size)) return RUP_ERR_VERSION;
    memcpy(&set, st, settings_size[st->version]);
    set.version = RUP_SETTINGS_VERSION;
  }
  if (set.max_streams == 0 || set.max_streams > 65536 || set.burst_gmin == 0 ||
      set.burst_gmin > 255 || set.report_interval_us <= 0 || set.max_queued_events > (1u << 20) ||
      set.stall_timeout_us <= 0 || set.video_reorder_wait_us < 0 || set.audio_min_delay_us < 0 ||
      set.audio_max_delay_us < set.audio_min_delay_us || set.audio_dropout_min_us < 0 ||
      set.choppy_window_us < 0 || set.video_freeze_min_us < 0 || set.connection_lost_min_us < 0 ||
      set.lag_one_way_us <= 0 || set.lag_min_us < 0 || set.merge_gap_us < 0 || set.end_hold_us < 0 ||
      set.hint_cooldown_us < 0 || set.max_ruptures > (1u << 24) || set.choppy_count > RUP_DET_SHORT ||
      (set.statistics_only != 0 && set.statistics_only != 1) ||
      (set.statistics_only && (set.decode_audio || set.decode_video)))
    return RUP_ERR_INVALID_ARGUMENT;
  if (cb && (cb->version < 1 || cb->version > RUP_CALLBACKS_VERSION)) return RUP_ERR_VERSION;
#if !RUP_HAVE_DECODE
  if (set.decode_audio || set.decode_video) return RUP_ERR_UNSUPPORTED; /* built without lib/decode */
#endif
  if (!mem) mem = rup_mem_default();
  if (!mem->malloc || !mem->realloc || !mem->free) return RUP_ERR_INVALID_ARGUMENT;

  rup_session *s = rup__calloc(mem, sizeof *s);
  if (!s) return RUP_ERR_NOMEM;
  s->mem = *mem;
  s->st = set;
  if (cb) s->cb = *cb;
  s->user_data = user_data;
  s->deadline_min = INT64_MAX;
  s->counters.version = RUP_SESSION_COUNTERS_VERSION;
  size_t hcap = pow2_at_least((size_t)set.max_streams * 2);
  s->hash_mask = hcap - 1;
  s->streams = rup__calloc(mem, sizeof(*s->streams) * set.max_streams);
  s->hash = rup__calloc(mem, sizeof(*s->hash) * hcap);
  s->participants = rup__calloc(mem, sizeof(*s->participants) * set.max_streams * 2);
  s->pending_cap = (size_t)set.max_streams * (RUP_EVENTS_PER_STREAM + RUP_DETECT_EVENTS_PER_STREAM);
  s->pending = rup__calloc(mem, sizeof(*s->pending) * s->pending_cap);
  if (set.max_queued_events) s->queue = rup__calloc(mem, sizeof(*s->queue) * set.max_queued_events);
  if (!s->streams || !s->hash || !s->participants || !s->pending ||
      (set.max_queued_events && !s->queue) || detect_init(s) < 0) {
    rup_session_del(s);
    return RUP_ERR_NOMEM;
  }
  *out = s;
  return 0;
}

void rup_session_del(rup_session *s) {
  if (!s) return;
  const rup_mem *m = &s->mem;
  if (s->streams)
    for (size_t i = 0; i < s->n_streams; i++) {
      rup__playback_free(s, s->streams[i]);
      rup__free(m, s->streams[i]);
    }
  rup__free(m, s->streams);
  rup__free(m, s->hash);
  rup__free(m, s->participants);
  rup__free(m, s->pending);
  rup__free(m, s->queue);
  rup__detect_free(&s->det);
  rup_mem mem = s->mem;
  rup__free(&mem, s);
}

/* ---- stream table ---- */

static size_t hash_key(uint32_t ssrc, int direction) {
  uint64_t k = ((uint64_t)ssrc << 1) | (uint64_t)(direction & 1);
  k *= 0x9E3779B97F4A7C15ull; /* Fibonacci hashing */
  return (size_t)(k >> 32);
}

rup_stream *rup__session_find(const rup_session *s, uint32_t ssrc, int direction) {
  for (size_t i = hash_key(ssrc, direction) & s->hash_mask;; i = (i + 1) & s->hash_mask) {
    uint32_t v = s->hash[i];
    if (v == 0) return NULL;
    rup_stream *st = s->streams[v - 1];
    if (st->ssrc == ssrc && st->direction == direction) return st;
  }
}

rup_stream *rup__session_find_any(const rup_session *s, uint32_t ssrc, int direction) {
  rup_stream *st = rup__session_find(s, ssrc, direction);
  return st ? st : rup__session_find(s, ssrc, !direction);
}

/* Participant of a stream without a CNAME yet: the remote address (inbound: source,
 * outbound: destination), IP only, so one host's audio and video group together. */
static uint32_t participant_for_addr(rup_session *s, const rup_endpoint *remote) {
  for (size_t i = 0; i < s->n_participants; i++) {
    rup_participant *p = &s->participants[i];
    if (remote->family == 0 ? (p->addr.family == 0 && p->cname_len == 0)
                            : rup__endpoint_same_addr(&p->addr, remote))
      return (uint32_t)i;
  }
  rup_participant *p = &s->participants[s->n_participants]; /* 2 slots per stream */
  memset(p, 0, sizeof *p);
  p->addr = *remote;
  p->addr.port = 0;
  return (uint32_t)s->n_participants++;
}

static int stream_create(rup_session *s, uint32_t ssrc, int direction, const rup_endpoint *src,
                         const rup_endpoint *dst, rup_stream **out) {
  if (s->n_streams >= s->st.max_streams) {
    s->counters.refused_streams++;
    return RUP_ERR_TOO_MANY_STREAMS;
  }
  rup_stream *st = rup__calloc(&s->mem, sizeof *st);
  if (!st) return RUP_ERR_NOMEM;
  st->ssrc = ssrc;
  st->direction = direction;
  st->payload_type = -1;
  st->deadline = INT64_MAX;
  st->audio_level_dbov = -1;
  st->voice_activity = -1;
  if (src) st->src = *src;
  if (dst) st->dst = *dst;
  rup__rx_init(&st->rx, 0, s->st.burst_gmin);
  st->index = (uint32_t)s->n_streams;
  st->participant = participant_for_addr(s, direction == RUP_DIR_INBOUND ? &st->src : &st->dst);
  s->streams[s->n_streams++] = st;
  rup__session_sync_view(st);
  rup__detect_add_stream(&s->det, &st->det);
  size_t i = hash_key(ssrc, direction) & s->hash_mask;
  while (s->hash[i]) i = (i + 1) & s->hash_mask;
  s->hash[i] = st->index + 1;
  *out = st;
  return 0;
}

/* `guessed`: the codec/clock come from a heuristic, not from SDP or the RFC 3551
 * table, so tshark would not know the clock either: the tshark-convention jitter
 * (REFERENCE §9.3, "unknown clock -> jitter is not computed") stays off. */
static void stream_set_codec(rup_stream *st, int codec, int pt, uint32_t clock_rate, int guessed) {
  st->codec = codec;
  st->media = rup_codec_media(codec);
  if (pt >= 0) st->payload_type = pt;
  if (clock_rate == 0) clock_rate = rup__codec_clock_rate(codec);
  if (clock_rate && clock_rate != st->rx.clock_rate) rup__rx_set_clock_rate(&st->rx, clock_rate);
  rup__rx_set_ws_clock_rate(&st->rx, guessed ? 0 : clock_rate);
}

static void stream_set_codec_and_model(rup_session *s, rup_stream *st, int codec, int pt,
                                       uint32_t clock_rate, int guessed) {
  stream_set_codec(st, codec, pt, clock_rate, guessed);
  rup__playback_setup(s, st);
  rup__session_sync_view(st);
}

static void emit_stream_added(rup_session *s, const rup_stream *st) {
  rup_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = RUP_EVENT_STREAM_ADDED;
  ev.time_us = s->now_us;
  ev.u.stream.ssrc = st->ssrc;
  ev.u.stream.direction = st->direction;
  ev.u.stream.index = st->index;
  ev.u.stream.codec = st->codec;
  ev.u.stream.media = st->media;
  rup__session_emit(s, &ev);
}

/* ---- events ---- */

/* Events are collected while a call runs and delivered when it returns, after
 * every state change of the call is committed (STYLE.md §2.5). The buffer holds
 * RUP_EVENTS_PER_STREAM per stream, more than one call can produce. */
void rup__session_emit(rup_session *s, const rup_event *ev) {
  if (s->n_pending < s->pending_cap)
    s->pending[s->n_pending++] = *ev;
  else
    s->counters.events_dropped++; /* not reachable by construction; counted, never unbounded */
}

static int (*callback_for(const rup_callbacks *cb, int type))(rup_session *, const rup_event *, void *) {
  switch (type) {
    case RUP_EVENT_STREAM_ADDED: return cb->on_stream_added;
    case RUP_EVENT_IMPAIRMENT: return cb->on_impairment;
    case RUP_EVENT_RUPTURE_BEGIN: return cb->on_rupture_begin;
    case RUP_EVENT_RUPTURE_UPDATE: return cb->on_rupture_update;
    case RUP_EVENT_RUPTURE_END: return cb->on_rupture_end;
    case RUP_EVENT_QUALITY_CHANGE: return cb->on_quality_change;
    default: return NULL;
  }
}

/* Deliver the pending events: to the poll queue, then to the callback. Every event
 * is delivered even after a callback failed; the call then reports the failure. */
static int deliver(rup_session *s) {
  int failed = 0;
  for (size_t i = 0; i < s->n_pending; i++) {
    const rup_event *ev = &s->pending[i];
    if (s->queue) {
      if (s->q_len == s->st.max_queued_events) {
        s->counters.events_dropped++;
      } else {
        s->queue[(s->q_head + s->q_len) % s->st.max_queued_events] = *ev;
        s->q_len++;
      }
    }
    int (*fn)(rup_session *, const rup_event *, void *) = callback_for(&s->cb, ev->type);
    if (fn) {
      s->in_callback = 1;
      if (fn(s, ev, s->user_data) != 0) failed = 1;
      s->in_callback = 0;
    }
  }
  s->n_pending = 0;
  return failed;
}

int rup_session_poll_event(rup_session *s, const rup_event **ev) {
  if (!s || !ev) return RUP_ERR_INVALID_ARGUMENT;
  if (s->q_len == 0) {
    *ev = NULL;
    return 0;
  }
  s->polled = s->queue[s->q_head];
  s->q_head = (s->q_head + 1) % s->st.max_queued_events;
  s->q_len--;
  *ev = &s->polled;
  return 1;
}

/* ---- entry checks shared by every mutating call ---- */

static int enter(rup_session *s, int64_t now_us) {
  if (s->fatal || s->in_callback || s->finished) return RUP_ERR_INVALID_STATE;
  if (s->have_time && now_us < s->now_us) {
    s->counters.time_regressions++;
    return RUP_ERR_TIME_REGRESSION;
  }
  s->now_us = now_us;
  s->have_time = 1;
  return 0;
}

static int leave(rup_session *s, int rv) {
  if (rup_err_is_fatal(rv)) {
    s->fatal = 1;
    s->n_pending = 0;
    return rv;
  }
  if (deliver(s) && rv == 0) rv = RUP_ERR_CALLBACK_FAILURE;
  return rv;
}

/* RFC 3550 A.3: close reporting intervals that have elapsed. */
static void roll_intervals(rup_stream *st, int64_t now_us, int64_t interval_us) {
  if (st->rx.received == 0) return;
  if ((uint64_t)now_us - (uint64_t)st->interval_start_us >= (uint64_t)interval_us) { /* now >= start: no overflow */
    rup__rx_close_interval(&st->rx);
    st->interval_start_us = now_us;
  }
}

/* ---- public calls ---- */

int rup_session_map_extension(rup_session *s, int id, const char *uri) {
  if (!s || !uri || id < 1 || id > 255) return RUP_ERR_INVALID_ARGUMENT;
  if (s->in_callback || s->fatal) return RUP_ERR_INVALID_STATE;
  int kind = rup__ext_uri_from_string(uri, strlen(uri));
  if (kind == RUP_EXT_AUDIO_LEVEL) s->ext_audio_level_id = (uint8_t)id;
  return 0;
}

int rup__session_describe(rup_session *s, uint32_t ssrc, int codec, int payload_type,
                          uint32_t clock_rate, int direction, int guessed) {
  if (!s) return RUP_ERR_INVALID_ARGUMENT;
  if (direction != RUP_DIR_INBOUND && direction != RUP_DIR_OUTBOUND) return RUP_ERR_INVALID_ARGUMENT;
  if (codec < 0 || codec > RUP_CODEC_TELEPHONE_EVENT || payload_type < 0 || payload_type > 127)
    return RUP_ERR_INVALID_ARGUMENT;
  if (clock_rate > 1000000) return RUP_ERR_INVALID_ARGUMENT;
  if (s->fatal || s->in_callback || s->finished) return RUP_ERR_INVALID_STATE;
  rup_stream *st = rup__session_find(s, ssrc, direction);
  int created = 0;
  if (!st) {
    int rv = stream_create(s, ssrc, direction, NULL, NULL, &st);
    if (rv < 0) return leave(s, rv);
    created = 1;
  }
  if (!(guessed && st->described)) {
    stream_set_codec_and_model(s, st, codec, payload_type, clock_rate, guessed);
    rup__session_refresh_deadline(s, st);
    if (!guessed) st->described = 1;
  }
  if (created) emit_stream_added(s, st);
  return leave(s, 0);
}

int rup_session_describe_stream(rup_session *s, uint32_t ssrc, int codec, int payload_type,
                                uint32_t clock_rate, int direction) {
  return rup__session_describe(s, ssrc, codec, payload_type, clock_rate, direction, 0);
}

static int push_rtp(rup_session *s, const uint8_t *buf, size_t len, int direction,
                    const rup_endpoint *src, const rup_endpoint *dst) {
  rup_rtp rtp;
  if (rup__rtp_parse(&rtp, buf, len) < 0) {
    s->counters.malformed++;
    return RUP_ERR_MALFORMED;
  }
  s->counters.rtp++;
  rup_stream *st = s->last_rtp; /* a video frame's packets come in a row */
  if (!st || st->ssrc != rtp.ssrc || st->direction != direction) st = rup__session_find(s, rtp.ssrc, direction);
  int created = 0;
  if (!st) {
    int rv = stream_create(s, rtp.ssrc, direction, src, dst, &st);
    if (rv < 0) return rv;
    int codec = rup__codec_from_static_pt(rtp.payload_type);
    if (codec != RUP_CODEC_UNKNOWN) stream_set_codec_and_model(s, st, codec, rtp.payload_type, 0, 0);
    created = 1;
  } else if (st->src.family == 0 && src) {
    st->src = *src; /* described before its first packet */
    if (dst) st->dst = *dst;
    rup__session_sync_view(st);
  }
  s->last_rtp = st;
  st->payload_type = rtp.payload_type;
  if (st->rx.packets == 0) st->interval_start_us = s->now_us;
  unsigned flags = rup__rx_update(&st->rx, rtp.seq, rtp.ts, s->now_us, rtp.payload_len,
                                  rtp.marker, rtp.payload_type);
  if (flags & RUP_RX_VALID) rup__detect_packet(&s->det, &st->det, rtp.ts, s->now_us);
  if (s->ext_audio_level_id) {
    rup_rtp_ext_elem e;
    int voice, level;
    if (rup__rtp_ext_find(&rtp, s->ext_audio_level_id, &e) == 1 &&
        rup__ext_audio_level(&e, &voice, &level) == 0) {
      st->voice_activity = voice;
      st->audio_level_dbov = level;
    }
  }
  roll_intervals(st, s->now_us, s->st.report_interval_us);
  if (created) emit_stream_added(s, st);
  rup__playback_packet(s, st, &rtp, flags);
  rup__session_refresh_deadline(s, st);
  return 0;
}

int rup_session_push_udp(rup_session *s, const uint8_t *buf, size_t len, int direction,
                         int64_t arrival_us, const rup_endpoint *src, const rup_endpoint *dst) {
  if (!s || (!buf && len)) return RUP_ERR_INVALID_ARGUMENT;
  if (direction != RUP_DIR_INBOUND && direction != RUP_DIR_OUTBOUND) return RUP_ERR_INVALID_ARGUMENT;
  int rv = enter(s, arrival_us);
  if (rv < 0) return rv;
  s->counters.packets++;
  const uint8_t *inner;
  size_t inner_len;
  int kind = rup__wire_classify(buf, len);
  if (kind == RUP_WIRE_TURN_CHANNEL) {
    if (rup__wire_unwrap_turn(buf, len, &inner, &inner_len) < 0) {
      s->counters.malformed++;
      return leave(s, RUP_ERR_MALFORMED);
    }
    s->counters.turn_channel++;
    buf = inner;
    len = inner_len;
    kind = rup__wire_classify(buf, len);
  }
  switch (kind) {
    case RUP_WIRE_RTP: rv = push_rtp(s, buf, len, direction, src, dst); break;
    case RUP_WIRE_RTCP: rv = rup__session_rtcp(s, buf, len, direction); break;
    case RUP_WIRE_STUN: s->counters.stun++; break;
    case RUP_WIRE_DTLS: s->counters.dtls++; break;
    default: s->counters.unknown++; break;
  }
  if (!rup_err_is_fatal(rv)) rup__detect_run(&s->det, s->now_us);
  return leave(s, rv);
}

int rup_session_push_packet(rup_session *s, const uint8_t *buf, size_t len, int direction,
                            int64_t arrival_us) {
  return rup_session_push_udp(s, buf, len, direction, arrival_us, NULL, NULL);
}

/* Each stream's next deadline (report interval, playback model) is cached: it can
 * change only when the stream is touched. Their minimum is cached too, since
 * rup_session_next_deadline() runs before every datagram of a replay: O(1), except
 * when the stream holding the minimum moves later (a rescan). */
static void stream_deadline(const rup_session *s, rup_stream *st) {
  int64_t next = INT64_MAX;
  if (st->rx.received) {
    next = st->interval_start_us > INT64_MAX - s->st.report_interval_us ? INT64_MAX
                                                                         : st->interval_start_us + s->st.report_interval_us;
    int64_t d = rup__playback_deadline(st);
    if (d < next) next = d;
  }
  st->deadline = next;
}

static void deadline_rescan(rup_session *s) {
  int64_t m = INT64_MAX;
  for (size_t i = 0; i < s->n_streams; i++)
    if (s->streams[i]->deadline < m) m = s->streams[i]->deadline;
  s->deadline_min = m;
}

void rup__session_refresh_deadline(rup_session *s, rup_stream *st) {
  int64_t old = st->deadline;
  stream_deadline(s, st);
  if (st->deadline <= s->deadline_min)
    s->deadline_min = st->deadline;
  else if (old == s->deadline_min)
    deadline_rescan(s);
}

int64_t rup_session_next_deadline(const rup_session *s) {
  if (!s) return INT64_MAX;
  int64_t next = s->deadline_min;
  int64_t d = rup__detect_deadline(&s->det, s->now_us);
  return d < next ? d : next;
}

int rup_session_advance(rup_session *s, int64_t now_us) {
  if (!s) return RUP_ERR_INVALID_ARGUMENT;
  int rv = enter(s, now_us);
  if (rv < 0) return rv;
  for (size_t i = 0; i < s->n_streams; i++) {
    roll_intervals(s->streams[i], now_us, s->st.report_interval_us);
    rup__playback_advance(s, s->streams[i], now_us);
    stream_deadline(s, s->streams[i]);
  }
  deadline_rescan(s);
  rup__detect_run(&s->det, now_us);
  return leave(s, 0);
}

int rup_session_finish(rup_session *s, int64_t now_us) {
  if (!s) return RUP_ERR_INVALID_ARGUMENT;
  int rv = enter(s, now_us);
  if (rv < 0) return rv;
  for (size_t i = 0; i < s->n_streams; i++) {
    roll_intervals(s->streams[i], now_us, s->st.report_interval_us);
    rup__playback_finish(s, s->streams[i], now_us);
    stream_deadline(s, s->streams[i]);
  }
  deadline_rescan(s);
  rup__detect_finish(&s->det, now_us);
  s->finished = 1;
  return leave(s, 0);
}

int rup_session_get_stream_stats_versioned(const rup_session *s, size_t index, int version,
                                           rup_stream_stats *out) {
  if (!s || !out) return RUP_ERR_INVALID_ARGUMENT;
  if (version < 1 || (size_t)version >= RUP_ARRAY_LEN(stats_size)) return RUP_ERR_VERSION;
  if (index >= s->n_streams) return RUP_ERR_NOT_FOUND;
  rup_stream_stats o;
  const rup_stream *st = s->streams[index];
  rup__stats_fill(st, &o);
  /* RFC 3550 §6.4.1 measures RTT at the SR's sender. Seen from a capture point,
   * A - LSR - DLSR covers only the part of the path between the capture point and
   * the reporter (about 0 when the capture is taken at the reporter). The reverse
   * stream (addresses swapped) covers the other part, so the round trip of the path
   * is the sum of the two. */
  if (st->has_rtt && st->src.family) {
    for (size_t i = 0; i < s->n_streams; i++) {
      const rup_stream *r = s->streams[i];
      if (r->has_rtt && r != st && rup__endpoint_same_addr(&r->src, &st->dst) &&
          rup__endpoint_same_addr(&r->dst, &st->src)) {
        o.rtt_ms += (double)r->rtt_us / 1000.0;
        break;
      }
    }
  }
  o.has_mos = rup__detect_stream_mos(&s->det, &st->det, &o.mos);
  if (!o.has_mos) o.mos = 0.0;
  o.version = (uint32_t)version;
  memcpy(out, &o, stats_size[version]);
  return 0;
}

size_t rup_session_get_stream_count(const rup_session *s) { return s ? s->n_streams : 0; }

int rup_session_find_stream(const rup_session *s, uint32_t ssrc, int direction, size_t *index) {
  if (!s || !index) return RUP_ERR_INVALID_ARGUMENT;
  const rup_stream *st = rup__session_find(s, ssrc, direction & 1);
  if (!st || (direction != RUP_DIR_INBOUND && direction != RUP_DIR_OUTBOUND)) return RUP_ERR_NOT_FOUND;
  *index = st->index;
  return 0;
}

int rup_session_get_counters_versioned(const rup_session *s, int version, rup_session_counters *out) {
  if (!s || !out) return RUP_ERR_INVALID_ARGUMENT;
  if (version < 1 || (size_t)version >= RUP_ARRAY_LEN(counters_size)) return RUP_ERR_VERSION;
  rup_session_counters c = s->counters;
  c.version = (uint32_t)version;
  memcpy(out, &c, counters_size[version]);
  return 0;
}

/* ---- what lib/detect sees of a stream ---- */

void rup__session_sync_view(rup_stream *st) {
  rup_det_view *v = &st->det.view;
  v->ssrc = st->ssrc;
  v->direction = st->direction;
  v->media = st->media;
  v->codec = st->codec;
  v->participant = st->participant;
  v->bye = st->bye;
  v->modelled = st->model != RUP_MODEL_NONE;
  v->src = st->src;
  v->dst = st->dst;
  v->rx = &st->rx;
  v->audio = st->model == RUP_MODEL_AUDIO ? &st->m.audio : NULL;
  v->adec = st->adec;
}

/* ---- participants from RTCP SDES (used by rtcp.c) ---- */

void rup__session_set_cname(rup_session *s, rup_stream *st, const uint8_t *cname, uint8_t len) {
  if (len == 0) return;
  for (size_t i = 0; i < s->n_participants; i++) {
    rup_participant *p = &s->participants[i];
    if (p->cname_len == len && memcmp(p->cname, cname, len) == 0) {
      st->participant = (uint32_t)i;
      rup__session_sync_view(st);
      return;
    }
  }
  rup_participant *cur = &s->participants[st->participant];
  if (cur->cname_len == 0) { /* the address-keyed participant takes its CNAME */
    memcpy(cur->cname, cname, len);
    cur->cname_len = len;
    return;
  }
  if (s->n_participants >= (size_t)s->st.max_streams * 2) return; /* bounded: keep the current one */
  rup_participant *p = &s->participants[s->n_participants];
  memset(p, 0, sizeof *p);
  memcpy(p->cname, cname, len);
  p->cname_len = len;
  st->participant = (uint32_t)s->n_participants++;
  rup__session_sync_view(st);
}

/* ---- ruptures: host actions (lib/detect) ---- */

int rup_session_ack_rupture(rup_session *s, uint32_t id, int64_t now_us) {
  if (!s || id == 0) return RUP_ERR_INVALID_ARGUMENT;
  if (s->fatal || s->in_callback) return RUP_ERR_INVALID_STATE;
  if (!s->finished) { /* after finish the note may still record a repair: time is not advanced */
    if (s->have_time && now_us < s->now_us) {
      s->counters.time_regressions++;
      return RUP_ERR_TIME_REGRESSION;
    }
    int rv = rup__detect_ack(&s->det, id, now_us);
    if (rv == 0) { /* a time given to the session: later calls may not go before it */
      s->now_us = now_us;
      s->have_time = 1;
    }
    return rv;
  }
  return rup__detect_ack(&s->det, id, now_us);
}

int rup_session_set_stream_paused(rup_session *s, uint32_t ssrc, int direction, int paused) {
  if (!s || (direction != RUP_DIR_INBOUND && direction != RUP_DIR_OUTBOUND) || (paused != 0 && paused != 1))
    return RUP_ERR_INVALID_ARGUMENT;
  if (s->fatal || s->in_callback || s->finished) return RUP_ERR_INVALID_STATE;
  rup_stream *st = rup__session_find(s, ssrc, direction);
  if (!st) return RUP_ERR_NOT_FOUND;
  rup__detect_paused(&s->det, &st->det, paused, s->now_us);
  return 0;
}

/* ---- ruptures: history and summary (lib/detect) ---- */

size_t rup_session_get_rupture_count(const rup_session *s) { return s ? rup__detect_rupture_count(&s->det) : 0; }

int rup_session_get_rupture(const rup_session *s, size_t index, rup_rupture *out) {
  if (!s || !out) return RUP_ERR_INVALID_ARGUMENT;
  return rup__detect_rupture(&s->det, index, out);
}

static const size_t summary_size[] = {0, offsetof(rup_summary, ruptures_analysed), sizeof(rup_summary)};

int rup_session_get_summary_versioned(const rup_session *s, int version, rup_summary *out) {
  if (!s || !out) return RUP_ERR_INVALID_ARGUMENT;
  if (version < 1 || (size_t)version >= RUP_ARRAY_LEN(summary_size)) return RUP_ERR_VERSION;
  rup_summary o;
  rup__detect_summary(&s->det, s->now_us, &o);
  o.version = (uint32_t)version;
  memcpy(out, &o, summary_size[version]);
  return 0;
}
