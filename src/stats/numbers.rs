//! The shortcodes that write numbers: `stat` (one value), `change` (growth in percent) and
//! `table` (rows and columns as an accessible table).

use super::args::Args;
use super::context::StatsContext;
use super::html::{citation, missing_html, number_html, table_html};
use crate::data::{Cell, Table};
use crate::diag::Diagnostic;
use crate::html::escape;
use crate::markdown::CallSite;

/// `html` followed by the table's source and date when the call says `cite=true`.
fn cite_if_asked(mut html: String, table: &Table, args: &Args, cx: &StatsContext) -> Result<String, Diagnostic> {
    if args.flag("cite")?
        && let Some(cite) = citation(table, cx)
    {
        html.push_str(&format!(" <span class=\"cite\">({cite})</span>"));
    }
    Ok(html)
}

pub(crate) fn stat(site: &CallSite, cx: &StatsContext) -> Result<String, Diagnostic> {
    let args = Args::new(site, &["table", "row", "col", "decimals", "unit", "cite"])?;
    let (table, row, col) = args.lookup(cx.data, "col")?;
    let decimals = args.decimals("decimals")?.or(table.provenance.decimals);
    let unit = args.string("unit")?;
    if let Cell::Text(raw) = table.cell(row, col) {
        return Err(args
            .error(
                "col",
                format!(
                    "`{raw}` (row `{}`, column `{}` of `{}`) is text, not a number",
                    table.rows[row].label, table.columns[col].label, table.name
                ),
            )
            .hint(format!(
                "`stat` shows numbers; check that cell in {} (its decimal mark and thousands separators)",
                table.file
            )));
    }
    let html = number_html(table.cell(row, col), cx, decimals, unit.as_deref());
    cite_if_asked(html, table, &args, cx)
}

/// Growth from one column to another, in percent.
pub(crate) fn change(site: &CallSite, cx: &StatsContext) -> Result<String, Diagnostic> {
    let args = Args::new(site, &["table", "row", "from", "to", "decimals", "cite"])?;
    let (table, row, from) = args.lookup(cx.data, "from")?;
    let to = table.column(&args.required("to")?).map_err(|e| args.at("to", e))?;
    let decimals = args.decimals("decimals")?.unwrap_or(1);
    let html = match (table.cell(row, from), table.cell(row, to)) {
        (Cell::Number(a), Cell::Number(b)) if *a != 0.0 => {
            let percent = (b - a) / a * 100.0;
            format!(
                "<data class=\"change\" value=\"{percent:.6}\">{}</data>",
                cx.locale.percent(percent, Some(decimals))
            )
        }
        (Cell::Number(_), Cell::Number(_)) => {
            return Err(args.error("from", "growth from zero cannot be a percentage"));
        }
        (Cell::Missing(mark), _) | (_, Cell::Missing(mark)) => missing_html(mark, cx),
        _ => return Err(args.error("from", "`change` needs numbers in both columns")),
    };
    cite_if_asked(html, table, &args, cx)
}

/// The most values a `table` shows (docs/site-format.md).
pub const MAX_TABLE_VALUES: usize = 20_000;

pub(crate) fn table(site: &CallSite, cx: &StatsContext) -> Result<String, Diagnostic> {
    let args = Args::new(site, &["table", "rows", "cols", "caption", "decimals"])?;
    let t = cx.data.table(&args.required("table")?).map_err(|e| args.at("table", e))?;
    let (rows, cols) = args.selection(t, None)?;
    args.fits(rows.len(), cols.len(), MAX_TABLE_VALUES, "a table")?;
    let caption = args.string("caption")?.or_else(|| t.title.clone());
    let decimals = args.decimals("decimals")?.or(t.provenance.decimals);
    // A wide table scrolls inside its box; keyboard users can reach it to scroll.
    let label = caption.clone().unwrap_or_else(|| t.name.clone());
    let mut html =
        format!("<div class=\"data-table\" tabindex=\"0\" role=\"region\" aria-label=\"{}\">\n", escape(&label));
    html.push_str(&table_html(t, &rows, &cols, caption.as_deref(), decimals, cx));
    if let Some(cite) = citation(t, cx) {
        html.push_str(&format!("<p class=\"source\">{cite}</p>\n"));
    }
    html.push_str("</div>");
    Ok(html)
}
