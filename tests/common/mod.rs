//! What the HTTP end-to-end tests share: the real `rota serve` on a random port with a temporary
//! database, and an HTTP client that hands back 4xx/5xx answers instead of failing on them.
//! Each test crate (`mod common;`) uses part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub mod backend;
pub mod browser;
pub mod http;
pub mod postgres;
pub mod skip;
pub mod today;

/// An HTTP answer as (status, JSON body, or the body as a JSON string when it is not JSON).
pub fn answer(
    resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> (u16, serde_json::Value) {
    let mut resp = resp.expect("request");
    let status = resp.status().as_u16();
    // ureq stops reading at 10 MB by default; a list of a few hundred stored centres (each with
    // its configuration) passes that, and a cut body would read as no JSON at all
    let text = resp
        .body_mut()
        .with_config()
        .limit(256 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    (
        status,
        serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)),
    )
}

/// A running `rota serve` on 127.0.0.1:<random port>, killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:<port>`.
    pub base: String,
}

impl Server {
    /// The server's process id (to read its CPU time from /proc).
    #[allow(dead_code)]
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Starts `rota serve` on `db` (a SQLite file, or the PostgreSQL database standing for it:
    /// [`backend`]) with the write token `write` (and the read token `read`, when
    /// given) plus `extra` arguments; returns once it prints the address it listens on.
    pub fn start(db: &Path, write: &str, read: Option<&str>, extra: &[&str]) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_rota"));
        cmd.args(["serve", "--bind", "127.0.0.1:0", "--workers", "2", "--db"])
            .arg(backend::db_arg(db))
            .args(extra)
            .env("ROTA_API_TOKENS", write)
            .env_remove("ROTA_BIND")
            .env_remove("ROTA_DB")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        if let Some(read) = read {
            cmd.env("ROTA_API_READ_TOKENS", read);
        }
        if backend::postgres() {
            // A server killed mid-job leaves its lease behind; the next one takes the job up
            // once the lease runs out: 2 s here rather than the default 30 s.
            cmd.env("ROTA_JOB_LEASE_S", "2");
        }
        let mut child = cmd.spawn().expect("spawn rota serve");
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

    /// The full URL of `path` on this server.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Graceful stop: SIGTERM, as a process supervisor sends it. Waits up to `limit` for the
    /// process to exit and returns how long it took, or `None` if it was still running (it is then
    /// killed when dropped).
    pub fn terminate(mut self, limit: Duration) -> Option<Duration> {
        let start = std::time::Instant::now();
        let sent = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("run kill");
        assert!(sent.success(), "kill -TERM failed");
        while start.elapsed() < limit {
            if self
                .child
                .try_wait()
                .expect("wait for rota serve")
                .is_some()
            {
                return Some(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }

    /// Hard stop (SIGKILL): nothing gets a chance to flush, which is what a restart test needs.
    pub fn kill(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that returns error statuses as answers (the tests check them) and gives up on
/// a request after `timeout`.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(timeout))
        .build()
        .into()
}

/// A gzip bomb built in memory (no large file is committed): a header and 600 gzip members of one
/// row with a 1 MiB cell, about 1.2 MB compressed and 600 MiB of CSV once decompressed, past the
/// 512 MiB cap on one history.
pub fn gzip_bomb() -> Vec<u8> {
    use std::io::Write as _;
    let member = |text: &[u8]| {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        gz.write_all(text).expect("gzip in memory");
        gz.finish().expect("gzip in memory")
    };
    let mut bomb = member(b"interval_start,channel,offered,notes\n");
    let mut row = b"2026-01-05 09:00,voice,3,".to_vec();
    row.extend(std::iter::repeat_n(b'x', 1 << 20));
    row.push(b'\n');
    let row = member(&row);
    for _ in 0..600 {
        bomb.extend_from_slice(&row);
    }
    bomb
}
