//! The output plan: every file a build makes, as a job — pages, paged listings, taxonomy
//! pages, 404s, aliases, feeds, sitemap, robots.txt, `_redirects`, the highlight
//! stylesheet, the language chooser — and the template each document is rendered with.

use std::collections::BTreeMap;

use super::templates::Templates;
use super::views::pager_count;
use crate::diag::{Diagnostic, Diagnostics, Location, suggest};
use crate::ids::{DocId, LangId};
use crate::site::{Doc, Kind, Site};
use crate::source::SourceTree;

/// One output file to make.
pub enum Job {
    Doc {
        doc: DocId,
        pager: usize,
    },
    /// `LISTING/page/1/` → `LISTING/`.
    FirstPagerRedirect(String),
    TaxonomyList(usize),
    Term {
        taxonomy: usize,
        term: usize,
        pager: usize,
    },
    NotFound(LangId),
    /// The search page of a language, when the theme has one.
    Search(LangId),
    Alias(usize),
    Feed(LangId),
    /// `taxonomy_pages`: whether taxonomies and terms have pages (see [`has_taxonomy_pages`]).
    /// `part`: `None` for `sitemap.xml` (the whole sitemap, or the index of its parts when
    /// it has more than [`super::feeds::SITEMAP_LIMIT`] URLs), else that part.
    Sitemap {
        taxonomy_pages: bool,
        part: Option<usize>,
    },
    Robots,
    Redirects {
        taxonomy_pages: bool,
    },
    HighlightCss,
    LanguageChooser,
}

impl Job {
    /// Whether the job makes a page (with a template, when the theme has one).
    pub fn is_page(&self) -> bool {
        matches!(
            self,
            Job::Doc { .. }
                | Job::TaxonomyList(_)
                | Job::Term { .. }
                | Job::NotFound(_)
                | Job::Search(_)
                | Job::LanguageChooser
        )
    }

    /// What the job makes, for a message.
    pub fn describe(&self, site: &Site) -> String {
        match self {
            Job::Doc { doc, pager } => format!("the page {} (pager {pager})", site.path_of(&site.doc(*doc).rel)),
            Job::FirstPagerRedirect(rel) => format!("the redirect of {}page/1/", site.path_of(rel)),
            Job::TaxonomyList(i) => format!("the page {}", site.path_of(&site.taxonomies[*i].rel)),
            Job::Term { taxonomy, term, .. } => {
                format!("the page {}", site.path_of(&site.taxonomies[*taxonomy].terms[*term].rel))
            }
            Job::NotFound(_) => "a 404 page".into(),
            Job::Search(_) => "a search page".into(),
            Job::Alias(i) => format!("the alias {}", site.path_of(&site.aliases[*i].rel)),
            Job::Feed(_) => "an Atom feed".into(),
            Job::Sitemap { part: None, .. } => "the sitemap".into(),
            Job::Sitemap { part: Some(part), .. } => format!("part {part} of the sitemap"),
            Job::Robots => "robots.txt".into(),
            Job::Redirects { .. } => "_redirects".into(),
            Job::HighlightCss => "the highlight stylesheet".into(),
            Job::LanguageChooser => "the language chooser".into(),
        }
    }
}

/// The listings that have more than one pager (their first pager also answers at
/// `page/1/`, by redirect).
pub fn paged_listings(site: &Site, with_terms: bool) -> Vec<String> {
    let sections = site.sections().filter_map(|doc| {
        let info = doc.section()?;
        (pager_count(info.pages.len(), info.paginate) > 1).then(|| doc.rel.clone())
    });
    let terms = site
        .taxonomies
        .iter()
        .flat_map(|t| &t.terms)
        .filter(|term| with_terms && pager_count(term.pages.len(), site.config.paginate) > 1)
        .map(|term| term.rel.clone());
    sections.chain(terms).collect()
}

/// Taxonomies and their terms get pages when the theme has both of their templates; the
/// plan, the sitemap and the redirects all ask this.
fn has_taxonomy_pages(templates: &Templates) -> bool {
    TAXONOMY_TEMPLATES.iter().all(|name| templates.has(name))
}

const TAXONOMY_TEMPLATES: [&str; 2] = ["taxonomy_list.html", "taxonomy_single.html"];

/// Every file to make. `unrenderable` are the documents whose template is missing (see
/// [`check_templates`]); `has_code`: whether some page has highlighted code.
pub fn plan(site: &Site, templates: &Templates, has_code: bool, unrenderable: &[DocId]) -> Vec<Job> {
    let mut jobs = Vec::new();
    for doc in site.docs.iter().filter(|doc| !unrenderable.contains(&doc.id)) {
        let pagers = doc.section().map_or(1, |info| pager_count(info.pages.len(), info.paginate));
        jobs.extend((1..=pagers).map(|pager| Job::Doc { doc: doc.id, pager }));
    }
    let taxonomy_pages = has_taxonomy_pages(templates);
    jobs.extend(paged_listings(site, taxonomy_pages).into_iter().map(Job::FirstPagerRedirect));
    if taxonomy_pages {
        for (i, taxonomy) in site.taxonomies.iter().enumerate() {
            jobs.push(Job::TaxonomyList(i));
            for (t, term) in taxonomy.terms.iter().enumerate() {
                let pagers = pager_count(term.pages.len(), site.config.paginate);
                jobs.extend((1..=pagers).map(|pager| Job::Term { taxonomy: i, term: t, pager }));
            }
        }
    }
    jobs.extend((0..site.config.languages.len()).map(Job::NotFound));
    if site.config.search && templates.has(super::search::SEARCH_TEMPLATE) {
        jobs.extend((0..site.config.languages.len()).map(Job::Search));
    }
    jobs.extend((0..site.aliases.len()).map(Job::Alias));
    if site.config.feeds {
        jobs.extend((0..site.config.languages.len()).map(Job::Feed));
    }
    jobs.extend([Job::Sitemap { taxonomy_pages, part: None }, Job::Robots, Job::Redirects { taxonomy_pages }]);
    let sitemap_parts = super::feeds::sitemap_len(site, taxonomy_pages).div_ceil(super::feeds::SITEMAP_LIMIT);
    if sitemap_parts > 1 {
        jobs.extend((1..=sitemap_parts).map(|part| Job::Sitemap { taxonomy_pages, part: Some(part) }));
    }
    if has_code {
        jobs.push(Job::HighlightCss);
    }
    if site.config.has_language_chooser() {
        jobs.push(Job::LanguageChooser);
    }
    jobs
}

/// The template a document is rendered with.
pub fn template_for(site: &Site, doc: &Doc, templates: &Templates) -> String {
    if let Some(name) = &doc.meta.template {
        return name.clone();
    }
    match &doc.kind {
        Kind::Section(_) if doc.key == "_index.md" && templates.has("index.html") => "index.html".into(),
        Kind::Section(_) => "section.html".into(),
        Kind::Page => site
            .upward(doc)
            .skip(1)
            .find_map(|section| section.section().and_then(|s| s.page_template.clone()))
            .unwrap_or_else(|| "page.html".into()),
    }
}

/// Every document's template must exist, and taxonomy templates where terms exist.
/// Returns the documents that cannot be rendered.
pub fn check_templates(site: &Site, templates: &Templates, tree: &SourceTree, diags: &mut Diagnostics) -> Vec<DocId> {
    let mut missing = Vec::new();
    // A template a document names is reported there; a default template the site lacks
    // is reported once, at the first document that needs it.
    let mut defaults: BTreeMap<String, (Option<Location>, usize)> = BTreeMap::new();
    for doc in &site.docs {
        let name = template_for(site, doc, templates);
        if templates.has(&name) {
            continue;
        }
        missing.push(doc.id);
        if doc.is_fallback() {
            continue; // reported at the original
        }
        let file = doc.source.map(|s| tree.file(s));
        let hint = suggest(&name, templates.names()).unwrap_or_else(|| format!("create templates/{name}"));
        if let (Some(file), Some(_)) = (file, &doc.meta.template) {
            let range = crate::yaml::locate_key(file.text(), &["template"]).unwrap_or(0..0);
            let at = Location::in_text(&file.display, file.text(), range);
            diags.push(Diagnostic::error(format!("there is no template `{name}`")).at(at).hint(hint));
            continue;
        }
        let entry = defaults.entry(name).or_insert((None, 0));
        entry.1 += 1;
        if entry.0.is_none() {
            entry.0 = file.map(|f| Location::file(&f.display));
        }
    }
    for (name, (at, count)) in defaults {
        let needs = if count == 1 { "1 document needs it".to_string() } else { format!("{count} documents need it") };
        let d = Diagnostic::error(format!("there is no template `{name}`; {needs}"))
            .hint(format!("create templates/{name}, or use a theme that has one"));
        diags.push(match at {
            Some(at) => d.at(at),
            None => d,
        });
    }
    for name in TAXONOMY_TEMPLATES {
        if site.taxonomies.iter().any(|t| !t.terms.is_empty()) && !templates.has(name) {
            diags.push(
                Diagnostic::error(format!("pages have taxonomy terms, but there is no template `{name}`"))
                    .at(site.config.locate(&["taxonomies"]))
                    .hint(format!("create templates/{name}")),
            );
        }
    }
    missing
}
