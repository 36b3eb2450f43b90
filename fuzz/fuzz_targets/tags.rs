#![no_main]
//! Any `--tags` text: a filter or a one-line error, never a panic nor a
//! stack overflow (thousands of nested parentheses once aborted the process).
use cloudgrade::grade::{self as tags, TagFilter};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match TagFilter::parse(Some(text)) {
        Ok(f) => {
            assert!(text.trim().len() <= tags::MAX_TAGS_LEN);
            // Evaluation recurses too: run it on a few tag sets.
            for set in [&[][..], &["a".to_string()][..], &["a".into(), "redes".into()][..]] {
                let _ = f.matches(set);
            }
        }
        Err(e) => {
            let line = e.to_string();
            assert!(!line.contains('\n') || text.contains('\n'));
            assert!(line.len() < 2 * tags::MAX_TAGS_LEN, "unbounded message");
        }
    }
});
