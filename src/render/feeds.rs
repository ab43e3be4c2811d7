//! `atom.xml` per language and `sitemap.xml` with hreflang alternates.

use std::hash::Hash;

use super::hash::{Digest, Hasher};
use crate::dates::{Moment, rfc3339};
use crate::html::escape;
use crate::ids::LangId;
use crate::site::{Doc, Site};

/// The Atom feed of a language: its dated pages, newest first. `updated` is the newest
/// entry's date, so the feed changes only when the content does.
pub fn atom(site: &Site, lang: LangId, docs: &[tera::Value]) -> String {
    let language = &site.config.languages[lang];
    let mut entries: Vec<&Doc> = dated_pages(site, lang).collect();
    let zone = &site.config.time_zone;
    // A date's instant takes a time zone lookup: once per entry, not per comparison.
    entries.sort_by_cached_key(|d| (std::cmp::Reverse(d.meta.date.as_ref().map(|m| m.start(zone))), d.key.as_str()));
    entries.truncate(site.config.feed_limit);
    let updated = entries
        .iter()
        .filter_map(|d| last_changed(d))
        .map(|m| m.start(zone))
        .max()
        .map_or_else(|| rfc3339(jiff::Timestamp::UNIX_EPOCH, zone), |at| rfc3339(at, zone));
    let home = site.url_of(&site.lang_rel(lang));
    let mut out = String::with_capacity(4096);
    out.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    out.push_str(&format!("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n", escape(&language.locale)));
    out.push_str(&format!("<title>{}</title>\n", escape(&language.title)));
    if !language.description.is_empty() {
        out.push_str(&format!("<subtitle>{}</subtitle>\n", escape(&language.description)));
    }
    out.push_str(&format!(
        "<link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n",
        escape(&site.url_of(&format!("{}atom.xml", site.lang_rel(lang))))
    ));
    out.push_str(&format!("<link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n", escape(&home)));
    out.push_str(&format!("<id>{}</id>\n<updated>{updated}</updated>\n", escape(&home)));
    out.push_str("<generator>regionprofil</generator>\n");
    for doc in entries {
        let url = escape(&site.url_of(&doc.rel));
        let text_of = |key: &str| docs[doc.id].get_from_path(key).and_then(|v| v.as_str()).map(str::to_string);
        out.push_str("<entry>\n");
        out.push_str(&format!("<title>{}</title>\n", escape(&doc.meta.title)));
        if let Some(date) = &doc.meta.date {
            out.push_str(&format!("<published>{}</published>\n", rfc3339(date.start(zone), zone)));
        }
        if let Some(changed) = last_changed(doc) {
            out.push_str(&format!("<updated>{}</updated>\n", rfc3339(changed.start(zone), zone)));
        }
        out.push_str(&format!("<author><name>{}</name></author>\n", escape(&site.config.title)));
        out.push_str(&format!("<link rel=\"alternate\" type=\"text/html\" href=\"{url}\"/>\n<id>{url}</id>\n"));
        let summary = text_of("summary").or_else(|| doc.meta.description.as_ref().map(|d| escape(d)));
        if let Some(summary) = summary {
            out.push_str(&format!("<summary type=\"html\">{}</summary>\n", escape(&summary)));
        }
        out.push_str(&format!(
            "<content type=\"html\">{}</content>\n",
            escape(&text_of("content").unwrap_or_default())
        ));
        out.push_str("</entry>\n");
    }
    out.push_str("</feed>\n");
    out
}

/// The pages a language's feed chooses its entries from.
fn dated_pages(site: &Site, lang: LangId) -> impl Iterator<Item = &Doc> {
    site.pages().filter(move |d| d.lang == lang && !d.is_fallback() && d.meta.date.is_some())
}

/// A digest of all the feed of `lang` is made of besides the site's configuration, given
/// the digest of each document's value (with its title, summary and content): hashing it
/// costs a fraction of writing the feed, so `serve` remakes a feed only when it changes.
pub fn atom_inputs(site: &Site, lang: LangId, docs: &[Digest]) -> Digest {
    let mut hasher = Hasher::new();
    for doc in dated_pages(site, lang) {
        (&doc.key, &doc.rel, &doc.meta.date, &doc.meta.updated, docs[doc.id]).hash(&mut hasher);
    }
    hasher.digest128()
}

fn last_changed(doc: &Doc) -> Option<&Moment> {
    doc.meta.updated.as_ref().or(doc.meta.date.as_ref())
}

/// One `<url>` of the sitemap: its location, last change and language alternates.
pub struct SitemapEntry {
    pub url: String,
    pub lastmod: Option<String>,
    pub alternates: Vec<(String, String)>,
}

/// The sitemap of `entries`, `count` of them. Room for the whole text is made once the
/// first `SAMPLE` entries show how long an entry is (with a tenth to spare), rather than
/// grown by doubling to up to twice the 20 MB that a part of 50,000 URLs takes.
pub fn sitemap(entries: impl Iterator<Item = SitemapEntry>, count: usize) -> String {
    use std::fmt::Write;
    const SAMPLE: usize = 100;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let head = out.len();
    for (n, entry) in entries.enumerate() {
        if n == SAMPLE {
            let per_entry = (out.len() - head) / SAMPLE;
            out.reserve(per_entry * count.saturating_sub(SAMPLE) * 11 / 10 + 16);
        }
        // Writing to a String cannot fail.
        let _ = write!(out, "<url>\n<loc>{}</loc>\n", escape(&entry.url));
        if let Some(lastmod) = &entry.lastmod {
            let _ = writeln!(out, "<lastmod>{lastmod}</lastmod>");
        }
        for (hreflang, href) in &entry.alternates {
            let _ = writeln!(
                out,
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                escape(hreflang),
                escape(href)
            );
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// The most URLs in one sitemap file, as the sitemap protocol allows; a site with more
/// gets `sitemap.xml` as an index of `sitemap-1.xml`, `sitemap-2.xml`, ….
pub const SITEMAP_LIMIT: usize = 50_000;

/// How many URLs the sitemap lists: every document that is its own original (fallback
/// pages point search engines at their original instead), and taxonomy and term pages when
/// there are such pages.
pub fn sitemap_len(site: &Site, taxonomy_pages: bool) -> usize {
    let docs = site.docs.iter().filter(|d| !d.is_fallback()).count();
    let taxonomies: usize = site.taxonomies.iter().filter(|_| taxonomy_pages).map(|t| 1 + t.terms.len()).sum();
    docs + taxonomies
}

/// What one sitemap file holds.
pub enum SitemapFile {
    /// An index of this many parts.
    Index(usize),
    /// The entries numbered so (in the order of [`sitemap_len`]'s count).
    Entries(std::ops::Range<usize>),
}

impl SitemapFile {
    /// The sitemap file `part` names ([`Job::Sitemap`](super::plan::Job::Sitemap)): its
    /// output path and what it holds.
    pub fn of(site: &Site, taxonomy_pages: bool, part: Option<usize>) -> (String, SitemapFile) {
        let len = sitemap_len(site, taxonomy_pages);
        let parts = len.div_ceil(SITEMAP_LIMIT);
        match part {
            None if parts > 1 => ("sitemap.xml".into(), SitemapFile::Index(parts)),
            None => ("sitemap.xml".into(), SitemapFile::Entries(0..len)),
            Some(part) => {
                let from = (part - 1) * SITEMAP_LIMIT;
                (sitemap_part(part), SitemapFile::Entries(from..len.min(from + SITEMAP_LIMIT)))
            }
        }
    }

    /// The file's text.
    pub fn text(&self, site: &Site, taxonomy_pages: bool) -> String {
        match self {
            SitemapFile::Index(parts) => sitemap_index(site, *parts),
            SitemapFile::Entries(range) => {
                let entries = listed(site, taxonomy_pages, range.clone()).map(|item| item.entry(site));
                sitemap(entries, range.len())
            }
        }
    }

    /// A digest of all the file is made of besides the site's configuration: hashing it
    /// costs a fraction of writing the text, so `serve` remakes the sitemap only when it
    /// changes.
    pub fn inputs(&self, site: &Site, taxonomy_pages: bool) -> Digest {
        let mut hasher = Hasher::new();
        match self {
            SitemapFile::Index(parts) => parts.hash(&mut hasher),
            SitemapFile::Entries(range) => {
                for item in listed(site, taxonomy_pages, range.clone()) {
                    item.hash_inputs(site, &mut hasher);
                }
            }
        }
        hasher.digest128()
    }
}

/// What one sitemap entry is made from.
enum Listed<'a> {
    Doc(&'a Doc),
    /// A taxonomy or term page.
    Page(&'a str),
}

impl Listed<'_> {
    fn entry(&self, site: &Site) -> SitemapEntry {
        let zone = &site.config.time_zone;
        match self {
            Listed::Doc(doc) => SitemapEntry {
                url: site.url_of(&doc.rel),
                lastmod: last_changed(doc).map(|m| rfc3339(m.start(zone), zone)),
                alternates: site.alternates(doc),
            },
            Listed::Page(rel) => SitemapEntry { url: site.url_of(rel), lastmod: None, alternates: vec![] },
        }
    }

    /// Writes what [`Listed::entry`] reads into `hasher`.
    fn hash_inputs(&self, site: &Site, hasher: &mut Hasher) {
        match self {
            Listed::Doc(doc) => {
                ("doc", &doc.rel, last_changed(doc), doc.key == "_index.md").hash(hasher);
                doc.translations.len().hash(hasher);
                for translation in doc.translations.iter().map(|id| site.doc(*id)) {
                    (translation.lang, &translation.rel, translation.is_fallback()).hash(hasher);
                }
            }
            Listed::Page(rel) => ("page", rel).hash(hasher),
        }
    }
}

/// The sources of the sitemap entries numbered `range`, in the order of [`sitemap_len`]'s
/// count.
fn listed(site: &Site, taxonomy_pages: bool, range: std::ops::Range<usize>) -> impl Iterator<Item = Listed<'_>> {
    let docs = site.docs.iter().filter(|d| !d.is_fallback()).map(Listed::Doc);
    let taxonomies = site
        .taxonomies
        .iter()
        .filter(move |_| taxonomy_pages)
        .flat_map(|t| std::iter::once(&t.rel).chain(t.terms.iter().map(|term| &term.rel)))
        .map(|rel| Listed::Page(rel));
    docs.chain(taxonomies).skip(range.start).take(range.len())
}

/// A sitemap index of `parts` sitemap files.
fn sitemap_index(site: &Site, parts: usize) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for part in 1..=parts {
        out.push_str(&format!("<sitemap><loc>{}</loc></sitemap>\n", escape(&site.url_of(&sitemap_part(part)))));
    }
    out.push_str("</sitemapindex>\n");
    out
}

/// The file of the sitemap's part `part` (from 1).
pub fn sitemap_part(part: usize) -> String {
    format!("sitemap-{part}.xml")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sitemap_lists_every_entry_once_in_order_past_the_sample() {
        let entry = |n: usize| SitemapEntry {
            url: format!("https://example.org/side-{n}/"),
            lastmod: n.is_multiple_of(2).then(|| "2026-12-03T00:00:00+01:00".to_string()),
            alternates: vec![("en".into(), format!("https://example.org/en/page-{n}/?a=1&b=2"))],
        };
        let text = sitemap((0..250).map(entry), 250);
        assert!(text.starts_with("<?xml") && text.ends_with("</urlset>\n"));
        let locs: Vec<&str> = text.lines().filter_map(|l| l.strip_prefix("<loc>")?.strip_suffix("</loc>")).collect();
        let expected: Vec<String> = (0..250).map(|n| format!("https://example.org/side-{n}/")).collect();
        assert_eq!(locs, expected);
        assert_eq!(text.matches("<lastmod>").count(), 125);
        assert!(text.contains("href=\"https://example.org/en/page-249/?a=1&amp;b=2\"/>\n</url>"));
    }
}
