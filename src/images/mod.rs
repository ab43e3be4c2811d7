//! Photos published for phones: each JPEG, PNG or WebP a page shows is published in the
//! widths of `images.widths` (none wider than the original) in its own format and as WebP,
//! for a `<picture>` that lets the browser take the smallest file that is sharp enough.
//!
//! Rendering asks the [`Catalog`] for a photo's [`Picture`]: it reads only the file's header
//! (its size, its format, which way up it is) and names the versions by a hash of the file
//! and the settings, so pages render without waiting for pixels. The versions asked for are
//! made afterwards ([`make`]), in parallel, while the pages are written, and kept in a
//! cache folder outside the output, so an unchanged photo is made once.

mod decode;
mod encode;
mod format;
mod known;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use rayon::prelude::*;
use serde::Serialize;

pub use decode::{MAX_PIXELS, MAX_SIDE};
pub use format::Format;

/// The cache folder, in the site's folder: `.regionprofil-cache/images/`.
pub const CACHE_FOLDER: &str = ".regionprofil-cache";

/// Changes when the same settings would make different files, so old cached versions are
/// not taken for new ones.
const PIPELINE_VERSION: u64 = 1;

/// `images:` in site.yaml: how photos are published.
#[derive(Clone, Debug, serde::Deserialize, serde::Serialize, PartialEq, Eq, Hash)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// The widths each photo is published in, in pixels; none wider than the original.
    #[serde(default = "default_image_widths")]
    pub widths: Vec<u32>,
    /// JPEG and WebP quality, 1 to 100.
    #[serde(default = "default_image_quality")]
    pub quality: u8,
    /// The `sizes` attribute: how wide the image is shown, for the browser to pick a width.
    #[serde(default = "default_image_sizes")]
    pub sizes: String,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { widths: default_image_widths(), quality: default_image_quality(), sizes: default_image_sizes() }
    }
}

/// From a phone's screen (1× to 3×) to a laptop's content column at 2×.
fn default_image_widths() -> Vec<u32> {
    vec![480, 800, 1200, 1600]
}

fn default_image_quality() -> u8 {
    80
}

/// The region theme's content column is at most 46rem wide.
fn default_image_sizes() -> String {
    "(max-width: 46rem) 100vw, 46rem".to_string()
}

/// The widths `images.widths` may hold.
pub const WIDTHS: std::ops::RangeInclusive<u32> = 16..=8192;

/// What a page needs to show a photo: the `<img>` and `<source>` attributes. URLs are
/// paths from the site's root (`/region/bo/hytte/hytte-800w-1a2b3c4d.jpg`).
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Picture {
    /// The version for browsers that read no `srcset`: the narrowest one at least 800
    /// pixels wide, or the widest there is.
    pub src: String,
    /// The versions in the original's format, `url 800w, …`.
    pub srcset: String,
    pub sizes: String,
    /// The widest version's size, for `width` and `height` (the proportions are what
    /// keep the page from jumping as it loads).
    pub width: u32,
    pub height: u32,
    /// The MIME type of the original's format.
    #[serde(rename = "type")]
    pub mime: String,
    /// The other formats, smallest files first: `[{type: "image/webp", srcset}]`.
    pub sources: Vec<PictureSource>,
    /// The original file, as it is in the site.
    pub original: String,
}

#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct PictureSource {
    #[serde(rename = "type")]
    pub mime: String,
    pub srcset: String,
}

/// How a version is cut from its photo.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Shape {
    /// The whole photo, this many pixels wide (never wider than the original).
    Width(u32),
    /// The middle of the photo in these proportions, this size (smaller when the original
    /// is too small to fill it).
    Crop(u32, u32),
}

/// The link-preview card: what Facebook, LinkedIn and others show best.
pub const CARD: Shape = Shape::Crop(1200, 630);

impl Shape {
    /// The size of this version of a photo `width` × `height`.
    fn size(self, width: u32, height: u32) -> (u32, u32) {
        match self {
            Shape::Width(w) => {
                let w = w.min(width);
                (w, encode::scaled_height(width, height, w))
            }
            Shape::Crop(w, h) => {
                let scale = (f64::from(width) / f64::from(w)).min(f64::from(height) / f64::from(h)).min(1.0);
                let side = |n: u32| ((f64::from(n) * scale).round() as u32).max(1);
                (side(w), side(h))
            }
        }
    }
}

/// One version of a photo, for templates: `{url, width, height, type}`.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct Version {
    pub url: String,
    pub width: u32,
    pub height: u32,
    #[serde(rename = "type")]
    pub mime: String,
}

/// One published version of a photo.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Variant {
    /// The photo in the site's folders.
    pub source: PathBuf,
    /// Its path as the author knows it (`content/bo/hytte/hytte.jpg`), for messages.
    pub display: String,
    /// The photo's format.
    source_format: Format,
    /// The output path of this version.
    pub rel: String,
    /// Its size in pixels, and whether it is cut to it rather than scaled.
    pub width: u32,
    pub height: u32,
    crop: bool,
    pub format: Format,
    pub quality: u8,
    /// The file's name in the cache: the photo's content hash and the settings.
    cache_name: String,
}

/// A published version: its output path, and its file in the cache folder.
pub type Made = (String, PathBuf);

/// A photo read once by whichever page asks first: its header and hash, or what is wrong.
type Probe = Arc<OnceLock<Result<Probed, String>>>;

/// What the catalog knows of a photo: its header, and a hash of its bytes.
#[derive(Clone, Debug)]
struct Probed {
    header: decode::Header,
    hash: u64,
    /// The file's size in bytes.
    bytes: u64,
}

/// Originals larger than this, in bytes or pixels a side, are worth a warning: phones get
/// the small versions, but the repository, every clone and every cold build carry them.
const LARGE_BYTES: u64 = 8_000_000;
const LARGE_SIDE: u32 = 6_000;

/// The site's photos, read as pages ask for them, and the versions they asked for.
pub struct Catalog {
    settings: Settings,
    cache: PathBuf,
    probed: Mutex<HashMap<PathBuf, Probe>>,
    wanted: Mutex<BTreeMap<String, Variant>>,
    known: known::Known,
}

impl Catalog {
    /// A catalog for a site whose folder is `root`.
    pub fn new(settings: &Settings, root: &Path) -> Catalog {
        let cache = root.join(CACHE_FOLDER).join("images");
        Catalog {
            settings: settings.clone(),
            known: known::Known::load(&cache, root),
            cache,
            probed: Mutex::new(HashMap::new()),
            wanted: Mutex::new(BTreeMap::new()),
        }
    }

    /// The photo at `source` (shown as `display`), published from the output path `rel`
    /// (`bo/hytte/hytte.jpg`); `path_of` turns an output path into a URL path. An error is
    /// a sentence about the file: "`content/x.jpg` is a PNG file, not a JPEG".
    pub fn picture(
        &self,
        source: &Path,
        display: &str,
        rel: &str,
        path_of: impl Fn(&str) -> String,
    ) -> Result<Picture, String> {
        let probed = self.probe_named(source, display, rel)?;
        let (width, height, format) = (probed.header.width, probed.header.height, probed.header.format);
        let mut widths: Vec<u32> = self.settings.widths.iter().copied().filter(|w| *w < width).collect();
        let widest = self.settings.widths.iter().copied().max().unwrap_or(width);
        if width <= widest || widths.is_empty() {
            widths.push(width);
        }
        widths.sort_unstable();
        widths.dedup();
        let formats: Vec<Format> = if format == Format::Webp { vec![format] } else { vec![format, Format::Webp] };
        let mut wanted = Vec::new();
        let mut srcsets: Vec<(Format, String)> = Vec::new();
        for &format in &formats {
            let mut srcset = String::new();
            for &w in &widths {
                let variant = self.variant(source, display, rel, &probed, Shape::Width(w), format);
                if !srcset.is_empty() {
                    srcset.push_str(", ");
                }
                srcset.push_str(&format!("{} {w}w", path_of(&variant.rel)));
                wanted.push(variant);
            }
            srcsets.push((format, srcset));
        }
        let fallback_width = widths.iter().copied().find(|w| *w >= 800).unwrap_or(widths[widths.len() - 1]);
        let fallback = wanted.iter().find(|v| v.format == format && v.width == fallback_width).map(|v| path_of(&v.rel));
        let widest = widths[widths.len() - 1];
        let picture = Picture {
            src: fallback.unwrap_or_default(),
            srcset: srcsets[0].1.clone(),
            sizes: self.settings.sizes.clone(),
            width: widest,
            height: encode::scaled_height(width, height, widest),
            mime: format.mime().to_string(),
            sources: srcsets[1..]
                .iter()
                .map(|(format, srcset)| PictureSource { mime: format.mime().to_string(), srcset: srcset.clone() })
                .collect(),
            original: path_of(rel),
        };
        self.want(wanted);
        Ok(picture)
    }

    /// One version of the photo at `source` (see [`Catalog::picture`]): `shape`, in
    /// `format` (the original's when none); `url_of` turns its output path into its URL.
    pub fn version(
        &self,
        source: &Path,
        display: &str,
        rel: &str,
        shape: Shape,
        format: Option<Format>,
        url_of: impl Fn(&str) -> String,
    ) -> Result<Version, String> {
        let probed = self.probe_named(source, display, rel)?;
        let format = format.unwrap_or(probed.header.format);
        let variant = self.variant(source, display, rel, &probed, shape, format);
        let version = Version {
            url: url_of(&variant.rel),
            width: variant.width,
            height: variant.height,
            mime: format.mime().into(),
        };
        self.want(vec![variant]);
        Ok(version)
    }

    /// The photo at `source`, read if no page has asked for it yet, after checking its
    /// name says it is a photo.
    fn probe_named(&self, source: &Path, display: &str, rel: &str) -> Result<Probed, String> {
        let format = Format::of_path(rel).ok_or_else(|| format!("`{display}` is not a JPEG, PNG or WebP file"))?;
        self.probe(source, format).map_err(|e| format!("`{display}` {e}"))
    }

    /// The version `shape` in `format` of a photo, named by its content and the settings.
    fn variant(
        &self,
        source: &Path,
        display: &str,
        rel: &str,
        probed: &Probed,
        shape: Shape,
        format: Format,
    ) -> Variant {
        let (width, height) = shape.size(probed.header.width, probed.header.height);
        let crop = matches!(shape, Shape::Crop(..));
        let quality = self.settings.quality;
        let tag = xxhash_rust::xxh3::xxh3_64(
            format!("{:x}/{width}x{height}/{crop}/{format:?}/{quality}/{PIPELINE_VERSION}", probed.hash).as_bytes(),
        );
        let stem = rel.rsplit_once('.').map_or(rel, |(stem, _)| stem);
        let size = if crop { format!("{width}x{height}") } else { format!("{width}w") };
        Variant {
            source: source.to_path_buf(),
            display: display.to_string(),
            source_format: probed.header.format,
            rel: format!("{stem}-{size}-{:08x}.{}", tag >> 32, format.extension()),
            width,
            height,
            crop,
            format,
            quality,
            cache_name: format!("{tag:016x}.{}", format.extension()),
        }
    }

    fn want(&self, variants: Vec<Variant>) {
        let mut table = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
        for variant in variants {
            table.insert(variant.rel.clone(), variant);
        }
    }

    /// A warning about a photo that a page shows, when its original is larger than a site
    /// needs (`display` is its path as the author knows it).
    pub fn oversized(&self, source: &Path, display: &str) -> Option<String> {
        let probed = self.probe(source, Format::of_path(display)?).ok()?;
        let (width, height, bytes) = (probed.header.width, probed.header.height, probed.bytes);
        (bytes > LARGE_BYTES || width.max(height) > LARGE_SIDE).then(|| {
            format!("`{display}` is {:.1} MB and {width} × {height} pixels, more than a site needs", bytes as f64 / 1e6)
        })
    }

    /// A hash of the photo at `source` (read now if no page has asked for it yet), or of
    /// what is wrong with it: what a page showing it depends on, for `serve`'s memo.
    pub fn digest(&self, source: &Path, format: Format) -> u64 {
        match self.probe(source, format) {
            Ok(probed) => probed.hash,
            Err(message) => xxhash_rust::xxh3::xxh3_64(message.as_bytes()),
        }
    }

    fn probe(&self, source: &Path, format: Format) -> Result<Probed, String> {
        let cell = {
            let mut probed = self.probed.lock().unwrap_or_else(|e| e.into_inner());
            probed.entry(source.to_path_buf()).or_default().clone()
        };
        cell.get_or_init(|| {
            // Stamped before it is read: a change while it is read gives a new stamp.
            let stamp = crate::stamp::Stamp::of_path(source);
            if let Some(stamp) = stamp
                && let Some(facts) = self.known.get(source, stamp).filter(|f| f.header.format == format)
            {
                return Ok(Probed { header: facts.header, hash: facts.hash, bytes: stamp.size() });
            }
            let seen = std::time::SystemTime::now();
            let bytes = std::fs::read(source).map_err(|e| format!("cannot be read: {e}"))?;
            let header = decode::header(&bytes, format)?;
            let hash = xxhash_rust::xxh3::xxh3_64(&bytes);
            if let Some(stamp) = stamp {
                self.known.learn(source, stamp, seen, known::Facts { hash, header });
            }
            Ok(Probed { header, hash, bytes: bytes.len() as u64 })
        })
        .clone()
    }

    /// The photos a page asked for a version of.
    pub fn shown(&self) -> std::collections::HashSet<PathBuf> {
        let wanted = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
        wanted.values().map(|v| v.source.clone()).collect()
    }

    /// Every version a page asked for, by output path.
    pub fn wanted(&self) -> Vec<Variant> {
        let wanted = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
        wanted.values().cloned().collect()
    }

    /// The cache folder.
    pub fn cache(&self) -> &Path {
        &self.cache
    }

    /// What this build learnt of photos it had not seen, to keep in the cache folder for
    /// the next: (file name, contents).
    pub fn record(&self) -> Option<(String, String)> {
        self.known.record()
    }
}

/// Makes `variants` (those missing from the cache folder `cache`), photo by photo in
/// parallel: (output path, file in the cache) of each. An error names the photo and what is wrong.
pub fn make(variants: &[Variant], cache: &Path) -> Result<Vec<Made>, Vec<String>> {
    let (mut made, missing) = in_cache(variants, cache);
    let progress = Progress::new(missing.len());
    let results: Vec<Result<Vec<Made>, String>> = missing
        .par_iter()
        .map(|photo| {
            let made = make_one(photo, cache);
            progress.one_done();
            made
        })
        .collect();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(files) => made.extend(files),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(made) } else { Err(errors) }
}

/// The versions of `variants` that are in the cache folder `cache`, and the others, by
/// photo: what `serve` can publish at once, and what it makes when a page asks for it.
pub fn in_cache(variants: &[Variant], cache: &Path) -> (Vec<Made>, Vec<Vec<Variant>>) {
    let mut found = Vec::new();
    let mut missing: BTreeMap<&Path, Vec<Variant>> = BTreeMap::new();
    for variant in variants {
        let cached = cache.join(&variant.cache_name);
        match cached.is_file() {
            true => found.push((variant.rel.clone(), cached)),
            false => missing.entry(&variant.source).or_default().push(variant.clone()),
        }
    }
    (found, missing.into_values().collect())
}

/// A line on stderr every few seconds while photos are made, so a first build that resizes
/// hundreds of photos does not look stuck; a quick one says nothing.
struct Progress {
    total: usize,
    done: std::sync::atomic::AtomicUsize,
    started: std::time::Instant,
    said: Mutex<std::time::Instant>,
}

impl Progress {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(3);

    fn new(total: usize) -> Progress {
        let now = std::time::Instant::now();
        Progress { total, done: 0.into(), started: now, said: Mutex::new(now) }
    }

    fn one_done(&self) {
        let done = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        let mut said = self.said.lock().unwrap_or_else(|e| e.into_inner());
        if said.elapsed() >= Progress::EVERY && done < self.total {
            *said = std::time::Instant::now();
            eprintln!(
                "photos: {done} of {} done in {} s (kept in {CACHE_FOLDER}/ for the next build)",
                self.total,
                self.started.elapsed().as_secs()
            );
        }
    }
}

/// Makes the versions `variants` of one photo (widest first, each from the full picture)
/// and puts them in the cache.
fn make_one(variants: &[Variant], cache: &Path) -> Result<Vec<Made>, String> {
    let Some(first) = variants.first() else { return Ok(Vec::new()) };
    let display = first.display.as_str();
    let mut out: Vec<Made> = Vec::with_capacity(variants.len());
    let bytes = std::fs::read(&first.source).map_err(|e| format!("`{display}` cannot be read: {e}"))?;
    let pixels = decode::pixels(&bytes, first.source_format).map_err(|e| format!("`{display}` {e}"))?;
    drop(bytes);
    std::fs::create_dir_all(cache).map_err(|e| format!("cannot create the image cache {}: {e}", cache.display()))?;
    let mut resizer = fast_image_resize::Resizer::new();
    for variant in variants {
        let resized = encode::resize(&pixels, (variant.width, variant.height), variant.crop, &mut resizer)
            .map_err(|e| format!("`{display}` {e}"))?;
        let bytes =
            encode::encode(&resized, variant.format, variant.quality).map_err(|e| format!("`{display}` {e}"))?;
        let cached = cache.join(&variant.cache_name);
        store(&cached, &bytes)?;
        out.push((variant.rel.clone(), cached));
    }
    Ok(out)
}

/// Keeps `contents` as the file `name` in the cache folder `cache`.
pub fn keep(cache: &Path, name: &str, contents: &str) -> Result<(), String> {
    std::fs::create_dir_all(cache).map_err(|e| format!("cannot create the image cache {}: {e}", cache.display()))?;
    store(&cache.join(name), contents.as_bytes())
}

/// Writes a cached file whole or not at all: a build stopped half-way leaves no half file
/// to be taken for a whole one.
fn store(path: &Path, bytes: &[u8]) -> Result<(), String> {
    crate::whole_file::write(path, bytes)
        .map_err(|e| format!("cannot write {} to the image cache: {e}", path.display()))
}
