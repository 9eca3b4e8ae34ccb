/* lib/decode: decode-verified detection on real encoded streams (libopus,
 * libvpx payloads written by `rupture synth`, docs/synth.md). The captures in
 * tests/data/decode_*.pcap and how they were made are listed in docs/decode.md §8.
 * The media models are driven directly (as tests/unit/test_video.c does) from a
 * pcap walk through the public rup_trace_open / rup_trace_next. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "decode/decode.h"
#include "stream/stream.h"
#include "wire/wire.h"

#define MAX_FR 4096
#define MAX_IMP 64
#define MAX_TRUTH 256
#define PORT_AUDIO 40000 /* LOCAL's ports (docs/synth.md "The call"): inbound media arrives here */
#define PORT_VIDEO 40002

typedef struct run {
  int64_t t0;                   /* first record of the capture (truth times are relative to it) */
  rup_rx vrx, arx;
  rup_video v;
  rup_audio a;
  rup_vdec *vd;
  rup_adec *ad;
  rup_imp_sink vsink, asink;
  rup_vdec_frame fr[MAX_FR];
  int nfr;
  rup_imp imps[MAX_IMP];
  int phases[MAX_IMP];
  int nimp;
  /* VAD check */
  const double *speech;         /* truth intervals (s), pairs */
  int nspeech;
  int64_t vad_offset_us;        /* send -> playout offset assumed for the check */
  int vad_agree, vad_total;
} run;

static void vsink_fn(void *ctx, const rup_imp *imp, int phase) {
  run *r = ctx;
  if (r->nimp < MAX_IMP) {
    r->imps[r->nimp] = *imp;
    r->phases[r->nimp++] = phase;
  }
}

static void asink_fn(void *ctx, const rup_imp *imp, int phase) {
  (void)ctx;
  (void)imp;
  (void)phase;
}

static void frame_log(void *ctx, const rup_vdec_frame *f) {
  run *r = ctx;
  if (r->nfr < MAX_FR) r->fr[r->nfr++] = *f;
  if (getenv("RUP_TEST_VERBOSE"))
    printf("frame ts %lld at %.3f model %d status %d key %d shown %d rep %d mad %.3f max %.3f bytes %u\n",
           (long long)f->ext_ts, (double)(f->render_us - r->t0) / 1e6, f->model_decoded, f->status, f->keyframe,
           f->shown, f->repeated, f->mad, f->max_diff, f->bytes);
}

static int in_truth(const run *r, double s) {
  for (int i = 0; i < r->nspeech; i++)
    if (s >= r->speech[2 * i] && s < r->speech[2 * i + 1]) return 1;
  return 0;
}

static int near_truth_edge(const run *r, double s, double margin) {
  for (int i = 0; i < 2 * r->nspeech; i++)
    if (fabs(s - r->speech[i]) < margin) return 1;
  return 0;
}

static void vad_sample(run *r, int64_t now) {
  int sp = rup__adec_speaking(r->ad);
  if (sp < 0 || !r->nspeech) return;
  double s = (double)(now - r->t0 - r->vad_offset_us) / 1e6;
  if (near_truth_edge(r, s, 0.3)) return; /* onset / hangover (200 ms) boundaries excluded */
  r->vad_total++;
  r->vad_agree += sp == in_truth(r, s);
}

static uint64_t ext_seq(rup_rx *rx, uint16_t seq) { return rup__rx_ext_seq(rx, seq); }

static void run_capture(run *r, const char *name, int codec, int audio) {
  rup_trace *t = NULL;
  rup_trace_packet pk;
  rup_video_params vp;
  int64_t last = 0, next_vad = 0;
  memset(&vp, 0, sizeof vp);
  rup__video_init(&r->v, codec ? codec : RUP_CODEC_VP8, &vp);
  rup__audio_init(&r->a, RUP_CODEC_OPUS, 48000, NULL);
  rup__rx_init(&r->vrx, 90000, 16);
  rup__rx_init(&r->arx, 48000, 16);
  r->vsink.fn = vsink_fn;
  r->vsink.ctx = r;
  r->asink.fn = asink_fn;
  r->asink.ctx = r;
  if (codec) {
    assert_int_equal(rup__vdec_new(&r->vd, NULL, codec, NULL), 0);
    rup__vdec_attach(r->vd, &r->v, &r->vsink);
    rup__vdec_set_frame_log(r->vd, frame_log, r);
  }
  if (audio) {
    assert_int_equal(rup__adec_new(&r->ad, NULL, 48000), 0);
    rup__adec_attach(r->ad, &r->a);
  }
  assert_int_equal(rup_trace_open(&t, rt_data(name), NULL), 0);
  int first = 1;
  while (rup_trace_next(t, &pk) == 1) {
    if (first) r->t0 = pk.ts_us, first = 0;
    last = pk.ts_us;
    int isv = codec && pk.dst.port == PORT_VIDEO, isa = audio && pk.dst.port == PORT_AUDIO;
    if (audio) {
      while (next_vad && next_vad <= pk.ts_us) { /* audio advanced every 20 ms of capture time */
        rup__audio_advance(&r->a, next_vad, &r->asink);
        vad_sample(r, next_vad);
        next_vad += 20000;
      }
    }
    if (!isv && !isa) continue;
    if (pk.payload_len >= 2 && (pk.payload[1] & 0x7F) >= 72 && (pk.payload[1] & 0x7F) <= 76) continue; /* RTCP (RFC 5761 §4) */
    rup_rtp rtp;
    if (rup__rtp_parse(&rtp, pk.payload, pk.payload_len) != 0) continue;
    rup_rx *rx = isv ? &r->vrx : &r->arx;
    rup_media_pkt m;
    m.rtp = &rtp;
    m.rx_flags = rup__rx_update(rx, rtp.seq, rtp.ts, pk.ts_us, rtp.payload_len, rtp.marker, rtp.payload_type);
    m.ext_seq = ext_seq(rx, rtp.seq);
    m.arrival_us = pk.ts_us;
    if (isv) {
      rup__vdec_packet(r->vd, m.ext_seq, &rtp);
      rup__video_packet(&r->v, &m, &r->vsink);
    } else {
      rup__adec_packet(r->ad, m.ext_seq, &rtp);
      rup__audio_packet(&r->a, &m, -1 /* no RFC 6464 level used */, &r->asink);
      if (!next_vad) next_vad = pk.ts_us + 20000;
    }
  }
  rup_trace_del(t);
  if (codec) {
    rup__video_finish(&r->v, last, &r->vsink);
    rup__vdec_finish(r->vd, last);
  }
  if (audio) {
    rup__audio_finish(&r->a, last, &r->asink);
    rup__adec_finish(r->ad, last);
  }
}

static void run_free(run *r) {
  rup__vdec_free(r->vd);
  rup__adec_free(r->ad);
  free(r);
}

/* "key": number after the first occurrence of "\"key\":" in a truth file. */
static double truth_num(const char *json, const char *key) {
  char pat[64];
  snprintf(pat, sizeof pat, "\"%s\":", key);
  const char *p = strstr(json, pat);
  assert_non_null(p);
  return strtod(p + strlen(pat), NULL);
}

/* ---------- payload store ---------- */

static void test_store(void **state) {
  (void)state;
  rup_pktstore s;
  uint8_t buf[3000];
  size_t len = 0;
  memset(buf, 7, sizeof buf);
  assert_int_equal(rup__pktstore_init(&s, rup_mem_default(), 8, 4096), 0);
  rup__pktstore_put(&s, 100, buf, 1000);
  rup__pktstore_put(&s, 101, buf, 0);
  assert_non_null(rup__pktstore_get(&s, 100, &len));
  assert_int_equal(len, 1000);
  assert_non_null(rup__pktstore_get(&s, 101, &len));
  assert_int_equal(len, 0);
  assert_null(rup__pktstore_get(&s, 102, &len));
  assert_null(rup__pktstore_get(&s, 92, &len));          /* same slot, other seq */
  rup__pktstore_put(&s, 102, buf, 1000);
  rup__pktstore_put(&s, 103, buf, 1000);
  rup__pktstore_put(&s, 104, buf, 1000);
  assert_non_null(rup__pktstore_get(&s, 100, &len));     /* 4000 of 4096 bytes used */
  rup__pktstore_put(&s, 106, buf, 1000);                 /* wraps: 100's bytes are overwritten */
  assert_null(rup__pktstore_get(&s, 100, &len));
  assert_non_null(rup__pktstore_get(&s, 104, &len));
  assert_non_null(rup__pktstore_get(&s, 106, &len));
  rup__pktstore_put(&s, 105, buf, 3000);                 /* > cap/4: not kept */
  assert_null(rup__pktstore_get(&s, 105, &len));
  rup__pktstore_put(&s, 112, buf, 10);                   /* slot reuse */
  assert_null(rup__pktstore_get(&s, 104, &len));
  rup__pktstore_free(&s, rup_mem_default());
}

/* ---------- video: loss until keyframe, frame by frame against the model ---------- */

static void check_loss_until_keyframe(const char *name, int codec) {
  run *r = calloc(1, sizeof *r);
  rup_vdec_stats st;
  assert_non_null(r);
  run_capture(r, name, codec, 0);
  rup__vdec_stats(r->vd, &st);
  int incomplete = 0, refmiss = 0, broken = 0, episodes = 0;
  for (int i = 0; i < r->nfr; i++) {
    const rup_vdec_frame *f = &r->fr[i];
    /* The decoder and the packet model agree on every frame. */
    assert_int_equal(f->model_decoded, f->status == RUP_VDEC_OK);
    assert_true(f->status != RUP_VDEC_ERROR && f->status != RUP_VDEC_CORRUPT);
    if (f->lost_before && !broken) episodes++, broken = 1;
    if (f->status == RUP_VDEC_INCOMPLETE) {
      incomplete++;
      if (!broken) episodes++;
      broken = 1;
    } else if (f->status == RUP_VDEC_REF_MISSING) {
      refmiss++;
      assert_true(broken);      /* only after a loss */
    } else if (broken) {
      assert_true(f->keyframe); /* the chain comes back only with a keyframe */
      broken = 0;
    }
  }
  assert_true(episodes >= 1);
  assert_true(incomplete + st.frames_lost >= 1);
  assert_true(refmiss >= 1);    /* complete P-frames that the decoder could not decode */
  assert_int_equal(st.disagree_model_ok + st.disagree_decoder_ok, 0);
  assert_int_equal(st.frames_decoded, r->v.st.frames_decoded);
  assert_int_equal(st.frozen_count, 0); /* moving content: no frozen content */
  assert_true(st.frames_shown > 50);
  assert_true(st.memory_bytes > 0);
  run_free(r);
}

static void test_vp8_loss_until_keyframe(void **state) {
  (void)state;
  check_loss_until_keyframe("decode_vp8_loss.pcap", RUP_CODEC_VP8);
}

static void test_vp9_loss_until_keyframe(void **state) {
  (void)state;
  check_loss_until_keyframe("decode_vp9_loss.pcap", RUP_CODEC_VP9);
}

/* ---------- video: stuck camera ---------- */

static void check_frozen(const char *name, const char *truth, int codec) {
  run *r = calloc(1, sizeof *r);
  size_t jl;
  char *json = (char *)rt_read_file(rt_data(truth), &jl);
  rup_vdec_stats st;
  assert_non_null(r);
  assert_non_null(json);
  double fps = truth_num(json, "fps");
  double start_s = truth_num(json, "rupture_start_s"), end_s = truth_num(json, "rupture_end_s");
  run_capture(r, name, codec, 0);
  rup__vdec_stats(r->vd, &st);
  int begins = 0, ends = 0;
  const rup_imp *b = NULL, *e = NULL;
  for (int i = 0; i < r->nimp; i++) {
    if (!(r->imps[i].evidence & RUP_EVID_FROZEN_CONTENT)) continue;
    if (r->phases[i] == 0) begins++, b = &r->imps[i];
    else ends++, e = &r->imps[i];
  }
  assert_int_equal(begins, 1);
  assert_int_equal(ends, 1);
  double frame_s = 1.0 / fps;
  double got_start = (double)(b->start_us - r->t0) / 1e6, got_end = (double)(e->end_us - r->t0) / 1e6;
  if (getenv("RUP_TEST_VERBOSE"))
    printf("%s: frozen %.3f .. %.3f detected %.3f (truth %.3f .. %.3f)\n", name, got_start, got_end,
           (double)(b->detected_us - r->t0) / 1e6, start_s, end_s);
  assert_true(fabs(got_start - start_s) <= frame_s);     /* within one frame of the truth */
  assert_true(fabs(got_end - end_s) <= frame_s);
  assert_true(b->detected_us - b->start_us >= 1000000);  /* the documented minimum */
  assert_true(b->detected_us - b->start_us <= 1000000 + (int64_t)(frame_s * 1e6) + 1);
  assert_int_equal(st.frozen_count, 1);
  assert_true(st.frozen_duration_s > 2.5 && st.frozen_duration_s < 3.5);
  assert_true(st.frames_repeated >= (uint64_t)(2.5 * fps));
  free(json);
  run_free(r);
}

static void test_vp8_frozen_content(void **state) {
  (void)state;
  check_frozen("decode_vp8_freeze.pcap", "decode_vp8_freeze.truth.json", RUP_CODEC_VP8);
}

static void test_vp9_frozen_content(void **state) {
  (void)state;
  check_frozen("decode_vp9_freeze.pcap", "decode_vp9_freeze.truth.json", RUP_CODEC_VP9);
}

/* ---------- audio ---------- */

/* Parse "remote": [[a,b],...] from the truth's "speech" object. */
static int truth_speech(const char *json, double *out, int max) {
  const char *p = strstr(json, "\"speech\":");
  assert_non_null(p);
  p = strstr(p, "\"remote\":");
  assert_non_null(p);
  p = strchr(p, '[');
  int n = 0;
  while (p && *p && n < max) {
    const char *q = strchr(p + 1, '[');
    const char *end = strchr(p + 1, ']');
    if (!q || (end && end < q)) break;
    char *x;
    out[2 * n] = strtod(q + 1, &x);
    out[2 * n + 1] = strtod(x + 1, &x);
    n++;
    p = x;
  }
  return n;
}

static void test_opus_concealment_and_vad(void **state) {
  (void)state;
  run *r = calloc(1, sizeof *r);
  size_t jl;
  char *json = (char *)rt_read_file(rt_data("decode_opus_loss.truth.json"), &jl);
  static double speech[2 * MAX_TRUTH];
  rup_adec_stats st;
  assert_non_null(r);
  assert_non_null(json);
  r->nspeech = truth_speech(json, speech, MAX_TRUTH);
  r->speech = speech;
  assert_true(r->nspeech >= 3);
  /* send -> playout: the synth's 30 ms base delay + the 40 ms target of a clean path */
  r->vad_offset_us = 70000;
  run_capture(r, "decode_opus_loss.pcap", 0, 1);
  rup__adec_stats(r->ad, &st);
  uint64_t model = r->a.st.concealed_samples;
  if (getenv("RUP_TEST_VERBOSE"))
    printf("model concealed %llu decoder concealed %llu plc %llu fec %llu played %llu decoded %llu errors %llu "
           "speech %.3f s (model %.3f) level %.1f dBFS VAD agreement %d/%d\n",
           (unsigned long long)model, (unsigned long long)st.concealed_samples, (unsigned long long)st.plc_samples,
           (unsigned long long)st.fec_samples, (unsigned long long)st.played_samples,
           (unsigned long long)st.packets_decoded, (unsigned long long)st.decode_errors,
           (double)st.speech_samples / 48000.0, r->a.st.speech_duration_s, st.speech_level_dbfs, r->vad_agree,
           r->vad_total);
  /* Loss only (DTX off): what the decoder synthesised matches the packet model within 5 %. */
  assert_true(model > 48000 / 10);
  assert_true(fabs((double)st.plc_samples - (double)model) <= 0.05 * (double)model); /* libopus output */
  assert_true(fabs((double)st.concealed_samples - (double)model) <= 0.05 * (double)model);
  /* The audio model's output hook covers every output sample exactly once. */
  assert_int_equal(st.played_samples + st.concealed_samples + st.fec_samples + st.cn_samples + st.muted_samples,
                   r->a.st.total_samples_received);
  assert_int_equal(st.decode_errors, 0);
  assert_int_equal(st.packets_missing, 0);
  assert_true(st.played_samples > 48000 * 5);
  /* VAD from the decoded signal against the truth's talk schedule. */
  assert_true(r->vad_total > 200);
  assert_true(r->vad_agree >= r->vad_total * 9 / 10);
  assert_true(st.speech_level_dbfs < -10 && st.speech_level_dbfs > -45);
  /* speech_between: a whole talk interval (shifted to playout) is mostly speech, a gap is not. */
  double best = 0;
  for (int i = 0; i < r->nspeech; i++) {
    double a = speech[2 * i], b = speech[2 * i + 1];
    if (b - a < 1.0 || b > 11.0) continue;
    int64_t t0 = r->t0 + (int64_t)(a * 1e6) + r->vad_offset_us, t1 = r->t0 + (int64_t)(b * 1e6) + r->vad_offset_us;
    double sp = rup__adec_speech_between(r->ad, t0, t1);
    if (sp / (b - a) > best) best = sp / (b - a);
  }
  assert_true(best > 0.8);
  free(json);
  run_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_store),
      cmocka_unit_test(test_vp8_loss_until_keyframe),
      cmocka_unit_test(test_vp9_loss_until_keyframe),
      cmocka_unit_test(test_vp8_frozen_content),
      cmocka_unit_test(test_vp9_frozen_content),
      cmocka_unit_test(test_opus_concealment_and_vad),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
