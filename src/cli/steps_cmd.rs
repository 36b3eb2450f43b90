use cloudgrade::exit::Exit;
use cloudgrade::steps::{StepKind, catalog};

use super::Failure;
use super::args::{Lang, StepsArgs};

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
