//! CSV and TSV, including Statistics Norway's dialects.
//!
//! 1. Text: UTF-8 (a BOM is dropped), else Windows-1252 — or the `encoding` option.
//! 2. Delimiter: `;`, tab or `,`, whichever the header line has most of — or `delimiter`.
//! 3. Decimal mark: the one that reads more cells as numbers (`,` with `;` and `.` with `,`
//!    when even) — or `decimal`. The other mark, in groups of three digits (`28,900`,
//!    `28.900`), and spaces, no-break spaces and thin spaces are thousands separators; `−`
//!    is a minus; a `%` after a number is dropped. A column of numbers with a few cells that
//!    still read as text is a warning at each such cell.
//! 4. `..`, `...`, `.`, `:`, `-` and empty cells are missing values.
//! 5. Shape: wide (first column labels the rows, the header names the columns), or long
//!    when `rows` and `columns` name two fields (SSB's one value per line), pivoted.

use std::collections::HashMap;

use crate::config::DataOptions;
use crate::diag::{Diagnostic, Diagnostics, Location, suggest};

use super::table::{Cell, Column, Row, Table, leading_code};

pub const MISSING_MARKS: [&str; 6] = ["", "..", "...", ".", ":", "-"];

/// [`read_checked`] without the warnings; an error is the file's first.
pub fn read(bytes: &[u8], name: &str, file: &str, options: &DataOptions) -> Result<Table, Diagnostic> {
    read_checked(bytes, name, file, options)
        .map(|(table, _)| table)
        .map_err(|all| all.into_iter().next().unwrap_or_else(|| Diagnostic::error(format!("{file} cannot be read"))))
}

/// [`read`], with a warning for each cell that reads as text in a column of numbers.
pub fn read_checked(
    bytes: &[u8],
    name: &str,
    file: &str,
    options: &DataOptions,
) -> Result<(Table, Vec<Diagnostic>), Diagnostics> {
    let text = decode(bytes, options.encoding.as_deref()).map_err(|d| d.at(Location::file(file)))?;
    let (text, title) = unframe(&text);
    let delimiter = match options.delimiter.as_deref() {
        Some("\\t") | Some("tab") => b'\t',
        Some(d) if d.len() == 1 => d.as_bytes()[0],
        Some(d) => {
            return Err(Diagnostic::error(format!("the delimiter `{d}` must be one character"))
                .at(Location::file(file))
                .hint("use \";\", \",\" or tab")
                .into());
        }
        None => sniff_delimiter(&text),
    };
    let records = without_empty_edges(records(&text, delimiter, file)?);
    read_table(records, title, &text, delimiter, name, file, options).map_err(Diagnostics::from)
}

/// The table of `records` (header first), read as `options` say.
fn read_table(
    records: Vec<Record>,
    title: Option<String>,
    text: &str,
    delimiter: u8,
    name: &str,
    file: &str,
    options: &DataOptions,
) -> Result<(Table, Vec<Diagnostic>), Diagnostic> {
    let Some((header, body)) = records.split_first() else {
        return Err(Diagnostic::error(format!("{file} is empty"))
            .at(Location::file(file))
            .hint("the first line must name the columns"));
    };
    let decimal = match options.decimal.as_deref() {
        Some(",") => ',',
        Some(".") => '.',
        Some(other) => {
            return Err(Diagnostic::error(format!("the decimal mark `{other}` must be \",\" or \".\""))
                .at(Location::file(file)));
        }
        None => guess_decimal(body, if delimiter == b';' { ',' } else { '.' }),
    };
    let dialect = Dialect { file, text, delimiter, decimal, decimal_set: options.decimal.is_some() };
    let (table, positions) = match (&options.rows, &options.columns) {
        (Some(rows), Some(columns)) => long(name, &dialect, header, body, rows, columns, options)?,
        (None, None) => wide(name, file, header, body, decimal),
        _ => {
            return Err(Diagnostic::error("a long table needs both `rows` and `columns`")
                .at(Location::file(file))
                .hint("name the field that labels the rows and the one that labels the columns"));
        }
    };
    let warnings = text_among_numbers(&table, &positions, &dialect);
    let mut table = table;
    if table.title.is_none() {
        table.title = title;
    }
    Ok((table, warnings))
}

/// How a file was read, for messages about its cells.
struct Dialect<'a> {
    file: &'a str,
    text: &'a str,
    delimiter: u8,
    decimal: char,
    /// Whether site.yaml said the decimal mark.
    decimal_set: bool,
}

/// Where each cell came from: (line, field) by (row, column).
type Positions = HashMap<(usize, usize), (u32, usize)>;

/// The decimal mark that reads more of the cells as numbers; `default` when even.
fn guess_decimal(body: &[Record], default: char) -> char {
    let other = if default == ',' { '.' } else { ',' };
    let numbers =
        |mark: char| body.iter().flat_map(|r| &r.fields).filter(|f| parse_number(f.trim(), mark).is_some()).count();
    if numbers(other) > numbers(default) { other } else { default }
}

/// A warning for each text cell in a column that is mostly numbers: it would be shown as
/// written (not in the page's number format), and `stat` cannot use it.
fn text_among_numbers(table: &Table, positions: &Positions, dialect: &Dialect) -> Vec<Diagnostic> {
    let mut warnings = Vec::new();
    for (c, column) in table.columns.iter().enumerate() {
        let cells = || table.rows.iter().enumerate().map(move |(r, row)| (r, row, &row.cells[c]));
        let numbers = cells().filter(|(_, _, cell)| matches!(cell, Cell::Number(_))).count();
        let texts: Vec<_> = cells().filter(|(_, _, cell)| matches!(cell, Cell::Text(_))).collect();
        if numbers == 0 || texts.len() > numbers {
            continue;
        }
        for (r, row, cell) in texts {
            let Cell::Text(raw) = cell else { continue };
            let at = positions.get(&(r, c)).map(|(line, field)| field_location(dialect, *line, *field));
            let delimiter = match dialect.delimiter {
                b'\t' => "tab".to_string(),
                d => format!("`{}`", d as char),
            };
            let decimal = dialect.decimal;
            let other = if decimal == ',' { '.' } else { ',' };
            let assumed = if dialect.decimal_set { "set in site.yaml" } else { "guessed" };
            let d = Diagnostic::warning(format!(
                "`{raw}` in column `{}`, row `{}` is not a number, so it is shown as written",
                column.label, row.label
            ))
            .hint(format!(
                "read with {delimiter} between fields and `{decimal}` as the decimal mark ({assumed}); fix the cell, or set `decimal: \"{other}\"` (or `delimiter:`) for this file under `data:` in site.yaml"
            ));
            warnings.push(match at {
                Some(at) => d.at(at),
                None => d.at(Location::file(dialect.file)),
            });
        }
    }
    warnings
}

/// The place of field `field` (from 0) on line `line` of the file.
fn field_location(dialect: &Dialect, line: u32, field: usize) -> Location {
    let text = dialect.text;
    let start: usize = text.split_inclusive('\n').take(line.saturating_sub(1) as usize).map(str::len).sum();
    let start = start.min(text.len());
    let end_of_line = text[start..].find('\n').map_or(text.len(), |i| start + i);
    let (mut from, mut index, mut quoted) = (start, 0, false);
    for (i, b) in text[start..end_of_line].bytes().enumerate() {
        if b == b'"' {
            quoted = !quoted;
        } else if b == dialect.delimiter && !quoted {
            if index == field {
                return Location::in_text(dialect.file, text, from..start + i);
            }
            index += 1;
            from = start + i + 1;
        }
    }
    let end = text[..end_of_line].trim_end_matches('\r').len();
    Location::in_text(dialect.file, text, from.min(end)..end)
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

/// The delimiter the header line (the first that is not blank) uses most, outside quotes.
fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let counts = delimiter_counts(header);
    counts.iter().max_by_key(|(_, n)| *n).filter(|(_, n)| *n > 0).map_or(b',', |(d, _)| *d)
}

/// How often each delimiter occurs in `line`, outside quotes.
fn delimiter_counts(line: &str) -> [(u8, usize); 3] {
    let mut counts = [(b';', 0usize), (b'\t', 0), (b',', 0)];
    let mut quoted = false;
    for c in line.bytes() {
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
    counts
}

/// Statistics Norway's downloads put a title line above the header and footnotes below the
/// table: lines without any delimiter around the lines that have them. They are blanked, so
/// that lines keep their numbers, and the title (the first such line above) is returned.
fn unframe(text: &str) -> (std::borrow::Cow<'_, str>, Option<String>) {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let has_fields = |line: &str| delimiter_counts(line).iter().any(|(_, n)| *n > 0);
    let (Some(first), Some(last)) =
        (lines.iter().position(|l| has_fields(l)), lines.iter().rposition(|l| has_fields(l)))
    else {
        return (std::borrow::Cow::Borrowed(text), None);
    };
    // Footnotes stand apart, after a blank line: a last line without its fields is a
    // mistake to report, not a footnote.
    let last = match lines[last + 1..].first() {
        Some(next) if !next.trim().is_empty() => lines.len() - 1,
        _ => last,
    };
    let framed = lines[..first].iter().chain(&lines[last + 1..]).any(|l| !l.trim().is_empty());
    if !framed {
        return (std::borrow::Cow::Borrowed(text), None);
    }
    let title = lines[..first].iter().map(|l| l.trim().trim_matches('"').trim()).find(|l| !l.is_empty());
    let mut out = String::with_capacity(text.len());
    for (i, line) in lines.iter().enumerate() {
        match i < first || i > last {
            true => out.push_str(if line.ends_with('\n') { "\n" } else { "" }),
            false => out.push_str(line),
        }
    }
    (std::borrow::Cow::Owned(out), title.map(str::to_string))
}

/// Records without the empty columns a spreadsheet export leaves at the end of every line
/// (Excel's `;;`), and without lines that are only delimiters.
fn without_empty_edges(mut records: Vec<Record>) -> Vec<Record> {
    records.retain(|r| r.fields.iter().any(|f| !f.trim().is_empty()));
    let Some(header) = records.first() else { return records };
    let mut width = header.fields.len();
    while width > 1 && records.iter().all(|r| r.fields.get(width - 1).is_none_or(|f| f.trim().is_empty())) {
        width -= 1;
    }
    for record in &mut records {
        record.fields.truncate(width);
    }
    records
}

struct Record {
    line: u32,
    fields: Vec<String>,
}

/// The most lines of a file reported as unreadable; the last one says how many more.
const MOST_BAD_LINES: usize = 10;

const UNEQUAL_HINT: &str = "every line needs as many fields as the header; quote fields that contain the delimiter";

fn records(text: &str, delimiter: u8, file: &str) -> Result<Vec<Record>, Diagnostics> {
    let mut reader = csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).from_reader(text.as_bytes());
    let mut out = Vec::new();
    let mut bad = Vec::new();
    let mut lines = LineCounter::default();
    let mut last_start = 0;
    for result in reader.records() {
        match result {
            Ok(record) => {
                last_start = record.position().map_or(0, |p| p.byte() as usize);
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                let line = record.position().map_or(1, |p| lines.line_at(text, p.byte() as usize));
                out.push(Record { line, fields: record.iter().map(str::to_string).collect() });
            }
            // The reader goes on after a line of the wrong length: every such line is told.
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
                bad.push(Diagnostic::error(message).at(line_location(file, text, line)).hint(UNEQUAL_HINT));
            }
        }
    }
    let more = bad.len().saturating_sub(MOST_BAD_LINES);
    bad.truncate(MOST_BAD_LINES);
    if more > 0
        && let Some(last) = bad.last_mut()
    {
        last.hint =
            Some(format!("and {} like it; {UNEQUAL_HINT}", crate::diag::count(more, "more line", "more lines")));
    }
    // The csv reader takes a quote that never closes to run to the end of the file, so
    // only the last record can hold one, and the lines after it are in its cell.
    if let Some(open) = unclosed_quote(&text[last_start.min(text.len())..], delimiter) {
        let open = last_start + open;
        let end = text[open..].find(['\r', '\n']).map_or(text.len(), |i| open + i);
        bad.push(
            Diagnostic::error("a quoted cell is never closed")
                .at(Location::in_text(file, text, open..end))
                .hint("end the cell with `\"`; as it is, every line after it is read into this cell"),
        );
    }
    if bad.is_empty() { Ok(out) } else { Err(bad.into_iter().collect()) }
}

/// Where a quoted field opens and never closes in `record`, the text of a record and what
/// follows it. A quote opens a field only at its start, as the csv reader reads it, and
/// `""` inside is a quote.
fn unclosed_quote(record: &str, delimiter: u8) -> Option<usize> {
    let bytes = record.as_bytes();
    let (mut at, mut field_start) = (0, true);
    while at < bytes.len() {
        if field_start && bytes[at] == b'"' {
            let open = at;
            at += 1;
            loop {
                let Some(close) = memchr::memchr(b'"', &bytes[at..]) else { return Some(open) };
                at += close + 1;
                if bytes.get(at) != Some(&b'"') {
                    break;
                }
                at += 1;
            }
            field_start = false;
            continue;
        }
        field_start = matches!(bytes[at], b'\n' | b'\r') || bytes[at] == delimiter;
        at += 1;
    }
    None
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

/// A number as spreadsheets write it, with `decimal` as the decimal mark: the other mark
/// only between groups of three digits (`28,900.5` or `28.900,5`), spaces of any kind
/// anywhere, `−` for minus, and a `%` after it.
pub fn parse_number(text: &str, decimal: char) -> Option<f64> {
    let group = if decimal == ',' { '.' } else { ',' };
    let text = text.strip_suffix('%').unwrap_or(text);
    let mut cleaned = String::with_capacity(text.len());
    // Digits since the last group mark; whether there was one; whether the decimals began.
    let (mut run, mut grouped, mut decimals) = (0usize, false, false);
    for c in text.chars() {
        match c {
            ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' => {}
            '\u{2212}' => cleaned.push('-'),
            c if c == decimal => {
                if grouped && run != 3 {
                    return None;
                }
                decimals = true;
                cleaned.push('.');
            }
            c if c == group && !decimals => {
                let fits = if grouped { run == 3 } else { (1..=3).contains(&run) };
                if !fits {
                    return None;
                }
                (grouped, run) = (true, 0);
            }
            c if c.is_ascii_digit() => {
                run += usize::from(!decimals);
                cleaned.push(c);
            }
            '-' | '+' => cleaned.push(c),
            _ => return None,
        }
    }
    if grouped && !decimals && run != 3 {
        return None;
    }
    if cleaned.is_empty() || cleaned.matches('.').count() > 1 || !cleaned.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    cleaned.parse::<f64>().ok().filter(|n| n.is_finite())
}

fn wide(name: &str, file: &str, header: &Record, body: &[Record], decimal: char) -> (Table, Positions) {
    let label_header = header.fields.first().cloned().unwrap_or_default();
    let columns: Vec<Column> =
        header.fields[1..].iter().map(|h| Column { label: h.trim().to_string(), code: None }).collect();
    let mut positions = Positions::new();
    let rows = body
        .iter()
        .enumerate()
        .map(|(r, record)| {
            let label = record.fields.first().map(|l| l.trim().to_string()).unwrap_or_default();
            positions.extend((0..record.fields.len() - 1).map(|c| ((r, c), (record.line, c + 1))));
            Row {
                code: leading_code(&label),
                label,
                line: record.line,
                cells: record.fields[1..].iter().map(|c| parse_cell(c, decimal)).collect(),
            }
        })
        .collect();
    (Table::new(name, file, label_header, columns, rows), positions)
}

fn long(
    name: &str,
    dialect: &Dialect,
    header: &Record,
    body: &[Record],
    rows_field: &str,
    columns_field: &str,
    options: &DataOptions,
) -> Result<(Table, Positions), Diagnostic> {
    let (file, text, decimal) = (dialect.file, dialect.text, dialect.decimal);
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
    let positions: Positions = values.iter().map(|(at, (_, line))| (*at, (*line, value_at))).collect();
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
    Ok((table, positions))
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
        assert_eq!(parse_number("1,234.5", '.'), Some(1234.5));
        assert_eq!(parse_number("28.900", ','), Some(28900.0));
        assert_eq!(parse_number("28,900", '.'), Some(28900.0));
        assert_eq!(parse_number("19.8", ','), None, "not groups of three");
        assert_eq!(parse_number("1,23,456", '.'), None);
        assert_eq!(parse_number("12,5 %", ','), Some(12.5));
        assert_eq!(parse_number("\u{2212}3\u{202f}400", ','), Some(-3400.0));
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

    fn table(text: &str) -> (Table, Vec<Diagnostic>) {
        read_checked(text.as_bytes(), "t", "data/t.csv", &DataOptions::default()).expect("valid")
    }

    #[test]
    fn the_decimal_mark_is_the_one_that_reads_more_numbers() {
        // A `;` file from a spreadsheet set to English: decimal points.
        let (t, warnings) = table("Kommune;Andel\nLillehammer;19.8\nØyer;12.25\n");
        assert_eq!(t.rows[0].cells[0], Cell::Number(19.8));
        assert!(warnings.is_empty(), "{warnings:?}");
        // A `,` file with thousands separators in quotes.
        let (t, _) = table("Kommune,Folketall\nLillehammer,\"28,900\"\nØyer,\"5,120\"\n");
        assert_eq!(t.rows[0].cells[0], Cell::Number(28900.0));
        // Even: the delimiter's default (`,` with `;`).
        let (t, _) = table("Kommune;Tall\nLillehammer;1.500\nØyer;2,5\n");
        assert_eq!(t.rows[0].cells[0], Cell::Number(1500.0));
        assert_eq!(t.rows[1].cells[0], Cell::Number(2.5));
    }

    #[test]
    fn a_text_cell_among_numbers_is_a_warning_at_its_line_and_column() {
        let (t, warnings) = table("Kommune;2024;2025\nLillehammer;28 425;28 601\nØyer;5 120;ca. 5 200\n");
        assert_eq!(t.rows[1].cells[1], Cell::Text("ca. 5 200".into()));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        let w = &warnings[0];
        assert_eq!(w.message, "`ca. 5 200` in column `2025`, row `Øyer` is not a number, so it is shown as written");
        let at = w.location.as_ref().expect("located");
        assert_eq!((at.line, at.col), (3, 12));
        let hint = w.hint.as_deref().unwrap_or_default();
        assert!(hint.contains("`;` between fields and `,` as the decimal mark (guessed)"), "{hint}");
        assert!(hint.contains("decimal: \".\""), "{hint}");
        // A column of text (names, codes) is no mistake.
        let (_, warnings) = table("Kommune;Fylke\nLillehammer;Innlandet\nØyer;Innlandet\n");
        assert!(warnings.is_empty());
    }

    #[test]
    fn empty_columns_and_lines_from_a_spreadsheet_are_dropped() {
        let (t, _) = table("Kommune;2024;2025;;\nLillehammer;28425;28601;;\n;;;;\nØyer;5120;5200;;\n");
        assert_eq!(t.columns.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(), ["2024", "2025"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].line, 4);
    }

    #[test]
    fn a_statistics_norway_title_line_and_footnotes_are_set_aside() {
        let text = "\"07459: Befolkning, etter region og år\"\n\n\"region\";\"2024\";\"2025\"\n\"3405 Lillehammer\";28425;28601\n\n\"Kilde: Statistisk sentralbyrå\"\n";
        let (t, warnings) = table(text);
        assert_eq!(t.title.as_deref(), Some("07459: Befolkning, etter region og år"));
        assert_eq!(t.label_header, "region");
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].line, 4);
        assert_eq!(t.rows[0].cells[1], Cell::Number(28601.0));
        assert!(warnings.is_empty());
    }

    #[test]
    fn a_quote_never_closed_is_an_error_where_it_opens() {
        let text = "kommune,2024\nGausdal,\"6,050\nØyer,5150\n";
        let d = read(text.as_bytes(), "t", "data/t.csv", &DataOptions::default()).expect_err("open quote");
        assert_eq!(d.message, "a quoted cell is never closed");
        assert_eq!(d.location.map(|l| (l.line, l.col)), Some((2, 9)));
        // Quotes that close, doubled quotes, a line break inside quotes and a quote inside
        // an unquoted cell are all fine.
        let fine = "a;b\n\"x \"\"y\"\" z\";\"two\nlines\"\n5\" tall;2\n";
        assert_eq!(unclosed_quote(fine, b';'), None);
        assert!(read(fine.as_bytes(), "t", "data/t.csv", &DataOptions::default()).is_ok());
    }

    #[test]
    fn every_unequal_line_points_at_its_line() {
        let text = "a;b\n1;2\n3;4;5\n6\n7;8\n";
        let all = read_checked(text.as_bytes(), "t", "data/t.csv", &DataOptions::default()).expect_err("bad lines");
        let found: Vec<(String, u32)> =
            all.into_iter().map(|d| (d.message, d.location.map_or(0, |l| l.line))).collect();
        assert_eq!(
            found,
            [
                ("this line has 3 fields, the header has 2".to_string(), 3),
                ("this line has 1 field, the header has 2".to_string(), 4)
            ]
        );
        // A file in the wrong dialect is told in a few lines, not in thousands.
        let text = format!("a;b\n{}", "1;2;3\n".repeat(25));
        let all: Vec<Diagnostic> = read_checked(text.as_bytes(), "t", "data/t.csv", &DataOptions::default())
            .expect_err("bad")
            .into_iter()
            .collect();
        assert_eq!(all.len(), MOST_BAD_LINES);
        assert_eq!(all[MOST_BAD_LINES - 1].hint.as_deref().map(|h| &h[..25]), Some("and 15 more lines like it"));
    }
}
