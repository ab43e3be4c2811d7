//! YAML reading, kept in one place so the YAML library can be swapped.
//!
//! serde_yaml reports errors with a byte offset into the YAML it was given; this module
//! turns that into a [`Location`] in the whole file (front matter sits after a `---` line)
//! and rewrites serde's wording into the site author's terms ("key", "list", "whole
//! number"), with a hint where one helps.

use serde::de::{DeserializeOwned, DeserializeSeed};

use crate::diag::{Diagnostic, Diagnostics, Location, suggest};

/// Where a YAML document sits: the file it is in, the whole text of that file, and the
/// byte offset at which the YAML starts.
#[derive(Clone, Copy)]
pub struct YamlSource<'a> {
    pub file: &'a str,
    pub full_text: &'a str,
    pub offset: usize,
}

impl<'a> YamlSource<'a> {
    pub fn whole_file(file: &'a str, text: &'a str) -> Self {
        YamlSource { file, full_text: text, offset: 0 }
    }

    fn yaml(&self, len: usize) -> &'a str {
        &self.full_text[self.offset..self.offset + len]
    }
}

pub fn from_str<T: DeserializeOwned>(yaml: &str, source: YamlSource<'_>) -> Result<T, Diagnostic> {
    serde_yaml::from_str(yaml).map_err(|e| to_diagnostic(&e, yaml, source))
}

pub fn from_str_seed<'de, S: DeserializeSeed<'de>>(
    yaml: &'de str,
    seed: S,
    source: YamlSource<'_>,
) -> Result<S::Value, Diagnostic> {
    seed.deserialize(serde_yaml::Deserializer::from_str(yaml)).map_err(|e| to_diagnostic(&e, yaml, source))
}

/// [`from_str`], reporting every top-level key's mistake when there are several: serde
/// stops at the first, so a file with three takes three builds to mend.
pub fn from_str_all<T: DeserializeOwned>(yaml: &str, source: YamlSource<'_>) -> Result<T, Diagnostics> {
    from_str(yaml, source).map_err(|first| every_mistake(first, yaml, source, from_str::<T>))
}

/// `first`, the mistake that stopped `read` on `yaml`, with those of its other top-level
/// entries, each read again on its own with `read`. A key that an entry read alone lacks
/// is no mistake (another entry gives it); the entries that read well are read again
/// together, to find a key the whole file lacks. YAML that does not read as keys and
/// values (a quote never closed, a broken indentation) gives `first` alone.
pub fn every_mistake<T>(
    first: Diagnostic,
    yaml: &str,
    source: YamlSource<'_>,
    read: impl Fn(&str, YamlSource<'_>) -> Result<T, Diagnostic>,
) -> Diagnostics {
    let Ok(serde_yaml::Value::Mapping(map)) = serde_yaml::from_str::<serde_yaml::Value>(yaml) else {
        return first.into();
    };
    let mut starts: Vec<usize> =
        map.keys().filter_map(|key| locate_key(yaml, &[key.as_str()?]).map(|at| at.start)).collect();
    starts.sort_unstable();
    let mut all = vec![first];
    // The entries that read well on their own (but for keys others give), which must also
    // read well together.
    let mut good = String::new();
    for (i, &start) in starts.iter().enumerate() {
        let end = starts.get(i + 1).copied().unwrap_or(yaml.len());
        let entry = YamlSource { offset: source.offset + start, ..source };
        match read(&yaml[start..end], entry) {
            Err(d) if !lacks_a_key(&d, source.full_text, entry.offset) => all.push(d),
            _ => {
                good.push_str(yaml[start..end].trim_end());
                good.push('\n');
            }
        }
    }
    // A key the whole file lacks: reported, as serde does, at the first key.
    let lacking = read(&good, YamlSource::whole_file(source.file, &good)).err().filter(says_missing_key);
    if let (Some(d), Some(&first_key)) = (lacking, starts.first()) {
        let at = source.offset + first_key;
        all.push(d.at(Location::in_text(source.file, source.full_text, at..token_end(source.full_text, at))));
    }
    all.sort_by(|a, b| (position(a), &a.message).cmp(&(position(b), &b.message)));
    all.dedup_by(|a, b| a.message == b.message && a.location == b.location);
    all.into_iter().collect()
}

fn position(d: &Diagnostic) -> Option<(u32, u32)> {
    d.location.as_ref().map(|at| (at.line, at.col))
}

/// Whether `d` is [`reword`]'s "missing key `x`".
fn says_missing_key(d: &Diagnostic) -> bool {
    d.message.starts_with("missing key ")
}

/// Whether `d` says that the entry at `offset` in `full_text`, read alone, lacks a key
/// (one that another entry may give).
fn lacks_a_key(d: &Diagnostic, full_text: &str, offset: usize) -> bool {
    let entry_at = Location::in_text("", full_text, offset..offset);
    says_missing_key(d) && position(d) == Some((entry_at.line, entry_at.col))
}

/// `value` as YAML (for files regionprofil writes, such as data/fetch.lock).
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}

/// Parses any YAML into JSON-like data (for `extra`, data files and UI strings).
pub fn to_json(yaml: &str, source: YamlSource<'_>) -> Result<serde_json::Value, Diagnostic> {
    from_str(yaml, source)
}

/// The byte range of the key at `path` (`["languages", "en", "path"]`) in `text`, for
/// errors found after deserialization. Best effort: block mappings by indentation, and
/// flow mappings (`en: { path: en }`) written on their parent's line.
pub fn locate_key(text: &str, path: &[&str]) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    let mut parent: Option<(usize, std::ops::Range<usize>)> = None; // (indent, line range)
    let mut found = None;
    for key in path {
        let mut hit = None;
        let mut offset = from;
        for line in text[from..].split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let body = line.trim_start_matches(' ');
            let indent = line.len() - body.len();
            if body.trim().is_empty() || body.starts_with('#') {
                continue;
            }
            if let Some((parent_indent, _)) = &parent
                && indent <= *parent_indent
            {
                break;
            }
            if let Some(len) = key_at(body, key) {
                hit = Some((indent, start + indent..start + indent + len, start..offset));
                break;
            }
        }
        match hit {
            Some((indent, key_range, line_range)) => {
                from = line_range.end;
                parent = Some((indent, line_range));
                found = Some(key_range);
            }
            None => {
                // A flow mapping on the parent's line: `en: { name: English, path: en }`.
                let (_, line) = parent.as_ref()?;
                let line_text = &text[line.clone()];
                let at = [format!("{{ {key}:"), format!("{{{key}:"), format!(", {key}:"), format!(",{key}:")]
                    .iter()
                    .find_map(|p| line_text.find(p.as_str()).map(|i| i + p.len() - key.len() - 1))?;
                found = Some(line.start + at..line.start + at + key.len());
            }
        }
    }
    found
}

fn key_at(body: &str, key: &str) -> Option<usize> {
    for quote in ["", "\"", "'"] {
        let candidate = format!("{quote}{key}{quote}");
        if let Some(rest) = body.strip_prefix(candidate.as_str())
            && rest.trim_start_matches(' ').starts_with(':')
        {
            return Some(candidate.len());
        }
    }
    None
}

fn to_diagnostic(error: &serde_yaml::Error, yaml: &str, source: YamlSource<'_>) -> Diagnostic {
    debug_assert_eq!(source.yaml(yaml.len()), yaml);
    let raw = error.to_string();
    // A quote or bracket never closed is reported where the text ran out; the author needs
    // to see where it opened.
    let opened = opened_at(&raw, yaml);
    let (start, end) = match (opened, error.location()) {
        // The rest of the line, from the quote or bracket.
        (Some(start), _) => (start, start + yaml[start..].lines().next().unwrap_or_default().trim_end().len()),
        (None, Some(loc)) => {
            let start = loc.index().min(yaml.len());
            (start, token_end(yaml, start))
        }
        (None, None) => (0, 0),
    };
    let location = Location::in_text(source.file, source.full_text, source.offset + start..source.offset + end);
    let (message, hint) = reword(&raw);
    Diagnostic::error(message).at(location).maybe_hint(hint)
}

/// Values never closed, by what libyaml says it was reading when the text ran out: the
/// message and hint an author gets for each.
const NEVER_CLOSED: [(&str, &str, &str); 3] = [
    (
        "scanning a quoted scalar",
        "a quoted value is never closed",
        "a value that starts with a quote must end with the same quote",
    ),
    (
        "parsing a flow sequence",
        "a list in `[ ]` is never closed",
        "close the list with `]`, and separate its items with commas",
    ),
    (
        "parsing a flow mapping",
        "keys and values in `{ }` are never closed",
        "close it with `}`, and separate its entries with commas",
    ),
];

/// The entry of [`NEVER_CLOSED`] that libyaml's `message` names.
fn never_closed(message: &str) -> Option<&'static (&'static str, &'static str, &'static str)> {
    NEVER_CLOSED.iter().find(|(reading, _, _)| message.contains(&format!("while {reading}")))
}

/// The byte offset in `yaml` where libyaml's `message` says the value that never closed
/// opened (", while scanning a quoted scalar at line 1 column 8": from 1, columns in
/// characters).
fn opened_at(message: &str, yaml: &str) -> Option<usize> {
    let (reading, _, _) = never_closed(message)?;
    let marker = format!("while {reading} at line ");
    let rest = &message[message.find(&marker)? + marker.len()..];
    let (line, rest) = rest.split_once(" column ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    Some(crate::diag::offset_of(yaml, line.parse().ok()?, column.parse().ok()?))
}

/// The end of the key or scalar that starts at `start`, for underlining.
fn token_end(yaml: &str, start: usize) -> usize {
    let rest = &yaml[start..];
    let len = rest.find(['\n', ':', ',', ']', '}']).unwrap_or(rest.len());
    // A `#` after a space starts a comment.
    let len = rest[..len].find(" #").unwrap_or(len);
    start + rest[..len].trim_end().len()
}

/// serde's message → the author's words, and a hint.
fn reword(raw: &str) -> (String, Option<String>) {
    // serde_yaml and libyaml add " at line L column C" (counted in the YAML, not the
    // file); the location is shown separately, counted in the file.
    let without_positions = strip_positions(raw);
    let raw = without_positions.as_str();
    // …and prefixes the path of the value: "languages.en: unknown field …".
    let (path, message) = split_path(raw);
    // A top-level key is visible in the snippet; a nested one is worth naming.
    let within = path.filter(|p| p.contains(['.', '['])).map(|p| format!(" in `{p}`")).unwrap_or_default();

    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let candidates = backticked(expected);
        let hint = suggest(name, candidates.iter().copied());
        return (format!("unknown key `{name}`{within}"), hint);
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (name, expected) = rest.split_once('`').unwrap_or((rest, ""));
        let candidates = backticked(expected);
        let hint = suggest(name, candidates.iter().copied());
        return (format!("unknown value `{name}`{within}"), hint);
    }
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.trim_end_matches('`');
        return (format!("missing key `{name}`{within}"), Some(format!("add `{name}: …`")));
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        let plain = plain_types(message);
        // Text that is not what its key expects: `invalid value: string "x", expected a
        // date`, or where a number or `true`/`false` belongs (`relative_urls: ja`).
        let text =
            plain.strip_prefix("invalid value: string \"").or_else(|| plain.strip_prefix("invalid type: string \""));
        if let Some((value, expected)) = text.and_then(|rest| rest.rsplit_once("\", expected ")) {
            return (format!("`{value}` is not {expected}{within}"), hint_for(expected, value));
        }
        return (format!("{plain}{within}"), None);
    }
    let plain = match message {
        m if let Some((_, plain, _)) = never_closed(m) => plain,
        m if m.contains("mapping values are not allowed") => "a value holds `: ` without quotes",
        m if m.contains("found character that cannot start any token") => {
            "a value starts with a character YAML reserves"
        }
        m => m,
    };
    (format!("{plain}{within}"), yaml_syntax_hint(message))
}

fn strip_positions(message: &str) -> String {
    let mut out = message.to_string();
    while let Some(start) = out.find(" at line ") {
        let rest = &out[start + " at line ".len()..];
        let digits = rest.chars().take_while(char::is_ascii_digit).count();
        let Some(after) = rest[digits..].strip_prefix(" column ") else { break };
        let col_digits = after.chars().take_while(char::is_ascii_digit).count();
        let end = start + " at line ".len() + digits + " column ".len() + col_digits;
        out.replace_range(start..end, "");
    }
    out
}

fn split_path(message: &str) -> (Option<&str>, &str) {
    // A path is a run of identifiers, dots and [n] before ": ".
    if let Some((head, tail)) = message.split_once(": ") {
        let is_path =
            !head.is_empty() && !head.contains(' ') && head.chars().all(|c| c.is_alphanumeric() || "._-[]".contains(c));
        if is_path {
            return (Some(head), tail);
        }
    }
    (None, message)
}

fn backticked(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

fn plain_types(message: &str) -> String {
    let mut out = message.to_string();
    for (from, to) in [
        ("expected i64", "expected a whole number"),
        ("expected u64", "expected a whole number"),
        ("expected i32", "expected a whole number"),
        ("expected u32", "expected a whole number"),
        ("expected usize", "expected a whole number"),
        ("expected f64", "expected a number"),
        ("expected a sequence", "expected a list"),
        ("sequence", "list"),
        ("expected a boolean", "expected `true` or `false`"),
        ("expected a map", "expected keys and values"),
        ("map,", "keys and values,"),
        ("expected struct ", "expected keys and values for "),
    ] {
        out = out.replace(from, to);
    }
    out
}

/// The hint for a value that is not what its type expects, by what the type says it
/// expects.
fn hint_for(expected: &str, value: &str) -> Option<String> {
    match expected {
        crate::dates::EXPECTING => Some(crate::dates::date_hint(value)),
        "`true` or `false`" => Some("write `true` for yes and `false` for no".into()),
        "a whole number" => Some("write the number in digits, with no spaces: 10000".into()),
        "a list" => Some(format!("write a list in brackets, `[{value}, …]`, or one `- {value}` a line")),
        _ => None,
    }
}

fn yaml_syntax_hint(message: &str) -> Option<String> {
    if message.contains("mapping values are not allowed") {
        return Some("a value that contains `: ` must be quoted: title: \"Jobb: sykepleier\"".into());
    }
    if message.contains("found character that cannot start any token") {
        return Some("quote values that start with `@`, `` ` ``, `%` or `|`".into());
    }
    if let Some((_, _, hint)) = never_closed(message) {
        return Some(hint.to_string());
    }
    if message.contains("did not find expected") || message.contains("could not find expected") {
        return Some("check the indentation and that every quote and bracket is closed".into());
    }
    if message.contains("recursion limit") || message.contains("repetition limit") {
        return Some("the YAML nests or repeats aliases too deeply".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Meta {
        title: String,
        #[serde(default)]
        weight: Option<i64>,
        #[serde(default)]
        tags: Vec<String>,
        #[serde(default)]
        extra: std::collections::BTreeMap<String, String>,
    }

    fn check(text: &str, offset: usize) -> Diagnostic {
        let source = YamlSource { file: "content/a.md", full_text: text, offset };
        let end = text[offset..].find("---").map_or(text.len(), |i| offset + i);
        match from_str::<Meta>(&text[offset..end], source) {
            Ok(meta) => panic!("expected an error, got {meta:?}"),
            Err(d) => d,
        }
    }

    #[test]
    fn unknown_key_is_located_in_the_whole_file_with_a_suggestion() {
        let d = check("---\ntitle: a\ntitel: b\n---\nbody\n", 4);
        assert_eq!(d.message, "unknown key `titel`");
        let loc = d.location.clone().unwrap_or_else(|| Location::file("?"));
        assert_eq!((loc.line, loc.col), (3, 1));
        assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
    }

    #[test]
    fn keys_are_located_in_block_and_flow_mappings() {
        let text = "title: x\nlanguages:\n  nb:\n    name: Norsk\n  en: { name: English, path: en }\npath: top\n";
        let at = |path: &[&str]| locate_key(text, path).map(|r| &text[r.start..r.start + 4]);
        assert_eq!(locate_key(text, &["languages", "nb", "name"]).map(|r| &text[r]), Some("name"));
        assert_eq!(at(&["languages", "en", "path"]), Some("path"));
        assert_eq!(locate_key(text, &["languages", "en", "path"]).map(|r| r.start), text.find("path: en"));
        assert_eq!(locate_key(text, &["path"]).map(|r| r.start), text.find("path: top"));
        assert_eq!(locate_key(text, &["languages", "de"]), None);
    }

    #[test]
    fn a_quote_or_bracket_never_closed_is_shown_where_it_opened() {
        for (text, message, line, col) in [
            ("---\ntitle: \"Jobb\nweight: 2\n", "a quoted value is never closed", 2, 8),
            ("---\ntitle: Å\ntags: [øl, b\nweight: 2\n", "a list in `[ ]` is never closed", 3, 7),
            ("---\ntitle: x\nextra: {a: b\nweight: 2\n", "keys and values in `{ }` are never closed", 3, 8),
            // Columns count characters: `ø` is two bytes.
            ("---\ntitle: x\ntags: [øl, \"b\nweight: 2\n", "a quoted value is never closed", 3, 12),
        ] {
            let d = check(text, 4);
            assert_eq!(d.message, message);
            assert_eq!(d.location.map(|l| (l.line, l.col)), Some((line, col)), "{text}");
            assert!(d.hint.is_some());
        }
    }

    #[test]
    fn wrong_type_is_said_in_plain_words() {
        let d = check("---\ntitle: a\nweight: heavy\n---\n", 4);
        assert_eq!(d.message, "`heavy` is not a whole number");
        assert_eq!(d.location.map(|l| (l.line, l.col)), Some((3, 9)));
    }
}
