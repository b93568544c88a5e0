//! Today (issue #17): a centre's interval actuals and absences as they arrive, each upserted on its
//! key so that posting an interval again (a late correction) replaces it, and rosters edited by an
//! accepted intraday action (a new roster naming its parent).

use chrono::{DateTime, FixedOffset};
use serde::Serialize;
use utoipa::ToSchema;

use super::sql::{args, Conn, SqlRow, Value};
use super::{now, Db, DbError};

/// One channel's counts in one interval, checked against the centre (channel, grid, figures).
#[derive(Debug, Clone, PartialEq)]
pub struct NewActual {
    /// The centre's channel name.
    pub channel: String,
    /// Interval start (on the centre's grid).
    pub interval_start: DateTime<FixedOffset>,
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

/// A stored interval actual.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct ActualRow {
    /// Channel.
    pub channel: String,
    /// Interval start, RFC 3339 with the centre's offset.
    pub interval_start: String,
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
    /// When this version of the row arrived (UTC).
    pub received_at: String,
}

/// An absence, checked against the centre (a known agent, `to` after `from`).
#[derive(Debug, Clone, PartialEq)]
pub struct NewAbsence {
    /// Agent id.
    pub agent_id: String,
    /// Start.
    pub from: DateTime<FixedOffset>,
    /// End.
    pub to: DateTime<FixedOffset>,
    /// Why, as recorded.
    pub reason: String,
}

/// A stored absence.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AbsenceRow {
    /// Absence id.
    pub id: i64,
    /// Agent id.
    pub agent_id: String,
    /// Start, RFC 3339.
    pub from: String,
    /// End, RFC 3339.
    pub to: String,
    /// Why, as recorded.
    pub reason: String,
    /// When this version was recorded (UTC).
    pub recorded_at: String,
}

/// An agent's state event, checked against the centre by the adherence reader.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAgentEvent {
    /// Agent id.
    pub agent_id: String,
    /// When the agent entered the state.
    pub at: DateTime<FixedOffset>,
    /// `available`, `on_contact`, `break`, `lunch`, `activity` or `offline`.
    pub state: String,
    /// The channel worked (`available`, `on_contact`).
    pub channel: Option<String>,
    /// The activity's name, when given.
    pub activity: Option<String>,
}

/// A stored state event.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AgentEventRow {
    /// Agent id.
    pub agent_id: String,
    /// When, RFC 3339.
    pub at: String,
    /// The state entered.
    pub state: String,
    /// The channel worked.
    pub channel: Option<String>,
    /// The activity's name.
    pub activity: Option<String>,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct Upserted {
    /// Rows that were new.
    pub inserted: usize,
    /// Rows that replaced a stored row with the same key.
    pub replaced: usize,
}

impl Upserted {
    /// Runs `upsert` (ending `RETURNING revision`) once for each row's values and counts the
    /// revisions it returned: 1 is a new row, more a replaced one.
    fn count(
        tx: &mut dyn Conn,
        upsert: &str,
        rows: impl Iterator<Item = Vec<Value>>,
    ) -> Result<Self, DbError> {
        let mut out = Self {
            inserted: 0,
            replaced: 0,
        };
        for values in rows {
            if tx.value::<i64>(upsert, &values)? == 1 {
                out.inserted += 1;
            } else {
                out.replaced += 1;
            }
        }
        Ok(out)
    }
}

/// A roster edited by an accepted action: the parent, the files of the edited roster and what was
/// done.
#[derive(Debug, Clone)]
pub struct EditedRoster {
    /// The roster edited.
    pub parent_id: i64,
    /// Summary JSON (the parent's, with the edit noted).
    pub summary_json: String,
    /// roster.json.
    pub roster_json: String,
    /// shifts.csv.
    pub shifts_csv: String,
    /// activities.csv.
    pub activities_csv: String,
    /// coverage.csv.
    pub coverage_csv: String,
    /// The accepted action (JSON).
    pub edit_json: String,
}

impl Db {
    /// Stores interval actuals of a centre in one transaction; a row whose channel and interval
    /// (as an instant) are stored already replaces it.
    pub fn upsert_actuals(&self, centre_id: i64, rows: &[NewActual]) -> Result<Upserted, DbError> {
        let t = now();
        self.write(|tx| {
            Upserted::count(
                tx,
                "INSERT INTO actuals (centre_id, channel, start_s, interval_start, offered,
                   handled, abandoned, aht_seconds, asa_seconds, received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
                 ON CONFLICT (centre_id, channel, start_s) DO UPDATE SET
                   interval_start = excluded.interval_start, offered = excluded.offered,
                   handled = excluded.handled, abandoned = excluded.abandoned,
                   aht_seconds = excluded.aht_seconds, asa_seconds = excluded.asa_seconds,
                   received_at = excluded.received_at, revision = actuals.revision + 1
                 RETURNING revision",
                rows.iter().map(|r| {
                    let start = (r.interval_start.timestamp(), r.interval_start.to_rfc3339());
                    let counts = (r.offered, r.handled, r.abandoned);
                    let times = (r.aht_seconds, r.asa_seconds);
                    args![
                        centre_id, r.channel, start.0, start.1, counts.0, counts.1, counts.2,
                        times.0, times.1, t
                    ]
                    .to_vec()
                }),
            )
        })
    }

    /// A centre's actuals of the intervals starting in `[from, to)`, by interval and channel.
    pub fn actuals(
        &self,
        centre_id: i64,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> Result<Vec<ActualRow>, DbError> {
        self.read(|c| {
            c.query(
                "SELECT channel, interval_start, offered, handled, abandoned, aht_seconds,
                   asa_seconds, received_at FROM actuals
                 WHERE centre_id = ?1 AND start_s >= ?2 AND start_s < ?3
                 ORDER BY start_s, channel",
                args![centre_id, from.timestamp(), to.timestamp()],
            )?
            .iter()
            .map(actual_row)
            .collect()
        })
    }

    /// Stores absences of a centre in one transaction; an absence of the same agent from the
    /// same instant replaces the stored one (its end and reason corrected).
    pub fn upsert_absences(
        &self,
        centre_id: i64,
        rows: &[NewAbsence],
    ) -> Result<Upserted, DbError> {
        let t = now();
        self.write(|tx| {
            Upserted::count(
                tx,
                "INSERT INTO absences (centre_id, agent_id, from_s, from_ts, to_ts, reason,
                   recorded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                 ON CONFLICT (centre_id, agent_id, from_s) DO UPDATE SET
                   from_ts = excluded.from_ts, to_ts = excluded.to_ts, reason = excluded.reason,
                   recorded_at = excluded.recorded_at, revision = absences.revision + 1
                 RETURNING revision",
                rows.iter().map(|a| {
                    let from = (a.from.timestamp(), a.from.to_rfc3339());
                    args![
                        centre_id,
                        a.agent_id,
                        from.0,
                        from.1,
                        a.to.to_rfc3339(),
                        a.reason,
                        t
                    ]
                    .to_vec()
                }),
            )
        })
    }

    /// Stores agents' state events in one transaction; an event of the same agent at the same
    /// instant replaces the stored one (a correction).
    pub fn upsert_agent_events(
        &self,
        centre_id: i64,
        rows: &[NewAgentEvent],
    ) -> Result<Upserted, DbError> {
        let t = now();
        self.write(|tx| {
            Upserted::count(
                tx,
                "INSERT INTO agent_events (centre_id, agent_id, at_s, at, state, channel, activity,
                   received_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT (centre_id, agent_id, at_s) DO UPDATE SET
                   at = excluded.at, state = excluded.state, channel = excluded.channel,
                   activity = excluded.activity, received_at = excluded.received_at,
                   revision = agent_events.revision + 1
                 RETURNING revision",
                rows.iter().map(|e| {
                    let at = (e.at.timestamp(), e.at.to_rfc3339());
                    let what = (&e.state, &e.channel, &e.activity);
                    args![centre_id, e.agent_id, at.0, at.1, what.0, what.1, what.2, t].to_vec()
                }),
            )
        })
    }

    /// A centre's state events in `[from, to)`, by agent and time.
    pub fn agent_events(
        &self,
        centre_id: i64,
        from: DateTime<FixedOffset>,
        to: DateTime<FixedOffset>,
    ) -> Result<Vec<AgentEventRow>, DbError> {
        self.read(|c| {
            c.query(
                "SELECT agent_id, at, state, channel, activity FROM agent_events
                 WHERE centre_id = ?1 AND at_s >= ?2 AND at_s < ?3 ORDER BY agent_id, at_s",
                args![centre_id, from.timestamp(), to.timestamp()],
            )?
            .iter()
            .map(|r| {
                Ok(AgentEventRow {
                    agent_id: r.get(0)?,
                    at: r.get(1)?,
                    state: r.get(2)?,
                    channel: r.get(3)?,
                    activity: r.get(4)?,
                })
            })
            .collect()
        })
    }

    /// A centre's absences, by start and agent.
    pub fn absences(&self, centre_id: i64) -> Result<Vec<AbsenceRow>, DbError> {
        self.read(|c| {
            c.query(
                "SELECT id, agent_id, from_ts, to_ts, reason, recorded_at FROM absences
                 WHERE centre_id = ?1 ORDER BY from_s, agent_id",
                args![centre_id],
            )?
            .iter()
            .map(|r| {
                Ok(AbsenceRow {
                    id: r.get(0)?,
                    agent_id: r.get(1)?,
                    from: r.get(2)?,
                    to: r.get(3)?,
                    reason: r.get(4)?,
                    recorded_at: r.get(5)?,
                })
            })
            .collect()
        })
    }

    /// Stores a roster edited from `e.parent_id` (same centre, requirement set and period) as a
    /// new roster; returns its id, or `None` when the parent is gone.
    pub fn insert_edited_roster(&self, e: &EditedRoster) -> Result<Option<i64>, DbError> {
        self.write(|tx| {
            let row = tx.query_opt(
                "INSERT INTO rosters (centre_id, requirement_set_id, job_id, first_day, days,
                   created_at, summary_json, roster_json, shifts_csv, activities_csv, coverage_csv,
                   edited_from, edit_json)
                 SELECT centre_id, requirement_set_id, NULL, first_day, days, ?2, ?3, ?4, ?5, ?6,
                   ?7, id, ?8 FROM rosters WHERE id = ?1
                 RETURNING id",
                args![
                    e.parent_id,
                    now(),
                    e.summary_json,
                    e.roster_json,
                    e.shifts_csv,
                    e.activities_csv,
                    e.coverage_csv,
                    e.edit_json
                ],
            )?;
            row.map(|r| r.get(0)).transpose()
        })
    }
}

fn actual_row(r: &SqlRow) -> Result<ActualRow, DbError> {
    Ok(ActualRow {
        channel: r.get(0)?,
        interval_start: r.get(1)?,
        offered: r.get(2)?,
        handled: r.get(3)?,
        abandoned: r.get(4)?,
        aht_seconds: r.get(5)?,
        asa_seconds: r.get(6)?,
        received_at: r.get(7)?,
    })
}
