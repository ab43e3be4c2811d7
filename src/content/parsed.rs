//! Each content file's front matter as an earlier build parsed it, so that `serve` parses
//! again only the files whose text changed.
//!
//! An entry holds the text it was parsed from (shared with the source tree that read it,
//! see `source::ReadBefore`), so an unchanged file is known by that same text without
//! hashing it; a file read again is compared with it.

use std::collections::HashMap;
use std::sync::Arc;

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
    by_file: HashMap<String, Entry>,
}

struct Entry {
    text: Arc<str>,
    is_section: bool,
    parse: Parse,
}

impl ParsedBefore {
    /// Starts the record of a build that reads front matter with `taxonomies`.
    pub fn new(taxonomies: &[String]) -> ParsedBefore {
        ParsedBefore { taxonomies: taxonomies.to_vec(), by_file: HashMap::new() }
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

    /// Notes what was parsed of `file` in this build.
    pub fn insert(&mut self, file: &SourceFile, is_section: bool, parse: Parse) {
        if let Some(text) = file.shared_text() {
            self.by_file.insert(file.display.clone(), Entry { text: text.clone(), is_section, parse });
        }
    }
}
