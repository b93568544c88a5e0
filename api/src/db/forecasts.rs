//! Forecasts (the models chosen and the forecast CSV) and the requirement sets computed from them.

use serde::Serialize;
use utoipa::ToSchema;

use super::jobs::succeed;
use super::sql::{args, SqlRow};
use super::{json, now, Db, DbError, Stored, NEWEST_OF_CENTRE};

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

impl Db {
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
            let id = tx.insert(
                "INSERT INTO forecasts (centre_id, history_id, job_id, first_day, days, created_at,
                   models_json, csv)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                args![
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
        self.list(NEWEST_OF_CENTRE, args![centre_id])
    }

    /// A forecast's CSV.
    pub fn forecast_csv(&self, id: i64) -> Result<Option<String>, DbError> {
        self.file("forecasts", "csv", id)
    }

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
            tx.insert(
                "INSERT INTO requirement_sets (centre_id, forecast_id, quantile, created_at,
                   summary_json, csv)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![centre_id, forecast_id, quantile, now(), summary_json, csv],
            )
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
}

impl Stored for ForecastRow {
    const SELECT: &'static str = "SELECT id, centre_id, history_id, job_id, first_day, days,
        created_at, models_json FROM forecasts";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(ForecastRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            history_id: r.get(2)?,
            job_id: r.get(3)?,
            first_day: r.get(4)?,
            days: r.get(5)?,
            created_at: r.get(6)?,
            models: json(&r.get::<String>(7)?)?,
        })
    }
}

impl Stored for RequirementSetRow {
    const SELECT: &'static str = "SELECT id, centre_id, forecast_id, quantile, created_at,
        summary_json FROM requirement_sets";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(RequirementSetRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            forecast_id: r.get(2)?,
            quantile: r.get(3)?,
            created_at: r.get(4)?,
            summary: json(&r.get::<String>(5)?)?,
        })
    }
}
