#![no_main]
//! Any text given as a snapshot: a located error, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cloudgrade_model::Inventory::from_json(text, "fuzz.json");
    }
});
