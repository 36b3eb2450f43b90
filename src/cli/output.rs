use std::io::IsTerminal;
use std::path::Path;

use cloudgrade::report::{self, Format, Report};

use super::Failure;
use super::args::Color;

pub fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    }
}

pub fn parse_formats(names: &[String]) -> Result<Vec<Format>, Failure> {
    let mut out = vec![Format::Json];
    for n in names.iter().flat_map(|n| n.split(',')) {
        let f: Format = n.trim().parse().map_err(Failure::input)?;
        if !out.contains(&f) {
            out.push(f);
        }
    }
    Ok(out)
}

/// Writes every asked format into `dir`; files never carry colour codes.
pub fn write_all(report: &Report, dir: &Path, formats: &[Format]) -> Result<(), Failure> {
    std::fs::create_dir_all(dir).map_err(|e| {
        Failure::input(format!(
            "{}: no se pudo crear la carpeta: {e}",
            dir.display()
        ))
    })?;
    for f in formats {
        let path = dir.join(f.file_name());
        std::fs::write(&path, report::render(report, *f, false))
            .map_err(|e| Failure::input(format!("{}: no se pudo escribir: {e}", path.display())))?;
    }
    Ok(())
}

pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}
