#![no_main]
//! Any text given as a `.tf` file: a syntax error or a gap, never a panic.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = cloudgrade_terraform::parse_str_for_fuzz(text);
    }
});
