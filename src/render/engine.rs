//! Tera, with the site's templates and regionprofil's functions and filters.
//!
//! Templates are compiled twice per build: for Markdown, only what shortcodes and render
//! hooks need, so that a mistake in a page template does not keep Markdown from being
//! rendered and its mistakes from being reported with it; then every template, for pages.

use std::sync::Arc;

use tera::{ErrorKind, Tera};

use super::templates::Templates;
use super::world::World;
use super::{filters, functions};
use crate::diag::{Diagnostic, Diagnostics, did_you_mean};

/// Which templates a Tera is made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Shortcodes, render hooks and what they extend or include.
    Markdown,
    /// Every template.
    Pages,
}

/// A Tera whose functions see `world`; on a mistake, every template's mistakes.
pub fn compile(templates: &Templates, world: Arc<World>, phase: Phase) -> Result<Tera, Diagnostics> {
    match phase {
        Phase::Pages => compile_only(templates, &world, |_| true),
        Phase::Markdown => {
            let needed = templates.for_markdown();
            compile_only(templates, &world, |name| needed.contains(name))
                // Report every template's mistakes, not only those of the ones Markdown needs.
                .map_err(|errors| compile_only(templates, &world, |_| true).err().unwrap_or(errors))
        }
    }
}

fn compile_only(templates: &Templates, world: &Arc<World>, wanted: impl Fn(&str) -> bool) -> Result<Tera, Diagnostics> {
    let diagnostics = |e: &tera::Error| templates.diagnostics(e).into_iter().map(with_nearest_name);
    let mut tera = empty(world);
    let sources = templates.sources().filter(|(name, _)| wanted(name));
    match tera.add_raw_templates(sources.clone()) {
        Ok(()) => Ok(tera),
        // Checks across templates (includes, parents, blocks, filters) report every mistake
        // in one error.
        Err(first) if !matches!(first.kind(), ErrorKind::SyntaxError(_)) => Err(diagnostics(&first).collect()),
        Err(first) => {
            // Tera stops at the first template that does not parse: compile each alone to
            // report them all. Alone, a template's parent and includes are missing, which is
            // not a mistake when the site or theme has them.
            let mut diags = Diagnostics::new();
            let known_include = |d: &Diagnostic| {
                templates.names().any(|name| d.message.starts_with(&format!("Unknown template `{name}`")))
            };
            for (name, text) in sources {
                let mut alone = empty(world);
                if let Err(e) = alone.add_raw_template(name, text)
                    && !matches!(e.kind(), ErrorKind::MissingParent { .. })
                {
                    diags.extend(diagnostics(&e).filter(|d| !known_include(d)));
                }
            }
            if !diags.has_errors() {
                diags.extend(diagnostics(&first));
            }
            Err(diags)
        }
    }
}

/// "Unknown filter `uper`" and "Unknown function `get_pag`", with the nearest name that
/// exists.
fn with_nearest_name(d: Diagnostic) -> Diagnostic {
    let near = match d.message.split_once(" `") {
        _ if d.hint.is_some() => None,
        Some(("Unknown filter", name)) => did_you_mean(name.trim_end_matches('`'), filters::NAMES),
        Some(("Unknown function", name)) => did_you_mean(name.trim_end_matches('`'), functions::names()),
        _ => None,
    };
    match near {
        Some(near) => d.hint(format!("did you mean `{near}`?")),
        None => d,
    }
}

fn empty(world: &Arc<World>) -> Tera {
    let mut tera = Tera::new();
    tera.autoescape_on([".html", ".htm", ".xml", ".svg"]);
    functions::register(&mut tera, world.clone());
    filters::register(&mut tera, world.clone());
    tera
}
