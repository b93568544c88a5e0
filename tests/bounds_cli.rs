//! End-to-end tests of issue 18's bounds that span commands: numeric options out of range (`-1`,
//! `100000`), forecast files with unknown channels or implausible figures, and each cause of an
//! error said once. Each answers with a clear message within 5 s. The history cases (mistyped
//! years, gzip bombs, US dates, delimiters, garbage) are in `data_check.rs`, the configuration
//! ranges and `--days` caps in `forecast_cli.rs`, the HTTP side in `api.rs`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data/samples")
        .join(name)
}

/// Runs `rota args` in at most 1 GiB of address space (`ulimit -v`); returns (exit code,
/// stderr) and checks it answered within 5 s.
fn rota(args: &[&str]) -> (Option<i32>, String) {
    let t = Instant::now();
    let out = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_rota"))
        .args(args)
        .output()
        .unwrap();
    let secs = t.elapsed().as_secs_f64();
    assert!(secs < 5.0, "rota {args:?} took {secs:.1} s");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

const FORECAST_HEADER: &str =
    "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n";

/// Why 4 and 6: a negative number is read as the option's value and judged by its range, not
/// taken for an unknown flag ("unexpected argument '-1' found").
#[test]
fn negative_and_huge_numbers_name_the_option_and_its_range() {
    let config = sample("centre.toml");
    let history = sample("history.csv.gz");
    // Each command line, split on spaces, with CONFIG and HISTORY standing for the sample's files.
    let cases = [
        (
            "forecast --history HISTORY --from 2026-11-16 --days -1 --out f.csv",
            "invalid value '-1' for '--days <DAYS>': -1 is not in 1..=92",
        ),
        (
            "schedule --config CONFIG --requirements r.csv --from 2026-11-16 --time-limit-s -1 \
             --out-dir r",
            "invalid value '-1' for '--time-limit-s <TIME_LIMIT_S>': -1 is not a time limit; \
             expected more than 0 and at most 86400 seconds",
        ),
        (
            "schedule --config CONFIG --requirements r.csv --from 2026-11-16 --days 100000 \
             --out-dir r",
            "invalid value '100000' for '--days <DAYS>': 100000 is not in 1..=42",
        ),
        (
            "simulate --config CONFIG --forecast f.csv --roster r --replications -1 --out s.csv",
            "invalid value '-1' for '--replications <REPLICATIONS>': -1 is not in 1..=10000",
        ),
        (
            "scenario --config CONFIG --history HISTORY --days -3 --scenario s --out-dir o",
            "invalid value '-3' for '--days <DAYS>': -3 is not in 1..=28",
        ),
        (
            "erlang --model a --calls-per-hour 200 --aht-s 180 --agents -1",
            "invalid value '-1' for '--agents <AGENTS>': -1 is not in 0..=2000000",
        ),
        (
            "erlang --model a --calls-per-hour 1e300 --aht-s 180 --max-abandon 0.1",
            "invalid value '1e300' for '--calls-per-hour <CALLS_PER_HOUR>': 1e300 is not a \
             contact rate; expected 0 to 400000 contacts an hour",
        ),
        (
            "erlang --model a --calls-per-hour 200 --aht-s 1e308 --max-abandon 0.1",
            "invalid value '1e308' for '--aht-s <AHT_S>': 1e308 is not a handle time; expected \
             more than 0 and at most 86400 seconds",
        ),
        (
            "backtest --history HISTORY --origins -1",
            "invalid value '-1' for '--origins <ORIGINS>': -1 is not in 1..=104",
        ),
    ];
    for (line, expected) in cases {
        let args: Vec<&str> = line
            .split_whitespace()
            .map(|a| match a {
                "CONFIG" => config.to_str().unwrap(),
                "HISTORY" => history.to_str().unwrap(),
                a => a,
            })
            .collect();
        let (code, stderr) = rota(&args);
        assert_eq!(code, Some(2), "{line}: {stderr}");
        assert!(stderr.contains(expected), "{line}: {stderr}");
        assert!(!stderr.contains("unexpected argument"), "{line}: {stderr}");
    }
}

/// Why 6 and 5: a forecast's unknown channel is named with its file and line and the channels the
/// configuration has; an AHT of 1e308 or a count of 1e300 is an error naming the range and the
/// value as written (it used to print as "5124095576030431:00:15" or a 300-digit load).
#[test]
fn a_forecast_with_an_unknown_channel_or_implausible_figures_names_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = sample("centre.toml");
    let file = dir.path().join("forecast.csv");
    let out = dir.path().join("req.csv");
    // `rota staff` on a forecast of these rows: it must fail.
    let staff = |rows: &str| {
        std::fs::write(&file, format!("{FORECAST_HEADER}{rows}")).unwrap();
        let (code, stderr) = rota(&[
            "staff",
            "--forecast",
            file.to_str().unwrap(),
            "--config",
            config.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(code, Some(1), "{stderr}");
        stderr
    };
    let f = file.display();
    let stderr = staff(
        "2026-11-16T09:00:00+00:00,voice,30,20,30,40,1e308\n\
         2026-11-16T09:00:00+00:00,fax,3,1,3,5,200\n\
         2026-11-16T09:15:00+00:00,voice,1e300,1e300,1e300,1e300,600\n",
    );
    for expected in [
        format!(
            "{f}: line 2, column aht_seconds: \"1e308\" is implausible: over 24 hours; expected 0 \
             to 86,400 seconds"
        ),
        format!(
            "{f}: line 4, column offered_mean: \"1e300\" is implausible for one interval; \
             expected 0 to 10,000,000 contacts"
        ),
    ] {
        assert!(stderr.contains(&expected), "{stderr}");
    }
    // With the figures fixed, the unknown channel is named on its line.
    let stderr = staff(
        "2026-11-16T09:00:00+00:00,voice,30,20,30,40,300\n\
         2026-11-16T09:00:00+00:00,fax,3,1,3,5,200\n",
    );
    assert!(
        stderr.contains(&format!(
            "{f}: line 3, column channel: `fax` (1 row) is not a channel of the centre \
             configuration; expected one of voice, reception, chat, email, social"
        )),
        "{stderr}"
    );
}

/// Why 6: each cause is said once. The library errors name their file, so the commands no longer
/// wrap them in a context that names it again ("reading the forecast f.csv: cannot read demand
/// file f.csv: ..."), and a history that cannot be opened is not also "1 problem found".
#[test]
fn each_missing_input_is_named_once() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.csv");
    let missing = missing.to_str().unwrap();
    let missing_toml = dir.path().join("missing.toml");
    let missing_toml = missing_toml.to_str().unwrap();
    let config = sample("centre.toml");
    let config = config.to_str().unwrap();
    let history = sample("history.csv.gz");
    let history = history.to_str().unwrap();
    let scenarios = sample("scenarios");
    let scenarios = scenarios.to_str().unwrap();
    let out = dir.path().join("o.csv");
    let out = out.to_str().unwrap();
    let runs: [&[&str]; 9] = [
        &[
            "staff",
            "--forecast",
            missing,
            "--config",
            config,
            "--out",
            out,
        ],
        &[
            "staff",
            "--forecast",
            missing,
            "--config",
            missing_toml,
            "--out",
            out,
        ],
        &[
            "schedule",
            "--config",
            missing_toml,
            "--requirements",
            missing,
            "--from",
            "2026-11-16",
            "--out-dir",
            out,
        ],
        &[
            "simulate",
            "--config",
            missing_toml,
            "--forecast",
            missing,
            "--roster",
            out,
            "--out",
            out,
        ],
        &[
            "report",
            "--config",
            config,
            "--history",
            missing,
            "--csv",
            out,
        ],
        &[
            "report",
            "--config",
            missing_toml,
            "--history",
            history,
            "--csv",
            out,
        ],
        &[
            "brief",
            "--config",
            config,
            "--forecast",
            missing,
            "--roster",
            out,
            "--simulation",
            out,
            "--out",
            out,
        ],
        &[
            "scenario",
            "--config",
            config,
            "--history",
            missing,
            "--scenario",
            scenarios,
            "--out-dir",
            out,
        ],
        &["data", "check", missing],
    ];
    for args in runs {
        let (code, stderr) = rota(args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        let named = stderr.matches("missing.").count();
        assert_eq!(
            named, 1,
            "{args:?}: the file is named {named} times: {stderr}"
        );
        assert!(!stderr.contains("problem found"), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
    }
}

/// Why 6: binary garbage given as a forecast or a staffing file is said to be no CSV, once, in
/// printable text (the csv crate's "CSV parse error: record 0 (line 1, field: 0, byte: 0):
/// invalid utf-8: invalid UTF-8 ..." said it twice).
#[test]
fn binary_garbage_is_said_to_be_no_csv_once() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.csv");
    std::fs::write(&garbage, b"\xff\xfe\x00PK\x03\x04\x1b[31m,\x01\n\x80\x81\n").unwrap();
    let garbage = garbage.to_str().unwrap();
    let config = sample("centre.toml");
    let config = config.to_str().unwrap();
    let forecast = dir.path().join("forecast.csv");
    std::fs::write(
        &forecast,
        format!("{FORECAST_HEADER}2026-11-16T09:00:00+00:00,voice,30,20,30,40,300\n"),
    )
    .unwrap();
    let forecast = forecast.to_str().unwrap();
    let out = dir.path().join("out.csv");
    let out = out.to_str().unwrap();
    let runs: [&[&str]; 2] = [
        &[
            "staff",
            "--forecast",
            garbage,
            "--config",
            config,
            "--out",
            out,
        ],
        &[
            "staff",
            "--evaluate",
            "--agents",
            garbage,
            "--forecast",
            forecast,
            "--config",
            config,
            "--out",
            out,
        ],
    ];
    for args in runs {
        let (code, stderr) = rota(args);
        assert_eq!(code, Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains(
                "field 1 is not UTF-8 text; expected a CSV file (from Excel: Save As, \"CSV UTF-8\")"
            ),
            "{args:?}: {stderr}"
        );
        assert!(!stderr.contains("CSV parse error"), "{args:?}: {stderr}");
        assert!(
            stderr.chars().all(|c| !c.is_control() || c == '\n'),
            "{args:?}: {stderr:?}"
        );
    }
}
