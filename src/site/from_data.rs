//! Pages from data: a section with `pages_from: { data, slug, title, template }` gets one
//! page per row of the table, in every language the section has. `{column}` in `slug` and
//! `title` is filled from the row; the slug is then made a slug. Two rows that make one
//! slug are an error naming both.

use std::collections::BTreeMap;

use super::model::{Body, DataRow, Doc, Kind, Meta};
use crate::content::{ContentFile, FileMeta, PagesFrom};
use crate::data::{Cell, DataSet, Table};
use crate::diag::{Diagnostic, Diagnostics, Location, suggest};
use crate::slug::slugify;
use crate::source::SourceTree;

/// The pages `sections` ask for; `files` are the content files, to find each section's spec.
pub fn pages(
    sections: &[Doc],
    files: &[ContentFile],
    data: &DataSet,
    tree: &SourceTree,
    diags: &mut Diagnostics,
) -> Vec<Doc> {
    let mut out = Vec::new();
    for section in sections.iter().filter(|d| d.is_section()) {
        let Some(file) = section.source.and_then(|s| files.iter().find(|f| f.source == s)) else { continue };
        let FileMeta::Section(meta) = &file.meta else { continue };
        let Some(spec) = &meta.pages_from else { continue };
        let source = tree.file(file.source);
        let at = || {
            let range = crate::yaml::locate_key(source.text(), &["pages_from"]).unwrap_or(0..0);
            Location::in_text(&source.display, source.text(), range)
        };
        let table = match data.table(&spec.data) {
            Ok(table) => table,
            Err(e) => {
                // Report once, at the section's own file, not for each language.
                if !section.is_fallback() {
                    diags.push(e.at(at()));
                }
                continue;
            }
        };
        match rows_to_pages(section, spec, table) {
            Ok(pages) => out.extend(pages),
            Err(d) if section.is_fallback() => drop(d),
            Err(d) => diags.push(d.at_if_unlocated(at())),
        }
    }
    out
}

fn rows_to_pages(section: &Doc, spec: &PagesFrom, table: &Table) -> Result<Vec<Doc>, Diagnostic> {
    let folder = section.own_folder.clone().unwrap_or_default();
    let prefix: String = folder.iter().map(|f| format!("{f}/")).collect();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut pages = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let title = fill(&spec.title, table, i)?;
        let slug = slugify(&fill(&spec.slug, table, i)?);
        if slug.is_empty() {
            return Err(Diagnostic::error(format!("the row `{}` makes an empty slug", row.label))
                .at(crate::diag::Location { line: row.line, ..Location::file(&table.file) })
                .hint("give the row a value with letters or digits in the slug's column"));
        }
        if let Some(first) = seen.insert(slug.clone(), i) {
            let first = &table.rows[first];
            return Err(Diagnostic::error(format!(
                "the rows `{}` (line {}) and `{}` (line {}) of {} both make the page `{slug}`",
                first.label, first.line, row.label, row.line, table.file
            ))
            .at(crate::diag::Location { line: row.line, ..Location::file(&table.file) })
            .hint("make the slug from a column whose values differ, like an id"));
        }
        pages.push(Doc {
            id: 0,
            key: format!("{prefix}{slug}.md"),
            lang: section.lang,
            text_lang: section.text_lang,
            source: section.source,
            body: Body::Empty,
            meta: Meta { title, template: spec.template.clone(), ..Meta::default() },
            kind: Kind::Page,
            slug,
            rel: String::new(),
            parent_folder: folder.clone(),
            own_folder: None,
            parent: None,
            translations: Vec::new(),
            row: Some(DataRow { table: table.name.clone(), row: i }),
        });
    }
    Ok(pages)
}

/// `"{stilling} i {kommune}"` with the row's values.
fn fill(template: &str, table: &Table, row: usize) -> Result<String, Diagnostic> {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('}').map(|e| start + e).ok_or_else(|| {
            Diagnostic::error(format!("`{template}` has a `{{` that is never closed")).hint("write {column}")
        })?;
        let column = rest[start + 1..end].trim();
        out.push_str(&value(table, row, column)?);
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn value(table: &Table, row: usize, column: &str) -> Result<String, Diagnostic> {
    if column == table.label_header {
        return Ok(table.rows[row].label.clone());
    }
    let c = table.column(column).map_err(|e| {
        let names = std::iter::once(table.label_header.as_str()).chain(table.columns.iter().map(|c| c.label.as_str()));
        Diagnostic::error(e.message).maybe_hint(suggest(column, names))
    })?;
    Ok(match table.cell(row, c) {
        Cell::Number(n) if n.fract() == 0.0 => format!("{}", *n as i64),
        Cell::Number(n) => n.to_string(),
        Cell::Text(t) => t.clone(),
        Cell::Missing(_) => String::new(),
    })
}
