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
        "content/nyheter.md:2:8",
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

/// What a new marketing officer hit first: each is a clear message, or just works.
mod newcomer {
    use crate::support::Site;

    fn stderr(output: &std::process::Output) -> String {
        String::from_utf8_lossy(&output.stderr).to_string()
    }

    #[test]
    fn a_section_without_a_title_is_a_warning_and_an_error_under_strict() {
        let site = Site::named("sites", "minimal");
        site.write("content/om-regionen/_index.md", "---\nweight: 2\n---\nOm regionen.\n");
        let check = site.command().arg("check").output().expect("run");
        let said = stderr(&check);
        assert!(check.status.success(), "{said}");
        assert!(
            said.contains("the section `om-regionen` has no `title`, so its menu entry and heading say `om-regionen`"),
            "{said}"
        );
        assert!(said.contains("content/om-regionen/_index.md:1:1"), "{said}");
        let strict = site.command().args(["check", "--strict"]).output().expect("run");
        assert_eq!(strict.status.code(), Some(1), "{}", stderr(&strict));
    }

    #[test]
    fn one_tag_may_be_written_without_a_list() {
        let site = Site::named("sites", "minimal");
        let yaml = site.read("site.yaml");
        site.write("site.yaml", &format!("{yaml}taxonomies: [tags]\n"));
        site.write("content/folketall.md", "---\ntitle: Folketall\ntags: befolkning\n---\nTekst.\n");
        let build = site.command().arg("build").output().expect("run");
        assert!(build.status.success(), "{}", stderr(&build));
        assert!(site.public().join("tags/befolkning/index.html").is_file());
    }

    #[test]
    fn a_dot_in_a_file_name_that_is_no_language_is_part_of_the_name() {
        let site = Site::named("sites", "minimal");
        site.write("content/budsjett.2026.md", "---\ntitle: Budsjett 2026\n---\nTall.\n");
        let build = site.command().arg("build").output().expect("run");
        let said = stderr(&build);
        assert!(build.status.success(), "{said}");
        assert!(!said.contains("language"), "{said}");
        let page = walkdir::WalkDir::new(site.public())
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.path().to_string_lossy().contains("budsjett") && e.file_name() == "index.html");
        assert!(page, "the page is built");
    }

    #[test]
    fn a_site_folder_that_does_not_exist_is_named_and_nothing_is_made() {
        let site = Site::named("sites", "minimal");
        let missing = site.root.join("finnes-ikke");
        let output = site.command().arg("build").arg("--root").arg(&missing).output().expect("run");
        let said = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{said}");
        assert!(said.contains("does not exist"), "{said}");
        assert!(!said.contains("Nothing was written"), "{said}");
        assert!(!missing.exists(), "the folder was made");
    }

    #[test]
    fn counts_are_singular_for_one() {
        let site = Site::named("sites", "minimal");
        site.write("data/tall.csv", "Kommune;2025\nLillehammer\n");
        let output = site.command().arg("check").output().expect("run");
        let said = stderr(&output);
        assert!(said.contains("this line has 1 field, the header has 2"), "{said}");
        assert!(said.contains("error: 1 error found"), "{said}");
    }

    #[test]
    fn a_campaign_that_expires_before_it_is_published_is_an_error() {
        let site = Site::named("sites", "minimal");
        let yaml = site.read("site.yaml");
        site.write("site.yaml", &format!("{yaml}time_zone: Europe/Oslo\n"));
        // The two dates swapped: no build would ever have the page.
        site.write(
            "content/kampanje.md",
            "---\ntitle: Kampanje\npublish_date: 2027-02-01\nexpiry_date: 2027-01-01\n---\nTekst.\n",
        );
        let output = site.command().arg("check").output().expect("run");
        let said = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{said}");
        assert!(
            said.contains(
                "the page expires (expiry_date: 2027-01-01) before it is published (publish_date: 2027-02-01)"
            ),
            "{said}"
        );
        assert!(said.contains("content/kampanje.md:4:1"), "{said}");
        assert!(said.contains("error: 1 error found"), "{said}");
        // A page shown for one day is a schedule, not a mistake.
        site.write(
            "content/kampanje.md",
            "---\ntitle: Kampanje\npublish_date: 2027-01-01\nexpiry_date: 2027-01-01\n---\nTekst.\n",
        );
        let output = site.command().args(["check", "--now", "2027-01-01T12:00:00+01:00"]).output().expect("run");
        assert!(output.status.success(), "{}", stderr(&output));
    }
}
