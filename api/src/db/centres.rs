//! Centres: a unique name and the configuration (TOML) as uploaded.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use utoipa::ToSchema;

use super::{now, Db, DbError, Stored};

/// A centre as listed.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CentreRow {
    /// Centre id.
    pub id: i64,
    /// Unique name.
    pub name: String,
    /// The configuration (TOML), as stored.
    pub config_toml: String,
    /// Created (UTC).
    pub created_at: String,
    /// Last configuration update (UTC).
    pub updated_at: String,
}

impl Db {
    /// Stores a new centre; `None` when the name is taken.
    pub fn insert_centre(&self, name: &str, config_toml: &str) -> Result<Option<i64>, DbError> {
        self.write(|tx| {
            let taken: Option<i64> = tx
                .query_row("SELECT id FROM centres WHERE name = ?1", [name], |r| {
                    r.get(0)
                })
                .optional()?;
            if taken.is_some() {
                return Ok(None);
            }
            let t = now();
            tx.execute(
                "INSERT INTO centres (name, config_toml, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3)",
                params![name, config_toml, t],
            )?;
            Ok(Some(tx.last_insert_rowid()))
        })
    }

    /// Replaces a centre's configuration; `false` when there is no such centre.
    pub fn update_centre_config(&self, id: i64, config_toml: &str) -> Result<bool, DbError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE centres SET config_toml = ?1, updated_at = ?2 WHERE id = ?3",
                params![config_toml, now(), id],
            )? == 1)
        })
    }

    /// One centre.
    pub fn centre(&self, id: i64) -> Result<Option<CentreRow>, DbError> {
        self.one(id)
    }

    /// All centres, by id.
    pub fn centres(&self) -> Result<Vec<CentreRow>, DbError> {
        self.list("ORDER BY id", [])
    }
}

impl Stored for CentreRow {
    const SELECT: &'static str =
        "SELECT id, name, config_toml, created_at, updated_at FROM centres";
    type Raw = Self;
    fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(CentreRow {
            id: r.get(0)?,
            name: r.get(1)?,
            config_toml: r.get(2)?,
            created_at: r.get(3)?,
            updated_at: r.get(4)?,
        })
    }
    fn finish(raw: Self) -> Result<Self, DbError> {
        Ok(raw)
    }
}
