//! Numbers, missing values, sources and tables, written as HTML for the page's language.

use super::context::StatsContext;
use crate::data::{Cell, Table};
use crate::html::escape;
use crate::i18n::Arg;
use crate::locale::DateStyle;

/// A number written for the page's language, as `<data>` with its machine value.
pub(crate) fn number_html(cell: &Cell, cx: &StatsContext, decimals: Option<u32>, unit: Option<&str>) -> String {
    let unit = unit.map(|u| format!("\u{a0}{}", escape(u))).unwrap_or_default();
    match cell {
        Cell::Number(n) => {
            format!("<data class=\"stat\" value=\"{}\">{}{unit}</data>", n, cx.locale.number(*n, decimals))
        }
        Cell::Missing(mark) => missing_html(mark, cx),
        Cell::Text(t) => format!("<span class=\"stat\">{}</span>", escape(t)),
    }
}

pub(crate) fn missing_html(mark: &str, cx: &StatsContext) -> String {
    let shown = if mark.is_empty() { ".." } else { mark };
    format!("<span class=\"stat missing\" title=\"{}\">{}</span>", escape(&cx.ui("data.missing", &[])), escape(shown))
}

/// "Kilde: SSB, tabell 07459, per 1. januar 2014", linked when the table has a URL.
pub(crate) fn citation(table: &Table, cx: &StatsContext) -> Option<String> {
    let p = &table.provenance;
    let source = p.source.as_deref().map(|s| match &p.source_url {
        Some(url) => format!("<a href=\"{}\">{}</a>", escape(url), escape(s)),
        None => escape(s),
    });
    let date = p.as_of.as_ref().map(|d| {
        let formatted = cx.locale.date(d.date(cx.zone), DateStyle::Long);
        escape(&cx.ui("data.as_of", &[("date", Arg::Text(formatted))]))
    });
    let parts: Vec<String> = source.into_iter().chain(date).collect();
    if parts.is_empty() {
        return None;
    }
    Some(format!("{}: {}", escape(&cx.ui("data.source", &[])), parts.join(", ")))
}

/// The numbers as an accessible table: caption, column and row headers, numbers aligned
/// right, the source under it.
pub(crate) fn table_html(
    table: &Table,
    rows: &[usize],
    cols: &[usize],
    caption: Option<&str>,
    decimals: Option<u32>,
    cx: &StatsContext,
) -> String {
    let mut html = String::from("<table class=\"data\">\n");
    if let Some(caption) = caption.filter(|c| !c.is_empty()) {
        html.push_str(&format!("<caption>{}</caption>\n", escape(caption)));
    }
    let label = |text: &'_ str| escape(table.label(text, cx.lang_key));
    html.push_str(&format!("<thead><tr><th scope=\"col\">{}</th>", label(&table.label_header)));
    for c in cols {
        html.push_str(&format!("<th scope=\"col\" class=\"num\">{}</th>", label(&table.columns[*c].label)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        html.push_str(&format!("<tr><th scope=\"row\">{}</th>", escape(table.row_label(*r, cx.lang_key))));
        for c in cols {
            let cell = table.cell(*r, *c);
            let class = if matches!(cell, Cell::Text(_)) { "" } else { " class=\"num\"" };
            html.push_str(&format!("<td{class}>{}</td>", number_html(cell, cx, decimals, None)));
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n");
    html
}
