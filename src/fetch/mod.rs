//! `regionprofil fetch`: downloads the data entries of site.yaml that carry `fetch:` or
//! `ssb:`, checks that each answer is what it claims and not empty, writes it into `data/`
//! whole or not at all, records where it came from in `data/fetch.lock`, and says what
//! changed, cell by cell. `build`, `check` and `serve` never touch the network: a fetched
//! file is committed like any other, so builds stay offline and the same.

mod changes;
mod http;

use std::path::{Path, PathBuf};

use jiff::Timestamp;
use sha2::Digest as _;

use crate::config::{Config, DataOptions, Overrides};
use crate::data::Table;
use crate::diag::{Diagnostic, Diagnostics, suggest};
use crate::locale::LocaleFormat;
use crate::whole_file::{self, Partial};

use crate::config::fetch::{Every, Format, SSB_API};
use crate::data::fetched::{self as lock, Entry, Lock};
pub use http::Limits;

/// What `regionprofil fetch` is asked to do.
pub struct Options {
    pub root: PathBuf,
    /// Fetch every entry, due or not.
    pub force: bool,
    /// Only these entries (each fetched, due or not); all when empty.
    pub names: Vec<String>,
    pub now: Timestamp,
    pub limits: Limits,
    /// Where the `ssb:` shorthand's URLs point: Statistics Norway's API, or a test server.
    pub ssb_api: String,
}

impl Options {
    pub fn new(root: PathBuf, now: Timestamp) -> Options {
        Options { root, force: false, names: Vec::new(), now, limits: Limits::default(), ssb_api: SSB_API.into() }
    }
}

/// What happened to one entry.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    /// Fetched less than `every` ago: left alone.
    NotDue,
    /// The server said it has not changed (304), or sent the same bytes.
    Unchanged,
    /// Written: the cells that changed (for a table), or none for other data.
    Changed { cells: Vec<String> },
    /// There was no file before.
    New,
}

#[derive(Debug)]
pub struct Fetched {
    pub name: String,
    pub url: String,
    /// From the site's folder: `data/befolkning.json`.
    pub file: String,
    pub outcome: Outcome,
}

/// One data entry that is fetched.
struct Wanted<'a> {
    name: &'a str,
    url: String,
    format: Format,
    every: Option<Every>,
    options: &'a DataOptions,
    limits: Limits,
}

/// Fetches what is due. Entries that fail are reported, every one, and leave their file and
/// lock entry as they were; the others are written.
pub fn run(options: &Options) -> Result<Vec<Fetched>, Diagnostics> {
    let text = crate::source::read_config(&options.root)?;
    let config = Config::parse(&text, &Overrides::default())?;
    let wanted = wanted(&config, options)?;
    let data_dir = options.root.join("data");
    let mut lock = Lock::read(&data_dir)?;
    let locale = LocaleFormat::new(&config.default_language().locale).map_err(Diagnostic::error)?;
    let explicit = options.force || !options.names.is_empty();
    let due: Vec<&Wanted> =
        wanted.iter().filter(|w| explicit || is_due(lock.entries.get(w.name), w.every, options.now)).collect();
    // A few at a time: Statistics Norway allows 30 requests a minute.
    let results: Vec<Result<(Fetched, Option<Entry>), Diagnostic>> = std::thread::scope(|scope| {
        let mut results = Vec::new();
        for batch in due.chunks(4) {
            let handles: Vec<_> = batch
                .iter()
                .map(|w| {
                    let (lock, locale, data_dir) = (&lock, &locale, &data_dir);
                    scope.spawn(move || fetch_one(w, lock.entries.get(w.name), data_dir, locale, options.now))
                })
                .collect();
            results.extend(
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| Err(Diagnostic::error("a download stopped unexpectedly")))),
            );
        }
        results
    });
    let mut fetched: Vec<Fetched> = wanted
        .iter()
        .filter(|w| !due.iter().any(|d| d.name == w.name))
        .map(|w| Fetched {
            name: w.name.into(),
            url: w.url.clone(),
            file: file_of(w, &data_dir),
            outcome: Outcome::NotDue,
        })
        .collect();
    let mut errors = Diagnostics::new();
    let before = lock.clone();
    for result in results {
        match result {
            Ok((done, entry)) => {
                if let Some(entry) = entry {
                    lock.entries.insert(done.name.clone(), entry);
                }
                fetched.push(done);
            }
            Err(d) => errors.push(d),
        }
    }
    if lock != before {
        whole_file::write(&data_dir.join(lock::FILE), lock.to_text().as_bytes())
            .map_err(|e| Diagnostic::error(format!("cannot write data/{}: {e}", lock::FILE)))?;
    }
    fetched.sort_by(|a, b| a.name.cmp(&b.name));
    if errors.has_errors() { Err(errors) } else { Ok(fetched) }
}

/// The entries to fetch, checked: a name asked for that is not one is an error.
fn wanted<'a>(config: &'a Config, options: &Options) -> Result<Vec<Wanted<'a>>, Diagnostics> {
    let mut errors = Diagnostics::new();
    let mut wanted = Vec::new();
    for (name, data) in &config.data {
        let (url, format, every) = match (&data.fetch, &data.ssb) {
            (Some(_), Some(_)) => {
                errors.push(
                    Diagnostic::error(format!("the data entry `{name}` has both `fetch` and `ssb`"))
                        .at(config.locate(&["data", name]))
                        .hint("keep one: `ssb` is a short way to write a `fetch` from Statistics Norway"),
                );
                continue;
            }
            (Some(fetch), None) => (fetch.url.clone(), fetch.format, fetch.every),
            (None, Some(ssb)) => (ssb.url(&options.ssb_api), Format::JsonStat, ssb.every),
            (None, None) => continue,
        };
        let mut limits = options.limits.clone();
        if let Some(fetch) = &data.fetch {
            limits.timeout = fetch.timeout.map_or(limits.timeout, std::time::Duration::from_secs);
            limits.retries = fetch.retries.unwrap_or(limits.retries);
        }
        if options.names.is_empty() || options.names.iter().any(|n| n == name) {
            wanted.push(Wanted { name, url, format, every, options: data, limits });
        }
    }
    let fetchable: Vec<&str> =
        config.data.iter().filter(|(_, d)| d.fetch.is_some() || d.ssb.is_some()).map(|(n, _)| n.as_str()).collect();
    for name in &options.names {
        if !fetchable.contains(&name.as_str()) {
            let hint = suggest(name, fetchable.iter().copied()).unwrap_or_else(|| {
                "give a data entry in site.yaml `fetch: {url, format}` or `ssb: {table, query}`".into()
            });
            errors.push(Diagnostic::error(format!("no data entry `{name}` is fetched")).hint(hint));
        }
    }
    if errors.has_errors() { Err(errors) } else { Ok(wanted) }
}

/// Whether an entry fetched as `entry` says (or never) is due at `now`.
fn is_due(entry: Option<&Entry>, every: Option<Every>, now: Timestamp) -> bool {
    let Some(entry) = entry else { return true };
    let Some(Every(every)) = every else { return false };
    let Ok(fetched) = entry.fetched.parse::<Timestamp>() else { return true };
    let every = jiff::SignedDuration::try_from(every).unwrap_or(jiff::SignedDuration::MAX);
    fetched.as_duration().saturating_add(every) <= now.as_duration()
}

/// The data file an entry is written to: the one there is by its name, else
/// `data/NAME.EXT` by its format.
fn file_of(wanted: &Wanted, data_dir: &Path) -> String {
    for extension in ["json", "csv", "tsv", "yaml", "yml"] {
        let rel = format!("{}.{extension}", wanted.name);
        if data_dir.join(&rel).is_file() {
            return format!("data/{rel}");
        }
    }
    format!("data/{}.{}", wanted.name, wanted.format.extension())
}

fn fetch_one(
    wanted: &Wanted,
    known: Option<&Entry>,
    data_dir: &Path,
    locale: &LocaleFormat,
    now: Timestamp,
) -> Result<(Fetched, Option<Entry>), Diagnostic> {
    let file = file_of(wanted, data_dir);
    let path = data_dir.join(file.trim_start_matches("data/"));
    let old = std::fs::read(&path).ok();
    // Asked "changed since?" only when the file is as the lock says it was written.
    let known = known.filter(|k| k.url == wanted.url && old.as_deref().is_some_and(|b| sha256(b) == k.sha256));
    let failed = |reason: String| {
        Diagnostic::error(format!("fetching `{}` from {} failed: {reason}", wanted.name, wanted.url))
            .hint("the old file and data/fetch.lock are as they were")
    };
    // The answer streams into a file beside the old one, which it replaces only when it
    // is whole, checked and different.
    let mut body = Partial::create(&path).map_err(|e| failed(format!("cannot write beside {file}: {e}")))?;
    let answer = http::Client::new(wanted.limits.clone())
        .get(
            &wanted.url,
            known.and_then(|k| k.etag.as_deref()),
            known.and_then(|k| k.last_modified.as_deref()),
            &mut body,
        )
        .map_err(|f| failed(f.to_string()))?;
    let fetched_at = now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let done = |outcome| Fetched { name: wanted.name.into(), url: wanted.url.clone(), file: file.clone(), outcome };
    let (etag, last_modified) = match answer {
        http::Answer::Unchanged => {
            let entry = known.map(|k| Entry { fetched: fetched_at, ..k.clone() });
            return Ok((done(Outcome::Unchanged), entry));
        }
        http::Answer::Body { etag, last_modified } => (etag, last_modified),
    };
    let bytes = std::fs::read(body.path()).map_err(|e| failed(format!("cannot read the answer back: {e}")))?;
    let new_table = check(&bytes, wanted, &file).map_err(failed)?;
    let entry = Entry {
        url: wanted.url.clone(),
        file: file.clone(),
        fetched: fetched_at,
        sha256: sha256(&bytes),
        size: bytes.len() as u64,
        etag,
        last_modified,
    };
    let outcome = match &old {
        Some(old) if *old == bytes => Outcome::Unchanged,
        Some(old) => {
            let old_table = check(old, wanted, &file).ok().flatten();
            let cells = match (old_table, &new_table) {
                (Some(old), Some(new)) => changes::cells(&old, new, locale),
                _ => Vec::new(),
            };
            Outcome::Changed { cells }
        }
        None => Outcome::New,
    };
    if outcome != Outcome::Unchanged {
        body.commit().map_err(|e| failed(format!("cannot write {file}: {e}")))?;
    }
    Ok((done(outcome), Some(entry)))
}

/// Checks that `bytes` are what `wanted` declares, and not empty: the table they hold,
/// for a table format. The reason is a sentence about the answer.
fn check(bytes: &[u8], wanted: &Wanted, file: &str) -> Result<Option<Table>, String> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err("the answer is empty".into());
    }
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(200)]).trim_start().to_lowercase();
    if start.starts_with("<!doctype html") || start.starts_with("<html") {
        return Err("the answer is an HTML page (a maintenance page?), not data".into());
    }
    let said = |d: Diagnostic| d.message;
    let table = match wanted.format {
        Format::JsonStat => Some(crate::data::jsonstat::read(bytes, wanted.name, file, wanted.options).map_err(said)?),
        Format::Csv => Some(crate::data::csv::read(bytes, wanted.name, file, wanted.options).map_err(said)?),
        Format::Json => {
            serde_json::from_slice::<serde_json::Value>(bytes).map_err(|e| format!("not JSON: {e}"))?;
            None
        }
        Format::Yaml => {
            let text = std::str::from_utf8(bytes).map_err(|_| "not UTF-8 text".to_string())?;
            crate::yaml::to_json(text, crate::yaml::YamlSource::whole_file(file, text)).map_err(said)?;
            None
        }
    };
    if let Some(table) = &table
        && table.rows.iter().all(|r| r.cells.iter().all(|c| c.number().is_none()))
    {
        return Err("the dataset has no values".into());
    }
    Ok(table)
}

fn sha256(bytes: &[u8]) -> String {
    sha2::Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
