// text-stats: a WASI tool that counts a text's characters, words and lines and lists its
// most frequent words.
// stdin:  {"text": "...", "top": 5}
// stdout: {"chars": n, "words": n, "lines": n, "uniqueWords": n, "topWords": [{"word": "the", "count": 3}, ...]}
// Words are runs of letters, digits and inner apostrophes, compared case-insensitively.
import { JsonParser, JsonValue, Kind, stringify } from "../lib/json";
import { exit, readStdin, writeStderr, writeStdout } from "../lib/wasi";

class WordCount {
  constructor(
    public word: string,
    public count: i32,
  ) {}
}

function isWordChar(c: i32): bool {
  if (c >= 0x30 && c <= 0x39) return true;
  const lower = c | 0x20;
  if (lower >= 0x61 && lower <= 0x7a) return true;
  // Letters beyond ASCII: Latin-1 letters (minus × and ÷) and everything from U+0100 on
  // except general punctuation and spaces.
  if (c >= 0xc0 && c != 0xd7 && c != 0xf7 && !(c >= 0x2000 && c <= 0x206f) && c != 0x3000 && c != 0xfeff) return true;
  return false;
}

function fail(message: string): void {
  writeStderr("text-stats: " + message + "\n");
  exit(2);
}

function compareCounts(a: WordCount, b: WordCount): i32 {
  if (a.count != b.count) return b.count - a.count;
  return a.word < b.word ? -1 : a.word > b.word ? 1 : 0;
}

function main(): void {
  const parser = new JsonParser(readStdin());
  const args = parser.parseDocument();
  if (args === null || args.kind != Kind.Object) return fail("arguments must be a JSON object: " + parser.error);
  const textArg = args.get("text");
  if (textArg === null || textArg.kind != Kind.String) return fail('"text" must be a string');
  let top = 5;
  const topArg = args.get("top");
  if (topArg !== null) {
    if (topArg.kind != Kind.Number) return fail('"top" must be a number');
    top = I32.parseInt(topArg.text);
    if (top < 0) top = 0;
  }
  const text = textArg.text;
  let chars = 0;
  let lines = 0;
  let words = 0;
  const counts = new Map<string, i32>();
  let wordStart = -1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x20;
    if (i < text.length) {
      // A surrogate pair is one character.
      if (c < 0xdc00 || c > 0xdfff) chars++;
      if (c == 0x0a) lines++;
    }
    const inner = c == 0x27 && wordStart >= 0 && i + 1 < text.length && isWordChar(text.charCodeAt(i + 1));
    if (isWordChar(c) || inner || (c >= 0xd800 && c <= 0xdfff)) {
      if (wordStart < 0) wordStart = i;
      continue;
    }
    if (wordStart >= 0) {
      const word = text.substring(wordStart, i).toLowerCase();
      words++;
      counts.set(word, counts.has(word) ? counts.get(word) + 1 : 1);
      wordStart = -1;
    }
  }
  if (text.length > 0 && text.charCodeAt(text.length - 1) != 0x0a) lines++;
  const keys = counts.keys();
  const list = new Array<WordCount>();
  for (let i = 0; i < keys.length; i++) list.push(new WordCount(keys[i], counts.get(keys[i])));
  list.sort(compareCounts);
  const topWords = JsonValue.newArray();
  for (let i = 0; i < list.length && i < top; i++) {
    topWords.push(JsonValue.newObject().set("word", JsonValue.ofString(list[i].word)).set("count", JsonValue.ofInt(list[i].count)));
  }
  const result = JsonValue.newObject()
    .set("chars", JsonValue.ofInt(chars))
    .set("words", JsonValue.ofInt(words))
    .set("lines", JsonValue.ofInt(lines))
    .set("uniqueWords", JsonValue.ofInt(counts.size))
    .set("topWords", topWords);
  writeStdout(stringify(result) + "\n");
}

main();
