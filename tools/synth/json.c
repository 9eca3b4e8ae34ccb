/* A small, bounded JSON parser (RFC 8259) for `rupture eval`: a DOM of rup__js values.
 * Hostile input is expected: depth, input size and value count are capped
 * (RUP__JS_MAX_*), every read is bounds-checked, and errors carry the byte offset. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

typedef struct parser {
  const char *s;
  size_t n, i;
  size_t values;
  char *err;
  size_t errlen;
  int failed;
} parser;

static void fail(parser *p, const char *msg) {
  if (!p->failed && p->errlen) snprintf(p->err, p->errlen, "JSON: %s at byte %zu", msg, p->i);
  p->failed = 1;
}

static void ws(parser *p) {
  while (p->i < p->n) {
    char c = p->s[p->i];
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') break; /* RFC 8259 §2 whitespace */
    p->i++;
  }
}

static rup__js *new_val(parser *p, int type) {
  if (++p->values > RUP__JS_MAX_VALUES) {
    fail(p, "too many values");
    return NULL;
  }
  rup__js *v = calloc(1, sizeof *v);
  if (!v) fail(p, "out of memory");
  else v->type = type;
  return v;
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

static int hex4(parser *p, unsigned *out) {
  if (p->n - p->i < 4) return -1;
  unsigned v = 0;
  for (int k = 0; k < 4; k++) {
    int h = hexval(p->s[p->i + (size_t)k]);
    if (h < 0) return -1;
    v = v << 4 | (unsigned)h;
  }
  p->i += 4;
  *out = v;
  return 0;
}

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | cp >> 6);
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12);
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18);
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

/* Parse a string at p->i (on the opening quote). The decoded text is never longer than
 * the source, so one allocation of the source span suffices. */
static char *parse_string(parser *p, size_t *len) {
  p->i++; /* opening quote */
  size_t start = p->i, end = start;
  while (end < p->n && p->s[end] != '"') end += p->s[end] == '\\' ? 2 : 1;
  if (end >= p->n) {
    p->i = p->n;
    fail(p, "unterminated string");
    return NULL;
  }
  char *o = malloc(end - start + 1);
  if (!o) {
    fail(p, "out of memory");
    return NULL;
  }
  size_t w = 0;
  while (p->i < p->n && p->s[p->i] != '"') {
    unsigned char c = (unsigned char)p->s[p->i];
    if (c < 0x20) { /* RFC 8259 §7: control characters must be escaped */
      fail(p, "control character in string");
      break;
    }
    if (c != '\\') {
      o[w++] = (char)c;
      p->i++;
      continue;
    }
    p->i++;
    if (p->i >= p->n) {
      fail(p, "bad escape");
      break;
    }
    char e = p->s[p->i++];
    const char *simple = "\"\\/bfnrt", *repl = "\"\\/\b\f\n\r\t";
    const char *k = e ? strchr(simple, e) : NULL;
    if (k) {
      o[w++] = repl[k - simple];
      continue;
    }
    unsigned cp;
    if (e != 'u' || hex4(p, &cp)) {
      fail(p, "bad escape");
      break;
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) { /* high surrogate: a low one must follow */
      unsigned lo;
      if (p->n - p->i < 2 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u') {
        fail(p, "lone surrogate");
        break;
      }
      p->i += 2;
      if (hex4(p, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
        fail(p, "lone surrogate");
        break;
      }
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
      fail(p, "lone surrogate");
      break;
    }
    w += put_utf8(o + w, cp); /* \uXXXX (6 bytes) → at most 3; a pair (12) → 4 */
  }
  if (p->failed) {
    free(o);
    return NULL;
  }
  p->i++; /* closing quote */
  o[w] = '\0';
  *len = w;
  return o;
}

static int parse_number(parser *p, double *out) {
  /* RFC 8259 §6: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
  size_t i = p->i, st = i;
  if (i < p->n && p->s[i] == '-') i++;
  if (i >= p->n) return -1;
  if (p->s[i] == '0') {
    i++;
  } else if (p->s[i] >= '1' && p->s[i] <= '9') {
    while (i < p->n && p->s[i] >= '0' && p->s[i] <= '9') i++;
  } else {
    return -1;
  }
  if (i < p->n && p->s[i] == '.') {
    i++;
    size_t d = i;
    while (i < p->n && p->s[i] >= '0' && p->s[i] <= '9') i++;
    if (i == d) return -1;
  }
  if (i < p->n && (p->s[i] == 'e' || p->s[i] == 'E')) {
    i++;
    if (i < p->n && (p->s[i] == '+' || p->s[i] == '-')) i++;
    size_t d = i;
    while (i < p->n && p->s[i] >= '0' && p->s[i] <= '9') i++;
    if (i == d) return -1;
  }
  char buf[64];
  size_t len = i - st;
  if (len >= sizeof buf) { /* long numbers: still valid JSON, parse a bounded copy */
    char *tmp = malloc(len + 1);
    if (!tmp) return -1;
    memcpy(tmp, p->s + st, len);
    tmp[len] = '\0';
    *out = strtod(tmp, NULL);
    free(tmp);
  } else {
    memcpy(buf, p->s + st, len);
    buf[len] = '\0';
    *out = strtod(buf, NULL);
  }
  if (!isfinite(*out)) *out = *out > 0 ? 1.7976931348623157e308 : -1.7976931348623157e308;
  p->i = i;
  return 0;
}

static int add_item(parser *p, rup__js *c, rup__js *v, char *key) {
  if ((c->n & (c->n - 1)) == 0) { /* grow at powers of two */
    size_t cap = c->n ? c->n * 2 : 4;
    rup__js **it = realloc(c->items, cap * sizeof *it);
    if (!it) goto oom;
    c->items = it;
    if (c->type == RUP__JS_OBJECT) {
      char **k = realloc(c->keys, cap * sizeof *k);
      if (!k) goto oom;
      c->keys = k;
    }
  }
  c->items[c->n] = v;
  if (c->type == RUP__JS_OBJECT) c->keys[c->n] = key;
  c->n++;
  return 0;
oom:
  fail(p, "out of memory");
  return -1;
}

static rup__js *parse_value(parser *p, int depth) {
  ws(p);
  if (p->i >= p->n) {
    fail(p, "unexpected end");
    return NULL;
  }
  if (depth > RUP__JS_MAX_DEPTH) {
    fail(p, "nesting too deep");
    return NULL;
  }
  char c = p->s[p->i];
  if (c == '{' || c == '[') {
    int obj = c == '{';
    rup__js *v = new_val(p, obj ? RUP__JS_OBJECT : RUP__JS_ARRAY);
    if (!v) return NULL;
    p->i++;
    ws(p);
    if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) {
      p->i++;
      return v;
    }
    for (;;) {
      char *key = NULL;
      if (obj) {
        ws(p);
        size_t kl;
        if (p->i >= p->n || p->s[p->i] != '"') {
          fail(p, "expected a key");
          break;
        }
        key = parse_string(p, &kl);
        if (!key) break;
        ws(p);
        if (p->i >= p->n || p->s[p->i] != ':') {
          free(key);
          fail(p, "expected ':'");
          break;
        }
        p->i++;
      }
      rup__js *item = parse_value(p, depth + 1);
      if (!item || add_item(p, v, item, key)) {
        free(key);
        rup__js_free(item);
        break;
      }
      ws(p);
      if (p->i < p->n && p->s[p->i] == ',') {
        p->i++;
        continue;
      }
      if (p->i < p->n && p->s[p->i] == (obj ? '}' : ']')) {
        p->i++;
        return v;
      }
      fail(p, obj ? "expected ',' or '}'" : "expected ',' or ']'");
      break;
    }
    rup__js_free(v);
    return NULL;
  }
  if (c == '"') {
    rup__js *v = new_val(p, RUP__JS_STRING);
    if (!v) return NULL;
    v->str = parse_string(p, &v->len);
    if (!v->str) {
      free(v);
      return NULL;
    }
    return v;
  }
  static const struct {
    const char *lit;
    int type;
  } lits[] = {{"null", RUP__JS_NULL}, {"true", RUP__JS_TRUE}, {"false", RUP__JS_FALSE}};
  for (size_t k = 0; k < sizeof lits / sizeof lits[0]; k++) {
    size_t l = strlen(lits[k].lit);
    if (p->n - p->i >= l && memcmp(p->s + p->i, lits[k].lit, l) == 0) {
      p->i += l;
      return new_val(p, lits[k].type);
    }
  }
  double d;
  if (parse_number(p, &d) == 0) {
    rup__js *v = new_val(p, RUP__JS_NUMBER);
    if (v) v->num = d;
    return v;
  }
  fail(p, "unexpected character");
  return NULL;
}

int rup__js_parse(const char *text, size_t len, rup__js **out, char *err, size_t errlen) {
  parser p = {text, len, 0, 0, err, errlen, 0};
  *out = NULL;
  if (errlen) err[0] = '\0';
  if (len > RUP__JS_MAX_INPUT) {
    fail(&p, "document too large");
    return -1;
  }
  rup__js *v = parse_value(&p, 0);
  if (!v) {
    if (!p.failed) fail(&p, "invalid");
    return -1;
  }
  ws(&p);
  if (p.i != p.n) {
    fail(&p, "trailing characters");
    rup__js_free(v);
    return -1;
  }
  *out = v;
  return 0;
}

void rup__js_free(rup__js *v) {
  if (!v) return;
  for (size_t i = 0; i < v->n; i++) {
    rup__js_free(v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
  free(v->str);
  free(v);
}

const rup__js *rup__js_get(const rup__js *obj, const char *key) {
  if (!obj || obj->type != RUP__JS_OBJECT) return NULL;
  for (size_t i = obj->n; i-- > 0;)
    if (strcmp(obj->keys[i], key) == 0) return obj->items[i];
  return NULL;
}

double rup__js_num(const rup__js *v, double dflt) {
  return v && v->type == RUP__JS_NUMBER ? v->num : dflt;
}

const char *rup__js_str(const rup__js *v) { return v && v->type == RUP__JS_STRING ? v->str : NULL; }
