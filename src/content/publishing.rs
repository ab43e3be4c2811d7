//! When a page is part of the site: the one rule that `build` (which pages to leave out)
//! and `schedule` (when the built site will change by itself) both follow.
//!
//! A page is left out while it is a draft (unless drafts are asked for), before its
//! `publish_date`, and from its `expiry_date` or its job's `valid_through` on.

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

/// Whether the page is in a build made at `now`, and if not, why.
pub fn status(meta: &PageMeta, drafts: bool, now: Timestamp) -> Option<Unpublished> {
    if meta.draft && !drafts {
        return Some(Unpublished::Draft);
    }
    if let Some(publish) = &meta.publish_date
        && publish.instant() > now
    {
        return Some(Unpublished::Scheduled(publish.clone()));
    }
    expiries(meta).find(|moment| moment.instant() <= now).map(|moment| Unpublished::Expired(moment.clone()))
}

/// A moment at which a page enters or leaves the site.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Publish,
    Expire,
}

/// The moments after `from` (up to and including `until`) at which the page enters or
/// leaves the site by [`status`]: a date that changes nothing (a publish date after the
/// page has expired) is not a change.
pub fn changes<'a>(
    meta: &'a PageMeta,
    drafts: bool,
    from: Timestamp,
    until: Option<Timestamp>,
) -> impl Iterator<Item = (Change, &'a Moment)> + 'a {
    let is_in = move |at: Timestamp| status(meta, drafts, at).is_none();
    meta.publish_date.iter().chain(expiries(meta)).filter_map(move |moment| {
        let at = moment.instant();
        if at <= from || until.is_some_and(|until| at > until) {
            return None;
        }
        let before = at.checked_sub(SignedDuration::from_nanos(1)).unwrap_or(at);
        match (is_in(before), is_in(at)) {
            (false, true) => Some((Change::Publish, moment)),
            (true, false) => Some((Change::Expire, moment)),
            _ => None,
        }
    })
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
        text.parse::<Moment>().expect("date").instant()
    }

    #[test]
    fn a_page_is_in_from_its_publish_date_until_its_expiry_date() {
        let meta = page(Some("2026-12-01"), Some("2027-01-31"));
        assert!(matches!(status(&meta, false, at("2026-11-30")), Some(Unpublished::Scheduled(_))));
        assert_eq!(status(&meta, false, at("2026-12-01")), None);
        assert!(matches!(status(&meta, false, at("2027-01-31")), Some(Unpublished::Expired(_))));
        let draft = PageMeta { draft: true, ..PageMeta::default() };
        assert_eq!(status(&draft, false, at("2026-12-01")), Some(Unpublished::Draft));
        assert_eq!(status(&draft, true, at("2026-12-01")), None);
    }

    #[test]
    fn only_dates_that_change_what_is_built_are_changes() {
        let kinds = |meta: &PageMeta| changes(meta, false, at("2026-11-01"), None).map(|(c, _)| c).collect::<Vec<_>>();
        assert_eq!(kinds(&page(Some("2026-12-01"), Some("2027-01-31"))), [Change::Publish, Change::Expire]);
        // Published after it has expired: the page never appears, so nothing changes.
        assert_eq!(kinds(&page(Some("2027-02-01"), Some("2026-12-10"))), []);
    }
}
