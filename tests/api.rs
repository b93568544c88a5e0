//! End-to-end tests of the HTTP service: start the real `rota serve` on a random port with a
//! temporary database and talk HTTP to it (no mocks of our own code).

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::{answer, Server};

const WRITE: &str = "write-token-for-tests-0123456789";
const READ: &str = "read-token-for-tests-0123456789";

impl Server {
    /// `rota serve` with this file's write and read tokens.
    fn with_tokens(db: &Path, extra: &[&str]) -> Self {
        Server::start(db, WRITE, Some(READ), extra)
    }
}

fn agent() -> ureq::Agent {
    common::agent(Duration::from_secs(120))
}

fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// `GET` with a token; returns (status, body text).
fn get(server: &Server, path: &str, token: Option<&str>) -> (u16, String) {
    let mut req = agent().get(&server.url(path));
    if let Some(t) = token {
        req = req.header("authorization", &format!("Bearer {t}"));
    }
    let mut resp = req.call().expect("request");
    let status = resp.status().as_u16();
    (status, resp.body_mut().read_to_string().unwrap_or_default())
}

fn get_json(server: &Server, path: &str) -> Value {
    let (status, body) = get(server, path, Some(WRITE));
    assert_eq!(status, 200, "GET {path}: {body}");
    serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
}

/// `POST` JSON with the write token; returns (status, JSON body).
fn post_json(server: &Server, path: &str, body: &Value) -> (u16, Value) {
    answer(
        agent()
            .post(&server.url(path))
            .header("authorization", &format!("Bearer {WRITE}"))
            .send_json(body),
    )
}

fn post_bytes(server: &Server, path: &str, content_type: &str, body: &[u8]) -> (u16, Value) {
    answer(
        agent()
            .post(&server.url(path))
            .header("authorization", &format!("Bearer {WRITE}"))
            .header("content-type", content_type)
            .send(body),
    )
}

/// Starts a job (`POST path` with `body`, answered 202), waits for it to succeed and returns the
/// id of its result.
fn run_job(server: &Server, path: &str, body: &Value) -> i64 {
    let (status, job) = post_json(server, path, body);
    assert_eq!(status, 202, "{job}");
    let job = wait_job(
        server,
        job["id"].as_i64().expect("id"),
        Duration::from_secs(300),
    );
    assert_eq!(job["status"], "succeeded", "{job}");
    job["result_id"].as_i64().expect("result id")
}

fn create_sample_centre(server: &Server) -> i64 {
    let (status, toml) = get(server, "/v1/samples/centre.toml", Some(READ));
    assert_eq!(status, 200);
    let (status, centre) = post_json(server, "/v1/centres", &json!({ "config_toml": toml }));
    assert_eq!(status, 201, "{centre}");
    assert_eq!(centre["name"], "Northmoor Homes");
    centre["id"].as_i64().expect("centre id")
}

/// The sample configuration again under another name ("Second Housing Group"); returns its id.
fn create_second_centre(server: &Server) -> i64 {
    let (_, toml) = get(server, "/v1/samples/centre.toml", Some(READ));
    let (status, centre) = post_json(
        server,
        "/v1/centres",
        &json!({"name": "Second Housing Group", "config_toml": toml}),
    );
    assert_eq!(status, 201, "{centre}");
    centre["id"].as_i64().expect("id")
}

/// Uploads the bundled sample history to `centre`; returns the 201 answer.
fn upload_sample_history(server: &Server, centre: i64) -> Value {
    let history = std::fs::read(repo("data/samples/history.csv.gz")).expect("sample history");
    let (status, uploaded) = post_bytes(
        server,
        &format!("/v1/centres/{centre}/histories?filename=history.csv.gz"),
        "application/gzip",
        &history,
    );
    assert_eq!(status, 201, "{uploaded}");
    uploaded
}

/// Polls a job until it leaves queued/running; panics after `limit`.
fn wait_job(server: &Server, id: i64, limit: Duration) -> Value {
    let start = Instant::now();
    let mut last_progress = 0.0;
    loop {
        let job = get_json(server, &format!("/v1/jobs/{id}"));
        let status = job["status"].as_str().unwrap_or("").to_string();
        let progress = job["progress"].as_f64().expect("progress");
        assert!((0.0..=1.0).contains(&progress), "{job}");
        if status == "running" {
            assert!(
                progress >= last_progress - 1e-9,
                "progress went back: {job}"
            );
            last_progress = progress;
        }
        if status != "queued" && status != "running" {
            return job;
        }
        assert!(
            start.elapsed() < limit,
            "job {id} still {status} after {limit:?}: {job}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

fn wait_status(server: &Server, id: i64, want: &str) {
    let start = Instant::now();
    while get_json(server, &format!("/v1/jobs/{id}"))["status"] != want {
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "job {id} never {want}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until job `id` has been started `attempts` times (taken up again after its server
/// stopped) and is running; returns it.
fn wait_attempts(server: &Server, id: i64, attempts: i64) -> Value {
    let start = Instant::now();
    loop {
        let job = get_json(server, &format!("/v1/jobs/{id}"));
        if job["attempts"] == attempts && job["status"] == "running" {
            return job;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "job {id} never started {attempts} times: {job}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn assert_problem(status: u16, body: &Value, want: u16, context: &str) {
    assert_eq!(status, want, "{context}: {body}");
    assert_eq!(
        body["status"], want,
        "{context}: not a problem document: {body}"
    );
    assert!(
        body["detail"].as_str().is_some_and(|d| !d.is_empty()),
        "{context}: {body}"
    );
}

#[test]
fn health_and_ready_answer_without_a_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &[]);
    for (path, status) in [("/health", "ok"), ("/ready", "ready")] {
        let mut resp = agent().get(&server.url(path)).call().expect("request");
        assert_eq!(resp.status(), 200, "{path}");
        assert!(resp.headers().contains_key("x-request-id"), "{path}");
        let body: Value = resp.body_mut().read_json().expect("json body");
        assert_eq!(body["status"], status, "{path}: {body}");
    }
    // A sane incoming request id is kept, so a proxy's id follows the request.
    let resp = agent()
        .get(&server.url("/health"))
        .header("x-request-id", "abc-123")
        .call()
        .expect("request");
    assert_eq!(
        resp.headers()
            .get("x-request-id")
            .and_then(|v| v.to_str().ok()),
        Some("abc-123")
    );
}

#[test]
fn serving_without_a_token_configured_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(env!("CARGO_BIN_EXE_rota"))
        .args(["serve", "--bind", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("rota.db"))
        .env_remove("ROTA_API_TOKENS")
        .output()
        .expect("run rota serve");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ROTA_API_TOKENS"), "{err}");
}

#[test]
fn erlang_endpoint_matches_the_reference_and_rejects_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &[]);
    let http = agent();
    // Reference case M2 (shared/reference/queueing_reference.csv): Erlang C, 200 calls an hour,
    // AHT 180 s, 14 agents, t = 20 s -> P(wait) 0.17413193359505, SL 0.888350019179467.
    // A viewer's read token may use the calculator: it changes nothing.
    let mut resp = http
        .post(&server.url("/v1/staffing/erlang"))
        .header("authorization", &format!("Bearer {READ}"))
        .send_json(json!({
            "model": "c", "calls_per_hour": 200.0, "aht_s": 180.0, "agents": 14, "threshold_s": 20.0
        }))
        .expect("request");
    assert_eq!(resp.status(), 200);
    let body: Value = resp.body_mut().read_json().expect("json");
    assert_eq!(body["n_agents"], 14);
    let rel = |got: &Value, want: f64| (got.as_f64().expect("number") - want).abs() / want;
    assert!(rel(&body["p_wait"], 0.17413193359505) < 1e-9, "{body}");
    assert!(
        rel(&body["sl_served_within_t"], 0.888350019179467) < 1e-9,
        "{body}"
    );

    // AHT 0 is a 422 problem, not a 500.
    let (status, problem) = post_json(
        &server,
        "/v1/staffing/erlang",
        &json!({"model": "c", "calls_per_hour": 100.0, "aht_s": 0.0, "agents": 8}),
    );
    assert_problem(status, &problem, 422, "AHT 0");
    let detail = problem["detail"].as_str().unwrap_or("").to_lowercase();
    assert!(
        detail.contains("aht") || detail.contains("handle"),
        "{problem}"
    );

    // Malformed JSON is a 400 problem with the problem content type.
    let resp = http
        .post(&server.url("/v1/staffing/erlang"))
        .header("authorization", &format!("Bearer {READ}"))
        .header("content-type", "application/json")
        .send("{not json")
        .expect("request");
    assert_eq!(resp.status(), 400);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
}

/// The whole flow over HTTP: sample centre -> upload history -> forecast -> requirements ->
/// schedule -> simulate -> roster files; then a hard restart loses nothing that was acknowledged,
/// and the job that was running is reported failed, not lost.
#[test]
fn full_flow_then_restart_keeps_everything() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("rota.db");
    let server = Server::with_tokens(&db, &["--job-workers", "1"]);

    let centre = create_sample_centre(&server);
    let uploaded = upload_sample_history(&server, centre);
    let history_id = uploaded["history"]["id"].as_i64().expect("history id");
    assert_eq!(uploaded["history"]["last_day"], "2026-11-15");
    let channels: Vec<&str> = uploaded["summary"]["channels"]
        .as_array()
        .expect("channels")
        .iter()
        .filter_map(|c| c["channel"].as_str())
        .collect();
    assert!(channels.contains(&"voice"), "{channels:?}");
    assert!(uploaded["summary_text"]
        .as_str()
        .unwrap_or("")
        .contains("voice"));

    // Forecast job.
    let forecast_id = run_job(
        &server,
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": history_id, "first_day": "2026-11-16", "days": 7}),
    );
    let (status, forecast_csv) = get(
        &server,
        &format!("/v1/forecasts/{forecast_id}/forecast.csv"),
        Some(READ),
    );
    assert_eq!(status, 200);
    let mut lines = forecast_csv.lines();
    assert_eq!(
        lines.next(),
        Some("interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds")
    );
    assert!(
        lines.count() >= 7 * 96,
        "{} forecast rows",
        forecast_csv.lines().count()
    );
    assert!(forecast_csv.contains("2026-11-16T09:00:00+00:00,voice,"));

    // Stateless staffing on the downloaded forecast: nothing stored, same answer as a set.
    let (status, stateless) = post_bytes(
        &server,
        &format!("/v1/staffing/requirements?centre_id={centre}"),
        "text/csv",
        forecast_csv.as_bytes(),
    );
    assert_eq!(status, 200, "{stateless}");
    let (status, set) = post_json(
        &server,
        &format!("/v1/forecasts/{forecast_id}/requirements"),
        &json!({}),
    );
    assert_eq!(status, 201, "{set}");
    assert_eq!(stateless["summary"], set["summary"]);
    let set_id = set["id"].as_i64().expect("set id");

    // Schedule job (short solver limit: the debug build is slow and the test checks plumbing).
    let roster_id = run_job(
        &server,
        &format!("/v1/centres/{centre}/schedules"),
        &json!({"requirement_set_id": set_id, "time_limit_s": 20}),
    );
    let roster = get_json(&server, &format!("/v1/rosters/{roster_id}"));
    assert!(
        roster["summary"]["summary"]["shifts"].as_u64().unwrap_or(0) > 0,
        "{roster}"
    );

    // Simulation job: KPIs against targets.
    let sim_id = run_job(
        &server,
        &format!("/v1/rosters/{roster_id}/simulations"),
        &json!({"replications": 4, "seed": 3}),
    );
    let sim = get_json(&server, &format!("/v1/simulations/{sim_id}"));
    let kpis = sim["kpis"].as_array().expect("kpis");
    let voice_abandon = kpis
        .iter()
        .find(|k| k["channel"] == "voice" && k["kpi"] == "abandon_rate")
        .unwrap_or_else(|| panic!("no voice abandon rate: {sim}"));
    assert_eq!(voice_abandon["target"], 0.1);
    let rate = voice_abandon["value"].as_f64().expect("value");
    assert!((0.0..=1.0).contains(&rate), "{voice_abandon}");
    // The sample centre is understaffed on purpose (README): its 45 agents cannot meet the voice
    // targets, so the verdict must say so.
    assert!(
        rate > 0.1,
        "voice abandon {rate} meets a target it cannot meet"
    );
    assert_eq!(voice_abandon["met"], false, "{voice_abandon}");
    assert_eq!(sim["all_targets_met"], false);

    // The planner's files.
    let mut files = Vec::new();
    for (name, header) in [
        (
            "shifts.csv",
            "agent_id,agent_name,date,start,end,paid_hours,breaks",
        ),
        ("activities.csv", "agent_id,start,end,activity,channel"),
        ("coverage.csv", "interval_start,channel"),
    ] {
        let (status, text) = get(
            &server,
            &format!("/v1/rosters/{roster_id}/{name}"),
            Some(READ),
        );
        assert_eq!(status, 200, "{name}");
        assert!(
            text.starts_with(header),
            "{name}: {}",
            &text[..text.len().min(200)]
        );
        assert!(text.lines().count() > 10, "{name} has too few rows");
        files.push((name, text));
    }
    assert!(files[0].1.contains("2026-11-16T"), "shifts in the week");

    // The service's simulation is the CLI's: the same forecast, roster, replications and seed
    // through `rota simulate` give the same per-interval KPIs, byte for byte.
    let cli_dir = dir.path().join("cli");
    let roster_dir = cli_dir.join("roster");
    std::fs::create_dir_all(&roster_dir).expect("roster dir");
    for (name, text) in &files[..2] {
        std::fs::write(roster_dir.join(name), text).expect("write roster file");
    }
    std::fs::write(cli_dir.join("forecast.csv"), &forecast_csv).expect("write forecast");
    let cli = Command::new(env!("CARGO_BIN_EXE_rota"))
        .args(["simulate", "--config"])
        .arg(repo("data/samples/centre.toml"))
        .arg("--forecast")
        .arg(cli_dir.join("forecast.csv"))
        .arg("--roster")
        .arg(&roster_dir)
        .args(["--replications", "4", "--seed", "3", "--out"])
        .arg(cli_dir.join("sim.csv"))
        .output()
        .expect("run rota simulate");
    assert!(
        cli.status.success(),
        "{}",
        String::from_utf8_lossy(&cli.stderr)
    );
    let (status, api_intervals) = get(
        &server,
        &format!("/v1/simulations/{sim_id}/intervals.csv"),
        Some(READ),
    );
    assert_eq!(status, 200);
    let cli_intervals = std::fs::read_to_string(cli_dir.join("sim.csv")).expect("CLI output");
    assert!(
        cli_intervals.lines().count() > 7 * 24,
        "CLI simulation rows"
    );
    assert!(
        api_intervals == cli_intervals,
        "the API's simulation differs from `rota simulate` on the same inputs"
    );

    // A long schedule keeps the only job worker busy; a forecast queued behind it is cancelled at
    // once; then the server dies hard while the schedule is running (the restarted server takes
    // the schedule up again).
    let (_, long) = post_json(
        &server,
        &format!("/v1/centres/{centre}/schedules"),
        &json!({"requirement_set_id": set_id, "time_limit_s": 600}),
    );
    let long_id = long["id"].as_i64().expect("id");
    wait_status(&server, long_id, "running");
    let (_, queued) = post_json(
        &server,
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": history_id, "first_day": "2026-11-23", "days": 1}),
    );
    let queued_id = queued["id"].as_i64().expect("id");
    assert_eq!(queued["status"], "queued", "{queued}");
    let (status, cancelled) =
        post_json(&server, &format!("/v1/jobs/{queued_id}/cancel"), &json!({}));
    assert_eq!(status, 202, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled", "{cancelled}");
    let (status, again) = post_json(&server, &format!("/v1/jobs/{queued_id}/cancel"), &json!({}));
    assert_problem(status, &again, 409, "cancelling a finished job");
    server.kill();

    let server = Server::with_tokens(&db, &[]);
    let centres = get_json(&server, "/v1/centres");
    assert_eq!(centres.as_array().map(Vec::len), Some(1), "{centres}");
    let histories = get_json(&server, &format!("/v1/centres/{centre}/histories"));
    assert_eq!(histories[0]["id"], history_id);
    let (_, csv_after) = get(
        &server,
        &format!("/v1/forecasts/{forecast_id}/forecast.csv"),
        Some(READ),
    );
    assert_eq!(
        csv_after, forecast_csv,
        "forecast changed across the restart"
    );
    for (name, text) in &files {
        let (status, after) = get(
            &server,
            &format!("/v1/rosters/{roster_id}/{name}"),
            Some(READ),
        );
        assert_eq!(status, 200);
        assert_eq!(&after, text, "{name} changed across the restart");
    }
    assert_eq!(
        get_json(&server, &format!("/v1/simulations/{sim_id}"))["kpis"],
        sim["kpis"]
    );
    // The roster's simulations are listed, after a restart too (a reloaded page finds them).
    let listed = get_json(&server, &format!("/v1/rosters/{roster_id}/simulations"));
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["id"], sim_id);
    assert_eq!(listed[0]["kpis"], sim["kpis"]);
    assert_eq!(
        get_json(&server, &format!("/v1/requirements/{set_id}"))["summary"],
        set["summary"]
    );
    // The schedule the dead process was running is taken up again by the new one, its second
    // start counted; here it is then cancelled.
    let long_after = wait_attempts(&server, long_id, 2);
    assert_eq!(long_after["status"], "running", "{long_after}");
    let (status, stopped) = post_json(&server, &format!("/v1/jobs/{long_id}/cancel"), &json!({}));
    assert_eq!(status, 202, "{stopped}");
    wait_status(&server, long_id, "cancelled");
    assert_eq!(
        get_json(&server, &format!("/v1/jobs/{queued_id}"))["status"],
        "cancelled"
    );
    let jobs = get_json(&server, &format!("/v1/centres/{centre}/jobs"));
    assert_eq!(jobs.as_array().map(Vec::len), Some(5), "{jobs}");
}

/// HEAD answers wherever GET does (same status and headers, no body); a method a path does not
/// serve gets 405 with `Allow` naming the ones it does; an unknown path stays 404.
#[test]
fn head_works_wherever_get_does_and_wrong_methods_get_405() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &[]);
    let auth = format!("Bearer {WRITE}");
    for path in [
        "/health",
        "/openapi.json",
        "/",
        "/v1/centres",
        "/v1/samples/centre.toml",
    ] {
        let get = agent()
            .get(&server.url(path))
            .header("authorization", &auth)
            .call()
            .expect("GET");
        let mut head = agent()
            .head(&server.url(path))
            .header("authorization", &auth)
            .call()
            .expect("HEAD");
        assert_eq!(head.status(), 200, "HEAD {path}");
        assert_eq!(
            head.headers().get("content-type"),
            get.headers().get("content-type"),
            "HEAD {path}"
        );
        assert_eq!(
            head.body_mut().read_to_string().unwrap_or_default(),
            "",
            "HEAD {path} sent a body"
        );
    }
    for (method, path, allow) in [
        ("DELETE", "/v1/centres", "GET, HEAD, POST"),
        ("GET", "/v1/staffing/erlang", "POST"),
        ("POST", "/health", "GET, HEAD"),
        ("DELETE", "/v1/centres/1", "GET, HEAD, PUT"),
        ("PUT", "/v1/rosters/1/shifts.csv", "GET, HEAD"),
    ] {
        let req = ureq::http::Request::builder()
            .method(method)
            .uri(server.url(path))
            .header("authorization", &auth)
            .body(())
            .expect("request");
        let mut resp = agent().run(req).expect("request");
        assert_eq!(resp.status(), 405, "{method} {path}");
        assert_eq!(
            resp.headers().get("allow").and_then(|v| v.to_str().ok()),
            Some(allow),
            "{method} {path}"
        );
        let body: Value = resp.body_mut().read_json().expect("problem document");
        assert_eq!(body["status"], 405, "{body}");
    }
    let (status, _) = get(&server, "/v1/no-such-thing", Some(WRITE));
    assert_eq!(status, 404);
}

/// SIGTERM stops an idle service promptly, even with a client's keep-alive connection open, and a
/// job still solving is recorded as interrupted rather than left "running".
#[test]
fn sigterm_stops_an_idle_server_promptly_and_marks_running_jobs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("rota.db");
    let server = Server::with_tokens(&db, &[]);
    // A keep-alive connection from the same agent stays open after this request.
    let client = agent();
    let resp = client.get(&server.url("/health")).call().expect("health");
    assert_eq!(resp.status(), 200);
    let took = server
        .terminate(Duration::from_secs(10))
        .expect("rota serve still running 10 s after SIGTERM");
    assert!(
        took < Duration::from_millis(2500),
        "an idle server took {took:?} to stop"
    );

    // A long solve is running when SIGTERM arrives: the service still stops, and the job is handed
    // back: the next server takes it up (its second start).
    let server = Server::with_tokens(&db, &["--job-workers", "1"]);
    let long_id = start_a_long_schedule(&server);
    let took = server
        .terminate(Duration::from_secs(10))
        .expect("rota serve still running 10 s after SIGTERM with a job running");
    assert!(
        took < Duration::from_millis(2500),
        "took {took:?} with a job running"
    );
    let server = Server::with_tokens(&db, &[]);
    let job = wait_attempts(&server, long_id, 2);
    assert_eq!(job["status"], "running", "{job}");
    let (status, _) = post_json(&server, &format!("/v1/jobs/{long_id}/cancel"), &json!({}));
    assert_eq!(status, 202);
    wait_status(&server, long_id, "cancelled");
}

/// The sample centre with its history, a week's forecast and requirements, and a 600 s schedule job
/// of that week, running: returns the job's id.
fn start_a_long_schedule(server: &Server) -> i64 {
    let centre = create_sample_centre(server);
    let uploaded = upload_sample_history(server, centre);
    let history_id = uploaded["history"]["id"].as_i64().expect("history id");
    let forecast_id = run_job(
        server,
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": history_id, "first_day": "2026-11-16", "days": 7}),
    );
    let (status, set) = post_json(
        server,
        &format!("/v1/forecasts/{forecast_id}/requirements"),
        &json!({}),
    );
    assert_eq!(status, 201, "{set}");
    let (_, long) = post_json(
        server,
        &format!("/v1/centres/{centre}/schedules"),
        &json!({"requirement_set_id": set["id"], "time_limit_s": 600}),
    );
    let id = long["id"].as_i64().expect("id");
    wait_status(server, id, "running");
    id
}

/// A job past the service's per-job memory budget fails saying so, is not started again, and
/// the server keeps answering (issue 18: a job may not take the process down with it).
#[test]
fn a_job_past_its_memory_budget_fails_saying_so_and_the_server_keeps_serving() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(
        &dir.path().join("rota.db"),
        &["--job-memory-budget-mb", "16"],
    );
    let centre = create_sample_centre(&server);
    let uploaded = upload_sample_history(&server, centre);
    // Two years of five channels' 15-minute history, read and fitted: far more than 16 MB.
    let (status, job) = post_json(
        &server,
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": uploaded["history"]["id"], "first_day": "2026-11-16", "days": 7}),
    );
    assert_eq!(status, 202, "{job}");
    let done = wait_job(
        &server,
        job["id"].as_i64().expect("id"),
        Duration::from_secs(60),
    );
    assert_eq!(done["status"], "failed", "{done}");
    let error = done["error"].as_str().unwrap_or_default();
    assert!(error.contains("memory budget of 16 MB"), "{error}");
    assert!(error.contains("not retried"), "{error}");
    assert_eq!(done["attempts"], 1, "{done}");
    assert_eq!(get_json(&server, "/ready")["status"], "ready");
    // The data the job read is all still there.
    let histories = get_json(&server, &format!("/v1/centres/{centre}/histories"));
    assert_eq!(histories.as_array().map(Vec::len), Some(1), "{histories}");
}

/// With two job workers, centre A's long solves (one running, one queued) leave a worker for
/// centre B: B's forecast, submitted after both, completes while A's solve is still running.
#[test]
fn one_centres_long_solves_do_not_keep_another_centre_waiting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &["--job-workers", "2"]);
    let first = start_a_long_schedule(&server);
    let job = get_json(&server, &format!("/v1/jobs/{first}"));
    let params = &job["params"];
    let (_, second) = post_json(
        &server,
        &format!("/v1/centres/{}/schedules", job["centre_id"]),
        &json!({"requirement_set_id": params["requirement_set_id"], "time_limit_s": 600}),
    );
    let second = second["id"].as_i64().expect("id");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(
        get_json(&server, &format!("/v1/jobs/{second}"))["status"],
        "queued",
        "centre A may not hold both workers"
    );
    // Centre B: the same configuration under another name, its own history and forecast.
    let b = create_second_centre(&server);
    let uploaded = upload_sample_history(&server, b);
    let (status, forecast) = post_json(
        &server,
        &format!("/v1/centres/{b}/forecasts"),
        &json!({"history_id": uploaded["history"]["id"], "first_day": "2026-11-16", "days": 1}),
    );
    assert_eq!(status, 202, "{forecast}");
    let done = wait_job(
        &server,
        forecast["id"].as_i64().expect("id"),
        Duration::from_secs(60),
    );
    assert_eq!(done["status"], "succeeded", "{done}");
    assert_eq!(
        get_json(&server, &format!("/v1/jobs/{first}"))["status"],
        "running",
        "B's forecast ran beside A's solve, not after it"
    );
    for id in [second, first] {
        let (status, _) = post_json(&server, &format!("/v1/jobs/{id}/cancel"), &json!({}));
        assert_eq!(status, 202);
    }
}

/// CPU seconds (user + system) the process has used, from /proc/<pid>/stat.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc stat");
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = &stat[stat.rfind(')').expect("stat format") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().unwrap() + f[12].parse::<f64>().unwrap();
    ticks / 100.0 // USER_HZ is 100 on Linux
}

/// Cancelling a schedule job while HiGHS is solving stops the solve itself: the job is cancelled
/// within 2 s and the server's CPU goes idle (HiGHS polls the job's flag between nodes).
#[test]
fn cancelling_a_running_schedule_stops_the_solver_within_two_seconds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &["--job-workers", "1"]);
    let id = start_a_long_schedule(&server);
    // Let the solve get going: the server is busy (a core's worth of CPU).
    std::thread::sleep(Duration::from_millis(2500));
    let busy = cpu_seconds(server.pid());
    std::thread::sleep(Duration::from_millis(1000));
    // (A share of a core, whatever else the machine runs: the solve is busy.)
    assert!(
        cpu_seconds(server.pid()) - busy > 0.1,
        "the solver was not running before the cancel"
    );
    let asked = std::time::Instant::now();
    let (status, body) = post_json(&server, &format!("/v1/jobs/{id}/cancel"), &json!({}));
    assert_eq!(status, 202, "{body}");
    let job = loop {
        let job = get_json(&server, &format!("/v1/jobs/{id}"));
        if job["status"] != "running" || asked.elapsed() > Duration::from_secs(10) {
            break job;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let took = asked.elapsed();
    assert_eq!(job["status"], "cancelled", "{job}");
    assert!(took < Duration::from_secs(2), "cancelled after {took:?}");
    let idle = cpu_seconds(server.pid());
    std::thread::sleep(Duration::from_millis(1000));
    let used = cpu_seconds(server.pid()) - idle;
    assert!(
        used < 0.2,
        "the server used {used:.2} CPU s in the second after the cancel"
    );
}

/// Every operation that changes data refuses a missing, wrong or read-only token; every other
/// `/v1` operation refuses a missing token. The operations come from the OpenAPI document, so a
/// new endpoint is covered without editing this test.
#[test]
fn every_write_endpoint_needs_a_write_token() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &[]);
    let (status, doc) = get(&server, "/openapi.json", None);
    assert_eq!(status, 200);
    let doc: Value = serde_json::from_str(&doc).expect("openapi json");
    let mut writes = 0;
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let concrete = path.replace("{id}", "1").replace("{file}", "shifts.csv");
        for method in item.as_object().expect("path item").keys() {
            let public = matches!(path.as_str(), "/health" | "/ready");
            let compute = path.starts_with("/v1/staffing/");
            let write = method != "get" && !compute;
            let tokens: &[(Option<&str>, u16)] = if public {
                &[]
            } else if write {
                writes += 1;
                &[
                    (None, 401),
                    (Some("not-a-valid-token-at-all"), 401),
                    (Some(READ), 403),
                ]
            } else {
                &[(None, 401), (Some("not-a-valid-token-at-all"), 401)]
            };
            for (token, want) in tokens {
                let mut req = ureq::http::Request::builder()
                    .method(method.to_uppercase().as_str())
                    .uri(server.url(&concrete))
                    .header("content-type", "application/json");
                if let Some(t) = token {
                    req = req.header("authorization", format!("Bearer {t}"));
                }
                let req = req.body("{}".to_string()).expect("request");
                let mut resp = agent().run(req).expect("send");
                let body: Value = resp.body_mut().read_json().unwrap_or(Value::Null);
                assert_eq!(
                    resp.status().as_u16(),
                    *want,
                    "{method} {path} with {token:?}: {body}"
                );
                assert_eq!(
                    body["status"], *want,
                    "{method} {path}: problem body {body}"
                );
            }
        }
    }
    assert!(writes >= 8, "only {writes} write operations documented");
    // The read token reads.
    let (status, _) = get(&server, "/v1/centres", Some(READ));
    assert_eq!(status, 200);
    // Static assets are login-free.
    for path in [
        "/",
        "/static/app.js",
        "/static/charts.js",
        "/static/app.css",
        "/docs",
    ] {
        assert_eq!(get(&server, path, None).0, 200, "{path}");
    }
}

#[test]
fn bad_input_gets_a_4xx_problem_naming_the_field_or_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &["--max-body-mb", "1"]);
    let centre = create_sample_centre(&server);

    // Oversized upload.
    let big = vec![b'a'; 2 * 1024 * 1024];
    let (status, body) = post_bytes(
        &server,
        &format!("/v1/centres/{centre}/histories"),
        "text/csv",
        &big,
    );
    assert_problem(status, &body, 413, "2 MB upload with a 1 MB limit");
    // Oversized JSON.
    let huge = json!({ "config_toml": "x".repeat(2 * 1024 * 1024) });
    let (status, body) = post_json(&server, "/v1/centres", &huge);
    assert_problem(status, &body, 413, "2 MB JSON with a 1 MB limit");

    // Malformed JSON, unknown field, missing field.
    let (status, body) = post_bytes(
        &server,
        "/v1/centres",
        "application/json",
        b"{\"config_toml\": ",
    );
    assert_problem(status, &body, 400, "truncated JSON");
    let (status, body) = post_json(
        &server,
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": 1, "first_day": "2026-11-16", "dayz": 7}),
    );
    assert_problem(status, &body, 400, "unknown field");
    assert!(
        body["detail"].as_str().unwrap_or("").contains("dayz"),
        "{body}"
    );
    let (status, body) = post_json(
        &server,
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": 1, "first_day": "16/11/2026"}),
    );
    assert_problem(status, &body, 400, "bad date");

    // Invalid configuration: the line is named.
    let (status, body) = post_json(
        &server,
        "/v1/centres",
        &json!({"name": "Broken", "config_toml": "[centre]\nname = \"x\"\ninterval_minutes = \"fifteen\"\n"}),
    );
    assert_problem(status, &body, 422, "invalid configuration");
    assert_eq!(body["field"], "config_toml");
    assert!(
        body["detail"].as_str().unwrap_or("").contains(":3:"),
        "{body}"
    );
    // Duplicate name.
    let (_, toml) = get(&server, "/v1/samples/centre.toml", Some(READ));
    let (status, body) = post_json(&server, "/v1/centres", &json!({"config_toml": toml}));
    assert_problem(status, &body, 409, "duplicate centre");

    // A history with a bad row: the line is named.
    let csv = "interval_start,channel,offered,handled,abandoned,aht_seconds\n\
               2026-11-09T09:00:00+00:00,voice,10,9,1,400\n\
               2026-11-09T09:15:00+00:00,voice,lots,9,1,400\n";
    let (status, body) = post_bytes(
        &server,
        &format!("/v1/centres/{centre}/histories?filename=bad.csv"),
        "text/csv",
        csv.as_bytes(),
    );
    assert_problem(status, &body, 422, "bad history row");
    let errors = body["errors"].to_string();
    assert!(errors.contains("bad.csv:3"), "{body}");
    // The same file as Excel writes it (CRLF line endings): the same line is named.
    let (status, body) = post_bytes(
        &server,
        &format!("/v1/centres/{centre}/histories?filename=bad-crlf.csv"),
        "text/csv",
        csv.replace('\n', "\r\n").as_bytes(),
    );
    assert_problem(status, &body, 422, "bad history row, CRLF");
    let errors = body["errors"].to_string();
    assert!(errors.contains("bad-crlf.csv:3:3"), "{body}");
    // A forecast CSV with a bad row, to the stateless staffing endpoint.
    let forecast =
        "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n\
                    2026-11-16T09:00:00+00:00,voice,10,8,10,12,oops\n";
    let (status, body) = post_bytes(
        &server,
        &format!("/v1/staffing/requirements?centre_id={centre}"),
        "text/csv",
        forecast.as_bytes(),
    );
    assert_problem(status, &body, 422, "bad forecast row");
    assert!(
        body.to_string().contains("line 2") || body.to_string().contains(":2"),
        "{body}"
    );

    // Ids and ranges.
    let (status, body) = get(&server, "/v1/centres/abc", Some(READ));
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    assert_problem(status, &body, 400, "non-numeric id");
    let (status, body) = get(&server, "/v1/rosters/999/shifts.csv", Some(READ));
    let body: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    assert_problem(status, &body, 404, "missing roster");
    let (status, body) = post_json(
        &server,
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": 1, "first_day": "2026-11-16", "days": 0}),
    );
    assert_problem(status, &body, 422, "zero days");
    assert_eq!(body["field"], "days");
    let (status, body) = post_json(
        &server,
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": 77, "first_day": "2026-11-16"}),
    );
    assert_problem(status, &body, 404, "unknown history");
    assert_eq!(body["field"], "history_id");
    let (status, body) = post_json(
        &server,
        &format!("/v1/staffing/requirements?centre_id={centre}&quantile=p99"),
        &json!({}),
    );
    assert!((400..500).contains(&status), "{status}: {body}");
    let (status, body) = post_json(
        &server,
        "/v1/rosters/1/simulations",
        &json!({"replications": 0}),
    );
    assert_problem(status, &body, 422, "zero replications");
}

#[test]
fn openapi_document_validates() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &[]);
    let (status, text) = get(&server, "/openapi.json", None);
    assert_eq!(status, 200);
    let spec = oas3::from_json(&text).expect("a valid OpenAPI document");
    let version = spec.validate_version().expect("supported version");
    assert_eq!(version.major, 3);
    let ops: Vec<_> = spec.operations().collect();
    assert!(ops.len() >= 25, "{} operations", ops.len());
    let mut ids = std::collections::BTreeSet::new();
    for (path, method, op) in &ops {
        assert!(
            !op.responses.as_ref().is_none_or(|r| r.is_empty()),
            "{method} {path}: no responses"
        );
        if let Some(id) = &op.operation_id {
            assert!(ids.insert(id.clone()), "duplicate operationId {id}");
        }
    }
    // Every $ref points at a component that exists.
    let doc: Value = serde_json::from_str(&text).expect("json");
    let mut refs = Vec::new();
    fn collect(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    if k == "$ref" {
                        out.extend(x.as_str().map(str::to_string));
                    } else {
                        collect(x, out);
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
            _ => {}
        }
    }
    collect(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("external ref {r}"));
        assert!(doc.pointer(pointer).is_some(), "dangling $ref {r}");
    }
    // The routes the dashboard uses are documented.
    for p in [
        "/v1/centres/{id}/histories",
        "/v1/centres/{id}/forecasts",
        "/v1/centres/{id}/schedules",
        "/v1/rosters/{id}/{file}",
        "/v1/rosters/{id}/simulations",
        "/v1/jobs/{id}/cancel",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} not documented");
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

/// A one-queue centre, as a small team would write it.
const SMALL_CENTRE: &str = r#"# Harbour Lettings: one phone queue.
[centre]
name = "Harbour Lettings"
time_zone = "Europe/London"
interval = "15m"

[shrinkage]
total = 0.2

[channels.voice]
kind = "inbound"
aht_seconds = 300
hours = { weekdays = ["09:00-17:00"] }

[shift_templates.day]
days = ["weekdays"]
earliest_start = "09:00"
paid_hours = 7.5
lunch = { minutes = 30, start_window_minutes = [180, 300] }

[contracts.full_time]
min_weekly_paid_hours = 37.5
max_weekly_paid_hours = 37.5

[[agents]]
id = "A1"
name = "Asha Patel"
skills = ["voice"]
contract = "full_time"
hourly_rate = 13.1
"#;

fn put_json(server: &Server, path: &str, body: &Value) -> (u16, Value) {
    answer(
        agent()
            .put(&server.url(path))
            .header("authorization", &format!("Bearer {WRITE}"))
            .send_json(body),
    )
}

#[test]
fn configuration_problems_carry_their_key_or_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &[]);
    let bad = SMALL_CENTRE.replace(
        "aht_seconds = 300",
        "aht_seconds = 300\ntargets = { max_abandon_rate = 1.5 }",
    );
    let (status, body) = post_json(&server, "/v1/centres", &json!({ "config_toml": bad }));
    assert_problem(status, &body, 422, "abandon target over 100%");
    assert_eq!(
        body["problems"][0]["key"], "channels.voice.targets.max_abandon_rate",
        "{body}"
    );
    assert!(body["problems"][0]["message"]
        .as_str()
        .unwrap_or("")
        .contains("1.5"));
    let (status, body) = post_json(
        &server,
        "/v1/centres",
        &json!({ "config_toml": SMALL_CENTRE.replace("aht_seconds = 300", "aht_seconds = \"five\"") }),
    );
    assert_problem(status, &body, 422, "AHT of the wrong type");
    assert_eq!(body["problems"][0]["line"], 12, "{body}");
    assert!(body["problems"][0]["key"].is_null(), "{body}");
}

#[test]
fn unknown_queues_are_named_and_mapped_with_channel_aliases() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &[]);
    let (status, centre) = post_json(
        &server,
        "/v1/centres",
        &json!({ "config_toml": SMALL_CENTRE }),
    );
    assert_eq!(status, 201, "{centre}");
    let id = centre["id"].as_i64().expect("id");
    let export =
        std::fs::read(repo("tests/fixtures/exports/general_enquiries_queue.csv")).expect("fixture");
    let upload = |name: &str| {
        post_bytes(
            &server,
            &format!("/v1/centres/{id}/histories?filename={name}"),
            "text/csv",
            &export,
        )
    };

    // Refused, with the labels as data and the channels to choose from.
    let (status, body) = upload("queues.csv");
    assert_problem(status, &body, 422, "unknown queue");
    assert_eq!(
        body["unknown_channels"],
        json!(["General Enquiries"]),
        "{body}"
    );
    assert_eq!(body["known_channels"], json!(["voice"]), "{body}");
    assert!(body["errors"][0]
        .as_str()
        .unwrap_or("")
        .starts_with("queues.csv:2:"));

    // A mapping to a channel the centre does not have is refused, naming the label.
    let (status, body) = post_json(
        &server,
        &format!("/v1/centres/{id}/channel-aliases"),
        &json!({"aliases": {"General Enquiries": "fax"}}),
    );
    assert_problem(status, &body, 422, "alias to an unknown channel");
    assert!(
        body["detail"].as_str().unwrap_or("").contains("fax"),
        "{body}"
    );

    // The centre updated with the mapping (PUT, as the page's TOML editor does): accepted.
    let mapped =
        format!("{SMALL_CENTRE}\n[history.channel_aliases]\n\"General Enquiries\" = \"voice\"\n");
    let (status, body) = put_json(
        &server,
        &format!("/v1/centres/{id}"),
        &json!({ "config_toml": mapped }),
    );
    assert_eq!(status, 200, "{body}");
    let (status, body) = upload("queues.csv");
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["history"]["records"], 1760, "{body}");

    // The mapping endpoint on a second centre: the stored TOML keeps its comments.
    let second = SMALL_CENTRE.replace("Harbour Lettings", "Quay Homes");
    let (status, centre) = post_json(&server, "/v1/centres", &json!({ "config_toml": second }));
    assert_eq!(status, 201, "{centre}");
    let id = centre["id"].as_i64().expect("id");
    let (status, body) = post_json(
        &server,
        &format!("/v1/centres/{id}/channel-aliases"),
        &json!({"aliases": {"General Enquiries": "voice"}}),
    );
    assert_eq!(status, 200, "{body}");
    let toml = body["config_toml"].as_str().expect("toml");
    assert!(toml.starts_with("# Quay Homes: one phone queue."), "{toml}");
    assert!(toml.contains("\"General Enquiries\" = \"voice\""), "{toml}");
    let (status, body) = upload("queues.csv");
    assert_eq!(status, 201, "{body}");
    let config = get_json(&server, &format!("/v1/centres/{id}/config.json"));
    assert_eq!(
        config["history"]["channel_aliases"]["General Enquiries"],
        "voice"
    );
}

#[test]
fn scenario_comparisons_and_reports_run_as_jobs_and_are_stored() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &[]);
    let centre = create_sample_centre(&server);
    let history = upload_sample_history(&server, centre)["history"]["id"]
        .as_i64()
        .expect("history id");

    let shipped = get_json(&server, "/v1/scenarios");
    assert_eq!(shipped.as_array().map(Vec::len), Some(6), "{shipped}");
    assert!(shipped
        .as_array()
        .expect("list")
        .iter()
        .any(|s| s["id"] == "voice-minus-10" && s["name"] == "voice -10%"));

    // The performance report of the last two weeks, forecast accuracy included.
    let started = Instant::now();
    let report = run_job(
        &server,
        &format!("/v1/histories/{history}/reports"),
        &json!({"from": "2026-11-02", "to": "2026-11-15"}),
    );
    eprintln!("report job: {:.1} s", started.elapsed().as_secs_f64());
    let row = get_json(&server, &format!("/v1/reports/{report}"));
    assert_eq!(row["first_day"], "2026-11-02");
    assert!(
        row["report"]["rows"]
            .as_array()
            .is_some_and(|r| r.len() >= 10),
        "{row}"
    );
    let (status, html) = get(
        &server,
        &format!("/v1/reports/{report}/report.html"),
        Some(READ),
    );
    assert_eq!(status, 200);
    assert!(html.contains("<html") && html.contains("Northmoor Homes"));
    assert_eq!(
        get_json(&server, &format!("/v1/centres/{centre}/reports"))
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    let (status, body) = post_json(
        &server,
        &format!("/v1/histories/{history}/reports"),
        &json!({"from": "2026-11-15", "to": "2026-11-02"}),
    );
    assert_problem(status, &body, 422, "report ending before it starts");
    assert_eq!(body["field"], "to");

    // Scenarios on a two-day forecast, judged by the queueing formulas.
    let forecast = run_job(
        &server,
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": history, "first_day": "2026-11-16", "days": 2}),
    );
    let (status, body) = post_json(
        &server,
        &format!("/v1/centres/{centre}/comparisons"),
        &json!({"forecast_id": forecast, "scenarios": ["no-such-scenario"]}),
    );
    assert_problem(status, &body, 422, "unknown shipped scenario");
    assert_eq!(body["field"], "scenarios[0]");
    let (status, body) = post_json(
        &server,
        &format!("/v1/centres/{centre}/comparisons"),
        &json!({"forecast_id": forecast, "scenario_toml": ["name = \"x\"\n[channels.fax]\nvolume_change = 0.1\n"]}),
    );
    assert_problem(status, &body, 422, "scenario naming an unknown channel");
    assert!(
        body["detail"].as_str().unwrap_or("").contains("fax"),
        "{body}"
    );
    let started = Instant::now();
    let comparison = run_job(
        &server,
        &format!("/v1/centres/{centre}/comparisons"),
        &json!({"forecast_id": forecast, "scenarios": ["voice-minus-10"],
            "scenario_toml": ["name = \"voice +10%\"\n[channels.voice]\nvolume_change = 0.1\n"],
            "replications": 0, "time_limit_s": 5}),
    );
    eprintln!("comparison job: {:.1} s", started.elapsed().as_secs_f64());
    let row = get_json(&server, &format!("/v1/comparisons/{comparison}"));
    let outcomes = row["comparison"]["outcomes"].as_array().expect("outcomes");
    let names: Vec<&str> = outcomes.iter().filter_map(|o| o["name"].as_str()).collect();
    assert_eq!(names, ["baseline", "voice -10%", "voice +10%"], "{row}");
    let fte = |i: usize| {
        outcomes[i]["channels"][0]["required_fte"]
            .as_f64()
            .expect("fte")
    };
    assert!(
        fte(1) < fte(0) && fte(0) < fte(2),
        "FTE follows the volume: {row}"
    );
    assert!(
        outcomes[0]["roster"]["paid_cost"].as_f64().is_some(),
        "{row}"
    );
    let (status, html) = get(
        &server,
        &format!("/v1/comparisons/{comparison}/comparison.html"),
        Some(READ),
    );
    assert_eq!(status, 200);
    assert!(html.contains("voice -10%"));
}

/// Issue 18 over HTTP: a mistyped year, a gzip bomb, implausible counts and a configuration with
/// `volume_factor = 1e300`, `aht_seconds = 1e12` and shrinkage 0.999999 each get a clear problem
/// within 5 s (422, or 413 naming the decompressed cap), and the server stays up and keeps serving.
#[test]
fn hostile_histories_get_a_clear_problem_and_the_server_stays_up() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::with_tokens(&dir.path().join("rota.db"), &[]);
    let centre = create_sample_centre(&server);
    let upload = |name: &str, bytes: &[u8]| {
        let t = Instant::now();
        let (status, body) = post_bytes(
            &server,
            &format!("/v1/centres/{centre}/histories?filename={name}"),
            "text/csv",
            bytes,
        );
        let secs = t.elapsed().as_secs_f64();
        assert!(secs < 5.0, "{name}: {secs:.1} s");
        (status, body)
    };

    // Why 1: one row typed 2526.
    let mistyped = std::fs::read(repo("tests/fixtures/exports/mistyped_year.csv")).unwrap();
    let (status, body) = upload("mistyped_year.csv", &mistyped);
    assert_problem(status, &body, 422, "mistyped year");
    assert!(
        body.to_string().contains(
            "mistyped_year.csv:199:1: Interval Start: 2526-01-12 12:15 is probably a mistyped date"
        ),
        "{body}"
    );

    // Why 3: a gzip bomb, about 1.2 MB compressed, over 512 MiB of CSV.
    let bomb = common::gzip_bomb();
    let (status, body) = upload("bomb.csv.gz", &bomb);
    assert_problem(status, &body, 413, "gzip bomb");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("larger than 512 MiB of CSV (decompressed)"),
        "{body}"
    );

    // Why 5: counts and handle times far outside any real centre.
    let implausible = std::fs::read(repo("tests/fixtures/exports/implausible_values.csv")).unwrap();
    let (status, body) = upload("implausible_values.csv", &implausible);
    assert_problem(status, &body, 422, "implausible values");
    assert!(
        body.to_string().contains("expected 0 to 100,000 contacts"),
        "{body}"
    );

    // Why 5: configuration values out of their plausibility ranges, each named with its range.
    let (_, toml) = get(&server, "/v1/samples/centre.toml", Some(READ));
    let toml = toml
        .replacen("volume_factor = 1.25", "volume_factor = 1e300", 1)
        .replacen("aht_seconds = 900", "aht_seconds = 1e12", 1)
        .replacen(
            "[shrinkage.activities]",
            "[shrinkage]\ntotal = 0.999999\n[shrinkage.activities]",
            1,
        );
    let (status, body) = post_json(&server, "/v1/centres", &json!({ "config_toml": toml }));
    assert_problem(status, &body, 422, "implausible configuration");
    let text = body.to_string();
    for expected in [
        "1e300 is implausible; expected more than 0 and at most 100 times normal volume",
        "1e12 is implausible; expected more than 0 and at most 14400 seconds",
        "shrinkage 0.999999 is implausible",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in {body}");
    }

    // Why 5 and 6: a posted forecast with an AHT of 1e308 and an unknown channel: 422 naming
    // the line, the column and the range or the centre's channels.
    let header =
        "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds";
    for (rows, expected) in [
        (
            "2026-11-16T09:00:00+00:00,voice,30,20,30,40,1e308",
            "body: line 2, column aht_seconds: \\\"1e308\\\" is implausible: over 24 hours",
        ),
        (
            "2026-11-16T09:00:00+00:00,fax,3,1,3,5,200",
            "body: line 2, column channel: `fax` (1 row) is not a channel of the centre \
             configuration; expected one of voice, reception, chat, email, social",
        ),
    ] {
        let t = Instant::now();
        let (status, body) = post_bytes(
            &server,
            &format!("/v1/staffing/requirements?centre_id={centre}"),
            "text/csv",
            format!("{header}\n{rows}\n").as_bytes(),
        );
        assert!(
            t.elapsed() < Duration::from_secs(5),
            "{rows}: {:?}",
            t.elapsed()
        );
        assert_problem(status, &body, 422, rows);
        assert!(body.to_string().contains(expected), "{expected}: {body}");
    }

    // The server is up and still does work, for this centre and another: the sample history
    // uploads and another centre's forecast job runs to the end.
    assert_eq!(get(&server, "/health", None).0, 200);
    upload_sample_history(&server, centre);
    let other = create_second_centre(&server);
    let history = upload_sample_history(&server, other);
    run_job(
        &server,
        &format!("/v1/centres/{other}/forecasts"),
        &json!({"history_id": history["history"]["id"], "first_day": "2026-11-16", "days": 1}),
    );
}
