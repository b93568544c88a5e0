//! Jobs taken up on another node: the work of a job rebuilt from its stored request, so that a
//! node that stops (or restarts) does not take its queued and running jobs with it.
//!
//! A job runs where it was submitted while that node lives; any node may take it over when the
//! node's lease lapses, or take it from the queue when its own workers are idle. Only the kinds in
//! [`RESUMABLE`] can be rebuilt (forecasts and reports): their request names stored things only
//! (a history, days), and the centre's configuration is read as it is stored when the job starts
//! again. The others (schedules, simulations, scenario comparisons) still run only on the node
//! that accepted them; if it stops they fail saying so, and are submitted again.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::{Claimed, Db, JobKind};
use crate::jobs::{JobFailure, Work};
use crate::routes::forecasts::{forecast_work, ForecastJob};
use crate::routes::reports::{report_work, ReportJob};

/// The kinds any node can rebuild from the stored request.
pub const RESUMABLE: [JobKind; 2] = [JobKind::Forecast, JobKind::Report];

/// A forecast job's request as its row records it.
#[derive(Debug, Deserialize)]
struct ForecastParams {
    history_id: i64,
    first_day: NaiveDate,
    days: usize,
    #[serde(default)]
    with_actuals: bool,
}

/// A report job's request as its row records it.
#[derive(Debug, Deserialize)]
struct ReportParams {
    history_id: i64,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    forecast_accuracy: bool,
}

/// The stored request of `job`, read as `T`.
fn request<T: serde::de::DeserializeOwned>(job: &Claimed) -> Result<T, JobFailure> {
    serde_json::from_value(job.params.clone()).map_err(|e| {
        JobFailure::Failed(format!(
            "the stored {} request cannot be read: {e}",
            job.kind
        ))
    })
}

/// The work of `job`, rebuilt from its request and the centre's stored configuration; an error
/// names what is missing (the job then fails with it).
pub fn resume(db: &Db, job: &Claimed) -> Result<Work, JobFailure> {
    let config_toml = || -> Result<String, JobFailure> {
        Ok(db
            .centre(job.centre_id)?
            .ok_or_else(|| JobFailure::Failed("the centre was deleted".into()))?
            .config_toml)
    };
    match job.kind {
        JobKind::Forecast => {
            let p: ForecastParams = request(job)?;
            Ok(forecast_work(
                db.clone(),
                ForecastJob {
                    centre_id: job.centre_id,
                    config_toml: config_toml()?,
                    history_id: p.history_id,
                    first_day: p.first_day,
                    days: p.days,
                    with_actuals: p.with_actuals,
                },
            ))
        }
        JobKind::Report => {
            let p: ReportParams = request(job)?;
            Ok(report_work(
                db.clone(),
                ReportJob {
                    centre_id: job.centre_id,
                    config_toml: config_toml()?,
                    history_id: p.history_id,
                    from: p.from,
                    to: p.to,
                    forecast_accuracy: p.forecast_accuracy,
                },
            ))
        }
        other => Err(JobFailure::Failed(format!(
            "a {other} job runs only on the node that accepted it, and that node stopped; \
             submit it again"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claimed(kind: JobKind, centre_id: i64, params: serde_json::Value) -> Claimed {
        Claimed {
            id: 1,
            kind,
            centre_id,
            params,
            attempt: 2,
            taken_from: Some("gone".into()),
        }
    }

    #[test]
    fn forecasts_and_reports_are_rebuilt_from_their_request_and_the_rest_say_why_not() {
        let db = Db::open(std::path::Path::new(":memory:")).expect("db");
        let c = db.insert_centre("North", "x").expect("insert").expect("id");
        // The requests as the routes record them (routes/forecasts.rs, routes/reports.rs).
        let forecast = serde_json::json!({"history_id": 4, "first_day": "2026-11-16", "days": 7});
        let report = serde_json::json!({"history_id": 4, "from": null, "to": "2026-11-15",
            "forecast_accuracy": true});
        assert!(resume(&db, &claimed(JobKind::Forecast, c, forecast)).is_ok());
        assert!(resume(&db, &claimed(JobKind::Report, c, report)).is_ok());
        let why = |job: Claimed| match resume(&db, &job) {
            Err(JobFailure::Failed(m)) => m,
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("rebuilt"),
        };
        let bad = why(claimed(
            JobKind::Forecast,
            c,
            serde_json::json!({"days": 7}),
        ));
        assert!(
            bad.contains("stored forecast request cannot be read"),
            "{bad}"
        );
        let gone = why(claimed(
            JobKind::Report,
            99,
            serde_json::json!({"history_id": 4,
            "from": null, "to": null, "forecast_accuracy": false}),
        ));
        assert_eq!(gone, "the centre was deleted");
        let schedule = why(claimed(JobKind::Schedule, c, serde_json::json!({})));
        assert!(
            schedule.contains("runs only on the node that accepted it"),
            "{schedule}"
        );
    }
}
