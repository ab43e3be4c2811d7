//! `regionprofil serve`: build the site into memory, serve it on loopback, and build it
//! again whenever one of its files changes, telling the browser to reload (or only to swap
//! its stylesheets). A failed build keeps the last good pages and shows its errors in the
//! terminal and over the page.
//!
//! ```text
//! watcher thread ─paths─▶ rebuild loop ─Snapshot─▶ watch channel ─▶ HTTP handlers
//!                                     └─Notice──▶ broadcast ─────▶ event streams (SSE)
//! ```

mod http;
mod paths;
mod snapshot;
mod watch;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tokio::sync::{broadcast, watch as channel};

use crate::diag::{Diagnostic, Diagnostics};
use crate::pipeline::{BuildOptions, Memory};
use crate::render::memo::Reuse;
use crate::render::output::{Finish, OnRequest};
use http::Notice;
use snapshot::Snapshot;
use watch::Change;

/// What `serve` is asked to do.
pub struct ServeOptions {
    /// Its `base_url` is replaced by the server's own address.
    pub build: BuildOptions,
    /// Take "now" from the clock at every build (unless a fixed date was given), so pages
    /// come and go on their publish and expiry dates while the server runs.
    pub follow_clock: bool,
    pub address: SocketAddr,
    /// Also write every good build to this folder (all or nothing, as `build` does).
    pub output: Option<PathBuf>,
    /// Host names to answer besides `localhost` and IP addresses.
    pub allowed_hosts: Vec<String>,
}

/// What `serve` tells the person running it.
pub enum Report<'a> {
    /// Listening at this address.
    Serving { url: &'a str },
    /// A build finished: the files that changed set it off (none for the first build);
    /// `reuse` says how much of it was rendered and how much kept from the last build.
    Built {
        trigger: &'a [String],
        took: Duration,
        changed: &'a [String],
        pages: usize,
        reuse: Reuse,
        timings: &'a crate::timings::Timings,
        warnings: &'a Diagnostics,
    },
    /// A build failed; `has_last_good` says whether an earlier build is still served.
    Failed { trigger: &'a [String], took: Duration, errors: &'a Diagnostics, has_last_good: bool },
}

/// Serves until interrupted (Ctrl-C).
pub fn run(mut options: ServeOptions, report: impl Fn(Report) + Send + Sync + 'static) -> Result<(), Diagnostics> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Diagnostic::error(format!("cannot start the server: {e}")))?;
    let listener = runtime.block_on(listen(options.address))?;
    let address = listener.local_addr().map_err(|e| Diagnostic::error(format!("cannot serve: {e}")))?;
    let url = format!("http://{address}/");
    options.build.base_url = Some(url.clone());

    let report = Arc::new(report);
    let allowed_hosts: Arc<[String]> = Arc::from(std::mem::take(&mut options.allowed_hosts));
    let (site_tx, site_rx) = channel::channel(Snapshot::default());
    let (notices, _) = broadcast::channel(64);

    let root = options.build.root.canonicalize().unwrap_or_else(|_| options.build.root.clone());
    let (_watcher, changes) = watch::watch(&root)
        .map_err(|e| Diagnostic::error(format!("cannot watch {} for changes: {e}", root.display())))?;
    let output = options.output.as_ref().map(|o| crate::output::write::resolve(o).unwrap_or_else(|_| o.clone()));
    {
        let notices = notices.clone();
        let report = report.clone();
        let (built, first_built) = std::sync::mpsc::channel();
        // The first build too is made here, with the watcher already watching: a file
        // saved while it runs is built again right after it, not left unseen until the
        // next save.
        std::thread::spawn(move || {
            let mut memory = Memory::default();
            let (first, outcome) = build(&options, &Snapshot::default(), &mut memory);
            outcome.report(&*report, &[]);
            site_tx.send_replace(first);
            let _ = built.send(());
            while let Ok(burst) = changes.recv() {
                // What arrived during the last build is built at once, in one build.
                let burst = burst.and_waiting(&changes);
                let classified: Vec<((String, Change), bool)> = burst
                    .paths
                    .iter()
                    .filter_map(|(p, edit)| Some((watch::classify(&root, output.as_deref(), p)?, *edit)))
                    .collect();
                // The next build takes the last walk of the site again only when all that
                // changed since are the contents of files the watcher names; otherwise it
                // walks the site.
                let edits_only = !burst.missed && classified.iter().all(|(_, edit)| *edit);
                let mut trigger: Vec<(String, Change)> = classified.into_iter().map(|(c, _)| c).collect();
                if !edits_only {
                    memory.walk = None;
                }
                if trigger.is_empty() {
                    continue;
                }
                trigger.sort_by(|a, b| a.0.cmp(&b.0));
                trigger.dedup();
                let names: Vec<String> = trigger.iter().map(|(rel, _)| rel.clone()).collect();
                memory.edited = edits_only.then(|| names.clone());
                let previous = site_tx.borrow().clone();
                let (next, outcome) = build(&options, &previous, &mut memory);
                let notice = match &next.errors {
                    Some(errors) => Some(Notice::Errors(errors.clone())),
                    None if previous.errors.is_some() => Some(Notice::Reload),
                    None if next.version == previous.version => None,
                    None if trigger.iter().all(|(_, change)| *change == Change::Stylesheet) => {
                        Some(Notice::Stylesheets)
                    }
                    None => Some(Notice::Reload),
                };
                site_tx.send_replace(next);
                // Said once the new pages are served: whoever reads the line and asks for a
                // page gets the new one.
                outcome.report(&*report, &names);
                if let Some(notice) = notice {
                    let _ = notices.send(notice);
                }
            }
        });
        let _ = first_built.recv();
    }
    report(Report::Serving { url: &url });
    let app = http::router(http::Shared { site: site_rx, notices, allowed_hosts });
    runtime
        .block_on(async {
            axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = tokio::signal::ctrl_c().await;
                })
                .await
        })
        .map_err(|e| Diagnostic::error(format!("the server stopped: {e}")).into())
}

/// A listening socket with room for a burst of connections (std's backlog is 128).
async fn listen(address: SocketAddr) -> Result<tokio::net::TcpListener, Diagnostic> {
    let fail = |e: std::io::Error| {
        Diagnostic::error(format!("cannot listen on {address}: {e}"))
            .hint("choose another port with --port, or stop the program that uses this one")
    };
    let socket = if address.is_ipv4() { tokio::net::TcpSocket::new_v4() } else { tokio::net::TcpSocket::new_v6() }
        .map_err(fail)?;
    socket.set_reuseaddr(true).map_err(fail)?;
    socket.bind(address).map_err(fail)?;
    socket.listen(1024).map_err(fail)
}

/// The result of one build, to report.
enum Outcome {
    Built {
        took: Duration,
        changed: Vec<String>,
        pages: usize,
        reuse: Reuse,
        timings: crate::timings::Timings,
        warnings: Diagnostics,
    },
    Failed {
        took: Duration,
        errors: Diagnostics,
        has_last_good: bool,
    },
}

impl Outcome {
    fn report(&self, report: &dyn Fn(Report), trigger: &[String]) {
        match self {
            Outcome::Built { took, changed, pages, reuse, timings, warnings } => {
                report(Report::Built { trigger, took: *took, changed, pages: *pages, reuse: *reuse, timings, warnings })
            }
            Outcome::Failed { took, errors, has_last_good } => {
                report(Report::Failed { trigger, took: *took, errors, has_last_good: *has_last_good })
            }
        }
    }
}

/// Builds the site into memory, redoing only what changed since the build `memory` holds.
/// On failure the previous files stay, with the errors.
fn build(options: &ServeOptions, previous: &Snapshot, memory: &mut Memory) -> (Snapshot, Outcome) {
    let started = Instant::now();
    let mut build = options.build.clone();
    if options.follow_clock {
        build.now = Timestamp::now();
    }
    let attempt = |memory: &mut Memory| {
        crate::pipeline::generate_with(&build, Some(memory)).and_then(|(mut generated, warnings)| {
            // The search index and the photos' versions are made while the static files are
            // read; photos not yet in the image cache only when a page shows them (unless
            // every build is written out too).
            let finish = match options.output {
                Some(_) => Finish::Everything,
                None => Finish::QuickNowRestOnRequest,
            };
            let (snapshot, made) =
                generated.output.finish_beside(finish, |output| snapshot::files_of(output, previous));
            let (mut files, mut copied) = snapshot?;
            let made = made?;
            files.extend(made.files.into_iter().map(|file| (file.rel, file.bytes)));
            snapshot::read_copies(&made.copies, previous, &mut files, &mut copied)?;
            let on_request: HashMap<String, OnRequest> = made
                .on_request
                .into_iter()
                .flat_map(|job| job.rels.clone().into_iter().map(move |rel| (rel, job.clone())))
                .collect();
            generated.timings.lap("static files");
            if let Some(out) = &options.output {
                crate::output::write::write(out, &build.root, &mut generated.output)?;
                generated.timings.lap("write");
            }
            let pages = generated.summary.languages.iter().map(|(_, pages, sections)| pages + sections).sum();
            Ok((files, copied, on_request, pages, generated.timings, warnings))
        })
    };
    // A bug that panics must not stop the preview: it is an error like any other, and the
    // next build starts from nothing, as what it remembered may be half made.
    let result = Diagnostic::catch(|| "building the site".into(), || Ok(attempt(memory))).unwrap_or_else(|d| {
        *memory = Memory::default();
        Err(d.into())
    });
    match result {
        Ok((files, copied, on_request, pages, mut timings, warnings)) => {
            // A photo's version made on request and now published is what it was: its
            // name says what is in it.
            let mut changed = snapshot::changed(&previous.files, &files);
            changed.retain(|rel| !previous.on_request.contains_key(rel));
            timings.lap("compare");
            let version = if changed.is_empty() { previous.version } else { previous.version + 1 };
            let next = Snapshot {
                files: Arc::new(files),
                errors: None,
                version,
                copied: Arc::new(copied),
                on_request: Arc::new(on_request),
            };
            let took = started.elapsed();
            (next, Outcome::Built { took, changed, pages, reuse: memory.render.reuse, timings, warnings })
        }
        Err(errors) => {
            let took = started.elapsed();
            let next = Snapshot { errors: Some(Arc::from(errors.render(false))), ..previous.clone() };
            let has_last_good = !previous.files.is_empty();
            (next, Outcome::Failed { took, errors, has_last_good })
        }
    }
}
