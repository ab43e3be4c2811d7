//! YAML and JSON data: a list of records (maps) is a table — columns from the keys in the
//! order they first appear, rows labelled by the first key's value; anything else is plain
//! data for templates.

use serde_json::Value;

use super::table::{Cell, Column, Row, Table, leading_code};

/// A table when `value` is a non-empty list of maps, else `None`.
pub fn table(value: &Value, name: &str, file: &str, text: &str) -> Option<Table> {
    let items = value.as_array()?;
    if items.is_empty() || !items.iter().all(Value::is_object) {
        return None;
    }
    let mut keys: Vec<String> = Vec::new();
    for item in items {
        for key in item.as_object()?.keys() {
            if !keys.contains(key) {
                keys.push(key.clone());
            }
        }
    }
    let (label_key, value_keys) = keys.split_first()?;
    let lines = item_lines(text, items.len());
    let rows = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let label = item.get(label_key).map(text_of).unwrap_or_default();
            Row {
                code: leading_code(&label),
                line: lines.get(i).copied().unwrap_or(1),
                cells: value_keys.iter().map(|k| cell(item.get(k))).collect(),
                label,
            }
        })
        .collect();
    let columns = value_keys.iter().map(|k| Column { label: k.clone(), code: None }).collect();
    Some(Table::new(name, file, label_key.clone(), columns, rows))
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn cell(value: Option<&Value>) -> Cell {
    match value {
        None | Some(Value::Null) => Cell::Missing(String::new()),
        Some(Value::Number(n)) => n.as_f64().map_or(Cell::Missing(String::new()), Cell::Number),
        Some(Value::String(s)) if super::csv::MISSING_MARKS.contains(&s.trim()) => Cell::Missing(s.trim().to_string()),
        Some(other) => Cell::Text(text_of(other)),
    }
}

/// The line each top-level list item starts on: YAML `- ` at the start of a line, JSON `{`
/// at the first level. Best effort; 1 when the layout is unusual.
fn item_lines(text: &str, count: usize) -> Vec<u32> {
    let mut lines = Vec::with_capacity(count);
    let mut depth = 0i32;
    let mut in_string = false;
    let mut escaped = false;
    let is_json = text.trim_start().starts_with('[');
    for (n, line) in text.lines().enumerate() {
        if !is_json {
            if line.starts_with("- ") || line == "-" {
                lines.push(n as u32 + 1);
            }
            continue;
        }
        for c in line.chars() {
            match c {
                _ if escaped => escaped = false,
                '\\' if in_string => escaped = true,
                '"' => in_string = !in_string,
                '[' | '{' if !in_string => {
                    if c == '{' && depth == 1 {
                        lines.push(n as u32 + 1);
                    }
                    depth += 1;
                }
                ']' | '}' if !in_string => depth -= 1,
                _ => {}
            }
        }
    }
    if lines.len() == count { lines } else { Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_of_records_are_tables() {
        let text = "- stilling: Sykepleier\n  kommune: Øyer\n  lonn: 520000\n- stilling: Lege\n  lonn: ..\n";
        let value = crate::yaml::to_json(text, crate::yaml::YamlSource::whole_file("f", text)).expect("yaml");
        let t = table(&value, "jobber", "data/jobber.yaml", text).expect("a table");
        assert_eq!(t.label_header, "stilling");
        assert_eq!(t.columns.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(), ["kommune", "lonn"]);
        assert_eq!(t.rows[0].cells, [Cell::Text("Øyer".into()), Cell::Number(520000.0)]);
        assert_eq!(t.rows[1].cells, [Cell::Missing(String::new()), Cell::Missing("..".into())]);
        assert_eq!(t.rows[1].line, 4);
    }

    #[test]
    fn json_rows_know_their_lines_and_other_data_is_not_a_table() {
        let text = "[\n  {\"a\": \"x\", \"b\": 1},\n  {\"a\": \"y\", \"b\": 2}\n]\n";
        let value: Value = serde_json::from_str(text).expect("json");
        let t = table(&value, "t", "data/t.json", text).expect("a table");
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
        assert!(table(&serde_json::json!({"a": 1}), "t", "f", "").is_none());
        assert!(table(&serde_json::json!([1, 2]), "t", "f", "").is_none());
    }
}
