/* Scenario parsing: "KIND@START+DURATION[,key=value...]" per impairment (docs/synth.md). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

static const char *const kind_names[RUP__SYN_KIND_COUNT] = {
    "outage",      "one_way_outage", "random_loss",    "burst_loss", "jitter",
    "delay_spike", "delay_ramp",     "video_stall",    "audio_stall", "camera_freeze",
    "video_suspended", "mute",       "camera_off",     "dtx_silence", "talk"};

const char *rup__syn_kind_name(int kind) {
  return kind >= 0 && kind < RUP__SYN_KIND_COUNT ? kind_names[kind] : "unknown";
}

static int parse_num(const char *s, size_t n, double *out) {
  char buf[64];
  if (n == 0 || n >= sizeof buf) return -1;
  memcpy(buf, s, n);
  buf[n] = '\0';
  char *end;
  errno = 0;
  double v = strtod(buf, &end);
  if (errno || *end != '\0' || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

static int eq(const char *s, size_t n, const char *lit) {
  return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

static void defaults(rup__syn_imp *m) {
  m->dir = m->kind == RUP__SYN_OUTAGE ? RUP__SYN_BOTH : RUP__SYN_IN;
  m->media = RUP__SYN_M_ALL;
  if (m->kind == RUP__SYN_VIDEO_STALL || m->kind == RUP__SYN_CAMERA_FREEZE ||
      m->kind == RUP__SYN_VIDEO_SUSPENDED || m->kind == RUP__SYN_CAMERA_OFF)
    m->media = RUP__SYN_M_VIDEO;
  if (m->kind == RUP__SYN_AUDIO_STALL || m->kind == RUP__SYN_MUTE ||
      m->kind == RUP__SYN_DTX_SILENCE || m->kind == RUP__SYN_TALK)
    m->media = RUP__SYN_M_AUDIO;
  m->p = m->kind == RUP__SYN_BURST_LOSS ? 0.02 : 0.05;
  m->r = 0.25;
  m->loss_good = 0.0;
  m->loss_bad = 1.0;
  m->ms = m->kind == RUP__SYN_JITTER ? 80.0 : m->kind == RUP__SYN_DELAY_SPIKE ? 500.0 : 600.0;
  m->ramp_s = 5.0;
  m->reorder = 1;
}

int rup__syn_scenario_add(rup__syn_scenario *sc, const char *spec, char *err, size_t errlen) {
  if (sc->n >= RUP__SYN_MAX_IMP) {
    snprintf(err, errlen, "more than %d impairments", RUP__SYN_MAX_IMP);
    return -1;
  }
  rup__syn_imp m;
  memset(&m, 0, sizeof m);
  const char *at = strchr(spec, '@');
  if (!at) {
    snprintf(err, errlen, "'%s': expected KIND@START+DURATION", spec);
    return -1;
  }
  m.kind = -1;
  for (int k = 0; k < RUP__SYN_KIND_COUNT; k++)
    if (eq(spec, (size_t)(at - spec), kind_names[k])) m.kind = k;
  if (m.kind < 0) {
    snprintf(err, errlen, "unknown impairment kind '%.*s'", (int)(at - spec), spec);
    return -1;
  }
  defaults(&m);
  const char *p = at + 1;
  const char *plus = strchr(p, '+');
  size_t tlen = strcspn(p, ", \t\r\n");
  double start, dur;
  if (!plus || (size_t)(plus - p) >= tlen || parse_num(p, (size_t)(plus - p), &start) ||
      parse_num(plus + 1, tlen - (size_t)(plus - p) - 1, &dur) || start < 0 || dur <= 0 ||
      start > 1e6 || dur > 1e6) {
    snprintf(err, errlen, "'%s': bad START+DURATION (seconds, duration > 0)", spec);
    return -1;
  }
  m.start_s = start;
  m.end_s = start + dur;
  p += tlen;
  while (*p) {
    p += strspn(p, ", \t\r\n");
    if (!*p) break;
    size_t n = strcspn(p, ", \t\r\n");
    const char *eqs = memchr(p, '=', n);
    if (!eqs) {
      snprintf(err, errlen, "'%.*s': expected key=value", (int)n, p);
      return -1;
    }
    size_t kl = (size_t)(eqs - p), vl = n - kl - 1;
    const char *v = eqs + 1;
    double x = 0;
    int bad = 0;
    if (eq(p, kl, "dir") || eq(p, kl, "who")) {
      if (eq(v, vl, "inbound") || eq(v, vl, "remote")) m.dir = RUP__SYN_IN;
      else if (eq(v, vl, "outbound") || eq(v, vl, "local")) m.dir = RUP__SYN_OUT;
      else if (eq(v, vl, "both")) m.dir = RUP__SYN_BOTH;
      else bad = 1;
    } else if (eq(p, kl, "media")) {
      if (eq(v, vl, "audio")) m.media = RUP__SYN_M_AUDIO;
      else if (eq(v, vl, "video")) m.media = RUP__SYN_M_VIDEO;
      else if (eq(v, vl, "all")) m.media = RUP__SYN_M_ALL;
      else bad = 1;
    } else if (parse_num(v, vl, &x)) {
      bad = 1;
    } else if (eq(p, kl, "p")) {
      m.p = x;
      bad = x < 0 || x > 1;
    } else if (eq(p, kl, "r")) {
      m.r = x;
      bad = x < 0 || x > 1;
    } else if (eq(p, kl, "loss_good")) {
      m.loss_good = x;
      bad = x < 0 || x > 1;
    } else if (eq(p, kl, "loss_bad")) {
      m.loss_bad = x;
      bad = x < 0 || x > 1;
    } else if (eq(p, kl, "ms")) {
      m.ms = x;
      bad = x < 0 || x > 60000;
    } else if (eq(p, kl, "ramp")) {
      m.ramp_s = x;
      bad = x < 0 || x > 3600;
    } else if (eq(p, kl, "reorder")) {
      m.reorder = x != 0;
    } else {
      snprintf(err, errlen, "unknown parameter '%.*s'", (int)kl, p);
      return -1;
    }
    if (bad) {
      snprintf(err, errlen, "bad value in '%.*s'", (int)n, p);
      return -1;
    }
    p += n;
  }
  if (m.kind == RUP__SYN_OUTAGE && m.dir != RUP__SYN_BOTH) {
    snprintf(err, errlen, "outage is always dir=both (use one_way_outage)");
    return -1;
  }
  if (m.kind == RUP__SYN_TALK && m.dir == RUP__SYN_BOTH) {
    snprintf(err, errlen, "talk needs who=local or who=remote");
    return -1;
  }
  if (m.kind == RUP__SYN_DELAY_RAMP && 2 * m.ramp_s > m.end_s - m.start_s)
    m.ramp_s = (m.end_s - m.start_s) / 2;
  sc->imp[sc->n++] = m;
  return 0;
}

int rup__syn_scenario_load(rup__syn_scenario *sc, const char *path, char *err, size_t errlen) {
  FILE *fp = fopen(path, "r");
  if (!fp) {
    snprintf(err, errlen, "%s: %s", path, strerror(errno));
    return -1;
  }
  char line[1024], msg[512];
  int lineno = 0, rv = 0;
  while (fgets(line, sizeof line, fp)) {
    lineno++;
    size_t n = strlen(line);
    if (n == sizeof line - 1 && line[n - 1] != '\n') {
      snprintf(err, errlen, "%s:%d: line too long", path, lineno);
      rv = -1;
      break;
    }
    char *h = strchr(line, '#');
    if (h) *h = '\0';
    char *s = line + strspn(line, " \t\r\n");
    if (!*s) continue;
    if (rup__syn_scenario_add(sc, s, msg, sizeof msg)) {
      snprintf(err, errlen, "%s:%d: %s", path, lineno, msg);
      rv = -1;
      break;
    }
  }
  fclose(fp);
  return rv;
}
