//! How much a term says about a page, as one small number stored in the index.
//!
//! Each field counts with its weight, and repeats in a field count less and less (BM25's
//! saturation; the body's also shrinks with the body's length), so a word once in the
//! title outweighs the same word twenty times in the body. Section pages count a little
//! less than pages, so a job comes before the listing that links to it. The browser
//! multiplies the number by the term's rarity.

use super::collect::{Counts, FIELDS, WEIGHTS};

/// BM25's `k1`: how fast repeats stop adding.
const SATURATION: f32 = 1.2;
/// BM25's `b`: how much a long body dilutes a word in it.
const LENGTH_NORMALISATION: f32 = 0.75;
const SECTION_FACTOR: f32 = 0.6;
const BODY: usize = FIELDS - 1;

/// The stored score, 1 to 255.
pub fn score(counts: &Counts, body_words: usize, average_body_words: f32, is_section: bool) -> u8 {
    let mut total = 0.0;
    for (field, &count) in counts.iter().enumerate() {
        if count == 0 {
            continue;
        }
        let count = f32::from(count);
        let norm = if field == BODY && average_body_words > 0.0 {
            1.0 - LENGTH_NORMALISATION + LENGTH_NORMALISATION * body_words as f32 / average_body_words
        } else {
            1.0
        };
        total += WEIGHTS[field] * count * (SATURATION + 1.0) / (count + SATURATION * norm);
    }
    if is_section {
        total *= SECTION_FACTOR;
    }
    (total * 4.0).round().clamp(1.0, 255.0) as u8
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::collect::Field;

    fn counts(field: Field, n: u16) -> Counts {
        let mut c = Counts::default();
        c[field as usize] = n;
        c
    }

    #[test]
    fn a_word_in_the_title_outweighs_it_many_times_in_the_body() {
        let title = score(&counts(Field::Title, 1), 100, 100.0, false);
        let body = score(&counts(Field::Body, 30), 100, 100.0, false);
        assert!(title > body, "{title} ≤ {body}");
    }

    #[test]
    fn a_page_outweighs_a_section_with_the_same_words() {
        let c = counts(Field::Title, 1);
        assert!(score(&c, 10, 10.0, false) > score(&c, 10, 10.0, true));
    }

    #[test]
    fn a_long_body_dilutes_its_words() {
        let c = counts(Field::Body, 2);
        assert!(score(&c, 50, 200.0, false) > score(&c, 800, 200.0, false));
    }
}
