//! Uploaded histories: the bytes as uploaded, their summary and the recent series the dashboard
//! charts.

use serde::Serialize;
use utoipa::ToSchema;

use super::sql::{args, SqlRow};
use super::{json, now, Db, DbError, Stored, NEWEST_OF_CENTRE};

/// An uploaded history as listed (without its content).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct HistoryRow {
    /// History id.
    pub id: i64,
    /// Centre.
    pub centre_id: i64,
    /// File name given at upload.
    pub filename: String,
    /// Uploaded (UTC).
    pub uploaded_at: String,
    /// Size of the upload in bytes.
    pub bytes: i64,
    /// Interval records read.
    pub records: i64,
    /// First local day with data.
    pub first_day: Option<String>,
    /// Last local day with data.
    pub last_day: Option<String>,
}

/// What an upload stores.
#[derive(Debug, Clone)]
pub struct NewHistory {
    /// Centre.
    pub centre_id: i64,
    /// File name given.
    pub filename: String,
    /// Raw bytes as uploaded (CSV or CSV.gz).
    pub content: Vec<u8>,
    /// Records read.
    pub records: i64,
    /// First local day.
    pub first_day: Option<String>,
    /// Last local day.
    pub last_day: Option<String>,
    /// Summary as JSON.
    pub summary_json: String,
    /// Summary as the `rota data check` text.
    pub summary_text: String,
    /// Recent offered per channel and interval (for the dashboard chart).
    pub recent_json: String,
}

impl Db {
    /// Stores an uploaded history.
    pub fn insert_history(&self, h: &NewHistory) -> Result<i64, DbError> {
        self.write(|tx| {
            tx.insert(
                "INSERT INTO histories (centre_id, filename, uploaded_at, bytes, records, first_day,
                   last_day, content, summary_json, summary_text, recent_json)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                args![
                    h.centre_id,
                    h.filename,
                    now(),
                    h.content.len() as i64,
                    h.records,
                    h.first_day,
                    h.last_day,
                    h.content,
                    h.summary_json,
                    h.summary_text,
                    h.recent_json
                ],
            )
        })
    }

    /// Histories of a centre, newest first.
    pub fn histories(&self, centre_id: i64) -> Result<Vec<HistoryRow>, DbError> {
        self.list(NEWEST_OF_CENTRE, args![centre_id])
    }

    /// One history's listing row.
    pub fn history(&self, id: i64) -> Result<Option<HistoryRow>, DbError> {
        self.one(id)
    }

    /// One history's summary (JSON, text) and recent series (JSON).
    pub fn history_details(
        &self,
        id: i64,
    ) -> Result<Option<(serde_json::Value, String, serde_json::Value)>, DbError> {
        let row: Option<(String, String, String)> = self.query_one(
            "SELECT summary_json, summary_text, recent_json FROM histories WHERE id = ?1",
            id,
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?;
        row.map(|(s, t, r)| Ok((json(&s)?, t, json(&r)?)))
            .transpose()
    }

    /// One history's uploaded bytes.
    pub fn history_content(&self, id: i64) -> Result<Option<(String, Vec<u8>)>, DbError> {
        self.query_one(
            "SELECT filename, content FROM histories WHERE id = ?1",
            id,
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
    }
}

impl Stored for HistoryRow {
    const SELECT: &'static str = "SELECT id, centre_id, filename, uploaded_at, bytes, records,
        first_day, last_day FROM histories";
    fn read(r: &SqlRow) -> Result<Self, DbError> {
        Ok(HistoryRow {
            id: r.get(0)?,
            centre_id: r.get(1)?,
            filename: r.get(2)?,
            uploaded_at: r.get(3)?,
            bytes: r.get(4)?,
            records: r.get(5)?,
            first_day: r.get(6)?,
            last_day: r.get(7)?,
        })
    }
}
