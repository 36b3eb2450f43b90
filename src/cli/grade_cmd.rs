use std::path::{Path, PathBuf};
use std::time::Instant;

use cloudgrade::exit::Exit;
use cloudgrade::grade::{self, FeatureSource, Plan, RunInfo, TagFilter};
use cloudgrade::report::{self, Format, Report};
use cloudgrade::sources::{self, AwsTarget, Collected, FolderError, Inventory};

use super::Failure;
use super::args::{AwsArgs, CheckArgs, CollectArgs, GradeArgs, RunArgs, TerraformVars};
use super::output::{now_rfc3339, parse_formats, use_color, write_all};

/// Where `grade` reads the student's work from.
enum Source<'a> {
    Aws(&'a AwsArgs),
    Container(cloudgrade_container::ContainerRequest),
    Image(cloudgrade_container::ImageRequest),
    Snapshot(&'a Path),
    /// `terraform show -json` of a saved plan or a state.
    Plan(&'a Path),
    Terraform(&'a Path, &'a TerraformVars),
}

pub fn grade(a: GradeArgs) -> Result<Exit, Failure> {
    let source = if a.container {
        Source::Container(cloudgrade_container::ContainerRequest {
            emulator_image: a.emulator_image.clone(),
            emulator_port: None,
            world: a.world.clone(),
            terraform: a.terraform.clone(),
            region: a.aws.region.clone(),
        })
    } else if a.image.is_some() || a.dockerfile.is_some() {
        Source::Image(cloudgrade_container::ImageRequest {
            image: a.image.clone(),
            dockerfile: a.dockerfile.clone(),
        })
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
    run(source, &a.run, Some(&a.out))
}

/// `cloudgrade check [DIR]`: the student's folder, Terraform and, when there
/// is one, its Dockerfile. Without a Dockerfile the Docker activity is left
/// out (unless `--tags` says otherwise) and a line says how to grade it,
/// rather than eleven scenarios a student can do nothing about here.
pub fn check(a: CheckArgs) -> Result<Exit, Failure> {
    let has_dockerfile = a.dir.join(sources::DOCKERFILE).is_file();
    let mut r = a.run;
    let docker_left_out = r.tags.is_none() && !has_dockerfile;
    if docker_left_out {
        r.tags = Some(NOT_DOCKER.into());
    }
    let exit = run(Source::Terraform(&a.dir, &a.vars), &r, a.out.as_deref())?;
    if docker_left_out && !r.quiet {
        eprintln!(
            "Docker: {} no tiene Dockerfile; corrígelo con `cloudgrade grade --dockerfile RUTA` (y `--image IMAGEN` para ejecutarla)",
            a.dir.display()
        );
    }
    Ok(exit)
}

const NOT_DOCKER: &str = "not @actividad:docker";

fn run(source: Source, r: &RunArgs, out: Option<&Path>) -> Result<Exit, Failure> {
    let save_inventory = r.save_inventory;
    // Check everything the user typed before touching the source: a typo in
    // --features should not cost a full collection first.
    let formats = parse_formats(&r.formats)?;
    let filter = TagFilter::parse(r.tags.as_deref())
        .map_err(Failure::input)?
        .with_instructor(r.instructor);
    let features = r
        .features
        .clone()
        .map_or(FeatureSource::Embedded, FeatureSource::Dir);
    let plan: Plan = grade::plan(&features.load().map_err(Failure::input)?);

    let started_at = now_rfc3339();
    let grade_once = || -> Result<(Report, Inventory), Failure> {
        let t = Instant::now();
        let (inv, api_calls) = read(&source)?;
        let collect_ms = t.elapsed().as_secs_f64() * 1000.0;
        let info = RunInfo {
            started_at,
            collect_ms,
            api_calls,
        };
        let report = grade::grade(&inv, &plan, &filter, info).map_err(Failure::input)?;
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
    if !r.quiet {
        print!(
            "{}",
            report::render(&report, Format::Terminal, use_color(r.color))
        );
        if let Some(out) = out {
            println!("Informe: {}", out.join(Format::Json.file_name()).display());
        }
    }
    Ok(Exit::of(&report))
}

fn read(source: &Source) -> Result<(Inventory, Option<u32>), Failure> {
    match source {
        Source::Snapshot(path) => Ok((sources::load_snapshot(path).map_err(Failure::input)?, None)),
        // A plan that cannot be read or parsed is the user's input (exit 2).
        Source::Plan(path) => Ok((
            cloudgrade_terraform::load_plan(path).map_err(Failure::input)?,
            None,
        )),
        Source::Aws(aws) => {
            let c = collect(aws)?;
            Ok((c.inventory, Some(c.calls.total())))
        }
        Source::Container(req) => {
            let c = cloudgrade_container::collect_container(req).map_err(container_failure)?;
            Ok((c.inventory, c.api_calls))
        }
        Source::Image(req) => {
            let c = cloudgrade_container::collect_image(req).map_err(container_failure)?;
            Ok((c.inventory, None))
        }
        Source::Terraform(dir, vars) => {
            let opts = terraform_options(vars)?;
            // A folder that cannot be read at all is the source failing
            // (exit 3); a syntax error is the student's input (exit 2).
            let inv = sources::terraform_folder(dir, &opts).map_err(|e| match e {
                FolderError::Terraform(e @ cloudgrade_terraform::TerraformError::Io { .. }) => {
                    Failure::new(Exit::SourceUnreadable, e)
                }
                FolderError::Terraform(e) => Failure::input(e),
                FolderError::Dockerfile(e) => container_failure(e),
            })?;
            Ok((inv, None))
        }
    }
}

fn terraform_options(v: &TerraformVars) -> Result<cloudgrade_terraform::Options, Failure> {
    let vars = v
        .vars
        .iter()
        .map(|kv| {
            kv.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.to_string()))
                .ok_or_else(|| Failure::input(format!("--var «{kv}»: se espera NOMBRE=VALOR")))
        })
        .collect::<Result<_, _>>()?;
    Ok(cloudgrade_terraform::Options {
        vars,
        var_files: v.var_files.iter().map(PathBuf::from).collect(),
        env_vars: std::env::vars()
            .filter(|(k, _)| k.starts_with("TF_VAR_"))
            .collect(),
        root: v.root.clone(),
        workspace: v.workspace.clone(),
    })
}

pub fn collect_command(a: CollectArgs) -> Result<Exit, Failure> {
    if !a.aws.aws {
        return Err(Failure::input(
            "falta la fuente: usa --aws (cuenta o emulador)",
        ));
    }
    let c = collect(&a.aws)?;
    write_snapshot(&c.inventory, &a.out)?;
    eprintln!(
        "snapshot: {} ({} llamadas a la API en {:.0} ms{})",
        a.out.display(),
        c.calls.total(),
        c.elapsed.as_secs_f64() * 1000.0,
        match c.inventory.gaps.len() {
            0 => String::new(),
            n => format!("; {n} lecturas fallidas, anotadas como huecos"),
        }
    );
    Ok(Exit::Passed)
}

fn write_snapshot(inv: &Inventory, path: &Path) -> Result<(), Failure> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            Failure::input(format!(
                "{}: no se pudo crear la carpeta: {e}",
                dir.display()
            ))
        })?;
    }
    std::fs::write(path, inv.to_json())
        .map_err(|e| Failure::input(format!("{}: no se pudo escribir: {e}", path.display())))
}

fn collect(a: &AwsArgs) -> Result<Collected, Failure> {
    let target = AwsTarget {
        endpoint_url: a.endpoint_url.clone(),
        region: a.region.clone(),
        profile: a.profile.clone(),
        role_arn: a.role_arn.clone(),
    };
    let rt = super::runtime()?;
    rt.block_on(sources::collect_aws(&target))
        .map_err(|e| Failure::new(Exit::SourceUnreadable, e))
}

fn container_failure(e: cloudgrade_container::ContainerError) -> Failure {
    let exit = match e.class() {
        cloudgrade_container::ErrorClass::BadInput => Exit::BadInput,
        cloudgrade_container::ErrorClass::SourceUnreadable => Exit::SourceUnreadable,
    };
    Failure::new(exit, e)
}
