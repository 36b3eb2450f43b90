#![allow(dead_code)]

use std::path::Path;

use cloudgrade_model::{Inventory, Tags};
use cloudgrade_terraform::{Options, load_dir};

/// Writes files (paths may have directories) into a fresh directory.
pub fn write(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

pub fn load(files: &[(&str, &str)]) -> Inventory {
    load_with(files, &Options::default())
}

pub fn load_with(files: &[(&str, &str)], opts: &Options) -> Inventory {
    let dir = write(files);
    load_dir(dir.path(), opts).unwrap_or_else(|e| panic!("{e}"))
}

/// Evaluates expressions as the tags of a VPC: a tag holds any string, and
/// an unknown reads as its reference.
pub fn tags(exprs: &[(&str, &str)], extra: &str) -> Tags {
    let body: String = exprs
        .iter()
        .map(|(k, e)| format!("    {k} = {e}\n"))
        .collect();
    let main = format!(
        "{extra}\nresource \"aws_vpc\" \"t\" {{\n  cidr_block = \"10.0.0.0/16\"\n  tags = {{\n{body}  }}\n}}\n"
    );
    let inv = load(&[("main.tf", &main)]);
    inv.vpc("aws_vpc.t").unwrap().tags.clone()
}

pub fn curso() -> Inventory {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/terraform/curso");
    load_dir(&dir, &Options::default()).unwrap()
}

/// Asserts no gap leaves any of `kinds` unknown.
pub fn no_gap_of(inv: &Inventory, kinds: &[cloudgrade_model::ResourceKind]) {
    let found: Vec<_> = inv
        .gaps
        .iter()
        .filter(|g| kinds.contains(&g.kind))
        .collect();
    assert!(found.is_empty(), "{found:#?}");
}

/// Asserts some gap's message says every one of `needles`.
pub fn gap_saying(inv: &Inventory, needles: &[&str]) {
    assert!(
        inv.gaps
            .iter()
            .any(|g| needles.iter().all(|n| g.message.contains(n))),
        "no gap says {needles:?}: {:#?}",
        inv.gaps
    );
}
