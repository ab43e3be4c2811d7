//! Same input, same output, byte for byte: twice in a row, and with one thread or many.

use crate::support::{Site, files};

#[test]
fn builds_are_byte_identical_whatever_the_threads() {
    for fixture in ["taxonomies", "markdown", "pagination"] {
        let site = Site::named("sites", fixture);
        let mut outputs = Vec::new();
        for threads in [None, Some("1"), None, Some("2")] {
            let mut cmd = site.command();
            if let Some(n) = threads {
                cmd.env("RAYON_NUM_THREADS", n);
            }
            let out = cmd.arg("build").output().expect("run");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            outputs.push(files(&site.public()));
        }
        for other in &outputs[1..] {
            assert!(other == &outputs[0], "{fixture}: outputs differ between builds");
        }
    }
}
