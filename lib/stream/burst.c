/* RFC 3611 §4.7.2 burst/gap metrics by the reference algorithm of RFC 3611 Appendix A.2
 * (REFERENCE.md §2.2; counter names as in the jitsi/FMJ port `BurstMetrics`). */
#include "stream/stream.h"

void rup__burst_init(rup_burst *b, uint32_t gmin) {
  memset(b, 0, sizeof *b);
  b->gmin = gmin;
}

void rup__burst_packet(rup_burst *b, int lost) {
  b->total++;
  if (!lost) {
    b->pkt++; /* RFC 3611 A.2: a received packet extends the current run */
    return;
  }
  if (b->pkt >= b->gmin) { /* RFC 3611 A.2: >= Gmin received since the last loss: gap loss */
    if (b->lost == 1) {
      b->c14++;            /* isolated loss inside a gap */
    } else {
      b->c13++;            /* gap -> burst transition */
      b->lost = 1;
    }
    b->c11 += b->pkt;
  } else {                 /* RFC 3611 A.2: loss within Gmin of the previous one: burst */
    b->lost++;
    if (b->pkt == 0) {
      b->c33++;
    } else {
      b->c23++;
      b->c22 += b->pkt - 1;
    }
  }
  b->pkt = 0;
}

void rup__burst_lost_run(rup_burst *b, uint64_t n) {
  if (n == 0) return;
  rup__burst_packet(b, 1);
  n--;
  if (n == 0) return;
  /* Every further loss arrives with pkt == 0, so A.2 takes the same branch each time. */
  b->total += n;
  if (b->gmin == 0) {
    b->c14 += n;           /* pkt (0) >= Gmin (0) and lost == 1 after the first loss */
  } else {
    b->lost += (uint32_t)(n > UINT32_MAX - b->lost ? UINT32_MAX - b->lost : n);
    b->c33 += n;
  }
}

void rup__burst_result(const rup_burst *b, double ms_per_pkt, double *burst_density,
                       double *gap_density, double *burst_duration_ms, double *gap_duration_ms) {
  /* RFC 3611 A.2 final computation: c31 = c13, c32 = c23 (FMJ: s1x, s2x, s3x). */
  double s1x = (double)b->c11 + (double)b->c13 + (double)b->c14;
  double s2x = (double)b->c22 + (double)b->c23;
  double s3x = (double)b->c13 + (double)b->c23 + (double)b->c33;
  double s = s1x + s2x + s3x;
  double p23 = b->c22 == 0 ? 1.0 : 1.0 - (double)b->c22 / s2x;
  double p32 = b->c23 == 0 ? 0.0 : (double)b->c23 / s3x;
  double bd = 0.0, gd = 0.0, bdur = 0.0, gdur = 0.0;
  /* burst density = p23/(p23+p32); 0 when there was no burst (no c13/c23/c33 transition) */
  if (b->c13 + b->c23 + b->c33 > 0 && p23 > 0.0) bd = p23 / (p23 + p32);
  if (b->c14 > 0) gd = (double)b->c14 / ((double)b->c11 + (double)b->c14); /* gap density */
  if (b->c13 > 0 && ms_per_pkt > 0.0) { /* RFC 3611 A.2: durations 0 if c13 == 0 */
    gdur = s1x * ms_per_pkt / (double)b->c13;
    bdur = s * ms_per_pkt / (double)b->c13 - gdur;
  }
  if (burst_density) *burst_density = bd;
  if (gap_density) *gap_density = gd;
  if (burst_duration_ms) *burst_duration_ms = bdur;
  if (gap_duration_ms) *gap_duration_ms = gdur;
}
