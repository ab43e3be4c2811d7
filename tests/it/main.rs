//! One integration test binary: each module tests a feature through the real program, on
//! fixture sites in `tests/fixtures/`.

mod architecture;
mod build;
mod cli;
mod data;
mod determinism;
mod errors;
mod fetch;
mod hostile;
mod i18n;
mod images;
mod properties;
mod safety;
mod search;
mod serve;
mod stats;
mod support;
