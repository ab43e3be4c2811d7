//! Render hooks: images, links, headings and tables sent through the site's templates
//! (`templates/markdown/NAME.html`) when it has them.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::events::{Spanned, heading_number, matching_end, to_html};
use super::host::{Hook, Host};
use super::placeholders::plain_text;
use crate::diag::{Diagnostic, Location};
use crate::ids::DocId;

/// `events` of document `doc` with each element a hook renders replaced by its HTML. A
/// hook's error that has no place of its own is put at the element it was given.
pub fn apply<'s>(
    events: Vec<Spanned<'s>>,
    host: &dyn Host,
    doc: DocId,
    locate: impl Fn(Range<usize>) -> Location,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Spanned<'s>> {
    let kinds: Vec<Event<'s>> = events.iter().map(|(event, _)| event.clone()).collect();
    let mut out: Vec<Spanned<'s>> = Vec::with_capacity(events.len());
    let mut i = 0;
    while i < events.len() {
        let Some(end) = element_end(&kinds, i) else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        let hook = hook_for(&kinds, i, end);
        let range = events[i].1.start..events[end].1.end;
        match host.hook(&hook, doc) {
            None => {
                out.push(events[i].clone());
                i += 1;
                continue;
            }
            Some(Ok(html)) => {
                // An image alone in a paragraph becomes a block: a hook that writes a
                // <figure> must not end up inside <p>.
                let alone = matches!(hook, Hook::Image { .. })
                    && matches!(out.last(), Some((Event::Start(Tag::Paragraph), _)))
                    && matches!(kinds.get(end + 1), Some(Event::End(TagEnd::Paragraph)));
                if alone {
                    out.pop();
                    out.push((Event::Html(CowStr::from(format!("{html}\n"))), range));
                    i = end + 2;
                    continue;
                }
                let block = matches!(hook, Hook::Heading { .. } | Hook::Table { .. });
                out.push((Event::Html(CowStr::from(if block { format!("{html}\n") } else { html })), range));
            }
            Some(Err(d)) => diags.push(d.at_if_unlocated(locate(range))),
        }
        i = end + 1;
    }
    out
}

/// Where the element a hook may render, starting at `i`, ends.
fn element_end(events: &[Event], i: usize) -> Option<usize> {
    match &events[i] {
        Event::Start(Tag::Image { .. }) => matching_end(events, i, |e| matches!(e, TagEnd::Image)),
        Event::Start(Tag::Link { .. }) => matching_end(events, i, |e| matches!(e, TagEnd::Link)),
        Event::Start(Tag::Heading { .. }) => matching_end(events, i, |e| matches!(e, TagEnd::Heading(_))),
        Event::Start(Tag::Table(_)) => matching_end(events, i, |e| matches!(e, TagEnd::Table)),
        _ => None,
    }
}

/// What the hook of the element from `start` to `end` is given.
fn hook_for(events: &[Event], start: usize, end: usize) -> Hook {
    let inner = &events[start + 1..end];
    match &events[start] {
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
        _ => Hook::Table { html: to_html(events[start..=end].iter().cloned()) },
    }
}
