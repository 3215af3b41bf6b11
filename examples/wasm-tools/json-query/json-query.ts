// json-query: a WASI tool that evaluates a JSONPath-style query against a JSON value.
// stdin:  {"json": <any JSON value, or JSON text in a string>, "path": "$.items[0].name"}
// stdout: {"found": true, "value": ...}  or, with a * wildcard, {"found": true, "values": [...]}
// Paths: optional "$", then .name, ["name"], [index] (negative counts from the end), .* or [*].
import { JsonParser, JsonValue, Kind, stringify } from "../lib/json";
import { exit, readStdin, writeStderr, writeStdout } from "../lib/wasi";

class Segment {
  constructor(
    public key: string,
    public index: i32,
    public isIndex: bool,
    public wildcard: bool,
  ) {}
}

let pathError = "";

function isNameChar(c: i32): bool {
  return c != 0x2e && c != 0x5b && c != 0x5d;
}

function parsePath(path: string): Array<Segment> | null {
  const segments = new Array<Segment>();
  let pos = 0;
  if (path.startsWith("$")) pos = 1;
  let first = true;
  while (pos < path.length) {
    const c = path.charCodeAt(pos);
    if (c == 0x2e || (first && pos == 0 && c != 0x5b)) {
      if (c == 0x2e) pos++;
      const start = pos;
      while (pos < path.length && isNameChar(path.charCodeAt(pos))) pos++;
      const name = path.substring(start, pos);
      if (name.length == 0) {
        pathError = "empty name at offset " + start.toString();
        return null;
      }
      segments.push(new Segment(name, 0, false, name == "*"));
    } else if (c == 0x5b) {
      const close = path.indexOf("]", pos);
      if (close < 0) {
        pathError = "unclosed [ at offset " + pos.toString();
        return null;
      }
      const inner = path.substring(pos + 1, close).trim();
      if (inner == "*") segments.push(new Segment("", 0, false, true));
      else if (inner.startsWith('"')) {
        const parser = new JsonParser(inner);
        const key = parser.parseDocument();
        if (key === null || key.kind != Kind.String) {
          pathError = "bad quoted name " + inner;
          return null;
        }
        segments.push(new Segment(key.text, 0, false, false));
      } else {
        const parser = new JsonParser(inner);
        const n = parser.parseDocument();
        if (n === null || n.kind != Kind.Number || n.text.includes(".") || n.text.includes("e") || n.text.includes("E")) {
          pathError = "bad index [" + inner + "]";
          return null;
        }
        segments.push(new Segment("", I32.parseInt(n.text), true, false));
      }
      pos = close + 1;
    } else {
      pathError = "unexpected character at offset " + pos.toString();
      return null;
    }
    first = false;
  }
  return segments;
}

function step(current: Array<JsonValue>, segment: Segment): Array<JsonValue> {
  const next = new Array<JsonValue>();
  for (let i = 0; i < current.length; i++) {
    const v = current[i];
    if (segment.wildcard) {
      if (v.kind == Kind.Array || v.kind == Kind.Object) for (let j = 0; j < v.items.length; j++) next.push(v.items[j]);
    } else if (segment.isIndex) {
      if (v.kind != Kind.Array) continue;
      const index = segment.index < 0 ? v.items.length + segment.index : segment.index;
      if (index >= 0 && index < v.items.length) next.push(v.items[index]);
    } else if (v.kind == Kind.Object) {
      const member = v.get(segment.key);
      if (member !== null) next.push(member);
    }
  }
  return next;
}

function fail(message: string): void {
  writeStderr("json-query: " + message + "\n");
  exit(2);
}

function main(): void {
  const parser = new JsonParser(readStdin());
  const args = parser.parseDocument();
  if (args === null || args.kind != Kind.Object) return fail("arguments must be a JSON object: " + parser.error);
  const pathArg = args.get("path");
  if (pathArg === null || pathArg.kind != Kind.String) return fail('"path" must be a string');
  let doc = args.get("json");
  if (doc === null) return fail('"json" is required');
  if (doc.kind == Kind.String) {
    // A model often passes the document as JSON text; use it parsed when it parses.
    const parsed = new JsonParser(doc.text).parseDocument();
    if (parsed !== null) doc = parsed;
  }
  const segments = parsePath(pathArg.text);
  if (segments === null) return fail("invalid path: " + pathError);
  let current = new Array<JsonValue>();
  current.push(doc);
  let wildcard = false;
  for (let i = 0; i < segments.length; i++) {
    if (segments[i].wildcard) wildcard = true;
    current = step(current, segments[i]);
  }
  const result = JsonValue.newObject().set("found", JsonValue.ofBool(current.length > 0));
  if (wildcard) {
    const values = JsonValue.newArray();
    for (let i = 0; i < current.length; i++) values.push(current[i]);
    result.set("values", values);
  } else {
    result.set("value", current.length > 0 ? current[0] : JsonValue.ofNull());
  }
  writeStdout(stringify(result) + "\n");
}

main();
