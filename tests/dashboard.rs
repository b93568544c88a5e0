//! Browser test of the dashboard: the real `rota serve` on a random port, Debian's headless
//! Chromium driven over the W3C WebDriver protocol (chromedriver), the whole flow through the page:
//! token -> sample centre -> upload the sample history -> forecast -> schedule -> simulation. Checks
//! that the charts, the roster timeline and the KPI table render, and saves a screenshot to
//! `target/dashboard.png`. A second test sets up a centre through the form (its errors shown beside
//! the fields), maps an unknown queue of an export to a channel, runs the flow, reloads and finds
//! the stored simulation; it saves `target/dashboard-onboarding.png`.
//!
//! Needs `chromium` and `chromium-driver` (Debian packages; `ROTA_CHROMIUM` / `ROTA_CHROMEDRIVER`
//! override the paths). Without them the test FAILS. `ROTA_SKIP_BROWSER_TESTS=1` skips it (and
//! `make test` lists the skip), except under CI, where a skip fails.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use common::Server;

const WRITE: &str = "write-token-for-browser-0123456789";

struct Proc(Child);

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn http() -> ureq::Agent {
    common::agent(Duration::from_secs(60))
}

fn find_tool(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(p) = std::env::var(env) {
        return Some(PathBuf::from(p));
    }
    candidates.iter().map(PathBuf::from).find(|p| p.exists())
}

/// A minimal W3C WebDriver client (the handful of commands this test needs).
struct Browser {
    base: String,
    session: String,
    _driver: Proc,
}

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

impl Browser {
    fn start(chromium: &Path, chromedriver: &Path, profile: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let driver = Proc(
            Command::new(chromedriver)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn chromedriver"),
        );
        let base = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        loop {
            if let Ok(mut r) = http().get(&format!("{base}/status")).call() {
                let v: Value = r.body_mut().read_json().unwrap_or(Value::Null);
                if v["value"]["ready"] == true {
                    break;
                }
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver not ready"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium.display().to_string(),
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                    "--window-size=1400,3400",
                    format!("--user-data-dir={}", profile.display())],
            }
        }}});
        let mut r = http()
            .post(&format!("{base}/session"))
            .send_json(&caps)
            .expect("new session");
        let v: Value = r.body_mut().read_json().expect("session json");
        let session = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Browser {
            base,
            session,
            _driver: driver,
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}/session/{}{}", self.base, self.session, path);
        let mut resp = match (method, body) {
            ("GET", _) => http().get(&url).call(),
            ("DELETE", _) => http().delete(&url).call(),
            (_, b) => http().post(&url).send_json(b.unwrap_or(json!({}))),
        }
        .expect("webdriver request");
        let status = resp.status().as_u16();
        let v: Value = resp.body_mut().read_json().expect("webdriver json");
        assert_eq!(status, 200, "{method} {path}: {v}");
        v["value"].clone()
    }

    fn goto(&self, url: &str) {
        self.cmd("POST", "/url", Some(json!({ "url": url })));
    }

    fn element(&self, css: &str) -> String {
        let v = self.cmd(
            "POST",
            "/element",
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT_KEY]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_string()
    }

    fn click(&self, css: &str) {
        let e = self.element(css);
        self.cmd("POST", &format!("/element/{e}/click"), Some(json!({})));
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.element(css);
        self.cmd(
            "POST",
            &format!("/element/{e}/value"),
            Some(json!({ "text": text })),
        );
    }

    fn js(&self, script: &str) -> Value {
        self.cmd(
            "POST",
            "/execute/sync",
            Some(json!({"script": script, "args": []})),
        )
    }

    fn count(&self, css: &str) -> u64 {
        self.js(&format!(
            "return document.querySelectorAll({}).length;",
            serde_json::to_string(css).expect("css")
        ))
        .as_u64()
        .unwrap_or(0)
    }

    /// Waits until the status line contains `want`; fails at once if it shows an error.
    fn wait_status(&self, want: &str, limit: Duration) -> String {
        let start = Instant::now();
        loop {
            let v = self.js("const s = document.getElementById('status'); \
                 return [s.textContent, s.classList.contains('error')];");
            let text = v[0].as_str().unwrap_or("").to_string();
            assert!(v[1] != true, "the dashboard reports an error: {text}");
            if text.contains(want) {
                return text;
            }
            assert!(
                start.elapsed() < limit,
                "status never said {want:?}; last: {text:?}"
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }

    fn screenshot(&self, path: &Path) {
        let b64 = self.cmd("GET", "/screenshot", None);
        let png = decode_base64(b64.as_str().expect("base64 screenshot"));
        assert!(png.starts_with(b"\x89PNG"), "not a PNG");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create target dir");
        }
        std::fs::write(path, png).expect("write screenshot");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = http()
            .delete(&format!("{}/session/{}", self.base, self.session))
            .call();
    }
}

fn decode_base64(s: &str) -> Vec<u8> {
    let val = |c: u8| -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for v in s.bytes().filter_map(val) {
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    out
}

/// A temporary directory, the real server on a random port and a headless browser; `None` when
/// asked to skip (`ROTA_SKIP_BROWSER_TESTS=1`: listed by `make test`, or a failure under CI,
/// browser or not). Without a browser the test fails.
fn session(test: &str) -> Option<(tempfile::TempDir, Server, Browser)> {
    if std::env::var("ROTA_SKIP_BROWSER_TESTS").as_deref() == Ok("1") {
        common::skip::skip(test, "ROTA_SKIP_BROWSER_TESTS=1");
        return None;
    }
    let chromium = find_tool(
        "ROTA_CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    );
    let driver = find_tool("ROTA_CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        panic!(
            "the dashboard test needs chromium and chromedriver (apt-get install chromium \
             chromium-driver), or ROTA_SKIP_BROWSER_TESTS=1 to skip it explicitly"
        );
    };
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("rota.db"), WRITE, None, &[]);
    let browser = Browser::start(&chromium, &driver, &dir.path().join("profile"));
    Some((dir, server, browser))
}

#[test]
fn dashboard_runs_the_flow_and_renders_charts_and_roster() {
    let Some((_dir, server, browser)) = session("dashboard") else {
        return;
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));

    browser.goto(&server.url("/"));
    assert_eq!(browser.js("return document.title;"), "Rota dashboard");
    browser.type_into("#token", WRITE);
    browser.click("#token-save");
    browser.wait_status("No centre yet", Duration::from_secs(30));

    browser.click("#create-sample");
    browser.wait_status("Created centre Northmoor Homes", Duration::from_secs(30));

    let history = root.join("data/samples/history.csv.gz");
    browser.type_into("#history-file", &history.display().to_string());
    browser.click("#upload-history");
    browser.wait_status("Uploaded", Duration::from_secs(120));
    assert!(
        browser
            .js("return document.getElementById('history-summary').textContent;")
            .as_str()
            .unwrap_or("")
            .contains("voice"),
        "history summary not shown"
    );
    // History already charted before any forecast.
    assert!(browser.count("#chart-forecast path.series-history") >= 1);

    // A short horizon keeps the solver quick in a debug build.
    browser.js("document.getElementById('days').value = '3'; \
                document.getElementById('time-limit').value = '10';");
    assert_eq!(
        browser.js("return document.getElementById('first-day').value;"),
        "2026-11-16",
        "first forecast day defaults to the day after the history"
    );
    browser.click("#run-forecast");
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

    browser.click("#run-schedule");
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
    let grid = browser.js("return document.getElementById('team-grid').srcdoc;");
    let grid = grid.as_str().unwrap_or("");
    assert!(
        grid.contains("<table class=\"rota\">") && grid.contains("@media print"),
        "team grid"
    );

    browser.js("document.getElementById('replications').value = '3';");
    browser.click("#run-simulation");
    browser.wait_status("done", Duration::from_secs(300));
    let rows = browser.count("#kpi-table tbody tr");
    assert!(rows >= 5, "KPI table has {rows} rows");
    assert!(
        browser.count("#kpi-table td.ok, #kpi-table td.miss") >= 5,
        "targets judged"
    );

    // The download path the buttons use (fetch with the token) serves the planner's file.
    let first_line = browser.cmd(
        "POST",
        "/execute/async",
        Some(
            json!({"script": "const done = arguments[arguments.length - 1]; \
            api(`/v1/rosters/${state.roster}/shifts.csv`).then((r) => r.text()) \
            .then((t) => done(t.split('\\n')[0])).catch((e) => done('ERROR ' + e));",
            "args": []}),
        ),
    );
    assert_eq!(
        first_line,
        "agent_id,agent_name,date,start,end,paid_hours,breaks,start_time,end_time"
    );

    browser.js("window.scrollTo(0, 0);");
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
    assert_eq!(browser.js(&script), true, "no input {css}");
}

/// Waits until `script` (a JS expression) is true; fails with the status line otherwise.
fn wait_for(browser: &Browser, script: &str, what: &str, limit: Duration) {
    let start = Instant::now();
    while browser.js(&format!("return Boolean({script});")) != true {
        let status = browser.js("return document.getElementById('status').textContent;");
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

    browser.goto(&server.url("/"));
    browser.type_into("#token", WRITE);
    browser.click("#token-save");
    browser.wait_status("No centre yet", Duration::from_secs(30));

    // The form starts from a one-queue centre. Left without a name and with a 150% abandon
    // target, it is refused and each problem is shown beside its field.
    browser.js("document.getElementById('centre-form-box').open = true;");
    set_value(
        &browser,
        "#form-channels tbody tr input[name=abandon_pct]",
        "150",
    );
    browser.click("#form-create");
    wait_for(
        &browser,
        "document.querySelectorAll('#centre-form .field-error').length >= 2",
        "field errors",
        Duration::from_secs(30),
    );
    let beside = browser.js(
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
    let name_error = browser.js(
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
    browser.click("#form-agents + button.add-row");
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
    browser.click("#form-create");
    browser.wait_status("Created centre Harbour Lettings", Duration::from_secs(30));
    assert!(
        browser
            .js("return document.getElementById('centre-toml').value;")
            .as_str()
            .unwrap_or("")
            .contains("[channels.voice]"),
        "the stored TOML is shown for editing"
    );

    // The export names its queue "General Enquiries": the page asks which channel it is.
    let history = root.join("tests/fixtures/exports/general_enquiries_queue.csv");
    browser.type_into("#history-file", &history.display().to_string());
    browser.click("#upload-history");
    browser.wait_status("not channels of this centre", Duration::from_secs(60));
    assert_eq!(
        browser.js("return document.getElementById('alias-box').hidden;"),
        false
    );
    assert_eq!(
        browser.js("return Array.from(document.querySelectorAll('#alias-table select')).map((s) => s.dataset.label);"),
        json!(["General Enquiries"])
    );
    browser.js("document.querySelector('#alias-table select').value = 'voice';");
    browser.click("#save-aliases");
    browser.wait_status("Uploaded", Duration::from_secs(60));
    assert!(
        browser
            .js("return document.getElementById('centre-toml').value;")
            .as_str()
            .unwrap_or("")
            .contains("\"General Enquiries\" = \"voice\""),
        "the mapping is stored with the centre"
    );

    // Forecast three weekdays, roster them quickly, simulate.
    browser.js(
        "document.getElementById('first-day').value = '2026-11-09'; \
         document.getElementById('days').value = '3'; \
         document.getElementById('time-limit').value = '5'; \
         document.getElementById('replications').value = '3';",
    );
    browser.click("#run-forecast");
    browser.wait_status("ready", Duration::from_secs(120));
    browser.click("#run-schedule");
    browser.wait_status("Roster", Duration::from_secs(120));
    browser.wait_status("ready", Duration::from_secs(120));
    browser.click("#run-simulation");
    browser.wait_status("done", Duration::from_secs(120));
    assert!(browser.count("#simulation option") >= 1);

    // After a reload the roster's stored simulation is listed with its KPIs.
    browser.goto(&server.url("/"));
    wait_for(
        &browser,
        "document.querySelectorAll('#simulation option').length >= 1 && \
         document.querySelectorAll('#kpi-table tbody tr').length >= 1",
        "the stored simulation after a reload",
        Duration::from_secs(60),
    );
    let listed = browser.js("return document.querySelector('#simulation option').textContent;");
    assert!(
        listed.as_str().unwrap_or("").contains("targets"),
        "{listed}"
    );
    // Solver figures stay folded away.
    assert!(browser.count("#roster-summary details") >= 1);

    browser.js("window.scrollTo(0, 0);");
    browser.screenshot(&root.join("target/dashboard-onboarding.png"));
}
