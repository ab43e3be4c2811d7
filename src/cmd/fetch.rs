use regionprofil::fetch::{self, Fetched, Outcome};

use crate::cli::{FetchArgs, FetchFormat};

use super::{Failed, print_diagnostics};

pub fn run(args: FetchArgs) -> Result<(), Failed> {
    let mut options = fetch::Options::new(args.root.clone(), jiff::Timestamp::now());
    options.force = args.force;
    options.names = args.names.clone();
    if let Ok(api) = std::env::var("REGIONPROFIL_SSB_API") {
        options.ssb_api = api;
    }
    let fetched = fetch::run(&options).map_err(|errors| {
        print_diagnostics(&errors);
        Failed
    })?;
    match args.format {
        FetchFormat::Json => println!("{}", serde_json::to_string_pretty(&json(&fetched)).unwrap_or_default()),
        FetchFormat::Text => {
            for f in &fetched {
                match &f.outcome {
                    Outcome::NotDue => println!("{}: not due", f.name),
                    Outcome::Unchanged => println!("{}: unchanged ({})", f.name, f.file),
                    Outcome::New => println!("{}: new file {}", f.name, f.file),
                    Outcome::Changed { cells } => {
                        println!("{}: {} changed", f.name, f.file);
                        for cell in cells {
                            println!("  {cell}");
                        }
                    }
                }
            }
        }
    }
    Ok(())
}

fn json(fetched: &[Fetched]) -> serde_json::Value {
    let entries: Vec<serde_json::Value> = fetched
        .iter()
        .map(|f| {
            let (outcome, cells) = match &f.outcome {
                Outcome::NotDue => ("not_due", &[][..]),
                Outcome::Unchanged => ("unchanged", &[][..]),
                Outcome::New => ("new", &[][..]),
                Outcome::Changed { cells } => ("changed", cells.as_slice()),
            };
            serde_json::json!({"name": f.name, "url": f.url, "file": f.file, "outcome": outcome, "cells": cells})
        })
        .collect();
    serde_json::Value::from(entries)
}
