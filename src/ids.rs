//! The numbers that name things across stages, kept apart from the stages that make them so
//! that a lower stage (Markdown, UI strings) can speak of documents and languages without
//! depending on the site model.

/// A language of the site: its index in `site.yaml`'s `languages` (0 is the default).
pub type LangId = usize;

/// A document of the site model: its index in `Site::docs`.
pub type DocId = usize;

/// A file that `source` read: its index in `SourceTree::files`.
pub type SourceId = usize;
