//! The JSON-stat 2.0 loader.
#![no_main]

use libfuzzer_sys::fuzz_target;
use regionprofil::config::DataOptions;
use regionprofil::data::jsonstat;

fuzz_target!(|data: &[u8]| {
    let _ = jsonstat::read(data, "fuzz", "data/fuzz.json", &DataOptions::default());
    let by_time = DataOptions { columns: Some("Tid".into()), ..DataOptions::default() };
    let _ = jsonstat::read(data, "fuzz", "data/fuzz.json", &by_time);
});
