//! End-to-end tests of Today over HTTP (issue #17): the real `rota serve` on a random port with a
//! temporary database; actuals and absences upserted, the day's view, an action accepted.

mod common;

use std::time::Instant;

use serde_json::{json, Value};

use common::today::{
    get, get_ok, get_text, late_log_in, morning_rows, post, post_bytes, sample_day, NOW, NOW_QUERY,
    WRITE,
};
use common::Server;

const READ: &str = "read-token-for-today-0123456789";

fn level(view: &Value, channel: &str) -> Value {
    view["levels"]
        .as_array()
        .expect("levels")
        .iter()
        .find(|l| l["channel"] == channel)
        .cloned()
        .unwrap_or_else(|| panic!("no level for {channel}: {view}"))
}

#[test]
fn actuals_absences_today_and_accepting_an_action() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("rota.db"), WRITE, Some(READ), &[]);
    let (centre, forecast, roster, forecast_csv) = sample_day(&server);
    let base = format!("/v1/centres/{centre}");

    // Before any actuals: the pre-day forecast's level.
    let before = get_ok(&server, &format!("{base}/today?now={NOW_QUERY}"));
    assert_eq!(before["roster_id"], roster, "{before}");
    assert_eq!(before["forecast_id"], forecast);
    assert_eq!(level(&before, "voice")["actual_so_far"], 0.0);

    // Actuals: 30% over forecast all morning; posting the same rows again replaces them.
    let rows = morning_rows(&forecast_csv, 1.3);
    assert!(rows.len() >= 9 * 3, "{} rows", rows.len());
    let path = format!("{base}/actuals");
    let (status, first) = post(&server, &path, WRITE, &json!({ "rows": rows }));
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["inserted"], rows.len());
    assert_eq!(first["replaced"], 0);
    let (status, again) = post(&server, &path, WRITE, &json!({ "rows": rows }));
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["inserted"], 0);
    assert_eq!(again["replaced"], rows.len());
    let stored = get_ok(&server, &format!("{path}?date=2026-11-16"));
    assert_eq!(
        stored.as_array().map(Vec::len),
        Some(rows.len()),
        "{stored}"
    );

    // A late correction of one interval, as CSV in the history export format: replaced.
    let csv = "interval_start,channel,offered,handled,abandoned\n2026-11-16 09:00,voice,77,60,17\n";
    let (status, fixed) = post_bytes(&server, &path, "text/csv", csv.as_bytes());
    assert_eq!(status, 200, "{fixed}");
    assert_eq!(
        (fixed["inserted"].as_u64(), fixed["replaced"].as_u64()),
        (Some(0), Some(1))
    );
    let stored = get_ok(&server, &format!("{path}?date=2026-11-16"));
    let nine = stored
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["channel"] == "voice" && r["interval_start"] == "2026-11-16T09:00:00+00:00")
        .expect("09:00 voice stored");
    assert_eq!(
        (nine["offered"].as_f64(), nine["abandoned"].as_f64()),
        (Some(77.0), Some(17.0))
    );
    assert_eq!(
        stored.as_array().map(Vec::len),
        Some(rows.len()),
        "no row added"
    );

    // Bad input: each refused with the row and the reason, nothing stored.
    let bad = |rows: Value| post(&server, &path, WRITE, &json!({ "rows": rows }));
    let (status, e) = bad(json!([{"interval_start": "2026-11-16T09:00:00+00:00",
                                  "channel": "fax", "offered": 3}]));
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["field"], "rows[0].channel");
    assert!(
        e["detail"].as_str().unwrap_or("").contains("\"fax\""),
        "{e}"
    );
    let (status, e) = bad(
        json!([{"interval_start": "16th Nov 9am", "channel": "voice",
                                  "offered": 3}]),
    );
    assert_eq!(
        (status, e["field"].as_str()),
        (422, Some("rows[0].interval_start")),
        "{e}"
    );
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1))
        .format("%Y-%m-%dT%H:00:00+00:00")
        .to_string();
    let (status, e) = bad(json!([{"interval_start": tomorrow, "channel": "voice", "offered": 3}]));
    assert_eq!(status, 422, "{e}");
    assert!(
        e["detail"].as_str().unwrap_or("").contains("after now"),
        "{e}"
    );
    let (status, e) = bad(json!([{"interval_start": "2026-11-16T09:00:00+00:00",
                                  "channel": "voice", "offered": -1}]));
    assert_eq!(
        (status, e["field"].as_str()),
        (422, Some("rows[0].offered")),
        "{e}"
    );
    let (status, e) = post_bytes(
        &server,
        &path,
        "text/csv",
        b"interval_start,channel,offered\n2026-11-16 09:00,Fax Queue,3\n",
    );
    assert_eq!(status, 422, "{e}");
    assert_eq!(e["unknown_channels"], json!(["Fax Queue"]), "{e}");
    let (status, e) = post_bytes(&server, &path, "application/json", b"{\"rows\": [");
    assert_eq!(status, 400, "{e}");
    let (status, _) = post(&server, &path, READ, &json!({ "rows": rows }));
    assert_eq!(status, 403, "a read token cannot post actuals");
    let stored = get_ok(&server, &format!("{path}?date=2026-11-16"));
    assert_eq!(
        stored.as_array().map(Vec::len),
        Some(rows.len()),
        "nothing stored"
    );

    // Absences: a rostered voice advisor off all day; an unknown agent refused.
    let shifts = get_text(&server, &format!("/v1/rosters/{roster}/shifts.csv"));
    let absent = shifts
        .lines()
        .nth(1)
        .expect("a shift")
        .split(',')
        .next()
        .unwrap()
        .to_string();
    let apath = format!("{base}/absences");
    let absence = json!({"absences": [{"agent_id": absent, "from": "2026-11-16 07:00",
                                       "to": "2026-11-16 22:00", "reason": "sick"}]});
    let (status, a) = post(&server, &apath, WRITE, &absence);
    assert_eq!((status, a["inserted"].as_u64()), (200, Some(1)), "{a}");
    let (status, a) = post(&server, &apath, WRITE, &absence);
    assert_eq!((status, a["replaced"].as_u64()), (200, Some(1)), "{a}");
    let (status, e) = post(
        &server,
        &apath,
        WRITE,
        &json!({"absences": [{"agent_id": "NOBODY", "from": "2026-11-16 07:00",
                              "to": "2026-11-16 22:00"}]}),
    );
    assert_eq!(
        (status, e["field"].as_str()),
        (422, Some("absences[0].agent_id")),
        "{e}"
    );
    assert!(e["detail"].as_str().unwrap_or("").contains("NOBODY"), "{e}");
    let (status, e) = post_bytes(
        &server,
        &apath,
        "text/csv",
        b"agent_id,from,to,reason\nNOBODY,2026-11-16 07:00,2026-11-16 22:00,sick\n",
    );
    assert_eq!(status, 422, "{e}");
    assert!(e["detail"].as_str().unwrap_or("").contains("line 2"), "{e}");
    assert_eq!(get_ok(&server, &apath).as_array().map(Vec::len), Some(1));

    // Today: the level follows the morning, voice KPIs against target, actions.
    let started = Instant::now();
    let view = get_ok(&server, &format!("{base}/today?now={NOW_QUERY}"));
    let took = started.elapsed();
    let voice = level(&view, "voice");
    assert!(voice["actual_so_far"].as_f64().unwrap() > 0.0, "{voice}");
    assert!(
        voice["level"].as_f64().unwrap() > 1.05,
        "30% over forecast: {voice}"
    );
    assert!(
        voice["expected_day"].as_f64().unwrap() > voice["forecast_day"].as_f64().unwrap(),
        "{voice}"
    );
    assert_eq!(view["absences"], 1);
    let kpis = view["kpis"].as_array().expect("kpis");
    let voice_abandon = kpis
        .iter()
        .find(|k| k["channel"] == "voice" && k["scope"] == "day" && k["kpi"] == "abandon_rate")
        .unwrap_or_else(|| panic!("voice day abandon rate: {view}"));
    let rate = voice_abandon["predicted"].as_f64().unwrap();
    assert!((0.0..1.0).contains(&rate), "{voice_abandon}");
    assert!(
        voice_abandon["target"].as_f64().is_some(),
        "{voice_abandon}"
    );
    let intervals = view["intervals"].as_array().expect("intervals");
    let at = |t: &str| {
        intervals
            .iter()
            .find(|i| i["channel"] == "voice" && i["interval_start"] == t)
            .unwrap_or_else(|| panic!("voice {t}"))
            .clone()
    };
    assert_eq!(at("2026-11-16T09:00:00+00:00")["actual"], 77.0);
    assert!(at("2026-11-16T09:00:00+00:00")["reforecast_mean"].is_null());
    let later = at("2026-11-16T14:00:00+00:00");
    assert!(
        later["reforecast_mean"].as_f64().unwrap() > later["forecast_mean"].as_f64().unwrap(),
        "{later}"
    );
    eprintln!("today: {took:?}, voice level {}", voice["level"]);
    let actions = view["actions"].as_array().expect("actions");
    assert!(
        !actions.is_empty(),
        "an understaffed, busy morning has something to do: {view}"
    );

    // The view needs `now` within the roster and the forecast.
    let (status, e) = get(
        &server,
        &format!("{base}/today?now=2026-11-20T10:00:00%2B00:00"),
    );
    assert_eq!((status, e["field"].as_str()), (422, Some("now")), "{e}");
    let (status, e) = get(&server, &format!("{base}/today?now=soon"));
    assert_eq!((status, e["field"].as_str()), (422, Some("now")), "{e}");

    // Accept the first action: a new roster edited from the old one, used from then on.
    let first = &actions[0];
    let accept = format!("{base}/today/actions/1/accept");
    let (status, e) = post(
        &server,
        &accept,
        WRITE,
        &json!({"now": NOW, "action_id": "move_channel:NOBODY:0-0:voice>chat"}),
    );
    assert_eq!(
        (status, e["field"].as_str()),
        (409, Some("action_id")),
        "{e}"
    );
    let (status, e) = post(
        &server,
        &format!("{base}/today/actions/99/accept"),
        WRITE,
        &json!({"now": NOW}),
    );
    assert_eq!(status, 404, "{e}");
    let (status, accepted) = post(
        &server,
        &accept,
        WRITE,
        &json!({"now": NOW, "action_id": first["id"]}),
    );
    assert_eq!(status, 201, "{accepted}");
    let new_roster = accepted["roster"]["id"].as_i64().expect("new roster");
    assert_ne!(new_roster, roster);
    assert_eq!(accepted["roster"]["edited_from"], roster);
    assert_eq!(accepted["action"]["id"], first["id"]);
    let activities = |id: i64| get_text(&server, &format!("/v1/rosters/{id}/activities.csv"));
    let (old, new) = (activities(roster), activities(new_roster));
    assert_ne!(old, new, "the roster changed");
    let edit = &first["edits"][0];
    let does = edit["does"].as_str().expect("does");
    let start = edit["start"].as_str().expect("start");
    let agent_id = edit["agent_id"].as_str().expect("agent");
    if let Some(channel) = does.strip_prefix("work:") {
        assert!(
            new.lines()
                .any(|l| l.starts_with(&format!("{agent_id},{start},"))
                    && l.ends_with(&format!(",work,{channel}"))),
            "{agent_id} works {channel} from {start} in the edited roster"
        );
    }
    // The old roster is kept as it was.
    assert_eq!(activities(roster), old);
    // The next view uses the edited roster, and the accepted action is no longer proposed.
    let next = get_ok(&server, &format!("{base}/today?now={NOW_QUERY}"));
    assert_eq!(next["roster_id"], new_roster);
    assert!(
        next["actions"]
            .as_array()
            .expect("actions")
            .iter()
            .all(|a| a["id"] != first["id"]),
        "{next}"
    );
    // The edited roster is a roster like any other: listed, and its files download.
    let listed = get_ok(&server, &format!("{base}/rosters"));
    assert_eq!(listed[0]["id"], new_roster);
    let (status, _) = get(&server, &format!("/v1/rosters/{new_roster}/roster.json"));
    assert_eq!(status, 200);
    let (status, cov) = get(&server, &format!("/v1/rosters/{new_roster}/coverage.csv"));
    assert_eq!(status, 200, "{cov}");

    // A hard kill and a restart lose nothing acknowledged.
    let stored = get_ok(&server, &format!("{path}?date=2026-11-16"));
    server.kill();
    let server = Server::start(&dir.path().join("rota.db"), WRITE, Some(READ), &[]);
    assert_eq!(get_ok(&server, &format!("{path}?date=2026-11-16")), stored);
    assert_eq!(get_ok(&server, &apath).as_array().map(Vec::len), Some(1));
    let again = get_ok(&server, &format!("{base}/today?now={NOW_QUERY}"));
    assert_eq!(again["roster_id"], new_roster);
    assert_eq!(again["levels"], next["levels"]);
}

#[test]
fn agent_states_are_upserted_and_the_days_adherence_names_the_late_log_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("rota.db"), WRITE, Some(READ), &[]);
    let (centre, _, roster, forecast_csv) = sample_day(&server);
    let base = format!("/v1/centres/{centre}");
    let shifts = get_text(&server, &format!("/v1/rosters/{roster}/shifts.csv"));
    let activities = get_text(&server, &format!("/v1/rosters/{roster}/activities.csv"));
    let (agent, events) = late_log_in(&shifts, &activities, 10);

    let path = format!("{base}/agent-states");
    let (status, first) = post_bytes(&server, &path, "text/csv", events.as_bytes());
    assert_eq!(status, 200, "{first}");
    assert_eq!(
        (first["inserted"].as_u64(), first["replaced"].as_u64()),
        (Some(2), Some(0))
    );
    let evening = format!("{base}/adherence?now=2026-11-16T20:00:00%2B00:00");
    let day = get_ok(&server, &evening);
    assert_eq!(day["events"], 2, "{day}");
    assert_eq!(day["roster_id"], roster);
    let exceptions = day["exceptions"].as_array().expect("exceptions");
    // Available on one channel all day: late by 10 minutes (and on the wrong channel where the
    // roster moved the agent).
    let late: Vec<&Value> = exceptions
        .iter()
        .filter(|e| e["agent_id"] == agent.as_str() && e["kind"] != "wrong_channel")
        .collect();
    assert_eq!(late.len(), 1, "{late:?}");
    assert_eq!(late[0]["kind"], "late_log_in");
    assert_eq!(late[0]["minutes"], 10.0);
    assert!(
        exceptions.iter().any(|e| e["kind"] == "absent"),
        "the rostered agents without an event are absent"
    );
    let centre_row = &day["rows"][0];
    assert_eq!(centre_row["scope"], "centre", "{day}");
    assert!(
        centre_row["adherence"].as_f64().unwrap() < 0.5,
        "{centre_row}"
    );
    let agent_row = day["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["agent_id"] == agent.as_str())
        .expect("the agent's row")
        .clone();
    assert!(
        agent_row["adherence"].as_f64().unwrap() > 0.5,
        "{agent_row}"
    );

    // Posting the same events again changes nothing; an earlier moment measures less.
    let (status, again) = post_bytes(&server, &path, "text/csv", events.as_bytes());
    assert_eq!(
        (status, again["replaced"].as_u64()),
        (200, Some(2)),
        "{again}"
    );
    assert_eq!(get_ok(&server, &evening), day);
    let morning = get_ok(&server, &format!("{base}/adherence?now={NOW_QUERY}"));
    assert!(
        morning["rows"][0]["scheduled_minutes"].as_f64() < centre_row["scheduled_minutes"].as_f64(),
        "{morning}"
    );

    // Bad input: named, nothing stored.
    let (status, e) = post_bytes(
        &server,
        &path,
        "text/csv",
        b"agent_id,timestamp,state,channel\nNOBODY,2026-11-16 09:00,available,voice\n",
    );
    assert_eq!(status, 422, "{e}");
    let detail = e["detail"].as_str().unwrap_or("");
    assert!(
        detail.contains("agent_states.csv:2") && detail.contains("NOBODY"),
        "{e}"
    );
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).to_rfc3339();
    let future = format!("agent_id,timestamp,state\n{agent},{tomorrow},offline\n");
    let (status, e) = post_bytes(&server, &path, "text/csv", future.as_bytes());
    assert_eq!(status, 422, "{e}");
    assert!(
        e["detail"].as_str().unwrap_or("").contains("after now"),
        "{e}"
    );
    let (status, e) = post(&server, &path, WRITE, &json!({"events": []}));
    assert_eq!(status, 400, "{e}");
    assert_eq!(get_ok(&server, &evening)["events"], 2);

    // Stored actuals become history for the next forecast: Monday's morning, forecasting Tuesday.
    let rows = morning_rows(&forecast_csv, 1.3);
    let (status, body) = post(
        &server,
        &format!("{base}/actuals"),
        WRITE,
        &json!({ "rows": rows }),
    );
    assert_eq!(status, 200, "{body}");
    let history = get_ok(&server, &format!("{base}/histories"))[0]["id"].clone();
    let request = json!({"history_id": history, "first_day": "2026-11-17", "days": 1,
                         "with_actuals": true});
    let forecast = common::today::run_job(&server, &format!("{base}/forecasts"), &request);
    let stored = get_ok(&server, &format!("/v1/forecasts/{forecast}"));
    assert_eq!(stored["first_day"], "2026-11-17", "{stored}");
    let jobs = get_ok(&server, &format!("{base}/jobs"));
    let job = jobs
        .as_array()
        .expect("jobs")
        .iter()
        .find(|j| j["result_id"] == forecast && j["kind"] == "forecast")
        .expect("the forecast's job");
    assert_eq!(job["params"]["with_actuals"], true, "{job}");
    let (status, e) = post(
        &server,
        &format!("{base}/actuals"),
        WRITE,
        &json!({"rows": [{"interval_start": "2026-11-16T09:00:00+00:00", "channel": "voice",
                          "offered": 2.5}]}),
    );
    assert_eq!(
        (status, e["field"].as_str()),
        (422, Some("rows[0].offered")),
        "{e}"
    );
}
