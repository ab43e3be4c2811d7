use serde::Serialize;

use regionprofil::coverage::{Coverage, Instead};
use regionprofil::diag::Diagnostics;

use crate::cli::{CheckArgs, Format};

use super::{Failed, options, print_diagnostics};

#[derive(Serialize)]
struct Report<'a> {
    ok: bool,
    errors: usize,
    warnings: usize,
    diagnostics: &'a Diagnostics,
    coverage: Option<&'a Coverage>,
}

pub fn run(args: CheckArgs) -> Result<(), Failed> {
    let options = options(&args.site)?;
    let (diags, coverage) = match regionprofil::generate(&options) {
        Ok((generated, mut warnings)) => {
            if args.external {
                warnings.extend(regionprofil::links::check(&generated.output.external_links));
                warnings = warnings.sorted();
            }
            (warnings, Some(generated.coverage))
        }
        Err(errors) => (errors, None),
    };
    let diags = if args.strict { diags.strict() } else { diags };
    let missing = coverage.as_deref().map_or(0, Coverage::missing_count);
    let failed_strict = args.strict && missing > 0;
    let ok = !diags.has_errors() && !failed_strict;
    match args.format {
        Format::Json => {
            let report = Report {
                ok,
                errors: diags.error_count(),
                warnings: diags.warning_count(),
                diagnostics: &diags,
                coverage: coverage.as_deref(),
            };
            println!("{}", serde_json::to_string_pretty(&report).unwrap_or_default());
        }
        Format::Text => {
            print_diagnostics(&diags);
            if let Some(coverage) = &coverage {
                print_coverage(coverage);
            }
            if failed_strict {
                eprintln!(
                    "error: --strict: {} missing",
                    regionprofil::diag::count(missing, "translation is", "translations are")
                );
            }
            if ok {
                println!(
                    "The site is fine: {}, {}.",
                    super::count(diags.error_count(), "error"),
                    super::count(diags.warning_count(), "warning")
                );
            }
        }
    }
    if ok { Ok(()) } else { Err(Failed) }
}

fn print_coverage(coverage: &Coverage) {
    println!("Translation coverage:");
    for lang in &coverage.languages {
        println!("  {:<6} {}/{} pages", lang.lang, lang.translated, lang.total);
        for page in &lang.missing_pages {
            let how = match page.instead {
                Instead::Nothing => "not built",
                Instead::Fallback => "built from the default language",
                Instead::SiteTitle => "a home page from site.yaml is built",
            };
            println!("           missing {} ({how})", page.file);
        }
        if !lang.missing_ui_strings.is_empty() {
            println!(
                "           missing UI strings (the default language's are used): {}",
                lang.missing_ui_strings.join(", ")
            );
        }
    }
}
