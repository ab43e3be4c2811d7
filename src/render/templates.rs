//! The site's Tera templates (site files over theme files), compiled with regionprofil's
//! functions and filters, and Tera errors turned into diagnostics at the template line.

use std::collections::BTreeMap;
use std::sync::Arc;

use tera::{ErrorKind, Tera};

use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::source::{Area, SourceTree};

use super::World;

pub struct Templates {
    /// Template name (path under `templates/`) → (shown path, text).
    sources: BTreeMap<String, (String, String)>,
}

impl Templates {
    pub fn collect(tree: &SourceTree) -> Templates {
        let sources = tree
            .area(Area::Templates)
            .map(|(_, f)| (f.rel.clone(), (f.display.clone(), f.text().to_string())))
            .collect();
        Templates { sources }
    }

    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    pub fn names(&self) -> impl Iterator<Item = &str> + Clone {
        self.sources.keys().map(String::as_str)
    }

    /// Shortcode names defined by templates (`shortcodes/NAME.html`).
    pub fn shortcodes(&self) -> impl Iterator<Item = &str> + Clone {
        self.names().filter_map(|n| n.strip_prefix("shortcodes/")).filter_map(|n| n.strip_suffix(".html"))
    }

    /// A Tera with every template, whose functions see `world`.
    pub fn compile(&self, world: Arc<World>) -> Result<Tera, Diagnostics> {
        let mut tera = Self::empty(world.clone());
        let all = self.sources.iter().map(|(name, (_, text))| (name.as_str(), text.as_str()));
        match tera.add_raw_templates(all) {
            Ok(()) => Ok(tera),
            Err(first) => {
                // Tera stops at the first broken template: compile each alone to report them all.
                let mut diags = Diagnostics::new();
                for (name, (_, text)) in &self.sources {
                    let mut alone = Self::empty(world.clone());
                    if let Err(e) = alone.add_raw_template(name, text)
                        && !matches!(e.kind(), ErrorKind::MissingParent { .. })
                    {
                        diags.push(self.diagnostic(&e));
                    }
                }
                if !diags.has_errors() {
                    diags.push(self.diagnostic(&first));
                }
                Err(diags)
            }
        }
    }

    fn empty(world: Arc<World>) -> Tera {
        let mut tera = Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml", ".svg"]);
        super::functions::register(&mut tera, world.clone());
        super::filters::register(&mut tera, world);
        tera
    }

    /// A Tera error as a diagnostic at the template file, line and column.
    pub fn diagnostic(&self, error: &tera::Error) -> Diagnostic {
        match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let message = first_line(report.message());
                match self.sources.get(report.filename()) {
                    Some((display, text)) => {
                        let range = report.span().range.clone();
                        let range = range.start.min(text.len())..range.end.min(text.len());
                        Diagnostic::error(message).at(Location::in_text(display, text, range))
                    }
                    None => Diagnostic::error(format!("{message} (in template `{}`)", report.filename())),
                }
            }
            ErrorKind::MissingParent { current, parent } => {
                let at = self.sources.get(current).map(|(display, _)| Location::file(display));
                let d = Diagnostic::error(format!("`{current}` extends `{parent}`, which does not exist"))
                    .maybe_hint(crate::diag::suggest(parent, self.names()));
                match at {
                    Some(at) => d.at(at),
                    None => d,
                }
            }
            ErrorKind::TemplateNotFound(name) => Diagnostic::error(format!("there is no template `{name}`"))
                .maybe_hint(crate::diag::suggest(name, self.names())),
            _ => {
                let mut message = error.to_string();
                let mut source = std::error::Error::source(error);
                while let Some(cause) = source {
                    message.push_str(": ");
                    message.push_str(&cause.to_string());
                    source = cause.source();
                }
                Diagnostic::error(message)
            }
        }
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_string()
}
