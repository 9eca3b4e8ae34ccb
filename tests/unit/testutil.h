/* Helpers shared by the cmocka tests. */
#ifndef RUP_TESTUTIL_H
#define RUP_TESTUTIL_H
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

/* Full path of a file in tests/data ($RUP_TEST_DATA); static buffer. */
const char *rt_data(const char *name);
/* Full path of a file in ../shared/data ($RUP_SHARED_DATA), or NULL if absent (then skip). */
const char *rt_shared(const char *name);
/* Read a whole file; NULL if missing. Free with free(). */
uint8_t *rt_read_file(const char *path, size_t *len);
#endif
