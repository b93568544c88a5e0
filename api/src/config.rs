//! Service configuration, layered: built-in defaults, then a TOML file, then environment variables
//! (`ROTA_*`), then command-line flags (applied by `rota serve`). Later layers win.
//!
//! ```toml
//! # rota-serve.toml
//! bind = "127.0.0.1:8080"
//! db = "/var/lib/rota/rota.db"
//! max_body_mb = 64
//! job_workers = 2
//! schedule_time_limit_s = 60
//! job_time_budget_s = 3600
//! job_memory_budget_mb = 4096
//! tokens = ["a-long-random-write-token"]
//! read_tokens = ["a-long-random-viewer-token"]
//! compute_per_minute = 30
//! # several nodes on one PostgreSQL database (`db = "postgres://..."`)
//! node_id = "api-1"
//! job_lease_s = 30
//! job_max_attempts = 3
//! ```
//!
//! Environment: `ROTA_BIND`, `ROTA_DB`, `ROTA_MAX_BODY_MB`, `ROTA_WORKERS`, `ROTA_JOB_WORKERS`,
//! `ROTA_SCHEDULE_TIME_LIMIT_S`, `ROTA_JOB_TIME_BUDGET_S`, `ROTA_JOB_MEMORY_MB`, `ROTA_API_TOKENS` and `ROTA_API_READ_TOKENS` (comma-separated), `ROTA_COMPUTE_PER_MINUTE`, `ROTA_NODE_ID`,
//! `ROTA_JOB_LEASE_S`, `ROTA_JOB_MAX_ATTEMPTS`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Shortest token accepted: a bearer token is a password, and short ones can be guessed.
pub const MIN_TOKEN_LEN: usize = 16;

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ServiceConfigError {
    /// The file could not be read.
    #[error("cannot read the service configuration {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this schema.
    #[error("{path}: {message}")]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The TOML parser's message (names the key and line).
        message: String,
    },
    /// An environment variable has a value of the wrong kind.
    #[error("environment variable {name}={value:?}: {expected}")]
    Env {
        /// The variable.
        name: &'static str,
        /// Its value.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A value is out of range.
    #[error("{field}: {reason}")]
    Invalid {
        /// The setting.
        field: &'static str,
        /// Why it is refused.
        reason: String,
    },
}

/// The service settings once every layer is applied.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceConfig {
    /// Listen address (`host:port`; port 0 picks a free port).
    pub bind: String,
    /// SQLite database file, or a `postgres://` URL ([`crate::db::Location`]).
    pub db: PathBuf,
    /// Largest request body in megabytes (history uploads included).
    pub max_body_mb: usize,
    /// HTTP worker threads (`None`: one per core).
    pub workers: Option<usize>,
    /// Background job threads (forecasts, schedules, simulations run one per thread).
    pub job_workers: usize,
    /// Default solver time limit of a schedule job, seconds.
    pub schedule_time_limit_s: f64,
    /// Longest a job may run, seconds: past it the job is stopped at its next check (a solve
    /// between nodes) and fails saying so, and it is not retried.
    pub job_time_budget_s: f64,
    /// Most memory a job may hold at once, MB (what it allocates on its thread and its own
    /// thread pool: [`crate::memory`]): past it the job is stopped at its next check and fails
    /// saying so, and it is not retried.
    pub job_memory_budget_mb: u64,
    /// Tokens that may read and write.
    pub tokens: Vec<String>,
    /// Tokens that may only read (viewers).
    pub read_tokens: Vec<String>,
    /// Heavy computations (staffing requirements, job-creating POSTs) one key may start a
    /// minute, in bursts of as many; 0: no limit.
    pub compute_per_minute: u32,
    /// This process's name among the nodes sharing a database (`None`: host name and process id).
    pub node_id: Option<String>,
    /// How long a node holds a job without renewing its lease (it renews every third of it): a
    /// node that stops loses its jobs to the others this long after.
    pub job_lease_s: f64,
    /// Starts a job gets in all: a job whose node stopped this many times fails with the reason
    /// instead of being taken up again (so a job that kills its node cannot kill them all).
    pub job_max_attempts: u32,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:8080".into(),
            db: PathBuf::from("rota.db"),
            // Two years of 15-minute history for five channels is ~15 MB as plain CSV.
            max_body_mb: 64,
            workers: None,
            // Two: one centre's long solve always leaves a worker for the others (see `jobs`).
            job_workers: 2,
            schedule_time_limit_s: 60.0,
            // An hour: far above a week's roster (a minute) or a quarter's report (seconds), far
            // below "the worker is lost until a restart".
            job_time_budget_s: 3600.0,
            // 4 GB: a 500-agent week's roster holds a few hundred MB, a year of 15-minute
            // history for five channels less; a third of a 12 GB node, so two jobs at their
            // budget still leave the service room.
            job_memory_budget_mb: 4096,
            tokens: Vec::new(),
            read_tokens: Vec::new(),
            // A planner's session starts a few jobs a minute; 30 leaves room for scripts and stops
            // one key from queueing hundreds of year-long computations.
            compute_per_minute: 30,
            node_id: None,
            // Long against a heartbeat's round trip, short against a job's minutes.
            job_lease_s: 30.0,
            job_max_attempts: 3,
        }
    }
}

/// The file layer: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileLayer {
    bind: Option<String>,
    db: Option<PathBuf>,
    max_body_mb: Option<usize>,
    workers: Option<usize>,
    job_workers: Option<usize>,
    schedule_time_limit_s: Option<f64>,
    job_time_budget_s: Option<f64>,
    job_memory_budget_mb: Option<u64>,
    tokens: Option<Vec<String>>,
    read_tokens: Option<Vec<String>>,
    compute_per_minute: Option<u32>,
    node_id: Option<String>,
    job_lease_s: Option<f64>,
    job_max_attempts: Option<u32>,
}

impl ServiceConfig {
    /// Defaults, then `file` (if any), then the process environment.
    pub fn load(file: Option<&Path>) -> Result<Self, ServiceConfigError> {
        Self::load_with_env(file, &|name| std::env::var(name).ok())
    }

    /// [`ServiceConfig::load`] with an explicit environment (for tests).
    pub fn load_with_env(
        file: Option<&Path>,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<Self, ServiceConfigError> {
        let mut c = Self::default();
        if let Some(path) = file {
            let text = std::fs::read_to_string(path).map_err(|source| ServiceConfigError::Io {
                path: path.to_path_buf(),
                source,
            })?;
            let layer: FileLayer =
                toml::from_str(&text).map_err(|e| ServiceConfigError::Syntax {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
            c.apply_file(layer);
        }
        c.apply_env(env)?;
        Ok(c)
    }

    fn apply_file(&mut self, l: FileLayer) {
        if let Some(v) = l.bind {
            self.bind = v;
        }
        if let Some(v) = l.db {
            self.db = v;
        }
        if let Some(v) = l.max_body_mb {
            self.max_body_mb = v;
        }
        if l.workers.is_some() {
            self.workers = l.workers;
        }
        if let Some(v) = l.job_workers {
            self.job_workers = v;
        }
        if let Some(v) = l.schedule_time_limit_s {
            self.schedule_time_limit_s = v;
        }
        if let Some(v) = l.job_time_budget_s {
            self.job_time_budget_s = v;
        }
        if let Some(v) = l.job_memory_budget_mb {
            self.job_memory_budget_mb = v;
        }
        if let Some(v) = l.tokens {
            self.tokens = v;
        }
        if let Some(v) = l.read_tokens {
            self.read_tokens = v;
        }
        if let Some(v) = l.compute_per_minute {
            self.compute_per_minute = v;
        }
        if l.node_id.is_some() {
            self.node_id = l.node_id;
        }
        if let Some(v) = l.job_lease_s {
            self.job_lease_s = v;
        }
        if let Some(v) = l.job_max_attempts {
            self.job_max_attempts = v;
        }
    }

    fn apply_env(
        &mut self,
        env: &dyn Fn(&str) -> Option<String>,
    ) -> Result<(), ServiceConfigError> {
        fn number<T: std::str::FromStr>(
            name: &'static str,
            value: String,
        ) -> Result<T, ServiceConfigError> {
            value.trim().parse().map_err(|_| ServiceConfigError::Env {
                name,
                value,
                expected: "a number",
            })
        }
        let list = |v: String| -> Vec<String> {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect()
        };
        if let Some(v) = env("ROTA_BIND") {
            self.bind = v;
        }
        if let Some(v) = env("ROTA_DB") {
            self.db = PathBuf::from(v);
        }
        if let Some(v) = env("ROTA_MAX_BODY_MB") {
            self.max_body_mb = number("ROTA_MAX_BODY_MB", v)?;
        }
        if let Some(v) = env("ROTA_WORKERS") {
            self.workers = Some(number("ROTA_WORKERS", v)?);
        }
        if let Some(v) = env("ROTA_JOB_WORKERS") {
            self.job_workers = number("ROTA_JOB_WORKERS", v)?;
        }
        if let Some(v) = env("ROTA_SCHEDULE_TIME_LIMIT_S") {
            self.schedule_time_limit_s = number("ROTA_SCHEDULE_TIME_LIMIT_S", v)?;
        }
        if let Some(v) = env("ROTA_JOB_TIME_BUDGET_S") {
            self.job_time_budget_s = number("ROTA_JOB_TIME_BUDGET_S", v)?;
        }
        if let Some(v) = env("ROTA_JOB_MEMORY_MB") {
            self.job_memory_budget_mb = number("ROTA_JOB_MEMORY_MB", v)?;
        }
        if let Some(v) = env("ROTA_API_TOKENS") {
            self.tokens = list(v);
        }
        if let Some(v) = env("ROTA_API_READ_TOKENS") {
            self.read_tokens = list(v);
        }
        if let Some(v) = env("ROTA_COMPUTE_PER_MINUTE") {
            self.compute_per_minute = number("ROTA_COMPUTE_PER_MINUTE", v)?;
        }
        if let Some(v) = env("ROTA_NODE_ID") {
            self.node_id = Some(v);
        }
        if let Some(v) = env("ROTA_JOB_LEASE_S") {
            self.job_lease_s = number("ROTA_JOB_LEASE_S", v)?;
        }
        if let Some(v) = env("ROTA_JOB_MAX_ATTEMPTS") {
            self.job_max_attempts = number("ROTA_JOB_MAX_ATTEMPTS", v)?;
        }
        Ok(())
    }

    /// Checks the settings can be served: tokens long enough, sane limits. Whether there is a way
    /// in at all (a write token, or an admin user in the database) is checked at start, against
    /// the database ([`crate::startup::check_access`]).
    pub fn validate(&self) -> Result<(), ServiceConfigError> {
        for (field, list) in [("tokens", &self.tokens), ("read_tokens", &self.read_tokens)] {
            for t in list {
                if t.len() < MIN_TOKEN_LEN || t.chars().any(|c| c.is_whitespace()) {
                    return Err(ServiceConfigError::Invalid {
                        field,
                        reason: format!(
                            "every token must be at least {MIN_TOKEN_LEN} characters without \
                             spaces (one is {} characters)",
                            t.len()
                        ),
                    });
                }
            }
        }
        if self.max_body_mb == 0 {
            return Err(ServiceConfigError::Invalid {
                field: "max_body_mb",
                reason: "must be at least 1".into(),
            });
        }
        if self.job_workers == 0 {
            return Err(ServiceConfigError::Invalid {
                field: "job_workers",
                reason: "must be at least 1".into(),
            });
        }
        if !(self.job_time_budget_s.is_finite() && self.job_time_budget_s >= 1.0) {
            return Err(ServiceConfigError::Invalid {
                field: "job_time_budget_s",
                reason: "must be at least 1 second".into(),
            });
        }
        if !(16..=1 << 20).contains(&self.job_memory_budget_mb) {
            return Err(ServiceConfigError::Invalid {
                field: "job_memory_budget_mb",
                reason: "must be 16 MB to 1 TB (1048576 MB)".into(),
            });
        }
        if !(self.job_lease_s.is_finite() && (0.3..=3600.0).contains(&self.job_lease_s)) {
            return Err(ServiceConfigError::Invalid {
                field: "job_lease_s",
                reason: "must be 0.3 to 3600 seconds".into(),
            });
        }
        if !(1..=100).contains(&self.job_max_attempts) {
            return Err(ServiceConfigError::Invalid {
                field: "job_max_attempts",
                reason: "must be 1 to 100".into(),
            });
        }
        if !(self.schedule_time_limit_s.is_finite() && self.schedule_time_limit_s > 0.0) {
            return Err(ServiceConfigError::Invalid {
                field: "schedule_time_limit_s",
                reason: "must be a positive number of seconds".into(),
            });
        }
        Ok(())
    }

    /// This node's id: the configured one, or the host name and process id.
    pub fn node(&self) -> String {
        self.node_id.clone().unwrap_or_else(|| {
            let host = std::fs::read_to_string("/etc/hostname")
                .ok()
                .map(|h| h.trim().to_string())
                .filter(|h| !h.is_empty())
                .unwrap_or_else(|| "rota".into());
            format!("{host}:{}", std::process::id())
        })
    }

    /// Largest body in bytes.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_mb.saturating_mul(1024 * 1024)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_apply_in_order_defaults_file_env() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("serve.toml");
        std::fs::write(
            &file,
            "bind = \"0.0.0.0:9000\"\nmax_body_mb = 8\ntokens = [\"file-token-0123456789\"]\n",
        )
        .expect("write");
        let env = |name: &str| match name {
            "ROTA_MAX_BODY_MB" => Some("4".to_string()),
            "ROTA_API_READ_TOKENS" => Some("viewer-token-0123456789, other-viewer-012345".into()),
            _ => None,
        };
        let c = ServiceConfig::load_with_env(Some(&file), &env).expect("load");
        assert_eq!(c.bind, "0.0.0.0:9000", "file beats default");
        assert_eq!(c.max_body_mb, 4, "env beats file");
        assert_eq!(c.tokens, vec!["file-token-0123456789"]);
        assert_eq!(c.read_tokens.len(), 2);
        assert_eq!(c.db, PathBuf::from("rota.db"), "default kept");
        c.validate().expect("valid");
    }

    #[test]
    fn bad_layers_are_named() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("serve.toml");
        std::fs::write(&file, "bnd = 1\n").expect("write");
        let err = ServiceConfig::load_with_env(Some(&file), &|_| None).expect_err("unknown key");
        assert!(err.to_string().contains("bnd"), "{err}");
        let err = ServiceConfig::load_with_env(None, &|n| {
            (n == "ROTA_JOB_WORKERS").then(|| "two".to_string())
        })
        .expect_err("not a number");
        assert!(err.to_string().contains("ROTA_JOB_WORKERS"), "{err}");
    }

    #[test]
    fn tokens_must_be_long() {
        let mut c = ServiceConfig::default();
        c.validate()
            .expect("no token: the database's users may be the way in");
        c.tokens = vec!["short".into()];
        assert!(c.validate().is_err());
        c.tokens = vec!["long-enough-token-123".into()];
        c.validate().expect("valid");
    }
}
