//! The service's roster downloads (`/v1/rosters/{id}/export/rota.{csv,xlsx,html}` and each agent's
//! `/v1/rosters/{id}/calendars/{agent}.ics`) on a roster the real `rota serve` planned for the
//! sample centre: the same files `rota export` writes, with their content types and names.

mod common;

use std::io::Cursor;
use std::time::{Duration, Instant};

use calamine::{open_workbook_from_rs, Reader, Xlsx};
use serde_json::{json, Value};

use common::Server;

const TOKEN: &str = "export-write-token-for-tests-0123456789";

/// A request with the token: (status, content type, content disposition, body bytes).
fn fetch(server: &Server, method: &str, path: &str, body: Option<(&str, Vec<u8>)>) -> Fetched {
    let client = common::agent(Duration::from_secs(120));
    let url = server.url(path);
    let auth = format!("Bearer {TOKEN}");
    let resp = match (method, body) {
        ("GET", _) => client.get(&url).header("authorization", &auth).call(),
        (_, Some((kind, bytes))) => client
            .post(&url)
            .header("authorization", &auth)
            .header("content-type", kind)
            .send(&bytes[..]),
        (_, None) => client
            .post(&url)
            .header("authorization", &auth)
            .send_empty(),
    };
    let mut resp = resp.expect("request");
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    let (kind, disposition) = (header("content-type"), header("content-disposition"));
    Fetched {
        status: resp.status().as_u16(),
        kind,
        disposition,
        body: resp.body_mut().read_to_vec().unwrap_or_default(),
    }
}

struct Fetched {
    status: u16,
    kind: String,
    disposition: String,
    body: Vec<u8>,
}

impl Fetched {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn post(server: &Server, path: &str, body: Value) -> Value {
    let f = fetch(
        server,
        "POST",
        path,
        Some(("application/json", body.to_string().into_bytes())),
    );
    assert!(f.status < 300, "POST {path}: {} {}", f.status, f.text());
    f.json()
}

/// Waits for job `job`'s result id.
fn result_of(server: &Server, job: &Value) -> i64 {
    let id = job["id"].as_i64().expect("a job");
    let start = Instant::now();
    loop {
        let row = fetch(server, "GET", &format!("/v1/jobs/{id}"), None).json();
        match row["status"].as_str() {
            Some("succeeded") => return row["result_id"].as_i64().expect("result"),
            Some("queued" | "running") => {}
            _ => panic!("job {id}: {row}"),
        }
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "job {id}: {row}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn a_stored_roster_downloads_as_calendars_csv_xlsx_and_html() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(&dir.path().join("rota.db"), TOKEN, None, &[]);
    let toml = fetch(&server, "GET", "/v1/samples/centre.toml", None).text();
    let centre = post(&server, "/v1/centres", json!({ "config_toml": toml }))["id"].clone();
    let history = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/samples/history.csv.gz"),
    )
    .unwrap();
    let f = fetch(
        &server,
        "POST",
        &format!("/v1/centres/{centre}/histories?filename=history.csv.gz"),
        Some(("application/gzip", history)),
    );
    assert_eq!(f.status, 201, "{}", f.text());
    let history_id = f.json()["history"]["id"].clone();
    let job = post(
        &server,
        &format!("/v1/centres/{centre}/forecasts"),
        json!({"history_id": history_id, "first_day": "2026-11-16", "days": 7}),
    );
    let forecast = result_of(&server, &job);
    let set = post(
        &server,
        &format!("/v1/forecasts/{forecast}/requirements"),
        json!({}),
    );
    // 40 s: a debug build on a busy 2-core machine needs the margin to find a first roster.
    let job = post(
        &server,
        &format!("/v1/centres/{centre}/schedules"),
        json!({"requirement_set_id": set["id"], "time_limit_s": 40}),
    );
    let roster = result_of(&server, &job);
    let shifts_csv = fetch(
        &server,
        "GET",
        &format!("/v1/rosters/{roster}/shifts.csv"),
        None,
    )
    .text();
    let shifts = shifts_csv.lines().count() - 1;
    assert!(shifts > 100, "{shifts} shifts");

    // CSV: one row per agent and day, every shift once.
    let f = fetch(
        &server,
        "GET",
        &format!("/v1/rosters/{roster}/export/rota.csv"),
        None,
    );
    assert_eq!(f.status, 200, "{}", f.text());
    assert_eq!(f.kind, "text/csv; charset=utf-8");
    assert_eq!(
        f.disposition,
        format!("attachment; filename=\"rota-{roster}.csv\"")
    );
    let text = f.text();
    assert!(text.starts_with("agent_id,agent_name,team,date,day,start,end,paid_hours,"));
    let worked = text
        .lines()
        .skip(1)
        .filter(|l| !l.contains(",,,0,"))
        .count();
    assert_eq!(worked, shifts);

    // XLSX: opens, a sheet for the week.
    let f = fetch(
        &server,
        "GET",
        &format!("/v1/rosters/{roster}/export/rota.xlsx"),
        None,
    );
    assert_eq!(f.status, 200);
    assert_eq!(
        f.kind,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert_eq!(
        f.disposition,
        format!("attachment; filename=\"rota-{roster}.xlsx\"")
    );
    let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(f.body)).expect("the workbook opens");
    assert_eq!(book.sheet_names(), ["Week of 16 Nov 2026"]);

    // HTML: the printable grid.
    let f = fetch(
        &server,
        "GET",
        &format!("/v1/rosters/{roster}/export/rota.html"),
        None,
    );
    assert_eq!(f.status, 200);
    assert!(f.kind.starts_with("text/html"), "{}", f.kind);
    assert!(f.text().contains("@media print"));

    // Calendars: listed per agent, each parses with one event per shift.
    let list = fetch(
        &server,
        "GET",
        &format!("/v1/rosters/{roster}/calendars"),
        None,
    )
    .json();
    let list = list.as_array().expect("a list").clone();
    assert_eq!(list.len(), 45);
    let mut events = 0;
    for a in &list {
        let f = fetch(&server, "GET", a["href"].as_str().unwrap(), None);
        assert_eq!(f.status, 200);
        assert_eq!(f.kind, "text/calendar; charset=utf-8");
        assert_eq!(
            f.disposition,
            format!(
                "attachment; filename=\"{}.ics\"",
                a["agent_id"].as_str().unwrap()
            )
        );
        let text = icalendar::parser::unfold(&f.text());
        let cal = icalendar::parser::read_calendar(&text).expect("parses");
        let n = cal.components.iter().filter(|c| c.name == "VEVENT").count();
        assert_eq!(n as u64, a["shifts"].as_u64().unwrap(), "{a}");
        events += n;
    }
    assert_eq!(events, shifts);

    // Unknown agent, unknown roster, a file that is not a calendar: 404 problems.
    for path in [
        format!("/v1/rosters/{roster}/calendars/NOBODY.ics"),
        format!("/v1/rosters/{roster}/calendars/NH001.txt"),
        "/v1/rosters/999/export/rota.csv".to_string(),
        "/v1/rosters/999/calendars/NH001.ics".to_string(),
    ] {
        let f = fetch(&server, "GET", &path, None);
        assert_eq!(f.status, 404, "{path}: {}", f.text());
        assert_eq!(f.kind, "application/problem+json", "{path}");
    }

    // Documented in the OpenAPI document.
    let doc = fetch(&server, "GET", "/openapi.json", None).json();
    for p in [
        "/v1/rosters/{id}/export/rota.csv",
        "/v1/rosters/{id}/export/rota.xlsx",
        "/v1/rosters/{id}/export/rota.html",
        "/v1/rosters/{id}/calendars",
        "/v1/rosters/{id}/calendars/{file}",
    ] {
        assert!(doc["paths"].get(p).is_some(), "{p} not documented");
    }
}
