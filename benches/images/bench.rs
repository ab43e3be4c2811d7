//! `--images`: photos resized by regionprofil and by Hugo, the same photos to the same
//! widths and formats.
//!
//! The benchmark site (`--pages N` per language) gets `--photos P` bundle pages (default
//! 100), each showing one photo-like JPEG of 4,000 × 3,000 pixels. Both tools publish each
//! photo in the widths 480, 800, 1200 and 1600 as JPEG and as WebP at quality 80, with a
//! Lanczos filter (Hugo's `resampleFilter = "lanczos"`), behind a `<picture>`. Measured:
//!
//! 1. a cold build (regionprofil's `.regionprofil-cache/` and Hugo's `resources/_gen/`
//!    removed first), once each;
//! 2. a warm build (caches kept), `--runs` each, and regionprofil's build of the same site
//!    without the photos, for what a warm cache adds;
//! 3. the bytes a phone downloads for one photo page at 375 CSS pixels (the version its
//!    browser picks from `srcset` and `sizes` at 2 and 3 device pixels per CSS pixel) next to
//!    the original's.

use std::fs;
use std::path::Path;
use std::process::Command;

use rayon::prelude::*;

use super::{Options, Stats, Style, build, generate, generate_hugo, measure, write};

const WIDTHS: [u32; 4] = [480, 800, 1200, 1600];
const QUALITY: u8 = 80;
const PHOTO: (u32, u32) = (4000, 3000);

pub fn benchmark(regionprofil: &Path, base: &Path, options: &Options, photos: usize) {
    let pages = options.pages.first().copied().unwrap_or(1000);
    println!("# regionprofil photos next to Hugo's\n");
    println!("machine: {} cores, {}", std::thread::available_parallelism().map_or(0, |n| n.get()), super::cpu_model());
    let version = Command::new("hugo").arg("version").output().expect("hugo is needed for --images");
    println!("hugo: {}", String::from_utf8_lossy(&version.stdout).trim());
    println!("{pages} pages per language, {photos} photos of {} × {}\n", PHOTO.0, PHOTO.1);

    let originals = base.join("photos");
    make_photos(&originals, photos);
    let ours = base.join("images-site");
    generate(&ours, pages, Style::Linked);
    let plain = base.join("images-site-without");
    generate(&plain, pages, Style::Linked);
    let theirs = base.join("images-hugo");
    generate_hugo(&ours, &theirs, pages, Style::Linked);
    add_photos(&ours, &theirs, &plain, &originals, photos);

    let (out, out_plain, out_hugo) = (base.join("out-images"), base.join("out-images-plain"), base.join("out-hugo"));
    let cold_ours = {
        let _ = fs::remove_dir_all(ours.join(".regionprofil-cache"));
        let _ = fs::remove_dir_all(&out);
        measure(&mut build(regionprofil, &ours, &out))
    };
    let cold_hugo = {
        let _ = fs::remove_dir_all(theirs.join("resources"));
        let _ = fs::remove_dir_all(&out_hugo);
        measure(&mut hugo(&theirs, &out_hugo))
    };
    let (mut warm_ours, mut warm_hugo, mut without) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..options.runs {
        let _ = fs::remove_dir_all(&out);
        warm_ours.push(measure(&mut build(regionprofil, &ours, &out)));
        let _ = fs::remove_dir_all(&out_plain);
        without.push(measure(&mut build(regionprofil, &plain, &out_plain)));
        let _ = fs::remove_dir_all(&out_hugo);
        warm_hugo.push(measure(&mut hugo(&theirs, &out_hugo)));
    }
    let (warm_ours, warm_hugo, without) =
        (Stats::median(&warm_ours), Stats::median(&warm_hugo), Stats::median(&without));
    println!(
        "| build | regionprofil wall (s) | CPU (s) | peak memory (MB) | Hugo wall (s) | CPU (s) | peak memory (MB) | wall / Hugo |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, ours, theirs) in [("cold cache", cold_ours, cold_hugo), ("warm cache", warm_ours, warm_hugo)] {
        println!(
            "| {name} | {:.2} | {:.2} | {:.0} | {:.2} | {:.2} | {:.0} | {:.2} |",
            ours.wall,
            ours.cpu,
            ours.peak_mb,
            theirs.wall,
            theirs.cpu,
            theirs.peak_mb,
            ours.wall / theirs.wall
        );
    }
    println!(
        "\nregionprofil without the photos: {:.2} s, {:.0} MB; the photos with a warm cache add {:+.2} s ({:+.1} %)\n",
        without.wall,
        without.peak_mb,
        warm_ours.wall - without.wall,
        100.0 * (warm_ours.wall / without.wall - 1.0)
    );
    phone_bytes(&out, &out_hugo, &originals);
    if !options.keep {
        for dir in [&ours, &plain, &theirs, &out, &out_plain, &out_hugo] {
            let _ = fs::remove_dir_all(dir);
        }
    }
}

fn hugo(site: &Path, out: &Path) -> Command {
    let mut command = Command::new("hugo");
    command.arg("--quiet").arg("--source").arg(site).arg("--destination").arg(out);
    command
}

/// Photo-like JPEGs: soft value noise in several octaves over a sky-to-ground gradient,
/// with grain, so that they compress as photos do (not as flat colour).
fn make_photos(folder: &Path, count: usize) {
    fs::create_dir_all(folder).expect("photo folder");
    (0..count).into_par_iter().for_each(|i| {
        let path = folder.join(format!("foto-{i}.jpg"));
        if path.exists() {
            return;
        }
        let (w, h) = PHOTO;
        let seed = i as u32 + 1;
        let hash = |x: i32, y: i32, o: u32| -> f32 {
            let mut n = (x as u32).wrapping_mul(374_761_393)
                ^ (y as u32).wrapping_mul(668_265_263)
                ^ seed.wrapping_mul(2_654_435_761)
                ^ o.wrapping_mul(97);
            n = (n ^ (n >> 13)).wrapping_mul(1_274_126_177);
            ((n ^ (n >> 16)) & 0xffff) as f32 / 65535.0
        };
        let noise = |x: f32, y: f32, o: u32| {
            let (xi, yi) = (x.floor() as i32, y.floor() as i32);
            let (fx, fy) = (x - x.floor(), y - y.floor());
            let (sx, sy) = (fx * fx * (3.0 - 2.0 * fx), fy * fy * (3.0 - 2.0 * fy));
            let a = hash(xi, yi, o) + (hash(xi + 1, yi, o) - hash(xi, yi, o)) * sx;
            let b = hash(xi, yi + 1, o) + (hash(xi + 1, yi + 1, o) - hash(xi, yi + 1, o)) * sx;
            a + (b - a) * sy
        };
        let mut pixels = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                let (mut v, mut amplitude, mut frequency) = (0.0, 0.5, 1.0 / 500.0);
                for o in 0..5 {
                    v += amplitude * noise(x as f32 * frequency, y as f32 * frequency, o);
                    amplitude *= 0.5;
                    frequency *= 2.5;
                }
                let sky = y as f32 / h as f32;
                let grain = hash(x as i32, y as i32, 99) * 10.0;
                pixels.push((v * 170.0 + sky * 60.0 + grain).min(255.0) as u8);
                pixels.push((v * 190.0 + (1.0 - sky) * 40.0 + grain).min(255.0) as u8);
                pixels.push((v * 110.0 + (1.0 - sky) * 110.0 + grain).min(255.0) as u8);
            }
        }
        let mut jpeg = Vec::new();
        jpeg_encoder::Encoder::new(&mut jpeg, 90)
            .encode(&pixels, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
            .expect("photo");
        fs::write(&path, jpeg).expect("photo");
    });
}

/// A bundle page per photo in both sites (and the page without its photo in `plain`), and
/// the settings that make both tools do the same work.
fn add_photos(ours: &Path, theirs: &Path, plain: &Path, originals: &Path, count: usize) {
    let widths: Vec<String> = WIDTHS.iter().map(u32::to_string).collect();
    let config = ours.join("site.yaml");
    let text = fs::read_to_string(&config).expect("site.yaml");
    fs::write(&config, format!("{text}images: {{ widths: [{}], quality: {QUALITY} }}\n", widths.join(", ")))
        .expect("site.yaml");
    let config = theirs.join("hugo.toml");
    let text = fs::read_to_string(&config).expect("hugo.toml");
    fs::write(&config, format!("{text}[imaging]\n  quality = {QUALITY}\n  resampleFilter = 'lanczos'\n"))
        .expect("hugo.toml");
    // Hugo's image hook: the same <picture> as regionprofil's.
    let srcset = |format: &str| {
        format!(
            "{{{{ range $i, $w := slice {} }}}}{{{{ if $i }}}}, {{{{ end }}}}{{{{ ($img.Resize (printf \"%dx {format} q{QUALITY}\" $w)).RelPermalink }}}} {{{{ $w }}}}w{{{{ end }}}}",
            widths.join(" ")
        )
    };
    write(
        &theirs.join("layouts/_default/_markup/render-image.html"),
        &format!(
            "{{{{ $img := .Page.Resources.GetMatch .Destination }}}}{{{{ $big := $img.Resize \"1600x jpg q{QUALITY}\" }}}}<picture><source type=\"image/webp\" srcset=\"{}\" sizes=\"(max-width: 46rem) 100vw, 46rem\"><img src=\"{{{{ ($img.Resize \"800x jpg q{QUALITY}\").RelPermalink }}}}\" srcset=\"{}\" sizes=\"(max-width: 46rem) 100vw, 46rem\" width=\"{{{{ $big.Width }}}}\" height=\"{{{{ $big.Height }}}}\" alt=\"{{{{ .Text }}}}\" loading=\"lazy\" decoding=\"async\"></picture>\n",
            srcset("webp"),
            srcset("jpg")
        ),
    );
    for site in [ours, plain] {
        write(&site.join("content/foto/_index.md"), "---\ntitle: Foto\n---\nBilder fra regionen.\n");
    }
    write(&theirs.join("content/foto/_index.nb.md"), "---\ntitle: Foto\n---\nBilder fra regionen.\n");
    for i in 0..count {
        let text = |with: bool| {
            let image = if with { format!("![Foto {i} av regionen](foto.jpg)\n") } else { String::new() };
            format!("---\ntitle: Foto {i}\ndate: 2026-01-01\n---\nEt bilde fra regionen.\n\n{image}")
        };
        let photo = originals.join(format!("foto-{i}.jpg"));
        for (site, with) in [(ours, true), (theirs, true), (plain, false)] {
            let folder = site.join(format!("content/foto/foto-{i}"));
            write(&folder.join("index.md"), &text(with));
            if with {
                fs::copy(&photo, folder.join("foto.jpg")).expect("photo");
            }
        }
    }
}

/// The bytes of the version a phone's browser takes for the first photo page, next to the
/// original's: at 375 CSS pixels the photo is shown 375 wide, so at 2 (3) device pixels per
/// CSS pixel the browser takes the narrowest WebP at least 750 (1125) pixels wide.
fn phone_bytes(out: &Path, out_hugo: &Path, originals: &Path) {
    let original = fs::metadata(originals.join("foto-0.jpg")).map_or(0, |m| m.len());
    println!(
        "| one photo page at 375 CSS px | regionprofil (KB) | Hugo (KB) | of the original's {:.0} KB |",
        original as f64 / 1e3
    );
    println!("|---|---:|---:|---:|");
    for (density, needed) in [(2, 750), (3, 1125)] {
        let width = WIDTHS.iter().copied().find(|w| *w >= needed).unwrap_or(WIDTHS[WIDTHS.len() - 1]);
        let ours = picked(&out.join("foto/foto-0"), width);
        let theirs = picked(&out_hugo.join("foto/foto-0"), width);
        println!(
            "| {density} × ({width}w WebP) | {:.1} | {:.1} | {:.1} % |",
            ours as f64 / 1e3,
            theirs as f64 / 1e3,
            100.0 * ours as f64 / original as f64
        );
    }
    println!();
}

/// The size of the WebP `width` pixels wide in a page's folder.
fn picked(folder: &Path, width: u32) -> u64 {
    let Ok(entries) = fs::read_dir(folder) else { return 0 };
    entries
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".webp"))
        .filter_map(|e| {
            let bytes = fs::read(e.path()).ok()?;
            let image = image::load_from_memory(&bytes).ok()?;
            (image.width() == width).then_some(bytes.len() as u64)
        })
        .next()
        .unwrap_or(0)
}
