//! Escaping text for HTML and XML, and JSON for pages and scripts, in one place.

/// Escapes `&`, `<`, `>`, `"` and `'` so text is safe in element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// JSON that cannot end a `<script>` element or open a comment in it: `<`, `>`, `&` and the
/// line separators U+2028 and U+2029 are written as `\u` escapes.
pub fn script_safe<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    // 0xE2 starts U+2028 and U+2029 in UTF-8.
    if !text.bytes().any(|b| matches!(b, b'<' | b'>' | b'&' | 0xE2)) {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

/// Removes tags from an HTML fragment, leaving its text (entities kept as written).
pub fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(strip_tags("<b>Lønn</b> og <i>vilkår</i>"), "Lønn og vilkår");
    }

    #[test]
    fn script_breakouts_are_escaped() {
        let out = script_safe(&serde_json::json!({ "title": "</script><script>alert(1)</script> & <!--" }));
        assert!(!out.contains("</script"), "{out}");
        assert!(!out.contains("<!--"), "{out}");
        let back: serde_json::Value = serde_json::from_str(&out).unwrap_or_default();
        assert_eq!(back["title"], "</script><script>alert(1)</script> & <!--");
    }
}
