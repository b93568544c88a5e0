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
    /// Only show what the absence does to the published week (a manager deciding whether to
    /// approve a time-off request): no re-plan, no shift changes.
    pub preview: bool,
}

/// One channel on one open day: as published, without the absent agents, and re-planned.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct KpiChange {
    /// Channel.
    pub channel: ChannelName,
    /// Local date.
    pub date: NaiveDate,
    /// Agent-hours short of the requirement (live) or of overdue backlog (deferred), as
    /// published with everyone there.
    pub short_hours_published: f64,
    /// The same, without the absent agents (before any re-plan).
    pub short_hours_before: f64,
    /// The same, re-planned.
    pub short_hours_after: f64,
    /// Predicted abandoned share of offered, as published (live channels with targets).
    pub abandon_published: Option<f64>,
    /// The same, without the absent agents.
    pub abandon_before: Option<f64>,
    /// The same, re-planned.
    pub abandon_after: Option<f64>,
    /// Predicted average wait of answered contacts, seconds, as published.
    pub asa_published_s: Option<f64>,
    /// The same, without the absent agents.
    pub asa_before_s: Option<f64>,
    /// The same, re-planned.
    pub asa_after_s: Option<f64>,
    /// Predicted share answered within the threshold, as published.
    pub service_level_published: Option<f64>,
    /// The same, without the absent agents.
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
    /// The published week as it stands, everyone there.
    pub published: Roster,
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
    let (everyone, mut notes) = roster_problem(
        requirements,
        config,
        horizon.clone(),
        options,
        &Tightening::new(),
    )?;
    let mut problem = everyone.clone();
    add_absences(&mut problem, &request.absences)?;
    let end = horizon.first_date() + chrono::Duration::days(horizon.days() as i64);
    // every day pinned: the published week as it stands, and without the absent agents
    let frozen = |shifts: Vec<BaselineShift>| Baseline {
        shifts,
        open_from: end,
        move_cost: 0.0,
        pinned_agents: Vec::new(),
    };
    let published_problem = everyone.with_baseline(frozen(request.published.clone()));
    let as_published_problem = problem
        .clone()
        .with_baseline(frozen(request.published.clone()));
    // the absent agents' shifts in their absence are lost whatever the plan: the roster crate
    // neither pins them nor counts them as changes (BaselineShift::lost_to_leave)
    let replan_problem = problem.with_baseline(Baseline {
        shifts: request.published.clone(),
        open_from: request.open_from,
        move_cost: request.move_cost,
        pinned_agents: request
            .absences
            .iter()
            .map(|a| a.agent_id.clone())
            .collect(),
    });
    let stage = |from: f64, to: f64| Within {
        outer: progress,
        from,
        to,
    };
    // a week with every shift pinned is rostered in moments; its passes get a third of the time
    let frozen_options = RosterOptions {
        solve: rota_roster::SolveOptions {
            time_limit_s: (options.solve.time_limit_s / 3.0).max(5.0),
            ..options.solve
        },
        ..*options
    };
    let mut ignored = Vec::new();
    let published_roster = solve_roster(
        &published_problem,
        &frozen_options,
        &mut ignored,
        &stage(0.0, 0.15),
    )?;
    let as_published = solve_roster(
        &as_published_problem,
        &frozen_options,
        &mut ignored,
        &stage(0.15, 0.3),
    )?;
    let unchanged = |notes: &mut Vec<String>, why: Option<String>| {
        let mut r = as_published.clone();
        r.summary.replan = rota_roster::replan::report(&replan_problem, &r);
        notes.extend(why);
        r
    };
    let roster = if request.preview {
        unchanged(&mut notes, None)
    } else {
        let replanned = solve_roster(&replan_problem, options, &mut notes, &stage(0.3, 1.0))?;
        // the programme prices a move before breaks, activities and channels are placed in
        // the moved shifts; where the placed week comes out worse than leaving the shifts as
        // they are, leaving them is the answer
        if replanned.summary.objective > as_published.summary.objective {
            let moved = replanned
                .summary
                .replan
                .as_ref()
                .map_or(0, ReplanReport::changed);
            unchanged(
                &mut notes,
                (moved > 0).then(|| {
                    format!(
                        "re-plan: the {moved} shift change{} the programme found would leave \
                         the week worse once breaks, activities and channels were placed in \
                         them, so every shift stays as published",
                        if moved == 1 { "" } else { "s" }
                    )
                }),
            )
        } else {
            replanned
        }
    };
    let report = roster.summary.replan.clone().unwrap_or_default();
    let predictor = predictor(requirements, config, &replan_problem, options);
    let kpis = kpi_changes(
        &replan_problem,
        predictor.as_ref(),
        [&published_roster, &as_published, &roster],
    );
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
        published: published_roster,
        report,
        kpis,
        violations,
        notes,
    })
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

/// `problem` with every channel's targets summed per day, so its predictions come per channel and
/// local day (label `Mon 16 Nov`), the grain a manager reads.
fn per_day(problem: &RosterProblem) -> RosterProblem {
    let mut daily = problem.clone();
    if let Some(t) = daily.targets.as_mut() {
        for ct in &mut t.channels {
            ct.period = rota_roster::TargetPeriod::Day;
        }
    }
    daily
}

fn kpi_changes(
    problem: &RosterProblem,
    predictor: Option<&RosterProblem>,
    [published, before, after]: [&Roster; 3],
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
    let daily = predictor.map(per_day);
    let day_figures = |r: &Roster| -> Vec<targets::PeriodFigures> {
        daily
            .as_ref()
            .map_or_else(Vec::new, |p| targets::predict_roster(p, r))
    };
    let figures = [
        day_figures(published),
        day_figures(before),
        day_figures(after),
    ];
    let mut out = Vec::new();
    for d in 0..problem.horizon.days() {
        let date = problem.horizon.date(d);
        if date < open_from {
            continue;
        }
        let label = date.format("%a %d %b").to_string();
        for ch in &problem.channels {
            let [p, b, a] = figures.each_ref().map(|figs| {
                figs.iter()
                    .find(|f| f.channel == ch.name && f.label == label)
                    .cloned()
            });
            let sl = |f: &Option<targets::PeriodFigures>| {
                f.as_ref()
                    .filter(|f| f.target_service_level.is_some())
                    .map(|f| f.service_level)
            };
            out.push(KpiChange {
                channel: ch.name.clone(),
                date,
                short_hours_published: short(published, &ch.name, date),
                short_hours_before: short(before, &ch.name, date),
                short_hours_after: short(after, &ch.name, date),
                abandon_published: p.as_ref().map(|f| f.abandon_rate),
                abandon_before: b.as_ref().map(|f| f.abandon_rate),
                abandon_after: a.as_ref().map(|f| f.abandon_rate),
                asa_published_s: p.as_ref().map(|f| f.asa_seconds),
                asa_before_s: b.as_ref().map(|f| f.asa_seconds),
                asa_after_s: a.as_ref().map(|f| f.asa_seconds),
                service_level_published: sl(&p),
                service_level_before: sl(&b),
                service_level_after: sl(&a),
            });
        }
    }
    out
}

/// The published shifts of a stored roster, each with what its agent was to do in it: the
/// baseline a re-plan or a time-off preview starts from.
pub fn published_shifts(plan: &rota_simulation::RosterPlan) -> Vec<BaselineShift> {
    use rota_roster::replan::{BaselinePeriod, PeriodKind};
    use rota_simulation::PlanActivityKind as K;
    plan.shifts()
        .iter()
        .map(|s| BaselineShift {
            agent_id: s.agent_id.clone(),
            start: s.start,
            end: s.end,
            periods: plan
                .activities()
                .iter()
                .filter(|a| a.agent_id == s.agent_id && s.start <= a.start && a.end <= s.end)
                .map(|a| BaselinePeriod {
                    start: a.start,
                    end: a.end,
                    kind: match &a.kind {
                        K::Work(c) => PeriodKind::Work(c.clone()),
                        K::Break => PeriodKind::Break,
                        K::Lunch => PeriodKind::Lunch,
                        K::Other(name) => PeriodKind::Activity(name.clone()),
                    },
                })
                .collect(),
        })
        .collect()
}

/// What a hand edit of a stored roster is judged against: the centre's rules over the roster's
/// days (for the independent checker) and, where the requirements carry offered contacts and
/// AHT, the channels' targets per day (for the KPIs the queueing model predicts). Built once per
/// edit, it judges the roster before and after without solving anything, so an edit is answered
/// in well under a second.
#[derive(Debug, Clone)]
pub struct Judge {
    problem: RosterProblem,
    daily: Option<RosterProblem>,
}

impl Judge {
    /// The rules and targets of `config` over `horizon` against `requirements` (as the roster
    /// was planned).
    pub fn new(
        requirements: &RequirementSeries,
        config: &CentreConfig,
        horizon: Horizon,
        options: &RosterOptions,
    ) -> Result<Self, PlanningError> {
        let (problem, _) =
            roster_problem(requirements, config, horizon, options, &Tightening::new())?;
        let daily = predictor(requirements, config, &problem, options).map(|p| per_day(&p));
        Ok(Judge { problem, daily })
    }

    /// The planning problem: agents, templates, channels, horizon.
    pub fn problem(&self) -> &RosterProblem {
        &self.problem
    }

    /// What the independent checker finds wrong with `roster` (empty: every rule holds).
    pub fn check(&self, roster: &Roster) -> Vec<rota_roster::Violation> {
        rota_roster::check_roster(&self.problem, roster)
    }

    /// The predicted abandon rate, ASA and service level of `roster` per channel with targets
    /// and local day; empty where the requirements carry nothing to predict from.
    pub fn day_figures(&self, roster: &Roster) -> Vec<targets::PeriodFigures> {
        self.daily
            .as_ref()
            .map_or_else(Vec::new, |p| targets::predict_roster(p, roster))
    }
}
