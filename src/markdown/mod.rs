//! Markdown → HTML for one document.
//!
//! 1. Find the code blocks and code spans (pulldown-cmark's offset iterator).
//! 2. Find shortcodes outside them and render each through the [`Host`] — a body's
//!    Markdown first, by this same procedure.
//! 3. Put a placeholder where each call was, and parse the result with pulldown-cmark.
//! 4. Passes over the events: accessibility warnings, heading ids and the table of
//!    contents, `@/` links, code highlighting, placeholders → shortcode HTML, render hooks.
//! 5. Write HTML, and the summary up to `<!-- more -->`.
//!
//! Nothing here knows about templates: the [`Host`] renders shortcodes and hooks and
//! resolves links, so this module can be tested with a plain implementation.

pub mod shortcode;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, LinkType, Options, Parser, Tag, TagEnd};
use serde::Serialize;

use crate::diag::{Diagnostic, Location};
use crate::highlight::Highlighter;
use crate::html::{escape, strip_tags};
use crate::ids::DocId;
use crate::ids::LangId;
use crate::slug::slugify;
pub use shortcode::{Arg, ArgValue, Call};

/// Shortcode bodies inside bodies deeper than this are an error, not a stack overflow.
const MAX_DEPTH: usize = 16;
const PLACEHOLDER_START: char = '\u{E000}';
const PLACEHOLDER_END: char = '\u{E001}';

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// What rendering needs from the rest of the build.
pub trait Host: Sync {
    /// Resolves the path of an `@/` link (without `@/` and `#anchor`) for a page in `lang`.
    fn resolve(&self, path: &str, lang: LangId) -> Resolved;
    /// Renders a shortcode; `body` is the rendered HTML of a body shortcode.
    fn shortcode(&self, call: &Call, body: Option<&str>, site: &ShortcodeSite) -> Result<String, ShortcodeError>;
    /// Renders an element through a site's hook template, when the site has one.
    fn hook(&self, hook: &Hook, doc: DocId) -> Option<Result<String, String>>;
    fn highlighter(&self) -> &Highlighter;
    /// The path of the base URL (`/region/`), for links from the site root.
    fn base_path(&self) -> &str {
        "/"
    }
}

/// Where a shortcode is called from.
pub struct ShortcodeSite {
    pub doc: DocId,
    pub lang: LangId,
    /// How many calls of this shortcode came before in the document, from 1.
    pub nth: usize,
}

#[derive(Debug)]
pub struct ShortcodeError {
    pub message: String,
    pub hint: Option<String>,
    /// The argument the error is about, to point at it.
    pub arg: Option<String>,
}

impl ShortcodeError {
    pub fn new(message: impl Into<String>) -> ShortcodeError {
        ShortcodeError { message: message.into(), hint: None, arg: None }
    }

    pub fn hint(mut self, hint: Option<String>) -> ShortcodeError {
        self.hint = hint;
        self
    }

    pub fn arg(mut self, arg: &str) -> ShortcodeError {
        self.arg = Some(arg.to_string());
        self
    }
}

pub enum Resolved {
    Found {
        path: String,
        doc: DocId,
    },
    /// The page exists but is not in this build (draft, scheduled, expired).
    Unpublished(String),
    Missing {
        hint: Option<String>,
    },
    /// The page's own file has errors, reported already.
    Broken,
}

/// The Markdown elements a site can render with `templates/markdown/NAME.html`.
#[derive(Debug, Serialize)]
#[serde(tag = "element", rename_all = "lowercase")]
pub enum Hook {
    Image { src: String, alt: String, title: String },
    Link { url: String, text: String, title: String, external: bool },
    Heading { level: u8, id: String, text: String },
    Table { html: String },
}

impl Hook {
    pub fn template_name(&self) -> &'static str {
        match self {
            Hook::Image { .. } => "markdown/image.html",
            Hook::Link { .. } => "markdown/link.html",
            Hook::Heading { .. } => "markdown/heading.html",
            Hook::Table { .. } => "markdown/table.html",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TocEntry {
    pub level: u8,
    pub id: String,
    pub title: String,
    pub children: Vec<TocEntry>,
}

/// A link to an anchor in another page, checked once every page is rendered.
#[derive(Clone, Debug)]
pub struct AnchorLink {
    pub target: DocId,
    pub anchor: String,
    pub at: Location,
}

/// A link to another site, for `check --external`.
#[derive(Clone, Debug)]
pub struct ExternalLink {
    pub url: String,
    pub at: Location,
}

#[derive(Clone, Debug, Default)]
pub struct Rendered {
    pub html: String,
    pub external: Vec<ExternalLink>,
    pub summary: Option<String>,
    pub toc: Vec<TocEntry>,
    pub anchors: BTreeSet<String>,
    pub links: Vec<AnchorLink>,
    pub words: usize,
    pub has_code: bool,
}

/// The Markdown of one document: `text` is the whole file, `body` the Markdown in it.
pub struct DocInput<'a> {
    pub doc: DocId,
    pub lang: LangId,
    pub file: &'a str,
    pub text: &'a str,
    pub body: Range<usize>,
}

pub fn render(input: &DocInput<'_>, host: &dyn Host) -> (Rendered, Vec<Diagnostic>) {
    let mut renderer = Renderer::new(input, host);
    let (html, summary) = renderer.fragment(input.body.clone(), 0, true);
    let mut out = renderer.out;
    out.html = html;
    out.summary = summary;
    out.toc = nest_toc(renderer.flat_toc);
    (out, renderer.diags)
}

/// Renders Markdown that is not a document (the `markdown` filter): no shortcodes, no
/// summary; `@/` links and hooks still apply.
pub fn render_fragment(markdown: &str, doc: DocId, lang: LangId, host: &dyn Host) -> Result<String, String> {
    let input = DocInput { doc, lang, file: "", text: markdown, body: 0..markdown.len() };
    let mut renderer = Renderer::new(&input, host);
    let events = renderer.events(markdown, 0, &[]);
    let html = to_html(events);
    match renderer.diags.iter().find(|d| d.is_error()) {
        Some(d) => Err(d.message.clone()),
        None => Ok(html),
    }
}

struct Renderer<'a> {
    input: &'a DocInput<'a>,
    host: &'a dyn Host,
    out: Rendered,
    flat_toc: Vec<TocEntry>,
    nth: BTreeMap<String, usize>,
    /// The next number to try after a heading id that is taken: `overskrift` → 3 means
    /// `overskrift-1` and `overskrift-2` are taken too. Keeps many equal headings linear.
    next_suffix: BTreeMap<String, usize>,
    diags: Vec<Diagnostic>,
}

impl<'a> Renderer<'a> {
    fn new(input: &'a DocInput<'a>, host: &'a dyn Host) -> Renderer<'a> {
        Renderer {
            input,
            host,
            out: Rendered::default(),
            flat_toc: Vec::new(),
            nth: BTreeMap::new(),
            next_suffix: BTreeMap::new(),
            diags: Vec::new(),
        }
    }

    fn location(&self, range: Range<usize>) -> Location {
        Location::in_text(self.input.file, self.input.text, range)
    }

    /// Renders `range` of the file; `top` is the document itself (not a shortcode body).
    fn fragment(&mut self, range: Range<usize>, depth: usize, top: bool) -> (String, Option<String>) {
        let text = self.input.text;
        let markdown = &text[range.clone()];
        let code = code_ranges(markdown);
        let (calls, errors) = shortcode::find(markdown, &code);
        for e in errors {
            let at = self.location(range.start + e.span.start..range.start + e.span.end);
            self.diags.push(Diagnostic::error(e.message).at(at).maybe_hint(e.hint));
        }
        let outputs: Vec<String> = calls.iter().map(|call| self.call(call, range.start, depth)).collect();

        // The Markdown with each call replaced by a placeholder, and where its pieces were.
        let mut source = String::with_capacity(markdown.len());
        let mut pieces = Vec::new(); // (start in source, start in file)
        let mut at = 0;
        for (i, call) in calls.iter().enumerate() {
            pieces.push((source.len(), range.start + at));
            source.push_str(&markdown[at..call.span.start]);
            source.push(PLACEHOLDER_START);
            source.push_str(&i.to_string());
            source.push(PLACEHOLDER_END);
            at = call.span.end;
        }
        pieces.push((source.len(), range.start + at));
        source.push_str(&markdown[at..]);

        let events = self.events(&source, depth, &pieces);
        let events = replace_placeholders(events, &outputs);
        let events = self.apply_hooks(events);
        let summary = if top {
            events
                .iter()
                .position(|e| matches!(e, Event::Html(html) if html.trim() == "<!-- more -->"))
                .map(|i| to_html(events[..i].iter().cloned()))
        } else {
            None
        };
        (to_html(events), summary)
    }

    /// Parses `source` and runs the passes that need no shortcode output.
    fn events<'s>(&mut self, source: &'s str, depth: usize, pieces: &[(usize, usize)]) -> Vec<Event<'s>> {
        let file_offset = |pos: usize| -> usize {
            match pieces.iter().rev().find(|(start, _)| *start <= pos) {
                Some((start, file_start)) => file_start + (pos - start),
                None => pos,
            }
        };
        let mut events = Vec::new();
        let mut ranges = Vec::new();
        for (event, range) in Parser::new_ext(source, options()).into_offset_iter() {
            events.push(event);
            ranges.push(file_offset(range.start)..file_offset(range.end));
        }
        self.count_words(&events);
        self.accessibility(&events, &ranges, depth == 0);
        self.heading_ids(&mut events, depth == 0);
        self.links(&mut events, &ranges);
        self.code_blocks(events)
    }

    fn call(&mut self, call: &Call, offset: usize, depth: usize) -> String {
        let body_html = match &call.body {
            Some(_) if depth >= MAX_DEPTH => {
                let at = self.location(offset + call.span.start..offset + call.name_span.end);
                self.diags.push(Diagnostic::error("shortcodes are nested too deeply").at(at));
                return String::new();
            }
            Some(body) => Some(self.fragment(offset + body.start..offset + body.end, depth + 1, false).0),
            None => None,
        };
        let nth = self.nth.entry(call.name.clone()).and_modify(|n| *n += 1).or_insert(1);
        let site = ShortcodeSite { doc: self.input.doc, lang: self.input.lang, nth: *nth };
        match self.host.shortcode(call, body_html.as_deref(), &site) {
            Ok(html) => html,
            Err(e) => {
                let span = e
                    .arg
                    .as_deref()
                    .and_then(|name| call.arg(name))
                    .map(|a| a.span.clone())
                    .unwrap_or(call.name_span.clone());
                let at = self.location(offset + span.start..offset + span.end);
                self.diags.push(Diagnostic::error(e.message).at(at).maybe_hint(e.hint));
                String::new()
            }
        }
    }

    fn count_words(&mut self, events: &[Event]) {
        for event in events {
            if let Event::Text(text) = event {
                self.out.words += text.split_whitespace().filter(|w| !w.starts_with(PLACEHOLDER_START)).count();
            }
        }
    }

    /// Warns about what leaves a visitor with a screen reader guessing: an image without
    /// a description, a link without text, a heading that skips a level (the page title
    /// is the `h1`, so the document's headings start at `##`).
    fn accessibility(&mut self, events: &[Event<'_>], ranges: &[Range<usize>], top: bool) {
        let mut level = 1;
        for (i, event) in events.iter().enumerate() {
            let warning = match event {
                Event::Start(Tag::Image { dest_url, .. }) => {
                    let end = matching_end(events, i, |end| matches!(end, TagEnd::Image)).unwrap_or(i);
                    let alt = plain_text(&events[i + 1..end]);
                    let file = dest_url.rsplit('/').next().unwrap_or_default();
                    if alt.is_empty() {
                        Some((
                            format!("the image `{dest_url}` has no alt text"),
                            "write what it shows between the brackets: `![Kart over regionen](kart.svg)`".to_string(),
                        ))
                    } else if alt.eq_ignore_ascii_case(file) || PLACEHOLDER_ALTS.contains(&alt.to_lowercase().as_str())
                    {
                        Some((
                            format!("the alt text of the image `{dest_url}` is `{alt}`, which says nothing"),
                            "write what the image shows, as you would tell someone on the phone".to_string(),
                        ))
                    } else {
                        None
                    }
                }
                Event::Start(Tag::Link { dest_url, .. }) => {
                    let end = matching_end(events, i, |end| matches!(end, TagEnd::Link)).unwrap_or(i);
                    (!has_text(&events[i + 1..end])).then(|| {
                        (
                            format!("the link to `{dest_url}` has no text"),
                            "write where it leads between the brackets: `[Ledige stillinger](@/jobb/_index.md)`"
                                .to_string(),
                        )
                    })
                }
                Event::Html(html) | Event::InlineHtml(html) if img_without_alt(html) => Some((
                    "an `<img>` in this HTML has no `alt` attribute".to_string(),
                    "add alt=\"what the image shows\", or alt=\"\" if it is only decoration".to_string(),
                )),
                Event::Start(Tag::Heading { level: heading, .. }) if top => {
                    let (previous, this) = (level, heading_number(*heading));
                    level = this;
                    (this > previous + 1).then(|| {
                        let hashes = "#".repeat(usize::from(previous) + 1);
                        (
                            format!("this heading skips from level {previous} to level {this}"),
                            if previous == 1 {
                                format!("use `{hashes}`: the page title is the level-1 heading")
                            } else {
                                format!("use `{hashes}`, one level below the heading before it")
                            },
                        )
                    })
                }
                _ => None,
            };
            if let Some((message, hint)) = warning {
                self.diags.push(Diagnostic::warning(message).at(self.location(ranges[i].clone())).hint(hint));
            }
        }
    }

    /// Gives every heading a unique id (its own `{#id}`, else a slug of its text) and
    /// collects the table of contents.
    fn heading_ids(&mut self, events: &mut [Event<'_>], top: bool) {
        let mut i = 0;
        while i < events.len() {
            if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
                let level = *level;
                let explicit = id.as_ref().map(|s| s.to_string());
                let end = (i..events.len()).find(|&j| matches!(events[j], Event::End(TagEnd::Heading(_)))).unwrap_or(i);
                let title = plain_text(&events[i + 1..end]);
                let base = explicit.clone().unwrap_or_else(|| {
                    let slug = slugify(&title);
                    if slug.is_empty() { "section".to_string() } else { slug }
                });
                let id = if explicit.is_some() { base } else { self.unique_id(base) };
                self.out.anchors.insert(id.clone());
                if top {
                    self.flat_toc.push(TocEntry {
                        level: heading_number(level),
                        id: id.clone(),
                        title,
                        children: vec![],
                    });
                }
                if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                    *slot = Some(CowStr::from(id));
                }
                i = end;
            }
            if let Event::Html(html) | Event::InlineHtml(html) = &events[i] {
                for id in html_ids(html) {
                    self.out.anchors.insert(id);
                }
            }
            i += 1;
        }
    }

    fn unique_id(&mut self, base: String) -> String {
        if !self.out.anchors.contains(&base) {
            return base;
        }
        let next = self.next_suffix.entry(base.clone()).or_insert(1);
        let (n, id) = (*next..)
            .map(|n| (n, format!("{base}-{n}")))
            .find(|(_, id)| !self.out.anchors.contains(id))
            .unwrap_or((*next, base));
        *next = n + 1;
        id
    }

    /// Resolves `@/page.md#anchor` links; a link to a page left out of this build becomes
    /// plain text, with a warning.
    fn links(&mut self, events: &mut Vec<Event<'_>>, ranges: &[Range<usize>]) {
        let mut unlink: Vec<usize> = Vec::new();
        let base_path = self.host.base_path();
        for i in 0..events.len() {
            // A path from the site root (`/images/kart.svg`) gets the base URL's path, so
            // the site works under a path prefix.
            if let Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) = &mut events[i]
                && dest_url.starts_with('/')
                && !dest_url.starts_with("//")
                && base_path != "/"
            {
                *dest_url = CowStr::from(format!("{}{}", base_path, &dest_url[1..]));
            }
            let Event::Start(Tag::Link { dest_url, .. }) = &events[i] else { continue };
            if dest_url.starts_with("http://") || dest_url.starts_with("https://") {
                self.out
                    .external
                    .push(ExternalLink { url: dest_url.to_string(), at: self.location(ranges[i].clone()) });
                continue;
            }
            let Some(target) = dest_url.strip_prefix("@/") else { continue };
            let (path, anchor) = match target.split_once('#') {
                Some((path, anchor)) => (path.to_string(), Some(anchor.to_string())),
                None => (target.to_string(), None),
            };
            let at = self.location(ranges[i].clone());
            match self.host.resolve(&path, self.input.lang) {
                Resolved::Found { path: url, doc } => {
                    let href = match &anchor {
                        Some(anchor) => {
                            self.out.links.push(AnchorLink { target: doc, anchor: anchor.clone(), at });
                            format!("{url}#{anchor}")
                        }
                        None => url,
                    };
                    if let Event::Start(Tag::Link { dest_url, .. }) = &mut events[i] {
                        *dest_url = CowStr::from(href);
                    }
                }
                Resolved::Unpublished(why) => {
                    self.diags.push(
                        Diagnostic::warning(format!("the link to `@/{path}` is left out: that page {why}"))
                            .at(at)
                            .hint("the link text is shown without a link until the page is published"),
                    );
                    unlink.push(i);
                }
                Resolved::Broken => {}
                Resolved::Missing { hint } => {
                    self.diags.push(
                        Diagnostic::error(format!("the link to `@/{path}` points at no page")).at(at).maybe_hint(
                            hint.or_else(|| {
                                Some("`@/` paths are file paths under content/, like @/jobb/sykepleier.md".into())
                            }),
                        ),
                    );
                }
            }
        }
        // Drop the link tags of unpublished targets, keeping their text.
        for start in unlink.into_iter().rev() {
            let mut depth = 0;
            let end = (start..events.len()).find(|&j| match &events[j] {
                Event::Start(Tag::Link { .. }) => {
                    depth += 1;
                    false
                }
                Event::End(TagEnd::Link) => {
                    depth -= 1;
                    depth == 0
                }
                _ => false,
            });
            if let Some(end) = end {
                events.remove(end);
                events.remove(start);
            }
        }
    }

    /// Fenced code with a known language → syntect classes; everything else escaped.
    fn code_blocks<'s>(&mut self, events: Vec<Event<'s>>) -> Vec<Event<'s>> {
        let mut out = Vec::with_capacity(events.len());
        let mut iter = events.into_iter();
        while let Some(event) = iter.next() {
            let Event::Start(Tag::CodeBlock(kind)) = event else {
                out.push(event);
                continue;
            };
            let mut code = String::new();
            for inner in iter.by_ref() {
                match inner {
                    Event::End(TagEnd::CodeBlock) => break,
                    Event::Text(text) => code.push_str(&text),
                    _ => {}
                }
            }
            let language = match &kind {
                CodeBlockKind::Fenced(info) => info.split([' ', ',', '{']).next().unwrap_or("").to_string(),
                CodeBlockKind::Indented => String::new(),
            };
            let highlighted =
                (!language.is_empty()).then(|| self.host.highlighter().highlight(&code, &language)).flatten();
            let html = match (&highlighted, language.is_empty()) {
                (Some(inner), _) => {
                    self.out.has_code = true;
                    format!(
                        "<pre class=\"code\" data-lang=\"{lang}\"><code class=\"language-{lang}\">{inner}</code></pre>\n",
                        lang = escape(&language)
                    )
                }
                (None, false) => format!(
                    "<pre class=\"code\" data-lang=\"{lang}\"><code class=\"language-{lang}\">{}</code></pre>\n",
                    escape(&code),
                    lang = escape(&language)
                ),
                (None, true) => format!("<pre class=\"code\"><code>{}</code></pre>\n", escape(&code)),
            };
            out.push(Event::Html(CowStr::from(html)));
        }
        out
    }

    /// Sends images, links, headings and tables through the site's hook templates.
    fn apply_hooks<'s>(&mut self, events: Vec<Event<'s>>) -> Vec<Event<'s>> {
        let mut out = Vec::with_capacity(events.len());
        let mut i = 0;
        while i < events.len() {
            let end = match &events[i] {
                Event::Start(Tag::Image { .. }) => matching_end(&events, i, |e| matches!(e, TagEnd::Image)),
                Event::Start(Tag::Link { .. }) => matching_end(&events, i, |e| matches!(e, TagEnd::Link)),
                Event::Start(Tag::Heading { .. }) => matching_end(&events, i, |e| matches!(e, TagEnd::Heading(_))),
                Event::Start(Tag::Table(_)) => matching_end(&events, i, |e| matches!(e, TagEnd::Table)),
                _ => None,
            };
            let Some(end) = end else {
                out.push(events[i].clone());
                i += 1;
                continue;
            };
            let inner = &events[i + 1..end];
            let hook = match &events[i] {
                Event::Start(Tag::Image { dest_url, title, .. }) => {
                    Hook::Image { src: dest_url.to_string(), alt: plain_text(inner), title: title.to_string() }
                }
                Event::Start(Tag::Link { dest_url, title, link_type, .. }) => Hook::Link {
                    url: dest_url.to_string(),
                    text: to_html(inner.iter().cloned()),
                    title: title.to_string(),
                    external: dest_url.starts_with("http://")
                        || dest_url.starts_with("https://")
                        || matches!(link_type, LinkType::Email),
                },
                Event::Start(Tag::Heading { level, id, .. }) => Hook::Heading {
                    level: heading_number(*level),
                    id: id.as_deref().unwrap_or_default().to_string(),
                    text: to_html(inner.iter().cloned()),
                },
                _ => Hook::Table { html: to_html(events[i..=end].iter().cloned()) },
            };
            match self.host.hook(&hook, self.input.doc) {
                None => {
                    out.push(events[i].clone());
                    i += 1;
                    continue;
                }
                Some(Ok(html)) => {
                    // An image alone in a paragraph becomes a block: a hook that writes a
                    // <figure> must not end up inside <p>.
                    let alone = matches!(hook, Hook::Image { .. })
                        && matches!(out.last(), Some(Event::Start(Tag::Paragraph)))
                        && matches!(events.get(end + 1), Some(Event::End(TagEnd::Paragraph)));
                    if alone {
                        out.pop();
                        out.push(Event::Html(CowStr::from(format!("{html}\n"))));
                        i = end + 2;
                        continue;
                    }
                    let block = matches!(hook, Hook::Heading { .. } | Hook::Table { .. });
                    out.push(Event::Html(CowStr::from(if block { format!("{html}\n") } else { html })));
                }
                Some(Err(message)) => {
                    let at = Location::file(self.input.file);
                    self.diags.push(Diagnostic::error(message).at(at));
                }
            }
            i = end + 1;
        }
        out
    }
}

fn matching_end(events: &[Event], start: usize, is_end: impl Fn(&TagEnd) -> bool) -> Option<usize> {
    let mut depth = 0usize;
    for (j, event) in events.iter().enumerate().skip(start) {
        match event {
            Event::Start(tag) if is_end(&tag.to_end()) => depth += 1,
            Event::End(end) if is_end(end) => {
                depth -= 1;
                if depth == 0 {
                    return Some(j);
                }
            }
            _ => {}
        }
    }
    None
}

/// A paragraph that holds only placeholders becomes their HTML; elsewhere a placeholder is
/// replaced inline.
fn replace_placeholders<'s>(events: Vec<Event<'s>>, outputs: &[String]) -> Vec<Event<'s>> {
    if outputs.is_empty() {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Paragraph) = &events[i] {
            let end = (i..events.len()).find(|&j| matches!(events[j], Event::End(TagEnd::Paragraph)));
            if let Some(end) = end {
                let inner = &events[i + 1..end];
                let only_placeholders = !inner.is_empty()
                    && inner.iter().all(|e| match e {
                        Event::Text(t) => {
                            let rest = substitute(t, &[]);
                            rest.trim().is_empty() && t.contains(PLACEHOLDER_START)
                        }
                        Event::SoftBreak => true,
                        _ => false,
                    });
                if only_placeholders {
                    for e in inner {
                        if let Event::Text(t) = e {
                            out.push(Event::Html(CowStr::from(format!("{}\n", substitute(t, outputs).trim()))));
                        }
                    }
                    i = end + 1;
                    continue;
                }
            }
        }
        match &events[i] {
            Event::Text(t) if t.contains(PLACEHOLDER_START) => {
                let mut rest: &str = t;
                while let Some(start) = rest.find(PLACEHOLDER_START) {
                    let Some(len) = rest[start..].find(PLACEHOLDER_END) else { break };
                    if start > 0 {
                        out.push(Event::Text(CowStr::from(rest[..start].to_string())));
                    }
                    let token = &rest[start..start + len + PLACEHOLDER_END.len_utf8()];
                    out.push(Event::InlineHtml(CowStr::from(substitute(token, outputs))));
                    rest = &rest[start + len + PLACEHOLDER_END.len_utf8()..];
                }
                if !rest.is_empty() {
                    out.push(Event::Text(CowStr::from(rest.to_string())));
                }
            }
            Event::Html(t) if t.contains(PLACEHOLDER_START) => {
                out.push(Event::Html(CowStr::from(substitute(t, outputs))))
            }
            Event::InlineHtml(t) if t.contains(PLACEHOLDER_START) => {
                out.push(Event::InlineHtml(CowStr::from(substitute(t, outputs))))
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    out
}

/// Replaces each placeholder in `text` by its output (by nothing when `outputs` is empty).
fn substitute(text: &str, outputs: &[String]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(PLACEHOLDER_START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + PLACEHOLDER_START.len_utf8()..];
        let Some(end) = after.find(PLACEHOLDER_END) else {
            out.push_str(&rest[start..]);
            return out;
        };
        if let Some(html) = after[..end].parse::<usize>().ok().and_then(|i| outputs.get(i)) {
            out.push_str(html);
        }
        rest = &after[end + PLACEHOLDER_END.len_utf8()..];
    }
    out.push_str(rest);
    out
}

fn to_html<'a>(events: impl IntoIterator<Item = Event<'a>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    html
}

/// The text of inline events, without markup or placeholders.
fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&substitute(t, &[])),
            Event::InlineHtml(t) => text.push_str(&strip_tags(t)),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}

/// Alt texts that describe nothing.
const PLACEHOLDER_ALTS: [&str; 9] =
    ["bilde", "image", "img", "foto", "photo", "picture", "bild", "illustrasjon", "illustration"];

/// Whether raw HTML holds an `<img …>` tag without an `alt` attribute.
fn img_without_alt(html: &str) -> bool {
    let lower = html.to_ascii_lowercase();
    lower.match_indices("<img").any(|(start, _)| {
        let tag = &lower[start + 4..];
        // `<imgx` is another element; the tag ends at the first `>` (good enough for
        // attributes without `>` in them, which is what authors write).
        tag.starts_with(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/')
            && !tag[..tag.find('>').unwrap_or(tag.len())]
                .split(|c: char| c.is_ascii_whitespace() || c == '/')
                .any(|attribute| attribute == "alt" || attribute.starts_with("alt="))
    })
}

/// Whether inline events give a link a name: text, code, raw HTML, or a shortcode's output.
fn has_text(events: &[Event]) -> bool {
    events.iter().any(|event| match event {
        Event::Text(t) | Event::Code(t) | Event::InlineHtml(t) => !t.trim().is_empty(),
        _ => false,
    })
}

fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// `id="…"` attributes in raw HTML, so links may point at them.
fn html_ids(html: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(" id=") {
        rest = &rest[i + 4..];
        let quote = rest.chars().next();
        if let Some(q @ ('"' | '\'')) = quote
            && let Some(end) = rest[1..].find(q)
        {
            ids.push(rest[1..1 + end].to_string());
        }
    }
    ids
}

/// Byte ranges of code blocks and code spans, where `{{` is text and not a shortcode. The
/// Markdown is only parsed for them when it could hold both a shortcode and code.
fn code_ranges(markdown: &str) -> Vec<Range<usize>> {
    let may_call = markdown.contains("{{") || markdown.contains("{%");
    let may_have_code = markdown.contains('`')
        || markdown.contains("~~~")
        || markdown.lines().any(|line| line.starts_with("    ") || line.starts_with('\t'));
    if !(may_call && may_have_code) {
        return Vec::new();
    }
    let mut ranges: Vec<Range<usize>> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if matches!(event, Event::Code(_) | Event::Start(Tag::CodeBlock(_))) {
            ranges.push(range);
        }
    }
    ranges
}

fn nest_toc(flat: Vec<TocEntry>) -> Vec<TocEntry> {
    fn insert(into: &mut Vec<TocEntry>, entry: TocEntry) {
        if let Some(last) = into.last_mut()
            && entry.level > last.level
        {
            insert(&mut last.children, entry);
            return;
        }
        into.push(entry);
    }
    let mut out = Vec::new();
    for entry in flat {
        insert(&mut out, entry);
    }
    out
}

#[cfg(test)]
mod tests;
