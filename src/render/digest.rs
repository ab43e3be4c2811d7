//! Digests of what templates and Markdown read, so a later build can tell whether an
//! output's inputs changed without rendering it again.
//!
//! A digest is a 128-bit XXH3 hash ([`super::hash`]).
//! Tera values are hashed by content; the values many contexts share (each document, each
//! section's list of pages) are hashed once and then recognised by address, which the table
//! keeps alive so that no other value can come to live there.

use std::hash::Hash;

use tera::{Context, Value};

use super::hash::Hasher;
pub use super::hash::{Digest, of};
use crate::ids::LangId;

/// The digests of shared values, by the address of their map or list. Each entry holds a
/// clone of its value (a reference count, not a copy): while the table lives, so does the
/// value, and its address cannot be given to another.
#[derive(Default)]
pub struct KnownValues {
    /// Addresses are already well spread: a light hash serves them.
    by_address: rustc_hash::FxHashMap<usize, (Value, Digest)>,
}

impl KnownValues {
    /// A table with room for `values` without growing.
    pub fn with_capacity(values: usize) -> KnownValues {
        KnownValues { by_address: rustc_hash::FxHashMap::with_capacity_and_hasher(values, Default::default()) }
    }

    /// Hashes `value` and remembers it, so later hashes of values that hold it are cheap.
    pub fn remember(&mut self, value: &Value) -> Digest {
        let digest = self.digest(value);
        self.insert(value, digest);
        digest
    }

    /// Remembers a value whose digest is known.
    pub fn insert(&mut self, value: &Value, digest: Digest) {
        if let Some(address) = address(value) {
            self.by_address.insert(address, (value.clone(), digest));
        }
    }

    /// The digest of a value, by content: a remembered value gives the digest it would
    /// have had anyway, only sooner.
    pub fn digest(&self, value: &Value) -> Digest {
        if let Some((_, known)) = address(value).and_then(|a| self.by_address.get(&a)) {
            return *known;
        }
        let mut hasher = Hasher::new();
        self.write(value, &mut hasher);
        hasher.digest128()
    }

    /// Writes the content of `value` into `hasher`. A map or list in it goes in as its
    /// digest, so that a remembered one counts the same as its content would; anything else
    /// goes in as it is, which spares a hasher for each text and number.
    fn write(&self, value: &Value, hasher: &mut Hasher) {
        super::values::hash_with(value, hasher, &mut |item, hasher| self.write_item(item, hasher));
    }

    /// Writes `item` into `hasher`: a map or list as its kind and digest, anything else as
    /// it is.
    fn write_item(&self, item: &Value, hasher: &mut Hasher) {
        if item.as_map().is_some() || item.as_array().is_some() {
            item.kind().hash(hasher);
            self.digest(item).hash(hasher);
        } else {
            self.write(item, hasher);
        }
    }
}

/// Keys and values to insert.
type Entries = Vec<(&'static str, Value)>;

/// Keys to insert, made only when asked for.
type LaterEntries<'a> = Box<dyn FnOnce() -> Entries + 'a>;

/// A key and its value to insert, or how to make them when they are asked for.
enum Entry<'a> {
    Made(&'static str, Value),
    Later(&'static str, Box<dyn FnOnce() -> Value + 'a>),
    /// Several keys made together.
    LaterKeys(LaterEntries<'a>),
}

/// What a template is given besides the site-wide base context, and, when results are
/// remembered, a digest of it. The context itself is only put together when the template is
/// rendered: a page whose digest shows it unchanged never needs it.
pub struct DigestedContext<'a> {
    /// The language of the base context: all that tells one base context from another.
    pub lang: LangId,
    entries: Vec<Entry<'a>>,
    /// A map given with more keys; the keys are made and merged only for rendering.
    extended: Option<(&'static str, Value, LaterEntries<'a>)>,
    hasher: Option<(Hasher, &'a KnownValues)>,
}

impl<'a> DigestedContext<'a> {
    pub fn new(known: Option<&'a KnownValues>, lang: LangId) -> DigestedContext<'a> {
        let hasher = known.map(|known| {
            let mut hasher = Hasher::new();
            lang.hash(&mut hasher);
            (hasher, known)
        });
        DigestedContext { lang, entries: Vec::new(), extended: None, hasher }
    }

    pub fn insert(&mut self, key: &'static str, value: Value) {
        if let Some((hasher, known)) = &mut self.hasher {
            key.hash(hasher);
            known.write_item(&value, hasher);
        }
        self.entries.push(Entry::Made(key, value));
    }

    /// Inserts the value `make` makes, hashing `inputs` in its place: all the value is made
    /// of besides the site-wide inputs. It is only made if the context is put together.
    pub fn insert_made(&mut self, key: &'static str, inputs: impl Hash, make: impl FnOnce() -> Value + 'a) {
        if let Some((hasher, _)) = &mut self.hasher {
            key.hash(hasher);
            inputs.hash(hasher);
        }
        self.entries.push(Entry::Later(key, Box::new(make)));
    }

    /// Inserts `keys`, with the values `make` makes, hashing `inputs` in their place (as
    /// [`Self::insert_made`] does for one key).
    pub fn insert_keys_made(&mut self, keys: &[&'static str], inputs: impl Hash, make: impl FnOnce() -> Entries + 'a) {
        if let Some((hasher, _)) = &mut self.hasher {
            keys.hash(hasher);
            inputs.hash(hasher);
        }
        self.entries.push(Entry::LaterKeys(Box::new(make)));
    }

    /// Inserts `base` (a map) with the keys of the extras `make` makes, hashing `base` as a
    /// whole (when it is a remembered value, its content is not hashed again) and `extras`
    /// (a digest of them) in their place: they are made, and become Tera values, only if
    /// the context is put together.
    pub fn insert_with<E: Into<Entries>>(
        &mut self,
        key: &'static str,
        base: &Value,
        extras: Option<Digest>,
        make: impl FnOnce() -> E + 'a,
    ) {
        if let Some((hasher, known)) = &mut self.hasher {
            key.hash(hasher);
            known.digest(base).hash(hasher);
            extras.hash(hasher);
        }
        self.extended = Some((key, base.clone(), Box::new(move || make().into())));
    }

    pub fn digest(&self) -> Digest {
        self.hasher.as_ref().map_or(0, |(hasher, _)| hasher.digest128())
    }

    /// The whole context: `base` with everything inserted, later keys over earlier ones.
    pub fn into_context(self, mut base: Context) -> Context {
        if let Some((key, value, extras)) = self.extended {
            base.insert_value(key, super::values::extended(value, extras()));
        }
        for entry in self.entries {
            match entry {
                Entry::Made(key, value) => base.insert_value(key, value),
                Entry::Later(key, make) => base.insert_value(key, make()),
                Entry::LaterKeys(make) => {
                    for (key, value) in make() {
                        base.insert_value(key, value);
                    }
                }
            }
        }
        base
    }
}

/// Where a map's or list's contents live (shared by every clone of the value).
fn address(value: &Value) -> Option<usize> {
    if let Some(map) = value.as_map() {
        return Some(std::ptr::from_ref(map) as usize);
    }
    let items = value.as_array()?;
    // Empty lists share one dangling address; their digest is the same anyway.
    Some(items.as_ptr() as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Value)]) -> Value {
        let mut map = tera::Map::new();
        for (k, v) in entries {
            map.insert((*k).to_string().into(), v.clone());
        }
        Value::from(map)
    }

    #[test]
    fn equal_content_gives_equal_digests_and_any_change_another() {
        let known = KnownValues::default();
        let a = map(&[("title", Value::from("Jobb")), ("weight", Value::from(3))]);
        let b = map(&[("title", Value::from("Jobb")), ("weight", Value::from(3))]);
        let c = map(&[("title", Value::from("Jobb")), ("weight", Value::from(4))]);
        assert_eq!(known.digest(&a), known.digest(&b));
        assert_ne!(known.digest(&a), known.digest(&c));
        assert_ne!(known.digest(&Value::safe_string("<b>")), known.digest(&Value::from("<b>")));
        assert_ne!(known.digest(&Value::from(1)), known.digest(&Value::from("1")));
    }

    #[test]
    fn a_remembered_value_outlives_its_other_owners() {
        let mut known = KnownValues::default();
        let page = map(&[("title", Value::from("Jobb"))]);
        let digest = known.remember(&page);
        let at = address(&page).expect("a map has an address");
        drop(page);
        // The table still holds the value, so the address is still this value's.
        let (kept, kept_digest) = &known.by_address[&at];
        assert_eq!((address(kept), *kept_digest), (Some(at), digest));
    }

    #[test]
    fn a_remembered_value_hashes_as_it_would_have_anyway() {
        let mut known = KnownValues::default();
        let page = map(&[("content", Value::safe_string("<p>Hei</p>"))]);
        let listing = map(&[("pages", Value::from(vec![page.clone()]))]);
        let before = known.digest(&listing);
        known.remember(&page);
        assert_eq!(known.digest(&listing), before);
        let copy = map(&[("pages", Value::from(vec![map(&[("content", Value::safe_string("<p>Hei</p>"))])]))]);
        assert_eq!(known.digest(&copy), before);
    }
}
