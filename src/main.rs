use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;

fn main() -> ExitCode {
    // clap prints usage errors and exits with status 2 itself.
    let cli = cli::Cli::parse();
    match cmd::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(cmd::Failed) => ExitCode::from(1),
    }
}
