//! The fuzzers' short pass in `make test`: every file of the committed corpus
//! (`fuzz/corpus/<target>/`, seeds, what AFL++ kept and each crash once found) replayed through
//! the same target functions the AFL++ harness runs (`fuzz/src/targets.rs`, compiled here too).
//! None may panic; a returned error is the expected answer to most of them.
//! How the corpus was made and how to fuzz: docs/RELIABILITY.md, "Fuzzing".

#[path = "../fuzz/src/targets.rs"]
mod targets;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;
use std::time::Instant;

#[test]
fn every_corpus_input_is_read_without_a_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus");
    let mut failures = Vec::new();
    for (name, target) in targets::TARGETS {
        let dir = root.join(name);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|entry| entry.expect("a readable directory entry").path())
            .filter(|p| p.is_file())
            .collect();
        files.sort();
        assert!(
            files.len() >= 5,
            "{}: {} files; the corpus of each target has its seeds at least",
            dir.display(),
            files.len()
        );
        let started = Instant::now();
        for file in &files {
            let data = std::fs::read(file).expect("a readable corpus file");
            if catch_unwind(AssertUnwindSafe(|| target(&data))).is_err() {
                failures.push(file.display().to_string());
            }
        }
        eprintln!(
            "{name}: {} inputs replayed in {:.2} s",
            files.len(),
            started.elapsed().as_secs_f64()
        );
    }
    assert!(
        failures.is_empty(),
        "{} corpus inputs panicked:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
