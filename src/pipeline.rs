//! The build as one chain (see ARCHITECTURE.md):
//!
//! ```text
//! site folder ─source─▶ SourceTree ─config/content/data/i18n─▶ validated parts ─site─▶ Site
//!   ─render─▶ each file, minified (and the search index), to a Sink (build: written into
//!   the fresh folder at once)
//!   ─▶ Output (what is left: copies; photos, and in serve the search index, deferred)
//!   ─output::write (the deferred made while the copies are written; the swap)─▶ public/
//! ```
//!
//! Each stage reports every problem it finds and goes on with what it could use, so one
//! run shows all the mistakes; nothing is written unless there are none.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;

use crate::config::{Config, Overrides};
use crate::diag::{Diagnostic, Diagnostics};
use crate::locale::Locales;
use crate::render::RenderInputs;
use crate::render::output::{KeepAll, Output, Sink};
use crate::site::SiteOptions;
use crate::{content, data};
use crate::{coverage, i18n, output, render, site, source, timings};

/// What a build is asked to do.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub base_url: Option<String>,
    pub drafts: bool,
    pub now: Timestamp,
    /// Measure each stage's memory too, for `--timings`.
    pub timings: bool,
}

/// A site rendered in memory.
pub struct Generated {
    pub output: Output,
    pub timings: timings::Timings,
    pub summary: Summary,
    pub coverage: Arc<coverage::Coverage>,
}

/// Counts for the message after a build.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    /// (language key, pages, sections) per language.
    pub languages: Vec<(String, usize, usize)>,
    pub left_out: usize,
}

/// Reads, validates and renders the site, without writing anything.
pub fn generate(options: &BuildOptions) -> Result<(Generated, Diagnostics), Diagnostics> {
    generate_with(options, None)
}

/// What one build leaves for the next, so that `serve` redoes only what an edit reaches.
#[derive(Default)]
pub struct Memory {
    /// Each document's Markdown and each templated file, with what they read.
    pub render: render::memo::Memo,
    /// The site's files as they were read, with static files' hashes.
    pub read: source::ReadBefore,
    /// Each content file's front matter as it was parsed.
    pub parsed: content::ParsedBefore,
    /// The files the last walk of the site found, when it was clean (see [`source::Walk`]).
    pub walk: Option<source::Walk>,
    /// Set before a build when all that changed since the last are the contents of these
    /// files (paths from the site folder, as the watcher names them): the last walk is then
    /// taken again instead of walking the site, and the last site model too when the edits
    /// do not reach it. Taken by the build.
    pub edited: Option<Vec<String>>,
    /// The last build's site model (see [`KeptModel`]).
    pub model: Option<KeptModel>,
}

/// A site model, with what building it reported, kept for the next build: the model is
/// made of the site's files but the Markdown after each content file's front matter, so a
/// build after edits of that Markdown alone takes it again instead of loading the content
/// and building the model anew.
pub struct KeptModel {
    site: Arc<site::Site>,
    /// What loading the content and building the model reported.
    diags: Diagnostics,
    /// The translation coverage of the model: a function of it and of the UI strings,
    /// which are as they were whenever the model is kept.
    coverage: Arc<coverage::Coverage>,
    /// The "now" it was built at, and the first instant after that at which a page enters
    /// or leaves the site: between the two, the same files give the same model.
    built_at: Timestamp,
    valid_until: Option<Timestamp>,
}

impl KeptModel {
    /// Whether a build at `now` of the site as `tree` holds it gives this model, when the
    /// only files changed since it was built are `edited` (and the last walk was taken
    /// again, so no file came or went): each is a content file whose front matter, and
    /// where its Markdown begins, are as `parsed` holds them.
    fn holds_for(
        &self,
        edited: &[String],
        tree: &source::SourceTree,
        parsed: &content::ParsedBefore,
        now: Timestamp,
    ) -> bool {
        let in_time = self.built_at <= now && self.valid_until.is_none_or(|until| now < until);
        in_time
            && edited.iter().all(|name| {
                tree.area(source::Area::Content)
                    .find(|(_, file)| &file.display == name)
                    .is_some_and(|(_, file)| parsed.same_front_matter(file))
            })
    }
}

/// [`generate`], reusing what `memory` holds of an earlier build wherever its inputs are
/// unchanged, and leaving this build in `memory` for the next (`serve` rebuilds this way).
pub fn generate_with(
    options: &BuildOptions,
    memory: Option<&mut Memory>,
) -> Result<(Generated, Diagnostics), Diagnostics> {
    generate_into(options, memory, &KeepAll)
}

/// [`generate_with`], handing each rendered file to `sink` as soon as it is made.
fn generate_into(
    options: &BuildOptions,
    mut memory: Option<&mut Memory>,
    sink: &dyn Sink,
) -> Result<(Generated, Diagnostics), Diagnostics> {
    let mut timings = timings::Timings::new(options.timings);
    let reading_began = std::time::SystemTime::now();
    let nothing_read = source::ReadBefore::default();
    // The last walk and model are taken out whatever happens: a build that fails before it
    // has walked leaves none, and the next build walks the site and builds the model.
    let (earlier, last_walk, edited, model) = match memory.as_deref_mut() {
        Some(memory) => (&memory.read, Some(memory.walk.take()), memory.edited.take(), memory.model.take()),
        None => (&nothing_read, None, None, None),
    };
    let walked = last_walk.map(|walk| (walk, edited.as_deref()));
    let (loaded, walked_again) = load_with(options, earlier, walked)?;
    let Loaded { config, mut tree, mut diags, walk } = loaded;
    if let Some(memory) = memory.as_deref_mut() {
        memory.read = source::ReadBefore::of(&tree, reading_began);
        memory.walk = walk;
    }
    timings.lap("read files");
    let locale_tags: Vec<&str> = config.languages.iter().map(|l| l.locale.as_str()).collect();
    let locales = Locales::new(&locale_tags).map_err(|e| Diagnostics::from(Diagnostic::error(e)))?;
    let (i18n, i18n_diags) = i18n::I18n::load(&tree, &config);
    diags.extend(i18n_diags);
    let (data, data_diags) = data::load(&tree, &config);
    diags.extend(data_diags);
    diags.extend(data::age_warnings(&data, &config, options.now));
    timings.lap("data files");
    let model = model.filter(|model| {
        let parsed = memory.as_deref().map(|m| &m.parsed);
        match (walked_again, edited.as_deref(), parsed) {
            (true, Some(edited), Some(parsed)) => model.holds_for(edited, &tree, parsed, options.now),
            _ => false,
        }
    });
    let model = match model {
        Some(model) => model,
        None => {
            let parsed = memory.as_deref_mut().map(|m| &mut m.parsed);
            let (content, content_diags) = content::load(&tree, &config, parsed);
            timings.lap("front matter");
            let pages = content.files.iter().filter_map(|file| match &file.meta {
                content::FileMeta::Page(meta) => Some(&**meta),
                content::FileMeta::Section(_) => None,
            });
            let valid_until = content::publishing::next_change(pages, options.drafts, options.now, &config.time_zone);
            let site_options = SiteOptions { now: options.now, drafts: options.drafts };
            let (site, mut model_diags) = site::build(config, content, &data, &tree, &locales, &site_options);
            model_diags.extend(content_diags);
            let coverage = Arc::new(coverage::coverage(&site, &i18n));
            KeptModel { site: Arc::new(site), diags: model_diags, coverage, built_at: options.now, valid_until }
        }
    };
    let (site, coverage) = (model.site.clone(), model.coverage.clone());
    match memory.as_deref_mut() {
        Some(memory) => {
            diags.extend(model.diags.clone());
            memory.model = Some(model);
        }
        None => diags.extend(model.diags),
    }
    let summary = summarize(&site);
    timings.lap("site model");
    let inputs = RenderInputs { site, locales, i18n, data };
    let memo = memory.map(|m| &mut m.render);
    let (output, render_diags) = match render::render(inputs, &mut tree, &mut timings, memo, sink) {
        Ok(result) => result,
        Err(render_diags) => {
            diags.extend(render_diags);
            return Err(diags.sorted());
        }
    };
    diags.extend(render_diags);
    if diags.has_errors() {
        return Err(diags.sorted());
    }
    Ok((Generated { output, timings, summary, coverage }, diags.sorted()))
}

/// Reads `site.yaml` and the site's files.
pub fn load(options: &BuildOptions) -> Result<(Config, source::SourceTree, Diagnostics), Diagnostics> {
    load_with(options, &source::ReadBefore::default(), None)
        .map(|(loaded, _)| (loaded.config, loaded.tree, loaded.diags))
}

/// The configuration and files a build reads, and the walk to keep for the next.
struct Loaded {
    config: Config,
    tree: source::SourceTree,
    diags: Diagnostics,
    walk: Option<source::Walk>,
}

/// [`load`], taking what `earlier` read of files that are unchanged. With `walked` (the
/// last walk and the files edited since, see [`Memory`]), the walk is taken again where it
/// can be (then with `true`), and this build's walk is given back when it is clean, for
/// the next.
fn load_with(
    options: &BuildOptions,
    earlier: &source::ReadBefore,
    walked: Option<(Option<source::Walk>, Option<&[String]>)>,
) -> Result<(Loaded, bool), Diagnostics> {
    let text = source::read_config(&options.root)?;
    let overrides = Overrides { base_url: options.base_url.clone() };
    let config = Config::parse(&text, &overrides)?;
    let theme = config.theme.as_deref();
    let keep = walked.is_some();
    let again = walked.and_then(|(walk, edited)| walk?.again(theme, edited?));
    let walked_again = again.is_some();
    let (walk, mut diags) = match again {
        Some(walk) => (walk, Diagnostics::new()),
        None => source::walk_site(&options.root, theme)?,
    };
    let kept = (keep && walk.is_clean()).then(|| walk.clone());
    let (tree, read_diags) = source::read(&options.root, walk, earlier);
    diags.extend(read_diags);
    Ok((Loaded { config, tree, diags, walk: kept }, walked_again))
}

fn summarize(site: &site::Site) -> Summary {
    let languages = site
        .config
        .languages
        .iter()
        .enumerate()
        .map(|(lang, l)| {
            let pages = site.pages().filter(|d| d.lang == lang).count();
            let sections = site.sections().filter(|d| d.lang == lang).count();
            (l.key.clone(), pages, sections)
        })
        .collect();
    Summary { languages, left_out: site.unpublished.len() }
}

/// Renders the site and writes it to `out_dir`, all or nothing: each page is written into
/// a fresh folder as soon as it is rendered, and the folder takes the output's place once
/// everything is in it.
pub fn build(
    options: &BuildOptions,
    out_dir: &Path,
) -> Result<(Generated, output::write::WriteReport, Diagnostics), Diagnostics> {
    // A missing site folder or site.yaml is said before anything is made beside the output.
    source::read_config(&options.root)?;
    let fresh = output::write::prepare(out_dir, &options.root)?;
    let (mut generated, diags) = generate_into(options, None, &fresh)?;
    let report = fresh.finish(&mut generated.output)?;
    generated.timings.lap("write");
    Ok((generated, report, diags))
}
