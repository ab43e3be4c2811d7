//! The search index: per language, written by `build` from the site model and the
//! rendered Markdown, read by the theme's `search.js` in the browser.
//!
//! [`analyze`] turns words into terms (stem, then fold), [`collect`] reads what a document
//! says and where, [`score`] weighs it, [`files`] cuts the index into the files a query
//! downloads. Documents left out of the build are never here; neither is a fallback page
//! (its text is another language's) nor a page with `search: false`.

pub mod analyze;
mod collect;
mod files;
mod score;

use rayon::prelude::*;

use crate::i18n::I18n;
use crate::ids::LangId;
use crate::markdown::Rendered;
use crate::site::Site;

/// The output folder of the index: `search-index/`.
pub const INDEX_FOLDER: &str = "search-index/";

/// The output path of a language's `index.json`.
pub fn index_rel(site: &Site, lang: LangId) -> String {
    format!("{INDEX_FOLDER}{}/index.json", site.config.languages[lang].key)
}

/// Every file of every language's index: (output path, bytes). `rendered` is indexed by
/// document id.
pub fn index_files<R: AsRef<Rendered> + Sync>(site: &Site, rendered: &[R], i18n: &I18n) -> Vec<(String, Vec<u8>)> {
    let languages = &site.config.languages;
    (0..languages.len())
        .into_par_iter()
        .flat_map_iter(|lang| {
            let records: Vec<_> = site
                .docs
                .par_iter()
                .filter(|doc| doc.lang == lang && !doc.is_fallback() && !doc.meta.hidden_from_search)
                .map(|doc| collect::record(site, doc, rendered[doc.id].as_ref(), i18n))
                .collect();
            let analyzer = analyze::Analyzer::new(&languages[lang].search);
            let folder = format!("{INDEX_FOLDER}{}/", languages[lang].key);
            files::language_files(records, &analyzer, &languages[lang].search)
                .into_iter()
                .map(move |(name, bytes)| (format!("{folder}{name}"), bytes))
        })
        .collect()
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
