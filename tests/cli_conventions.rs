//! Command-line conventions a planner's shell expects of `rota`, on the real binary: a closed pipe
//! ends quietly, `RUST_LOG` shows the long steps of any command, logs carry no colour codes when
//! stderr is not a terminal, dates are accepted as ISO or UK, and `--json` / `--quiet` hold.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn repo(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn rota() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rota"))
}

/// `rota data check ... | head -1`: the reader has gone before rota writes, so every write fails
/// with a broken pipe; rota stops quietly with success, as `cat` would.
#[test]
fn a_closed_pipe_ends_quietly_with_success() {
    let mut child = rota()
        .args(["data", "check"])
        .arg(repo("tests/fixtures/history/small_valid.csv"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn rota");
    drop(child.stdout.take()); // the reader closes the pipe at once
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut stderr)
        .expect("read stderr");
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// `RUST_LOG=info` shows each long step with the time it took, for commands that print a report
/// (not only for `serve`), and without ANSI colour codes when stderr is a pipe or a file.
#[test]
fn rust_log_shows_the_steps_of_data_check_and_forecast_without_colours() {
    let out = rota()
        .args(["data", "check"])
        .arg(repo("tests/fixtures/history/small_valid.csv"))
        .env("RUST_LOG", "info")
        .output()
        .expect("run rota");
    assert!(out.status.success());
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(
        stderr.contains("parse_rows") && stderr.contains("close"),
        "{stderr}"
    );
    assert!(stderr.contains("time.busy"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "colour codes in a piped log: {stderr:?}"
    );

    let dir = tempfile::tempdir().expect("tempdir");
    let out = rota()
        .args(["forecast", "--history"])
        .arg(repo("data/samples/history.csv.gz"))
        .arg("--config")
        .arg(repo("data/samples/centre.toml"))
        .args(["--from", "16/11/2026", "--days", "1", "--out"])
        .arg(dir.path().join("f.csv"))
        .env("RUST_LOG", "info")
        .output()
        .expect("run rota");
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("time.busy"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr:?}");
    // The UK date was read as 16 November.
    let csv = std::fs::read_to_string(dir.path().join("f.csv")).expect("forecast");
    assert!(csv.contains("\n2026-11-16T09:00:00+00:00,"), "{csv}");
}

/// A month-first date is not guessed at: the error names both accepted forms.
#[test]
fn dates_are_iso_or_uk_and_others_are_refused_clearly() {
    let out = rota()
        .args(["schedule", "--config", "c.toml", "--requirements", "r.csv"])
        .args(["--from", "11/16/2026", "--out-dir", "x"])
        .output()
        .expect("run rota");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).expect("utf-8");
    assert!(
        stderr.contains("expected YYYY-MM-DD or DD/MM/YYYY"),
        "{stderr}"
    );
}

/// Runs `rota args...`, asserts success, and parses stdout as one JSON document.
fn json_of(args: &[&std::ffi::OsStr]) -> serde_json::Value {
    let out = rota().args(args).arg("--json").output().expect("run rota");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// `--json` on the planner's commands prints their summary as one JSON document, and `--quiet`
/// prints nothing while still writing the files.
#[test]
fn json_and_quiet_on_check_forecast_staff_simulate_and_scenario() {
    let dir = tempfile::tempdir().expect("tempdir");
    let d = |name: &str| dir.path().join(name).into_os_string();
    let r = |rel: &str| repo(rel).into_os_string();
    let os = |s: &str| std::ffi::OsString::from(s);

    let check = json_of(&[
        &os("data"),
        &os("check"),
        &r("tests/fixtures/history/small_valid.csv"),
    ]);
    assert_eq!(check["interval_minutes"], 30);
    let voice = check["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "voice")
        .expect("voice figures")
        .clone();
    assert!(voice["offered"].as_u64().unwrap() > 0, "{voice}");

    let forecast = json_of(&[
        &os("forecast"),
        &os("--history"),
        &r("data/samples/history.csv.gz"),
        &os("--config"),
        &r("data/samples/centre.toml"),
        &os("--from"),
        &os("2026-11-16"),
        &os("--days"),
        &os("2"),
        &os("--out"),
        &d("forecast.csv"),
    ]);
    assert_eq!(forecast["intervals"], 2 * 96 * 5);
    let voice = &forecast["channels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["channel"] == "voice")
        .expect("voice forecast")
        .clone();
    assert_eq!(voice["daily_offered"].as_array().unwrap().len(), 2);
    assert!(voice["daily_offered"][0]["offered"].as_f64().unwrap() > 100.0);

    let staff = json_of(&[
        &os("staff"),
        &os("--forecast"),
        &d("forecast.csv"),
        &os("--config"),
        &r("data/samples/centre.toml"),
        &os("--out"),
        &d("requirements.csv"),
    ]);
    assert_eq!(staff["rows"], 2 * 96 * 5);
    assert!(staff["channels"].as_array().unwrap().len() == 5, "{staff}");

    let sim_dir = repo("tests/fixtures/simulate");
    let sim = json_of(&[
        &os("simulate"),
        &os("--config"),
        sim_dir.join("centre.toml").as_os_str(),
        &os("--forecast"),
        sim_dir.join("forecast.csv").as_os_str(),
        &os("--roster"),
        sim_dir.join("roster").as_os_str(),
        &os("--replications"),
        &os("4"),
        &os("--out"),
        &d("sim.csv"),
    ]);
    assert!(
        sim.get("intervals").is_none(),
        "intervals belong in the CSV"
    );
    assert!(
        sim["verdict"].is_object() && sim["week"].is_array(),
        "{sim}"
    );

    let scenario = json_of(&[
        &os("scenario"),
        &os("--config"),
        &r("data/samples/centre.toml"),
        &os("--forecast"),
        &d("forecast.csv"),
        &os("--scenario"),
        &r("data/samples/scenarios/voice-minus-10.toml"),
        &os("--no-roster"),
    ]);
    assert!(scenario.to_string().contains("voice -10%"), "{scenario}");

    // --quiet: nothing on stdout or stderr, the file written all the same.
    let out = rota()
        .args(["forecast", "--quiet", "--history"])
        .arg(repo("data/samples/history.csv.gz"))
        .arg("--config")
        .arg(repo("data/samples/centre.toml"))
        .args(["--from", "2026-11-16", "--days", "1", "--out"])
        .arg(dir.path().join("quiet.csv"))
        .output()
        .expect("run rota");
    assert!(out.status.success());
    assert!(out.stdout.is_empty() && out.stderr.is_empty(), "{out:?}");
    assert!(dir.path().join("quiet.csv").exists());

    // A command whose output is a file says so rather than ignoring --json.
    let out = rota()
        .args(["backtest", "--json", "--history"])
        .arg(repo("tests/fixtures/history/small_valid.csv"))
        .output()
        .expect("run rota");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no JSON summary"));
}
