//! A call's arguments, checked against what a shortcode takes, and the lookups they name.
//! Every mistake is a diagnostic at the argument it is about.

use crate::data::{DataSet, Table};
use crate::diag::Diagnostic;
use crate::markdown::{ArgValue, CallSite};

/// The arguments of a call, checked against what a shortcode takes.
pub(crate) struct Args<'a> {
    site: &'a CallSite<'a>,
}

impl<'a> Args<'a> {
    pub(crate) fn new(site: &'a CallSite<'a>, known: &[&str]) -> Result<Args<'a>, Diagnostic> {
        let call = site.call;
        for arg in &call.args {
            if !known.contains(&arg.name.as_str()) {
                let hint = crate::diag::suggest(&arg.name, known.iter().copied());
                return Err(Diagnostic::error(format!("`{}` takes no argument `{}`", call.name, arg.name))
                    .maybe_hint(hint)
                    .at(site.at_arg(&arg.name)));
            }
        }
        Ok(Args { site })
    }

    fn value(&self, name: &str) -> Option<&'a ArgValue> {
        self.site.call.arg(name).map(|a| &a.value)
    }

    /// A mistake about the argument `name`, pointed at it.
    pub(crate) fn error(&self, name: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::error(message).at(self.site.at_arg(name))
    }

    /// A lookup's error, pointed at the argument that named what is missing.
    pub(crate) fn at(&self, name: &str, error: Diagnostic) -> Diagnostic {
        error.at(self.site.at_arg(name))
    }

    pub(crate) fn string(&self, name: &str) -> Result<Option<String>, Diagnostic> {
        match self.value(name) {
            None => Ok(None),
            Some(ArgValue::Str(s)) => Ok(Some(s.clone())),
            Some(ArgValue::Int(i)) => Ok(Some(i.to_string())),
            Some(other) => Err(self.wrong(name, "text", other)),
        }
    }

    pub(crate) fn required(&self, name: &str) -> Result<String, Diagnostic> {
        self.string(name)?.ok_or_else(|| {
            Diagnostic::error(format!("`{}` needs the argument `{name}`", self.site.call.name))
                .hint(format!("add {name}=\"…\""))
                .at(self.site.at())
        })
    }

    pub(crate) fn list(&self, name: &str) -> Result<Option<Vec<String>>, Diagnostic> {
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

    pub(crate) fn decimals(&self, name: &str) -> Result<Option<u32>, Diagnostic> {
        match self.value(name) {
            None => Ok(None),
            Some(ArgValue::Int(i)) if (0..=10).contains(i) => Ok(Some(*i as u32)),
            Some(other) => Err(self.wrong(name, "a whole number from 0 to 10", other)),
        }
    }

    pub(crate) fn flag(&self, name: &str) -> Result<bool, Diagnostic> {
        match self.value(name) {
            None => Ok(false),
            Some(ArgValue::Bool(b)) => Ok(*b),
            Some(other) => Err(self.wrong(name, "true or false", other)),
        }
    }

    fn wrong(&self, name: &str, expected: &str, found: &ArgValue) -> Diagnostic {
        self.error(name, format!("`{name}` must be {expected}, not {}", found.type_name()))
    }

    /// `table`, `row` and the column named by the argument `col_arg`, looked up together.
    pub(crate) fn lookup<'d>(&self, data: &'d DataSet, col_arg: &str) -> Result<(&'d Table, usize, usize), Diagnostic> {
        let (table, row, col) = (self.required("table")?, self.required("row")?, self.required(col_arg)?);
        let t = data.table(&table).map_err(|e| self.at("table", e))?;
        let r = t.row(&row).map_err(|e| self.at("row", e))?;
        let c = t.column(&col).map_err(|e| self.at(col_arg, e))?;
        Ok((t, r, c))
    }

    /// A mistake when `rows` × `cols` is more than a shortcode shows (`most`): a data file
    /// is not trusted, and a million-row table must not become a page nobody can load.
    pub(crate) fn fits(&self, rows: usize, cols: usize, most: usize, shows: &str) -> Result<(), Diagnostic> {
        if rows.saturating_mul(cols) <= most {
            return Ok(());
        }
        Err(self
            .error("table", format!("{rows} rows × {cols} columns is more than {shows} shows ({most} values at most)"))
            .hint("choose what to show with rows=[…] and cols=[…]"))
    }

    /// The rows and columns a call asks for (all when it does not say), in its order.
    pub(crate) fn selection(
        &self,
        table: &Table,
        default_columns: Option<Vec<usize>>,
    ) -> Result<(Vec<usize>, Vec<usize>), Diagnostic> {
        let rows = match self.list("rows")? {
            Some(keys) => {
                keys.iter().map(|k| table.row(k).map_err(|e| self.at("rows", e))).collect::<Result<_, _>>()?
            }
            None => (0..table.rows.len()).collect(),
        };
        let cols = match self.list("cols")? {
            Some(keys) => {
                keys.iter().map(|k| table.column(k).map_err(|e| self.at("cols", e))).collect::<Result<_, _>>()?
            }
            None => default_columns.unwrap_or_else(|| (0..table.columns.len()).collect()),
        };
        Ok((rows, cols))
    }
}
