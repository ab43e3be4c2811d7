//! The moments after "now" when the built site will change by itself: pages whose
//! `publish_date` comes, pages whose `expiry_date` or job `valid_through` passes. CI uses the
//! first one to know when to rebuild.

use serde::Serialize;

use crate::content::{self, FileMeta};
use crate::diag::Diagnostics;
use crate::{BuildOptions, load};

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    Publish,
    Expire,
}

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
    let (config, tree, mut diags) = load(options)?;
    let (content, content_diags) = content::load(&tree, &config);
    diags.extend(content_diags);
    let mut out = Vec::new();
    for file in &content.files {
        let FileMeta::Page(meta) = &file.meta else { continue };
        if meta.draft && !options.drafts {
            continue;
        }
        let display = &tree.file(file.source).display;
        let lang = config.languages[file.lang].key.clone();
        let expiries = meta.expiry_date.iter().chain(meta.job.as_ref().map(|j| &j.valid_through));
        let changes =
            meta.publish_date.iter().map(|m| (Change::Publish, m)).chain(expiries.map(|m| (Change::Expire, m)));
        for (change, moment) in changes {
            if moment.instant() > options.now {
                out.push(Upcoming {
                    at: moment.rfc3339(),
                    change,
                    file: display.clone(),
                    title: meta.title.clone(),
                    lang: lang.clone(),
                    instant: moment.instant(),
                });
            }
        }
    }
    out.sort_by(|a, b| (a.instant, &a.file).cmp(&(b.instant, &b.file)));
    Ok((out, diags.sorted()))
}
