use crate::cli::{Format, ScheduleArgs};

use super::{Failed, options, print_diagnostics};

pub fn run(args: ScheduleArgs) -> Result<(), Failed> {
    let options = options(&args.site)?;
    let (upcoming, diags) = regionprofil::schedule::upcoming(&options).map_err(|d| {
        print_diagnostics(&d);
        Failed
    })?;
    print_diagnostics(&diags);
    if diags.has_errors() {
        return Err(Failed);
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&upcoming).unwrap_or_default()),
        Format::Text if upcoming.is_empty() => println!("Nothing is scheduled to publish or expire."),
        Format::Text => {
            for u in &upcoming {
                let change = match u.change {
                    regionprofil::schedule::Change::Publish => "publish",
                    regionprofil::schedule::Change::Expire => "expire ",
                };
                println!("{}  {change}  {}  ({}, {})", u.at, u.file, u.title, u.lang);
            }
        }
    }
    Ok(())
}
