//! Writing the output folder, all or nothing.
//!
//! 1. Refuse an output folder that would overwrite the site itself, or that holds files
//!    and was not made by regionprofil (it has no marker file).
//! 2. Write everything into a fresh sibling folder, with the marker.
//! 3. Swap it in: the old output is moved aside, the new one renamed into place, the old
//!    one removed. A failure before the swap removes only the fresh folder, so the last good
//!    output stays exactly as it was.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::render::output::{CopySource, Output};

/// The file that marks a folder as made by regionprofil, so it may replace it.
pub const MARKER: &str = ".regionprofil";
const MARKER_TEXT: &str = "This folder is written by regionprofil. It is replaced on every build.\n";

#[derive(Debug, Default, Clone)]
pub struct WriteReport {
    pub files: usize,
    pub bytes: u64,
    /// What went wrong after the new output was in place (the old one was not removed).
    pub warnings: Diagnostics,
}

pub fn write(out_dir: &Path, site_root: &Path, output: &Output) -> Result<WriteReport, Diagnostics> {
    check_target(out_dir, site_root).map_err(Diagnostics::from)?;
    let parent = out_dir.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
    let name = out_dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "public".into());
    let fresh = parent.join(format!(".{name}.new-{}", std::process::id()));
    remove_ours(&fresh)?;

    match fill(&fresh, output) {
        Ok(mut report) => {
            if let Some(leftover) = swap(&fresh, out_dir, parent, &name)? {
                report.warnings.push(leftover);
            }
            Ok(report)
        }
        Err(d) => {
            let _ = fs::remove_dir_all(&fresh);
            Err(d.into())
        }
    }
}

/// Whether an existing folder may be replaced: missing, empty, or made by us.
fn is_ours_or_empty(dir: &Path) -> std::io::Result<bool> {
    if !dir.exists() {
        return Ok(true);
    }
    if dir.join(MARKER).is_file() {
        return Ok(true);
    }
    Ok(fs::read_dir(dir)?.next().is_none())
}

fn check_target(out_dir: &Path, site_root: &Path) -> Result<(), Diagnostic> {
    if out_dir.exists() && !out_dir.is_dir() {
        return Err(Diagnostic::error(format!("the output {} is a file, not a folder", out_dir.display())));
    }
    let root = site_root.canonicalize().unwrap_or_else(|_| site_root.to_path_buf());
    let target = absolute(out_dir);
    if root.starts_with(&target) {
        return Err(Diagnostic::error(format!(
            "the output folder {} would contain the site itself",
            out_dir.display()
        ))
        .hint("choose an output folder inside the site, like public/, or somewhere else"));
    }
    for area in crate::source::SITE_FOLDERS {
        if target.starts_with(root.join(area)) {
            return Err(Diagnostic::error(format!("the output folder {} is inside {area}/", out_dir.display()))
                .hint("the output must not be among the site's own files"));
        }
    }
    match is_ours_or_empty(out_dir) {
        Ok(true) => Ok(()),
        Ok(false) => Err(Diagnostic::error(format!(
            "{} holds files that regionprofil did not write; refusing to replace it",
            out_dir.display()
        ))
        .hint(format!(
            "move those files away, choose another --output, or, if this folder is a build output, add an empty file {MARKER} to it"
        ))),
        Err(e) => Err(Diagnostic::error(format!("cannot read {}: {e}", out_dir.display()))),
    }
}

/// An absolute form of a path that may not exist yet (its existing ancestor canonicalised).
fn absolute(path: &Path) -> PathBuf {
    let path =
        if path.is_absolute() { path.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(path) };
    let mut existing = path.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
    for part in rest.iter().rev() {
        out.push(part);
    }
    out
}

/// Removes a leftover folder from an interrupted build, if it is ours.
fn remove_ours(dir: &Path) -> Result<(), Diagnostic> {
    if !dir.exists() {
        return Ok(());
    }
    if dir.join(MARKER).is_file() || fs::read_dir(dir).map(|mut d| d.next().is_none()).unwrap_or(false) {
        return fs::remove_dir_all(dir).map_err(|e| Diagnostic::error(format!("cannot remove {}: {e}", dir.display())));
    }
    Err(Diagnostic::error(format!("{} is in the way and was not made by regionprofil", dir.display())))
}

fn fill(dir: &Path, output: &Output) -> Result<WriteReport, Diagnostic> {
    let io = |path: &Path, e: std::io::Error| Diagnostic::error(format!("cannot write {}: {e}", path.display()));
    fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    fs::write(dir.join(MARKER), MARKER_TEXT).map_err(|e| io(dir, e))?;

    let folders: BTreeSet<&Path> = output
        .files
        .iter()
        .map(|f| f.rel.as_str())
        .chain(output.copies.iter().map(|c| c.rel.as_str()))
        .filter_map(|rel| Path::new(rel).parent())
        .collect();
    // Folders in parallel: create_dir_all makes missing parents and accepts ones that exist.
    let folders: Vec<&Path> = folders.into_iter().collect();
    folders
        .par_iter()
        .try_for_each(|folder| fs::create_dir_all(dir.join(folder)).map_err(|e| io(&dir.join(folder), e)))?;
    output.files.par_iter().try_for_each(|file| {
        let path = dir.join(&file.rel);
        fs::write(&path, &file.bytes).map_err(|e| io(&path, e))
    })?;
    output.copies.par_iter().try_for_each(|copy| {
        let path = dir.join(&copy.rel);
        match &copy.from {
            CopySource::Disk(from) => fs::copy(from, &path).map(|_| ()),
            CopySource::Embedded(bytes) => fs::write(&path, bytes),
        }
        .map_err(|e| io(&path, e))
    })?;
    let bytes = output.files.iter().map(|f| f.bytes.len() as u64).sum();
    Ok(WriteReport { files: output.files.len() + output.copies.len(), bytes, warnings: Diagnostics::new() })
}

/// Puts `fresh` in place of `out_dir`. An error means `out_dir` is as it was; the old
/// output that could not be removed once the new one is in place is a warning.
fn swap(fresh: &Path, out_dir: &Path, parent: &Path, name: &str) -> Result<Option<Diagnostic>, Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::error(format!("cannot put the new output in place at {}: {e}", out_dir.display()))
    };
    if !out_dir.exists() {
        return fs::rename(fresh, out_dir).map(|()| None).map_err(fail);
    }
    let old = parent.join(format!(".{name}.old-{}", std::process::id()));
    remove_ours(&old)?;
    fs::rename(out_dir, &old).map_err(|e| {
        let _ = fs::remove_dir_all(fresh);
        fail(e)
    })?;
    if let Err(e) = fs::rename(fresh, out_dir) {
        // Put the last good output back where it was.
        let _ = fs::rename(&old, out_dir);
        let _ = fs::remove_dir_all(fresh);
        return Err(fail(e));
    }
    Ok(fs::remove_dir_all(&old).err().map(|e| {
        Diagnostic::warning(format!(
            "the new output is in place, but the old one could not be removed from {}: {e}",
            old.display()
        ))
        .hint("remove that folder by hand")
    }))
}
