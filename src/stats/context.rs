//! What a built-in shortcode knows about the page it is in.

use crate::data::DataSet;
use crate::i18n::{Arg, I18n};
use crate::ids::LangId;
use crate::locale::LocaleFormat;

/// What a built-in shortcode needs to know about the page it is in.
pub struct StatsContext<'a> {
    pub data: &'a DataSet,
    pub locale: &'a LocaleFormat,
    pub i18n: &'a I18n,
    pub lang: LangId,
    /// The language's key, for translated row and column labels.
    pub lang_key: &'a str,
    /// Which call of this shortcode in the page (for unique ids).
    pub nth: usize,
    /// The site's time zone, whose days dates are.
    pub zone: &'a jiff::tz::TimeZone,
}

impl StatsContext<'_> {
    /// A built-in UI string in the page's language.
    pub(crate) fn ui(&self, key: &str, args: &[(&str, Arg)]) -> String {
        self.i18n.text(key, self.lang, self.locale, args)
    }
}
