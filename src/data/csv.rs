//! CSV and TSV, including Statistics Norway's dialects.
//!
//! 1. Text: UTF-8 (a BOM is dropped), else Windows-1252 — or the `encoding` option.
//! 2. Delimiter: `;`, tab or `,`, whichever the header line has most of — or `delimiter`.
//! 3. Decimal mark: `,` with `;`, else `.` — or `decimal`. Spaces, no-break spaces and thin
//!    spaces inside numbers are thousands separators; `−` is a minus.
//! 4. `..`, `...`, `.`, `:`, `-` and empty cells are missing values.
//! 5. Shape: wide (first column labels the rows, the header names the columns), or long
//!    when `rows` and `columns` name two fields (SSB's one value per line), pivoted.

use std::collections::HashMap;

use crate::config::DataOptions;
use crate::diag::{Diagnostic, Location, suggest};

use super::table::{Cell, Column, Row, Table, leading_code};

pub const MISSING_MARKS: [&str; 6] = ["", "..", "...", ".", ":", "-"];

pub fn read(bytes: &[u8], name: &str, file: &str, options: &DataOptions) -> Result<Table, Diagnostic> {
    let text = decode(bytes, options.encoding.as_deref()).map_err(|d| d.at(Location::file(file)))?;
    let delimiter = match options.delimiter.as_deref() {
        Some("\\t") | Some("tab") => b'\t',
        Some(d) if d.len() == 1 => d.as_bytes()[0],
        Some(d) => {
            return Err(Diagnostic::error(format!("the delimiter `{d}` must be one character"))
                .at(Location::file(file))
                .hint("use \";\", \",\" or tab"));
        }
        None => sniff_delimiter(&text),
    };
    let decimal = match options.decimal.as_deref() {
        Some(",") => ',',
        Some(".") => '.',
        Some(other) => {
            return Err(Diagnostic::error(format!("the decimal mark `{other}` must be \",\" or \".\""))
                .at(Location::file(file)));
        }
        None if delimiter == b';' => ',',
        None => '.',
    };
    let records = records(&text, delimiter, file)?;
    let Some((header, body)) = records.split_first() else {
        return Err(Diagnostic::error(format!("{file} is empty"))
            .at(Location::file(file))
            .hint("the first line must name the columns"));
    };
    match (&options.rows, &options.columns) {
        (Some(rows), Some(columns)) => long(name, file, &text, header, body, rows, columns, options, decimal),
        (None, None) => Ok(wide(name, file, header, body, decimal)),
        _ => Err(Diagnostic::error("a long table needs both `rows` and `columns`")
            .at(Location::file(file))
            .hint("name the field that labels the rows and the one that labels the columns")),
    }
}

/// The text of a data file: UTF-8 without its BOM, or Windows-1252 when the bytes are not
/// UTF-8; or in the encoding named (any WHATWG label: `windows-1252`, `latin1`, `utf-16le`).
pub fn decode(bytes: &[u8], encoding: Option<&str>) -> Result<String, Diagnostic> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Some(label) = encoding else {
        return Ok(match std::str::from_utf8(bytes) {
            Ok(text) => text.to_string(),
            Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
        });
    };
    let Some(encoding) = encoding_rs::Encoding::for_label(label.trim().as_bytes()) else {
        return Err(Diagnostic::error(format!("unknown encoding `{label}`")).hint("use utf-8 or windows-1252"));
    };
    if encoding == encoding_rs::UTF_8 {
        return std::str::from_utf8(bytes).map(str::to_string).map_err(|e| {
            Diagnostic::error(format!("the file is not UTF-8: {e}")).hint("save it as UTF-8, or name its encoding")
        });
    }
    Ok(encoding.decode_without_bom_handling(bytes).0.into_owned())
}

/// The delimiter the header line uses most, outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().next().unwrap_or("");
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0)];
    let mut quoted = false;
    for c in header.bytes() {
        if c == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for (d, n) in &mut counts {
                if c == *d {
                    *n += 1;
                }
            }
        }
    }
    counts.iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b',', |(d, _)| *d)
}

struct Record {
    line: u32,
    fields: Vec<String>,
}

fn records(text: &str, delimiter: u8, file: &str) -> Result<Vec<Record>, Diagnostic> {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut lines = LineCounter::default();
    for result in reader.records() {
        match result {
            Ok(record) => {
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let line = record.position().map_or(1, |p| lines.line_at(text, p.byte() as usize));
                out.push(Record { line, fields: record.iter().map(str::to_string).collect() });
            }
            Err(e) => {
                let line = e.position().map_or(1, |p| lines.line_at(text, p.byte() as usize) as usize);
                let message = match e.kind() {
                    csv::ErrorKind::UnequalLengths { expected_len, len, .. } => {
                        format!(
                            "this line has {}, the header has {expected_len}",
                            crate::diag::count(*len as usize, "field", "fields")
                        )
                    }
                    _ => format!("this line cannot be read: {e}"),
                };
                return Err(Diagnostic::error(message)
                    .at(line_location(file, text, line))
                    .hint("every line needs as many fields as the header; quote fields that contain the delimiter"));
            }
        }
    }
    Ok(out)
}

/// Line numbers from byte offsets. (The csv crate's own line count is one short after a
/// CRLF line end, and Windows exports use CRLF.)
#[derive(Default)]
struct LineCounter {
    byte: usize,
    newlines: usize,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, byte: usize) -> u32 {
        let bytes = text.as_bytes();
        let mut start = byte.min(bytes.len());
        // A record's position may be at the end of the previous line.
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        if start >= self.byte {
            self.newlines += bytes[self.byte..start].iter().filter(|b| **b == b'\n').count();
            self.byte = start;
        }
        self.newlines as u32 + 1
    }
}

pub fn line_location(file: &str, text: &str, line: usize) -> Location {
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1)).map(str::len).sum();
    let end = text[start.min(text.len())..].find('\n').map_or(text.len(), |i| start + i);
    Location::in_text(file, text, start.min(text.len())..end)
}

/// A cell's value: a number (with `decimal` as its decimal mark), a missing mark, or text.
pub fn parse_cell(raw: &str, decimal: char) -> Cell {
    let trimmed = raw.trim();
    if MISSING_MARKS.contains(&trimmed) || trimmed == "…" {
        return Cell::Missing(trimmed.to_string());
    }
    parse_number(trimmed, decimal).map(Cell::Number).unwrap_or_else(|| Cell::Text(trimmed.to_string()))
}

pub fn parse_number(text: &str, decimal: char) -> Option<f64> {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' => {}
            '\u{2212}' => cleaned.push('-'),
            c if c == decimal => cleaned.push('.'),
            c if c.is_ascii_digit() || c == '-' || c == '+' => cleaned.push(c),
            _ => return None,
        }
    }
    if cleaned.is_empty() || cleaned.matches('.').count() > 1 || !cleaned.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn wide(name: &str, file: &str, header: &Record, body: &[Record], decimal: char) -> Table {
    let label_header = header.fields.first().cloned().unwrap_or_default();
    let columns: Vec<Column> =
        header.fields[1..].iter().map(|h| Column { label: h.trim().to_string(), code: None }).collect();
    let rows = body
        .iter()
        .map(|record| {
            let label = record.fields.first().map(|l| l.trim().to_string()).unwrap_or_default();
            Row {
                code: leading_code(&label),
                label,
                line: record.line,
                cells: record.fields[1..].iter().map(|c| parse_cell(c, decimal)).collect(),
            }
        })
        .collect();
    Table::new(name, file, label_header, columns, rows)
}

#[allow(clippy::too_many_arguments)]
fn long(
    name: &str,
    file: &str,
    text: &str,
    header: &Record,
    body: &[Record],
    rows_field: &str,
    columns_field: &str,
    options: &DataOptions,
    decimal: char,
) -> Result<Table, Diagnostic> {
    let find = |field: &str, option: &str| {
        header.fields.iter().position(|h| h.trim() == field).ok_or_else(|| {
            Diagnostic::error(format!("`{option}: {field}` names no field of {file}"))
                .at(line_location(file, text, 1))
                .maybe_hint(suggest(field, header.fields.iter().map(String::as_str)))
        })
    };
    let row_at = find(rows_field, "rows")?;
    let column_at = find(columns_field, "columns")?;
    let value_at = match &options.values {
        Some(field) => find(field, "values")?,
        None => header.fields.len() - 1,
    };
    let filters: Vec<(usize, &String)> = options
        .filter
        .iter()
        .map(|(field, value)| find(field, "filter").map(|at| (at, value)))
        .collect::<Result<_, _>>()?;
    let kept: Vec<&Record> =
        body.iter().filter(|r| filters.iter().all(|(at, v)| r.fields[*at].trim() == v.trim())).collect();
    // Other fields that vary become part of the row label ("05 Oppland, Døde").
    let extra: Vec<usize> = (0..header.fields.len())
        .filter(|i| ![row_at, column_at, value_at].contains(i) && !filters.iter().any(|(at, _)| at == i))
        .filter(|i| kept.windows(2).any(|w| w[0].fields[*i] != w[1].fields[*i]))
        .collect();

    let mut row_order: Vec<(String, u32)> = Vec::new();
    let mut row_index: HashMap<String, usize> = HashMap::new();
    let mut column_order: Vec<String> = Vec::new();
    let mut column_index: HashMap<String, usize> = HashMap::new();
    let mut values: HashMap<(usize, usize), (Cell, u32)> = HashMap::new();
    for record in &kept {
        let mut label = record.fields[row_at].trim().to_string();
        for i in &extra {
            label.push_str(", ");
            label.push_str(record.fields[*i].trim());
        }
        let row = *row_index.entry(label.clone()).or_insert_with(|| {
            row_order.push((label, record.line));
            row_order.len() - 1
        });
        let column_label = record.fields[column_at].trim().to_string();
        let column = *column_index.entry(column_label.clone()).or_insert_with(|| {
            column_order.push(column_label);
            column_order.len() - 1
        });
        let cell = parse_cell(&record.fields[value_at], decimal);
        if let Some((_, first)) = values.insert((row, column), (cell, record.line)) {
            return Err(Diagnostic::error(format!(
                "a second value for row `{}` and column `{}` (the first is on line {first})",
                row_order[row].0, column_order[column]
            ))
            .at(line_location(file, text, record.line as usize))
            .hint("use `filter` to keep one value per row and column, or name another field in `rows`"));
        }
    }
    let columns = column_order.into_iter().map(|label| Column { label, code: None }).collect::<Vec<_>>();
    let rows = row_order
        .into_iter()
        .enumerate()
        .map(|(r, (label, line))| Row {
            code: leading_code(&label),
            label,
            line,
            cells: (0..columns.len())
                .map(|c| values.remove(&(r, c)).map_or(Cell::Missing(String::new()), |(cell, _)| cell))
                .collect(),
        })
        .collect();
    let mut table = Table::new(name, file, header.fields[row_at].trim().to_string(), columns, rows);
    table.title = Some(header.fields[value_at].trim().to_string());
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_norwegian_and_english_notation() {
        assert_eq!(parse_number("4 478 497", ','), Some(4478497.0));
        assert_eq!(parse_number("4\u{a0}478\u{a0}497", ','), Some(4478497.0));
        assert_eq!(parse_number("12,8", ','), Some(12.8));
        assert_eq!(parse_number("\u{2212}0,9", ','), Some(-0.9));
        assert_eq!(parse_number("-12", '.'), Some(-12.0));
        assert_eq!(parse_number("1,234.5", '.'), None);
        assert_eq!(parse_number("2013K4", '.'), None);
        assert_eq!(parse_cell("..", ','), Cell::Missing("..".into()));
        assert_eq!(parse_cell("-", ','), Cell::Missing("-".into()));
        assert_eq!(parse_cell("Lillehammer", ','), Cell::Text("Lillehammer".into()));
    }

    #[test]
    fn delimiters_are_sniffed_outside_quotes() {
        assert_eq!(sniff_delimiter("\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_delimiter("a;b;c\n"), b';');
        assert_eq!(sniff_delimiter("a\tb\n"), b'\t');
    }

    #[test]
    fn windows_1252_is_read_when_the_bytes_are_not_utf8() {
        assert_eq!(decode(b"\xC5sen;\xD8yer", None).as_deref(), Ok("Åsen;Øyer"));
        assert_eq!(decode(b"\xC5sen", Some("latin1")).as_deref(), Ok("Åsen"));
        assert_eq!(decode(b"\xC5sen", Some("ISO-8859-1")).as_deref(), Ok("Åsen"));
        assert!(decode(b"x", Some("klingon")).is_err());
        assert_eq!(decode("\u{feff}Øyer".as_bytes(), None).as_deref(), Ok("Øyer"));
    }

    #[test]
    fn wide_tables_read_ssb_style() {
        let text = "Region;2000;2013\n0501 Lillehammer;24 724;27 028\n0521 Øyer;4 859;..\n";
        let t = read(text.as_bytes(), "b", "data/b.csv", &DataOptions::default()).expect("valid");
        assert_eq!(t.label_header, "Region");
        assert_eq!(t.rows[0].cells[1], Cell::Number(27028.0));
        assert_eq!(t.rows[1].cells[1], Cell::Missing("..".into()));
        assert_eq!(t.rows[1].line, 3);
        assert_eq!(t.row("0521"), Ok(1));
    }

    #[test]
    fn lines_are_counted_right_with_crlf() {
        let text = "Region;2000\r\na;1\r\nb;2\r\n";
        let t = read(text.as_bytes(), "t", "data/t.csv", &DataOptions::default()).expect("valid");
        assert_eq!(t.rows.iter().map(|r| r.line).collect::<Vec<_>>(), [2, 3]);
    }

    #[test]
    fn unequal_lines_point_at_their_line() {
        let text = "a;b\n1;2\n3;4;5\n";
        let d = read(text.as_bytes(), "t", "data/t.csv", &DataOptions::default()).expect_err("bad line");
        assert_eq!(d.location.map(|l| l.line), Some(3));
    }
}
