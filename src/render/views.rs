//! The template contract: what templates see of documents, sections, paginators,
//! taxonomies, terms, languages and the site, each declared as a struct (see
//! [`view!`](super::values::view)).
//!
//! Each document's value is built once; listings, paginators and functions share it (Tera
//! values are reference counted), so a listing page costs its own items, not the site.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tera::{Map, Value};

use super::hash::{self, Digest};
use super::photos::Cover;
use super::values::{Held, Shared, extended, serialized, view, with};
use crate::config::Config;
use crate::data::DataSet;
use crate::ids::DocId;
use crate::markdown::Rendered;
use crate::site::{Doc, Site, Taxonomy, Term};
use crate::source::SourceTree;

view! {
    /// A document as every template can reach it (listings, `get_page`, `page` and
    /// `section`). The fields from `content` to `has_code` are none until its Markdown is
    /// rendered ([`RenderedView`]). It hashes as the struct it is: equal digests, equal
    /// values.
    #[derive(Hash)]
    pub struct DocView<'a> {
        pub kind: &'static str,
        pub title: &'a str,
        pub description: Option<&'a str>,
        /// Absolute URL.
        pub url: String,
        /// Root-relative path, with the base URL's prefix.
        pub path: String,
        pub slug: &'a str,
        /// The `@/` key of the document.
        pub key: &'a str,
        pub lang: &'a str,
        /// The locale of the text (differs from the page's for a fallback page).
        pub text_locale: &'a str,
        pub is_fallback: bool,
        /// Where search engines should look: the original of a fallback page, else itself.
        pub canonical: String,
        pub date: Option<&'a str>,
        pub updated: Option<&'a str>,
        pub weight: Option<i64>,
        /// The absolute URL of the link-preview image: the page's own `image:`, else its
        /// section's, else the site's; for a photo, the card cut from it.
        pub image: Option<String>,
        /// The card's `{url, width, height, type}`, when the image is a photo.
        pub card: Option<Held>,
        /// The versions of the photo the page's own `image:` names ([`crate::images::Picture`]).
        pub picture: Option<Held>,
        pub extra: Held,
        pub file: Option<&'a str>,
        pub job: Option<Held>,
        pub event: Option<Held>,
        /// Each taxonomy of the site → the document's terms ([`TermRef`]).
        pub taxonomies: Shared,
        /// Every language version ([`TranslationView`]), shared by the group.
        pub translations: Shared,
        pub content: Option<Held>,
        pub summary: Option<Held>,
        pub reading_time: Option<usize>,
        pub word_count: Option<usize>,
        pub has_code: bool,
        /// For a page made from a data row, the row by column.
        pub row: Option<Held>,
    }
}

view! {
    /// What rendering a document's Markdown adds to its [`DocView`].
    pub struct RenderedView {
        pub content: Value,
        pub summary: Option<Value>,
        pub reading_time: usize,
        pub word_count: usize,
        pub has_code: bool,
    }
}

view! {
    /// A section's listing, added to its [`DocView`]: its pages, and its subsections (each
    /// with its own pages, one level down).
    pub struct Listing {
        pub pages: Vec<Value>,
        pub subsections: Vec<Value>,
    }
}

view! {
    /// `paginator`: one pager of a listing.
    pub struct PaginatorView {
        pub pages: Vec<Value>,
        pub current_index: usize,
        pub number_pagers: usize,
        pub paginate_by: usize,
        pub total_pages: usize,
        pub first: String,
        pub last: String,
        pub previous: Option<String>,
        pub next: Option<String>,
        /// The pagers to link: the ends and the neighbours of the current one.
        pub pagers: Vec<PagerView>,
    }
}

view! {
    /// One pager in a pager navigation.
    pub struct PagerView {
        pub index: usize,
        pub url: String,
        pub path: String,
        /// Whether pagers are left out before this one.
        pub gap_before: bool,
    }
}

view! {
    /// `taxonomy` on taxonomy pages.
    pub struct TaxonomyView<'a> {
        pub name: &'a str,
        pub lang: &'a str,
        pub url: String,
        pub path: String,
    }
}

view! {
    /// `term` on a term's page, and each of `terms` on a taxonomy's page.
    pub struct TermView<'a> {
        pub name: &'a str,
        pub slug: &'a str,
        pub url: String,
        pub path: String,
        pub page_count: usize,
        pub pages: Vec<Value>,
    }
}

view! {
    /// A term as a document lists it.
    #[derive(Hash)]
    pub struct TermRef<'a> {
        pub name: &'a str,
        pub slug: &'a str,
        pub url: String,
        pub path: String,
    }
}

view! {
    /// One language version of a document.
    #[derive(Hash)]
    pub struct TranslationView<'a> {
        pub lang: &'a str,
        pub locale: &'a str,
        pub name: &'a str,
        pub title: &'a str,
        pub url: String,
        pub path: String,
        pub is_fallback: bool,
    }
}

view! {
    /// Each of `languages`, and `language`.
    pub struct LanguageView<'a> {
        pub key: &'a str,
        pub name: &'a str,
        pub title: &'a str,
        pub description: &'a str,
        pub locale: &'a str,
        pub search: &'a str,
        pub url: String,
        pub path: String,
        pub is_default: bool,
    }
}

view! {
    /// `config`: the site's settings.
    pub struct ConfigView<'a> {
        pub title: &'a str,
        pub description: &'a str,
        pub base_url: String,
        pub base_path: &'a str,
        pub default_language: &'a str,
        pub taxonomies: Vec<&'a str>,
        pub feeds: bool,
        pub minify: bool,
        pub paginate: usize,
        /// The IANA name of the site's time zone.
        pub time_zone: &'a str,
        pub extra: Value,
        pub languages: Vec<Value>,
    }
}

/// Values many documents share, built once: each translation group's list of language
/// versions, and each set of taxonomy terms documents are given (made of each term's
/// reference, [`TermRef`], also made once). Each is hashed as the views it is made of, and a
/// list whose views hash as in the last build (`serve`) is that build's.
pub struct SharedValues {
    /// Translation key → the list of language versions.
    translations: BTreeMap<String, Shared>,
    /// Each document's `taxonomies`, by `DocId`: documents given the same terms share one.
    taxonomies: Vec<Shared>,
    /// `extra` of every document without one.
    no_extra: Value,
}

impl SharedValues {
    pub fn new(site: &Site, last: Option<&SharedValues>) -> SharedValues {
        let mut terms = BTreeMap::new();
        for (t, taxonomy) in site.taxonomies.iter().enumerate() {
            for term in &taxonomy.terms {
                let view = TermRef {
                    name: &term.name,
                    slug: &term.slug,
                    url: site.url_of(&term.rel),
                    path: site.path_of(&term.rel),
                };
                terms.insert((t, term.slug.clone()), Shared::made_of(hash::of(&view), view));
            }
        }
        let mut translations = BTreeMap::new();
        for doc in &site.docs {
            if translations.contains_key(&doc.key) {
                continue;
            }
            let list: Vec<TranslationView> = doc
                .translations
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
                        is_fallback: other.is_fallback(),
                    }
                })
                .collect();
            let digest = hash::of(&list);
            let last = last.and_then(|last| last.translations.get(&doc.key)).filter(|l| l.digest() == digest);
            let shared = last.cloned().unwrap_or_else(|| Shared::made_of(digest, list));
            translations.insert(doc.key.clone(), shared);
        }
        // Made side by side, then each set of terms made a value once.
        let given: Vec<(Digest, GivenTerms)> = site.docs.par_iter().map(|doc| given_terms(site, &terms, doc)).collect();
        let mut by_digest: FxHashMap<Digest, Shared> = FxHashMap::default();
        let taxonomies = given
            .into_iter()
            .map(|(digest, given)| by_digest.entry(digest).or_insert_with(|| taxonomies_value(digest, given)).clone())
            .collect();
        SharedValues { translations, taxonomies, no_extra: Value::from(Map::new()) }
    }
}

/// Each taxonomy of the site with the terms a document is given in it.
type GivenTerms<'a> = Vec<(&'a str, Vec<&'a Shared>)>;

/// The terms `doc` is given, with their digest: made of the terms' own.
fn given_terms<'a>(
    site: &'a Site,
    terms: &'a BTreeMap<(usize, String), Shared>,
    doc: &Doc,
) -> (Digest, GivenTerms<'a>) {
    let mut given: GivenTerms = Vec::with_capacity(site.config.taxonomies.len());
    for name in &site.config.taxonomies {
        let index = site.taxonomies.iter().position(|t| &t.name == name && t.lang == doc.lang);
        let written = doc.meta.taxonomies.get(name).map(Vec::as_slice).unwrap_or_default();
        let mut slugs: Vec<String> = written.iter().map(|w| crate::slug::slugify(w)).collect();
        slugs.dedup();
        let refs: Vec<&Shared> = match index {
            Some(t) => slugs.into_iter().filter_map(|slug| terms.get(&(t, slug))).collect(),
            None => Vec::new(),
        };
        given.push((name, refs));
    }
    (hash::of(&given), given)
}

/// `{tags: [term, …]}` with every taxonomy of the site as a key.
fn taxonomies_value(digest: Digest, given: GivenTerms) -> Shared {
    let mut map = Map::with_capacity(given.len());
    for (name, refs) in given {
        map.insert(name.to_string().into(), Value::from(refs.iter().map(|t| t.value().clone()).collect::<Vec<_>>()));
    }
    Shared::made_of(digest, map)
}

/// One document as it is before its Markdown is rendered.
pub fn doc_view<'a>(
    site: &'a Site,
    tree: &'a SourceTree,
    data: &DataSet,
    shared: &SharedValues,
    doc: &'a Doc,
    cover: Option<&Cover>,
) -> DocView<'a> {
    let config = &site.config;
    let row = doc.row.as_ref().and_then(|r| data.tables.get(&r.table).map(|t| Held(serialized(&t.row_json(r.row)))));
    DocView {
        kind: if doc.is_section() { "section" } else { "page" },
        title: &doc.meta.title,
        description: doc.meta.description.as_deref(),
        url: site.url_of(&doc.rel),
        path: site.path_of(&doc.rel),
        slug: &doc.slug,
        key: &doc.key,
        lang: &config.languages[doc.lang].key,
        text_locale: &config.languages[doc.text_lang].locale,
        is_fallback: doc.is_fallback(),
        canonical: canonical(site, doc),
        date: doc.meta.date.as_ref().map(|d| d.as_str()),
        updated: doc.meta.updated.as_ref().map(|d| d.as_str()),
        weight: doc.meta.weight,
        image: cover.map(|c| c.url.clone()),
        card: cover.and_then(|c| c.card.as_ref()).map(|card| Held(serialized(card))),
        picture: cover
            .and_then(|c| c.picture.as_ref())
            .filter(|_| doc.meta.image.is_some())
            .map(|p| Held(serialized(p))),
        extra: Held(match doc.meta.extra.is_empty() {
            // Most documents have none: they share one empty map.
            true => shared.no_extra.clone(),
            false => serialized(&doc.meta.extra),
        }),
        file: doc.source.map(|s| tree.file(s).display.as_str()),
        job: doc.meta.job.as_deref().map(|job| Held(serialized(job))),
        event: doc.meta.event.as_deref().map(|event| Held(serialized(event))),
        taxonomies: shared.taxonomies[doc.id].clone(),
        translations: shared
            .translations
            .get(&doc.key)
            .cloned()
            .unwrap_or_else(|| Shared::made_of(hash::of(()), Vec::<Value>::new())),
        content: None,
        summary: None,
        reading_time: None,
        word_count: None,
        has_code: false,
        row,
    }
}

/// A document's value with its rendered Markdown.
pub fn with_rendered(value: Value, rendered: &Rendered) -> Value {
    let view = RenderedView {
        content: Value::safe_string(&rendered.html),
        summary: rendered.summary.as_deref().map(Value::safe_string),
        reading_time: rendered.words.div_ceil(200),
        word_count: rendered.words,
        has_code: rendered.has_code,
    };
    extended(value, view.entries())
}

/// Each section's value with its [`Listing`], by `DocId` (none for pages).
pub fn section_values(site: &Site, docs: &[Value]) -> Vec<Option<Value>> {
    let with_pages: Vec<Option<Value>> = site
        .docs
        .iter()
        .map(|doc| doc.section().map(|info| with(&docs[doc.id], [("pages", Value::from(doc_list(docs, &info.pages)))])))
        .collect();
    site.docs
        .iter()
        .map(|doc| {
            let info = doc.section()?;
            let listing = Listing {
                pages: doc_list(docs, &info.pages),
                subsections: info.subsections.iter().filter_map(|id| with_pages[*id].clone()).collect(),
            };
            Some(with(&docs[doc.id], listing.entries()))
        })
        .collect()
}

/// Each section's value with an empty [`Listing`] (its subsections' too), for
/// `get_section(metadata_only=true)`: a menu needs the sections, not what is in them, and a
/// page that shows only that need not change when a page in them does.
pub fn section_metadata(site: &Site, docs: &[Value]) -> Vec<Option<Value>> {
    site.docs
        .iter()
        .map(|doc| {
            let info = doc.section()?;
            let without_pages = |id: &DocId| with(&docs[*id], [("pages", Value::from(Vec::<Value>::new()))]);
            let listing = Listing { pages: vec![], subsections: info.subsections.iter().map(without_pages).collect() };
            Some(with(&docs[doc.id], listing.entries()))
        })
        .collect()
}

/// The values of `ids`, shared.
pub fn doc_list(docs: &[Value], ids: &[DocId]) -> Vec<Value> {
    ids.iter().map(|id| docs[*id].clone()).collect()
}

pub fn taxonomy_view<'a>(site: &'a Site, taxonomy: &'a Taxonomy) -> TaxonomyView<'a> {
    TaxonomyView {
        name: &taxonomy.name,
        lang: &site.config.languages[taxonomy.lang].key,
        url: site.url_of(&taxonomy.rel),
        path: site.path_of(&taxonomy.rel),
    }
}

/// Each term's value with its pages, by taxonomy and term.
pub fn term_values(site: &Site, docs: &[Value]) -> Vec<Vec<Value>> {
    let of_taxonomy =
        |taxonomy: &Taxonomy| taxonomy.terms.iter().map(|t| Value::from(term_view(site, t, docs))).collect();
    site.taxonomies.iter().map(of_taxonomy).collect()
}

fn term_view<'a>(site: &Site, term: &'a Term, docs: &[Value]) -> TermView<'a> {
    TermView {
        name: &term.name,
        slug: &term.slug,
        url: site.url_of(&term.rel),
        path: site.path_of(&term.rel),
        page_count: term.pages.len(),
        pages: doc_list(docs, &term.pages),
    }
}

/// One pager of a listing: which of its documents it shows, before it becomes the
/// `paginator` value.
#[derive(Clone, Copy)]
pub struct Pager<'a> {
    /// The whole listing.
    pub ids: &'a [DocId],
    pub per_page: usize,
    /// From 1.
    pub number: usize,
    /// Where the listing's first pager is.
    pub rel: &'a str,
}

impl<'a> Pager<'a> {
    /// The documents this pager shows.
    pub fn listed(&self) -> &'a [DocId] {
        let size = if self.per_page == 0 { self.ids.len().max(1) } else { self.per_page };
        let start = ((self.number - 1) * size).min(self.ids.len());
        &self.ids[start..(start + size).min(self.ids.len())]
    }

    /// What the `paginator` value is made of besides the site's configuration, given the
    /// digests of the documents it lists.
    pub fn inputs(&self, listed: Vec<hash::Digest>) -> impl std::hash::Hash + use<'a> {
        (self.rel, self.number, self.per_page, self.ids.len(), listed)
    }
}

/// The `paginator` of `pager`.
pub fn paginator(site: &Site, docs: &[Value], pager: &Pager) -> PaginatorView {
    let Pager { ids, per_page, number, rel } = *pager;
    let count = pager_count(ids.len(), per_page);
    let pager_rel = |n: usize| if n <= 1 { rel.to_string() } else { format!("{rel}page/{n}/") };
    let url = |n: usize| site.url_of(&pager_rel(n));
    let mut previous = 0;
    let pagers = pager_window(number, count)
        .map(|n| {
            let gap_before = n > previous + 1;
            previous = n;
            PagerView { index: n, url: url(n), path: site.path_of(&pager_rel(n)), gap_before }
        })
        .collect();
    PaginatorView {
        pages: doc_list(docs, pager.listed()),
        current_index: number,
        number_pagers: count,
        paginate_by: per_page,
        total_pages: ids.len(),
        first: url(1),
        last: url(count),
        previous: (number > 1).then(|| url(number - 1)),
        next: (number < count).then(|| url(number + 1)),
        pagers,
    }
}

/// How many pagers a listing of `items` has; `per_page` 0 is one pager.
pub fn pager_count(items: usize, per_page: usize) -> usize {
    if per_page == 0 { 1 } else { items.div_ceil(per_page).max(1) }
}

/// The pagers a pager navigation links: the first, the last, and two either side of the
/// current one. Listing them all would make every pager of a long listing grow with it.
fn pager_window(current: usize, count: usize) -> impl Iterator<Item = usize> {
    const AROUND: usize = 2;
    let near = current.saturating_sub(AROUND).max(1)..=(current + AROUND).min(count);
    let ends = [1, count].into_iter().filter(|&n| n >= 1);
    ends.chain(near).collect::<std::collections::BTreeSet<_>>().into_iter()
}

fn canonical(site: &Site, doc: &Doc) -> String {
    if doc.is_fallback()
        && let Some(original) = doc.translations.iter().map(|id| site.doc(*id)).find(|d| d.lang == doc.text_lang)
    {
        return site.url_of(&original.rel);
    }
    site.url_of(&doc.rel)
}

pub fn languages_value(site: &Site) -> Vec<Value> {
    site.config
        .languages
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let rel = site.lang_rel(i);
            Value::from(LanguageView {
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

pub fn config_value(config: &Config, languages: Vec<Value>) -> Value {
    Value::from(ConfigView {
        title: &config.title,
        description: &config.description,
        base_url: config.base_url.as_string(),
        base_path: &config.base_url.prefix,
        default_language: &config.default_language().key,
        taxonomies: config.taxonomies.iter().map(String::as_str).collect(),
        feeds: config.feeds,
        minify: config.minify,
        paginate: config.paginate,
        time_zone: &config.time_zone_name,
        extra: serialized(&config.extra),
        languages,
    })
}

#[cfg(test)]
mod tests {
    use super::pager_window;

    #[test]
    fn the_pager_window_holds_the_ends_and_the_neighbours_of_the_current_pager() {
        let window = |current, count| pager_window(current, count).collect::<Vec<_>>();
        assert_eq!(window(1, 1), [1]);
        assert_eq!(window(2, 3), [1, 2, 3]);
        assert_eq!(window(1, 100), [1, 2, 3, 100]);
        assert_eq!(window(50, 100), [1, 48, 49, 50, 51, 52, 100]);
        assert_eq!(window(100, 100), [1, 98, 99, 100]);
    }
}
