use regionprofil::schedule::{self, Change};

use crate::cli::{ScheduleArgs, ScheduleFormat};

use super::{Failed, options, print_diagnostics};

pub fn run(args: ScheduleArgs) -> Result<(), Failed> {
    let options = options(&args.site)?;
    let fail = |message: String| {
        print_diagnostics(&regionprofil::diag::Diagnostic::error(message).into());
        Failed
    };
    let result = match &args.due {
        Some(window) => {
            let span: jiff::Span =
                window.parse().map_err(|_| fail(format!("--due: `{window}` is not a duration like 1h, 90m or 2d")))?;
            let from = options
                .now
                .to_zoned(jiff::tz::TimeZone::UTC)
                .checked_sub(span)
                .map_err(|e| fail(format!("--due: {e}")))?
                .timestamp();
            schedule::changes(&options, from, Some(options.now))
        }
        None => schedule::upcoming(&options),
    };
    let (changes, diags) = result.map_err(|d| {
        print_diagnostics(&d);
        Failed
    })?;
    print_diagnostics(&diags);
    if diags.has_errors() {
        return Err(Failed);
    }
    match args.format {
        ScheduleFormat::Json => println!("{}", serde_json::to_string_pretty(&changes).unwrap_or_default()),
        ScheduleFormat::Cron => {
            let mut lines: Vec<String> = changes.iter().map(|c| schedule::cron_line(c.instant)).collect();
            lines.dedup();
            for line in lines {
                println!("{line}");
            }
        }
        ScheduleFormat::Text if changes.is_empty() && args.due.is_none() => {
            println!("Nothing is scheduled to publish or expire.")
        }
        ScheduleFormat::Text => {
            for c in &changes {
                let change = match c.change {
                    Change::Publish => "publish",
                    Change::Expire => "expire ",
                };
                println!("{}  {change}  {}  ({}, {})", c.at, c.file, c.title, c.lang);
            }
        }
    }
    Ok(())
}
