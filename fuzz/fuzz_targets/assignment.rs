#![no_main]
//! Any bytes as a `cloudgrade.toml`, checked against the course's features:
//! an assignment or one located error, never a panic.
use std::sync::OnceLock;

use cloudgrade::assignment::Assignment;
use cloudgrade::grade::{FeatureSource, Plan, plan};
use libfuzzer_sys::fuzz_target;

fn course() -> &'static Plan {
    static PLAN: OnceLock<Plan> = OnceLock::new();
    PLAN.get_or_init(|| plan(&FeatureSource::Embedded.load().expect("embedded features")))
}

fuzz_target!(|data: &[u8]| {
    let base = std::path::Path::new("/nonexistent/cloudgrade-fuzz");
    if let Ok(a) = Assignment::parse(data, "fuzz.toml", base, course()) {
        // What a parsed assignment does must not panic either.
        let mut p = Plan {
            scenarios: course().scenarios.clone(),
            ..Default::default()
        };
        a.apply(&mut p);
        let _ = cloudgrade::assignment::select(Some(&a), None, None);
    }
});
