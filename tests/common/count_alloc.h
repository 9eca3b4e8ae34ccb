/* Counting allocator shared by the unit tests, fuzz targets and benchmarks: a size
 * header per block gives live bytes and blocks, their peak and the number of calls;
 * it can fail the call numbered fail_at (1-based) for the out-of-memory paths, and
 * refuses requests over 1 GiB (the library never needs that much). A free of more
 * than is live is counted in bad_frees, for the caller to check. */
#ifndef RUP_TEST_COUNT_ALLOC_H
#define RUP_TEST_COUNT_ALLOC_H

#include <stdlib.h>
#include <string.h>

#include "rupture/rupture.h"

typedef struct rup_test_alloc {
  size_t live_bytes, live_count, peak_bytes;
  uint64_t calls;     /* malloc + realloc calls */
  uint64_t fail_at;   /* 0 = never, else fail the call with this number */
  uint64_t failed;    /* calls failed on purpose */
  uint64_t bad_frees; /* frees the counts do not cover (double free, foreign pointer) */
} rup_test_alloc;

#define RUP_TEST_ALLOC_HDR 16 /* keeps the block 16-byte aligned */

static int rup_test_alloc_refuse(rup_test_alloc *c, size_t n) {
  if (++c->calls == c->fail_at) {
    c->failed++;
    return 1;
  }
  return n > ((size_t)1 << 30);
}

static void rup_test_alloc_grew(rup_test_alloc *c, size_t old, size_t n) {
  c->live_bytes = c->live_bytes - old + n;
  if (c->live_bytes > c->peak_bytes) c->peak_bytes = c->live_bytes;
}

static void *rup_test_malloc(size_t n, void *ud) {
  rup_test_alloc *c = ud;
  if (rup_test_alloc_refuse(c, n)) return NULL;
  unsigned char *p = malloc(n + RUP_TEST_ALLOC_HDR);
  if (!p) return NULL;
  memcpy(p, &n, sizeof n);
  c->live_count++;
  rup_test_alloc_grew(c, 0, n);
  return p + RUP_TEST_ALLOC_HDR;
}

static void rup_test_free(void *q, void *ud) {
  rup_test_alloc *c = ud;
  if (!q) return;
  unsigned char *p = (unsigned char *)q - RUP_TEST_ALLOC_HDR;
  size_t n;
  memcpy(&n, p, sizeof n);
  if (c->live_count == 0 || c->live_bytes < n) {
    c->bad_frees++;
    return;
  }
  c->live_bytes -= n;
  c->live_count--;
  free(p);
}

static void *rup_test_realloc(void *q, size_t n, void *ud) {
  rup_test_alloc *c = ud;
  if (!q) return rup_test_malloc(n, ud);
  if (rup_test_alloc_refuse(c, n)) return NULL;
  unsigned char *p = (unsigned char *)q - RUP_TEST_ALLOC_HDR;
  size_t old;
  memcpy(&old, p, sizeof old);
  unsigned char *np = realloc(p, n + RUP_TEST_ALLOC_HDR);
  if (!np) return NULL;
  memcpy(np, &n, sizeof n);
  rup_test_alloc_grew(c, old, n);
  return np + RUP_TEST_ALLOC_HDR;
}

/* Zero the counters and return the allocator that updates them. */
static rup_mem rup_test_alloc_mem(rup_test_alloc *c) {
  memset(c, 0, sizeof *c);
  rup_mem m = {c, rup_test_malloc, rup_test_realloc, rup_test_free};
  return m;
}

#endif
