//! What rendering makes: files in memory, files to copy, and what made each, so that two
//! claims on one output path are told apart by their origins.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;

use super::digest::Digest;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::markdown::ExternalLink;
use crate::site::Site;
use crate::source::{Area, Contents, SourceTree};
use crate::stamp::Stamp;

/// A file made by the build.
#[derive(Clone, Debug)]
pub struct OutputFile {
    /// Path in the output folder: `en/jobs/index.html`.
    pub rel: String,
    pub bytes: Arc<[u8]>,
    pub origin: Origin,
    /// What making it noticed (a page too deeply nested to minify).
    pub warnings: Vec<Diagnostic>,
    /// In `serve`, the digest of the text a template rendered, before its links were made
    /// relative and it was minified: a page rendered again into the same text takes these
    /// bytes instead of being minified again.
    pub rendered_text: Option<Digest>,
}

/// A file written into the output folder as soon as it was rendered, and let go of: what
/// is left of it.
#[derive(Clone, Debug)]
pub struct WrittenFile {
    pub rel: String,
    pub origin: Origin,
    pub size: u64,
}

/// Where rendered files go: kept in memory (`serve`, `check`), or written into the output
/// folder as they come (`build`), so a large site's pages are never all in memory at once.
pub trait Sink: Sync {
    fn take(&self, file: OutputFile) -> Result<Taken, Diagnostic>;

    /// Whether everything rendered is published (`build`): then the search index is made
    /// as soon as the Markdown is, and its texts let go of before the pages' values are
    /// made, instead of being deferred.
    fn publishes(&self) -> bool {
        false
    }
}

/// What a [`Sink`] did with a file.
pub enum Taken {
    Kept(OutputFile),
    Written(WrittenFile),
}

/// The sink that keeps every file in memory.
pub struct KeepAll;

impl Sink for KeepAll {
    fn take(&self, file: OutputFile) -> Result<Taken, Diagnostic> {
        Ok(Taken::Kept(file))
    }
}

/// A file copied as it is.
#[derive(Clone, Debug)]
pub struct CopyFile {
    pub rel: String,
    pub from: CopySource,
    pub origin: Origin,
    /// Size and last change of the file on disk, when it is there.
    pub stamp: Option<Stamp>,
}

#[derive(Clone, Debug)]
pub enum CopySource {
    Disk(PathBuf),
    /// A file in regionprofil's cache folder (a photo's version), which is only ever
    /// replaced, never changed: the output may share it (a hard link) rather than copy it.
    Cached(PathBuf),
    Embedded(&'static [u8]),
}

#[derive(Debug, Default)]
pub struct Output {
    /// Sorted by path.
    pub files: Vec<OutputFile>,
    /// Files the [`Sink`] wrote already, sorted by path.
    pub written: Vec<WrittenFile>,
    pub copies: Vec<CopyFile>,
    /// Links to other sites written in the content, for `check --external`.
    pub external_links: Vec<ExternalLink>,
    /// Files still to make, while the others are written: see [`Output::finish_beside`].
    pub deferred: Vec<Deferred>,
}

/// Files made from what rendering leaves: the photos' versions (those the pages show), and
/// in `serve` the search index (from the pages' text). They are made while the rendered
/// files are written, as writing leaves a core idle; made beside the pages, their work
/// would hold the pages up. `check`, which writes nothing, does not make them.
pub struct Deferred(Box<dyn FnOnce(Finish) -> Result<Made, Vec<Diagnostic>> + Send + Sync>);

/// How much a deferred job does now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Finish {
    /// Every file (`build`).
    Everything,
    /// What is quick; the rest is left [`OnRequest`] (`serve`, which makes a photo's
    /// versions when a page that shows it is viewed, not all of them before the first page,
    /// and the search index when a page first asks for it).
    QuickNowRestOnRequest,
}

/// Files a deferred job left to make when one of them is asked for.
#[derive(Clone)]
pub struct OnRequest {
    /// The output paths it makes; one ending in `/` stands for every path in that folder
    /// (the search index, whose files are named by what they hold).
    pub rels: Vec<String>,
    make: Arc<MakeOnRequest>,
}

/// Files made in memory: (output path, bytes).
pub type InMemory = Vec<(String, Arc<[u8]>)>;

/// Makes the files of an [`OnRequest`].
type MakeOnRequest = dyn Fn() -> Result<InMemory, String> + Send + Sync;

impl OnRequest {
    pub fn new(rels: Vec<String>, make: impl Fn() -> Result<InMemory, String> + Send + Sync + 'static) -> Self {
        OnRequest { rels, make: Arc::new(make) }
    }

    /// Makes the files (again, if they were made before: the job may keep them, or take
    /// them from a cache).
    pub fn make(&self) -> Result<InMemory, String> {
        (self.make)()
    }
}

impl fmt::Debug for OnRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OnRequest").field("rels", &self.rels).finish_non_exhaustive()
    }
}

/// What deferred jobs made: files in memory, and files to copy (photos' versions, from the
/// image cache).
#[derive(Debug, Default)]
pub struct Made {
    pub files: Vec<OutputFile>,
    pub copies: Vec<CopyFile>,
    /// With [`Finish::QuickNowRestOnRequest`]: what is left to make.
    pub on_request: Vec<OnRequest>,
}

impl Deferred {
    pub fn new(make: impl FnOnce(Finish) -> Result<Made, Vec<Diagnostic>> + Send + Sync + 'static) -> Deferred {
        Deferred(Box::new(make))
    }
}

impl fmt::Debug for Deferred {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Deferred")
    }
}

impl Output {
    /// Makes the deferred files while `meanwhile` works on the files made so far, and adds
    /// them. Returns what `meanwhile` returned, and the files it did not see (or every
    /// error of the deferred jobs).
    pub fn finish_beside<T: Send>(
        &mut self,
        finish: Finish,
        meanwhile: impl FnOnce(&Output) -> T + Send,
    ) -> (T, Result<Made, Diagnostics>) {
        let deferred = std::mem::take(&mut self.deferred);
        let (made, result) = rayon::join(
            || deferred.into_par_iter().map(|Deferred(make)| make(finish)).collect::<Vec<_>>(),
            || meanwhile(self),
        );
        let mut all = Made::default();
        let mut errors = Diagnostics::new();
        for made in made {
            match made {
                Ok(made) => {
                    all.files.extend(made.files);
                    all.copies.extend(made.copies);
                    all.on_request.extend(made.on_request);
                }
                Err(diags) => errors.extend(diags),
            }
        }
        if errors.has_errors() {
            return (result, Err(errors));
        }
        self.files.extend(all.files.iter().cloned());
        self.files.sort_by(|a, b| a.rel.cmp(&b.rel));
        self.copies.extend(all.copies.iter().cloned());
        self.copies.sort_by(|a, b| a.rel.cmp(&b.rel));
        (result, Ok(all))
    }
}

/// What made an output file, for messages.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    /// A file of the site or its theme, by the path shown to the author.
    File(String),
    /// The home page of a language that has no `_index.md`.
    Home {
        lang: String,
    },
    /// An alias written in a file (or in a home page that has none).
    Alias {
        written_in: Box<Origin>,
    },
    /// The redirect from a listing's `page/1/` to the listing.
    Listing {
        path: String,
    },
    Taxonomy {
        name: String,
    },
    Term {
        taxonomy: String,
        term: String,
    },
    NotFoundPage,
    SearchIndex,
    SearchPage,
    /// A published version of a photo.
    Image,
    Feed,
    Sitemap,
    Robots,
    Redirects,
    HighlightStylesheet,
    LanguageChooser,
}

impl Origin {
    /// The file to point at in a message, when there is one.
    pub fn file(&self) -> Option<&str> {
        match self {
            Origin::File(path) => Some(path),
            Origin::Alias { written_in } => written_in.file(),
            _ => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File(path) => f.write_str(path),
            Origin::Home { lang } => write!(f, "the home page of `{lang}`"),
            Origin::Alias { written_in } => write!(f, "an alias in {written_in}"),
            Origin::Listing { path } => write!(f, "the listing {path}"),
            Origin::Taxonomy { name } => write!(f, "the taxonomy `{name}`"),
            Origin::Term { taxonomy, term } => write!(f, "the {taxonomy} term `{term}`"),
            Origin::NotFoundPage => f.write_str("the 404 page"),
            Origin::SearchIndex => f.write_str("the search index"),
            Origin::SearchPage => f.write_str("the search page"),
            Origin::Image => f.write_str("a photo's published version"),
            Origin::Feed => f.write_str("the Atom feed"),
            Origin::Sitemap => f.write_str("the sitemap"),
            Origin::Robots => f.write_str("robots.txt"),
            Origin::Redirects => f.write_str("aliases"),
            Origin::HighlightStylesheet => f.write_str("the highlight stylesheet"),
            Origin::LanguageChooser => f.write_str("the language chooser"),
        }
    }
}

/// Static files (site over theme) and content assets.
pub fn copies(site: &Site, tree: &SourceTree) -> Vec<CopyFile> {
    let mut out = Vec::new();
    for (_, file) in tree.area(Area::Static) {
        let from = match &file.contents {
            Contents::OnDisk(path) => CopySource::Disk(path.clone()),
            Contents::Embedded(bytes) => CopySource::Embedded(bytes),
            Contents::Text(_) | Contents::Bytes(_) | Contents::Released => continue,
        };
        out.push(CopyFile {
            rel: file.rel.clone(),
            from,
            origin: Origin::File(file.display.clone()),
            stamp: file.stamp,
        });
    }
    for asset in &site.assets {
        let file = tree.file(asset.source);
        if let Contents::OnDisk(path) = &file.contents {
            out.push(CopyFile {
                rel: asset.rel.clone(),
                from: CopySource::Disk(path.clone()),
                origin: Origin::File(file.display.clone()),
                stamp: file.stamp,
            });
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// `items` in the order of their output paths, as a stable sort would give them. Files are
/// large and a build makes thousands: this moves each once, where sorting them in place
/// moves each many times.
pub fn sorted_by_path<T>(items: Vec<T>, path: impl Fn(&T) -> &str) -> Vec<T> {
    sorted_by_path_as(items, path, &mut Vec::new())
}

/// [`sorted_by_path`], trying `order` first: the order of the last build's items, which a
/// rebuild's (made from the same plan) nearly always keep. Checking it compares each item
/// with the next, where sorting compares each many times. `order` becomes this order.
pub fn sorted_by_path_as<T>(items: Vec<T>, path: impl Fn(&T) -> &str, order: &mut Vec<usize>) -> Vec<T> {
    // A permutation of the items (as a sort made it) in which each item comes before the
    // next, or has the same path and came earlier, is what a stable sort gives.
    let in_order = |a: usize, b: usize| (path(&items[a]), a) < (path(&items[b]), b);
    let still = order.len() == items.len() && order.windows(2).all(|pair| in_order(pair[0], pair[1]));
    if !still {
        *order = (0..items.len()).collect();
        order.sort_by(|&a, &b| path(&items[a]).cmp(path(&items[b])));
    }
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order.iter().filter_map(|&i| slots[i].take()).collect()
}

/// Two things that would write the same output file are an error naming both.
pub fn check_collisions(files: &[OutputFile], written: &[WrittenFile], copies: &[CopyFile], diags: &mut Diagnostics) {
    let mut claims: Vec<(&str, &Origin)> = files
        .iter()
        .map(|f| (f.rel.as_str(), &f.origin))
        .chain(written.iter().map(|f| (f.rel.as_str(), &f.origin)))
        .chain(copies.iter().map(|c| (c.rel.as_str(), &c.origin)))
        .collect();
    // Stable, and quick on lists that are already sorted runs (as the files are): each path's
    // claims stay in the order they were made.
    claims.sort_by(|a, b| a.0.cmp(b.0));
    for pair in claims.windows(2) {
        let [(rel, other), (next, origin)] = pair else { continue };
        if rel != next {
            continue;
        }
        // Named in a fixed order, so the message does not depend on which came first.
        let (first, second) = if other.to_string() <= origin.to_string() { (other, origin) } else { (origin, other) };
        let d = Diagnostic::error(format!("{first} and {second} both make the output file {rel}"))
            .hint("give one of them another `slug`, file name or path");
        diags.push(match first.file() {
            Some(file) => d.at(Location::file(file)),
            None => d,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::{sorted_by_path, sorted_by_path_as};

    #[test]
    fn files_sorted_by_path_keep_the_order_of_equal_paths() {
        let files = vec![("b/", 1), ("a/", 2), ("b/", 3), ("a/", 4), ("c/", 5)];
        let sorted = sorted_by_path(files, |(path, _)| path);
        assert_eq!(sorted, [("a/", 2), ("a/", 4), ("b/", 1), ("b/", 3), ("c/", 5)]);
    }

    #[test]
    fn the_last_order_is_taken_only_while_it_still_sorts() {
        let files = || vec![("b/", 1), ("a/", 2), ("b/", 3), ("a/", 4), ("c/", 5)];
        let sorted = [("a/", 2), ("a/", 4), ("b/", 1), ("b/", 3), ("c/", 5)];
        let mut order = Vec::new();
        assert_eq!(sorted_by_path_as(files(), |(path, _)| path, &mut order), sorted);
        assert_eq!(order, [1, 3, 0, 2, 4]);
        // The same paths in the same places: the order stands.
        assert_eq!(sorted_by_path_as(files(), |(path, _)| path, &mut order), sorted);
        // A path that moves, equal paths that swap places, a file more: sorted afresh.
        let moved = vec![("d/", 1), ("a/", 2), ("b/", 3), ("a/", 4), ("c/", 5)];
        let sorted = sorted_by_path_as(moved, |(path, _)| path, &mut order);
        assert_eq!(sorted, [("a/", 2), ("a/", 4), ("b/", 3), ("c/", 5), ("d/", 1)]);
        let mut swapped = vec![("b/", 1), ("a/", 4), ("b/", 3), ("a/", 2), ("c/", 5)];
        let mut order = vec![1, 3, 0, 2, 4];
        let stable = sorted_by_path(swapped.clone(), |(path, _)| path);
        assert_eq!(sorted_by_path_as(swapped.clone(), |(path, _)| path, &mut order), stable);
        swapped.push(("a/", 6));
        let stable = sorted_by_path(swapped.clone(), |(path, _)| path);
        assert_eq!(sorted_by_path_as(swapped, |(path, _)| path, &mut order), stable);
    }
}
