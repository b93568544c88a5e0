//! Users, roles and centres over HTTP (issue #18): the role matrix (every operation of
//! `/openapi.json` x every role x own and other centre), an agent's own calendar, listings scoped
//! to the caller's centres, the audit log, `rota users add/list/revoke` and the rate limit on heavy
//! computation. One server per test, the stored things seeded straight into its database.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use rota_api::db::{Db, JobKind, JobStatus, NewHistory, NewRoster, NewTimeOff};
use serde_json::{json, Value};

use common::Server;

const WRITE: &str = "roles-bootstrap-write-token-0123456789";
const ROLES: [&str; 5] = ["admin", "manager", "planner", "viewer", "agent"];

fn fixture(rel: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The ids of one centre's stored things.
#[derive(Debug, Clone, Default)]
struct Seeded {
    centre: i64,
    ids: BTreeMap<&'static str, i64>,
}

/// A centre (the small fixture centre of four agents) with one of each stored thing: a history,
/// a finished job, a forecast, a requirement set, a roster (real files, so calendars export), a
/// simulation, a comparison and a report.
fn seed(db: &Db, name: &str) -> Seeded {
    let toml = fixture("simulate/centre.toml");
    let centre = db
        .insert_centre(name, &toml)
        .expect("db")
        .expect("new name");
    let job = db
        .insert_job(JobKind::Forecast, centre, &json!({}))
        .expect("job");
    db.finish_job(job, JobStatus::Succeeded, None, None)
        .expect("finish job");
    let history = db
        .insert_history(&NewHistory {
            centre_id: centre,
            filename: "small_valid.csv".into(),
            content: fixture("history/small_valid.csv").into_bytes(),
            records: 1,
            first_day: Some("2026-11-16".into()),
            last_day: Some("2026-11-16".into()),
            summary_json: "{}".into(),
            summary_text: "seeded".into(),
            recent_json: "[]".into(),
        })
        .expect("history");
    let forecast = db
        .insert_forecast(
            centre,
            history,
            job,
            "2026-11-16",
            7,
            "{}",
            &fixture("simulate/forecast.csv"),
        )
        .expect("forecast");
    let set = db
        .insert_requirement_set(centre, forecast, "p50", "{}", "")
        .expect("requirement set");
    let roster = db
        .insert_roster(&NewRoster {
            centre_id: centre,
            requirement_set_id: set,
            job_id: job,
            first_day: "2026-11-16".into(),
            days: 7,
            summary_json: "{}".into(),
            roster_json: "{}".into(),
            shifts_csv: fixture("simulate/roster/shifts.csv"),
            activities_csv: fixture("simulate/roster/activities.csv"),
            coverage_csv: String::new(),
        })
        .expect("roster");
    let simulation = db
        .insert_simulation(
            centre,
            roster,
            job,
            r#"{"kpis":[],"all_targets_met":true,"report":{}}"#,
            "",
        )
        .expect("simulation");
    let comparison = db
        .insert_comparison(centre, forecast, job, "{}", "<p>seeded</p>")
        .expect("comparison");
    let report = db
        .insert_report(
            centre,
            history,
            job,
            ("2026-11-16", "2026-11-22"),
            "{}",
            "<p>seeded</p>",
        )
        .expect("report");
    let request = db
        .insert_time_off(&NewTimeOff {
            centre_id: centre,
            agent_id: "A1".into(),
            from: chrono::DateTime::parse_from_rfc3339("2026-11-17T00:00:00+00:00").expect("time"),
            to: chrono::DateTime::parse_from_rfc3339("2026-11-18T00:00:00+00:00").expect("time"),
            kind: "annual_leave".into(),
            note: String::new(),
            created_by: "seed".into(),
        })
        .expect("time-off request");
    let ids = BTreeMap::from([
        ("centres", centre),
        ("histories", history),
        ("jobs", job),
        ("forecasts", forecast),
        ("requirements", set),
        ("rosters", roster),
        ("simulations", simulation),
        ("comparisons", comparison),
        ("reports", report),
        ("requests", request),
    ]);
    Seeded { centre, ids }
}

/// `rota users add` with `args`: the key it prints (checked to be all of stdout).
fn add_user(db: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rota"))
        .args(["users", "add", "--db"])
        .arg(common::backend::db_arg(db))
        .args(args)
        .output()
        .expect("run rota users add");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "rota users add {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = stdout.trim_end_matches('\n');
    assert!(
        key.len() == 69
            && key.starts_with("rota_")
            && key[5..].chars().all(|c| c.is_ascii_hexdigit()),
        "stdout is the key alone: {stdout:?}"
    );
    key.to_string()
}

/// (status, body, headers we look at) of `method url` with `key`.
fn call(
    server: &Server,
    method: &str,
    path: &str,
    key: Option<&str>,
    body: Option<&Value>,
) -> (u16, Value, Option<String>) {
    let mut req = ureq::http::Request::builder()
        .method(method)
        .uri(server.url(path))
        .header("content-type", "application/json");
    if let Some(k) = key {
        req = req.header("authorization", format!("Bearer {k}"));
    }
    let text = body.map_or_else(|| "{}".to_string(), Value::to_string);
    let req = req.body(text).expect("request");
    let mut resp = common::agent(Duration::from_secs(60))
        .run(req)
        .expect("send");
    let retry = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let status = resp.status().as_u16();
    let text = resp.body_mut().read_to_string().unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, body, retry)
}

/// What an operation needs, restated here from docs/SECURITY.md independently of the server's
/// table, so the test checks the policy rather than the code against itself.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Need {
    /// Any valid key.
    Anyone,
    /// This role or above in the centre.
    AtLeast(usize),
    /// A viewer or above, or the agent whose calendar it is.
    Calendar,
    /// An admin of every centre.
    EveryCentreAdmin,
    /// This role or above, or an agent (whose answer the handler narrows to their own).
    OrAgent(usize),
}

/// Index in `ROLES` reversed: agent 0, viewer 1, planner 2, manager 3, admin 4.
fn rank(role: &str) -> usize {
    4 - ROLES.iter().position(|r| *r == role).expect("a role")
}

fn need(method: &str, path: &str) -> Need {
    const VIEWER: Need = Need::AtLeast(1);
    const PLANNER: Need = Need::AtLeast(2);
    const MANAGER: Need = Need::AtLeast(3);
    const ADMIN: Need = Need::AtLeast(4);
    match (method, path) {
        ("get", "/v1/me") => Need::Anyone,
        ("get", "/v1/audit") => MANAGER,
        (_, p) if p.starts_with("/v1/users") => ADMIN,
        ("post", "/v1/centres") => Need::EveryCentreAdmin,
        ("post", "/v1/staffing/erlang") => VIEWER,
        ("get", "/v1/rosters/{id}/calendars/{file}") => Need::Calendar,
        ("get", "/v1/centres/{id}/requests" | "/v1/requests/{id}") => Need::OrAgent(1),
        ("post", "/v1/centres/{id}/requests") => Need::OrAgent(2),
        ("get", "/v1/requests/{id}/effect") => PLANNER,
        (
            "post",
            "/v1/rosters/{id}/publish" | "/v1/requests/{id}/approve" | "/v1/requests/{id}/decline",
        ) => MANAGER,
        ("get", _) => VIEWER,
        ("put", "/v1/centres/{id}") | ("post", "/v1/centres/{id}/channel-aliases") => MANAGER,
        (
            "post",
            "/v1/staffing/requirements"
            | "/v1/centres/{id}/forecasts"
            | "/v1/centres/{id}/schedules"
            | "/v1/centres/{id}/comparisons"
            | "/v1/histories/{id}/reports"
            | "/v1/forecasts/{id}/requirements"
            | "/v1/rosters/{id}/simulations"
            | "/v1/centres/{id}/histories"
            | "/v1/centres/{id}/actuals"
            | "/v1/centres/{id}/absences"
            | "/v1/centres/{id}/agent-states"
            | "/v1/centres/{id}/today/actions/{rank}/accept"
            | "/v1/rosters/{id}/edits"
            | "/v1/jobs/{id}/cancel",
        ) => PLANNER,
        _ => panic!("{method} {path}: say in this test (and docs/SECURITY.md) who may do it"),
    }
}

/// The concrete path of `template` for `side`'s ids (users: the revocation target of that side).
fn concrete(template: &str, side: &Seeded, target_user: i64) -> String {
    let mut out = template
        .replace("{file}", "shifts.csv")
        .replace("{rank}", "1");
    if template == "/v1/rosters/{id}/calendars/{file}" {
        out = out.replace("shifts.csv", "A1.ics");
    }
    if template.starts_with("/v1/users/") {
        return out.replace("{id}", &target_user.to_string());
    }
    if let Some(kind) = template
        .strip_prefix("/v1/")
        .and_then(|r| r.split('/').next())
    {
        if let Some(id) = side.ids.get(kind) {
            out = out.replace("{id}", &id.to_string());
        }
    }
    if template == "/v1/staffing/requirements" {
        out.push_str(&format!("?centre_id={}", side.centre));
    }
    out
}

#[derive(Debug, PartialEq)]
enum Expect {
    /// The same answer the bootstrap admin gets.
    Allowed,
    Forbidden,
    NotFound,
}

#[test]
fn every_operation_by_every_role_in_its_own_and_another_centre() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db_path = dir.path().join("rota.db");
    let (own, other) = {
        let db = Db::open(Path::new(&common::backend::db_arg(&db_path))).expect("db");
        (seed(&db, "Centre A"), seed(&db, "Centre B"))
    };
    let a = own.centre.to_string();
    let mut keys = BTreeMap::new();
    for role in ROLES {
        let mut args = vec!["--name", role, "--role", role, "--centre", &a];
        if role == "agent" {
            args.extend(["--agent", "A1"]);
        }
        keys.insert(role, add_user(&db_path, &args));
    }
    // Revocation targets: a viewer of each centre, never used to call.
    let b = other.centre.to_string();
    let own_target = add_user(
        &db_path,
        &["--name", "target-a", "--role", "viewer", "--centre", &a],
    );
    add_user(
        &db_path,
        &["--name", "target-b", "--role", "viewer", "--centre", &b],
    );
    let server = Server::start(&db_path, WRITE, None, &["--compute-per-minute", "1000"]);
    let (_, users, _) = call(&server, "GET", "/v1/users", Some(WRITE), None);
    let user_id = |name: &str| {
        users
            .as_array()
            .expect("users")
            .iter()
            .find(|u| u["name"] == name)
            .and_then(|u| u["id"].as_i64())
            .expect("user listed")
    };
    let targets = (user_id("target-a"), user_id("target-b"));

    let (status, doc, _) = call(&server, "GET", "/openapi.json", None, None);
    assert_eq!(status, 200);
    let mut operations = 0;
    let mut probes = 0;
    let mut tally: BTreeMap<String, usize> = BTreeMap::new();
    for (template, item) in doc["paths"].as_object().expect("paths") {
        if !template.starts_with("/v1/") {
            continue;
        }
        for method in item.as_object().expect("path item").keys() {
            operations += 1;
            let need = need(method, template);
            let scoped = template.contains("{id}") && !template.starts_with("/v1/users")
                || template == "/v1/staffing/requirements";
            for (side, seeded, target) in [("own", &own, targets.0), ("other", &other, targets.1)] {
                let path = concrete(template, seeded, target);
                let m = method.to_uppercase();
                let (base, base_body, _) = call(&server, &m, &path, Some(WRITE), None);
                assert!(
                    ![401, 403].contains(&base) && base < 500,
                    "{m} {path}: the bootstrap admin gets {base}: {base_body}"
                );
                for role in ROLES {
                    let allowed = match need {
                        Need::Anyone => true,
                        Need::AtLeast(r) => rank(role) >= r,
                        Need::Calendar => rank(role) >= 1 || role == "agent",
                        Need::EveryCentreAdmin => false,
                        Need::OrAgent(r) => rank(role) >= r || role == "agent",
                    };
                    let expect = if side == "other" && scoped {
                        Expect::NotFound
                    } else if side == "other" && template.starts_with("/v1/users/") && allowed {
                        // Another centre's user, to a centre admin.
                        Expect::NotFound
                    } else if allowed {
                        Expect::Allowed
                    } else {
                        Expect::Forbidden
                    };
                    let (status, body, _) = call(&server, &m, &path, Some(&keys[role]), None);
                    probes += 1;
                    *tally.entry(format!("{expect:?} {status}")).or_default() += 1;
                    let ok = match expect {
                        Expect::Allowed => status == base,
                        Expect::Forbidden => status == 403,
                        Expect::NotFound => status == 404,
                    };
                    assert!(
                        ok,
                        "{role} {m} {path} ({side} centre): expected {expect:?} \
                         (bootstrap {base}), got {status}: {body}"
                    );
                    if status == 403 || (status == 404 && expect == Expect::NotFound) {
                        assert_eq!(body["status"], status, "{role} {m} {path}: {body}");
                    }
                }
            }
        }
    }
    eprintln!(
        "role matrix: {operations} operations x {} roles x 2 centres = {probes} probes; \
         outcome status: {tally:?}",
        ROLES.len()
    );
    assert!(
        operations >= 58,
        "only {operations} operations in /openapi.json"
    );
    assert_eq!(probes, operations * ROLES.len() * 2);

    // An agent sees their own calendar and no one else's.
    let roster = own.ids["rosters"];
    let agent = &keys["agent"];
    let (status, ics, _) = call(
        &server,
        "GET",
        &format!("/v1/rosters/{roster}/calendars/A1.ics"),
        Some(agent),
        None,
    );
    assert_eq!(status, 200, "{ics}");
    assert!(
        ics.as_str().unwrap_or("").starts_with("BEGIN:VCALENDAR"),
        "{ics}"
    );
    let (status, _, _) = call(
        &server,
        "GET",
        &format!("/v1/rosters/{roster}/calendars/A2.ics"),
        Some(agent),
        None,
    );
    assert_eq!(status, 403, "another agent's calendar");
    let (status, _, _) = call(
        &server,
        "GET",
        &format!("/v1/rosters/{roster}/calendars/A2.ics"),
        Some(&keys["viewer"]),
        None,
    );
    assert_eq!(status, 200, "a viewer reads every calendar");
    let (status, me, _) = call(&server, "GET", "/v1/me", Some(agent), None);
    assert_eq!(status, 200);
    assert_eq!(me["agent_id"], "A1");
    assert_eq!(
        me["calendars"][0]["href"],
        format!("/v1/rosters/{roster}/calendars/A1.ics"),
        "{me}"
    );
    assert_eq!(me["centres"][0]["read"], false, "{me}");

    // Listings show only the caller's centres.
    let (_, centres, _) = call(&server, "GET", "/v1/centres", Some(&keys["viewer"]), None);
    let ids: Vec<i64> = centres
        .as_array()
        .expect("centres")
        .iter()
        .filter_map(|c| c["id"].as_i64())
        .collect();
    assert_eq!(ids, vec![own.centre]);
    let (_, centres, _) = call(&server, "GET", "/v1/centres", Some(WRITE), None);
    assert_eq!(centres.as_array().map(Vec::len), Some(2));
    let (_, me, _) = call(&server, "GET", "/v1/me", Some(&keys["planner"]), None);
    assert_eq!(me["centres"][0]["compute"], true, "{me}");
    assert_eq!(me["centres"][0]["configure"], false, "{me}");
    assert_eq!(me["manage_users"], false, "{me}");

    // The audit log: the matrix's writes in centre A, with who and the created resource; a
    // manager of A reads A's and not B's.
    let (status, log, _) = call(
        &server,
        "GET",
        &format!("/v1/audit?centre_id={}", own.centre),
        Some(&keys["manager"]),
        None,
    );
    assert_eq!(status, 200, "{log}");
    let entries = log.as_array().expect("entries");
    assert!(
        entries.iter().all(|e| e["centre_id"] == own.centre),
        "{log}"
    );
    let created = entries.iter().find(|e| {
        e["actor"] == "user planner"
            && e["status"] == 201
            && e["path"].as_str().unwrap_or("").ends_with("/requirements")
    });
    let created = created.unwrap_or_else(|| panic!("the planner's requirement set in {log}"));
    assert!(
        created["created"]
            .as_str()
            .unwrap_or("")
            .starts_with("/v1/requirements/"),
        "{created}"
    );
    assert_eq!(
        created["target"],
        format!("forecast {}", own.ids["forecasts"])
    );
    assert!(
        entries
            .iter()
            .any(|e| e["actor"] == "user viewer" && e["status"] == 403),
        "refused writes are recorded"
    );
    let (status, _, _) = call(
        &server,
        "GET",
        &format!("/v1/audit?centre_id={}", other.centre),
        Some(&keys["manager"]),
        None,
    );
    assert_eq!(status, 404);
    let (_, all, _) = call(&server, "GET", "/v1/audit", Some(&keys["admin"]), None);
    assert!(
        all.as_array()
            .expect("entries")
            .iter()
            .all(|e| e["centre_id"] == own.centre),
        "a centre admin reads only their centre's entries"
    );

    // Revoked (through the API) keys get 401; the target's key was never used, so make one that is.
    let (status, _, _) = call(&server, "GET", "/v1/me", Some(&own_target), None);
    assert_eq!(status, 401, "target-a was revoked by the matrix");
    drop(server);
}

#[test]
fn keys_are_stored_hashed_and_revoked_keys_are_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db_path = dir.path().join("fresh").join("rota.db");
    std::fs::create_dir_all(db_path.parent().expect("dir")).expect("mkdir");
    // `rota users add` creates the database.
    let key = add_user(&db_path, &["--name", "ops", "--role", "admin"]);
    let server = Server::start(&db_path, WRITE, None, &[]);
    let (status, me, _) = call(&server, "GET", "/v1/me", Some(&key), None);
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["name"], "ops");
    assert_eq!(me["create_centres"], true);
    // An admin of every centre creates a user over the API; the key is in the answer once.
    let (status, made, _) = call(
        &server,
        "POST",
        "/v1/users",
        Some(&key),
        Some(&json!({"name": "viewer-1", "role": "viewer"})),
    );
    assert_eq!(status, 201, "{made}");
    let viewer_key = made["key"].as_str().expect("key").to_string();
    assert_eq!(
        call(&server, "GET", "/v1/centres", Some(&viewer_key), None).0,
        200
    );
    let (status, bad, _) = call(
        &server,
        "POST",
        "/v1/users",
        Some(&key),
        Some(&json!({"name": "x", "role": "boss"})),
    );
    assert_eq!(status, 400, "{bad}");
    let (status, bad, _) = call(
        &server,
        "POST",
        "/v1/users",
        Some(&key),
        Some(&json!({"name": "viewer-1", "role": "viewer"})),
    );
    assert_eq!(status, 409, "{bad}");

    // No key is in the database files (the database and its write-ahead log; on PostgreSQL,
    // in no column of the users table).
    if common::backend::postgres() {
        let text = common::backend::table_text(&db_path, "users");
        assert!(text.contains("viewer-1"), "{text}");
        for k in [&key, &viewer_key] {
            assert!(
                !text.contains(&k[5..]),
                "the users table holds a key in plain text"
            );
        }
    }
    for file in ["rota.db", "rota.db-wal"] {
        let bytes = std::fs::read(db_path.with_file_name(file)).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        for k in [&key, &viewer_key] {
            assert!(!text.contains(&k[5..]), "{file} holds a key in plain text");
        }
    }
    // `rota users list` names them and shows no key.
    let out = Command::new(env!("CARGO_BIN_EXE_rota"))
        .args(["users", "list", "--json", "--db"])
        .arg(common::backend::db_arg(&db_path))
        .output()
        .expect("run rota users list");
    assert!(out.status.success());
    let listed: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&key[5..]));

    // Revoked with the CLI by name: 401 from then on.
    let out = Command::new(env!("CARGO_BIN_EXE_rota"))
        .args(["users", "revoke", "--name", "viewer-1", "--db"])
        .arg(common::backend::db_arg(&db_path))
        .output()
        .expect("run rota users revoke");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (status, body, _) = call(&server, "GET", "/v1/centres", Some(&viewer_key), None);
    assert_eq!(status, 401, "{body}");
    assert_eq!(
        call(&server, "GET", "/v1/me", Some("rota_0000"), None).0,
        401
    );

    // With an admin of every centre in the database, the service runs without a bootstrap token
    // (and the old one is then just a wrong key).
    let tokenless = Server::start(&db_path, "", None, &[]);
    assert_eq!(call(&tokenless, "GET", "/v1/me", Some(&key), None).0, 200);
    assert_eq!(call(&tokenless, "GET", "/v1/me", Some(WRITE), None).0, 401);
    drop(tokenless);

    // Bad input to the CLI is a clear error, not a panic.
    for (args, says) in [
        (vec!["--name", "x", "--role", "boss"], "unknown role"),
        (
            vec!["--name", "x", "--role", "viewer", "--centre", "42"],
            "no centre with id 42",
        ),
        (vec!["--name", "x", "--role", "agent"], "agent id"),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_rota"))
            .args(["users", "add", "--db"])
            .arg(common::backend::db_arg(&db_path))
            .args(&args)
            .output()
            .expect("run");
        assert!(!out.status.success(), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(says) && !err.contains("panicked"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn heavy_computation_is_rate_limited_per_key() {
    let dir = tempfile::tempdir().expect("tempdir");
    let db_path: PathBuf = dir.path().join("rota.db");
    let centre = {
        let db = Db::open(Path::new(&common::backend::db_arg(&db_path))).expect("db");
        seed(&db, "Centre A").centre.to_string()
    };
    let planner = add_user(
        &db_path,
        &["--name", "p", "--role", "planner", "--centre", &centre],
    );
    let other = add_user(
        &db_path,
        &["--name", "q", "--role", "planner", "--centre", &centre],
    );
    let server = Server::start(&db_path, WRITE, None, &["--compute-per-minute", "2"]);
    let path = format!("/v1/staffing/requirements?centre_id={centre}");
    for _ in 0..2 {
        assert_eq!(call(&server, "POST", &path, Some(&planner), None).0, 422);
    }
    let (status, body, retry) = call(&server, "POST", &path, Some(&planner), None);
    assert_eq!(status, 429, "{body}");
    let retry: u64 = retry.expect("Retry-After").parse().expect("seconds");
    assert!((1..=60).contains(&retry), "{retry}");
    // Another key has its own allowance; reading is not limited.
    assert_eq!(call(&server, "POST", &path, Some(&other), None).0, 422);
    assert_eq!(
        call(&server, "GET", "/v1/centres", Some(&planner), None).0,
        200
    );
}
