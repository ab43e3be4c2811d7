//! Taxonomies per language: the terms pages list under a front-matter key (`tags: [a, b]`),
//! each with its pages, newest first. Terms that make the same slug are one term.

use std::collections::{BTreeMap, HashMap};

use super::model::{Doc, Taxonomy, Term};
use crate::ids::DocId;
use crate::locale::Locales;
use crate::slug::slugify;

pub fn collect(
    names: &[String],
    lang_rels: &[String],
    docs: &[Doc],
    locales: &Locales,
    by_date: impl Fn(&DocId, &DocId) -> std::cmp::Ordering,
) -> Vec<Taxonomy> {
    let mut out = Vec::new();
    for name in names {
        for (lang, lang_rel) in lang_rels.iter().enumerate() {
            let rel = format!("{lang_rel}{name}/");
            let mut by_slug: BTreeMap<String, Term> = BTreeMap::new();
            // Many pages name the same few terms: each name is made a slug once.
            let mut slugs: HashMap<&str, String> = HashMap::new();
            for doc in docs.iter().filter(|d| d.lang == lang && !d.is_section()) {
                for term in doc.meta.taxonomies.get(name).into_iter().flatten() {
                    let slug = slugs.entry(term).or_insert_with(|| slugify(term)).clone();
                    if slug.is_empty() {
                        continue;
                    }
                    let entry = by_slug.entry(slug.clone()).or_insert_with(|| Term {
                        name: term.clone(),
                        rel: format!("{rel}{slug}/"),
                        slug,
                        pages: Vec::new(),
                    });
                    // A page's terms are all taken in turn, so a page that names a term
                    // twice (or two names of one slug) was the last one added.
                    if entry.pages.last() != Some(&doc.id) {
                        entry.pages.push(doc.id);
                    }
                }
            }
            let locale = locales.get(lang);
            let mut terms: Vec<Term> = by_slug.into_values().collect();
            for term in &mut terms {
                term.pages.sort_by(&by_date);
            }
            terms.sort_by(|a, b| locale.compare(&a.name, &b.name).then_with(|| a.slug.cmp(&b.slug)));
            out.push(Taxonomy { name: name.clone(), lang, rel, terms });
        }
    }
    out
}
