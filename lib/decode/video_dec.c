/* lib/decode video: VP8 / VP9 decoded with libvpx in the order the video
 * model releases frames (docs/decode.md §4-5). Each complete frame is
 * depacketized (RFC 7741 §4 / RFC 9628 §4: the payloads after their
 * descriptors, concatenated), decoded, and its references checked: a frame
 * decoded from a reference that was lost (or itself decoded from one) is
 * counted as undecodable until a keyframe restores the chain. Decoded
 * pictures are compared through a 32x18 luma thumbnail to find frozen
 * content (the sender keeps sending the same picture). */
#include "decode/decode.h"

void rup__vdec_params_default(rup_vdec_params *p) {
  if (!p) return;
  p->frozen_min_us = 1000000;   /* docs/decode.md §5: 1 s of identical pictures */
  p->frozen_max_diff = 8.0;     /* docs/decode.md §5: measured, stuck camera <= 5.6 (keyframe re-encode), motion >= 19 */
  p->ring_bytes = 4u << 20;
  p->ring_slots = 4096;
  p->max_frame_bytes = 1u << 20;
}

#if defined(RUP_HAVE_DECODE) && RUP_HAVE_DECODE

#include <math.h>
#include <vpx/vp8dx.h>
#include <vpx/vpx_decoder.h>

#define TH_W 32
#define TH_H 18
#define TH_N (TH_W * TH_H)
#define VP8_ALL_REFS 7u          /* VP8_LAST_FRAME | VP8_GOLD_FRAME | VP8_ALTR_FRAME (vpx/vp8.h) */
#define VP9_ALL_REFS 0xFFu       /* VP9: 8 reference slots (VP9 spec §7.2 refresh_frame_flags) */
#define GAP_SCAN 256             /* sequence gap between frames scanned for padding-only packets */
#define UNIFORM_RANGE 8.0        /* thumbnail max - min <= this: near-uniform picture */

struct rup_vdec {
  const rup_mem *mem;
  int codec;
  rup_vdec_params p;
  vpx_codec_ctx_t ctx;
  int ctx_ok;
  rup_pktstore store;
  uint8_t *fbuf;
  rup_imp_sink sink;
  rup_vdec_frame_fn log_fn;
  void *log_ctx;
  unsigned valid;                /* reference buffers holding intact pictures (bit mask) */
  int have_prev;
  uint64_t prev_last_seq;
  float thumb[TH_N];
  float anchor[TH_N];            /* the picture a run of repeated pictures repeats */
  int64_t anchor_us;             /* its render time */
  int have_thumb;
  int run;                       /* identical pictures since run_start_us */
  int64_t run_start_us;
  int frozen_open;
  rup_imp frozen;
  int64_t last_shown_us;
  rup_vdec_stats st;
};

/* ---- VP9 uncompressed header (VP9 bitstream spec §6.2) ---- */

typedef struct vp9_hdr {
  int key, show_existing, intra_only;
  unsigned refresh;              /* refresh_frame_flags */
  unsigned refs;                 /* slots read: ref_frame_idx[0..2], or frame_to_show_map_idx */
} vp9_hdr;

typedef struct bitrd { const uint8_t *p; size_t len, pos; int bad; } bitrd;

static unsigned rd(bitrd *b, unsigned n) {
  unsigned v = 0;
  while (n--) {
    if (b->pos >= b->len * 8) {
      b->bad = 1;
      return 0;
    }
    v = (v << 1) | ((b->p[b->pos >> 3] >> (7 - (b->pos & 7))) & 1u);
    b->pos++;
  }
  return v;
}

static int vp9_parse(const uint8_t *p, size_t len, vp9_hdr *h) {
  bitrd b = {p, len, 0, 0};
  memset(h, 0, sizeof *h);
  if (rd(&b, 2) != 2) return -1;                 /* frame_marker */
  unsigned lo = rd(&b, 1), hi = rd(&b, 1), profile = (hi << 1) | lo;
  if (profile == 3) rd(&b, 1);                    /* reserved_zero */
  if (rd(&b, 1)) {                                /* show_existing_frame */
    h->show_existing = 1;
    h->refs = 1u << rd(&b, 3);                    /* frame_to_show_map_idx */
    return b.bad ? -1 : 0;
  }
  unsigned frame_type = rd(&b, 1), show_frame = rd(&b, 1), error_res = rd(&b, 1);
  if (frame_type == 0) {                          /* KEY_FRAME */
    h->key = 1;
    h->refresh = VP9_ALL_REFS;
    return b.bad ? -1 : 0;
  }
  h->intra_only = show_frame ? 0 : (int)rd(&b, 1);
  if (!error_res) rd(&b, 2);                      /* reset_frame_context */
  if (h->intra_only) {
    if (rd(&b, 24) != 0x498342) return -1;        /* frame_sync_code */
    if (profile > 0) {                            /* color_config() */
      if (profile >= 2) rd(&b, 1);                /* ten_or_twelve_bit */
      unsigned cs = rd(&b, 3);
      if (cs != 7) {                              /* != CS_RGB */
        rd(&b, 1);                                /* color_range */
        if (profile == 1 || profile == 3) rd(&b, 3); /* subsampling_x, _y, reserved_zero */
      } else if (profile == 1 || profile == 3) {
        rd(&b, 1);
      }
    }
    h->refresh = rd(&b, 8);
    return b.bad ? -1 : 0;
  }
  h->refresh = rd(&b, 8);
  for (int i = 0; i < 3; i++) {
    h->refs |= 1u << rd(&b, 3);                   /* ref_frame_idx[i] */
    rd(&b, 1);                                    /* ref_frame_sign_bias */
  }
  return b.bad ? -1 : 0;
}

/* Apply the VP9 frames of one picture (superframe index, VP9 spec Annex B) to
 * the reference validity in decoding order; returns 1 if any frame read a bad slot. */
static int vp9_refs(rup_vdec *d, const uint8_t *p, size_t len, int ok, int *key) {
  size_t sizes[8], n = 0;
  uint8_t m = len ? p[len - 1] : 0;
  if ((m & 0xE0) == 0xC0) {
    size_t frames = (size_t)(m & 7) + 1, mag = (size_t)((m >> 3) & 3) + 1, isz = 2 + mag * frames;
    if (isz <= len && p[len - isz] == m) {
      const uint8_t *x = p + len - isz + 1;
      size_t total = 0;
      for (size_t i = 0; i < frames; i++) {
        size_t s = 0;
        for (size_t j = 0; j < mag; j++) s |= (size_t)x[i * mag + j] << (8 * j);
        sizes[n++] = s;
        total += s;
      }
      if (total > len - isz) n = 0;
    }
  }
  if (n == 0) sizes[n++] = len;
  int bad_any = 0;
  size_t off = 0;
  *key = 0;
  for (size_t i = 0; i < n; i++) {
    vp9_hdr h;
    if (vp9_parse(p + off, sizes[i], &h) != 0) {
      d->valid = 0;
      return 1;
    }
    off += sizes[i];
    if (h.key) *key = 1;
    int bad = !ok || (h.refs & ~d->valid) != 0;
    if (bad) {
      d->valid &= ~h.refresh;
      bad_any = 1;
    } else {
      d->valid |= h.refresh;
    }
  }
  return bad_any;
}

/* ---- thumbnails (docs/decode.md §5) ---- */

/* Mean luma of each of the 32x18 blocks, sampling every 2nd pixel of every 2nd row. */
static void thumbnail(const vpx_image_t *img, float *out) {
  unsigned w = img->d_w, h = img->d_h;
  const uint8_t *y = img->planes[VPX_PLANE_Y];
  int stride = img->stride[VPX_PLANE_Y];
  for (unsigned by = 0; by < TH_H; by++) {
    unsigned y0 = by * h / TH_H, y1 = (by + 1) * h / TH_H;
    for (unsigned bx = 0; bx < TH_W; bx++) {
      unsigned x0 = bx * w / TH_W, x1 = (bx + 1) * w / TH_W;
      uint32_t sum = 0, n = 0;
      for (unsigned r = y0; r < y1; r += 2) {
        const uint8_t *row = y + (size_t)r * (size_t)stride;
        for (unsigned c = x0; c < x1; c += 2) sum += row[c], n++;
      }
      out[by * TH_W + bx] = n ? (float)sum / (float)n : 0.0f;
    }
  }
}

static void frozen_close(rup_vdec *d, int64_t t) {
  if (d->frozen_open) {
    d->frozen.end_us = t > d->frozen.detected_us ? t : d->frozen.detected_us;
    d->st.frozen_count++;
    d->st.frozen_duration_s += (double)(d->frozen.end_us - d->frozen.start_us) / 1e6;
    rup__imp_emit(&d->sink, &d->frozen, 1);
    d->frozen_open = 0;
  }
  d->run = 0;
}

static void picture(rup_vdec *d, const vpx_image_t *img, int64_t t, rup_vdec_frame *fr) {
  float th[TH_N];
  if (img->fmt != VPX_IMG_FMT_I420 && img->fmt != VPX_IMG_FMT_I422 && img->fmt != VPX_IMG_FMT_I444 &&
      img->fmt != VPX_IMG_FMT_I440)
    return; /* high bit depth: not compared */
  if (img->d_w < TH_W * 2 || img->d_h < TH_H * 2) return;
  d->st.width = (uint16_t)img->d_w;
  d->st.height = (uint16_t)img->d_h;
  thumbnail(img, th);
  float lo = th[0], hi = th[0];
  for (unsigned i = 1; i < TH_N; i++) {
    if (th[i] < lo) lo = th[i];
    if (th[i] > hi) hi = th[i];
  }
  fr->uniform = hi - lo <= UNIFORM_RANGE;
  if (fr->uniform) d->st.uniform_frames++;
  if (d->have_thumb) {
    double sum = 0, mx = 0;
    for (unsigned i = 0; i < TH_N; i++) {
      double a = fabs((double)th[i] - (double)d->anchor[i]);
      sum += a;
      if (a > mx) mx = a;
    }
    fr->mad = sum / TH_N;
    fr->max_diff = mx;
    fr->repeated = mx <= d->p.frozen_max_diff; /* docs/decode.md §5: block difference to the anchor */
  }
  memcpy(d->thumb, th, sizeof th);
  if (!fr->repeated) {
    memcpy(d->anchor, th, sizeof th);
    d->anchor_us = t;
  }
  d->have_thumb = 1;
  if (fr->repeated) {
    d->st.frames_repeated++;
    if (!d->run) {
      d->run = 1;
      d->run_start_us = d->anchor_us; /* when the picture that repeats was first shown */
    }
    if (!d->frozen_open && t - d->run_start_us >= d->p.frozen_min_us) {
      /* Live: identical pictures for frozen_min_us while frames keep arriving. */
      rup__imp_begin(&d->frozen, RUP_IMP_FREEZE, RUP_EVID_FROZEN_CONTENT, d->run_start_us, t);
      d->frozen_open = 1;
      rup__imp_emit(&d->sink, &d->frozen, 0);
    }
  } else {
    frozen_close(d, t);
  }
}

/* Concatenate the frame's payloads after their descriptors; -1 if a packet is gone. */
static long depacketize(rup_vdec *d, const rup_video_frame *f) {
  size_t n = 0;
  for (uint64_t s = f->first_seq; s <= f->last_seq; s++) {
    size_t len = 0;
    const uint8_t *p = rup__pktstore_get(&d->store, s, &len);
    rup_video_info vi;
    if (!p) return -1;
    if (len == 0) continue; /* padding-only packet */
    if (rup__video_parse(d->codec, p, len, &vi) != 0 || vi.header_len > len) return -1;
    size_t body = len - vi.header_len;
    if (n + body > d->p.max_frame_bytes) return -1;
    memcpy(d->fbuf + n, p + vi.header_len, body);
    n += body;
  }
  return (long)n;
}

/* Were frames lost whole between the previous released frame and this one? */
static int lost_between(const rup_vdec *d, const rup_video_frame *f) {
  if (!d->have_prev || !f->have_first || f->first_seq <= d->prev_last_seq + 1) return 0;
  if (f->first_seq - d->prev_last_seq - 1 > GAP_SCAN) return 1;
  for (uint64_t s = d->prev_last_seq + 1; s < f->first_seq; s++) {
    size_t len = 1;
    if (!rup__pktstore_get(&d->store, s, &len) || len != 0) return 1; /* not a padding packet */
  }
  return 0;
}

static int decode(rup_vdec *d, const rup_video_frame *f, rup_vdec_frame *fr, const vpx_image_t **img) {
  long n = depacketize(d, f);
  if (n <= 0) {
    d->valid = 0;
    return RUP_VDEC_INCOMPLETE;
  }
  fr->bytes = (uint32_t)n;
  int ok = vpx_codec_decode(&d->ctx, d->fbuf, (unsigned)n, NULL, 0) == VPX_CODEC_OK;
  vpx_codec_iter_t it = NULL;
  const vpx_image_t *im;
  while ((im = vpx_codec_get_frame(&d->ctx, &it)) != NULL) *img = im;
  int corrupt = 0, bad;
  if (ok) vpx_codec_control(&d->ctx, VP8D_GET_FRAME_CORRUPTED, &corrupt);
  if (d->codec == RUP_CODEC_VP8) {
    /* RFC 6386 §9.1: frame tag bit 0 = 0 on a key frame. */
    fr->keyframe = (d->fbuf[0] & 1) == 0;
    int used = 0, upd = 0;
    if (ok) {
      vpx_codec_control(&d->ctx, VP8D_GET_LAST_REF_USED, &used);   /* refs the macroblocks read */
      vpx_codec_control(&d->ctx, VP8D_GET_LAST_REF_UPDATES, &upd); /* refs this frame refreshed */
    }
    if (!ok) {
      d->valid = 0;
      return RUP_VDEC_ERROR;
    }
    bad = fr->keyframe ? 0 : ((unsigned)used & ~d->valid) != 0;
    if (bad || corrupt) d->valid &= ~(unsigned)upd;
    else d->valid |= (unsigned)upd;
  } else {
    int key = 0;
    bad = vp9_refs(d, d->fbuf, (size_t)n, ok, &key);
    fr->keyframe = key;
    if (!ok) {
      d->valid = 0;
      return RUP_VDEC_ERROR;
    }
  }
  if (bad) return RUP_VDEC_REF_MISSING;
  if (corrupt) return RUP_VDEC_CORRUPT;
  return RUP_VDEC_OK;
}

void rup__vdec_on_frame(void *ctx, const rup_video_frame *f, int decoded, int64_t release_us) {
  rup_vdec *d = ctx;
  if (!d || !f) return;
  rup_vdec_frame fr;
  const vpx_image_t *img = NULL;
  memset(&fr, 0, sizeof fr);
  fr.ext_ts = f->ext_ts;
  fr.render_us = release_us;
  fr.model_decoded = decoded;
  fr.mad = fr.max_diff = -1;
  d->st.frames++;
  if (lost_between(d, f)) { /* a whole frame never arrived: what it refreshed is unknown */
    d->st.frames_lost++;
    fr.lost_before = 1;
    d->valid = 0;
  }
  if (f->have_last) {
    d->have_prev = 1;
    d->prev_last_seq = f->last_seq;
  } else {
    d->have_prev = 0;
  }
  if (!f->complete || !f->have_first || !f->have_last || !d->ctx_ok) {
    fr.status = RUP_VDEC_INCOMPLETE;
    if (!f->non_reference) d->valid = 0; /* RFC 7741 N bit: a non-reference loss breaks nothing */
  } else {
    fr.status = decode(d, f, &fr, &img);
  }
  switch (fr.status) {
  case RUP_VDEC_OK: d->st.frames_decoded++; break;
  case RUP_VDEC_INCOMPLETE: d->st.frames_incomplete++; break;
  case RUP_VDEC_REF_MISSING: d->st.frames_ref_missing++; break;
  case RUP_VDEC_ERROR: d->st.frames_errors++; break;
  default: d->st.frames_corrupt++; break;
  }
  if (fr.status == RUP_VDEC_OK && fr.keyframe) d->st.keyframes++;
  if (decoded && fr.status != RUP_VDEC_OK) d->st.disagree_model_ok++;
  if (!decoded && fr.status == RUP_VDEC_OK) d->st.disagree_decoder_ok++;
  if (fr.status == RUP_VDEC_OK && img) {
    fr.shown = 1;
    d->st.frames_shown++;
    d->last_shown_us = release_us;
    picture(d, img, release_us, &fr);
  }
  if (d->log_fn) d->log_fn(d->log_ctx, &fr);
}

int rup__vdec_new(rup_vdec **out, const rup_mem *mem, int codec, const rup_vdec_params *p) {
  if (!out) return RUP_ERR_INVALID_ARGUMENT;
  *out = NULL;
  if (codec != RUP_CODEC_VP8 && codec != RUP_CODEC_VP9) return RUP_ERR_UNSUPPORTED;
  if (!mem) mem = rup_mem_default();
  rup_vdec *d = rup__calloc(mem, sizeof *d);
  if (!d) return RUP_ERR_NOMEM;
  d->mem = mem;
  d->codec = codec;
  rup__vdec_params_default(&d->p);
  if (p) {
    if (p->frozen_min_us > 0) d->p.frozen_min_us = p->frozen_min_us;
    if (p->frozen_max_diff >= 0) d->p.frozen_max_diff = p->frozen_max_diff;
    if (p->ring_bytes >= 65536) d->p.ring_bytes = p->ring_bytes;
    if (p->ring_slots >= 64 && (p->ring_slots & (p->ring_slots - 1)) == 0) d->p.ring_slots = p->ring_slots;
    if (p->max_frame_bytes >= 4096) d->p.max_frame_bytes = p->max_frame_bytes;
  }
  vpx_codec_dec_cfg_t cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.threads = 1; /* deterministic, one core */
  d->fbuf = rup__malloc(mem, d->p.max_frame_bytes);
  if (!d->fbuf || rup__pktstore_init(&d->store, mem, d->p.ring_slots, d->p.ring_bytes) != 0) {
    rup__vdec_free(d);
    return RUP_ERR_NOMEM;
  }
  if (vpx_codec_dec_init(&d->ctx, codec == RUP_CODEC_VP8 ? vpx_codec_vp8_dx() : vpx_codec_vp9_dx(), &cfg, 0) !=
      VPX_CODEC_OK) {
    rup__vdec_free(d);
    return RUP_ERR_NOMEM;
  }
  d->ctx_ok = 1;
  *out = d;
  return 0;
}

void rup__vdec_free(rup_vdec *d) {
  if (!d) return;
  if (d->ctx_ok) vpx_codec_destroy(&d->ctx);
  if (d->fbuf) rup__free(d->mem, d->fbuf);
  rup__pktstore_free(&d->store, d->mem);
  rup__free(d->mem, d);
}

void rup__vdec_attach(rup_vdec *d, rup_video *v, const rup_imp_sink *sink) {
  if (!d || !v) return;
  v->on_frame = rup__vdec_on_frame;
  v->on_frame_ctx = d;
  if (sink) d->sink = *sink;
}

void rup__vdec_packet(rup_vdec *d, uint64_t ext_seq, const rup_rtp *rtp) {
  if (!d || !rtp) return;
  rup__pktstore_put(&d->store, ext_seq, rtp->payload, rtp->payload ? rtp->payload_len : 0);
}

void rup__vdec_set_frame_log(rup_vdec *d, rup_vdec_frame_fn fn, void *ctx) {
  if (!d) return;
  d->log_fn = fn;
  d->log_ctx = ctx;
}

void rup__vdec_finish(rup_vdec *d, int64_t now_us) {
  if (!d) return;
  frozen_close(d, now_us);
}

void rup__vdec_stats(const rup_vdec *d, rup_vdec_stats *out) {
  if (!out) return;
  memset(out, 0, sizeof *out);
  if (!d) return;
  *out = d->st;
  /* libvpx keeps its own frame buffers: estimated as (w+64)(h+64)*3/2 bytes each (32-pixel
   * borders), 4 for VP8 (last, golden, altref, new), 12 for VP9 (8 slots + in flight). */
  size_t pic = d->st.width ? ((size_t)d->st.width + 64) * ((size_t)d->st.height + 64) * 3 / 2 : 0;
  out->memory_bytes = sizeof *d + d->p.max_frame_bytes + rup__pktstore_bytes(&d->store) +
                      pic * (d->codec == RUP_CODEC_VP8 ? 4u : 12u);
}

#else /* !RUP_HAVE_DECODE */

int rup__vdec_new(rup_vdec **out, const rup_mem *mem, int codec, const rup_vdec_params *p) {
  (void)mem;
  (void)codec;
  (void)p;
  if (out) *out = NULL;
  return RUP_ERR_UNSUPPORTED;
}
void rup__vdec_free(rup_vdec *d) { (void)d; }
void rup__vdec_attach(rup_vdec *d, rup_video *v, const rup_imp_sink *sink) { (void)d; (void)v; (void)sink; }
void rup__vdec_packet(rup_vdec *d, uint64_t ext_seq, const rup_rtp *rtp) { (void)d; (void)ext_seq; (void)rtp; }
void rup__vdec_on_frame(void *ctx, const rup_video_frame *f, int decoded, int64_t release_us) {
  (void)ctx;
  (void)f;
  (void)decoded;
  (void)release_us;
}
void rup__vdec_set_frame_log(rup_vdec *d, rup_vdec_frame_fn fn, void *ctx) { (void)d; (void)fn; (void)ctx; }
void rup__vdec_finish(rup_vdec *d, int64_t now_us) { (void)d; (void)now_us; }
void rup__vdec_stats(const rup_vdec *d, rup_vdec_stats *out) {
  (void)d;
  if (out) memset(out, 0, sizeof *out);
}

#endif
