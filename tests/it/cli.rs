//! The command line: help, version, exit statuses, init, schedule.

use crate::support::{NOW_EPOCH, Site};

fn program() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::cargo_bin("regionprofil").expect("binary");
    cmd.env("NO_COLOR", "1").env("SOURCE_DATE_EPOCH", NOW_EPOCH);
    cmd
}

#[test]
fn help_lists_the_commands_and_exits_0() {
    let out = program().arg("--help").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    for command in ["build", "check", "init", "schedule"] {
        assert!(text.contains(command), "{command} in {text}");
    }
}

#[test]
fn version_exits_0() {
    let out = program().arg("--version").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("regionprofil "));
}

#[test]
fn wrong_command_lines_exit_2() {
    for args in [&["build", "--no-such-flag"][..], &["frobnicate"], &["check", "--format", "xml"], &[]] {
        let out = program().args(args).output().expect("run");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
    }
}

#[test]
fn a_bad_now_is_a_clear_error() {
    let site = Site::named("sites", "minimal");
    let out = site.command().args(["build", "--now", "tomorrow"]).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--now: `tomorrow` is not a date"));
}

#[test]
fn missing_site_yaml_says_how_to_start() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = program().current_dir(dir.path()).arg("build").output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no site.yaml"), "{stderr}");
    assert!(stderr.contains("regionprofil init"), "{stderr}");
}

#[test]
fn init_makes_a_bilingual_site_that_builds_at_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let site = dir.path().join("ny");
    let out = program().arg("init").arg(&site).output().expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // The commands it prints work as printed, from anywhere, on the PATH or not.
    let said = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(said.contains(" serve --root "), "{said}");
    for step in ["Check it:", "Build it into"] {
        let line = said.lines().find(|l| l.starts_with(step)).expect("a printed command");
        let command = line.split_once(": ").map(|(_, c)| c.trim()).expect("a command");
        let run = std::process::Command::new("sh").arg("-c").arg(command).current_dir("/").output().expect("sh");
        assert!(run.status.success(), "{command}: {}", String::from_utf8_lossy(&run.stderr));
    }
    for page in ["index.html", "en/index.html", "nyheter/ny-nettside/index.html", "en/news/new-website/index.html"] {
        assert!(site.join("public").join(page).is_file(), "{page}");
    }
    // init never writes over a folder that has files.
    let again = program().arg("init").arg(&site).output().expect("run");
    assert_eq!(again.status.code(), Some(1));
    assert!(site.join("public/index.html").is_file());
}

#[test]
fn the_built_in_theme_speaks_bokmal_nynorsk_english_and_german() {
    let dir = tempfile::tempdir().expect("tmp");
    let site = dir.path().join("ny");
    program().arg("init").arg(&site).assert().success();
    let config = std::fs::read_to_string(site.join("site.yaml")).expect("config");
    let config = config.replace("languages:\n", "languages:\n  nn: { name: Nynorsk }\n  de: { name: Deutsch }\n");
    std::fs::write(site.join("site.yaml"), config).expect("write");
    let out = program().args(["check", "--strict", "--root"]).arg(&site).output().expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    // Pages are missing in nn and de; UI strings are not.
    assert!(stdout.contains("nn ") && stdout.contains("de "), "{stdout}");
    assert!(!stdout.contains("missing UI strings"), "{stdout}");
    program().args(["build", "--root"]).arg(&site).assert().success();
    let home = std::fs::read_to_string(site.join("public/de/index.html")).expect("de home");
    assert!(home.contains("Zum Inhalt springen"), "{home}");
    let home = std::fs::read_to_string(site.join("public/nn/index.html")).expect("nn home");
    assert!(home.contains("Hopp til innhaldet"), "{home}");
}

#[test]
fn schedule_lists_coming_changes_next_first() {
    let site = Site::named("sites", "dates");
    let out = site.command().args(["schedule", "--now", "2026-11-26T12:00:00Z"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            // In the site's time zone (Europe/Oslo by default): a campaign starts at midnight
            // there, and its expiry date is its last day, so it ends at the next midnight.
            "2026-11-26T13:00:01+01:00  expire   content/aktiv.md  (Aktiv, nb)",
            "2026-12-01T00:00:00+01:00  publish  content/kampanje.md  (Kampanje, nb)",
            "2027-02-01T00:00:00+01:00  expire   content/kampanje.md  (Kampanje, nb)",
        ]
    );
    let json =
        site.command().args(["schedule", "--now", "2026-11-26T12:00:00Z", "--format", "json"]).output().expect("run");
    let parsed: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(parsed[0]["change"], "expire");
    assert_eq!(parsed[1]["at"], "2026-12-01T00:00:00+01:00");
}

#[test]
fn schedule_lists_only_dates_that_change_the_built_site() {
    // Build and schedule follow one rule: a page whose publish date comes after it has
    // expired never appears, so its publish date is no change to announce.
    let site = Site::named("sites", "dates");
    site.write("content/for-sent.md", "---\ntitle: For sent\npublish_date: 2027-03-01\nexpiry_date: 2027-02-01\n---\n");
    let out = site.command().args(["schedule", "--now", "2026-11-26T12:00:00Z"]).output().expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("for-sent"), "{text}");
    // A build says so, rather than leaving the page out of every build in silence.
    let built = site.command().args(["build", "--now", "2027-03-02"]).output().expect("run");
    let said = String::from_utf8_lossy(&built.stderr);
    assert_eq!(built.status.code(), Some(1), "{said}");
    assert!(said.contains("content/for-sent.md:4:1"), "{said}");
    assert!(!site.public().join("for-sent").exists());
}

/// A small HTTP server on loopback: `/ok` answers 200, anything else 404.
fn serve_links() -> (String, std::thread::JoinHandle<()>) {
    use std::io::{BufRead, BufReader, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let handle = std::thread::spawn(move || {
        for stream in listener.incoming().take(2).flatten() {
            let mut reader = BufReader::new(stream);
            let mut request = String::new();
            let _ = reader.read_line(&mut request);
            loop {
                let mut header = String::new();
                if reader.read_line(&mut header).map_or(true, |n| n == 0) || header == "\r\n" {
                    break;
                }
            }
            let status = if request.split_whitespace().nth(1) == Some("/ok") { "200 OK" } else { "404 Not Found" };
            let mut stream = reader.into_inner();
            let _ = write!(stream, "HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    (base, handle)
}

#[test]
fn check_external_reports_links_that_do_not_answer() {
    let (base, server) = serve_links();
    let site = Site::named("sites", "minimal");
    site.write(
        "content/lenker.md",
        &format!("---\ntitle: Lenker\n---\n[virker]({base}/ok) og [borte]({base}/borte#x).\n"),
    );
    let out = site.command().args(["check", "--external"]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains(&format!("warning: the link to {base}/borte#x answers 404 Not Found")), "{stderr}");
    assert!(stderr.contains("--> content/lenker.md:4:"), "{stderr}");
    assert!(!stderr.contains(&format!("the link to {base}/ok")), "{stderr}");
    server.join().expect("server");
}

#[test]
fn schedule_tells_ci_what_came_due_and_when_to_run() {
    let site = Site::named("sites", "dates");
    let due = |now: &str, window: &str| {
        let out = site.command().args(["schedule", "--now", now, "--due", window]).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    assert_eq!(
        due("2026-11-30T23:30:00Z", "1h"),
        "2026-12-01T00:00:00+01:00  publish  content/kampanje.md  (Kampanje, nb)\n"
    );
    assert_eq!(due("2026-12-01T02:00:00Z", "1h"), "", "nothing came due in the last hour");
    assert_eq!(
        due("2027-02-01T00:00:00Z", "7d"),
        "2027-02-01T00:00:00+01:00  expire   content/kampanje.md  (Kampanje, nb)\n"
    );
    let out =
        site.command().args(["schedule", "--now", "2026-11-26T12:00:00Z", "--format", "cron"]).output().expect("run");
    // Cron counts in UTC: midnight in Oslo is 23:00 UTC in winter.
    assert_eq!(String::from_utf8_lossy(&out.stdout), "1 12 26 11 *\n0 23 30 11 *\n0 23 31 1 *\n");
    let bad = site.command().args(["schedule", "--due", "soon"]).output().expect("run");
    assert_eq!(bad.status.code(), Some(1));
}
