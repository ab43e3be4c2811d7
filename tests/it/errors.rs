//! Each site under `tests/fixtures/invalid/` fails `check` with exit status 1, and prints
//! its errors with file, line, column and hint, as reviewed in the snapshots.

use crate::support::Site;

#[test]
fn invalid_sites_fail_with_located_errors() {
    insta::glob!("../fixtures", "invalid/*/site.yaml", |config| {
        let site = Site::copy(config.parent().expect("site folder"));
        let output = site.command().arg("check").output().expect("run");
        let stderr = site.redact(&String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.code(), Some(1), "check should fail:\n{stderr}");
        assert!(stderr.contains("error:"), "{stderr}");
        insta::assert_snapshot!(stderr);
    });
}

#[test]
fn five_mistakes_are_five_located_errors_at_once() {
    let site = Site::named("invalid", "five-mistakes");
    let output = site.command().arg("check").output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1));
    let located: Vec<&str> = stderr.lines().filter(|l| l.trim_start().starts_with("--> ")).collect();
    assert_eq!(located.len(), 5, "{stderr}");
    for (line, file) in located.iter().zip([
        "content/jobb/lege.md:3:7",
        "content/jobb/sykepleier.md:3:1",
        "content/nyheter.md:4:1",
        "content/om.md:4:15",
        "content/om.md:6:4",
    ]) {
        assert!(line.ends_with(file), "expected {file} in {line}\n{stderr}");
    }
    assert!(stderr.contains("error: 5 errors found"), "{stderr}");
}

#[test]
fn a_template_that_asks_for_a_page_left_out_of_the_build_is_told_why() {
    // Markdown links and template functions find pages by one rule, so `get_page` on a
    // draft says it is a draft, as a link to it does.
    let site = Site::named("sites", "minimal");
    site.write("content/utkast.md", "---\ntitle: Utkast\ndraft: true\n---\n");
    site.write("content/lenke.md", "---\ntitle: Lenke\n---\n[Utkastet](@/utkast.md)\n");
    site.write(
        "templates/section.html",
        "{% set draft = get_page(path=\"utkast.md\") %}<html><body>{{ draft.title }}</body></html>",
    );
    let output = site.command().arg("check").output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("`utkast.md` is a draft, so it is not in this build"), "{stderr}");
    assert!(stderr.contains("the link to `@/utkast.md` is left out: that page is a draft"), "{stderr}");
}
