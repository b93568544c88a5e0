//! Background jobs as stored: their [`JobKind`], their [`JobStatus`] (queued -> running ->
//! succeeded | failed | cancelled), progress, the request that made them and the result id.
//!
//! Kinds and states are stored (and sent) as lower-case words; they are parsed when a row is
//! read, so an unknown word in the database is an error ([`UnknownJobValue`] inside a
//! [`DbError::Sqlite`]), never a panic.

use std::fmt;
use std::str::FromStr;

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{json, now, Db, DbError, Stored, NEWEST_OF_CENTRE};

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

/// `Display`, `FromStr` and the SQLite conversions of a word-valued job enum.
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

        impl ToSql for $ty {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.as_str()))
            }
        }

        impl FromSql for $ty {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                value
                    .as_str()?
                    .parse()
                    .map_err(|e: UnknownJobValue| FromSqlError::Other(Box::new(e)))
            }
        }
    };
}

job_word!(JobKind, "kind");
job_word!(JobStatus, "status");

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
}

impl Db {
    /// Jobs left queued or running by a previous process are marked failed: nobody is working on
    /// them any more, and silently dropping them would hide that the work was lost.
    pub fn fail_interrupted_jobs(&self) -> Result<usize, DbError> {
        self.fail_unfinished_jobs("interrupted by restart")
    }

    /// Marks every queued or running job failed with `reason`: at start-up for what a killed
    /// process left behind, and at a graceful stop for what did not finish within the grace period
    /// (so the job list tells the truth before the process is gone, not only after a restart).
    pub fn fail_unfinished_jobs(&self, reason: &str) -> Result<usize, DbError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE jobs SET status = ?1, error = ?5, finished_at = ?2
                 WHERE status IN (?3, ?4)",
                params![
                    JobStatus::Failed,
                    now(),
                    JobStatus::Queued,
                    JobStatus::Running,
                    reason
                ],
            )?)
        })
    }

    /// Records a new queued job.
    pub fn insert_job(
        &self,
        kind: JobKind,
        centre_id: i64,
        params: &serde_json::Value,
    ) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO jobs (kind, centre_id, status, progress, message, params_json, created_at)
                 VALUES (?1, ?2, ?3, 0, 'queued', ?4, ?5)",
                params![kind, centre_id, JobStatus::Queued, params.to_string(), now()],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Marks a queued job running; `false` if it is no longer queued (cancelled meanwhile).
    pub fn start_job(&self, id: i64) -> Result<bool, DbError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE jobs SET status = ?1, started_at = ?2, message = 'started'
                 WHERE id = ?3 AND status = ?4",
                params![JobStatus::Running, now(), id, JobStatus::Queued],
            )? == 1)
        })
    }

    /// Progress of a running job.
    pub fn job_progress(&self, id: i64, progress: f64, message: &str) -> Result<(), DbError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE jobs SET progress = ?1, message = ?2 WHERE id = ?3 AND status = ?4",
                params![progress.clamp(0.0, 1.0), message, id, JobStatus::Running],
            )?;
            Ok(())
        })
    }

    /// A job's end: `succeeded` with a result id, `failed` with an error or `cancelled`.
    pub fn finish_job(
        &self,
        id: i64,
        final_status: JobStatus,
        result_id: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), DbError> {
        self.write(|tx| {
            let progress = if final_status == JobStatus::Succeeded {
                1.0
            } else {
                -1.0
            };
            tx.execute(
                "UPDATE jobs SET status = ?1, result_id = ?2, error = ?3, finished_at = ?4,
                   progress = CASE WHEN ?5 >= 0 THEN ?5 ELSE progress END, message = ?1
                 WHERE id = ?6",
                params![final_status, result_id, error, now(), progress, id],
            )?;
            Ok(())
        })
    }

    /// Marks a queued job cancelled at once; returns the job's status after the call (`None`:
    /// no such job).
    pub fn cancel_queued_job(&self, id: i64) -> Result<Option<JobStatus>, DbError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE jobs SET status = ?1, finished_at = ?2, message = ?1
                 WHERE id = ?3 AND status = ?4",
                params![JobStatus::Cancelled, now(), id, JobStatus::Queued],
            )?;
            Ok(tx
                .query_row("SELECT status FROM jobs WHERE id = ?1", [id], |r| r.get(0))
                .optional()?)
        })
    }

    /// One job.
    pub fn job(&self, id: i64) -> Result<Option<JobRow>, DbError> {
        self.one(id)
    }

    /// Jobs of a centre, newest first (at most 100).
    pub fn jobs(&self, centre_id: i64) -> Result<Vec<JobRow>, DbError> {
        self.list(&format!("{NEWEST_OF_CENTRE} LIMIT 100"), [centre_id])
    }
}

/// Inside the transaction that stores a job's result: marks the job succeeded with it.
pub(super) fn succeed(tx: &Transaction<'_>, job_id: i64, result_id: i64) -> Result<(), DbError> {
    tx.execute(
        "UPDATE jobs SET status = ?1, result_id = ?2, progress = 1, message = ?1, finished_at = ?3
         WHERE id = ?4",
        params![JobStatus::Succeeded, result_id, now(), job_id],
    )?;
    Ok(())
}

impl Stored for JobRow {
    const SELECT: &'static str = "SELECT id, kind, centre_id, status, progress, message,
        result_id, error, created_at, started_at, finished_at, params_json FROM jobs";
    type Raw = (Self, String);
    fn read(r: &Row<'_>) -> rusqlite::Result<Self::Raw> {
        let row = JobRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            centre_id: r.get(2)?,
            status: r.get(3)?,
            progress: r.get(4)?,
            message: r.get(5)?,
            params: serde_json::Value::Null,
            result_id: r.get(6)?,
            error: r.get(7)?,
            created_at: r.get(8)?,
            started_at: r.get(9)?,
            finished_at: r.get(10)?,
        };
        Ok((row, r.get(11)?))
    }
    fn finish((mut row, params): Self::Raw) -> Result<Self, DbError> {
        row.params = json(&params)?;
        Ok(row)
    }
}
