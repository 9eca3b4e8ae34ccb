/* Seeded PRNG for the synthesizer: splitmix64 to expand (seed, stream) into state,
 * xoshiro256** to draw (Blackman & Vigna, "Scrambled linear pseudorandom number
 * generators", 2018; algorithms restated, not copied). No global state. */
#include <math.h>

#include "synth.h"

static uint64_t splitmix64(uint64_t *x) {
  /* splitmix64: golden-ratio increment, then the two multiply-xorshift rounds */
  uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void rup__syn_rng_seed(rup__syn_rng *r, uint64_t seed, uint64_t stream) {
  uint64_t x = seed ^ (stream * 0xD1B54A32D192ED03ull);
  for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&x);
  if ((r->s[0] | r->s[1] | r->s[2] | r->s[3]) == 0) r->s[0] = 1; /* all-zero state is absorbing */
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rup__syn_rng_next(rup__syn_rng *r) {
  uint64_t *s = r->s;
  uint64_t out = rotl(s[1] * 5, 7) * 9; /* xoshiro256** output scrambler */
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return out;
}

double rup__syn_rng_unit(rup__syn_rng *r) {
  return (double)(rup__syn_rng_next(r) >> 11) * (1.0 / 9007199254740992.0); /* 2^-53 */
}

double rup__syn_rng_uniform(rup__syn_rng *r, double a, double b) {
  return a + (b - a) * rup__syn_rng_unit(r);
}

double rup__syn_rng_exp(rup__syn_rng *r, double mean) {
  return -mean * log(1.0 - rup__syn_rng_unit(r)); /* 1-u in (0,1]: log finite */
}

double rup__syn_rng_normal(rup__syn_rng *r) {
  double u1 = 1.0 - rup__syn_rng_unit(r), u2 = rup__syn_rng_unit(r);
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2); /* Box-Muller */
}
