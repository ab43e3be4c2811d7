//! The search index as `build` writes it: what is in it, in which language, how the words
//! are kept; and the region theme's search page. The browser side (search.js finding the
//! right page first) is tested in Chromium by tests/e2e/search.mjs.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;

use crate::support::{Site, copy_dir};

/// One language's index, decoded.
struct Index {
    pages: Vec<String>,
    /// term → (page path, score)
    terms: BTreeMap<String, Vec<(String, u64)>>,
    /// inflected form → term
    forms: BTreeMap<String, String>,
    reverse: BTreeMap<String, u64>,
}

/// The text of an index file: `index.json` as it is, the others gzipped.
fn text_of(path: &Path) -> String {
    let bytes = std::fs::read(path).expect("index file");
    if path.extension().is_some_and(|e| e == "gz") {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut text).expect("gzip");
        text
    } else {
        String::from_utf8(bytes).expect("UTF-8")
    }
}

fn read(path: &Path) -> Value {
    serde_json::from_str(&text_of(path)).expect("JSON")
}

/// What a hit of each page shows (`u`, `t`, `x`, …), in page number order.
fn records(site: &Site, lang: &str) -> Vec<Value> {
    let folder = site.public().join("search-index").join(lang);
    let meta = read(&folder.join("index.json"));
    let files = meta["page_files"].as_array().expect("page files");
    files
        .iter()
        .flat_map(|file| read(&folder.join(file.as_str().expect("name"))).as_array().expect("pages").clone())
        .collect()
}

fn index(site: &Site, lang: &str) -> Index {
    let folder = site.public().join("search-index").join(lang);
    let meta = read(&folder.join("index.json"));
    let pages: Vec<String> =
        records(site, lang).iter().map(|page| page["u"].as_str().expect("path").to_string()).collect();
    assert_eq!(pages.len() as u64, meta["pages"].as_u64().expect("count"));
    let mut terms = BTreeMap::new();
    let mut forms = BTreeMap::new();
    for entry in meta["forward"].as_array().expect("forward") {
        let chunk = read(&folder.join(entry[1].as_str().expect("name")));
        for (term, list) in chunk["t"].as_object().expect("terms") {
            let numbers: Vec<u64> = list.as_array().expect("postings").iter().map(|n| n.as_u64().expect("n")).collect();
            let mut page = 0;
            let postings = numbers
                .chunks(2)
                .map(|pair| {
                    page += pair[0] as usize;
                    (pages[page].clone(), pair[1])
                })
                .collect();
            terms.insert(term.clone(), postings);
        }
        for (form, term) in chunk["f"].as_object().expect("forms") {
            forms.insert(form.clone(), term.as_str().expect("term").to_string());
        }
    }
    let mut reverse = BTreeMap::new();
    for entry in meta["reverse"].as_array().expect("reverse") {
        let chunk = read(&folder.join(entry[1].as_str().expect("name")));
        for (key, count) in chunk["r"].as_object().expect("entries") {
            reverse.insert(key.clone(), count.as_u64().expect("count"));
        }
    }
    Index { pages, terms, forms, reverse }
}

impl Index {
    fn pages_with(&self, term: &str) -> Vec<&str> {
        self.terms.get(term).map_or(Vec::new(), |list| list.iter().map(|(p, _)| p.as_str()).collect())
    }

    fn score(&self, term: &str, page: &str) -> u64 {
        self.terms[term].iter().find(|(p, _)| p == page).map_or(0, |(_, s)| *s)
    }
}

fn build(site: &Site) {
    let output = site.command().arg("build").output().expect("run");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

fn page(title: &str, extra: &str, body: &str) -> String {
    format!("---\ntitle: {title}\n{extra}---\n{body}\n")
}

#[test]
fn the_index_holds_each_language_s_published_pages_and_nothing_else() {
    let site = Site::named("sites", "i18n");
    site.write("content/jobb/utkast.md", &page("Utkast", "draft: true\n", "Hemmelig snekker."));
    site.write("content/jobb/snart.md", &page("Snart", "publish_date: 2030-01-01\n", "Fremtidig snekker."));
    site.write("content/jobb/gammel.md", &page("Gammel", "expiry_date: 2020-01-01\n", "Utløpt snekker."));
    site.write("content/jobb/intern.md", &page("Intern", "search: false\n", "Intern snekker."));
    site.write("content/jobb/snekker.md", &page("Snekker", "", "Vi søker en snekker."));
    build(&site);
    let nb = index(&site, "nb");
    assert_eq!(nb.pages_with("snekk"), ["jobb/snekker/"], "{:?}", nb.terms.keys().collect::<Vec<_>>());
    assert!(nb.pages.iter().all(|p| !p.starts_with("en/") && !p.starts_with("de/")), "{:?}", nb.pages);
    let en = index(&site, "en");
    assert!(!en.pages.is_empty() && en.pages.iter().all(|p| p.starts_with("en/")), "{:?}", en.pages);
    assert!(en.terms.keys().all(|t| t != "snekk"));
    // English words are stemmed as English, German as German.
    let en_meta = read(&site.public().join("search-index/en/index.json"));
    assert_eq!(en_meta["language"], "en");
    assert_eq!(read(&site.public().join("search-index/de/index.json"))["language"], "de");
}

#[test]
fn a_fallback_page_is_not_in_the_index_of_the_language_it_stands_in() {
    let site = Site::named("sites", "i18n");
    let config = site.read("site.yaml");
    site.write("site.yaml", &config.replace("missing: skip", "missing: fallback"));
    site.write("content/jobb/snekker.md", &page("Snekker", "", "Vi søker en snekker."));
    build(&site);
    let built: Vec<String> = walkdir::WalkDir::new(site.public().join("en"))
        .into_iter()
        .filter_map(Result::ok)
        .map(|e| e.path().display().to_string())
        .filter(|p| p.contains("snekker"))
        .collect();
    assert!(!built.is_empty(), "the fallback page is built");
    let en = index(&site, "en");
    assert!(!en.pages.iter().any(|p| p.contains("snekker")), "{:?}", en.pages);
}

#[test]
fn inflected_forms_folded_letters_and_compounds_are_kept_for_the_browser() {
    let site = Site::named("sites", "i18n");
    site.write(
        "content/jobb/hytte.md",
        &page(
            "Hytte i Øyer",
            "tags: [ferie]\n",
            "Sykepleiere jobber i Barnehagene. Døren er åpen hele sommerferien. Aasen er vakker.",
        ),
    );
    build(&site);
    let nb = index(&site, "nb");
    let at = |term: &str| nb.pages_with(term).contains(&"jobb/hytte/");
    // Plural and singular meet at one stem; the plural form leads to it.
    assert_eq!(nb.forms.get("sykepleiere").map(String::as_str), Some("sykeplei"));
    assert!(at("sykeplei"));
    assert!(at("barnehag"), "{:?}", nb.forms.get("barnehagene"));
    // Folded: ø → o, å → a, aa → a.
    assert!(at("oyer"));
    assert!(at("apen"));
    let aasen = nb.forms.get("asen").expect("Aasen, folded");
    assert!(at(aasen));
    // The compound is findable by its end.
    assert!(nb.reverse.contains_key(&"sommerferi".chars().rev().collect::<String>()), "{:?}", nb.reverse);
}

#[test]
fn a_word_in_the_title_scores_above_the_same_word_in_the_body() {
    let site = Site::named("sites", "i18n");
    site.write("content/jobb/snekker.md", &page("Snekker", "", "Arbeid med tre."));
    site.write("content/jobb/tommer.md", &page("Tømmer", "", "En snekker, en snekker, en snekker og en snekker."));
    build(&site);
    let nb = index(&site, "nb");
    assert!(nb.score("snekk", "jobb/snekker/") > nb.score("snekk", "jobb/tommer/"));
}

#[test]
fn markup_in_the_index_stays_text() {
    let site = Site::named("sites", "i18n");
    site.write("content/jobb/x.md", &page("\"<script>alert(1)</script>\"", "", "<b>fet</b> & \"sitat\""));
    build(&site);
    for entry in walkdir::WalkDir::new(site.public().join("search-index")) {
        let entry = entry.expect("entry");
        if entry.file_type().is_file() {
            let text = text_of(entry.path());
            assert!(!text.contains('<'), "{}: {text}", entry.path().display());
            let _: Value = serde_json::from_str(&text).expect("valid JSON");
        }
    }
}

#[test]
fn an_excerpt_reads_as_the_page_with_its_numbers_and_without_its_charts() {
    let site = Site::named("sites", "statistics");
    site.write(
        "content/studier.md",
        &page(
            "Studier",
            "",
            "## Høyere utdanning\n\nLes **mer** om [campus](https://campus.example/) her\n\n- Opptak\n- Bolig",
        ),
    );
    build(&site);
    let records = records(&site, "nb");
    let excerpt = |path: &str| {
        let record = records.iter().find(|r| r["u"] == path).unwrap_or_else(|| panic!("{path} in {records:?}"));
        record["x"].as_str().expect("excerpt").to_string()
    };
    assert_eq!(excerpt("studier/"), "Høyere utdanning. Les mer om campus her. Opptak. Bolig.");
    let befolkning = excerpt("befolkning/");
    assert_eq!(
        befolkning,
        "Lillehammer hadde 27\u{a0}028 (Kilde: SSB, per 1. januar 2014) innbyggere, en vekst på 9,3\u{a0}% \
         (SSB oppgir 8,5 %). Gausdal: \u{2212}0,9 %, landet: 5\u{a0}109\u{a0}056\u{a0}personer. Kommuner: 5\u{a0}140."
    );
    for chart_text in ["Folkevekst per år", "Folketall i regionen", "Hamar"] {
        assert!(!befolkning.contains(chart_text), "{chart_text} in {befolkning}");
    }
}

#[test]
fn search_false_writes_no_index_and_no_search_page() {
    let site = region_site();
    let config = site.read("site.yaml");
    site.write("site.yaml", &format!("{config}search: false\n"));
    build(&site);
    assert!(!site.public().join("search-index").exists());
    assert!(!site.public().join("sok").exists());
    let home = std::fs::read_to_string(site.public().join("index.html")).expect("home");
    assert!(!home.contains("role=\"search\""), "{home}");
}

/// The i18n fixture with its Bokmål language written as `nb`.
fn with_nb(nb: &str) -> Site {
    let site = Site::named("sites", "i18n");
    let config = site.read("site.yaml");
    site.write("site.yaml", &config.replace("nb: { name: Norsk }", nb));
    site
}

#[test]
fn a_search_language_without_a_stemmer_is_an_error_at_its_line() {
    let site = with_nb("nb: { name: Norsk, search: norsk }");
    let stderr = site.failed_build();
    assert!(stderr.contains("no stemmer for the search language `norsk`"), "{stderr}");
    assert!(stderr.contains("site.yaml:6:"), "{stderr}");
    assert!(stderr.contains("leave `search` out"), "{stderr}");
}

#[test]
fn synonyms_are_written_as_terms_for_their_language_only() {
    let site = with_nb("nb: { name: Norsk, synonyms: [[Barnehage, barnepass], [bolig, boliger]] }");
    build(&site);
    let nb = read(&site.public().join("search-index/nb/index.json"));
    // Stemmed and folded as the index's words are; a group that meets at one term is gone.
    assert_eq!(nb["synonyms"], serde_json::json!([["barnehag", "barnepass"]]));
    assert_eq!(read(&site.public().join("search-index/en/index.json"))["synonyms"], serde_json::json!([]));
}

#[test]
fn a_synonym_of_two_words_and_a_group_of_one_are_errors() {
    let site = with_nb("nb: { name: Norsk, synonyms: [[barnehage, barne hage], [alene]] }");
    let stderr = site.failed_build();
    assert!(stderr.contains("the synonym `barne hage` is not one word"), "{stderr}");
    assert!(stderr.contains("a group of synonyms needs two words or more"), "{stderr}");
    assert!(stderr.contains("site.yaml:6:"), "{stderr}");
}

/// The i18n fixture with the region theme, which has a search page.
fn region_site() -> Site {
    let site = Site::named("sites", "i18n");
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/region"), &site.root.join("themes/region"));
    let config = site.read("site.yaml");
    site.write("site.yaml", &config.replace("theme: plain", "theme: region\nminify: false"));
    site
}

#[test]
fn the_region_theme_has_a_search_page_per_language_and_a_form_on_every_page() {
    let site = region_site();
    build(&site);
    for (page, search_page, index) in [
        ("index.html", "/region/sok/", "/region/search-index/nb/index.json"),
        ("en/index.html", "/region/en/search/", "/region/search-index/en/index.json"),
        ("de/index.html", "/region/de/suche/", "/region/search-index/de/index.json"),
    ] {
        let html = std::fs::read_to_string(site.public().join(page)).expect("page");
        assert!(html.contains("<form role=\"search\" class=\"search-form search-form-header\""), "{html}");
        assert!(html.contains(&format!("action=\"{search_page}\"")), "{page}: {html}");
        assert!(html.contains("<input type=\"search\" id=\"site-search\" name=\"q\""), "{html}");
        let rel = search_page.trim_start_matches("/region/");
        let search = std::fs::read_to_string(site.public().join(rel).join("index.html")).expect("search page");
        assert!(search.contains("id=\"search-results\""), "{search}");
        assert!(search.contains(&format!("href=\"{index}\"")), "{search}");
        assert!(search.contains("<noscript>"), "{search}");
    }
}
