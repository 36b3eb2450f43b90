use cloudgrade::activity_pages;
use cloudgrade::exit::Exit;
use cloudgrade::grade::{self, FeatureSource};
use cloudgrade::steps::{StepKind, catalog};

use super::Failure;
use super::args::{Lang, RulesArgs, StepsArgs};

/// Prints the phrases as an instructor writes them: capture groups shown as
/// the quoted argument they stand for.
pub fn steps(a: StepsArgs) -> Result<Exit, Failure> {
    for kind in [StepKind::Given, StepKind::Then] {
        println!(
            "{}",
            if kind == StepKind::Given {
                "# Dado (selecciona)"
            } else {
                "# Entonces (comprueba)"
            }
        );
        for def in catalog().filter(|d| d.kind == kind) {
            if a.lang != Lang::En {
                println!("  {}", phrase(def.es));
            }
            if a.lang != Lang::Es {
                println!("  {}", phrase(def.en));
            }
            println!("      {}", def.doc);
        }
        println!();
    }
    Ok(Exit::Passed)
}

fn phrase(pattern: &str) -> String {
    pattern
        .trim_start_matches('^')
        .trim_end_matches('$')
        .replace(r#""([^"]+)""#, "\"…\"")
        .replace(r#""([^"]*)""#, "\"…\"")
}

/// The activity pages of docs/actividades, from the features given (the
/// course's by default): printed, or written to a folder with its index.
pub fn rules(a: RulesArgs) -> Result<Exit, Failure> {
    let source = a
        .features
        .map_or(FeatureSource::Embedded, FeatureSource::Dir);
    let plan = grade::plan(&source.load().map_err(Failure::input)?);
    if let Some(broken) = plan.broken.first() {
        return Err(Failure::input(format!(
            "{}:{}: {}",
            broken.file, broken.line, broken.message
        )));
    }
    let pages = activity_pages::pages(&plan);
    let Some(dir) = a.out else {
        for p in &pages {
            println!("{}", p.markdown);
        }
        return Ok(Exit::Passed);
    };
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| Failure::input(format!("{}: {e}", path.display())))
    };
    std::fs::create_dir_all(&dir).map_err(|e| Failure::input(format!("{}: {e}", dir.display())))?;
    for p in &pages {
        write(&p.file_name, &p.markdown)?;
    }
    write("README.md", &activity_pages::index(&plan, &pages))?;
    eprintln!(
        "{} páginas de actividad y su índice escritos en {}",
        pages.len(),
        dir.display()
    );
    Ok(Exit::Passed)
}
