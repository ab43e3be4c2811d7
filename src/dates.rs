//! Dates as authors write them: `YYYY-MM-DD` or RFC 3339.
//!
//! A [`Moment`] keeps the text the author wrote (templates see it as written) and the
//! instant it stands for. A plain date means the start of that day in UTC.

use std::fmt;
use std::str::FromStr;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diag::Diagnostic;

pub const DATE_HINT: &str = "write dates as YYYY-MM-DD (2026-11-26) or RFC 3339 (2026-11-26T09:00:00+01:00)";

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Moment {
    instant: Timestamp,
    text: String,
    date_only: bool,
}

impl Moment {
    pub fn instant(&self) -> Timestamp {
        self.instant
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The calendar date the author meant (in the offset they wrote, UTC for plain dates).
    pub fn date(&self) -> Date {
        if self.date_only {
            return self.instant.to_zoned(jiff::tz::TimeZone::UTC).date();
        }
        match jiff::fmt::temporal::Pieces::parse(self.text.as_str()) {
            Ok(pieces) => pieces.date(),
            Err(_) => self.instant.to_zoned(jiff::tz::TimeZone::UTC).date(),
        }
    }

    /// RFC 3339 in UTC, for feeds and sitemaps.
    pub fn rfc3339(&self) -> String {
        rfc3339(self.instant)
    }
}

/// Formats an instant as `2026-11-26T09:00:00Z`.
pub fn rfc3339(instant: Timestamp) -> String {
    instant.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// What serde says a date is, when a value is not one; `yaml` gives this expectation its
/// hint ([`DATE_HINT`]).
pub const EXPECTING: &str = "a date";

impl FromStr for Moment {
    type Err = Diagnostic;

    fn from_str(text: &str) -> Result<Moment, Diagnostic> {
        let trimmed = text.trim();
        let bad = || Diagnostic::error(format!("`{trimmed}` is not {EXPECTING}")).hint(DATE_HINT);
        if trimmed.len() == 10 {
            let date = Date::strptime("%Y-%m-%d", trimmed).map_err(|_| bad())?;
            let instant = date.to_zoned(jiff::tz::TimeZone::UTC).map_err(|_| bad())?.timestamp();
            return Ok(Moment { instant, text: trimmed.to_string(), date_only: true });
        }
        // RFC 3339 requires an offset; a space instead of `T` is allowed by RFC 3339 too.
        let instant = Timestamp::from_str(trimmed).map_err(|_| bad())?;
        Ok(Moment { instant, text: trimmed.to_string(), date_only: false })
    }
}

impl<'de> Deserialize<'de> for Moment {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MomentVisitor;
        impl serde::de::Visitor<'_> for MomentVisitor {
            type Value = Moment;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(EXPECTING)
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Moment, E> {
                text.parse().map_err(|_| E::invalid_value(serde::de::Unexpected::Str(text), &EXPECTING))
            }
        }
        deserializer.deserialize_str(MomentVisitor)
    }
}

impl Serialize for Moment {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

/// "Now" for a build: `--now`, else `SOURCE_DATE_EPOCH`, else the clock.
pub fn resolve_now(flag: Option<&str>, source_date_epoch: Option<&str>) -> Result<Timestamp, Diagnostic> {
    if let Some(text) = flag {
        return text
            .parse::<Moment>()
            .map(|m| m.instant())
            .map_err(|d| Diagnostic { message: format!("--now: {}", d.message), ..d });
    }
    if let Some(epoch) = source_date_epoch.filter(|s| !s.trim().is_empty()) {
        let seconds: i64 = epoch
            .trim()
            .parse()
            .map_err(|_| Diagnostic::error(format!("SOURCE_DATE_EPOCH `{epoch}` is not a number of seconds")))?;
        return Timestamp::from_second(seconds).map_err(|e| Diagnostic::error(format!("SOURCE_DATE_EPOCH: {e}")));
    }
    Ok(Timestamp::now())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_dates_and_rfc3339_parse() {
        let d: Moment = "2026-11-26".parse().expect("date");
        assert_eq!(d.rfc3339(), "2026-11-26T00:00:00Z");
        assert_eq!(d.as_str(), "2026-11-26");
        let t: Moment = "2026-11-26T09:30:00+01:00".parse().expect("datetime");
        assert_eq!(t.rfc3339(), "2026-11-26T08:30:00Z");
        assert_eq!(t.date().to_string(), "2026-11-26");
    }

    #[test]
    fn impossible_dates_are_rejected() {
        for bad in ["2026-13-01", "2026-02-30", "26.11.2026", "2026-11-26T09:00", "tomorrow"] {
            assert!(bad.parse::<Moment>().is_err(), "{bad}");
        }
    }

    #[test]
    fn now_prefers_flag_then_epoch() {
        let flag = resolve_now(Some("2026-01-02"), Some("0")).expect("flag");
        assert_eq!(rfc3339(flag), "2026-01-02T00:00:00Z");
        let epoch = resolve_now(None, Some("86400")).expect("epoch");
        assert_eq!(rfc3339(epoch), "1970-01-02T00:00:00Z");
        assert!(resolve_now(None, Some("soon")).is_err());
    }
}
