//! Hostile archives: whatever the bytes, loading answers an error or a chart, never a panic,
//! and the caps hold.

use crate::load::{LoadOptions, archive_files, from_archive};

fn good_archive() -> Vec<u8> {
    include_bytes!("../../tests/golden/load/fixtures/good.tgz").to_vec()
}

/// A small deterministic generator, so the test needs no dependency.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
}

#[test]
fn mutated_archives_never_panic() {
    let good = good_archive();
    let mut rng = Lcg(7);
    for _ in 0..2000 {
        let mut data = good.clone();
        let flips = 1 + rng.next() % 8;
        for _ in 0..flips {
            let at = usize::try_from(rng.next()).unwrap_or(0) % data.len();
            data[at] ^= 1 << (rng.next() % 8);
        }
        if rng.next().is_multiple_of(4) {
            let len = usize::try_from(rng.next()).unwrap_or(0) % data.len();
            data.truncate(len);
        }
        let _ = from_archive(data.as_slice(), &LoadOptions::default());
    }
}

#[test]
fn caps_are_options() {
    let good = good_archive();
    let small = LoadOptions { max_file_size: 4, ..LoadOptions::default() };
    let err = archive_files(good.as_slice(), &small).map(|f| f.len()).unwrap_err();
    assert!(
        err.message().starts_with("decompressed chart file \"good/Chart.yaml\" is larger than the maximum file size 4")
    );
    let total = LoadOptions { max_chart_size: 50, ..LoadOptions::default() };
    let err = archive_files(good.as_slice(), &total).map(|f| f.len()).unwrap_err();
    assert_eq!(err.message(), "decompressed chart is larger than the maximum file size 50");
}

#[test]
fn not_gzip() {
    assert_eq!(archive_files(&b""[..], &LoadOptions::default()).unwrap_err().message(), "EOF");
    assert_eq!(archive_files(&b"short"[..], &LoadOptions::default()).unwrap_err().message(), "unexpected EOF");
    assert_eq!(
        archive_files(&b"definitely not gzip"[..], &LoadOptions::default()).unwrap_err().message(),
        "gzip: invalid header"
    );
}
