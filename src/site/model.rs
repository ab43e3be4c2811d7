//! The site model's types: the site, its documents, taxonomies, aliases and assets.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::urls;
use crate::config::Config;
use crate::content::publishing::Unpublished;
use crate::content::{Event, Job, PageTerms, SortBy};
use crate::dates::Moment;
use crate::ids::{DocId, LangId, SourceId};

#[derive(Debug)]
pub struct Site {
    pub config: Config,
    /// Sorted by (key, language).
    pub docs: Vec<Doc>,
    /// (translation key, language) → document.
    pub index: FxHashMap<(String, LangId), DocId>,
    /// The home page of each language.
    pub homes: Vec<DocId>,
    /// Documents that exist as files but are not part of this build, and why.
    pub unpublished: BTreeMap<(String, LangId), Unpublished>,
    /// Keys of content files that had errors (already reported).
    pub broken: std::collections::BTreeSet<String>,
    pub taxonomies: Vec<Taxonomy>,
    pub aliases: Vec<Alias>,
    pub assets: Vec<AssetCopy>,
}

impl Site {
    pub fn doc(&self, id: DocId) -> &Doc {
        &self.docs[id]
    }

    /// `doc`, its section, that section's, and so on up to its language's home.
    pub fn upward<'a>(&'a self, doc: &'a Doc) -> impl Iterator<Item = &'a Doc> {
        std::iter::successors(Some(doc), |d| d.parent.map(|id| self.doc(id)))
    }

    /// `doc` in `lang`: the member of its translation group in that language.
    pub fn in_lang(&self, doc: &Doc, lang: LangId) -> Option<&Doc> {
        doc.translations.iter().map(|id| self.doc(*id)).find(|d| d.lang == lang)
    }

    /// The document with this key in `lang`, else in the default language.
    pub fn resolve(&self, key: &str, lang: LangId) -> Option<DocId> {
        self.index.get(&(key.to_string(), lang)).or_else(|| self.index.get(&(key.to_string(), 0))).copied()
    }

    /// The document an `@/` path names for a page in `lang`, the one rule for links in
    /// Markdown and for `url`, `get_page` and `get_section` in templates. The path may
    /// name its language (`@/jobb/x.en.md`) and an anchor, which is ignored here.
    pub fn lookup(&self, path: &str, lang: LangId) -> Result<DocId, NotFound> {
        let (key, explicit) = self.key_of(path);
        let lang = explicit.unwrap_or(lang);
        if let Some(id) = self.resolve(&key, lang) {
            return Ok(id);
        }
        let left_out = self.unpublished.get(&(key.clone(), lang)).or_else(|| self.unpublished.get(&(key.clone(), 0)));
        if let Some(why) = left_out {
            return Err(NotFound::Unpublished { key, why: why.clone() });
        }
        if self.broken.contains(&key) {
            return Err(NotFound::Broken { key });
        }
        // The nearest page of the language, if one is near: a list of every page says
        // little on a site of thousands.
        let keys = self.docs.iter().filter(|d| d.lang == lang).map(|d| d.key.as_str());
        let hint = crate::diag::did_you_mean(&key, keys).map(|near| format!("did you mean `@/{near}`?"));
        Err(NotFound::Missing { key, hint })
    }

    /// `@/jobb/x.en.md#anchor` → the translation key `jobb/x.md` and the language the path
    /// names, if it names one.
    pub fn key_of(&self, path: &str) -> (String, Option<LangId>) {
        let path = path.trim().trim_start_matches("@/").trim_start_matches('/');
        let path = path.split('#').next().unwrap_or(path);
        if let Some(stem) = path.strip_suffix(".md")
            && let Some((base, suffix)) = stem.rsplit_once('.')
            && let Some(lang) = self.config.language(suffix)
        {
            return (format!("{base}.md"), Some(lang));
        }
        (path.to_string(), None)
    }

    /// The root-relative path of an output-relative path (`en/jobs/` → `/region/en/jobs/`).
    pub fn path_of(&self, rel: &str) -> String {
        [self.config.base_url.prefix.as_str(), rel].concat()
    }

    /// The absolute URL of an output-relative path.
    pub fn url_of(&self, rel: &str) -> String {
        self.config.base_url.url_of(rel)
    }

    /// The output-relative folder of a language's home: `""` or `en/`.
    pub fn lang_rel(&self, lang: LangId) -> String {
        urls::lang_rel(&self.config.languages[lang])
    }

    /// hreflang alternates of a document: (locale, absolute URL) of every real translation
    /// (a fallback page is not one) and `x-default`; empty when there is only one.
    pub fn alternates(&self, doc: &Doc) -> Vec<(String, String)> {
        if doc.is_fallback() {
            return Vec::new();
        }
        let real: Vec<&Doc> = doc.translations.iter().map(|id| self.doc(*id)).filter(|d| !d.is_fallback()).collect();
        if real.len() < 2 {
            return Vec::new();
        }
        let mut out: Vec<(String, String)> =
            real.iter().map(|d| (self.config.languages[d.lang].locale.clone(), self.url_of(&d.rel))).collect();
        let x_default = if doc.key == "_index.md" && self.config.has_language_chooser() {
            Some(self.url_of(""))
        } else {
            real.iter().find(|d| d.lang == 0).map(|d| self.url_of(&d.rel))
        };
        if let Some(url) = x_default {
            out.push(("x-default".into(), url));
        }
        out
    }

    pub fn sections(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(|d| d.is_section())
    }

    pub fn pages(&self) -> impl Iterator<Item = &Doc> {
        self.docs.iter().filter(|d| !d.is_section())
    }
}

/// Why an `@/` path names no document of this build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NotFound {
    /// The page exists but is left out of this build (draft, scheduled, expired).
    Unpublished { key: String, why: Unpublished },
    /// The page's own file has errors, reported already.
    Broken { key: String },
    /// No file has this path; `hint` names the nearest.
    Missing { key: String, hint: Option<String> },
}

impl std::fmt::Display for NotFound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NotFound::Unpublished { key, why } => write!(f, "`{key}` {}, so it is not in this build", why.describe()),
            NotFound::Broken { key } => {
                write!(f, "`{key}` has errors of its own (see above), so it cannot be used here")
            }
            NotFound::Missing { key, hint: Some(hint) } => write!(f, "no page `{key}` under content/; {hint}"),
            NotFound::Missing { key, hint: None } => write!(f, "no page `{key}` under content/"),
        }
    }
}

/// Where a document's Markdown comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    /// The document's file ([`Doc::source`]) from this byte, after its front matter, to its
    /// end: an edit of the Markdown alone leaves the model as it was.
    File { start: usize },
    /// No text (a home or section that has no `_index.md`).
    Empty,
}

#[derive(Clone, Debug)]
pub struct Doc {
    pub id: DocId,
    /// The translation key, which is also what `@/` links name: `jobb/sykepleier.md`.
    pub key: String,
    pub lang: LangId,
    /// The language the text is written in: differs from `lang` for a fallback page.
    pub text_lang: LangId,
    /// The file the document comes from, for messages and for `page.file`.
    pub source: Option<SourceId>,
    pub body: Body,
    pub meta: Meta,
    pub kind: Kind,
    pub slug: String,
    /// Output-relative folder: `en/jobs/nurse/` (home of the root language: `""`).
    pub rel: String,
    /// Folder of the section this document sits in (for pages and sections).
    pub parent_folder: Vec<String>,
    /// The folder this document owns (sections and page bundles), for assets.
    pub own_folder: Option<Vec<String>>,
    pub parent: Option<DocId>,
    /// Every language version, this one included, in language order.
    pub translations: Vec<DocId>,
    /// For a page made from a data row (`pages_from`), the row.
    pub row: Option<DataRow>,
}

impl Doc {
    pub fn is_section(&self) -> bool {
        matches!(self.kind, Kind::Section(_))
    }

    pub fn is_fallback(&self) -> bool {
        self.text_lang != self.lang
    }

    pub fn section(&self) -> Option<&SectionInfo> {
        match &self.kind {
            Kind::Section(info) => Some(info),
            Kind::Page => None,
        }
    }

    /// The output file: `en/jobs/nurse/index.html`.
    pub fn output_file(&self) -> String {
        format!("{}index.html", self.rel)
    }
}

/// Front matter common to pages and sections, validated.
#[derive(Clone, Debug, Default)]
pub struct Meta {
    pub title: String,
    pub description: Option<String>,
    pub date: Option<Moment>,
    pub updated: Option<Moment>,
    pub weight: Option<i64>,
    pub image: Option<String>,
    pub template: Option<String>,
    pub aliases: Vec<String>,
    pub taxonomies: PageTerms,
    // Boxed: few documents are jobs or events, and every document holds these.
    pub job: Option<Box<Job>>,
    pub event: Option<Box<Event>>,
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Front matter `search: false`: the page stays out of the search index.
    pub hidden_from_search: bool,
}

#[derive(Clone, Debug)]
pub enum Kind {
    Page,
    // Boxed: most documents are pages, and every document holds its kind.
    Section(Box<SectionInfo>),
}

#[derive(Clone, Debug, Default)]
pub struct SectionInfo {
    /// Its pages in this language, sorted.
    pub pages: Vec<DocId>,
    /// Its subsections, by weight then title.
    pub subsections: Vec<DocId>,
    pub sort_by: SortBy,
    /// Page size of its listing; 0 = one page.
    pub paginate: usize,
    pub page_template: Option<String>,
}

/// An old path that redirects to a document.
#[derive(Clone, Debug)]
pub struct Alias {
    /// Output-relative path: `gammel/side/` or `gammel.html`.
    pub rel: String,
    pub target: DocId,
}

impl Alias {
    pub fn output_file(&self) -> String {
        if self.rel.ends_with(".html") { self.rel.clone() } else { format!("{}index.html", self.rel) }
    }
}

/// A file from `content/` copied into the output.
#[derive(Clone, Debug)]
pub struct AssetCopy {
    pub source: SourceId,
    pub rel: String,
}

#[derive(Clone, Debug)]
pub struct Taxonomy {
    pub name: String,
    pub lang: LangId,
    /// Output-relative folder: `tags/`, `en/tags/`.
    pub rel: String,
    /// Sorted by name in the language's collation.
    pub terms: Vec<Term>,
}

#[derive(Clone, Debug)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub rel: String,
    /// Newest first.
    pub pages: Vec<DocId>,
}

/// The row a page was made from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataRow {
    pub table: String,
    pub row: usize,
}
