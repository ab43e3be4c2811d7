//! Reading the site folder: the only module that reads files during a build.
//!
//! 1. Read `site.yaml` ([`read_config`]).
//! 2. Walk `content/`, `templates/`, `static/`, `i18n/`, `data/` of the site and
//!    `templates/`, `static/`, `i18n/` of its theme (from `themes/NAME/`, or the built-in
//!    theme compiled into the program).
//! 3. Refuse anything that resolves outside the site folder (symlinks included), file names
//!    that are not UTF-8, and text files that are not UTF-8.
//! 4. Overlay: a site file replaces the theme's file of the same path (`i18n/` files are
//!    kept both, and merged key by key later).
//!
//! Text files are read into memory; static files and page-bundle assets are only listed,
//! and copied when the output is written.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use rustc_hash::FxHashMap;

use crate::stamp::Stamp;

use crate::config::CONFIG_FILE;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::ids::SourceId;

mod files;
mod walk;

pub use files::{Area, BUILTIN_THEME_NAME, Contents, Origin, SourceFile};
use files::{is_ignored, not_a_file, outside};
pub use walk::{Walk, walk_site};

/// What an earlier build read of the site's files, by path and stamp: the other files'
/// contents and static files' hashes, so that `serve` reads and hashes again only the
/// files that changed, not every page and photo on every save.
#[derive(Default)]
pub struct ReadBefore {
    /// By the path shown to the author, which names a file of the site or its theme.
    by_path: FxHashMap<String, Read>,
}

struct Read {
    stamp: Stamp,
    /// The contents, shared with the tree that read them (`None` for a file left on disk).
    contents: Option<Contents>,
    fingerprint: Option<String>,
}

impl ReadBefore {
    /// What `tree` read, whose reading began at `seen`. Files that had not settled by then
    /// are left out, to be read again.
    pub fn of(tree: &SourceTree, seen: SystemTime) -> ReadBefore {
        let by_path = tree
            .files
            .iter()
            .filter_map(|f| {
                let stamp = f.stamp.filter(|stamp| stamp.settled_before(seen))?;
                let contents = match &f.contents {
                    Contents::Text(_) | Contents::Bytes(_) => Some(f.contents.clone()),
                    _ => None,
                };
                Some((f.display.clone(), Read { stamp, contents, fingerprint: f.fingerprint.clone() }))
            })
            .collect();
        ReadBefore { by_path }
    }

    /// What was read of `file` when it is as it was then.
    fn get(&self, file: &SourceFile) -> Option<&Read> {
        self.by_path.get(&file.display).filter(|read| Some(read.stamp) == file.stamp)
    }
}

#[derive(Debug)]
pub struct SourceTree {
    pub root: PathBuf,
    /// Sorted by (area, rel); one file per (area, rel) except in `i18n/`.
    pub files: Vec<SourceFile>,
}

impl SourceTree {
    pub fn area(&self, area: Area) -> impl Iterator<Item = (SourceId, &SourceFile)> {
        self.files.iter().enumerate().filter(move |(_, f)| f.area == area)
    }

    pub fn file(&self, id: SourceId) -> &SourceFile {
        &self.files[id]
    }

    /// Lets go of the texts of `area`'s files; what else is known of them (paths, for
    /// messages; files left on disk) stays. A text shared with what `serve` keeps for the
    /// next build stays there.
    pub fn release(&mut self, area: Area) {
        for file in self.files.iter_mut().filter(|f| f.area == area) {
            if let Contents::Text(_) = file.contents {
                file.contents = Contents::Released;
            }
        }
    }

    pub fn find(&self, area: Area, rel: &str) -> Option<SourceId> {
        self.files.iter().position(|f| f.area == area && f.rel == rel)
    }

    fn sort_and_overlay(&mut self) {
        // Site files sort after theme files, so the last of each (area, rel) wins.
        self.files.sort_by(|a, b| (a.area, &a.rel, a.origin).cmp(&(b.area, &b.rel, b.origin)));
        let files = std::mem::take(&mut self.files);
        let mut kept: Vec<SourceFile> = Vec::with_capacity(files.len());
        for file in files {
            if file.area != Area::I18n
                && let Some(last) = kept.last_mut()
                && last.area == file.area
                && last.rel == file.rel
            {
                *last = file;
                continue;
            }
            kept.push(file);
        }
        self.files = kept;
    }
}

/// Reads `site.yaml`.
pub fn read_config(root: &Path) -> Result<String, Diagnostics> {
    let path = root.join(CONFIG_FILE);
    if path.exists() {
        let inside = match (path.canonicalize(), root.canonicalize()) {
            (Ok(real), Ok(root)) => real.starts_with(root),
            _ => false,
        };
        if !inside {
            return Err(outside(CONFIG_FILE).into());
        }
        if !path.is_file() {
            return Err(not_a_file(CONFIG_FILE).into());
        }
    }
    match std::fs::read(&path) {
        Ok(bytes) => text_or_error(bytes, CONFIG_FILE).map_err(Diagnostics::from),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !root.is_dir() => {
            Err(Diagnostic::error(format!("the site folder {} does not exist", root.display()))
                .hint("check the path, or create a site there with `regionprofil init DIR`")
                .into())
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Diagnostic::error(format!("no {CONFIG_FILE} in {}", root.display()))
                .hint(
                    "run the command in a site folder, pass --root DIR, or create a site with `regionprofil init DIR`",
                )
                .into())
        }
        Err(e) => Err(Diagnostic::error(format!("cannot read {CONFIG_FILE}: {e}")).into()),
    }
}

/// Walks the site and its theme, taking contents and static files' hashes from `earlier`
/// where the files are unchanged. Files that cannot be used are reported and left out; only
/// an unreadable site folder stops the build here.
pub fn load(root: &Path, theme: Option<&str>, earlier: &ReadBefore) -> Result<(SourceTree, Diagnostics), Diagnostics> {
    let (walk, mut diags) = walk_site(root, theme)?;
    let (tree, read_diags) = read(root, walk, earlier);
    diags.extend(read_diags);
    Ok((tree, diags))
}

/// Reads what `walk` found (see [`load`]).
pub fn read(root: &Path, walk: Walk, earlier: &ReadBefore) -> (SourceTree, Diagnostics) {
    let mut diags = Diagnostics::new();
    let files = read_contents(walk.files, earlier, &mut diags);
    let mut tree = SourceTree { root: root.to_path_buf(), files };
    tree.sort_and_overlay();
    if let Err(d) = fingerprint_static_files(&mut tree.files, earlier) {
        diags.push(d);
    }
    (tree, diags)
}

/// Reads the files the build parses (Markdown, templates, translations, data), in
/// parallel, taking those unchanged since `earlier` from there; static files stay on disk
/// until they are copied. Unreadable files are reported and left out.
fn read_contents(files: Vec<SourceFile>, earlier: &ReadBefore, diags: &mut Diagnostics) -> Vec<SourceFile> {
    use rayon::prelude::*;
    let read: Vec<Result<SourceFile, Diagnostic>> = files
        .into_par_iter()
        .map(|mut file| {
            let Contents::OnDisk(path) = &file.contents else { return Ok(file) };
            let as_text = file.area.is_text(&file.rel);
            if !as_text && file.area != Area::Data {
                return Ok(file);
            }
            if let Some(contents) = earlier.get(&file).and_then(|read| read.contents.clone()) {
                file.contents = contents;
                return Ok(file);
            }
            let bytes = std::fs::read(path).map_err(|e| {
                Diagnostic::error(format!("cannot read {}: {e}", file.display)).at(Location::file(&file.display))
            })?;
            file.contents = if as_text {
                Contents::Text(text_or_error(bytes, &file.display)?.into())
            } else {
                Contents::Bytes(bytes.into())
            };
            Ok(file)
        })
        .collect();
    read.into_iter()
        .filter_map(|r| match r {
            Ok(file) => Some(file),
            Err(d) => {
                diags.push(d);
                None
            }
        })
        .collect()
}

/// Hashes every static file, in parallel.
fn fingerprint_static_files(files: &mut [SourceFile], earlier: &ReadBefore) -> Result<(), Diagnostic> {
    use rayon::prelude::*;
    use sha2::{Digest, Sha256};
    files.par_iter_mut().filter(|f| f.area == Area::Static).try_for_each(|file| {
        if let Some(hash) = earlier.get(file).and_then(|read| read.fingerprint.clone()) {
            file.fingerprint = Some(hash);
            return Ok(());
        }
        let mut hasher = Sha256::new();
        match &file.contents {
            Contents::OnDisk(path) => {
                let mut reader = std::fs::File::open(path)
                    .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", file.display)))?;
                std::io::copy(&mut reader, &mut hasher)
                    .map_err(|e| Diagnostic::error(format!("cannot read {}: {e}", file.display)))?;
            }
            _ => hasher.update(file.bytes().unwrap_or_default()),
        }
        let digest = hasher.finalize();
        file.fingerprint = Some(digest.iter().take(5).map(|b| format!("{b:02x}")).collect());
        Ok(())
    })
}

/// The folders of a site that a build reads, besides `site.yaml`: its areas and `themes/`.
pub const SITE_FOLDERS: [&str; 6] = ["content", "templates", "static", "i18n", "data", THEMES_FOLDER];
const THEMES_FOLDER: &str = "themes";

/// Whether a path relative to the site folder names a file that a build reads: `site.yaml`,
/// or a file in an area of the site or of a theme that [`is_ignored`] does not leave out.
/// The watcher of `serve` asks this, so that it rebuilds exactly for what a build reads.
pub fn is_site_file(rel: &Path) -> bool {
    let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
    let Some(parts) = parts else { return false };
    let (area, inside) = match parts.as_slice() {
        [CONFIG_FILE] => return true,
        [THEMES_FOLDER, _theme, area, inside @ ..] => {
            (Area::from_dir(area).filter(|a| Area::OF_THEMES.contains(a)), inside)
        }
        [area, inside @ ..] => (Area::from_dir(area), inside),
        [] => return false,
    };
    match area {
        Some(area) => !inside.is_empty() && !inside.iter().any(|name| is_ignored(name, area)),
        None => false,
    }
}

/// UTF-8 text with a leading BOM removed, or an error pointing at the first bad byte.
fn text_or_error(mut bytes: Vec<u8>, display: &str) -> Result<String, Diagnostic> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let prefix = String::from_utf8_lossy(&bytes[..valid]);
        let mut loc = Location::in_text(display, &prefix, valid..valid);
        loc.line_text.clear();
        Diagnostic::error(format!("{display} is not UTF-8 text"))
            .at(loc)
            .hint("save the file as UTF-8; the first byte that is not UTF-8 is at this position")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn editor_litter_is_ignored_but_static_dotfiles_are_kept() {
        assert!(is_ignored("page.md~", Area::Content));
        assert!(is_ignored(".page.md.swp", Area::Content));
        assert!(is_ignored(".hidden", Area::Content));
        assert!(!is_ignored(".well-known", Area::Static));
        assert!(is_ignored(".git", Area::Static));
    }

    #[test]
    fn non_utf8_text_points_at_the_bad_byte() {
        let err = text_or_error(b"ok\nbad \xff here".to_vec(), "content/a.md").expect_err("not utf-8");
        let loc = err.location.unwrap_or_else(|| Location::file("?"));
        assert_eq!((loc.line, loc.col), (2, 5));
        assert_eq!(text_or_error(b"\xEF\xBB\xBFhei".to_vec(), "x").ok().as_deref(), Some("hei"));
    }

    #[test]
    fn releasing_an_area_lets_go_of_its_texts_only() {
        let file = |area, rel: &str, contents| SourceFile {
            area,
            origin: Origin::Site,
            rel: rel.into(),
            display: rel.into(),
            contents,
            fingerprint: None,
            stamp: None,
        };
        let text = |t: &str| Contents::Text(t.into());
        let mut tree = SourceTree {
            root: PathBuf::from("."),
            files: vec![
                file(Area::Content, "a.md", text("# A")),
                file(Area::Content, "foto.jpg", Contents::OnDisk(PathBuf::from("content/foto.jpg"))),
                file(Area::Templates, "page.html", text("{{ page.content }}")),
            ],
        };
        let shared = tree.files[0].shared_text().cloned();
        tree.release(Area::Content);
        assert_eq!(tree.files[0].text(), "");
        assert_eq!(tree.files[0].display, "a.md");
        assert!(matches!(tree.files[1].contents, Contents::OnDisk(_)));
        assert_eq!(tree.files[2].text(), "{{ page.content }}");
        // A text that is shared (serve keeps what it read) stays with whoever shares it.
        assert_eq!(shared.as_deref(), Some("# A"));
    }
}
