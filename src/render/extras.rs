//! What only a page's own template sees besides its document's value: hreflang
//! alternates, the language switcher, the breadcrumb trail, JSON-LD and the table of
//! contents. Made for each page rather than kept for every document, and hashed as the
//! structs they are: they become Tera values only for a page that is rendered.

use tera::Value;

use super::json_ld;
use super::values::{Markup, serialized, view};
use crate::ids::LangId;
use crate::markdown::Toc;
use crate::site::{Doc, Site};

view! {
    /// What only the page's own template sees besides its document's
    /// [`DocView`](super::views::DocView).
    #[derive(Hash)]
    pub struct PageExtras<'a> {
        /// `<link rel="alternate" hreflang>` targets ([`Alternate`]).
        pub alternates: Vec<Alternate>,
        pub switcher: Vec<SwitcherEntry<'a>>,
        pub ancestors: Vec<Crumb<'a>>,
        pub json_ld: Option<Markup>,
        pub navigation_json_ld: json_ld::Navigation<'a>,
    }
}

view! {
    /// One `<link rel="alternate" hreflang>`.
    #[derive(Hash)]
    pub struct Alternate {
        pub hreflang: String,
        pub url: String,
    }
}

view! {
    /// One entry of a language switcher: the same page in that language, or the nearest
    /// page above it that exists there.
    #[derive(Hash)]
    pub struct SwitcherEntry<'a> {
        pub lang: &'a str,
        pub locale: &'a str,
        pub name: &'a str,
        pub url: String,
        pub path: String,
        pub is_current: bool,
        /// Whether the target is this very page (and not an ancestor) in that language.
        pub exact: bool,
    }
}

view! {
    /// One step of the breadcrumb trail.
    #[derive(Hash)]
    pub struct Crumb<'a> {
        pub title: &'a str,
        pub url: String,
        pub path: String,
    }
}

pub fn page_extras<'a>(site: &'a Site, doc: &'a Doc) -> PageExtras<'a> {
    PageExtras {
        alternates: site.alternates(doc).into_iter().map(|(hreflang, url)| Alternate { hreflang, url }).collect(),
        switcher: switcher(site, doc),
        ancestors: ancestors(site, doc),
        json_ld: json_ld::for_doc(site, doc).map(Markup),
        navigation_json_ld: json_ld::Navigation::new(site, doc),
    }
}

/// The page's extras with `toc`, its headings nested. The extras are made of the site model
/// and the toc of the page's Markdown, so each is hashed apart: [`PageExtras`] as it is,
/// the toc as the headings it is made of.
pub fn with_toc(extras: PageExtras<'_>, toc: &Toc) -> Vec<(&'static str, Value)> {
    let mut entries: Vec<(&'static str, Value)> = extras.into();
    entries.push(("toc", serialized(&toc.nested())));
    entries
}

fn switcher<'a>(site: &'a Site, doc: &'a Doc) -> Vec<SwitcherEntry<'a>> {
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
fn nearest_in<'a>(site: &'a Site, doc: &'a Doc, lang: LangId) -> (&'a Doc, bool) {
    for (step, here) in site.upward(doc).enumerate() {
        if let Some(found) = site.in_lang(here, lang) {
            return (found, step == 0);
        }
    }
    (site.doc(site.homes[lang]), false)
}

fn ancestors<'a>(site: &'a Site, doc: &'a Doc) -> Vec<Crumb<'a>> {
    let mut chain: Vec<Crumb> = site
        .upward(doc)
        .skip(1)
        .map(|d| Crumb { title: &d.meta.title, url: site.url_of(&d.rel), path: site.path_of(&d.rel) })
        .collect();
    chain.reverse();
    chain
}
