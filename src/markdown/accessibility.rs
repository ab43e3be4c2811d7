//! Accessibility warnings about Markdown: what a screen reader cannot tell its listener.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::events::{heading_number, matching_end};
use super::placeholders::plain_text;

/// What leaves a visitor with a screen reader guessing: an image without a description, a
/// link without text, a heading that skips a level (the page title is the `h1`, so the
/// document's headings start at `##`). `top`: the events are the document's own, not a
/// shortcode body's. Each problem is (index of its event, message, hint).
pub fn problems(events: &[Event<'_>], top: bool) -> Vec<(usize, String, String)> {
    let mut found = Vec::new();
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
                } else if alt.eq_ignore_ascii_case(file) || PLACEHOLDER_ALTS.contains(&alt.to_lowercase().as_str()) {
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
            found.push((i, message, hint));
        }
    }
    found
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
