//! The hash a digest is made with: 128-bit XXH3 over the bytes a value writes, gathered and
//! hashed in one pass.
//!
//! A digest is good within one running program (nothing is stored on disk): fast on long
//! texts, and wide enough that two different inputs never meet in practice, since a
//! collision would serve a stale page.

use std::hash::Hash;

/// A hash of some input.
pub type Digest = u128;

/// Gathers the bytes hashed and hashes them in one pass at the end. A digest is made of
/// many small fields, and XXH3's streaming state costs far more for each small write than
/// copying its bytes does.
pub(super) struct Hasher(Vec<u8>);

impl Hasher {
    pub(super) fn new() -> Hasher {
        Hasher(Vec::with_capacity(256))
    }

    pub(super) fn digest128(&self) -> Digest {
        xxhash_rust::xxh3::xxh3_128(&self.0)
    }
}

impl std::hash::Hasher for Hasher {
    fn write(&mut self, bytes: &[u8]) {
        self.0.extend_from_slice(bytes);
    }

    fn finish(&self) -> u64 {
        xxhash_rust::xxh3::xxh3_64(&self.0)
    }
}

/// The digest of a text's bytes, hashed where they are rather than gathered first.
pub fn of_bytes(bytes: &[u8]) -> Digest {
    xxhash_rust::xxh3::xxh3_128(bytes)
}

/// The digest of anything hashable.
pub fn of(value: impl Hash) -> Digest {
    let mut hasher = Hasher::new();
    value.hash(&mut hasher);
    hasher.digest128()
}
