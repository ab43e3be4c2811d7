//! The shortcodes that write numbers: `stat` (one value), `change` (growth in percent) and
//! `table` (rows and columns as an accessible table).

use super::args::{Args, at_arg, lookup, selection};
use super::context::StatsContext;
use super::html::{citation, missing_html, number_html, table_html};
use crate::data::{Cell, Table};
use crate::html::escape;
use crate::markdown::{Call, ShortcodeError};

/// `html` followed by the table's source and date when the call says `cite=true`.
fn cite_if_asked(mut html: String, table: &Table, args: &Args, cx: &StatsContext) -> Result<String, ShortcodeError> {
    if args.flag("cite")?
        && let Some(cite) = citation(table, cx)
    {
        html.push_str(&format!(" <span class=\"cite\">({cite})</span>"));
    }
    Ok(html)
}

pub(crate) fn stat(call: &Call, cx: &StatsContext) -> Result<String, ShortcodeError> {
    let args = Args::new(call, &["table", "row", "col", "decimals", "unit", "cite"])?;
    let (table, row, col) =
        lookup(cx.data, &args.required("table")?, &args.required("row")?, &args.required("col")?, "col")?;
    let decimals = args.decimals("decimals")?.or(table.provenance.decimals);
    let unit = args.string("unit")?;
    let html = number_html(table.cell(row, col), cx, decimals, unit.as_deref());
    cite_if_asked(html, table, &args, cx)
}

/// Growth from one column to another, in percent.
pub(crate) fn change(call: &Call, cx: &StatsContext) -> Result<String, ShortcodeError> {
    let args = Args::new(call, &["table", "row", "from", "to", "decimals", "cite"])?;
    let (table, row, from) =
        lookup(cx.data, &args.required("table")?, &args.required("row")?, &args.required("from")?, "from")?;
    let to = table.column(&args.required("to")?).map_err(|e| at_arg(e, "to"))?;
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
            return Err(ShortcodeError::new("growth from zero cannot be a percentage").arg("from"));
        }
        (Cell::Missing(mark), _) | (_, Cell::Missing(mark)) => missing_html(mark, cx),
        _ => return Err(ShortcodeError::new("`change` needs numbers in both columns").arg("from")),
    };
    cite_if_asked(html, table, &args, cx)
}

pub(crate) fn table(call: &Call, cx: &StatsContext) -> Result<String, ShortcodeError> {
    let args = Args::new(call, &["table", "rows", "cols", "caption", "decimals"])?;
    let t = cx.data.table(&args.required("table")?).map_err(|e| at_arg(e, "table"))?;
    let (rows, cols) = selection(t, &args, None)?;
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
