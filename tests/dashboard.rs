//! Browser test of the dashboard: the real `rota serve` on a random port, Debian's headless
//! Chromium driven over the W3C WebDriver protocol (chromedriver), the whole flow through the page:
//! token -> sample centre -> upload the sample history -> forecast -> schedule -> simulation. Checks
//! that the charts, the roster timeline and the KPI table render, and saves a screenshot to
//! `target/dashboard.png`. A second test sets up a centre through the form (its errors shown beside
//! the fields), maps an unknown queue of an export to a channel, runs the flow, reloads and finds
//! the stored simulation; it saves `target/dashboard-onboarding.png`. A third signs in with a
//! viewer's key and finds only their centre and none of the buttons a viewer may not use.
//!
//! Needs `chromium` and `chromium-driver` (Debian packages; `ROTA_CHROMIUM` / `ROTA_CHROMEDRIVER`
//! override the paths). Without them the test FAILS. `ROTA_SKIP_BROWSER_TESTS=1` skips it (and
//! `make test` lists the skip), except under CI, where a skip fails.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use common::browser::Chromium as Browser;
use common::Server;

const WRITE: &str = "write-token-for-browser-0123456789";

/// A temporary directory, the real server on a random port and a headless browser; `None` when
/// asked to skip (`ROTA_SKIP_BROWSER_TESTS=1`: listed by `make test`, or a failure under CI,
/// browser or not). Without a browser the test fails.
fn session(test: &str) -> Option<(tempfile::TempDir, Server, Browser)> {
    let dir = tempfile::tempdir().expect("tempdir");
    let browser = Browser::for_test(test, &dir.path().join("profile"))?;
    let server = Server::start(&dir.path().join("rota.db"), WRITE, None, &[]);
    Some((dir, server, browser))
}

#[test]
fn dashboard_runs_the_flow_and_renders_charts_and_roster() {
    let Some((_dir, server, browser)) = session("dashboard") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    browser.open(&server.url("/"));
    assert_eq!(browser.run("return document.title;"), "Rota dashboard");
    browser.keys("#token", WRITE);
    browser.press("#token-save");
    browser.wait_status("No centre yet", Duration::from_secs(30));

    browser.press("#create-sample");
    browser.wait_status("Created centre Northmoor Homes", Duration::from_secs(30));

    let history = root.join("data/samples/history.csv.gz");
    browser.keys("#history-file", &history.display().to_string());
    browser.press("#upload-history");
    browser.wait_status("Uploaded", Duration::from_secs(120));
    assert!(
        browser
            .run("return document.getElementById('history-summary').textContent;")
            .as_str()
            .unwrap_or("")
            .contains("voice"),
        "history summary not shown"
    );
    // History already charted before any forecast.
    assert!(browser.count("#chart-forecast path.series-history") >= 1);

    // A short horizon keeps the solver quick in a debug build.
    browser.run(
        "document.getElementById('days').value = '3'; \
                document.getElementById('time-limit').value = '10';",
    );
    assert_eq!(
        browser.run("return document.getElementById('first-day').value;"),
        "2026-11-16",
        "first forecast day defaults to the day after the history"
    );
    browser.press("#run-forecast");
    browser.wait_status("ready", Duration::from_secs(300));
    assert!(
        browser.count("#chart-forecast path.series-forecast") >= 1,
        "forecast line"
    );
    assert!(
        browser.count("#chart-forecast polygon.band-forecast") >= 1,
        "forecast band"
    );
    assert!(browser.count("#model-table tbody tr") >= 5, "model table");

    browser.press("#run-schedule");
    browser.wait_status("Roster", Duration::from_secs(300));
    browser.wait_status("ready", Duration::from_secs(300));
    assert!(
        browser.count("#chart-coverage path.series-required") >= 1,
        "required line"
    );
    assert!(
        browser.count("#chart-coverage path.series-scheduled") >= 1,
        "scheduled line"
    );
    let bars = browser.count("#roster-timeline rect.activity");
    assert!(bars >= 20, "roster timeline has {bars} activity bars");
    assert!(browser.count("#roster-timeline rect.activity.work") >= 10);
    // Each agent's schedule: the first rostered agent's week, and the team's printable grid.
    let week = browser.count("#agent-week tbody tr");
    assert!(
        (1..=7).contains(&week),
        "the agent's week has {week} shifts"
    );
    let grid = browser.run("return document.getElementById('team-grid').srcdoc;");
    let grid = grid.as_str().unwrap_or("");
    assert!(
        grid.contains("<table class=\"rota\">") && grid.contains("@media print"),
        "team grid"
    );

    browser.run("document.getElementById('replications').value = '3';");
    browser.press("#run-simulation");
    browser.wait_status("done", Duration::from_secs(300));
    let rows = browser.count("#kpi-table tbody tr");
    assert!(rows >= 5, "KPI table has {rows} rows");
    assert!(
        browser.count("#kpi-table td.ok, #kpi-table td.miss") >= 5,
        "targets judged"
    );

    // The download path the buttons use (fetch with the token) serves the planner's file.
    let first_line = browser.command(
        "/execute/async",
        json!({"script": "const done = arguments[arguments.length - 1]; \
            api(`/v1/rosters/${state.roster}/shifts.csv`).then((r) => r.text()) \
            .then((t) => done(t.split('\\n')[0])).catch((e) => done('ERROR ' + e));",
            "args": []}),
    );
    assert_eq!(
        first_line,
        "agent_id,agent_name,date,start,end,paid_hours,breaks,start_time,end_time"
    );

    browser.run("window.scrollTo(0, 0);");
    browser.screenshot(&root.join("target/dashboard.png"));
}

/// Sets a form input (found by CSS) to `value` as typing would, so the page reads it.
fn set_value(browser: &Browser, css: &str, value: &str) {
    let script = format!(
        "const el = document.querySelector({}); if (!el) return false; el.value = {}; \
         el.dispatchEvent(new Event('input', {{bubbles: true}})); return true;",
        serde_json::to_string(css).expect("css"),
        serde_json::to_string(value).expect("value"),
    );
    assert_eq!(browser.run(&script), true, "no input {css}");
}

/// Waits until `script` (a JS expression) is true; fails with the status line otherwise.
fn wait_for(browser: &Browser, script: &str, what: &str, limit: Duration) {
    let start = Instant::now();
    while browser.run(&format!("return Boolean({script});")) != true {
        let status = browser.run("return document.getElementById('status').textContent;");
        assert!(
            start.elapsed() < limit,
            "{what} never happened; status: {status}"
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}

#[test]
fn dashboard_sets_up_a_centre_from_the_form_and_maps_an_unknown_queue() {
    let Some((_dir, server, browser)) = session("dashboard (form)") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    browser.open(&server.url("/"));
    browser.keys("#token", WRITE);
    browser.press("#token-save");
    browser.wait_status("No centre yet", Duration::from_secs(30));

    // The form starts from a one-queue centre. Left without a name and with a 150% abandon
    // target, it is refused and each problem is shown beside its field.
    browser.run("document.getElementById('centre-form-box').open = true;");
    set_value(
        &browser,
        "#form-channels tbody tr input[name=abandon_pct]",
        "150",
    );
    browser.press("#form-create");
    wait_for(
        &browser,
        "document.querySelectorAll('#centre-form .field-error').length >= 2",
        "field errors",
        Duration::from_secs(30),
    );
    let beside = browser.run(
        "const e = document.querySelector('#form-channels input[name=abandon_pct]'); \
         const n = e.nextElementSibling; return [e.classList.contains('invalid'), \
         n && n.className === 'field-error' ? n.textContent : ''];",
    );
    assert_eq!(beside[0], true, "abandon target not marked: {beside}");
    assert!(
        beside[1]
            .as_str()
            .unwrap_or("")
            .contains("max_abandon_rate"),
        "{beside}"
    );
    let name_error = browser.run(
        "const n = document.querySelector('[name=\"centre.name\"]').nextElementSibling; \
         return n && n.className === 'field-error' ? n.textContent : '';",
    );
    assert!(
        !name_error.as_str().unwrap_or("").is_empty(),
        "no error beside the centre name"
    );

    // Fixed: a name, people's names, a reachable target, a third agent.
    set_value(&browser, "[name=\"centre.name\"]", "Harbour Lettings");
    set_value(
        &browser,
        "#form-channels tbody tr input[name=abandon_pct]",
        "10",
    );
    browser.press("#form-agents + button.add-row");
    let agents = [
        ("A1", "Asha Patel"),
        ("A2", "Bill Green"),
        ("A3", "Cara Doyle"),
    ];
    for (i, (id, name)) in agents.iter().enumerate() {
        let row = format!("#form-agents tbody tr:nth-child({})", i + 1);
        set_value(&browser, &format!("{row} input[name=id]"), id);
        set_value(&browser, &format!("{row} input[name=name]"), name);
        set_value(&browser, &format!("{row} input[name=skills]"), "voice");
        set_value(
            &browser,
            &format!("{row} input[name=contract]"),
            "full_time",
        );
        set_value(&browser, &format!("{row} input[name=hourly_rate]"), "13.10");
    }
    browser.press("#form-create");
    browser.wait_status("Created centre Harbour Lettings", Duration::from_secs(30));
    assert!(
        browser
            .run("return document.getElementById('centre-toml').value;")
            .as_str()
            .unwrap_or("")
            .contains("[channels.voice]"),
        "the stored TOML is shown for editing"
    );

    // The export names its queue "General Enquiries": the page asks which channel it is.
    let history = root.join("tests/fixtures/exports/general_enquiries_queue.csv");
    browser.keys("#history-file", &history.display().to_string());
    browser.press("#upload-history");
    browser.wait_status("not channels of this centre", Duration::from_secs(60));
    assert_eq!(
        browser.run("return document.getElementById('alias-box').hidden;"),
        false
    );
    assert_eq!(
        browser.run("return Array.from(document.querySelectorAll('#alias-table select')).map((s) => s.dataset.label);"),
        json!(["General Enquiries"])
    );
    browser.run("document.querySelector('#alias-table select').value = 'voice';");
    browser.press("#save-aliases");
    browser.wait_status("Uploaded", Duration::from_secs(60));
    assert!(
        browser
            .run("return document.getElementById('centre-toml').value;")
            .as_str()
            .unwrap_or("")
            .contains("\"General Enquiries\" = \"voice\""),
        "the mapping is stored with the centre"
    );

    // Forecast three weekdays, roster them quickly, simulate.
    browser.run(
        "document.getElementById('first-day').value = '2026-11-09'; \
         document.getElementById('days').value = '3'; \
         document.getElementById('time-limit').value = '5'; \
         document.getElementById('replications').value = '3';",
    );
    browser.press("#run-forecast");
    browser.wait_status("ready", Duration::from_secs(120));
    browser.press("#run-schedule");
    browser.wait_status("Roster", Duration::from_secs(120));
    browser.wait_status("ready", Duration::from_secs(120));
    browser.press("#run-simulation");
    browser.wait_status("done", Duration::from_secs(120));
    assert!(browser.count("#simulation option") >= 1);

    // After a reload the roster's stored simulation is listed with its KPIs.
    browser.open(&server.url("/"));
    wait_for(
        &browser,
        "document.querySelectorAll('#simulation option').length >= 1 && \
         document.querySelectorAll('#kpi-table tbody tr').length >= 1",
        "the stored simulation after a reload",
        Duration::from_secs(60),
    );
    let listed = browser.run("return document.querySelector('#simulation option').textContent;");
    assert!(
        listed.as_str().unwrap_or("").contains("targets"),
        "{listed}"
    );
    // Solver figures stay folded away.
    assert!(browser.count("#roster-summary details") >= 1);

    browser.run("window.scrollTo(0, 0);");
    browser.screenshot(&root.join("target/dashboard-onboarding.png"));
}

/// A viewer of one centre signs in with their key: the page lists only that centre, says who is
/// signed in with which role, and hides what a viewer may not do; signing out forgets the key, and
/// the key never appears in the page's address.
#[test]
fn dashboard_signs_in_with_a_key_and_hides_what_the_role_may_not_do() {
    let Some((dir, server, browser)) = session("dashboard (sign-in)") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let toml = std::fs::read_to_string(root.join("tests/fixtures/simulate/centre.toml"))
        .expect("fixture centre");
    let http = common::agent(Duration::from_secs(30));
    let mut ids = Vec::new();
    for name in ["Viewer's centre", "Someone else's"] {
        let (status, body) = common::answer(
            http.post(&server.url("/v1/centres"))
                .header("authorization", &format!("Bearer {WRITE}"))
                .send_json(json!({"name": name, "config_toml": toml})),
        );
        assert_eq!(status, 201, "{body}");
        ids.push(body["id"].as_i64().expect("centre id"));
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rota"))
        .args(["users", "add", "--name", "vera", "--role", "viewer"])
        .args(["--centre", &ids[0].to_string(), "--db"])
        .arg(common::backend::db_arg(&dir.path().join("rota.db")))
        .output()
        .expect("rota users add");
    assert!(out.status.success());
    let key = String::from_utf8(out.stdout)
        .expect("utf-8")
        .trim()
        .to_string();

    browser.open(&server.url("/"));
    browser.keys("#token", &key);
    browser.press("#token-save");
    browser.until(
        "return document.getElementById('whoami').textContent === 'vera (viewer)' && \
         document.getElementById('centre-toml').value.includes('Fixture Homes');",
        "signed in as vera (viewer), the centre loaded",
        Duration::from_secs(30),
    );
    assert_eq!(
        browser.count("#centre option"),
        1,
        "only the viewer's centre"
    );
    let hidden = browser.run(
        "return ['run-forecast', 'run-schedule', 'upload-history', 'create-sample', 'form-save', \
         'dl-rota-xlsx'].map((id) => document.getElementById(id).hidden);",
    );
    assert_eq!(hidden, json!([true, true, true, true, true, false]));
    let href = browser.run("return location.href;");
    assert!(!href.as_str().unwrap_or("").contains(&key[5..]), "{href}");

    browser.press("#sign-out");
    let stored = browser.run("return sessionStorage.getItem('rota-token');");
    assert_eq!(stored, serde_json::Value::Null);
    assert_eq!(
        browser.run("return document.getElementById('sign-out').hidden;"),
        true
    );
}
