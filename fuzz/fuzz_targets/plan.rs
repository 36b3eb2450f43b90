#![no_main]
//! Any text given as `terraform show -json` output: a located JSON error, a
//! "not a plan" error or an Inventory, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cloudgrade_terraform::parse_plan_for_fuzz(text);
    }
});
