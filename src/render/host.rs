//! What Markdown rendering needs from templates and the site: `@/` link resolution,
//! shortcodes (`templates/shortcodes/NAME.html`, then the built-ins) and render hooks
//! (`templates/markdown/NAME.html`).

use tera::{Tera, Value};

use crate::diag::suggest;
use crate::highlight::Highlighter;
use crate::ids::DocId;
use crate::ids::LangId;
use crate::markdown::{ArgValue, Call, Hook, Host, Resolved, ShortcodeError, ShortcodeSite};
use crate::site::NotFound;
use crate::stats::{self, StatsContext};

use super::World;
use super::memo::{self, Read, doc_ref};
use super::templates::Templates;

pub struct DocHost<'a> {
    pub world: &'a World,
    pub tera: &'a Tera,
    pub templates: &'a Templates,
}

/// What an `@/` path means for Markdown in `lang` (see [`Site::lookup`]).
pub fn resolve(world: &World, path: &str, lang: LangId) -> Resolved {
    memo::record(|| Read::Resolve(path.to_string(), lang));
    let site = &world.site;
    match site.lookup(path, lang) {
        Ok(id) => Resolved::Found { path: site.path_of(&site.doc(id).rel), doc: id },
        Err(NotFound::Unpublished { why, .. }) => Resolved::Unpublished(why.describe()),
        Err(NotFound::Broken { .. }) => Resolved::Broken,
        Err(NotFound::Missing { hint, .. }) => Resolved::Missing { hint },
    }
}

impl Host for DocHost<'_> {
    fn resolve(&self, path: &str, lang: LangId) -> Resolved {
        resolve(self.world, path, lang)
    }

    fn shortcode(&self, call: &Call, body: Option<&str>, site: &ShortcodeSite) -> Result<String, ShortcodeError> {
        let template = format!("shortcodes/{}.html", call.name);
        memo::record(|| Read::Template(template.clone()));
        if !self.templates.has(&template) {
            // The built-in shortcodes read one table each, named by `table=`.
            if let Some(ArgValue::Str(table)) = call.arg("table").map(|a| &a.value) {
                memo::record(|| Read::Data(table.clone()));
            }
            let world = self.world;
            let stats = StatsContext {
                data: &world.data,
                locale: world.locales.get(site.lang),
                i18n: &world.i18n,
                lang: site.lang,
                lang_key: &world.site.config.languages[site.lang].key,
                nth: site.nth,
            };
            if let Some(result) = stats::render(call, &stats) {
                return result;
            }
            let names = self.templates.shortcodes().chain(stats::BUILTINS);
            return Err(ShortcodeError::new(format!("unknown shortcode `{}`", call.name))
                .hint(suggest(&call.name, names).or_else(|| Some(format!("create templates/{template}")))));
        }
        let mut context = self.world.base_context(site.lang);
        for arg in &call.args {
            context.insert_value(arg.name.clone(), arg_value(&arg.value));
        }
        if let Some(body) = body {
            context.insert_value("body", Value::safe_string(body));
        }
        memo::record(|| Read::Doc(doc_ref(self.world.site.doc(site.doc))));
        context.insert_value("page", self.world.docs[site.doc].clone());
        context.insert_value("nth", Value::from(site.nth));
        self.tera.render(&template, &context).map_err(|e| {
            let d = self.templates.diagnostic(&e);
            let at = d.location.map(|l| format!(" ({}:{}:{})", l.file, l.line, l.col)).unwrap_or_default();
            ShortcodeError::new(format!("the shortcode `{}` failed: {}{at}", call.name, d.message))
        })
    }

    fn hook(&self, hook: &Hook, doc: DocId) -> Option<Result<String, String>> {
        let template = hook.template_name();
        memo::record(|| Read::Template(template.to_string()));
        if !self.templates.has(template) {
            return None;
        }
        memo::record(|| Read::Doc(doc_ref(self.world.site.doc(doc))));
        let mut context = self.world.base_context(self.world.site.doc(doc).lang);
        if let Some(map) = Value::from_serializable(hook).as_map() {
            for (key, value) in map.iter() {
                if let Some(key) = key.as_str() {
                    let value = if matches!(key, "text" | "html") {
                        Value::safe_string(value.as_str().unwrap_or_default())
                    } else {
                        value.clone()
                    };
                    context.insert_value(key.to_string(), value);
                }
            }
        }
        context.insert_value("page", self.world.docs[doc].clone());
        Some(self.tera.render(template, &context).map_err(|e| {
            let d = self.templates.diagnostic(&e);
            let at = d.location.map(|l| format!(" ({}:{}:{})", l.file, l.line, l.col)).unwrap_or_default();
            format!("the render hook {template} failed: {}{at}", d.message)
        }))
    }

    fn highlighter(&self) -> &Highlighter {
        &self.world.highlighter
    }

    fn base_path(&self) -> &str {
        &self.world.site.config.base_url.prefix
    }
}

pub fn arg_value(value: &ArgValue) -> Value {
    match value {
        ArgValue::Str(s) => Value::from(s.as_str()),
        ArgValue::Int(i) => Value::from(*i),
        ArgValue::Float(f) => Value::from(*f),
        ArgValue::Bool(b) => Value::from(*b),
        ArgValue::List(items) => Value::from(items.iter().map(arg_value).collect::<Vec<_>>()),
    }
}
