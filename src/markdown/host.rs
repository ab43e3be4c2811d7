//! What rendering Markdown needs from the rest of the build, as one trait: link resolution,
//! shortcodes, render hooks, highlighting. `render` implements it with templates; the
//! tests with a plain fake.

use std::ops::Range;

use serde::Serialize;

use super::shortcode::Call;
use crate::diag::{Diagnostic, LineIndex, Location};
use crate::highlight::Highlighter;
use crate::ids::{DocId, LangId};
use crate::images::Picture;

pub trait Host: Sync {
    /// Resolves the path of an `@/` link (without `@/` and `#anchor`) for a page in `lang`.
    fn resolve(&self, path: &str, lang: LangId) -> Resolved;
    /// Renders a shortcode; `body` is the rendered HTML of a body shortcode. An error is
    /// located with [`CallSite::at`] or [`CallSite::at_arg`].
    fn shortcode(&self, site: &CallSite, body: Option<&str>) -> Result<String, Diagnostic>;
    /// Renders an element through a site's hook template, when the site has one. An error
    /// without a location is put at the element.
    fn hook(&self, hook: &Hook, doc: DocId) -> Option<Result<String, Diagnostic>>;
    /// Whether any element may go to a hook at all (when not, the pass is skipped).
    fn has_hooks(&self) -> bool {
        true
    }
    fn highlighter(&self) -> &Highlighter;
    /// The path of the base URL (`/region/`), for links from the site root.
    fn base_path(&self) -> &str {
        "/"
    }
    /// Whether the site renders images with its own hook (`markdown/image.html`).
    fn has_image_hook(&self) -> bool {
        false
    }
    /// What the `src` of a Markdown image in document `doc` shows (after `/` paths got
    /// the base URL's path).
    fn image(&self, _src: &str, _doc: DocId) -> ImageLookup {
        ImageLookup::NotLocal
    }
    /// What the path of a link or image (not `@/`) in document `doc` names, as written.
    fn local(&self, _href: &str, _doc: DocId) -> Local {
        Local::AsWritten
    }
}

/// What a link's or image's path in this site names.
#[derive(Debug, PartialEq, Eq, Hash)]
pub enum Local {
    /// Another site's address, an anchor, or a file the site publishes at that path.
    AsWritten,
    /// No file at that path, but one beside the page's own Markdown file (a page that is
    /// not a bundle): the path from the site root that file is published at (`/bo/kart.png`).
    Beside(String),
    /// No file the site copies: maybe a page, checked once every output file is known.
    Later,
}

/// What a Markdown image's `src` names.
pub enum ImageLookup {
    /// Another site's image, or no path at all: left as written.
    NotLocal,
    /// A file of the site that is published as it is (SVG, GIF).
    AsIs,
    /// A photo, published in several widths and formats; `warning` when its original is
    /// larger than a site needs.
    Picture { picture: Box<Picture>, warning: Option<String> },
    /// No file of the site: `hint` names the nearest one, or says where images go.
    Missing { hint: String },
    /// A photo that cannot be used (not the format it claims, unreadable, too large).
    Broken(String),
}

/// A shortcode call where it is: in which document, which call of its name it is, and
/// where in the file its name and arguments are written.
pub struct CallSite<'a> {
    pub call: &'a Call,
    pub doc: DocId,
    pub lang: LangId,
    /// How many calls of this shortcode came before in the document, from 1.
    pub nth: usize,
    /// The file, where its lines start, and where the Markdown the call's spans count from
    /// starts.
    pub(super) file: &'a str,
    pub(super) lines: &'a LineIndex<'a>,
    pub(super) offset: usize,
}

impl CallSite<'_> {
    /// The shortcode's name in the file.
    pub fn at(&self) -> Location {
        self.location(self.call.name_span.clone())
    }

    /// The argument `name` in the file (the shortcode's name when it has no such argument).
    pub fn at_arg(&self, name: &str) -> Location {
        match self.call.arg(name) {
            Some(arg) => self.location(arg.span.clone()),
            None => self.at(),
        }
    }

    fn location(&self, span: Range<usize>) -> Location {
        self.lines.locate(self.file, self.offset + span.start..self.offset + span.end)
    }
}

/// What an `@/` path names.
pub enum Resolved {
    Found {
        path: String,
        doc: DocId,
    },
    /// The page exists but is not in this build (draft, scheduled, expired).
    Unpublished(String),
    Missing {
        hint: Option<String>,
    },
    /// The page's own file has errors, reported already.
    Broken,
}

/// The Markdown elements a site can render with `templates/markdown/NAME.html`.
#[derive(Debug, Serialize)]
#[serde(tag = "element", rename_all = "lowercase")]
pub enum Hook {
    Image {
        src: String,
        alt: String,
        title: String,
        /// The published versions of a photo (see [`Picture`]); none for other images.
        image: Option<Picture>,
    },
    Link {
        url: String,
        text: String,
        title: String,
        external: bool,
    },
    Heading {
        level: u8,
        id: String,
        text: String,
    },
    Table {
        html: String,
    },
}

impl Hook {
    pub const IMAGE_TEMPLATE: &'static str = "markdown/image.html";

    pub fn template_name(&self) -> &'static str {
        match self {
            Hook::Image { .. } => Hook::IMAGE_TEMPLATE,
            Hook::Link { .. } => "markdown/link.html",
            Hook::Heading { .. } => "markdown/heading.html",
            Hook::Table { .. } => "markdown/table.html",
        }
    }
}
