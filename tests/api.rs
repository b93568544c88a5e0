//! End-to-end tests of the HTTP service: start the real `rota serve` on a random port and talk HTTP.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// A running `rota serve` on 127.0.0.1:<random port>, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rota"))
            .args(["serve", "--bind", "127.0.0.1:0", "--workers", "1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn rota serve");
        let stdout = child.stdout.take().expect("stdout piped");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read the listening line");
        let base = line
            .trim()
            .strip_prefix("rota: listening on ")
            .unwrap_or_else(|| panic!("unexpected first line from rota serve: {line:?}"))
            .to_string();
        Server { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into()
}

#[test]
fn health_and_ready_answer_on_a_random_port() {
    let server = Server::start();
    let http = agent();
    for (path, status) in [("/health", "ok"), ("/ready", "ready")] {
        let mut resp = http.get(&server.url(path)).call().expect("request");
        assert_eq!(resp.status(), 200, "{path}");
        let body: serde_json::Value = resp.body_mut().read_json().expect("json body");
        assert_eq!(body["status"], status, "{path}: {body}");
    }
}

#[test]
fn unknown_route_is_404() {
    let server = Server::start();
    let resp = agent()
        .get(&server.url("/no-such-thing"))
        .call()
        .expect("request");
    assert_eq!(resp.status(), 404);
}

#[test]
fn erlang_endpoint_matches_the_reference_and_rejects_bad_input() {
    let server = Server::start();
    let http = agent();
    // Reference case M2 (shared/reference/queueing_reference.csv): Erlang C, 200 calls an hour,
    // AHT 180 s, 14 agents, t = 20 s -> P(wait) 0.17413193359505, SL 0.888350019179467.
    let mut resp = http
        .post(&server.url("/v1/staffing/erlang"))
        .send_json(serde_json::json!({
            "model": "c", "calls_per_hour": 200.0, "aht_s": 180.0, "agents": 14, "threshold_s": 20.0
        }))
        .expect("request");
    assert_eq!(resp.status(), 200);
    let body: serde_json::Value = resp.body_mut().read_json().expect("json");
    assert_eq!(body["n_agents"], 14);
    let rel =
        |got: &serde_json::Value, want: f64| (got.as_f64().expect("number") - want).abs() / want;
    assert!(rel(&body["p_wait"], 0.17413193359505) < 1e-9, "{body}");
    assert!(
        rel(&body["sl_served_within_t"], 0.888350019179467) < 1e-9,
        "{body}"
    );

    // AHT 0 is a 422 problem, not a 500.
    let mut resp = http
        .post(&server.url("/v1/staffing/erlang"))
        .send_json(
            serde_json::json!({"model": "c", "calls_per_hour": 100.0, "aht_s": 0.0, "agents": 8}),
        )
        .expect("request");
    assert_eq!(resp.status(), 422);
    assert_eq!(
        resp.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/problem+json")
    );
    let problem: serde_json::Value = resp.body_mut().read_json().expect("json");
    let detail = problem["detail"].as_str().unwrap_or("").to_lowercase();
    assert!(
        detail.contains("aht") || detail.contains("handle"),
        "{problem}"
    );

    // Malformed JSON is a 400 problem.
    let resp = http
        .post(&server.url("/v1/staffing/erlang"))
        .header("content-type", "application/json")
        .send("{not json")
        .expect("request");
    assert_eq!(resp.status(), 400);
}
