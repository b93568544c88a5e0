//! The schema: numbered migrations, applied in order. SQLite records the version in
//! `PRAGMA user_version`, PostgreSQL in the table `schema_version`.
//!
//! Each backend has its own list because the column types differ (PostgreSQL is strict: ids and
//! counts are `BIGINT`, figures `DOUBLE PRECISION`, bytes `BYTEA`); version N means the same
//! tables and columns on both, so one Rota reads either. Never edit a published script: append a
//! new one to both lists.

use rusqlite::Connection;

use super::DbError;

/// The SQLite schema, one script per version.
pub(super) const MIGRATIONS: &[&str] = &[
    // 1: the whole first schema.
    "CREATE TABLE centres (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        config_toml TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE histories (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        filename TEXT NOT NULL,
        uploaded_at TEXT NOT NULL,
        bytes INTEGER NOT NULL,
        records INTEGER NOT NULL,
        first_day TEXT,
        last_day TEXT,
        content BLOB NOT NULL,
        summary_json TEXT NOT NULL,
        summary_text TEXT NOT NULL,
        recent_json TEXT NOT NULL
    );
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        status TEXT NOT NULL,
        progress REAL NOT NULL,
        message TEXT NOT NULL,
        params_json TEXT NOT NULL,
        result_id INTEGER,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
    );
    CREATE TABLE forecasts (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        history_id INTEGER NOT NULL REFERENCES histories(id),
        job_id INTEGER REFERENCES jobs(id),
        first_day TEXT NOT NULL,
        days INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        models_json TEXT NOT NULL,
        csv TEXT NOT NULL
    );
    CREATE TABLE requirement_sets (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        forecast_id INTEGER NOT NULL REFERENCES forecasts(id),
        quantile TEXT NOT NULL,
        created_at TEXT NOT NULL,
        summary_json TEXT NOT NULL,
        csv TEXT NOT NULL
    );
    CREATE TABLE rosters (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        requirement_set_id INTEGER NOT NULL REFERENCES requirement_sets(id),
        job_id INTEGER REFERENCES jobs(id),
        first_day TEXT NOT NULL,
        days INTEGER NOT NULL,
        created_at TEXT NOT NULL,
        summary_json TEXT NOT NULL,
        roster_json TEXT NOT NULL,
        shifts_csv TEXT NOT NULL,
        activities_csv TEXT NOT NULL,
        coverage_csv TEXT NOT NULL
    );
    CREATE TABLE simulations (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        roster_id INTEGER NOT NULL REFERENCES rosters(id),
        job_id INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        report_json TEXT NOT NULL
    );
    CREATE INDEX histories_centre ON histories(centre_id);
    CREATE INDEX forecasts_centre ON forecasts(centre_id);
    CREATE INDEX rosters_centre ON rosters(centre_id);
    CREATE INDEX jobs_centre ON jobs(centre_id);",
    // 2: the per-interval simulated KPIs as a file.
    "ALTER TABLE simulations ADD COLUMN intervals_csv TEXT NOT NULL DEFAULT '';",
    // 3: scenario comparisons and performance reports.
    "CREATE TABLE comparisons (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        forecast_id INTEGER NOT NULL REFERENCES forecasts(id),
        job_id INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        comparison_json TEXT NOT NULL,
        html TEXT NOT NULL
    );
    CREATE TABLE reports (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        history_id INTEGER NOT NULL REFERENCES histories(id),
        job_id INTEGER REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        first_day TEXT NOT NULL,
        last_day TEXT NOT NULL,
        report_json TEXT NOT NULL,
        html TEXT NOT NULL
    );
    CREATE INDEX comparisons_centre ON comparisons(centre_id);
    CREATE INDEX reports_centre ON reports(centre_id);",
    // 4: today (issue #17): interval actuals and absences as they arrive, upserted on their key;
    // a roster edited by an accepted intraday action is a new roster that names its parent.
    "CREATE TABLE actuals (
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        channel TEXT NOT NULL,
        start_s INTEGER NOT NULL,
        interval_start TEXT NOT NULL,
        offered REAL NOT NULL,
        handled REAL,
        abandoned REAL,
        aht_seconds REAL,
        asa_seconds REAL,
        received_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (centre_id, channel, start_s)
    );
    CREATE TABLE absences (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        agent_id TEXT NOT NULL,
        from_s INTEGER NOT NULL,
        from_ts TEXT NOT NULL,
        to_ts TEXT NOT NULL,
        reason TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        UNIQUE (centre_id, agent_id, from_s)
    );
    ALTER TABLE rosters ADD COLUMN edited_from INTEGER REFERENCES rosters(id);
    ALTER TABLE rosters ADD COLUMN edit_json TEXT;",
    // 5: agents' state events (adherence), one per agent and instant: a later post replaces it.
    "CREATE TABLE agent_events (
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        agent_id TEXT NOT NULL,
        at_s INTEGER NOT NULL,
        at TEXT NOT NULL,
        state TEXT NOT NULL,
        channel TEXT,
        activity TEXT,
        received_at TEXT NOT NULL,
        revision INTEGER NOT NULL DEFAULT 1,
        PRIMARY KEY (centre_id, agent_id, at_s)
    );",
    // 6: users and their API keys (issue #18). A key is stored only as HMAC-SHA256 under this
    // database's own secret (drawn here, once); a user's roles are per centre (`centre_id` NULL:
    // every centre). A revoked user keeps its row, so the audit log can still name it, and its
    // name becomes free again.
    "CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value BLOB NOT NULL
    );
    INSERT INTO settings (name, value) VALUES ('key_secret', randomblob(32));
    CREATE TABLE users (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        agent_id TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE UNIQUE INDEX users_active_name ON users(name) WHERE revoked_at IS NULL;
    CREATE TABLE user_roles (
        user_id INTEGER NOT NULL REFERENCES users(id),
        centre_id INTEGER REFERENCES centres(id),
        role TEXT NOT NULL
    );
    CREATE INDEX user_roles_user ON user_roles(user_id);",
    // 7: the audit log of every write (issue #18): who, when, what, the centre, the answer, the
    // resource addressed and the one created.
    "CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user_id INTEGER REFERENCES users(id),
        actor TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        centre_id INTEGER,
        status INTEGER NOT NULL,
        target TEXT,
        created TEXT
    );
    CREATE INDEX audit_log_centre ON audit_log(centre_id, id);",
    // 8: jobs shared by several nodes (issue #18, build 4): how many times a job was started,
    // the node holding it and until when (milliseconds since the epoch), and a cancel asked for on
    // another node.
    "ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN owner TEXT;
    ALTER TABLE jobs ADD COLUMN lease_until INTEGER;
    ALTER TABLE jobs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX jobs_status ON jobs(status, id);",
    // 9: time-off requests and roster publications (issue #15): a request keeps who asked and
    // who decided, and the absence its approval recorded; a publication makes a roster version
    // the one the floor works (the newest publication of a first day is in force).
    "CREATE TABLE time_off_requests (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        agent_id TEXT NOT NULL,
        from_ts TEXT NOT NULL,
        to_ts TEXT NOT NULL,
        kind TEXT NOT NULL,
        note TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        decided_at TEXT,
        decided_by TEXT,
        absence_id INTEGER REFERENCES absences(id)
    );
    CREATE INDEX time_off_requests_centre ON time_off_requests(centre_id, id);
    CREATE TABLE publications (
        id INTEGER PRIMARY KEY,
        centre_id INTEGER NOT NULL REFERENCES centres(id),
        roster_id INTEGER NOT NULL REFERENCES rosters(id),
        first_day TEXT NOT NULL,
        days INTEGER NOT NULL,
        published_at TEXT NOT NULL,
        published_by TEXT NOT NULL
    );
    CREATE INDEX publications_centre ON publications(centre_id, first_day, id);",
];

/// The PostgreSQL schema: the same tables and columns as [`MIGRATIONS`] at each version, in
/// PostgreSQL's types. Version 1 to 7 arrived together (the backend is new with version 8), so
/// they are one script per version all the same, to keep the numbers equal.
pub(super) const PG_MIGRATIONS: &[&str] = &[
    // 1
    "CREATE TABLE centres (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        config_toml TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE TABLE histories (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        filename TEXT NOT NULL,
        uploaded_at TEXT NOT NULL,
        bytes BIGINT NOT NULL,
        records BIGINT NOT NULL,
        first_day TEXT,
        last_day TEXT,
        content BYTEA NOT NULL,
        summary_json TEXT NOT NULL,
        summary_text TEXT NOT NULL,
        recent_json TEXT NOT NULL
    );
    CREATE TABLE jobs (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        kind TEXT NOT NULL,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        status TEXT NOT NULL,
        progress DOUBLE PRECISION NOT NULL,
        message TEXT NOT NULL,
        params_json TEXT NOT NULL,
        result_id BIGINT,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT
    );
    CREATE TABLE forecasts (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        history_id BIGINT NOT NULL REFERENCES histories(id),
        job_id BIGINT REFERENCES jobs(id),
        first_day TEXT NOT NULL,
        days BIGINT NOT NULL,
        created_at TEXT NOT NULL,
        models_json TEXT NOT NULL,
        csv TEXT NOT NULL
    );
    CREATE TABLE requirement_sets (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        forecast_id BIGINT NOT NULL REFERENCES forecasts(id),
        quantile TEXT NOT NULL,
        created_at TEXT NOT NULL,
        summary_json TEXT NOT NULL,
        csv TEXT NOT NULL
    );
    CREATE TABLE rosters (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        requirement_set_id BIGINT NOT NULL REFERENCES requirement_sets(id),
        job_id BIGINT REFERENCES jobs(id),
        first_day TEXT NOT NULL,
        days BIGINT NOT NULL,
        created_at TEXT NOT NULL,
        summary_json TEXT NOT NULL,
        roster_json TEXT NOT NULL,
        shifts_csv TEXT NOT NULL,
        activities_csv TEXT NOT NULL,
        coverage_csv TEXT NOT NULL
    );
    CREATE TABLE simulations (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        roster_id BIGINT NOT NULL REFERENCES rosters(id),
        job_id BIGINT REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        report_json TEXT NOT NULL
    );
    CREATE INDEX histories_centre ON histories(centre_id);
    CREATE INDEX forecasts_centre ON forecasts(centre_id);
    CREATE INDEX rosters_centre ON rosters(centre_id);
    CREATE INDEX jobs_centre ON jobs(centre_id);",
    // 2
    "ALTER TABLE simulations ADD COLUMN intervals_csv TEXT NOT NULL DEFAULT '';",
    // 3
    "CREATE TABLE comparisons (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        forecast_id BIGINT NOT NULL REFERENCES forecasts(id),
        job_id BIGINT REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        comparison_json TEXT NOT NULL,
        html TEXT NOT NULL
    );
    CREATE TABLE reports (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        history_id BIGINT NOT NULL REFERENCES histories(id),
        job_id BIGINT REFERENCES jobs(id),
        created_at TEXT NOT NULL,
        first_day TEXT NOT NULL,
        last_day TEXT NOT NULL,
        report_json TEXT NOT NULL,
        html TEXT NOT NULL
    );
    CREATE INDEX comparisons_centre ON comparisons(centre_id);
    CREATE INDEX reports_centre ON reports(centre_id);",
    // 4
    "CREATE TABLE actuals (
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        channel TEXT NOT NULL,
        start_s BIGINT NOT NULL,
        interval_start TEXT NOT NULL,
        offered DOUBLE PRECISION NOT NULL,
        handled DOUBLE PRECISION,
        abandoned DOUBLE PRECISION,
        aht_seconds DOUBLE PRECISION,
        asa_seconds DOUBLE PRECISION,
        received_at TEXT NOT NULL,
        revision BIGINT NOT NULL DEFAULT 1,
        PRIMARY KEY (centre_id, channel, start_s)
    );
    CREATE TABLE absences (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        agent_id TEXT NOT NULL,
        from_s BIGINT NOT NULL,
        from_ts TEXT NOT NULL,
        to_ts TEXT NOT NULL,
        reason TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        revision BIGINT NOT NULL DEFAULT 1,
        UNIQUE (centre_id, agent_id, from_s)
    );
    ALTER TABLE rosters ADD COLUMN edited_from BIGINT REFERENCES rosters(id);
    ALTER TABLE rosters ADD COLUMN edit_json TEXT;",
    // 5
    "CREATE TABLE agent_events (
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        agent_id TEXT NOT NULL,
        at_s BIGINT NOT NULL,
        at TEXT NOT NULL,
        state TEXT NOT NULL,
        channel TEXT,
        activity TEXT,
        received_at TEXT NOT NULL,
        revision BIGINT NOT NULL DEFAULT 1,
        PRIMARY KEY (centre_id, agent_id, at_s)
    );",
    // 6: the key secret is drawn by `migrate_postgres` (the operating system's random source),
    // since core PostgreSQL has no cryptographic random bytes without an extension.
    "CREATE TABLE settings (
        name TEXT PRIMARY KEY,
        value BYTEA NOT NULL
    );
    CREATE TABLE users (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        name TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        agent_id TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE UNIQUE INDEX users_active_name ON users(name) WHERE revoked_at IS NULL;
    CREATE TABLE user_roles (
        user_id BIGINT NOT NULL REFERENCES users(id),
        centre_id BIGINT REFERENCES centres(id),
        role TEXT NOT NULL
    );
    CREATE INDEX user_roles_user ON user_roles(user_id);",
    // 7
    "CREATE TABLE audit_log (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at TEXT NOT NULL,
        user_id BIGINT REFERENCES users(id),
        actor TEXT NOT NULL,
        method TEXT NOT NULL,
        path TEXT NOT NULL,
        centre_id BIGINT,
        status BIGINT NOT NULL,
        target TEXT,
        created TEXT
    );
    CREATE INDEX audit_log_centre ON audit_log(centre_id, id);",
    // 8
    "ALTER TABLE jobs ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
    ALTER TABLE jobs ADD COLUMN owner TEXT;
    ALTER TABLE jobs ADD COLUMN lease_until BIGINT;
    ALTER TABLE jobs ADD COLUMN cancel_requested BIGINT NOT NULL DEFAULT 0;
    CREATE INDEX jobs_status ON jobs(status, id);",
    // 9
    "CREATE TABLE time_off_requests (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        agent_id TEXT NOT NULL,
        from_ts TEXT NOT NULL,
        to_ts TEXT NOT NULL,
        kind TEXT NOT NULL,
        note TEXT NOT NULL,
        status TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        decided_at TEXT,
        decided_by TEXT,
        absence_id BIGINT REFERENCES absences(id)
    );
    CREATE INDEX time_off_requests_centre ON time_off_requests(centre_id, id);
    CREATE TABLE publications (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        centre_id BIGINT NOT NULL REFERENCES centres(id),
        roster_id BIGINT NOT NULL REFERENCES rosters(id),
        first_day TEXT NOT NULL,
        days BIGINT NOT NULL,
        published_at TEXT NOT NULL,
        published_by TEXT NOT NULL
    );
    CREATE INDEX publications_centre ON publications(centre_id, first_day, id);",
];

/// The version that made `settings` (and draws the key secret).
const SETTINGS_VERSION: usize = 6;

/// An arbitrary constant: the advisory lock nodes take while migrating, so two starting together
/// apply each script once.
const MIGRATION_LOCK: i64 = 0x726f_7461; // "rota"

/// Brings a PostgreSQL database up to date, each script in its own transaction, under an
/// advisory lock; a database of a newer Rota is refused.
pub(super) fn migrate_postgres(client: &mut postgres::Client) -> Result<(), DbError> {
    // A session lock (released at the end, or when the connection drops): the version table's
    // own creation races too.
    client.execute("SELECT pg_advisory_lock($1)", &[&MIGRATION_LOCK])?;
    let out = apply_postgres(client);
    let unlocked = client.execute("SELECT pg_advisory_unlock($1)", &[&MIGRATION_LOCK]);
    out?;
    unlocked?;
    Ok(())
}

fn apply_postgres(client: &mut postgres::Client) -> Result<(), DbError> {
    client.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_version (
            version BIGINT PRIMARY KEY,
            applied_at TEXT NOT NULL
        )",
    )?;
    let known = PG_MIGRATIONS.len() as i64;
    let current: i64 = client
        .query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[])?
        .get(0);
    if current > known {
        return Err(DbError::TooNew {
            found: current,
            known,
        });
    }
    for (i, sql) in PG_MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = (i + 1) as i64;
        let mut tx = client.transaction()?;
        tx.batch_execute(sql)?;
        if i + 1 == SETTINGS_VERSION {
            let secret: [u8; 32] = rand::random();
            tx.execute(
                "INSERT INTO settings (name, value) VALUES ('key_secret', $1)",
                &[&secret.as_slice()],
            )?;
        }
        tx.execute(
            "INSERT INTO schema_version (version, applied_at) VALUES ($1, $2)",
            &[&version, &super::now()],
        )?;
        tx.commit()?;
        tracing::info!(version, "database migrated (postgres)");
    }
    Ok(())
}

/// Brings the schema of `conn` up to date, one transaction per script; a file written by a
/// newer Rota is refused.
pub(super) fn migrate_sqlite(conn: &mut Connection) -> Result<(), DbError> {
    let known = MIGRATIONS.len() as i64;
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > known {
        return Err(DbError::TooNew {
            found: current,
            known,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(version = i + 1, "database migrated");
    }
    Ok(())
}
