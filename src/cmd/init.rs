use std::fs;

use include_dir::{Dir, include_dir};

use crate::cli::InitArgs;

use super::Failed;

/// A small bilingual site on the built-in theme.
static SCAFFOLD: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/src/cmd/init/scaffold");

pub fn run(args: InitArgs) -> Result<(), Failed> {
    let dir = &args.dir;
    let occupied = dir.exists() && fs::read_dir(dir).map(|mut d| d.next().is_some()).unwrap_or(true);
    if occupied {
        eprintln!("error: {} already exists and is not empty", dir.display());
        eprintln!("  = help: choose a new folder; init never writes over files");
        return Err(Failed);
    }
    let mut stack = vec![&SCAFFOLD];
    while let Some(folder) = stack.pop() {
        stack.extend(folder.dirs());
        for file in folder.files() {
            let path = dir.join(file.path());
            let written =
                path.parent().map_or(Ok(()), fs::create_dir_all).and_then(|()| fs::write(&path, file.contents()));
            if let Err(e) = written {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Err(Failed);
            }
        }
    }
    let (program, on_path) = program();
    let site = shell_word(&dir.display().to_string());
    println!("Created a new site in {}.", dir.display());
    println!("Preview it while you edit: {program} serve --root {site}");
    println!("Check it:                  {program} check --root {site}");
    println!("Build it into {site}/public: {program} build --root {site}");
    if !on_path {
        println!("(regionprofil is not on your PATH; `cargo install --path .` in its repository puts it there.)");
    }
    Ok(())
}

/// How to run this program again as printed: `regionprofil` when that name on the PATH is
/// this program, else its own path; and which of the two.
fn program() -> (String, bool) {
    let me = std::env::current_exe().ok().and_then(|p| p.canonicalize().ok());
    let on_path = std::env::var_os("PATH").is_some_and(|path| {
        std::env::split_paths(&path)
            .filter_map(|dir| dir.join("regionprofil").canonicalize().ok())
            .any(|found| Some(&found) == me.as_ref())
    });
    match (on_path, me) {
        (false, Some(me)) => (shell_word(&me.display().to_string()), false),
        _ => ("regionprofil".to_string(), true),
    }
}

/// `text` as one word for a shell: quoted when it holds anything but plain path characters.
fn shell_word(text: &str) -> String {
    let plain = text.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+:@".contains(c));
    if plain { text.to_string() } else { format!("'{}'", text.replace('\'', "'\\''")) }
}
