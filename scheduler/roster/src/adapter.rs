//! From a centre configuration and a staffing requirements file to a [`RosterProblem`].
//!
//! Mapping (documented in docs/ROSTER.md):
//! * channels: live kinds (inbound, walk-in, chat) need `required_agents` per interval; deferred
//!   channels become a backlog flow whose workload is `offered x AHT / interval` (or
//!   `required_agents` when the file has no offered/AHT), due within the response target. A target
//!   counted in worked hours only ("24 working hours") runs only in the channel's worked hours
//!   (its `hours`, closed days excluded): [`ChannelPlan::worked`]; otherwise in elapsed time.
//! * shortfall weight factor per channel from its routing priority `p` (lower = more important):
//!   `f = 2 / (1 + p/10)` (priority 1 -> 1.82, default 10 -> 1.0, 30 -> 0.5); deferred channels
//!   get half of that, because their work can still be done late.
//! * templates: unpaid lunch and paid breaks with their windows; who may work a template is the
//!   configuration's own rule (`CentreConfig::templates_for`: contract, team, required skills).
//! * contracts: weekly paid hours, `7 - days_off_per_week` working days, consecutive days, rest;
//!   weekend off "d days in 1 week" becomes at most `2 - d` weekend days worked (a whole weekend
//!   in 1 week: none); rules over several weeks and annualised hours become
//!   [`crate::multiweek::ContractWeeks`], checked over the horizon and the previous roster's
//!   weekends when the plan rolls on from one.
//! * `[centre.fairness]`: [`crate::multiweek::FairnessRules`].
//! * agents: availability outside the weekly hours and approved leave become blocked periods.
//! * `[[hire]]` options: attached to the problem ([`hire_options`]), inert unless the solve
//!   hires ([`crate::SolveOptions::hire`]).

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Timelike};
use chrono_tz::Tz;
use rota_data::channel::ChannelKind;
use rota_data::config::{Agent, CentreConfig, Channel, Contract};

use super::activities::ActivityPlan;
use super::error::RosterError;
use super::hire::HireOption;
use super::problem::{
    AgentPlan, BreakPlan, ChannelMode, ChannelPlan, ContractRules, FixedShiftPlan, Horizon,
    RosterProblem, TemplatePlan, Unavailable, Weights,
};
use super::requirements::RequirementSeries;
use super::targets::{interval_curve, ChannelTargetRows, ProgrammeTargets, TargetPeriod};

fn clock(minutes: u32) -> NaiveTime {
    NaiveTime::from_num_seconds_from_midnight_opt((minutes % 1440) * 60, 0)
        .unwrap_or(NaiveTime::MIN)
}

fn midnight(tz: Tz, d: NaiveDate) -> Option<chrono::DateTime<Tz>> {
    tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
        .earliest()
}

fn at_minute(tz: Tz, d: NaiveDate, minute: u32) -> Option<chrono::DateTime<Tz>> {
    if minute >= 1440 {
        midnight(tz, d + Duration::days(1))
    } else {
        tz.from_local_datetime(&d.and_time(clock(minute)))
            .earliest()
    }
}

/// The shortfall weight factor of a channel with routing priority `p` (see the module doc).
pub fn priority_factor(priority: u32, kind: ChannelKind) -> f64 {
    let f = 2.0 / (1.0 + f64::from(priority) / 10.0);
    if kind.is_deferred() {
        f / 2.0
    } else {
        f
    }
}

/// Builds the roster problem of `config` for `days` days from `first_date` with the requirements
/// `req` (read by [`super::requirements::read_requirements`] on the same horizon).
///
/// Also returns notes in plain words about rules that cannot be honoured exactly (e.g. weekend
/// rules over several weeks) and channels without requirements.
pub fn problem_from_config(
    config: &CentreConfig,
    horizon: Horizon,
    req: &RequirementSeries,
    weights: Weights,
) -> Result<(RosterProblem, Vec<String>), RosterError> {
    let mut notes = Vec::new();
    check_channels_known(config, req)?;
    let channels = config
        .channels()
        .iter()
        .map(|ch| channel_plan(config, ch, &horizon, req, &mut notes))
        .collect();
    let templates = config
        .shift_templates()
        .iter()
        .map(shift_template)
        .collect();
    let mut agents = Vec::new();
    for a in config.agents() {
        agents.push(agent_plan(config, a, &horizon)?);
    }
    let planning = config.centre().planning();
    let problem = RosterProblem::new(horizon, channels, templates, agents, weights)?
        .with_hire_options(hire_options(config))
        .with_stints(crate::StintRules {
            min_stint_minutes: planning.min_stint_minutes(),
            max_switches_per_shift: planning.max_channel_switches_per_shift(),
        });
    let activities = activity_plans(config, &problem.horizon);
    let problem = problem
        .with_activities(activities)?
        .with_multiweek(multiweek(config));
    Ok((problem, notes))
}

/// The configuration's rules over several weeks (weekend rules over more than one week,
/// annualised hours) per contract, and its `[centre.fairness]`.
pub fn multiweek(config: &CentreConfig) -> crate::multiweek::MultiWeek {
    use crate::multiweek::{Averaging, ContractWeeks, FairnessRules, MultiWeek, WeekendRule};
    let minutes = |h: f64| (h * 60.0).round() as u32;
    let contracts = config
        .contracts()
        .iter()
        .map(|c| {
            let weekend = c
                .weekend_off()
                .filter(|w| w.in_weeks() > 1)
                .map(|w| WeekendRule {
                    off: w.days(),
                    in_weeks: w.in_weeks(),
                    whole: w.whole_weekends(),
                });
            let averaging = c.averaged_hours().map(|a| Averaging {
                weeks: a.weeks(),
                week_min_minutes: minutes(a.min_weekly_paid_hours()),
                week_max_minutes: minutes(a.max_weekly_paid_hours()),
            });
            (c.name().to_string(), ContractWeeks { weekend, averaging })
        })
        .filter(|(_, w)| w.weekend.is_some() || w.averaging.is_some())
        .collect();
    let fairness = config.centre().fairness().map(|f| FairnessRules {
        weight: f.weight(),
        late_after: clock(u32::from(f.late_shift_ends_after_minute())),
        rolling_weeks: f.rolling_weeks(),
    });
    MultiWeek {
        contracts,
        history: None,
        fairness,
    }
}

/// The configuration's `[[activities]]` in the programme's terms: lengths in intervals, weekly
/// amounts per agent, and the window laid on the horizon's intervals (an interval is in the
/// window when the whole of it is).
pub fn activity_plans(config: &CentreConfig, horizon: &Horizon) -> Vec<ActivityPlan> {
    let step = horizon.interval_minutes();
    let intervals = |minutes: f64| (minutes / f64::from(step)).round() as usize;
    config
        .activities()
        .iter()
        .map(|a| {
            let window = (0..horizon.n_intervals())
                .map(|t| {
                    let at = horizon.instant(t);
                    let minute = at.hour() * 60 + at.minute();
                    a.window()
                        .is_none_or(|w| w.covers(at.weekday(), minute, minute + step))
                })
                .collect();
            let len = intervals(f64::from(a.minutes()));
            ActivityPlan {
                name: a.name().to_string(),
                label: a.label().to_string(),
                style: a.kind(),
                teams: a.teams().to_vec(),
                agent_ids: a.agent_ids().to_vec(),
                skills: a.skills().to_vec(),
                len,
                sessions_per_week: a.per_week() as usize,
                min_intervals: intervals(a.min_hours() * 60.0),
                max_intervals: intervals(a.max_hours() * 60.0),
                window,
                mandatory: a.mandatory(),
                split: a.split(),
            }
        })
        .collect()
}

/// The configuration's `[[hire]]` options in the programme's terms, in file order. A weekend
/// rule over several weeks is left out as for agents (`contract_rules`), without a note: the
/// options are offered on every roster, hired or not.
pub fn hire_options(config: &CentreConfig) -> Vec<HireOption> {
    config
        .hires()
        .iter()
        .filter_map(|h| {
            let c = config.contract(h.contract())?;
            Some(HireOption {
                name: h.name().to_string(),
                label: h.label().to_string(),
                skills: h.skills().to_vec(),
                contract: contract_rules(c),
                team: h.team().map(str::to_string),
                templates: h.templates().to_vec(),
                hourly_cost: h.hourly_cost(),
                one_off_per_week: h.one_off_per_week(),
                max_count: h.max_count(),
            })
        })
        .collect()
}

/// The live channels' targets and service curves for the targets objective
/// ([`crate::targets`]), every target summed over the channel's configured `period`, or over
/// `period` for every channel when given: for each live channel of `problem`
/// with a finite patience and at least one of an abandon, ASA or service-level target, the
/// [`rota_staffing::ServiceCurve`] of every interval in which the channel is worked (the centre's
/// one opening calendar) and the requirements file offers contacts, at the file's AHT (the
/// channel's default where the file gives 0) and the channel's total shrinkage. A live channel
/// without offered contacts in the file, or without a finite patience, keeps the coverage rows,
/// with a note.
pub fn service_targets(
    config: &CentreConfig,
    problem: &RosterProblem,
    req: &RequirementSeries,
    period: Option<TargetPeriod>,
    notes: &mut Vec<String>,
) -> Result<ProgrammeTargets, RosterError> {
    let horizon = &problem.horizon;
    let interval_s = f64::from(horizon.interval_minutes()) * 60.0;
    let mut channels = Vec::new();
    for (c, plan) in problem.channels.iter().enumerate() {
        if plan.mode != ChannelMode::Live {
            continue;
        }
        let Some(ch) = config.channel(plan.name.as_str()) else {
            continue;
        };
        let staffing = |e: rota_staffing::StaffingError| {
            RosterError::Input(format!("{}: service curve: {e}", plan.name))
        };
        let model = rota_staffing::channel_model(ch).map_err(staffing)?;
        let targets = match model {
            rota_staffing::ChannelModel::Queue { targets, .. }
            | rota_staffing::ChannelModel::Chat { targets, .. } => targets,
            rota_staffing::ChannelModel::Deferred { .. } => continue,
        };
        let Some(patience_s) = ch.patience_seconds().filter(|p| p.is_finite() && *p > 0.0) else {
            notes.push(format!(
                "{}: no finite patience, so no service curve; planned by coverage",
                plan.name
            ));
            continue;
        };
        let max_abandon = targets.max_abandon();
        let max_asa_s = targets.max_asa_s();
        let service_level = targets.service_level().map(|sl| sl.min_share);
        let max_wait = ch
            .targets()
            .max_wait_seconds()
            .map(|w| (w, ch.targets().max_wait_share()));
        if max_abandon.is_none() && max_asa_s.is_none() && service_level.is_none() {
            continue;
        }
        let (Some(offered), Some(aht)) = (req.offered.get(&plan.name), req.aht_s.get(&plan.name))
        else {
            notes.push(format!(
                "{}: the requirements give no offered contacts and AHT; planned by coverage",
                plan.name
            ));
            continue;
        };
        let shrinkage = ch.shrinkage().total();
        let mut intervals = Vec::new();
        for t in 0..horizon.n_intervals() {
            if offered[t] <= 0.0 || !config.is_worked_at(ch, &horizon.instant(t)) {
                continue;
            }
            let aht_s = if aht[t] > 0.0 {
                aht[t]
            } else {
                ch.aht_seconds()
            };
            let spec = rota_staffing::CurveSpec::for_channel(
                &model, offered[t], interval_s, aht_s, shrinkage,
            )
            .map_err(staffing)?;
            let curve = rota_staffing::ServiceCurve::build(&spec).map_err(staffing)?;
            let mut ic = interval_curve(t, curve, max_asa_s, service_level.is_some());
            if let Some((seconds, _)) = max_wait {
                // the same interval with the longest acceptable wait as the threshold
                let at_max = rota_staffing::CurveSpec {
                    threshold_s: seconds,
                    ..spec
                };
                let at_max = rota_staffing::ServiceCurve::build(&at_max).map_err(staffing)?;
                ic = ic.with_max_wait(&at_max);
            }
            intervals.push(ic);
        }
        channels.push(ChannelTargetRows {
            channel: c,
            period: period.unwrap_or(ch.targets().period()),
            max_wait,
            max_abandon,
            max_asa_s,
            service_level,
            threshold_s: targets.threshold_s(),
            patience_s,
            weight: plan.shortfall_weight,
            intervals,
            tighten: Default::default(),
        });
    }
    Ok(ProgrammeTargets {
        channels,
        penalty_per_contact: ProgrammeTargets::DEFAULT_PENALTY_PER_CONTACT,
        late_weight: ProgrammeTargets::DEFAULT_LATE_WEIGHT,
    })
}

/// Rejects requirements for a channel the configuration does not define: its demand would be
/// silently dropped.
fn check_channels_known(config: &CentreConfig, req: &RequirementSeries) -> Result<(), RosterError> {
    for name in req.required.keys() {
        if config.channel(name.as_str()).is_none() {
            return Err(RosterError::Input(format!(
                "the requirements name channel {name}, which the configuration does not define \
                 (configured: {})",
                config
                    .channel_names()
                    .iter()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
    }
    Ok(())
}

/// One channel of the programme (see the module doc): live channels need their required agents;
/// deferred channels get their workload and response target, with the worked intervals when the
/// target counts worked hours only. A channel without requirements is planned as zero, with a
/// note.
fn channel_plan(
    config: &CentreConfig,
    ch: &Channel,
    horizon: &Horizon,
    req: &RequirementSeries,
    notes: &mut Vec<String>,
) -> ChannelPlan {
    let n_t = horizon.n_intervals();
    let name = ch.name().clone();
    let required = req.required.get(&name);
    if required.is_none() {
        notes.push(format!(
            "{name}: no requirements in the file; planned as zero"
        ));
    }
    let factor = priority_factor(ch.priority(), ch.kind());
    let (mode, requirement, worked) = if ch.kind().is_deferred() {
        // a target in working hours runs only while the backlog is worked (the channel's
        // hours, closed days excluded): ChannelPlan::worked
        let response = ch.targets().response();
        let in_worked_hours = response.is_some_and(|r| r.working_hours_only());
        let hours = response.map_or(24.0, |r| r.within_hours());
        let worked = in_worked_hours.then(|| {
            (0..n_t)
                .map(|t| config.is_worked_at(ch, &horizon.instant(t)))
                .collect::<Vec<bool>>()
        });
        let work = req
            .workload
            .get(&name)
            .or(required)
            .cloned()
            .unwrap_or_else(|| vec![0.0; n_t]);
        (
            ChannelMode::Deferred {
                response_minutes: (hours * 60.0)
                    .round()
                    .max(f64::from(horizon.interval_minutes()))
                    as u32,
            },
            work,
            worked,
        )
    } else {
        (
            ChannelMode::Live,
            required.cloned().unwrap_or_else(|| vec![0.0; n_t]),
            None,
        )
    };
    ChannelPlan {
        name,
        mode,
        shortfall_weight: factor,
        requirement,
        worked,
    }
}

/// A configured shift template with its unpaid lunch first, then its paid breaks. Who may work
/// it is decided per agent ([`AgentPlan::allowed_templates`]), so the template has no team.
fn shift_template(t: &rota_data::config::ShiftTemplate) -> TemplatePlan {
    let mut breaks = Vec::new();
    if let Some(l) = t.lunch() {
        breaks.push(BreakPlan {
            minutes: l.minutes(),
            earliest_offset: l.earliest_start_after(),
            latest_offset: l.latest_start_after(),
            paid: false,
        });
    }
    for b in t.breaks() {
        breaks.push(BreakPlan {
            minutes: b.minutes(),
            earliest_offset: b.earliest_start_after(),
            latest_offset: b.latest_start_after(),
            paid: true,
        });
    }
    TemplatePlan {
        name: t.name().to_string(),
        weekdays: t.days().to_vec(),
        earliest_start: clock(u32::from(t.earliest_start())),
        latest_start: clock(u32::from(t.latest_start())),
        step_minutes: t.start_step_minutes(),
        length_minutes: t.length_minutes(),
        breaks,
        // who may work the template is decided per agent below
        team: None,
    }
}

/// One agent of the programme: its contract's rules, the periods it cannot work (outside its
/// availability, approved leave), the templates the configuration allows it and its fixed shifts.
fn agent_plan(
    config: &CentreConfig,
    a: &Agent,
    horizon: &Horizon,
) -> Result<AgentPlan, RosterError> {
    let Some(c) = config.contract(a.contract()) else {
        return Err(RosterError::Input(format!(
            "agent {}: unknown contract {}",
            a.id(),
            a.contract()
        )));
    };
    let contract = contract_rules(c);
    let mut unavailable = outside_availability(a, horizon);
    unavailable.extend(leave(a, horizon.tz()));
    Ok(AgentPlan {
        id: a.id().to_string(),
        name: a.name().to_string(),
        team: a.team().map(str::to_string),
        skills: a.skills().to_vec(),
        hourly_rate: a.hourly_rate(),
        contract,
        allowed_templates: Some(
            config
                .templates_for(a)
                .iter()
                .map(|t| t.name().to_string())
                .collect(),
        ),
        weekly_availability: [Some((NaiveTime::MIN, NaiveTime::MIN)); 7],
        unavailable,
        fixed_shifts: a
            .fixed_shifts()
            .iter()
            .map(|f| FixedShiftPlan {
                date: f.date(),
                template: f.template().to_string(),
                start: clock(u32::from(f.start_minute())),
            })
            .collect(),
    })
}

/// The contract `c` as the programme's weekly rules. A weekend rule over several weeks is
/// [`multiweek`]'s.
fn contract_rules(c: &Contract) -> ContractRules {
    let max_weekend_days = match c.weekend_off() {
        Some(w) if w.in_weeks() <= 1 && w.whole_weekends() => 0,
        Some(w) if w.in_weeks() <= 1 => 2u32.saturating_sub(w.days()),
        _ => 2,
    };
    ContractRules {
        name: c.name().to_string(),
        min_weekly_minutes: (c.min_weekly_paid_hours() * 60.0).round() as u32,
        max_weekly_minutes: (c.max_weekly_paid_hours() * 60.0).round() as u32,
        max_days_per_week: 7u32.saturating_sub(c.days_off_per_week()),
        max_consecutive_days: c.max_consecutive_working_days().max(1),
        min_rest_minutes: (c.min_rest_hours() * 60.0).round() as u32,
        max_weekend_days,
    }
}

/// The complement of the agent's weekly hours on every day of the horizon (and the day after,
/// for shifts that run past midnight), as blocked periods; none without weekly hours.
fn outside_availability(a: &Agent, horizon: &Horizon) -> Vec<Unavailable> {
    let tz = horizon.tz();
    let mut unavailable = Vec::new();
    let Some(hours) = a.availability() else {
        return unavailable;
    };
    for d in 0..=horizon.days() {
        let date = horizon.date(d);
        let mut free_from = 0u32;
        let mut ranges: Vec<(u32, u32)> = hours
            .ranges(date.weekday())
            .iter()
            .map(|r| (u32::from(r.start_minute()), u32::from(r.end_minute())))
            .collect();
        ranges.sort_unstable();
        ranges.push((1440, 1440));
        for (s, e) in ranges {
            if s > free_from {
                if let (Some(from), Some(to)) =
                    (at_minute(tz, date, free_from), at_minute(tz, date, s))
                {
                    unavailable.push(Unavailable {
                        from,
                        to,
                        reason: "time outside the agent's availability".into(),
                    });
                }
            }
            free_from = free_from.max(e);
        }
    }
    unavailable
}

/// The agent's approved leave as blocked periods, whole local days.
fn leave(a: &Agent, tz: Tz) -> Vec<Unavailable> {
    let mut unavailable = Vec::new();
    for l in a.leave() {
        if let (Some(from), Some(to)) = (
            midnight(tz, l.from()),
            midnight(tz, l.to() + Duration::days(1)),
        ) {
            unavailable.push(Unavailable {
                from,
                to,
                reason: l.label().unwrap_or("approved leave").to_string(),
            });
        }
    }
    unavailable
}

/// The same week with every agent restricted to their primary skill (the first one listed in the
/// configuration: "skills: channel names, main skill first"), and to the templates that skill
/// allows (a template's `required_skills` must all be kept). This is the "specialists only"
/// side of the multi-skilling comparison (`rota schedule --specialists-only`, docs/ROSTER.md):
/// the same people, contracts and demand, each working one channel.
pub fn specialists_only(
    config: &CentreConfig,
    problem: &RosterProblem,
) -> Result<RosterProblem, RosterError> {
    let mut agents = problem.agents.clone();
    for agent in &mut agents {
        let Some(primary) = agent.skills.first().cloned() else {
            continue;
        };
        agent.skills = vec![primary.clone()];
        if let Some(list) = &mut agent.allowed_templates {
            list.retain(|name| {
                config
                    .shift_templates()
                    .iter()
                    .find(|t| t.name() == name)
                    .is_none_or(|t| t.required_skills().iter().all(|s| *s == primary))
            });
        }
    }
    RosterProblem::new(
        problem.horizon.clone(),
        problem.channels.clone(),
        problem.templates.clone(),
        agents,
        problem.weights,
    )?
    .with_hire_options(problem.hire_options.clone())
    .with_stints(problem.stints)
    .with_activities(problem.activities.clone())
}
