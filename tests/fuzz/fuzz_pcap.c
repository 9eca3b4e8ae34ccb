/* Fuzz target: the capture readers (pcap, pcapng, gzip) over an in-memory file, plus
 * what rup_replay does with each datagram short of the session (SIP/SDP, discovery).
 * Invariants: every record is counted exactly once, the UDP count matches the
 * datagrams returned, the reader never reads past its input, errors are the
 * documented ones, and reading twice gives the same result. The same bytes read from
 * a file (the windowed reader) give the same datagrams, counters and error. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "trace/trace.h"

static rup__disc disc;
static rup__sdp sdp;

/* path: read that file (holding the same bytes), else memory. *hash
 * digests every datagram (time, record, addresses' ports, payload). */
static void run(const uint8_t *data, size_t size, const char *path, rup_trace_info *out, int *rc_out,
                uint64_t *hash) {
  rup_trace *t = NULL;
  int r = path ? rup_trace_open(&t, path, NULL) : rup_trace_open_memory(&t, data, size, NULL);
  memset(out, 0, sizeof *out);
  uint64_t h = 0xCBF29CE484222325ull;
  *hash = 0;
  *rc_out = r;
  if (r < 0) {
    if (r != RUP_ERR_FORMAT && r != RUP_ERR_TRUNCATED && r != RUP_ERR_NOMEM) abort();
    if (t) abort(); /* untouched on failure */
    return;
  }
  rup__disc_init(&disc);
  rup_trace_packet p;
  uint64_t n = 0;
  unsigned sum = 0;
  while ((r = rup_trace_next(t, &p)) == 1) {
    n++;
    for (size_t i = 0; i < p.payload_len; i++) sum += p.payload[i]; /* ASan checks the span */
    uint64_t v[5] = {(uint64_t)p.ts_us, p.record, p.src.port, p.dst.port, p.payload_len};
    for (size_t k = 0; k < 5; k++) h = (h ^ v[k]) * 0x100000001B3ull;
    for (size_t i = 0; i < p.payload_len; i++) h = (h ^ p.payload[i]) * 0x100000001B3ull;
    rup_trace_info mid;
    if (rup_trace_get_info(t, &mid) != 0 || p.record != mid.records || mid.udp != n) abort();
    if (p.src.family != 4 && p.src.family != 6) abort();
    const uint8_t *body;
    size_t blen;
    if (rup__sip_is_sip(p.payload, p.payload_len, p.src.port, p.dst.port) &&
        rup__sip_find_sdp(p.payload, p.payload_len, &body, &blen)) {
      if (body < p.payload || body + blen > p.payload + p.payload_len) abort();
      if (rup__sdp_parse(body, blen, &sdp) > 0) rup__disc_add_sdp(&disc, &sdp);
    }
    rup__disc_result res;
    if (rup__disc_packet(&disc, p.payload, p.payload_len, rup__disc_direction(&p.src, &p.dst, 1), p.ts_us,
                         &p.src, &p.dst, &res)) {
      if (res.pt < 0 || res.pt > 127 || res.codec < 0 || res.codec > RUP_CODEC_TELEPHONE_EVENT) abort();
    }
  }
  (void)sum;
  if (r != 0 && r != RUP_ERR_TRUNCATED && r != RUP_ERR_MALFORMED && r != RUP_ERR_NOMEM) abort();
  if (rup_trace_next(t, &p) != r) abort(); /* sticky */
  rup_trace_info i;
  if (rup_trace_get_info(t, &i) != 0) abort();
  if (i.udp != n) abort();
  if (i.udp + i.skipped_non_udp + i.skipped_fragments + i.skipped_link + i.skipped_bad != i.records) abort();
  if (i.bytes_read > size || i.file_size != size) abort();
  if ((i.records == 0) != (i.first_ts_us == INT64_MIN)) abort();
  if (i.format != RUP_TRACE_PCAP && i.format != RUP_TRACE_PCAPNG) abort();
  if (disc.n_ssrc > RUP__DISC_MAX_SSRC || disc.n_map > RUP__DISC_MAX_MAP) abort();
  rup_trace_del(t);
  *out = i;
  *rc_out = r;
  *hash = h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rup_trace_info a, b, c;
  int ra, rb, rc;
  uint64_t ha, hb, hc;
  run(data, size, NULL, &a, &ra, &ha);
  run(data, size, NULL, &b, &rb, &hb);
  if (ra != rb || ha != hb || memcmp(&a, &b, sizeof a) != 0) abort(); /* deterministic */
  static char path[64];
  if (!path[0]) snprintf(path, sizeof path, "/tmp/rup_fuzz_pcap_%ld", (long)getpid());
  FILE *f = fopen(path, "wb");
  if (!f) abort();
  if (size && fwrite(data, 1, size, f) != size) abort();
  if (fclose(f) != 0) abort();
  run(data, size, path, &c, &rc, &hc);
  unlink(path);
  if (rc != ra || hc != ha || memcmp(&a, &c, sizeof a) != 0) abort(); /* the same from a file */
  return 0;
}
