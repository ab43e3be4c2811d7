//! minify-html on HTML pages, as each page is rendered. JavaScript is left as written:
//! minifiers have broken working scripts before, and pages here carry little of it.
//!
//! A theme that inlines its stylesheet (`<style>` in the base template, the usual
//! "critical CSS" pattern) gives every page the same CSS: it is minified once per build and
//! put back into each page, and minify-html is then told to leave CSS alone. `style`
//! attributes stay as written: short already, and each would cost a CSS parse.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aho_corasick::AhoCorasick;

/// Elements nested deeper than this are not given to minify-html, whose parser recurses
/// once per level: about 2,500 levels overflow a thread's stack and abort the program.
pub const MAX_DEPTH: usize = 1_000;

/// Minifies the HTML pages of one build, keeping each distinct stylesheet's minified form.
pub struct Minifier {
    /// Where `<style>` elements may start, and what to step over while looking: raw text
    /// that may say `<style` without being one.
    openings: AhoCorasick,
    styles: Mutex<Memo>,
}

/// Stylesheets as written → as minified.
type Memo = HashMap<Box<[u8]>, Arc<[u8]>>;

/// The patterns of [`Minifier::openings`], in order.
const OPENINGS: [&str; 4] = ["<style", "<script", "<textarea", "<!--"];

impl Default for Minifier {
    fn default() -> Minifier {
        let openings = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(OPENINGS)
            .unwrap_or_else(|e| unreachable!("fixed patterns: {e}"));
        Minifier { openings, styles: Mutex::default() }
    }
}

impl Minifier {
    /// The page, minified; `None` when its elements nest deeper than [`MAX_DEPTH`].
    pub fn minify(&self, html: &[u8]) -> Option<Vec<u8>> {
        if nesting_depth(html) > MAX_DEPTH {
            return None;
        }
        let html = self.with_minified_styles(html);
        Some(minify_html::minify(&html, &config(false)))
    }

    /// `html` with the contents of each `<style>` element minified (from the memo when an
    /// earlier page had the same stylesheet).
    fn with_minified_styles<'h>(&self, html: &'h [u8]) -> std::borrow::Cow<'h, [u8]> {
        let mut out: Option<Vec<u8>> = None;
        let mut copied = 0;
        let mut from = 0;
        while let Some(found) = self.openings.find(&html[from..]) {
            let start = from + found.start();
            let after = from + found.end();
            let pattern = found.pattern().as_usize();
            if OPENINGS[pattern] == "<!--" {
                from = find_ignoring_case(html, after, b"-->").map_or(html.len(), |end| end + 3);
                continue;
            }
            // `<stylesheet>` is no `<style>`: the name must end here.
            if !html.get(after).is_some_and(|c| c.is_ascii_whitespace() || *c == b'>' || *c == b'/') {
                from = after;
                continue;
            }
            let Some(tag_end) = memchr::memchr(b'>', &html[after..]).map(|i| after + i + 1) else { break };
            let closing = format!("</{}", &OPENINGS[pattern][1..]);
            let Some(content_end) = find_ignoring_case(html, tag_end, closing.as_bytes()) else { break };
            from = content_end + closing.len();
            if OPENINGS[pattern] != "<style" || !is_css(&html[start..tag_end]) {
                continue;
            }
            let css = self.minified_css(&html[tag_end..content_end]);
            let out = out.get_or_insert_with(|| Vec::with_capacity(html.len()));
            out.extend_from_slice(&html[copied..tag_end]);
            out.extend_from_slice(&css);
            copied = content_end;
        }
        match out {
            None => std::borrow::Cow::Borrowed(html),
            Some(mut out) => {
                out.extend_from_slice(&html[copied..]);
                std::borrow::Cow::Owned(out)
            }
        }
    }

    /// `css` minified by minify-html (lightningcss), as it would be inside the page.
    fn minified_css(&self, css: &[u8]) -> Arc<[u8]> {
        if let Some(done) = self.styles.lock().unwrap_or_else(|e| e.into_inner()).get(css) {
            return Arc::clone(done);
        }
        let element = [b"<style>", css, b"</style>"].concat();
        let minified = minify_html::minify(&element, &config(true));
        let inner = minified
            .strip_prefix(b"<style>")
            .and_then(|m| m.strip_suffix(b"</style>"))
            .map_or_else(|| Arc::from(css), Arc::from);
        self.styles.lock().unwrap_or_else(|e| e.into_inner()).insert(css.into(), Arc::clone(&inner));
        inner
    }
}

/// Whether a `<style …>` opening tag holds CSS: no `type`, or `text/css`.
fn is_css(tag: &[u8]) -> bool {
    let tag = tag.to_ascii_lowercase();
    memchr::memmem::find(&tag, b"type").is_none() || memchr::memmem::find(&tag, b"text/css").is_some()
}

/// Where `needle` (lowercase) next starts in `haystack` from `from`, in any case.
fn find_ignoring_case(haystack: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    haystack.get(from..)?.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle)).map(|i| from + i)
}

fn config(minify_css: bool) -> minify_html::Cfg {
    minify_html::Cfg {
        // Valid HTML only: the Nu HTML checker must accept what we write.
        minify_doctype: false,
        allow_noncompliant_unquoted_attribute_values: false,
        allow_removing_spaces_between_attributes: false,
        allow_optimal_entities: false,
        keep_html_and_head_opening_tags: true,
        keep_closing_tags: false,
        keep_comments: false,
        minify_css,
        minify_js: false,
        ..minify_html::Cfg::default()
    }
}

/// How deep elements nest in `html`, counted from its tags: void elements, `<…/>`,
/// comments and declarations do not open one. Rough where scripts hold `<`, which only
/// ever counts more.
pub fn nesting_depth(html: &[u8]) -> usize {
    const VOID: [&[u8]; 14] = [
        b"area", b"base", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source", b"track",
        b"wbr", b"param",
    ];
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut from = 0;
    while let Some(found) = memchr::memchr(b'<', &html[from..]) {
        let rest = &html[from + found + 1..];
        from += found + 1;
        match rest.first() {
            Some(b'/') => depth = depth.saturating_sub(1),
            Some(c) if c.is_ascii_alphabetic() => {
                let name_len = rest.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-').count();
                let name = rest[..name_len].to_ascii_lowercase();
                let tag_end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
                if !VOID.contains(&name.as_slice()) && !rest[..tag_end].ends_with(b"/") {
                    depth += 1;
                    deepest = deepest.max(depth);
                }
            }
            _ => {}
        }
    }
    deepest
}

#[cfg(test)]
mod tests {
    use super::{Minifier, nesting_depth};

    fn minify(html: &[u8]) -> Option<Vec<u8>> {
        Minifier::default().minify(html)
    }

    #[test]
    fn pages_shrink_scripts_stay_and_the_doctype_is_valid() {
        let page = b"<!DOCTYPE html>\n<html lang=\"nb\">\n  <head><title>T</title><style> a { color : red ; } </style></head>\n  <body>\n    <p>Et   avsnitt</p>\n    <script>  var   x  =  1 ;</script>\n  </body>\n</html>\n";
        let out = String::from_utf8(minify(page).expect("not deep")).unwrap_or_default();
        assert!(out.starts_with("<!doctype html><html lang=nb>"), "{out}");
        assert!(out.contains("<style>a{color:red}</style>"), "{out}");
        assert!(out.contains("var   x  =  1 ;"), "{out}");
        assert!(out.contains("<p>Et avsnitt"), "{out}");
    }

    #[test]
    fn nesting_is_counted_without_void_elements() {
        assert_eq!(nesting_depth(b"<!doctype html><html><body><p>a<br>b<img src=x></p><div/></body></html>"), 3);
        let deep = format!("{}x{}", "<div>".repeat(3000), "</div>".repeat(3000));
        assert_eq!(nesting_depth(deep.as_bytes()), 3000);
        assert!(minify(deep.as_bytes()).is_none());
    }

    #[test]
    fn a_stylesheet_is_minified_once_and_raw_text_that_mentions_style_is_left_alone() {
        let minifier = Minifier::default();
        let page = |body: &str| {
            format!(
                "<!DOCTYPE html><html lang=nb><head><title>T</title><STYLE media=\"screen\"> a {{ color : red ; }} </STYLE></head><body>{body}</body></html>"
            )
        };
        let script = "<script>let s = '<style> b { color : blue ; } </style>';</script>";
        let comment = "<!-- <style> c { color : green ; } </style> -->";
        let textarea = "<textarea><style> d { color : black ; } </style></textarea>";
        let first = String::from_utf8(minifier.minify(page(script).as_bytes()).expect("shallow")).unwrap_or_default();
        assert!(first.contains("<style media=screen>a{color:red}</style>"), "{first}");
        assert!(first.contains("'<style> b { color : blue ; } </style>'"), "{first}");
        let second =
            String::from_utf8(minifier.minify(page(&format!("{comment}{textarea}")).as_bytes()).expect("shallow"))
                .unwrap_or_default();
        assert!(second.contains("<style media=screen>a{color:red}</style>"), "{second}");
        assert!(
            second.contains("&lt;style> d { color : black ; } &lt;/style>")
                || second.contains("<style> d { color : black ; } </style>"),
            "{second}"
        );
        assert_eq!(minifier.styles.lock().expect("memo").len(), 1, "one stylesheet, minified once");
        let template = "<style type=\"text/x-template\"> e { } </style>";
        let third = String::from_utf8(minifier.minify(template.as_bytes()).expect("shallow")).unwrap_or_default();
        assert!(third.contains(">e { }</style>"), "not minified as CSS: {third}");
    }
}
