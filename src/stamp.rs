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

    /// Whether the file had settled when it was looked at, at `seen`: whether a later
    /// change is sure to give it another stamp. A file system that keeps times to the
    /// nanosecond (ext4, XFS, Btrfs, tmpfs, APFS, NTFS) stamps a change with a clock that
    /// moves on every few milliseconds; one that keeps a second or two (FAT, HFS+, some
    /// network shares) gives whole seconds, and a change within them keeps the stamp. A
    /// stamp with a fraction of a second is taken for the first kind (a fine clock lands
    /// on a whole second once in a billion, and is then waited for as a coarse one).
    pub fn settled_before(&self, seen: SystemTime) -> bool {
        self.modified + self.clock_resolution() < seen
    }

    /// How long the file system's clock may stay on one stamp: see [`Stamp::settled_before`].
    fn clock_resolution(&self) -> Duration {
        // Well above a kernel tick (1–10 ms), which is how far file times may lag.
        const FINE: Duration = Duration::from_millis(100);
        const COARSE: Duration = Duration::from_secs(2);
        let fraction = self.modified.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
        if fraction == 0 { COARSE } else { FINE }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether a file stamped at `nanos` since 1970 had settled `after_ms` later.
    fn settled(nanos: u128, after_ms: u64) -> bool {
        let stamp = Stamp::from_numbers(1, nanos).expect("a time after 1970");
        stamp.settled_before(stamp.modified + Duration::from_millis(after_ms))
    }

    #[test]
    fn a_stamp_to_the_nanosecond_settles_within_a_fraction_of_a_second() {
        assert!(!settled(1_795_651_200_123_456_789, 50));
        assert!(settled(1_795_651_200_123_456_789, 150));
    }

    #[test]
    fn a_stamp_in_whole_seconds_settles_only_after_two() {
        assert!(!settled(1_795_651_200_000_000_000, 1_900));
        assert!(settled(1_795_651_200_000_000_000, 2_100));
    }
}
