/* RTCP in the session: SR history, remote reports, RTT, CNAME, BYE, feedback. */
#include "session/session.h"

static void on_report_block(rup_session *s, const rup_rtcp_report_block *rb, uint32_t reporter, int direction) {
  /* The block is about a stream the reporter receives: it flows the other way. */
  rup_stream *st = rup__session_find_any(s, rb->ssrc, !direction);
  if (!st) return;
  st->has_remote_report = 1;
  st->remote = *rb;
  const rup_stream *rep = rup__session_find(s, reporter, direction);
  rup__detect_report_block(&s->det, &st->det, reporter, rep ? &rep->det : NULL, rb, s->now_us);
  if (rb->lsr == 0) return; /* RFC 3550 §6.4.1: LSR 0 = no SR received yet, no RTT */
  for (unsigned i = 0; i < RUP_SR_HISTORY; i++) {
    const rup_sr_seen *sr = &st->sr[i];
    if (sr->arrival_us != 0 && sr->ntp_mid == rb->lsr) {
      /* RFC 3550 §6.4.1: RTT = A - LSR - DLSR, with A - LSR measured on our clock */
      int64_t rtt = rup__rtt_us(sr->arrival_us, s->now_us, rb->dlsr);
      if (rtt >= 0) {
        st->has_rtt = 1;
        st->rtt_us = rtt;
        rup__detect_rtt(&s->det, &st->det, rtt, s->now_us);
      }
      return;
    }
  }
}

/* End of one RTCP compound from sender_ssrc for lib/detect: had_report = it carried
 * a regular report that could have named our streams. */
static void rtcp_end(rup_session *s, uint32_t sender_ssrc, int direction, int had_report) {
  const rup_stream *rep = rup__session_find(s, sender_ssrc, direction);
  if (rep) rup__detect_rtcp_end(&s->det, &rep->det, had_report, s->now_us);
}

int rup__session_rtcp(rup_session *s, const uint8_t *buf, size_t len, int direction) {
  s->counters.rtcp++;
  size_t pos = 0;
  rup_rtcp_packet p;
  int rv;
  uint32_t reporter = 0;
  int have_reporter = 0, feedback = 0;
  while ((rv = rup__rtcp_next(buf, len, &pos, &p)) == 1) {
    rup_stream *st;
    switch (p.type) {
      case RUP_RTCP_SR:
        s->counters.rtcp_sr++;
        st = rup__session_find(s, p.ssrc, direction);
        if (st) {
          st->sr_count++;
          st->sender_packet_count = p.sender_info.packet_count;
          st->sender_octet_count = p.sender_info.octet_count;
          st->sr[st->sr_next].ntp_mid = rup__ntp_mid32(p.sender_info.ntp);
          st->sr[st->sr_next].arrival_us = s->now_us;
          st->sr_next = (st->sr_next + 1) % RUP_SR_HISTORY;
          rup__playback_sender_report(s, st, p.sender_info.packet_count);
          rup__session_refresh_deadline(s, st);
          rup__detect_sender_report(&s->det, &st->det, p.sender_info.packet_count, s->now_us);
        }
        /* fall through: an SR carries report blocks too */
        /* FALLTHROUGH */
      case RUP_RTCP_RR:
        if (p.type == RUP_RTCP_RR) s->counters.rtcp_rr++;
        for (unsigned i = 0; i < p.report_count; i++) {
          rup_rtcp_report_block rb;
          rup__rtcp_report_block(&p, i, &rb);
          on_report_block(s, &rb, p.ssrc, direction);
        }
        if (!have_reporter) reporter = p.ssrc;
        have_reporter = 1;
        break;
      case RUP_RTCP_SDES:
        s->counters.rtcp_sdes++;
        if (p.cname) {
          st = rup__session_find(s, p.cname_ssrc, direction);
          if (st) rup__session_set_cname(s, st, p.cname, p.cname_len);
          rtcp_end(s, p.cname_ssrc, direction, 0);
        }
        break;
      case RUP_RTCP_BYE:
        s->counters.rtcp_bye++;
        for (unsigned i = 0; i < p.bye_count; i++) {
          st = rup__session_find(s, rup__rd32(p.bye_ssrcs + 4 * i), direction);
          if (st) {
            st->bye = 1;
            rup__session_sync_view(st);
          }
        }
        break;
      case RUP_RTCP_RTPFB:
        feedback = 1;
        if (p.count == 1) { /* RFC 4585 §6.2.1 generic NACK */
          s->counters.rtcp_nack++;
          st = rup__session_find_any(s, p.media_ssrc, !direction);
          if (st) st->nack_count++;
        } else {
          s->counters.rtcp_other++;
        }
        break;
      case RUP_RTCP_PSFB:
        feedback = 1;
        if (p.count == 1) { /* RFC 4585 §6.3.1 PLI */
          s->counters.rtcp_pli++;
          st = rup__session_find_any(s, p.media_ssrc, !direction);
          if (st) {
            st->pli_count++;
            rup__playback_keyframe_request(st);
            rup__session_refresh_deadline(s, st);
          }
        } else if (p.count == 4) { /* RFC 5104 §4.3.1 FIR: each FCI entry names an SSRC */
          s->counters.rtcp_fir++;
          for (unsigned i = 0; i < p.fir_count; i++) {
            st = rup__session_find_any(s, rup__rd32(p.fir_ssrcs + 8 * i), !direction);
            if (st) {
              st->fir_count++;
              rup__playback_keyframe_request(st);
              rup__session_refresh_deadline(s, st);
            }
          }
        } else {
          s->counters.rtcp_other++;
        }
        break;
      case RUP_RTCP_XR: s->counters.rtcp_xr++; break;
      default: s->counters.rtcp_other++; break;
    }
  }
  /* RFC 4585 §3.5: an early-feedback compound may be "minimal", its RR naming no
   * source, so only a compound without feedback counts as a report that left our
   * streams out (lib/detect, docs/ruptures.md Outbound). */
  if (have_reporter) rtcp_end(s, reporter, direction, !feedback);
  if (rv < 0) {
    s->counters.malformed++;
    return RUP_ERR_MALFORMED;
  }
  return 0;
}
