/* lib/decode: ground truth from real decoders (DESIGN.md §2, docs/decode.md).
 * Optional layer, compiled when the `decode` meson feature finds libopus and
 * libvpx (RUP_HAVE_DECODE=1). It sits between media and detect: the media
 * models decide *when* each audio frame plays / is concealed and each video
 * frame is released; this layer decodes exactly those payloads in that order
 * and reports what the decoder really produced. Knows nothing of the session.
 *
 * Use (per stream, the session owns the objects):
 *   rup_adec *ad; rup__adec_new(&ad, mem, clock_rate);
 *   rup__adec_attach(ad, &audio_model);          -- sets audio_model.on_out
 *   for each RTP packet: rup__adec_packet(ad, ext_seq, &rtp) BEFORE rup__audio_packet()
 *   rup__adec_stats(ad, &st); rup__adec_speech_between(ad, t0, t1); rup__adec_free(ad);
 *
 *   rup_vdec *vd; rup__vdec_new(&vd, mem, codec, &params);
 *   rup__vdec_attach(vd, &video_model, &sink);   -- sets video_model.on_frame
 *   for each RTP packet: rup__vdec_packet(vd, ext_seq, &rtp) BEFORE rup__video_packet()
 *   rup__vdec_finish(vd, now_us) after rup__video_finish(); rup__vdec_free(vd);
 *
 * Without RUP_HAVE_DECODE every constructor returns RUP_ERR_UNSUPPORTED and
 * the rest are no-ops, so callers need no #ifdef. */
#ifndef RUP_DECODE_H
#define RUP_DECODE_H

#include "media/audio.h"
#include "media/video.h"

/* Frozen content (the decoded picture stopped changing while frames kept arriving)
 * is reported as a RUP_IMP_FREEZE with evidence RUP_EVID_FROZEN_CONTENT (media.h). */

/* ---- shared: bounded payload store (direct-mapped by extended seq + byte ring) ---- */
typedef struct rup_pkt_ref {
  uint64_t ext_seq;
  uint64_t off;       /* absolute byte position in the ring (wpos at write) */
  uint32_t len;
  uint32_t used;
} rup_pkt_ref;

typedef struct rup_pktstore {
  rup_pkt_ref *slots;
  uint32_t nslots;    /* power of two */
  uint8_t *ring;
  size_t cap;
  uint64_t wpos;      /* total bytes written (absolute) */
  uint64_t overwritten; /* packets lost to ring / slot reuse before use (counted by the users) */
} rup_pktstore;

int rup__pktstore_init(rup_pktstore *s, const rup_mem *mem, uint32_t nslots, size_t cap);
void rup__pktstore_free(rup_pktstore *s, const rup_mem *mem);
/* Store a copy; a payload larger than cap/4 is not stored (later: missing). */
void rup__pktstore_put(rup_pktstore *s, uint64_t ext_seq, const uint8_t *p, size_t len);
/* The payload of ext_seq if still held, else NULL. */
const uint8_t *rup__pktstore_get(const rup_pktstore *s, uint64_t ext_seq, size_t *len);
size_t rup__pktstore_bytes(const rup_pktstore *s);

/* ---- audio (Opus, libopus) ---- */
#define RUP_ADEC_BLOCK 960          /* VAD analysis block: 20 ms at 48 kHz */
#define RUP_ADEC_SPEECH_SEGS 32     /* recent closed speech segments kept (as the audio model) */

typedef struct rup_adec_stats {
  uint64_t packets_decoded;     /* opus_decode() of a received packet succeeded */
  uint64_t decode_errors;       /* opus_decode() refused the packet: its frame was concealed instead */
  uint64_t packets_missing;     /* the model played a packet whose payload was no longer stored */
  uint64_t played_samples;      /* clock-rate samples decoded from packets and played */
  uint64_t concealed_samples;   /* samples synthesised by PLC where no packet data was decoded
                                   (model concealment - FEC recovered + decode errors - reclassified) */
  uint64_t plc_samples;         /* samples libopus actually synthesised for concealment (48 kHz) */
  uint64_t fec_samples;         /* lost frames recovered from the next packet's in-band FEC (LBRR) */
  uint64_t cn_samples;          /* comfort noise (DTX / sender silence) */
  uint64_t muted_samples;
  uint64_t synth_skipped_samples; /* concealment / CN beyond max_synth_us: counted, not synthesised */
  uint64_t speech_samples;      /* VAD active (decoded energy, hangover) */
  uint64_t talkspurts;          /* VAD silence -> speech transitions */
  double speech_level_dbfs;     /* mean energy of speech blocks, dBFS; 0 when none */
  double peak_level_dbfs;       /* loudest 20 ms block, dBFS (-inf as -200 when none) */
  uint32_t clock_rate;
  size_t memory_bytes;          /* this object + libopus decoder state + payload store */
} rup_adec_stats;

typedef struct rup_adec rup_adec;

int rup__adec_new(rup_adec **out, const rup_mem *mem, uint32_t clock_rate);
void rup__adec_free(rup_adec *d);
/* Chain onto the audio model's output hook (replaces a->on_out). */
void rup__adec_attach(rup_adec *d, rup_audio *a);
/* Keep the payload of every RTP packet (call before rup__audio_packet). */
void rup__adec_packet(rup_adec *d, uint64_t ext_seq, const rup_rtp *rtp);
/* The output hook itself (exposed for callers that chain hooks). */
void rup__adec_on_out(void *ctx, const rup_audio_out *o);
/* End of input: close the open speech segment at now_us (playout time). */
void rup__adec_finish(rup_adec *d, int64_t now_us);
void rup__adec_stats(const rup_adec *d, rup_adec_stats *out);
/* VAD from the decoded signal: 1 speaking at the current playout position, 0 not, -1 nothing decoded yet. */
int rup__adec_speaking(const rup_adec *d);
/* Seconds of decoded speech on the playout timeline within [t0, t1) (recent
 * RUP_ADEC_SPEECH_SEGS segments + the open one); -1 if nothing was decoded.
 * Same contract as rup__audio_speech_between(), for "speech missed" without RFC 6464. */
double rup__adec_speech_between(const rup_adec *d, int64_t t0_us, int64_t t1_us);
/* VAD parameters (docs/decode.md §3). */
#define RUP_ADEC_VAD_DBFS (-50.0)      /* block RMS above this = voice energy */
#define RUP_ADEC_VAD_HANGOVER 10       /* blocks (200 ms) kept active after the last loud block */
#define RUP_ADEC_MAX_SYNTH_US 1000000  /* synthesise at most 1 s per concealment / CN run */

/* ---- video (VP8 / VP9, libvpx) ---- */
typedef enum rup_vdec_status {
  RUP_VDEC_OK = 0,          /* decoded from intact references */
  RUP_VDEC_INCOMPLETE = 1,  /* packets missing: not given to the decoder */
  RUP_VDEC_REF_MISSING = 2, /* decoded, but from a reference that was lost or itself bad */
  RUP_VDEC_ERROR = 3,       /* vpx_codec_decode() failed */
  RUP_VDEC_CORRUPT = 4      /* the decoder flagged the frame corrupt (VP8D_GET_FRAME_CORRUPTED) */
} rup_vdec_status;

typedef struct rup_vdec_frame {
  int64_t ext_ts;
  int64_t render_us;        /* the model's release time */
  int model_decoded;        /* the packet model's verdict */
  int status;               /* rup_vdec_status */
  int shown;                /* the decoder output a picture (status OK) */
  int keyframe;
  int lost_before;          /* whole frames were lost just before this one (sequence gap) */
  int repeated;             /* shown and the same picture (thumbnail) as the run's anchor */
  int uniform;              /* near-uniform picture (black / covered camera) */
  double mad;               /* mean |diff| of the 32x18 luma thumbnail vs the anchor (-1 first) */
  double max_diff;          /* largest thumbnail block difference vs the anchor (-1 first); the
                               anchor is the last picture that was not a repeat */
  uint32_t bytes;           /* depacketized frame size */
} rup_vdec_frame;

typedef void (*rup_vdec_frame_fn)(void *ctx, const rup_vdec_frame *f);

typedef struct rup_vdec_params {
  int64_t frozen_min_us;    /* identical pictures for this long = frozen content (default 1 s) */
  double frozen_max_diff;   /* largest thumbnail block difference <= this = same picture (default 8 luma levels) */
  size_t ring_bytes;        /* payload store (default 4 MiB) */
  uint32_t ring_slots;      /* packets indexed (power of two, default 4096) */
  size_t max_frame_bytes;   /* largest frame decoded (default 1 MiB) */
} rup_vdec_params;

void rup__vdec_params_default(rup_vdec_params *p);

typedef struct rup_vdec_stats {
  uint64_t frames;              /* frames released by the model */
  uint64_t frames_decoded;      /* RUP_VDEC_OK: decoded from intact references (decode-verified) */
  uint64_t frames_shown;        /* OK frames that produced a picture */
  uint64_t frames_incomplete;
  uint64_t frames_ref_missing;
  uint64_t frames_errors;
  uint64_t frames_corrupt;
  uint64_t frames_lost;         /* frames never seen (sequence gap between frames) */
  uint64_t keyframes;
  uint64_t disagree_model_ok;   /* model decoded, decoder not */
  uint64_t disagree_decoder_ok; /* decoder decoded, model not */
  uint64_t frames_repeated;     /* shown pictures identical to the previous one */
  uint64_t frozen_count;        /* frozen-content runs >= frozen_min_us */
  double frozen_duration_s;     /* their total (first repeated frame .. first changed frame) */
  uint64_t uniform_frames;      /* near-uniform pictures (black / covered camera; observation only) */
  uint16_t width, height;
  size_t memory_bytes;          /* this object + store + frame buffer + libvpx estimate */
} rup_vdec_stats;

typedef struct rup_vdec rup_vdec;

int rup__vdec_new(rup_vdec **out, const rup_mem *mem, int codec, const rup_vdec_params *p);
void rup__vdec_free(rup_vdec *d);
/* Hook onto the video model (sets v->on_frame); frozen-content impairments go to sink. */
void rup__vdec_attach(rup_vdec *d, rup_video *v, const rup_imp_sink *sink);
void rup__vdec_packet(rup_vdec *d, uint64_t ext_seq, const rup_rtp *rtp);
/* The rup_video_frame_fn itself (for callers that chain hooks). */
void rup__vdec_on_frame(void *ctx, const rup_video_frame *f, int decoded, int64_t release_us);
/* Optional per-frame log (tests, researchers). */
void rup__vdec_set_frame_log(rup_vdec *d, rup_vdec_frame_fn fn, void *ctx);
/* End of input: close an open frozen-content impairment at now_us. */
void rup__vdec_finish(rup_vdec *d, int64_t now_us);
void rup__vdec_stats(const rup_vdec *d, rup_vdec_stats *out);

#endif
