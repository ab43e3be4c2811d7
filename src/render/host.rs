//! What one document's Markdown needs from templates and the site: `@/` link resolution,
//! shortcodes (`templates/shortcodes/NAME.html`, then the built-ins) and render hooks
//! (`templates/markdown/NAME.html`). Every lookup goes to the document's trace.

use tera::{Tera, Value};

use super::photos::Photos;
use super::templates::Templates;
use super::trace::{Read, TRACE_KEY, TraceId, doc_ref};
use super::world::World;
use crate::diag::{Diagnostic, suggest};
use crate::highlight::Highlighter;
use crate::ids::{DocId, LangId};
use crate::markdown::{ArgValue, CallSite, Hook, Host, ImageLookup, Local, Resolved};
use crate::stats::{self, StatsContext};

pub struct DocHost<'a> {
    pub world: &'a World,
    pub tera: &'a Tera,
    pub templates: &'a Templates,
    /// The trace of the document being rendered.
    pub trace: Option<TraceId>,
}

impl DocHost<'_> {
    fn record(&self, read: impl FnOnce() -> Read) {
        self.world.record(self.trace, read);
    }

    /// The base context with `values` and then the document's value as `page` (a value
    /// named `page` cannot hide it), and the document's trace.
    fn context(&self, doc: DocId, values: impl IntoIterator<Item = (String, Value)>) -> tera::Context {
        let mut context = self.world.base_context(self.world.site.doc(doc).lang);
        for (key, value) in values {
            context.insert_value(key, value);
        }
        self.record(|| Read::Doc(doc_ref(self.world.site.doc(doc))));
        context.insert_value("page", self.world.docs[doc].clone());
        if let Some(trace) = self.trace {
            context.insert_value(TRACE_KEY, trace.value());
        }
        context
    }

    /// A template's error as `WHAT failed: message (file:line:col)`, with its hint.
    fn failure(&self, what: &str, error: &tera::Error) -> Diagnostic {
        let d = self.templates.diagnostic(error);
        let place = d.location.map(|l| format!(" ({}:{}:{})", l.file, l.line, l.col)).unwrap_or_default();
        Diagnostic::error(format!("{what} failed: {}{place}", d.message)).maybe_hint(d.hint)
    }
}

impl Host for DocHost<'_> {
    fn resolve(&self, path: &str, lang: LangId) -> Resolved {
        self.record(|| Read::Resolve(path.to_string(), lang));
        self.world.resolved(path, lang)
    }

    fn shortcode(&self, site: &CallSite, body: Option<&str>) -> Result<String, Diagnostic> {
        let call = site.call;
        let template = format!("shortcodes/{}.html", call.name);
        self.record(|| Read::Template(template.clone()));
        if !self.templates.has(&template) {
            // The built-in shortcodes read one table each, named by `table=`.
            if let Some(ArgValue::Str(table)) = call.arg("table").map(|a| &a.value) {
                self.record(|| Read::Data(table.clone()));
            }
            let world = self.world;
            let stats = StatsContext {
                data: &world.data,
                locale: world.locales.get(site.lang),
                i18n: &world.i18n,
                lang: site.lang,
                lang_key: &world.site.config.languages[site.lang].key,
                nth: site.nth,
                zone: &world.site.config.time_zone,
            };
            if let Some(result) = stats::render(site, &stats) {
                return result;
            }
            let names = self.templates.shortcodes().chain(stats::BUILTINS);
            let hint = suggest(&call.name, names).unwrap_or_else(|| format!("create templates/{template}"));
            return Err(Diagnostic::error(format!("unknown shortcode `{}`", call.name)).hint(hint).at(site.at()));
        }
        let args = call.args.iter().map(|arg| (arg.name.clone(), arg_value(&arg.value)));
        let body = body.map(|body| ("body".to_string(), Value::safe_string(body)));
        let mut context = self.context(site.doc, args.chain(body));
        context.insert_value("nth", Value::from(site.nth));
        self.tera.render(&template, &context).map_err(|e| {
            let d = self.failure(&format!("the shortcode `{}`", call.name), &e).at(site.at());
            // A shortcode that shows a body, called without one.
            if d.message.contains("Variable `body` is not defined") && call.body.is_none() {
                d.hint(format!("`{0}` shows a body: write `{{% {0}() %}}`, the text, then `{{% end %}}`", call.name))
            } else {
                d
            }
        })
    }

    fn hook(&self, hook: &Hook, doc: DocId) -> Option<Result<String, Diagnostic>> {
        let template = hook.template_name();
        self.record(|| Read::Template(template.to_string()));
        if !self.templates.has(template) {
            return None;
        }
        let fields = Value::from_serializable(hook).into_map().unwrap_or_default();
        let fields = fields.into_iter().filter_map(|(key, value)| {
            let key = key.as_str()?.to_string();
            let value = if matches!(key.as_str(), "text" | "html") {
                Value::safe_string(value.as_str().unwrap_or_default())
            } else {
                value
            };
            Some((key, value))
        });
        let context = self.context(doc, fields);
        Some(self.tera.render(template, &context).map_err(|e| self.failure(&format!("the render hook {template}"), &e)))
    }

    fn has_hooks(&self) -> bool {
        self.templates.names().any(|name| name.starts_with("markdown/"))
    }

    fn highlighter(&self) -> &Highlighter {
        &self.world.highlighter
    }

    fn base_path(&self) -> &str {
        &self.world.site.config.base_url.prefix
    }

    fn has_image_hook(&self) -> bool {
        self.templates.has(Hook::IMAGE_TEMPLATE)
    }

    fn image(&self, src: &str, doc: DocId) -> ImageLookup {
        let (site, photos) = (&self.world.site, &self.world.photos);
        let doc = site.doc(doc);
        if let Some(rel) = Photos::output_path(site, doc, src) {
            self.record(|| Read::Image(rel));
        }
        photos.lookup(site, doc, src)
    }

    fn local(&self, href: &str, doc: DocId) -> Local {
        let site = &self.world.site;
        let doc = site.doc(doc);
        self.record(|| Read::Local(doc_ref(doc), href.to_string()));
        self.world.photos.local(site, doc, href)
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
