//! Re-planning a published week after an absence: the sickness call.
//!
//! An agent rings in sick for Wednesday to Friday. The planner wants the rest of the week
//! covered without moving everyone's shifts. [`replan`] builds two rosters of the same week:
//! 1. **as published**: every published shift kept, less the absent agent's (what happens if the
//!    planner does nothing; breaks, activities and channels are re-placed around the gap);
//! 2. **re-planned**: days before the first open day pinned as published, every change on the
//!    open days costing [`rota_roster::replan::Baseline::move_cost`] ([`rota_roster::replan`]),
//!    so a shift moves only where it wins back more service than the move is worth.
//!
//! It then says what changed, shift by shift ([`ReplanReport`]), and what the change does to the
//! service per channel and open day ([`KpiChange`]): hours short of the requirement and, where
//! the centre has targets, the abandon rate, ASA and service level the queueing model predicts.

use chrono::{DateTime, FixedOffset, NaiveDate};
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_roster::replan::{Baseline, BaselineShift, ReplanReport};
use rota_roster::requirements::RequirementSeries;
use rota_roster::{adapter, targets, Horizon, Roster, RosterProblem, Unavailable};
use serde::Serialize;

use crate::error::PlanningError;
use crate::progress::{Progress, Within};
use crate::steps::{roster_problem, solve_roster, RosterOptions, Tightening};

/// An agent away for part of the week.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Absence {
    /// Agent id (a configured agent).
    pub agent_id: String,
    /// First instant away.
    pub from: DateTime<FixedOffset>,
    /// First instant back.
    pub to: DateTime<FixedOffset>,
    /// Why, as recorded (`sick`, `leave`, ...).
    pub reason: String,
}

/// What to re-plan.
#[derive(Debug, Clone)]
pub struct ReplanRequest {
    /// The published week's shifts (from its `shifts.csv`).
    pub published: Vec<BaselineShift>,
    /// Who is away, and when.
    pub absences: Vec<Absence>,
    /// The first local date that may change (default in the CLI: the first day of the
    /// absence, or today).
    pub open_from: NaiveDate,
    /// What one changed shift costs ([`Baseline::DEFAULT_MOVE_COST`]).
    pub move_cost: f64,
}

/// One channel on one open day, as published less the absence and as re-planned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiChange {
    /// Channel.
    pub channel: ChannelName,
    /// Local date.
    pub date: NaiveDate,
    /// Agent-hours short of the requirement (live) or of overdue backlog (deferred), before.
    pub short_hours_before: f64,
    /// The same, re-planned.
    pub short_hours_after: f64,
    /// Predicted abandoned share of offered, before (live channels with targets).
    pub abandon_before: Option<f64>,
    /// The same, re-planned.
    pub abandon_after: Option<f64>,
    /// Predicted average wait of answered contacts, seconds, before.
    pub asa_before_s: Option<f64>,
    /// The same, re-planned.
    pub asa_after_s: Option<f64>,
    /// Predicted share answered within the threshold, before.
    pub service_level_before: Option<f64>,
    /// The same, re-planned.
    pub service_level_after: Option<f64>,
}

/// The two rosters and what changed between them.
#[derive(Debug, Clone)]
pub struct Replanned {
    /// The re-planned week.
    pub roster: Roster,
    /// The published week less the absences, nothing else changed.
    pub as_published: Roster,
    /// Shift by shift, what the re-plan changed.
    pub report: ReplanReport,
    /// Per channel and open day, the service before and after.
    pub kpis: Vec<KpiChange>,
    /// What the independent rule checker finds wrong with the re-planned week (contracts, rest,
    /// breaks, activities, stints, and the days that must stay as published); empty when valid.
    pub violations: Vec<rota_roster::Violation>,
    /// Notes in a planner's words.
    pub notes: Vec<String>,
}

/// Re-plans the published week `request.published` over `horizon` around `request.absences`
/// (see the module doc). Errors: an absence of an unknown agent or outside the week, a published
/// shift that no template or the agent's availability allows on a pinned day, contracts that
/// cannot be met, a solver failure.
#[tracing::instrument(level = "info", skip_all, fields(days = horizon.days(), absences = request.absences.len()))]
pub fn replan(
    requirements: &RequirementSeries,
    config: &CentreConfig,
    horizon: Horizon,
    options: &RosterOptions,
    request: &ReplanRequest,
    progress: &dyn Progress,
) -> Result<Replanned, PlanningError> {
    let (mut problem, mut notes) = roster_problem(
        requirements,
        config,
        horizon.clone(),
        options,
        &Tightening::new(),
    )?;
    add_absences(&mut problem, &request.absences)?;
    // the absent agents' published shifts in their absence are gone whatever the plan: they are
    // neither pinned nor counted as moves
    let published: Vec<BaselineShift> = request
        .published
        .iter()
        .filter(|s| !away(&request.absences, s))
        .cloned()
        .collect();
    let end = horizon.first_date() + chrono::Duration::days(horizon.days() as i64);
    let as_published_problem = problem.clone().with_baseline(Baseline {
        shifts: published.clone(),
        open_from: end,
        move_cost: 0.0,
        pinned_agents: Vec::new(),
    });
    let replan_problem = problem.with_baseline(Baseline {
        shifts: published,
        open_from: request.open_from,
        move_cost: request.move_cost,
        pinned_agents: request
            .absences
            .iter()
            .map(|a| a.agent_id.clone())
            .collect(),
    });
    let mut ignored = Vec::new();
    let as_published = solve_roster(
        &as_published_problem,
        options,
        &mut ignored,
        &Within {
            outer: progress,
            from: 0.0,
            to: 0.2,
        },
    )?;
    let mut roster = solve_roster(
        &replan_problem,
        options,
        &mut notes,
        &Within {
            outer: progress,
            from: 0.2,
            to: 1.0,
        },
    )?;
    let mut report = roster.summary.replan.take().unwrap_or_default();
    // the absent agents' lost shifts, from the request (the problem no longer holds them)
    report.lost_to_absence = request
        .published
        .iter()
        .filter(|s| away(&request.absences, s))
        .filter(|s| s.start.with_timezone(&horizon.tz()).date_naive() >= request.open_from)
        .count();
    roster.summary.replan = Some(report.clone());
    let predictor = predictor(requirements, config, &replan_problem, options);
    let kpis = kpi_changes(&replan_problem, predictor.as_ref(), &as_published, &roster);
    let violations = rota_roster::check_roster(&replan_problem, &roster);
    if !violations.is_empty() {
        tracing::warn!(
            violations = violations.len(),
            "re-planned roster breaks rules"
        );
    }
    Ok(Replanned {
        roster,
        as_published,
        report,
        kpis,
        violations,
        notes,
    })
}

/// Does `s` overlap an absence of its agent?
fn away(absences: &[Absence], s: &BaselineShift) -> bool {
    absences
        .iter()
        .any(|a| a.agent_id == s.agent_id && a.from < s.end && s.start < a.to)
}

fn add_absences(problem: &mut RosterProblem, absences: &[Absence]) -> Result<(), PlanningError> {
    let tz = problem.horizon.tz();
    let first = problem.horizon.instant(0);
    let last = problem.horizon.instant(problem.horizon.n_intervals());
    let mut errors = Vec::new();
    for a in absences {
        let Some(agent) = problem.agents.iter_mut().find(|p| p.id == a.agent_id) else {
            errors.push(format!(
                "absence of {}: no such agent in the configuration",
                a.agent_id
            ));
            continue;
        };
        let (from, to) = (a.from.with_timezone(&tz), a.to.with_timezone(&tz));
        if to <= first || from >= last {
            errors.push(format!(
                "absence of {} from {} to {} is outside the roster's week {} to {}",
                a.agent_id,
                from.format("%a %d %b %H:%M"),
                to.format("%a %d %b %H:%M"),
                first.format("%a %d %b"),
                (last - chrono::Duration::minutes(1)).format("%a %d %b")
            ));
            continue;
        }
        agent.unavailable.push(Unavailable {
            from,
            to,
            reason: a.reason.clone(),
        });
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(PlanningError::Roster(rota_roster::RosterError::Input(
            errors.join("; "),
        )))
    }
}

/// The problem with the channels' targets, to predict KPIs under either objective; `None` where
/// the requirements carry no offered contacts and AHT to predict from.
fn predictor(
    requirements: &RequirementSeries,
    config: &CentreConfig,
    problem: &RosterProblem,
    options: &RosterOptions,
) -> Option<RosterProblem> {
    if problem.targets.is_some() {
        return Some(problem.clone());
    }
    let mut notes = Vec::new();
    let targets = adapter::service_targets(
        config,
        problem,
        requirements,
        options.solve.target_period,
        &mut notes,
    )
    .ok()?;
    problem.clone().with_targets(targets).ok()
}

fn kpi_changes(
    problem: &RosterProblem,
    predictor: Option<&RosterProblem>,
    before: &Roster,
    after: &Roster,
) -> Vec<KpiChange> {
    let Some(open_from) = problem.baseline.as_ref().map(|b| b.open_from) else {
        return Vec::new();
    };
    let tz = problem.horizon.tz();
    let hours = f64::from(problem.horizon.interval_minutes()) / 60.0;
    let short = |r: &Roster, channel: &ChannelName, date: NaiveDate| -> f64 {
        r.coverage
            .iter()
            .filter(|row| {
                &row.channel == channel
                    && row.interval_start.with_timezone(&tz).date_naive() == date
            })
            .map(|row| row.shortfall)
            .sum::<f64>()
            * hours
    };
    // the programme's predictions per channel and day (label `Mon 16 Nov`)
    let day_figures = |r: &Roster| -> Vec<targets::PeriodFigures> {
        let Some(p) = predictor else {
            return Vec::new();
        };
        let mut daily = p.clone();
        if let Some(t) = daily.targets.as_mut() {
            for ct in &mut t.channels {
                ct.period = rota_roster::TargetPeriod::Day;
            }
        }
        targets::predict_roster(&daily, r)
    };
    let (fig_before, fig_after) = (day_figures(before), day_figures(after));
    let find = |figs: &[targets::PeriodFigures], channel: &ChannelName, date: NaiveDate| {
        let label = date.format("%a %d %b").to_string();
        figs.iter()
            .find(|f| &f.channel == channel && f.label == label)
            .cloned()
    };
    let mut out = Vec::new();
    for d in 0..problem.horizon.days() {
        let date = problem.horizon.date(d);
        if date < open_from {
            continue;
        }
        for ch in &problem.channels {
            let (b, a) = (
                find(&fig_before, &ch.name, date),
                find(&fig_after, &ch.name, date),
            );
            fn with_threshold(
                f: &Option<targets::PeriodFigures>,
            ) -> Option<&targets::PeriodFigures> {
                f.as_ref().filter(|f| f.target_service_level.is_some())
            }
            out.push(KpiChange {
                channel: ch.name.clone(),
                date,
                short_hours_before: short(before, &ch.name, date),
                short_hours_after: short(after, &ch.name, date),
                abandon_before: b.as_ref().map(|f| f.abandon_rate),
                abandon_after: a.as_ref().map(|f| f.abandon_rate),
                asa_before_s: b.as_ref().map(|f| f.asa_seconds),
                asa_after_s: a.as_ref().map(|f| f.asa_seconds),
                service_level_before: with_threshold(&b).map(|f| f.service_level),
                service_level_after: with_threshold(&a).map(|f| f.service_level),
            });
        }
    }
    out
}
