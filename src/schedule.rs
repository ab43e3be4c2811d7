//! The moments after "now" when the built site will change by itself: pages whose
//! `publish_date` comes, pages whose `expiry_date` or job `valid_through` passes. CI uses the
//! first one to know when to rebuild.

use serde::Serialize;

use crate::content::publishing;
pub use crate::content::publishing::Change;
use crate::content::{self, FileMeta};
use crate::diag::Diagnostics;
use crate::pipeline::{BuildOptions, load};

#[derive(Clone, Debug, Serialize)]
pub struct Upcoming {
    /// RFC 3339, UTC.
    pub at: String,
    pub change: Change,
    pub file: String,
    pub title: String,
    pub lang: String,
    #[serde(skip)]
    pub instant: jiff::Timestamp,
}

/// Every upcoming change, the next one first.
pub fn upcoming(options: &BuildOptions) -> Result<(Vec<Upcoming>, Diagnostics), Diagnostics> {
    changes(options, options.now, None)
}

/// The changes after `from`, up to and including `until` when given, the earliest first.
pub fn changes(
    options: &BuildOptions,
    from: jiff::Timestamp,
    until: Option<jiff::Timestamp>,
) -> Result<(Vec<Upcoming>, Diagnostics), Diagnostics> {
    let (config, tree, mut diags) = load(options)?;
    let (content, content_diags) = content::load(&tree, &config, None);
    diags.extend(content_diags);
    let mut out = Vec::new();
    for file in &content.files {
        let FileMeta::Page(meta) = &file.meta else { continue };
        let display = &tree.file(file.source).display;
        let lang = &config.languages[file.lang].key;
        let zone = &config.time_zone;
        for (change, instant) in publishing::changes(meta, options.drafts, from, until, zone) {
            out.push(Upcoming {
                at: crate::dates::rfc3339(instant, zone),
                change,
                file: display.clone(),
                title: meta.title.clone(),
                lang: lang.clone(),
                instant,
            });
        }
    }
    out.sort_by(|a, b| (a.instant, &a.file).cmp(&(b.instant, &b.file)));
    Ok((out, diags.sorted()))
}

/// A cron line (minute hour day month, UTC) for a moment, as CI schedules take them. Cron
/// has no year, so a line also fires a year later; remove it once it has passed.
pub fn cron_line(instant: jiff::Timestamp) -> String {
    // Cron counts whole minutes: a moment inside a minute runs at the next one, never before.
    let seconds = instant.as_second().rem_euclid(60);
    let rounded = if seconds == 0 && instant.subsec_nanosecond() == 0 {
        instant
    } else {
        instant.checked_add(jiff::SignedDuration::from_secs(60 - seconds)).unwrap_or(instant)
    };
    let t = rounded.to_zoned(jiff::tz::TimeZone::UTC);
    format!("{} {} {} {} *", t.minute(), t.hour(), t.day(), t.month())
}
