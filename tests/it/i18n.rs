//! Multilingual sites: URLs per language with translated slugs under a base-URL prefix,
//! hreflang alternates, switchers, missing translations (skipped or built as fallbacks),
//! per-language listings, feeds and taxonomies, UI strings with plurals and fallback, CLDR
//! numbers, dates and sorting, and the coverage report.

use crate::support::{Site, dump};

fn built(configure: impl Fn(&Site)) -> Site {
    let site = Site::named("sites", "i18n");
    configure(&site);
    let out = site.command().arg("build").output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    site
}

fn read(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.public().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn pages(site: &Site) -> Vec<String> {
    let mut out: Vec<String> = walkdir::WalkDir::new(site.public())
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_name() == "index.html")
        .map(|e| e.path().parent().expect("folder").strip_prefix(site.public()).expect("inside").display().to_string())
        .collect();
    out.sort();
    out
}

fn fallback_mode(site: &Site) {
    let config = site.read("site.yaml");
    site.write("site.yaml", &config.replace("missing: skip", "missing: fallback"));
}

#[test]
fn every_url_in_every_language() {
    let site = built(|_| {});
    assert_eq!(
        pages(&site),
        [
            "",
            "bo",
            "bo/tomter",
            "de",
            "de/jobb/krankenpfleger",
            "de/tags",
            "de/tags/gesundheit",
            "de/wohnen",
            "de/zahlen",
            "en",
            "en/jobs",
            "en/jobs/nurse",
            "en/live",
            "en/numbers",
            "en/tags",
            "en/tags/health",
            "jobb",
            "jobb/aasentunet",
            "jobb/aerotekniker",
            "jobb/lege",
            "jobb/ortoped",
            "jobb/sykepleier",
            "jobb/zoolog",
            "tags",
            "tags/helse",
            "tall",
        ]
    );
    for lang in ["", "en/", "de/"] {
        assert!(site.public().join(format!("{lang}404.html")).is_file(), "{lang}404.html");
        assert!(site.public().join(format!("{lang}atom.xml")).is_file(), "{lang}atom.xml");
    }
}

#[test]
fn heads_and_sitemap_carry_every_translation_and_x_default() {
    let site = built(|_| {});
    let expected = [
        r#"hreflang="nb" href="https://example.org/region/jobb/sykepleier/""#,
        r#"hreflang="en-GB" href="https://example.org/region/en/jobs/nurse/""#,
        r#"hreflang="de" href="https://example.org/region/de/jobb/krankenpfleger/""#,
        r#"hreflang="x-default" href="https://example.org/region/jobb/sykepleier/""#,
    ];
    for page in ["jobb/sykepleier/index.html", "en/jobs/nurse/index.html", "de/jobb/krankenpfleger/index.html"] {
        let html = read(&site, page);
        for link in expected {
            assert!(html.contains(&format!("<link rel=\"alternate\" {link}>")), "{page}: {link}");
        }
    }
    let sitemap = read(&site, "sitemap.xml");
    let entry = sitemap.split("<url>").find(|u| u.contains("<loc>https://example.org/region/en/jobs/nurse/</loc>"));
    let entry = entry.expect("the English page is in the sitemap");
    for link in expected {
        assert!(entry.contains(&format!("<xhtml:link rel=\"alternate\" {link}/>")), "{link}");
    }
    // A page with no translation gets no alternates.
    assert!(!read(&site, "jobb/lege/index.html").contains("hreflang"));
}

#[test]
fn switchers_land_on_the_same_page_or_its_nearest_translated_ancestor() {
    let site = built(|_| {});
    let nurse = read(&site, "en/jobs/nurse/index.html");
    assert!(nurse.contains(
        "nb /region/jobb/sykepleier/ exact; en /region/en/jobs/nurse/ exact; de /region/de/jobb/krankenpfleger/ exact;"
    ));
    let doctor = read(&site, "jobb/lege/index.html");
    assert!(doctor.contains("nb /region/jobb/lege/ exact; en /region/en/jobs/; de /region/de/;"), "{doctor}");
}

#[test]
fn skipped_translations_are_not_built_and_fallbacks_are_marked() {
    let skip = built(|_| {});
    assert!(!skip.public().join("en/jobs/lege").exists());

    let site = built(fallback_mode);
    for (page, home) in [("en/jobs/lege/index.html", "/region/en/"), ("de/jobb/lege/index.html", "/region/de/")] {
        let html = read(&site, page);
        assert!(html.contains("(text in nb, fallback)"), "{page}");
        assert!(html.contains(r#"<link rel="canonical" href="https://example.org/region/jobb/lege/">"#), "{page}");
        assert!(!html.contains("hreflang"), "a fallback is not a translation: {page}");
        assert!(html.contains(&format!("({home})")), "{page} sits in its language's tree");
        assert!(html.contains("<main lang=\"nb\">"), "{page}: the text is marked as Norwegian");
    }
    assert!(read(&site, "en/jobs/lege/index.html").contains("<p class=\"notice\">This page is not translated yet"));
    let sitemap = read(&site, "sitemap.xml");
    assert!(!sitemap.contains("/en/jobs/lege/"), "fallbacks stay out of the sitemap");
    // The original links to the fallback as a language version.
    assert!(read(&site, "jobb/lege/index.html").contains("en /region/en/jobs/lege/ fallback;"));
    insta::assert_snapshot!(dump(&site.public()));
}

#[test]
fn listings_feeds_and_taxonomies_are_per_language() {
    let site = built(|_| {});
    let feed = read(&site, "en/atom.xml");
    assert!(feed.contains("<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"en-GB\">"));
    assert!(feed.contains("<id>https://example.org/region/en/jobs/nurse/</id>"));
    assert!(!feed.contains("/region/jobb/"), "only English pages in the English feed");
    assert!(read(&site, "en/tags/index.html").contains("Health"));
    assert!(!read(&site, "en/tags/index.html").contains("Helse"));
    assert!(read(&site, "de/tags/gesundheit/index.html").contains("Krankenpfleger"));
    let jobs = read(&site, "en/jobs/index.html");
    assert!(jobs.contains("Nurse") && !jobs.contains("Lege"));
}

#[test]
fn numbers_dates_plurals_and_ui_strings_in_each_language() {
    let site = built(|_| {});
    let nb = read(&site, "tall/index.html");
    assert!(nb.contains("4\u{a0}478\u{a0}497 | 12,8\u{a0}% | \u{2212}12,8 | 8,5"), "{nb}");
    assert!(nb.contains("26. november 2026 | 26.11.2026"));
    assert!(nb.contains("1 ledig stilling | 3 ledige stillinger | 1\u{a0}000 ledige stillinger"));
    assert!(nb.contains("Hei, Kari! | Bare på norsk | Hei, Ola!"));
    let en = read(&site, "en/numbers/index.html");
    assert!(en.contains("4,478,497 | 12.8% | -12.8 | 8.5"), "{en}");
    assert!(en.contains("26 November 2026 | 26/11/2026"));
    assert!(en.contains("1 vacancy | 3 vacancies | 1,000 vacancies"));
    assert!(en.contains("Hello, Kari! | Bare på norsk | Hei, Ola!"), "a missing key falls back to nb");
    let de = read(&site, "de/zahlen/index.html");
    assert!(de.contains("4.478.497 | 12,8\u{a0}% | -12,8 | 8,5"), "{de}");
    assert!(de.contains("26. November 2026"));
    assert!(de.contains("1 offene Stelle | 3 offene Stellen | 1.000 offene Stellen"));
}

#[test]
fn norwegian_sorts_ae_oe_aa_after_z() {
    let site = built(|_| {});
    let listing = read(&site, "jobb/index.html");
    let order: Vec<usize> =
        ["Lege", "Sykepleier", "Zoolog", "Ærlig tekniker", "Ørtopediingeniør", "Åsentunet vaktmester"]
            .iter()
            .map(|title| listing.find(&format!(">{title}</a>")).unwrap_or_else(|| panic!("{title}")))
            .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn coverage_report_as_text_and_json() {
    let site = Site::named("sites", "i18n");
    let out = site.command().arg("check").output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("  en     5/11 pages\n"), "{text}");
    assert!(text.contains("missing content/jobb/lege.en.md (not built)"), "{text}");
    assert!(text.contains("  de     3/11 pages\n"), "{text}");
    assert!(text.contains("missing content/_index.de.md (a home page from site.yaml is built)"), "{text}");
    assert!(
        text.contains(
            "missing UI strings (the default language's are used): fallback_notice, not_found, only_norwegian"
        ),
        "{text}"
    );

    let out = site.command().args(["check", "--format", "json"]).output().expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["ok"], true);
    let de = &report["coverage"]["languages"][2];
    assert_eq!(de["lang"], "de");
    assert_eq!(de["translated"], 3);
    assert_eq!(de["missing_ui_strings"], serde_json::json!(["fallback_notice", "not_found", "only_norwegian"]));
    assert!(
        de["missing_pages"]
            .as_array()
            .expect("list")
            .iter()
            .any(|p| p["file"] == "content/jobb/lege.de.md" && p["instead"] == "nothing")
    );

    let strict = site.command().args(["check", "--strict"]).output().expect("run");
    assert_eq!(strict.status.code(), Some(1), "--strict fails on missing translations");
    fallback_mode(&site);
    let out = site.command().args(["check", "--format", "json"]).output().expect("run");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let en_pages = report["coverage"]["languages"][1]["missing_pages"].as_array().expect("list").clone();
    assert!(en_pages.iter().any(|p| p["file"] == "content/jobb/lege.en.md" && p["instead"] == "fallback"));
}

#[test]
fn a_default_language_under_its_own_path_gets_a_chooser_at_the_root() {
    let site = built(|site| {
        let config = site.read("site.yaml");
        site.write("site.yaml", &config.replace("nb: { name: Norsk }", "nb: { name: Norsk, path: nb }"));
    });
    let root = read(&site, "index.html");
    for link in [
        r#"<a href="/region/nb/" hreflang="nb""#,
        r#"<a href="/region/en/" hreflang="en-GB""#,
        r#"<a href="/region/de/" hreflang="de""#,
    ] {
        assert!(root.contains(link), "{link} in {root}");
    }
    assert!(root.contains("navigator.languages"), "the chooser follows the browser's language");
    assert!(site.public().join("nb/jobb/sykepleier/index.html").is_file());
    let home = read(&site, "nb/index.html");
    assert!(home.contains(r#"hreflang="x-default" href="https://example.org/region/""#), "{home}");
    let page = read(&site, "nb/jobb/sykepleier/index.html");
    assert!(page.contains(r#"hreflang="x-default" href="https://example.org/region/nb/jobb/sykepleier/""#));
}

#[test]
fn with_relative_urls_the_chooser_sends_visitors_on_from_wherever_it_is_served() {
    let site = built(|site| {
        let config = site.read("site.yaml");
        let config = config.replace("nb: { name: Norsk }", "nb: { name: Norsk, path: nb }");
        site.write("site.yaml", &format!("{config}\nrelative_urls: true\n"));
    });
    let root = read(&site, "index.html");
    for link in [r#"<a href="nb/" hreflang="nb""#, r#"<a href="en/" hreflang="en-GB""#] {
        assert!(root.contains(link), "{link} in {root}");
    }
    assert!(root.contains(r#"["nb","nb/"],["en-gb","en/"]"#), "the script's targets are relative: {root}");
    let page = read(&site, "nb/jobb/sykepleier/index.html");
    assert!(page.contains(r#"hreflang="x-default" href="https://example.org/region/nb/jobb/sykepleier/""#));
}

#[test]
fn links_resolve_in_the_linking_pages_language_else_the_default() {
    let site = built(|_| {});
    let en = read(&site, "en/index.html");
    assert!(en.contains(r#"<a href="/region/en/jobs/nurse/">the nurse job</a>"#), "{en}");
    assert!(en.contains(r#"<a href="/region/jobb/lege/">the doctor job</a>"#), "{en}");
}

#[test]
fn a_translation_takes_what_does_not_depend_on_language_from_the_default_language_s_page() {
    let site = built(|site| {
        site.write(
            "content/jobb/lege.md",
            "---\ntitle: Lege\ndate: 2026-11-03\nweight: 2\njob:\n  employer: Gausdal kommune\n  location: Gausdal\n  employment_type: PART_TIME\n  valid_through: 2027-02-01\n  apply_url: \"mailto:post@example.org?subject=Lege\"\n---\nSøk nå.\n",
        );
        // Only the words: the date, the deadline, the type and the place come from lege.md.
        site.write(
            "content/jobb/lege.en.md",
            "---\ntitle: Doctor\nslug: doctor\njob:\n  employer: Gausdal municipality\n  apply_url: \"mailto:post@example.org?subject=Doctor\"\n---\nApply now.\n",
        );
    });
    let english = read(&site, "en/jobs/doctor/index.html");
    for expected in [
        "\"validThrough\":\"2027-02-02T00:00:00+01:00\"",
        "\"employmentType\":\"PART_TIME\"",
        "\"datePosted\":\"2026-11-03T00:00:00+01:00\"",
        "\"name\":\"Gausdal municipality\"",
        "\"addressLocality\":\"Gausdal\"",
    ] {
        assert!(english.contains(expected), "{expected} in:\n{english}");
    }
}
