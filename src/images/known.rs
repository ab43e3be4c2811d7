//! What earlier builds learnt of each photo — the hash of its bytes and its header — by its
//! size and the time it last changed, kept in the cache folder, so a warm build knows a
//! photo's versions without reading a byte of it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::SystemTime;

use super::decode::Header;
use super::format::Format;
use crate::stamp::Stamp;

/// The file in the cache folder.
const FILE: &str = "photos.tsv";

/// What is known of a photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Facts {
    pub hash: u64,
    pub header: Header,
}

#[derive(Default)]
pub struct Known {
    /// The site's folder: photos are known by their path in it, so the record holds
    /// wherever the site is built from.
    root: PathBuf,
    /// From the cache folder.
    earlier: HashMap<PathBuf, (Stamp, Facts)>,
    /// Known from before or read in this build: what the next build will know, so a
    /// photo that is gone is forgotten.
    learnt: Mutex<HashMap<PathBuf, (Stamp, Facts)>>,
}

impl Known {
    /// What the cache folder `cache` remembers; nothing when it has no record or one this
    /// version cannot read (a line it cannot read is left out).
    pub fn load(cache: &Path, root: &Path) -> Known {
        let text = std::fs::read_to_string(cache.join(FILE)).unwrap_or_default();
        let earlier = text.lines().filter_map(parse).collect();
        Known { root: root.to_path_buf(), earlier, learnt: Mutex::default() }
    }

    fn key<'a>(&self, path: &'a Path) -> &'a Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// What an earlier build learnt of the photo at `path`, if it is as it was then.
    pub fn get(&self, path: &Path, stamp: Stamp) -> Option<Facts> {
        let key = self.key(path);
        let entry = self.earlier.get(key).filter(|(known, _)| *known == stamp)?;
        self.learnt.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_path_buf(), *entry);
        Some(entry.1)
    }

    /// Remembers what reading the photo at `path` (stamped `stamp`, read at `seen`) told.
    pub fn learn(&self, path: &Path, stamp: Stamp, seen: SystemTime, facts: Facts) {
        if stamp.settled_before(seen) {
            let mut learnt = self.learnt.lock().unwrap_or_else(|e| e.into_inner());
            learnt.insert(self.key(path).to_path_buf(), (stamp, facts));
        }
    }

    /// The record to keep when it differs from the earlier one: the photos this build
    /// looked at, in a fixed order.
    pub fn record(&self) -> Option<(String, String)> {
        let learnt = self.learnt.lock().unwrap_or_else(|e| e.into_inner());
        if *learnt == self.earlier {
            return None;
        }
        let mut all: Vec<(&PathBuf, &(Stamp, Facts))> = learnt.iter().collect();
        all.sort_by(|a, b| a.0.cmp(b.0));
        let lines: String = all
            .into_iter()
            .filter_map(|(path, (stamp, facts))| {
                let path = path.to_str()?;
                (!path.contains(['\t', '\n'])).then(|| {
                    let Header { width, height, format } = facts.header;
                    let (size, modified) = stamp.to_numbers();
                    format!(
                        "{size}\t{modified}\t{:016x}\t{width}\t{height}\t{}\t{path}\n",
                        facts.hash,
                        format.extension()
                    )
                })
            })
            .collect();
        Some((FILE.to_string(), lines))
    }
}

fn parse(line: &str) -> Option<(PathBuf, (Stamp, Facts))> {
    let mut fields = line.splitn(7, '\t');
    let mut next = || fields.next();
    let stamp = Stamp::from_numbers(next()?.parse().ok()?, next()?.parse().ok()?)?;
    let hash = u64::from_str_radix(next()?, 16).ok()?;
    let width = next()?.parse().ok()?;
    let height = next()?.parse().ok()?;
    let format = Format::of_path(&format!(".{}", next()?))?;
    let path = PathBuf::from(next()?);
    Some((path, (stamp, Facts { hash, header: Header { width, height, format } })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_reads_back_and_a_changed_stamp_is_not_known() {
        let facts = Facts { hash: 0xabc, header: Header { width: 40, height: 30, format: Format::Jpeg } };
        let stamp = Stamp::from_numbers(1234, 1_000_000_000).expect("a stamp");
        let known = Known::default();
        known.learn(Path::new("/site/content/a b.jpg"), stamp, SystemTime::now(), facts);
        let (_, text) = known.record().expect("learnt something");
        let earlier = Known { earlier: text.lines().filter_map(parse).collect(), ..Known::default() };
        assert_eq!(
            earlier.get(Path::new("/site/content/a b.jpg"), Stamp::from_numbers(1235, 1_000_000_000).expect("a stamp")),
            None
        );
        assert!(earlier.record().is_some(), "a photo no build looked at is forgotten");
        assert_eq!(earlier.get(Path::new("/site/content/a b.jpg"), stamp), Some(facts));
        assert!(earlier.record().is_none(), "nothing new to keep");
    }

    #[test]
    fn a_photo_changed_just_now_is_not_remembered() {
        let facts = Facts { hash: 1, header: Header { width: 1, height: 1, format: Format::Png } };
        let now = SystemTime::now();
        let modified = now.duration_since(std::time::UNIX_EPOCH).expect("after 1970").as_nanos();
        let known = Known::default();
        known.learn(Path::new("/a.png"), Stamp::from_numbers(1, modified).expect("a stamp"), now, facts);
        assert!(known.record().is_none());
    }
}
