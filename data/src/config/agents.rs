//! The `[[agents]]` entries: skills, contract, pay, team, availability, leave and fixed shifts.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::clock;
use super::hours::{off_grid, weekly_hours, weekly_to_raw};
use super::raw::{RawAgent, RawFixedShift, RawLeave};
use super::validate::{join, Ctx};
use super::{format_clock, parse_clock, weekday_key, Contract, Grade, ShiftTemplate, WeeklyHours};
use crate::channel::ChannelName;
use crate::grid::IntervalGrid;

/// Approved leave: every date from `from` to `to` inclusive.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Leave {
    pub(super) from: NaiveDate,
    pub(super) to: NaiveDate,
    pub(super) label: Option<String>,
}

impl Leave {
    /// First day of leave.
    pub fn from(&self) -> NaiveDate {
        self.from
    }
    /// Last day of leave (inclusive).
    pub fn to(&self) -> NaiveDate {
        self.to
    }
    /// Label such as "annual leave".
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }
    /// True when `date` is a leave day.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }
}

/// A shift fixed in advance for an agent: `template` starting at `start` on `date`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FixedShift {
    pub(super) date: NaiveDate,
    pub(super) template: String,
    pub(super) start: u16,
}

impl FixedShift {
    /// The local date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    /// The shift template name.
    pub fn template(&self) -> &str {
        &self.template
    }
    /// Start, minutes after local midnight.
    pub fn start_minute(&self) -> u16 {
        self.start
    }
}

/// How an agent is paid: by grade or by an individual hourly rate.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Pay {
    /// The rate of a configured grade.
    Grade {
        /// Grade name.
        grade: String,
        /// Its hourly rate.
        hourly_rate: f64,
    },
    /// An individual hourly rate.
    HourlyRate(f64),
}

/// One agent (advisor) of the centre.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Agent {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) skills: Vec<ChannelName>,
    pub(super) contract: String,
    pay: Pay,
    pub(super) team: Option<String>,
    pub(super) availability: Option<WeeklyHours>,
    pub(super) leave: Vec<Leave>,
    pub(super) fixed_shifts: Vec<FixedShift>,
}

impl Agent {
    /// Unique id, e.g. `NH014`.
    pub fn id(&self) -> &str {
        &self.id
    }
    /// Display name.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Channels the agent can work, in the order given (first = main skill).
    pub fn skills(&self) -> &[ChannelName] {
        &self.skills
    }
    /// True when the agent can work `channel`.
    pub fn has_skill(&self, channel: &ChannelName) -> bool {
        self.skills.contains(channel)
    }
    /// Contract name.
    pub fn contract(&self) -> &str {
        &self.contract
    }
    /// Pay (grade or individual rate).
    pub fn pay(&self) -> &Pay {
        &self.pay
    }
    /// Hourly rate, centre currency.
    pub fn hourly_rate(&self) -> f64 {
        match &self.pay {
            Pay::Grade { hourly_rate, .. } => *hourly_rate,
            Pay::HourlyRate(r) => *r,
        }
    }
    /// Team, if any.
    pub fn team(&self) -> Option<&str> {
        self.team.as_deref()
    }
    /// Weekly availability (`None` = available at any time).
    pub fn availability(&self) -> Option<&WeeklyHours> {
        self.availability.as_ref()
    }
    /// True when the agent may work `[from, to)` minutes of `day` (availability only; leave is
    /// per date, see [`Self::is_on_leave`]).
    pub fn is_available(&self, day: Weekday, from: u32, to: u32) -> bool {
        self.availability
            .as_ref()
            .is_none_or(|a| a.covers(day, from, to))
    }
    /// Approved leave, sorted by date.
    pub fn leave(&self) -> &[Leave] {
        &self.leave
    }
    /// True when `date` is an approved leave day.
    pub fn is_on_leave(&self, date: NaiveDate) -> bool {
        self.leave.iter().any(|l| l.contains(date))
    }
    /// Shifts fixed in advance, sorted by date.
    pub fn fixed_shifts(&self) -> &[FixedShift] {
        &self.fixed_shifts
    }

    /// Reads agent `i` (`agents[i]`), checked against what the earlier sections define.
    fn from_raw(ctx: &mut Ctx, i: usize, raw: &RawAgent, refs: &AgentRefs) -> Option<Self> {
        let key = if raw.id.trim().is_empty() {
            format!("agents[{i}]")
        } else {
            format!("agents[{i}] (id {:?})", raw.id)
        };
        let k = |f: &str| format!("{key}.{f}");
        let n0 = ctx.problems.len();
        ctx.non_empty(&k("id"), &raw.id);
        ctx.non_empty(&k("name"), &raw.name);
        let skills = skills_from_raw(ctx, &key, &raw.skills, refs.channels);
        if !refs.contract_keys.contains(&raw.contract) {
            ctx.err(
                k("contract"),
                format!(
                    "unknown contract {:?}; expected one of: {}",
                    raw.contract,
                    join(&refs.contract_keys)
                ),
            );
        }
        let pay = pay_from_raw(ctx, &key, raw, refs);
        if let Some(t) = &raw.team {
            ctx.non_empty(&k("team"), t);
        }
        let availability = raw
            .availability
            .as_ref()
            .and_then(|a| weekly_hours(ctx, &k("availability"), a, Some(refs.grid)));
        let leave = leave_from_raw(ctx, &key, raw.leave.as_deref().unwrap_or_default());
        let fixed_shifts = fixed_shifts_from_raw(ctx, &key, raw, &leave, refs);
        if ctx.problems.len() != n0 {
            return None;
        }
        Some(Self {
            id: raw.id.clone(),
            name: raw.name.clone(),
            skills,
            contract: raw.contract.clone(),
            pay: pay?,
            team: raw.team.clone(),
            availability,
            leave,
            fixed_shifts,
        })
    }

    pub(super) fn to_raw(&self) -> RawAgent {
        let (grade, hourly_rate) = match &self.pay {
            Pay::Grade { grade, .. } => (Some(grade.clone()), None),
            Pay::HourlyRate(r) => (None, Some(*r)),
        };
        RawAgent {
            id: self.id.clone(),
            name: self.name.clone(),
            skills: self.skills.iter().map(ToString::to_string).collect(),
            contract: self.contract.clone(),
            grade,
            hourly_rate,
            team: self.team.clone(),
            availability: self.availability.as_ref().map(weekly_to_raw),
            leave: (!self.leave.is_empty()).then(|| {
                self.leave
                    .iter()
                    .map(|l| RawLeave {
                        from: l.from,
                        to: Some(l.to),
                        label: l.label.clone(),
                    })
                    .collect()
            }),
            fixed_shifts: (!self.fixed_shifts.is_empty()).then(|| {
                self.fixed_shifts
                    .iter()
                    .map(|f| RawFixedShift {
                        date: f.date,
                        template: f.template.clone(),
                        start: format_clock(f.start),
                    })
                    .collect()
            }),
        }
    }
}

/// What the `[[agents]]` entries are checked against: the centre's grid and what the sections
/// read before them define. The `*_keys` sets hold every name given in the file, the maps only
/// the valid entries, so that an agent naming an invalid contract, grade or template is not
/// reported a second time for it.
pub(super) struct AgentRefs<'a> {
    pub(super) grid: IntervalGrid,
    pub(super) channels: &'a BTreeSet<ChannelName>,
    pub(super) contracts: BTreeMap<String, Contract>,
    pub(super) contract_keys: BTreeSet<String>,
    pub(super) grades: BTreeMap<String, Grade>,
    pub(super) grade_keys: BTreeSet<String>,
    pub(super) templates: BTreeMap<String, ShiftTemplate>,
    pub(super) template_keys: &'a BTreeSet<String>,
}

/// Reads the `[[agents]]` entries in file order, keeping the valid ones; ids must be unique.
pub(super) fn agents_from_raw(ctx: &mut Ctx, raw: &[RawAgent], refs: &AgentRefs) -> Vec<Agent> {
    let mut agents = Vec::new();
    let mut ids = BTreeMap::new();
    for (i, a) in raw.iter().enumerate() {
        if let Some(first) = ids.insert(a.id.clone(), i) {
            ctx.err(
                format!("agents[{i}].id"),
                format!("id {:?} is already used by agents[{first}]", a.id),
            );
        }
        if let Some(agent) = Agent::from_raw(ctx, i, a, refs) {
            agents.push(agent);
        }
    }
    agents
}

/// An agent no template fits could never be rostered: that is a configuration error, found
/// here rather than by a roster that silently leaves the agent out.
pub(super) fn check_every_agent_has_a_template(
    ctx: &mut Ctx,
    agents: &[Agent],
    templates: &[ShiftTemplate],
    contracts: &BTreeMap<String, Contract>,
) {
    for (i, agent) in agents.iter().enumerate() {
        if !templates.is_empty() && contracts.contains_key(&agent.contract) {
            let fits = templates.iter().any(|t| {
                contracts[&agent.contract].allows_template(&t.name) && t.fits_agent(agent)
            });
            if !fits {
                ctx.err(
                    format!("agents[{i}] (id {:?})", agent.id),
                    "no shift template fits this agent's contract, team and skills",
                );
            }
        }
    }
}

/// An agent's (or a hire option's) skills: at least one, each a configured channel, none twice
/// (order kept: the first is the main skill).
pub(super) fn skills_from_raw(
    ctx: &mut Ctx,
    key: &str,
    raw: &[String],
    channels: &BTreeSet<ChannelName>,
) -> Vec<ChannelName> {
    if raw.is_empty() {
        ctx.err(
            format!("{key}.skills"),
            "no skills; expected at least one channel name",
        );
    }
    let mut skills = Vec::new();
    for (j, s) in raw.iter().enumerate() {
        if let Some(n) = ctx.channel_name(&format!("{key}.skills[{j}]"), s, channels) {
            if skills.contains(&n) {
                ctx.err(
                    format!("{key}.skills[{j}]"),
                    format!("skill {n} is listed twice"),
                );
            } else {
                skills.push(n);
            }
        }
    }
    skills
}

/// An agent's pay: exactly one of a configured grade and an individual hourly rate.
fn pay_from_raw(ctx: &mut Ctx, key: &str, raw: &RawAgent, refs: &AgentRefs) -> Option<Pay> {
    match (&raw.grade, raw.hourly_rate) {
        (Some(_), Some(_)) => {
            ctx.err(
                key,
                "both grade and hourly_rate given; expected one of them",
            );
            None
        }
        (None, None) => {
            ctx.err(
                key,
                "no pay given; expected `grade` (a name under [grades]) or `hourly_rate`",
            );
            None
        }
        (Some(g), None) => match refs.grades.get(g) {
            Some(gr) => Some(Pay::Grade {
                grade: g.clone(),
                hourly_rate: gr.hourly_rate,
            }),
            None => {
                if !refs.grade_keys.contains(g) {
                    ctx.err(
                        format!("{key}.grade"),
                        format!(
                            "unknown grade {g:?}; expected one of: {}",
                            join(&refs.grade_keys)
                        ),
                    );
                }
                None
            }
        },
        (None, Some(r)) => Some(Pay::HourlyRate(ctx.positive(
            &format!("{key}.hourly_rate"),
            r,
            "currency units per hour",
        ))),
    }
}

/// An agent's leave, sorted by date; periods must not end before they start or overlap.
fn leave_from_raw(ctx: &mut Ctx, key: &str, raw: &[RawLeave]) -> Vec<Leave> {
    let mut leave: Vec<Leave> = raw
        .iter()
        .enumerate()
        .map(|(j, l)| {
            let to = l.to.unwrap_or(l.from);
            if to < l.from {
                ctx.err(
                    format!("{key}.leave[{j}]"),
                    format!("leave ends ({to}) before it starts ({})", l.from),
                );
            }
            Leave {
                from: l.from,
                to,
                label: l.label.clone(),
            }
        })
        .collect();
    leave.sort_by_key(|l| (l.from, l.to));
    for w in leave.windows(2) {
        if w[1].from <= w[0].to {
            ctx.err(
                format!("{key}.leave"),
                format!(
                    "leave {}..{} overlaps leave {}..{}",
                    w[0].from, w[0].to, w[1].from, w[1].to
                ),
            );
        }
    }
    leave
}

/// An agent's fixed shifts, sorted by date: each on the grid, of a template the agent's
/// contract allows on that weekday, not on a leave day, at most one per date.
fn fixed_shifts_from_raw(
    ctx: &mut Ctx,
    key: &str,
    raw: &RawAgent,
    leave: &[Leave],
    refs: &AgentRefs,
) -> Vec<FixedShift> {
    let mut fixed_shifts = Vec::new();
    for (j, f) in raw.fixed_shifts.iter().flatten().enumerate() {
        let fk = format!("{key}.fixed_shifts[{j}]");
        let start = fixed_shift_start(ctx, &fk, &f.start, refs.grid);
        check_fixed_template(ctx, &fk, f, start, &raw.contract, refs);
        if leave.iter().any(|l| l.contains(f.date)) {
            ctx.err(
                format!("{fk}.date"),
                format!("{} is a leave day of this agent", f.date),
            );
        }
        if fixed_shifts.iter().any(|x: &FixedShift| x.date == f.date) {
            ctx.err(
                format!("{fk}.date"),
                format!("two fixed shifts on {}", f.date),
            );
        }
        fixed_shifts.push(FixedShift {
            date: f.date,
            template: f.template.clone(),
            start,
        });
    }
    fixed_shifts.sort_by_key(|f| f.date);
    fixed_shifts
}

/// The start of a fixed shift: an interval start before midnight. A bad value is reported and
/// read as 00:00 so that the rest of the entry is still checked.
fn fixed_shift_start(ctx: &mut Ctx, fk: &str, start: &str, grid: IntervalGrid) -> u16 {
    match parse_clock(start) {
        Ok(m) if !off_grid(u32::from(m), grid.length.minutes()) && m < clock::MINUTES_PER_DAY => m,
        Ok(_) => {
            ctx.err(
                format!("{fk}.start"),
                format!(
                    "{} is not an interval start on the {}-minute grid",
                    start,
                    grid.length.minutes()
                ),
            );
            0
        }
        Err(e) => {
            ctx.err(format!("{fk}.start"), e);
            0
        }
    }
}

/// The template of a fixed shift: a known one that ends by midnight, that the agent's
/// `contract` allows and that is used on the shift's weekday.
fn check_fixed_template(
    ctx: &mut Ctx,
    fk: &str,
    f: &RawFixedShift,
    start: u16,
    contract: &str,
    refs: &AgentRefs,
) {
    match refs.templates.get(&f.template) {
        Some(t) => {
            if u32::from(start) + t.length_minutes() > u32::from(clock::MINUTES_PER_DAY) {
                ctx.err(
                    format!("{fk}.start"),
                    "the fixed shift would end after midnight",
                );
            }
            if let Some(c) = refs.contracts.get(contract) {
                if !c.allows_template(&f.template) {
                    ctx.err(
                        format!("{fk}.template"),
                        format!("contract {} does not allow template {}", c.name, f.template),
                    );
                }
            }
            if !t.allowed_on(f.date.weekday()) {
                ctx.err(
                    format!("{fk}.template"),
                    format!(
                        "template {} is not used on {} ({})",
                        f.template,
                        weekday_key(f.date.weekday()),
                        f.date
                    ),
                );
            }
        }
        None if !refs.template_keys.contains(&f.template) => {
            ctx.err(
                format!("{fk}.template"),
                format!(
                    "unknown shift template {:?}; expected one of: {}",
                    f.template,
                    join(refs.template_keys)
                ),
            );
        }
        None => {}
    }
}
