/* Capture writer: pcap (µs) or pcapng (ns), optionally gzip-compressed through zlib.
 * Frames are Ethernet II + IPv4 + UDP. Layouts: libpcap sf-pcap.c (REFERENCE §8.1),
 * pcapng draft-ietf-opsawg-pcapng (REFERENCE §8.3). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "synth.h"

struct rup__syn_capw {
  FILE *fp;
  gzFile gz;
  int fmt;
  int err;
  uint16_t ip_id[2]; /* IPv4 identification counter per source host */
};

static int ends_with(const char *s, const char *suf) {
  size_t a = strlen(s), b = strlen(suf);
  return a >= b && strcmp(s + a - b, suf) == 0;
}

static void put(rup__syn_capw *w, const void *p, size_t n) {
  if (w->err || n == 0) return;
  if (w->gz) {
    if (gzwrite(w->gz, p, (unsigned)n) != (int)n) w->err = 1;
  } else if (fwrite(p, 1, n, w->fp) != n) {
    w->err = 1;
  }
}

/* Files are written little-endian (the reader swaps by magic). */
static void le16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}
static void le32(uint8_t *p, uint32_t v) {
  le16(p, v & 0xFFFF);
  le16(p + 2, v >> 16);
}
static void be16(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 8);
  p[1] = (uint8_t)v;
}
static void be32(uint8_t *p, uint32_t v) {
  be16(p, v >> 16);
  be16(p + 2, v & 0xFFFF);
}

rup__syn_capw *rup__syn_capw_open(const char *path) {
  int gz = ends_with(path, ".gz");
  size_t n = strlen(path) - (gz ? 3 : 0);
  int fmt;
  if (n >= 7 && memcmp(path + n - 7, ".pcapng", 7) == 0) {
    fmt = RUP__SYN_CAP_PCAPNG;
  } else if (n >= 5 && memcmp(path + n - 5, ".pcap", 5) == 0) {
    fmt = RUP__SYN_CAP_PCAP;
  } else {
    errno = EINVAL;
    return NULL;
  }
  rup__syn_capw *w = calloc(1, sizeof *w);
  if (!w) return NULL;
  w->fmt = fmt;
  if (gz) {
    w->gz = gzopen(path, "wb9"); /* zlib writes mtime 0: deterministic header */
  } else {
    w->fp = fopen(path, "wb");
  }
  if (!w->gz && !w->fp) {
    free(w);
    return NULL;
  }
  if (fmt == RUP__SYN_CAP_PCAP) {
    uint8_t h[24];
    le32(h, 0xa1b2c3d4u); /* TCPDUMP_MAGIC: µs timestamps */
    le16(h + 4, 2);       /* version 2.4 */
    le16(h + 6, 4);
    le32(h + 8, 0);  /* thiszone */
    le32(h + 12, 0); /* sigfigs */
    le32(h + 16, 65535);
    le32(h + 20, 1); /* LINKTYPE_ETHERNET */
    put(w, h, sizeof h);
  } else {
    uint8_t shb[28];
    le32(shb, 0x0A0D0D0Au); /* SHB */
    le32(shb + 4, 28);
    le32(shb + 8, 0x1A2B3C4Du); /* byte-order magic */
    le16(shb + 12, 1);
    le16(shb + 14, 0);
    le32(shb + 16, 0xFFFFFFFFu); /* section length -1: unknown */
    le32(shb + 20, 0xFFFFFFFFu);
    le32(shb + 24, 28);
    put(w, shb, sizeof shb);
    uint8_t idb[32];
    le32(idb, 1); /* IDB */
    le32(idb + 4, 32);
    le16(idb + 8, 1); /* LINKTYPE_ETHERNET */
    le16(idb + 10, 0);
    le32(idb + 12, 65535);
    le16(idb + 16, 9); /* if_tsresol, 1 byte: 10^-9 s */
    le16(idb + 18, 1);
    idb[20] = 9;
    idb[21] = idb[22] = idb[23] = 0;
    le16(idb + 24, 0); /* opt_endofopt */
    le16(idb + 26, 0);
    le32(idb + 28, 32);
    put(w, idb, sizeof idb);
  }
  return w;
}

static uint16_t ip_checksum(const uint8_t *h, size_t n) {
  uint32_t sum = 0; /* RFC 1071: one's complement sum of 16-bit words */
  for (size_t i = 0; i + 1 < n; i += 2) sum += (uint32_t)(h[i] << 8 | h[i + 1]);
  while (sum >> 16) sum = (sum & 0xFFFF) + (sum >> 16);
  return (uint16_t)~sum;
}

int rup__syn_capw_udp(rup__syn_capw *w, int64_t ts_ns, uint32_t src_ip, uint16_t src_port,
                      uint32_t dst_ip, uint16_t dst_port, const uint8_t *payload, size_t len) {
  if (len > 65507) return -1;
  uint8_t h[42];
  /* Ethernet II: locally administered MACs 02:00:00:00:00:<last octet of the IP> */
  static const uint8_t mac[5] = {0x02, 0, 0, 0, 0};
  memcpy(h, mac, 5);
  h[5] = (uint8_t)dst_ip;
  memcpy(h + 6, mac, 5);
  h[11] = (uint8_t)src_ip;
  be16(h + 12, 0x0800);
  uint8_t *ip = h + 14;
  ip[0] = 0x45; /* IPv4, IHL 5 */
  ip[1] = 0;
  be16(ip + 2, (uint32_t)(20 + 8 + len));
  int host = (src_ip & 1) ? 0 : 1;
  be16(ip + 4, w->ip_id[host]++);
  be16(ip + 6, 0x4000); /* DF */
  ip[8] = 64;
  ip[9] = 17; /* UDP */
  be16(ip + 10, 0);
  be32(ip + 12, src_ip);
  be32(ip + 16, dst_ip);
  be16(ip + 10, ip_checksum(ip, 20));
  uint8_t *udp = ip + 20;
  be16(udp, src_port);
  be16(udp + 2, dst_port);
  be16(udp + 4, (uint32_t)(8 + len));
  be16(udp + 6, 0); /* RFC 768: zero = no checksum over IPv4 */
  uint32_t caplen = (uint32_t)(sizeof h + len);
  if (w->fmt == RUP__SYN_CAP_PCAP) {
    uint8_t rh[16];
    int64_t us = ts_ns / 1000;
    le32(rh, (uint32_t)(us / 1000000));
    le32(rh + 4, (uint32_t)(us % 1000000));
    le32(rh + 8, caplen);
    le32(rh + 12, caplen);
    put(w, rh, sizeof rh);
    put(w, h, sizeof h);
    put(w, payload, len);
  } else {
    uint32_t pad = (4 - caplen % 4) % 4;
    uint32_t total = 28 + caplen + pad + 4;
    uint8_t eh[28];
    le32(eh, 6); /* EPB */
    le32(eh + 4, total);
    le32(eh + 8, 0); /* interface 0 */
    uint64_t t = (uint64_t)ts_ns;
    le32(eh + 12, (uint32_t)(t >> 32));
    le32(eh + 16, (uint32_t)t);
    le32(eh + 20, caplen);
    le32(eh + 24, caplen);
    put(w, eh, sizeof eh);
    put(w, h, sizeof h);
    put(w, payload, len);
    static const uint8_t zero[4] = {0, 0, 0, 0};
    put(w, zero, pad);
    uint8_t tl[4];
    le32(tl, total);
    put(w, tl, 4);
  }
  return w->err ? -1 : 0;
}

int rup__syn_capw_close(rup__syn_capw *w) {
  if (!w) return 0;
  int err = w->err;
  if (w->gz) {
    if (gzclose(w->gz) != Z_OK) err = 1;
  } else if (fclose(w->fp) != 0) {
    err = 1;
  }
  free(w);
  return err ? -1 : 0;
}
