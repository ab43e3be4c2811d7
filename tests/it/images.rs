//! Photos in Markdown as `build` publishes them: the widths and formats, upright, without
//! their metadata, transparency kept; the cache; and every way a photo can be wrong.

use std::path::Path;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage, Rgba, RgbaImage};

use crate::support::{Site, files};

/// A photo-like JPEG: smooth colour with some texture, `width` × `height`.
fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        let texture = ((x * 7 + y * 13) % 23) as u8;
        Rgb([(x % 256) as u8 / 2 + texture, (y % 256) as u8 / 2 + texture, 120])
    });
    encode(&DynamicImage::ImageRgb8(image), ImageFormat::Jpeg)
}

fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut bytes = std::io::Cursor::new(Vec::new());
    image.write_to(&mut bytes, format).expect("encode");
    bytes.into_inner()
}

/// `jpeg` with an EXIF block saying "turn 90° clockwise to show" (orientation 6) and
/// holding a GPS position, as a phone writes it.
fn with_exif(jpeg: &[u8]) -> Vec<u8> {
    let mut tiff: Vec<u8> = b"II*\0".to_vec();
    tiff.extend(8u32.to_le_bytes());
    // IFD0: orientation, and where the GPS IFD is.
    tiff.extend(2u16.to_le_bytes());
    tiff.extend([0x12, 0x01, 3, 0]);
    tiff.extend(1u32.to_le_bytes());
    tiff.extend([6, 0, 0, 0]);
    tiff.extend([0x25, 0x88, 4, 0]);
    tiff.extend(1u32.to_le_bytes());
    tiff.extend(38u32.to_le_bytes());
    tiff.extend(0u32.to_le_bytes());
    // GPS IFD at 38: latitude reference "N".
    tiff.extend(1u16.to_le_bytes());
    tiff.extend([1, 0, 2, 0]);
    tiff.extend(2u32.to_le_bytes());
    tiff.extend([b'N', 0, 0, 0]);
    tiff.extend(0u32.to_le_bytes());
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(((app1.len() + 2) as u16).to_be_bytes());
    out.extend(app1);
    out.extend(&jpeg[2..]);
    out
}

fn write_bytes(site: &Site, rel: &str, bytes: &[u8]) {
    let path = site.root.join(rel);
    std::fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    std::fs::write(path, bytes).expect("write");
}

fn photo_site(markdown: &str) -> Site {
    let site = Site::named("sites", "minimal");
    site.write("content/bo/hytta/index.md", &format!("---\ntitle: Hytta\n---\n{markdown}\n"));
    site
}

fn build(site: &Site) -> String {
    let output = site.command().arg("build").output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    site.read("public/bo/hytta/index.html")
}

fn failure(site: &Site) -> String {
    let output = site.command().arg("build").output().expect("run");
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stdout));
    site.redact(&String::from_utf8_lossy(&output.stderr))
}

/// The published files of the photo `stem` in the page's folder: (name, bytes).
fn versions(site: &Site, stem: &str) -> Vec<(String, Vec<u8>)> {
    let folder = site.public().join("bo/hytta");
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .expect("folder")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|name| name.starts_with(&format!("{stem}-")))
        .map(|name| {
            let bytes = std::fs::read(folder.join(&name)).expect("read");
            (name, bytes)
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_photo_is_published_in_each_width_up_to_its_own_as_jpeg_and_webp() {
    let site = photo_site("![Hytta sett fra vannet](hytte.jpg)");
    write_bytes(&site, "content/bo/hytta/hytte.jpg", &jpeg(1000, 750));
    let html = build(&site);
    let names: Vec<String> = versions(&site, "hytte").into_iter().map(|(name, _)| name).collect();
    // 480 and 800 from images.widths, and the photo's own 1000: none wider.
    for width in [480, 800, 1000] {
        for ext in ["jpg", "webp"] {
            assert_eq!(
                names.iter().filter(|n| n.starts_with(&format!("hytte-{width}w-")) && n.ends_with(ext)).count(),
                1,
                "{names:?}"
            );
        }
    }
    assert_eq!(names.len(), 6, "{names:?}");
    for (name, bytes) in versions(&site, "hytte") {
        let image = image::load_from_memory(&bytes).expect("a real image");
        let width: u32 = name["hytte-".len()..].split('w').next().and_then(|w| w.parse().ok()).expect("width");
        assert_eq!(image.width(), width, "{name}");
        assert_eq!(image.height(), width * 3 / 4, "{name}");
    }
    assert!(html.contains("<picture><source type=\"image/webp\" srcset=\"/bo/hytta/hytte-480w-"), "{html}");
    assert!(html.contains("sizes=\"(max-width: 46rem) 100vw, 46rem\""), "{html}");
    assert!(
        html.contains(
            "width=\"1000\" height=\"750\" alt=\"Hytta sett fra vannet\" loading=\"lazy\" decoding=\"async\"></picture>"
        ),
        "{html}"
    );
    assert!(html.contains(" 1000w\""), "{html}");
}

#[test]
fn a_phone_photo_is_turned_upright_and_loses_its_position() {
    let site = photo_site("![Bryggen](brygge.jpg)");
    // Stored 64 wide and 48 tall; the EXIF says it is shown turned, 48 wide and 64 tall.
    let bytes = with_exif(&jpeg(64, 48));
    assert!(bytes.windows(4).any(|w| w == b"Exif"));
    write_bytes(&site, "content/bo/hytta/brygge.jpg", &bytes);
    let html = build(&site);
    assert!(html.contains("width=\"48\" height=\"64\""), "{html}");
    for (name, bytes) in versions(&site, "brygge") {
        let image = image::load_from_memory(&bytes).expect("image");
        assert_eq!((image.width(), image.height()), (48, 64), "{name}");
        assert!(!bytes.windows(4).any(|w| w == b"Exif"), "{name} keeps its EXIF");
    }
}

#[test]
fn a_transparent_png_stays_transparent() {
    let site = photo_site("![Logo](logo.png)");
    let mut logo = RgbaImage::from_pixel(600, 300, Rgba([0, 0, 0, 0]));
    for x in 200..400 {
        for y in 100..200 {
            logo.put_pixel(x, y, Rgba([200, 30, 30, 255]));
        }
    }
    write_bytes(&site, "content/bo/hytta/logo.png", &encode(&DynamicImage::ImageRgba8(logo), ImageFormat::Png));
    build(&site);
    let found = versions(&site, "logo");
    assert!(found.iter().any(|(n, _)| n.ends_with(".png")) && found.iter().any(|(n, _)| n.ends_with(".webp")));
    for (name, bytes) in found {
        let image = image::load_from_memory(&bytes).expect("image").to_rgba8();
        assert_eq!(image.get_pixel(0, 0)[3], 0, "{name}: the corner is no longer transparent");
        let (w, h) = image.dimensions();
        assert!(image.get_pixel(w / 2, h / 2)[3] > 250, "{name}: the middle is no longer solid");
    }
}

#[test]
fn an_unchanged_photo_is_taken_from_the_cache_and_builds_are_the_same() {
    let site = photo_site("![Hytta](hytte.jpg)");
    write_bytes(&site, "content/bo/hytta/hytte.jpg", &jpeg(900, 600));
    build(&site);
    let first = files(&site.public());
    let cache = site.root.join(".regionprofil-cache/images");
    let cached: Vec<_> = std::fs::read_dir(&cache).expect("the cache folder").flatten().map(|e| e.path()).collect();
    assert_eq!(cached.len(), 6, "{cached:?}");
    // A second build, with a warm cache, writes the same bytes.
    std::fs::remove_dir_all(site.public()).expect("remove");
    build(&site);
    assert_eq!(files(&site.public()), first);
    // It read them from the cache: a cached file changed by hand comes out as it is.
    let tampered = cached.iter().find(|p| p.extension().is_some_and(|e| e == "webp")).expect("a WebP");
    std::fs::write(tampered, b"from the cache").expect("write");
    build(&site);
    let published: Vec<Vec<u8>> = versions(&site, "hytte").into_iter().map(|(_, b)| b).collect();
    assert!(published.iter().any(|b| b == b"from the cache"));
}

#[test]
fn a_missing_image_is_an_error_at_its_line_naming_the_nearest_file() {
    let site = photo_site("Tekst.\n\n![Kart over hytta](hyte.jpg)");
    write_bytes(&site, "content/bo/hytta/hytte.jpg", &jpeg(100, 100));
    let errors = failure(&site);
    assert!(errors.contains("the image `hyte.jpg` is not in the site"), "{errors}");
    assert!(errors.contains("content/bo/hytta/index.md:6:1"), "{errors}");
    assert!(errors.contains("hytte.jpg"), "{errors}");
}

#[test]
fn a_photo_that_is_not_what_it_claims_is_an_error_naming_it() {
    let site = photo_site("![A](a.jpg)\n\n![B](b.png)");
    write_bytes(&site, "content/bo/hytta/a.jpg", &encode(&DynamicImage::new_rgb8(10, 10), ImageFormat::Png));
    write_bytes(&site, "content/bo/hytta/b.png", b"<html>not a picture</html>");
    let errors = failure(&site);
    assert!(errors.contains("`content/bo/hytta/a.jpg` is a PNG file, not a JPEG"), "{errors}");
    assert!(errors.contains("`content/bo/hytta/b.png` is not a PNG file"), "{errors}");
    assert!(errors.contains("2 errors"), "{errors}");
}

#[test]
fn a_broken_photo_fails_the_build_and_leaves_the_last_output() {
    let site = photo_site("![Hytta](hytte.png)");
    let png = |width| encode(&image::load_from_memory(&jpeg(width, 200)).expect("decoded"), ImageFormat::Png);
    write_bytes(&site, "content/bo/hytta/hytte.png", &png(300));
    build(&site);
    let before = files(&site.public());
    // The header is whole, the pixels cut off: found only when the photo is decoded, as the
    // pages are written.
    let whole = png(320);
    write_bytes(&site, "content/bo/hytta/hytte.png", &whole[..whole.len() / 2]);
    let errors = failure(&site);
    assert!(errors.contains("`content/bo/hytta/hytte.png` cannot be read"), "{errors}");
    assert_eq!(files(&site.public()), before);
}

#[test]
fn a_decompression_bomb_is_refused_without_decoding_it() {
    // A PNG header that claims 100,000 × 100,000 pixels (40 GB as RGBA), then nothing.
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend(100_000u32.to_be_bytes());
    ihdr.extend([8, 6, 0, 0, 0]);
    // A few bytes of compressed zeros: what makes such a file small.
    let mut zeros = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut zeros, &[0; 4096]).expect("compress");
    let mut idat = b"IDAT".to_vec();
    idat.extend(zeros.finish().expect("compress"));
    for chunk in [&ihdr, &idat, &b"IEND".to_vec()] {
        png.extend(((chunk.len() - 4) as u32).to_be_bytes());
        png.extend(chunk.iter());
        png.extend(crc32(chunk).to_be_bytes());
    }
    let site = photo_site("![Bombe](bombe.png)");
    write_bytes(&site, "content/bo/hytta/bombe.png", &png);
    let started = std::time::Instant::now();
    let errors = failure(&site);
    assert!(errors.contains("`content/bo/hytta/bombe.png` is larger than regionprofil decodes"), "{errors}");
    assert!(started.elapsed().as_secs() < 30);
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

#[test]
fn an_original_larger_than_a_site_needs_is_a_warning_and_an_error_under_strict() {
    let site = photo_site("![Panorama](panorama.jpg)");
    write_bytes(&site, "content/bo/hytta/panorama.jpg", &jpeg(6100, 40));
    let output = site.command().arg("build").output().expect("run");
    assert!(output.status.success());
    let warnings = String::from_utf8_lossy(&output.stderr).to_string();
    assert!(
        warnings.contains("`content/bo/hytta/panorama.jpg` is 0.0 MB and 6100 × 40 pixels, more than a site needs"),
        "{warnings}"
    );
    assert!(warnings.contains("content/bo/hytta/index.md:4:1"), "{warnings}");
    let strict = site.command().args(["check", "--strict"]).output().expect("run");
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn svg_and_gif_pass_through_untouched() {
    let site = photo_site("![Kart](kart.svg)");
    let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>";
    site.write("content/bo/hytta/kart.svg", svg);
    let html = build(&site);
    assert!(html.contains("src=\"kart.svg\""), "{html}");
    assert!(!html.contains("<picture>"), "{html}");
    assert_eq!(site.read("public/bo/hytta/kart.svg"), svg);
    assert!(!Path::new(&site.root.join(".regionprofil-cache")).exists());
}

/// A site whose pages print their link-preview image and photo, as a theme would use them.
fn cover_site() -> Site {
    let site = Site::named("sites", "minimal");
    site.write(
        "templates/page.html",
        "image={{ page.image }}\ncard={% if page.card %}{{ page.card.url }} {{ page.card.width }}x{{ page.card.height }} {{ page.card.type }}{% endif %}\npicture={% if page.picture %}{{ page.picture.srcset }}{% endif %}\n",
    );
    site.write("content/bo/_index.md", "---\ntitle: Bo\n---\n");
    site
}

#[test]
fn a_front_matter_photo_gives_a_link_preview_card_and_its_versions() {
    let site = cover_site();
    site.write("content/bo/hytta/index.md", "---\ntitle: Hytta\nimage: hytte.jpg\n---\nTekst.\n");
    write_bytes(&site, "content/bo/hytta/hytte.jpg", &jpeg(2000, 1500));
    let page = build(&site);
    let card_url = page.lines().find_map(|l| l.strip_prefix("card=")).expect("card line");
    assert!(card_url.starts_with("https://example.org/bo/hytta/hytte-1200x630-"), "{page}");
    assert!(card_url.ends_with(".jpg 1200x630 image/jpeg"), "{page}");
    assert!(page.contains(&format!("image={}", card_url.split(' ').next().expect("url"))), "{page}");
    assert!(page.contains("picture=/bo/hytta/hytte-480w-"), "{page}");
    let card = versions(&site, "hytte").into_iter().find(|(n, _)| n.contains("1200x630")).expect("the card file");
    let image = image::load_from_memory(&card.1).expect("a real image");
    assert_eq!((image.width(), image.height()), (1200, 630));
}

#[test]
fn a_page_without_an_image_takes_its_section_s_then_the_site_s() {
    let site = cover_site();
    site.write("content/bo/_index.md", "---\ntitle: Bo\nimage: /images/bo.png\n---\n");
    site.write("content/bo/hytta/index.md", "---\ntitle: Hytta\n---\nTekst.\n");
    site.write("content/jobb/_index.md", "---\ntitle: Jobb\n---\n");
    site.write("content/jobb/lege.md", "---\ntitle: Lege\n---\nTekst.\n");
    // A small original gives a smaller card in the same proportions, never an enlarged one.
    write_bytes(
        &site,
        "static/images/bo.png",
        &encode(&DynamicImage::ImageRgb8(RgbImage::new(600, 600)), ImageFormat::Png),
    );
    write_bytes(&site, "static/images/regionen.jpg", &jpeg(1600, 900));
    site.write("site.yaml", &format!("{}image: images/regionen.jpg\n", site.read("site.yaml")));
    let page = build(&site);
    assert!(page.contains("card=https://example.org/images/bo-600x315-"), "{page}");
    assert!(page.contains(".png 600x315 image/png"), "{page}");
    assert!(page.contains("picture=\n"), "an inherited image is no photo of the page's own: {page}");
    let job = site.read("public/jobb/lege/index.html");
    assert!(job.contains("card=https://example.org/images/regionen-1200x630-"), "{job}");
}

#[test]
fn a_missing_front_matter_image_is_an_error_at_its_key() {
    let site = cover_site();
    site.write("content/bo/hytta/index.md", "---\ntitle: Hytta\nimage: hyte.jpg\n---\nTekst.\n");
    write_bytes(&site, "content/bo/hytta/hytte.jpg", &jpeg(100, 100));
    let errors = failure(&site);
    assert!(errors.contains("content/bo/hytta/index.md:3:1"), "{errors}");
    assert!(errors.contains("the image `hyte.jpg` is not in the site"), "{errors}");
    assert!(errors.contains("hytte.jpg"), "{errors}");
}

#[test]
fn templates_resize_any_photo_of_the_site() {
    let site = cover_site();
    site.write(
        "templates/page.html",
        "{% set thumb = resize(path='images/torget.jpg', width=300) %}{{ thumb.url }} {{ thumb.width }}x{{ thumb.height }}\n\
         {% set square = resize(path='/images/torget.jpg', width=200, height=200, format='webp') %}{{ square.url }} {{ square.width }}x{{ square.height }} {{ square.type }}\n\
         {% set photo = image(path='images/torget.jpg') %}{{ photo.srcset }}\n",
    );
    site.write("content/bo/hytta/index.md", "---\ntitle: Hytta\n---\nTekst.\n");
    write_bytes(&site, "static/images/torget.jpg", &jpeg(1000, 500));
    let page = build(&site);
    let lines: Vec<&str> = page.lines().collect();
    assert!(lines[0].starts_with("/images/torget-300w-") && lines[0].ends_with(".jpg 300x150"), "{page}");
    assert!(
        lines[1].starts_with("/images/torget-200x200-") && lines[1].ends_with(".webp 200x200 image/webp"),
        "{page}"
    );
    assert!(lines[2].starts_with("/images/torget-480w-"), "{page}");
    let square = std::fs::read(site.public().join(lines[1].split(' ').next().expect("url").trim_start_matches('/')))
        .expect("the cut version is published");
    let square = image::load_from_memory(&square).expect("a real image");
    assert_eq!((square.width(), square.height()), (200, 200));
}

#[test]
fn a_template_asking_for_a_missing_photo_or_size_is_an_error() {
    let site = cover_site();
    site.write(
        "templates/page.html",
        "{% set small = resize(path='images/torget.jpeg', width=300) %}{{ small.url }}\n",
    );
    site.write("content/bo/hytta/index.md", "---\ntitle: Hytta\n---\nTekst.\n");
    write_bytes(&site, "static/images/torget.jpg", &jpeg(100, 100));
    let errors = failure(&site);
    assert!(errors.contains("no image `images/torget.jpeg`"), "{errors}");
    assert!(errors.contains("torget.jpg"), "{errors}");
    assert!(errors.contains("templates/page.html:1"), "{errors}");
    site.write(
        "templates/page.html",
        "{% set small = resize(path='images/torget.jpg', width=100000) %}{{ small.url }}\n",
    );
    let errors = failure(&site);
    assert!(errors.contains("`width=100000` is not a size regionprofil makes"), "{errors}");
}

#[test]
fn an_original_is_published_only_when_a_page_names_it() {
    let site = photo_site("![Hytta](hytte.jpg)\n\n![Brygga](brygge%20ved%20vannet.jpg)");
    write_bytes(&site, "content/bo/hytta/hytte.jpg", &jpeg(900, 600));
    write_bytes(&site, "content/bo/hytta/brygge ved vannet.jpg", &jpeg(900, 600));
    build(&site);
    assert!(!site.public().join("bo/hytta/hytte.jpg").exists(), "a photo only shown is published as its versions");
    assert!(!site.public().join("bo/hytta/brygge ved vannet.jpg").exists());
    // A link to the full photo asks for it.
    site.write(
        "content/bo/hytta/index.md",
        "---\ntitle: Hytta\n---\n![Hytta](hytte.jpg)\n\n![Brygga](brygge%20ved%20vannet.jpg)\n\n[Hele bildet](brygge%20ved%20vannet.jpg)\n",
    );
    build(&site);
    assert!(!site.public().join("bo/hytta/hytte.jpg").exists());
    assert!(site.public().join("bo/hytta/brygge ved vannet.jpg").exists());
}

/// Sets a file's time of last change to `ago` before now.
fn touch_back(path: &Path, ago: std::time::Duration) {
    let file = std::fs::File::options().write(true).open(path).expect("open");
    file.set_modified(std::time::SystemTime::now() - ago).expect("set the time");
}

#[test]
fn a_warm_build_knows_a_photo_by_its_size_and_time_and_sees_it_change() {
    let site = photo_site("![Hytta](hytte.jpg)");
    let photo = site.root.join("content/bo/hytta/hytte.jpg");
    write_bytes(&site, "content/bo/hytta/hytte.jpg", &jpeg(900, 600));
    touch_back(&photo, std::time::Duration::from_secs(3600));
    let first = build(&site);
    let record = site.read(".regionprofil-cache/images/photos.tsv");
    assert!(record.contains("\t900\t600\tjpg\tcontent/bo/hytta/hytte.jpg\n"), "{record}");
    // The record is what a warm build goes by: a file of the same size and time is taken
    // for the same photo, unread (bytes that are no JPEG at all would be an error).
    let modified = std::fs::metadata(&photo).expect("stat").modified().expect("time");
    let size = std::fs::metadata(&photo).expect("stat").len() as usize;
    std::fs::write(&photo, vec![b'x'; size]).expect("write");
    std::fs::File::options().write(true).open(&photo).expect("open").set_modified(modified).expect("time");
    assert_eq!(build(&site), first);
    // A photo changed the usual way (a new time) gets new versions.
    write_bytes(&site, "content/bo/hytta/hytte.jpg", &jpeg(600, 900));
    touch_back(&photo, std::time::Duration::from_secs(1800));
    let second = build(&site);
    assert_ne!(first, second);
    assert!(second.contains("width=\"600\" height=\"900\""), "{second}");
    assert!(site.read(".regionprofil-cache/images/photos.tsv").contains("\t600\t900\tjpg\t"));
}
