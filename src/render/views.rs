//! What templates see: documents, sections, taxonomies and the site configuration as Tera
//! values.
//!
//! Each document's value is built once; listings, paginators and functions share it (Tera
//! values are reference counted), so a listing page costs its own items, not the site.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Map, Value};

use crate::config::Config;
use crate::data::DataSet;
use crate::ids::DocId;
use crate::ids::LangId;
use crate::markdown::Rendered;
use crate::site::{Doc, Site};
use crate::source::SourceTree;

use super::json_ld;

/// The fields of a document every template can reach (listings, `get_page`); the fields
/// only the page's own template needs come from [`page_extras`].
#[derive(Serialize)]
struct DocView<'a> {
    kind: &'static str,
    title: &'a str,
    description: Option<&'a str>,
    /// Absolute URL.
    url: String,
    /// Root-relative path, with the base URL's prefix.
    path: String,
    slug: &'a str,
    /// The `@/` key of the document.
    key: &'a str,
    lang: &'a str,
    /// The locale of the text (differs from the page's for a fallback page).
    text_locale: &'a str,
    is_fallback: bool,
    /// Where search engines should look: the original of a fallback page, else itself.
    canonical: String,
    date: Option<&'a str>,
    updated: Option<&'a str>,
    weight: Option<i64>,
    image: Option<String>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
    file: Option<&'a str>,
    job: Option<&'a crate::content::Job>,
    event: Option<&'a crate::content::Event>,
}

#[derive(Serialize)]
struct TermRef<'a> {
    name: &'a str,
    slug: &'a str,
    url: String,
    path: String,
}

#[derive(Serialize)]
struct TranslationView<'a> {
    lang: &'a str,
    locale: &'a str,
    name: &'a str,
    title: &'a str,
    url: String,
    path: String,
    is_fallback: bool,
}

/// One `<link rel="alternate" hreflang>`.
#[derive(Serialize)]
struct Alternate {
    hreflang: String,
    url: String,
}

/// One entry of a language switcher: the same page in that language, or the nearest page
/// above it that exists there.
#[derive(Serialize)]
struct SwitcherEntry<'a> {
    lang: &'a str,
    locale: &'a str,
    name: &'a str,
    url: String,
    path: String,
    is_current: bool,
    /// Whether the target is this very page (and not an ancestor) in that language.
    exact: bool,
}

#[derive(Serialize)]
struct Crumb<'a> {
    title: &'a str,
    url: String,
    path: String,
}

/// Values many documents share, built once: each taxonomy term's reference, and each
/// translation group's list of language versions.
struct SharedValues {
    /// (taxonomy index, term slug) → `{name, slug, url, path}`.
    terms: BTreeMap<(usize, String), Value>,
    /// Translation key → the list of language versions.
    translations: BTreeMap<String, Value>,
}

impl SharedValues {
    fn new(site: &Site) -> SharedValues {
        let mut terms = BTreeMap::new();
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            for term in &taxonomy.terms {
                let view = TermRef {
                    name: &term.name,
                    slug: &term.slug,
                    url: site.url_of(&term.rel),
                    path: site.path_of(&term.rel),
                };
                terms.insert((t, term.slug.clone()), Value::from_serializable(&view));
            }
        }
        let mut translations = BTreeMap::new();
        for doc in &site.docs {
            if translations.contains_key(&doc.key) {
                continue;
            }
            let list: Vec<Value> = doc
                .translations
                .iter()
                .map(|id| {
                    let other = site.doc(*id);
                    let lang = &site.config.languages[other.lang];
                    Value::from_serializable(&TranslationView {
                        lang: &lang.key,
                        locale: &lang.locale,
                        name: &lang.name,
                        title: &other.meta.title,
                        url: site.url_of(&other.rel),
                        path: site.path_of(&other.rel),
                        is_fallback: other.is_fallback(),
                    })
                })
                .collect();
            translations.insert(doc.key.clone(), Value::from(list));
        }
        SharedValues { terms, translations }
    }

    /// `{tags: [term, …]}` with every taxonomy of the site as a key.
    fn taxonomies(&self, site: &Site, doc: &Doc) -> Value {
        let mut map = Map::new();
        for name in &site.config.taxonomies {
            let index = site.taxonomies.iter().position(|t| &t.name == name && t.lang == doc.lang);
            let written = doc.meta.taxonomies.get(name).map(Vec::as_slice).unwrap_or_default();
            let mut slugs: Vec<String> = written.iter().map(|w| crate::slug::slugify(w)).collect();
            slugs.dedup();
            let terms: Vec<Value> = match index {
                Some(t) => slugs.into_iter().filter_map(|slug| self.terms.get(&(t, slug)).cloned()).collect(),
                None => Vec::new(),
            };
            map.insert(name.clone().into(), Value::from(terms));
        }
        Value::from(map)
    }
}

/// The value of one document before its Markdown is rendered: `content`, `summary`, `toc`,
/// `reading_time` and `word_count` are none until [`with_rendered`] adds them.
fn doc_value(site: &Site, tree: &SourceTree, data: &DataSet, shared: &SharedValues, doc: &Doc) -> Value {
    let config = &site.config;
    let lang = &config.languages[doc.lang];
    let view = DocView {
        kind: if doc.is_section() { "section" } else { "page" },
        title: &doc.meta.title,
        description: doc.meta.description.as_deref(),
        url: site.url_of(&doc.rel),
        path: site.path_of(&doc.rel),
        slug: &doc.slug,
        key: &doc.key,
        lang: &lang.key,
        text_locale: &config.languages[doc.text_lang].locale,
        is_fallback: doc.is_fallback(),
        canonical: canonical(site, doc),
        date: doc.meta.date.as_ref().map(|d| d.as_str()),
        updated: doc.meta.updated.as_ref().map(|d| d.as_str()),
        weight: doc.meta.weight,
        image: doc.meta.image.as_deref().map(|image| image_url(site, doc, image)),
        extra: &doc.meta.extra,
        file: doc.source.map(|s| tree.file(s).display.as_str()),
        job: doc.meta.job.as_ref(),
        event: doc.meta.event.as_ref(),
    };
    let mut map = Value::from_serializable(&view).into_map().unwrap_or_default();
    map.insert("taxonomies".into(), shared.taxonomies(site, doc));
    map.insert(
        "translations".into(),
        shared.translations.get(&doc.key).cloned().unwrap_or_else(|| Value::from(Vec::<Value>::new())),
    );
    for key in ["content", "summary", "toc", "reading_time", "word_count"] {
        map.insert(key.into(), Value::none());
    }
    map.insert("has_code".into(), Value::from(false));
    let row = doc.row.as_ref().and_then(|r| data.tables.get(&r.table).map(|t| t.row_json(r.row)));
    map.insert("row".into(), row.map(|r| Value::from_serializable(&r)).unwrap_or(Value::none()));
    Value::from(map)
}

/// What only the page's own template needs, made when that page is rendered (so it is not
/// kept for every document): `alternates`, `switcher`, `ancestors`, `json_ld`,
/// `navigation_json_ld`.
pub fn page_extras(site: &Site, doc: &Doc) -> [(&'static str, Value); 5] {
    let alternates: Vec<Alternate> =
        site.alternates(doc).into_iter().map(|(hreflang, url)| Alternate { hreflang, url }).collect();
    [
        ("alternates", Value::from_serializable(&alternates)),
        ("switcher", Value::from_serializable(&switcher(site, doc))),
        ("ancestors", Value::from_serializable(&ancestors(site, doc))),
        ("json_ld", json_ld::for_doc(site, doc).map(|j| Value::safe_string(&j)).unwrap_or(Value::none())),
        ("navigation_json_ld", Value::safe_string(&json_ld::navigation(site, doc))),
    ]
}

/// A document's value with its rendered Markdown.
pub fn with_rendered(value: &Value, rendered: &Rendered) -> Value {
    with(
        value,
        [
            ("content", Value::safe_string(&rendered.html)),
            ("summary", rendered.summary.as_deref().map(Value::safe_string).unwrap_or(Value::none())),
            ("toc", Value::from_serializable(&rendered.toc)),
            ("reading_time", Value::from(rendered.words.div_ceil(200))),
            ("word_count", Value::from(rendered.words)),
            ("has_code", Value::from(rendered.has_code)),
        ],
    )
}

/// A section's value with its pages and subsections (one level: each subsection with its
/// pages).
pub fn section_values(site: &Site, docs: &[Value]) -> Vec<Option<Value>> {
    let with_pages: Vec<Option<Value>> = site
        .docs
        .iter()
        .map(|doc| {
            doc.section().map(|info| {
                let pages: Vec<Value> = info.pages.iter().map(|id| docs[*id].clone()).collect();
                with(&docs[doc.id], [("pages", Value::from(pages))])
            })
        })
        .collect();
    site.docs
        .iter()
        .map(|doc| {
            let info = doc.section()?;
            let subsections: Vec<Value> = info.subsections.iter().filter_map(|id| with_pages[*id].clone()).collect();
            with_pages[doc.id].as_ref().map(|v| with(v, [("subsections", Value::from(subsections))]))
        })
        .collect()
}

/// A section's value without pages (its own and its subsections'), for
/// `get_section(metadata_only=true)`: a menu needs the sections, not what is in them, and
/// a page that shows only that need not change when a page in them does.
pub fn section_metadata(site: &Site, docs: &[Value]) -> Vec<Option<Value>> {
    let empty = || Value::from(Vec::<Value>::new());
    site.docs
        .iter()
        .map(|doc| {
            let info = doc.section()?;
            let subsections: Vec<Value> =
                info.subsections.iter().map(|id| with(&docs[*id], [("pages", empty())])).collect();
            Some(with(&docs[doc.id], [("pages", empty()), ("subsections", Value::from(subsections))]))
        })
        .collect()
}

/// `value` (a map) with more keys.
pub fn with<const N: usize>(value: &Value, entries: [(&'static str, Value); N]) -> Value {
    let mut map: Map = value.clone().into_map().unwrap_or_default();
    for (key, v) in entries {
        map.insert(key.into(), v);
    }
    Value::from(map)
}

fn canonical(site: &Site, doc: &Doc) -> String {
    if doc.is_fallback()
        && let Some(original) = doc.translations.iter().map(|id| site.doc(*id)).find(|d| d.lang == doc.text_lang)
    {
        return site.url_of(&original.rel);
    }
    site.url_of(&doc.rel)
}

fn image_url(site: &Site, doc: &Doc, image: &str) -> String {
    if image.starts_with("http://") || image.starts_with("https://") {
        image.to_string()
    } else if let Some(rooted) = image.strip_prefix('/') {
        site.url_of(rooted)
    } else {
        site.url_of(&format!("{}{image}", doc.rel))
    }
}

fn switcher<'a>(site: &'a Site, doc: &Doc) -> Vec<SwitcherEntry<'a>> {
    site.config
        .languages
        .iter()
        .enumerate()
        .map(|(lang, language)| {
            let (target, exact) = nearest_in(site, doc, lang);
            SwitcherEntry {
                lang: &language.key,
                locale: &language.locale,
                name: &language.name,
                url: site.url_of(&target.rel),
                path: site.path_of(&target.rel),
                is_current: lang == doc.lang,
                exact,
            }
        })
        .collect()
}

/// The document in `lang` closest to `doc`: its translation, else the nearest ancestor's,
/// else that language's home.
fn nearest_in<'a>(site: &'a Site, doc: &Doc, lang: LangId) -> (&'a Doc, bool) {
    let mut current = Some(doc.id);
    let mut exact = true;
    while let Some(id) = current {
        let here = site.doc(id);
        if let Some(found) = site.index.get(&(here.key.clone(), lang)) {
            return (site.doc(*found), exact);
        }
        exact = false;
        current = here.parent;
    }
    (site.doc(site.homes[lang]), false)
}

fn ancestors<'a>(site: &'a Site, doc: &Doc) -> Vec<Crumb<'a>> {
    let mut chain = Vec::new();
    let mut current = doc.parent;
    while let Some(id) = current {
        let d = site.doc(id);
        chain.push(Crumb { title: &d.meta.title, url: site.url_of(&d.rel), path: site.path_of(&d.rel) });
        current = d.parent;
    }
    chain.reverse();
    chain
}

#[derive(Serialize)]
struct LanguageView<'a> {
    key: &'a str,
    name: &'a str,
    title: &'a str,
    description: &'a str,
    locale: &'a str,
    search: &'a str,
    url: String,
    path: String,
    is_default: bool,
}

pub fn languages_value(site: &Site) -> Vec<Value> {
    site.config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let rel = site.lang_rel(i);
            Value::from_serializable(&LanguageView {
                key: &l.key,
                name: &l.name,
                title: &l.title,
                description: &l.description,
                locale: &l.locale,
                search: &l.search,
                url: site.url_of(&rel),
                path: site.path_of(&rel),
                is_default: i == 0,
            })
        })
        .collect()
}

#[derive(Serialize)]
struct ConfigView<'a> {
    title: &'a str,
    description: &'a str,
    base_url: String,
    base_path: &'a str,
    default_language: &'a str,
    taxonomies: &'a [String],
    feeds: bool,
    minify: bool,
    paginate: usize,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

pub fn config_value(config: &Config, languages: Vec<Value>) -> Value {
    let view = ConfigView {
        title: &config.title,
        description: &config.description,
        base_url: config.base_url.as_string(),
        base_path: &config.base_url.prefix,
        default_language: &config.default_language().key,
        taxonomies: &config.taxonomies,
        feeds: config.feeds,
        minify: config.minify,
        paginate: config.paginate,
        extra: &config.extra,
    };
    with(&Value::from_serializable(&view), [("languages", Value::from(languages))])
}

/// Values of every document, in `DocId` order, before their Markdown is rendered.
pub fn doc_values(site: &Site, tree: &SourceTree, data: &DataSet) -> Vec<Value> {
    use rayon::prelude::*;
    let shared = SharedValues::new(site);
    site.docs.par_iter().map(|doc| doc_value(site, tree, data, &shared, doc)).collect()
}

pub fn term_value(site: &Site, term: &crate::site::Term, pages: Vec<Value>) -> Value {
    let mut map = Map::new();
    map.insert("name".into(), Value::from(term.name.as_str()));
    map.insert("slug".into(), Value::from(term.slug.as_str()));
    map.insert("url".into(), Value::from(site.url_of(&term.rel)));
    map.insert("path".into(), Value::from(site.path_of(&term.rel)));
    map.insert("page_count".into(), Value::from(term.pages.len()));
    map.insert("pages".into(), Value::from(pages));
    Value::from(map)
}

pub fn doc_ids_values(docs: &[Value], ids: &[DocId]) -> Vec<Value> {
    ids.iter().map(|id| docs[*id].clone()).collect()
}
