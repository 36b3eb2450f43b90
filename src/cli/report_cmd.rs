use cloudgrade::exit::Exit;
use cloudgrade::report::{self, Format};

use super::Failure;
use super::args::ReportArgs;
use super::output::use_color;

pub fn report(a: ReportArgs) -> Result<Exit, Failure> {
    let format: Format = a.format.parse().map_err(Failure::input)?;
    let rep = report::load(&a.report).map_err(Failure::input)?;
    match &a.out {
        Some(path) => std::fs::write(path, report::render(&rep, format, false))
            .map_err(|e| Failure::input(format!("{}: no se pudo escribir: {e}", path.display())))?,
        None => print!("{}", report::render(&rep, format, use_color(a.color))),
    }
    Ok(Exit::of(&rep))
}
