use std::time::Instant;

use cloudgrade::exit::Exit;
use cloudgrade::grade::{self, FeatureSource, RunInfo, TagFilter};
use cloudgrade::report::{self, Format};
use cloudgrade::sources::{self, AwsTarget, Collected, Inventory};

use super::Failure;
use super::args::{AwsArgs, CollectArgs, GradeArgs};
use super::output::{now_rfc3339, parse_formats, use_color, write_all};

pub fn grade(a: GradeArgs) -> Result<Exit, Failure> {
    // Check everything the user typed before touching the source: a typo in
    // --features should not cost a full collection first.
    let formats = parse_formats(&a.formats)?;
    let filter = TagFilter::parse(a.tags.as_deref()).map_err(Failure::input)?;
    let features = a
        .features
        .clone()
        .map_or(FeatureSource::Embedded, FeatureSource::Dir);
    let plan = grade::plan(&features.load().map_err(Failure::input)?);

    let started_at = now_rfc3339();
    let (inv, collect_ms, api_calls) = match (&a.snapshot, a.aws.aws) {
        (Some(path), _) => {
            let t = Instant::now();
            let inv = sources::load_snapshot(path).map_err(Failure::input)?;
            (inv, ms(t), None)
        }
        (None, true) => {
            let c = collect(&a.aws)?;
            (
                c.inventory,
                c.elapsed.as_secs_f64() * 1000.0,
                Some(c.calls.total()),
            )
        }
        (None, false) => {
            return Err(Failure::input(
                "falta la fuente: usa --aws (cuenta o emulador) o --snapshot ARCHIVO",
            ));
        }
    };

    let report = grade::grade(
        &inv,
        &plan,
        &filter,
        RunInfo {
            started_at,
            collect_ms,
            api_calls,
        },
    )
    .map_err(Failure::input)?;
    write_all(&report, &a.out, &formats)?;
    if !a.quiet {
        print!(
            "{}",
            report::render(&report, Format::Terminal, use_color(a.color))
        );
        println!(
            "Informe: {}",
            a.out.join(Format::Json.file_name()).display()
        );
    }
    Ok(Exit::of(&report))
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

fn write_snapshot(inv: &Inventory, path: &std::path::Path) -> Result<(), Failure> {
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

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
