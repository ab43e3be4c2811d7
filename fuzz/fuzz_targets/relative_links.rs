//! `relative_urls`: rewriting the links of any HTML page, from any folder. The first line
//! of the input is the page's output path, the rest its HTML.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regionprofil::render::relative::relative_links;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (page, html) = text.split_once('\n').unwrap_or(("index.html", text));
    let out = relative_links(html, page, "/region/");
    // Links elsewhere are never touched: a page without the base path comes back as it was.
    if !html.contains("/region/") {
        assert_eq!(out, html);
    }
});
