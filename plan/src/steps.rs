//! The pipeline's steps, one function each: [`forecast`], [`requirements`], [`roster`],
//! [`simulate`]. The CLI, the API's jobs, the scenarios and the report call these and nothing
//! deeper, so a change to how a step is done (a new forecasting candidate, the targets objective)
//! reaches every caller at once.
//!
//! Steps take values and return values: reading and writing files is the caller's (each format
//! has its reader and writer in the crate that owns the type; see `docs/ARCHITECTURE.md`).

use chrono::NaiveDate;
use rayon::prelude::*;
use rota_data::channel::ChannelName;
use rota_data::config::{CentreConfig, DemandQuantile};
use rota_data::demand::DemandSeries;
use rota_data::grid::IntervalGrid;
use rota_data::history::History;
use rota_forecasting::adapter::{
    channel_series, demand_series, write_forecast_csv, CentreCalendar,
};
use rota_forecasting::pipeline::{
    default_models, forecast_channel, ChannelForecast, ForecastSettings,
};
use rota_forecasting::ForecastError;
use rota_roster::{
    adapter, requirements::RequirementSeries, schedule_watched, targets, Horizon, Objective,
    Roster, RosterError, RosterProblem, SolveOptions, SolverProgress, Weights,
};
use rota_simulation::{RosterPlan, SimulationInput, SimulationOptions, SimulationReport};
use rota_staffing::{
    channel_demands, evaluate_staffing, forecast_points, plan_requirements, ChannelDemand,
    ForecastPoint, Staffing, StaffingRow,
};

use crate::error::PlanningError;
use crate::progress::Progress;

/// A forecast: per channel the model chosen by its backtest and the days forecast, on the
/// history's interval grid.
#[derive(Debug, Clone)]
pub struct Forecast {
    /// One forecast per channel, in name order.
    pub channels: Vec<ChannelForecast>,
    /// The grid the forecast is laid on (the history's).
    pub grid: IntervalGrid,
}

impl Forecast {
    /// The forecast as the demand staffing plans for. A channel without handle time (a volume-only
    /// forecast) is an error that says where to set one.
    pub fn demand(&self) -> Result<DemandSeries, PlanningError> {
        Ok(demand_series(&self.channels, &self.grid)?)
    }

    /// Writes the `rota forecast` CSV (AHT left empty in a volume-only forecast); returns the rows
    /// written.
    pub fn write_csv(
        &self,
        path: &std::path::Path,
    ) -> Result<usize, rota_data::demand::DemandError> {
        write_forecast_csv(&self.channels, &self.grid, path)
    }
}

/// Forecasts `days` days from `from` for every channel of `history` the centre configures, using
/// only history before `from` (so a past week can be forecast as it could have been).
pub fn forecast(
    history: &History,
    config: &CentreConfig,
    from: NaiveDate,
    days: usize,
    progress: &dyn Progress,
) -> Result<Forecast, PlanningError> {
    let configured: Vec<String> = history
        .channels()
        .iter()
        .filter(|c| config.channel(c.as_str()).is_some())
        .map(|c| c.to_string())
        .collect();
    let calendar = CentreCalendar::from_config(config);
    forecast_on(history, &calendar, &configured, from, days, progress)
}

/// [`forecast`] on a calendar of the caller's (a history read without a configuration), for the
/// `channels` named (all when empty; an unknown name is an error listing the known ones). Per
/// channel: the model with the best rolling-origin backtest, and the AHT from the history or the
/// calendar's configured AHT. Channels run in parallel; a stop request is honoured before each.
#[tracing::instrument(level = "info", skip_all, fields(%from, days))]
pub fn forecast_on(
    history: &History,
    calendar: &CentreCalendar,
    channels: &[String],
    from: NaiveDate,
    days: usize,
    progress: &dyn Progress,
) -> Result<Forecast, PlanningError> {
    if days == 0 {
        return Err(ForecastError::ZeroHorizon.into());
    }
    let series = channel_series(history, calendar, channels)?;
    let total = series.len().max(1) as f64;
    let done = std::sync::atomic::AtomicUsize::new(0);
    progress.step(0.0, &format!("forecasting {} channel(s)", series.len()));
    let channels = series
        .par_iter()
        .map(|s| {
            if progress.stop_requested() {
                return Err(PlanningError::Cancelled);
            }
            let models = default_models();
            let f = forecast_channel(
                s,
                calendar.days(s.channel(), from, days),
                calendar.configured_aht(s.channel()),
                &models,
                &ForecastSettings::default(),
            )?;
            let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
            progress.step(n as f64 / total, &format!("forecast {}", s.channel()));
            Ok(f)
        })
        .collect::<Result<Vec<_>, PlanningError>>()?;
    Ok(Forecast {
        channels,
        grid: history.grid(),
    })
}

/// What each channel needs, interval by interval: the staffing rows of `rota staff` and the
/// channel models they came from (kept so the same demand can be evaluated for a given staffing).
#[derive(Debug, Clone)]
pub struct Requirements {
    /// Per channel and interval: offered, AHT, required agents, predicted KPIs, heads to schedule.
    pub rows: Vec<StaffingRow>,
    /// Each channel's model, shrinkage and interval demand.
    pub demands: Vec<ChannelDemand>,
    /// Interval length, seconds.
    pub interval_s: f64,
}

impl Requirements {
    /// The KPIs the same demand gets from `staffing` (agents per channel and interval) instead of
    /// the required agents.
    pub fn evaluate(&self, staffing: &Staffing) -> Result<Vec<StaffingRow>, PlanningError> {
        Ok(evaluate_staffing(&self.demands, self.interval_s, staffing)?)
    }

    /// The heads to schedule, offered contacts, AHT and workload per channel, laid on the roster's
    /// `horizon` the way the requirements file is (rows outside it are counted, not planned), so
    /// the targets objective works on requirements computed in memory too.
    pub fn on(&self, horizon: &Horizon) -> RequirementSeries {
        let n_t = horizon.n_intervals();
        let mut req = RequirementSeries::default();
        for r in &self.rows {
            let Some(t) = horizon.interval_of(&r.interval_start) else {
                req.rows_outside += 1;
                continue;
            };
            req.set(
                &r.channel,
                (t, n_t),
                r.scheduled_heads,
                Some((r.offered, r.aht_seconds)),
                self.interval_s,
            );
        }
        req
    }
}

/// Required agents per channel and interval for `demand` at `quantile` (the centre's
/// `planning.demand_quantile` when the caller has no other), from the channel's queueing model.
pub fn requirements(
    demand: &DemandSeries,
    config: &CentreConfig,
    quantile: DemandQuantile,
) -> Result<Requirements, PlanningError> {
    requirements_of(&forecast_points(demand, quantile), config)
}

/// [`requirements`] of forecast figures already chosen (a scenario changes them first).
#[tracing::instrument(level = "info", skip_all, fields(points = points.len()))]
pub fn requirements_of(
    points: &[ForecastPoint],
    config: &CentreConfig,
) -> Result<Requirements, PlanningError> {
    let demands = channel_demands(config, points)?;
    if demands.is_empty() {
        return Err(PlanningError::NoDemand);
    }
    let interval_s = f64::from(config.grid().length.seconds());
    let rows = plan_requirements(&demands, interval_s)?;
    Ok(Requirements {
        rows,
        demands,
        interval_s,
    })
}

/// The days a roster covers, in the centre's time zone and interval length.
pub fn horizon(
    config: &CentreConfig,
    from: NaiveDate,
    days: u32,
) -> Result<Horizon, PlanningError> {
    let grid = config.grid();
    Ok(Horizon::new(grid.tz, from, days, grid.length.minutes())?)
}

/// How a roster is built.
#[derive(Debug, Clone, Copy, Default)]
pub struct RosterOptions {
    /// Time limit and gap of the solver, and the objective: `solve.objective` (coverage or the
    /// channels' targets over `solve.target_period`; with targets the requirements must carry
    /// offered contacts and AHT, as a `rota staff` file does).
    pub solve: SolveOptions,
    /// Weights of the objective.
    pub weights: Weights,
    /// Every agent on their primary skill only (the specialists side of a multi-skilling
    /// comparison).
    pub specialists_only: bool,
    /// When the solver finds no roster within the limit (a busy machine), solve once more with
    /// three times the limit instead of failing, and say so in the notes.
    pub retry_longer: bool,
}

/// A roster and what the planner should know about how it was built.
#[derive(Debug, Clone)]
pub struct PlannedRoster {
    /// Shifts, breaks, channel work, coverage and the summary.
    pub roster: Roster,
    /// Notes in a planner's words (requirements outside the days, agents restricted, a retry).
    pub notes: Vec<String>,
    /// Late shifts, Saturdays and bank holidays per agent against comparable colleagues, the
    /// previous roster's included when rolling on from one (`fairness.csv`).
    pub fairness: rota_roster::fairness::FairnessReport,
    /// What the independent checker ([`rota_roster::check_roster`]) finds broken in the roster:
    /// every contract rule, the rules across weeks and against the previous roster included.
    /// Empty: every rule holds.
    pub violations: Vec<rota_roster::Violation>,
}

impl PlannedRoster {
    /// The roster of `problem` with its fairness report and the checker's verdict.
    fn of(problem: &RosterProblem, roster: Roster, notes: Vec<String>) -> Self {
        Self {
            fairness: rota_roster::fairness::report(problem, &roster),
            violations: rota_roster::check_roster(problem, &roster),
            roster,
            notes,
        }
    }
}

/// The roster of the configured agents for `requirements` over `horizon`: the tour programme on
/// HiGHS, then breaks and channels. Contracts no demand can satisfy are
/// [`PlanningError::ContractsCannotBeMet`] with one line per reason; a stop request ends HiGHS
/// between nodes with [`PlanningError::Cancelled`].
#[tracing::instrument(level = "info", skip_all, fields(days = horizon.days()))]
pub fn roster(
    requirements: &RequirementSeries,
    config: &CentreConfig,
    horizon: Horizon,
    options: &RosterOptions,
    progress: &dyn Progress,
) -> Result<PlannedRoster, PlanningError> {
    roster_after(requirements, config, horizon, options, None, progress)
}

/// [`roster`] rolling on from a previous roster (`history`): its last days count towards the
/// consecutive days, its last shift starts the rest, its weekends the weekend rules over several
/// weeks and its late shifts, Saturdays and bank holidays the fairness counts
/// (`rota schedule --after`).
#[tracing::instrument(level = "info", skip_all, fields(days = horizon.days(), after = history.is_some()))]
pub fn roster_after(
    requirements: &RequirementSeries,
    config: &CentreConfig,
    horizon: Horizon,
    options: &RosterOptions,
    history: Option<rota_roster::multiweek::History>,
    progress: &dyn Progress,
) -> Result<PlannedRoster, PlanningError> {
    let (mut problem, mut notes) =
        roster_problem(requirements, config, horizon, options, &Tightening::new())?;
    if let Some(h) = history {
        problem = problem.with_history(h)?;
    }
    notes.extend(rota_roster::multiweek::notes(&problem));
    let roster = solve_roster(&problem, options, &mut notes, progress)?;
    Ok(PlannedRoster::of(&problem, roster, notes))
}

/// Stricter targets for some channels and days, in each target's unit: `[abandon share, ASA
/// seconds, service-level share, share answered within the longest wait]` taken off (abandon,
/// ASA) or added to (the shares) the configured target when the programme plans that day;
/// negative moves loosen. Built by [`crate::verify`] from what
/// the simulation of a roster showed.
pub type Tightening = std::collections::BTreeMap<(ChannelName, NaiveDate), [f64; 4]>;

/// [`roster`] with the targets objective planning the days of `tighten` against stricter targets.
pub(crate) fn roster_tightened(
    requirements: &RequirementSeries,
    config: &CentreConfig,
    horizon: Horizon,
    options: &RosterOptions,
    tighten: &Tightening,
    progress: &dyn Progress,
) -> Result<PlannedRoster, PlanningError> {
    let (problem, mut notes) = roster_problem(requirements, config, horizon, options, tighten)?;
    let roster = solve_roster(&problem, options, &mut notes, progress)?;
    Ok(PlannedRoster::of(&problem, roster, notes))
}

/// The roster programme of the configured agents for `requirements` over `horizon`, with the
/// targets of the options' objective (tightened where `tighten` says), and the notes a planner
/// should read about how it was assembled.
pub(crate) fn roster_problem(
    requirements: &RequirementSeries,
    config: &CentreConfig,
    horizon: Horizon,
    options: &RosterOptions,
    tighten: &Tightening,
) -> Result<(RosterProblem, Vec<String>), PlanningError> {
    let (mut problem, mut notes) =
        adapter::problem_from_config(config, horizon, requirements, options.weights)?;
    if options.specialists_only {
        problem = adapter::specialists_only(config, &problem)?;
        notes.push("specialists only: every agent works their primary skill only".into());
    }
    // the targets objective: each live channel's targets over the period, from the offered
    // contacts and AHT of the requirements (rota_roster::targets)
    if options.solve.objective == Objective::Targets {
        let mut targets = adapter::service_targets(
            config,
            &problem,
            requirements,
            options.solve.target_period,
            &mut notes,
        )?;
        if options.solve.hire {
            targets.penalty_per_contact = rota_roster::ProgrammeTargets::HIRE_PENALTY_PER_CONTACT;
        }
        for ct in &mut targets.channels {
            let name = &problem.channels[ct.channel].name;
            for ((ch, date), by) in tighten {
                if ch == name {
                    let d = (*date - problem.horizon.date(0)).num_days();
                    if let Ok(d) = usize::try_from(d) {
                        ct.tighten.insert(d, *by);
                    }
                }
            }
        }
        problem = problem.with_targets(targets)?;
    }
    Ok((problem, notes))
}

/// Builds the roster of `problem` (the tour programme, then breaks, activities and channels),
/// retrying once with a longer limit where the options allow; the programme's predictions are
/// added to `notes`.
pub(crate) fn solve_roster(
    problem: &RosterProblem,
    options: &RosterOptions,
    notes: &mut Vec<String>,
    progress: &dyn Progress,
) -> Result<Roster, PlanningError> {
    if progress.stop_requested() {
        return Err(PlanningError::Cancelled);
    }
    progress.step(
        0.0,
        &format!(
            "building the roster for {} people, {} days",
            problem.agents.len(),
            problem.horizon.days()
        ),
    );
    let watch = |p: SolverProgress| {
        progress.solver(p);
        !progress.stop_requested()
    };
    let solved = match schedule_watched(problem, &options.solve, Some(&watch)) {
        Err(RosterError::Solver(first)) if options.retry_longer => {
            let longer = SolveOptions {
                time_limit_s: options.solve.time_limit_s * 3.0,
                ..options.solve
            };
            tracing::warn!(error = %first, "roster solve failed; retrying with a longer time limit");
            notes.push(format!(
                "roster: no solution within {:.0} s; solved again with {:.0} s",
                options.solve.time_limit_s, longer.time_limit_s
            ));
            schedule_watched(problem, &longer, Some(&watch))
        }
        other => other,
    };
    let roster = match solved {
        Ok(r) => r,
        Err(RosterError::Infeasible(lines)) => {
            return Err(PlanningError::ContractsCannotBeMet(lines))
        }
        Err(RosterError::Cancelled) => return Err(PlanningError::Cancelled),
        Err(e) => return Err(e.into()),
    };
    progress.step(1.0, "roster built");
    notes.extend(targets::summary_lines(&targets::predict_roster(
        problem, &roster,
    )));
    Ok(roster)
}

/// Replays `plan` against `demand` `options.replications` times: the KPIs the roster delivers per
/// interval, day and week, with confidence intervals and a verdict against each target.
#[tracing::instrument(level = "info", skip_all, fields(replications = options.replications))]
pub fn simulate(
    plan: &RosterPlan,
    demand: &DemandSeries,
    config: &CentreConfig,
    options: &SimulationOptions,
    progress: &dyn Progress,
) -> Result<SimulationReport, PlanningError> {
    let input = SimulationInput::new(config, demand, plan)?;
    if progress.stop_requested() {
        return Err(PlanningError::Cancelled);
    }
    let report = rota_simulation::simulate(&input, options, |done, total| {
        progress.step(
            done as f64 / total.max(1) as f64,
            &format!("replication {done} of {total}"),
        );
    })?;
    if progress.stop_requested() {
        return Err(PlanningError::Cancelled);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Requirements laid on the roster's days in memory carry what the same requirements read
    /// back from `rota staff`'s file carry: heads, offered, AHT and workload (up to the file's
    /// rounding), so the targets objective sees the same inputs either way.
    #[test]
    fn requirements_in_memory_match_their_file() {
        let config = CentreConfig::sample().expect("sample centre");
        let csv =
            "interval_start,channel,offered_mean,offered_p10,offered_p50,offered_p90,aht_seconds\n\
                   2026-11-16T09:00:00+00:00,voice,20,15,20,25,600\n\
                   2026-11-16T09:15:00+00:00,voice,30,25,30,35,540\n\
                   2026-11-16T10:00:00+00:00,email,12,10,12,14,420\n";
        let demand = DemandSeries::read_on_grid_from(csv.as_bytes(), "f.csv", &config.grid())
            .expect("valid forecast");
        let needs = requirements(&demand, &config, DemandQuantile::Mean).expect("requirements");
        let from = NaiveDate::from_ymd_opt(2026, 11, 16).expect("date");
        let days = horizon(&config, from, 1).expect("horizon");
        let mut file = Vec::new();
        rota_staffing::write_staffing_csv(&needs.rows, &mut file).expect("written");
        let read = rota_roster::requirements::read_requirements_from(
            file.as_slice(),
            std::path::Path::new("requirements.csv"),
            &days,
        )
        .expect("read back");
        let memory = needs.on(&days);
        assert_eq!(memory.rows_outside, read.rows_outside);
        for (name, a, b) in [
            ("required", &memory.required, &read.required),
            ("offered", &memory.offered, &read.offered),
            ("aht_s", &memory.aht_s, &read.aht_s),
            ("workload", &memory.workload, &read.workload),
        ] {
            assert_eq!(
                a.keys().collect::<Vec<_>>(),
                b.keys().collect::<Vec<_>>(),
                "{name}"
            );
            for (ch, xs) in a {
                for (t, (x, y)) in xs.iter().zip(&b[ch]).enumerate() {
                    assert!((x - y).abs() < 1e-3, "{name} {ch} interval {t}: {x} vs {y}");
                }
            }
        }
        assert!(memory.offered["voice"].contains(&30.0));
    }
}
