//! What a simulation replays: the roster (read from `shifts.csv` / `activities.csv` or taken from an
//! in-memory [`Roster`]) and the demand, checked against the centre configuration.
//!
//! The roster files are written by the roster crate (`rota_roster::output`,
//! `Roster::write_shifts` / `Roster::write_activities`) and read here, by [`RosterPlan::read_from`]
//! with the parsing in [`roster_csv`]; the property tests in `input/roster_csv/tests.rs` write
//! generated rosters with the roster crate's writer and check that they read back the same.

mod roster_csv;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
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

/// One shift of one agent: from arrival to leaving, breaks and lunch included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanShift {
    /// Agent id (a configured agent).
    pub agent_id: String,
    /// The local date the shift belongs to (its start's, as `shifts.csv` gives it).
    pub date: NaiveDate,
    /// Start.
    pub start: DateTime<FixedOffset>,
    /// End (after the start).
    pub end: DateTime<FixedOffset>,
}

/// A roster as the simulation needs it: every agent's activities and the local dates it covers,
/// with the shifts they lie in (for the agents' own schedules, `rota export`).
/// Valid by construction: agents and channels are configured, activities of one agent do not
/// overlap and every period ends after it starts.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterPlan {
    activities: Vec<PlanActivity>,
    shifts: Vec<PlanShift>,
    first_date: NaiveDate,
    last_date: NaiveDate,
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
            config.channel_list()
        )),
    }
}

/// The shifts of activities without a shifts file: each agent's unbroken runs of activities, dated
/// by their start's local date.
fn shifts_of(config: &CentreConfig, sorted: &[PlanActivity]) -> Vec<PlanShift> {
    let grid = config.grid();
    let mut shifts: Vec<PlanShift> = Vec::new();
    for a in sorted {
        match shifts.last_mut() {
            Some(s) if s.agent_id == a.agent_id && s.end == a.start => s.end = a.end,
            _ => shifts.push(PlanShift {
                agent_id: a.agent_id.clone(),
                date: grid.local_date(&a.start),
                start: a.start,
                end: a.end,
            }),
        }
    }
    shifts
}

impl RosterPlan {
    /// Builds a plan from activities, checking agents and channels against `config`. The horizon
    /// runs from `first_date` to `last_date` (local dates, inclusive). The shifts are each agent's
    /// unbroken runs of activities.
    pub fn new(
        config: &CentreConfig,
        activities: Vec<PlanActivity>,
        first_date: NaiveDate,
        last_date: NaiveDate,
    ) -> Result<Self, SimulationError> {
        Self::with_shifts(config, activities, None, first_date, last_date)
    }

    /// [`RosterPlan::new`] with the shifts as the roster gave them (`None`: derived).
    fn with_shifts(
        config: &CentreConfig,
        mut activities: Vec<PlanActivity>,
        shifts: Option<Vec<PlanShift>>,
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
        let mut shifts = shifts.unwrap_or_else(|| shifts_of(config, &activities));
        shifts.sort_by(|a, b| a.agent_id.cmp(&b.agent_id).then(a.start.cmp(&b.start)));
        Ok(Self {
            activities,
            shifts,
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
                let kind = match (&a.activity, &a.channel) {
                    (ActivityKind::Work, Some(c)) => PlanActivityKind::Work(c.clone()),
                    (ActivityKind::Work, None) => PlanActivityKind::Other("work".into()),
                    (ActivityKind::Break, _) => PlanActivityKind::Break,
                    (ActivityKind::Lunch, _) => PlanActivityKind::Lunch,
                    (ActivityKind::Planned(name), _) => PlanActivityKind::Other(name.clone()),
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
        let shifts = roster
            .shifts
            .iter()
            .map(|s| PlanShift {
                agent_id: s.agent_id.clone(),
                date: s.date,
                start: s.start,
                end: s.end,
            })
            .collect();
        Self::with_shifts(config, activities, Some(shifts), *first, last)
    }

    /// Reads `shifts.csv` and `activities.csv` from `dir` (as written by `rota schedule`).
    ///
    /// Errors name the file and line: unknown agents or channels, bad timestamps, a work period
    /// without a channel, overlapping activities. Activity kinds other than `work`, `break` and
    /// `lunch` (e.g. `training`) are accepted and make the agent unavailable for contacts.
    pub fn read_dir(dir: impl AsRef<Path>, config: &CentreConfig) -> Result<Self, SimulationError> {
        let dir = dir.as_ref();
        let (shifts, activities) = (dir.join("shifts.csv"), dir.join("activities.csv"));
        let open = |p: &Path| std::fs::File::open(p).map_err(roster_csv::io_err(p));
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
        let (by_agent, dates, shift_list) = roster_csv::read_shifts(shifts.0, shifts.1, config)?;
        let activities_label = activities.1;
        let activities =
            roster_csv::read_activities(activities.0, activities_label, config, &by_agent)?;
        roster_csv::check_overlaps(activities_label, &activities)?;
        let (Some(first), Some(last)) = (dates.first().copied(), dates.last().copied()) else {
            return Err(SimulationError::InvalidRoster(format!(
                "{}: the roster has no shifts",
                shifts.1.display()
            )));
        };
        Self::with_shifts(
            config,
            activities.into_iter().map(|(_, a)| a).collect(),
            Some(shift_list),
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

    /// Shifts by agent and start (those of `shifts.csv` or of the roster; derived from the
    /// activities for a plan built with [`RosterPlan::new`]).
    pub fn shifts(&self) -> &[PlanShift] {
        &self.shifts
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
        let (starts, interval_s) = horizon_starts(config, roster)?;
        let mut laid = LaidDemand::new(config, demand, &starts, interval_s)?;
        let accepting: Vec<Vec<bool>> = config
            .channels()
            .iter()
            .map(|ch| {
                starts
                    .iter()
                    .map(|t| config.accepts_contacts_at(ch, t))
                    .collect()
            })
            .collect();
        let worked: Vec<Vec<bool>> = config
            .channels()
            .iter()
            .map(|ch| starts.iter().map(|t| config.is_worked_at(ch, t)).collect())
            .collect();
        let (agents, rostered_channels) =
            timelines(config, roster, starts[0], starts.len(), interval_s)?;
        if agents.iter().all(|a| a.periods.is_empty()) {
            return Err(SimulationError::InvalidRoster(
                "no agent works in the roster period".into(),
            ));
        }
        for c in laid.forecast_channels.union(&rostered_channels) {
            laid.check_covers(*c, &accepting[*c], config, roster, &starts)?;
        }
        // Live channels take no contacts while closed, whatever the forecast says.
        for (offered, accepting) in laid.offered.iter_mut().zip(&accepting) {
            for (o, &a) in offered.iter_mut().zip(accepting) {
                if !a {
                    *o = 0.0;
                }
            }
        }

        Ok(Self {
            config: config.clone(),
            interval_starts: starts,
            interval_s,
            offered: laid.offered,
            aht: laid.aht,
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

/// The interval starts of the roster period on the centre's grid and the interval length in
/// seconds. The engine counts time in seconds from the first start, so the starts must be evenly
/// spaced: a time zone whose clocks move by less than an interval is rejected.
fn horizon_starts(
    config: &CentreConfig,
    roster: &RosterPlan,
) -> Result<(Vec<DateTime<FixedOffset>>, f64), SimulationError> {
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
    Ok((starts, interval_s))
}

/// The forecast laid on the horizon's intervals, `[channel][interval]` in configuration order.
struct LaidDemand {
    /// Offered (forecast mean); 0 where the forecast has no row.
    offered: Vec<Vec<f64>>,
    /// AHT, seconds: the forecast's where it gives one (> 0), else the channel's configured AHT.
    aht: Vec<Vec<f64>>,
    /// The forecast has a row for this channel and interval.
    present: Vec<Vec<bool>>,
    /// Channels with at least one forecast row in the horizon.
    forecast_channels: BTreeSet<usize>,
}

impl LaidDemand {
    /// Lays `demand` on the intervals `starts` (rows outside the horizon are ignored). Errors: a
    /// channel that is not configured, a row off the interval grid.
    fn new(
        config: &CentreConfig,
        demand: &DemandSeries,
        starts: &[DateTime<FixedOffset>],
        interval_s: f64,
    ) -> Result<Self, SimulationError> {
        let channels = config.channels();
        let (n_ch, n_iv) = (channels.len(), starts.len());
        let h0 = starts[0];
        let h_end = h0 + Duration::seconds((n_iv as f64 * interval_s) as i64);
        let mut laid = Self {
            offered: vec![vec![0.0; n_iv]; n_ch],
            aht: channels
                .iter()
                .map(|c| vec![c.aht_seconds(); n_iv])
                .collect(),
            present: vec![vec![false; n_iv]; n_ch],
            forecast_channels: BTreeSet::new(),
        };
        for r in demand.records() {
            let Some(c) = channels.iter().position(|ch| ch.name() == r.channel()) else {
                return Err(SimulationError::Demand(format!(
                    "channel {:?} (interval {}) is not configured; the configuration has {}",
                    r.channel().as_str(),
                    r.interval_start(),
                    config.channel_list()
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
                    config.grid().length.minutes()
                )));
            }
            laid.forecast_channels.insert(c);
            laid.offered[c][i] = r.offered_mean();
            if r.aht_seconds() > 0.0 {
                laid.aht[c][i] = r.aht_seconds();
            }
            laid.present[c][i] = true;
        }
        Ok(laid)
    }

    /// Rejects a forecast that leaves out an interval in which channel c takes contacts
    /// (`accepting`): simulating it as zero demand would look like a quiet week.
    fn check_covers(
        &self,
        c: usize,
        accepting: &[bool],
        config: &CentreConfig,
        roster: &RosterPlan,
        starts: &[DateTime<FixedOffset>],
    ) -> Result<(), SimulationError> {
        let missing: Vec<usize> = (0..starts.len())
            .filter(|&i| accepting[i] && !self.present[c][i])
            .collect();
        let Some(&first) = missing.first() else {
            return Ok(());
        };
        let needed = accepting.iter().filter(|a| **a).count();
        Err(SimulationError::Demand(format!(
            "the forecast does not cover the roster period {} to {} for channel {}: {} of the {} intervals in which it takes contacts have no forecast (first missing: {}); forecast the whole period (rota forecast --from {} --days {})",
            roster.first_date,
            roster.last_date,
            config.channels()[c].name(),
            missing.len(),
            needed,
            rota_data::history::rfc3339(&starts[first].with_timezone(&config.grid().tz)),
            roster.first_date,
            (roster.last_date - roster.first_date).num_days() + 1
        )))
    }
}

/// Every rostered agent's timeline (by agent id), its periods in seconds from `h0` clipped to
/// the horizon of `n_iv` intervals, and the channels the roster works.
fn timelines(
    config: &CentreConfig,
    roster: &RosterPlan,
    h0: DateTime<FixedOffset>,
    n_iv: usize,
    interval_s: f64,
) -> Result<(Vec<AgentTimeline>, BTreeSet<usize>), SimulationError> {
    let channels = config.channels();
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
                    let Some(ci) = channels.iter().position(|ch| ch.name() == c) else {
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
    Ok((agents, rostered_channels))
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
