//! Browser test of the dashboard's Today page (issue #17): the real `rota serve` on a random port
//! with the sample centre's Monday forecast and roster made through the API, driven in headless
//! Chromium: the page shows the day at 10:15; actuals posted to the API (30% over forecast) show
//! after a refresh as a higher projection and an actual line; accepting the first action makes
//! a new roster, which the page then shows; an agent's late log-in posted as state events shows
//! in the adherence tables. Skips as `tests/dashboard.rs` does.

mod common;

use std::time::Duration;

use serde_json::json;

use common::browser::Chromium;
use common::today::{get_text, late_log_in, morning_rows, post, post_bytes, sample_day, WRITE};
use common::Server;

/// The voice row's "day now expected" figure in the levels table.
const VOICE_EXPECTED: &str = "const td = document.querySelector(\
    '#today-levels tr[data-channel=\"voice\"] td.expected'); return td ? Number(td.textContent) : null;";

#[test]
fn today_page_shows_the_projection_change_and_accepts_an_action() {
    let dir = tempfile::tempdir().expect("tempdir");
    let Some(browser) = Chromium::for_test("dashboard_today", &dir.path().join("profile")) else {
        return;
    };
    let server = Server::start(&dir.path().join("rota.db"), WRITE, None, &[]);
    let (centre, _, roster, forecast_csv) = sample_day(&server);
    let wait = Duration::from_secs(60);

    browser.open(&server.url("/"));
    browser.keys("#token", WRITE);
    browser.press("#token-save");
    browser.until(
        "return document.getElementById('status').textContent.includes('Ready');",
        "loaded the centre",
        Duration::from_secs(120),
    );
    browser.run(
        "const n = document.getElementById('today-now'); n.value = '2026-11-16T10:15'; \
         n.dispatchEvent(new Event('change'));",
    );
    let expected = || browser.run(VOICE_EXPECTED).as_f64();
    browser.until(
        "return document.querySelectorAll('#today-actions button.accept').length > 0 \
         && document.querySelector('#today-levels tr[data-channel=\"voice\"]') !== null;",
        "showed the day with actions",
        wait,
    );
    let before = expected().expect("voice expected before actuals");
    assert!(
        browser
            .run("return document.querySelectorAll('#chart-today path.series-forecast').length;")
            .as_u64()
            > Some(0),
        "the pre-day forecast is drawn"
    );
    assert_eq!(
        browser
            .run("return document.querySelectorAll('#chart-today path.series-actual').length;")
            .as_u64(),
        Some(0),
        "no actuals yet"
    );

    // The ACD posts the morning, 30% over forecast; the page's refresh shows it.
    let (status, body) = post(
        &server,
        &format!("/v1/centres/{centre}/actuals"),
        WRITE,
        &json!({ "rows": morning_rows(&forecast_csv, 1.3) }),
    );
    assert_eq!(status, 200, "{body}");
    // And the phone system posts an agent's log-in, ten minutes late.
    let shifts = get_text(&server, &format!("/v1/rosters/{roster}/shifts.csv"));
    let activities = get_text(&server, &format!("/v1/rosters/{roster}/activities.csv"));
    let (agent, events) = late_log_in(&shifts, &activities, 10);
    let (status, body) = post_bytes(
        &server,
        &format!("/v1/centres/{centre}/agent-states"),
        "text/csv",
        events.as_bytes(),
    );
    assert_eq!(status, 200, "{body}");
    browser.press("#today-refresh");
    browser.until(
        &format!(
            "const td = document.querySelector('#today-levels tr[data-channel=\"voice\"] \
             td.expected'); return td !== null && Number(td.textContent) > {before};"
        ),
        "showed a higher projection for voice",
        wait,
    );
    let after = expected().expect("voice expected after actuals");
    assert!(after > before * 1.05, "projection {before} -> {after}");
    assert!(
        browser
            .run("return document.querySelectorAll('#chart-today path.series-actual').length;")
            .as_u64()
            > Some(0),
        "the actuals are drawn"
    );
    assert!(
        browser
            .run("return document.querySelectorAll('#chart-today polygon.band-reforecast').length;")
            .as_u64()
            > Some(0),
        "the re-forecast band is drawn"
    );
    let kpi = browser.run(
        "const r = document.querySelector('#today-kpis tr[data-kpi=\"voice/abandon_rate\"]'); \
         return r ? r.textContent : null;",
    );
    assert!(
        kpi.as_str().is_some_and(|t| t.contains('%')),
        "voice abandon rate shown: {kpi}"
    );
    // At 10:15 everyone rostered earlier without an event is late too; this agent logged in.
    let late = browser.run(&format!(
        "return Array.from(document.querySelectorAll(\
         '#today-exceptions tr[data-kind=\"late_log_in\"]')) \
         .map((r) => r.textContent).find((t) => t.startsWith('{agent}')) || null;"
    ));
    assert!(
        late.as_str()
            .is_some_and(|t| t.contains("logged in") && !t.contains("not logged in")),
        "{agent}'s late log-in is listed: {late}"
    );
    let centre_rows = browser.run(
        "return document.querySelectorAll('#today-adherence tr[data-scope=\"centre\"]').length;",
    );
    assert_eq!(centre_rows.as_u64(), Some(1), "the centre's adherence row");

    // Accept the first action: the page now shows the edited roster.
    let description = browser.run(
        "return document.querySelector('#today-actions tr[data-action] td.text').textContent;",
    );
    browser.press("#today-actions button.accept");
    browser.until(
        "return document.getElementById('status').textContent.startsWith('Accepted');",
        "accepted the action",
        wait,
    );
    let shown = browser.run("return document.getElementById('roster').value;");
    let new_roster: i64 = shown
        .as_str()
        .and_then(|v| v.parse().ok())
        .expect("roster id");
    assert_ne!(new_roster, roster, "a new roster is selected");
    let label = browser.run(
        "const s = document.getElementById('roster'); return s.options[s.selectedIndex].textContent;",
    );
    assert!(
        label
            .as_str()
            .is_some_and(|l| l.contains(&format!("edited from #{roster}"))),
        "{label}"
    );
    browser.until(
        &format!(
            "return document.getElementById('today-roster').textContent.includes('roster #{new_roster},');"
        ),
        "viewed the day with the edited roster",
        wait,
    );
    let status = browser.run("return document.getElementById('status').textContent;");
    assert!(
        status
            .as_str()
            .zip(description.as_str())
            .is_some_and(|(s, d)| s.contains(d)),
        "{status} names {description}"
    );
}
