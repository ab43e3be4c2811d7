//! Small tools over pulldown-cmark events: matching ends, HTML, ids in raw HTML, code
//! blocks and where they are.

use std::ops::Range;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::highlight::Highlighter;
use crate::html::escape;

/// The Markdown features regionprofil reads.
pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_GFM
}

/// The index of the event that ends the element starting at `start`.
pub fn matching_end(events: &[Event], start: usize, is_end: impl Fn(&TagEnd) -> bool) -> Option<usize> {
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

/// Events written as HTML.
pub fn to_html<'a>(events: impl IntoIterator<Item = Event<'a>>) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // Grown by doubling, a document's HTML holds up to twice its length until the build is
    // done with it; a large site keeps all of it at once.
    crate::fitted::text(html)
}

pub fn heading_number(level: HeadingLevel) -> u8 {
    level as u8
}

/// `id` attributes in raw HTML, so links may point at them.
pub fn html_ids(html: &str) -> Vec<String> {
    // Most raw HTML has no ids: do not start a tokenizer for it.
    if memchr::memmem::find(html.as_bytes(), b"id").is_none() {
        return Vec::new();
    }
    let ids = std::cell::RefCell::new(Vec::new());
    let settings = lol_html::RewriteStrSettings {
        element_content_handlers: vec![lol_html::element!("[id]", |element| {
            if let Some(id) = element.get_attribute("id") {
                ids.borrow_mut().push(id);
            }
            Ok(())
        })],
        ..lol_html::RewriteStrSettings::new()
    };
    // Raw HTML the tokenizer cannot read has no ids worth linking to.
    let _ = lol_html::rewrite_str(html, settings);
    ids.into_inner()
}

/// Fenced code with a known language → syntect classes; everything else escaped. Also
/// says whether any code was highlighted (the page then needs the stylesheet).
pub fn code_blocks<'s>(events: Vec<Event<'s>>, highlighter: &Highlighter) -> (Vec<Event<'s>>, bool) {
    let mut has_code = false;
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
        let highlighted = (!language.is_empty()).then(|| highlighter.highlight(&code, &language)).flatten();
        let html = match (&highlighted, language.is_empty()) {
            (Some(inner), _) => {
                has_code = true;
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
    (out, has_code)
}

/// Byte ranges of code blocks and code spans, where `{{` is text and not a shortcode. The
/// Markdown is only parsed for them when it could hold both a shortcode and code.
pub fn code_ranges(markdown: &str) -> Vec<Range<usize>> {
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
