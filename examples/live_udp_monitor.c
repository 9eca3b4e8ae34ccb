/* live_udp_monitor.c: watch a live RTP/RTCP flow on a UDP port and print ruptures as
 * they happen.
 *
 * A real program, and the shape of a live integration:
 *   - the host owns the socket and the clock (CLOCK_MONOTONIC); the library reads neither;
 *   - every datagram is pushed with its arrival time (here plain RTP; a WebRTC app pushes
 *     after SRTP unprotect);
 *   - between datagrams, poll() sleeps until rup_session_next_deadline(), and
 *     rup_session_advance() lets session time pass, so absences (a frozen picture, a
 *     voice that stopped) are reported on time even when nothing arrives;
 *   - codecs come from what SDP would say (--map PT=codec/clock), told to the session
 *     with rup_session_describe_stream() before a new SSRC's first packet.
 *
 * Send to it, e.g. with GStreamer:
 *   gst-launch-1.0 audiotestsrc is-live=true ! opusenc ! rtpopuspay pt=111 ! \
 *     udpsink host=127.0.0.1 port=5004
 *   ./live_udp_monitor --port 5004
 *
 * Options: --bind ADDR (default 127.0.0.1), --port N (default 5004; 0 = any, printed),
 * --map PT=CODEC[/CLOCK] (default 111=opus/48000 96=vp8/90000 98=vp9/90000 102=h264/90000),
 * --duration SEC (stop after), --idle-exit SEC (stop after SEC without packets, once some
 * came). Stops on SIGINT/SIGTERM too; then ends the session and prints a summary.
 *
 *   cc live_udp_monitor.c $(pkg-config --cflags --libs rupture) -o live_udp_monitor
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <rupture/rupture.h>

#define MAX_MAP 16
#define MAX_KNOWN 64

typedef struct pt_map {
  int pt, codec;
  uint32_t clock;
} pt_map;

typedef struct monitor {
  pt_map map[MAX_MAP];
  int nmap;
  uint32_t known[MAX_KNOWN]; /* SSRCs already described */
  int nknown;
  int64_t t0_us; /* first datagram: printed times are relative to it */
} monitor;

static volatile sig_atomic_t stop;
static void on_signal(int sig) {
  (void)sig;
  stop = 1;
}

/* The host's clock, µs. The library never reads one. */
static int64_t now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static double rel(const monitor *m, int64_t t) { return m->t0_us ? (t - m->t0_us) / 1e6 : 0.0; }

static void print_rupture(const monitor *m, const char *what, const rup_event *ev) {
  const rup_rupture *r = &ev->u.rupture;
  printf("[%7.2f s] rupture %" PRIu32 " %s: %s %s, cause %s, %s, start %.2f s", rel(m, ev->time_us), r->id, what,
         rup_rupture_type_name(r->type), r->direction == RUP_DIR_INBOUND ? "inbound" : "outbound",
         rup_cause_name(r->cause), rup_severity_name(r->severity), rel(m, r->start_us));
  if (r->end_us) printf(", end %.2f s, %.2f s long", rel(m, r->end_us), (r->end_us - r->start_us) / 1e6);
  printf(", hint %s\n", rup_repair_name(r->repair));
  fflush(stdout); /* as they happen, also through a pipe */
}

static int on_begin(rup_session *s, const rup_event *ev, void *ud) {
  (void)s;
  print_rupture(ud, "begins", ev);
  return 0;
}
static int on_update(rup_session *s, const rup_event *ev, void *ud) {
  (void)s;
  print_rupture(ud, "changes", ev);
  return 0;
}
static int on_end(rup_session *s, const rup_event *ev, void *ud) {
  (void)s;
  print_rupture(ud, "ends", ev);
  return 0;
}
static int on_stream(rup_session *s, const rup_event *ev, void *ud) {
  (void)s;
  printf("[%7.2f s] stream 0x%08" PRIX32 " (%s)\n", rel(ud, ev->time_us), ev->u.stream.ssrc,
         rup_codec_name(ev->u.stream.codec));
  fflush(stdout);
  return 0;
}

static int parse_map(monitor *m, const char *spec) {
  char name[16];
  unsigned clock = 0;
  int pt;
  if (sscanf(spec, "%d=%15[a-zA-Z0-9]/%u", &pt, name, &clock) < 2 || pt < 0 || pt > 127) return -1;
  static const struct { const char *name; int codec; } codecs[] = {
      {"opus", RUP_CODEC_OPUS}, {"vp8", RUP_CODEC_VP8}, {"vp9", RUP_CODEC_VP9}, {"h264", RUP_CODEC_H264},
      {"av1", RUP_CODEC_AV1},   {"pcmu", RUP_CODEC_PCMU}, {"pcma", RUP_CODEC_PCMA}, {"g722", RUP_CODEC_G722}};
  for (size_t i = 0; i < sizeof codecs / sizeof *codecs; i++) {
    if (strcmp(name, codecs[i].name) != 0) continue;
    for (int k = 0; k < m->nmap; k++)
      if (m->map[k].pt == pt) {
        m->map[k].codec = codecs[i].codec;
        m->map[k].clock = clock;
        return 0;
      }
    if (m->nmap == MAX_MAP) return -1;
    m->map[m->nmap++] = (pt_map){pt, codecs[i].codec, clock};
    return 0;
  }
  return -1;
}

/* Before a new SSRC's first RTP packet: tell the session what SDP said about its PT. */
static void describe_if_new(rup_session *s, monitor *m, const uint8_t *b, size_t n) {
  if (n < 12 || (b[0] >> 6) != 2) return;
  if (b[1] >= 192 && b[1] <= 223) return; /* RTCP (RFC 5761 §4) */
  uint32_t ssrc = (uint32_t)b[8] << 24 | (uint32_t)b[9] << 16 | (uint32_t)b[10] << 8 | b[11];
  for (int i = 0; i < m->nknown; i++)
    if (m->known[i] == ssrc) return;
  if (m->nknown == MAX_KNOWN) return;
  m->known[m->nknown++] = ssrc;
  int pt = b[1] & 0x7f;
  for (int i = 0; i < m->nmap; i++)
    if (m->map[i].pt == pt)
      rup_session_describe_stream(s, ssrc, m->map[i].codec, pt, m->map[i].clock, RUP_DIR_INBOUND);
}

int main(int argc, char **argv) {
  monitor m;
  memset(&m, 0, sizeof m);
  const char *bind_addr = "127.0.0.1";
  int port = 5004;
  double duration = 0, idle_exit = 0;
  parse_map(&m, "111=opus/48000");
  parse_map(&m, "96=vp8/90000");
  parse_map(&m, "98=vp9/90000");
  parse_map(&m, "102=h264/90000");
  for (int i = 1; i < argc; i += 2) { /* every option takes a value */
    const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (v && strcmp(a, "--port") == 0) port = atoi(v);
    else if (v && strcmp(a, "--bind") == 0) bind_addr = v;
    else if (v && strcmp(a, "--duration") == 0) duration = atof(v);
    else if (v && strcmp(a, "--idle-exit") == 0) idle_exit = atof(v);
    else if (v && strcmp(a, "--map") == 0) {
      if (parse_map(&m, v) < 0) {
        fprintf(stderr, "bad --map %s (PT=opus|vp8|vp9|h264|av1|pcmu|pcma|g722[/CLOCK])\n", v);
        return 2;
      }
    } else {
      fprintf(stderr, "usage: %s [--bind ADDR] [--port N] [--map PT=CODEC[/CLOCK]]... [--duration SEC] "
                      "[--idle-exit SEC]\n", argv[0]);
      return 2;
    }
  }

  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  if (fd < 0 || inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    fprintf(stderr, "cannot bind %s:%d: %s\n", bind_addr, port, strerror(errno));
    return 1;
  }
  socklen_t sl = sizeof sa;
  getsockname(fd, (struct sockaddr *)&sa, &sl);
  rup_endpoint local;
  memset(&local, 0, sizeof local);
  local.family = 4;
  memcpy(local.addr, &sa.sin_addr, 4);
  local.port = ntohs(sa.sin_port);

  rup_callbacks cb;
  memset(&cb, 0, sizeof cb);
  cb.version = RUP_CALLBACKS_VERSION;
  cb.on_stream_added = on_stream;
  cb.on_rupture_begin = on_begin;
  cb.on_rupture_update = on_update;
  cb.on_rupture_end = on_end;
  rup_session *s;
  int rc = rup_session_new(&s, NULL, &cb, NULL, &m);
  if (rc < 0) {
    fprintf(stderr, "rup_session_new: %s\n", rup_strerror(rc));
    return 1;
  }
  struct sigaction act;
  memset(&act, 0, sizeof act);
  act.sa_handler = on_signal;
  sigaction(SIGINT, &act, NULL);
  sigaction(SIGTERM, &act, NULL);
  printf("listening on %s:%u\n", bind_addr, (unsigned)local.port);
  fflush(stdout);

  const int64_t start = now_us();
  int64_t last_packet = 0, t = start;
  uint8_t buf[65536];
  while (!stop) {
    t = now_us();
    if (duration > 0 && t - start >= (int64_t)(duration * 1e6)) break;
    if (idle_exit > 0 && last_packet && t - last_packet >= (int64_t)(idle_exit * 1e6)) break;
    /* Sleep until the session's next deadline (at most 200 ms, to check the exit rules). */
    int64_t wait = 200000, d = rup_session_next_deadline(s);
    if (d != INT64_MAX && d - t < wait) wait = d > t ? d - t : 0;
    struct pollfd p = {fd, POLLIN, 0};
    int n = poll(&p, 1, (int)((wait + 999) / 1000));
    t = now_us();
    if (n > 0 && (p.revents & POLLIN)) {
      struct sockaddr_in from;
      socklen_t fl = sizeof from;
      ssize_t len = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
      if (len >= 0) {
        rup_endpoint src;
        memset(&src, 0, sizeof src);
        src.family = 4;
        memcpy(src.addr, &from.sin_addr, 4);
        src.port = ntohs(from.sin_port);
        if (!m.t0_us) m.t0_us = t;
        last_packet = t;
        describe_if_new(s, &m, buf, (size_t)len);
        rc = rup_session_push_udp(s, buf, (size_t)len, RUP_DIR_INBOUND, t, &src, &local);
        if (rc < 0 && rup_err_is_fatal(rc)) {
          fprintf(stderr, "session: %s\n", rup_strerror(rc));
          break;
        }
      }
    } else if (n < 0 && errno != EINTR) {
      perror("poll");
      break;
    }
    if (rup_session_next_deadline(s) <= t) rup_session_advance(s, t);
  }
  rup_session_finish(s, now_us()); /* the end of the call: open ruptures end now */

  rup_summary sum;
  rup_session_get_summary(s, &sum);
  printf("summary: %" PRIu32 " rupture(s), %.2f s in total, %zu stream(s)\n", sum.rupture_count,
         sum.rupture_time_s, rup_session_get_stream_count(s));
  rup_session_del(s);
  close(fd);
  return 0;
}
