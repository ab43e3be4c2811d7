//! Front matter: YAML between a first line `---` and the next `---` line.
//!
//! [`split`] finds the YAML and the Markdown body as byte ranges of the whole file;
//! [`parse_page`] and [`parse_section`] validate the YAML into [`PageMeta`] and
//! [`SectionMeta`]. Errors point into the whole file.

use std::cell::Cell;
use std::fmt;
use std::ops::Range;

use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::dates::Moment;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::yaml::{self, YamlSource};

/// Where the parts of a content file are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The YAML between the `---` lines (empty range when the file has no front matter).
    pub yaml: Range<usize>,
    /// Whether the file opens with a `---` line.
    pub has_front_matter: bool,
    /// The Markdown after the closing `---` line.
    pub body: Range<usize>,
}

pub fn split(text: &str, file: &str) -> Result<Split, Diagnostic> {
    let Some(first_end) = line_end(text, 0) else {
        return Ok(Split { yaml: 0..0, has_front_matter: false, body: 0..text.len() });
    };
    if !is_fence(&text[..first_end]) {
        return Ok(Split { yaml: 0..0, has_front_matter: false, body: 0..text.len() });
    }
    let yaml_start = next_line(text, first_end);
    let mut at = yaml_start;
    while at < text.len() {
        let end = line_end(text, at).unwrap_or(text.len());
        if is_fence(&text[at..end]) {
            return Ok(Split { yaml: yaml_start..at, has_front_matter: true, body: next_line(text, end)..text.len() });
        }
        at = next_line(text, end);
    }
    Err(Diagnostic::error("the front matter is never closed")
        .at(Location::in_text(file, text, 0..3))
        .hint("end the front matter with a line that holds only `---`"))
}

fn is_fence(line: &str) -> bool {
    line.trim_end_matches(['\r', ' ', '\t']) == "---"
}

fn line_end(text: &str, from: usize) -> Option<usize> {
    if from >= text.len() {
        return None;
    }
    Some(text[from..].find('\n').map_or(text.len(), |i| from + i))
}

fn next_line(text: &str, end: usize) -> usize {
    (end + 1).min(text.len())
}

/// `job:` — a job posting, given to templates as schema.org `JobPosting`.
#[derive(Clone, Debug, Serialize)]
pub struct Job {
    pub employer: String,
    pub location: String,
    pub employment_type: EmploymentType,
    pub valid_through: Moment,
    pub apply_url: String,
    pub salary: Option<Salary>,
}

/// `job:` as a file writes it: a translation may leave out what its default-language page
/// says (`content::translations` fills it in), and [`JobFields::complete`] then needs all.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JobFields {
    pub employer: Option<String>,
    pub location: Option<String>,
    pub employment_type: Option<EmploymentType>,
    pub valid_through: Option<Moment>,
    pub apply_url: Option<String>,
    pub salary: Option<Salary>,
}

impl JobFields {
    /// The job, or the keys it lacks.
    pub fn complete(self) -> Result<Job, Vec<&'static str>> {
        let JobFields { employer, location, employment_type, valid_through, apply_url, salary } = self;
        match (employer, location, employment_type, valid_through, apply_url) {
            (Some(employer), Some(location), Some(employment_type), Some(valid_through), Some(apply_url)) => {
                Ok(Job { employer, location, employment_type, valid_through, apply_url, salary })
            }
            (employer, location, employment_type, valid_through, apply_url) => Err(lacking([
                ("employer", employer.is_none()),
                ("location", location.is_none()),
                ("employment_type", employment_type.is_none()),
                ("valid_through", valid_through.is_none()),
                ("apply_url", apply_url.is_none()),
            ])),
        }
    }
}

/// `event:` as a file writes it (see [`JobFields`]).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventFields {
    pub start: Option<Moment>,
    pub end: Option<Moment>,
    pub location: Option<String>,
    pub url: Option<String>,
}

impl EventFields {
    /// The event, or the keys it lacks.
    pub fn complete(self) -> Result<Event, Vec<&'static str>> {
        let EventFields { start, end, location, url } = self;
        match (start, end, location) {
            (Some(start), Some(end), Some(location)) => Ok(Event { start, end, location, url }),
            (start, end, location) => {
                Err(lacking([("start", start.is_none()), ("end", end.is_none()), ("location", location.is_none())]))
            }
        }
    }
}

fn lacking<const N: usize>(keys: [(&'static str, bool); N]) -> Vec<&'static str> {
    keys.into_iter().filter(|(_, missing)| *missing).map(|(key, _)| key).collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum EmploymentType {
    FullTime,
    PartTime,
    Contractor,
    Temporary,
    Intern,
    Volunteer,
    PerDiem,
    Other,
}

#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Salary {
    #[serde(default)]
    pub min: Option<serde_json::Number>,
    #[serde(default)]
    pub max: Option<serde_json::Number>,
    #[serde(default = "nok")]
    pub currency: String,
    /// `HOUR`, `MONTH` or `YEAR`.
    #[serde(default = "year")]
    pub unit: String,
}

fn nok() -> String {
    "NOK".into()
}
fn year() -> String {
    "YEAR".into()
}

/// `event:` — given to templates as schema.org `Event`.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    pub start: Moment,
    pub end: Moment,
    pub location: String,
    pub url: Option<String>,
}

/// A page's terms by taxonomy, sorted by taxonomy. A list, not a map: a page has one or two
/// taxonomies, and a map's smallest node takes half a kilobyte for each page of the site.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PageTerms(Vec<(String, Vec<String>)>);

impl PageTerms {
    pub fn get(&self, taxonomy: &str) -> Option<&Vec<String>> {
        self.0.iter().find(|(name, _)| name == taxonomy).map(|(_, terms)| terms)
    }

    /// Sets the terms of `taxonomy`, replacing any it had.
    pub fn insert(&mut self, taxonomy: String, terms: Vec<String>) {
        match self.0.binary_search_by(|(name, _)| name.cmp(&taxonomy)) {
            Ok(i) => self.0[i].1 = terms,
            Err(i) => self.0.insert(i, (taxonomy, terms)),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = (&String, &Vec<String>)> {
        self.0.iter().map(|(name, terms)| (name, terms))
    }

    pub fn values(&self) -> impl Iterator<Item = &Vec<String>> {
        self.0.iter().map(|(_, terms)| terms)
    }
}

#[derive(Clone, Debug, Default)]
pub struct PageMeta {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<Moment>,
    pub updated: Option<Moment>,
    pub draft: bool,
    pub publish_date: Option<Moment>,
    pub expiry_date: Option<Moment>,
    pub slug: Option<String>,
    pub aliases: Vec<String>,
    pub template: Option<String>,
    pub weight: Option<i64>,
    pub image: Option<String>,
    pub taxonomies: PageTerms,
    /// The job and event once complete: as written, with what a translation left out taken
    /// from its default-language page (`content::translations`).
    pub job: Option<Job>,
    pub event: Option<Event>,
    /// `job:` and `event:` as the file writes them, until `content::translations` has
    /// completed them into `job` and `event`.
    pub job_written: Option<JobFields>,
    pub event_written: Option<EventFields>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// `search: false` leaves the page out of the search index.
    pub search: Option<bool>,
}

/// Declares the keys of a page's front matter once: the list that the key check and the
/// "did you mean" hint use, and how each is read into [`PageMeta`].
macro_rules! page_keys {
    ($($key:literal => |$meta:ident, $map:ident| $read:expr),* $(,)?) => {
        pub const PAGE_KEYS: &[&str] = &[$($key),*];

        /// Reads the value of `key` into `meta`; `false` when `key` is not a page key.
        fn read_page_key<'de, A: MapAccess<'de>>(key: &str, meta: &mut PageMeta, map: &mut A) -> Result<bool, A::Error> {
            match key {
                $($key => {
                    let ($meta, $map) = (meta, map);
                    $read;
                })*
                _ => return Ok(false),
            }
            Ok(true)
        }
    };
}

page_keys! {
    "title" => |meta, map| meta.title = map.next_value()?,
    "description" => |meta, map| meta.description = map.next_value()?,
    "date" => |meta, map| meta.date = map.next_value()?,
    "updated" => |meta, map| meta.updated = map.next_value()?,
    "draft" => |meta, map| meta.draft = map.next_value()?,
    "publish_date" => |meta, map| meta.publish_date = map.next_value()?,
    "expiry_date" => |meta, map| meta.expiry_date = map.next_value()?,
    "slug" => |meta, map| meta.slug = map.next_value()?,
    "aliases" => |meta, map| meta.aliases = map.next_value()?,
    "template" => |meta, map| meta.template = map.next_value()?,
    "weight" => |meta, map| meta.weight = map.next_value()?,
    "image" => |meta, map| meta.image = map.next_value()?,
    "job" => |meta, map| meta.job_written = map.next_value()?,
    "event" => |meta, map| meta.event_written = map.next_value()?,
    "extra" => |meta, map| meta.extra = map.next_value::<Option<_>>()?.unwrap_or_default(),
    "search" => |meta, map| meta.search = map.next_value()?,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortBy {
    #[default]
    Date,
    Weight,
    Title,
}

/// `pages_from:` — one page per row of a data table.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PagesFrom {
    pub data: String,
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub template: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionMeta {
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub sort_by: SortBy,
    #[serde(default)]
    pub paginate: Option<usize>,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub page_template: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
    #[serde(default)]
    pub pages_from: Option<PagesFrom>,
    /// The link-preview image of the section, and of its pages that have none.
    #[serde(default)]
    pub image: Option<String>,
    /// `search: false` leaves the section's page out of the search index.
    #[serde(default)]
    pub search: Option<bool>,
    #[serde(default)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Parses a page's front matter; `taxonomies` are the extra list keys `site.yaml` allows.
/// When it fails, every key's mistake is reported, not only the first.
pub fn parse_page(text: &str, split: &Split, file: &str, taxonomies: &[String]) -> Result<PageMeta, Diagnostics> {
    if !split.has_front_matter {
        return Err(missing_front_matter(text, file).into());
    }
    let source = YamlSource { file, full_text: text, offset: split.yaml.start };
    let yaml = &text[split.yaml.clone()];
    if yaml.trim().is_empty() {
        return Err(no_title(text, file).into());
    }
    // A key's mistake comes back through serde as text; its hint, which depends on the
    // site's taxonomies, is left here by the key's reader.
    let hint = Cell::new(None);
    let (meta, has_title) = match yaml::from_str_seed(yaml, PageSeed { taxonomies, hint: &hint }, source) {
        Ok(parsed) => parsed,
        Err(first) => {
            let read = |entry: &str, at: YamlSource<'_>| {
                let hint = Cell::new(None);
                yaml::from_str_seed(entry, PageSeed { taxonomies, hint: &hint }, at)
                    .map_err(|d| d.maybe_hint(hint.take()))
            };
            return Err(yaml::every_mistake(first.maybe_hint(hint.take()), yaml, source, read));
        }
    };
    if !has_title {
        return Err(no_title(text, file).into());
    }
    Ok(meta)
}

pub fn parse_section(text: &str, split: &Split, file: &str) -> Result<SectionMeta, Diagnostics> {
    let yaml = &text[split.yaml.clone()];
    if !split.has_front_matter || yaml.trim().is_empty() {
        return Ok(SectionMeta::default());
    }
    let source = YamlSource { file, full_text: text, offset: split.yaml.start };
    yaml::from_str_all(yaml, source)
}

fn no_title(text: &str, file: &str) -> Diagnostic {
    Diagnostic::error("the page has no `title`")
        .at(Location::in_text(file, text, 0..3))
        .hint("add `title: …` between the `---` lines")
}

fn missing_front_matter(text: &str, file: &str) -> Diagnostic {
    Diagnostic::error("the page has no front matter")
        .at(Location::in_text(file, text, 0..0))
        .hint("start the file with a `---` line, `title: …`, and another `---` line")
}

/// Reads a page's front matter into its meta, and whether it has a title.
struct PageSeed<'a> {
    taxonomies: &'a [String],
    hint: &'a Cell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for PageSeed<'_> {
    type Value = (PageMeta, bool);

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(PageMeta, bool), D::Error> {
        deserializer.deserialize_map(self)
    }
}

/// A taxonomy's terms: a list, or one term written alone (`tags: befolkning`).
enum Terms {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for Terms {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Terms, D::Error> {
        struct TermsVisitor;
        impl<'de> Visitor<'de> for TermsVisitor {
            type Value = Terms;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of terms, like `[befolkning, jobb]`, or one term")
            }
            fn visit_str<E: de::Error>(self, term: &str) -> Result<Terms, E> {
                Ok(Terms::One(term.to_string()))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<Terms, A::Error> {
                Vec::deserialize(de::value::SeqAccessDeserializer::new(seq)).map(Terms::Many)
            }
        }
        deserializer.deserialize_any(TermsVisitor)
    }
}

impl Terms {
    fn into_list(self) -> Vec<String> {
        match self {
            Terms::One(term) => vec![term],
            Terms::Many(terms) => terms,
        }
    }
}

impl<'de> Visitor<'de> for PageSeed<'_> {
    type Value = (PageMeta, bool);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("front matter keys and values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(PageMeta, bool), A::Error> {
        let mut meta = PageMeta::default();
        let mut seen: Vec<String> = Vec::new();
        while let Some(key) =
            map.next_key_seed(KeySeed { taxonomies: self.taxonomies, seen: &mut seen, hint: self.hint })?
        {
            if !read_page_key(&key, &mut meta, &mut map)? {
                let terms = map.next_value::<Option<Terms>>()?.map_or_else(Vec::new, Terms::into_list);
                meta.taxonomies.insert(key, terms);
            }
        }
        let has_title = seen.iter().any(|key| key == "title");
        Ok((meta, has_title))
    }
}

/// Reads a front-matter key and rejects unknown and repeated keys while the YAML reader
/// still points at the key, leaving the hint in `hint`.
struct KeySeed<'a> {
    taxonomies: &'a [String],
    seen: &'a mut Vec<String>,
    hint: &'a Cell<Option<String>>,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<String, E> {
        let is_taxonomy = self.taxonomies.iter().any(|t| t == key);
        let problem = if !is_taxonomy && !PAGE_KEYS.contains(&key) {
            Some((format!("unknown key `{key}`"), unknown_key_hint(key, self.taxonomies)))
        } else if self.seen.iter().any(|k| k == key) {
            Some((format!("the key `{key}` is given twice"), "keep one of them".to_string()))
        } else {
            None
        };
        if let Some((message, hint)) = problem {
            self.hint.set(Some(hint));
            return Err(E::custom(message));
        }
        self.seen.push(key.to_string());
        Ok(key.to_string())
    }
}

fn unknown_key_hint(key: &str, taxonomies: &[String]) -> String {
    if key == "tags" {
        return "`tags` is a taxonomy: list it in site.yaml under `taxonomies`".into();
    }
    if ["sort_by", "paginate", "page_template", "pages_from"].contains(&key) {
        return format!("`{key}` belongs in a section's `_index.md`");
    }
    let known = PAGE_KEYS.iter().copied().chain(taxonomies.iter().map(String::as_str));
    match crate::diag::did_you_mean(key, known) {
        Some(best) => format!("did you mean `{best}`?"),
        None => "put free-form values under `extra:`".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_finds_yaml_and_body() {
        let text = "---\ntitle: A\n---\n# Body\n";
        let s = split(text, "a.md").expect("split");
        assert_eq!(&text[s.yaml.clone()], "title: A\n");
        assert_eq!(&text[s.body.clone()], "# Body\n");
        let crlf = "---\r\ntitle: A\r\n---\r\nBody";
        let s = split(crlf, "a.md").expect("split");
        assert_eq!(&crlf[s.body], "Body");
        let none = split("# Just markdown", "a.md").expect("split");
        assert!(!none.has_front_matter);
    }

    #[test]
    fn unclosed_front_matter_is_an_error() {
        let d = split("---\ntitle: A\n# Body\n", "a.md").expect_err("unclosed");
        assert_eq!(d.message, "the front matter is never closed");
    }

    fn page(text: &str) -> Result<PageMeta, Diagnostic> {
        page_mistakes(text).map_err(|all| all.into_iter().next().expect("a mistake"))
    }

    fn page_mistakes(text: &str) -> Result<PageMeta, Diagnostics> {
        let s = split(text, "content/a.md")?;
        parse_page(text, &s, "content/a.md", &["tags".to_string()])
    }

    #[test]
    fn every_key_s_mistake_is_reported_at_once() {
        let text = "---\ntitle: A\npublish_date: 24.12.2026\ntags: [x]\ndate: 2026-02-30\nweigth: 3\n---\n";
        let found: Vec<(String, u32)> = page_mistakes(text)
            .expect_err("three mistakes")
            .into_iter()
            .map(|d| (d.message, d.location.map_or(0, |at| at.line)))
            .collect();
        assert_eq!(
            found,
            [
                ("`24.12.2026` is not a date".to_string(), 3),
                ("`2026-02-30` is not a date".to_string(), 5),
                ("unknown key `weigth`".to_string(), 6)
            ]
        );
        // A mistake in the YAML itself is reported alone: the keys cannot be told apart.
        let broken = page_mistakes("---\ntitle: \"A\ndate: x\n---\n").expect_err("broken");
        assert_eq!(broken.iter().count(), 1);
    }

    #[test]
    fn every_mistake_of_a_section_is_reported_at_once() {
        let text = "---\ntitle: Bo\nsort_by: dato\npaginate_by: ti\n---\n";
        let s = split(text, "content/bo/_index.md").expect("split");
        let found: Vec<(String, u32)> = parse_section(text, &s, "content/bo/_index.md")
            .expect_err("two mistakes")
            .into_iter()
            .map(|d| (d.message, d.location.map_or(0, |at| at.line)))
            .collect();
        assert_eq!(found, [("unknown value `dato`".to_string(), 3), ("unknown key `paginate_by`".to_string(), 4)]);
    }

    #[test]
    fn page_keys_and_taxonomies_parse() {
        let meta = page("---\ntitle: A\ndate: 2026-01-02\ntags: [x, y]\nweight: 3\n---\n").expect("valid");
        assert_eq!(meta.title, "A");
        assert_eq!(meta.taxonomies.get("tags").map(Vec::len), Some(2));
        assert_eq!(meta.weight, Some(3));
    }

    #[test]
    fn one_term_may_be_written_without_a_list() {
        let meta = page("---\ntitle: A\ntags: befolkning\n---\n").expect("valid");
        assert_eq!(meta.taxonomies.get("tags"), Some(&vec!["befolkning".to_string()]));
        let d = page("---\ntitle: A\ntags: {a: 1}\n---\n").expect_err("a map is no term");
        assert!(d.message.contains("a list of terms"), "{}", d.message);
        assert_eq!(d.location.map(|l| l.line), Some(3));
    }

    #[test]
    fn errors_point_at_the_line_in_the_whole_file() {
        let d = page("---\ntitle: A\ndate: 2026-13-45\n---\n").expect_err("bad date");
        assert_eq!(d.message, "`2026-13-45` is not a date");
        assert_eq!(d.location.as_ref().map(|l| (l.line, l.col)), Some((3, 7)));
        assert!(d.hint.unwrap_or_default().contains("YYYY-MM-DD"));

        let d = page("---\ntitle: A\ntitel: B\n---\n").expect_err("unknown key");
        assert_eq!(d.message, "unknown key `titel`");
        assert_eq!(d.hint.as_deref(), Some("did you mean `title`?"));
        assert_eq!(d.location.map(|l| l.line), Some(3));

        let d = page("---\ndescription: x\n---\n").expect_err("no title");
        assert!(d.message.contains("title"), "{}", d.message);
    }

    #[test]
    fn job_requires_its_fields_once_a_translation_took_its_original_s() {
        let meta = page("---\ntitle: A\njob:\n  employer: X\n---\n").expect("a job may be partial as written");
        let missing = meta.job_written.expect("job").complete().expect_err("incomplete job");
        assert_eq!(missing, ["location", "employment_type", "valid_through", "apply_url"]);
        let d = page(
            "---\ntitle: A\njob: { employer: X, location: Y, employment_type: FULLTIME, valid_through: 2026-01-01, apply_url: https://x }\n---\n",
        )
        .expect_err("bad type");
        assert_eq!(d.hint.as_deref(), Some("did you mean `FULL_TIME`?"));
    }
}
