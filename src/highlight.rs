//! Syntax highlighting with syntect: class names in the HTML, colours in a generated
//! stylesheet. The syntax set is loaded at most once per build, and only when a page has
//! a fenced code block with a language.

use std::sync::OnceLock;

use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

/// Class names carry this prefix so they cannot clash with a theme's own classes.
const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// The path of the generated stylesheet in the output.
pub const STYLESHEET_PATH: &str = "highlight.css";

#[derive(Default)]
pub struct Highlighter {
    syntaxes: OnceLock<SyntaxSet>,
}

impl Highlighter {
    pub fn new() -> Highlighter {
        Highlighter::default()
    }

    /// The highlighted inner HTML of a code block, or `None` when the language is unknown.
    pub fn highlight(&self, code: &str, language: &str) -> Option<String> {
        let syntaxes = self.syntaxes.get_or_init(SyntaxSet::load_defaults_newlines);
        let syntax = syntaxes.find_syntax_by_token(language)?;
        let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, syntaxes, CLASS_STYLE);
        for line in LinesWithEndings::from(code) {
            generator.parse_html_for_line_which_includes_newline(line).ok()?;
        }
        Some(generator.finalize())
    }
}

/// The names of the built-in colour themes.
pub fn theme_names() -> Vec<&'static str> {
    // The names are constants of syntect's bundled theme dump.
    const NAMES: [&str; 7] = [
        "InspiredGitHub",
        "Solarized (dark)",
        "Solarized (light)",
        "base16-eighties.dark",
        "base16-mocha.dark",
        "base16-ocean.dark",
        "base16-ocean.light",
    ];
    NAMES.to_vec()
}

/// The stylesheet for `theme`, one rule per highlight class.
pub fn stylesheet(theme: &str) -> Result<String, String> {
    let themes = ThemeSet::load_defaults();
    let theme = themes.themes.get(theme).ok_or_else(|| format!("unknown highlight theme `{theme}`"))?;
    css_for_theme_with_class_style(theme, CLASS_STYLE).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_theme_names_are_all_known() {
        let themes = ThemeSet::load_defaults();
        let mut bundled: Vec<&str> = themes.themes.keys().map(String::as_str).collect();
        bundled.sort();
        assert_eq!(bundled, theme_names());
    }

    #[test]
    fn code_gets_class_names_and_unknown_languages_none() {
        let h = Highlighter::new();
        let html = h.highlight("fn main() {}\n", "rust").unwrap_or_default();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(h.highlight("x", "no-such-language").is_none());
        let css = stylesheet("InspiredGitHub").unwrap_or_default();
        assert!(css.contains(".hl-"), "{css}");
    }
}
