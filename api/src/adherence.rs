//! Adherence in the service (issue #17, point 7's table): agents' state events from the phone
//! system checked at the boundary by `rota_adherence`'s reader and stored, and a day measured
//! against a stored roster with `rota_adherence::measure`, as `rota adherence` does.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use rota_adherence::{measure, AgentEvent, AgentState, EventLog, Options, Row};
use rota_data::config::CentreConfig;
use rota_simulation::RosterPlan;
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::{AgentEventRow, NewAgentEvent};
use crate::work::WorkError;

/// Reads an events CSV (`agent_id, timestamp, state[, channel, activity]`, the file
/// `rota adherence --events` reads) against the centre; events after `wall_now` are refused.
/// Returns the events to store and the exact repeats the file held (counted once).
pub fn read_events(
    config: &CentreConfig,
    filename: &str,
    bytes: &[u8],
    wall_now: DateTime<Utc>,
) -> Result<(Vec<NewAgentEvent>, usize), WorkError> {
    let log =
        EventLog::read_from(bytes, filename.as_ref(), config).map_err(|e| WorkError::Invalid {
            field: "body".into(),
            detail: e.to_string(),
            errors: vec![e.to_string()],
        })?;
    if log.events().is_empty() {
        return Err(WorkError::field(
            "body",
            format!("{filename} has no events"),
        ));
    }
    let mut out = Vec::with_capacity(log.events().len());
    for e in log.events() {
        if e.at > wall_now {
            return Err(WorkError::field(
                "body",
                format!(
                    "{filename}:{}: the event at {} is after now ({}); events can only say what \
                     has happened (check the time zone)",
                    e.line,
                    e.at.to_rfc3339(),
                    wall_now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                ),
            ));
        }
        out.push(NewAgentEvent {
            agent_id: e.agent_id.clone(),
            at: e.at,
            state: e.state.name().to_string(),
            channel: e.state.channel().map(|c| c.as_str().to_string()),
            activity: match &e.state {
                AgentState::Activity(name) => name.clone(),
                _ => None,
            },
        });
    }
    Ok((out, log.duplicates()))
}

/// A stored event as the adherence crate takes it.
fn event(config: &CentreConfig, r: &AgentEventRow) -> Result<AgentEvent, WorkError> {
    let stale = |what: String| {
        WorkError::field(
            "events",
            format!(
                "a stored event of {} at {} has {what}, which the centre's configuration no \
                 longer has",
                r.agent_id, r.at
            ),
        )
    };
    let channel = || {
        let name = r.channel.as_deref().unwrap_or("");
        config
            .channel(name)
            .map(|c| c.name().clone())
            .ok_or_else(|| stale(format!("channel {name:?}")))
    };
    let state = match r.state.as_str() {
        "available" => AgentState::Available(channel()?),
        "on_contact" => AgentState::OnContact(channel()?),
        "break" => AgentState::Break,
        "lunch" => AgentState::Lunch,
        "activity" => AgentState::Activity(r.activity.clone()),
        "offline" => AgentState::Offline,
        other => return Err(WorkError::Internal(format!("stored state {other:?}"))),
    };
    if config.agent(&r.agent_id).is_none() {
        return Err(stale(format!("agent {:?}", r.agent_id)));
    }
    let at = DateTime::parse_from_rfc3339(&r.at)
        .map_err(|e| WorkError::Internal(format!("stored time {}: {e}", r.at)))?;
    Ok(AgentEvent {
        agent_id: r.agent_id.clone(),
        at,
        state,
        line: 0,
    })
}

/// Adherence, conformance and exceptions of an agent, a team or the centre on the day.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdherenceRow {
    /// `agent`, `team` or `centre`.
    pub scope: String,
    /// Team (empty for the centre).
    pub team: String,
    /// Agent id (agent rows).
    pub agent_id: Option<String>,
    /// Agent name (agent rows).
    pub agent_name: Option<String>,
    /// People counted.
    pub people: usize,
    /// Scheduled minutes measured.
    pub scheduled_minutes: f64,
    /// Time in the scheduled state / scheduled time (`None`: nothing scheduled).
    pub adherence: Option<f64>,
    /// Worked time / scheduled work time.
    pub conformance: Option<f64>,
    /// Exceptions.
    pub exceptions: usize,
}

/// One exception.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ExceptionView {
    /// Agent id.
    pub agent_id: String,
    /// `late_log_in`, `early_log_out`, `long_break`, `wrong_channel` or `absent`.
    pub kind: String,
    /// In words: `late log-in`, ...
    pub label: String,
    /// From, RFC 3339.
    pub from: String,
    /// To, RFC 3339.
    pub to: String,
    /// Minutes.
    pub minutes: f64,
    /// What the roster said.
    pub scheduled: String,
    /// What the agent did.
    pub actual: String,
}

/// A day's adherence.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AdherenceView {
    /// The local date.
    pub date: String,
    /// The roster measured against.
    pub roster_id: i64,
    /// Measured up to (RFC 3339; `None`: the whole day).
    pub until: Option<String>,
    /// Stored events of the day used.
    pub events: usize,
    /// The centre, then its teams, then each agent.
    pub rows: Vec<AdherenceRow>,
    /// Every exception, by agent and start.
    pub exceptions: Vec<ExceptionView>,
}

fn minutes(d: Duration) -> f64 {
    d.num_seconds() as f64 / 60.0
}

fn row_view(r: &Row) -> AdherenceRow {
    AdherenceRow {
        scope: r.scope.name().to_string(),
        team: r.team.clone(),
        agent_id: r.agent.as_ref().map(|a| a.0.clone()),
        agent_name: r.agent.as_ref().map(|a| a.1.clone()),
        people: r.people,
        scheduled_minutes: minutes(r.scheduled),
        adherence: r.adherence(),
        conformance: r.conformance(),
        exceptions: r.exception_count(),
    }
}

/// Measures the day's stored events against `plan` (up to `until`, when given).
pub fn day(
    config: &CentreConfig,
    plan: (&RosterPlan, i64),
    date: chrono::NaiveDate,
    stored: &[AgentEventRow],
    until: Option<DateTime<FixedOffset>>,
) -> Result<AdherenceView, WorkError> {
    let span = tracing::info_span!("adherence", %date, roster = plan.1);
    let _guard = span.enter();
    let events = stored
        .iter()
        .map(|r| event(config, r))
        .collect::<Result<Vec<_>, _>>()?;
    let mut view = AdherenceView {
        date: date.to_string(),
        roster_id: plan.1,
        until: until.map(|t| t.to_rfc3339()),
        events: events.len(),
        rows: Vec::new(),
        exceptions: Vec::new(),
    };
    if events.is_empty() {
        return Ok(view);
    }
    let log =
        EventLog::from_events(events).map_err(|e| WorkError::field("events", e.to_string()))?;
    let options = Options {
        until,
        ..Options::default()
    };
    let found = measure(plan.0, &log, config, &options)
        .map_err(|e| WorkError::field("date", e.to_string()))?;
    let mut groups = found.group_rows(true);
    // The centre first, then its teams.
    groups.sort_by_key(|r| r.scope != rota_adherence::Scope::Centre);
    view.rows = groups
        .iter()
        .chain(found.agent_rows().iter())
        .map(row_view)
        .collect();
    view.exceptions = found
        .exceptions
        .iter()
        .map(|e| ExceptionView {
            agent_id: e.agent_id.clone(),
            kind: e.kind.name().to_string(),
            label: e.kind.label().to_string(),
            from: e.from.to_rfc3339(),
            to: e.to.to_rfc3339(),
            minutes: minutes(e.duration()),
            scheduled: e.scheduled.clone(),
            actual: e.actual.clone(),
        })
        .collect();
    Ok(view)
}
