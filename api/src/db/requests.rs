//! Time-off requests and roster publications (issue #15, builds 3 and 5).
//!
//! A request is stored as asked (agent, from, to, type) and keeps its history: who asked, who
//! decided, when. Approving it records the absence in `absences` in the same transaction, so the
//! Today view and a re-plan see it, and a decision is never half made.
//!
//! A publication says "this roster version is the week the floor works". Rosters are never
//! changed once stored (an edit makes a new version), so publishing only adds a row: the
//! published version of a day is the newest publication whose days contain it, and the older
//! publications stay as the record of what was published when.

use serde::Serialize;
use utoipa::ToSchema;

use super::sql::{args, SqlRow};
use super::{now, Db, DbError, Stored};

/// A stored time-off request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TimeOffRow {
    /// Request id.
    pub id: i64,
    /// Centre.
    pub centre_id: i64,
    /// The agent asking for time off.
    pub agent_id: String,
    /// First instant away (RFC 3339).
    pub from: String,
    /// First instant back (RFC 3339).
    pub to: String,
    /// `annual_leave`, `sick`, `appointment` or `other`.
    #[serde(rename = "type")]
    pub kind: String,
    /// What the agent or manager wrote.
    pub note: String,
    /// `pending`, `approved` or `declined`.
    pub status: String,
    /// When asked (UTC).
    pub created_at: String,
    /// Who asked (`user lee`, `bootstrap token`).
    pub created_by: String,
    /// When decided (UTC).
    pub decided_at: Option<String>,
    /// Who decided.
    pub decided_by: Option<String>,
    /// The absence recorded on approval.
    pub absence_id: Option<i64>,
}

impl Stored for TimeOffRow {
    const SELECT: &'static str = "SELECT id, centre_id, agent_id, from_ts, to_ts, kind, note,
        status, created_at, created_by, decided_at, decided_by, absence_id FROM time_off_requests";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(TimeOffRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            agent_id: r.get(2)?,
            from: r.get(3)?,
            to: r.get(4)?,
            kind: r.get(5)?,
            note: r.get(6)?,
            status: r.get(7)?,
            created_at: r.get(8)?,
            created_by: r.get(9)?,
            decided_at: r.get(10)?,
            decided_by: r.get(11)?,
            absence_id: r.get(12)?,
        })
    }
}

/// A checked request, ready to store.
#[derive(Debug, Clone)]
pub struct NewTimeOff {
    /// Centre.
    pub centre_id: i64,
    /// A configured agent.
    pub agent_id: String,
    /// First instant away.
    pub from: chrono::DateTime<chrono::FixedOffset>,
    /// First instant back (after `from`).
    pub to: chrono::DateTime<chrono::FixedOffset>,
    /// The type's word.
    pub kind: String,
    /// Free text.
    pub note: String,
    /// Who asked.
    pub created_by: String,
}

/// What a decision did.
#[derive(Debug, Clone)]
pub enum Decided {
    /// The request now has the decision (and, approved, its absence).
    Done(Box<TimeOffRow>),
    /// It had been decided the other way already: nothing changed.
    AlreadyDecided(Box<TimeOffRow>),
    /// No such request.
    Missing,
}

/// One publication: a roster version made the week the floor works.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PublicationRow {
    /// Publication id.
    pub id: i64,
    /// Centre.
    pub centre_id: i64,
    /// The roster version published.
    pub roster_id: i64,
    /// Its first local day.
    pub first_day: String,
    /// Its days.
    pub days: i64,
    /// When (UTC).
    pub published_at: String,
    /// Who published it.
    pub published_by: String,
    /// Whether it is still the published version of its days (no newer publication of the same
    /// first day).
    pub current: bool,
}

impl Stored for PublicationRow {
    const SELECT: &'static str = "SELECT p.id, p.centre_id, p.roster_id, p.first_day, p.days,
        p.published_at, p.published_by, NOT EXISTS (SELECT 1 FROM publications n
          WHERE n.centre_id = p.centre_id AND n.first_day = p.first_day AND n.id > p.id)
        FROM publications p";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(PublicationRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            roster_id: r.get(2)?,
            first_day: r.get(3)?,
            days: r.get(4)?,
            published_at: r.get(5)?,
            published_by: r.get(6)?,
            current: r.get(7)?,
        })
    }
}

impl Db {
    /// Stores a pending request; its id.
    pub fn insert_time_off(&self, r: &NewTimeOff) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.insert(
                "INSERT INTO time_off_requests (centre_id, agent_id, from_ts, to_ts, kind, note,
                   status, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'pending', ?7, ?8)",
                args![
                    r.centre_id,
                    r.agent_id,
                    r.from.to_rfc3339(),
                    r.to.to_rfc3339(),
                    r.kind,
                    r.note,
                    now(),
                    r.created_by
                ],
            )
        })
    }

    /// One request.
    pub fn time_off(&self, id: i64) -> Result<Option<TimeOffRow>, DbError> {
        self.one(id)
    }

    /// A centre's requests, newest first; only `agent`'s when given.
    pub fn time_off_requests(
        &self,
        centre_id: i64,
        agent: Option<&str>,
    ) -> Result<Vec<TimeOffRow>, DbError> {
        match agent {
            None => self.list(super::NEWEST_OF_CENTRE, args![centre_id]),
            Some(a) => self.list(
                "WHERE centre_id = ?1 AND agent_id = ?2 ORDER BY id DESC",
                args![centre_id, a],
            ),
        }
    }

    /// Approves (`approve`) or declines request `id` in one transaction; approving records the
    /// absence (`reason`) as `absences` keeps it (an absence of the agent from the same instant
    /// is replaced). Deciding again the same way changes nothing; the other way is refused.
    pub fn decide_time_off(
        &self,
        id: i64,
        approve: bool,
        by: &str,
        reason: &str,
    ) -> Result<Decided, DbError> {
        let status = if approve { "approved" } else { "declined" };
        let read = |tx: &mut dyn super::sql::Conn| -> Result<Option<TimeOffRow>, DbError> {
            tx.query_opt(&format!("{} WHERE id = ?1", TimeOffRow::SELECT), args![id])?
                .as_ref()
                .map(TimeOffRow::read)
                .transpose()
        };
        self.write(|tx| {
            let Some(row) = read(tx)? else {
                return Ok(Decided::Missing);
            };
            if row.status == status {
                return Ok(Decided::Done(Box::new(row)));
            }
            if row.status != "pending" {
                return Ok(Decided::AlreadyDecided(Box::new(row)));
            }
            let absence: Option<i64> = if approve {
                let from = chrono::DateTime::parse_from_rfc3339(&row.from).map_err(|e| {
                    DbError::Value {
                        column: 3,
                        reason: e.to_string(),
                    }
                })?;
                tx.query_opt(
                    "INSERT INTO absences (centre_id, agent_id, from_s, from_ts, to_ts, reason,
                       recorded_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (centre_id, agent_id, from_s) DO UPDATE SET
                       to_ts = excluded.to_ts, reason = excluded.reason,
                       recorded_at = excluded.recorded_at, revision = absences.revision + 1
                     RETURNING id",
                    args![
                        row.centre_id,
                        row.agent_id,
                        from.timestamp(),
                        row.from,
                        row.to,
                        reason,
                        now()
                    ],
                )?
                .map(|r| r.get(0))
                .transpose()?
            } else {
                None
            };
            tx.execute(
                "UPDATE time_off_requests SET status = ?2, decided_at = ?3, decided_by = ?4,
                   absence_id = ?5 WHERE id = ?1",
                args![id, status, now(), by, absence],
            )?;
            Ok(read(tx)?.map_or(Decided::Missing, |r| Decided::Done(Box::new(r))))
        })
    }

    /// Publishes roster `roster_id`; the publication, or `None` when there is no such roster.
    /// Publishing the version already published for its first day changes nothing.
    pub fn publish_roster(
        &self,
        roster_id: i64,
        by: &str,
    ) -> Result<Option<PublicationRow>, DbError> {
        let id = self.write(|tx| {
            let current = tx.query_opt(
                "SELECT p.id, p.roster_id FROM publications p JOIN rosters r
                   ON r.centre_id = p.centre_id AND r.first_day = p.first_day
                 WHERE r.id = ?1 ORDER BY p.id DESC LIMIT 1",
                args![roster_id],
            )?;
            if let Some(row) = current {
                if row.get::<i64>(1)? == roster_id {
                    return Ok(Some(row.get::<i64>(0)?));
                }
            }
            tx.query_opt(
                "INSERT INTO publications (centre_id, roster_id, first_day, days, published_at,
                   published_by)
                 SELECT centre_id, id, first_day, days, ?2, ?3 FROM rosters WHERE id = ?1
                 RETURNING id",
                args![roster_id, now(), by],
            )?
            .map(|r| r.get(0))
            .transpose()
        })?;
        match id {
            None => Ok(None),
            Some(id) => self.one(id),
        }
    }

    /// A centre's publications, newest first (`current` marks each day's published version).
    pub fn publications(&self, centre_id: i64) -> Result<Vec<PublicationRow>, DbError> {
        self.list(
            "WHERE p.centre_id = ?1 ORDER BY p.id DESC",
            args![centre_id],
        )
    }

    /// The publication in force on local day `day` (`YYYY-MM-DD`) of a centre: the newest whose
    /// days contain it.
    pub fn published_on(
        &self,
        centre_id: i64,
        day: chrono::NaiveDate,
    ) -> Result<Option<PublicationRow>, DbError> {
        Ok(self
            .publications(centre_id)?
            .into_iter()
            .find(|p| covers(p, day)))
    }
}

/// Whether publication `p` covers local day `day`.
pub fn covers(p: &PublicationRow, day: chrono::NaiveDate) -> bool {
    p.first_day
        .parse::<chrono::NaiveDate>()
        .is_ok_and(|first| day >= first && (day - first).num_days() < p.days)
}
