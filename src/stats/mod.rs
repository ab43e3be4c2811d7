//! The built-in statistics shortcodes: `stat`, `change`, `table` and `chart`.
//!
//! Every lookup goes through [`DataSet::table`], [`Table::row`] and [`Table::column`], the
//! same path the `data` and `stat` template functions take, so a missing table, row or
//! column reads the same everywhere and points at the argument that names it.

mod args;
mod chart;
mod context;
mod html;
mod numbers;
mod plot;
mod scale;

use crate::diag::Diagnostic;
use crate::markdown::CallSite;
use crate::markdown::shortcode::ArgValue;
pub use context::StatsContext;

pub const BUILTINS: [&str; 4] = ["stat", "change", "table", "chart"];

/// Renders a built-in shortcode, or `None` when `call` is not one.
pub fn render(site: &CallSite, cx: &StatsContext) -> Option<Result<String, Diagnostic>> {
    if !BUILTINS.contains(&site.call.name.as_str()) {
        return None;
    }
    // A table that could not be read has its own error; one mistake reads as one error.
    if let Some(ArgValue::Str(table)) = site.call.arg("table").map(|a| &a.value)
        && cx.data.broken.contains(table)
    {
        return Some(Ok(String::new()));
    }
    let result = match site.call.name.as_str() {
        "stat" => numbers::stat(site, cx),
        "change" => numbers::change(site, cx),
        "table" => numbers::table(site, cx),
        "chart" => chart::chart(site, cx),
        _ => return None,
    };
    Some(result)
}
