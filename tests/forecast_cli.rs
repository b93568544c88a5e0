//! End-to-end tests of `rota forecast` and `rota backtest` on a small generated history.

use std::fmt::Write as _;
use std::path::Path;

use assert_cmd::Command;
use predicates::prelude::*;

/// A deterministic hourly history: voice (open 08-18 Mon-Fri, 09-13 Sat, with AHT) and email (open
/// 08-18 Mon-Fri), `weeks` weeks from Monday 2026-06-01 (BST: timestamps carry +01:00).
fn write_history(path: &Path, weeks: usize) {
    let mut seed: u64 = 42;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    let mut csv = String::from("interval_start,channel,offered,handled,aht_seconds\n");
    let first = chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    for (d, date) in first.iter_days().take(weeks * 7).enumerate() {
        let weekday = d % 7;
        for hour in 0..24 {
            let open_voice = match weekday {
                0..=4 => (8..18).contains(&hour),
                5 => (9..13).contains(&hour),
                _ => false,
            };
            let open_email = weekday < 5 && (8..18).contains(&hour);
            for (channel, open, mean) in [
                ("voice", open_voice, if weekday == 0 { 60.0 } else { 40.0 }),
                ("email", open_email, 6.0f64),
            ] {
                let offered = if open {
                    // mean +- uniform noise of about a Poisson's size
                    (mean + (next() - 0.5) * 2.0 * mean.sqrt() * 1.7)
                        .round()
                        .max(0.0)
                } else {
                    0.0
                };
                let aht = 300.0 + 60.0 * (hour as f64 - 12.0).abs() / 6.0;
                writeln!(
                    csv,
                    "{date}T{hour:02}:00:00+01:00,{channel},{offered},{offered},{aht:.0}"
                )
                .unwrap();
            }
        }
    }
    std::fs::write(path, csv).unwrap();
}

fn rota() -> Command {
    Command::cargo_bin("rota").unwrap()
}

#[test]
fn forecast_writes_intervals_with_ordered_quantiles_and_closed_zeros() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let out = dir.path().join("forecast.csv");
    write_history(&history, 10);
    rota()
        .args(["forecast", "--history"])
        .arg(&history)
        .args(["--from", "2026-08-10", "--days", "7", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("voice: model"))
        // Accuracy at the grains a planner judges: the interval, the day, the week.
        .stdout(
            predicate::str::is_match(
                r"backtest error [0-9.]+% per interval, [0-9.]+% per day, [0-9.]+% per week",
            )
            .unwrap(),
        )
        .stdout(predicate::str::contains("AHT: 5:"))
        .stdout(predicate::str::contains("peak interval"));
    let mut reader = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        [
            "interval_start",
            "channel",
            "offered_mean",
            "offered_p10",
            "offered_p50",
            "offered_p90",
            "aht_seconds"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2 * 7 * 24);
    assert_eq!(&rows[0][0], "2026-08-10T00:00:00+01:00");
    let mut voice_monday_10 = None;
    for r in &rows {
        let v: Vec<f64> = (2..7).map(|i| r[i].parse().unwrap()).collect();
        assert!(
            v[1] <= v[2] && v[2] <= v[3],
            "quantiles out of order: {r:?}"
        );
        assert!(v[4] > 0.0, "AHT must be positive: {r:?}");
        let hour: u32 = r[0][11..13].parse().unwrap();
        if !(8..18).contains(&hour) || r[0].starts_with("2026-08-16") {
            assert_eq!(v[0], 0.0, "closed interval must be exactly 0: {r:?}");
            assert_eq!(v[3], 0.0, "closed interval P90 must be 0: {r:?}");
        }
        if &r[1] == "voice" && r[0].starts_with("2026-08-10T10:00") {
            voice_monday_10 = Some(v[0]);
        }
    }
    let m = voice_monday_10.unwrap();
    assert!((m - 60.0).abs() < 12.0, "Monday 10:00 voice forecast {m}");
}

#[test]
fn backtest_prints_every_model_and_writes_csv() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let out = dir.path().join("backtest.csv");
    write_history(&history, 10);
    rota()
        .args(["backtest", "--history"])
        .arg(&history)
        .args(["--horizon", "7d", "--origins", "4", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains("seasonal_naive"))
        .stdout(predicate::str::contains("historical_average"))
        .stdout(predicate::str::contains("poisson_glm"))
        .stdout(predicate::str::contains("holt_winters"))
        .stdout(predicate::str::contains("top_down"))
        .stdout(predicate::str::contains("profile_svd"))
        .stdout(predicate::str::contains("mean_top3"))
        .stdout(predicate::str::contains("median"))
        .stdout(predicate::str::contains("selection out of sample"));
    let text = std::fs::read_to_string(&out).unwrap();
    assert!(text.starts_with(
        "channel,model,baseline,selected,lead_day,wape,wape_hourly,wape_daily,wape_weekly,\
         wape_p50,mase,bias"
    ));
    // 2 channels x 8 candidates x (all + 7 lead days + 4 origins), and 4 selection steps each
    assert_eq!(text.lines().count(), 1 + 2 * 8 * (8 + 4) + 2 * 4);
    let selection = text.lines().filter(|l| l.contains(",selection,")).count();
    assert_eq!(selection, 2 * 4);
}

#[test]
fn zero_horizon_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    write_history(&history, 6);
    rota()
        .args(["backtest", "--history"])
        .arg(&history)
        .args(["--horizon", "0d"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("at least one day"));
}

#[test]
fn unknown_channel_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let out = dir.path().join("f.csv");
    write_history(&history, 8);
    rota()
        .args(["forecast", "--history"])
        .arg(&history)
        .args(["--from", "2026-07-27", "--channel", "fax", "--out"])
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains("unknown channel `fax`"))
        // The history it is not in is named.
        .stderr(predicate::str::contains("history.csv"))
        .stderr(predicate::str::contains("email, voice"));
}

#[test]
fn history_too_short_for_a_weekly_season_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let out = dir.path().join("f.csv");
    write_history(&history, 2);
    rota()
        .args(["forecast", "--history"])
        .arg(&history)
        .args(["--from", "2026-06-15", "--out"])
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains("too short"));
}

#[test]
fn forecast_with_the_sample_configuration_uses_its_hours_grid_and_events() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let out = dir.path().join("forecast.csv");
    write_history(&history, 10);
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/samples/centre.toml");
    rota()
        .args(["forecast", "--history"])
        .arg(&history)
        .arg("--config")
        .arg(&config)
        .args([
            "--from",
            "2026-08-10",
            "--days",
            "2",
            "--channel",
            "voice",
            "--out",
        ])
        .arg(&out)
        .assert()
        .success();
    let text = std::fs::read_to_string(&out).unwrap();
    // The configuration's 15-minute grid: 2 days x 96 intervals of voice.
    assert_eq!(text.lines().count(), 1 + 2 * 96);
    let config_text = std::fs::read_to_string(&config).unwrap();
    assert!(config_text.contains("[channels.voice]"));
    // 03:00 is outside every configured opening hour of voice: exactly 0.
    let night = text
        .lines()
        .find(|l| l.starts_with("2026-08-10T03:00:00+01:00,voice"))
        .unwrap();
    assert!(night.contains(",voice,0,0,0,0,"), "{night}");
}

/// Without a configuration, a weekday the export never has contacts on (its rows simply missing,
/// as many exports leave closed days out) is closed in the forecast: exactly zero, not a few calls
/// smoothed over from the weekdays.
#[test]
fn weekdays_missing_from_every_recent_week_are_forecast_closed() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full.csv");
    write_history(&full, 10);
    let text = std::fs::read_to_string(&full).unwrap();
    let weekdays_only: String = text
        .lines()
        .filter(|l| {
            let Ok(d) = chrono::NaiveDate::parse_from_str(l.get(..10).unwrap_or(""), "%Y-%m-%d")
            else {
                return true; // the header
            };
            use chrono::Datelike;
            d.weekday().num_days_from_monday() < 5
        })
        .map(|l| format!("{l}\n"))
        .collect();
    let history = dir.path().join("weekdays.csv");
    std::fs::write(&history, weekdays_only).unwrap();
    let out = dir.path().join("forecast.csv");
    rota()
        .args(["forecast", "--history"])
        .arg(&history)
        .args(["--from", "2026-08-10", "--days", "7", "--out"])
        .arg(&out)
        .assert()
        .success();
    let mut reader = csv::Reader::from_path(&out).unwrap();
    let mut weekend = 0;
    for r in reader.records() {
        let r = r.unwrap();
        if r[0].starts_with("2026-08-15") || r[0].starts_with("2026-08-16") {
            weekend += 1;
            assert_eq!(&r[2], "0", "a closed weekend is forecast as zero: {r:?}");
        }
    }
    assert_eq!(weekend, 2 * 2 * 24, "weekend rows for both channels");
}

/// A counts-only export (interval, channel, offered; `tests/fixtures/exports/counts_only.csv`)
/// forecasts volume with no configuration at all: the weekend, absent from every week, is closed,
/// the AHT cells are empty, and staffing that forecast says once how to give a handle time.
#[test]
fn counts_only_history_forecasts_volume_without_a_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("volume.csv");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/exports/counts_only.csv");
    rota()
        .args(["forecast", "--history"])
        .arg(&fixture)
        .args(["--from", "16/11/2026", "--days", "7", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "no handle time: a volume forecast",
        ))
        .stdout(predicate::str::contains("Sat 21 Nov 0,"))
        // Issue 16: the grain it is judged at, and the selection's own out-of-sample record.
        .stdout(predicate::str::contains(
            "planned per interval: the selection's out-of-sample error",
        ));
    let text = std::fs::read_to_string(&out).unwrap();
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 7 * 48);
    assert!(
        rows.iter().all(|r| r.len() == 7 && r[6].is_empty()),
        "AHT cells are empty"
    );
    let monday: f64 = rows
        .iter()
        .filter(|r| r[0].starts_with("2026-11-16"))
        .map(|r| r[2].parse::<f64>().unwrap())
        .sum();
    assert!((300.0..500.0).contains(&monday), "Monday's volume {monday}");
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/samples/centre.toml");
    let staff = rota()
        .args(["staff", "--forecast"])
        .arg(&out)
        .arg("--config")
        .arg(&config)
        .arg("--out")
        .arg(dir.path().join("req.csv"))
        .assert()
        .failure();
    let err = String::from_utf8_lossy(&staff.get_output().stderr).to_string();
    assert_eq!(err.matches("volume-only forecast").count(), 1, "{err}");
    assert!(
        err.contains("line 2, column aht_seconds") && err.contains("[channels.voice]"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

/// Issue 18, why 4: `--days`, `--horizon` and `--origins` have documented caps, refused at once.
#[test]
fn days_horizon_and_origins_over_their_caps_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let out = dir.path().join("f.csv");
    write_history(&history, 2);
    let t = std::time::Instant::now();
    rota()
        .args(["forecast", "--history"])
        .arg(&history)
        .args(["--from", "2026-06-15", "--days", "100000", "--out"])
        .arg(&out)
        .assert()
        .failure()
        .stderr(predicate::str::contains("100000 is not in 1..=92"));
    rota()
        .args(["backtest", "--history"])
        .arg(&history)
        .args(["--horizon", "100000w"])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "horizon `100000w` is 700000 days; expected 1 to 92 days",
        ));
    rota()
        .args(["backtest", "--history"])
        .arg(&history)
        .args(["--origins", "5000"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("5000 is not in 1..=104"));
    assert!(t.elapsed().as_secs_f64() < 5.0, "{:?}", t.elapsed());
    let help = rota().args(["forecast", "--help"]).output().unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("1 to 92"));
}

/// Issue 18, why 2 and 5: `volume_factor = 1e300` (whose forecast never ended), `aht_seconds =
/// 1e12` and shrinkage 0.999999 are configuration errors naming the range.
#[test]
fn implausible_configuration_values_are_errors_naming_the_range() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("history.csv");
    let out = dir.path().join("f.csv");
    write_history(&history, 10);
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("data/samples/centre.toml"),
    )
    .unwrap();
    let config = dir.path().join("centre.toml");
    std::fs::write(
        &config,
        sample
            .replacen("volume_factor = 1.25", "volume_factor = 1e300", 1)
            .replacen("aht_seconds = 900", "aht_seconds = 1e12", 1)
            .replacen(
                "[shrinkage.activities]\nsickness = 0.06",
                "[shrinkage.activities]\nsickness = 0.85",
                1,
            ),
    )
    .unwrap();
    let t = std::time::Instant::now();
    let assert = rota()
        .args(["forecast", "--history"])
        .arg(&history)
        .arg("--config")
        .arg(&config)
        .args(["--from", "2026-08-10", "--out"])
        .arg(&out)
        .assert()
        .failure();
    let stderr = String::from_utf8_lossy(&assert.get_output().stderr).into_owned();
    for expected in [
        "special_days[0].volume_factor: 1e300 is implausible; expected more than 0 and at most 100 times normal volume",
        "channels.voice.aht_seconds: 1e12 is implausible; expected more than 0 and at most 14400 seconds",
        "shrinkage.activities: shrinkage",
        "is implausible: every required agent would need",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    assert!(t.elapsed().as_secs_f64() < 5.0, "{:?}", t.elapsed());
}
