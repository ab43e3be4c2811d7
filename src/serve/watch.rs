//! Which file changes matter to the site, and the watcher that reports them.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::ModifyKind;
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};

use crate::source::{SITE_FOLDERS, is_site_file};

/// How long the changes must be quiet before they are reported, so that the events of one
/// save (an editor truncating a file and writing it, or writing a temporary file and
/// renaming it over the old one) arrive together. It is part of every edit's wait, so it is
/// short: a longer burst (`git checkout`) may arrive in pieces, and the rebuild loop takes
/// every piece that came while it was building into one build.
const SETTLE: Duration = Duration::from_millis(5);

/// The longest a burst is held while changes keep coming (a file written to without end).
const LONGEST: Duration = Duration::from_millis(100);

/// What kind of change a path is, for deciding how to refresh the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// A stylesheet: the browser can swap it without reloading.
    Stylesheet,
    Other,
}

/// Whether a changed path is part of the site, as a path relative to the site root, and
/// what kind of change it is. What a build does not read (editor temporaries, the output
/// folder, anything outside the site's folders) is ignored.
pub fn classify(root: &Path, output: Option<&Path>, path: &Path) -> Option<(String, Change)> {
    if output.is_some_and(|out| path.starts_with(out)) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    if !is_site_file(rel) {
        return None;
    }
    let kind = if rel.extension().is_some_and(|e| e == "css") { Change::Stylesheet } else { Change::Other };
    Some((rel.to_string_lossy().replace('\\', "/"), kind))
}

/// One settled burst of changes.
#[derive(Default)]
pub struct Burst {
    /// Each changed path, and whether only its contents (or its time or permissions)
    /// changed: not whether it is there, nor its name.
    pub paths: Vec<(PathBuf, bool)>,
    /// Whether the watcher may have missed changes: it lost track and asked for a rescan,
    /// or it failed.
    pub missed: bool,
}

impl Burst {
    /// This burst and every one that has arrived since, as one.
    pub fn and_waiting(mut self, changes: &Changes) -> Burst {
        for more in changes.try_iter() {
            self.paths.extend(more.paths);
            self.missed |= more.missed;
        }
        self
    }

    fn add(&mut self, event: notify::Result<Event>) {
        let Ok(event) = event else {
            self.missed = true;
            return;
        };
        self.missed |= event.need_rescan();
        // Reading is not changing: the build itself opens every file.
        if matches!(event.kind, EventKind::Access(_)) {
            return;
        }
        let edit = matches!(event.kind, EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_)));
        self.paths.extend(event.paths.into_iter().map(|path| (path, edit)));
    }
}

/// Each settled burst of changes.
pub type Changes = mpsc::Receiver<Burst>;

/// Watches `site.yaml` and the site's folders; every settled burst of changes arrives on
/// the returned channel while the returned watcher is kept.
pub fn watch(root: &Path) -> notify::Result<(RecommendedWatcher, Changes)> {
    let (events_tx, events) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(events_tx)?;
    // The root itself is watched without recursion (site.yaml, folders being created), the
    // site's folders with it; other folders (target/, .git/, the output) are never walked.
    watcher.watch(root, RecursiveMode::NonRecursive)?;
    for folder in SITE_FOLDERS {
        let path = root.join(folder);
        if path.is_dir() {
            watcher.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    let (bursts_tx, bursts) = mpsc::channel();
    std::thread::Builder::new().name("watch".into()).spawn(move || settle(&events, &bursts_tx))?;
    Ok((watcher, bursts))
}

/// Gathers events into bursts: each from its first event until none has come for
/// [`SETTLE`] (or [`LONGEST`] has passed), so that nothing waits on a clock between saves.
/// Ends when the watcher is dropped or nobody listens.
fn settle(events: &mpsc::Receiver<notify::Result<Event>>, bursts: &mpsc::Sender<Burst>) {
    while let Ok(first) = events.recv() {
        let started = Instant::now();
        let mut burst = Burst::default();
        burst.add(first);
        let mut open = true;
        while let Some(left) = LONGEST.checked_sub(started.elapsed()) {
            match events.recv_timeout(SETTLE.min(left)) {
                Ok(event) => burst.add(event),
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => {
                    open = false;
                    break;
                }
            }
        }
        let empty = burst.paths.is_empty() && !burst.missed;
        if !empty && bursts.send(burst).is_err() || !open {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_site_s_own_files_count() {
        let root = Path::new("/site");
        let out = Path::new("/site/public");
        let class = |p: &str| classify(root, Some(out), Path::new(p));
        assert_eq!(class("/site/site.yaml"), Some(("site.yaml".into(), Change::Other)));
        assert_eq!(class("/site/content/jobb/a.md"), Some(("content/jobb/a.md".into(), Change::Other)));
        assert_eq!(class("/site/static/style.css"), Some(("static/style.css".into(), Change::Stylesheet)));
        assert_eq!(
            class("/site/themes/region/static/style.css"),
            Some(("themes/region/static/style.css".into(), Change::Stylesheet))
        );
        for ignored in [
            "/site/public/index.html",
            "/site/target/debug/x",
            "/site/.git/index",
            "/site/notes.txt",
            "/site/content/.a.md.swp",
            "/site/content/a.md~",
            "/site/content/.#a.md",
            "/site/content/#a.md#",
            "/site/content/4913",
            "/elsewhere/content/a.md",
        ] {
            assert_eq!(class(ignored), None, "{ignored}");
        }
    }

    /// The events of `events`, all waiting before the watcher's thread looks, then its end.
    fn bursts_of(events: Vec<notify::Result<Event>>) -> Vec<Burst> {
        let (events_tx, events_rx) = mpsc::channel();
        for event in events {
            events_tx.send(event).expect("queued");
        }
        drop(events_tx);
        let (bursts_tx, bursts) = mpsc::channel();
        settle(&events_rx, &bursts_tx);
        bursts.try_iter().collect()
    }

    fn event(kind: EventKind, path: &str) -> notify::Result<Event> {
        Ok(Event::new(kind).add_path(PathBuf::from(path)))
    }

    #[test]
    fn the_events_of_one_save_are_one_burst_and_reading_is_no_change() {
        use notify::event::{AccessKind, AccessMode, CreateKind, DataChange};
        let bursts = bursts_of(vec![
            event(EventKind::Modify(ModifyKind::Data(DataChange::Any)), "/site/content/a.md"),
            event(EventKind::Access(AccessKind::Close(AccessMode::Write)), "/site/content/a.md"),
            event(EventKind::Create(CreateKind::File), "/site/content/b.md"),
        ]);
        assert_eq!(bursts.len(), 1);
        let paths: Vec<(&str, bool)> =
            bursts[0].paths.iter().map(|(p, edit)| (p.to_str().expect("UTF-8"), *edit)).collect();
        assert_eq!(paths, [("/site/content/a.md", true), ("/site/content/b.md", false)]);
        assert!(!bursts[0].missed);

        let read_only = bursts_of(vec![event(EventKind::Access(AccessKind::Any), "/site/content/a.md")]);
        assert!(read_only.is_empty(), "a file read is not a change");
    }

    #[test]
    fn a_watcher_that_lost_track_says_so() {
        let failed = bursts_of(vec![Err(notify::Error::generic("queue overflow"))]);
        assert!(failed.len() == 1 && failed[0].missed);
        let rescan = Event::new(EventKind::Other).set_flag(notify::event::Flag::Rescan);
        let rescan = bursts_of(vec![Ok(rescan)]);
        assert!(rescan.len() == 1 && rescan[0].missed);
    }

    #[test]
    fn the_watcher_reacts_to_exactly_the_files_a_build_reads() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().canonicalize().expect("real path");
        let names = [
            "content/side.md",
            "content/side.md.bak",
            "content/.side.md.swo",
            "content/Thumbs.db",
            "content/kart.png",
            "static/.well-known/security.txt",
            "static/Thumbs.db",
            "static/gammel.css.bak",
            "static/desktop.ini",
            "static/4913",
            "static/.git/HEAD",
            "templates/page.html",
            "templates/page.html~",
            "data/tall.csv",
            "i18n/nb.yaml",
            "themes/eget/templates/base.html",
            "themes/eget/static/stil.css",
            "themes/eget/content/side.md",
            "themes/eget/README.md",
        ];
        for name in names {
            let path = root.join(name);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
            std::fs::write(&path, "x").expect("write");
        }
        let (tree, _) = crate::source::load(&root, Some("eget"), &Default::default()).expect("readable");
        for name in names {
            let read = tree.files.iter().any(|f| f.display == name);
            let watched = classify(&root, None, &root.join(name)).is_some();
            assert_eq!(read, watched, "{name}: read by a build: {read}, watched: {watched}");
        }
    }
}
