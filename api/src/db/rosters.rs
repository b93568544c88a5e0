//! Rosters: headline figures, the whole roster as JSON and the planner's three CSV files.

use serde::Serialize;
use utoipa::ToSchema;

use super::jobs::succeed;
use super::sql::{args, SqlRow};
use super::{json, now, Db, DbError, Stored, NEWEST_OF_CENTRE};

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
    /// The roster this one was edited from by an accepted intraday action (`None`: solved).
    pub edited_from: Option<i64>,
    /// The accepted action that made this roster from `edited_from`.
    #[schema(value_type = Option<Object>)]
    pub edit: Option<serde_json::Value>,
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

impl Db {
    /// Stores a roster and marks its job succeeded, in one transaction.
    pub fn insert_roster(&self, r: &NewRoster) -> Result<i64, DbError> {
        self.write(|tx| {
            let id = tx.insert(
                "INSERT INTO rosters (centre_id, requirement_set_id, job_id, first_day, days,
                   created_at, summary_json, roster_json, shifts_csv, activities_csv, coverage_csv)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                args![
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
        self.list(NEWEST_OF_CENTRE, args![centre_id])
    }

    /// One of a roster's files.
    pub fn roster_file(&self, id: i64, file: RosterFile) -> Result<Option<String>, DbError> {
        self.file("rosters", file.column(), id)
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

impl Stored for RosterRow {
    const SELECT: &'static str = "SELECT id, centre_id, requirement_set_id, job_id, first_day,
        days, created_at, summary_json, edited_from, edit_json FROM rosters";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(RosterRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            requirement_set_id: r.get(2)?,
            job_id: r.get(3)?,
            first_day: r.get(4)?,
            days: r.get(5)?,
            created_at: r.get(6)?,
            summary: json(&r.get::<String>(7)?)?,
            edited_from: r.get(8)?,
            edit: r
                .get::<Option<String>>(9)?
                .as_deref()
                .map(json)
                .transpose()?,
        })
    }
}
