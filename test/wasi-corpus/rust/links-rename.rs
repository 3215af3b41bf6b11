// Hard links, symlinks read back, symlink_metadata vs metadata, rename.
use std::fs;

// std::os::wasi::fs::symlink_path is unstable in Rust 1.63: call preview1 directly.
#[link(wasm_import_module = "wasi_snapshot_preview1")]
extern "C" {
    fn path_symlink(old: *const u8, old_len: usize, fd: u32, new: *const u8, new_len: usize) -> u16;
}

fn symlink(target: &str, link: &str) -> u16 {
    // fd 3 is the first preopen, the granted directory.
    unsafe { path_symlink(target.as_ptr(), target.len(), 3, link.as_ptr(), link.len()) }
}

fn main() {
    fs::write("a.txt", "data").unwrap();
    fs::hard_link("a.txt", "b.txt").unwrap();
    println!("hard link: {}", fs::read_to_string("b.txt").unwrap());
    fs::rename("b.txt", "c.txt").unwrap();
    println!("renamed: {} {}", fs::metadata("b.txt").is_err(), fs::read_to_string("c.txt").unwrap());
    println!("symlink: {}", symlink("a.txt", "link"));
    println!("read_link: {}", fs::read_link("link").unwrap().display());
    println!("through link: {}", fs::read_to_string("link").unwrap());
    println!("symlink_metadata is symlink: {}", fs::symlink_metadata("link").unwrap().file_type().is_symlink());
    println!("metadata is file: {}", fs::metadata("link").unwrap().is_file());
    fs::remove_file("link").unwrap();
    println!("target kept: {}", fs::read_to_string("a.txt").unwrap());
}
