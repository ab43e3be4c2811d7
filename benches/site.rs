//! The build benchmark: a generated bilingual site, built by regionprofil and — when `hugo`
//! is installed — by Hugo from the equivalent content, alternating, several runs each, next
//! to a floor that only turns the same Markdown into one HTML file per page.
//!
//! ```text
//! cargo bench --bench site -- [--pages N]... [--runs R] [--no-hugo] [--keep]
//! cargo bench --bench site -- --reload [--one-page-edits] [--pages N]... [--runs R]
//! cargo bench --bench site -- --search [--pages N]... [--runs R]
//! cargo bench --bench site -- --images [--pages N] [--photos P] [--runs R]
//! ```
//!
//! `--reload` measures `regionprofil serve` instead: the time from saving a file to the
//! live-reload event, for a one-page edit and for an edit of the data file every page uses,
//! alternating. With `--one-page-edits` it makes the one-page edits alone, so that none
//! follows the rebuild of the whole site a data edit makes.
//!
//! `--search` measures the search index next to Pagefind's (see `search/bench.rs`).
//!
//! `--images` measures resizing photos next to Hugo's (see `images/bench.rs`).
//!
//! `--pages` is pages per language (default 5000; repeat it for a scale series). Output goes
//! to tmpfs (`/dev/shm`) when there is one. Wall time, CPU time (user + system) and peak
//! memory come from GNU time (`/usr/bin/time`); the report gives medians.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

const TAGS: usize = 50;
const SECTIONS: usize = 10;

#[path = "images/bench.rs"]
mod images;
#[path = "search/bench.rs"]
mod search;

struct Options {
    pages: Vec<usize>,
    runs: usize,
    hugo: bool,
    keep: bool,
    reload: bool,
    /// `--one-page-edits`: `--reload` without the data edits.
    one_page_edits: bool,
    search: bool,
    /// `--images`: how many photos.
    photos: Option<usize>,
}

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    if args.peek().map(String::as_str) == Some("--floor") {
        args.next();
        let (Some(content), Some(out)) = (args.next(), args.next()) else {
            eprintln!("usage: site --floor CONTENT OUT");
            std::process::exit(2);
        };
        floor(Path::new(&content), Path::new(&out));
        return;
    }
    let mut options = Options {
        pages: Vec::new(),
        runs: 5,
        hugo: true,
        keep: false,
        reload: false,
        one_page_edits: false,
        search: false,
        photos: None,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--pages" => options.pages.push(args.next().and_then(|n| n.parse().ok()).expect("--pages N")),
            "--runs" => options.runs = args.next().and_then(|n| n.parse().ok()).expect("--runs R"),
            "--no-hugo" => options.hugo = false,
            "--keep" => options.keep = true,
            "--reload" => options.reload = true,
            "--one-page-edits" => options.one_page_edits = true,
            "--search" => options.search = true,
            "--images" => options.photos = Some(options.photos.unwrap_or(100)),
            "--photos" => options.photos = Some(args.next().and_then(|n| n.parse().ok()).expect("--photos P")),
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    if options.pages.is_empty() {
        options.pages.push(if options.photos.is_some() { 1000 } else { 5000 });
    }
    let hugo = options.hugo && Command::new("hugo").arg("version").output().is_ok_and(|o| o.status.success());
    let base = if Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm/regionprofil-bench")
    } else {
        std::env::temp_dir().join("regionprofil-bench")
    };
    let _ = fs::remove_dir_all(&base);
    let regionprofil = PathBuf::from(env!("CARGO_BIN_EXE_regionprofil"));
    let me = std::env::current_exe().expect("this program");
    if options.reload {
        reload_benchmark(&regionprofil, &base, &options);
        return;
    }
    if options.search {
        search::benchmark(&regionprofil, &base, &options);
        return;
    }
    if let Some(photos) = options.photos {
        images::benchmark(&regionprofil, &base, &options, photos);
        return;
    }

    println!("# regionprofil build benchmark\n");
    println!("machine: {} cores, {}", std::thread::available_parallelism().map_or(0, |n| n.get()), cpu_model());
    if hugo {
        println!(
            "hugo: {}",
            String::from_utf8_lossy(&Command::new("hugo").arg("version").output().expect("hugo").stdout).trim()
        );
    }
    println!("output on: {}\n", base.display());
    println!(
        "| pages per language | tool | wall (s) | CPU (s) | peak memory (MB) | pages/s | wall / Hugo | memory / Hugo | wall / floor | HTML (MB) |"
    );
    println!("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for &pages in &options.pages {
        // Each variant: our site, and Hugo's site with the same content and theme.
        let variants: [(&str, Style, bool); 3] = [
            ("", Style::Linked, true),
            (", inline style", Style::Inline, true),
            (", minify: false", Style::Linked, false),
        ];
        let mut sites = Vec::new();
        for (i, (name, style, minify)) in variants.iter().enumerate() {
            let site = base.join(format!("site-{pages}-{i}"));
            generate(&site, pages, *style);
            if !minify {
                let config = site.join("site.yaml");
                let text = fs::read_to_string(&config).expect("site.yaml").replace("minify: true", "minify: false");
                fs::write(&config, text).expect("site.yaml");
            }
            // Hugo has no variant without minifying: compare that one with the linked site.
            let hugo_site = (hugo && *minify).then(|| {
                let hugo_site = base.join(format!("hugo-{pages}-{i}"));
                generate_hugo(&site, &hugo_site, pages, *style);
                hugo_site
            });
            sites.push((*name, site, hugo_site));
        }
        let total = pages * 2;
        let mut ours: Vec<Vec<Stats>> = vec![Vec::new(); sites.len()];
        let mut theirs: Vec<Vec<Stats>> = vec![Vec::new(); sites.len()];
        let mut floors = Vec::new();
        let mut bytes: Vec<(u64, u64)> = vec![(0, 0); sites.len()];
        for _ in 0..options.runs {
            for (i, (_, site, hugo_site)) in sites.iter().enumerate() {
                let out = base.join("out-regionprofil");
                let _ = fs::remove_dir_all(&out);
                ours[i].push(measure(&mut build(&regionprofil, site, &out)));
                bytes[i].0 = html_bytes(&out);
                if let Some(hugo_site) = hugo_site {
                    let out = base.join("out-hugo");
                    let _ = fs::remove_dir_all(&out);
                    theirs[i].push(measure(
                        Command::new("hugo")
                            .arg("--quiet")
                            .arg("--source")
                            .arg(hugo_site)
                            .arg("--destination")
                            .arg(&out),
                    ));
                    bytes[i].1 = html_bytes(&out);
                }
            }
            let out = base.join("out-floor");
            let _ = fs::remove_dir_all(&out);
            floors.push(measure(Command::new(&me).arg("--floor").arg(sites[0].1.join("content")).arg(&out)));
        }
        let floor = Stats::median(&floors);
        let ratio = |a: f64, b: Option<f64>| b.map_or("–".to_string(), |b| format!("{:.2}", a / b));
        let row = |tool: &str, stats: &Stats, hugo: Option<&Stats>, html: u64| {
            println!(
                "| {pages} | {tool} | {:.2} | {:.2} | {:.0} | {:.0} | {} | {} | {:.1} | {:.1} |",
                stats.wall,
                stats.cpu,
                stats.peak_mb,
                total as f64 / stats.wall,
                ratio(stats.wall, hugo.map(|t| t.wall)),
                ratio(stats.peak_mb, hugo.map(|t| t.peak_mb)),
                stats.wall / floor.wall,
                html as f64 / 1e6,
            );
        };
        let hugo_linked = (!theirs[0].is_empty()).then(|| Stats::median(&theirs[0]));
        for (i, (name, _, _)) in sites.iter().enumerate() {
            let hugo_same = (!theirs[i].is_empty()).then(|| Stats::median(&theirs[i]));
            let hugo = hugo_same.or(hugo_linked);
            row(&format!("regionprofil{name}"), &Stats::median(&ours[i]), hugo.as_ref(), bytes[i].0);
            if let Some(t) = hugo_same {
                row(&format!("Hugo{name}"), &t, Some(&t), bytes[i].1);
            }
        }
        println!(
            "| {pages} | floor (pulldown-cmark only) | {:.2} | {:.2} | {:.0} | {:.0} | | | 1.0 | |",
            floor.wall,
            floor.cpu,
            floor.peak_mb,
            total as f64 / floor.wall
        );
        if !options.keep {
            for (_, site, hugo_site) in &sites {
                let _ = fs::remove_dir_all(site);
                if let Some(hugo_site) = hugo_site {
                    let _ = fs::remove_dir_all(hugo_site);
                }
            }
        }
    }
    if !options.keep {
        let _ = fs::remove_dir_all(&base);
    }
}

/// Saves a file of a served site and times how long until the browser is told to reload.
fn reload_benchmark(regionprofil: &Path, base: &Path, options: &Options) {
    use std::io::{BufRead, BufReader, Write};
    use std::time::{Duration, Instant};

    println!("# regionprofil serve: from saving a file to the reload event\n");
    println!("machine: {} cores, {}\n", std::thread::available_parallelism().map_or(0, |n| n.get()), cpu_model());
    println!("| pages per language | edit | median (ms) | fastest (ms) | slowest (ms) |");
    println!("|---:|---|---:|---:|---:|");
    for &pages in &options.pages {
        let site = base.join(format!("site-{pages}"));
        generate(&site, pages, Style::Linked);
        let mut server = Command::new(regionprofil)
            .args(["serve", "--port", "0", "--root"])
            .arg(&site)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("regionprofil serve");
        let mut stdout = BufReader::new(server.stdout.take().expect("stdout"));
        let mut line = String::new();
        let port: u16 = loop {
            line.clear();
            assert!(stdout.read_line(&mut line).expect("serve output") > 0, "serve stopped");
            if let Some(address) = line.split("http://127.0.0.1:").nth(1) {
                break address
                    .trim_end()
                    .trim_end_matches(['/', ' '])
                    .split('/')
                    .next()
                    .and_then(|p| p.parse().ok())
                    .expect("port");
            }
        };
        // Keep reading what serve prints, so it never blocks on a full pipe.
        std::thread::spawn(move || for _ in stdout.lines() {});
        let mut events = std::net::TcpStream::connect(("127.0.0.1", port)).expect("connect");
        events.write_all(b"GET /__regionprofil/events HTTP/1.1\r\nHost: localhost\r\n\r\n").expect("subscribe");
        let (tx, rx) = std::sync::mpsc::channel();
        let reader = events.try_clone().expect("stream");
        std::thread::spawn(move || {
            for line in BufReader::new(reader).lines().map_while(Result::ok) {
                if let Some(event) = line.strip_prefix("event: ") {
                    let _ = tx.send(event.to_string());
                }
            }
        });
        assert_eq!(rx.recv_timeout(Duration::from_secs(60)).expect("hello"), "hello");
        let page = site.join("content/seksjon-0/side-0.md");
        let data = site.join("data/tall.csv");
        let original = fs::read_to_string(&page).expect("page");
        let mut timings: Vec<(&str, Vec<f64>)> = vec![("one page", Vec::new())];
        if !options.one_page_edits {
            timings.push(("the data file all pages use", Vec::new()));
        }
        for run in 0..options.runs {
            for (edit, times) in timings.iter_mut() {
                let started = Instant::now();
                if edit.starts_with("one") {
                    fs::write(&page, format!("{original}\nEndring {run}.\n")).expect("edit the page");
                } else {
                    fs::write(&data, stat_csv().replacen("R0;10000;10100", &format!("R0;10000;{}", 20_000 + run), 1))
                        .expect("edit the data");
                }
                loop {
                    let event = rx.recv_timeout(Duration::from_secs(120)).expect("an event");
                    assert_ne!(event, "errors", "the edit broke the site");
                    if event == "reload" {
                        break;
                    }
                }
                times.push(started.elapsed().as_secs_f64() * 1000.0);
                // Let the watcher settle so edits are measured one at a time.
                std::thread::sleep(Duration::from_millis(300));
            }
        }
        for (edit, times) in &mut timings {
            times.sort_by(f64::total_cmp);
            println!(
                "| {pages} | {edit} | {:.0} | {:.0} | {:.0} |",
                times[times.len() / 2],
                times[0],
                times[times.len() - 1]
            );
        }
        let _ = server.kill();
        let _ = server.wait();
        if !options.keep {
            let _ = fs::remove_dir_all(&site);
        }
    }
}

/// The bytes of the HTML files under `dir`: what minifying is for.
fn html_bytes(dir: &Path) -> u64 {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "html"))
        .filter_map(|e| e.metadata().ok())
        .map(|m| m.len())
        .sum()
}

fn build(regionprofil: &Path, site: &Path, out: &Path) -> Command {
    let mut command = Command::new(regionprofil);
    command.args(["build", "--root"]).arg(site).arg("--output").arg(out).env("SOURCE_DATE_EPOCH", "1795651200");
    command
}

#[derive(Clone, Copy)]
struct Stats {
    wall: f64,
    cpu: f64,
    peak_mb: f64,
}

impl Stats {
    fn median(runs: &[Stats]) -> Stats {
        let pick = |f: fn(&Stats) -> f64| {
            let mut v: Vec<f64> = runs.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        Stats { wall: pick(|s| s.wall), cpu: pick(|s| s.cpu), peak_mb: pick(|s| s.peak_mb) }
    }
}

/// Runs a command under GNU time: wall seconds, user + system seconds, peak RSS.
fn measure(command: &mut Command) -> Stats {
    let program = command.get_program().to_owned();
    let args: Vec<_> = command.get_args().map(|a| a.to_owned()).collect();
    let envs: Vec<_> = command.get_envs().filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))).collect();
    let report = std::env::temp_dir().join(format!("bench-time-{}", std::process::id()));
    let status = Command::new("/usr/bin/time")
        .stdout(std::process::Stdio::null())
        .arg("-f")
        .arg("%e %U %S %M")
        .arg("-o")
        .arg(&report)
        .arg(&program)
        .args(&args)
        .envs(envs)
        .status()
        .expect("GNU time (/usr/bin/time)");
    assert!(status.success(), "{} failed", program.to_string_lossy());
    let text = fs::read_to_string(&report).expect("time report");
    let numbers: Vec<f64> = text.split_whitespace().filter_map(|n| n.parse().ok()).collect();
    Stats { wall: numbers[0], cpu: numbers[1] + numbers[2], peak_mb: numbers[3] / 1024.0 }
}

fn cpu_model() -> String {
    fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into())
}

/// The floor: read each Markdown file, drop its front matter, render it with
/// pulldown-cmark, write one HTML file per page.
fn floor(content: &Path, out: &Path) {
    fs::create_dir_all(out).expect("out");
    let mut n = 0;
    for entry in walkdir::WalkDir::new(content).into_iter().filter_map(Result::ok) {
        if entry.path().extension().and_then(|e| e.to_str()) != Some("md") {
            continue;
        }
        let text = fs::read_to_string(entry.path()).expect("read");
        let body = text.splitn(3, "---\n").nth(2).unwrap_or(&text);
        let mut html = String::new();
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(body, pulldown_cmark::Options::all()),
        );
        fs::write(out.join(format!("{n}.html")), html).expect("write");
        n += 1;
    }
}

/// A deterministic pseudo-random number for page `i`, salt `s`.
fn pick(i: usize, s: usize, n: usize) -> usize {
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (s as u64).wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 29;
    (x % n as u64) as usize
}

struct PageText {
    section: usize,
    slug: String,
    title: String,
    date: String,
    tags: Vec<usize>,
    body: String,
}

/// Page `i` in `lang`; `link` turns (section, slug) into a link target in the tool's syntax,
/// `stat` a row number into a statistic.
fn page(
    i: usize,
    lang: &str,
    pages: usize,
    link: &dyn Fn(usize, &str) -> String,
    stat: &dyn Fn(usize) -> String,
) -> PageText {
    let section = i % SECTIONS;
    let slug = format!("side-{i}");
    let words = ["region", "bolig", "jobb", "skole", "næring", "fjell", "vann", "by", "bygd", "vekst", "data", "plan"];
    let sentence = |k: usize| {
        let mut s = String::new();
        for w in 0..12 {
            s.push_str(words[pick(i, k * 31 + w, words.len())]);
            s.push(if w == 11 { '.' } else { ' ' });
        }
        s[..1].to_uppercase() + &s[1..]
    };
    let mut body = String::new();
    let _ = writeln!(body, "{} {} {}\n", sentence(1), sentence(2), sentence(3));
    let _ = writeln!(body, "## Fakta {i}\n");
    let _ = writeln!(body, "Folketall: {} i år.\n", stat(i % 100));
    let _ = writeln!(body, "- {}\n- {}\n- **{}**\n", sentence(4), sentence(5), sentence(6));
    let _ = writeln!(body, "| Kommune | Tall | Andel |\n|---|--:|--:|");
    for r in 0..4 {
        let _ = writeln!(
            body,
            "| Sted {} | {} | {},{} |",
            pick(i, r, 99),
            pick(i, r + 10, 100_000),
            pick(i, r, 100),
            pick(i, r + 1, 10)
        );
    }
    let other = pick(i, 7, pages);
    let _ = writeln!(
        body,
        "\nSe også [side {other}]({}) og [{}]({}).\n",
        link(other % SECTIONS, &format!("side-{other}")),
        sentence(7),
        link(section, "_index")
    );
    if i.is_multiple_of(10) {
        let _ = writeln!(
            body,
            "```rust\nfn main() {{\n    let sider = {i};\n    println!(\"{{sider}} sider\");\n}}\n```\n"
        );
    }
    let _ = writeln!(body, "## Mer {lang}\n\n{} {}", sentence(8), sentence(9));
    let mut tags: Vec<usize> = (0..3).map(|k| pick(i, 100 + k, TAGS)).collect();
    tags.sort_unstable();
    tags.dedup();
    PageText {
        section,
        slug,
        title: format!("{} {i}", if lang == "nb" { "Side" } else { "Page" }),
        date: format!("2026-{:02}-{:02}", 1 + i % 12, 1 + i % 28),
        tags,
        body,
    }
}

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().expect("parent")).expect("folder");
    fs::write(path, text).expect("write");
}

fn stat_csv() -> String {
    let mut csv = String::from("Region;2019;2020\n");
    for r in 0..100 {
        let _ = writeln!(csv, "R{r};{};{}", 10_000 + r * 37, 10_100 + r * 41);
    }
    csv
}

/// How a generated site's pages get their stylesheet.
#[derive(Clone, Copy, PartialEq)]
enum Style {
    /// `<link rel="stylesheet">` to one file.
    Linked,
    /// The whole stylesheet in a `<style>` element in every page ("critical CSS").
    Inline,
}

/// The region theme's stylesheet (12.7 KB), for a realistic amount of CSS.
const STYLESHEET: &str = include_str!("../themes/region/static/style.css");

impl Style {
    /// What the `<head>` of every page gets; `href` is the stylesheet's URL.
    fn head(self, href: &str) -> String {
        match self {
            Style::Linked => format!("<link rel=\"stylesheet\" href=\"{href}\">"),
            Style::Inline => format!("<style>\n{STYLESHEET}</style>"),
        }
    }
}

fn generate(site: &Path, pages: usize, style: Style) {
    let _ = fs::remove_dir_all(site);
    write(
        &site.join("site.yaml"),
        "title: Benchmark\nbase_url: https://example.org/\nlanguages:\n  nb: { name: Norsk }\n  en: { name: English, locale: en-GB }\ntheme: bench\nminify: true\ntaxonomies: [tags]\npaginate: 20\nfeeds: true\n",
    );
    write(&site.join("data/tall.csv"), &stat_csv());
    let theme = site.join("themes/bench/templates");
    write(&site.join("themes/bench/static/style.css"), STYLESHEET);
    write(
        &theme.join("base.html"),
        &"<!DOCTYPE html>\n<html lang=\"{{ language.locale }}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{% block title %}{{ language.title }}{% endblock title %}</title>\n{STYLE}\n</head>\n<body>\n<nav><a href=\"{{ language.path }}\">{{ language.title }}</a>{% for l in languages %} <a href=\"{{ l.path }}\">{{ l.name }}</a>{% endfor %}</nav>\n<main>{% block main %}{% endblock main %}</main>\n</body>\n</html>\n"
            .replace("{STYLE}", &style.head("{{ asset(path='style.css') }}")),
    );
    write(
        &theme.join("page.html"),
        "{% extends \"base.html\" %}\n{% block title %}{{ page.title }}{% endblock title %}\n{% block main %}<article><h1>{{ page.title }}</h1><p><time>{{ page.date }}</time></p>{{ page.content }}<ul>{% for t in page.taxonomies.tags %}<li><a href=\"{{ t.path }}\">{{ t.name }}</a></li>{% endfor %}</ul></article>{% endblock main %}\n",
    );
    write(
        &theme.join("section.html"),
        "{% extends \"base.html\" %}\n{% block main %}<h1>{{ section.title }}</h1>{{ section.content }}<ul>{% for p in paginator.pages %}<li><a href=\"{{ p.path }}\">{{ p.title }}</a> {{ p.date }}</li>{% endfor %}</ul>{% if paginator.next %}<a href=\"{{ paginator.next }}\">neste</a>{% endif %}{% endblock main %}\n",
    );
    write(
        &theme.join("taxonomy_list.html"),
        "{% extends \"base.html\" %}\n{% block main %}<ul>{% for t in terms %}<li><a href=\"{{ t.path }}\">{{ t.name }}</a> {{ t.page_count }}</li>{% endfor %}</ul>{% endblock main %}\n",
    );
    write(
        &theme.join("taxonomy_single.html"),
        "{% extends \"base.html\" %}\n{% block main %}<h1>{{ term.name }}</h1><ul>{% for p in paginator.pages %}<li><a href=\"{{ p.path }}\">{{ p.title }}</a></li>{% endfor %}</ul>{% if paginator.next %}<a href=\"{{ paginator.next }}\">neste</a>{% endif %}{% endblock main %}\n",
    );
    write(&theme.join("404.html"), "{% extends \"base.html\" %}\n{% block main %}<h1>404</h1>{% endblock main %}\n");
    // The search page of the region theme, with its script.
    write(&theme.join("search.html"), search::SEARCH_PAGE);
    write(&site.join("themes/bench/static/search.js"), search::SEARCH_SCRIPT);
    let suffix = |lang: &str| if lang == "nb" { String::new() } else { format!(".{lang}") };
    write_content(
        site,
        pages,
        &Dialect {
            suffix: &suffix,
            link: &|sec, slug| {
                if slug == "_index" {
                    format!("@/seksjon-{sec}/_index.md")
                } else {
                    format!("@/seksjon-{sec}/{slug}.md")
                }
            },
            stat: &|row| format!("{{{{ stat(table=\"tall\", row=\"R{row}\", col=\"2020\") }}}}"),
            tag: &|tag| format!("emne {tag}"),
        },
    );
}

/// What the two generators write differently in the same content.
struct Dialect<'a> {
    /// A language's file-name suffix: `_index.md` or `_index.en.md`.
    suffix: &'a dyn Fn(&str) -> String,
    /// A link to a section's page (or to the section, for `_index`).
    link: &'a dyn Fn(usize, &str) -> String,
    /// The statistic of a row.
    stat: &'a dyn Fn(usize) -> String,
    /// A tag as the front matter's list writes it.
    tag: &'a dyn Fn(usize) -> String,
}

/// The home pages, sections and pages of both languages, in `dialect`.
fn write_content(site: &Path, pages: usize, dialect: &Dialect) {
    for lang in ["nb", "en"] {
        let suffix = (dialect.suffix)(lang);
        write(&site.join(format!("content/_index{suffix}.md")), "---\ntitle: Hjem\n---\nVelkommen.\n");
        for s in 0..SECTIONS {
            write(
                &site.join(format!("content/seksjon-{s}/_index{suffix}.md")),
                &format!("---\ntitle: Seksjon {s}\n---\nSeksjon {s}.\n"),
            );
        }
        for i in 0..pages {
            let p = page(i, lang, pages, dialect.link, dialect.stat);
            let tags: Vec<String> = p.tags.iter().map(|&t| (dialect.tag)(t)).collect();
            write(
                &site.join(format!("content/seksjon-{}/{}{suffix}.md", p.section, p.slug)),
                &format!(
                    "---\ntitle: {}\ndate: {}\ndescription: Beskrivelse av {}\ntags: [{}]\n---\n{}",
                    p.title,
                    p.date,
                    p.title,
                    tags.join(", "),
                    p.body
                ),
            );
        }
    }
}

/// The same site for Hugo: same content, same outputs (pages, paged listings, tags, sitemap,
/// feeds, minified HTML), the statistic read from the same CSV by a shortcode.
///
/// Hugo writes an RSS feed for every section, taxonomy and term by default, each with
/// every page in it; regionprofil writes one Atom feed per language with the newest 20.
/// So Hugo gets the same: RSS for the home pages only, 20 items.
fn generate_hugo(_ours: &Path, site: &Path, pages: usize, style: Style) {
    let _ = fs::remove_dir_all(site);
    write(&site.join("static/style.css"), STYLESHEET);
    write(
        &site.join("hugo.toml"),
        "baseURL = 'https://example.org/'\ndefaultContentLanguage = 'nb'\nbuildFuture = true\npaginate = 20\nrssLimit = 20\n[outputs]\n  home = ['html', 'rss']\n  section = ['html']\n  taxonomy = ['html']\n  term = ['html']\n[minify]\n  minifyOutput = true\n[taxonomies]\n  tag = 'tags'\n[languages]\n  [languages.nb]\n    languageName = 'Norsk'\n    weight = 1\n  [languages.en]\n    languageName = 'English'\n    weight = 2\n[markup.highlight]\n  noClasses = false\n",
    );
    write(&site.join("assets/tall.csv"), &stat_csv());
    let layouts = site.join("layouts");
    write(
        &layouts.join("_default/baseof.html"),
        &"<!DOCTYPE html>\n<html lang=\"{{ .Site.Language.Lang }}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{{ block \"title\" . }}{{ .Site.Title }}{{ end }}</title>\n{STYLE}\n</head>\n<body>\n<nav><a href=\"{{ .Site.Home.RelPermalink }}\">{{ .Site.Title }}</a>{{ range .Site.Languages }} <a href=\"/{{ .Lang }}/\">{{ .LanguageName }}</a>{{ end }}</nav>\n<main>{{ block \"main\" . }}{{ end }}</main>\n</body>\n</html>\n"
            .replace("{STYLE}", &style.head("{{ \"style.css\" | absURL }}")),
    );
    write(
        &layouts.join("_default/single.html"),
        "{{ define \"title\" }}{{ .Title }}{{ end }}\n{{ define \"main\" }}<article><h1>{{ .Title }}</h1><p><time>{{ .Date.Format \"2006-01-02\" }}</time></p>{{ .Content }}<ul>{{ range .GetTerms \"tags\" }}<li><a href=\"{{ .RelPermalink }}\">{{ .LinkTitle }}</a></li>{{ end }}</ul></article>{{ end }}\n",
    );
    write(
        &layouts.join("_default/list.html"),
        "{{ define \"main\" }}<h1>{{ .Title }}</h1>{{ .Content }}<ul>{{ range .Paginator.Pages }}<li><a href=\"{{ .RelPermalink }}\">{{ .Title }}</a> {{ .Date.Format \"2006-01-02\" }}</li>{{ end }}</ul>{{ with .Paginator.Next }}<a href=\"{{ .URL }}\">neste</a>{{ end }}{{ end }}\n",
    );
    write(
        &layouts.join("_default/terms.html"),
        "{{ define \"main\" }}<ul>{{ range .Data.Terms.ByName }}<li><a href=\"{{ .Page.RelPermalink }}\">{{ .Page.Title }}</a> {{ .Count }}</li>{{ end }}</ul>{{ end }}\n",
    );
    write(&layouts.join("404.html"), "{{ define \"main\" }}<h1>404</h1>{{ end }}\n");
    write(
        &layouts.join("shortcodes/stat.html"),
        "{{ $rows := (resources.Get \"tall.csv\" | transform.Unmarshal (dict \"delimiter\" \";\")) }}{{ $row := .Get \"row\" }}{{ range $rows }}{{ if eq (index . 0) $row }}<data value=\"{{ index . 2 }}\">{{ lang.FormatNumber 0 (float (index . 2)) }}</data>{{ end }}{{ end }}",
    );
    write_content(
        site,
        pages,
        &Dialect {
            suffix: &|lang| format!(".{lang}"),
            link: &|sec, slug| {
                if slug == "_index" {
                    format!("{{{{< relref \"/seksjon-{sec}\" >}}}}")
                } else {
                    format!("{{{{< relref \"/seksjon-{sec}/{slug}.md\" >}}}}")
                }
            },
            stat: &|row| format!("{{{{< stat row=\"R{row}\" >}}}}"),
            tag: &|tag| format!("\"emne {tag}\""),
        },
    );
}
