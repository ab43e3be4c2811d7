//! A content file as the rest of the build sees it: where it is, its language and
//! translation key, and its validated front matter.

use super::front_matter::{PageMeta, SectionMeta, Split};
use crate::ids::{LangId, SourceId};

#[derive(Clone, Debug)]
pub enum FileMeta {
    Page(Box<PageMeta>),
    Section(Box<SectionMeta>),
}

#[derive(Clone, Debug)]
pub struct ContentFile {
    pub source: SourceId,
    /// The translation key: the path of the default-language file, which is also what
    /// `@/` links name: `jobb/sykepleier.md`, `jobb/_index.md`, `jobb/hytte/index.md`.
    pub key: String,
    pub lang: LangId,
    /// Sections: their folder. Pages: the folder they sit in. Bundles: the bundle folder.
    pub folder: Vec<String>,
    /// Pages: the file name without `.md` (bundles: the bundle folder's name).
    pub stem: String,
    pub is_bundle: bool,
    pub split: Split,
    pub meta: FileMeta,
}

impl ContentFile {
    pub fn is_section(&self) -> bool {
        matches!(self.meta, FileMeta::Section(_))
    }

    /// The folder whose section this document belongs to.
    pub fn parent_folder(&self) -> &[String] {
        match &self.meta {
            FileMeta::Section(_) => &self.folder[..self.folder.len().saturating_sub(1)],
            FileMeta::Page(_) if self.is_bundle => &self.folder[..self.folder.len() - 1],
            FileMeta::Page(_) => &self.folder,
        }
    }
}
