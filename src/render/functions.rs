//! Template functions. Each looks things up in the built site and never reads files; each
//! works in the language of the page being rendered unless given `lang=`.
//!
//! `url(path, lang?, absolute?)`, `get_page(path, lang?)`,
//! `get_section(path, lang?, metadata_only?)`,
//! `asset(path)`, `t(key, lang?, count?, …)`.

use std::sync::Arc;

use tera::{Error, Kwargs, State, TeraResult, Value};

use crate::diag::suggest;
use crate::i18n::{Entry, interpolate};
use crate::ids::LangId;

use super::World;
use super::memo::{self, Read, doc_ref};

pub fn register(tera: &mut tera::Tera, world: Arc<World>) {
    let w = world.clone();
    tera.register_function("url", move |kwargs: Kwargs, state: &State| url(&w, &kwargs, state));
    let w = world.clone();
    tera.register_function("get_page", move |kwargs: Kwargs, state: &State| get_doc(&w, &kwargs, state, false));
    let w = world.clone();
    tera.register_function("get_section", move |kwargs: Kwargs, state: &State| get_doc(&w, &kwargs, state, true));
    let w = world.clone();
    tera.register_function("asset", move |kwargs: Kwargs, _: &State| asset(&w, &kwargs));
    let w = world.clone();
    tera.register_function("t", move |kwargs: Kwargs, state: &State| translate(&w, &kwargs, state));
    let w = world.clone();
    tera.register_function("data", move |kwargs: Kwargs, _: &State| data(&w, &kwargs));
    let w = world;
    tera.register_function("stat", move |kwargs: Kwargs, _: &State| stat(&w, &kwargs));
}

/// The language asked for with `lang=`, else the page's.
pub fn current_lang(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<LangId> {
    let key = match kwargs.get::<&str>("lang")? {
        Some(key) => key.to_string(),
        None => state.get::<String>("lang")?.unwrap_or_default(),
    };
    let config = &world.site.config;
    if key.is_empty() {
        return Ok(0);
    }
    config.language(&key).ok_or_else(|| {
        let hint = suggest(&key, config.language_keys()).unwrap_or_default();
        Error::message(format!("`{key}` is not a language of this site; {hint}"))
    })
}

/// `@/jobb/x.md` or `jobb/x.md` → the translation key and an explicit language, if the
/// path names one (`jobb/x.en.md`).
pub fn parse_key(world: &World, path: &str) -> (String, Option<LangId>) {
    let path = path.trim().trim_start_matches("@/").trim_start_matches('/');
    let path = path.split('#').next().unwrap_or(path);
    if let Some(stem) = path.strip_suffix(".md")
        && let Some((base, suffix)) = stem.rsplit_once('.')
        && let Some(lang) = world.site.config.language(suffix)
    {
        return (format!("{base}.md"), Some(lang));
    }
    (path.to_string(), None)
}

fn find_doc(world: &World, path: &str, lang: LangId) -> TeraResult<usize> {
    memo::record(|| Read::Resolve(path.to_string(), lang));
    let (key, explicit) = parse_key(world, path);
    let lang = explicit.unwrap_or(lang);
    world.site.resolve(&key, lang).ok_or_else(|| {
        if world.site.broken.contains(&key) {
            return Error::message(format!("`{key}` has errors of its own (see above), so it cannot be used here"));
        }
        let keys = world.site.docs.iter().map(|d| d.key.as_str());
        let hint = suggest(&key, keys).map(|h| format!("; {h}")).unwrap_or_default();
        Error::message(format!("no page `{key}` under content/{hint}"))
    })
}

fn url(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let path = kwargs.must_get::<&str>("path")?;
    let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
    let lang = current_lang(world, kwargs, state)?;
    let site = &world.site;
    let rel = if path.starts_with("@/") {
        if site.broken.contains(&parse_key(world, path).0) {
            // The page's own error is reported; one mistake should read as one error.
            return Ok(Value::from("#"));
        }
        let id = find_doc(world, path, lang)?;
        let anchor = path.split_once('#').map(|(_, a)| format!("#{a}")).unwrap_or_default();
        format!("{}{anchor}", site.doc(id).rel)
    } else if path.starts_with("http://") || path.starts_with("https://") {
        return Ok(Value::from(path));
    } else {
        path.trim_start_matches('/').to_string()
    };
    Ok(Value::from(if absolute { site.url_of(&rel) } else { site.path_of(&rel) }))
}

fn get_doc(world: &World, kwargs: &Kwargs, state: &State, section: bool) -> TeraResult<Value> {
    let path = kwargs.must_get::<&str>("path")?;
    let lang = current_lang(world, kwargs, state)?;
    let metadata_only = section && kwargs.get::<bool>("metadata_only")?.unwrap_or(false);
    let id = find_doc(world, path, lang)?;
    let found = doc_ref(world.site.doc(id));
    if !section {
        memo::record(|| Read::Doc(found));
        return Ok(world.docs[id].clone());
    }
    let (values, read) = if metadata_only {
        (&world.section_metadata, Read::SectionMetadata(found))
    } else {
        (&world.sections, Read::Section(found))
    };
    memo::record(|| read);
    values[id].clone().ok_or_else(|| Error::message(format!("`{path}` is a page; use get_page, or name its _index.md")))
}

fn asset(world: &World, kwargs: &Kwargs) -> TeraResult<Value> {
    let path = kwargs.must_get::<&str>("path")?.trim_start_matches('/');
    memo::record(|| Read::Asset(path.to_string()));
    match world.fingerprints.get(path) {
        Some(hash) => Ok(Value::from(format!("{}?h={hash}", world.site.path_of(path)))),
        None => {
            let hint = suggest(path, world.fingerprints.keys().map(String::as_str)).unwrap_or_default();
            Err(Error::message(format!("no file `{path}` in static/ or the theme's static/; {hint}")))
        }
    }
}

/// A table (columns, rows with cells by column, provenance) or plain data, by name.
fn data(world: &World, kwargs: &Kwargs) -> TeraResult<Value> {
    let name = kwargs.must_get::<&str>("name")?;
    memo::record(|| Read::Data(name.to_string()));
    if let Some(plain) = world.data.plain.get(name) {
        return Ok(Value::from_serializable(plain));
    }
    let table = world.data.table(name).map_err(|e| Error::message(e.to_string()))?;
    Ok(Value::from_serializable(&table.to_json()))
}

/// One value: a number, text, or none when the data marks it missing.
fn stat(world: &World, kwargs: &Kwargs) -> TeraResult<Value> {
    let lookup = |e: crate::data::LookupError| Error::message(e.to_string());
    let name = kwargs.must_get::<&str>("table")?;
    memo::record(|| Read::Data(name.to_string()));
    let table = world.data.table(name).map_err(lookup)?;
    let row = table.row(kwargs.must_get::<&str>("row")?).map_err(lookup)?;
    let col = table.column(kwargs.must_get::<&str>("col")?).map_err(lookup)?;
    Ok(Value::from_serializable(&table.cell(row, col).to_json()))
}

fn translate(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let key = kwargs.must_get::<&str>("key")?;
    let lang = current_lang(world, kwargs, state)?;
    let Some((entry, _)) = world.i18n.lookup(key, lang) else {
        let hint = suggest(key, world.i18n.keys()).unwrap_or_else(|| "add it to i18n/LANG.yaml".into());
        return Err(Error::message(format!("no UI string `{key}`; {hint}")));
    };
    let locale = world.locales.get(lang);
    let mut args: Vec<(&str, String)> = Vec::new();
    for (name, value) in kwargs.iter() {
        let Some(name) = name.as_str() else { continue };
        if matches!(name, "key" | "lang") {
            continue;
        }
        let text = match value.as_f64() {
            Some(n) if value.is_number() => locale.number(n, None),
            _ => value.to_string(),
        };
        args.push((name, text));
    }
    let text = match entry {
        Entry::Text(text) => text.clone(),
        Entry::Plural(forms) => {
            let count = kwargs
                .get::<f64>("count")?
                .ok_or_else(|| Error::message(format!("the UI string `{key}` has plural forms: give it `count=`")))?;
            let category = locale.plural_category(count);
            forms.get(category).or_else(|| forms.get("other")).cloned().unwrap_or_default()
        }
    };
    Ok(Value::from(interpolate(&text, &args)))
}
