use cloudgrade::exit::Exit;
use cloudgrade_aws::config::Target;
use cloudgrade_aws::provision;
use cloudgrade_aws::world::{World, terraform};
use cloudgrade_terraform::PlanStage;

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
        WorldCommand::Terraform { dir, out, plans } => {
            let world = World::load(&dir).map_err(Failure::input)?;
            let main_tf = terraform::main_tf(&world)
                .map_err(|e| Failure::input(format!("{}: {e}", world.file.display())))?;
            // An --out that cannot be written is the caller's input, as for grade.
            let write = |name: &str, text: &str| {
                let path = out.join(name);
                std::fs::create_dir_all(&out)
                    .and_then(|()| std::fs::write(&path, text))
                    .map_err(|e| {
                        Failure::input(format!("{}: no se pudo escribir: {e}", path.display()))
                    })
            };
            write("main.tf", &main_tf)?;
            if plans {
                for (name, stage) in [
                    ("plan.json", PlanStage::First),
                    ("plan-applied.json", PlanStage::Applied),
                ] {
                    let json = cloudgrade_terraform::write_plan(&out, &Default::default(), stage)
                        .map_err(Failure::input)?;
                    write(name, &json)?;
                }
            }
            eprintln!(
                "mundo {} escrito como Terraform en {}",
                dir.display(),
                out.display()
            );
            Ok(Exit::Passed)
        }
    }
}
