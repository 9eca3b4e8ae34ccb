/* Unit tests for lib/payload: Opus TOC, VP8, VP9, H.264 payload inspection.
 * Hand-built payloads for every branch and malformed case; every parse runs on
 * an exact-size heap copy so that AddressSanitizer flags any read past the end;
 * every truncation prefix of every valid payload is also parsed. The last
 * group walks the real GStreamer captures in tests/data through the trace API. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payload/payload.h"
#include "wire/wire.h"
#include "testutil.h"

/* ------------------------------------------------------------ helpers */

static uint8_t *dup_bytes(const uint8_t *p, size_t n) {
  uint8_t *d = malloc(n ? n : 1);
  assert_non_null(d);
  if (n) memcpy(d, p, n);
  return d;
}

static int opus_copy(const uint8_t *p, size_t n, rup_opus_info *o) {
  uint8_t *b = dup_bytes(p, n);
  int rv = rup__opus_parse(b, n, o);
  free(b);
  return rv;
}

static int video_copy(int codec, const uint8_t *p, size_t n, rup_video_info *v) {
  uint8_t *b = dup_bytes(p, n);
  int rv = rup__video_parse(codec, b, n, v);
  free(b);
  return rv;
}

static int plausible_copy(int codec, const uint8_t *p, size_t n) {
  uint8_t *b = dup_bytes(p, n);
  int rv = rup__payload_plausible(codec, b, n);
  free(b);
  return rv;
}

static void check_opus_sane(const rup_opus_info *o, size_t n) {
  assert_true(o->frame_count >= 1 && o->frame_count <= 48);
  assert_true(o->frame_us >= 2500 && o->frame_us <= 60000);
  assert_true(o->duration_us <= 120000);
  assert_int_equal(o->duration_us, o->frame_us * o->frame_count);
  assert_true(o->frame_bytes <= n);
}

/* Every proper prefix of a valid payload must be MALFORMED (or UNSUPPORTED) or
 * a valid parse whose header stays inside the prefix. */
static void check_prefixes(int codec, const uint8_t *p, size_t n) {
  for (size_t k = 0; k < n; k++) {
    if (codec == RUP_CODEC_OPUS) {
      rup_opus_info o;
      int rv = opus_copy(p, k, &o);
      if (rv == 0)
        check_opus_sane(&o, k);
      else
        assert_int_equal(rv, RUP_ERR_MALFORMED);
    } else {
      rup_video_info v;
      int rv = video_copy(codec, p, k, &v);
      if (rv == 0)
        assert_true(v.header_len < k);
      else
        assert_true(rv == RUP_ERR_MALFORMED || rv == RUP_ERR_UNSUPPORTED);
    }
    assert_true(plausible_copy(codec, p, k) >= 0);
  }
  if (codec != RUP_CODEC_OPUS) {
    rup_video_info v;
    assert_int_equal(video_copy(codec, p, n, &v), 0);
  }
}

/* ------------------------------------------------------------ Opus */

/* RFC 6716 §3.1 Table 2, written out config by config. */
static const struct {
  uint8_t mode, bw;
  uint32_t us;
} opus_table[32] = {
    {RUP_OPUS_SILK, RUP_OPUS_NB, 10000},   {RUP_OPUS_SILK, RUP_OPUS_NB, 20000},
    {RUP_OPUS_SILK, RUP_OPUS_NB, 40000},   {RUP_OPUS_SILK, RUP_OPUS_NB, 60000},
    {RUP_OPUS_SILK, RUP_OPUS_MB, 10000},   {RUP_OPUS_SILK, RUP_OPUS_MB, 20000},
    {RUP_OPUS_SILK, RUP_OPUS_MB, 40000},   {RUP_OPUS_SILK, RUP_OPUS_MB, 60000},
    {RUP_OPUS_SILK, RUP_OPUS_WB, 10000},   {RUP_OPUS_SILK, RUP_OPUS_WB, 20000},
    {RUP_OPUS_SILK, RUP_OPUS_WB, 40000},   {RUP_OPUS_SILK, RUP_OPUS_WB, 60000},
    {RUP_OPUS_HYBRID, RUP_OPUS_SWB, 10000}, {RUP_OPUS_HYBRID, RUP_OPUS_SWB, 20000},
    {RUP_OPUS_HYBRID, RUP_OPUS_FB, 10000},  {RUP_OPUS_HYBRID, RUP_OPUS_FB, 20000},
    {RUP_OPUS_CELT, RUP_OPUS_NB, 2500},    {RUP_OPUS_CELT, RUP_OPUS_NB, 5000},
    {RUP_OPUS_CELT, RUP_OPUS_NB, 10000},   {RUP_OPUS_CELT, RUP_OPUS_NB, 20000},
    {RUP_OPUS_CELT, RUP_OPUS_WB, 2500},    {RUP_OPUS_CELT, RUP_OPUS_WB, 5000},
    {RUP_OPUS_CELT, RUP_OPUS_WB, 10000},   {RUP_OPUS_CELT, RUP_OPUS_WB, 20000},
    {RUP_OPUS_CELT, RUP_OPUS_SWB, 2500},   {RUP_OPUS_CELT, RUP_OPUS_SWB, 5000},
    {RUP_OPUS_CELT, RUP_OPUS_SWB, 10000},  {RUP_OPUS_CELT, RUP_OPUS_SWB, 20000},
    {RUP_OPUS_CELT, RUP_OPUS_FB, 2500},    {RUP_OPUS_CELT, RUP_OPUS_FB, 5000},
    {RUP_OPUS_CELT, RUP_OPUS_FB, 10000},   {RUP_OPUS_CELT, RUP_OPUS_FB, 20000},
};

static void test_opus_configs(void **state) {
  (void)state;
  for (unsigned c = 0; c < 32; c++) {
    for (unsigned s = 0; s < 2; s++) {
      uint8_t pkt[4] = {(uint8_t)(c << 3 | s << 2 | 0), 0x11, 0x22, 0x33};
      rup_opus_info o;
      assert_int_equal(opus_copy(pkt, sizeof pkt, &o), 0);
      assert_int_equal(o.config, c);
      assert_int_equal(o.stereo, s);
      assert_int_equal(o.mode, opus_table[c].mode);
      assert_int_equal(o.bandwidth, opus_table[c].bw);
      assert_int_equal(o.frame_us, opus_table[c].us);
      assert_int_equal(o.frame_count, 1);
      assert_int_equal(o.duration_us, opus_table[c].us);
      /* 48 kHz samples: 2.5 ms = 120 samples ... 60 ms = 2880 */
      assert_int_equal(o.samples_48k * 1000u, opus_table[c].us * 48u);
      assert_int_equal(o.frame_bytes, 3);
      assert_int_equal(o.dtx, 0);
      check_opus_sane(&o, sizeof pkt);
    }
  }
}

static void test_opus_code0_1_2(void **state) {
  (void)state;
  rup_opus_info o;
  static uint8_t big[1 + 2 * 1276 + 2];
  const uint8_t toc = 31 << 3; /* CELT FB 20 ms */

  /* empty payload */
  assert_int_equal(rup__opus_parse(big, 0, &o), RUP_ERR_MALFORMED);

  /* code 0: the frame is the rest, at most 1275 bytes [R2] */
  memset(big, 0xAB, sizeof big);
  big[0] = toc;
  assert_int_equal(opus_copy(big, 1 + 1275, &o), 0);
  assert_int_equal(o.frame_bytes, 1275);
  assert_int_equal(opus_copy(big, 1 + 1276, &o), RUP_ERR_MALFORMED);

  /* code 1: two equal frames; odd remainder is malformed [R3] */
  big[0] = toc | 1;
  assert_int_equal(opus_copy(big, 1, &o), 0); /* two 0-byte frames */
  assert_int_equal(o.frame_count, 2);
  assert_int_equal(o.duration_us, 40000);
  assert_int_equal(o.samples_48k, 1920);
  assert_int_equal(o.dtx, 1);
  assert_int_equal(opus_copy(big, 2, &o), RUP_ERR_MALFORMED);
  assert_int_equal(opus_copy(big, 3, &o), 0);
  assert_int_equal(o.dtx, 0);
  assert_int_equal(opus_copy(big, 1 + 2 * 1275, &o), 0);
  assert_int_equal(opus_copy(big, 1 + 2 * 1276, &o), RUP_ERR_MALFORMED);

  /* code 2: first length coded [R4] */
  {
    const uint8_t ok[] = {toc | 2, 2, 0xA, 0xB, 0xC};          /* 2 + 1 bytes */
    const uint8_t zero[] = {toc | 2, 0};                         /* 0 + 0 bytes */
    const uint8_t over[] = {toc | 2, 4, 0xA, 0xB, 0xC};          /* 4 > 3 */
    const uint8_t nolen[] = {toc | 2};
    assert_int_equal(opus_copy(ok, sizeof ok, &o), 0);
    assert_int_equal(o.frame_count, 2);
    assert_int_equal(o.vbr, 1);
    assert_int_equal(o.frame_bytes, 3);
    check_prefixes(RUP_CODEC_OPUS, ok, sizeof ok);
    assert_int_equal(opus_copy(zero, sizeof zero, &o), 0);
    assert_int_equal(o.dtx, 1);
    assert_int_equal(opus_copy(over, sizeof over, &o), RUP_ERR_MALFORMED);
    assert_int_equal(opus_copy(nolen, sizeof nolen, &o), RUP_ERR_MALFORMED);
  }
  /* code 2 with a two-byte length: 253 + 4*1 = 257 */
  memset(big, 0, sizeof big);
  big[0] = toc | 2;
  big[1] = 253;
  big[2] = 1;
  assert_int_equal(opus_copy(big, 3 + 257, &o), 0);
  assert_int_equal(o.frame_bytes, 257);
  assert_int_equal(opus_copy(big, 3 + 256, &o), RUP_ERR_MALFORMED);
  assert_int_equal(opus_copy(big, 2, &o), RUP_ERR_MALFORMED); /* second length byte missing */
  /* code 2 second frame > 1275 */
  big[1] = 0;
  assert_int_equal(opus_copy(big, 2 + 1275, &o), 0);
  assert_int_equal(opus_copy(big, 2 + 1276, &o), RUP_ERR_MALFORMED);
}

static void test_opus_code3(void **state) {
  (void)state;
  rup_opus_info o;
  /* frame count byte missing */
  {
    const uint8_t p[] = {(31 << 3) | 3};
    assert_int_equal(opus_copy(p, sizeof p, &o), RUP_ERR_MALFORMED);
  }
  /* M = 0 is malformed [R5] */
  {
    const uint8_t p[] = {(31 << 3) | 3, 0x00};
    assert_int_equal(opus_copy(p, sizeof p, &o), RUP_ERR_MALFORMED);
  }
  /* 120 ms limit [R5]: 6 x 20 ms ok, 7 x 20 ms not */
  {
    uint8_t p[] = {(31 << 3) | 3, 6};
    assert_int_equal(opus_copy(p, sizeof p, &o), 0);
    assert_int_equal(o.frame_count, 6);
    assert_int_equal(o.duration_us, 120000);
    assert_int_equal(o.samples_48k, 5760);
    assert_int_equal(o.dtx, 1);
    p[1] = 7;
    assert_int_equal(opus_copy(p, sizeof p, &o), RUP_ERR_MALFORMED);
    /* SILK 60 ms x 2 = 120 ok, x 3 not */
    p[0] = (3 << 3) | 3;
    p[1] = 2;
    assert_int_equal(opus_copy(p, sizeof p, &o), 0);
    assert_int_equal(o.duration_us, 120000);
    p[1] = 3;
    assert_int_equal(opus_copy(p, sizeof p, &o), RUP_ERR_MALFORMED);
  }
  /* 48 frames of 2.5 ms is the maximum count; 49 (and 63) too long */
  {
    uint8_t p[2 + 48];
    memset(p, 0x5A, sizeof p);
    p[0] = (16 << 3) | 3;
    p[1] = 48;
    assert_int_equal(opus_copy(p, sizeof p, &o), 0); /* CBR: 48 frames of 1 byte */
    assert_int_equal(o.frame_count, 48);
    assert_int_equal(o.duration_us, 120000);
    assert_int_equal(o.frame_bytes, 48);
    check_opus_sane(&o, sizeof p);
    check_prefixes(RUP_CODEC_OPUS, p, sizeof p);
    p[1] = 49;
    assert_int_equal(opus_copy(p, sizeof p, &o), RUP_ERR_MALFORMED);
    p[1] = 63;
    assert_int_equal(opus_copy(p, sizeof p, &o), RUP_ERR_MALFORMED);
    /* 5 ms x 24 ok, x 25 not */
    p[0] = (17 << 3) | 3;
    p[1] = 24;
    assert_int_equal(opus_copy(p, 2 + 24, &o), 0);
    p[1] = 25;
    assert_int_equal(opus_copy(p, 2 + 25, &o), RUP_ERR_MALFORMED);
  }
  /* CBR: the remainder must divide evenly [R6] */
  {
    const uint8_t ok[] = {(31 << 3) | 3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    const uint8_t bad[] = {(31 << 3) | 3, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assert_int_equal(opus_copy(ok, sizeof ok, &o), 0);
    assert_int_equal(o.frame_count, 3);
    assert_int_equal(o.vbr, 0);
    assert_int_equal(o.frame_bytes, 9);
    assert_int_equal(opus_copy(bad, sizeof bad, &o), RUP_ERR_MALFORMED);
  }
  /* padding: p flag, length 3, padding at the end [R6] */
  {
    const uint8_t ok[] = {(31 << 3) | 3, 0x40 | 2, 3, 0xA, 0xB, 0, 0, 0};
    const uint8_t short_pad[] = {(31 << 3) | 3, 0x40 | 2, 3, 0, 0};
    const uint8_t all_pad[] = {(31 << 3) | 3, 0x40 | 2, 2, 0, 0};
    const uint8_t nolen[] = {(31 << 3) | 3, 0x40 | 2};
    assert_int_equal(opus_copy(ok, sizeof ok, &o), 0);
    assert_int_equal(o.padding, 3);
    assert_int_equal(o.frame_bytes, 2);
    assert_int_equal(o.dtx, 0);
    check_prefixes(RUP_CODEC_OPUS, ok, sizeof ok);
    assert_int_equal(opus_copy(short_pad, sizeof short_pad, &o), RUP_ERR_MALFORMED); /* 3 > 2 */
    assert_int_equal(opus_copy(all_pad, sizeof all_pad, &o), 0); /* 2 frames of 0 bytes */
    assert_int_equal(o.frame_bytes, 0);
    assert_int_equal(o.padding, 2);
    assert_int_equal(o.dtx, 1); /* 5 bytes but no audio: every frame is empty */
    assert_int_equal(opus_copy(nolen, sizeof nolen, &o), RUP_ERR_MALFORMED);
  }
  /* padding with 255 continuation: 255, 255, 10 -> 254 + 254 + 10 = 518 */
  {
    static uint8_t p[5 + 518 + 2];
    memset(p, 0, sizeof p);
    p[0] = (31 << 3) | 3;
    p[1] = 0x40 | 1;
    p[2] = 255;
    p[3] = 255;
    p[4] = 10;
    p[5] = 0x77;
    p[6] = 0x78;
    assert_int_equal(opus_copy(p, sizeof p, &o), 0);
    assert_int_equal(o.padding, 518);
    assert_int_equal(o.frame_bytes, 2);
    assert_int_equal(opus_copy(p, sizeof p - 3, &o), RUP_ERR_MALFORMED); /* 518 > 517 */
    assert_int_equal(opus_copy(p, 4, &o), RUP_ERR_MALFORMED);            /* 255 then nothing */
  }
  /* VBR: M-1 lengths then the remainder [R7] */
  {
    const uint8_t ok[] = {(31 << 3) | 3, 0x80 | 3, 2, 1, 0xA, 0xB, 0xC, 0xD, 0xE};
    const uint8_t over[] = {(31 << 3) | 3, 0x80 | 3, 2, 4, 0xA, 0xB, 0xC, 0xD};
    const uint8_t lenmissing[] = {(31 << 3) | 3, 0x80 | 3, 2};
    assert_int_equal(opus_copy(ok, sizeof ok, &o), 0);
    assert_int_equal(o.vbr, 1);
    assert_int_equal(o.frame_count, 3);
    assert_int_equal(o.frame_bytes, 5);
    check_prefixes(RUP_CODEC_OPUS, ok, sizeof ok);
    assert_int_equal(opus_copy(over, sizeof over, &o), RUP_ERR_MALFORMED);
    assert_int_equal(opus_copy(lenmissing, sizeof lenmissing, &o), RUP_ERR_MALFORMED);
  }
  /* VBR: last frame > 1275 */
  {
    static uint8_t p[3 + 1276];
    memset(p, 0, sizeof p);
    p[0] = (31 << 3) | 3;
    p[1] = 0x80 | 2;
    p[2] = 0;
    assert_int_equal(opus_copy(p, 3 + 1275, &o), 0);
    assert_int_equal(opus_copy(p, 3 + 1276, &o), RUP_ERR_MALFORMED);
    /* CBR 2 x 1276 */
    static uint8_t q[2 + 2 * 1276];
    memset(q, 0, sizeof q);
    q[0] = (31 << 3) | 3;
    q[1] = 2;
    assert_int_equal(opus_copy(q, 2 + 2 * 1275, &o), 0);
    assert_int_equal(opus_copy(q, 2 + 2 * 1276, &o), RUP_ERR_MALFORMED);
  }
  /* VBR with 2-byte lengths: (252 + 4*0 = 252), then remainder */
  {
    static uint8_t p[4 + 252 + 7];
    memset(p, 0x33, sizeof p);
    p[0] = (31 << 3) | 3;
    p[1] = 0x80 | 2;
    p[2] = 252;
    p[3] = 0;
    assert_int_equal(opus_copy(p, sizeof p, &o), 0);
    assert_int_equal(o.frame_bytes, 259);
    check_prefixes(RUP_CODEC_OPUS, p, sizeof p);
  }
}

static void test_opus_dtx_sizes(void **state) {
  (void)state;
  rup_opus_info o;
  const uint8_t toc_only[] = {0xF8};
  const uint8_t two[] = {0xF8, 0xFF};
  const uint8_t three[] = {0xF8, 0xFF, 0xFE}; /* CELT 2-byte frame (seen in opus_dtx.pcap) */
  assert_int_equal(opus_copy(toc_only, 1, &o), 0);
  assert_int_equal(o.dtx, 1);
  assert_int_equal(o.frame_bytes, 0);
  assert_int_equal(o.duration_us, 20000); /* a DTX packet still covers its frame duration */
  assert_int_equal(opus_copy(two, 2, &o), 0);
  assert_int_equal(o.dtx, 1);
  assert_int_equal(opus_copy(three, 3, &o), 0);
  assert_int_equal(o.dtx, 0);
  /* NULL arguments */
  assert_int_equal(rup__opus_parse(NULL, 1, &o), RUP_ERR_INVALID_ARGUMENT);
  assert_int_equal(rup__opus_parse(toc_only, 1, NULL), RUP_ERR_INVALID_ARGUMENT);
}

/* ------------------------------------------------------------ VP8 */

static void test_vp8_minimal(void **state) {
  (void)state;
  rup_video_info v;
  const uint8_t inter[] = {0x10, 0x01, 0x02, 0x03}; /* S=1 PID=0, P=1 */
  assert_int_equal(video_copy(RUP_CODEC_VP8, inter, sizeof inter, &v), 0);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.keyframe_known, 1);
  assert_int_equal(v.keyframe, 0);
  assert_int_equal(v.header_len, 1);
  assert_int_equal(v.frame_end, 0);
  assert_int_equal(v.has_picture_id, 0);
  assert_int_equal(v.width, 0);
  check_prefixes(RUP_CODEC_VP8, inter, sizeof inter);

  /* continuation packet: S=0 */
  const uint8_t cont[] = {0x00, 0x00, 0x00};
  assert_int_equal(video_copy(RUP_CODEC_VP8, cont, sizeof cont, &v), 0);
  assert_int_equal(v.frame_start, 0);
  assert_int_equal(v.keyframe_known, 0);
  assert_int_equal(v.keyframe, 0);

  /* S=1 but PID=1: start of partition 1, not of the frame; P bit not read */
  const uint8_t part1[] = {0x11, 0x00};
  assert_int_equal(video_copy(RUP_CODEC_VP8, part1, sizeof part1, &v), 0);
  assert_int_equal(v.frame_start, 0);
  assert_int_equal(v.partition_id, 1);
  assert_int_equal(v.keyframe_known, 0);

  /* N bit */
  const uint8_t nref[] = {0x30, 0x01};
  assert_int_equal(video_copy(RUP_CODEC_VP8, nref, sizeof nref, &v), 0);
  assert_int_equal(v.non_reference, 1);

  /* descriptor only, empty */
  assert_int_equal(video_copy(RUP_CODEC_VP8, inter, 1, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_VP8, inter, 0, &v), RUP_ERR_MALFORMED);
  assert_int_equal(rup__vp8_parse(NULL, 1, &v), RUP_ERR_INVALID_ARGUMENT);
}

static void test_vp8_extension(void **state) {
  (void)state;
  rup_video_info v;
  /* X; I (M=1: 15-bit 0x1234) L T K; TID=2 Y=1 KEYIDX=5 */
  const uint8_t full[] = {0x90, 0xF0, 0x80 | 0x12, 0x34, 0x07, (2 << 6) | 0x20 | 5, 0x01};
  assert_int_equal(video_copy(RUP_CODEC_VP8, full, sizeof full, &v), 0);
  assert_int_equal(v.has_picture_id, 1);
  assert_int_equal(v.picture_id, 0x1234);
  assert_int_equal(v.has_tl0picidx, 1);
  assert_int_equal(v.tl0picidx, 7);
  assert_int_equal(v.has_layers, 1);
  assert_int_equal(v.temporal_id, 2);
  assert_int_equal(v.layer_sync, 1);
  assert_int_equal(v.header_len, 6);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.keyframe, 0);
  check_prefixes(RUP_CODEC_VP8, full, sizeof full);

  /* 7-bit PictureID, K only (TID not valid) */
  const uint8_t k_only[] = {0x90, 0x90, 0x45, 0xC5, 0x01};
  assert_int_equal(video_copy(RUP_CODEC_VP8, k_only, sizeof k_only, &v), 0);
  assert_int_equal(v.picture_id, 0x45);
  assert_int_equal(v.has_layers, 0);
  assert_int_equal(v.temporal_id, 0);
  assert_int_equal(v.header_len, 4);

  /* X without the extension byte; I without its byte; M without second byte */
  const uint8_t x_only[] = {0x90};
  const uint8_t i_missing[] = {0x90, 0x80};
  const uint8_t m_missing[] = {0x90, 0x80, 0x80};
  const uint8_t no_data[] = {0x90, 0x80, 0x05};
  assert_int_equal(video_copy(RUP_CODEC_VP8, x_only, sizeof x_only, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_VP8, i_missing, sizeof i_missing, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_VP8, m_missing, sizeof m_missing, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_VP8, no_data, sizeof no_data, &v), RUP_ERR_MALFORMED);
}

static void test_vp8_keyframe(void **state) {
  (void)state;
  rup_video_info v;
  /* X, I (7-bit 5); frame tag P=0 (key), version 0, show_frame; start code;
   * width 640 with scale bits 01 set (0x4000 | 640), height 360. */
  const uint8_t key[] = {0x90, 0x80, 0x05, 0x10, 0x02, 0x00, 0x9d, 0x01, 0x2a,
                         0x80, 0x42, 0x68, 0x01, 0xAA, 0xBB};
  assert_int_equal(video_copy(RUP_CODEC_VP8, key, sizeof key, &v), 0);
  assert_int_equal(v.keyframe_known, 1);
  assert_int_equal(v.keyframe, 1);
  assert_int_equal(v.width, 640);
  assert_int_equal(v.height, 360);
  assert_int_equal(v.header_len, 3);
  check_prefixes(RUP_CODEC_VP8, key, sizeof key);
  /* exactly 10 bytes of payload header suffice; 9 do not */
  assert_int_equal(video_copy(RUP_CODEC_VP8, key, 13, &v), 0);
  assert_int_equal(v.height, 360);
  assert_int_equal(video_copy(RUP_CODEC_VP8, key, 12, &v), RUP_ERR_MALFORMED);
  /* wrong start code */
  uint8_t bad[sizeof key];
  memcpy(bad, key, sizeof key);
  bad[7] = 0x02;
  assert_int_equal(video_copy(RUP_CODEC_VP8, bad, sizeof bad, &v), RUP_ERR_MALFORMED);
  /* the same bytes in a non-first packet are just data */
  bad[0] = 0x80;
  assert_int_equal(video_copy(RUP_CODEC_VP8, bad, sizeof bad, &v), 0);
  assert_int_equal(v.keyframe_known, 0);
  assert_int_equal(plausible_copy(RUP_CODEC_VP8, key, sizeof key), 3);
}

/* ------------------------------------------------------------ VP9 */

static void test_vp9_nonflexible_ss(void **state) {
  (void)state;
  rup_video_info v;
  /* I P=0 L F=0 B E V: 0xAE; PID 15-bit 0x1234; L: TID0 U0 SID0 D0; TL0PICIDX 7;
   * SS: N_S=1 Y G: 320x180, 640x360; N_G=2: (T0 U0 R1, 1), (T1 U1 R1, 1); data. */
  uint8_t pkt[] = {0xAE, 0x92, 0x34, 0x00, 0x07, 0x38, 0x01, 0x40, 0x00, 0xB4,
                   0x02, 0x80, 0x01, 0x68, 0x02,  0x04, 0x01, 0x34, 0x01, 0x82, 0x49};
  assert_int_equal(video_copy(RUP_CODEC_VP9, pkt, sizeof pkt, &v), 0);
  assert_int_equal(v.has_picture_id, 1);
  assert_int_equal(v.picture_id, 0x1234);
  assert_int_equal(v.has_layers, 1);
  assert_int_equal(v.spatial_id, 0);
  assert_int_equal(v.has_tl0picidx, 1);
  assert_int_equal(v.tl0picidx, 7);
  assert_int_equal(v.flexible, 0);
  assert_int_equal(v.has_ss, 1);
  assert_int_equal(v.ss_spatial_layers, 2);
  assert_int_equal(v.ss_pictures, 2);
  assert_int_equal(v.width, 320);
  assert_int_equal(v.height, 180);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.frame_end, 1);
  assert_int_equal(v.keyframe, 1);
  assert_int_equal(v.keyframe_known, 1);
  assert_int_equal(v.header_len, 19);
  check_prefixes(RUP_CODEC_VP9, pkt, sizeof pkt);
  assert_int_equal(plausible_copy(RUP_CODEC_VP9, pkt, sizeof pkt), 3);

  /* the same on spatial layer 1 (D=1): the SS resolution of layer 1, not a
   * picture start, not a key frame (upper layer) */
  pkt[3] = (1 << 1) | 1;
  assert_int_equal(video_copy(RUP_CODEC_VP9, pkt, sizeof pkt, &v), 0);
  assert_int_equal(v.spatial_id, 1);
  assert_int_equal(v.inter_layer, 1);
  assert_int_equal(v.width, 640);
  assert_int_equal(v.height, 360);
  assert_int_equal(v.frame_start, 0);
  assert_int_equal(v.keyframe, 0);
  /* layer 1 without inter-layer dependency starts a frame */
  pkt[3] = (1 << 1);
  assert_int_equal(video_copy(RUP_CODEC_VP9, pkt, sizeof pkt, &v), 0);
  assert_int_equal(v.frame_start, 1);

  /* SS with Y=0 and G=0: just the N_S byte */
  const uint8_t ss_small[] = {0x0A, 0x40, 0x82};
  assert_int_equal(video_copy(RUP_CODEC_VP9, ss_small, sizeof ss_small, &v), 0);
  assert_int_equal(v.ss_spatial_layers, 3);
  assert_int_equal(v.width, 0);
  assert_int_equal(v.header_len, 2);
  assert_int_equal(v.keyframe, 1);
  /* N_G picture claims 3 references but the packet ends */
  const uint8_t gof_short[] = {0x0A, 0x08, 0x01, 0x0C, 0x01, 0x02};
  assert_int_equal(video_copy(RUP_CODEC_VP9, gof_short, sizeof gof_short, &v), RUP_ERR_MALFORMED);
}

static void test_vp9_flexible(void **state) {
  (void)state;
  rup_video_info v;
  /* I P L F B: 0xF8; PID 7-bit 5; L: TID2 U1 SID0 D0; P_DIFF 1,2,3 */
  const uint8_t pkt[] = {0xF8, 0x05, 0x50, 0x03, 0x05, 0x06, 0x82, 0x00};
  assert_int_equal(video_copy(RUP_CODEC_VP9, pkt, sizeof pkt, &v), 0);
  assert_int_equal(v.flexible, 1);
  assert_int_equal(v.picture_id, 5);
  assert_int_equal(v.temporal_id, 2);
  assert_int_equal(v.layer_sync, 1);
  assert_int_equal(v.has_tl0picidx, 0);
  assert_int_equal(v.num_refs, 3);
  assert_int_equal(v.p_diff[0], 1);
  assert_int_equal(v.p_diff[1], 2);
  assert_int_equal(v.p_diff[2], 3);
  assert_int_equal(v.keyframe, 0);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.frame_end, 0);
  assert_int_equal(v.header_len, 6);
  check_prefixes(RUP_CODEC_VP9, pkt, sizeof pkt);

  /* a fourth P_DIFF (N set on the third) is malformed */
  const uint8_t four[] = {0xF8, 0x05, 0x50, 0x03, 0x05, 0x07, 0x08, 0x82};
  assert_int_equal(video_copy(RUP_CODEC_VP9, four, sizeof four, &v), RUP_ERR_MALFORMED);
  /* P and F without a PictureID */
  const uint8_t no_pid[] = {0x58, 0x00, 0x02, 0x82};
  assert_int_equal(video_copy(RUP_CODEC_VP9, no_pid, sizeof no_pid, &v), RUP_ERR_MALFORMED);
  /* descriptor without data, empty */
  const uint8_t no_data[] = {0x88};
  assert_int_equal(video_copy(RUP_CODEC_VP9, no_data, sizeof no_data, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_VP9, no_data, 0, &v), RUP_ERR_MALFORMED);
  /* minimal middle packet: nothing set */
  const uint8_t mid[] = {0x40, 0x11};
  assert_int_equal(video_copy(RUP_CODEC_VP9, mid, sizeof mid, &v), 0);
  assert_int_equal(v.frame_start, 0);
  assert_int_equal(v.keyframe, 0);
  assert_int_equal(plausible_copy(RUP_CODEC_VP9, mid, sizeof mid), 1);
  /* B set but the VP9 frame marker is wrong: implausible */
  const uint8_t nomarker[] = {0x08, 0x11};
  assert_int_equal(plausible_copy(RUP_CODEC_VP9, nomarker, sizeof nomarker), 0);
}

/* ------------------------------------------------------------ H.264 */

static void test_h264_stap_a(void **state) {
  (void)state;
  rup_video_info v;
  /* STAP-A (NRI 3): SPS (4 bytes), PPS (3 bytes), IDR slice (first_mb 0: first bit 1) */
  const uint8_t pkt[] = {0x78, 0x00, 0x04, 0x67, 0x42, 0xC0, 0x0D, 0x00, 0x03, 0x68, 0xCE, 0x3C,
                         0x00, 0x03, 0x65, 0x88, 0x84};
  assert_int_equal(video_copy(RUP_CODEC_H264, pkt, sizeof pkt, &v), 0);
  assert_int_equal(v.keyframe, 1);
  assert_int_equal(v.keyframe_known, 1);
  assert_int_equal(v.has_sps, 1);
  assert_int_equal(v.has_pps, 1);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.frame_end, 1);
  assert_int_equal(v.nal_type, 24);
  assert_int_equal(v.first_nal_type, 7);
  assert_int_equal(v.header_len, 1);
  assert_int_equal(v.non_reference, 0);
  check_prefixes(RUP_CODEC_H264, pkt, sizeof pkt);
  assert_int_equal(plausible_copy(RUP_CODEC_H264, pkt, sizeof pkt), 3);

  /* SPS + PPS alone: not a key frame, cannot tell */
  assert_int_equal(video_copy(RUP_CODEC_H264, pkt, 12, &v), 0);
  assert_int_equal(v.has_sps, 1);
  assert_int_equal(v.keyframe, 0);
  assert_int_equal(v.keyframe_known, 0);

  /* malformed STAP-A: header only, zero size, size past the end, trailing byte,
   * nested STAP-A / FU-A, type 0 */
  const uint8_t hdr_only[] = {0x78, 0x00, 0x01};
  const uint8_t zero[] = {0x78, 0x00, 0x00, 0x00, 0x01, 0x09};
  const uint8_t past[] = {0x78, 0x00, 0x05, 0x09, 0x10};
  const uint8_t trail[] = {0x78, 0x00, 0x02, 0x09, 0x10, 0x00};
  const uint8_t nested[] = {0x78, 0x00, 0x02, 0x78, 0x10};
  const uint8_t fu_in[] = {0x78, 0x00, 0x02, 0x7C, 0x85};
  const uint8_t t0[] = {0x78, 0x00, 0x02, 0x00, 0x10};
  assert_int_equal(video_copy(RUP_CODEC_H264, hdr_only, sizeof hdr_only, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_H264, zero, sizeof zero, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_H264, past, sizeof past, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_H264, trail, sizeof trail, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_H264, nested, sizeof nested, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_H264, fu_in, sizeof fu_in, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_H264, t0, sizeof t0, &v), RUP_ERR_MALFORMED);
  /* a slice inside with a truncated first_mb_in_slice */
  const uint8_t cut[] = {0x78, 0x00, 0x01, 0x09, 0x00, 0x02, 0x41, 0x00};
  assert_int_equal(video_copy(RUP_CODEC_H264, cut, sizeof cut, &v), RUP_ERR_MALFORMED);
  /* AUD then a non-IDR slice: starts the access unit, not a key frame */
  const uint8_t aud_slice[] = {0x78, 0x00, 0x02, 0x09, 0xF0, 0x00, 0x02, 0x41, 0x9A};
  assert_int_equal(video_copy(RUP_CODEC_H264, aud_slice, sizeof aud_slice, &v), 0);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.keyframe, 0);
  assert_int_equal(v.keyframe_known, 1);
}

static void test_h264_fu_a(void **state) {
  (void)state;
  rup_video_info v;
  const uint8_t start[] = {0x7C, 0x85, 0x88, 0x84, 0x00};
  const uint8_t middle[] = {0x7C, 0x05, 0x12, 0x34};
  const uint8_t end[] = {0x7C, 0x45, 0x56};
  assert_int_equal(video_copy(RUP_CODEC_H264, start, sizeof start, &v), 0);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.frame_end, 0);
  assert_int_equal(v.keyframe, 1);
  assert_int_equal(v.keyframe_known, 1);
  assert_int_equal(v.header_len, 2);
  assert_int_equal(v.nal_type, 28);
  assert_int_equal(v.first_nal_type, 5);
  check_prefixes(RUP_CODEC_H264, start, sizeof start);
  assert_int_equal(video_copy(RUP_CODEC_H264, middle, sizeof middle, &v), 0);
  assert_int_equal(v.frame_start, 0);
  assert_int_equal(v.frame_end, 0);
  assert_int_equal(v.keyframe, 1);
  assert_int_equal(video_copy(RUP_CODEC_H264, end, sizeof end, &v), 0);
  assert_int_equal(v.frame_start, 0);
  assert_int_equal(v.frame_end, 1);
  /* an end fragment with no data is allowed */
  assert_int_equal(video_copy(RUP_CODEC_H264, end, 2, &v), 0);

  /* non-IDR slice, first_mb_in_slice = 5 (ue: 00110): a later slice, not a start */
  const uint8_t later[] = {0x5C, 0x81, 0x30, 0x00};
  assert_int_equal(video_copy(RUP_CODEC_H264, later, sizeof later, &v), 0);
  assert_int_equal(v.frame_start, 0);
  assert_int_equal(v.keyframe, 0);
  assert_int_equal(v.keyframe_known, 1);
  /* S and E both set, too short, nested types, first fragment without data */
  const uint8_t se[] = {0x7C, 0xC5, 0x88};
  const uint8_t nest[] = {0x7C, 0x98, 0x88};
  const uint8_t t0[] = {0x7C, 0x80, 0x88};
  assert_int_equal(video_copy(RUP_CODEC_H264, se, sizeof se, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_H264, start, 1, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_H264, start, 2, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_H264, nest, sizeof nest, &v), RUP_ERR_MALFORMED);
  assert_int_equal(video_copy(RUP_CODEC_H264, t0, sizeof t0, &v), RUP_ERR_MALFORMED);
  /* a fragmented SPS */
  const uint8_t sps_frag[] = {0x7C, 0x87, 0x42};
  assert_int_equal(video_copy(RUP_CODEC_H264, sps_frag, sizeof sps_frag, &v), 0);
  assert_int_equal(v.has_sps, 1);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.keyframe_known, 0);
}

static void test_h264_single(void **state) {
  (void)state;
  rup_video_info v;
  /* non-IDR slice, NRI 2, first_mb 0 */
  const uint8_t slice[] = {0x41, 0x9A, 0x00};
  assert_int_equal(video_copy(RUP_CODEC_H264, slice, sizeof slice, &v), 0);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.frame_end, 1);
  assert_int_equal(v.keyframe, 0);
  assert_int_equal(v.keyframe_known, 1);
  assert_int_equal(v.non_reference, 0);
  assert_int_equal(v.header_len, 0);
  check_prefixes(RUP_CODEC_H264, slice, sizeof slice);
  assert_int_equal(plausible_copy(RUP_CODEC_H264, slice, sizeof slice), 2);
  /* NRI 0: non-reference */
  const uint8_t nonref[] = {0x01, 0x9A};
  assert_int_equal(video_copy(RUP_CODEC_H264, nonref, sizeof nonref, &v), 0);
  assert_int_equal(v.non_reference, 1);
  /* IDR single NAL */
  const uint8_t idr[] = {0x65, 0x88, 0x80};
  assert_int_equal(video_copy(RUP_CODEC_H264, idr, sizeof idr, &v), 0);
  assert_int_equal(v.keyframe, 1);
  assert_int_equal(v.frame_start, 1);
  /* slice header truncated (no first_mb_in_slice) */
  assert_int_equal(video_copy(RUP_CODEC_H264, slice, 1, &v), RUP_ERR_MALFORMED);
  const uint8_t zeros[] = {0x41, 0x00, 0x00};
  assert_int_equal(video_copy(RUP_CODEC_H264, zeros, sizeof zeros, &v), RUP_ERR_MALFORMED);
  /* first_mb_in_slice = 2^16 - 1 + 0 = 65535 needs 16 zeros, 1, 16 bits; with
   * an emulation prevention byte after 00 00: 00 00 03 80 00 00 -> value 65535 */
  const uint8_t epb[] = {0x41, 0x00, 0x00, 0x03, 0x80, 0x00, 0x00};
  assert_int_equal(video_copy(RUP_CODEC_H264, epb, sizeof epb, &v), 0);
  assert_int_equal(v.frame_start, 0);
  /* more than 31 leading zeros is not a valid ue(v) */
  const uint8_t many0[] = {0x41, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, 0x00, 0x01, 0xFF, 0xFF, 0xFF, 0xFF};
  assert_int_equal(video_copy(RUP_CODEC_H264, many0, sizeof many0, &v), RUP_ERR_MALFORMED);
  /* AUD, SEI, SPS start an access unit; filler and end-of-sequence do not */
  const uint8_t aud[] = {0x09, 0xF0};
  const uint8_t sei[] = {0x06, 0x05, 0x01};
  const uint8_t sps[] = {0x67, 0x42};
  const uint8_t filler[] = {0x0C, 0xFF};
  const uint8_t eos[] = {0x0A};
  assert_int_equal(video_copy(RUP_CODEC_H264, aud, sizeof aud, &v), 0);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.keyframe_known, 0);
  assert_int_equal(video_copy(RUP_CODEC_H264, sei, sizeof sei, &v), 0);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(video_copy(RUP_CODEC_H264, sps, sizeof sps, &v), 0);
  assert_int_equal(v.frame_start, 1);
  assert_int_equal(v.has_sps, 1);
  assert_int_equal(v.keyframe, 0);
  assert_int_equal(video_copy(RUP_CODEC_H264, filler, sizeof filler, &v), 0);
  assert_int_equal(v.frame_start, 0);
  assert_int_equal(video_copy(RUP_CODEC_H264, eos, sizeof eos, &v), 0);
  assert_int_equal(v.frame_start, 0);
  /* interleaved-mode and reserved types */
  const uint8_t types[] = {0, 25, 26, 27, 29, 30, 31};
  for (size_t i = 0; i < sizeof types; i++) {
    uint8_t p[] = {(uint8_t)(0x60 | types[i]), 0x00, 0x01, 0x02};
    assert_int_equal(video_copy(RUP_CODEC_H264, p, sizeof p, &v), RUP_ERR_UNSUPPORTED);
    assert_int_equal(plausible_copy(RUP_CODEC_H264, p, sizeof p), 0);
  }
  assert_int_equal(video_copy(RUP_CODEC_H264, slice, 0, &v), RUP_ERR_MALFORMED);
  /* F bit: parsed, but implausible for discovery */
  const uint8_t fbit[] = {0xC1, 0x9A};
  assert_int_equal(video_copy(RUP_CODEC_H264, fbit, sizeof fbit, &v), 0);
  assert_int_equal(plausible_copy(RUP_CODEC_H264, fbit, sizeof fbit), 0);
}

/* ------------------------------------------------------------ dispatch, plausibility */

static void test_dispatch_plausible(void **state) {
  (void)state;
  rup_video_info v;
  const uint8_t p[] = {0x10, 0x01};
  assert_int_equal(video_copy(RUP_CODEC_OPUS, p, sizeof p, &v), RUP_ERR_UNSUPPORTED);
  assert_int_equal(video_copy(RUP_CODEC_AV1, p, sizeof p, &v), RUP_ERR_UNSUPPORTED);
  assert_int_equal(plausible_copy(RUP_CODEC_PCMU, p, sizeof p), 0);
  assert_int_equal(plausible_copy(RUP_CODEC_OPUS, p, 0), 0);
  /* Opus: 20 ms code 0 typical; code 3 with M = 0 impossible; 10 ms code 1 possible */
  const uint8_t o20[] = {0xF8, 0x01, 0x02};
  const uint8_t bad3[] = {0xFB, 0x00};
  const uint8_t o10[] = {0x71, 0x01, 0x02};
  assert_int_equal(plausible_copy(RUP_CODEC_OPUS, o20, sizeof o20), 2);
  assert_int_equal(plausible_copy(RUP_CODEC_OPUS, bad3, sizeof bad3), 0);
  assert_int_equal(plausible_copy(RUP_CODEC_OPUS, o10, sizeof o10), 1);
  /* VP8: reserved bits set */
  const uint8_t r1[] = {0x50, 0x01};
  const uint8_t r2[] = {0x18, 0x01};
  const uint8_t rsv[] = {0x90, 0x01, 0x01};
  assert_int_equal(plausible_copy(RUP_CODEC_VP8, p, sizeof p), 2);
  assert_int_equal(plausible_copy(RUP_CODEC_VP8, r1, sizeof r1), 0);
  assert_int_equal(plausible_copy(RUP_CODEC_VP8, r2, sizeof r2), 0);
  assert_int_equal(plausible_copy(RUP_CODEC_VP8, rsv, sizeof rsv), 0);
  /* VP8 inter frame with frame-tag version 7: implausible */
  const uint8_t ver7[] = {0x10, 0x0F};
  assert_int_equal(plausible_copy(RUP_CODEC_VP8, ver7, sizeof ver7), 0);
  /* continuation packet */
  const uint8_t cont[] = {0x00, 0x0F};
  assert_int_equal(plausible_copy(RUP_CODEC_VP8, cont, sizeof cont), 1);
}

/* ------------------------------------------------------------ real captures */

/* RTP packets of the real captures, handed to fn. */
typedef struct rtp_pkt {
  int marker;
  uint8_t pt;
  uint16_t seq;
  uint32_t ts;
  const uint8_t *payload;
  size_t len;
} rtp_pkt;

typedef void (*pkt_fn)(const rtp_pkt *r, void *ctx);

/* Every RTP packet to dport of a capture, through the trace API (testutil). */
static size_t walk_pcap(const char *name, uint16_t dport, pkt_fn fn, void *ctx) {
  rt_udp rd;
  const uint8_t *u;
  size_t ulen, n = 0;
  int64_t t;
  rt_udp_open(&rd, name);
  while (rt_udp_next(&rd, dport, &u, &ulen, &t)) {
    rup_rtp r;
    assert_int_equal(rup__rtp_parse(&r, u, ulen), 0);
    rtp_pkt pk = {r.marker, r.payload_type, r.seq, r.ts, r.payload, r.payload_len};
    fn(&pk, ctx);
    n++;
  }
  rt_udp_close(&rd);
  return n;
}

/* Packet count of the (single) stream in FILE.tshark.txt: the 9th column
 * ("Pkts") of the row after the header of `tshark -z rtp,streams`. */
static size_t tshark_pkts(const char *name) {
  char path[512];
  size_t len = 0, n = 0;
  snprintf(path, sizeof path, "%s.tshark.txt", name);
  char *t = (char *)rt_read_file(rt_data(path), &len);
  assert_non_null(t);
  char *buf = malloc(len + 1);
  assert_non_null(buf);
  memcpy(buf, t, len);
  buf[len] = 0;
  free(t);
  char *h = strstr(buf, "Pkts");
  assert_non_null(h);
  char *row = strchr(h, '\n');
  assert_non_null(row);
  char *tok = strtok(row + 1, " \t\n");
  for (int i = 1; i < 9 && tok; i++) tok = strtok(NULL, " \t\n");
  assert_non_null(tok);
  n = (size_t)strtoul(tok, NULL, 10);
  free(buf);
  assert_true(n > 0);
  return n;
}

typedef struct vstate {
  int codec;
  int have_prev;
  uint32_t prev_ts;
  int prev_marker;
  size_t frames, markers, keyframes, indep_keyframes, first_width, first_height, first_key;
  size_t starts_checked, sps_frames;
  int frame_has_key, frame_has_indep_key, frame_has_slice;
} vstate;

/* Independent key-frame check for VP8: skip the descriptor by hand (RFC 7741
 * §4.2 layout) and read bit 0 of the next byte on S=1, PID=0 packets. */
static int vp8_indep_key(const uint8_t *p, size_t n) {
  size_t h = 1;
  if (n < 2 || !(p[0] & 0x10) || (p[0] & 0x07)) return 0;
  if (p[0] & 0x80) {
    uint8_t x = p[1];
    h = 2;
    if (x & 0x80) h += (p[h] & 0x80) ? 2 : 1;
    if (x & 0x40) h++;
    if (x & 0x30) h++;
  }
  return h < n && (p[h] & 1) == 0;
}

/* Independent IDR check for H.264: NAL type 5 as a single NAL, FU-A original
 * type, or any STAP-A unit. */
static int h264_indep_key(const uint8_t *p, size_t n) {
  if (n < 2) return 0;
  if ((p[0] & 0x1F) == 5) return 1;
  if ((p[0] & 0x1F) == 28) return (p[1] & 0x1F) == 5;
  if ((p[0] & 0x1F) == 24) {
    for (size_t i = 1; i + 2 < n;) {
      size_t s = (size_t)(p[i] << 8 | p[i + 1]);
      if ((p[i + 2] & 0x1F) == 5) return 1;
      i += 2 + s;
    }
  }
  return 0;
}

static void end_frame(vstate *s) {
  if (s->frames == 1) s->first_key = (size_t)s->frame_has_key;
  if (s->frame_has_key) s->keyframes++;
  if (s->frame_has_indep_key) s->indep_keyframes++;
  s->frame_has_key = s->frame_has_indep_key = 0;
}

static void video_pkt(const rtp_pkt *r, void *ctx) {
  vstate *s = ctx;
  rup_video_info v;
  int new_frame = !s->have_prev || r->ts != s->prev_ts;
  assert_int_equal(video_copy(s->codec, r->payload, r->len, &v), 0);
  assert_true(v.header_len < r->len);
  if (new_frame) {
    /* a new timestamp follows a marker packet in these loss-free captures */
    if (s->have_prev) {
      assert_int_equal(s->prev_marker, 1);
      end_frame(s);
    }
    s->frames++;
    assert_int_equal(v.frame_start, 1); /* every frame's first packet */
    /* VP8 tells key / delta in the first packet; H.264 may open with SPS+PPS */
    if (s->codec == RUP_CODEC_VP8) assert_int_equal(v.keyframe_known, 1);
    s->starts_checked++;
    if (s->frames == 1) {
      s->first_width = v.width;
      s->first_height = v.height;
    }
    if (s->codec == RUP_CODEC_H264 && v.has_sps) s->sps_frames++;
    s->frame_has_slice = 0;
  } else if (s->codec == RUP_CODEC_H264 && v.frame_start) {
    /* H.264: parameter sets open the access unit and its first slice
     * (first_mb_in_slice 0) also reads as a start; no start after a slice. */
    assert_int_equal(s->frame_has_slice, 0);
  } else {
    assert_int_equal(v.frame_start, 0); /* continuation packets */
  }
  if (v.keyframe_known) s->frame_has_slice = 1;
  if (v.keyframe) s->frame_has_key = 1;
  if (s->codec == RUP_CODEC_VP8 ? vp8_indep_key(r->payload, r->len)
                                : h264_indep_key(r->payload, r->len))
    s->frame_has_indep_key = 1;
  if (r->marker) {
    s->markers++;
    if (s->codec == RUP_CODEC_H264) assert_int_equal(v.frame_end, 1);
  }
  assert_true(rup__payload_plausible(s->codec, r->payload, r->len) >= 1);
  s->have_prev = 1;
  s->prev_ts = r->ts;
  s->prev_marker = r->marker;
}

static void test_real_vp8(void **state) {
  (void)state;
  vstate s;
  memset(&s, 0, sizeof s);
  s.codec = RUP_CODEC_VP8;
  size_t n = walk_pcap("vp8_clean.pcap", 5006, video_pkt, &s);
  end_frame(&s);
  assert_int_equal(n, tshark_pkts("vp8_clean.pcap"));
  assert_int_equal(s.markers, s.frames);
  /* 120 frames (num-buffers=120), a key frame every 60 frames at most */
  assert_true(s.frames >= 115 && s.frames <= 120);
  assert_int_equal(s.keyframes, s.indep_keyframes);
  assert_true(s.keyframes >= (s.frames + 59) / 60);
  assert_int_equal(s.first_key, 1);
  assert_int_equal(s.first_width, 320);
  assert_int_equal(s.first_height, 240);
}

static void test_real_h264(void **state) {
  (void)state;
  vstate s;
  memset(&s, 0, sizeof s);
  s.codec = RUP_CODEC_H264;
  size_t n = walk_pcap("h264_clean.pcap", 5010, video_pkt, &s);
  end_frame(&s);
  assert_int_equal(n, tshark_pkts("h264_clean.pcap"));
  assert_int_equal(s.markers, s.frames);
  /* up to 90 frames (num-buffers=90; openh264enc may not flush its last few at
   * EOS); gop-size=30 -> an IDR every 30 frames, starting with the first */
  assert_true(s.frames >= 80 && s.frames <= 90);
  assert_int_equal(s.keyframes, s.indep_keyframes);
  assert_int_equal(s.keyframes, (s.frames + 29) / 30);
  assert_int_equal(s.first_key, 1);
  /* config-interval=-1: SPS/PPS sent with every IDR */
  assert_int_equal(s.sps_frames, s.keyframes);
}

typedef struct astate {
  size_t n, dtx, tiny2, tiny3, not20;
} astate;

static void opus_pkt(const rtp_pkt *r, void *ctx) {
  astate *s = ctx;
  rup_opus_info o;
  assert_int_equal(r->pt, 111);
  assert_int_equal(opus_copy(r->payload, r->len, &o), 0);
  check_opus_sane(&o, r->len);
  if (o.duration_us != 20000 || o.frame_count != 1) s->not20++;
  if (o.dtx) s->dtx++;
  if (r->len <= 2) s->tiny2++;
  if (r->len <= 3) s->tiny3++;
  assert_true(rup__payload_plausible(RUP_CODEC_OPUS, r->payload, r->len) >= 1);
  s->n++;
}

static void test_real_opus(void **state) {
  (void)state;
  astate s;
  memset(&s, 0, sizeof s);
  assert_int_equal(walk_pcap("opus_clean.pcap", 5004, opus_pkt, &s), tshark_pkts("opus_clean.pcap"));
  assert_int_equal(s.not20, 0); /* every packet: one 20 ms frame */
  assert_int_equal(s.dtx, 0);

  /* opus_dtx.pcap: the payloader drops the 1-byte DTX frames, so only the
   * 3-byte comfort-noise / hangover packets remain (README: tiny <= 2 is 0,
   * tiny <= 3 is 32); they are 20 ms frames, not flagged DTX by the <= 2 rule. */
  memset(&s, 0, sizeof s);
  assert_int_equal(walk_pcap("opus_dtx.pcap", 5004, opus_pkt, &s), tshark_pkts("opus_dtx.pcap"));
  assert_int_equal(s.not20, 0);
  assert_int_equal(s.dtx, s.tiny2);
  assert_true(s.tiny3 > 0);

  /* opus_dtx_tiny.pcap: every silent frame sent as a TOC-only payload */
  memset(&s, 0, sizeof s);
  assert_int_equal(walk_pcap("opus_dtx_tiny.pcap", 5004, opus_pkt, &s), tshark_pkts("opus_dtx_tiny.pcap"));
  assert_int_equal(s.not20, 0);
  assert_true(s.tiny2 > 0);
  assert_int_equal(s.dtx, s.tiny2);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_opus_configs),      cmocka_unit_test(test_opus_code0_1_2),
      cmocka_unit_test(test_opus_code3),        cmocka_unit_test(test_opus_dtx_sizes),
      cmocka_unit_test(test_vp8_minimal),       cmocka_unit_test(test_vp8_extension),
      cmocka_unit_test(test_vp8_keyframe),      cmocka_unit_test(test_vp9_nonflexible_ss),
      cmocka_unit_test(test_vp9_flexible),      cmocka_unit_test(test_h264_stap_a),
      cmocka_unit_test(test_h264_fu_a),         cmocka_unit_test(test_h264_single),
      cmocka_unit_test(test_dispatch_plausible), cmocka_unit_test(test_real_vp8),
      cmocka_unit_test(test_real_h264),         cmocka_unit_test(test_real_opus),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
