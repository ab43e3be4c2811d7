//! Slugs for URLs and heading ids: lower case ASCII, `æ`→`ae`, `ø`→`o`, `å`→`a`, other
//! letters folded to their closest ASCII, everything else a single `-`.

pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_dash = false;
    for ch in text.chars() {
        let folded: &str = match ch {
            'æ' | 'Æ' => "ae",
            'ø' | 'Ø' => "o",
            'å' | 'Å' => "a",
            c if c.is_ascii() => {
                push_ascii(&mut out, c, &mut pending_dash);
                continue;
            }
            c => deunicode::deunicode_char(c).unwrap_or("-"),
        };
        for c in folded.chars() {
            push_ascii(&mut out, c, &mut pending_dash);
        }
    }
    out
}

fn push_ascii(out: &mut String, c: char, pending_dash: &mut bool) {
    if c.is_ascii_alphanumeric() {
        if *pending_dash && !out.is_empty() {
            out.push('-');
        }
        *pending_dash = false;
        out.push(c.to_ascii_lowercase());
    } else {
        *pending_dash = true;
    }
}

#[cfg(test)]
mod tests {
    use super::slugify;

    #[test]
    fn norwegian_letters_fold_as_the_format_says() {
        assert_eq!(slugify("Lønn og vilkår"), "lonn-og-vilkar");
        assert_eq!(slugify("Øyer"), "oyer");
        assert_eq!(slugify("Blæstad"), "blaestad");
        assert_eq!(slugify("ÆØÅ æøå"), "aeoa-aeoa");
    }

    #[test]
    fn punctuation_and_spaces_become_single_dashes() {
        assert_eq!(slugify("  Jobb: sykepleier (50 %) "), "jobb-sykepleier-50");
        assert_eq!(slugify("Café Münster"), "cafe-munster");
        assert_eq!(slugify("a--b__c"), "a-b-c");
        assert_eq!(slugify("!!!"), "");
    }
}
