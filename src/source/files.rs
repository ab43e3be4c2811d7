//! A site's files as the build knows them: the areas they belong to, where they come from,
//! and their contents; which names a walk leaves out, and the messages for paths that
//! cannot be read.

use std::path::PathBuf;
use std::sync::Arc;

use crate::diag::{Diagnostic, Location};
use crate::stamp::Stamp;

pub const BUILTIN_THEME_NAME: &str = "region";

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Area {
    Content,
    Templates,
    Static,
    I18n,
    Data,
}

impl Area {
    /// Every area a site has, in the order they are read.
    pub const ALL: [Area; 5] = [Area::Content, Area::Templates, Area::Static, Area::I18n, Area::Data];
    /// The areas a theme may bring.
    pub const OF_THEMES: [Area; 3] = [Area::Templates, Area::Static, Area::I18n];

    pub fn dir(self) -> &'static str {
        match self {
            Area::Content => "content",
            Area::Templates => "templates",
            Area::Static => "static",
            Area::I18n => "i18n",
            Area::Data => "data",
        }
    }

    pub(super) fn from_dir(dir: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|area| area.dir() == dir)
    }

    /// Whether the files of this area are read into memory as text.
    pub(super) fn is_text(self, rel: &str) -> bool {
        match self {
            Area::Content => rel.ends_with(".md"),
            Area::Templates | Area::I18n => true,
            Area::Static | Area::Data => false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    Theme,
    Site,
}

#[derive(Clone, Debug)]
pub enum Contents {
    /// Shared, so that the next build of `serve` takes an unchanged file without reading it.
    Text(Arc<str>),
    Bytes(Arc<[u8]>),
    /// Not read: copied from this path when the output is written.
    OnDisk(PathBuf),
    Embedded(&'static [u8]),
    /// Read and let go of: a build needs a content file's text only until its Markdown
    /// is rendered ([`super::SourceTree::release`]).
    Released,
}

#[derive(Clone, Debug)]
pub struct SourceFile {
    pub area: Area,
    pub origin: Origin,
    /// Path inside the area, with `/`: `jobb/sykepleier.md`, `shortcodes/note.html`.
    pub rel: String,
    /// Path shown to the author, relative to the site folder: `content/jobb/sykepleier.md`.
    pub display: String,
    pub contents: Contents,
    /// A hash of a static file's bytes, for cache-busting URLs (`asset()`).
    pub fingerprint: Option<String>,
    /// Size and last change of a file on disk.
    pub stamp: Option<Stamp>,
}

impl SourceFile {
    /// The text as read, shared (`None` when the file is not read as text).
    pub fn shared_text(&self) -> Option<&Arc<str>> {
        match &self.contents {
            Contents::Text(text) => Some(text),
            _ => None,
        }
    }

    pub fn text(&self) -> &str {
        match &self.contents {
            Contents::Text(text) => text,
            _ => "",
        }
    }

    pub fn bytes(&self) -> Option<&[u8]> {
        match &self.contents {
            Contents::Text(text) => Some(text.as_bytes()),
            Contents::Bytes(bytes) => Some(bytes),
            Contents::Embedded(bytes) => Some(bytes),
            Contents::OnDisk(_) | Contents::Released => None,
        }
    }
}

pub(super) fn outside(display: &str) -> Diagnostic {
    Diagnostic::error(format!("{display} is a symlink to a place outside the site folder"))
        .at(Location::file(display))
        .hint("copy the file into the site instead; the site may only read its own folder")
}

/// A FIFO, socket or device would hang or mislead the build: only regular files are read.
pub(super) fn not_a_file(display: &str) -> Diagnostic {
    Diagnostic::error(format!("{display} is not a regular file"))
        .at(Location::file(display))
        .hint("a site holds files and folders only; remove it (it may be a FIFO, a socket or a device)")
}

/// Hidden files, editor backups and temporaries, and OS litter are never part of a site; in
/// `static/` dotfiles are kept (hosts read `.well-known/`, `.nojekyll`) except VCS folders.
pub(super) fn is_ignored(name: &str, area: Area) -> bool {
    const LITTER: [&str; 7] = [".git", ".svn", ".hg", ".DS_Store", "Thumbs.db", "desktop.ini", "4913"];
    const TEMPORARY_ENDINGS: [&str; 9] =
        ["~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".crswap", "___jb_tmp___", "___jb_old___"];
    // `4913` is the file vim writes to learn whether it may write in a folder.
    let temporary = TEMPORARY_ENDINGS.iter().any(|ending| name.ends_with(ending))
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'));
    LITTER.contains(&name) || temporary || (area != Area::Static && name.starts_with('.'))
}
