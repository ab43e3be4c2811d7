//! The table model every data format is read into, and the one lookup path that
//! shortcodes and template functions share (so a missing row reads the same everywhere).

use std::collections::HashMap;

use serde::Serialize;

use crate::dates::Moment;
use crate::diag::{Diagnostic, suggest};

/// One value of a table.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Number(f64),
    /// A missing value, with the mark the file used (`..`, `.`, `:`, `-`, or empty).
    Missing(String),
    Text(String),
}

impl Cell {
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Number(n) => Some(*n),
            _ => None,
        }
    }

    /// The value for templates: numbers stay numbers, missing values are none.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Cell::Number(n) => serde_json::Number::from_f64(*n)
                .map(|n| {
                    // Whole numbers as integers, so templates print 27028, not 27028.0.
                    if n.as_f64().is_some_and(|f| f.fract() == 0.0 && f.abs() < 9e15) {
                        serde_json::Value::from(n.as_f64().unwrap_or_default() as i64)
                    } else {
                        serde_json::Value::Number(n)
                    }
                })
                .unwrap_or(serde_json::Value::Null),
            Cell::Missing(_) => serde_json::Value::Null,
            Cell::Text(t) => serde_json::Value::String(t.clone()),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Column {
    pub label: String,
    /// A code as well as the label (JSON-stat categories).
    pub code: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub label: String,
    pub code: Option<String>,
    /// Line in the data file where the row is (1 when the format does not say).
    pub line: u32,
    pub cells: Vec<Cell>,
}

/// Where the numbers come from, for citations and age checks.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Provenance {
    pub source: Option<String>,
    pub source_url: Option<String>,
    pub as_of: Option<Moment>,
    pub unit: Option<String>,
    pub max_age_days: Option<u32>,
    /// Decimals to show when a shortcode does not say (JSON-stat units carry them).
    pub decimals: Option<u32>,
    /// Labels as shown in other languages, by language key.
    #[serde(skip)]
    pub labels: std::collections::BTreeMap<String, std::collections::BTreeMap<String, String>>,
    /// Whether rows are shown without the code their label starts with.
    #[serde(skip)]
    pub hide_codes: bool,
}

#[derive(Clone, Debug)]
pub struct Table {
    pub name: String,
    /// The data file, as shown to authors: `data/ssb/befolkning.csv`.
    pub file: String,
    pub title: Option<String>,
    /// The header of the label column.
    pub label_header: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub provenance: Provenance,
    rows_by_key: HashMap<String, usize>,
    columns_by_key: HashMap<String, usize>,
}

impl Table {
    pub fn new(name: &str, file: &str, label_header: String, columns: Vec<Column>, rows: Vec<Row>) -> Table {
        let mut rows_by_key = HashMap::new();
        for (i, row) in rows.iter().enumerate().rev() {
            rows_by_key.insert(row.label.clone(), i);
            if let Some(code) = &row.code {
                rows_by_key.entry(code.clone()).or_insert(i);
            }
        }
        let mut columns_by_key = HashMap::new();
        for (i, column) in columns.iter().enumerate().rev() {
            columns_by_key.insert(column.label.clone(), i);
            if let Some(code) = &column.code {
                columns_by_key.entry(code.clone()).or_insert(i);
            }
        }
        Table {
            name: name.to_string(),
            file: file.to_string(),
            title: None,
            label_header,
            columns,
            rows,
            provenance: Provenance::default(),
            rows_by_key,
            columns_by_key,
        }
    }

    /// A row by its label or code; the error names the nearest labels.
    pub fn row(&self, key: &str) -> Result<usize, Diagnostic> {
        self.rows_by_key.get(key.trim()).copied().ok_or_else(|| {
            let labels = self.rows.iter().map(|r| r.label.as_str());
            Diagnostic::error(format!("the table `{}` has no row `{key}`", self.name))
                .hint(suggest(key, labels).unwrap_or_else(|| "check the first column of the data file".into()))
        })
    }

    /// A column by its header or code.
    pub fn column(&self, key: &str) -> Result<usize, Diagnostic> {
        self.columns_by_key.get(key.trim()).copied().ok_or_else(|| {
            let labels = self.columns.iter().map(|c| c.label.as_str());
            let digits = |text: &str| !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
            // A year the data does not have is no misspelling of the year next to it.
            let years = match (self.columns.first(), self.columns.last()) {
                (Some(first), Some(last)) if digits(key.trim()) && labels.clone().all(digits) => {
                    Some(format!("the table's columns run from `{}` to `{}`", first.label, last.label))
                }
                _ => None,
            };
            Diagnostic::error(format!("the table `{}` has no column `{key}`", self.name)).hint(
                years
                    .or_else(|| suggest(key, labels))
                    .unwrap_or_else(|| "check the header row of the data file".into()),
            )
        })
    }

    /// A row label or column header as shown in `lang` (the data's own words otherwise).
    pub fn label<'a>(&'a self, text: &'a str, lang: &str) -> &'a str {
        self.provenance.labels.get(lang).and_then(|l| l.get(text)).map_or(text, String::as_str)
    }

    /// A row's label as shown in `lang`: translated by `labels`, else without its code
    /// when the table hides codes (`0501 Lillehammer` → `Lillehammer`).
    pub fn row_label(&self, row: usize, lang: &str) -> &str {
        let Row { label, code, .. } = &self.rows[row];
        if let Some(translated) = self.provenance.labels.get(lang).and_then(|l| l.get(label)) {
            return translated;
        }
        match code {
            Some(code) if self.provenance.hide_codes => {
                label.strip_prefix(code.as_str()).map(str::trim_start).filter(|rest| !rest.is_empty()).unwrap_or(label)
            }
            _ => label,
        }
    }

    pub fn cell(&self, row: usize, column: usize) -> &Cell {
        &self.rows[row].cells[column]
    }

    /// The table for templates: columns, rows with their cells by column, provenance.
    pub fn to_json(&self) -> serde_json::Value {
        let rows: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                let mut cells = serde_json::Map::new();
                for (column, cell) in self.columns.iter().zip(&row.cells) {
                    cells.insert(column.label.clone(), cell.to_json());
                }
                serde_json::json!({ "label": row.label, "code": row.code, "cells": cells })
            })
            .collect();
        serde_json::json!({
            "name": self.name,
            "title": self.title,
            "label_header": self.label_header,
            "columns": self.columns,
            "rows": rows,
            "source": self.provenance.source,
            "source_url": self.provenance.source_url,
            "as_of": self.provenance.as_of,
            "unit": self.provenance.unit,
        })
    }

    /// A row as `page.row` sees it: every column (the label column too) by header.
    pub fn row_json(&self, row: usize) -> serde_json::Value {
        let row = &self.rows[row];
        let mut map = serde_json::Map::new();
        map.insert(self.label_header.clone(), serde_json::Value::String(row.label.clone()));
        for (column, cell) in self.columns.iter().zip(&row.cells) {
            map.insert(column.label.clone(), cell.to_json());
        }
        serde_json::Value::Object(map)
    }
}

/// SSB labels start with a code: `0501 Lillehammer` → `0501`, `K-3405 Lillehammer` → `K-3405`.
pub fn leading_code(label: &str) -> Option<String> {
    let (first, rest) = label.split_once(' ')?;
    let digits = first.strip_prefix("K-").unwrap_or(first);
    (!rest.trim().is_empty() && !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit()))
        .then(|| first.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> Table {
        let columns = vec![Column { label: "2000".into(), code: None }, Column { label: "2013".into(), code: None }];
        let rows = vec![
            Row {
                label: "0501 Lillehammer".into(),
                code: leading_code("0501 Lillehammer"),
                line: 2,
                cells: vec![Cell::Number(24724.0), Cell::Number(27028.0)],
            },
            Row {
                label: "0521 Øyer".into(),
                code: Some("0521".into()),
                line: 3,
                cells: vec![Cell::Number(4859.0), Cell::Missing("..".into())],
            },
        ];
        Table::new("befolkning", "data/befolkning.csv", "region".into(), columns, rows)
    }

    #[test]
    fn rows_by_label_or_code_columns_by_header() {
        let t = table();
        assert_eq!(t.row("0501 Lillehammer"), Ok(0));
        assert_eq!(t.row("0521"), Ok(1));
        assert_eq!(t.column("2013"), Ok(1));
        assert_eq!(t.cell(1, 1), &Cell::Missing("..".into()));
    }

    #[test]
    fn misses_name_the_nearest() {
        let t = table();
        let e = t.row("0501 Lilehammer").expect_err("typo");
        assert_eq!(e.message, "the table `befolkning` has no row `0501 Lilehammer`");
        assert_eq!(e.hint.as_deref(), Some("did you mean `0501 Lillehammer`?"));
        // A year the table lacks is told the years it has, not the one a digit away.
        let e = t.column("2031").expect_err("not there");
        assert_eq!(e.hint.as_deref(), Some("the table's columns run from `2000` to `2013`"));
        let e = t.column("20l3").expect_err("typo");
        assert_eq!(e.hint.as_deref(), Some("did you mean `2013`?"));
    }

    #[test]
    fn hidden_codes_leave_the_name_and_labels_translate_first() {
        let mut t = table();
        t.provenance.hide_codes = true;
        t.provenance.labels.insert("en".into(), [("0521 Øyer".to_string(), "Øyer municipality".to_string())].into());
        assert_eq!(t.row_label(t.row("0501").expect("row"), "nb"), "Lillehammer");
        assert_eq!(t.row_label(t.row("0521").expect("row"), "en"), "Øyer municipality");
        assert_eq!(t.row_label(t.row("0521").expect("row"), "nb"), "Øyer");
        t.provenance.hide_codes = false;
        assert_eq!(t.row_label(t.row("0501").expect("row"), "nb"), "0501 Lillehammer");
    }

    #[test]
    fn codes_come_from_ssb_labels() {
        assert_eq!(leading_code("0501 Lillehammer").as_deref(), Some("0501"));
        assert_eq!(leading_code("K-3405 Lillehammer").as_deref(), Some("K-3405"));
        assert_eq!(leading_code("Lillehammerregionen"), None);
        assert_eq!(leading_code("2024 "), None);
    }
}
