//! A failed build leaves the last good output exactly as it was, and regionprofil never
//! replaces a folder it did not make.

use crate::support::{Site, files};

#[test]
fn a_failed_build_leaves_the_previous_output_untouched() {
    let site = Site::named("sites", "minimal");
    assert!(site.command().arg("build").output().expect("run").status.success());
    let before = files(&site.public());
    site.write("content/_index.md", "---\ntitle: Hjem\ntitel: oops\n---\n");
    let out = site.command().arg("build").output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Nothing was written"));
    assert!(files(&site.public()) == before, "the output changed");
    assert_no_fresh_folder_left(&site);
}

#[test]
fn a_template_error_after_other_pages_were_written_leaves_the_previous_output_untouched() {
    let site = Site::named("sites", "minimal");
    for i in 0..40 {
        site.write(&format!("content/side-{i}.md"), &format!("---\ntitle: Side {i}\n---\nTekst {i}.\n"));
    }
    assert!(site.command().arg("build").output().expect("run").status.success());
    let before = files(&site.public());
    // One page of many fails while the others are rendered, and written, beside it.
    site.write("templates/broken.html", "{{ no_such_value.at_all }}");
    site.write("content/side-39.md", "---\ntitle: Side 39\ntemplate: broken.html\n---\nTekst.\n");
    site.write("content/side-40.md", "---\ntitle: Side 40\n---\nNy.\n");
    let out = site.command().arg("build").output().expect("run");
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(files(&site.public()) == before, "the output changed");
    assert_no_fresh_folder_left(&site);
}

#[test]
fn an_output_folder_without_the_marker_is_refused_and_kept() {
    let site = Site::named("sites", "minimal");
    site.write("public/important.txt", "not made by regionprofil\n");
    let out = site.command().arg("build").output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("refusing to replace it"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(site.public().join("important.txt")).expect("kept"),
        "not made by regionprofil\n"
    );
    assert!(!site.public().join("index.html").exists());
}

#[test]
fn an_output_folder_made_by_a_build_is_replaced_whole() {
    let site = Site::named("sites", "minimal");
    assert!(site.command().arg("build").output().expect("run").status.success());
    site.write("public/stale.html", "from an old build\n");
    assert!(site.command().arg("build").output().expect("run").status.success());
    assert!(!site.public().join("stale.html").exists());
    assert!(site.public().join(".regionprofil").is_file());
}

#[test]
fn the_output_cannot_be_the_site_itself_or_inside_its_sources() {
    let site = Site::named("sites", "minimal");
    for target in [".", "content/out", ".."] {
        let out = site.command().args(["build", "--output", target]).output().expect("run");
        assert_eq!(out.status.code(), Some(1), "{target}");
    }
    assert!(site.root.join("content/_index.md").is_file());
}

#[cfg(unix)]
#[test]
fn files_that_lead_out_of_the_site_are_refused() {
    let site = Site::named("sites", "minimal");
    let outside = tempfile::tempdir().expect("tmp");
    std::fs::write(outside.path().join("secret.csv"), "a;b\n1;2\n").expect("write");
    std::fs::create_dir_all(site.root.join("data")).expect("data");
    std::os::unix::fs::symlink(outside.path().join("secret.csv"), site.root.join("data/secret.csv")).expect("symlink");
    std::os::unix::fs::symlink(outside.path(), site.root.join("content/utenfor")).expect("symlink");
    let stderr = site.failed_build();
    assert!(stderr.contains("data/secret.csv is a symlink to a place outside the site folder"), "{stderr}");
    assert!(stderr.contains("content/utenfor is a symlink to a place outside the site folder"), "{stderr}");
    assert!(!site.public().exists());
}

#[test]
fn an_old_output_that_cannot_be_removed_is_a_warning_not_a_failure() {
    // A file the system will not delete (immutable, where the file system supports it)
    // keeps the old output folder from being removed once the new one is in place: the
    // build succeeded and says so, with a warning, instead of "nothing was written".
    let site = Site::named("sites", "minimal");
    site.command().arg("build").assert().success();
    let stuck = site.public().join("stuck.txt");
    std::fs::write(&stuck, "x").expect("write");
    let chattr = |flag: &str, path: &std::path::Path| {
        let quiet = || std::process::Stdio::null();
        std::process::Command::new("chattr").arg(flag).arg(path).stdout(quiet()).stderr(quiet()).status()
    };
    if !chattr("+i", &stuck).is_ok_and(|s| s.success()) {
        eprintln!("skipped: this file system cannot make a file immutable");
        return;
    }
    let output = site.command().arg("build").output().expect("run");
    // Let the test's folder be removed: the file is in the old output, wherever it went.
    let _ = chattr("-i", &stuck);
    for entry in std::fs::read_dir(&site.root).expect("site folder").flatten() {
        let _ = chattr("-i", &entry.path().join("stuck.txt"));
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("warning: the new output is in place, but the old one could not be removed"), "{stderr}");
    assert!(!stderr.contains("Nothing was written"), "{stderr}");
    assert!(stdout.starts_with("Built "), "{stdout}");
    assert!(!site.public().join("stuck.txt").exists(), "the new output is in place");
}

/// A folder beside the site that regionprofil did not make, with what a home folder holds.
fn someone_s_home(site: &Site) -> std::path::PathBuf {
    let home = site.root.parent().expect("parent").join("home");
    std::fs::create_dir_all(home.join(".ssh")).expect("home");
    std::fs::write(home.join("notes.txt"), "mine\n").expect("write");
    std::fs::write(home.join(".ssh/id_ed25519"), "key\n").expect("write");
    home
}

#[test]
fn the_output_path_is_checked_where_the_system_will_put_it() {
    let site = Site::named("sites", "minimal");
    let home = someone_s_home(&site);
    // Each names, one way or another, a folder that is not regionprofil's to replace.
    for target in ["missing/../../home", "../home", "public/../../home", "x/../content", "./content/../data/../content"]
    {
        let out = site.command().args(["build", "--output", target]).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "--output {target}: {stderr}");
    }
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(&home, site.root.join("link-home")).expect("symlink");
        std::os::unix::fs::symlink(site.root.join("content"), site.root.join("link-content")).expect("symlink");
        for target in ["link-home", "link-content/out", "link-home/../site/content"] {
            let out = site.command().args(["build", "--output", target]).output().expect("run");
            assert_eq!(out.status.code(), Some(1), "--output {target}: {}", String::from_utf8_lossy(&out.stderr));
        }
    }
    assert_eq!(std::fs::read_to_string(home.join("notes.txt")).expect("kept"), "mine\n");
    assert!(home.join(".ssh/id_ed25519").is_file());
    assert!(site.root.join("content/_index.md").is_file());
    assert!(!site.root.join("missing").exists() && !site.root.join("x").exists(), "no folder was made");
    // The same shapes that name a folder of its own are fine: `missing` is never made.
    for target in ["missing/../public", "./public/../public"] {
        let out = site.command().args(["build", "--output", target]).output().expect("run");
        assert!(out.status.success(), "--output {target}: {}", String::from_utf8_lossy(&out.stderr));
        assert!(site.public().join("index.html").is_file());
    }
    assert!(!site.root.join("missing").exists());
}

#[test]
fn what_interrupted_builds_left_is_cleared_but_nothing_else() {
    let site = Site::named("sites", "minimal");
    // A killed build's fresh folder (with the marker; no process has this id) and a folder
    // that only looks like one.
    site.write(".public.new-4000000000/.regionprofil", "");
    site.write(".public.new-4000000000/index.html", "half a site");
    site.write(".public.old-4000000001/notes.txt", "not ours");
    let out = site.command().arg("build").output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!site.root.join(".public.new-4000000000").exists());
    assert!(site.root.join(".public.old-4000000001/notes.txt").is_file());
    // Nothing of this build is left beside the output either.
    assert_eq!(beside_output(&site), [".public.old-4000000001"]);
}

/// The names of the folders a build keeps beside the output (`.public.new-…`, `.public.old-…`).
fn beside_output(site: &Site) -> Vec<String> {
    std::fs::read_dir(&site.root)
        .expect("read")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.starts_with(".public."))
        .collect()
}

/// A failed build removes the fresh folder it wrote beside the output.
fn assert_no_fresh_folder_left(site: &Site) {
    let leftovers = beside_output(site);
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
