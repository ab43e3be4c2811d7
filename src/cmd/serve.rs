use std::io::Write as _;
use std::net::SocketAddr;

use regionprofil::BuildOptions;
use regionprofil::serve::{Report, ServeOptions};

use crate::cli::ServeArgs;

use super::{Failed, count, options, print_diagnostics};

pub fn run(args: ServeArgs) -> Result<(), Failed> {
    let build = BuildOptions { timings: args.timings, ..options(&args.site)? };
    // A date given on the command line (or SOURCE_DATE_EPOCH) is kept; otherwise every
    // build asks the clock, so campaigns appear and expire while the server runs.
    let follow_clock = args.site.now.is_none() && std::env::var_os("SOURCE_DATE_EPOCH").is_none();
    if !args.interface.is_loopback() {
        eprintln!(
            "warning: serving on {}: other machines on the network can see the preview (drafts included when --drafts is on)",
            args.interface
        );
    }
    let options = ServeOptions {
        build,
        follow_clock,
        address: SocketAddr::new(args.interface, args.port),
        output: args.output,
        allowed_hosts: args.allow_hosts,
    };
    let timings = args.timings;
    regionprofil::serve::run(options, move |report| print_report(report, timings)).map_err(|diags| {
        print_diagnostics(&diags);
        Failed
    })
}

fn print_report(report: Report, with_timings: bool) {
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    let cause = |trigger: &[String]| match trigger {
        [] => String::new(),
        [one] => format!("{one} changed: "),
        [first, rest @ ..] => format!("{first} and {} changed: ", count(rest.len(), "other file")),
    };
    match report {
        Report::Serving { url } => {
            println!("Serving the site at {url} (Ctrl-C stops)");
        }
        Report::Built { trigger, took, changed, pages, reuse, timings, warnings } => {
            print_diagnostics(warnings);
            if with_timings {
                print!("{}", timings.report());
            }
            if trigger.is_empty() {
                println!("built {pages} pages in {:.0} ms", ms(took));
            } else {
                // The search index changes with any text; it is named, not listed.
                let (index, files): (Vec<&String>, Vec<&String>) =
                    changed.iter().partition(|rel| rel.starts_with(regionprofil::search::INDEX_FOLDER));
                let mut outcome = match files.as_slice() {
                    [] if index.is_empty() => "nothing changed".to_string(),
                    [] => "the search index changed".to_string(),
                    [one] => format!("{one} changed"),
                    [first, rest @ ..] => format!("{first} and {} changed", count(rest.len(), "other file")),
                };
                if !index.is_empty() && !files.is_empty() {
                    outcome.push_str(", and the search index");
                }
                println!(
                    "{}rendered {} of {} and {} of {}; {outcome}; {:.0} ms",
                    cause(trigger),
                    reuse.documents_rendered,
                    count(reuse.documents, "document"),
                    reuse.pages_rendered,
                    count(reuse.pages, "page"),
                    ms(took)
                );
            }
        }
        Report::Failed { trigger, took, errors, has_last_good } => {
            print_diagnostics(errors);
            let serving = if has_last_good {
                "still serving the last good build"
            } else {
                "pages will be served once the errors are fixed"
            };
            println!("{}the build failed in {:.0} ms; {serving}", cause(trigger), ms(took));
        }
    }
    let _ = std::io::stdout().flush();
}
