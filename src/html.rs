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
    let mut out = String::with_capacity(text.len());
    push_escaped(&mut out, &text, false);
    out
}

/// [`script_safe`] of a string, appended to `out` without serde's copies (the search index
/// writes megabytes of them).
pub fn push_script_safe(out: &mut String, text: &str) {
    out.push('"');
    push_escaped(out, text, true);
    out.push('"');
}

/// Bytes that may need escaping: in a `<script>` (bit 1: `<`, `>`, `&`, and 0xE2, which
/// starts U+2028 and U+2029), and inside a JSON string (bit 2: also quotes, backslashes
/// and control characters).
const SPECIAL: [u8; 256] = {
    let mut table = [0; 256];
    let mut byte = 0;
    while byte < 32 {
        table[byte] = 2;
        byte += 1;
    }
    table[b'"' as usize] = 2;
    table[b'\\' as usize] = 2;
    table[b'<' as usize] = 3;
    table[b'>' as usize] = 3;
    table[b'&' as usize] = 3;
    table[0xE2] = 3;
    table
};

/// Appends `text` with what a `<script>` must not hold escaped, and, for the inside of a
/// JSON string (`in_string`), also quotes, backslashes and control characters.
fn push_escaped(out: &mut String, text: &str, in_string: bool) {
    let bytes = text.as_bytes();
    let mask = if in_string { 2 } else { 1 };
    // Written up to `clean`; looked at up to `from`.
    let (mut clean, mut from) = (0, 0);
    while let Some(found) = bytes[from..].iter().position(|&b| SPECIAL[b as usize] & mask != 0) {
        let at = from + found;
        from = at + 1;
        let byte = bytes[at];
        let escaped = match byte {
            b'<' => "\\u003c",
            b'>' => "\\u003e",
            b'&' => "\\u0026",
            // U+2028 and U+2029 are E2 80 A8 and E2 80 A9 in UTF-8; other characters that
            // start with E2 stay as they are.
            0xE2 if bytes[at + 1..].starts_with(&[0x80, 0xA8]) => "\\u2028",
            0xE2 if bytes[at + 1..].starts_with(&[0x80, 0xA9]) => "\\u2029",
            0xE2 => continue,
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            b'\x08' => "\\b",
            b'\x0c' => "\\f",
            _ => "",
        };
        out.push_str(&text[clean..at]);
        if escaped.is_empty() {
            // Other control characters, as JSON requires.
            let _ = std::fmt::Write::write_fmt(out, format_args!("\\u{byte:04x}"));
        } else {
            out.push_str(escaped);
        }
        clean = at + if byte == 0xE2 { 3 } else { 1 };
        from = clean;
    }
    out.push_str(&text[clean..]);
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

/// The text a reader sees in an HTML fragment: its tags left out, and the entities an
/// escaper writes (`&amp;`, `&lt;`, `&gt;`, `&quot;`, `&nbsp;`, numeric ones) read back.
pub fn text_of(html: &str) -> String {
    let stripped = strip_tags(html);
    let mut out = String::with_capacity(stripped.len());
    let mut rest = stripped.as_str();
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let entity = rest[1..].find(';').filter(|&len| len <= 8).map(|len| &rest[1..=len]);
        let decoded = match entity {
            Some("amp") => Some('&'),
            Some("lt") => Some('<'),
            Some("gt") => Some('>'),
            Some("quot") => Some('"'),
            Some("apos") => Some('\''),
            Some("nbsp") => Some('\u{a0}'),
            Some(number) => number
                .strip_prefix("#x")
                .or_else(|| number.strip_prefix("#X"))
                .map_or_else(
                    || number.strip_prefix('#').and_then(|n| n.parse().ok()),
                    |hex| u32::from_str_radix(hex, 16).ok(),
                )
                .and_then(char::from_u32),
            None => None,
        };
        match (decoded, entity) {
            (Some(c), Some(entity)) => {
                out.push(c);
                rest = &rest[entity.len() + 2..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_of_html_reads_its_entities_back() {
        let html = "<b>10&#xa0;797</b> &amp; <i>«Øyer»</i> &lt;3 &#x27;x&#39; &quot;&nbsp;&unknown; & AT&T &#xFFFFFF;";
        assert_eq!(text_of(html), "10\u{a0}797 & «Øyer» <3 'x' \"\u{a0}&unknown; & AT&T &#xFFFFFF;");
    }

    #[test]
    fn a_string_pushed_is_the_string_serialized() {
        for text in [
            "",
            "plain",
            "«Øyer» \"sitat\" \\ </script> & a\u{2028}b\u{2029}",
            "\u{1}\n\t\r\u{8}\u{c}\u{1f}x",
            "\u{2027}€",
        ] {
            let mut pushed = String::new();
            push_script_safe(&mut pushed, text);
            assert_eq!(pushed, script_safe(text));
            assert_eq!(serde_json::from_str::<String>(&pushed).expect("JSON"), text);
        }
    }

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
