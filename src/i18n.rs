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
use crate::locale::LocaleFormat;
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

/// A value for a `{name}` placeholder.
#[derive(Clone, Debug)]
pub enum Arg {
    Text(String),
    /// Written in the language's number format; as `count`, it picks the plural form.
    Number(f64),
}

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
            // A language regionprofil has no strings for gets the English ones.
            let builtin = BUILTIN.iter().find(|(tag, _)| *tag == language.key || *tag == primary);
            if let Some((tag, text)) = builtin.or_else(|| BUILTIN.iter().find(|(tag, _)| *tag == "en")) {
                let source = YamlSource::whole_file(tag, text);
                if let Ok(value) = yaml::to_json(text, source) {
                    let _ = flatten("", &value, &mut tables[lang]);
                }
            }
        }
        let builtin_keys: std::collections::BTreeSet<String> = tables.iter().flat_map(|t| t.keys().cloned()).collect();
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
                    let mut table = BTreeMap::new();
                    if let Err(message) = flatten("", &value, &mut table) {
                        diags.push(Diagnostic::error(message).at(Location::file(&file.display)));
                    }
                    for (key, entry) in table {
                        if matches!(entry, Entry::Plural(_)) && builtin_keys.contains(&key) {
                            let range =
                                yaml::locate_key(file.text(), &key.split('.').collect::<Vec<_>>()).unwrap_or(0..0);
                            diags.push(
                                Diagnostic::error(format!("the built-in UI string `{key}` cannot have plural forms"))
                                    .at(Location::in_text(&file.display, file.text(), range))
                                    .hint("the built-in shortcodes use it without a count: give it one text"),
                            );
                            continue;
                        }
                        tables[lang].insert(key, entry);
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

    /// The text for `key` in `lang`: its plural form chosen by the argument `count` under
    /// the language's plural rules, numbers written as the language writes them, `{name}`
    /// filled in from `args`. The one way a UI string is made, for `t()` in templates and
    /// for the built-in shortcodes.
    pub fn format(
        &self,
        key: &str,
        lang: LangId,
        locale: &LocaleFormat,
        args: &[(&str, Arg)],
    ) -> Result<String, Diagnostic> {
        let Some((entry, _)) = self.lookup(key, lang) else {
            let hint = suggest(key, self.keys()).unwrap_or_else(|| "add it to i18n/LANG.yaml".into());
            return Err(Diagnostic::error(format!("no UI string `{key}`")).hint(hint));
        };
        let text = match entry {
            Entry::Text(text) => text,
            Entry::Plural(forms) => {
                let count = args.iter().find_map(|(name, arg)| match arg {
                    Arg::Number(n) if *name == "count" => Some(*n),
                    _ => None,
                });
                let Some(count) = count else {
                    return Err(Diagnostic::error(format!("the UI string `{key}` has plural forms"))
                        .hint("give it a number as `count=`"));
                };
                let category = locale.plural_category(count);
                forms.get(category).or_else(|| forms.get("other")).map_or("", String::as_str)
            }
        };
        let args: Vec<(&str, String)> = args
            .iter()
            .map(|(name, arg)| match arg {
                Arg::Number(n) => (*name, locale.number(*n, None)),
                Arg::Text(text) => (*name, text.clone()),
            })
            .collect();
        Ok(interpolate(text, &args))
    }

    /// [`Self::format`] for the built-in strings, which every language has (load makes sure
    /// none has plural forms, as they are used without a count); the key itself if not.
    pub fn text(&self, key: &str, lang: LangId, locale: &LocaleFormat, args: &[(&str, Arg)]) -> String {
        self.format(key, lang, locale, args).unwrap_or_else(|_| key.to_string())
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

    #[test]
    fn every_ui_string_picks_its_plural_form_by_count_in_the_language_s_rules() {
        let locales = crate::locale::Locales::new(&["nb"]).expect("locale");
        let mut table = BTreeMap::new();
        let value =
            serde_json::json!({"jobs": {"one": "{count} ledig stilling", "other": "{count} ledige stillinger"}});
        flatten("", &value, &mut table).expect("valid");
        let i18n = I18n { tables: vec![table] };
        let nb = locales.get(0);
        let jobs = |count: f64| i18n.text("jobs", 0, nb, &[("count", Arg::Number(count))]);
        assert_eq!(jobs(1.0), "1 ledig stilling");
        assert_eq!(jobs(1500.0), "1\u{a0}500 ledige stillinger");
        let without_count = i18n.format("jobs", 0, nb, &[]).expect_err("plural forms need a count");
        assert_eq!(without_count.message, "the UI string `jobs` has plural forms");
    }
}
