//! Images as rendering sees them: which file of the site a Markdown image's `src` names,
//! and a photo's published versions from [`crate::images`], made once rendering knows
//! which are shown.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use super::output::{CopyFile, CopySource, Deferred, Finish, Made, OnRequest, Origin};
use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics, Location, suggest};
use crate::images::{CARD, Catalog, Format, Picture, Version};
use crate::markdown::{ImageLookup, Local};
use crate::site::{Doc, Site};
use crate::source::SourceTree;
use crate::stamp::Stamp;

/// What the site publishes at an output path.
pub enum Found<'a> {
    /// Nothing; the hint names the nearest file.
    Missing { hint: String },
    /// A file published as it is (an SVG, a GIF, a PDF).
    Other,
    /// A JPEG, PNG or WebP, published in versions: its file, and its path as the author
    /// knows it.
    Photo { path: &'a Path, display: &'a str, format: Format },
}

/// A document's link-preview image, and the versions of a photo given as its `image:`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cover {
    /// The absolute URL of the link-preview image: the card cut from a photo, else the
    /// file as it is.
    pub url: String,
    /// The 1200 × 630 card cut from a photo, with its size for `og:image:width`.
    pub card: Option<Version>,
    /// The photo's versions, to show it in the page.
    pub picture: Option<Picture>,
}

/// What a link's path percent-encodes: all but letters, digits and `-._~`.
const URL_PATH: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

pub struct Photos {
    pub catalog: Catalog,
    /// Output path → the file on disk (none for the built-in theme's) and the path shown to
    /// the author, of every file published as it is (static files and page assets).
    files: HashMap<String, (Option<PathBuf>, String)>,
    /// Where each file in `content/` that is not Markdown is published, by its path there
    /// (`bo/kart.png`): once for each language version of the folder that owns it.
    in_content: HashMap<String, Vec<String>>,
}

impl Photos {
    pub fn new(site: &Site, copies: &[CopyFile], tree: &SourceTree) -> Photos {
        let files = copies
            .iter()
            .map(|copy| {
                let path = match &copy.from {
                    CopySource::Disk(path) => Some(path.clone()),
                    CopySource::Cached(_) | CopySource::Embedded(_) => None,
                };
                let display = match &copy.origin {
                    Origin::File(display) => display.clone(),
                    other => other.to_string(),
                };
                (copy.rel.clone(), (path, display))
            })
            .collect();
        let mut in_content: HashMap<String, Vec<String>> = HashMap::new();
        for asset in &site.assets {
            in_content.entry(tree.file(asset.source).rel.clone()).or_default().push(asset.rel.clone());
        }
        Photos { catalog: Catalog::new(&site.config.images, &tree.root), files, in_content }
    }

    /// The output path a Markdown image's `src` in `doc` names, when it names one in this
    /// site: `/images/a.jpg` (after the base URL's path) and `a.jpg` beside the page.
    pub fn output_path(site: &Site, doc: &Doc, src: &str) -> Option<String> {
        Photos::output_path_from(site, &doc.rel, src)
    }

    /// The output path `src` names, relative to the output folder `base` (`bo/hytte/`).
    fn output_path_from(site: &Site, base: &str, src: &str) -> Option<String> {
        let path = local_path(src)?;
        match path.strip_prefix('/') {
            Some(rooted) => {
                let prefix = site.config.base_url.prefix.trim_start_matches('/');
                normalized(rooted.strip_prefix(prefix).unwrap_or(rooted))
            }
            None => normalized(&format!("{base}{path}")),
        }
    }

    /// What the path `href` of a link or image in `doc` names: a file published at that
    /// path, else one beside the page's Markdown file, else maybe a page.
    pub fn local(&self, site: &Site, doc: &Doc, href: &str) -> Local {
        let Some(rel) = Photos::output_path(site, doc, href) else { return Local::AsWritten };
        if self.files.contains_key(&rel) {
            return Local::AsWritten;
        }
        match self.beside(doc, href) {
            Some(rel) => {
                let tail = href.find(['?', '#']).map_or("", |at| &href[at..]);
                Local::Beside(format!("/{rel}{tail}"))
            }
            None => Local::Later,
        }
    }

    /// The output path of the file a relative `src` names beside the Markdown file of
    /// `doc`, a page that is not a bundle: its files are published beside its section, not
    /// in its own folder, where `src` looks. Of the file's places, the one nearest the page
    /// (in its language).
    fn beside(&self, doc: &Doc, src: &str) -> Option<&str> {
        let places = self.in_content.get(&Photos::in_content_path(doc, src)?)?;
        let shared = |place: &&String| place.bytes().zip(doc.rel.bytes()).take_while(|(a, b)| a == b).count();
        places.iter().max_by_key(shared).map(String::as_str)
    }

    /// For a relative `src` in a page that is not a bundle that names no file, the nearest
    /// file name beside the page's Markdown file, written as `src` would be.
    pub fn nearest_beside(&self, doc: &Doc, src: &str) -> Option<String> {
        let wanted = Photos::in_content_path(doc, src)?;
        let (folder, name) = folder_and_name(&wanted);
        let best = crate::diag::did_you_mean(name, names_in(self.in_content.keys(), folder))?;
        let path = src.split(['?', '#']).next().unwrap_or_default();
        Some(match path.rsplit_once('/') {
            Some((written_folder, _)) => format!("{written_folder}/{best}"),
            None => best.to_string(),
        })
    }

    /// The path under `content/` a relative `src` names from the Markdown file of `doc`, a
    /// page that is not a bundle; none for other documents.
    fn in_content_path(doc: &Doc, src: &str) -> Option<String> {
        if doc.own_folder.is_some() || doc.row.is_some() || doc.source.is_none() || doc.is_section() {
            return None;
        }
        let path = local_path(src).filter(|path| !path.starts_with('/'))?;
        let folder: String = doc.parent_folder.iter().map(|part| format!("{part}/")).collect();
        normalized(&format!("{folder}{path}"))
    }

    /// What a Markdown image's `src` in `doc` shows.
    pub fn lookup(&self, site: &Site, doc: &Doc, src: &str) -> ImageLookup {
        let Some(rel) = Photos::output_path(site, doc, src) else { return ImageLookup::NotLocal };
        let (path, display) = match self.find(&rel) {
            Found::Missing { hint } => {
                let beside = self.nearest_beside(doc, src).map(|name| format!("did you mean `{name}`?"));
                return ImageLookup::Missing { hint: beside.unwrap_or(hint) };
            }
            Found::Other => return ImageLookup::AsIs,
            Found::Photo { path, display, .. } => (path, display),
        };
        match self.catalog.picture(path, display, &rel, |rel| site.path_of(rel)) {
            Ok(picture) => {
                ImageLookup::Picture { picture: Box::new(picture), warning: self.catalog.oversized(path, display) }
            }
            Err(message) => ImageLookup::Broken(message),
        }
    }

    /// The file published at the output path `rel`.
    pub fn find(&self, rel: &str) -> Found<'_> {
        match self.files.get(rel) {
            None => Found::Missing { hint: self.missing_hint(rel) },
            Some((Some(path), display)) => match Format::of_path(rel) {
                Some(format) => Found::Photo { path, display, format },
                None => Found::Other,
            },
            Some((None, _)) => Found::Other,
        }
    }

    /// Each document's link-preview image (by `DocId`): from its own `image:`, else its
    /// nearest section's, else the site's. A missing or broken image is an error at the
    /// `image:` that names it.
    pub fn covers(&self, site: &Site, tree: &SourceTree, diags: &mut Diagnostics) -> Vec<Option<Arc<Cover>>> {
        let own: Vec<Option<Result<Cover, Diagnostic>>> = site
            .docs
            .par_iter()
            .map(|doc| doc.meta.image.as_deref().map(|src| self.cover(site, &doc.rel, src, true)))
            .collect();
        let site_cover = site.config.image.as_deref().and_then(|src| {
            let src = format!("/{}", src.trim_start_matches('/'));
            match self.cover(site, "", &src, false) {
                Ok(cover) => Some(Arc::new(cover)),
                Err(d) => {
                    diags.push(d.at(site.config.locate(&["image"])));
                    None
                }
            }
        });
        let own: Vec<Option<Arc<Cover>>> = own
            .into_iter()
            .zip(&site.docs)
            .map(|(cover, doc)| match cover? {
                Ok(cover) => Some(Arc::new(cover)),
                Err(d) => {
                    if let (Some(source), false) = (doc.source, doc.is_fallback()) {
                        let file = tree.file(source);
                        let range = crate::yaml::locate_key(file.text(), &["image"]).unwrap_or(0..0);
                        diags.push(d.at(Location::in_text(&file.display, file.text(), range)));
                    }
                    None
                }
            })
            .collect();
        site.docs
            .iter()
            .map(|doc| {
                let mut at = Some(doc);
                while let Some(doc) = at {
                    if let Some(cover) = &own[doc.id] {
                        return Some(cover.clone());
                    }
                    at = doc.parent.map(|id| site.doc(id));
                }
                site_cover.clone()
            })
            .collect()
    }

    /// The link-preview image `src` (an `image:` relative to the output folder `base`),
    /// and for a page's own, the photo's versions to show it.
    fn cover(&self, site: &Site, base: &str, src: &str, with_picture: bool) -> Result<Cover, Diagnostic> {
        let Some(rel) = Photos::output_path_from(site, base, src) else {
            return Ok(Cover { url: src.to_string(), card: None, picture: None });
        };
        let (path, display, format) = match self.find(&rel) {
            Found::Missing { hint } => {
                return Err(Diagnostic::error(format!("the image `{src}` is not in the site")).hint(hint));
            }
            Found::Other => return Ok(Cover { url: site.url_of(&rel), card: None, picture: None }),
            Found::Photo { path, display, format } => (path, display, format),
        };
        // JPEG is what every site that shows link previews reads; PNG keeps transparency.
        let card_format = if format == Format::Png { Format::Png } else { Format::Jpeg };
        let card = self
            .catalog
            .version(path, display, &rel, CARD, Some(card_format), |rel| site.url_of(rel))
            .map_err(Diagnostic::error)?;
        let picture = match with_picture {
            true => {
                Some(self.catalog.picture(path, display, &rel, |rel| site.path_of(rel)).map_err(Diagnostic::error)?)
            }
            false => None,
        };
        Ok(Cover { url: card.url.clone(), card: Some(card), picture })
    }

    /// What the image at output path `rel` is, for `serve`'s memo: whether it is there, and
    /// for a photo, a hash of its bytes.
    pub fn digest(&self, rel: &str) -> Option<u64> {
        let (path, _) = self.files.get(rel)?;
        match (path, Format::of_path(rel)) {
            (Some(path), Some(format)) => Some(self.catalog.digest(path, format)),
            _ => Some(0),
        }
    }

    /// The nearest file name in the same folder, or where a page's images go.
    fn missing_hint(&self, rel: &str) -> String {
        let (folder, name) = folder_and_name(rel);
        suggest(name, names_in(self.files.keys(), folder)).unwrap_or_else(|| {
            "put the image in the folder of the page's Markdown file, or in static/ and write its path from the site root (/images/kart.png)"
                .to_string()
        })
    }

    /// What looks for photo originals in rendered files: every photo file among `copies`,
    /// by its file name as it is and percent-encoded, as a link may write it. Which photos
    /// are shown in versions is known only once every page is rendered, so all are looked for.
    pub fn originals(&self, copies: &[CopyFile]) -> Originals {
        let names: Vec<String> = copies
            .iter()
            .filter(|c| matches!(&c.from, CopySource::Disk(_)) && Format::of_path(&c.rel).is_some())
            .map(file_name)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let patterns = names.iter().flat_map(|name| {
            let encoded = percent_encoding::utf8_percent_encode(name, URL_PATH).to_string();
            [name.clone(), encoded]
        });
        let finder = (!names.is_empty()).then(|| aho_corasick::AhoCorasick::new(patterns).ok()).flatten();
        Originals { names, finder, named: Mutex::default() }
    }

    /// Leaves out of `copies` the originals of photos shown in versions that no rendered
    /// file named (`originals` looked): a phone never downloads them, and a host need not
    /// serve them. A page that links to the original, or a template that writes
    /// `image.original`, names it (by its file name, so a relative link counts too), and it
    /// is published.
    pub fn drop_unasked_originals(&self, originals: Originals, copies: &mut Vec<CopyFile>) {
        let shown = self.catalog.shown();
        if shown.is_empty() || originals.finder.is_none() {
            return;
        }
        let is_shown = |copy: &CopyFile| matches!(&copy.from, CopySource::Disk(path) if shown.contains(path));
        let named = originals.named.into_inner().unwrap_or_else(|e| e.into_inner());
        let named: BTreeSet<&str> = named.into_iter().map(|i| originals.names[i].as_str()).collect();
        copies.retain(|copy| !is_shown(copy) || named.contains(file_name(copy).as_str()));
    }

    /// The versions of photos the pages show, made while the pages are written; none when
    /// no page shows a photo.
    pub fn deferred(self: &Arc<Photos>) -> Option<Deferred> {
        let wanted = self.catalog.wanted();
        if wanted.is_empty() {
            return None;
        }
        let cache = self.catalog.cache().to_path_buf();
        let record = self.catalog.record();
        Some(Deferred::new(move |finish| {
            if let Some((name, contents)) = &record {
                crate::images::keep(&cache, name, contents).map_err(|e| vec![Diagnostic::error(e)])?;
            }
            let (ready, later) = match finish {
                Finish::Everything => (crate::images::make(&wanted, &cache), Vec::new()),
                Finish::QuickNowRestOnRequest => {
                    let (found, missing) = crate::images::in_cache(&wanted, &cache);
                    (Ok(found), missing)
                }
            };
            let ready = ready.map_err(|errors| errors.into_iter().map(Diagnostic::error).collect::<Vec<_>>())?;
            let on_request = later
                .into_iter()
                .map(|photo| {
                    let rels = photo.iter().map(|v| v.rel.clone()).collect();
                    let cache = cache.clone();
                    OnRequest::new(rels, move || {
                        let made = crate::images::make(&photo, &cache).map_err(|e| e.join("; "))?;
                        let read = |(rel, path): (String, PathBuf)| match std::fs::read(&path) {
                            Ok(bytes) => Ok((rel, Arc::from(bytes))),
                            Err(e) => Err(format!("cannot read {}: {e}", path.display())),
                        };
                        made.into_iter().map(read).collect()
                    })
                })
                .collect();
            Ok(Made { copies: cached_copies(ready), on_request, ..Made::default() })
        }))
    }
}

/// The path of a link or image that names a file of this site, percent-decoded, without
/// query or fragment: none for another site's address, an anchor or a `mailto:`.
fn local_path(src: &str) -> Option<std::borrow::Cow<'_, str>> {
    let scheme = src.split_once(':').is_some_and(|(scheme, _)| !scheme.contains('/'));
    if src.is_empty() || scheme || src.starts_with("//") || src.starts_with('#') {
        return None;
    }
    let path = src.split(['?', '#']).next().unwrap_or_default();
    Some(percent_encoding::percent_decode_str(path).decode_utf8_lossy())
}

/// `bo/kart.png` → (`bo`, `kart.png`); a name at the root is in folder `""`.
pub(super) fn folder_and_name(path: &str) -> (&str, &str) {
    path.rsplit_once('/').unwrap_or(("", path))
}

/// The names of the `paths` that are in `folder`.
fn names_in<'a>(
    paths: impl Iterator<Item = &'a String> + Clone,
    folder: &'a str,
) -> impl Iterator<Item = &'a str> + Clone {
    paths.filter_map(move |path| {
        let (other, name) = folder_and_name(path);
        (other == folder).then_some(name)
    })
}

/// `a/./b/../c` → `a/c`; none for a path above the site's root.
pub(super) fn normalized(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            part => parts.push(part),
        }
    }
    Some(parts.join("/"))
}

/// Versions in the image cache, as files to copy.
fn cached_copies(made: Vec<(String, PathBuf)>) -> Vec<CopyFile> {
    made.into_iter()
        .map(|(rel, path)| CopyFile {
            rel,
            stamp: Stamp::of_path(&path),
            from: CopySource::Cached(path),
            origin: Origin::Image,
        })
        .collect()
}

/// The photo originals rendered files name: see [`Photos::originals`].
pub struct Originals {
    names: Vec<String>,
    finder: Option<aho_corasick::AhoCorasick>,
    /// Indexes into `names`.
    named: Mutex<BTreeSet<usize>>,
}

impl Originals {
    /// Notes the originals `bytes` (a rendered file) names.
    pub fn scan(&self, bytes: &[u8]) {
        let Some(finder) = &self.finder else { return };
        let found: BTreeSet<usize> = finder.find_overlapping_iter(bytes).map(|m| m.pattern().as_usize() / 2).collect();
        if !found.is_empty() {
            self.named.lock().unwrap_or_else(|e| e.into_inner()).extend(found);
        }
    }
}

fn file_name(copy: &CopyFile) -> String {
    copy.rel.rsplit('/').next().unwrap_or(&copy.rel).to_string()
}
