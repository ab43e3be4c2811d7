//! The site as `serve` holds it: every output file in memory, or the errors of the last
//! build next to the last good files.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::SystemTime;

use crate::diag::{Diagnostic, Diagnostics};
use crate::render::output::{CopyFile, CopySource, OnRequest, Output};
use crate::stamp::Stamp;

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
    /// The stamps of the copied files held in `files`.
    pub copied: Arc<Copied>,
    /// Files made when they are asked for (photos' versions not yet in the image cache),
    /// by output path.
    pub on_request: Arc<HashMap<String, OnRequest>>,
}

impl Snapshot {
    /// The job that makes `path` when it is asked for: one for that path, or for a folder
    /// it is in.
    pub fn made_on_request(&self, path: &str) -> Option<&OnRequest> {
        let mut folders = path.match_indices('/').map(|(at, _)| &path[..=at]);
        self.on_request.get(path).or_else(|| folders.find_map(|folder| self.on_request.get(folder)))
    }
}

/// Copied files (static files, page assets) by output path, with their stamps; as with
/// [`crate::source::ReadBefore`], only files that had settled when they were read.
#[derive(Default)]
pub struct Copied {
    /// Output path → the file it was copied from, and that file's stamp.
    stamps: HashMap<String, (PathBuf, Stamp)>,
}

/// Reads the copied files (static files, page assets) so everything is served from memory;
/// a file that has not changed since `previous` read it is taken from there, so photos are
/// not read again on every save.
pub fn files_of(output: &Output, previous: &Snapshot) -> Result<(Files, Copied), Diagnostics> {
    let mut files: Files = output.files.iter().map(|f| (f.rel.clone(), f.bytes.clone())).collect();
    let mut copied = Copied::default();
    read_copies(&output.copies, previous, &mut files, &mut copied)?;
    Ok((files, copied))
}

/// Reads `copies` into `files` (see [`files_of`]), noting their stamps in `copied`.
pub fn read_copies(
    copies: &[CopyFile],
    previous: &Snapshot,
    files: &mut Files,
    copied: &mut Copied,
) -> Result<(), Diagnostics> {
    let read_at = SystemTime::now();
    let mut diags = Diagnostics::new();
    for copy in copies {
        let bytes = match &copy.from {
            CopySource::Embedded(bytes) => Arc::from(*bytes),
            CopySource::Disk(path) | CopySource::Cached(path) => {
                let stamped = copy.stamp.map(|stamp| (path.clone(), stamp));
                let unchanged = stamped.is_some() && previous.copied.stamps.get(&copy.rel) == stamped.as_ref();
                if let Some(stamped) = stamped.filter(|(_, stamp)| stamp.settled_before(read_at)) {
                    copied.stamps.insert(copy.rel.clone(), stamped);
                }
                match previous.files.get(&copy.rel).filter(|_| unchanged) {
                    Some(bytes) => bytes.clone(),
                    None => match std::fs::read(path) {
                        Ok(bytes) => Arc::from(bytes),
                        Err(e) => {
                            diags.push(Diagnostic::error(format!("cannot read {}: {e}", copy.origin)));
                            continue;
                        }
                    },
                }
            }
        };
        files.insert(copy.rel.clone(), bytes);
    }
    if diags.has_errors() { Err(diags) } else { Ok(()) }
}

/// The output paths whose bytes differ between two builds (added, changed or gone), in
/// order. Both maps are walked side by side, in their common order, rather than each path
/// of one looked up in the other.
pub fn changed(old: &Files, new: &Files) -> Vec<String> {
    use std::cmp::Ordering;
    let (mut old, mut new) = (old.iter().peekable(), new.iter().peekable());
    let mut paths = Vec::new();
    loop {
        let order = match (old.peek(), new.peek()) {
            (None, None) => return paths,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some((a, _)), Some((b, _))) => a.cmp(b),
        };
        match order {
            Ordering::Less => paths.extend(old.next().map(|(rel, _)| rel.clone())),
            Ordering::Greater => paths.extend(new.next().map(|(rel, _)| rel.clone())),
            Ordering::Equal => {
                let ((rel, a), (_, b)) = old.next().zip(new.next()).expect("both have a next path");
                // Equal `Arc`s are compared by address first: a file kept from the last
                // build costs no comparison of its bytes.
                if a != b {
                    paths.push(rel.clone());
                }
            }
        }
    }
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
        assert_eq!(changed(&new, &old), ["b", "c", "d"]);
        assert!(changed(&new, &new).is_empty());
        assert_eq!(changed(&files(&[]), &old), ["a", "b", "c"]);
        assert_eq!(changed(&old, &files(&[("0", "x")])), ["0", "a", "b", "c"]);
    }
}
