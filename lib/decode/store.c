/* lib/decode payload store: keeps the payload of recent RTP packets so that a
 * media model's later decision (play this audio packet, release this video
 * frame) can be decoded. Bounded: nslots indices (direct-mapped by extended
 * sequence number) over one byte ring of cap bytes, both allocated once;
 * nothing is allocated per packet. Old entries are overwritten silently; a
 * lookup checks that the bytes are still there. */
#include "decode/decode.h"

int rup__pktstore_init(rup_pktstore *s, const rup_mem *mem, uint32_t nslots, size_t cap) {
  memset(s, 0, sizeof *s);
  if (nslots == 0 || (nslots & (nslots - 1)) != 0 || cap < 4096) return RUP_ERR_INVALID_ARGUMENT;
  s->slots = rup__calloc(mem, (size_t)nslots * sizeof *s->slots);
  s->ring = rup__malloc(mem, cap);
  if (!s->slots || !s->ring) {
    rup__pktstore_free(s, mem);
    return RUP_ERR_NOMEM;
  }
  s->nslots = nslots;
  s->cap = cap;
  return 0;
}

void rup__pktstore_free(rup_pktstore *s, const rup_mem *mem) {
  if (s->slots) rup__free(mem, s->slots);
  if (s->ring) rup__free(mem, s->ring);
  s->slots = NULL;
  s->ring = NULL;
}

void rup__pktstore_put(rup_pktstore *s, uint64_t ext_seq, const uint8_t *p, size_t len) {
  if (!s->slots) return;
  rup_pkt_ref *r = &s->slots[ext_seq & (s->nslots - 1)];
  if (r->used && r->ext_seq == ext_seq) return; /* duplicate: keep the first copy */
  if (!p) len = 0;
  if (len > s->cap / 4) { /* absurdly large for a packet: not kept */
    r->used = 0;
    return;
  }
  size_t at = (size_t)(s->wpos % s->cap);
  if (at + len > s->cap) s->wpos += s->cap - at; /* keep every payload contiguous */
  r->ext_seq = ext_seq;
  r->off = s->wpos;
  r->len = (uint32_t)len;
  r->used = 1;
  if (len) memcpy(s->ring + (size_t)(s->wpos % s->cap), p, len);
  s->wpos += len;
}

const uint8_t *rup__pktstore_get(const rup_pktstore *s, uint64_t ext_seq, size_t *len) {
  if (!s->slots) return NULL;
  const rup_pkt_ref *r = &s->slots[ext_seq & (s->nslots - 1)];
  if (!r->used || r->ext_seq != ext_seq) return NULL;
  if (s->wpos - r->off > s->cap) return NULL; /* the ring has wrapped over its bytes */
  *len = r->len;
  return s->ring + (size_t)(r->off % s->cap);
}

size_t rup__pktstore_bytes(const rup_pktstore *s) {
  return (size_t)s->nslots * sizeof *s->slots + s->cap;
}
