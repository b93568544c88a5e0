//! The `[[activities]]` entries: planned non-contact work (team meetings, 1:1s, training,
//! reception's facilities duty) that the roster places in the agents' shifts.
//!
//! Without them this time hides inside shrinkage: every interval's requirement is grossed up by
//! the same share, whether the phones are busy or quiet. Planned, each activity goes where it
//! costs the service least (docs/ROSTER.md, "Planned activities"), the roster shows it by name in
//! `activities.csv`, and the simulation takes the agent off the queues for exactly that time.
//! An activity that names the shrinkage component it replaces (`shrinkage = "training"`) removes
//! that component from every channel's shrinkage, so the same time is not taken off twice.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::hours::{weekly_hours, weekly_to_raw};
use super::raw::RawActivity;
use super::validate::{join, Ctx};
use super::{Agent, Shrinkage, WeeklyHours};
use crate::channel::ChannelName;
use crate::grid::IntervalGrid;

/// The longest activity session, minutes: a whole working day.
pub const MAX_ACTIVITY_MINUTES: u32 = 600;

/// Most sessions of one activity per agent and week.
pub const MAX_ACTIVITY_PER_WEEK: u32 = 20;

/// How an activity is attended and placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityStyle {
    /// Each agent on their own, at a time of their own (training, a 1:1).
    Individual,
    /// Each team together, at one time (a team meeting): everyone of the team on shift then
    /// attends.
    Together,
    /// Done when the agent's queues are quiet, between a weekly minimum and maximum of hours
    /// (reception's facilities tasks).
    FillQuietTime,
}

impl ActivityStyle {
    fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "individual" => Some(Self::Individual),
            "together" => Some(Self::Together),
            "fill_quiet_time" => Some(Self::FillQuietTime),
            _ => None,
        }
    }

    fn key(self) -> &'static str {
        match self {
            Self::Individual => "individual",
            Self::Together => "together",
            Self::FillQuietTime => "fill_quiet_time",
        }
    }
}

/// One `[[activities]]` entry, valid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedActivity {
    pub(super) name: String,
    pub(super) label: Option<String>,
    pub(super) kind: ActivityStyle,
    pub(super) teams: Vec<String>,
    pub(super) agents: Vec<String>,
    pub(super) skills: Vec<ChannelName>,
    pub(super) minutes: u32,
    pub(super) per_week: u32,
    pub(super) min_hours: f64,
    pub(super) max_hours: f64,
    pub(super) window: Option<WeeklyHours>,
    pub(super) mandatory: bool,
    pub(super) split: bool,
    pub(super) shrinkage: Option<String>,
}

impl PlannedActivity {
    /// Name, as it appears in `activities.csv` (e.g. `team_meeting`).
    pub fn name(&self) -> &str {
        &self.name
    }
    /// What people call it (defaults to the name).
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
    /// How it is attended.
    pub fn kind(&self) -> ActivityStyle {
        self.kind
    }
    /// True when `agent` takes part: named, in a named team or with a named skill (everyone
    /// when none of the three is given).
    pub fn applies_to(&self, agent: &Agent) -> bool {
        self.applies_to_parts(agent.id(), agent.team(), agent.skills())
    }
    /// [`Self::applies_to`] for a person given by id, team and skills (a hire candidate).
    pub fn applies_to_parts(&self, id: &str, team: Option<&str>, skills: &[ChannelName]) -> bool {
        if self.teams.is_empty() && self.agents.is_empty() && self.skills.is_empty() {
            return true;
        }
        self.agents.iter().any(|a| a == id)
            || team.is_some_and(|t| self.teams.iter().any(|x| x == t))
            || skills.iter().any(|s| self.skills.contains(s))
    }
    /// Teams it applies to.
    pub fn teams(&self) -> &[String] {
        &self.teams
    }
    /// Agents it applies to by id.
    pub fn agent_ids(&self) -> &[String] {
        &self.agents
    }
    /// Skills whose agents take part.
    pub fn skills(&self) -> &[ChannelName] {
        &self.skills
    }
    /// Length of one session (of one block for quiet-time work), minutes.
    pub fn minutes(&self) -> u32 {
        self.minutes
    }
    /// Sessions per agent and week (individual and together kinds).
    pub fn per_week(&self) -> u32 {
        self.per_week
    }
    /// Weekly hours per agent that must be placed: sessions x length, or the minimum of a
    /// quiet-time activity.
    pub fn min_hours(&self) -> f64 {
        match self.kind {
            ActivityStyle::FillQuietTime => self.min_hours,
            _ => f64::from(self.per_week * self.minutes) / 60.0,
        }
    }
    /// Most weekly hours per agent (equal to [`Self::min_hours`] except for quiet-time work).
    pub fn max_hours(&self) -> f64 {
        match self.kind {
            ActivityStyle::FillQuietTime => self.max_hours,
            _ => self.min_hours(),
        }
    }
    /// When it may take place (`None`: whenever the agent is on shift).
    pub fn window(&self) -> Option<&WeeklyHours> {
        self.window.as_ref()
    }
    /// True when it must be placed (a roster that cannot place it says so).
    pub fn mandatory(&self) -> bool {
        self.mandatory
    }
    /// True when a session may be split into parts (each at least half an hour, or the whole
    /// session when it is shorter).
    pub fn split(&self) -> bool {
        self.split
    }
    /// The shrinkage component this activity replaces, if any.
    pub fn replaces_shrinkage(&self) -> Option<&str> {
        self.shrinkage.as_deref()
    }

    pub(super) fn to_raw(&self) -> RawActivity {
        let quiet = self.kind == ActivityStyle::FillQuietTime;
        RawActivity {
            name: self.name.clone(),
            label: self.label.clone(),
            kind: self.kind.key().to_string(),
            teams: (!self.teams.is_empty()).then(|| self.teams.clone()),
            agents: (!self.agents.is_empty()).then(|| self.agents.clone()),
            skills: (!self.skills.is_empty())
                .then(|| self.skills.iter().map(ToString::to_string).collect()),
            minutes: Some(self.minutes),
            per_week: (!quiet).then_some(self.per_week),
            min_hours: quiet.then_some(self.min_hours),
            max_hours: quiet.then_some(self.max_hours),
            window: self.window.as_ref().map(weekly_to_raw),
            mandatory: Some(self.mandatory),
            split: Some(self.split),
            shrinkage: self.shrinkage.clone(),
        }
    }
}

/// What the `[[activities]]` entries are checked against.
pub(super) struct ActivityRefs<'a> {
    pub(super) grid: IntervalGrid,
    pub(super) channels: &'a BTreeSet<ChannelName>,
    pub(super) agents: &'a [Agent],
    pub(super) shrinkage_components: BTreeSet<String>,
}

/// Reads the `[[activities]]` entries in file order, keeping the valid ones; names are unique.
pub(super) fn activities_from_raw(
    ctx: &mut Ctx,
    raw: &[RawActivity],
    refs: &ActivityRefs,
) -> Vec<PlannedActivity> {
    let mut names = BTreeMap::new();
    let mut out = Vec::new();
    for (i, a) in raw.iter().enumerate() {
        if let Some(first) = names.insert(a.name.clone(), i) {
            ctx.err(
                format!("activities[{i}].name"),
                format!(
                    "activity {:?} is already defined by activities[{first}]",
                    a.name
                ),
            );
        }
        if let Some(v) = activity_from_raw(ctx, i, a, refs) {
            out.push(v);
        }
    }
    out
}

fn activity_from_raw(
    ctx: &mut Ctx,
    i: usize,
    raw: &RawActivity,
    refs: &ActivityRefs,
) -> Option<PlannedActivity> {
    let n0 = ctx.problems.len();
    let k = |f: &str| format!("activities[{i}].{f}");
    let valid_name = !raw.name.is_empty()
        && raw
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !valid_name {
        ctx.err(
            k("name"),
            format!(
                "{:?} is not a valid activity name; expected lowercase letters, digits, '_' or \
                 '-' (it is written in activities.csv), e.g. \"team_meeting\"",
                raw.name
            ),
        );
    }
    if ["work", "break", "lunch"].contains(&raw.name.as_str()) {
        ctx.err(
            k("name"),
            format!(
                "{:?} is reserved for a shift's own periods; choose another name",
                raw.name
            ),
        );
    }
    let kind = ActivityStyle::parse(&raw.kind);
    if kind.is_none() {
        ctx.err(
            k("kind"),
            format!(
                "{:?} is not an activity kind; expected \"individual\", \"together\" or \
                 \"fill_quiet_time\"",
                raw.kind
            ),
        );
    }
    let step = refs.grid.length.minutes();
    let quiet = kind == Some(ActivityStyle::FillQuietTime);
    let minutes = raw.minutes.unwrap_or(if quiet { 60 } else { 0 });
    if minutes == 0 || minutes > MAX_ACTIVITY_MINUTES || minutes % step != 0 {
        ctx.err(
            k("minutes"),
            format!(
                "{minutes} is not a valid length; expected a whole number of {step}-minute \
                 intervals from {step} to {MAX_ACTIVITY_MINUTES} minutes"
            ),
        );
    }
    let per_week = raw.per_week.unwrap_or(1);
    if quiet && raw.per_week.is_some() {
        ctx.err(
            k("per_week"),
            "a fill_quiet_time activity is sized by min_hours and max_hours, not per_week",
        );
    } else if !quiet && (per_week == 0 || per_week > MAX_ACTIVITY_PER_WEEK) {
        ctx.err(
            k("per_week"),
            format!(
                "{per_week} is not valid; expected 1 to {MAX_ACTIVITY_PER_WEEK} sessions a week"
            ),
        );
    }
    let (min_hours, max_hours) = if quiet {
        let min = raw.min_hours.unwrap_or(0.0);
        let max = raw.max_hours.unwrap_or(min);
        let ok = min.is_finite() && max.is_finite() && min >= 0.0 && max >= min && max <= 60.0;
        if !ok || max <= 0.0 {
            ctx.err(
                k("max_hours"),
                format!(
                    "min_hours {min} and max_hours {max} are not valid; expected \
                     0 <= min_hours <= max_hours <= 60, with max_hours above 0"
                ),
            );
        }
        (min, max)
    } else {
        if raw.min_hours.is_some() || raw.max_hours.is_some() {
            ctx.err(
                k("min_hours"),
                "min_hours and max_hours are for kind = \"fill_quiet_time\"; this activity is \
                 sized by minutes and per_week",
            );
        }
        let h = f64::from(per_week * minutes) / 60.0;
        (h, h)
    };
    let mut skills = Vec::new();
    for (j, s) in raw.skills.iter().flatten().enumerate() {
        if let Some(c) = ctx.channel_name(&format!("{}[{j}]", k("skills")), s, refs.channels) {
            skills.push(c);
        }
    }
    let ids: BTreeSet<&str> = refs.agents.iter().map(Agent::id).collect();
    for (j, a) in raw.agents.iter().flatten().enumerate() {
        if !ids.contains(a.as_str()) {
            ctx.err(
                format!("{}[{j}]", k("agents")),
                format!("unknown agent {a:?}; expected the id of an [[agents]] entry"),
            );
        }
    }
    let known_teams: BTreeSet<String> = refs
        .agents
        .iter()
        .filter_map(|a| a.team().map(str::to_string))
        .collect();
    for (j, t) in raw.teams.iter().flatten().enumerate() {
        if !known_teams.contains(t) {
            ctx.err(
                format!("{}[{j}]", k("teams")),
                format!(
                    "no agent is in team {t:?}; the teams of the [[agents]] are: {}",
                    join(&known_teams)
                ),
            );
        }
    }
    let window = raw
        .window
        .as_ref()
        .and_then(|w| weekly_hours(ctx, &k("window"), w, Some(refs.grid)));
    if let Some(w) = &window {
        if w.is_never() {
            ctx.err(k("window"), "the window has no open time");
        } else if !w.open_days().any(|d| {
            w.ranges(d)
                .iter()
                .any(|r| u32::from(r.minutes()) >= minutes)
        }) {
            ctx.err(
                k("window"),
                format!("no part of the window is {minutes} minutes long, so no session fits"),
            );
        }
    }
    if let Some(s) = &raw.shrinkage {
        if !refs.shrinkage_components.contains(s) {
            ctx.err(
                k("shrinkage"),
                format!(
                    "no shrinkage component is called {s:?}; the configured components are: {}",
                    join(&refs.shrinkage_components)
                ),
            );
        }
    }
    if raw.split == Some(true) && kind != Some(ActivityStyle::Individual) {
        ctx.err(
            k("split"),
            "only an individual activity may be split (a meeting is held at once, and quiet-time \
             work is placed in blocks anyway)",
        );
    }
    if ctx.problems.len() > n0 {
        return None;
    }
    Some(PlannedActivity {
        name: raw.name.clone(),
        label: raw.label.clone(),
        kind: kind?,
        teams: raw.teams.clone().unwrap_or_default(),
        agents: raw.agents.clone().unwrap_or_default(),
        skills,
        minutes,
        per_week,
        min_hours,
        max_hours,
        window,
        mandatory: raw.mandatory.unwrap_or(true),
        split: raw.split.unwrap_or(false),
        shrinkage: raw.shrinkage.clone(),
    })
}

/// `shrinkage` without the components that planned activities replace: the total falls by their
/// shares. A shrinkage given only as a total has no components to remove and is kept as is.
pub(super) fn without_planned(shrinkage: &Shrinkage, planned: &[PlannedActivity]) -> Shrinkage {
    let replaced: BTreeSet<&str> = planned
        .iter()
        .filter_map(PlannedActivity::replaces_shrinkage)
        .collect();
    let mut out = shrinkage.clone();
    for name in replaced {
        if let Some(v) = out.activities.remove(name) {
            out.total = (out.total - v).max(0.0);
        }
    }
    out
}

#[cfg(test)]
mod tests;
