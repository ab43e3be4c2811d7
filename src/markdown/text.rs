//! The plain text of a document, as a reader reads it, for the search index: what it
//! matches and what a hit's excerpt shows.
//!
//! Inline markup joins (`med **barn**, er` is `med barn, er`), a table cell or a line break
//! parts words, and a block ends a sentence, with a full stop unless it has its own mark,
//! so that an excerpt does not run a heading into the paragraph after it.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::placeholders::{calls_paragraph_end, substitute_with};
use crate::html::text_of;

#[derive(Default)]
pub struct PlainText {
    text: String,
    /// What separates the next piece of text from the last.
    pending: Option<Break>,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Break {
    Word,
    Sentence,
}

/// What each shortcode call of a piece of Markdown gave: its HTML, and the text of its body.
pub struct Calls<'c> {
    pub outputs: &'c [String],
    pub bodies: &'c [Option<String>],
}

impl Calls<'_> {
    /// A call's text where it stands: its body's, else the text of its HTML (a number,
    /// a name), or nothing for a call that is a block of its own without a body (a table
    /// or a chart of numbers, which no excerpt should read out).
    fn put(&self, index: usize, inline: bool, out: &mut String) {
        match (self.bodies.get(index), self.outputs.get(index)) {
            (Some(Some(body)), _) => {
                out.push_str(body);
                out.push(' ');
            }
            (_, Some(html)) if inline => out.push_str(&text_of(html)),
            _ => {}
        }
    }
}

impl PlainText {
    pub fn push_events(&mut self, events: &[Event], calls: &Calls) {
        let mut i = 0;
        while i < events.len() {
            match &events[i] {
                Event::Text(piece) => self.push(&substitute_with(piece, |n, out| calls.put(n, true, out))),
                Event::Code(piece) => self.push(piece),
                Event::Start(Tag::Paragraph) => {
                    self.part(Some(Break::Sentence));
                    if let Some(end) = calls_paragraph_end(events, i) {
                        for event in &events[i + 1..end] {
                            if let Event::Text(piece) = event {
                                self.push(&substitute_with(piece, |n, out| calls.put(n, false, out)));
                            }
                        }
                        i = end;
                    }
                }
                Event::Start(tag) => self.part(block_break(&tag.to_end())),
                Event::End(tag) => self.part(block_break(tag)),
                Event::SoftBreak | Event::HardBreak => self.part(Some(Break::Word)),
                Event::Rule => self.part(Some(Break::Sentence)),
                _ => {}
            }
            i += 1;
        }
    }

    /// The text so far, ending its last sentence.
    pub fn into_text(mut self) -> String {
        self.end_sentence();
        self.text
    }

    /// The text, ending its last sentence, and how many words it holds.
    pub fn finish(self) -> (String, usize) {
        let text = self.into_text();
        let words = text.split_whitespace().filter(|word| word.chars().any(char::is_alphanumeric)).count();
        (text, words)
    }

    fn part(&mut self, found: Option<Break>) {
        self.pending = self.pending.max(found);
    }

    fn push(&mut self, piece: &str) {
        if piece.trim().is_empty() && self.pending.is_some() {
            return;
        }
        let pending = self.pending.take();
        if !self.text.is_empty() {
            if pending == Some(Break::Sentence) {
                self.end_sentence();
            }
            if pending.is_some() && !self.text.ends_with(char::is_whitespace) {
                self.text.push(' ');
            }
        }
        let piece =
            if self.text.is_empty() || self.text.ends_with(char::is_whitespace) { piece.trim_start() } else { piece };
        self.text.push_str(piece);
    }

    /// A full stop after the text, unless it ends with a mark of its own (`?`, `:`, `.»`).
    fn end_sentence(&mut self) {
        let trimmed = self.text.trim_end();
        self.text.truncate(trimmed.len());
        let last = self.text.trim_end_matches(['"', '\'', '»', '”', '’', ')', ']']).chars().next_back();
        if last.is_some_and(|c| !matches!(c, '.' | '!' | '?' | ':' | ';' | '…')) {
            self.text.push('.');
        }
    }
}

/// How a block tag, opening or closing, parts the text around it.
fn block_break(tag: &TagEnd) -> Option<Break> {
    match tag {
        TagEnd::Paragraph
        | TagEnd::Heading(_)
        | TagEnd::BlockQuote(_)
        | TagEnd::HtmlBlock
        | TagEnd::List(_)
        | TagEnd::Item
        | TagEnd::FootnoteDefinition
        | TagEnd::DefinitionList
        | TagEnd::DefinitionListTitle
        | TagEnd::DefinitionListDefinition
        | TagEnd::Table
        | TagEnd::TableHead
        | TagEnd::TableRow => Some(Break::Sentence),
        TagEnd::CodeBlock | TagEnd::TableCell => Some(Break::Word),
        _ => None,
    }
}
