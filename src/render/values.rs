//! Building Tera values: the `view!` macro that declares what a template sees as a typed
//! struct, [`with`], which extends a shared map without copying what it holds, [`Held`], a
//! value inside a view that hashes by its content, and [`Shared`], one that many views hold
//! and that is hashed once.

use std::hash::{Hash, Hasher};

use tera::{Map, Value};

use super::hash::Digest;

/// Declares a struct that templates see as a map with one key per field, in field order.
/// A field holds anything that turns into a Tera value (text borrowed from the model is
/// copied once, into the value); values shared by many pages (each document's) are
/// `Value`s, whose clones share their contents.
macro_rules! view {
    ($(#[$meta:meta])* pub struct $name:ident $(<$lt:lifetime>)? {
        $($(#[$field_meta:meta])* pub $field:ident: $ty:ty,)*
    }) => {
        $(#[$meta])*
        pub struct $name $(<$lt>)? {
            $($(#[$field_meta])* pub $field: $ty,)*
        }

        impl $(<$lt>)? $name $(<$lt>)? {
            /// The fields as (key, value), in the order they are declared.
            pub fn entries(self) -> [(&'static str, tera::Value); view!(@count $($field)*)] {
                [$((stringify!($field), tera::Value::from(self.$field)),)*]
            }
        }

        impl $(<$lt>)? From<$name $(<$lt>)?> for Vec<(&'static str, tera::Value)> {
            fn from(view: $name $(<$lt>)?) -> Self {
                view.entries().into()
            }
        }

        impl $(<$lt>)? From<$name $(<$lt>)?> for tera::Value {
            fn from(view: $name $(<$lt>)?) -> tera::Value {
                // Sized exactly: collected, the map would keep room for almost twice its
                // keys, for each document of the site.
                let entries = view.entries();
                let mut map = tera::Map::with_capacity(entries.len());
                for (key, value) in entries {
                    map.insert(key.into(), value);
                }
                tera::Value::from(map)
            }
        }
    };
    (@count) => { 0usize };
    (@count $head:ident $($tail:ident)*) => { 1usize + view!(@count $($tail)*) };
}

pub(crate) use view;

/// `value` (a map) with more keys, or with keys replaced where they exist (they keep their
/// place). The values it holds are shared, not copied.
pub fn with(value: &Value, entries: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    extended(value.clone(), entries)
}

/// [`with`], taking `value`: when nothing else holds its map, the map is extended in place
/// rather than copied. Nothing is reserved ahead: a rendering only replaces keys a
/// document's value has, and room reserved for them would be held by every document.
pub fn extended(value: Value, entries: impl IntoIterator<Item = (&'static str, Value)>) -> Value {
    let mut map: Map = value.into_map().unwrap_or_default();
    for (key, v) in entries {
        map.insert(key.into(), v);
    }
    Value::from(map)
}

/// A Tera value inside a view struct. It hashes by its content, so that a view holding it
/// can derive `Hash` and be hashed as the struct it is, before it becomes a map.
#[derive(Clone)]
pub struct Held(pub Value);

impl From<Held> for Value {
    fn from(held: Held) -> Value {
        held.0
    }
}

impl Hash for Held {
    fn hash<H: Hasher>(&self, state: &mut H) {
        hash_content(&self.0, state);
    }
}

/// A value many views hold (a translation group's list, a term's reference), with a digest
/// of what it was made from, made once: a view holding it hashes the digest, not the
/// content again.
#[derive(Clone)]
pub struct Shared {
    value: Value,
    digest: Digest,
}

impl Shared {
    /// `value`, with `digest`: the digest of all it is made from (its views, or the digests of
    /// the shared values it holds), so equal digests mean equal values.
    pub fn made_of(digest: Digest, value: impl Into<Value>) -> Shared {
        Shared { value: value.into(), digest }
    }

    pub fn value(&self) -> &Value {
        &self.value
    }

    pub fn digest(&self) -> Digest {
        self.digest
    }
}

impl From<Shared> for Value {
    fn from(shared: Shared) -> Value {
        shared.value
    }
}

impl Hash for Shared {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.digest.hash(state);
    }
}

/// Hashes `value` by what it is and holds, all the way down.
fn hash_content<H: Hasher>(value: &Value, state: &mut H) {
    hash_with(value, state, &mut |item, state| hash_content(item, state));
}

/// Hashes `value`: its kind and what it holds, each item of a map or list by `item`.
pub fn hash_with<H: Hasher>(value: &Value, state: &mut H, item: &mut impl FnMut(&Value, &mut H)) {
    value.kind().hash(state);
    value.is_safe().hash(state);
    if let Some(map) = value.as_map() {
        map.len().hash(state);
        for (key, value) in map {
            key.hash(state);
            item(value, state);
        }
    } else if let Some(items) = value.as_array() {
        items.len().hash(state);
        for value in items {
            item(value, state);
        }
    } else {
        hash_scalar(value, state);
    }
}

/// Hashes what a value that is neither a map nor a list holds.
fn hash_scalar<H: Hasher>(value: &Value, state: &mut H) {
    if let Some(text) = value.as_str() {
        text.hash(state);
    } else if let Some(n) = value.as_i128() {
        n.hash(state);
    } else if let Some(n) = value.as_u128() {
        n.hash(state);
    } else if let Some(n) = value.as_f64() {
        n.to_bits().hash(state);
    } else if let Some(b) = value.as_bool() {
        b.hash(state);
    } else if let Some(bytes) = value.as_bytes() {
        bytes.hash(state);
    }
}

/// Markup made here (JSON-LD), which templates get unescaped.
#[derive(Hash)]
pub struct Markup(pub String);

impl From<Markup> for Value {
    fn from(markup: Markup) -> Value {
        Value::safe_string(&markup.0)
    }
}

/// Data read by serde (front matter's `extra`, a job) as a Tera value.
pub fn serialized(value: &impl serde::Serialize) -> Value {
    Value::from_serializable(value)
}

#[cfg(test)]
mod tests {
    use super::super::hash::of;
    use super::*;

    view! {
        /// A test view.
        pub struct Pair {
            pub name: String,
            pub count: usize,
            pub next: Option<String>,
        }
    }

    #[test]
    fn a_view_is_a_map_of_its_fields_in_order() {
        let value = Value::from(Pair { name: "Øyer".into(), count: 2, next: None });
        let keys: Vec<String> =
            value.as_map().expect("map").iter().map(|(k, _)| k.as_str().unwrap_or_default().to_string()).collect();
        assert_eq!(keys, ["name", "count", "next"]);
        assert_eq!(value.get_from_path("name").and_then(|v| v.as_str().map(str::to_string)).as_deref(), Some("Øyer"));
        assert!(value.get_from_path("next").is_some_and(|v| v.is_none()));
    }

    #[test]
    fn a_held_value_hashes_by_what_it_holds_all_the_way_down() {
        let digest = |value: Value| {
            let mut hasher = std::hash::DefaultHasher::new();
            Held(value).hash(&mut hasher);
            hasher.finish()
        };
        let pair = |name: &str, next: Option<&str>| {
            Value::from(vec![Value::from(Pair { name: name.into(), count: 1, next: next.map(str::to_string) })])
        };
        assert_eq!(digest(pair("Øyer", None)), digest(pair("Øyer", None)));
        assert_ne!(digest(pair("Øyer", None)), digest(pair("Øyer", Some("Gausdal"))));
        assert_ne!(digest(pair("Øyer", None)), digest(pair("Oyer", None)));
        assert_ne!(digest(Value::safe_string("<b>")), digest(Value::from("<b>")));
        assert_ne!(digest(Value::from(1)), digest(Value::from("1")));
    }

    #[test]
    fn a_value_made_of_shared_ones_hashes_as_its_parts() {
        let pair = |name: &str| Shared::made_of(of(name), Pair { name: name.into(), count: 1, next: None });
        let digest = |shared: &Shared| of(shared);
        let (oyer, gausdal) = (pair("Øyer"), pair("Gausdal"));
        assert_eq!(digest(&oyer), digest(&pair("Øyer")));
        assert_ne!(digest(&oyer), digest(&gausdal));
        let list = |parts: Vec<&Shared>| {
            let value = Value::from(parts.iter().map(|p| p.value().clone()).collect::<Vec<_>>());
            Shared::made_of(of(parts), value)
        };
        assert_eq!(digest(&list(vec![&oyer, &gausdal])), digest(&list(vec![&oyer, &gausdal])));
        assert_ne!(digest(&list(vec![&oyer, &gausdal])), digest(&list(vec![&gausdal, &oyer])));
        assert_ne!(digest(&list(vec![&oyer])), digest(&list(vec![&oyer, &gausdal])));
    }

    #[test]
    fn with_keeps_the_place_of_replaced_keys() {
        let base = Value::from(Pair { name: "Gausdal".into(), count: 1, next: None });
        let extended = with(&base, [("count", Value::from(3)), ("extra", Value::from(true))]);
        let keys: Vec<String> =
            extended.as_map().expect("map").iter().map(|(k, _)| k.as_str().unwrap_or_default().to_string()).collect();
        assert_eq!(keys, ["name", "count", "next", "extra"]);
    }
}
