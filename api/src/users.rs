//! Users and their API keys: making a key, hashing it, and creating a user after checking the
//! request (name, role, centres, the agent an `agent` is bound to). `rota users add` and
//! `POST /v1/users` both call [`create_user`], so the rules are written once.
//!
//! # How keys are stored
//!
//! A key is `rota_` followed by 64 hex digits: 256 bits from the operating system's CSPRNG
//! (through `rand`'s thread RNG). The database keeps only HMAC-SHA256 of the key, keyed with a
//! 256-bit secret the database drew for itself when it was created (`settings.key_secret`).
//!
//! Why a fast keyed hash and not a slow password hash (argon2): a slow hash exists to make
//! guessing a *low-entropy* secret (a password) expensive. A 256-bit random key cannot be guessed
//! however fast the hash is, so argon2 would only add tens of milliseconds to every request (each
//! request presents its key) and no safety. The HMAC key makes hashes from one database useless
//! against another and for precomputed tables. Lookup is by the hash, through a unique index:
//! what a timing difference could reveal is how a hash compares, not the key.

use std::fmt::Write as _;

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::Deserialize;
use sha2::Sha256;
use utoipa::ToSchema;

use crate::access::{Grant, Role};
use crate::db::{Db, DbError, NewUser, UserRow};

/// What every key starts with, so a leaked key is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "rota_";

/// Longest user name.
pub const MAX_NAME_LEN: usize = 100;

/// A fresh random API key.
pub fn new_key() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{KEY_PREFIX}{}", hex(&bytes))
}

/// The stored form of `key`: HMAC-SHA256 under the database's `secret`, as hex.
pub fn hash_key(secret: &[u8], key: &str) -> String {
    // HMAC takes a key of any length, so this cannot fail; the fallback keeps it panic-free.
    let Ok(mut mac) = <Hmac<Sha256> as KeyInit>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(key.as_bytes());
    hex(&mac.finalize().into_bytes())
}

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// A user to create, as `rota users add` and `POST /v1/users` take it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateUser {
    /// Name (1-100 printable characters, unique among users not revoked).
    pub name: String,
    /// `admin`, `manager`, `planner`, `viewer` or `agent`.
    pub role: Role,
    /// The centres the role applies in; left out (or null): every centre, present and future.
    pub centres: Option<Vec<i64>>,
    /// For an `agent` (and only then): their agent id in the centre's roster, e.g. `NH012`.
    pub agent_id: Option<String>,
}

/// Why a user cannot be created (the request's fault, except [`UserError::Db`]).
#[derive(Debug, thiserror::Error)]
pub enum UserError {
    /// The name is empty, too long or has control characters.
    #[error("the name must be 1-{MAX_NAME_LEN} printable characters")]
    Name,
    /// An active user has that name.
    #[error("a user named `{0}` exists already (revoke it first, or pick another name)")]
    NameTaken(String),
    /// An empty centre list.
    #[error("`centres` is empty: name at least one centre, or leave it out for every centre")]
    NoCentre,
    /// A centre that does not exist.
    #[error("there is no centre with id {0}")]
    UnknownCentre(i64),
    /// An agent without an agent id or with other than one centre, or an agent id on another role.
    #[error("{0}")]
    Agent(String),
    /// The agent id is not one of the centre's agents.
    #[error("centre {centre} has no agent `{agent}` in its configuration")]
    UnknownAgent {
        /// The id given.
        agent: String,
        /// The centre.
        centre: i64,
    },
    /// Storage failed.
    #[error(transparent)]
    Db(#[from] DbError),
}

impl UserError {
    /// The request field at fault (for the API's problem answer).
    pub fn field(&self) -> &'static str {
        match self {
            UserError::Name | UserError::NameTaken(_) => "name",
            UserError::NoCentre | UserError::UnknownCentre(_) => "centres",
            UserError::Agent(_) | UserError::UnknownAgent { .. } => "agent_id",
            UserError::Db(_) => "body",
        }
    }
}

/// Checks `req`, stores the user with a fresh key and returns the stored user and the key (shown
/// once: only its hash is kept). `created_by` is recorded with it.
pub fn create_user(
    db: &Db,
    req: &CreateUser,
    created_by: &str,
) -> Result<(UserRow, String), UserError> {
    let name = req.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_LEN || name.chars().any(char::is_control)
    {
        return Err(UserError::Name);
    }
    let centres = match &req.centres {
        None => vec![None],
        Some(list) if list.is_empty() => return Err(UserError::NoCentre),
        Some(list) => {
            let mut ids = list.clone();
            ids.sort_unstable();
            ids.dedup();
            ids.into_iter().map(Some).collect()
        }
    };
    let mut configs = Vec::new();
    for c in centres.iter().flatten() {
        let centre = db.centre(*c)?.ok_or(UserError::UnknownCentre(*c))?;
        configs.push((*c, centre.config_toml));
    }
    let agent_id = req
        .agent_id
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty());
    match (req.role, agent_id) {
        (Role::Agent, None) => {
            return Err(UserError::Agent(
                "an agent user needs the agent id it is bound to (--agent / agent_id)".into(),
            ))
        }
        (Role::Agent, Some(agent)) => {
            let [(centre, toml)] = configs.as_slice() else {
                return Err(UserError::Agent(
                    "an agent user belongs to exactly one centre (--centre / centres)".into(),
                ));
            };
            let known =
                rota_data::config::CentreConfig::from_toml_str(toml, "stored configuration")
                    .map(|c| c.agents().iter().any(|a| a.id() == agent))
                    .unwrap_or(false);
            if !known {
                return Err(UserError::UnknownAgent {
                    agent: agent.to_string(),
                    centre: *centre,
                });
            }
        }
        (_, Some(_)) => {
            return Err(UserError::Agent(format!(
                "only an agent user is bound to an agent id, not a {}",
                req.role
            )))
        }
        (_, None) => {}
    }
    let key = new_key();
    let new = NewUser {
        name: name.to_string(),
        key_hash: hash_key(&db.key_secret()?, &key),
        agent_id: agent_id.map(str::to_string),
        roles: centres
            .into_iter()
            .map(|centre| Grant {
                centre,
                role: req.role,
            })
            .collect(),
        created_by: created_by.to_string(),
    };
    let id = db
        .insert_user(&new)?
        .ok_or_else(|| UserError::NameTaken(new.name.clone()))?;
    let row = db
        .user(id)?
        .ok_or(DbError::Missing("the user just stored"))?;
    Ok((row, key))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_random_and_hashed_under_the_secret() {
        let (a, b) = (new_key(), new_key());
        assert_ne!(a, b);
        assert!(a.starts_with(KEY_PREFIX) && a.len() == KEY_PREFIX.len() + 64);
        let h = hash_key(b"secret-one", &a);
        assert_eq!(h.len(), 64);
        assert_eq!(h, hash_key(b"secret-one", &a));
        assert_ne!(h, hash_key(b"secret-two", &a));
        assert!(!h.contains(&a[KEY_PREFIX.len()..]));
    }

    #[test]
    fn users_are_checked_before_they_are_stored() {
        let db = Db::open(std::path::Path::new(":memory:")).expect("db");
        let req = |name: &str, role, centres, agent: Option<&str>| CreateUser {
            name: name.into(),
            role,
            centres,
            agent_id: agent.map(str::to_string),
        };
        let (admin, key) = create_user(&db, &req("ops", Role::Admin, None, None), "cli")
            .expect("an admin of every centre");
        assert_eq!(
            admin.roles,
            vec![Grant {
                centre: None,
                role: Role::Admin
            }]
        );
        let stored = db
            .user_by_key_hash(&hash_key(&db.key_secret().expect("secret"), &key))
            .expect("lookup");
        assert_eq!(stored.map(|u| u.id), Some(admin.id));
        assert!(matches!(
            create_user(&db, &req("ops", Role::Viewer, None, None), "cli"),
            Err(UserError::NameTaken(_))
        ));
        assert!(matches!(
            create_user(&db, &req(" ", Role::Viewer, None, None), "cli"),
            Err(UserError::Name)
        ));
        assert!(matches!(
            create_user(&db, &req("v", Role::Viewer, Some(vec![9]), None), "cli"),
            Err(UserError::UnknownCentre(9))
        ));
        assert!(matches!(
            create_user(&db, &req("a", Role::Agent, None, Some("A1")), "cli"),
            Err(UserError::Agent(_))
        ));
        assert!(matches!(
            create_user(&db, &req("p", Role::Planner, None, Some("A1")), "cli"),
            Err(UserError::Agent(_))
        ));
        assert!(db.revoke_user(admin.id).expect("revoke"));
        assert!(db
            .user_by_key_hash(&hash_key(&db.key_secret().expect("secret"), &key))
            .expect("lookup")
            .is_none());
        create_user(&db, &req("ops", Role::Viewer, None, None), "cli")
            .expect("a revoked user's name is free again");
    }
}
