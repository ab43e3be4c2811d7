//! `regionprofil serve`, started for real on a free port over a copy of a fixture site, and
//! talked to over real sockets: pages, the live-reload event stream, broken edits, path
//! safety, and bursts of clients.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use crate::support::{Site, files};

/// Long enough for a slow CI machine; a passing test never waits for it.
const PATIENCE: Duration = Duration::from_secs(20);

struct Server {
    child: Child,
    port: u16,
    stdout: mpsc::Receiver<String>,
    stderr: mpsc::Receiver<String>,
}

impl Server {
    fn start(site: &Site, extra: &[&str]) -> Server {
        Server::start_process(site.process(), extra)
    }

    /// [`Server::start`] with the process as the test set it up.
    fn start_process(mut process: std::process::Command, extra: &[&str]) -> Server {
        let mut child = process
            .args(["serve", "--port", "0"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("regionprofil serve starts");
        let stdout = lines(child.stdout.take().expect("stdout"));
        let stderr = lines(child.stderr.take().expect("stderr"));
        let mut server = Server { child, port: 0, stdout, stderr };
        let serving = server.wait_for_line("Serving the site at http://");
        let address = serving.split("http://").nth(1).and_then(|a| a.split('/').next()).expect("an address");
        server.port = address.rsplit(':').next().and_then(|p| p.parse().ok()).expect("a port");
        server
    }

    /// The next line of output that contains `text` (earlier lines are skipped).
    fn wait_for_line(&self, text: &str) -> String {
        loop {
            match self.stdout.recv_timeout(PATIENCE) {
                Ok(line) if line.contains(text) => return line,
                Ok(_) => continue,
                Err(_) => panic!(
                    "serve never printed {text:?}; stderr: {}",
                    self.stderr.try_iter().collect::<Vec<_>>().join("\n")
                ),
            }
        }
    }

    fn get(&self, path: &str) -> Response {
        request(self.port, &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"))
    }

    fn events(&self) -> Events {
        Events::connect(self.port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn lines(stream: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}

#[derive(Debug)]
struct Response {
    status: u16,
    head: String,
    body: String,
    /// The body as sent, for files that are not text.
    bytes: Vec<u8>,
}

impl Response {
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// One request, written as raw bytes so that paths reach the server exactly as written.
fn request(port: u16, raw: &str) -> Response {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
    stream.write_all(raw.as_bytes()).expect("send");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).expect("read the response");
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("a response head");
    let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("a status");
    let start = bytes.windows(4).position(|w| w == b"\r\n\r\n").expect("a response head") + 4;
    Response { status, head: head.to_string(), body: body.to_string(), bytes: bytes[start..].to_vec() }
}

/// The live-reload event stream, as (event, data) pairs.
struct Events {
    rx: mpsc::Receiver<(String, String)>,
    _stream: TcpStream,
}

impl Events {
    fn connect(port: u16) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream
            .write_all(b"GET /__regionprofil/events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
            .expect("send");
        let reader = stream.try_clone().expect("clone");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let (mut event, mut data) = (String::new(), Vec::new());
            for line in BufReader::new(reader).lines().map_while(Result::ok) {
                // Chunked transfer puts chunk sizes on lines of their own; SSE fields have a colon.
                if let Some(name) = line.strip_prefix("event: ") {
                    event = name.to_string();
                } else if let Some(value) = line.strip_prefix("data: ").or_else(|| line.strip_prefix("data:")) {
                    data.push(value.to_string());
                } else if line.is_empty() && !event.is_empty() {
                    if tx.send((std::mem::take(&mut event), data.join("\n"))).is_err() {
                        break;
                    }
                    data.clear();
                }
            }
        });
        Events { rx, _stream: stream }
    }

    /// The next event, skipping keep-alives.
    fn next(&self) -> (String, String) {
        self.rx.recv_timeout(PATIENCE).expect("an event")
    }
}

fn serve_site() -> Site {
    Site::named("sites", "serve")
}

#[test]
fn an_edit_sends_a_reload_and_the_new_page() {
    let site = serve_site();
    let server = Server::start(&site, &[]);
    let first = server.get("/side/");
    assert_eq!(first.status, 200);
    assert!(first.body.contains("Første versjon"));
    assert!(first.body.contains(r#"<script src="/__regionprofil/live.js?v=1"></script>"#));
    let events = server.events();
    assert_eq!(events.next(), ("hello".into(), "1".into()));

    site.write("content/side.md", "---\ntitle: Side\n---\nAndre versjon av siden.\n");
    assert_eq!(events.next().0, "reload");
    let second = server.get("/side/");
    assert!(second.body.contains("Andre versjon"), "{}", second.body);
    assert!(second.body.contains("live.js?v=2"));
    let line = server.wait_for_line("content/side.md changed");
    // The search index is made when a page first asks for it, not before the reload.
    assert!(line.contains("; side/index.html changed;"), "{line}");

    // The served site is in memory: nothing is written.
    assert!(!site.root.join("public").exists());
}

/// Every term file and page record of the served Norwegian search index, as text.
fn served_index(server: &Server) -> String {
    let index: serde_json::Value = serde_json::from_str(&server.get("/search-index/nb/index.json").body).expect("JSON");
    let names = index["forward"].as_array().expect("forward").iter().map(|e| e[1].clone());
    let names = names.chain(index["page_files"].as_array().expect("page files").iter().cloned());
    names
        .map(|name| {
            let name = name.as_str().expect("a file name").to_string();
            let response = server.get(&format!("/search-index/nb/{name}"));
            assert_eq!(response.status, 200, "{name}");
            crate::support::readable(&name, &response.bytes)
        })
        .collect()
}

#[test]
fn an_edit_reaches_the_search_index() {
    let site = serve_site();
    let server = Server::start(&site, &[]);
    let events = server.events();
    assert_eq!(events.next().0, "hello");
    assert!(!served_index(&server).contains("snekkerverksted"));
    site.write("content/side.md", "---\ntitle: Side\n---\nEt snekkerverksted i bygda.\n");
    assert_eq!(events.next().0, "reload");
    let index = served_index(&server);
    assert!(index.contains("Et snekkerverksted i bygda."), "the page record: {index}");
    assert!(index.contains("\"snekkerverk"), "the term: {index}");
}

#[test]
fn a_photo_s_versions_are_served_after_edits_to_its_page_and_to_others() {
    let site = serve_site();
    let photo = image::RgbImage::from_fn(900, 600, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
    let mut jpeg = std::io::Cursor::new(Vec::new());
    photo.write_to(&mut jpeg, image::ImageFormat::Jpeg).expect("encode");
    std::fs::create_dir_all(site.root.join("content/hytta")).expect("folder");
    std::fs::write(site.root.join("content/hytta/hytte.jpg"), jpeg.into_inner()).expect("photo");
    site.write("content/hytta/index.md", "---\ntitle: Hytta\n---\n![Hytta ved vannet](hytte.jpg)\n");
    let server = Server::start(&site, &[]);
    let versions = |server: &Server| {
        let page = server.get("/hytta/").body;
        let at = page.find("srcset=\"").expect("a srcset") + "srcset=\"".len();
        let urls: Vec<String> = page[at..page[at..].find('"').expect("end") + at]
            .split(", ")
            .map(|candidate| candidate.split(' ').next().unwrap_or_default().to_string())
            .collect();
        for url in &urls {
            let response = server.get(url);
            assert_eq!(response.status, 200, "{url}");
            assert!(image::load_from_memory(&response.bytes).is_ok(), "{url} is not an image");
        }
        urls
    };
    let first = versions(&server);
    assert_eq!(first.len(), 3, "{first:?}");
    let events = server.events();
    events.next();
    // Another page changes: the photo's page is kept from the last build, its photo too.
    site.write("content/side.md", "---\ntitle: Side\n---\nEn annen tekst.\n");
    assert_eq!(events.next().0, "reload");
    assert_eq!(versions(&server), first);
    // Its own page changes.
    site.write("content/hytta/index.md", "---\ntitle: Hytta\n---\nNy tekst.\n\n![Hytta ved vannet](hytte.jpg)\n");
    assert_eq!(events.next().0, "reload");
    assert_eq!(versions(&server), first);
}

#[test]
fn serve_makes_a_photo_s_versions_only_when_they_are_asked_for() {
    let site = serve_site();
    for name in ["hytte", "brygge"] {
        let photo = image::RgbImage::from_fn(900, 600, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        let mut jpeg = std::io::Cursor::new(Vec::new());
        photo.write_to(&mut jpeg, image::ImageFormat::Jpeg).expect("encode");
        std::fs::create_dir_all(site.root.join(format!("content/{name}"))).expect("folder");
        std::fs::write(site.root.join(format!("content/{name}/{name}.jpg")), jpeg.into_inner()).expect("photo");
        site.write(&format!("content/{name}/index.md"), &format!("---\ntitle: {name}\n---\n![Et bilde]({name}.jpg)\n"));
    }
    let server = Server::start(&site, &[]);
    let cache = site.root.join(".regionprofil-cache/images");
    let cached = || {
        std::fs::read_dir(&cache)
            .map_or(0, |d| d.flatten().filter(|e| e.path().extension().is_some_and(|x| x != "tsv")).count())
    };
    assert_eq!(cached(), 0, "no photo was asked for yet");
    let page = server.get("/hytte/").body;
    let at = page.find("src=\"/hytte/hytte-").expect("a version") + "src=\"".len();
    let url = &page[at..page[at..].find('"').expect("end") + at];
    let response = server.get(url);
    assert_eq!(response.status, 200, "{url}");
    assert!(image::load_from_memory(&response.bytes).is_ok(), "{url} is not an image");
    // The versions of the photo asked for are made (and kept), the other photo's are not.
    assert_eq!(cached(), 6, "three widths (480, 800, its own 900) in two formats of one photo");
}

#[test]
fn a_data_file_edit_reloads_the_pages_that_show_it() {
    let site = serve_site();
    let server = Server::start(&site, &[]);
    assert!(server.get("/tall/").body.contains("28\u{a0}000"));
    let events = server.events();
    events.next();
    site.write("data/folk.csv", "Kommune;Folketall\nLillehammer;29500\nØyer;5000\n");
    assert_eq!(events.next().0, "reload");
    assert!(server.get("/tall/").body.contains("29\u{a0}500"));
}

#[test]
fn a_stylesheet_edit_swaps_stylesheets_without_a_reload() {
    let site = serve_site();
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next();
    site.write("static/site.css", "body { color: navy; }\n");
    assert_eq!(events.next().0, "css");
    assert_eq!(server.get("/site.css").body, "body { color: navy; }\n");
}

#[test]
fn a_broken_edit_keeps_the_last_good_pages_and_shows_the_error_until_fixed() {
    let site = serve_site();
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next();

    site.write("content/side.md", "---\ntitle: Side\ntitel: Feil\n---\nØdelagt.\n");
    let (event, data) = events.next();
    assert_eq!(event, "errors");
    assert!(data.contains("unknown key `titel`"), "{data}");
    assert!(data.contains("content/side.md:3:1"), "{data}");
    assert!(data.contains("did you mean `title`?"), "{data}");
    server.wait_for_line("the build failed");

    // Still serving the last good build, and a page opened now learns of the errors too.
    let page = server.get("/side/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("Første versjon"));
    let late = server.events();
    assert_eq!(late.next(), ("hello".into(), "1".into()));
    assert_eq!(late.next().0, "errors");

    site.write("content/side.md", "---\ntitle: Side\n---\nRettet.\n");
    assert_eq!(events.next().0, "reload");
    assert!(server.get("/side/").body.contains("Rettet."));
}

#[test]
fn front_matter_kept_from_the_last_build_is_read_again_when_the_taxonomies_change() {
    // The page's text does not change; whether `fag:` is a key depends on site.yaml.
    let site = incremental_site();
    let config = site.read("site.yaml");
    site.write("site.yaml", &format!("{config}taxonomies: [fag]\n"));
    site.write("content/priser.md", "---\ntitle: Priser\nfag: [helse]\n---\nPrisliste.\n");
    let server = Server::start(&site, &[]);
    let events = server.events();
    events.next();
    assert!(server.get("/fag/helse/").body.contains("Priser"));
    site.write("site.yaml", &config);
    let (event, data) = events.next();
    assert_eq!(event, "errors");
    assert!(data.contains("unknown key `fag`"), "{data}");
    assert!(data.contains("content/priser.md:3:1"), "{data}");
}

#[test]
fn paths_out_of_the_site_are_refused() {
    let site = serve_site();
    let server = Server::start(&site, &[]);
    for path in [
        "/../site.yaml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.yaml",
        "/%2E%2E%2Fsite.yaml",
        "/..%2fsite.yaml",
        "/..%5csite.yaml",
        "/%5c..%5csite.yaml",
        "/en/..%5C..%5Csite.yaml",
        "/side/..\\..\\site.yaml",
        "/%00",
        "/%ff%fe",
    ] {
        let response = server.get(path);
        assert!(matches!(response.status, 400 | 404), "{path}: {}", response.status);
        assert!(!response.body.contains("base_url"), "{path} leaked site.yaml");
        assert!(!response.body.contains("root:"), "{path} leaked /etc/passwd");
    }
    // Files of the site folder are not files of the site.
    for path in ["/site.yaml", "/content/side.md", "/data/folk.csv", "/themes/plain/templates/base.html"] {
        assert_eq!(server.get(path).status, 404, "{path}");
    }
}

#[test]
fn misses_get_the_site_s_own_404_page_and_files_their_content_types() {
    let site = serve_site();
    let server = Server::start(&site, &[]);
    let miss = server.get("/finnes-ikke/");
    assert_eq!(miss.status, 404);
    assert!(miss.body.contains(r#"<html lang="nb">"#), "{}", miss.body);
    let english = server.get("/en/missing/");
    assert_eq!(english.status, 404);
    assert!(english.body.contains(r#"<html lang="en-GB">"#), "{}", english.body);

    // No listings: a folder without an index page is a miss.
    assert_eq!(server.get("/static/").status, 404);

    let folder = server.get("/side");
    assert_eq!(folder.status, 301);
    assert_eq!(folder.header("location"), Some("/side/"));
    for (path, content_type) in [
        ("/", "text/html; charset=utf-8"),
        ("/site.css", "text/css; charset=utf-8"),
        ("/sitemap.xml", "text/xml; charset=utf-8"),
        ("/atom.xml", "text/xml; charset=utf-8"),
        ("/robots.txt", "text/plain; charset=utf-8"),
        ("/__regionprofil/live.js", "text/javascript; charset=utf-8"),
    ] {
        let response = server.get(path);
        assert_eq!(response.status, 200, "{path}");
        assert_eq!(response.header("content-type"), Some(content_type), "{path}");
    }
    assert_eq!(server.get("/").header("cache-control"), Some("no-store"));
    // Links point at the server, not at site.yaml's base_url.
    assert!(server.get("/").body.contains(&format!("http://127.0.0.1:{}/", server.port)));
}

#[test]
fn it_survives_clients_that_leave_and_a_burst_of_a_thousand() {
    let site = serve_site();
    let server = Server::start(&site, &[]);
    // Clients that go away mid-request or mid-stream.
    for _ in 0..20 {
        let mut half = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
        let _ = half.write_all(b"GET /side/ HTTP/1.1\r\nHo");
        drop(Events::connect(server.port));
    }
    let mut reading = TcpStream::connect(("127.0.0.1", server.port)).expect("connect");
    let _ = reading.write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    let _ = reading.read(&mut [0u8; 16]);
    drop(reading);

    let port = server.port;
    let burst: Vec<_> = (0..1000)
        .map(|i| {
            std::thread::spawn(move || {
                let path = if i % 2 == 0 { "/side/" } else { "/en/side/" };
                request(port, &format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")).status
            })
        })
        .collect();
    let statuses: Vec<u16> = burst.into_iter().map(|t| t.join().expect("a request thread")).collect();
    assert!(statuses.iter().all(|s| *s == 200), "{:?}", statuses.iter().filter(|s| **s != 200).collect::<Vec<_>>());

    // And it still notices edits.
    let events = server.events();
    events.next();
    site.write("content/side.md", "---\ntitle: Side\n---\nEtter stormen.\n");
    assert_eq!(events.next().0, "reload");
}

#[test]
fn serving_elsewhere_than_loopback_warns() {
    let site = serve_site();
    let server = Server::start(&site, &["--interface", "0.0.0.0"]);
    let warning = server.stderr.recv_timeout(PATIENCE).expect("a warning");
    assert!(warning.contains("warning: serving on 0.0.0.0"), "{warning}");
}

#[test]
fn built_sites_never_carry_the_live_reload_script() {
    let site = serve_site();
    site.command().arg("build").assert().success();
    for (rel, bytes) in files(&site.public()) {
        assert!(!String::from_utf8_lossy(&bytes).contains("__regionprofil"), "{rel}");
    }
}

#[test]
fn a_site_broken_from_the_start_is_served_once_fixed() {
    let site = serve_site();
    site.write("content/side.md", "---\ntitel: Side\n---\nTekst.\n");
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/side/").status, 404);
    let events = server.events();
    assert_eq!(events.next(), ("hello".into(), "0".into()));
    let (event, data) = events.next();
    assert_eq!(event, "errors");
    assert!(data.contains("content/side.md:2:1"), "{data}");
    site.write("content/side.md", "---\ntitle: Side\n---\nTekst.\n");
    assert_eq!(events.next().0, "reload");
    assert_eq!(server.get("/side/").status, 200);
}

fn incremental_site() -> Site {
    Site::named("sites", "incremental")
}

/// The theme's page template with a mark, as a site template over it.
fn marked_page_template(site: &Site) -> String {
    let theme = site.read("themes/plain/templates/page.html");
    theme.replace("<h1>", "<h1 class=\"marked\">")
}

#[test]
fn a_rebuild_renders_only_what_depends_on_the_change() {
    let site = incremental_site();
    let server = Server::start(&site, &[]);
    // (file, new text, what the rebuild must report). 10 documents; 12 pages made with
    // templates (the 10 and a 404 page per language).
    let page_template = marked_page_template(&site);
    let edits: [(&str, &str, &str); 6] = [
        // The page, its section's listing, and the home page that lists the section.
        (
            "content/jobb/a.md",
            "---\ntitle: Stilling A\ndate: 2026-11-01\n---\nOm stilling A, nå med mer.\n",
            "rendered 1 of 10 documents and 3 of 12 pages",
        ),
        // The page that shows the table, and the home page that lists that page.
        (
            "data/folk.csv",
            "Kommune;Folketall\nLillehammer;28100\nØyer;5000\n",
            "rendered 1 of 10 documents and 2 of 12 pages",
        ),
        // Every page rendered with page.html; no Markdown.
        ("templates/page.html", &page_template, "rendered 0 of 10 documents and 7 of 12 pages"),
        // The page that uses the shortcode, and the home page that lists it.
        (
            "templates/shortcodes/merk.html",
            "<strong>{{ tekst }}</strong>",
            "rendered 1 of 10 documents and 2 of 12 pages",
        ),
        // A new URL for a page: it, its listings, and the pages that link to it (and the
        // English home page, which lists one of them).
        (
            "content/jobb/a.md",
            "---\ntitle: Stilling A\nslug: stilling-a\ndate: 2026-11-01\n---\nOm stilling A, nå med mer.\n",
            "rendered 3 of 10 documents and 6 of 12 pages",
        ),
        // Everything.
        (
            "site.yaml",
            "title: Trinn for trinn\nbase_url: https://example.org/\ntheme: plain\nlanguages:\n  nb: { name: Norsk }\n  en: { name: English, title: Step by step, locale: en-GB }\n",
            "rendered 10 of 10 documents and 12 of 12 pages",
        ),
    ];
    for (file, text, expected) in edits {
        site.write(file, text);
        let line = server.wait_for_line(&format!("{file} changed"));
        assert!(line.contains(expected), "after editing {file}: {line}");
    }
}

#[test]
fn an_edit_of_markdown_alone_reaches_every_page_that_shows_the_page() {
    let site = incremental_site();
    // Every page shows page B's content; no page lists B but its section and the home page.
    let shows_b = marked_page_template(&site)
        .replace("</h1>", "</h1>{% set b = get_page(path=\"@/jobb/b.md\") %}<aside>{{ b.content }}</aside>");
    site.write("templates/page.html", &shows_b);
    let server = Server::start(&site, &[]);
    let first = server.get("/om/").body;
    assert!(first.contains("Om stilling B."), "{first}");
    // The front matter as it was: the site model is kept, and only B's value changes.
    site.write("content/jobb/b.md", "---\ntitle: Stilling B\ndate: 2026-11-02\n---\nOm stilling B, endret.\n");
    let line = server.wait_for_line("content/jobb/b.md changed");
    assert!(line.contains("rendered 1 of 10 documents and 9 of 12 pages"), "{line}");
    for path in ["/om/", "/en/om/", "/jobb/a/", "/tall/"] {
        let body = server.get(path).body;
        assert!(body.contains("Om stilling B, endret."), "{path}: {body}");
    }
}

#[test]
fn every_rebuild_gives_what_a_full_build_gives() {
    let site = incremental_site();
    let served = tempfile::tempdir().expect("folder");
    let out = served.path().join("out");
    let server = Server::start(&site, &["--output", out.to_str().expect("UTF-8 path")]);
    let base_url = format!("http://127.0.0.1:{}/", server.port);
    let page_template = marked_page_template(&site);
    // (file, new text; None removes it).
    let edits: [(&str, Option<&str>); 17] = [
        ("content/jobb/a.md", Some("---\ntitle: Stilling A\ndate: 2026-11-01\n---\nNy tekst.\n")),
        // A file beside a single-file page, then a link to it from there.
        ("content/jobb/vedlegg.txt", Some("Vedlegg\n")),
        ("content/jobb/a.md", Some("---\ntitle: Stilling A\ndate: 2026-11-01\n---\nSe [vedlegget](vedlegg.txt).\n")),
        ("data/folk.csv", Some("Kommune;Folketall\nLillehammer;29000\nØyer;5000\n")),
        ("templates/page.html", Some(&page_template)),
        ("templates/shortcodes/merk.html", Some("<em>{{ tekst }}</em>")),
        ("content/jobb/a.md", Some("---\ntitle: Stilling A\nslug: stilling-a\ndate: 2026-11-01\n---\nNy tekst.\n")),
        // The Markdown alone, emptied and written again: the model is kept.
        ("content/jobb/a.md", Some("---\ntitle: Stilling A\nslug: stilling-a\ndate: 2026-11-01\n---\n")),
        ("content/jobb/a.md", Some("---\ntitle: Stilling A\nslug: stilling-a\ndate: 2026-11-01\n---\nNy tekst.\n")),
        ("content/jobb/d.md", Some("---\ntitle: Stilling D\ndate: 2026-10-01\n---\nEldst.\n")),
        ("content/om.en.md", None),
        ("content/jobb/a.en.md", Some("---\ntitle: Position A\n---\nIn English.\n")),
        // The translation leaves its date out: it takes the new one.
        ("content/jobb/a.md", Some("---\ntitle: Stilling A\nslug: stilling-a\ndate: 2026-09-01\n---\nNy tekst.\n")),
        // A section's new title reaches its pages only through their breadcrumbs.
        ("content/jobb/_index.md", Some("---\ntitle: Ledige jobber\npaginate: 2\n---\nLedige stillinger.\n")),
        ("templates/page.html", None),
        ("content/tall.md", None),
        (
            "site.yaml",
            Some(
                "title: Trinn for trinn\nbase_url: https://example.org/\ntheme: plain\nlanguages:\n  nb: { name: Norsk }\n  en: { name: English, locale: en-GB }\n",
            ),
        ),
    ];
    for (file, text) in edits {
        match text {
            Some(text) => site.write(file, text),
            None => std::fs::remove_file(site.root.join(file)).expect("remove"),
        }
        let line = server.wait_for_line(&format!("{file} changed"));
        assert!(line.contains("rendered"), "after {file}: {line}");
        let full = served.path().join("full");
        let _ = std::fs::remove_dir_all(&full);
        let build =
            site.command().args(["build", "--base-url", &base_url, "--output"]).arg(&full).output().expect("build");
        assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
        let (incremental, whole) = (files(&out), files(&full));
        let names = |f: &[(String, Vec<u8>)]| f.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
        assert_eq!(names(&incremental), names(&whole), "after {file}");
        for ((name, a), (_, b)) in incremental.iter().zip(&whole) {
            assert!(
                a == b,
                "after {file}, {name} differs from a full build:\n{}\n---\n{}",
                String::from_utf8_lossy(a),
                String::from_utf8_lossy(b)
            );
        }
    }
}

#[test]
fn a_page_enters_the_site_at_its_publish_date_though_edits_since_changed_only_markdown() {
    // A rebuild after edits of Markdown alone takes the last site model again, but not past
    // the moment a page was to enter the site: the preview follows the clock.
    let site = incremental_site();
    let publish = jiff::Timestamp::from_second(jiff::Timestamp::now().as_second() + 6).expect("a time");
    let written = publish.strftime("%Y-%m-%dT%H:%M:%SZ");
    site.write("content/ny.md", &format!("---\ntitle: Ny side\npublish_date: {written}\n---\nNy.\n"));
    let mut process = site.process();
    process.env_remove("SOURCE_DATE_EPOCH");
    let server = Server::start_process(process, &[]);
    let before = server.get("/ny/").status;
    // Only a machine too slow to build before the publish date could see the page already.
    if jiff::Timestamp::now() < publish {
        assert_eq!(before, 404);
    }
    site.write("content/om.md", "---\ntitle: Om regionen\n---\nFørste endring.\n");
    server.wait_for_line("content/om.md changed");
    assert!(server.get("/om/").body.contains("Første endring"));
    while jiff::Timestamp::now() <= publish + jiff::SignedDuration::from_secs(1) {
        std::thread::sleep(Duration::from_millis(200));
    }
    site.write("content/om.md", "---\ntitle: Om regionen\n---\nAndre endring.\n");
    server.wait_for_line("content/om.md changed");
    assert!(server.get("/om/").body.contains("Andre endring"));
    let page = server.get("/ny/");
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Ny side"));
}

#[test]
fn a_lookup_no_trace_can_see_is_never_reused_on_partial_evidence() {
    // A Tera component does not see its caller's context, so what a function looks up
    // inside it cannot be traced to the page. Such a build's pages are not remembered: the
    // next build renders every page, and the page shows the title the component looked up.
    let site = incremental_site();
    let server = Server::start(&site, &[]);
    let component = "{% component about() %}{% set about_page = get_page(path=\"om.md\") %}\
                     <p class=\"about\">{{ about_page.title }}</p>{% endcomponent about %}";
    let page_template = marked_page_template(&site)
        .replacen("\n", &format!("\n{component}\n"), 1)
        .replace("{% block body %}", "{% block body %}{{ <about /> }}");
    site.write("templates/page.html", &page_template);
    server.wait_for_line("templates/page.html changed");
    site.write("content/om.md", "---\ntitle: Om hele regionen\n---\nTekst.\n");
    let line = server.wait_for_line("content/om.md changed");
    assert!(line.contains("and 12 of 12 pages"), "{line}");
    let page = server.get("/jobb/a/");
    assert!(page.body.contains("<p class=\"about\">Om hele regionen</p>"), "{}", page.body);
    // With the component gone, lookups are traced again and rebuilds are partial.
    site.write("templates/page.html", &marked_page_template(&site));
    server.wait_for_line("templates/page.html changed");
    site.write("content/om.md", "---\ntitle: Om regionen\n---\nTekst igjen.\n");
    let line = server.wait_for_line("content/om.md changed");
    assert!(line.contains("rendered") && !line.contains("12 of 12 pages"), "{line}");
}

#[test]
fn static_files_are_read_again_only_when_their_size_or_time_changes() {
    let site = serve_site();
    let photo = site.root.join("static/photo.jpg");
    let long_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
    let set_time = |time| {
        let file = std::fs::File::options().write(true).open(&photo).expect("open");
        file.set_modified(time).expect("set the time");
    };
    std::fs::write(&photo, b"first photo").expect("write");
    set_time(long_ago);
    let server = Server::start(&site, &[]);
    assert_eq!(server.get("/photo.jpg").body, "first photo");

    // Same size, same time: taken as unchanged, so not read again (a photo folder is not
    // read on every save).
    std::fs::write(&photo, b"other photo").expect("write");
    set_time(long_ago);
    site.write("content/side.md", "---\ntitle: Side\n---\nEn endring.\n");
    server.wait_for_line("content/side.md");
    assert_eq!(server.get("/side/").status, 200);
    assert!(server.get("/side/").body.contains("En endring"));
    assert_eq!(server.get("/photo.jpg").body, "first photo");

    // A real edit changes the time, and the new bytes are served.
    std::fs::write(&photo, b"third photo").expect("write");
    let started = std::time::Instant::now();
    while server.get("/photo.jpg").body != "third photo" {
        assert!(started.elapsed() < PATIENCE, "the edited photo was never served");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn an_edit_the_watcher_names_is_read_although_the_site_is_not_walked_again() {
    // An edit of a file's contents lets the rebuild take the last walk of the site again,
    // with that file's size and time looked at anew: the page was read long after it last
    // changed, so only its new time tells that it changed.
    let site = serve_site();
    let page = site.root.join("content/side.md");
    site.write("content/side.md", "---\ntitle: Side\n---\nFørste utgave.\n");
    let file = std::fs::File::options().write(true).open(&page).expect("open");
    file.set_modified(std::time::SystemTime::now() - Duration::from_secs(3600)).expect("set the time");
    drop(file);
    let server = Server::start(&site, &[]);
    assert!(server.get("/side/").body.contains("Første utgave"));
    for (n, text) in ["Andre utgave", "Tredje utgave"].iter().enumerate() {
        site.write("content/side.md", &format!("---\ntitle: Side\n---\n{text}.\n"));
        let started = std::time::Instant::now();
        while !server.get("/side/").body.contains(text) {
            assert!(started.elapsed() < PATIENCE, "edit {n} was never served");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
fn only_hosts_the_preview_was_started_for_are_answered() {
    // A page of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding)
    // sends its own name as Host: it must not read the preview, drafts and all.
    let site = serve_site();
    let server = Server::start(&site, &["--allow-host", "preview.example"]);
    let with_host =
        |host: &str| request(server.port, &format!("GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
    let refused = with_host("evil.example");
    assert_eq!(refused.status, 403, "{}", refused.head);
    assert!(refused.body.contains("--allow-host"), "{}", refused.body);
    assert_eq!(with_host(&format!("evil.example:{}", server.port)).status, 403);
    for host in ["localhost", "127.0.0.1", "[::1]", "preview.example"] {
        assert_eq!(with_host(&format!("{host}:{}", server.port)).status, 200, "{host}");
    }
    let events =
        request(server.port, "GET /__regionprofil/events HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    assert_eq!(events.status, 403);
}
