//! # rota-plan: the planning layer
//!
//! One place chains the pipeline history -> forecast -> requirements -> roster -> simulation, so
//! the CLI, the API's jobs, what-if scenarios and the performance report all plan the same way.
//! Every step takes values (never paths) and a [`Progress`] that reports what it is doing and can
//! ask it to stop; the CLI's progress bar and the API's job context both implement it.
//!
//! * [`steps`]: [`forecast`], [`requirements`], [`roster`], [`simulate`]: one function per step.
//! * [`replan`]: a published week re-planned around an absence, changing as few shifts as the
//!   service needs.
//! * [`scenario`]: what-if scenarios run through the same steps, side by side.
//! * [`report`]: how a centre did, week by week, from its history; and the one-page brief.
//!
//! Why here: the staffing, roster and simulation crates each do one job and know nothing of
//! forecasting or of config files; chaining them is this crate's only job, so it is the only crate
//! that depends on all of them (see `docs/ARCHITECTURE.md`).
//!
//! ```no_run
//! use rota_data::config::CentreConfig;
//! use rota_plan::{forecast, horizon, requirements, roster, Silent};
//! # fn demo(history: &rota_data::history::History) -> Result<(), rota_plan::PlanningError> {
//! let config = CentreConfig::sample().unwrap();
//! let from = chrono::NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
//! let forecast = forecast(history, &config, from, 7, &Silent)?;
//! let quantile = config.centre().planning().demand_quantile();
//! let needs = requirements(&forecast.demand()?, &config, quantile)?;
//! let week = horizon(&config, from, 7)?;
//! let planned = roster(&needs.on(&week), &config, week, &Default::default(), &Silent)?;
//! println!("{} shifts", planned.roster.shifts.len());
//! # Ok(()) }
//! ```

pub mod error;
pub mod page;
pub mod progress;
pub mod replan;
pub mod report;
pub mod scenario;
pub mod steps;
pub mod verify;

pub use error::PlanningError;
pub use progress::{Progress, Silent, Within};
pub use replan::{replan, Absence, KpiChange, ReplanRequest, Replanned};
pub use steps::{
    forecast, forecast_on, horizon, requirements, requirements_of, roster, roster_after, simulate,
    Forecast, PlannedRoster, Requirements, RosterOptions, Tightening,
};
pub use verify::{verified_roster, Verification, VerificationRow, VerifiedRoster};
