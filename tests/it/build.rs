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
