//! Coverage-guided fuzz targets for Rota's input formats (AFL++ through `cargo afl`).
//!
//! Each target in [`targets`] takes arbitrary bytes and hands them to the public entry points the
//! `rota` CLI and the service use; it must never panic. The binaries in `src/bin/` wrap one target
//! each in `afl::fuzz!`, and `tests/fuzz_corpus.rs` in the workspace replays the committed corpus
//! (`fuzz/corpus/<target>/`) through the same functions in `make test`.

pub mod targets;
