//! Plans the simulation confirms (`rota schedule --verify N`): roster, simulate, and where the
//! simulation shows a target the programme meant to meet missed, plan that channel and day
//! against a stricter target and roster again.
//!
//! The programme's service curves are steady-state queueing figures per interval (Erlang A,
//! the chat pool); the simulation replays the roster contact by contact, with queues carried
//! from one interval into the next, calls finished past a break's start and multi-skilled
//! agents taking another channel's work when their own is quiet. Where the two disagree the
//! simulation is the better judge, so the loop moves the programme's target by the observed
//! difference, the cutting-plane idea of Atlason, Epelman & Henderson (2004, "Call center
//! staffing with simulation and cutting plane methods", Annals of OR 127) with the simplest
//! cut: a shifted right-hand side.
//!
//! Each round compares, per live channel, day and target, the programme's prediction with the
//! simulation. Where they differ conclusively (the prediction outside the simulation's 95%
//! interval), the next round plans that day against the target moved by the difference: a
//! target the simulation misses more than predicted is tightened, one it meets with more room
//! than predicted is loosened (so a `--hire` roster does not pay for capacity the simulation
//! shows it does not need). The move is the latest difference, not a sum over rounds: the
//! difference is between the queueing model and the simulation of a similar roster, so it
//! carries from one round to the next. A day whose difference is within the noise keeps its
//! previous move.
//!
//! A round is *confirmed* when no target the programme meant to meet (predicted met) is missed
//! conclusively in simulation. The loop stops when a round finds no conclusive difference, or
//! after the rounds allowed, and returns the cheapest confirmed roster (the last one when none
//! is confirmed). Week rows are reported but move nothing: the days carry the moves.

use std::io::Write;

use rota_data::channel::ChannelName;
use rota_data::config::{CentreConfig, Direction, Kpi};
use rota_data::demand::DemandSeries;
use rota_roster::requirements::RequirementSeries;
use rota_roster::{Horizon, Objective, PredictedKpi};
use rota_simulation::{KpiSet, Period, RosterPlan, SimulationOptions, SimulationReport};

use crate::error::PlanningError;
use crate::progress::{Progress, Within};
use crate::steps::{roster_tightened, simulate, PlannedRoster, RosterOptions, Tightening};

/// How a roster is verified by simulation.
#[derive(Debug, Clone)]
pub struct Verification {
    /// Replications per round (at least 1; 20 or more for intervals that mean something).
    pub replications: u32,
    /// Re-solves allowed after the first roster (`--verify-rounds`, default 3).
    pub rounds: u32,
    /// The simulation's other options (seed, routing, shrinkage).
    pub simulation: SimulationOptions,
}

/// One KPI of one channel and period in one round: what the programme predicted, what the
/// simulation gave, and the target (`verification.csv`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct VerificationRow {
    /// Round, 1 for the first roster.
    pub round: u32,
    /// Channel.
    pub channel: ChannelName,
    /// A local date or `week`.
    pub period: String,
    /// The KPI.
    pub kpi: Kpi,
    /// The programme's figure.
    pub predicted: f64,
    /// The simulation's mean.
    pub simulated: f64,
    /// Lower end of the simulation's 95% interval.
    pub lo: f64,
    /// Upper end of the simulation's 95% interval.
    pub hi: f64,
    /// The configured target.
    pub target: f64,
    /// What the next round plans this channel and day for instead (the target moved by the
    /// observed difference), when the difference was conclusive.
    pub next_plan_target: Option<f64>,
}

/// A verified roster: the roster chosen (module doc), its simulation, and every round's
/// comparison.
#[derive(Debug, Clone)]
pub struct VerifiedRoster {
    /// The roster chosen: the cheapest confirmed one, else the last.
    pub planned: PlannedRoster,
    /// Its simulation.
    pub simulation: SimulationReport,
    /// Every round's rows.
    pub rows: Vec<VerificationRow>,
    /// Rosters built.
    pub rounds: u32,
    /// The round of the roster chosen.
    pub chosen: u32,
    /// Per round: whether it was confirmed (no target the programme meant to meet missed
    /// conclusively in simulation).
    pub confirmed: Vec<bool>,
    /// True when the last round found no conclusive difference to plan for.
    pub converged: bool,
}

impl VerifiedRoster {
    /// Writes `verification.csv`: round, channel, period, kpi, predicted, simulated, lo, hi,
    /// target, next_plan_target.
    pub fn write_csv(&self, w: impl Write) -> Result<(), csv::Error> {
        let mut out = csv::Writer::from_writer(w);
        out.write_record([
            "round",
            "channel",
            "period",
            "kpi",
            "predicted",
            "simulated",
            "lo",
            "hi",
            "target",
            "next_plan_target",
        ])?;
        let f = |x: f64| format!("{x:.4}");
        for r in &self.rows {
            out.write_record([
                r.round.to_string(),
                r.channel.to_string(),
                r.period.clone(),
                r.kpi.as_str().to_string(),
                f(r.predicted),
                f(r.simulated),
                f(r.lo),
                f(r.hi),
                f(r.target),
                r.next_plan_target.map(f).unwrap_or_default(),
            ])?;
        }
        out.flush()?;
        Ok(())
    }
}

/// Rosters `requirements` with the targets objective, simulates the roster against `demand`,
/// and re-plans the channels and days the simulation shows missing a target the programme meant
/// to meet, up to `verification.rounds` re-solves (module doc).
#[allow(clippy::too_many_arguments)]
#[tracing::instrument(level = "info", skip_all, fields(replications = verification.replications, rounds = verification.rounds))]
pub fn verified_roster(
    requirements: &RequirementSeries,
    demand: &DemandSeries,
    config: &CentreConfig,
    horizon: Horizon,
    options: &RosterOptions,
    verification: &Verification,
    progress: &dyn Progress,
) -> Result<VerifiedRoster, PlanningError> {
    if verification.replications == 0 {
        return Err(PlanningError::Verification(
            "verification needs at least 1 replication (20 or more for figures to trust)".into(),
        ));
    }
    if options.solve.objective != Objective::Targets {
        return Err(PlanningError::Verification(
            "verification compares the targets objective's predictions with the simulation; \
             use it with the targets objective"
                .into(),
        ));
    }
    let sim_options = SimulationOptions {
        replications: verification.replications,
        ..verification.simulation.clone()
    };
    let total = verification.rounds + 1;
    let mut moves = Tightening::new();
    let mut rows = Vec::new();
    let mut confirmed = Vec::new();
    // (round, paid cost, roster, simulation) of the cheapest confirmed round, else the last
    let mut best: Option<(u32, f64, PlannedRoster, SimulationReport)> = None;
    let mut round = 1;
    loop {
        let share = |k: f64| (f64::from(round - 1) + k) / f64::from(total);
        let planned = roster_tightened(
            requirements,
            config,
            horizon.clone(),
            options,
            &moves,
            &Within {
                outer: progress,
                from: share(0.0),
                to: share(0.7),
            },
        )?;
        // the people a --hire roster hired answer contacts like everyone else
        let hired = with_hired_people(config, &planned.roster, horizon.days())?;
        let plan = RosterPlan::from_roster(&planned.roster, &hired)?;
        let report = simulate(
            &plan,
            demand,
            &hired,
            &sim_options,
            &Within {
                outer: progress,
                from: share(0.7),
                to: share(1.0),
            },
        )?;
        let mut compared = compare(round, &planned.roster.predicted, &report, config);
        let ok = !compared.iter().any(missed_meant);
        let found = differences(&mut compared);
        rows.extend(compared);
        confirmed.push(ok);
        let cost = planned.roster.summary.paid_cost;
        let better = match &best {
            None => true,
            Some((r, c, _, _)) => {
                let was_ok = confirmed[*r as usize - 1];
                // a confirmed round beats an unconfirmed one, then the cheaper; among unconfirmed
                // rounds the last is kept
                if ok {
                    !was_ok || cost < *c
                } else {
                    !was_ok
                }
            }
        };
        if better {
            best = Some((round, cost, planned, report));
        }
        let converged = found.is_empty();
        if converged || round > verification.rounds {
            let (chosen, _, planned, simulation) = best.expect("one round at least");
            return Ok(VerifiedRoster {
                planned,
                simulation,
                rows,
                rounds: round,
                chosen,
                confirmed,
                converged,
            });
        }
        // a day's targets measured within the noise keep their previous move (NaN: not measured)
        for (key, by) in found {
            let m = moves.entry(key).or_insert([0.0; 4]);
            for (m, b) in m.iter_mut().zip(by) {
                if !b.is_nan() {
                    *m = b;
                }
            }
        }
        tracing::info!(
            round,
            moved = moves.len(),
            "re-planning against moved targets"
        );
        round += 1;
    }
}

/// `config` with the people `roster` hired (`rota schedule --hire`) added as agents of their
/// `[[hire]]` option; `config` itself when nobody was hired.
fn with_hired_people(
    config: &CentreConfig,
    roster: &rota_roster::Roster,
    days: usize,
) -> Result<CentreConfig, PlanningError> {
    let options = rota_roster::adapter::hire_options(config);
    let people: Vec<(String, String)> = rota_roster::hire::hires_of(&options, roster, days)
        .into_iter()
        .flat_map(|row| {
            let option = row.option;
            row.agents.into_iter().map(move |id| (id, option.clone()))
        })
        .collect();
    if people.is_empty() {
        return Ok(config.clone());
    }
    Ok(config.with_hired_agents(&people)?)
}

/// The simulated figure of `kpi` in a KPI set.
fn simulated(kpi: Kpi, k: &KpiSet) -> Option<rota_simulation::Estimate> {
    match kpi {
        Kpi::AbandonRate => k.abandon_rate,
        Kpi::AsaSeconds => k.asa_seconds,
        Kpi::ServiceLevel => k.service_level,
        Kpi::WaitWithinMaxShare => k.wait_within_max_share,
        _ => None,
    }
}

/// One row per predicted KPI that has a target and a simulated figure.
fn compare(
    round: u32,
    predicted: &[PredictedKpi],
    report: &SimulationReport,
    config: &CentreConfig,
) -> Vec<VerificationRow> {
    let mut out = Vec::new();
    for p in predicted {
        let Some(ch) = config.channel(p.channel.as_str()) else {
            continue;
        };
        let live = ch.kind().is_live();
        let Some(target) = ch.targets().list(live).into_iter().find(|t| t.kpi == p.kpi) else {
            continue;
        };
        let kpis = if p.period == "week" {
            report.week.iter().find(|w| w.channel == p.channel)
        } else {
            report.days.iter().find(|d| {
                d.channel == p.channel
                    && matches!(d.period, Period::Day(date) if date.to_string() == p.period)
            })
        };
        let Some(est) = kpis.and_then(|k| simulated(p.kpi, &k.kpis)) else {
            continue;
        };
        out.push(VerificationRow {
            round,
            channel: p.channel.clone(),
            period: p.period.clone(),
            kpi: p.kpi,
            predicted: p.value,
            simulated: est.mean,
            lo: est.lo(),
            hi: est.hi(),
            target: target.value,
            next_plan_target: None,
        });
    }
    out
}

/// Index of a KPI among the tightening's `[abandon, ASA, service level, within the longest wait]`.
fn slot(kpi: Kpi) -> Option<usize> {
    match kpi {
        Kpi::AbandonRate => Some(0),
        Kpi::AsaSeconds => Some(1),
        Kpi::ServiceLevel => Some(2),
        Kpi::WaitWithinMaxShare => Some(3),
        _ => None,
    }
}

/// Ceiling or floor of a KPI the programme plans for.
fn direction(kpi: Kpi) -> Direction {
    match kpi {
        Kpi::ServiceLevel | Kpi::WaitWithinMaxShare => Direction::AtLeast,
        _ => Direction::AtMost,
    }
}

/// A target the programme meant to meet (predicted met) that the simulation misses
/// conclusively (its whole 95% interval on the wrong side).
pub fn missed_meant(r: &VerificationRow) -> bool {
    let dir = direction(r.kpi);
    dir.met(r.predicted, r.target)
        && match dir {
            Direction::AtMost => r.lo > r.target,
            Direction::AtLeast => r.hi < r.target,
        }
}

/// The moves this round's day rows ask for (module doc): per channel and day, for each target
/// whose prediction lies outside the simulation's 95% interval, the difference, signed so that
/// a positive move makes the target stricter (NaN for a target of the day with no conclusive
/// difference). Marks the rows that ask.
fn differences(rows: &mut [VerificationRow]) -> Tightening {
    let mut out = Tightening::new();
    for r in rows.iter_mut().filter(|r| r.period != "week") {
        let Some(k) = slot(r.kpi) else { continue };
        if (r.lo..=r.hi).contains(&r.predicted) {
            continue;
        }
        let Ok(date) = r.period.parse() else { continue };
        let dir = direction(r.kpi);
        let by = match dir {
            Direction::AtMost => r.simulated - r.predicted,
            Direction::AtLeast => r.predicted - r.simulated,
        };
        r.next_plan_target = Some(match dir {
            Direction::AtMost => r.target - by,
            Direction::AtLeast => r.target + by,
        });
        out.entry((r.channel.clone(), date))
            .or_insert([f64::NAN; 4])[k] = by;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(
        period: &str,
        kpi: Kpi,
        predicted: f64,
        simulated: f64,
        half: f64,
        target: f64,
    ) -> VerificationRow {
        VerificationRow {
            round: 1,
            channel: ChannelName::parse("voice").expect("name"),
            period: period.into(),
            kpi,
            predicted,
            simulated,
            lo: simulated - half,
            hi: simulated + half,
            target,
            next_plan_target: None,
        }
    }

    #[test]
    fn conclusive_differences_move_the_days_target_both_ways() {
        let mut rows = vec![
            // predicted 8% abandoned against 10%, simulated 13% +- 1%: 5 points stricter
            row("2026-11-16", Kpi::AbandonRate, 0.08, 0.13, 0.01, 0.10),
            // simulated 9% +- 2%: the prediction is inside the interval, noise
            row("2026-11-17", Kpi::AbandonRate, 0.08, 0.09, 0.02, 0.10),
            // predicted 12%, simulated 7% +- 0.5%: 5 points looser
            row("2026-11-18", Kpi::AbandonRate, 0.12, 0.07, 0.005, 0.10),
            // service level: predicted 85%, simulated 70% +- 3% against 80%: 15 points stricter
            row("2026-11-16", Kpi::ServiceLevel, 0.85, 0.70, 0.03, 0.80),
            // a week row moves nothing
            row("week", Kpi::AsaSeconds, 90.0, 130.0, 5.0, 120.0),
        ];
        assert!(missed_meant(&rows[0]) && !missed_meant(&rows[2]) && missed_meant(&rows[3]));
        let t = differences(&mut rows);
        let voice = ChannelName::parse("voice").expect("name");
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
        let mon = t[&(voice.clone(), day(16))];
        assert!(
            (mon[0] - 0.05).abs() < 1e-12 && (mon[2] - 0.15).abs() < 1e-12,
            "{mon:?}"
        );
        assert!(mon[1].is_nan(), "ASA not measured on Monday: {mon:?}");
        assert!((t[&(voice, day(18))][0] + 0.05).abs() < 1e-12, "{t:?}");
        assert_eq!(t.len(), 2, "{t:?}");
        assert!((rows[0].next_plan_target.expect("moved") - 0.05).abs() < 1e-12);
        assert!((rows[2].next_plan_target.expect("moved") - 0.15).abs() < 1e-12);
        assert!(rows[1].next_plan_target.is_none() && rows[4].next_plan_target.is_none());
    }
}
