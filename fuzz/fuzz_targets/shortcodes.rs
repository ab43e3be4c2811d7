//! The shortcode parser, on any text, with and without code ranges to skip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regionprofil::diag::Location;
use regionprofil::markdown::shortcode;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    // Every mistake is located in the text, as Markdown rendering locates them.
    let locate = |span| Location::in_text("content/fuzz.md", text, span);
    let _ = shortcode::find(text, &[], locate);
    // A code range over the middle of the text, cut at character boundaries.
    let mid = (text.len() / 3..=text.len() / 2).find(|&i| text.is_char_boundary(i)).unwrap_or(0);
    let end = (mid..=text.len()).find(|&i| text.is_char_boundary(i) && i >= mid + text.len() / 4).unwrap_or(text.len());
    let _ = shortcode::find(text, &[mid..end], locate);
});
