//! Jobs taken up on another node: the work of a job rebuilt from its stored request, so that a
//! node that stops (or restarts) does not take its queued and running jobs with it.
//!
//! A job runs where it was submitted while that node lives; any node may take it over when the
//! node's lease lapses, or take it from the queue when its own workers are idle. Every kind can
//! be rebuilt: its request names stored things only (a history, a requirement set, a roster, a
//! forecast) and the values the user chose, and a scenario comparison's request keeps each
//! scenario file's text. The centre's configuration is read as it is stored when the job starts
//! again, as a job queued behind others would read it.

use chrono::NaiveDate;
use serde::Deserialize;

use crate::db::{Claimed, Db, JobKind};
use crate::jobs::{JobFailure, Work};
use crate::routes::forecasts::{forecast_work, ForecastJob};
use crate::routes::reports::{report_work, ReportJob};
use crate::routes::rosters::{schedule_work, ScheduleJob};
use crate::routes::scenarios::{comparison_work, ComparisonJob};
use crate::routes::simulations::{roster_days, simulation_work, SimulationJob};

/// The kinds any node can rebuild from the stored request.
pub const RESUMABLE: [JobKind; 5] = [
    JobKind::Forecast,
    JobKind::Report,
    JobKind::Schedule,
    JobKind::Simulation,
    JobKind::Scenarios,
];

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

/// A schedule job's request as its row records it.
#[derive(Debug, Deserialize)]
struct ScheduleParams {
    requirement_set_id: i64,
    first_day: NaiveDate,
    days: u32,
    time_limit_s: f64,
}

/// A simulation job's request as its row records it.
#[derive(Debug, Deserialize)]
struct SimulationParams {
    roster_id: i64,
    replications: u32,
    seed: u64,
}

/// A scenario comparison job's request as its row records it.
#[derive(Debug, Deserialize)]
struct ComparisonParams {
    forecast_id: i64,
    /// Each scenario file's label and text. Jobs queued before the texts were recorded have
    /// none, and cannot be rebuilt.
    scenario_files: Vec<(String, String)>,
    replications: u32,
    time_limit_s: f64,
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
        JobKind::Schedule => {
            let p: ScheduleParams = request(job)?;
            Ok(schedule_work(
                db.clone(),
                ScheduleJob {
                    centre_id: job.centre_id,
                    config_toml: config_toml()?,
                    requirement_set_id: p.requirement_set_id,
                    first_day: p.first_day,
                    days: p.days,
                    time_limit_s: p.time_limit_s,
                },
            ))
        }
        JobKind::Simulation => {
            let p: SimulationParams = request(job)?;
            let roster = db
                .roster(p.roster_id)?
                .ok_or_else(|| JobFailure::Failed("the roster was deleted".into()))?;
            let days = roster_days(&roster).map_err(|e| JobFailure::Failed(e.to_string()))?;
            Ok(simulation_work(
                db.clone(),
                SimulationJob {
                    centre_id: job.centre_id,
                    config_toml: config_toml()?,
                    roster_id: p.roster_id,
                    days,
                    replications: p.replications,
                    seed: p.seed,
                },
            ))
        }
        JobKind::Scenarios => {
            let p: ComparisonParams = request(job)?;
            Ok(comparison_work(
                db.clone(),
                ComparisonJob {
                    centre_id: job.centre_id,
                    config_toml: config_toml()?,
                    forecast_id: p.forecast_id,
                    scenario_files: p.scenario_files,
                    replications: p.replications,
                    time_limit_s: p.time_limit_s,
                },
            ))
        }
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
    fn every_kind_is_rebuilt_from_its_request_and_a_bad_request_says_why_not() {
        let db = Db::open(std::path::Path::new(":memory:")).expect("db");
        let c = db.insert_centre("North", "x").expect("insert").expect("id");
        // The requests as the routes record them (routes/forecasts.rs, reports.rs, rosters.rs,
        // scenarios.rs).
        let forecast = serde_json::json!({"history_id": 4, "first_day": "2026-11-16", "days": 7});
        let report = serde_json::json!({"history_id": 4, "from": null, "to": "2026-11-15",
            "forecast_accuracy": true});
        let schedule = serde_json::json!({"requirement_set_id": 3, "first_day": "2026-11-16",
            "days": 7, "time_limit_s": 20.0});
        let comparison = serde_json::json!({"forecast_id": 2, "scenarios": ["chatbot"],
            "uploaded": 0, "scenario_files": [["chatbot.toml", "name = \"x\""]],
            "replications": 5, "time_limit_s": 15.0});
        assert!(resume(&db, &claimed(JobKind::Forecast, c, forecast)).is_ok());
        assert!(resume(&db, &claimed(JobKind::Report, c, report)).is_ok());
        assert!(resume(&db, &claimed(JobKind::Schedule, c, schedule)).is_ok());
        assert!(resume(&db, &claimed(JobKind::Scenarios, c, comparison)).is_ok());
        let why = |job: Claimed| match resume(&db, &job) {
            Err(JobFailure::Failed(m)) => m,
            Err(other) => panic!("{other}"),
            Ok(_) => panic!("rebuilt"),
        };
        // A simulation's days come from its roster: a roster since deleted is named.
        let simulation = why(claimed(
            JobKind::Simulation,
            c,
            serde_json::json!({"roster_id": 9, "replications": 2, "seed": 1}),
        ));
        assert_eq!(simulation, "the roster was deleted");
        // A comparison queued before scenario texts were recorded cannot be rebuilt.
        let old = why(claimed(
            JobKind::Scenarios,
            c,
            serde_json::json!({"forecast_id": 2, "scenarios": ["chatbot"], "uploaded": 0,
                "replications": 5, "time_limit_s": 15.0}),
        ));
        assert!(
            old.contains("stored scenarios request cannot be read"),
            "{old}"
        );
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
    }
}
