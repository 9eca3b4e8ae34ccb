/* rupture: command-line front end of librupture. Uses only the public API. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "rupture/rupture.h"

/* Exit codes (documented in `rupture --help` and docs/cli.md). */
enum {
  EXIT_OK = 0,
  EXIT_USAGE = 1,
  EXIT_IO = 2,        /* missing or unreadable file */
  EXIT_FORMAT = 3,    /* not pcap / pcapng (or gzip of them) */
  EXIT_TRUNCATED = 4, /* file ends mid-record: results so far are printed */
  EXIT_NO_RTP = 5,    /* readable capture without any RTP */
  EXIT_INTERNAL = 6   /* out of memory or internal error */
};

#define MAX_LOCAL 16

static void usage(FILE *fp) {
  fputs("usage: rupture replay FILE [--json] [--local ADDR]... [--note FILE]\n"
        "       rupture synth --seed N --duration SECONDS [--scenario FILE] -o OUT --truth TRUTH.json\n"
        "       rupture eval TRUTH.json RESULT.json [--json]\n"
        "       rupture --version | --help\n"
        "\n"
        "replay   read a pcap / pcapng capture (optionally .gz), discover its RTP/RTCP\n"
        "         streams and replay them through a session at capture time.\n"
        "  --json        print the JSON document (docs/json.md) instead of the table\n"
        "  --local ADDR  packets sent from ADDR (IP, or IP:port) are outbound; repeatable\n"
        "  --note FILE   write a plain-text session note (ruptures for clinical documentation)\n"
        "synth    write a two-party call with real Opus/VP8/VP9 payloads and known\n"
        "         impairments, and its ground truth (docs/synth.md; rupture synth --help)\n"
        "eval     score a `replay --json` result against a ground truth (docs/accuracy.md)\n"
        "\n"
        "exit codes: 0 ok, 1 usage, 2 cannot read the file, 3 unknown format,\n"
        "            4 truncated capture (results up to the damage are printed),\n"
        "            5 no RTP in the capture, 6 internal error\n",
        fp);
}

typedef struct progress {
  int enabled;
  int last_pct;
} progress;

static int on_progress(uint64_t done, uint64_t total, void *ud) {
  progress *p = ud;
  if (!p->enabled || total == 0) return 0;
  int pct = (int)(done * 100 / total);
  if (pct > 100) pct = 100;
  if (pct == p->last_pct) return 0;
  p->last_pct = pct;
  int bar = pct / 4;
  fprintf(stderr, "\r[%.*s%*s] %3d%%", bar, "#########################", 25 - bar, "", pct);
  fflush(stderr);
  return 0;
}

static void print_table(const rup_session *s, const rup_trace_info *ti) {
  size_t n = rup_session_get_stream_count(s);
  printf("%-10s %-8s %-7s %-22s %-22s %8s %7s %7s %9s %10s %10s %9s\n", "SSRC", "dir", "codec",
         "src", "dst", "packets", "lost", "loss%", "dup/reord", "jitter_ms", "max_jit", "max_gap");
  for (size_t i = 0; i < n; i++) {
    rup_stream_stats st;
    if (rup_session_get_stream_stats(s, i, &st) != 0) continue;
    char src[64], dst[64], jit[16], jmax[16], dr[24];
    rup_endpoint_format(&st.src, src, sizeof src);
    rup_endpoint_format(&st.dst, dst, sizeof dst);
    if (st.clock_rate) {
      snprintf(jit, sizeof jit, "%.3f", st.jitter_ms);
      snprintf(jmax, sizeof jmax, "%.3f", st.jitter_ms_max);
    } else {
      snprintf(jit, sizeof jit, "-");
      snprintf(jmax, sizeof jmax, "-");
    }
    snprintf(dr, sizeof dr, "%llu/%llu", (unsigned long long)st.duplicates,
             (unsigned long long)st.reordered);
    double pct = st.expected ? 100.0 * (double)st.lost / (double)st.expected : 0.0;
    printf("0x%08X %-8s %-7s %-22s %-22s %8llu %7lld %6.2f%% %9s %10s %10s %9.1f\n", st.ssrc,
           st.direction == RUP_DIR_OUTBOUND ? "out" : "in", rup_codec_name(st.codec), src, dst,
           (unsigned long long)st.packets, (long long)st.lost, pct, dr, jit, jmax, st.max_gap_ms);
  }
  printf("%llu records, %llu UDP, %zu streams\n", (unsigned long long)ti->records,
         (unsigned long long)ti->udp, n);
}

static void mmss(char *buf, size_t n, double s) {
  if (!(s >= 0)) s = 0;
  if (s > 359999) s = 359999; /* 99:59:59 */
  int t = (int)(s + 0.5);
  snprintf(buf, n, "%02d:%02d", t / 60 % 10000, t % 60);
}

static const char *dir_word(int d) { return d == RUP_DIR_OUTBOUND ? "out" : "in"; }

/* Seconds of a session time relative to the capture start. */
static double rel(int64_t us, int64_t base) { return (double)(us - base) / 1e6; }

/* The readable timeline printed after the stream table. */
static void print_timeline(const rup_session *s, int64_t base) {
  size_t n = rup_session_get_rupture_count(s);
  if (n == 0) {
    printf("no ruptures\n");
    return;
  }
  printf("\n%-13s %-16s %-3s %-15s %-9s %8s %8s  %s\n", "time", "rupture", "dir", "cause", "severity",
         "duration", "speech", "hint");
  for (size_t i = 0; i < n; i++) {
    rup_rupture r;
    if (rup_session_get_rupture(s, i, &r) != 0) continue;
    char a[16], b[16], sp[16];
    mmss(a, sizeof a, rel(r.start_us, base));
    mmss(b, sizeof b, rel(r.end_us ? r.end_us : r.start_us, base));
    if (r.speech_known)
      snprintf(sp, sizeof sp, "%.1f s", r.speech_missed_s);
    else
      snprintf(sp, sizeof sp, "-");
    printf("%s-%s   %-16s %-3s %-15s %-9s %6.1f s %8s  %s\n", a, b, rup_rupture_type_name(r.type),
           dir_word(r.direction), rup_cause_name(r.cause), rup_severity_name(r.severity),
           r.end_us ? (double)(r.end_us - r.start_us) / 1e6 : 0.0, sp, rup_repair_name(r.repair));
  }
}

static const char *type_words(int t) {
  switch (t) {
    case RUP_RUPTURE_AUDIO_DROPOUT: return "audio dropout";
    case RUP_RUPTURE_CHOPPY_AUDIO: return "choppy audio";
    case RUP_RUPTURE_VIDEO_FREEZE: return "frozen video";
    case RUP_RUPTURE_AV_OUTAGE: return "sound and picture lost";
    case RUP_RUPTURE_CONNECTION_LOST: return "connection lost";
    case RUP_RUPTURE_LAG: return "delay (lag)";
    default: return "interruption";
  }
}

/* A short plain-text note for clinical documentation (docs/ruptures.md §Session note). */
static int write_note(const rup_session *s, int64_t base, double dur_s, const char *path) {
  FILE *fp = fopen(path, "w");
  if (!fp) return -1;
  rup_summary sum;
  rup_session_get_summary(s, &sum);
  char a[16], b[16];
  mmss(a, sizeof a, dur_s);
  fprintf(fp, "Session technical note (librupture %s)\n\n", rup_version_string());
  fprintf(fp, "Session length: %s (mm:ss).\n", a);
  if (sum.rupture_count == 0) {
    fprintf(fp, "No technical ruptures were detected.\n");
  } else {
    fprintf(fp, "Technical ruptures: %u, %.0f s in total (%.1f%% of the session).\n", sum.rupture_count,
            sum.rupture_time_s, dur_s > 0 ? 100.0 * sum.rupture_time_s / dur_s : 0.0);
    size_t n = rup_session_get_rupture_count(s);
    rup_rupture longest;
    int have = 0;
    double missed_in = 0, missed_out = 0;
    for (size_t i = 0; i < n; i++) {
      rup_rupture r;
      if (rup_session_get_rupture(s, i, &r) != 0) continue;
      double d = r.end_us ? (double)(r.end_us - r.start_us) : 0;
      if (!have || d > (double)(longest.end_us - longest.start_us)) {
        longest = r;
        have = 1;
      }
      if (r.speech_known) {
        if (r.direction == RUP_DIR_INBOUND)
          missed_in += r.speech_missed_s;
        else
          missed_out += r.speech_missed_s;
      }
    }
    if (have) {
      mmss(a, sizeof a, rel(longest.start_us, base));
      fprintf(fp, "Longest: %s of %.0f s at %s (%s).\n", type_words(longest.type),
              (double)(longest.end_us - longest.start_us) / 1e6, a,
              longest.direction == RUP_DIR_INBOUND ? "from the other party to the local user"
                                                  : "from the local user to the other party");
    }
    fprintf(fp, "Speech probably missed: %.0f s of the other party's speech by the local user, "
                "%.0f s of the local user's speech by the other party.\n", missed_in, missed_out);
    fprintf(fp, "Acknowledged in the session: %u of %u.\n\n", sum.acknowledged, sum.rupture_count);
    fprintf(fp, "Timeline:\n");
    for (size_t i = 0; i < n; i++) {
      rup_rupture r;
      if (rup_session_get_rupture(s, i, &r) != 0) continue;
      mmss(a, sizeof a, rel(r.start_us, base));
      mmss(b, sizeof b, rel(r.end_us ? r.end_us : r.start_us, base));
      fprintf(fp, "- %s-%s %s (%s, %s)", a, b, type_words(r.type),
              r.direction == RUP_DIR_INBOUND ? "heard/seen by the local user" : "experienced by the other party",
              rup_severity_name(r.severity));
      if (r.speech_known && r.speech_missed_s >= 0.5) fprintf(fp, ", about %.0f s of speech missed", r.speech_missed_s);
      fprintf(fp, "%s.\n", r.acknowledged ? ", acknowledged" : "");
    }
  }
  fprintf(fp, "\nDetected automatically from the call's network traffic; times are approximate.\n");
  int bad = ferror(fp);
  if (fclose(fp) != 0) bad = 1;
  return bad ? -1 : 0;
}

static int cmd_replay(int argc, char **argv) {
  const char *note = NULL;
  const char *path = NULL;
  int json = 0;
  rup_endpoint local[MAX_LOCAL];
  size_t nlocal = 0;
  for (int i = 0; i < argc; i++) {
    if (strcmp(argv[i], "--json") == 0) {
      json = 1;
    } else if (strcmp(argv[i], "--note") == 0 && i + 1 < argc) {
      note = argv[++i];
    } else if (strcmp(argv[i], "--local") == 0 && i + 1 < argc) {
      if (nlocal == MAX_LOCAL || rup_endpoint_parse(&local[nlocal], argv[++i]) != 0) {
        fprintf(stderr, "rupture: bad --local address '%s'\n", argv[i]);
        return EXIT_USAGE;
      }
      nlocal++;
    } else if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      usage(stdout);
      return EXIT_OK;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      fprintf(stderr, "rupture: unknown option '%s'\n", argv[i]);
      return EXIT_USAGE;
    } else if (!path) {
      path = argv[i];
    } else {
      fprintf(stderr, "rupture: one capture file at a time\n");
      return EXIT_USAGE;
    }
  }
  if (!path) {
    usage(stderr);
    return EXIT_USAGE;
  }

  rup_trace *t;
  int rv = rup_trace_open(&t, path, NULL);
  if (rv < 0) {
    fprintf(stderr, "rupture: %s: %s%s%s\n", path, rup_strerror(rv), rv == RUP_ERR_IO ? ": " : "",
            rv == RUP_ERR_IO ? strerror(errno) : "");
    return rv == RUP_ERR_IO ? EXIT_IO : rv == RUP_ERR_FORMAT ? EXIT_FORMAT
           : rv == RUP_ERR_TRUNCATED ? EXIT_TRUNCATED : EXIT_INTERNAL;
  }
  rup_session *s;
  rv = rup_session_new(&s, NULL, NULL, NULL, NULL);
  if (rv < 0) {
    fprintf(stderr, "rupture: %s\n", rup_strerror(rv));
    rup_trace_del(t);
    return EXIT_INTERNAL;
  }
  rup_trace_info ti;
  rup_trace_get_info(t, &ti);
  progress pr = {isatty(STDERR_FILENO) && ti.file_size > (64u << 20), -1};
  rup_replay_options opt;
  memset(&opt, 0, sizeof opt);
  opt.version = RUP_REPLAY_OPTIONS_VERSION;
  opt.local = local;
  opt.local_count = nlocal;
  opt.on_progress = on_progress;
  opt.user_data = &pr;
  rv = rup_replay(s, t, &opt);
  if (pr.enabled) fputs("\r\033[K", stderr);
  rup_trace_get_info(t, &ti);

  int code = EXIT_OK;
  if (rv == RUP_ERR_TRUNCATED || rv == RUP_ERR_MALFORMED) {
    fprintf(stderr, "rupture: %s: %s after %llu records (byte %llu); results up to there follow\n",
            path, rup_strerror(rv), (unsigned long long)ti.records,
            (unsigned long long)ti.bytes_read);
    code = EXIT_TRUNCATED;
  } else if (rv < 0) {
    fprintf(stderr, "rupture: %s: %s\n", path, rup_strerror(rv));
    code = rv == RUP_ERR_IO ? EXIT_IO : EXIT_INTERNAL;
  }
  rup_session_counters c;
  rup_session_get_counters(s, &c);
  if (code == EXIT_OK && c.rtp == 0) {
    fprintf(stderr, "rupture: %s: no RTP packets in %llu records\n", path,
            (unsigned long long)ti.records);
    code = EXIT_NO_RTP;
  }
  if (code == EXIT_OK || code == EXIT_TRUNCATED || code == EXIT_NO_RTP) {
    if (json) {
      if (rup_report_write_json(s, t, path, stdout) < 0) code = EXIT_IO;
    } else {
      print_table(s, &ti);
      print_timeline(s, ti.first_ts_us);
    }
    if (note && write_note(s, ti.first_ts_us, (double)(ti.last_ts_us - ti.first_ts_us) / 1e6, note) < 0) {
      fprintf(stderr, "rupture: cannot write %s: %s\n", note, strerror(errno));
      if (code == EXIT_OK) code = EXIT_IO;
    }
  }
  rup_session_del(s);
  rup_trace_del(t);
  return code;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return EXIT_USAGE;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("rupture %s\n", rup_version_string());
    return EXIT_OK;
  }
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    usage(stdout);
    return EXIT_OK;
  }
  if (strcmp(argv[1], "replay") == 0) return cmd_replay(argc - 2, argv + 2);
  if (strcmp(argv[1], "synth") == 0) return rup_cmd_synth(argc - 2, argv + 2);
  if (strcmp(argv[1], "eval") == 0) return rup_cmd_eval(argc - 2, argv + 2);
  fprintf(stderr, "rupture: unknown command '%s'\n", argv[1]);
  usage(stderr);
  return EXIT_USAGE;
}
