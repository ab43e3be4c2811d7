//! Template functions. Each looks things up in the built site and never reads files; each
//! works in the language of the page being rendered unless given `lang=`.
//!
//! `url(path, lang?, absolute?)`, `get_page(path, lang?)`,
//! `get_section(path, lang?, metadata_only?)`,
//! `asset(path)`, `t(key, lang?, count?, …)`.

use std::sync::Arc;

use tera::{Error, Kwargs, State, TeraResult, Value};

use crate::diag::suggest;
use crate::i18n::Arg;
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

fn find_doc(world: &World, path: &str, lang: LangId) -> TeraResult<usize> {
    memo::record(|| Read::Resolve(path.to_string(), lang));
    world.site.lookup(path, lang).map_err(|not_found| Error::message(not_found.to_string()))
}

fn url(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let path = kwargs.must_get::<&str>("path")?;
    let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
    let lang = current_lang(world, kwargs, state)?;
    let site = &world.site;
    let rel = if path.starts_with("@/") {
        if site.broken.contains(&site.key_of(path).0) {
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
    let args: Vec<(&str, Arg)> = kwargs
        .iter()
        .filter_map(|(name, value)| {
            let name = name.as_str().filter(|name| !matches!(*name, "key" | "lang"))?;
            let arg = match value.as_f64() {
                Some(n) if value.is_number() => Arg::Number(n),
                _ => Arg::Text(value.to_string()),
            };
            Some((name, arg))
        })
        .collect();
    let text = world.i18n.format(key, lang, world.locales.get(lang), &args).map_err(|d| tera_error(&d))?;
    Ok(Value::from(text))
}

/// A problem found by a template function, as Tera carries it to the template's line.
fn tera_error(d: &crate::diag::Diagnostic) -> Error {
    match &d.hint {
        Some(hint) => Error::message(format!("{}; {hint}", d.message)),
        None => Error::message(d.message.clone()),
    }
}
