/* Ruptures from impairments (DESIGN.md §3). See docs/ruptures.md for the model:
 * grouping per remote participant and direction, thresholds, merge gap, escalation,
 * hysteresis, causes, severity, repair hints; docs/quality.md for the E-model. */
#include "detect/detect.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#define INF INT64_MAX

/* Choppy audio from concealment: Skype/Lync QoE calls a concealed ratio > 0.07 poor
 * (REFERENCE §10). Here the ratio is concealed speech over the talker's speech in
 * choppy_window_us (0.5-s sub-windows); choppy from that ratio with at least
 * choppy_count concealment events, until the window holds under half of it. */
#define CHOPPY_RATIO 0.07
/* Severity by duration (docs/ruptures.md §Severity). */
#define SEV_MODERATE_US 2000000
#define SEV_SEVERE_US 10000000
#define SEV_CONN_SEVERE_US 5000000
#define SPEECH_RAISE_S 1.0
#define REPEAT_RAISE 3
/* Hints (docs/ruptures.md §Repair hints). */
#define HINT_SPEECH_S 0.5
#define HINT_BACKUP_US 30000000
/* Outbound: a receiver report interval with >= 20 % loss is a broken interval for
 * the remote (Opus PLC hides isolated losses, REFERENCE §10 puts "poor" at 5-10 %;
 * 20 % over a whole report interval means breaks a person hears). >= 50 %: dropout. */
#define RR_BAD 0.20
#define RR_DROPOUT 0.50
#define RR_NOTHING 0.90
/* Inbound transit is current when an audio packet or a video frame arrived this recently (DTX sends one every 400 ms). */
#define TRANSIT_FRESH_US 1000000

static int64_t add_sat(int64_t a, int64_t b) {
  if (a == INF || b == INF) return INF;
  if (b > 0 && a > INF - b) return INF;
  return a + b;
}
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }
static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static int type_rank(int type) {
  switch (type) {
    case RUP_RUPTURE_CONNECTION_LOST: return 3;
    case RUP_RUPTURE_AV_OUTAGE: return 2;
    case RUP_RUPTURE_AUDIO_DROPOUT:
    case RUP_RUPTURE_CHOPPY_AUDIO:
    case RUP_RUPTURE_VIDEO_FREEZE: return 1;
    default: return 0;
  }
}

/* ---- setup ---- */

int rup__detect_init(rup_detect *d, const rup_det_config *cfg) {
  memset(d, 0, sizeof *d);
  d->cfg = *cfg;
  const rup_mem *m = &d->cfg.mem;
  d->n_groups = (size_t)cfg->max_streams * 2 * 2;
  d->groups = rup__calloc(m, sizeof(*d->groups) * d->n_groups);
  d->hist_cap = cfg->max_ruptures;
  d->hist = rup__calloc(m, sizeof(*d->hist) * d->hist_cap);
  d->scratch = rup__calloc(m, sizeof(*d->scratch) * d->hist_cap * 2);
  d->streams = rup__calloc(m, sizeof(*d->streams) * cfg->max_streams);
  if (!d->groups || !d->hist || !d->scratch || !d->streams) return RUP_ERR_NOMEM;
  d->next_id = 1;
  d->deadline = INF;
  d->prompt_us = INT64_MIN;
  d->level_min = -1;
  for (size_t i = 0; i < d->n_groups; i++) {
    d->groups[i].level = -1;
    d->groups[i].deadline = INF;
  }
  return 0;
}

void rup__detect_free(rup_detect *d) {
  if (!d->cfg.mem.free) return; /* never initialised */
  rup__free(&d->cfg.mem, d->groups);
  rup__free(&d->cfg.mem, d->hist);
  rup__free(&d->cfg.mem, d->scratch);
  rup__free(&d->cfg.mem, d->streams);
}

void rup__detect_add_stream(rup_detect *d, rup_det_stream *ds) {
  if (d->n_streams < d->cfg.max_streams) d->streams[d->n_streams++] = ds; /* the session caps streams first */
}

/* ---- streams and groups ---- */

/* The remote participant a stream belongs to: inbound, its own; outbound, the one
 * whose RTCP reports about it (the receiver), else the inbound participant at the
 * stream's destination address. */
static uint32_t stream_peer(const rup_detect *d, const rup_det_stream *ds) {
  const rup_det_view *vw = &ds->view;
  if (vw->direction == RUP_DIR_INBOUND) return vw->participant;
  if (ds->has_peer) return ds->peer;
  if (vw->dst.family)
    for (size_t i = 0; i < d->n_streams; i++) {
      const rup_det_view *r = &d->streams[i]->view;
      if (r->direction == RUP_DIR_INBOUND && rup__endpoint_same_addr(&r->src, &vw->dst)) return r->participant;
    }
  return vw->participant;
}

static rup_det_group *group_of(rup_detect *d, uint32_t participant, int direction) {
  size_t gi = (size_t)participant * 2 + (size_t)(direction & 1);
  if (gi >= d->n_groups) return NULL;
  rup_det_group *g = &d->groups[gi];
  g->used = 1;
  return g;
}

/* Last RTCP from a participant (kept in its inbound group, which it does not mark used). */
static int64_t last_rtcp(const rup_detect *d, uint32_t participant) {
  size_t gi = (size_t)participant * 2 + (size_t)(RUP_DIR_INBOUND & 1);
  return gi < d->n_groups ? d->groups[gi].last_rtcp_us : 0;
}

static void mark(rup_detect *d, rup_det_group *g) {
  if (!g) return;
  g->dirty = 1;
  d->any_dirty = 1;
}

static int considered(const rup_det_stream *ds) {
  const rup_det_view *vw = &ds->view;
  return (vw->media == RUP_MEDIA_AUDIO || vw->media == RUP_MEDIA_VIDEO) && vw->modelled && !ds->paused &&
         !vw->bye && vw->rx->packets > 0;
}

/* The registered stream (ssrc, direction); NULL if absent. */
static const rup_det_stream *find_stream(const rup_detect *d, uint32_t ssrc, int direction) {
  for (size_t i = 0; i < d->n_streams; i++)
    if (d->streams[i]->view.ssrc == ssrc && d->streams[i]->view.direction == direction) return d->streams[i];
  return NULL;
}

/* ---- history ---- */

static rup_rupture *hist_find(rup_detect *d, uint32_t id) {
  uint32_t oldest = d->next_id - (uint32_t)d->hist_len;
  if (id < oldest || id >= d->next_id) return NULL;
  return &d->hist[(d->hist_head + (id - oldest)) % d->hist_cap];
}

static double dur_s(const rup_rupture *r, int64_t now) {
  int64_t e = r->end_us ? r->end_us : now;
  return e > r->start_us ? (double)(e - r->start_us) / 1e6 : 0.0;
}

static void hist_add(rup_detect *d, const rup_rupture *r, int64_t now) {
  if (d->hist_cap == 0) {
    d->dropped++;
    return;
  }
  if (d->hist_len == d->hist_cap) { /* drop the oldest; its totals stay in the summary */
    const rup_rupture *o = &d->hist[d->hist_head];
    d->dropped++;
    if (o->type > 0 && o->type < 7) d->by_type_dropped[o->type]++;
    double ds = dur_s(o, now);
    d->time_dropped_s += ds;
    if (ds > d->longest_dropped_s) d->longest_dropped_s = ds;
    d->speech_dropped_s += o->speech_missed_s;
    d->ack_dropped += o->acknowledged ? 1u : 0u;
    d->hist_head = (d->hist_head + 1) % d->hist_cap;
    d->hist_len--;
  }
  d->hist[(d->hist_head + d->hist_len) % d->hist_cap] = *r;
  d->hist_len++;
}

static void hist_sync(rup_detect *d, const rup_rupture *r) {
  rup_rupture *h = hist_find(d, r->id);
  if (h) {
    int ack = h->acknowledged;
    int64_t ack_us = h->acknowledged_us;
    *h = *r;
    h->acknowledged = ack;
    h->acknowledged_us = ack_us;
  }
}

static void emit(rup_detect *d, int type, rup_rupture *r, int64_t now) {
  rup_rupture *h = hist_find(d, r->id);
  if (h) { /* the host may have acknowledged it meanwhile */
    r->acknowledged = h->acknowledged;
    r->acknowledged_us = h->acknowledged_us;
  }
  rup_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = type;
  ev.time_us = now;
  ev.u.rupture = *r;
  d->cfg.emit(d->cfg.emit_ctx, &ev);
}

/* ---- speech, severity, hints ---- */

static void speech_missed(const rup_detect *d, uint32_t p, int dir, rup_rupture *r, int64_t now) {
  int64_t t1 = r->end_us ? r->end_us : now;
  double sum = 0;
  int known = 0;
  if (r->type == RUP_RUPTURE_LAG) { /* a delay hides nothing */
    r->speech_known = 0;
    r->speech_missed_s = 0;
    return;
  }
  int video_only = r->type == RUP_RUPTURE_VIDEO_FREEZE; /* the voice still came through */
  for (size_t i = 0; i < d->n_streams; i++) {
    const rup_det_stream *ds = d->streams[i];
    const rup_det_view *vw = &ds->view;
    if (vw->direction != dir || !vw->audio || stream_peer(d, ds) != p) continue;
    /* inbound: the remote's speech on the inbound stream; outbound: the local user's
     * speech on the stream we send (what the remote missed). */
    double v = rup__audio_speech_between(vw->audio, r->start_us, t1);
    if (v < 0 && vw->adec) v = rup__adec_speech_between(vw->adec, r->start_us, t1); /* decoded energy */
    if (v >= 0) {
      sum += v;
      known = 1;
    }
  }
  r->speech_known = known;
  r->speech_missed_s = known && !video_only ? sum : 0.0;
}

static unsigned recent_count(const rup_det_group *g, int64_t now, int video_only) {
  unsigned n = 0;
  for (unsigned i = 0; i < g->nrecent; i++) {
    if (g->recent[i] < now - RUP_DET_RECENT_US) continue;
    int t = g->recent_type[i];
    if (video_only == 1 && t != RUP_RUPTURE_VIDEO_FREEZE && t != RUP_RUPTURE_AV_OUTAGE) continue;
    if (video_only == 2 && t != RUP_RUPTURE_CONNECTION_LOST) continue;
    n++;
  }
  return n;
}

static int severity_of(const rup_det_group *g, const rup_rupture *r, int64_t now) {
  int64_t e = r->end_us ? r->end_us : now;
  int64_t d = e - r->start_us;
  if (r->cause == RUP_CAUSE_SENDER_STOPPED) return RUP_SEVERITY_MINOR; /* a camera off, not a failure */
  int sev;
  if (r->type == RUP_RUPTURE_CONNECTION_LOST)
    sev = d >= SEV_CONN_SEVERE_US ? RUP_SEVERITY_SEVERE : RUP_SEVERITY_MODERATE;
  else
    sev = d >= SEV_SEVERE_US ? RUP_SEVERITY_SEVERE : d >= SEV_MODERATE_US ? RUP_SEVERITY_MODERATE : RUP_SEVERITY_MINOR;
  if (r->speech_known && r->speech_missed_s >= SPEECH_RAISE_S) sev++;
  if (recent_count(g, now, 0) >= REPEAT_RAISE) sev++;
  return sev > RUP_SEVERITY_SEVERE ? RUP_SEVERITY_SEVERE : sev;
}

/* The policy of docs/ruptures.md §Repair hints, before the cooldown. */
static int hint_policy(const rup_det_group *g, const rup_rupture *r, int64_t now) {
  int64_t e = r->end_us ? r->end_us : now;
  int audio = r->type == RUP_RUPTURE_AUDIO_DROPOUT || r->type == RUP_RUPTURE_CHOPPY_AUDIO ||
              r->type == RUP_RUPTURE_AV_OUTAGE;
  if (r->type == RUP_RUPTURE_LAG) return r->severity >= RUP_SEVERITY_MODERATE ? RUP_REPAIR_CHECK_IN : RUP_REPAIR_ACKNOWLEDGE;
  if (r->type == RUP_RUPTURE_CONNECTION_LOST)
    return (e - r->start_us >= HINT_BACKUP_US || recent_count(g, now, 2) >= 2) ? RUP_REPAIR_USE_BACKUP_CHANNEL
                                                                             : RUP_REPAIR_RECONNECT;
  if (audio && r->speech_known && r->speech_missed_s >= HINT_SPEECH_S)
    return r->direction == RUP_DIR_INBOUND ? RUP_REPAIR_ASK_REPEAT : RUP_REPAIR_OFFER_REPEAT;
  if ((r->type == RUP_RUPTURE_VIDEO_FREEZE || r->type == RUP_RUPTURE_AV_OUTAGE) &&
      r->cause != RUP_CAUSE_SENDER_STOPPED && recent_count(g, now, 1) >= REPEAT_RAISE)
    return RUP_REPAIR_SUGGEST_AUDIO_ONLY;
  if (r->severity >= RUP_SEVERITY_MODERATE) return RUP_REPAIR_CHECK_IN;
  return r->cause == RUP_CAUSE_SENDER_STOPPED ? RUP_REPAIR_NONE : RUP_REPAIR_ACKNOWLEDGE;
}

/* Cooldown: after a prompting hint, ruptures of no higher severity within
 * hint_cooldown_us get none (the one that prompted keeps its own). */
static int hint_of(rup_detect *d, const rup_det_group *g, const rup_rupture *r, int64_t now) {
  int h = hint_policy(g, r, now);
  if (h == RUP_REPAIR_NONE) return h;
  /* reconnecting or switching channel is an action, not a conversation prompt: no cooldown */
  if (h == RUP_REPAIR_RECONNECT || h == RUP_REPAIR_USE_BACKUP_CHANNEL) return h;
  if (d->prompt_id != 0 && d->prompt_id != r->id && now - d->prompt_us < d->cfg.hint_cooldown_us &&
      r->severity <= d->prompt_severity)
    return RUP_REPAIR_NONE;
  if (d->prompt_id != r->id || r->severity > d->prompt_severity) {
    d->prompt_id = r->id;
    d->prompt_us = now;
  }
  if (r->severity > d->prompt_severity || d->prompt_id == r->id) d->prompt_severity = r->severity;
  return h;
}

/* ---- scan of a group's streams ---- */

typedef struct scan {
  int n, n_stalled, n_broken;
  int a_open, v_open;
  int64_t a_since, v_since, a_det, v_det, a_conf;
  int64_t n_since, stall_det, any_since;
  uint32_t ev;
  int ob_choppy;
  uint32_t ssrcs[RUP_RUPTURE_MAX_SSRCS];
  uint32_t nssrc;
} scan;

static void add_ssrc(uint32_t *list, uint32_t *n, uint32_t ssrc) {
  for (uint32_t i = 0; i < *n; i++)
    if (list[i] == ssrc) return;
  if (*n < RUP_RUPTURE_MAX_SSRCS) list[(*n)++] = ssrc;
}

/* How long an audio break with no loss evidence waits for the sender's next SR
 * (a mute shows a standing packet count, REFERENCE audio model §7): 2.5 SR
 * intervals + 0.5 s, between 1 s and 5 s (RFC 3550 §6.2 minimum interval). */
static int64_t sr_hold(const rup_det_stream *ds) {
  int64_t h = ds->sr_interval_us > 0 ? ds->sr_interval_us * 5 / 2 + 500000 : 5000000;
  return h < 1000000 ? 1000000 : h > 5000000 ? 5000000 : h;
}

static void do_scan(const rup_detect *d, uint32_t p, int dir, scan *c) {
  memset(c, 0, sizeof *c);
  c->a_since = c->v_since = c->a_det = c->v_det = c->a_conf = c->any_since = INF;
  c->n_since = INT64_MIN;
  c->stall_det = INT64_MIN;
  for (size_t i = 0; i < d->n_streams; i++) {
    const rup_det_stream *ds = d->streams[i];
    const rup_det_view *vw = &ds->view;
    if (vw->direction != dir || !considered(ds) || stream_peer(d, ds) != p) continue;
    c->n++;
    int broken = 0;
    int64_t since = INF, det = INF;
    for (int k = 1; k <= 3; k++) {
      if (!ds->open[k] || ds->ignored[k]) continue;
      broken = 1;
      since = min64(since, ds->start[k]);
      det = min64(det, ds->detected[k]);
      c->ev |= ds->evidence[k];
    }
    if (ds->open[RUP_IMPAIRMENT_STALL] && !ds->ignored[RUP_IMPAIRMENT_STALL]) {
      c->n_stalled++;
      c->n_since = max64(c->n_since, ds->start[RUP_IMPAIRMENT_STALL]);
      c->stall_det = max64(c->stall_det, ds->detected[RUP_IMPAIRMENT_STALL]);
    }
    if (!broken) continue;
    c->n_broken++;
    add_ssrc(c->ssrcs, &c->nssrc, vw->ssrc);
    c->any_since = min64(c->any_since, since);
    if (vw->media == RUP_MEDIA_AUDIO) {
      c->a_open = 1;
      c->a_since = min64(c->a_since, since);
      c->a_det = min64(c->a_det, det);
      /* confirmation of an audio break: loss seen, or outbound (a report), or the
       * sender's SR shows packets we did not get, or no SR to wait for, or the hold */
      uint32_t e = 0;
      for (int k = 1; k <= 3; k++)
        if (ds->open[k] && !ds->ignored[k]) e |= ds->evidence[k];
      int64_t conf;
      if (dir == RUP_DIR_OUTBOUND || (e & (RUP_EVIDENCE_SEQ_GAP | RUP_EVIDENCE_LATE)))
        conf = det;
      else if (ds->sr_loss_us > since)
        conf = max64(det, ds->sr_loss_us);
      else if (!ds->sr_have)
        conf = det;
      else
        conf = max64(det, since + sr_hold(ds));
      c->a_conf = min64(c->a_conf, conf);
      if (dir == RUP_DIR_OUTBOUND && ds->ob_choppy) c->ob_choppy = 1;
    } else {
      c->v_open = 1;
      c->v_since = min64(c->v_since, since);
      c->v_det = min64(c->v_det, det);
    }
  }
}

/* Qualification times of each type for the current scan (INF = not qualified). */
typedef struct quals {
  int64_t conn, av, audio, video;
} quals;

static void qualify(const rup_detect *d, const rup_det_group *g, int dir, const scan *c, quals *q) {
  const rup_det_config *st = &d->cfg;
  q->conn = q->av = q->audio = q->video = INF;
  uint32_t p = (uint32_t)((g - d->groups) / 2);
  if (c->n > 0 && c->n_stalled == c->n) {
    int64_t since = c->n_since;
    /* RTCP from the participant after the streams went silent: it is still there */
    if (dir == RUP_DIR_INBOUND && last_rtcp(d, p) > since)
      since = INF;
    if (since != INF) q->conn = max64(add_sat(since, st->connection_lost_min_us), c->stall_det);
  }
  if (c->a_open) q->audio = max64(max64(add_sat(c->a_since, st->audio_dropout_min_us), c->a_det), c->a_conf);
  if (c->v_open) q->video = max64(add_sat(c->v_since, st->video_freeze_min_us), c->v_det);
  if (c->a_open && c->v_open) {
    int64_t ov = max64(c->a_since, c->v_since);
    int64_t mn = min64(st->audio_dropout_min_us, st->video_freeze_min_us);
    q->av = max64(max64(add_sat(ov, mn), max64(c->a_det, c->v_det)), c->a_conf);
  }
}

/* The highest type qualified at now, 0 if none; *t = its qualification time. */
static int candidate(const quals *q, const scan *c, const rup_det_group *g, int64_t now, int64_t *t) {
  if (q->conn <= now) {
    *t = q->conn;
    return RUP_RUPTURE_CONNECTION_LOST;
  }
  if (q->av <= now) {
    *t = q->av;
    return RUP_RUPTURE_AV_OUTAGE;
  }
  int best = 0;
  int64_t bt = INF;
  if (q->audio <= now) {
    best = c->ob_choppy ? RUP_RUPTURE_CHOPPY_AUDIO : RUP_RUPTURE_AUDIO_DROPOUT;
    bt = q->audio;
  }
  if (q->video <= now && q->video < bt) {
    best = RUP_RUPTURE_VIDEO_FREEZE;
    bt = q->video;
  }
  if (!best && g->choppy_on) {
    best = RUP_RUPTURE_CHOPPY_AUDIO;
    bt = now;
  }
  *t = bt;
  return best;
}

static int cause_of(const rup_detect *d, const rup_det_slot *sl, const scan *c) {
  const rup_rupture *r = &sl->r;
  if (r->type == RUP_RUPTURE_CONNECTION_LOST) return RUP_CAUSE_NETWORK_OUTAGE;
  uint32_t e = sl->evidence;
  int sr_loss = 0;
  for (uint32_t i = 0; i < r->ssrc_count; i++) {
    const rup_det_stream *ds = find_stream(d, r->ssrcs[i], r->direction);
    if (ds && ds->sr_loss_us > r->start_us) sr_loss = 1; /* the sender sent what we did not get */
  }
  if (e & RUP_EVIDENCE_FROZEN_CONTENT) return RUP_CAUSE_FROZEN_CONTENT; /* frames came, the picture stood still */
  if ((e & RUP_EVIDENCE_SEQ_GAP) || sr_loss) return RUP_CAUSE_PACKET_LOSS;
  if (e & RUP_EVIDENCE_LATE) return RUP_CAUSE_LATE_PACKETS;
  if (e & RUP_EVIDENCE_UNDECODABLE) return RUP_CAUSE_DECODER;
  if (e & RUP_EVIDENCE_NO_PACKETS) {
    /* the sender's SR shows it sent nothing we missed, or other streams of the
     * participant flow while this one is silent: the sender stopped it */
    int clean = 0;
    for (uint32_t i = 0; i < r->ssrc_count; i++) {
      const rup_det_stream *ds = find_stream(d, r->ssrcs[i], r->direction);
      if (ds && ds->sr_clean_us > r->start_us) clean = 1;
    }
    if (clean || c->n_broken < c->n) return RUP_CAUSE_SENDER_STOPPED;
    return RUP_CAUSE_NETWORK_OUTAGE;
  }
  return RUP_CAUSE_UNKNOWN;
}

/* Recompute cause, speech, severity and hint; 1 if something the host sees changed. */
static int refresh(rup_detect *d, rup_det_group *g, rup_det_slot *sl, const scan *c, int64_t now,
                   const rup_rupture *old) {
  rup_rupture *r = &sl->r;
  uint32_t p = (uint32_t)((g - d->groups) / 2);
  if (r->type != RUP_RUPTURE_LAG) r->cause = cause_of(d, sl, c);
  /* recovered, waiting for the hold: measure up to the recovery, not to now */
  int provisional = !r->end_us && sl->recovered_us;
  if (provisional) r->end_us = sl->recovered_us;
  speech_missed(d, p, r->direction, r, now);
  r->severity = severity_of(g, r, now);
  r->repair = hint_of(d, g, r, now);
  if (provisional) r->end_us = 0;
  hist_sync(d, r);
  return old->type != r->type || old->cause != r->cause || old->severity != r->severity || old->repair != r->repair;
}

static void slot_begin(rup_detect *d, rup_det_group *g, rup_det_slot *sl, int type, int dir, int64_t start,
                       int64_t detected, const scan *c, int64_t now) {
  rup_rupture *r = &sl->r;
  memset(r, 0, sizeof *r);
  r->id = d->next_id++;
  r->type = type;
  r->direction = dir;
  r->participant = (uint32_t)((g - d->groups) / 2);
  r->start_us = start;
  r->detected_us = detected < start ? start : detected;
  if (c) {
    r->ssrc_count = c->nssrc;
    memcpy(r->ssrcs, c->ssrcs, sizeof r->ssrcs);
  }
  r->cause = type == RUP_RUPTURE_LAG ? RUP_CAUSE_DELAY : RUP_CAUSE_UNKNOWN;
  sl->active = 1;
  sl->recovered_us = 0;
  d->count++;
  g->recent[g->recentpos] = detected;
  g->recent_type[g->recentpos] = (int8_t)type;
  g->recentpos = (g->recentpos + 1) % RUP_DET_RECENT_MAX;
  if (g->nrecent < RUP_DET_RECENT_MAX) g->nrecent++;
  hist_add(d, r, now);
  scan empty;
  memset(&empty, 0, sizeof empty);
  rup_rupture old = *r;
  refresh(d, g, sl, c ? c : &empty, now, &old);
  emit(d, RUP_EVENT_RUPTURE_BEGIN, r, now);
}

static void slot_end(rup_detect *d, rup_det_group *g, rup_det_slot *sl, int64_t end_us, const scan *c,
                     int64_t now) {
  rup_rupture *r = &sl->r;
  if (end_us < r->start_us) end_us = r->start_us;
  r->end_us = end_us > 0 ? end_us : 1;
  scan empty;
  memset(&empty, 0, sizeof empty);
  rup_rupture old = *r;
  refresh(d, g, sl, c ? c : &empty, now, &old);
  emit(d, RUP_EVENT_RUPTURE_END, r, now);
  sl->active = 0;
  sl->recovered_us = 0;
  sl->evidence = 0;
}

/* ---- group evaluation ---- */

static int64_t hold_us(const rup_detect *d) { return max64(d->cfg.end_hold_us, d->cfg.merge_gap_us); }

static void eval_lag(rup_detect *d, rup_det_group *g, int dir, int64_t now) {
  rup_det_slot *sl = &g->lag;
  if (dir != RUP_DIR_INBOUND) return;
  scan empty;
  memset(&empty, 0, sizeof empty);
  if (!sl->active) {
    if (g->lag_above) {
      int64_t t = add_sat(g->lag_above_since, d->cfg.lag_min_us);
      if (t <= now)
        slot_begin(d, g, sl, RUP_RUPTURE_LAG, dir, g->lag_above_since, t, NULL, now);
      else
        g->deadline = min64(g->deadline, t);
    }
  } else if (!g->lag_above) {
    /* hysteresis: below the threshold for end_hold_us; it ended when it went below */
    int64_t t = add_sat(g->lag_below_since, d->cfg.end_hold_us);
    if (t <= now) {
      slot_end(d, g, sl, g->lag_below_since, NULL, now);
      return;
    }
    g->deadline = min64(g->deadline, t);
  }
  if (sl->active) {
    rup_rupture old = sl->r;
    if (refresh(d, g, sl, &empty, now, &old)) emit(d, RUP_EVENT_RUPTURE_UPDATE, &sl->r, now);
  }
}

static void eval_group(rup_detect *d, rup_det_group *g, int64_t now) {
  size_t gi = (size_t)(g - d->groups);
  uint32_t p = (uint32_t)(gi / 2);
  int dir = (int)(gi % 2);
  rup_det_slot *sl = &g->brk;
  g->deadline = INF;
  g->dirty = 0;
  scan c;
  do_scan(d, p, dir, &c);
  quals q;
  qualify(d, g, dir, &c, &q);
  int open = c.n_broken > 0 || g->choppy_on;
  int64_t open_since = c.any_since;
  if (g->choppy_on) {
    open_since = min64(open_since, g->choppy_start);
    c.ev |= g->choppy_ev;
    if (g->has_choppy_ssrc) add_ssrc(c.ssrcs, &c.nssrc, g->choppy_ssrc);
  }
  int64_t nq = INF; /* next qualification time */
  if (q.conn > now) nq = min64(nq, q.conn);
  if (q.av > now) nq = min64(nq, q.av);
  if (q.audio > now) nq = min64(nq, q.audio);
  if (q.video > now) nq = min64(nq, q.video);

  /* a new break after the merge gap: the old rupture ended at its recovery */
  if (sl->active && open && sl->recovered_us && open_since > add_sat(sl->recovered_us, d->cfg.merge_gap_us))
    slot_end(d, g, sl, sl->recovered_us, &c, now);

  rup_rupture old = sl->r; /* what the host last saw */
  if (sl->active && g->late_pending) { /* an audio break proved after its end joins the rupture */
    g->late_pending = 0;
    sl->evidence |= g->late_evidence;
    add_ssrc(sl->r.ssrcs, &sl->r.ssrc_count, g->late_ssrc);
    if (sl->r.type == RUP_RUPTURE_VIDEO_FREEZE) sl->r.type = RUP_RUPTURE_AV_OUTAGE;
    if (g->late_start < sl->r.start_us) sl->r.start_us = g->late_start;
  }
  if (sl->active) {
    if (open) {
      sl->recovered_us = 0;
      sl->evidence |= c.ev;
      if (open_since < sl->r.start_us) sl->r.start_us = open_since;
      for (uint32_t i = 0; i < c.nssrc; i++) add_ssrc(sl->r.ssrcs, &sl->r.ssrc_count, c.ssrcs[i]);
      int64_t t;
      int type = candidate(&q, &c, g, now, &t);
      if (type_rank(type) > type_rank(sl->r.type)) sl->r.type = type; /* escalation keeps the id */
      if (refresh(d, g, sl, &c, now, &old)) emit(d, RUP_EVENT_RUPTURE_UPDATE, &sl->r, now);
      g->deadline = min64(g->deadline, nq);
    } else {
      if (!sl->recovered_us) {
        int64_t rec = max64(g->last_end_us, sl->r.start_us);
        sl->recovered_us = rec > now ? now : rec;
      }
      int64_t t = add_sat(sl->recovered_us, hold_us(d));
      if (t <= now) {
        slot_end(d, g, sl, sl->recovered_us, &c, now);
      } else {
        g->deadline = min64(g->deadline, t);
        if (refresh(d, g, sl, &c, now, &old)) emit(d, RUP_EVENT_RUPTURE_UPDATE, &sl->r, now);
      }
    }
  }
  if (!sl->active) {
    if (g->late_pending) {
      /* a silent audio break that waited for evidence and ended with a sequence gap:
       * it was a dropout; begin and (after the hold) end it */
      g->late_pending = 0;
      scan lc;
      memset(&lc, 0, sizeof lc);
      lc.n = lc.n_broken = 1;
      lc.ssrcs[0] = g->late_ssrc;
      lc.nssrc = 1;
      sl->evidence = g->late_evidence | c.ev;
      slot_begin(d, g, sl, RUP_RUPTURE_AUDIO_DROPOUT, dir, g->late_start, g->late_detected, &lc, now);
      if (!open) {
        sl->recovered_us = g->late_end;
        g->deadline = min64(g->deadline, add_sat(g->late_end, hold_us(d)));
      }
    } else if (open) {
      int64_t t;
      int type = candidate(&q, &c, g, now, &t);
      if (type) {
        sl->evidence = c.ev | g->ev_acc;
        slot_begin(d, g, sl, type, dir, open_since, t, &c, now);
      } else {
        g->deadline = min64(g->deadline, nq);
      }
    } else {
      g->ev_acc = 0;
    }
  }
  eval_lag(d, g, dir, now);
}

/* ---- windows: choppy audio (every RUP_DET_TICK_US) and quality (every RUP_DET_WINDOW_US) ---- */

/* ITU-T G.107 E-model, simplified (REFERENCE §5.1): R = 93.2 - Id - Ie,eff. */
double rup__emodel_r(double ppl, double burst_r, double d, double ie, double bpl) {
  if (ppl < 0) ppl = 0;
  if (ppl > 100) ppl = 100;
  if (burst_r < 1) burst_r = 1;
  if (d < 0) d = 0;
  /* Id = 0.024 d + 0.11 (d - 177.3) H(d - 177.3) (rtpengine mos_calc_nb; REFERENCE §5.1) */
  double id = 0.024 * d + (d > 177.3 ? 0.11 * (d - 177.3) : 0.0);
  /* G.107: Ie,eff = Ie + (95 - Ie) Ppl / (Ppl / BurstR + Bpl) */
  double ieff = ie + (95.0 - ie) * ppl / (ppl / burst_r + bpl);
  return 93.2 - id - ieff;
}

/* G.107 Annex B: R -> MOS. */
double rup__emodel_mos(double r) {
  if (r <= 0) return 1.0;
  if (r >= 100) return 4.5;
  double m = 1.0 + 0.035 * r + 7e-6 * r * (r - 60.0) * (100.0 - r);
  return m < 1.0 ? 1.0 : m;
}

/* Ie / Bpl per codec: G.113 Appendix I (REFERENCE §5.1) where it has a value; Opus
 * has none (xiph/opus#51): Ie 0 and Bpl 20, a little more loss-sensitive than G.711
 * with PLC (25.1), so the MOS does not overstate (docs/quality.md). */
static void codec_ie(int codec, double *ie, double *bpl) {
  switch (codec) {
    case RUP_CODEC_PCMU:
    case RUP_CODEC_PCMA: *ie = 0; *bpl = 25.1; break;
    case RUP_CODEC_G729: *ie = 11; *bpl = 19; break;
    default: *ie = 0; *bpl = 20; break;
  }
}

/* Quality level 0..5 from R: G.109's user-satisfaction bands (90/80/70/60/50). */
static int level_of(double r) {
  return r >= 90 ? 5 : r >= 80 ? 4 : r >= 70 ? 3 : r >= 60 ? 2 : r >= 50 ? 1 : 0;
}
static double level_floor(int level) { return level >= 1 ? 40.0 + 10.0 * level : -1e9; }
/* Hysteresis: the level moves only when R is 2 points past a band edge. */
#define LEVEL_HYST 2.0

/* Path RTT of a participant (µs), as rup_session_get_stream_stats sums it: the
 * outbound streams' value plus the inbound streams' value (each covers the part of
 * the path between the measuring point and the reporter). -1 if unknown. */
static int64_t path_rtt(const rup_detect *d, uint32_t p) {
  int64_t in = -1, out = -1;
  for (size_t i = 0; i < d->n_streams; i++) {
    const rup_det_stream *ds = d->streams[i];
    const rup_det_view *vw = &ds->view;
    if (!vw->has_rtt || stream_peer(d, ds) != p) continue;
    if (vw->direction == RUP_DIR_INBOUND)
      in = max64(in, vw->rtt_us);
    else
      out = max64(out, vw->rtt_us);
  }
  if (in < 0 && out < 0) return -1;
  return (in > 0 ? in : 0) + (out > 0 ? out : 0);
}

static uint64_t delta(uint64_t now, uint64_t then) { return now > then ? now - then : 0; }

static void audio_window_close(rup_det_stream *ds, int in_break, int64_t now) {
  const rup_audio *au = ds->view.audio;
  const rup_audio_stats *a = &au->st;
  rup_det_win *w = &ds->wins[ds->winpos];
  memset(w, 0, sizeof *w);
  if (!in_break) { /* a break is a dropout, not choppiness; counters can drop at a reclassification (DTX) */
    uint64_t conc = delta(a->concealed_samples, ds->w0_concealed);
    uint64_t silent = delta(a->silent_concealed_samples, ds->w0_silent);
    w->all_concealed = conc;
    w->concealed = conc > silent ? conc - silent : 0;
    w->heard = a->speech_known ? delta(au->speech_samples, ds->w0_speech)
                               : delta(a->total_samples_received, ds->w0_total);
    w->events = delta(a->concealment_events, ds->w0_events);
  }
  uint64_t exp = rup__rx_expected(ds->view.rx), rec = ds->view.rx->received;
  uint64_t lost = exp > rec ? exp - rec : 0;
  w->lost = lost > ds->w0_lost;
  w->late = a->packets_discarded > ds->w0_late;
  ds->w0_lost = lost;
  ds->w0_late = a->packets_discarded;
  w->first_conc_us = ds->conc_first_us;
  w->last_conc_us = ds->conc_last_us;
  ds->winpos = (ds->winpos + 1) % RUP_DET_WINS;
  if (ds->nwins < RUP_DET_WINS) ds->nwins++;
  ds->w0_concealed = a->concealed_samples;
  ds->w0_silent = a->silent_concealed_samples;
  ds->w0_total = a->total_samples_received;
  ds->w0_speech = au->speech_samples;
  ds->w0_events = a->concealment_events;
  ds->conc_first_us = ds->conc_open ? now : 0;
  ds->conc_last_us = 0;
}

/* Inbound E-model sample of a group for the window just closed; 0 if none. */
static int window_r(rup_detect *d, uint32_t p, int dir, int broken, double *r_out, int64_t now) {
  double lost = 0, expected = 0, jb_s = 0, jb_n = 0, conc = 0, events = 0, jit = 0;
  int codec = RUP_CODEC_OPUS, any = 0;
  int64_t rtt = path_rtt(d, p);
  for (size_t i = 0; i < d->n_streams; i++) {
    rup_det_stream *ds = d->streams[i];
    const rup_det_view *vw = &ds->view;
    if (vw->direction != dir || !vw->audio || !considered(ds) || stream_peer(d, ds) != p)
      continue;
    codec = vw->codec;
    if (dir == RUP_DIR_INBOUND) {
      const rup_audio_stats *a = &vw->audio->st;
      uint64_t exp = rup__rx_expected(vw->rx), rec = vw->rx->received;
      double e = (double)exp - (double)ds->w0_expected, rc = (double)rec - (double)ds->w0_received;
      double disc = (double)a->packets_discarded - (double)ds->w0_discarded;
      if (e > 0) {
        expected += e;
        lost += (e - rc > 0 ? e - rc : 0) + (disc > 0 ? disc : 0);
        any = 1;
      }
      double emitted = (double)a->jitter_buffer_emitted_count - (double)ds->w0_emitted;
      if (emitted > 0) {
        jb_s += a->jitter_buffer_delay_s - ds->w0_jbdelay;
        jb_n += emitted;
      }
      for (unsigned k = 0; k < RUP_DET_QTICKS && k < ds->nwins; k++) { /* the quality window */
        const rup_det_win *w = &ds->wins[(ds->winpos + RUP_DET_WINS - 1 - k) % RUP_DET_WINS];
        conc += (double)w->all_concealed / (vw->rx->clock_rate ? vw->rx->clock_rate : 48000) / 0.02;
        events += (double)w->events;
      }
      ds->w0_expected = exp;
      ds->w0_received = rec;
      ds->w0_discarded = a->packets_discarded;
      ds->w0_emitted = a->jitter_buffer_emitted_count;
      ds->w0_jbdelay = a->jitter_buffer_delay_s;
    } else if (ds->rr_at_us > now - RUP_DET_WINDOW_US * 3) {
      /* the remote's last report: fraction lost over its interval, jitter */
      expected += 100;
      lost += ds->rr_ppl;
      jit = ds->rr_jitter_ms > jit ? ds->rr_jitter_ms : jit;
      any = 1;
    }
  }
  if (broken) { /* nothing heard during a break: all lost */
    expected = 100;
    lost = 100;
    any = 1;
  }
  if (!any || expected <= 0) return 0;
  double ppl = 100.0 * lost / expected;
  /* BurstR ~ mean loss run / mean run under random loss (VoIPmonitor burstr_calculate):
   * runs from concealment events of 20 ms frames */
  double burst_r = 1.0;
  if (events > 0 && ppl < 100) burst_r = (conc / events) * (1.0 - ppl / 100.0);
  double jb_ms = dir == RUP_DIR_INBOUND ? (jb_n > 0 ? 1000.0 * jb_s / jb_n : 40.0) : 40.0 + 2.0 * jit;
  double delay = (rtt >= 0 ? (double)rtt / 2000.0 : 0.0) + jb_ms; /* one-way: RTT/2 + jitter buffer */
  double ie, bpl;
  codec_ie(codec, &ie, &bpl);
  *r_out = rup__emodel_r(ppl, burst_r, delay, ie, bpl);
  return 1;
}

static void quality_tick(rup_detect *d, rup_det_group *g, int64_t now) {
  size_t gi = (size_t)(g - d->groups);
  uint32_t p = (uint32_t)(gi / 2);
  int dir = (int)(gi % 2);
  int broken = g->brk.active && (g->brk.r.type == RUP_RUPTURE_CONNECTION_LOST ||
                                 g->brk.r.type == RUP_RUPTURE_AUDIO_DROPOUT || g->brk.r.type == RUP_RUPTURE_AV_OUTAGE) &&
               !g->brk.recovered_us;
  double r;
  if (!window_r(d, p, dir, broken, &r, now)) return;
  /* asymmetric smoothing: fast down (0.8), slow up (0.4), as LiveKit's connection
   * quality scorer (REFERENCE §5.2, pkg/sfu/connectionquality/scorer.go) */
  if (!g->has_q) {
    g->r_smooth = r;
    g->has_q = 1;
  } else {
    double a = r < g->r_smooth ? 0.8 : 0.4;
    g->r_smooth += a * (r - g->r_smooth);
  }
  double mos = rup__emodel_mos(g->r_smooth);
  int prev = g->level, lv = prev;
  if (prev < 0) {
    lv = level_of(g->r_smooth);
  } else {
    while (lv < 5 && g->r_smooth >= level_floor(lv + 1) + LEVEL_HYST) lv++;
    while (lv > 0 && g->r_smooth < level_floor(lv) - LEVEL_HYST) lv--;
  }
  if (!d->has_mos || mos < d->mos_min) d->mos_min = mos;
  d->has_mos = 1;
  if (lv != prev) {
    g->level = lv;
    if (d->level_min < 0 || lv < d->level_min) d->level_min = lv;
    rup_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = RUP_EVENT_QUALITY_CHANGE;
    ev.time_us = now;
    ev.u.quality.participant = p;
    ev.u.quality.direction = dir;
    ev.u.quality.level = lv;
    ev.u.quality.previous_level = prev;
    ev.u.quality.mos = mos;
    d->cfg.emit(d->cfg.emit_ctx, &ev);
  }
}

static void choppy_tick(rup_detect *d, rup_det_group *g, int64_t now) {
  size_t gi = (size_t)(g - d->groups);
  uint32_t p = (uint32_t)(gi / 2);
  int dir = (int)(gi % 2);
  if (dir != RUP_DIR_INBOUND) return;
  unsigned nw = (unsigned)(d->cfg.choppy_window_us / RUP_DET_TICK_US);
  if (nw < 1) nw = 1;
  if (nw > RUP_DET_WINS) nw = RUP_DET_WINS;
  double conc = 0, heard = 0, events = 0;
  int64_t first = INF, last = 0;
  uint32_t ev = 0, ssrc = 0;
  int has_ssrc = 0;
  /* an episode that ended does not lend its concealments to the next one */
  if (d->ticks - g->choppy_off_tick < nw) nw = (unsigned)(d->ticks - g->choppy_off_tick);
  for (size_t i = 0; i < d->n_streams; i++) {
    const rup_det_stream *ds = d->streams[i];
    const rup_det_view *vw = &ds->view;
    if (vw->direction != dir || !vw->audio || !considered(ds) || stream_peer(d, ds) != p)
      continue;
    for (unsigned k = 0; k < nw && k < ds->nwins; k++) {
      const rup_det_win *w = &ds->wins[(ds->winpos + RUP_DET_WINS - 1 - k) % RUP_DET_WINS];
      conc += (double)w->concealed;
      heard += (double)w->heard;
      events += (double)w->events;
      if (w->events && w->first_conc_us) first = min64(first, w->first_conc_us);
      if (w->events) last = max64(last, w->last_conc_us);
      if (w->concealed) {
        ev |= (w->lost ? RUP_EVIDENCE_SEQ_GAP : 0u) | (w->late ? RUP_EVIDENCE_LATE : 0u);
        if (!has_ssrc) ssrc = vw->ssrc;
        has_ssrc = 1;
      }
    }
  }
  /* short interruptions (each < audio_dropout_min_us) within choppy_window_us */
  unsigned nshort = 0;
  int64_t sfirst = INF, slast = 0;
  for (unsigned i = 0; i < g->nshort; i++) {
    if (g->short_start[i] < now - d->cfg.choppy_window_us) continue;
    nshort++;
    sfirst = min64(sfirst, g->short_start[i]);
    slast = max64(slast, g->short_end[i]);
  }
  /* the share of what the listener would have heard of the talker's voice that was
   * concealed (silence between talkspurts does not dilute it) */
  int bad_ratio = heard > 0 && conc / heard >= CHOPPY_RATIO && events >= d->cfg.choppy_count;
  int bad_short = d->cfg.choppy_count > 0 && nshort >= d->cfg.choppy_count;
  if (bad_ratio || g->choppy_on) {
    g->choppy_ev |= ev;
    if (has_ssrc && !g->has_choppy_ssrc) g->choppy_ssrc = ssrc;
    g->has_choppy_ssrc |= has_ssrc;
  }
  if (!g->choppy_on) {
    if (bad_ratio || bad_short) {
      g->choppy_on = 1;
      g->choppy_start = min64(bad_ratio ? first : INF, bad_short ? sfirst : INF);
      if (g->choppy_start == INF) g->choppy_start = now - RUP_DET_TICK_US;
      g->choppy_last_us = max64(last, slast);
      mark(d, g);
    }
  } else {
    if (last) g->choppy_last_us = max64(g->choppy_last_us, last);
    if (slast) g->choppy_last_us = max64(g->choppy_last_us, slast);
    /* hysteresis: ends when the window holds under half the ratio (a lull of a few
     * seconds inside a choppy stretch does not end it); it ended at the last concealment */
    int quiet = !(heard > 0 && conc / heard >= CHOPPY_RATIO / 2) && !bad_short;
    if (quiet) {
      g->choppy_on = 0;
      g->choppy_off_tick = d->ticks + 1; /* this tick's windows belong to the episode */
      g->choppy_ev = 0;
      g->has_choppy_ssrc = 0;
      g->last_end_us = max64(g->last_end_us, g->choppy_last_us);
      mark(d, g);
    }
  }
}

static void tick(rup_detect *d, int64_t t) {
  /* close every audio stream's window first */
  for (size_t i = 0; i < d->n_streams; i++) {
    rup_det_stream *ds = d->streams[i];
    if (ds->view.direction == RUP_DIR_OUTBOUND) {
      ds->snap_us[ds->snappos] = t;
      ds->snap_sent[ds->snappos] = ds->view.rx->received;
      ds->snappos = (ds->snappos + 1) % RUP_DET_SNAPS;
      if (ds->nsnap < RUP_DET_SNAPS) ds->nsnap++;
      continue;
    }
    if (!ds->view.audio || ds->view.direction != RUP_DIR_INBOUND) continue;
    rup_det_group *g = group_of(d, stream_peer(d, ds), ds->view.direction);
    int in_break = g && g->brk.active && g->brk.r.type != RUP_RUPTURE_CHOPPY_AUDIO;
    for (int k = 1; k <= 3; k++)
      if (ds->open[k] && k != RUP_IMPAIRMENT_INTERRUPTION) in_break = 1;
    if (ds->open[RUP_IMPAIRMENT_INTERRUPTION] && t - ds->start[RUP_IMPAIRMENT_INTERRUPTION] >= d->cfg.audio_dropout_min_us)
      in_break = 1;
    audio_window_close(ds, in_break, t);
  }
  for (size_t gi = 0; gi < d->n_groups; gi++) {
    rup_det_group *g = &d->groups[gi];
    if (!g->used) continue;
    choppy_tick(d, g, t);
    if (d->ticks % RUP_DET_QTICKS == 0) quality_tick(d, g, t);
    if (g->brk.active || g->lag.active) mark(d, g); /* speech missed and severity grow */
  }
  d->ticks++;
}

/* ---- inputs ---- */

void rup__detect_impairment(rup_detect *d, rup_det_stream *ds, const rup_imp *imp, int phase, int64_t now) {
  if (imp->kind < 1 || imp->kind > 3) return;
  /* the local user's own media as sent: what the remote got is known only from its
   * receiver reports (rup__detect_report_block) */
  const rup_det_view *vw = &ds->view;
  if (vw->direction != RUP_DIR_INBOUND) return;
  unsigned k = imp->kind;
  rup_det_group *g = group_of(d, vw->participant, vw->direction);
  if (phase == 0) {
    ds->open[k] = 1;
    ds->ignored[k] = (uint8_t)(ds->paused || vw->bye);
    ds->start[k] = imp->start_us;
    ds->detected[k] = imp->detected_us;
    ds->evidence[k] = imp->evidence;
  } else {
    int ignored = ds->ignored[k] || !ds->open[k];
    ds->open[k] = 0;
    if (!ignored && g) {
      uint32_t ev = imp->evidence;
      int retracted = (ev & RUP_EVIDENCE_SENDER_PAUSED) != 0;
      if (!retracted) {
        g->ev_acc |= ev;
        g->last_end_us = max64(g->last_end_us, imp->end_us);
      } else {
        g->last_end_us = max64(g->last_end_us, min64(imp->end_us, imp->start_us));
      }
      int64_t len = imp->end_us - imp->start_us;
      if (vw->media == RUP_MEDIA_AUDIO && !retracted) {
        if (k == RUP_IMPAIRMENT_INTERRUPTION && len < d->cfg.audio_dropout_min_us) {
          g->short_start[g->shortpos] = imp->start_us;
          g->short_end[g->shortpos] = imp->end_us;
          g->shortpos = (g->shortpos + 1) % RUP_DET_SHORT;
          if (g->nshort < RUP_DET_SHORT) g->nshort++;
        }
        /* a break that waited for evidence, proved a loss at its end */
        if ((ev & (RUP_EVIDENCE_SEQ_GAP | RUP_EVIDENCE_LATE)) && len >= d->cfg.audio_dropout_min_us &&
            (!g->brk.active || g->brk.r.type == RUP_RUPTURE_VIDEO_FREEZE)) {
          int64_t det = max64(imp->start_us + d->cfg.audio_dropout_min_us, imp->detected_us);
          if (!g->late_pending || imp->start_us < g->late_start) {
            g->late_start = imp->start_us;
            g->late_detected = det > now ? now : det;
          }
          g->late_end = g->late_pending ? max64(g->late_end, imp->end_us) : imp->end_us;
          g->late_evidence |= ev;
          g->late_ssrc = vw->ssrc;
          g->late_pending = 1;
        }
      }
    }
  }
  if (g) mark(d, g);
}

/* Per packet, O(1): transit = arrival - RTP time (RFC 3550 A.8); its minimum over
 * the last RUP_DET_TSEGS segments is the baseline; growth = transit - baseline is
 * added delay (REFERENCE §11). */
/* Ring slot of a transit segment; host times may be negative (floored modulo). */
static size_t tseg_slot(int64_t seg) {
  int64_t m = seg % RUP_DET_TSEGS;
  return (size_t)(m < 0 ? m + RUP_DET_TSEGS : m);
}

/* A new one-way delay estimate: note when it crossed lag_one_way_us either way. */
static void lag_estimate(rup_detect *d, rup_det_group *g, int64_t est, int64_t now) {
  int above = est >= d->cfg.lag_one_way_us;
  if (above == g->lag_above) return;
  g->lag_above = above;
  if (above)
    g->lag_above_since = now;
  else
    g->lag_below_since = now;
  mark(d, g);
}

/* Base RTT of the path (µs): the sum of each direction's smallest value; 0 if unknown. */
static int64_t base_rtt(const rup_det_group *g) {
  return (g->has_rtt_min[0] ? g->rtt_min_dir[0] : 0) + (g->has_rtt_min[1] ? g->rtt_min_dir[1] : 0);
}

void rup__detect_packet(rup_detect *d, rup_det_stream *ds, uint32_t rtp_ts, int64_t now) {
  if (d->cfg.off) return;
  const rup_det_view *vw = &ds->view;
  if (vw->direction != RUP_DIR_INBOUND || !vw->rx->clock_rate) return;
  if (vw->media != RUP_MEDIA_AUDIO && vw->media != RUP_MEDIA_VIDEO) return;
  /* video: the first packet of each frame (RTP time = capture time; the frame's
   * other packets are paced out after it). Video samples the path between DTX
   * audio packets, 400 ms apart in silence. */
  if (vw->media == RUP_MEDIA_VIDEO && ds->have_ts && rtp_ts == ds->last_ts) return;
  if (!ds->have_ts) {
    ds->have_ts = 1;
    ds->ext_ts = 0;
    ds->tseg = now / RUP_DET_TSEG_US;
    for (int i = 0; i < RUP_DET_TSEGS; i++) ds->tmin[i] = INF;
  } else {
    ds->ext_ts += (int32_t)(rtp_ts - ds->last_ts);
  }
  ds->last_ts = rtp_ts;
  int64_t transit = now - (int64_t)((double)ds->ext_ts * 1e6 / vw->rx->clock_rate);
  int64_t seg = now / RUP_DET_TSEG_US;
  while (ds->tseg < seg) { /* O(1) amortised: segments advance with time */
    ds->tseg++;
    ds->tmin[tseg_slot(ds->tseg)] = INF;
    if (seg - ds->tseg > RUP_DET_TSEGS) ds->tseg = seg - RUP_DET_TSEGS;
  }
  int64_t *cur = &ds->tmin[tseg_slot(seg)];
  if (transit < *cur) *cur = transit;
  int64_t base = INF;
  for (int i = 0; i < RUP_DET_TSEGS; i++) base = min64(base, ds->tmin[i]);
  ds->transit_us = transit;
  rup_det_group *g = group_of(d, vw->participant, RUP_DIR_INBOUND);
  if (!g) return;
  g->lag_growth_us = transit - base;
  g->have_growth = 1;
  g->growth_at_us = now;
  /* one-way estimate = base one-way (half the base RTT, else 0) + growth; without
   * fresh transit samples, rup__detect_rtt uses the current RTT/2 (docs/ruptures.md §lag) */
  int64_t est = base_rtt(g) / 2 + g->lag_growth_us;
  lag_estimate(d, g, est, now);
}

void rup__detect_rtt(rup_detect *d, rup_det_stream *ds, int64_t rtt_us, int64_t now) {
  if (d->cfg.off) return;
  ds->view.has_rtt = 1;
  ds->view.rtt_us = rtt_us;
  uint32_t p = stream_peer(d, ds);
  rup_det_group *g = group_of(d, p, RUP_DIR_INBOUND);
  if (!g) return;
  int di = ds->view.direction == RUP_DIR_INBOUND ? 0 : 1;
  int64_t v = rtt_us > 0 ? rtt_us : 0;
  if (!g->has_rtt_min[di] || v < g->rtt_min_dir[di]) g->rtt_min_dir[di] = v;
  g->has_rtt_min[di] = 1;
  int64_t rtt = path_rtt(d, p);
  if (rtt <= 0) return;
  g->rtt_now_us = rtt;
  g->rtt_at_us = now;
  /* the RTT speaks for the path only when no inbound audio measures it (its samples
   * are an RTCP cycle old; the transit is per packet) */
  if (g->have_growth && now - g->growth_at_us < TRANSIT_FRESH_US) return;
  int64_t est = rtt / 2;
  lag_estimate(d, g, est, now);
}

/* After the audio model ran: note the onset / end of concealment runs (O(1)). */
void rup__detect_audio_poll(rup_det_stream *ds, int64_t now) {
  if (!ds->view.audio || ds->view.direction != RUP_DIR_INBOUND) return;
  const rup_audio *a = ds->view.audio;
  if (a->runs_ended != ds->runs_seen) { /* runs that ended since the last poll, maybe unseen */
    ds->runs_seen = a->runs_ended;
    if (!ds->conc_first_us || a->last_run_start_us < ds->conc_first_us) ds->conc_first_us = a->last_run_start_us;
    if (a->last_run_end_us > ds->conc_last_us) ds->conc_last_us = a->last_run_end_us;
    ds->conc_open = 0;
  }
  if (a->run_open && !ds->conc_open) {
    ds->conc_open = 1;
    if (!ds->conc_first_us) ds->conc_first_us = a->run_start_us;
  } else if (!a->run_open && ds->conc_open) {
    ds->conc_open = 0;
    ds->conc_last_us = now;
  }
}

/* RFC 3550 §6.4.1: the SR's sender packet count. More packets sent since the last
 * SR than we received = loss; no more = the sender sent nothing we missed. */
void rup__detect_sender_report(rup_detect *d, rup_det_stream *ds, uint32_t packet_count, int64_t now) {
  if (d->cfg.off) return;
  const rup_det_view *vw = &ds->view;
  if (vw->direction != RUP_DIR_INBOUND) return;
  if (ds->sr_have) {
    uint32_t sent = packet_count - ds->sr_count;
    uint64_t got = vw->rx->received - ds->sr_received;
    if (sent < 0x80000000u) {
      if ((uint64_t)sent > got)
        ds->sr_loss_us = now;
      else
        ds->sr_clean_us = now;
    }
    ds->sr_interval_us = now - ds->sr_prev_us;
  }
  ds->sr_have = 1;
  ds->sr_count = packet_count;
  ds->sr_received = vw->rx->received;
  ds->sr_prev_us = now;
  int any = 0;
  for (int k = 1; k <= 3; k++) any |= ds->open[k];
  if (any) mark(d, group_of(d, vw->participant, vw->direction));
}

/* The sent-packet snapshots of an outbound stream as a curve, linear between ticks:
 * by_time = 1 gives the packets sent by time v, 0 the time the v-th was sent; -1 if
 * v is outside what the snapshots cover. */
static double snap_interp(const rup_det_stream *ds, double v, int by_time) {
  double px = 0, py = 0;
  for (unsigned k = 0; k < ds->nsnap; k++) { /* oldest first */
    unsigned i = (ds->snappos + RUP_DET_SNAPS - ds->nsnap + k) % RUP_DET_SNAPS;
    double t = (double)ds->snap_us[i], n = (double)ds->snap_sent[i];
    double x = by_time ? t : n, y = by_time ? n : t;
    if (v <= x) {
      if (k == 0 || x <= px) return k == 0 && v == x ? y : -1.0;
      return py + (y - py) * (v - px) / (x - px);
    }
    px = x;
    py = y;
  }
  return -1.0;
}

/* When our packet number `after` + 1 past the remote's last reported extended highest
 * sequence number (RFC 3550 §6.4.1) reached the remote: its send time, from our
 * sent-packet snapshots, + RTT/2; -1 if the snapshots do not cover it. */
static int64_t reached_remote(const rup_detect *d, const rup_det_stream *ds, uint64_t after) {
  double nth = (double)(uint32_t)(ds->rb_ext_high - ds->view.rx->base_seq) + 2.0 + (double)after;
  double sent_d = snap_interp(ds, nth, 0);
  if (sent_d < 0) return -1;
  int64_t sent = (int64_t)sent_d;
  int64_t rtt = path_rtt(d, stream_peer(d, ds));
  return sent + (rtt > 0 ? rtt / 2 : 0);
}

/* A report shows `lost` of our packets lost since the previous one (at rb_last_us).
 * If the same participant's inbound connection broke inside that interval and we sent
 * about as many packets during that break as the remote lost (within 25 %), both
 * directions broke together (one path): the outbound break is placed at the inbound
 * break's times instead of at report granularity. 1 if placed. */
static int place_at_inbound(rup_detect *d, rup_det_stream *ds, int64_t lost, int64_t now, int64_t *start) {
  rup_det_group *gi = group_of(d, stream_peer(d, ds), RUP_DIR_INBOUND);
  if (!gi || !gi->brk.active || gi->brk.r.type != RUP_RUPTURE_CONNECTION_LOST || lost <= 0) return 0;
  int64_t bs = gi->brk.r.start_us, be = gi->brk.recovered_us ? gi->brk.recovered_us : now;
  if (bs < ds->rb_last_us - RUP_DET_WINDOW_US || be > now) return 0;
  double a = snap_interp(ds, (double)bs, 1), b = snap_interp(ds, (double)be, 1);
  if (a < 0 || b < 0) return 0;
  double n = b - a;
  if (fabs(n - (double)lost) > 0.25 * (double)lost) return 0;
  *start = bs;
  ds->ob_end_hint = gi->brk.recovered_us ? be : 0;
  return 1;
}

/* A report block from the remote about one of our outbound streams: what the remote
 * received in its last interval (docs/ruptures.md §Outbound). */
void rup__detect_report_block(rup_detect *d, rup_det_stream *ds, uint32_t reporter_ssrc,
                              const rup_det_stream *reporter, const rup_rtcp_report_block *rb, int64_t now) {
  if (d->cfg.off) return;
  rup_det_view *vw = &ds->view;
  vw->has_remote_report = 1; /* the latest block about this stream (whole-call MOS) */
  vw->remote = *rb;
  if (vw->direction != RUP_DIR_OUTBOUND) return;
  if (reporter && reporter->view.direction == RUP_DIR_INBOUND) {
    ds->has_peer = 1;
    ds->peer = reporter->view.participant;
  }
  ds->rb_reporter = reporter_ssrc;
  rup_det_group *g = group_of(d, stream_peer(d, ds), RUP_DIR_OUTBOUND);
  double f = rb->fraction_lost / 256.0; /* RFC 3550 §6.4.1 fraction lost */
  int64_t lost = 0;
  if (ds->rb_have) {
    uint32_t exp = rb->ext_highest_seq - ds->rb_ext_high;
    lost = (int64_t)rb->cumulative_lost - ds->rb_cum;
    if (exp > 0 && exp < 0x80000000u) f = lost <= 0 ? 0.0 : (double)lost / exp > 1 ? 1.0 : (double)lost / exp;
    ds->rb_interval_us = now - ds->rb_last_us;
  }
  ds->rr_ppl = 100.0 * f;
  ds->rr_jitter_ms = vw->rx->clock_rate ? rb->jitter * 1000.0 / vw->rx->clock_rate : 0.0;
  ds->rr_at_us = now;
  unsigned k = vw->media == RUP_MEDIA_AUDIO ? RUP_IMPAIRMENT_INTERRUPTION : RUP_IMPAIRMENT_FREEZE;
  int64_t iv = ds->rb_have ? now - ds->rb_last_us : 0;
  /* report granularity: a loss that begins in an interval is placed at its end, one
   * that ends in it at its start (the lost share of the interval) */
  int64_t lost_part = (int64_t)(f * (double)iv);
  /* where a break that ends in this interval ended (the hint: it was placed at an
   * inbound break); where one that begins in it began */
  int64_t ob_end = ds->ob_end_hint ? ds->ob_end_hint : ds->rb_last_us + lost_part;
  int64_t ob_start = now - lost_part;
  if (ds->rb_have && f >= RR_BAD && !ds->open[k] && !ds->open[RUP_IMPAIRMENT_STALL])
    place_at_inbound(d, ds, lost, now, &ob_start);
  int resumed = 0;
  if (ds->open[RUP_IMPAIRMENT_STALL]) {
    if (!ds->ob_lost_rr) { /* reports about us again: the remote hears us */
      ds->open[RUP_IMPAIRMENT_STALL] = 0;
      resumed = 1;
      /* the `lost` packets after the previous highest are the ones it missed: it heard
       * us again with the packet after them */
      int64_t heard = reached_remote(d, ds, lost > 0 ? (uint64_t)lost : 0);
      if (heard >= 0 && heard <= now) ob_end = heard;
      if (g) g->last_end_us = max64(g->last_end_us, ob_end);
    } else if (f < RR_NOTHING) {
      ds->open[RUP_IMPAIRMENT_STALL] = 0;
      ds->ob_lost_rr = 0;
      if (g) g->last_end_us = max64(g->last_end_us, ob_end);
    }
  } else if (ds->rb_have && f >= RR_NOTHING) {
    /* the remote got (nearly) nothing of this stream over the interval */
    ds->open[RUP_IMPAIRMENT_STALL] = 1;
    ds->ignored[RUP_IMPAIRMENT_STALL] = 0;
    ds->start[RUP_IMPAIRMENT_STALL] = ob_start;
    ds->detected[RUP_IMPAIRMENT_STALL] = now;
    ds->evidence[RUP_IMPAIRMENT_STALL] = RUP_EVIDENCE_NO_PACKETS;
    ds->ob_lost_rr = 1;
  }
  if (ds->rb_have && f >= RR_BAD && !resumed) { /* (a resumed stall explains the loss) */
    if (!ds->open[k]) { /* the interval since the previous report was broken */
      ds->open[k] = 1;
      ds->ignored[k] = 0;
      ds->start[k] = ob_start;
      ds->detected[k] = now;
      ds->evidence[k] = RUP_EVIDENCE_SEQ_GAP;
      ds->ob_choppy = vw->media == RUP_MEDIA_AUDIO && f < RR_DROPOUT;
    } else if (f >= RR_DROPOUT) {
      ds->ob_choppy = 0;
    }
  } else if (ds->open[k]) {
    ds->open[k] = 0;
    if (g) g->last_end_us = max64(g->last_end_us, ob_end);
  }
  if (!ds->open[k] && !ds->open[RUP_IMPAIRMENT_STALL]) ds->ob_end_hint = 0; /* no break left to end */
  ds->rb_have = 1;
  ds->rb_ext_high = rb->ext_highest_seq;
  ds->rb_cum = rb->cumulative_lost;
  ds->rb_last_us = now;
  ds->rtcp_since_rb = 0;
  if (g) mark(d, g);
}

/* End of one RTCP compound from a remote: its reports that did not name our
 * outbound streams. RFC 3550 §6.4: a receiver reports on the sources it heard since
 * its last report; reports that keep leaving ours out while we send mean the remote
 * hears nothing from us. */
void rup__detect_rtcp_end(rup_detect *d, const rup_det_stream *reporter, int had_report, int64_t now) {
  if (d->cfg.off) return;
  if (!reporter) return;
  const rup_det_view *rep = &reporter->view;
  size_t gi = (size_t)rep->participant * 2 + (size_t)(RUP_DIR_INBOUND & 1);
  if (rep->direction == RUP_DIR_INBOUND && gi < d->n_groups) d->groups[gi].last_rtcp_us = now;
  if (!had_report || rep->direction != RUP_DIR_INBOUND) return;
  for (size_t i = 0; i < d->n_streams; i++) {
    rup_det_stream *ds = d->streams[i];
    const rup_det_view *vw = &ds->view;
    if (vw->direction != RUP_DIR_OUTBOUND || !ds->rb_have || ds->rb_reporter != rep->ssrc) continue;
    if (ds->rb_last_us == now) continue;
    ds->rtcp_since_rb++;
    int64_t iv = ds->rb_interval_us > 0 ? ds->rb_interval_us : 1000000;
    int sending = vw->rx->last_pkt_arrival_us >= now - 1000000;
    if (!ds->open[RUP_IMPAIRMENT_STALL] && sending && ds->rtcp_since_rb >= 2 && now - ds->rb_last_us > 2 * iv) {
      /* The last report naming us gave the highest sequence number the remote got;
       * it stopped hearing us when the packet after that one should have reached it.
       * Without our send times, the last report's time. */
      int64_t start = reached_remote(d, ds, 0);
      if (start < 0 || start > now) start = ds->rb_last_us;
      ds->open[RUP_IMPAIRMENT_STALL] = 1;
      ds->ignored[RUP_IMPAIRMENT_STALL] = 0;
      ds->start[RUP_IMPAIRMENT_STALL] = start;
      ds->detected[RUP_IMPAIRMENT_STALL] = now;
      ds->evidence[RUP_IMPAIRMENT_STALL] = RUP_EVIDENCE_NO_PACKETS;
      mark(d, group_of(d, rep->participant, RUP_DIR_OUTBOUND));
    }
  }
}

/* ---- driving ---- */

static void recompute_deadline(rup_detect *d) {
  int64_t dl = d->have_tick ? d->next_tick : INF;
  for (size_t i = 0; i < d->n_groups; i++)
    if (d->groups[i].used) dl = min64(dl, d->groups[i].deadline);
  d->deadline = dl;
}

void rup__detect_run(rup_detect *d, int64_t now) {
  if (d->cfg.off) return;
  if (!d->have_tick) {
    if (d->n_streams == 0) return;
    d->have_tick = 1;
    d->next_tick = add_sat(now, RUP_DET_TICK_US);
    d->deadline = min64(d->deadline, d->next_tick);
  }
  if (!d->any_dirty && now < d->deadline) return;
  unsigned n = 0;
  while (d->next_tick <= now && d->next_tick != INF) { /* each window closes at its own time */
    /* Bounded work when time jumps far ahead (a host that slept, a corrupt capture
     * timestamp years on): after RUP_DET_CATCHUP_TICKS empty windows every window
     * state has settled, so the clock skips to the last window boundary before now. */
    if (++n == RUP_DET_CATCHUP_TICKS) {
      uint64_t gap = (uint64_t)now - (uint64_t)d->next_tick; /* now >= next_tick: no overflow */
      d->next_tick = (int64_t)((uint64_t)d->next_tick + gap / RUP_DET_TICK_US * RUP_DET_TICK_US);
    }
    tick(d, d->next_tick);
    d->next_tick = add_sat(d->next_tick, RUP_DET_TICK_US);
  }
  for (size_t i = 0; i < d->n_groups; i++) {
    rup_det_group *g = &d->groups[i];
    if (g->used && (g->dirty || g->deadline <= now)) eval_group(d, g, now);
  }
  d->any_dirty = 0;
  recompute_deadline(d);
}

void rup__detect_finish(rup_detect *d, int64_t now) {
  if (d->cfg.off) return;
  rup__detect_run(d, now);
  for (size_t i = 0; i < d->n_groups; i++) {
    rup_det_group *g = &d->groups[i];
    if (!g->used) continue;
    if (g->choppy_on) {
      g->choppy_on = 0;
      g->last_end_us = max64(g->last_end_us, g->choppy_last_us ? g->choppy_last_us : now);
    }
    eval_group(d, g, now);
    /* every rupture that began ends: at its recovery, else now */
    if (g->brk.active) slot_end(d, g, &g->brk, g->brk.recovered_us ? g->brk.recovered_us : now, NULL, now);
    if (g->lag.active) slot_end(d, g, &g->lag, g->lag_above ? now : g->lag_below_since, NULL, now);
    g->deadline = INF;
  }
  d->any_dirty = 0;
  d->have_tick = 0;
  d->deadline = INF;
}

int64_t rup__detect_deadline(const rup_detect *d, int64_t now) {
  if (d->cfg.off) return INF;
  return d->any_dirty ? now : d->deadline;
}

/* Whole-call E-model of one audio stream (docs/quality.md §Per stream). */
int rup__detect_stream_mos(const rup_detect *d, const rup_det_stream *ds, double *mos) {
  const rup_det_view *vw = &ds->view;
  if (!vw->audio || vw->rx->received < 50) return 0;
  uint64_t exp = rup__rx_expected(vw->rx);
  if (exp == 0) return 0;
  const rup_audio_stats *a = &vw->audio->st;
  double ppl, delay, burst_r = 1.0;
  int64_t rtt = path_rtt(d, stream_peer(d, ds));
  double half = rtt >= 0 ? (double)rtt / 2000.0 : 0.0;
  if (vw->direction == RUP_DIR_INBOUND) {
    double lost = (double)rup__rx_lost(vw->rx);
    if (lost < 0) lost = 0;
    ppl = 100.0 * (lost + (double)a->packets_discarded) / (double)exp;
    double jb = a->jitter_buffer_emitted_count ? 1000.0 * a->jitter_buffer_delay_s / (double)a->jitter_buffer_emitted_count : 40.0;
    delay = half + jb;
    if (a->concealment_events && ppl < 100) {
      double frames = (double)a->concealed_samples / (vw->rx->clock_rate ? vw->rx->clock_rate : 48000) / 0.02;
      burst_r = frames / (double)a->concealment_events * (1.0 - ppl / 100.0);
    }
  } else {
    if (!vw->has_remote_report) return 0;
    double lost = vw->remote.cumulative_lost > 0 ? (double)vw->remote.cumulative_lost : 0.0;
    ppl = 100.0 * lost / (double)exp;
    double jit = vw->rx->clock_rate ? vw->remote.jitter * 1000.0 / vw->rx->clock_rate : 0.0;
    delay = half + 40.0 + 2.0 * jit;
  }
  double ie, bpl;
  codec_ie(vw->codec, &ie, &bpl);
  *mos = rup__emodel_mos(rup__emodel_r(ppl, burst_r, delay, ie, bpl));
  return 1;
}

/* ---- history, summary, ack, pause (behind the public calls of lib/session) ---- */

size_t rup__detect_rupture_count(const rup_detect *d) { return d->hist_len; }

int rup__detect_rupture(const rup_detect *d, size_t index, rup_rupture *out) {
  if (index >= d->hist_len) return RUP_ERR_NOT_FOUND;
  *out = d->hist[(d->hist_head + index) % d->hist_cap];
  return 0;
}

void rup__detect_summary(const rup_detect *d, int64_t now, rup_summary *out) {
  rup_summary o;
  memset(&o, 0, sizeof o);
  o.ruptures_analysed = !d->cfg.off;
  o.rupture_count = d->count;
  o.ruptures_dropped = d->dropped;
  o.longest_s = d->longest_dropped_s;
  o.speech_missed_s = d->speech_dropped_s;
  o.acknowledged = d->ack_dropped;
  for (int t = 0; t < 7; t++) o.by_type[t] = d->by_type_dropped[t];
  /* union of [start, end) over the history: overlaps counted once */
  int64_t *iv = d->scratch;
  size_t n = 0;
  for (size_t i = 0; i < d->hist_len; i++) {
    const rup_rupture *r = &d->hist[(d->hist_head + i) % d->hist_cap];
    if (r->type > 0 && r->type < 7) o.by_type[r->type]++;
    double ds = dur_s(r, now);
    if (ds > o.longest_s) o.longest_s = ds;
    o.speech_missed_s += r->speech_missed_s;
    o.acknowledged += r->acknowledged ? 1u : 0u;
    int64_t e = r->end_us ? r->end_us : now;
    if (e <= r->start_us) continue;
    /* insertion sort by start (n <= max_ruptures; only here, never per packet) */
    size_t j = n++;
    while (j > 0 && iv[2 * (j - 1)] > r->start_us) {
      iv[2 * j] = iv[2 * (j - 1)];
      iv[2 * j + 1] = iv[2 * (j - 1) + 1];
      j--;
    }
    iv[2 * j] = r->start_us;
    iv[2 * j + 1] = e;
  }
  double total = 0;
  int64_t cs = 0, ce = INT64_MIN;
  for (size_t i = 0; i < n; i++) {
    if (iv[2 * i] > ce) {
      if (ce != INT64_MIN) total += (double)(ce - cs);
      cs = iv[2 * i];
      ce = iv[2 * i + 1];
    } else if (iv[2 * i + 1] > ce) {
      ce = iv[2 * i + 1];
    }
  }
  if (ce != INT64_MIN) total += (double)(ce - cs);
  o.rupture_time_s = total / 1e6 + d->time_dropped_s;
  o.has_mos = d->has_mos;
  o.mos_min = d->has_mos ? d->mos_min : 0.0;
  o.quality_level_min = d->level_min;
  *out = o;
}

int rup__detect_ack(rup_detect *d, uint32_t id, int64_t now) {
  rup_rupture *h = hist_find(d, id);
  if (!h) return RUP_ERR_NOT_FOUND;
  if (!h->acknowledged) {
    h->acknowledged = 1;
    h->acknowledged_us = now;
  }
  for (size_t i = 0; i < d->n_groups; i++) { /* the open copy too */
    rup_det_group *g = &d->groups[i];
    if (g->brk.active && g->brk.r.id == id) {
      g->brk.r.acknowledged = 1;
      g->brk.r.acknowledged_us = h->acknowledged_us;
    }
    if (g->lag.active && g->lag.r.id == id) {
      g->lag.r.acknowledged = 1;
      g->lag.r.acknowledged_us = h->acknowledged_us;
    }
  }
  return 0;
}

void rup__detect_paused(rup_detect *d, rup_det_stream *ds, int paused, int64_t now) {
  ds->paused = paused;
  rup_det_group *g = group_of(d, stream_peer(d, ds), ds->view.direction);
  if (paused) /* an open impairment of a paused stream no longer counts */
    for (int k = 1; k <= 3; k++)
      if (ds->open[k] && !ds->ignored[k]) {
        ds->ignored[k] = 1;
        if (g) g->last_end_us = max64(g->last_end_us, now);
      }
  mark(d, g);
}
