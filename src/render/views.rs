//! What templates see: documents, sections, taxonomies and the site configuration as Tera
//! values.
//!
//! Each document's value is built once; listings, paginators and functions share it (Tera
//! values are reference counted), so a listing page costs its own items, not the site.

use std::collections::BTreeMap;

use serde::Serialize;
use tera::{Map, Value};

use crate::config::Config;
use crate::content::LangId;
use crate::data::DataSet;
use crate::markdown::{Rendered, TocEntry};
use crate::site::{Doc, DocId, Site};
use crate::source::SourceTree;

use super::json_ld;

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
    taxonomies: BTreeMap<&'a str, Vec<TermRef<'a>>>,
    translations: Vec<TranslationView<'a>>,
    alternates: Vec<Alternate>,
    switcher: Vec<SwitcherEntry<'a>>,
    ancestors: Vec<Crumb<'a>>,
    file: Option<&'a str>,
    job: Option<&'a crate::content::Job>,
    event: Option<&'a crate::content::Event>,
    reading_time: Option<usize>,
    word_count: Option<usize>,
    toc: Option<&'a [TocEntry]>,
    has_code: bool,
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
    is_current: bool,
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

/// Builds the value of one document; `rendered` is `None` before Markdown is rendered.
pub fn doc_value(site: &Site, tree: &SourceTree, data: &DataSet, doc: &Doc, rendered: Option<&Rendered>) -> Value {
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
        taxonomies: taxonomies(site, doc),
        translations: translations(site, doc),
        alternates: site.alternates(doc).into_iter().map(|(hreflang, url)| Alternate { hreflang, url }).collect(),
        switcher: switcher(site, doc),
        ancestors: ancestors(site, doc),
        file: doc.source.map(|s| tree.file(s).display.as_str()),
        job: doc.meta.job.as_ref(),
        event: doc.meta.event.as_ref(),
        reading_time: rendered.map(|r| r.words.div_ceil(200)),
        word_count: rendered.map(|r| r.words),
        toc: rendered.map(|r| r.toc.as_slice()),
        has_code: rendered.is_some_and(|r| r.has_code),
    };
    let mut map = Value::from_serializable(&view).into_map().unwrap_or_default();
    if let Some(rendered) = rendered {
        map.insert("content".into(), Value::safe_string(&rendered.html));
        map.insert("summary".into(), rendered.summary.as_deref().map(Value::safe_string).unwrap_or(Value::none()));
    }
    map.insert("json_ld".into(), json_ld::for_doc(site, doc).map(|j| Value::safe_string(&j)).unwrap_or(Value::none()));
    map.insert("navigation_json_ld".into(), Value::safe_string(&json_ld::navigation(site, doc)));
    let row = doc.row.as_ref().and_then(|r| data.tables.get(&r.table).map(|t| t.row_json(r.row)));
    map.insert("row".into(), row.map(|r| Value::from_serializable(&r)).unwrap_or(Value::none()));
    Value::from(map)
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

fn taxonomies<'a>(site: &'a Site, doc: &'a Doc) -> BTreeMap<&'a str, Vec<TermRef<'a>>> {
    // Every taxonomy of the site is a key, so templates need not test for it.
    let mut out = BTreeMap::new();
    for name in &site.config.taxonomies {
        let written = doc.meta.taxonomies.get(name).map(Vec::as_slice).unwrap_or_default();
        let Some(taxonomy) = site.taxonomies.iter().find(|t| &t.name == name && t.lang == doc.lang) else { continue };
        let mut slugs: Vec<String> = written.iter().map(|w| crate::slug::slugify(w)).collect();
        slugs.dedup();
        let terms = slugs
            .iter()
            .filter_map(|slug| taxonomy.terms.iter().find(|t| &t.slug == slug))
            .map(|t| TermRef { name: &t.name, slug: &t.slug, url: site.url_of(&t.rel), path: site.path_of(&t.rel) })
            .collect();
        out.insert(name.as_str(), terms);
    }
    out
}

fn translations<'a>(site: &'a Site, doc: &Doc) -> Vec<TranslationView<'a>> {
    doc.translations
        .iter()
        .map(|id| {
            let other = site.doc(*id);
            let lang = &site.config.languages[other.lang];
            TranslationView {
                lang: &lang.key,
                locale: &lang.locale,
                name: &lang.name,
                title: &other.meta.title,
                url: site.url_of(&other.rel),
                path: site.path_of(&other.rel),
                is_current: other.id == doc.id,
                is_fallback: other.is_fallback(),
            }
        })
        .collect()
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
pub fn nearest_in<'a>(site: &'a Site, doc: &Doc, lang: LangId) -> (&'a Doc, bool) {
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

/// Values of every document, in `DocId` order.
pub fn doc_values(site: &Site, tree: &SourceTree, data: &DataSet, rendered: Option<&[Rendered]>) -> Vec<Value> {
    use rayon::prelude::*;
    site.docs.par_iter().map(|doc| doc_value(site, tree, data, doc, rendered.map(|r| &r[doc.id]))).collect()
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
