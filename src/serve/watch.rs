//! Which file changes matter to the site, and the watcher that reports them.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use notify_debouncer_full::notify::{EventKind, RecommendedWatcher, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

/// The folders of a site that a build reads (besides `site.yaml`).
pub const SITE_FOLDERS: [&str; 6] = ["content", "data", "templates", "themes", "static", "i18n"];

/// How long the watcher waits for a burst of saves (an editor writing a file and its
/// backup, `git checkout`) to settle before it reports.
const SETTLE: Duration = Duration::from_millis(50);

/// What kind of change a path is, for deciding how to refresh the browser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// A stylesheet: the browser can swap it without reloading.
    Stylesheet,
    Other,
}

/// Whether a changed path is part of the site, as a path relative to the site root, and
/// what kind of change it is. Editor temporary files and anything under the output folder
/// or outside the site's folders are ignored.
pub fn classify(root: &Path, output: Option<&Path>, path: &Path) -> Option<(String, Change)> {
    if output.is_some_and(|out| path.starts_with(out)) {
        return None;
    }
    let rel = path.strip_prefix(root).ok()?;
    let mut parts = rel.components().map(|c| c.as_os_str().to_str());
    let first = parts.next()??;
    let is_site_file = if first == "site.yaml" { rel.components().count() == 1 } else { SITE_FOLDERS.contains(&first) };
    if !is_site_file {
        return None;
    }
    let name = rel.file_name()?.to_str()?;
    if is_editor_temporary(name) {
        return None;
    }
    let kind = if name.ends_with(".css") { Change::Stylesheet } else { Change::Other };
    Some((rel.to_string_lossy().replace('\\', "/"), kind))
}

/// Swap, backup and lock files that editors write next to the file being edited.
fn is_editor_temporary(name: &str) -> bool {
    name.ends_with('~')
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".crswap", "___jb_tmp___", "___jb_old___"]
            .iter()
            .any(|suffix| name.ends_with(suffix))
        || name == "4913" // vim's probe for whether it may write in a folder
        || name == ".DS_Store"
}

/// Each settled burst of changed paths.
pub type Changes = mpsc::Receiver<Vec<PathBuf>>;

/// Watches `site.yaml` and the site's folders; every settled burst of changes arrives on
/// the returned channel as the paths that changed.
pub fn watch(
    root: &Path,
) -> notify_debouncer_full::notify::Result<(Debouncer<RecommendedWatcher, RecommendedCache>, Changes)> {
    let (tx, rx) = mpsc::channel();
    let mut debouncer = new_debouncer(SETTLE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // Reading is not changing: the build itself opens every file.
        let paths: Vec<PathBuf> = events
            .into_iter()
            .filter(|e| !matches!(e.event.kind, EventKind::Access(_)))
            .flat_map(|e| e.event.paths.clone())
            .collect();
        if !paths.is_empty() {
            let _ = tx.send(paths);
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
}
