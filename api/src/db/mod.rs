//! Storage: centres, uploaded histories, forecasts, requirement sets, rosters, simulation
//! runs, scenario comparisons, performance reports, job states, users, the audit log, and today's
//! interval actuals and absences.
//!
//! One interface, two backends ([`Location`]): SQLite, embedded and the default, and PostgreSQL
//! (`--db postgres://...`) when several `rota serve` processes share one database. Every method
//! is written once against [`sql::Conn`]; the backends differ only in how values travel and in
//! their migrations (`schema`).
//!
//! - SQLite: one file (or `:memory:`), opened in WAL mode with `synchronous = FULL`, so every
//!   write that the service acknowledged survives a crash or restart. The connection sits behind
//!   a mutex. Migrations are recorded in `PRAGMA user_version`.
//! - PostgreSQL: a pool of connections (the synchronous `postgres` client under `r2d2`); commits
//!   are durable by the server's own settings (`synchronous_commit` on by default). Migrations are
//!   recorded in the table `schema_version`, under an advisory lock so nodes starting together
//!   migrate once.
//!
//! Each write is one transaction. Callers run these methods off the async workers (`web::block`
//! or a job thread), never on them.
//!
//! One private module per stored kind holds its row type and the [`Db`] methods that write and
//! read it (centres, histories, jobs, forecasts and requirement sets, rosters, simulations,
//! comparisons, reports, users, the audit log; the migrations in `schema`); everything public is
//! re-exported here. Job kinds and states are the enums [`JobKind`] and [`JobStatus`], stored and
//! sent as the same lower-case words; a stored simulation is a typed [`SimulationDocument`].

use std::path::Path;
use std::sync::{Arc, Mutex};

use r2d2_postgres::{postgres::NoTls, PostgresConnectionManager};

pub mod audit;
mod centres;
mod comparisons;
mod forecasts;
mod histories;
mod intraday;
mod jobs;
mod reports;
mod requests;
mod rosters;
mod schema;
mod simulations;
pub mod sql;
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
pub use jobs::{Claimed, JobKind, JobRow, JobStatus, Lease, UnknownJobValue};
pub use reports::ReportRow;
pub use requests::{covers, Decided, NewTimeOff, PublicationRow, TimeOffRow};
pub use rosters::{NewRoster, RosterFile, RosterRow};
pub use simulations::{SimulationDocument, SimulationRow};
pub use users::{NewUser, UserRow};

use sql::{args, Conn, Lite, Pg, SqlRow};

/// A storage failure (not the user's fault: the service answers 500 and logs it).
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite reported an error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL reported an error (or the connection to it failed); the server's own message
    /// is shown, not only the client's "db error".
    #[error("database error: {}", pg_detail(.0))]
    Postgres(#[from] postgres::Error),
    /// No PostgreSQL connection could be had from the pool in time.
    #[error("database connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    /// A stored value is not what its column should hold (such as an unknown job status).
    #[error("stored value in column {column} is not readable: {reason}")]
    Value {
        /// The column's place in the query.
        column: usize,
        /// Why.
        reason: String,
    },
    /// A row the statement always gives was not there.
    #[error("the database did not return {0}")]
    Missing(&'static str),
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

/// A PostgreSQL error with the server's message, detail and hint when it sent them.
fn pg_detail(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut text = format!("{}: {}", db.severity(), db.message());
            for extra in [db.detail(), db.hint()].into_iter().flatten() {
                text.push_str("; ");
                text.push_str(extra);
            }
            text
        }
        None => match std::error::Error::source(e) {
            Some(cause) => format!("{e}: {cause}"),
            None => e.to_string(),
        },
    }
}

/// Now, as stored: RFC 3339 UTC.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// Where the data lives: a SQLite file (the default) or a PostgreSQL server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file (`:memory:` for a private in-memory database).
    Sqlite(std::path::PathBuf),
    /// A `postgres://` or `postgresql://` URL (libpq's key=value strings are not taken, so a
    /// file name can never be mistaken for one).
    Postgres(String),
}

impl Location {
    /// What `--db` (or `db = ...`) names: a URL starting `postgres://` or `postgresql://` is a
    /// server, anything else a SQLite file.
    pub fn of(db: &Path) -> Self {
        let text = db.to_string_lossy();
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.into_owned())
        } else {
            Location::Sqlite(db.to_path_buf())
        }
    }

    /// For logs and errors: a URL's password is never shown.
    pub fn label(&self) -> String {
        match self {
            Location::Sqlite(p) => p.display().to_string(),
            Location::Postgres(url) => redact(url),
        }
    }
}

/// `postgres://user:secret@host/db` as `postgres://user:***@host/db`.
fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (auth, host) = match rest.rsplit_once('@') {
        Some(parts) => parts,
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// A pool of PostgreSQL connections.
type PgPool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// The two backends behind one set of methods.
#[derive(Clone)]
enum Backend {
    /// One SQLite connection behind a mutex: SQLite serialises writers anyway, and the service's
    /// writes are few and small next to the solver work they record.
    Sqlite(Arc<Mutex<rusqlite::Connection>>),
    /// A pool of PostgreSQL connections, shared by the HTTP and job threads.
    Postgres(PgPool),
}

/// The service's database handle (cheap to clone).
#[derive(Clone)]
pub struct Db {
    backend: Backend,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.is_postgres() {
            "Db(postgres)"
        } else {
            "Db(sqlite)"
        })
    }
}

/// A stored JSON document, parsed.
fn json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, DbError> {
    Ok(serde_json::from_str(text)?)
}

/// The tail of a centre's listing: newest first.
const NEWEST_OF_CENTRE: &str = "WHERE centre_id = ?1 ORDER BY id DESC";

/// A listed row type: how it is selected and read (a JSON column is parsed as it is read, so a
/// corrupt document is a [`DbError::Json`]).
trait Stored: Sized + Send {
    /// `SELECT <columns in read's order> FROM <table>`, without a `WHERE`.
    const SELECT: &'static str;
    /// Reads the columns of one row.
    fn read(r: &SqlRow) -> Result<Self, DbError>;
}

/// How many PostgreSQL connections one process keeps at most: the HTTP workers and job threads
/// each hold one only for a statement or a transaction.
const PG_POOL_SIZE: u32 = 16;

impl Db {
    /// Opens the database `db` names (see [`Location::of`]: a SQLite file, created if needed, or
    /// a `postgres://` URL) and brings its schema up to date. `:memory:` gives a private
    /// in-memory SQLite database (tests).
    pub fn open(db: &Path) -> Result<Self, DbError> {
        match Location::of(db) {
            Location::Sqlite(path) => Self::init(rusqlite::Connection::open(path)?),
            Location::Postgres(url) => Self::connect(&url),
        }
    }

    /// Connects to PostgreSQL at `url` and brings its schema up to date (several processes may
    /// start at once: the migrations take an advisory lock).
    pub fn connect(url: &str) -> Result<Self, DbError> {
        let mut config: postgres::Config = url.parse()?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(std::time::Duration::from_secs(10));
        }
        // One connection first, outside the pool: a server that is not there is an error at
        // once, with its cause ("Connection refused", a wrong password), not the pool's retries.
        let mut first = config.connect(NoTls)?;
        schema::migrate_postgres(&mut first)?;
        drop(first);
        let manager = PostgresConnectionManager::new(config, NoTls);
        let pool = r2d2::Pool::builder()
            .max_size(PG_POOL_SIZE)
            .min_idle(Some(1))
            .connection_timeout(std::time::Duration::from_secs(10))
            .build(manager)?;
        Ok(Self {
            backend: Backend::Postgres(pool),
        })
    }

    fn init(mut conn: rusqlite::Connection) -> Result<Self, DbError> {
        // WAL: readers do not block the writer; FULL sync: an acknowledged commit is on disk.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        schema::migrate_sqlite(&mut conn)?;
        Ok(Self {
            backend: Backend::Sqlite(Arc::new(Mutex::new(conn))),
        })
    }

    /// True on the PostgreSQL backend.
    pub fn is_postgres(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// Runs `f` in one transaction, committed when it returns `Ok`.
    fn write<T: Send>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, DbError> + Send,
    ) -> Result<T, DbError> {
        match &self.backend {
            Backend::Sqlite(conn) => {
                let mut conn = conn.lock().map_err(|_| DbError::Poisoned)?;
                let tx = conn.transaction()?;
                let out = f(&mut Lite(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            Backend::Postgres(pool) => off_runtime(|| {
                let mut client = pool.get()?;
                let mut tx = client.transaction()?;
                let out = f(&mut Pg(&mut tx))?;
                tx.commit()?;
                Ok(out)
            }),
        }
    }

    /// Runs `f` on a connection outside any explicit transaction (reads: each statement sees
    /// committed data).
    fn read<T: Send>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, DbError> + Send,
    ) -> Result<T, DbError> {
        match &self.backend {
            Backend::Sqlite(conn) => {
                let conn = conn.lock().map_err(|_| DbError::Poisoned)?;
                f(&mut Lite(&conn))
            }
            Backend::Postgres(pool) => off_runtime(|| {
                let mut client = pool.get()?;
                f(&mut Pg(&mut *client))
            }),
        }
    }

    /// The one row `sql` (with `?1` = `id`) selects, mapped by `map`; `None` when there is none.
    fn query_one<T: Send>(
        &self,
        sql: &str,
        id: i64,
        map: impl FnOnce(&SqlRow) -> Result<T, DbError> + Send,
    ) -> Result<Option<T>, DbError> {
        self.read(|c| c.query_opt(sql, args![id])?.as_ref().map(map).transpose())
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
        self.query_one(&format!("{} WHERE id = ?1", T::SELECT), id, T::read)
    }

    /// The rows of `T`'s table that `filter` (a `WHERE`/`ORDER BY` tail, with `?1` = `param`
    /// when it names one) selects.
    fn list<T: Stored>(&self, filter: &str, args: &[sql::Value]) -> Result<Vec<T>, DbError> {
        self.read(|c| {
            c.query(&format!("{} {filter}", T::SELECT), args)?
                .iter()
                .map(T::read)
                .collect()
        })
    }

    /// The centre the stored `kind` numbered `id` belongs to; `None` when there is no such row.
    pub fn centre_of(&self, kind: crate::access::Kind, id: i64) -> Result<Option<i64>, DbError> {
        self.query_one(
            &format!("SELECT centre_id FROM {} WHERE id = ?1", kind.table()),
            id,
            |r| r.get(0),
        )
    }

    /// The schema version of the database.
    pub fn schema_version(&self) -> Result<i64, DbError> {
        match &self.backend {
            Backend::Sqlite(_) => self.read(|c| c.value("PRAGMA user_version", &[])),
            Backend::Postgres(_) => {
                self.read(|c| c.value("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[]))
            }
        }
    }

    /// Readiness: the database answers a query.
    pub fn ping(&self) -> Result<(), DbError> {
        self.read(|c| c.value::<i64>("SELECT 1", &[]).map(|_| ()))
    }
}

/// Runs `f` here, or on a thread of its own when called from an async runtime's thread: the
/// synchronous PostgreSQL client drives its own small runtime and panics inside another. Handlers
/// call the storage through `web::block` (never on the runtime), but a few cheap calls are made
/// on it (the key secret at start-up, the access check's user lookup), and those pay for a thread.
fn off_runtime<T: Send>(f: impl FnOnce() -> Result<T, DbError> + Send) -> Result<T, DbError> {
    if tokio::runtime::Handle::try_current().is_err() {
        return f();
    }
    std::thread::scope(|s| {
        s.spawn(f)
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

/// `(a, b, c)` for an `IN` list of ids (integers, so nothing user-typed reaches the SQL). With no
/// ids it is `(0)`: rows are numbered from 1, so `IN` matches nothing and `NOT IN` everything
/// (`(NULL)` would make `NOT IN` unknown, which matches nothing too).
fn id_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        return "(0)".into();
    }
    let parts: Vec<String> = ids.iter().map(i64::to_string).collect();
    format!("({})", parts.join(", "))
}

#[cfg(test)]
mod tests;
