//! One language's index as files, cut so that a query downloads little.
//!
//! Every file but `index.json` is named by a hash of its bytes, so a host may cache it for
//! ever. `index.json` says which file holds what:
//!
//! - `forward`: terms and the inflected forms that lead to them, sorted and cut into files
//!   of about [`CHUNK_BYTES`], each listed with its first key. A term maps to its postings,
//!   `[page, score, page, score, …]` with each page number after the first given as the
//!   difference from the one before; a form maps to its term.
//! - `reverse`: terms of six letters or more spelled backwards, with the number of pages
//!   that hold them, cut the same way: the ends of compounds (`…ferie`, `…jobb`).
//! - `pages`: what a hit shows, eight pages a file, in page-number order: path below the
//!   site's root (`u`), title (`t`), section (`s`, an index into `sections`), description
//!   (`d`) and the start of the text (`x`).
//! - `filters`: page numbers by section (first page and count: pages are numbered by
//!   section), tag, job location and employment type.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::analyze::Analyzer;
use super::collect::{Counts, Record};
use super::score::score;

/// About how many bytes a term file holds before the next one starts.
const CHUNK_BYTES: usize = 12 * 1024;
const PAGES_PER_FILE: usize = 8;
/// Terms shorter than this are not looked for as the end of a compound.
const COMPOUND_END_MIN: usize = 6;

/// The files of one language's index: (name in the language's folder, bytes).
pub fn language_files(mut records: Vec<Record>, analyzer: &Analyzer, search: &str) -> Vec<(String, Vec<u8>)> {
    // Pages numbered by section, so that a section's pages are one run of numbers.
    records.sort_by(|a, b| (&a.section, &a.path).cmp(&(&b.section, &b.path)));
    let words: FxHashSet<&str> = records.iter().flat_map(|r| r.words.keys().map(String::as_str)).collect();
    let words: Vec<&str> = words.into_iter().collect();
    let analyzed: FxHashMap<&str, String> = words.par_iter().map(|w| (*w, analyzer.term(w))).collect();

    let average = records.iter().map(|r| r.body_words).sum::<usize>() as f32 / records.len().max(1) as f32;
    let scored: Vec<Vec<(&str, u8)>> = records
        .par_iter()
        .map(|record| {
            let mut by_term: FxHashMap<&str, Counts> = FxHashMap::default();
            for (word, counts) in &record.words {
                let sum = by_term.entry(analyzed[word.as_str()].as_str()).or_default();
                for (total, n) in sum.iter_mut().zip(counts) {
                    *total = total.saturating_add(*n);
                }
            }
            by_term
                .into_iter()
                .map(|(term, counts)| (term, score(&counts, record.body_words, average, record.is_section)))
                .collect()
        })
        .collect();
    let mut postings: BTreeMap<&str, Vec<(u32, u8)>> = BTreeMap::new();
    for (page, terms) in scored.iter().enumerate() {
        for &(term, score) in terms {
            postings.entry(term).or_default().push((page as u32, score));
        }
    }
    // A form that is not itself a term leads to its term: `sykepleiere` → `sykeplei`.
    let mut forms: BTreeMap<String, &str> = BTreeMap::new();
    for (word, term) in &analyzed {
        let form = super::analyze::fold(word);
        if form != *term && !postings.contains_key(form.as_str()) {
            // Two words may fold to one form; the smaller term wins, whatever the order.
            let entry = forms.entry(form).or_insert(term.as_str());
            *entry = (*entry).min(term.as_str());
        }
    }

    let mut files = Vec::new();
    let forward = forward_files(&postings, &forms, &mut files);
    let reverse = reverse_files(&postings, &mut files);
    let sections = section_names(&records);
    let pages = page_files(&records, &sections, &mut files);
    let filters = named(&mut files, "filters", filters_json(&records, &sections));
    let mut index = String::new();
    let _ = write!(index, "{{\"version\":1,\"language\":{},\"pages\":{},", json(search), records.len());
    let _ = write!(index, "\"forward\":{},\"reverse\":{},", keyed_list(&forward), keyed_list(&reverse));
    let _ = write!(index, "\"pages_per_file\":{PAGES_PER_FILE},\"page_files\":{},", json(&pages));
    let _ = write!(index, "\"sections\":{},\"filters\":{}}}", json(&sections), json(&filters));
    files.push(("index.json".to_string(), index.into_bytes()));
    files
}

fn forward_files(
    postings: &BTreeMap<&str, Vec<(u32, u8)>>,
    forms: &BTreeMap<String, &str>,
    files: &mut Vec<(String, Vec<u8>)>,
) -> Vec<(String, String)> {
    let mut keys: Vec<&str> = postings.keys().copied().chain(forms.keys().map(String::as_str)).collect();
    keys.sort_unstable();
    let mut chunks = Chunks::default();
    for key in keys {
        let (terms, form_entries) = chunks.start(key);
        match postings.get(key) {
            Some(list) => {
                let _ = write!(terms, "{}:[", json(key));
                let mut previous = 0;
                for (i, &(page, score)) in list.iter().enumerate() {
                    let _ = write!(terms, "{}{},{score}", if i == 0 { "" } else { "," }, page - previous);
                    previous = page;
                }
                terms.push_str("],");
            }
            None => {
                let _ = write!(form_entries, "{}:{},", json(key), json(forms[key]));
            }
        }
    }
    chunks.finish(files, "fw", |terms, forms| format!("{{\"t\":{{{terms}}},\"f\":{{{forms}}}}}"))
}

fn reverse_files(
    postings: &BTreeMap<&str, Vec<(u32, u8)>>,
    files: &mut Vec<(String, Vec<u8>)>,
) -> Vec<(String, String)> {
    let mut reversed: Vec<(String, usize)> = postings
        .iter()
        .filter(|(term, _)| term.chars().count() >= COMPOUND_END_MIN)
        .map(|(term, list)| (term.chars().rev().collect(), list.len()))
        .collect();
    reversed.sort_unstable();
    let mut chunks = Chunks::default();
    for (key, count) in &reversed {
        let (entries, _) = chunks.start(key);
        let _ = write!(entries, "{}:{count},", json(key));
    }
    chunks.finish(files, "rv", |entries, _| format!("{{\"r\":{{{entries}}}}}"))
}

/// Sorted keys cut into files of about [`CHUNK_BYTES`], each file two JSON object bodies.
#[derive(Default)]
struct Chunks {
    done: Vec<(String, String, String)>,
    first: String,
    a: String,
    b: String,
}

impl Chunks {
    /// The two bodies the entry for `key` goes in.
    fn start(&mut self, key: &str) -> (&mut String, &mut String) {
        if self.a.len() + self.b.len() >= CHUNK_BYTES {
            self.flush();
        }
        if self.a.is_empty() && self.b.is_empty() {
            self.first = key.to_string();
        }
        (&mut self.a, &mut self.b)
    }

    fn flush(&mut self) {
        let (mut a, mut b) = (std::mem::take(&mut self.a), std::mem::take(&mut self.b));
        for body in [&mut a, &mut b] {
            if body.ends_with(',') {
                body.pop();
            }
        }
        self.done.push((std::mem::take(&mut self.first), a, b));
    }

    /// Writes the files; returns (first key, file name) of each.
    fn finish(
        mut self,
        files: &mut Vec<(String, Vec<u8>)>,
        kind: &str,
        wrap: impl Fn(&str, &str) -> String,
    ) -> Vec<(String, String)> {
        if !self.a.is_empty() || !self.b.is_empty() {
            self.flush();
        }
        self.done.into_iter().map(|(first, a, b)| (first, named(files, kind, wrap(&a, &b)))).collect()
    }
}

fn section_names(records: &[Record]) -> Vec<String> {
    let mut names: Vec<String> = records.iter().map(|r| r.section.clone()).collect();
    names.dedup();
    names
}

fn page_files(records: &[Record], sections: &[String], files: &mut Vec<(String, Vec<u8>)>) -> Vec<String> {
    records
        .chunks(PAGES_PER_FILE)
        .map(|group| {
            let entries: Vec<String> = group
                .iter()
                .map(|r| {
                    let section = sections.iter().position(|s| *s == r.section).unwrap_or(0);
                    format!(
                        "{{\"u\":{},\"t\":{},\"s\":{section},\"d\":{},\"x\":{}}}",
                        json(&r.path),
                        json(&r.title),
                        json(&r.description),
                        json(&r.excerpt)
                    )
                })
                .collect();
            named(files, "p", format!("[{}]", entries.join(",")))
        })
        .collect()
}

fn filters_json(records: &[Record], sections: &[String]) -> String {
    let section_runs: Vec<String> = sections
        .iter()
        .map(|name| {
            let first = records.iter().position(|r| r.section == *name).unwrap_or(0);
            let count = records.iter().filter(|r| r.section == *name).count();
            format!("[{},{first},{count}]", json(name))
        })
        .collect();
    let facet = |values: &dyn Fn(&Record) -> Vec<String>| {
        let mut pages: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (page, record) in records.iter().enumerate() {
            for value in values(record) {
                pages.entry(value).or_default().push(page);
            }
        }
        let entries: Vec<String> =
            pages.iter().map(|(value, pages)| format!("[{},{}]", json(value), deltas(pages))).collect();
        format!("[{}]", entries.join(","))
    };
    format!(
        "{{\"section\":[{}],\"tags\":{},\"location\":{},\"type\":{}}}",
        section_runs.join(","),
        facet(&|r| r.tags.clone()),
        facet(&|r| r.location.iter().cloned().collect()),
        facet(&|r| r.employment.iter().cloned().collect()),
    )
}

/// `[3, 5, 9]` as `[3,2,4]`.
fn deltas(pages: &[usize]) -> String {
    let mut out = String::from("[");
    let mut previous = 0;
    for (i, &page) in pages.iter().enumerate() {
        let _ = write!(out, "{}{}", if i == 0 { "" } else { "," }, page - previous);
        previous = page;
    }
    out.push(']');
    out
}

/// Adds a file named by its kind and a hash of its bytes; returns the name.
fn named(files: &mut Vec<(String, Vec<u8>)>, kind: &str, text: String) -> String {
    let name = format!("{kind}-{:012x}.json", xxhash_rust::xxh3::xxh3_64(text.as_bytes()) >> 16);
    files.push((name.clone(), text.into_bytes()));
    name
}

fn keyed_list(entries: &[(String, String)]) -> String {
    let items: Vec<String> = entries.iter().map(|(key, file)| format!("[{},{}]", json(key), json(file))).collect();
    format!("[{}]", items.join(","))
}

/// `value` as JSON, with `<`, `>` and `&` escaped so that the text stays inert even if a
/// theme puts it inside a `<script>` element.
fn json<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_string(value).unwrap_or_default();
    if !text.contains(['<', '>', '&']) {
        return text;
    }
    text.replace('<', "\\u003c").replace('>', "\\u003e").replace('&', "\\u0026")
}
