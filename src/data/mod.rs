//! Data files: every file under `data/` is read once, in parallel, named by its path
//! without extension (`data/ssb/befolkning.csv` → `ssb/befolkning`), and shared read-only
//! by every page.
//!
//! - `.csv`, `.tsv`: tables ([`csv`]);
//! - `.json`: a JSON-stat dataset ([`jsonstat`]), a list of records, or plain data;
//! - `.yaml`, `.yml`: a list of records ([`records`]) or plain data.
//!
//! Options from `site.yaml` (`data: { name: {…} }`) set how a file is read and where its
//! numbers come from.

pub mod csv;
pub mod fetched;
pub mod jsonstat;
pub mod records;
pub mod table;

use std::collections::BTreeMap;

use jiff::Timestamp;
use rayon::prelude::*;

use crate::config::{Config, DataOptions};
use crate::diag::{Diagnostic, Diagnostics, Location, suggest};
use crate::source::{Area, SourceTree};
use crate::yaml::{self, YamlSource};
pub use table::{Cell, Table};

/// All data of a site.
#[derive(Debug, Default)]
pub struct DataSet {
    pub tables: BTreeMap<String, Table>,
    /// Data that is not a table, for `data(name)` in templates.
    pub plain: BTreeMap<String, serde_json::Value>,
    /// When each fetched entry was last fetched, from `data/fetch.lock`.
    pub fetched: BTreeMap<String, Timestamp>,
    /// Tables whose files could not be read: their errors are reported once, and uses of
    /// them are not reported again.
    pub broken: std::collections::BTreeSet<String>,
}

impl DataSet {
    /// A table by name; the error names the nearest tables.
    pub fn table(&self, name: &str) -> Result<&Table, Diagnostic> {
        self.tables.get(name).ok_or_else(|| {
            let hint = suggest(name, self.tables.keys().map(String::as_str)).unwrap_or_else(|| {
                if self.tables.is_empty() {
                    "the site has no data tables; put CSV, JSON-stat, JSON or YAML files in data/".into()
                } else {
                    "tables are named by their path under data/ without the extension".into()
                }
            });
            Diagnostic::error(format!("there is no data table `{name}`")).hint(hint)
        })
    }
}

/// A data file's name: its path under `data/` without the extension.
pub fn name_of(rel: &str) -> &str {
    rel.rsplit_once('.').map_or(rel, |(stem, _)| stem)
}

enum Loaded {
    /// A table, and what reading it noticed.
    Table(Box<Table>, Vec<Diagnostic>),
    Plain(serde_json::Value),
    Skipped,
}

pub fn load(tree: &SourceTree, config: &Config) -> (DataSet, Diagnostics) {
    let mut diags = Diagnostics::new();
    let files: Vec<(String, &crate::source::SourceFile)> = tree
        .area(Area::Data)
        .filter(|(_, f)| f.rel != fetched::FILE)
        .map(|(_, f)| (name_of(&f.rel).to_string(), f))
        .collect();
    let mut claimed: BTreeMap<&str, &str> = BTreeMap::new();
    for (name, file) in &files {
        if let Some(first) = claimed.insert(name, &file.display) {
            diags.push(
                Diagnostic::error(format!("{first} and {} are both the data table `{name}`", file.display))
                    .at(Location::file(&file.display))
                    .hint("rename one of them; a table is named by its path without the extension"),
            );
        }
    }
    let default_options = DataOptions::default();
    let loaded: Vec<(String, Result<Loaded, Diagnostics>)> = files
        .par_iter()
        .map(|(name, file)| {
            let options = config.data.get(name).unwrap_or(&default_options);
            (name.clone(), read(name, file, options))
        })
        .collect();
    let mut set = DataSet::default();
    for (name, result) in loaded {
        match result {
            Ok(Loaded::Table(mut table, warnings)) => {
                diags.extend(warnings);
                if let Some(options) = config.data.get(&name) {
                    apply_provenance(&mut table, options);
                }
                set.tables.insert(name, *table);
            }
            Ok(Loaded::Plain(value)) => {
                set.plain.insert(name, value);
            }
            Ok(Loaded::Skipped) => {}
            Err(all) => {
                diags.extend(all);
                set.broken.insert(name);
            }
        }
    }
    for (_, file) in tree.area(Area::Data).filter(|(_, f)| f.rel == fetched::FILE) {
        match fetched::Lock::parse(&String::from_utf8_lossy(file.bytes().unwrap_or_default())) {
            Ok(lock) => {
                set.fetched = lock
                    .entries
                    .into_iter()
                    .filter_map(|(name, entry)| Some((name, entry.fetched.parse().ok()?)))
                    .collect();
            }
            Err(d) => diags.push(Diagnostic { severity: crate::diag::Severity::Warning, ..d }),
        }
    }
    for (name, options) in &config.data {
        if files.iter().any(|(n, _)| n == name) {
            continue;
        }
        if options.fetch.is_some() || options.ssb.is_some() {
            diags.push(
                Diagnostic::warning(format!("the data entry `{name}` is fetched, but has not been yet"))
                    .at(config.locate(&["data", name]))
                    .hint(format!("run `regionprofil fetch {name}` and commit the file it writes")),
            );
        } else {
            diags.push(
                Diagnostic::error(format!("site.yaml has options for the data file `{name}`, which does not exist"))
                    .at(config.locate(&["data", name]))
                    .maybe_hint(suggest(name, files.iter().map(|(n, _)| n.as_str()))),
            );
        }
    }
    (set, diags)
}

fn read(name: &str, file: &crate::source::SourceFile, options: &DataOptions) -> Result<Loaded, Diagnostics> {
    let bytes = file.bytes().unwrap_or_default();
    let extension = file.rel.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "csv" | "tsv" => {
            let mut options = options.clone();
            if extension == "tsv" && options.delimiter.is_none() {
                options.delimiter = Some("\t".into());
            }
            csv::read_checked(bytes, name, &file.display, &options)
                .map(|(t, warnings)| Loaded::Table(Box::new(t), warnings))
        }
        "json" => {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                Diagnostic::error(format!("{} is not UTF-8 text", file.display)).at(Location::file(&file.display))
            })?;
            let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
                let line_start: usize = text.split_inclusive('\n').take(e.line().saturating_sub(1)).map(str::len).sum();
                let at = (line_start + e.column().saturating_sub(1)).min(text.len());
                let message = e.to_string();
                let message = message.split(" at line ").next().unwrap_or(&message).to_string();
                Diagnostic::error(format!("not JSON: {message}")).at(Location::in_text(&file.display, text, at..at + 1))
            })?;
            if is_json_stat(&value) {
                return jsonstat::read(bytes, name, &file.display, options)
                    .map(|t| Loaded::Table(Box::new(t), Vec::new()))
                    .map_err(Diagnostics::from);
            }
            Ok(structured(value, name, &file.display, text))
        }
        "yaml" | "yml" => {
            let text = std::str::from_utf8(bytes).map_err(|_| {
                Diagnostic::error(format!("{} is not UTF-8 text", file.display)).at(Location::file(&file.display))
            })?;
            let value = yaml::to_json(text, YamlSource::whole_file(&file.display, text))?;
            Ok(structured(value, name, &file.display, text))
        }
        _ => Ok(Loaded::Skipped),
    }
}

fn structured(value: serde_json::Value, name: &str, file: &str, text: &str) -> Loaded {
    match records::table(&value, name, file, text) {
        Some(table) => Loaded::Table(Box::new(table), Vec::new()),
        None => Loaded::Plain(value),
    }
}

fn is_json_stat(value: &serde_json::Value) -> bool {
    value.get("class").and_then(|c| c.as_str()) == Some("dataset")
        || (value.get("id").is_some() && value.get("size").is_some() && value.get("dimension").is_some())
}

fn apply_provenance(table: &mut Table, options: &DataOptions) {
    let p = &mut table.provenance;
    p.source = options.source.clone().or(p.source.take());
    p.source_url = options.source_url.clone().or(p.source_url.take());
    p.as_of = options.as_of.clone().or(p.as_of.take());
    p.unit = options.unit.clone().or(p.unit.take());
    p.max_age_days = options.max_age_days.or(p.max_age_days);
    p.labels = options.labels.clone();
    p.hide_codes = options.hide_codes;
}

/// Warnings for tables older than their `max_age_days`, and fetched files fetched longer
/// ago than their `every`.
pub fn age_warnings(set: &DataSet, config: &Config, now: Timestamp) -> Diagnostics {
    let zone = &config.time_zone;
    let mut diags = Diagnostics::new();
    for (name, options) in &config.data {
        let every = options.fetch.as_ref().and_then(|f| f.every).or(options.ssb.as_ref().and_then(|s| s.every));
        let (Some(every), Some(fetched)) = (every, set.fetched.get(name)) else { continue };
        let age = now.duration_since(*fetched);
        if age.as_secs() > every.0.as_secs() as i64 {
            diags.push(
                Diagnostic::warning(format!(
                    "`{name}` was fetched {} days ago; site.yaml fetches it every {}",
                    age.as_secs() / 86_400,
                    every
                ))
                .at(config.locate(&["data", name]))
                .hint(format!("run `regionprofil fetch {name}`, or a scheduled CI job (docs/deploy.md)")),
            );
        }
    }
    for table in set.tables.values() {
        let Some(max) = table.provenance.max_age_days else { continue };
        let at = Location::file(&table.file);
        let Some(as_of) = &table.provenance.as_of else {
            diags.push(
                Diagnostic::warning(format!("`{}` has max_age_days but no as_of date to count from", table.name))
                    .at(at)
                    .hint("add `as_of: YYYY-MM-DD` to its options in site.yaml"),
            );
            continue;
        };
        let age = now.duration_since(as_of.start(zone)).as_secs() / 86_400;
        if age > i64::from(max) {
            diags.push(
                Diagnostic::warning(format!(
                    "the data in `{}` is from {}, {age} days ago; its max_age_days is {max}",
                    table.name,
                    as_of.as_str()
                ))
                .at(at)
                .hint("update the file and its as_of date"),
            );
        }
    }
    diags
}
