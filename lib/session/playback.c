/* The playback models of a stream (lib/media), its optional decoders (lib/decode)
 * and the impairments they report. */
#include "session/session.h"

static void on_imp(void *ctx, const rup_imp *imp, int phase) {
  const rup_sink_ctx *c = ctx;
  rup_event ev;
  memset(&ev, 0, sizeof ev);
  ev.type = RUP_EVENT_IMPAIRMENT;
  ev.time_us = c->s->now_us;
  rup_impairment_event *e = &ev.u.impairment;
  e->ssrc = c->st->ssrc;
  e->direction = c->st->direction;
  e->index = c->st->index;
  e->kind = (int32_t)imp->kind; /* media.h defines its kinds and flags as the public values */
  e->phase = phase;
  e->evidence = imp->evidence;
  e->start_us = imp->start_us;
  e->detected_us = imp->detected_us;
  e->end_us = phase ? imp->end_us : 0;
  e->lost_packets = imp->lost_packets;
  e->late_packets = imp->late_packets;
  rup__session_emit(c->s, &ev);
  rup__detect_impairment(&c->s->det, &c->st->det, imp, phase, c->s->now_us);
}

/* The stream's sink lives in the stream (decoders keep it between calls). */
#define SINK(s, st) const rup_imp_sink sink_ = (st)->sink; (void)(s)

static void setup_sink(rup_session *s, rup_stream *st) {
  st->sink_ctx.s = s;
  st->sink_ctx.st = st;
  st->sink.fn = on_imp;
  st->sink.ctx = &st->sink_ctx;
}

/* Decoders (docs/decode.md) when the settings ask for them and the library has them.
 * A decoder that cannot start (no memory) leaves the packet model alone in charge. */
static void setup_decoder(rup_session *s, rup_stream *st) {
#if RUP_HAVE_DECODE
  if (st->model == RUP_MODEL_VIDEO && s->st.decode_video &&
      (st->codec == RUP_CODEC_VP8 || st->codec == RUP_CODEC_VP9)) {
    if (rup__vdec_new(&st->vdec, &s->mem, st->codec, NULL) == 0)
      rup__vdec_attach(st->vdec, &st->m.video, &st->sink);
  } else if (st->model == RUP_MODEL_AUDIO && s->st.decode_audio && st->codec == RUP_CODEC_OPUS) {
    if (rup__adec_new(&st->adec, &s->mem, st->rx.clock_rate) == 0) rup__adec_attach(st->adec, &st->m.audio);
  }
#else
  (void)s;
  (void)st;
#endif
}

void rup__playback_free(rup_session *s, rup_stream *st) {
  (void)s;
  if (st->vdec) rup__vdec_free(st->vdec);
  if (st->adec) rup__adec_free(st->adec);
  st->vdec = NULL;
  st->adec = NULL;
}

void rup__playback_setup(rup_session *s, rup_stream *st) {
  if (st->model != RUP_MODEL_NONE) return; /* a model keeps the kind it started with */
  if (s->st.statistics_only) return;       /* statistics only: no model */
  setup_sink(s, st);
  if (st->media == RUP_MEDIA_VIDEO) {
    rup_video_params p;
    memset(&p, 0, sizeof p);
    p.stall_after_us = s->st.stall_timeout_us;
    p.reorder_wait_us = s->st.video_reorder_wait_us;
    p.header_only = s->st.payload_opaque;
    rup__video_init(&st->m.video, st->codec, &p);
    st->model = RUP_MODEL_VIDEO;
  } else if (st->media == RUP_MEDIA_AUDIO && st->rx.clock_rate) {
    rup_audio_params p;
    rup__audio_params_default(&p);
    p.stall_after_us = s->st.stall_timeout_us;
    p.min_delay_us = s->st.audio_min_delay_us;
    p.max_delay_us = s->st.audio_max_delay_us;
    rup__audio_init(&st->m.audio, st->codec, st->rx.clock_rate, &p);
    st->model = RUP_MODEL_AUDIO;
  }
  setup_decoder(s, st);
}

void rup__playback_packet(rup_session *s, rup_stream *st, const rup_rtp *rtp, unsigned rx_flags) {
  if (st->model == RUP_MODEL_NONE) return;
  SINK(s, st);
  rup_media_pkt mp = {rtp, rx_flags, rup__rx_ext_seq(&st->rx, rtp->seq), s->now_us};
  if (st->vdec) rup__vdec_packet(st->vdec, mp.ext_seq, rtp); /* decoders keep the payload first */
  if (st->adec) rup__adec_packet(st->adec, mp.ext_seq, rtp);
  if (st->model == RUP_MODEL_VIDEO)
    rup__video_packet(&st->m.video, &mp, &sink_);
  else
    rup__audio_packet(&st->m.audio, &mp, st->voice_activity, &sink_);
  rup__detect_audio_poll(&st->det, s->now_us);
}

void rup__playback_sender_report(rup_session *s, rup_stream *st, uint32_t packet_count) {
  if (st->model != RUP_MODEL_AUDIO) return;
  SINK(s, st);
  rup__audio_sender_report(&st->m.audio, packet_count, s->now_us, &sink_);
  rup__detect_audio_poll(&st->det, s->now_us);
}

void rup__playback_keyframe_request(rup_stream *st) {
  if (st->model == RUP_MODEL_VIDEO) rup__video_keyframe_request(&st->m.video);
}

int64_t rup__playback_deadline(const rup_stream *st) {
  switch (st->model) {
    case RUP_MODEL_VIDEO: return rup__video_deadline(&st->m.video);
    case RUP_MODEL_AUDIO: return rup__audio_deadline(&st->m.audio);
    default: return INT64_MAX;
  }
}

void rup__playback_advance(rup_session *s, rup_stream *st, int64_t now_us) {
  if (st->model == RUP_MODEL_NONE) return;
  SINK(s, st);
  if (st->model == RUP_MODEL_VIDEO)
    rup__video_advance(&st->m.video, now_us, &sink_);
  else
    rup__audio_advance(&st->m.audio, now_us, &sink_);
  rup__detect_audio_poll(&st->det, s->now_us);
}

void rup__playback_finish(rup_session *s, rup_stream *st, int64_t now_us) {
  if (st->model == RUP_MODEL_NONE) return;
  SINK(s, st);
  if (st->model == RUP_MODEL_VIDEO)
    rup__video_finish(&st->m.video, now_us, &sink_);
  else
    rup__audio_finish(&st->m.audio, now_us, &sink_);
  if (st->vdec) rup__vdec_finish(st->vdec, now_us);
  if (st->adec) rup__adec_finish(st->adec, now_us);
}
