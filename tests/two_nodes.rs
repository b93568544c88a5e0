//! Two `rota serve` processes on one real PostgreSQL server share the job queue (issue #18, build
//! 4): jobs are spread across both, a node killed with `kill -9` mid-job loses its lease and the
//! other takes the job up and finishes it, and no write either node acknowledged is lost.

mod common;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::http::Client;
use common::postgres::Postgres;
use common::Server;

const WRITE: &str = "write-token-for-two-nodes-0123456789";

/// The node id a server's jobs carry (`host:pid`, as `ServiceConfig::node` makes it).
fn node_of(server: &Server) -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "rota".into());
    format!("{host}:{}", server.pid())
}

#[test]
fn two_nodes_share_the_queue_and_take_over_a_killed_nodes_job() {
    let Some(pg) = Postgres::start("two_nodes_share_the_queue_and_take_over_a_killed_nodes_job")
    else {
        return;
    };
    let url = pg.database();
    // A short lease, so the survivor takes the job up within seconds of the kill.
    std::env::set_var("ROTA_JOB_LEASE_S", "1.5");
    let args = ["--job-workers", "1"];
    let a = Server::start(Path::new(&url), WRITE, None, &args);
    let b = Server::start(Path::new(&url), WRITE, None, &args);
    let (node_a, node_b) = (node_of(&a), node_of(&b));

    let (ca, cb) = (
        Client {
            server: &a,
            token: WRITE,
        },
        Client {
            server: &b,
            token: WRITE,
        },
    );

    // The sample centre and its history, through node A; read back through node B.
    let toml = std::fs::read_to_string("data/samples/centre.toml").expect("sample centre");
    let centre = ca.sample_centre();
    let history_id = ca.sample_history(centre);
    assert_eq!(
        cb.get(&format!("/v1/centres/{centre}/histories"))[0]["id"],
        history_id
    );

    // 1. Jobs submitted to both nodes are run by both.
    let forecast = |client: &Client, days: u32| {
        client.submit(
            &format!("/v1/centres/{centre}/forecasts"),
            &json!({"history_id": history_id, "first_day": "2026-11-16", "days": days}),
        )
    };
    let ids: Vec<i64> = (0..6)
        .map(|i| forecast(if i % 2 == 0 { &ca } else { &cb }, 1))
        .collect();
    let mut ran_on: Vec<String> = Vec::new();
    for id in &ids {
        let job = ca.wait_ended(*id, Duration::from_secs(300));
        assert_eq!(job["status"], "succeeded", "{job}");
        assert_eq!(job["attempts"], 1, "{job}");
        ran_on.push(job["node"].as_str().unwrap_or_default().to_string());
    }
    let on_a = ran_on.iter().filter(|n| **n == node_a).count();
    let on_b = ran_on.iter().filter(|n| **n == node_b).count();
    eprintln!("jobs per node: {node_a} ran {on_a}, {node_b} ran {on_b}");
    assert_eq!(on_a + on_b, ids.len(), "{ran_on:?}");
    assert!(on_a >= 1 && on_b >= 1, "both nodes ran jobs: {ran_on:?}");

    // 2. Writes go on through both nodes while a long job runs; the node running it is killed.
    let acknowledged: Arc<Mutex<Vec<i64>>> = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = [a.base.clone(), b.base.clone()]
        .into_iter()
        .enumerate()
        .map(|(w, base)| {
            let acknowledged = Arc::clone(&acknowledged);
            let stop = Arc::clone(&stop);
            let toml = toml.clone();
            std::thread::spawn(move || {
                let mut n = 0;
                let client = common::agent(Duration::from_secs(10));
                while !stop.load(Ordering::SeqCst) {
                    n += 1;
                    let resp = client
                        .post(&format!("{base}/v1/centres"))
                        .header("authorization", &format!("Bearer {WRITE}"))
                        .send_json(json!({"name": format!("write {w}-{n}"), "config_toml": toml}));
                    // A refused connection (the killed node) is no acknowledgement.
                    let Ok(mut resp) = resp else {
                        std::thread::sleep(Duration::from_millis(50));
                        continue;
                    };
                    if resp.status() == 201 {
                        let body: Value = resp.body_mut().read_json().expect("json");
                        acknowledged
                            .lock()
                            .expect("lock")
                            .push(body["id"].as_i64().expect("id"));
                    }
                }
            })
        })
        .collect();

    let long = forecast(&ca, 28);
    let holder = loop {
        let job = cb.get(&format!("/v1/jobs/{long}"));
        if job["status"] == "running" {
            break job["node"].as_str().expect("node").to_string();
        }
        assert_eq!(job["status"], "queued", "{job}");
        std::thread::sleep(Duration::from_millis(20));
    };
    std::thread::sleep(Duration::from_millis(500));
    let (victim, survivor) = if holder == node_a {
        (&a, &cb)
    } else {
        (&b, &ca)
    };
    assert_eq!(
        survivor.get(&format!("/v1/jobs/{long}"))["status"],
        "running",
        "the long job ended before the kill: make it longer"
    );
    let killed_at = Instant::now();
    // SIGKILL: no goodbye, no lease handed back.
    let killed = std::process::Command::new("kill")
        .args(["-KILL", &victim.pid().to_string()])
        .status()
        .expect("kill -9");
    assert!(killed.success());
    let job = survivor.wait_ended(long, Duration::from_secs(600));
    let took = killed_at.elapsed();
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.join().expect("writer");
    }
    eprintln!(
        "long job {long}: {} after the kill of {holder}, taken up by {}: {job}",
        format_args!("{:.1} s", took.as_secs_f64()),
        job["node"]
    );
    assert_eq!(job["status"], "succeeded", "{job}");
    assert_eq!(job["attempts"], 2, "{job}");
    assert_ne!(job["node"].as_str(), Some(holder.as_str()), "{job}");
    let forecast_id = job["result_id"].as_i64().expect("result");
    let stored = survivor.get(&format!("/v1/forecasts/{forecast_id}"));
    assert_eq!(stored["days"], 28, "{stored}");

    // 3. Every acknowledged write is there (counted in the database itself, too).
    let acknowledged = acknowledged.lock().expect("lock").clone();
    let listed = survivor.get("/v1/centres");
    let listed: Vec<i64> = listed
        .as_array()
        .expect("centres")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    let lost: Vec<&i64> = acknowledged
        .iter()
        .filter(|id| !listed.contains(id))
        .collect();
    let db = url.rsplit('/').next().expect("database name");
    let in_db: usize = pg
        .psql(db, "SELECT COUNT(*) FROM centres WHERE name LIKE 'write %'")
        .parse()
        .expect("count");
    eprintln!(
        "acknowledged writes: {}, stored: {in_db}, lost: {}",
        acknowledged.len(),
        lost.len()
    );
    assert!(acknowledged.len() >= 10, "too few writes to mean anything");
    assert!(lost.is_empty(), "acknowledged but lost: {lost:?}");
    assert!(in_db >= acknowledged.len());
}
