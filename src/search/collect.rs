//! What the index knows of one document: its words by the field they stand in, and what a
//! hit shows and filters by. Read from the site model and the rendered Markdown, never
//! from the finished HTML.

use std::sync::Arc;

use crate::i18n::{Entry, I18n};
use crate::markdown::Rendered;
use crate::site::{Doc, Site};

use super::analyze::for_each_word;

/// Where a word stands, most telling first. A word in the title says more about the page
/// than the same word in its body; the weights say how much more.
#[derive(Clone, Copy)]
pub enum Field {
    Title,
    Tags,
    Job,
    Headings,
    Description,
    Section,
    Body,
}

pub const FIELDS: usize = 7;
pub const WEIGHTS: [f32; FIELDS] = [10.0, 5.0, 5.0, 4.0, 3.0, 2.0, 1.0];

/// How many times a word stands in each field.
pub type Counts = [u16; FIELDS];

/// The longest text a hit keeps for its excerpt.
const EXCERPT_CHARS: usize = 1500;

/// What the index reads of a document's rendered Markdown: its text without markup, its
/// headings, and its number of words (which dilutes each word in it).
pub enum Source {
    /// Taken out of a rendering that is let go of (in `build`).
    Taken { text: String, headings: String, words: usize },
    /// A rendering the memo keeps for the next build (in `serve`), read where it is rather
    /// than copied on every rebuild.
    Kept(Arc<Rendered>),
}

impl Source {
    /// Takes the text out of `rendered` (which keeps the rest).
    pub fn take(rendered: &mut Rendered) -> Source {
        let mut headings = String::new();
        for heading in rendered.toc.headings() {
            headings.push_str(&heading.title);
            headings.push(' ');
        }
        Source::Taken { text: std::mem::take(&mut rendered.text), headings, words: rendered.words }
    }

    fn text(&self) -> &str {
        match self {
            Source::Taken { text, .. } => text,
            Source::Kept(rendered) => &rendered.text,
        }
    }

    /// The number of words in the text.
    pub fn words(&self) -> usize {
        match self {
            Source::Taken { words, .. } => *words,
            Source::Kept(rendered) => rendered.words,
        }
    }

    /// Calls `each` with the headings' text.
    fn headings(&self, each: &mut impl FnMut(&str)) {
        match self {
            Source::Taken { headings, .. } => each(headings),
            Source::Kept(rendered) => rendered.toc.headings().iter().for_each(|heading| each(&heading.title)),
        }
    }
}

/// What a hit shows and is filtered by, lent by the site and the document's source.
pub struct Shown<'a> {
    pub path: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    pub section: &'a str,
    pub tags: &'a [String],
    pub location: Option<&'a str>,
    /// The employment type's label in the page's language.
    pub employment: Option<String>,
    /// The start of the text, for excerpts.
    pub excerpt: &'a str,
}

/// One document as the index sees it: what a hit shows, and where its words come from.
pub struct Collected<'a> {
    pub shown: Shown<'a>,
    doc: &'a Doc,
    source: &'a Source,
}

/// The section a document is listed under: a section's own title, else its parent's.
pub fn section_name(site: &Site, doc: &Doc) -> String {
    let section = if doc.is_section() { Some(doc) } else { doc.parent.map(|p| site.doc(p)) };
    section.map(|s| s.meta.title.clone()).unwrap_or_default()
}

/// What the index takes from `doc`, listed under `section`.
pub fn collect<'a>(doc: &'a Doc, section: &'a str, source: &'a Source, i18n: &I18n) -> Collected<'a> {
    let job = doc.meta.job.as_deref();
    let employment = job.map(|job| {
        let key = serde_json::to_value(job.employment_type).ok().and_then(|v| v.as_str().map(str::to_string));
        let key = key.unwrap_or_default();
        match i18n.lookup(&format!("employment.{key}"), doc.lang) {
            Some((Entry::Text(text), _)) => text.clone(),
            _ => key.replace('_', " ").to_lowercase(),
        }
    });
    let shown = Shown {
        path: &doc.rel,
        title: &doc.meta.title,
        description: doc.meta.description.as_deref().unwrap_or_default(),
        section,
        tags: doc.meta.taxonomies.get("tags").map_or(&[], Vec::as_slice),
        location: job.map(|j| j.location.as_str()),
        employment,
        excerpt: excerpt(source.text()),
    };
    Collected { shown, doc, source }
}

impl Collected<'_> {
    /// The length of the body in words, which dilutes each word in it.
    pub fn body_words(&self) -> usize {
        self.source.words()
    }

    pub fn is_section(&self) -> bool {
        self.doc.is_section()
    }

    /// About how many different words the document has, to size what counts them once.
    pub fn words_hint(&self) -> usize {
        self.source.text().len() / 16 + 16
    }

    /// Calls `each` with every word of the document, lower-cased, and the field it stands in.
    pub fn for_each_word(&self, mut each: impl FnMut(&str, Field)) {
        let mut add = |field: Field, text: &str| for_each_word(text, |word| each(word, field));
        add(Field::Title, self.shown.title);
        for terms in self.doc.meta.taxonomies.values() {
            for term in terms {
                add(Field::Tags, term);
            }
        }
        if let Some(job) = self.doc.meta.job.as_deref() {
            add(Field::Job, &job.employer);
            add(Field::Job, &job.location);
        }
        if let Some(employment) = &self.shown.employment {
            add(Field::Job, employment);
        }
        self.source.headings(&mut |headings| add(Field::Headings, headings));
        add(Field::Description, self.shown.description);
        add(Field::Section, self.shown.section);
        add(Field::Body, self.source.text());
    }
}

/// The first [`EXCERPT_CHARS`] characters of `text`, cut between words.
fn excerpt(text: &str) -> &str {
    // No more bytes than that is no more characters either: no need to count them.
    if text.len() <= EXCERPT_CHARS {
        return text;
    }
    let Some((cut, _)) = text.char_indices().nth(EXCERPT_CHARS) else {
        return text;
    };
    let head = &text[..cut];
    head.rfind(char::is_whitespace).map_or(head, |space| &head[..space])
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn an_excerpt_ends_between_words() {
        let text = "ord ".repeat(1000);
        let cut = excerpt(&text);
        assert!(cut.chars().count() <= 1500);
        assert!(cut.ends_with("ord"));
        assert_eq!(excerpt("kort tekst"), "kort tekst");
    }
}
