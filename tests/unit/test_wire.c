/* Unit tests for lib/wire: RTP header and extensions, RTCP compound, demux.
 * Packets are hand-built byte arrays; every parse runs on an exact-size heap
 * copy so that AddressSanitizer flags any read past the end. */
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "wire/wire.h"

/* Exact-size heap copy of a packet (ASan catches overreads). */
static uint8_t *dup_bytes(const uint8_t *p, size_t n) {
  uint8_t *d = malloc(n ? n : 1);
  assert_non_null(d);
  if (n) memcpy(d, p, n);
  return d;
}

static int rtp_parse_copy(rup_rtp *r, const uint8_t *p, size_t n, uint8_t **keep) {
  *keep = dup_bytes(p, n);
  return rup__rtp_parse(r, *keep, n);
}

/* ------------------------------------------------------------------ RTP */

static void test_rtp_minimal(void **state) {
  (void)state;
  const uint8_t pkt[] = {0x80, 0xE0, 0x12, 0x34, 0xDE, 0xAD, 0xBE, 0xEF, 0x01, 0x02, 0x03, 0x04,
                         0xAA, 0xBB, 0xCC};
  uint8_t *b;
  rup_rtp r;
  assert_int_equal(rtp_parse_copy(&r, pkt, sizeof pkt, &b), 0);
  assert_int_equal(r.marker, 1);
  assert_int_equal(r.payload_type, 96);
  assert_int_equal(r.seq, 0x1234);
  assert_int_equal(r.ts, 0xDEADBEEFu);
  assert_int_equal(r.ssrc, 0x01020304u);
  assert_int_equal(r.csrc_count, 0);
  assert_int_equal(r.has_extension, 0);
  assert_int_equal(r.padding_len, 0);
  assert_ptr_equal(r.payload, b + 12);
  assert_int_equal(r.payload_len, 3);
  free(b);

  /* Exactly 12 bytes: valid, empty payload. */
  assert_int_equal(rtp_parse_copy(&r, pkt, 12, &b), 0);
  assert_int_equal(r.payload_len, 0);
  free(b);
  /* 11 bytes: too short for the fixed header. */
  assert_int_equal(rtp_parse_copy(&r, pkt, 11, &b), RUP_ERR_MALFORMED);
  free(b);
}

static void test_rtp_wrong_version(void **state) {
  (void)state;
  uint8_t pkt[] = {0x80, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xAA};
  rup_rtp r;
  const uint8_t versions[] = {0x00, 0x40, 0xC0};
  for (size_t i = 0; i < sizeof versions; i++) {
    pkt[0] = versions[i];
    assert_int_equal(rup__rtp_parse(&r, pkt, sizeof pkt), RUP_ERR_MALFORMED);
  }
}

static void test_rtp_csrc(void **state) {
  (void)state;
  const uint8_t pkt[] = {0x82, 0x08, 0x00, 0x01, 0, 0, 0, 0x10, 0xCA, 0xFE, 0xBA, 0xBE,
                         0x11, 0x11, 0x11, 0x11, 0x22, 0x22, 0x22, 0x22, 0x55};
  uint8_t *b;
  rup_rtp r;
  assert_int_equal(rtp_parse_copy(&r, pkt, sizeof pkt, &b), 0);
  assert_int_equal(r.csrc_count, 2);
  assert_int_equal(r.csrc[0], 0x11111111u);
  assert_int_equal(r.csrc[1], 0x22222222u);
  assert_int_equal(r.payload_type, 8);
  assert_int_equal(r.marker, 0);
  assert_ptr_equal(r.payload, b + 20);
  assert_int_equal(r.payload_len, 1);
  free(b);
  /* CSRC list cut short: 19 bytes for CC = 2. */
  assert_int_equal(rtp_parse_copy(&r, pkt, 19, &b), RUP_ERR_MALFORMED);
  free(b);
  /* CC = 15 on a 20-byte packet. */
  uint8_t big[20];
  memcpy(big, pkt, sizeof big);
  big[0] = 0x8F;
  assert_int_equal(rtp_parse_copy(&r, big, sizeof big, &b), RUP_ERR_MALFORMED);
  free(b);
}

static void test_rtp_padding(void **state) {
  (void)state;
  /* P set, 2 payload bytes then 3 padding bytes (last = 3). */
  uint8_t pkt[] = {0xA0, 0x6F, 0, 2, 0, 0, 0, 0, 0, 0, 0, 9, 0x01, 0x02, 0x00, 0x00, 0x03};
  uint8_t *b;
  rup_rtp r;
  assert_int_equal(rtp_parse_copy(&r, pkt, sizeof pkt, &b), 0);
  assert_int_equal(r.padding_len, 3);
  assert_int_equal(r.payload_len, 2);
  assert_ptr_equal(r.payload, b + 12);
  free(b);

  /* Padding count 0: malformed. */
  pkt[16] = 0;
  assert_int_equal(rtp_parse_copy(&r, pkt, sizeof pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* Padding takes the whole payload (5 bytes): valid, empty payload. */
  pkt[16] = 5;
  assert_int_equal(rtp_parse_copy(&r, pkt, sizeof pkt, &b), 0);
  assert_int_equal(r.payload_len, 0);
  assert_int_equal(r.padding_len, 5);
  free(b);
  /* Padding larger than what follows the header: malformed. */
  pkt[16] = 6;
  assert_int_equal(rtp_parse_copy(&r, pkt, sizeof pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  pkt[16] = 0xFF;
  assert_int_equal(rtp_parse_copy(&r, pkt, sizeof pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* P set on a bare 12-byte header: the padding count would be in the header. */
  assert_int_equal(rtp_parse_copy(&r, pkt, 12, &b), RUP_ERR_MALFORMED);
  free(b);
}

/* One-byte extension block: id 1 (1 byte, audio level), two padding bytes,
 * id 3 (3 bytes, abs-send-time), id 15 stop, then bytes that must be ignored. */
static const uint8_t rtp_ext1[] = {
    0x90, 0x6F, 0x43, 0x65, 0x6A, 0xE5, 0xBF, 0xC8, 0x9A, 0xD6, 0x8A, 0xE5, /* fixed */
    0xBE, 0xDE, 0x00, 0x03,                                                 /* 3 words */
    0x10, 0xFF, 0x00, 0x00,                                                 /* id1 L0, pad, pad */
    0x32, 0x12, 0x34, 0x56,                                                 /* id3 L2 */
    0xF0, 0x23, 0x00, 0x00,                                                 /* id15: stop */
    0xDE, 0xAD};                                                            /* payload */

static void test_rtp_ext_one_byte(void **state) {
  (void)state;
  uint8_t *b;
  rup_rtp r;
  assert_int_equal(rtp_parse_copy(&r, rtp_ext1, sizeof rtp_ext1, &b), 0);
  assert_int_equal(r.has_extension, 1);
  assert_int_equal(r.ext_profile, 0xBEDE);
  assert_ptr_equal(r.ext, b + 16);
  assert_int_equal(r.ext_len, 12);
  assert_ptr_equal(r.payload, b + 28);
  assert_int_equal(r.payload_len, 2);

  size_t pos = 0;
  rup_rtp_ext_elem e;
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 1);
  assert_int_equal(e.id, 1);
  assert_int_equal(e.len, 1);
  assert_ptr_equal(e.data, b + 17);
  int voice, level;
  assert_int_equal(rup__ext_audio_level(&e, &voice, &level), 0);
  assert_int_equal(voice, 1);
  assert_int_equal(level, 127);
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 1);
  assert_int_equal(e.id, 3);
  assert_int_equal(e.len, 3);
  uint32_t ast;
  assert_int_equal(rup__ext_abs_send_time(&e, &ast), 0);
  assert_int_equal(ast, 0x123456u);
  /* ID 15 stops: the "0x23" after it would otherwise be id 2. */
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 0);
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 0);

  assert_int_equal(rup__rtp_ext_find(&r, 3, &e), 1);
  assert_int_equal(e.data[0], 0x12);
  assert_int_equal(rup__rtp_ext_find(&r, 2, &e), 0);
  assert_int_equal(rup__rtp_ext_find(&r, 15, &e), 0);
  free(b);
}

static void test_rtp_ext_one_byte_id0_nonzero_len(void **state) {
  (void)state;
  /* ID 0 with L != 0 is not padding: parsing stops there (libwebrtc). */
  const uint8_t pkt[] = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x01,
                         0x20, 0x07, 0x03, 0x10};
  uint8_t *b;
  rup_rtp r;
  assert_int_equal(rtp_parse_copy(&r, pkt, sizeof pkt, &b), 0);
  size_t pos = 0;
  rup_rtp_ext_elem e;
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 1);
  assert_int_equal(e.id, 2);
  assert_int_equal(e.data[0], 0x07);
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 0);
  free(b);
}

static void test_rtp_ext_two_byte(void **state) {
  (void)state;
  uint8_t pkt[] = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x03,
                   0x01, 0x00,                   /* id 1, len 0 */
                   0x00,                         /* padding */
                   0x14, 0x02, 0xAB, 0xCD,       /* id 20, len 2: transport seq */
                   0x03, 0x01, 0x85,             /* id 3, len 1: audio level */
                   0x00, 0x00,                   /* padding */
                   0x77};
  uint8_t *b;
  rup_rtp r;
  for (int appbits = 0; appbits < 16; appbits += 15) { /* 0x1000 and 0x100F */
    pkt[13] = (uint8_t)appbits;
    assert_int_equal(rtp_parse_copy(&r, pkt, sizeof pkt, &b), 0);
    assert_int_equal(r.ext_profile, 0x1000 | appbits);
    assert_int_equal(r.ext_len, 12);
    assert_int_equal(r.payload_len, 1);
    size_t pos = 0;
    rup_rtp_ext_elem e;
    assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 1);
    assert_int_equal(e.id, 1);
    assert_int_equal(e.len, 0);
    int voice, level;
    assert_int_equal(rup__ext_audio_level(&e, &voice, &level), RUP_ERR_MALFORMED);
    assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 1);
    assert_int_equal(e.id, 20);
    uint16_t tseq;
    assert_int_equal(rup__ext_transport_seq(&e, &tseq), 0);
    assert_int_equal(tseq, 0xABCD);
    assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 1);
    assert_int_equal(e.id, 3);
    assert_int_equal(rup__ext_audio_level(&e, &voice, &level), 0);
    assert_int_equal(voice, 1);
    assert_int_equal(level, 5);
    assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 0);
    free(b);
  }
  /* 0x1010 is not the two-byte profile: opaque, no elements. */
  pkt[13] = 0x10;
  assert_int_equal(rtp_parse_copy(&r, pkt, sizeof pkt, &b), 0);
  size_t pos = 0;
  rup_rtp_ext_elem e;
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 0);
  assert_int_equal(rup__rtp_ext_find(&r, 1, &e), 0);
  free(b);
}

static void test_rtp_ext_overrun(void **state) {
  (void)state;
  rup_rtp r;
  uint8_t *b;
  rup_rtp_ext_elem e;
  size_t pos;
  /* One-byte: id 2 L=3 (4 data bytes) but only 3 bytes remain in the block. */
  const uint8_t one[] = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x01,
                         0x23, 0x01, 0x02, 0x03, 0x99, 0x99};
  assert_int_equal(rtp_parse_copy(&r, one, sizeof one, &b), 0);
  pos = 0;
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), RUP_ERR_MALFORMED);
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 0); /* stays stopped */
  assert_int_equal(rup__rtp_ext_find(&r, 2, &e), RUP_ERR_MALFORMED);
  free(b);
  /* Two-byte: element length 5 with 2 data bytes left. */
  const uint8_t two[] = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01,
                         0x07, 0x05, 0x01, 0x02};
  assert_int_equal(rtp_parse_copy(&r, two, sizeof two, &b), 0);
  pos = 0;
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), RUP_ERR_MALFORMED);
  free(b);
  /* Two-byte: an ID byte with no room for its length byte. */
  const uint8_t two_b[] = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0x10, 0x00, 0x00, 0x01,
                           0x01, 0x01, 0xAA, 0x07};
  assert_int_equal(rtp_parse_copy(&r, two_b, sizeof two_b, &b), 0);
  pos = 0;
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), 1);
  assert_int_equal(e.id, 1);
  assert_int_equal(e.data[0], 0xAA);
  assert_int_equal(rup__rtp_ext_next(&r, &pos, &e), RUP_ERR_MALFORMED);
  free(b);
  /* Extension header length beyond the packet: the parse itself fails. */
  const uint8_t hdr[] = {0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0xBE, 0xDE, 0x00, 0x02,
                         0x10, 0x01, 0x00, 0x00};
  assert_int_equal(rtp_parse_copy(&r, hdr, sizeof hdr, &b), RUP_ERR_MALFORMED);
  free(b);
  /* X set but no room for the 4-byte extension header. */
  assert_int_equal(rtp_parse_copy(&r, hdr, 14, &b), RUP_ERR_MALFORMED);
  free(b);
}

static void test_audio_level_values(void **state) {
  (void)state;
  uint8_t v;
  rup_rtp_ext_elem e = {1, 1, &v};
  int voice, level;
  const struct {
    uint8_t byte;
    int voice, level;
  } cases[] = {{0x00, 0, 0}, {0x80, 1, 0}, {0x7F, 0, 127}, {0xFF, 1, 127}, {0x1E, 0, 30}, {0xAA, 1, 42}};
  for (size_t i = 0; i < RUP_ARRAY_LEN(cases); i++) {
    v = cases[i].byte;
    assert_int_equal(rup__ext_audio_level(&e, &voice, &level), 0);
    assert_int_equal(voice, cases[i].voice);
    assert_int_equal(level, cases[i].level);
  }
  uint8_t two[2] = {0x80, 0};
  rup_rtp_ext_elem e2 = {1, 2, two};
  assert_int_equal(rup__ext_audio_level(&e2, &voice, &level), RUP_ERR_MALFORMED);
  uint32_t ast;
  uint16_t seq;
  assert_int_equal(rup__ext_abs_send_time(&e2, &ast), RUP_ERR_MALFORMED);
  assert_int_equal(rup__ext_transport_seq(&e, &seq), RUP_ERR_MALFORMED);
}

static void test_ext_uri(void **state) {
  (void)state;
  const char *al = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
  const char *ast = "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
  const char *tw = "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
  assert_int_equal(rup__ext_uri_from_string(al, strlen(al)), RUP_EXT_AUDIO_LEVEL);
  assert_int_equal(rup__ext_uri_from_string(ast, strlen(ast)), RUP_EXT_ABS_SEND_TIME);
  assert_int_equal(rup__ext_uri_from_string(tw, strlen(tw)), RUP_EXT_TRANSPORT_SEQ);
  /* Length is honoured: a prefix or a longer string is not a match. */
  assert_int_equal(rup__ext_uri_from_string(al, strlen(al) - 1), RUP_EXT_NONE);
  assert_int_equal(rup__ext_uri_from_string("urn:ietf:params:rtp-hdrext:ssrc-audio-levelX", 45),
                   RUP_EXT_NONE);
  assert_int_equal(rup__ext_uri_from_string("urn:ietf:params:rtp-hdrext:toffset", 34), RUP_EXT_NONE);
  assert_int_equal(rup__ext_uri_from_string("", 0), RUP_EXT_NONE);
  assert_int_equal(rup__ext_uri_from_string(NULL, 0), RUP_EXT_NONE);
}

/* Every prefix of an RTP packet: either malformed or a payload inside the input. */
static void test_rtp_prefixes(void **state) {
  (void)state;
  for (size_t n = 0; n <= sizeof rtp_ext1; n++) {
    uint8_t *b = dup_bytes(rtp_ext1, n);
    rup_rtp r;
    int rv = rup__rtp_parse(&r, b, n);
    if (n < 28) {
      assert_int_equal(rv, RUP_ERR_MALFORMED); /* header + extension need 28 bytes */
    } else {
      assert_int_equal(rv, 0);
      assert_true(r.payload >= b && r.payload + r.payload_len <= b + n);
      size_t pos = 0;
      rup_rtp_ext_elem e;
      int k = 0;
      while ((rv = rup__rtp_ext_next(&r, &pos, &e)) == 1) k++;
      assert_int_equal(rv, 0);
      assert_int_equal(k, 2);
    }
    free(b);
  }
}

/* ------------------------------------------------------------------ RTCP */

static const uint8_t rtcp_sr2[] = {
    0x82, 0xC8, 0x00, 0x12,                         /* V2 RC2 SR, 18 words */
    0x11, 0x22, 0x33, 0x44,                         /* sender SSRC */
    0xE6, 0x54, 0x04, 0x65, 0x94, 0x95, 0x8D, 0x9B, /* NTP */
    0x6A, 0xE6, 0xD9, 0x08,                         /* RTP ts */
    0x00, 0x00, 0x00, 0x4C,                         /* packets */
    0x00, 0x00, 0x2E, 0x1A,                         /* octets */
    /* block 1 */
    0xAA, 0xBB, 0xCC, 0xDD, 0x40, 0xFF, 0xFF, 0xFF, 0x00, 0x01, 0xF7, 0x20, 0x00, 0x00, 0x01, 0x23,
    0xB7, 0x05, 0x20, 0x00, 0x00, 0x05, 0x40, 0x00,
    /* block 2 */
    0x01, 0x02, 0x03, 0x04, 0xFF, 0x80, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0xFF, 0xFF, 0xFF,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

static int rtcp_first(const uint8_t *p, size_t n, rup_rtcp_packet *pkt, uint8_t **keep) {
  *keep = dup_bytes(p, n);
  size_t pos = 0;
  return rup__rtcp_next(*keep, n, &pos, pkt);
}

static void test_rtcp_sr(void **state) {
  (void)state;
  uint8_t *b;
  rup_rtcp_packet pkt;
  assert_int_equal(rtcp_first(rtcp_sr2, sizeof rtcp_sr2, &pkt, &b), 1);
  assert_int_equal(pkt.type, RUP_RTCP_SR);
  assert_int_equal(pkt.count, 2);
  assert_int_equal(pkt.ssrc, 0x11223344u);
  assert_true(pkt.has_sender_info);
  assert_true(pkt.sender_info.ntp == 0xE654046594958D9Bull);
  assert_int_equal(pkt.sender_info.rtp_ts, 0x6AE6D908u);
  assert_int_equal(pkt.sender_info.packet_count, 0x4C);
  assert_int_equal(pkt.sender_info.octet_count, 0x2E1A);
  assert_int_equal(rup__ntp_mid32(pkt.sender_info.ntp), 0x04659495u);
  assert_int_equal(pkt.report_count, 2);
  assert_ptr_equal(pkt.blocks, b + 28);
  assert_ptr_equal(pkt.body, b + 4);
  assert_int_equal(pkt.body_len, 72);

  rup_rtcp_report_block rb;
  rup__rtcp_report_block(&pkt, 0, &rb);
  assert_int_equal(rb.ssrc, 0xAABBCCDDu);
  assert_int_equal(rb.fraction_lost, 0x40);
  assert_int_equal(rb.cumulative_lost, -1);
  assert_int_equal(rb.ext_highest_seq, 0x0001F720u);
  assert_int_equal(rb.jitter, 0x123);
  assert_int_equal(rb.lsr, 0xB7052000u);
  assert_int_equal(rb.dlsr, 0x00054000u);
  rup__rtcp_report_block(&pkt, 1, &rb);
  assert_int_equal(rb.ssrc, 0x01020304u);
  assert_int_equal(rb.fraction_lost, 0xFF);
  assert_int_equal(rb.cumulative_lost, -8388608);
  assert_int_equal(rb.ext_highest_seq, 0xFFFFFFFFu);
  assert_int_equal(rb.jitter, 0x7FFFFFFFu);
  assert_int_equal(rb.lsr, 0);
  assert_int_equal(rb.dlsr, 0);

  size_t pos = sizeof rtcp_sr2;
  assert_int_equal(rup__rtcp_next(b, sizeof rtcp_sr2, &pos, &pkt), 0);
  free(b);

  /* RC = 3 does not fit 18 words: malformed. */
  uint8_t bad[sizeof rtcp_sr2];
  memcpy(bad, rtcp_sr2, sizeof bad);
  bad[0] = 0x83;
  assert_int_equal(rtcp_first(bad, sizeof bad, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
}

static void test_rtcp_rr(void **state) {
  (void)state;
  uint8_t *b;
  rup_rtcp_packet pkt;
  const uint8_t rr0[] = {0x80, 0xC9, 0x00, 0x01, 0xDE, 0xAD, 0xBE, 0xEF};
  assert_int_equal(rtcp_first(rr0, sizeof rr0, &pkt, &b), 1);
  assert_int_equal(pkt.type, RUP_RTCP_RR);
  assert_int_equal(pkt.ssrc, 0xDEADBEEFu);
  assert_int_equal(pkt.report_count, 0);
  assert_false(pkt.has_sender_info);
  free(b);

  const uint8_t rr1[] = {0x81, 0xC9, 0x00, 0x07, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
                         0x0A, 0x7F, 0xFF, 0xFF, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x50,
                         0x12, 0x34, 0x56, 0x78, 0x00, 0x01, 0x00, 0x00};
  assert_int_equal(rtcp_first(rr1, sizeof rr1, &pkt, &b), 1);
  assert_int_equal(pkt.report_count, 1);
  rup_rtcp_report_block rb;
  rup__rtcp_report_block(&pkt, 0, &rb);
  assert_int_equal(rb.ssrc, 2);
  assert_int_equal(rb.fraction_lost, 10);
  assert_int_equal(rb.cumulative_lost, 8388607);
  assert_int_equal(rb.ext_highest_seq, 0x1000);
  assert_int_equal(rb.jitter, 0x50);
  assert_int_equal(rb.lsr, 0x12345678u);
  assert_int_equal(rb.dlsr, 0x00010000u);
  free(b);

  /* RC = 1 with a length of 1 word: the report block does not fit. */
  const uint8_t rr_bad[] = {0x81, 0xC9, 0x00, 0x01, 0xDE, 0xAD, 0xBE, 0xEF};
  assert_int_equal(rtcp_first(rr_bad, sizeof rr_bad, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* RR with no SSRC (length 0). */
  const uint8_t rr_empty[] = {0x80, 0xC9, 0x00, 0x00};
  assert_int_equal(rtcp_first(rr_empty, sizeof rr_empty, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
}

static const uint8_t rtcp_sdes[] = {
    0x82, 0xCA, 0x00, 0x08,                          /* SC 2, 8 words */
    0x11, 0x22, 0x33, 0x44,                          /* chunk 1 SSRC */
    0x02, 0x03, 'B', 'o', 'b',                       /* NAME */
    0x01, 0x05, 'a', 'l', 'i', 'c', 'e',             /* CNAME */
    0x00, 0x00, 0x00, 0x00,                          /* end + pad to 32 bits */
    0x55, 0x66, 0x77, 0x88,                          /* chunk 2 SSRC */
    0x01, 0x03, 'e', 'v', 'e', 0x00, 0x00, 0x00};    /* CNAME, end, pad */

static void test_rtcp_sdes(void **state) {
  (void)state;
  uint8_t *b;
  rup_rtcp_packet pkt;
  assert_int_equal(rtcp_first(rtcp_sdes, sizeof rtcp_sdes, &pkt, &b), 1);
  assert_int_equal(pkt.type, RUP_RTCP_SDES);
  assert_int_equal(pkt.count, 2);
  assert_int_equal(pkt.ssrc, 0);
  assert_int_equal(pkt.cname_ssrc, 0x11223344u);
  assert_int_equal(pkt.cname_len, 5);
  assert_memory_equal(pkt.cname, "alice", 5);
  assert_ptr_equal(pkt.cname, b + 15);
  free(b);

  /* CNAME only in the second chunk: not reported. */
  const uint8_t second[] = {0x82, 0xCA, 0x00, 0x05, 0x11, 0x22, 0x33, 0x44, 0x02, 0x01, 'x', 0x00,
                            0x55, 0x66, 0x77, 0x88, 0x01, 0x03, 'e', 'v', 'e', 0x00, 0x00, 0x00};
  assert_int_equal(rtcp_first(second, sizeof second, &pkt, &b), 1);
  assert_null(pkt.cname);
  assert_int_equal(pkt.cname_len, 0);
  free(b);

  /* Two CNAME items in the first chunk: the first one is reported. */
  const uint8_t twocname[] = {0x81, 0xCA, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44,
                              0x01, 0x01, 'p', 0x01, 0x01, 'q', 0x00, 0x00};
  assert_int_equal(rtcp_first(twocname, sizeof twocname, &pkt, &b), 1);
  assert_int_equal(pkt.cname_len, 1);
  assert_int_equal(pkt.cname[0], 'p');
  free(b);

  /* Items end exactly on a word boundary: the null terminator needs another word. */
  const uint8_t aligned[] = {0x81, 0xCA, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44,
                             0x01, 0x02, 'a', 'b', 0x00, 0x00, 0x00, 0x00};
  assert_int_equal(rtcp_first(aligned, sizeof aligned, &pkt, &b), 1);
  assert_int_equal(pkt.cname_len, 2);
  assert_memory_equal(pkt.cname, "ab", 2);
  free(b);
  /* Same without the terminating word: malformed. */
  uint8_t noterm[12];
  memcpy(noterm, aligned, sizeof noterm);
  noterm[3] = 0x02;
  assert_int_equal(rtcp_first(noterm, sizeof noterm, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* Item length past the end of the packet. */
  uint8_t over[sizeof aligned];
  memcpy(over, aligned, sizeof over);
  over[9] = 0x09;
  assert_int_equal(rtcp_first(over, sizeof over, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* A non-null item type in the last byte: no room for its length octet. */
  const uint8_t lasttype[] = {0x81, 0xCA, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x02, 0x01, 'x', 0x01};
  assert_int_equal(rtcp_first(lasttype, sizeof lasttype, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* RTCP padding of 2 leaves a 6-byte body: the chunk's 32-bit alignment runs
   * past the SDES contents. */
  const uint8_t oddpad[] = {0xA1, 0xCA, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x02};
  assert_int_equal(rtcp_first(oddpad, sizeof oddpad, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* SC = 3 but only two chunks. */
  uint8_t sc3[sizeof rtcp_sdes];
  memcpy(sc3, rtcp_sdes, sizeof sc3);
  sc3[0] = 0x83;
  assert_int_equal(rtcp_first(sc3, sizeof sc3, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
}

static void test_rtcp_bye(void **state) {
  (void)state;
  uint8_t *b;
  rup_rtcp_packet pkt;
  const uint8_t bye[] = {0x81, 0xCB, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44,
                         0x07, 't', 'i', 'm', 'e', 'o', 'u', 't'};
  assert_int_equal(rtcp_first(bye, sizeof bye, &pkt, &b), 1);
  assert_int_equal(pkt.type, RUP_RTCP_BYE);
  assert_int_equal(pkt.ssrc, 0x11223344u);
  assert_int_equal(pkt.bye_count, 1);
  assert_ptr_equal(pkt.bye_ssrcs, b + 4);
  assert_int_equal(pkt.bye_reason_len, 7);
  assert_memory_equal(pkt.bye_reason, "timeout", 7);
  free(b);

  const uint8_t bye2[] = {0x82, 0xCB, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02};
  assert_int_equal(rtcp_first(bye2, sizeof bye2, &pkt, &b), 1);
  assert_int_equal(pkt.bye_count, 2);
  assert_int_equal(rup__rd32(pkt.bye_ssrcs + 4), 2);
  assert_null(pkt.bye_reason);
  free(b);

  /* Reason length beyond the packet. */
  uint8_t bad[sizeof bye];
  memcpy(bad, bye, sizeof bad);
  bad[8] = 8;
  assert_int_equal(rtcp_first(bad, sizeof bad, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* SC = 3 with room for two SSRCs. */
  uint8_t sc[sizeof bye2];
  memcpy(sc, bye2, sizeof sc);
  sc[0] = 0x83;
  assert_int_equal(rtcp_first(sc, sizeof sc, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
}

static void test_rtcp_feedback(void **state) {
  (void)state;
  uint8_t *b;
  rup_rtcp_packet pkt;
  const uint8_t nack[] = {0x81, 0xCD, 0x00, 0x04, 0x11, 0x22, 0x33, 0x44, 0xAA, 0xBB, 0xCC, 0xDD,
                          0x00, 0x10, 0x00, 0x03, 0x01, 0x00, 0x00, 0x00};
  assert_int_equal(rtcp_first(nack, sizeof nack, &pkt, &b), 1);
  assert_int_equal(pkt.type, RUP_RTCP_RTPFB);
  assert_int_equal(pkt.count, 1);
  assert_int_equal(pkt.ssrc, 0x11223344u);
  assert_int_equal(pkt.media_ssrc, 0xAABBCCDDu);
  assert_int_equal(pkt.nack_count, 2);
  assert_ptr_equal(pkt.fci, b + 12);
  assert_int_equal(pkt.fci_len, 8);
  assert_int_equal(pkt.fir_count, 0);
  free(b);
  /* Generic NACK without FCI entries: malformed (RFC 4585 §6.2.1 "at least one"). */
  const uint8_t nack0[] = {0x81, 0xCD, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0xAA, 0xBB, 0xCC, 0xDD};
  assert_int_equal(rtcp_first(nack0, sizeof nack0, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* Feedback packet shorter than the common header. */
  const uint8_t fb_short[] = {0x81, 0xCD, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44};
  assert_int_equal(rtcp_first(fb_short, sizeof fb_short, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);

  /* PLI: PSFB FMT 1 with no FCI. */
  uint8_t pli[] = {0x81, 0xCE, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0xAA, 0xBB, 0xCC, 0xDD};
  assert_int_equal(rtcp_first(pli, sizeof pli, &pkt, &b), 1);
  assert_int_equal(pkt.type, RUP_RTCP_PSFB);
  assert_int_equal(pkt.count, 1);
  assert_int_equal(pkt.media_ssrc, 0xAABBCCDDu);
  assert_int_equal(pkt.fci_len, 0);
  assert_int_equal(pkt.fir_count, 0);
  assert_int_equal(pkt.nack_count, 0);
  free(b);

  /* FIR with two FCI entries. */
  const uint8_t fir[] = {0x84, 0xCE, 0x00, 0x06, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x00,
                         0xAA, 0xBB, 0xCC, 0xDD, 0x05, 0x00, 0x00, 0x00,
                         0x01, 0x02, 0x03, 0x04, 0x06, 0x00, 0x00, 0x00};
  assert_int_equal(rtcp_first(fir, sizeof fir, &pkt, &b), 1);
  assert_int_equal(pkt.count, 4);
  assert_int_equal(pkt.fir_count, 2);
  assert_ptr_equal(pkt.fir_ssrcs, b + 12);
  assert_int_equal(rup__rd32(pkt.fir_ssrcs), 0xAABBCCDDu);
  assert_int_equal(pkt.fir_ssrcs[4], 5);
  assert_int_equal(rup__rd32(pkt.fir_ssrcs + 8), 0x01020304u);
  assert_int_equal(pkt.fir_ssrcs[12], 6);
  free(b);
  /* FIR whose FCI is not a multiple of 8 bytes. */
  uint8_t fir_bad[24];
  memcpy(fir_bad, fir, sizeof fir_bad);
  fir_bad[3] = 0x05;
  assert_int_equal(rtcp_first(fir_bad, sizeof fir_bad, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* FIR with no FCI. */
  uint8_t fir0[12];
  memcpy(fir0, fir, sizeof fir0);
  fir0[3] = 0x02;
  assert_int_equal(rtcp_first(fir0, sizeof fir0, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
}

static const uint8_t rtcp_xr[] = {
    0x80, 0xCF, 0x00, 0x0D, 0x11, 0x22, 0x33, 0x44,
    /* BT 4 receiver reference time, 2 words */
    0x04, 0x00, 0x00, 0x02, 0xE6, 0x54, 0x04, 0x65, 0x94, 0x95, 0x8D, 0x9B,
    /* BT 7 VoIP metrics, 8 words */
    0x07, 0x00, 0x00, 0x08, 0xAA, 0xBB, 0xCC, 0xDD, 0x0A, 0x05, 0x80, 0x02, 0x01, 0x23, 0x45, 0x67,
    0x00, 0x64, 0x00, 0x32, 0xEC, 0xB5, 0x7F, 0x10, 0x5D, 0x7F, 0x2A, 0x29, 0xF5, 0x00, 0x00, 0x28,
    0x00, 0x50, 0x00, 0xC8};

static void test_rtcp_xr(void **state) {
  (void)state;
  uint8_t *b;
  rup_rtcp_packet pkt;
  assert_int_equal(rtcp_first(rtcp_xr, sizeof rtcp_xr, &pkt, &b), 1);
  assert_int_equal(pkt.type, RUP_RTCP_XR);
  assert_int_equal(pkt.ssrc, 0x11223344u);
  assert_true(pkt.has_voip);
  const rup_rtcp_xr_voip *v = &pkt.voip;
  assert_int_equal(v->ssrc, 0xAABBCCDDu);
  assert_int_equal(v->loss_rate, 10);
  assert_int_equal(v->discard_rate, 5);
  assert_int_equal(v->burst_density, 128);
  assert_int_equal(v->gap_density, 2);
  assert_int_equal(v->burst_duration_ms, 0x0123);
  assert_int_equal(v->gap_duration_ms, 0x4567);
  assert_int_equal(v->round_trip_delay_ms, 100);
  assert_int_equal(v->end_system_delay_ms, 50);
  assert_int_equal(v->signal_level, -20);
  assert_int_equal(v->noise_level, -75);
  assert_int_equal(v->rerl, 127);
  assert_int_equal(v->gmin, 16);
  assert_int_equal(v->r_factor, 93);
  assert_int_equal(v->ext_r_factor, 127);
  assert_int_equal(v->mos_lq, 42);
  assert_int_equal(v->mos_cq, 41);
  assert_int_equal(v->rx_config, 0xF5);
  assert_int_equal(v->jb_nominal, 40);
  assert_int_equal(v->jb_maximum, 80);
  assert_int_equal(v->jb_abs_max, 200);
  free(b);

  /* VoIP block with block length 7 (not 8): malformed. */
  uint8_t bad[sizeof rtcp_xr - 4];
  memcpy(bad, rtcp_xr, sizeof bad);
  bad[3] = 0x0C;
  bad[23] = 0x07;
  assert_int_equal(rtcp_first(bad, sizeof bad, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* A block that overruns the XR packet. */
  uint8_t over[sizeof rtcp_xr];
  memcpy(over, rtcp_xr, sizeof over);
  over[11] = 0x0C;
  assert_int_equal(rtcp_first(over, sizeof over, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* XR with no report blocks. */
  const uint8_t empty[] = {0x80, 0xCF, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44};
  assert_int_equal(rtcp_first(empty, sizeof empty, &pkt, &b), 1);
  assert_false(pkt.has_voip);
  free(b);
}

static void test_rtcp_app_and_unknown(void **state) {
  (void)state;
  uint8_t *b;
  rup_rtcp_packet pkt;
  const uint8_t app[] = {0x85, 0xCC, 0x00, 0x03, 0x11, 0x22, 0x33, 0x44, 'T', 'E', 'S', 'T', 1, 2, 3, 4};
  assert_int_equal(rtcp_first(app, sizeof app, &pkt, &b), 1);
  assert_int_equal(pkt.type, RUP_RTCP_APP);
  assert_int_equal(pkt.count, 5);
  assert_int_equal(pkt.ssrc, 0x11223344u);
  assert_int_equal(pkt.body_len, 12);
  free(b);
  const uint8_t app_short[] = {0x80, 0xCC, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44};
  assert_int_equal(rtcp_first(app_short, sizeof app_short, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  /* An RTCP type we do not decode (IJ, 195): returned with its body. */
  const uint8_t ij[] = {0x81, 0xC3, 0x00, 0x01, 0x00, 0x00, 0x01, 0x00};
  assert_int_equal(rtcp_first(ij, sizeof ij, &pkt, &b), 1);
  assert_int_equal(pkt.type, 195);
  assert_int_equal(pkt.body_len, 4);
  free(b);
  /* PT outside 192..223 and wrong versions. */
  uint8_t x[] = {0x80, 0xE0, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00};
  assert_int_equal(rtcp_first(x, sizeof x, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  x[1] = 0xC8;
  x[0] = 0x40;
  assert_int_equal(rtcp_first(x, sizeof x, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
  x[0] = 0xC0;
  assert_int_equal(rtcp_first(x, sizeof x, &pkt, &b), RUP_ERR_MALFORMED);
  free(b);
}

/* SR (no blocks, as in wireshark_samples_opus.pcap) + SDES: a compound. */
static const uint8_t rtcp_compound[] = {
    0x80, 0xC8, 0x00, 0x06, 0x9A, 0xD6, 0x8A, 0xE5, 0xE6, 0x54, 0x04, 0x65, 0x94, 0x95,
    0x8D, 0x9B, 0x6A, 0xE6, 0xD9, 0x08, 0x00, 0x00, 0x00, 0x4C, 0x00, 0x00, 0x2E, 0x1A,
    0x81, 0xCA, 0x00, 0x04, 0x9A, 0xD6, 0x8A, 0xE5, 0x01, 0x08, 'a', 'b', 'c', 'd',
    'e', 'f', 'g', 'h', 0x00, 0x00};

static void test_rtcp_compound(void **state) {
  (void)state;
  uint8_t *b = dup_bytes(rtcp_compound, sizeof rtcp_compound);
  size_t pos = 0;
  rup_rtcp_packet pkt;
  assert_int_equal(rup__rtcp_next(b, sizeof rtcp_compound, &pos, &pkt), 1);
  assert_int_equal(pkt.type, RUP_RTCP_SR);
  assert_int_equal(pkt.report_count, 0);
  assert_int_equal(pkt.ssrc, 0x9AD68AE5u);
  assert_int_equal(pos, 28);
  assert_int_equal(rup__rtcp_next(b, sizeof rtcp_compound, &pos, &pkt), 1);
  assert_int_equal(pkt.type, RUP_RTCP_SDES);
  assert_int_equal(pkt.cname_ssrc, 0x9AD68AE5u);
  assert_int_equal(pkt.cname_len, 8);
  assert_memory_equal(pkt.cname, "abcdefgh", 8);
  assert_int_equal(pos, sizeof rtcp_compound);
  assert_int_equal(rup__rtcp_next(b, sizeof rtcp_compound, &pos, &pkt), 0);
  free(b);

  /* Two stray bytes after the compound: the lengths do not add up (RFC 3550 A.2). */
  uint8_t extra[sizeof rtcp_compound + 2];
  memcpy(extra, rtcp_compound, sizeof rtcp_compound);
  extra[sizeof rtcp_compound] = 0x80;
  extra[sizeof rtcp_compound + 1] = 0xC9;
  b = dup_bytes(extra, sizeof extra);
  pos = 0;
  assert_int_equal(rup__rtcp_next(b, sizeof extra, &pos, &pkt), 1);
  assert_int_equal(rup__rtcp_next(b, sizeof extra, &pos, &pkt), 1);
  assert_int_equal(rup__rtcp_next(b, sizeof extra, &pos, &pkt), RUP_ERR_MALFORMED);
  assert_int_equal(rup__rtcp_next(b, sizeof extra, &pos, &pkt), 0); /* stopped */
  free(b);
}

static void test_rtcp_padding(void **state) {
  (void)state;
  /* RR + BYE with P set: 4 padding bytes inside the BYE's length. */
  const uint8_t good[] = {0x80, 0xC9, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44,
                          0xA1, 0xCB, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x04};
  uint8_t *b = dup_bytes(good, sizeof good);
  size_t pos = 0;
  rup_rtcp_packet pkt;
  assert_int_equal(rup__rtcp_next(b, sizeof good, &pos, &pkt), 1);
  assert_int_equal(rup__rtcp_next(b, sizeof good, &pos, &pkt), 1);
  assert_int_equal(pkt.type, RUP_RTCP_BYE);
  assert_int_equal(pkt.body_len, 4);
  assert_null(pkt.bye_reason); /* padding is not a reason */
  assert_int_equal(rup__rtcp_next(b, sizeof good, &pos, &pkt), 0);
  free(b);

  uint8_t v[sizeof good];
  /* Padding count 0 and larger than the body. */
  const uint8_t counts[] = {0, 9, 0xFF};
  for (size_t i = 0; i < sizeof counts; i++) {
    memcpy(v, good, sizeof v);
    v[19] = counts[i];
    b = dup_bytes(v, sizeof v);
    pos = 8;
    assert_int_equal(rup__rtcp_next(b, sizeof v, &pos, &pkt), RUP_ERR_MALFORMED);
    free(b);
  }
  /* Padding eating the whole body (8): BYE with SC = 1 then lacks its SSRC. */
  memcpy(v, good, sizeof v);
  v[19] = 8;
  b = dup_bytes(v, sizeof v);
  pos = 8;
  assert_int_equal(rup__rtcp_next(b, sizeof v, &pos, &pkt), RUP_ERR_MALFORMED);
  free(b);
  /* P on the first packet of a compound: malformed. */
  memcpy(v, good, sizeof v);
  v[0] = 0xA0;
  b = dup_bytes(v, sizeof v);
  pos = 0;
  assert_int_equal(rup__rtcp_next(b, sizeof v, &pos, &pkt), RUP_ERR_MALFORMED);
  free(b);
  /* A BYE (SC 0) whose padding would be valid if it were last: legal alone,
   * malformed when another packet follows (RFC 3550 A.2). */
  const uint8_t byepad[] = {0xA0, 0xCB, 0x00, 0x01, 0x00, 0x00, 0x00, 0x04,
                            0x80, 0xC9, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44};
  b = dup_bytes(byepad, 8);
  pos = 0;
  assert_int_equal(rup__rtcp_next(b, 8, &pos, &pkt), 1);
  assert_int_equal(pkt.body_len, 0);
  assert_int_equal(pkt.bye_count, 0);
  assert_int_equal(rup__rtcp_next(b, 8, &pos, &pkt), 0);
  free(b);
  b = dup_bytes(byepad, sizeof byepad);
  pos = 0;
  assert_int_equal(rup__rtcp_next(b, sizeof byepad, &pos, &pkt), RUP_ERR_MALFORMED);
  free(b);
}

/* Every prefix of valid compounds: never a read past the end (ASan), and
 * only prefixes ending on a packet boundary iterate cleanly. */
static void check_prefixes(const uint8_t *full, size_t len) {
  size_t bounds[16];
  size_t nb = 0, pos = 0;
  rup_rtcp_packet pkt;
  bounds[nb++] = 0;
  while (rup__rtcp_next(full, len, &pos, &pkt) == 1) {
    assert_true(nb < RUP_ARRAY_LEN(bounds));
    bounds[nb++] = pos;
  }
  assert_int_equal(bounds[nb - 1], len);
  for (size_t n = 0; n < len; n++) {
    uint8_t *b = dup_bytes(full, n);
    int is_bound = 0;
    for (size_t i = 0; i < nb; i++) is_bound |= bounds[i] == n;
    pos = 0;
    int rv;
    unsigned guard = 0;
    while ((rv = rup__rtcp_next(b, n, &pos, &pkt)) == 1) {
      assert_true(pkt.body >= b && pkt.body + pkt.body_len <= b + n);
      for (unsigned i = 0; i < pkt.report_count; i++) {
        rup_rtcp_report_block rb;
        rup__rtcp_report_block(&pkt, i, &rb);
      }
      if (pkt.cname) assert_true(pkt.cname + pkt.cname_len <= b + n);
      assert_true(++guard < 64);
    }
    assert_int_equal(rv, is_bound ? 0 : RUP_ERR_MALFORMED);
    free(b);
  }
}

static void test_rtcp_truncated(void **state) {
  (void)state;
  check_prefixes(rtcp_compound, sizeof rtcp_compound);
  check_prefixes(rtcp_sr2, sizeof rtcp_sr2);
  check_prefixes(rtcp_sdes, sizeof rtcp_sdes);
  check_prefixes(rtcp_xr, sizeof rtcp_xr);
  /* A bigger compound: SR(2 blocks) + SDES + XR. */
  uint8_t big[sizeof rtcp_sr2 + sizeof rtcp_sdes + sizeof rtcp_xr];
  memcpy(big, rtcp_sr2, sizeof rtcp_sr2);
  memcpy(big + sizeof rtcp_sr2, rtcp_sdes, sizeof rtcp_sdes);
  memcpy(big + sizeof rtcp_sr2 + sizeof rtcp_sdes, rtcp_xr, sizeof rtcp_xr);
  check_prefixes(big, sizeof big);
}

/* ------------------------------------------------------------------ demux */

static int classify_copy(const uint8_t *p, size_t n) {
  uint8_t *b = dup_bytes(p, n);
  int k = rup__wire_classify(b, n);
  free(b);
  return k;
}

static void test_demux_ranges(void **state) {
  (void)state;
  uint8_t buf[28];
  memset(buf, 0, sizeof buf);
  const struct {
    uint8_t first;
    int kind;
  } cases[] = {
      {0, RUP_WIRE_STUN},     {1, RUP_WIRE_STUN},     {3, RUP_WIRE_STUN},     {4, RUP_WIRE_UNKNOWN},
      {15, RUP_WIRE_UNKNOWN}, {16, RUP_WIRE_ZRTP},    {19, RUP_WIRE_ZRTP},    {20, RUP_WIRE_DTLS},
      {22, RUP_WIRE_DTLS},    {63, RUP_WIRE_DTLS},    {80, RUP_WIRE_UNKNOWN}, {127, RUP_WIRE_UNKNOWN},
      {192, RUP_WIRE_UNKNOWN}, {255, RUP_WIRE_UNKNOWN},
  };
  for (size_t i = 0; i < RUP_ARRAY_LEN(cases); i++) {
    buf[0] = cases[i].first;
    assert_int_equal(classify_copy(buf, sizeof buf), cases[i].kind);
  }
  /* RTP: 128..191 with a second byte outside 192..223. */
  const uint8_t firsts[] = {0x80, 0x90, 0xA0, 0xBF};
  const uint8_t seconds[] = {0x00, 0x08, 0x6F, 0x7F, 0x80, 0xBF, 0xE0, 0xFF};
  for (size_t i = 0; i < sizeof firsts; i++) {
    for (size_t j = 0; j < sizeof seconds; j++) {
      buf[0] = firsts[i];
      buf[1] = seconds[j];
      assert_int_equal(classify_copy(buf, 12), RUP_WIRE_RTP);
      assert_int_equal(classify_copy(buf, 11), RUP_WIRE_KEEPALIVE);
    }
  }
  /* RTCP: second byte 192..223 with a length that fits (RFC 5761 §4). */
  for (int pt = 192; pt <= 223; pt++) {
    buf[0] = 0x80;
    buf[1] = (uint8_t)pt;
    buf[2] = 0;
    buf[3] = 6; /* 28 bytes */
    assert_int_equal(classify_copy(buf, 28), RUP_WIRE_RTCP);
    assert_int_equal(classify_copy(buf, 27), RUP_WIRE_UNKNOWN); /* length overruns */
  }
  buf[3] = 1;
  assert_int_equal(classify_copy(buf, 8), RUP_WIRE_RTCP);
  assert_int_equal(classify_copy(buf, 7), RUP_WIRE_KEEPALIVE); /* RTCP needs >= 8 bytes */
  buf[3] = 0;
  assert_int_equal(classify_copy(buf, 4), RUP_WIRE_KEEPALIVE);
  /* STUN needs its 20-byte header. */
  buf[0] = 0x00;
  buf[1] = 0x01;
  assert_int_equal(classify_copy(buf, 20), RUP_WIRE_STUN);
  assert_int_equal(classify_copy(buf, 19), RUP_WIRE_UNKNOWN);
  assert_int_equal(classify_copy(buf, 8), RUP_WIRE_KEEPALIVE);
  assert_int_equal(rup__wire_classify(NULL, 0), RUP_WIRE_KEEPALIVE);
  assert_int_equal(classify_copy(buf, 0), RUP_WIRE_KEEPALIVE);
}

static void test_demux_keepalive(void **state) {
  (void)state;
  const uint8_t ka[] = {0xFF, 0xFF, 0xFF, 0xFF}; /* as in wireshark_samples_opus.pcap */
  assert_int_equal(classify_copy(ka, sizeof ka), RUP_WIRE_KEEPALIVE);
  const uint8_t one[] = {0x80};
  assert_int_equal(classify_copy(one, 1), RUP_WIRE_KEEPALIVE);
  rup_rtp r;
  assert_int_equal(rup__rtp_parse(&r, ka, sizeof ka), RUP_ERR_MALFORMED);
}

static void test_demux_turn(void **state) {
  (void)state;
  /* ChannelData 0x4001 carrying a 13-byte RTP packet, 3 padding bytes after it. */
  const uint8_t cd[] = {0x40, 0x01, 0x00, 0x0D, 0x80, 0x6F, 0x00, 0x07, 0x00, 0x00,
                        0x03, 0xC0, 0x9A, 0xD6, 0x8A, 0xE5, 0xFC, 0x00, 0x00, 0x00};
  uint8_t *b = dup_bytes(cd, sizeof cd);
  assert_int_equal(rup__wire_classify(b, sizeof cd), RUP_WIRE_TURN_CHANNEL);
  const uint8_t *in;
  size_t in_len;
  assert_int_equal(rup__wire_unwrap_turn(b, sizeof cd, &in, &in_len), 0);
  assert_ptr_equal(in, b + 4);
  assert_int_equal(in_len, 13);
  assert_int_equal(rup__wire_classify(in, in_len), RUP_WIRE_RTP);
  rup_rtp r;
  assert_int_equal(rup__rtp_parse(&r, in, in_len), 0);
  assert_int_equal(r.seq, 7);
  assert_int_equal(r.payload_len, 1);
  assert_int_equal(r.payload[0], 0xFC);
  /* Exactly 4 + length (no padding, as is legal over UDP). */
  assert_int_equal(rup__wire_unwrap_turn(b, 17, &in, &in_len), 0);
  assert_int_equal(in_len, 13);
  /* Shorter than 4 + length. */
  assert_int_equal(rup__wire_unwrap_turn(b, 16, &in, &in_len), RUP_ERR_MALFORMED);
  assert_int_equal(rup__wire_classify(b, 16), RUP_WIRE_UNKNOWN);
  assert_int_equal(rup__wire_unwrap_turn(b, 3, &in, &in_len), RUP_ERR_MALFORMED);
  free(b);

  /* Channel range 0x4000..0x4FFF. */
  uint8_t ch[] = {0x4F, 0xFF, 0x00, 0x00};
  assert_int_equal(rup__wire_unwrap_turn(ch, sizeof ch, &in, &in_len), 0);
  assert_int_equal(in_len, 0);
  assert_int_equal(classify_copy(ch, sizeof ch), RUP_WIRE_TURN_CHANNEL);
  ch[0] = 0x40;
  ch[1] = 0x00;
  assert_int_equal(rup__wire_unwrap_turn(ch, sizeof ch, &in, &in_len), 0);
  ch[0] = 0x50;
  assert_int_equal(rup__wire_unwrap_turn(ch, sizeof ch, &in, &in_len), RUP_ERR_MALFORMED);
  assert_int_equal(classify_copy(ch, sizeof ch), RUP_WIRE_KEEPALIVE);
  ch[0] = 0x3F;
  ch[1] = 0xFF;
  assert_int_equal(rup__wire_unwrap_turn(ch, sizeof ch, &in, &in_len), RUP_ERR_MALFORMED);
}

/* ------------------------------------------------------------------ real capture */

/* Classify every UDP payload of wireshark_samples_opus.pcap (raw IPv4).
 * Expected counts come from tshark 4.0.17 (`-o rtp.heuristic_rtp:TRUE
 * -o rtcp.heuristic_rtcp:TRUE -T fields -e frame.protocols`): 1363 rtp
 * (675 + 688 in the .tshark.txt stream table), 19 rtcp, 8 data (4-byte keep-alives). */
static void test_capture_opus(void **state) {
  (void)state;
  const char *path = rt_shared("wireshark_samples_opus.pcap");
  if (!path) skip();
  size_t flen;
  uint8_t *f = rt_read_file(path, &flen);
  assert_non_null(f);
  assert_true(flen >= 24);
  assert_int_equal(rup__rd32le(f), 0xA1B2C3D4u);
  assert_int_equal(rup__rd32le(f + 20), 101); /* LINKTYPE_RAW */
  unsigned n_rtp = 0, n_rtcp = 0, n_ka = 0, n_other = 0, n_level = 0, n_rtp111 = 0;
  size_t off = 24;
  while (off + 16 <= flen) {
    size_t caplen = rup__rd32le(f + off + 8);
    off += 16;
    assert_true(caplen <= flen - off);
    const uint8_t *ip = f + off;
    off += caplen;
    assert_true(caplen >= 28 && (ip[0] >> 4) == 4 && ip[9] == 17);
    size_t ihl = 4u * (ip[0] & 0x0F);
    size_t ulen = rup__rd16(ip + ihl + 4);
    assert_true(ulen >= 8 && ihl + ulen <= caplen);
    uint8_t *pl = dup_bytes(ip + ihl + 8, ulen - 8);
    size_t plen = ulen - 8;
    int kind = rup__wire_classify(pl, plen);
    if (kind == RUP_WIRE_RTP) {
      n_rtp++;
      rup_rtp r;
      assert_int_equal(rup__rtp_parse(&r, pl, plen), 0);
      size_t pos = 0;
      rup_rtp_ext_elem e;
      int rv;
      while ((rv = rup__rtp_ext_next(&r, &pos, &e)) == 1) {}
      assert_int_equal(rv, 0);
      if (r.payload_type == 111) n_rtp111++;
      /* ID 1 carries the RFC 6464 level in this capture (1 byte each). */
      int voice, level;
      if (rup__rtp_ext_find(&r, 1, &e) == 1 && rup__ext_audio_level(&e, &voice, &level) == 0) n_level++;
    } else if (kind == RUP_WIRE_RTCP) {
      n_rtcp++;
      size_t pos = 0;
      rup_rtcp_packet pkt;
      int rv, k = 0;
      while ((rv = rup__rtcp_next(pl, plen, &pos, &pkt)) == 1) k++;
      assert_int_equal(rv, 0);
      assert_true(k >= 1);
    } else if (kind == RUP_WIRE_KEEPALIVE) {
      n_ka++;
    } else {
      n_other++;
    }
    free(pl);
  }
  free(f);
  assert_int_equal(n_rtp, 1363);
  assert_int_equal(n_rtcp, 19);
  assert_int_equal(n_ka, 8);
  assert_int_equal(n_other, 0);
  assert_int_equal(n_rtp111, 675);
  assert_int_equal(n_level, 675);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rtp_minimal),
      cmocka_unit_test(test_rtp_wrong_version),
      cmocka_unit_test(test_rtp_csrc),
      cmocka_unit_test(test_rtp_padding),
      cmocka_unit_test(test_rtp_ext_one_byte),
      cmocka_unit_test(test_rtp_ext_one_byte_id0_nonzero_len),
      cmocka_unit_test(test_rtp_ext_two_byte),
      cmocka_unit_test(test_rtp_ext_overrun),
      cmocka_unit_test(test_audio_level_values),
      cmocka_unit_test(test_ext_uri),
      cmocka_unit_test(test_rtp_prefixes),
      cmocka_unit_test(test_rtcp_sr),
      cmocka_unit_test(test_rtcp_rr),
      cmocka_unit_test(test_rtcp_sdes),
      cmocka_unit_test(test_rtcp_bye),
      cmocka_unit_test(test_rtcp_feedback),
      cmocka_unit_test(test_rtcp_xr),
      cmocka_unit_test(test_rtcp_app_and_unknown),
      cmocka_unit_test(test_rtcp_compound),
      cmocka_unit_test(test_rtcp_padding),
      cmocka_unit_test(test_rtcp_truncated),
      cmocka_unit_test(test_demux_ranges),
      cmocka_unit_test(test_demux_keepalive),
      cmocka_unit_test(test_demux_turn),
      cmocka_unit_test(test_capture_opus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
