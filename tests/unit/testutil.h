/* Helpers shared by the cmocka tests. */
#ifndef RUP_TESTUTIL_H
#define RUP_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rupture/rupture.h"

/* Full path of a file in tests/data ($RUP_TEST_DATA); static buffer. */
const char *rt_data(const char *name);
/* Full path of a file in ../shared/data ($RUP_SHARED_DATA), or NULL if absent (then skip). */
const char *rt_shared(const char *name);
/* Read a whole file; NULL if missing. Free with free(). */
uint8_t *rt_read_file(const char *path, size_t *len);
/* UDP datagrams of a capture in tests/data, through the public trace API. */
typedef struct rt_udp {
  rup_trace *t;
} rt_udp;
/* Open tests/data/NAME; fails the test if it cannot. */
void rt_udp_open(rt_udp *r, const char *name);
/* Next datagram sent to dport (0 = any): 1 with payload and capture time, 0 at the end. */
int rt_udp_next(rt_udp *r, uint16_t dport, const uint8_t **payload, size_t *len, int64_t *t_us);
void rt_udp_close(rt_udp *r);
#endif
