//! Diagnostics: every problem a site author can cause, with where it is and how to fix it.
//!
//! Each stage of the build collects all of its problems into [`Diagnostics`] instead of
//! stopping at the first one. A [`Location`] is always computed from a byte offset into
//! the whole file, so line numbers match what the author sees in their editor (front matter
//! included).

use std::cell::Cell;
use std::fmt;
use std::ops::Range;

use serde::Serialize;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// A place in a file of the site: path relative to the site folder, 1-based line and column
/// (columns count characters, not bytes).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    pub file: String,
    pub line: u32,
    pub col: u32,
    /// Characters to underline, starting at `col`, on that line.
    #[serde(skip)]
    pub len: u32,
    /// The text of the line, shown under the message.
    #[serde(skip)]
    pub line_text: String,
}

impl Location {
    /// The location of `span` (byte offsets) in `text`, the whole content of `file`. To find
    /// many places in one text, make a [`LineIndex`] once.
    pub fn in_text(file: &str, text: &str, span: Range<usize>) -> Location {
        LineIndex::new(text).locate(file, span)
    }

    /// A location that points at a whole file (no line to show).
    pub fn file(file: &str) -> Location {
        Location { file: file.to_string(), line: 1, col: 1, len: 0, line_text: String::new() }
    }
}

/// Where each line of a text starts, so that many places in one text are found without
/// counting from its beginning each time (a page with 50,000 links must not take minutes).
pub struct LineIndex<'a> {
    text: &'a str,
    /// The byte offset of each line's start.
    starts: Vec<usize>,
    /// The last place located, (byte offset, column): columns of a long line are counted
    /// on from there when places come in order, as they do while a page is rendered.
    last: Cell<(usize, usize)>,
}

/// Lines longer than this are not copied into a location to be shown (the position still
/// is): a 10 MB line must not be copied for each of its mistakes.
const LONGEST_SHOWN_LINE: usize = 1_000;

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1)).collect();
        LineIndex { text, starts, last: Cell::new((0, 1)) }
    }

    /// The location of `span` (byte offsets into the text) in `file`.
    pub fn locate(&self, file: &str, span: Range<usize>) -> Location {
        let text = self.text;
        let start = floor_char_boundary(text, span.start.min(text.len()));
        let line = self.starts.partition_point(|&s| s <= start);
        let line_start = self.starts[line - 1];
        let line_end = self.starts.get(line).map_or(text.len(), |next| next - 1);
        let (last_offset, last_col) = self.last.get();
        let col = if (line_start..=start).contains(&last_offset) {
            last_col + text[last_offset..start].chars().count()
        } else {
            text[line_start..start].chars().count() + 1
        };
        self.last.set((start, col));
        let end = floor_char_boundary(text, span.end.clamp(start, line_end));
        // Only the underline's length: a span runs to the end of its line at most.
        let len = text[start..end].chars().take(LONGEST_SHOWN_LINE).count().max(1);
        let line_text = if line_end - line_start > LONGEST_SHOWN_LINE {
            String::new()
        } else {
            text[line_start..line_end].trim_end_matches('\r').to_string()
        };
        Location { file: file.to_string(), line: line as u32, col: col as u32, len: len as u32, line_text }
    }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Error, message: message.into(), location: None, hint: None }
    }

    pub fn warning(message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(message) }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Diagnostic {
        self.hint = Some(hint.into());
        self
    }

    /// Gives the diagnostic a location if it has none yet.
    pub fn at_if_unlocated(mut self, location: Location) -> Diagnostic {
        if self.location.is_none() {
            self.location = Some(location);
        }
        self
    }

    pub fn maybe_hint(mut self, hint: Option<String>) -> Diagnostic {
        self.hint = hint.or(self.hint);
        self
    }

    /// Runs `work`; a panic in it (a bug, never the author's mistake) becomes an error about
    /// `what`, so one bad page cannot take the whole build or `serve` down.
    pub fn catch<T>(
        what: impl FnOnce() -> String,
        work: impl FnOnce() -> Result<T, Diagnostic>,
    ) -> Result<T, Diagnostic> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).unwrap_or_else(|payload| {
            let reason = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no reason given".into());
            Err(Diagnostic::error(format!("regionprofil failed while {}: {reason}", what()))
                .hint("this is a bug in regionprofil; please report it with the file that caused it"))
        })
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    fn sort_key(&self) -> impl Ord + '_ {
        let loc = self.location.as_ref();
        (
            loc.map(|l| l.file.as_str()),
            loc.map_or(0, |l| l.line),
            loc.map_or(0, |l| l.col),
            std::cmp::Reverse(self.severity),
            self.message.as_str(),
        )
    }

    /// Renders the diagnostic the way rustc does: message, `--> file:line:col`, the line
    /// with the span underlined, then the hint.
    pub fn render(&self, styled: bool) -> String {
        use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let renderer = if styled { Renderer::styled() } else { Renderer::plain() };
        let title = level.primary_title(&self.message);
        let mut group = Group::with_title(title);
        if let Some(loc) = &self.location {
            if loc.line_text.is_empty() {
                // No line to show: the position is added below, in the same shape.
            } else {
                let start: usize = loc.line_text.chars().take(loc.col as usize - 1).map(char::len_utf8).sum();
                let end: usize = start
                    + loc.line_text[start..].chars().take(loc.len.max(1) as usize).map(char::len_utf8).sum::<usize>();
                group = group.element(
                    Snippet::source(loc.line_text.as_str())
                        .line_start(loc.line as usize)
                        .path(loc.file.as_str())
                        .annotation(AnnotationKind::Primary.span(start..end.max(start))),
                );
            }
        }
        if let Some(hint) = &self.hint {
            group = group.element(Level::HELP.message(hint));
        }
        let mut text = renderer.render(&[group]);
        if let Some(loc) = &self.location {
            // Without a line to show, the renderer prints no position; every diagnostic
            // must show one, so it goes under the message as ` --> file:line:col`.
            let position = format!("{}:{}:{}", loc.file, loc.line, loc.col);
            if !text.contains(&position) {
                let (first, rest) = text.split_once('\n').unwrap_or((&text, ""));
                let rest = if rest.is_empty() { String::new() } else { format!("\n{rest}") };
                text = format!("{first}\n --> {position}{rest}");
            }
        }
        text
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(false))
    }
}

/// `n` things, in the right number: `count(1, "field", "fields")` is `1 field`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// All problems found so far, errors and warnings.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn new() -> Diagnostics {
        Diagnostics(Vec::new())
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(other);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    pub fn error_count(&self) -> usize {
        self.0.iter().filter(|d| d.is_error()).count()
    }

    pub fn warning_count(&self) -> usize {
        self.0.len() - self.error_count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// Sorted by file and position, duplicates removed, so output is stable whatever the
    /// order in which parallel stages found them.
    pub fn sorted(mut self) -> Diagnostics {
        self.0.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.0.dedup();
        self
    }

    /// Turns warnings into errors (`check --strict`).
    pub fn strict(mut self) -> Diagnostics {
        for d in &mut self.0 {
            d.severity = Severity::Error;
        }
        self
    }

    pub fn render(&self, styled: bool) -> String {
        let mut out = String::new();
        for d in &self.0 {
            out.push_str(&d.render(styled));
            out.push_str("\n\n");
        }
        out
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl FromIterator<Diagnostic> for Diagnostics {
    fn from_iter<I: IntoIterator<Item = Diagnostic>>(iter: I) -> Self {
        Diagnostics(iter.into_iter().collect())
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

/// The byte offset of a 1-based line and character column in `text` (a column past the
/// line's end is its end), as Tera and libyaml report places.
pub fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let line_start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let line_text = &text[line_start.min(text.len())..];
    line_start + line_text.char_indices().nth(col.saturating_sub(1)).map_or(line_text.len(), |(i, _)| i)
}

/// The candidate closest to `name`, if any is close enough to be a likely typo.
pub fn did_you_mean<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name_lower = name.to_lowercase();
    candidates
        .into_iter()
        .filter_map(|c| {
            let candidate = c.to_lowercase();
            let distance = strsim::levenshtein(&name_lower, &candidate);
            let similarity = strsim::jaro_winkler(&name_lower, &candidate);
            // Short names are judged by edits, long ones by similarity.
            let close = distance <= (name_lower.chars().count() / 3).max(1) || similarity > 0.85;
            close.then_some((distance, std::cmp::Reverse((similarity * 1000.0) as u32), c))
        })
        .min()
        .map(|(_, _, c)| c)
}

/// "did you mean `x`?" when a candidate is close, else a list of the valid names.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str> + Clone) -> Option<String> {
    if let Some(best) = did_you_mean(name, candidates.clone()) {
        return Some(format!("did you mean `{best}`?"));
    }
    let all: Vec<&str> = candidates.into_iter().collect();
    if all.is_empty() {
        return None;
    }
    let shown: Vec<String> = all.iter().take(12).map(|c| format!("`{c}`")).collect();
    let more = if all.len() > shown.len() { format!(" and {} more", all.len() - shown.len()) } else { String::new() };
    Some(format!("expected one of {}{more}", shown.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_counts_lines_and_characters() {
        let text = "---\ntitle: Øyer\ntitel: x\n---\n";
        let at = text.find("titel").unwrap_or(0);
        let loc = Location::in_text("content/a.md", text, at..at + 5);
        assert_eq!((loc.line, loc.col, loc.len), (3, 1, 5));
        assert_eq!(loc.line_text, "titel: x");
        let at = text.find("yer").unwrap_or(0);
        let loc = Location::in_text("content/a.md", text, at..at + 3);
        assert_eq!((loc.line, loc.col), (2, 9));
    }

    #[test]
    fn rendered_diagnostic_names_file_line_and_column() {
        let text = "title: x\ntitel: y\n";
        let d = Diagnostic::error("unknown key `titel`")
            .at(Location::in_text("site.yaml", text, 9..14))
            .hint("did you mean `title`?");
        let out = d.render(false);
        assert!(out.contains("error: unknown key `titel`"), "{out}");
        assert!(out.contains("site.yaml:2:1"), "{out}");
        assert!(out.contains("help: did you mean `title`?"), "{out}");
    }

    #[test]
    fn suggestions_prefer_close_names() {
        assert_eq!(did_you_mean("titel", ["title", "date", "weight"]), Some("title"));
        assert_eq!(did_you_mean("zzz", ["title", "date"]), None);
        assert_eq!(suggest("zzz", ["a", "b"]).as_deref(), Some("expected one of `a`, `b`"));
    }
}
