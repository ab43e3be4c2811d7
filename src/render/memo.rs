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
//! What a piece read is recorded by its trace ([`super::trace`]).

use std::collections::BTreeMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use rustc_hash::FxHashMap;
use tera::Value;

use super::changed::{LastWorld, MadeOf, ReadSet};
use super::digest::{self, Digest};
use super::output::OutputFile;
use super::photos::Cover;
use super::trace::{DocRef, Read, TraceId, doc_ref};
use super::views::SharedValues;
use super::world::World;
use crate::highlight::Highlighter;
use crate::ids::{DocId, LangId};
use crate::markdown::Rendered;
use crate::site::Site;

/// The digest of what `read` finds in `world`; `None` when it finds nothing.
fn current(world: &World, read: &Read) -> Option<Digest> {
    let digests = world.digests.as_ref()?;
    let site = &world.site;
    match read {
        Read::Template(name) => digests.templates.get(name).copied(),
        Read::Doc(doc) => site.index.get(doc).map(|id| digests.docs[*id]),
        Read::Section(doc) => site.index.get(doc).and_then(|id| digests.sections[*id]),
        Read::SectionMetadata(doc) => site.index.get(doc).and_then(|id| digests.section_metadata[*id]),
        Read::Resolve(path, lang) => Some(resolved_digest(world, path, *lang)),
        Read::Data(name) => digests.data.get(name).copied(),
        Read::Asset(path) => world.fingerprints.get(path).map(digest::of),
        Read::Image(rel) => world.photos.digest(rel).map(digest::of),
        Read::Local(doc, href) => {
            site.index.get(doc).map(|id| digest::of(world.photos.local(site, site.doc(*id), href)))
        }
    }
}

fn resolved_digest(world: &World, path: &str, lang: LangId) -> Digest {
    use crate::markdown::Resolved;
    match world.resolved(path, lang) {
        Resolved::Found { path, doc } => {
            let doc = world.site.doc(doc);
            // Hashed as its `DocRef` would be, without making one.
            digest::of(("found", path, (&doc.key, doc.lang)))
        }
        Resolved::Unpublished(why) => digest::of(("unpublished", why)),
        Resolved::Missing { hint } => digest::of(("missing", hint)),
        Resolved::Broken => digest::of("broken"),
    }
}

/// One remembered piece.
pub struct Entry<T> {
    inputs: Digest,
    reads: Vec<(Read, Option<Digest>)>,
    /// `reads`, as a set to rule out quickly.
    read_set: ReadSet,
    value: T,
    /// The last build that made or reused it (see [`Remembered::keep`]).
    used_in: AtomicU64,
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
    /// Files made with templates.
    pub pages_rendered: usize,
    pub pages: usize,
}

/// A document's value with its rendered Markdown, and what it was made from.
pub struct RenderedValue {
    /// The digest of the value before rendering.
    before: Digest,
    rendered: Arc<Rendered>,
    value: Value,
    digest: Digest,
}

impl RenderedValue {
    pub fn new(before: Digest, rendered: Arc<Rendered>, value: Value, digest: Digest) -> RenderedValue {
        RenderedValue { before, rendered, value, digest }
    }
}

/// A document's value before its Markdown is rendered, with the digest of the view it was
/// made from and its own digest.
pub struct ValueBefore {
    view: Digest,
    value: Value,
    digest: Digest,
}

impl ValueBefore {
    pub fn new(view: Digest, value: Value, digest: Digest) -> ValueBefore {
        ValueBefore { view, value, digest }
    }
}

/// What every document's value before rendering is made of (see [`super::views::doc_view`]):
/// the site model, the data files, the paths of the documents' files, and their
/// link-preview images.
#[derive(PartialEq)]
pub struct BeforeInputs {
    site: MadeOf,
    data: Arc<BTreeMap<String, Digest>>,
    sources: Digest,
    covers: Vec<Option<Arc<Cover>>>,
}

impl BeforeInputs {
    pub fn new(
        site: &Arc<Site>,
        data: Arc<BTreeMap<String, Digest>>,
        sources: Digest,
        covers: &[Option<Arc<Cover>>],
    ) -> Self {
        BeforeInputs { site: MadeOf::new(site), data, sources, covers: covers.to_vec() }
    }
}

/// Every document's value before rendering, by `DocId`, with the digests of its view and
/// of itself, and what they were made of.
pub struct WholeBefore {
    pub inputs: BeforeInputs,
    pub values: Vec<Value>,
    pub digests: Vec<(Digest, Digest)>,
}

/// What one build remembers for the next.
#[derive(Default)]
pub struct Memo {
    /// Each document's value before rendering. A value is a function of its view alone, so
    /// it needs no record of reads.
    before: FxHashMap<DocRef, ValueBefore>,
    /// The same values whole, given back whole to a build made of the same inputs (in
    /// `serve`, after edits of Markdown alone), which then makes no view at all.
    whole_before: Option<WholeBefore>,
    /// Each document's page extras' digest, by `DocId`, and the site model they were made
    /// of: extras are a function of the model and the document alone.
    extras: Option<(MadeOf, Vec<Option<Digest>>)>,
    /// The values documents share (translation lists, term references), reused where they
    /// are made of the same views.
    shared: Option<SharedValues>,
    markdown: Remembered<DocRef, Arc<MarkdownResult>>,
    files: Remembered<String, OutputFile>,
    /// Each document's value with its rendering. A value is a function of its value before
    /// rendering and of the rendering alone, so it needs no record of reads.
    values: FxHashMap<DocRef, RenderedValue>,
    /// The order the last build's files came in, sorted by path: a rebuild's come in the
    /// same order, nearly always.
    pub file_order: Vec<usize>,
    /// What the last build rendered and reused.
    pub reuse: Reuse,
    /// The code highlighter, which loads its syntaxes and compiles their patterns when
    /// first asked: once per `serve`, not once per rebuild.
    pub highlighter: Arc<Highlighter>,
}

/// The pieces of one kind, and the site-wide inputs they were made with.
struct Remembered<K, T> {
    site: Option<Digest>,
    entries: FxHashMap<K, Entry<T>>,
    /// What the reads of the build that kept `entries` found: every entry's reads have
    /// the digests found there.
    last: Option<LastWorld>,
    /// Counts the builds that recalled these pieces, to mark the entries each one used.
    builds: AtomicU64,
}

impl<K, T> Default for Remembered<K, T> {
    fn default() -> Self {
        Remembered { site: None, entries: FxHashMap::default(), last: None, builds: AtomicU64::new(0) }
    }
}

impl<K: Eq + Hash, T> Remembered<K, T> {
    fn recall<'a>(&'a self, world: &'a World) -> Recall<'a, K, T> {
        let usable = world.digests.as_ref().is_some_and(|d| Some(d.site) == self.site);
        let build = self.builds.fetch_add(1, Ordering::Relaxed) + 1;
        let changed = self.last.as_ref().filter(|_| usable).and_then(|last| last.changed(world));
        Recall { previous: usable.then_some(&self.entries), world, changed, resolved: RwLock::default(), build }
    }

    /// Keeps this build's pieces: `made`, the new ones, and those it reused, which stay
    /// where they are, so a build that reuses nearly everything moves nearly nothing. Unless
    /// some lookup could not be traced: then no piece is known to depend on only what its
    /// trace says, and the next build renders them all.
    fn keep(&mut self, world: &World, made: Vec<(K, Entry<T>)>) {
        let complete = world.tracer.is_complete();
        self.site = world.digests.as_ref().filter(|_| complete).map(|d| d.site);
        if !complete {
            self.entries = FxHashMap::default();
            self.last = None;
            return;
        }
        self.last = LastWorld::of(world);
        let this_build = self.builds.load(Ordering::Relaxed);
        self.entries.extend(made);
        // Pieces this build did not make or reuse (a page gone, a render failed) are let go.
        self.entries.retain(|_, entry| *entry.used_in.get_mut() == this_build);
    }
}

impl Memo {
    /// The previous build's Markdown results, to check against `world`.
    pub fn markdown<'a>(&'a self, world: &'a World) -> Recall<'a, DocRef, Arc<MarkdownResult>> {
        self.markdown.recall(world)
    }

    /// The previous build's remembered files (by output path): those made with templates,
    /// the sitemap, the highlight stylesheet. To check against `world`.
    pub fn files<'a>(&'a self, world: &'a World) -> Recall<'a, String, OutputFile> {
        self.files.recall(world)
    }

    /// Keeps this build's Markdown results (those made now; those reused stay); `rendered`
    /// of `total` documents were rendered.
    pub fn keep_markdown(
        &mut self,
        world: &World,
        made: Vec<(DocRef, Entry<Arc<MarkdownResult>>)>,
        rendered: usize,
        total: usize,
    ) {
        self.markdown.keep(world, made);
        self.reuse.documents_rendered = rendered;
        self.reuse.documents = total;
    }

    /// The last build's value of `doc` before rendering, and its digest, when it was made from
    /// a view with the digest `view`.
    pub fn value_before(&self, doc: &DocRef, view: Digest) -> Option<(Value, Digest)> {
        let kept = self.before.get(doc)?;
        (kept.view == view).then(|| (kept.value.clone(), kept.digest))
    }

    /// The last build's values before rendering, whole, if they were made of `inputs`.
    pub fn whole_before(&self, inputs: &BeforeInputs) -> Option<&WholeBefore> {
        self.whole_before.as_ref().filter(|whole| whole.inputs == *inputs)
    }

    /// Keeps this build's values before rendering whole, giving back the last build's.
    pub fn keep_whole_before(&mut self, whole: WholeBefore) -> Option<WholeBefore> {
        self.whole_before.replace(whole)
    }

    /// The last build's digests of each document's page extras, if made of `site`.
    pub fn extras_digests(&self, site: &Arc<Site>) -> Option<&[Option<Digest>]> {
        let (made_of, digests) = self.extras.as_ref()?;
        made_of.is(site).then_some(digests.as_slice())
    }

    /// Keeps this build's digests of each document's page extras, made of `site`.
    pub fn keep_extras_digests(&mut self, site: &Arc<Site>, digests: Vec<Option<Digest>>) {
        self.extras = Some((MadeOf::new(site), digests));
    }

    /// The last build's values that documents share.
    pub fn shared_values(&self) -> Option<&SharedValues> {
        self.shared.as_ref()
    }

    /// Keeps this build's document values before rendering and the values they share,
    /// giving back the last build's (as [`Memo::keep_values`] does).
    pub fn keep_values_before(
        &mut self,
        values: FxHashMap<DocRef, ValueBefore>,
        shared: Option<SharedValues>,
    ) -> (FxHashMap<DocRef, ValueBefore>, Option<SharedValues>) {
        (std::mem::replace(&mut self.before, values), std::mem::replace(&mut self.shared, shared))
    }

    /// The last build's value of `doc` with its rendering, and its digest, when it was made
    /// from a value with the digest `before` and from this very rendering.
    pub fn rendered_value(&self, doc: &DocRef, before: Digest, rendered: &Arc<Rendered>) -> Option<(Value, Digest)> {
        let kept = self.values.get(doc)?;
        (kept.before == before && Arc::ptr_eq(&kept.rendered, rendered)).then(|| (kept.value.clone(), kept.digest))
    }

    /// Keeps this build's document values with their renderings: `made`, those not reused
    /// from the last build, which stay where they are. Gives back what it lets go of (the
    /// values replaced, and those of documents `site` no longer has), the only owner of
    /// values no page of this build shares, for the caller to free where it suits.
    pub fn keep_values(&mut self, site: &Site, made: Vec<(DocRef, RenderedValue)>) -> Vec<RenderedValue> {
        let mut let_go: Vec<RenderedValue> =
            made.into_iter().filter_map(|(doc, value)| self.values.insert(doc, value)).collect();
        if self.values.len() != site.index.len() {
            let_go.extend(self.values.extract_if(|doc, _| !site.index.contains_key(doc)).map(|(_, value)| value));
        }
        let_go
    }

    /// Keeps this build's remembered files (those made now; those reused stay); of the
    /// `pages` among them (files made with templates), `rendered` were rendered.
    pub fn keep_files(&mut self, world: &World, made: Vec<(String, Entry<OutputFile>)>, rendered: usize, pages: usize) {
        self.reuse.pages_rendered = rendered;
        self.reuse.pages = pages;
        self.files.keep(world, made);
    }
}

/// A piece, from the last build or rendered now.
pub struct Got<T> {
    pub value: T,
    /// What to remember of it: nothing when results are not remembered, or when it was
    /// reused (its entry then stays in the memo).
    pub entry: Option<Entry<T>>,
    /// Whether it was rendered now rather than reused.
    pub rendered: bool,
}

impl<T> Got<T> {
    /// Whether the memo keeps this piece for the next build (made now or reused).
    pub fn remembered(&self) -> bool {
        self.entry.is_some() || !self.rendered
    }
}

/// The previous build's pieces of one kind and the world to check them against. Without
/// digests in the world (a plain `build`) nothing is recorded or reused.
pub struct Recall<'a, K, T> {
    previous: Option<&'a FxHashMap<K, Entry<T>>>,
    world: &'a World,
    /// The reads that may have changed since the previous build, when they are known.
    changed: Option<ReadSet>,
    /// This build's number, marked on each entry it reuses.
    build: u64,
    /// What the `@/` paths the previous pieces looked up mean now. Many pieces look up the
    /// same few (a menu's links), and finding what one means takes longer than finding it
    /// here.
    resolved: RwLock<FxHashMap<&'a Read, Option<Digest>>>,
}

impl<'a, K: Eq + Hash, T: Clone> Recall<'a, K, T> {
    /// The piece at `key`: the previous one when it was given the same `inputs` and
    /// everything it read is unchanged, else what `render` makes, given the trace to record
    /// its lookups in. A failed render is not remembered.
    pub fn get_or_render<E>(
        &self,
        key: &K,
        inputs: impl FnOnce() -> Digest,
        render: impl FnOnce(Option<TraceId>) -> Result<T, E>,
    ) -> Result<Got<T>, E> {
        if self.world.digests.is_none() {
            return render(None).map(|value| Got { value, entry: None, rendered: true });
        }
        let inputs = inputs();
        if let Some(entry) = self.previous.and_then(|p| p.get(key))
            && entry.inputs == inputs
            && (self.changed.is_some_and(|changed| !entry.read_set.may_meet(&changed))
                || entry.reads.iter().all(|(read, digest)| self.current(read) == *digest))
        {
            entry.used_in.store(self.build, Ordering::Relaxed);
            return Ok(Got { value: entry.value.clone(), entry: None, rendered: false });
        }
        let trace = self.world.tracer.open();
        let result = render(trace);
        let reads = self.world.tracer.close(trace);
        let value = result?;
        let read_set = ReadSet::of(&reads);
        let reads = reads
            .into_iter()
            .map(|read| {
                let digest = current(self.world, &read);
                (read, digest)
            })
            .collect();
        let used_in = AtomicU64::new(self.build);
        Ok(Got { entry: Some(Entry { inputs, reads, read_set, value: value.clone(), used_in }), value, rendered: true })
    }

    /// The last build's piece at `key`, whether or not what it was made of is unchanged
    /// (the site-wide inputs are): for a render to take parts of it that it would make the
    /// same again.
    pub fn last(&self, key: &K) -> Option<&'a T> {
        self.previous.and_then(|p| p.get(key)).map(|entry| &entry.value)
    }

    /// [`current`], found once per build for what an `@/` path means.
    fn current(&self, read: &'a Read) -> Option<Digest> {
        if !matches!(read, Read::Resolve(..)) {
            return current(self.world, read);
        }
        if let Some(known) = self.resolved.read().ok().and_then(|known| known.get(read).copied()) {
            return known;
        }
        let digest = current(self.world, read);
        if let Ok(mut known) = self.resolved.write() {
            known.insert(read, digest);
        }
        digest
    }
}
