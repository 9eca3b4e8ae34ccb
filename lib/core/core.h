/* Internal: the base every layer may include: allocator, byte readers,
 * error/version/codec/endpoint helpers. No state, no I/O. */
#ifndef RUP_CORE_H
#define RUP_CORE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rupture/rupture.h"

#define RUP_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation through a rup_mem (never NULL inside the library). */
static inline void *rup__malloc(const rup_mem *m, size_t n) { return m->malloc(n, m->user_data); }
static inline void *rup__calloc(const rup_mem *m, size_t n) {
  void *p = m->malloc(n, m->user_data);
  if (p) memset(p, 0, n);
  return p;
}
static inline void *rup__realloc(const rup_mem *m, void *p, size_t n) {
  return m->realloc(p, n, m->user_data);
}
static inline void rup__free(const rup_mem *m, void *p) { m->free(p, m->user_data); }

/* Big-endian readers; the caller has checked the length. */
static inline uint16_t rup__rd16(const uint8_t *p) { return (uint16_t)((p[0] << 8) | p[1]); }
static inline uint32_t rup__rd24(const uint8_t *p) {
  return ((uint32_t)p[0] << 16) | ((uint32_t)p[1] << 8) | p[2];
}
static inline uint32_t rup__rd32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}
static inline uint64_t rup__rd64(const uint8_t *p) {
  return ((uint64_t)rup__rd32(p) << 32) | rup__rd32(p + 4);
}
/* Little-endian readers. */
static inline uint16_t rup__rd16le(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static inline uint32_t rup__rd32le(const uint8_t *p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static inline uint64_t rup__rd64le(const uint8_t *p) {
  return (uint64_t)rup__rd32le(p) | ((uint64_t)rup__rd32le(p + 4) << 32);
}

/* Default RTP clock rate of a codec (0 if none/unknown). */
uint32_t rup__codec_clock_rate(int codec);
/* RFC 3551 §6 static payload type table: codec for PT < 96 (RUP_CODEC_UNKNOWN if not audio/video we know). */
int rup__codec_from_static_pt(int pt);
/* RTP clock of an RFC 3551 static payload type (tables 4 and 5), 0 if unassigned/dynamic. */
uint32_t rup__static_pt_clock(int pt);
/* Codec from an SDP encoding name (case-insensitive), RUP_CODEC_UNKNOWN if unknown. */
int rup__codec_from_name(const char *name, size_t len);

/* 1 if both endpoints have the same family and address (port ignored). */
int rup__endpoint_same_addr(const rup_endpoint *a, const rup_endpoint *b);

#endif
