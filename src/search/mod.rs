//! The search index: per language, written by `build` from the site model and the
//! rendered Markdown, read by the theme's `search.js` in the browser.
//!
//! [`analyze`] turns words into terms (stem, then fold), [`collect`] reads what a document
//! says and where, [`score`] weighs it, [`postings`] gathers each term's pages, [`files`]
//! cuts the index into the files a query downloads. Documents go through in batches, so
//! only one batch's words are in memory at a time. Documents left out of the build are never here; neither is a fallback page
//! (its text is another language's) nor a page with `search: false`.

pub mod analyze;
mod collect;
mod files;
mod postings;
mod score;

pub use collect::Source;

use rayon::prelude::*;

use crate::i18n::I18n;
use crate::ids::LangId;
use crate::site::{Doc, Site};

/// The output folder of the index: `search-index/`.
pub const INDEX_FOLDER: &str = "search-index/";

/// The output path of a language's `index.json`.
pub fn index_rel(site: &Site, lang: LangId) -> String {
    format!("{INDEX_FOLDER}{}/index.json", site.config.languages[lang].key)
}

/// Documents analysed at a time; a multiple of [`files::PAGES_PER_FILE`].
const BATCH: usize = 256;

/// Every file of every language's index: (output path, bytes). `sources` is indexed by
/// document id; each is let go of once its document is in the index.
pub fn index_files(site: &Site, sources: Vec<Source>, i18n: &I18n) -> Vec<(String, Vec<u8>)> {
    // Each language's documents, with what the index reads of them.
    let mut by_language: Vec<Vec<(&Doc, Source)>> = site.config.languages.iter().map(|_| Vec::new()).collect();
    for (doc, source) in site.docs.iter().zip(sources) {
        if !doc.is_fallback() && !doc.meta.hidden_from_search {
            by_language[doc.lang].push((doc, source));
        }
    }
    // One language after the other, each on every core: side by side, their working sets
    // added up, for no time saved.
    by_language
        .into_iter()
        .enumerate()
        .flat_map(|(lang, docs)| {
            let folder = format!("{INDEX_FOLDER}{}/", site.config.languages[lang].key);
            let files = language_files(site, lang, docs, i18n);
            files.into_iter().map(move |(name, bytes)| (format!("{folder}{name}"), bytes))
        })
        .collect()
}

fn language_files(site: &Site, lang: LangId, docs: Vec<(&Doc, Source)>, i18n: &I18n) -> Vec<(String, Vec<u8>)> {
    // Pages are numbered by section, so that a section's pages are one run of numbers.
    let mut docs: Vec<(String, &Doc, Source)> =
        docs.into_iter().map(|(doc, source)| (collect::section_name(site, doc), doc, source)).collect();
    docs.sort_by(|a, b| (&a.0, &a.1.rel).cmp(&(&b.0, &b.1.rel)));
    let mut sections: Vec<String> = docs.iter().map(|(section, _, _)| section.clone()).collect();
    sections.dedup();
    let average = docs.iter().map(|(_, _, source)| source.words()).sum::<usize>() as f32 / docs.len().max(1) as f32;
    let search = &site.config.languages[lang].search;
    let analyzer = analyze::Analyzer::new(search);
    let mut postings = postings::Postings::default();
    let mut writer = files::Writer::new(sections);
    let mut docs = docs.into_iter();
    for b in 0.. {
        // Each batch's texts are let go of once it is in the index.
        let batch: Vec<(String, &Doc, Source)> = docs.by_ref().take(BATCH).collect();
        if batch.is_empty() {
            break;
        }
        let collected: Vec<collect::Collected> =
            batch.par_iter().map(|(section, doc, source)| collect::collect(doc, section, source, i18n)).collect();
        postings.add((b * BATCH) as u32, &collected, &analyzer, average);
        writer.pages(&collected.iter().map(|c| &c.shown).collect::<Vec<_>>());
    }
    writer.finish(&postings, search, &analyzer.synonyms(&site.config.languages[lang].synonyms))
}

/// The output folder of a language's search page: `sok/`, `en/search/`. Its slug is the UI
/// string `search.slug`.
pub fn page_rel(site: &Site, i18n: &I18n, lang: LangId) -> String {
    let slug = match i18n.lookup("search.slug", lang) {
        Some((crate::i18n::Entry::Text(text), _)) => crate::slug::slugify(text),
        _ => String::new(),
    };
    let slug = if slug.is_empty() { "search".to_string() } else { slug };
    format!("{}{slug}/", site.lang_rel(lang))
}
