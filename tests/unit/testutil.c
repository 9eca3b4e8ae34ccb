#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *join(const char *env, const char *fallback, const char *name, char *buf, size_t n) {
  const char *dir = getenv(env);
  if (!dir || !*dir) dir = fallback;
  snprintf(buf, n, "%s/%s", dir, name);
  return buf;
}

const char *rt_data(const char *name) {
  static char buf[4096];
  return join("RUP_TEST_DATA", "tests/data", name, buf, sizeof buf);
}

const char *rt_shared(const char *name) {
  static char buf[4096];
  join("RUP_SHARED_DATA", "../shared/data", name, buf, sizeof buf);
  return access(buf, R_OK) == 0 ? buf : NULL;
}

uint8_t *rt_read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
  if (buf && n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  if (buf) *len = (size_t)n;
  return buf;
}

void rt_udp_open(rt_udp *r, const char *name) {
  r->t = NULL;
  assert_int_equal(rup_trace_open(&r->t, rt_data(name), NULL), 0);
}

int rt_udp_next(rt_udp *r, uint16_t dport, const uint8_t **payload, size_t *len, int64_t *t_us) {
  rup_trace_packet pkt;
  int rv;
  while ((rv = rup_trace_next(r->t, &pkt)) == 1) {
    if (dport && pkt.dst.port != dport) continue;
    *payload = pkt.payload;
    *len = pkt.payload_len;
    *t_us = pkt.ts_us;
    return 1;
  }
  assert_int_equal(rv, 0); /* the bundled captures end cleanly */
  return 0;
}

void rt_udp_close(rt_udp *r) {
  rup_trace_del(r->t);
  r->t = NULL;
}
