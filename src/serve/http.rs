//! The HTTP side of `serve`: files from the in-memory site, the live-reload script and its
//! event stream.

use std::convert::Infallible;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::Request;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tokio::sync::{broadcast, watch};
use tokio_stream::StreamExt as _;
use tokio_stream::wrappers::BroadcastStream;
use tower_http::set_header::SetResponseHeaderLayer;

use super::paths::{self, Wanted};
use super::snapshot::Snapshot;

const LIVE_SCRIPT: &str = include_str!("live.js");
const LIVE_PATH: &str = "/__regionprofil/live.js";
const EVENTS_PATH: &str = "/__regionprofil/events";

/// What the browser is told after a build.
#[derive(Clone, Debug)]
pub enum Notice {
    Reload,
    Stylesheets,
    Errors(Arc<str>),
}

#[derive(Clone)]
pub struct Shared {
    pub site: watch::Receiver<Snapshot>,
    pub notices: broadcast::Sender<Notice>,
    /// Host names answered besides loopback names and IP addresses (`--allow-host`).
    pub allowed_hosts: Arc<[String]>,
}

pub fn router(shared: Shared) -> Router {
    let allowed = shared.allowed_hosts.clone();
    Router::new()
        .route(LIVE_PATH, get(live_script))
        .route(EVENTS_PATH, get(events))
        .fallback(get(file))
        .with_state(shared)
        // A page of another site whose name was made to point here (DNS rebinding) must
        // not read the preview: only names the person serving chose are answered.
        .layer(axum::middleware::from_fn(move |request: Request, next: Next| {
            let allowed = allowed.clone();
            async move {
                let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok());
                match host {
                    Some(host) if !is_allowed_host(host, &allowed) => (
                        StatusCode::FORBIDDEN,
                        format!("this preview does not answer for the host `{host}`; start serve with --allow-host {host} to allow it"),
                    )
                        .into_response(),
                    _ => next.run(request).await,
                }
            }
        }))
        // A preview must never show yesterday's page from the browser's cache.
        .layer(SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static("no-store")))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
}

async fn live_script() -> Response {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], LIVE_SCRIPT).into_response()
}

async fn events(State(shared): State<Shared>) -> Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>> {
    let snapshot = shared.site.borrow().clone();
    let mut greeting = vec![Event::default().event("hello").data(snapshot.version.to_string())];
    if let Some(errors) = &snapshot.errors {
        greeting.push(Event::default().event("errors").data(errors.as_ref()));
    }
    // A client that falls behind (lagged) just gets the next notice; one that goes away
    // ends its stream and is dropped.
    let notices = BroadcastStream::new(shared.notices.subscribe()).filter_map(|notice| {
        Some(match notice.ok()? {
            Notice::Reload => Event::default().event("reload").data("reload"),
            Notice::Stylesheets => Event::default().event("css").data("css"),
            Notice::Errors(text) => Event::default().event("errors").data(text.as_ref()),
        })
    });
    let stream = tokio_stream::iter(greeting).chain(notices).map(Ok);
    Sse::new(stream).keep_alive(KeepAlive::default())
}

async fn file(State(shared): State<Shared>, uri: Uri) -> Response {
    let rel = match paths::decode(uri.path()) {
        Ok(rel) => rel,
        Err(refused) => return (StatusCode::BAD_REQUEST, refused.message).into_response(),
    };
    let snapshot = shared.site.borrow().clone();
    let files = &snapshot.files;
    let exists = |path: &str| files.contains_key(path) || snapshot.made_on_request(path).is_some();
    match paths::resolve(&rel, exists) {
        Some(Wanted::File(path)) => match files.get(&path) {
            Some(bytes) => respond(StatusCode::OK, &path, bytes, &snapshot),
            None => made_on_request(&path, &snapshot).await,
        },
        Some(Wanted::Folder(location)) => {
            let location = match uri.query() {
                Some(query) => format!("{location}?{query}"),
                None => location,
            };
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response()
        }
        None => match paths::not_found_page(&rel, files.keys().map(String::as_str)) {
            Some(page) => respond(StatusCode::NOT_FOUND, page, &files[page], &snapshot),
            None => respond(
                StatusCode::NOT_FOUND,
                "404.html",
                b"<!doctype html><title>Not found</title><p>Not found.",
                &snapshot,
            ),
        },
    }
}

/// A file made now because it was asked for: a photo's version that was not in the image
/// cache when the site was built (made there, so the next build publishes it), or a file
/// of the search index, made when a page first asks for one.
async fn made_on_request(path: &str, snapshot: &Snapshot) -> Response {
    let Some(job) = snapshot.made_on_request(path).cloned() else {
        return (StatusCode::NOT_FOUND, "Not found").into_response();
    };
    let wanted = path.to_string();
    let made = tokio::task::spawn_blocking(move || {
        let made = job.make()?;
        Ok::<_, String>(made.into_iter().find(|(rel, _)| *rel == wanted).map(|(_, bytes)| bytes))
    })
    .await;
    match made {
        Ok(Ok(Some(bytes))) => respond(StatusCode::OK, path, &bytes, snapshot),
        Ok(Ok(None)) => (StatusCode::NOT_FOUND, "Not found").into_response(),
        Ok(Err(e)) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{path} could not be made: {e}")).into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{path} could not be made: {e}")).into_response(),
    }
}

fn respond(status: StatusCode, path: &str, bytes: &[u8], snapshot: &Snapshot) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let textual = mime.type_() == "text" || matches!(mime.subtype().as_str(), "javascript" | "json" | "xml");
    let content_type = if textual { format!("{mime}; charset=utf-8") } else { mime.to_string() };
    let body = if mime.subtype() == "html" {
        Body::from(with_live_script(bytes, snapshot.version))
    } else {
        Body::from(bytes.to_vec())
    };
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

/// Whether a request's `Host` (a name or address, with or without a port) is one the
/// preview answers: `localhost` (and names under it), any IP address (a rebinding attack
/// needs a name), or a name in `allowed`.
pub fn is_allowed_host(host: &str, allowed: &[String]) -> bool {
    let host = host.trim().to_ascii_lowercase();
    let name = match host.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => host.rsplit_once(':').filter(|(_, port)| port.parse::<u16>().is_ok()).map_or(host.as_str(), |(n, _)| n),
    };
    let name = name.trim_end_matches('.');
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok()
        || allowed.iter().any(|a| a.trim_end_matches('.').eq_ignore_ascii_case(name))
}

/// The page with the live-reload script, before `</body>` (or at the end).
fn with_live_script(html: &[u8], version: u64) -> Vec<u8> {
    let tag = format!(r#"<script src="{LIVE_PATH}?v={version}"></script>"#);
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::{is_allowed_host, with_live_script};

    #[test]
    fn only_loopback_names_addresses_and_allowed_hosts_are_answered() {
        let allowed = ["preview.example".to_string()];
        for ok in
            ["localhost:1111", "127.0.0.1:1111", "[::1]:1111", "192.168.1.20", "app.localhost", "Preview.Example:80"]
        {
            assert!(is_allowed_host(ok, &allowed), "{ok}");
        }
        for refused in ["evil.example", "evil.example:1111", "localhost.evil.example", "127.0.0.1.evil.example"] {
            assert!(!is_allowed_host(refused, &allowed), "{refused}");
        }
    }

    #[test]
    fn the_script_goes_before_the_end_of_the_body() {
        let out = String::from_utf8(with_live_script(b"<body><p>x</p></body></html>", 3)).unwrap_or_default();
        assert_eq!(out, r#"<body><p>x</p><script src="/__regionprofil/live.js?v=3"></script></body></html>"#);
        let minified = String::from_utf8(with_live_script(b"<p>x", 1)).unwrap_or_default();
        assert!(minified.ends_with(r#"<p>x<script src="/__regionprofil/live.js?v=1"></script>"#));
    }
}
