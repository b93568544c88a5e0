//! Today (issue #17) behind the endpoints: interval actuals and absences checked at the boundary
//! into the stored types, the day's view from `rota_intraday::today` over what the service stores
//! (the centre, a forecast, a roster, the actuals and absences), and an accepted action's edits
//! made with `rota_intraday::apply` and written back as the planner's roster files.
//!
//! Nothing here models anything: the re-forecast, the KPIs and the actions are the intraday
//! crate's, called as `rota intraday` calls it.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, Utc};
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_data::grid::IntervalGrid;
use rota_data::ingest::IngestOptions;
use rota_intraday::actuals::parse_time;
use rota_intraday::{
    prior_for, Absence, Action, ActionSettings, ActualCounts, DayActuals, IntradayError, Scope,
    TodayInput, Update,
};
use rota_simulation::{PlanActivityKind, RosterPlan};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::{AbsenceRow, ActualRow, NewAbsence, NewActual};
use crate::work::{read_history_bytes, WorkError};

/// A start and an end.
type Period = (DateTime<FixedOffset>, DateTime<FixedOffset>);

/// Most contacts one interval may report (as the history reader's cap).
const MAX_CONTACTS: f64 = 10_000_000.0;
/// Most rows one upsert may carry.
pub const MAX_ROWS: usize = 100_000;
/// Most findings listed in one answer.
const MAX_FINDINGS: usize = 20;

/// One channel's counts in one finished interval, as an ACD integration posts them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualIn {
    /// Interval start: RFC 3339 with an offset, or the centre's local `YYYY-MM-DD HH:MM`.
    #[schema(example = "2026-11-16T09:00:00+00:00")]
    pub interval_start: String,
    /// A channel of the centre (or an alias in its `[history.channel_aliases]`).
    #[schema(example = "voice")]
    pub channel: String,
    /// Contacts offered.
    pub offered: f64,
    /// Contacts handled.
    pub handled: Option<f64>,
    /// Contacts abandoned.
    pub abandoned: Option<f64>,
    /// Average handle time, seconds.
    pub aht_seconds: Option<f64>,
    /// Average speed of answer, seconds.
    pub asa_seconds: Option<f64>,
}

/// A batch of interval actuals.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActualsIn {
    /// The rows; a row for an interval and channel already stored replaces it.
    pub rows: Vec<ActualIn>,
}

/// One recorded absence.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsenceIn {
    /// An agent of the centre.
    #[schema(example = "NH001")]
    pub agent_id: String,
    /// Start: RFC 3339 or local `YYYY-MM-DD HH:MM`.
    pub from: String,
    /// End (after the start).
    pub to: String,
    /// Why (sickness, emergency, ...).
    #[serde(default)]
    pub reason: String,
}

/// A batch of absences.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AbsencesIn {
    /// The absences; one of the same agent from the same instant replaces the stored one.
    pub absences: Vec<AbsenceIn>,
}

/// Findings gathered row by row; the first names the field of the answer.
#[derive(Default)]
struct Findings {
    first_field: Option<String>,
    lines: Vec<String>,
    total: usize,
}

impl Findings {
    fn add(&mut self, field: String, message: String) {
        self.total += 1;
        if self.lines.len() < MAX_FINDINGS {
            self.lines.push(format!("{field}: {message}"));
        }
        self.first_field.get_or_insert(field);
    }

    fn into_result<T>(self, what: &str, ok: T) -> Result<T, WorkError> {
        let Some(field) = self.first_field else {
            return Ok(ok);
        };
        let detail = format!(
            "{} {} refused: {}{}",
            self.total,
            if self.total == 1 {
                &what[..what.len() - 1]
            } else {
                what
            },
            self.lines[0],
            if self.total > 1 {
                format!(" (and {} more)", self.total - 1)
            } else {
                String::new()
            }
        );
        Err(WorkError::Invalid {
            field,
            detail,
            errors: self.lines,
        })
    }
}

fn count(v: f64, what: &str) -> Result<f64, String> {
    if v.is_finite() && (0.0..=MAX_CONTACTS).contains(&v) && v.fract() == 0.0 {
        Ok(v)
    } else {
        Err(format!(
            "{v} is not a count of {what}; expected a whole number from 0 to {MAX_CONTACTS}"
        ))
    }
}

fn seconds(v: f64, lowest_exclusive: bool) -> Result<f64, String> {
    let ok = v.is_finite() && v <= 86_400.0 && if lowest_exclusive { v > 0.0 } else { v >= 0.0 };
    if ok {
        Ok(v)
    } else {
        Err(format!(
            "{v} is not a number of seconds; expected {} to 86400",
            if lowest_exclusive { "above 0" } else { "0" }
        ))
    }
}

/// The centre's channel a label names: a channel or an alias of one, ignoring case and
/// surrounding space.
fn channel_of(config: &CentreConfig, label: &str) -> Result<ChannelName, String> {
    let label = label.trim();
    if let Some(c) = config
        .channels()
        .iter()
        .find(|c| c.name().as_str().eq_ignore_ascii_case(label))
    {
        return Ok(c.name().clone());
    }
    let aliases = IngestOptions::from_config(config).channel_aliases;
    if let Some((_, c)) = aliases
        .iter()
        .find(|(alias, _)| alias.trim().eq_ignore_ascii_case(label))
    {
        return Ok(c.clone());
    }
    Err(format!(
        "unknown channel {label:?}; the centre has {}",
        config.channel_list()
    ))
}

/// The finished-interval check: an interval that ends after `wall_now` has not happened yet.
fn finished(
    start: DateTime<FixedOffset>,
    grid: &IntervalGrid,
    wall_now: DateTime<Utc>,
) -> Result<(), String> {
    let end = start + grid.length.as_duration();
    if end > wall_now {
        return Err(format!(
            "the interval {} ends at {}, after now ({}); actuals can only describe intervals \
             that have finished (check the time zone)",
            start.to_rfc3339(),
            end.to_rfc3339(),
            wall_now
                .with_timezone(&grid.tz)
                .fixed_offset()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
        ));
    }
    Ok(())
}

/// Checks posted rows against the centre: a known channel, an interval start on the centre's
/// grid that has finished by `wall_now`, counts and seconds in range. Every refused row is named
/// (`rows[3].channel: unknown channel "fax"; ...`); nothing is stored unless all pass.
pub fn check_actuals(
    config: &CentreConfig,
    rows: &[ActualIn],
    wall_now: DateTime<Utc>,
) -> Result<Vec<NewActual>, WorkError> {
    if rows.is_empty() {
        return Err(WorkError::Invalid {
            field: "rows".into(),
            detail: "no rows: post at least one interval".into(),
            errors: Vec::new(),
        });
    }
    if rows.len() > MAX_ROWS {
        return Err(WorkError::Invalid {
            field: "rows".into(),
            detail: format!("{} rows; post at most {MAX_ROWS} at once", rows.len()),
            errors: Vec::new(),
        });
    }
    let grid = config.grid();
    let mut findings = Findings::default();
    let mut out = Vec::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        let mut bad = |field: &str, m: String| findings.add(format!("rows[{i}].{field}"), m);
        let channel = channel_of(config, &r.channel)
            .map_err(|m| bad("channel", m))
            .ok();
        let start = parse_time(&r.interval_start, &grid)
            .and_then(|t| {
                if grid.is_aligned(&t) {
                    Ok(t)
                } else {
                    Err(format!(
                        "{} is not an interval start of the centre's {}-minute grid",
                        t.to_rfc3339(),
                        grid.length.minutes()
                    ))
                }
            })
            .and_then(|t| finished(t, &grid, wall_now).map(|()| t))
            .map_err(|m| bad("interval_start", m))
            .ok();
        let offered = count(r.offered, "contacts")
            .map_err(|m| bad("offered", m))
            .ok();
        let opt = |v: Option<f64>, f: &dyn Fn(f64) -> Result<f64, String>| v.map(f).transpose();
        let handled = opt(r.handled, &|v| count(v, "contacts"))
            .map_err(|m| bad("handled", m))
            .ok();
        let abandoned = opt(r.abandoned, &|v| count(v, "contacts"))
            .map_err(|m| bad("abandoned", m))
            .ok();
        let aht = opt(r.aht_seconds, &|v| seconds(v, true))
            .map_err(|m| bad("aht_seconds", m))
            .ok();
        let asa = opt(r.asa_seconds, &|v| seconds(v, false))
            .map_err(|m| bad("asa_seconds", m))
            .ok();
        if let (
            Some(channel),
            Some(start),
            Some(offered),
            Some(handled),
            Some(abandoned),
            Some(aht),
            Some(asa),
        ) = (channel, start, offered, handled, abandoned, aht, asa)
        {
            out.push(NewActual {
                channel: channel.as_str().to_string(),
                interval_start: grid.to_local(&start).fixed_offset(),
                offered,
                handled,
                abandoned,
                aht_seconds: aht,
                asa_seconds: asa,
            });
        }
    }
    findings.into_result("rows", out)
}

/// Reads actuals posted as a file in the history export format, with the history reader (the
/// centre's columns, aliases, time zone and grid; problems name the file, line and column), and
/// checks that every interval has finished by `wall_now`.
pub fn read_actuals_csv(
    config: &CentreConfig,
    filename: &str,
    bytes: &[u8],
    wall_now: DateTime<Utc>,
) -> Result<Vec<NewActual>, WorkError> {
    let (history, _) = read_history_bytes(config, filename, bytes)?;
    let grid = config.grid();
    let mut findings = Findings::default();
    let mut out = Vec::with_capacity(history.len());
    for r in history.records() {
        let start = r.interval_start().fixed_offset();
        if let Err(m) = finished(start, &grid, wall_now) {
            findings.add(format!("{filename}: {}", r.channel()), m);
            continue;
        }
        let c = r.counts();
        out.push(NewActual {
            channel: r.channel().as_str().to_string(),
            interval_start: start,
            offered: f64::from(c.offered),
            handled: c.handled.map(f64::from),
            abandoned: c.abandoned.map(f64::from),
            aht_seconds: c.aht_seconds,
            asa_seconds: c.asa_seconds,
        });
    }
    if out.is_empty() && findings.total == 0 {
        return Err(WorkError::Invalid {
            field: "body".into(),
            detail: format!("{filename} has no rows"),
            errors: Vec::new(),
        });
    }
    findings.into_result("rows", out)
}

fn known_agent(config: &CentreConfig, id: &str) -> Result<(), String> {
    if config.agent(id).is_some() {
        Ok(())
    } else {
        Err(format!(
            "unknown agent {id:?}; expected an agent of the centre's configuration"
        ))
    }
}

/// Checks posted absences: a known agent, times that parse, an end after the start.
pub fn check_absences(
    config: &CentreConfig,
    rows: &[AbsenceIn],
) -> Result<Vec<NewAbsence>, WorkError> {
    if rows.is_empty() || rows.len() > MAX_ROWS {
        return Err(WorkError::Invalid {
            field: "absences".into(),
            detail: format!("{} absences; post 1 to {MAX_ROWS}", rows.len()),
            errors: Vec::new(),
        });
    }
    let grid = config.grid();
    let mut findings = Findings::default();
    let mut out = Vec::with_capacity(rows.len());
    for (i, a) in rows.iter().enumerate() {
        let mut bad = |field: &str, m: String| findings.add(format!("absences[{i}].{field}"), m);
        let agent = a.agent_id.trim();
        let ok_agent = known_agent(config, agent)
            .map_err(|m| bad("agent_id", m))
            .is_ok();
        let from = parse_time(&a.from, &grid).map_err(|m| bad("from", m)).ok();
        let to = parse_time(&a.to, &grid).map_err(|m| bad("to", m)).ok();
        if let (Some(f), Some(t)) = (from, to) {
            if t <= f {
                bad(
                    "to",
                    format!(
                        "{} is not after the absence's start {}",
                        t.to_rfc3339(),
                        f.to_rfc3339()
                    ),
                );
                continue;
            }
            if ok_agent {
                out.push(NewAbsence {
                    agent_id: agent.to_string(),
                    from: f,
                    to: t,
                    reason: a.reason.trim().to_string(),
                });
            }
        }
    }
    findings.into_result("absences", out)
}

/// Reads absences posted as CSV (`agent_id,from,to[,reason]`, as `rota intraday --absences`).
pub fn read_absences_csv(
    config: &CentreConfig,
    filename: &str,
    bytes: &[u8],
) -> Result<Vec<NewAbsence>, WorkError> {
    let read = rota_intraday::read_absences(bytes, filename, &config.grid(), |id| {
        config.agent(id).is_some()
    })
    .map_err(|e| {
        let field = match &e {
            IntradayError::Absence { column, .. } => column.clone(),
            _ => "body".into(),
        };
        WorkError::Invalid {
            field,
            detail: e.to_string(),
            errors: vec![e.to_string()],
        }
    })?;
    if read.is_empty() {
        return Err(WorkError::Invalid {
            field: "body".into(),
            detail: format!("{filename} has no absences"),
            errors: Vec::new(),
        });
    }
    Ok(read
        .into_iter()
        .map(|a| NewAbsence {
            agent_id: a.agent_id,
            from: a.from,
            to: a.to,
            reason: a.reason,
        })
        .collect())
}

/// The history with the stored actuals of the days before `before` laid over it: an actual
/// replaces the history's row of its channel and interval, and intervals the history lacks (the
/// days since it was exported) are added. Returns the merged history and how many actuals it took.
pub fn with_actuals(
    history: &rota_data::history::History,
    actuals: &[ActualRow],
    before: chrono::NaiveDate,
) -> Result<(rota_data::history::History, usize), WorkError> {
    use rota_data::history::{History, HistoryRecord, IntervalCounts};
    let grid = history.grid();
    let mut rows: BTreeMap<(ChannelName, i64), HistoryRecord> = history
        .records()
        .iter()
        .map(|r| {
            (
                (r.channel().clone(), r.interval_start().timestamp()),
                r.clone(),
            )
        })
        .collect();
    let whole = |v: f64| v.round().clamp(0.0, MAX_CONTACTS) as u32;
    let channels: BTreeMap<&str, &ChannelName> = history
        .records()
        .iter()
        .map(|r| (r.channel().as_str(), r.channel()))
        .collect();
    let mut used = 0;
    for a in actuals {
        let start = DateTime::parse_from_rfc3339(&a.interval_start)
            .map_err(|e| WorkError::Internal(format!("stored interval {}: {e}", a.interval_start)))?
            .with_timezone(&grid.tz);
        if grid.local_date(&start) >= before {
            continue;
        }
        let Some(channel) = channels.get(a.channel.as_str()).copied() else {
            // A channel the history has never seen (added to the centre since) is left out.
            continue;
        };
        let counts = IntervalCounts {
            offered: whole(a.offered),
            handled: a.handled.map(whole),
            abandoned: a.abandoned.map(whole),
            aht_seconds: a.aht_seconds,
            asa_seconds: a.asa_seconds,
            agents_staffed: None,
        };
        let record =
            HistoryRecord::new(start, channel.clone(), counts).map_err(|e| WorkError::Invalid {
                field: "with_actuals".into(),
                detail: format!(
                    "the stored actuals of {} at {} cannot join the history: {e}",
                    a.channel, a.interval_start
                ),
                errors: Vec::new(),
            })?;
        rows.insert((channel.clone(), start.timestamp()), record);
        used += 1;
    }
    let merged = History::new(grid, rows.into_values().collect())
        .map_err(|e| WorkError::Internal(format!("merging the actuals: {e}")))?;
    Ok((merged, used))
}

/// How the day's level is updated (`rota intraday --update`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum UpdateChoice {
    /// The ratio of actual to forecast so far, shrunk towards the forecast (default).
    #[default]
    Shrunk,
    /// The plain ratio.
    Ratio,
    /// No update: the pre-day forecast.
    PreDay,
}

/// Everything the day's view is computed from, as stored.
pub struct TodaySource<'a> {
    /// The centre.
    pub config: &'a CentreConfig,
    /// The forecast made before the day, and its id.
    pub forecast: (&'a DemandSeries, i64),
    /// The roster, and its id.
    pub roster: (&'a RosterPlan, i64),
    /// Stored actuals from the forecast's start up to now.
    pub actuals: &'a [ActualRow],
    /// Stored absences.
    pub absences: &'a [AbsenceRow],
    /// Now.
    pub now: DateTime<FixedOffset>,
    /// The update.
    pub update: UpdateChoice,
}

/// One interval of today on one channel: the pre-day forecast, what arrived, and the
/// re-forecast from now on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TodayInterval {
    /// Channel.
    pub channel: String,
    /// Interval start, RFC 3339.
    pub interval_start: String,
    /// Pre-day forecast: mean, P10, P90.
    pub forecast_mean: f64,
    /// Pre-day P10.
    pub forecast_p10: f64,
    /// Pre-day P90.
    pub forecast_p90: f64,
    /// Contacts offered, for a finished interval with actuals.
    pub actual: Option<f64>,
    /// Re-forecast mean, for the intervals from now on.
    pub reforecast_mean: Option<f64>,
    /// Re-forecast P10.
    pub reforecast_p10: Option<f64>,
    /// Re-forecast P90.
    pub reforecast_p90: Option<f64>,
}

/// A KPI of a channel for the rest of the day or the whole day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TodayKpi {
    /// Channel.
    pub channel: String,
    /// `rest_of_day` or `day`.
    pub scope: String,
    /// `abandon_rate`, `asa_seconds`, `service_level`, `offered`, `agent_hours`, ...
    pub kpi: String,
    /// Predicted (the whole day counts the finished intervals as they went).
    pub predicted: f64,
    /// Target, where the centre has one.
    pub target: Option<f64>,
    /// Whether the prediction meets the target.
    pub meets: Option<bool>,
    /// How the figure was reached.
    #[schema(value_type = String)]
    pub basis: serde_json::Value,
}

/// One roster edit of an action: from `start` to `end` the agent does `does`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct EditView {
    /// Agent id.
    pub agent_id: String,
    /// Start, RFC 3339.
    pub start: String,
    /// End, RFC 3339.
    pub end: String,
    /// `work:<channel>`, `break`, `lunch`, another activity's name, or `off`.
    pub does: String,
}

/// A channel's day abandon rate before and after an action.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RateChange {
    /// Channel.
    pub channel: String,
    /// Before.
    pub before: f64,
    /// After.
    pub after: f64,
}

/// A recommended action.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ActionView {
    /// What identifies the action (kind, agent, period, channels): send it back when accepting,
    /// so that a list that changed in between is noticed.
    pub id: String,
    /// 1 = do first.
    pub rank: usize,
    /// `move_channel`, `defer_work`, `move_break`, `overtime` or `voluntary_time_off`.
    pub kind: String,
    /// Agent.
    pub agent_id: String,
    /// Agent's name.
    pub agent_name: String,
    /// From, RFC 3339.
    pub start: String,
    /// To, RFC 3339.
    pub end: String,
    /// Channel the agent leaves.
    pub from_channel: Option<String>,
    /// Channel the agent goes to.
    pub to_channel: Option<String>,
    /// Expected abandoned contacts saved today (negative: more abandoned).
    pub contacts_saved: f64,
    /// Cost in pounds (negative: a saving).
    pub cost: f64,
    /// Day abandon rate of each affected channel, before and after.
    pub day_abandon_rate: Vec<RateChange>,
    /// In a sentence.
    pub description: String,
    /// The roster edits accepting it makes.
    pub edits: Vec<EditView>,
}

/// The day's view.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TodayView {
    /// Now, RFC 3339.
    pub now: String,
    /// The forecast made before the day.
    pub forecast_id: i64,
    /// The roster as staffed.
    pub roster_id: i64,
    /// The update applied, with its prior (`strength` in contacts, `carry`).
    #[schema(value_type = Object)]
    pub update: serde_json::Value,
    /// Whether the prior was calibrated on earlier days of the forecast (else the default).
    pub prior_calibrated: bool,
    /// Finished intervals with actuals used.
    pub actual_rows: usize,
    /// Absences recorded that touch the roster's period.
    pub absences: usize,
    /// Per channel: forecast and actual so far, today's level, the day as now expected.
    #[schema(value_type = Vec<Object>)]
    pub levels: serde_json::Value,
    /// Every interval of today per channel.
    pub intervals: Vec<TodayInterval>,
    /// KPIs of the rest of the day and the whole day against target.
    pub kpis: Vec<TodayKpi>,
    /// What to do now, best first.
    pub actions: Vec<ActionView>,
}

/// The day's inputs and the intraday crate's answer.
pub struct Computed {
    /// The answer as served.
    pub view: TodayView,
    /// The actions as the crate gives them (with their edits).
    pub actions: Vec<Action>,
}

fn intraday_err(e: IntradayError) -> WorkError {
    let field = match &e {
        IntradayError::NowOutsideForecast { .. } => "now",
        IntradayError::UnknownChannel { .. } | IntradayError::ActualsAfterNow { .. } => "actuals",
        _ => "body",
    };
    WorkError::Invalid {
        field: field.into(),
        detail: e.to_string(),
        errors: Vec::new(),
    }
}

/// What an edit makes the agent do, in words.
fn does(kind: Option<&PlanActivityKind>) -> String {
    match kind {
        None => "off".into(),
        Some(PlanActivityKind::Work(c)) => format!("work:{c}"),
        Some(PlanActivityKind::Break) => "break".into(),
        Some(PlanActivityKind::Lunch) => "lunch".into(),
        Some(PlanActivityKind::Other(name)) => name.clone(),
    }
}

fn action_view(a: &Action) -> ActionView {
    let ch = |c: &Option<ChannelName>| c.as_ref().map(|c| c.as_str().to_string());
    ActionView {
        id: format!(
            "{}:{}:{}-{}:{}>{}",
            a.kind.as_str(),
            a.agent_id,
            a.start.timestamp(),
            a.end.timestamp(),
            ch(&a.from_channel).unwrap_or_default(),
            ch(&a.to_channel).unwrap_or_default()
        ),
        rank: a.rank,
        kind: a.kind.as_str().to_string(),
        agent_id: a.agent_id.clone(),
        agent_name: a.agent_name.clone(),
        start: a.start.to_rfc3339(),
        end: a.end.to_rfc3339(),
        from_channel: ch(&a.from_channel),
        to_channel: ch(&a.to_channel),
        contacts_saved: a.contacts_saved,
        cost: a.cost,
        day_abandon_rate: a
            .day_abandon_rate
            .iter()
            .map(|(c, before, after)| RateChange {
                channel: c.as_str().to_string(),
                before: *before,
                after: *after,
            })
            .collect(),
        description: a.description.clone(),
        edits: a
            .edits
            .iter()
            .map(|e| EditView {
                agent_id: e.agent_id.clone(),
                start: e.start.to_rfc3339(),
                end: e.end.to_rfc3339(),
                does: does(e.kind.as_ref()),
            })
            .collect(),
    }
}

/// The stored actuals as the intraday crate takes them: the intervals finished by `now` (later
/// ones, stored when replaying an earlier moment of a day, are not known yet at `now`).
fn day_actuals(
    config: &CentreConfig,
    rows: &[ActualRow],
    now: DateTime<FixedOffset>,
    interval: Duration,
) -> Result<(DayActuals, usize), WorkError> {
    let mut out = DayActuals::default();
    let mut used = 0;
    for r in rows {
        let start = DateTime::parse_from_rfc3339(&r.interval_start).map_err(|e| {
            WorkError::Internal(format!("stored interval {}: {e}", r.interval_start))
        })?;
        if start + interval > now {
            continue;
        }
        let channel = config
            .channel(&r.channel)
            .map(|c| c.name().clone())
            .ok_or_else(|| WorkError::Invalid {
                field: "actuals".into(),
                detail: format!(
                    "stored actuals for channel {:?}, which the centre's configuration no longer \
                     has (it has {})",
                    r.channel,
                    config.channel_list()
                ),
                errors: Vec::new(),
            })?;
        out.insert(
            channel,
            start,
            ActualCounts {
                offered: r.offered,
                handled: r.handled,
                abandoned: r.abandoned,
                aht_s: r.aht_seconds,
                asa_s: r.asa_seconds,
            },
        );
        used += 1;
    }
    Ok((out, used))
}

/// Computes the day's view with `rota_intraday::today`.
pub fn compute(src: &TodaySource<'_>) -> Result<Computed, WorkError> {
    let span = tracing::info_span!("today", now = %src.now, roster = src.roster.1);
    let _guard = span.enter();
    let (forecast, forecast_id) = src.forecast;
    let (plan, roster_id) = src.roster;
    let interval = rota_intraday::reforecast::interval_of(forecast).map_err(intraday_err)?;
    rota_intraday::reforecast::check_now(forecast, interval, src.now).map_err(intraday_err)?;
    let (actuals, used) = day_actuals(src.config, src.actuals, src.now, interval)?;
    let absences: Vec<Absence> = src
        .absences
        .iter()
        .filter_map(|a| {
            let from = DateTime::parse_from_rfc3339(&a.from).ok()?;
            let to = DateTime::parse_from_rfc3339(&a.to).ok()?;
            // An agent removed from the configuration since has no roster to be absent from.
            src.config.agent(&a.agent_id)?;
            Some(Absence {
                agent_id: a.agent_id.clone(),
                from,
                to,
                reason: a.reason.clone(),
            })
        })
        .collect();
    let (prior, calibrated) = prior_for(forecast, &actuals, src.now);
    let update = match src.update {
        UpdateChoice::Shrunk => Update::Shrunk(prior),
        UpdateChoice::Ratio => Update::Ratio,
        UpdateChoice::PreDay => Update::PreDay,
    };
    let today = rota_intraday::today(&TodayInput {
        config: src.config,
        forecast,
        actuals: &actuals,
        now: src.now,
        roster: plan,
        absences: &absences,
        update,
        settings: ActionSettings::default(),
    })
    .map_err(intraday_err)?;

    let date = src.config.grid().local_date(&src.now);
    let grid = src.config.grid();
    let re: BTreeMap<(String, i64), (f64, f64, f64)> = today
        .reforecast
        .rows
        .records()
        .iter()
        .map(|r| {
            (
                (
                    r.channel().as_str().to_string(),
                    r.interval_start().timestamp(),
                ),
                (r.offered_mean(), r.offered_p10(), r.offered_p90()),
            )
        })
        .collect();
    let mut intervals = Vec::new();
    for r in forecast.records() {
        if grid.local_date(&r.interval_start()) != date {
            continue;
        }
        let channel = r.channel();
        let key = (channel.as_str().to_string(), r.interval_start().timestamp());
        let actual = actuals
            .of(channel)
            .get(&r.interval_start())
            .map(|c| c.offered);
        let refc = re.get(&key);
        intervals.push(TodayInterval {
            channel: key.0,
            interval_start: r.interval_start().to_rfc3339(),
            forecast_mean: r.offered_mean(),
            forecast_p10: r.offered_p10(),
            forecast_p90: r.offered_p90(),
            actual,
            reforecast_mean: refc.map(|v| v.0),
            reforecast_p10: refc.map(|v| v.1),
            reforecast_p90: refc.map(|v| v.2),
        });
    }
    let kpis = today
        .kpis
        .iter()
        .map(|k| TodayKpi {
            channel: k.channel.as_str().to_string(),
            scope: match k.scope {
                Scope::RestOfDay => "rest_of_day",
                Scope::Day => "day",
            }
            .to_string(),
            kpi: k.kpi.to_string(),
            predicted: k.predicted,
            target: k.target,
            meets: k.meets(),
            basis: serde_json::to_value(k.basis).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    let view = TodayView {
        now: src.now.to_rfc3339(),
        forecast_id,
        roster_id,
        update: to_json(&update),
        prior_calibrated: calibrated,
        actual_rows: used,
        absences: absences.len(),
        levels: to_json(&today.reforecast.levels),
        intervals,
        kpis,
        actions: today.actions.iter().map(action_view).collect(),
    };
    Ok(Computed {
        view,
        actions: today.actions,
    })
}

fn to_json<T: Serialize>(v: &T) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or(serde_json::Value::Null)
}

/// The roster files of an edited plan: `shifts.csv` and `activities.csv` in the columns
/// `rota schedule` writes (and `RosterPlan::read_from` reads back), `coverage.csv` with the
/// agents scheduled per interval recounted from the edited activities (a live channel's
/// shortfall recomputed; a deferred channel's backlog shortfall is the solver's and is kept), and
/// `roster.json` as the parent's with its shifts, activities and coverage replaced.
pub struct EditedFiles {
    /// shifts.csv.
    pub shifts_csv: String,
    /// activities.csv.
    pub activities_csv: String,
    /// coverage.csv.
    pub coverage_csv: String,
    /// roster.json.
    pub roster_json: String,
}

fn rfc(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

fn num(x: f64) -> String {
    let r = (x * 1000.0).round() / 1000.0;
    if r == 0.0 {
        "0".into()
    } else {
        format!("{r}")
    }
}

fn csv_text(header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<String, WorkError> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let internal = |e: csv::Error| WorkError::Internal(format!("writing the roster: {e}"));
    w.write_record(header).map_err(internal)?;
    for r in rows {
        w.write_record(&r).map_err(internal)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| WorkError::Internal(format!("writing the roster: {e}")))?;
    String::from_utf8(bytes).map_err(|e| WorkError::Internal(e.to_string()))
}

/// Writes the edited plan's files; `parent_coverage` and `parent_json` are the parent roster's.
pub fn edited_files(
    config: &CentreConfig,
    plan: &RosterPlan,
    parent_coverage: &str,
    parent_json: &str,
    edit: &serde_json::Value,
) -> Result<EditedFiles, WorkError> {
    let kind_cells = |k: &PlanActivityKind| match k {
        PlanActivityKind::Work(c) => ("work".to_string(), c.as_str().to_string()),
        PlanActivityKind::Break => ("break".into(), String::new()),
        PlanActivityKind::Lunch => ("lunch".into(), String::new()),
        PlanActivityKind::Other(n) => (n.clone(), String::new()),
    };
    let acts = plan.activities();
    fn inside<'a>(
        acts: &'a [rota_simulation::PlanActivity],
        s: &'a rota_simulation::PlanShift,
    ) -> impl Iterator<Item = &'a rota_simulation::PlanActivity> + 'a {
        acts.iter()
            .filter(move |a| a.agent_id == s.agent_id && a.start >= s.start && a.end <= s.end)
    }
    let mut shift_json = Vec::new();
    let shift_rows: Vec<Vec<String>> = plan
        .shifts()
        .iter()
        .map(|s| {
            let name = config.agent(&s.agent_id).map_or("", |a| a.name()).to_string();
            let lunch: Duration = inside(acts, s)
                .filter(|a| a.kind == PlanActivityKind::Lunch)
                .map(|a| a.end - a.start)
                .sum();
            let paid = ((s.end - s.start) - lunch).num_seconds() as f64 / 3600.0;
            let breaks: Vec<(String, &rota_simulation::PlanActivity)> = inside(acts, s)
                .filter_map(|a| match a.kind {
                    PlanActivityKind::Break => Some(("break".to_string(), a)),
                    PlanActivityKind::Lunch => Some(("lunch".to_string(), a)),
                    _ => None,
                })
                .collect();
            shift_json.push(serde_json::json!({
                "agent_id": s.agent_id, "agent_name": name, "date": s.date,
                "start": rfc(&s.start), "end": rfc(&s.end), "paid_hours": (paid * 1000.0).round() / 1000.0,
                "breaks": breaks.iter().map(|(k, a)| serde_json::json!({
                    "kind": k, "start": rfc(&a.start), "end": rfc(&a.end)})).collect::<Vec<_>>(),
            }));
            vec![
                s.agent_id.clone(),
                name,
                s.date.to_string(),
                rfc(&s.start),
                rfc(&s.end),
                num(paid),
                breaks
                    .iter()
                    .map(|(k, a)| format!("{k} {}-{}", a.start.format("%H:%M"), a.end.format("%H:%M")))
                    .collect::<Vec<_>>()
                    .join("; "),
                s.start.format("%H:%M").to_string(),
                s.end.format("%H:%M").to_string(),
            ]
        })
        .collect();
    let shifts_csv = csv_text(
        &[
            "agent_id",
            "agent_name",
            "date",
            "start",
            "end",
            "paid_hours",
            "breaks",
            "start_time",
            "end_time",
        ],
        shift_rows.into_iter(),
    )?;
    let activities_csv = csv_text(
        &["agent_id", "start", "end", "activity", "channel"],
        acts.iter().map(|a| {
            let (k, c) = kind_cells(&a.kind);
            vec![a.agent_id.clone(), rfc(&a.start), rfc(&a.end), k, c]
        }),
    )?;
    let activity_json: Vec<serde_json::Value> = acts
        .iter()
        .map(|a| {
            let (k, c) = kind_cells(&a.kind);
            serde_json::json!({"agent_id": a.agent_id, "start": rfc(&a.start), "end": rfc(&a.end),
                "activity": k, "channel": if c.is_empty() { None } else { Some(c) }})
        })
        .collect();

    // Coverage: the parent's rows, scheduled agents recounted from the edited activities.
    let length = config.grid().length.as_duration();
    let mut work: BTreeMap<&str, Vec<Period>> = BTreeMap::new();
    for a in acts {
        if let PlanActivityKind::Work(c) = &a.kind {
            work.entry(c.as_str()).or_default().push((a.start, a.end));
        }
    }
    let mut reader = csv::ReaderBuilder::new().from_reader(parent_coverage.as_bytes());
    let header = reader
        .headers()
        .map_err(|e| WorkError::Internal(format!("stored coverage.csv: {e}")))?
        .clone();
    let col = |n: &str| {
        header
            .iter()
            .position(|h| h == n)
            .ok_or_else(|| WorkError::Internal(format!("stored coverage.csv has no column {n}")))
    };
    let (c_t, c_ch, c_req, c_short) = (
        col("interval_start")?,
        col("channel")?,
        col("required")?,
        col("shortfall")?,
    );
    let mut coverage_rows = Vec::new();
    let mut coverage_json = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| WorkError::Internal(format!("stored coverage.csv: {e}")))?;
        let cell = |i: usize| rec.get(i).unwrap_or("");
        let (t_text, channel) = (cell(c_t), cell(c_ch));
        let t = DateTime::parse_from_rfc3339(t_text)
            .map_err(|e| WorkError::Internal(format!("stored coverage.csv: {t_text}: {e}")))?;
        let required: f64 = cell(c_req).parse().unwrap_or(0.0);
        let end = t + length;
        let scheduled: f64 = work.get(channel).map_or(0.0, |v| {
            v.iter()
                .map(|(s, e)| {
                    let overlap = (*e).min(end) - (*s).max(t);
                    overlap.num_seconds().max(0) as f64 / length.num_seconds() as f64
                })
                .sum()
        });
        let deferred = config
            .channel(channel)
            .is_some_and(|c| c.kind().is_deferred());
        let shortfall = if deferred {
            cell(c_short).parse().unwrap_or(0.0)
        } else {
            (required - scheduled).max(0.0)
        };
        coverage_json.push(
            serde_json::json!({"interval_start": t_text, "channel": channel,
            "required": required, "scheduled": scheduled, "shortfall": shortfall}),
        );
        coverage_rows.push(vec![
            t_text.to_string(),
            channel.to_string(),
            num(required),
            num(scheduled),
            num(shortfall),
        ]);
    }
    let coverage_csv = csv_text(
        &[
            "interval_start",
            "channel",
            "required",
            "scheduled",
            "shortfall",
        ],
        coverage_rows.into_iter(),
    )?;

    let mut doc: serde_json::Value = serde_json::from_str(parent_json)
        .map_err(|e| WorkError::Internal(format!("stored roster.json: {e}")))?;
    if let Some(obj) = doc.as_object_mut() {
        obj.insert("shifts".into(), serde_json::Value::Array(shift_json));
        obj.insert("activities".into(), serde_json::Value::Array(activity_json));
        obj.insert("coverage".into(), serde_json::Value::Array(coverage_json));
        obj.insert("edit".into(), edit.clone());
    }
    Ok(EditedFiles {
        shifts_csv,
        activities_csv,
        coverage_csv,
        roster_json: doc.to_string(),
    })
}

/// Reads a stored roster's plan (its own period, as the simulation job reads it).
pub fn read_plan(
    config: &CentreConfig,
    shifts_csv: &str,
    activities_csv: &str,
) -> Result<RosterPlan, WorkError> {
    RosterPlan::read_from(
        (shifts_csv.as_bytes(), Path::new("shifts.csv")),
        (activities_csv.as_bytes(), Path::new("activities.csv")),
        config,
    )
    .map_err(|e| WorkError::Invalid {
        field: "roster_id".into(),
        detail: format!("the stored roster does not read against the centre's configuration: {e}"),
        errors: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> CentreConfig {
        CentreConfig::from_toml_str(
            include_str!("../../data/samples/centre.toml"),
            "centre.toml",
        )
        .expect("sample configuration")
    }

    fn wall() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-12-07T12:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    fn row(t: &str, channel: &str, offered: f64) -> ActualIn {
        ActualIn {
            interval_start: t.into(),
            channel: channel.into(),
            offered,
            handled: None,
            abandoned: None,
            aht_seconds: None,
            asa_seconds: None,
        }
    }

    #[test]
    fn posted_rows_are_checked_and_every_bad_one_named() {
        let config = sample();
        let ok = check_actuals(
            &config,
            &[
                row("2026-11-16 09:00", "voice", 12.0),
                row("2026-11-16T09:15:00Z", "Voice", 3.0),
            ],
            wall(),
        )
        .expect("valid rows");
        assert_eq!(ok.len(), 2);
        assert_eq!(
            ok[0].interval_start.to_rfc3339(),
            "2026-11-16T09:00:00+00:00"
        );
        assert_eq!(ok[1].channel, "voice");

        let e = check_actuals(
            &config,
            &[
                row("2026-11-16 09:00", "voice", 1.0),
                row("2026-11-16 09:00", "fax", 1.0),
                row("2026-11-16 09:07", "voice", 1.0),
                row("yesterday", "voice", 1.0),
                row("2026-12-07 11:45", "voice", 1.0),
                row("2026-12-07 12:00", "voice", 1.0),
                row("2026-11-16 09:00", "voice", -2.0),
            ],
            wall(),
        )
        .unwrap_err();
        let WorkError::Invalid {
            field,
            errors,
            detail,
        } = e
        else {
            panic!("not invalid")
        };
        assert_eq!(field, "rows[1].channel");
        assert!(detail.starts_with("5 rows refused"), "{detail}"); // 11:45 ends at now: finished
        assert!(
            errors[0].contains("\"fax\"") && errors[0].contains("voice"),
            "{errors:?}"
        );
        assert!(errors[1].starts_with("rows[2].interval_start") && errors[1].contains("grid"));
        assert!(errors[2].starts_with("rows[3].interval_start") && errors[2].contains("RFC 3339"));
        assert!(errors[3].contains("after now"), "{errors:?}");
        assert!(
            errors[3].starts_with("rows[5].interval_start"),
            "{errors:?}"
        );
        assert!(errors[4].starts_with("rows[6].offered"), "{errors:?}");
    }

    #[test]
    fn stored_actuals_of_earlier_days_are_laid_over_the_history() {
        let config = sample();
        let csv = "interval_start,channel,offered\n2026-11-15 09:00,voice,10\n\
                   2026-11-15 09:15,voice,11\n";
        let (history, _) = read_history_bytes(&config, "h.csv", csv.as_bytes()).expect("history");
        let stored = |t: &str, channel: &str, offered: f64| ActualRow {
            channel: channel.into(),
            interval_start: t.into(),
            offered,
            handled: Some(offered),
            abandoned: None,
            aht_seconds: None,
            asa_seconds: None,
            received_at: String::new(),
        };
        let actuals = [
            stored("2026-11-15T09:15:00+00:00", "voice", 30.0),
            stored("2026-11-16T09:00:00+00:00", "voice", 40.0),
            stored("2026-11-16T09:00:00+00:00", "chat", 5.0),
            stored("2026-11-17T09:00:00+00:00", "voice", 50.0),
        ];
        let day = |d: u32| chrono::NaiveDate::from_ymd_opt(2026, 11, d).expect("date");
        let (merged, used) = with_actuals(&history, &actuals, day(17)).expect("merged");
        // Replaced one, added one; chat (not in this history) and the 17th (not before) left out.
        assert_eq!(used, 2);
        let offered: Vec<(String, u32)> = merged
            .records()
            .iter()
            .map(|r| (r.interval_start().to_rfc3339(), r.offered()))
            .collect();
        assert_eq!(
            offered,
            [
                ("2026-11-15T09:00:00+00:00".to_string(), 10),
                ("2026-11-15T09:15:00+00:00".to_string(), 30),
                ("2026-11-16T09:00:00+00:00".to_string(), 40),
            ]
        );
        let (same, used) = with_actuals(&history, &actuals, day(15)).expect("merged");
        assert_eq!((used, same.len()), (0, 2));
    }

    #[test]
    fn absences_need_a_known_agent_and_an_end_after_the_start() {
        let config = sample();
        let agent = config.agents()[0].id().to_string();
        let a = |id: &str, from: &str, to: &str| AbsenceIn {
            agent_id: id.into(),
            from: from.into(),
            to: to.into(),
            reason: "sick".into(),
        };
        let ok = check_absences(
            &config,
            &[a(&agent, "2026-11-16 08:00", "2026-11-16 18:00")],
        )
        .expect("valid");
        assert_eq!(ok[0].reason, "sick");
        let WorkError::Invalid { field, errors, .. } = check_absences(
            &config,
            &[
                a("NOBODY", "2026-11-16 08:00", "2026-11-16 18:00"),
                a(&agent, "2026-11-16 18:00", "2026-11-16 08:00"),
            ],
        )
        .unwrap_err() else {
            panic!("not invalid")
        };
        assert_eq!(field, "absences[0].agent_id");
        assert!(errors[0].contains("NOBODY"), "{errors:?}");
        assert!(errors[1].starts_with("absences[1].to"), "{errors:?}");
    }

    #[test]
    fn an_edited_plan_reads_back_as_the_same_roster() {
        let config = sample();
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../tests/fixtures/simulate/sample_week/roster");
        let plan = RosterPlan::read_dir(&dir, &config).expect("fixture roster");
        let first = plan.activities()[0].clone();
        let moved = rota_intraday::apply(
            &config,
            &plan,
            &[rota_intraday::Edit {
                agent_id: first.agent_id.clone(),
                start: first.start,
                end: first.start + Duration::minutes(15),
                kind: Some(PlanActivityKind::Break),
            }],
        )
        .expect("apply");
        let coverage = std::fs::read_to_string(dir.join("coverage.csv")).unwrap_or_else(|_| {
            "interval_start,channel,required,scheduled,shortfall\n".to_string()
        });
        let files = edited_files(
            &config,
            &moved,
            &coverage,
            "{}",
            &serde_json::json!({"rank": 1}),
        )
        .expect("files");
        let back =
            read_plan(&config, &files.shifts_csv, &files.activities_csv).expect("reads back");
        assert_eq!(back.activities(), moved.activities());
        assert!(back
            .activities()
            .iter()
            .any(|a| a.agent_id == first.agent_id
                && a.start == first.start
                && a.kind == PlanActivityKind::Break));
        let json: serde_json::Value = serde_json::from_str(&files.roster_json).unwrap();
        assert_eq!(json["edit"]["rank"], 1);
        assert_eq!(
            json["activities"].as_array().map(Vec::len),
            Some(moved.activities().len())
        );
    }
}
