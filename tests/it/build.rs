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
