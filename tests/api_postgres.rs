//! The HTTP service end to end on its PostgreSQL backend (`rota serve --db postgres://...`), on a
//! real PostgreSQL server started for the test: the planning flow (centre, history, forecast,
//! requirements, schedule, simulation), today's upserts, users made with `rota users add --db
//! postgres://...` and their audit trail, and everything still there after `kill -9`.

mod common;

use std::path::Path;
use std::process::Command;

use serde_json::json;

use common::http::Client;
use common::postgres::Postgres;
use common::Server;

const WRITE: &str = "write-token-for-postgres-0123456789";

#[test]
fn the_planning_flow_users_and_a_hard_restart_on_postgres() {
    let Some(pg) = Postgres::start("the_planning_flow_users_and_a_hard_restart_on_postgres") else {
        return;
    };
    let url = pg.database();
    let server = Server::start(Path::new(&url), WRITE, None, &[]);
    let c = Client {
        server: &server,
        token: WRITE,
    };
    assert_eq!(c.get("/ready")["status"], "ready");

    let centre = c.sample_centre();
    let history = c.sample_history(centre);
    let forecast = c.run_job(
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": history, "first_day": "2026-11-16", "days": 7}),
    );
    let (status, forecast_csv) = c.try_get(&format!("/v1/forecasts/{forecast}/forecast.csv"));
    assert_eq!(status, 200);
    let forecast_csv = forecast_csv.as_str().expect("csv").to_string();
    assert!(forecast_csv.lines().count() > 7 * 96, "forecast rows");
    let (status, set) = c.post(
        &format!("/v1/forecasts/{forecast}/requirements"),
        &json!({}),
    );
    assert_eq!(status, 201, "{set}");
    let set = set["id"].as_i64().expect("set id");
    let roster = c.run_job(
        &format!("/v1/centres/{centre}/schedules"),
        &json!({"requirement_set_id": set, "time_limit_s": 20}),
    );
    let (status, shifts) = c.try_get(&format!("/v1/rosters/{roster}/shifts.csv"));
    assert_eq!(status, 200);
    let shifts = shifts.as_str().expect("csv").to_string();
    assert!(shifts.lines().count() > 10, "{shifts}");
    let sim = c.run_job(
        &format!("/v1/rosters/{roster}/simulations"),
        &json!({"replications": 2, "seed": 3}),
    );
    let kpis = c.get(&format!("/v1/simulations/{sim}"))["kpis"].clone();
    assert!(kpis.as_array().is_some_and(|k| !k.is_empty()), "{kpis}");

    // Today's actuals are upserted on their key: a second post of the interval replaces it.
    let path = format!("/v1/centres/{centre}/actuals");
    let row = |offered: f64| {
        json!({"rows": [{"channel": "voice", "interval_start": "2026-11-16T09:00:00+00:00",
            "offered": offered, "abandoned": 2.0}]})
    };
    let (status, first) = c.post(&path, &row(40.0));
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (first["inserted"].clone(), first["replaced"].clone()),
        (json!(1), json!(0))
    );
    let (status, again) = c.post(&path, &row(42.0));
    assert_eq!(status, 200, "{again}");
    assert_eq!(
        (again["inserted"].clone(), again["replaced"].clone()),
        (json!(0), json!(1))
    );

    // A user made from the command line straight into PostgreSQL signs in; the audit log has
    // the writes, the CLI's included.
    let out = Command::new(env!("CARGO_BIN_EXE_rota"))
        .args([
            "users", "add", "--db", &url, "--name", "lee", "--role", "planner",
        ])
        .args(["--centre", &centre.to_string()])
        .output()
        .expect("rota users add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let lee = Client {
        server: &server,
        token: &key,
    };
    let me = lee.get("/v1/me");
    assert_eq!(me["name"], "lee", "{me}");
    let audit = c.get("/v1/audit");
    let entries = audit.as_array().expect("audit");
    assert!(entries.iter().any(|e| e["actor"] == "cli"), "{audit}");
    assert!(
        entries.iter().any(|e| e["path"]
            .as_str()
            .is_some_and(|p| p.ends_with("/schedules"))),
        "{audit}"
    );
    let db = url.rsplit('/').next().expect("database name");
    assert_eq!(pg.psql(db, "SELECT MAX(version) FROM schema_version"), "9");
    let stored_key = pg.psql(
        db,
        &format!("SELECT COUNT(*) FROM users WHERE key_hash = '{key}'"),
    );
    assert_eq!(stored_key, "0", "keys are stored hashed");

    // kill -9 and start again: every acknowledged thing is there, byte for byte.
    server.kill();
    let server = Server::start(Path::new(&url), WRITE, None, &[]);
    let c = Client {
        server: &server,
        token: WRITE,
    };
    let (_, csv_after) = c.try_get(&format!("/v1/forecasts/{forecast}/forecast.csv"));
    assert_eq!(csv_after.as_str(), Some(forecast_csv.as_str()));
    let (_, shifts_after) = c.try_get(&format!("/v1/rosters/{roster}/shifts.csv"));
    assert_eq!(shifts_after.as_str(), Some(shifts.as_str()));
    assert_eq!(c.get(&format!("/v1/simulations/{sim}"))["kpis"], kpis);
    let jobs = c.get(&format!("/v1/centres/{centre}/jobs"));
    assert_eq!(jobs.as_array().map(Vec::len), Some(3), "{jobs}");
    assert!(
        jobs.as_array()
            .expect("jobs")
            .iter()
            .all(|j| j["status"] == "succeeded" && j["attempts"] == 1),
        "{jobs}"
    );
}

/// Claims from several nodes at once (four `Db` handles, each its own connection pool, as four
/// processes would have) take each job exactly once: `FOR UPDATE SKIP LOCKED` in action.
#[test]
fn concurrent_claims_on_postgres_take_each_job_once() {
    use rota_api::db::{Db, JobKind, Lease};
    let Some(pg) = Postgres::start("concurrent_claims_on_postgres_take_each_job_once") else {
        return;
    };
    let url = pg.database();
    let db = Db::open(Path::new(&url)).expect("open");
    let centres: Vec<i64> = (0..3)
        .map(|i| {
            db.insert_centre(&format!("centre {i}"), "x")
                .expect("insert")
                .expect("id")
        })
        .collect();
    let jobs: Vec<i64> = (0..60)
        .map(|i| {
            db.insert_job(JobKind::Forecast, centres[i % 3], &json!({ "n": i }))
                .expect("job")
        })
        .collect();
    let nodes: Vec<_> = (0..4)
        .map(|n| {
            let url = url.clone();
            std::thread::spawn(move || {
                let db = Db::open(Path::new(&url)).expect("open");
                let lease = Lease {
                    node: format!("node-{n}"),
                    duration_ms: 60_000,
                    max_attempts: 3,
                    resumable: vec![JobKind::Forecast],
                };
                let mut taken = Vec::new();
                while let Some(job) = db.claim_job(&lease, &[], &[]).expect("claim") {
                    assert_eq!(job.attempt, 1, "claimed twice: {job:?}");
                    taken.push(job.id);
                }
                taken
            })
        })
        .collect();
    let per_node: Vec<Vec<i64>> = nodes.into_iter().map(|t| t.join().expect("node")).collect();
    let mut all: Vec<i64> = per_node.iter().flatten().copied().collect();
    all.sort_unstable();
    eprintln!(
        "jobs claimed per node: {:?}",
        per_node.iter().map(Vec::len).collect::<Vec<_>>()
    );
    assert_eq!(all, jobs, "every job claimed exactly once");
    let running = db.jobs(centres[0]).expect("jobs");
    assert!(running.iter().all(|j| j.attempts == 1 && j.node.is_some()));
}
