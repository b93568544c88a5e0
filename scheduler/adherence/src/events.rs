//! Agent state events: what the phone system (ACD) says each agent was doing, read from a CSV
//! export with columns `agent_id, timestamp, state` and, where the state needs them, `channel`
//! and `activity`.
//!
//! An event starts a state that lasts until the same agent's next event; before an agent's first
//! event the agent is taken as logged out.
//!
//! Two things ACD exports commonly get wrong are repaired rather than refused, and counted so the
//! analyst sees they happened:
//! * **Out-of-order events** of one agent are sorted by their timestamps. Exports merged from
//!   several files (one per queue or per hour) or fed by a late-arriving stream interleave like
//!   this; the timestamp, not the row order, is when the agent changed state, so an analyst
//!   expects the log read in time order rather than a refused file.
//! * **Exact duplicates** (same agent, timestamp, state, channel and activity) are dropped: an
//!   export re-run over an overlapping window repeats rows, and reading them twice must not change
//!   any figure (idempotent).
//!
//! Two events of one agent at the same instant with different states are refused: which state the
//! agent was in cannot be known, and guessing would move adherence either way.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDateTime};
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_data::grid::IntervalGrid;

use crate::error::AdherenceError;

/// What an agent is doing, as the phone system reports it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AgentState {
    /// Logged in and ready for contacts of a channel.
    Available(ChannelName),
    /// Handling a contact of a channel (talk, hold, wrap-up).
    OnContact(ChannelName),
    /// On a break.
    Break,
    /// At lunch.
    Lunch,
    /// Logged in but in another activity (training, meeting, facilities, ...), with its name when
    /// the export gives one.
    Activity(Option<String>),
    /// Logged out.
    Offline,
}

/// The state names of the events file, as the errors list them.
pub const STATE_NAMES: &str = "available, on_contact, break, lunch, activity or offline";

impl AgentState {
    /// The channel being worked, for `available` and `on_contact`.
    pub fn channel(&self) -> Option<&ChannelName> {
        match self {
            AgentState::Available(c) | AgentState::OnContact(c) => Some(c),
            _ => None,
        }
    }

    /// Logged in: every state but `offline`.
    pub fn is_logged_in(&self) -> bool {
        !matches!(self, AgentState::Offline)
    }

    /// Working, as conformance counts it: logged in and not on a break or at lunch (planned
    /// activities are work the centre pays for).
    pub fn is_working(&self) -> bool {
        self.is_logged_in() && !self.is_away()
    }

    /// On a break or at lunch.
    pub fn is_away(&self) -> bool {
        matches!(self, AgentState::Break | AgentState::Lunch)
    }

    /// The state's name in the events file.
    pub fn name(&self) -> &'static str {
        match self {
            AgentState::Available(_) => "available",
            AgentState::OnContact(_) => "on_contact",
            AgentState::Break => "break",
            AgentState::Lunch => "lunch",
            AgentState::Activity(_) => "activity",
            AgentState::Offline => "offline",
        }
    }
}

impl fmt::Display for AgentState {
    /// As a supervisor says it: `available on voice`, `on a contact on chat`, `activity training`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AgentState::Available(c) => write!(f, "available on {c}"),
            AgentState::OnContact(c) => write!(f, "on a contact on {c}"),
            AgentState::Activity(Some(name)) => write!(f, "activity {name}"),
            AgentState::Offline => f.write_str("logged out"),
            other => f.write_str(other.name()),
        }
    }
}

/// One state change of one agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentEvent {
    /// Agent id (a configured agent).
    pub agent_id: String,
    /// When the agent entered the state.
    pub at: DateTime<FixedOffset>,
    /// The state entered.
    pub state: AgentState,
    /// The line of the events file (0 for an event built in memory), for errors.
    pub line: u64,
}

/// Every agent's state events, in time order per agent, with what reading them repaired.
#[derive(Debug, Clone, PartialEq)]
pub struct EventLog {
    /// By agent id, then time.
    events: Vec<AgentEvent>,
    /// Events that came before an earlier event of the same agent in the file, and were sorted.
    reordered: usize,
    /// The first line of such an event.
    first_reordered_line: Option<u64>,
    /// Exact repeats dropped.
    duplicates: usize,
}

impl EventLog {
    /// Reads an events CSV (`agent_id, timestamp, state`, optional `channel` and `activity`
    /// columns, found by name; other columns are ignored) against the configuration. `label`
    /// names the file in errors.
    ///
    /// Timestamps are RFC 3339 with their offset (`2026-11-16T09:00:00+00:00`) or local
    /// `YYYY-MM-DD HH:MM[:SS]` in the centre's time zone. `available` and `on_contact` need the
    /// configured channel being worked; `activity` may name the activity.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = rota_data::config::CentreConfig::load("../../data/samples/centre.toml")?;
    /// let csv = "agent_id,timestamp,state,channel\n\
    ///            NH001,2026-11-16 09:00,available,voice\n\
    ///            NH001,2026-11-16 17:00,offline,\n";
    /// let log = rota_adherence::EventLog::read_from(csv.as_bytes(), "events.csv".as_ref(), &config)?;
    /// assert_eq!(log.events().len(), 2);
    /// # Ok(()) }
    /// ```
    pub fn read_from<R: Read>(
        reader: R,
        label: &Path,
        config: &CentreConfig,
    ) -> Result<Self, AdherenceError> {
        let rows = read_rows(reader, label, config)?;
        Self::build(rows, label)
    }

    /// A log of events built in memory (lines may be 0), checked and repaired as a file is.
    pub fn from_events(events: Vec<AgentEvent>) -> Result<Self, AdherenceError> {
        Self::build(events, Path::new("(events)"))
    }

    fn build(rows: Vec<AgentEvent>, label: &Path) -> Result<Self, AdherenceError> {
        let mut seen: HashMap<(&str, DateTime<FixedOffset>), (&AgentState, u64)> = HashMap::new();
        let mut latest: HashMap<&str, DateTime<FixedOffset>> = HashMap::new();
        let mut keep = vec![true; rows.len()];
        let (mut duplicates, mut reordered, mut first_reordered_line) = (0, 0, None);
        for (i, e) in rows.iter().enumerate() {
            match seen.get(&(e.agent_id.as_str(), e.at)) {
                Some((state, _)) if **state == e.state => {
                    keep[i] = false;
                    duplicates += 1;
                    continue;
                }
                Some((state, line)) => {
                    return Err(AdherenceError::Event {
                        path: label.to_path_buf(),
                        line: e.line,
                        column: "state".into(),
                        message: format!(
                            "agent {} is {} at {} here but {} at the same instant on line {line}; \
                             expected one state per agent and instant",
                            e.agent_id, e.state, e.at, state
                        ),
                    });
                }
                None => {
                    seen.insert((e.agent_id.as_str(), e.at), (&e.state, e.line));
                }
            }
            let last = latest.entry(e.agent_id.as_str()).or_insert(e.at);
            if e.at < *last {
                reordered += 1;
                first_reordered_line.get_or_insert(e.line);
            } else {
                *last = e.at;
            }
        }
        drop(seen);
        drop(latest);
        let mut events: Vec<AgentEvent> = rows
            .into_iter()
            .zip(keep)
            .filter_map(|(e, k)| k.then_some(e))
            .collect();
        events.sort_by(|a, b| a.agent_id.cmp(&b.agent_id).then(a.at.cmp(&b.at)));
        Ok(Self {
            events,
            reordered,
            first_reordered_line,
            duplicates,
        })
    }

    /// Every event, by agent id and then time.
    pub fn events(&self) -> &[AgentEvent] {
        &self.events
    }

    /// One agent's events in time order (empty when the log has none).
    pub fn of_agent(&self, agent_id: &str) -> &[AgentEvent] {
        let from = self
            .events
            .partition_point(|e| e.agent_id.as_str() < agent_id);
        let to = self
            .events
            .partition_point(|e| e.agent_id.as_str() <= agent_id);
        &self.events[from..to]
    }

    /// The earliest and latest event (`None` for an empty log).
    pub fn span(&self) -> Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)> {
        let first = self.events.iter().map(|e| e.at).min()?;
        let last = self.events.iter().map(|e| e.at).max()?;
        Some((first, last))
    }

    /// How many events were out of time order for their agent in the file, and sorted.
    pub fn reordered(&self) -> usize {
        self.reordered
    }

    /// The file line of the first out-of-order event.
    pub fn first_reordered_line(&self) -> Option<u64> {
        self.first_reordered_line
    }

    /// How many exact repeats were dropped.
    pub fn duplicates(&self) -> usize {
        self.duplicates
    }
}

/// A timestamp of the events file (and the CLI's `--now`): RFC 3339 with its offset, or local
/// `YYYY-MM-DD HH:MM[:SS]` (a `T` may stand for the space) placed in the centre's time zone,
/// refusing a local time the clocks skip or repeat (it names no single instant).
///
/// ```
/// use rota_data::grid::{IntervalGrid, IntervalLength};
/// let grid = IntervalGrid::new(IntervalLength::M15, chrono_tz::Europe::London);
/// let summer = rota_adherence::parse_timestamp("2026-07-01 09:00", &grid).unwrap();
/// assert_eq!(summer.to_rfc3339(), "2026-07-01T09:00:00+01:00");
/// assert!(rota_adherence::parse_timestamp("2026-03-29 01:30", &grid).is_err());
/// ```
pub fn parse_timestamp(s: &str, grid: &IntervalGrid) -> Result<DateTime<FixedOffset>, String> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t);
    }
    let local = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or_else(|| {
        format!(
            "{s:?} is not a timestamp; expected RFC 3339 (2026-11-16T09:00:00+00:00) or local \
                 YYYY-MM-DD HH:MM[:SS] in {}",
            grid.tz
        )
    })?;
    grid.localize(local)
        .map(|t| t.fixed_offset())
        .map_err(|e| e.to_string())
}

/// The columns of the events file.
struct Columns {
    agent: usize,
    timestamp: usize,
    state: usize,
    channel: Option<usize>,
    activity: Option<usize>,
}

fn file_err(path: &Path, line: u64, message: String) -> AdherenceError {
    AdherenceError::File {
        path: path.to_path_buf(),
        line,
        message,
    }
}

fn columns(path: &Path, header: &csv::StringRecord) -> Result<Columns, AdherenceError> {
    let find = |name: &str| {
        header
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let required = ["agent_id", "timestamp", "state"].map(|n| (n, find(n)));
    let missing: Vec<&str> = required
        .iter()
        .filter(|(_, i)| i.is_none())
        .map(|(n, _)| *n)
        .collect();
    match required.map(|(_, i)| i) {
        [Some(agent), Some(timestamp), Some(state)] => Ok(Columns {
            agent,
            timestamp,
            state,
            channel: find("channel"),
            activity: find("activity"),
        }),
        _ => Err(file_err(
            path,
            1,
            format!(
                "missing column(s) {}; expected a header agent_id,timestamp,state[,channel][,activity]",
                missing.join(", ")
            ),
        )),
    }
}

/// The rows of an events file, in file order, each checked against the configuration.
fn read_rows<R: Read>(
    reader: R,
    path: &Path,
    config: &CentreConfig,
) -> Result<Vec<AgentEvent>, AdherenceError> {
    let grid = config.grid();
    let csv_err = |e: csv::Error| {
        let line = e.position().map(|p| p.line()).unwrap_or(0);
        let message = format!("cannot read CSV: {e}");
        match e.into_kind() {
            csv::ErrorKind::Io(source) => AdherenceError::Io {
                path: path.to_path_buf(),
                source,
            },
            _ => file_err(path, line, message),
        }
    };
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(reader);
    let header = r.headers().map_err(csv_err)?.clone();
    let cols = columns(path, &header)?;
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec.map_err(csv_err)?;
        let line = rec.position().map(|p| p.line()).unwrap_or(0);
        let get = |i: Option<usize>| i.and_then(|i| rec.get(i)).unwrap_or("").trim();
        let fail = |column: &str, message: String| AdherenceError::Event {
            path: path.to_path_buf(),
            line,
            column: column.to_string(),
            message,
        };
        let agent_id = get(Some(cols.agent));
        if config.agent(agent_id).is_none() {
            return Err(fail("agent_id", unknown_agent(config, agent_id)));
        }
        let at =
            parse_timestamp(get(Some(cols.timestamp)), &grid).map_err(|m| fail("timestamp", m))?;
        let state = parse_state(
            config,
            get(Some(cols.state)),
            get(cols.channel),
            get(cols.activity),
        )
        .map_err(|(column, m)| fail(column, m))?;
        out.push(AgentEvent {
            agent_id: agent_id.to_string(),
            at,
            state,
            line,
        });
    }
    Ok(out)
}

fn unknown_agent(config: &CentreConfig, id: &str) -> String {
    let agents = config.agents();
    let known = match agents {
        [] => "the configuration has no agents".to_string(),
        [only] => format!("the configuration has only {}", only.id()),
        [first, .., last] => format!(
            "expected an agent of the configuration ({} to {}, {} agents)",
            first.id(),
            last.id(),
            agents.len()
        ),
    };
    if id.is_empty() {
        format!("empty; {known}")
    } else {
        format!("unknown agent {id:?}; {known}")
    }
}

/// A state cell (case, spaces and `-` for `_` do not matter) with its channel and activity cells.
/// The error names the column at fault.
fn parse_state(
    config: &CentreConfig,
    state: &str,
    channel: &str,
    activity: &str,
) -> Result<AgentState, (&'static str, String)> {
    let name = state.to_ascii_lowercase().replace(['-', ' '], "_");
    let worked = |make: fn(ChannelName) -> AgentState| {
        if channel.is_empty() {
            return Err((
                "channel",
                format!(
                    "empty; state {name} needs the channel being worked, one of {}",
                    config.channel_list()
                ),
            ));
        }
        match config.channel(&channel.to_ascii_lowercase()) {
            Some(c) => Ok(make(c.name().clone())),
            None => Err((
                "channel",
                format!(
                    "unknown channel {channel:?}; expected one of the configuration's channels: {}",
                    config.channel_list()
                ),
            )),
        }
    };
    match name.as_str() {
        "available" => worked(AgentState::Available),
        "on_contact" => worked(AgentState::OnContact),
        "break" => Ok(AgentState::Break),
        "lunch" => Ok(AgentState::Lunch),
        "activity" => Ok(AgentState::Activity(
            (!activity.is_empty()).then(|| activity.to_string()),
        )),
        "offline" => Ok(AgentState::Offline),
        "" => Err(("state", format!("empty; expected {STATE_NAMES}"))),
        _ => Err((
            "state",
            format!("{state:?} is not an agent state; expected {STATE_NAMES}"),
        )),
    }
}

#[cfg(test)]
mod tests;
