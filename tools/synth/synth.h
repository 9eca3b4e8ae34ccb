/* tools/synth: the session synthesizer (`rupture synth`) and the accuracy
 * evaluator (`rupture eval`). Internal declarations shared by the files of this
 * folder; see docs/synth.md and docs/accuracy.md. Nothing here reads a clock or
 * libc's global random state: every random draw comes from a seeded rup__syn_rng,
 * so the output is byte-identical for a seed. */
#ifndef RUP_SYNTH_H
#define RUP_SYNTH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* ---- PRNG (prng.c): splitmix64 seeding + xoshiro256** ---- */

typedef struct rup__syn_rng {
  uint64_t s[4];
} rup__syn_rng;

/* Seed one independent stream: (seed, stream tag) → state via splitmix64. */
void rup__syn_rng_seed(rup__syn_rng *r, uint64_t seed, uint64_t stream);
uint64_t rup__syn_rng_next(rup__syn_rng *r);
/* Uniform in [0, 1) with 53 bits. */
double rup__syn_rng_unit(rup__syn_rng *r);
/* Uniform in [a, b). */
double rup__syn_rng_uniform(rup__syn_rng *r, double a, double b);
/* Exponential with the given mean. */
double rup__syn_rng_exp(rup__syn_rng *r, double mean);
/* Standard normal (Box-Muller, one value per call). */
double rup__syn_rng_normal(rup__syn_rng *r);

/* ---- Capture writer (capw.c) ---- */

typedef enum rup__syn_capfmt {
  RUP__SYN_CAP_PCAP = 0,   /* libpcap, µs */
  RUP__SYN_CAP_PCAPNG = 1, /* pcapng, IDB if_tsresol = 9 (ns) */
} rup__syn_capfmt;

typedef struct rup__syn_capw rup__syn_capw;

/* Open PATH: the format follows the name (.pcap, .pcapng, optional .gz). NULL on error
 * (errno set, or EINVAL for an unknown extension). */
rup__syn_capw *rup__syn_capw_open(const char *path);
/* Write one Ethernet/IPv4/UDP frame carrying payload; addresses in host order. ts in ns
 * since the Unix epoch. Returns 0 or -1 (I/O error). */
int rup__syn_capw_udp(rup__syn_capw *w, int64_t ts_ns, uint32_t src_ip, uint16_t src_port,
                      uint32_t dst_ip, uint16_t dst_port, const uint8_t *payload, size_t len);
/* Flush and close; returns 0 or -1 if any write failed. NULL is a no-op returning 0. */
int rup__syn_capw_close(rup__syn_capw *w);

/* ---- Scenario (scenario.c) ---- */

typedef enum rup__syn_kind {
  RUP__SYN_OUTAGE = 0,
  RUP__SYN_ONE_WAY_OUTAGE,
  RUP__SYN_RANDOM_LOSS,
  RUP__SYN_BURST_LOSS,
  RUP__SYN_JITTER,
  RUP__SYN_DELAY_SPIKE,
  RUP__SYN_DELAY_RAMP,
  RUP__SYN_VIDEO_STALL,
  RUP__SYN_AUDIO_STALL,
  RUP__SYN_CAMERA_FREEZE,
  RUP__SYN_VIDEO_SUSPENDED,
  RUP__SYN_MUTE,
  RUP__SYN_CAMERA_OFF,
  RUP__SYN_DTX_SILENCE,
  RUP__SYN_TALK, /* not an impairment: forces who speaks (scenario directive) */
  RUP__SYN_KIND_COUNT
} rup__syn_kind;

/* Directions as bit masks. */
enum { RUP__SYN_IN = 1, RUP__SYN_OUT = 2, RUP__SYN_BOTH = 3 };
/* Media masks (which RTP packets an impairment touches; RTCP only with ALL). */
enum { RUP__SYN_M_AUDIO = 1, RUP__SYN_M_VIDEO = 2, RUP__SYN_M_RTCP = 4, RUP__SYN_M_ALL = 7 };

typedef struct rup__syn_imp {
  int kind;
  int dir;   /* RUP__SYN_IN/OUT/BOTH: the media direction as the local user sees it */
  int media; /* RUP__SYN_M_* mask */
  double start_s, end_s;
  /* parameters (meaning per kind, docs/synth.md) */
  double p, r, loss_good, loss_bad; /* random_loss p; Gilbert-Elliott p, r, 1-k, 1-h */
  double ms;                        /* jitter amplitude, spike / ramp extra delay */
  double ramp_s;                    /* delay_ramp rise and fall time */
  int reorder;                      /* jitter: 1 lets packets overtake each other */
  /* runtime: Gilbert-Elliott state per direction (0 good, 1 bad) */
  int ge_bad[2];
} rup__syn_imp;

#define RUP__SYN_MAX_IMP 64

typedef struct rup__syn_scenario {
  rup__syn_imp imp[RUP__SYN_MAX_IMP];
  size_t n;
} rup__syn_scenario;

const char *rup__syn_kind_name(int kind);
/* Parse one spec "KIND@START+DURATION[,key=value...]" (separators ',' or blanks) and
 * append it. Returns 0, or -1 with a message in err. */
int rup__syn_scenario_add(rup__syn_scenario *sc, const char *spec, char *err, size_t errlen);
/* Parse a scenario file: one spec per line, '#' comments, blank lines ignored.
 * Returns 0, or -1 with "FILE:LINE: message" in err. */
int rup__syn_scenario_load(rup__syn_scenario *sc, const char *path, char *err, size_t errlen);

/* ---- Speech (speech.c): talk schedule and speech-like signal ---- */

typedef struct rup__syn_iv {
  double a, b; /* [a, b) seconds */
} rup__syn_iv;

typedef struct rup__syn_talk {
  rup__syn_iv *iv; /* sorted, disjoint */
  size_t n, cap;
} rup__syn_talk;

/* Build both parties' talk schedules over [t0, t1): turn taking, talkspurts, pauses,
 * backchannels; then the scenario's talk and dtx_silence directives. party 0 = local,
 * 1 = remote. Returns 0 or -1 (out of memory). */
int rup__syn_talk_build(rup__syn_talk talk[2], const rup__syn_scenario *sc, uint64_t seed,
                        double t0, double t1);
void rup__syn_talk_free(rup__syn_talk *t);
/* 1 if t falls in a talkspurt. */
int rup__syn_talk_active(const rup__syn_talk *t, double s);
/* Seconds of talk in [a, b). */
double rup__syn_talk_overlap(const rup__syn_talk *t, double a, double b);

typedef struct rup__syn_voice {
  rup__syn_rng rng;
  double f0;              /* speaker's mean pitch, Hz */
  double phase;           /* glottal phase, cycles */
  double syl_t, syl_len;  /* current syllable start and length (s) */
  double syl_amp;         /* current syllable loudness */
  double f1, f2;          /* current vowel formants */
  double y1[2], y2[2], y3[2]; /* resonator states */
  double gain;            /* smoothed on/off gate */
  double hp;              /* noise high-pass state */
} rup__syn_voice;

void rup__syn_voice_init(rup__syn_voice *v, uint64_t seed, int party, double f0);
/* Render n samples at 48 kHz starting at time t0 (s) into pcm. */
void rup__syn_voice_render(rup__syn_voice *v, const rup__syn_talk *talk, double t0, int16_t *pcm,
                           size_t n);

/* ---- Picture (picture.c): a moving synthetic I420 scene ---- */

/* Draw the scene at content time t (s) into an I420 buffer of w x h (w, h even). */
void rup__syn_picture(uint8_t *i420, int w, int h, double t, int party);

/* ---- Eval (eval.c) and JSON (json.c) ---- */

typedef enum rup__js_type {
  RUP__JS_NULL = 0,
  RUP__JS_FALSE,
  RUP__JS_TRUE,
  RUP__JS_NUMBER,
  RUP__JS_STRING,
  RUP__JS_ARRAY,
  RUP__JS_OBJECT
} rup__js_type;

typedef struct rup__js rup__js;
struct rup__js {
  int type;
  double num;
  char *str;       /* STRING: NUL-terminated UTF-8 (may hold embedded NULs: see len) */
  size_t len;      /* STRING: byte length */
  size_t n;        /* ARRAY / OBJECT: number of items */
  rup__js **items; /* ARRAY / OBJECT: values */
  char **keys;     /* OBJECT: keys (NUL-terminated) */
};

/* Limits: nesting depth, document size, total values (hostile input stays bounded). */
#define RUP__JS_MAX_DEPTH 64
#define RUP__JS_MAX_INPUT (64u * 1024u * 1024u)
#define RUP__JS_MAX_VALUES (4u * 1024u * 1024u)

/* Parse exactly one JSON document (RFC 8259) from text[0..len). Returns 0 and *out, or
 * -1 with a message (with byte offset) in err. Rejects trailing garbage, lone
 * surrogates in \u escapes, control characters in strings, NaN/Infinity, leading zeros. */
int rup__js_parse(const char *text, size_t len, rup__js **out, char *err, size_t errlen);
void rup__js_free(rup__js *v);
/* Member of an object (the last one if the key repeats), or NULL. */
const rup__js *rup__js_get(const rup__js *obj, const char *key);
/* Number value, or dflt when v is not a number. */
double rup__js_num(const rup__js *v, double dflt);
/* String value, or NULL. */
const char *rup__js_str(const rup__js *v);

/* ---- Commands (tools/commands.h) are defined in synth.c and eval.c ---- */

#endif
