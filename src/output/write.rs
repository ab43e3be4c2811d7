//! Writing the output folder, all or nothing.
//!
//! 1. Resolve the output path as the operating system will once its missing folders are
//!    made ([`resolve`]); refuse a target that would overwrite the site itself, or that
//!    holds files and was not made by regionprofil (it has no marker file).
//! 2. Clear what interrupted builds left beside it (fresh and old folders with the marker,
//!    of processes that are gone).
//! 3. Write everything into a fresh sibling folder, with the marker.
//! 4. Swap it in: on Linux the two folders are exchanged in one step
//!    (`renameat2(RENAME_EXCHANGE)`), so there is never a moment without an output; else
//!    the old output is moved aside and the new one renamed into place. Then the old one
//!    is removed. A failure before the swap removes only the fresh folder, so the last
//!    good output stays exactly as it was.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::fs;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::render::output::{CopyFile, CopySource, Finish, Output, OutputFile, Sink, Taken, WrittenFile};

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

/// Writes `output` to the folder `out_dir` (as the user named it) of the site at
/// `site_root`, making its deferred files meanwhile (they are in `output` after).
pub fn write(out_dir: &Path, site_root: &Path, output: &mut Output) -> Result<WriteReport, Diagnostics> {
    prepare(out_dir, site_root)?.finish(output)
}

/// The fresh folder a build writes into, beside the output it will replace. Dropped before
/// [`Fresh::finish`] put it in place (a build that failed), it is removed, and the last
/// good output is as it was.
pub struct Fresh {
    dir: PathBuf,
    target: PathBuf,
    parent: PathBuf,
    name: String,
    /// Folders made so far, so each file does not ask again.
    folders: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    done: bool,
}

/// Checks that `out_dir` may be replaced, clears what interrupted builds left beside it,
/// and makes the fresh folder, with the marker.
pub fn prepare(out_dir: &Path, site_root: &Path) -> Result<Fresh, Diagnostics> {
    let target = resolve(out_dir)
        .map_err(|e| Diagnostic::error(format!("cannot find where the output {} would be: {e}", out_dir.display())))?;
    check_target(&target, out_dir, site_root).map_err(Diagnostics::from)?;
    let (Some(parent), Some(name)) = (target.parent(), target.file_name()) else {
        return Err(
            Diagnostic::error(format!("the output {} is not a folder one can replace", out_dir.display())).into()
        );
    };
    fs::create_dir_all(parent).map_err(|e| Diagnostic::error(format!("cannot create {}: {e}", parent.display())))?;
    // Made now, the parent resolves as `resolve` said it would; check again what it is.
    if resolve(&target).ok().as_deref() != Some(target.as_path()) {
        return Err(
            Diagnostic::error(format!("the output {} changed while it was being made", out_dir.display())).into()
        );
    }
    let name = name.to_string_lossy().to_string();
    clear_leftovers(parent, &name);
    let dir = parent.join(format!(".{name}.new-{}", std::process::id()));
    remove_ours(&dir)?;
    fs::create_dir_all(&dir).map_err(|e| io_error(&dir, e))?;
    let fresh = Fresh {
        dir,
        parent: parent.to_path_buf(),
        target: target.clone(),
        name,
        folders: Default::default(),
        done: false,
    };
    fs::write(fresh.dir.join(MARKER), MARKER_TEXT).map_err(|e| io_error(&fresh.dir, e))?;
    Ok(fresh)
}

impl Fresh {
    /// Writes what is left of `output` (making its deferred files meanwhile) and puts the
    /// fresh folder in place of the output.
    pub fn finish(mut self, output: &mut Output) -> Result<WriteReport, Diagnostics> {
        let mut report = fill(&self.dir, output)?;
        self.done = true;
        if let Some(leftover) = swap(&self.dir, &self.target, &self.parent, &self.name)? {
            report.warnings.push(leftover);
        }
        Ok(report)
    }

    /// Makes the folder `folder` (relative) in the fresh folder, once.
    fn make_folder(&self, folder: &Path) -> Result<(), Diagnostic> {
        if self.folders.lock().unwrap_or_else(|e| e.into_inner()).contains(folder) {
            return Ok(());
        }
        let path = self.dir.join(folder);
        fs::create_dir_all(&path).map_err(|e| io_error(&path, e))?;
        self.folders.lock().unwrap_or_else(|e| e.into_inner()).insert(folder.to_path_buf());
        Ok(())
    }
}

/// Rendered files go straight into the fresh folder.
impl Sink for Fresh {
    fn take(&self, file: OutputFile) -> Result<Taken, Diagnostic> {
        if let Some(folder) = Path::new(&file.rel).parent() {
            self.make_folder(folder)?;
        }
        let path = self.dir.join(&file.rel);
        fs::write(&path, &file.bytes).map_err(|e| io_error(&path, e))?;
        Ok(Taken::Written(WrittenFile { rel: file.rel, origin: file.origin, size: file.bytes.len() as u64 }))
    }

    fn publishes(&self) -> bool {
        true
    }
}

impl Drop for Fresh {
    fn drop(&mut self) {
        if !self.done {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// The absolute path `path` will name once its missing folders are made, as the operating
/// system resolves it: from the left, every part that exists is followed through symbolic
/// links, `..` leaves the folder reached so far (`missing/../home` is `home`, once
/// `missing` is made), and parts that do not exist yet are taken as written.
pub fn resolve(path: &Path) -> std::io::Result<PathBuf> {
    let mut resolved = std::env::current_dir()?;
    for component in path.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved = PathBuf::from(component.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if fs::symlink_metadata(&resolved).is_ok() {
                    resolved = resolved.canonicalize()?;
                }
            }
        }
    }
    Ok(resolved)
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

/// Refuses a `target` (resolved; `shown` as the user wrote it) that is not a folder, holds
/// the site, lies among its sources, or holds files regionprofil did not write.
fn check_target(target: &Path, shown: &Path, site_root: &Path) -> Result<(), Diagnostic> {
    let shown = shown.display();
    if target.exists() && !target.is_dir() {
        return Err(Diagnostic::error(format!("the output {shown} is a file, not a folder")));
    }
    let root = site_root.canonicalize().unwrap_or_else(|_| site_root.to_path_buf());
    if root.starts_with(target) {
        return Err(Diagnostic::error(format!("the output folder {shown} would contain the site itself"))
            .hint("choose an output folder inside the site, like public/, or somewhere else"));
    }
    for area in crate::source::SITE_FOLDERS.iter().chain([&crate::config::CONFIG_FILE]) {
        if target.starts_with(root.join(area)) {
            return Err(Diagnostic::error(format!("the output folder {shown} is inside {area}/"))
                .hint("the output must not be among the site's own files"));
        }
    }
    match is_ours_or_empty(target) {
        Ok(true) => Ok(()),
        Ok(false) => Err(Diagnostic::error(format!(
            "{shown} holds files that regionprofil did not write; refusing to replace it"
        ))
        .hint(format!(
            "move those files away, choose another --output, or, if this folder is a build output, add an empty file {MARKER} to it"
        ))),
        Err(e) => Err(Diagnostic::error(format!("cannot read {shown}: {e}"))),
    }
}

/// Removes the fresh and old folders that interrupted builds into `name` left in `parent`:
/// those with the marker, of processes that no longer run. Best effort: one that cannot be
/// removed is left for the next build.
fn clear_leftovers(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().to_string();
        let Some(pid) = [".new-", ".old-"]
            .iter()
            .find_map(|kind| file_name.strip_prefix(&format!(".{name}{kind}")))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        let path = entry.path();
        if pid != std::process::id() && !is_running(pid) && path.join(MARKER).is_file() {
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Whether a process with this id runs (where the system tells; elsewhere, assume it does).
fn is_running(pid: u32) -> bool {
    let proc = Path::new("/proc");
    !proc.is_dir() || proc.join(pid.to_string()).exists()
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

/// Writes the files of `output` that are not written yet into `dir`.
fn fill(dir: &Path, output: &mut Output) -> Result<WriteReport, Diagnostics> {
    let (written, made) =
        output.finish_beside(Finish::Everything, |output| write_files(dir, &output.files, &output.copies));
    let made = made?;
    written?;
    write_files(dir, &made.files, &made.copies)?;
    let copied = output.copies.iter().filter_map(|c| match &c.from {
        CopySource::Embedded(bytes) => Some(bytes.len() as u64),
        _ => c.stamp.map(|stamp| stamp.size()),
    });
    let bytes = output
        .files
        .iter()
        .map(|f| f.bytes.len() as u64)
        .chain(output.written.iter().map(|f| f.size))
        .chain(copied)
        .sum();
    let files = output.files.len() + output.written.len() + output.copies.len();
    Ok(WriteReport { files, bytes, warnings: Diagnostics::new() })
}

fn io_error(path: &Path, e: std::io::Error) -> Diagnostic {
    Diagnostic::error(format!("cannot write {}: {e}", path.display()))
}

/// Writes `files` and `copies` into `dir`, making the folders they need.
fn write_files(dir: &Path, files: &[OutputFile], copies: &[CopyFile]) -> Result<(), Diagnostic> {
    let folders: BTreeSet<&Path> = files
        .iter()
        .map(|f| f.rel.as_str())
        .chain(copies.iter().map(|c| c.rel.as_str()))
        .filter_map(|rel| Path::new(rel).parent())
        .collect();
    // Folders in parallel: create_dir_all makes missing parents and accepts ones that exist.
    let folders: Vec<&Path> = folders.into_iter().collect();
    folders
        .par_iter()
        .try_for_each(|folder| fs::create_dir_all(dir.join(folder)).map_err(|e| io_error(&dir.join(folder), e)))?;
    files.par_iter().try_for_each(|file| {
        let path = dir.join(&file.rel);
        fs::write(&path, &file.bytes).map_err(|e| io_error(&path, e))
    })?;
    copies.par_iter().try_for_each(|copy| {
        let path = dir.join(&copy.rel);
        match &copy.from {
            CopySource::Disk(from) => fs::copy(from, &path).map(|_| ()),
            // A hard link where the file system allows one: photos' versions are most of a
            // site's bytes, and copying them was most of what a warm image cache cost.
            CopySource::Cached(from) => fs::hard_link(from, &path).or_else(|_| fs::copy(from, &path).map(|_| ())),
            CopySource::Embedded(bytes) => fs::write(&path, bytes),
        }
        .map_err(|e| io_error(&path, e))
    })
}

/// Puts `fresh` in place of `target`. An error means `target` is as it was; the old output
/// that could not be removed once the new one is in place is a warning.
fn swap(fresh: &Path, target: &Path, parent: &Path, name: &str) -> Result<Option<Diagnostic>, Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::error(format!("cannot put the new output in place at {}: {e}", target.display()))
    };
    if !target.exists() {
        return fs::rename(fresh, target).map(|()| None).map_err(fail);
    }
    // The old output, once it is out of the way.
    let old = match exchange(fresh, target) {
        Ok(()) => fresh.to_path_buf(),
        Err(_) => {
            // No atomic exchange here (another system, or a file system without it): move
            // the old output aside, then the new one in.
            let old = parent.join(OsString::from(format!(".{name}.old-{}", std::process::id())));
            remove_ours(&old)?;
            fs::rename(target, &old).map_err(|e| {
                let _ = fs::remove_dir_all(fresh);
                fail(e)
            })?;
            if let Err(e) = fs::rename(fresh, target) {
                // Put the last good output back where it was.
                let _ = fs::rename(&old, target);
                let _ = fs::remove_dir_all(fresh);
                return Err(fail(e));
            }
            old
        }
    };
    Ok(fs::remove_dir_all(&old).err().map(|e| {
        Diagnostic::warning(format!(
            "the new output is in place, but the old one could not be removed from {}: {e}",
            old.display()
        ))
        .hint("remove that folder by hand")
    }))
}

/// Exchanges two folders in one step, where the system can.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::from(std::io::ErrorKind::Unsupported))
}
