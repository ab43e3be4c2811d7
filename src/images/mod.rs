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

/// One published version of a photo.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Variant {
    /// The photo in the site's folders.
    pub source: PathBuf,
    /// Its path as the author knows it (`content/bo/hytte/hytte.jpg`), for messages.
    pub display: String,
    /// The output path of this version.
    pub rel: String,
    pub width: u32,
    pub format: Format,
    pub quality: u8,
    /// The file's name in the cache: the photo's content hash and the settings.
    cache_name: String,
}

/// A published file: its output path and bytes.
pub type Made = (String, Vec<u8>);

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
}

impl Catalog {
    /// A catalog for a site whose folder is `root`.
    pub fn new(settings: &Settings, root: &Path) -> Catalog {
        Catalog {
            settings: settings.clone(),
            cache: root.join(CACHE_FOLDER).join("images"),
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
        let format = Format::of_path(rel).ok_or_else(|| format!("`{display}` is not a JPEG, PNG or WebP file"))?;
        let probed = self.probe(source, format).map_err(|e| format!("`{display}` {e}"))?;
        let (width, height) = (probed.header.width, probed.header.height);
        let mut widths: Vec<u32> = self.settings.widths.iter().copied().filter(|w| *w < width).collect();
        let widest = self.settings.widths.iter().copied().max().unwrap_or(width);
        if width <= widest || widths.is_empty() {
            widths.push(width);
        }
        widths.sort_unstable();
        widths.dedup();
        let formats: Vec<Format> = if format == Format::Webp { vec![format] } else { vec![format, Format::Webp] };
        let stem = rel.rsplit_once('.').map_or(rel, |(stem, _)| stem);
        let mut wanted = Vec::new();
        let mut srcsets: Vec<(Format, String)> = Vec::new();
        for &format in &formats {
            let mut srcset = String::new();
            for &w in &widths {
                let tag = xxhash_rust::xxh3::xxh3_64(
                    format!("{:x}/{w}/{format:?}/{}/{PIPELINE_VERSION}", probed.hash, self.settings.quality).as_bytes(),
                );
                let variant = Variant {
                    source: source.to_path_buf(),
                    display: display.to_string(),
                    rel: format!("{stem}-{w}w-{:08x}.{}", tag >> 32, format.extension()),
                    width: w,
                    format,
                    quality: self.settings.quality,
                    cache_name: format!("{tag:016x}.{}", format.extension()),
                };
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
        let mut table = self.wanted.lock().unwrap_or_else(|e| e.into_inner());
        for variant in wanted {
            table.insert(variant.rel.clone(), variant);
        }
        Ok(picture)
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
            let bytes = std::fs::read(source).map_err(|e| format!("cannot be read: {e}"))?;
            let header = decode::header(&bytes, format)?;
            Ok(Probed { header, hash: xxhash_rust::xxh3::xxh3_64(&bytes), bytes: bytes.len() as u64 })
        })
        .clone()
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
}

/// Makes `variants` (those missing from the cache folder `cache`), photo by photo in
/// parallel: (output path, bytes) of each. An error names the photo and what is wrong.
pub fn make(variants: &[Variant], cache: &Path) -> Result<Vec<Made>, Vec<String>> {
    let mut by_source: BTreeMap<&Path, Vec<&Variant>> = BTreeMap::new();
    for variant in variants {
        by_source.entry(&variant.source).or_default().push(variant);
    }
    let results: Vec<Result<Vec<Made>, String>> =
        by_source.into_par_iter().map(|(source, variants)| make_one(source, &variants, cache)).collect();
    let mut made = Vec::new();
    let mut errors = Vec::new();
    for result in results {
        match result {
            Ok(files) => made.extend(files),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() { Ok(made) } else { Err(errors) }
}

/// The versions of one photo, from the cache or made (widest first, each from the full
/// picture) and put in the cache.
fn make_one(source: &Path, variants: &[&Variant], cache: &Path) -> Result<Vec<Made>, String> {
    let display = variants.first().map_or("", |v| v.display.as_str());
    let mut out: Vec<Made> = Vec::with_capacity(variants.len());
    let mut missing: Vec<&Variant> = Vec::new();
    for variant in variants {
        match std::fs::read(cache.join(&variant.cache_name)) {
            Ok(bytes) => out.push((variant.rel.clone(), bytes)),
            Err(_) => missing.push(variant),
        }
    }
    if missing.is_empty() {
        return Ok(out);
    }
    let bytes = std::fs::read(source).map_err(|e| format!("`{display}` cannot be read: {e}"))?;
    let format = Format::of_path(&source.to_string_lossy()).unwrap_or(Format::Jpeg);
    let pixels = decode::pixels(&bytes, format).map_err(|e| format!("`{display}` {e}"))?;
    drop(bytes);
    std::fs::create_dir_all(cache).map_err(|e| format!("cannot create the image cache {}: {e}", cache.display()))?;
    missing.sort_by_key(|v| std::cmp::Reverse(v.width));
    let mut resizer = fast_image_resize::Resizer::new();
    for variant in missing {
        let resized = encode::resize(&pixels, variant.width, &mut resizer).map_err(|e| format!("`{display}` {e}"))?;
        let bytes =
            encode::encode(&resized, variant.format, variant.quality).map_err(|e| format!("`{display}` {e}"))?;
        store(&cache.join(&variant.cache_name), &bytes)?;
        out.push((variant.rel.clone(), bytes));
    }
    Ok(out)
}

/// Writes a cached file whole or not at all: a build stopped half-way leaves no half file
/// to be taken for a whole one.
fn store(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let partial = path.with_extension(format!("part-{}", std::process::id()));
    std::fs::write(&partial, bytes)
        .and_then(|()| std::fs::rename(&partial, path))
        .map_err(|e| format!("cannot write {} to the image cache: {e}", path.display()))
}
