//! JSON-stat 2.0 datasets (Statistics Norway's API format), flattened into a table:
//!
//! - the columns are the categories of the time dimension (`role.time`, else the last
//!   dimension, or the `columns` option), in `category.index` order;
//! - the rows are every combination of the other dimensions that have more than one
//!   category, labelled with their category labels joined by ", ", with their codes too;
//! - `value` may be an array or a sparse object; `null` values are missing, marked with
//!   their `status` (`..` when there is none).
//!
//! The checks a schema cannot make (lengths of `id`, `size`, `value`, `status`, and index
//! positions) are errors pointing at the file.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;

use crate::config::DataOptions;
use crate::dates::Moment;
use crate::diag::{Diagnostic, Location, suggest};

use super::table::{Cell, Column, Row, Table};

#[derive(Deserialize)]
struct Dataset {
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    updated: Option<String>,
    id: Vec<String>,
    size: Vec<usize>,
    #[serde(default)]
    role: Role,
    dimension: BTreeMap<String, Dimension>,
    value: Values,
    #[serde(default)]
    status: Option<Status>,
    #[serde(default)]
    extension: Option<serde_json::Value>,
}

#[derive(Default, Deserialize)]
struct Role {
    #[serde(default)]
    time: Vec<String>,
}

#[derive(Deserialize)]
struct Dimension {
    #[serde(default)]
    label: Option<String>,
    category: Category,
}

#[derive(Deserialize)]
struct Category {
    #[serde(default)]
    index: Option<Index>,
    #[serde(default)]
    label: Option<IndexMap<String, String>>,
    #[serde(default)]
    unit: Option<BTreeMap<String, Unit>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Index {
    List(Vec<String>),
    Positions(BTreeMap<String, usize>),
}

#[derive(Deserialize)]
struct Unit {
    #[serde(default)]
    decimals: Option<u32>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Values {
    Dense(Vec<Option<serde_json::Value>>),
    Sparse(BTreeMap<String, Option<serde_json::Value>>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Status {
    All(String),
    Dense(Vec<Option<String>>),
    Sparse(BTreeMap<String, String>),
}

/// A dimension's categories in position order: (code, label).
struct Categories {
    id: String,
    label: String,
    items: Vec<(String, String)>,
}

pub fn read(bytes: &[u8], name: &str, file: &str, options: &DataOptions) -> Result<Table, Diagnostic> {
    let text = String::from_utf8_lossy(bytes);
    let at_file = || Location::file(file);
    let dataset: Dataset = serde_json::from_str(&text).map_err(|e| json_error(&e, file, &text))?;
    if dataset.id.len() != dataset.size.len() {
        return Err(Diagnostic::error(format!(
            "`id` names {} dimensions but `size` has {} numbers",
            dataset.id.len(),
            dataset.size.len()
        ))
        .at(at_file()));
    }
    let mut dims = Vec::new();
    for (id, size) in dataset.id.iter().zip(&dataset.size) {
        let dimension = dataset.dimension.get(id).ok_or_else(|| {
            Diagnostic::error(format!("`id` names the dimension `{id}`, which `dimension` lacks")).at(at_file())
        })?;
        let items =
            categories(dimension).map_err(|e| Diagnostic::error(format!("dimension `{id}`: {e}")).at(at_file()))?;
        if items.len() != *size {
            return Err(Diagnostic::error(format!(
                "dimension `{id}` has {} categories but `size` says {size}",
                items.len()
            ))
            .at(at_file()));
        }
        dims.push(Categories { id: id.clone(), label: dimension.label.clone().unwrap_or_else(|| id.clone()), items });
    }
    if dims.is_empty() {
        return Err(Diagnostic::error("the dataset has no dimensions").at(at_file()));
    }
    // A few bytes can declare billions of cells: refuse before anything is allocated.
    let total = dataset.size.iter().try_fold(1usize, |n, size| n.checked_mul(*size)).filter(|n| *n <= MAX_CELLS);
    let Some(total) = total else {
        let sizes = dataset.size.iter().map(usize::to_string).collect::<Vec<_>>().join(" × ");
        return Err(Diagnostic::error(format!(
            "the dataset declares {sizes} cells, more than the 1,000,000 a table may hold"
        ))
        .at(at_file())
        .hint("ask for fewer categories (a narrower query), or `filter` the dimensions you do not show"));
    };
    let values = Cells::of_values(&dataset.value, total).map_err(|e| Diagnostic::error(e).at(at_file()))?;
    let status = Cells::of_status(dataset.status.as_ref(), total).map_err(|e| Diagnostic::error(e).at(at_file()))?;

    // Which dimension makes the columns, which are fixed by `filter`, which make rows.
    let column_dim = match &options.columns {
        Some(id) => dims.iter().position(|d| &d.id == id).ok_or_else(|| {
            Diagnostic::error(format!("`columns: {id}` names no dimension of {file}"))
                .at(at_file())
                .maybe_hint(suggest(id, dims.iter().map(|d| d.id.as_str())))
        })?,
        None => dataset.role.time.first().and_then(|t| dims.iter().position(|d| &d.id == t)).unwrap_or(dims.len() - 1),
    };
    let mut fixed: BTreeMap<usize, usize> = BTreeMap::new();
    for (id, wanted) in &options.filter {
        let d = dims.iter().position(|d| &d.id == id).ok_or_else(|| {
            Diagnostic::error(format!("`filter` names `{id}`, which is no dimension of {file}"))
                .at(at_file())
                .maybe_hint(suggest(id, dims.iter().map(|d| d.id.as_str())))
        })?;
        let c = dims[d].items.iter().position(|(code, label)| code == wanted || label == wanted).ok_or_else(|| {
            Diagnostic::error(format!("the dimension `{id}` has no category `{wanted}`"))
                .at(at_file())
                .maybe_hint(suggest(wanted, dims[d].items.iter().map(|(_, l)| l.as_str())))
        })?;
        fixed.insert(d, c);
    }
    let row_dims: Vec<usize> =
        (0..dims.len()).filter(|d| *d != column_dim && !fixed.contains_key(d) && dims[*d].items.len() > 1).collect();

    let strides: Vec<usize> = (0..dims.len()).map(|d| dataset.size[d + 1..].iter().product()).collect();
    let row_count: usize = row_dims.iter().map(|d| dims[*d].items.len()).product();
    let mut rows = Vec::with_capacity(row_count);
    for r in 0..row_count {
        // Row-major over the row dimensions: the last varies fastest.
        let mut coords = vec![0usize; dims.len()];
        let mut rest = r;
        for d in row_dims.iter().rev() {
            let n = dims[*d].items.len();
            coords[*d] = rest % n;
            rest /= n;
        }
        for (d, c) in &fixed {
            coords[*d] = *c;
        }
        let label = join(row_dims.iter().map(|d| dims[*d].items[coords[*d]].1.as_str()));
        let code = join(row_dims.iter().map(|d| dims[*d].items[coords[*d]].0.as_str()));
        let cells = (0..dims[column_dim].items.len())
            .map(|c| {
                coords[column_dim] = c;
                let flat: usize = coords.iter().zip(&strides).map(|(i, s)| i * s).sum();
                match values.get(flat).and_then(|v| v.as_ref()).and_then(serde_json::Value::as_f64) {
                    Some(n) => Cell::Number(n),
                    None => Cell::Missing(status.get(flat).cloned().unwrap_or_else(|| "..".into())),
                }
            })
            .collect();
        rows.push(Row { label, code: Some(code), line: 1, cells });
    }
    let columns = dims[column_dim]
        .items
        .iter()
        .map(|(code, label)| Column { label: label.clone(), code: Some(code.clone()) })
        .collect();
    let label_header = if row_dims.is_empty() {
        dims[column_dim].label.clone()
    } else {
        join(row_dims.iter().map(|d| dims[*d].label.as_str()))
    };
    let mut table = Table::new(name, file, label_header, columns, rows);
    table.title = dataset.label.clone();
    table.provenance.source = dataset.source.clone();
    table.provenance.as_of = dataset.updated.as_deref().and_then(|u| u.parse::<Moment>().ok());
    table.provenance.decimals = decimals(&dataset);
    Ok(table)
}

fn join<'a>(parts: impl Iterator<Item = &'a str>) -> String {
    parts.collect::<Vec<_>>().join(", ")
}

fn categories(dimension: &Dimension) -> Result<Vec<(String, String)>, String> {
    let labels = dimension.category.label.clone().unwrap_or_default();
    let codes: Vec<String> = match &dimension.category.index {
        Some(Index::List(codes)) => codes.clone(),
        Some(Index::Positions(positions)) => {
            // Sort by position, never by key order (SSB's keys are not always in order).
            let mut pairs: Vec<(&String, &usize)> = positions.iter().collect();
            pairs.sort_by_key(|(_, p)| **p);
            if pairs.iter().enumerate().any(|(i, (_, p))| i != **p) {
                return Err("`category.index` positions must be 0, 1, 2, … without gaps".into());
            }
            pairs.into_iter().map(|(c, _)| c.clone()).collect()
        }
        None if !labels.is_empty() => labels.keys().cloned().collect(),
        None => return Err("a category needs an `index` or a `label`".into()),
    };
    Ok(codes
        .into_iter()
        .map(|code| {
            let label = labels.get(&code).cloned().unwrap_or_else(|| code.clone());
            (code, label)
        })
        .collect())
}

/// The most cells a JSON-stat dataset may declare (documented in docs/site-format.md).
pub const MAX_CELLS: usize = 1_000_000;

/// A dataset's values or statuses by flat position, as the file holds them: a dense list,
/// one value for all, or a sparse map, which stays sparse.
enum Cells<'a, T> {
    Dense(&'a [T]),
    All(&'a T),
    Sparse(BTreeMap<usize, &'a T>),
    None,
}

impl<'a, T> Cells<'a, T> {
    fn get(&self, flat: usize) -> Option<&'a T> {
        match self {
            Cells::Dense(list) => list.get(flat),
            Cells::All(one) => Some(*one),
            Cells::Sparse(map) => map.get(&flat).copied(),
            Cells::None => None,
        }
    }

    /// A sparse map's positions, each checked to lie within `total`.
    fn sparse(map: &'a BTreeMap<String, T>, total: usize, what: &str) -> Result<Cells<'a, T>, String> {
        let mut out = BTreeMap::new();
        for (key, v) in map {
            let i: usize = key.parse().map_err(|_| format!("`{what}` has the key `{key}`, which is not a position"))?;
            if i >= total {
                return Err(format!("`{what}` has the position {i}, past the last ({})", total.saturating_sub(1)));
            }
            out.insert(i, v);
        }
        Ok(Cells::Sparse(out))
    }
}

impl<'a> Cells<'a, Option<serde_json::Value>> {
    fn of_values(values: &'a Values, total: usize) -> Result<Self, String> {
        match values {
            Values::Dense(list) if list.len() == total => Ok(Cells::Dense(list)),
            Values::Dense(list) => Err(format!("`value` has {} numbers but the dimensions make {total}", list.len())),
            Values::Sparse(map) => Cells::sparse(map, total, "value"),
        }
    }
}

impl<'a> Cells<'a, String> {
    fn of_status(status: Option<&'a Status>, total: usize) -> Result<Self, String> {
        match status {
            None => Ok(Cells::None),
            Some(Status::All(s)) => Ok(Cells::All(s)),
            Some(Status::Dense(list)) if list.len() == total => {
                Ok(Cells::Sparse(list.iter().enumerate().filter_map(|(i, s)| s.as_ref().map(|s| (i, s))).collect()))
            }
            Some(Status::Dense(list)) => {
                Err(format!("`status` has {} entries but the dimensions make {total}", list.len()))
            }
            Some(Status::Sparse(map)) => Cells::sparse(map, total, "status"),
        }
    }
}

/// The decimals of the metric, when the dataset has one unit (or SSB's extension says).
fn decimals(dataset: &Dataset) -> Option<u32> {
    let from_units: Vec<u32> = dataset
        .dimension
        .values()
        .filter_map(|d| d.category.unit.as_ref())
        .flat_map(|units| units.values().filter_map(|u| u.decimals))
        .collect();
    match from_units.as_slice() {
        [one] => Some(*one),
        _ => dataset
            .extension
            .as_ref()
            .and_then(|e| e.pointer("/px/decimals"))
            .and_then(|d| d.as_u64())
            .map(|d| d as u32),
    }
}

fn json_error(error: &serde_json::Error, file: &str, text: &str) -> Diagnostic {
    let line_start: usize = text.split_inclusive('\n').take(error.line().saturating_sub(1)).map(str::len).sum();
    let at = (line_start + error.column().saturating_sub(1)).min(text.len());
    let message = error.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_string();
    Diagnostic::error(format!("not a JSON-stat dataset: {message}")).at(Location::in_text(file, text, at..at + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = r#"{
      "version": "2.0", "class": "dataset", "label": "Test", "source": "SSB",
      "updated": "2024-01-12T07:00:00Z",
      "id": ["Region", "Tid"], "size": [2, 3], "role": {"time": ["Tid"]},
      "dimension": {
        "Region": {"label": "region", "category": {"index": {"0501": 1, "0301": 0}, "label": {"0301": "Oslo", "0501": "Lillehammer"}}},
        "Tid": {"label": "år", "category": {"index": ["2021", "2022", "2023"]}}
      },
      "value": {"0": 1.5, "2": 3, "4": 10},
      "status": {"1": ".."}
    }"#;

    #[test]
    fn sparse_values_fill_in_position_order() {
        let t = read(SMALL.as_bytes(), "t", "data/t.json", &DataOptions::default()).expect("valid");
        assert_eq!(t.rows.iter().map(|r| r.label.as_str()).collect::<Vec<_>>(), ["Oslo", "Lillehammer"]);
        assert_eq!(t.rows[0].cells, [Cell::Number(1.5), Cell::Missing("..".into()), Cell::Number(3.0)]);
        assert_eq!(t.rows[1].cells, [Cell::Missing("..".into()), Cell::Number(10.0), Cell::Missing("..".into())]);
        assert_eq!(t.row("0501"), Ok(1));
        assert_eq!(t.column("2022"), Ok(1));
        assert_eq!(t.provenance.as_of.as_ref().map(|m| m.as_str()), Some("2024-01-12T07:00:00Z"));
    }

    #[test]
    fn lengths_that_disagree_are_errors() {
        let bad = SMALL.replace(r#""size": [2, 3]"#, r#""size": [2, 4]"#);
        let d = read(bad.as_bytes(), "t", "data/t.json", &DataOptions::default()).expect_err("size");
        assert_eq!(d.message, "dimension `Tid` has 3 categories but `size` says 4");
        let dense = SMALL.replace(r#"{"0": 1.5, "2": 3, "4": 10}"#, "[1, 2]");
        let d = read(dense.as_bytes(), "t", "data/t.json", &DataOptions::default()).expect_err("length");
        assert_eq!(d.message, "`value` has 2 numbers but the dimensions make 6");
    }
}
