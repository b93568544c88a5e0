//! How a test that cannot run here says so. Shared by every test crate of the workspace (included
//! with `#[path]`), so a skip means the same thing everywhere:
//! - under CI (`CI` set to anything but `false`/`0`) a skip is a failure: CI always has the browser
//!   and `shared/` beside the checkout, so a missing one is a broken setup, not a reason to pass;
//! - on a developer's machine the test returns early, prints why, and appends the reason to the file
//!   named by `ROTA_SKIP_LOG`, which `make test` prints at the end of the run (cargo's harness
//!   swallows a passing test's output, so without that list a skip would go unseen).

use std::io::Write;

/// True when running under CI.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Skips the calling test with `reason` (`test` names it), or fails it under CI.
pub fn skip(test: &str, reason: &str) {
    if in_ci() {
        panic!("{test}: cannot skip under CI: {reason}");
    }
    eprintln!("SKIPPED {test}: {reason}");
    if let Some(log) = std::env::var_os("ROTA_SKIP_LOG") {
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = writeln!(f, "{test}: {reason}");
        }
    }
}
