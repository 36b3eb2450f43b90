//! Prints the plan JSON of a Terraform directory, as `terraform show -json`
//! writes it, without terraform: `plan_json DIR [--applied]`. For fixtures
//! and for tools that only read plans (the benchmark's terraform-compliance).

use std::path::PathBuf;
use std::process::ExitCode;

use cloudgrade_terraform::{Options, PlanStage, write_plan};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("uso: plan_json DIR [--applied]");
        return ExitCode::from(2);
    };
    let stage = match args.next().as_deref() {
        None => PlanStage::First,
        Some("--applied") => PlanStage::Applied,
        Some(other) => {
            eprintln!("argumento desconocido: {other}");
            return ExitCode::from(2);
        }
    };
    match write_plan(&dir, &Options::default(), stage) {
        Ok(json) => {
            println!("{json}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
    }
}
