/* replay.c: the trace API. Replay a capture (pcap / pcapng, optionally .gz) through a
 * session at capture time, print each rupture as the session reports it, then the
 * per-stream statistics and the summary. A replay uses the same session calls a live
 * host makes, so what it prints is what a live app would have seen.
 *
 *   cc replay.c $(pkg-config --cflags --libs rupture) -o replay
 *   ./replay examples/data/demo.pcap.gz 10.0.0.1      # second argument: the local address
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rupture/rupture.h>

typedef struct app {
  const rup_trace *t;
  int64_t base_us; /* first record of the capture: times are printed from it */
} app;

static int on_rupture_end(rup_session *s, const rup_event *ev, void *user_data) {
  (void)s;
  app *a = user_data;
  if (a->base_us == INT64_MIN) { /* known once the reader has read the first record */
    rup_trace_info info;
    rup_trace_get_info(a->t, &info);
    a->base_us = info.first_ts_us;
  }
  const rup_rupture *r = &ev->u.rupture;
  printf("%7.2f-%7.2f s  %-16s %-8s %-15s %-8s hint %s\n", (r->start_us - a->base_us) / 1e6,
         (r->end_us - a->base_us) / 1e6, rup_rupture_type_name(r->type),
         r->direction == RUP_DIR_INBOUND ? "inbound" : "outbound", rup_cause_name(r->cause),
         rup_severity_name(r->severity), rup_repair_name(r->repair));
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s CAPTURE [LOCAL-ADDRESS]\n", argv[0]);
    return 2;
  }
  rup_trace *t;
  int rc = rup_trace_open(&t, argv[1], NULL);
  if (rc < 0) {
    fprintf(stderr, "%s: %s\n", argv[1], rup_strerror(rc));
    return 1;
  }
  app a = {t, INT64_MIN};

  rup_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = RUP_CALLBACKS_VERSION;
  cb.on_rupture_end = on_rupture_end;
  rup_session *s;
  rc = rup_session_new(&s, NULL, &cb, NULL, &a);
  if (rc < 0) {
    fprintf(stderr, "rup_session_new: %s\n", rup_strerror(rc));
    rup_trace_del(t);
    return 1;
  }

  rup_endpoint local;
  rup_replay_options opt;
  memset(&opt, 0, sizeof opt);
  opt.version = RUP_REPLAY_OPTIONS_VERSION;
  if (argc > 2) { /* packets from this address are outbound (sent by the local user) */
    if (rup_endpoint_parse(&local, argv[2]) != 0) {
      fprintf(stderr, "bad address %s\n", argv[2]);
      return 2;
    }
    opt.local = &local;
    opt.local_count = 1;
  }
  rc = rup_replay(s, t, &opt);
  if (rc < 0) fprintf(stderr, "%s: %s (results up to there follow)\n", argv[1], rup_strerror(rc));

  printf("\n%-10s %-8s %-6s %8s %6s %10s\n", "ssrc", "dir", "codec", "packets", "lost", "jitter_ms");
  for (size_t i = 0; i < rup_session_get_stream_count(s); i++) {
    rup_stream_stats st;
    if (rup_session_get_stream_stats(s, i, &st) != 0) continue;
    printf("0x%08" PRIX32 " %-8s %-6s %8" PRIu64 " %6" PRId64 " %10.3f\n", st.ssrc,
           st.direction == RUP_DIR_INBOUND ? "inbound" : "outbound", rup_codec_name(st.codec), st.packets, st.lost,
           st.jitter_ms);
  }
  rup_summary sum;
  rup_session_get_summary(s, &sum);
  printf("%" PRIu32 " rupture(s), %.1f s in total, longest %.1f s\n", sum.rupture_count, sum.rupture_time_s,
         sum.longest_s);
  rup_session_del(s);
  rup_trace_del(t);
  return rc < 0 ? 1 : 0;
}
