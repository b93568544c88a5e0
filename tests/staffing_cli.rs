//! End-to-end tests of `rota erlang` and `rota staff`, driving the real binary.

use assert_cmd::Command;
use predicates::prelude::*;

fn rota() -> Command {
    Command::cargo_bin("rota").expect("the rota binary is built")
}

fn json_of(output: &[u8]) -> serde_json::Value {
    serde_json::from_slice(output).expect("rota erlang --json prints JSON")
}

fn close(v: &serde_json::Value, key: &str, want: f64) {
    let got = v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing in {v}"));
    assert!(
        (got - want).abs() <= 1e-9 * want.abs().max(1e-3),
        "{key}: got {got}, want {want}"
    );
}

/// Reference case P1 (pyworkforce's Erlang A example): 100 calls per 30 min, AHT 180 s,
/// patience 300 s, 13 agents, 20 s.
#[test]
fn erlang_json_matches_reference_case_p1() {
    let out = rota()
        .args([
            "erlang",
            "--model",
            "a",
            "--calls-per-hour",
            "200",
            "--aht-s",
            "180",
        ])
        .args([
            "--patience-s",
            "300",
            "--agents",
            "13",
            "--threshold-s",
            "20",
            "--json",
        ])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    assert_eq!(v["n_agents"], 13);
    close(&v, "p_wait", 0.225797084047375);
    close(&v, "p_abandon", 0.0249633036335719);
    close(&v, "sl_served_within_t", 0.858177700030763);
    close(&v, "sl_given_served", 0.880149130005925);
    close(&v, "asa_all_s", 7.48899109007156);
    close(&v, "asa_served_s", 6.91396830606578);
    close(&v, "occupancy", 0.750028227974175);
}

/// Reference case M2 (Erlang C): 14 agents is the smallest staffing for 80% in 20 s.
#[test]
fn erlang_required_agents_mode() {
    let out = rota()
        .args([
            "erlang",
            "--model",
            "c",
            "--calls-per-hour",
            "200",
            "--aht-s",
            "180",
        ])
        .args(["--service-level", "0.8", "--threshold-s", "20", "--json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v = json_of(&out);
    assert_eq!(v["n_agents"], 14);
    close(&v, "sl_served_within_t", 0.888350019179467);
    assert_eq!(v["targets_met"], true);

    // All targets at once, human table.
    rota()
        .args([
            "erlang",
            "--model",
            "a",
            "--calls-per-hour",
            "200",
            "--aht-s",
            "180",
            "--patience-s",
            "300",
        ])
        .args([
            "--max-abandon",
            "0.1",
            "--max-asa-s",
            "120",
            "--service-level",
            "0.8",
            "--threshold-s",
            "20",
        ])
        .args(["--max-occupancy", "0.9"])
        .assert()
        .success()
        .stdout(predicate::str::contains("required agents").and(predicate::str::contains("13")));
}

#[test]
fn erlang_bad_input_fails_with_clear_message() {
    rota()
        .args([
            "erlang",
            "--model",
            "c",
            "--calls-per-hour",
            "200",
            "--aht-s",
            "0",
            "--agents",
            "5",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "0 is not a handle time; expected more than 0 and at most 86400 seconds",
        ));
    rota()
        .args([
            "erlang",
            "--model",
            "a",
            "--calls-per-hour",
            "200",
            "--aht-s",
            "180",
        ])
        .args(["--patience-s", "0", "--agents", "13"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("patience must be greater than 0"));
    rota()
        .args([
            "erlang",
            "--model",
            "a",
            "--calls-per-hour",
            "200",
            "--aht-s",
            "180",
        ])
        .args(["--patience-s", "300", "--max-asa-s", "0"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("impossible target").and(predicate::str::contains("ASA")));
    rota()
        .args([
            "erlang",
            "--model",
            "c",
            "--calls-per-hour",
            "-5",
            "--aht-s",
            "180",
            "--agents",
            "3",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains(
            "-5 is not a contact rate; expected 0 to 400000 contacts an hour",
        ));
    rota()
        .args([
            "erlang",
            "--model",
            "c",
            "--calls-per-hour",
            "200",
            "--aht-s",
            "180",
            "--agents",
            "9",
        ])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no steady state"));
}

/// A two-day forecast for the sample centre's five channels (Monday 23 and Tuesday 24 November
/// 2026), bell-shaped over the day.
fn write_forecast(dir: &std::path::Path) -> std::path::PathBuf {
    let mut text = String::from(
        "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n",
    );
    let channels = [
        ("voice", 40.0, 900),
        ("reception", 6.0, 600),
        ("chat", 12.0, 600),
        ("email", 8.0, 480),
        ("social", 3.0, 300),
    ];
    for day in [23, 24] {
        for q in 0..96 {
            let (h, m) = (q * 15 / 60, q * 15 % 60);
            for (name, peak, aht) in channels {
                let shape = (1.0 - ((q as f64 - 46.0) / 22.0).powi(2)).max(0.05);
                let v = peak * shape;
                text.push_str(&format!(
                    "2026-11-{day}T{h:02}:{m:02}:00+00:00,{name},{v:.3},{:.3},{v:.3},{:.3},{aht}\n",
                    v * 0.8,
                    v * 1.2
                ));
            }
        }
    }
    let path = dir.join("forecast.csv");
    std::fs::write(&path, text).expect("write forecast fixture");
    path
}

fn sample_config() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/samples/centre.toml")
}

fn read_rows(path: &std::path::Path) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_path(path).expect("staffing CSV is readable");
    let headers = r.headers().expect("header").clone();
    r.records()
        .map(|rec| {
            let rec = rec.expect("row");
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn staff_writes_requirements_that_meet_targets() {
    let dir = tempfile::tempdir().expect("tempdir");
    let forecast = write_forecast(dir.path());
    let out = dir.path().join("requirements.csv");
    rota()
        .args(["staff", "--forecast"])
        .arg(&forecast)
        .arg("--config")
        .arg(sample_config())
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("required hrs")
                .and(predicate::str::contains("voice"))
                .and(predicate::str::contains("email"))
                .and(predicate::str::contains("peak")),
        );
    let text = std::fs::read_to_string(&out).expect("output written");
    assert!(text.starts_with(
        "interval_start,channel,offered,aht_seconds,required_agents,abandon_rate,asa_seconds,service_level,occupancy"
    ));
    let rows = read_rows(&out);
    assert_eq!(rows.len(), 2 * 96 * 5);
    let num = |r: &std::collections::HashMap<String, String>, k: &str| {
        r[k].parse::<f64>().unwrap_or(f64::NAN)
    };
    let mut staffed_voice = 0;
    for r in rows
        .iter()
        .filter(|r| r["channel"] == "voice" && num(r, "required_agents") > 0.0)
    {
        staffed_voice += 1;
        // The sample centre's voice targets: abandon <= 10%, ASA <= 120 s, occupancy <= 85%.
        assert!(num(r, "abandon_rate") <= 0.10, "{r:?}");
        assert!(num(r, "asa_seconds") <= 120.0, "{r:?}");
        assert!(num(r, "occupancy") <= 0.85, "{r:?}");
        assert!(num(r, "scheduled_heads") > num(r, "required_agents"));
    }
    assert_eq!(
        staffed_voice,
        2 * 40,
        "voice is open 08:00-18:00 on weekdays"
    );
    // Email is worked 08:00-18:00 only; at night nobody is required.
    assert!(rows
        .iter()
        .filter(|r| r["channel"] == "email" && r["interval_start"].contains("T03:00"))
        .all(|r| num(r, "required_agents") == 0.0));
}

#[test]
fn staff_evaluate_predicts_worse_kpis_for_fewer_agents() {
    let dir = tempfile::tempdir().expect("tempdir");
    let forecast = write_forecast(dir.path());
    let req = dir.path().join("requirements.csv");
    rota()
        .args(["staff", "--forecast"])
        .arg(&forecast)
        .arg("--config")
        .arg(sample_config())
        .arg("--out")
        .arg(&req)
        .assert()
        .success();
    // Two agents fewer on voice in every staffed interval.
    let mut agents = String::from("interval_start,channel,agents\n");
    for r in read_rows(&req) {
        let n: f64 = r["required_agents"].parse().expect("number");
        let n = if r["channel"] == "voice" {
            (n - 2.0).max(0.0)
        } else {
            n
        };
        agents.push_str(&format!("{},{},{n}\n", r["interval_start"], r["channel"]));
    }
    let agents_path = dir.path().join("agents.csv");
    std::fs::write(&agents_path, agents).expect("write agents");
    let kpis = dir.path().join("kpis.csv");
    rota()
        .args(["staff", "--evaluate", "--agents"])
        .arg(&agents_path)
        .arg("--forecast")
        .arg(&forecast)
        .arg("--config")
        .arg(sample_config())
        .arg("--out")
        .arg(&kpis)
        .assert()
        .success()
        .stdout(predicate::str::contains("Predicted KPIs"));
    let planned = read_rows(&req);
    let predicted = read_rows(&kpis);
    assert_eq!(planned.len(), predicted.len());
    let mut worse = 0;
    for (p, k) in planned.iter().zip(&predicted) {
        assert_eq!(p["interval_start"], k["interval_start"]);
        let (pa, ka): (f64, f64) = (
            p["abandon_rate"].parse().unwrap(),
            k["abandon_rate"].parse().unwrap(),
        );
        if p["channel"] == "voice" && p["required_agents"] != "0" {
            assert!(ka > pa, "{p:?} vs {k:?}");
            worse += 1;
        } else {
            assert!((ka - pa).abs() < 1e-9, "{p:?} vs {k:?}");
        }
    }
    assert!(worse > 0);
}

#[test]
fn staff_rejects_a_bad_agents_file_with_its_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let forecast = write_forecast(dir.path());
    let agents = dir.path().join("agents.csv");
    std::fs::write(&agents, "interval_start,channel,agents\n2026-11-23T08:00:00+00:00,voice,5\n2026-11-23T08:15:00+00:00,voice,many\n")
        .expect("write agents");
    rota()
        .args(["staff", "--evaluate", "--agents"])
        .arg(&agents)
        .arg("--forecast")
        .arg(&forecast)
        .arg("--config")
        .arg(sample_config())
        .arg("--out")
        .arg(dir.path().join("k.csv"))
        .assert()
        .failure()
        .stderr(predicate::str::contains("line 3").and(predicate::str::contains("agents")));
}
