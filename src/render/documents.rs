//! The first phase: every document's value before rendering and its Markdown, rendered in
//! parallel (or reused from the last `serve` build), and the anchors that
//! `@/page.md#anchor` links name, checked once every document is rendered.

use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use tera::{Tera, Value};

use super::digest::{self, Digest};
use super::host::DocHost;
use super::memo::{BeforeInputs, Got, MarkdownResult, Memo, ValueBefore, WholeBefore};
use super::photos::Cover;
use super::templates::Templates;
use super::trace::{DocRef, doc_ref};
use super::views::{self, SharedValues};
use super::world::{SiteDigests, World};
use crate::data::DataSet;
use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::markdown::{self, DocInput, Rendered, Toc};
use crate::site::{Body, Doc, Site};
use crate::source::SourceTree;

/// The digest of a document's view, and of its value when the last build's is reused.
type ViewDigests = (Digest, Option<Digest>);

/// Every document's value before its Markdown is rendered, by `DocId`.
pub struct ValuesBefore {
    pub values: Vec<Value>,
    /// Each document's [`ViewDigests`], in `serve`.
    digests: Option<Vec<ViewDigests>>,
    /// The values documents share, for the memo to keep (in `serve`).
    pub shared: Option<SharedValues>,
    /// What the values were made of (in `serve`); `None` when they are the last build's,
    /// whole, which the memo still holds.
    inputs: Option<BeforeInputs>,
}

impl ValuesBefore {
    /// The values' digests known without hashing them, by `DocId`.
    pub fn known(&self) -> Vec<Option<Digest>> {
        self.digests.iter().flatten().map(|(_, known)| *known).collect()
    }

    /// Each value with its view's and its own digest (`digests`, by `DocId`), for the memo
    /// to keep.
    pub fn to_keep(&self, site: &Site, digests: &[Digest]) -> FxHashMap<DocRef, ValueBefore> {
        let views = self.digests.iter().flatten().map(|(view, _)| *view);
        let kept = site.docs.iter().zip(views).zip(&self.values).zip(digests);
        kept.map(|(((doc, view), value), digest)| (doc_ref(doc), ValueBefore::new(view, value.clone(), *digest)))
            .collect()
    }

    /// The values whole, with their digests (`digests`, by `DocId`) and what they were made
    /// of, for the memo to keep: `None` when they are the last build's.
    pub fn whole(&mut self, digests: &[Digest]) -> Option<WholeBefore> {
        let inputs = self.inputs.take()?;
        let views = self.digests.iter().flatten().map(|(view, _)| *view);
        let digests = views.zip(digests.iter().copied()).collect();
        Some(WholeBefore { inputs, values: self.values.clone(), digests })
    }
}

/// Every document's value before its Markdown is rendered (`covers` are the documents'
/// link-preview images, by `DocId`). With a memo (in `serve`, with the site's digests)
/// each document's view is hashed as the struct it is, and one that hashes as it did in
/// the last build gets that build's value back, with its digest, instead of a new map;
/// when everything the views are made of is as it was, no view is made: the last build's
/// values are taken whole.
pub fn values_before(
    site: &Arc<Site>,
    tree: &SourceTree,
    data: &DataSet,
    covers: &[Option<Arc<Cover>>],
    memo: Option<(&Memo, &SiteDigests)>,
) -> ValuesBefore {
    let inputs = memo.map(|(_, digests)| {
        let sources: Vec<Option<&str>> =
            site.docs.iter().map(|doc| doc.source.map(|s| tree.file(s).display.as_str())).collect();
        BeforeInputs::new(site, digests.data().clone(), digest::of(sources), covers)
    });
    let memo = memo.map(|(memo, _)| memo);
    if let Some(whole) = memo.zip(inputs.as_ref()).and_then(|(memo, inputs)| memo.whole_before(inputs)) {
        let digests = whole.digests.iter().map(|(view, value)| (*view, Some(*value))).collect();
        return ValuesBefore { values: whole.values.clone(), digests: Some(digests), shared: None, inputs: None };
    }
    let shared = SharedValues::new(site, memo.and_then(Memo::shared_values));
    let made: Vec<(Value, Option<ViewDigests>)> = site
        .docs
        .par_iter()
        .map(|doc| {
            let view = views::doc_view(site, tree, data, &shared, doc, covers[doc.id].as_deref());
            let Some(memo) = memo else { return (Value::from(view), None) };
            let digest = digest::of(&view);
            match memo.value_before(&doc_ref(doc), digest) {
                Some((value, known)) => (value, Some((digest, Some(known)))),
                None => (Value::from(view), Some((digest, None))),
            }
        })
        .collect();
    let (values, digests): (Vec<Value>, Vec<_>) = made.into_iter().unzip();
    let digests = memo.map(|_| digests.into_iter().flatten().collect());
    ValuesBefore { values, digests, shared: memo.map(|_| shared), inputs }
}

/// Each document's rendering, by `DocId`, with every document's warnings and errors.
/// `texts` holds each document's file's text (see [`texts`]); each is let go of as soon as
/// its document is rendered.
pub fn render_all(
    world: &World,
    tera: &Tera,
    templates: &Templates,
    tree: &SourceTree,
    texts: Vec<Option<Arc<str>>>,
    memo: &mut Memo,
    diags: &mut Diagnostics,
) -> Vec<Arc<Rendered>> {
    let site = &world.site;
    let recall = memo.markdown(world);
    let results: Vec<_> = site
        .docs
        .par_iter()
        .zip(texts)
        .map(|(doc, text)| {
            let key = doc_ref(doc);
            let file = doc.source.map(|s| (tree.file(s).display.as_str(), text.as_deref().unwrap_or_default()));
            let rendered = recall.get_or_render(
                &key,
                || inputs(doc, file),
                |trace| {
                    let host = DocHost { world, tera, templates, trace };
                    let what = || format!("rendering the Markdown of {}", site.path_of(&doc.rel));
                    let (rendered, warnings) = match Diagnostic::catch(what, || Ok(render_one(doc, file, &host))) {
                        Ok(result) => result,
                        Err(d) => (Rendered::default(), vec![d]),
                    };
                    let failed = warnings.iter().any(Diagnostic::is_error);
                    let result = Arc::new(MarkdownResult::new(site, rendered, warnings));
                    if failed { Err(result) } else { Ok(result) }
                },
            );
            (key, rendered.unwrap_or_else(|failed| Got { value: failed, entry: None, rendered: true }))
        })
        .collect();
    let mut rendered = Vec::with_capacity(results.len());
    let mut made = Vec::new();
    let mut documents_rendered = 0;
    for ((key, got), doc) in results.into_iter().zip(&site.docs) {
        if !got.rendered {
            // Kept from the last build: its photos' versions are wanted all the same.
            for src in &got.value.rendered.photos {
                world.photos.lookup(site, doc, src);
            }
        }
        diags.extend(got.value.warnings.iter().cloned());
        rendered.push(got.value.relinked(site));
        documents_rendered += usize::from(got.rendered);
        made.extend(got.entry.map(|entry| (key, entry)));
    }
    memo.keep_markdown(world, made, documents_rendered, site.docs.len());
    check_anchors(site, &rendered, diags);
    rendered
}

/// Each document's headings, by `DocId`, for its page's `toc`: shared with its rendering,
/// which may be let go of (in `build`) or kept by the memo (in `serve`).
pub fn tocs(rendered: &[Arc<Rendered>]) -> Vec<Toc> {
    rendered.iter().map(|r| r.toc.clone()).collect()
}

/// Each document's file's text, by `DocId` (a fallback shares its original's), taken so
/// that the tree can let go of them: then each text lives only until the last document
/// made from it is rendered, not beside the whole site's HTML.
pub fn texts(site: &Site, tree: &SourceTree) -> Vec<Option<Arc<str>>> {
    site.docs.iter().map(|doc| doc.source.and_then(|s| tree.file(s).shared_text().cloned())).collect()
}

/// What a document's Markdown is made from besides what it reads: its whole file, as
/// (shown path, text) — the front matter's length moves the lines of everything after
/// it — and its language.
fn inputs(doc: &Doc, file: Option<(&str, &str)>) -> Digest {
    // The text is hashed where it is, not gathered into the digest's buffer first.
    let file = file.map(|(display, text)| (display, super::hash::of_bytes(text.as_bytes())));
    digest::of((file, doc.lang, matches!(doc.body, Body::Empty)))
}

fn render_one(doc: &Doc, file: Option<(&str, &str)>, host: &DocHost) -> (Rendered, Vec<Diagnostic>) {
    match (&doc.body, file) {
        (Body::File { start }, Some((display, text))) => {
            let input = DocInput { doc: doc.id, lang: doc.lang, file: display, text, body: *start..text.len() };
            markdown::render(&input, host)
        }
        _ => (Rendered::default(), Vec::new()),
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
            let hint = suggest(&link.anchor, anchors.iter());
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
