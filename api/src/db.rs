//! SQLite storage: centres, uploaded histories, forecasts, requirement sets, rosters, simulation
//! runs, scenario comparisons, performance reports and job states.
//!
//! One file (or `:memory:`), opened in WAL mode with `synchronous = FULL`, so every write that the
//! service acknowledged survives a crash or restart. Each write is one transaction. Migrations are a
//! numbered list of SQL scripts applied in order and recorded in `PRAGMA user_version`.
//!
//! The connection sits behind a mutex: SQLite serialises writers anyway, and the service's writes
//! are few and small next to the solver work they record. Callers run these methods off the async
//! workers (`web::block` or a job thread), never on them.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::Serialize;
use utoipa::ToSchema;

/// A storage failure (not the user's fault: the service answers 500 and logs it).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored JSON document could not be read back.
    #[error("stored document is corrupt: {0}")]
    Json(#[from] serde_json::Error),
    /// The database was written by a newer Rota.
    #[error("the database schema version {found} is newer than this Rota understands ({known})")]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Latest version this build knows.
        known: i64,
    },
    /// A previous panic while holding the connection.
    #[error("the database connection was poisoned by an earlier failure")]
    Poisoned,
}

/// The schema, one script per version. Never edit a published script: append a new one.
const MIGRATIONS: &[&str] = &[
    // 1: the whole first schema.
    "CREATE TABLE centres (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        config_toml TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE histories (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        filename TEXT NOT NULL,
        uploaded_at TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        records INTEGER NOT NULL,
        first_day TEXT,
        last_day TEXT,
        content BLOB NOT NULL,
        summary_json TEXT NOT NULL,
        summary_text TEXT NOT NULL,
        recent_json TEXT NOT NULL
    );
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        status TEXT NOT NULL,
        progress REAL NOT NULL,
        message TEXT NOT NULL,
        params_json TEXT NOT NULL,
        result_id INTEGER,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
    );
    CREATE TABLE forecasts (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        history_id INTEGER NOT NULL REFERENCES histories(id),
        job_id INTEGER REFERENCES jobs(id),
        first_day TEXT NOT NULL,
        days INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        models_json TEXT NOT NULL,
        csv TEXT NOT NULL
    );
    CREATE TABLE requirement_sets (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        forecast_id INTEGER NOT NULL REFERENCES forecasts(id),
        quantile TEXT NOT NULL,
        created_at TEXT NOT NULL,
        summary_json TEXT NOT NULL,
        csv TEXT NOT NULL
    );
    CREATE TABLE rosters (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        requirement_set_id INTEGER NOT NULL REFERENCES requirement_sets(id),
        job_id INTEGER REFERENCES jobs(id),
        first_day TEXT NOT NULL,
        days INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        summary_json TEXT NOT NULL,
        roster_json TEXT NOT NULL,
        shifts_csv TEXT NOT NULL,
        activities_csv TEXT NOT NULL,
        coverage_csv TEXT NOT NULL
    );
    CREATE TABLE simulations (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        roster_id INTEGER NOT NULL REFERENCES rosters(id),
        job_id INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        report_json TEXT NOT NULL
    );
    CREATE INDEX histories_centre ON histories(centre_id);
    CREATE INDEX forecasts_centre ON forecasts(centre_id);
    CREATE INDEX rosters_centre ON rosters(centre_id);
    CREATE INDEX jobs_centre ON jobs(centre_id);",
    // 2: the per-interval simulated KPIs as a file.
    "ALTER TABLE simulations ADD COLUMN intervals_csv TEXT NOT NULL DEFAULT '';",
    // 3: scenario comparisons and performance reports.
    "CREATE TABLE comparisons (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        forecast_id INTEGER NOT NULL REFERENCES forecasts(id),
        job_id INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        comparison_json TEXT NOT NULL,
        html TEXT NOT NULL
    );
    CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        history_id INTEGER NOT NULL REFERENCES histories(id),
        job_id INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        first_day TEXT NOT NULL,
        last_day TEXT NOT NULL,
        report_json TEXT NOT NULL,
        html TEXT NOT NULL
    );
    CREATE INDEX comparisons_centre ON comparisons(centre_id);
    CREATE INDEX reports_centre ON reports(centre_id);",
];

/// Now, as stored: RFC 3339 UTC.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The service's database handle (cheap to clone).
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

/// A centre as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CentreRow {
    /// Centre id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// The configuration (TOML), as stored.
    pub config_toml: String,
    /// Created (UTC).
    pub created_at: String,
    /// Last configuration update (UTC).
    pub updated_at: String,
}

/// An uploaded history as listed (without its content).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryRow {
    /// History id.
    pub id: i64,
    /// Centre.
    pub centre_id: i64,
    /// File name given at upload.
    pub filename: String,
    /// Uploaded (UTC).
    pub uploaded_at: String,
    /// Size of the upload in bytes.
    pub bytes: i64,
    /// Interval records read.
    pub records: i64,
    /// First local day with data.
    pub first_day: Option<String>,
    /// Last local day with data.
    pub last_day: Option<String>,
}

/// Job states.
pub mod status {
    /// Waiting for a worker.
    pub const QUEUED: &str = "queued";
    /// Being worked on.
    pub const RUNNING: &str = "running";
    /// Finished with a result.
    pub const SUCCEEDED: &str = "succeeded";
    /// Finished with an error.
    pub const FAILED: &str = "failed";
    /// Stopped at the user's request.
    pub const CANCELLED: &str = "cancelled";
}

/// A background job as stored.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct JobRow {
    /// Job id.
    pub id: i64,
    /// `forecast`, `schedule` or `simulation`.
    pub kind: String,
    /// Centre.
    pub centre_id: i64,
    /// `queued`, `running`, `succeeded`, `failed` or `cancelled`.
    pub status: String,
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

/// A stored forecast (without the CSV).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ForecastRow {
    /// Forecast id.
    pub id: i64,
    /// Centre.
    pub centre_id: i64,
    /// History it was made from.
    pub history_id: i64,
    /// Job that made it.
    pub job_id: Option<i64>,
    /// First local day forecast.
    pub first_day: String,
    /// Days forecast.
    pub days: i64,
    /// Created (UTC).
    pub created_at: String,
    /// Model selected per channel with its backtest scores.
    #[schema(value_type = Object)]
    pub models: serde_json::Value,
}

/// A stored requirement set (without the CSV).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RequirementSetRow {
    /// Requirement set id.
    pub id: i64,
    /// Centre.
    pub centre_id: i64,
    /// Forecast it was computed from.
    pub forecast_id: i64,
    /// Forecast figure planned for (`mean`, `p10`, `p50`, `p90`).
    pub quantile: String,
    /// Created (UTC).
    pub created_at: String,
    /// Per-channel totals (offered, required agent-hours, peak, abandon rate, service level).
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

/// A stored roster (headline figures; files are separate endpoints).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RosterRow {
    /// Roster id.
    pub id: i64,
    /// Centre.
    pub centre_id: i64,
    /// Requirement set rostered against.
    pub requirement_set_id: i64,
    /// Job that made it.
    pub job_id: Option<i64>,
    /// First local day.
    pub first_day: String,
    /// Days.
    pub days: i64,
    /// Created (UTC).
    pub created_at: String,
    /// Paid cost, hours, objective, bound, gap, per-channel shortfall, solver statistics, diagnosis.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
}

/// A stored simulation run.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SimulationRow {
    /// Simulation id.
    pub id: i64,
    /// Centre.
    pub centre_id: i64,
    /// Roster simulated.
    pub roster_id: i64,
    /// Job that ran it.
    pub job_id: Option<i64>,
    /// Created (UTC).
    pub created_at: String,
    /// Whether every channel met every target (at the 95% level where conclusive).
    pub all_targets_met: bool,
    /// One row per channel and KPI: simulated mean with its 95% bounds, the target and whether
    /// it is met.
    #[schema(value_type = Vec<Object>)]
    pub kpis: serde_json::Value,
    /// The full report (per-day and per-week KPIs, verdict with missed intervals; the
    /// per-interval KPIs are in `intervals.csv`).
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// A stored scenario comparison: the baseline and each scenario on one forecast.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ComparisonRow {
    /// Comparison id.
    pub id: i64,
    /// Centre.
    pub centre_id: i64,
    /// Forecast the scenarios ran on.
    pub forecast_id: i64,
    /// Job that ran it.
    pub job_id: Option<i64>,
    /// Created (UTC).
    pub created_at: String,
    /// Per scenario (baseline first) and channel: required FTE, roster hours and cost, the KPIs
    /// the roster delivers and the targets it misses (`rota scenario --json`).
    #[schema(value_type = Object)]
    pub comparison: serde_json::Value,
}

/// A stored performance report of a history.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReportRow {
    /// Report id.
    pub id: i64,
    /// Centre.
    pub centre_id: i64,
    /// History reported on.
    pub history_id: i64,
    /// Job that built it.
    pub job_id: Option<i64>,
    /// Created (UTC).
    pub created_at: String,
    /// First local date reported.
    pub first_day: String,
    /// Last local date reported.
    pub last_day: String,
    /// Per channel and week: offered, handled, abandon rate, ASA, service level, AHT, forecast
    /// accuracy, staffing against requirement (`rota report --json`).
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// The three roster files a planner downloads (and the full roster JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RosterFile {
    /// `shifts.csv`.
    Shifts,
    /// `activities.csv`.
    Activities,
    /// `coverage.csv`.
    Coverage,
    /// `roster.json`.
    Json,
}

impl RosterFile {
    fn column(self) -> &'static str {
        match self {
            RosterFile::Shifts => "shifts_csv",
            RosterFile::Activities => "activities_csv",
            RosterFile::Coverage => "coverage_csv",
            RosterFile::Json => "roster_json",
        }
    }
}

/// What a finished roster job stores.
#[derive(Debug, Clone)]
pub struct NewRoster {
    /// Centre.
    pub centre_id: i64,
    /// Requirement set.
    pub requirement_set_id: i64,
    /// Job.
    pub job_id: i64,
    /// First local day.
    pub first_day: String,
    /// Days.
    pub days: i64,
    /// Summary JSON.
    pub summary_json: String,
    /// Whole roster JSON.
    pub roster_json: String,
    /// shifts.csv.
    pub shifts_csv: String,
    /// activities.csv.
    pub activities_csv: String,
    /// coverage.csv.
    pub coverage_csv: String,
}

/// What an upload stores.
#[derive(Debug, Clone)]
pub struct NewHistory {
    /// Centre.
    pub centre_id: i64,
    /// File name given.
    pub filename: String,
    /// Raw bytes as uploaded (CSV or CSV.gz).
    pub content: Vec<u8>,
    /// Records read.
    pub records: i64,
    /// First local day.
    pub first_day: Option<String>,
    /// Last local day.
    pub last_day: Option<String>,
    /// Summary as JSON.
    pub summary_json: String,
    /// Summary as the `rota data check` text.
    pub summary_text: String,
    /// Recent offered per channel and interval (for the dashboard chart).
    pub recent_json: String,
}

fn json(text: &str) -> Result<serde_json::Value, DbError> {
    Ok(serde_json::from_str(text)?)
}

impl Db {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// `:memory:` gives a private in-memory database (tests).
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    fn init(mut conn: Connection) -> Result<Self, DbError> {
        // WAL: readers do not block the writer; FULL sync: an acknowledged commit is on disk.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        migrate(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>, DbError> {
        self.conn.lock().map_err(|_| DbError::Poisoned)
    }

    /// Runs `f` in one transaction, committed when it returns `Ok`.
    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// The one row `sql` (with `?1` = `id`) selects, mapped by `map`; `None` when there is none.
    fn query_one<T>(
        &self,
        sql: &str,
        id: i64,
        map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, DbError> {
        Ok(self.lock()?.query_row(sql, [id], map).optional()?)
    }

    /// One stored file (a text column) of the row `id` of `table`. Table and column names are
    /// this module's constants, never user input.
    fn file(&self, table: &str, column: &str, id: i64) -> Result<Option<String>, DbError> {
        self.query_one(
            &format!("SELECT {column} FROM {table} WHERE id = ?1"),
            id,
            |r| r.get(0),
        )
    }

    /// The stored row `id` of `T`'s table.
    fn one<T: Stored>(&self, id: i64) -> Result<Option<T>, DbError> {
        self.query_one(&format!("{} WHERE id = ?1", T::SELECT), id, T::read)?
            .map(T::finish)
            .transpose()
    }

    /// The rows of `T`'s table that `filter` (a `WHERE`/`ORDER BY` tail, with `?1` = `param`
    /// when it names one) selects.
    fn list<T: Stored>(
        &self,
        filter: &str,
        param: impl rusqlite::Params,
    ) -> Result<Vec<T>, DbError> {
        let conn = self.lock()?;
        let mut st = conn.prepare(&format!("{} {filter}", T::SELECT))?;
        let raw: Vec<T::Raw> = st.query_map(param, T::read)?.collect::<Result<_, _>>()?;
        raw.into_iter().map(T::finish).collect()
    }

    /// The schema version in the file.
    pub fn schema_version(&self) -> Result<i64, DbError> {
        Ok(self
            .lock()?
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Readiness: the database answers a query.
    pub fn ping(&self) -> Result<(), DbError> {
        self.lock()?
            .query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
        Ok(())
    }

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
                    status::FAILED,
                    now(),
                    status::QUEUED,
                    status::RUNNING,
                    reason
                ],
            )?)
        })
    }

    // ---------------------------------------------------------------- centres

    /// Stores a new centre; `None` when the name is taken.
    pub fn insert_centre(&self, name: &str, config_toml: &str) -> Result<Option<i64>, DbError> {
        self.write(|tx| {
            let taken: Option<i64> = tx
                .query_row("SELECT id FROM centres WHERE name = ?1", [name], |r| {
                    r.get(0)
                })
                .optional()?;
            if taken.is_some() {
                return Ok(None);
            }
            let t = now();
            tx.execute(
                "INSERT INTO centres (name, config_toml, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3)",
                params![name, config_toml, t],
            )?;
            Ok(Some(tx.last_insert_rowid()))
        })
    }

    /// Replaces a centre's configuration; `false` when there is no such centre.
    pub fn update_centre_config(&self, id: i64, config_toml: &str) -> Result<bool, DbError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE centres SET config_toml = ?1, updated_at = ?2 WHERE id = ?3",
                params![config_toml, now(), id],
            )? == 1)
        })
    }

    /// One centre.
    pub fn centre(&self, id: i64) -> Result<Option<CentreRow>, DbError> {
        self.one(id)
    }

    /// All centres, by id.
    pub fn centres(&self) -> Result<Vec<CentreRow>, DbError> {
        self.list("ORDER BY id", [])
    }

    // ---------------------------------------------------------------- histories

    /// Stores an uploaded history.
    pub fn insert_history(&self, h: &NewHistory) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO histories (centre_id, filename, uploaded_at, bytes, records, first_day,
                   last_day, content, summary_json, summary_text, recent_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    h.centre_id,
                    h.filename,
                    now(),
                    h.content.len() as i64,
                    h.records,
                    h.first_day,
                    h.last_day,
                    h.content,
                    h.summary_json,
                    h.summary_text,
                    h.recent_json
                ],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// Histories of a centre, newest first.
    pub fn histories(&self, centre_id: i64) -> Result<Vec<HistoryRow>, DbError> {
        self.list(NEWEST_OF_CENTRE, [centre_id])
    }

    /// One history's listing row.
    pub fn history(&self, id: i64) -> Result<Option<HistoryRow>, DbError> {
        self.one(id)
    }

    /// One history's summary (JSON, text) and recent series (JSON).
    pub fn history_details(
        &self,
        id: i64,
    ) -> Result<Option<(serde_json::Value, String, serde_json::Value)>, DbError> {
        let row: Option<(String, String, String)> = self.query_one(
            "SELECT summary_json, summary_text, recent_json FROM histories WHERE id = ?1",
            id,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        row.map(|(s, t, r)| Ok((json(&s)?, t, json(&r)?)))
            .transpose()
    }

    /// One history's uploaded bytes.
    pub fn history_content(&self, id: i64) -> Result<Option<(String, Vec<u8>)>, DbError> {
        self.query_one(
            "SELECT filename, content FROM histories WHERE id = ?1",
            id,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }

    // ---------------------------------------------------------------- jobs

    /// Records a new queued job.
    pub fn insert_job(
        &self,
        kind: &str,
        centre_id: i64,
        params: &serde_json::Value,
    ) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO jobs (kind, centre_id, status, progress, message, params_json, created_at)
                 VALUES (?1, ?2, ?3, 0, 'queued', ?4, ?5)",
                params![kind, centre_id, status::QUEUED, params.to_string(), now()],
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
                params![status::RUNNING, now(), id, status::QUEUED],
            )? == 1)
        })
    }

    /// Progress of a running job.
    pub fn job_progress(&self, id: i64, progress: f64, message: &str) -> Result<(), DbError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE jobs SET progress = ?1, message = ?2 WHERE id = ?3 AND status = ?4",
                params![progress.clamp(0.0, 1.0), message, id, status::RUNNING],
            )?;
            Ok(())
        })
    }

    /// A job's end: `succeeded` with a result id, `failed` with an error or `cancelled`.
    pub fn finish_job(
        &self,
        id: i64,
        final_status: &str,
        result_id: Option<i64>,
        error: Option<&str>,
    ) -> Result<(), DbError> {
        self.write(|tx| {
            let progress = if final_status == status::SUCCEEDED {
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

    /// Marks a queued job cancelled at once; returns the job's status after the call.
    pub fn cancel_queued_job(&self, id: i64) -> Result<Option<String>, DbError> {
        self.write(|tx| {
            tx.execute(
                "UPDATE jobs SET status = ?1, finished_at = ?2, message = ?1
                 WHERE id = ?3 AND status = ?4",
                params![status::CANCELLED, now(), id, status::QUEUED],
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

    // ---------------------------------------------------------------- forecasts

    /// Stores a forecast and marks its job succeeded, in one transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn insert_forecast(
        &self,
        centre_id: i64,
        history_id: i64,
        job_id: i64,
        first_day: &str,
        days: i64,
        models_json: &str,
        csv: &str,
    ) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO forecasts (centre_id, history_id, job_id, first_day, days, created_at,
                   models_json, csv)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    centre_id,
                    history_id,
                    job_id,
                    first_day,
                    days,
                    now(),
                    models_json,
                    csv
                ],
            )?;
            let id = tx.last_insert_rowid();
            succeed(tx, job_id, id)?;
            Ok(id)
        })
    }

    /// One forecast (without CSV).
    pub fn forecast(&self, id: i64) -> Result<Option<ForecastRow>, DbError> {
        self.one(id)
    }

    /// Forecasts of a centre, newest first.
    pub fn forecasts(&self, centre_id: i64) -> Result<Vec<ForecastRow>, DbError> {
        self.list(NEWEST_OF_CENTRE, [centre_id])
    }

    /// A forecast's CSV.
    pub fn forecast_csv(&self, id: i64) -> Result<Option<String>, DbError> {
        self.file("forecasts", "csv", id)
    }

    // ---------------------------------------------------------------- requirement sets

    /// Stores a requirement set.
    pub fn insert_requirement_set(
        &self,
        centre_id: i64,
        forecast_id: i64,
        quantile: &str,
        summary_json: &str,
        csv: &str,
    ) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO requirement_sets (centre_id, forecast_id, quantile, created_at,
                   summary_json, csv)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![centre_id, forecast_id, quantile, now(), summary_json, csv],
            )?;
            Ok(tx.last_insert_rowid())
        })
    }

    /// One requirement set (without CSV).
    pub fn requirement_set(&self, id: i64) -> Result<Option<RequirementSetRow>, DbError> {
        self.one(id)
    }

    /// A requirement set's CSV.
    pub fn requirement_csv(&self, id: i64) -> Result<Option<String>, DbError> {
        self.file("requirement_sets", "csv", id)
    }

    // ---------------------------------------------------------------- rosters

    /// Stores a roster and marks its job succeeded, in one transaction.
    pub fn insert_roster(&self, r: &NewRoster) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO rosters (centre_id, requirement_set_id, job_id, first_day, days,
                   created_at, summary_json, roster_json, shifts_csv, activities_csv, coverage_csv)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                params![
                    r.centre_id,
                    r.requirement_set_id,
                    r.job_id,
                    r.first_day,
                    r.days,
                    now(),
                    r.summary_json,
                    r.roster_json,
                    r.shifts_csv,
                    r.activities_csv,
                    r.coverage_csv
                ],
            )?;
            let id = tx.last_insert_rowid();
            succeed(tx, r.job_id, id)?;
            Ok(id)
        })
    }

    /// One roster's headline figures.
    pub fn roster(&self, id: i64) -> Result<Option<RosterRow>, DbError> {
        self.one(id)
    }

    /// Rosters of a centre, newest first.
    pub fn rosters(&self, centre_id: i64) -> Result<Vec<RosterRow>, DbError> {
        self.list(NEWEST_OF_CENTRE, [centre_id])
    }

    /// One of a roster's files.
    pub fn roster_file(&self, id: i64, file: RosterFile) -> Result<Option<String>, DbError> {
        self.file("rosters", file.column(), id)
    }

    // ---------------------------------------------------------------- simulations

    /// Stores a simulation report and marks its job succeeded, in one transaction.
    pub fn insert_simulation(
        &self,
        centre_id: i64,
        roster_id: i64,
        job_id: i64,
        report_json: &str,
        intervals_csv: &str,
    ) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO simulations (centre_id, roster_id, job_id, created_at, report_json,
                   intervals_csv)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![
                    centre_id,
                    roster_id,
                    job_id,
                    now(),
                    report_json,
                    intervals_csv
                ],
            )?;
            let id = tx.last_insert_rowid();
            succeed(tx, job_id, id)?;
            Ok(id)
        })
    }

    /// One simulation run.
    pub fn simulation(&self, id: i64) -> Result<Option<SimulationRow>, DbError> {
        self.one(id)
    }

    /// The simulations of a roster, newest first, so a run made through the API or the page is
    /// found again after a reload.
    pub fn roster_simulations(&self, roster_id: i64) -> Result<Vec<SimulationRow>, DbError> {
        self.list("WHERE roster_id = ?1 ORDER BY id DESC", [roster_id])
    }

    /// A simulation's per-interval KPIs (CSV).
    pub fn simulation_csv(&self, id: i64) -> Result<Option<String>, DbError> {
        self.file("simulations", "intervals_csv", id)
    }

    /// The forecast behind a roster (roster -> requirement set -> forecast).
    pub fn roster_forecast_id(&self, roster_id: i64) -> Result<Option<i64>, DbError> {
        self.query_one(
            "SELECT q.forecast_id FROM rosters r JOIN requirement_sets q
               ON q.id = r.requirement_set_id WHERE r.id = ?1",
            roster_id,
            |r| r.get(0),
        )
    }
}

impl Db {
    // ---------------------------------------------------------------- comparisons

    /// Stores a scenario comparison and marks its job succeeded, in one transaction.
    pub fn insert_comparison(
        &self,
        centre_id: i64,
        forecast_id: i64,
        job_id: i64,
        comparison_json: &str,
        html: &str,
    ) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO comparisons (centre_id, forecast_id, job_id, created_at,
                   comparison_json, html) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![centre_id, forecast_id, job_id, now(), comparison_json, html],
            )?;
            let id = tx.last_insert_rowid();
            succeed(tx, job_id, id)?;
            Ok(id)
        })
    }

    /// One comparison.
    pub fn comparison(&self, id: i64) -> Result<Option<ComparisonRow>, DbError> {
        self.one(id)
    }

    /// The comparisons of a centre, newest first.
    pub fn comparisons(&self, centre_id: i64) -> Result<Vec<ComparisonRow>, DbError> {
        self.list(NEWEST_OF_CENTRE, [centre_id])
    }

    /// A comparison's HTML page.
    pub fn comparison_html(&self, id: i64) -> Result<Option<String>, DbError> {
        self.file("comparisons", "html", id)
    }

    // ---------------------------------------------------------------- reports

    /// Stores a performance report and marks its job succeeded, in one transaction.
    pub fn insert_report(
        &self,
        centre_id: i64,
        history_id: i64,
        job_id: i64,
        period: (&str, &str),
        report_json: &str,
        html: &str,
    ) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO reports (centre_id, history_id, job_id, created_at, first_day,
                   last_day, report_json, html) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![
                    centre_id,
                    history_id,
                    job_id,
                    now(),
                    period.0,
                    period.1,
                    report_json,
                    html
                ],
            )?;
            let id = tx.last_insert_rowid();
            succeed(tx, job_id, id)?;
            Ok(id)
        })
    }

    /// One report.
    pub fn report(&self, id: i64) -> Result<Option<ReportRow>, DbError> {
        self.one(id)
    }

    /// The reports of a centre, newest first.
    pub fn reports(&self, centre_id: i64) -> Result<Vec<ReportRow>, DbError> {
        self.list(NEWEST_OF_CENTRE, [centre_id])
    }

    /// A report's HTML page.
    pub fn report_html(&self, id: i64) -> Result<Option<String>, DbError> {
        self.file("reports", "html", id)
    }
}

fn succeed(tx: &Transaction<'_>, job_id: i64, result_id: i64) -> Result<(), DbError> {
    tx.execute(
        "UPDATE jobs SET status = ?1, result_id = ?2, progress = 1, message = ?1, finished_at = ?3
         WHERE id = ?4",
        params![status::SUCCEEDED, result_id, now(), job_id],
    )?;
    Ok(())
}

fn migrate(conn: &mut Connection) -> Result<(), DbError> {
    let known = MIGRATIONS.len() as i64;
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > known {
        return Err(DbError::TooNew {
            found: current,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "database migrated");
    }
    Ok(())
}

/// The tail of a centre's listing: newest first.
const NEWEST_OF_CENTRE: &str = "WHERE centre_id = ?1 ORDER BY id DESC";

/// A listed row type: how it is selected and read. Rows with a JSON column read it as text in
/// [`Stored::read`] (inside rusqlite's callback) and parse it in [`Stored::finish`], so a corrupt
/// document is a [`DbError::Json`].
trait Stored: Sized {
    /// `SELECT <columns in read's order> FROM <table>`, without a `WHERE`.
    const SELECT: &'static str;
    /// What [`Stored::read`] gives before the JSON is parsed.
    type Raw;
    /// Reads the columns of one row.
    fn read(r: &Row<'_>) -> rusqlite::Result<Self::Raw>;
    /// Parses what `read` left as text.
    fn finish(raw: Self::Raw) -> Result<Self, DbError>;
}

impl Stored for CentreRow {
    const SELECT: &'static str =
        "SELECT id, name, config_toml, created_at, updated_at FROM centres";
    type Raw = Self;
    fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(CentreRow {
            id: r.get(0)?,
            name: r.get(1)?,
            config_toml: r.get(2)?,
            created_at: r.get(3)?,
            updated_at: r.get(4)?,
        })
    }
    fn finish(raw: Self) -> Result<Self, DbError> {
        Ok(raw)
    }
}

impl Stored for HistoryRow {
    const SELECT: &'static str = "SELECT id, centre_id, filename, uploaded_at, bytes, records,
        first_day, last_day FROM histories";
    type Raw = Self;
    fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(HistoryRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            filename: r.get(2)?,
            uploaded_at: r.get(3)?,
            bytes: r.get(4)?,
            records: r.get(5)?,
            first_day: r.get(6)?,
            last_day: r.get(7)?,
        })
    }
    fn finish(raw: Self) -> Result<Self, DbError> {
        Ok(raw)
    }
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

impl Stored for ForecastRow {
    const SELECT: &'static str = "SELECT id, centre_id, history_id, job_id, first_day, days,
        created_at, models_json FROM forecasts";
    type Raw = (Self, String);
    fn read(r: &Row<'_>) -> rusqlite::Result<Self::Raw> {
        let row = ForecastRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            history_id: r.get(2)?,
            job_id: r.get(3)?,
            first_day: r.get(4)?,
            days: r.get(5)?,
            created_at: r.get(6)?,
            models: serde_json::Value::Null,
        };
        Ok((row, r.get(7)?))
    }
    fn finish((mut row, models): Self::Raw) -> Result<Self, DbError> {
        row.models = json(&models)?;
        Ok(row)
    }
}

impl Stored for RequirementSetRow {
    const SELECT: &'static str = "SELECT id, centre_id, forecast_id, quantile, created_at,
        summary_json FROM requirement_sets";
    type Raw = (Self, String);
    fn read(r: &Row<'_>) -> rusqlite::Result<Self::Raw> {
        let row = RequirementSetRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            forecast_id: r.get(2)?,
            quantile: r.get(3)?,
            created_at: r.get(4)?,
            summary: serde_json::Value::Null,
        };
        Ok((row, r.get(5)?))
    }
    fn finish((mut row, summary): Self::Raw) -> Result<Self, DbError> {
        row.summary = json(&summary)?;
        Ok(row)
    }
}

impl Stored for RosterRow {
    const SELECT: &'static str = "SELECT id, centre_id, requirement_set_id, job_id, first_day,
        days, created_at, summary_json FROM rosters";
    type Raw = (Self, String);
    fn read(r: &Row<'_>) -> rusqlite::Result<Self::Raw> {
        let row = RosterRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            requirement_set_id: r.get(2)?,
            job_id: r.get(3)?,
            first_day: r.get(4)?,
            days: r.get(5)?,
            created_at: r.get(6)?,
            summary: serde_json::Value::Null,
        };
        Ok((row, r.get(7)?))
    }
    fn finish((mut row, summary): Self::Raw) -> Result<Self, DbError> {
        row.summary = json(&summary)?;
        Ok(row)
    }
}

impl Stored for SimulationRow {
    const SELECT: &'static str = "SELECT id, centre_id, roster_id, job_id, created_at,
        report_json FROM simulations";
    type Raw = (Self, String);
    fn read(r: &Row<'_>) -> rusqlite::Result<Self::Raw> {
        let row = SimulationRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            roster_id: r.get(2)?,
            job_id: r.get(3)?,
            created_at: r.get(4)?,
            all_targets_met: false,
            kpis: serde_json::Value::Null,
            report: serde_json::Value::Null,
        };
        Ok((row, r.get(5)?))
    }
    /// The stored document holds the verdict, the KPI table and the full report side by side.
    fn finish((mut row, stored): Self::Raw) -> Result<Self, DbError> {
        let mut stored = json(&stored)?;
        row.all_targets_met = stored["all_targets_met"].as_bool().unwrap_or(false);
        row.kpis = stored["kpis"].take();
        row.report = stored["report"].take();
        Ok(row)
    }
}

impl Stored for ComparisonRow {
    const SELECT: &'static str =
        "SELECT id, centre_id, forecast_id, job_id, created_at, comparison_json FROM comparisons";
    type Raw = (Self, String);
    fn read(r: &Row<'_>) -> rusqlite::Result<Self::Raw> {
        let row = ComparisonRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            forecast_id: r.get(2)?,
            job_id: r.get(3)?,
            created_at: r.get(4)?,
            comparison: serde_json::Value::Null,
        };
        Ok((row, r.get(5)?))
    }
    fn finish((mut row, doc): Self::Raw) -> Result<Self, DbError> {
        row.comparison = json(&doc)?;
        Ok(row)
    }
}

impl Stored for ReportRow {
    const SELECT: &'static str = "SELECT id, centre_id, history_id, job_id, created_at,
        first_day, last_day, report_json FROM reports";
    type Raw = (Self, String);
    fn read(r: &Row<'_>) -> rusqlite::Result<Self::Raw> {
        let row = ReportRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            history_id: r.get(2)?,
            job_id: r.get(3)?,
            created_at: r.get(4)?,
            first_day: r.get(5)?,
            last_day: r.get(6)?,
            report: serde_json::Value::Null,
        };
        Ok((row, r.get(7)?))
    }
    fn finish((mut row, doc): Self::Raw) -> Result<Self, DbError> {
        row.report = json(&doc)?;
        Ok(row)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_db() -> (tempfile::TempDir, Db) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db = Db::open(&dir.path().join("rota.db")).expect("open");
        (dir, db)
    }

    #[test]
    fn migrations_run_once_and_reopen_keeps_data() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rota.db");
        {
            let db = Db::open(&path).expect("open");
            assert_eq!(
                db.schema_version().expect("version"),
                MIGRATIONS.len() as i64
            );
            assert!(db
                .insert_centre("North", "x = 1")
                .expect("insert")
                .is_some());
        }
        let db = Db::open(&path).expect("reopen");
        let centres = db.centres().expect("list");
        assert_eq!(centres.len(), 1);
        assert_eq!(centres[0].name, "North");
    }

    #[test]
    fn duplicate_centre_names_are_refused() {
        let (_dir, db) = temp_db();
        assert!(db.insert_centre("North", "a").expect("insert").is_some());
        assert!(db.insert_centre("North", "b").expect("insert").is_none());
    }

    #[test]
    fn interrupted_jobs_are_failed_not_lost() {
        let (_dir, db) = temp_db();
        let c = db.insert_centre("North", "a").expect("insert").expect("id");
        let queued = db
            .insert_job("forecast", c, &serde_json::json!({}))
            .expect("job");
        let running = db
            .insert_job("schedule", c, &serde_json::json!({}))
            .expect("job");
        assert!(db.start_job(running).expect("start"));
        let done = db
            .insert_job("forecast", c, &serde_json::json!({}))
            .expect("job");
        assert!(db.start_job(done).expect("start"));
        db.finish_job(done, status::FAILED, None, Some("bad"))
            .expect("finish");
        assert_eq!(db.fail_interrupted_jobs().expect("fail"), 2);
        for id in [queued, running] {
            let job = db.job(id).expect("read").expect("exists");
            assert_eq!(job.status, status::FAILED);
            assert_eq!(job.error.as_deref(), Some("interrupted by restart"));
        }
        assert_eq!(
            db.job(done)
                .expect("read")
                .expect("exists")
                .error
                .as_deref(),
            Some("bad")
        );
    }

    #[test]
    fn a_cancelled_queued_job_never_starts() {
        let (_dir, db) = temp_db();
        let c = db.insert_centre("North", "a").expect("insert").expect("id");
        let id = db
            .insert_job("forecast", c, &serde_json::json!({}))
            .expect("job");
        assert_eq!(
            db.cancel_queued_job(id).expect("cancel").as_deref(),
            Some(status::CANCELLED)
        );
        assert!(!db.start_job(id).expect("start"));
    }

    #[test]
    fn every_stored_row_reads_back_one_and_listed() {
        let (_dir, db) = temp_db();
        let c = db.insert_centre("North", "a").expect("insert").expect("id");
        let h = db
            .insert_history(&NewHistory {
                centre_id: c,
                filename: "h.csv".into(),
                content: b"abc".to_vec(),
                records: 3,
                first_day: Some("2026-11-01".into()),
                last_day: None,
                summary_json: r#"{"s":1}"#.into(),
                summary_text: "text".into(),
                recent_json: r#"{"r":2}"#.into(),
            })
            .expect("history");
        let job = db
            .insert_job("forecast", c, &serde_json::json!({"days": 7}))
            .expect("job");
        let f = db
            .insert_forecast(c, h, job, "2026-11-16", 7, r#"{"m":3}"#, "f,csv")
            .expect("forecast");
        let q = db
            .insert_requirement_set(c, f, "p50", r#"{"q":4}"#, "q,csv")
            .expect("requirements");
        let rjob = db
            .insert_job("schedule", c, &serde_json::json!({}))
            .expect("job");
        let r = db
            .insert_roster(&NewRoster {
                centre_id: c,
                requirement_set_id: q,
                job_id: rjob,
                first_day: "2026-11-16".into(),
                days: 7,
                summary_json: r#"{"gap":0.01}"#.into(),
                roster_json: "{}".into(),
                shifts_csv: "shifts".into(),
                activities_csv: "activities".into(),
                coverage_csv: "coverage".into(),
            })
            .expect("roster");
        let sjob = db
            .insert_job("simulation", c, &serde_json::json!({}))
            .expect("job");
        let report = r#"{"all_targets_met":true,"kpis":[1],"report":{"k":5}}"#;
        let s = db
            .insert_simulation(c, r, sjob, report, "intervals")
            .expect("simulation");

        assert_eq!(db.centre(c).expect("centre").expect("exists").name, "North");
        let hist = db.history(h).expect("history").expect("exists");
        assert_eq!((hist.bytes, hist.records), (3, 3));
        assert_eq!(hist.first_day.as_deref(), Some("2026-11-01"));
        assert_eq!(db.histories(c).expect("list").len(), 1);
        let (summary, text, recent) = db.history_details(h).expect("details").expect("exists");
        assert_eq!(
            (summary["s"].as_i64(), text.as_str(), recent["r"].as_i64()),
            (Some(1), "text", Some(2))
        );
        assert_eq!(
            db.history_content(h).expect("content"),
            Some(("h.csv".into(), b"abc".to_vec()))
        );

        let j = db.job(job).expect("job").expect("exists");
        assert_eq!(
            (j.kind.as_str(), j.status.as_str(), j.result_id),
            ("forecast", status::SUCCEEDED, Some(f))
        );
        assert_eq!(j.params["days"], 7);
        assert_eq!(
            db.jobs(c)
                .expect("jobs")
                .iter()
                .map(|j| j.id)
                .collect::<Vec<_>>(),
            [sjob, rjob, job]
        );

        let fr = db.forecast(f).expect("forecast").expect("exists");
        assert_eq!(
            (fr.history_id, fr.job_id, fr.days, fr.models["m"].as_i64()),
            (h, Some(job), 7, Some(3))
        );
        assert_eq!(db.forecasts(c).expect("list")[0].id, f);
        assert_eq!(db.forecast_csv(f).expect("csv").as_deref(), Some("f,csv"));

        let qr = db.requirement_set(q).expect("set").expect("exists");
        assert_eq!(
            (
                qr.forecast_id,
                qr.quantile.as_str(),
                qr.summary["q"].as_i64()
            ),
            (f, "p50", Some(4))
        );
        assert_eq!(
            db.requirement_csv(q).expect("csv").as_deref(),
            Some("q,csv")
        );

        let rr = db.roster(r).expect("roster").expect("exists");
        assert_eq!(
            (rr.requirement_set_id, rr.summary["gap"].as_f64()),
            (q, Some(0.01))
        );
        assert_eq!(db.rosters(c).expect("list")[0].id, r);
        for (file, text) in [
            (RosterFile::Shifts, "shifts"),
            (RosterFile::Activities, "activities"),
            (RosterFile::Coverage, "coverage"),
            (RosterFile::Json, "{}"),
        ] {
            assert_eq!(
                db.roster_file(r, file).expect("file").as_deref(),
                Some(text)
            );
        }
        assert_eq!(db.roster_forecast_id(r).expect("forecast id"), Some(f));

        let sr = db.simulation(s).expect("simulation").expect("exists");
        assert!(sr.all_targets_met);
        assert_eq!(
            (sr.roster_id, sr.kpis[0].as_i64(), sr.report["k"].as_i64()),
            (r, Some(1), Some(5))
        );
        assert_eq!(
            db.simulation_csv(s).expect("csv").as_deref(),
            Some("intervals")
        );

        assert!(db.forecast(f + 100).expect("read").is_none());
        assert!(db.forecast_csv(f + 100).expect("read").is_none());
        assert!(db.rosters(c + 100).expect("list").is_empty());
    }

    #[test]
    fn a_corrupt_stored_document_is_a_json_error() {
        let (_dir, db) = temp_db();
        let c = db.insert_centre("North", "a").expect("insert").expect("id");
        let job = db
            .insert_job("forecast", c, &serde_json::json!({}))
            .expect("job");
        db.lock()
            .expect("lock")
            .execute("UPDATE jobs SET params_json = '{' WHERE id = ?1", [job])
            .expect("corrupt");
        assert!(matches!(db.job(job), Err(DbError::Json(_))));
        assert!(matches!(db.jobs(c), Err(DbError::Json(_))));
    }

    #[test]
    fn a_newer_schema_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("rota.db");
        {
            let conn = Connection::open(&path).expect("open");
            conn.pragma_update(None, "user_version", 99).expect("set");
        }
        assert!(matches!(
            Db::open(&path),
            Err(DbError::TooNew { found: 99, .. })
        ));
    }
}
