use std::path::{Path, PathBuf};
use std::time::Instant;

use cloudgrade::assignment::{self, Assignment};
use cloudgrade::exit::Exit;
use cloudgrade::grade::{self, FeatureSource, Plan, RunInfo, TagFilter};
use cloudgrade::report::{self, Format, Report};
use cloudgrade::sources::{self, FolderError, Inventory};

use super::args::{AwsArgs, CheckArgs, GradeArgs, RunArgs, TerraformVars};
use super::output::{now_rfc3339, parse_formats, use_color, write_all};
use super::{Failure, aws_source, container_source};

/// Where `grade` reads the student's work from.
enum Source<'a> {
    Aws(&'a AwsArgs),
    Container(&'a GradeArgs),
    /// `--image`, with or without `--dockerfile`.
    Image(&'a GradeArgs),
    /// `--dockerfile` alone: read statically, no Docker needed.
    Dockerfile(&'a Path),
    Snapshot(&'a Path),
    /// `terraform show -json` of a saved plan or a state.
    Plan(&'a Path),
    Terraform(&'a Path, &'a TerraformVars),
}

pub fn grade(a: GradeArgs) -> Result<Exit, Failure> {
    let source = if a.container {
        Source::Container(&a)
    } else if a.image.is_some() {
        Source::Image(&a)
    } else if let Some(dockerfile) = &a.dockerfile {
        Source::Dockerfile(dockerfile)
    } else if let Some(plan) = &a.plan {
        Source::Plan(plan)
    } else {
        match (&a.snapshot, &a.terraform, a.aws.aws) {
            (Some(path), _, _) => Source::Snapshot(path),
            (None, Some(dir), _) => Source::Terraform(dir, &a.vars),
            (None, None, true) => Source::Aws(&a.aws),
            (None, None, false) => {
                return Err(Failure::input(
                    "falta la fuente: usa --aws (cuenta o emulador), --terraform CARPETA, --snapshot ARCHIVO, \
                     --plan ARCHIVO, --container --world CARPETA o --image IMAGEN",
                ));
            }
        }
    };
    let folder = match &source {
        Source::Terraform(dir, _) => Some(*dir),
        _ => None,
    };
    run(&source, &a.run, Some(&a.out), folder, false).map(|(exit, _)| exit)
}

/// `cloudgrade check [DIR]`: the student's folder, Terraform and, when there
/// is one, its Dockerfile. Without a Dockerfile the Docker activity is left
/// out (unless `--tags` or the assignment say otherwise) and a line says how
/// to grade it, rather than eleven scenarios a student can do nothing about
/// here. `batch` decides the same way (`assignment::select`).
pub fn check(a: CheckArgs) -> Result<Exit, Failure> {
    if a.watch {
        return super::watch_cmd::watch(&a);
    }
    let source = Source::Terraform(&a.dir, &a.vars);
    let (exit, docker_left_out) = run(&source, &a.run, a.out.as_deref(), Some(&a.dir), true)?;
    if docker_left_out && !a.run.quiet {
        eprintln!("{}", docker_note(&a.dir));
    }
    Ok(exit)
}

pub fn docker_note(dir: &Path) -> String {
    format!(
        "Docker: {} no tiene Dockerfile; corrígelo con `cloudgrade grade --dockerfile RUTA` (y `--image IMAGEN` para ejecutarla)",
        dir.display()
    )
}

/// One `check` of `a`, as `check` grades it, writing `--out` if given but
/// printing nothing: for `check --watch`, which prints its own way.
/// Returns the report, the inventory and whether Docker was left out.
pub fn check_once(a: &CheckArgs) -> Result<(Report, Inventory, bool), Failure> {
    let source = Source::Terraform(&a.dir, &a.vars);
    grade_and_write(&source, &a.run, a.out.as_deref(), Some(&a.dir), true)
}

/// The assignment given with `--assignment`, else the folder's own
/// `cloudgrade.toml`; checked against the features it will grade.
fn load_assignment(
    r: &RunArgs,
    folder: Option<&Path>,
    plan: &Plan,
) -> Result<Option<Assignment>, Failure> {
    let path = r
        .assignment
        .clone()
        .or_else(|| folder.and_then(Assignment::find));
    path.map(|p| Assignment::load(&p, plan).map_err(Failure::input))
        .transpose()
}

/// Grades `source` and prints it; `folder` is the graded folder (its
/// `cloudgrade.toml`, its required files) and `docker_rule` applies check's
/// rule for a folder without a Dockerfile. Returns the exit and whether
/// Docker was left out.
fn run(
    source: &Source,
    r: &RunArgs,
    out: Option<&Path>,
    folder: Option<&Path>,
    docker_rule: bool,
) -> Result<(Exit, bool), Failure> {
    let (report, _, docker_left_out) = grade_and_write(source, r, out, folder, docker_rule)?;
    if !r.quiet {
        print!(
            "{}",
            report::render(&report, Format::Terminal, use_color(r.color))
        );
        if let Some(out) = out {
            println!("Informe: {}", out.join(Format::Json.file_name()).display());
        }
    }
    let exit = Exit::of(&report);
    if exit == Exit::SourceUnreadable
        && let Some(why) = cloudgrade::exit::incomplete(&report)
    {
        // Said apart from the report: a CI log shows why a run with no
        // failure is still not a pass.
        eprintln!("Corrección incompleta: {why} (código de salida 3)");
    }
    Ok((exit, docker_left_out))
}

/// Reads the source, grades it and writes `--out`: everything but printing.
fn grade_and_write(
    source: &Source,
    r: &RunArgs,
    out: Option<&Path>,
    folder: Option<&Path>,
    docker_rule: bool,
) -> Result<(Report, Inventory, bool), Failure> {
    let save_inventory = r.save_inventory;
    // Check everything the user typed before touching the source: a typo in
    // --features should not cost a full collection first.
    let formats = parse_formats(&r.formats)?;
    let features = r
        .features
        .clone()
        .map_or(FeatureSource::Embedded, FeatureSource::Dir);
    let mut plan: Plan = grade::plan(&features.load().map_err(Failure::input)?);
    let assignment = load_assignment(r, folder, &plan)?;
    if let Some(a) = &assignment {
        a.apply(&mut plan);
    }
    let selection = assignment::select(
        assignment.as_ref(),
        r.tags.as_deref(),
        folder.filter(|_| docker_rule),
    );
    let filter = TagFilter::parse(selection.tags.as_deref())
        .map_err(Failure::input)?
        .with_instructor(r.instructor);

    let started_at = now_rfc3339();
    let grade_once = || -> Result<(Report, Inventory), Failure> {
        let t = Instant::now();
        let (inv, api_calls) = read(source, assignment.as_ref())?;
        let collect_ms = t.elapsed().as_secs_f64() * 1000.0;
        let info = RunInfo {
            started_at,
            collect_ms,
            api_calls,
        };
        let mut report = grade::grade(&inv, &plan, &filter, info).map_err(Failure::input)?;
        if let Some(a) = &assignment {
            if let Some(dir) = folder {
                a.enforce(&mut report, dir);
            }
            report.provenance.assignment = Some(a.reference());
        }
        Ok((report, inv))
    };
    // Gradescope shows students only "the autograder failed" when its file is
    // missing: with that format, a results.json is written whatever happens.
    let (report, inv) = match out.filter(|_| formats.contains(&Format::Gradescope)) {
        Some(dir) => {
            let mut failure = None;
            let mut inventory = None;
            let guarded = report::gradescope::write_guarded(dir, || match grade_once() {
                Ok((r, inv)) => {
                    inventory = Some(inv);
                    Ok(r)
                }
                Err(f) => {
                    let message = f.message.clone();
                    failure = Some(f);
                    Err(message)
                }
            });
            match (guarded, failure, inventory) {
                (Ok(r), _, Some(inv)) => (r, inv),
                (_, Some(f), _) => return Err(f),
                (Err(e), None, _) => return Err(Failure::input(e)),
                (Ok(_), None, None) => {
                    return Err(Failure::input("la corrección no devolvió inventario"));
                }
            }
        }
        None => grade_once()?,
    };
    if let Some(out) = out {
        write_all(&report, out, &formats)?;
        if save_inventory {
            let path = out.join(cloudgrade::diff::INVENTORY_FILE);
            std::fs::write(&path, inv.to_json()).map_err(|e| {
                Failure::input(format!("{}: no se pudo escribir: {e}", path.display()))
            })?;
        }
    }
    Ok((report, inv, selection.docker_left_out))
}

fn read(
    source: &Source,
    assignment: Option<&Assignment>,
) -> Result<(Inventory, Option<u32>), Failure> {
    match source {
        Source::Snapshot(path) => Ok((sources::load_snapshot(path).map_err(Failure::input)?, None)),
        // A plan that cannot be read or parsed is the user's input (exit 2).
        Source::Plan(path) => Ok((
            cloudgrade_terraform::load_plan(path).map_err(Failure::input)?,
            None,
        )),
        Source::Aws(aws) => aws_source::read(aws),
        Source::Container(a) => container_source::read_container(a),
        Source::Image(a) => container_source::read_image(a),
        // A Dockerfile that cannot be read is the user's input (exit 2).
        Source::Dockerfile(path) => Ok((sources::dockerfile(path).map_err(Failure::input)?, None)),
        Source::Terraform(dir, vars) => {
            let opts = terraform_options(vars, assignment)?;
            // A folder that cannot be read at all is the source failing
            // (exit 3); a syntax error is the student's input (exit 2).
            let inv = sources::terraform_folder(dir, &opts).map_err(|e| match e {
                FolderError::Terraform(e @ cloudgrade_terraform::TerraformError::Io { .. }) => {
                    Failure::new(Exit::SourceUnreadable, e)
                }
                FolderError::Terraform(e) => Failure::input(e),
                FolderError::Dockerfile(e) => Failure::input(e),
            })?;
            Ok((inv, None))
        }
    }
}

/// The assignment's variables first, then the command line's: like
/// terraform, the last value given wins.
fn terraform_options(
    v: &TerraformVars,
    assignment: Option<&Assignment>,
) -> Result<cloudgrade_terraform::Options, Failure> {
    let cli_vars: Vec<(String, String)> = v
        .vars
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .ok_or_else(|| Failure::input(format!("--var «{kv}»: se espera NOMBRE=VALOR")))
        })
        .collect::<Result<_, _>>()?;
    let mut vars = assignment.map(|a| a.vars.clone()).unwrap_or_default();
    vars.extend(cli_vars);
    let mut var_files = assignment.map(|a| a.var_files.clone()).unwrap_or_default();
    var_files.extend(v.var_files.iter().map(PathBuf::from));
    Ok(cloudgrade_terraform::Options {
        vars,
        var_files,
        env_vars: std::env::vars()
            .filter(|(k, _)| k.starts_with("TF_VAR_"))
            .collect(),
        root: v.root.clone(),
        // The command line wins over the assignment, as with variables.
        workspace: v
            .workspace
            .clone()
            .or_else(|| assignment.and_then(|a| a.workspace.clone())),
    })
}
