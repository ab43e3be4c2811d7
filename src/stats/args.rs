//! A call's arguments, checked against what a shortcode takes, and the lookups they name.

use crate::data::{DataSet, LookupError, Table};
use crate::markdown::{ArgValue, Call, ShortcodeError};

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
