//! One download: a GET with a User-Agent that names regionprofil, a conditional request
//! when the last answer had an ETag or Last-Modified, timeouts, a bounded number of retries
//! with backoff (honouring Retry-After), a redirect limit, and a size limit while the body
//! streams to disk.

use std::io::Read;
use std::time::Duration;

use crate::whole_file::Partial;

/// What a fetch may take.
#[derive(Clone, Debug)]
pub struct Limits {
    /// For the whole answer, from connecting to the last byte.
    pub timeout: Duration,
    /// Tries after the first, for timeouts, lost connections, 429 and 5xx answers.
    pub retries: u32,
    /// The first wait between tries, doubled each time (unless the server says
    /// Retry-After).
    pub backoff: Duration,
    /// The longest wait a Retry-After may ask for.
    pub max_wait: Duration,
    /// The largest body read; a larger one is a runaway answer.
    pub max_bytes: u64,
    pub max_redirects: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            timeout: Duration::from_secs(60),
            retries: 3,
            backoff: Duration::from_secs(2),
            max_wait: Duration::from_secs(120),
            max_bytes: 50 * 1024 * 1024,
            max_redirects: 5,
        }
    }
}

/// What the server answered.
#[derive(Debug)]
pub enum Answer {
    /// 304: the file is as it was.
    Unchanged,
    /// The body is in the partial file it was streamed to.
    Body { etag: Option<String>, last_modified: Option<String> },
}

/// Why a download failed: the status when there was one, and the reason.
#[derive(Debug)]
pub struct Failure {
    pub status: Option<u16>,
    pub reason: String,
}

/// A sentence about the failure: "answered 500 Internal Server Error (after 4 tries)".
impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.status {
            Some(status) => write!(f, "answered {status}: {}", self.reason),
            None => f.write_str(&self.reason),
        }
    }
}

pub struct Client {
    agent: ureq::Agent,
    limits: Limits,
}

impl Client {
    pub fn new(limits: Limits) -> Client {
        let agent = ureq::Agent::config_builder()
            .timeout_global(Some(limits.timeout))
            .max_redirects(limits.max_redirects)
            .http_status_as_error(false)
            .user_agent(format!("regionprofil/{} (static site generator; data fetch)", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        Client { agent, limits }
    }

    /// GETs `url` into `body`, asking "changed since?" with `etag` and `last_modified`
    /// when given.
    pub fn get(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        body: &mut Partial,
    ) -> Result<Answer, Failure> {
        let mut tries = 0;
        loop {
            tries += 1;
            match self.try_once(url, etag, last_modified, body) {
                Ok(answer) => return Ok(answer),
                Err(Attempt::Final(failure)) => return Err(failure),
                Err(Attempt::Again { failure, .. }) if tries > self.limits.retries => {
                    let reason = format!("{} (after {tries} tries)", failure.reason);
                    return Err(Failure { reason, ..failure });
                }
                Err(Attempt::Again { wait, .. }) => {
                    let backoff = self.limits.backoff * 2u32.saturating_pow(tries - 1);
                    std::thread::sleep(wait.unwrap_or(backoff).min(self.limits.max_wait));
                }
            }
        }
    }

    fn try_once(
        &self,
        url: &str,
        etag: Option<&str>,
        last_modified: Option<&str>,
        body: &mut Partial,
    ) -> Result<Answer, Attempt> {
        let mut request = self.agent.get(url);
        if let Some(etag) = etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(last_modified) = last_modified {
            request = request.header("If-Modified-Since", last_modified);
        }
        let mut response = request.call().map_err(|e| match e {
            ureq::Error::Timeout(_) | ureq::Error::Io(_) | ureq::Error::ConnectionFailed => {
                Attempt::Again { failure: Failure { status: None, reason: e.to_string() }, wait: None }
            }
            other => Attempt::Final(Failure { status: None, reason: other.to_string() }),
        })?;
        let status = response.status();
        let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        if status.as_u16() == 304 {
            return Ok(Answer::Unchanged);
        }
        if !status.is_success() {
            let failure = Failure {
                status: Some(status.as_u16()),
                reason: status.canonical_reason().unwrap_or("an error").to_string(),
            };
            let retry = status.as_u16() == 429 || status.is_server_error();
            let wait = header("retry-after").and_then(|s| s.trim().parse::<u64>().ok()).map(Duration::from_secs);
            return Err(if retry { Attempt::Again { failure, wait } } else { Attempt::Final(failure) });
        }
        let (etag, last_modified) = (header("etag"), header("last-modified"));
        let limit = self.limits.max_bytes;
        let broke_off =
            |e: std::io::Error| Failure { status: Some(status.as_u16()), reason: format!("the answer broke off: {e}") };
        body.restart().map_err(|e| Attempt::Final(broke_off(e)))?;
        let copied = std::io::copy(&mut response.body_mut().as_reader().take(limit + 1), body)
            .map_err(|e| Attempt::Again { failure: broke_off(e), wait: None })?;
        if copied > limit {
            return Err(Attempt::Final(Failure {
                status: Some(status.as_u16()),
                reason: format!("the answer is larger than {} MB, the most regionprofil reads", limit / 1024 / 1024),
            }));
        }
        Ok(Answer::Body { etag, last_modified })
    }
}

/// One try's failure: worth another try (after `wait`, if the server said), or not.
enum Attempt {
    Again { failure: Failure, wait: Option<Duration> },
    Final(Failure),
}
