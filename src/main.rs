use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;

// Rendering allocates many small strings on every thread; mimalloc's per-thread heaps
// make that markedly faster than the system allocator and keep peak memory lower.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // clap prints usage errors and exits with status 2 itself.
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(cmd::Failed) => ExitCode::from(1),
    }
}
