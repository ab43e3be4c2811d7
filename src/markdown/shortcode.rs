//! Finding shortcodes in Markdown, outside code blocks and code spans:
//!
//! ```text
//! {{ stat(table="befolkning", row="0501 Lillehammer", col="31.12.2013") }}
//! {% note(kind="tip") %}
//! Markdown **body**
//! {% end %}
//! ```
//!
//! Arguments are `name=value` with strings (`"…"` or `'…'`), numbers, booleans and lists.
//! Every call and argument keeps its byte span, so errors point at the right column.

use std::collections::HashMap;
use std::ops::Range;

use serde::Serialize;

use crate::diag::{Diagnostic, Location};

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ArgValue {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<ArgValue>),
}

impl ArgValue {
    pub fn type_name(&self) -> &'static str {
        match self {
            ArgValue::Str(_) => "a string",
            ArgValue::Int(_) | ArgValue::Float(_) => "a number",
            ArgValue::Bool(_) => "a boolean",
            ArgValue::List(_) => "a list",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub name: String,
    pub value: ArgValue,
    /// From the name to the end of the value.
    pub span: Range<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Call {
    pub name: String,
    pub name_span: Range<usize>,
    pub args: Vec<Arg>,
    /// The whole call, from `{{`/`{%` to `}}`/`{% end %}`.
    pub span: Range<usize>,
    /// The Markdown between `%}` and `{% end %}` for the body form.
    pub body: Option<Range<usize>>,
}

impl Call {
    pub fn arg(&self, name: &str) -> Option<&Arg> {
        self.args.iter().find(|a| a.name == name)
    }
}

/// How deep lists may nest in an argument (`[["a"]]` is 2).
const MAX_LIST_DEPTH: usize = 8;

/// A mistake in a call, at a byte span of the text being searched; [`find`] gives it its
/// place in the file.
#[derive(Clone, Debug, PartialEq, Eq)]
struct ParseError {
    message: String,
    span: Range<usize>,
    hint: Option<String>,
}

/// The top-level shortcode calls in `text`, and its mistakes located by `locate` (from a
/// byte span of `text`); calls inside a body are found when the body is rendered. `code`
/// are the byte ranges of code blocks and spans, which are left alone.
pub fn find(
    text: &str,
    code: &[Range<usize>],
    locate: impl Fn(Range<usize>) -> Location,
) -> (Vec<Call>, Vec<Diagnostic>) {
    let (calls, errors) = find_spans(text, code);
    let errors =
        errors.into_iter().map(|e| Diagnostic::error(e.message).at(locate(e.span)).maybe_hint(e.hint)).collect();
    (calls, errors)
}

fn find_spans(text: &str, code: &[Range<usize>]) -> (Vec<Call>, Vec<ParseError>) {
    let mut calls = Vec::new();
    let mut errors = Vec::new();
    // Where each body call ends, found for all of them in one pass when the first is met.
    let mut ends: Option<HashMap<usize, (usize, usize)>> = None;
    let mut at = 0;
    while let Some(offset) = memchr::memchr(b'{', &text.as_bytes()[at..]) {
        let start = at + offset;
        if let Some(range) = in_code(code, start) {
            at = range.end.max(start + 1);
            continue;
        }
        let rest = &text[start..];
        if let Some(error) = hugo_shortcode(rest, start) {
            at = error.span.end;
            errors.push(error);
            continue;
        }
        let block = rest.starts_with("{%");
        if !(block || rest.starts_with("{{")) {
            at = start + 1;
            continue;
        }
        let mut p = Parser { text, pos: start + 2 };
        p.skip_ws();
        let name_start = p.pos;
        let name = p.ident();
        p.skip_ws();
        if name.is_empty() || !p.at('(') {
            if block && name == "end" && p.rest().trim_start().starts_with("%}") {
                errors.push(ParseError {
                    message: "`{% end %}` without a shortcode to close".into(),
                    span: start..p.pos + p.rest().find("%}").map_or(0, |i| i + 2),
                    hint: Some("open a body shortcode first: {% name() %} … {% end %}".into()),
                });
            }
            // Not a shortcode: `{{` in prose stays as it is.
            at = start + 2;
            continue;
        }
        let name_span = name_start..name_start + name.len();
        match p.call_rest(block) {
            Ok(args) => {
                let head_end = p.pos;
                if block {
                    match ends.get_or_insert_with(|| body_ends(text, code)).get(&start).copied() {
                        Some((body_end, end_end)) => {
                            calls.push(Call {
                                name: name.to_string(),
                                name_span,
                                args,
                                span: start..end_end,
                                body: Some(head_end..body_end),
                            });
                            at = end_end;
                        }
                        None => {
                            errors.push(ParseError {
                                message: format!("the shortcode `{name}` is never closed"),
                                span: start..head_end,
                                hint: Some("end its body with `{% end %}`".into()),
                            });
                            at = head_end;
                        }
                    }
                } else {
                    calls.push(Call { name: name.to_string(), name_span, args, span: start..head_end, body: None });
                    at = head_end;
                }
            }
            Err(e) => {
                // A call that runs past the end of its paragraph (or of the file) was left
                // open: say so where it starts, not where the parser gave up.
                let between = &text[start..e.span.start.min(text.len())];
                let e = if e.span.start >= text.len() || between.contains("\n\n") || between.contains("\n\r\n") {
                    let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
                    let close = if block { "%}" } else { "}}" };
                    ParseError {
                        message: format!("the shortcode `{name}` is not closed"),
                        span: start..line_end.max(name_span.end),
                        hint: Some(format!("finish the call with `)` and `{close}` before the paragraph ends")),
                    }
                } else {
                    e
                };
                // Skip the body of a broken body shortcode too, so its `{% end %}` is not
                // reported again as a stray.
                at = e.span.end.max(start + 2);
                if block && let Some((_, end)) = ends.get_or_insert_with(|| body_ends(text, code)).get(&start) {
                    at = at.max(*end);
                }
                errors.push(e);
            }
        }
    }
    (calls, errors)
}

/// Hugo's `{{< name … >}}` or `{{% name … %}}` (or its closing `{{< /name >}}`) at the start
/// of `rest`, which is at `start` in the text: a site moved from Hugo keeps its calls, which
/// would otherwise be shown as text.
fn hugo_shortcode(rest: &str, start: usize) -> Option<ParseError> {
    let (open, close) = [("{{<", ">}}"), ("{{%", "%}}")].into_iter().find(|(open, _)| rest.starts_with(open))?;
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    let inner = line[open.len()..].trim_start();
    let name: String =
        inner.trim_start_matches('/').chars().take_while(|c| c.is_alphanumeric() || "_-".contains(*c)).collect();
    let length = line.find(close)? + close.len();
    if name.is_empty() {
        return None;
    }
    let hint = match inner.starts_with('/') {
        true => "a shortcode's body ends with {% end %} here".to_string(),
        false => format!(
            "write {{{{ {name}() }}}}, or {{% {name}() %}} … {{% end %}} around a body; in `code` it is shown as text"
        ),
    };
    Some(ParseError {
        message: format!("`{}` is a Hugo shortcode", &line[..length]),
        span: start..start + length,
        hint: Some(hint),
    })
}

/// The `{% end %}` that closes a body opened before `from`, skipping nested bodies and code:
/// (where the body ends, where the `{% end %}` ends).
/// For the `{%` of each body call, where its `{% end %}` starts and ends: every call's end
/// found in one pass, matched as brackets are (the innermost open call first), so a page of
/// calls never closed costs one pass, not one per call.
fn body_ends(text: &str, code: &[Range<usize>]) -> HashMap<usize, (usize, usize)> {
    let mut open: Vec<usize> = Vec::new();
    let mut ends = HashMap::new();
    let mut at = 0;
    while let Some(offset) = memchr::memmem::find(&text.as_bytes()[at..], b"{%") {
        let start = at + offset;
        if let Some(range) = in_code(code, start) {
            at = range.end.max(start + 1);
            continue;
        }
        let mut p = Parser { text, pos: start + 2 };
        p.skip_ws();
        let name = p.ident();
        p.skip_ws();
        at = start + 2;
        if name == "end" && p.rest().starts_with("%}") {
            if let Some(opened) = open.pop() {
                ends.insert(opened, (start, p.pos + 2));
            }
        } else if !name.is_empty() && p.at('(') {
            open.push(start);
            // What is inside the call's head (its arguments) opens and closes nothing.
            at = match p.call_rest(true) {
                Ok(_) => p.pos,
                Err(e) => e.span.end.max(start + 2),
            };
        }
    }
    ends
}

/// The code block or span that holds `pos`, if one does (`code` is in order).
fn in_code(code: &[Range<usize>], pos: usize) -> Option<&Range<usize>> {
    let after = code.partition_point(|r| r.start <= pos);
    after.checked_sub(1).map(|i| &code[i]).filter(|r| r.contains(&pos))
}

struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }

    fn at(&self, c: char) -> bool {
        self.rest().starts_with(c)
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_ws(&mut self) {
        let rest = self.rest();
        self.pos += rest.len() - rest.trim_start().len();
    }

    fn ident(&mut self) -> &'a str {
        let rest = self.rest();
        let len = rest
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_alphanumeric() || *c == '_' || (*i > 0 && *c == '-')))
            .map_or(rest.len(), |(i, _)| i);
        let ident = &rest[..len];
        if ident.starts_with(|c: char| c.is_ascii_digit()) {
            return "";
        }
        self.pos += len;
        ident
    }

    fn error(&self, message: impl Into<String>, span: Range<usize>, hint: Option<&str>) -> ParseError {
        ParseError { message: message.into(), span, hint: hint.map(str::to_string) }
    }

    /// From `(` to the closing `}}` or `%}`.
    fn call_rest(&mut self, block: bool) -> Result<Vec<Arg>, ParseError> {
        let close = if block { "%}" } else { "}}" };
        self.pos += 1; // (
        let mut args: Vec<Arg> = Vec::new();
        loop {
            self.skip_ws();
            if self.at(')') {
                self.pos += 1;
                break;
            }
            let arg_start = self.pos;
            let name = self.ident();
            if name.is_empty() {
                let end = self.token_end();
                return Err(self.error(
                    format!("expected an argument name, found `{}`", &self.text[arg_start..end]),
                    arg_start..end,
                    Some("arguments are written name=value, separated by commas"),
                ));
            }
            self.skip_ws();
            if !self.at('=') {
                return Err(self.error(
                    format!("the argument `{name}` has no value"),
                    arg_start..self.pos,
                    Some("write name=value, for example kind=\"tip\""),
                ));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value(0)?;
            if args.iter().any(|a| a.name == name) {
                return Err(self.error(format!("the argument `{name}` is given twice"), arg_start..self.pos, None));
            }
            args.push(Arg { name: name.to_string(), value, span: arg_start..self.pos });
            self.skip_ws();
            if self.at(',') {
                self.pos += 1;
            } else if !self.at(')') {
                let end = self.token_end();
                return Err(self.error(
                    "expected `,` or `)` after an argument",
                    self.pos..end.max(self.pos + 1).min(self.text.len()),
                    Some("separate arguments with commas and close the list with `)`"),
                ));
            }
        }
        self.skip_ws();
        if self.rest().starts_with(close) {
            self.pos += 2;
            Ok(args)
        } else {
            let end = self.token_end();
            Err(self.error(format!("expected `{close}` to end the shortcode"), self.pos..end, None))
        }
    }

    fn token_end(&self) -> usize {
        let rest = self.rest();
        self.pos
            + rest.find(|c: char| c.is_whitespace() || ",)}".contains(c)).unwrap_or(rest.len()).max(1).min(rest.len())
    }

    /// A value; `depth` is how many lists it is inside, bounded so that `[[[[…` cannot
    /// overflow the stack.
    fn value(&mut self, depth: usize) -> Result<ArgValue, ParseError> {
        let start = self.pos;
        match self.peek() {
            Some(q @ ('"' | '\'')) => self.string(q).map(ArgValue::Str),
            Some('[') if depth >= MAX_LIST_DEPTH => Err(self.error(
                format!("lists in an argument nest at most {MAX_LIST_DEPTH} deep"),
                start..start + 1,
                None,
            )),
            Some('[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws();
                    if self.at(']') {
                        self.pos += 1;
                        return Ok(ArgValue::List(items));
                    }
                    items.push(self.value(depth + 1)?);
                    self.skip_ws();
                    if self.at(',') {
                        self.pos += 1;
                    } else if !self.at(']') {
                        return Err(self.error("expected `,` or `]` in a list", self.pos..self.token_end(), None));
                    }
                }
            }
            Some(c) if c == '-' || c.is_ascii_digit() => {
                let rest = self.rest();
                let len = rest
                    .char_indices()
                    .find(|(i, c)| !(c.is_ascii_digit() || *c == '.' || (*i == 0 && *c == '-')))
                    .map_or(rest.len(), |(i, _)| i);
                let text = &rest[..len];
                self.pos += len;
                if let Ok(int) = text.parse::<i64>() {
                    Ok(ArgValue::Int(int))
                } else if let Some(float) = text.parse::<f64>().ok().filter(|f| f.is_finite()) {
                    Ok(ArgValue::Float(float))
                } else {
                    Err(self.error(format!("`{text}` is not a number"), start..self.pos, None))
                }
            }
            _ => {
                let word = self.ident();
                match word {
                    "true" => Ok(ArgValue::Bool(true)),
                    "false" => Ok(ArgValue::Bool(false)),
                    _ => {
                        let end = if word.is_empty() { self.token_end() } else { self.pos };
                        let end = end.max(start + 1).min(self.text.len());
                        Err(self.error(
                            format!("`{}` is not a value", &self.text[start..end]),
                            start..end,
                            Some("quote text (\"…\"), or use a number, true, false or a list [\"a\", \"b\"]"),
                        ))
                    }
                }
            }
        }
    }

    fn string(&mut self, quote: char) -> Result<String, ParseError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                c if c == quote => {
                    self.pos += i + 1;
                    return Ok(out);
                }
                '\\' => match chars.next() {
                    Some((_, 'n')) => out.push('\n'),
                    Some((_, 't')) => out.push('\t'),
                    Some((_, other)) => out.push(other),
                    None => break,
                },
                c => out.push(c),
            }
        }
        let line_end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        Err(self.error(
            "this string is never closed",
            start..line_end,
            Some("end it with the same quote it starts with"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Call {
        let (calls, errors) = find_spans(text, &[]);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(calls.len(), 1, "{calls:?}");
        calls.into_iter().next().unwrap_or_else(|| unreachable!())
    }

    #[test]
    fn inline_call_with_every_argument_type() {
        let text = r#"Folketall: {{ stat(table="befolkning", row='0501 Lillehammer', decimals=0, share=-1.5, cite=true, cols=["a", "b"]) }}."#;
        let call = one(text);
        assert_eq!(call.name, "stat");
        assert_eq!(&text[call.span.clone()], &text[11..text.len() - 1]);
        let values: Vec<_> = call.args.iter().map(|a| (a.name.as_str(), a.value.clone())).collect();
        assert_eq!(
            values,
            [
                ("table", ArgValue::Str("befolkning".into())),
                ("row", ArgValue::Str("0501 Lillehammer".into())),
                ("decimals", ArgValue::Int(0)),
                ("share", ArgValue::Float(-1.5)),
                ("cite", ArgValue::Bool(true)),
                ("cols", ArgValue::List(vec![ArgValue::Str("a".into()), ArgValue::Str("b".into())])),
            ]
        );
    }

    #[test]
    fn body_call_with_nesting() {
        let text = "{% note(kind=\"tip\") %}\nA {% note() %}inner{% end %} B\n{% end %}\nafter";
        let call = one(text);
        let body = call.body.clone().unwrap_or(0..0);
        assert_eq!(&text[body], "\nA {% note() %}inner{% end %} B\n");
        assert!(text[call.span].ends_with("{% end %}"));
    }

    #[test]
    fn code_is_skipped_and_prose_braces_are_text() {
        let text = "`{{ stat(x=1) }}` and {{ not a shortcode }} and {{ real() }}";
        let code_span = text.find(" and").unwrap_or(0);
        let (calls, errors) = find_spans(text, std::slice::from_ref(&(0..code_span)));
        assert!(errors.is_empty());
        assert_eq!(calls.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["real"]);
    }

    #[test]
    fn a_hugo_shortcode_is_an_error_that_says_how_to_write_it() {
        let text = "a {{< figure src=\"x.jpg\" >}} b {{% note %}}c{{% /note %}} `{{< x >}}` {{<3 and {{< y";
        let code = text.find('`').map(|i| i..i + 11).into_iter().collect::<Vec<_>>();
        let (calls, errors) = find_spans(text, &code);
        assert!(calls.is_empty());
        let found: Vec<(&str, &str)> =
            errors.iter().map(|e| (&text[e.span.clone()], e.hint.as_deref().unwrap_or_default())).collect();
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0].0, "{{< figure src=\"x.jpg\" >}}");
        assert!(found[0].1.starts_with("write {{ figure() }}, or {% figure() %}"), "{}", found[0].1);
        assert_eq!(found[1].0, "{{% note %}}");
        assert_eq!(found[2].0, "{{% /note %}}");
        assert!(found[2].1.contains("{% end %}"), "{}", found[2].1);
    }

    #[test]
    fn errors_carry_spans_and_hints() {
        let text = "x {{ stat(table=befolkning) }}";
        let (_, errors) = find_spans(text, &[]);
        assert_eq!(errors[0].message, "`befolkning` is not a value");
        assert_eq!(&text[errors[0].span.clone()], "befolkning");

        let (_, errors) = find_spans("{% note() %}\nnever closed", &[]);
        assert_eq!(errors[0].message, "the shortcode `note` is never closed");

        let (_, errors) = find_spans("{{ stat(\"x\") }}", &[]);
        assert!(errors[0].message.starts_with("expected an argument name"), "{:?}", errors[0]);

        let (_, errors) = find_spans("{{ stat(a=\"open) }}", &[]);
        assert_eq!(errors[0].message, "this string is never closed");

        let deep = format!("{{{{ x(a={}) }}}}", "[".repeat(10_000));
        let (_, errors) = find_spans(&deep, &[]);
        assert!(errors[0].message.contains("nest at most 8 deep"), "{:?}", errors[0]);

        let (_, errors) = find_spans("text {% end %}", &[]);
        assert!(errors[0].message.contains("without a shortcode"));
    }
}
