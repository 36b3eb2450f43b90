use cloudgrade::exit::Exit;
use cloudgrade_aws::config::Target;
use cloudgrade_aws::provision;
use cloudgrade_aws::world::World;

use super::Failure;
use super::args::{WorldArgs, WorldCommand};

pub fn world(a: WorldArgs) -> Result<Exit, Failure> {
    match a.command {
        WorldCommand::Apply {
            dir,
            endpoint_url,
            region,
            force,
        } => {
            // Refuse before reading anything: this command writes.
            provision::ensure_emulator(endpoint_url.as_deref(), force).map_err(Failure::input)?;
            let world = World::load(&dir).map_err(Failure::input)?;
            let target = Target {
                endpoint_url,
                region,
                ..Default::default()
            };
            let rt = super::runtime()?;
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
    }
}
