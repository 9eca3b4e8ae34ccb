/* Fuzz target: the input is one UDP datagram handed to the SIP/SDP parser, then the
 * same bytes as a bare SDP body, then as RTP packets to stream discovery primed with
 * whatever the SDP described. Invariants: caps respected, outputs well-formed, the
 * body found lies inside the datagram. */
#include <stdlib.h>

#include "trace/trace.h"

static rup__sdp sdp;
static rup__disc disc;

static void check_sdp(const rup__sdp *s) {
  if (s->n_media > RUP__SDP_MAX_MEDIA) abort();
  for (size_t i = 0; i < s->n_media; i++) {
    const rup__sdp_media *m = &s->m[i];
    if (m->n_pt > RUP__SDP_MAX_PT || m->n_ext > RUP__SDP_MAX_EXTMAP || m->n_ssrc > RUP__SDP_MAX_SSRC) abort();
    if (m->conn.port == 0 || (m->conn.family != 4 && m->conn.family != 6)) abort();
    if (m->media != RUP_MEDIA_AUDIO && m->media != RUP_MEDIA_VIDEO) abort();
    for (size_t k = 0; k < m->n_pt; k++)
      if (m->pts[k].pt > 127) abort();
    for (size_t k = 0; k < m->n_ext; k++)
      if (m->ext[k].id == 0 || memchr(m->ext[k].uri, '\0', RUP__SDP_URI_MAX) == NULL) abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  rup__disc_init(&disc);
  const uint8_t *body;
  size_t blen;
  (void)rup__sip_is_sip(data, size, 5060, 5060);
  if (rup__sip_find_sdp(data, size, &body, &blen)) {
    if (body < data || blen > size || body + blen > data + size) abort();
    rup__sdp_parse(body, blen, &sdp);
    check_sdp(&sdp);
    rup__disc_add_sdp(&disc, &sdp);
  }
  int n = rup__sdp_parse(data, size, &sdp);
  if (n < 0 || (size_t)n != sdp.n_media) abort();
  check_sdp(&sdp);
  rup__disc_add_sdp(&disc, &sdp);
  /* The bytes as a run of RTP packets (split at every 0x0A), addressed to the SDP's first
   * media address when there is one. */
  rup_endpoint src, dst;
  memset(&src, 0, sizeof src);
  dst = src;
  src.family = dst.family = 4;
  if (sdp.n_media) dst = sdp.m[0].conn;
  size_t start = 0;
  int64_t t = 0;
  for (size_t i = 0; i <= size; i++) {
    if (i < size && data[i] != 0x0A) continue;
    rup__disc_result res;
    if (rup__disc_packet(&disc, data + start, i - start, (int)(i & 1), t, &src, &dst, &res) &&
        (res.pt < 0 || res.pt > 127))
      abort();
    (void)rup__disc_payload_fits(data + start, i - start, (int)(i % 3) - 1, (int)(i & 1));
    (void)rup__opus_samples(data + start, i - start);
    t += 20000;
    start = i + 1;
  }
  if (disc.n_ssrc > RUP__DISC_MAX_SSRC || disc.n_map > RUP__DISC_MAX_MAP) abort();
  return 0;
}
