//! Applies the student's Terraform into the emulator the way `tflocal` does,
//! without touching the student's files: the configuration is copied to a
//! temporary folder, a provider override there points every AWS service at
//! the emulator with dummy credentials, any remote backend becomes a local
//! one, and `terraform` (or `tofu`) runs init and apply in the copy.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::process::Command;

use crate::error::ContainerError;

/// The AWS provider's `endpoints` keys pointed at the emulator: the
/// services the course uses and their usual neighbours. Every key here is
/// accepted by the AWS provider 4.x and 5.x.
pub const ENDPOINT_SERVICES: &[&str] = &[
    "acm",
    "appautoscaling",
    "athena",
    "autoscaling",
    "cloudwatch",
    "cloudwatchlogs",
    "dynamodb",
    "ec2",
    "ecr",
    "ecs",
    "elb",
    "elbv2",
    "glue",
    "iam",
    "kms",
    "lambda",
    "rds",
    "route53",
    "s3",
    "secretsmanager",
    "sns",
    "sqs",
    "ssm",
    "sts",
];

/// The file written into the copy. Terraform merges `*_override.tf` last.
pub const OVERRIDE_FILE: &str = "cloudgrade_override.tf";
/// Written instead when the student declares no `provider "aws"` block
/// (an override needs a block to override).
pub const PROVIDER_FILE: &str = "cloudgrade_provider.tf";

/// `terraform`, else `tofu`, from the PATH.
pub fn find_binary() -> Option<PathBuf> {
    find_binary_in(&std::env::var_os("PATH")?)
}

/// `terraform`, else `tofu`, from a PATH-like list of folders.
pub fn find_binary_in(path: &std::ffi::OsStr) -> Option<PathBuf> {
    ["terraform", "tofu"]
        .iter()
        .flat_map(|name| std::env::split_paths(path).map(move |dir| dir.join(name)))
        .find(|p| p.is_file())
}

#[derive(Debug)]
pub struct Applied {
    pub binary: PathBuf,
    /// The copy that was applied; removed when this is dropped.
    pub workdir: tempfile::TempDir,
    pub elapsed: Duration,
}

/// What the override must cover, read from the student's files.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    pub uses_aws: bool,
    /// `provider "aws"` blocks: `None` for the default one, else the alias.
    pub provider_aliases: Vec<Option<String>>,
    pub has_backend: bool,
}

pub fn scan(sources: &[String]) -> Scan {
    let mut s = Scan::default();
    for text in sources {
        s.uses_aws |= text.contains("\"aws_")
            || text.contains("provider \"aws\"")
            || text.contains("aws = {");
        s.has_backend |= find_blocks(text, "backend").next().is_some();
        for body in find_blocks(text, "provider \"aws\"") {
            let alias = attribute(body, "alias");
            if !s.provider_aliases.contains(&alias) {
                s.provider_aliases.push(alias);
            }
        }
    }
    s
}

/// Bodies of blocks whose header starts with `head` (`backend "s3" {`
/// matches `backend`), by brace matching.
fn find_blocks<'a>(text: &'a str, head: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(pos) = text[from..].find(head).map(|p| p + from) {
            from = pos + head.len();
            let at_line_start = text[..pos]
                .rsplit('\n')
                .next()
                .is_some_and(|before| before.trim().is_empty());
            let open = text[from..].find('{').map(|p| p + from)?;
            // Only a header: `head` then labels, then `{` on the same line.
            if !at_line_start || text[from..open].contains('\n') {
                continue;
            }
            let mut depth = 0usize;
            for (i, c) in text[open..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            from = open + i + 1;
                            return Some(&text[open + 1..open + i]);
                        }
                    }
                    _ => {}
                }
            }
            return None;
        }
        None
    })
}

fn attribute(body: &str, name: &str) -> Option<String> {
    body.lines().find_map(|l| {
        let (k, v) = l.split_once('=')?;
        (k.trim() == name).then(|| v.trim().trim_matches('"').to_string())
    })
}

/// The provider configuration that sends every AWS call to `endpoint`.
pub fn provider_config(scan: &Scan, endpoint: &str, region: &str) -> String {
    let endpoints: String = ENDPOINT_SERVICES
        .iter()
        .map(|s| format!("    {s:<16} = \"{endpoint}\"\n"))
        .collect();
    let mut out = String::from(
        "# Written by cloudgrade in a temporary copy: every AWS call goes to the\n# emulator, with dummy credentials.\n",
    );
    let aliases = if scan.provider_aliases.is_empty() {
        vec![None]
    } else {
        scan.provider_aliases.clone()
    };
    for alias in aliases {
        out.push_str("provider \"aws\" {\n");
        if let Some(a) = alias {
            out.push_str(&format!("  alias                       = \"{a}\"\n"));
        }
        out.push_str(&format!(
            "  region                      = \"{region}\"\n  access_key                  = \"test\"\n  secret_key                  = \"test\"\n  skip_credentials_validation = true\n  skip_metadata_api_check     = true\n  skip_requesting_account_id  = true\n  s3_use_path_style           = true\n  endpoints {{\n{endpoints}  }}\n}}\n"
        ));
    }
    if scan.has_backend {
        out.push_str("terraform {\n  backend \"local\" {}\n}\n");
    }
    out
}

/// Copies `dir` (without `.terraform`, state files or `.git`), writes the
/// override, and runs init and apply in the copy.
pub async fn apply(dir: &Path, endpoint: &str, region: &str) -> Result<Applied, ContainerError> {
    let binary = find_binary().ok_or(ContainerError::NoTerraform)?;
    let started = Instant::now();
    let input = |message: String| ContainerError::TerraformInput {
        path: dir.to_path_buf(),
        message,
    };
    if !dir.is_dir() {
        return Err(input("no es una carpeta".into()));
    }
    let workdir = tempfile::Builder::new()
        .prefix("cloudgrade-tf-")
        .tempdir()
        .map_err(|e| input(format!("no se pudo crear una carpeta temporal: {e}")))?;
    let mut sources = Vec::new();
    copy_tree(dir, workdir.path(), 0, &mut sources)
        .map_err(|e| input(format!("no se pudo copiar: {e}")))?;
    if sources.is_empty() {
        return Err(input("no contiene archivos .tf".into()));
    }
    let scan = scan(&sources);
    if scan.uses_aws {
        let file = if scan.provider_aliases.is_empty() {
            PROVIDER_FILE
        } else {
            OVERRIDE_FILE
        };
        let mut config = provider_config(&scan, endpoint, region);
        if file == PROVIDER_FILE && scan.has_backend {
            // The backend override must live in an override file.
            let (provider, backend) =
                config.split_at(config.find("terraform {").unwrap_or(config.len()));
            std::fs::write(workdir.path().join(OVERRIDE_FILE), backend)
                .map_err(|e| input(format!("no se pudo escribir la configuración: {e}")))?;
            config = provider.to_string();
        }
        std::fs::write(workdir.path().join(file), config)
            .map_err(|e| input(format!("no se pudo escribir la configuración: {e}")))?;
    } else if scan.has_backend {
        std::fs::write(
            workdir.path().join(OVERRIDE_FILE),
            "terraform {\n  backend \"local\" {}\n}\n",
        )
        .map_err(|e| input(format!("no se pudo escribir la configuración: {e}")))?;
    }
    run(
        &binary,
        workdir.path(),
        dir,
        &["init", "-input=false", "-no-color"],
        endpoint,
    )
    .await?;
    run(
        &binary,
        workdir.path(),
        dir,
        &["apply", "-auto-approve", "-input=false", "-no-color"],
        endpoint,
    )
    .await?;
    Ok(Applied {
        binary,
        workdir,
        elapsed: started.elapsed(),
    })
}

fn copy_tree(
    from: &Path,
    to: &Path,
    depth: usize,
    sources: &mut Vec<String>,
) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        let name_s = name.to_string_lossy();
        if name_s == ".terraform"
            || name_s == ".git"
            || name_s.ends_with(".tfstate")
            || name_s.ends_with(".tfstate.backup")
        {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&dst)?;
            copy_tree(&src, &dst, depth + 1, sources)?;
        } else {
            std::fs::copy(&src, &dst)?;
            // Only the root module's files decide the provider override.
            if depth == 0 && (name_s.ends_with(".tf") || name_s.ends_with(".tf.json")) {
                sources.push(std::fs::read_to_string(&src)?);
            }
        }
    }
    Ok(())
}

async fn run(
    binary: &Path,
    workdir: &Path,
    shown: &Path,
    args: &[&str],
    endpoint: &str,
) -> Result<(), ContainerError> {
    let out = Command::new(binary)
        .args(args)
        .current_dir(workdir)
        .env("TF_IN_AUTOMATION", "1")
        .env("TF_INPUT", "0")
        // For anything that reads the environment rather than the provider
        // block (a `local-exec` with the AWS CLI, modules' own providers).
        .env("AWS_ACCESS_KEY_ID", "test")
        .env("AWS_SECRET_ACCESS_KEY", "test")
        .env("AWS_ENDPOINT_URL", endpoint)
        .stdin(std::process::Stdio::null())
        // Ctrl-C drops this future: the child goes with it.
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| ContainerError::Terraform {
            command: format!("{} {}", binary.display(), args.join(" ")),
            dir: shown.to_path_buf(),
            output: e.to_string(),
        })?;
    if out.status.success() {
        return Ok(());
    }
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    Err(ContainerError::Terraform {
        command: format!(
            "{} {}",
            binary
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default(),
            args[0]
        ),
        dir: shown.to_path_buf(),
        output: crate::error::one_line(&error_summary(&text)),
    })
}

/// Terraform's diagnostics come boxed (`╷ │ Error: ... ╵`): the first error
/// and the two lines that explain it, else the last lines.
fn error_summary(text: &str) -> String {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim_start_matches(['│', '╷', '╵']).trim())
        .filter(|l| !l.is_empty())
        .collect();
    match lines.iter().position(|l| l.starts_with("Error:")) {
        Some(i) => lines[i..lines.len().min(i + 3)].join(" "),
        None => lines[lines.len().saturating_sub(4)..].join(" | "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STUDENT: &str = r#"
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
  backend "s3" {
    bucket = "tfstate-tienda"
    key    = "prod.tfstate"
  }
}

provider "aws" {
  region = "eu-west-1"
  default_tags { tags = { Project = "tienda" } }
}

provider "aws" {
  alias  = "us"
  region = "us-east-1"
}

resource "aws_vpc" "main" { cidr_block = "10.0.0.0/16" }
"#;

    #[test]
    fn scan_finds_providers_aliases_and_backend() {
        let s = scan(&[STUDENT.to_string()]);
        assert_eq!(
            s,
            Scan {
                uses_aws: true,
                provider_aliases: vec![None, Some("us".into())],
                has_backend: true
            }
        );
        let none = scan(&["resource \"terraform_data\" \"x\" {}\n".to_string()]);
        assert_eq!(none, Scan::default());
    }

    #[test]
    fn the_override_points_every_service_and_every_alias_at_the_emulator() {
        let s = scan(&[STUDENT.to_string()]);
        let cfg = provider_config(&s, "http://127.0.0.1:4000", "us-east-1");
        assert_eq!(cfg.matches("provider \"aws\" {").count(), 2);
        assert!(cfg.contains("alias                       = \"us\""));
        assert_eq!(
            cfg.matches("= \"http://127.0.0.1:4000\"").count(),
            2 * ENDPOINT_SERVICES.len()
        );
        assert!(cfg.contains("skip_requesting_account_id  = true"));
        assert!(cfg.contains("backend \"local\" {}"));
    }

    #[test]
    fn error_summary_keeps_the_first_boxed_error() {
        let out = "Initializing...\n╷\n│ Error: Failed to query available provider packages\n│ \n│ Could not retrieve hashicorp/aws\n│ more\n╵\n";
        assert_eq!(
            error_summary(out),
            "Error: Failed to query available provider packages Could not retrieve hashicorp/aws more"
        );
        assert_eq!(error_summary("a\nb\n"), "a | b");
    }
}
