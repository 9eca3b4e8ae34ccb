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
