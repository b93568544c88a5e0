//! Performance reports of a history: per channel and week, as JSON and as an HTML page.

use serde::Serialize;
use utoipa::ToSchema;

use super::jobs::succeed;
use super::sql::{args, SqlRow};
use super::{json, now, Db, DbError, Stored, NEWEST_OF_CENTRE};

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

impl Db {
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
            let id = tx.insert(
                "INSERT INTO reports (centre_id, history_id, job_id, created_at, first_day,
                   last_day, report_json, html) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                args![
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
        self.list(NEWEST_OF_CENTRE, args![centre_id])
    }

    /// A report's HTML page.
    pub fn report_html(&self, id: i64) -> Result<Option<String>, DbError> {
        self.file("reports", "html", id)
    }
}

impl Stored for ReportRow {
    const SELECT: &'static str = "SELECT id, centre_id, history_id, job_id, created_at,
        first_day, last_day, report_json FROM reports";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(ReportRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            history_id: r.get(2)?,
            job_id: r.get(3)?,
            created_at: r.get(4)?,
            first_day: r.get(5)?,
            last_day: r.get(6)?,
            report: json(&r.get::<String>(7)?)?,
        })
    }
}
