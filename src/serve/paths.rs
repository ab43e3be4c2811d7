//! Turning a request path into a file of the in-memory site, refusing everything that could
//! name something outside it.

use percent_encoding::percent_decode_str;

use crate::diag::Diagnostic;

/// What a request path asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Wanted {
    /// A file by its path in the output: `en/jobs/index.html`.
    File(String),
    /// A folder asked for without its slash (`/en/jobs`): send the browser to `/en/jobs/`.
    Folder(String),
}

/// The decoded path, relative to the site, of a request path like `/en/jobs/`.
///
/// Dot segments, backslashes, NUL and invalid UTF-8 are refused, whether written plainly or
/// percent-encoded: the site is served from memory, so nothing could escape it anyway, but a
/// request that tries is answered as the mistake (or attack) it is.
/// A refused path (400 Bad Request) is an error saying why.
pub fn decode(raw: &str) -> Result<String, Diagnostic> {
    let refused = |why: &str| Diagnostic::error(why);
    let Some(rest) = raw.strip_prefix('/') else {
        return Err(refused("the path must start with /"));
    };
    let decoded = percent_decode_str(rest).decode_utf8().map_err(|_| refused("the path is not UTF-8"))?;
    if decoded.contains('\\') {
        return Err(refused("backslashes are not allowed in paths"));
    }
    if decoded.contains('\0') {
        return Err(refused("NUL is not allowed in paths"));
    }
    if decoded.split('/').any(|segment| segment == ".." || segment == ".") {
        return Err(refused("dot segments are not allowed in paths"));
    }
    if decoded.starts_with('/') || decoded.contains("//") {
        return Err(refused("empty segments are not allowed in paths"));
    }
    Ok(decoded.into_owned())
}

/// The file a decoded path names, given a way to ask whether a file exists.
pub fn resolve(rel: &str, exists: impl Fn(&str) -> bool) -> Option<Wanted> {
    if rel.is_empty() || rel.ends_with('/') {
        let index = format!("{rel}index.html");
        return exists(&index).then_some(Wanted::File(index));
    }
    if exists(rel) {
        return Some(Wanted::File(rel.to_string()));
    }
    exists(&format!("{rel}/index.html")).then(|| Wanted::Folder(format!("/{rel}/")))
}

/// The 404 page for a path: the one of the language whose folder holds the path (`en/404.html`
/// for `en/…`), else the site's root `404.html`.
pub fn not_found_page<'a>(rel: &str, pages: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    pages
        .filter(|page| page.strip_suffix("404.html").is_some_and(|folder| rel.starts_with(folder)))
        .max_by_key(|page| page.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_paths_decode() {
        assert_eq!(decode("/"), Ok(String::new()));
        assert_eq!(decode("/en/jobs/"), Ok("en/jobs/".into()));
        assert_eq!(decode("/n%C3%A6ring/"), Ok("næring/".into()));
        assert_eq!(decode("/a%20b.pdf"), Ok("a b.pdf".into()));
    }

    #[test]
    fn every_way_out_of_the_site_is_refused() {
        for raw in [
            "/../site.yaml",
            "/en/../../etc/passwd",
            "/%2e%2e/site.yaml",
            "/%2E%2E%2Fsite.yaml",
            "/..%2fsite.yaml",
            "/..%5csite.yaml",
            "/%5c..%5csite.yaml",
            "/en\\..\\site.yaml",
            "/./index.html",
            "/%00",
            "/%ff",
            "//etc/passwd",
            "relative",
        ] {
            assert!(decode(raw).is_err(), "{raw} was let through");
        }
    }

    #[test]
    fn folders_resolve_to_their_index_and_get_their_slash() {
        let files = ["index.html", "en/jobs/index.html", "style.css"];
        let exists = |rel: &str| files.contains(&rel);
        assert_eq!(resolve("", exists), Some(Wanted::File("index.html".into())));
        assert_eq!(resolve("en/jobs/", exists), Some(Wanted::File("en/jobs/index.html".into())));
        assert_eq!(resolve("en/jobs", exists), Some(Wanted::Folder("/en/jobs/".into())));
        assert_eq!(resolve("style.css", exists), Some(Wanted::File("style.css".into())));
        assert_eq!(resolve("en/", exists), None);
        assert_eq!(resolve("nothing", exists), None);
    }

    #[test]
    fn the_404_page_is_the_language_s_own() {
        let pages = ["404.html", "en/404.html"];
        assert_eq!(not_found_page("en/nothing/", pages.into_iter()), Some("en/404.html"));
        assert_eq!(not_found_page("ingenting/", pages.into_iter()), Some("404.html"));
        assert_eq!(not_found_page("x", [].into_iter()), None);
    }
}
