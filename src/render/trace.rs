//! What each rendered piece looked up, recorded where the lookup happens, so that the next
//! build of a running `serve` can tell whether the piece would come out the same.
//!
//! A piece (a document's Markdown, one output file) opens a trace when its rendering
//! starts and closes it when it ends. The trace is named explicitly wherever a lookup can
//! happen: the Markdown host holds it, and templates carry it in their context under
//! [`TRACE_KEY`], where template functions and filters read it. A lookup that finds no
//! trace to go to (a function inside a Tera component, which does not see the caller's
//! context) marks the whole build as traced incompletely, and such a build is not
//! remembered: a piece is only ever reused on complete evidence.

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use crate::ids::LangId;
use crate::site::Doc;

/// The context key under which a template finds the trace of the piece it renders.
pub const TRACE_KEY: &str = "__regionprofil_trace";

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
    /// An image by its output path: whether it is there, and a photo's content.
    Image(String),
    /// What a link's or image's path in a document names (see [`crate::markdown::Local`]).
    Local(DocRef, String),
}

/// The trace of one piece being rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceId(u64);

impl TraceId {
    /// The value a template context carries under [`TRACE_KEY`].
    pub fn value(self) -> tera::Value {
        tera::Value::from(self.0)
    }

    /// The trace a template context carries, if it carries one.
    pub fn in_context(state: &tera::State) -> Option<TraceId> {
        state.get::<u64>(TRACE_KEY).ok().flatten().map(TraceId)
    }
}

/// Every open trace of one phase of rendering. When results are not remembered (a plain
/// `build`), it is off: nothing is opened and recording costs a branch.
#[derive(Debug, Default)]
pub struct Tracer {
    on: bool,
    next: AtomicU64,
    open: Mutex<HashMap<u64, Vec<Read>>>,
    /// A lookup happened where no trace could be found.
    incomplete: AtomicBool,
}

impl Tracer {
    pub fn new(on: bool) -> Tracer {
        Tracer { on, ..Tracer::default() }
    }

    /// Starts the trace of a piece; `None` when the tracer is off.
    pub fn open(&self) -> Option<TraceId> {
        if !self.on {
            return None;
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        self.traces().insert(id, Vec::new());
        Some(TraceId(id))
    }

    /// Notes `read` in the trace of the piece being rendered.
    pub fn record(&self, trace: Option<TraceId>, read: impl FnOnce() -> Read) {
        if !self.on {
            return;
        }
        match trace.and_then(|TraceId(id)| self.traces().get_mut(&id).map(|reads| reads.push(read()))) {
            Some(()) => {}
            None => self.incomplete.store(true, Ordering::Relaxed),
        }
    }

    /// Ends a trace: what the piece read, sorted, each once.
    pub fn close(&self, trace: Option<TraceId>) -> Vec<Read> {
        let Some(TraceId(id)) = trace else { return Vec::new() };
        let mut reads = self.traces().remove(&id).unwrap_or_default();
        reads.sort();
        reads.dedup();
        reads
    }

    /// Whether every lookup of this phase went to a trace.
    pub fn is_complete(&self) -> bool {
        !self.incomplete.load(Ordering::Relaxed)
    }

    fn traces(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Vec<Read>>> {
        // A panic while the lock was held leaves a trace half written; the build reports
        // the panic, and the trace is only a record of lookups, so go on with it.
        self.open.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_go_to_the_trace_they_name_even_across_threads() {
        let tracer = Tracer::new(true);
        let (a, b) = (tracer.open(), tracer.open());
        std::thread::scope(|scope| {
            scope.spawn(|| tracer.record(b, || Read::Data("b".into())));
            scope.spawn(|| tracer.record(a, || Read::Asset("style.css".into())));
        });
        tracer.record(a, || Read::Data("a".into()));
        tracer.record(a, || Read::Data("a".into()));
        // Sorted, without repeats.
        assert_eq!(tracer.close(a), [Read::Data("a".into()), Read::Asset("style.css".into())]);
        assert_eq!(tracer.close(b), [Read::Data("b".into())]);
        assert!(tracer.is_complete());
    }

    #[test]
    fn a_read_without_a_trace_makes_the_phase_incomplete() {
        let tracer = Tracer::new(true);
        tracer.record(None, || Read::Data("x".into()));
        assert!(!tracer.is_complete());
        let off = Tracer::new(false);
        assert_eq!(off.open(), None);
        off.record(None, || Read::Data("x".into()));
        assert!(off.is_complete());
    }
}
