//! `fetch:` and `ssb:` on a data entry of site.yaml: where `regionprofil fetch` downloads
//! the file from, in which format, and how often.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The formats a fetched file is checked against before it replaces the old one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    JsonStat,
    Csv,
    Json,
    Yaml,
}

impl Format {
    /// The extension of the file in `data/`.
    pub fn extension(self) -> &'static str {
        match self {
            Format::JsonStat | Format::Json => "json",
            Format::Csv => "csv",
            Format::Yaml => "yaml",
        }
    }
}

/// `fetch: { url, format, every }` on a data entry.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FetchOptions {
    pub url: String,
    pub format: Format,
    /// How old the file may get before `fetch` downloads it again, and `check` warns.
    #[serde(default)]
    pub every: Option<Every>,
    /// Seconds the whole answer may take (default 60).
    #[serde(default)]
    pub timeout: Option<u64>,
    /// Tries after the first, after a timeout, a lost connection, a 429 or a 5xx (default 3).
    #[serde(default)]
    pub retries: Option<u32>,
}

/// `ssb: { table, query, codelist?, lang?, every? }`: a Statistics Norway table through
/// PxWebApi v2, as JSON-stat 2.0.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SsbOptions {
    /// The table's number: `"07459"` (quoted, or YAML reads it as a number and drops the 0).
    pub table: String,
    /// Variable code → the value codes or a filter (`top(5)`, `*`, `from(2020)`).
    #[serde(default)]
    pub query: BTreeMap<String, Codes>,
    /// Variable code → a code list (`agg_KommSummerHist`).
    #[serde(default)]
    pub codelist: BTreeMap<String, String>,
    /// The language of the labels: `no` (the default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    #[serde(default)]
    pub every: Option<Every>,
}

/// One value code or filter, or a list of them.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(untagged)]
pub enum Codes {
    One(String),
    Many(Vec<String>),
}

/// Where Statistics Norway's PxWebApi v2 answers.
pub const SSB_API: &str = "https://data.ssb.no/api/pxwebapi/v2";

impl SsbOptions {
    /// The GET URL that returns the table as JSON-stat 2.0, under `api` (normally
    /// [`SSB_API`]).
    pub fn url(&self, api: &str) -> String {
        let mut url = format!(
            "{}/tables/{}/data?lang={}&outputFormat=json-stat2",
            api.trim_end_matches('/'),
            encode(&self.table),
            encode(self.lang.as_deref().unwrap_or("no"))
        );
        for (variable, codes) in &self.query {
            let codes = match codes {
                Codes::One(code) => encode(code),
                Codes::Many(codes) => codes.iter().map(|c| encode(c)).collect::<Vec<_>>().join(","),
            };
            url.push_str(&format!("&valueCodes[{}]={codes}", encode(variable)));
        }
        for (variable, list) in &self.codelist {
            url.push_str(&format!("&codelist[{}]={}", encode(variable), encode(list)));
        }
        url
    }
}

/// A query's part as PxWebApi reads it: letters, digits and what its filters are written
/// with (`top(5)`, `K-3405`, `*`, `?`) stay; everything else is percent-encoded.
fn encode(part: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b'(')
        .remove(b')')
        .remove(b'*')
        .remove(b'?');
    percent_encoding::utf8_percent_encode(part, KEEP).to_string()
}

/// How often: `12h`, `7d`, `4w`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Every(pub Duration);

impl Every {
    pub fn parse(text: &str) -> Option<Every> {
        let text = text.trim();
        let unit = text.chars().last()?;
        let number: u64 = text[..text.len() - unit.len_utf8()].trim().parse().ok()?;
        let hours = match unit {
            'h' => number,
            'd' => number * 24,
            'w' => number * 24 * 7,
            _ => return None,
        };
        (hours > 0).then(|| Every(Duration::from_secs(hours * 3600)))
    }
}

impl<'de> Deserialize<'de> for Every {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Every, D::Error> {
        let text = String::deserialize(deserializer)?;
        Every::parse(&text).ok_or_else(|| {
            serde::de::Error::invalid_value(
                serde::de::Unexpected::Str(&text),
                &"a number of hours, days or weeks: 12h, 7d, 4w",
            )
        })
    }
}

/// As site.yaml writes it: `4w`, `7d`, `12h`.
impl std::fmt::Display for Every {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hours = self.0.as_secs() / 3600;
        if hours.is_multiple_of(24 * 7) {
            write!(f, "{}w", hours / (24 * 7))
        } else if hours.is_multiple_of(24) {
            write!(f, "{}d", hours / 24)
        } else {
            write!(f, "{hours}h")
        }
    }
}

impl Serialize for Every {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ssb_shorthand_is_the_pxwebapi_v2_get_url() {
        let ssb = SsbOptions {
            table: "07459".into(),
            query: BTreeMap::from([
                ("Region".into(), Codes::Many(vec!["K-3405".into(), "K-3440".into(), "K-3441".into()])),
                ("Tid".into(), Codes::One("top(5)".into())),
            ]),
            codelist: BTreeMap::new(),
            lang: None,
            every: None,
        };
        assert_eq!(
            ssb.url(SSB_API),
            "https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?lang=no&outputFormat=json-stat2\
             &valueCodes[Region]=K-3405,K-3440,K-3441&valueCodes[Tid]=top(5)"
        );
    }

    #[test]
    fn every_reads_hours_days_and_weeks() {
        assert_eq!(Every::parse("12h"), Some(Every(Duration::from_secs(12 * 3600))));
        assert_eq!(Every::parse("7d"), Some(Every(Duration::from_secs(7 * 86400))));
        assert_eq!(Every::parse("4w"), Some(Every(Duration::from_secs(28 * 86400))));
        assert_eq!(Every::parse("0d"), None);
        assert_eq!(Every::parse("7 days"), None);
        assert_eq!(Every::parse("d"), None);
    }
}
