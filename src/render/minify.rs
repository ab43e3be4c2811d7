//! minify-html on HTML pages, as each page is rendered. JavaScript is left as written:
//! minifiers have broken working scripts before, and pages here carry little of it.

/// Elements nested deeper than this are not given to minify-html, whose parser recurses
/// once per level: about 2,500 levels overflow a thread's stack and abort the program.
pub const MAX_DEPTH: usize = 1_000;

/// The page, minified; `None` when its elements nest deeper than [`MAX_DEPTH`]. CSS is
/// minified only when the page has a `<style>` element: minifying CSS costs a third of the
/// time even when there is none, and `style` attributes (Markdown table alignment writes
/// one per cell) are short already but each costs a CSS parse.
pub fn minify(html: &[u8]) -> Option<Vec<u8>> {
    if nesting_depth(html) > MAX_DEPTH {
        return None;
    }
    let has_css = memchr::memmem::find(html, b"<style").is_some();
    let cfg = minify_html::Cfg {
        // Valid HTML only: the Nu HTML checker must accept what we write.
        minify_doctype: false,
        allow_noncompliant_unquoted_attribute_values: false,
        allow_removing_spaces_between_attributes: false,
        allow_optimal_entities: false,
        keep_html_and_head_opening_tags: true,
        keep_closing_tags: false,
        keep_comments: false,
        minify_css: has_css,
        minify_js: false,
        ..minify_html::Cfg::default()
    };
    Some(minify_html::minify(html, &cfg))
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
    use super::{minify, nesting_depth};

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
}
