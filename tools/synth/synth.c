/* `rupture synth`: a deterministic two-party call with real Opus / VP8 / VP9 payloads,
 * RTCP, SIP/SDP, impairments applied in the network, written as a capture taken on the
 * local host, plus the ground truth (docs/synth.md).
 *
 * Model: a discrete-event simulation in integer microseconds. Party 0 is LOCAL
 * (10.0.0.1, where the capture is taken: its packets are recorded when sent), party 1
 * is REMOTE (10.0.0.2: its packets are recorded when they arrive at LOCAL, after the
 * network). Each direction of the network has a base delay, a small jitter (FIFO) and
 * the scenario's impairments. Every random draw comes from a seeded xoshiro256**
 * stream (prng.c); libopus and libvpx run single-threaded at fixed speed settings. */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <opus.h>
#include <stdlib.h>
#include <string.h>
#include <vpx/vp8cx.h>
#include <vpx/vpx_encoder.h>

#include "../commands.h"
#include "rupture/rupture.h"
#include "synth.h"

#define LOCAL_IP 0x0A000001u  /* 10.0.0.1 */
#define REMOTE_IP 0x0A000002u /* 10.0.0.2 */
#define SIP_PORT 5060
#define EPOCH_S INT64_C(1700000000) /* capture start, Unix seconds (fixed: no clock) */
#define NTP_UNIX_OFFSET UINT64_C(2208988800) /* RFC 5905: 1900 → 1970 */
#define MTU 1200
#define PT_OPUS 111
#define PT_VP8 96
#define PT_VP9 98
#define EXT_LEVEL 1    /* a=extmap:1 ssrc-audio-level */
#define EXT_ABS_SEND 3 /* a=extmap:3 abs-send-time */
#define CHOPPY_RATIO 0.07 /* Skype/Lync QoE: concealed ratio > 0.07 is poor (REFERENCE §10) */
#define LAG_ONE_WAY_MS 400.0 /* ITU-T G.114 one-way planning limit (REFERENCE §6) */

enum { M_SIP = 0, M_AUDIO = 1, M_VIDEO = 2, M_RTCP = 3 };
enum { EV_AUDIO = 0, EV_VIDEO, EV_SEND, EV_ARRIVE, EV_RTCP, EV_BYE, EV_SIP_BYE };
enum { D_OUT = 0, D_IN = 1 }; /* network direction index: from LOCAL, from REMOTE */

typedef struct pkt {
  int from, media;
  uint16_t sport, dport;
  uint32_t ssrc;
  uint16_t seq;
  uint32_t ts;
  int marker, frame_first, frame_last, key, fresh; /* video metadata (simulation only) */
  int speech; /* audio: a speech frame (RFC 6464 V bit set), not DTX / silence */
  int64_t sent_us;
  size_t len;
  uint8_t data[];
} pkt;

typedef struct ev {
  int64_t t;
  uint64_t order;
  int type, party, port; /* port: EV_RTCP 0 audio / 1 video */
  pkt *p;
} ev;

typedef struct txs {
  uint32_t ssrc, ts0;
  uint16_t seq;
  uint64_t packets, octets;
  int started;
} txs;

typedef struct rxs {
  uint32_t ssrc, rate;
  int init, heard;
  uint16_t max_seq;
  uint32_t cycles, base_seq;
  uint64_t received, expected_prior, received_prior;
  uint32_t transit;
  int have_transit;
  double jitter;
  uint32_t lsr;
  int64_t sr_arrival_us;
  /* video decodability model */
  uint16_t expect;
  int broken, cur_ok, cur_key, cur_fresh;
  uint32_t cur_ts;
  int64_t last_pli_us;
} rxs;

typedef struct shown {
  int64_t t;
  int fresh;
} shown;

typedef struct party {
  int id;
  uint32_t ip;
  uint16_t aport, vport;
  char cname[40];
  txs a, v;
  rxs ra, rv;
  int64_t clock_offset_us;
  /* audio */
  OpusEncoder *enc;
  rup__syn_voice voice;
  int64_t a_frame;
  int prev_dtx_frame, last_sent_speech, need_marker;
  /* video */
  int sends_video;
  vpx_codec_ctx_t vpx;
  int vpx_ok;
  uint8_t *yuv;
  vpx_image_t img;
  int64_t v_frame;
  int force_kf;
  double last_kf_s, content_t, drawn_t, freeze_hold;
  int frozen;
  uint16_t picture_id;
  rup__syn_rng rng;
  shown *sh;
  size_t nsh, capsh;
} party;

typedef struct drop {
  int dir, imp;
  uint32_t ssrc;
  uint16_t seq;
  int speech;     /* an audio packet sent while its sender talked */
  int64_t sent_us;
} drop;

typedef struct netdir {
  rup__syn_rng rng;
  int last_audio_speech; /* the last audio packet delivered this way was a speech frame */
  int64_t last_arrival;
  uint64_t delayed, dropped_rtcp, sent;
} netdir;

typedef struct opts {
  uint64_t seed;
  double duration;
  int dtx, video; /* video: 0 none, 8, 9 */
  int video_both;
  int w, h, fps, vkbps, akbps;
  double keyint, delay_ms;
  const char *out, *truth;
  int quiet;
} opts;

typedef struct sim {
  opts o;
  rup_settings def; /* the detector's default settings: truths follow its definitions */
  rup__syn_scenario sc;
  rup__syn_talk talk[2];
  party P[2];
  netdir net[2];
  rup__syn_capw *cap;
  ev *heap;
  size_t nheap, capheap;
  uint64_t order;
  drop *drops;
  size_t ndrops, capdrops;
  uint64_t *imp_drops; /* per impairment */
  int64_t t_media, t_end_media;
  uint64_t records;
  int err;
} sim;

/* ------------------------------------------------------------------ helpers */

static void wr16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static void wr32(uint8_t *p, uint32_t v) {
  wr16(p, v >> 16);
  wr16(p + 2, v & 0xFFFF);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t c = *cap ? *cap : 64;
  while (c < need) c *= 2;
  void *q = realloc(*p, c * elem);
  if (!q) return -1;
  *p = q;
  *cap = c;
  return 0;
}

static int ev_less(const ev *a, const ev *b) {
  return a->t < b->t || (a->t == b->t && a->order < b->order);
}

static void push_ev(sim *S, int64_t t, int type, int party_id, int port, pkt *p) {
  if (grow((void **)&S->heap, &S->capheap, S->nheap + 1, sizeof(ev))) {
    S->err = 1;
    free(p);
    return;
  }
  ev e = {t, S->order++, type, party_id, port, p};
  size_t i = S->nheap++;
  while (i > 0) {
    size_t up = (i - 1) / 2;
    if (!ev_less(&e, &S->heap[up])) break;
    S->heap[i] = S->heap[up];
    i = up;
  }
  S->heap[i] = e;
}

static ev pop_ev(sim *S) {
  ev top = S->heap[0], last = S->heap[--S->nheap];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= S->nheap) break;
    if (c + 1 < S->nheap && ev_less(&S->heap[c + 1], &S->heap[c])) c++;
    if (!ev_less(&S->heap[c], &last)) break;
    S->heap[i] = S->heap[c];
    i = c;
  }
  if (S->nheap) S->heap[i] = last;
  return top;
}

static double sec(int64_t us) { return (double)us / 1e6; }
static int64_t usec(double s) { return (int64_t)llround(s * 1e6); }

/* Direction mask of media sent by party p (as the local user sees it). */
static int pdir(int p) { return p == 0 ? RUP__SYN_OUT : RUP__SYN_IN; }

/* Is a sender-side impairment of this kind active for party p at time t? */
static const rup__syn_imp *sender_imp(const sim *S, int p, int kind, double t) {
  for (size_t i = 0; i < S->sc.n; i++) {
    const rup__syn_imp *m = &S->sc.imp[i];
    if (m->kind == kind && (m->dir & pdir(p)) && t >= m->start_s && t < m->end_s) return m;
  }
  return NULL;
}

/* NTP timestamp (RFC 3550 §4: 32.32 fixed point since 1900) of party p's clock. */
static uint64_t ntp_of(const sim *S, int p, int64_t t_us) {
  int64_t us = EPOCH_S * 1000000 + t_us + S->P[p].clock_offset_us;
  uint64_t s = (uint64_t)(us / 1000000) + NTP_UNIX_OFFSET;
  uint64_t frac = ((uint64_t)(us % 1000000) << 32) / 1000000;
  return (s << 32) | frac;
}

/* ------------------------------------------------------------------ capture + network */

static void capture(sim *S, int64_t t_us, const pkt *p) {
  const party *src = &S->P[p->from], *dst = &S->P[!p->from];
  if (rup__syn_capw_udp(S->cap, (EPOCH_S * 1000000 + t_us) * 1000, src->ip, p->sport, dst->ip,
                        p->dport, p->data, p->len))
    S->err = 2;
  S->records++;
}

static double ramp_shape(const rup__syn_imp *m, double t) {
  if (m->ramp_s <= 0) return 1.0;
  double up = (t - m->start_s) / m->ramp_s, down = (m->end_s - t) / m->ramp_s;
  double v = up < down ? up : down;
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

/* A lost frame the listener hears as a break: a speech frame (not DTX / silence)
 * while the receiver plays speech — after a DTX frame the jitter buffer plays comfort
 * noise in a lost frame's place (NetEq CNG mode), a clipped onset, not concealment. */
static int talking(const sim *S, int d, const pkt *p) {
  return p->media == M_AUDIO && p->speech && S->net[d].last_audio_speech;
}

static void record_drop(sim *S, int d, int imp, const pkt *p) {
  if (imp >= 0) S->imp_drops[imp]++;
  if (p->media != M_AUDIO && p->media != M_VIDEO) {
    if (p->media == M_RTCP) S->net[d].dropped_rtcp++;
    return;
  }
  if (grow((void **)&S->drops, &S->capdrops, S->ndrops + 1, sizeof(drop))) {
    S->err = 1;
    return;
  }
  S->drops[S->ndrops++] = (drop){d, imp, p->ssrc, p->seq, talking(S, d, p), p->sent_us};
}

/* A packet leaves its sender now: capture it if LOCAL sent it, then let the network
 * decide: dropped, or delivered at some arrival time. */
static void send_pkt(sim *S, int64_t now, pkt *p) {
  p->sent_us = now;
  if (p->from == 0) capture(S, now, p);
  int d = p->from == 0 ? D_OUT : D_IN;
  netdir *n = &S->net[d];
  n->sent++;
  double t = sec(now);
  int dm = d == D_OUT ? RUP__SYN_OUT : RUP__SYN_IN;
  int pm = p->media == M_AUDIO ? RUP__SYN_M_AUDIO
           : p->media == M_VIDEO ? RUP__SYN_M_VIDEO
           : p->media == M_RTCP  ? RUP__SYN_M_RTCP
                                 : 0;
  double fifo_ms = S->o.delay_ms + fabs(rup__syn_rng_normal(&n->rng)) * 0.6, free_ms = 0;
  int lost = -2; /* -2 delivered, else the impairment index (-1: none) */
  for (size_t i = 0; i < S->sc.n && pm; i++) {
    rup__syn_imp *m = &S->sc.imp[i];
    if (!(m->dir & dm) || t < m->start_s || t >= m->end_s) continue;
    int hit = (m->media & pm) != 0;
    switch (m->kind) {
    case RUP__SYN_OUTAGE:
    case RUP__SYN_ONE_WAY_OUTAGE:
      if (lost == -2) lost = (int)i;
      break;
    case RUP__SYN_VIDEO_STALL:
      if (pm == RUP__SYN_M_VIDEO && lost == -2) lost = (int)i;
      break;
    case RUP__SYN_AUDIO_STALL:
      if (pm == RUP__SYN_M_AUDIO && lost == -2) lost = (int)i;
      break;
    case RUP__SYN_RANDOM_LOSS:
      if (hit && rup__syn_rng_unit(&n->rng) < m->p && lost == -2) lost = (int)i;
      break;
    case RUP__SYN_BURST_LOSS:
      if (hit) { /* Gilbert-Elliott: loss drawn in the current state, then transition */
        int *bad = &m->ge_bad[d];
        double pl = *bad ? m->loss_bad : m->loss_good;
        if (rup__syn_rng_unit(&n->rng) < pl && lost == -2) lost = (int)i;
        double u = rup__syn_rng_unit(&n->rng);
        *bad = *bad ? !(u < m->r) : (u < m->p);
      }
      break;
    case RUP__SYN_JITTER:
      if (hit) {
        double x = rup__syn_rng_uniform(&n->rng, 0, m->ms);
        if (m->reorder) free_ms += x;
        else fifo_ms += x;
      }
      break;
    case RUP__SYN_DELAY_SPIKE:
      fifo_ms += m->ms;
      break;
    case RUP__SYN_DELAY_RAMP:
      fifo_ms += m->ms * ramp_shape(m, t);
      break;
    default:
      break;
    }
  }
  if (lost != -2) {
    record_drop(S, d, lost, p);
    free(p);
    return;
  }
  if (p->media == M_AUDIO) n->last_audio_speech = p->speech;
  int64_t arr = now + usec(fifo_ms / 1000.0);
  if (arr < n->last_arrival) arr = n->last_arrival; /* one queue: FIFO */
  n->last_arrival = arr;
  arr += usec(free_ms / 1000.0);
  if (arr - now > usec((S->o.delay_ms + 20.0) / 1000.0)) n->delayed++;
  push_ev(S, arr, EV_ARRIVE, !p->from, 0, p);
}

/* ------------------------------------------------------------------ RTP */

static pkt *new_pkt(int from, int media, uint16_t sport, uint16_t dport, size_t len) {
  pkt *p = calloc(1, sizeof *p + len);
  if (!p) return NULL;
  p->from = from;
  p->media = media;
  p->sport = sport;
  p->dport = dport;
  p->len = len;
  return p;
}

/* abs-send-time: 24-bit 6.18 fixed-point seconds of the sender's NTP clock. */
static uint32_t abs_send_time(const sim *S, int p, int64_t t_us) {
  uint64_t ntp = ntp_of(S, p, t_us);
  return (uint32_t)((ntp >> 14) & 0xFFFFFF); /* 32.32 → keep 6 int bits + 18 frac bits */
}

/* RTP header (RFC 3550 §5.1) + RFC 8285 one-byte extensions; returns header length. */
static size_t rtp_header(const sim *S, int from, uint8_t *b, int pt, int marker, uint16_t seq,
                         uint32_t ts, uint32_t ssrc, int level, int64_t t_us) {
  b[0] = 0x90; /* V=2, X=1 */
  b[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
  wr16(b + 2, seq);
  wr32(b + 4, ts);
  wr32(b + 8, ssrc);
  wr16(b + 12, 0xBEDE); /* RFC 8285 one-byte form */
  uint32_t ast = abs_send_time(S, from, t_us);
  if (level >= 0) {
    wr16(b + 14, 2);
    b[16] = (uint8_t)(EXT_LEVEL << 4 | 0); /* ID 1, 1 byte */
    b[17] = (uint8_t)level;                /* RFC 6464: V bit | -dBov */
    b[18] = (uint8_t)(EXT_ABS_SEND << 4 | 2);
    b[19] = (uint8_t)(ast >> 16);
    b[20] = (uint8_t)(ast >> 8);
    b[21] = (uint8_t)ast;
    b[22] = b[23] = 0; /* padding */
    return 24;
  }
  wr16(b + 14, 1);
  b[16] = (uint8_t)(EXT_ABS_SEND << 4 | 2);
  b[17] = (uint8_t)(ast >> 16);
  b[18] = (uint8_t)(ast >> 8);
  b[19] = (uint8_t)ast;
  return 20;
}

/* ------------------------------------------------------------------ audio */

static void audio_tick(sim *S, int64_t now, int pi) {
  party *P = &S->P[pi];
  int16_t pcm[960];
  uint8_t enc[1500];
  double t = sec(now);
  rup__syn_voice_render(&P->voice, &S->talk[pi], t - 0.020, pcm, 960);
  opus_int32 n = opus_encode(P->enc, pcm, 960, enc, (opus_int32)sizeof enc);
  uint32_t ts = P->a.ts0 + (uint32_t)(P->a_frame * 960); /* RFC 7587 §4.1: 48 kHz clock */
  P->a_frame++;
  if (n < 0) {
    S->err = 3;
    return;
  }
  int dtx_frame = n <= 2;
  int speech = rup__syn_talk_overlap(&S->talk[pi], t - 0.020, t) >= 0.010;
  /* REFERENCE §7.1 (libwebrtc WebRtcOpus_Encode): with DTX, send the first <= 2-byte
   * frame only; later ones are not sent (no sequence number is used). */
  int send = !S->o.dtx || !dtx_frame || !P->prev_dtx_frame;
  P->prev_dtx_frame = dtx_frame;
  if (sender_imp(S, pi, RUP__SYN_MUTE, t)) {
    P->need_marker = 1; /* muted: nothing sent, the RTP clock keeps running */
    return;
  }
  if (!send) return;
  double e = 0;
  for (int i = 0; i < 960; i++) e += (double)pcm[i] * pcm[i];
  double rms = sqrt(e / 960.0);
  int lvl = rms < 1e-9 ? 127 : (int)lrint(-20.0 * log10(rms / 32767.0)); /* RFC 6464 -dBov */
  if (lvl < 0) lvl = 0;
  if (lvl > 127) lvl = 127;
  int is_speech = speech && !dtx_frame;
  /* REFERENCE §7.1.4: first packet of a talkspurt after DTX/CN carries M=1 */
  int marker = !P->a.started || P->need_marker || (S->o.dtx && is_speech && !P->last_sent_speech);
  pkt *p = new_pkt(pi, M_AUDIO, P->aport, S->P[!pi].aport, 24 + (size_t)n);
  if (!p) {
    S->err = 1;
    return;
  }
  rtp_header(S, pi, p->data, PT_OPUS, marker, P->a.seq, ts, P->a.ssrc,
             (is_speech ? 0x80 : 0) | lvl, now);
  memcpy(p->data + 24, enc, (size_t)n);
  p->ssrc = P->a.ssrc;
  p->seq = P->a.seq++;
  p->ts = ts;
  p->marker = marker;
  p->speech = is_speech;
  P->a.packets++;
  P->a.octets += (uint64_t)n;
  P->a.started = 1;
  P->need_marker = 0;
  P->last_sent_speech = is_speech;
  send_pkt(S, now, p);
}

/* ------------------------------------------------------------------ video */

static void video_packetize(sim *S, int64_t now, int pi, const uint8_t *f, size_t len, int key,
                            uint32_t ts, int fresh) {
  party *P = &S->P[pi];
  int vp9 = S->o.video == 9;
  size_t desc = vp9 ? (key ? 8 : 3) : 4; /* VP9 SS (W/H) only in the first packet */
  size_t room = MTU - 20 - desc;
  size_t np = (len + room - 1) / room;
  if (np == 0) np = 1;
  size_t off = 0;
  uint16_t pid = P->picture_id++ & 0x7FFF;
  int64_t t = now;
  for (size_t i = 0; i < np; i++) {
    size_t chunk = (len - off) / (np - i);
    if ((len - off) % (np - i)) chunk++;
    int first = i == 0, last = i + 1 == np;
    size_t dl = vp9 ? (first && key ? 8 : 3) : 4;
    pkt *p = new_pkt(pi, M_VIDEO, P->vport, S->P[!pi].vport, 20 + dl + chunk);
    if (!p) {
      S->err = 1;
      return;
    }
    uint8_t *b = p->data;
    rtp_header(S, pi, b, vp9 ? PT_VP9 : PT_VP8, last, P->v.seq, ts, P->v.ssrc, -1, t);
    uint8_t *d = b + 20;
    if (!vp9) {
      /* RFC 7741 §4.2: X=1, S on the first packet of the frame, PID 0; I=1, M=1 15-bit PictureID */
      d[0] = (uint8_t)(0x80 | (first ? 0x10 : 0));
      d[1] = 0x80;
      d[2] = (uint8_t)(0x80 | (pid >> 8));
      d[3] = (uint8_t)pid;
    } else {
      /* RFC 9628 §4.2 non-flexible mode: I, P (inter), B (first), E (last), V (SS on keyframes) */
      d[0] = (uint8_t)(0x80 | (key ? 0 : 0x40) | (first ? 0x08 : 0) | (last ? 0x04 : 0) |
                       (first && key ? 0x02 : 0));
      d[1] = (uint8_t)(0x80 | (pid >> 8));
      d[2] = (uint8_t)pid;
      if (first && key) {
        d[3] = 0x10; /* SS: N_S=0 (one layer), Y=1 (resolution present), G=0 */
        wr16(d + 4, (uint32_t)S->o.w);
        wr16(d + 6, (uint32_t)S->o.h);
      }
    }
    memcpy(d + dl, f + off, chunk);
    off += chunk;
    p->ssrc = P->v.ssrc;
    p->seq = P->v.seq++;
    p->ts = ts;
    p->marker = last;
    p->frame_first = first;
    p->frame_last = last;
    p->key = key;
    p->fresh = fresh;
    P->v.packets++;
    P->v.octets += dl + chunk; /* RFC 3550 §6.4.1: payload octets (descriptor included) */
    P->v.started = 1;
    if (t == now) send_pkt(S, t, p);
    else push_ev(S, t, EV_SEND, pi, 0, p);
    t += 500 + (int64_t)(chunk + 32) * 4; /* pacing: ~2 Mbit/s plus 0.5 ms per packet */
  }
}

static void video_tick(sim *S, int64_t now, int pi) {
  party *P = &S->P[pi];
  double t = sec(now);
  int64_t k = P->v_frame++;
  uint32_t ts = P->v.ts0 + (uint32_t)llround((double)k * 90000.0 / S->o.fps);
  if (sender_imp(S, pi, RUP__SYN_CAMERA_OFF, t) || sender_imp(S, pi, RUP__SYN_VIDEO_SUSPENDED, t)) {
    P->force_kf = 1; /* resume with a keyframe */
    return;
  }
  const rup__syn_imp *fz = sender_imp(S, pi, RUP__SYN_CAMERA_FREEZE, t);
  if (fz) {
    if (!P->frozen) P->freeze_hold = t;
    P->frozen = 1;
    P->content_t = P->freeze_hold; /* the camera delivers the same picture */
  } else {
    P->frozen = 0;
    P->content_t = t;
  }
  if (P->content_t != P->drawn_t || k == 0) {
    rup__syn_picture(P->yuv, S->o.w, S->o.h, P->content_t, pi);
    P->drawn_t = P->content_t;
  }
  vpx_enc_frame_flags_t fl = 0;
  if (P->force_kf || k == 0 || t - P->last_kf_s >= S->o.keyint) {
    fl |= VPX_EFLAG_FORCE_KF;
    P->force_kf = 0;
    P->last_kf_s = t;
  }
  if (vpx_codec_encode(&P->vpx, &P->img, k, 1, fl, VPX_DL_REALTIME) != VPX_CODEC_OK) {
    S->err = 4;
    return;
  }
  vpx_codec_iter_t it = NULL;
  const vpx_codec_cx_pkt_t *cx;
  while ((cx = vpx_codec_get_cx_data(&P->vpx, &it)) != NULL) {
    if (cx->kind != VPX_CODEC_CX_FRAME_PKT) continue;
    int key = (cx->data.frame.flags & VPX_FRAME_IS_KEY) != 0;
    video_packetize(S, now, pi, cx->data.frame.buf, cx->data.frame.sz, key, ts, !P->frozen);
  }
}

/* ------------------------------------------------------------------ RTCP */

static size_t rtcp_sdes(const party *P, uint32_t ssrc, uint8_t *b) {
  size_t cl = strlen(P->cname);
  size_t body = 4 + 2 + cl + 1; /* SSRC, CNAME item, end-of-list */
  size_t padded = (body + 3) & ~(size_t)3;
  memset(b, 0, 4 + padded);
  b[0] = 0x81; /* V=2, SC=1 */
  b[1] = 202;  /* SDES */
  wr16(b + 2, (uint32_t)(padded / 4));
  wr32(b + 4, ssrc);
  b[8] = 1; /* CNAME */
  b[9] = (uint8_t)cl;
  memcpy(b + 10, P->cname, cl);
  return 4 + padded;
}

/* RFC 3550 §6.4.1 / A.3 report block about rx, written at b; updates the interval state. */
static void report_block(const sim *S, int pi, rxs *r, int64_t now, uint8_t *b) {
  uint32_t ext_max = r->cycles + r->max_seq;
  int64_t expected = (int64_t)ext_max - r->base_seq + 1;
  int64_t lost = expected - (int64_t)r->received;
  if (lost > 0x7FFFFF) lost = 0x7FFFFF; /* REFERENCE §1.2: clamp the 24-bit field */
  if (lost < -0x800000) lost = -0x800000;
  int64_t exp_int = expected - (int64_t)r->expected_prior;
  int64_t rec_int = (int64_t)r->received - (int64_t)r->received_prior;
  r->expected_prior = (uint64_t)expected;
  r->received_prior = r->received;
  int64_t lost_int = exp_int - rec_int;
  uint32_t fraction = (exp_int == 0 || lost_int <= 0) ? 0 : (uint32_t)((lost_int << 8) / exp_int);
  wr32(b, r->ssrc);
  wr32(b + 4, (fraction & 0xFF) << 24 | ((uint32_t)lost & 0xFFFFFF));
  wr32(b + 8, ext_max);
  wr32(b + 12, (uint32_t)r->jitter); /* RFC 3550 A.8: (u_int32) jitter */
  wr32(b + 16, r->lsr);
  uint32_t dlsr = 0;
  if (r->lsr) dlsr = (uint32_t)((now - r->sr_arrival_us) * 65536 / 1000000); /* 1/65536 s */
  wr32(b + 20, dlsr);
  (void)S;
  (void)pi;
}

/* One compound: SR from tx (RFC 3550 §6.4.1) + report blocks + SDES, optionally PLI / BYE. */
static void rtcp_send(sim *S, int64_t now, int pi, int port, int bye, uint32_t pli_media) {
  party *P = &S->P[pi];
  txs *tx = port ? &P->v : &P->a;
  uint8_t b[512];
  size_t o = 0;
  rxs *blocks[2];
  int nb = 0;
  if (!pli_media) {
    rxs *mine = port ? &P->rv : &P->ra;
    if (mine->init && mine->heard) blocks[nb++] = mine;
    if (!port && !P->sends_video && P->rv.init && P->rv.heard) blocks[nb++] = &P->rv;
  }
  int sr = tx->started && !pli_media;
  b[0] = (uint8_t)(0x80 | nb);
  b[1] = sr ? 200 : 201;
  wr32(b + 4, tx->ssrc);
  o = 8;
  if (sr) {
    uint64_t ntp = ntp_of(S, pi, now);
    wr32(b + 8, (uint32_t)(ntp >> 32));
    wr32(b + 12, (uint32_t)ntp);
    uint32_t rts;
    if (port) {
      rts = tx->ts0 + (uint32_t)llround((double)(now - (S->t_media + 10000)) * 90000.0 / 1e6);
    } else {
      rts = tx->ts0 + (uint32_t)llround((double)(now - (S->t_media + 3000 * pi)) * 48000.0 / 1e6) +
            960; /* frame k (sent at t_a0 + 20k ms) starts 20 ms earlier: ts0 at t_a0 - 20 ms */
    }
    wr32(b + 16, rts);
    wr32(b + 20, (uint32_t)tx->packets);
    wr32(b + 24, (uint32_t)tx->octets);
    o = 28;
  }
  for (int i = 0; i < nb; i++) {
    report_block(S, pi, blocks[i], now, b + o);
    blocks[i]->heard = 0;
    o += 24;
  }
  wr16(b + 2, (uint32_t)(o / 4 - 1));
  o += rtcp_sdes(P, tx->ssrc, b + o);
  if (pli_media) { /* RFC 4585 §6.3.1: PSFB FMT=1, no FCI */
    b[o] = 0x81;
    b[o + 1] = 206;
    wr16(b + o + 2, 2);
    wr32(b + o + 4, tx->ssrc);
    wr32(b + o + 8, pli_media);
    o += 12;
  }
  if (bye) { /* RFC 3550 §6.6 */
    b[o] = 0x81;
    b[o + 1] = 203;
    wr16(b + o + 2, 1);
    wr32(b + o + 4, tx->ssrc);
    o += 8;
  }
  pkt *p = new_pkt(pi, M_RTCP, port ? P->vport : P->aport, port ? S->P[!pi].vport : S->P[!pi].aport, o);
  if (!p) {
    S->err = 1;
    return;
  }
  memcpy(p->data, b, o);
  send_pkt(S, now, p);
}

/* ------------------------------------------------------------------ receive */

static void rx_rtp(sim *S, int64_t now, int pi, const pkt *p) {
  party *P = &S->P[pi];
  rxs *r = p->media == M_AUDIO ? &P->ra : &P->rv;
  r->heard = 1;
  if (!r->init) { /* RFC 3550 A.1 init_seq (the simulator's own receivers need no probation) */
    r->init = 1;
    r->base_seq = r->max_seq = p->seq;
    r->cycles = 0;
    r->received = 0;
    r->expect = p->seq;
  } else {
    uint16_t ud = (uint16_t)(p->seq - r->max_seq);
    if (ud != 0 && ud < 3000) { /* RFC 3550 A.1: in order, gap allowed (MAX_DROPOUT) */
      if (p->seq < r->max_seq) r->cycles += 65536;
      r->max_seq = p->seq;
    }
  }
  r->received++;
  /* RFC 3550 A.8: transit = arrival (timestamp units) - RTP timestamp; J += (|D| - J)/16 */
  uint32_t arr = (uint32_t)(((uint64_t)now * r->rate) / 1000000u);
  uint32_t transit = arr - p->ts;
  if (r->have_transit) {
    int32_t dd = (int32_t)(transit - r->transit);
    double d = dd < 0 ? -(double)dd : (double)dd;
    r->jitter += (d - r->jitter) / 16.0;
  }
  r->transit = transit;
  r->have_transit = 1;
  if (p->media != M_VIDEO) return;
  /* Decodability: a missing packet breaks the reference chain until a complete keyframe. */
  uint16_t gap = (uint16_t)(p->seq - r->expect);
  if (gap >= 0x8000) return; /* late packet: its frame was already judged */
  if (gap != 0) {
    r->broken = 1;
    r->cur_ok = 0;
  }
  r->expect = (uint16_t)(p->seq + 1);
  if (p->frame_first) {
    r->cur_ts = p->ts;
    r->cur_ok = gap == 0 || p->key; /* a keyframe's own first packet starts clean */
    r->cur_key = p->key;
    r->cur_fresh = p->fresh;
  } else if (p->ts != r->cur_ts) {
    r->cur_ok = 0;
  }
  if (p->frame_last && p->ts == r->cur_ts) {
    if (r->cur_ok && r->cur_key) r->broken = 0;
    if (r->cur_ok && !r->broken &&
        !grow((void **)&P->sh, &P->capsh, P->nsh + 1, sizeof(shown)))
      P->sh[P->nsh++] = (shown){now, r->cur_fresh};
  }
  if (r->broken && now - r->last_pli_us >= 300000) { /* RFC 4585 PLI, throttled */
    r->last_pli_us = now;
    rtcp_send(S, now, pi, P->sends_video ? 1 : 0, 0, r->ssrc);
  }
}

static void rx_rtcp(sim *S, int64_t now, int pi, const pkt *p) {
  party *P = &S->P[pi];
  size_t o = 0;
  while (o + 8 <= p->len) {
    const uint8_t *b = p->data + o;
    size_t l = ((size_t)(b[2] << 8 | b[3]) + 1) * 4;
    if (o + l > p->len) break;
    uint32_t ssrc = (uint32_t)b[4] << 24 | (uint32_t)b[5] << 16 | (uint32_t)b[6] << 8 | b[7];
    if (b[1] == 200 && l >= 28) { /* SR: remember LSR (middle 32 bits of NTP) and arrival */
      rxs *r = ssrc == P->ra.ssrc ? &P->ra : ssrc == P->rv.ssrc ? &P->rv : NULL;
      if (r) {
        r->lsr = (uint32_t)b[10] << 24 | (uint32_t)b[11] << 16 | (uint32_t)b[12] << 8 | b[13];
        r->sr_arrival_us = now;
      }
    } else if (b[1] == 206 && (b[0] & 0x1F) == 1) {
      P->force_kf = 1; /* PLI: the next frame is a keyframe */
    }
    o += l;
  }
}

/* ------------------------------------------------------------------ SIP / SDP */

static size_t sdp(const sim *S, int pi, char *b, size_t cap) {
  const party *P = &S->P[pi];
  char ip[16];
  snprintf(ip, sizeof ip, "10.0.0.%u", (unsigned)(P->ip & 0xFF));
  int n = snprintf(b, cap,
                   "v=0\r\no=- %" PRIu64 " 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
                   "m=audio %u RTP/AVPF %d\r\n"
                   "a=rtpmap:%d opus/48000/2\r\na=fmtp:%d minptime=10;useinbandfec=1;usedtx=%d\r\n"
                   "a=extmap:%d urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
                   "a=extmap:%d http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
                   "a=rtcp-mux\r\na=sendrecv\r\na=ssrc:%u cname:%s\r\n",
                   S->o.seed + (uint64_t)pi, ip, ip, P->aport, PT_OPUS, PT_OPUS, PT_OPUS, S->o.dtx,
                   EXT_LEVEL, EXT_ABS_SEND, P->a.ssrc, P->cname);
  if (n < 0 || (size_t)n >= cap) return 0;
  size_t o = (size_t)n;
  if (S->o.video) {
    int pt = S->o.video == 9 ? PT_VP9 : PT_VP8;
    n = snprintf(b + o, cap - o,
                 "m=video %u RTP/AVPF %d\r\na=rtpmap:%d %s/90000\r\n"
                 "a=rtcp-fb:%d nack pli\r\n"
                 "a=extmap:%d http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
                 "a=rtcp-mux\r\na=%s\r\n",
                 P->vport, pt, pt, S->o.video == 9 ? "VP9" : "VP8", pt, EXT_ABS_SEND,
                 P->sends_video ? (S->P[!pi].sends_video ? "sendrecv" : "sendonly") : "recvonly");
    if (n < 0 || (size_t)n >= cap - o) return 0;
    o += (size_t)n;
    if (P->sends_video) {
      n = snprintf(b + o, cap - o, "a=ssrc:%u cname:%s\r\n", P->v.ssrc, P->cname);
      if (n < 0 || (size_t)n >= cap - o) return 0;
      o += (size_t)n;
    }
  }
  return o;
}

static void sip(sim *S, int64_t t, int from, const char *first_line, const char *method, int cseq,
                int with_sdp) {
  char body[2048], msg[4096];
  size_t bl = with_sdp ? sdp(S, from, body, sizeof body) : 0;
  char tag[2][24];
  snprintf(tag[0], sizeof tag[0], "%08" PRIx64, S->o.seed * 2654435761u & 0xFFFFFFFFu);
  snprintf(tag[1], sizeof tag[1], "%08" PRIx64, (S->o.seed + 7) * 40503u & 0xFFFFFFFFu);
  int reply = strncmp(first_line, "SIP/2.0", 7) == 0;
  int n = snprintf(msg, sizeof msg,
                   "%s\r\nVia: SIP/2.0/UDP 10.0.0.%d:5060;branch=z9hG4bK%s%d\r\n"
                   "From: <sip:therapist@10.0.0.1>;tag=%s\r\nTo: <sip:client@10.0.0.2>%s%s\r\n"
                   "Call-ID: %s@10.0.0.1\r\nCSeq: %d %s\r\nContact: <sip:%s@10.0.0.%d:5060>\r\n"
                   "Max-Forwards: 70\r\nUser-Agent: rupture-synth\r\n%s"
                   "Content-Length: %zu\r\n\r\n%.*s",
                   first_line, reply ? 1 : from + 1, tag[0], cseq, tag[0],
                   (reply || cseq > 1 || strcmp(method, "ACK") == 0) ? ";tag=" : "",
                   (reply || cseq > 1 || strcmp(method, "ACK") == 0) ? tag[1] : "", tag[1], cseq,
                   method, from ? "client" : "therapist", from + 1,
                   with_sdp ? "Content-Type: application/sdp\r\n" : "", bl, (int)bl, body);
  if (n < 0 || (size_t)n >= sizeof msg) {
    S->err = 1;
    return;
  }
  pkt *p = new_pkt(from, M_SIP, SIP_PORT, SIP_PORT, (size_t)n);
  if (!p) {
    S->err = 1;
    return;
  }
  memcpy(p->data, msg, (size_t)n);
  if (from == 0) {
    capture(S, t, p);
    free(p);
  } else {
    capture(S, t + usec(S->o.delay_ms / 1000.0), p); /* SIP rides outside the impairments */
    free(p);
  }
}

/* ------------------------------------------------------------------ setup */

static int party_init(sim *S, int pi) {
  party *P = &S->P[pi];
  P->id = pi;
  P->ip = pi ? REMOTE_IP : LOCAL_IP;
  P->aport = pi ? 50000 : 40000;
  P->vport = pi ? 50002 : 40002;
  rup__syn_rng_seed(&P->rng, S->o.seed, 0x9A27 + (uint64_t)pi);
  snprintf(P->cname, sizeof P->cname, "%s-%08" PRIx32, pi ? "client" : "therapist",
           (uint32_t)rup__syn_rng_next(&P->rng));
  P->a.ssrc = (uint32_t)rup__syn_rng_next(&P->rng) | 1u;
  P->v.ssrc = (uint32_t)rup__syn_rng_next(&P->rng) | 2u;
  P->a.seq = (uint16_t)rup__syn_rng_next(&P->rng);
  P->v.seq = (uint16_t)rup__syn_rng_next(&P->rng);
  P->a.ts0 = (uint32_t)rup__syn_rng_next(&P->rng);
  P->v.ts0 = (uint32_t)rup__syn_rng_next(&P->rng);
  P->picture_id = (uint16_t)(rup__syn_rng_next(&P->rng) & 0x7FFF);
  P->clock_offset_us = pi ? (int64_t)(rup__syn_rng_next(&P->rng) % 20000000u) - 10000000 : 0;
  P->ra.rate = 48000;
  P->rv.rate = 90000;
  P->last_kf_s = -1e9;
  P->sends_video = S->o.video && (pi == 1 || S->o.video_both);
  int err = 0;
  P->enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_VOIP, &err);
  if (!P->enc || err != OPUS_OK) return -1;
  opus_encoder_ctl(P->enc, OPUS_SET_BITRATE(S->o.akbps * 1000));
  opus_encoder_ctl(P->enc, OPUS_SET_DTX(S->o.dtx));
  opus_encoder_ctl(P->enc, OPUS_SET_COMPLEXITY(5));
  opus_encoder_ctl(P->enc, OPUS_SET_SIGNAL(OPUS_SIGNAL_VOICE));
  rup__syn_voice_init(&P->voice, S->o.seed, pi, pi ? 205.0 : 118.0);
  if (!P->sends_video) return 0;
  vpx_codec_iface_t *ifc = S->o.video == 9 ? vpx_codec_vp9_cx() : vpx_codec_vp8_cx();
  vpx_codec_enc_cfg_t cfg;
  if (vpx_codec_enc_config_default(ifc, &cfg, 0) != VPX_CODEC_OK) return -1;
  cfg.g_w = (unsigned)S->o.w;
  cfg.g_h = (unsigned)S->o.h;
  cfg.g_timebase.num = 1;
  cfg.g_timebase.den = S->o.fps;
  cfg.g_threads = 1; /* determinism */
  cfg.g_lag_in_frames = 0;
  cfg.g_pass = VPX_RC_ONE_PASS;
  cfg.g_error_resilient = VPX_ERROR_RESILIENT_DEFAULT;
  cfg.rc_end_usage = VPX_CBR;
  cfg.rc_target_bitrate = (unsigned)S->o.vkbps;
  cfg.rc_dropframe_thresh = 0;
  cfg.rc_min_quantizer = 4;
  cfg.rc_max_quantizer = 56;
  cfg.rc_buf_sz = 1000;
  cfg.rc_buf_initial_sz = 500;
  cfg.rc_buf_optimal_sz = 600;
  cfg.kf_mode = VPX_KF_DISABLED; /* keyframes are forced: periodic, after PLI, on resume */
  if (vpx_codec_enc_init(&P->vpx, ifc, &cfg, 0) != VPX_CODEC_OK) return -1;
  P->vpx_ok = 1;
  if (S->o.video == 9) {
    vpx_codec_control(&P->vpx, VP8E_SET_CPUUSED, 8);
    vpx_codec_control(&P->vpx, VP9E_SET_ROW_MT, 0);
    vpx_codec_control(&P->vpx, VP9E_SET_TILE_COLUMNS, 0);
    vpx_codec_control(&P->vpx, VP9E_SET_AQ_MODE, 0);
  } else {
    /* negative cpu-used: fixed speed; positive would auto-select speed from measured
     * encode time (libvpx vp8 encodeframe.c), which is not deterministic */
    vpx_codec_control(&P->vpx, VP8E_SET_CPUUSED, -8);
    vpx_codec_control(&P->vpx, VP8E_SET_NOISE_SENSITIVITY, 0);
  }
  P->yuv = calloc((size_t)S->o.w * (size_t)S->o.h * 3 / 2, 1);
  if (!P->yuv) return -1;
  if (!vpx_img_wrap(&P->img, VPX_IMG_FMT_I420, (unsigned)S->o.w, (unsigned)S->o.h, 1, P->yuv))
    return -1;
  return 0;
}

static void party_free(party *P) {
  if (P->enc) opus_encoder_destroy(P->enc);
  if (P->vpx_ok) vpx_codec_destroy(&P->vpx);
  free(P->yuv);
  free(P->sh);
}

/* ------------------------------------------------------------------ truth */

static const char *dir_name(int d) {
  return d == RUP__SYN_IN ? "inbound" : d == RUP__SYN_OUT ? "outbound" : "both";
}

/* First frame shown by receiver party rp at or after t with fresh content (-1 if none). */
static double first_shown(const sim *S, int rp, double t) {
  const party *P = &S->P[rp];
  for (size_t i = 0; i < P->nsh; i++)
    if (P->sh[i].fresh && sec(P->sh[i].t) >= t) return sec(P->sh[i].t);
  return -1;
}

/* Loss is heard only while the sender talks; choppy audio is judged as the detector's
 * definition says (docs/ruptures.md, choppy_audio), here from the known drops: at each
 * dropped speech frame (send time t), the window [t - choppy_window, t] holds n
 * dropped speech frames in e runs of consecutive sequence numbers (each run is one
 * concealment) out of the sender's 20-ms speech frames in the window. A stretch begins
 * at the first drop of a window with e >= choppy_count and n >= CHOPPY_RATIO of the
 * frames (Skype/Lync: a concealed ratio > 0.07 is poor, REFERENCE §10), and goes on
 * while the ratio stays >= half of that and drops keep coming within the window. The
 * expected window runs from the first dropped frame of the first stretch to the end of
 * the last dropped frame of the last (send time). Only the direction hit first counts. */
static int choppy_span(const sim *S, int imp, double *a, double *b) {
  const double win = (double)S->def.choppy_window_us / 1e6;
  int from = -1, on = 0, any = 0;
  int64_t first = 0, last = 0, prev_t = 0;
  size_t w0 = 0; /* no drop before this index is inside the window */
  for (size_t j = 0; j < S->ndrops; j++) {
    const drop *q = &S->drops[j];
    if (q->imp != imp || !q->speech) continue;
    if (from < 0) from = q->dir;
    if (q->dir != from) continue;
    double t = sec(q->sent_us), t0 = t - win;
    if (on && prev_t && t - sec(prev_t) > win) on = 0; /* the window emptied */
    prev_t = q->sent_us;
    size_t n = 0, e = 0;
    int64_t wfirst = q->sent_us;
    const drop *pr = NULL;
    for (size_t k = w0; k <= j; k++) {
      const drop *r = &S->drops[k];
      if (r->imp != imp || !r->speech || r->dir != from) continue;
      if (sec(r->sent_us) < t0) {
        if (k == w0) w0++;
        continue;
      }
      if (!n) wfirst = r->sent_us;
      if (!pr || r->ssrc != pr->ssrc || r->seq != (uint16_t)(pr->seq + 1)) e++;
      pr = r;
      n++;
    }
    double frames = rup__syn_talk_overlap(&S->talk[from == D_OUT ? 0 : 1], t0, t + 0.02) / 0.02;
    double ratio = frames > 0 ? (double)n / frames : 1.0;
    if (!on && e >= S->def.choppy_count && ratio >= CHOPPY_RATIO) {
      on = 1;
      if (!any) first = wfirst;
      any = 1;
    } else if (on && ratio < CHOPPY_RATIO / 2) {
      on = 0;
    }
    if (on) last = q->sent_us;
  }
  if (!any) return 0;
  *a = sec(first);
  *b = sec(last) + 0.02;
  return 1;
}

/* The part of [a, b) in which the party talks: from the first talk onset to the last
 * talk end inside it (the whole window if it has no talk). */
static void clip_to_talk(const rup__syn_talk *t, double *a, double *b) {
  double lo = *b, hi = *a;
  for (size_t i = 0; i < t->n; i++) {
    double x = t->iv[i].a > *a ? t->iv[i].a : *a, y = t->iv[i].b < *b ? t->iv[i].b : *b;
    if (y <= x) continue;
    if (x < lo) lo = x;
    if (y > hi) hi = y;
  }
  if (hi > lo) {
    *a = lo;
    *b = hi;
  }
}

typedef struct expect {
  const char *type, *cause;
  double a, b; /* rupture window as experienced */
  const char *type2, *cause2; /* a second experience of the same impairment, or NULL */
  double a2, b2;
} expect;

#define EXPECT(ty, ca, from, to) ((expect){.type = (ty), .cause = (ca), .a = (from), .b = (to)})

/* The rupture a person would experience (DESIGN.md §3; docs/synth.md explains each). */
static expect expected_of(const sim *S, const rup__syn_imp *m) {
  expect x = {.a = m->start_s, .b = m->end_s}; /* type NULL: not a rupture */
  double d = S->o.delay_ms / 1000.0;
  double a = m->start_s + d, b = m->end_s + d;
  int has_audio = (m->media & RUP__SYN_M_AUDIO) != 0, has_video = (m->media & RUP__SYN_M_VIDEO) != 0;
  double vend = b;
  if (S->o.video) { /* video recovers at the receiver's first good frame after the end */
    for (int rp = 0; rp < 2; rp++) {
      if (!(m->dir & pdir(!rp)) || !S->P[!rp].sends_video) continue;
      double f = first_shown(S, rp, m->end_s);
      if (f > vend) vend = f;
    }
  }
  switch (m->kind) {
  case RUP__SYN_OUTAGE:
  case RUP__SYN_ONE_WAY_OUTAGE:
    x = EXPECT("connection_lost", "network_outage", a, b);
    break;
  case RUP__SYN_RANDOM_LOSS:
  case RUP__SYN_BURST_LOSS:
    if (has_audio) {
      double c0, c1;
      if (choppy_span(S, (int)(m - S->sc.imp), &c0, &c1))
        x = EXPECT("choppy_audio", "packet_loss", c0 + d, c1 + d);
    } else if (has_video && m->kind == RUP__SYN_BURST_LOSS) {
      x = EXPECT("video_freeze", "packet_loss", a, vend);
    }
    break;
  case RUP__SYN_JITTER:
    if (m->ms >= 150 && has_audio) { /* heard while the sender talks (the one hit first) */
      double ja = m->start_s, jb = m->end_s;
      clip_to_talk(&S->talk[(m->dir & RUP__SYN_IN) ? 1 : 0], &ja, &jb);
      x = EXPECT("choppy_audio", "late_packets", ja + d, jb + d);
    }
    break;
  case RUP__SYN_DELAY_SPIKE: {
    /* then the delay holds: d + ms one-way from the first late packet's arrival to the
     * arrival of the queue sent until the end (FIFO), if over the limit for lag_min */
    expect lag = {0};
    if (S->o.delay_ms + m->ms > LAG_ONE_WAY_MS && (m->end_s - m->start_s) * 1e6 >= (double)S->def.lag_min_us)
      lag = EXPECT("lag", "delay", a + m->ms / 1000.0, b + m->ms / 1000.0);
    if (m->ms >= 150) { /* first a stall, then the lag */
      x = EXPECT("av_outage", "late_packets", a, a + m->ms / 1000.0);
      x.type2 = lag.type;
      x.cause2 = lag.cause;
      x.a2 = lag.a;
      x.b2 = lag.b;
    } else if (lag.type) {
      x = lag;
    }
    break;
  }
  case RUP__SYN_DELAY_RAMP:
    if (S->o.delay_ms + m->ms > LAG_ONE_WAY_MS) {
      double frac = (LAG_ONE_WAY_MS - S->o.delay_ms) / m->ms; /* ramp position at the limit */
      if (frac < 0) frac = 0;
      /* in arrival time, as every other window: the packet sent when the delay
       * reaches the limit arrives LAG_ONE_WAY_MS later */
      double lim = LAG_ONE_WAY_MS / 1000.0;
      x = EXPECT("lag", "delay", m->start_s + frac * m->ramp_s + lim,
                   m->end_s - frac * m->ramp_s + lim);
    }
    break;
  case RUP__SYN_VIDEO_STALL:
    if (S->o.video) x = EXPECT("video_freeze", "packet_loss", a, vend);
    break;
  case RUP__SYN_AUDIO_STALL:
    x = EXPECT("audio_dropout", "packet_loss", a, b);
    break;
  case RUP__SYN_CAMERA_FREEZE:
    if (S->o.video) x = EXPECT("video_freeze", "frozen_content", a, vend);
    break;
  case RUP__SYN_VIDEO_SUSPENDED:
    if (S->o.video) x = EXPECT("video_freeze", "sender_stopped", a, vend);
    break;
  default: /* mute, camera_off, dtx_silence: not ruptures */
    break;
  }
  return x;
}

static void json_iv_list(FILE *f, const rup__syn_talk *t) {
  fputc('[', f);
  for (size_t i = 0; i < t->n; i++)
    fprintf(f, "%s[%.3f,%.3f]", i ? "," : "", t->iv[i].a, t->iv[i].b);
  fputc(']', f);
}

static int cmp_drop(const void *x, const void *y) {
  const drop *a = x, *b = y;
  if (a->dir != b->dir) return a->dir - b->dir;
  if (a->ssrc != b->ssrc) return a->ssrc < b->ssrc ? -1 : 1;
  return 0; /* qsort is not stable: callers keep send order by a second key */
}

typedef struct drop_i {
  drop d;
  size_t idx;
} drop_i;

static int cmp_drop_i(const void *x, const void *y) {
  const drop_i *a = x, *b = y;
  int c = cmp_drop(&a->d, &b->d);
  if (c) return c;
  return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int write_truth(sim *S, const char *path) {
  FILE *f = fopen(path, "w");
  if (!f) return -1;
  const opts *o = &S->o;
  fprintf(f, "{\n  \"generator\": \"rupture synth\",\n  \"seed\": %" PRIu64 ",\n", o->seed);
  fprintf(f, "  \"duration_s\": %.6f,\n  \"local\": \"10.0.0.1\",\n  \"remote\": \"10.0.0.2\",\n",
          o->duration);
  fprintf(f, "  \"settings\": {\"dtx\": %s, \"video\": \"%s\", \"video_both_ways\": %s, "
             "\"width\": %d, \"height\": %d, \"fps\": %d, \"video_kbps\": %d, \"audio_kbps\": %d, "
             "\"keyframe_interval_s\": %.3f, \"base_delay_ms\": %.3f},\n",
          o->dtx ? "true" : "false", o->video == 9 ? "vp9" : o->video ? "vp8" : "none",
          o->video_both ? "true" : "false", o->w, o->h, o->fps, o->vkbps, o->akbps, o->keyint,
          o->delay_ms);
  fprintf(f, "  \"streams\": [\n");
  int first = 1;
  for (int pi = 0; pi < 2; pi++) {
    const party *P = &S->P[pi];
    const char *dir = pi ? "inbound" : "outbound";
    fprintf(f, "%s    {\"ssrc\": %u, \"media\": \"audio\", \"codec\": \"opus\", \"direction\": \"%s\", "
               "\"payload_type\": %d, \"clock_rate\": 48000, \"src\": \"10.0.0.%d:%u\", "
               "\"dst\": \"10.0.0.%d:%u\", \"cname\": \"%s\", \"packets_sent\": %" PRIu64 "}",
            first ? "" : ",\n", P->a.ssrc, dir, PT_OPUS, pi + 1, P->aport, 2 - pi,
            S->P[!pi].aport, P->cname, P->a.packets);
    first = 0;
    if (P->sends_video)
      fprintf(f, ",\n    {\"ssrc\": %u, \"media\": \"video\", \"codec\": \"%s\", \"direction\": \"%s\", "
                 "\"payload_type\": %d, \"clock_rate\": 90000, \"src\": \"10.0.0.%d:%u\", "
                 "\"dst\": \"10.0.0.%d:%u\", \"cname\": \"%s\", \"packets_sent\": %" PRIu64 "}",
              P->v.ssrc, o->video == 9 ? "vp9" : "vp8", dir, o->video == 9 ? PT_VP9 : PT_VP8,
              pi + 1, P->vport, 2 - pi, S->P[!pi].vport, P->cname, P->v.packets);
  }
  fprintf(f, "\n  ],\n  \"impairments\": [");
  int id = 0;
  for (size_t i = 0; i < S->sc.n; i++) {
    const rup__syn_imp *m = &S->sc.imp[i];
    if (m->kind == RUP__SYN_TALK) continue;
    expect x = expected_of(S, m);
    fprintf(f, "%s\n    {\"id\": %d, \"kind\": \"%s\", \"direction\": \"%s\", \"ssrcs\": [", id ? "," : "",
            id + 1, rup__syn_kind_name(m->kind), dir_name(m->dir));
    id++;
    int n = 0;
    for (int pi = 1; pi >= 0; pi--) {
      if (!(m->dir & pdir(pi))) continue;
      if (m->media & RUP__SYN_M_AUDIO) fprintf(f, "%s%u", n++ ? ", " : "", S->P[pi].a.ssrc);
      if ((m->media & RUP__SYN_M_VIDEO) && S->P[pi].sends_video)
        fprintf(f, "%s%u", n++ ? ", " : "", S->P[pi].v.ssrc);
    }
    fprintf(f, "], \"start_s\": %.6f, \"end_s\": %.6f, \"duration_s\": %.6f, \"params\": {",
            m->start_s, m->end_s, m->end_s - m->start_s);
    switch (m->kind) {
    case RUP__SYN_RANDOM_LOSS:
      fprintf(f, "\"p\": %.4f, \"media\": \"%s\"", m->p,
              m->media == RUP__SYN_M_AUDIO ? "audio" : m->media == RUP__SYN_M_VIDEO ? "video" : "all");
      break;
    case RUP__SYN_BURST_LOSS:
      fprintf(f, "\"p\": %.4f, \"r\": %.4f, \"loss_good\": %.4f, \"loss_bad\": %.4f, \"media\": \"%s\"",
              m->p, m->r, m->loss_good, m->loss_bad,
              m->media == RUP__SYN_M_AUDIO ? "audio" : m->media == RUP__SYN_M_VIDEO ? "video" : "all");
      break;
    case RUP__SYN_JITTER:
      fprintf(f, "\"ms\": %.3f, \"reorder\": %s", m->ms, m->reorder ? "true" : "false");
      break;
    case RUP__SYN_DELAY_SPIKE:
      fprintf(f, "\"extra_delay_ms\": %.3f", m->ms);
      break;
    case RUP__SYN_DELAY_RAMP:
      fprintf(f, "\"extra_delay_ms\": %.3f, \"ramp_s\": %.3f, \"peak_one_way_ms\": %.3f", m->ms,
              m->ramp_s, m->ms + o->delay_ms);
      break;
    default:
      break;
    }
    fprintf(f, "}, \"packets_dropped\": %" PRIu64 ", ", S->imp_drops[i]);
    if (x.type) {
      /* seconds of the sender's speech inside the window (what the listener missed) */
      double sp = 0;
      if (m->dir & RUP__SYN_IN) sp += rup__syn_talk_overlap(&S->talk[1], x.a, x.b);
      if (m->dir & RUP__SYN_OUT) sp += rup__syn_talk_overlap(&S->talk[0], x.a, x.b);
      fprintf(f, "\"expected_rupture\": \"%s\", \"expected_cause\": \"%s\", "
                 "\"rupture_start_s\": %.6f, \"rupture_end_s\": %.6f, \"speech_in_window_s\": %.3f",
              x.type, x.cause, x.a, x.b, sp);
      if (x.type2)
        fprintf(f, ", \"also_expected\": [{\"expected_rupture\": \"%s\", \"expected_cause\": \"%s\", "
                   "\"rupture_start_s\": %.6f, \"rupture_end_s\": %.6f}]",
                x.type2, x.cause2, x.a2, x.b2);
      fputc('}', f);
    } else {
      fprintf(f, "\"expected_rupture\": null, \"expected_cause\": null, "
                 "\"rupture_start_s\": null, \"rupture_end_s\": null}");
    }
  }
  fprintf(f, "\n  ],\n  \"speech\": {\"local\": ");
  json_iv_list(f, &S->talk[0]);
  fprintf(f, ", \"remote\": ");
  json_iv_list(f, &S->talk[1]);
  fprintf(f, "},\n  \"packets\": {\n");
  /* Dropped RTP packets per direction and SSRC, in send order, as [first_seq, count] runs. */
  drop_i *di = calloc(S->ndrops ? S->ndrops : 1, sizeof *di);
  if (!di) {
    fclose(f);
    return -1;
  }
  for (size_t i = 0; i < S->ndrops; i++) di[i] = (drop_i){S->drops[i], i};
  qsort(di, S->ndrops, sizeof *di, cmp_drop_i);
  for (int d = 0; d < 2; d++) {
    fprintf(f, "    \"%s\": {\"sent\": %" PRIu64 ", \"delayed\": %" PRIu64 ", \"dropped_rtcp\": %" PRIu64
               ", \"dropped\": [",
            d == D_IN ? "inbound" : "outbound", S->net[d].sent, S->net[d].delayed, S->net[d].dropped_rtcp);
    int firsts = 1;
    size_t i = 0;
    while (i < S->ndrops) {
      if (di[i].d.dir != d) {
        i++;
        continue;
      }
      uint32_t ssrc = di[i].d.ssrc;
      size_t j = i;
      while (j < S->ndrops && di[j].d.dir == d && di[j].d.ssrc == ssrc) j++;
      fprintf(f, "%s\n      {\"ssrc\": %u, \"count\": %zu, \"runs\": [", firsts ? "" : ",", ssrc, j - i);
      firsts = 0;
      size_t k = i;
      int fr = 1;
      while (k < j) {
        size_t run = 1;
        while (k + run < j && (uint16_t)(di[k + run].d.seq) == (uint16_t)(di[k].d.seq + run)) run++;
        fprintf(f, "%s[%u,%zu]", fr ? "" : ",", di[k].d.seq, run);
        fr = 0;
        k += run;
      }
      fprintf(f, "]}");
      i = j;
    }
    fprintf(f, "%s]}%s\n", firsts ? "" : "\n    ", d == 0 ? "," : "");
  }
  free(di);
  fprintf(f, "  }\n}\n");
  return fclose(f) ? -1 : 0;
}

/* ------------------------------------------------------------------ CLI */

static void usage(FILE *f) {
  fputs("usage: rupture synth --seed N --duration SECONDS [--scenario FILE] [--impair SPEC]...\n"
        "                     [--dtx on|off] [--video vp8|vp9|none] [--video-dir both|inbound]\n"
        "                     [--size WxH] [--fps N] [--video-kbps N] [--audio-kbps N]\n"
        "                     [--keyint SECONDS] [--delay MS] [--quiet]\n"
        "                     -o OUT.pcap|OUT.pcapng|OUT.pcap.gz --truth TRUTH.json\n"
        "SPEC: KIND@START+DURATION[,key=value...], e.g. outage@30+10, audio_stall@12+2,\n"
        "      random_loss@5+20,p=0.1,dir=inbound,media=audio  (docs/synth.md)\n"
        "KIND: outage one_way_outage random_loss burst_loss jitter delay_spike delay_ramp\n"
        "      video_stall audio_stall camera_freeze video_suspended mute camera_off dtx_silence talk\n",
        f);
}

static int parse_int(const char *s, long lo, long hi, long *out) {
  char *e;
  errno = 0;
  long v = strtol(s, &e, 10);
  if (errno || *e || e == s || v < lo || v > hi) return -1;
  *out = v;
  return 0;
}

static int parse_dbl(const char *s, double lo, double hi, double *out) {
  char *e;
  errno = 0;
  double v = strtod(s, &e);
  if (errno || *e || e == s || !(v >= lo && v <= hi)) return -1;
  *out = v;
  return 0;
}

int rup_cmd_synth(int argc, char **argv) {
  sim *S = calloc(1, sizeof *S);
  if (!S) return 6;
  rup_settings_default(&S->def);
  opts *o = &S->o;
  o->seed = 1;
  o->duration = 60;
  o->dtx = 1;
  o->video = 8;
  o->video_both = 1;
  o->w = 320;
  o->h = 180;
  o->fps = 15;
  o->vkbps = 150;
  o->akbps = 20;
  o->keyint = 4;
  o->delay_ms = 30;
  char err[600];
  int rc = 1;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    long l;
    int bad = 0;
    if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
      usage(stdout);
      free(S);
      return 0;
    } else if (!strcmp(a, "--quiet")) {
      o->quiet = 1;
      continue;
    }
    if (!v) {
      fprintf(stderr, "rupture synth: %s needs a value (or unknown option)\n", a);
      usage(stderr);
      goto out;
    }
    i++;
    if (!strcmp(a, "--seed")) {
      char *e;
      errno = 0;
      unsigned long long s = strtoull(v, &e, 0);
      bad = errno || *e || e == v || v[0] == '-';
      o->seed = (uint64_t)s;
    } else if (!strcmp(a, "--duration")) {
      bad = parse_dbl(v, 5, 7200, &o->duration);
    } else if (!strcmp(a, "--scenario")) {
      if (rup__syn_scenario_load(&S->sc, v, err, sizeof err)) {
        fprintf(stderr, "rupture synth: %s\n", err);
        goto out;
      }
    } else if (!strcmp(a, "--impair")) {
      if (rup__syn_scenario_add(&S->sc, v, err, sizeof err)) {
        fprintf(stderr, "rupture synth: --impair: %s\n", err);
        goto out;
      }
    } else if (!strcmp(a, "--dtx")) {
      bad = strcmp(v, "on") && strcmp(v, "off");
      o->dtx = !strcmp(v, "on");
    } else if (!strcmp(a, "--video")) {
      o->video = !strcmp(v, "vp8") ? 8 : !strcmp(v, "vp9") ? 9 : 0;
      bad = !o->video && strcmp(v, "none");
    } else if (!strcmp(a, "--video-dir")) {
      bad = strcmp(v, "both") && strcmp(v, "inbound");
      o->video_both = !strcmp(v, "both");
    } else if (!strcmp(a, "--size")) {
      int w = 0, h = 0;
      char c;
      bad = sscanf(v, "%dx%d%c", &w, &h, &c) != 2 || w < 16 || h < 16 || w > 1920 || h > 1080 ||
            (w & 1) || (h & 1);
      o->w = w;
      o->h = h;
    } else if (!strcmp(a, "--fps")) {
      bad = parse_int(v, 1, 60, &l);
      o->fps = (int)l;
    } else if (!strcmp(a, "--video-kbps")) {
      bad = parse_int(v, 10, 20000, &l);
      o->vkbps = (int)l;
    } else if (!strcmp(a, "--audio-kbps")) {
      bad = parse_int(v, 6, 128, &l);
      o->akbps = (int)l;
    } else if (!strcmp(a, "--keyint")) {
      bad = parse_dbl(v, 0.1, 3600, &o->keyint);
    } else if (!strcmp(a, "--delay")) {
      bad = parse_dbl(v, 0, 5000, &o->delay_ms);
    } else if (!strcmp(a, "-o")) {
      o->out = v;
    } else if (!strcmp(a, "--truth")) {
      o->truth = v;
    } else {
      fprintf(stderr, "rupture synth: unknown option '%s'\n", a);
      usage(stderr);
      goto out;
    }
    if (bad) {
      fprintf(stderr, "rupture synth: bad value '%s' for %s\n", v, a);
      goto out;
    }
  }
  if (!o->out || !o->truth) {
    fprintf(stderr, "rupture synth: -o and --truth are required\n");
    usage(stderr);
    goto out;
  }
  for (size_t i = 0; i < S->sc.n; i++)
    if (S->sc.imp[i].start_s >= o->duration) {
      fprintf(stderr, "rupture synth: %s@%g starts after the end of the call (%g s)\n",
              rup__syn_kind_name(S->sc.imp[i].kind), S->sc.imp[i].start_s, o->duration);
      goto out;
    }
  rc = 6;
  S->imp_drops = calloc(RUP__SYN_MAX_IMP, sizeof *S->imp_drops);
  if (!S->imp_drops) goto out;
  S->t_media = 250000;
  S->t_end_media = usec(o->duration) - 300000;
  if (rup__syn_talk_build(S->talk, &S->sc, o->seed, sec(S->t_media), sec(S->t_end_media))) goto out;
  for (int pi = 0; pi < 2; pi++) {
    rup__syn_rng_seed(&S->net[pi].rng, o->seed, 0x4E7 + (uint64_t)pi);
    if (party_init(S, pi)) {
      fprintf(stderr, "rupture synth: cannot set up the encoders\n");
      goto out;
    }
  }
  for (int pi = 0; pi < 2; pi++) { /* each receiver knows the other party's SSRCs */
    S->P[pi].ra.ssrc = S->P[!pi].a.ssrc;
    S->P[pi].rv.ssrc = S->P[!pi].v.ssrc;
  }
  S->cap = rup__syn_capw_open(o->out);
  if (!S->cap) {
    fprintf(stderr, "rupture synth: %s: %s\n", o->out,
            errno == EINVAL ? "name must end in .pcap, .pcapng (optionally .gz)" : strerror(errno));
    rc = 2;
    goto out;
  }
  /* SIP: INVITE (offer) at 0, 200 OK (answer) after a round trip, ACK. */
  int64_t rtt = 2 * usec(o->delay_ms / 1000.0);
  sip(S, 0, 0, "INVITE sip:client@10.0.0.2 SIP/2.0", "INVITE", 1, 1);
  sip(S, rtt / 2 + 20000, 1, "SIP/2.0 200 OK", "INVITE", 1, 1);
  sip(S, rtt + 21000, 0, "ACK sip:client@10.0.0.2 SIP/2.0", "ACK", 1, 0);
  for (int pi = 0; pi < 2; pi++) {
    push_ev(S, S->t_media + 3000 * pi, EV_AUDIO, pi, 0, NULL);
    if (S->P[pi].sends_video) push_ev(S, S->t_media + 10000, EV_VIDEO, pi, 0, NULL);
    push_ev(S, S->t_media + 500000 + 100000 * pi, EV_RTCP, pi, 0, NULL);
    if (S->P[pi].sends_video || S->o.video)
      push_ev(S, S->t_media + 550000 + 100000 * pi, EV_RTCP, pi, 1, NULL);
    push_ev(S, S->t_end_media + 50000 + 2000 * pi, EV_BYE, pi, 0, NULL);
  }
  push_ev(S, S->t_end_media + 100000, EV_SIP_BYE, 0, 0, NULL);
  while (S->nheap && !S->err) {
    ev e = pop_ev(S);
    party *P = &S->P[e.party];
    switch (e.type) {
    case EV_AUDIO:
      if (e.t >= S->t_end_media) break;
      audio_tick(S, e.t, e.party);
      push_ev(S, e.t + 20000, EV_AUDIO, e.party, 0, NULL);
      break;
    case EV_VIDEO:
      if (e.t >= S->t_end_media) break;
      video_tick(S, e.t, e.party);
      push_ev(S, S->t_media + 10000 + (P->v_frame * 1000000) / o->fps, EV_VIDEO, e.party, 0, NULL);
      break;
    case EV_SEND:
      send_pkt(S, e.t, e.p);
      break;
    case EV_ARRIVE:
      if (e.party == 0) capture(S, e.t, e.p);
      if (e.t < S->t_end_media + 200000) {
        if (e.p->media == M_AUDIO || e.p->media == M_VIDEO) rx_rtp(S, e.t, e.party, e.p);
        else if (e.p->media == M_RTCP) rx_rtcp(S, e.t, e.party, e.p);
      }
      free(e.p);
      break;
    case EV_RTCP:
      if (e.t >= S->t_end_media) break;
      if (e.port == 0 || P->sends_video) rtcp_send(S, e.t, e.party, e.port, 0, 0);
      /* RFC 3550 §6.3.1: randomized interval, 0.5 to 1.5 times the nominal 1 s */
      push_ev(S, e.t + usec(rup__syn_rng_uniform(&P->rng, 0.5, 1.5)), EV_RTCP, e.party, e.port, NULL);
      break;
    case EV_BYE:
      rtcp_send(S, e.t, e.party, 0, 1, 0);
      if (P->sends_video) rtcp_send(S, e.t + 200, e.party, 1, 1, 0);
      break;
    case EV_SIP_BYE:
      sip(S, e.t, 0, "BYE sip:client@10.0.0.2 SIP/2.0", "BYE", 2, 0);
      sip(S, e.t + rtt / 2 + 2000, 1, "SIP/2.0 200 OK", "BYE", 2, 0);
      break;
    default:
      break;
    }
  }
  while (S->nheap) free(pop_ev(S).p);
  if (S->err) {
    fprintf(stderr, "rupture synth: %s\n",
            S->err == 2 ? "write error" : S->err == 3 ? "opus encoder error"
            : S->err == 4 ? "vpx encoder error" : "out of memory");
    rc = S->err == 2 ? 2 : 6;
    goto out;
  }
  if (rup__syn_capw_close(S->cap)) {
    S->cap = NULL;
    fprintf(stderr, "rupture synth: %s: write error\n", o->out);
    rc = 2;
    goto out;
  }
  S->cap = NULL;
  if (write_truth(S, o->truth)) {
    fprintf(stderr, "rupture synth: %s: %s\n", o->truth, strerror(errno));
    rc = 2;
    goto out;
  }
  if (!o->quiet)
    fprintf(stderr,
            "rupture synth: %" PRIu64 " records; sent out %" PRIu64 " / in %" PRIu64
            "; dropped RTP %zu; delayed out %" PRIu64 " / in %" PRIu64 "\n",
            S->records, S->net[0].sent, S->net[1].sent, S->ndrops, S->net[0].delayed,
            S->net[1].delayed);
  rc = 0;
out:
  if (S->cap) rup__syn_capw_close(S->cap);
  for (int pi = 0; pi < 2; pi++) {
    party_free(&S->P[pi]);
    rup__syn_talk_free(&S->talk[pi]);
  }
  free(S->heap);
  free(S->drops);
  free(S->imp_drops);
  free(S);
  return rc;
}
