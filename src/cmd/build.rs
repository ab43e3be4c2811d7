use std::time::Instant;

use regionprofil::BuildOptions;

use crate::cli::BuildArgs;

use super::{Failed, options, print_diagnostics};

pub fn run(args: BuildArgs) -> Result<(), Failed> {
    let started = Instant::now();
    let options = BuildOptions { timings: args.timings, ..options(&args.site)? };
    let out_dir = args.output.clone().unwrap_or_else(|| options.root.join("public"));
    match regionprofil::build(&options, &out_dir) {
        Ok((generated, report, mut warnings)) => {
            warnings.extend(report.warnings.iter().cloned());
            print_diagnostics(&warnings);
            if args.timings {
                eprint!("{}", generated.timings.report());
            }
            let summary = &generated.summary;
            let per_language: Vec<String> = summary
                .languages
                .iter()
                .map(|(lang, pages, sections)| format!("{lang} {}", pages + sections))
                .collect();
            let left_out =
                if summary.left_out > 0 { format!(", {} left out", summary.left_out) } else { String::new() };
            println!(
                "Built {} pages ({}){left_out} into {}: {} files, {:.1} MB, in {:.2} s",
                summary.languages.iter().map(|(_, p, s)| p + s).sum::<usize>(),
                per_language.join(", "),
                out_dir.display(),
                report.files,
                report.bytes as f64 / 1_000_000.0,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Err(diags) => {
            print_diagnostics(&diags);
            if options.root.is_dir() {
                eprintln!("Nothing was written; {} is as it was.", out_dir.display());
            }
            Err(Failed)
        }
    }
}
