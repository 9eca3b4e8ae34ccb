/* Conversation model and a speech-like signal for the synthesizer.
 * Talk schedule: turn taking between the two parties (one talks, the other mostly
 * listens with occasional backchannels), each turn made of talkspurts and short
 * pauses. Signal: a source-filter vowel model (glottal pulse train at a moving pitch,
 * three formant resonators, syllable-rate envelope) over a faint room noise, so that
 * Opus sees voiced speech during talkspurts and near-silence (DTX) in pauses. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

#define FS 48000.0
#define PI 3.14159265358979323846

static int iv_push(rup__syn_talk *t, double a, double b) {
  if (b <= a) return 0;
  if (t->n == t->cap) {
    size_t cap = t->cap ? t->cap * 2 : 256;
    rup__syn_iv *p = realloc(t->iv, cap * sizeof *p);
    if (!p) return -1;
    t->iv = p;
    t->cap = cap;
  }
  t->iv[t->n].a = a;
  t->iv[t->n].b = b;
  t->n++;
  return 0;
}

static int cmp_iv(const void *x, const void *y) {
  const rup__syn_iv *a = x, *b = y;
  return a->a < b->a ? -1 : a->a > b->a ? 1 : 0;
}

/* Sort and merge overlapping intervals. */
static void iv_normalize(rup__syn_talk *t) {
  if (t->n == 0) return;
  qsort(t->iv, t->n, sizeof *t->iv, cmp_iv);
  size_t w = 0;
  for (size_t i = 1; i < t->n; i++) {
    if (t->iv[i].a <= t->iv[w].b) {
      if (t->iv[i].b > t->iv[w].b) t->iv[w].b = t->iv[i].b;
    } else {
      t->iv[++w] = t->iv[i];
    }
  }
  t->n = w + 1;
}

/* Remove [a, b) from a normalized schedule. */
static int iv_remove(rup__syn_talk *t, double a, double b) {
  size_t n = t->n;
  for (size_t i = 0; i < n; i++) {
    rup__syn_iv v = t->iv[i];
    if (v.b <= a || v.a >= b) continue;
    if (v.a < a && v.b > b) { /* split in two */
      t->iv[i].b = a;
      if (iv_push(t, b, v.b)) return -1;
    } else if (v.a < a) {
      t->iv[i].b = a;
    } else if (v.b > b) {
      t->iv[i].a = b;
    } else {
      t->iv[i].b = t->iv[i].a; /* emptied */
    }
  }
  size_t w = 0;
  for (size_t i = 0; i < t->n; i++)
    if (t->iv[i].b > t->iv[i].a) t->iv[w++] = t->iv[i];
  t->n = w;
  iv_normalize(t);
  return 0;
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

/* Fill [a, b) with talkspurts separated by short breathing pauses. */
static int fill_spurts(rup__syn_talk *t, rup__syn_rng *r, double a, double b, double mean,
                       double pmin, double pmax) {
  double s = a;
  while (s < b) {
    double d = clampd(rup__syn_rng_exp(r, mean), 0.4, 4.0);
    if (iv_push(t, s, s + d < b ? s + d : b)) return -1;
    s += d + rup__syn_rng_uniform(r, pmin, pmax);
  }
  return 0;
}

int rup__syn_talk_build(rup__syn_talk talk[2], const rup__syn_scenario *sc, uint64_t seed,
                        double t0, double t1) {
  rup__syn_rng r;
  rup__syn_rng_seed(&r, seed, 0x7A1C);
  memset(talk, 0, 2 * sizeof *talk);
  double t = t0 + 0.3;
  int sp = 0; /* the local party (the therapist) opens */
  while (t < t1) {
    double len = sp == 1 ? rup__syn_rng_uniform(&r, 5.0, 14.0) : rup__syn_rng_uniform(&r, 2.5, 8.0);
    double te = t + len;
    if (fill_spurts(&talk[sp], &r, t, te, 1.6, 0.15, 0.6)) return -1;
    if (len > 4.0 && rup__syn_rng_unit(&r) < 0.35) { /* listener's "mm-hm" */
      double b = rup__syn_rng_uniform(&r, t + 1.5, te - 1.0);
      if (iv_push(&talk[!sp], b, b + rup__syn_rng_uniform(&r, 0.25, 0.6))) return -1;
    }
    t = te + rup__syn_rng_uniform(&r, 0.3, 1.4);
    sp = !sp;
  }
  for (int p = 0; p < 2; p++) {
    iv_normalize(&talk[p]);
    if (iv_remove(&talk[p], t1, 1e18)) return -1;
  }
  /* Scenario directives, in order: talk forces one party to speak (and the other to
   * listen); dtx_silence forces silence (the direction names whose media is silent:
   * inbound = the remote party). */
  for (size_t i = 0; i < sc->n; i++) {
    const rup__syn_imp *m = &sc->imp[i];
    if (m->kind == RUP__SYN_TALK) {
      int who = m->dir == RUP__SYN_IN ? 1 : 0;
      if (iv_remove(&talk[!who], m->start_s, m->end_s) || iv_remove(&talk[who], m->start_s, m->end_s) ||
          fill_spurts(&talk[who], &r, m->start_s, m->end_s, 2.5, 0.12, 0.25))
        return -1;
      iv_normalize(&talk[who]);
    } else if (m->kind == RUP__SYN_DTX_SILENCE) {
      if ((m->dir & RUP__SYN_IN) && iv_remove(&talk[1], m->start_s, m->end_s)) return -1;
      if ((m->dir & RUP__SYN_OUT) && iv_remove(&talk[0], m->start_s, m->end_s)) return -1;
    }
  }
  return 0;
}

void rup__syn_talk_free(rup__syn_talk *t) {
  free(t->iv);
  memset(t, 0, sizeof *t);
}

int rup__syn_talk_active(const rup__syn_talk *t, double s) {
  size_t lo = 0, hi = t->n; /* first interval with b > s */
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (t->iv[mid].b <= s) lo = mid + 1;
    else hi = mid;
  }
  return lo < t->n && t->iv[lo].a <= s;
}

double rup__syn_talk_overlap(const rup__syn_talk *t, double a, double b) {
  double sum = 0;
  for (size_t i = 0; i < t->n; i++) {
    double x = t->iv[i].a > a ? t->iv[i].a : a, y = t->iv[i].b < b ? t->iv[i].b : b;
    if (y > x) sum += y - x;
  }
  return sum;
}

/* Vowel formants F1/F2 (Hz), typical adult values (Peterson & Barney 1952, rounded). */
static const double vowels[][2] = {{730, 1090}, {530, 1840}, {270, 2290}, {570, 840},
                                   {300, 870},  {660, 1720}, {490, 1350}, {390, 1990}};

void rup__syn_voice_init(rup__syn_voice *v, uint64_t seed, int party, double f0) {
  memset(v, 0, sizeof *v);
  rup__syn_rng_seed(&v->rng, seed, 0x501CE + (uint64_t)party);
  v->f0 = f0;
  v->f1 = 500;
  v->f2 = 1500;
  v->syl_len = 0.2;
  v->syl_amp = 1.0;
}

static void coefs(double f, double bw, double *b0, double *a1, double *a2) {
  double r = exp(-PI * bw / FS); /* two-pole resonator at f with bandwidth bw */
  *a1 = 2 * r * cos(2 * PI * f / FS);
  *a2 = r * r;
  *b0 = 1 - *a1 + *a2; /* unity gain at DC */
}

void rup__syn_voice_render(rup__syn_voice *v, const rup__syn_talk *talk, double t0, int16_t *pcm,
                           size_t n) {
  double b1, a11, a12, b2, a21, a22, b3, a31, a32;
  coefs(v->f1, 90, &b1, &a11, &a12);
  coefs(v->f2, 110, &b2, &a21, &a22);
  coefs(2600, 160, &b3, &a31, &a32);
  /* talk activity is sampled per ms (cheap, 1 ms gate resolution) */
  int act = 0;
  for (size_t i = 0; i < n; i++) {
    double t = t0 + (double)i / FS;
    if (i % 48 == 0) act = rup__syn_talk_active(talk, t);
    v->gain += ((act ? 1.0 : 0.0) - v->gain) * (1.0 / 240.0); /* ~5 ms gate smoothing */
    if (t >= v->syl_t + v->syl_len) {                           /* next syllable */
      v->syl_t = t;
      v->syl_len = rup__syn_rng_uniform(&v->rng, 0.14, 0.30);
      v->syl_amp = rup__syn_rng_uniform(&v->rng, 0.45, 1.0);
      size_t k = (size_t)(rup__syn_rng_next(&v->rng) % (sizeof vowels / sizeof vowels[0]));
      v->f1 = vowels[k][0] * v->f0 / 150.0 * 0.3 + vowels[k][0] * 0.7;
      v->f2 = vowels[k][1];
      coefs(v->f1, 90, &b1, &a11, &a12);
      coefs(v->f2, 110, &b2, &a21, &a22);
    }
    double noise = rup__syn_rng_unit(&v->rng) * 2 - 1;
    double out = noise * 4.0; /* room noise, about -80 dBov */
    if (v->gain > 1e-4) {
      double u = (t - v->syl_t) / v->syl_len;
      double env = v->syl_amp * pow(sin(PI * u), 0.6);
      double f = v->f0 * (1 + 0.08 * sin(2 * PI * 0.9 * t + v->f0) + 0.05 * sin(2 * PI * 0.23 * t) -
                          0.1 * u);
      v->phase += f / FS;
      double src = 0;
      if (v->phase >= 1.0) {
        v->phase -= 1.0;
        src = 1.0; /* glottal pulse */
      }
      v->hp = 0.6 * v->hp + 0.4 * noise;
      src += 0.02 * (noise - v->hp); /* aspiration */
      double y = b1 * src + a11 * v->y1[0] - a12 * v->y1[1];
      v->y1[1] = v->y1[0];
      v->y1[0] = y;
      double z = b2 * y + a21 * v->y2[0] - a22 * v->y2[1];
      v->y2[1] = v->y2[0];
      v->y2[0] = z;
      double w = b3 * z + a31 * v->y3[0] - a32 * v->y3[1];
      v->y3[1] = v->y3[0];
      v->y3[0] = w;
      out += 10000.0 * tanh(w * 10.0) * env * v->gain;
    }
    if (out > 32767) out = 32767;
    if (out < -32768) out = -32768;
    pcm[i] = (int16_t)lrint(out);
  }
}
