// std::fs as ordinary Rust code uses it: directories, whole-file reads and writes, listing.
use std::fs;

fn main() {
    fs::create_dir_all("a/b/c").unwrap();
    fs::write("a/b/c/hello.txt", "hello from rust").unwrap();
    println!("read: {}", fs::read_to_string("a/b/c/hello.txt").unwrap());
    println!("len: {}", fs::metadata("a/b/c/hello.txt").unwrap().len());
    println!("is dir: {}", fs::metadata("a/b").unwrap().is_dir());
    fs::write("a/one.txt", "1").unwrap();
    let mut names: Vec<String> = fs::read_dir("a").unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    println!("list: {}", names.join(","));
    fs::copy("a/one.txt", "a/two.txt").unwrap();
    println!("copy: {}", fs::read_to_string("a/two.txt").unwrap());
    fs::remove_dir_all("a").unwrap();
    println!("removed: {}", fs::metadata("a").is_err());
}
