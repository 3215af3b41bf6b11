//! grep-files: searches the files of a granted directory for a literal pattern, in Rust
//! with std::fs alone (Debian's rustc 1.63, `--target wasm32-wasi`, no crates).
//! stdin:  {"pattern": "TODO", "dir": "/files", "ignoreCase": false, "maxMatches": 100}
//! stdout: {"matches": [{"file": "/files/a.txt", "line": 3, "text": "..."}], "truncated": false}
//! A directory or file the grant does not reach fails the call (exit 2, the OS error on
//! stderr): the sandbox refuses it, the tool only reports.
mod json;

use json::Value;
use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::exit;

/// Longest line text returned; longer lines are cut (at a character boundary) so one
/// minified file cannot fill the output budget, and the line buffer stays this small.
const MAX_LINE_BYTES: usize = 400;

struct Search {
    pattern: Vec<u8>,
    ignore_case: bool,
    max_matches: usize,
    matches: Vec<(String, u64, String)>,
    truncated: bool,
}

fn fail(message: String) -> ! {
    eprintln!("grep-files: {}", message);
    exit(2);
}

fn main() {
    let mut input = String::new();
    if let Err(e) = io::stdin().read_to_string(&mut input) {
        fail(format!("cannot read arguments: {}", e));
    }
    let args = json::parse(&input).unwrap_or_else(|e| fail(format!("arguments are not JSON: {}", e)));
    let pattern = match args.get("pattern") {
        Some(Value::Str(s)) if !s.is_empty() => s.clone(),
        _ => fail("\"pattern\" must be a non-empty string".into()),
    };
    let dir = match args.get("dir") {
        Some(Value::Str(s)) => s.clone(),
        None => "/files".into(),
        _ => fail("\"dir\" must be a string".into()),
    };
    let ignore_case = matches!(args.get("ignoreCase"), Some(Value::Bool(true)));
    let max_matches = match args.get("maxMatches") {
        Some(Value::Num(n)) if *n >= 1.0 => *n as usize,
        None => 100,
        _ => fail("\"maxMatches\" must be a positive number".into()),
    };
    let mut search = Search {
        pattern: if ignore_case { pattern.to_ascii_lowercase().into_bytes() } else { pattern.into_bytes() },
        ignore_case,
        max_matches,
        matches: Vec::new(),
        truncated: false,
    };
    if let Err(e) = walk(Path::new(&dir), &mut search) {
        fail(format!("{}: {}", dir, e));
    }
    print_result(&search);
}

/// Depth first, entries sorted by name so the answer does not depend on readdir order.
/// Symlinks are skipped rather than followed: no loops, and a link pointing out of the
/// grant would only fail anyway.
fn walk(dir: &Path, search: &mut Search) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(dir)?.collect::<io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        if search.truncated {
            return Ok(());
        }
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            walk(&path, search)?;
        } else if kind.is_file() {
            let file = fs::File::open(&path).map_err(|e| io::Error::new(e.kind(), format!("{}: {}", path.display(), e)))?;
            scan(&path.to_string_lossy(), BufReader::with_capacity(64 * 1024, file), search)?;
        }
    }
    Ok(())
}

/// Streams the file line by line, keeping at most MAX_LINE_BYTES of a line: memory stays
/// flat whatever the file's size. A NUL byte marks a binary file, which is left.
fn scan(name: &str, mut reader: impl BufRead, search: &mut Search) -> io::Result<()> {
    let mut line: Vec<u8> = Vec::with_capacity(MAX_LINE_BYTES);
    let mut found = false;
    let mut number: u64 = 1;
    let mut carry: Vec<u8> = Vec::new(); // the end of the kept part, to match across it
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            if !line.is_empty() || found {
                finish_line(name, number, &line, found, search);
            }
            return Ok(());
        }
        if chunk.contains(&0) {
            return Ok(());
        }
        let (piece, newline) = match chunk.iter().position(|&b| b == b'\n') {
            Some(i) => (&chunk[..i], true),
            None => (chunk, false),
        };
        if !found {
            let mut window = std::mem::take(&mut carry);
            window.extend_from_slice(piece);
            found = contains(&window, &search.pattern, search.ignore_case);
            let keep = search.pattern.len().saturating_sub(1).min(window.len());
            carry = window[window.len() - keep..].to_vec();
        }
        let room = MAX_LINE_BYTES.saturating_sub(line.len());
        line.extend_from_slice(&piece[..piece.len().min(room)]);
        let used = piece.len() + newline as usize;
        reader.consume(used);
        if newline {
            finish_line(name, number, &line, found, search);
            if search.truncated {
                return Ok(());
            }
            line.clear();
            carry.clear();
            found = false;
            number += 1;
        }
    }
}

fn finish_line(name: &str, number: u64, line: &[u8], found: bool, search: &mut Search) {
    if !found {
        return;
    }
    if search.matches.len() == search.max_matches {
        search.truncated = true;
        return;
    }
    // A line cut at MAX_LINE_BYTES may end inside a character: drop that partial one.
    let whole = match std::str::from_utf8(line) {
        Err(e) if e.error_len().is_none() => &line[..e.valid_up_to()],
        _ => line,
    };
    let text = String::from_utf8_lossy(whole);
    search.matches.push((name.to_string(), number, text.trim_end_matches('\r').to_string()));
}

fn contains(haystack: &[u8], needle: &[u8], ignore_case: bool) -> bool {
    // ASCII case folding only: enough for identifiers and log levels, and no tables.
    haystack.windows(needle.len()).any(|w| if ignore_case { w.eq_ignore_ascii_case(needle) } else { w == needle })
}

fn print_result(search: &Search) {
    let mut out = String::from("{\"matches\":[");
    for (i, (file, line, text)) in search.matches.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&format!("{{\"file\":{},\"line\":{},\"text\":{}}}", json::quote(file), line, json::quote(text)));
    }
    out.push_str(&format!("],\"truncated\":{}}}", search.truncated));
    let stdout = io::stdout();
    let mut lock = stdout.lock();
    if lock.write_all(out.as_bytes()).and_then(|_| lock.flush()).is_err() {
        exit(3);
    }
}
