//! What the index knows of one document: its words by the field they stand in, and what a
//! hit shows and filters by. Read from the site model and the rendered Markdown, never
//! from the finished HTML.

use std::borrow::Cow;

use rustc_hash::FxHashMap;

use crate::i18n::{Entry, I18n};
use crate::markdown::{Rendered, TocEntry};
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

/// What the index reads of a document's rendered Markdown.
#[derive(Default)]
pub struct Source {
    /// The text a reader reads, without markup.
    pub text: String,
    /// The headings, one after the other.
    pub headings: String,
    /// The number of words, which dilutes each word in it.
    pub words: usize,
}

impl Source {
    /// Takes the text out of `rendered` (which keeps the rest).
    pub fn take(rendered: &mut Rendered) -> Source {
        Source { text: std::mem::take(&mut rendered.text), ..Source::without_text(rendered) }
    }

    /// Copies the text of `rendered`, which another build keeps.
    pub fn copy(rendered: &Rendered) -> Source {
        Source { text: rendered.text.clone(), ..Source::without_text(rendered) }
    }

    fn without_text(rendered: &Rendered) -> Source {
        let mut headings = String::new();
        collect_headings(&rendered.toc, &mut headings);
        Source { text: String::new(), headings, words: rendered.words }
    }
}

fn collect_headings(toc: &[TocEntry], out: &mut String) {
    for entry in toc {
        out.push_str(&entry.title);
        out.push(' ');
        collect_headings(&entry.children, out);
    }
}

/// What a hit shows and is filtered by.
pub struct Shown {
    pub path: String,
    pub title: String,
    pub description: String,
    pub section: String,
    pub tags: Vec<String>,
    pub location: Option<String>,
    pub employment: Option<String>,
    /// The start of the text, for excerpts.
    pub excerpt: String,
}

/// One document as the index sees it; its words are lent by the site and the sources.
pub struct Collected<'a> {
    pub shown: Shown,
    /// Lower-cased word → where it stands.
    pub words: FxHashMap<Cow<'a, str>, Counts>,
    /// The length of the body in words, which dilutes each word in it.
    pub body_words: usize,
    pub is_section: bool,
}

/// The section a document is listed under: a section's own title, else its parent's.
pub fn section_name(site: &Site, doc: &Doc) -> String {
    let section = if doc.is_section() { Some(doc) } else { doc.parent.map(|p| site.doc(p)) };
    section.map(|s| s.meta.title.clone()).unwrap_or_default()
}

/// What the index takes from `doc`, listed under `section`.
pub fn collect<'a>(doc: &'a Doc, section: &str, source: &'a Source, i18n: &I18n) -> Collected<'a> {
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
        path: doc.rel.clone(),
        title: doc.meta.title.clone(),
        description: doc.meta.description.clone().unwrap_or_default(),
        section: section.to_string(),
        tags: doc.meta.taxonomies.get("tags").cloned().unwrap_or_default(),
        location: job.map(|j| j.location.clone()),
        employment,
        excerpt: excerpt(&source.text),
    };
    let mut words: FxHashMap<Cow<'a, str>, Counts> =
        FxHashMap::with_capacity_and_hasher(source.text.len() / 16 + 16, Default::default());
    let mut add = |field: Field, text: &'a str| for_each_word(text, |word| tally(&mut words, word, field));
    add(Field::Title, &doc.meta.title);
    for terms in doc.meta.taxonomies.values() {
        for term in terms {
            add(Field::Tags, term);
        }
    }
    if let Some(job) = job {
        add(Field::Job, &job.employer);
        add(Field::Job, &job.location);
    }
    add(Field::Headings, &source.headings);
    add(Field::Description, doc.meta.description.as_deref().unwrap_or_default());
    add(Field::Body, &source.text);
    // The employment type's label and the section's name are made here, not lent.
    let mut owned =
        |field: Field, text: &str| for_each_word(text, |w| tally(&mut words, Cow::Owned(w.into_owned()), field));
    if let Some(employment) = &shown.employment {
        owned(Field::Job, employment);
    }
    owned(Field::Section, &shown.section);
    Collected { shown, words, body_words: source.words, is_section: doc.is_section() }
}

/// Counts `word` once more in `field`.
fn tally<'a>(words: &mut FxHashMap<Cow<'a, str>, Counts>, word: Cow<'a, str>, field: Field) {
    let counts = words.entry(word).or_default();
    counts[field as usize] = counts[field as usize].saturating_add(1);
}

/// The first [`EXCERPT_CHARS`] characters of `text`, cut between words.
fn excerpt(text: &str) -> String {
    let Some((cut, _)) = text.char_indices().nth(EXCERPT_CHARS) else {
        return text.to_string();
    };
    let head = &text[..cut];
    head.rfind(char::is_whitespace).map_or(head, |space| &head[..space]).to_string()
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
