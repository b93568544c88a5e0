//! A small JSON client for the end-to-end tests of the PostgreSQL backend (`api_postgres`,
//! `two_nodes`): one bearer token, the sample centre and history, jobs polled to their end.

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{answer, Server};

/// A server and the token every request carries.
pub struct Client<'a> {
    /// The server.
    pub server: &'a Server,
    /// Bearer token.
    pub token: &'a str,
}

impl Client<'_> {
    fn agent() -> ureq::Agent {
        super::agent(Duration::from_secs(120))
    }

    /// `POST` JSON; (status, JSON body).
    pub fn post(&self, path: &str, body: &Value) -> (u16, Value) {
        answer(
            Self::agent()
                .post(&self.server.url(path))
                .header("authorization", &format!("Bearer {}", self.token))
                .send_json(body),
        )
    }

    /// `GET`; (status, JSON body or the text as a JSON string).
    pub fn try_get(&self, path: &str) -> (u16, Value) {
        answer(
            Self::agent()
                .get(&self.server.url(path))
                .header("authorization", &format!("Bearer {}", self.token))
                .call(),
        )
    }

    /// `GET` that must answer 200.
    pub fn get(&self, path: &str) -> Value {
        let (status, body) = self.try_get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        body
    }

    /// The bundled sample centre; its id.
    pub fn sample_centre(&self) -> i64 {
        let toml = std::fs::read_to_string("data/samples/centre.toml").expect("sample centre");
        let (status, centre) = self.post("/v1/centres", &json!({ "config_toml": toml }));
        assert_eq!(status, 201, "{centre}");
        centre["id"].as_i64().expect("centre id")
    }

    /// Uploads the bundled sample history to `centre`; its id.
    pub fn sample_history(&self, centre: i64) -> i64 {
        let history = std::fs::read("data/samples/history.csv.gz").expect("sample history");
        let (status, uploaded) = answer(
            Self::agent()
                .post(&self.server.url(&format!(
                    "/v1/centres/{centre}/histories?filename=history.csv.gz"
                )))
                .header("authorization", &format!("Bearer {}", self.token))
                .header("content-type", "application/gzip")
                .send(&history[..]),
        );
        assert_eq!(status, 201, "{uploaded}");
        uploaded["history"]["id"].as_i64().expect("history id")
    }

    /// `POST path` (answered 202); the job's id.
    pub fn submit(&self, path: &str, body: &Value) -> i64 {
        let (status, job) = self.post(path, body);
        assert_eq!(status, 202, "{job}");
        job["id"].as_i64().expect("job id")
    }

    /// Polls job `id` until it has ended; panics after `limit`.
    pub fn wait_ended(&self, id: i64, limit: Duration) -> Value {
        let start = Instant::now();
        loop {
            let job = self.get(&format!("/v1/jobs/{id}"));
            if !matches!(job["status"].as_str(), Some("queued" | "running")) {
                return job;
            }
            assert!(start.elapsed() < limit, "job {id} still going: {job}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Submits a job and waits for it to succeed; its result id.
    pub fn run_job(&self, path: &str, body: &Value) -> i64 {
        let id = self.submit(path, body);
        let job = self.wait_ended(id, Duration::from_secs(600));
        assert_eq!(job["status"], "succeeded", "{job}");
        job["result_id"].as_i64().expect("result id")
    }
}
