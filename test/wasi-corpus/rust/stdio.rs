// stdin to stdout through std::io, line by line, and an exit code.
use std::io::{self, BufRead, Write};

fn main() {
    let stdin = io::stdin();
    let mut out = io::stdout().lock();
    let mut lines = 0;
    for line in stdin.lock().lines() {
        writeln!(out, "> {}", line.unwrap().to_uppercase()).unwrap();
        lines += 1;
    }
    eprintln!("{} lines", lines);
    std::process::exit(if lines == 2 { 0 } else { 3 });
}
