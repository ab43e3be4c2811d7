//! Small outputs written without templates: redirect pages, `_redirects`, `robots.txt`,
//! and the plain 404 page and language chooser used when the theme has none.

use crate::html::escape;
use crate::site::Site;

/// A page that sends the visitor (and search engines) on to `target`.
pub fn redirect_page(target: &str) -> String {
    let target = escape(target);
    format!(
        "<!DOCTYPE html>\n<html lang=\"und\">\n<head>\n<meta charset=\"utf-8\">\n<title>{target}</title>\n\
         <link rel=\"canonical\" href=\"{target}\">\n<meta name=\"robots\" content=\"noindex\">\n\
         <meta http-equiv=\"refresh\" content=\"0; url={target}\">\n</head>\n\
         <body>\n<p><a href=\"{target}\">{target}</a></p>\n</body>\n</html>\n"
    )
}

/// `_redirects` for hosts that read one (Netlify, Cloudflare Pages): `FROM TO 301`.
pub fn redirects_file(lines: &[(String, String)]) -> String {
    let mut out = String::new();
    for (from, to) in lines {
        out.push_str(&format!("{from} {to} 301\n"));
    }
    out
}

pub fn robots_txt(site: &Site) -> String {
    format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", site.url_of("sitemap.xml"))
}

/// The 404 page of a language when the theme has no `404.html`.
pub fn not_found_page(site: &Site, lang: usize) -> String {
    let language = &site.config.languages[lang];
    let home = escape(&site.path_of(&site.lang_rel(lang)));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{locale}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>404 – {title}</title>\n\
         </head>\n<body>\n<main>\n<h1>404</h1>\n<p><a href=\"{home}\">{title}</a></p>\n</main>\n</body>\n</html>\n",
        locale = escape(&language.locale),
        title = escape(&language.title),
    )
}

/// The root page when every language has its own path: links to each, and a script that
/// follows the browser's preferred language.
pub fn language_chooser(site: &Site) -> String {
    let mut links = String::new();
    for (i, language) in site.config.languages.iter().enumerate() {
        // Made relative with every other link of the page when the site asks for it.
        links.push_str(&format!(
            "<li><a href=\"{}\" hreflang=\"{}\" lang=\"{}\">{}</a></li>\n",
            escape(&site.path_of(&site.lang_rel(i))),
            escape(&language.locale),
            escape(&language.locale),
            escape(&language.name)
        ));
    }
    let default = &site.config.languages[0];
    format!(
        "<!DOCTYPE html>\n<html lang=\"{locale}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n\
         <script>{script}</script>\n</head>\n<body>\n<main>\n<h1>{title}</h1>\n<ul>\n{links}</ul>\n</main>\n</body>\n</html>\n",
        locale = escape(&default.locale),
        title = escape(&site.config.title),
        script = chooser_script(site),
    )
}

/// Picks the first of the browser's languages the site has (by language, then by its first
/// subtag), else stays on the chooser.
pub fn chooser_script(site: &Site) -> String {
    let mut targets = String::new();
    for (i, language) in site.config.languages.iter().enumerate() {
        // The chooser is the root `index.html`, so with relative URLs a language's folder
        // is its own path from there (the rewrite of links does not reach into scripts).
        let path = match site.lang_rel(i) {
            rel if !site.config.relative_urls => site.path_of(&rel),
            rel if rel.is_empty() => "./".to_string(),
            rel => rel,
        };
        // JSON strings are JavaScript strings; `<` is escaped so the script cannot end early.
        let locale = serde_json::to_string(&language.locale.to_lowercase()).unwrap_or_default().replace('<', "\\u003c");
        let path = serde_json::to_string(&path).unwrap_or_default().replace('<', "\\u003c");
        targets.push_str(&format!("[{locale},{path}],"));
    }
    format!(
        "(function(){{var t=[{targets}];var w=(navigator.languages||[navigator.language||'']);\
         for(var i=0;i<w.length;i++){{var l=String(w[i]).toLowerCase();\
         for(var j=0;j<t.length;j++){{var c=t[j][0];\
         if(l===c||l.split('-')[0]===c.split('-')[0]||(l.split('-')[0]==='no'&&/^n[bn]/.test(c))){{location.replace(t[j][1]);return;}}}}}}}})();"
    )
}
