use cloudgrade::exit::Exit;
use cloudgrade_terraform::PlanStage;
use cloudgrade_worlds::{World, terraform};

use super::args::{WorldArgs, WorldCommand};
use super::{Failure, aws_source};

pub fn world(a: WorldArgs) -> Result<Exit, Failure> {
    match a.command {
        WorldCommand::Apply {
            dir,
            endpoint_url,
            region,
            force,
        } => {
            // Writing to an emulator is the AWS source's: needs the SDK.
            aws_source::world_apply(dir, endpoint_url, region, force)
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
