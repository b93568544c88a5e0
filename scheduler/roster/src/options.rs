//! Shift options: every (day, template, start time) a template allows in the horizon, with the
//! intervals it covers and the windows of its breaks, and for every agent the options the agent
//! may work (template allowed for the agent, agent available for the whole shift, no leave).
//!
//! The set of options an agent may work is the domain of the binary assignment variables
//! `x[a,o]`: availability and leave are enforced by never creating `x[a,o]` for an option that
//! overlaps them (`x[a,o] = 0` implicitly). So is the rest after the previous roster's last
//! shift when the plan rolls on from one (`start(o) >= end(last) + R[a]`,
//! [`RosterProblem::earliest_start`]).

use chrono::{DateTime, Datelike, Duration};
use chrono_tz::Tz;

use super::problem::RosterProblem;

/// One concrete shift that could be worked.
#[derive(Debug, Clone)]
pub struct ShiftOption {
    /// Day index (0-based) of the shift start.
    pub day: usize,
    /// Template index.
    pub template: usize,
    /// Start instant.
    pub start: DateTime<Tz>,
    /// End instant (start + template length).
    pub end: DateTime<Tz>,
    /// Paid minutes.
    pub paid_minutes: u32,
    /// First covered interval.
    pub first: usize,
    /// One past the last covered interval (may equal `n_intervals` when the shift runs past the
    /// horizon end; intervals beyond it are not counted).
    pub last: usize,
    /// Per break: (length in intervals, earliest start interval, latest start interval).
    pub breaks: Vec<BreakWindow>,
}

/// Where one break of a shift option may go, in horizon intervals.
#[derive(Debug, Clone, Copy)]
pub struct BreakWindow {
    /// Index of the break in the template's list.
    pub index: usize,
    /// Length in intervals (rounded up when the break is shorter than an interval).
    pub len: usize,
    /// Earliest start interval.
    pub earliest: usize,
    /// Latest start interval.
    pub latest: usize,
}

/// All shift options of the horizon, and per agent the indices of the options the agent may work.
#[derive(Debug, Clone)]
pub struct OptionSet {
    /// Every option.
    pub options: Vec<ShiftOption>,
    /// `per_agent[a]`: indices into `options` that agent `a` may work.
    pub per_agent: Vec<Vec<usize>>,
}

/// Enumerates the shift options of `problem` and the options each agent may work.
#[tracing::instrument(skip_all)]
pub fn build_options(problem: &RosterProblem) -> OptionSet {
    let h = &problem.horizon;
    let len = i64::from(h.interval_minutes());
    let mut options = Vec::new();
    for d in 0..h.days() {
        let wd = h.date(d).weekday();
        for (k, tpl) in problem.templates.iter().enumerate() {
            if !tpl.weekdays.contains(&wd) {
                continue;
            }
            for time in tpl.start_times() {
                let Some(start) = h.local_instant(d, time) else {
                    continue; // wall time skipped by the clocks going forward
                };
                let end = start + Duration::minutes(i64::from(tpl.length_minutes));
                let m0 = h.minutes_from_start(&start);
                if m0 < 0 || m0 % len != 0 {
                    continue;
                }
                let first = (m0 / len) as usize;
                if first >= h.n_intervals() {
                    continue;
                }
                let last =
                    (first + (tpl.length_minutes as i64 / len) as usize).min(h.n_intervals());
                let breaks = tpl
                    .breaks
                    .iter()
                    .enumerate()
                    .map(|(i, b)| {
                        let blen = (i64::from(b.minutes) + len - 1) / len;
                        let e = first
                            + (i64::from(b.earliest_offset) + len - 1).div_euclid(len) as usize;
                        // the break must end by the shift end and start by latest_offset
                        let l_off = (i64::from(b.latest_offset) / len) as usize;
                        let shift_len = (tpl.length_minutes as i64 / len) as usize;
                        let l = first + l_off.min(shift_len.saturating_sub(blen as usize));
                        BreakWindow {
                            index: i,
                            len: blen as usize,
                            earliest: e.min(l),
                            latest: l,
                        }
                    })
                    .collect();
                options.push(ShiftOption {
                    day: d,
                    template: k,
                    start,
                    end,
                    paid_minutes: tpl.paid_minutes(),
                    first,
                    last,
                    breaks,
                });
            }
        }
    }
    let per_agent = problem
        .agents
        .iter()
        .enumerate()
        .map(|(i, a)| {
            // rest after the previous roster's last shift (crate::multiweek)
            let earliest = problem.earliest_start(i);
            options
                .iter()
                .enumerate()
                .filter(|(_, o)| {
                    a.may_work(&problem.templates[o.template])
                        && a.is_available(&o.start, &o.end)
                        && earliest.is_none_or(|e| o.start >= e)
                })
                .map(|(i, _)| i)
                .collect()
        })
        .collect();
    OptionSet { options, per_agent }
}
