//! Output-relative folders (`en/jobs/nurse/`) for documents in each language, from the
//! language's path and the slugs of the sections on the way, translated where a section
//! has a translation.

use std::collections::BTreeMap;

use crate::config::Language;
use crate::ids::LangId;
use crate::slug::slugify;

/// The output-relative folder of a language's home: `""` or `en/`.
pub fn lang_rel(language: &Language) -> String {
    if language.path.is_empty() { String::new() } else { format!("{}/", language.path) }
}

/// The slugs of sections by (folder, language), to translate each folder on a URL's way.
pub struct SectionSlugs<'a> {
    pub slugs: &'a BTreeMap<(Vec<String>, LangId), String>,
}

impl SectionSlugs<'_> {
    /// `["jobb", "helse"]` in `en` → `jobs/health/`: each folder's section slug in this
    /// language, else in the default language, else the folder name made a slug.
    pub fn folder_rel(&self, folder: &[String], lang: LangId) -> String {
        let mut rel = String::new();
        let mut key = (Vec::with_capacity(folder.len()), lang);
        for name in folder {
            key.0.push(name.clone());
            key.1 = lang;
            let mut slug = self.slugs.get(&key);
            if slug.is_none() {
                key.1 = 0;
                slug = self.slugs.get(&key);
            }
            match slug {
                Some(slug) => rel.push_str(slug),
                None => rel.push_str(&slugify(name)),
            }
            rel.push('/');
        }
        rel
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_use_translated_slugs_then_default_then_name() {
        let mut slugs = BTreeMap::new();
        slugs.insert((vec!["jobb".to_string()], 0), "jobb".to_string());
        slugs.insert((vec!["jobb".to_string()], 1), "jobs".to_string());
        slugs.insert((vec!["jobb".to_string(), "helse".to_string()], 0), "helse".to_string());
        let s = SectionSlugs { slugs: &slugs };
        let folder = ["jobb".to_string(), "helse".to_string(), "Ekstra Mappe".to_string()];
        assert_eq!(s.folder_rel(&folder, 1), "jobs/helse/ekstra-mappe/");
        assert_eq!(s.folder_rel(&folder, 0), "jobb/helse/ekstra-mappe/");
    }
}
