//! The schema: numbered migrations, applied in order and recorded in `PRAGMA user_version`.

use rusqlite::Connection;

use super::DbError;

/// The schema, one script per version. Never edit a published script: append a new one.
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
];

/// Brings the schema of `conn` up to date, one transaction per script; a file written by a
/// newer Rota is refused.
pub(super) fn migrate(conn: &mut Connection) -> Result<(), DbError> {
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
