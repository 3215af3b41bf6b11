// A small JSON reader and writer for AssemblyScript tools (AssemblyScript has no JSON).
// Numbers keep their source text, so values pass through a tool unchanged.

export const enum Kind {
  Null,
  Bool,
  Number,
  String,
  Array,
  Object,
}

export class JsonValue {
  kind: Kind = Kind.Null;
  bool: bool = false;
  /** The string's value, or a number's source text. */
  text: string = "";
  items: Array<JsonValue> = new Array<JsonValue>();
  keys: Array<string> = new Array<string>();

  static ofNull(): JsonValue {
    return new JsonValue();
  }

  static ofBool(value: bool): JsonValue {
    const v = new JsonValue();
    v.kind = Kind.Bool;
    v.bool = value;
    return v;
  }

  static ofNumberText(text: string): JsonValue {
    const v = new JsonValue();
    v.kind = Kind.Number;
    v.text = text;
    return v;
  }

  static ofInt(value: i64): JsonValue {
    return JsonValue.ofNumberText(value.toString());
  }

  static ofString(value: string): JsonValue {
    const v = new JsonValue();
    v.kind = Kind.String;
    v.text = value;
    return v;
  }

  static newArray(): JsonValue {
    const v = new JsonValue();
    v.kind = Kind.Array;
    return v;
  }

  static newObject(): JsonValue {
    const v = new JsonValue();
    v.kind = Kind.Object;
    return v;
  }

  /** Object member by key (last one wins), or null. */
  get(key: string): JsonValue | null {
    for (let i = this.keys.length - 1; i >= 0; i--) if (this.keys[i] == key) return this.items[i];
    return null;
  }

  set(key: string, value: JsonValue): JsonValue {
    this.keys.push(key);
    this.items.push(value);
    return this;
  }

  push(value: JsonValue): JsonValue {
    this.items.push(value);
    return this;
  }
}

/** Parses JSON text; on failure `error` is set and the result is null. */
export class JsonParser {
  pos: i32 = 0;
  error: string = "";

  constructor(private src: string) {}

  parseDocument(): JsonValue | null {
    const value = this.value(0);
    if (value === null) return null;
    this.skipSpace();
    if (this.pos < this.src.length) return this.fail("unexpected text after the JSON value");
    return value;
  }

  private fail(message: string): JsonValue | null {
    if (this.error.length == 0) this.error = message + " at offset " + this.pos.toString();
    return null;
  }

  private skipSpace(): void {
    while (this.pos < this.src.length) {
      const c = this.src.charCodeAt(this.pos);
      if (c != 0x20 && c != 0x09 && c != 0x0a && c != 0x0d) break;
      this.pos++;
    }
  }

  private value(depth: i32): JsonValue | null {
    if (depth > 512) return this.fail("nesting too deep");
    this.skipSpace();
    if (this.pos >= this.src.length) return this.fail("unexpected end of JSON");
    const c = this.src.charCodeAt(this.pos);
    if (c == 0x7b) return this.object(depth);
    if (c == 0x5b) return this.array(depth);
    if (c == 0x22) {
      const s = this.string();
      return s === null ? null : JsonValue.ofString(s);
    }
    if (this.src.startsWith("true", this.pos)) {
      this.pos += 4;
      return JsonValue.ofBool(true);
    }
    if (this.src.startsWith("false", this.pos)) {
      this.pos += 5;
      return JsonValue.ofBool(false);
    }
    if (this.src.startsWith("null", this.pos)) {
      this.pos += 4;
      return JsonValue.ofNull();
    }
    return this.number();
  }

  private isDigit(c: i32): bool {
    return c >= 0x30 && c <= 0x39;
  }

  private digits(): i32 {
    const start = this.pos;
    while (this.pos < this.src.length && this.isDigit(this.src.charCodeAt(this.pos))) this.pos++;
    return this.pos - start;
  }

  private number(): JsonValue | null {
    const start = this.pos;
    if (this.src.charCodeAt(this.pos) == 0x2d) this.pos++;
    if (this.digits() == 0) return this.fail("unexpected character");
    if (this.pos < this.src.length && this.src.charCodeAt(this.pos) == 0x2e) {
      this.pos++;
      if (this.digits() == 0) return this.fail("bad number");
    }
    if (this.pos < this.src.length && (this.src.charCodeAt(this.pos) | 0x20) == 0x65) {
      this.pos++;
      const sign = this.src.charCodeAt(this.pos);
      if (sign == 0x2b || sign == 0x2d) this.pos++;
      if (this.digits() == 0) return this.fail("bad number exponent");
    }
    return JsonValue.ofNumberText(this.src.substring(start, this.pos));
  }

  private hex4(): i32 {
    if (this.pos + 4 > this.src.length) return -1;
    let value = 0;
    for (let i = 0; i < 4; i++) {
      const c = this.src.charCodeAt(this.pos + i);
      let d = -1;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66) d = (c | 0x20) - 0x61 + 10;
      if (d < 0) return -1;
      value = value * 16 + d;
    }
    this.pos += 4;
    return value;
  }

  string(): string | null {
    this.pos++; // opening quote
    const parts = new Array<string>();
    let runStart = this.pos;
    while (true) {
      if (this.pos >= this.src.length) {
        this.fail("unterminated string");
        return null;
      }
      const c = this.src.charCodeAt(this.pos);
      if (c == 0x22) break;
      if (c < 0x20) {
        this.fail("control character in string");
        return null;
      }
      if (c != 0x5c) {
        this.pos++;
        continue;
      }
      parts.push(this.src.substring(runStart, this.pos));
      this.pos++;
      const e = this.src.charCodeAt(this.pos);
      this.pos++;
      if (e == 0x22) parts.push('"');
      else if (e == 0x5c) parts.push("\\");
      else if (e == 0x2f) parts.push("/");
      else if (e == 0x62) parts.push("\b");
      else if (e == 0x66) parts.push("\f");
      else if (e == 0x6e) parts.push("\n");
      else if (e == 0x72) parts.push("\r");
      else if (e == 0x74) parts.push("\t");
      else if (e == 0x75) {
        const code = this.hex4();
        if (code < 0) {
          this.fail("bad \\u escape");
          return null;
        }
        parts.push(String.fromCharCode(code));
      } else {
        this.fail("bad escape");
        return null;
      }
      runStart = this.pos;
    }
    parts.push(this.src.substring(runStart, this.pos));
    this.pos++; // closing quote
    return parts.join("");
  }

  private array(depth: i32): JsonValue | null {
    this.pos++;
    const result = JsonValue.newArray();
    this.skipSpace();
    if (this.src.charCodeAt(this.pos) == 0x5d) {
      this.pos++;
      return result;
    }
    while (true) {
      const item = this.value(depth + 1);
      if (item === null) return null;
      result.push(item);
      this.skipSpace();
      const c = this.src.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x5d) return result;
      if (c != 0x2c) return this.fail("expected , or ]");
    }
  }

  private object(depth: i32): JsonValue | null {
    this.pos++;
    const result = JsonValue.newObject();
    this.skipSpace();
    if (this.src.charCodeAt(this.pos) == 0x7d) {
      this.pos++;
      return result;
    }
    while (true) {
      this.skipSpace();
      if (this.src.charCodeAt(this.pos) != 0x22) return this.fail("expected a string key");
      const key = this.string();
      if (key === null) return null;
      this.skipSpace();
      if (this.src.charCodeAt(this.pos) != 0x3a) return this.fail("expected :");
      this.pos++;
      const item = this.value(depth + 1);
      if (item === null) return null;
      result.set(key, item);
      this.skipSpace();
      const c = this.src.charCodeAt(this.pos);
      this.pos++;
      if (c == 0x7d) return result;
      if (c != 0x2c) return this.fail("expected , or }");
    }
  }
}

const HEX = "0123456789abcdef";

export function quote(s: string): string {
  const parts = new Array<string>();
  parts.push('"');
  let runStart = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x20 && c != 0x22 && c != 0x5c) continue;
    parts.push(s.substring(runStart, i));
    if (c == 0x22) parts.push('\\"');
    else if (c == 0x5c) parts.push("\\\\");
    else if (c == 0x0a) parts.push("\\n");
    else if (c == 0x0d) parts.push("\\r");
    else if (c == 0x09) parts.push("\\t");
    else parts.push("\\u00" + HEX.charAt(c >> 4) + HEX.charAt(c & 15));
    runStart = i + 1;
  }
  parts.push(s.substring(runStart));
  parts.push('"');
  return parts.join("");
}

export function stringify(v: JsonValue): string {
  if (v.kind == Kind.Null) return "null";
  if (v.kind == Kind.Bool) return v.bool ? "true" : "false";
  if (v.kind == Kind.Number) return v.text;
  if (v.kind == Kind.String) return quote(v.text);
  const parts = new Array<string>();
  if (v.kind == Kind.Array) {
    for (let i = 0; i < v.items.length; i++) parts.push(stringify(v.items[i]));
    return "[" + parts.join(",") + "]";
  }
  for (let i = 0; i < v.items.length; i++) parts.push(quote(v.keys[i]) + ":" + stringify(v.items[i]));
  return "{" + parts.join(",") + "}";
}
