/* Capture readers: pcap (libpcap sf-pcap.c formats), pcapng (draft-ietf-opsawg-pcapng),
 * optionally gzip-compressed (RFC 1952, through zlib). Streaming: a bounded raw input
 * window and one record buffer that grows with the bytes actually read. */
#include <stdio.h>
#include <sys/stat.h>
#include <zlib.h>

#include "trace/trace.h"

#define RAW_CHUNK 262144u /* input window: large enough that a video packet's record rarely straddles a refill */
#define REC_MIN 65536u

/* pcap magics as read in the file's byte order (libpcap sf-pcap.c, REFERENCE §8.1). */
#define PCAP_MAGIC_US 0xA1B2C3D4u
#define PCAP_MAGIC_NS 0xA1B23C4Du
#define PCAP_MAGIC_KUZNETZOV 0xA1B2CD34u /* record header adds index, protocol, pkt_type */

/* pcapng block types (REFERENCE §8.3). */
#define NG_SHB 0x0A0D0D0Au
#define NG_IDB 1u
#define NG_PB 2u
#define NG_SPB 3u
#define NG_EPB 6u
#define NG_BOM 0x1A2B3C4Du

typedef struct ng_if {
  uint32_t linktype;
  uint32_t snaplen;
  uint8_t tsres_bin; /* 1: 2^-exp s, 0: 10^-exp s */
  uint8_t tsres_exp;
  int64_t offset_s;  /* if_tsoffset */
} ng_if;

struct rup_trace {
  rup_mem mem;
  /* raw (possibly compressed) bytes: a file window or the caller's buffer */
  FILE *fp;
  uint8_t *raw_buf;
  const uint8_t *raw;
  size_t raw_len, raw_pos;
  int raw_eof;
  /* gzip */
  int gz;
  int zs_init;
  int z_done;  /* the current member reached its end */
  int z_trunc; /* raw input ended inside a member */
  z_stream zs;
  /* decoded record buffer */
  uint8_t *rec;
  size_t rec_cap;
  /* format state */
  int format;
  int be;            /* file/section byte order: 1 = big-endian */
  int nsec;          /* pcap: nanosecond timestamps */
  uint32_t linktype; /* pcap */
  uint32_t snaplen;  /* pcap: effective snaplen */
  size_t rec_hdr;    /* pcap: record header size (16, or 24 for Kuznetzov) */
  ng_if *ifs;        /* pcapng: interfaces of the current section */
  size_t n_if;
  int seen_idb;
  int err;           /* sticky error */
  int eof;
  rup_trace_info info;
};

static uint16_t r16(const rup_trace *t, const uint8_t *p) { return t->be ? rup__rd16(p) : rup__rd16le(p); }
static uint32_t r32(const rup_trace *t, const uint8_t *p) { return t->be ? rup__rd32(p) : rup__rd32le(p); }

/* ---- raw input ---- */

/* Make at least `n` raw bytes available if the input has them; returns how many are. */
static int raw_ensure(rup_trace *t, size_t n, size_t *avail) {
  size_t have = t->raw_len - t->raw_pos;
  if (have < n && t->fp && !t->raw_eof) {
    memmove(t->raw_buf, t->raw_buf + t->raw_pos, have);
    t->raw_pos = 0;
    t->raw_len = have;
    /* A full window ends the loop: fread of 0 bytes is not the end of the file (a
     * record longer than the window then takes the copying path). */
    while (t->raw_len < n && t->raw_len < RAW_CHUNK && !t->raw_eof) {
      size_t got = fread(t->raw_buf + t->raw_len, 1, RAW_CHUNK - t->raw_len, t->fp);
      if (got == 0) {
        if (ferror(t->fp)) return RUP_ERR_IO;
        t->raw_eof = 1;
      }
      t->raw_len += got;
    }
    have = t->raw_len;
  }
  *avail = have;
  return 0;
}

static void raw_consume(rup_trace *t, size_t n) {
  t->raw_pos += n;
  t->info.bytes_read += n;
}

/* Read up to n decoded bytes into dst; *got < n only at the end of the input. */
static int src_read(rup_trace *t, uint8_t *dst, size_t n, size_t *got) {
  *got = 0;
  while (*got < n) {
    size_t avail;
    if (!t->gz) {
      int r = raw_ensure(t, 1, &avail);
      if (r < 0) return r;
      if (avail == 0) break;
      size_t c = n - *got < avail ? n - *got : avail;
      memcpy(dst + *got, t->raw + t->raw_pos, c);
      raw_consume(t, c);
      *got += c;
      continue;
    }
    if (t->z_done) {
      /* RFC 1952 §2.2: a gzip file is a series of members; anything else after a
       * member is ignored, as zlib's gzread does. */
      int r = raw_ensure(t, 2, &avail);
      if (r < 0) return r;
      if (avail >= 2 && t->raw[t->raw_pos] == 0x1F && t->raw[t->raw_pos + 1] == 0x8B) {
        if (inflateReset(&t->zs) != Z_OK) return RUP_ERR_INTERNAL;
        t->z_done = 0;
        continue;
      }
      raw_consume(t, avail);
      break;
    }
    int r = raw_ensure(t, 1, &avail);
    if (r < 0) return r;
    t->zs.next_in = (Bytef *)(uintptr_t)(t->raw + t->raw_pos);
    t->zs.avail_in = (uInt)(avail > 0x40000000u ? 0x40000000u : avail);
    size_t want = n - *got;
    t->zs.next_out = dst + *got;
    t->zs.avail_out = (uInt)(want > 0x40000000u ? 0x40000000u : want);
    uInt in0 = t->zs.avail_in, out0 = t->zs.avail_out;
    int zr = inflate(&t->zs, Z_NO_FLUSH);
    raw_consume(t, in0 - t->zs.avail_in);
    *got += out0 - t->zs.avail_out;
    int progress = in0 != t->zs.avail_in || out0 != t->zs.avail_out;
    if (zr == Z_STREAM_END) {
      t->z_done = 1;
    } else if (zr == Z_OK || zr == Z_BUF_ERROR) {
      if (!progress) {
        if (avail != 0) return RUP_ERR_MALFORMED; /* cannot happen with room on both sides */
        t->z_trunc = 1; /* no more raw input inside a member */
        break;
      }
    } else if (zr == Z_MEM_ERROR) {
      return RUP_ERR_NOMEM;
    } else if (zr != Z_OK) {
      return RUP_ERR_MALFORMED; /* Z_DATA_ERROR, Z_NEED_DICT: corrupt stream */
    }
  }
  return 0;
}

/* Fill rec[have..want) growing the buffer with the data actually read (bounded memory). */
static int rec_fill(rup_trace *t, size_t have, size_t want) {
  while (have < want) {
    if (t->rec_cap < want && have >= t->rec_cap / 2) {
      size_t nc = t->rec_cap ? t->rec_cap * 2 : REC_MIN;
      if (nc > want) nc = want < REC_MIN ? REC_MIN : want;
      uint8_t *nb = rup__realloc(&t->mem, t->rec, nc);
      if (!nb) return RUP_ERR_NOMEM;
      t->rec = nb;
      t->rec_cap = nc;
    }
    size_t end = want < t->rec_cap ? want : t->rec_cap;
    size_t got;
    int r = src_read(t, t->rec + have, end - have, &got);
    if (r < 0) return r;
    have += got;
    if (have < end) return have == 0 ? 0 : RUP_ERR_TRUNCATED;
  }
  return 1;
}

/* ---- records ---- */

/* Count a record and decode it; 1 if it is a UDP datagram (pkt filled). */
static int handle_record(rup_trace *t, uint32_t lt, const uint8_t *data, size_t caplen, int64_t ts_us,
                         rup_trace_packet *pkt) {
  t->info.records++;
  if (t->info.first_ts_us == INT64_MIN) t->info.first_ts_us = ts_us;
  t->info.last_ts_us = ts_us;
  rup__udp u;
  switch (rup__decode_frame(lt, data, caplen, &u)) {
    case RUP__FRAME_UDP:
      t->info.udp++;
      pkt->ts_us = ts_us;
      pkt->record = t->info.records;
      pkt->payload = u.payload;
      pkt->payload_len = u.payload_len;
      pkt->src = u.src;
      pkt->dst = u.dst;
      return 1;
    case RUP__FRAME_NON_UDP: t->info.skipped_non_udp++; return 0;
    case RUP__FRAME_FRAGMENT: t->info.skipped_fragments++; return 0;
    case RUP__FRAME_LINK: t->info.skipped_link++; return 0;
    default: t->info.skipped_bad++; return 0;
  }
}

/* Caplen of a pcap record header: bounded memory, and libpcap's sanity rule against
 * the file's snaplen. */
static int pcap_caplen(const rup_trace *t, const uint8_t *h, uint32_t *caplen) {
  uint32_t cl = r32(t, h + 8), len = r32(t, h + 12);
  if (cl > RUP__PCAP_MAX_CAPLEN || cl > t->snaplen || cl > len) return RUP_ERR_MALFORMED;
  *caplen = cl;
  return 0;
}

/* A whole pcap record (header first): 1 if it is a UDP datagram (pkt filled). */
static int pcap_record(rup_trace *t, const uint8_t *h, uint32_t caplen, rup_trace_packet *pkt) {
  uint32_t sec = r32(t, h), frac = r32(t, h + 4);
  int64_t ts = (int64_t)sec * 1000000 + (t->nsec ? frac / 1000 : frac); /* ns: floor to µs */
  return handle_record(t, t->linktype, h + t->rec_hdr, caplen, ts, pkt);
}

/* Uncompressed input: a record that lies whole in the raw window is decoded where it
 * is, without a copy. 1 and the record at *rec (header first) if so, 0 if it does not
 * fit (the copying path reads it, and reports a truncation), or an error. */
static int pcap_in_place(rup_trace *t, const uint8_t **rec, uint32_t *caplen) {
  size_t avail;
  int r = raw_ensure(t, t->rec_hdr, &avail);
  if (r < 0 || avail < t->rec_hdr) return r;
  r = pcap_caplen(t, t->raw + t->raw_pos, caplen);
  if (r < 0) return r;
  size_t need = t->rec_hdr + *caplen;
  r = raw_ensure(t, need, &avail); /* may move the window */
  if (r < 0 || avail < need) return r;
  *rec = t->raw + t->raw_pos;
  raw_consume(t, need);
  return 1;
}

static int next_pcap(rup_trace *t, rup_trace_packet *pkt) {
  for (;;) {
    const uint8_t *h = NULL;
    uint32_t caplen = 0;
    int r = t->gz ? 0 : pcap_in_place(t, &h, &caplen);
    if (r == 0) { /* compressed, or the record is not whole in the window: copy it */
      r = rec_fill(t, 0, t->rec_hdr);
      if (r <= 0) return r;
      r = pcap_caplen(t, t->rec, &caplen);
      if (r == 0) r = rec_fill(t, t->rec_hdr, t->rec_hdr + caplen); /* never 0: have > 0 */
      h = t->rec;
    }
    if (r < 0) return r;
    if (pcap_record(t, h, caplen, pkt)) return 1;
  }
}

/* ---- pcapng ---- */

static int64_t sat_add(int64_t a, int64_t b) {
  if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
  if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
  return a + b;
}

/* 64-bit timestamp in if_tsresol units since 1970 → µs (floor), plus if_tsoffset. */
static int64_t ng_ts_us(const ng_if *i, uint64_t ts) {
  uint64_t sec, rem_us;
  unsigned v = i->tsres_exp;
  if (i->tsres_bin) { /* 2^-v s */
    sec = v ? ts >> v : ts;
    uint64_t rem = v ? ts & ((UINT64_C(1) << v) - 1) : 0;
    if (v <= 44) {
      rem_us = (rem * 1000000u) >> v;
    } else { /* exact floor of rem*10^6 / 2^v without 128-bit arithmetic */
      uint64_t hi = rem >> 32, lo = rem & 0xFFFFFFFFu;
      rem_us = (hi * 1000000u + ((lo * 1000000u) >> 32)) >> (v - 32);
    }
  } else { /* 10^-v s */
    uint64_t unit = 1;
    for (unsigned k = 0; k < v; k++) unit *= 10;
    sec = ts / unit;
    uint64_t rem = ts % unit;
    if (v >= 6) {
      uint64_t d = 1;
      for (unsigned k = 6; k < v; k++) d *= 10;
      rem_us = rem / d;
    } else {
      uint64_t m = 1;
      for (unsigned k = v; k < 6; k++) m *= 10;
      rem_us = rem * m;
    }
  }
  if (sec > (uint64_t)(INT64_MAX / 1000000 - 1)) return INT64_MAX;
  int64_t us = (int64_t)(sec * 1000000u + rem_us);
  int64_t off = i->offset_s;
  if (off > INT64_MAX / 1000000) return INT64_MAX;
  if (off < INT64_MIN / 1000000) off = INT64_MIN / 1000000;
  return sat_add(us, off * 1000000);
}

/* Read one block into rec (type, length, body, trailing length). `have` bytes of it are
 * already there. Returns 1, 0 at a clean end, or an error. SHB sets the byte order. */
static int ng_read_block(rup_trace *t, size_t have, uint32_t *type, uint32_t *blen) {
  int r = rec_fill(t, have, 8);
  if (r <= 0) return r;
  *type = rup__rd32(t->rec); /* SHB type is a palindrome; others are compared after r32 */
  if (*type == NG_SHB) {
    r = rec_fill(t, 8, 12);
    if (r <= 0) return r < 0 ? r : RUP_ERR_TRUNCATED;
    if (rup__rd32le(t->rec + 8) == NG_BOM) t->be = 0;
    else if (rup__rd32(t->rec + 8) == NG_BOM) t->be = 1;
    else return RUP_ERR_MALFORMED;
    have = 12;
  } else {
    *type = r32(t, t->rec);
    have = 8;
  }
  uint32_t len = r32(t, t->rec + 4);
  if (len < 12 || len % 4 != 0 || len > RUP__PCAPNG_MAX_BLOCK) return RUP_ERR_MALFORMED;
  if (*type == NG_SHB && len < 28) return RUP_ERR_MALFORMED;
  r = rec_fill(t, have, len);
  if (r <= 0) return r < 0 ? r : RUP_ERR_TRUNCATED;
  if (r32(t, t->rec + len - 4) != len) return RUP_ERR_MALFORMED;
  *blen = len;
  return 1;
}

static int ng_shb(rup_trace *t) {
  if (r16(t, t->rec + 12) != 1) return RUP_ERR_MALFORMED; /* major version 1 */
  t->n_if = 0; /* a new section resets the interface numbering */
  return 0;
}

static int ng_idb(rup_trace *t, uint32_t len) {
  if (len < 20) return RUP_ERR_MALFORMED;
  if (t->n_if >= RUP__PCAPNG_MAX_IF) return RUP_ERR_MALFORMED;
  ng_if i = {r16(t, t->rec + 8), r32(t, t->rec + 12), 0, 6, 0}; /* default 10^-6 */
  const uint8_t *o = t->rec + 16, *end = t->rec + len - 4;
  int seen_res = 0, seen_off = 0;
  while (end - o >= 4) {
    uint16_t code = r16(t, o), olen = r16(t, o + 2);
    if (code == 0) break; /* opt_endofopt */
    size_t padded = ((size_t)olen + 3) & ~(size_t)3;
    if (padded > (size_t)(end - o - 4)) return RUP_ERR_MALFORMED;
    const uint8_t *v = o + 4;
    if (code == 9) { /* if_tsresol: MSB 0 → 10^-v, MSB 1 → 2^-v */
      if (olen != 1 || seen_res++) return RUP_ERR_MALFORMED;
      i.tsres_bin = (v[0] & 0x80) != 0;
      i.tsres_exp = v[0] & 0x7F;
      if (i.tsres_bin ? i.tsres_exp > 63 : i.tsres_exp > 19) return RUP_ERR_MALFORMED; /* unit must fit 64 bits */
    } else if (code == 14) { /* if_tsoffset: signed seconds */
      if (olen != 8 || seen_off++) return RUP_ERR_MALFORMED;
      i.offset_s = (int64_t)(t->be ? rup__rd64(v) : rup__rd64le(v));
    }
    o += 4 + padded;
  }
  if (!t->seen_idb) { /* rup_trace_info.nanosecond follows the first interface */
    t->seen_idb = 1;
    t->info.nanosecond = i.tsres_bin ? i.tsres_exp >= 20 : i.tsres_exp > 6;
  }
  t->ifs[t->n_if++] = i;
  return 0;
}

static int next_pcapng(rup_trace *t, rup_trace_packet *pkt) {
  for (;;) {
    uint32_t type, len;
    int r = ng_read_block(t, 0, &type, &len);
    if (r <= 0) return r;
    const uint8_t *b = t->rec + 8; /* body */
    size_t blen = len - 12;
    const ng_if *i;
    uint32_t caplen;
    int64_t ts;
    switch (type) {
      case NG_SHB:
        if ((r = ng_shb(t)) < 0) return r;
        continue;
      case NG_IDB:
        if ((r = ng_idb(t, len)) < 0) return r;
        continue;
      case NG_EPB: /* if_id(4) ts_hi(4) ts_lo(4) caplen(4) origlen(4) data options */
      case NG_PB: { /* if_id(2) drops(2) ts_hi ts_lo caplen len data options (obsolete) */
        if (blen < 20) return RUP_ERR_MALFORMED;
        uint32_t ifid = type == NG_EPB ? r32(t, b) : r16(t, b);
        if (ifid >= t->n_if) return RUP_ERR_MALFORMED; /* also: packet before any IDB */
        i = &t->ifs[ifid];
        caplen = r32(t, b + 12);
        uint32_t orig = r32(t, b + 16);
        if (caplen > blen - 20 || caplen > orig) return RUP_ERR_MALFORMED;
        ts = ng_ts_us(i, ((uint64_t)r32(t, b + 4) << 32) | r32(t, b + 8));
        if (handle_record(t, i->linktype, b + 20, caplen, ts, pkt)) return 1;
        continue;
      }
      case NG_SPB: { /* origlen(4) data; interface 0; no timestamp */
        if (blen < 4) return RUP_ERR_MALFORMED;
        if (t->n_if == 0) return RUP_ERR_MALFORMED;
        i = &t->ifs[0];
        caplen = r32(t, b);
        if (caplen > blen - 4) caplen = (uint32_t)(blen - 4);
        if (i->snaplen != 0 && caplen > i->snaplen) caplen = i->snaplen;
        ts = t->info.last_ts_us == INT64_MIN ? 0 : t->info.last_ts_us;
        if (handle_record(t, i->linktype, b + 4, caplen, ts, pkt)) return 1;
        continue;
      }
      default:
        continue; /* NRB, ISB, DSB, custom and unknown blocks */
    }
  }
}

/* ---- open / close ---- */

static voidpf z_alloc(voidpf opaque, uInt items, uInt size) {
  rup_trace *t = opaque;
  if (size != 0 && items > SIZE_MAX / size) return Z_NULL;
  return rup__malloc(&t->mem, (size_t)items * size);
}
static void z_free(voidpf opaque, voidpf p) {
  rup_trace *t = opaque;
  rup__free(&t->mem, p);
}

static int open_common(rup_trace *t) {
  size_t avail;
  int r = raw_ensure(t, 2, &avail);
  if (r < 0) return r;
  if (avail >= 2 && t->raw[t->raw_pos] == 0x1F && t->raw[t->raw_pos + 1] == 0x8B) { /* RFC 1952 ID1 ID2 */
    t->gz = 1;
    t->info.gzip = 1;
    t->zs.zalloc = z_alloc;
    t->zs.zfree = z_free;
    t->zs.opaque = t;
    int zr = inflateInit2(&t->zs, 16 + MAX_WBITS); /* gzip wrapper only */
    if (zr == Z_MEM_ERROR) return RUP_ERR_NOMEM;
    if (zr != Z_OK) return RUP_ERR_INTERNAL;
    t->zs_init = 1;
  }
  r = rec_fill(t, 0, 4);
  if (r < 0 && r != RUP_ERR_TRUNCATED) return r == RUP_ERR_MALFORMED ? RUP_ERR_FORMAT : r;
  if (r <= 0) return RUP_ERR_FORMAT; /* fewer than 4 bytes: not a capture */
  uint32_t le = rup__rd32le(t->rec), be = rup__rd32(t->rec);
  if (be == NG_SHB) {
    t->format = RUP_TRACE_PCAPNG;
    t->info.format = RUP_TRACE_PCAPNG;
    t->ifs = rup__malloc(&t->mem, RUP__PCAPNG_MAX_IF * sizeof *t->ifs);
    if (!t->ifs) return RUP_ERR_NOMEM;
    uint32_t type, len;
    r = ng_read_block(t, 4, &type, &len);
    if (r == 0) r = RUP_ERR_TRUNCATED;
    if (r == 1) r = ng_shb(t);
    if (r == RUP_ERR_MALFORMED) r = RUP_ERR_FORMAT;
    return r < 0 ? r : 0;
  }
  uint32_t magic;
  if (le == PCAP_MAGIC_US || le == PCAP_MAGIC_NS || le == PCAP_MAGIC_KUZNETZOV) {
    t->be = 0;
    magic = le;
  } else if (be == PCAP_MAGIC_US || be == PCAP_MAGIC_NS || be == PCAP_MAGIC_KUZNETZOV) {
    t->be = 1;
    magic = be;
  } else {
    return RUP_ERR_FORMAT;
  }
  t->format = RUP_TRACE_PCAP;
  t->info.format = RUP_TRACE_PCAP;
  r = rec_fill(t, 4, 24);
  if (r < 0) return r == RUP_ERR_MALFORMED ? RUP_ERR_FORMAT : r;
  if (r == 0) return RUP_ERR_TRUNCATED;
  if (r16(t, t->rec + 4) != 2) return RUP_ERR_FORMAT; /* version_major 2 (libpcap) */
  uint32_t snap = r32(t, t->rec + 16);
  /* libpcap: snaplen 0 or above the maximum reads as the maximum. */
  t->snaplen = (snap == 0 || snap > RUP__PCAP_MAX_CAPLEN) ? RUP__PCAP_MAX_CAPLEN : snap;
  t->linktype = r32(t, t->rec + 20) & 0x03FFFFFFu; /* LT_LINKTYPE: upper bits carry FCS info */
  if (!rup__link_supported(t->linktype)) return RUP_ERR_FORMAT;
  t->nsec = magic == PCAP_MAGIC_NS;
  t->info.nanosecond = t->nsec;
  t->rec_hdr = magic == PCAP_MAGIC_KUZNETZOV ? 24 : 16;
  return 0;
}

static rup_trace *trace_alloc(const rup_mem *mem) {
  if (!mem) mem = rup_mem_default();
  rup_trace *t = rup__calloc(mem, sizeof *t);
  if (!t) return NULL;
  t->mem = *mem;
  t->info.version = RUP_TRACE_INFO_VERSION;
  t->info.first_ts_us = INT64_MIN;
  t->info.last_ts_us = INT64_MIN;
  return t;
}

int rup_trace_open_memory(rup_trace **out, const uint8_t *buf, size_t len, const rup_mem *mem) {
  if (!out || (!buf && len)) return RUP_ERR_INVALID_ARGUMENT;
  rup_trace *t = trace_alloc(mem);
  if (!t) return RUP_ERR_NOMEM;
  t->raw = buf;
  t->raw_len = len;
  t->raw_eof = 1;
  t->info.file_size = len;
  int r = open_common(t);
  if (r < 0) {
    rup_trace_del(t);
    return r;
  }
  *out = t;
  return 0;
}

int rup_trace_open(rup_trace **out, const char *path, const rup_mem *mem) {
  if (!out || !path) return RUP_ERR_INVALID_ARGUMENT;
  rup_trace *t = trace_alloc(mem);
  if (!t) return RUP_ERR_NOMEM;
  t->raw_buf = rup__malloc(&t->mem, RAW_CHUNK);
  if (!t->raw_buf) {
    rup_trace_del(t);
    return RUP_ERR_NOMEM;
  }
  t->raw = t->raw_buf;
  t->fp = fopen(path, "rb");
  if (!t->fp) {
    rup_trace_del(t);
    return RUP_ERR_IO;
  }
  struct stat st;
  if (fstat(fileno(t->fp), &st) == 0 && st.st_size > 0) t->info.file_size = (uint64_t)st.st_size;
  int r = open_common(t);
  if (r < 0) {
    rup_trace_del(t);
    return r;
  }
  *out = t;
  return 0;
}

void rup_trace_del(rup_trace *t) {
  if (!t) return;
  if (t->zs_init) inflateEnd(&t->zs);
  if (t->fp) fclose(t->fp);
  rup_mem mem = t->mem;
  rup__free(&mem, t->raw_buf);
  rup__free(&mem, t->rec);
  rup__free(&mem, t->ifs);
  rup__free(&mem, t);
}

int rup_trace_next(rup_trace *t, rup_trace_packet *pkt) {
  if (!t || !pkt) return RUP_ERR_INVALID_ARGUMENT;
  if (t->err) return t->err;
  if (t->eof) return 0;
  int r = t->format == RUP_TRACE_PCAPNG ? next_pcapng(t, pkt) : next_pcap(t, pkt);
  if (r == 0 && t->z_trunc) r = RUP_ERR_TRUNCATED; /* gzip member cut short */
  if (r < 0) t->err = r;
  else if (r == 0) t->eof = 1;
  return r;
}

const rup_mem *rup__trace_mem(const rup_trace *t) { return &t->mem; }
uint64_t rup__trace_bytes_read(const rup_trace *t) { return t->info.bytes_read; }

int rup_trace_get_info_versioned(const rup_trace *t, int version, rup_trace_info *out) {
  if (!t || !out) return RUP_ERR_INVALID_ARGUMENT;
  if (version != RUP_TRACE_INFO_VERSION) return RUP_ERR_VERSION;
  *out = t->info;
  return 0;
}
