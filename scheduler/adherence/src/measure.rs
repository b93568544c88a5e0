//! Adherence, conformance and exceptions of every agent and day, measured against the roster.
//!
//! For each shift of the roster in the measured days, each planned activity is laid over the
//! agent's states (see [`crate::events`]):
//!
//! * **adherence** = time in the scheduled state / scheduled time. Work on channel X is adhered by
//!   `available` or `on_contact` on X; a break by `break`; lunch by `lunch`; a planned activity
//!   (training, meeting, ...) by `activity`, whatever name the export gives it, because phone
//!   systems' reason codes rarely match the planner's activity names.
//! * **conformance** = worked time / scheduled work time, where worked time is logged-in time not
//!   on a break or at lunch over the agent's whole day (so starting early or staying late counts,
//!   and conformance can pass 100%), and scheduled work time is the shifts' time less breaks and
//!   lunch.
//! * **exceptions**, each with its minutes: late log-in, early log-out, long break (a break or
//!   lunch running past its scheduled end), wrong channel, and absent (no log-in at all during a
//!   shift that has ended).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_data::grid::IntervalGrid;
use rota_simulation::{PlanActivity, PlanActivityKind, PlanShift, RosterPlan};

use crate::error::AdherenceError;
use crate::events::{AgentState, EventLog};
use crate::timeline::Timeline;

/// How the measurement is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Deviations of at most this long are not exceptions (they still count in adherence).
    ///
    /// Two minutes by default. Commercial WFM suites (NICE, Verint, Calabrio) apply such a grace
    /// because an agent walking to the desk, a log-in screen that takes a minute or a contact that
    /// runs a little over is not something a supervisor acts on; without it every shift shows a
    /// handful of one-minute "exceptions" and the real ones drown.
    pub grace: Duration,
    /// Measure only up to this instant (a day in progress): scheduled time after it is not yet
    /// measured, and a shift still running has no early log-out yet. `None`: whole days.
    pub until: Option<DateTime<FixedOffset>>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            grace: Duration::minutes(2),
            until: None,
        }
    }
}

/// A kind of exception, as a supervisor names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ExceptionKind {
    /// Logged in after the shift started.
    LateLogIn,
    /// Logged out before the shift ended.
    EarlyLogOut,
    /// A break or lunch ran past its scheduled end.
    LongBreak,
    /// Worked a channel other than the one rostered.
    WrongChannel,
    /// Never logged in during a shift that has ended.
    Absent,
}

impl ExceptionKind {
    /// Every kind, in report order.
    pub const ALL: [ExceptionKind; 5] = [
        ExceptionKind::LateLogIn,
        ExceptionKind::EarlyLogOut,
        ExceptionKind::LongBreak,
        ExceptionKind::WrongChannel,
        ExceptionKind::Absent,
    ];

    /// The name in files and JSON: `late_log_in`, `early_log_out`, `long_break`,
    /// `wrong_channel`, `absent`.
    pub fn name(self) -> &'static str {
        match self {
            ExceptionKind::LateLogIn => "late_log_in",
            ExceptionKind::EarlyLogOut => "early_log_out",
            ExceptionKind::LongBreak => "long_break",
            ExceptionKind::WrongChannel => "wrong_channel",
            ExceptionKind::Absent => "absent",
        }
    }

    /// The words a supervisor uses: `late log-in`, ...
    pub fn label(self) -> &'static str {
        match self {
            ExceptionKind::LateLogIn => "late log-in",
            ExceptionKind::EarlyLogOut => "early log-out",
            ExceptionKind::LongBreak => "long break",
            ExceptionKind::WrongChannel => "wrong channel",
            ExceptionKind::Absent => "absent",
        }
    }

    /// Position in [`ExceptionKind::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

/// One deviation from the roster worth a supervisor's attention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exception {
    /// Agent id.
    pub agent_id: String,
    /// The shift's date.
    pub date: NaiveDate,
    /// What happened.
    pub kind: ExceptionKind,
    /// When the deviation started.
    pub from: DateTime<FixedOffset>,
    /// When it ended.
    pub to: DateTime<FixedOffset>,
    /// What the roster said (`shift 09:00-17:00`, `break 11:15-11:30`, `work voice`).
    pub scheduled: String,
    /// What the agent did (`logged in 09:12`, `break until 11:40`, `available on chat`).
    pub actual: String,
}

impl Exception {
    /// Its length.
    pub fn duration(&self) -> Duration {
        self.to - self.from
    }
}

/// One agent's day against the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentDay {
    /// Agent id.
    pub agent_id: String,
    /// The agent's name.
    pub agent_name: String,
    /// The agent's team (`None`: none configured).
    pub team: Option<String>,
    /// The local date (a shift's date).
    pub date: NaiveDate,
    /// Scheduled time measured (the shifts, cut at [`Options::until`]).
    pub scheduled: Duration,
    /// Of it, time in the scheduled state.
    pub adhered: Duration,
    /// Scheduled time less breaks and lunch.
    pub scheduled_work: Duration,
    /// Logged-in time not on a break or at lunch, over the whole day.
    pub worked: Duration,
}

impl AgentDay {
    /// Adherence, 0 to 1 (`None` with nothing scheduled: a day off worked).
    pub fn adherence(&self) -> Option<f64> {
        ratio(self.adhered, self.scheduled)
    }

    /// Conformance (may pass 1; `None` with no scheduled work).
    pub fn conformance(&self) -> Option<f64> {
        ratio(self.worked, self.scheduled_work)
    }
}

pub(crate) fn ratio(part: Duration, whole: Duration) -> Option<f64> {
    (whole > Duration::zero()).then(|| part.num_seconds() as f64 / whole.num_seconds() as f64)
}

/// What [`measure`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct Adherence {
    /// First measured local date.
    pub first_date: NaiveDate,
    /// Last measured local date.
    pub last_date: NaiveDate,
    /// The options it was measured with.
    pub options: Options,
    /// Every agent's days: each rostered agent-day measured, and each day off on which the agent
    /// worked; by date, then in the configuration's agent order.
    pub days: Vec<AgentDay>,
    /// Every exception, by agent, date and start.
    pub exceptions: Vec<Exception>,
}

/// Measures every agent's adherence to `plan` from `log`.
///
/// The measured days are the local dates the events cover that the roster covers too, up to
/// [`Options::until`]. Errors when they have no day in common.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use rota_adherence::{measure, EventLog, Options};
/// let config = rota_data::config::CentreConfig::load("../../data/samples/centre.toml")?;
/// let plan = rota_simulation::RosterPlan::read_dir(
///     "../../tests/fixtures/simulate/sample_week/roster", &config)?;
/// // NH001 is rostered 09:00-17:00 on Monday 16 November; she logs in at 09:10.
/// let csv = "agent_id,timestamp,state,channel\n\
///            NH001,2026-11-16 09:10,available,voice\n\
///            NH001,2026-11-16 17:00,offline,\n";
/// let log = EventLog::read_from(csv.as_bytes(), "events.csv".as_ref(), &config)?;
/// let found = measure(&plan, &log, &config, &Options::default())?;
/// assert_eq!(found.exceptions[0].kind.label(), "late log-in");
/// assert_eq!(found.exceptions[0].duration().num_minutes(), 10);
/// # Ok(()) }
/// ```
pub fn measure(
    plan: &RosterPlan,
    log: &EventLog,
    config: &CentreConfig,
    options: &Options,
) -> Result<Adherence, AdherenceError> {
    let grid = config.grid();
    let (first_event, last_event) = log
        .span()
        .ok_or_else(|| AdherenceError::Period("the events file has no events".into()))?;
    let mut last_date = grid.local_date(&last_event).min(plan.last_date());
    if let Some(until) = options.until {
        if until <= first_event {
            return Err(AdherenceError::Period(format!(
                "the measurement ends ({until}) before the first event ({first_event})"
            )));
        }
        if let Some(late) = log.events().iter().find(|e| e.at > until) {
            let line = match late.line {
                0 => String::new(),
                n => format!("line {n}: "),
            };
            return Err(AdherenceError::Period(format!(
                "{line}agent {} has an event at {}, after the measurement's end {until}; \
                 expected events up to then",
                late.agent_id, late.at
            )));
        }
        last_date = last_date.min(grid.local_date(&until));
    }
    let first_date = grid.local_date(&first_event).max(plan.first_date());
    if last_date < first_date {
        return Err(AdherenceError::Period(format!(
            "the events ({} to {}) and the roster ({} to {}) have no day in common",
            grid.local_date(&first_event),
            grid.local_date(&last_event),
            plan.first_date(),
            plan.last_date()
        )));
    }
    let _span = tracing::info_span!(
        "adherence",
        events = log.events().len(),
        %first_date,
        %last_date
    )
    .entered();
    let shifts = by_agent(plan.shifts(), |s| &s.agent_id);
    let activities = by_agent(plan.activities(), |a| &a.agent_id);
    let mut days = Vec::new();
    let mut exceptions = Vec::new();
    for agent in config.agents() {
        let id = agent.id();
        let timeline = Timeline::new(log.of_agent(id));
        let shifts: Vec<&PlanShift> = shifts
            .get(id)
            .into_iter()
            .flatten()
            .filter(|s| s.date >= first_date && s.date <= last_date)
            .filter(|s| options.until.is_none_or(|u| s.start < u))
            .copied()
            .collect();
        let activities = activities.get(id).map(Vec::as_slice).unwrap_or(&[]);
        let measurer = Shifts {
            timeline,
            options,
            grid: &grid,
        };
        for (date, window) in day_windows(&grid, &shifts, first_date, last_date, options.until) {
            let mut day = AgentDay {
                agent_id: id.to_string(),
                agent_name: agent.name().to_string(),
                team: agent.team().map(str::to_string),
                date,
                scheduled: Duration::zero(),
                adhered: Duration::zero(),
                scheduled_work: Duration::zero(),
                worked: timeline
                    .runs(window.0, window.1)
                    .iter()
                    .filter(|r| r.state.is_working())
                    .map(|r| r.to - r.from)
                    .sum(),
            };
            let todays: Vec<&PlanShift> =
                shifts.iter().copied().filter(|s| s.date == date).collect();
            for shift in &todays {
                measurer.shift(shift, activities, &mut day, &mut exceptions);
            }
            if !todays.is_empty() || day.worked > Duration::zero() {
                days.push(day);
            }
        }
    }
    days.sort_by_key(|d| d.date);
    tracing::info!(
        agent_days = days.len(),
        exceptions = exceptions.len(),
        "adherence measured"
    );
    Ok(Adherence {
        first_date,
        last_date,
        options: *options,
        days,
        exceptions,
    })
}

fn by_agent<T>(items: &[T], id: impl Fn(&T) -> &String) -> BTreeMap<&str, Vec<&T>> {
    let mut out: BTreeMap<&str, Vec<&T>> = BTreeMap::new();
    for item in items {
        out.entry(id(item).as_str()).or_default().push(item);
    }
    out
}

/// Local midnight at the start of `date` (the first instant of the date where midnight is
/// skipped).
fn midnight(grid: &IntervalGrid, date: NaiveDate) -> DateTime<FixedOffset> {
    let naive = date.and_time(NaiveTime::MIN);
    let t = grid.tz.from_local_datetime(&naive).earliest().or_else(|| {
        grid.tz
            .from_local_datetime(&(naive + Duration::hours(1)))
            .earliest()
    });
    match t {
        Some(t) => t.fixed_offset(),
        None => naive.and_utc().fixed_offset(),
    }
}

/// A stretch of time: [start, end).
type Window = (DateTime<FixedOffset>, DateTime<FixedOffset>);

/// Each measured date with the window its worked time is counted in: the local day, stretched to
/// hold the date's shifts (a late shift running past midnight belongs to its date) and never
/// overlapping the previous date's window; cut at `until`.
fn day_windows(
    grid: &IntervalGrid,
    shifts: &[&PlanShift],
    first: NaiveDate,
    last: NaiveDate,
    until: Option<DateTime<FixedOffset>>,
) -> Vec<(NaiveDate, Window)> {
    let mut out = Vec::new();
    let mut previous_end: Option<DateTime<FixedOffset>> = None;
    for date in first.iter_days().take_while(|d| *d <= last) {
        let todays = shifts.iter().filter(|s| s.date == date);
        let mut start = midnight(grid, date);
        let mut end = midnight(grid, date + Duration::days(1));
        for s in todays {
            start = start.min(s.start);
            end = end.max(s.end);
        }
        if let Some(p) = previous_end {
            start = start.max(p);
        }
        previous_end = Some(end);
        if let Some(u) = until {
            end = end.min(u);
        }
        out.push((date, (start, end.max(start))));
    }
    out
}

/// Time on a channel other than the rostered one: (from, to, rostered, worked).
type Stretch<'a> = (
    DateTime<FixedOffset>,
    DateTime<FixedOffset>,
    &'a ChannelName,
    &'a ChannelName,
);

/// Measures one agent's shifts.
struct Shifts<'a> {
    timeline: Timeline<'a>,
    options: &'a Options,
    grid: &'a IntervalGrid,
}

impl Shifts<'_> {
    fn hm(&self, t: DateTime<FixedOffset>) -> String {
        self.grid.to_local(&t).format("%H:%M").to_string()
    }

    /// The end of what can be measured of a period ending at `end`.
    fn cut(&self, end: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
        self.options.until.map_or(end, |u| end.min(u))
    }

    fn over_grace(&self, from: DateTime<FixedOffset>, to: DateTime<FixedOffset>) -> bool {
        to - from > self.options.grace
    }

    fn shift(
        &self,
        shift: &PlanShift,
        activities: &[&PlanActivity],
        day: &mut AgentDay,
        exceptions: &mut Vec<Exception>,
    ) {
        let end = self.cut(shift.end);
        let planned: Vec<&PlanActivity> = activities
            .iter()
            .copied()
            .filter(|a| a.start >= shift.start && a.end <= shift.end && a.start < end)
            .collect();
        let mut found = Vec::new();
        let mut wrong: Vec<Stretch> = Vec::new();
        for a in &planned {
            let a_end = a.end.min(end);
            let length = a_end - a.start;
            day.scheduled += length;
            if !matches!(a.kind, PlanActivityKind::Break | PlanActivityKind::Lunch) {
                day.scheduled_work += length;
            }
            for run in self.timeline.runs(a.start, a_end) {
                if adheres(&a.kind, run.state) {
                    day.adhered += run.to - run.from;
                }
                if let (PlanActivityKind::Work(rostered), Some(worked)) =
                    (&a.kind, run.state.channel())
                {
                    if rostered != worked {
                        wrong.push((run.from, run.to, rostered, worked));
                    }
                }
            }
        }
        let shift_name = format!("shift {}-{}", self.hm(shift.start), self.hm(shift.end));
        let mut exception = |kind, from, to, scheduled: String, actual: String| {
            found.push(Exception {
                agent_id: day.agent_id.clone(),
                date: day.date,
                kind,
                from,
                to,
                scheduled,
                actual,
            })
        };
        // Log-in and log-out.
        let log_in = self
            .timeline
            .runs(shift.start, end)
            .into_iter()
            .find(|r| r.state.is_logged_in())
            .map(|r| r.from);
        match log_in {
            None if end == shift.end => exception(
                ExceptionKind::Absent,
                shift.start,
                shift.end,
                shift_name.clone(),
                "no log-in".into(),
            ),
            None => {
                if self.over_grace(shift.start, end) {
                    exception(
                        ExceptionKind::LateLogIn,
                        shift.start,
                        end,
                        shift_name.clone(),
                        format!("not logged in by {}", self.hm(end)),
                    )
                }
            }
            Some(t) => {
                if self.over_grace(shift.start, t) {
                    exception(
                        ExceptionKind::LateLogIn,
                        shift.start,
                        t,
                        shift_name.clone(),
                        format!("logged in {}", self.hm(t)),
                    );
                }
                let runs = self.timeline.runs(t, shift.end);
                if end == shift.end {
                    if let Some(last) = runs.last().filter(|r| !r.state.is_logged_in()) {
                        if self.over_grace(last.from, shift.end) {
                            exception(
                                ExceptionKind::EarlyLogOut,
                                last.from,
                                shift.end,
                                shift_name.clone(),
                                format!("logged out {}", self.hm(last.from)),
                            );
                        }
                    }
                }
            }
        }
        // Breaks and lunches running over: a block of consecutive break/lunch periods ends where
        // the roster has the agent back at work.
        for (from, to, what) in away_blocks(&planned) {
            if to > end {
                continue;
            }
            let state = self.timeline.state_at(to);
            if !state.is_away() {
                continue;
            }
            let back = self
                .timeline
                .runs(to, end)
                .into_iter()
                .find(|r| !r.state.is_away())
                .map_or(end, |r| r.from);
            if self.over_grace(to, back) {
                exception(
                    ExceptionKind::LongBreak,
                    to,
                    back,
                    format!("{what} {}-{}", self.hm(from), self.hm(to)),
                    format!("{state} until {}", self.hm(back)),
                );
            }
        }
        // Wrong channel: consecutive runs with the same rostered and worked channel.
        let mut merged: Vec<Stretch> = Vec::new();
        for (from, to, rostered, worked) in wrong {
            match merged.last_mut() {
                Some(m) if m.1 == from && m.2 == rostered && m.3 == worked => m.1 = to,
                _ => merged.push((from, to, rostered, worked)),
            }
        }
        for (from, to, rostered, worked) in merged {
            if self.over_grace(from, to) {
                exception(
                    ExceptionKind::WrongChannel,
                    from,
                    to,
                    format!("work {rostered}"),
                    format!("worked {worked}"),
                );
            }
        }
        found.sort_by_key(|e| e.from);
        exceptions.extend(found);
    }
}

/// Runs of consecutive break and lunch periods: (start, end, `break` / `lunch` / `break and
/// lunch`).
fn away_blocks(
    planned: &[&PlanActivity],
) -> Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>, &'static str)> {
    let mut blocks: Vec<(DateTime<FixedOffset>, DateTime<FixedOffset>, &'static str)> = Vec::new();
    for a in planned {
        let what = match a.kind {
            PlanActivityKind::Break => "break",
            PlanActivityKind::Lunch => "lunch",
            _ => continue,
        };
        match blocks.last_mut() {
            Some(b) if b.1 == a.start => {
                b.1 = a.end;
                if b.2 != what {
                    b.2 = "break and lunch";
                }
            }
            _ => blocks.push((a.start, a.end, what)),
        }
    }
    blocks
}

/// Whether being in `state` keeps to a planned `kind`.
fn adheres(kind: &PlanActivityKind, state: &AgentState) -> bool {
    match (kind, state) {
        (PlanActivityKind::Work(rostered), s) => s.channel() == Some(rostered),
        (PlanActivityKind::Break, AgentState::Break)
        | (PlanActivityKind::Lunch, AgentState::Lunch)
        | (PlanActivityKind::Other(_), AgentState::Activity(_)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
