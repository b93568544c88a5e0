//! Centres: a unique name and the configuration (TOML) as uploaded.

use serde::Serialize;
use utoipa::ToSchema;

use super::sql::{args, SqlRow};
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
            if tx
                .query_opt("SELECT id FROM centres WHERE name = ?1", args![name])?
                .is_some()
            {
                return Ok(None);
            }
            let t = now();
            tx.insert(
                "INSERT INTO centres (name, config_toml, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?3)",
                args![name, config_toml, t],
            )
            .map(Some)
        })
    }

    /// Replaces a centre's configuration; `false` when there is no such centre.
    pub fn update_centre_config(&self, id: i64, config_toml: &str) -> Result<bool, DbError> {
        self.write(|tx| {
            Ok(tx.execute(
                "UPDATE centres SET config_toml = ?1, updated_at = ?2 WHERE id = ?3",
                args![config_toml, now(), id],
            )? == 1)
        })
    }

    /// One centre.
    pub fn centre(&self, id: i64) -> Result<Option<CentreRow>, DbError> {
        self.one(id)
    }

    /// All centres, by id.
    pub fn centres(&self) -> Result<Vec<CentreRow>, DbError> {
        self.list("ORDER BY id", &[])
    }
}

impl Stored for CentreRow {
    const SELECT: &'static str =
        "SELECT id, name, config_toml, created_at, updated_at FROM centres";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(CentreRow {
            id: r.get(0)?,
            name: r.get(1)?,
            config_toml: r.get(2)?,
            created_at: r.get(3)?,
            updated_at: r.get(4)?,
        })
    }
}
