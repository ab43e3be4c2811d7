//! `site.yaml` → [`Config`]: parsed strictly (an unknown key is an error with the nearest
//! valid key), then validated (base URL, languages and their four identifiers).

pub mod fetch;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::dates::Moment;
use crate::diag::{Diagnostic, Diagnostics, Location, suggest};
use crate::yaml::{self, YamlSource};
use jiff::tz::TimeZone;

pub const CONFIG_FILE: &str = "site.yaml";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    base_url: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_language")]
    default_language: String,
    #[serde(default)]
    languages: IndexMap<String, RawLanguage>,
    #[serde(default)]
    translations: Translations,
    #[serde(default)]
    theme: Option<String>,
    #[serde(default)]
    minify: bool,
    #[serde(default)]
    relative_urls: bool,
    #[serde(default)]
    highlight: Highlight,
    #[serde(default)]
    taxonomies: Vec<String>,
    #[serde(default = "default_paginate")]
    paginate: usize,
    #[serde(default = "yes")]
    feeds: bool,
    #[serde(default = "default_feed_limit")]
    feed_limit: usize,
    #[serde(default = "default_time_zone")]
    time_zone: String,
    #[serde(default = "yes")]
    search: bool,
    #[serde(default)]
    images: crate::images::Settings,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    data: BTreeMap<String, DataOptions>,
    #[serde(default)]
    extra: serde_json::Map<String, serde_json::Value>,
}

fn default_language() -> String {
    "nb".into()
}
fn default_time_zone() -> String {
    crate::dates::DEFAULT_TIME_ZONE.into()
}
fn default_paginate() -> usize {
    20
}
fn default_feed_limit() -> usize {
    20
}
fn yes() -> bool {
    true
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    locale: Option<String>,
    #[serde(default)]
    search: Option<String>,
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
}

/// What a language gets for a page that was not translated into it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Missing {
    /// The language lacks the page.
    #[default]
    Skip,
    /// The page is built from the default language's text, marked as such.
    Fallback,
}

#[derive(Clone, Copy, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Translations {
    #[serde(default)]
    pub missing: Missing,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Highlight {
    /// Only `css` (class names plus a generated stylesheet) is supported.
    #[serde(default = "css")]
    pub style: HighlightStyle,
    /// The syntect theme the stylesheet is generated from.
    #[serde(default = "default_highlight_theme")]
    pub theme: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HighlightStyle {
    #[default]
    Css,
}

fn css() -> HighlightStyle {
    HighlightStyle::Css
}
fn default_highlight_theme() -> String {
    "InspiredGitHub".into()
}

impl Default for Highlight {
    fn default() -> Self {
        Highlight { style: HighlightStyle::Css, theme: default_highlight_theme() }
    }
}

/// Per data file options (`data: { ssb/befolkning: {…} }`).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DataOptions {
    #[serde(default)]
    pub delimiter: Option<String>,
    #[serde(default)]
    pub decimal: Option<String>,
    #[serde(default)]
    pub encoding: Option<String>,
    /// Long tables (one value per line): the field that names the rows…
    #[serde(default)]
    pub rows: Option<String>,
    /// …the field that names the columns…
    #[serde(default)]
    pub columns: Option<String>,
    /// …and the field that holds the value (default: the last).
    #[serde(default)]
    pub values: Option<String>,
    /// Keep only lines where these fields have these values (a long table's other dimensions).
    #[serde(default)]
    pub filter: BTreeMap<String, String>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub source_url: Option<String>,
    #[serde(default)]
    pub as_of: Option<Moment>,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub max_age_days: Option<u32>,
    /// Where `regionprofil fetch` downloads the file from.
    #[serde(default)]
    pub fetch: Option<fetch::FetchOptions>,
    /// A Statistics Norway table to fetch: a short way to write `fetch`.
    #[serde(default)]
    pub ssb: Option<fetch::SsbOptions>,
    /// Row labels and column headers as shown in other languages: `{ en: { "Hele landet": "Norway" } }`.
    #[serde(default)]
    pub labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Show `0501 Lillehammer` as `Lillehammer` in tables and charts (found by either).
    #[serde(default)]
    pub hide_codes: bool,
}

/// One language of the site, with its four identifiers kept apart.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Language {
    /// The key used in file suffixes and `lang=` arguments: `nb`, `en`.
    pub key: String,
    pub name: String,
    /// The site title in this language.
    pub title: String,
    pub description: String,
    /// The URL path segment: `""` for the root, `"en"` for `/en/`.
    pub path: String,
    /// BCP 47 locale for `<html lang>` and CLDR rules: `nb`, `en-GB`.
    pub locale: String,
    /// Search stemmer language: `no` for Bokmål and Nynorsk.
    pub search: String,
    /// Groups of words the search takes for one another: `[[barnehage, barnepass]]`.
    pub synonyms: Vec<Vec<String>>,
}

/// The site's base URL split into what URLs are made of.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BaseUrl {
    /// `https://example.org`
    pub origin: String,
    /// `/region/` — always starts and ends with `/`.
    pub prefix: String,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let url = url::Url::parse(text.trim()).map_err(|e| format!("`{text}` is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return Err(format!("`{text}` must be an absolute http or https URL"));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(format!("`{text}` must not have a query or a fragment"));
        }
        let origin = url.origin().ascii_serialization();
        let mut prefix = url.path().to_string();
        if !prefix.ends_with('/') {
            prefix.push('/');
        }
        Ok(BaseUrl { origin, prefix })
    }

    /// The absolute URL of an output-relative path (`jobb/` → `https://example.org/region/jobb/`),
    /// made in one allocation: every page asks for several.
    pub fn url_of(&self, rel: &str) -> String {
        [self.origin.as_str(), &self.prefix, rel].concat()
    }

    pub fn as_string(&self) -> String {
        self.url_of("")
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub title: String,
    pub description: String,
    pub base_url: BaseUrl,
    /// Default language first, then the others in the order `site.yaml` lists them.
    pub languages: Vec<Language>,
    pub missing: Missing,
    pub theme: Option<String>,
    pub minify: bool,
    /// Links into the site written relative to each page (see `render::relative`).
    pub relative_urls: bool,
    pub highlight: Highlight,
    pub taxonomies: Vec<String>,
    pub paginate: usize,
    pub feeds: bool,
    pub feed_limit: usize,
    /// A search index per language, and the theme's search page.
    pub search: bool,
    pub images: crate::images::Settings,
    /// The link-preview image of pages that have none, nor a section with one: a file in
    /// `static/`.
    pub image: Option<String>,
    /// The site's days are this zone's days (`time_zone`, an IANA name).
    pub time_zone: TimeZone,
    pub time_zone_name: String,
    pub data: BTreeMap<String, DataOptions>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// The text of site.yaml, to point at keys in later messages.
    pub text: String,
}

/// What the command line may override.
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub base_url: Option<String>,
}

impl Config {
    /// Where a key is in site.yaml (`["data", "befolkning"]`), or its first line.
    pub fn locate(&self, path: &[&str]) -> Location {
        let range = yaml::locate_key(&self.text, path).unwrap_or(0..0);
        Location::in_text(CONFIG_FILE, &self.text, range)
    }

    pub fn default_language(&self) -> &Language {
        &self.languages[0]
    }

    pub fn language(&self, key: &str) -> Option<usize> {
        self.languages.iter().position(|l| l.key == key)
    }

    pub fn language_keys(&self) -> impl Iterator<Item = &str> + Clone {
        self.languages.iter().map(|l| l.key.as_str())
    }

    /// Whether the default language lives under its own path, leaving the root to a
    /// language chooser.
    pub fn has_language_chooser(&self) -> bool {
        !self.default_language().path.is_empty()
    }

    pub fn parse(text: &str, overrides: &Overrides) -> Result<Config, Diagnostics> {
        let source = YamlSource::whole_file(CONFIG_FILE, text);
        let raw: RawConfig = yaml::from_str_all(text, source)?;
        validate(raw, text, overrides)
    }
}

fn validate(raw: RawConfig, text: &str, overrides: &Overrides) -> Result<Config, Diagnostics> {
    let mut diags = Diagnostics::new();
    let at = |path: &[&str]| {
        let range = yaml::locate_key(text, path).unwrap_or(0..0);
        Location::in_text(CONFIG_FILE, text, range)
    };

    let base_url_text = overrides.base_url.as_deref().unwrap_or(&raw.base_url);
    let base_url = match BaseUrl::parse(base_url_text) {
        Ok(url) => url,
        Err(message) => {
            let d = Diagnostic::error(format!("bad base_url: {message}"))
                .hint("write the address the site is published at, e.g. https://example.org/region/");
            diags.push(if overrides.base_url.is_some() { d } else { d.at(at(&["base_url"])) });
            BaseUrl { origin: "http://localhost".into(), prefix: "/".into() }
        }
    };

    // A value written under a key: the first `needle` after it, else the key.
    let at_value = |path: &[&str], needle: &str| {
        let key = yaml::locate_key(text, path).unwrap_or(0..0);
        let after = key.end;
        let range = text[after..].find(needle).map_or(key, |i| after + i..after + i + needle.len());
        Location::in_text(CONFIG_FILE, text, range)
    };
    let languages = languages(&raw, &at, &at_value, &mut diags);

    if raw.title.trim().is_empty() {
        diags.push(Diagnostic::error("the site needs a title").at(at(&["title"])));
    }
    let mut taxonomies = Vec::new();
    for name in &raw.taxonomies {
        let slug = crate::slug::slugify(name);
        if slug != *name || taxonomies.contains(name) {
            diags.push(
                Diagnostic::error(format!("taxonomy name `{name}` must be unique and written as a slug"))
                    .at(at(&["taxonomies"]))
                    .hint(format!("use `{slug}`")),
            );
        }
        taxonomies.push(name.clone());
    }
    if let Some(theme) = &raw.theme
        && (theme.is_empty() || theme.contains(['/', '\\']) || theme.starts_with('.'))
    {
        diags
            .push(Diagnostic::error(format!("theme `{theme}` must be a folder name under themes/")).at(at(&["theme"])));
    }
    let themes = crate::highlight::theme_names();
    if !themes.contains(&raw.highlight.theme.as_str()) {
        let names = themes.iter().copied();
        diags.push(
            Diagnostic::error(format!("unknown highlight theme `{}`", raw.highlight.theme))
                .at(at(&["highlight", "theme"]))
                .maybe_hint(suggest(&raw.highlight.theme, names)),
        );
    }

    if raw.images.widths.is_empty() || raw.images.widths.iter().any(|w| !crate::images::WIDTHS.contains(w)) {
        diags.push(
            Diagnostic::error(format!(
                "images.widths must list widths from {} to {} pixels",
                crate::images::WIDTHS.start(),
                crate::images::WIDTHS.end()
            ))
            .at(at(&["images", "widths"]))
            .hint("for example: widths: [480, 800, 1200, 1600]"),
        );
    }
    if !(1..=100).contains(&raw.images.quality) {
        diags.push(
            Diagnostic::error(format!("images.quality is {}; it goes from 1 to 100", raw.images.quality))
                .at(at(&["images", "quality"]))
                .hint("80 keeps photos sharp at a fifth of the bytes"),
        );
    }
    let time_zone = crate::dates::time_zone(&raw.time_zone).unwrap_or_else(|d| {
        diags.push(d.at(at(&["time_zone"])));
        TimeZone::UTC
    });

    if diags.has_errors() {
        return Err(diags);
    }
    Ok(Config {
        title: raw.title,
        description: raw.description,
        base_url,
        languages,
        missing: raw.translations.missing,
        theme: raw.theme,
        minify: raw.minify,
        relative_urls: raw.relative_urls,
        highlight: raw.highlight,
        taxonomies,
        paginate: raw.paginate,
        feeds: raw.feeds,
        feed_limit: raw.feed_limit,
        search: raw.search,
        images: raw.images,
        image: raw.image,
        time_zone,
        time_zone_name: raw.time_zone,
        data: raw.data,
        extra: raw.extra,
        text: text.to_string(),
    })
}

fn languages(
    raw: &RawConfig,
    at: &dyn Fn(&[&str]) -> Location,
    at_value: &dyn Fn(&[&str], &str) -> Location,
    diags: &mut Diagnostics,
) -> Vec<Language> {
    let default_key = raw.default_language.as_str();
    let mut entries: Vec<(&str, &RawLanguage)> = raw.languages.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let implicit = RawLanguage::default();
    if entries.is_empty() {
        entries.push((default_key, &implicit));
    } else if !raw.languages.contains_key(default_key) {
        diags.push(
            Diagnostic::error(format!("the default language `{default_key}` is not listed under `languages`"))
                .at(at(&["default_language"]))
                .maybe_hint(suggest(default_key, raw.languages.keys().map(String::as_str))),
        );
    }
    // Default language first, the others in the order they are listed.
    entries.sort_by_key(|(key, _)| *key != default_key);

    let mut out: Vec<Language> = Vec::new();
    for (key, lang) in entries {
        let is_default = key == default_key;
        if !is_language_key(key) {
            diags.push(
                Diagnostic::error(format!("language key `{key}` must be letters, digits and `-`"))
                    .at(at(&["languages", key])),
            );
        }
        let path = lang.path.clone().unwrap_or_else(|| if is_default { String::new() } else { key.to_string() });
        let path = path.trim_matches('/').to_string();
        if path.is_empty() && !is_default {
            diags.push(
                Diagnostic::error(format!(
                    "language `{key}` needs its own path; only the default language may live at the root"
                ))
                .at(at(&["languages", key, "path"]))
                .hint(format!("path: {key}")),
            );
        }
        if !path.is_empty() && crate::slug::slugify(&path) != path {
            diags.push(
                Diagnostic::error(format!("language path `{path}` must be one URL segment written as a slug"))
                    .at(at(&["languages", key, "path"])),
            );
        }
        if let Some(other) = out.iter().find(|l| l.path == path) {
            diags.push(
                Diagnostic::error(format!("languages `{}` and `{key}` both use the path `/{path}`", other.key))
                    .at(at(&["languages", key]))
                    .hint("give each language its own `path`"),
            );
        }
        let locale = lang.locale.clone().unwrap_or_else(|| key.to_string());
        if let Err(message) = crate::locale::parse_locale(&locale) {
            diags.push(
                Diagnostic::error(message).at(at(&["languages", key, "locale"])).hint("for example nb, nn, en-GB, de"),
            );
        }
        // Written out, the search language must be one with a stemmer; left out, a language
        // without one gets words folded but not stemmed.
        if let Some(search) = lang.search.as_deref().filter(|s| !STEMMER_LANGUAGES.contains(s)) {
            let hint = crate::diag::suggest(search, STEMMER_LANGUAGES).map_or(String::new(), |s| format!("{s}; "))
                + "or leave `search` out to match words without stemming them";
            diags.push(
                Diagnostic::error(format!("regionprofil has no stemmer for the search language `{search}`"))
                    .at(at(&["languages", key, "search"]))
                    .hint(hint),
            );
        }
        check_synonyms(&lang.synonyms, &|entry| at_value(&["languages", key, "synonyms"], entry), diags);
        let search = lang.search.clone().unwrap_or_else(|| match key {
            "nb" | "nn" | "no" => "no".to_string(),
            other => other.split('-').next().unwrap_or(other).to_string(),
        });
        out.push(Language {
            key: key.to_string(),
            name: lang.name.clone().unwrap_or_else(|| key.to_string()),
            title: lang.title.clone().unwrap_or_else(|| raw.title.clone()),
            description: lang.description.clone().unwrap_or_else(|| raw.description.clone()),
            path,
            locale,
            search,
            synonyms: lang.synonyms.clone(),
        });
    }
    out
}

/// Each group of synonyms must hold two words or more, each a single word: a search
/// matches words, not phrases. `at` locates an entry.
fn check_synonyms(groups: &[Vec<String>], at: &dyn Fn(&str) -> Location, diags: &mut Diagnostics) {
    for group in groups {
        if group.len() < 2 {
            let message = "a group of synonyms needs two words or more";
            let first = group.first().map_or("", String::as_str);
            diags.push(Diagnostic::error(message).at(at(first)).hint("for example `- [barnehage, barnepass]`"));
        }
        for entry in group {
            // A word as the index reads one: letters and digits, two or more.
            if entry.chars().count() < 2 || !entry.chars().all(char::is_alphanumeric) {
                diags.push(
                    Diagnostic::error(format!("the synonym `{entry}` is not one word"))
                        .at(at(entry))
                        .hint("a search matches words, not phrases: write one word of two letters or more"),
                );
            }
        }
    }
}

/// The `search` languages with a Snowball stemmer (`search::analyze` has them).
pub const STEMMER_LANGUAGES: [&str; 18] =
    ["ar", "da", "de", "el", "en", "es", "fi", "fr", "hu", "it", "nl", "no", "pt", "ro", "ru", "sv", "ta", "tr"];

fn is_language_key(key: &str) -> bool {
    !key.is_empty()
        && key.split('-').all(|part| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric()))
        && key.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(text, &Overrides::default())
    }

    #[test]
    fn minimal_config_gets_defaults() {
        let config = parse("title: T\nbase_url: https://example.org/region\n").expect("valid");
        assert_eq!(config.base_url.prefix, "/region/");
        assert_eq!(config.base_url.origin, "https://example.org");
        assert_eq!(config.languages.len(), 1);
        assert_eq!(config.default_language().key, "nb");
        assert_eq!(config.default_language().search, "no");
        assert_eq!(config.default_language().path, "");
        assert_eq!(config.paginate, 20);
    }

    #[test]
    fn languages_keep_their_identifiers_apart_and_default_comes_first() {
        let config = parse(
            "title: T\nbase_url: https://e.org/\ndefault_language: nb\nlanguages:\n  en: { name: English, locale: en-GB }\n  nb: { name: Norsk }\n",
        )
        .expect("valid");
        let keys: Vec<_> =
            config.languages.iter().map(|l| (l.key.as_str(), l.path.as_str(), l.locale.as_str())).collect();
        assert_eq!(keys, [("nb", "", "nb"), ("en", "en", "en-GB")]);
    }

    #[test]
    fn unknown_nested_key_names_the_nearest_one() {
        let err =
            parse("title: T\nbase_url: https://e.org/\nlanguages:\n  nb: { nmae: Norsk }\n").expect_err("invalid");
        let d = err.iter().next().cloned().unwrap_or_else(|| Diagnostic::error("none"));
        assert_eq!(d.message, "unknown key `nmae` in `languages.nb`");
        assert_eq!(d.hint.as_deref(), Some("did you mean `name`?"));
        assert_eq!(d.location.map(|l| l.line), Some(4));
    }

    #[test]
    fn every_mistake_of_site_yaml_is_reported_at_once() {
        let text =
            "#title: T\nbase_url: https://e.org/\npaginat: 10\nrelative_urls: ja   # a comment\nfeed_limit: ti\n";
        let found: Vec<(String, u32, u32, Option<String>)> = parse(text)
            .expect_err("four mistakes")
            .into_iter()
            .map(|d| {
                let at = d.location.expect("located");
                (d.message, at.line, at.len, d.hint)
            })
            .collect();
        let hint = |h: &str| Some(h.to_string());
        assert_eq!(
            found,
            [
                ("missing key `title`".to_string(), 2, 8, hint("add `title: …`")),
                ("unknown key `paginat`".to_string(), 3, 7, hint("did you mean `paginate`?")),
                ("`ja` is not `true` or `false`".to_string(), 4, 2, hint("write `true` for yes and `false` for no")),
                (
                    "`ti` is not a whole number".to_string(),
                    5,
                    2,
                    hint("write the number in digits, with no spaces: 10000")
                ),
            ]
        );
        // A key missing from the whole file is reported once, not once for each key read alone.
        let lacking = parse("base_url: https://e.org/\npaginate: 10\n").expect_err("no title");
        assert_eq!(lacking.iter().count(), 1);
    }

    #[test]
    fn default_language_must_be_listed() {
        let err = parse("title: T\nbase_url: https://e.org/\ndefault_language: nn\nlanguages:\n  nb: {}\n")
            .expect_err("invalid");
        let d = err.iter().next().cloned().unwrap_or_else(|| Diagnostic::error("none"));
        assert!(d.message.contains("`nn` is not listed"), "{}", d.message);
        assert_eq!(d.location.map(|l| l.line), Some(3));
        assert_eq!(d.hint.as_deref(), Some("did you mean `nb`?"));
    }

    #[test]
    fn bad_base_url_is_an_error() {
        assert!(parse("title: T\nbase_url: example.org\n").is_err());
        assert!(parse("title: T\nbase_url: ftp://example.org/\n").is_err());
    }
}
