//! `check --external`: do the links to other sites answer? The only module that uses the
//! network; it runs only when asked.
//!
//! Each address is asked once (HEAD, then GET when HEAD is refused), several at a time,
//! following redirects. A link that answers an error status, or cannot be reached, is a
//! warning at every place it is written.

use std::collections::BTreeMap;
use std::time::Duration;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Diagnostics};
use crate::markdown::ExternalLink;

const PARALLEL_REQUESTS: usize = 8;
const TIMEOUT: Duration = Duration::from_secs(15);

pub fn check(links: &[ExternalLink]) -> Diagnostics {
    let mut by_url: BTreeMap<&str, Vec<&ExternalLink>> = BTreeMap::new();
    for link in links {
        by_url.entry(strip_fragment(&link.url)).or_default().push(link);
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(TIMEOUT))
        .http_status_as_error(false)
        .user_agent(concat!("regionprofil/", env!("CARGO_PKG_VERSION"), " (link check)"))
        .build()
        .into();
    let urls: Vec<&str> = by_url.keys().copied().collect();
    let answers: Vec<Option<String>> = match rayon::ThreadPoolBuilder::new().num_threads(PARALLEL_REQUESTS).build() {
        Ok(pool) => pool.install(|| urls.par_iter().map(|url| problem(&agent, url)).collect()),
        Err(_) => urls.iter().map(|url| problem(&agent, url)).collect(),
    };
    let mut diags = Diagnostics::new();
    for (url, problem) in urls.iter().zip(answers) {
        let Some(problem) = problem else { continue };
        for link in &by_url[url] {
            diags.push(
                Diagnostic::warning(format!("the link to {} {problem}", link.url))
                    .at(link.at.clone())
                    .hint("fix or remove the link; the page it pointed at may have moved"),
            );
        }
    }
    diags
}

fn strip_fragment(url: &str) -> &str {
    url.split('#').next().unwrap_or(url)
}

/// `None` when the address answers with success, else what went wrong.
fn problem(agent: &ureq::Agent, url: &str) -> Option<String> {
    let status = match agent.head(url).call() {
        Ok(response) if matches!(response.status().as_u16(), 405 | 501) => agent.get(url).call().map(|r| r.status()),
        other => other.map(|r| r.status()),
    };
    match status {
        Ok(status) if status.is_success() => None,
        Ok(status) => Some(format!("answers {} {}", status.as_u16(), status.canonical_reason().unwrap_or(""))),
        Err(e) => Some(format!("cannot be reached: {e}")),
    }
}
