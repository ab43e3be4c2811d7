//! Which file changes matter to the site, and the watcher that reports them.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_full::notify::event::ModifyKind;
use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::source::{SITE_FOLDERS, is_site_file};

/// How long the watcher holds a change before it reports it, so that the events of one
/// save (an editor writing a temporary file and renaming it over the old one) arrive
/// together. It is part of every edit's wait, so it is short: a longer burst (`git
/// checkout`) may arrive in pieces, and the rebuild loop takes every piece that came
/// while it was building into one build.
const SETTLE: Duration = Duration::from_millis(15);

/// How often the watcher looks for changes that have settled.
const TICK: Duration = Duration::from_millis(5);

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
}

/// Each settled burst of changes.
pub type Changes = mpsc::Receiver<Burst>;

/// Watches `site.yaml` and the site's folders; every settled burst of changes arrives on
/// the returned channel.
pub fn watch(
    root: &Path,
) -> notify_debouncer_full::notify::Result<(Debouncer<RecommendedWatcher, RecommendedCache>, Changes)> {
    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(SETTLE, Some(TICK), move |result: DebounceEventResult| {
        let Ok(events) = result else {
            let _ = tx.send(Burst { paths: Vec::new(), missed: true });
            return;
        };
        let missed = events.iter().any(|e| e.event.need_rescan());
        // Reading is not changing: the build itself opens every file.
        let paths: Vec<(PathBuf, bool)> = events
            .into_iter()
            .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
            .flat_map(|e| {
                let edit = matches!(e.event.kind, EventKind::Modify(ModifyKind::Data(_) | ModifyKind::Metadata(_)));
                e.event.paths.into_iter().map(move |path| (path, edit))
            })
            .collect();
        if !paths.is_empty() || missed {
            let _ = tx.send(Burst { paths, missed });
        }
    })?;
    // The root itself is watched without recursion (site.yaml, folders being created), the
    // site's folders with it; other folders (target/, .git/, the output) are never walked.
    debouncer.watch(root, RecursiveMode::NonRecursive)?;
    for folder in SITE_FOLDERS {
        let path = root.join(folder);
        if path.is_dir() {
            debouncer.watch(&path, RecursiveMode::Recursive)?;
        }
    }
    Ok((debouncer, rx))
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
