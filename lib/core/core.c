/* Errors, version, allocator, codec tables and endpoints: the shared base. */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <strings.h>

#include <arpa/inet.h>

/* One table for both rup_strerror and rup_err_name (libuv UV_ERRNO_MAP style). */
#define RUP_ERROR_MAP(X)                                                        \
  X(RUP_OK, "success")                                                          \
  X(RUP_ERR_INVALID_ARGUMENT, "invalid argument")                               \
  X(RUP_ERR_MALFORMED, "malformed input")                                       \
  X(RUP_ERR_TIME_REGRESSION, "time went backwards")                             \
  X(RUP_ERR_TOO_MANY_STREAMS, "too many streams")                               \
  X(RUP_ERR_INVALID_STATE, "call not allowed in this state")                    \
  X(RUP_ERR_CALLBACK_FAILURE, "a callback failed")                              \
  X(RUP_ERR_NOT_FOUND, "not found")                                             \
  X(RUP_ERR_VERSION, "unsupported struct version")                              \
  X(RUP_ERR_IO, "input/output error")                                           \
  X(RUP_ERR_FORMAT, "unknown capture format")                                   \
  X(RUP_ERR_TRUNCATED, "truncated capture")                                     \
  X(RUP_ERR_UNSUPPORTED, "unsupported feature")                                 \
  X(RUP_ERR_FATAL, "fatal error")                                               \
  X(RUP_ERR_NOMEM, "out of memory")                                             \
  X(RUP_ERR_INTERNAL, "internal error")

const char *rup_strerror(int code) {
  switch (code) {
#define X(name, text) \
  case name:          \
    return text;
    RUP_ERROR_MAP(X)
#undef X
  default:
    return "unknown error";
  }
}

const char *rup_err_name(int code) {
  switch (code) {
#define X(name, text) \
  case name:          \
    return #name;
    RUP_ERROR_MAP(X)
#undef X
  default:
    return "RUP_ERR_UNKNOWN";
  }
}

int rup_err_is_fatal(int code) { return code <= RUP_ERR_FATAL; }

uint32_t rup_version_num(void) { return RUP_VERSION_NUM; }
const char *rup_version_string(void) { return RUP_VERSION; }

static void *def_malloc(size_t n, void *ud) {
  (void)ud;
  return malloc(n ? n : 1);
}
static void *def_realloc(void *p, size_t n, void *ud) {
  (void)ud;
  return realloc(p, n ? n : 1);
}
static void def_free(void *p, void *ud) {
  (void)ud;
  free(p);
}
static const rup_mem default_mem = {NULL, def_malloc, def_realloc, def_free};
const rup_mem *rup_mem_default(void) { return &default_mem; }

/* Codec table: name, media, default RTP clock (RFC 3551 §6 table 4/5; RFC 7587 §4.1
 * Opus is always 48000; RFC 3551 §4.5.2 G.722 uses 8000 although it samples at 16 kHz). */
static const struct {
  const char *name;
  int media;
  uint32_t clock;
} codecs[] = {
    [RUP_CODEC_UNKNOWN] = {"unknown", RUP_MEDIA_UNKNOWN, 0},
    [RUP_CODEC_OPUS] = {"opus", RUP_MEDIA_AUDIO, 48000},
    [RUP_CODEC_VP8] = {"vp8", RUP_MEDIA_VIDEO, 90000},
    [RUP_CODEC_VP9] = {"vp9", RUP_MEDIA_VIDEO, 90000},
    [RUP_CODEC_H264] = {"h264", RUP_MEDIA_VIDEO, 90000},
    [RUP_CODEC_PCMU] = {"pcmu", RUP_MEDIA_AUDIO, 8000},
    [RUP_CODEC_PCMA] = {"pcma", RUP_MEDIA_AUDIO, 8000},
    [RUP_CODEC_G722] = {"g722", RUP_MEDIA_AUDIO, 8000},
    [RUP_CODEC_G729] = {"g729", RUP_MEDIA_AUDIO, 8000},
    [RUP_CODEC_AV1] = {"av1", RUP_MEDIA_VIDEO, 90000},
    [RUP_CODEC_CN] = {"cn", RUP_MEDIA_AUDIO, 8000},
    [RUP_CODEC_TELEPHONE_EVENT] = {"telephone-event", RUP_MEDIA_AUDIO, 8000},
};

static int codec_ok(int c) { return c >= 0 && (size_t)c < RUP_ARRAY_LEN(codecs); }

const char *rup_codec_name(int codec) { return codec_ok(codec) ? codecs[codec].name : "unknown"; }
int rup_codec_media(int codec) { return codec_ok(codec) ? codecs[codec].media : RUP_MEDIA_UNKNOWN; }
uint32_t rup__codec_clock_rate(int codec) { return codec_ok(codec) ? codecs[codec].clock : 0; }

int rup__codec_from_static_pt(int pt) {
  /* RFC 3551 §6, tables 4 and 5 (the codecs this library models). */
  switch (pt) {
    case 0: return RUP_CODEC_PCMU;
    case 8: return RUP_CODEC_PCMA;
    case 9: return RUP_CODEC_G722;
    case 13: return RUP_CODEC_CN;
    case 18: return RUP_CODEC_G729;
    default: return RUP_CODEC_UNKNOWN;
  }
}

/* Clock of every RFC 3551 static payload type, also those without a codec here
 * (GSM, H.263, ...): tshark and discovery need the clock even when the codec is unknown. */
uint32_t rup__static_pt_clock(int pt) {
  /* RFC 3551 §6, tables 4 (audio) and 5 (video). */
  switch (pt) {
    case 0: case 3: case 4: case 5: case 7: case 8: case 9: case 12: case 13: case 15: case 18:
      return 8000;
    case 6: return 16000;
    case 10: case 11: return 44100;
    case 16: return 11025;
    case 17: return 22050;
    case 14: case 25: case 26: case 28: case 31: case 32: case 33: case 34:
      return 90000;
    default:
      return 0;
  }
}

int rup__codec_from_name(const char *name, size_t len) {
  static const struct {
    const char *n;
    int c;
  } names[] = {{"opus", RUP_CODEC_OPUS}, {"VP8", RUP_CODEC_VP8},   {"VP9", RUP_CODEC_VP9},
               {"H264", RUP_CODEC_H264}, {"PCMU", RUP_CODEC_PCMU}, {"PCMA", RUP_CODEC_PCMA},
               {"G722", RUP_CODEC_G722}, {"G729", RUP_CODEC_G729}, {"AV1", RUP_CODEC_AV1},
               {"CN", RUP_CODEC_CN},     {"telephone-event", RUP_CODEC_TELEPHONE_EVENT}};
  for (size_t i = 0; i < RUP_ARRAY_LEN(names); i++)
    if (strlen(names[i].n) == len && strncasecmp(names[i].n, name, len) == 0) return names[i].c;
  return RUP_CODEC_UNKNOWN;
}

int rup_endpoint_format(const rup_endpoint *ep, char *buf, size_t size) {
  if (!ep || !buf || size == 0) return RUP_ERR_INVALID_ARGUMENT;
  char a[INET6_ADDRSTRLEN];
  int n;
  if (ep->family == 4) {
    inet_ntop(AF_INET, ep->addr, a, sizeof a);
    n = snprintf(buf, size, "%s:%u", a, (unsigned)ep->port);
  } else if (ep->family == 6) {
    inet_ntop(AF_INET6, ep->addr, a, sizeof a);
    n = snprintf(buf, size, "[%s]:%u", a, (unsigned)ep->port);
  } else {
    buf[0] = '\0';
    n = 0;
  }
  if (n < 0) return RUP_ERR_INVALID_ARGUMENT;
  return (size_t)n < size ? n : (int)size - 1;
}

static int parse_port(const char *s, uint16_t *port) {
  char *end;
  if (*s == '\0') return -1;
  unsigned long v = strtoul(s, &end, 10);
  if (*end != '\0' || v > 65535) return -1;
  *port = (uint16_t)v;
  return 0;
}

int rup_endpoint_parse(rup_endpoint *ep, const char *text) {
  if (!ep || !text) return RUP_ERR_INVALID_ARGUMENT;
  rup_endpoint e;
  memset(&e, 0, sizeof e);
  char tmp[128];
  size_t n = strlen(text);
  if (n == 0 || n >= sizeof tmp) return RUP_ERR_INVALID_ARGUMENT;
  memcpy(tmp, text, n + 1);
  if (tmp[0] == '[') { /* [v6]:port */
    char *close = strchr(tmp, ']');
    if (!close) return RUP_ERR_INVALID_ARGUMENT;
    *close = '\0';
    if (inet_pton(AF_INET6, tmp + 1, e.addr) != 1) return RUP_ERR_INVALID_ARGUMENT;
    e.family = 6;
    if (close[1] == ':') {
      if (parse_port(close + 2, &e.port) != 0) return RUP_ERR_INVALID_ARGUMENT;
    } else if (close[1] != '\0') {
      return RUP_ERR_INVALID_ARGUMENT;
    }
  } else if (inet_pton(AF_INET6, tmp, e.addr) == 1) {
    e.family = 6;
  } else {
    char *colon = strchr(tmp, ':');
    if (colon) {
      *colon = '\0';
      if (parse_port(colon + 1, &e.port) != 0) return RUP_ERR_INVALID_ARGUMENT;
    }
    if (inet_pton(AF_INET, tmp, e.addr) != 1) return RUP_ERR_INVALID_ARGUMENT;
    e.family = 4;
  }
  *ep = e;
  return 0;
}

int rup__endpoint_same_addr(const rup_endpoint *a, const rup_endpoint *b) {
  if (a->family != b->family || a->family == 0) return 0;
  return memcmp(a->addr, b->addr, a->family == 4 ? 4 : 16) == 0;
}

/* Names of the rupture vocabulary (DESIGN.md §3), indexed by the enum values. */
static const char *name_at(const char *const *names, size_t n, int v) {
  return v >= 0 && (size_t)v < n && names[v] ? names[v] : "unknown";
}

const char *rup_rupture_type_name(int type) {
  static const char *const n[] = {NULL, "audio_dropout", "choppy_audio", "video_freeze", "av_outage",
                                  "connection_lost", "lag"};
  return name_at(n, RUP_ARRAY_LEN(n), type);
}

const char *rup_cause_name(int cause) {
  static const char *const n[] = {"unknown", "packet_loss", "late_packets", "network_outage",
                                  "sender_stopped", "decoder", "frozen_content", "delay"};
  return name_at(n, RUP_ARRAY_LEN(n), cause);
}

const char *rup_severity_name(int severity) {
  static const char *const n[] = {NULL, "minor", "moderate", "severe"};
  return name_at(n, RUP_ARRAY_LEN(n), severity);
}

const char *rup_repair_name(int repair) {
  static const char *const n[] = {"none", "acknowledge", "ask_repeat", "offer_repeat", "check_in",
                                  "suggest_audio_only", "use_backup_channel", "reconnect"};
  return name_at(n, RUP_ARRAY_LEN(n), repair);
}
