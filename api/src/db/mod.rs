//! SQLite storage: centres, uploaded histories, forecasts, requirement sets, rosters, simulation
//! runs, scenario comparisons, performance reports, job states, and today's interval actuals and
//! absences.
//!
//! One file (or `:memory:`), opened in WAL mode with `synchronous = FULL`, so every write that the
//! service acknowledged survives a crash or restart. Each write is one transaction. Migrations are a
//! numbered list of SQL scripts applied in order and recorded in `PRAGMA user_version`.
//!
//! The connection sits behind a mutex: SQLite serialises writers anyway, and the service's writes
//! are few and small next to the solver work they record. Callers run these methods off the async
//! workers (`web::block` or a job thread), never on them.
//!
//! One private module per stored kind holds its row type and the [`Db`] methods that write and
//! read it (centres, histories, jobs, forecasts and requirement sets, rosters, simulations,
//! comparisons, reports, users, the audit log; the migrations in `schema`); everything public is re-exported here.
//! Job kinds and states are the enums [`JobKind`] and [`JobStatus`], stored and sent as the same
//! lower-case words; a stored simulation is a typed [`SimulationDocument`].

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension, Row, Transaction};

pub mod audit;
mod centres;
mod comparisons;
mod forecasts;
mod histories;
mod intraday;
mod jobs;
mod reports;
mod rosters;
mod schema;
mod simulations;
mod users;

pub use audit::{AuditRow, NewAudit};
pub use centres::CentreRow;
pub use comparisons::ComparisonRow;
pub use forecasts::{ForecastRow, RequirementSetRow};
pub use histories::{HistoryRow, NewHistory};
pub use intraday::{
    AbsenceRow, ActualRow, AgentEventRow, EditedRoster, NewAbsence, NewActual, NewAgentEvent,
    Upserted,
};
pub use jobs::{JobKind, JobRow, JobStatus, UnknownJobValue};
pub use reports::ReportRow;
pub use rosters::{NewRoster, RosterFile, RosterRow};
pub use simulations::{SimulationDocument, SimulationRow};
pub use users::{NewUser, UserRow};

/// A storage failure (not the user's fault: the service answers 500 and logs it).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite reported an error (including a stored value that does not parse, such as an
    /// unknown job status).
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored JSON document could not be read back.
    #[error("stored document is corrupt: {0}")]
    Json(#[from] serde_json::Error),
    /// The database was written by a newer Rota.
    #[error("the database schema version {found} is newer than this Rota understands ({known})")]
    TooNew {
        /// Version in the file.
        found: i64,
        /// Latest version this build knows.
        known: i64,
    },
    /// A previous panic while holding the connection.
    #[error("the database connection was poisoned by an earlier failure")]
    Poisoned,
}

/// Now, as stored: RFC 3339 UTC.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The service's database handle (cheap to clone).
#[derive(Clone)]
pub struct Db {
    conn: Arc<Mutex<Connection>>,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Db")
    }
}

/// A stored JSON document, parsed.
fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, DbError> {
    Ok(serde_json::from_str(text)?)
}

/// The tail of a centre's listing: newest first.
const NEWEST_OF_CENTRE: &str = "WHERE centre_id = ?1 ORDER BY id DESC";

/// A listed row type: how it is selected and read. Rows with a JSON column read it as text in
/// [`Stored::read`] (inside rusqlite's callback) and parse it in [`Stored::finish`], so a corrupt
/// document is a [`DbError::Json`].
trait Stored: Sized {
    /// `SELECT <columns in read's order> FROM <table>`, without a `WHERE`.
    const SELECT: &'static str;
    /// What [`Stored::read`] gives before the JSON is parsed.
    type Raw;
    /// Reads the columns of one row.
    fn read(r: &Row<'_>) -> rusqlite::Result<Self::Raw>;
    /// Parses what `read` left as text.
    fn finish(raw: Self::Raw) -> Result<Self, DbError>;
}

impl Db {
    /// Opens (creating if needed) the database at `path` and brings its schema up to date.
    /// `:memory:` gives a private in-memory database (tests).
    pub fn open(path: &Path) -> Result<Self, DbError> {
        let conn = Connection::open(path)?;
        Self::init(conn)
    }

    fn init(mut conn: Connection) -> Result<Self, DbError> {
        // WAL: readers do not block the writer; FULL sync: an acknowledged commit is on disk.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::migrate(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    fn lock(&self) -> Result<MutexGuard<'_, Connection>, DbError> {
        self.conn.lock().map_err(|_| DbError::Poisoned)
    }

    /// Runs `f` in one transaction, committed when it returns `Ok`.
    fn write<T>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, DbError>,
    ) -> Result<T, DbError> {
        let mut conn = self.lock()?;
        let tx = conn.transaction()?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// The one row `sql` (with `?1` = `id`) selects, mapped by `map`; `None` when there is none.
    fn query_one<T>(
        &self,
        sql: &str,
        id: i64,
        map: impl FnOnce(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Option<T>, DbError> {
        Ok(self.lock()?.query_row(sql, [id], map).optional()?)
    }

    /// One stored file (a text column) of the row `id` of `table`. Table and column names are
    /// this module's constants, never user input.
    fn file(&self, table: &str, column: &str, id: i64) -> Result<Option<String>, DbError> {
        self.query_one(
            &format!("SELECT {column} FROM {table} WHERE id = ?1"),
            id,
            |r| r.get(0),
        )
    }

    /// The stored row `id` of `T`'s table.
    fn one<T: Stored>(&self, id: i64) -> Result<Option<T>, DbError> {
        self.query_one(&format!("{} WHERE id = ?1", T::SELECT), id, T::read)?
            .map(T::finish)
            .transpose()
    }

    /// The rows of `T`'s table that `filter` (a `WHERE`/`ORDER BY` tail, with `?1` = `param`
    /// when it names one) selects.
    fn list<T: Stored>(
        &self,
        filter: &str,
        param: impl rusqlite::Params,
    ) -> Result<Vec<T>, DbError> {
        let conn = self.lock()?;
        let mut st = conn.prepare(&format!("{} {filter}", T::SELECT))?;
        let raw: Vec<T::Raw> = st.query_map(param, T::read)?.collect::<Result<_, _>>()?;
        raw.into_iter().map(T::finish).collect()
    }

    /// The centre the stored `kind` numbered `id` belongs to; `None` when there is no such row.
    pub fn centre_of(&self, kind: crate::access::Kind, id: i64) -> Result<Option<i64>, DbError> {
        self.query_one(
            &format!("SELECT centre_id FROM {} WHERE id = ?1", kind.table()),
            id,
            |r| r.get(0),
        )
    }

    /// The schema version in the file.
    pub fn schema_version(&self) -> Result<i64, DbError> {
        Ok(self
            .lock()?
            .query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    /// Readiness: the database answers a query.
    pub fn ping(&self) -> Result<(), DbError> {
        self.lock()?
            .query_row("SELECT 1", [], |r| r.get::<_, i64>(0))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
