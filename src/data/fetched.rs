//! `data/fetch.lock`: for each fetched data entry, what was fetched, from where and when,
//! and what the server said about it, so the next fetch can ask "changed since?", `check`
//! can say when a file is older than its `every`, and a person can see where a number came
//! from. Written by `regionprofil fetch` (the `fetch` module).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diag::Diagnostic;

/// The lock file's name, in `data/`.
pub const FILE: &str = "fetch.lock";

const HEADER: &str = "# Written by `regionprofil fetch`: where each fetched data file came from.\n\
                      # Commit it with the files; do not edit it by hand.\n";

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lock {
    /// By data entry name.
    #[serde(default)]
    pub entries: BTreeMap<String, Entry>,
}

/// One fetched file.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub url: String,
    /// The file in the site, from its folder: `data/befolkning.json`.
    pub file: String,
    /// When it was last fetched (or found unchanged), RFC 3339 in UTC.
    pub fetched: String,
    /// Of the file's bytes, hex.
    pub sha256: String,
    pub size: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Lock {
    /// The lock file in `data_dir`, or an empty one when there is none.
    pub fn read(data_dir: &Path) -> Result<Lock, Diagnostic> {
        match std::fs::read_to_string(data_dir.join(FILE)) {
            Ok(text) => Lock::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
            Err(e) => Err(Diagnostic::error(format!("cannot read data/{FILE}: {e}"))),
        }
    }

    /// The lock file's entries from its text.
    pub fn parse(text: &str) -> Result<Lock, Diagnostic> {
        crate::yaml::from_str(text, crate::yaml::YamlSource::whole_file("data/fetch.lock", text))
            .map_err(|d| d.hint("it is written by `regionprofil fetch`; delete it to fetch everything again"))
    }

    /// The lock file's text: the same entries give the same bytes.
    pub fn to_text(&self) -> String {
        let body = crate::yaml::to_string(self);
        format!("{HEADER}{body}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lock_reads_back_what_it_wrote() {
        let mut lock = Lock::default();
        lock.entries.insert(
            "befolkning".into(),
            Entry {
                url: "https://data.ssb.no/api/pxwebapi/v2/tables/07459/data?lang=no".into(),
                file: "data/befolkning.json".into(),
                fetched: "2026-12-02T08:00:00Z".into(),
                sha256: "ab".repeat(32),
                size: 1234,
                etag: Some("\"v1\"".into()),
                last_modified: None,
            },
        );
        let text = lock.to_text();
        assert!(text.starts_with("# Written by `regionprofil fetch`"));
        assert!(!text.contains("last_modified"));
        let dir = std::env::temp_dir().join(format!("regionprofil-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        std::fs::write(dir.join(FILE), &text).expect("write");
        assert_eq!(Lock::read(&dir).expect("read"), lock);
        std::fs::remove_dir_all(&dir).expect("clean");
    }
}
