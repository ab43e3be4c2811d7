//! The CSV loader: encoding detection, delimiter sniffing, numbers, long tables.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regionprofil::config::DataOptions;
use regionprofil::data::csv;

fuzz_target!(|data: &[u8]| {
    let plain = DataOptions::default();
    let _ = csv::read(data, "fuzz", "data/fuzz.csv", &plain);
    let windows = DataOptions { encoding: Some("windows-1252".into()), decimal: Some(",".into()), ..DataOptions::default() };
    let _ = csv::read(data, "fuzz", "data/fuzz.csv", &windows);
    let long = DataOptions {
        rows: Some("region".into()),
        columns: Some("tid".into()),
        delimiter: Some(";".into()),
        ..DataOptions::default()
    };
    let _ = csv::read(data, "fuzz", "data/fuzz.csv", &long);
});
