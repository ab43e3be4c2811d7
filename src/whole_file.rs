//! Files written whole or not at all: written beside their place under a name no reader
//! takes for them, then renamed over it, so a run stopped half-way (or a failed download)
//! leaves the old file, never half a new one.

use std::fs::File;
use std::io::{Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Writes `bytes` to `path` whole or not at all, creating its folder.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut partial = Partial::create(path)?;
    partial.write_all(bytes)?;
    partial.commit()
}

/// A file being written: it takes `target`'s place on [`Partial::commit`], and is removed
/// if dropped before.
pub struct Partial {
    file: File,
    partial: PathBuf,
    target: PathBuf,
    committed: bool,
}

impl Partial {
    pub fn create(target: &Path) -> std::io::Result<Partial> {
        // Unique within the process too: versions of one file may be written in parallel.
        static NEXT: AtomicU64 = AtomicU64::new(0);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut name = target.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".part-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed)));
        let partial = target.with_file_name(name);
        let file = File::create(&partial)?;
        Ok(Partial { file, partial, target: target.to_path_buf(), committed: false })
    }

    /// Where the partial file is, to read back what was written.
    pub fn path(&self) -> &Path {
        &self.partial
    }

    /// Empties the file to write it again from the start.
    pub fn restart(&mut self) -> std::io::Result<()> {
        self.file.set_len(0)?;
        self.file.rewind().map(|_| ())
    }

    /// Puts the file in its place.
    pub fn commit(mut self) -> std::io::Result<()> {
        self.file.flush()?;
        std::fs::rename(&self.partial, &self.target)?;
        self.committed = true;
        Ok(())
    }
}

impl Write for Partial {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.file.write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.committed {
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dropped_partial_leaves_the_old_file_and_no_trace() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("a.json");
        write(&path, b"old").expect("file system");
        let mut partial = Partial::create(&path).expect("file system");
        partial.write_all(b"half a new").expect("file system");
        drop(partial);
        assert_eq!(std::fs::read(&path).expect("file system"), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).expect("file system").count(), 1);
    }

    #[test]
    fn a_restarted_partial_holds_only_what_came_after() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("sub/a.json");
        let mut partial = Partial::create(&path).expect("file system");
        partial.write_all(b"first try, broken off").expect("file system");
        partial.restart().expect("file system");
        partial.write_all(b"second").expect("file system");
        partial.commit().expect("file system");
        assert_eq!(std::fs::read(&path).expect("file system"), b"second");
        assert_eq!(std::fs::read_dir(dir.path().join("sub")).expect("file system").count(), 1);
    }
}
