//! What each rendered piece read, so that the next build of a running `serve` reuses every
//! piece whose inputs are unchanged and renders only the rest.
//!
//! A piece is a document's Markdown or one output file. Its entry holds a digest of what it
//! was given (its text; its template context) and every [`Read`] it made while rendering —
//! templates, documents, sections, `@/` paths, data tables, assets — with the digest each
//! had. The next build recomputes those digests in its own world; if all agree, the piece
//! is reused. Site-wide inputs (`site.yaml`, UI strings) are in every piece's inputs: when
//! they change, nothing is reused.
//!
//! Reads are recorded where they happen (template functions, shortcodes, hooks, link
//! resolution) into the trace of the piece being rendered on that thread, so no code path
//! has to pass a recorder along.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;
use std::sync::Arc;

use crate::ids::DocId;
use crate::ids::LangId;
use crate::markdown::Rendered;
use crate::site::{Doc, Site};

use super::digest::{self, Digest, KnownValues};
use super::{OutputFile, World};

/// A document named so that a later build finds it again (a `DocId` is a position, and
/// positions shift when pages come and go).
pub type DocRef = (String, LangId);

pub fn doc_ref(doc: &Doc) -> DocRef {
    (doc.key.clone(), doc.lang)
}

/// Something a piece looked up while it was rendered.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Read {
    /// A template, with everything it extends or includes (or its absence).
    Template(String),
    /// A document's value.
    Doc(DocRef),
    /// A section's value, with its pages and subsections.
    Section(DocRef),
    /// A section's value without pages.
    SectionMetadata(DocRef),
    /// What an `@/` path means in a language.
    Resolve(String, LangId),
    /// A data table or plain data, by name.
    Data(String),
    /// A static file's content hash, for `asset()`.
    Asset(String),
}

thread_local! {
    static TRACE: RefCell<Option<Vec<Read>>> = const { RefCell::new(None) };
}

/// Notes a read in the trace of the piece being rendered on this thread, if one is.
pub fn record(read: impl FnOnce() -> Read) {
    TRACE.with(|trace| {
        if let Some(reads) = trace.borrow_mut().as_mut() {
            reads.push(read());
        }
    });
}

/// Runs `f` and returns what it read. A trace inside another one also counts for the outer.
fn traced<T>(f: impl FnOnce() -> T) -> (T, Vec<Read>) {
    let outer = TRACE.with(|trace| trace.replace(Some(Vec::new())));
    let result = f();
    let mut reads = TRACE.with(|trace| trace.replace(outer)).unwrap_or_default();
    TRACE.with(|trace| {
        if let Some(outer) = trace.borrow_mut().as_mut() {
            outer.extend(reads.iter().cloned());
        }
    });
    reads.sort();
    reads.dedup();
    (result, reads)
}

/// The digests a world offers for reads; only made when results are remembered.
#[derive(Default)]
pub struct Digests {
    /// `site.yaml` and the UI strings: everything every piece depends on.
    pub site: Digest,
    /// Template name → digest of it and the templates it extends or includes.
    pub templates: Arc<BTreeMap<String, Digest>>,
    /// Data name → digest of its file.
    pub data: Arc<BTreeMap<String, Digest>>,
    /// By `DocId`.
    pub docs: Vec<Digest>,
    pub sections: Vec<Option<Digest>>,
    pub section_metadata: Vec<Option<Digest>>,
    /// The digests of the document and section values, to hash contexts that hold them.
    pub known: KnownValues,
}

impl World {
    /// The digest of a template with everything it extends or includes.
    pub(super) fn template_digest(&self, name: &str) -> Option<Digest> {
        self.digests.as_ref()?.templates.get(name).copied()
    }

    /// The digest of what `read` finds in this world; `None` when it finds nothing.
    fn current(&self, read: &Read) -> Option<Digest> {
        let digests = self.digests.as_ref()?;
        match read {
            Read::Template(name) => digests.templates.get(name).copied(),
            Read::Doc(doc) => self.site.index.get(doc).map(|id| digests.docs[*id]),
            Read::Section(doc) => self.site.index.get(doc).and_then(|id| digests.sections[*id]),
            Read::SectionMetadata(doc) => self.site.index.get(doc).and_then(|id| digests.section_metadata[*id]),
            Read::Resolve(path, lang) => Some(resolved_digest(self, path, *lang)),
            Read::Data(name) => digests.data.get(name).copied(),
            Read::Asset(path) => self.fingerprints.get(path).map(digest::of),
        }
    }
}

fn resolved_digest(world: &World, path: &str, lang: LangId) -> Digest {
    use crate::markdown::Resolved;
    match super::host::resolve(world, path, lang) {
        Resolved::Found { path, doc } => digest::of(("found", path, doc_ref(world.site.doc(doc)))),
        Resolved::Unpublished(why) => digest::of(("unpublished", why)),
        Resolved::Missing { hint } => digest::of(("missing", hint)),
        Resolved::Broken => digest::of("broken"),
    }
}

/// One remembered piece.
#[derive(Clone)]
pub struct Entry<T> {
    inputs: Digest,
    reads: Vec<(Read, Option<Digest>)>,
    value: T,
}

/// A document's rendered Markdown, with where its `@/` anchor links point.
pub struct MarkdownResult {
    pub rendered: Arc<Rendered>,
    pub warnings: Vec<crate::diag::Diagnostic>,
    /// The target of each of `rendered.links`.
    targets: Vec<DocRef>,
}

impl MarkdownResult {
    pub fn new(site: &Site, rendered: Rendered, warnings: Vec<crate::diag::Diagnostic>) -> MarkdownResult {
        let targets = rendered.links.iter().map(|link| doc_ref(site.doc(link.target))).collect();
        MarkdownResult { rendered: Arc::new(rendered), warnings, targets }
    }

    /// The rendering with its links pointing at the documents' places in `site`.
    pub fn relinked(&self, site: &Site) -> Arc<Rendered> {
        let places: Vec<Option<DocId>> = self.targets.iter().map(|target| site.index.get(target).copied()).collect();
        let moved = self.rendered.links.iter().zip(&places).any(|(link, place)| *place != Some(link.target));
        if !moved {
            return self.rendered.clone();
        }
        let mut rendered = (*self.rendered).clone();
        for (link, place) in rendered.links.iter_mut().zip(places) {
            // A target that is gone changed how the link resolves, so this entry would not
            // have been reused.
            link.target = place.unwrap_or(link.target);
        }
        Arc::new(rendered)
    }
}

/// How much of the last build was rendered, and how much reused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Reuse {
    pub documents_rendered: usize,
    pub documents: usize,
    pub files_rendered: usize,
    pub files: usize,
}

/// What one build remembers for the next.
#[derive(Default)]
pub struct Memo {
    markdown: Remembered<DocRef, Arc<MarkdownResult>>,
    files: Remembered<String, OutputFile>,
    /// What the last build rendered and reused.
    pub reuse: Reuse,
}

/// The pieces of one kind, and the site-wide inputs they were made with.
struct Remembered<K, T> {
    site: Option<Digest>,
    entries: HashMap<K, Entry<T>>,
}

impl<K, T> Default for Remembered<K, T> {
    fn default() -> Self {
        Remembered { site: None, entries: HashMap::new() }
    }
}

impl<K: Eq + Hash, T> Remembered<K, T> {
    fn recall<'a>(&'a self, world: &'a World) -> Recall<'a, K, T> {
        let usable = world.digests.as_ref().is_some_and(|d| Some(d.site) == self.site);
        Recall { previous: usable.then_some(&self.entries), world }
    }

    fn keep(&mut self, world: &World, entries: Vec<(K, Entry<T>)>) {
        self.site = world.digests.as_ref().map(|d| d.site);
        self.entries = entries.into_iter().collect();
    }
}

impl Memo {
    /// The previous build's Markdown results, to check against `world`.
    pub fn markdown<'a>(&'a self, world: &'a World) -> Recall<'a, DocRef, Arc<MarkdownResult>> {
        self.markdown.recall(world)
    }

    /// The previous build's files made with templates (by output path), to check against
    /// `world`.
    pub fn files<'a>(&'a self, world: &'a World) -> Recall<'a, String, OutputFile> {
        self.files.recall(world)
    }

    /// Keeps this build's Markdown results; `rendered` of `total` documents were rendered.
    pub fn keep_markdown(
        &mut self,
        world: &World,
        entries: Vec<(DocRef, Entry<Arc<MarkdownResult>>)>,
        rendered: usize,
        total: usize,
    ) {
        self.markdown.keep(world, entries);
        self.reuse.documents_rendered = rendered;
        self.reuse.documents = total;
    }

    /// Keeps this build's files made with templates; `rendered` of them were rendered.
    pub fn keep_files(&mut self, world: &World, entries: Vec<(String, Entry<OutputFile>)>, rendered: usize) {
        self.reuse.files_rendered = rendered;
        self.reuse.files = entries.len();
        self.files.keep(world, entries);
    }
}

/// A piece, from the last build or rendered now.
pub struct Got<T> {
    pub value: T,
    /// What to remember of it (nothing when results are not remembered).
    pub entry: Option<Entry<T>>,
    /// Whether it was rendered now rather than reused.
    pub rendered: bool,
}

/// The previous build's pieces of one kind and the world to check them against. Without
/// digests in the world (a plain `build`) nothing is recorded or reused.
pub struct Recall<'a, K, T> {
    previous: Option<&'a HashMap<K, Entry<T>>>,
    world: &'a World,
}

impl<'a, K: Eq + Hash, T: Clone> Recall<'a, K, T> {
    /// The piece at `key`: the previous one when it was given the same `inputs` and
    /// everything it read is unchanged, else what `render` makes. A failed render is not
    /// remembered.
    pub fn get_or_render<E>(
        &self,
        key: &K,
        inputs: impl FnOnce() -> Digest,
        render: impl FnOnce() -> Result<T, E>,
    ) -> Result<Got<T>, E> {
        if self.world.digests.is_none() {
            return render().map(|value| Got { value, entry: None, rendered: true });
        }
        let inputs = inputs();
        if let Some(entry) = self.previous.and_then(|p| p.get(key))
            && entry.inputs == inputs
            && entry.reads.iter().all(|(read, digest)| self.world.current(read) == *digest)
        {
            return Ok(Got { value: entry.value.clone(), entry: Some(entry.clone()), rendered: false });
        }
        let (result, reads) = traced(render);
        let value = result?;
        let reads = reads
            .into_iter()
            .map(|read| {
                let digest = self.world.current(&read);
                (read, digest)
            })
            .collect();
        Ok(Got { entry: Some(Entry { inputs, reads, value: value.clone() }), value, rendered: true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_go_to_the_piece_being_rendered_and_count_for_the_pieces_around_it() {
        record(|| Read::Data("outside".into()));
        let ((), outer) = traced(|| {
            record(|| Read::Data("b".into()));
            let ((), inner) = traced(|| record(|| Read::Asset("style.css".into())));
            assert_eq!(inner, [Read::Asset("style.css".into())]);
            record(|| Read::Data("a".into()));
            record(|| Read::Data("a".into()));
        });
        // Sorted, without repeats, with the inner piece's reads.
        assert_eq!(outer, [Read::Data("a".into()), Read::Data("b".into()), Read::Asset("style.css".into())]);
    }
}
