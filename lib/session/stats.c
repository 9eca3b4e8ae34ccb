/* Per-stream statistics: the RFC values of lib/stream, RTCP, and the playback models. */
#include "session/session.h"

static double ts_to_ms(double ts_units, uint32_t clock_rate) {
  return clock_rate ? ts_units * 1000.0 / clock_rate : 0.0;
}

static void fill_video(const rup_video_stats *v, rup_stream_stats *o) {
  o->has_playback = 1;
  o->frames_received = v->frames_received;
  o->frames_decoded = v->frames_decoded;
  o->frames_dropped = v->frames_dropped;
  o->keyframes = v->keyframes;
  o->keyframes_known = v->keyframes_known;
  o->freeze_count = v->freeze_count;
  o->total_freezes_duration_s = v->total_freezes_duration_s;
  o->pause_count = v->pause_count;
  o->total_pauses_duration_s = v->total_pauses_duration_s;
  o->total_inter_frame_delay_s = v->total_inter_frame_delay_s;
  o->total_squared_inter_frame_delay_s2 = v->total_squared_inter_frame_delay_s2;
  o->frame_width = v->width;
  o->frame_height = v->height;
}

/* Where a decoder ran, it wins over the packet model for what it measures
 * (docs/decode.md): pictures actually decoded, samples actually concealed, speech
 * from the decoded signal. */
static void fill_decoded(const rup_stream *st, rup_stream_stats *o) {
  if (st->vdec) {
    rup_vdec_stats v;
    rup__vdec_stats(st->vdec, &v);
    o->decode_verified = 1;
    o->frames_decoded = v.frames_decoded;
    o->frames_dropped = o->frames_received > v.frames_decoded ? o->frames_received - v.frames_decoded : 0;
    o->frames_ref_missing = v.frames_ref_missing;
    o->frames_decode_errors = v.frames_errors + v.frames_corrupt;
    o->frozen_content_count = v.frozen_count;
    o->frozen_content_duration_s = v.frozen_duration_s;
  }
  if (st->adec) {
    rup_adec_stats a;
    rup__adec_stats(st->adec, &a);
    o->decode_verified = 1;
    o->concealed_samples = a.concealed_samples;
    if (a.clock_rate) {
      o->speech_duration_s = (double)a.speech_samples / a.clock_rate;
      o->speech_known = 1;
    }
    o->speech_level_dbfs = a.speech_level_dbfs;
  }
}

static void fill_audio(const rup_audio_stats *a, rup_stream_stats *o) {
  o->has_playback = 1;
  o->total_samples_received = a->total_samples_received;
  o->total_samples_duration_s = a->total_samples_duration_s;
  o->concealed_samples = a->concealed_samples;
  o->silent_concealed_samples = a->silent_concealed_samples;
  o->concealment_events = a->concealment_events;
  o->inserted_samples_for_deceleration = a->inserted_samples_for_deceleration;
  o->removed_samples_for_acceleration = a->removed_samples_for_acceleration;
  o->jitter_buffer_delay_s = a->jitter_buffer_delay_s;
  o->jitter_buffer_target_delay_s = a->jitter_buffer_target_delay_s;
  o->jitter_buffer_emitted_count = a->jitter_buffer_emitted_count;
  o->packets_discarded = a->packets_discarded;
  o->interruption_count = a->interruption_count;
  o->total_interruption_duration_s = a->total_interruption_duration_s;
  o->dtx_duration_s = a->dtx_duration_s;
  o->muted_duration_s = a->muted_duration_s;
  o->speech_duration_s = a->speech_duration_s;
  o->speech_known = a->speech_known;
}

void rup__stats_fill(const rup_stream *st, rup_stream_stats *out) {
  const rup_rx *rx = &st->rx;
  rup_stream_stats o;
  memset(&o, 0, sizeof o);
  o.ssrc = st->ssrc;
  o.direction = st->direction;
  o.media = st->media;
  o.codec = st->codec;
  o.payload_type = st->payload_type;
  o.clock_rate = rx->clock_rate;
  o.participant = st->participant;
  o.src = st->src;
  o.dst = st->dst;
  o.first_arrival_us = rx->first_arrival_us;
  o.last_arrival_us = rx->last_pkt_arrival_us;
  o.packets = rx->packets;
  o.bytes = rx->bytes;
  o.received = rx->received;
  o.expected = rup__rx_expected(rx);
  o.lost = rup__rx_lost(rx);
  o.duplicates = rx->duplicates;
  o.reordered = rx->reordered;
  o.probation_dropped = rx->probation_dropped;
  o.restarts = rx->restarts;
  o.fraction_lost = rx->fraction_lost;
  o.extended_max_seq = rup__rx_extended_max(rx);
  /* RFC 3550 A.8: the report value is (u_int32) jitter; the 32-bit field saturates
   * (a float beyond it has no defined conversion, C11 6.3.1.4) */
  o.jitter_ts = rx->jitter < 4294967295.0 ? (uint32_t)rx->jitter : UINT32_MAX;
  o.jitter_ms = ts_to_ms(rx->jitter, rx->clock_rate);
  o.jitter_ms_max = ts_to_ms(rx->jitter_max, rx->clock_rate);
  o.jitter_ms_mean = rx->jitter_n ? ts_to_ms(rx->jitter_sum / (double)rx->jitter_n, rx->clock_rate) : 0.0;
  o.max_gap_ms = (double)rx->max_gap_us / 1000.0;
  double ms_per_pkt = 0.0;
  if (rx->received > 1 && rx->last_pkt_arrival_us > rx->first_arrival_us && o.expected > 1)
    ms_per_pkt = (double)(rx->last_pkt_arrival_us - rx->first_arrival_us) / 1000.0 / (double)(o.expected - 1);
  rup__burst_result(&rx->burst, ms_per_pkt, &o.burst_density, &o.gap_density, &o.burst_duration_ms,
                    &o.gap_duration_ms);
  int64_t span = rx->last_pkt_arrival_us - rx->first_arrival_us;
  o.bitrate_bps = span > 0 ? (double)rx->bytes * 8.0 * 1e6 / (double)span : 0.0;
  o.has_rtt = st->has_rtt;
  o.rtt_ms = st->has_rtt ? (double)st->rtt_us / 1000.0 : 0.0;
  o.has_remote_report = st->has_remote_report;
  o.remote_fraction_lost = st->remote.fraction_lost;
  o.remote_cumulative_lost = st->remote.cumulative_lost;
  o.remote_jitter_ms = ts_to_ms((double)st->remote.jitter, rx->clock_rate);
  o.sr_count = st->sr_count;
  o.sender_packet_count = st->sender_packet_count;
  o.sender_octet_count = st->sender_octet_count;
  o.nack_count = st->nack_count;
  o.pli_count = st->pli_count;
  o.fir_count = st->fir_count;
  o.bye = st->bye;
  o.audio_level_dbov = st->audio_level_dbov;
  o.voice_activity = st->voice_activity;
  rup_ws_result w;
  rup__ws_result(&rx->ws, rx->clock_rate, &w);
  o.ws_valid = rx->ws.packets > 0;
  o.ws_expected = w.expected;
  o.ws_lost = w.lost;
  o.ws_min_delta_ms = w.min_delta_ms;
  o.ws_mean_delta_ms = w.mean_delta_ms;
  o.ws_max_delta_ms = w.max_delta_ms;
  o.ws_has_jitter = w.has_jitter;
  o.ws_min_jitter_ms = w.min_jitter_ms;
  o.ws_mean_jitter_ms = w.mean_jitter_ms;
  o.ws_max_jitter_ms = w.max_jitter_ms;
  if (st->model == RUP_MODEL_VIDEO) fill_video(&st->m.video.st, &o);
  if (st->model == RUP_MODEL_AUDIO) fill_audio(&st->m.audio.st, &o);
  fill_decoded(st, &o);
  *out = o;
}

