//! The command line, as clap structures. No logic here.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "regionprofil",
    version,
    about = "Builds multilingual region-profiling sites with statistics from data files",
    long_about = "Builds multilingual region-profiling sites from Markdown, templates and data files.\n\n\
                  Exit status: 0 success, 1 the site has errors, 2 the command line is wrong."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output folder (all or nothing)
    Build(BuildArgs),
    /// Check everything a build checks, plus translation coverage and data age; writes nothing
    Check(CheckArgs),
    /// Create a new bilingual site that builds at once
    Init(InitArgs),
    /// Download the data files site.yaml fetches (`fetch:` or `ssb:`) that are due, and say what changed
    Fetch(FetchArgs),
    /// List the coming publish and expiry moments, the next one first
    Schedule(ScheduleArgs),
    /// Build the site into memory, serve it, and rebuild and reload the browser on every change
    Serve(ServeArgs),
}

#[derive(Debug, Args)]
pub struct SiteArgs {
    /// The site folder (where site.yaml is)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Build for another address than site.yaml's base_url (preview builds)
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Include pages marked `draft: true`
    #[arg(long)]
    pub drafts: bool,
    /// Build as if it were this date or time (YYYY-MM-DD, YYYY-MM-DD HH:MM in UTC, or RFC 3339); default: SOURCE_DATE_EPOCH, else now
    #[arg(long, value_name = "DATE")]
    pub now: Option<String>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The output folder [default: ROOT/public]
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Print how long each stage of the build took
    #[arg(long)]
    pub timings: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// Treat warnings, missing translations and old data as errors
    #[arg(long)]
    pub strict: bool,
    /// Also check that external links answer
    #[arg(long)]
    pub external: bool,
    /// How to print the report
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// The address to listen on; anything but loopback lets other machines see the preview
    #[arg(long, value_name = "ADDRESS", default_value = "127.0.0.1")]
    pub interface: std::net::IpAddr,
    /// The port to listen on (0: any free port)
    #[arg(long, short, value_name = "PORT", default_value_t = 1111)]
    pub port: u16,
    /// Also write every good build to this folder (by default nothing is written)
    #[arg(long, short, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// A host name to answer besides localhost and IP addresses (repeat for more), for a
    /// preview reached by name; other names are refused, so other sites cannot read it
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_hosts: Vec<String>,
    /// After each build, print how long each stage took and the memory in use
    #[arg(long)]
    pub timings: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create the site in (must not exist, or be empty)
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct FetchArgs {
    /// The site folder (where site.yaml is)
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Fetch every entry, due or not
    #[arg(long)]
    pub force: bool,
    /// How to print what changed; `json` for scripts
    #[arg(long, value_enum, default_value_t = FetchFormat::Text)]
    pub format: FetchFormat,
    /// Fetch only these data entries (each one, due or not)
    #[arg(value_name = "NAME")]
    pub names: Vec<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FetchFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ScheduleArgs {
    #[command(flatten)]
    pub site: SiteArgs,
    /// How to print the list; `cron` prints a cron line (UTC) per moment, for CI schedules
    #[arg(long, value_enum, default_value_t = ScheduleFormat::Text)]
    pub format: ScheduleFormat,
    /// List only the changes that came due in this long before now (`1h`, `90m`, `1d`):
    /// prints nothing when none did, so an hourly CI job can rebuild only when needed
    #[arg(long, value_name = "DURATION")]
    pub due: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScheduleFormat {
    Text,
    Json,
    Cron,
}
