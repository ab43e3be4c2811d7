//! regionprofil: a static site generator for multilingual region-profiling sites with
//! statistics from data files.
//!
//! The modules, lowest layer first, are mapped in ARCHITECTURE.md; [`pipeline`] runs them
//! in order.

pub mod config;
pub mod content;
pub mod coverage;
pub mod data;
pub mod dates;
pub mod diag;
pub mod fetch;
pub mod fitted;
pub mod highlight;
pub mod html;
pub mod i18n;
pub mod ids;
pub mod images;
pub mod links;
pub mod locale;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod schedule;
pub mod search;
pub mod serve;
pub mod site;
pub mod slug;
pub mod source;
pub mod stamp;
pub mod stats;
pub mod timings;
pub mod whole_file;
pub mod yaml;

pub use pipeline::{BuildOptions, Generated, Memory, Summary, build, generate, generate_with, load};
