//! The site's Tera templates (site files over theme files): what each needs, their
//! digests, and Tera errors turned into diagnostics at the template line. Compiling them
//! with regionprofil's functions is [`super::engine`]'s job.

use std::collections::{BTreeMap, BTreeSet};

use tera::ErrorKind;

use crate::diag::{Diagnostic, Location};
use crate::source::{Area, SourceTree};

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

    /// Each template's digest, covering the templates it needs (see [`Self::needed_by`]),
    /// so that a change to one template touches exactly the pages rendered with it.
    pub fn digests(&self) -> BTreeMap<String, super::digest::Digest> {
        let own: BTreeMap<&str, super::digest::Digest> =
            self.sources.iter().map(|(name, (_, text))| (name.as_str(), super::digest::of(text))).collect();
        self.sources
            .keys()
            .map(|name| {
                // A name without a template is part of the digest too: creating it changes it.
                let closure: Vec<(&str, Option<&super::digest::Digest>)> =
                    self.needed_by([name.as_str()]).into_iter().map(|n| (n, own.get(n))).collect();
                (name.clone(), super::digest::of(closure))
            })
            .collect()
    }

    /// The names `roots` need to render: themselves, what they extend and include, all the
    /// way down, and every template that defines components (any template may call them).
    fn needed_by<'a>(&'a self, roots: impl IntoIterator<Item = &'a str>) -> BTreeSet<&'a str> {
        let components =
            self.sources.iter().filter(|(_, (_, text))| !tags(text, "component").is_empty()).map(|(n, _)| n.as_str());
        self.reached(roots.into_iter().chain(components).collect(), &["extends", "include"]).into_iter().collect()
    }

    /// The names reached from `start` by following the `{% TAG %}`s of `follow`, each once,
    /// nearest first.
    fn reached<'a>(&'a self, mut stack: Vec<&'a str>, follow: &[&str]) -> Vec<&'a str> {
        let mut seen = BTreeSet::new();
        let mut order = Vec::new();
        while let Some(current) = stack.pop() {
            if !seen.insert(current) {
                continue;
            }
            order.push(current);
            if let Some((_, text)) = self.sources.get(current) {
                for tag in follow {
                    stack.extend(tags(text, tag));
                }
            }
        }
        order
    }

    /// The templates Markdown needs: shortcodes, render hooks and what they use.
    pub fn for_markdown(&self) -> BTreeSet<&str> {
        self.needed_by(self.names().filter(|n| n.starts_with("shortcodes/") || n.starts_with("markdown/")))
    }

    /// (name, text) of every template.
    pub fn sources(&self) -> impl Iterator<Item = (&str, &str)> + Clone {
        self.sources.iter().map(|(name, (_, text))| (name.as_str(), text.as_str()))
    }

    /// A Tera error as a diagnostic at the template file, line and column.
    pub fn diagnostic(&self, error: &tera::Error) -> Diagnostic {
        self.diagnostics(error).into_iter().next().unwrap_or_else(|| Diagnostic::error(error.to_string()))
    }

    /// A Tera error as diagnostics: checks done when templates are added (unknown
    /// functions, filters, includes) come as one message holding a report per mistake.
    pub fn diagnostics(&self, error: &tera::Error) -> Vec<Diagnostic> {
        let d = match error.kind() {
            ErrorKind::SyntaxError(report) | ErrorKind::RenderingError(report) => {
                let message = first_line(report.message());
                match self.sources.get(report.filename()) {
                    Some((display, text)) => {
                        let range = report.span().range.clone();
                        let range = range.start.min(text.len())..range.end.min(text.len());
                        let (message, available) = without_available_names(message);
                        let hint = unclosed_tag_hint(&message, text, range.start).or(available);
                        Diagnostic::error(message).at(Location::in_text(display, text, range)).maybe_hint(hint)
                    }
                    None => Diagnostic::error(format!("{message} (in template `{}`)", report.filename())),
                }
            }
            ErrorKind::MissingParent { current, parent } => {
                let d = Diagnostic::error(format!("`{current}` extends `{parent}`, which does not exist"))
                    .maybe_hint(crate::diag::suggest(parent, self.names()));
                self.at_tag(d, current, "extends")
            }
            ErrorKind::CircularExtend { tpl, inheritance_chain } => {
                let chain = inheritance_chain.iter().chain([tpl]).map(String::as_str).collect::<Vec<_>>().join(" → ");
                let d = Diagnostic::error(format!("`{tpl}` extends itself: {chain}"))
                    .hint("a template can only extend one that does not lead back to it");
                self.at_tag(d, tpl, "extends")
            }
            ErrorKind::CircularInclude { tpl, include_chain } => {
                let chain = include_chain.join(" → ");
                let d = Diagnostic::error(format!("`{tpl}` includes itself: {chain}"))
                    .hint("an include that leads back to its own template would never end");
                self.at_tag(d, tpl, "include")
            }
            ErrorKind::TemplateNotFound(name) => Diagnostic::error(format!("there is no template `{name}`"))
                .maybe_hint(crate::diag::suggest(name, self.names())),
            // The arrow is indented by the width of the line number: ` --> `, `  --> `.
            ErrorKind::Msg(message) if message.lines().any(|l| l.trim_start().starts_with("--> ")) => {
                return self.reports(message);
            }
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
        };
        vec![d]
    }

    /// Tera's text reports (`error: MESSAGE` then ` --> NAME:LINE:COL`) as diagnostics at
    /// the template's real path.
    fn reports(&self, text: &str) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        let mut lines = text.lines().peekable();
        while let Some(line) = lines.next() {
            let Some(message) = line.trim_start().strip_prefix("error: ") else { continue };
            let message = message.trim_start_matches("error: ").to_string();
            let place = lines.peek().and_then(|l| l.trim_start().strip_prefix("--> ")).and_then(|place| {
                let mut parts = place.rsplitn(3, ':');
                let col: usize = parts.next()?.parse().ok()?;
                let line: usize = parts.next()?.parse().ok()?;
                Some((parts.next()?.to_string(), line, col))
            });
            let d = Diagnostic::error(message.clone());
            out.push(match place.and_then(|(name, line, col)| Some((self.sources.get(&name)?, name, line, col))) {
                Some(((display, text), name, line, col)) => {
                    let start = crate::diag::offset_of(text, line, col);
                    // Underline the name the message quotes (with its quotes, for a template name).
                    let name_len = message.split('`').nth(1).map_or(1, str::len).max(1);
                    let quoted = text[start..].starts_with(['"', '\'']);
                    let len = if quoted { name_len + 2 } else { name_len };
                    let hint = self.block_hint(&message, &name);
                    Diagnostic::error(message)
                        .at(Location::in_text(display, text, start..(start + len).min(text.len())))
                        .maybe_hint(hint)
                }
                None => d,
            });
        }
        out
    }

    /// For "Block `X` is not defined in any parent template": the blocks `template`'s
    /// parents do define, nearest first.
    fn block_hint(&self, message: &str, template: &str) -> Option<String> {
        let block = message.strip_prefix("Block `")?.split('`').next()?;
        let parents = self.sources.get(template).map(|(_, t)| tags(t, "extends")).unwrap_or_default();
        let parents = self.reached(parents, &["extends"]);
        let mut blocks: Vec<&str> =
            parents.iter().filter_map(|p| self.sources.get(*p)).flat_map(|(_, text)| tags(text, "block")).collect();
        // A block that more than one parent defines is offered once.
        let mut offered = BTreeSet::new();
        blocks.retain(|b| offered.insert(*b));
        // A theme template over a parent the site replaced: the site's copy lacks a block
        // the theme's had, and it is the site's copy that needs it.
        let is_site_own =
            |name: &str| self.sources.get(name).is_some_and(|(display, _)| *display == format!("templates/{name}"));
        if !is_site_own(template)
            && let Some(replaced) = parents.iter().find(|p| is_site_own(p))
        {
            return Some(format!(
                "`templates/{replaced}` replaces the theme's `{replaced}`, which the theme's `{template}` extends: \
                 give it `{{% block {block} %}}{{% endblock %}}`, or replace `{template}` too"
            ));
        }
        // Shown by path, so a site template that replaced the theme's is plain to see.
        let names = parents
            .iter()
            .collect::<BTreeSet<_>>()
            .into_iter()
            .filter_map(|n| self.sources.get(*n))
            .map(|(display, _)| format!("`{display}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let defined =
            crate::diag::suggest(block, blocks.iter().copied()).unwrap_or_else(|| "they define no blocks".to_string());
        Some(format!("a template fills only the blocks of the templates it extends ({names}): {defined}"))
    }

    /// `d` at the first `{% TAG` of a template, or at the template file.
    fn at_tag(&self, d: Diagnostic, template: &str, tag: &str) -> Diagnostic {
        match self.sources.get(template) {
            Some((display, text)) => {
                let at = text.find(&format!("{{% {tag}")).map_or(0..0, |i| i..i + 3 + tag.len());
                d.at(Location::in_text(display, text, at))
            }
            None => d,
        }
    }
}

/// The quoted names after `{% TAG` in a template: `{% include "partials/card.html" %}`.
/// For `component`, the tag itself is what matters, so its name is returned as written.
fn tags<'a>(text: &'a str, tag: &str) -> Vec<&'a str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{%") {
        rest = &rest[start + 2..];
        let after = rest.trim_start_matches('-').trim_start();
        let Some(after) = after.strip_prefix(tag) else { continue };
        if !after.starts_with(char::is_whitespace) {
            continue;
        }
        let after = after.trim_start();
        let Some(quote) = after.chars().next().filter(|c| matches!(c, '"' | '\'' | '`')) else {
            names.push(after.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or_default());
            continue;
        };
        if let Some(end) = after[1..].find(quote) {
            names.push(&after[1..1 + end]);
        }
    }
    names
}

/// Tera's "Field `titel` is not defined. Available fields: a, b, …" (or variables): the
/// first sentence as the message, and the nearest name, else the names, as the hint.
fn without_available_names(message: String) -> (String, Option<String>) {
    let Some((said, names)) =
        message.split_once(". Available fields: ").or_else(|| message.split_once(". Available variables: "))
    else {
        return (message, None);
    };
    let asked = said.split('`').nth(1).unwrap_or_default();
    let names = names.trim_end_matches('.').split(", ").map(str::trim);
    (said.to_string(), crate::diag::suggest(asked, names))
}

/// Tags that a `{% endTAG %}` closes.
const PAIRED_TAGS: [&str; 6] = ["if", "for", "block", "filter", "raw", "component"];

/// The first word of the tag that starts at or just after `{%` in `text`: `for`, `endif`.
fn tag_word(text: &str) -> &str {
    let inner = text.trim_start_matches(['{', '%', '-']).trim_start();
    inner.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or_default()
}

/// The paired tags still open at `at` in `text`, outermost first, with their lines.
fn open_tags(text: &str, at: usize) -> Vec<(&str, usize)> {
    let mut open: Vec<(&str, usize)> = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..at].find("{%").map(|i| from + i) {
        let word = tag_word(&text[start..]);
        if let Some(closed) = word.strip_prefix("end") {
            if open.last().is_some_and(|(tag, _)| *tag == closed) {
                open.pop();
            }
        } else if PAIRED_TAGS.contains(&word) {
            open.push((word, text[..start].matches('\n').count() + 1));
        }
        from = start + 2;
    }
    open
}

/// A hint for Tera's syntax errors about tags: at an `end…` tag it does not expect, the
/// tag still open there (`{% for %}` on line 4 with no `{% endfor %}`) or that nothing is
/// open; at the end of the template, every tag left open.
fn unclosed_tag_hint(message: &str, text: &str, at: usize) -> Option<String> {
    match message {
        "Unknown tag" => {
            let closing = tag_word(&text[at..]).strip_prefix("end")?;
            let open = open_tags(text, at);
            // A closing tag that nothing opened is the mistake itself; otherwise the
            // innermost open tag is the one left unclosed.
            Some(match open.last().filter(|_| open.iter().any(|(tag, _)| *tag == closing)) {
                Some((tag, line)) => format!(
                    "the `{{% {tag} %}}` on line {line} is not closed: add `{{% end{tag} %}}` before this `{{% end{closing} %}}`"
                ),
                None => format!("there is no `{{% {closing} %}}` open here for this `{{% end{closing} %}}` to close"),
            })
        }
        "Unexpected end of input" => {
            let open = open_tags(text, text.len());
            let (tag, line) = open.last()?;
            let closers: Vec<String> = open.iter().rev().map(|(tag, _)| format!("{{% end{tag} %}}")).collect();
            Some(format!(
                "the `{{% {tag} %}}` on line {line} is not closed: end the template with `{}`",
                closers.join("")
            ))
        }
        _ => None,
    }
}

fn first_line(message: &str) -> String {
    message.lines().next().unwrap_or(message).trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_of_a_tera_error_is_a_diagnostic_at_its_line() {
        let text = format!("{}{{{{ a | nope }}}}\n{{{{ b | nix }}}}\n", "\n".repeat(9));
        let templates =
            Templates { sources: [("page.html".to_string(), ("templates/page.html".to_string(), text))].into() };
        // Lines 10 and 11: the arrows are indented by two spaces, as Tera writes them.
        let error = tera::Error::message(
            "error: Unknown filter `nope`\n  --> page.html:10:8\n   |\n\n\
             error: Unknown filter `nix`\n  --> page.html:11:8\n   |\n",
        );
        let found: Vec<(String, u32, u32)> = templates
            .diagnostics(&error)
            .into_iter()
            .map(|d| {
                let at = d.location.expect("located");
                (d.message, at.line, at.col)
            })
            .collect();
        assert_eq!(
            found,
            [("Unknown filter `nope`".to_string(), 10, 8), ("Unknown filter `nix`".to_string(), 11, 8)].to_vec()
        );
    }

    #[test]
    fn a_block_missing_from_a_replaced_parent_is_asked_of_the_site_s_copy() {
        let source = |display: &str, text: &str| (display.to_string(), text.to_string());
        let templates = Templates {
            sources: [
                (
                    "base.html".to_string(),
                    source("<built-in theme>/templates/base.html", "{% block content %}{% endblock %}"),
                ),
                (
                    "page.html".to_string(),
                    source("templates/page.html", "{% extends \"base.html\" %}{% block content %}{% endblock %}"),
                ),
                (
                    "job.html".to_string(),
                    source(
                        "<built-in theme>/templates/job.html",
                        "{% extends \"page.html\" %}{% block facts %}{% endblock %}",
                    ),
                ),
                (
                    "own.html".to_string(),
                    source("templates/own.html", "{% extends \"page.html\" %}{% block contnt %}{% endblock %}"),
                ),
            ]
            .into(),
        };
        let hint = templates.block_hint("Block `facts` is not defined in any parent template", "job.html");
        assert_eq!(
            hint.as_deref(),
            Some(
                "`templates/page.html` replaces the theme's `page.html`, which the theme's `job.html` extends: \
                 give it `{% block facts %}{% endblock %}`, or replace `job.html` too"
            )
        );
        // The site's own template is told the blocks it may fill, each once.
        let hint = templates.block_hint("Block `contnt` is not defined in any parent template", "own.html");
        assert_eq!(
            hint.as_deref(),
            Some(
                "a template fills only the blocks of the templates it extends (`<built-in theme>/templates/base.html`, `templates/page.html`): did you mean `content`?"
            )
        );
    }

    #[test]
    fn an_undefined_field_gets_the_nearest_name() {
        let (message, hint) =
            without_available_names("Field `titel` is not defined. Available fields: date, title, toc".into());
        assert_eq!(
            (message.as_str(), hint.as_deref()),
            ("Field `titel` is not defined", Some("did you mean `title`?"))
        );
        let (_, hint) =
            without_available_names("Variable `body` is not defined. Available variables: lang, page".into());
        assert_eq!(hint.as_deref(), Some("expected one of `lang`, `page`"));
        assert_eq!(without_available_names("Unknown tag".into()), ("Unknown tag".to_string(), None));
    }

    #[test]
    fn a_tag_left_open_is_named_with_its_line() {
        let text = "{% block content %}\n{% for p in pages %}{{ p.title }}\n{% endblock content %}";
        let at = text.rfind("endblock").expect("endblock");
        assert_eq!(
            unclosed_tag_hint("Unknown tag", text, at).as_deref(),
            Some("the `{% for %}` on line 2 is not closed: add `{% endfor %}` before this `{% endblock %}`")
        );
        let stray = "{% block content %}{% endif %}{% endblock content %}";
        assert_eq!(
            unclosed_tag_hint("Unknown tag", stray, stray.find("endif").expect("endif")).as_deref(),
            Some("there is no `{% if %}` open here for this `{% endif %}` to close")
        );
        let unended = "{% block content %}\n{%- if page %}x";
        assert_eq!(
            unclosed_tag_hint("Unexpected end of input", unended, unended.len()).as_deref(),
            Some("the `{% if %}` on line 2 is not closed: end the template with `{% endif %}{% endblock %}`")
        );
        assert_eq!(unclosed_tag_hint("Unknown tag", "{% frobnicate %}", 3), None);
    }

    #[test]
    fn tags_find_the_templates_a_template_uses() {
        let text = "{% extends \"base.html\" %}{%- include 'partials/card.html' -%}{% includes x %}\n\
                    {% component Button(label) %}{% endcomponent %}{{ include }}";
        assert_eq!(tags(text, "extends"), ["base.html"]);
        assert_eq!(tags(text, "include"), ["partials/card.html"]);
        assert_eq!(tags(text, "component"), ["Button"]);
    }

    fn templates(entries: &[(&str, &str)]) -> super::Templates {
        let sources = entries
            .iter()
            .map(|(name, text)| (name.to_string(), (format!("templates/{name}"), text.to_string())))
            .collect();
        super::Templates { sources }
    }

    #[test]
    fn a_template_s_digest_covers_what_it_extends_and_includes_and_nothing_else() {
        let base = [
            ("base.html", "<html>{% block body %}{% endblock body %}</html>"),
            ("page.html", "{% extends \"base.html\" %}{% block body %}{% include \"card.html\" %}{% endblock body %}"),
            ("card.html", "<li>card</li>"),
            ("404.html", "{% extends \"base.html\" %}"),
        ];
        let before = templates(&base).digests();
        let mut edited = base;
        edited[2] = ("card.html", "<li>another card</li>");
        let after = templates(&edited).digests();
        assert_ne!(before["page.html"], after["page.html"]);
        assert_ne!(before["card.html"], after["card.html"]);
        assert_eq!(before["404.html"], after["404.html"]);
        assert_eq!(before["base.html"], after["base.html"]);
    }
}
