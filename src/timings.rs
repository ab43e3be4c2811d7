//! How long each stage of a build took, and the memory in use after it (on Linux), for
//! `--timings` and for `serve`'s log.

use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Timings {
    started: Instant,
    last: Instant,
    laps: Vec<Lap>,
    /// Whether each lap also reads the resident memory (a file read per lap, so only when
    /// someone will look at it).
    with_memory: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct Lap {
    pub name: &'static str,
    pub took: Duration,
    /// Resident memory after the stage, in bytes, where the system tells it.
    pub resident: Option<u64>,
}

impl Timings {
    pub fn new(with_memory: bool) -> Timings {
        let now = Instant::now();
        Timings { started: now, last: now, laps: Vec::new(), with_memory }
    }

    /// Ends the stage called `name`.
    pub fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push(Lap { name, took: now - self.last, resident: self.with_memory.then(resident_bytes).flatten() });
        self.last = now;
    }

    pub fn total(&self) -> Duration {
        self.last - self.started
    }

    /// One line per stage: `  markdown   0.412 s   143 MB`.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for lap in &self.laps {
            let memory = lap.resident.map(|b| format!("{:>8} MB", b / 1_000_000)).unwrap_or_default();
            out.push_str(&format!("  {:<22} {:>8.3} s{memory}\n", lap.name, lap.took.as_secs_f64()));
        }
        out.push_str(&format!("  {:<22} {:>8.3} s\n", "total", self.total().as_secs_f64()));
        out
    }
}

/// The process's resident set size, from `/proc/self/status` (Linux only).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
