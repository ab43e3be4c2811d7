//! How long each stage of a build took, the processor time it used and the memory in use
//! after it (both on Linux), for `--timings` and for `serve`'s log.

use std::time::{Duration, Instant};

#[derive(Debug)]
pub struct Timings {
    started: Instant,
    last: Instant,
    last_cpu: Option<Duration>,
    laps: Vec<Lap>,
    /// Whether each lap also reads the resident memory (a file read per lap, so only when
    /// someone will look at it).
    with_memory: bool,
}

#[derive(Debug, Clone, Copy)]
pub struct Lap {
    pub name: &'static str,
    pub took: Duration,
    /// Processor time of all threads in the stage, where the system tells it: more than
    /// `took` when the stage ran on several cores.
    pub cpu: Option<Duration>,
    /// Resident memory after the stage, in bytes, where the system tells it.
    pub resident: Option<u64>,
}

impl Timings {
    pub fn new(with_memory: bool) -> Timings {
        let now = Instant::now();
        let last_cpu = with_memory.then(cpu_time).flatten();
        Timings { started: now, last: now, last_cpu, laps: Vec::new(), with_memory }
    }

    /// Ends the stage called `name`.
    pub fn lap(&mut self, name: &'static str) {
        let now = Instant::now();
        let cpu_now = self.with_memory.then(cpu_time).flatten();
        let cpu = cpu_now.zip(self.last_cpu).map(|(now, before)| now.saturating_sub(before));
        let resident = self.with_memory.then(resident_bytes).flatten();
        self.laps.push(Lap { name, took: now - self.last, cpu, resident });
        self.last = now;
        self.last_cpu = cpu_now;
    }

    pub fn total(&self) -> Duration {
        self.last - self.started
    }

    /// One line per stage: `  markdown   0.412 s   0.79 s CPU   143 MB`.
    pub fn report(&self) -> String {
        let mut out = String::new();
        for lap in &self.laps {
            let cpu = lap.cpu.map(|c| format!("{:>8.2} s CPU", c.as_secs_f64())).unwrap_or_default();
            let memory = lap.resident.map(|b| format!("{:>8} MB", b / 1_000_000)).unwrap_or_default();
            out.push_str(&format!("  {:<22} {:>8.3} s{cpu}{memory}\n", lap.name, lap.took.as_secs_f64()));
        }
        out.push_str(&format!("  {:<22} {:>8.3} s\n", "total", self.total().as_secs_f64()));
        out
    }
}

/// User and system time of every thread of the process so far, from `/proc/self/stat`
/// (Linux only), in the kernel's fixed 1/100 s ticks.
fn cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name may hold spaces; the fields after its `)` are plain numbers, and
    // utime and stime are the 12th and 13th of them.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace().skip(11);
    let ticks: u64 = fields.next()?.parse::<u64>().ok()? + fields.next()?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// The process's resident set size, from `/proc/self/status` (Linux only).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}
