/* Internal to lib/report: what the writers share. The writers use only the public
 * API of the session and the trace (DESIGN.md §5: one schema, from the public calls). */
#ifndef RUP_REPORT_REPORT_H
#define RUP_REPORT_REPORT_H

#include <stdio.h>

#include "core/core.h"

/* One stream at one sample time: cumulative values as rup_session_get_stream_stats()
 * gives them; the CSV and SVG writers turn consecutive samples into interval values. */
typedef struct rup__sample {
  int64_t t_us;
  uint32_t stream;       /* stream index */
  int32_t playback;      /* has_playback */
  int32_t speech_known;
  int32_t has_mos, has_rtt;
  int32_t quality_level; /* of the stream's participant and direction, -1 unknown */
  uint64_t packets, received, expected, bytes;
  int64_t lost;
  uint64_t frames_decoded, frames_dropped;
  uint64_t concealed_samples, total_samples;
  double jitter_ms, freezes_s, interruption_s, speech_s, dtx_s;
  double mos, rtt_ms, quality_mos;
} rup__sample;

/* A quality level change (RUP_EVENT_QUALITY_CHANGE). */
typedef struct rup__qchange {
  int64_t t_us;
  uint32_t participant;
  int32_t direction;
  int32_t level;
  double mos;
} rup__qchange;

struct rup_report_series {
  rup_mem mem;
  size_t cap;             /* most samples kept */
  rup__sample *v;
  size_t n, alloc;
  uint64_t dropped;       /* samples not kept (cap or out of memory) */
  int64_t last_t_us;      /* INT64_MIN before the first sample */
  rup__qchange *q;        /* quality changes, in time order */
  size_t nq, qalloc;
  uint64_t q_dropped;
};

/* 1 if the session analysed ruptures (not rup_settings::statistics_only): the note, the
 * SVG timeline and the ruptures CSV are about ruptures and refuse a session without. */
int rup__report_ruptures_analysed(const rup_session *s);

/* Time base of a report: the first record of the trace, else the first packet of any
 * stream; *last_us the last record (or packet). Both 0 when nothing was seen. */
void rup__report_span(const rup_session *s, const rup_trace *t, int64_t *base_us, int64_t *last_us);

/* Quality level (and MOS) of a participant and direction at time t from the series'
 * changes; returns the level or -1 if none is known yet. */
int rup__series_quality_at(const rup_report_series *r, uint32_t participant, int32_t direction, int64_t t_us,
                           double *mos);

/* Media name "audio" / "video" / "unknown". */
const char *rup__media_name(int media);

/* Plain words for a rupture type ("frozen video", ...). */
const char *rup__rupture_words(int type);

#endif
