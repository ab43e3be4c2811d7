//! `regionprofil fetch` against a real HTTP server on loopback that the test starts, serving
//! recorded Statistics Norway answers (tests/fixtures/data) and the ways a server fails:
//! a 500, a slow answer, a maintenance page, a truncated body, a dataset with no values,
//! a redirect loop. Never the real internet.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::support::{Site, fixtures};

/// The recorded answer: Statistics Norway's table 07221 as JSON-stat 2.0.
fn recorded() -> Vec<u8> {
    std::fs::read(fixtures().join("data/ssb-07221-boligprisindeks.jsonstat2.json")).expect("fixture")
}

/// `recorded` with its first value raised by 1.5.
fn revised() -> Vec<u8> {
    let mut dataset: serde_json::Value = serde_json::from_slice(&recorded()).expect("json");
    let values = dataset["value"].as_array_mut().expect("values");
    let first = values.iter_mut().find(|v| v.is_number()).expect("a number");
    *first = serde_json::json!(first.as_f64().expect("number") + 1.5);
    serde_json::to_vec(&dataset).expect("json")
}

/// The requests a server saw: the path, and the If-None-Match it was asked with.
type Hits = Mutex<Vec<(String, Option<String>)>>;

/// A server on loopback: a path → what it answers; counts the requests per path.
struct Server {
    url: String,
    body: Arc<Mutex<Vec<u8>>>,
    hits: Arc<Hits>,
}

impl Server {
    fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}", listener.local_addr().expect("address"));
        let body = Arc::new(Mutex::new(recorded()));
        let hits = Arc::new(Mutex::new(Vec::new()));
        let (served, seen) = (body.clone(), hits.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (served, seen) = (served.clone(), seen.clone());
                std::thread::spawn(move || answer(stream, &served, &seen));
            }
        });
        Server { url, body, hits }
    }

    fn hits(&self, path: &str) -> usize {
        self.hits.lock().expect("hits").iter().filter(|(p, _)| p == path).count()
    }
}

fn answer(stream: TcpStream, body: &Mutex<Vec<u8>>, hits: &Hits) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut request = String::new();
    let _ = reader.read_line(&mut request);
    let path = request.split(' ').nth(1).unwrap_or("/").split('?').next().unwrap_or("/").to_string();
    let mut if_none_match = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("if-none-match")
        {
            if_none_match = Some(value.trim().to_string());
        }
    }
    hits.lock().expect("hits").push((path.clone(), if_none_match.clone()));
    let body = body.lock().expect("body").clone();
    let etag = format!("\"{:x}\"", body.len());
    let mut stream = stream;
    let mut send = |head: &str, bytes: &[u8]| {
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(bytes);
    };
    match path.as_str() {
        "/data" if if_none_match.as_deref() == Some(etag.as_str()) => {
            send(&format!("HTTP/1.1 304 Not Modified\r\nETag: {etag}\r\nConnection: close\r\n\r\n"), b"")
        }
        "/data" => send(
            &format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nETag: {etag}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ),
            &body,
        ),
        "/fail" => send(
            "HTTP/1.1 500 Internal Server Error\r\nRetry-After: 0\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            b"",
        ),
        "/slow" => {
            std::thread::sleep(Duration::from_secs(3));
            send(&format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()), &body)
        }
        "/maintenance" => {
            let page = b"<!DOCTYPE html><html><body><h1>Vedlikehold</h1></body></html>";
            send(
                &format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    page.len()
                ),
                page,
            )
        }
        "/truncated" => send(
            &format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len()),
            &body[..body.len() / 3],
        ),
        "/no-values" => {
            let mut dataset: serde_json::Value = serde_json::from_slice(&body).expect("json");
            for v in dataset["value"].as_array_mut().expect("values") {
                *v = serde_json::Value::Null;
            }
            let bytes = serde_json::to_vec(&dataset).expect("json");
            send(&format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", bytes.len()), &bytes)
        }
        "/runaway" => {
            // No length, no end: 1 MB after 1 MB until the client hangs up.
            send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n", b"[");
            let chunk = vec![b'0'; 1024 * 1024];
            for _ in 0..80 {
                if stream.write_all(&chunk).is_err() {
                    break;
                }
            }
        }
        "/loop" => send("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b""),
        _ => send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", b""),
    }
    let _ = reader.read_to_end(&mut Vec::new());
}

/// A site whose data entry `boligpris` is fetched from `path` on `server`.
fn fetching_site(server: &Server, path: &str) -> Site {
    let site = Site::named("sites", "minimal");
    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!(
            "{yaml}data:\n  boligpris:\n    fetch: {{ url: \"{}{path}\", format: json-stat, every: 7d, timeout: 1, retries: 1 }}\n",
            server.url
        ),
    );
    site
}

fn fetch(site: &Site, args: &[&str]) -> std::process::Output {
    site.command().arg("fetch").args(args).output().expect("run")
}

#[test]
fn a_fetched_table_is_written_recorded_and_asked_for_again_only_if_changed() {
    let server = Server::start();
    let site = fetching_site(&server, "/data");
    let first = fetch(&site, &[]);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert!(String::from_utf8_lossy(&first.stdout).contains("boligpris: new file data/boligpris.json"));
    assert_eq!(std::fs::read(site.root.join("data/boligpris.json")).expect("written"), recorded());
    let lock = site.read("data/fetch.lock");
    let url_line = format!("url: {}/data", server.url);
    for expected in [url_line.as_str(), "file: data/boligpris.json", "sha256: ", "etag: '\""] {
        assert!(lock.contains(expected), "{expected} in {lock}");
    }
    // Not due again for 7 days.
    let again = fetch(&site, &[]);
    assert!(String::from_utf8_lossy(&again.stdout).contains("boligpris: not due"));
    assert_eq!(server.hits("/data"), 1);
    // Asked for again: a conditional request, answered 304, changes nothing.
    let forced = fetch(&site, &["--force"]);
    assert!(String::from_utf8_lossy(&forced.stdout).contains("boligpris: unchanged"), "{forced:?}");
    assert!(server.hits.lock().expect("hits").last().expect("a request").1.is_some(), "no If-None-Match");
    // A revised table: written, and what changed said cell by cell in Norwegian numbers.
    *server.body.lock().expect("body") = revised();
    let changed = fetch(&site, &["boligpris"]);
    let said = String::from_utf8_lossy(&changed.stdout);
    assert!(said.contains("boligpris: data/boligpris.json changed"), "{said}");
    assert!(said.contains("Hele landet, Eneboliger 2022K1: 136,2 → 137,7"), "{said}");
    assert_eq!(std::fs::read(site.root.join("data/boligpris.json")).expect("written"), revised());
    let json = fetch(&site, &["--force", "--format", "json"]);
    let entries: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(entries[0]["outcome"], "unchanged");
}

#[test]
fn every_failure_names_the_url_and_reason_and_leaves_the_old_file_and_lock() {
    let server = Server::start();
    for (path, reason) in [
        ("/fail", "answered 500: Internal Server Error (after 2 tries)"),
        ("/slow", "timeout"),
        ("/maintenance", "an HTML page"),
        ("/truncated", "broke off"),
        ("/no-values", "the dataset has no values"),
        ("/loop", "redirect"),
        ("/missing", "answered 404"),
        ("/runaway", "larger than 50 MB"),
    ] {
        let site = fetching_site(&server, path);
        site.write("data/boligpris.json", "{\"old\": true}");
        site.write("data/fetch.lock", "entries: {}\n");
        let output = fetch(&site, &["--force"]);
        let errors = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{path}: {errors}");
        assert!(errors.contains(&format!("{}{path}", server.url)), "{path}: {errors}");
        assert!(errors.to_lowercase().contains(&reason.to_lowercase()), "{path}: {errors}");
        assert_eq!(site.read("data/boligpris.json"), "{\"old\": true}", "{path}");
        assert_eq!(site.read("data/fetch.lock"), "entries: {}\n", "{path}");
        let left: Vec<_> =
            std::fs::read_dir(site.root.join("data")).expect("data").flatten().map(|e| e.file_name()).collect();
        assert_eq!(left.len(), 2, "{path}: no partial file left behind: {left:?}");
    }
    assert_eq!(server.hits("/fail"), 2, "one try and one retry");
}

#[test]
fn the_ssb_shorthand_asks_pxwebapi_v2_for_json_stat() {
    let server = Server::start();
    let site = Site::named("sites", "minimal");
    let yaml = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{yaml}data:\n  befolkning:\n    ssb: {{ table: \"07459\", query: {{ Region: [K-3405, K-3440], Tid: \"top(5)\" }} }}\n"),
    );
    let output = site.command().env("REGIONPROFIL_SSB_API", &server.url).arg("fetch").output().expect("run");
    assert_eq!(output.status.code(), Some(1), "the test server has no such table");
    let errors = String::from_utf8_lossy(&output.stderr);
    let url = format!(
        "{}/tables/07459/data?lang=no&outputFormat=json-stat2&valueCodes[Region]=K-3405,K-3440&valueCodes[Tid]=top(5)",
        server.url
    );
    assert!(errors.contains(&url), "{errors}");
    assert_eq!(server.hits("/tables/07459/data"), 1);
}

#[test]
fn check_says_when_a_fetched_file_is_older_than_its_every_or_not_fetched_yet() {
    let server = Server::start();
    let site = fetching_site(&server, "/data");
    let before = site.command().args(["check", "--strict"]).output().expect("run");
    let said = String::from_utf8_lossy(&before.stderr);
    assert!(said.contains("the data entry `boligpris` is fetched, but has not been yet"), "{said}");
    assert!(said.contains("regionprofil fetch boligpris"), "{said}");
    assert!(fetch(&site, &[]).status.success());
    let fresh = site.command().args(["check", "--strict"]).output().expect("run");
    assert!(fresh.status.success(), "{}", String::from_utf8_lossy(&fresh.stderr));
    let later = site.command().args(["check", "--strict", "--now", "2099-01-01"]).output().expect("run");
    let said = String::from_utf8_lossy(&later.stderr);
    assert_eq!(later.status.code(), Some(1), "{said}");
    assert!(said.contains("site.yaml fetches it every 1w"), "{said}");
}
