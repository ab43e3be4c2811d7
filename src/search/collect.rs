//! What the index knows of one document: its words by the field they stand in, and what a
//! hit shows and filters by. Read from the site model and the rendered Markdown, never
//! from the finished HTML.

use rustc_hash::FxHashMap;

use crate::i18n::{Entry, I18n};
use crate::markdown::{Rendered, TocEntry};
use crate::site::{Doc, Site};

use super::analyze::words;

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

/// One document as the index sees it.
pub struct Record {
    pub path: String,
    pub title: String,
    pub description: String,
    pub section: String,
    pub tags: Vec<String>,
    pub location: Option<String>,
    pub employment: Option<String>,
    pub is_section: bool,
    /// The start of the text, for excerpts.
    pub excerpt: String,
    /// Lower-cased word → where it stands.
    pub words: FxHashMap<String, Counts>,
    pub body_words: usize,
}

pub fn record(site: &Site, doc: &Doc, rendered: &Rendered, i18n: &I18n) -> Record {
    let section_doc = if doc.is_section() { Some(doc) } else { doc.parent.map(|p| site.doc(p)) };
    let section = section_doc.map(|s| s.meta.title.clone()).unwrap_or_default();
    let tags = doc.meta.taxonomies.get("tags").cloned().unwrap_or_default();
    let job = doc.meta.job.as_ref();
    let employment = job.map(|job| {
        let key = serde_json::to_value(job.employment_type).ok().and_then(|v| v.as_str().map(str::to_string));
        let key = key.unwrap_or_default();
        match i18n.lookup(&format!("employment.{key}"), doc.lang) {
            Some((Entry::Text(text), _)) => text.clone(),
            _ => key.replace('_', " ").to_lowercase(),
        }
    });
    let description = doc.meta.description.clone().unwrap_or_default();
    let mut record = Record {
        path: doc.rel.clone(),
        title: doc.meta.title.clone(),
        description,
        section,
        tags,
        location: job.map(|j| j.location.clone()),
        employment,
        is_section: doc.is_section(),
        excerpt: excerpt(&rendered.text),
        words: FxHashMap::default(),
        body_words: 0,
    };
    let mut add = |field: Field, text: &str| {
        let mut n = 0;
        for word in words(text) {
            let counts = record.words.entry(word).or_default();
            counts[field as usize] = counts[field as usize].saturating_add(1);
            n += 1;
        }
        n
    };
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
    if let Some(employment) = &record.employment.clone() {
        add(Field::Job, employment);
    }
    let mut headings = String::new();
    collect_headings(&rendered.toc, &mut headings);
    add(Field::Headings, &headings);
    add(Field::Description, &record.description.clone());
    add(Field::Section, &record.section.clone());
    record.body_words = add(Field::Body, &rendered.text);
    record
}

fn collect_headings(toc: &[TocEntry], out: &mut String) {
    for entry in toc {
        out.push_str(&entry.title);
        out.push(' ');
        collect_headings(&entry.children, out);
    }
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
