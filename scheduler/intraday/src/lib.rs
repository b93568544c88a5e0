//! # rota-intraday: today, where the plan meets reality
//!
//! "It's 10:15 on Monday. Calls are 18% over forecast, two advisors called in sick. What will the
//! rest of today look like, and what should I do now?" This crate answers it in three steps:
//! 1. [`reforecast`]: the forecast made before the day, its level updated from the day's actuals
//!    so far (a shrunk ratio, the Gamma-Poisson update), for the rest of the day and the week;
//! 2. [`day`]: the rest of the day evaluated with the roster as actually staffed (published
//!    roster less recorded absences) by the exact Erlang A service curves, and the whole day with
//!    the morning as it really went, against the targets;
//! 3. [`actions`]: what to do now — move agents between channels, defer email/social work, move
//!    breaks, offer overtime or voluntary time off — each with its predicted effect and cost.
//!
//! Adherence (agents' states against the roster) is `rota-adherence`'s job.

pub mod actions;
pub mod actuals;
pub mod day;
mod error;
pub mod reforecast;

use chrono::{DateTime, FixedOffset};
use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_simulation::RosterPlan;

pub use actions::{apply, recommend, Action, ActionKind, ActionSettings, Edit};
pub use actuals::{read_absences, Absence, ActualCounts, DayActuals};
pub use day::{kpis, DayModel, Floor, KpiRow, Scope};
pub use error::IntradayError;
pub use reforecast::{reforecast, LevelPrior, Reforecast, Update};

/// The prior of the day-level update for each channel: calibrated on the days before today that
/// have both the forecast and actuals ([`LevelPrior::calibrate`]), else the default. Returns the
/// prior and whether it was calibrated.
pub fn prior_for(
    forecast: &DemandSeries,
    actuals: &DayActuals,
    now: DateTime<FixedOffset>,
) -> (LevelPrior, bool) {
    // One prior for the centre: the channels' days pooled, each day's surprise in its own units.
    let totals = reforecast::day_totals(forecast, actuals, now.date_naive());
    let days: Vec<_> = totals.into_values().flatten().collect();
    match LevelPrior::calibrate(&days) {
        Some(p) => (p, true),
        None => (LevelPrior::default(), false),
    }
}

/// Everything the day's view needs.
#[derive(Debug, Clone)]
pub struct TodayInput<'a> {
    /// The centre.
    pub config: &'a CentreConfig,
    /// The forecast made before the day.
    pub forecast: &'a DemandSeries,
    /// Actuals so far.
    pub actuals: &'a DayActuals,
    /// Now.
    pub now: DateTime<FixedOffset>,
    /// The published roster.
    pub roster: &'a RosterPlan,
    /// Recorded absences.
    pub absences: &'a [Absence],
    /// How the level is updated.
    pub update: Update,
    /// Settings of the recommendations.
    pub settings: ActionSettings,
}

/// The day's view: the re-forecast, the floor, the KPIs and the actions.
#[derive(Debug, Clone)]
pub struct Today {
    /// The re-forecast from now to the end of the horizon.
    pub reforecast: Reforecast,
    /// Agents per channel and interval today, as staffed.
    pub floor: Floor,
    /// The queue model of the day.
    pub model: DayModel,
    /// The KPIs of the rest of the day and the whole day.
    pub kpis: Vec<KpiRow>,
    /// What to do now, best first.
    pub actions: Vec<Action>,
}

/// Re-forecasts, evaluates the day as staffed and recommends actions.
#[tracing::instrument(skip_all, fields(now = %input.now))]
pub fn today(input: &TodayInput) -> Result<Today, IntradayError> {
    let config = input.config;
    let interval = reforecast::interval_of(input.forecast)?;
    input.actuals.check(
        &config.channel_names(),
        "the centre configuration",
        input.now,
        interval,
    )?;
    let re = reforecast::reforecast(input.forecast, input.actuals, input.now, input.update)?;
    let date = input.now.date_naive();
    let starts = day::day_starts(input.forecast, date);
    let floor = Floor::new(
        config,
        input.roster,
        input.absences,
        starts,
        interval,
        input.now,
    );
    let model = DayModel::new(config, &floor, &re.rows, input.forecast, input.actuals)?;
    let kpis = day::kpis(config, &floor, &model);
    let actions = actions::recommend(
        config,
        input.roster,
        input.absences,
        &floor,
        &model,
        &input.settings,
    )?;
    Ok(Today {
        reforecast: re,
        floor,
        model,
        kpis,
        actions,
    })
}
