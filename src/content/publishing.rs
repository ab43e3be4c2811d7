//! When a page is part of the site: the one rule that `build` (which pages to leave out)
//! and `schedule` (when the built site will change by itself) both follow.
//!
//! A page is left out while it is a draft (unless drafts are asked for), before its
//! `publish_date`, and from its `expiry_date` or its job's `valid_through` on.

use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::PageMeta;
use crate::dates::Moment;

/// Why a page is not part of a build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unpublished {
    Draft,
    Scheduled(Moment),
    Expired(Moment),
}

impl Unpublished {
    pub fn describe(&self) -> String {
        match self {
            Unpublished::Draft => "is a draft".into(),
            Unpublished::Scheduled(at) => format!("is not published until {}", at.as_str()),
            Unpublished::Expired(at) => format!("expired on {}", at.as_str()),
        }
    }
}

/// Whether the page is in a build made at `now`, and if not, why. Plain dates are days in
/// `zone`: a page is published from the start of its publish date and expires at the end
/// of its expiry date (or its job's last day to apply).
pub fn status(meta: &PageMeta, drafts: bool, now: Timestamp, zone: &TimeZone) -> Option<Unpublished> {
    if meta.draft && !drafts {
        return Some(Unpublished::Draft);
    }
    if let Some(publish) = &meta.publish_date
        && publish.start(zone) > now
    {
        return Some(Unpublished::Scheduled(publish.clone()));
    }
    expiries(meta).find(|moment| moment.end(zone) <= now).map(|moment| Unpublished::Expired(moment.clone()))
}

/// A moment at which a page enters or leaves the site, and when that is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Publish,
    Expire,
}

/// The instants after `from` (up to and including `until`) at which the page enters or
/// leaves the site by [`status`]: a date that changes nothing (a publish date after the
/// page has expired) is not a change.
pub fn changes<'a>(
    meta: &'a PageMeta,
    drafts: bool,
    from: Timestamp,
    until: Option<Timestamp>,
    zone: &'a TimeZone,
) -> impl Iterator<Item = (Change, Timestamp)> + 'a {
    let is_in = move |at: Timestamp| status(meta, drafts, at, zone).is_none();
    let publishes = meta.publish_date.iter().map(|m| m.start(zone));
    publishes.chain(expiries(meta).map(|m| m.end(zone))).filter_map(move |at| {
        if at <= from || until.is_some_and(|until| at > until) {
            return None;
        }
        let before = at.checked_sub(SignedDuration::from_nanos(1)).unwrap_or(at);
        match (is_in(before), is_in(at)) {
            (false, true) => Some((Change::Publish, at)),
            (true, false) => Some((Change::Expire, at)),
            _ => None,
        }
    })
}

/// The first instant after `from` at which any of these pages enters or leaves the site:
/// until then, a build gives the same pages (see [`changes`]).
pub fn next_change<'a>(
    metas: impl Iterator<Item = &'a PageMeta>,
    drafts: bool,
    from: Timestamp,
    zone: &TimeZone,
) -> Option<Timestamp> {
    metas.filter_map(|meta| changes(meta, drafts, from, None, zone).map(|(_, at)| at).min()).min()
}

/// The front-matter path (`["job", "valid_through"]`) and date of an expiry that comes
/// before the page's publish date, so that no build ever has the page: an author's mistake
/// (the two swapped, a year mistyped), not a schedule.
pub fn expires_before_published<'a>(
    meta: &'a PageMeta,
    zone: &TimeZone,
) -> Option<(&'static [&'static str], &'a Moment)> {
    let publish = meta.publish_date.as_ref()?.start(zone);
    let expiry_date = meta.expiry_date.iter().map(|m| (&["expiry_date"][..], m));
    let valid_through = meta.job.iter().map(|job| (&["job", "valid_through"][..], &job.valid_through));
    expiry_date.chain(valid_through).find(|(_, moment)| moment.end(zone) <= publish)
}

fn expiries(meta: &PageMeta) -> impl Iterator<Item = &Moment> {
    meta.expiry_date.iter().chain(meta.job.as_ref().map(|job| &job.valid_through))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(publish: Option<&str>, expiry: Option<&str>) -> PageMeta {
        let moment = |text: &str| text.parse::<Moment>().expect("date");
        PageMeta { publish_date: publish.map(moment), expiry_date: expiry.map(moment), ..PageMeta::default() }
    }

    fn at(text: &str) -> Timestamp {
        text.parse::<Moment>().expect("date").start(&TimeZone::UTC)
    }

    fn oslo() -> TimeZone {
        crate::dates::time_zone("Europe/Oslo").expect("zone")
    }

    #[test]
    fn an_expiry_before_the_publish_date_is_found() {
        let swapped = page(Some("2027-02-01"), Some("2027-01-01"));
        assert_eq!(
            expires_before_published(&swapped, &oslo()).map(|(path, m)| (path, m.as_str())),
            Some((&["expiry_date"][..], "2027-01-01"))
        );
        // One day, shown from its start to its end, is a schedule.
        assert_eq!(expires_before_published(&page(Some("2027-01-01"), Some("2027-01-01")), &oslo()), None);
        assert_eq!(expires_before_published(&page(None, Some("2027-01-01")), &oslo()), None);
    }

    #[test]
    fn a_page_is_in_from_its_publish_date_until_its_expiry_date() {
        let meta = page(Some("2026-12-01"), Some("2027-01-31"));
        let utc = TimeZone::UTC;
        assert!(matches!(status(&meta, false, at("2026-11-30"), &utc), Some(Unpublished::Scheduled(_))));
        assert_eq!(status(&meta, false, at("2026-12-01"), &utc), None);
        // The expiry date itself is the last day shown.
        assert_eq!(status(&meta, false, at("2027-01-31T23:59:59Z"), &utc), None);
        assert!(matches!(status(&meta, false, at("2027-02-01"), &utc), Some(Unpublished::Expired(_))));
        let draft = PageMeta { draft: true, ..PageMeta::default() };
        assert_eq!(status(&draft, false, at("2026-12-01"), &utc), Some(Unpublished::Draft));
        assert_eq!(status(&draft, true, at("2026-12-01"), &utc), None);
    }

    #[test]
    fn a_deadline_lasts_to_the_end_of_its_day_in_the_site_s_zone() {
        // "Søknadsfrist 15. januar 2027": people may apply all of the 15th in Oslo.
        let job = page(None, Some("2027-01-15"));
        assert_eq!(status(&job, false, at("2027-01-15T22:59:59Z"), &oslo()), None);
        assert!(status(&job, false, at("2027-01-15T23:00:00Z"), &oslo()).is_some());
        // And a campaign starts at midnight in Oslo, an hour before midnight in UTC.
        let campaign = page(Some("2026-12-01"), None);
        assert_eq!(status(&campaign, false, at("2026-11-30T23:00:00Z"), &oslo()), None);
        assert!(status(&campaign, false, at("2026-11-30T22:59:59Z"), &oslo()).is_some());
    }

    #[test]
    fn only_dates_that_change_what_is_built_are_changes() {
        let utc = TimeZone::UTC;
        let kinds =
            |meta: &PageMeta| changes(meta, false, at("2026-11-01"), None, &utc).map(|(c, _)| c).collect::<Vec<_>>();
        assert_eq!(kinds(&page(Some("2026-12-01"), Some("2027-01-31"))), [Change::Publish, Change::Expire]);
        // Published after it has expired: the page never appears, so nothing changes.
        assert_eq!(kinds(&page(Some("2027-02-01"), Some("2026-12-10"))), []);
    }
}
