//! Words as the index and the browser both see them.
//!
//! A word is a run of letters and digits, lower-cased. Its *term* is its stem, folded:
//! Snowball's stemmer for the language — for Norwegian, Danish and Swedish applied until
//! the word stops changing (one pass stems `sykepleiere` to `sykepleier` but `sykepleier`
//! to `sykeplei`; two meet) — then
//! folded so that a word typed without Norwegian keys meets the word as written: `ø` → `o`,
//! `æ` → `ae`, accents dropped (`é` → `e`, `å` → `a`), and `aa` → `a` (`aapen`, `apen` and
//! `åpen` are one word). `search.js` folds a query the same way, with the same table.

use icu_normalizer::DecomposingNormalizerBorrowed;
use rust_stemmers::{Algorithm, Stemmer};

/// Letters folded by hand: those NFD does not take apart into a letter and its accent.
const FOLDED_LETTERS: [(char, &str); 9] =
    [('ø', "o"), ('æ', "ae"), ('ß', "ss"), ('œ', "oe"), ('đ', "d"), ('ð', "d"), ('þ', "th"), ('ł', "l"), ('ı', "i")];

/// The stemmer of a `search` language (the list is `config::STEMMER_LANGUAGES`).
fn stemmer(search: &str) -> Option<Algorithm> {
    Some(match search {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "en" => Algorithm::English,
        "es" => Algorithm::Spanish,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "nl" => Algorithm::Dutch,
        "no" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// The Scandinavian stemmers take one suffix off a word whose suffixes stack (agent noun,
/// plural, definite: `sykepleier-e-ne`); they are applied until the word stops changing.
/// Porter's English and the others are made to be applied once: a second pass over-stems
/// (`nurse` → `nurs` → `nur`).
const STACKED_SUFFIXES: [&str; 3] = ["da", "no", "sv"];

/// Turns words into terms for one language.
pub struct Analyzer {
    stemmer: Option<Stemmer>,
    passes: usize,
}

impl Analyzer {
    /// The analyzer for a `search` identifier; one without a stemmer only folds.
    pub fn new(search: &str) -> Analyzer {
        let algorithm = stemmer(search);
        // Four passes reach every fixpoint seen in practice and bound the work on a hostile
        // word.
        let passes = if STACKED_SUFFIXES.contains(&search) { 4 } else { 1 };
        Analyzer { stemmer: algorithm.map(Stemmer::create), passes }
    }

    /// The term of a lower-cased word: its stem, folded.
    pub fn term(&self, word: &str) -> String {
        let Some(stemmer) = self.stemmer.as_ref().filter(|_| !word.bytes().all(|b| b.is_ascii_digit())) else {
            return fold(word);
        };
        let mut stem = word.to_string();
        for _ in 0..self.passes {
            let next = stemmer.stem(&stem);
            if next == stem {
                break;
            }
            stem = next.into_owned();
        }
        fold(&stem)
    }

    /// Each group of synonyms as terms (`[barnehage, barnepass]` → `[barnehag, barnepass]`),
    /// for the browser to take one for another. A group whose words meet at one term adds
    /// nothing and is left out.
    pub fn synonyms(&self, groups: &[Vec<String>]) -> Vec<Vec<String>> {
        let group_terms = |group: &Vec<String>| {
            let mut terms: Vec<String> = Vec::new();
            for entry in group {
                for_each_word(entry, |word| terms.push(self.term(word)));
            }
            terms.sort();
            terms.dedup();
            (terms.len() > 1).then_some(terms)
        };
        groups.iter().filter_map(group_terms).collect()
    }
}

/// Calls `each` with every word of `text`, lower-cased: runs of letters and digits
/// (Unicode's) of two characters or more. A word already in lower case is lent as it
/// stands; others are lowered into one buffer, reused.
pub fn for_each_word(text: &str, mut each: impl FnMut(&str)) {
    let bytes = text.as_bytes();
    let mut lowered = String::new();
    let mut at = 0;
    while at < bytes.len() {
        // ASCII a byte at a time; other characters decoded.
        let (start, mut chars, mut ascii, mut upper) = (at, 0, true, false);
        while at < bytes.len() {
            let byte = bytes[at];
            if byte.is_ascii() {
                if !byte.is_ascii_alphanumeric() {
                    break;
                }
                upper |= byte.is_ascii_uppercase();
                at += 1;
            } else {
                let c = text[at..].chars().next().unwrap_or_default();
                if !c.is_alphanumeric() {
                    break;
                }
                ascii = false;
                upper |= c.is_uppercase();
                at += c.len_utf8();
            }
            chars += 1;
        }
        if chars >= 2 {
            let word = &text[start..at];
            if upper {
                lowered.clear();
                if ascii {
                    lowered.push_str(word);
                    lowered.make_ascii_lowercase();
                } else {
                    // As a whole word, for the rules that depend on the letters around
                    // (a final Σ is ς), as the browser lowers it.
                    lowered.push_str(&word.to_lowercase());
                }
                each(&lowered);
            } else {
                each(word);
            }
        }
        // Past the separator that ended the word (or the one at `at`).
        if chars == 0 || at < bytes.len() {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
        }
    }
}

/// A lower-cased word folded to the letters a keyboard without `æøå` types.
pub fn fold(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    if word.is_ascii() {
        out.push_str(word);
    } else {
        let mut by_hand = String::with_capacity(word.len());
        for c in word.chars() {
            match FOLDED_LETTERS.iter().find(|(letter, _)| *letter == c) {
                Some((_, ascii)) => by_hand.push_str(ascii),
                None => by_hand.push(c),
            }
        }
        let decomposed = DecomposingNormalizerBorrowed::new_nfd().normalize(&by_hand);
        out.extend(decomposed.chars().filter(|c| !('\u{300}'..='\u{36f}').contains(c)));
    }
    // `aa` is how `å` was written before 1917 and how it is typed without the key.
    while out.contains("aa") {
        out = out.replace("aa", "a");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn norwegian_letters_fold_to_what_a_foreign_keyboard_types() {
        assert_eq!(fold("øyer"), "oyer");
        assert_eq!(fold("åpen"), "apen");
        assert_eq!(fold("aapen"), "apen");
        assert_eq!(fold("blæstad"), "blaestad");
        assert_eq!(fold("café"), "cafe");
        assert_eq!(fold("straße"), "strasse");
        assert_eq!(fold("aaa"), "a");
    }

    #[test]
    fn inflected_forms_meet_at_one_term() {
        let no = Analyzer::new("no");
        assert_eq!(no.term("sykepleiere"), no.term("sykepleier"));
        assert_eq!(no.term("barnehagene"), no.term("barnehage"));
        assert_eq!(no.term("øyer"), "oyer");
        let en = Analyzer::new("en");
        assert_eq!(en.term("nurses"), en.term("nurse"));
        assert_eq!(en.term("housing"), en.term("houses"));
        assert_eq!(en.term("nurse"), "nurs");
    }

    #[test]
    fn every_search_language_the_configuration_accepts_has_a_stemmer() {
        for name in crate::config::STEMMER_LANGUAGES {
            assert!(stemmer(name).is_some(), "{name}");
        }
    }

    #[test]
    fn a_language_without_a_stemmer_only_folds() {
        assert_eq!(Analyzer::new("xx").term("sykepleiere"), "sykepleiere");
    }

    #[test]
    fn words_are_runs_of_letters_and_digits() {
        let mut found = Vec::new();
        for_each_word("Jobb i Øyer: 2 sykepleiere, 100 %! <script>ÅPEN", |w| found.push(w.to_string()));
        assert_eq!(found, ["jobb", "øyer", "sykepleiere", "100", "script", "åpen"]);
        // The same words as splitting at every character that is not a letter or a digit.
        let text = "Ærlig talt – «Sykepleiere» i Øyer/Gausdal, 2 000 kr … x1 ÿ ab\u{301}c";
        let mut split: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| w.chars().count() >= 2)
            .map(str::to_lowercase)
            .collect();
        let mut ours = Vec::new();
        for_each_word(text, |w| ours.push(w.to_string()));
        assert_eq!(ours, std::mem::take(&mut split));
    }

    #[test]
    fn synonyms_are_terms_and_a_group_of_one_term_is_dropped() {
        let no = Analyzer::new("no");
        let groups =
            |words: &[&[&str]]| words.iter().map(|g| g.iter().map(|w| w.to_string()).collect()).collect::<Vec<_>>();
        assert_eq!(
            no.synonyms(&groups(&[&["Barnehage", "barnepass"], &["bolig", "boliger"]])),
            [["barnehag".to_string(), "barnepass".to_string()]]
        );
    }

    #[test]
    fn numbers_are_not_stemmed() {
        assert_eq!(Analyzer::new("en").term("2026"), "2026");
    }
}
