//! What the Today tests share (`tests/api_today.rs`, `tests/dashboard_today.rs`): an HTTP client
//! with the write token, the sample centre with a forecast and a quick roster of Monday
//! 2026-11-16 made through the API, and actual rows for that morning.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

pub use super::answer;
use super::Server;

/// The write token the Today tests start the server with.
pub const WRITE: &str = "write-token-for-today-0123456789";
/// The moment the tests look at: Monday of the sample week, 10:15.
pub const NOW: &str = "2026-11-16T10:15:00+00:00";
/// [`NOW`] in a query string (`+` written `%2B`).
pub const NOW_QUERY: &str = "2026-11-16T10:15:00%2B00:00";

/// An HTTP client that hands back error statuses.
pub fn agent() -> ureq::Agent {
    super::agent(Duration::from_secs(300))
}

/// `GET` with the write token.
pub fn get(server: &Server, path: &str) -> (u16, Value) {
    answer(
        agent()
            .get(&server.url(path))
            .header("authorization", &format!("Bearer {WRITE}"))
            .call(),
    )
}

/// `GET` answered 200, its JSON.
pub fn get_ok(server: &Server, path: &str) -> Value {
    let (status, body) = get(server, path);
    assert_eq!(status, 200, "GET {path}: {body}");
    body
}

/// `POST` JSON with `token`.
pub fn post(server: &Server, path: &str, token: &str, body: &Value) -> (u16, Value) {
    answer(
        agent()
            .post(&server.url(path))
            .header("authorization", &format!("Bearer {token}"))
            .send_json(body),
    )
}

/// `POST` a body of `content_type` with the write token.
pub fn post_bytes(server: &Server, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    answer(
        agent()
            .post(&server.url(path))
            .header("authorization", &format!("Bearer {WRITE}"))
            .header("content-type", content_type)
            .send(body),
    )
}

/// Starts a job and waits for it to succeed; the id of its result.
pub fn run_job(server: &Server, path: &str, body: &Value) -> i64 {
    let (status, job) = post(server, path, WRITE, body);
    assert_eq!(status, 202, "{job}");
    let id = job["id"].as_i64().expect("job id");
    let start = Instant::now();
    loop {
        let job = get_ok(server, &format!("/v1/jobs/{id}"));
        match job["status"].as_str() {
            Some("succeeded") => return job["result_id"].as_i64().expect("result id"),
            Some("queued" | "running") => {}
            _ => panic!("job failed: {job}"),
        }
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "job {id} too slow"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

/// The sample centre with its history, a one-day forecast of Monday 2026-11-16 and a quick roster
/// of it: (centre, forecast id, roster id, the forecast CSV).
pub fn sample_day(server: &Server) -> (i64, i64, i64, String) {
    let (_, toml) = answer(
        agent()
            .get(&server.url("/v1/samples/centre.toml"))
            .header("authorization", &format!("Bearer {WRITE}"))
            .call(),
    );
    let toml = toml.as_str().expect("toml text").to_string();
    let (status, centre) = post(
        server,
        "/v1/centres",
        WRITE,
        &json!({ "config_toml": toml }),
    );
    assert_eq!(status, 201, "{centre}");
    let centre = centre["id"].as_i64().expect("centre id");
    let history =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("data/samples/history.csv.gz"))
            .expect("sample history");
    let (status, uploaded) = post_bytes(
        server,
        &format!("/v1/centres/{centre}/histories?filename=history.csv.gz"),
        "application/gzip",
        &history,
    );
    assert_eq!(status, 201, "{uploaded}");
    let forecast = run_job(
        server,
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": uploaded["history"]["id"], "first_day": "2026-11-16", "days": 1}),
    );
    let (status, set) = post(
        server,
        &format!("/v1/forecasts/{forecast}/requirements"),
        WRITE,
        &json!({}),
    );
    assert!(status == 201 || status == 200, "{set}");
    let roster = run_job(
        server,
        &format!("/v1/centres/{centre}/schedules"),
        &json!({"requirement_set_id": set["id"], "time_limit_s": 10}),
    );
    let mut resp = agent()
        .get(&server.url(&format!("/v1/forecasts/{forecast}/forecast.csv")))
        .header("authorization", &format!("Bearer {WRITE}"))
        .call()
        .expect("forecast.csv");
    let csv = resp.body_mut().read_to_string().expect("forecast text");
    (centre, forecast, roster, csv)
}

/// Actual rows for every channel's intervals of 08:00-10:15, at `factor` times the forecast mean.
pub fn morning_rows(forecast_csv: &str, factor: f64) -> Vec<Value> {
    let mut lines = forecast_csv.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col = |n: &str| header.iter().position(|h| *h == n).expect(n);
    let (t, ch, mean) = (col("interval_start"), col("channel"), col("offered_mean"));
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|c| {
            let time = &c[t][11..16];
            ("08:00".."10:15").contains(&time)
        })
        .map(|c| {
            let f: f64 = c[mean].parse().expect("mean");
            json!({"interval_start": c[t], "channel": c[ch],
                   "offered": (f * factor).round(), "abandoned": (f * factor * 0.2).round()})
        })
        .collect()
}

/// A file the server serves, as text (`GET` with the write token, answered 200).
pub fn get_text(server: &Server, path: &str) -> String {
    let mut resp = agent()
        .get(&server.url(path))
        .header("authorization", &format!("Bearer {WRITE}"))
        .call()
        .expect("request");
    assert_eq!(resp.status().as_u16(), 200, "GET {path}");
    resp.body_mut().read_to_string().expect("text")
}

/// Agent state events for the first agent rostered on Monday 2026-11-16 from before 10:00: logged
/// in `late` minutes after the shift's start on the shift's first channel, logged out at its end.
/// Returns the agent and the events CSV.
pub fn late_log_in(shifts_csv: &str, activities_csv: &str, late: i64) -> (String, String) {
    let candidates: Vec<Vec<&str>> = shifts_csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|c| c[2] == "2026-11-16" && c[3] < "2026-11-16T10:00")
        .collect();
    assert!(
        !candidates.is_empty(),
        "a shift starting before 10:00 on Monday"
    );
    // Minutes worked per channel in a shift: the agent logs in on the channel worked most, and
    // an agent who works one channel all day is preferred, whatever the roster chose this time.
    let worked = |agent: &str, start: &str, end: &str| {
        let mut by: std::collections::BTreeMap<String, i64> = Default::default();
        for c in activities_csv
            .lines()
            .map(|l| l.split(',').collect::<Vec<_>>())
        {
            if c[0] == agent && c[1] >= start && c[2] <= end && c[3] == "work" {
                let (a, b) = (
                    chrono::DateTime::parse_from_rfc3339(c[1]).expect("start"),
                    chrono::DateTime::parse_from_rfc3339(c[2]).expect("end"),
                );
                *by.entry(c[4].to_string()).or_default() += (b - a).num_minutes();
            }
        }
        by
    };
    let shift = candidates
        .iter()
        .find(|c| worked(c[0], c[3], c[4]).len() == 1)
        .unwrap_or(&candidates[0]);
    let (agent, start, end) = (shift[0].to_string(), shift[3], shift[4]);
    let channel = worked(&agent, start, end)
        .into_iter()
        .max_by_key(|(_, m)| *m)
        .map(|(c, _)| c)
        .expect("a work period");
    let start = chrono::DateTime::parse_from_rfc3339(start).expect("shift start");
    let login = (start + chrono::Duration::minutes(late)).to_rfc3339();
    let csv = format!(
        "agent_id,timestamp,state,channel\n{agent},{login},available,{channel}\n\
         {agent},{end},offline,\n"
    );
    (agent, csv)
}
