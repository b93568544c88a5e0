//! End-to-end: `rota data generate` is deterministic and reproduces the committed sample.
//!
//! The committed `data/samples/centre.toml` and the CSV inside `data/samples/history.csv.gz` must
//! equal the output of `rota data generate --seed 42` byte for byte: regenerate them (`cargo run --
//! data generate --seed 42 --out data/samples`) whenever the generator or `centre.toml` changes.
//! The gzip bytes themselves are compared only between two runs of one build: they depend on which
//! deflate backend `flate2` is built with, which any crate in the workspace can switch by feature
//! unification (the `zip` crate behind the XLSX export did: same CSV, 1.42 MB instead of 1.34 MB).

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use predicates::prelude::*;

fn generate(seed: u64, out: &Path) {
    Command::cargo_bin("rota")
        .unwrap()
        .args(["data", "generate", "--seed", &seed.to_string(), "--out"])
        .arg(out)
        .assert()
        .success()
        .stdout(predicate::str::contains("rows"))
        .stdout(predicate::str::contains("abandoned"));
}

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("data/samples")
}

fn read(path: PathBuf) -> Vec<u8> {
    fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The file's content: decompressed when it is a gzip.
fn content(path: PathBuf) -> Vec<u8> {
    let bytes = read(path.clone());
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(bytes.as_slice()),
            &mut out,
        )
        .unwrap_or_else(|e| panic!("{} is not a gzip: {e}", path.display()));
        out
    } else {
        bytes
    }
}

#[test]
fn seed_42_twice_gives_identical_files_equal_to_the_committed_sample() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    generate(42, &a);
    generate(42, &b);
    for file in ["centre.toml", "history.csv.gz"] {
        let first = read(a.join(file));
        assert!(!first.is_empty(), "{file} is empty");
        assert!(
            first == read(b.join(file)),
            "{file} differs between two runs"
        );
        assert!(
            content(a.join(file)) == content(samples().join(file)),
            "{file} differs from data/samples/{file}: regenerate the committed sample with \
             `cargo run -- data generate --seed 42 --out data/samples`"
        );
    }
}

#[test]
fn another_seed_gives_another_history_and_the_same_config() {
    let tmp = tempfile::tempdir().unwrap();
    generate(7, tmp.path());
    assert!(read(tmp.path().join("history.csv.gz")) != read(samples().join("history.csv.gz")));
    assert!(read(tmp.path().join("centre.toml")) == read(samples().join("centre.toml")));
}

#[test]
fn committed_sample_fits_in_five_megabytes() {
    let total: u64 = fs::read_dir(samples())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    assert!(total <= 5_000_000, "data/samples holds {total} bytes");
}

#[test]
fn unwritable_output_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("not-a-dir");
    fs::write(&file, "x").unwrap();
    Command::cargo_bin("rota")
        .unwrap()
        .args(["data", "generate", "--out"])
        .arg(&file)
        .assert()
        .failure()
        .stderr(predicate::str::contains("error:"))
        .stderr(predicate::str::contains("not-a-dir"));
}
