//! From the site model to output files.
//!
//! 1. Compile the templates twice: once for Markdown (shortcodes and hooks see documents
//!    without their rendered content), once for pages (everything rendered).
//! 2. Render every document's Markdown in parallel; check links to anchors.
//! 3. Plan every output file — pages, paged listings, taxonomies, 404s, aliases, feeds,
//!    sitemap, robots.txt, `_redirects`, the highlight stylesheet — and render the plan in
//!    parallel. The order of the result does not depend on the number of threads.
//! 4. Refuse two outputs that claim one path.

pub mod builtin;
mod digest;
mod feeds;
mod filters;
mod functions;
mod host;
mod json_ld;
pub mod memo;
mod minify;
pub mod relative;
mod templates;
mod views;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Tera, Value};

use crate::data::DataSet;
use crate::diag::{Diagnostic, Diagnostics, Location, suggest};
use crate::highlight::{self, Highlighter};
use crate::i18n::I18n;
use crate::ids::DocId;
use crate::ids::LangId;
use crate::locale::Locales;
use crate::markdown::{self, DocInput, Rendered};
use crate::site::{Body, Doc, Kind, Site};
use crate::source::{Area, Contents, SourceTree};
use crate::timings::Timings;
use digest::{Digest, DigestedContext};
use memo::{Digests, Got, MarkdownResult, Memo, doc_ref};

pub use templates::Templates;

/// A file made by the build.
#[derive(Clone, Debug)]
pub struct OutputFile {
    /// Path in the output folder: `en/jobs/index.html`.
    pub rel: String,
    pub bytes: Arc<[u8]>,
    /// What made it, for messages: `content/jobb/_index.md`.
    pub origin: String,
}

/// A file copied as it is.
#[derive(Clone, Debug)]
pub struct CopyFile {
    pub rel: String,
    pub from: CopySource,
    pub origin: String,
    /// Size and last change of the file on disk, when it is there.
    pub stamp: Option<crate::source::Stamp>,
}

#[derive(Clone, Debug)]
pub enum CopySource {
    Disk(PathBuf),
    Embedded(&'static [u8]),
}

#[derive(Debug, Default)]
pub struct Output {
    /// Sorted by path.
    pub files: Vec<OutputFile>,
    pub copies: Vec<CopyFile>,
    /// Links to other sites written in the content, for `check --external`.
    pub external_links: Vec<markdown::ExternalLink>,
}

/// Everything templates and shortcodes can look up, for one phase of rendering.
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
    config: Value,
    languages: Vec<Value>,
    /// What reads find here, when results are remembered for the next build.
    digests: Option<Digests>,
}

impl World {
    /// The context every template gets: `config`, `lang`, `language`, `languages`.
    pub fn base_context(&self, lang: LangId) -> Context {
        let mut context = Context::new();
        context.insert_value("config", self.config.clone());
        context.insert_value("languages", Value::from(self.languages.clone()));
        context.insert_value("language", self.languages[lang].clone());
        context.insert_value("lang", Value::from(self.site.config.languages[lang].key.as_str()));
        context
    }
}

pub struct RenderInputs {
    pub site: Site,
    pub locales: Locales,
    pub i18n: I18n,
    pub data: DataSet,
}

/// Renders every output file. With a memo (in `serve`), a document or file whose inputs
/// are unchanged since the memo's build is reused, and the memo then holds this build.
pub fn render(
    inputs: RenderInputs,
    tree: &SourceTree,
    timings: &mut Timings,
    memo: Option<&mut Memo>,
) -> Result<(Output, Diagnostics), Diagnostics> {
    let RenderInputs { site, locales, i18n, data } = inputs;
    let templates = Templates::collect(tree);
    let mut diags = Diagnostics::new();
    let missing_templates = check_templates(&site, &templates, tree, &mut diags);
    let site = Arc::new(site);
    let site_digests = memo.is_some().then(|| SiteDigests::new(&site, &i18n, &templates, tree));
    let shared = Shared {
        site: site.clone(),
        locales: Arc::new(locales),
        i18n: Arc::new(i18n),
        data: Arc::new(data),
        highlighter: Arc::new(Highlighter::new()),
        fingerprints: Arc::new(fingerprints(tree)),
        digests: site_digests,
    };
    let mut no_memo = Memo::default();
    let memo = memo.unwrap_or(&mut no_memo);

    // Markdown, with documents as they are before rendering.
    let docs = views::doc_values(&site, tree, &shared.data);
    let markdown_world = Arc::new(shared.world(docs.clone()));
    let markdown_tera = templates.compile_for_markdown(markdown_world.clone()).map_err(|e| {
        diags.extend(e);
        std::mem::take(&mut diags)
    })?;
    let host = host::DocHost { world: &markdown_world, tera: &markdown_tera, templates: &templates };
    let recall = memo.markdown(&markdown_world);
    let results: Vec<_> = site
        .docs
        .par_iter()
        .map(|doc| {
            let key = doc_ref(doc);
            let rendered = recall.get_or_render(
                &key,
                || markdown_inputs(doc, tree),
                || {
                    let (rendered, warnings) = render_markdown(doc, tree, &host);
                    let failed = warnings.iter().any(Diagnostic::is_error);
                    let result = Arc::new(MarkdownResult::new(&site, rendered, warnings));
                    if failed { Err(result) } else { Ok(result) }
                },
            );
            (key, rendered.unwrap_or_else(|failed| Got { value: failed, entry: None, rendered: true }))
        })
        .collect();
    let mut rendered = Vec::with_capacity(results.len());
    let mut entries = Vec::with_capacity(results.len());
    let mut documents_rendered = 0;
    for (key, got) in results {
        diags.extend(got.value.warnings.iter().cloned());
        rendered.push(got.value.relinked(&site));
        documents_rendered += usize::from(got.rendered);
        entries.extend(got.entry.map(|entry| (key, entry)));
    }
    memo.keep_markdown(&markdown_world, entries, documents_rendered, site.docs.len());
    check_anchors(&site, &rendered, &mut diags);
    timings.lap("markdown");

    // Pages, with everything rendered.
    // Only now is the first pass's world done with; dropping it frees its memory.
    drop(markdown_tera);
    drop(markdown_world);
    let has_code = rendered.iter().any(|r| r.has_code);
    let external_links =
        site.docs.iter().filter(|d| !d.is_fallback()).flat_map(|d| rendered[d.id].external.iter().cloned()).collect();
    // Each rendering is let go of as soon as its HTML is in the document's value (unless the
    // memo keeps it for the next build), so the HTML of the whole site is not held twice.
    let docs: Vec<Value> =
        docs.into_par_iter().zip(rendered.into_par_iter()).map(|(value, r)| views::with_rendered(&value, &r)).collect();
    let world = Arc::new(shared.world(docs));
    let tera = templates.compile(world.clone()).map_err(|e| {
        diags.extend(e);
        std::mem::take(&mut diags)
    })?;
    let renderer = PageRenderer { world: &world, tera: &tera, templates: &templates, tree, recall: memo.files(&world) };
    timings.lap("document values");
    let mut plan = plan(&site, &templates, has_code);
    plan.retain(|job| !matches!(job, Job::Doc { doc, .. } if missing_templates.contains(doc)));
    let results: Vec<Result<Got<OutputFile>, Diagnostic>> = plan.par_iter().map(|job| renderer.render(job)).collect();
    let mut files = Vec::with_capacity(results.len());
    let mut entries = Vec::new();
    let mut files_rendered = 0;
    let mut failures = Vec::new();
    for result in results {
        match result {
            Ok(got) => {
                if let Some(entry) = got.entry {
                    files_rendered += usize::from(got.rendered);
                    entries.push((got.value.rel.clone(), entry));
                }
                files.push(got.value);
            }
            Err(d) => failures.push(d),
        }
    }
    memo.keep_files(&world, entries, files_rendered);
    diags.extend(merge_repeated(failures));
    timings.lap("templates");
    let copies = copies(&site, tree);
    check_collisions(&files, &copies, &mut diags);
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok((Output { files, copies, external_links }, diags))
}

/// The digests of site-wide inputs, made once per build when results are remembered.
struct SiteDigests {
    site: Digest,
    templates: Arc<BTreeMap<String, Digest>>,
    data: Arc<BTreeMap<String, Digest>>,
}

impl SiteDigests {
    fn new(site: &Site, i18n: &I18n, templates: &Templates, tree: &SourceTree) -> SiteDigests {
        // Everything in site.yaml and the UI strings reaches every page.
        let site_wide = digest::of((format!("{:?}", site.config), format!("{i18n:?}")));
        let data = tree
            .area(Area::Data)
            .map(|(_, f)| (crate::data::name_of(&f.rel).to_string(), digest::of(f.bytes())))
            .collect();
        SiteDigests { site: site_wide, templates: Arc::new(templates.digests()), data: Arc::new(data) }
    }
}

/// What a document's Markdown is made from besides what it reads: its whole file (the
/// front matter's length moves the lines of everything after it) and its language.
fn markdown_inputs(doc: &Doc, tree: &SourceTree) -> Digest {
    let file = doc.source.map(|s| tree.file(s));
    digest::of((file.map(|f| (&f.display, f.text())), doc.lang, matches!(doc.body, Body::Empty)))
}

/// What both phases share.
struct Shared {
    site: Arc<Site>,
    locales: Arc<Locales>,
    i18n: Arc<I18n>,
    data: Arc<DataSet>,
    highlighter: Arc<Highlighter>,
    fingerprints: Arc<BTreeMap<String, String>>,
    digests: Option<SiteDigests>,
}

impl Shared {
    fn world(&self, docs: Vec<Value>) -> World {
        let sections = views::section_values(&self.site, &docs);
        let section_metadata = views::section_metadata(&self.site, &docs);
        let languages = views::languages_value(&self.site);
        let digests = self.digests.as_ref().map(|shared| world_digests(shared, &docs, &sections, &section_metadata));
        World {
            site: self.site.clone(),
            locales: self.locales.clone(),
            i18n: self.i18n.clone(),
            data: self.data.clone(),
            highlighter: self.highlighter.clone(),
            fingerprints: self.fingerprints.clone(),
            config: views::config_value(&self.site.config, languages.clone()),
            languages,
            docs,
            sections,
            section_metadata,
            digests,
        }
    }
}

/// The digests of one world's document and section values.
fn world_digests(
    shared: &SiteDigests,
    docs: &[Value],
    sections: &[Option<Value>],
    section_metadata: &[Option<Value>],
) -> Digests {
    let mut known = digest::KnownValues::default();
    // A document's value holds no other document, so they can be hashed apart, in parallel.
    let doc_digests: Vec<Digest> = docs.par_iter().map(|value| known.digest(value)).collect();
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

fn fingerprints(tree: &SourceTree) -> BTreeMap<String, String> {
    tree.area(Area::Static).filter_map(|(_, f)| f.fingerprint.clone().map(|h| (f.rel.clone(), h))).collect()
}

fn render_markdown(doc: &Doc, tree: &SourceTree, host: &host::DocHost) -> (Rendered, Vec<Diagnostic>) {
    match &doc.body {
        Body::File { source, range } => {
            let file = tree.file(*source);
            let input =
                DocInput { doc: doc.id, lang: doc.lang, file: &file.display, text: file.text(), body: range.clone() };
            markdown::render(&input, host)
        }
        Body::Empty => (Rendered::default(), Vec::new()),
    }
}

/// `[x](@/page.md#anchor)` must name a heading or id of that page. In a fallback page the
/// text is another language's, so a heading that only that language's target has is a
/// warning, not an error.
fn check_anchors(site: &Site, rendered: &[Arc<Rendered>], diags: &mut Diagnostics) {
    for (doc, r) in site.docs.iter().zip(rendered) {
        for link in &r.links {
            let anchors = &rendered[link.target].anchors;
            if anchors.contains(&link.anchor) {
                continue;
            }
            let target = site.doc(link.target);
            let hint = suggest(&link.anchor, anchors.iter().map(String::as_str));
            let d = if doc.is_fallback() {
                let lang = &site.config.languages[doc.lang].key;
                Diagnostic::warning(format!(
                    "in the `{lang}` fallback of this page, `@/{}` has no heading or id `#{}`",
                    target.key, link.anchor
                ))
            } else {
                Diagnostic::error(format!("`@/{}` has no heading or id `#{}`", target.key, link.anchor))
            };
            diags.push(d.at(link.at.clone()).maybe_hint(hint));
        }
    }
}

/// The template a document is rendered with.
fn template_for(site: &Site, doc: &Doc, templates: &Templates) -> String {
    if let Some(name) = &doc.meta.template {
        return name.clone();
    }
    match &doc.kind {
        Kind::Section(_) if doc.key == "_index.md" && templates.has("index.html") => "index.html".into(),
        Kind::Section(_) => "section.html".into(),
        Kind::Page => {
            let mut parent = doc.parent;
            while let Some(id) = parent {
                let section = site.doc(id);
                if let Some(name) = section.section().and_then(|s| s.page_template.clone()) {
                    return name;
                }
                parent = section.parent;
            }
            "page.html".into()
        }
    }
}

/// Every document's template must exist, and taxonomy templates where terms exist.
/// Returns the documents that cannot be rendered.
fn check_templates(site: &Site, templates: &Templates, tree: &SourceTree, diags: &mut Diagnostics) -> Vec<DocId> {
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

/// One output file to make.
enum Job {
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
    Alias(usize),
    Feed(LangId),
    /// `taxonomy_pages`: whether taxonomies and terms have pages (see [`has_taxonomy_pages`]).
    Sitemap {
        taxonomy_pages: bool,
    },
    Robots,
    Redirects {
        taxonomy_pages: bool,
    },
    HighlightCss,
    LanguageChooser,
}

fn pager_count(items: usize, per_page: usize) -> usize {
    if per_page == 0 { 1 } else { items.div_ceil(per_page).max(1) }
}

/// The listings that have more than one pager (their first pager also answers at
/// `page/1/`, by redirect).
fn paged_listings(site: &Site, with_terms: bool) -> Vec<String> {
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

fn plan(site: &Site, templates: &Templates, has_code: bool) -> Vec<Job> {
    let mut jobs = Vec::new();
    for doc in &site.docs {
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
    jobs.extend((0..site.aliases.len()).map(Job::Alias));
    if site.config.feeds {
        jobs.extend((0..site.config.languages.len()).map(Job::Feed));
    }
    jobs.extend([Job::Sitemap { taxonomy_pages }, Job::Robots, Job::Redirects { taxonomy_pages }]);
    if has_code {
        jobs.push(Job::HighlightCss);
    }
    if site.config.has_language_chooser() {
        jobs.push(Job::LanguageChooser);
    }
    jobs
}

struct PageRenderer<'a> {
    world: &'a World,
    tera: &'a Tera,
    templates: &'a Templates,
    tree: &'a SourceTree,
    recall: memo::Recall<'a, String, OutputFile>,
}

impl PageRenderer<'_> {
    fn site(&self) -> &Site {
        &self.world.site
    }

    /// One output file. Those made with templates are remembered for the next build; the
    /// rest are cheap, and made every time.
    fn render(&self, job: &Job) -> Result<Got<OutputFile>, Diagnostic> {
        match job {
            Job::Doc { doc, pager } => self.doc(self.site().doc(*doc), *pager),
            Job::TaxonomyList(i) => self.taxonomy_list(*i),
            Job::Term { taxonomy, term, pager } => self.term(*taxonomy, *term, *pager),
            Job::NotFound(lang) if self.templates.has("404.html") => self.not_found(*lang),
            Job::LanguageChooser if self.templates.has("language_chooser.html") => self.language_chooser(),
            _ => self.plain(job).map(|value| Got { value, entry: None, rendered: true }),
        }
    }

    /// An output file made without templates.
    fn plain(&self, job: &Job) -> Result<OutputFile, Diagnostic> {
        let site = self.site();
        match job {
            Job::Doc { .. } | Job::TaxonomyList(_) | Job::Term { .. } => unreachable!("made with templates"),
            Job::FirstPagerRedirect(rel) => {
                let page = builtin::redirect_page(&site.url_of(rel));
                Ok(self.file(format!("{rel}page/1/index.html"), page, format!("the listing /{rel}")))
            }
            Job::NotFound(lang) => {
                let rel = format!("{}404.html", site.lang_rel(*lang));
                Ok(self.file(rel, builtin::not_found_page(site, *lang), "the 404 page".into()))
            }
            Job::Alias(i) => {
                let alias = &site.aliases[*i];
                let target = site.doc(alias.target);
                let page = builtin::redirect_page(&site.url_of(&target.rel));
                Ok(self.file(alias.output_file(), page, format!("an alias in {}", self.origin(target))))
            }
            Job::Feed(lang) => {
                let rel = format!("{}atom.xml", site.lang_rel(*lang));
                Ok(self.file(rel, feeds::atom(site, *lang, &self.world.docs), "the Atom feed".into()))
            }
            Job::Sitemap { taxonomy_pages } => {
                let mut entries = feeds::doc_entries(site);
                for taxonomy in &site.taxonomies {
                    if *taxonomy_pages {
                        entries.push(feeds::SitemapEntry {
                            url: site.url_of(&taxonomy.rel),
                            lastmod: None,
                            alternates: vec![],
                        });
                        for term in &taxonomy.terms {
                            entries.push(feeds::SitemapEntry {
                                url: site.url_of(&term.rel),
                                lastmod: None,
                                alternates: vec![],
                            });
                        }
                    }
                }
                Ok(self.file("sitemap.xml".into(), feeds::sitemap(&entries), "the sitemap".into()))
            }
            Job::Robots => Ok(self.file("robots.txt".into(), builtin::robots_txt(site), "robots.txt".into())),
            Job::Redirects { taxonomy_pages } => {
                let mut lines: Vec<(String, String)> = site
                    .aliases
                    .iter()
                    .map(|a| (site.path_of(&a.rel), site.path_of(&site.doc(a.target).rel)))
                    .collect();
                for rel in paged_listings(site, *taxonomy_pages) {
                    lines.push((site.path_of(&format!("{rel}page/1/")), site.path_of(&rel)));
                }
                lines.sort();
                Ok(self.file("_redirects".into(), builtin::redirects_file(&lines), "aliases".into()))
            }
            Job::HighlightCss => {
                let css = highlight::stylesheet(&site.config.highlight.theme).map_err(Diagnostic::error)?;
                Ok(self.file(highlight::STYLESHEET_PATH.into(), css, "the highlight stylesheet".into()))
            }
            Job::LanguageChooser => {
                Ok(self.file("index.html".into(), builtin::language_chooser(site), "the language chooser".into()))
            }
        }
    }

    /// Renders `template` into the file `rel`, or reuses the last build's file when the
    /// template, the context and everything the template looked up are unchanged.
    fn templated(
        &self,
        rel: String,
        template: &str,
        context: DigestedContext,
        origin: String,
        error: impl FnOnce(&tera::Error) -> Diagnostic,
    ) -> Result<Got<OutputFile>, Diagnostic> {
        let inputs = || digest::of((template, self.world.template_digest(template), context.digest()));
        self.recall.get_or_render(&rel, inputs, || {
            let html = self.tera.render(template, &context.context).map_err(|e| error(&e))?;
            Ok(self.file(rel.clone(), html, origin))
        })
    }

    fn language_chooser(&self) -> Result<Got<OutputFile>, Diagnostic> {
        let site = self.site();
        let mut context = self.context(0, "");
        context.insert("chooser_script", Value::safe_string(&builtin::chooser_script(site)));
        let error = |e: &tera::Error| self.templates.diagnostic(e);
        self.templated("index.html".into(), "language_chooser.html", context, "the language chooser".into(), error)
    }

    /// An output file. HTML gets its links made relative and is minified here, while the
    /// page is fresh in the cache, when the site asks for it.
    fn file(&self, rel: String, text: String, origin: String) -> OutputFile {
        let site = self.site();
        let text = if site.config.relative_urls && rel.ends_with(".html") && !self.is_not_found_page(&rel) {
            relative::relative_links(&text, &rel, &site.path_of(""))
        } else {
            text
        };
        let bytes = if site.config.minify && rel.ends_with(".html") {
            minify::minify(text.as_bytes())
        } else {
            text.into_bytes()
        };
        OutputFile { rel, bytes: Arc::from(bytes), origin }
    }

    /// A static host serves a 404 page at whatever URL was missed, so its links must not
    /// depend on where it lives.
    fn is_not_found_page(&self, rel: &str) -> bool {
        let site = self.site();
        (0..site.config.languages.len()).any(|lang| rel.strip_prefix(site.lang_rel(lang).as_str()) == Some("404.html"))
    }

    fn origin(&self, doc: &Doc) -> String {
        match doc.source {
            Some(s) => self.tree.file(s).display.clone(),
            None => format!("the home page of `{}`", self.site().config.languages[doc.lang].key),
        }
    }

    /// The base context plus where this output is: `current_url`, `current_path`, and
    /// `canonical` (this URL; a document's canonical may say otherwise).
    fn context(&self, lang: LangId, rel: &str) -> DigestedContext<'_> {
        let site = self.site();
        let known = self.world.digests.as_ref().map(|d| &d.known);
        let mut context = DigestedContext::new(self.world.base_context(lang), known, lang);
        context.insert("current_url", Value::from(site.url_of(rel)));
        context.insert("current_path", Value::from(site.path_of(rel)));
        context.insert("canonical", Value::from(site.url_of(rel)));
        context
    }

    fn doc(&self, doc: &Doc, pager: usize) -> Result<Got<OutputFile>, Diagnostic> {
        let site = self.site();
        let rel = if pager > 1 { format!("{}page/{pager}/", doc.rel) } else { doc.rel.clone() };
        let mut context = self.context(doc.lang, &rel);
        match doc.section() {
            Some(info) => {
                let section = self.world.sections[doc.id].as_ref().unwrap_or(&self.world.docs[doc.id]);
                context.insert_with("section", section, views::page_extras(site, doc));
                let paginator = paginator(site, &self.world.docs, &info.pages, info.paginate, pager, &doc.rel);
                context.insert("paginator", paginator);
            }
            None => context.insert_with("page", &self.world.docs[doc.id], views::page_extras(site, doc)),
        }
        if pager == 1 && doc.is_fallback() {
            let canonical = self.world.docs[doc.id].get_from_path("canonical").cloned().unwrap_or(Value::none());
            context.insert("canonical", canonical);
        }
        let template = template_for(site, doc, self.templates);
        let error = |e: &tera::Error| self.render_error(e, doc);
        self.templated(format!("{rel}index.html"), &template, context, self.origin(doc), error)
    }

    fn render_error(&self, error: &tera::Error, doc: &Doc) -> Diagnostic {
        let d = self.templates.diagnostic(error);
        let while_rendering = format!("while rendering {} ({})", self.origin(doc), self.site().path_of(&doc.rel));
        let hint = match d.hint.clone() {
            Some(h) => format!("{h}; {while_rendering}"),
            None => while_rendering,
        };
        d.hint(hint)
    }

    fn taxonomy_value(&self, index: usize) -> Value {
        let site = self.site();
        let taxonomy = &site.taxonomies[index];
        let mut map = tera::Map::new();
        map.insert("name".into(), Value::from(taxonomy.name.as_str()));
        map.insert("lang".into(), Value::from(site.config.languages[taxonomy.lang].key.as_str()));
        map.insert("url".into(), Value::from(site.url_of(&taxonomy.rel)));
        map.insert("path".into(), Value::from(site.path_of(&taxonomy.rel)));
        Value::from(map)
    }

    fn taxonomy_list(&self, index: usize) -> Result<Got<OutputFile>, Diagnostic> {
        let site = self.site();
        let taxonomy = &site.taxonomies[index];
        let mut context = self.context(taxonomy.lang, &taxonomy.rel);
        let terms: Vec<Value> = taxonomy
            .terms
            .iter()
            .map(|t| views::term_value(site, t, views::doc_ids_values(&self.world.docs, &t.pages)))
            .collect();
        context.insert("taxonomy", self.taxonomy_value(index));
        context.insert("terms", Value::from(terms));
        let error = |e: &tera::Error| self.templates.diagnostic(e).hint(format!("while rendering /{}", taxonomy.rel));
        let (rel, origin) = (format!("{}index.html", taxonomy.rel), format!("the taxonomy `{}`", taxonomy.name));
        self.templated(rel, "taxonomy_list.html", context, origin, error)
    }

    fn term(&self, index: usize, term_index: usize, pager: usize) -> Result<Got<OutputFile>, Diagnostic> {
        let site = self.site();
        let taxonomy = &site.taxonomies[index];
        let term = &taxonomy.terms[term_index];
        let rel = if pager > 1 { format!("{}page/{pager}/", term.rel) } else { term.rel.clone() };
        let mut context = self.context(taxonomy.lang, &rel);
        let pages = views::doc_ids_values(&self.world.docs, &term.pages);
        context.insert("taxonomy", self.taxonomy_value(index));
        context.insert("term", views::term_value(site, term, pages));
        let paginator = paginator(site, &self.world.docs, &term.pages, site.config.paginate, pager, &term.rel);
        context.insert("paginator", paginator);
        let error = |e: &tera::Error| self.templates.diagnostic(e).hint(format!("while rendering /{rel}"));
        let origin = format!("the {} term `{}`", taxonomy.name, term.name);
        self.templated(format!("{rel}index.html"), "taxonomy_single.html", context, origin, error)
    }

    fn not_found(&self, lang: LangId) -> Result<Got<OutputFile>, Diagnostic> {
        let rel = format!("{}404.html", self.site().lang_rel(lang));
        let context = self.context(lang, &rel);
        let error = |e: &tera::Error| self.templates.diagnostic(e);
        self.templated(rel, "404.html", context, "the 404 page".into(), error)
    }
}

/// The `paginator` of one listing page.
fn paginator(site: &Site, docs: &[Value], ids: &[DocId], per_page: usize, pager: usize, rel: &str) -> Value {
    let count = pager_count(ids.len(), per_page);
    let size = if per_page == 0 { ids.len().max(1) } else { per_page };
    let start = ((pager - 1) * size).min(ids.len());
    let end = (start + size).min(ids.len());
    let pager_rel = |n: usize| if n <= 1 { rel.to_string() } else { format!("{rel}page/{n}/") };
    let link = |n: usize| Value::from(site.url_of(&pager_rel(n)));
    let mut previous = 0;
    let pagers: Vec<Value> = pager_window(pager, count)
        .map(|n| {
            let mut map = tera::Map::new();
            map.insert("index".into(), Value::from(n));
            map.insert("url".into(), link(n));
            map.insert("path".into(), Value::from(site.path_of(&pager_rel(n))));
            map.insert("gap_before".into(), Value::from(n > previous + 1));
            previous = n;
            Value::from(map)
        })
        .collect();
    let mut map = tera::Map::new();
    map.insert("pages".into(), Value::from(views::doc_ids_values(docs, &ids[start..end])));
    map.insert("current_index".into(), Value::from(pager));
    map.insert("number_pagers".into(), Value::from(count));
    map.insert("paginate_by".into(), Value::from(per_page));
    map.insert("total_pages".into(), Value::from(ids.len()));
    map.insert("first".into(), link(1));
    map.insert("last".into(), link(count));
    map.insert("previous".into(), if pager > 1 { link(pager - 1) } else { Value::none() });
    map.insert("next".into(), if pager < count { link(pager + 1) } else { Value::none() });
    map.insert("pagers".into(), Value::from(pagers));
    Value::from(map)
}

/// The pagers a pager navigation links: the first, the last, and two either side of the
/// current one. Listing them all would make every pager of a long listing grow with it.
fn pager_window(current: usize, count: usize) -> impl Iterator<Item = usize> {
    const AROUND: usize = 2;
    let near = current.saturating_sub(AROUND).max(1)..=(current + AROUND).min(count);
    let ends = [1, count].into_iter().filter(|&n| n >= 1);
    ends.chain(near).collect::<std::collections::BTreeSet<_>>().into_iter()
}

/// One template mistake breaks every page rendered with it: say it once, and how many pages
/// it broke.
fn merge_repeated(failures: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut merged: Vec<(Diagnostic, usize)> = Vec::new();
    for d in failures {
        match merged.iter_mut().find(|(m, _)| m.message == d.message && m.location == d.location) {
            Some((_, count)) => *count += 1,
            None => merged.push((d, 1)),
        }
    }
    merged
        .into_iter()
        .map(|(d, count)| match (count, d.hint.clone()) {
            (1, _) => d,
            (n, Some(hint)) => d.hint(format!("{hint}, and {} other pages", n - 1)),
            (n, None) => d.hint(format!("while rendering {n} pages")),
        })
        .collect()
}

/// Static files (site over theme) and content assets.
fn copies(site: &Site, tree: &SourceTree) -> Vec<CopyFile> {
    let mut out = Vec::new();
    for (_, file) in tree.area(Area::Static) {
        let from = match &file.contents {
            Contents::OnDisk(path) => CopySource::Disk(path.clone()),
            Contents::Embedded(bytes) => CopySource::Embedded(bytes),
            Contents::Text(_) | Contents::Bytes(_) => continue,
        };
        out.push(CopyFile { rel: file.rel.clone(), from, origin: file.display.clone(), stamp: file.stamp });
    }
    for asset in &site.assets {
        let file = tree.file(asset.source);
        if let Contents::OnDisk(path) = &file.contents {
            out.push(CopyFile {
                rel: asset.rel.clone(),
                from: CopySource::Disk(path.clone()),
                origin: file.display.clone(),
                stamp: file.stamp,
            });
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out
}

/// Two things that would write the same output file are an error naming both.
fn check_collisions(files: &[OutputFile], copies: &[CopyFile], diags: &mut Diagnostics) {
    let mut claimed: BTreeMap<&str, &str> = BTreeMap::new();
    let all = files
        .iter()
        .map(|f| (f.rel.as_str(), f.origin.as_str()))
        .chain(copies.iter().map(|c| (c.rel.as_str(), c.origin.as_str())));
    for (rel, origin) in all {
        if let Some(first) = claimed.insert(rel, origin) {
            let (a, b) = if first <= origin { (first, origin) } else { (origin, first) };
            let d = Diagnostic::error(format!("{a} and {b} both make the output file {rel}"))
                .hint("give one of them another `slug`, file name or path");
            let d = if a.contains('/') && !a.contains(' ') { d.at(Location::file(a)) } else { d };
            diags.push(d);
        }
    }
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
