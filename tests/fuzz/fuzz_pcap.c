/* Fuzz target: the capture readers (pcap, pcapng, gzip) over an in-memory file, plus
 * what rup_replay does with each datagram short of the session (SIP/SDP, discovery).
 * Invariants: every record is counted exactly once, the UDP count matches the
 * datagrams returned, the reader never reads past its input, errors are the
 * documented ones, and reading twice gives the same result. */
#include <stdlib.h>

#include "trace/trace.h"

static rup__disc disc;
static rup__sdp sdp;

static void run(const uint8_t *data, size_t size, rup_trace_info *out, int *rc_out) {
  rup_trace *t = NULL;
  int r = rup_trace_open_memory(&t, data, size, NULL);
  memset(out, 0, sizeof *out);
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
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rup_trace_info a, b;
  int ra, rb;
  run(data, size, &a, &ra);
  run(data, size, &b, &rb);
  if (ra != rb || memcmp(&a, &b, sizeof a) != 0) abort(); /* deterministic */
  return 0;
}
