//! Jobs taken up on another node: the work of a job rebuilt from its stored request, so that a
//! node that stops (or restarts) does not take its queued and running jobs with it.
//!
//! A job runs where it was submitted while that node lives; any node may take it over when the
//! node's lease lapses, or take it from the queue when its own workers are idle. Only the kinds in
//! [`RESUMABLE`] can be rebuilt: their request names stored things only (a history, days), and
//! the centre's configuration is read as it is stored when the job starts again. The others
//! (schedules, simulations, scenario comparisons, reports) still run only on the node that
//! accepted them; if it stops they fail saying so, and are submitted again.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::{Claimed, Db, JobKind};
use crate::jobs::{JobFailure, Work};
use crate::routes::forecasts::{forecast_work, ForecastJob};

/// The kinds any node can rebuild from the stored request.
pub const RESUMABLE: [JobKind; 1] = [JobKind::Forecast];

/// A forecast job's request as its row records it.
#[derive(Debug, Deserialize)]
struct ForecastParams {
    history_id: i64,
    first_day: NaiveDate,
    days: usize,
    #[serde(default)]
    with_actuals: bool,
}

/// The work of `job`, rebuilt from its request and the centre's stored configuration; an error
/// names what is missing (the job then fails with it).
pub fn resume(db: &Db, job: &Claimed) -> Result<Work, JobFailure> {
    match job.kind {
        JobKind::Forecast => {
            let p: ForecastParams = serde_json::from_value(job.params.clone()).map_err(|e| {
                JobFailure::Failed(format!("the stored forecast request cannot be read: {e}"))
            })?;
            let centre = db
                .centre(job.centre_id)?
                .ok_or_else(|| JobFailure::Failed("the centre was deleted".into()))?;
            Ok(forecast_work(
                db.clone(),
                ForecastJob {
                    centre_id: job.centre_id,
                    config_toml: centre.config_toml,
                    history_id: p.history_id,
                    first_day: p.first_day,
                    days: p.days,
                    with_actuals: p.with_actuals,
                },
            ))
        }
        other => Err(JobFailure::Failed(format!(
            "a {other} job runs only on the node that accepted it, and that node stopped; \
             submit it again"
        ))),
    }
}
