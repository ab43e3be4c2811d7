//! One page's Markdown to HTML, with shortcodes, `@/` links, headings, code and hooks.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use regionprofil::highlight::Highlighter;
use regionprofil::diag::Diagnostic;
use regionprofil::markdown::{self, ArgValue, CallSite, DocInput, Hook, Host, Resolved};

static HIGHLIGHTER: LazyLock<Highlighter> = LazyLock::new(Highlighter::new);

/// A site with one page and two shortcodes: `echo` prints its `text`, `box` wraps its body.
struct FuzzHost;

impl Host for FuzzHost {
    fn resolve(&self, path: &str, _lang: usize) -> Resolved {
        match path {
            "side.md" => Resolved::Found { path: "/side/".into(), doc: 1 },
            _ => Resolved::Missing { hint: None },
        }
    }

    fn shortcode(&self, site: &CallSite, body: Option<&str>) -> Result<String, Diagnostic> {
        match (site.call.name.as_str(), body) {
            ("echo", None) => match site.call.arg("text").map(|a| &a.value) {
                Some(ArgValue::Str(s)) => Ok(format!("<b>{s}</b>")),
                _ => Err(Diagnostic::error("`text` must be a string").at(site.at_arg("text"))),
            },
            ("box", Some(body)) => Ok(format!("<div>{body}</div>")),
            (name, _) => Err(Diagnostic::error(format!("unknown shortcode `{name}`"))),
        }
    }

    fn hook(&self, hook: &Hook, _doc: usize) -> Option<Result<String, Diagnostic>> {
        match hook {
            Hook::Link { url, text, .. } => Some(Ok(format!("<a href=\"{url}\">{text}</a>"))),
            _ => None,
        }
    }

    fn highlighter(&self) -> &Highlighter {
        &HIGHLIGHTER
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(body) = std::str::from_utf8(data) else { return };
    const HEAD: &str = "---\ntitle: Fuzz\n---\n";
    let text = format!("{HEAD}{body}");
    let input = DocInput { doc: 0, lang: 0, file: "content/fuzz.md", text: &text, body: HEAD.len()..text.len() };
    let _ = markdown::render(&input, &FuzzHost);
});
