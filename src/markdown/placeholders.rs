//! Placeholders: each shortcode call is replaced by a placeholder before the Markdown is
//! parsed (a call's HTML must not be read as Markdown), and the placeholder by the call's
//! HTML afterwards.

use std::borrow::Cow;

use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

use crate::html::strip_tags;

pub const PLACEHOLDER_START: char = '\u{E000}';
pub const PLACEHOLDER_END: char = '\u{E001}';

/// Appends the placeholder of call `index` to `source`.
pub fn push(source: &mut String, index: usize) {
    source.push(PLACEHOLDER_START);
    source.push_str(&index.to_string());
    source.push(PLACEHOLDER_END);
}

/// A paragraph that holds only placeholders becomes their HTML; elsewhere a placeholder is
/// replaced inline.
pub fn replace_placeholders<'s>(events: Vec<Event<'s>>, outputs: &[String]) -> Vec<Event<'s>> {
    if outputs.is_empty() {
        return events;
    }
    let mut out = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        if let Some(end) = calls_paragraph_end(&events, i) {
            for e in &events[i + 1..end] {
                if let Event::Text(t) = e {
                    out.push(Event::Html(CowStr::from(format!("{}\n", substitute(t, outputs).trim()))));
                }
            }
            i = end + 1;
            continue;
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

/// Where the paragraph that opens at `start` ends, if it holds placeholders and nothing
/// else: the paragraph is the calls' own block. Reads no further than the first event that
/// is not a placeholder, so an ordinary paragraph costs one look.
pub fn calls_paragraph_end(events: &[Event], start: usize) -> Option<usize> {
    if !matches!(events[start], Event::Start(Tag::Paragraph)) {
        return None;
    }
    let inner = events[start + 1..]
        .iter()
        .take_while(|e| match e {
            Event::Text(t) => t.contains(PLACEHOLDER_START) && without_placeholders(t).trim().is_empty(),
            Event::SoftBreak => true,
            _ => false,
        })
        .count();
    let end = start + 1 + inner;
    (inner > 0 && matches!(events.get(end), Some(Event::End(TagEnd::Paragraph)))).then_some(end)
}

/// Replaces each placeholder in `text` by its output (by nothing when `outputs` is empty).
pub fn substitute(text: &str, outputs: &[String]) -> String {
    substitute_with(text, |i, out| {
        if let Some(html) = outputs.get(i) {
            out.push_str(html);
        }
    })
    .into_owned()
}

/// Replaces each placeholder in `text` by what `put` writes for its call's index; lends
/// `text` as it is when it has none.
pub fn substitute_with(text: &str, mut put: impl FnMut(usize, &mut String)) -> Cow<'_, str> {
    if !text.contains(PLACEHOLDER_START) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find(PLACEHOLDER_START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + PLACEHOLDER_START.len_utf8()..];
        let Some(end) = after.find(PLACEHOLDER_END) else {
            out.push_str(&rest[start..]);
            return Cow::Owned(out);
        };
        if let Ok(i) = after[..end].parse::<usize>() {
            put(i, &mut out);
        }
        rest = &after[end + PLACEHOLDER_END.len_utf8()..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// `text` with its placeholders left out; lent as it is when it has none.
pub fn without_placeholders(text: &str) -> Cow<'_, str> {
    substitute_with(text, |_, _| {})
}

/// The text of inline events, without markup or placeholders.
pub fn plain_text(events: &[Event]) -> String {
    let mut text = String::new();
    for event in events {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&without_placeholders(t)),
            Event::InlineHtml(t) => text.push_str(&strip_tags(t)),
            Event::SoftBreak | Event::HardBreak => text.push(' '),
            _ => {}
        }
    }
    text.trim().to_string()
}
