//! `relative_urls: true`: every link into the site is written relative to the page that
//! holds it (`../jobb/`, `../../style.css`), so the output works wherever it is put —
//! under any path of any host, and opened straight from disk.
//!
//! Templates and Markdown keep producing root-relative paths (`/jobb/`, with the
//! `base_url` path in front); this pass rewrites them in each finished HTML page, so one
//! rule covers templates, shortcodes, Markdown and raw HTML alike. lol_html parses the
//! attributes, so quoting and entities are HTML's, not a guess.

use lol_html::html_content::Element;
use lol_html::{RewriteStrSettings, element, rewrite_str};

/// Attributes that hold one URL.
const URL_ATTRIBUTES: [&str; 5] = ["href", "src", "poster", "action", "xlink:href"];

/// `html`, the page at `page_rel` (an output path such as `jobb/sykepleier/index.html`),
/// with its links to `base_path` (the site's root path, `/` or `/region/`) made relative.
/// Absolute URLs (canonical, hreflang, OpenGraph) and links elsewhere are kept.
pub fn relative_links(html: &str, page_rel: &str, base_path: &str) -> String {
    let page_dir: Vec<&str> = page_rel.rsplit_once('/').map_or(vec![], |(dir, _)| dir.split('/').collect());
    let relative = |url: &str| -> Option<String> {
        let inside = url.strip_prefix(base_path).filter(|_| !url.starts_with("//"))?;
        Some(relative_to(&page_dir, inside))
    };
    let rewrite = |el: &mut Element| {
        for name in URL_ATTRIBUTES {
            if let Some(new) = el.get_attribute(name).and_then(|url| relative(&url)) {
                el.set_attribute(name, &new)?;
            }
        }
        if let Some(srcset) = el.get_attribute("srcset") {
            let mut rewritten = false;
            let candidates: Vec<String> = srcset
                .split(',')
                .map(|candidate| {
                    let candidate = candidate.trim();
                    let (url, descriptor) = candidate.split_once(' ').unwrap_or((candidate, ""));
                    let url = relative(url).inspect(|_| rewritten = true).unwrap_or_else(|| url.to_string());
                    if descriptor.is_empty() { url } else { format!("{url} {descriptor}") }
                })
                .collect();
            if rewritten {
                el.set_attribute("srcset", &candidates.join(", "))?;
            }
        }
        Ok(())
    };
    let settings = RewriteStrSettings {
        element_content_handlers: vec![element!(
            "[href], [src], [srcset], [poster], [action], [xlink\\:href]",
            rewrite
        )],
        ..RewriteStrSettings::new()
    };
    // Not strict, no memory limit and handlers that cannot fail: rewriting cannot fail
    // either, and if it ever did, root-relative links are still correct on the host.
    rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

/// `target` (a path inside the site, `jobb/` or `style.css?h=1`, with any query or
/// fragment) as seen from the folder `from`.
fn relative_to(from: &[&str], target: &str) -> String {
    let end = target.find(['?', '#']).unwrap_or(target.len());
    let (path, rest) = target.split_at(end);
    let mut segments: Vec<&str> = path.split('/').collect();
    let file = segments.pop().unwrap_or("");
    let common = from.iter().zip(&segments).take_while(|(a, b)| a == b).count();
    let mut out = "../".repeat(from.len() - common);
    for dir in &segments[common..] {
        out.push_str(dir);
        out.push('/');
    }
    out.push_str(file);
    // `a:b.svg` would read as a URL scheme, and an empty path as the page itself.
    let first_segment = out.split('/').next().unwrap_or_default();
    if out.is_empty() || first_segment.contains(':') {
        out.insert_str(0, "./");
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_made_relative_to_the_page_folder() {
        let at = |page: &str, target: &str| {
            let dirs: Vec<&str> = page.split('/').filter(|s| !s.is_empty()).collect();
            relative_to(&dirs, target)
        };
        assert_eq!(at("", "jobb/"), "jobb/");
        assert_eq!(at("", ""), "./");
        assert_eq!(at("jobb/sykepleier/", ""), "../../");
        assert_eq!(at("jobb/sykepleier/", "jobb/"), "../");
        assert_eq!(at("jobb/sykepleier/", "jobb/sykepleier/"), "./");
        assert_eq!(at("jobb/sykepleier/", "jobb/sykepleier/#lonn"), "./#lonn");
        assert_eq!(at("jobb/sykepleier/", "style.css?h=1"), "../../style.css?h=1");
        assert_eq!(at("en/work/nurse/", "en/news/"), "../../news/");
        assert_eq!(at("en/", "images/a b.svg"), "../images/a b.svg");
    }

    #[test]
    fn links_into_the_site_become_relative_and_others_stay() {
        let html = concat!(
            r#"<link rel="canonical" href="https://example.org/region/jobb/a/">"#,
            r#"<link rel=stylesheet href=/region/style.css?h=1>"#,
            r#"<a href="/region/">Hjem</a><a href='/region/jobb/?a=1&amp;b=2'>Jobb</a>"#,
            r##"<a href="#innhold">Til innhold</a><a href="//cdn.example/x">CDN</a><a href="/annet/">Annet</a>"##,
            r#"<img src="/region/images/a.svg" srcset="/region/images/a.svg 1x, /region/images/b.svg 2x" alt="">"#,
            r#"<p>href="/region/tekst/" stays text</p><pre>&lt;a href="/region/x/"&gt;</pre>"#,
        );
        let out = relative_links(html, "jobb/a/index.html", "/region/");
        assert_eq!(
            out,
            concat!(
                r#"<link rel="canonical" href="https://example.org/region/jobb/a/">"#,
                r#"<link rel=stylesheet href="../../style.css?h=1">"#,
                r#"<a href="../../">Hjem</a><a href="../?a=1&amp;b=2">Jobb</a>"#,
                r##"<a href="#innhold">Til innhold</a><a href="//cdn.example/x">CDN</a><a href="/annet/">Annet</a>"##,
                r#"<img src="../../images/a.svg" srcset="../../images/a.svg 1x, ../../images/b.svg 2x" alt="">"#,
                r#"<p>href="/region/tekst/" stays text</p><pre>&lt;a href="/region/x/"&gt;</pre>"#,
            )
        );
    }
}

#[cfg(test)]
mod properties {
    use proptest::prelude::*;

    use super::relative_to;

    proptest! {
        /// A browser resolving the relative link on the page lands where the root-relative
        /// link pointed, for every page folder and target.
        #[test]
        fn a_relative_link_resolves_to_the_same_url(
            page in prop::collection::vec("[a-zæ0-9-]{1,6}", 0..5),
            target_dirs in prop::collection::vec("[a-zæ0-9:-]{1,6}", 0..5),
            file in "([a-z0-9:]{1,6}\\.(css|svg))?",
            suffix in "(\\?h=[0-9a-f]{4})?(#[a-z]{1,4})?",
        ) {
            let base = url::Url::parse("https://example.org/region/").expect("base");
            let page_dirs: Vec<&str> = page.iter().map(String::as_str).collect();
            let page_url = base.join(&page_dirs.iter().map(|d| format!("{d}/")).collect::<String>()).expect("page");
            let target: String = target_dirs.iter().map(|d| format!("{d}/")).collect::<String>() + &file + &suffix;
            let relative = relative_to(&page_dirs, &target);
            prop_assert!(!relative.starts_with('/'), "{relative}");
            let root_relative = format!("/region/{target}");
            prop_assert_eq!(page_url.join(&relative).expect("resolves"), base.join(&root_relative).expect("target"));
        }
    }
}
