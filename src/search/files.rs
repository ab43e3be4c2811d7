//! One language's index as files, cut so that a query downloads little.
//!
//! Every file but `index.json` is gzipped (the browser inflates it with
//! `DecompressionStream`, so it is small on any host) and named by a hash of its bytes, so a
//! host may cache it for ever. `index.json` says which file holds what:
//!
//! - `forward`: terms and the inflected forms that lead to them, sorted and cut into files
//!   of about [`CHUNK_BYTES`], each listed with its first key. A term maps to its postings,
//!   `[page, score, page, score, …]` with each page number after the first given as the
//!   difference from the one before; a form maps to its term.
//! - `reverse`: terms of six letters or more spelled backwards, with the number of pages
//!   that hold them, cut the same way: the ends of compounds (`…ferie`, `…jobb`).
//! - `page_files`: what a hit shows, eight pages a file, in page-number order: path below
//!   the site's root (`u`), title (`t`), section (`s`, an index into `sections`),
//!   description (`d`) and the start of the text (`x`).
//! - `filters`: page numbers by section (first page and count: pages are numbered by
//!   section), tag, job location and employment type.
//! - `synonyms`: groups of terms a query takes for one another (a language's `synonyms`).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};
use rayon::prelude::*;

use super::collect::Shown;
use super::postings::{PostingList, Postings};
use crate::html::{push_script_safe as push_json, script_safe as json};

/// About how many bytes of JSON a term file holds before the next one starts.
const CHUNK_BYTES: usize = 12 * 1024;
pub const PAGES_PER_FILE: usize = 8;
/// Terms shorter than this are not looked for as the end of a compound.
const COMPOUND_END_MIN: usize = 6;

/// What a page is filtered by, kept for every page until the filters are written.
struct Facets {
    section: usize,
    tags: Vec<String>,
    location: Option<String>,
    employment: Option<String>,
}

/// A file's kind (the start of its name) and its JSON text, until it is compressed.
type Text = (&'static str, String);

/// One language's files as they are made.
pub struct Writer {
    /// Section names in page order, each once.
    sections: Vec<String>,
    /// Page files, compressed as soon as they are made.
    page_files: Vec<(String, Vec<u8>)>,
    facets: Vec<Facets>,
}

impl Writer {
    pub fn new(sections: Vec<String>) -> Writer {
        Writer { sections, page_files: Vec::new(), facets: Vec::new() }
    }

    /// The records of the next pages, in page order; a batch holds whole files of pages.
    pub fn pages(&mut self, batch: &[&Shown]) {
        let section = |name: &str| self.sections.iter().position(|s| s == name).unwrap_or(0);
        let files: Vec<(String, Vec<u8>)> = batch
            .par_chunks(PAGES_PER_FILE)
            .map(|group| {
                let mut text = String::with_capacity(group.iter().map(|r| r.excerpt.len() + 200).sum());
                text.push('[');
                for (i, r) in group.iter().enumerate() {
                    text.push_str(if i == 0 { "{\"u\":" } else { ",{\"u\":" });
                    push_json(&mut text, r.path);
                    text.push_str(",\"t\":");
                    push_json(&mut text, r.title);
                    text.push_str(",\"s\":");
                    text.push_str(itoa::Buffer::new().format(section(r.section)));
                    text.push_str(",\"d\":");
                    push_json(&mut text, r.description);
                    text.push_str(",\"x\":");
                    push_json(&mut text, r.excerpt);
                    text.push('}');
                }
                text.push(']');
                named("p", &text)
            })
            .collect();
        self.page_files.extend(files);
        for shown in batch {
            self.facets.push(Facets {
                section: section(shown.section),
                tags: shown.tags.to_vec(),
                location: shown.location.map(str::to_string),
                employment: shown.employment.clone(),
            });
        }
    }

    /// Every file of the language: (name in its folder, bytes).
    pub fn finish(self, postings: &Postings, search: &str, synonyms: &[Vec<String>]) -> Vec<(String, Vec<u8>)> {
        let terms = postings.sorted();
        let forms = postings.forms();
        let ((forward, reverse), filters) = rayon::join(
            || rayon::join(|| forward_texts(&terms, &forms), || reverse_texts(&terms)),
            || filters_json(&self.facets, &self.sections),
        );
        let pages = self.page_files.len();
        let (forward_keys, forward_texts): (Vec<String>, Vec<Text>) = forward.into_iter().unzip();
        let (reverse_keys, reverse_texts): (Vec<String>, Vec<Text>) = reverse.into_iter().unzip();
        let texts: Vec<Text> = forward_texts.into_iter().chain(reverse_texts).chain([("filters", filters)]).collect();
        // Compress and name every file in parallel; the names go into index.json.
        let mut files = self.page_files;
        files.par_extend(texts.par_iter().map(|(kind, text)| named(kind, text)));
        let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
        let (page_files, rest) = names.split_at(pages);
        let (forward_files, rest) = rest.split_at(forward_keys.len());
        let (reverse_files, filters_file) = rest.split_at(reverse_keys.len());
        let mut index = String::new();
        let _ = write!(index, "{{\"version\":1,\"language\":{},\"pages\":{},", json(search), self.facets.len());
        let _ = write!(index, "\"forward\":{},", keyed_list(&forward_keys, forward_files));
        let _ = write!(index, "\"reverse\":{},", keyed_list(&reverse_keys, reverse_files));
        let _ = write!(index, "\"pages_per_file\":{PAGES_PER_FILE},\"page_files\":{},", json(page_files));
        let _ = write!(index, "\"sections\":{},\"filters\":{},", json(&self.sections), json(&filters_file[0]));
        let _ = write!(index, "\"synonyms\":{}}}", json(synonyms));
        files.push(("index.json".to_string(), index.into_bytes()));
        files
    }
}

/// Terms and forms, sorted, cut into files: (first key, text) of each.
fn forward_texts(terms: &[(&str, &PostingList)], forms: &BTreeMap<String, &str>) -> Vec<(String, Text)> {
    let mut keys: Vec<(&str, Option<&PostingList>)> =
        terms.iter().map(|(t, list)| (*t, Some(*list))).chain(forms.keys().map(|f| (f.as_str(), None))).collect();
    // Two sorted runs, which a stable sort merges in one pass.
    keys.sort_by_key(|(key, _)| *key);
    let mut chunks = Chunks::default();
    for (key, list) in keys {
        let (terms, form_entries) = chunks.start(key);
        match list {
            Some(list) => {
                push_json(terms, key);
                terms.push_str(":[");
                let mut numbers = itoa::Buffer::new();
                for (gap, score) in list.gaps() {
                    terms.push_str(numbers.format(gap));
                    terms.push(',');
                    terms.push_str(numbers.format(score));
                    terms.push(',');
                }
                if terms.ends_with(',') {
                    terms.pop();
                }
                terms.push_str("],");
            }
            None => {
                push_json(form_entries, key);
                form_entries.push(':');
                push_json(form_entries, forms[key]);
                form_entries.push(',');
            }
        }
    }
    chunks.finish("fw", |terms, forms| format!("{{\"t\":{{{terms}}},\"f\":{{{forms}}}}}"))
}

/// Terms of [`COMPOUND_END_MIN`] letters or more spelled backwards, with the number of
/// pages that have them, cut into files.
fn reverse_texts(terms: &[(&str, &PostingList)]) -> Vec<(String, Text)> {
    let mut reversed: Vec<(String, usize)> = terms
        .iter()
        .filter(|(term, _)| term.chars().count() >= COMPOUND_END_MIN)
        .map(|(term, list)| (term.chars().rev().collect(), list.pages()))
        .collect();
    reversed.sort_unstable();
    let mut chunks = Chunks::default();
    for (key, count) in &reversed {
        let (entries, _) = chunks.start(key);
        push_json(entries, key);
        let _ = write!(entries, ":{count},");
    }
    chunks.finish("rv", |entries, _| format!("{{\"r\":{{{entries}}}}}"))
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

    /// (first key, text) of each file.
    fn finish(mut self, kind: &'static str, wrap: impl Fn(&str, &str) -> String) -> Vec<(String, Text)> {
        if !self.a.is_empty() || !self.b.is_empty() {
            self.flush();
        }
        self.done.into_iter().map(|(first, a, b)| (first, (kind, wrap(&a, &b)))).collect()
    }
}

fn filters_json(facets: &[Facets], sections: &[String]) -> String {
    let section_runs: Vec<String> = sections
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let first = facets.iter().position(|f| f.section == i).unwrap_or(0);
            let count = facets.iter().filter(|f| f.section == i).count();
            format!("[{},{first},{count}]", json(name))
        })
        .collect();
    let facet = |values: &dyn Fn(&Facets) -> Vec<String>| {
        let mut pages: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (page, facet) in facets.iter().enumerate() {
            for value in values(facet) {
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
        facet(&|f| f.tags.clone()),
        facet(&|f| f.location.iter().cloned().collect()),
        facet(&|f| f.employment.iter().cloned().collect()),
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

/// A file's text gzipped, named by its kind and a hash of the bytes.
fn named(kind: &str, text: &str) -> (String, Vec<u8>) {
    let bytes = gzip(text.as_bytes());
    (format!("{kind}-{:012x}.json.gz", xxhash_rust::xxh3::xxh3_64(&bytes) >> 16), bytes)
}

thread_local! {
    /// One compressor a thread, reset for each file: a new one zeroes some 440 KB of tables,
    /// more than most files' text.
    static DEFLATE: RefCell<Compress> = RefCell::new(Compress::new(Compression::fast(), false));
}

/// `text` gzipped, with the header `flate2::GzBuilder` writes with no name and no time (and
/// "system unknown"), so that the same text gives the same bytes on any system.
fn gzip(text: &[u8]) -> Vec<u8> {
    // The magic number, deflate, no flags, no time, the fastest level (4), system unknown.
    let mut out = Vec::with_capacity(text.len() / 3 + 64);
    out.extend_from_slice(&[0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 4, 255]);
    DEFLATE.with_borrow_mut(|deflate| {
        deflate.reset();
        loop {
            let read = deflate.total_in() as usize;
            match deflate.compress_vec(&text[read..], &mut out, FlushCompress::Finish) {
                Ok(Status::StreamEnd) => break,
                Ok(_) => out.reserve(out.len().max(64)),
                Err(e) => unreachable!("deflate reports errors of misuse only: {e}"),
            }
        }
    });
    let mut crc = Crc::new();
    crc.update(text);
    out.extend_from_slice(&crc.sum().to_le_bytes());
    out.extend_from_slice(&crc.amount().to_le_bytes());
    // Kept until every file of the index is made: without the room it grew into.
    crate::fitted::list(out)
}

fn keyed_list(keys: &[String], files: &[&str]) -> String {
    let items: Vec<String> =
        keys.iter().zip(files).map(|(key, file)| format!("[{},{}]", json(key), json(file))).collect();
    format!("[{}]", items.join(","))
}
