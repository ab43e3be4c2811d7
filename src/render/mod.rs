//! From the site model to output files.
//!
//! 1. Compile the templates Markdown needs ([`engine`]) and render every document's
//!    Markdown in parallel, with documents as they are before rendering ([`documents`]).
//! 2. Give each document its rendered value ([`views`]) and compile every template.
//! 3. Plan every output file ([`plan`]) and make the plan in parallel ([`pages`]). The
//!    order of the result does not depend on the number of threads.
//! 4. Refuse two outputs that claim one path ([`output`]).
//!
//! Inside this module, files depend on each other one way (ARCHITECTURE.md lists the
//! order): the hash digests are made with (`hash`), the template contract (`values`,
//! `views`) and the records of what was read (`digest`, `trace`) at the bottom; `world`,
//! what templates can look up, above them; `memo`, `templates`, `functions`, `filters`,
//! `host` and `engine` above that; `documents`, `plan` and `pages` at the top, and this
//! file over all.

pub mod builtin;
mod changed;
mod digest;
mod documents;
mod engine;
mod extras;
mod feeds;
mod filters;
mod functions;
mod hash;
mod host;
mod json_ld;
mod local_links;
pub mod memo;
mod minify;
pub mod output;
mod pages;
mod photos;
mod plan;
pub mod relative;
mod search;
mod templates;
mod trace;
mod values;
mod views;
mod world;

use std::collections::BTreeMap;
use std::sync::Arc;

use rayon::prelude::*;
use tera::Value;

use crate::data::DataSet;
use crate::diag::{Diagnostic, Diagnostics};
use crate::highlight::Highlighter;
use crate::i18n::I18n;
use crate::locale::Locales;
use crate::markdown::Rendered;
use crate::site::Site;
use crate::source::{Area, SourceTree};
use crate::timings::Timings;
use digest::Digest;
use engine::Phase;
use memo::{Got, Memo};
use output::{Output, Sink, Taken};
use pages::{ExtrasDigests, PageRenderer};
use templates::Templates;
use trace::{DocRef, doc_ref};
use world::{Parts, SiteDigests};

pub struct RenderInputs {
    /// Shared: `serve` keeps the model for the next build (`pipeline::KeptModel`).
    pub site: Arc<Site>,
    pub locales: Locales,
    pub i18n: I18n,
    pub data: DataSet,
}

/// Renders every output file. With a memo (in `serve`), a document or file whose inputs
/// are unchanged since the memo's build is reused, and the memo then holds this build.
/// Each rendered file goes to `sink` as soon as it is made. The content files' texts are
/// let go of once their Markdown is rendered.
pub fn render(
    inputs: RenderInputs,
    tree: &mut SourceTree,
    timings: &mut Timings,
    memo: Option<&mut Memo>,
    sink: &dyn Sink,
) -> Result<(Output, Diagnostics), Diagnostics> {
    let RenderInputs { site, locales, i18n, data } = inputs;
    let templates = Templates::collect(tree);
    let mut diags = Diagnostics::new();
    let unrenderable = plan::check_templates(&site, &templates, tree, &mut diags);
    let search = search::search_values(&site, &i18n, templates.has(search::SEARCH_TEMPLATE));
    let copies = output::copies(&site, tree);
    let photos = Arc::new(photos::Photos::new(&site, &copies, tree));
    let parts = Parts {
        digests: memo.is_some().then(|| SiteDigests::new(&site, &templates, tree)),
        site: site.clone(),
        locales: Arc::new(locales),
        i18n: Arc::new(i18n),
        data: Arc::new(data),
        highlighter: memo.as_ref().map_or_else(|| Arc::new(Highlighter::new()), |m| m.highlighter.clone()),
        fingerprints: Arc::new(fingerprints(tree)),
        search: Arc::new(search),
        photos: photos.clone(),
    };
    let mut no_memo = Memo::default();
    let memo = memo.unwrap_or(&mut no_memo);
    let failed = |diags: &mut Diagnostics, errors: Diagnostics| {
        diags.extend(errors);
        std::mem::take(diags)
    };

    // Markdown, with documents as they are before rendering.
    let covers = photos.covers(&site, tree, &mut diags);
    let mut before =
        documents::values_before(&site, tree, &parts.data, &covers, parts.digests.as_ref().map(|d| (&*memo, d)));
    drop(covers);
    let markdown_world = Arc::new(parts.world(before.values.clone(), &before.known()));
    // Values taken whole from the memo are left there as they are.
    if let Some(digests) = &markdown_world.digests
        && let Some(whole) = before.whole(&digests.docs)
    {
        drop_aside(memo.keep_values_before(before.to_keep(&site, &digests.docs), before.shared.take()));
        drop_aside(memo.keep_whole_before(whole));
    }
    let docs = before.values;
    let markdown_tera =
        engine::compile(&templates, markdown_world.clone(), Phase::Markdown).map_err(|e| failed(&mut diags, e))?;
    let texts = documents::texts(&site, tree);
    tree.release(Area::Content);
    let mut rendered =
        documents::render_all(&markdown_world, &markdown_tera, &templates, tree, texts, memo, &mut diags);
    timings.lap("markdown");

    // Pages, with everything rendered.
    let before: Option<Vec<Digest>> = markdown_world.digests.as_ref().map(|d| d.docs.clone());
    // Only now is the first phase's world done with. A build frees it here, before each
    // document's value is extended with its rendering, so that the value's map is extended
    // in place, not copied while the world still holds it; `serve` (which keeps digests)
    // does not wait for it.
    if before.is_some() {
        drop_aside((markdown_tera, markdown_world));
    } else {
        drop((markdown_tera, markdown_world));
    }
    let has_code = rendered.iter().any(|r| r.has_code);
    let search_sources = search::sources(&site, &mut rendered);
    let tocs = documents::tocs(&rendered);
    // A build makes the index now and writes it, so that its texts are gone before the
    // pages' values are made; `serve` defers it.
    let index_now = sink.publishes();
    let (index, deferred_index) = match index_now {
        true => (search::index_now(&site, search_sources, &parts.i18n), None),
        false => (Vec::new(), search::deferred_index(&site, search_sources, &parts.i18n)),
    };
    let index: Vec<Result<Handed, Diagnostic>> = index.into_par_iter().map(|file| Handed::of(sink, file)).collect();
    if index_now && site.config.search {
        timings.lap("search index");
    }
    let originals_only = site.docs.iter().filter(|d| !d.is_fallback());
    let external_links = originals_only.clone().flat_map(|d| rendered[d.id].external.iter().cloned()).collect();
    let local_links: Vec<_> = originals_only
        .filter(|d| !rendered[d.id].local.is_empty())
        .map(|d| (d.id, rendered[d.id].local.clone()))
        .collect();
    // In `serve`: each document's key, digest before rendering and rendering, to find the
    // last build's value made from the same two (which is this build's) and to keep this one.
    let keeping: Option<Vec<(DocRef, Digest, Arc<Rendered>)>> = before
        .map(|before| site.docs.iter().map(|doc| (doc_ref(doc), before[doc.id], rendered[doc.id].clone())).collect());
    let reused: Vec<Option<(Value, Digest)>> = match &keeping {
        Some(keeping) => keeping.iter().map(|(doc, before, r)| memo.rendered_value(doc, *before, r)).collect(),
        None => vec![None; site.docs.len()],
    };
    // Each rendering is let go of as soon as its HTML is in the document's value (unless the
    // memo keeps it for the next build), so the HTML of the whole site is not held twice.
    let (docs, known): (Vec<Value>, Vec<Option<Digest>>) = docs
        .into_par_iter()
        .zip(rendered.into_par_iter())
        .zip(reused.into_par_iter())
        .map(|((value, r), reused)| match reused {
            Some((value, digest)) => (value, Some(digest)),
            None => (views::with_rendered(value, &r), None),
        })
        .unzip();
    let world = Arc::new(parts.world(docs, &known));
    if let (Some(keeping), Some(digests)) = (keeping, &world.digests) {
        // A value reused is the memo's already, as it is.
        let made = keeping.into_iter().enumerate().filter(|(id, _)| known[*id].is_none()).map(
            |(id, (doc, before, rendered))| {
                (doc, memo::RenderedValue::new(before, rendered, world.docs[id].clone(), digests.docs[id]))
            },
        );
        drop_aside(memo.keep_values(&site, made.collect()));
    }
    let tera = engine::compile(&templates, world.clone(), Phase::Pages).map_err(|e| failed(&mut diags, e))?;
    let renderer = PageRenderer {
        world: &world,
        tera: &tera,
        templates: &templates,
        tree: &*tree,
        recall: memo.files(&world),
        minifier: minify::Minifier::default(),
        extras: ExtrasDigests::new(&site, world.digests.is_some(), memo.extras_digests(&site)),
        tocs: &tocs,
    };
    timings.lap("document values");
    let plan = plan::plan(&site, &templates, has_code, &unrenderable);
    let originals = photos.originals(&copies);
    // Each file is looked through for photo originals it names, and handed to the sink.
    let results: Vec<Result<Handed, Diagnostic>> = plan
        .par_iter()
        .map(|job| {
            let mut got = Diagnostic::catch(|| format!("making {}", job.describe(&site)), || renderer.render(job))?;
            let warnings = std::mem::take(&mut got.value.warnings);
            originals.scan(&got.value.bytes);
            let remembered = got.remembered();
            let Got { value, entry, rendered } = got;
            Ok(Handed { taken: sink.take(value)?, entry, remembered, page: job.is_page(), rendered, warnings })
        })
        .collect();
    // Room for the files the sink kept and for those it wrote, each made once: a build
    // keeps none, `serve` writes none, and at 50,000 pages per language a list of every
    // file, empty or grown, is tens of megabytes at the build's peak.
    let kept = results.iter().filter(|result| matches!(result, Ok(Handed { taken: Taken::Kept(_), .. }))).count();
    let mut files = Vec::with_capacity(kept);
    let mut written = Vec::with_capacity(results.len() + index.len() - kept);
    let mut made = Vec::new();
    let (mut pages, mut pages_rendered) = (0, 0);
    let mut failures = Vec::new();
    for result in results.into_iter().chain(index) {
        match result {
            Ok(Handed { taken, entry, remembered, page, rendered, warnings }) => {
                diags.extend(warnings);
                match taken {
                    Taken::Kept(file) => {
                        if remembered {
                            pages += usize::from(page);
                            pages_rendered += usize::from(page && rendered);
                        }
                        if let Some(entry) = entry {
                            made.push((file.rel.clone(), entry));
                        }
                        files.push(file);
                    }
                    Taken::Written(file) => written.push(file),
                }
            }
            Err(d) => failures.push(d),
        }
    }
    let extras = renderer.extras.into_digests();
    memo.keep_files(&world, made, pages_rendered, pages);
    if world.digests.is_some() {
        memo.keep_extras_digests(&site, extras);
    }
    diags.extend(merge_repeated(failures));
    timings.lap("templates");
    let written = output::sorted_by_path(written, |f| &f.rel);
    let files = output::sorted_by_path_as(files, |f| &f.rel, &mut memo.file_order);
    output::check_collisions(&files, &written, &copies, &mut diags);
    let published = files.iter().map(|f| f.rel.as_str()).chain(written.iter().map(|f| f.rel.as_str()));
    let published = published.chain(copies.iter().map(|c| c.rel.as_str())).collect();
    local_links::check(&site, &photos, &local_links, &published, &mut diags);
    drop(published);
    let mut copies = copies;
    photos.drop_unasked_originals(originals, &mut copies);
    let deferred = deferred_index.into_iter().chain(photos.deferred()).collect();
    drop_aside((tera, world));
    Ok((Output { files, written, copies, external_links, deferred }, diags))
}

/// A file of the plan, made and handed to the sink.
struct Handed {
    taken: Taken,
    /// What the memo keeps of it, as [`Got`] says.
    entry: Option<memo::Entry<output::OutputFile>>,
    /// Whether the memo keeps it (made now or reused).
    remembered: bool,
    /// Whether it is a page (made with a template), as the memo counts them.
    page: bool,
    rendered: bool,
    warnings: Vec<Diagnostic>,
}

impl Handed {
    /// A file made outside the plan (the search index), handed to the sink.
    fn of(sink: &dyn Sink, file: output::OutputFile) -> Result<Handed, Diagnostic> {
        let taken = sink.take(file)?;
        Ok(Handed { taken, entry: None, remembered: false, page: false, rendered: true, warnings: Vec::new() })
    }
}

/// Frees `value` on another thread: taking apart the values of a whole site takes tens of
/// milliseconds that a `serve` rebuild need not wait for. Where no thread can be started,
/// it is freed here.
fn drop_aside<T: Send + 'static>(value: T) {
    let _ = std::thread::Builder::new().name("drop".into()).spawn(move || drop(value));
}

fn fingerprints(tree: &SourceTree) -> BTreeMap<String, String> {
    tree.area(Area::Static).filter_map(|(_, f)| f.fingerprint.clone().map(|h| (f.rel.clone(), h))).collect()
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
            (n, Some(hint)) => {
                d.hint(format!("{hint}, and {}", crate::diag::count(n - 1, "other page", "other pages")))
            }
            (n, None) => d.hint(format!("while rendering {n} pages")),
        })
        .collect()
}
