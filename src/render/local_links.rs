//! Links to the site's own pages and files by their path (`/kontakt/`, `../priser.pdf`),
//! checked against every file the build publishes, once all of them are known.

use std::collections::{BTreeMap, HashSet};

use super::photos::{Photos, folder_and_name};
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};
use crate::ids::DocId;
use crate::markdown::LocalLink;
use crate::site::{Doc, NotFound, Site};

/// Each link in `links` (by the document it is in) must name a file in `published` (output
/// paths), or a folder with an `index.html` in it.
pub fn check(
    site: &Site,
    photos: &Photos,
    links: &[(DocId, Vec<LocalLink>)],
    published: &HashSet<&str>,
    diags: &mut Diagnostics,
) {
    let publishes = |rel: &str| {
        let page = if rel.is_empty() { "index.html".to_string() } else { format!("{rel}/index.html") };
        published.contains(rel) || published.contains(page.as_str())
    };
    let mut nearby: Option<Nearby> = None;
    for (doc, links) in links {
        let doc = site.doc(*doc);
        for link in links {
            let Some(rel) = Photos::output_path(site, doc, &link.href) else { continue };
            if publishes(&rel) {
                continue;
            }
            let nearby = nearby.get_or_insert_with(|| Nearby::new(published));
            let nearest = || photos.nearest_beside(doc, &link.href).or_else(|| nearby.nearest(&rel).map(String::from));
            let hint = match page_by_file(site, doc, &link.href, &rel) {
                Some(ByFile::Is(key)) => {
                    format!("link to the page by its file: `@/{key}` (its address follows its slug and language)")
                }
                Some(ByFile::Near(hint)) => hint,
                None => match nearest() {
                    Some(path) => format!("did you mean `{path}`?"),
                    None => "link to a page by its file under content/, like [Kontakt](@/kontakt.md), so the \
                        link follows its slug and language; put files in static/ or beside the page's Markdown file"
                        .to_string(),
                },
            };
            diags.push(
                Diagnostic::error(format!("the link to `{}` points at nothing this site publishes", link.href))
                    .at(link.at.clone())
                    .hint(hint),
            );
        }
    }
}

/// The page a broken link named by its file.
enum ByFile {
    /// The author wrote its file's path (`../jobb/x.md`) or its folder under content/ where
    /// its slug differs: its `@/` path.
    Is(String),
    /// A file path that names no page: the hint that names the nearest page's `@/` path.
    Near(String),
}

fn page_by_file(site: &Site, doc: &Doc, href: &str, rel: &str) -> Option<ByFile> {
    let path = href.split(['?', '#']).next().unwrap_or_default();
    let mut keys = Vec::new();
    let mut file_key = None;
    if path.ends_with(".md") && !path.starts_with('/') {
        let folder = doc.own_folder.as_ref().unwrap_or(&doc.parent_folder);
        let joined: String = folder.iter().map(|part| format!("{part}/")).chain([path.to_string()]).collect();
        file_key = super::photos::normalized(&joined);
        keys.extend(file_key.clone());
    }
    let rooted = rel.strip_prefix(&site.lang_rel(doc.lang)).unwrap_or(rel);
    keys.extend([format!("{rooted}.md"), format!("{rooted}/index.md"), format!("{rooted}/_index.md"), rooted.into()]);
    let found = keys.into_iter().find_map(|key| {
        let id = site.lookup(&key, doc.lang).ok()?;
        Some(site.doc(id).key.clone())
    });
    match (found, file_key) {
        (Some(key), _) => Some(ByFile::Is(key)),
        // A misspelt file: the nearest page, by the same rule as an `@/` link's.
        (None, Some(key)) => match site.lookup(&key, doc.lang) {
            Err(NotFound::Missing { hint: Some(hint), .. }) => {
                Some(ByFile::Near(format!("{hint} (a link by the page's file follows its slug and language)")))
            }
            _ => None,
        },
        (None, None) => None,
    }
}

/// The published pages and files by folder, to name the one nearest a broken link.
struct Nearby<'a> {
    /// Folder → (name, path from the site root as a link writes it).
    by_folder: BTreeMap<&'a str, Vec<(&'a str, String)>>,
}

impl<'a> Nearby<'a> {
    fn new(published: &HashSet<&'a str>) -> Nearby<'a> {
        let mut by_folder: BTreeMap<&str, Vec<(&str, String)>> = BTreeMap::new();
        for rel in published {
            let (path, shown) = match rel.strip_suffix("index.html") {
                Some(folder) if folder.is_empty() || folder.ends_with('/') => {
                    (folder.trim_end_matches('/'), format!("/{folder}"))
                }
                _ => (*rel, format!("/{rel}")),
            };
            let (folder, name) = folder_and_name(path);
            by_folder.entry(folder).or_default().push((name, shown));
        }
        for entries in by_folder.values_mut() {
            entries.sort();
        }
        Nearby { by_folder }
    }

    fn nearest(&self, rel: &str) -> Option<&str> {
        let (folder, name) = folder_and_name(rel);
        let entries = self.by_folder.get(folder)?;
        let best = did_you_mean(name, entries.iter().map(|(name, _)| *name))?;
        entries.iter().find(|(name, _)| *name == best).map(|(_, shown)| shown.as_str())
    }
}
