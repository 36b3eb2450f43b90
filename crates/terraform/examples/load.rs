//! Loads a Terraform directory and prints the Inventory as JSON, and on
//! stderr how long the load took:
//! `cargo run -p cloudgrade-terraform --example load -- examples/terraform/curso`.

use std::time::Instant;

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("uso: load <directorio>");
        std::process::exit(2);
    };
    let env: Vec<(String, String)> = std::env::vars()
        .filter(|(k, _)| k.starts_with("TF_VAR_"))
        .collect();
    let opts = cloudgrade_terraform::Options {
        env_vars: env,
        ..Default::default()
    };
    let start = Instant::now();
    let result = cloudgrade_terraform::load_dir(std::path::Path::new(&dir), &opts);
    let first = start.elapsed();
    // A second load shows the steady cost, without first-touch effects.
    let start = Instant::now();
    let _ = cloudgrade_terraform::load_dir(std::path::Path::new(&dir), &opts);
    let second = start.elapsed();
    match result {
        Ok(inv) => {
            println!("{}", inv.to_json());
            eprintln!("load_dir: {first:?} (segunda carga: {second:?})");
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(3);
        }
    }
}
