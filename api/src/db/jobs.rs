//! Background jobs as stored: their [`JobKind`], their [`JobStatus`] (queued -> running ->
//! succeeded | failed | cancelled), progress, the request that made them and the result id.
//!
//! Kinds and states are stored (and sent) as lower-case words; they are parsed when a row is
//! read, so an unknown word in the database is an error ([`UnknownJobValue`] inside a
//! [`DbError::Value`]), never a panic.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::sql::{args, word_value, Conn, SqlRow};
use super::{id_list, json, now, Db, DbError, Stored, NEWEST_OF_CENTRE};

/// What a job computes (and so what its `result_id` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// A forecast (result: a forecast).
    Forecast,
    /// A schedule (result: a roster).
    Schedule,
    /// A simulation of a roster (result: a simulation).
    Simulation,
    /// A scenario comparison (result: a comparison).
    Scenarios,
    /// A performance report of a history (result: a report).
    Report,
}

/// Where a job is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum JobStatus {
    /// Waiting for a worker.
    Queued,
    /// Being worked on.
    Running,
    /// Finished with a result.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Stopped at the user's request.
    Cancelled,
}

/// A stored job kind or status that this build does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown job {what} {value:?}")]
pub struct UnknownJobValue {
    /// `kind` or `status`.
    pub what: &'static str,
    /// The text found.
    pub value: String,
}

impl JobKind {
    /// Every kind.
    pub const ALL: [JobKind; 5] = [
        JobKind::Forecast,
        JobKind::Schedule,
        JobKind::Simulation,
        JobKind::Scenarios,
        JobKind::Report,
    ];

    /// The word stored and sent (`forecast`, `schedule`, `simulation`, `scenarios`, `report`).
    pub const fn as_str(self) -> &'static str {
        match self {
            JobKind::Forecast => "forecast",
            JobKind::Schedule => "schedule",
            JobKind::Simulation => "simulation",
            JobKind::Scenarios => "scenarios",
            JobKind::Report => "report",
        }
    }
}

impl JobStatus {
    /// Every status.
    pub const ALL: [JobStatus; 5] = [
        JobStatus::Queued,
        JobStatus::Running,
        JobStatus::Succeeded,
        JobStatus::Failed,
        JobStatus::Cancelled,
    ];

    /// The word stored and sent (`queued`, `running`, `succeeded`, `failed`, `cancelled`).
    pub const fn as_str(self) -> &'static str {
        match self {
            JobStatus::Queued => "queued",
            JobStatus::Running => "running",
            JobStatus::Succeeded => "succeeded",
            JobStatus::Failed => "failed",
            JobStatus::Cancelled => "cancelled",
        }
    }

    /// True once the job has ended (succeeded, failed or cancelled): it will not change again.
    pub const fn is_finished(self) -> bool {
        !matches!(self, JobStatus::Queued | JobStatus::Running)
    }
}

/// `Display` and `FromStr` of a word-valued job enum.
macro_rules! job_word {
    ($ty:ident, $what:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $ty {
            type Err = UnknownJobValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .into_iter()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownJobValue {
                        what: $what,
                        value: s.to_string(),
                    })
            }
        }
    };
}

job_word!(JobKind, "kind");
job_word!(JobStatus, "status");
word_value!(JobKind);
word_value!(JobStatus);

/// A background job as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobRow {
    /// Job id.
    pub id: i64,
    /// `forecast`, `schedule`, `simulation`, `scenarios` or `report`.
    pub kind: JobKind,
    /// Centre.
    pub centre_id: i64,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    pub status: JobStatus,
    /// Progress 0..1.
    pub progress: f64,
    /// The current step, in words.
    pub message: String,
    /// The request that created the job.
    #[schema(value_type = Object)]
    pub params: serde_json::Value,
    /// Id of the result (forecast, roster or simulation), once succeeded.
    pub result_id: Option<i64>,
    /// Why it failed.
    pub error: Option<String>,
    /// Created (UTC).
    pub created_at: String,
    /// Started (UTC).
    pub started_at: Option<String>,
    /// Finished (UTC).
    pub finished_at: Option<String>,
    /// How many times a worker has started it (a job whose node stopped is taken up again, at
    /// most `job_max_attempts` times in all).
    pub attempts: i64,
    /// The node (`rota serve` process) that holds it, or last held it once it has ended.
    pub node: Option<String>,
}

/// Milliseconds since the epoch: leases are compared as integers on both backends.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// How a node holds jobs: its id, how long a lease lasts, how many starts a job gets, and which
/// kinds any node can take up from the stored request alone.
#[derive(Debug, Clone)]
pub struct Lease {
    /// This node's id (`rota serve` process), unique among the nodes sharing the database.
    pub node: String,
    /// How long a claim or a heartbeat holds a job.
    pub duration_ms: i64,
    /// Starts after which a job whose node stopped fails instead of being taken up again.
    pub max_attempts: i64,
    /// Kinds that can be rebuilt from their stored request (others run only where submitted).
    pub resumable: Vec<JobKind>,
}

impl Lease {
    /// The resumable kinds as an SQL list of their words (constants, never user input); with none
    /// it is `('')`, no kind's word, so `NOT IN` holds for every kind.
    fn kinds(&self) -> String {
        if self.resumable.is_empty() {
            return "('')".into();
        }
        let words: Vec<String> = self
            .resumable
            .iter()
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        format!("({})", words.join(", "))
    }
}

/// A job a worker has claimed.
#[derive(Debug, Clone)]
pub struct Claimed {
    /// Job id.
    pub id: i64,
    /// What it computes.
    pub kind: JobKind,
    /// Its centre.
    pub centre_id: i64,
    /// The request that made it.
    pub params: serde_json::Value,
    /// This start's number (1 for the first).
    pub attempt: i64,
    /// The node whose lease expired, when this start takes the job over.
    pub taken_from: Option<String>,
}

const LIVE: &str = "status IN ('queued', 'running')";

impl Db {
    /// At the start of a single-process (SQLite) service, every job left queued or running was
    /// the previous process's: those that can be resumed from their request get their lease
    /// expired (the next claim takes them up, counting the start), the others are marked failed,
    /// "interrupted by restart" (silently dropping them would hide that the work was lost).
    /// Returns how many failed.
    pub fn recover_jobs_at_start(&self, lease: &Lease) -> Result<usize, DbError> {
        self.write(|tx| {
            tx.execute(
                &format!(
                    "UPDATE jobs SET lease_until = 0 WHERE {LIVE} AND kind IN {}",
                    lease.kinds()
                ),
                &[],
            )?;
            fail_where(
                tx,
                &format!("{LIVE} AND kind NOT IN {}", lease.kinds()),
                "interrupted by restart",
            )
        })
    }

    /// Hands `node`'s unfinished jobs back at a graceful stop: their lease ends now, so another
    /// node takes them up at its next claim (counting the start). Returns how many.
    pub fn release_jobs(&self, node: &str) -> Result<usize, DbError> {
        self.write(|tx| {
            Ok(tx.execute(
                &format!("UPDATE jobs SET lease_until = 0 WHERE {LIVE} AND owner = ?1"),
                args![node],
            )? as usize)
        })
    }

    /// Records a new queued job (held by no node: any node may take it if it can rebuild it).
    pub fn insert_job(
        &self,
        kind: JobKind,
        centre_id: i64,
        params: &serde_json::Value,
    ) -> Result<i64, DbError> {
        self.insert_held_job(kind, centre_id, params, None)
    }

    /// Records a new queued job held by `lease`'s node until its lease ends (the node renews it
    /// while the job waits; if the node stops, another takes the job up or fails it).
    pub fn insert_held_job(
        &self,
        kind: JobKind,
        centre_id: i64,
        params: &serde_json::Value,
        lease: Option<&Lease>,
    ) -> Result<i64, DbError> {
        let owner = lease.map(|l| l.node.clone());
        let until = lease.map(|l| now_ms() + l.duration_ms);
        self.write(|tx| {
            tx.insert(
                "INSERT INTO jobs (kind, centre_id, status, progress, message, params_json,
                   created_at, attempts, owner, lease_until)
                 VALUES (?1, ?2, ?3, 0, 'queued', ?4, ?5, 0, ?6, ?7)",
                args![
                    kind,
                    centre_id,
                    JobStatus::Queued,
                    params.to_string(),
                    now(),
                    owner,
                    until
                ],
            )
        })
    }

    /// Claims the next job for `lease`'s node, in one transaction: first the jobs that cannot go
    /// on are failed with the reason (their node stopped `max_attempts` times, or stopped and the
    /// kind cannot be rebuilt elsewhere); then the oldest job of the centre with the fewest jobs
    /// running, among those this node may run (`own`: the ids it holds the work of; any
    /// resumable job; a running job whose lease expired), except centres in `full` (this node's
    /// share for them is taken). On PostgreSQL the row is locked `FOR UPDATE SKIP LOCKED`, so
    /// nodes claiming at once take different jobs.
    pub fn claim_job(
        &self,
        lease: &Lease,
        own: &[i64],
        full: &[i64],
    ) -> Result<Option<Claimed>, DbError> {
        let lock = if self.is_postgres() {
            "FOR UPDATE SKIP LOCKED"
        } else {
            ""
        };
        let kinds = lease.kinds();
        self.write(|tx| {
            let t = now_ms();
            give_up(tx, lease, t)?;
            let Some(row) = tx.query_opt(
                &format!(
                    "SELECT id, status, owner FROM jobs j
                     WHERE ((status = 'queued' AND (kind IN {kinds} OR id IN {own}))
                         OR (status = 'running' AND lease_until < ?1 AND kind IN {kinds}))
                       AND centre_id NOT IN {full}
                     ORDER BY (SELECT COUNT(*) FROM jobs r
                               WHERE r.centre_id = j.centre_id AND r.status = 'running'), id
                     LIMIT 1 {lock}",
                    own = id_list(own),
                    full = id_list(full),
                ),
                args![t],
            )?
            else {
                return Ok(None);
            };
            let id: i64 = row.get(0)?;
            let was: JobStatus = row.get(1)?;
            let taken_from: Option<String> = if was == JobStatus::Running {
                row.get(2)?
            } else {
                None
            };
            let claimed = tx
                .query_opt(
                    "UPDATE jobs SET status = 'running', owner = ?1, lease_until = ?2,
                       attempts = attempts + 1, started_at = COALESCE(started_at, ?3),
                       message = 'started'
                     WHERE id = ?4
                     RETURNING kind, centre_id, params_json, attempts",
                    args![lease.node, t + lease.duration_ms, now(), id],
                )?
                .ok_or(DbError::Missing("the claimed job"))?;
            let attempt: i64 = claimed.get(3)?;
            if let Some(from) = &taken_from {
                tx.execute(
                    "UPDATE jobs SET message = ?1 WHERE id = ?2",
                    args![
                        format!(
                            "taken up by {} after the lease of {from} expired (start {attempt} of {})",
                            lease.node, lease.max_attempts
                        ),
                        id
                    ],
                )?;
            }
            Ok(Some(Claimed {
                id,
                kind: claimed.get(0)?,
                centre_id: claimed.get(1)?,
                params: json(&claimed.get::<String>(2)?)?,
                attempt,
                taken_from,
            }))
        })
    }

    /// Renews `node`'s lease on the jobs `ids` (queued or running); returns those it still
    /// holds, each with whether a cancel was asked for (on any node). A job missing from the
    /// answer was taken over or ended elsewhere: its local work must stop and record nothing.
    pub fn heartbeat(&self, lease: &Lease, ids: &[i64]) -> Result<Vec<(i64, bool)>, DbError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        self.write(|tx| {
            tx.query(
                &format!(
                    "UPDATE jobs SET lease_until = ?1
                     WHERE owner = ?2 AND {LIVE} AND id IN {} RETURNING id, cancel_requested",
                    id_list(ids)
                ),
                args![now_ms() + lease.duration_ms, lease.node],
            )?
            .iter()
            .map(|r| Ok((r.get(0)?, r.get(1)?)))
            .collect()
        })
    }

    /// Marks a queued job running; `false` if it is no longer queued (cancelled meanwhile).
    pub fn start_job(&self, id: i64) -> Result<bool, DbError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE jobs SET status = ?1, started_at = ?2, message = 'started',
                   attempts = attempts + 1
                 WHERE id = ?3 AND status = ?4",
                args![JobStatus::Running, now(), id, JobStatus::Queued],
            )? == 1)
        })
    }

    /// Progress of a running job.
    pub fn job_progress(&self, id: i64, progress: f64, message: &str) -> Result<(), DbError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE jobs SET progress = ?1, message = ?2 WHERE id = ?3 AND status = ?4",
                args![progress.clamp(0.0, 1.0), message, id, JobStatus::Running],
            )?;
            Ok(())
        })
    }

    /// A job's end: `succeeded` with a result id, `failed` with an error or `cancelled`. A job
    /// that has ended already (elsewhere) is left as it is.
    pub fn finish_job(
        &self,
        id: i64,
        final_status: JobStatus,
        result_id: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), DbError> {
        let progress = if final_status == JobStatus::Succeeded {
            Some(1.0)
        } else {
            None
        };
        self.write(|tx| {
            tx.execute(
                &format!(
                    "UPDATE jobs SET status = ?1, result_id = ?2, error = ?3, finished_at = ?4,
                       progress = COALESCE(?5, progress), message = ?1, lease_until = NULL
                     WHERE id = ?6 AND {LIVE}"
                ),
                args![final_status, result_id, error, now(), progress, id],
            )?;
            Ok(())
        })
    }

    /// Marks a queued job cancelled at once, and asks a running one to stop (its node sees the
    /// request at its next heartbeat); returns the job's status after the call (`None`: no such
    /// job).
    pub fn cancel_queued_job(&self, id: i64) -> Result<Option<JobStatus>, DbError> {
        self.write(|tx| {
            tx.execute(
                &format!("UPDATE jobs SET cancel_requested = 1 WHERE id = ?1 AND {LIVE}"),
                args![id],
            )?;
            tx.execute(
                "UPDATE jobs SET status = ?1, finished_at = ?2, message = ?1, lease_until = NULL
                 WHERE id = ?3 AND status = ?4",
                args![JobStatus::Cancelled, now(), id, JobStatus::Queued],
            )?;
            tx.query_opt("SELECT status FROM jobs WHERE id = ?1", args![id])?
                .map(|r| r.get(0))
                .transpose()
        })
    }

    /// One job.
    pub fn job(&self, id: i64) -> Result<Option<JobRow>, DbError> {
        self.one(id)
    }

    /// Jobs of a centre, newest first (at most 100).
    pub fn jobs(&self, centre_id: i64) -> Result<Vec<JobRow>, DbError> {
        self.list(&format!("{NEWEST_OF_CENTRE} LIMIT 100"), args![centre_id])
    }
}

/// Fails the live jobs `filter` selects with `reason`; how many.
fn fail_where(tx: &mut dyn Conn, filter: &str, reason: &str) -> Result<usize, DbError> {
    Ok(tx.execute(
        &format!(
            "UPDATE jobs SET status = 'failed', error = ?1, finished_at = ?2, message = 'failed',
               lease_until = NULL
             WHERE {filter}"
        ),
        args![reason, now()],
    )? as usize)
}

/// Fails the jobs whose node stopped (lease expired) and that may not start again: they have had
/// `max_attempts` starts (a job that brings its node down each time stops here instead of taking
/// every node down in turn), or their kind cannot be rebuilt from the request on another node.
/// The reason names both the count and the last node.
fn give_up(tx: &mut dyn Conn, lease: &Lease, t: i64) -> Result<(), DbError> {
    tx.execute(
        &format!(
            "UPDATE jobs SET status = 'failed', finished_at = ?1, message = 'failed',
               error = CASE WHEN attempts >= ?2
                 THEN 'the node running it stopped ' || attempts || ' times; last: the lease of '
                      || COALESCE(owner, 'a node') || ' expired; it is not started again'
                 ELSE 'interrupted: its node (' || COALESCE(owner, 'a node') || ') stopped, and a '
                      || kind || ' job is resumed only where it was submitted; submit it again'
                 END,
               lease_until = NULL
             WHERE {LIVE} AND lease_until < ?3
               AND (attempts >= ?2 OR kind NOT IN {})",
            lease.kinds()
        ),
        args![now(), lease.max_attempts, t],
    )?;
    Ok(())
}

/// Inside the transaction that stores a job's result: marks the job succeeded with it. A job a
/// node claimed that ended meanwhile (another node finished it first, or it was failed) refuses
/// the result, so the transaction rolls back and no job has two results. (A job no node ever held,
/// as the storage tests record, takes its results as before.)
pub(super) fn succeed(tx: &mut dyn Conn, job_id: i64, result_id: i64) -> Result<(), DbError> {
    let n = tx.execute(
        &format!(
            "UPDATE jobs SET status = ?1, result_id = ?2, progress = 1, message = ?1,
               finished_at = ?3, lease_until = NULL
             WHERE id = ?4 AND ({LIVE} OR owner IS NULL)"
        ),
        args![JobStatus::Succeeded, result_id, now(), job_id],
    )?;
    if n == 1 {
        Ok(())
    } else {
        Err(DbError::Missing(
            "a live job to record the result of (it ended elsewhere)",
        ))
    }
}

impl Stored for JobRow {
    const SELECT: &'static str = "SELECT id, kind, centre_id, status, progress, message,
        result_id, error, created_at, started_at, finished_at, params_json, attempts, owner
        FROM jobs";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(JobRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            centre_id: r.get(2)?,
            status: r.get(3)?,
            progress: r.get(4)?,
            message: r.get(5)?,
            params: json(&r.get::<String>(11)?)?,
            result_id: r.get(6)?,
            error: r.get(7)?,
            created_at: r.get(8)?,
            started_at: r.get(9)?,
            finished_at: r.get(10)?,
            attempts: r.get(12)?,
            node: r.get(13)?,
        })
    }
}
