//! Numbers, percentages, dates, sorting and plural forms the way each language writes them,
//! from CLDR through ICU4X's compiled data (no hand-written tables).
//!
//! One [`LocaleFormat`] per language is built once per build and shared by templates,
//! shortcodes and listings.

use std::cmp::Ordering;

use icu_collator::{Collator, CollatorBorrowed};
use icu_datetime::DateTimeFormatter;
use icu_datetime::fieldsets::{YMD, YMDE};
use icu_decimal::DecimalFormatter;
use icu_decimal::input::Decimal;
use icu_experimental::dimension::percent::formatter::PercentFormatter;
use icu_locale::Locale;
use icu_plurals::{PluralCategory, PluralRules};

/// Checks that `tag` is a BCP 47 locale ICU4X understands.
pub fn parse_locale(tag: &str) -> Result<Locale, String> {
    tag.parse::<Locale>().map_err(|e| format!("`{tag}` is not a BCP 47 locale: {e}"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateStyle {
    /// `torsdag 26. november 2026`
    Full,
    /// `26. november 2026`
    Long,
    /// `26. nov. 2026`
    Medium,
    /// `26.11.2026`
    Short,
}

impl DateStyle {
    pub fn parse(name: &str) -> Option<DateStyle> {
        match name {
            "full" => Some(DateStyle::Full),
            "long" => Some(DateStyle::Long),
            "medium" => Some(DateStyle::Medium),
            "short" => Some(DateStyle::Short),
            _ => None,
        }
    }
}

pub struct LocaleFormat {
    tag: String,
    decimal: DecimalFormatter,
    percent: PercentFormatter<DecimalFormatter>,
    dates: [DateTimeFormatter<YMD>; 3],
    full_date: DateTimeFormatter<YMDE>,
    collator: CollatorBorrowed<'static>,
    plurals: PluralRules,
}

impl std::fmt::Debug for LocaleFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "LocaleFormat({})", self.tag)
    }
}

impl LocaleFormat {
    pub fn new(tag: &str) -> Result<LocaleFormat, String> {
        let locale = parse_locale(tag)?;
        let prefs = (&locale).into();
        let fail = |what: &str, e: &dyn std::fmt::Display| format!("no CLDR {what} data for `{tag}`: {e}");
        Ok(LocaleFormat {
            tag: tag.to_string(),
            decimal: DecimalFormatter::try_new(prefs, Default::default()).map_err(|e| fail("number", &e))?,
            percent: PercentFormatter::try_new((&locale).into(), Default::default())
                .map_err(|e| fail("percent", &e))?,
            dates: [
                DateTimeFormatter::try_new((&locale).into(), YMD::long()).map_err(|e| fail("date", &e))?,
                DateTimeFormatter::try_new((&locale).into(), YMD::medium()).map_err(|e| fail("date", &e))?,
                DateTimeFormatter::try_new((&locale).into(), YMD::short()).map_err(|e| fail("date", &e))?,
            ],
            full_date: DateTimeFormatter::try_new((&locale).into(), YMDE::long()).map_err(|e| fail("date", &e))?,
            collator: Collator::try_new((&locale).into(), Default::default()).map_err(|e| fail("collation", &e))?,
            plurals: PluralRules::try_new_cardinal((&locale).into()).map_err(|e| fail("plural", &e))?,
        })
    }

    pub fn tag(&self) -> &str {
        &self.tag
    }

    /// `4478497` → nb `4 478 497` (no-break spaces), en `4,478,497`. With `decimals`, rounded
    /// half away from zero and padded (`12.8`, 2 → `12,80`); without, as many as the value has.
    pub fn number(&self, value: f64, decimals: Option<u32>) -> String {
        self.decimal.format(&to_decimal(value, decimals)).to_string()
    }

    /// A value in percent units: `12.8` → nb `12,8 %`, en `12.8%`.
    pub fn percent(&self, value: f64, decimals: Option<u32>) -> String {
        self.percent.format(&to_decimal(value, decimals)).to_string()
    }

    pub fn date(&self, date: jiff::civil::Date, style: DateStyle) -> String {
        let Ok(input) =
            icu_datetime::input::Date::try_new_iso(date.year().into(), date.month() as u8, date.day() as u8)
        else {
            return date.to_string();
        };
        match style {
            DateStyle::Full => self.full_date.format(&input).to_string(),
            DateStyle::Long => self.dates[0].format(&input).to_string(),
            DateStyle::Medium => self.dates[1].format(&input).to_string(),
            DateStyle::Short => self.dates[2].format(&input).to_string(),
        }
    }

    /// Orders text the way the language sorts it (Norwegian: … z, æ, ø, å).
    pub fn compare(&self, a: &str, b: &str) -> Ordering {
        self.collator.compare(a, b)
    }

    /// The bytes whose order is [`Self::compare`]'s order of the texts: made once per text,
    /// they spare a sort of many texts the collator's work on every comparison.
    pub fn sort_key(&self, text: &str) -> Vec<u8> {
        let mut key = Vec::with_capacity(text.len() * 2);
        // Writing into a Vec cannot fail.
        let _ = self.collator.write_sort_key_to(text, &mut key);
        key
    }

    /// The CLDR plural category of a count: `one`, `other`, …
    pub fn plural_category(&self, count: f64) -> &'static str {
        let operands = to_decimal(count, None);
        match self.plurals.category_for(&operands) {
            PluralCategory::Zero => "zero",
            PluralCategory::One => "one",
            PluralCategory::Two => "two",
            PluralCategory::Few => "few",
            PluralCategory::Many => "many",
            PluralCategory::Other => "other",
        }
    }
}

fn to_decimal(value: f64, decimals: Option<u32>) -> Decimal {
    use fixed_decimal::{SignedRoundingMode, UnsignedRoundingMode};

    // Rust's shortest round-trip form keeps what the data said (8.45 stays 8.45, not
    // 8.4499…), so rounding it half away from zero gives what a reader expects.
    let mut decimal = if value.is_finite() {
        Decimal::try_from_str(&format!("{value}")).unwrap_or_default()
    } else {
        Decimal::default()
    };
    if let Some(decimals) = decimals {
        let position = -(decimals.min(20) as i16);
        decimal.round_with_mode(position, SignedRoundingMode::Unsigned(UnsignedRoundingMode::HalfExpand));
        decimal.absolute.pad_end(position);
    }
    if decimal.absolute.is_zero() {
        // No "−0" after rounding a small negative number.
        decimal.sign = fixed_decimal::Sign::None;
    }
    decimal
}

/// The formats of every language of the site, indexed like `Config::languages`.
#[derive(Debug)]
pub struct Locales(Vec<LocaleFormat>);

impl Locales {
    pub fn new(tags: &[&str]) -> Result<Locales, String> {
        tags.iter().map(|tag| LocaleFormat::new(tag)).collect::<Result<Vec<_>, _>>().map(Locales)
    }

    pub fn get(&self, lang: usize) -> &LocaleFormat {
        &self.0[lang]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt(tag: &str) -> LocaleFormat {
        match LocaleFormat::new(tag) {
            Ok(f) => f,
            Err(e) => panic!("{e}"),
        }
    }

    #[test]
    fn numbers_follow_cldr_exactly() {
        let nb = fmt("nb");
        assert_eq!(nb.number(4478497.0, None), "4\u{a0}478\u{a0}497");
        assert_eq!(nb.number(-12.8, None), "\u{2212}12,8");
        assert_eq!(nb.percent(12.8, Some(1)), "12,8\u{a0}%");
        assert_eq!(fmt("en").number(4478497.0, None), "4,478,497");
        assert_eq!(fmt("en").percent(12.8, Some(1)), "12.8%");
        assert_eq!(fmt("de").number(4478497.0, None), "4.478.497");
        assert_eq!(fmt("de").percent(12.8, Some(1)), "12,8\u{a0}%");
    }

    #[test]
    fn rounding_is_half_away_from_zero_and_padded() {
        let en = fmt("en");
        assert_eq!(en.number(8.45, Some(1)), "8.5");
        assert_eq!(en.number(12.0, Some(2)), "12.00");
        assert_eq!(en.number(-0.04, Some(1)), "0.0");
        assert_eq!(en.number(2.5, Some(0)), "3");
    }

    #[test]
    fn dates_in_each_language() {
        let date = jiff::civil::date(2026, 11, 26);
        assert_eq!(fmt("nb").date(date, DateStyle::Long), "26. november 2026");
        assert_eq!(fmt("en-GB").date(date, DateStyle::Long), "26 November 2026");
        assert_eq!(fmt("nb").date(date, DateStyle::Short), "26.11.2026");
        assert_eq!(fmt("nb").date(date, DateStyle::Full), "torsdag 26. november 2026");
    }

    #[test]
    fn norwegian_sorts_ae_o_a_after_z() {
        let nb = fmt("nb");
        let mut words = vec!["Åfjord", "Øyer", "Zebra", "Ærøy", "apple"];
        words.sort_by(|a, b| nb.compare(a, b));
        assert_eq!(words, ["apple", "Zebra", "Ærøy", "Øyer", "Åfjord"]);
    }

    #[test]
    fn sort_keys_order_texts_as_the_collator_does() {
        let words =
            ["Åfjord", "Øyer", "øyer", "Zebra", "Ærøy", "apple", "Apple", "élan", "elan", "Side 10", "Side 9", ""];
        for locale in ["nb", "en-GB"] {
            let fmt = fmt(locale);
            for a in words {
                for b in words {
                    assert_eq!(fmt.sort_key(a).cmp(&fmt.sort_key(b)), fmt.compare(a, b), "{locale}: {a} against {b}");
                }
            }
        }
    }

    #[test]
    fn plural_categories() {
        let nb = fmt("nb");
        assert_eq!(nb.plural_category(1.0), "one");
        assert_eq!(nb.plural_category(3.0), "other");
    }
}
