//! The pages each term stands in, with its score there, built a batch of documents at a
//! time so that only one batch's words are held at once. A word is looked up as it is
//! read, in the words every batch before met; only the words new to the index are held
//! as text.

use std::collections::BTreeMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::analyze::{Analyzer, fold};
use super::collect::{Collected, Counts, Field};
use super::score::score;

type TermId = u32;

/// The pages a term stands in, ascending, each with the term's score there: as the
/// difference from the page before (LEB128: one byte below 128) and the score, the way the
/// term files write them. Held as (page, score) pairs, the lists were most of the index's
/// memory.
#[derive(Default)]
pub struct PostingList {
    bytes: Vec<u8>,
    last: u32,
    pages: u32,
}

impl PostingList {
    /// Adds `page`, which comes after every page in the list.
    fn push(&mut self, page: u32, score: u8) {
        let mut gap = page - self.last;
        while gap >= 0x80 {
            self.bytes.push(gap as u8 | 0x80);
            gap >>= 7;
        }
        self.bytes.extend([gap as u8, score]);
        (self.last, self.pages) = (page, self.pages + 1);
    }

    /// The number of pages.
    pub fn pages(&self) -> usize {
        self.pages as usize
    }

    /// Each page as the difference from the one before (the first from 0), with its score.
    pub fn gaps(&self) -> impl Iterator<Item = (u32, u8)> + '_ {
        let mut bytes = self.bytes.iter().copied();
        std::iter::from_fn(move || {
            let (mut gap, mut shift) = (0u32, 0);
            loop {
                let byte = bytes.next()?;
                gap |= u32::from(byte & 0x7f) << shift;
                if byte < 0x80 {
                    return Some((gap, bytes.next()?));
                }
                shift += 7;
            }
        })
    }
}

#[derive(Default)]
pub struct Postings {
    /// By term id.
    terms: Vec<String>,
    ids: FxHashMap<String, TermId>,
    /// By term id.
    lists: Vec<PostingList>,
    /// Every word seen → its term.
    words: Words,
}

/// Words → their terms. A word of up to [`SHORT_WORD`] bytes (nearly all) is kept as a
/// number, so that a lookup, done for every word of every page, hashes two machine words
/// and compares no text.
#[derive(Default)]
struct Words {
    short: FxHashMap<u128, TermId>,
    long: FxHashMap<String, TermId>,
}

/// The longest word kept as a number.
const SHORT_WORD: usize = 16;

impl Words {
    fn get(&self, word: &str) -> Option<TermId> {
        match short_key(word) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(word).copied(),
        }
    }

    fn insert(&mut self, word: &str, term: TermId) {
        match short_key(word) {
            Some(key) => self.short.insert(key, term),
            None => self.long.insert(word.to_string(), term),
        };
    }

    /// `each` of every word and its term, in parallel, in no order.
    fn par_map<T: Send>(&self, each: impl Fn(&str, TermId) -> T + Sync + Send) -> Vec<T> {
        let short = self.short.par_iter().map(|(&key, &term)| each(&short_word(key), term));
        short.chain(self.long.par_iter().map(|(word, &term)| each(word, term))).collect()
    }
}

/// The bytes of a word of up to [`SHORT_WORD`] bytes as one number. A word holds no zero
/// byte, so the number's bytes are the word's: two words, two numbers.
fn short_key(word: &str) -> Option<u128> {
    let bytes = word.as_bytes();
    (bytes.len() <= SHORT_WORD).then(|| bytes.iter().fold(0, |key, &byte| key << 8 | u128::from(byte)))
}

/// The word [`short_key`] made `key` of.
fn short_word(key: u128) -> String {
    let bytes = key.to_be_bytes();
    let start = bytes.iter().position(|&byte| byte != 0).unwrap_or(SHORT_WORD);
    String::from_utf8_lossy(&bytes[start..]).into_owned()
}

impl Postings {
    /// Adds `batch`, whose first document is page `first_page`. `average_body_words` is the
    /// language's, for length normalisation.
    pub fn add(&mut self, first_page: u32, batch: &[Collected<'_>], analyzer: &Analyzer, average_body_words: f32) {
        // Each document's words counted by their term, looked up as they are read; words
        // not seen before are counted apart until they have a term.
        let counted: Vec<(FxHashMap<TermId, Counts>, FxHashMap<String, Counts>)> = batch
            .par_iter()
            .map(|doc| {
                let mut known = FxHashMap::with_capacity_and_hasher(doc.words_hint(), Default::default());
                let mut new: FxHashMap<String, Counts> = FxHashMap::default();
                doc.for_each_word(|word, field| match self.words.get(word) {
                    Some(term) => tally(known.entry(term).or_default(), field),
                    None => match new.get_mut(word) {
                        Some(counts) => tally(counts, field),
                        None => tally(new.entry(word.to_string()).or_default(), field),
                    },
                });
                (known, new)
            })
            .collect();
        // Stem each new word once, in parallel.
        let mut new: Vec<&str> = counted.iter().flat_map(|(_, new)| new.keys()).map(String::as_str).collect();
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
                    self.lists.push(PostingList::default());
                    id
                }
            };
            self.words.insert(word, id);
        }
        let scored: Vec<Vec<(TermId, u8)>> = counted
            .into_par_iter()
            .zip(batch)
            .map(|((mut by_term, new), doc)| {
                // Words with one term (`sykepleier`, `sykepleiere`) add up.
                for (word, counts) in new {
                    // Every new word has its term by now.
                    let Some(term) = self.words.get(&word) else { continue };
                    let total = by_term.entry(term).or_default();
                    for (total, n) in total.iter_mut().zip(counts) {
                        *total = total.saturating_add(n);
                    }
                }
                by_term
                    .into_iter()
                    .map(|(term, counts)| {
                        (term, score(&counts, doc.body_words(), average_body_words, doc.is_section()))
                    })
                    .collect()
            })
            .collect();
        for (offset, terms) in scored.into_iter().enumerate() {
            for (term, score) in terms {
                self.lists[term as usize].push(first_page + offset as u32, score);
            }
        }
    }

    /// Every term with its postings, sorted by term.
    pub fn sorted(&self) -> Vec<(&str, &PostingList)> {
        let mut all: Vec<(&str, &PostingList)> = self.terms.iter().map(String::as_str).zip(&self.lists).collect();
        all.sort_unstable_by_key(|(term, _)| *term);
        all
    }

    /// Each inflected form the site uses that is not itself a term → its term:
    /// `sykepleiere` → `sykeplei`.
    pub fn forms(&self) -> BTreeMap<String, &str> {
        let folded: Vec<(String, TermId)> = self.words.par_map(|word, id| (fold(word), id));
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

/// Counts a word once more in `field`.
fn tally(counts: &mut Counts, field: Field) {
    counts[field as usize] = counts[field as usize].saturating_add(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_posting_list_gives_back_the_gaps_between_its_pages() {
        let mut list = PostingList::default();
        for (page, score) in [(3, 9), (130, 255), (131, 0), (70_000, 1)] {
            list.push(page, score);
        }
        assert_eq!(list.gaps().collect::<Vec<_>>(), [(3, 9), (127, 255), (1, 0), (69_869, 1)]);
        assert_eq!(list.pages(), 4);
        // A gap of 127 takes one byte, 69,869 three.
        assert_eq!(list.bytes.len(), 2 + 2 + 2 + 4);
    }

    #[test]
    fn a_short_word_and_its_number_are_one_to_one() {
        for word in ["ab", "øyer", "sykepleiere", "sommerferiejobb", "sommerferiejobbe"] {
            assert_eq!(short_word(short_key(word).expect(word)), word);
        }
        assert_ne!(short_key("ba"), short_key("ab"));
        assert_eq!(short_key("sommerferiejobber"), None, "17 bytes");
        let mut words = Words::default();
        words.insert("sykepleiere", 1);
        words.insert("sykepleiertjenesten", 2);
        assert_eq!((words.get("sykepleiere"), words.get("sykepleiertjenesten")), (Some(1), Some(2)));
        assert_eq!(words.get("sykepleier"), None);
    }
}
