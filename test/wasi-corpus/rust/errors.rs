// std::io::ErrorKind for the ordinary failures.
use std::fs;

fn main() {
    println!("missing: {:?}", fs::read("missing").unwrap_err().kind());
    fs::write("f", "x").unwrap();
    let excl = fs::OpenOptions::new().write(true).create_new(true).open("f");
    println!("create_new existing: {:?}", excl.unwrap_err().kind());
    fs::create_dir("d").unwrap();
    println!("create_dir existing: {:?}", fs::create_dir("d").unwrap_err().kind());
    fs::write("d/inner", "y").unwrap();
    println!("remove_dir non-empty: {}", fs::remove_dir("d").is_err());
    println!("remove_file dir: {}", fs::remove_file("d").is_err());
    println!("read_dir file: {}", fs::read_dir("f").is_err());
    println!("escape: {}", fs::read("../outside").is_err());
}
