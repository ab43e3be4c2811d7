//! What changed in a fetched table, cell by cell, as a person reviewing a pull request reads
//! it: `Lillehammer 2025: 28 425 → 28 601`, numbers in the site's default language.

use std::collections::{BTreeSet, HashMap};

use crate::data::{Cell, Table};
use crate::locale::LocaleFormat;

/// One line per cell that differs between `old` and `new` (added and removed rows and
/// columns included), in `new`'s order, then what `old` had alone.
pub fn cells(old: &Table, new: &Table, locale: &LocaleFormat) -> Vec<String> {
    let show = |cell: Option<&Cell>| match cell {
        None => "–".to_string(),
        Some(Cell::Number(n)) => locale.number(*n, None),
        Some(Cell::Missing(mark)) => {
            if mark.is_empty() {
                "..".to_string()
            } else {
                mark.clone()
            }
        }
        Some(Cell::Text(text)) => text.clone(),
    };
    let old_rows: HashMap<&str, usize> = old.rows.iter().enumerate().map(|(i, r)| (r.label.as_str(), i)).collect();
    let old_columns: HashMap<&str, usize> =
        old.columns.iter().enumerate().map(|(i, c)| (c.label.as_str(), i)).collect();
    let new_columns: BTreeSet<&str> = new.columns.iter().map(|c| c.label.as_str()).collect();
    let mut lines = Vec::new();
    let mut seen_rows = BTreeSet::new();
    for row in &new.rows {
        seen_rows.insert(row.label.as_str());
        let old_row = old_rows.get(row.label.as_str()).map(|i| &old.rows[*i]);
        for (column, cell) in new.columns.iter().zip(&row.cells) {
            let before = old_row.and_then(|r| old_columns.get(column.label.as_str()).map(|c| &r.cells[*c]));
            if before != Some(cell) {
                lines.push(format!("{} {}: {} → {}", row.label, column.label, show(before), show(Some(cell))));
            }
        }
        if let Some(old_row) = old_row {
            for (column, cell) in old.columns.iter().zip(&old_row.cells) {
                if !new_columns.contains(column.label.as_str()) {
                    lines.push(format!("{} {}: {} → –", row.label, column.label, show(Some(cell))));
                }
            }
        }
    }
    for row in old.rows.iter().filter(|r| !seen_rows.contains(r.label.as_str())) {
        for (column, cell) in old.columns.iter().zip(&row.cells) {
            lines.push(format!("{} {}: {} → –", row.label, column.label, show(Some(cell))));
        }
    }
    lines
}
