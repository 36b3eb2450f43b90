use std::path::{Path, PathBuf};

use cloudgrade::assignment::{self, Assignment};
use cloudgrade::exit::Exit;
use cloudgrade::grade::{self, FeatureSource, Plan, RunInfo, TagFilter};
use cloudgrade::report::{self, Format, Report};
use cloudgrade::sources::{self, AwsAccount, EmulatorRequest, Inventory, Reader, Source};

use super::Failure;
use super::args::{AwsArgs, CheckArgs, GradeArgs, RunArgs, TerraformVars};
use super::output::{now_rfc3339, parse_formats, use_color, write_all};

/// What `grade` or `check` was told to read. A Terraform folder's options
/// wait for the assignment (its variables come first, the command line's
/// after); every other source is whole already.
enum Input<'a> {
    Source(Source),
    Terraform(&'a Path, &'a TerraformVars),
}

impl Input<'_> {
    fn source(&self, assignment: Option<&Assignment>) -> Result<Source, Failure> {
        match self {
            Input::Source(s) => Ok(s.clone()),
            Input::Terraform(dir, vars) => Ok(Source::Terraform {
                dir: dir.to_path_buf(),
                options: terraform_options(vars, assignment)?,
            }),
        }
    }

    /// The graded folder: its `cloudgrade.toml`, its required files.
    fn folder(&self) -> Option<&Path> {
        match self {
            Input::Terraform(dir, _) => Some(dir),
            Input::Source(_) => None,
        }
    }
}

pub fn grade(a: GradeArgs) -> Result<Exit, Failure> {
    let source = if a.container {
        Source::Emulator(EmulatorRequest {
            image: a.emulator_image.clone(),
            world: a.world.clone(),
            terraform: a.terraform.clone(),
            region: a.aws.region.clone(),
        })
    } else if a.image.is_some() {
        Source::Image {
            image: a.image.clone(),
            dockerfile: a.dockerfile.clone(),
        }
    } else if let Some(dockerfile) = &a.dockerfile {
        Source::Dockerfile(dockerfile.clone())
    } else if let Some(plan) = &a.plan {
        Source::Plan(plan.clone())
    } else {
        match (&a.snapshot, &a.terraform, a.aws.aws) {
            (Some(path), _, _) => Source::Snapshot(path.clone()),
            (None, Some(dir), _) => {
                let input = Input::Terraform(dir, &a.vars);
                return run(&input, &a.run, Some(&a.out), false).map(|(exit, _)| exit);
            }
            (None, None, true) => Source::Aws(aws_account(&a.aws)),
            (None, None, false) => {
                return Err(Failure::input(
                    "falta la fuente: usa --aws (cuenta o emulador), --terraform CARPETA, --snapshot ARCHIVO, \
                     --plan ARCHIVO, --container --world CARPETA o --image IMAGEN",
                ));
            }
        }
    };
    run(&Input::Source(source), &a.run, Some(&a.out), false).map(|(exit, _)| exit)
}

/// The account the `--aws` flags name.
pub fn aws_account(a: &AwsArgs) -> AwsAccount {
    AwsAccount {
        endpoint_url: a.endpoint_url.clone(),
        region: a.region.clone(),
        profile: a.profile.clone(),
        role_arn: a.role_arn.clone(),
    }
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
    let input = Input::Terraform(&a.dir, &a.vars);
    let (exit, docker_left_out) = run(&input, &a.run, a.out.as_deref(), true)?;
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
    let input = Input::Terraform(&a.dir, &a.vars);
    grade_and_write(&input, &a.run, a.out.as_deref(), true)
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

/// Grades `input` and prints it; `docker_rule` applies check's rule for a
/// folder without a Dockerfile. Returns the exit and whether Docker was
/// left out.
fn run(
    input: &Input,
    r: &RunArgs,
    out: Option<&Path>,
    docker_rule: bool,
) -> Result<(Exit, bool), Failure> {
    let (report, _, docker_left_out) = grade_and_write(input, r, out, docker_rule)?;
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
    input: &Input,
    r: &RunArgs,
    out: Option<&Path>,
    docker_rule: bool,
) -> Result<(Report, Inventory, bool), Failure> {
    let folder = input.folder();
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
        r.standard,
        folder.filter(|_| docker_rule),
    );
    let filter = TagFilter::parse(selection.tags.as_deref())
        .map_err(Failure::input)?
        .with_instructor(r.instructor)
        .with_standard(selection.standard);

    let source = input.source(assignment.as_ref())?;
    let started_at = now_rfc3339();
    let grade_once = || -> Result<(Report, Inventory), Failure> {
        let read = sources::read(&source, &Reader::new()).map_err(|e| Failure::new(e.exit(), e))?;
        let info = RunInfo {
            started_at,
            collect_ms: read.collect_ms,
            api_calls: read.api_calls,
        };
        let report = grade::grade_assigned(
            &read.inventory,
            &plan,
            &filter,
            info,
            assignment.as_ref(),
            folder,
        )
        .map_err(Failure::input)?;
        Ok((report, read.inventory))
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
