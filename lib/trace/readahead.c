/* Read-ahead of a capture file on a helper thread (rup_trace_readahead()).
 *
 * The helper reads the file into RA_SLOTS blocks, in order, while the caller parses the
 * block before: reading (a kernel copy, the larger part of a replay of big video
 * packets) and parsing overlap on two cores. The helper only reads bytes; every
 * parsing decision stays on the caller's thread, so the results are those of the
 * plain reader. Each block has RUP__RA_CARRY bytes of room in front of its data,
 * where the unread end of the previous block (a record cut by the block boundary)
 * is copied, so that the window stays contiguous without copying the data itself. */
#include "trace/trace.h"

#if RUP_HAVE_THREADS

#include <pthread.h>

/* Four blocks of 64 KiB: measured against 256 KiB blocks and eight slots on the
 * benchmark captures (docs/performance.md), the small ring that stays in cache won on
 * small packets and tied on big ones. */
#define RA_SLOTS 4
#define RA_BLOCK (64u * 1024u) /* data bytes per block */
#define RA_NONE RA_SLOTS
_Static_assert(RA_SLOTS >= 2, "the helper fills one block while the caller holds another");

struct rup__ra {
  rup_mem mem;
  FILE *fp;
  pthread_t th;
  pthread_mutex_t mu;
  pthread_cond_t cv;
  uint8_t *buf;            /* RA_SLOTS × (RUP__RA_CARRY + RA_BLOCK) */
  size_t len[RA_SLOTS];    /* data bytes of a filled block; 0 = the end of the file */
  int ready[RA_SLOTS];     /* filled, not yet taken */
  int io_error;            /* the end came from a read error */
  int stop;                /* the caller is done: the helper exits */
  unsigned fill, take;     /* next block the helper fills / the caller takes */
  unsigned held;           /* block the caller's window lies in, RA_NONE before the first */
};

static uint8_t *slot_data(const rup__ra *ra, unsigned i) {
  return ra->buf + (size_t)i * (RUP__RA_CARRY + RA_BLOCK) + RUP__RA_CARRY;
}

static void *helper(void *arg) {
  rup__ra *ra = arg;
  pthread_mutex_lock(&ra->mu);
  for (;;) {
    unsigned i = ra->fill;
    while (!ra->stop && (ra->ready[i] || ra->held == i)) pthread_cond_wait(&ra->cv, &ra->mu);
    if (ra->stop) break;
    pthread_mutex_unlock(&ra->mu); /* block i is the helper's alone until it is marked ready */
    size_t n = fread(slot_data(ra, i), 1, RA_BLOCK, ra->fp);
    int err = n == 0 && ferror(ra->fp);
    pthread_mutex_lock(&ra->mu);
    ra->len[i] = n;
    ra->ready[i] = 1;
    ra->io_error = err;
    ra->fill = (i + 1) % RA_SLOTS;
    pthread_cond_broadcast(&ra->cv);
    if (n == 0) break; /* the end (or an error): nothing more to read */
  }
  pthread_mutex_unlock(&ra->mu);
  return NULL;
}

int rup__ra_start(rup__ra **out, FILE *fp, const rup_mem *mem) {
  rup__ra *ra = rup__calloc(mem, sizeof *ra);
  if (!ra) return RUP_ERR_NOMEM;
  ra->mem = *mem;
  ra->fp = fp;
  ra->held = RA_NONE;
  ra->buf = rup__malloc(mem, (size_t)RA_SLOTS * (RUP__RA_CARRY + RA_BLOCK));
  if (!ra->buf) {
    rup__free(mem, ra);
    return RUP_ERR_NOMEM;
  }
  if (pthread_mutex_init(&ra->mu, NULL) != 0) goto fail_mu;
  if (pthread_cond_init(&ra->cv, NULL) != 0) goto fail_cv;
  if (pthread_create(&ra->th, NULL, helper, ra) != 0) goto fail_th;
  *out = ra;
  return 0;
fail_th:
  pthread_cond_destroy(&ra->cv);
fail_cv:
  pthread_mutex_destroy(&ra->mu);
fail_mu:
  rup__free(mem, ra->buf);
  rup__free(mem, ra);
  return RUP_ERR_NOMEM; /* thread resources, like memory, ran out */
}

int rup__ra_next(rup__ra *ra, const uint8_t *tail, size_t keep, const uint8_t **win, size_t *win_len) {
  if (keep > RUP__RA_CARRY) return RUP_ERR_INTERNAL; /* the caller checks */
  pthread_mutex_lock(&ra->mu);
  unsigned i = ra->take;
  while (!ra->ready[i]) pthread_cond_wait(&ra->cv, &ra->mu);
  size_t n = ra->len[i];
  if (n == 0) { /* the end stays ready: later calls see it too */
    int err = ra->io_error;
    pthread_mutex_unlock(&ra->mu);
    return err ? RUP_ERR_IO : 0;
  }
  /* Under the lock: the tail is copied before its block is let go, and the new block is
   * held before the helper can see it free (the copy is a record's part, small). */
  uint8_t *d = slot_data(ra, i);
  if (keep) memmove(d - keep, tail, keep);
  ra->ready[i] = 0;
  ra->take = (i + 1) % RA_SLOTS;
  ra->held = i;
  pthread_cond_broadcast(&ra->cv);
  pthread_mutex_unlock(&ra->mu);
  *win = d - keep;
  *win_len = keep + n;
  return 1;
}

void rup__ra_stop(rup__ra *ra) {
  if (!ra) return;
  pthread_mutex_lock(&ra->mu);
  ra->stop = 1;
  pthread_cond_broadcast(&ra->cv);
  pthread_mutex_unlock(&ra->mu);
  pthread_join(ra->th, NULL);
  pthread_cond_destroy(&ra->cv);
  pthread_mutex_destroy(&ra->mu);
  rup_mem mem = ra->mem;
  rup__free(&mem, ra->buf);
  rup__free(&mem, ra);
}

#else /* built without threads */

int rup__ra_start(rup__ra **out, FILE *fp, const rup_mem *mem) {
  (void)out, (void)fp, (void)mem;
  return RUP_ERR_UNSUPPORTED;
}

int rup__ra_next(rup__ra *ra, const uint8_t *tail, size_t keep, const uint8_t **win, size_t *win_len) {
  (void)ra, (void)tail, (void)keep, (void)win, (void)win_len;
  return RUP_ERR_INTERNAL;
}

void rup__ra_stop(rup__ra *ra) { (void)ra; }

#endif
