/* lib/wire: stateless parsing of RTP, RTCP and the datagram demultiplexer.
 * Every function checks every length; nothing here keeps state or reads time.
 * Return values: 0 on success, RUP_ERR_MALFORMED for bad input. */
#ifndef RUP_WIRE_H
#define RUP_WIRE_H

#include "core/core.h"

/* ---- Demultiplexing (RFC 7983 §7, RFC 5761 §4, RFC 8656 §12.4) ---- */
typedef enum rup_wire_kind {
  RUP_WIRE_UNKNOWN = 0,
  RUP_WIRE_RTP = 1,
  RUP_WIRE_RTCP = 2,
  RUP_WIRE_STUN = 3,
  RUP_WIRE_DTLS = 4,
  RUP_WIRE_TURN_CHANNEL = 5, /* unwrapped by rup__wire_unwrap_turn */
  RUP_WIRE_ZRTP = 6,
  RUP_WIRE_KEEPALIVE = 7     /* tiny datagrams (< 12 bytes, e.g. 4-byte keep-alives) that are none of the above */
} rup_wire_kind;

/* Classify one UDP payload by its first bytes (RFC 7983: 0..3 STUN, 16..19 ZRTP,
 * 20..63 DTLS, 64..79 TURN channel, 128..191 RTP/RTCP; RTCP when the second byte
 * (PT with the marker bit) is 192..223, RFC 5761 §4). RTP/RTCP also need
 * version 2 and enough bytes for their fixed header. */
int rup__wire_classify(const uint8_t *buf, size_t len);

/* TURN ChannelData (RFC 8656 §12.4): 2-byte channel (0x4000..0x4FFF), 2-byte length,
 * data. On success *inner and *inner_len point inside buf. */
int rup__wire_unwrap_turn(const uint8_t *buf, size_t len, const uint8_t **inner, size_t *inner_len);

/* ---- RTP (RFC 3550 §5.1, RFC 8285) ---- */
typedef struct rup_rtp {
  uint8_t marker;
  uint8_t payload_type;
  uint8_t csrc_count;
  uint8_t has_extension;
  uint16_t seq;
  uint32_t ts;
  uint32_t ssrc;
  uint32_t csrc[15];           /* the first csrc_count are set */
  uint16_t ext_profile;        /* 0xBEDE one-byte, 0x100x two-byte, else opaque */
  const uint8_t *ext;          /* extension data (after the 4-byte ext header) */
  size_t ext_len;              /* bytes */
  const uint8_t *payload;      /* after header, CSRCs and extension; padding removed */
  size_t payload_len;
  uint8_t padding_len;         /* from the last byte when P is set (0 otherwise) */
} rup_rtp;

/* Parse an RTP packet. Errors: version != 2, len < 12, CSRC/extension beyond the end,
 * padding count 0 or larger than what remains after the header. */
int rup__rtp_parse(rup_rtp *out, const uint8_t *buf, size_t len);

/* One RFC 8285 extension element. */
typedef struct rup_rtp_ext_elem {
  uint8_t id;
  uint8_t len;
  const uint8_t *data;
} rup_rtp_ext_elem;

/* Iterate the extension elements: *pos starts at 0; returns 1 with *elem filled,
 * 0 at the end, RUP_ERR_MALFORMED if an element overruns. One-byte form: ID 0 is a
 * padding byte, ID 15 stops parsing (RFC 8285 §4.2). Two-byte form (profile &
 * 0xFFF0 == 0x1000): ID 0 is padding. Other profiles: returns 0 at once. */
int rup__rtp_ext_next(const rup_rtp *rtp, size_t *pos, rup_rtp_ext_elem *elem);

/* Find extension element `id`; 1 if found, 0 if not, <0 if malformed. */
int rup__rtp_ext_find(const rup_rtp *rtp, uint8_t id, rup_rtp_ext_elem *elem);

/* RFC 6464 audio level: one byte V(1) level(7) = -dBov. */
int rup__ext_audio_level(const rup_rtp_ext_elem *e, int *voice, int *level_dbov);
/* abs-send-time: 24-bit 6.18 fixed-point seconds; *value = raw 24-bit. */
int rup__ext_abs_send_time(const rup_rtp_ext_elem *e, uint32_t *value);
/* transport-wide sequence number (draft-holmer-rmcat-transport-wide-cc): 16-bit. */
int rup__ext_transport_seq(const rup_rtp_ext_elem *e, uint16_t *seq);

/* Host-supplied mapping of extension IDs to known URIs (from SDP a=extmap). */
typedef enum rup_ext_uri {
  RUP_EXT_NONE = 0,
  RUP_EXT_AUDIO_LEVEL = 1,     /* urn:ietf:params:rtp-hdrext:ssrc-audio-level */
  RUP_EXT_ABS_SEND_TIME = 2,   /* http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time */
  RUP_EXT_TRANSPORT_SEQ = 3    /* http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01 */
} rup_ext_uri;
/* Map an extmap URI string to rup_ext_uri (RUP_EXT_NONE if unknown). */
int rup__ext_uri_from_string(const char *uri, size_t len);

/* ---- RTCP (RFC 3550 §6.4-6.6, RFC 4585 §6, RFC 5104 §4.3.1, RFC 3611) ---- */
enum {
  RUP_RTCP_SR = 200,
  RUP_RTCP_RR = 201,
  RUP_RTCP_SDES = 202,
  RUP_RTCP_BYE = 203,
  RUP_RTCP_APP = 204,
  RUP_RTCP_RTPFB = 205,
  RUP_RTCP_PSFB = 206,
  RUP_RTCP_XR = 207
};

typedef struct rup_rtcp_report_block {
  uint32_t ssrc;               /* source this block is about */
  uint8_t fraction_lost;
  int32_t cumulative_lost;     /* sign-extended 24-bit */
  uint32_t ext_highest_seq;
  uint32_t jitter;
  uint32_t lsr;
  uint32_t dlsr;
} rup_rtcp_report_block;

typedef struct rup_rtcp_sender_info {
  uint64_t ntp;                /* 64-bit NTP timestamp */
  uint32_t rtp_ts;
  uint32_t packet_count;
  uint32_t octet_count;
} rup_rtcp_sender_info;

/* RFC 3611 §4.7 VoIP metrics block (BT=7). */
typedef struct rup_rtcp_xr_voip {
  uint32_t ssrc;
  uint8_t loss_rate, discard_rate, burst_density, gap_density;
  uint16_t burst_duration_ms, gap_duration_ms;
  uint16_t round_trip_delay_ms, end_system_delay_ms;
  int8_t signal_level, noise_level;
  uint8_t rerl, gmin, r_factor, ext_r_factor, mos_lq, mos_cq, rx_config;
  uint16_t jb_nominal, jb_maximum, jb_abs_max;
} rup_rtcp_xr_voip;

/* One packet of a compound RTCP datagram, decoded. Pointers point into the datagram. */
typedef struct rup_rtcp_packet {
  uint8_t type;                /* PT 192..223 */
  uint8_t count;               /* RC/SC/FMT (5 bits) */
  uint32_t ssrc;               /* sender SSRC (SR/RR/RTPFB/PSFB/XR/APP); first SSRC of BYE; 0 for SDES */
  /* SR / RR */
  int has_sender_info;
  rup_rtcp_sender_info sender_info;
  uint8_t report_count;        /* blocks available through rup__rtcp_report_block() */
  const uint8_t *blocks;       /* raw report blocks (24 bytes each) */
  /* SDES: first CNAME item of the first chunk, with its chunk's SSRC */
  uint32_t cname_ssrc;
  const uint8_t *cname;        /* not NUL-terminated */
  uint8_t cname_len;
  /* BYE: SSRC list */
  uint8_t bye_count;
  const uint8_t *bye_ssrcs;    /* raw, 4 bytes each */
  /* RTPFB/PSFB: media source; FMT in `count` (RTPFB 1 = NACK; PSFB 1 = PLI, 4 = FIR) */
  uint32_t media_ssrc;
  uint32_t nack_count;         /* RTPFB FMT 1: number of FCI entries */
  uint32_t fir_count;          /* PSFB FMT 4: number of FCI entries (each names an SSRC, see fir_ssrcs) */
  const uint8_t *fir_ssrcs;    /* raw FCI entries, 8 bytes each, SSRC first */
  /* XR: the first VoIP metrics block, if any */
  int has_voip;
  rup_rtcp_xr_voip voip;
  const uint8_t *body;         /* after the 4-byte common header */
  size_t body_len;             /* padding (P bit) excluded */
  /* BYE: optional reason (RFC 3550 §6.6), not NUL-terminated; NULL if absent */
  const uint8_t *bye_reason;
  uint8_t bye_reason_len;
  /* RTPFB/PSFB: raw FCI (after sender and media SSRC), RFC 4585 §6.1 */
  const uint8_t *fci;
  size_t fci_len;
} rup_rtcp_packet;

/* Iterate a compound RTCP datagram: *pos starts at 0; returns 1 with *pkt filled,
 * 0 at the end, RUP_ERR_MALFORMED when a length field overruns, the version is not 2,
 * or a sub-packet's contents are inconsistent with its length (then iteration stops).
 * Trailing padding (P bit on the last packet) is handled per RFC 3550 §6.4.1. */
int rup__rtcp_next(const uint8_t *buf, size_t len, size_t *pos, rup_rtcp_packet *pkt);

/* Report block i (0-based) of an SR/RR. Caller checks i < pkt->report_count. */
void rup__rtcp_report_block(const rup_rtcp_packet *pkt, unsigned i, rup_rtcp_report_block *out);

/* Middle 32 bits of a 64-bit NTP timestamp (the LSR value, RFC 3550 §6.4.1). */
static inline uint32_t rup__ntp_mid32(uint64_t ntp) { return (uint32_t)(ntp >> 16); }

#endif
