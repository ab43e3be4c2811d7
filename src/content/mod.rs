//! The files under `content/`, classified and with their front matter validated.
//!
//! 1. Each path becomes a [`ContentFile`] (section, page or page bundle, in a language, with
//!    its translation key) or an [`AssetFile`] (any other file, copied beside its owner).
//! 2. Front matter is split and validated in parallel; every file's errors are kept.

mod file;
pub mod front_matter;
mod parsed;
pub mod publishing;
mod translations;

use std::sync::Arc;

use rayon::prelude::*;

use crate::config::Config;
use crate::diag::{Diagnostic, Diagnostics, Location};
use crate::ids::{LangId, SourceId};
use crate::source::{Area, SourceFile, SourceTree};
pub use file::{ContentFile, FileMeta};
pub use front_matter::{Event, Job, PageMeta, PageTerms, PagesFrom, SectionMeta, SortBy, Split};
use parsed::Parse;
pub use parsed::ParsedBefore;

/// A file in `content/` that is not Markdown: copied beside the document that owns its folder.
#[derive(Clone, Debug)]
pub struct AssetFile {
    pub source: SourceId,
    pub folder: Vec<String>,
    pub name: String,
}

#[derive(Debug, Default)]
pub struct Content {
    /// Sorted by (key, lang).
    pub files: Vec<ContentFile>,
    pub assets: Vec<AssetFile>,
    /// Keys of files that could not be read; their errors are reported once, and links to
    /// them are not reported again.
    pub broken: std::collections::BTreeSet<String>,
}

enum Kind {
    Section,
    Page { stem: String },
    Bundle,
}

struct Classified {
    source: SourceId,
    key: String,
    lang: LangId,
    folder: Vec<String>,
    kind: Kind,
}

/// Every usable content file; each file's problems are reported and the file left out.
/// With `parsed` (in `serve`), front matter an earlier build parsed from the same text is
/// taken from there, and `parsed` then holds this build's.
pub fn load(tree: &SourceTree, config: &Config, parsed: Option<&mut ParsedBefore>) -> (Content, Diagnostics) {
    let mut diags = Diagnostics::new();
    for name in config.taxonomies.iter().filter(|name| front_matter::PAGE_KEYS.contains(&name.as_str())) {
        diags.push(
            Diagnostic::error(format!("the taxonomy `{name}` has the name of a front matter key"))
                .at(config.locate(&["taxonomies"]))
                .hint(format!("`{name}:` in a page is already its {name}; give the taxonomy another name")),
        );
    }
    let mut classified = Vec::new();
    let mut assets = Vec::new();
    for (id, file) in tree.area(Area::Content) {
        match classify(id, &file.rel, &file.display, config) {
            Ok(Some(c)) => classified.push(c),
            Ok(None) => {
                let mut folder: Vec<String> = file.rel.split('/').map(str::to_string).collect();
                let name = folder.pop().unwrap_or_default();
                assets.push(AssetFile { source: id, folder, name });
            }
            Err(d) => diags.push(d),
        }
    }
    check_bundle_conflicts(&classified, tree, &mut diags);

    let taxonomies = &config.taxonomies;
    let earlier = parsed.as_deref().and_then(|p| p.usable_with(taxonomies));
    let keep = parsed.is_some();
    let results: Vec<_> =
        classified.into_par_iter().map(|c| (c.key.clone(), parse(c, tree, taxonomies, earlier, keep))).collect();
    let mut now = parsed.is_some().then(|| ParsedBefore::new(taxonomies));
    let mut files = Vec::new();
    let mut broken = std::collections::BTreeSet::new();
    for (key, result) in results {
        match result {
            Ok((file, parse)) => {
                if let (Some(now), Some(parse)) = (now.as_mut(), parse) {
                    now.insert(tree.file(file.source), file.is_section(), parse);
                }
                files.push(file);
            }
            Err(mistakes) => {
                diags.extend(mistakes);
                broken.insert(key);
            }
        }
    }
    files.sort_by(|a, b| (&a.key, a.lang).cmp(&(&b.key, b.lang)));
    let files = translations::settle(files, tree, &mut diags, &mut broken);
    diags.extend(files.iter().filter_map(|f| untitled_section(f, tree)));
    assets.sort_by(|a, b| (&a.folder, &a.name).cmp(&(&b.folder, &b.name)));
    if let (Some(parsed), Some(now)) = (parsed, now) {
        *parsed = now;
    }
    (Content { files, assets, broken }, diags)
}

/// A section (not the home page, which takes the site's title) without a `title`: its
/// menu entry and heading would show the folder's name.
fn untitled_section(file: &ContentFile, tree: &SourceTree) -> Option<Diagnostic> {
    let FileMeta::Section(meta) = &file.meta else { return None };
    let folder = file.folder.last().filter(|_| meta.title.is_none())?;
    let source = tree.file(file.source);
    let at = if file.split.has_front_matter { 0..3 } else { 0..0 };
    Some(
        Diagnostic::warning(format!(
            "the section `{folder}` has no `title`, so its menu entry and heading say `{folder}`"
        ))
        .at(Location::in_text(&source.display, source.text(), at))
        .hint("add `title: …` to its front matter (`---` lines at the top of the file)"),
    )
}

/// A classified file with its front matter, from `earlier` when it parsed the same text, and
/// what was parsed of it when that is to be kept (`keep`) for the next build: a build that
/// keeps nothing does not copy each file's front matter.
fn parse(
    c: Classified,
    tree: &SourceTree,
    taxonomies: &[String],
    earlier: Option<&ParsedBefore>,
    keep: bool,
) -> Result<(ContentFile, Option<Parse>), Diagnostics> {
    let file = tree.file(c.source);
    let is_section = matches!(c.kind, Kind::Section);
    let parse = match earlier.and_then(|e| e.get(file, is_section)) {
        Some(parse) => parse,
        None => Arc::new(parse_front_matter(file, is_section, taxonomies)?),
    };
    let ((split, meta), parse) =
        if keep { ((*parse).clone(), Some(parse)) } else { (Arc::unwrap_or_clone(parse), None) };
    let (stem, is_bundle) = match c.kind {
        Kind::Section => (String::new(), false),
        Kind::Page { stem } => (stem, false),
        Kind::Bundle => (c.folder.last().cloned().unwrap_or_default(), true),
    };
    let file =
        ContentFile { source: c.source, key: c.key, lang: c.lang, folder: c.folder, stem, is_bundle, split, meta };
    Ok((file, parse))
}

fn parse_front_matter(
    file: &SourceFile,
    is_section: bool,
    taxonomies: &[String],
) -> Result<(Split, FileMeta), Diagnostics> {
    let text = file.text();
    let split = front_matter::split(text, &file.display)?;
    let meta = if is_section {
        FileMeta::Section(Box::new(front_matter::parse_section(text, &split, &file.display)?))
    } else {
        FileMeta::Page(Box::new(front_matter::parse_page(text, &split, &file.display, taxonomies)?))
    };
    Ok((split, meta))
}

/// Whether a file name's last dotted part can be a language key (`en`, `nb`, `se`,
/// `en-GB`): two or three letters, then optional `-` parts.
fn looks_like_language(suffix: &str) -> bool {
    let mut parts = suffix.split('-');
    let first = parts.next().unwrap_or_default();
    (2..=3).contains(&first.len())
        && first.chars().all(|c| c.is_ascii_alphabetic())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()))
}

/// `jobb/sykepleier.en.md` → page `sykepleier` in `jobb/`, language `en`, key `jobb/sykepleier.md`.
fn classify(source: SourceId, rel: &str, display: &str, config: &Config) -> Result<Option<Classified>, Diagnostic> {
    let Some(without_md) = rel.strip_suffix(".md") else { return Ok(None) };
    let mut folder: Vec<String> = without_md.split('/').map(str::to_string).collect();
    let file_name = folder.pop().unwrap_or_default();
    let (stem, lang) = match file_name.rsplit_once('.') {
        // `budsjett.2026.md`: a dot in the name, not a language.
        Some((_, suffix)) if !looks_like_language(suffix) => (file_name.clone(), 0),
        Some((stem, suffix)) => match config.language(suffix) {
            Some(lang) => (stem.to_string(), lang),
            None => {
                let close = crate::diag::did_you_mean(suffix, config.language_keys())
                    .map(|k| format!("did you mean `{k}`? "))
                    .unwrap_or_default();
                return Err(Diagnostic::error(format!(
                    "`{suffix}` in `{file_name}.md` is not a language of this site"
                ))
                .at(Location::file(display))
                .hint(format!(
                    "{close}the languages of this site are {}; add `{suffix}` under `languages` in site.yaml, or rename the file",
                    language_list(config)
                )));
            }
        },
        None => (file_name.clone(), 0),
    };
    let folder_path = folder.join("/");
    let prefix = if folder_path.is_empty() { String::new() } else { format!("{folder_path}/") };
    let (kind, key) = match stem.as_str() {
        "_index" => (Kind::Section, format!("{prefix}_index.md")),
        "index" if folder.is_empty() => {
            return Err(Diagnostic::error("content/index.md would be a page at the site root")
                .at(Location::file(display))
                .hint("the home page is content/_index.md; rename the file"));
        }
        "index" => (Kind::Bundle, format!("{prefix}index.md")),
        _ => (Kind::Page { stem: stem.clone() }, format!("{prefix}{stem}.md")),
    };
    Ok(Some(Classified { source, key, lang, folder, kind }))
}

fn language_list(config: &Config) -> String {
    config.language_keys().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(", ")
}

/// A folder cannot be both a section (`_index.md`) and a page bundle (`index.md`).
fn check_bundle_conflicts(files: &[Classified], tree: &SourceTree, diags: &mut Diagnostics) {
    for bundle in files.iter().filter(|c| matches!(c.kind, Kind::Bundle)) {
        if let Some(section) = files.iter().find(|c| matches!(c.kind, Kind::Section) && c.folder == bundle.folder) {
            diags.push(
                Diagnostic::error(format!(
                    "{} and {} both claim the folder content/{}",
                    tree.file(bundle.source).display,
                    tree.file(section.source).display,
                    bundle.folder.join("/")
                ))
                .at(Location::file(&tree.file(bundle.source).display))
                .hint("a folder is either a section (_index.md) or a page bundle (index.md)"),
            );
        }
    }
}
