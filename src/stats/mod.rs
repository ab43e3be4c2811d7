//! The built-in statistics shortcodes: `stat`, `change`, `table` and `chart`.
//!
//! Every lookup goes through [`DataSet::table`], [`Table::row`] and [`Table::column`], the
//! same path the `data` and `stat` template functions take, so a missing table, row or
//! column reads the same everywhere and points at the argument that names it.

mod chart;
mod scale;

use crate::data::{Cell, DataSet, LookupError, Table};
use crate::html::escape;
use crate::i18n::{Arg, I18n};
use crate::ids::LangId;
use crate::locale::{DateStyle, LocaleFormat};
use crate::markdown::{ArgValue, Call, ShortcodeError};

pub const BUILTINS: [&str; 4] = ["stat", "change", "table", "chart"];

/// What a built-in shortcode needs to know about the page it is in.
pub struct StatsContext<'a> {
    pub data: &'a DataSet,
    pub locale: &'a LocaleFormat,
    pub i18n: &'a I18n,
    pub lang: LangId,
    /// The language's key, for translated row and column labels.
    pub lang_key: &'a str,
    /// Which call of this shortcode in the page (for unique ids).
    pub nth: usize,
}

impl StatsContext<'_> {
    /// A built-in UI string in the page's language.
    pub(crate) fn ui(&self, key: &str, args: &[(&str, Arg)]) -> String {
        self.i18n.text(key, self.lang, self.locale, args)
    }
}

/// Renders a built-in shortcode, or `None` when `call` is not one.
pub fn render(call: &Call, cx: &StatsContext) -> Option<Result<String, ShortcodeError>> {
    let result = match call.name.as_str() {
        "stat" => stat(call, cx),
        "change" => change(call, cx),
        "table" => table(call, cx),
        "chart" => chart::chart(call, cx),
        _ => return None,
    };
    Some(result)
}

/// The arguments of a call, checked against what a shortcode takes.
pub(crate) struct Args<'a> {
    call: &'a Call,
}

impl<'a> Args<'a> {
    pub(crate) fn new(call: &'a Call, known: &[&str]) -> Result<Args<'a>, ShortcodeError> {
        for arg in &call.args {
            if !known.contains(&arg.name.as_str()) {
                let hint = crate::diag::suggest(&arg.name, known.iter().copied());
                return Err(ShortcodeError::new(format!("`{}` takes no argument `{}`", call.name, arg.name))
                    .hint(hint)
                    .arg(&arg.name));
            }
        }
        Ok(Args { call })
    }

    fn value(&self, name: &str) -> Option<&'a ArgValue> {
        self.call.arg(name).map(|a| &a.value)
    }

    pub(crate) fn string(&self, name: &str) -> Result<Option<String>, ShortcodeError> {
        match self.value(name) {
            None => Ok(None),
            Some(ArgValue::Str(s)) => Ok(Some(s.clone())),
            Some(ArgValue::Int(i)) => Ok(Some(i.to_string())),
            Some(other) => Err(self.wrong(name, "text", other)),
        }
    }

    pub(crate) fn required(&self, name: &str) -> Result<String, ShortcodeError> {
        self.string(name)?.ok_or_else(|| {
            ShortcodeError::new(format!("`{}` needs the argument `{name}`", self.call.name))
                .hint(Some(format!("add {name}=\"…\"")))
        })
    }

    pub(crate) fn list(&self, name: &str) -> Result<Option<Vec<String>>, ShortcodeError> {
        match self.value(name) {
            None => Ok(None),
            Some(ArgValue::Str(s)) => Ok(Some(vec![s.clone()])),
            Some(ArgValue::Int(i)) => Ok(Some(vec![i.to_string()])),
            Some(ArgValue::List(items)) => items
                .iter()
                .map(|item| match item {
                    ArgValue::Str(s) => Ok(s.clone()),
                    ArgValue::Int(i) => Ok(i.to_string()),
                    other => Err(self.wrong(name, "a list of text", other)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(self.wrong(name, "text or a list", other)),
        }
    }

    pub(crate) fn decimals(&self, name: &str) -> Result<Option<u32>, ShortcodeError> {
        match self.value(name) {
            None => Ok(None),
            Some(ArgValue::Int(i)) if (0..=10).contains(i) => Ok(Some(*i as u32)),
            Some(other) => Err(self.wrong(name, "a whole number from 0 to 10", other)),
        }
    }

    pub(crate) fn flag(&self, name: &str) -> Result<bool, ShortcodeError> {
        match self.value(name) {
            None => Ok(false),
            Some(ArgValue::Bool(b)) => Ok(*b),
            Some(other) => Err(self.wrong(name, "true or false", other)),
        }
    }

    fn wrong(&self, name: &str, expected: &str, found: &ArgValue) -> ShortcodeError {
        ShortcodeError::new(format!("`{name}` must be {expected}, not {}", found.type_name())).arg(name)
    }
}

/// A lookup error, pointed at the argument that named what is missing.
pub(crate) fn at_arg(error: LookupError, arg: &str) -> ShortcodeError {
    ShortcodeError::new(error.message).hint(error.hint).arg(arg)
}

/// `table`, `row` and `col` looked up together.
pub(crate) fn lookup<'d>(
    data: &'d DataSet,
    table: &str,
    row: &str,
    col: &str,
    col_arg: &str,
) -> Result<(&'d Table, usize, usize), ShortcodeError> {
    let t = data.table(table).map_err(|e| at_arg(e, "table"))?;
    let r = t.row(row).map_err(|e| at_arg(e, "row"))?;
    let c = t.column(col).map_err(|e| at_arg(e, col_arg))?;
    Ok((t, r, c))
}

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
        let formatted = cx.locale.date(d.date(), DateStyle::Long);
        escape(&cx.ui("data.as_of", &[("date", Arg::Text(formatted))]))
    });
    let parts: Vec<String> = source.into_iter().chain(date).collect();
    if parts.is_empty() {
        return None;
    }
    Some(format!("{}: {}", escape(&cx.ui("data.source", &[])), parts.join(", ")))
}

/// `html` followed by the table's source and date when the call says `cite=true`.
fn cite_if_asked(mut html: String, table: &Table, args: &Args, cx: &StatsContext) -> Result<String, ShortcodeError> {
    if args.flag("cite")?
        && let Some(cite) = citation(table, cx)
    {
        html.push_str(&format!(" <span class=\"cite\">({cite})</span>"));
    }
    Ok(html)
}

fn stat(call: &Call, cx: &StatsContext) -> Result<String, ShortcodeError> {
    let args = Args::new(call, &["table", "row", "col", "decimals", "unit", "cite"])?;
    let (table, row, col) =
        lookup(cx.data, &args.required("table")?, &args.required("row")?, &args.required("col")?, "col")?;
    let decimals = args.decimals("decimals")?.or(table.provenance.decimals);
    let unit = args.string("unit")?;
    let html = number_html(table.cell(row, col), cx, decimals, unit.as_deref());
    cite_if_asked(html, table, &args, cx)
}

/// Growth from one column to another, in percent.
fn change(call: &Call, cx: &StatsContext) -> Result<String, ShortcodeError> {
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

/// The rows and columns a call asks for (all when it does not say), in its order.
pub(crate) fn selection(
    table: &Table,
    args: &Args,
    default_columns: Option<Vec<usize>>,
) -> Result<(Vec<usize>, Vec<usize>), ShortcodeError> {
    let rows = match args.list("rows")? {
        Some(keys) => {
            keys.iter().map(|k| table.row(k).map_err(|e| at_arg(e, "rows"))).collect::<Result<Vec<_>, _>>()?
        }
        None => (0..table.rows.len()).collect(),
    };
    let cols = match args.list("cols")? {
        Some(keys) => {
            keys.iter().map(|k| table.column(k).map_err(|e| at_arg(e, "cols"))).collect::<Result<Vec<_>, _>>()?
        }
        None => default_columns.unwrap_or_else(|| (0..table.columns.len()).collect()),
    };
    Ok((rows, cols))
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
        html.push_str(&format!("<tr><th scope=\"row\">{}</th>", label(&table.rows[*r].label)));
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

fn table(call: &Call, cx: &StatsContext) -> Result<String, ShortcodeError> {
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
