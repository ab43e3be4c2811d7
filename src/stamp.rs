//! A file's stamp: what tells, without reading it, that a file is as it was.

use std::path::Path;
use std::time::{Duration, SystemTime};

/// A file's size and last change, as the file system tells them: enough to know that a
/// file is unchanged since an earlier look at it, unless it changed too close to that look
/// for the file system's clock to tell (see [`Stamp::settled_before`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stamp {
    len: u64,
    modified: SystemTime,
}

impl Stamp {
    pub fn of_metadata(metadata: &std::fs::Metadata) -> Option<Stamp> {
        Some(Stamp { len: metadata.len(), modified: metadata.modified().ok()? })
    }

    /// The file's size in bytes.
    pub fn size(&self) -> u64 {
        self.len
    }

    /// The stamp as two numbers, to keep in a file: the size, and the time of the last
    /// change in nanoseconds since 1970.
    pub fn to_numbers(&self) -> (u64, u128) {
        (self.len, self.modified.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos()))
    }

    /// The stamp that [`Stamp::to_numbers`] gave.
    pub fn from_numbers(len: u64, nanos: u128) -> Option<Stamp> {
        let nanos = u64::try_from(nanos).ok()?;
        Some(Stamp { len, modified: std::time::UNIX_EPOCH + Duration::from_nanos(nanos) })
    }

    /// The stamp of the file at `path`, when it is there.
    pub fn of_path(path: &Path) -> Option<Stamp> {
        Stamp::of_metadata(&std::fs::metadata(path).ok()?)
    }

    /// Whether the file had settled when it was looked at, at `seen`: some file systems
    /// keep times to a second or two, and within that a file can change again without its
    /// stamp changing.
    pub fn settled_before(&self, seen: SystemTime) -> bool {
        const CLOCK_RESOLUTION: Duration = Duration::from_secs(2);
        self.modified + CLOCK_RESOLUTION < seen
    }
}
