//! Scenario comparisons: the baseline and each what-if scenario on one forecast, as JSON and as an
//! HTML page.

use serde::Serialize;
use utoipa::ToSchema;

use super::jobs::succeed;
use super::sql::{args, SqlRow};
use super::{json, now, Db, DbError, Stored, NEWEST_OF_CENTRE};

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

impl Db {
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
            let id = tx.insert(
                "INSERT INTO comparisons (centre_id, forecast_id, job_id, created_at,
                   comparison_json, html) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![centre_id, forecast_id, job_id, now(), comparison_json, html],
            )?;
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
        self.list(NEWEST_OF_CENTRE, args![centre_id])
    }

    /// A comparison's HTML page.
    pub fn comparison_html(&self, id: i64) -> Result<Option<String>, DbError> {
        self.file("comparisons", "html", id)
    }
}

impl Stored for ComparisonRow {
    const SELECT: &'static str =
        "SELECT id, centre_id, forecast_id, job_id, created_at, comparison_json FROM comparisons";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(ComparisonRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            forecast_id: r.get(2)?,
            job_id: r.get(3)?,
            created_at: r.get(4)?,
            comparison: json(&r.get::<String>(5)?)?,
        })
    }
}
