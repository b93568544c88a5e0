//! The storage's own tests: migrations, every stored kind written and read back, job states, and
//! corrupt or unknown stored values read as errors.

use rusqlite::Connection;

use super::schema::MIGRATIONS;
use super::sql::args;
use super::*;

fn temp_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = Db::open(&dir.path().join("rota.db")).expect("open");
    (dir, db)
}

#[test]
fn migrations_run_once_and_reopen_keeps_data() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rota.db");
    {
        let db = Db::open(&path).expect("open");
        assert_eq!(
            db.schema_version().expect("version"),
            MIGRATIONS.len() as i64
        );
        assert!(db
            .insert_centre("North", "x = 1")
            .expect("insert")
            .is_some());
    }
    let db = Db::open(&path).expect("reopen");
    let centres = db.centres().expect("list");
    assert_eq!(centres.len(), 1);
    assert_eq!(centres[0].name, "North");
}

#[test]
fn duplicate_centre_names_are_refused() {
    let (_dir, db) = temp_db();
    assert!(db.insert_centre("North", "a").expect("insert").is_some());
    assert!(db.insert_centre("North", "b").expect("insert").is_none());
}

fn lease(node: &str, max_attempts: i64) -> Lease {
    Lease {
        node: node.into(),
        duration_ms: 60_000,
        max_attempts,
        resumable: vec![JobKind::Forecast],
    }
}

/// As if the holder of job `id` had stopped: its lease has run out.
fn expire(db: &Db, id: i64) {
    db.write(|c| c.execute("UPDATE jobs SET lease_until = 1 WHERE id = ?1", args![id]))
        .expect("expire");
}

#[test]
fn at_a_restart_resumable_jobs_are_taken_up_and_the_others_failed_not_lost() {
    let (_dir, db) = temp_db();
    let c = db.insert_centre("North", "a").expect("insert").expect("id");
    let queued = db
        .insert_job(JobKind::Forecast, c, &serde_json::json!({}))
        .expect("job");
    let running = db
        .insert_job(JobKind::Schedule, c, &serde_json::json!({}))
        .expect("job");
    assert!(db.start_job(running).expect("start"));
    let done = db
        .insert_job(JobKind::Forecast, c, &serde_json::json!({}))
        .expect("job");
    assert!(db.start_job(done).expect("start"));
    db.finish_job(done, JobStatus::Failed, None, Some("bad"))
        .expect("finish");
    let l = lease("restarted", 3);
    assert_eq!(db.recover_jobs_at_start(&l).expect("recover"), 1);
    let job = db.job(running).expect("read").expect("exists");
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(job.error.as_deref(), Some("interrupted by restart"));
    // The forecast waits for a worker again; the ended job keeps its own outcome.
    let claimed = db.claim_job(&l, &[], &[]).expect("claim").expect("a job");
    assert_eq!((claimed.id, claimed.attempt), (queued, 1));
    assert_eq!(
        db.job(done)
            .expect("read")
            .expect("exists")
            .error
            .as_deref(),
        Some("bad")
    );
}

#[test]
fn a_stopped_nodes_job_is_taken_up_and_fails_with_the_reason_after_its_last_start() {
    let (_dir, db) = temp_db();
    let c = db.insert_centre("North", "a").expect("insert").expect("id");
    let (a, b) = (lease("node-a", 2), lease("node-b", 2));
    let forecast = db
        .insert_held_job(JobKind::Forecast, c, &serde_json::json!({}), Some(&a))
        .expect("job");
    let schedule = db
        .insert_held_job(JobKind::Schedule, c, &serde_json::json!({}), Some(&a))
        .expect("job");
    let first = db
        .claim_job(&a, &[schedule], &[])
        .expect("claim")
        .expect("job");
    assert_eq!(
        (first.id, first.attempt, first.taken_from),
        (forecast, 1, None)
    );
    // Node B may not run A's schedule (it cannot rebuild one), nor a job A holds.
    assert!(db.claim_job(&b, &[], &[]).expect("claim").is_none());
    // A holds both while it renews them.
    assert_eq!(
        db.heartbeat(&a, &[forecast, schedule]).expect("beat"),
        vec![(forecast, false), (schedule, false)]
    );

    // A stops: B takes the forecast up (the second start) and A, were it still alive, is told.
    expire(&db, forecast);
    let second = db.claim_job(&b, &[], &[]).expect("claim").expect("job");
    assert_eq!(second.id, forecast);
    assert_eq!(second.attempt, 2);
    assert_eq!(second.taken_from.as_deref(), Some("node-a"));
    let job = db.job(forecast).expect("read").expect("exists");
    assert_eq!(job.node.as_deref(), Some("node-b"));
    assert!(
        job.message
            .contains("taken up by node-b after the lease of node-a expired"),
        "{job:?}"
    );
    assert_eq!(db.heartbeat(&a, &[forecast]).expect("beat"), vec![]);

    // B stops too: that was the last start allowed. The job fails saying why, and is not taken.
    expire(&db, forecast);
    expire(&db, schedule);
    assert!(db.claim_job(&a, &[], &[]).expect("claim").is_none());
    let job = db.job(forecast).expect("read").expect("exists");
    assert_eq!(job.status, JobStatus::Failed);
    assert_eq!(
        job.error.as_deref(),
        Some(
            "the node running it stopped 2 times; last: the lease of node-b expired; it is not \
             started again"
        )
    );
    // The schedule's node stopped before it ran: it cannot be rebuilt elsewhere, so it fails too.
    let job = db.job(schedule).expect("read").expect("exists");
    assert_eq!(job.status, JobStatus::Failed);
    assert!(
        job.error
            .as_deref()
            .is_some_and(|e| e.contains("its node (node-a) stopped")
                && e.contains("a schedule job is resumed only where it was submitted")),
        "{job:?}"
    );
    // A cancel asked for anywhere reaches the holder at its next heartbeat.
    let third = db
        .insert_held_job(JobKind::Forecast, c, &serde_json::json!({}), Some(&a))
        .expect("job");
    assert_eq!(
        db.claim_job(&a, &[], &[]).expect("claim").map(|j| j.id),
        Some(third)
    );
    assert_eq!(
        db.cancel_queued_job(third).expect("cancel"),
        Some(JobStatus::Running)
    );
    assert_eq!(
        db.heartbeat(&a, &[third]).expect("beat"),
        vec![(third, true)]
    );
}

#[test]
fn the_next_job_is_the_oldest_of_the_centre_with_the_fewest_running() {
    let (_dir, db) = temp_db();
    let north = db.insert_centre("North", "a").expect("insert").expect("id");
    let south = db.insert_centre("South", "a").expect("insert").expect("id");
    let l = lease("node", 3);
    let job = |c| {
        db.insert_held_job(JobKind::Forecast, c, &serde_json::json!({}), Some(&l))
            .expect("job")
    };
    let (n1, n2, s1) = (job(north), job(north), job(south));
    let claim = |full: &[i64]| db.claim_job(&l, &[], full).expect("claim").map(|j| j.id);
    assert_eq!(claim(&[]), Some(n1));
    // North has one running: South's job goes first although it is newer.
    assert_eq!(claim(&[]), Some(s1));
    // A centre this node's workers may not take more of is passed over.
    assert_eq!(claim(&[north]), None);
    assert_eq!(claim(&[]), Some(n2));
}

#[test]
fn a_cancelled_queued_job_never_starts() {
    let (_dir, db) = temp_db();
    let c = db.insert_centre("North", "a").expect("insert").expect("id");
    let id = db
        .insert_job(JobKind::Forecast, c, &serde_json::json!({}))
        .expect("job");
    assert_eq!(
        db.cancel_queued_job(id).expect("cancel"),
        Some(JobStatus::Cancelled)
    );
    assert!(!db.start_job(id).expect("start"));
}

#[test]
fn every_stored_row_reads_back_one_and_listed() {
    let (_dir, db) = temp_db();
    let Chain {
        c,
        h,
        job,
        f,
        q,
        rjob,
        r,
    } = chain(&db);
    let sjob = db
        .insert_job(JobKind::Simulation, c, &serde_json::json!({}))
        .expect("job");
    let report = r#"{"all_targets_met":true,"kpis":[1],"report":{"k":5}}"#;
    let s = db
        .insert_simulation(c, r, sjob, report, "intervals")
        .expect("simulation");

    assert_eq!(db.centre(c).expect("centre").expect("exists").name, "North");
    let hist = db.history(h).expect("history").expect("exists");
    assert_eq!((hist.bytes, hist.records), (3, 3));
    assert_eq!(hist.first_day.as_deref(), Some("2026-11-01"));
    assert_eq!(db.histories(c).expect("list").len(), 1);
    let (summary, text, recent) = db.history_details(h).expect("details").expect("exists");
    assert_eq!(
        (summary["s"].as_i64(), text.as_str(), recent["r"].as_i64()),
        (Some(1), "text", Some(2))
    );
    assert_eq!(
        db.history_content(h).expect("content"),
        Some(("h.csv".into(), b"abc".to_vec()))
    );

    let j = db.job(job).expect("job").expect("exists");
    assert_eq!(
        (j.kind, j.status, j.result_id),
        (JobKind::Forecast, JobStatus::Succeeded, Some(f))
    );
    assert_eq!(j.params["days"], 7);
    assert_eq!(
        db.jobs(c)
            .expect("jobs")
            .iter()
            .map(|j| j.id)
            .collect::<Vec<_>>(),
        [sjob, rjob, job]
    );

    let fr = db.forecast(f).expect("forecast").expect("exists");
    assert_eq!(
        (fr.history_id, fr.job_id, fr.days, fr.models["m"].as_i64()),
        (h, Some(job), 7, Some(3))
    );
    assert_eq!(db.forecasts(c).expect("list")[0].id, f);
    assert_eq!(db.forecast_csv(f).expect("csv").as_deref(), Some("f,csv"));

    let qr = db.requirement_set(q).expect("set").expect("exists");
    assert_eq!(
        (
            qr.forecast_id,
            qr.quantile.as_str(),
            qr.summary["q"].as_i64()
        ),
        (f, "p50", Some(4))
    );
    assert_eq!(
        db.requirement_csv(q).expect("csv").as_deref(),
        Some("q,csv")
    );

    let rr = db.roster(r).expect("roster").expect("exists");
    assert_eq!(
        (rr.requirement_set_id, rr.summary["gap"].as_f64()),
        (q, Some(0.01))
    );
    assert_eq!(db.rosters(c).expect("list")[0].id, r);
    for (file, text) in [
        (RosterFile::Shifts, "shifts"),
        (RosterFile::Activities, "activities"),
        (RosterFile::Coverage, "coverage"),
        (RosterFile::Json, "{}"),
    ] {
        assert_eq!(
            db.roster_file(r, file).expect("file").as_deref(),
            Some(text)
        );
    }
    assert_eq!(db.roster_forecast_id(r).expect("forecast id"), Some(f));

    let sr = db.simulation(s).expect("simulation").expect("exists");
    assert!(sr.all_targets_met);
    assert_eq!(
        (sr.roster_id, sr.kpis[0].as_i64(), sr.report["k"].as_i64()),
        (r, Some(1), Some(5))
    );
    assert_eq!(
        db.simulation_csv(s).expect("csv").as_deref(),
        Some("intervals")
    );

    assert!(db.forecast(f + 100).expect("read").is_none());
    assert!(db.forecast_csv(f + 100).expect("read").is_none());
    assert!(db.rosters(c + 100).expect("list").is_empty());
}

#[test]
fn a_corrupt_stored_document_is_a_json_error() {
    let (_dir, db) = temp_db();
    let c = db.insert_centre("North", "a").expect("insert").expect("id");
    let job = db
        .insert_job(JobKind::Forecast, c, &serde_json::json!({}))
        .expect("job");
    db.write(|c| {
        c.execute(
            "UPDATE jobs SET params_json = '{' WHERE id = ?1",
            args![job],
        )
    })
    .expect("corrupt");
    assert!(matches!(db.job(job), Err(DbError::Json(_))));
    assert!(matches!(db.jobs(c), Err(DbError::Json(_))));
}

#[test]
fn a_newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rota.db");
    {
        let conn = Connection::open(&path).expect("open");
        conn.pragma_update(None, "user_version", 99).expect("set");
    }
    assert!(matches!(
        Db::open(&path),
        Err(DbError::TooNew { found: 99, .. })
    ));
}

#[test]
fn job_kinds_and_statuses_keep_their_stored_and_sent_words() {
    let kinds = JobKind::ALL.map(JobKind::as_str);
    assert_eq!(
        kinds,
        ["forecast", "schedule", "simulation", "scenarios", "report"]
    );
    let statuses = JobStatus::ALL.map(JobStatus::as_str);
    assert_eq!(
        statuses,
        ["queued", "running", "succeeded", "failed", "cancelled"]
    );
    for kind in JobKind::ALL {
        assert_eq!(kind.as_str().parse::<JobKind>(), Ok(kind));
        assert_eq!(serde_json::to_value(kind).expect("json"), kind.as_str());
        assert_eq!(kind.to_string(), kind.as_str());
    }
    for status in JobStatus::ALL {
        assert_eq!(status.as_str().parse::<JobStatus>(), Ok(status));
        assert_eq!(serde_json::to_value(status).expect("json"), status.as_str());
        assert_eq!(status.to_string(), status.as_str());
    }
    assert!("Queued".parse::<JobStatus>().is_err());
    assert!("roster".parse::<JobKind>().is_err());
}

#[test]
fn an_unknown_stored_job_kind_or_status_is_an_error() {
    let (_dir, db) = temp_db();
    let c = db.insert_centre("North", "a").expect("insert").expect("id");
    let job = db
        .insert_job(JobKind::Forecast, c, &serde_json::json!({}))
        .expect("job");
    let raw: (String, String) = db
        .read(|c| {
            let r = c
                .query_opt("SELECT kind, status FROM jobs WHERE id = ?1", args![job])?
                .ok_or(DbError::Missing("the job"))?;
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("raw");
    assert_eq!(raw, ("forecast".to_string(), "queued".to_string()));
    for sql in [
        "UPDATE jobs SET status = 'lost' WHERE id = ?1",
        "UPDATE jobs SET status = 'queued', kind = 'roster' WHERE id = ?1",
    ] {
        db.write(|c| c.execute(sql, args![job])).expect("corrupt");
        let err = db.job(job).expect_err("an unknown word is an error");
        assert!(matches!(err, DbError::Value { .. }), "{err}");
        assert!(err.to_string().contains("unknown job"), "{err}");
        assert!(db.jobs(c).is_err());
    }
}

#[test]
fn the_simulation_document_reads_back_typed_and_whole() {
    // The shape `work::simulate` stores.
    let stored = serde_json::json!({
        "kpis": [{"channel": "voice", "kpi": "abandon_rate", "value": 0.04, "met": true}],
        "all_targets_met": false,
        "report": {"week": [], "verdict": {"channels": []}},
    });
    let doc: SimulationDocument = serde_json::from_value(stored.clone()).expect("typed");
    assert!(!doc.all_targets_met);
    assert_eq!(doc.kpis.len(), 1);
    assert_eq!(serde_json::to_value(&doc).expect("json"), stored);

    let (_dir, db) = temp_db();
    let Chain { c, r, .. } = chain(&db);
    let job = db
        .insert_job(JobKind::Simulation, c, &serde_json::json!({}))
        .expect("job");
    // Without its verdict the document is corrupt: it does not read as "targets missed".
    let s = db
        .insert_simulation(c, r, job, r#"{"kpis":[],"report":{}}"#, "")
        .expect("simulation");
    assert!(matches!(db.simulation(s), Err(DbError::Json(_))));
}

/// The ids of one of each stored kind up to a roster, each made from the one before.
struct Chain {
    /// Centre `North`.
    c: i64,
    /// History `h.csv` (3 bytes, 3 records).
    h: i64,
    /// The forecast job (params `{"days": 7}`).
    job: i64,
    /// Forecast of 7 days from 2026-11-16 (models `{"m":3}`, CSV `f,csv`).
    f: i64,
    /// Requirement set at p50 (summary `{"q":4}`, CSV `q,csv`).
    q: i64,
    /// The schedule job.
    rjob: i64,
    /// Roster (summary `{"gap":0.01}`, files named after themselves, JSON `{}`).
    r: i64,
}

fn chain(db: &Db) -> Chain {
    let c = db.insert_centre("North", "a").expect("insert").expect("id");
    let h = db
        .insert_history(&NewHistory {
            centre_id: c,
            filename: "h.csv".into(),
            content: b"abc".to_vec(),
            records: 3,
            first_day: Some("2026-11-01".into()),
            last_day: None,
            summary_json: r#"{"s":1}"#.into(),
            summary_text: "text".into(),
            recent_json: r#"{"r":2}"#.into(),
        })
        .expect("history");
    let job = db
        .insert_job(JobKind::Forecast, c, &serde_json::json!({"days": 7}))
        .expect("job");
    let f = db
        .insert_forecast(c, h, job, "2026-11-16", 7, r#"{"m":3}"#, "f,csv")
        .expect("forecast");
    let q = db
        .insert_requirement_set(c, f, "p50", r#"{"q":4}"#, "q,csv")
        .expect("requirements");
    let rjob = db
        .insert_job(JobKind::Schedule, c, &serde_json::json!({}))
        .expect("job");
    let r = db
        .insert_roster(&NewRoster {
            centre_id: c,
            requirement_set_id: q,
            job_id: rjob,
            first_day: "2026-11-16".into(),
            days: 7,
            summary_json: r#"{"gap":0.01}"#.into(),
            roster_json: "{}".into(),
            shifts_csv: "shifts".into(),
            activities_csv: "activities".into(),
            coverage_csv: "coverage".into(),
        })
        .expect("roster");
    Chain {
        c,
        h,
        job,
        f,
        q,
        rjob,
        r,
    }
}

#[test]
fn actuals_and_absences_upsert_on_their_key_and_survive_a_reopen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("rota.db");
    let t = |s: &str| chrono::DateTime::parse_from_rfc3339(s).expect("time");
    let actual = |start: &str, channel: &str, offered: f64| NewActual {
        channel: channel.into(),
        interval_start: t(start),
        offered,
        handled: Some(offered - 1.0),
        abandoned: Some(1.0),
        aht_seconds: None,
        asa_seconds: Some(30.0),
    };
    {
        let db = Db::open(&path).expect("open");
        let c = chain(&db).c;
        let first = [
            actual("2026-11-16T09:00:00+00:00", "voice", 10.0),
            actual("2026-11-16T09:00:00+00:00", "chat", 4.0),
        ];
        let done = db.upsert_actuals(c, &first).expect("upsert");
        assert_eq!((done.inserted, done.replaced), (2, 0));
        // The same instant written with another offset is the same interval: replaced.
        let again = [actual("2026-11-16T10:00:00+01:00", "voice", 12.0)];
        let done = db.upsert_actuals(c, &again).expect("upsert");
        assert_eq!((done.inserted, done.replaced), (0, 1));
        let absence = |to: &str| NewAbsence {
            agent_id: "A1".into(),
            from: t("2026-11-16T08:00:00+00:00"),
            to: t(to),
            reason: "sick".into(),
        };
        let done = db
            .upsert_absences(c, &[absence("2026-11-16T18:00:00+00:00")])
            .expect("absence");
        assert_eq!((done.inserted, done.replaced), (1, 0));
        let done = db
            .upsert_absences(c, &[absence("2026-11-16T11:00:00+00:00")])
            .expect("absence");
        assert_eq!((done.inserted, done.replaced), (0, 1));
    }
    let db = Db::open(&path).expect("reopen");
    let rows = db
        .actuals(
            1,
            t("2026-11-16T00:00:00+00:00"),
            t("2026-11-17T00:00:00+00:00"),
        )
        .expect("actuals");
    assert_eq!(rows.len(), 2);
    let voice = rows.iter().find(|r| r.channel == "voice").expect("voice");
    assert_eq!(
        (voice.offered, voice.handled, voice.asa_seconds),
        (12.0, Some(11.0), Some(30.0))
    );
    assert!(db
        .actuals(
            1,
            t("2026-11-17T00:00:00+00:00"),
            t("2026-11-18T00:00:00+00:00")
        )
        .expect("actuals")
        .is_empty());
    let absences = db.absences(1).expect("absences");
    assert_eq!(absences.len(), 1);
    assert_eq!(absences[0].to, "2026-11-16T11:00:00+00:00");
}

#[test]
fn an_edited_roster_is_a_new_roster_naming_its_parent() {
    let (_dir, db) = temp_db();
    let parent = chain(&db).r;
    let edited = |parent_id| EditedRoster {
        parent_id,
        summary_json: r#"{"edited":{"from_roster":1}}"#.into(),
        roster_json: "{}".into(),
        shifts_csv: "s2".into(),
        activities_csv: "a2".into(),
        coverage_csv: "c2".into(),
        edit_json: r#"{"action":{"rank":1}}"#.into(),
    };
    let id = db
        .insert_edited_roster(&edited(parent))
        .expect("insert")
        .expect("parent exists");
    assert_ne!(id, parent);
    let row = db.roster(id).expect("read").expect("stored");
    assert_eq!(row.edited_from, Some(parent));
    assert_eq!(row.edit.expect("edit")["action"]["rank"], 1);
    let was = db.roster(parent).expect("read").expect("parent");
    assert_eq!((was.edited_from, was.edit), (None, None));
    assert_eq!(row.requirement_set_id, was.requirement_set_id);
    assert_eq!(
        db.roster_file(id, RosterFile::Activities)
            .expect("file")
            .as_deref(),
        Some("a2")
    );
    assert_eq!(
        db.roster_file(parent, RosterFile::Activities)
            .expect("file")
            .as_deref(),
        Some("activities")
    );
    assert_eq!(db.rosters(1).expect("list")[0].id, id, "newest first");
    assert!(db
        .insert_edited_roster(&edited(parent + 100))
        .expect("insert")
        .is_none());
}

#[test]
fn a_postgres_url_is_a_server_and_its_password_is_never_shown() {
    let url = Location::of(Path::new("postgres://rota:s3cret@db.example:5432/rota"));
    assert_eq!(
        url,
        Location::Postgres("postgres://rota:s3cret@db.example:5432/rota".into())
    );
    assert_eq!(url.label(), "postgres://rota:***@db.example:5432/rota");
    assert_eq!(
        Location::of(Path::new("postgresql://rota@h/db")).label(),
        "postgresql://rota@h/db"
    );
    let file = Location::of(Path::new("/var/lib/rota/postgres.db"));
    assert_eq!(file, Location::Sqlite("/var/lib/rota/postgres.db".into()));
}

#[test]
fn a_decision_on_time_off_stands_and_approving_records_the_absence() {
    let (_dir, db) = temp_db();
    let c = chain(&db).c;
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).expect("time");
    let ask = || NewTimeOff {
        centre_id: c,
        agent_id: "NH003".into(),
        from: at("2026-11-17T00:00:00+00:00"),
        to: at("2026-11-18T00:00:00+00:00"),
        kind: "annual_leave".into(),
        note: "wedding".into(),
        created_by: "user away".into(),
    };
    let (first, second) = (
        db.insert_time_off(&ask()).expect("stored"),
        db.insert_time_off(&ask()).expect("stored"),
    );
    let pending = db.time_off(first).expect("read").expect("there");
    assert_eq!(
        (pending.status.as_str(), pending.absence_id),
        ("pending", None)
    );
    let Decided::Done(done) = db
        .decide_time_off(first, true, "user mo", "annual leave (time-off request 1)")
        .expect("decide")
    else {
        panic!("approved");
    };
    assert_eq!(done.status, "approved");
    assert_eq!(done.decided_by.as_deref(), Some("user mo"));
    let absences = db.absences(c).expect("absences");
    assert_eq!(absences.len(), 1);
    assert_eq!(Some(absences[0].id), done.absence_id);
    assert_eq!(absences[0].reason, "annual leave (time-off request 1)");
    // the same decision again changes nothing; the other one is refused, nothing changed
    assert!(matches!(
        db.decide_time_off(first, true, "user other", "x").expect("again"),
        Decided::Done(r) if r.decided_by.as_deref() == Some("user mo")
    ));
    assert!(matches!(
        db.decide_time_off(first, false, "user other", "x").expect("other way"),
        Decided::AlreadyDecided(r) if r.status == "approved"
    ));
    let Decided::Done(declined) = db
        .decide_time_off(second, false, "user mo", "x")
        .expect("decline")
    else {
        panic!("declined");
    };
    assert_eq!(
        (declined.status.as_str(), declined.absence_id),
        ("declined", None)
    );
    assert_eq!(
        db.absences(c).expect("absences").len(),
        1,
        "declining records nothing"
    );
    assert!(matches!(
        db.decide_time_off(999, true, "user mo", "x")
            .expect("missing"),
        Decided::Missing
    ));
    assert_eq!(db.time_off_requests(c, None).expect("all").len(), 2);
    assert_eq!(
        db.time_off_requests(c, Some("NH009")).expect("none").len(),
        0
    );
}

#[test]
fn the_newest_publication_of_a_week_is_in_force_and_publishing_it_again_adds_nothing() {
    let (_dir, db) = temp_db();
    let chain = chain(&db);
    let first = db
        .publish_roster(chain.r, "user mo")
        .expect("publish")
        .expect("roster exists");
    assert!(first.current);
    let again = db
        .publish_roster(chain.r, "user mo")
        .expect("again")
        .expect("there");
    assert_eq!(again.id, first.id);
    let draft = db
        .insert_edited_roster(&EditedRoster {
            parent_id: chain.r,
            summary_json: "{}".into(),
            roster_json: "{}".into(),
            shifts_csv: String::new(),
            activities_csv: String::new(),
            coverage_csv: String::new(),
            edit_json: "{}".into(),
        })
        .expect("insert")
        .expect("parent");
    let newer = db
        .publish_roster(draft, "user mo")
        .expect("publish")
        .expect("there");
    let list = db.publications(chain.c).expect("list");
    assert_eq!(list.len(), 2);
    assert_eq!((list[0].id, list[0].current), (newer.id, true));
    assert_eq!((list[1].id, list[1].current), (first.id, false));
    let day = |s: &str| s.parse::<chrono::NaiveDate>().expect("date");
    let in_force = db.published_on(chain.c, day("2026-11-22")).expect("read");
    assert_eq!(in_force.map(|p| p.roster_id), Some(draft));
    assert!(db
        .published_on(chain.c, day("2026-11-23"))
        .expect("read")
        .is_none());
    assert!(db
        .publish_roster(999, "user mo")
        .expect("publish")
        .is_none());
}
