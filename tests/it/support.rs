//! Fixture sites in temporary folders, the real binary, and readable dumps of its output.

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// 2026-11-26T00:00:00Z: every test builds at the same "now".
pub const NOW_EPOCH: &str = "1795651200";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A copy of a fixture site in a temporary folder, with the shared test theme.
pub struct Site {
    _dir: tempfile::TempDir,
    pub root: PathBuf,
}

impl Site {
    pub fn copy(fixture: &Path) -> Site {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().join("site");
        copy_dir(fixture, &root);
        copy_dir(&fixtures().join("themes/plain"), &root.join("themes/plain"));
        Site { _dir: dir, root }
    }

    pub fn named(kind: &str, name: &str) -> Site {
        Site::copy(&fixtures().join(kind).join(name))
    }

    /// The program, run in this site with a fixed clock and no colours.
    pub fn command(&self) -> Command {
        Command::from_std(self.process())
    }

    /// The same, as a process to spawn and watch while it runs (`serve`, memory limits).
    pub fn process(&self) -> std::process::Command {
        let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("regionprofil"));
        cmd.current_dir(&self.root)
            .env("SOURCE_DATE_EPOCH", NOW_EPOCH)
            .env("NO_COLOR", "1")
            .env_remove("RAYON_NUM_THREADS");
        cmd
    }

    /// The arguments in the fixture's `args.txt`, else `build`.
    pub fn args(&self) -> Vec<String> {
        match std::fs::read_to_string(self.root.join("args.txt")) {
            Ok(text) => text.split_whitespace().map(str::to_string).collect(),
            Err(_) => vec!["build".to_string()],
        }
    }

    /// Runs `build`, which must fail with exit status 1, and gives what it printed on stderr.
    pub fn failed_build(&self) -> String {
        let out = self.command().arg("build").output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        stderr
    }

    pub fn public(&self) -> PathBuf {
        self.root.join("public")
    }

    pub fn read(&self, rel: &str) -> String {
        std::fs::read_to_string(self.root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    pub fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
        std::fs::write(path, text).expect("write");
    }

    /// Text with the temporary folder replaced by `[SITE]`.
    pub fn redact(&self, text: &str) -> String {
        text.replace(&self.root.display().to_string(), "[SITE]")
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.expect("fixture entry");
        let rel = entry.path().strip_prefix(from).expect("inside");
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("folder");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

/// Every file under `dir`, sorted, as `=== path ===` and its text.
pub fn dump(dir: &Path) -> String {
    let mut out = String::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.expect("output entry");
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).expect("inside").to_string_lossy().replace('\\', "/");
        let bytes = std::fs::read(entry.path()).expect("read");
        // The search index is named by its contents; tests/it/search.rs checks what it holds.
        if rel.starts_with("search-index/") && !rel.ends_with("/index.json") {
            out.push_str(&format!("=== {rel} ({} bytes) ===\n", bytes.len()));
            continue;
        }
        out.push_str(&format!("=== {rel} ===\n"));
        match String::from_utf8(bytes) {
            Ok(text) => out.push_str(&text),
            Err(e) => out.push_str(&format!("<{} bytes>", e.into_bytes().len())),
        }
        if !out.ends_with('\n') {
            out.push('\n');
        }
    }
    out
}

/// A file's text as a reader gets it: gzipped files (the search index) inflated.
pub fn readable(rel: &str, bytes: &[u8]) -> String {
    if rel.ends_with(".gz") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(bytes), &mut text).expect("gzip");
        text
    } else {
        String::from_utf8_lossy(bytes).into_owned()
    }
}

/// All files under `dir` with their bytes, for exact comparisons.
pub fn files(dir: &Path) -> Vec<(String, Vec<u8>)> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).expect("inside").to_string_lossy().to_string();
            (rel, std::fs::read(e.path()).expect("read"))
        })
        .collect()
}
