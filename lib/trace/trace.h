/* lib/trace: reading captures (pcap, pcapng, gzip), link/IP/UDP decoding, SIP/SDP
 * parsing, stream discovery and the replay driver. Internal declarations; the
 * public API is the "trace" group of rupture.h.
 *
 * Decisions documented here (the header's contract leaves them open):
 * - An input shorter than 4 bytes, or whose first 4 bytes are no known magic, is
 *   RUP_ERR_FORMAT; a known magic followed by an incomplete file header is
 *   RUP_ERR_TRUNCATED. An empty file is therefore RUP_ERR_FORMAT.
 * - pcap records: caplen > 256 KiB (RUP__PCAP_MAX_CAPLEN), caplen > snaplen
 *   (snaplen 0 or > 256 KiB reads as 256 KiB, as libpcap does) and caplen > len are
 *   RUP_ERR_MALFORMED and stop the reader (its framing cannot be trusted after that).
 * - pcapng blocks: length < 12, not a multiple of 4, > 16 MiB or with a trailing
 *   length that differs are RUP_ERR_MALFORMED; so are packet blocks before any IDB,
 *   interface ids out of range, more than 256 interfaces in a section, and IDB
 *   options if_tsresol/if_tsoffset of the wrong size (libpcap process_idb_options).
 * - SPB records carry no timestamp: they get the time of the previous record
 *   (0 if none).
 * - A gzip stream that ends before its end-of-stream marker is RUP_ERR_TRUNCATED,
 *   even at a record boundary; corrupt compressed data is RUP_ERR_MALFORMED.
 *   Concatenated gzip members are read in turn; bytes after the last member that
 *   are not another gzip member are ignored (as zlib's gzread does).
 * - rup_trace_info.last_ts_us is INT64_MIN until a record is read.
 * - Memory: the record buffer grows with what was actually read (doubling), so a
 *   hostile length field costs at most twice the bytes really present, never more
 *   than the caps above.
 */
#ifndef RUP_TRACE_H
#define RUP_TRACE_H

#include "core/core.h"

#define RUP__PCAP_MAX_CAPLEN (256u * 1024u)        /* libpcap MAXIMUM_SNAPLEN 262144 */
#define RUP__PCAPNG_MAX_BLOCK (16u * 1024u * 1024u) /* bounded memory */
#define RUP__PCAPNG_MAX_IF 256u

/* ---- Link layer → IP → UDP (link.c) ---- */

/* Link types read (tcpdump.org linktypes; REFERENCE §8.2). */
enum {
  RUP__LT_NULL = 0,
  RUP__LT_EN10MB = 1,
  RUP__LT_RAW_12 = 12, /* DLT_RAW on most systems, found in old files */
  RUP__LT_RAW_14 = 14, /* DLT_RAW on OpenBSD */
  RUP__LT_RAW = 101,
  RUP__LT_LOOP = 108,
  RUP__LT_LINUX_SLL = 113,
  RUP__LT_IPV4 = 228,
  RUP__LT_IPV6 = 229,
  RUP__LT_LINUX_SLL2 = 276
};

/* What a frame turned out to be. */
typedef enum rup__frame_kind {
  RUP__FRAME_UDP = 0,      /* a UDP datagram: payload/src/dst filled */
  RUP__FRAME_NON_UDP = 1,  /* IP but not UDP, or not IP at all */
  RUP__FRAME_FRAGMENT = 2, /* IPv4 fragment or IPv6 (non-atomic) fragment */
  RUP__FRAME_BAD = 3,      /* too short for its headers or inconsistent lengths */
  RUP__FRAME_LINK = 4      /* link type this reader does not decode */
} rup__frame_kind;

typedef struct rup__udp {
  const uint8_t *payload; /* inside the frame */
  size_t payload_len;
  rup_endpoint src, dst;
} rup__udp;

/* 1 if the link type is one decode_frame understands. */
int rup__link_supported(uint32_t linktype);
/* Decode one captured frame. Returns a rup__frame_kind; *out is filled for UDP. */
int rup__decode_frame(uint32_t linktype, const uint8_t *frame, size_t caplen, rup__udp *out);

/* ---- Reader (reader.c) ---- */

/* The allocator a reader was opened with (used by the replay driver). */
const rup_mem *rup__trace_mem(const rup_trace *t);
/* Bytes consumed so far (rup_trace_info::bytes_read, without copying the info). */
uint64_t rup__trace_bytes_read(const rup_trace *t);

/* ---- SIP / SDP (sdp.c) ---- */

#define RUP__SDP_MAX_MEDIA 8
#define RUP__SDP_MAX_PT 16
#define RUP__SDP_MAX_EXTMAP 16
#define RUP__SDP_MAX_SSRC 8
#define RUP__SDP_URI_MAX 128

typedef struct rup__sdp_pt {
  uint8_t pt;       /* 0..127 */
  int codec;        /* rup_codec (from rtpmap name, or the RFC 3551 static table) */
  uint32_t clock;   /* Hz from rtpmap, or the static default; 0 if unknown */
  uint8_t channels; /* rtpmap encoding parameter (0 if absent) */
} rup__sdp_pt;

/* a=extmap (RFC 8285 §8): id 1..255 and the URI (truncated to RUP__SDP_URI_MAX-1). */
typedef struct rup__sdp_extmap {
  uint8_t id;
  char uri[RUP__SDP_URI_MAX];
} rup__sdp_extmap;

typedef struct rup__sdp_media {
  int media;             /* rup_media from the m= line (audio/video) */
  rup_endpoint conn;     /* c= address (media-level, else session-level) and m= port */
  rup__sdp_pt pts[RUP__SDP_MAX_PT];
  size_t n_pt;
  rup__sdp_extmap ext[RUP__SDP_MAX_EXTMAP]; /* media-level extmaps, then session-level ones */
  size_t n_ext;
  uint32_t ssrcs[RUP__SDP_MAX_SSRC]; /* a=ssrc ids (RFC 5576), distinct */
  size_t n_ssrc;
} rup__sdp_media;

typedef struct rup__sdp {
  rup__sdp_media m[RUP__SDP_MAX_MEDIA]; /* audio/video sections with a port != 0 and an address */
  size_t n_media;
} rup__sdp;

/* 1 if a UDP datagram looks like SIP: either port is 5060 (RFC 3261 §18.1.1 default)
 * or the payload starts with "SIP/2.0 " or a method name and a space. */
int rup__sip_is_sip(const uint8_t *buf, size_t len, uint16_t sport, uint16_t dport);
/* Find the SDP body of a SIP message (after the first empty line, bounded by
 * Content-Length / "l:" when present; Content-Type / "c:" must be application/sdp when
 * present). Returns 1 and sets *body and *body_len, or 0 if there is none. */
int rup__sip_find_sdp(const uint8_t *buf, size_t len, const uint8_t **body, size_t *body_len);
/* Parse an SDP body (RFC 8866): c=, m=, a=rtpmap, a=extmap, a=ssrc. Lines beyond
 * the caps are ignored. Returns the number of media sections kept (>= 0). */
int rup__sdp_parse(const uint8_t *buf, size_t len, rup__sdp *out);

/* ---- Stream discovery (discover.c) ---- */

#define RUP__DISC_MAX_SSRC 256   /* per-SSRC discovery state, bounded */
#define RUP__DISC_MAX_MAP 32     /* SDP media sections remembered (oldest replaced) */
#define RUP__DISC_OBSERVE 8      /* packets whose payload structure is inspected */
#define RUP__DISC_GIVE_UP 256    /* packets after which an undecided SSRC is left alone */

/* Codec guesses from payload structure (bit numbers in a mask). */
enum { RUP__G_VP8 = 0, RUP__G_VP9 = 1, RUP__G_H264 = 2, RUP__G_OPUS = 3, RUP__G_N = 4 };

typedef enum rup__disc_state {
  RUP__DISC_PENDING = 0,
  RUP__DISC_DESCRIBED = 1,
  RUP__DISC_GAVE_UP = 2
} rup__disc_state;

typedef struct rup__disc_ssrc {
  uint32_t ssrc;
  uint8_t dir;
  uint8_t state;          /* rup__disc_state */
  uint8_t pt;             /* payload type being observed (first media PT seen) */
  uint8_t prev_marker;
  uint32_t npkts;         /* packets of `pt` seen */
  uint32_t nobs;          /* packets whose payload was inspected (<= RUP__DISC_OBSERVE) */
  uint32_t shared_ts;     /* packets with the same RTP timestamp as the previous one */
  uint32_t ts_changes;    /* packets whose RTP timestamp differs from the previous one */
  uint32_t fails[RUP__G_N];
  uint32_t prev_ts;
  uint32_t prev_opus_samples; /* duration (48 kHz) of the previous packet read as Opus, 0 if not */
  int64_t ext_ts;         /* unwrapped RTP timestamp of the last packet, relative to the first */
  int64_t first_us;       /* arrival of the first packet of `pt` */
  int64_t last_us;
} rup__disc_ssrc;

typedef struct rup__disc {
  rup__sdp_media map[RUP__DISC_MAX_MAP];
  size_t n_map, next_map;
  rup__disc_ssrc ssrc[RUP__DISC_MAX_SSRC];
  size_t n_ssrc;
  size_t n_pending; /* entries still in RUP__DISC_PENDING */
} rup__disc;

/* What to tell the session about a stream. */
typedef struct rup__disc_result {
  uint32_t ssrc;
  int codec;
  int pt;
  uint32_t clock;
  int dir;
  int guessed; /* 1: from the payload heuristics, 0: from SDP or the RFC 3551 table */
} rup__disc_result;

void rup__disc_init(rup__disc *d);
/* A pending SSRC silent for this long is given up (so one stray packet does not keep
 * the replay's look-ahead on for the rest of the capture). */
#define RUP__DISC_STALE_US 2000000
void rup__disc_expire(rup__disc *d, int64_t now_us);
/* Remember the media sections of an SDP (keyed by address and port; a newer one with
 * the same key replaces the older). */
void rup__disc_add_sdp(rup__disc *d, const rup__sdp *sdp);
/* Direction of a datagram: RUP_DIR_OUTBOUND if src matches one of local[] (same
 * address; port equal or local port 0), else RUP_DIR_INBOUND. */
int rup__disc_direction(const rup_endpoint *src, const rup_endpoint *local, size_t n_local);
/* Look at one UDP datagram. Returns 1 when the stream should be described now (*res
 * filled), 0 otherwise (not RTP, already described, still observing, or table full). */
int rup__disc_packet(rup__disc *d, const uint8_t *buf, size_t len, int dir, int64_t arrival_us,
                     const rup_endpoint *src, const rup_endpoint *dst, rup__disc_result *res);
/* Bitmask (1 << RUP__G_*) of the codecs whose payload structure one packet fits.
 * `first_of_frame` is 1 when the packet's RTP timestamp differs from the previous
 * packet's, 0 when it is the same, -1 when unknown (first packet seen; the frame
 * boundary checks are then skipped); `marker` is the RTP marker bit. */
unsigned rup__disc_payload_fits(const uint8_t *p, size_t len, int first_of_frame, int marker);
/* Snap an RTP clock slope (ticks per second) to 8000/16000/48000/90000 when within
 * a factor 1.25 of one; 0 otherwise. */
uint32_t rup__disc_snap_clock(double ticks_per_s);
/* Opus packet duration in 48 kHz samples if the packet is valid per RFC 6716 §3.4
 * (R1-R7), else 0. */
uint32_t rup__opus_samples(const uint8_t *p, size_t len);

#endif
