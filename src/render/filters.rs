//! Template filters, in the language of the page being rendered:
//! `num(decimals?)`, `percent(decimals?)`, `date_local(format?)`, `markdown`, `slugify`,
//! plus `date`, `json_encode`, `urlencode`, `striptags` from tera-contrib.

use std::sync::Arc;

use tera::{Error, Kwargs, State, TeraResult, Value};

use super::trace::{Read, TraceId};
use super::world::{World, tera_error};
use crate::dates::Moment;
use crate::diag::Diagnostic;
use crate::locale::DateStyle;
use crate::markdown::{self, CallSite, Hook, Host, Resolved};

/// Every filter a template can use — Tera's own, then those [`register`] adds — for the
/// nearest name when a template uses one that does not exist.
pub const NAMES: [&str; 47] = [
    "safe",
    "default",
    "upper",
    "lower",
    "wordcount",
    "escape",
    "escape_html",
    "escape_xml",
    "newlines_to_br",
    "pluralize",
    "trim",
    "trim_start",
    "trim_end",
    "replace",
    "capitalize",
    "title",
    "truncate",
    "indent",
    "str",
    "int",
    "float",
    "length",
    "reverse",
    "split",
    "abs",
    "round",
    "first",
    "last",
    "nth",
    "join",
    "sort",
    "unique",
    "get",
    "values",
    "keys",
    "pairs",
    "group_by",
    // Registered here.
    "num",
    "percent",
    "date_local",
    "markdown",
    "slugify",
    "date",
    "json_encode",
    "urlencode",
    "urlencode_strict",
    "striptags",
];

pub fn register(tera: &mut tera::Tera, world: Arc<World>) {
    let w = world.clone();
    tera.register_filter("num", move |value: &Value, kwargs: Kwargs, state: &State| {
        let n = number(value, "num")?;
        let lang = w.lang_of(&kwargs, state)?;
        Ok::<_, Error>(w.locales.get(lang).number(n, kwargs.get::<u32>("decimals")?))
    });
    let w = world.clone();
    tera.register_filter("percent", move |value: &Value, kwargs: Kwargs, state: &State| {
        let n = number(value, "percent")?;
        let lang = w.lang_of(&kwargs, state)?;
        Ok::<_, Error>(w.locales.get(lang).percent(n, kwargs.get::<u32>("decimals")?))
    });
    let w = world.clone();
    tera.register_filter("date_local", move |value: &str, kwargs: Kwargs, state: &State| {
        let moment: Moment =
            value.parse().map_err(|d: Diagnostic| Error::message(format!("date_local: {}", d.message)))?;
        let format = kwargs.get::<&str>("format")?.unwrap_or("long");
        let style = DateStyle::parse(format).ok_or_else(|| {
            Error::message(format!("date_local: format `{format}` is not one of full, long, medium, short"))
        })?;
        let lang = w.lang_of(&kwargs, state)?;
        Ok::<_, Error>(w.locales.get(lang).date(moment.date(&w.site.config.time_zone), style))
    });
    let w = world;
    tera.register_filter("markdown", move |value: &str, kwargs: Kwargs, state: &State| {
        let lang = w.lang_of(&kwargs, state)?;
        let host = FragmentHost { world: &w, trace: TraceId::in_context(state) };
        let html = markdown::render_fragment(value, 0, lang, &host).map_err(|errors| tera_error(&errors))?;
        let inline = kwargs.get::<bool>("inline")?.unwrap_or(false);
        let html = if inline { unwrap_paragraph(&html) } else { html };
        Ok::<_, Error>(Value::safe_string(&html))
    });
    tera.register_filter("slugify", |value: &str, _: Kwargs, _: &State| crate::slug::slugify(value));
    tera.register_filter("date", tera_contrib::dates::date);
    tera.register_filter("json_encode", tera_contrib::json::json_encode);
    tera.register_filter("urlencode", tera_contrib::urlencode::urlencode);
    tera.register_filter("urlencode_strict", tera_contrib::urlencode::urlencode_strict);
    tera.register_filter("striptags", tera_contrib::regex::striptags);
}

fn number(value: &Value, filter: &str) -> TeraResult<f64> {
    match value.as_f64() {
        Some(n) if value.is_number() => Ok(n),
        _ => Err(Error::message(format!("`{filter}` formats numbers, and this is {}", value.name()))),
    }
}

fn unwrap_paragraph(html: &str) -> String {
    let trimmed = html.trim();
    match trimmed.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => html.to_string(),
    }
}

/// Markdown in templates resolves `@/` links, into the trace of the page the template
/// renders; shortcodes and hooks belong to documents.
struct FragmentHost<'a> {
    world: &'a World,
    trace: Option<TraceId>,
}

impl Host for FragmentHost<'_> {
    fn resolve(&self, path: &str, lang: crate::ids::LangId) -> Resolved {
        self.world.record(self.trace, || Read::Resolve(path.to_string(), lang));
        self.world.resolved(path, lang)
    }

    fn shortcode(&self, site: &CallSite, _: Option<&str>) -> Result<String, Diagnostic> {
        Err(Diagnostic::error(format!("the shortcode `{}` cannot be used in the markdown filter", site.call.name)))
    }

    fn hook(&self, _: &Hook, _: crate::ids::DocId) -> Option<Result<String, Diagnostic>> {
        None
    }

    fn has_hooks(&self) -> bool {
        false
    }

    fn highlighter(&self) -> &crate::highlight::Highlighter {
        &self.world.highlighter
    }

    fn base_path(&self) -> &str {
        &self.world.site.config.base_url.prefix
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_tera_filter_named_is_one() {
        let tera_own = &super::NAMES[..super::NAMES.iter().position(|n| *n == "num").unwrap_or(0)];
        for name in tera_own {
            let rendered = tera::Tera::one_off(&format!("{{{{ 1 | {name} }}}}"), &tera::Context::new(), false);
            let error = rendered.err().map(|e| format!("{e:?}")).unwrap_or_default();
            assert!(!error.contains("Unknown filter") && !error.contains("not found"), "{name}: {error}");
        }
        let unknown = tera::Tera::one_off("{{ 1 | uper }}", &tera::Context::new(), false).expect_err("unknown");
        let unknown = format!("{unknown:?}");
        assert!(unknown.contains("Unknown filter") || unknown.contains("not found"), "{unknown}");
    }
}
