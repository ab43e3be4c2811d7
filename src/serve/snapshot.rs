//! The site as `serve` holds it: every output file in memory, or the errors of the last
//! build next to the last good files.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::diag::{Diagnostic, Diagnostics};
use crate::render::{CopySource, Output};

/// Output path → bytes.
pub type Files = BTreeMap<String, Arc<[u8]>>;

/// One state of the served site.
#[derive(Clone, Default)]
pub struct Snapshot {
    pub files: Arc<Files>,
    /// The errors of the last build, as plain text, while they last. The files are then
    /// the last good build's.
    pub errors: Option<Arc<str>>,
    /// Counts the builds that changed something, so a page knows whether it is stale.
    pub version: u64,
}

/// Reads the copied files (static files, page assets) so everything is served from memory.
pub fn files_of(output: &Output) -> Result<Files, Diagnostics> {
    let mut files: Files = output.files.iter().map(|f| (f.rel.clone(), f.bytes.clone())).collect();
    let mut diags = Diagnostics::new();
    for copy in &output.copies {
        let bytes = match &copy.from {
            CopySource::Disk(path) => match std::fs::read(path) {
                Ok(bytes) => bytes,
                Err(e) => {
                    diags.push(Diagnostic::error(format!("cannot read {}: {e}", copy.origin)));
                    continue;
                }
            },
            CopySource::Embedded(bytes) => bytes.to_vec(),
        };
        files.insert(copy.rel.clone(), Arc::from(bytes));
    }
    if diags.has_errors() { Err(diags) } else { Ok(files) }
}

/// The output paths whose bytes differ between two builds (added, changed or gone).
pub fn changed(old: &Files, new: &Files) -> Vec<String> {
    let mut paths: Vec<String> = new
        .iter()
        .filter(|(rel, bytes)| old.get(*rel) != Some(*bytes))
        .map(|(rel, _)| rel.clone())
        .chain(old.keys().filter(|rel| !new.contains_key(*rel)).cloned())
        .collect();
    paths.sort();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_are_additions_edits_and_removals() {
        let files = |entries: &[(&str, &str)]| -> Files {
            entries.iter().map(|(k, v)| (k.to_string(), Arc::from(v.as_bytes()))).collect()
        };
        let old = files(&[("a", "1"), ("b", "2"), ("c", "3")]);
        let new = files(&[("a", "1"), ("b", "two"), ("d", "4")]);
        assert_eq!(changed(&old, &new), ["b", "c", "d"]);
        assert!(changed(&new, &new).is_empty());
    }
}
