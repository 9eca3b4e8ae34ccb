/* Fuzz target for lib/media/audio.c: packets, advances and sender reports from the input; checks deadlines, event pairing and bounds. */
#include <stdlib.h>
#include <string.h>
#include "media/audio.h"
static int open_[4];
static void rec(void *ctx, const rup_imp *imp, int phase) {
  (void)ctx;
  if (imp->kind > 3) abort();
  if (phase == 0) { if (open_[imp->kind]) abort(); open_[imp->kind] = 1; if (imp->end_us) abort(); }
  else { if (!open_[imp->kind]) abort(); open_[imp->kind] = 0; }
}
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);
int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) {
  static rup_audio a;
  rup_imp_sink sink = {rec, NULL};
  memset(open_, 0, sizeof open_);
  rup__audio_init(&a, n && (d[0] & 1) ? RUP_CODEC_OPUS : RUP_CODEC_PCMU, n && (d[0] & 2) ? 48000 : 0, NULL);
  int64_t t = 0; uint64_t seq = 0; uint32_t ts = 0; size_t i = 1;
  uint8_t pl[64]; memset(pl, 0xF8, sizeof pl);
  while (i + 6 <= n) {
    uint8_t op = d[i];
    int64_t dt = (int64_t)(int16_t)((d[i + 1] << 8) | d[i + 2]) * ((op & 0x80) ? 1000 : 10);
    t += dt;
    if ((op & 3) == 0 || (op & 3) == 1) {
      seq += (int8_t)d[i + 3];
      ts += (uint32_t)((int16_t)((d[i + 4] << 8) | d[i + 5])) * ((op & 4) ? 97 : 1);
      rup_rtp r; memset(&r, 0, sizeof r);
      r.seq = (uint16_t)seq; r.ts = ts; r.marker = op & 8;
      pl[0] = d[i + 4];
      r.payload = pl; r.payload_len = d[i + 5] % 40;
      rup_media_pkt m = {&r, (op & 0x40) ? RUP_RX_RESTART : (op & 0x20) ? RUP_RX_REORDERED : RUP_RX_VALID, seq, t};
      rup__audio_packet(&a, &m, (int)(op >> 4) % 3 - 1, &sink);
    } else if ((op & 3) == 2) {
      rup__audio_advance(&a, t, &sink);
      if (rup__audio_deadline(&a) <= a.now_us) abort();
    } else {
      rup__audio_sender_report(&a, (uint32_t)((d[i + 3] << 8) | d[i + 4]), t, &sink);
    }
    if (a.nbuf > RUP_AUDIO_BUF) abort();
    if (a.st.concealed_samples > a.st.total_samples_received) abort();
    if (a.st.silent_concealed_samples > a.st.concealed_samples) abort();
    i += 6;
  }
  rup__audio_finish(&a, t, &sink);
  if (open_[1] || open_[3]) abort();
  return 0;
}
