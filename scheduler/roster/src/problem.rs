//! The planning input of the roster programme: the week, channels with their requirements, shift
//! templates, contracts and named agents.
//!
//! These types are the solver's own view of a centre. They are built from a
//! [`rota_data::config::CentreConfig`] by [`super::adapter`] or directly (tests, benches), and are
//! validated on construction by [`RosterProblem::new`]: once you hold a `RosterProblem`, every
//! template fits the interval grid, every agent's skills name a known channel and every
//! requirement series has one value per interval.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Tz;
use rota_data::channel::ChannelName;
use serde::Serialize;

use super::error::RosterError;

/// The planning horizon: whole local days from `first_date`, cut into equal intervals of absolute
/// time. Intervals are counted from local midnight of `first_date`; because UK clock changes move
/// by whole hours, a 15/30/60-minute grid stays aligned across them (a DST week has 668 or 676
/// intervals of 15 minutes instead of 672).
#[derive(Debug, Clone)]
pub struct Horizon {
    tz: Tz,
    first_date: NaiveDate,
    days: u32,
    interval_minutes: u32,
    start: DateTime<Tz>,
    n_intervals: usize,
}

impl Horizon {
    /// The longest horizon planned in one solve: six weeks (issue #15: 1-6 weeks).
    pub const MAX_DAYS: u32 = 42;

    /// `days` local days from `first_date` in `tz`, in intervals of `interval_minutes` (15, 30 or 60).
    pub fn new(
        tz: Tz,
        first_date: NaiveDate,
        days: u32,
        interval_minutes: u32,
    ) -> Result<Self, RosterError> {
        if !matches!(interval_minutes, 15 | 30 | 60) {
            return Err(RosterError::Input(format!(
                "interval length {interval_minutes} min; expected 15, 30 or 60"
            )));
        }
        if days == 0 || days > Self::MAX_DAYS {
            return Err(RosterError::Input(format!(
                "horizon of {days} days; expected 1 to {} (six weeks)",
                Self::MAX_DAYS
            )));
        }
        let start = local_midnight(tz, first_date)?;
        let last = first_date + Duration::days(i64::from(days));
        let end = local_midnight(tz, last)?;
        let minutes = (end - start).num_minutes();
        let n_intervals = (minutes / i64::from(interval_minutes)) as usize;
        Ok(Self {
            tz,
            first_date,
            days,
            interval_minutes,
            start,
            n_intervals,
        })
    }

    /// The centre's time zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }
    /// First local date.
    pub fn first_date(&self) -> NaiveDate {
        self.first_date
    }
    /// Number of days.
    pub fn days(&self) -> usize {
        self.days as usize
    }
    /// Interval length in minutes.
    pub fn interval_minutes(&self) -> u32 {
        self.interval_minutes
    }
    /// Number of intervals in the horizon.
    pub fn n_intervals(&self) -> usize {
        self.n_intervals
    }
    /// The local date of day `d` (0-based).
    pub fn date(&self, d: usize) -> NaiveDate {
        self.first_date + Duration::days(d as i64)
    }
    /// Start instant of interval `t`.
    pub fn instant(&self, t: usize) -> DateTime<Tz> {
        self.start + Duration::minutes(t as i64 * i64::from(self.interval_minutes))
    }
    /// Minutes from the horizon start to `at`.
    pub fn minutes_from_start<Z: TimeZone>(&self, at: &DateTime<Z>) -> i64 {
        (at.with_timezone(&self.tz) - self.start).num_minutes()
    }
    /// The interval whose start is exactly `at`, if it lies in the horizon on the grid.
    pub fn interval_of<Z: TimeZone>(&self, at: &DateTime<Z>) -> Option<usize> {
        let m = self.minutes_from_start(at);
        let len = i64::from(self.interval_minutes);
        if m < 0 || m % len != 0 {
            return None;
        }
        let t = (m / len) as usize;
        (t < self.n_intervals).then_some(t)
    }
    /// Day index (0-based) of the local date of interval `t`.
    pub fn day_of_interval(&self, t: usize) -> usize {
        (self.instant(t).date_naive() - self.first_date).num_days() as usize
    }
    /// The instant of local wall time `time` on day `d`; `None` in the spring-forward gap, the
    /// first occurrence in the repeated autumn hour.
    pub fn local_instant(&self, d: usize, time: NaiveTime) -> Option<DateTime<Tz>> {
        self.tz
            .from_local_datetime(&self.date(d).and_time(time))
            .earliest()
    }

    /// The period of interval `t` under `period`: its index among the horizon's periods (the
    /// interval itself, its day, or its 7-day week from the first day).
    pub fn period_key(&self, period: rota_data::config::TargetPeriod, t: usize) -> usize {
        use rota_data::config::TargetPeriod as P;
        match period {
            P::Interval => t,
            P::Day => self.day_of_interval(t),
            P::Week => self.day_of_interval(t) / 7,
        }
    }

    /// The period of interval `t` for a manager: `Mon 16 Nov 08:00`, `Mon 16 Nov` or `week of 16
    /// Nov`.
    pub fn period_label(&self, period: rota_data::config::TargetPeriod, t: usize) -> String {
        use rota_data::config::TargetPeriod as P;
        let at = self.instant(t);
        match period {
            P::Interval => at.format("%a %d %b %H:%M").to_string(),
            P::Day => at.format("%a %d %b").to_string(),
            P::Week => {
                let d = self.date((self.day_of_interval(t) / 7) * 7);
                format!("week of {}", d.format("%d %b"))
            }
        }
    }
}

fn local_midnight(tz: Tz, date: NaiveDate) -> Result<DateTime<Tz>, RosterError> {
    tz.from_local_datetime(&date.and_time(NaiveTime::MIN))
        .earliest()
        .ok_or_else(|| {
            RosterError::Input(format!("local midnight of {date} does not exist in {tz}"))
        })
}

/// How a channel's requirement is met.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum ChannelMode {
    /// A live queue (phone, reception, chat): the requirement must be met interval by interval.
    Live,
    /// Deferred work (email, social): workload may be handled any time between its arrival and its
    /// response deadline, `response_minutes` later (a backlog flow).
    Deferred {
        /// Response target in minutes: of elapsed time, or of the channel's worked hours when
        /// [`ChannelPlan::worked`] is given.
        response_minutes: u32,
    },
}

/// A channel to cover, with its requirement per interval.
#[derive(Debug, Clone)]
pub struct ChannelPlan {
    /// Machine name, e.g. `voice`.
    pub name: ChannelName,
    /// Live or deferred.
    pub mode: ChannelMode,
    /// Penalty per agent-hour of shortfall (live) or of overdue backlog (deferred), in cost units.
    pub shortfall_weight: f64,
    /// Live: required agents per interval. Deferred: workload per interval in agent-intervals
    /// (offered x AHT / interval length), i.e. the agents needed if it were handled at once.
    pub requirement: Vec<f64>,
    /// Deferred channels whose response target counts worked hours only ("24 working hours"):
    /// per interval, whether the backlog is worked then (the channel's hours). The response clock
    /// runs only in these intervals, so email arriving on Saturday is due 24 worked hours after
    /// Monday's opening, not on Sunday. `None`: the target runs in elapsed time.
    pub worked: Option<Vec<bool>>,
}

impl ChannelPlan {
    /// Deferred channels: `deadline[s]`, the first interval at which work arriving in interval
    /// `s` is overdue (`s + D` in elapsed time; with [`ChannelPlan::worked`], the interval after
    /// `D` worked intervals have passed since `s`). `n_intervals` or more: not due within the
    /// horizon. Non-decreasing in `s`. Live channels: `deadline[s] = s`.
    pub fn deadlines(&self, interval_minutes: u32) -> Vec<usize> {
        let n = self.requirement.len();
        let ChannelMode::Deferred { response_minutes } = self.mode else {
            return (0..n).collect();
        };
        let d = (response_minutes / interval_minutes.max(1)).max(1) as usize;
        match &self.worked {
            None => (0..n).map(|s| s + d).collect(),
            Some(worked) => {
                // open[t] = worked intervals in 0..t; deadline(s) = min t > s with
                // open[t+1] - open[s+1] >= d
                let mut open = vec![0usize; n + 1];
                for t in 0..n {
                    open[t + 1] = open[t] + usize::from(worked.get(t).copied().unwrap_or(false));
                }
                let mut t = 0usize;
                (0..n)
                    .map(|s| {
                        t = t.max(s + 1);
                        while t < n && open[t + 1] - open[s + 1] < d {
                            t += 1;
                        }
                        if t < n {
                            t
                        } else {
                            n + d
                        }
                    })
                    .collect()
            }
        }
    }

    /// Deferred channels: per interval `t`, the workload that has arrived by `t` and is not yet
    /// due (`sum r[s]` over `s <= t` with `deadline[s] > t`): the backlog that may still wait.
    pub fn not_yet_due(&self, interval_minutes: u32) -> Vec<f64> {
        let deadline = self.deadlines(interval_minutes);
        let n = self.requirement.len();
        let mut out = Vec::with_capacity(n);
        let (mut window, mut first) = (0.0, 0usize);
        for t in 0..n {
            window += self.requirement[t];
            // deadlines are non-decreasing: the due arrivals are a prefix
            while first <= t && deadline[first] <= t {
                window -= self.requirement[first];
                first += 1;
            }
            out.push(if first > t { 0.0 } else { window.max(0.0) });
        }
        out
    }

    /// [`ChannelPlan::not_yet_due`] for a week that repeats: the horizon is the steady state of
    /// its own pattern, so work that arrived late in the *previous* (identical) week and is not
    /// yet due on Monday morning may also be waiting. Computed on the horizon laid twice end to
    /// end, second copy kept.
    ///
    /// Why: without it a roster may leave every message that arrives after Wednesday for "next
    /// week" (due beyond the horizon, so never counted), and schedule a fraction of the email
    /// workload with no overdue work reported, while the centre's backlog grows week on week.
    pub fn not_yet_due_steady(&self, interval_minutes: u32) -> Vec<f64> {
        let n = self.requirement.len();
        let twice = ChannelPlan {
            name: self.name.clone(),
            mode: self.mode,
            shortfall_weight: self.shortfall_weight,
            requirement: self.requirement.repeat(2),
            worked: self.worked.as_ref().map(|w| w.repeat(2)),
        };
        twice.not_yet_due(interval_minutes).split_off(n)
    }
}

/// A break placed inside a shift: `minutes` long, starting between `earliest_offset` and
/// `latest_offset` minutes after the shift start.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakPlan {
    /// Length in minutes.
    pub minutes: u32,
    /// Earliest start, minutes after the shift start.
    pub earliest_offset: u32,
    /// Latest start, minutes after the shift start.
    pub latest_offset: u32,
    /// Paid breaks count towards paid hours; an unpaid lunch does not.
    pub paid: bool,
}

/// An allowed shift: start window and step, length on site, breaks and lunch with their windows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TemplatePlan {
    /// Template name, e.g. `early`.
    pub name: String,
    /// Weekdays on which the template may be worked.
    pub weekdays: Vec<Weekday>,
    /// Earliest start (local wall time).
    pub earliest_start: NaiveTime,
    /// Latest start (local wall time).
    pub latest_start: NaiveTime,
    /// Step between start times, minutes (a multiple of the interval length).
    pub step_minutes: u32,
    /// Time on site from start to end, minutes, including breaks and unpaid lunch.
    pub length_minutes: u32,
    /// Breaks and lunch.
    pub breaks: Vec<BreakPlan>,
    /// Team the template is reserved for (`None`: every team).
    pub team: Option<String>,
}

impl TemplatePlan {
    /// Paid minutes: the time on site less unpaid breaks.
    pub fn paid_minutes(&self) -> u32 {
        self.length_minutes
            - self
                .breaks
                .iter()
                .filter(|b| !b.paid)
                .map(|b| b.minutes)
                .sum::<u32>()
    }

    /// The local start times of the template (earliest, earliest + step, ..., <= latest).
    pub fn start_times(&self) -> Vec<NaiveTime> {
        let mut out = Vec::new();
        let mut t = self.earliest_start;
        loop {
            out.push(t);
            let (next, wrapped) =
                t.overflowing_add_signed(Duration::minutes(i64::from(self.step_minutes)));
            if wrapped != 0 || next > self.latest_start || self.step_minutes == 0 {
                break;
            }
            t = next;
        }
        out
    }

    fn validate(&self, interval: u32) -> Result<(), String> {
        let n = &self.name;
        if self.length_minutes == 0 || self.length_minutes % interval != 0 {
            return Err(format!(
                "shift template {n}: length {} min is not a positive multiple of the {interval}-min interval",
                self.length_minutes
            ));
        }
        if self.length_minutes > 16 * 60 {
            return Err(format!("shift template {n}: length over 16 hours"));
        }
        if self.step_minutes == 0 || self.step_minutes % interval != 0 {
            return Err(format!(
                "shift template {n}: start step {} min is not a positive multiple of the {interval}-min interval",
                self.step_minutes
            ));
        }
        if self.latest_start < self.earliest_start {
            return Err(format!(
                "shift template {n}: latest start {} is before earliest start {}",
                self.latest_start, self.earliest_start
            ));
        }
        use chrono::Timelike;
        if (self.earliest_start.hour() * 60 + self.earliest_start.minute()) % interval != 0
            || self.earliest_start.second() != 0
        {
            return Err(format!(
                "shift template {n}: earliest start {} is not on the {interval}-min grid",
                self.earliest_start
            ));
        }
        if self.weekdays.is_empty() {
            return Err(format!("shift template {n}: no weekday allowed"));
        }
        let mut unpaid = 0;
        for b in &self.breaks {
            if b.minutes == 0 || b.latest_offset < b.earliest_offset {
                return Err(format!(
                    "shift template {n}: a break of {} min with window {}..{} min after start is empty",
                    b.minutes, b.earliest_offset, b.latest_offset
                ));
            }
            if b.latest_offset + b.minutes > self.length_minutes {
                return Err(format!(
                    "shift template {n}: a {}-min break starting up to {} min after start ends after the shift",
                    b.minutes, b.latest_offset
                ));
            }
            if !b.paid {
                unpaid += b.minutes;
            }
        }
        if unpaid >= self.length_minutes {
            return Err(format!(
                "shift template {n}: unpaid breaks fill the whole shift"
            ));
        }
        Ok(())
    }
}

/// The rules of an employment contract that the roster must respect over each 7-day week.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContractRules {
    /// Contract name, e.g. `full_time`.
    pub name: String,
    /// Minimum paid minutes per week.
    pub min_weekly_minutes: u32,
    /// Maximum paid minutes per week.
    pub max_weekly_minutes: u32,
    /// Maximum working days per week (7 minus the days off).
    pub max_days_per_week: u32,
    /// Maximum consecutive working days.
    pub max_consecutive_days: u32,
    /// Minimum rest between the end of one shift and the start of the next, minutes (11 h = 660).
    pub min_rest_minutes: u32,
    /// Most weekend days (Saturday, Sunday) worked per weekend: 1 = at least one weekend day off,
    /// 0 = both off, 2 = no weekend rule.
    pub max_weekend_days: u32,
}

/// A planned non-working period of one agent (leave, training elsewhere, unavailability).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Unavailable {
    /// First instant not available.
    pub from: DateTime<Tz>,
    /// First instant available again.
    pub to: DateTime<Tz>,
    /// Why, for diagnoses (`leave`, `unavailable`).
    pub reason: String,
}

/// A shift that must stay as it is (agreed with the agent).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixedShiftPlan {
    /// Local date.
    pub date: NaiveDate,
    /// Template name.
    pub template: String,
    /// Local start time.
    pub start: NaiveTime,
}

/// A named agent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AgentPlan {
    /// Stable id, e.g. `A017`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Team, for team-specific templates.
    pub team: Option<String>,
    /// Channels the agent may work.
    pub skills: Vec<ChannelName>,
    /// Cost per paid hour.
    pub hourly_rate: f64,
    /// Contract rules.
    pub contract: ContractRules,
    /// Templates the agent may work (`None`: all templates of the agent's team).
    pub allowed_templates: Option<Vec<String>>,
    /// Per weekday (Monday first), the local window in which shifts must lie; `None`: not available
    /// that weekday.
    pub weekly_availability: [Option<(NaiveTime, NaiveTime)>; 7],
    /// Approved leave and other blocked periods.
    pub unavailable: Vec<Unavailable>,
    /// Shifts that must be worked as given.
    pub fixed_shifts: Vec<FixedShiftPlan>,
}

impl AgentPlan {
    /// May the agent work template `t`?
    pub fn may_work(&self, t: &TemplatePlan) -> bool {
        let team_ok = match (&t.team, &self.team) {
            (None, _) => true,
            (Some(tt), Some(at)) => tt == at,
            (Some(_), None) => false,
        };
        let listed = self
            .allowed_templates
            .as_ref()
            .is_none_or(|list| list.iter().any(|n| n == &t.name));
        team_ok && listed
    }

    /// Is the agent free for the whole local shift `[start, end)` (weekly window, leave)?
    pub fn is_available(&self, start: &DateTime<Tz>, end: &DateTime<Tz>) -> bool {
        let wd = start.weekday().num_days_from_monday() as usize;
        let Some((from, to)) = self.weekly_availability[wd] else {
            return false;
        };
        let day = start.date_naive();
        let tz = start.timezone();
        let (Some(w0), Some(w1)) = (
            tz.from_local_datetime(&day.and_time(from)).earliest(),
            window_end(tz, day, to),
        ) else {
            return false;
        };
        if *start < w0 || *end > w1 {
            return false;
        }
        !self
            .unavailable
            .iter()
            .any(|u| u.from < *end && *start < u.to)
    }
}

/// End of an availability window: `to` on `day`, or midnight after `day` when `to` is 00:00 or
/// earlier than the start (a window running to the end of the day).
pub(crate) fn window_end(tz: Tz, day: NaiveDate, to: NaiveTime) -> Option<DateTime<Tz>> {
    if to == NaiveTime::MIN {
        tz.from_local_datetime(&(day + Duration::days(1)).and_time(NaiveTime::MIN))
            .earliest()
    } else {
        tz.from_local_datetime(&day.and_time(to)).earliest()
    }
}

/// Weights of the objective, in the same cost units as the hourly rates (pounds).
///
/// Documented defaults (docs/ROSTER.md): a missing agent-hour on a live channel costs
/// [`Weights::DEFAULT_SHORTFALL`] times the channel's priority factor; that is far above any
/// hourly rate, so the solver only leaves a gap when covering it needs a whole extra shift that is
/// worth less than the gap, or when nobody can cover it. Over-coverage costs a token amount per
/// agent-hour so that, among equally cheap rosters, the one closest to the requirement wins.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Weights {
    /// Penalty per agent-hour of live shortfall before the channel factor.
    pub shortfall_per_agent_hour: f64,
    /// Penalty per agent-hour of over-coverage (idle capacity).
    pub over_per_agent_hour: f64,
    /// Penalty per hour of difference between an agent's start times on consecutive working days
    /// (`model::shift_change`).
    pub shift_change_per_hour: f64,
}

impl Weights {
    /// Default live shortfall penalty: 200 per agent-hour (about 13 hours of an agent at 15/h).
    pub const DEFAULT_SHORTFALL: f64 = 200.0;
    /// Default over-coverage penalty: 0.5 per agent-hour.
    pub const DEFAULT_OVER: f64 = 0.5;
    /// Default shift-change penalty: off. At 0.5 per hour of start-time difference the LP-guided
    /// MIP keeps more options and slows down several times over (docs/ROSTER.md), so the
    /// penalty is opt-in (`rota schedule --shift-change-weight 0.5`).
    pub const DEFAULT_SHIFT_CHANGE: f64 = 0.0;
}

impl Default for Weights {
    fn default() -> Self {
        Self {
            shortfall_per_agent_hour: Self::DEFAULT_SHORTFALL,
            over_per_agent_hour: Self::DEFAULT_OVER,
            shift_change_per_hour: Self::DEFAULT_SHIFT_CHANGE,
        }
    }
}

/// A validated roster problem.
#[derive(Debug, Clone)]
pub struct RosterProblem {
    /// The week.
    pub horizon: Horizon,
    /// Channels with requirements.
    pub channels: Vec<ChannelPlan>,
    /// Shift templates.
    pub templates: Vec<TemplatePlan>,
    /// Named agents.
    pub agents: Vec<AgentPlan>,
    /// Objective weights.
    pub weights: Weights,
    /// The live channels' targets and service curves, for the targets objective
    /// ([`crate::targets`], [`RosterProblem::with_targets`]); `None`: coverage only.
    pub targets: Option<crate::targets::ProgrammeTargets>,
    /// People the centre could recruit ([`crate::hire`]); inert until
    /// [`RosterProblem::with_hires`] adds them as candidates.
    pub hire_options: Vec<crate::hire::HireOption>,
    /// The optional agents among [`RosterProblem::agents`] (empty: nobody is optional).
    pub hire_candidates: Vec<crate::hire::HireCandidate>,
    /// Channel stint rules every shift keeps ([`crate::stints`]).
    pub stints: crate::StintRules,
    /// Planned non-contact activities ([`crate::activities`]).
    pub activities: Vec<crate::activities::ActivityPlan>,
    /// The published roster a re-plan keeps as far as it can ([`crate::replan`]); `None`: a
    /// roster from scratch.
    pub baseline: Option<crate::replan::Baseline>,
    /// Rules over several weeks, the previous roster and fairness ([`crate::multiweek`]).
    pub multiweek: crate::multiweek::MultiWeek,
}

impl RosterProblem {
    /// Validates and assembles a problem.
    ///
    /// Rejects: templates off the interval grid, requirement series of the wrong length or with
    /// negative/non-finite values, duplicate agent ids or channel names, skills naming unknown
    /// channels, negative rates, contracts whose minimum exceeds the maximum, fixed shifts naming
    /// unknown templates.
    pub fn new(
        horizon: Horizon,
        channels: Vec<ChannelPlan>,
        templates: Vec<TemplatePlan>,
        agents: Vec<AgentPlan>,
        weights: Weights,
    ) -> Result<Self, RosterError> {
        let interval = horizon.interval_minutes();
        let mut errors = Vec::new();
        let mut names = BTreeSet::new();
        for c in &channels {
            if !names.insert(c.name.clone()) {
                errors.push(format!("channel {} listed twice", c.name));
            }
            if c.requirement.len() != horizon.n_intervals() {
                errors.push(format!(
                    "channel {}: {} requirement values for {} intervals",
                    c.name,
                    c.requirement.len(),
                    horizon.n_intervals()
                ));
            }
            if let Some(v) = c.requirement.iter().find(|v| !v.is_finite() || **v < 0.0) {
                errors.push(format!(
                    "channel {}: requirement {v} is not a non-negative number",
                    c.name
                ));
            }
            if !(c.shortfall_weight.is_finite() && c.shortfall_weight >= 0.0) {
                errors.push(format!("channel {}: shortfall weight must be >= 0", c.name));
            }
            if let Some(w) = &c.worked {
                if w.len() != horizon.n_intervals() {
                    errors.push(format!(
                        "channel {}: {} worked-hours flags for {} intervals",
                        c.name,
                        w.len(),
                        horizon.n_intervals()
                    ));
                }
            }
        }
        let mut tnames = BTreeSet::new();
        for t in &templates {
            if !tnames.insert(t.name.clone()) {
                errors.push(format!("shift template {} listed twice", t.name));
            }
            if let Err(e) = t.validate(interval) {
                errors.push(e);
            }
        }
        let mut ids = BTreeSet::new();
        for a in &agents {
            if !ids.insert(a.id.clone()) {
                errors.push(format!("agent id {} listed twice", a.id));
            }
            for s in &a.skills {
                if !names.contains(s) {
                    errors.push(format!(
                        "agent {}: skill {s} is not a configured channel",
                        a.id
                    ));
                }
            }
            if !(a.hourly_rate.is_finite() && a.hourly_rate >= 0.0) {
                errors.push(format!(
                    "agent {}: hourly rate {} must be >= 0",
                    a.id, a.hourly_rate
                ));
            }
            let c = &a.contract;
            if c.min_weekly_minutes > c.max_weekly_minutes {
                errors.push(format!(
                    "agent {} (contract {}): minimum {} h a week exceeds maximum {} h",
                    a.id,
                    c.name,
                    hours(c.min_weekly_minutes),
                    hours(c.max_weekly_minutes)
                ));
            }
            if c.max_days_per_week > 7 || c.max_consecutive_days == 0 {
                errors.push(format!(
                    "agent {} (contract {}): days per week must be 0..7 and consecutive days >= 1",
                    a.id, c.name
                ));
            }
            for f in &a.fixed_shifts {
                if !templates.iter().any(|t| t.name == f.template) {
                    errors.push(format!(
                        "agent {}: fixed shift on {} names unknown template {}",
                        a.id, f.date, f.template
                    ));
                }
            }
            if let Some(list) = &a.allowed_templates {
                for n in list {
                    if !templates.iter().any(|t| &t.name == n) {
                        errors.push(format!(
                            "agent {}: allowed template {n} does not exist",
                            a.id
                        ));
                    }
                }
            }
        }
        if !errors.is_empty() {
            return Err(RosterError::Input(errors.join("; ")));
        }
        Ok(Self {
            horizon,
            channels,
            templates,
            agents,
            weights,
            targets: None,
            hire_options: Vec::new(),
            hire_candidates: Vec::new(),
            stints: crate::StintRules::default(),
            activities: Vec::new(),
            baseline: None,
            multiweek: crate::multiweek::MultiWeek::default(),
        })
    }

    /// The problem as a re-plan of a published roster: days before `baseline.open_from` pinned,
    /// changes on the others priced ([`crate::replan`]). The shifts are matched to the options
    /// when the roster is built ([`crate::replan::validate`]).
    pub fn with_baseline(mut self, baseline: crate::replan::Baseline) -> Self {
        self.baseline = Some(baseline);
        self
    }

    /// The problem with planned activities. Rejects a window of the wrong length and a session
    /// longer than every shift an agent who takes part may work.
    pub fn with_activities(
        mut self,
        activities: Vec<crate::activities::ActivityPlan>,
    ) -> Result<Self, RosterError> {
        let n_t = self.horizon.n_intervals();
        let interval = self.horizon.interval_minutes() as usize;
        let mut errors = Vec::new();
        for act in &activities {
            if act.window.len() != n_t {
                errors.push(format!(
                    "activity {}: {} window values for {n_t} intervals",
                    act.name,
                    act.window.len()
                ));
            }
            let longest = self
                .agents
                .iter()
                .filter(|a| act.applies(a))
                .flat_map(|a| self.templates.iter().filter(move |t| a.may_work(t)))
                .map(|t| {
                    // the longest stretch of the shift between its breaks' earliest placements
                    // is not known before placement; the shift less its breaks bounds it
                    (t.length_minutes as usize)
                        .saturating_sub(t.breaks.iter().map(|b| b.minutes as usize).sum::<usize>())
                })
                .max();
            let session = if act.split {
                (crate::activities::SPLIT_MINUTES as usize).min(act.len * interval)
            } else {
                act.len * interval
            };
            match longest {
                Some(l) if session > l => errors.push(format!(
                    "activity {}: a session lasts {} minutes, but the longest shift its agents may                      work has {l} minutes outside its breaks; shorten it or allow it to be split",
                    act.name, session
                )),
                _ => {}
            }
        }
        if !errors.is_empty() {
            return Err(RosterError::Input(errors.join("; ")));
        }
        self.activities = activities;
        Ok(self)
    }

    /// The problem with rules over several weeks and fairness ([`crate::multiweek`]); a previous
    /// roster already attached is kept.
    pub fn with_multiweek(mut self, multiweek: crate::multiweek::MultiWeek) -> Self {
        let history = self.multiweek.history.take();
        self.multiweek = crate::multiweek::MultiWeek {
            history: multiweek.history.or(history),
            ..multiweek
        };
        self
    }

    /// The problem with the centre's channel stint rules (default: [`crate::StintRules::default`]).
    pub fn with_stints(mut self, stints: crate::StintRules) -> Self {
        self.stints = stints;
        self
    }

    /// The problem with the live channels' targets attached (built by
    /// [`crate::adapter::service_targets`] or by hand), for [`crate::Objective::Targets`].
    ///
    /// Rejects targets naming a channel that is not live, an interval outside the horizon, a
    /// non-positive patience or a negative penalty.
    pub fn with_targets(
        mut self,
        targets: crate::targets::ProgrammeTargets,
    ) -> Result<Self, RosterError> {
        let n_t = self.horizon.n_intervals();
        if !(targets.penalty_per_contact.is_finite() && targets.penalty_per_contact >= 0.0) {
            return Err(RosterError::Input(
                "the penalty per contact of a missed target must be >= 0".into(),
            ));
        }
        for ct in &targets.channels {
            let Some(ch) = self.channels.get(ct.channel) else {
                return Err(RosterError::Input(format!(
                    "targets for channel index {}, which the problem does not have",
                    ct.channel
                )));
            };
            if ch.mode != ChannelMode::Live {
                return Err(RosterError::Input(format!(
                    "{}: deferred channels are planned as a backlog, not against queue targets",
                    ch.name
                )));
            }
            let patience_ok = ct.patience_s.is_finite() && ct.patience_s > 0.0;
            let weight_ok = ct.weight.is_finite() && ct.weight >= 0.0;
            if !(patience_ok && weight_ok) {
                return Err(RosterError::Input(format!(
                    "{}: targets need a positive patience and a non-negative weight",
                    ch.name
                )));
            }
            if ct.intervals.windows(2).any(|w| w[0].t >= w[1].t)
                || ct.intervals.last().is_some_and(|ic| ic.t >= n_t)
            {
                return Err(RosterError::Input(format!(
                    "{}: target intervals must be ascending and inside the horizon",
                    ch.name
                )));
            }
        }
        self.targets = Some(targets);
        Ok(self)
    }

    /// Index of channel `name`.
    pub fn channel_index(&self, name: &ChannelName) -> Option<usize> {
        self.channels.iter().position(|c| &c.name == name)
    }

    /// Skill set of agent `a` as sorted channel indices.
    pub fn skill_set(&self, a: usize) -> Vec<usize> {
        let mut s: Vec<usize> = self.agents[a]
            .skills
            .iter()
            .filter_map(|n| self.channel_index(n))
            .collect();
        s.sort_unstable();
        s.dedup();
        s
    }

    /// The weeks of the horizon as interval ranges (each week's days as in [`Self::weeks`]; days
    /// of a clock change have 92 or 100 quarter-hours, so this counts rather than multiplies).
    pub fn week_intervals(&self) -> Vec<std::ops::Range<usize>> {
        let n_t = self.horizon.n_intervals();
        let mut out: Vec<std::ops::Range<usize>> = Vec::new();
        for t in 0..n_t {
            let w = self.horizon.day_of_interval(t) / 7;
            match out.get_mut(w) {
                Some(r) => r.end = t + 1,
                None => out.push(t..t + 1),
            }
        }
        out
    }

    /// The weeks of the horizon as day-index ranges: `[0,7)`, `[7,14)`, ... (the last may be short).
    pub fn weeks(&self) -> Vec<std::ops::Range<usize>> {
        let n = self.horizon.days();
        (0..n.div_ceil(7))
            .map(|w| w * 7..((w + 1) * 7).min(n))
            .collect()
    }
}

/// Minutes as hours for messages, e.g. `37.5`.
pub(crate) fn hours(minutes: u32) -> String {
    let h = f64::from(minutes) / 60.0;
    if (h - h.round()).abs() < 1e-9 {
        format!("{}", h.round())
    } else {
        format!("{h:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deferred(req: Vec<f64>, worked: Option<Vec<bool>>, minutes: u32) -> ChannelPlan {
        ChannelPlan {
            name: ChannelName::parse("email").unwrap(),
            mode: ChannelMode::Deferred {
                response_minutes: minutes,
            },
            shortfall_weight: 1.0,
            requirement: req,
            worked,
        }
    }

    #[test]
    fn elapsed_deadlines_run_on_the_clock() {
        // 60-minute intervals, 2-hour target
        let ch = deferred(vec![1.0, 2.0, 0.0, 4.0, 0.0], None, 120);
        assert_eq!(ch.deadlines(60), vec![2, 3, 4, 5, 6]);
        // not yet due at t: arrivals in (t-2, t]
        assert_eq!(ch.not_yet_due(60), vec![1.0, 3.0, 2.0, 4.0, 4.0]);
    }

    #[test]
    fn working_hour_deadlines_stop_while_the_channel_is_not_worked() {
        // worked in intervals 0, 1, 4, 5 only (a closed night in 2..4); 2 worked hours
        let worked = vec![true, true, false, false, true, true];
        let ch = deferred(vec![1.0, 1.0, 1.0, 1.0, 1.0, 1.0], Some(worked), 120);
        // arrival 0: worked 1, 4 -> due at 4; arrival 1: 4, 5 -> 5; arrivals 2, 3: 4, 5 -> 5;
        // arrival 4: 5 and then the horizon ends -> never due here
        let d = ch.deadlines(60);
        assert_eq!(&d[..4], &[4, 5, 5, 5]);
        assert!(d[4] >= 6 && d[5] >= 6);
        // at t = 4 arrival 0 is due; at t = 5 arrivals 0..=3 are due
        assert_eq!(ch.not_yet_due(60), vec![1.0, 2.0, 3.0, 4.0, 4.0, 2.0]);
    }

    #[test]
    fn steady_state_windows_include_last_weeks_late_arrivals() {
        // 60-minute intervals, 2-hour target: at t = 0 the arrival of the previous copy's last
        // interval (4.0 at t = 4) is still within its target
        let ch = deferred(vec![1.0, 2.0, 0.0, 0.0, 4.0], None, 120);
        assert_eq!(ch.not_yet_due(60), vec![1.0, 3.0, 2.0, 0.0, 4.0]);
        assert_eq!(ch.not_yet_due_steady(60), vec![5.0, 3.0, 2.0, 0.0, 4.0]);
    }
}
