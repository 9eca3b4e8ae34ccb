/* lib/media: what the receiver plays (DESIGN.md §2). Turns the packets of one
 * stream into a playback timeline: video frames shown / frozen / paused per
 * libwebrtc's VideoQualityObserver (REFERENCE §4.1), audio played / concealed /
 * interrupted per a jitter-buffer playout model and libwebrtc's
 * StatisticsCalculator (REFERENCE §4.2). Emits stream-level impairments with
 * exact start/end times. No allocation: structs are embedded in the stream. */
#ifndef RUP_MEDIA_H
#define RUP_MEDIA_H

#include "core/core.h"
#include "payload/payload.h"
#include "stream/stream.h"
#include "wire/wire.h"

/* ---- impairments ---- */
typedef enum rup_imp_kind {
  RUP_IMP_INTERRUPTION = RUP_IMPAIRMENT_INTERRUPTION, /* audio concealment run >= 150 ms after real audio played */
  RUP_IMP_FREEZE = RUP_IMPAIRMENT_FREEZE,       /* video inter-render interval >= max(3 avg, avg + 150 ms) */
  RUP_IMP_STALL = RUP_IMPAIRMENT_STALL         /* no packets on the stream for longer than the stall threshold */
} rup_imp_kind;

/* Evidence flags (what explains the impairment). */
enum {
  RUP_EVID_SEQ_GAP = RUP_EVIDENCE_SEQ_GAP,        /* packets missing (sequence gap) */
  RUP_EVID_LATE = RUP_EVIDENCE_LATE,           /* packets arrived after their playout time */
  RUP_EVID_NO_PACKETS = RUP_EVIDENCE_NO_PACKETS,     /* nothing arrived at all */
  RUP_EVID_UNDECODABLE = RUP_EVIDENCE_UNDECODABLE,    /* frames complete but their references were lost */
  RUP_EVID_SENDER_PAUSED = RUP_EVIDENCE_SENDER_PAUSED, /* retracted: the sender went quiet (nothing lost, or its SR count stood still) */
  RUP_EVID_FROZEN_CONTENT = RUP_EVIDENCE_FROZEN_CONTENT /* decoded pictures identical (lib/decode) */
};

typedef struct rup_imp {
  uint32_t kind;          /* rup_imp_kind */
  uint32_t evidence;      /* RUP_EVID_* */
  int64_t start_us;       /* when playback broke (last good frame / first concealed sample / last packet) */
  int64_t detected_us;    /* when the model knew (threshold passed) */
  int64_t end_us;         /* when playback recovered; 0 while ongoing */
  uint32_t lost_packets;  /* packets missing inside it (seq gaps) */
  uint32_t late_packets;  /* packets that came too late */
} rup_imp;

/* Impairment sink: phase 0 = begin (end_us == 0), 1 = end (all fields final).
 * An impairment known only when it ends (e.g. a freeze decided at the next
 * frame) gets begin and end in the same call sequence. */
typedef struct rup_imp_sink {
  void (*fn)(void *ctx, const rup_imp *imp, int phase);
  void *ctx;
} rup_imp_sink;

/* Deliver an impairment phase to the sink (if any). */
static inline void rup__imp_emit(const rup_imp_sink *sink, const rup_imp *imp, int phase) {
  if (sink && sink->fn) sink->fn(sink->ctx, imp, phase);
}

/* Start a fresh impairment: everything zero but these. */
static inline void rup__imp_begin(rup_imp *im, uint32_t kind, uint32_t evidence, int64_t start_us,
                                  int64_t detected_us) {
  *im = (rup_imp){0};
  im->kind = kind;
  im->evidence = evidence;
  im->start_us = start_us;
  im->detected_us = detected_us;
}

/* Per-packet input shared by audio and video. */
typedef struct rup_media_pkt {
  const rup_rtp *rtp;     /* parsed header + payload */
  unsigned rx_flags;      /* RUP_RX_* result of the stream layer for this packet */
  uint64_t ext_seq;       /* extended sequence number (cycles + seq) as the stream layer sees it */
  int64_t arrival_us;
} rup_media_pkt;

#endif
