//! Embeds the course's features (`features/**/*.feature`) into the binary, so
//! a student runs `cloudgrade` from anywhere without a copy of this repo.
use std::path::{Path, PathBuf};

fn main() {
    println!("cargo:rerun-if-changed=features");
    // Read at run time, not with env!: cargo reuses one compiled build
    // script for checkouts of the same source sharing a target directory
    // (worktrees, a CI cache), and env! would embed the features of the
    // checkout that compiled it first.
    let root = PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
    let root = root.as_path();
    let mut files = Vec::new();
    collect(&root.join("features"), &mut files);
    files.sort();
    let mut out = String::from("pub static EMBEDDED: &[(&str, &str)] = &[\n");
    for f in &files {
        let rel = f
            .strip_prefix(root)
            .unwrap_or(f)
            .to_string_lossy()
            .replace('\\', "/");
        out.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("features.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "feature") {
            out.push(path);
        }
    }
}
