// std::io on std::fs::File: OpenOptions, Seek, Read, Write, append mode, set_len.
use std::fs::{self, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};

fn main() {
    let mut f = OpenOptions::new().read(true).write(true).create(true).truncate(true).open("f.txt").unwrap();
    f.write_all(b"0123456789").unwrap();
    f.seek(SeekFrom::Start(3)).unwrap();
    let mut buf = [0u8; 4];
    f.read_exact(&mut buf).unwrap();
    println!("read at 3: {}", String::from_utf8_lossy(&buf));
    println!("position: {}", f.seek(SeekFrom::Current(0)).unwrap());
    f.seek(SeekFrom::End(-2)).unwrap();
    f.write_all(b"XY").unwrap();
    f.set_len(12).unwrap();
    println!("len: {}", f.metadata().unwrap().len());
    drop(f);
    let mut log = OpenOptions::new().append(true).open("f.txt").unwrap();
    log.write_all(b"+").unwrap();
    drop(log);
    let bytes = fs::read("f.txt").unwrap();
    println!("content: {:?}", String::from_utf8_lossy(&bytes));
    let mut reader = fs::File::open("f.txt").unwrap();
    println!("write to read-only: {:?}", reader.write(b"x").is_err());
    let mut all = String::new();
    reader.read_to_string(&mut all).unwrap();
    println!("read_to_string: {}", all.len());
}
