/* SIP (RFC 3261) message framing and SDP (RFC 8866) media descriptions: just what
 * stream discovery needs. Input is hostile: every read is bounded by the given length,
 * nothing is NUL-terminated, and everything past the caps of trace.h is ignored. */
#include <arpa/inet.h>
#include <strings.h>

#include "trace/trace.h"

typedef struct span {
  const char *p;
  size_t n;
} span;

static int span_ieq(span s, const char *lit) {
  size_t n = strlen(lit);
  return s.n == n && strncasecmp(s.p, lit, n) == 0;
}
static int span_iprefix(span s, const char *lit) {
  size_t n = strlen(lit);
  return s.n >= n && strncasecmp(s.p, lit, n) == 0;
}
static span span_trim(span s) {
  while (s.n && (s.p[0] == ' ' || s.p[0] == '\t')) s.p++, s.n--;
  while (s.n && (s.p[s.n - 1] == ' ' || s.p[s.n - 1] == '\t' || s.p[s.n - 1] == '\r')) s.n--;
  return s;
}
/* Next token separated by spaces/tabs; advances *s. */
static span next_token(span *s) {
  *s = span_trim(*s);
  span t = {s->p, 0};
  while (t.n < s->n && s->p[t.n] != ' ' && s->p[t.n] != '\t') t.n++;
  s->p += t.n;
  s->n -= t.n;
  return t;
}
/* Leading decimal number of at most 10 digits; -1 if none or too large for `max`. */
static long parse_num(span s, size_t *used, long max) {
  long long v = 0;
  size_t i = 0;
  while (i < s.n && i < 10 && s.p[i] >= '0' && s.p[i] <= '9') v = v * 10 + (s.p[i++] - '0');
  if (used) *used = i;
  if (i == 0 || (i < s.n && s.p[i] >= '0' && s.p[i] <= '9') || v > max) return -1;
  return (long)v;
}
/* Next line (LF-terminated, CR stripped) of buf[*pos..len); 0 at the end. */
static int next_line(const uint8_t *buf, size_t len, size_t *pos, span *line) {
  if (*pos >= len) return 0;
  const char *p = (const char *)buf + *pos;
  size_t n = 0, rest = len - *pos;
  while (n < rest && p[n] != '\n') n++;
  *pos += n < rest ? n + 1 : n;
  line->p = p;
  line->n = n;
  if (line->n && line->p[line->n - 1] == '\r') line->n--;
  return 1;
}

/* ---- SIP ---- */

int rup__sip_is_sip(const uint8_t *buf, size_t len, uint16_t sport, uint16_t dport) {
  /* RFC 3261 §18.1.1: 5060 is the default SIP port over UDP. */
  if (sport == 5060 || dport == 5060) return 1;
  if (len < 4 || buf[0] < 'A' || buf[0] > 'Z') return 0; /* every start line below begins A-Z */
  static const char *const starts[] = {"SIP/2.0 ", "INVITE ", "ACK ", "BYE ", "CANCEL ", "OPTIONS ",
                                       "REGISTER ", "PRACK ", "SUBSCRIBE ", "NOTIFY ", "PUBLISH ",
                                       "INFO ", "REFER ", "MESSAGE ", "UPDATE "};
  for (size_t i = 0; i < RUP_ARRAY_LEN(starts); i++) {
    size_t n = strlen(starts[i]);
    if (len >= n && memcmp(buf, starts[i], n) == 0) return 1;
  }
  return 0;
}

int rup__sip_find_sdp(const uint8_t *buf, size_t len, const uint8_t **body, size_t *body_len) {
  size_t pos = 0;
  span line;
  long clen = -1;
  int ctype = -1; /* -1 absent, 0 other, 1 application/sdp */
  int first = 1, ended = 0;
  while (next_line(buf, len, &pos, &line)) {
    if (line.n == 0) { /* RFC 3261 §7: an empty line ends the header section */
      ended = 1;
      break;
    }
    if (first) { /* the start line */
      first = 0;
      continue;
    }
    const char *colon = memchr(line.p, ':', line.n);
    if (!colon) continue;
    span name = span_trim((span){line.p, (size_t)(colon - line.p)});
    span value = span_trim((span){colon + 1, line.n - (size_t)(colon - line.p) - 1});
    /* RFC 3261 §7.3.3 compact forms: l = Content-Length, c = Content-Type. */
    if (span_ieq(name, "Content-Length") || span_ieq(name, "l")) {
      clen = parse_num(value, NULL, 0x7FFFFFFF);
    } else if (span_ieq(name, "Content-Type") || span_ieq(name, "c")) {
      ctype = span_iprefix(value, "application/sdp") ? 1 : 0;
    }
  }
  if (!ended || ctype == 0) return 0;
  size_t n = len - pos;
  if (clen >= 0 && (size_t)clen < n) n = (size_t)clen;
  if (n < 2) return 0;
  if (ctype < 0 && memcmp(buf + pos, "v=", 2) != 0) return 0; /* RFC 8866 §5: an SDP starts with v= */
  *body = buf + pos;
  *body_len = n;
  return 1;
}

/* ---- SDP ---- */

/* RFC 8866 §5.7 c=<nettype> <addrtype> <connection-address>[/ttl][/n]. */
static void parse_conn(span v, rup_endpoint *ep) {
  span net = next_token(&v), type = next_token(&v), addr = next_token(&v);
  if (!span_ieq(net, "IN")) return;
  int fam = span_ieq(type, "IP4") ? 4 : span_ieq(type, "IP6") ? 6 : 0;
  if (!fam) return;
  char tmp[64];
  size_t n = 0;
  while (n < addr.n && addr.p[n] != '/') n++;
  if (n == 0 || n >= sizeof tmp) return;
  memcpy(tmp, addr.p, n);
  tmp[n] = '\0';
  rup_endpoint e;
  memset(&e, 0, sizeof e);
  if (inet_pton(fam == 4 ? AF_INET : AF_INET6, tmp, e.addr) != 1) return; /* FQDNs are not resolved */
  e.family = (uint8_t)fam;
  ep->family = e.family;
  memcpy(ep->addr, e.addr, sizeof ep->addr);
}

static void add_extmap(rup__sdp_extmap *ext, size_t *n, span v) {
  /* RFC 8285 §8: a=extmap:<value>["/"<direction>] <URI> <extensionattributes> */
  size_t used;
  long id = parse_num(v, &used, 255);
  if (id < 1 || *n >= RUP__SDP_MAX_EXTMAP) return;
  v.p += used;
  v.n -= used;
  if (v.n && v.p[0] == '/') next_token(&v); /* skip "/direction" */
  span uri = next_token(&v);
  if (uri.n == 0) return;
  for (size_t i = 0; i < *n; i++)
    if (ext[i].id == id) return; /* first mapping of an id wins */
  size_t c = uri.n < RUP__SDP_URI_MAX - 1 ? uri.n : RUP__SDP_URI_MAX - 1;
  ext[*n].id = (uint8_t)id;
  memcpy(ext[*n].uri, uri.p, c);
  ext[*n].uri[c] = '\0';
  (*n)++;
}

static rup__sdp_pt *find_pt(rup__sdp_media *m, long pt) {
  for (size_t i = 0; i < m->n_pt; i++)
    if (m->pts[i].pt == pt) return &m->pts[i];
  return NULL;
}

/* RFC 8866 §6.6 a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>] */
static void parse_rtpmap(rup__sdp_media *m, span v) {
  size_t used;
  long pt = parse_num(v, &used, 127);
  if (pt < 0) return;
  rup__sdp_pt *e = find_pt(m, pt);
  if (!e) return; /* not in the m= format list */
  v.p += used;
  v.n -= used;
  span enc = next_token(&v);
  const char *slash = memchr(enc.p, '/', enc.n);
  if (!slash || slash == enc.p) return;
  size_t name_len = (size_t)(slash - enc.p);
  span rest = {slash + 1, enc.n - name_len - 1};
  long clock = parse_num(rest, &used, 0x7FFFFFFF);
  if (clock <= 0) return;
  e->codec = rup__codec_from_name(enc.p, name_len);
  e->clock = (uint32_t)clock;
  e->channels = 0;
  if (used < rest.n && rest.p[used] == '/') {
    long ch = parse_num((span){rest.p + used + 1, rest.n - used - 1}, NULL, 255);
    if (ch > 0) e->channels = (uint8_t)ch;
  }
}

/* RFC 8866 §5.14 m=<media> <port>[/<number of ports>] <proto> <fmt> ... */
static int parse_m(rup__sdp_media *m, span v) {
  memset(m, 0, sizeof *m);
  span media = next_token(&v), port = next_token(&v), proto = next_token(&v);
  if (span_ieq(media, "audio")) m->media = RUP_MEDIA_AUDIO;
  else if (span_ieq(media, "video")) m->media = RUP_MEDIA_VIDEO;
  else return 0;
  long p = parse_num(port, NULL, 65535); /* "<port>/<n>" reads the first port */
  if (p <= 0) return 0; /* port 0: the stream is disabled (RFC 3264 §5.1) */
  int rtp = 0; /* RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF, ... */
  for (size_t i = 0; i + 4 <= proto.n; i++)
    if (memcmp(proto.p + i, "RTP/", 4) == 0) rtp = 1;
  if (!rtp) return 0;
  m->conn.port = (uint16_t)p;
  for (;;) {
    span f = next_token(&v);
    if (f.n == 0) break;
    long pt = parse_num(f, NULL, 127);
    if (pt < 0 || find_pt(m, pt) || m->n_pt >= RUP__SDP_MAX_PT) continue;
    rup__sdp_pt *e = &m->pts[m->n_pt++];
    e->pt = (uint8_t)pt;
    e->codec = pt < 96 ? rup__codec_from_static_pt((int)pt) : RUP_CODEC_UNKNOWN; /* RFC 3551 §6 */
    e->clock = rup__static_pt_clock((int)pt);
    e->channels = 0;
  }
  return 1;
}

static void finish_media(rup__sdp *out, rup__sdp_media *m, const rup_endpoint *sess_conn,
                         const rup__sdp_extmap *sess_ext, size_t n_sess_ext) {
  if (m->conn.family == 0) {
    m->conn.family = sess_conn->family;
    memcpy(m->conn.addr, sess_conn->addr, sizeof m->conn.addr);
  }
  if (m->conn.family == 0 || out->n_media >= RUP__SDP_MAX_MEDIA) return;
  for (size_t i = 0; i < n_sess_ext && m->n_ext < RUP__SDP_MAX_EXTMAP; i++) {
    int dup = 0;
    for (size_t j = 0; j < m->n_ext; j++) dup |= m->ext[j].id == sess_ext[i].id;
    if (!dup) m->ext[m->n_ext++] = sess_ext[i];
  }
  out->m[out->n_media++] = *m;
}

int rup__sdp_parse(const uint8_t *buf, size_t len, rup__sdp *out) {
  memset(out, 0, sizeof *out);
  rup_endpoint sess_conn;
  memset(&sess_conn, 0, sizeof sess_conn);
  rup__sdp_extmap sess_ext[RUP__SDP_MAX_EXTMAP];
  size_t n_sess_ext = 0;
  rup__sdp_media cur;
  int in_media = 0, keep = 0;
  size_t pos = 0;
  span line;
  while (next_line(buf, len, &pos, &line)) {
    if (line.n < 2 || line.p[1] != '=') continue; /* RFC 8866 §5: <type>=<value> */
    char type = line.p[0];
    span v = {line.p + 2, line.n - 2};
    if (type == 'm') {
      if (in_media && keep) finish_media(out, &cur, &sess_conn, sess_ext, n_sess_ext);
      in_media = 1;
      keep = parse_m(&cur, v);
    } else if (type == 'c') {
      if (!in_media) parse_conn(v, &sess_conn);
      else if (keep) parse_conn(v, &cur.conn);
    } else if (type == 'a') {
      if (span_iprefix(v, "extmap:")) {
        span a = {v.p + 7, v.n - 7};
        if (!in_media) add_extmap(sess_ext, &n_sess_ext, a);
        else if (keep) add_extmap(cur.ext, &cur.n_ext, a);
      } else if (in_media && keep && span_iprefix(v, "rtpmap:")) {
        parse_rtpmap(&cur, (span){v.p + 7, v.n - 7});
      } else if (in_media && keep && span_iprefix(v, "ssrc:")) {
        /* RFC 5576 §4.1 a=ssrc:<ssrc-id> <attribute>[:<value>] */
        span a = {v.p + 5, v.n - 5};
        size_t used;
        long long id = 0;
        for (used = 0; used < a.n && used < 10 && a.p[used] >= '0' && a.p[used] <= '9'; used++)
          id = id * 10 + (a.p[used] - '0');
        if (used == 0 || id > 0xFFFFFFFFLL || (used < a.n && a.p[used] >= '0' && a.p[used] <= '9')) continue;
        int dup = 0;
        for (size_t i = 0; i < cur.n_ssrc; i++) dup |= cur.ssrcs[i] == (uint32_t)id;
        if (!dup && cur.n_ssrc < RUP__SDP_MAX_SSRC) cur.ssrcs[cur.n_ssrc++] = (uint32_t)id;
      }
    }
  }
  if (in_media && keep) finish_media(out, &cur, &sess_conn, sess_ext, n_sess_ext);
  return (int)out->n_media;
}
