//! Images as rendering sees them: which file of the site a Markdown image's `src` names,
//! and a photo's published versions from [`crate::images`], made once rendering knows
//! which are shown.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use super::output::{CopyFile, CopySource, Deferred, Origin, OutputFile};
use crate::diag::{Diagnostic, suggest};
use crate::images::{Catalog, Format};
use crate::markdown::ImageLookup;
use crate::site::{Doc, Site};

pub struct Photos {
    pub catalog: Catalog,
    /// Output path → the file on disk (none for the built-in theme's) and the path shown to
    /// the author, of every file published as it is (static files and page assets).
    files: HashMap<String, (Option<PathBuf>, String)>,
}

impl Photos {
    pub fn new(site: &Site, copies: &[CopyFile], root: &std::path::Path) -> Photos {
        let files = copies
            .iter()
            .map(|copy| {
                let path = match &copy.from {
                    CopySource::Disk(path) => Some(path.clone()),
                    CopySource::Embedded(_) => None,
                };
                let display = match &copy.origin {
                    Origin::File(display) => display.clone(),
                    other => other.to_string(),
                };
                (copy.rel.clone(), (path, display))
            })
            .collect();
        Photos { catalog: Catalog::new(&site.config.images, root), files }
    }

    /// The output path a Markdown image's `src` in `doc` names, when it names one in this
    /// site: `/images/a.jpg` (after the base URL's path) and `a.jpg` beside the page.
    pub fn output_path(site: &Site, doc: &Doc, src: &str) -> Option<String> {
        let scheme = src.split_once(':').is_some_and(|(scheme, _)| !scheme.contains('/'));
        if src.is_empty() || scheme || src.starts_with("//") || src.starts_with('#') {
            return None;
        }
        let path = src.split(['?', '#']).next().unwrap_or_default();
        let path = percent_encoding::percent_decode_str(path).decode_utf8_lossy();
        let joined = match path.strip_prefix('/') {
            Some(rooted) => {
                let prefix = site.config.base_url.prefix.trim_start_matches('/');
                rooted.strip_prefix(prefix).unwrap_or(rooted).to_string()
            }
            None => format!("{}{path}", doc.rel),
        };
        let mut parts: Vec<&str> = Vec::new();
        for part in joined.split('/') {
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

    /// What a Markdown image's `src` in `doc` shows.
    pub fn lookup(&self, site: &Site, doc: &Doc, src: &str) -> ImageLookup {
        let Some(rel) = Photos::output_path(site, doc, src) else { return ImageLookup::NotLocal };
        let Some((path, display)) = self.files.get(&rel) else {
            return ImageLookup::Missing { hint: self.missing_hint(&rel) };
        };
        let (Some(path), Some(_)) = (path, Format::of_path(&rel)) else { return ImageLookup::AsIs };
        match self.catalog.picture(path, display, &rel, |rel| site.path_of(rel)) {
            Ok(picture) => {
                ImageLookup::Picture { picture: Box::new(picture), warning: self.catalog.oversized(path, display) }
            }
            Err(message) => ImageLookup::Broken(message),
        }
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
        let (folder, name) = rel.rsplit_once('/').map_or(("", rel), |(folder, name)| (folder, name));
        let beside = self.files.keys().filter_map(|other| {
            let (other_folder, other_name) = other.rsplit_once('/').map_or(("", other.as_str()), |p| p);
            (other_folder == folder).then_some(other_name)
        });
        suggest(name, beside).unwrap_or_else(|| {
            "put the image beside the page in its own folder (a page bundle: the page as index.md) or in static/"
                .to_string()
        })
    }

    /// The versions of photos the pages show, made while the pages are written; none when
    /// no page shows a photo.
    pub fn deferred(self: &Arc<Photos>) -> Option<Deferred> {
        let wanted = self.catalog.wanted();
        if wanted.is_empty() {
            return None;
        }
        let cache = self.catalog.cache().to_path_buf();
        Some(Deferred::new(move || match crate::images::make(&wanted, &cache) {
            Ok(made) => Ok(made
                .into_iter()
                .map(|(rel, bytes)| OutputFile {
                    rel,
                    bytes: bytes.into(),
                    origin: Origin::Image,
                    warnings: Vec::new(),
                })
                .collect()),
            Err(errors) => Err(errors.into_iter().map(Diagnostic::error).collect()),
        }))
    }
}
