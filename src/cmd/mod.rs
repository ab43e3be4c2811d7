//! The commands: thin orchestration over the library, printing what happened.

mod build;
mod check;
mod fetch;
mod init;
mod schedule;
mod serve;

use std::io::{IsTerminal, Write};

use regionprofil::BuildOptions;
use regionprofil::diag::Diagnostics;

use crate::cli::{Cli, Command, SiteArgs};

/// The command failed; its errors are already printed.
pub struct Failed;

pub fn run(cli: Cli) -> Result<(), Failed> {
    match cli.command {
        Command::Build(args) => build::run(args),
        Command::Check(args) => check::run(args),
        Command::Fetch(args) => fetch::run(args),
        Command::Init(args) => init::run(args),
        Command::Schedule(args) => schedule::run(args),
        Command::Serve(args) => serve::run(args),
    }
}

/// Build options from the common flags; "now" is decided here and nowhere else.
fn options(args: &SiteArgs) -> Result<BuildOptions, Failed> {
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    let now = regionprofil::dates::resolve_now(args.now.as_deref(), epoch.as_deref()).map_err(|e| {
        print_diagnostics(&Diagnostics::from(e));
        Failed
    })?;
    Ok(BuildOptions {
        root: args.root.clone(),
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        now,
        timings: false,
    })
}

/// Prints diagnostics to stderr, then a count of errors.
fn print_diagnostics(diags: &Diagnostics) {
    if diags.is_empty() {
        return;
    }
    let styled = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let mut err = anstream::stderr().lock();
    let _ = write!(err, "{}", diags.render(styled));
    let (errors, warnings) = (diags.error_count(), diags.warning_count());
    if errors > 0 {
        let _ = writeln!(err, "error: {} found, {}", count(errors, "error"), count(warnings, "warning"));
    }
}

/// `n` things, with a plural made by adding `s`.
fn count(n: usize, what: &str) -> String {
    regionprofil::diag::count(n, what, &format!("{what}s"))
}
