//! Hostile and broken inputs (tests/fixtures/hostile/ and a few made here): every one ends
//! in a clear error or a correct build, in bounded time and memory, never a panic, and a
//! failed build leaves the last good output as it was.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::support::{Site, copy_dir, files, fixtures};

/// Generous: the largest case builds 100,000 pages.
const TIME_LIMIT: Duration = Duration::from_secs(120);
const MEMORY_LIMIT_KB: u64 = 2 * 1024 * 1024;

enum Expect {
    /// Exit status 1, and stderr holds each of these.
    Error(Vec<String>),
    /// Exit status 0, no output file holds any of `absent`, and each (file, text) of
    /// `present` is in that file.
    Builds { absent: Vec<String>, present: Vec<(String, String)> },
}

struct Run {
    code: Option<i32>,
    stderr: String,
    took: Duration,
    peak_kb: u64,
}

/// Builds the site, watching its peak memory, and kills it past the time limit.
fn build(site: &Site) -> Run {
    let started = Instant::now();
    let mut child =
        site.process().arg("build").stdout(Stdio::null()).stderr(Stdio::piped()).spawn().expect("regionprofil starts");
    let stderr = child.stderr.take().expect("stderr");
    let reader = std::thread::spawn(move || std::io::read_to_string(stderr).unwrap_or_default());
    let status_file = PathBuf::from(format!("/proc/{}/status", child.id()));
    let mut peak_kb = 0;
    let status = loop {
        if let Ok(status) = fs::read_to_string(&status_file) {
            let hwm = status
                .lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok());
            peak_kb = peak_kb.max(hwm.unwrap_or(0));
        }
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > TIME_LIMIT {
            let _ = child.kill();
            panic!("the build ran past {TIME_LIMIT:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = reader.join().expect("stderr reader");
    Run { code: status.code(), stderr, took: started.elapsed(), peak_kb }
}

/// Runs one case: a good build, then `breakage`, then a build that must meet `expect`.
fn check(name: &str, breakage: impl FnOnce(&Site), expect: Expect) -> Result<(), String> {
    let site = Site::named("sites", "serve");
    let first = build(&site);
    assert_eq!(first.code, Some(0), "{name}: the base site must build: {}", first.stderr);
    let before = files(&site.public());
    breakage(&site);
    let run = build(&site);
    let fail = |why: String| Err(format!("{name}: {why}\n--- stderr ---\n{}", run.stderr));
    if run.stderr.contains("panicked") || !matches!(run.code, Some(0 | 1)) {
        return fail(format!("crashed with status {:?}", run.code));
    }
    if run.peak_kb > MEMORY_LIMIT_KB {
        return fail(format!("used {} MB", run.peak_kb / 1024));
    }
    match expect {
        Expect::Error(needles) => {
            if run.code != Some(1) {
                return fail(format!("status {:?}, not an error", run.code));
            }
            if let Some(missing) = needles.iter().find(|n| !run.stderr.contains(n.as_str())) {
                return fail(format!("the error does not say {missing:?}"));
            }
            if !run.stderr.contains("-->") {
                return fail("the error has no location".into());
            }
            if files(&site.public()) != before {
                return fail("the failed build changed the last good output".into());
            }
        }
        Expect::Builds { absent, present } => {
            if run.code != Some(0) {
                return fail(format!("status {:?}, not a build", run.code));
            }
            let built = files(&site.public());
            for (rel, bytes) in &built {
                let text = crate::support::readable(rel, bytes);
                if let Some(found) = absent.iter().find(|a| text.contains(a.as_str())) {
                    return fail(format!("{rel} holds {found:?}"));
                }
            }
            for (file, wanted) in &present {
                let text = built.iter().find(|(rel, _)| rel == file).map(|(rel, b)| crate::support::readable(rel, b));
                if !text.is_some_and(|t| t.contains(wanted.as_str())) {
                    return fail(format!("{file} does not hold {wanted:?}"));
                }
            }
        }
    }
    eprintln!("{name}: status {:?} in {:.2} s, {} MB", run.code, run.took.as_secs_f64(), run.peak_kb / 1024);
    Ok(())
}

/// An expectation's line with `\r`, `\0`, `\u{FEFF}` (BOM) and `\u{FFFD}` written out.
fn unescape(line: &str) -> String {
    line.replace("\\r", "\r").replace("\\0", "\0").replace("\\u{FEFF}", "\u{feff}").replace("\\u{FFFD}", "\u{fffd}")
}

fn expect_file(case: &Path) -> Expect {
    let text = fs::read_to_string(case.join("expect.txt")).expect("expect.txt");
    let mut lines = text.lines().map(str::to_string);
    match lines.next().as_deref() {
        Some("error") => Expect::Error(lines.collect()),
        Some("builds") => {
            // `in FILE: TEXT` says what a file of the output must hold; other lines, what
            // no file may.
            let (present, absent): (Vec<String>, Vec<String>) =
                lines.map(|l| unescape(&l)).partition(|l| l.starts_with("in "));
            let present = present
                .iter()
                .filter_map(|l| l.strip_prefix("in ")?.split_once(": "))
                .map(|(file, text)| (file.to_string(), text.to_string()))
                .collect();
            Expect::Builds { absent, present }
        }
        other => panic!("{}: expect.txt starts with {other:?}", case.display()),
    }
}

#[test]
fn the_hostile_corpus_ends_in_clear_errors_or_correct_builds() {
    let mut cases: Vec<PathBuf> = fs::read_dir(fixtures().join("hostile"))
        .expect("tests/fixtures/hostile")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 40, "the corpus has {} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|case| {
            let name = case.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let overlay = |site: &Site| {
                copy_dir(case, &site.root);
                let _ = fs::remove_file(site.root.join("expect.txt"));
            };
            check(&name, overlay, expect_file(case)).err()
        })
        .collect();
    assert!(failures.is_empty(), "{} of {} cases failed:\n\n{}", failures.len(), cases.len(), failures.join("\n\n"));
}

fn error(needles: &[&str]) -> Expect {
    Expect::Error(needles.iter().map(|n| n.to_string()).collect())
}

fn builds() -> Expect {
    Expect::Builds { absent: Vec::new(), present: Vec::new() }
}

fn page(body: &str) -> String {
    format!("---\ntitle: Side\n---\n{body}\n")
}

#[test]
fn a_ten_megabyte_line_builds() {
    let line = "ord ".repeat(10 * 1024 * 1024 / 4);
    check("10 MB line", |site| site.write("content/side.md", &page(&line)), builds()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn deeply_nested_quotes_and_lists_build() {
    let quotes = ">".repeat(100_000);
    let lists = "- ".repeat(50_000);
    let emphasis = "*".repeat(50_000);
    let brackets = "[".repeat(50_000);
    let body = format!("{quotes} sitat\n\n{lists}punkt\n\n{emphasis}x{emphasis}\n\n{brackets}\n");
    check("deep nesting", |site| site.write("content/side.md", &page(&body)), builds())
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn nesting_too_deep_to_minify_is_written_unminified_with_a_warning() {
    // minify-html's parser recurses once per level; these overflowed the stack and aborted
    // the build (the test above builds without minifying).
    let pages = [
        ("div", format!("{}x{}", "<div>".repeat(3000), "</div>".repeat(3000))),
        ("span", format!("{}x{}", "<span>".repeat(3000), "</span>".repeat(3000))),
        ("sitat", format!("{} x", ">".repeat(5000))),
        ("liste", (0..3000).map(|i| format!("{}- x\n", "  ".repeat(i))).collect()),
        ("stjerner", format!("{}ord{}", "*".repeat(50_000), "*".repeat(50_000))),
    ];
    let site = Site::named("sites", "serve");
    let config = site.read("site.yaml");
    site.write("site.yaml", &format!("{config}minify: true\n"));
    for (name, body) in &pages {
        site.write(&format!("content/{name}.md"), &page(body));
    }
    let run = build(&site);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    for (name, _) in &pages {
        let warning = format!("{name}/index.html nests elements more than 1000 deep, so it is written unminified");
        assert!(run.stderr.contains(&warning), "{name}: {}", run.stderr);
        assert!(site.public().join(name).join("index.html").is_file(), "{name}");
    }
    // The other pages are minified as usual.
    let home = fs::read_to_string(site.public().join("index.html")).expect("home");
    assert!(!home.contains("\n  "), "{home}");
}

#[test]
fn a_shortcode_argument_of_ten_thousand_brackets_is_an_error() {
    let call = format!("{{{{ stat(table={}) }}}}", "[".repeat(10_000));
    check(
        "[ x 10,000",
        |site| site.write("content/side.md", &page(&call)),
        error(&["content/side.md", "nest at most 8 deep"]),
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_hundred_thousand_headings_build() {
    let body: String = (0..100_000).map(|i| format!("## Overskrift {}\n\n", i % 7)).collect();
    check("100,000 headings", |site| site.write("content/side.md", &page(&body)), builds())
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn pages_from_a_hundred_thousand_rows_build() {
    let mut csv = String::from("Navn;Tall\n");
    for i in 0..100_000 {
        csv.push_str(&format!("Sted {i};{i}\n"));
    }
    let breakage = |site: &Site| {
        site.write("data/steder.csv", &csv);
        site.write(
            "content/steder/_index.md",
            "---\ntitle: Steder\npages_from: { data: steder, slug: \"{Navn}\", title: \"{Navn}\" }\npaginate: 1000\n---\n",
        );
    };
    check("pages_from 100,000 rows", breakage, builds()).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_table_or_chart_of_a_million_rows_is_an_error_not_a_huge_page() {
    // Loading a big data file is fine; printing all of it into a page is not.
    let mut csv = String::from("Sted;Tall\n");
    for i in 0..1_000_000 {
        csv.push_str(&format!("Sted {i};{i}\n"));
    }
    for call in ["{{ table(table=\"stor\") }}", "{{ chart(table=\"stor\", title=\"Alt\") }}"] {
        let breakage = |site: &Site| {
            site.write("data/stor.csv", &csv);
            site.write("content/stor.md", &page(call));
        };
        check(call, breakage, error(&["content/stor.md", "1000000 rows × 1 columns is more than"]))
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn file_names_that_are_not_utf8_are_named_in_the_error() {
    use std::os::unix::ffi::OsStrExt;
    let breakage = |site: &Site| {
        let name = std::ffi::OsStr::from_bytes(b"bl\xe5b\xe6r.md");
        fs::write(site.root.join("content").join(name), page("Tekst.")).expect("write");
    };
    check("non-UTF-8 file name", breakage, error(&["content/bl"])).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn symbolic_links_out_of_the_site_are_refused() {
    let outside = tempfile::tempdir().expect("a folder outside the site");
    fs::write(outside.path().join("secret.md"), page("Hemmelig innhold.")).expect("write");
    fs::write(outside.path().join("secret.csv"), "Kommune;Folketall\nLillehammer;1\n").expect("write");
    let target = outside.path().to_path_buf();
    let content = |site: &Site| {
        std::os::unix::fs::symlink(target.join("secret.md"), site.root.join("content/lekkasje.md")).expect("link");
    };
    check("symlink to a file outside", content, error(&["content/lekkasje.md"])).unwrap_or_else(|e| panic!("{e}"));
    let folder = |site: &Site| {
        std::os::unix::fs::symlink(&target, site.root.join("data/ute")).expect("link");
    };
    check("symlink to a folder outside", folder, error(&["data/ute"])).unwrap_or_else(|e| panic!("{e}"));
    let etc = |site: &Site| {
        std::os::unix::fs::symlink("/etc/passwd", site.root.join("static/passwd.txt")).expect("link");
    };
    check("symlink to /etc/passwd", etc, error(&["static/passwd.txt"])).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn a_symbolic_link_loop_does_not_hang() {
    let breakage = |site: &Site| {
        std::os::unix::fs::symlink("..", site.root.join("content/loop")).expect("link");
    };
    check("symlink loop", breakage, error(&["content/loop"])).unwrap_or_else(|e| panic!("{e}"));
}

#[cfg(unix)]
#[test]
fn a_site_folder_that_is_itself_a_link_out_of_the_site_is_refused() {
    // Not only entries that are links: a whole area, a theme's folder or site.yaml that
    // leads elsewhere is refused too (a site built from a pull request in CI must not be
    // able to publish the machine's files).
    let outside = tempfile::tempdir().expect("a folder outside the site");
    fs::write(outside.path().join("opasswd"), "root:secret\n").expect("write");
    fs::write(outside.path().join("site.yaml"), "title: Ute\nbase_url: https://example.org/\n").expect("write");
    let target = outside.path().to_path_buf();
    let replace = |site: &Site, rel: &str, to: &Path| {
        let path = site.root.join(rel);
        let _ = fs::remove_dir_all(&path);
        let _ = fs::remove_file(&path);
        std::os::unix::fs::symlink(to, &path).expect("link");
    };
    for area in ["static", "data", "content", "i18n", "templates"] {
        let link = |site: &Site| replace(site, area, &target);
        check(&format!("{area} as a link out"), link, error(&[&format!("{area} is a symlink to a place outside")]))
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let theme = |site: &Site| replace(site, "themes/plain/templates", &target);
    check("a theme's templates as a link out", theme, error(&["themes/plain/templates is a symlink"]))
        .unwrap_or_else(|e| panic!("{e}"));
    let config = |site: &Site| replace(site, "site.yaml", &target.join("site.yaml"));
    let run = {
        let site = Site::named("sites", "serve");
        config(&site);
        build(&site)
    };
    assert_eq!(run.code, Some(1), "{}", run.stderr);
    assert!(run.stderr.contains("site.yaml is a symlink to a place outside the site folder"), "{}", run.stderr);
}

#[cfg(unix)]
#[test]
fn a_fifo_in_the_site_is_an_error_not_a_hang() {
    for folder in ["static", "data", "content"] {
        let fifo = |site: &Site| {
            let path = site.root.join(folder).join("kø");
            fs::create_dir_all(path.parent().expect("parent")).expect("folder");
            let made = std::process::Command::new("mkfifo").arg(&path).status().expect("mkfifo");
            assert!(made.success());
        };
        check(&format!("a FIFO in {folder}"), fifo, error(&[&format!("{folder}/kø is not a regular file")]))
            .unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn long_inputs_take_time_and_memory_in_proportion() {
    // Each took minutes or gigabytes while some step did the whole page's work again for
    // every link, call or mistake in it. Linear, each is a second or two at most; the
    // limits leave room for a slow machine, not for a quadratic step.
    let cases: [(&str, String); 6] = [
        ("20,000 `{{ note(` on one line", "{{ note(".repeat(20_000)),
        (
            "50,000 links to other sites on one line",
            (0..50_000).map(|i| format!("[l](https://example.org/{i}) ")).collect(),
        ),
        ("100,000 body calls never closed", "{% note() %}\n".repeat(100_000)),
        ("100,000 `stat` calls", "{{ stat(table=\"folk\", row=\"Øyer\", col=\"Folketall\") }}\n\n".repeat(100_000)),
        ("5,000 mistakes on one line", "{{ stat(x=]) }} ".repeat(5_000)),
        ("a 20 MB page", "Et avsnitt med en [lenke](https://example.org/) i.\n\n".repeat(20 * 1024 * 1024 / 52)),
    ];
    for (name, body) in cases {
        let site = Site::named("sites", "serve");
        site.write("content/side.md", &page(&body));
        let run = build(&site);
        assert!(matches!(run.code, Some(0 | 1)) && !run.stderr.contains("panicked"), "{name}: {}", run.stderr);
        eprintln!("{name}: status {:?} in {:.2} s, {} MB", run.code, run.took.as_secs_f64(), run.peak_kb / 1024);
        assert!(run.took < Duration::from_secs(20), "{name} took {:?}", run.took);
        assert!(run.peak_kb < 1536 * 1024, "{name} used {} MB", run.peak_kb / 1024);
    }
}
