//! Which reads may find something else than in the last build, as a small set of bits, so
//! that a rebuild need not check, one by one, the reads of a piece that looked up none of
//! them.
//!
//! When a rebuild's world is made of the very same site model as the last build's (in
//! `serve`, after edits of Markdown alone), what an `@/` path means is the same, and the
//! only reads that can differ are of templates, data tables and static files whose digests
//! moved, and of documents and sections whose values' digests moved: a few, found by
//! comparing the two worlds' digests. Each read sets two bits of 256; each remembered piece
//! keeps the bits of its own reads. A piece that shares no bit with the changed reads read
//! nothing that changed. A shared bit may be chance: then its reads are checked one by one,
//! as they always were. Photos are not compared: a piece that looked one up is always
//! checked.

use std::collections::BTreeMap;
use std::hash::BuildHasher;
use std::sync::{Arc, Weak};

use rustc_hash::FxBuildHasher;

use super::digest::Digest;
use super::trace::{DocRef, Read, doc_ref};
use super::world::World;
use crate::site::Site;

/// The site model something was made of: the very one, which cannot change once built,
/// known by its address. A weak reference keeps its allocation, so no other model can take
/// that address while it is held.
pub struct MadeOf(Weak<Site>);

impl MadeOf {
    pub fn new(site: &Arc<Site>) -> MadeOf {
        MadeOf(Arc::downgrade(site))
    }

    pub fn is(&self, site: &Arc<Site>) -> bool {
        std::ptr::eq(self.0.as_ptr(), Arc::as_ptr(site))
    }
}

impl PartialEq for MadeOf {
    fn eq(&self, other: &Self) -> bool {
        Weak::ptr_eq(&self.0, &other.0)
    }
}

/// A set of reads, as bits: it may say two sets meet when they do not, never the reverse.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadSet {
    bits: [u64; 4],
    /// Holds a read that is not compared between worlds (a photo).
    unknown: bool,
}

impl ReadSet {
    pub fn of<'a>(reads: impl IntoIterator<Item = &'a Read>) -> ReadSet {
        let mut set = ReadSet::default();
        for read in reads {
            set.add(read);
        }
        set
    }

    fn add(&mut self, read: &Read) {
        if matches!(read, Read::Image(_) | Read::Local(..)) {
            self.unknown = true;
            return;
        }
        let hash = FxBuildHasher.hash_one(read);
        // The high bits: a multiplying hash mixes them best.
        for bit in [(hash >> 56) as u8, (hash >> 48) as u8] {
            self.bits[usize::from(bit / 64)] |= 1 << (bit % 64);
        }
    }

    /// Whether some read of this set may be in `changed`.
    pub fn may_meet(&self, changed: &ReadSet) -> bool {
        self.unknown || self.bits.iter().zip(changed.bits).any(|(mine, theirs)| mine & theirs != 0)
    }
}

/// What the reads of one world found, kept to compare the next world with.
pub struct LastWorld {
    site: MadeOf,
    templates: Arc<BTreeMap<String, Digest>>,
    data: Arc<BTreeMap<String, Digest>>,
    fingerprints: Arc<BTreeMap<String, String>>,
    docs: Vec<Digest>,
    sections: Vec<Option<Digest>>,
    section_metadata: Vec<Option<Digest>>,
}

impl LastWorld {
    /// `None` for a world without digests (nothing is remembered then).
    pub fn of(world: &World) -> Option<LastWorld> {
        let digests = world.digests.as_ref()?;
        Some(LastWorld {
            site: MadeOf::new(&world.site),
            templates: digests.templates.clone(),
            data: digests.data.clone(),
            fingerprints: world.fingerprints.clone(),
            docs: digests.docs.clone(),
            sections: digests.sections.clone(),
            section_metadata: digests.section_metadata.clone(),
        })
    }

    /// The reads that may find something else in `world` than in this one; `None` when
    /// `world` is made of another site model, and they cannot be told cheaply.
    pub fn changed(&self, world: &World) -> Option<ReadSet> {
        let digests = world.digests.as_ref()?;
        if !self.site.is(&world.site) {
            return None;
        }
        let site = &world.site;
        let mut changed = ReadSet::default();
        for name in changed_keys(&self.templates, &digests.templates) {
            changed.add(&Read::Template(name.clone()));
        }
        for name in changed_keys(&self.data, &digests.data) {
            changed.add(&Read::Data(name.clone()));
        }
        for path in changed_keys(&self.fingerprints, &world.fingerprints) {
            changed.add(&Read::Asset(path.clone()));
        }
        let same_length = |n: usize| [self.docs.len(), self.sections.len(), self.section_metadata.len()] == [n; 3];
        if !same_length(site.docs.len()) {
            return None;
        }
        for doc in &site.docs {
            let id = doc.id;
            let moved = [
                self.docs[id] != digests.docs[id],
                self.sections[id] != digests.sections[id],
                self.section_metadata[id] != digests.section_metadata[id],
            ];
            if !moved.contains(&true) {
                continue;
            }
            let key = doc_ref(doc);
            for (moved, read) in
                moved.into_iter().zip([Read::Doc as fn(DocRef) -> Read, Read::Section, Read::SectionMetadata])
            {
                if moved {
                    changed.add(&read(key.clone()));
                }
            }
        }
        Some(changed)
    }
}

/// The keys whose values differ between `old` and `new`, or that only one of them has.
fn changed_keys<'a, V: PartialEq>(
    old: &'a BTreeMap<String, V>,
    new: &'a BTreeMap<String, V>,
) -> impl Iterator<Item = &'a String> {
    let moved = new.iter().filter(|(key, value)| old.get(*key) != Some(*value)).map(|(key, _)| key);
    moved.chain(old.keys().filter(|key| !new.contains_key(*key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_meets_every_set_that_holds_one_of_its_reads() {
        let reads: Vec<Read> = (0..200).map(|n| Read::Data(format!("table-{n}"))).collect();
        for (n, read) in reads.iter().enumerate() {
            let piece = ReadSet::of(&reads[n.saturating_sub(8)..=n]);
            assert!(piece.may_meet(&ReadSet::of([read])));
        }
    }

    #[test]
    fn a_set_of_other_reads_rarely_meets() {
        let piece = ReadSet::of(&[Read::Template("page.html".into()), Read::Data("tall".into())]);
        let changed: Vec<ReadSet> = (0..100).map(|n| ReadSet::of([&Read::Doc((format!("side-{n}"), 0))])).collect();
        let met = changed.iter().filter(|changed| piece.may_meet(changed)).count();
        assert!(met < 10, "{met} of 100 met");
        assert!(!ReadSet::default().may_meet(&ReadSet::default()));
    }

    #[test]
    fn a_photo_read_is_always_checked() {
        let piece = ReadSet::of([&Read::Image("bilde.jpg".into())]);
        assert!(piece.may_meet(&ReadSet::default()));
    }
}
