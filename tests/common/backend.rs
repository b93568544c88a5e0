//! Which storage backend the HTTP end-to-end tests run on. By default each test's server uses a
//! SQLite file in its temporary directory. With `ROTA_TEST_BACKEND=postgres` (`make test` runs
//! the HTTP suites a second time so) every such path is mapped to a database of its own on one
//! real PostgreSQL server shared by the test binary: the same path, the same database, so a test
//! that stops its server and starts another on "the same file" finds its data again.
//!
//! The shared server outlives every test (a `static` is never dropped), so a watchdog shell stops
//! it and removes its directory once the test process is gone, however the process ended.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use super::postgres::Postgres;

/// True when the suites are asked to run on PostgreSQL.
pub fn postgres() -> bool {
    std::env::var("ROTA_TEST_BACKEND").is_ok_and(|v| v == "postgres")
}

struct Shared {
    server: Postgres,
    /// Never waited for: it outlives the test process on purpose.
    _watchdog: std::process::Child,
    databases: Mutex<HashMap<PathBuf, String>>,
}

fn shared() -> &'static Shared {
    static SHARED: OnceLock<Shared> = OnceLock::new();
    SHARED.get_or_init(|| {
        let server = Postgres::start("the HTTP suites on PostgreSQL (ROTA_TEST_BACKEND=postgres)")
            .unwrap_or_else(|| {
                panic!(
                    "ROTA_TEST_BACKEND=postgres but PostgreSQL is not installed; \
                     `make test` installs it"
                )
            });
        let watchdog = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; \
             kill -QUIT $(head -1 '{dir}/data/postmaster.pid') 2>/dev/null; sleep 2; rm -rf '{dir}'",
            pid = std::process::id(),
            dir = server.dir().display(),
        );
        let watchdog = Command::new("sh")
            .args(["-c", &watchdog])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the PostgreSQL watchdog");
        Shared {
            server,
            _watchdog: watchdog,
            databases: Mutex::new(HashMap::new()),
        }
    })
}

/// What to pass as `--db` for a test's database file `path`: the path itself, or (on
/// PostgreSQL) the URL of the database standing for it.
pub fn db_arg(path: &Path) -> String {
    if !postgres() {
        return path.display().to_string();
    }
    let shared = shared();
    let mut databases = shared.databases.lock().expect("databases");
    databases
        .entry(path.to_path_buf())
        .or_insert_with(|| shared.server.database())
        .clone()
}

/// On PostgreSQL: every row of `table` in the database standing for `path`, as text (to show
/// what is stored, e.g. that no key is kept in plain text).
pub fn table_text(path: &Path, table: &str) -> String {
    let url = db_arg(path);
    let name = url.rsplit('/').next().expect("a database name");
    shared().server.psql(
        name,
        &format!("SELECT string_agg(t::text, ' ') FROM {table} t"),
    )
}
