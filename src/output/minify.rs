//! minify-html on HTML outputs. JavaScript is left as written: minifiers have broken
//! working scripts before, and pages here carry little of it.

use rayon::prelude::*;

use crate::render::OutputFile;

pub fn minify(files: &mut [OutputFile]) {
    let cfg = minify_html::Cfg {
        // Valid HTML only: the Nu HTML checker must accept what we write.
        minify_doctype: false,
        allow_noncompliant_unquoted_attribute_values: false,
        allow_removing_spaces_between_attributes: false,
        allow_optimal_entities: false,
        keep_html_and_head_opening_tags: true,
        keep_closing_tags: false,
        keep_comments: false,
        minify_css: true,
        minify_js: false,
        ..minify_html::Cfg::default()
    };
    files.par_iter_mut().filter(|f| f.rel.ends_with(".html")).for_each(|file| {
        file.bytes = minify_html::minify(&file.bytes, &cfg);
    });
}
