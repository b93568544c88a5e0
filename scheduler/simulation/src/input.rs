//! What a simulation replays: the roster (read from `shifts.csv` / `activities.csv` or taken from an
//! in-memory [`Roster`]) and the demand, checked against the centre configuration.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_data::demand::{DemandRecord, DemandSeries};
use rota_data::history::History;

use super::error::SimulationError;
use rota_roster::{ActivityKind, Roster};

/// What an agent does in one period of the roster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanActivityKind {
    /// Handling contacts of a channel.
    Work(ChannelName),
    /// A paid break.
    Break,
    /// An unpaid lunch.
    Lunch,
    /// Any other activity (training, meeting, facilities, ...): not available for contacts.
    Other(String),
}

impl PlanActivityKind {
    /// The channel worked, if any.
    pub fn channel(&self) -> Option<&ChannelName> {
        match self {
            PlanActivityKind::Work(c) => Some(c),
            _ => None,
        }
    }
}

/// One activity of one agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanActivity {
    /// Agent id (a configured agent).
    pub agent_id: String,
    /// Start.
    pub start: DateTime<FixedOffset>,
    /// End (after the start).
    pub end: DateTime<FixedOffset>,
    /// What the agent does.
    pub kind: PlanActivityKind,
}

/// A roster as the simulation needs it: every agent's activities and the local dates it covers.
/// Valid by construction: agents and channels are configured, activities of one agent do not
/// overlap and every period ends after it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterPlan {
    activities: Vec<PlanActivity>,
    first_date: NaiveDate,
    last_date: NaiveDate,
}

/// A shift's start and end.
type Period = (DateTime<FixedOffset>, DateTime<FixedOffset>);

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> SimulationError + '_ {
    move |source| SimulationError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn row_err(path: &Path, line: u64, message: impl Into<String>) -> SimulationError {
    SimulationError::Roster {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Columns of a CSV header by name, with an error naming the missing ones.
fn columns<const N: usize>(
    path: &Path,
    header: &csv::StringRecord,
    names: [&str; N],
) -> Result<[usize; N], SimulationError> {
    let mut out = [0usize; N];
    let mut missing = Vec::new();
    for (k, name) in names.iter().enumerate() {
        match header.iter().position(|h| h.trim() == *name) {
            Some(i) => out[k] = i,
            None => missing.push(*name),
        }
    }
    if missing.is_empty() {
        Ok(out)
    } else {
        Err(row_err(
            path,
            1,
            format!(
                "missing column(s) {}; expected a header with {}",
                missing.join(", "),
                names.join(", ")
            ),
        ))
    }
}

/// A roster timestamp: RFC 3339 as `rota schedule` writes it, or local `DD/MM/YYYY HH:MM` as
/// `rota schedule --excel-dates` (and a roster saved from UK Excel) writes it, placed in the
/// centre's time zone.
fn parse_time(
    path: &Path,
    line: u64,
    column: &str,
    s: &str,
    tz: chrono_tz::Tz,
) -> Result<DateTime<FixedOffset>, SimulationError> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    let fail = |why: String| row_err(path, line, format!("column {column}: {s:?} {why}"));
    let local = chrono::NaiveDateTime::parse_from_str(s, "%d/%m/%Y %H:%M").map_err(|_| {
        fail(
            "is not a timestamp; expected RFC 3339 (2026-11-16T08:00:00+00:00) or local \
             DD/MM/YYYY HH:MM (16/11/2026 08:00)"
                .into(),
        )
    })?;
    match tz.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Ok(t.fixed_offset()),
        chrono::LocalResult::Ambiguous(..) => Err(fail(format!(
            "happens twice in {tz} (the clocks go back that night); write this row as RFC 3339 \
             with its offset"
        ))),
        chrono::LocalResult::None => Err(fail(format!(
            "does not exist in {tz} (the clocks go forward that night)"
        ))),
    }
}

/// A roster date: `YYYY-MM-DD` or UK `DD/MM/YYYY`.
fn parse_date(path: &Path, line: u64, s: &str) -> Result<NaiveDate, SimulationError> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| {
            row_err(
                path,
                line,
                format!("column date: {s:?} is not a date; expected YYYY-MM-DD or DD/MM/YYYY"),
            )
        })
}

fn known_agent(config: &CentreConfig, id: &str) -> Result<(), String> {
    if config.agent(id).is_some() {
        return Ok(());
    }
    let ids: Vec<&str> = config.agents().iter().map(|a| a.id()).collect();
    let shown = if ids.len() > 6 {
        format!(
            "{} .. {} ({} agents)",
            ids[0],
            ids[ids.len() - 1],
            ids.len()
        )
    } else {
        ids.join(", ")
    };
    Err(format!(
        "unknown agent {id:?}; the configuration has {}",
        if shown.is_empty() {
            "no agents".to_string()
        } else {
            shown
        }
    ))
}

fn known_channel(config: &CentreConfig, name: &str) -> Result<ChannelName, String> {
    match config.channel(name.trim()) {
        Some(c) => Ok(c.name().clone()),
        None => Err(format!(
            "unknown channel {name:?}; the configuration has {}",
            config
                .channel_names()
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

impl RosterPlan {
    /// Builds a plan from activities, checking agents and channels against `config`. The horizon
    /// runs from `first_date` to `last_date` (local dates, inclusive).
    pub fn new(
        config: &CentreConfig,
        mut activities: Vec<PlanActivity>,
        first_date: NaiveDate,
        last_date: NaiveDate,
    ) -> Result<Self, SimulationError> {
        if last_date < first_date {
            return Err(SimulationError::InvalidRoster(format!(
                "the roster period ends ({last_date}) before it starts ({first_date})"
            )));
        }
        for a in &activities {
            known_agent(config, &a.agent_id).map_err(SimulationError::InvalidRoster)?;
            if let PlanActivityKind::Work(c) = &a.kind {
                known_channel(config, c.as_str()).map_err(SimulationError::InvalidRoster)?;
            }
            if a.end <= a.start {
                return Err(SimulationError::InvalidRoster(format!(
                    "agent {}: activity from {} to {} does not end after it starts",
                    a.agent_id, a.start, a.end
                )));
            }
        }
        activities.sort_by(|a, b| a.agent_id.cmp(&b.agent_id).then(a.start.cmp(&b.start)));
        for w in activities.windows(2) {
            if w[0].agent_id == w[1].agent_id && w[1].start < w[0].end {
                return Err(SimulationError::InvalidRoster(format!(
                    "agent {}: activities overlap ({} to {} and {} to {})",
                    w[0].agent_id, w[0].start, w[0].end, w[1].start, w[1].end
                )));
            }
        }
        Ok(Self {
            activities,
            first_date,
            last_date,
        })
    }

    /// The plan of an in-memory roster (from [`rota_roster::schedule`]).
    pub fn from_roster(roster: &Roster, config: &CentreConfig) -> Result<Self, SimulationError> {
        let grid = config.grid();
        let activities: Vec<PlanActivity> = roster
            .activities
            .iter()
            .map(|a| {
                let kind = match (a.activity, &a.channel) {
                    (ActivityKind::Work, Some(c)) => PlanActivityKind::Work(c.clone()),
                    (ActivityKind::Work, None) => PlanActivityKind::Other("work".into()),
                    (ActivityKind::Break, _) => PlanActivityKind::Break,
                    (ActivityKind::Lunch, _) => PlanActivityKind::Lunch,
                };
                PlanActivity {
                    agent_id: a.agent_id.clone(),
                    start: a.start,
                    end: a.end,
                    kind,
                }
            })
            .collect();
        let mut dates: BTreeSet<NaiveDate> = roster.shifts.iter().map(|s| s.date).collect();
        for s in &roster.shifts {
            dates.insert(grid.local_date(&(s.end - Duration::seconds(1))));
        }
        for a in &activities {
            dates.insert(grid.local_date(&a.start));
            dates.insert(grid.local_date(&(a.end - Duration::seconds(1))));
        }
        let (Some(first), Some(last)) = (dates.first(), dates.last()) else {
            return Err(SimulationError::InvalidRoster(
                "the roster has no shifts".into(),
            ));
        };
        let last = planning_last(config, *first, *last);
        Self::new(config, activities, *first, last)
    }

    /// Reads `shifts.csv` and `activities.csv` from `dir` (as written by `rota schedule`).
    ///
    /// Errors name the file and line: unknown agents or channels, bad timestamps, a work period
    /// without a channel, overlapping activities. Activity kinds other than `work`, `break` and
    /// `lunch` (e.g. `training`) are accepted and make the agent unavailable for contacts.
    pub fn read_dir(dir: impl AsRef<Path>, config: &CentreConfig) -> Result<Self, SimulationError> {
        let dir = dir.as_ref();
        let (shifts, activities) = (dir.join("shifts.csv"), dir.join("activities.csv"));
        let open = |p: &Path| std::fs::File::open(p).map_err(io_err(p));
        Self::read_from(
            (open(&shifts)?, &shifts),
            (open(&activities)?, &activities),
            config,
        )
    }

    /// [`RosterPlan::read_dir`] over any readers of `shifts.csv` and `activities.csv`, each with
    /// the label its errors name (an upload's name, say), so nothing needs a temporary file.
    pub fn read_from<S: std::io::Read, A: std::io::Read>(
        shifts: (S, &Path),
        activities: (A, &Path),
        config: &CentreConfig,
    ) -> Result<Self, SimulationError> {
        let grid = config.grid();
        let mut dates = BTreeSet::new();
        let shifts_label = shifts.1.to_path_buf();

        let p = shifts.1.to_path_buf();
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(shifts.0);
        let header = r.headers().map_err(csv_err(&p))?.clone();
        let [c_agent, c_date, c_start, c_end] =
            columns(&p, &header, ["agent_id", "date", "start", "end"])?;
        let mut shifts: BTreeMap<String, Vec<Period>> = BTreeMap::new();
        for rec in r.records() {
            let rec = rec.map_err(csv_err(&p))?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let get = |i: usize| rec.get(i).unwrap_or("").trim();
            let agent = get(c_agent);
            known_agent(config, agent).map_err(|m| row_err(&p, line, m))?;
            let date = parse_date(&p, line, get(c_date))?;
            let start = parse_time(&p, line, "start", get(c_start), grid.tz)?;
            let end = parse_time(&p, line, "end", get(c_end), grid.tz)?;
            if end <= start {
                return Err(row_err(&p, line, "the shift ends before it starts"));
            }
            dates.insert(date);
            dates.insert(grid.local_date(&(end - Duration::seconds(1))));
            shifts
                .entry(agent.to_string())
                .or_default()
                .push((start, end));
        }

        let p = activities.1.to_path_buf();
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .from_reader(activities.0);
        let header = r.headers().map_err(csv_err(&p))?.clone();
        let [c_agent, c_start, c_end, c_act, c_ch] = columns(
            &p,
            &header,
            ["agent_id", "start", "end", "activity", "channel"],
        )?;
        let mut activities = Vec::new();
        for rec in r.records() {
            let rec = rec.map_err(csv_err(&p))?;
            let line = rec.position().map(|p| p.line()).unwrap_or(0);
            let get = |i: usize| rec.get(i).unwrap_or("").trim();
            let agent = get(c_agent);
            known_agent(config, agent).map_err(|m| row_err(&p, line, m))?;
            let start = parse_time(&p, line, "start", get(c_start), grid.tz)?;
            let end = parse_time(&p, line, "end", get(c_end), grid.tz)?;
            if end <= start {
                return Err(row_err(&p, line, "the activity ends before it starts"));
            }
            let in_shift = shifts
                .get(agent)
                .is_some_and(|v| v.iter().any(|(s, e)| *s <= start && end <= *e));
            if !in_shift {
                return Err(row_err(
                    &p,
                    line,
                    format!(
                        "agent {agent}: activity {start} to {end} lies outside every shift of this agent in shifts.csv"
                    ),
                ));
            }
            let act = get(c_act).to_ascii_lowercase();
            let kind = match act.as_str() {
                "work" => {
                    let ch = get(c_ch);
                    if ch.is_empty() {
                        return Err(row_err(
                            &p,
                            line,
                            "column channel: a work period needs the channel worked",
                        ));
                    }
                    PlanActivityKind::Work(
                        known_channel(config, ch).map_err(|m| row_err(&p, line, m))?,
                    )
                }
                "break" => PlanActivityKind::Break,
                "lunch" => PlanActivityKind::Lunch,
                "" => return Err(row_err(
                    &p,
                    line,
                    "column activity: empty; expected work, break, lunch or another activity name",
                )),
                other => PlanActivityKind::Other(other.to_string()),
            };
            activities.push((
                line,
                PlanActivity {
                    agent_id: agent.to_string(),
                    start,
                    end,
                    kind,
                },
            ));
        }
        // Overlaps with the line that causes them.
        let mut sorted: Vec<&(u64, PlanActivity)> = activities.iter().collect();
        sorted.sort_by(|a, b| {
            a.1.agent_id
                .cmp(&b.1.agent_id)
                .then(a.1.start.cmp(&b.1.start))
        });
        for w in sorted.windows(2) {
            if w[0].1.agent_id == w[1].1.agent_id && w[1].1.start < w[0].1.end {
                return Err(row_err(
                    &p,
                    w[1].0.max(w[0].0),
                    format!(
                        "agent {}: activity {} to {} overlaps the one from {} to {} (line {})",
                        w[1].1.agent_id,
                        w[1].1.start,
                        w[1].1.end,
                        w[0].1.start,
                        w[0].1.end,
                        w[0].0.min(w[1].0)
                    ),
                ));
            }
        }
        let (Some(first), Some(last)) = (dates.first().copied(), dates.last().copied()) else {
            return Err(SimulationError::InvalidRoster(format!(
                "{}: the roster has no shifts",
                shifts_label.display()
            )));
        };
        Self::new(
            config,
            activities.into_iter().map(|(_, a)| a).collect(),
            first,
            planning_last(config, first, last),
        )
    }

    /// The same roster simulated over `first` to `last` (local dates, inclusive) instead of the
    /// period read from the shifts; activities outside it are ignored.
    pub fn with_period(self, first: NaiveDate, last: NaiveDate) -> Result<Self, SimulationError> {
        if last < first {
            return Err(SimulationError::InvalidRoster(format!(
                "the period ends ({last}) before it starts ({first})"
            )));
        }
        Ok(Self {
            first_date: first,
            last_date: last,
            ..self
        })
    }

    /// Activities by agent and start.
    pub fn activities(&self) -> &[PlanActivity] {
        &self.activities
    }

    /// First local date of the roster period.
    pub fn first_date(&self) -> NaiveDate {
        self.first_date
    }

    /// Last local date of the roster period (inclusive).
    pub fn last_date(&self) -> NaiveDate {
        self.last_date
    }
}

/// The last date of the roster period: the planning horizon (`planning.horizon_days`, a roster
/// week by default) from the first shift date, or the last shift date when the roster runs longer.
/// A week whose Sunday has no shifts is still a week: email arriving on Sunday waits for Monday.
fn planning_last(config: &CentreConfig, first: NaiveDate, last: NaiveDate) -> NaiveDate {
    let days = i64::from(config.centre().planning().horizon_days().max(1));
    last.max(first + Duration::days(days - 1))
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> SimulationError + '_ {
    move |e| {
        let line = e.position().map(|p| p.line()).unwrap_or(0);
        row_err(path, line, format!("cannot read CSV: {e}"))
    }
}

/// One agent's availability: periods in seconds from the horizon start, with the channel worked
/// (`None`: break, lunch or another activity).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AgentTimeline {
    pub config_index: usize,
    pub periods: Vec<(f64, f64, Option<usize>)>,
}

/// Everything a simulation replays, checked for consistency: the horizon (the roster period on the
/// centre's interval grid), the demand of every channel in every interval in which it takes
/// contacts, and the agents' timelines.
#[derive(Debug, Clone)]
pub struct SimulationInput {
    pub(crate) config: CentreConfig,
    pub(crate) interval_starts: Vec<DateTime<FixedOffset>>,
    pub(crate) interval_s: f64,
    /// `[channel][interval]` offered (forecast mean).
    pub(crate) offered: Vec<Vec<f64>>,
    /// `[channel][interval]` AHT, seconds.
    pub(crate) aht: Vec<Vec<f64>>,
    /// `[channel][interval]` contacts accepted (live: open; deferred: always).
    pub(crate) accepting: Vec<Vec<bool>>,
    /// `[channel][interval]` channel worked (opening / worked hours).
    pub(crate) worked: Vec<Vec<bool>>,
    pub(crate) agents: Vec<AgentTimeline>,
    pub(crate) first_date: NaiveDate,
    pub(crate) last_date: NaiveDate,
}

impl SimulationInput {
    /// Checks `demand` and `roster` against `config` and lays them on the roster period's interval
    /// grid.
    ///
    /// Errors: a forecast naming a channel that is not configured; a forecast that does not cover
    /// an interval of the roster period in which a forecast or rostered channel takes contacts; a
    /// forecast row off the interval grid.
    pub fn new(
        config: &CentreConfig,
        demand: &DemandSeries,
        roster: &RosterPlan,
    ) -> Result<Self, SimulationError> {
        let grid = config.grid();
        let starts: Vec<DateTime<FixedOffset>> = grid
            .interval_starts_in_dates(roster.first_date, roster.last_date)
            .into_iter()
            .map(|t| t.fixed_offset())
            .collect();
        let interval_s = f64::from(grid.length.seconds());
        let Some(h0) = starts.first().copied() else {
            return Err(SimulationError::InvalidRoster(
                "the roster period has no intervals".into(),
            ));
        };
        for (i, t) in starts.iter().enumerate() {
            if (*t - h0).num_seconds() as f64 != i as f64 * interval_s {
                return Err(SimulationError::InvalidRoster(format!(
                    "interval {t} is not {} minutes after the previous one; time zones whose clocks move by less than an interval are not supported",
                    grid.length.minutes()
                )));
            }
        }
        let n_iv = starts.len();
        let h_end = h0 + Duration::seconds((n_iv as f64 * interval_s) as i64);
        let channels = config.channels();
        let n_ch = channels.len();
        let index_of = |name: &ChannelName| channels.iter().position(|c| c.name() == name);

        let mut offered = vec![vec![0.0; n_iv]; n_ch];
        let mut aht: Vec<Vec<f64>> = channels
            .iter()
            .map(|c| vec![c.aht_seconds(); n_iv])
            .collect();
        let mut present = vec![vec![false; n_iv]; n_ch];
        let mut forecast_channels = BTreeSet::new();
        for r in demand.records() {
            let Some(c) = index_of(r.channel()) else {
                return Err(SimulationError::Demand(format!(
                    "channel {:?} (interval {}) is not configured; the configuration has {}",
                    r.channel().as_str(),
                    r.interval_start(),
                    config
                        .channel_names()
                        .iter()
                        .map(|c| c.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                )));
            };
            let t = r.interval_start();
            if t < h0 || t >= h_end {
                continue;
            }
            let secs = (t - h0).num_seconds() as f64;
            let i = (secs / interval_s) as usize;
            if (i as f64) * interval_s != secs {
                return Err(SimulationError::Demand(format!(
                    "interval {t} of channel {} is not on the {}-minute grid",
                    r.channel(),
                    grid.length.minutes()
                )));
            }
            forecast_channels.insert(c);
            offered[c][i] = r.offered_mean();
            if r.aht_seconds() > 0.0 {
                aht[c][i] = r.aht_seconds();
            }
            present[c][i] = true;
        }

        let accepting: Vec<Vec<bool>> = channels
            .iter()
            .map(|ch| {
                starts
                    .iter()
                    .map(|t| config.accepts_contacts_at(ch, t))
                    .collect()
            })
            .collect();
        let worked: Vec<Vec<bool>> = channels
            .iter()
            .map(|ch| starts.iter().map(|t| config.is_worked_at(ch, t)).collect())
            .collect();

        // Agents.
        let mut by_agent: BTreeMap<&str, Vec<&PlanActivity>> = BTreeMap::new();
        let mut rostered_channels = BTreeSet::new();
        for a in &roster.activities {
            by_agent.entry(a.agent_id.as_str()).or_default().push(a);
        }
        let horizon_s = n_iv as f64 * interval_s;
        let mut agents = Vec::new();
        for (id, acts) in by_agent {
            let Some(config_index) = config.agents().iter().position(|a| a.id() == id) else {
                return Err(SimulationError::InvalidRoster(format!(
                    "unknown agent {id:?}"
                )));
            };
            let mut periods = Vec::new();
            for a in acts {
                let s = ((a.start - h0).num_milliseconds() as f64 / 1000.0).clamp(0.0, horizon_s);
                let e = ((a.end - h0).num_milliseconds() as f64 / 1000.0).clamp(0.0, horizon_s);
                if e <= s {
                    continue;
                }
                let ch = match &a.kind {
                    PlanActivityKind::Work(c) => {
                        let Some(ci) = index_of(c) else {
                            return Err(SimulationError::InvalidRoster(format!(
                                "agent {id}: unknown channel {c:?}"
                            )));
                        };
                        rostered_channels.insert(ci);
                        Some(ci)
                    }
                    _ => None,
                };
                periods.push((s, e, ch));
            }
            agents.push(AgentTimeline {
                config_index,
                periods,
            });
        }
        if agents.iter().all(|a| a.periods.is_empty()) {
            return Err(SimulationError::InvalidRoster(
                "no agent works in the roster period".into(),
            ));
        }

        // Coverage of the roster period by the forecast.
        for c in forecast_channels.union(&rostered_channels) {
            let c = *c;
            let missing: Vec<usize> = (0..n_iv)
                .filter(|&i| accepting[c][i] && !present[c][i])
                .collect();
            if let Some(&first) = missing.first() {
                let needed = accepting[c].iter().filter(|a| **a).count();
                return Err(SimulationError::Demand(format!(
                    "the forecast does not cover the roster period {} to {} for channel {}: {} of the {} intervals in which it takes contacts have no forecast (first missing: {}); forecast the whole period (rota forecast --from {} --days {})",
                    roster.first_date,
                    roster.last_date,
                    channels[c].name(),
                    missing.len(),
                    needed,
                    rota_data::history::rfc3339(&starts[first].with_timezone(&grid.tz)),
                    roster.first_date,
                    (roster.last_date - roster.first_date).num_days() + 1
                )));
            }
        }
        // Live channels take no contacts while closed, whatever the forecast says.
        for c in 0..n_ch {
            for i in 0..n_iv {
                if !accepting[c][i] {
                    offered[c][i] = 0.0;
                }
            }
        }

        Ok(Self {
            config: config.clone(),
            interval_starts: starts,
            interval_s,
            offered,
            aht,
            accepting,
            worked,
            agents,
            first_date: roster.first_date,
            last_date: roster.last_date,
        })
    }

    /// The interval starts of the horizon (local offsets).
    pub fn interval_starts(&self) -> &[DateTime<FixedOffset>] {
        &self.interval_starts
    }

    /// First and last local date simulated.
    pub fn dates(&self) -> (NaiveDate, NaiveDate) {
        (self.first_date, self.last_date)
    }

    /// Expected contacts offered over the horizon, all channels (Poisson mean).
    pub fn expected_contacts(&self) -> f64 {
        self.offered.iter().flatten().sum()
    }

    /// The configuration simulated.
    pub fn config(&self) -> &CentreConfig {
        &self.config
    }
}

/// Demand that replays a history: the offered count of every interval from `first` to `last`
/// (local dates, inclusive) as the "forecast", with the history's AHT where exported (the channel's
/// configured AHT otherwise). Use with [`super::ArrivalProcess::Replay`] to replay exactly those
/// counts.
pub fn demand_from_history(
    history: &History,
    config: &CentreConfig,
    first: NaiveDate,
    last: NaiveDate,
) -> Result<DemandSeries, SimulationError> {
    let grid = config.grid();
    let mut records = Vec::new();
    for r in history.records() {
        let d = grid.local_date(&r.interval_start());
        if d < first || d > last {
            continue;
        }
        let Some(ch) = config.channel(r.channel().as_str()) else {
            return Err(SimulationError::Demand(format!(
                "history channel {:?} is not configured",
                r.channel().as_str()
            )));
        };
        let n = f64::from(r.offered());
        let aht = r
            .aht_seconds()
            .filter(|a| *a > 0.0)
            .unwrap_or(ch.aht_seconds());
        let rec = DemandRecord::new(r.interval_start(), r.channel().clone(), n, n, n, n, aht)
            .map_err(|(col, m)| {
                SimulationError::Demand(format!(
                    "history {} {} column {col}: {m}",
                    r.channel(),
                    r.interval_start()
                ))
            })?;
        records.push(rec);
    }
    DemandSeries::new(records).map_err(|e| SimulationError::Demand(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_times_are_placed_in_the_centre_zone_and_clock_changes_are_named() {
        let p = Path::new("activities.csv");
        let tz = chrono_tz::Europe::London;
        let summer = parse_time(p, 2, "start", "01/07/2026 09:15", tz).unwrap();
        assert_eq!(summer.to_rfc3339(), "2026-07-01T09:15:00+01:00");
        let winter = parse_time(p, 2, "start", "16/11/2026 09:15", tz).unwrap();
        assert_eq!(winter.to_rfc3339(), "2026-11-16T09:15:00+00:00");
        let twice = parse_time(p, 3, "end", "25/10/2026 01:30", tz).unwrap_err();
        assert!(twice.to_string().contains("happens twice"), "{twice}");
        assert!(twice.to_string().contains("activities.csv:3:"), "{twice}");
        let never = parse_time(p, 4, "start", "28/03/2027 01:30", tz).unwrap_err();
        assert!(never.to_string().contains("does not exist"), "{never}");
        assert_eq!(
            parse_date(p, 2, "16/11/2026").unwrap(),
            parse_date(p, 2, "2026-11-16").unwrap()
        );
    }
}
