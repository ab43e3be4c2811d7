use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;

// Rendering allocates many small strings on every thread; mimalloc's per-thread heaps
// make that markedly faster than the system allocator and keep peak memory lower.
// Built with `no_thp`: asked for transparent huge pages, the kernel zeroes 2 MiB for each
// first touch, which made `serve`'s first rebuild after a build twice as slow. Its v2 line:
// v3 keeps freed memory for a second before giving it back (v2: 10 ms), longer than most
// builds last, so a build held about 20 MB more at its peak (5,000 pages per language), for
// no time saved.
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
