//! A document's table of contents: the headings of its own Markdown in order, held flat
//! and small by every rendering until its page is made, and nested only for the page's
//! own template.

use std::sync::Arc;

use serde::Serialize;

/// One heading of a document's own Markdown (not of a shortcode's body).
#[derive(Clone, Debug, PartialEq, Hash)]
pub struct Heading {
    pub level: u8,
    pub id: Box<str>,
    /// Its text, without markup.
    pub title: Box<str>,
}

/// A document's headings, in the order they stand. Every document holds its own while the
/// pages are made: a slice of boxed texts costs a fraction of the nested entries templates
/// get (each a map of four keys and a list of children). Shared, so that `serve`, whose
/// memo keeps each rendering, hands a page its headings without copying them.
#[derive(Clone, Debug, Default, PartialEq, Hash)]
pub struct Toc(Arc<[Heading]>);

/// `toc` of a page: a heading with the deeper headings after it, up to the next one as high.
#[derive(Debug, PartialEq, Serialize)]
pub struct TocEntry<'a> {
    pub level: u8,
    pub id: &'a str,
    pub title: &'a str,
    pub children: Vec<TocEntry<'a>>,
}

impl Toc {
    pub fn new(headings: Vec<Heading>) -> Toc {
        // Into room of their number: a vector grown by pushing has more.
        Toc(Arc::from(headings))
    }

    pub fn headings(&self) -> &[Heading] {
        &self.0
    }

    /// The headings nested: each under the nearest heading before it that stands higher.
    pub fn nested(&self) -> Vec<TocEntry<'_>> {
        fn insert<'a>(into: &mut Vec<TocEntry<'a>>, entry: TocEntry<'a>) {
            if let Some(last) = into.last_mut()
                && entry.level > last.level
            {
                insert(&mut last.children, entry);
                return;
            }
            into.push(entry);
        }
        let mut out = Vec::new();
        for heading in self.0.iter() {
            let entry = TocEntry { level: heading.level, id: &heading.id, title: &heading.title, children: Vec::new() };
            insert(&mut out, entry);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heading(level: u8, id: &str) -> Heading {
        Heading { level, id: id.into(), title: id.to_uppercase().into() }
    }

    #[test]
    fn deeper_headings_nest_under_the_one_before_them_until_one_as_high() {
        let toc = Toc::new(vec![heading(2, "a"), heading(3, "b"), heading(4, "c"), heading(3, "d"), heading(2, "e")]);
        let ids = |entries: &[TocEntry]| entries.iter().map(|e| e.id.to_string()).collect::<Vec<_>>();
        let nested = toc.nested();
        assert_eq!(ids(&nested), ["a", "e"]);
        assert_eq!(ids(&nested[0].children), ["b", "d"]);
        assert_eq!(ids(&nested[0].children[0].children), ["c"]);
        assert_eq!(nested[0].title, "A");
    }

    #[test]
    fn a_first_heading_deeper_than_the_next_stays_at_the_top() {
        let toc = Toc::new(vec![heading(3, "a"), heading(2, "b")]);
        assert_eq!(toc.nested().iter().map(|e| e.id).collect::<Vec<_>>(), ["a", "b"]);
    }
}
