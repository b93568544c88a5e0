//! The `[shift_templates.<name>]` tables: when a shift may start, how long it is paid, where its
//! lunch and breaks go, and who may work it.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Weekday;
use serde::Serialize;

use super::clock;
use super::hours::{off_grid, weekday_list};
use super::raw::{RawBreak, RawShiftTemplate};
use super::validate::Ctx;
use super::{format_clock, parse_clock, weekday_key, Agent, WEEKDAYS};
use crate::channel::ChannelName;
use crate::grid::IntervalGrid;

/// A break or lunch rule of a shift template: `minutes` long, starting between
/// `earliest_start_after` and `latest_start_after` minutes after the shift starts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakRule {
    pub(super) minutes: u32,
    earliest_start_after: u32,
    latest_start_after: u32,
}

impl BreakRule {
    /// Length, minutes.
    pub fn minutes(&self) -> u32 {
        self.minutes
    }
    /// Earliest start, minutes after the shift start.
    pub fn earliest_start_after(&self) -> u32 {
        self.earliest_start_after
    }
    /// Latest start, minutes after the shift start.
    pub fn latest_start_after(&self) -> u32 {
        self.latest_start_after
    }

    /// Reads a lunch or break rule at key `f`: its length and window must be on the `step`-minute
    /// grid, and it cannot start when the shift starts.
    fn from_raw(ctx: &mut Ctx, f: String, b: &RawBreak, step: u32) -> Self {
        let [e, l] = b.start_window_minutes;
        if b.minutes == 0 || off_grid(b.minutes, step) {
            ctx.err(
                format!("{f}.minutes"),
                format!(
                    "{} is not valid; expected a positive multiple of the {step}-minute interval",
                    b.minutes
                ),
            );
        }
        if e > l {
            ctx.err(format!("{f}.start_window_minutes"), format!("window [{e}, {l}] is reversed; expected [earliest, latest] minutes after the shift start"));
        }
        if off_grid(e, step) || off_grid(l, step) {
            ctx.err(
                format!("{f}.start_window_minutes"),
                format!("window [{e}, {l}] is not on the {step}-minute interval grid"),
            );
        }
        if e == 0 {
            ctx.err(format!("{f}.start_window_minutes"), "a break cannot start when the shift starts; expected an earliest start after 0 minutes");
        }
        Self {
            minutes: b.minutes,
            earliest_start_after: e,
            latest_start_after: l,
        }
    }

    fn to_raw(&self) -> RawBreak {
        RawBreak {
            minutes: self.minutes,
            start_window_minutes: [self.earliest_start_after, self.latest_start_after],
        }
    }
}

/// An allowed shift: the days it may be used, its start window, paid length, unpaid lunch and paid
/// breaks (each with a window relative to the shift start), and who may work it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ShiftTemplate {
    pub(super) name: String,
    pub(super) label: Option<String>,
    pub(super) days: Vec<Weekday>,
    pub(super) earliest_start: u16,
    pub(super) latest_start: u16,
    pub(super) start_step_minutes: u32,
    paid_minutes: u32,
    pub(super) lunch: Option<BreakRule>,
    pub(super) breaks: Vec<BreakRule>,
    pub(super) teams: Vec<String>,
    pub(super) required_skills: Vec<ChannelName>,
}

impl ShiftTemplate {
    /// Template name (the key under `[shift_templates]`).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Human label (defaults to the name).
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
    /// Weekdays on which the template may be used.
    pub fn days(&self) -> &[Weekday] {
        &self.days
    }
    /// True when the template may be used on `day`.
    pub fn allowed_on(&self, day: Weekday) -> bool {
        self.days.contains(&day)
    }
    /// Earliest start, minutes after local midnight.
    pub fn earliest_start(&self) -> u16 {
        self.earliest_start
    }
    /// Latest start, minutes after local midnight.
    pub fn latest_start(&self) -> u16 {
        self.latest_start
    }
    /// Step between allowed starts, minutes (a multiple of the interval length).
    pub fn start_step_minutes(&self) -> u32 {
        self.start_step_minutes
    }
    /// All allowed start times, minutes after local midnight.
    ///
    /// ```
    /// let config = rota_data::config::CentreConfig::sample().unwrap();
    /// let ft = config.shift_template("full_time").unwrap();
    /// assert_eq!(ft.start_times().first(), Some(&(7 * 60 + 45)));
    /// ```
    pub fn start_times(&self) -> Vec<u16> {
        (u32::from(self.earliest_start)..=u32::from(self.latest_start))
            .step_by(self.start_step_minutes as usize)
            .map(|m| m as u16)
            .collect()
    }
    /// Paid minutes (paid breaks included, unpaid lunch excluded).
    pub fn paid_minutes(&self) -> u32 {
        self.paid_minutes
    }
    /// Paid hours.
    pub fn paid_hours(&self) -> f64 {
        f64::from(self.paid_minutes) / 60.0
    }
    /// Elapsed length from start to end, minutes (paid + unpaid lunch).
    pub fn length_minutes(&self) -> u32 {
        self.paid_minutes + self.lunch.as_ref().map_or(0, |l| l.minutes)
    }
    /// Minutes on contacts if every break is taken: length - lunch - paid breaks.
    pub fn working_minutes(&self) -> u32 {
        self.length_minutes()
            - self.lunch.as_ref().map_or(0, |l| l.minutes)
            - self.breaks.iter().map(|b| b.minutes).sum::<u32>()
    }
    /// The unpaid lunch, if any.
    pub fn lunch(&self) -> Option<&BreakRule> {
        self.lunch.as_ref()
    }
    /// The paid breaks.
    pub fn breaks(&self) -> &[BreakRule] {
        &self.breaks
    }
    /// Teams allowed to work this template (empty = every team).
    pub fn teams(&self) -> &[String] {
        &self.teams
    }
    /// Skills an agent needs (all of them) to work this template (empty = none).
    pub fn required_skills(&self) -> &[ChannelName] {
        &self.required_skills
    }
    /// True when `agent` may work this template (team and skills; the contract is checked by
    /// [`Contract::allows_template`](super::Contract::allows_template)).
    pub fn fits_agent(&self, agent: &Agent) -> bool {
        (self.teams.is_empty() || agent.team.as_ref().is_some_and(|t| self.teams.contains(t)))
            && self.required_skills.iter().all(|s| agent.has_skill(s))
    }

    fn from_raw(
        ctx: &mut Ctx,
        name: &str,
        raw: &RawShiftTemplate,
        grid: IntervalGrid,
        channels: &BTreeSet<ChannelName>,
    ) -> Option<Self> {
        let key = format!("shift_templates.{name}");
        let k = |f: &str| format!("{key}.{f}");
        let n0 = ctx.problems.len();
        let step = grid.length.minutes();
        if name.trim().is_empty() {
            ctx.err(&key, "template name must not be empty");
        }
        let days = weekday_list(ctx, &k("days"), raw.days.as_deref(), &WEEKDAYS[..5]);
        let earliest_start = start_clock(ctx, &k("earliest_start"), &raw.earliest_start, step);
        let latest_start = match &raw.latest_start {
            Some(s) => start_clock(ctx, &k("latest_start"), s, step),
            None => earliest_start,
        };
        if latest_start < earliest_start {
            ctx.err(
                k("latest_start"),
                format!(
                    "{} is before earliest_start {}",
                    format_clock(latest_start),
                    format_clock(earliest_start)
                ),
            );
        }
        let start_step_minutes = raw.start_step_minutes.unwrap_or(step);
        if start_step_minutes == 0 || off_grid(start_step_minutes, step) {
            ctx.err(k("start_step_minutes"), format!("{start_step_minutes} is not valid; expected a positive multiple of the {step}-minute interval"));
        }
        let paid = raw.paid_hours * 60.0;
        let paid_minutes = paid.round() as u32;
        if !(raw.paid_hours.is_finite() && raw.paid_hours > 0.0 && raw.paid_hours <= 16.0)
            || (paid - paid.round()).abs() > 1e-6
        {
            ctx.err(k("paid_hours"), format!("{} is not valid; expected hours in whole minutes, more than 0 and at most 16, e.g. 7.5", raw.paid_hours));
        }
        let lunch = raw
            .lunch
            .as_ref()
            .map(|b| BreakRule::from_raw(ctx, k("lunch"), b, step));
        let breaks: Vec<BreakRule> = raw
            .breaks
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, b)| BreakRule::from_raw(ctx, format!("{key}.breaks[{i}]"), b, step))
            .collect();
        let length = paid_minutes + lunch.as_ref().map_or(0, |l| l.minutes);
        if off_grid(length, step) {
            ctx.err(k("paid_hours"), format!("the shift is {length} minutes long (paid + lunch); expected a multiple of the {step}-minute interval"));
        }
        if u32::from(latest_start) + length > u32::from(clock::MINUTES_PER_DAY) {
            ctx.err(k("latest_start"), format!("a shift starting at {} would end after midnight ({} minutes long); overnight shifts are not supported", format_clock(latest_start), length));
        }
        check_breaks_fit(ctx, &key, lunch.as_ref(), &breaks, length);
        let teams = raw.teams.clone().unwrap_or_default();
        for (i, t) in teams.iter().enumerate() {
            ctx.non_empty(&format!("{key}.teams[{i}]"), t);
        }
        let required_skills: Vec<ChannelName> = raw
            .required_skills
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(i, s)| {
                ctx.channel_name(&format!("{key}.required_skills[{i}]"), s, channels)
            })
            .collect();
        (ctx.problems.len() == n0).then(|| Self {
            name: name.to_string(),
            label: raw.label.clone(),
            days,
            earliest_start,
            latest_start,
            start_step_minutes,
            paid_minutes,
            lunch,
            breaks,
            teams,
            required_skills,
        })
    }

    pub(super) fn to_raw(&self) -> RawShiftTemplate {
        RawShiftTemplate {
            label: self.label.clone(),
            days: Some(
                self.days
                    .iter()
                    .map(|d| weekday_key(*d).to_string())
                    .collect(),
            ),
            earliest_start: format_clock(self.earliest_start),
            latest_start: Some(format_clock(self.latest_start)),
            start_step_minutes: Some(self.start_step_minutes),
            paid_hours: self.paid_hours(),
            lunch: self.lunch.as_ref().map(BreakRule::to_raw),
            breaks: (!self.breaks.is_empty())
                .then(|| self.breaks.iter().map(BreakRule::to_raw).collect()),
            teams: (!self.teams.is_empty()).then(|| self.teams.clone()),
            required_skills: (!self.required_skills.is_empty()).then(|| {
                self.required_skills
                    .iter()
                    .map(ToString::to_string)
                    .collect()
            }),
        }
    }
}

/// A shift start time at `key`: a clock time before midnight on the `step`-minute grid. A bad
/// value is reported and read as 00:00 so that the rest of the template is still checked.
fn start_clock(ctx: &mut Ctx, key: &str, s: &str, step: u32) -> u16 {
    match parse_clock(s) {
        Ok(m) if m < clock::MINUTES_PER_DAY => {
            if off_grid(u32::from(m), step) {
                ctx.err(
                    key,
                    format!("{s} is not on the {step}-minute interval grid"),
                );
            }
            m
        }
        Ok(_) => {
            ctx.err(key, "a shift cannot start at 24:00");
            0
        }
        Err(e) => {
            ctx.err(key, e);
            0
        }
    }
}

/// Every break must end before the shift (`length` minutes) does, and all of them must fit
/// without overlapping: placed earliest-deadline-first, each as early as its window allows.
fn check_breaks_fit(
    ctx: &mut Ctx,
    key: &str,
    lunch: Option<&BreakRule>,
    breaks: &[BreakRule],
    length: u32,
) {
    let mut all: Vec<(String, &BreakRule)> = lunch
        .into_iter()
        .map(|l| (format!("{key}.lunch"), l))
        .collect();
    all.extend(
        breaks
            .iter()
            .enumerate()
            .map(|(i, b)| (format!("{key}.breaks[{i}]"), b)),
    );
    for (f, b) in &all {
        if b.latest_start_after + b.minutes > length {
            ctx.err(
                f.clone(),
                format!(
                    "a {}-minute break starting {} minutes in ends after the {length}-minute shift",
                    b.minutes, b.latest_start_after
                ),
            );
        }
    }
    let mut by_deadline: Vec<&BreakRule> = all.iter().map(|(_, b)| *b).collect();
    by_deadline.sort_by_key(|b| (b.latest_start_after, b.earliest_start_after));
    let mut end = 0;
    for b in by_deadline {
        let start = b.earliest_start_after.max(end);
        if start > b.latest_start_after {
            ctx.err(key, "the breaks and lunch cannot all be placed inside their windows without overlapping; widen the windows");
            break;
        }
        end = start + b.minutes;
    }
}

/// Reads the `[shift_templates.<name>]` tables, keeping the valid ones (sorted by name, as the
/// table keys are).
pub(super) fn shift_templates_from_raw(
    ctx: &mut Ctx,
    raw: &BTreeMap<String, RawShiftTemplate>,
    grid: IntervalGrid,
    channels: &BTreeSet<ChannelName>,
) -> Vec<ShiftTemplate> {
    raw.iter()
        .filter_map(|(name, t)| ShiftTemplate::from_raw(ctx, name, t, grid, channels))
        .collect()
}
