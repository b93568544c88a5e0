//! Hand edits of a stored roster (issue #15, build 5): move a shift, swap two agents' shifts,
//! delete a shift, change what an agent does in a period. Each edit is checked once at the
//! boundary into an [`Edit`] (a known agent, a day of the roster, times on the centre's interval
//! grid, a shift that is there), applied to the roster as stored, re-checked by the independent
//! rule checker and re-evaluated at once: the queueing model's predicted KPIs per channel and
//! day, before and after ([`rota_plan::replan::Judge`], the same predictions `rota replan`
//! writes to `service_change.csv`).
//!
//! Rules the stored roster broke already are not the edit's doing: only the violations the edit
//! adds ([`Evaluated::added`]) refuse it (unless forced).

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_plan::replan::Judge;
use rota_roster::output::PlacedBreak;
use rota_roster::{
    Activity, ActivityKind, ChannelMode, CoverageRow, Roster, RosterShift, RosterSummary,
    SolveStats, StintReport, Violation,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::work::WorkError;

/// An edit as posted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditIn {
    /// `move`, `swap`, `delete` or `activity`.
    #[schema(example = "move")]
    pub kind: String,
    /// The agent whose shift (or period) is edited.
    #[schema(example = "NH003")]
    pub agent_id: String,
    /// `swap`: the other agent.
    pub other_agent_id: Option<String>,
    /// The local day of the shift.
    #[schema(example = "2026-11-17")]
    pub date: String,
    /// `move`: the new start; `activity`: the period's start (`HH:MM` on `date`, on the
    /// centre's interval grid).
    #[schema(example = "10:00")]
    pub start: Option<String>,
    /// `move`: the new end; `activity`: the period's end.
    #[schema(example = "18:00")]
    pub end: Option<String>,
    /// `activity`: `work`, `break`, `lunch` or a planned activity's name.
    pub activity: Option<String>,
    /// `activity` = `work`: the channel.
    pub channel: Option<String>,
    /// Make the edit even though it breaks a rule (recorded as a warning).
    #[serde(default)]
    pub force: bool,
    /// Why, for the record.
    #[serde(default)]
    pub note: String,
}

/// A checked edit.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// The agent's shift on `date` moved to `[start, end)`, what they do in it moved with it.
    Move {
        /// Agent.
        agent: String,
        /// Day.
        date: NaiveDate,
        /// New start.
        start: DateTime<FixedOffset>,
        /// New end.
        end: DateTime<FixedOffset>,
    },
    /// The two agents' shifts of `date` exchanged (either may be a day off).
    Swap {
        /// One agent.
        agent: String,
        /// The other.
        other: String,
        /// Day.
        date: NaiveDate,
    },
    /// The agent's shift on `date` taken out.
    Delete {
        /// Agent.
        agent: String,
        /// Day.
        date: NaiveDate,
    },
    /// What the agent does in `[start, end)` of their shift.
    Activity {
        /// Agent.
        agent: String,
        /// Day.
        date: NaiveDate,
        /// Start.
        start: DateTime<FixedOffset>,
        /// End.
        end: DateTime<FixedOffset>,
        /// Work, break, lunch or a planned activity.
        activity: ActivityKind,
        /// The channel of work.
        channel: Option<ChannelName>,
    },
}

fn day_words(d: NaiveDate) -> String {
    d.format("%a %d %b").to_string()
}

/// `HH:MM` on `date` in the centre's zone (or a full time), on the interval grid.
fn time_on(
    config: &CentreConfig,
    date: NaiveDate,
    text: Option<&str>,
    field: &str,
) -> Result<DateTime<FixedOffset>, WorkError> {
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| WorkError::field(field, format!("{field} is needed (HH:MM on the day)")))?;
    let grid = config.grid();
    let t = match NaiveTime::parse_from_str(text, "%H:%M") {
        Ok(hm) => grid
            .tz
            .from_local_datetime(&date.and_time(hm))
            .earliest()
            .map(|t| t.fixed_offset())
            .ok_or_else(|| WorkError::field(field, format!("{text} does not exist on {date}")))?,
        Err(_) => rota_intraday::actuals::parse_time(text, &grid)
            .map_err(|e| WorkError::field(field, format!("{e}; expected HH:MM on {date}")))?,
    };
    let step = i64::from(grid.length.minutes());
    let local = t.with_timezone(&grid.tz);
    let minutes = (local.time() - NaiveTime::MIN).num_minutes();
    if minutes % step != 0 {
        return Err(WorkError::field(
            field,
            format!(
                "{} is not on the centre's {step}-minute grid",
                local.format("%H:%M")
            ),
        ));
    }
    Ok(t)
}

impl Edit {
    /// Checks a posted edit against the centre and the roster's days.
    pub fn parse(
        config: &CentreConfig,
        days: (NaiveDate, NaiveDate),
        input: &EditIn,
    ) -> Result<Self, WorkError> {
        let agent_of = |id: &str, field: &str| -> Result<String, WorkError> {
            let id = id.trim();
            config.agent(id).map(|a| a.id().to_string()).ok_or_else(|| {
                WorkError::field(
                    field,
                    format!(
                        "unknown agent {id:?}; expected an agent of the centre's configuration"
                    ),
                )
            })
        };
        let agent = agent_of(&input.agent_id, "agent_id")?;
        let date: NaiveDate = input.date.trim().parse().map_err(|_| {
            WorkError::field(
                "date",
                format!("{:?} is not a date; expected YYYY-MM-DD", input.date),
            )
        })?;
        if date < days.0 || date > days.1 {
            return Err(WorkError::field(
                "date",
                format!(
                    "{} is not a day of this roster ({} to {})",
                    day_words(date),
                    day_words(days.0),
                    day_words(days.1)
                ),
            ));
        }
        let period = || -> Result<_, WorkError> {
            let start = time_on(config, date, input.start.as_deref(), "start")?;
            let end = time_on(config, date, input.end.as_deref(), "end")?;
            if end <= start {
                return Err(WorkError::field(
                    "end",
                    format!(
                        "{} is not after the start {}",
                        end.format("%H:%M"),
                        start.format("%H:%M")
                    ),
                ));
            }
            Ok((start, end))
        };
        match input.kind.trim() {
            "move" => {
                let (start, end) = period()?;
                if end - start > Duration::hours(16) {
                    return Err(WorkError::field("end", "a shift is at most 16 hours long"));
                }
                Ok(Edit::Move {
                    agent,
                    date,
                    start,
                    end,
                })
            }
            "swap" => {
                let other = agent_of(
                    input.other_agent_id.as_deref().unwrap_or(""),
                    "other_agent_id",
                )?;
                if other == agent {
                    return Err(WorkError::field(
                        "other_agent_id",
                        "a swap needs two different agents",
                    ));
                }
                Ok(Edit::Swap { agent, other, date })
            }
            "delete" => Ok(Edit::Delete { agent, date }),
            "activity" => {
                let (start, end) = period()?;
                let name = input.activity.as_deref().unwrap_or("").trim();
                let activity = match name {
                    "work" => ActivityKind::Work,
                    "break" => ActivityKind::Break,
                    "lunch" => ActivityKind::Lunch,
                    n if config.activities().iter().any(|a| a.name() == n) => {
                        ActivityKind::Planned(n.to_string())
                    }
                    n => {
                        let planned: Vec<&str> =
                            config.activities().iter().map(|a| a.name()).collect();
                        return Err(WorkError::field(
                            "activity",
                            format!(
                                "{n:?} is not an activity; expected work, break, lunch{}{}",
                                if planned.is_empty() { "" } else { " or " },
                                planned.join(", ")
                            ),
                        ));
                    }
                };
                let channel = match (&activity, input.channel.as_deref().map(str::trim)) {
                    (ActivityKind::Work, Some(c)) if config.channel(c).is_some() => Some(
                        ChannelName::parse(c)
                            .map_err(|e| WorkError::field("channel", e.to_string()))?,
                    ),
                    (ActivityKind::Work, c) => {
                        return Err(WorkError::field(
                            "channel",
                            format!(
                                "work needs one of the centre's channels, not {:?}",
                                c.unwrap_or("")
                            ),
                        ))
                    }
                    (_, _) => None,
                };
                Ok(Edit::Activity {
                    agent,
                    date,
                    start,
                    end,
                    activity,
                    channel,
                })
            }
            other => Err(WorkError::field(
                "kind",
                format!("{other:?} is not an edit; expected move, swap, delete or activity"),
            )),
        }
    }

    /// The edit in a planner's words.
    pub fn describe(&self) -> String {
        let hm = |t: &DateTime<FixedOffset>| t.format("%H:%M").to_string();
        match self {
            Edit::Move {
                agent,
                date,
                start,
                end,
            } => format!(
                "{agent}'s shift on {} moved to {}-{}",
                day_words(*date),
                hm(start),
                hm(end)
            ),
            Edit::Swap { agent, other, date } => {
                format!("{agent} and {other} swap shifts on {}", day_words(*date))
            }
            Edit::Delete { agent, date } => {
                format!("{agent}'s shift on {} deleted", day_words(*date))
            }
            Edit::Activity {
                agent,
                date,
                start,
                end,
                activity,
                channel,
            } => format!(
                "{agent} on {} {}-{}: {activity}{}",
                day_words(*date),
                hm(start),
                hm(end),
                channel
                    .as_ref()
                    .map(|c| format!(" on {c}"))
                    .unwrap_or_default()
            ),
        }
    }

    fn date(&self) -> NaiveDate {
        match self {
            Edit::Move { date, .. }
            | Edit::Swap { date, .. }
            | Edit::Delete { date, .. }
            | Edit::Activity { date, .. } => *date,
        }
    }
}

/// A stored roster's shifts and activities as the roster crate holds them, read from its
/// `roster.json`, with the deferred channels' backlog shortfall of its `coverage` (which only a
/// solve can recompute).
#[derive(Debug, Clone)]
pub struct Stored {
    shifts: Vec<RosterShift>,
    activities: Vec<Activity>,
    backlog: BTreeMap<(i64, String), f64>,
}

fn time_of(v: &serde_json::Value, what: &str) -> Result<DateTime<FixedOffset>, WorkError> {
    let text = v.as_str().unwrap_or("");
    DateTime::parse_from_rfc3339(text)
        .map_err(|e| WorkError::Internal(format!("stored roster.json: {what} {text:?}: {e}")))
}

fn kind_of(word: &str) -> ActivityKind {
    match word {
        "work" => ActivityKind::Work,
        "break" => ActivityKind::Break,
        "lunch" => ActivityKind::Lunch,
        other => ActivityKind::Planned(other.to_string()),
    }
}

impl Stored {
    /// Reads a stored `roster.json` (a solved roster's, or an edited one's); a roster without
    /// shifts to edit is a 422 naming `roster_id`.
    pub fn read(roster_json: &str) -> Result<Self, WorkError> {
        let doc: serde_json::Value = serde_json::from_str(roster_json)
            .map_err(|e| WorkError::Internal(format!("stored roster.json: {e}")))?;
        let (Some(shifts), Some(acts)) = (doc["shifts"].as_array(), doc["activities"].as_array())
        else {
            return Err(WorkError::field(
                "roster_id",
                "this roster has no stored shifts and activities to edit (roster.json)",
            ));
        };
        let mut out = Stored {
            shifts: Vec::with_capacity(shifts.len()),
            activities: Vec::with_capacity(acts.len()),
            backlog: BTreeMap::new(),
        };
        for s in shifts {
            let breaks = s["breaks"]
                .as_array()
                .map(|b| {
                    b.iter()
                        .map(|b| {
                            Ok(PlacedBreak {
                                kind: kind_of(b["kind"].as_str().unwrap_or("break")),
                                start: time_of(&b["start"], "break start")?,
                                end: time_of(&b["end"], "break end")?,
                            })
                        })
                        .collect::<Result<Vec<_>, WorkError>>()
                })
                .transpose()?
                .unwrap_or_default();
            out.shifts.push(RosterShift {
                agent_id: s["agent_id"].as_str().unwrap_or("").to_string(),
                agent_name: s["agent_name"].as_str().unwrap_or("").to_string(),
                date: s["date"]
                    .as_str()
                    .and_then(|d| d.parse().ok())
                    .ok_or_else(|| {
                        WorkError::Internal("stored roster.json: a shift's date".into())
                    })?,
                template: s["template"].as_str().unwrap_or("").to_string(),
                start: time_of(&s["start"], "shift start")?,
                end: time_of(&s["end"], "shift end")?,
                paid_hours: s["paid_hours"].as_f64().unwrap_or(0.0),
                breaks,
            });
        }
        for a in acts {
            out.activities.push(Activity {
                agent_id: a["agent_id"].as_str().unwrap_or("").to_string(),
                start: time_of(&a["start"], "activity start")?,
                end: time_of(&a["end"], "activity end")?,
                activity: kind_of(a["activity"].as_str().unwrap_or("work")),
                channel: a["channel"]
                    .as_str()
                    .and_then(|c| ChannelName::parse(c).ok()),
            });
        }
        for row in doc["coverage"].as_array().into_iter().flatten() {
            if let (Ok(t), Some(c)) = (
                time_of(&row["interval_start"], "coverage"),
                row["channel"].as_str(),
            ) {
                out.backlog.insert(
                    (t.timestamp(), c.to_string()),
                    row["shortfall"].as_f64().unwrap_or(0.0),
                );
            }
        }
        Ok(out)
    }

    fn shift_of(&self, agent: &str, date: NaiveDate) -> Option<usize> {
        self.shifts
            .iter()
            .position(|s| s.agent_id == agent && s.date == date)
    }

    fn inside(a: &Activity, s: &RosterShift) -> bool {
        a.agent_id == s.agent_id && a.start >= s.start && a.end <= s.end
    }

    /// Applies `edit`; a shift that is not there is a 422 naming the field.
    pub fn apply(&self, config: &CentreConfig, edit: &Edit) -> Result<Stored, WorkError> {
        let mut out = self.clone();
        let none = |agent: &str, date: NaiveDate, what: &str| {
            WorkError::field(
                "date",
                format!("{agent} has no shift on {} to {what}", day_words(date)),
            )
        };
        match edit {
            Edit::Move {
                agent,
                date,
                start,
                end,
            } => {
                let i = self
                    .shift_of(agent, *date)
                    .ok_or_else(|| none(agent, *date, "move"))?;
                let old = &self.shifts[i];
                let delta = *start - old.start;
                let mut mine: Vec<Activity> = Vec::new();
                out.activities.retain(|a| {
                    let ours = Self::inside(a, old);
                    if ours {
                        mine.push(a.clone());
                    }
                    !ours
                });
                let mut moved: Vec<Activity> = mine
                    .into_iter()
                    .filter_map(|mut a| {
                        a.start = (a.start + delta).max(*start);
                        a.end = (a.end + delta).min(*end);
                        (a.end > a.start).then_some(a)
                    })
                    .collect();
                moved.sort_by_key(|a| a.start);
                // a longer shift: its first or last work stint runs on to the new edge
                let channel_near = |list: &[Activity], last: bool| {
                    let mut works = list.iter().filter(|a| a.activity == ActivityKind::Work);
                    let found = if last {
                        works.next_back()
                    } else {
                        works.next()
                    };
                    found.and_then(|a| a.channel.clone()).or_else(|| {
                        config
                            .agent(agent)
                            .and_then(|p| p.skills().first().cloned())
                    })
                };
                let first_start = moved.first().map_or(*end, |a| a.start);
                if first_start > *start {
                    let channel = channel_near(&moved, false);
                    moved.insert(0, work(agent, *start, first_start, channel));
                }
                let last_end = moved.last().map_or(*start, |a| a.end);
                if last_end < *end {
                    let channel = channel_near(&moved, true);
                    moved.push(work(agent, last_end, *end, channel));
                }
                out.activities.extend(moved);
                let s = &mut out.shifts[i];
                s.start = *start;
                s.end = *end;
            }
            Edit::Swap { agent, other, date } => {
                let (a, b) = (self.shift_of(agent, *date), self.shift_of(other, *date));
                if a.is_none() && b.is_none() {
                    return Err(none(agent, *date, "swap (nor has the other agent)"));
                }
                let name = |id: &str| config.agent(id).map_or("", |p| p.name()).to_string();
                let (sa, sb) = (a.map(|i| &self.shifts[i]), b.map(|j| &self.shifts[j]));
                for (k, act) in self.activities.iter().enumerate() {
                    if sa.is_some_and(|s| Self::inside(act, s)) {
                        out.activities[k].agent_id.clone_from(other);
                    } else if sb.is_some_and(|s| Self::inside(act, s)) {
                        out.activities[k].agent_id.clone_from(agent);
                    }
                }
                for (i, to) in [(a, other), (b, agent)] {
                    if let Some(i) = i {
                        out.shifts[i].agent_id.clone_from(to);
                        out.shifts[i].agent_name = name(to);
                    }
                }
            }
            Edit::Delete { agent, date } => {
                let i = self
                    .shift_of(agent, *date)
                    .ok_or_else(|| none(agent, *date, "delete"))?;
                let old = &self.shifts[i];
                out.activities.retain(|a| !Self::inside(a, old));
                out.shifts.remove(i);
            }
            Edit::Activity {
                agent,
                date,
                start,
                end,
                activity,
                channel,
            } => {
                if !self
                    .shifts
                    .iter()
                    .any(|s| &s.agent_id == agent && s.start <= *start && *end <= s.end)
                {
                    return Err(WorkError::field(
                        "start",
                        format!(
                            "{agent} is not rostered from {} to {} on {}",
                            start.format("%H:%M"),
                            end.format("%H:%M"),
                            day_words(*date)
                        ),
                    ));
                }
                let mut kept = Vec::with_capacity(out.activities.len() + 2);
                for a in out.activities.drain(..) {
                    if &a.agent_id != agent || a.end <= *start || a.start >= *end {
                        kept.push(a);
                        continue;
                    }
                    if a.start < *start {
                        kept.push(Activity {
                            end: *start,
                            ..a.clone()
                        });
                    }
                    if a.end > *end {
                        kept.push(Activity { start: *end, ..a });
                    }
                }
                kept.push(Activity {
                    agent_id: agent.clone(),
                    start: *start,
                    end: *end,
                    activity: activity.clone(),
                    channel: channel.clone(),
                });
                out.activities = kept;
            }
        }
        out.tidy();
        Ok(out)
    }

    /// Activities in order with neighbours of the same kind and channel joined, and each shift's
    /// breaks read again from its activities.
    fn tidy(&mut self) {
        self.activities
            .sort_by(|a, b| (&a.agent_id, a.start).cmp(&(&b.agent_id, b.start)));
        let mut joined: Vec<Activity> = Vec::with_capacity(self.activities.len());
        for a in self.activities.drain(..) {
            match joined.last_mut() {
                Some(p)
                    if p.agent_id == a.agent_id
                        && p.end == a.start
                        && p.activity == a.activity
                        && p.channel == a.channel =>
                {
                    p.end = a.end;
                }
                _ => joined.push(a),
            }
        }
        self.activities = joined;
        self.shifts
            .sort_by(|a, b| (&a.agent_id, a.start).cmp(&(&b.agent_id, b.start)));
        for s in &mut self.shifts {
            s.breaks = self
                .activities
                .iter()
                .filter(|a| Self::inside(a, s))
                .filter(|a| matches!(a.activity, ActivityKind::Break | ActivityKind::Lunch))
                .map(|a| PlacedBreak {
                    kind: a.activity.clone(),
                    start: a.start,
                    end: a.end,
                })
                .collect();
        }
    }

    /// The shifts' templates and paid hours made good for `judge`'s rules: a shift keeps its
    /// template where it still fits (else the first the agent may work that does), and is paid
    /// its template's hours; a shift no template fits keeps its own, and the checker names it.
    fn fit_templates(&mut self, judge: &Judge) {
        let problem = judge.problem();
        let tz = problem.horizon.tz();
        for s in &mut self.shifts {
            let Some(agent) = problem.agents.iter().find(|a| a.id == s.agent_id) else {
                continue;
            };
            let local = s.start.with_timezone(&tz);
            let length = (s.end - s.start).num_minutes();
            let fits = |t: &&rota_roster::TemplatePlan| {
                agent.may_work(t)
                    && t.weekdays.contains(&chrono::Datelike::weekday(&local))
                    && i64::from(t.length_minutes) == length
                    && t.start_times().contains(&local.time())
            };
            let own = problem.templates.iter().find(|t| t.name == s.template);
            let chosen = own
                .filter(fits)
                .or_else(|| problem.templates.iter().find(fits));
            match chosen {
                Some(t) => {
                    s.template.clone_from(&t.name);
                    s.paid_hours = f64::from(t.paid_minutes()) / 60.0;
                }
                None => {
                    let lunch: i64 = s
                        .breaks
                        .iter()
                        .filter(|b| b.kind == ActivityKind::Lunch)
                        .map(|b| (b.end - b.start).num_minutes())
                        .sum();
                    if own.is_none_or(|t| i64::from(t.length_minutes) != length) {
                        s.paid_hours = (length - lunch) as f64 / 60.0;
                    }
                }
            }
        }
    }

    /// The whole roster as the checker and the predictions read it: coverage counted from the
    /// activities for every channel and interval, a live channel's shortfall against its
    /// requirement, a deferred channel's backlog as stored.
    pub fn roster(&self, judge: &Judge) -> Roster {
        let mut stored = self.clone();
        stored.fit_templates(judge);
        let problem = judge.problem();
        let horizon = &problem.horizon;
        let n_t = horizon.n_intervals();
        let n_c = problem.channels.len();
        let mut scheduled = vec![0.0; n_t * n_c];
        let length = f64::from(horizon.interval_minutes()) * 60.0;
        for a in &stored.activities {
            let (ActivityKind::Work, Some(ch)) = (&a.activity, &a.channel) else {
                continue;
            };
            let Some(c) = problem.channel_index(ch) else {
                continue;
            };
            let first = horizon.interval_of(&a.start).unwrap_or(0);
            for t in first..n_t {
                let (from, to) = (
                    horizon.instant(t),
                    horizon.instant(t) + Duration::seconds(length as i64),
                );
                if from >= a.end {
                    break;
                }
                let overlap = (a.end.min(to.fixed_offset()) - a.start.max(from.fixed_offset()))
                    .num_seconds()
                    .max(0) as f64;
                scheduled[t * n_c + c] += overlap / length;
            }
        }
        let mut coverage = Vec::with_capacity(n_t * n_c);
        for t in 0..n_t {
            let at = horizon.instant(t).fixed_offset();
            for (c, ch) in problem.channels.iter().enumerate() {
                let have = scheduled[t * n_c + c];
                let required = ch.requirement.get(t).copied().unwrap_or(0.0);
                let shortfall = match ch.mode {
                    ChannelMode::Live => (required - have).max(0.0),
                    ChannelMode::Deferred { .. } => stored
                        .backlog
                        .get(&(at.timestamp(), ch.name.as_str().to_string()))
                        .copied()
                        .unwrap_or(0.0),
                };
                coverage.push(CoverageRow {
                    interval_start: at,
                    channel: ch.name.clone(),
                    required,
                    scheduled: have,
                    shortfall,
                });
            }
        }
        let rate = |id: &str| {
            problem
                .agents
                .iter()
                .find(|a| a.id == id)
                .map_or(0.0, |a| a.hourly_rate)
        };
        let paid_hours: f64 = stored.shifts.iter().map(|s| s.paid_hours).sum();
        let paid_cost: f64 = stored
            .shifts
            .iter()
            .map(|s| s.paid_hours * rate(&s.agent_id))
            .sum();
        let mut agents: Vec<&str> = stored.shifts.iter().map(|s| s.agent_id.as_str()).collect();
        agents.sort_unstable();
        agents.dedup();
        Roster {
            summary: RosterSummary {
                paid_cost,
                paid_hours,
                shifts: stored.shifts.len(),
                agents_rostered: agents.len(),
                // a hand-edited roster was not solved: no objective, bound or solver figures
                objective: f64::NAN,
                bound: f64::NAN,
                gap: f64::NAN,
                channels: Vec::new(),
                stints: StintReport::default(),
                activities: Vec::new(),
                solver: SolveStats {
                    variables: 0,
                    binaries: 0,
                    constraints: 0,
                    lp_bound: f64::NAN,
                    lp_seconds: 0.0,
                    strategy: "hand edit".into(),
                    full_binaries: 0,
                    mip_objective: f64::NAN,
                    mip_bound: f64::NAN,
                    mip_status: "not solved".into(),
                    mip_seconds: 0.0,
                    build_seconds: 0.0,
                    allocation: "hand edit".into(),
                    allocation_status: String::new(),
                    allocation_seconds: 0.0,
                    heuristic_objective: f64::NAN,
                },
                replan: None,
            },
            shifts: stored.shifts,
            activities: stored.activities,
            coverage,
            diagnosis: Vec::new(),
            predicted: Vec::new(),
        }
    }
}

fn work(
    agent: &str,
    start: DateTime<FixedOffset>,
    end: DateTime<FixedOffset>,
    channel: Option<ChannelName>,
) -> Activity {
    Activity {
        agent_id: agent.to_string(),
        start,
        end,
        activity: ActivityKind::Work,
        channel,
    }
}

/// One broken rule, as the answer and the stored edit record it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct RuleBroken {
    /// The checker's rule family (`template`, `weekly_hours`, `rest`, `skills`, ...).
    pub rule: String,
    /// The agent concerned.
    pub agent: Option<String>,
    /// What is wrong, in plain words.
    pub message: String,
}

impl From<&Violation> for RuleBroken {
    fn from(v: &Violation) -> Self {
        RuleBroken {
            rule: v.rule.to_string(),
            agent: v.agent.clone(),
            message: v.message.clone(),
        }
    }
}

impl RuleBroken {
    /// `rule (agent): message`.
    pub fn line(&self) -> String {
        match &self.agent {
            Some(a) => format!("{} ({a}): {}", self.rule, self.message),
            None => format!("{}: {}", self.rule, self.message),
        }
    }
}

/// One channel on the edited day, before and after.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct KpiBeforeAfter {
    /// Channel.
    pub channel: String,
    /// Local date.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// Agent-hours short (live: of the requirement; deferred: overdue), before.
    pub short_hours_before: f64,
    /// The same, after.
    pub short_hours_after: f64,
    /// Predicted abandoned share of offered, before (live channels with targets).
    pub abandon_before: Option<f64>,
    /// The same, after.
    pub abandon_after: Option<f64>,
    /// Predicted average wait of answered contacts, seconds, before.
    pub asa_before_s: Option<f64>,
    /// The same, after.
    pub asa_after_s: Option<f64>,
    /// Predicted share answered in time, before.
    pub service_level_before: Option<f64>,
    /// The same, after.
    pub service_level_after: Option<f64>,
}

/// An edit judged: the roster after it, the rules it breaks that the roster did not break
/// before, and the edited day's figures before and after.
pub struct Evaluated {
    /// The edited roster.
    pub after: Roster,
    /// Violations the edit adds.
    pub added: Vec<RuleBroken>,
    /// Per channel on the edited day.
    pub kpis: Vec<KpiBeforeAfter>,
}

/// Applies `edit` to `stored` and judges it with `judge`.
pub fn evaluate(
    config: &CentreConfig,
    judge: &Judge,
    stored: &Stored,
    edit: &Edit,
) -> Result<Evaluated, WorkError> {
    let edited = stored.apply(config, edit)?;
    let before = stored.roster(judge);
    let after = edited.roster(judge);
    let was = judge.check(&before);
    let added: Vec<RuleBroken> = judge
        .check(&after)
        .iter()
        .filter(|v| !was.contains(v))
        .map(RuleBroken::from)
        .collect();
    let date = edit.date();
    let label = day_words(date);
    let problem = judge.problem();
    let tz = problem.horizon.tz();
    let hours = f64::from(problem.horizon.interval_minutes()) / 60.0;
    let short = |r: &Roster, ch: &ChannelName| {
        r.coverage
            .iter()
            .filter(|row| {
                &row.channel == ch && row.interval_start.with_timezone(&tz).date_naive() == date
            })
            .map(|row| row.shortfall)
            .sum::<f64>()
            * hours
    };
    let (fb, fa) = (judge.day_figures(&before), judge.day_figures(&after));
    let find = |figs: &[rota_roster::PeriodFigures], ch: &ChannelName| {
        figs.iter()
            .find(|f| &f.channel == ch && f.label == label)
            .cloned()
    };
    let kpis = problem
        .channels
        .iter()
        .map(|ch| {
            let (b, a) = (find(&fb, &ch.name), find(&fa, &ch.name));
            let sl = |f: &Option<rota_roster::PeriodFigures>| {
                f.as_ref()
                    .filter(|f| f.target_service_level.is_some())
                    .map(|f| f.service_level)
            };
            KpiBeforeAfter {
                channel: ch.name.as_str().to_string(),
                date,
                short_hours_before: short(&before, &ch.name),
                short_hours_after: short(&after, &ch.name),
                abandon_before: b.as_ref().map(|f| f.abandon_rate),
                abandon_after: a.as_ref().map(|f| f.abandon_rate),
                asa_before_s: b.as_ref().map(|f| f.asa_seconds),
                asa_after_s: a.as_ref().map(|f| f.asa_seconds),
                service_level_before: sl(&b),
                service_level_after: sl(&a),
            }
        })
        .collect();
    Ok(Evaluated { after, added, kpis })
}

/// The KPI changes of an edit in a planner's words ("voice abandon on Tue 17 Nov 35.3% ->
/// 36.0%"; hours short where a channel has no abandon figure).
pub fn said(kpis: &[KpiBeforeAfter]) -> Vec<String> {
    let mut out = Vec::new();
    for k in kpis {
        let day = k.date.format("%a %d %b");
        match (k.abandon_before, k.abandon_after) {
            (Some(b), Some(a)) if (a - b).abs() >= 0.0005 => out.push(format!(
                "{} abandon on {day} {:.1}% -> {:.1}%",
                k.channel,
                b * 100.0,
                a * 100.0
            )),
            _ if (k.short_hours_after - k.short_hours_before).abs() >= 0.05 => out.push(format!(
                "{} on {day}: {:.1} -> {:.1} agent-hours short",
                k.channel, k.short_hours_before, k.short_hours_after
            )),
            _ => {}
        }
    }
    if out.is_empty() {
        out.push("no channel's predicted figures change".into());
    }
    out
}

/// What the new version records of the edit that made it (its `edit`): the request as posted,
/// the edit in words, whether it was forced and the rules it broke, the KPIs before and after,
/// who and when.
pub fn record(input: &EditIn, described: &str, judged: &Evaluated, by: &str) -> serde_json::Value {
    serde_json::json!({
        "kind": "hand_edit",
        "edit": described,
        "request": {
            "kind": input.kind, "agent_id": input.agent_id,
            "other_agent_id": input.other_agent_id, "date": input.date,
            "start": input.start, "end": input.end, "activity": input.activity,
            "channel": input.channel,
        },
        "note": input.note,
        "forced": !judged.added.is_empty(),
        "warnings": judged.added,
        "kpis": judged.kpis,
        "by": by,
        "at": crate::db::now(),
    })
}

/// The new version's stored summary: the parent's, with the edited roster's paid cost, hours,
/// shifts and people, `edited` saying what is whose, and `warnings` when the edit was forced.
pub fn summary(
    parent: &serde_json::Value,
    parent_id: i64,
    described: &str,
    judged: &Evaluated,
) -> serde_json::Value {
    let mut summary = parent.clone();
    if let Some(obj) = summary.as_object_mut() {
        if let Some(head) = obj.get_mut("summary").and_then(|s| s.as_object_mut()) {
            let s = &judged.after.summary;
            head.insert("paid_cost".into(), s.paid_cost.into());
            head.insert("paid_hours".into(), s.paid_hours.into());
            head.insert("shifts".into(), s.shifts.into());
            head.insert("agents_rostered".into(), s.agents_rostered.into());
        }
        obj.insert(
            "edited".into(),
            serde_json::json!({
                "from_roster": parent_id,
                "edit": described,
                "note": format!(
                    "paid cost, hours and shifts are the edited roster's; the objective, \
                     bound and gap are the solver's for roster {parent_id}"
                ),
            }),
        );
        if !judged.added.is_empty() {
            obj.insert(
                "warnings".into(),
                serde_json::to_value(&judged.added).unwrap_or_default(),
            );
        }
    }
    summary
}

/// The planner's files of an edited roster, written by the roster crate's own writers (the
/// bytes `rota schedule` writes), and its `roster.json`: the parent's document with the shifts,
/// activities and coverage replaced and the edit recorded.
pub struct Files {
    /// shifts.csv.
    pub shifts_csv: String,
    /// activities.csv.
    pub activities_csv: String,
    /// coverage.csv.
    pub coverage_csv: String,
    /// roster.json.
    pub roster_json: String,
}

/// Writes `roster`'s files (see [`Files`]).
pub fn files(
    roster: &Roster,
    parent_json: &str,
    edit: &serde_json::Value,
) -> Result<Files, WorkError> {
    let mut doc: serde_json::Value = serde_json::from_str(parent_json)
        .map_err(|e| WorkError::Internal(format!("stored roster.json: {e}")))?;
    let value = |v: serde_json::Result<serde_json::Value>| {
        v.map_err(|e| WorkError::Internal(format!("writing roster.json: {e}")))
    };
    if let Some(obj) = doc.as_object_mut() {
        obj.insert(
            "shifts".into(),
            value(serde_json::to_value(&roster.shifts))?,
        );
        obj.insert(
            "activities".into(),
            value(serde_json::to_value(&roster.activities))?,
        );
        obj.insert(
            "coverage".into(),
            value(serde_json::to_value(&roster.coverage))?,
        );
        obj.insert("edit".into(), edit.clone());
    }
    let files = crate::work::roster_files(roster).map_err(WorkError::Internal)?;
    Ok(Files {
        shifts_csv: files.shifts_csv,
        activities_csv: files.activities_csv,
        coverage_csv: files.coverage_csv,
        roster_json: doc.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CentreConfig {
        CentreConfig::sample().expect("sample centre")
    }

    fn days() -> (NaiveDate, NaiveDate) {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        (d("2026-11-16"), d("2026-11-22"))
    }

    fn input(kind: &str, agent: &str) -> EditIn {
        EditIn {
            kind: kind.into(),
            agent_id: agent.into(),
            other_agent_id: None,
            date: "2026-11-17".into(),
            start: Some("10:00".into()),
            end: Some("18:00".into()),
            activity: None,
            channel: None,
            force: false,
            note: String::new(),
        }
    }

    use crate::timeoff::tests::field;

    #[test]
    fn edits_are_checked_at_the_boundary_and_the_field_named() {
        let config = sample();
        let ok = Edit::parse(&config, days(), &input("move", "NH001")).expect("a move");
        assert_eq!(
            ok.describe(),
            "NH001's shift on Tue 17 Nov moved to 10:00-18:00"
        );
        let bad = |i: EditIn| field(Edit::parse(&config, days(), &i).expect_err("refused"));
        assert_eq!(bad(input("move", "NH999")), "agent_id");
        assert_eq!(bad(input("stretch", "NH001")), "kind");
        let mut off_grid = input("move", "NH001");
        off_grid.start = Some("10:07".into());
        assert_eq!(bad(off_grid), "start");
        let mut backwards = input("move", "NH001");
        backwards.end = Some("09:00".into());
        assert_eq!(bad(backwards), "end");
        let mut outside = input("delete", "NH001");
        outside.date = "2026-11-30".into();
        assert_eq!(bad(outside), "date");
        let mut swap = input("swap", "NH001");
        assert_eq!(bad(swap.clone()), "other_agent_id");
        swap.other_agent_id = Some("NH001".into());
        assert_eq!(bad(swap), "other_agent_id");
        let mut act = input("activity", "NH001");
        act.activity = Some("juggling".into());
        assert_eq!(bad(act.clone()), "activity");
        act.activity = Some("work".into());
        act.channel = Some("fax".into());
        assert_eq!(bad(act.clone()), "channel");
        act.activity = Some("training".into());
        act.channel = None;
        assert!(
            Edit::parse(&config, days(), &act).is_ok(),
            "a planned activity by name"
        );
    }

    /// NH001 08:00-16:00 on Tuesday (voice, a break at 10:00, voice), NH003 12:00-20:00 (chat).
    fn stored() -> Stored {
        let t = |hm: &str| format!("2026-11-17T{hm}:00+00:00");
        let doc = json!({
            "shifts": [
                {"agent_id": "NH001", "agent_name": "Aisha Khan", "date": "2026-11-17",
                 "template": "day", "start": t("08:00"), "end": t("16:00"), "paid_hours": 7.5,
                 "breaks": [{"kind": "break", "start": t("10:00"), "end": t("10:15")}]},
                {"agent_id": "NH003", "agent_name": "Chloe Barker", "date": "2026-11-17",
                 "template": "late", "start": t("12:00"), "end": t("20:00"), "paid_hours": 7.5,
                 "breaks": []}
            ],
            "activities": [
                {"agent_id": "NH001", "start": t("08:00"), "end": t("10:00"), "activity": "work", "channel": "voice"},
                {"agent_id": "NH001", "start": t("10:00"), "end": t("10:15"), "activity": "break", "channel": null},
                {"agent_id": "NH001", "start": t("10:15"), "end": t("16:00"), "activity": "work", "channel": "voice"},
                {"agent_id": "NH003", "start": t("12:00"), "end": t("20:00"), "activity": "work", "channel": "chat"}
            ],
            "coverage": []
        });
        Stored::read(&doc.to_string()).expect("reads")
    }

    use serde_json::json;

    fn edit(kind: &str, agent: &str, f: impl FnOnce(&mut EditIn)) -> Edit {
        let mut i = input(kind, agent);
        f(&mut i);
        Edit::parse(&sample(), days(), &i).expect("valid edit")
    }

    #[test]
    fn a_moved_shift_takes_its_day_with_it() {
        let config = sample();
        let moved = stored()
            .apply(&config, &edit("move", "NH001", |_| {}))
            .expect("moved");
        let s = moved
            .shifts
            .iter()
            .find(|s| s.agent_id == "NH001")
            .expect("shift");
        assert_eq!(s.start.format("%H:%M").to_string(), "10:00");
        assert_eq!(s.end.format("%H:%M").to_string(), "18:00");
        assert_eq!(s.breaks.len(), 1);
        assert_eq!(
            s.breaks[0].start.format("%H:%M").to_string(),
            "12:00",
            "the break moves too"
        );
        let mine: Vec<&Activity> = moved
            .activities
            .iter()
            .filter(|a| a.agent_id == "NH001")
            .collect();
        assert_eq!(mine.first().map(|a| a.start), Some(s.start));
        assert_eq!(mine.last().map(|a| a.end), Some(s.end));
        let worked: i64 = mine
            .iter()
            .filter(|a| a.activity == ActivityKind::Work)
            .map(|a| (a.end - a.start).num_minutes())
            .sum();
        assert_eq!(worked, 8 * 60 - 15);
        // a longer shift works on at its edge, on the channel it ended on
        let longer = stored()
            .apply(
                &config,
                &edit("move", "NH001", |i| i.start = Some("08:00".into())),
            )
            .expect("longer");
        let last = longer
            .activities
            .iter()
            .rfind(|a| a.agent_id == "NH001")
            .expect("last");
        assert_eq!(last.end.format("%H:%M").to_string(), "18:00");
        assert_eq!(last.channel.as_ref().map(|c| c.as_str()), Some("voice"));
        // a shift that is not there
        let e = stored()
            .apply(&config, &edit("move", "NH002", |_| {}))
            .expect_err("NH002 has no shift");
        assert_eq!(field(e), "date");
    }

    #[test]
    fn swaps_deletes_and_activities_change_only_what_they_say() {
        let config = sample();
        let before = stored();
        let swapped = before
            .apply(
                &config,
                &edit("swap", "NH001", |i| i.other_agent_id = Some("NH003".into())),
            )
            .expect("swapped");
        let who = |s: &Stored, start: &str| {
            s.shifts
                .iter()
                .find(|x| x.start.format("%H:%M").to_string() == start)
                .map(|x| x.agent_id.clone())
        };
        assert_eq!(who(&swapped, "08:00").as_deref(), Some("NH003"));
        assert_eq!(who(&swapped, "12:00").as_deref(), Some("NH001"));
        assert!(swapped
            .activities
            .iter()
            .filter(|a| a.channel.as_ref().is_some_and(|c| c.as_str() == "chat"))
            .all(|a| a.agent_id == "NH001"));
        assert_eq!(swapped.activities.len(), before.activities.len());
        // swapping with someone off that day gives them the shift
        let given = before
            .apply(
                &config,
                &edit("swap", "NH001", |i| i.other_agent_id = Some("NH002".into())),
            )
            .expect("given away");
        assert_eq!(who(&given, "08:00").as_deref(), Some("NH002"));
        assert_eq!(given.shifts[0].agent_name, "Ben Whitaker");

        let deleted = before
            .apply(&config, &edit("delete", "NH003", |_| {}))
            .expect("deleted");
        assert_eq!(deleted.shifts.len(), 1);
        assert!(deleted.activities.iter().all(|a| a.agent_id == "NH001"));

        let set = |from: &str, to: &str, what: &str| {
            before.apply(
                &config,
                &edit("activity", "NH003", |i| {
                    i.start = Some(from.into());
                    i.end = Some(to.into());
                    i.activity = Some(what.into());
                }),
            )
        };
        let trained = set("14:00", "15:00", "training").expect("training placed");
        let acts: Vec<(String, String)> = trained
            .activities
            .iter()
            .filter(|a| a.agent_id == "NH003")
            .map(|a| (a.start.format("%H:%M").to_string(), a.activity.to_string()))
            .collect();
        assert_eq!(
            acts,
            [
                ("12:00".into(), "work".into()),
                ("14:00".into(), "training".into()),
                ("15:00".into(), "work".into())
            ]
        );
        let e = set("19:00", "21:00", "break").expect_err("past the shift's end");
        assert_eq!(field(e), "start");
    }
}
