//! Fuzz target: the YAML reader on arbitrary bytes must return a value or an error, never panic or hang.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = chart_model::yaml::from_slice(data);
    let _ = chart_model::yaml::read_values(data);
});
