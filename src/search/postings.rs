//! The pages each term stands in, with its score there, built a batch of documents at a
//! time so that only one batch's words are held at once.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::analyze::{Analyzer, fold};
use super::collect::{Collected, Counts};
use super::score::score;

type TermId = u32;

/// A page number and the term's score there.
pub type Posting = (u32, u8);

#[derive(Default)]
pub struct Postings {
    /// By term id.
    terms: Vec<String>,
    ids: FxHashMap<String, TermId>,
    /// By term id: (page, score), pages ascending.
    lists: Vec<Vec<Posting>>,
    /// Every word seen → its term.
    words: FxHashMap<String, TermId>,
}

impl Postings {
    /// Adds `batch`, whose first document is page `first_page`. `average_body_words` is the
    /// language's, for length normalisation.
    pub fn add(&mut self, first_page: u32, batch: &[Collected<'_>], analyzer: &Analyzer, average_body_words: f32) {
        // Stem each word not seen before, once, in parallel.
        let mut new: Vec<&str> = batch
            .iter()
            .flat_map(|c| c.words.keys())
            .map(|w| w.as_ref())
            .filter(|w| !self.words.contains_key(*w))
            .collect();
        new.sort_unstable();
        new.dedup();
        let stemmed: Vec<String> = new.par_iter().map(|word| analyzer.term(word)).collect();
        for (word, term) in new.into_iter().zip(stemmed) {
            let id = match self.ids.get(&term) {
                Some(&id) => id,
                None => {
                    let id = self.terms.len() as TermId;
                    self.terms.push(term.clone());
                    self.ids.insert(term, id);
                    self.lists.push(Vec::new());
                    id
                }
            };
            self.words.insert(word.to_string(), id);
        }
        let words = &self.words;
        let scored: Vec<Vec<(TermId, u8)>> = batch
            .par_iter()
            .map(|doc| {
                // Words with one term (`sykepleier`, `sykepleiere`) add up: sort by term, merge.
                let mut by_term: Vec<(TermId, Counts)> =
                    doc.words.iter().map(|(word, counts)| (words[word.as_ref()], *counts)).collect();
                by_term.sort_unstable_by_key(|(term, _)| *term);
                by_term.dedup_by(|(term, counts), (kept_term, kept)| {
                    let same = term == kept_term;
                    if same {
                        for (total, n) in kept.iter_mut().zip(counts.iter()) {
                            *total = total.saturating_add(*n);
                        }
                    }
                    same
                });
                by_term
                    .into_iter()
                    .map(|(term, counts)| (term, score(&counts, doc.body_words, average_body_words, doc.is_section)))
                    .collect()
            })
            .collect();
        for (offset, terms) in scored.into_iter().enumerate() {
            for (term, score) in terms {
                self.lists[term as usize].push((first_page + offset as u32, score));
            }
        }
    }

    /// Every term with its postings, sorted by term.
    pub fn sorted(&self) -> Vec<(&str, &[Posting])> {
        let mut all: Vec<(&str, &[Posting])> =
            self.terms.iter().map(String::as_str).zip(self.lists.iter().map(Vec::as_slice)).collect();
        all.sort_unstable_by_key(|(term, _)| *term);
        all
    }

    /// Each inflected form the site uses that is not itself a term → its term:
    /// `sykepleiere` → `sykeplei`.
    pub fn forms(&self) -> BTreeMap<String, &str> {
        let folded: Vec<(String, TermId)> = self.words.par_iter().map(|(word, &id)| (fold(word), id)).collect();
        let mut forms: BTreeMap<String, &str> = BTreeMap::new();
        for (form, id) in folded {
            let term = self.terms[id as usize].as_str();
            if form != term && !self.ids.contains_key(&form) {
                // Two words may fold to one form; the smaller term wins, whatever the order.
                let entry = forms.entry(form).or_insert(term);
                *entry = (*entry).min(term);
            }
        }
        forms
    }
}
