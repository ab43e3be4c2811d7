//! `chart`: a figure with an inline SVG chart — horizontal bars, columns or lines — and the
//! same numbers as a table in a `<details>`: what to draw, chosen from the table (and why
//! nothing can be, when that is so), the SVG's frame with its `<title>` and a `<desc>` that
//! says what the data shows, and the figure around it. [`super::plot`] draws. The SVG
//! scales to the width of a phone (viewBox, no fixed size), has `role="img"`, and needs no
//! JavaScript.

use std::fmt::Write;

use super::args::Args;
use super::context::StatsContext;
use super::html::{citation, table_html};
use super::plot::{Data, FONT, Kind, Series, WIDTH, bars, columns, fmt, lines};
use crate::data::{Cell, Table};
use crate::diag::Diagnostic;
use crate::html::escape;
use crate::i18n::Arg;
use crate::markdown::CallSite;

/// Why the chosen part of `table` has nothing to draw: which rows and columns were taken,
/// and what their cells hold instead of numbers.
fn no_numbers(table: &Table, rows: &[usize], cols: &[usize], args: &Args) -> Diagnostic {
    let names = |labels: Vec<&str>| match labels.len() {
        0..=4 => labels.iter().map(|l| format!("`{l}`")).collect::<Vec<_>>().join(", "),
        n => format!("`{}`, `{}` and {} more", labels[0], labels[1], n - 2),
    };
    let row_names = names(rows.iter().map(|r| table.rows[*r].label.as_str()).collect());
    let col_names = names(cols.iter().map(|c| table.columns[*c].label.as_str()).collect());
    let first_text =
        rows.iter().flat_map(|r| cols.iter().map(move |c| &table.rows[*r].cells[*c])).find_map(|cell| match cell {
            Cell::Text(t) => Some(t.as_str()),
            _ => None,
        });
    let why = match first_text {
        Some(first) => format!(
            "their cells are text, like `{first}`: check the decimal mark and thousands separators in {}, or set `decimal:` for it under `data:` in site.yaml",
            table.file
        ),
        None => "their cells are all empty or marked missing; choose other rows=[…] or cols=[…]".to_string(),
    };
    args.error(
        "table",
        format!("the rows {row_names} and columns {col_names} of `{}` hold no numbers to draw", table.name),
    )
    .hint(why)
}

/// The most values a `chart` draws (docs/site-format.md).
pub const MAX_CHART_VALUES: usize = 2_000;

pub fn chart(site: &CallSite, cx: &StatsContext) -> Result<String, Diagnostic> {
    let args = Args::new(site, &["table", "kind", "rows", "cols", "title", "caption", "unit", "decimals"])?;
    let table = cx.data.table(&args.required("table")?).map_err(|e| args.at("table", e))?;
    let kind = match args.string("kind")?.as_deref().unwrap_or("bar") {
        "bar" => Kind::Bar,
        "column" => Kind::Column,
        "line" => Kind::Line,
        other => {
            let hint = crate::diag::suggest(other, ["bar", "column", "line"]);
            return Err(args.error("kind", format!("there is no chart kind `{other}`")).maybe_hint(hint));
        }
    };
    let title = args.required("title")?;
    // The last column with a number in it: never an empty one an export left at the end.
    let last_column = (0..table.columns.len())
        .rev()
        .find(|c| table.rows.iter().any(|r| matches!(r.cells[*c], Cell::Number(_))))
        .or(table.columns.len().checked_sub(1))
        .map(|c| vec![c]);
    let default_columns = if kind == Kind::Line { None } else { last_column };
    let (rows, cols) = args.selection(table, default_columns)?;
    args.fits(rows.len(), cols.len(), MAX_CHART_VALUES, "a chart")?;
    let data = collect(table, &rows, &cols, kind, cx.lang_key);
    if data.numbers().next().is_none() {
        return Err(no_numbers(table, &rows, &cols, &args));
    }
    let decimals = args.decimals("decimals")?.or(table.provenance.decimals);
    let unit = args.string("unit")?;
    let id = format!("chart-{}", cx.nth);
    let value = |v: f64| {
        let n = cx.locale.number(v, decimals);
        match &unit {
            Some(u) => format!("{n}\u{a0}{u}"),
            None => n,
        }
    };
    let body = match kind {
        Kind::Bar => bars(&data, cx, &value),
        Kind::Column => columns(&data, cx, &value),
        Kind::Line => lines(&data, cx),
    };
    let kind_label = cx.ui(&format!("chart.{}", kind.name()), &[]);
    let desc = format!("{kind_label}: {title}. {}", summary(&data, kind, cx, &value));
    // The caption comes first (a figure's caption must be its first or last child), so the
    // title reads before the chart.
    let mut html = String::new();
    let _ = writeln!(html, "<figure class=\"chart chart-{}\">", kind.name());
    let _ = write!(html, "<figcaption><strong class=\"chart-title\">{}</strong>", escape(&title));
    if let Some(caption) = args.string("caption")?.filter(|c| !c.is_empty()) {
        let _ = write!(html, " {}", escape(&caption));
    }
    if let Some(cite) = citation(table, cx) {
        let _ = write!(html, " <span class=\"source\">{cite}</span>");
    }
    html.push_str("</figcaption>\n");
    let _ = write!(
        html,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" \
         aria-labelledby=\"{id}-title {id}-desc\" class=\"chart-svg\" font-size=\"{FONT}\" style=\"font-family:inherit;height:auto\">\n\
         <title id=\"{id}-title\">{title}</title>\n<desc id=\"{id}-desc\">{desc}</desc>\n{svg}</svg>\n",
        height = fmt(body.height),
        title = escape(&title),
        desc = escape(&desc),
        svg = body.svg,
    );
    let _ = write!(
        html,
        "<details class=\"chart-numbers\"><summary>{}</summary>\n{}</details>\n</figure>",
        escape(&cx.ui("chart.numbers", &[])),
        table_html(table, &rows, &cols, None, decimals, cx)
    );
    Ok(html)
}

fn collect(table: &Table, rows: &[usize], cols: &[usize], kind: Kind, lang: &str) -> Data {
    let number = |r: usize, c: usize| table.cell(r, c).number();
    let row_label = |r: usize| table.row_label(r, lang).to_string();
    let column_label = |c: usize| table.label(&table.columns[c].label, lang).to_string();
    if kind == Kind::Line {
        Data {
            categories: cols.iter().map(|c| column_label(*c)).collect(),
            series: rows
                .iter()
                .map(|r| Series { label: row_label(*r), values: cols.iter().map(|c| number(*r, *c)).collect() })
                .collect(),
        }
    } else {
        Data {
            categories: rows.iter().map(|r| row_label(*r)).collect(),
            series: cols
                .iter()
                .map(|c| Series { label: column_label(*c), values: rows.iter().map(|r| number(*r, *c)).collect() })
                .collect(),
        }
    }
}

/// What the chart shows, in words, for `<desc>`.
fn summary(data: &Data, kind: Kind, cx: &StatsContext, value: &dyn Fn(f64) -> String) -> String {
    let mut parts = Vec::new();
    for series in data.series.iter().take(6) {
        let points: Vec<(usize, f64)> =
            series.values.iter().enumerate().filter_map(|(i, v)| v.map(|v| (i, v))).collect();
        let (Some(first), Some(last)) = (points.first(), points.last()) else {
            parts.push(format!("{}: {}.", series.label, cx.ui("data.missing", &[])));
            continue;
        };
        let prefix =
            if data.series.len() > 1 && kind != Kind::Line { format!("{}: ", series.label) } else { String::new() };
        let text = if kind == Kind::Line {
            cx.ui(
                "chart.series",
                &[
                    ("label", Arg::Text(series.label.clone())),
                    ("first", Arg::Text(value(first.1))),
                    ("first_column", Arg::Text(data.categories[first.0].clone())),
                    ("last", Arg::Text(value(last.1))),
                    ("last_column", Arg::Text(data.categories[last.0].clone())),
                ],
            )
        } else {
            let max = points.iter().copied().fold(points[0], |a, b| if b.1 > a.1 { b } else { a });
            let min = points.iter().copied().fold(points[0], |a, b| if b.1 < a.1 { b } else { a });
            cx.ui(
                "chart.extremes",
                &[
                    ("max_label", Arg::Text(data.categories[max.0].clone())),
                    ("max", Arg::Text(value(max.1))),
                    ("min_label", Arg::Text(data.categories[min.0].clone())),
                    ("min", Arg::Text(value(min.1))),
                ],
            )
        };
        parts.push(format!("{prefix}{text}"));
    }
    if data.series.len() > 6 {
        parts.push("…".into());
    }
    parts.join(" ")
}
