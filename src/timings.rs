//! How long each stage of a build took, for `--timings` and for `serve`'s log.

use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Timings {
    started: Instant,
    last: Instant,
    laps: Vec<(&'static str, Duration)>,
}

impl Default for Timings {
    fn default() -> Self {
        let now = Instant::now();
        Timings { started: now, last: now, laps: Vec::new() }
    }
}

impl Timings {
    /// Ends the stage called `name`.
    pub fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        self.laps.push((name, now - self.last));
        self.last = now;
    }

    pub fn total(&self) -> Duration {
        self.last - self.started
    }

    pub fn laps(&self) -> &[(&'static str, Duration)] {
        &self.laps
    }

    /// One line per stage: `  render pages   0.412 s`.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for (name, took) in &self.laps {
            out.push_str(&format!("  {name:<22} {:>8.3} s\n", took.as_secs_f64()));
        }
        out.push_str(&format!("  {:<22} {:>8.3} s\n", "total", self.total().as_secs_f64()));
        out
    }
}
