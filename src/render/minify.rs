//! minify-html on HTML pages, as each page is rendered. JavaScript is left as written:
//! minifiers have broken working scripts before, and pages here carry little of it.

/// The page, minified. CSS is minified only when the page has a `<style>` element: minifying
/// CSS costs a third of the time even when there is none, and `style` attributes (Markdown
/// table alignment writes one per cell) are short already but each costs a CSS parse.
pub fn minify(html: &[u8]) -> Vec<u8> {
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
    minify_html::minify(html, &cfg)
}

#[cfg(test)]
mod tests {
    use super::minify;

    #[test]
    fn pages_shrink_scripts_stay_and_the_doctype_is_valid() {
        let page = b"<!DOCTYPE html>\n<html lang=\"nb\">\n  <head><title>T</title><style> a { color : red ; } </style></head>\n  <body>\n    <p>Et   avsnitt</p>\n    <script>  var   x  =  1 ;</script>\n  </body>\n</html>\n";
        let out = String::from_utf8(minify(page)).unwrap_or_default();
        assert!(out.starts_with("<!doctype html><html lang=nb>"), "{out}");
        assert!(out.contains("<style>a{color:red}</style>"), "{out}");
        assert!(out.contains("var   x  =  1 ;"), "{out}");
        assert!(out.contains("<p>Et avsnitt"), "{out}");
    }
}
