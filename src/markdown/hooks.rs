//! Render hooks: images, links, headings and tables sent through the site's templates
//! (`templates/markdown/NAME.html`) when it has them.

use std::ops::Range;

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

use super::events::{heading_number, matching_end, to_html};
use super::host::{Hook, Host, ImageLookup};
use super::placeholders::plain_text;
use crate::diag::{Diagnostic, Location};
use crate::ids::DocId;

/// `events` of document `doc` with each element a hook renders replaced by its HTML.
/// `starts` are where in the file the elements a hook may render start, in order (see
/// [`element_starts`]): a hook's error that has no place of its own is put there.
pub fn apply<'s>(
    events: Vec<Event<'s>>,
    starts: &[Range<usize>],
    host: &dyn Host,
    doc: DocId,
    locate: impl Fn(Range<usize>) -> Location,
    diags: &mut Vec<Diagnostic>,
) -> Vec<Event<'s>> {
    if !host.has_hooks() {
        return events;
    }
    let mut out: Vec<Event<'s>> = Vec::with_capacity(events.len());
    let mut i = 0;
    // How many elements a hook may render came before `i`.
    let mut element = 0;
    while i < events.len() {
        let Some(end) = element_end(&events, i) else {
            out.push(events[i].clone());
            i += 1;
            continue;
        };
        let at = starts.get(element).cloned();
        let mut hook = hook_for(&events, i, end);
        if let Hook::Image { src, image, .. } = &mut hook
            && let ImageLookup::Picture { picture, .. } = host.image(src, doc)
        {
            *image = Some(*picture);
        }
        match host.hook(&hook, doc) {
            None => {
                out.push(events[i].clone());
                element += 1;
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
                    element += events[i..=end].iter().filter(|e| is_hookable(e)).count();
                    i = end + 2;
                    continue;
                }
                let block = matches!(hook, Hook::Heading { .. } | Hook::Table { .. });
                out.push(Event::Html(CowStr::from(if block { format!("{html}\n") } else { html })));
            }
            Some(Err(d)) => diags.push(match at {
                Some(at) => d.at_if_unlocated(locate(at)),
                None => d,
            }),
        }
        // The elements inside this one were given to its hook.
        element += events[i..=end].iter().filter(|e| is_hookable(e)).count();
        i = end + 1;
    }
    out
}

/// Where in the file each element a hook may render starts, in order, given each event's
/// range: events are later replaced (code blocks, placeholders), but these elements stay.
pub fn element_starts(events: &[Event], ranges: &[Range<usize>]) -> Vec<Range<usize>> {
    (0..events.len()).filter(|&i| is_hookable(&events[i])).map(|i| ranges[i].clone()).collect()
}

fn is_hookable(event: &Event) -> bool {
    matches!(event, Event::Start(Tag::Image { .. } | Tag::Link { .. } | Tag::Heading { .. } | Tag::Table(_)))
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
            Hook::Image { src: dest_url.to_string(), alt: plain_text(inner), title: title.to_string(), image: None }
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
