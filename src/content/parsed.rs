//! Each content file's front matter as an earlier build parsed it, so that `serve` parses
//! again only the files whose text changed.
//!
//! An entry holds the text it was parsed from (shared with the source tree that read it,
//! see `source::ReadBefore`), so an unchanged file is known by that same text without
//! hashing it; a file read again is compared with it.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::file::FileMeta;
use super::front_matter::Split;
use crate::source::SourceFile;

/// The split and validated front matter of a file, as parsed from its text.
pub type Parse = Arc<(Split, FileMeta)>;

#[derive(Default)]
pub struct ParsedBefore {
    /// The taxonomies the front matter was read with: a page's taxonomy keys depend on them.
    taxonomies: Vec<String>,
    /// By the path shown to the author.
    by_file: FxHashMap<String, Entry>,
}

struct Entry {
    text: Arc<str>,
    is_section: bool,
    parse: Parse,
}

impl ParsedBefore {
    /// Starts the record of a build that reads front matter with `taxonomies`.
    pub fn new(taxonomies: &[String]) -> ParsedBefore {
        ParsedBefore { taxonomies: taxonomies.to_vec(), by_file: FxHashMap::default() }
    }

    /// This record, if it was read with `taxonomies`; else nothing in it can be used.
    pub fn usable_with(&self, taxonomies: &[String]) -> Option<&ParsedBefore> {
        (self.taxonomies == taxonomies).then_some(self)
    }

    /// What the earlier build parsed of `file` as a section or a page, if its text is as it
    /// was (see [`ParsedBefore::usable_with`] for the taxonomies).
    pub fn get(&self, file: &SourceFile, is_section: bool) -> Option<Parse> {
        let text = file.shared_text()?;
        let entry = self.by_file.get(&file.display)?;
        let same = entry.is_section == is_section && (Arc::ptr_eq(&entry.text, text) || entry.text == *text);
        same.then(|| entry.parse.clone())
    }

    /// Whether `file`'s front matter, and where its Markdown begins, are as the earlier
    /// build parsed them: true when an edit changed only the Markdown after it.
    pub fn same_front_matter(&self, file: &SourceFile) -> bool {
        let (Some(text), Some(entry)) = (file.shared_text(), self.by_file.get(&file.display)) else { return false };
        let (before, _) = &*entry.parse;
        let Ok(now) = super::front_matter::split(text, &file.display) else { return false };
        let start = before.body.start;
        now.yaml == before.yaml
            && now.has_front_matter == before.has_front_matter
            && now.body.start == start
            && text.as_bytes().get(..start) == entry.text.as_bytes().get(..start)
    }

    /// Notes what was parsed of `file` in this build.
    pub fn insert(&mut self, file: &SourceFile, is_section: bool, parse: Parse) {
        if let Some(text) = file.shared_text() {
            self.by_file.insert(file.display.clone(), Entry { text: text.clone(), is_section, parse });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Area, Contents, Origin};

    fn file(text: &str) -> SourceFile {
        SourceFile {
            area: Area::Content,
            origin: Origin::Site,
            rel: "side.md".into(),
            display: "content/side.md".into(),
            contents: Contents::Text(Arc::from(text)),
            fingerprint: None,
            stamp: None,
        }
    }

    fn parsed_from(text: &str, is_section: bool) -> ParsedBefore {
        let file = file(text);
        let parse = super::super::parse_front_matter(&file, is_section, &[]).expect("parses");
        let mut parsed = ParsedBefore::new(&[]);
        parsed.insert(&file, is_section, Arc::new(parse));
        parsed
    }

    #[test]
    fn only_the_markdown_after_the_front_matter_may_change() {
        let parsed = parsed_from("---\ntitle: Side\n---\nTekst.\n", false);
        assert!(parsed.same_front_matter(&file("---\ntitle: Side\n---\nAnnen tekst, lengre.\n")));
        assert!(parsed.same_front_matter(&file("---\ntitle: Side\n---\n")));
        assert!(!parsed.same_front_matter(&file("---\ntitle: Sida\n---\nTekst.\n")));
        assert!(!parsed.same_front_matter(&file("---\ntitle: Side\ndate: 2026-12-01\n---\nTekst.\n")));
        // The same bytes up to where the Markdown began, but no longer a closing line.
        let closed_at_the_end = parsed_from("---\ntitle: Side\n---", false);
        assert!(!closed_at_the_end.same_front_matter(&file("---\ntitle: Side\n---x")));
        assert!(!parsed.same_front_matter(&file("---\ntitle: Side\n")));
        // Another file, or none parsed before.
        let mut other = file("---\ntitle: Side\n---\nTekst.\n");
        other.display = "content/annen.md".into();
        assert!(!parsed.same_front_matter(&other));
    }

    #[test]
    fn a_section_without_front_matter_keeps_none() {
        let parsed = parsed_from("Bare tekst.\n", true);
        assert!(parsed.same_front_matter(&file("Annen tekst.\n")));
        assert!(!parsed.same_front_matter(&file("---\ntitle: Side\n---\nTekst.\n")));
    }
}
