//! The commands that only read or write AWS through the SDK (feature
//! `aws`): `collect` and `world apply` (`grade --aws` reads like any source,
//! through `sources::read`). Without the feature, `without.rs` answers in
//! their place.

use std::path::{Path, PathBuf};

use cloudgrade::exit::Exit;
use cloudgrade::sources::{self, AwsTarget, Inventory, Reader, Source};
use cloudgrade_aws::provision;
use cloudgrade_worlds::World;

use super::Failure;
use super::args::CollectArgs;

pub fn collect_command(a: CollectArgs) -> Result<Exit, Failure> {
    if !a.aws.aws {
        return Err(Failure::input(
            "falta la fuente: usa --aws (cuenta o emulador)",
        ));
    }
    let source = Source::Aws(super::grade_cmd::aws_account(&a.aws));
    let c = sources::read(&source, &Reader::new()).map_err(|e| Failure::new(e.exit(), e))?;
    write_snapshot(&c.inventory, &a.out)?;
    eprintln!(
        "snapshot: {} ({} llamadas a la API en {:.0} ms{})",
        a.out.display(),
        c.api_calls.unwrap_or_default(),
        c.collect_ms,
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

/// `world apply DIR`: builds a world into an emulator.
pub fn world_apply(
    dir: PathBuf,
    endpoint_url: Option<String>,
    region: Option<String>,
    force: bool,
) -> Result<Exit, Failure> {
    // Refuse before reading anything: this command writes.
    provision::ensure_emulator(endpoint_url.as_deref(), force).map_err(Failure::input)?;
    let world = World::load(&dir).map_err(Failure::input)?;
    let target = AwsTarget {
        endpoint_url,
        region,
        ..Default::default()
    };
    let rt = runtime()?;
    let report = rt
        .block_on(provision::apply(&world, &target, force))
        .map_err(|e| Failure::new(Exit::SourceUnreadable, e))?;
    eprintln!(
        "mundo {}: {} recursos creados en {:.1} s",
        dir.display(),
        report.created.len(),
        report.elapsed.as_secs_f64()
    );
    Ok(Exit::Passed)
}

/// The AWS SDK is async; everything else is not, so a runtime exists only
/// around the calls that need it.
fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Failure::new(
                Exit::SourceUnreadable,
                format!("no se pudo iniciar el runtime de tokio: {e}"),
            )
        })
}
