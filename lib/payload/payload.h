/* lib/payload: stateless inspection of RTP payloads (DESIGN.md §2).
 * Opus TOC (RFC 6716 §3.1-3.2), VP8 (RFC 7741), VP9 (RFC 9628), H.264 (RFC 6184).
 * Every function checks every length and never reads past `len`.
 * Return: 0 on success, RUP_ERR_MALFORMED if the payload cannot be of that format. */
#ifndef RUP_PAYLOAD_H
#define RUP_PAYLOAD_H

#include "core/core.h"

/* ---- Opus ---- */
typedef enum rup_opus_mode { RUP_OPUS_SILK = 0, RUP_OPUS_HYBRID = 1, RUP_OPUS_CELT = 2 } rup_opus_mode;
typedef enum rup_opus_bw {
  RUP_OPUS_NB = 0, RUP_OPUS_MB = 1, RUP_OPUS_WB = 2, RUP_OPUS_SWB = 3, RUP_OPUS_FB = 4
} rup_opus_bw;

typedef struct rup_opus_info {
  uint8_t config;          /* TOC config 0..31 */
  uint8_t stereo;
  uint8_t mode;            /* rup_opus_mode */
  uint8_t bandwidth;       /* rup_opus_bw */
  uint8_t frame_count;     /* 1..48 */
  uint32_t frame_us;       /* duration of one frame, µs (2500..60000) */
  uint32_t duration_us;    /* frame_count * frame_us, <= 120000 */
  uint32_t samples_48k;    /* duration in 48 kHz samples */
  uint8_t dtx;             /* payload <= 2 bytes: DTX / comfort-noise refresh (REFERENCE §7.1) */
  /* added by lib/payload: */
  uint8_t code;            /* TOC frame-count code c (0..3) */
  uint8_t vbr;             /* code 2, or code 3 with the v bit */
  uint16_t padding;        /* code 3 padding bytes (not counting the length bytes) */
  uint16_t frame_bytes;    /* sum of the frame lengths (0 = every frame empty: DTX/PLC) */
} rup_opus_info;

/* MALFORMED per RFC 6716 §3.4 [R1]-[R7] (empty, odd code-1 remainder, lengths
 * that do not fit, M = 0 or > 120 ms, CBR remainder not a multiple of M, a
 * frame > 1275 bytes, padding past the end). dtx = len <= 2 (REFERENCE §7.1)
 * or every frame empty. RUP_ERR_INVALID_ARGUMENT for NULL p or out. */
int rup__opus_parse(const uint8_t *p, size_t len, rup_opus_info *out);

/* ---- video: common per-packet result ---- */
typedef struct rup_video_info {
  uint8_t frame_start;     /* first packet of a frame (picture) */
  uint8_t frame_end;       /* last packet of a frame from the payload itself (VP9 E bit of the top layer, H.264 FU-A E...); the RTP marker is handled by the caller */
  uint8_t keyframe;        /* 1 key / IDR, 0 not, only meaningful when frame_start (VP8/VP9) or any packet carrying the IDR NAL (H.264) */
  uint8_t keyframe_known;  /* 0 when this packet cannot tell (e.g. a middle fragment) */
  uint8_t non_reference;   /* VP8 N bit / VP9 not referenced / H.264 NRI == 0 */
  uint8_t has_picture_id;
  uint16_t picture_id;     /* VP8/VP9 PictureID (7 or 15 bits) */
  uint8_t has_layers;
  uint8_t temporal_id, spatial_id;
  uint8_t layer_sync;      /* VP8 Y / VP9 U */
  uint8_t inter_layer;     /* VP9 D bit */
  uint8_t flexible;        /* VP9 F bit */
  uint8_t num_refs;        /* VP9 flexible mode P_DIFF count */
  uint8_t p_diff[3];
  uint8_t has_tl0picidx;
  uint8_t tl0picidx;
  uint16_t width, height;  /* from a VP8 keyframe header, VP9 SS, or 0 */
  size_t header_len;       /* bytes of payload descriptor before the codec bitstream
                            (H.264: 0 single NAL, 1 STAP-A header, 2 FU-A indicator+header) */
  /* added by lib/payload: */
  uint8_t has_sps, has_pps; /* H.264: an SPS (7) / PPS (8) NAL unit is carried (whole or fragment) */
  uint8_t nal_type;        /* H.264: packet NAL type (24 STAP-A, 28 FU-A, else the single NAL's type) */
  uint8_t first_nal_type;  /* H.264: type of the first carried NAL (FU-A: the fragmented NAL's type) */
  uint8_t partition_id;    /* VP8 PID */
  uint8_t vp9_z;           /* VP9 Z: not used for inter-layer prediction */
  uint8_t has_ss;          /* VP9 V: scalability structure present */
  uint8_t ss_spatial_layers; /* VP9 SS: N_S + 1 */
  uint8_t ss_pictures;     /* VP9 SS: N_G (0 when G = 0) */
} rup_video_info;

/* Per-codec meaning of rup_video_info (all parsers zero *out first, also on error):
 * - VP8: frame_start = S && PID == 0; keyframe(_known) only on that packet (P bit
 *   of the frame tag; a key frame must carry the RFC 6386 start code, else
 *   MALFORMED); frame_end always 0 (the marker ends a frame); non_reference = N.
 * - VP9: frame_start = B && (!L || !D) (libwebrtc); frame_end = E (end of the
 *   layer frame); keyframe = !P && (no layer indices || SID == 0), known in every
 *   packet; non_reference stays 0 (the descriptor has no such bit; see vp9_z);
 *   width/height from SS (Y) for this packet's spatial layer.
 * - H.264: frame_start = the first carried NAL starts an access unit (H.264
 *   §7.4.1.2.3: AUD/SPS/PPS/SEI/14-18, or a slice with first_mb_in_slice == 0).
 *   An AU sent as [STAP-A SPS+PPS][FU-A IDR start] thus has two packets with
 *   frame_start = 1: the caller takes the first packet of a new RTP timestamp.
 *   frame_end = the packet ends a NAL unit (single NAL, STAP-A, FU-A E bit);
 *   the RTP marker ends the AU. keyframe = an IDR NAL (type 5) in the packet;
 *   keyframe_known = a coded slice (types 1-5) is carried. STAP-B, MTAP16/24,
 *   FU-B (interleaved mode) and the reserved types 0/30/31: RUP_ERR_UNSUPPORTED. */
int rup__vp8_parse(const uint8_t *p, size_t len, rup_video_info *out);
int rup__vp9_parse(const uint8_t *p, size_t len, rup_video_info *out);
int rup__h264_parse(const uint8_t *p, size_t len, rup_video_info *out);

/* Dispatch by codec (RUP_CODEC_VP8/VP9/H264). RUP_ERR_UNSUPPORTED for others. */
int rup__video_parse(int codec, const uint8_t *p, size_t len, rup_video_info *out);

/* Heuristic used by stream discovery when the payload type is dynamic and no SDP
 * is known: score how plausible a payload is for a codec (0 = impossible,
 * higher = more plausible). Never decisive alone; discovery combines several
 * packets and the RTP timestamp pattern. */
int rup__payload_plausible(int codec, const uint8_t *p, size_t len);

#endif
