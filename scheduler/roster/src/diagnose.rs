//! Plain-words diagnosis: contracts no template combination can satisfy (an error before
//! solving), requirements nobody can cover (named intervals and channels), and the shortfall of a
//! solved roster with its likely cause.

use std::collections::BTreeSet;

use chrono::{Datelike, Duration, NaiveTime};

use super::options::OptionSet;
use super::problem::{hours, ChannelMode, RosterProblem};

/// True when agent `a`'s blocked periods (leave, unavailability) cover the whole local day `d`.
pub fn on_leave_all_day(problem: &RosterProblem, a: usize, d: usize) -> bool {
    let h = &problem.horizon;
    let Some(start) = h.local_instant(d, NaiveTime::MIN) else {
        return false;
    };
    let end = start + Duration::days(1);
    problem.agents[a]
        .unavailable
        .iter()
        .any(|u| u.from <= start && u.to >= end)
}

/// Contract rules that cannot hold whatever the demand: weekly hours no combination of the
/// agent's allowed shifts reaches, and fixed shifts outside the agent's availability, leave or
/// templates. Each entry names the agent, the contract and the numbers. A hire candidate
/// (`rota schedule --hire`) whose contract cannot be met is not an error: it is never hired.
pub fn check_contracts(problem: &RosterProblem, options: &OptionSet) -> Vec<String> {
    let mut out = super::multiweek::conflicts(problem);
    for (a, agent) in problem.agents.iter().enumerate() {
        if problem.hire_of(a).is_some() {
            continue;
        }
        let c = &agent.contract;
        for week in problem.weeks() {
            let (min, max) = super::model::contracts::week_bounds(problem, a, &week);
            // reachable[k] = paid-minute totals using exactly k working days
            let max_days = (c.max_days_per_week as usize).min(week.len());
            let mut reachable: Vec<BTreeSet<u32>> = vec![BTreeSet::new(); max_days + 1];
            reachable[0].insert(0);
            for d in week.clone() {
                let lengths: BTreeSet<u32> = options.per_agent[a]
                    .iter()
                    .filter(|&&o| options.options[o].day == d)
                    .map(|&o| options.options[o].paid_minutes)
                    .collect();
                for k in (0..max_days).rev() {
                    let add: Vec<u32> = reachable[k]
                        .iter()
                        .flat_map(|s| lengths.iter().map(move |l| s + l))
                        .filter(|s| f64::from(*s) <= max + 1e-9)
                        .collect();
                    reachable[k + 1].extend(add);
                }
            }
            let ok = reachable
                .iter()
                .flatten()
                .any(|&s| f64::from(s) + 1e-9 >= min && f64::from(s) <= max + 1e-9);
            if !ok {
                let mut tpl: Vec<String> = options.per_agent[a]
                    .iter()
                    .map(|&o| {
                        let t = &problem.templates[options.options[o].template];
                        format!("{} ({} h paid)", t.name, hours(t.paid_minutes()))
                    })
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect();
                if tpl.is_empty() {
                    tpl.push("none: no template fits the agent's availability".into());
                }
                out.push(format!(
                    "agent {} ({}, contract {}): needs {}-{} paid hours in the week from {} on at \
                     most {} days, but no combination of the shifts the agent may work reaches \
                     that; templates available: {}",
                    agent.id,
                    agent.name,
                    c.name,
                    fmt_h(min),
                    fmt_h(max),
                    problem.horizon.date(week.start),
                    max_days,
                    tpl.join(", ")
                ));
            }
        }
        for f in &agent.fixed_shifts {
            let found = options.per_agent[a].iter().any(|&o| {
                let opt = &options.options[o];
                problem.templates[opt.template].name == f.template
                    && opt.start.date_naive() == f.date
                    && opt.start.time() == f.start
            });
            let in_horizon = f.date >= problem.horizon.first_date()
                && f.date < problem.horizon.date(problem.horizon.days());
            if in_horizon && !found {
                out.push(format!(
                    "agent {} ({}): fixed shift {} at {} on {} is not a start time of that template \
                     on that weekday, or falls outside the agent's availability or leave",
                    agent.id, agent.name, f.template, f.start, f.date
                ));
            }
        }
    }
    out
}

fn fmt_h(minutes: f64) -> String {
    let h = minutes / 60.0;
    if (h - h.round()).abs() < 1e-9 {
        format!("{}", h.round())
    } else {
        format!("{h:.2}")
    }
}

/// A run of consecutive intervals of one channel on one day.
fn runs(flags: &[bool], problem: &RosterProblem) -> Vec<(usize, usize)> {
    let h = &problem.horizon;
    let mut out = Vec::new();
    let mut t = 0;
    while t < flags.len() {
        if !flags[t] {
            t += 1;
            continue;
        }
        let s = t;
        while t < flags.len() && flags[t] && h.day_of_interval(t) == h.day_of_interval(s) {
            t += 1;
        }
        out.push((s, t));
    }
    out
}

fn span_label(problem: &RosterProblem, s: usize, e: usize) -> String {
    let h = &problem.horizon;
    let a = h.instant(s);
    let b = h.instant(e);
    format!(
        "{} {}-{}",
        a.format("%a %d %b"),
        a.format("%H:%M"),
        b.format("%H:%M")
    )
}

/// Requirements nobody can cover: for each channel, the runs of intervals with a requirement
/// where no agent skilled for the channel has any allowed shift covering the interval.
pub fn uncoverable(problem: &RosterProblem, options: &OptionSet) -> Vec<String> {
    let n_t = problem.horizon.n_intervals();
    let mut out = Vec::new();
    for (c, ch) in problem.channels.iter().enumerate() {
        let skilled: Vec<usize> = (0..problem.agents.len())
            .filter(|&a| problem.skill_set(a).contains(&c))
            .collect();
        let total: f64 = ch.requirement.iter().sum();
        if skilled.is_empty() {
            if total > 0.0 {
                out.push(format!(
                    "{}: nobody is skilled for {} (no agent lists it among their skills), so none \
                     of its {:.1} required agent-hours can be covered",
                    ch.name,
                    ch.name,
                    total * f64::from(problem.horizon.interval_minutes()) / 60.0
                ));
            }
            continue;
        }
        if let ChannelMode::Deferred { .. } = ch.mode {
            continue; // deferred work can move; only "nobody skilled" is certain
        }
        let mut covered = vec![false; n_t];
        for &a in &skilled {
            for &o in &options.per_agent[a] {
                let opt = &options.options[o];
                for f in &mut covered[opt.first..opt.last] {
                    *f = true;
                }
            }
        }
        let flags: Vec<bool> = (0..n_t)
            .map(|t| ch.requirement[t] > 0.0 && !covered[t])
            .collect();
        for (s, e) in runs(&flags, problem) {
            let peak = ch.requirement[s..e].iter().cloned().fold(0.0, f64::max);
            let day = problem.horizon.instant(s).weekday();
            out.push(format!(
                "{} {}: required {}, nobody skilled for {} is available on {} at those times \
                 ({} skilled agents; their availability, leave or shift templates exclude it)",
                ch.name,
                span_label(problem, s, e),
                fmt_agents(peak),
                ch.name,
                weekday_name(day),
                skilled.len()
            ));
        }
    }
    out
}

/// Plain-words lines for the shortfall of a solved roster: one per channel and run of short
/// intervals, with the peak gap and its cause when known.
pub fn explain_shortfall(
    problem: &RosterProblem,
    options: &OptionSet,
    shortfall: &[Vec<f64>],
    scheduled: &dyn Fn(usize, usize) -> f64,
) -> Vec<String> {
    let n_t = problem.horizon.n_intervals();
    let mut out = Vec::new();
    for (c, ch) in problem.channels.iter().enumerate() {
        let flags: Vec<bool> = (0..n_t).map(|t| shortfall[c][t] > 1e-6).collect();
        let skilled: Vec<usize> = (0..problem.agents.len())
            .filter(|&a| problem.skill_set(a).contains(&c))
            .collect();
        for (s, e) in runs(&flags, problem) {
            let (tp, peak) = (s..e)
                .map(|t| (t, shortfall[c][t]))
                .max_by(|x, y| x.1.total_cmp(&y.1))
                .unwrap_or((s, 0.0));
            let available = skilled
                .iter()
                .filter(|&&a| {
                    options.per_agent[a].iter().any(|&o| {
                        let opt = &options.options[o];
                        tp >= opt.first && tp < opt.last
                    })
                })
                .count();
            let what = match ch.mode {
                ChannelMode::Live => format!(
                    "required {}, scheduled {} (short {})",
                    fmt_agents(ch.requirement[tp]),
                    fmt_agents(scheduled(c, tp)),
                    fmt_agents(peak)
                ),
                ChannelMode::Deferred { response_minutes } => format!(
                    "up to {:.1} agent-intervals of work past the {} h {}response target",
                    peak,
                    hours(response_minutes),
                    if ch.worked.is_some() {
                        "(working hours) "
                    } else {
                        ""
                    }
                ),
            };
            let why = if skilled.is_empty() {
                format!("nobody is skilled for {}", ch.name)
            } else if available == 0 {
                format!(
                    "none of the {} agents skilled for {} is available then",
                    skilled.len(),
                    ch.name
                )
            } else {
                format!(
                    "{available} of {} skilled agents have hours, leave and templates that fit, but \
                     their contracts (weekly hours, days, weekends, rest) or other channels leave \
                     none of them free then, or one more shift would cost more than the gap",
                    skilled.len()
                )
            };
            out.push(format!(
                "{} {}: {what}; {why}",
                ch.name,
                span_label(problem, s, e)
            ));
        }
    }
    out
}

fn fmt_agents(x: f64) -> String {
    if (x - x.round()).abs() < 1e-6 {
        format!("{}", x.round())
    } else {
        format!("{x:.2}")
    }
}

fn weekday_name(d: chrono::Weekday) -> &'static str {
    use chrono::Weekday::*;
    match d {
        Mon => "Monday",
        Tue => "Tuesday",
        Wed => "Wednesday",
        Thu => "Thursday",
        Fri => "Friday",
        Sat => "Saturday",
        Sun => "Sunday",
    }
}
