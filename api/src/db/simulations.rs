//! Simulation runs of a roster: the stored [`SimulationDocument`] (KPI table, verdict, report)
//! and the per-interval KPIs as CSV.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::jobs::succeed;
use super::sql::{args, SqlRow};
use super::{json, now, Db, DbError, Stored};

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
    pub kpis: Vec<serde_json::Value>,
    /// The full report (per-day and per-week KPIs, verdict with missed intervals; the
    /// per-interval KPIs are in `intervals.csv`).
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
}

/// The document a simulation job stores (the `report_json` column): the verdict, the KPI table
/// and the full report side by side. [`Db::simulation`] reads it back into a [`SimulationRow`];
/// a document without one of the three fields is corrupt ([`DbError::Json`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulationDocument {
    /// One row per channel and KPI (mean, 95% bounds, target, met), then the week's occupancy of
    /// channels without an occupancy target.
    pub kpis: Vec<serde_json::Value>,
    /// Whether every channel met every target.
    pub all_targets_met: bool,
    /// The simulation report without its per-interval KPIs.
    pub report: serde_json::Value,
}

impl Db {
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
            let id = tx.insert(
                "INSERT INTO simulations (centre_id, roster_id, job_id, created_at, report_json,
                   intervals_csv)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                args![
                    centre_id,
                    roster_id,
                    job_id,
                    now(),
                    report_json,
                    intervals_csv
                ],
            )?;
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
        self.list("WHERE roster_id = ?1 ORDER BY id DESC", args![roster_id])
    }

    /// A simulation's per-interval KPIs (CSV).
    pub fn simulation_csv(&self, id: i64) -> Result<Option<String>, DbError> {
        self.file("simulations", "intervals_csv", id)
    }
}

impl Stored for SimulationRow {
    const SELECT: &'static str = "SELECT id, centre_id, roster_id, job_id, created_at,
        report_json FROM simulations";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        let row = SimulationRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            roster_id: r.get(2)?,
            job_id: r.get(3)?,
            created_at: r.get(4)?,
            all_targets_met: false,
            kpis: Vec::new(),
            report: serde_json::Value::Null,
        };
        let SimulationDocument {
            kpis,
            all_targets_met,
            report,
        } = json(&r.get::<String>(5)?)?;
        Ok(SimulationRow {
            all_targets_met,
            kpis,
            report,
            ..row
        })
    }
}
