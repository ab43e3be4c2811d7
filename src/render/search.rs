//! The search index and the search page's context, as rendering sees them: the index files
//! come from [`crate::search`]; templates get `search` (where the index and the page are).

use std::sync::{Arc, LazyLock};

use tera::Value;

use super::output::{Deferred, Finish, InMemory, Made, OnRequest, Origin, OutputFile};
use super::values::view;
use crate::i18n::I18n;
use crate::markdown::Rendered;
use crate::search::Source;
use crate::site::Site;

/// The theme's search page, made once per language when the site has search.
pub const SEARCH_TEMPLATE: &str = "search.html";

view! {
    /// `search`: where a language's search index and search page are.
    pub struct SearchView {
        pub index_url: String,
        /// Present when the theme has a search page (`search.html`).
        pub page_url: Option<String>,
    }
}

/// `search` of each language; none when the site has no search.
pub fn search_values(site: &Site, i18n: &I18n, has_page: bool) -> Vec<Value> {
    (0..site.config.languages.len())
        .map(|lang| match site.config.search {
            true => Value::from(SearchView {
                index_url: site.path_of(&crate::search::index_rel(site, lang)),
                page_url: has_page.then(|| site.path_of(&crate::search::page_rel(site, i18n, lang))),
            }),
            false => Value::none(),
        })
        .collect()
}

/// What the index reads of each document's rendering: taken out of it, or, when the memo
/// keeps the rendering for the next build, read where it is; nothing when the site has no
/// search.
pub fn sources(site: &Site, rendered: &mut [Arc<Rendered>]) -> Vec<Source> {
    if !site.config.search {
        return Vec::new();
    }
    rendered
        .iter_mut()
        .map(|r| match Arc::get_mut(r) {
            Some(own) => Source::take(own),
            None => Source::Kept(r.clone()),
        })
        .collect()
}

/// The index files of every language; none when the site has no search. A `build` makes
/// them as soon as the Markdown is rendered, so that the texts are let go of before the
/// pages' values are made (the most memory a build holds).
pub fn index_now(site: &Site, sources: Vec<Source>, i18n: &I18n) -> Vec<OutputFile> {
    if !site.config.search {
        return Vec::new();
    }
    let as_file = |(rel, bytes): (String, Vec<u8>)| OutputFile {
        rel,
        bytes: bytes.into(),
        origin: Origin::SearchIndex,
        warnings: Vec::new(),
        rendered_text: None,
    };
    crate::search::index_files(site, sources, i18n).into_iter().map(as_file).collect()
}

/// [`index_now`], deferred: `serve` makes the index while the pages are written (with
/// `--output`), or when a page first asks for one, so an edit's pages are served without
/// waiting for the whole index.
pub fn deferred_index(site: &Arc<Site>, sources: Vec<Source>, i18n: &Arc<I18n>) -> Option<Deferred> {
    if !site.config.search {
        return None;
    }
    let (site, i18n) = (site.clone(), i18n.clone());
    Some(Deferred::new(move |finish| match finish {
        Finish::Everything => Ok(Made { files: index_now(&site, sources, &i18n), ..Made::default() }),
        Finish::QuickNowRestOnRequest => {
            let make = move || crate::search::index_files(&site, sources, &i18n);
            // Made once, by the first request; the others wait for it and share it.
            let made: LazyLock<InMemory, _> =
                LazyLock::new(move || make().into_iter().map(|(rel, bytes)| (rel, Arc::from(bytes))).collect());
            let on_request = OnRequest::new(vec![crate::search::INDEX_FOLDER.to_string()], move || {
                Ok(LazyLock::force(&made).clone())
            });
            Ok(Made { on_request: vec![on_request], ..Made::default() })
        }
    }))
}
