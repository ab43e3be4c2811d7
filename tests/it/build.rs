//! Each fixture under `tests/fixtures/sites/` builds, and its whole output matches the
//! reviewed snapshot.

use crate::support::{Site, dump};

#[test]
fn fixture_sites_build_to_their_snapshots() {
    insta::glob!("../fixtures", "sites/*/site.yaml", |config| {
        let site = Site::copy(config.parent().expect("site folder"));
        let output = site.command().args(site.args()).output().expect("run");
        let stderr = site.redact(&String::from_utf8_lossy(&output.stderr));
        assert!(output.status.success(), "build failed:\n{stderr}");
        let report = format!("--- stderr ---\n{stderr}--- output ---\n{}", dump(&site.public()));
        insta::assert_snapshot!(report);
    });
}

#[test]
fn the_sitemap_lists_taxonomy_pages_only_when_they_are_built() {
    // A theme with a taxonomy list but no term template makes no taxonomy pages; the plan,
    // the sitemap and the redirects decide that by one rule.
    let site = Site::named("sites", "minimal");
    site.write("site.yaml", "title: Fixture\nbase_url: https://example.org/\ntheme: plain\ntaxonomies: [tags]\n");
    std::fs::remove_file(site.root.join("themes/plain/templates/taxonomy_single.html")).expect("remove");
    let output = site.command().arg("build").output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!site.public().join("tags").exists());
    let sitemap = std::fs::read_to_string(site.public().join("sitemap.xml")).expect("sitemap");
    assert!(!sitemap.contains("/tags/"), "{sitemap}");
}

#[test]
fn a_sitemap_of_more_than_50_000_urls_is_an_index_of_parts() {
    // The sitemap protocol allows 50,000 URLs in one file.
    let site = Site::named("sites", "minimal");
    for i in 0..50_001 {
        std::fs::write(site.root.join(format!("content/s{i}.md")), format!("---\ntitle: S{i}\n---\n")).expect("write");
    }
    let output = site.command().arg("build").output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let index = std::fs::read_to_string(site.public().join("sitemap.xml")).expect("sitemap");
    assert!(index.contains("<sitemapindex"), "{index}");
    assert!(index.contains("<loc>https://example.org/sitemap-1.xml</loc>"), "{index}");
    assert!(index.contains("<loc>https://example.org/sitemap-2.xml</loc>"), "{index}");
    let urls = |part: &str| std::fs::read_to_string(site.public().join(part)).expect("part").matches("<url>").count();
    // 50,001 pages and the home page.
    assert_eq!((urls("sitemap-1.xml"), urls("sitemap-2.xml")), (50_000, 2));
    assert!(!site.public().join("sitemap-3.xml").exists());
}

#[test]
fn a_job_is_shown_all_of_its_last_day_in_the_site_s_time_zone() {
    // "Søknadsfrist 31. desember 2026": shown until midnight in Oslo, gone from then on.
    let site = Site::named("sites", "structured-data");
    let built_at = |now: &str| {
        let _ = std::fs::remove_dir_all(site.public());
        let out = site.command().args(["build", "--now", now]).output().expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        site.public().join("jobb/index.html").is_file()
    };
    assert!(built_at("2026-12-31T22:59:59Z"), "23:59:59 in Oslo is still the last day");
    assert!(!built_at("2026-12-31T23:00:00Z"), "00:00 in Oslo on 1 January is past it");
    // Another zone, other midnights.
    let config = site.read("site.yaml");
    site.write("site.yaml", &format!("{config}time_zone: America/New_York\n"));
    assert!(built_at("2027-01-01T04:59:59Z"));
    assert!(!built_at("2027-01-01T05:00:00Z"));
    let page = {
        built_at("2026-12-01T00:00:00Z");
        std::fs::read_to_string(site.public().join("jobb/index.html")).expect("page")
    };
    assert!(page.contains(r#""validThrough":"2027-01-01T00:00:00-05:00""#), "{page}");
}

#[test]
fn an_unknown_time_zone_is_an_error_naming_the_nearest() {
    let site = Site::named("sites", "minimal");
    site.write("site.yaml", "title: Fixture\nbase_url: https://example.org/\ntheme: plain\ntime_zone: Europe/Olso\n");
    let stderr = site.failed_build();
    assert!(stderr.contains("`Europe/Olso` is not a time zone"), "{stderr}");
    assert!(stderr.contains("--> site.yaml:4:1"), "{stderr}");
    assert!(stderr.contains("did you mean `Europe/Oslo`?"), "{stderr}");
}

#[test]
fn time_zones_do_not_depend_on_the_machine_s_database() {
    // The same instants with no system database to be found, and a different local zone.
    let site = Site::named("sites", "dates");
    let schedule = |envs: &[(&str, &str)]| {
        let mut command = site.command();
        command.args(["schedule", "--now", "2026-11-26T12:00:00Z"]);
        for (key, value) in envs {
            command.env(key, value);
        }
        String::from_utf8_lossy(&command.output().expect("run").stdout).to_string()
    };
    let usual = schedule(&[]);
    assert!(usual.contains("2026-12-01T00:00:00+01:00  publish"), "{usual}");
    assert_eq!(schedule(&[("TZDIR", "/nonexistent"), ("TZ", "Pacific/Auckland")]), usual);
}

#[test]
fn every_page_says_where_it_sits_in_json_ld() {
    // Search engines show the breadcrumb trail from `navigation_json_ld`; the home page
    // names the site instead.
    let site = Site::named("sites", "sections-and-sorting");
    let head = site.read("themes/plain/templates/head.html");
    site.write(
        "themes/plain/templates/head.html",
        &format!("{head}<script type=\"application/ld+json\">{{{{ doc.navigation_json_ld }}}}</script>\n"),
    );
    let output = site.command().arg("build").output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let json_ld = |rel: &str| {
        let page = site.read(&format!("public/{rel}"));
        let script = page.rsplit("<script type=\"application/ld+json\">").next().expect("a script");
        script[..script.find("</script>").expect("closed")].to_string()
    };
    assert_eq!(
        json_ld("tema/naeringsliv/arealer-og-tomter/index.html"),
        concat!(
            r#"{"@context":"https://schema.org","@type":"BreadcrumbList","itemListElement":["#,
            r#"{"@type":"ListItem","position":1,"name":"Hjem","item":"https://example.org/"},"#,
            r#"{"@type":"ListItem","position":2,"name":"Tema","item":"https://example.org/tema/"},"#,
            r#"{"@type":"ListItem","position":3,"name":"Næring","item":"https://example.org/tema/naeringsliv/"},"#,
            r#"{"@type":"ListItem","position":4,"name":"Næringsarealer","item":"https://example.org/tema/naeringsliv/arealer-og-tomter/"}]}"#
        )
    );
    let home = json_ld("index.html");
    assert!(
        home.starts_with(r#"{"@context":"https://schema.org","@type":"WebSite","name":"#)
            && home.contains(r#""url":"https://example.org/","inLanguage":"nb""#),
        "{home}"
    );
}
