//! What the time-off and hand-edit tests share (`tests/api_requests.rs`,
//! `tests/dashboard_requests.rs`): the sample week scheduled through the API, and the users of a
//! role made with `POST /v1/users`.

use serde_json::{json, Value};

use crate::common::http::Client;

/// The sample centre with its history, the forecast of the week from Monday 2026-11-16 and a
/// 25-second roster of it: (centre, roster id, the roster's `roster.json`).
pub fn scheduled_week(admin: &Client) -> (i64, i64, Value) {
    let centre = admin.sample_centre();
    let history = admin.sample_history(centre);
    let forecast = admin.run_job(
        &format!("/v1/centres/{centre}/forecasts"),
        &json!({"history_id": history, "first_day": "2026-11-16", "days": 7}),
    );
    let (status, set) = admin.post(
        &format!("/v1/forecasts/{forecast}/requirements"),
        &json!({}),
    );
    assert!(status == 201 || status == 200, "{set}");
    let roster = admin.run_job(
        &format!("/v1/centres/{centre}/schedules"),
        &json!({"requirement_set_id": set["id"], "time_limit_s": 25}),
    );
    let doc = admin.get(&format!("/v1/rosters/{roster}/roster.json"));
    (centre, roster, doc)
}

/// A user of `role` in `centre` (bound to `agent` for an agent); their key.
pub fn user(admin: &Client, name: &str, role: &str, centre: i64, agent: Option<&str>) -> String {
    let mut body = json!({"name": name, "role": role, "centres": [centre]});
    if let Some(a) = agent {
        body["agent_id"] = json!(a);
    }
    let (status, made) = admin.post("/v1/users", &body);
    assert_eq!(status, 201, "{made}");
    made["key"].as_str().expect("key").to_string()
}

/// The agents with a shift on `date` (`YYYY-MM-DD`), by the roster's order.
pub fn rostered_on(roster_json: &Value, date: &str) -> Vec<String> {
    roster_json["shifts"]
        .as_array()
        .expect("shifts")
        .iter()
        .filter(|s| s["date"] == date)
        .map(|s| s["agent_id"].as_str().expect("agent").to_string())
        .collect()
}
