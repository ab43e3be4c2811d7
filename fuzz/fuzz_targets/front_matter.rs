//! Front matter: splitting a content file and validating its YAML as a page and as a section.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regionprofil::content::front_matter;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(split) = front_matter::split(text, "content/fuzz.md") {
        let _ = front_matter::parse_page(text, &split, "content/fuzz.md", &["tags".to_string()]);
        let _ = front_matter::parse_section(text, &split, "content/_index.md");
    }
});
