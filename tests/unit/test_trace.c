/* White-box tests of lib/trace: capture readers (every format branch, built byte by
 * byte), link layers, IP/UDP, gzip, real captures, SIP/SDP parsing and discovery. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "testutil.h"
#include "trace/trace.h"

/* ---- byte builders ---- */

typedef struct bb {
  uint8_t *p;
  size_t n, cap;
} bb;

static void put(bb *b, const void *d, size_t n) {
  if (b->n + n > b->cap) {
    b->cap = (b->n + n) * 2 + 64;
    b->p = realloc(b->p, b->cap);
    assert_non_null(b->p);
  }
  if (n) memcpy(b->p + b->n, d, n);
  b->n += n;
}
static void u8(bb *b, unsigned v) {
  uint8_t x = (uint8_t)v;
  put(b, &x, 1);
}
static void u16e(bb *b, int be, unsigned v) {
  uint8_t x[2] = {(uint8_t)(be ? v >> 8 : v), (uint8_t)(be ? v : v >> 8)};
  put(b, x, 2);
}
static void u32e(bb *b, int be, uint32_t v) {
  for (int i = 0; i < 4; i++) u8(b, be ? v >> (24 - 8 * i) : v >> (8 * i));
}
static void u64e(bb *b, int be, uint64_t v) {
  if (be) {
    u32e(b, 1, (uint32_t)(v >> 32));
    u32e(b, 1, (uint32_t)v);
  } else {
    u32e(b, 0, (uint32_t)v);
    u32e(b, 0, (uint32_t)(v >> 32));
  }
}
static void zeros(bb *b, size_t n) {
  for (size_t i = 0; i < n; i++) u8(b, 0);
}
static void bb_free(bb *b) {
  free(b->p);
  memset(b, 0, sizeof *b);
}

static const uint8_t SRC4[4] = {10, 0, 0, 1}, DST4[4] = {10, 0, 0, 2};
static const uint8_t SRC6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
static const uint8_t DST6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 2};
static const uint8_t PAYLOAD[] = "hello rtp payload";
#define PLEN (sizeof PAYLOAD - 1)

/* IPv4 + UDP. */
static void ipv4_udp(bb *b, uint8_t proto, uint16_t frag, const uint8_t *pl, size_t n) {
  u8(b, 0x45);
  u8(b, 0);
  u16e(b, 1, (unsigned)(20 + 8 + n));
  u16e(b, 1, 0x1234);
  u16e(b, 1, frag);
  u8(b, 64);
  u8(b, proto);
  u16e(b, 1, 0);
  put(b, SRC4, 4);
  put(b, DST4, 4);
  u16e(b, 1, 40000);
  u16e(b, 1, 5004);
  u16e(b, 1, (unsigned)(8 + n));
  u16e(b, 1, 0);
  put(b, pl, n);
}
/* IPv6 + optional extension headers (already chained, last one's next header = 17) + UDP. */
static void ipv6_udp(bb *b, uint8_t first_nh, const uint8_t *ext, size_t ext_len, const uint8_t *pl, size_t n) {
  u32e(b, 1, 0x60000000u);
  u16e(b, 1, (unsigned)(ext_len + 8 + n));
  u8(b, first_nh);
  u8(b, 64);
  put(b, SRC6, 16);
  put(b, DST6, 16);
  put(b, ext, ext_len);
  u16e(b, 1, 40000);
  u16e(b, 1, 5004);
  u16e(b, 1, (unsigned)(8 + n));
  u16e(b, 1, 0);
  put(b, pl, n);
}
static void eth_hdr(bb *b, uint16_t type) {
  zeros(b, 12);
  u16e(b, 1, type);
}
/* An Ethernet frame carrying the standard IPv4 UDP test datagram. */
static void eth_ipv4(bb *b) {
  eth_hdr(b, 0x0800);
  ipv4_udp(b, 17, 0, PAYLOAD, PLEN);
}

/* pcap file header and record (libpcap sf-pcap.c layout). */
static void pcap_hdr(bb *f, int be, uint32_t magic, uint32_t snap, uint32_t lt) {
  u32e(f, be, magic);
  u16e(f, be, 2);
  u16e(f, be, 4);
  u32e(f, be, 0);
  u32e(f, be, 0);
  u32e(f, be, snap);
  u32e(f, be, lt);
}
static void pcap_rec(bb *f, int be, uint32_t sec, uint32_t frac, const uint8_t *d, uint32_t caplen, uint32_t len) {
  u32e(f, be, sec);
  u32e(f, be, frac);
  u32e(f, be, caplen);
  u32e(f, be, len);
  put(f, d, caplen);
}
/* A pcap with one record holding `frame`. */
static void pcap_one(bb *f, uint32_t lt, const bb *frame) {
  pcap_hdr(f, 0, 0xA1B2C3D4u, 65535, lt);
  pcap_rec(f, 0, 1700000000u, 250000, frame->p, (uint32_t)frame->n, (uint32_t)frame->n);
}

/* pcapng blocks. */
static void ng_block(bb *f, int be, uint32_t type, const bb *body) {
  uint32_t len = (uint32_t)(12 + ((body->n + 3) & ~(size_t)3));
  u32e(f, be, type);
  u32e(f, be, len);
  put(f, body->p, body->n);
  zeros(f, ((body->n + 3) & ~(size_t)3) - body->n);
  u32e(f, be, len);
}
static void ng_shb(bb *f, int be) {
  bb b = {0};
  u32e(&b, be, 0x1A2B3C4Du);
  u16e(&b, be, 1);
  u16e(&b, be, 0);
  u64e(&b, be, UINT64_MAX);
  ng_block(f, be, 0x0A0D0D0Au, &b);
  bb_free(&b);
}
/* IDB; tsresol < 0: no option; tsoffset_set: add if_tsoffset. */
static void ng_idb(bb *f, int be, uint16_t lt, uint32_t snap, int tsresol, int tsoffset_set, int64_t tsoffset) {
  bb b = {0};
  u16e(&b, be, lt);
  u16e(&b, be, 0);
  u32e(&b, be, snap);
  if (tsresol >= 0) {
    u16e(&b, be, 9);
    u16e(&b, be, 1);
    u8(&b, (unsigned)tsresol);
    zeros(&b, 3);
  }
  if (tsoffset_set) {
    u16e(&b, be, 14);
    u16e(&b, be, 8);
    u64e(&b, be, (uint64_t)tsoffset);
  }
  u16e(&b, be, 0); /* opt_endofopt */
  u16e(&b, be, 0);
  ng_block(f, be, 1, &b);
  bb_free(&b);
}
static void ng_epb(bb *f, int be, uint32_t ifid, uint64_t ts, const bb *frame) {
  bb b = {0};
  u32e(&b, be, ifid);
  u32e(&b, be, (uint32_t)(ts >> 32));
  u32e(&b, be, (uint32_t)ts);
  u32e(&b, be, (uint32_t)frame->n);
  u32e(&b, be, (uint32_t)frame->n);
  put(&b, frame->p, frame->n);
  ng_block(f, be, 6, &b);
  bb_free(&b);
}
static void ng_spb(bb *f, int be, const bb *frame) {
  bb b = {0};
  u32e(&b, be, (uint32_t)frame->n);
  put(&b, frame->p, frame->n);
  ng_block(f, be, 3, &b);
  bb_free(&b);
}
static void ng_raw(bb *f, int be, uint32_t type, size_t body_len) {
  bb b = {0};
  for (size_t i = 0; i < body_len; i++) u8(&b, (unsigned)(i * 7));
  ng_block(f, be, type, &b);
  bb_free(&b);
}

/* gzip a buffer (RFC 1952 wrapper through deflateInit2 16+MAX_WBITS). */
static void gzip_buf(bb *out, const uint8_t *in, size_t n) {
  z_stream zs;
  memset(&zs, 0, sizeof zs);
  assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  uLong bound = deflateBound(&zs, (uLong)n) + 32;
  size_t base = out->n;
  zeros(out, bound);
  zs.next_in = (Bytef *)(uintptr_t)in;
  zs.avail_in = (uInt)n;
  zs.next_out = out->p + base;
  zs.avail_out = (uInt)bound;
  assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out->n = base + zs.total_out;
  deflateEnd(&zs);
}

/* ---- reading helpers ---- */

typedef struct got {
  int rc;               /* last rup_trace_next result */
  size_t n;             /* UDP datagrams */
  rup_trace_packet pkt[8];
  uint8_t data[8][2048];
  rup_trace_info info;
} got;

static int read_all(const uint8_t *buf, size_t len, got *g) {
  memset(g, 0, sizeof *g);
  rup_trace *t = NULL;
  int r = rup_trace_open_memory(&t, buf, len, NULL);
  if (r < 0) return r;
  while ((r = rup_trace_next(t, &g->pkt[g->n < 8 ? g->n : 7])) == 1) {
    size_t i = g->n < 8 ? g->n : 7;
    size_t c = g->pkt[i].payload_len < 2048 ? g->pkt[i].payload_len : 2048;
    memcpy(g->data[i], g->pkt[i].payload, c);
    g->n++;
  }
  g->rc = r;
  assert_int_equal(rup_trace_next(t, &g->pkt[0]), r); /* the reader stays at its end / error */
  assert_int_equal(rup_trace_get_info(t, &g->info), 0);
  rup_trace_del(t);
  return 0;
}

static void assert_std_packet(const got *g, size_t i) {
  assert_int_equal(g->pkt[i].payload_len, PLEN);
  assert_memory_equal(g->data[i], PAYLOAD, PLEN);
  assert_int_equal(g->pkt[i].src.port, 40000);
  assert_int_equal(g->pkt[i].dst.port, 5004);
}

/* ---- pcap ---- */

static void test_pcap_magics(void **state) {
  (void)state;
  for (int be = 0; be < 2; be++) {
    for (int ns = 0; ns < 2; ns++) {
      bb fr = {0}, f = {0};
      eth_ipv4(&fr);
      pcap_hdr(&f, be, ns ? 0xA1B23C4Du : 0xA1B2C3D4u, 65535, 1);
      pcap_rec(&f, be, 1700000000u, ns ? 123456789u : 123456u, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
      pcap_rec(&f, be, 1700000001u, ns ? 999u : 7u, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
      got g;
      assert_int_equal(read_all(f.p, f.n, &g), 0);
      assert_int_equal(g.rc, 0);
      assert_int_equal(g.n, 2);
      assert_std_packet(&g, 0);
      assert_int_equal(g.pkt[0].src.family, 4);
      assert_memory_equal(g.pkt[0].src.addr, SRC4, 4);
      assert_memory_equal(g.pkt[0].dst.addr, DST4, 4);
      assert_true(g.pkt[0].ts_us == INT64_C(1700000000123456));
      assert_true(g.pkt[1].ts_us == INT64_C(1700000001000000) + (ns ? 0 : 7)); /* ns floor-divided */
      assert_int_equal(g.pkt[0].record, 1);
      assert_int_equal(g.pkt[1].record, 2);
      assert_int_equal(g.info.format, RUP_TRACE_PCAP);
      assert_int_equal(g.info.nanosecond, ns);
      assert_int_equal(g.info.gzip, 0);
      assert_int_equal(g.info.records, 2);
      assert_int_equal(g.info.udp, 2);
      assert_true(g.info.first_ts_us == g.pkt[0].ts_us);
      assert_true(g.info.last_ts_us == g.pkt[1].ts_us);
      assert_int_equal(g.info.bytes_read, f.n);
      assert_int_equal(g.info.file_size, f.n);
      bb_free(&fr);
      bb_free(&f);
    }
  }
}

static void test_pcap_kuznetzov(void **state) {
  (void)state;
  bb fr = {0}, f = {0};
  eth_ipv4(&fr);
  pcap_hdr(&f, 0, 0xA1B2CD34u, 65535, 1);
  u32e(&f, 0, 5);
  u32e(&f, 0, 6);
  u32e(&f, 0, (uint32_t)fr.n);
  u32e(&f, 0, (uint32_t)fr.n);
  u32e(&f, 0, 1); /* index */
  u16e(&f, 0, 0x0800); /* protocol */
  u8(&f, 0);           /* pkt_type */
  u8(&f, 0);           /* padding to 24 bytes */
  put(&f, fr.p, fr.n);
  got g;
  assert_int_equal(read_all(f.p, f.n, &g), 0);
  assert_int_equal(g.rc, 0);
  assert_int_equal(g.n, 1);
  assert_std_packet(&g, 0);
  assert_true(g.pkt[0].ts_us == 5000006);
  bb_free(&fr);
  bb_free(&f);
}

static void test_pcap_header_errors(void **state) {
  (void)state;
  got g;
  rup_trace *t = NULL;
  assert_int_equal(rup_trace_open_memory(&t, NULL, 0, NULL), RUP_ERR_FORMAT); /* empty */
  assert_null(t);
  assert_int_equal(rup_trace_open_memory(NULL, PAYLOAD, 4, NULL), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_trace_open_memory(&t, NULL, 5, NULL), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(read_all((const uint8_t *)"\xd4\xc3\xb2", 3, &g), RUP_ERR_FORMAT);
  assert_int_equal(read_all((const uint8_t *)"GIF89a..", 8, &g), RUP_ERR_FORMAT);
  bb f = {0};
  pcap_hdr(&f, 0, 0xA1B2C3D4u, 65535, 1);
  for (size_t l = 4; l < 24; l++) assert_int_equal(read_all(f.p, l, &g), RUP_ERR_TRUNCATED);
  assert_int_equal(read_all(f.p, 24, &g), 0); /* header only: empty capture */
  assert_int_equal(g.rc, 0);
  assert_int_equal(g.info.records, 0);
  assert_true(g.info.first_ts_us == INT64_MIN);
  bb_free(&f);
  pcap_hdr(&f, 0, 0xA1B2C3D4u, 65535, 147); /* USER0: not read */
  assert_int_equal(read_all(f.p, f.n, &g), RUP_ERR_FORMAT);
  bb_free(&f);
  pcap_hdr(&f, 1, 0xA1B2C3D4u, 65535, 0x04000001u); /* FCS bits above LT_LINKTYPE are masked */
  assert_int_equal(read_all(f.p, f.n, &g), 0);
  bb_free(&f);
  pcap_hdr(&f, 0, 0xA1B2C3D4u, 65535, 1);
  f.p[4] = 3; /* version_major 3 */
  assert_int_equal(read_all(f.p, f.n, &g), RUP_ERR_FORMAT);
  bb_free(&f);
}

static void test_pcap_record_errors(void **state) {
  (void)state;
  bb fr = {0};
  eth_ipv4(&fr);
  got g;
  /* caplen > snaplen */
  bb f = {0};
  pcap_hdr(&f, 0, 0xA1B2C3D4u, 40, 1);
  pcap_rec(&f, 0, 1, 0, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
  assert_true(fr.n > 40);
  assert_int_equal(read_all(f.p, f.n, &g), 0);
  assert_int_equal(g.rc, RUP_ERR_MALFORMED);
  assert_int_equal(g.info.records, 0);
  bb_free(&f);
  /* caplen > len */
  pcap_hdr(&f, 0, 0xA1B2C3D4u, 65535, 1);
  pcap_rec(&f, 0, 1, 0, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
  pcap_rec(&f, 0, 1, 0, fr.p, (uint32_t)fr.n, (uint32_t)fr.n - 1);
  assert_int_equal(read_all(f.p, f.n, &g), 0);
  assert_int_equal(g.rc, RUP_ERR_MALFORMED);
  assert_int_equal(g.n, 1); /* counters keep what was read */
  assert_int_equal(g.info.records, 1);
  bb_free(&f);
  /* caplen above 256 KiB even with snaplen 0 (read as the maximum) */
  pcap_hdr(&f, 0, 0xA1B2C3D4u, 0, 1);
  u32e(&f, 0, 1);
  u32e(&f, 0, 0);
  u32e(&f, 0, 256 * 1024 + 1);
  u32e(&f, 0, 256 * 1024 + 1);
  assert_int_equal(read_all(f.p, f.n, &g), 0);
  assert_int_equal(g.rc, RUP_ERR_MALFORMED);
  bb_free(&f);
  /* zero-length record, and a record larger than the frame's lengths say (padding) */
  pcap_hdr(&f, 0, 0xA1B2C3D4u, 65535, 1);
  pcap_rec(&f, 0, 1, 0, fr.p, 0, 60);
  bb pad = {0};
  put(&pad, fr.p, fr.n);
  zeros(&pad, 6); /* Ethernet trailer after the IP datagram */
  pcap_rec(&f, 0, 2, 0, pad.p, (uint32_t)pad.n, (uint32_t)pad.n);
  assert_int_equal(read_all(f.p, f.n, &g), 0);
  assert_int_equal(g.rc, 0);
  assert_int_equal(g.info.records, 2);
  assert_int_equal(g.info.skipped_bad, 1);
  assert_int_equal(g.n, 1);
  assert_std_packet(&g, 0); /* the trailer is not payload */
  assert_int_equal(g.pkt[0].record, 2);
  bb_free(&pad);
  bb_free(&f);
  bb_free(&fr);
}

/* Every prefix of a capture: a clean end exactly at record boundaries, TRUNCATED
 * elsewhere (FORMAT before the magic is complete); never a crash. */
static void check_prefixes(const bb *f, const size_t *bounds, size_t nb) {
  for (size_t l = 0; l < f->n; l++) {
    got g;
    uint8_t *copy = malloc(l ? l : 1); /* exact-size buffer: ASan catches over-reads */
    memcpy(copy, f->p, l);
    int r = read_all(copy, l, &g);
    free(copy);
    int boundary = 0;
    size_t recs = 0;
    for (size_t i = 0; i < nb; i++) {
      if (bounds[i] == l) boundary = 1;
      if (bounds[i] <= l) recs = i;
    }
    if (r < 0) {
      assert_true(l < bounds[0]);
      assert_true(r == (l < 4 ? RUP_ERR_FORMAT : RUP_ERR_TRUNCATED));
      continue;
    }
    assert_int_equal(g.rc, boundary ? 0 : RUP_ERR_TRUNCATED);
    assert_int_equal(g.info.records, recs);
    assert_true(g.info.bytes_read <= l);
  }
}

static void test_pcap_truncated_prefixes(void **state) {
  (void)state;
  bb fr = {0}, f = {0};
  eth_ipv4(&fr);
  pcap_hdr(&f, 1, 0xA1B23C4Du, 65535, 1);
  size_t bounds[4];
  bounds[0] = f.n;
  for (int i = 0; i < 3; i++) {
    pcap_rec(&f, 1, 10u + (uint32_t)i, 5, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
    bounds[i + 1] = f.n;
  }
  check_prefixes(&f, bounds, 4);
  bb_free(&f);
  bb_free(&fr);
}

/* ---- link layers ---- */

static void expect_one_udp(uint32_t lt, const bb *frame, int family) {
  bb f = {0};
  pcap_one(&f, lt, frame);
  got g;
  assert_int_equal(read_all(f.p, f.n, &g), 0);
  assert_int_equal(g.rc, 0);
  assert_int_equal(g.n, 1);
  assert_std_packet(&g, 0);
  assert_int_equal(g.pkt[0].src.family, family);
  assert_int_equal(g.pkt[0].dst.family, family);
  if (family == 6) {
    assert_memory_equal(g.pkt[0].src.addr, SRC6, 16);
    assert_memory_equal(g.pkt[0].dst.addr, DST6, 16);
  } else {
    assert_memory_equal(g.pkt[0].src.addr, SRC4, 4);
    assert_memory_equal(g.pkt[0].dst.addr, DST4, 4);
  }
  bb_free(&f);
}


static void test_link_types(void **state) {
  (void)state;
  bb ip4 = {0}, ip6 = {0};
  ipv4_udp(&ip4, 17, 0, PAYLOAD, PLEN);
  ipv6_udp(&ip6, 17, NULL, 0, PAYLOAD, PLEN);
  struct {
    uint32_t af;
    int be;
    const bb *ip;
    int fam;
  } nulls[] = {{2, 0, &ip4, 4}, {2, 1, &ip4, 4}, {24, 0, &ip6, 6}, {28, 1, &ip6, 6}, {30, 0, &ip6, 6},
               {30, 1, &ip6, 6}};
  for (size_t i = 0; i < sizeof nulls / sizeof nulls[0]; i++) {
    bb fr = {0};
    u32e(&fr, nulls[i].be, nulls[i].af);
    put(&fr, nulls[i].ip->p, nulls[i].ip->n);
    expect_one_udp(RUP__LT_NULL, &fr, nulls[i].fam);
    if (nulls[i].be) expect_one_udp(RUP__LT_LOOP, &fr, nulls[i].fam); /* LOOP: network order */
    bb_free(&fr);
  }
  /* Ethernet, 802.1Q, QinQ (0x88A8 + 0x8100), 0x9100, with IPv4 and IPv6. */
  static const uint16_t tags[][3] = {{0}, {0x8100}, {0x88A8, 0x8100}, {0x9100, 0x8100, 0x8100}};
  for (size_t i = 0; i < 4; i++) {
    for (int v6 = 0; v6 < 2; v6++) {
      bb fr = {0};
      zeros(&fr, 12);
      for (size_t k = 0; k < 3 && tags[i][k]; k++) {
        u16e(&fr, 1, tags[i][k]);
        u16e(&fr, 1, 100 + (unsigned)k); /* TCI */
      }
      u16e(&fr, 1, v6 ? 0x86DD : 0x0800);
      put(&fr, v6 ? ip6.p : ip4.p, v6 ? ip6.n : ip4.n);
      expect_one_udp(RUP__LT_EN10MB, &fr, v6 ? 6 : 4);
      bb_free(&fr);
    }
  }
  /* Raw IP link types. */
  static const uint32_t raws[] = {RUP__LT_RAW, RUP__LT_RAW_12, RUP__LT_RAW_14};
  for (size_t i = 0; i < 3; i++) {
    expect_one_udp(raws[i], &ip4, 4);
    expect_one_udp(raws[i], &ip6, 6);
  }
  expect_one_udp(RUP__LT_IPV4, &ip4, 4);
  expect_one_udp(RUP__LT_IPV6, &ip6, 6);
  /* Linux cooked captures: SLL (protocol at offset 14 of 16) and SLL2 (offset 0 of 20). */
  for (int v6 = 0; v6 < 2; v6++) {
    bb fr = {0};
    u16e(&fr, 1, 0);      /* packet type */
    u16e(&fr, 1, 772);    /* ARPHRD_LOOPBACK */
    u16e(&fr, 1, 6);      /* address length */
    zeros(&fr, 8);        /* address */
    u16e(&fr, 1, v6 ? 0x86DD : 0x0800);
    put(&fr, v6 ? ip6.p : ip4.p, v6 ? ip6.n : ip4.n);
    expect_one_udp(RUP__LT_LINUX_SLL, &fr, v6 ? 6 : 4);
    bb_free(&fr);
    u16e(&fr, 1, v6 ? 0x86DD : 0x0800); /* protocol */
    u16e(&fr, 1, 0);                    /* reserved */
    u32e(&fr, 1, 1);                    /* interface index */
    u16e(&fr, 1, 1);                    /* ARPHRD_ETHER */
    u8(&fr, 4);                         /* packet type: outgoing */
    u8(&fr, 6);                         /* address length */
    zeros(&fr, 8);
    put(&fr, v6 ? ip6.p : ip4.p, v6 ? ip6.n : ip4.n);
    expect_one_udp(RUP__LT_LINUX_SLL2, &fr, v6 ? 6 : 4);
    bb_free(&fr);
  }
  bb_free(&ip4);
  bb_free(&ip6);
}

/* Decode one frame directly and return its kind. */
static int kind_of(uint32_t lt, const bb *fr, rup__udp *u) { return rup__decode_frame(lt, fr->p, fr->n, u); }

static void test_ip_udp_cases(void **state) {
  (void)state;
  rup__udp u;
  bb fr = {0};
  /* IPv4 fragments: MF set, and a non-zero offset. */
  ipv4_udp(&fr, 17, 0x2000, PAYLOAD, PLEN);
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_FRAGMENT);
  bb_free(&fr);
  ipv4_udp(&fr, 17, 0x0010, PAYLOAD, PLEN);
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_FRAGMENT);
  bb_free(&fr);
  ipv4_udp(&fr, 17, 0x4000, PAYLOAD, PLEN); /* DF only: a whole datagram */
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_UDP);
  bb_free(&fr);
  /* Non-UDP: TCP over IPv4, ARP over Ethernet. */
  ipv4_udp(&fr, 6, 0, PAYLOAD, PLEN);
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_NON_UDP);
  bb_free(&fr);
  eth_hdr(&fr, 0x0806);
  zeros(&fr, 28);
  assert_int_equal(kind_of(RUP__LT_EN10MB, &fr, &u), RUP__FRAME_NON_UDP);
  bb_free(&fr);
  /* Bad IPv4: IHL 4, total length below the header, too short. */
  ipv4_udp(&fr, 17, 0, PAYLOAD, PLEN);
  fr.p[0] = 0x44;
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_BAD);
  fr.p[0] = 0x45;
  fr.p[2] = 0;
  fr.p[3] = 19;
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_BAD);
  fr.p[0] = 0x4F; /* IHL 60 bytes > captured */
  fr.p[3] = 60;
  assert_int_equal(rup__decode_frame(RUP__LT_RAW, fr.p, 30, &u), RUP__FRAME_BAD);
  bb_free(&fr);
  /* UDP length < 8 is bad; UDP length beyond the capture keeps the captured bytes;
   * an IP total length shorter than the capture bounds the datagram. */
  ipv4_udp(&fr, 17, 0, PAYLOAD, PLEN);
  fr.p[24] = 0;
  fr.p[25] = 7;
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_BAD);
  fr.p[25] = (uint8_t)(8 + PLEN);
  assert_int_equal(rup__decode_frame(RUP__LT_RAW, fr.p, fr.n - 5, &u), RUP__FRAME_UDP); /* snapped */
  assert_int_equal(u.payload_len, PLEN - 5);
  fr.p[3] = (uint8_t)(20 + 8 + 4); /* IP total length says 4 payload bytes */
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_UDP);
  assert_int_equal(u.payload_len, 4);
  assert_int_equal(rup__decode_frame(RUP__LT_RAW, fr.p, 27, &u), RUP__FRAME_BAD); /* no full UDP header */
  bb_free(&fr);
  /* IPv6 with hop-by-hop (8 bytes) and destination options (16 bytes). */
  uint8_t ext[24] = {60, 0, 1, 4, 0, 0, 0, 0, /* HBH → DSTOPTS, PadN */
                     17, 1, 1, 12, 0};          /* DSTOPTS → UDP, 16 bytes */
  ipv6_udp(&fr, 0, ext, sizeof ext, PAYLOAD, PLEN);
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_UDP);
  assert_int_equal(u.payload_len, PLEN);
  assert_memory_equal(u.payload, PAYLOAD, PLEN);
  assert_int_equal(u.dst.port, 5004);
  assert_int_equal(rup__decode_frame(RUP__LT_RAW, fr.p, 40 + 12, &u), RUP__FRAME_BAD); /* cut in the chain */
  bb_free(&fr);
  /* IPv6 routing header (43), then UDP. */
  uint8_t rh[8] = {17, 0, 0, 0};
  ipv6_udp(&fr, 43, rh, sizeof rh, PAYLOAD, PLEN);
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_UDP);
  bb_free(&fr);
  /* IPv6 fragment header: a real fragment is counted; an atomic one (RFC 6946) is read. */
  uint8_t frag[8] = {17, 0, 0x00, 0x01, 0, 0, 0, 9}; /* offset 0, M=1 */
  ipv6_udp(&fr, 44, frag, sizeof frag, PAYLOAD, PLEN);
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_FRAGMENT);
  bb_free(&fr);
  frag[3] = 0;
  ipv6_udp(&fr, 44, frag, sizeof frag, PAYLOAD, PLEN);
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_UDP);
  assert_int_equal(u.payload_len, PLEN);
  bb_free(&fr);
  /* IPv6 TCP and No Next Header. */
  ipv6_udp(&fr, 6, NULL, 0, PAYLOAD, PLEN);
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_NON_UDP);
  bb_free(&fr);
  /* Raw IP with another version nibble; short link headers. */
  u8(&fr, 0x10);
  zeros(&fr, 30);
  assert_int_equal(kind_of(RUP__LT_RAW, &fr, &u), RUP__FRAME_NON_UDP);
  assert_int_equal(rup__decode_frame(RUP__LT_LINUX_SLL, fr.p, 15, &u), RUP__FRAME_BAD);
  assert_int_equal(rup__decode_frame(RUP__LT_LINUX_SLL2, fr.p, 19, &u), RUP__FRAME_BAD);
  assert_int_equal(rup__decode_frame(RUP__LT_EN10MB, fr.p, 13, &u), RUP__FRAME_BAD);
  assert_int_equal(rup__decode_frame(RUP__LT_NULL, fr.p, 3, &u), RUP__FRAME_BAD);
  assert_int_equal(rup__decode_frame(RUP__LT_NULL, fr.p, 20, &u), RUP__FRAME_NON_UDP); /* AF 0x10 */
  assert_int_equal(rup__decode_frame(147, fr.p, 20, &u), RUP__FRAME_LINK);
  assert_int_equal(rup__decode_frame(RUP__LT_RAW, fr.p, 0, &u), RUP__FRAME_BAD);
  bb_free(&fr);
  /* Ethernet VLAN tag cut short. */
  zeros(&fr, 12);
  u16e(&fr, 1, 0x8100);
  u16e(&fr, 1, 1);
  assert_int_equal(kind_of(RUP__LT_EN10MB, &fr, &u), RUP__FRAME_BAD);
  bb_free(&fr);
}

/* The reader's counters for a mix of records. */
static void test_counters(void **state) {
  (void)state;
  bb f = {0}, fr = {0};
  pcap_hdr(&f, 0, 0xA1B2C3D4u, 65535, RUP__LT_RAW);
  ipv4_udp(&fr, 17, 0, PAYLOAD, PLEN);
  pcap_rec(&f, 0, 1, 0, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
  bb_free(&fr);
  ipv4_udp(&fr, 6, 0, PAYLOAD, PLEN);
  pcap_rec(&f, 0, 2, 0, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
  bb_free(&fr);
  ipv4_udp(&fr, 17, 0x2000, PAYLOAD, PLEN);
  pcap_rec(&f, 0, 3, 0, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
  pcap_rec(&f, 0, 4, 0, fr.p, 10, 10); /* too short for IPv4 */
  bb_free(&fr);
  got g;
  assert_int_equal(read_all(f.p, f.n, &g), 0);
  assert_int_equal(g.rc, 0);
  assert_int_equal(g.info.records, 4);
  assert_int_equal(g.info.udp, 1);
  assert_int_equal(g.info.skipped_non_udp, 1);
  assert_int_equal(g.info.skipped_fragments, 1);
  assert_int_equal(g.info.skipped_bad, 1);
  assert_true(g.info.first_ts_us == 1000000);
  assert_true(g.info.last_ts_us == 4000000);
  bb_free(&f);
}

/* ---- pcapng ---- */

static void test_pcapng_sections(void **state) {
  (void)state;
  bb fr = {0}, f = {0};
  eth_ipv4(&fr);
  /* Section 1, little-endian: interface 0 at 10^-9 s, interface 1 at 2^-10 s with
   * an offset of 100 s; NRB, ISB and a custom block to skip. */
  ng_shb(&f, 0);
  ng_idb(&f, 0, 1, 0, 9, 0, 0);
  ng_raw(&f, 0, 4, 16);           /* NRB */
  ng_idb(&f, 0, 101, 0, 0x80 | 10, 1, 100);
  ng_epb(&f, 0, 0, UINT64_C(1700000000123456789), &fr);
  bb ip = {0};
  ipv4_udp(&ip, 17, 0, PAYLOAD, PLEN);
  ng_epb(&f, 0, 1, (UINT64_C(1700000000) << 10) | 512, &ip); /* + 0.5 s */
  ng_raw(&f, 0, 5, 24);           /* ISB */
  ng_raw(&f, 0, 0x40000BADu, 12); /* custom block */
  /* Section 2, big-endian: one interface, µs default; an SPB after an EPB. */
  ng_shb(&f, 1);
  ng_idb(&f, 1, 1, 0, -1, 0, 0);
  ng_epb(&f, 1, 0, UINT64_C(1700000002000001), &fr);
  ng_spb(&f, 1, &fr);
  got g;
  assert_int_equal(read_all(f.p, f.n, &g), 0);
  assert_int_equal(g.rc, 0);
  assert_int_equal(g.n, 4);
  for (size_t i = 0; i < 4; i++) assert_std_packet(&g, i);
  assert_true(g.pkt[0].ts_us == INT64_C(1700000000123456));        /* ns floored */
  assert_true(g.pkt[1].ts_us == INT64_C(1700000100500000));        /* 2^-10 units + 100 s */
  assert_true(g.pkt[2].ts_us == INT64_C(1700000002000001));
  assert_true(g.pkt[3].ts_us == INT64_C(1700000002000001));        /* SPB: previous time */
  assert_int_equal(g.info.format, RUP_TRACE_PCAPNG);
  assert_int_equal(g.info.nanosecond, 1);
  assert_int_equal(g.info.records, 4);
  assert_int_equal(g.info.bytes_read, f.n);
  bb_free(&f);
  bb_free(&ip);
  bb_free(&fr);
}

static void test_pcapng_prefixes(void **state) {
  (void)state;
  bb fr = {0}, f = {0};
  eth_ipv4(&fr);
  size_t bounds[8], nb = 0, blocks[8], nblk = 0;
  ng_shb(&f, 0);
  blocks[nblk++] = f.n;
  ng_idb(&f, 0, 1, 0, 6, 0, 0);
  blocks[nblk++] = f.n;
  bounds[nb++] = 0; /* placeholder for "before the first packet" */
  ng_epb(&f, 0, 0, 5, &fr);
  bounds[nb++] = f.n;
  ng_raw(&f, 0, 5, 8);
  blocks[nblk++] = f.n;
  ng_spb(&f, 0, &fr);
  bounds[nb++] = f.n;
  for (size_t l = 0; l < f.n; l++) {
    got g;
    uint8_t *copy = malloc(l ? l : 1);
    memcpy(copy, f.p, l);
    int r = read_all(copy, l, &g);
    free(copy);
    if (l < blocks[0]) {
      assert_true(r == (l < 4 ? RUP_ERR_FORMAT : RUP_ERR_TRUNCATED));
      continue;
    }
    assert_int_equal(r, 0);
    int boundary = 0;
    for (size_t i = 0; i < nblk; i++) boundary |= blocks[i] == l;
    for (size_t i = 1; i < nb; i++) boundary |= bounds[i] == l;
    size_t recs = 0;
    for (size_t i = 1; i < nb; i++) recs += bounds[i] <= l;
    assert_int_equal(g.rc, boundary ? 0 : RUP_ERR_TRUNCATED);
    assert_int_equal(g.info.records, recs);
  }
  bb_free(&f);
  bb_free(&fr);
}

static int ng_read_rc(const bb *f, got *g) {
  int r = read_all(f->p, f->n, g);
  return r < 0 ? r : g->rc;
}

static void test_pcapng_errors(void **state) {
  (void)state;
  bb fr = {0}, f = {0};
  eth_ipv4(&fr);
  got g;
  /* Packet before any IDB. */
  ng_shb(&f, 0);
  ng_epb(&f, 0, 0, 1, &fr);
  assert_int_equal(ng_read_rc(&f, &g), RUP_ERR_MALFORMED);
  bb_free(&f);
  ng_shb(&f, 1);
  ng_spb(&f, 1, &fr);
  assert_int_equal(ng_read_rc(&f, &g), RUP_ERR_MALFORMED);
  bb_free(&f);
  /* Interface id out of range; interfaces reset by a new section. */
  ng_shb(&f, 0);
  ng_idb(&f, 0, 1, 0, -1, 0, 0);
  ng_epb(&f, 0, 1, 1, &fr);
  assert_int_equal(ng_read_rc(&f, &g), RUP_ERR_MALFORMED);
  bb_free(&f);
  ng_shb(&f, 0);
  ng_idb(&f, 0, 1, 0, -1, 0, 0);
  ng_idb(&f, 0, 1, 0, -1, 0, 0);
  ng_epb(&f, 0, 1, 1, &fr);
  ng_shb(&f, 1);
  ng_idb(&f, 1, 1, 0, -1, 0, 0);
  ng_epb(&f, 1, 1, 1, &fr);
  assert_int_equal(ng_read_rc(&f, &g), RUP_ERR_MALFORMED);
  assert_int_equal(g.n, 1);
  bb_free(&f);
  /* Block length not a multiple of 4, below 12, above the cap; trailing length differs. */
  for (int k = 0; k < 4; k++) {
    ng_shb(&f, 0);
    size_t at = f.n;
    ng_idb(&f, 0, 1, 0, -1, 0, 0);
    uint32_t bad = k == 0 ? 22 : k == 1 ? 8 : k == 2 ? 0x7FFFFFF0u : 0;
    if (k < 3) {
      f.p[at + 4] = (uint8_t)bad;
      f.p[at + 5] = (uint8_t)(bad >> 8);
      f.p[at + 6] = (uint8_t)(bad >> 16);
      f.p[at + 7] = (uint8_t)(bad >> 24);
    } else {
      f.p[f.n - 4] ^= 4; /* trailing length */
    }
    assert_int_equal(ng_read_rc(&f, &g), RUP_ERR_MALFORMED);
    bb_free(&f);
  }
  /* Bad byte-order magic or version in the first SHB: not a pcapng we read. */
  ng_shb(&f, 0);
  f.p[8] = 0x4E;
  assert_int_equal(read_all(f.p, f.n, &g), RUP_ERR_FORMAT);
  bb_free(&f);
  ng_shb(&f, 0);
  f.p[12] = 2;
  assert_int_equal(read_all(f.p, f.n, &g), RUP_ERR_FORMAT);
  bb_free(&f);
  /* if_tsresol of the wrong size, twice, or too fine; if_tsoffset of the wrong size. */
  for (int k = 0; k < 4; k++) {
    ng_shb(&f, 0);
    bb b = {0};
    u16e(&b, 0, 1);
    u16e(&b, 0, 0);
    u32e(&b, 0, 0);
    if (k == 0) {
      u16e(&b, 0, 9);
      u16e(&b, 0, 2);
      u32e(&b, 0, 6);
    } else if (k == 1) {
      for (int j = 0; j < 2; j++) {
        u16e(&b, 0, 9);
        u16e(&b, 0, 1);
        u32e(&b, 0, 6);
      }
    } else if (k == 2) {
      u16e(&b, 0, 9);
      u16e(&b, 0, 1);
      u32e(&b, 0, 20); /* 10^-20 s does not fit 64 bits */
    } else {
      u16e(&b, 0, 14);
      u16e(&b, 0, 4);
      u32e(&b, 0, 1);
    }
    ng_block(&f, 0, 1, &b);
    bb_free(&b);
    assert_int_equal(ng_read_rc(&f, &g), RUP_ERR_MALFORMED);
    bb_free(&f);
  }
  /* An option running past the block. */
  ng_shb(&f, 0);
  {
    bb b = {0};
    u16e(&b, 0, 1);
    u16e(&b, 0, 0);
    u32e(&b, 0, 0);
    u16e(&b, 0, 2);
    u16e(&b, 0, 40);
    u32e(&b, 0, 0);
    ng_block(&f, 0, 1, &b);
    bb_free(&b);
  }
  assert_int_equal(ng_read_rc(&f, &g), RUP_ERR_MALFORMED);
  bb_free(&f);
  /* EPB caplen beyond its block, and caplen > origlen. */
  for (int k = 0; k < 2; k++) {
    ng_shb(&f, 0);
    ng_idb(&f, 0, 1, 0, -1, 0, 0);
    size_t at = f.n;
    ng_epb(&f, 0, 0, 1, &fr);
    size_t off = at + 8 + (k == 0 ? 12 : 16);
    uint32_t v = k == 0 ? (uint32_t)fr.n + 8 : (uint32_t)fr.n - 1;
    f.p[off] = (uint8_t)v;
    f.p[off + 1] = (uint8_t)(v >> 8);
    assert_int_equal(ng_read_rc(&f, &g), RUP_ERR_MALFORMED);
    bb_free(&f);
  }
  /* Unsupported link type on an interface: counted, not fatal. */
  ng_shb(&f, 0);
  ng_idb(&f, 0, 147, 0, -1, 0, 0);
  ng_epb(&f, 0, 0, 1, &fr);
  assert_int_equal(ng_read_rc(&f, &g), 0);
  assert_int_equal(g.info.records, 1);
  assert_int_equal(g.info.skipped_link, 1);
  bb_free(&f);
  /* Too many interfaces. */
  ng_shb(&f, 0);
  for (int i = 0; i < 257; i++) ng_idb(&f, 0, 1, 0, -1, 0, 0);
  assert_int_equal(ng_read_rc(&f, &g), RUP_ERR_MALFORMED);
  bb_free(&f);
  bb_free(&fr);
}

static void test_pcapng_spb_snaplen(void **state) {
  (void)state;
  bb fr = {0}, f = {0};
  eth_ipv4(&fr);
  ng_shb(&f, 0);
  ng_idb(&f, 0, 1, 14 + 20 + 8 + 4, 0x80 | 0, 0, 0); /* 2^0 s resolution */
  ng_epb(&f, 0, 0, 1700000000, &fr);
  ng_spb(&f, 0, &fr);
  got g;
  assert_int_equal(ng_read_rc(&f, &g), 0);
  assert_int_equal(g.n, 2);
  assert_true(g.pkt[0].ts_us == INT64_C(1700000000000000));
  assert_int_equal(g.pkt[1].payload_len, 4); /* SPB captured length = min(origlen, snaplen) */
  assert_int_equal(g.info.nanosecond, 0);
  bb_free(&f);
  bb_free(&fr);
}

/* Timestamp units: 2^-v for large v, 10^-v for small v, negative offsets. */
static void test_pcapng_ts_units(void **state) {
  (void)state;
  bb fr = {0};
  eth_ipv4(&fr);
  struct {
    int res;
    uint64_t ts;
    int64_t off;
    int64_t want;
  } c[] = {
      {0x80 | 40, (UINT64_C(1000) << 40) | (UINT64_C(1) << 39), 0, INT64_C(1000500000)},
      {0x80 | 50, (UINT64_C(3) << 50) | (UINT64_C(1) << 48), 0, INT64_C(3250000)},
      {0x80 | 63, UINT64_C(1) << 62, 0, 500000},
      {3, 1234567, -1000, INT64_C(1234567000) - INT64_C(1000000000)},
      {0, 17, 0, 17000000},
      {19, UINT64_C(10000000000000000000), 0, 1000000},
  };
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    bb f = {0};
    ng_shb(&f, 0);
    ng_idb(&f, 0, 1, 0, c[i].res, c[i].off != 0, c[i].off);
    ng_epb(&f, 0, 0, c[i].ts, &fr);
    got g;
    assert_int_equal(ng_read_rc(&f, &g), 0);
    assert_int_equal(g.n, 1);
    assert_true(g.pkt[0].ts_us == c[i].want);
    bb_free(&f);
  }
  bb_free(&fr);
}

/* ---- gzip and files ---- */

static void build_mixed_pcap(bb *f) {
  bb fr = {0};
  eth_ipv4(&fr);
  pcap_hdr(f, 0, 0xA1B2C3D4u, 65535, 1);
  for (uint32_t i = 0; i < 50; i++) pcap_rec(f, 0, 100 + i, i, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
  bb_free(&fr);
}

static void test_gzip(void **state) {
  (void)state;
  bb f = {0}, z = {0};
  build_mixed_pcap(&f);
  gzip_buf(&z, f.p, f.n);
  got a, b;
  assert_int_equal(read_all(f.p, f.n, &a), 0);
  assert_int_equal(read_all(z.p, z.n, &b), 0);
  assert_int_equal(a.rc, 0);
  assert_int_equal(b.rc, 0);
  assert_int_equal(b.info.gzip, 1);
  assert_int_equal(a.info.gzip, 0);
  assert_int_equal(b.n, 50);
  assert_int_equal(a.n, b.n);
  for (size_t i = 0; i < 8; i++) {
    assert_true(a.pkt[i].ts_us == b.pkt[i].ts_us);
    assert_memory_equal(a.data[i], b.data[i], PLEN);
  }
  assert_int_equal(b.info.file_size, z.n);
  assert_int_equal(b.info.bytes_read, z.n); /* compressed bytes consumed */
  /* Two gzip members concatenated read as one stream. */
  bb z2 = {0};
  size_t half = 24 + 25 * (16 + 14 + 28 + PLEN);
  gzip_buf(&z2, f.p, half);
  gzip_buf(&z2, f.p + half, f.n - half);
  assert_int_equal(read_all(z2.p, z2.n, &b), 0);
  assert_int_equal(b.rc, 0);
  assert_int_equal(b.n, 50);
  /* Trailing garbage after the last member is ignored. */
  put(&z2, "junk", 4);
  assert_int_equal(read_all(z2.p, z2.n, &b), 0);
  assert_int_equal(b.rc, 0);
  assert_int_equal(b.n, 50);
  bb_free(&z2);
  /* Truncated gzip: every prefix ends in TRUNCATED (or FORMAT before 4 decoded bytes). */
  for (size_t l = 0; l < z.n; l++) {
    uint8_t *copy = malloc(l ? l : 1);
    memcpy(copy, z.p, l);
    int r = read_all(copy, l, &b);
    free(copy);
    if (r < 0) {
      assert_true(r == RUP_ERR_FORMAT || r == RUP_ERR_TRUNCATED);
      continue;
    }
    assert_int_equal(b.rc, RUP_ERR_TRUNCATED); /* even when it stops between records */
    assert_true(b.info.records <= 50);
  }
  /* The trailer cut off: all records read, then TRUNCATED. */
  assert_int_equal(read_all(z.p, z.n - 8, &b), 0);
  assert_int_equal(b.rc, RUP_ERR_TRUNCATED);
  assert_int_equal(b.info.records, 50);
  /* Corrupt deflate data. */
  bb c = {0};
  put(&c, z.p, z.n);
  for (size_t i = 20; i < c.n - 8; i += 7) c.p[i] ^= 0x5A;
  int r = read_all(c.p, c.n, &b);
  assert_true(r == RUP_ERR_FORMAT || r == RUP_ERR_TRUNCATED ||
              (r == 0 && (b.rc == RUP_ERR_MALFORMED || b.rc == RUP_ERR_TRUNCATED)));
  bb_free(&c);
  bb_free(&f);
  bb_free(&z);
}

static void write_file(const char *path, const bb *b) {
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  if (b->n) assert_int_equal(fwrite(b->p, 1, b->n, fp), b->n);
  fclose(fp);
}

/* Read a file with rup_trace_open; returns the count of datagrams, fills info. */
static int file_count(const char *path, rup_trace_info *info, int *rc) {
  rup_trace *t = NULL;
  int r = rup_trace_open(&t, path, NULL);
  if (r < 0) return r;
  rup_trace_packet p;
  int n = 0;
  while ((r = rup_trace_next(t, &p)) == 1) n++;
  *rc = r;
  rup_trace_get_info(t, info);
  rup_trace_del(t);
  return n;
}

static void test_files(void **state) {
  (void)state;
  char dir[] = "/tmp/rup_trace_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char p1[64], p2[64];
  snprintf(p1, sizeof p1, "%s/a.pcap", dir);
  snprintf(p2, sizeof p2, "%s/a.pcap.gz", dir);
  bb f = {0}, z = {0};
  build_mixed_pcap(&f);
  /* Make the file larger than the 64 KiB raw window so refills are exercised. */
  bb fr = {0};
  eth_ipv4(&fr);
  for (uint32_t i = 0; i < 2000; i++) pcap_rec(&f, 0, 200 + i, 0, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
  bb_free(&fr);
  gzip_buf(&z, f.p, f.n);
  write_file(p1, &f);
  write_file(p2, &z);
  rup_trace_info i1, i2;
  int rc1 = -1, rc2 = -1;
  assert_int_equal(file_count(p1, &i1, &rc1), 2050);
  assert_int_equal(file_count(p2, &i2, &rc2), 2050);
  assert_int_equal(rc1, 0);
  assert_int_equal(rc2, 0);
  assert_int_equal(i1.file_size, f.n);
  assert_int_equal(i1.bytes_read, f.n);
  assert_int_equal(i2.file_size, z.n);
  assert_int_equal(i2.bytes_read, z.n);
  assert_int_equal(i2.gzip, 1);
  /* A truncated file on disk. */
  z.n -= 100;
  write_file(p2, &z);
  assert_true(file_count(p2, &i2, &rc2) < 2050);
  assert_int_equal(rc2, RUP_ERR_TRUNCATED);
  /* Missing file, empty file. */
  rup_trace *t = NULL;
  char p3[64];
  snprintf(p3, sizeof p3, "%s/missing.pcap", dir);
  assert_int_equal(rup_trace_open(&t, p3, NULL), RUP_ERR_IO);
  assert_null(t);
  bb e = {0};
  write_file(p3, &e);
  assert_int_equal(rup_trace_open(&t, p3, NULL), RUP_ERR_FORMAT);
  assert_int_equal(rup_trace_open(&t, NULL, NULL), RUP_ERR_INVALID_ARGUMENT);
  unlink(p1);
  unlink(p2);
  unlink(p3);
  rmdir(dir);
  bb_free(&f);
  bb_free(&z);
}

/* ---- the file reader against the memory reader ---- */

/* Both readers give the same datagrams (time, record, addresses, payload) and end with
 * the same result; returns that result, *count the datagrams. */
static int same_packets(rup_trace *a, rup_trace *b, size_t *count) {
  rup_trace_packet pa, pb;
  int ra, rb;
  size_t n = 0;
  uint8_t *copy = malloc(RUP__PCAP_MAX_CAPLEN);
  assert_non_null(copy);
  for (;;) {
    ra = rup_trace_next(a, &pa);
    if (ra == 1) memcpy(copy, pa.payload, pa.payload_len);
    rb = rup_trace_next(b, &pb);
    assert_int_equal(ra, rb);
    if (ra != 1) break;
    assert_true(pa.ts_us == pb.ts_us);
    assert_int_equal(pa.record, pb.record);
    assert_int_equal(pa.payload_len, pb.payload_len);
    assert_memory_equal(copy, pb.payload, pa.payload_len);
    assert_memory_equal(&pa.src, &pb.src, sizeof pa.src);
    assert_memory_equal(&pa.dst, &pb.dst, sizeof pa.dst);
    n++;
  }
  free(copy);
  *count = n;
  return ra;
}

/* Every datagram and the final counters of two readers of the same bytes agree (b may
 * read them gzip-compressed). */
static void same_stream(rup_trace *a, rup_trace *b, int b_gzip, size_t *count) {
  (void)same_packets(a, b, count);
  rup_trace_info ia, ib;
  rup_trace_get_info(a, &ia);
  rup_trace_get_info(b, &ib);
  ia.file_size = ib.file_size = 0; /* unknown for a memory reader */
  if (b_gzip) { /* the compressed file: its own size */
    assert_int_equal(ib.gzip, 1);
    ib.gzip = 0;
    ib.bytes_read = ia.bytes_read;
  }
  assert_memory_equal(&ia, &ib, sizeof ia);
}

/* A capture 20 times the reader's 256-KiB window: records of every size cut by window
 * refills, some nearly a window long, the largest pcap allows (256 KiB: the copying
 * path), and non-UDP records. Read from a file it gives what the in-memory reader
 * gives, datagram for datagram; also gzip-compressed and truncated. */
static void test_file_equals_memory(void **state) {
  (void)state;
  bb f = {0}, g = {0}, fr = {0}, pl = {0}; /* f: pcap, g: the same records as pcapng */
  pcap_hdr(&f, 0, 0xA1B2C3D4u, RUP__PCAP_MAX_CAPLEN, 1);
  ng_shb(&g, 0);
  ng_idb(&g, 0, 1, 0, -1, 0, 0);
  uint32_t x = 12345;
  for (uint32_t i = 0; f.n < 5u * 1024 * 1024; i++) {
    x = x * 1103515245u + 12345u;
    size_t n = 20 + (x >> 16) % 1400; /* a typical datagram */
    if (i % 500 == 7) n = 100000 + (x >> 8) % 150000; /* up to nearly a window */
    if (i == 900) n = RUP__PCAP_MAX_CAPLEN - 42;     /* the largest record */
    pl.n = fr.n = 0;
    for (size_t k = 0; k < n; k++) u8(&pl, (unsigned)(i + k * 7));
    eth_hdr(&fr, i % 97 == 3 ? 0x86DD : 0x0800); /* an IPv6 header that is not one: skipped */
    ipv4_udp(&fr, 17, 0, pl.p, n > 65000 ? 65000 : n);
    if (n > 65000) put(&fr, pl.p, n - 65000); /* bytes beyond the IP length */
    pcap_rec(&f, 0, 1700000000u + i / 50, (i % 50) * 20000, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
    ng_epb(&g, 0, 0, (1700000000ull + i / 50) * 1000000u + (i % 50) * 20000u, &fr);
  }
  char dir[] = "/tmp/rup_fm_XXXXXX";
  assert_non_null(mkdtemp(dir));
  char path[64], gz[64];
  snprintf(path, sizeof path, "%s/a.pcap", dir);
  snprintf(gz, sizeof gz, "%s/a.pcap.gz", dir);
  bb z = {0};
  gzip_buf(&z, f.p, f.n);
  write_file(path, &f);
  write_file(gz, &z);
  rup_trace *a, *b;
  size_t n_all = 0, n;
  for (int variant = 0; variant < 3; variant++) {
    const char *file = variant == 1 ? gz : path;
    assert_int_equal(rup_trace_open_memory(&a, f.p, f.n, NULL), 0);
    assert_int_equal(rup_trace_open(&b, file, NULL), 0);
    same_stream(a, b, variant == 1, &n);
    if (variant == 0) n_all = n;
    else if (variant < 2) assert_int_equal(n, n_all);
    rup_trace_del(a);
    rup_trace_del(b);
    if (variant == 1) { /* next: the same file cut in the middle of a record */
      f.n -= 1000;
      write_file(path, &f);
    }
  }
  if (n_all < 3000) fail_msg("%zu datagrams", n_all);
  /* the truncated file: the same datagrams up to the cut, then the same error */
  assert_int_equal(rup_trace_open(&b, path, NULL), 0);
  rup_trace_packet p;
  int r;
  n = 0;
  while ((r = rup_trace_next(b, &p)) == 1) n++;
  assert_int_equal(r, RUP_ERR_TRUNCATED);
  assert_int_equal(n, n_all - 1);
  rup_trace_del(b);
  /* pcapng: blocks cut by refills, read through the record buffer */
  char ng[64];
  snprintf(ng, sizeof ng, "%s/a.pcapng", dir);
  write_file(ng, &g);
  assert_int_equal(rup_trace_open_memory(&a, g.p, g.n, NULL), 0);
  assert_int_equal(rup_trace_open(&b, ng, NULL), 0);
  same_stream(a, b, 0, &n);
  assert_int_equal(n, n_all);
  rup_trace_del(a);
  rup_trace_del(b);
  unlink(ng);
  bb_free(&g);
  unlink(path);
  unlink(gz);
  rmdir(dir);
  bb_free(&f);
  bb_free(&z);
  bb_free(&fr);
  bb_free(&pl);
}

static void test_api_args(void **state) {
  (void)state;
  bb f = {0};
  build_mixed_pcap(&f);
  rup_trace *t = NULL;
  assert_int_equal(rup_trace_open_memory(&t, f.p, f.n, NULL), 0);
  rup_trace_info info;
  assert_int_equal(rup_trace_get_info_versioned(t, 99, &info), RUP_ERR_VERSION);
  assert_int_equal(rup_trace_get_info_versioned(NULL, RUP_TRACE_INFO_VERSION, &info), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_trace_get_info_versioned(t, RUP_TRACE_INFO_VERSION, NULL), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_trace_next(t, NULL), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_trace_next(NULL, NULL), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_trace_get_info(t, &info), 0);
  assert_int_equal(info.version, RUP_TRACE_INFO_VERSION);
  rup_trace_del(t);
  rup_trace_del(NULL);
  bb_free(&f);
}

/* OOM: a rup_mem failing the Nth allocation; every failure is NOMEM, nothing leaks. */
typedef struct oom {
  int fail_at, count, live;
} oom;
static void *oom_malloc(size_t n, void *ud) {
  oom *o = ud;
  if (o->count++ == o->fail_at) return NULL;
  o->live++;
  return malloc(n);
}
static void *oom_realloc(void *p, size_t n, void *ud) {
  oom *o = ud;
  if (o->count++ == o->fail_at) return NULL;
  if (!p) o->live++;
  return realloc(p, n);
}
static void oom_free(void *p, void *ud) {
  oom *o = ud;
  if (p) o->live--;
  free(p);
}

static void test_oom(void **state) {
  (void)state;
  bb f = {0}, z = {0};
  build_mixed_pcap(&f);
  gzip_buf(&z, f.p, f.n);
  for (int gz = 0; gz < 2; gz++) {
    const bb *in = gz ? &z : &f;
    for (int n = 0;; n++) {
      oom o = {n, 0, 0};
      rup_mem m = {&o, oom_malloc, oom_realloc, oom_free};
      rup_trace *t = NULL;
      int r = rup_trace_open_memory(&t, in->p, in->n, &m);
      int done = 0;
      if (r == 0) {
        rup_trace_packet p;
        int cnt = 0;
        while ((r = rup_trace_next(t, &p)) == 1) cnt++;
        assert_true(r == 0 || r == RUP_ERR_NOMEM);
        if (r == 0) {
          assert_int_equal(cnt, 50);
          done = 1;
        }
        rup_trace_del(t);
      } else {
        assert_int_equal(r, RUP_ERR_NOMEM);
      }
      assert_int_equal(o.live, 0);
      if (done && o.count <= n) break; /* no allocation was failed: all paths seen */
      assert_true(n < 100);
    }
  }
  bb_free(&f);
  bb_free(&z);
}

/* ---- real captures ---- */

/* A second, minimal walk over a little-endian µs/ns pcap: records, UDP datagrams over
 * IPv4 (Ethernet or raw IP), first and last timestamps in µs. */
typedef struct walk {
  uint64_t records, udp;
  int64_t first, last;
} walk;
static int mini_walk(const uint8_t *b, size_t n, walk *w) {
  memset(w, 0, sizeof *w);
  if (n < 24) return -1;
  uint32_t magic = rup__rd32le(b), lt = rup__rd32le(b + 20);
  if (magic != 0xA1B2C3D4u && magic != 0xA1B23C4Du) return -1;
  size_t off = 24;
  while (off + 16 <= n) {
    uint32_t cap = rup__rd32le(b + off + 8);
    int64_t ts = (int64_t)rup__rd32le(b + off) * 1000000 +
                 (magic == 0xA1B23C4Du ? rup__rd32le(b + off + 4) / 1000 : rup__rd32le(b + off + 4));
    const uint8_t *d = b + off + 16;
    if (off + 16 + cap > n) return -1;
    if (w->records++ == 0) w->first = ts;
    w->last = ts;
    size_t ipo = lt == 1 ? 14 : 0;
    if (cap > ipo + 20 && (lt != 1 || rup__rd16(d + 12) == 0x0800) && (d[ipo] >> 4) == 4 && d[ipo + 9] == 17)
      w->udp++;
    off += 16 + cap;
  }
  return 0;
}

/* Sum of the Pkts column of a `tshark -z rtp,streams` output. */
static long tshark_pkts(const char *path) {
  FILE *fp = fopen(path, "r");
  if (!fp) return -1;
  char line[512];
  long sum = 0;
  while (fgets(line, sizeof line, fp)) {
    if (!strstr(line, " 0x")) continue;
    char *tok = strtok(line, " \t");
    for (int i = 0; tok && i < 8; i++) tok = strtok(NULL, " \t");
    if (tok) sum += strtol(tok, NULL, 10);
  }
  fclose(fp);
  return sum;
}

static void test_real_shared(void **state) {
  (void)state;
  static const char *names[] = {"wireshark_samples_opus.pcap", "wireshark_samples_pcma.pcap",
                                "sipp-scenarios_g711a.pcap"};
  int found = 0;
  for (size_t i = 0; i < 3; i++) {
    const char *p = rt_shared(names[i]);
    if (!p) continue;
    found++;
    size_t n;
    uint8_t *buf = rt_read_file(p, &n);
    assert_non_null(buf);
    walk w;
    assert_int_equal(mini_walk(buf, n, &w), 0);
    rup_trace_info info;
    int rc = -1;
    int cnt = file_count(p, &info, &rc);
    assert_int_equal(rc, 0);
    assert_int_equal(info.records, w.records);
    assert_int_equal(info.udp, w.udp);
    assert_int_equal((uint64_t)cnt, w.udp);
    assert_true(info.first_ts_us == w.first);
    assert_true(info.last_ts_us == w.last);
    assert_int_equal(info.bytes_read, n);
    char tp[4096];
    snprintf(tp, sizeof tp, "%s.tshark.txt", p);
    long rtp = tshark_pkts(tp);
    if (rtp >= 0) {
      assert_true(rtp > 0);
      assert_true((uint64_t)rtp <= info.udp); /* every RTP packet is a UDP datagram */
    }
    free(buf);
  }
  if (!found) skip();
}

/* Two captures of the same traffic give identical datagrams. */
static void same_datagrams(const char *a, const char *b) {
  rup_trace *ta = NULL, *tb = NULL;
  assert_int_equal(rup_trace_open(&ta, a, NULL), 0);
  assert_int_equal(rup_trace_open(&tb, b, NULL), 0);
  size_t n;
  assert_int_equal(same_packets(ta, tb, &n), 0);
  assert_true(n > 0);
  rup_trace_info ia, ib;
  rup_trace_get_info(ta, &ia);
  rup_trace_get_info(tb, &ib);
  assert_int_equal(ia.records, ib.records);
  assert_int_equal(ia.udp, ib.udp);
  assert_true(ia.first_ts_us == ib.first_ts_us);
  rup_trace_del(ta);
  rup_trace_del(tb);
}

static int have(const char *path) { return access(path, R_OK) == 0; }

static void test_real_formats_agree(void **state) {
  (void)state;
  char a[4096], b[4096];
  int done = 0;
  snprintf(a, sizeof a, "%s", rt_data("av_call.pcapng"));
  snprintf(b, sizeof b, "%s", rt_data("av_call.pcap.gz"));
  if (have(a) && have(b)) {
    same_datagrams(a, b);
    rup_trace *t = NULL;
    assert_int_equal(rup_trace_open(&t, a, NULL), 0);
    rup_trace_info i;
    rup_trace_get_info(t, &i);
    assert_int_equal(i.format, RUP_TRACE_PCAPNG);
    rup_trace_del(t);
    assert_int_equal(rup_trace_open(&t, b, NULL), 0);
    rup_trace_get_info(t, &i);
    assert_int_equal(i.format, RUP_TRACE_PCAP);
    assert_int_equal(i.gzip, 1);
    rup_trace_del(t);
    done++;
  }
  snprintf(a, sizeof a, "%s", rt_data("opus_clean.pcap"));
  snprintf(b, sizeof b, "%s", rt_data("opus_clean_ns.pcap"));
  if (have(a) && have(b)) { /* µs and ns pcap of the same packets (editcap truncates to µs) */
    same_datagrams(a, b);
    done++;
  }
  if (!done) skip();
}

/* ---- SIP / SDP ---- */

static const char INVITE[] =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/UDP 192.0.2.1:5060\r\n"
    "Content-Type: application/sdp\r\n"
    "Content-Length: %d\r\n"
    "\r\n"
    "%s";
static const char SDP[] =
    "v=0\r\n"
    "o=alice 1 1 IN IP4 192.0.2.1\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.1/127\r\n"
    "t=0 0\r\n"
    "a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
    "m=audio 49170 RTP/AVP 0 8 111 101 13\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=extmap:1/sendrecv urn:ietf:params:rtp-hdrext:ssrc-audio-level vad=on\r\n"
    "a=ssrc:3735928559 cname:x\r\n"
    "a=ssrc:3735928559 msid:y\r\n"
    "m=video 51372/2 UDP/TLS/RTP/SAVPF 96 97\r\n"
    "c=IN IP6 2001:db8::5\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
    "a=rtpmap:97 rtx/90000\r\n"
    "a=rtpmap:98 H264/90000\r\n"
    "m=application 5000 UDP/DTLS/SCTP webrtc-datachannel\r\n"
    "m=audio 0 RTP/AVP 0\r\n"
    "m=video 6000 RTP/AVP 34\n"
    "a=rtpmap:34 H263/90000";

static size_t make_invite(char *out, size_t cap, const char *sdp, int clen) {
  int n = snprintf(out, cap, INVITE, clen >= 0 ? clen : (int)strlen(sdp), sdp);
  assert_true(n > 0 && (size_t)n < cap);
  return (size_t)n;
}

static const rup__sdp_pt *pt_of(const rup__sdp_media *m, int pt) {
  for (size_t i = 0; i < m->n_pt; i++)
    if (m->pts[i].pt == pt) return &m->pts[i];
  return NULL;
}

static void test_sdp_parse(void **state) {
  (void)state;
  static char msg[4096];
  size_t n = make_invite(msg, sizeof msg, SDP, -1);
  const uint8_t *body;
  size_t blen;
  assert_true(rup__sip_is_sip((const uint8_t *)msg, n, 1234, 1234));
  assert_int_equal(rup__sip_find_sdp((const uint8_t *)msg, n, &body, &blen), 1);
  assert_int_equal(blen, strlen(SDP));
  rup__sdp sdp;
  assert_int_equal(rup__sdp_parse(body, blen, &sdp), 3);
  const rup__sdp_media *a = &sdp.m[0], *v = &sdp.m[1], *h = &sdp.m[2];
  assert_int_equal(a->media, RUP_MEDIA_AUDIO);
  assert_int_equal(a->conn.family, 4);
  assert_memory_equal(a->conn.addr, ((uint8_t[]){192, 0, 2, 1}), 4);
  assert_int_equal(a->conn.port, 49170);
  assert_int_equal(a->n_pt, 5);
  assert_int_equal(pt_of(a, 0)->codec, RUP_CODEC_PCMU);
  assert_int_equal(pt_of(a, 0)->clock, 8000);
  assert_int_equal(pt_of(a, 8)->codec, RUP_CODEC_PCMA);
  assert_int_equal(pt_of(a, 111)->codec, RUP_CODEC_OPUS);
  assert_int_equal(pt_of(a, 111)->clock, 48000);
  assert_int_equal(pt_of(a, 111)->channels, 2);
  assert_int_equal(pt_of(a, 101)->codec, RUP_CODEC_TELEPHONE_EVENT);
  assert_int_equal(pt_of(a, 13)->codec, RUP_CODEC_CN);
  assert_int_equal(a->n_ext, 2); /* media-level id 1, then session-level id 3 */
  assert_int_equal(a->ext[0].id, 1);
  assert_string_equal(a->ext[0].uri, "urn:ietf:params:rtp-hdrext:ssrc-audio-level");
  assert_int_equal(a->ext[1].id, 3);
  assert_string_equal(a->ext[1].uri, "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time");
  assert_int_equal(a->n_ssrc, 1);
  assert_true(a->ssrcs[0] == 3735928559u);
  assert_int_equal(v->media, RUP_MEDIA_VIDEO);
  assert_int_equal(v->conn.family, 6);
  assert_int_equal(v->conn.addr[15], 5);
  assert_int_equal(v->conn.port, 51372);
  assert_int_equal(v->n_pt, 2);
  assert_int_equal(pt_of(v, 96)->codec, RUP_CODEC_VP8);
  assert_int_equal(pt_of(v, 96)->clock, 90000);
  assert_int_equal(pt_of(v, 97)->codec, RUP_CODEC_UNKNOWN);
  assert_int_equal(pt_of(v, 97)->clock, 90000);
  assert_null(pt_of(v, 98)); /* rtpmap for a PT not in m= */
  assert_int_equal(h->conn.port, 6000);
  assert_int_equal(pt_of(h, 34)->clock, 90000); /* LF-only lines, no final newline */

  /* Content-Length shorter than the body bounds it; compact header forms. */
  n = make_invite(msg, sizeof msg, SDP, 60);
  assert_int_equal(rup__sip_find_sdp((const uint8_t *)msg, n, &body, &blen), 1);
  assert_int_equal(blen, 60);
  const char *compact = "SIP/2.0 200 OK\nc: application/sdp\nl: 27\n\nv=0\nc=IN IP4 1.2.3.4\nm=audio 7 RTP/AVP 8\n";
  assert_int_equal(rup__sip_find_sdp((const uint8_t *)compact, strlen(compact), &body, &blen), 1);
  assert_int_equal(blen, 27);
  assert_int_equal(rup__sdp_parse(body, blen, &sdp), 0); /* the m= line is past Content-Length */
  assert_int_equal(rup__sdp_parse(body, strlen((const char *)body), &sdp), 1);
  assert_int_equal(sdp.m[0].conn.port, 7);
  /* Other content types, no blank line, no SDP signature. */
  const char *other = "MESSAGE sip:a SIP/2.0\r\nContent-Type: text/plain\r\n\r\nv=0 hi";
  assert_int_equal(rup__sip_find_sdp((const uint8_t *)other, strlen(other), &body, &blen), 0);
  const char *nobody = "OPTIONS sip:a SIP/2.0\r\nVia: x\r\n";
  assert_int_equal(rup__sip_find_sdp((const uint8_t *)nobody, strlen(nobody), &body, &blen), 0);
  const char *notsdp = "NOTIFY sip:a SIP/2.0\r\n\r\nhello";
  assert_int_equal(rup__sip_find_sdp((const uint8_t *)notsdp, strlen(notsdp), &body, &blen), 0);
  /* SIP detection. */
  assert_true(rup__sip_is_sip((const uint8_t *)"xx", 2, 5060, 9));
  assert_true(rup__sip_is_sip((const uint8_t *)"SIP/2.0 180 Ringing", 19, 1, 2));
  assert_false(rup__sip_is_sip((const uint8_t *)"INVITEX", 7, 1, 2));
  assert_false(rup__sip_is_sip((const uint8_t *)"\x80\x00", 2, 1, 2));
  /* Hostile lines: no crash, no bogus media. */
  const char *bad = "m=audio 99999 RTP/AVP 0\nm=video 1 TCP 96\nm=audio 5 RTP/AVP 300 -1 x\n"
                    "c=IN IP4 999.1.1.1\na=rtpmap:\na=rtpmap:300 x/1\na=extmap:0 u\na=extmap:x u\n"
                    "a=ssrc:99999999999 c\nm=audio 1234 RTP/AVP 96\na=rtpmap:96 opus/0\n=\nc=IN IP4 5.6.7.8";
  assert_int_equal(rup__sdp_parse((const uint8_t *)bad, strlen(bad), &sdp), 1);
  assert_int_equal(sdp.m[0].conn.port, 1234);
  assert_int_equal(sdp.m[0].n_pt, 1);
  assert_int_equal(sdp.m[0].pts[0].codec, RUP_CODEC_UNKNOWN);
  assert_int_equal(sdp.m[0].pts[0].clock, 0);
  /* Caps: many PTs, extmaps and media sections. */
  static char big[131072];
  size_t bl = 0;
  bl += (size_t)snprintf(big + bl, sizeof big - bl, "c=IN IP4 10.1.1.1\n");
  for (int m = 0; m < 12; m++) {
    bl += (size_t)snprintf(big + bl, sizeof big - bl, "m=audio %d RTP/AVP", 1000 + m);
    for (int p = 0; p < 40; p++) bl += (size_t)snprintf(big + bl, sizeof big - bl, " %d", 96 + p % 32);
    bl += (size_t)snprintf(big + bl, sizeof big - bl, "\n");
    for (int e = 1; e < 30; e++)
      bl += (size_t)snprintf(big + bl, sizeof big - bl, "a=extmap:%d urn:%0200d\n", e, e);
  }
  assert_int_equal(rup__sdp_parse((const uint8_t *)big, bl, &sdp), RUP__SDP_MAX_MEDIA);
  assert_int_equal(sdp.m[0].n_pt, RUP__SDP_MAX_PT);
  assert_int_equal(sdp.m[0].n_ext, RUP__SDP_MAX_EXTMAP);
  assert_int_equal(strlen(sdp.m[0].ext[0].uri), RUP__SDP_URI_MAX - 1);
}

/* ---- discovery ---- */

static size_t rtp_pkt(uint8_t *b, uint32_t ssrc, uint16_t seq, uint32_t ts, int pt, int marker,
                      const uint8_t *pl, size_t n) {
  b[0] = 0x80;
  b[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
  b[2] = (uint8_t)(seq >> 8);
  b[3] = (uint8_t)seq;
  for (int i = 0; i < 4; i++) b[4 + i] = (uint8_t)(ts >> (24 - 8 * i));
  for (int i = 0; i < 4; i++) b[8 + i] = (uint8_t)(ssrc >> (24 - 8 * i));
  memcpy(b + 12, pl, n);
  return 12 + n;
}

static rup_endpoint ep4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, uint16_t port) {
  rup_endpoint e;
  memset(&e, 0, sizeof e);
  e.family = 4;
  e.addr[0] = a;
  e.addr[1] = b;
  e.addr[2] = c;
  e.addr[3] = d;
  e.port = port;
  return e;
}

static void test_direction(void **state) {
  (void)state;
  rup_endpoint local[2] = {ep4(10, 0, 0, 1, 0), ep4(10, 0, 0, 9, 5000)};
  rup_endpoint a = ep4(10, 0, 0, 1, 1234), b = ep4(10, 0, 0, 9, 5000), c = ep4(10, 0, 0, 9, 5001),
               d = ep4(10, 0, 0, 2, 5000);
  assert_int_equal(rup__disc_direction(&a, local, 2), RUP_DIR_OUTBOUND);
  assert_int_equal(rup__disc_direction(&b, local, 2), RUP_DIR_OUTBOUND);
  assert_int_equal(rup__disc_direction(&c, local, 2), RUP_DIR_INBOUND);
  assert_int_equal(rup__disc_direction(&d, local, 2), RUP_DIR_INBOUND);
  assert_int_equal(rup__disc_direction(&a, NULL, 0), RUP_DIR_INBOUND);
}

static void test_disc_sdp_and_static(void **state) {
  (void)state;
  static rup__disc d;
  rup__disc_init(&d);
  static char msg[4096];
  size_t n = make_invite(msg, sizeof msg, SDP, -1);
  const uint8_t *body;
  size_t blen;
  assert_int_equal(rup__sip_find_sdp((const uint8_t *)msg, n, &body, &blen), 1);
  rup__sdp sdp;
  rup__sdp_parse(body, blen, &sdp);
  rup__disc_add_sdp(&d, &sdp);
  rup__disc_add_sdp(&d, &sdp); /* same keys: replaced, not duplicated */
  assert_int_equal(d.n_map, 3);
  uint8_t pkt[256], pl[40] = {0x78, 1, 2, 3};
  rup_endpoint alice = ep4(192, 0, 2, 1, 49170), peer = ep4(198, 51, 100, 7, 30000);
  rup__disc_result res;
  /* Opus PT 111 to alice's audio port: described from the SDP on the first packet. */
  size_t l = rtp_pkt(pkt, 0x11111111, 1, 0, 111, 0, pl, sizeof pl);
  assert_int_equal(rup__disc_packet(&d, pkt, l, RUP_DIR_INBOUND, 0, &peer, &alice, &res), 1);
  assert_int_equal(res.codec, RUP_CODEC_OPUS);
  assert_int_equal(res.clock, 48000);
  assert_int_equal(res.pt, 111);
  assert_true(res.ssrc == 0x11111111u);
  assert_int_equal(rup__disc_packet(&d, pkt, l, RUP_DIR_INBOUND, 1, &peer, &alice, &res), 0); /* once */
  /* The same SSRC the other way is another stream; matched by the source address. */
  assert_int_equal(rup__disc_packet(&d, pkt, l, RUP_DIR_OUTBOUND, 2, &alice, &peer, &res), 1);
  assert_int_equal(res.dir, RUP_DIR_OUTBOUND);
  assert_int_equal(res.codec, RUP_CODEC_OPUS);
  /* Telephone-event and CN do not describe; the audio PT then does. */
  l = rtp_pkt(pkt, 0x22222222, 1, 0, 101, 1, pl, 4);
  assert_int_equal(rup__disc_packet(&d, pkt, l, RUP_DIR_INBOUND, 3, &peer, &alice, &res), 0);
  l = rtp_pkt(pkt, 0x22222222, 2, 0, 13, 0, pl, 1);
  assert_int_equal(rup__disc_packet(&d, pkt, l, RUP_DIR_INBOUND, 4, &peer, &alice, &res), 0);
  l = rtp_pkt(pkt, 0x22222222, 3, 0, 8, 0, pl, 20);
  assert_int_equal(rup__disc_packet(&d, pkt, l, RUP_DIR_INBOUND, 5, &peer, &alice, &res), 1);
  assert_int_equal(res.codec, RUP_CODEC_PCMA);
  assert_int_equal(res.pt, 8);
  /* a=ssrc match wins even between unrelated addresses. */
  l = rtp_pkt(pkt, 3735928559u, 1, 0, 111, 0, pl, 10);
  rup_endpoint x = ep4(1, 1, 1, 1, 1), y = ep4(2, 2, 2, 2, 2);
  assert_int_equal(rup__disc_packet(&d, pkt, l, RUP_DIR_INBOUND, 6, &x, &y, &res), 1);
  assert_int_equal(res.codec, RUP_CODEC_OPUS);
  /* Static table without SDP: PT 0 → PCMU 8000; PT 3 (GSM, not modelled) → clock only;
   * PT 34 (H.263) → 90000. */
  static const struct {
    int pt, codec;
    uint32_t clock;
  } st[] = {{0, RUP_CODEC_PCMU, 8000}, {3, RUP_CODEC_UNKNOWN, 8000}, {9, RUP_CODEC_G722, 8000},
            {18, RUP_CODEC_G729, 8000}, {34, RUP_CODEC_UNKNOWN, 90000}, {6, RUP_CODEC_UNKNOWN, 16000}};
  for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
    l = rtp_pkt(pkt, 0x30000000u + (uint32_t)i, 1, 0, st[i].pt, 0, pl, 20);
    assert_int_equal(rup__disc_packet(&d, pkt, l, RUP_DIR_INBOUND, 7, &x, &y, &res), 1);
    assert_int_equal(res.codec, st[i].codec);
    assert_int_equal(res.clock, st[i].clock);
  }
  /* Not RTP: RTCP, short, wrong version, bad padding, CSRC/extension overrun. */
  uint8_t rtcp[8] = {0x80, 200, 0, 1, 0, 0, 0, 1};
  assert_int_equal(rup__disc_packet(&d, rtcp, 8, 0, 8, &x, &y, &res), 0);
  l = rtp_pkt(pkt, 0x40000000u, 1, 0, 0, 0, pl, 20);
  pkt[1] = 200; /* marker + PT 72: RTCP range */
  assert_int_equal(rup__disc_packet(&d, pkt, l, 0, 8, &x, &y, &res), 0);
  l = rtp_pkt(pkt, 0x40000001u, 1, 0, 0, 0, pl, 20);
  pkt[0] = 0x40;
  assert_int_equal(rup__disc_packet(&d, pkt, l, 0, 8, &x, &y, &res), 0);
  pkt[0] = 0xA0; /* padding */
  pkt[l - 1] = 0;
  assert_int_equal(rup__disc_packet(&d, pkt, l, 0, 8, &x, &y, &res), 0);
  pkt[l - 1] = 200;
  assert_int_equal(rup__disc_packet(&d, pkt, l, 0, 8, &x, &y, &res), 0);
  pkt[0] = 0x8F; /* 15 CSRCs */
  assert_int_equal(rup__disc_packet(&d, pkt, 40, 0, 8, &x, &y, &res), 0);
  pkt[0] = 0x90; /* extension of 0xFFFF words */
  pkt[14] = 0xFF;
  pkt[15] = 0xFF;
  assert_int_equal(rup__disc_packet(&d, pkt, l, 0, 8, &x, &y, &res), 0);
  assert_int_equal(rup__disc_packet(&d, pkt, 11, 0, 8, &x, &y, &res), 0);
}

static void test_disc_table_bound(void **state) {
  (void)state;
  static rup__disc d;
  rup__disc_init(&d);
  uint8_t pkt[64], pl[20] = {0};
  rup_endpoint x = ep4(1, 1, 1, 1, 1), y = ep4(2, 2, 2, 2, 2);
  rup__disc_result res;
  for (uint32_t i = 0; i < RUP__DISC_MAX_SSRC; i++) {
    size_t l = rtp_pkt(pkt, i, 1, 0, 8, 0, pl, sizeof pl);
    assert_int_equal(rup__disc_packet(&d, pkt, l, 0, 0, &x, &y, &res), 1);
  }
  size_t l = rtp_pkt(pkt, 0xFFFF, 1, 0, 8, 0, pl, sizeof pl);
  assert_int_equal(rup__disc_packet(&d, pkt, l, 0, 0, &x, &y, &res), 0); /* table full */
  assert_int_equal(d.n_ssrc, RUP__DISC_MAX_SSRC);
  /* The SDP map keeps at most RUP__DISC_MAX_MAP entries, replacing the oldest. */
  rup__sdp sdp;
  memset(&sdp, 0, sizeof sdp);
  sdp.n_media = 1;
  for (int i = 0; i < RUP__DISC_MAX_MAP + 5; i++) {
    sdp.m[0].conn = ep4(10, 0, 0, 1, (uint16_t)(1000 + i));
    rup__disc_add_sdp(&d, &sdp);
  }
  assert_int_equal(d.n_map, RUP__DISC_MAX_MAP);
  int found_new = 0, found_old = 0;
  for (size_t k = 0; k < d.n_map; k++) {
    found_new |= d.map[k].conn.port == 1000 + RUP__DISC_MAX_MAP + 4;
    found_old |= d.map[k].conn.port == 1000;
  }
  assert_true(found_new);
  assert_false(found_old);
}

static void test_snap_and_static_clock(void **state) {
  (void)state;
  assert_int_equal(rup__disc_snap_clock(8000), 8000);
  assert_int_equal(rup__disc_snap_clock(9900), 8000);
  assert_int_equal(rup__disc_snap_clock(11000), 0);
  assert_int_equal(rup__disc_snap_clock(15000), 16000);
  assert_int_equal(rup__disc_snap_clock(47000), 48000);
  assert_int_equal(rup__disc_snap_clock(65000), 0);
  assert_int_equal(rup__disc_snap_clock(95000), 90000);
  assert_int_equal(rup__disc_snap_clock(200000), 0);
  assert_int_equal(rup__disc_snap_clock(0), 0);
  assert_int_equal(rup__static_pt_clock(10), 44100);
  assert_int_equal(rup__static_pt_clock(96), 0);
  assert_int_equal(rup__static_pt_clock(2), 0);
}

static void test_payload_fits(void **state) {
  (void)state;
  /* Opus TOC codes (RFC 6716 §3.2). */
  uint8_t o0[] = {0x78, 1, 2, 3}; /* config 15 (hybrid 20 ms), code 0 */
  assert_int_equal(rup__opus_samples(o0, sizeof o0), 960);
  uint8_t o1[] = {0x79, 1, 2, 3}; /* code 1: odd remainder → invalid */
  assert_int_equal(rup__opus_samples(o1, sizeof o1), 0);
  uint8_t o1b[] = {0x79, 1, 2};
  assert_int_equal(rup__opus_samples(o1b, sizeof o1b), 1920);
  uint8_t o2[] = {0x7A, 2, 9, 9, 8}; /* code 2: first frame 2 bytes */
  assert_int_equal(rup__opus_samples(o2, sizeof o2), 1920);
  uint8_t o2bad[] = {0x7A, 9, 1};
  assert_int_equal(rup__opus_samples(o2bad, sizeof o2bad), 0);
  uint8_t o3[] = {0xFB, 0x03, 1, 2, 3}; /* config 31 (CELT 20 ms), code 3, CBR, 3 frames of 1 byte */
  assert_int_equal(rup__opus_samples(o3, sizeof o3), 2880);
  uint8_t o3m[] = {0xFB, 0x07, 1, 2, 3, 4, 5, 6, 7}; /* 7 × 20 ms > 120 ms */
  assert_int_equal(rup__opus_samples(o3m, sizeof o3m), 0);
  uint8_t o3p[] = {0xFB, 0x42, 3, 1, 2, 0, 0, 0}; /* padding 3, 2 frames of 1 byte */
  assert_int_equal(rup__opus_samples(o3p, sizeof o3p), 1920);
  uint8_t o3v[] = {0xFB, 0x82, 2, 1, 1, 7}; /* VBR: first 2 bytes, second 1 */
  assert_int_equal(rup__opus_samples(o3v, sizeof o3v), 1920);
  uint8_t o3z[] = {0xFB, 0x00};
  assert_int_equal(rup__opus_samples(o3z, sizeof o3z), 0);
  assert_int_equal(rup__opus_samples(o0, 0), 0);
  /* VP8 keyframe start (X, I with 15-bit PictureID), continuation, R bit set. */
  uint8_t vp8k[] = {0x90, 0x80, 0x81, 0x23, 0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x40, 0x01, 0xF0, 0x00};
  unsigned m = rup__disc_payload_fits(vp8k, sizeof vp8k, 1, 0);
  assert_true(m & (1u << RUP__G_VP8));
  assert_false(m & (1u << RUP__G_H264)); /* F bit set */
  assert_false(m & (1u << RUP__G_VP9));  /* B = 0 at a frame start */
  uint8_t vp8c[] = {0x80, 0x80, 0x81, 0x23, 0x55, 0x66};
  assert_true(rup__disc_payload_fits(vp8c, sizeof vp8c, 0, 1) & (1u << RUP__G_VP8));
  assert_false(rup__disc_payload_fits(vp8c, sizeof vp8c, 1, 1) & (1u << RUP__G_VP8)); /* frame start without S */
  vp8k[7] = 0x9C; /* broken start code */
  assert_false(rup__disc_payload_fits(vp8k, sizeof vp8k, 1, 0) & (1u << RUP__G_VP8));
  uint8_t vp8r[] = {0x50, 0x00, 0x00};
  assert_false(rup__disc_payload_fits(vp8r, sizeof vp8r, -1, 0) & (1u << RUP__G_VP8));
  /* VP9: I (15-bit), B at a frame start, E with the marker; flexible P_DIFF; SS. */
  uint8_t vp9s[] = {0x88, 0x81, 0x02, 0xAA}; /* I B */
  m = rup__disc_payload_fits(vp9s, sizeof vp9s, 1, 0);
  assert_true(m & (1u << RUP__G_VP9));
  assert_false(m & (1u << RUP__G_VP8)); /* R bit 0x08 */
  uint8_t vp9e[] = {0xC4, 0x05, 0xAA};     /* I P E, not B */
  assert_true(rup__disc_payload_fits(vp9e, sizeof vp9e, 0, 1) & (1u << RUP__G_VP9));
  assert_false(rup__disc_payload_fits(vp9e, sizeof vp9e, 1, 1) & (1u << RUP__G_VP9));
  vp9e[0] = 0xC0;
  assert_false(rup__disc_payload_fits(vp9e, sizeof vp9e, 0, 1) & (1u << RUP__G_VP9)); /* marker without E */
  uint8_t vp9f[] = {0xDC, 0x05, 0x03, 0x04, 0xAA}; /* I P F B E, P_DIFF 1 (N) then 2 */
  assert_true(rup__disc_payload_fits(vp9f, sizeof vp9f, 1, 1) & (1u << RUP__G_VP9));
  uint8_t vp9f4[] = {0xDC, 0x05, 0x03, 0x03, 0x03, 0x03, 0xAA}; /* 4 P_DIFF: too many */
  assert_false(rup__disc_payload_fits(vp9f4, sizeof vp9f4, 1, 1) & (1u << RUP__G_VP9));
  uint8_t vp9v[] = {0x8E, 0x05, 0x18, 0x01, 0x40, 0x00, 0xF0, 0x01, 0x04, 0xAA, 0xBB}; /* I B E V: SS Y G, 1 layer, N_G 1 with R 1 */
  assert_true(rup__disc_payload_fits(vp9v, sizeof vp9v, 1, 1) & (1u << RUP__G_VP9));
  assert_false(rup__disc_payload_fits(vp9v, 8, 1, 1) & (1u << RUP__G_VP9)); /* SS cut short */
  /* H.264: single NAL, STAP-A (exact fill), FU-A start / middle, reserved types. */
  uint8_t h1[] = {0x41, 0x9A, 0x00};
  assert_true(rup__disc_payload_fits(h1, sizeof h1, 1, 1) & (1u << RUP__G_H264));
  uint8_t stap[] = {0x18, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE};
  assert_true(rup__disc_payload_fits(stap, sizeof stap, 1, 0) & (1u << RUP__G_H264));
  assert_false(rup__disc_payload_fits(stap, sizeof stap - 1, 1, 0) & (1u << RUP__G_H264));
  uint8_t fua[] = {0x7C, 0x85, 0x88, 0x84};
  assert_true(rup__disc_payload_fits(fua, sizeof fua, 1, 0) & (1u << RUP__G_H264));
  fua[1] = 0x05; /* middle fragment */
  assert_true(rup__disc_payload_fits(fua, sizeof fua, 0, 0) & (1u << RUP__G_H264));
  assert_false(rup__disc_payload_fits(fua, sizeof fua, 1, 0) & (1u << RUP__G_H264));
  fua[1] = 0xC5; /* S and E */
  assert_false(rup__disc_payload_fits(fua, sizeof fua, -1, 0) & (1u << RUP__G_H264));
  uint8_t h17[] = {0x11, 0x00};
  assert_false(rup__disc_payload_fits(h17, sizeof h17, -1, 0) & (1u << RUP__G_H264));
  /* Opus never shares a timestamp. */
  assert_true(rup__disc_payload_fits(o0, sizeof o0, 1, 0) & (1u << RUP__G_OPUS));
  assert_false(rup__disc_payload_fits(o0, sizeof o0, 0, 0) & (1u << RUP__G_OPUS));
}

/* Feed a synthetic stream; returns the first describe result (codec, or -1 if none). */
typedef struct synth {
  rup__disc d;
  rup__disc_result res;
  int described;
  int at_packet;
} synth;

static void synth_feed(synth *s, const uint8_t *pkt, size_t len, int64_t t_us, int npkt) {
  rup_endpoint x = ep4(1, 1, 1, 1, 1), y = ep4(2, 2, 2, 2, 2);
  rup__disc_result r;
  if (rup__disc_packet(&s->d, pkt, len, 0, t_us, &x, &y, &r)) {
    assert_false(s->described);
    s->described = 1;
    s->res = r;
    s->at_packet = npkt;
  }
}

static void test_disc_synthetic_h264_vp9(void **state) {
  (void)state;
  static synth s;
  uint8_t pkt[256];
  for (int codec = 0; codec < 3; codec++) {
    memset(&s, 0, sizeof s);
    rup__disc_init(&s.d);
    int n = 0;
    for (int frame = 0; frame < 40 && !s.described; frame++) {
      uint32_t ts = 1000 + (uint32_t)frame * 3000; /* 30 fps at 90 kHz */
      int64_t t = (int64_t)frame * 33333;
      for (int k = 0; k < 3; k++) {
        uint8_t pl[16];
        size_t pn;
        int last = k == 2;
        if (codec == 0) { /* H.264: STAP-A (SPS, PPS) on keyframes, else FU-A of a slice */
          if (frame % 10 == 0 && k == 0) {
            uint8_t st[] = {0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE};
            memcpy(pl, st, sizeof st);
            pn = sizeof st;
          } else {
            pl[0] = 0x5C;
            pl[1] = (uint8_t)((k == 0 ? 0x80 : 0) | (last ? 0x40 : 0) | 1);
            memset(pl + 2, 0x33, 10);
            pn = 12;
          }
        } else if (codec == 1) { /* VP9: I (15 bit) P B/E */
          pl[0] = (uint8_t)(0x80 | (frame ? 0x40 : 0) | (k == 0 ? 0x08 : 0) | (last ? 0x04 : 0));
          pl[1] = 0x80;
          pl[2] = (uint8_t)frame;
          memset(pl + 3, 0x44, 10);
          pn = 13;
        } else { /* VP8, one packet per frame, with the X bit */
          if (k > 0) break;
          last = 1;
          uint8_t v[] = {0x90, 0x80, (uint8_t)frame, 0x01, 0x02, 0x03};
          memcpy(pl, v, sizeof v);
          pn = sizeof v;
        }
        size_t l = rtp_pkt(pkt, 0xABC, (uint16_t)n, ts, 100, last, pl, pn);
        synth_feed(&s, pkt, l, t + k * 100, n++);
      }
    }
    assert_true(s.described);
    assert_int_equal(s.res.clock, 90000);
    assert_int_equal(s.res.pt, 100);
    assert_int_equal(s.res.codec, codec == 0 ? RUP_CODEC_H264 : codec == 1 ? RUP_CODEC_VP9 : RUP_CODEC_VP8);
  }
  /* Video at 90 kHz whose payloads fit no known format (RTX, FEC, ...): clock only. */
  memset(&s, 0, sizeof s);
  rup__disc_init(&s.d);
  for (int i = 0; i < 60 && !s.described; i++) {
    uint8_t pl[12];
    memset(pl, 0x5A, sizeof pl);
    pl[0] = (uint8_t)(0xC0 | (i & 0x30)); /* F bit, a VP8 R bit, VP9 without B/E */
    size_t l = rtp_pkt(pkt, 0x777, (uint16_t)i, (uint32_t)(i / 2) * 3000, 97, i & 1, pl, sizeof pl);
    synth_feed(&s, pkt, l, (int64_t)(i / 2) * 33333 + (i & 1) * 100, i);
  }
  assert_true(s.described);
  assert_int_equal(s.res.clock, 90000);
  assert_int_equal(s.res.codec, RUP_CODEC_UNKNOWN);
  /* Audio at 16 kHz with an unknown payload: described with the clock only. */
  memset(&s, 0, sizeof s);
  rup__disc_init(&s.d);
  for (int i = 0; i < 60 && !s.described; i++) {
    uint8_t pl[30];
    memset(pl, 0x11 * (i & 7), sizeof pl);
    pl[0] = 0x0B; /* Opus config 1 code 3 with a bad frame count */
    pl[1] = 0x00;
    size_t l = rtp_pkt(pkt, 0xDEF, (uint16_t)i, (uint32_t)i * 320, 98, 0, pl, sizeof pl);
    synth_feed(&s, pkt, l, (int64_t)i * 20000, i);
  }
  assert_true(s.described);
  assert_int_equal(s.res.clock, 16000);
  assert_int_equal(s.res.codec, RUP_CODEC_UNKNOWN);
  assert_true(s.at_packet >= 25); /* only after 0.5 s */
  /* No usable clock and no frames (timestamps frozen): given up, never described,
   * although the payload fits VP9's descriptor. */
  memset(&s, 0, sizeof s);
  rup__disc_init(&s.d);
  for (int i = 0; i < RUP__DISC_GIVE_UP + 10; i++) {
    uint8_t pl[4] = {0x78, 1, 2, 3};
    size_t l = rtp_pkt(pkt, 0x123, (uint16_t)i, 5, 99, 0, pl, sizeof pl);
    synth_feed(&s, pkt, l, (int64_t)i * 20000, i);
  }
  assert_false(s.described);
  assert_int_equal(s.d.ssrc[0].state, RUP__DISC_GAVE_UP);
}

/* Discovery over a real capture: the first describe of each SSRC. */
static int disc_file(const char *path, rup__disc_result *out, int max) {
  static rup__disc d;
  rup__disc_init(&d);
  rup_trace *t = NULL;
  if (rup_trace_open(&t, path, NULL) != 0) return -1;
  rup_trace_packet p;
  int n = 0;
  while (rup_trace_next(t, &p) == 1) {
    rup__disc_result r;
    if (rup__disc_packet(&d, p.payload, p.payload_len, 0, p.ts_us, &p.src, &p.dst, &r) && n < max)
      out[n++] = r;
  }
  rup_trace_del(t);
  return n;
}

static void test_disc_real(void **state) {
  (void)state;
  rup__disc_result r[8];
  int done = 0;
  const char *p = rt_data("opus_clean.pcap");
  if (have(p)) {
    assert_int_equal(disc_file(p, r, 8), 1);
    assert_int_equal(r[0].codec, RUP_CODEC_OPUS);
    assert_int_equal(r[0].clock, 48000);
    assert_int_equal(r[0].pt, 111);
    assert_true(r[0].ssrc == 0x1A2B3C01u);
    done++;
  }
  p = rt_data("opus_dtx.pcap");
  if (have(p)) {
    assert_int_equal(disc_file(p, r, 8), 1);
    assert_int_equal(r[0].codec, RUP_CODEC_OPUS);
    assert_int_equal(r[0].clock, 48000);
    done++;
  }
  p = rt_data("vp8_clean.pcap");
  if (have(p)) {
    assert_int_equal(disc_file(p, r, 8), 1);
    assert_int_equal(r[0].codec, RUP_CODEC_VP8);
    assert_int_equal(r[0].clock, 90000);
    assert_int_equal(r[0].pt, 96);
    done++;
  }
  p = rt_data("av_call.pcapng");
  if (have(p)) {
    assert_int_equal(disc_file(p, r, 8), 2);
    for (int i = 0; i < 2; i++) {
      if (r[i].ssrc == 0x1A2B3C21u) {
        assert_int_equal(r[i].codec, RUP_CODEC_OPUS);
        assert_int_equal(r[i].clock, 48000);
      } else {
        assert_true(r[i].ssrc == 0x1A2B3C22u);
        assert_int_equal(r[i].codec, RUP_CODEC_VP8);
        assert_int_equal(r[i].clock, 90000);
      }
    }
    done++;
  }
  p = rt_data("h264_clean.pcap");
  if (have(p)) {
    assert_int_equal(disc_file(p, r, 8), 1);
    assert_int_equal(r[0].codec, RUP_CODEC_H264);
    assert_int_equal(r[0].clock, 90000);
    done++;
  }
  p = rt_shared("wireshark_samples_opus.pcap");
  if (p) { /* PT 111 and PT 102, both Opus at 48 kHz (20 ms steps of 960) */
    assert_int_equal(disc_file(p, r, 8), 2);
    for (int i = 0; i < 2; i++) {
      assert_int_equal(r[i].clock, 48000);
      assert_int_equal(r[i].codec, RUP_CODEC_OPUS);
    }
    done++;
  }
  p = rt_shared("sipp-scenarios_g711a.pcap");
  if (p) {
    assert_int_equal(disc_file(p, r, 8), 1);
    assert_int_equal(r[0].codec, RUP_CODEC_PCMA);
    assert_true(r[0].ssrc == 0x0E330AF3u);
    done++;
  }
  if (!done) skip();
}

/* ---- replay (through the public session API) ---- */

static void udp4(bb *b, const uint8_t src[4], uint16_t sp, const uint8_t dst[4], uint16_t dp, const uint8_t *pl,
                 size_t n) {
  eth_hdr(b, 0x0800);
  u8(b, 0x45);
  u8(b, 0);
  u16e(b, 1, (unsigned)(28 + n));
  zeros(b, 4);
  u8(b, 64);
  u8(b, 17);
  u16e(b, 1, 0);
  put(b, src, 4);
  put(b, dst, 4);
  u16e(b, 1, sp);
  u16e(b, 1, dp);
  u16e(b, 1, (unsigned)(8 + n));
  u16e(b, 1, 0);
  put(b, pl, n);
}

typedef struct progress {
  int calls;
  uint64_t last_read, last_size;
  int stop;
} progress;
static int on_progress(uint64_t bytes_read, uint64_t file_size, void *ud) {
  progress *p = ud;
  p->calls++;
  p->last_read = bytes_read;
  p->last_size = file_size;
  return p->stop;
}

static void test_replay(void **state) {
  (void)state;
  static const uint8_t A[4] = {10, 0, 0, 1}, B[4] = {10, 0, 0, 2};
  static const char sdp[] = "v=0\r\nc=IN IP4 10.0.0.2\r\nm=audio 5004 RTP/AVP 100\r\na=rtpmap:100 opus/48000/2\r\n";
  char sip[512];
  size_t sn = make_invite(sip, sizeof sip, sdp, -1);
  bb f = {0}, fr = {0};
  pcap_hdr(&f, 0, 0xA1B2C3D4u, 65535, 1);
  udp4(&fr, A, 5060, B, 5060, (const uint8_t *)sip, sn);
  pcap_rec(&f, 0, 1000, 0, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
  bb_free(&fr);
  uint8_t pkt[64], pl[20];
  memset(pl, 0xFF, sizeof pl); /* not a valid Opus packet: only the SDP can name the codec */
  for (int i = 0; i < 10; i++) {
    uint32_t usec = (uint32_t)(i * 20000 + 100);
    if (i == 5) usec -= 30000; /* capture time steps backwards: clamped, not refused */
    size_t l = rtp_pkt(pkt, 0xA1, (uint16_t)i, (uint32_t)i * 960, 100, 0, pl, sizeof pl);
    udp4(&fr, A, 40000, B, 5004, pkt, l);
    pcap_rec(&f, 0, 1000, usec, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
    bb_free(&fr);
    l = rtp_pkt(pkt, 0xB2, (uint16_t)i, (uint32_t)i * 960, 100, 0, pl, sizeof pl);
    udp4(&fr, B, 5004, A, 40000, pkt, l);
    pcap_rec(&f, 0, 1000, usec + 1, fr.p, (uint32_t)fr.n, (uint32_t)fr.n);
    bb_free(&fr);
  }
  rup_endpoint local = ep4(10, 0, 0, 2, 0);
  progress pr = {0, 0, 0, 0};
  rup_replay_options opt;
  memset(&opt, 0, sizeof opt);
  opt.version = RUP_REPLAY_OPTIONS_VERSION;
  opt.local = &local;
  opt.local_count = 1;
  opt.on_progress = on_progress;
  opt.user_data = &pr;
  for (int cut = 0; cut < 2; cut++) {
    rup_session *s = NULL;
    assert_int_equal(rup_session_new(&s, NULL, NULL, NULL, NULL), 0);
    rup_trace *t = NULL;
    assert_int_equal(rup_trace_open_memory(&t, f.p, f.n - (cut ? 5 : 0), NULL), 0);
    assert_int_equal(rup_replay(s, t, &opt), cut ? RUP_ERR_TRUNCATED : 0);
    size_t ia, ib;
    assert_int_equal(rup_session_find_stream(s, 0xA1, RUP_DIR_INBOUND, &ia), 0);
    assert_int_equal(rup_session_find_stream(s, 0xB2, RUP_DIR_OUTBOUND, &ib), 0);
    rup_stream_stats st;
    assert_int_equal(rup_session_get_stream_stats(s, ia, &st), 0);
    assert_int_equal(st.codec, RUP_CODEC_OPUS);
    assert_int_equal(st.clock_rate, 48000);
    assert_int_equal(st.packets, 10);
    assert_int_equal(rup_session_get_stream_stats(s, ib, &st), 0);
    assert_int_equal(st.codec, RUP_CODEC_OPUS); /* matched by its source address:port */
    assert_int_equal(st.packets, cut ? 9 : 10);
    rup_session_counters c;
    assert_int_equal(rup_session_get_counters(s, &c), 0);
    assert_int_equal(c.time_regressions, 0);
    if (!cut) {
      assert_true(pr.calls >= 1);
      assert_int_equal(pr.last_read, f.n);
      assert_int_equal(pr.last_size, f.n);
    }
    rup_trace_del(t);
    rup_session_del(s);
  }
  /* Arguments. */
  rup_session *s = NULL;
  rup_trace *t = NULL;
  assert_int_equal(rup_session_new(&s, NULL, NULL, NULL, NULL), 0);
  assert_int_equal(rup_trace_open_memory(&t, f.p, f.n, NULL), 0);
  assert_int_equal(rup_replay(NULL, t, NULL), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_replay(s, NULL, NULL), RUP_ERR_INVALID_ARGUMENT);
  rup_replay_options bad = opt;
  bad.version = 99;
  assert_int_equal(rup_replay(s, t, &bad), RUP_ERR_VERSION);
  bad = opt;
  bad.local = NULL;
  assert_int_equal(rup_replay(s, t, &bad), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup_replay(s, t, NULL), 0); /* no options: every stream inbound */
  size_t idx;
  assert_int_equal(rup_session_find_stream(s, 0xB2, RUP_DIR_INBOUND, &idx), 0);
  rup_trace_del(t);
  rup_session_del(s);
  bb_free(&f);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pcap_magics),
      cmocka_unit_test(test_pcap_kuznetzov),
      cmocka_unit_test(test_pcap_header_errors),
      cmocka_unit_test(test_pcap_record_errors),
      cmocka_unit_test(test_pcap_truncated_prefixes),
      cmocka_unit_test(test_link_types),
      cmocka_unit_test(test_ip_udp_cases),
      cmocka_unit_test(test_counters),
      cmocka_unit_test(test_pcapng_sections),
      cmocka_unit_test(test_pcapng_prefixes),
      cmocka_unit_test(test_pcapng_errors),
      cmocka_unit_test(test_pcapng_spb_snaplen),
      cmocka_unit_test(test_pcapng_ts_units),
      cmocka_unit_test(test_gzip),
      cmocka_unit_test(test_files),
      cmocka_unit_test(test_file_equals_memory),
      cmocka_unit_test(test_api_args),
      cmocka_unit_test(test_oom),
      cmocka_unit_test(test_real_shared),
      cmocka_unit_test(test_real_formats_agree),
      cmocka_unit_test(test_sdp_parse),
      cmocka_unit_test(test_direction),
      cmocka_unit_test(test_disc_sdp_and_static),
      cmocka_unit_test(test_disc_table_bound),
      cmocka_unit_test(test_snap_and_static_clock),
      cmocka_unit_test(test_payload_fits),
      cmocka_unit_test(test_disc_synthetic_h264_vp9),
      cmocka_unit_test(test_disc_real),
      cmocka_unit_test(test_replay),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
