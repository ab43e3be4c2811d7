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
    println!("Created a new site in {}.", dir.display());
    println!("Build it:   regionprofil build --root {}", dir.display());
    println!("Then open {}/public/index.html, or edit content/ and build again.", dir.display());
    Ok(())
}
