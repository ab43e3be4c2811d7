//! Template functions. Each looks things up in the built site and never reads files; each
//! works in the language of the page being rendered unless given `lang=`, and notes what
//! it looked up in the trace the template carries.
//!
//! `url(path, lang?, absolute?)`, `get_page(path, lang?)`,
//! `get_section(path, lang?, metadata_only?)`, `asset(path)`, `t(key, lang?, count?, …)`,
//! `data(name)`, `stat(table, row, col)`, `image(path)`, `resize(path, width, height?,
//! format?)`.

use std::path::Path;
use std::sync::Arc;

use tera::{Error, Kwargs, State, TeraResult, Value};

use super::photos::Found;
use super::trace::{Read, TraceId, doc_ref};
use super::world::{World, tera_error};
use crate::diag::suggest;
use crate::i18n::Arg;
use crate::ids::{DocId, LangId};
use crate::images::{Format, Shape, WIDTHS};

type Function = fn(&World, &Kwargs, &State) -> TeraResult<Value>;

const FUNCTIONS: [(&str, Function); 9] = [
    ("url", url),
    ("get_page", |world, kwargs, state| get_doc(world, kwargs, state, false)),
    ("get_section", |world, kwargs, state| get_doc(world, kwargs, state, true)),
    ("asset", asset),
    ("t", translate),
    ("data", data),
    ("stat", stat),
    ("image", image),
    ("resize", resize),
];

/// Every function a template can call: Tera's own and those [`register`] adds.
pub fn names() -> impl Iterator<Item = &'static str> + Clone {
    ["range", "throw"].into_iter().chain(FUNCTIONS.iter().map(|(name, _)| *name))
}

pub fn register(tera: &mut tera::Tera, world: Arc<World>) {
    for (name, function) in FUNCTIONS {
        let world = world.clone();
        tera.register_function(name, move |kwargs: Kwargs, state: &State| function(&world, &kwargs, state));
    }
}

fn find_doc(world: &World, path: &str, lang: LangId, state: &State) -> TeraResult<DocId> {
    world.record(TraceId::in_context(state), || Read::Resolve(path.to_string(), lang));
    world.site.lookup(path, lang).map_err(|not_found| Error::message(not_found.to_string()))
}

fn url(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let path = kwargs.must_get::<&str>("path")?;
    let absolute = kwargs.get::<bool>("absolute")?.unwrap_or(false);
    let lang = world.lang_of(kwargs, state)?;
    let site = &world.site;
    let rel = if path.starts_with("@/") {
        if site.broken.contains(&site.key_of(path).0) {
            // The page's own error is reported; one mistake should read as one error.
            return Ok(Value::from("#"));
        }
        let id = find_doc(world, path, lang, state)?;
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
    let lang = world.lang_of(kwargs, state)?;
    let metadata_only = section && kwargs.get::<bool>("metadata_only")?.unwrap_or(false);
    let id = find_doc(world, path, lang, state)?;
    let found = doc_ref(world.site.doc(id));
    let trace = TraceId::in_context(state);
    if !section {
        world.record(trace, || Read::Doc(found));
        return Ok(world.docs[id].clone());
    }
    let (values, read) = if metadata_only {
        (&world.section_metadata, Read::SectionMetadata(found))
    } else {
        (&world.sections, Read::Section(found))
    };
    world.record(trace, || read);
    values[id].clone().ok_or_else(|| Error::message(format!("`{path}` is a page; use get_page, or name its _index.md")))
}

fn asset(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let path = kwargs.must_get::<&str>("path")?.trim_start_matches('/');
    world.record(TraceId::in_context(state), || Read::Asset(path.to_string()));
    match world.fingerprints.get(path) {
        Some(hash) => Ok(Value::from(format!("{}?h={hash}", world.site.path_of(path)))),
        None => {
            let hint = suggest(path, world.fingerprints.keys().map(String::as_str)).unwrap_or_default();
            Err(Error::message(format!("no file `{path}` in static/ or the theme's static/; {hint}")))
        }
    }
}

/// A table (columns, rows with cells by column, provenance) or plain data, by name.
fn data(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let name = kwargs.must_get::<&str>("name")?;
    world.record(TraceId::in_context(state), || Read::Data(name.to_string()));
    if let Some(plain) = world.data.plain.get(name) {
        return Ok(Value::from_serializable(plain));
    }
    if world.data.broken.contains(name) {
        return Ok(Value::none()); // the file's own error is reported: one mistake, one error
    }
    let table = world.data.table(name).map_err(|e| tera_error([&e]))?;
    Ok(Value::from_serializable(&table.to_json()))
}

/// One value: a number, text, or none when the data marks it missing.
fn stat(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let name = kwargs.must_get::<&str>("table")?;
    world.record(TraceId::in_context(state), || Read::Data(name.to_string()));
    if world.data.broken.contains(name) {
        return Ok(Value::none()); // as `data`
    }
    let table = world.data.table(name).map_err(|e| tera_error([&e]))?;
    let row = table.row(kwargs.must_get::<&str>("row")?).map_err(|e| tera_error([&e]))?;
    let col = table.column(kwargs.must_get::<&str>("col")?).map_err(|e| tera_error([&e]))?;
    Ok(Value::from_serializable(&table.cell(row, col).to_json()))
}

fn translate(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let key = kwargs.must_get::<&str>("key")?;
    let lang = world.lang_of(kwargs, state)?;
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
    let text = world.i18n.format(key, lang, world.locales.get(lang), &args).map_err(|d| tera_error([&d]))?;
    Ok(Value::from(text))
}

/// The versions of a photo, as the Markdown image hook gets them.
fn image(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let (rel, path, display) = photo_at(world, kwargs, state)?;
    let picture = world.photos.catalog.picture(path, display, &rel, |rel| world.site.path_of(rel));
    picture.map(|p| Value::from_serializable(&p)).map_err(Error::message)
}

/// One version of a photo: `width` wide, or cut to `width` × `height` from its middle;
/// in `format` (`jpeg`, `png`, `webp`; the photo's own by default).
fn resize(world: &World, kwargs: &Kwargs, state: &State) -> TeraResult<Value> {
    let (rel, path, display) = photo_at(world, kwargs, state)?;
    let size = |name: &str, value: Option<u32>| match value {
        Some(n) if !WIDTHS.contains(&n) => Err(Error::message(format!(
            "`{name}={n}` is not a size regionprofil makes; give {} to {} pixels",
            WIDTHS.start(),
            WIDTHS.end()
        ))),
        _ => Ok(value),
    };
    let width = size("width", Some(kwargs.must_get::<u32>("width")?))?.unwrap_or_default();
    let shape = match size("height", kwargs.get::<u32>("height")?)? {
        Some(height) => Shape::Crop(width, height),
        None => Shape::Width(width),
    };
    let format = match kwargs.get::<&str>("format")? {
        None => None,
        Some(name) => Some(Format::of_path(&format!(".{name}")).ok_or_else(|| {
            Error::message(format!("`format={name}` is not a format regionprofil writes; give jpeg, png or webp"))
        })?),
    };
    let version = world.photos.catalog.version(path, display, &rel, shape, format, |rel| world.site.path_of(rel));
    version.map(|v| Value::from_serializable(&v)).map_err(Error::message)
}

/// The photo `path=` names, from the site's root as `asset()` takes it: its output path,
/// file and path as the author knows it.
fn photo_at<'w>(world: &'w World, kwargs: &Kwargs, state: &State) -> TeraResult<(String, &'w Path, &'w str)> {
    let rel = kwargs.must_get::<&str>("path")?.trim_start_matches('/').to_string();
    world.record(TraceId::in_context(state), || Read::Image(rel.clone()));
    match world.photos.find(&rel) {
        Found::Photo { path, display, .. } => Ok((rel, path, display)),
        Found::Missing { hint } => {
            Err(Error::message(format!("no image `{rel}` in static/ or in a page's folder; {hint}")))
        }
        Found::Other => Err(Error::message(format!(
            "`{rel}` is not a JPEG, PNG or WebP file; only those are published in other sizes"
        ))),
    }
}
