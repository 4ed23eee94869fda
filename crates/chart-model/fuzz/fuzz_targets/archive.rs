//! Fuzz target: chart archives (gzip, tar, path checks, caps, Chart.yaml) never panic.
//!
//! Half the inputs are taken as the archive itself; the other half are
//! gzipped first, so the fuzzer reaches the tar reader and the path and size
//! checks instead of stopping at the gzip header.
#![no_main]

use std::io::Write;

use chart_model::load::{LoadOptions, from_archive};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // Small caps keep each run fast; they are checked the same way as Helm's.
    let options = LoadOptions { max_chart_size: 1 << 20, max_file_size: 256 << 10, ..LoadOptions::default() };
    let Some((&mode, rest)) = data.split_first() else { return };
    if mode % 2 == 0 {
        let _ = from_archive(rest, &options);
        return;
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    if gz.write_all(rest).is_err() {
        return;
    }
    if let Ok(archive) = gz.finish() {
        let _ = from_archive(archive.as_slice(), &options);
    }
});
