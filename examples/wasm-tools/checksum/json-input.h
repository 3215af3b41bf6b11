/* Reads the one shape of arguments the tool takes, an object whose `key` is an array of
 * strings, in place (strings are unescaped into the input buffer). Other keys are skipped
 * whatever their value. Returns NULL on success, else what was wrong. */
#include <stddef.h>

static const char *json_at;

static void json_space(void) {
  while (*json_at == ' ' || *json_at == '\t' || *json_at == '\n' || *json_at == '\r') json_at++;
}

static unsigned json_hex4(const char *p, int *ok) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else *ok = 0;
  }
  return v;
}

/* Unescapes the string at json_at (its opening quote) into itself; NULL if malformed. */
static char *json_string(void) {
  char *out = (char *)++json_at, *start = out;
  for (;;) {
    char c = *json_at++;
    if (c == 0) return NULL;
    if (c == '"') break;
    if (c != '\\') {
      *out++ = c;
      continue;
    }
    c = *json_at++;
    const char *simple = strchr("\"\\/bfnrt", c);
    if (c && simple) {
      *out++ = "\"\\/\b\f\n\r\t"[simple - "\"\\/bfnrt"];
      continue;
    }
    if (c != 'u') return NULL;
    int ok = 1;
    unsigned code = json_hex4(json_at, &ok);
    if (!ok) return NULL;
    json_at += 4;
    if (code >= 0xd800 && code < 0xdc00 && json_at[0] == '\\' && json_at[1] == 'u') {
      unsigned low = json_hex4(json_at + 2, &ok);
      if (!ok || low < 0xdc00 || low > 0xdfff) return NULL;
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
      json_at += 6;
    }
    if (code == 0) return NULL; /* a NUL would cut the path short: refuse it */
    /* UTF-8 is never longer than the escape it replaces, so writing in place is safe. */
    if (code < 0x80) *out++ = (char)code;
    else if (code < 0x800) *out++ = (char)(0xc0 | code >> 6), *out++ = (char)(0x80 | (code & 0x3f));
    else if (code < 0x10000) *out++ = (char)(0xe0 | code >> 12), *out++ = (char)(0x80 | (code >> 6 & 0x3f)), *out++ = (char)(0x80 | (code & 0x3f));
    else
      *out++ = (char)(0xf0 | code >> 18), *out++ = (char)(0x80 | (code >> 12 & 0x3f)), *out++ = (char)(0x80 | (code >> 6 & 0x3f)),
      *out++ = (char)(0x80 | (code & 0x3f));
  }
  *out = 0;
  return start;
}

/* Skips any value; depth-bounded so hostile arguments cannot exhaust the stack. */
static int json_skip(int depth) {
  json_space();
  if (depth > 64) return 0;
  char c = *json_at;
  if (c == '"') return json_string() != NULL;
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    json_at++;
    json_space();
    if (*json_at == close) return json_at++, 1;
    for (;;) {
      if (c == '{') {
        json_space();
        if (*json_at != '"' || !json_string()) return 0;
        json_space();
        if (*json_at++ != ':') return 0;
      }
      if (!json_skip(depth + 1)) return 0;
      json_space();
      if (*json_at == close) return json_at++, 1;
      if (*json_at++ != ',') return 0;
    }
  }
  const char *start = json_at;
  while (*json_at && strchr("-+.eE0123456789truefalsn", *json_at)) json_at++;
  return json_at > start;
}

static const char *json_string_array(char *text, const char *key, char **items, int max) {
  int count = 0, seen = 0;
  json_at = text;
  json_space();
  if (*json_at++ != '{') return "expected an object";
  json_space();
  if (*json_at == '}') return "missing \"files\"";
  for (;;) {
    json_space();
    if (*json_at != '"') return "expected a key";
    char *name = json_string();
    if (!name) return "bad string";
    json_space();
    if (*json_at++ != ':') return "expected ':'";
    json_space();
    if (strcmp(name, key) == 0) {
      if (*json_at++ != '[') return "\"files\" must be an array of strings";
      seen = 1;
      json_space();
      if (*json_at == ']') json_at++;
      else
        for (;;) {
          json_space();
          if (*json_at != '"') return "\"files\" must be an array of strings";
          if (count == max - 1) return "too many files (at most 255)";
          if (!(items[count++] = json_string())) return "bad string";
          json_space();
          if (*json_at == ']') {
            json_at++;
            break;
          }
          if (*json_at++ != ',') return "expected ',' or ']'";
        }
    } else if (!json_skip(0)) {
      return "bad value";
    }
    json_space();
    if (*json_at == '}') break;
    if (*json_at++ != ',') return "expected ',' or '}'";
  }
  json_at++;
  json_space();
  if (*json_at) return "text after the object";
  if (!seen) return "missing \"files\"";
  items[count] = NULL;
  return NULL;
}
