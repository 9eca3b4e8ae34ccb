/* lib/decode audio: every Opus stream decoded with libopus in the playout
 * order the audio model decides (docs/decode.md §2-3). Played packets are
 * decoded, missing frames synthesised by the decoder's PLC (opus_decode with
 * no data) or recovered from the next packet's in-band FEC; the decoded
 * signal gives speech energy and a voice-activity decision. */
#include "decode/decode.h"

#if defined(RUP_HAVE_DECODE) && RUP_HAVE_DECODE

#include <math.h>
#include <opus/opus.h>

#define FS 48000                 /* decode rate: Opus RTP clock is always 48 kHz (RFC 7587 §4.1) */
#define MAX_PCM 5760             /* 120 ms at 48 kHz: the longest Opus packet (RFC 6716 §3.2.5) */
#define PLC_STEP 120             /* PLC frame sizes are multiples of 2.5 ms (libopus opus_decode) */
#define STORE_SLOTS 256u
#define STORE_BYTES (128u * 1024u)

struct rup_adec {
  const rup_mem *mem;
  OpusDecoder *dec;
  size_t dec_bytes;
  uint32_t clock;
  rup_pktstore store;
  opus_int16 pcm[MAX_PCM];
  /* VAD analysis (20 ms blocks on the playout timeline) */
  double blk_energy;
  uint32_t blk_n;
  int64_t blk_start_us;
  int have_output, active, hang;
  int64_t speech_since_us, pos_us;
  rup_audio_seg segs[RUP_ADEC_SPEECH_SEGS];
  unsigned nsegs, seg_pos;
  double speech_energy;
  uint64_t speech_blocks;
  double peak_energy;
  /* current run of non-played output */
  int prev_what;
  uint64_t run_concealed, run_speech, run_synth;
  int64_t run_start_us;
  rup_adec_stats st;
};

static uint64_t to48(const rup_adec *d, uint64_t n) { return n * FS / d->clock; }
static uint64_t from48(const rup_adec *d, uint64_t n) { return n * d->clock / FS; }
static int64_t us_of(uint64_t n48) { return (int64_t)(n48 * 1000000u / FS); }

/* ---- speech segments (same bookkeeping as the audio model, docs/audio-model.md §8) ---- */

static void speech_on(rup_adec *d, int64_t t) {
  if (d->active) return;
  d->active = 1;
  d->speech_since_us = t;
  d->st.talkspurts++;
}

static void speech_off(rup_adec *d, int64_t t) {
  if (!d->active) return;
  d->active = 0;
  d->hang = 0;
  if (t > d->speech_since_us) {
    d->segs[d->seg_pos].start_us = d->speech_since_us;
    d->segs[d->seg_pos].end_us = t;
    d->seg_pos = (d->seg_pos + 1) % RUP_ADEC_SPEECH_SEGS;
    if (d->nsegs < RUP_ADEC_SPEECH_SEGS) d->nsegs++;
  }
}

/* One 20 ms block decided: energy threshold with hangover (docs/decode.md §3). */
static void block_done(rup_adec *d) {
  double mean = d->blk_n ? d->blk_energy / d->blk_n : 0.0;
  double dbfs = mean > 0 ? 10.0 * log10(mean / (32768.0 * 32768.0)) : -200.0;
  if (mean > d->peak_energy) d->peak_energy = mean;
  if (dbfs > RUP_ADEC_VAD_DBFS) {
    speech_on(d, d->blk_start_us);
    d->hang = RUP_ADEC_VAD_HANGOVER;
    d->speech_energy += mean;
    d->speech_blocks++;
  } else if (d->active && d->hang > 0) {
    d->hang--;
  } else {
    speech_off(d, d->blk_start_us);
  }
  if (d->active) d->st.speech_samples += from48(d, d->blk_n);
  d->blk_energy = 0;
  d->blk_n = 0;
}

/* Decoded (or synthesised comfort-noise) samples heard at t. */
static void analyse(rup_adec *d, const opus_int16 *x, uint64_t n, int64_t t) {
  d->have_output = 1;
  for (uint64_t i = 0; i < n; i++) {
    if (d->blk_n == 0) d->blk_start_us = t + us_of(i);
    d->blk_energy += (double)x[i] * (double)x[i];
    if (++d->blk_n == RUP_ADEC_BLOCK) block_done(d);
  }
  d->pos_us = t + us_of(n);
}

/* Nothing audible from t for n48 samples (muted, or beyond the synthesis cap). */
static void silence_span(rup_adec *d, uint64_t n48, int64_t t) {
  d->have_output = 1;
  d->blk_energy = 0;
  d->blk_n = 0;
  speech_off(d, t);
  d->pos_us = t + us_of(n48);
}

/* Concealed: the VAD decision is held (speech before a gap is assumed to go on,
 * as the audio model assumes: the pessimistic reading for "speech missed"). */
static void hold_span(rup_adec *d, uint64_t n48, int64_t t) {
  d->have_output = 1;
  if (d->active) {
    d->st.speech_samples += from48(d, n48);
    d->run_speech += from48(d, n48);
  }
  d->pos_us = t + us_of(n48);
}

/* ---- decoding ---- */

/* PLC (opus_decode with no data) for n48 samples; returns the samples synthesised. */
static uint64_t plc(rup_adec *d, uint64_t n48) {
  uint64_t done = 0;
  while (done < n48) {
    if (d->run_synth >= (uint64_t)RUP_ADEC_MAX_SYNTH_US * FS / 1000000u) break; /* long gap: count only */
    uint64_t want = n48 - done;
    if (want > MAX_PCM) want = MAX_PCM;
    want = (want + PLC_STEP - 1) / PLC_STEP * PLC_STEP; /* multiple of 2.5 ms */
    int r = opus_decode(d->dec, NULL, 0, d->pcm, (int)want, 0);
    if (r <= 0) break;
    uint64_t got = (uint64_t)r > n48 - done ? n48 - done : (uint64_t)r;
    done += got;
    d->run_synth += got;
  }
  return done;
}

/* RFC 6716 §4.2.3-4.2.4: a SILK or hybrid frame starts with one VAD flag per
 * 20 ms SILK frame, then the LBRR (in-band FEC) flag; they are coded with
 * probability 1/2, i.e. they are the top bits of the first byte. Only code-0
 * packets (one Opus frame) are inspected; others report no FEC. */
static int has_lbrr(const uint8_t *p, size_t len) {
  if (len < 2) return 0;
  uint8_t toc = p[0];
  unsigned config = toc >> 3;
  if (config >= 16 || (toc & 3) != 0) return 0;   /* CELT only (configs 16-31), or several frames */
  static const unsigned silk_ms[4] = {10, 20, 40, 60};
  unsigned ms = config < 12 ? silk_ms[config & 3] : ((config & 1) ? 20 : 10);
  unsigned nframes = ms <= 20 ? 1 : ms / 20;
  return (p[1] >> (7 - nframes)) & 1;
}

static void on_played(rup_adec *d, const rup_audio_out *o) {
  const rup_audio_pkt *pk = o->pkt;
  uint64_t n48 = to48(d, o->samples);
  size_t len = 0;
  const uint8_t *p = pk ? rup__pktstore_get(&d->store, pk->ext_seq, &len) : NULL;
  int r = -1;
  if (!p) d->st.packets_missing++;
  else if (len > 0) r = opus_decode(d->dec, p, (opus_int32)len, d->pcm, MAX_PCM, 0);
  if (p && r < 0) d->st.decode_errors++;
  if (r < 0) { /* nothing decodable: the decoder conceals this frame */
    d->run_synth = 0;
    uint64_t got = plc(d, n48);
    d->st.plc_samples += got;
    d->st.synth_skipped_samples += from48(d, n48 - got);
    d->st.concealed_samples += o->samples;
    hold_span(d, n48, o->play_us);
    return;
  }
  d->st.packets_decoded++;
  uint64_t got = (uint64_t)r, skip = got > n48 ? got - n48 : 0; /* overlap already played */
  if (len <= 2) d->st.cn_samples += o->samples;  /* REFERENCE §7.1: <= 2-byte DTX packet */
  else d->st.played_samples += o->samples;
  analyse(d, d->pcm + skip, got - skip, o->play_us);
  d->run_synth = 0;
}

static void on_concealed(rup_adec *d, const rup_audio_out *o) {
  uint64_t n48 = to48(d, o->samples), f = 0, rec = 0;
  const rup_audio_pkt *nx = o->pkt;
  const uint8_t *fp = NULL;
  size_t flen = 0;
  if (d->prev_what != RUP_AUDIO_OUT_CONCEALED) {
    d->run_concealed = d->run_speech = d->run_synth = 0;
    d->run_start_us = o->play_us;
  }
  /* In-band FEC: the next packet, already here and starting right after this gap,
   * carries the last lost frame (RFC 6716 §2.1.7; libopus opus_decode decode_fec = 1). */
  if (nx && nx->ts == o->ts + (int64_t)o->samples) {
    fp = rup__pktstore_get(&d->store, nx->ext_seq, &flen);
    f = to48(d, nx->samples);
    if (f > n48) f = n48;
    f = f / PLC_STEP * PLC_STEP;
    if (!fp || !has_lbrr(fp, flen)) f = 0;
  }
  uint64_t got = plc(d, n48 - f);
  d->st.plc_samples += got;
  d->st.synth_skipped_samples += from48(d, n48 - f - got);
  hold_span(d, n48 - f, o->play_us);
  if (f) {
    int r = opus_decode(d->dec, fp, (opus_int32)flen, d->pcm, (int)f, 1);
    if (r > 0) {
      rec = (uint64_t)r > f ? f : (uint64_t)r;
      analyse(d, d->pcm, rec, o->play_us + us_of(n48 - f));
      d->run_synth = 0;
    } else {
      got = plc(d, f);
      d->st.plc_samples += got;
      d->st.synth_skipped_samples += from48(d, f - got);
      hold_span(d, f, o->play_us + us_of(n48 - f));
    }
  }
  uint64_t fec = from48(d, rec);
  d->st.fec_samples += fec;
  d->st.concealed_samples += o->samples - fec;
  d->run_concealed += o->samples - fec;
}

void rup__adec_on_out(void *ctx, const rup_audio_out *o) {
  rup_adec *d = ctx;
  if (!d || !o) return;
  switch (o->what) {
  case RUP_AUDIO_OUT_PLAYED:
    on_played(d, o);
    break;
  case RUP_AUDIO_OUT_CONCEALED:
    on_concealed(d, o);
    break;
  case RUP_AUDIO_OUT_CN: {
    uint64_t n48 = to48(d, o->samples), got = 0, off = 0;
    if (d->prev_what != RUP_AUDIO_OUT_CN) d->run_synth = 0;
    /* Comfort noise: libopus continues its own PLC / CNG with no data, as NetEq asks it to. */
    while (off < n48) {
      uint64_t want = n48 - off > MAX_PCM ? MAX_PCM : n48 - off;
      got = plc(d, want);
      if (got == 0) break;
      analyse(d, d->pcm, got, o->play_us + us_of(off));
      off += got;
    }
    if (off < n48) silence_span(d, n48 - off, o->play_us + us_of(off));
    d->st.synth_skipped_samples += from48(d, n48 - off);
    d->st.cn_samples += o->samples;
    break;
  }
  case RUP_AUDIO_OUT_MUTED:
    silence_span(d, to48(d, o->samples), o->play_us);
    d->st.muted_samples += o->samples;
    break;
  case RUP_AUDIO_OUT_RECLASSIFIED: { /* the concealment run was sender silence (audio-model §4) */
    uint64_t m = o->samples < d->run_concealed ? o->samples : d->run_concealed;
    d->st.concealed_samples -= m;
    d->st.cn_samples += m;
    d->st.speech_samples -= d->run_speech <= d->st.speech_samples ? d->run_speech : d->st.speech_samples;
    if (d->active) speech_off(d, d->run_start_us > d->speech_since_us ? d->run_start_us : d->speech_since_us);
    d->run_concealed = d->run_speech = 0;
    break;
  }
  default:
    return;
  }
  d->prev_what = o->what;
}

int rup__adec_new(rup_adec **out, const rup_mem *mem, uint32_t clock_rate) {
  if (!out) return RUP_ERR_INVALID_ARGUMENT;
  *out = NULL;
  if (!mem) mem = rup_mem_default();
  rup_adec *d = rup__calloc(mem, sizeof *d);
  if (!d) return RUP_ERR_NOMEM;
  d->mem = mem;
  d->clock = clock_rate ? clock_rate : FS;
  int sz = opus_decoder_get_size(1);
  d->dec = sz > 0 ? rup__malloc(mem, (size_t)sz) : NULL;
  if (!d->dec || opus_decoder_init(d->dec, FS, 1) != OPUS_OK ||
      rup__pktstore_init(&d->store, mem, STORE_SLOTS, STORE_BYTES) != 0) {
    rup__adec_free(d);
    return RUP_ERR_NOMEM;
  }
  d->dec_bytes = (size_t)sz;
  d->st.clock_rate = d->clock;
  *out = d;
  return 0;
}

void rup__adec_free(rup_adec *d) {
  if (!d) return;
  if (d->dec) rup__free(d->mem, d->dec);
  rup__pktstore_free(&d->store, d->mem);
  rup__free(d->mem, d);
}

void rup__adec_attach(rup_adec *d, rup_audio *a) {
  if (!d || !a) return;
  a->on_out = rup__adec_on_out;
  a->on_out_ctx = d;
}

void rup__adec_packet(rup_adec *d, uint64_t ext_seq, const rup_rtp *rtp) {
  if (!d || !rtp || !rtp->payload) return;
  rup__pktstore_put(&d->store, ext_seq, rtp->payload, rtp->payload_len);
}

void rup__adec_finish(rup_adec *d, int64_t now_us) {
  if (!d) return;
  if (d->blk_n) block_done(d);
  speech_off(d, d->pos_us > now_us ? now_us : d->pos_us);
}

void rup__adec_stats(const rup_adec *d, rup_adec_stats *out) {
  if (!out) return;
  memset(out, 0, sizeof *out);
  if (!d) return;
  *out = d->st;
  out->speech_level_dbfs =
      d->speech_blocks && d->speech_energy > 0
          ? 10.0 * log10(d->speech_energy / (double)d->speech_blocks / (32768.0 * 32768.0))
          : 0.0;
  out->peak_level_dbfs = d->peak_energy > 0 ? 10.0 * log10(d->peak_energy / (32768.0 * 32768.0)) : -200.0;
  out->memory_bytes = sizeof *d + d->dec_bytes + rup__pktstore_bytes(&d->store);
}

int rup__adec_speaking(const rup_adec *d) {
  if (!d || !d->have_output) return -1;
  return d->active;
}

static int64_t overlap(int64_t s, int64_t e, int64_t t0, int64_t t1) {
  int64_t lo = s > t0 ? s : t0, hi = e < t1 ? e : t1;
  return hi > lo ? hi - lo : 0;
}

double rup__adec_speech_between(const rup_adec *d, int64_t t0_us, int64_t t1_us) {
  if (!d || !d->have_output) return -1.0;
  int64_t sum = 0;
  for (unsigned i = 0; i < d->nsegs; i++) sum += overlap(d->segs[i].start_us, d->segs[i].end_us, t0_us, t1_us);
  if (d->active) sum += overlap(d->speech_since_us, d->pos_us, t0_us, t1_us);
  return (double)sum / 1e6;
}

#else /* !RUP_HAVE_DECODE: the layer is absent, callers need no #ifdef */

int rup__adec_new(rup_adec **out, const rup_mem *mem, uint32_t clock_rate) {
  (void)mem;
  (void)clock_rate;
  if (out) *out = NULL;
  return RUP_ERR_UNSUPPORTED;
}
void rup__adec_free(rup_adec *d) { (void)d; }
void rup__adec_attach(rup_adec *d, rup_audio *a) { (void)d; (void)a; }
void rup__adec_packet(rup_adec *d, uint64_t ext_seq, const rup_rtp *rtp) { (void)d; (void)ext_seq; (void)rtp; }
void rup__adec_on_out(void *ctx, const rup_audio_out *o) { (void)ctx; (void)o; }
void rup__adec_finish(rup_adec *d, int64_t now_us) { (void)d; (void)now_us; }
void rup__adec_stats(const rup_adec *d, rup_adec_stats *out) {
  (void)d;
  if (out) memset(out, 0, sizeof *out);
}
int rup__adec_speaking(const rup_adec *d) { (void)d; return -1; }
double rup__adec_speech_between(const rup_adec *d, int64_t t0_us, int64_t t1_us) {
  (void)d;
  (void)t0_us;
  (void)t1_us;
  return -1.0;
}

#endif
