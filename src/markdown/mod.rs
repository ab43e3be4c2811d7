//! Markdown → HTML for one document.
//!
//! 1. Find the code blocks and code spans (pulldown-cmark's offset iterator).
//! 2. Find shortcodes outside them ([`shortcode`]) and render each through the [`Host`] — a
//!    body's Markdown first, by this same procedure.
//! 3. Put a placeholder where each call was ([`placeholders`]), and parse the result with
//!    pulldown-cmark, each event with its place in the file.
//! 4. Passes over the events: accessibility warnings ([`accessibility`]), heading ids and
//!    the table of contents, `@/` links, code highlighting ([`events`]), placeholders →
//!    shortcode HTML, render hooks ([`hooks`]).
//! 5. Write HTML, and the summary up to `<!-- more -->`.
//!
//! Nothing here knows about templates: the [`Host`] renders shortcodes and hooks and
//! resolves links, so this module can be tested with a plain implementation.

mod accessibility;
mod events;
mod hooks;
mod host;
mod placeholders;
pub mod shortcode;
mod text;
mod toc;

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use pulldown_cmark::{CowStr, Event, Parser, Tag, TagEnd};

use crate::diag::{Diagnostic, LineIndex, Location};
use crate::ids::{DocId, LangId};
use crate::images::Picture;
use crate::slug::slugify;
pub use events::options;
use events::{heading_number, html_ids, to_html};
pub use host::{CallSite, Hook, Host, ImageLookup, Local, Resolved};
use placeholders::plain_text;
pub use shortcode::{Arg, ArgValue, Call};
use text::{Calls, PlainText};
pub use toc::{Heading, Toc, TocEntry};

/// Shortcode bodies inside bodies deeper than this are an error, not a stack overflow.
const MAX_DEPTH: usize = 16;

/// A link to an anchor in another page, checked once every page is rendered.
#[derive(Clone, Debug)]
pub struct AnchorLink {
    pub target: DocId,
    pub anchor: String,
    pub at: Location,
}

/// A link to a page or file of this site by its path (`/kontakt/`, `../priser.pdf`),
/// checked once every output file is known.
#[derive(Clone, Debug)]
pub struct LocalLink {
    /// As the author wrote it.
    pub href: String,
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
    pub toc: Toc,
    pub anchors: Anchors,
    pub links: Vec<AnchorLink>,
    pub local: Vec<LocalLink>,
    pub words: usize,
    pub has_code: bool,
    /// The text a reader reads, without markup (for the search index).
    pub text: String,
    /// The `src` of each image shown as a photo's `<picture>`, so that a rendering kept
    /// for the next build can ask for the photos' versions again.
    pub photos: Vec<String>,
}

/// The ids a document's headings and HTML give, which `@/page.md#id` links must name.
/// Every rendering holds them until the links are checked: a sorted slice, not a set
/// (whose smallest node takes some 280 bytes).
#[derive(Clone, Debug, Default)]
pub struct Anchors(Box<[String]>);

impl Anchors {
    pub fn contains(&self, id: &str) -> bool {
        self.0.binary_search_by(|anchor| anchor.as_str().cmp(id)).is_ok()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + Clone {
        self.0.iter().map(String::as_str)
    }
}

/// The Markdown of one document: `text` is the whole file, `body` the Markdown in it.
pub struct DocInput<'a> {
    pub doc: DocId,
    pub lang: LangId,
    pub file: &'a str,
    pub text: &'a str,
    pub body: Range<usize>,
}

/// A photo as `<picture>`: a `<source>` for each other format, then the `<img>` in the
/// original's format, with its size (so the page does not jump as it loads) and loaded
/// only when it nears the screen.
pub fn picture_html(picture: &Picture, alt: &str, title: &str) -> String {
    use crate::html::escape;
    let sizes = escape(&picture.sizes);
    let mut html = String::from("<picture>");
    for source in &picture.sources {
        html.push_str(&format!(
            "<source type=\"{}\" srcset=\"{}\" sizes=\"{sizes}\">",
            escape(&source.mime),
            escape(&source.srcset)
        ));
    }
    html.push_str(&format!(
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" alt=\"{}\"",
        escape(&picture.src),
        escape(&picture.srcset),
        picture.width,
        picture.height,
        escape(alt)
    ));
    if !title.is_empty() {
        html.push_str(&format!(" title=\"{}\"", escape(title)));
    }
    html.push_str(" loading=\"lazy\" decoding=\"async\"></picture>");
    html
}

pub fn render(input: &DocInput<'_>, host: &dyn Host) -> (Rendered, Vec<Diagnostic>) {
    let mut renderer = Renderer::new(input, host);
    let (html, summary) = renderer.fragment(input.body.clone(), 0, true);
    let mut out = renderer.out;
    out.html = html;
    out.summary = summary;
    out.toc = Toc::new(renderer.headings);
    out.anchors = Anchors(renderer.anchors.into_iter().collect());
    let (text, words) = renderer.text.finish();
    // The text waits for the search index until every document is rendered.
    out.text = crate::fitted::text(text);
    out.words = words;
    (out, renderer.diags)
}

/// Renders Markdown that is not a document (the `markdown` filter): no shortcodes, no
/// hooks, no summary; `@/` links still resolve. Every problem is returned.
pub fn render_fragment(markdown: &str, doc: DocId, lang: LangId, host: &dyn Host) -> Result<String, Vec<Diagnostic>> {
    let input = DocInput { doc, lang, file: "", text: markdown, body: 0..markdown.len() };
    let mut renderer = Renderer::new(&input, host);
    let (events, _) = renderer.events(markdown, 0, &[]);
    let html = to_html(events);
    let errors: Vec<Diagnostic> = renderer.diags.into_iter().filter(Diagnostic::is_error).collect();
    if errors.is_empty() { Ok(html) } else { Err(errors) }
}

struct Renderer<'a> {
    input: &'a DocInput<'a>,
    host: &'a dyn Host,
    out: Rendered,
    headings: Vec<Heading>,
    /// The ids given so far.
    anchors: BTreeSet<String>,
    nth: BTreeMap<String, usize>,
    /// The next number to try after a heading id that is taken: `overskrift` → 3 means
    /// `overskrift-1` and `overskrift-2` are taken too. Keeps many equal headings linear.
    next_suffix: BTreeMap<String, usize>,
    diags: Vec<Diagnostic>,
    /// Where the lines of the file start, to locate links and mistakes in it.
    lines: LineIndex<'a>,
    text: PlainText,
}

impl<'a> Renderer<'a> {
    fn new(input: &'a DocInput<'a>, host: &'a dyn Host) -> Renderer<'a> {
        Renderer {
            input,
            host,
            out: Rendered::default(),
            headings: Vec::new(),
            anchors: BTreeSet::new(),
            nth: BTreeMap::new(),
            next_suffix: BTreeMap::new(),
            diags: Vec::new(),
            lines: LineIndex::new(input.text),
            text: PlainText::default(),
        }
    }

    fn location(&self, range: Range<usize>) -> Location {
        self.lines.locate(self.input.file, range)
    }

    /// Renders `range` of the file; `top` is the document itself (not a shortcode body).
    fn fragment(&mut self, range: Range<usize>, depth: usize, top: bool) -> (String, Option<String>) {
        let text = self.input.text;
        let markdown = &text[range.clone()];
        let code = events::code_ranges(markdown);
        let offset = range.start;
        let (calls, errors) =
            shortcode::find(markdown, &code, |span| self.location(offset + span.start..offset + span.end));
        self.diags.extend(errors);
        let (outputs, bodies): (Vec<String>, Vec<Option<String>>) =
            calls.iter().map(|call| self.call(call, offset, depth)).unzip();

        // The Markdown with each call replaced by a placeholder, and where its pieces were.
        let mut source = String::with_capacity(markdown.len());
        let mut pieces = Vec::new(); // (start in source, start in file)
        let mut at = 0;
        for (i, call) in calls.iter().enumerate() {
            pieces.push((source.len(), offset + at));
            source.push_str(&markdown[at..call.span.start]);
            placeholders::push(&mut source, i);
            at = call.span.end;
        }
        pieces.push((source.len(), offset + at));
        source.push_str(&markdown[at..]);

        let (events, starts) = self.events(&source, depth, &pieces);
        self.text.push_events(&events, &Calls { outputs: &outputs, bodies: &bodies });
        let events = placeholders::replace_placeholders(events, &outputs);
        let (host, doc) = (self.host, self.input.doc);
        let (file, lines) = (self.input.file, &self.lines);
        let events = hooks::apply(events, &starts, host, doc, |range| lines.locate(file, range), &mut self.diags);
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

    /// Parses `source` and runs the passes that need no shortcode output. Also gives where
    /// the elements a hook may render start in the file ([`hooks::element_starts`]).
    fn events<'s>(
        &mut self,
        source: &'s str,
        depth: usize,
        pieces: &[(usize, usize)],
    ) -> (Vec<Event<'s>>, Vec<Range<usize>>) {
        // `pieces` are in order: the last that starts at or before `pos` holds it.
        let file_offset = |pos: usize| -> usize {
            match pieces.partition_point(|(start, _)| *start <= pos).checked_sub(1).map(|i| pieces[i]) {
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
        // CommonMark: a NUL in the text is read as U+FFFD (HTML must not hold one).
        if memchr::memchr(0, source.as_bytes()).is_some() {
            for event in &mut events {
                if let Event::Text(text) | Event::Code(text) | Event::Html(text) | Event::InlineHtml(text) = event
                    && text.contains('\0')
                {
                    *text = CowStr::from(text.replace('\0', "\u{FFFD}"));
                }
            }
        }
        for (i, message, hint) in accessibility::problems(&events, depth == 0) {
            self.diags.push(Diagnostic::warning(message).at(self.location(ranges[i].clone())).hint(hint));
        }
        self.heading_ids(&mut events, depth == 0);
        self.links(&mut events, &mut ranges);
        self.pictures(&mut events, &mut ranges);
        let starts = hooks::element_starts(&events, &ranges);
        let (events, has_code) = events::code_blocks(events, self.host.highlighter());
        self.out.has_code |= has_code;
        (events, starts)
    }

    /// A call's HTML, and the plain text of its body (kept apart, to stand in the text
    /// where the call does).
    fn call(&mut self, call: &Call, offset: usize, depth: usize) -> (String, Option<String>) {
        let (body_html, body_text) = match &call.body {
            Some(_) if depth >= MAX_DEPTH => {
                let at = self.location(offset + call.span.start..offset + call.name_span.end);
                self.diags.push(Diagnostic::error("shortcodes are nested too deeply").at(at));
                return (String::new(), None);
            }
            Some(body) => {
                let outer = std::mem::take(&mut self.text);
                let (html, _) = self.fragment(offset + body.start..offset + body.end, depth + 1, false);
                (Some(html), Some(std::mem::replace(&mut self.text, outer).into_text()))
            }
            None => (None, None),
        };
        let nth = *self.nth.entry(call.name.clone()).and_modify(|n| *n += 1).or_insert(1);
        let (file, lines) = (self.input.file, &self.lines);
        let site = CallSite { call, doc: self.input.doc, lang: self.input.lang, nth, file, lines, offset };
        let html = match self.host.shortcode(&site, body_html.as_deref()) {
            Ok(html) => html,
            Err(d) => {
                self.diags.push(d.at_if_unlocated(site.at()));
                String::new()
            }
        };
        (html, body_text)
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
                self.anchors.insert(id.clone());
                if top {
                    let (id, title) = (id.as_str().into(), title.as_str().into());
                    self.headings.push(Heading { level: heading_number(level), id, title });
                }
                if let Event::Start(Tag::Heading { id: slot, .. }) = &mut events[i] {
                    *slot = Some(CowStr::from(id));
                }
                i = end;
            }
            if let Event::Html(html) | Event::InlineHtml(html) = &events[i] {
                for id in html_ids(html) {
                    self.anchors.insert(id);
                }
            }
            i += 1;
        }
    }

    fn unique_id(&mut self, base: String) -> String {
        if !self.anchors.contains(&base) {
            return base;
        }
        let next = self.next_suffix.entry(base.clone()).or_insert(1);
        let (n, id) = (*next..)
            .map(|n| (n, format!("{base}-{n}")))
            .find(|(_, id)| !self.anchors.contains(id))
            .unwrap_or((*next, base));
        *next = n + 1;
        id
    }

    /// Photos become `<picture>`s (unless the site's image hook renders them); a local
    /// image that is not in the site, or a photo that cannot be used, is an error at it.
    fn pictures(&mut self, events: &mut Vec<Event<'_>>, ranges: &mut Vec<Range<usize>>) {
        let hooked = self.host.has_image_hook();
        let mut i = 0;
        while i < events.len() {
            let Event::Start(Tag::Image { dest_url, title, .. }) = &events[i] else {
                i += 1;
                continue;
            };
            let (src, title) = (dest_url.to_string(), title.to_string());
            let end = events::matching_end(events, i, |e| matches!(e, TagEnd::Image)).unwrap_or(i);
            match self.host.image(&src, self.input.doc) {
                ImageLookup::NotLocal | ImageLookup::AsIs => {}
                ImageLookup::Missing { hint } => self.diags.push(
                    Diagnostic::error(format!("the image `{src}` is not in the site"))
                        .at(self.location(ranges[i].clone()))
                        .hint(hint),
                ),
                ImageLookup::Broken(message) => self.diags.push(
                    Diagnostic::error(message)
                        .at(self.location(ranges[i].clone()))
                        .hint("save it again from an image editor as JPEG, PNG or WebP, under its own name"),
                ),
                ImageLookup::Picture { picture, warning } => {
                    if let Some(warning) = warning {
                        self.diags.push(
                            Diagnostic::warning(warning)
                                .at(self.location(ranges[i].clone()))
                                .hint("save it at most 6,000 pixels wide and under 8 MB: the site publishes it at most 1,600 wide by default"),
                        );
                    }
                    self.out.photos.push(src);
                    // With a hook, the hook writes it (see `hooks::apply`).
                    if !hooked {
                        let alt = plain_text(&events[i + 1..end]);
                        let html = picture_html(&picture, &alt, &title);
                        let range = ranges[i].start..ranges[end].end;
                        events.splice(i..=end, [Event::InlineHtml(CowStr::from(html))]);
                        ranges.splice(i..=end, [range]);
                    }
                }
            }
            i += 1;
        }
    }

    /// A link's or image's path in this site: a file beside a page that is not a bundle is
    /// linked where it is published; a path that names no file is kept to be checked
    /// against the pages; a path from the site root (`/images/kart.svg`) gets the base
    /// URL's path, so the site works under a path prefix.
    fn local(&mut self, event: &mut Event<'_>, range: Range<usize>, base_path: &str) {
        let is_link = matches!(event, Event::Start(Tag::Link { .. }));
        let (Event::Start(Tag::Link { dest_url, .. }) | Event::Start(Tag::Image { dest_url, .. })) = event else {
            return;
        };
        if dest_url.starts_with("@/") || dest_url.starts_with("http://") || dest_url.starts_with("https://") {
            return;
        }
        match self.host.local(dest_url, self.input.doc) {
            Local::Beside(path) => *dest_url = CowStr::from(path),
            Local::Later if is_link => {
                let href = dest_url.to_string();
                self.out.local.push(LocalLink { href, at: self.location(range) });
            }
            Local::Later | Local::AsWritten => {}
        }
        if dest_url.starts_with('/') && !dest_url.starts_with("//") && base_path != "/" {
            *dest_url = CowStr::from(format!("{}{}", base_path, &dest_url[1..]));
        }
    }

    /// Resolves `@/page.md#anchor` links; a link to a page left out of this build becomes
    /// plain text, with a warning.
    fn links(&mut self, events: &mut Vec<Event<'_>>, ranges: &mut Vec<Range<usize>>) {
        let mut unlink: Vec<usize> = Vec::new();
        let base_path = self.host.base_path();
        for i in 0..events.len() {
            self.local(&mut events[i], ranges[i].clone(), base_path);
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
                ranges.remove(end);
                ranges.remove(start);
            }
        }
    }
}

#[cfg(test)]
mod tests;
