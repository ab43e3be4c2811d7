//! `--search`: the search index next to Pagefind's, on the benchmark site (unminified, as
//! Pagefind cannot read minify-html's output) and on the repository's own site.
//!
//! 1. Build time and peak memory of `build` with the index and with `search: false`, and of
//!    Pagefind indexing the same output (its own binary, not the npm wrapper).
//! 2. Index bytes and files on disk.
//! 3. In Chromium (`compare.mjs speed`): time from Enter to hits, and the bytes a first and a
//!    second query download, for both, served from one folder by a plain static server.
//! 4. Recall (`compare.mjs recall`) on the repository's site with the e2e query list.
//!
//! Needs node and `npm ci` in benches/search (done here), Chromium at /usr/bin/chromium.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{Options, Stats, Style, build, generate, measure};

/// The region theme's search page, reduced to what search.js needs, for the bench theme.
pub const SEARCH_PAGE: &str = r#"<!DOCTYPE html>
<html lang="{{ language.locale }}">
<head>
<meta charset="utf-8">
<title>Søk</title>
<link rel="preload" id="search-index" href="{{ search.index_url }}" as="fetch" crossorigin="anonymous">
<script src="{{ asset(path='search.js') }}" defer></script>
</head>
<body>
<main>
<form role="search" id="search-form" action="{{ search.page_url }}"><label for="search-q">Søk</label><input type="search" id="search-q" name="q"><button>Søk</button></form>
<p id="search-status" role="status"></p>
<div id="search-filters" hidden></div>
<div id="search-results" data-searching="Søker …" data-results-one="{count} treff for «{query}»" data-results-other="{count} treff for «{query}»" data-no-hits="Ingen treff for «{query}»" data-failed="Feil" data-more="Flere" data-filter-section="Del" data-filter-tags="Stikkord" data-filter-location="Sted" data-filter-type="Type"></div>
</main>
</body>
</html>
"#;

pub const SEARCH_SCRIPT: &str = include_str!("../../themes/region/static/search.js");

/// Words of the benchmark site's vocabulary, and a number in its titles.
const QUERIES: [&str; 8] = ["bolig", "skole", "fjell", "vekst plan", "næring", "side 4711", "bygd", "vann region"];

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/search")
}

fn pagefind() -> PathBuf {
    here().join("node_modules/@pagefind/linux-x64/bin/pagefind_extended")
}

pub fn benchmark(regionprofil: &Path, base: &Path, options: &Options) {
    let npm = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
        .current_dir(here())
        .status()
        .expect("npm");
    assert!(npm.success(), "npm ci in benches/search failed");
    println!("# regionprofil search next to Pagefind\n");
    println!("machine: {} cores, {}", std::thread::available_parallelism().map_or(0, |n| n.get()), super::cpu_model());
    println!("pagefind: {}\n", version(&pagefind()));
    for &pages in &options.pages {
        let site = base.join(format!("search-site-{pages}"));
        generate(&site, pages, Style::Linked);
        set(&site, "minify: true", "minify: false");
        let plain = base.join(format!("search-site-{pages}-off"));
        generate(&plain, pages, Style::Linked);
        set(&plain, "minify: true", "minify: false\nsearch: false");
        let (out, out_plain, out_pagefind) =
            (base.join("out-search"), base.join("out-plain"), base.join("out-pagefind"));
        let (mut with, mut without, mut theirs) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..options.runs {
            let _ = fs::remove_dir_all(&out);
            with.push(measure(&mut build(regionprofil, &site, &out)));
            let _ = fs::remove_dir_all(&out_plain);
            without.push(measure(&mut build(regionprofil, &plain, &out_plain)));
            let _ = fs::remove_dir_all(&out_pagefind);
            copy(&out_plain, &out_pagefind);
            theirs.push(measure(Command::new(pagefind()).arg("--quiet").arg("--site").arg(&out_pagefind)));
        }
        let (with, without, theirs) = (Stats::median(&with), Stats::median(&without), Stats::median(&theirs));
        println!("## {pages} pages per language\n");
        println!("| | wall (s) | CPU (s) | peak memory (MB) |");
        println!("|---|---:|---:|---:|");
        println!("| `build`, `search: false` | {:.2} | {:.2} | {:.0} |", without.wall, without.cpu, without.peak_mb);
        println!("| `build` with the index | {:.2} | {:.2} | {:.0} |", with.wall, with.cpu, with.peak_mb);
        println!(
            "| the index adds | {:+.2} ({:+.1} %) | {:+.2} | {:+.0} ({:+.1} %) |",
            with.wall - without.wall,
            100.0 * (with.wall / without.wall - 1.0),
            with.cpu - without.cpu,
            with.peak_mb - without.peak_mb,
            100.0 * (with.peak_mb / without.peak_mb - 1.0)
        );
        println!("| Pagefind on the same output | {:.2} | {:.2} | {:.0} |\n", theirs.wall, theirs.cpu, theirs.peak_mb);
        let (ours_bytes, ours_files) = size(&out.join("search-index"));
        let (their_bytes, their_files) = size(&out_pagefind.join("pagefind"));
        println!("| index on disk | bytes (MB) | files |");
        println!("|---|---:|---:|");
        println!("| regionprofil (`search-index/`) | {:.1} | {ours_files} |", ours_bytes as f64 / 1e6);
        println!("| Pagefind (`pagefind/`) | {:.1} | {their_files} |\n", their_bytes as f64 / 1e6);
        // Both indexes in one folder, so that one server serves both the same way.
        add_pagefind(&out);
        let server = Server::start(&out);
        node(&["speed", &server.base, "sok/"].into_iter().chain(QUERIES).collect::<Vec<_>>());
        println!();
        if !options.keep {
            for dir in [&site, &plain, &out, &out_plain, &out_pagefind] {
                let _ = fs::remove_dir_all(dir);
            }
        }
    }
    recall(regionprofil, base);
}

/// Recall on the repository's site, unminified, with the e2e query list.
fn recall(regionprofil: &Path, base: &Path) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = base.join("repository-site");
    let _ = fs::remove_dir_all(&site);
    fs::create_dir_all(&site).expect("folder");
    for part in ["site.yaml", "content", "data", "static", "themes", "i18n", "templates"] {
        if root.join(part).exists() {
            copy(&root.join(part), &site.join(part));
        }
    }
    set(&site, "minify: true", "minify: false");
    let out = base.join("repository-out");
    let _ = fs::remove_dir_all(&out);
    let status = build(regionprofil, &site, &out).stdout(Stdio::null()).status().expect("build");
    assert!(status.success());
    add_pagefind(&out);
    let server = Server::start(&out);
    println!("## Recall on the repository's site (tests/e2e/search-queries.json)\n");
    node(&["recall", &server.base, &root.join("tests/e2e/search-queries.json").display().to_string()]);
}

/// Runs Pagefind on `out` and adds a page per language with its UI.
fn add_pagefind(out: &Path) {
    let status = Command::new(pagefind()).arg("--quiet").arg("--site").arg(out).status().expect("pagefind");
    assert!(status.success(), "pagefind failed");
    for (name, lang) in [("nb", "nb"), ("en", "en-GB")] {
        fs::write(
            out.join(format!("pagefind-{name}.html")),
            format!(
                "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>Pagefind</title>\
                 <link href=\"pagefind/pagefind-ui.css\" rel=\"stylesheet\"><script src=\"pagefind/pagefind-ui.js\"></script>\
                 </head><body><div id=\"search\"></div><script>window.addEventListener('DOMContentLoaded', () => \
                 new PagefindUI({{ element: '#search', showSubResults: false, debounceTimeoutMs: 0 }}));</script></body></html>\n"
            ),
        )
        .expect("pagefind page");
    }
}

/// A static server without compression (python's http.server) on a free port.
struct Server {
    child: std::process::Child,
    base: String,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").expect("port").local_addr().expect("address").port();
        let child = Command::new("python3")
            .args(["-m", "http.server", &port.to_string(), "--bind", "127.0.0.1"])
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 -m http.server");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Server { child, base: format!("http://127.0.0.1:{port}/") }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn node(args: &[&str]) {
    let status = Command::new("node").arg(here().join("compare.mjs")).args(args).status().expect("node");
    assert!(status.success(), "compare.mjs failed");
}

fn set(site: &Path, from: &str, to: &str) {
    let config = site.join("site.yaml");
    let text = fs::read_to_string(&config).expect("site.yaml");
    assert!(text.contains(from), "{from} not in site.yaml");
    fs::write(&config, text.replacen(from, to, 1)).expect("site.yaml");
}

fn copy(from: &Path, to: &Path) {
    let status = Command::new("cp").arg("-r").arg(from).arg(to).status().expect("cp");
    assert!(status.success());
}

/// Bytes and files under `dir`.
fn size(dir: &Path) -> (u64, usize) {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .fold((0, 0), |(bytes, files), e| (bytes + e.metadata().map_or(0, |m| m.len()), files + 1))
}

fn version(program: &Path) -> String {
    Command::new(program)
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default()
}
