//! Translation coverage: per language, the documents and UI strings it lacks.

use serde::Serialize;

use crate::i18n::I18n;
use crate::site::Site;

#[derive(Clone, Debug, Default, Serialize)]
pub struct Coverage {
    pub languages: Vec<LanguageCoverage>,
}

#[derive(Clone, Debug, Serialize)]
pub struct LanguageCoverage {
    pub lang: String,
    /// Documents written in this language.
    pub translated: usize,
    /// Documents written in any language.
    pub total: usize,
    pub missing_pages: Vec<MissingPage>,
    pub missing_ui_strings: Vec<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MissingPage {
    /// The `@/` key.
    pub key: String,
    /// The file it would be: `content/jobb/sykepleier.en.md`.
    pub file: String,
    /// What the language has instead.
    pub instead: Instead,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Instead {
    /// Nothing: the language lacks the page (`missing: skip`).
    Nothing,
    /// The page built from the default language's text (`missing: fallback`).
    Fallback,
    /// A home page made from the language's title in site.yaml.
    SiteTitle,
}

impl Coverage {
    pub fn missing_count(&self) -> usize {
        self.languages.iter().map(|l| l.missing_pages.len() + l.missing_ui_strings.len()).sum()
    }
}

pub fn coverage(site: &Site, i18n: &I18n) -> Coverage {
    let mut keys: Vec<&str> =
        site.docs.iter().filter(|d| d.source.is_some() && !d.is_fallback()).map(|d| d.key.as_str()).collect();
    keys.sort_unstable();
    keys.dedup();
    let languages = site
        .config
        .languages
        .iter()
        .enumerate()
        .map(|(lang, language)| {
            let mut missing_pages = Vec::new();
            let mut translated = 0;
            for key in &keys {
                let instead = match site.index.get(&(key.to_string(), lang)).map(|id| site.doc(*id)) {
                    Some(doc) if doc.source.is_none() => Instead::SiteTitle,
                    Some(doc) if doc.is_fallback() => Instead::Fallback,
                    Some(_) => {
                        translated += 1;
                        continue;
                    }
                    None => Instead::Nothing,
                };
                missing_pages.push(MissingPage { key: key.to_string(), file: file_for(key, lang, site), instead });
            }
            LanguageCoverage {
                lang: language.key.clone(),
                translated,
                total: keys.len(),
                missing_pages,
                missing_ui_strings: i18n.missing(lang),
            }
        })
        .collect();
    Coverage { languages }
}

/// `jobb/sykepleier.md` in `en` → `content/jobb/sykepleier.en.md`.
fn file_for(key: &str, lang: usize, site: &Site) -> String {
    let stem = key.strip_suffix(".md").unwrap_or(key);
    if lang == 0 { format!("content/{key}") } else { format!("content/{stem}.{}.md", site.config.languages[lang].key) }
}
