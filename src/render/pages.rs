//! Making each file of the plan: with a template (pages, taxonomy pages, 404s, the
//! language chooser), remembered for the next `serve` build; or without: the sitemap, the
//! highlight stylesheet and the Atom feeds, remembered by a digest of their inputs, and
//! redirects, robots.txt and `_redirects`, made every time. HTML gets its links made
//! relative and is minified here, while the page is fresh in the cache.

use std::sync::{Arc, OnceLock};

use tera::{Tera, Value};

use super::digest::{self, Digest, DigestedContext};
use super::memo::{Got, Recall};
use super::output::{Origin, OutputFile};
use super::plan::{Job, paged_listings, template_for};
use super::search::SEARCH_TEMPLATE;
use super::templates::Templates;
use super::trace::{TRACE_KEY, TraceId};
use super::views::{Pager, paginator};
use super::world::World;
use super::{builtin, extras, feeds, hash, minify, relative};
use crate::diag::Diagnostic;
use crate::highlight;
use crate::ids::LangId;
use crate::markdown::Toc;
use crate::site::{Doc, Site};
use crate::source::SourceTree;

pub struct PageRenderer<'a> {
    pub world: &'a World,
    pub tera: &'a Tera,
    pub templates: &'a Templates,
    pub tree: &'a SourceTree,
    pub recall: Recall<'a, String, OutputFile>,
    pub minifier: minify::Minifier,
    pub extras: ExtrasDigests<'a>,
    /// Each document's headings, by `DocId`, for its page's `toc`.
    pub tocs: &'a [Toc],
}

/// Each document's page extras' digest (in `serve`): the last build's when it was made of
/// the same site model (see [`Memo::extras_digests`](super::memo::Memo::extras_digests)),
/// else made as the document's first page is.
pub struct ExtrasDigests<'a> {
    last: Option<&'a [Option<Digest>]>,
    made: Vec<OnceLock<Digest>>,
}

impl<'a> ExtrasDigests<'a> {
    /// For a build with digests (`serve`) of `site`'s documents, with the last build's.
    pub fn new(site: &Site, with_digests: bool, last: Option<&'a [Option<Digest>]>) -> Self {
        let made = if with_digests { (0..site.docs.len()).map(|_| OnceLock::new()).collect() } else { Vec::new() };
        ExtrasDigests { last, made }
    }

    /// The digest of `doc`'s extras, if this build keeps digests.
    fn of(&self, site: &Site, doc: &Doc) -> Option<Digest> {
        let made = self.made.get(doc.id)?;
        let last = self.last.and_then(|last| last.get(doc.id).copied().flatten());
        Some(*made.get_or_init(|| last.unwrap_or_else(|| digest::of(extras::page_extras(site, doc)))))
    }

    /// The digests made or taken in this build, by `DocId`, for the next.
    pub fn into_digests(self) -> Vec<Option<Digest>> {
        self.made.into_iter().map(OnceLock::into_inner).collect()
    }
}

impl PageRenderer<'_> {
    fn site(&self) -> &Site {
        &self.world.site
    }

    /// One output file. Those made with templates, the sitemap, the highlight stylesheet and
    /// the feeds are remembered for the next build; the rest are cheap, and made every time.
    pub fn render(&self, job: &Job) -> Result<Got<OutputFile>, Diagnostic> {
        match job {
            Job::Doc { doc, pager } => self.doc(self.site().doc(*doc), *pager),
            Job::TaxonomyList(i) => self.taxonomy_list(*i),
            Job::Term { taxonomy, term, pager } => self.term(*taxonomy, *term, *pager),
            Job::NotFound(lang) if self.templates.has("404.html") => self.not_found(*lang),
            Job::Search(lang) => self.search_page(*lang),
            Job::LanguageChooser if self.templates.has("language_chooser.html") => self.language_chooser(),
            Job::Sitemap { taxonomy_pages, part } => {
                let site = self.site();
                let (rel, file) = feeds::SitemapFile::of(site, *taxonomy_pages, *part);
                self.remembered(
                    rel.clone(),
                    || file.inputs(site, *taxonomy_pages),
                    || Ok(self.file(rel, file.text(site, *taxonomy_pages), Origin::Sitemap)),
                )
            }
            Job::Feed(lang) => {
                let site = self.site();
                let rel = format!("{}atom.xml", site.lang_rel(*lang));
                let digests = self.world.digests.as_ref().map_or(&[][..], |d| &d.docs[..]);
                self.remembered(
                    rel.clone(),
                    || feeds::atom_inputs(site, *lang, digests),
                    || Ok(self.file(rel, feeds::atom(site, *lang, &self.world.docs), Origin::Feed)),
                )
            }
            Job::HighlightCss => {
                let theme = &self.site().config.highlight.theme;
                let rel = highlight::STYLESHEET_PATH;
                self.remembered(
                    rel.into(),
                    || digest::of(theme),
                    || {
                        let css = highlight::stylesheet(theme).map_err(Diagnostic::error)?;
                        Ok(self.file(rel.into(), css, Origin::HighlightStylesheet))
                    },
                )
            }
            _ => self.plain(job).map(|value| Got { value, entry: None, rendered: true }),
        }
    }

    /// A file made without templates by `make`, reused from the last build when `inputs` (a
    /// digest of all it is made of besides the site's configuration) is unchanged: for files
    /// that take longer to make than their inputs take to hash.
    fn remembered(
        &self,
        rel: String,
        inputs: impl FnOnce() -> Digest,
        make: impl FnOnce() -> Result<OutputFile, Diagnostic>,
    ) -> Result<Got<OutputFile>, Diagnostic> {
        self.recall.get_or_render(&rel, inputs, |_| make())
    }

    /// An output file made without templates.
    fn plain(&self, job: &Job) -> Result<OutputFile, Diagnostic> {
        let site = self.site();
        match job {
            Job::Doc { .. }
            | Job::TaxonomyList(_)
            | Job::Term { .. }
            | Job::Search(_)
            | Job::Sitemap { .. }
            | Job::Feed(_)
            | Job::HighlightCss => unreachable!("made with templates, or remembered"),
            Job::FirstPagerRedirect(rel) => {
                let page = builtin::redirect_page(&site.url_of(rel));
                Ok(self.file(format!("{rel}page/1/index.html"), page, Origin::Listing { path: format!("/{rel}") }))
            }
            Job::NotFound(lang) => {
                let rel = format!("{}404.html", site.lang_rel(*lang));
                Ok(self.file(rel, builtin::not_found_page(site, *lang), Origin::NotFoundPage))
            }
            Job::Alias(i) => {
                let alias = &site.aliases[*i];
                let target = site.doc(alias.target);
                let page = builtin::redirect_page(&site.url_of(&target.rel));
                let origin = Origin::Alias { written_in: Box::new(self.origin(target)) };
                Ok(self.file(alias.output_file(), page, origin))
            }
            Job::Robots => Ok(self.file("robots.txt".into(), builtin::robots_txt(site), Origin::Robots)),
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
                Ok(self.file("_redirects".into(), builtin::redirects_file(&lines), Origin::Redirects))
            }
            Job::LanguageChooser => {
                Ok(self.file("index.html".into(), builtin::language_chooser(site), Origin::LanguageChooser))
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
        origin: Origin,
        error: impl FnOnce(&tera::Error) -> Diagnostic,
    ) -> Result<Got<OutputFile>, Diagnostic> {
        let context_digest = context.digest();
        let inputs = || digest::of((template, self.world.template_digest(template), context_digest));
        self.recall.get_or_render(&rel, inputs, |trace: Option<TraceId>| {
            // The trace goes in after the digest: it names this rendering, not its inputs.
            let mut context = {
                let lang = context.lang;
                context.into_context(self.world.base_context(lang))
            };
            if let Some(trace) = trace {
                context.insert_value(TRACE_KEY, trace.value());
            }
            let html = self.tera.render(template, &context).map_err(|e| error(&e))?;
            Ok(self.page_file(rel.clone(), html, origin))
        })
    }

    fn language_chooser(&self) -> Result<Got<OutputFile>, Diagnostic> {
        let site = self.site();
        let mut context = self.context(0, "");
        context.insert("chooser_script", Value::safe_string(&builtin::chooser_script(site)));
        let error = |e: &tera::Error| self.templates.diagnostic(e);
        self.templated("index.html".into(), "language_chooser.html", context, Origin::LanguageChooser, error)
    }

    /// An output file: HTML gets its links made relative and is minified when the site asks
    /// for it.
    fn file(&self, rel: String, text: String, origin: Origin) -> OutputFile {
        let site = self.site();
        let text = if site.config.relative_urls && rel.ends_with(".html") && !self.is_not_found_page(&rel) {
            relative::relative_links(&text, &rel, &site.path_of(""))
        } else {
            text
        };
        let mut warnings = Vec::new();
        let minified = (site.config.minify && rel.ends_with(".html")).then(|| self.minifier.minify(text.as_bytes()));
        let bytes = match minified {
            Some(Some(bytes)) => bytes,
            Some(None) => {
                let d = Diagnostic::warning(format!(
                    "{rel} nests elements more than {} deep, so it is written unminified",
                    minify::MAX_DEPTH
                ))
                .hint("nesting this deep is a mistake in raw HTML, or in Markdown's `>` or list markers");
                warnings.push(match origin.file() {
                    Some(file) => d.at(crate::diag::Location::file(file)),
                    None => d,
                });
                text.into_bytes()
            }
            None => text.into_bytes(),
        };
        OutputFile { rel, bytes: Arc::from(bytes), origin, warnings, rendered_text: None }
    }

    /// [`Self::file`] for a page a template rendered. In `serve`, a page rendered again
    /// because something it was given changed often comes out as the same text (a listing
    /// shows no more of an edited page than its title): then the last build's bytes are
    /// taken, as minifying the page again would cost more than rendering it did.
    fn page_file(&self, rel: String, text: String, origin: Origin) -> OutputFile {
        if self.world.digests.is_none() {
            return self.file(rel, text, origin);
        }
        let rendered_text = Some(hash::of_bytes(text.as_bytes()));
        match self.recall.last(&rel) {
            // A warning names the file the page was made from, which may have moved.
            Some(last) if last.rendered_text == rendered_text && last.warnings.is_empty() => {
                OutputFile { rel, bytes: last.bytes.clone(), origin, warnings: Vec::new(), rendered_text }
            }
            _ => OutputFile { rendered_text, ..self.file(rel, text, origin) },
        }
    }

    /// A static host serves a 404 page at whatever URL was missed, so its links must not
    /// depend on where it lives.
    fn is_not_found_page(&self, rel: &str) -> bool {
        let site = self.site();
        (0..site.config.languages.len()).any(|lang| rel.strip_prefix(site.lang_rel(lang).as_str()) == Some("404.html"))
    }

    fn origin(&self, doc: &Doc) -> Origin {
        match doc.source {
            Some(s) => Origin::File(self.tree.file(s).display.clone()),
            None => Origin::Home { lang: self.site().config.languages[doc.lang].key.clone() },
        }
    }

    /// The base context plus where this output is: `current_url`, `current_path`, and
    /// `canonical` (this URL; a document's canonical may say otherwise).
    fn context(&self, lang: LangId, rel: &str) -> DigestedContext<'_> {
        let site = self.site();
        let known = self.world.digests.as_ref().map(|d| &d.known);
        let mut context = DigestedContext::new(known, lang);
        // All three are made of `rel` (and the site-wide base URL): hashed as `rel`, made
        // only if the page is rendered.
        let place = rel.to_string();
        context.insert_keys_made(&["current_url", "current_path", "canonical"], rel, move || {
            let url = Value::from(site.url_of(&place));
            vec![("current_url", url.clone()), ("current_path", Value::from(site.path_of(&place))), ("canonical", url)]
        });
        context
    }

    /// `paginator`, hashed as the digests of the documents it lists (and where it is in its
    /// listing) and made only if the page is rendered.
    fn insert_paginator<'a>(&'a self, context: &mut DigestedContext<'a>, pager: Pager<'a>) {
        let listed = self.world.digests.as_ref().map(|d| pager.listed().iter().map(|id| d.docs[*id]).collect());
        let (site, docs) = (self.site(), &self.world.docs);
        context.insert_made("paginator", pager.inputs(listed.unwrap_or_default()), move || {
            Value::from(paginator(site, docs, &pager))
        });
    }

    fn doc(&self, doc: &Doc, pager: usize) -> Result<Got<OutputFile>, Diagnostic> {
        let site = self.site();
        let docs = &self.world.docs;
        let rel = if pager > 1 { format!("{}page/{pager}/", doc.rel) } else { doc.rel.clone() };
        let mut context = self.context(doc.lang, &rel);
        let toc = &self.tocs[doc.id];
        let extras = self.extras.of(site, doc).map(|digest| hash::of((digest, toc)));
        let make_extras = || extras::with_toc(extras::page_extras(site, doc), toc);
        match doc.section() {
            Some(info) => {
                let section = self.world.sections[doc.id].as_ref().unwrap_or(&docs[doc.id]);
                context.insert_with("section", section, extras, make_extras);
                let pager = Pager { ids: &info.pages, per_page: info.paginate, number: pager, rel: &doc.rel };
                self.insert_paginator(&mut context, pager);
            }
            None => context.insert_with("page", &docs[doc.id], extras, make_extras),
        }
        if pager == 1 && doc.is_fallback() {
            let canonical = docs[doc.id].get_from_path("canonical").cloned().unwrap_or(Value::none());
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
            // Not `did you mean `title`?;`.
            Some(h) if h.ends_with('?') => format!("{h} — {while_rendering}"),
            Some(h) => format!("{h}; {while_rendering}"),
            None => while_rendering,
        };
        d.hint(hint)
    }

    fn taxonomy_list(&self, index: usize) -> Result<Got<OutputFile>, Diagnostic> {
        let site = self.site();
        let taxonomy = &site.taxonomies[index];
        let mut context = self.context(taxonomy.lang, &taxonomy.rel);
        context.insert("taxonomy", self.world.taxonomies[index].clone());
        context.insert("terms", Value::from(self.world.terms[index].clone()));
        let error = |e: &tera::Error| self.templates.diagnostic(e).hint(format!("while rendering /{}", taxonomy.rel));
        let origin = Origin::Taxonomy { name: taxonomy.name.clone() };
        self.templated(format!("{}index.html", taxonomy.rel), "taxonomy_list.html", context, origin, error)
    }

    fn term(&self, index: usize, term_index: usize, pager: usize) -> Result<Got<OutputFile>, Diagnostic> {
        let site = self.site();
        let taxonomy = &site.taxonomies[index];
        let term = &taxonomy.terms[term_index];
        let rel = if pager > 1 { format!("{}page/{pager}/", term.rel) } else { term.rel.clone() };
        let mut context = self.context(taxonomy.lang, &rel);
        context.insert("taxonomy", self.world.taxonomies[index].clone());
        context.insert("term", self.world.terms[index][term_index].clone());
        let pager = Pager { ids: &term.pages, per_page: site.config.paginate, number: pager, rel: &term.rel };
        self.insert_paginator(&mut context, pager);
        let error = |e: &tera::Error| self.templates.diagnostic(e).hint(format!("while rendering /{rel}"));
        let origin = Origin::Term { taxonomy: taxonomy.name.clone(), term: term.name.clone() };
        self.templated(format!("{rel}index.html"), "taxonomy_single.html", context, origin, error)
    }

    fn not_found(&self, lang: LangId) -> Result<Got<OutputFile>, Diagnostic> {
        let rel = format!("{}404.html", self.site().lang_rel(lang));
        let context = self.context(lang, &rel);
        let error = |e: &tera::Error| self.templates.diagnostic(e);
        self.templated(rel, "404.html", context, Origin::NotFoundPage, error)
    }

    fn search_page(&self, lang: LangId) -> Result<Got<OutputFile>, Diagnostic> {
        let rel = crate::search::page_rel(self.site(), &self.world.i18n, lang);
        let context = self.context(lang, &rel);
        let error = |e: &tera::Error| self.templates.diagnostic(e);
        self.templated(format!("{rel}index.html"), SEARCH_TEMPLATE, context, Origin::SearchPage, error)
    }
}
