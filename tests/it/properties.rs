//! Properties that hold for every input, not only the examples: slugs, base URLs and the
//! URLs made from them, and locale number formatting.

use proptest::prelude::*;
use regionprofil::config::BaseUrl;
use regionprofil::locale::LocaleFormat;
use regionprofil::slug::slugify;

fn is_slug(s: &str) -> bool {
    s.is_empty()
        || (s
            .split('-')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())))
}

/// Undoes a locale's number formatting: group separators out, its minus and decimal
/// separator made ASCII.
fn unformat(text: &str, group: char, decimal: char) -> String {
    text.chars()
        .filter(|c| *c != group)
        .map(|c| match c {
            '\u{2212}' => '-',
            c if c == decimal => '.',
            c => c,
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn slugs_are_lowercase_ascii_words_joined_by_single_dashes(text in any::<String>()) {
        let slug = slugify(&text);
        prop_assert!(is_slug(&slug), "{text:?} → {slug:?}");
        prop_assert_eq!(slugify(&slug), slug.clone(), "slugify is idempotent");
    }

    #[test]
    fn norwegian_letters_survive_in_slugs(word in "[a-zæøåA-ZÆØÅ]{1,12}( [a-zæøå]{1,12}){0,3}") {
        let slug = slugify(&word);
        prop_assert!(!slug.is_empty());
        prop_assert!(is_slug(&slug));
    }

    #[test]
    fn base_urls_round_trip_and_make_urls_under_their_prefix(
        host in "[a-z][a-z0-9]{0,10}(\\.[a-z]{2,5}){1,2}",
        segments in proptest::collection::vec("[a-z0-9æøå-]{1,8}", 0..4),
        trailing_slash in any::<bool>(),
        rel in proptest::collection::vec("[a-z0-9-]{1,8}", 0..4),
    ) {
        let mut text = format!("https://{host}/{}", segments.join("/"));
        if trailing_slash && !segments.is_empty() {
            text.push('/');
        }
        let base = BaseUrl::parse(&text).expect("a valid base URL");
        prop_assert!(base.prefix.starts_with('/') && base.prefix.ends_with('/'), "{:?}", base.prefix);
        prop_assert_eq!(BaseUrl::parse(&base.as_string()).expect("round trip"), base.clone());

        let rel: String = rel.iter().map(|s| format!("{s}/")).collect();
        let url = base.url_of(&rel);
        let parsed = url::Url::parse(&url).expect("a URL");
        prop_assert_eq!(parsed.host_str(), Some(host.as_str()));
        prop_assert!(parsed.path().starts_with(&base.prefix), "{url} is under {}", base.prefix);
        prop_assert!(parsed.path().ends_with(&rel), "{url} ends with {rel}");
    }

    #[test]
    fn base_urls_with_queries_fragments_or_other_schemes_are_refused(
        host in "[a-z]{1,8}\\.no",
        tail in prop_oneof![Just("?a=1"), Just("#top"), Just("?")],
        scheme in prop_oneof![Just("https"), Just("ftp"), Just("file")],
    ) {
        let text = format!("{scheme}://{host}/{tail}");
        prop_assert!(BaseUrl::parse(&text).is_err(), "{text} was accepted");
    }

    #[test]
    fn whole_numbers_read_back_in_every_language(n in -999_999_999_999_999i64..999_999_999_999_999) {
        for (tag, group, decimal) in [("nb", '\u{a0}', ','), ("en-GB", ',', '.'), ("de", '.', ',')] {
            let format = LocaleFormat::new(tag).expect("a locale");
            let text = format.number(n as f64, Some(0));
            let allowed = |c: char| c.is_ascii_digit() || c == group || c == '-' || c == '\u{2212}';
            prop_assert!(text.chars().all(allowed), "{tag}: {n} → {text:?}");
            prop_assert_eq!(unformat(&text, group, decimal).parse::<i64>().ok(), Some(n), "{}: {:?}", tag, text);
            // Groups of three digits after the first.
            if let Some((_, rest)) = text.split_once(group) {
                prop_assert!(rest.split(group).all(|g| g.len() == 3), "{tag}: {text:?}");
            }
        }
    }

    #[test]
    fn decimals_round_to_what_was_asked(x in -1.0e9f64..1.0e9, decimals in 0u32..4) {
        for (tag, group, decimal) in [("nb", '\u{a0}', ','), ("en-GB", ',', '.')] {
            let format = LocaleFormat::new(tag).expect("a locale");
            let text = format.number(x, Some(decimals));
            let back: f64 = unformat(&text, group, decimal).parse().expect("a number");
            let step = 10f64.powi(-(decimals as i32));
            prop_assert!((back - x).abs() <= step / 2.0 + 1e-6, "{tag}: {x} with {decimals} → {text:?}");
            let written = text.split_once(decimal).map_or(0, |(_, d)| d.len());
            prop_assert_eq!(written as u32, decimals, "{}: {:?}", tag, text);
        }
    }
}
