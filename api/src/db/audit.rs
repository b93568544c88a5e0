//! The audit log: one row per write request that reached the access check (refused ones too),
//! appended and never changed.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::sql::{args, SqlRow};
use super::{now, Db, DbError, Stored};

/// A write to record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NewAudit {
    /// The user, when a user's key made the request.
    pub user_id: Option<i64>,
    /// Who, in words: `user <name>`, `bootstrap token` or `cli`.
    pub actor: String,
    /// HTTP method (`CLI` for `rota users`).
    pub method: String,
    /// Path and query (the command for `rota users`).
    pub path: String,
    /// The centre it concerned, when known.
    pub centre_id: Option<i64>,
    /// The answer's status (403, 404 and 429 are refused attempts).
    pub status: u16,
    /// The resource addressed (before), e.g. `roster 12`.
    pub target: Option<String>,
    /// The resource created (after), from the answer's `Location`, e.g. `/v1/jobs/40`.
    pub created: Option<String>,
}

/// One recorded write: the entry as recorded, numbered and dated.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuditRow {
    /// Entry id (increasing).
    pub id: i64,
    /// When (UTC).
    pub at: String,
    /// What was recorded.
    #[serde(flatten)]
    pub entry: NewAudit,
}

/// Which entries to read.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only this centre's entries.
    pub centre_id: Option<i64>,
    /// Entries with an id below this (the next page: the last id seen).
    pub before: Option<i64>,
    /// At most this many (default and cap 500), newest first.
    pub limit: Option<u32>,
}

impl Db {
    /// Appends an entry.
    pub fn insert_audit(&self, a: &NewAudit) -> Result<(), DbError> {
        self.write(|tx| {
            tx.execute(
                "INSERT INTO audit_log (at, user_id, actor, method, path, centre_id, status,
                   target, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                args![
                    now(),
                    a.user_id,
                    a.actor,
                    a.method,
                    a.path,
                    a.centre_id,
                    a.status,
                    a.target,
                    a.created
                ],
            )?;
            Ok(())
        })
    }

    /// Entries newest first: of `centres` only (`None`: all, those of no centre included).
    pub fn audit(&self, q: &AuditQuery, centres: Option<&[i64]>) -> Result<Vec<AuditRow>, DbError> {
        let limit = q.limit.unwrap_or(500).clamp(1, 500);
        let before = q.before.unwrap_or(i64::MAX);
        // The caller's centres as an `IN` list of integers (no list: no restriction).
        let allowed = centres.map_or_else(String::new, |c| {
            format!("AND centre_id IN {}", super::id_list(c))
        });
        self.list(
            &format!(
                "WHERE id < ?1 AND (CAST(?2 AS BIGINT) IS NULL OR centre_id = ?2) {allowed}
                 ORDER BY id DESC LIMIT ?3"
            ),
            args![before, q.centre_id, limit],
        )
    }
}

impl Stored for AuditRow {
    const SELECT: &'static str = "SELECT id, at, user_id, actor, method, path, centre_id, status,
        target, created FROM audit_log";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(AuditRow {
            id: r.get(0)?,
            at: r.get(1)?,
            entry: NewAudit {
                user_id: r.get(2)?,
                actor: r.get(3)?,
                method: r.get(4)?,
                path: r.get(5)?,
                centre_id: r.get(6)?,
                status: r.get(7)?,
                target: r.get(8)?,
                created: r.get(9)?,
            },
        })
    }
}
