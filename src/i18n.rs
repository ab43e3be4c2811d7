//! UI strings: `i18n/LANG.yaml` of the theme, then of the site (a site key replaces the
//! theme's). Nested maps give dotted keys (`nav: {home: Hjem}` → `nav.home`); a map whose
//! keys are CLDR plural categories is one string with plural forms:
//!
//! ```yaml
//! jobs_count: { one: "{count} ledig stilling", other: "{count} ledige stillinger" }
//! ```
//!
//! A key missing in a language falls back to the default language; `check` reports it.

use std::collections::BTreeMap;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Location, suggest};
use crate::ids::LangId;
use crate::source::{Area, SourceTree};
use crate::yaml::{self, YamlSource};

/// Strings the built-in shortcodes use, in the languages regionprofil knows.
const BUILTIN: [(&str, &str); 4] = [
    ("nb", include_str!("i18n_builtin/nb.yaml")),
    ("nn", include_str!("i18n_builtin/nn.yaml")),
    ("en", include_str!("i18n_builtin/en.yaml")),
    ("de", include_str!("i18n_builtin/de.yaml")),
];

const PLURAL_CATEGORIES: [&str; 6] = ["zero", "one", "two", "few", "many", "other"];

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Text(String),
    /// Plural category → text; always has `other`.
    Plural(BTreeMap<String, String>),
}

#[derive(Debug, Default)]
pub struct I18n {
    /// Per language, key → string.
    tables: Vec<BTreeMap<String, Entry>>,
}

impl I18n {
    pub fn load(tree: &SourceTree, config: &Config) -> (I18n, Diagnostics) {
        let mut diags = Diagnostics::new();
        let mut tables = vec![BTreeMap::new(); config.languages.len()];
        // Built-in strings first; the theme's and the site's replace them key by key.
        for (lang, language) in config.languages.iter().enumerate() {
            let primary = language.locale.split('-').next().unwrap_or(&language.locale);
            let builtin = BUILTIN.iter().find(|(tag, _)| *tag == language.key || *tag == primary);
            if let Some((tag, text)) = builtin {
                let source = YamlSource::whole_file(tag, text);
                if let Ok(value) = yaml::to_json(text, source) {
                    let _ = flatten("", &value, &mut tables[lang]);
                }
            }
        }
        // The tree lists theme files before site files, so site keys are inserted last.
        for (_, file) in tree.area(Area::I18n) {
            let Some(stem) = file.rel.strip_suffix(".yaml").or_else(|| file.rel.strip_suffix(".yml")) else {
                continue;
            };
            let Some(lang) = config.language(stem) else {
                // A theme may carry languages this site does not use.
                if file.origin == crate::source::Origin::Theme {
                    continue;
                }
                diags.push(
                    Diagnostic::error(format!("`{stem}` is not a language of this site"))
                        .at(Location::file(&file.display))
                        .maybe_hint(suggest(stem, config.language_keys())),
                );
                continue;
            };
            let source = YamlSource::whole_file(&file.display, file.text());
            match yaml::to_json(file.text(), source) {
                Ok(serde_json::Value::Null) => {}
                Ok(value) => {
                    if let Err(message) = flatten("", &value, &mut tables[lang]) {
                        diags.push(Diagnostic::error(message).at(Location::file(&file.display)));
                    }
                }
                Err(d) => diags.push(d),
            }
        }
        (I18n { tables }, diags)
    }

    /// The string for `key` in `lang`, else in the default language, with the language it
    /// was found in.
    pub fn lookup(&self, key: &str, lang: LangId) -> Option<(&Entry, LangId)> {
        self.tables
            .get(lang)
            .and_then(|t| t.get(key))
            .map(|e| (e, lang))
            .or_else(|| self.tables.first().and_then(|t| t.get(key)).map(|e| (e, 0)))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> + Clone {
        self.tables.iter().flat_map(|t| t.keys()).map(String::as_str)
    }

    /// The text for `key` in `lang` (plural forms by `count`), with `{name}` filled in.
    pub fn text(&self, key: &str, lang: LangId, args: &[(&str, String)]) -> String {
        match self.lookup(key, lang) {
            Some((Entry::Text(text), _)) => interpolate(text, args),
            Some((Entry::Plural(forms), _)) => interpolate(forms.get("other").map_or("", String::as_str), args),
            None => key.to_string(),
        }
    }

    /// Keys some language has and `lang` lacks.
    pub fn missing(&self, lang: LangId) -> Vec<String> {
        let mut all: Vec<&String> = self.tables.iter().flat_map(|t| t.keys()).collect();
        all.sort();
        all.dedup();
        all.into_iter().filter(|k| !self.tables[lang].contains_key(*k)).cloned().collect()
    }
}

fn flatten(prefix: &str, value: &serde_json::Value, into: &mut BTreeMap<String, Entry>) -> Result<(), String> {
    let serde_json::Value::Object(map) = value else {
        return Err("a UI strings file must map keys to strings".into());
    };
    for (key, value) in map {
        let full = if prefix.is_empty() { key.clone() } else { format!("{prefix}.{key}") };
        match value {
            serde_json::Value::String(text) => {
                into.insert(full, Entry::Text(text.clone()));
            }
            serde_json::Value::Number(n) => {
                into.insert(full, Entry::Text(n.to_string()));
            }
            serde_json::Value::Object(inner) if is_plural(inner) => {
                let forms =
                    inner.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string())).collect();
                into.insert(full, Entry::Plural(forms));
            }
            serde_json::Value::Object(_) => flatten(&full, value, into)?,
            other => return Err(format!("the UI string `{full}` must be text, not {other}")),
        }
    }
    Ok(())
}

fn is_plural(map: &serde_json::Map<String, serde_json::Value>) -> bool {
    map.contains_key("other") && map.iter().all(|(k, v)| PLURAL_CATEGORIES.contains(&k.as_str()) && v.is_string())
}

/// Fills `{name}` placeholders from `args`.
pub fn interpolate(text: &str, args: &[(&str, String)]) -> String {
    let mut out = text.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_keys_flatten_and_plural_maps_stay_whole() {
        let value = serde_json::json!({
            "nav": {"home": "Hjem"},
            "jobs": {"one": "{count} ledig stilling", "other": "{count} ledige stillinger"}
        });
        let mut table = BTreeMap::new();
        flatten("", &value, &mut table).expect("valid");
        assert_eq!(table.get("nav.home"), Some(&Entry::Text("Hjem".into())));
        assert!(matches!(table.get("jobs"), Some(Entry::Plural(forms)) if forms.len() == 2));
        assert_eq!(interpolate("{count} ledige", &[("count", "3".into())]), "3 ledige");
    }
}
