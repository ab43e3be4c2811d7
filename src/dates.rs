//! Dates as authors write them: `YYYY-MM-DD`, a time of day, or RFC 3339, and the site's
//! time zone.
//!
//! A [`Moment`] keeps the text the author wrote (templates see it as written) and what it
//! stands for: a plain date is a day in the site's time zone (`time_zone`, default
//! `Europe/Oslo`), which starts at its midnight there ([`Moment::start`]) and, as a
//! deadline, lasts until the next ([`Moment::end`]); a date and time without an offset
//! (`2027-01-06 18:00`) is that time of day there; an RFC 3339 time is that instant.
//! Time zones come from the IANA database compiled into the program, so every machine
//! gives the same answer, with or without a system time zone database.

use std::fmt;
use std::str::FromStr;
use std::sync::LazyLock;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime};
use jiff::tz::{TimeZone, TimeZoneDatabase};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::diag::{Diagnostic, suggest};

pub const DATE_HINT: &str = "write dates as YYYY-MM-DD (2026-11-26), with a time of day in the site's zone (2026-11-26 09:00), or RFC 3339 (2026-11-26T09:00:00+01:00)";

/// The hint for `text`, which is not a date as written here: a day written the Norwegian
/// way (`03.05.2026`, `3/5/2026`) is shown converted (`2026-05-03`), else [`DATE_HINT`].
pub fn date_hint(text: &str) -> String {
    let parts: Vec<&str> = text.trim().split(['.', '/']).collect();
    if let [day, month, year] = parts.as_slice()
        && year.len() == 4
        && let (Ok(day), Ok(month), Ok(year)) = (day.parse::<i8>(), month.parse::<i8>(), year.parse::<i16>())
        && let Ok(date) = Date::new(year, month, day)
    {
        return format!("write the day as YYYY-MM-DD: {date}");
    }
    DATE_HINT.to_string()
}

/// The site's time zone when `site.yaml` names none.
pub const DEFAULT_TIME_ZONE: &str = "Europe/Oslo";

/// The IANA time zone database compiled into the program (not the system's, which differs
/// from machine to machine, or is missing).
static ZONES: LazyLock<TimeZoneDatabase> = LazyLock::new(TimeZoneDatabase::bundled);

/// The time zone an IANA name names; an unknown name is an error with the nearest one.
pub fn time_zone(name: &str) -> Result<TimeZone, Diagnostic> {
    ZONES.get(name).map_err(|_| {
        let names: Vec<String> = ZONES.available().map(|n| n.as_str().to_string()).collect();
        Diagnostic::error(format!("`{name}` is not a time zone")).hint(
            suggest(name, names.iter().map(String::as_str))
                .unwrap_or_else(|| "use an IANA time zone name like Europe/Oslo".to_string()),
        )
    })
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Moment {
    text: String,
    when: When,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum When {
    /// A plain date: a day in the site's time zone.
    Day(Date),
    /// A time of day on a date, without an offset: that time in the site's time zone.
    Local(DateTime),
    /// An RFC 3339 time.
    At(Timestamp),
}

impl Moment {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// When the moment begins in `zone`: a plain date's first instant there (for a
    /// publish date, a date to sort by).
    pub fn start(&self, zone: &TimeZone) -> Timestamp {
        match self.when {
            When::Day(date) => start_of(date, zone),
            When::Local(time) => instant_of(time, zone),
            When::At(instant) => instant,
        }
    }

    /// When the moment has passed in `zone`: a plain date lasts its whole day there, so a
    /// deadline (an expiry date, a job's `valid_through`) passes at the next midnight.
    pub fn end(&self, zone: &TimeZone) -> Timestamp {
        match self.when {
            When::Day(date) => date.tomorrow().map_or_else(|_| start_of(date, zone), |next| start_of(next, zone)),
            When::Local(time) => instant_of(time, zone),
            When::At(instant) => instant,
        }
    }

    /// The calendar day the moment falls on in `zone`.
    pub fn date(&self, zone: &TimeZone) -> Date {
        match self.when {
            When::Day(date) => date,
            When::Local(time) => time.date(),
            When::At(instant) => instant.to_zoned(zone.clone()).date(),
        }
    }
}

/// A day's first instant in `zone` (where a clock change skips midnight, when the clock
/// lands). Only a day past what instants can hold has none: then the end of time.
fn start_of(date: Date, zone: &TimeZone) -> Timestamp {
    date.to_zoned(zone.clone()).map_or(Timestamp::MAX, |z| z.timestamp())
}

/// A time of day in `zone` as an instant (where a clock change skips it, the same time
/// after the change, as `jiff` resolves it); past what instants can hold, the end of time.
fn instant_of(time: DateTime, zone: &TimeZone) -> Timestamp {
    time.to_zoned(zone.clone()).map_or(Timestamp::MAX, |z| z.timestamp())
}

/// An instant as RFC 3339 with `zone`'s offset at that instant: `2027-01-16T00:00:00+01:00`
/// (for feeds, sitemaps, JSON-LD and `schedule`).
pub fn rfc3339(instant: Timestamp, zone: &TimeZone) -> String {
    instant.to_zoned(zone.clone()).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// What serde says a date is, when a value is not one; `yaml` gives this expectation its
/// hint ([`DATE_HINT`]).
pub const EXPECTING: &str = "a date";

impl FromStr for Moment {
    type Err = Diagnostic;

    fn from_str(text: &str) -> Result<Moment, Diagnostic> {
        let trimmed = text.trim();
        let bad = || Diagnostic::error(format!("`{trimmed}` is not {EXPECTING}")).hint(date_hint(trimmed));
        let when = if trimmed.len() == 10 {
            When::Day(Date::strptime("%Y-%m-%d", trimmed).map_err(|_| bad())?)
        } else if let Ok(instant) = Timestamp::from_str(trimmed) {
            // RFC 3339 requires an offset; a space instead of `T` is allowed by RFC 3339 too.
            When::At(instant)
        } else {
            // No offset: hours and minutes (and seconds) on the day, `T` or a space between.
            let time = ["%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S"]
                .iter()
                .find_map(|format| DateTime::strptime(format, trimmed).ok())
                .ok_or_else(bad)?;
            When::Local(time)
        };
        Ok(Moment { text: trimmed.to_string(), when })
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
        // Read before site.yaml is: a plain date is its midnight in UTC.
        return text
            .parse::<Moment>()
            .map(|m| m.start(&TimeZone::UTC))
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

    fn oslo() -> TimeZone {
        time_zone("Europe/Oslo").expect("a zone")
    }

    #[test]
    fn a_norwegian_date_gets_its_own_day_back_as_the_hint() {
        let d = "03.05.2026".parse::<Moment>().expect_err("not ISO");
        assert_eq!(d.hint.as_deref(), Some("write the day as YYYY-MM-DD: 2026-05-03"));
        assert_eq!(date_hint("3/5/2026"), "write the day as YYYY-MM-DD: 2026-05-03");
        assert_eq!(date_hint("31.02.2026"), DATE_HINT, "no such day");
        assert_eq!(date_hint("neste uke"), DATE_HINT);
    }

    #[test]
    fn a_plain_date_is_a_whole_day_in_the_site_s_zone() {
        let d: Moment = "2027-01-15".parse().expect("date");
        assert_eq!(d.as_str(), "2027-01-15");
        assert_eq!(rfc3339(d.start(&oslo()), &oslo()), "2027-01-15T00:00:00+01:00");
        assert_eq!(rfc3339(d.end(&oslo()), &oslo()), "2027-01-16T00:00:00+01:00");
        assert_eq!(rfc3339(d.end(&oslo()), &TimeZone::UTC), "2027-01-15T23:00:00+00:00");
        // Summer time: the day starts at 22:00 UTC the day before.
        let summer: Moment = "2027-07-01".parse().expect("date");
        assert_eq!(rfc3339(summer.start(&oslo()), &TimeZone::UTC), "2027-06-30T22:00:00+00:00");
        // The day the clocks go forward is 23 hours long.
        let spring: Moment = "2027-03-28".parse().expect("date");
        assert_eq!((spring.end(&oslo()).as_second() - spring.start(&oslo()).as_second()) / 3600, 23);
    }

    #[test]
    fn an_rfc3339_time_is_that_instant_in_any_zone() {
        let t: Moment = "2026-11-26T23:30:00Z".parse().expect("datetime");
        assert_eq!(t.start(&oslo()), t.end(&oslo()));
        assert_eq!(rfc3339(t.start(&oslo()), &oslo()), "2026-11-27T00:30:00+01:00");
        // Its day is the day in the site's zone.
        assert_eq!(t.date(&oslo()).to_string(), "2026-11-27");
    }

    #[test]
    fn a_time_of_day_without_an_offset_is_that_time_in_the_site_s_zone() {
        for text in ["2027-01-06 18:00", "2027-01-06T18:00", "2027-01-06 18:00:00"] {
            let t: Moment = text.parse().expect(text);
            assert_eq!(t.as_str(), text);
            assert_eq!(rfc3339(t.start(&oslo()), &oslo()), "2027-01-06T18:00:00+01:00");
            // A deadline at a time of day passes at that time, not at the end of the day.
            assert_eq!(t.end(&oslo()), t.start(&oslo()));
            assert_eq!(rfc3339(t.start(&TimeZone::UTC), &TimeZone::UTC), "2027-01-06T18:00:00+00:00");
        }
        // Summer time, and the day it falls on.
        let summer: Moment = "2027-07-01 00:30".parse().expect("summer");
        assert_eq!(rfc3339(summer.start(&oslo()), &TimeZone::UTC), "2027-06-30T22:30:00+00:00");
        assert_eq!(summer.date(&oslo()).to_string(), "2027-07-01");
    }

    #[test]
    fn impossible_dates_are_rejected() {
        for bad in ["2026-13-01", "2026-02-30", "26.11.2026", "2026-11-26 25:00", "2026-11-26 9", "tomorrow"] {
            assert!(bad.parse::<Moment>().is_err(), "{bad}");
        }
    }

    #[test]
    fn an_unknown_zone_is_an_error_with_the_nearest_name() {
        let d = time_zone("Europe/Olso").expect_err("misspelt");
        assert_eq!(d.hint.as_deref(), Some("did you mean `Europe/Oslo`?"));
    }

    #[test]
    fn now_prefers_flag_then_epoch() {
        let utc = TimeZone::UTC;
        let flag = resolve_now(Some("2026-01-02"), Some("0")).expect("flag");
        assert_eq!(rfc3339(flag, &utc), "2026-01-02T00:00:00+00:00");
        let epoch = resolve_now(None, Some("86400")).expect("epoch");
        assert_eq!(rfc3339(epoch, &utc), "1970-01-02T00:00:00+00:00");
        assert!(resolve_now(None, Some("soon")).is_err());
    }
}
