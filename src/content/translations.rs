//! Translations that cannot drift apart: what does not depend on language is written once,
//! in the default language's page. A translation that leaves out `date`, `publish_date`,
//! `expiry_date`, `weight`, `image`, or a key of `job:` or `event:` takes it from there; one
//! that sets such a key differently is reported at it (an error for dates and deadlines, a
//! warning otherwise), except for names and addresses a translation may translate (a job's
//! `employer`, `location` and `apply_url`, an event's `location`). Then every page's `job:`
//! and `event:` must be complete.

use std::collections::BTreeSet;
use std::fmt::Debug;

use serde::Serialize;

use super::file::{ContentFile, FileMeta};
use super::front_matter::{EventFields, JobFields, PageMeta};
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::source::SourceTree;

/// Fills in what each translation leaves out, reports what it sets differently, and
/// completes every page's job and event; a page whose job or event lacks a key is left
/// out, its key added to `broken`. `files` are sorted by (key, language).
pub fn settle(
    mut files: Vec<ContentFile>,
    tree: &SourceTree,
    diags: &mut Diagnostics,
    broken: &mut BTreeSet<String>,
) -> Vec<ContentFile> {
    let mut group_start = 0;
    // Whether a file took its whole `job:` or `event:` from its original, whose own mistakes
    // in it are reported there.
    let mut took_whole = vec![false; files.len()];
    for i in 0..files.len() {
        if files[i].key != files[group_start].key {
            group_start = i;
        }
        let (before, rest) = files.split_at_mut(i);
        let translation = &mut rest[0];
        let original = &before.get(group_start).filter(|f| f.lang == 0);
        if let (FileMeta::Page(meta), Some(original)) = (&mut translation.meta, original)
            && let FileMeta::Page(original_meta) = &original.meta
        {
            let source = tree.file(translation.source);
            let original_file = &tree.file(original.source).display;
            let mut compare = Compare { text: source.text(), file: &source.display, original: original_file, diags };
            took_whole[i] = (meta.job_written.is_none() && original_meta.job_written.is_some())
                || (meta.event_written.is_none() && original_meta.event_written.is_some());
            inherit(meta, original_meta, &mut compare);
        }
    }
    let mut took_whole = took_whole.into_iter();
    files.retain_mut(|file| {
        let took_whole = took_whole.next().unwrap_or(false);
        let FileMeta::Page(meta) = &mut file.meta else { return true };
        match complete(meta, tree.file(file.source), file.lang != 0) {
            Ok(()) => true,
            Err(d) => {
                if !took_whole {
                    diags.push(d);
                }
                broken.insert(file.key.clone());
                false
            }
        }
    });
    files
}

/// How a translation's value is told apart from its original's.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Drift {
    /// A date or deadline: a difference is an error.
    Error,
    Warning,
}

struct Compare<'a> {
    /// The translation's whole file, and its name.
    text: &'a str,
    file: &'a str,
    /// The default-language page's file.
    original: &'a str,
    diags: &'a mut Diagnostics,
}

impl Compare<'_> {
    /// `own` left out takes `original`'s value; set differently, it is reported at `path`.
    fn field<T: Clone + PartialEq + Serialize + Debug>(
        &mut self,
        path: &[&str],
        own: &mut Option<T>,
        original: &Option<T>,
        drift: Drift,
    ) {
        match (own.as_ref(), original) {
            (None, Some(value)) => *own = Some(value.clone()),
            (Some(mine), Some(theirs)) if mine != theirs => {
                let name = path.join(".");
                let message = format!(
                    "`{name}` is {} here but {} in {}, the default language's page",
                    shown(mine),
                    shown(theirs),
                    self.original
                );
                let d = match drift {
                    Drift::Error => Diagnostic::error(message),
                    Drift::Warning => Diagnostic::warning(message),
                };
                let range = crate::yaml::locate_key(self.text, path).unwrap_or(0..0);
                self.diags.push(d.at(Location::in_text(self.file, self.text, range)).hint(format!(
                    "leave `{}` out of the translation: it then takes the default language's, and the two cannot differ",
                    path.last().copied().unwrap_or_default()
                )));
            }
            _ => {}
        }
    }
}

/// A value as the author writes it in YAML.
fn shown<T: Serialize + Debug>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(text)) => text,
        Ok(other) => other.to_string(),
        Err(_) => format!("{value:?}"),
    }
}

fn inherit(meta: &mut PageMeta, original: &PageMeta, compare: &mut Compare) {
    compare.field(&["date"], &mut meta.date, &original.date, Drift::Error);
    compare.field(&["expiry_date"], &mut meta.expiry_date, &original.expiry_date, Drift::Error);
    compare.field(&["publish_date"], &mut meta.publish_date, &original.publish_date, Drift::Warning);
    compare.field(&["weight"], &mut meta.weight, &original.weight, Drift::Warning);
    compare.field(&["image"], &mut meta.image, &original.image, Drift::Warning);
    if let Some(theirs) = &original.job_written {
        let mine = meta.job_written.get_or_insert_with(JobFields::default);
        // The employer's and the place's names may be translated, and the address to apply
        // to may ask in the reader's language: taken when left out only.
        mine.employer = mine.employer.take().or_else(|| theirs.employer.clone());
        mine.location = mine.location.take().or_else(|| theirs.location.clone());
        mine.apply_url = mine.apply_url.take().or_else(|| theirs.apply_url.clone());
        let job = |key| ["job", key];
        compare.field(&job("valid_through"), &mut mine.valid_through, &theirs.valid_through, Drift::Error);
        compare.field(&job("employment_type"), &mut mine.employment_type, &theirs.employment_type, Drift::Warning);
        compare.field(&job("salary"), &mut mine.salary, &theirs.salary, Drift::Warning);
    }
    if let Some(theirs) = &original.event_written {
        let mine = meta.event_written.get_or_insert_with(EventFields::default);
        mine.location = mine.location.take().or_else(|| theirs.location.clone());
        compare.field(&["event", "start"], &mut mine.start, &theirs.start, Drift::Error);
        compare.field(&["event", "end"], &mut mine.end, &theirs.end, Drift::Error);
        compare.field(&["event", "url"], &mut mine.url, &theirs.url, Drift::Warning);
    }
}

/// The page's job and event from what it writes (and took), or an error at the first that
/// lacks a key.
fn complete(meta: &mut PageMeta, file: &crate::source::SourceFile, is_translation: bool) -> Result<(), Diagnostic> {
    let lacking = |key: &str, missing: Vec<&str>| {
        let list: Vec<String> = missing.iter().map(|k| format!("`{k}`")).collect();
        let range = crate::yaml::locate_key(file.text(), &[key]).unwrap_or(0..0);
        let add = format!("add `{}: …` under `{key}:`", missing[0]);
        let hint = match is_translation {
            true => format!("{add}, here or in the default language's page, which translations take it from"),
            false => add,
        };
        Diagnostic::error(format!("`{key}` has no {}", list.join(", ")))
            .at(Location::in_text(&file.display, file.text(), range))
            .hint(hint)
    };
    if let Some(written) = meta.job_written.take() {
        meta.job = Some(written.complete().map_err(|missing| lacking("job", missing))?);
    }
    if let Some(written) = meta.event_written.take() {
        meta.event = Some(written.complete().map_err(|missing| lacking("event", missing))?);
    }
    Ok(())
}
