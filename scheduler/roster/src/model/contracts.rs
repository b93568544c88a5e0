//! Contract rules over each 7-day week `W` of the horizon (weeks start on the first planned day).
//!
//! Paid hours, with `p_o` the paid minutes of option `o`:
//!
//! ```text
//! Hmin[a,W] <= sum_{o in O_a, day(o) in W} p_o x[a,o] <= Hmax[a]
//! ```
//!
//! where `Hmin[a,W] = max(0, Hmin[a] |W|/7 - leave_days[a,W] Hmin[a]/Dmax[a])`: a partial week
//! asks a pro-rata minimum, and each whole day of leave is credited with an average working day.
//! For a hire candidate the minimum is `Hmin[a,W] h[a]`: it binds only when hired
//! ([`super::hire`]).
//!
//! **Annualised hours** ([`crate::multiweek::Averaging`]): each week lies within the flexible
//! band `Fmin[a,W] <= paid[a,W] <= Fmax[a]` (`Fmin` pro rata and with leave credit as `Hmin`),
//! and over each reference period `R` (blocks of `weeks` weeks from the first planned day; the
//! last block may be shorter):
//!
//! ```text
//! sum_{W in R} Hmin[a,W] <= sum_{W in R} paid[a,W] <= |R| Hmax[a]
//! ```
//!
//! A plan shorter than the reference period holds the average over the weeks it plans; a week
//! alone in its period (a one-week plan) keeps the contract's own weekly hours.
//!
//! Days worked and days off: `sum_{d in W} y[a,d] <= Dmax[a]` (e.g. 5: two days off).
//!
//! Maximum consecutive days `K[a]`: for every run of `K+1` consecutive days `d..d+K` in the horizon,
//! `sum y[a,d'] <= K[a]`.
//!
//! Weekend days off: for every Saturday `d` followed by its Sunday in the horizon,
//! `y[a,d] + y[a,d+1] <= M[a]` (`M = 1`: at least one weekend day off; `M = 0`: both off).

use chrono::{Datelike, Weekday};
use good_lp::{constraint, Expression};

use super::RosterModel;

/// The pro-rata minimum paid minutes of agent `a` over week `week` (day range).
pub fn weekly_minimum(
    problem: &crate::RosterProblem,
    a: usize,
    week: &std::ops::Range<usize>,
) -> f64 {
    let c = &problem.agents[a].contract;
    pro_rata_minimum(problem, a, week, c.min_weekly_minutes)
}

/// `minimum` paid minutes a week, pro rata for a short week and less an average working day per
/// whole day of leave.
fn pro_rata_minimum(
    problem: &crate::RosterProblem,
    a: usize,
    week: &std::ops::Range<usize>,
    minimum: u32,
) -> f64 {
    let c = &problem.agents[a].contract;
    let days = week.len() as f64;
    let leave_days = week
        .clone()
        .filter(|&d| crate::diagnose::on_leave_all_day(problem, a, d))
        .count() as f64;
    let per_day = f64::from(minimum) / f64::from(c.max_days_per_week.max(1));
    (f64::from(minimum) * days / 7.0 - leave_days * per_day).max(0.0)
}

/// The paid minutes one week of agent `a` may have: the contract's `(Hmin[a,W], Hmax[a])`, or
/// with annualised hours the flexible band `(Fmin[a,W], Fmax[a])`.
pub fn week_bounds(
    problem: &crate::RosterProblem,
    a: usize,
    week: &std::ops::Range<usize>,
) -> (f64, f64) {
    let c = &problem.agents[a].contract;
    // a week alone in its reference period (a one-week plan) keeps the contract's own hours
    let averaged = problem.contract_weeks(a).averaging.filter(|avg| {
        let weeks = problem.weeks();
        let i = weeks.iter().position(|w| w == week).unwrap_or(0);
        let n = avg.weeks.max(1) as usize;
        weeks.len().min((i / n + 1) * n) - (i / n) * n >= 2
    });
    match averaged {
        Some(avg) => (
            pro_rata_minimum(problem, a, week, avg.week_min_minutes),
            f64::from(avg.week_max_minutes),
        ),
        None => (
            weekly_minimum(problem, a, week),
            f64::from(c.max_weekly_minutes),
        ),
    }
}

/// With annualised hours, the reference periods of agent `a` as (weeks, fewest paid minutes,
/// most paid minutes) over each; empty without.
pub fn reference_periods(
    problem: &crate::RosterProblem,
    a: usize,
) -> Vec<(Vec<std::ops::Range<usize>>, f64, f64)> {
    let Some(avg) = problem.contract_weeks(a).averaging else {
        return Vec::new();
    };
    let c = &problem.agents[a].contract;
    problem
        .weeks()
        .chunks(avg.weeks.max(1) as usize)
        .filter(|block| block.len() >= 2)
        .map(|block| {
            let min = block.iter().map(|w| weekly_minimum(problem, a, w)).sum();
            // the maximum is not pro rata for a short week, as in the week-by-week rule
            let max = f64::from(c.max_weekly_minutes) * block.len() as f64;
            (block.to_vec(), min, max)
        })
        .collect()
}

/// Adds weekly hours, days worked, consecutive days and weekend rules for every agent.
pub fn add(m: &mut RosterModel<'_>) {
    let problem = m.problem;
    let n_days = problem.horizon.days();
    for a in 0..problem.agents.len() {
        let c = problem.agents[a].contract.clone();
        let ys: Vec<Expression> = (0..n_days).map(|d| m.works_on(a, d)).collect();
        for week in problem.weeks() {
            let paid: Expression = m.x[a]
                .iter()
                .filter(|(o, _)| week.contains(&m.options.options[*o].day))
                .map(|(o, col)| f64::from(m.options.options[*o].paid_minutes) * col.var)
                .sum();
            let (min, max) = week_bounds(problem, a, &week);
            m.add(constraint!(paid.clone() <= max));
            match m.hired[a] {
                Some(h) if min > 0.0 => m.add(constraint!(paid >= min * h.var)),
                None if min > 0.0 => m.add(constraint!(paid >= min)),
                _ => {}
            }
            let days: Expression = week.clone().map(|d| ys[d].clone()).sum();
            if (c.max_days_per_week as usize) < week.len() {
                m.add(constraint!(days <= c.max_days_per_week));
            }
        }
        for (block, min, max) in reference_periods(problem, a) {
            let paid: Expression = m.x[a]
                .iter()
                .filter(|(o, _)| {
                    let d = m.options.options[*o].day;
                    block.iter().any(|w| w.contains(&d))
                })
                .map(|(o, col)| f64::from(m.options.options[*o].paid_minutes) * col.var)
                .sum();
            m.add(constraint!(paid.clone() <= max));
            match m.hired[a] {
                Some(h) if min > 0.0 => m.add(constraint!(paid >= min * h.var)),
                None if min > 0.0 => m.add(constraint!(paid >= min)),
                _ => {}
            }
        }
        let k = c.max_consecutive_days as usize;
        if k < n_days {
            for d0 in 0..n_days - k {
                let run: Expression = (d0..=d0 + k).map(|d| ys[d].clone()).sum();
                m.add(constraint!(run <= k as f64));
            }
        }
        if c.max_weekend_days < 2 {
            for d in 0..n_days.saturating_sub(1) {
                if problem.horizon.date(d).weekday() == Weekday::Sat {
                    let both = ys[d].clone() + ys[d + 1].clone();
                    m.add(constraint!(both <= c.max_weekend_days));
                }
            }
        }
    }
}
