//! Everything templates, shortcodes and hooks can look up in one phase of rendering, and the
//! lookups they share: the language a call means, what an `@/` path means, the base
//! context every template gets.

use std::collections::BTreeMap;
use std::sync::Arc;

use tera::{Context, Error, Kwargs, State, TeraResult, Value};

use rayon::prelude::*;

use super::digest::{self, Digest, KnownValues};
use super::photos::Photos;
use super::templates::Templates;
use super::trace::{Read, TraceId, Tracer};
use super::views;
use crate::data::DataSet;
use crate::diag::{Diagnostic, suggest};
use crate::highlight::Highlighter;
use crate::i18n::I18n;
use crate::ids::LangId;
use crate::locale::Locales;
use crate::markdown::Resolved;
use crate::site::{NotFound, Site};
use crate::source::{Area, SourceTree};

pub struct World {
    pub site: Arc<Site>,
    pub locales: Arc<Locales>,
    pub i18n: Arc<I18n>,
    pub data: Arc<DataSet>,
    pub highlighter: Arc<Highlighter>,
    /// Static files (site over theme) → content hash, for `asset()`.
    pub fingerprints: Arc<BTreeMap<String, String>>,
    /// Each document's value, by `DocId`.
    pub docs: Vec<Value>,
    /// Each section's value with its pages and subsections, by `DocId`.
    pub sections: Vec<Option<Value>>,
    /// Each section's value without pages, by `DocId`.
    pub section_metadata: Vec<Option<Value>>,
    /// Each term's value with its pages, by taxonomy and term: the same for each of the
    /// term's pagers and in its taxonomy's list.
    pub terms: Vec<Vec<Value>>,
    /// Each taxonomy's value (`taxonomy` in its list and its terms' pages), by taxonomy.
    pub taxonomies: Vec<Value>,
    pub config: Value,
    pub languages: Vec<Value>,
    /// `search` of each language.
    pub search: Arc<Vec<Value>>,
    /// The site's images, and the photos' versions pages ask for.
    pub photos: Arc<Photos>,
    /// What reads find here, when results are remembered for the next build.
    pub digests: Option<Digests>,
    /// What each piece rendered in this world looks up.
    pub tracer: Tracer,
}

/// The digests a world offers for reads; only made when results are remembered.
#[derive(Default)]
pub struct Digests {
    /// `site.yaml` and the UI strings: everything every piece depends on.
    pub site: Digest,
    /// Template name → digest of it and the templates it extends or includes.
    pub templates: Arc<BTreeMap<String, Digest>>,
    /// Data name → digest of its file.
    pub data: Arc<BTreeMap<String, Digest>>,
    /// By `DocId`.
    pub docs: Vec<Digest>,
    pub sections: Vec<Option<Digest>>,
    pub section_metadata: Vec<Option<Digest>>,
    /// The digests of the document and section values, to hash contexts that hold them.
    pub known: KnownValues,
}

impl World {
    /// The context every template gets: `config`, `lang`, `language`, `languages`.
    pub fn base_context(&self, lang: LangId) -> Context {
        let mut context = Context::new();
        context.insert_value("config", self.config.clone());
        context.insert_value("languages", Value::from(self.languages.clone()));
        context.insert_value("language", self.languages[lang].clone());
        context.insert_value("lang", Value::from(self.site.config.languages[lang].key.as_str()));
        if !self.search[lang].is_none() {
            context.insert_value("search", self.search[lang].clone());
        }
        context
    }

    /// Notes a lookup in the trace of the piece being rendered.
    pub fn record(&self, trace: Option<TraceId>, read: impl FnOnce() -> Read) {
        self.tracer.record(trace, read);
    }

    /// The language a template function or filter works in: `lang=` if given, else the
    /// page's.
    pub fn lang_of(&self, kwargs: &Kwargs, state: &State) -> TeraResult<LangId> {
        let key = match kwargs.get::<&str>("lang")? {
            Some(key) => key.to_string(),
            None => state.get::<String>("lang")?.unwrap_or_default(),
        };
        let config = &self.site.config;
        if key.is_empty() {
            return Ok(0);
        }
        config.language(&key).ok_or_else(|| {
            let hint = suggest(&key, config.language_keys()).unwrap_or_default();
            Error::message(format!("`{key}` is not a language of this site; {hint}"))
        })
    }

    /// What an `@/` path means for Markdown in `lang` (see [`Site::lookup`]).
    pub fn resolved(&self, path: &str, lang: LangId) -> Resolved {
        let site = &self.site;
        match site.lookup(path, lang) {
            Ok(id) => Resolved::Found { path: site.path_of(&site.doc(id).rel), doc: id },
            Err(NotFound::Unpublished { why, .. }) => Resolved::Unpublished(why.describe()),
            Err(NotFound::Broken { .. }) => Resolved::Broken,
            Err(NotFound::Missing { hint, .. }) => Resolved::Missing { hint },
        }
    }

    /// The digest of a template with everything it extends or includes.
    pub fn template_digest(&self, name: &str) -> Option<Digest> {
        self.digests.as_ref()?.templates.get(name).copied()
    }
}

/// What the worlds of both phases share.
pub struct Parts {
    pub site: Arc<Site>,
    pub locales: Arc<Locales>,
    pub i18n: Arc<I18n>,
    pub data: Arc<DataSet>,
    pub highlighter: Arc<Highlighter>,
    pub fingerprints: Arc<BTreeMap<String, String>>,
    pub search: Arc<Vec<Value>>,
    pub photos: Arc<Photos>,
    /// When results are remembered: the digests of what every piece depends on.
    pub digests: Option<SiteDigests>,
}

impl Parts {
    /// A world whose documents have the values `docs`, the digests of some of them known
    /// (by `DocId`; `known` may be shorter than `docs`).
    pub fn world(&self, docs: Vec<Value>, known: &[Option<Digest>]) -> World {
        let sections = views::section_values(&self.site, &docs);
        let section_metadata = views::section_metadata(&self.site, &docs);
        let terms = views::term_values(&self.site, &docs);
        let taxonomies: Vec<Value> =
            self.site.taxonomies.iter().map(|t| Value::from(views::taxonomy_view(&self.site, t))).collect();
        let languages = views::languages_value(&self.site);
        let digests = self
            .digests
            .as_ref()
            .map(|shared| value_digests(shared, &docs, known, &sections, &section_metadata, &terms, &taxonomies));
        World {
            site: self.site.clone(),
            locales: self.locales.clone(),
            i18n: self.i18n.clone(),
            data: self.data.clone(),
            highlighter: self.highlighter.clone(),
            fingerprints: self.fingerprints.clone(),
            search: self.search.clone(),
            photos: self.photos.clone(),
            config: views::config_value(&self.site.config, languages.clone()),
            languages,
            docs,
            sections,
            section_metadata,
            terms,
            taxonomies,
            tracer: Tracer::new(digests.is_some()),
            digests,
        }
    }
}

/// The digests of site-wide inputs, made once per build when results are remembered: of
/// the bytes they are read from.
pub struct SiteDigests {
    site: Digest,
    templates: Arc<BTreeMap<String, Digest>>,
    data: Arc<BTreeMap<String, Digest>>,
}

impl SiteDigests {
    pub fn new(site: &Site, templates: &Templates, tree: &SourceTree) -> SiteDigests {
        // site.yaml (with the base URL, which the command line may set) and the UI strings
        // reach every page.
        let config = &site.config;
        let ui_strings: Vec<(&str, &str)> =
            tree.area(Area::I18n).map(|(_, f)| (f.display.as_str(), f.text())).collect();
        let site_wide = digest::of((&config.text, config.base_url.as_string(), ui_strings));
        let data = tree
            .area(Area::Data)
            .map(|(_, f)| (crate::data::name_of(&f.rel).to_string(), digest::of(f.bytes())))
            .collect();
        SiteDigests { site: site_wide, templates: Arc::new(templates.digests()), data: Arc::new(data) }
    }

    /// Each data file's digest, by the name templates know it by.
    pub fn data(&self) -> &Arc<BTreeMap<String, Digest>> {
        &self.data
    }
}

/// The digests of one world's document and section values; its term and taxonomy values are
/// remembered for the contexts that hold them.
fn value_digests(
    shared: &SiteDigests,
    docs: &[Value],
    known_docs: &[Option<Digest>],
    sections: &[Option<Value>],
    section_metadata: &[Option<Value>],
    terms: &[Vec<Value>],
    taxonomies: &[Value],
) -> Digests {
    // Room for every value remembered below: the documents, the sections and their lists
    // of pages, the terms, the taxonomies.
    let remembered = docs.len() + 2 * sections.len() + terms.iter().map(Vec::len).sum::<usize>() + taxonomies.len();
    let mut known = KnownValues::with_capacity(remembered);
    // A document's value holds no other document, so they can be hashed apart, in parallel.
    let doc_digests: Vec<Digest> = docs
        .par_iter()
        .enumerate()
        .map(|(id, value)| known_docs.get(id).copied().flatten().unwrap_or_else(|| known.digest(value)))
        .collect();
    for (value, digest) in docs.iter().zip(&doc_digests) {
        known.insert(value, *digest);
    }
    let section_digests = sections
        .iter()
        .map(|section| {
            let section = section.as_ref()?;
            if let Some(pages) = section.get_from_path("pages") {
                known.remember(pages);
            }
            Some(known.remember(section))
        })
        .collect();
    let metadata_digests = section_metadata.iter().map(|section| section.as_ref().map(|s| known.digest(s))).collect();
    for value in terms.iter().flatten().chain(taxonomies) {
        known.remember(value);
    }
    Digests {
        site: shared.site,
        templates: shared.templates.clone(),
        data: shared.data.clone(),
        docs: doc_digests,
        sections: section_digests,
        section_metadata: metadata_digests,
        known,
    }
}

/// Problems found by a template function or filter, as Tera carries them to the
/// template's line: each message with its hint.
pub fn tera_error<'a>(problems: impl IntoIterator<Item = &'a Diagnostic>) -> Error {
    let said: Vec<String> = problems
        .into_iter()
        .map(|d| match &d.hint {
            Some(hint) => format!("{}; {hint}", d.message),
            None => d.message.clone(),
        })
        .collect();
    Error::message(said.join(" — "))
}
