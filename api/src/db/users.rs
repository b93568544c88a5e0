//! Users: a name, the hash of their API key, their roles per centre and, for an agent, the
//! roster's agent id they are bound to. Keys themselves are never stored (see [`crate::users`]).

use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use utoipa::ToSchema;

use super::{now, Db, DbError};
use crate::access::{Grant, Role};

impl ToSql for Role {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::from(self.as_str()))
    }
}

impl FromSql for Role {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value
            .as_str()?
            .parse()
            .map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// A user as listed (never with the key or its hash).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct UserRow {
    /// User id.
    pub id: i64,
    /// Name (unique among users not revoked).
    pub name: String,
    /// Roles per centre (`centre` null: every centre).
    pub roles: Vec<Grant>,
    /// For an `agent`: the agent id in the centre's roster.
    pub agent_id: Option<String>,
    /// Created (UTC).
    pub created_at: String,
    /// Who created it (`cli`, `bootstrap token` or `user <name>`).
    pub created_by: String,
    /// Revoked (UTC); a revoked key gets 401.
    pub revoked_at: Option<String>,
}

/// A user to store: the key's hash, never the key.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Name.
    pub name: String,
    /// HMAC-SHA256 of the key under the database's secret, hex.
    pub key_hash: String,
    /// The agent id of an `agent`.
    pub agent_id: Option<String>,
    /// Roles per centre.
    pub roles: Vec<Grant>,
    /// Who creates it.
    pub created_by: String,
}

const SELECT_USER: &str =
    "SELECT id, name, agent_id, created_at, created_by, revoked_at FROM users";

fn read_user(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get(0)?,
        name: r.get(1)?,
        agent_id: r.get(2)?,
        created_at: r.get(3)?,
        created_by: r.get(4)?,
        revoked_at: r.get(5)?,
        roles: Vec::new(),
    })
}

impl Db {
    /// This database's secret for hashing keys (drawn by the migration that made the table).
    pub fn key_secret(&self) -> Result<Vec<u8>, DbError> {
        Ok(self.lock()?.query_row(
            "SELECT value FROM settings WHERE name = 'key_secret'",
            [],
            |r| r.get(0),
        )?)
    }

    /// Stores a new user with their roles; `None` when an active user has that name.
    pub fn insert_user(&self, u: &NewUser) -> Result<Option<i64>, DbError> {
        self.write(|tx| {
            let taken: Option<i64> = tx
                .query_row(
                    "SELECT id FROM users WHERE name = ?1 AND revoked_at IS NULL",
                    [&u.name],
                    |r| r.get(0),
                )
                .optional()?;
            if taken.is_some() {
                return Ok(None);
            }
            tx.execute(
                "INSERT INTO users (name, key_hash, agent_id, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![u.name, u.key_hash, u.agent_id, now(), u.created_by],
            )?;
            let id = tx.last_insert_rowid();
            for g in &u.roles {
                tx.execute(
                    "INSERT INTO user_roles (user_id, centre_id, role) VALUES (?1, ?2, ?3)",
                    params![id, g.centre, g.role],
                )?;
            }
            Ok(Some(id))
        })
    }

    /// The active (not revoked) user whose key hashes to `key_hash`.
    pub fn user_by_key_hash(&self, key_hash: &str) -> Result<Option<UserRow>, DbError> {
        let row = self
            .lock()?
            .query_row(
                &format!("{SELECT_USER} WHERE key_hash = ?1 AND revoked_at IS NULL"),
                [key_hash],
                read_user,
            )
            .optional()?;
        row.map(|u| self.with_roles(u)).transpose()
    }

    /// One user (revoked ones too).
    pub fn user(&self, id: i64) -> Result<Option<UserRow>, DbError> {
        let row = self.query_one(&format!("{SELECT_USER} WHERE id = ?1"), id, read_user)?;
        row.map(|u| self.with_roles(u)).transpose()
    }

    /// The active user named `name`.
    pub fn active_user_named(&self, name: &str) -> Result<Option<UserRow>, DbError> {
        let row = self
            .lock()?
            .query_row(
                &format!("{SELECT_USER} WHERE name = ?1 AND revoked_at IS NULL"),
                [name],
                read_user,
            )
            .optional()?;
        row.map(|u| self.with_roles(u)).transpose()
    }

    /// Whether an active user is an admin of every centre (then the service can be run without a
    /// bootstrap token).
    pub fn has_admin_everywhere(&self) -> Result<bool, DbError> {
        Ok(self.lock()?.query_row(
            "SELECT EXISTS (SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
               WHERE u.revoked_at IS NULL AND r.centre_id IS NULL AND r.role = 'admin')",
            [],
            |r| r.get(0),
        )?)
    }

    /// Every user, by id (revoked ones too).
    pub fn users(&self) -> Result<Vec<UserRow>, DbError> {
        let rows: Vec<UserRow> = {
            let conn = self.lock()?;
            let mut st = conn.prepare(&format!("{SELECT_USER} ORDER BY id"))?;
            let rows = st.query_map([], read_user)?.collect::<Result<_, _>>()?;
            rows
        };
        rows.into_iter().map(|u| self.with_roles(u)).collect()
    }

    /// Revokes user `id` (its key gets 401 from now on); `false` when there is no such user.
    /// Revoking a revoked user changes nothing and is not an error.
    pub fn revoke_user(&self, id: i64) -> Result<bool, DbError> {
        self.write(|tx| {
            let exists = tx
                .query_row("SELECT 1 FROM users WHERE id = ?1", [id], |_| Ok(()))
                .optional()?
                .is_some();
            tx.execute(
                "UPDATE users SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                params![now(), id],
            )?;
            Ok(exists)
        })
    }

    fn with_roles(&self, mut u: UserRow) -> Result<UserRow, DbError> {
        let conn = self.lock()?;
        let mut st = conn.prepare(
            "SELECT centre_id, role FROM user_roles WHERE user_id = ?1 ORDER BY centre_id",
        )?;
        u.roles = st
            .query_map([u.id], |r| {
                Ok(Grant {
                    centre: r.get(0)?,
                    role: r.get(1)?,
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(u)
    }
}
