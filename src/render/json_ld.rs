//! schema.org JSON-LD for pages with `job:` (JobPosting) or `event:` (Event), written so it
//! can sit inside `<script type="application/ld+json">` whatever the text contains.

use std::hash::{Hash, Hasher};

use serde::Serialize;
use serde_json::{Value, json};

use super::values::Markup;
use crate::content::Job;
use crate::content::front_matter::EmploymentType;
use crate::dates::rfc3339;
use crate::html::script_safe;
use crate::site::{Doc, Site};

pub fn for_doc(site: &Site, doc: &Doc) -> Option<String> {
    let zone = &site.config.time_zone;
    let value = if let Some(job) = doc.meta.job.as_deref() {
        job_posting(site, doc, job)
    } else if let Some(event) = doc.meta.event.as_deref() {
        let mut value = json!({
            "@context": "https://schema.org",
            "@type": "Event",
            "name": doc.meta.title,
            "startDate": rfc3339(event.start.start(zone), zone),
            "endDate": rfc3339(event.end.end(zone), zone),
            "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
            "location": { "@type": "Place", "name": event.location, "address": event.location },
            "url": event.url.clone().unwrap_or_else(|| site.url_of(&doc.rel)),
            "inLanguage": site.config.languages[doc.text_lang].locale,
        });
        if let Some(description) = &doc.meta.description {
            value["description"] = json!(description);
        }
        value
    } else {
        return None;
    };
    Some(script_safe(&value))
}

/// `BreadcrumbList` from the home page down to `doc`; `WebSite` for a home page. Every page
/// has one, so it is written from borrowed fields rather than built as a JSON value.
pub fn navigation(site: &Site, doc: &Doc) -> String {
    let language = &site.config.languages[doc.lang];
    if is_home(doc) {
        return script_safe(&WebSite {
            context: SCHEMA_ORG,
            kind: "WebSite",
            name: &language.title,
            url: site.url_of(&doc.rel),
            in_language: &language.locale,
            description: doc.meta.description.as_deref().unwrap_or(&language.description),
        });
    }
    let mut chain: Vec<&Doc> = site.upward(doc).collect();
    chain.reverse();
    let items = chain
        .iter()
        .enumerate()
        .map(|(i, d)| ListItem { kind: "ListItem", position: i + 1, name: &d.meta.title, item: site.url_of(&d.rel) })
        .collect();
    script_safe(&BreadcrumbList { context: SCHEMA_ORG, kind: "BreadcrumbList", items })
}

/// A page's [`navigation`], made only when the page is rendered. It hashes as what it is
/// made from, so that a page's extras can be compared with the last build's without
/// writing it (most pages of a `serve` rebuild are not rendered).
pub struct Navigation<'a> {
    site: &'a Site,
    doc: &'a Doc,
}

impl<'a> Navigation<'a> {
    pub fn new(site: &'a Site, doc: &'a Doc) -> Navigation<'a> {
        Navigation { site, doc }
    }
}

impl Hash for Navigation<'_> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        let (site, doc) = (self.site, self.doc);
        // Every URL in it starts with these.
        (&site.config.base_url.origin, &site.config.base_url.prefix).hash(state);
        if is_home(doc) {
            let language = &site.config.languages[doc.lang];
            (true, &doc.rel, &language.title, &language.locale, &language.description, &doc.meta.description)
                .hash(state);
        } else {
            false.hash(state);
            for d in site.upward(doc) {
                (&d.meta.title, &d.rel).hash(state);
            }
        }
    }
}

impl From<Navigation<'_>> for tera::Value {
    fn from(navigation: Navigation<'_>) -> tera::Value {
        Markup(self::navigation(navigation.site, navigation.doc)).into()
    }
}

fn is_home(doc: &Doc) -> bool {
    doc.key == "_index.md"
}

const SCHEMA_ORG: &str = "https://schema.org";

#[derive(Serialize)]
struct WebSite<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    name: &'a str,
    url: String,
    #[serde(rename = "inLanguage")]
    in_language: &'a str,
    description: &'a str,
}

#[derive(Serialize)]
struct BreadcrumbList<'a> {
    #[serde(rename = "@context")]
    context: &'static str,
    #[serde(rename = "@type")]
    kind: &'static str,
    #[serde(rename = "itemListElement")]
    items: Vec<ListItem<'a>>,
}

#[derive(Serialize)]
struct ListItem<'a> {
    #[serde(rename = "@type")]
    kind: &'static str,
    position: usize,
    name: &'a str,
    item: String,
}

fn job_posting(site: &Site, doc: &Doc, job: &Job) -> Value {
    // The last day to apply lasts to its end in the region: valid until the next midnight.
    let zone = &site.config.time_zone;
    let mut value = json!({
        "@context": "https://schema.org",
        "@type": "JobPosting",
        "title": doc.meta.title,
        "description": doc.meta.description.clone().unwrap_or_else(|| doc.meta.title.clone()),
        "hiringOrganization": { "@type": "Organization", "name": job.employer },
        "jobLocation": {
            "@type": "Place",
            "address": { "@type": "PostalAddress", "addressLocality": job.location, "addressCountry": "NO" }
        },
        "employmentType": employment_type(job.employment_type),
        "validThrough": rfc3339(job.valid_through.end(zone), zone),
        "url": site.url_of(&doc.rel),
        "directApply": false,
        "inLanguage": site.config.languages[doc.text_lang].locale,
    });
    if let Some(date) = &doc.meta.date {
        value["datePosted"] = json!(rfc3339(date.start(zone), zone));
    }
    if let Some(salary) = &job.salary {
        let mut amount = json!({ "@type": "QuantitativeValue", "unitText": salary.unit });
        if let Some(min) = &salary.min {
            amount["minValue"] = json!(min);
        }
        if let Some(max) = &salary.max {
            amount["maxValue"] = json!(max);
        }
        value["baseSalary"] = json!({ "@type": "MonetaryAmount", "currency": salary.currency, "value": amount });
    }
    value
}

fn employment_type(kind: EmploymentType) -> Value {
    serde_json::to_value(kind).unwrap_or(Value::Null)
}
