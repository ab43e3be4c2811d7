//! Statistics on pages: the built-in shortcodes in nb and en, and charts that are
//! well-formed SVG drawing the numbers of the data.

use crate::support::Site;

fn built() -> Site {
    let site = Site::named("sites", "statistics");
    let out = site.command().arg("build").output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    site
}

fn page(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.public().join(rel)).expect("page")
}

/// Every inline SVG of a page, parsed as XML.
fn charts(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg") {
        let end = rest[start..].find("</svg>").map(|i| start + i + 6).expect("closed svg");
        let svg = &rest[start..end];
        if let Err(e) = roxmltree::Document::parse(svg) {
            panic!("not well-formed XML: {e}\n{svg}");
        }
        out.push(svg.to_string());
        rest = &rest[end..];
    }
    out
}

/// `27 028`, `−0,9`, `12,8 %` (nb) → the number.
fn parse_nb(text: &str) -> f64 {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '\u{a0}' | ' ' | '%'))
        .map(|c| match c {
            '\u{2212}' => '-',
            ',' => '.',
            c => c,
        })
        .collect();
    cleaned.parse().unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

#[test]
fn shortcodes_write_numbers_in_the_pages_language() {
    let site = built();
    let nb = page(&site, "befolkning/index.html");
    assert!(
        nb.contains(r#"<data class="stat" value="27028">27&#160;028</data>"#)
            || nb.contains("<data class=\"stat\" value=\"27028\">27\u{a0}028</data>"),
        "{nb}"
    );
    assert!(nb.contains("(Kilde: <a href=\"https://www.ssb.no/statbank/table/07459\">SSB</a>, per 1. januar 2014)"));
    assert!(nb.contains("<data class=\"change\" value=\"9.318880\">9,3\u{a0}%</data>"));
    assert!(nb.contains("<data class=\"stat\" value=\"-0.9\">\u{2212}0,9</data>"));
    assert!(nb.contains("5\u{a0}109\u{a0}056\u{a0}personer"));
    assert!(nb.contains("<caption>Folketall i regionen</caption>"));
    assert!(nb.contains("<th scope=\"col\" class=\"num\">Folketall 31.12.2013</th>"));
    assert!(nb.contains("<th scope=\"row\">0521 Øyer</th>"));
    let en = page(&site, "en/population/index.html");
    assert!(en.contains("<data class=\"stat\" value=\"27028\">27,028</data>"));
    assert!(en.contains("(Source: <a href=\"https://www.ssb.no/statbank/table/07459\">SSB</a>, as of 1 January 2014)"));
    assert!(en.contains("<data class=\"change\" value=\"9.318880\">9.3%</data>"));
    assert!(en.contains("<data class=\"stat\" value=\"-0.9\">-0.9</data>"));
    assert!(en.contains("<summary>The numbers in the chart</summary>"));
}

#[test]
fn template_functions_share_the_lookups() {
    let site = built();
    let home = page(&site, "index.html");
    assert!(
        home.contains("data: befolkning has 9 rows from SSB as of 2014-01-01; first: 0 Hele landet = 5109056"),
        "{home}"
    );
    assert!(home.contains("stat: 27\u{a0}028 | 4,6\u{a0}%"), "{home}");
    assert!(home.contains("plain data: post@example.org"));
}

#[test]
fn bar_lengths_are_proportional_to_the_values() {
    let site = built();
    let svg = &charts(&page(&site, "befolkning/index.html"))[0];
    let doc = roxmltree::Document::parse(svg).expect("xml");
    let root = doc.root_element();
    assert_eq!(root.attribute("role"), Some("img"));
    assert!(root.attribute("viewBox").is_some() && root.attribute("height").is_none(), "scales with its container");
    let desc = root.children().find(|n| n.has_tag_name("desc")).and_then(|n| n.text()).expect("desc");
    assert!(desc.contains("Høyest er 0 Hele landet med 12,8\u{a0}%, lavest 05 Oppland med 2,4\u{a0}%"), "{desc}");
    let bars: Vec<(f64, f64)> = root
        .descendants()
        .filter(|n| n.has_tag_name("rect"))
        .map(|rect| {
            let title = rect.children().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).expect("bar title");
            let value = parse_nb(title.rsplit(": ").next().expect("value"));
            (value, rect.attribute("width").and_then(|w| w.parse().ok()).expect("width"))
        })
        .collect();
    let expected = [12.8, 2.4, 8.5, 10.5, 5.8, 8.8, 6.3];
    assert_eq!(bars.iter().map(|(v, _)| *v).collect::<Vec<_>>(), expected);
    let ratio = bars[0].1 / bars[0].0;
    for (value, width) in &bars {
        assert!((width / value - ratio).abs() / ratio < 0.01, "{value} drawn {width} long");
    }
}

#[test]
fn line_points_follow_the_data_and_gaps_stay_gaps() {
    let site = built();
    let svgs = charts(&page(&site, "befolkning/index.html"));
    let oppland = roxmltree::Document::parse(&svgs[2]).expect("xml");
    let points: Vec<(f64, f64)> = oppland
        .descendants()
        .filter(|n| n.has_tag_name("circle"))
        .map(|c| {
            let title = c.children().find(|n| n.has_tag_name("title")).and_then(|n| n.text()).expect("title");
            (
                parse_nb(title.rsplit(": ").next().expect("value")),
                c.attribute("cy").and_then(|y| y.parse().ok()).expect("cy"),
            )
        })
        .collect();
    assert_eq!(points.len(), 65, "one point per year 1951–2015");
    assert_eq!(points[0].0, 160496.0);
    for pair in points.windows(2) {
        let ((a, ya), (b, yb)) = (pair[0], pair[1]);
        assert_eq!(a < b, ya > yb, "a higher value is drawn higher: {a} at {ya}, {b} at {yb}");
    }
    let ticks: Vec<String> = oppland
        .descendants()
        .filter(|n| n.has_tag_name("text") && n.attribute("text-anchor") == Some("middle"))
        .filter_map(|n| n.text().map(str::to_string))
        .collect();
    assert!(ticks.len() < 20 && ticks.last().map(String::as_str) == Some("2015"), "years are thinned: {ticks:?}");

    // Innlandet's small houses have no figures in 2022–2023: no line, and the words say so.
    let prices = roxmltree::Document::parse(&svgs[3]).expect("xml");
    let paths = prices.descendants().filter(|n| n.has_tag_name("path")).count();
    assert_eq!(paths, 2);
    let desc = prices.descendants().find(|n| n.has_tag_name("desc")).and_then(|n| n.text()).expect("desc");
    assert!(desc.contains("Innlandet, Småhus: tall mangler."), "{desc}");
}

#[test]
fn every_chart_has_a_title_a_description_and_its_numbers_as_a_table() {
    let site = built();
    for rel in ["befolkning/index.html", "en/population/index.html"] {
        let html = page(&site, rel);
        let svgs = charts(&html);
        assert_eq!(svgs.len(), 4, "{rel}");
        for (i, svg) in svgs.iter().enumerate() {
            let id = format!("chart-{}", i + 1);
            assert!(svg.contains(&format!("aria-labelledby=\"{id}-title {id}-desc\"")), "{rel} {id}");
            assert!(svg.contains(&format!("<title id=\"{id}-title\">")));
            assert!(svg.contains(&format!("<desc id=\"{id}-desc\">")));
            assert!(!svg.contains("<script"));
        }
        assert_eq!(html.matches("<details class=\"chart-numbers\">").count(), 4);
    }
}

#[test]
fn check_warns_about_data_older_than_its_max_age() {
    let site = Site::named("sites", "statistics");
    let config = site.read("site.yaml");
    site.write("site.yaml", &config.replace("    unit: personer\n", "    unit: personer\n    max_age_days: 400\n"));
    let out = site.command().args(["check", "--now", "2014-06-01"]).output().expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(!String::from_utf8_lossy(&out.stderr).contains("max_age_days"));
    let out = site.command().args(["check", "--now", "2026-11-26"]).output().expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: the data in `befolkning` is from 2014-01-01, 4712 days ago; its max_age_days is 400"),
        "{stderr}"
    );
    assert!(stderr.contains("--> data/befolkning.csv"), "{stderr}");
    let strict = site.command().args(["check", "--strict", "--now", "2026-11-26"]).output().expect("run");
    assert_eq!(strict.status.code(), Some(1));
}

#[test]
fn no_grid_line_or_axis_crosses_a_bar_s_name_and_codes_can_be_hidden() {
    let site = Site::named("sites", "statistics");
    let config = site.read("site.yaml");
    site.write("site.yaml", &config.replacen("    unit: personer\n", "    unit: personer\n    hide_codes: true\n", 1));
    site.write(
        "content/endring.md",
        "---\ntitle: Endring\n---\n{{ chart(table=\"befolkning\", rows=[\"0501\", \"0521 Øyer\", \"0522\"], cols=\"Vekst 2012\", title=\"Folkevekst 2012\") }}\n\n{{ table(table=\"befolkning\", rows=\"0522\", cols=\"Vekst 2012\") }}\n",
    );
    let out = site.command().arg("build").output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = page(&site, "endring/index.html");
    assert!(html.contains("<th scope=\"row\">Gausdal</th>"), "{html}");
    let svg = &charts(&html)[0];
    let doc = roxmltree::Document::parse(svg).expect("xml");
    let number = |node: roxmltree::Node, name: &str| -> f64 {
        node.attribute(name).and_then(|v| v.parse().ok()).unwrap_or_else(|| panic!("{name} of {node:?}"))
    };
    let texts: Vec<roxmltree::Node> = doc.descendants().filter(|n| n.has_tag_name("text")).collect();
    let names: Vec<&str> = texts.iter().filter_map(|t| t.text()).collect();
    for name in ["Lillehammer", "Øyer", "Gausdal"] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    assert!(!svg.contains("0501") && !svg.contains("0522"), "codes hidden: {svg}");
    // Every vertical segment of the grid and the zero axis, against the box of every name.
    let segments: Vec<(f64, f64, f64)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("path"))
        .filter_map(|n| n.attribute("d"))
        .flat_map(|d| d.split('M').filter(|s| !s.is_empty()).map(str::to_string).collect::<Vec<_>>())
        .map(|segment| {
            let (start, end) = segment.split_once('V').expect("vertical");
            let (x, y) = start.split_once(' ').expect("x y");
            (x.parse().expect("x"), y.parse().expect("y"), end.parse().expect("y2"))
        })
        .collect();
    assert!(segments.len() > 3, "{svg}");
    for text in texts.iter().filter(|t| ["Lillehammer", "Øyer", "Gausdal"].contains(&t.text().unwrap_or_default())) {
        let (x, baseline) = (number(*text, "x"), number(*text, "y"));
        let width = text.text().unwrap_or_default().chars().count() as f64 * 8.4;
        for (at, from, to) in &segments {
            let crosses = *at >= x && *at <= x + width && *from < baseline + 3.0 && *to > baseline - 15.0;
            assert!(!crosses, "a line at x={at} ({from}–{to}) crosses {:?}\n{svg}", text.text());
        }
    }
    // Gausdal's bar is negative: its value is written left of the bar.
    let gausdal = doc
        .descendants()
        .find(|n| n.has_tag_name("rect") && n.descendants().any(|c| c.text().is_some_and(|t| t.starts_with("Gausdal"))))
        .expect("Gausdal's bar");
    let value = texts.iter().find(|t| t.text() == Some("\u{2212}19")).expect("Gausdal's value");
    assert_eq!(value.attribute("text-anchor"), Some("end"));
    assert!(number(*value, "x") < number(gausdal, "x"), "{svg}");
}
