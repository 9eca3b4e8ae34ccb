/* The plain-text session note (docs/ruptures.md §Session note): what a clinician can
 * paste into the session record. Written from the public API only. */
#include <inttypes.h>

#include "report/report.h"

static void mmss(char *buf, size_t n, double s) {
  if (!(s >= 0)) s = 0;
  if (s > 359999) s = 359999; /* 99:59:59 */
  int t = (int)(s + 0.5);
  if (t >= 3600)
    snprintf(buf, n, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
  else
    snprintf(buf, n, "%02d:%02d", t / 60, t % 60);
}

static double dur_s(const rup_rupture *r, int64_t end) {
  return (double)((r->end_us ? r->end_us : end) - r->start_us) / 1e6;
}

int rup_report_write_note(const rup_session *s, const rup_trace *t, void *fpv) {
  FILE *fp = fpv;
  if (!s || !fp) return RUP_ERR_INVALID_ARGUMENT;
  if (!rup__report_ruptures_analysed(s)) return RUP_ERR_INVALID_STATE;
  int64_t base, last;
  rup__report_span(s, t, &base, &last);
  double length = (double)(last - base) / 1e6;
  rup_summary sum;
  if (rup_session_get_summary(s, &sum) != 0) return RUP_ERR_INTERNAL;
  char a[24], b[24];
  mmss(a, sizeof a, length);
  fprintf(fp, "Session technical note (librupture %s)\n\n", rup_version_string());
  fprintf(fp, "Session length: %s.\n", a);
  size_t n = rup_session_get_rupture_count(s);
  if (sum.rupture_count == 0) {
    fputs("No technical ruptures were detected.\n", fp);
  } else {
    fprintf(fp, "Technical ruptures: %" PRIu32 ", %.0f s in total (%.1f%% of the session).\n",
            sum.rupture_count, sum.rupture_time_s, length > 0 ? 100.0 * sum.rupture_time_s / length : 0.0);
    /* The longest of the history (summary.longest_s also counts ruptures dropped from it). */
    rup_rupture longest;
    int have = 0;
    double missed_in = 0, missed_out = 0;
    int known_in = 0, known_out = 0;
    for (size_t i = 0; i < n; i++) {
      rup_rupture r;
      if (rup_session_get_rupture(s, i, &r) != 0) continue;
      if (!have || dur_s(&r, last) > dur_s(&longest, last)) {
        longest = r;
        have = 1;
      }
      if (r.speech_known && r.direction == RUP_DIR_INBOUND) {
        missed_in += r.speech_missed_s;
        known_in = 1;
      } else if (r.speech_known) {
        missed_out += r.speech_missed_s;
        known_out = 1;
      }
    }
    if (have) {
      mmss(a, sizeof a, (double)(longest.start_us - base) / 1e6);
      fprintf(fp, "Longest: %s, %.0f s, at %s (%s).\n", rup__rupture_words(longest.type), dur_s(&longest, last), a,
              longest.direction == RUP_DIR_INBOUND ? "what the local user received"
                                                   : "what the other party received");
    }
    fputs("Speech probably missed: ", fp);
    if (known_in)
      fprintf(fp, "%.0f s of the other party's speech by the local user", missed_in);
    else
      fputs("unknown for the local user", fp);
    if (known_out)
      fprintf(fp, ", %.0f s of the local user's speech by the other party.\n", missed_out);
    else
      fputs(", unknown for the other party.\n", fp);
    fprintf(fp, "Acknowledged during the session: %" PRIu32 " of %" PRIu32 ".\n", sum.acknowledged,
            sum.rupture_count);
    if (sum.ruptures_dropped)
      fprintf(fp, "(%" PRIu32 " early ruptures are counted but not listed: history full.)\n", sum.ruptures_dropped);
    fputs("\nTimeline (mm:ss from the start):\n", fp);
    for (size_t i = 0; i < n; i++) {
      rup_rupture r;
      if (rup_session_get_rupture(s, i, &r) != 0) continue;
      mmss(a, sizeof a, (double)(r.start_us - base) / 1e6);
      mmss(b, sizeof b, (double)((r.end_us ? r.end_us : last) - base) / 1e6);
      fprintf(fp, "- %s-%s %s, %.0f s (%s, %s)", a, b, rup__rupture_words(r.type), dur_s(&r, last),
              r.direction == RUP_DIR_INBOUND ? "received by the local user" : "received by the other party",
              rup_severity_name(r.severity));
      if (r.speech_known && r.speech_missed_s >= 0.5)
        fprintf(fp, ", about %.0f s of speech missed", r.speech_missed_s);
      if (!r.end_us) fputs(", still ongoing at the end", fp);
      fprintf(fp, "%s.\n", r.acknowledged ? ", acknowledged" : "");
    }
  }
  fputs("\nDetected automatically from the call's network traffic; times are approximate.\n", fp);
  return ferror(fp) ? RUP_ERR_IO : 0;
}
