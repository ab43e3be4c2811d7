//! Assembling the [`Site`] from validated content:
//!
//! 1. Leave out drafts (unless asked), pages before their `publish_date` and after their
//!    `expiry_date` (or a job's `valid_through`), remembering why.
//! 2. Make documents: one per file and language; a home page for every language even
//!    without `_index.md`; with `missing: fallback`, a fallback document in each language
//!    that lacks a translation of a default-language document.
//! 3. Give each a slug and an output folder in its language's URL space.
//! 4. Link the tree: parent sections, their pages (sorted) and subsections.
//! 5. Translations, taxonomies, aliases and asset copies.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};

use jiff::Timestamp;
use jiff::tz::TimeZone;
use rayon::prelude::*;

use super::model::{Alias, AssetCopy, Body, Doc, Kind, Meta, SectionInfo, Site};
use super::urls::{SectionSlugs, lang_rel};
use super::{from_data, taxonomy};
use crate::config::{Config, Missing};
use crate::content::publishing::{self, Unpublished};
use crate::content::{Content, ContentFile, FileMeta, SortBy};
use crate::data::DataSet;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::ids::{DocId, LangId};
use crate::locale::Locales;
use crate::slug::slugify;
use crate::source::SourceTree;

#[derive(Clone, Debug)]
pub struct SiteOptions {
    pub now: Timestamp,
    pub drafts: bool,
}

/// The site from the usable content; problems are reported and the rest kept.
pub fn build(
    config: Config,
    content: Content,
    data: &DataSet,
    tree: &SourceTree,
    locales: &Locales,
    options: &SiteOptions,
) -> (Site, Diagnostics) {
    let mut diags = Diagnostics::new();
    let zone = config.time_zone.clone();
    check_schedules(&content.files, tree, &zone, &mut diags);
    let (files, unpublished) = published(content.files, options, &zone);
    let mut docs = make_docs(&files, &config);
    let from_data = from_data::pages(&docs, &files, data, tree, &mut diags);
    docs.extend(from_data);
    renumber(&mut docs);
    assign_urls(&mut docs, &files, &config, tree, &mut diags);
    let index: rustc_hash::FxHashMap<(String, LangId), DocId> =
        docs.iter().map(|d| ((d.key.clone(), d.lang), d.id)).collect();
    let homes: Vec<DocId> = (0..config.languages.len())
        .map(|lang| index.get(&("_index.md".to_string(), lang)).copied().unwrap_or(0))
        .collect();
    // Each document's date as an instant, once: sorting compares them many times.
    let dated: Vec<Option<Timestamp>> = docs.iter().map(|d| d.meta.date.as_ref().map(|m| m.start(&zone))).collect();
    // Every listing by date (sections, terms) sorts by this one order: sorted once, each
    // document's place in it is all a listing compares.
    // Each title's collation sort key, once: sorting by title compares them many times.
    let titles: Vec<Vec<u8>> = docs.par_iter().map(|d| locales.get(d.lang).sort_key(&d.meta.title)).collect();
    let newest = newest_first_ranks(&docs, &titles, &dated);
    link_tree(&mut docs, &homes, &titles, &newest);
    link_translations(&mut docs);
    check_terms(&docs, tree, &mut diags);
    let lang_rels: Vec<String> = config.languages.iter().map(lang_rel).collect();
    let taxonomies =
        taxonomy::collect(&config.taxonomies, &lang_rels, &docs, locales, |a, b| newest[*a].cmp(&newest[*b]));
    let aliases = aliases(&docs, tree, &mut diags);
    let assets = assets(&content.assets, &docs);
    let broken = content.broken;
    let site = Site { config, docs, index, homes, unpublished, broken, taxonomies, aliases, assets };
    (site, diags)
}

type UnpublishedMap = BTreeMap<(String, LangId), Unpublished>;

fn published(files: Vec<ContentFile>, options: &SiteOptions, zone: &TimeZone) -> (Vec<ContentFile>, UnpublishedMap) {
    let mut kept = Vec::with_capacity(files.len());
    let mut left_out = BTreeMap::new();
    for file in files {
        match why_unpublished(&file, options, zone) {
            Some(reason) => {
                left_out.insert((file.key.clone(), file.lang), reason);
            }
            None => kept.push(file),
        }
    }
    (kept, left_out)
}

fn why_unpublished(file: &ContentFile, options: &SiteOptions, zone: &TimeZone) -> Option<Unpublished> {
    let FileMeta::Page(meta) = &file.meta else { return None };
    publishing::status(meta, options.drafts, options.now, zone)
}

/// One document per (file, language), plus implicit homes and fallbacks, numbered so that
/// `docs[i].id == i`. A document made from a file knows it by its `source`.
fn make_docs(files: &[ContentFile], config: &Config) -> Vec<Doc> {
    let mut by_key: BTreeMap<&str, Vec<&ContentFile>> = BTreeMap::new();
    for file in files {
        by_key.entry(file.key.as_str()).or_default().push(file);
    }
    // Sized once: a site's documents are most of its model, and a growing vector would
    // hold up to twice their room.
    let mut docs = Vec::with_capacity(by_key.len() * config.languages.len());
    for (key, versions) in &by_key {
        for lang in 0..config.languages.len() {
            let own = versions.iter().find(|f| f.lang == lang);
            let fallback = || versions.iter().find(|f| f.lang == 0).filter(|_| config.missing == Missing::Fallback);
            if let Some(file) = own.copied().or_else(|| fallback().copied()) {
                docs.push(doc_from_file(docs.len(), key, lang, file, config));
            }
        }
    }
    // A home page in every language, written or not.
    for lang in 0..config.languages.len() {
        if !docs.iter().any(|d| d.key == "_index.md" && d.lang == lang) {
            docs.push(implicit_home(docs.len(), lang, config));
        }
    }
    renumber(&mut docs);
    docs
}

/// Sorts documents by (key, language) and numbers them in that order.
fn renumber(docs: &mut [Doc]) {
    docs.sort_by(|a, b| (&a.key, a.lang).cmp(&(&b.key, b.lang)));
    for (i, doc) in docs.iter_mut().enumerate() {
        doc.id = i;
    }
}

fn doc_from_file(id: DocId, key: &str, lang: LangId, file: &ContentFile, config: &Config) -> Doc {
    let (meta, kind) = match &file.meta {
        FileMeta::Page(page) => (
            Meta {
                title: page.title.clone(),
                description: page.description.clone(),
                date: page.date.clone(),
                updated: page.updated.clone(),
                weight: page.weight,
                image: page.image.clone(),
                template: page.template.clone(),
                aliases: page.aliases.clone(),
                taxonomies: page.taxonomies.clone(),
                job: page.job.clone().map(Box::new),
                event: page.event.clone().map(Box::new),
                extra: page.extra.clone(),
                hidden_from_search: page.search == Some(false),
            },
            Kind::Page,
        ),
        FileMeta::Section(section) => {
            let is_home = file.folder.is_empty();
            let language = &config.languages[lang];
            let title = section.title.clone().unwrap_or_else(|| {
                if is_home { language.title.clone() } else { file.folder.last().cloned().unwrap_or_default() }
            });
            let description = section.description.clone().or_else(|| is_home.then(|| language.description.clone()));
            (
                Meta {
                    title,
                    description,
                    weight: section.weight,
                    template: section.template.clone(),
                    image: section.image.clone(),
                    extra: section.extra.clone(),
                    hidden_from_search: section.search == Some(false),
                    ..Meta::default()
                },
                Kind::Section(Box::new(SectionInfo {
                    sort_by: section.sort_by,
                    paginate: section.paginate.unwrap_or(config.paginate),
                    page_template: section.page_template.clone(),
                    ..SectionInfo::default()
                })),
            )
        }
    };
    let own_folder = (file.is_section() || file.is_bundle).then(|| file.folder.clone());
    Doc {
        id,
        key: key.to_string(),
        lang,
        text_lang: file.lang,
        source: Some(file.source),
        body: Body::File { start: file.split.body.start },
        meta,
        kind,
        slug: String::new(),
        rel: String::new(),
        parent_folder: file.parent_folder().to_vec(),
        own_folder,
        parent: None,
        translations: Vec::new(),
        row: None,
    }
}

fn implicit_home(id: DocId, lang: LangId, config: &Config) -> Doc {
    let language = &config.languages[lang];
    Doc {
        id,
        key: "_index.md".into(),
        lang,
        text_lang: lang,
        source: None,
        body: Body::Empty,
        meta: Meta {
            title: language.title.clone(),
            description: Some(language.description.clone()).filter(|d| !d.is_empty()),
            ..Meta::default()
        },
        kind: Kind::Section(Box::new(SectionInfo { paginate: config.paginate, ..SectionInfo::default() })),
        slug: String::new(),
        rel: String::new(),
        parent_folder: Vec::new(),
        own_folder: Some(Vec::new()),
        parent: None,
        translations: Vec::new(),
        row: None,
    }
}

/// Slugs from front matter or file names; output folders through translated section slugs.
fn assign_urls(docs: &mut [Doc], files: &[ContentFile], config: &Config, tree: &SourceTree, diags: &mut Diagnostics) {
    let by_source: BTreeMap<usize, &ContentFile> = files.iter().map(|f| (f.source, f)).collect();
    let file_of = |doc: &Doc| doc.source.and_then(|s| by_source.get(&s).copied());
    let mut section_slugs: BTreeMap<(Vec<String>, LangId), String> = BTreeMap::new();
    for doc in docs.iter_mut() {
        if doc.row.is_some() {
            continue; // pages from data come with their slug
        }
        let Some(file) = file_of(doc) else { continue };
        let (written, from_name) = match &file.meta {
            FileMeta::Page(meta) => (meta.slug.clone(), file.stem.clone()),
            FileMeta::Section(meta) => (meta.slug.clone(), file.folder.last().cloned().unwrap_or_default()),
        };
        let slug = slugify(written.as_deref().unwrap_or(&from_name));
        if slug.is_empty() && !(doc.is_section() && file.folder.is_empty()) {
            let display = &tree.file(file.source).display;
            let text = tree.file(file.source).text();
            let range = crate::yaml::locate_key(&text[file.split.yaml.clone()], &["slug"])
                .map(|r| file.split.yaml.start + r.start..file.split.yaml.start + r.end)
                .unwrap_or(0..0);
            diags.push(
                Diagnostic::error(format!("`{}` makes an empty slug", written.as_deref().unwrap_or(&from_name)))
                    .at(Location::in_text(display, text, range))
                    .hint("give the page a `slug:` with letters or digits"),
            );
        }
        if doc.is_section()
            && let Some(folder) = &doc.own_folder
        {
            section_slugs.insert((folder.clone(), doc.lang), slug.clone());
        }
        doc.slug = slug;
    }
    let slugs = SectionSlugs { slugs: &section_slugs };
    // Each folder's path is made once per language, not once for each page in it.
    let mut folder_rels: Vec<HashMap<Vec<String>, String>> = vec![HashMap::new(); config.languages.len()];
    for doc in docs.iter_mut() {
        let (folder, is_section) = match (&doc.kind, &doc.own_folder) {
            (Kind::Section(_), Some(folder)) => (folder, true),
            _ => (&doc.parent_folder, false),
        };
        let rels = &mut folder_rels[doc.lang];
        if !rels.contains_key(folder.as_slice()) {
            let rel = [lang_rel(&config.languages[doc.lang]), slugs.folder_rel(folder, doc.lang)].concat();
            rels.insert(folder.clone(), rel);
        }
        let folder_rel = &rels[folder.as_slice()];
        doc.rel = if is_section { folder_rel.clone() } else { [folder_rel, doc.slug.as_str(), "/"].concat() };
    }
}

/// Parents, the pages of each section (sorted) and its subsections (by weight, then title).
fn link_tree(docs: &mut [Doc], homes: &[DocId], titles: &[Vec<u8>], newest: &[usize]) {
    let sections: BTreeMap<(Vec<String>, LangId), DocId> = docs
        .iter()
        .filter(|d| d.is_section())
        .filter_map(|d| d.own_folder.clone().map(|f| ((f, d.lang), d.id)))
        .collect();
    let mut children: BTreeMap<DocId, (Vec<DocId>, Vec<DocId>)> = BTreeMap::new();
    for doc in docs.iter_mut() {
        if doc.key == "_index.md" {
            continue;
        }
        let mut folder = doc.parent_folder.clone();
        let parent = loop {
            if let Some(id) = sections.get(&(folder.clone(), doc.lang)) {
                break *id;
            }
            if folder.pop().is_none() {
                break homes[doc.lang];
            }
        };
        doc.parent = Some(parent);
        let entry = children.entry(parent).or_default();
        if doc.is_section() { entry.1.push(doc.id) } else { entry.0.push(doc.id) }
    }
    for (parent, (mut pages, mut subsections)) in children {
        let docs_ro: &[Doc] = docs;
        let sort_by = docs_ro[parent].section().map(|s| s.sort_by).unwrap_or_default();
        pages.sort_by(|a, b| {
            let (a, b) = (&docs_ro[*a], &docs_ro[*b]);
            let by_title = || titles[a.id].cmp(&titles[b.id]);
            match sort_by {
                SortBy::Date => newest[a.id].cmp(&newest[b.id]),
                SortBy::Weight => by_weight(a, b).then_with(by_title),
                SortBy::Title => by_title(),
            }
            .then_with(|| a.key.cmp(&b.key))
        });
        subsections.sort_by(|a, b| {
            let (a, b) = (&docs_ro[*a], &docs_ro[*b]);
            by_weight(a, b).then_with(|| titles[a.id].cmp(&titles[b.id])).then_with(|| a.key.cmp(&b.key))
        });
        if let Kind::Section(info) = &mut docs[parent].kind {
            info.pages = pages;
            info.subsections = subsections;
        }
    }
}

/// Weighted first, lightest first.
fn by_weight(a: &Doc, b: &Doc) -> Ordering {
    match (a.meta.weight, b.meta.weight) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Each document's place (by `DocId`) when the documents of each language are ordered by
/// [`newest_first`].
fn newest_first_ranks(docs: &[Doc], titles: &[Vec<u8>], dated: &[Option<Timestamp>]) -> Vec<usize> {
    let mut order: Vec<&Doc> = docs.iter().collect();
    order.sort_by(|a, b| a.lang.cmp(&b.lang).then_with(|| newest_first(a, b, titles, dated)));
    let mut rank = vec![0; docs.len()];
    for (place, doc) in order.into_iter().enumerate() {
        rank[doc.id] = place;
    }
    rank
}

/// Dated first, newest first; then by weight and title (by the titles' sort keys).
fn newest_first(a: &Doc, b: &Doc, titles: &[Vec<u8>], dated: &[Option<Timestamp>]) -> Ordering {
    match (dated[a.id], dated[b.id]) {
        (Some(x), Some(y)) => y.cmp(&x),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
    .then_with(|| by_weight(a, b))
    .then_with(|| titles[a.id].cmp(&titles[b.id]))
    .then_with(|| a.key.cmp(&b.key))
}

fn link_translations(docs: &mut [Doc]) {
    // By key, then language: each group lists its documents in the languages' order.
    let ordered: BTreeMap<(&str, LangId), DocId> = docs.iter().map(|d| ((d.key.as_str(), d.lang), d.id)).collect();
    let mut groups: BTreeMap<&str, Vec<DocId>> = BTreeMap::new();
    for ((key, _), id) in ordered {
        groups.entry(key).or_default().push(id);
    }
    let groups: Vec<Vec<DocId>> = groups.into_values().collect();
    for group in groups {
        for id in &group {
            docs[*id].translations = group.clone();
        }
    }
}

/// A page whose expiry comes before its publish date is never in any build: said, rather
/// than the page silently left out of every one.
fn check_schedules(files: &[ContentFile], tree: &SourceTree, zone: &TimeZone, diags: &mut Diagnostics) {
    for file in files {
        let FileMeta::Page(meta) = &file.meta else { continue };
        let Some((path, expiry)) = publishing::expires_before_published(meta, zone) else { continue };
        let publish = meta.publish_date.as_ref().map_or("", |m| m.as_str());
        let source = tree.file(file.source);
        let key = path.last().copied().unwrap_or_default();
        // Said where the expiry is written: a translation that takes it from the
        // default language's page is not told again.
        let Some(range) = crate::yaml::locate_key(source.text(), path) else { continue };
        diags.push(
            Diagnostic::error(format!(
                "the page expires ({key}: {}) before it is published (publish_date: {publish}), so it is never shown",
                expiry.as_str()
            ))
            .at(Location::in_text(&source.display, source.text(), range))
            .hint("the two dates may be swapped, or one has a wrong year"),
        );
    }
}

fn check_terms(docs: &[Doc], tree: &SourceTree, diags: &mut Diagnostics) {
    for doc in docs.iter().filter(|d| !d.is_fallback()) {
        for (taxonomy, terms) in doc.meta.taxonomies.iter() {
            for term in terms.iter().filter(|t| slugify(t).is_empty()) {
                let Some(source) = doc.source else { continue };
                let file = tree.file(source);
                let range = crate::yaml::locate_key(file.text(), &[taxonomy]).unwrap_or(0..0);
                diags.push(
                    Diagnostic::error(format!("the {taxonomy} term `{term}` has no letters or digits"))
                        .at(Location::in_text(&file.display, file.text(), range)),
                );
            }
        }
    }
}

fn aliases(docs: &[Doc], tree: &SourceTree, diags: &mut Diagnostics) -> Vec<Alias> {
    // Where an alias is written, for messages.
    let location = |doc: &Doc, alias: &str| {
        doc.source.map(|source| {
            let file = tree.file(source);
            let at = file.text().find(alias).map_or(0..0, |i| i..i + alias.len());
            Location::in_text(&file.display, file.text(), at)
        })
    };
    let origin = |doc: &Doc| doc.source.map_or_else(|| "a home page".to_string(), |s| tree.file(s).display.clone());
    let pages: BTreeMap<&str, &Doc> = docs.iter().map(|d| (d.rel.as_str(), d)).collect();
    let mut claimed: BTreeMap<String, &Doc> = BTreeMap::new();
    let mut out = Vec::new();
    for doc in docs.iter().filter(|d| !d.is_fallback()) {
        for alias in &doc.meta.aliases {
            let problem = match alias_rel(alias) {
                Err(hint) => Some((format!("the alias `{alias}` is not a path inside the site"), hint.to_string())),
                Ok(rel) => {
                    if let Some(page) = pages.get(rel.as_str()) {
                        Some((
                            format!("the alias `{alias}` is the address of {}", origin(page)),
                            "an alias is an old address that redirects here; remove it or choose another".into(),
                        ))
                    } else if let Some(other) = claimed.get(&rel) {
                        Some((
                            format!("the alias `{alias}` is also an alias of {}", origin(other)),
                            "one old address can redirect to one page only".into(),
                        ))
                    } else {
                        claimed.insert(rel.clone(), doc);
                        out.push(Alias { rel, target: doc.id });
                        None
                    }
                }
            };
            if let Some((message, hint)) = problem {
                let d = Diagnostic::error(message).hint(hint);
                diags.push(match location(doc, alias) {
                    Some(at) => d.at(at),
                    None => d,
                });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// `/gammel/side` → `gammel/side/`; refuses anything that would leave the site.
pub fn alias_rel(alias: &str) -> Result<String, &'static str> {
    let path = alias.trim();
    if path.contains("://") || path.starts_with("//") || path.contains(['\\', '?', '#', '<', '>', '"', '\'']) {
        return Err("write an old path of this site, like /gammel-side/");
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    if segments.is_empty() {
        return Err("an alias cannot be the site root");
    }
    if segments.iter().any(|s| *s == ".." || *s == "." || s.chars().any(char::is_control)) {
        return Err("an alias cannot contain `.` or `..` segments");
    }
    let joined = segments.join("/");
    Ok(if joined.ends_with(".html") { joined } else { format!("{joined}/") })
}

/// Files beside a bundle or section go beside each language version of it; other files keep
/// their path from the site root.
fn assets(assets: &[crate::content::AssetFile], docs: &[Doc]) -> Vec<AssetCopy> {
    let mut owners: BTreeMap<&[String], Vec<&Doc>> = BTreeMap::new();
    for doc in docs {
        if let Some(folder) = &doc.own_folder
            && !folder.is_empty()
        {
            owners.entry(folder.as_slice()).or_default().push(doc);
        }
    }
    let mut out = Vec::new();
    for asset in assets {
        let owner = (1..=asset.folder.len()).rev().find_map(|n| owners.get(&asset.folder[..n]).map(|d| (n, d)));
        match owner {
            Some((depth, versions)) => {
                let rest: String = asset.folder[depth..].iter().map(|s| format!("{s}/")).collect();
                for doc in versions {
                    out.push(AssetCopy { source: asset.source, rel: format!("{}{rest}{}", doc.rel, asset.name) });
                }
            }
            None => {
                let folder: String = asset.folder.iter().map(|s| format!("{s}/")).collect();
                out.push(AssetCopy { source: asset.source, rel: format!("{folder}{}", asset.name) });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.dedup_by(|a, b| a.rel == b.rel);
    out
}

#[cfg(test)]
mod tests {
    use super::alias_rel;

    #[test]
    fn aliases_stay_inside_the_site() {
        assert_eq!(alias_rel("/gammel/side"), Ok("gammel/side/".to_string()));
        assert_eq!(alias_rel("gammel.html"), Ok("gammel.html".to_string()));
        assert!(alias_rel("/../etc/passwd").is_err());
        assert!(alias_rel("https://evil.example/").is_err());
        assert!(alias_rel("//evil.example/x").is_err());
        assert!(alias_rel("/").is_err());
    }
}
