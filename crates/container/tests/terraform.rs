//! `--container --terraform DIR`: the student's configuration is applied in
//! a copy, never in their folder. Uses only Terraform's built-in provider,
//! so nothing is downloaded.

use std::path::Path;

use cloudgrade_container::ContainerError;
use cloudgrade_container::terraform;

const CONFIG: &str = r#"
resource "terraform_data" "marca" {
  input = "cloudgrade"
}

output "marca" {
  value = terraform_data.marca.output
}
"#;

fn student_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), CONFIG).unwrap();
    std::fs::create_dir(dir.path().join(".terraform")).unwrap();
    std::fs::write(dir.path().join(".terraform/stale"), "from an earlier init").unwrap();
    dir
}

fn listing(dir: &Path) -> Vec<String> {
    let mut out: Vec<String> = walk(dir)
        .into_iter()
        .map(|p| p.strip_prefix(dir).unwrap().display().to_string())
        .collect();
    out.sort();
    out
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        }
        out.push(p);
    }
    out
}

#[test]
fn applies_a_copy_and_leaves_the_students_folder_untouched() {
    if terraform::find_binary().is_none() {
        eprintln!("SKIP: no hay terraform ni tofu en el PATH");
        return;
    }
    let student = student_dir();
    let before = listing(student.path());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let applied = rt
        .block_on(terraform::apply(
            student.path(),
            "http://127.0.0.1:9",
            "us-east-1",
        ))
        .unwrap();
    let state = std::fs::read_to_string(applied.workdir.path().join("terraform.tfstate")).unwrap();
    assert!(state.contains("\"marca\""), "the copy was applied: {state}");
    assert!(
        !applied
            .workdir
            .path()
            .join(terraform::PROVIDER_FILE)
            .exists(),
        "no AWS use, no provider written"
    );
    assert!(
        !applied.workdir.path().join(".terraform/stale").exists(),
        "the student's .terraform is not copied"
    );
    assert_eq!(
        listing(student.path()),
        before,
        "the student's folder is as it was"
    );
    let copy = applied.workdir.path().to_path_buf();
    drop(applied);
    assert!(!copy.exists(), "the copy goes away with the run");
}

#[test]
fn a_failing_apply_is_one_line_naming_the_error() {
    if terraform::find_binary().is_none() {
        eprintln!("SKIP: no hay terraform ni tofu en el PATH");
        return;
    }
    let student = tempfile::tempdir().unwrap();
    std::fs::write(
        student.path().join("main.tf"),
        "variable \"sin_valor\" {}\noutput \"x\" { value = var.sin_valor }\n",
    )
    .unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = rt
        .block_on(terraform::apply(
            student.path(),
            "http://127.0.0.1:9",
            "us-east-1",
        ))
        .unwrap_err();
    let msg = err.to_string();
    eprintln!("{msg}");
    assert!(matches!(err, ContainerError::Terraform { .. }), "{err:?}");
    assert!(
        msg.contains("apply") && msg.contains("sin_valor") && !msg.contains('\n'),
        "{msg}"
    );
}

#[test]
fn without_terraform_or_tofu_the_path_search_finds_nothing() {
    let empty = tempfile::tempdir().unwrap();
    assert_eq!(terraform::find_binary_in(empty.path().as_os_str()), None);
    std::fs::write(empty.path().join("tofu"), "").unwrap();
    assert_eq!(
        terraform::find_binary_in(empty.path().as_os_str()),
        Some(empty.path().join("tofu"))
    );
    assert_eq!(
        ContainerError::NoTerraform.to_string().lines().count(),
        1,
        "one line: {}",
        ContainerError::NoTerraform
    );
}

#[test]
fn a_folder_without_terraform_is_bad_input() {
    if terraform::find_binary().is_none() {
        eprintln!("SKIP: no hay terraform ni tofu en el PATH");
        return;
    }
    let empty = tempfile::tempdir().unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let err = rt
        .block_on(terraform::apply(
            empty.path(),
            "http://127.0.0.1:9",
            "us-east-1",
        ))
        .unwrap_err();
    assert_eq!(
        err.class(),
        cloudgrade_container::ErrorClass::BadInput,
        "{err}"
    );
    assert!(
        err.to_string().contains("no contiene archivos .tf"),
        "{err}"
    );
}
