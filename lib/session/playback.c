/* The playback models of a stream (lib/media) and the impairments they report. */
#include "session/session.h"


typedef struct sink_ctx {
  rup_session *s;
  const rup_stream *st;
} sink_ctx;

static void on_imp(void *ctx, const rup_imp *imp, int phase) {
  const sink_ctx *c = ctx;
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
  rup__detect_impairment(c->s, (rup_stream *)c->st, imp, phase);
}

#define SINK(s, st)              \
  sink_ctx ctx_ = {(s), (st)};   \
  rup_imp_sink sink_ = {on_imp, &ctx_}

void rup__playback_setup(rup_session *s, rup_stream *st) {
  if (st->model != RUP_MODEL_NONE) return; /* a model keeps the kind it started with */
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
}

void rup__playback_packet(rup_session *s, rup_stream *st, const rup_rtp *rtp, unsigned rx_flags) {
  if (st->model == RUP_MODEL_NONE) return;
  SINK(s, st);
  rup_media_pkt mp = {rtp, rx_flags, rup__rx_ext_seq(&st->rx, rtp->seq), s->now_us};
  if (st->model == RUP_MODEL_VIDEO)
    rup__video_packet(&st->m.video, &mp, &sink_);
  else
    rup__audio_packet(&st->m.audio, &mp, st->voice_activity, &sink_);
  rup__detect_audio_poll(s, st);
}

void rup__playback_sender_report(rup_session *s, rup_stream *st, uint32_t packet_count) {
  if (st->model != RUP_MODEL_AUDIO) return;
  SINK(s, st);
  rup__audio_sender_report(&st->m.audio, packet_count, s->now_us, &sink_);
  rup__detect_audio_poll(s, st);
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
  rup__detect_audio_poll(s, st);
}

void rup__playback_finish(rup_session *s, rup_stream *st, int64_t now_us) {
  if (st->model == RUP_MODEL_NONE) return;
  SINK(s, st);
  if (st->model == RUP_MODEL_VIDEO)
    rup__video_finish(&st->m.video, now_us, &sink_);
  else
    rup__audio_finish(&st->m.audio, now_us, &sink_);
}
