//! Users: a name, the hash of their API key, their roles per centre and, for an agent, the
//! roster's agent id they are bound to. Keys themselves are never stored (see [`crate::users`]).

use serde::Serialize;
use utoipa::ToSchema;

use super::sql::{args, word_value, SqlRow};
use super::{now, Db, DbError};
use crate::access::{Grant, Role};

word_value!(Role);

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

fn read_user(r: &SqlRow) -> Result<UserRow, DbError> {
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
        self.read(|c| c.value("SELECT value FROM settings WHERE name = 'key_secret'", &[]))
    }

    /// Stores a new user with their roles; `None` when an active user has that name.
    pub fn insert_user(&self, u: &NewUser) -> Result<Option<i64>, DbError> {
        self.write(|tx| {
            if tx
                .query_opt(
                    "SELECT id FROM users WHERE name = ?1 AND revoked_at IS NULL",
                    args![u.name],
                )?
                .is_some()
            {
                return Ok(None);
            }
            let id = tx.insert(
                "INSERT INTO users (name, key_hash, agent_id, created_at, created_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                args![u.name, u.key_hash, u.agent_id, now(), u.created_by],
            )?;
            for g in &u.roles {
                tx.execute(
                    "INSERT INTO user_roles (user_id, centre_id, role) VALUES (?1, ?2, ?3)",
                    args![id, g.centre, g.role],
                )?;
            }
            Ok(Some(id))
        })
    }

    /// The active (not revoked) user whose key hashes to `key_hash`.
    pub fn user_by_key_hash(&self, key_hash: &str) -> Result<Option<UserRow>, DbError> {
        self.user_where("key_hash = ?1 AND revoked_at IS NULL", args![key_hash])
    }

    /// One user (revoked ones too).
    pub fn user(&self, id: i64) -> Result<Option<UserRow>, DbError> {
        self.user_where("id = ?1", args![id])
    }

    /// The active user named `name`.
    pub fn active_user_named(&self, name: &str) -> Result<Option<UserRow>, DbError> {
        self.user_where("name = ?1 AND revoked_at IS NULL", args![name])
    }

    /// The one user `filter` selects, with their roles.
    fn user_where(
        &self,
        filter: &str,
        values: &[super::sql::Value],
    ) -> Result<Option<UserRow>, DbError> {
        let row = self.read(|c| {
            c.query_opt(&format!("{SELECT_USER} WHERE {filter}"), values)?
                .as_ref()
                .map(read_user)
                .transpose()
        })?;
        row.map(|u| self.with_roles(u)).transpose()
    }

    /// Whether an active user is an admin of every centre (then the service can be run without a
    /// bootstrap token).
    pub fn has_admin_everywhere(&self) -> Result<bool, DbError> {
        self.read(|c| {
            c.value(
                "SELECT EXISTS (SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id
                   WHERE u.revoked_at IS NULL AND r.centre_id IS NULL AND r.role = 'admin')",
                &[],
            )
        })
    }

    /// Every user, by id (revoked ones too).
    pub fn users(&self) -> Result<Vec<UserRow>, DbError> {
        let rows: Vec<UserRow> = self.read(|c| {
            c.query(&format!("{SELECT_USER} ORDER BY id"), &[])?
                .iter()
                .map(read_user)
                .collect()
        })?;
        rows.into_iter().map(|u| self.with_roles(u)).collect()
    }

    /// Revokes user `id` (its key gets 401 from now on); `false` when there is no such user.
    /// Revoking a revoked user changes nothing and is not an error.
    pub fn revoke_user(&self, id: i64) -> Result<bool, DbError> {
        self.write(|tx| {
            let exists = tx
                .query_opt("SELECT 1 FROM users WHERE id = ?1", args![id])?
                .is_some();
            tx.execute(
                "UPDATE users SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                args![now(), id],
            )?;
            Ok(exists)
        })
    }

    fn with_roles(&self, mut u: UserRow) -> Result<UserRow, DbError> {
        u.roles = self.read(|c| {
            c.query(
                "SELECT centre_id, role FROM user_roles WHERE user_id = ?1 ORDER BY centre_id",
                args![u.id],
            )?
            .iter()
            .map(|r| {
                Ok(Grant {
                    centre: r.get(0)?,
                    role: r.get(1)?,
                })
            })
            .collect::<Result<_, DbError>>()
        })?;
        Ok(u)
    }
}
