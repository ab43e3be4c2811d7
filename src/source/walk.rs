//! Walking the site's folders and its theme's for the files a build reads, refusing what
//! resolves outside the site; and, in `serve`, taking the last walk again after edits the
//! watcher names.

use std::path::Path;

use include_dir::{Dir, include_dir};

use super::files::{Area, BUILTIN_THEME_NAME, Contents, Origin, SourceFile, is_ignored, not_a_file, outside};
use crate::config::CONFIG_FILE;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::stamp::Stamp;

/// The default theme, compiled in so that a site without a `themes/` folder builds.
static BUILTIN_THEME: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/region");

/// The files of the site and its theme as a walk found them, not yet read.
#[derive(Clone)]
pub struct Walk {
    theme: Option<String>,
    pub(super) files: Vec<SourceFile>,
    /// Whether the walk found no problem and no symbolic link: then every file it lists is
    /// named by its own path, and an edit of one is reported as that path.
    clean: bool,
}

impl Walk {
    pub fn is_clean(&self) -> bool {
        self.clean
    }

    /// This walk, when it can stand for a new one (`serve`): it was clean, of the same
    /// theme, and all that changed since are the contents of the files `edited` names (by
    /// path from the site folder), each still a file, whose stamps are taken again.
    pub fn again(mut self, theme: Option<&str>, edited: &[String]) -> Option<Walk> {
        if !self.clean || self.theme.as_deref() != theme {
            return None;
        }
        for display in edited.iter().filter(|d| d.as_str() != CONFIG_FILE) {
            let file = self.files.iter_mut().find(|f| &f.display == display)?;
            let Contents::OnDisk(path) = &file.contents else { return None };
            let metadata = std::fs::metadata(path).ok().filter(std::fs::Metadata::is_file)?;
            file.stamp = Stamp::of_metadata(&metadata);
        }
        Some(self)
    }
}

/// Walks the site and its theme (see [`super::load`]).
pub fn walk_site(root: &Path, theme: Option<&str>) -> Result<(Walk, Diagnostics), Diagnostics> {
    let mut diags = Diagnostics::new();
    let canonical_root = root.canonicalize().map_err(|e| {
        Diagnostics::from(Diagnostic::error(format!("cannot open the site folder {}: {e}", root.display())))
    })?;
    let mut files = Vec::new();
    let mut links = false;
    for area in Area::ALL {
        let dir = root.join(area.dir());
        links |= walk(&canonical_root, &dir, area.dir(), area, Origin::Site, &mut files, &mut diags);
    }
    if let Some(theme) = theme {
        let theme_dir = root.join("themes").join(theme);
        if theme_dir.is_dir() {
            for area in Area::OF_THEMES {
                let display = format!("themes/{theme}/{}", area.dir());
                links |= walk(
                    &canonical_root,
                    &theme_dir.join(area.dir()),
                    &display,
                    area,
                    Origin::Theme,
                    &mut files,
                    &mut diags,
                );
            }
        } else if theme == BUILTIN_THEME_NAME {
            builtin_theme_files(&mut files);
        } else {
            // Without its theme nothing renders as intended: say only this.
            return Err(Diagnostic::error(format!("theme `{theme}` not found: there is no folder themes/{theme}"))
                .at(theme_location(root))
                .hint(format!("create themes/{theme}/, or use the built-in theme: theme: {BUILTIN_THEME_NAME}"))
                .into());
        }
    }
    let clean = !links && diags.is_empty();
    Ok((Walk { theme: theme.map(str::to_string), files, clean }, diags))
}

fn theme_location(root: &Path) -> Location {
    let text = std::fs::read_to_string(root.join(CONFIG_FILE)).unwrap_or_default();
    let range = crate::yaml::locate_key(&text, &["theme"]).unwrap_or(0..0);
    Location::in_text(CONFIG_FILE, &text, range)
}

fn builtin_theme_files(files: &mut Vec<SourceFile>) {
    for area in Area::OF_THEMES {
        let Some(dir) = BUILTIN_THEME.get_dir(area.dir()) else { continue };
        let mut stack = vec![dir];
        while let Some(dir) = stack.pop() {
            stack.extend(dir.dirs());
            for file in dir.files() {
                let Some(path) = file.path().to_str() else { continue };
                let rel = path.strip_prefix(area.dir()).unwrap_or(path).trim_start_matches('/').to_string();
                let contents = match (area.is_text(&rel), file.contents_utf8()) {
                    (true, Some(text)) => Contents::Text(text.into()),
                    _ => Contents::Embedded(file.contents()),
                };
                files.push(SourceFile {
                    area,
                    origin: Origin::Theme,
                    display: format!("<built-in theme>/{path}"),
                    rel,
                    contents,
                    fingerprint: None,
                    stamp: None,
                });
            }
        }
    }
}

/// Walks one area's folder into `files`; says whether it met a symbolic link.
fn walk(
    canonical_root: &Path,
    dir: &Path,
    display_dir: &str,
    area: Area,
    origin: Origin,
    files: &mut Vec<SourceFile>,
    diags: &mut Diagnostics,
) -> bool {
    if !dir.exists() {
        return false;
    }
    // The area's own folder (`static`, `themes/NAME/templates`) may be a link out too.
    if !is_inside(dir, canonical_root) {
        diags.push(outside(display_dir));
        return true;
    }
    let mut links = dir.is_symlink();
    // How a path is named in messages: `content/jobb/x.md`, lossily when it is not UTF-8.
    let shown = |path: &Path| match path.strip_prefix(dir) {
        Ok(rel) if !rel.as_os_str().is_empty() => format!("{display_dir}/{}", rel.to_string_lossy()),
        _ => display_dir.to_string(),
    };
    let mut walker = walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name().into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                let shown = e.path().map(&shown).unwrap_or_else(|| display_dir.to_string());
                let d = if e.loop_ancestor().is_some() {
                    Diagnostic::error(format!("{shown} is a symlink that loops back to a folder above it"))
                        .hint("remove the link, or make it point at a folder that does not contain it")
                } else {
                    Diagnostic::error(format!("cannot read {shown}: {e}"))
                };
                diags.push(d.at(Location::file(&shown)));
                continue;
            }
        };
        let rel_path = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        if rel_path.as_os_str().is_empty() {
            continue;
        }
        let Some(rel) = rel_path.to_str().map(|s| s.replace('\\', "/")) else {
            let shown = shown(entry.path());
            diags.push(
                Diagnostic::error(format!("the file name {shown} is not UTF-8"))
                    .at(Location::file(&shown))
                    .hint("rename the file using UTF-8 (any modern editor or file manager does)"),
            );
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        };
        let display = format!("{display_dir}/{rel}");
        let name = entry.file_name().to_string_lossy();
        if is_ignored(&name, area) {
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        links |= entry.path_is_symlink();
        // A file is inside the site when its folder is and it is not a link out of it:
        // every folder and every link is checked where it really is.
        if (entry.file_type().is_dir() || entry.path_is_symlink()) && !is_inside(entry.path(), canonical_root) {
            diags.push(outside(&display));
            if entry.file_type().is_dir() {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.file_type().is_dir() {
            continue;
        }
        if !entry.file_type().is_file() {
            diags.push(not_a_file(&display));
            continue;
        }
        let contents = Contents::OnDisk(entry.path().to_path_buf());
        let stamp = entry.metadata().ok().as_ref().and_then(Stamp::of_metadata);
        files.push(SourceFile { area, origin, rel, display, contents, fingerprint: None, stamp });
    }
    links
}

/// Whether `path` really is (through every symbolic link) inside the site folder.
fn is_inside(path: &Path, canonical_root: &Path) -> bool {
    path.canonicalize().is_ok_and(|real| real.starts_with(canonical_root))
}
