//! Running the baseline and the scenarios through staffing, the roster and the KPI evaluation.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rayon::prelude::*;
use rota_data::channel::ChannelName;
use rota_data::config::{CentreConfig, DemandQuantile, Direction, Kpi};
use rota_data::demand::{DemandRecord, DemandSeries};
use serde::Serialize;

use super::apply::{apply_to_config, apply_to_demand};
use super::spec::Scenario;
use super::ScenarioError;
use crate::steps::{horizon, requirements_of, roster, simulate, Requirements, RosterOptions};
use crate::{PlanningError, Silent};
use rota_roster::{RosterError, SolveOptions, Weights};
use rota_simulation::{Period, RosterPlan, SimulationOptions};
use rota_staffing::{forecast_points, ForecastPoint, KpiTotals, Staffing, StaffingRow};

/// How the comparison runs.
#[derive(Debug, Clone, Copy)]
pub struct CompareOptions {
    /// Simulation replications per roster (the KPIs then come from the discrete-event simulation
    /// of the roster against the scenario's demand); 0 = evaluate the roster's coverage with the
    /// queueing formulas instead (faster, steady-state, no breaks).
    pub replications: u32,
    /// Seed of the simulation (the same seed gives the same figures).
    pub seed: u64,
    /// Build and evaluate a roster for every scenario (false: staffing requirements only).
    pub roster: bool,
    /// Solver settings of each roster (keep the time limit short: one solve per scenario).
    pub solve: SolveOptions,
    /// Roster penalties.
    pub weights: Weights,
    /// Forecast figure to plan for (default: the configuration's `planning.demand_quantile`).
    pub quantile: Option<DemandQuantile>,
    /// Paid hours of one FTE a week (default: [`default_fte_hours`]).
    pub fte_hours_per_week: Option<f64>,
    /// Run the scenarios in parallel (rayon), one roster solve per task.
    pub parallel: bool,
}

impl Default for CompareOptions {
    fn default() -> Self {
        Self {
            replications: 20,
            seed: 0,
            roster: true,
            solve: SolveOptions {
                time_limit_s: 15.0,
                mip_rel_gap: 0.01,
                ..SolveOptions::default()
            },
            weights: Weights::default(),
            quantile: None,
            fte_hours_per_week: None,
            parallel: true,
        }
    }
}

/// KPIs a roster delivers on one channel. Live channels: abandon rate, ASA and service level
/// under the channel's definition. Deferred channels: the share handled within the response
/// target (as `service_level`) and the mean response in worked seconds (as `asa_seconds`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Kpis {
    /// Abandoned / offered.
    pub abandon_rate: f64,
    /// Mean wait of answered contacts, seconds (handled-weighted).
    pub asa_seconds: Option<f64>,
    /// Offered-weighted service level.
    pub service_level: Option<f64>,
}

/// One channel of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelOutcome {
    /// Channel name.
    pub channel: ChannelName,
    /// `inbound`, `walk_in`, `chat` or `deferred`.
    pub kind: String,
    /// Contacts offered over the horizon (after the scenario's volume changes).
    pub offered: f64,
    /// Offered-weighted AHT, seconds.
    pub aht_seconds: f64,
    /// Required agent-hours after shrinkage (scheduled heads × interval length).
    pub required_hours: f64,
    /// `required_hours` in FTE: required hours / (FTE hours a week × days / 7).
    pub required_fte: f64,
    /// Agent-hours the roster puts on the channel.
    pub rostered_hours: Option<f64>,
    /// Agent-hours of requirement the roster leaves uncovered.
    pub shortfall_hours: Option<f64>,
    /// KPIs the roster delivers (simulation, or the queueing formulas).
    pub kpis: Option<Kpis>,
    /// The channel's abandon-rate target in this scenario.
    pub max_abandon_rate: Option<f64>,
    /// The channel's ASA target in this scenario, seconds.
    pub max_asa_seconds: Option<f64>,
}

/// The roster of one scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterOutcome {
    /// Paid hours of all shifts.
    pub paid_hours: f64,
    /// Paid cost in the centre's currency.
    pub paid_cost: f64,
    /// Agents with at least one shift.
    pub agents_rostered: usize,
    /// The roster's objective: paid cost plus shortfall and over-coverage penalties.
    pub objective: f64,
    /// Lower bound on the objective (LP relaxation of the full programme).
    pub bound: f64,
    /// Relative gap of the roster's objective to its lower bound.
    pub gap: f64,
    /// HiGHS status of the MIP.
    pub status: String,
}

/// A target the scenario's roster misses, and by how much.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TargetMiss {
    /// Channel.
    pub channel: ChannelName,
    /// `abandon rate`, `ASA` or `service level`.
    pub target: String,
    /// The configured target.
    pub target_value: f64,
    /// What the roster delivers.
    pub achieved: f64,
    /// Human reading, e.g. `voice: abandon rate 31.2% against at most 10.0% (21.2 points over)`.
    pub text: String,
}

/// One scenario (or the baseline) through the pipeline.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    /// Scenario name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// Agents configured (after headcount changes).
    pub agents: usize,
    /// Configured headcount in FTE (contract minimum weekly hours / FTE hours).
    pub headcount_fte: f64,
    /// Total required FTE over all channels.
    pub required_fte: f64,
    /// Per channel, in configuration order.
    pub channels: Vec<ChannelOutcome>,
    /// The roster, when rostering was asked for and succeeded.
    pub roster: Option<RosterOutcome>,
    /// Targets the roster misses (empty when all are met or no roster was built).
    pub misses: Vec<TargetMiss>,
    /// Notes in plain words (shifts applied, roster diagnosis headlines, infeasibility).
    pub notes: Vec<String>,
}

/// The baseline and every scenario on the same forecast.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// Centre name.
    pub centre: String,
    /// Currency of costs.
    pub currency: String,
    /// First planned day.
    pub from: NaiveDate,
    /// Days planned.
    pub days: u32,
    /// Paid hours of one FTE a week.
    pub fte_hours_per_week: f64,
    /// Forecast figure planned to.
    pub quantile: String,
    /// Where the KPIs come from.
    pub kpi_source: String,
    /// Baseline first, then the scenarios in the order given.
    pub outcomes: Vec<Outcome>,
}

impl Comparison {
    /// The outcome named `name`.
    pub fn outcome(&self, name: &str) -> Option<&Outcome> {
        self.outcomes.iter().find(|o| o.name == name)
    }

    /// The channels of the baseline (the first outcome) as `(name, kind)` in configuration order:
    /// the channel rows of the table and the page, the same for every outcome.
    pub fn channel_kinds(&self) -> Vec<(ChannelName, String)> {
        self.outcomes
            .first()
            .map(|o| {
                o.channels
                    .iter()
                    .map(|ch| (ch.channel.clone(), ch.kind.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Outcome {
    /// The channel named `name`.
    pub fn channel(&self, name: impl AsRef<str>) -> Option<&ChannelOutcome> {
        self.channels.iter().find(|c| c.channel == name.as_ref())
    }
}

/// The FTE basis: the largest contract minimum of weekly paid hours (a full-time contract, 37.5 h
/// in UK housing), or 37.5 when no contract gives one.
pub fn default_fte_hours(config: &CentreConfig) -> f64 {
    let most = config
        .contracts()
        .iter()
        .map(|c| c.min_weekly_paid_hours())
        .fold(0.0_f64, f64::max);
    if most > 0.0 {
        most
    } else {
        37.5
    }
}

/// The forecast's local days: first date and number of days (1..=28, consecutive).
fn forecast_days(
    config: &CentreConfig,
    forecast: &DemandSeries,
) -> Result<(NaiveDate, u32), ScenarioError> {
    let grid = config.grid();
    let mut dates: Vec<NaiveDate> = forecast
        .records()
        .iter()
        .map(|r| grid.local_date(&r.interval_start()))
        .collect();
    dates.sort_unstable();
    dates.dedup();
    let (Some(&first), Some(&last)) = (dates.first(), dates.last()) else {
        return Err(ScenarioError::Forecast("the forecast has no rows".into()));
    };
    let days = (last - first).num_days() + 1;
    if days > 28 {
        return Err(ScenarioError::Forecast(format!(
            "the forecast spans {days} days ({first} to {last}); scenarios roster at most 28 days"
        )));
    }
    Ok((first, days as u32))
}

/// Runs the baseline and `scenarios` through staffing, roster and KPI evaluation on `forecast`.
///
/// `progress` is called with a line of text as each scenario finishes.
#[tracing::instrument(level = "info", skip_all, fields(scenarios = scenarios.len()))]
pub fn compare(
    base: &CentreConfig,
    forecast: &DemandSeries,
    scenarios: &[Scenario],
    opts: &CompareOptions,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<Comparison, ScenarioError> {
    let (from, days) = forecast_days(base, forecast)?;
    let fte_hours = opts
        .fte_hours_per_week
        .unwrap_or_else(|| default_fte_hours(base));
    let quantile = opts
        .quantile
        .unwrap_or_else(|| base.centre().planning().demand_quantile());
    let mut all = vec![Scenario::baseline()];
    all.extend(scenarios.iter().cloned());
    let one = |s: &Scenario| {
        let out = run_one(base, forecast, s, from, days, fte_hours, quantile, opts);
        if let Ok(o) = &out {
            progress(&format!(
                "scenario \"{}\": {:.1} FTE required{}",
                o.name,
                o.required_fte,
                o.roster
                    .as_ref()
                    .map(|r| format!(", roster {:.1} paid hours", r.paid_hours))
                    .unwrap_or_default()
            ));
        }
        out
    };
    let outcomes: Result<Vec<Outcome>, ScenarioError> = if opts.parallel {
        all.par_iter().map(one).collect()
    } else {
        all.iter().map(one).collect()
    };
    Ok(Comparison {
        centre: base.centre().name().to_string(),
        currency: base.centre().currency().to_string(),
        from,
        days,
        fte_hours_per_week: fte_hours,
        quantile: quantile.as_str().to_string(),
        kpi_source: if !opts.roster {
            "none (staffing requirements only, no roster)".to_string()
        } else if opts.replications > 0 {
            format!(
                "discrete-event simulation of each roster against its scenario's demand, mean of {} \
                 replications (seed {})",
                opts.replications, opts.seed
            )
        } else {
            "Erlang A / chat / backlog models on the roster's coverage per interval \
             (rostered heads x (1 - shrinkage), rounded to whole agents)"
                .to_string()
        },
        outcomes: outcomes?,
    })
}

#[allow(clippy::too_many_arguments)]
#[tracing::instrument(level = "info", skip_all, fields(scenario = %s.name))]
fn run_one(
    base: &CentreConfig,
    forecast: &DemandSeries,
    s: &Scenario,
    from: NaiveDate,
    days: u32,
    fte_hours: f64,
    quantile: DemandQuantile,
    opts: &CompareOptions,
) -> Result<Outcome, ScenarioError> {
    let config = apply_to_config(base, s)?;
    let mut points = forecast_points(forecast, quantile);
    let mut notes = apply_to_demand(&mut points, s);
    let staffing_err = |source| ScenarioError::Staffing {
        scenario: s.name.clone(),
        source,
    };
    let needs = requirements_of(&points, &config).map_err(|e| match e {
        PlanningError::Staffing(source) => staffing_err(source),
        other => ScenarioError::Apply {
            scenario: s.name.clone(),
            message: other.to_string(),
        },
    })?;
    let interval_s = needs.interval_s;
    let rows = &needs.rows;
    let hours_per_interval = interval_s / 3600.0;
    let fte_divisor = fte_hours * f64::from(days) / 7.0;

    let mut channels: Vec<ChannelOutcome> = Vec::new();
    for ch in config.channels() {
        let name = ch.name();
        let mine: Vec<&StaffingRow> = rows.iter().filter(|r| &r.channel == name).collect();
        if mine.is_empty() {
            continue;
        }
        let offered: f64 = mine.iter().map(|r| r.offered).sum();
        let aht = if offered > 0.0 {
            mine.iter().map(|r| r.offered * r.aht_seconds).sum::<f64>() / offered
        } else {
            ch.aht_seconds()
        };
        let required_hours: f64 =
            mine.iter().map(|r| r.scheduled_heads).sum::<f64>() * hours_per_interval;
        channels.push(ChannelOutcome {
            channel: name.clone(),
            kind: ch.kind().as_str().to_string(),
            offered,
            aht_seconds: aht,
            required_hours,
            required_fte: required_hours / fte_divisor,
            rostered_hours: None,
            shortfall_hours: None,
            kpis: None,
            max_abandon_rate: ch.targets().max_abandon_rate(),
            max_asa_seconds: ch.targets().max_asa_seconds(),
        });
    }
    let headcount_fte: f64 = config
        .agents()
        .iter()
        .map(|a| {
            config
                .contract(a.contract())
                .map_or(0.0, |c| c.min_weekly_paid_hours())
        })
        .sum::<f64>()
        / fte_hours;
    let mut outcome = Outcome {
        name: s.name.clone(),
        description: s.description.clone(),
        agents: config.agents().len(),
        headcount_fte,
        required_fte: channels.iter().map(|c| c.required_fte).sum(),
        channels,
        roster: None,
        misses: Vec::new(),
        notes: Vec::new(),
    };
    if opts.roster {
        roster_and_evaluate(
            &config,
            &needs,
            &points,
            from,
            days,
            opts,
            &mut outcome,
            &mut notes,
        )?;
    }
    outcome.notes = notes;
    Ok(outcome)
}

#[allow(clippy::too_many_arguments)]
fn roster_and_evaluate(
    config: &CentreConfig,
    needs: &Requirements,
    points: &[ForecastPoint],
    from: NaiveDate,
    days: u32,
    opts: &CompareOptions,
    outcome: &mut Outcome,
    notes: &mut Vec<String>,
) -> Result<(), ScenarioError> {
    let roster_err = |source| ScenarioError::Roster {
        scenario: outcome.name.clone(),
        source,
    };
    let week = horizon(config, from, days).map_err(|e| match e {
        PlanningError::Roster(source) => roster_err(source),
        other => roster_err(RosterError::Input(other.to_string())),
    })?;
    let options = RosterOptions {
        solve: opts.solve,
        weights: opts.weights,
        specialists_only: false,
        // A busy machine may find nothing within a scenario's short limit: solve once more.
        retry_longer: true,
    };
    let planned = match roster(&needs.on(&week), config, week, &options, &Silent) {
        Ok(p) => p,
        Err(PlanningError::ContractsCannotBeMet(lines)) => {
            notes.push(format!(
                "no roster: the contracts cannot be met whatever the demand ({})",
                lines.join("; ")
            ));
            return Ok(());
        }
        // The solver found nothing even with the longer limit: the scenario keeps its staffing
        // figures and says so, rather than stopping the whole comparison.
        Err(PlanningError::Roster(RosterError::Solver(message))) => {
            notes.push(format!(
                "no roster: {message} (the staffing figures above still hold)"
            ));
            return Ok(());
        }
        Err(PlanningError::Roster(e)) => return Err(roster_err(e)),
        Err(e) => return Err(roster_err(RosterError::Input(e.to_string()))),
    };
    notes.extend(
        planned
            .notes
            .iter()
            .filter(|n| n.starts_with("roster:"))
            .cloned(),
    );
    let roster = planned.roster;
    let s = &roster.summary;
    outcome.roster = Some(RosterOutcome {
        paid_hours: s.paid_hours,
        paid_cost: s.paid_cost,
        agents_rostered: s.agents_rostered,
        objective: s.objective,
        bound: s.bound,
        gap: s.gap,
        status: s.solver.mip_status.clone(),
    });
    for c in &s.channels {
        if let Some(o) = outcome.channels.iter_mut().find(|o| o.channel == c.channel) {
            o.rostered_hours = Some(c.scheduled_hours);
            o.shortfall_hours = Some(c.shortfall_hours);
        }
    }
    if opts.replications > 0 {
        let sim = simulate_roster(config, points, &roster, opts).map_err(|message| {
            ScenarioError::Apply {
                scenario: outcome.name.clone(),
                message: format!("simulation: {message}"),
            }
        })?;
        for o in outcome.channels.iter_mut() {
            o.kpis = sim.get(&o.channel).copied();
        }
    } else {
        // Available agents per interval: rostered heads on the channel after shrinkage, rounded
        // to whole agents (an agent cannot take part of a call).
        let shrink: BTreeMap<&ChannelName, f64> = needs
            .demands
            .iter()
            .map(|d| (&d.channel, d.shrinkage))
            .collect();
        let mut staffing = Staffing::new();
        for c in &roster.coverage {
            let f = 1.0 - shrink.get(&c.channel).copied().unwrap_or(0.0);
            *staffing
                .entry((c.channel.clone(), c.interval_start))
                .or_default() += c.scheduled * f;
        }
        for v in staffing.values_mut() {
            *v = v.round();
        }
        let evaluated = needs.evaluate(&staffing).map_err(|e| match e {
            PlanningError::Staffing(source) => ScenarioError::Staffing {
                scenario: outcome.name.clone(),
                source,
            },
            other => ScenarioError::Apply {
                scenario: outcome.name.clone(),
                message: other.to_string(),
            },
        })?;
        for o in outcome.channels.iter_mut() {
            o.kpis = Some(kpis_of(evaluated.iter().filter(|r| r.channel == o.channel)));
        }
    }
    outcome.misses = misses(config, &outcome.channels);
    Ok(())
}

/// Week KPIs per channel from simulating `roster` against the scenario's demand `points`.
fn simulate_roster(
    config: &CentreConfig,
    points: &[ForecastPoint],
    roster: &rota_roster::Roster,
    opts: &CompareOptions,
) -> Result<BTreeMap<ChannelName, Kpis>, String> {
    let mut records = Vec::with_capacity(points.len());
    for p in points {
        let r = DemandRecord::new(
            p.interval_start,
            p.channel.clone(),
            p.offered,
            p.offered,
            p.offered,
            p.offered,
            p.aht_s,
        )
        .map_err(|(col, msg)| format!("{} at {}: {col}: {msg}", p.channel, p.interval_start))?;
        records.push(r);
    }
    let plan = RosterPlan::from_roster(roster, config).map_err(|e| e.to_string())?;
    // The simulation judges whole planning weeks; days of that week outside a shorter scenario
    // horizon get no demand (they add nothing to the KPIs).
    let grid = config.grid();
    let covered: std::collections::BTreeSet<NaiveDate> = points
        .iter()
        .map(|p| grid.local_date(&p.interval_start))
        .collect();
    let channels: std::collections::BTreeSet<&ChannelName> =
        points.iter().map(|p| &p.channel).collect();
    for t in grid.interval_starts_in_dates(plan.first_date(), plan.last_date()) {
        if covered.contains(&grid.local_date(&t)) {
            continue;
        }
        for ch in &channels {
            let aht = config.channel(ch.as_str()).map_or(1.0, |c| c.aht_seconds());
            records.push(
                DemandRecord::new(t, (*ch).clone(), 0.0, 0.0, 0.0, 0.0, aht)
                    .map_err(|(col, msg)| format!("{ch}: {col}: {msg}"))?,
            );
        }
    }
    let demand = DemandSeries::new(records).map_err(|e| e.to_string())?;
    let sim_opts = SimulationOptions {
        replications: opts.replications,
        seed: opts.seed,
        ..SimulationOptions::default()
    };
    let report = simulate(&plan, &demand, config, &sim_opts, &Silent).map_err(|e| e.to_string())?;
    let mut out = BTreeMap::new();
    for w in report
        .week
        .iter()
        .filter(|w| matches!(w.period, Period::Week))
    {
        let k = &w.kpis;
        let deferred = config
            .channel(w.channel.as_str())
            .is_some_and(|c| c.kind().is_deferred());
        out.insert(
            w.channel.clone(),
            Kpis {
                abandon_rate: k.abandon_rate.map_or(0.0, |e| e.mean),
                asa_seconds: if deferred {
                    None
                } else {
                    k.asa_seconds.map(|e| e.mean)
                },
                service_level: if deferred {
                    k.response_within_target.map(|e| e.mean)
                } else {
                    k.service_level.map(|e| e.mean)
                },
            },
        );
    }
    Ok(out)
}

/// The scenario's KPIs of a channel: the staffing crate's one set of KPI weights.
fn kpis_of<'a>(rows: impl Iterator<Item = &'a StaffingRow>) -> Kpis {
    let t = KpiTotals::of(rows);
    Kpis {
        abandon_rate: t.abandon_rate(),
        asa_seconds: t.asa_seconds(),
        service_level: t.service_level(),
    }
}

/// The configured targets each channel's KPIs miss.
fn misses(config: &CentreConfig, channels: &[ChannelOutcome]) -> Vec<TargetMiss> {
    let mut out = Vec::new();
    for o in channels {
        let (Some(ch), Some(k)) = (config.channel(o.channel.as_str()), o.kpis) else {
            continue;
        };
        if o.offered <= 0.0 {
            continue;
        }
        // The configuration's one list of targets; a scenario estimates abandon rate, ASA and
        // service level (or response within target), not occupancy or the longest wait.
        for target in ch.targets().list(ch.kind().is_live()) {
            let achieved = match target.kpi {
                Kpi::AbandonRate => Some(k.abandon_rate),
                Kpi::AsaSeconds => k.asa_seconds,
                Kpi::ServiceLevel | Kpi::ResponseWithinTarget => k.service_level,
                Kpi::WaitWithinMaxShare | Kpi::Occupancy => None,
            };
            let Some(v) = achieved else {
                continue;
            };
            let (max, over) = match target.direction {
                Direction::AtMost => (target.value, v - target.value),
                Direction::AtLeast => (target.value, target.value - v),
            };
            if over <= 1e-9 {
                continue;
            }
            let (name, text) = match target.kpi {
                Kpi::AbandonRate => (
                    "abandon rate",
                    format!(
                        "{}: abandon rate {:.1}% against at most {:.1}% ({:.1} points over)",
                        o.channel,
                        100.0 * v,
                        100.0 * max,
                        100.0 * over
                    ),
                ),
                Kpi::AsaSeconds => (
                    "ASA",
                    format!(
                        "{}: ASA {v:.0} s against at most {max:.0} s ({over:.0} s over)",
                        o.channel
                    ),
                ),
                _ => {
                    let what = if target.kpi == Kpi::ResponseWithinTarget {
                        "handled within the response target"
                    } else {
                        "service level"
                    };
                    (
                        "service level",
                        format!(
                            "{}: {what} {:.1}% against at least {:.1}% ({:.1} points under)",
                            o.channel,
                            100.0 * v,
                            100.0 * max,
                            100.0 * over
                        ),
                    )
                }
            };
            out.push(TargetMiss {
                channel: o.channel.clone(),
                target: name.into(),
                target_value: max,
                achieved: v,
                text,
            });
        }
    }
    out
}
