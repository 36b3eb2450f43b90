#![no_main]
//! Any bytes as a roster CSV: a roster, or every problem with its line,
//! never a panic. Paths are taken from a folder that does not exist, so
//! a source is a scheme or an unavailable submission.
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = std::path::Path::new("/nonexistent/cloudgrade-fuzz");
    let _ = cloudgrade::batch::Roster::parse(data, "fuzz.csv", base);
});
