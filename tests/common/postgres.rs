//! A real PostgreSQL server for the tests that run Rota on its PostgreSQL backend: Debian's
//! `postgresql` package (`make test` installs it), a cluster made with `initdb` in a temporary
//! directory, listening on 127.0.0.1 at a random free port and on a socket in that directory,
//! stopped and removed when dropped. As root (which PostgreSQL refuses to run as) it runs as the
//! `postgres` user the package creates, through `runuser`.
//!
//! Where no server can be found, [`Postgres::start`] skips the test loudly (and fails it under CI).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use super::skip::skip;

/// A running PostgreSQL server, stopped when dropped.
pub struct Postgres {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
    /// Databases made so far (each test gets its own).
    made: std::sync::atomic::AtomicUsize,
}

/// The directory holding `initdb` and `postgres`: `ROTA_PG_BIN`, then Debian's versioned
/// directories (newest first), then `PATH`.
fn bin_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("ROTA_PG_BIN") {
        return Some(PathBuf::from(dir));
    }
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|p| p.join("initdb").exists() && p.join("postgres").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args...`, as the `postgres` user when we are root.
fn as_owner(program: &Path, root: bool) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Postgres {
    /// Starts a fresh server, or skips `test` (returning `None`) where PostgreSQL is not installed.
    pub fn start(test: &str) -> Option<Self> {
        let Some(bin) = bin_dir() else {
            skip(
                test,
                "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb): \
                 `make test` installs Debian's `postgresql`; the PostgreSQL backend is NOT tested",
            );
            return None;
        };
        let root = is_root();
        let dir = tempfile::Builder::new()
            .prefix("rota-pg-")
            .tempdir()
            .expect("tempdir");
        let data = dir.path().join("data");
        std::fs::create_dir(&data).expect("data dir");
        if root {
            let owned = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("run chown");
            assert!(owned.success(), "chown of the PostgreSQL directory failed");
        }
        let init = as_owner(&bin.join("initdb"), root)
            .args(["-D"])
            .arg(&data)
            .args(["-U", "rota", "--auth=trust", "--encoding=UTF8", "--no-sync"])
            .stdout(Stdio::null())
            .output()
            .expect("run initdb");
        assert!(
            init.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&init.stderr)
        );
        let port = free_port();
        let child = as_owner(&bin.join("postgres"), root)
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-k"])
            .arg(dir.path())
            .args([
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                "max_connections=200",
            ])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start postgres");
        let pg = Postgres {
            child,
            port,
            dir,
            made: Default::default(),
        };
        pg.wait_ready();
        Some(pg)
    }

    fn wait_ready(&self) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(30) {
            let ok = self
                .psql_command("postgres", "SELECT 1")
                .output()
                .is_ok_and(|o| o.status.success());
            if ok {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "PostgreSQL did not answer on port {} within 30 s (data in {})",
            self.port,
            self.dir.path().display()
        );
    }

    /// Its directory (data and socket).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A new empty database; its `postgres://` URL.
    pub fn database(&self) -> String {
        let n = self.made.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let name = format!("rota_{}_{n}", std::process::id());
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        format!("postgres://rota@127.0.0.1:{}/{name}", self.port)
    }

    /// `psql` running `sql` in database `db` as the cluster's owner, stopping at the first error.
    fn psql_command(&self, db: &str, sql: &str) -> Command {
        let mut c = Command::new("psql");
        c.args([
            "-h",
            "127.0.0.1",
            "-p",
            &self.port.to_string(),
            "-U",
            "rota",
        ])
        .args(["-d", db, "-v", "ON_ERROR_STOP=1", "-tAc", sql]);
        c
    }

    /// Runs `sql` in database `db` with psql; its unaligned output.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = self.psql_command(db, sql).output().expect("run psql");
        assert!(
            out.status.success(),
            "psql {sql:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        // SIGQUIT to the postmaster (named in its pid file: as root the child is `runuser`):
        // immediate shutdown, the cluster is thrown away with the directory.
        let pid = std::fs::read_to_string(self.dir.path().join("data/postmaster.pid"))
            .ok()
            .and_then(|t| t.lines().next().map(str::to_string))
            .unwrap_or_else(|| self.child.id().to_string());
        let _ = Command::new("kill").args(["-QUIT", &pid]).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
