//! Publishing, time-off requests and hand edits over HTTP (issue #15, builds 3 and 5): the real
//! `rota serve` on a random port, the sample centre with the sample week's forecast and a quick
//! roster (25 s) of it made through the API, users of each role made with
//! `POST /v1/users`.

mod common;
mod week;

use std::time::Instant;

use serde_json::{json, Value};

use common::http::Client;
use common::Server;

const WRITE: &str = "write-token-for-requests-0123456789";

/// The roster's shifts on `date` as (agent, start, end) from its `roster.json`.
fn shifts_on(roster: &Value, date: &str) -> Vec<(String, String, String)> {
    roster["shifts"]
        .as_array()
        .expect("shifts")
        .iter()
        .filter(|s| s["date"] == date)
        .map(|s| {
            let text = |k: &str| s[k].as_str().expect(k).to_string();
            (text("agent_id"), text("start"), text("end"))
        })
        .collect()
}

#[test]
fn publish_request_effect_approve_and_hand_edits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start(&dir.path().join("rota.db"), WRITE, None, &[]);
    let admin = Client {
        server: &server,
        token: WRITE,
    };
    let (centre, roster, doc) = week::scheduled_week(&admin);
    let tuesday = week::rostered_on(&doc, "2026-11-17");
    assert!(tuesday.len() >= 2, "shifts on Tuesday: {tuesday:?}");
    let (away, colleague) = (tuesday[0].clone(), tuesday[1].clone());

    let manager_key = week::user(&admin, "mo", "manager", centre, None);
    let planner_key = week::user(&admin, "pat", "planner", centre, None);
    let agent_key = week::user(&admin, "away", "agent", centre, Some(&away));
    let colleague_key = week::user(&admin, "colleague", "agent", centre, Some(&colleague));
    let as_ = |key| Client {
        server: &server,
        token: key,
    };
    let (manager, planner, agent, other_agent) = (
        as_(&manager_key),
        as_(&planner_key),
        as_(&agent_key),
        as_(&colleague_key),
    );
    let ask = |who: &Client, agent_id: &str, from: &str, to: &str| {
        who.post(
            &format!("/v1/centres/{centre}/requests"),
            &json!({"agent_id": agent_id, "from": from, "to": to, "type": "annual_leave",
                    "note": "family wedding"}),
        )
    };

    // Nothing is published yet: a request cannot be judged.
    let (status, body) = ask(&agent, &away, "2026-11-17", "2026-11-17");
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "from", "{body}");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("no roster is published"),
        "{body}"
    );

    // Publish: managers only; the listing says which version is published.
    let (status, body) = planner.post(&format!("/v1/rosters/{roster}/publish"), &json!({}));
    assert_eq!(status, 403, "{body}");
    let (status, published) = manager.post(&format!("/v1/rosters/{roster}/publish"), &json!({}));
    assert_eq!(status, 200, "{published}");
    assert_eq!(published["roster_id"], roster);
    assert_eq!(published["current"], true);
    let (status, again) = manager.post(&format!("/v1/rosters/{roster}/publish"), &json!({}));
    assert_eq!(status, 200);
    assert_eq!(
        again["id"], published["id"],
        "publishing again adds nothing"
    );
    let list = admin.get(&format!("/v1/centres/{centre}/publications"));
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(list[0]["first_day"], "2026-11-16");

    // An agent asks for their own time off, not a colleague's.
    let (status, body) = ask(&agent, &colleague, "2026-11-17", "2026-11-17");
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["field"], "agent_id");
    let (status, request) = ask(&agent, &away, "2026-11-17", "2026-11-17");
    assert_eq!(status, 201, "{request}");
    assert_eq!(request["status"], "pending");
    assert_eq!(request["type"], "annual_leave");
    let id = request["id"].as_i64().expect("request id");
    // Out of the published horizon, an unknown agent, an unknown type: 422 naming the field.
    let (status, body) = ask(&agent, &away, "2026-11-30", "2026-11-30");
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["field"], "from");
    assert!(
        body["detail"]
            .as_str()
            .unwrap_or("")
            .contains("Mon 16 Nov 2026 to Sun 22 Nov 2026"),
        "the published days are named: {body}"
    );
    let (status, body) = ask(&manager, &away, "2026-11-21", "2026-11-24");
    assert_eq!(
        (status, body["field"].clone()),
        (422, json!("to")),
        "{body}"
    );
    let (status, body) = ask(&manager, "NH999", "2026-11-17", "2026-11-17");
    assert_eq!(
        (status, body["field"].clone()),
        (422, json!("agent_id")),
        "{body}"
    );
    let (status, body) = manager.post(
        &format!("/v1/centres/{centre}/requests"),
        &json!({"agent_id": away, "from": "2026-11-17", "to": "2026-11-17", "type": "holiday"}),
    );
    assert_eq!(
        (status, body["field"].clone()),
        (422, json!("type")),
        "{body}"
    );

    // An agent sees only their own requests; another agent's is not there for them.
    let (status, mine) = agent.try_get(&format!("/v1/centres/{centre}/requests"));
    assert_eq!(status, 200, "{mine}");
    assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
    let (status, theirs) = other_agent.try_get(&format!("/v1/centres/{centre}/requests"));
    assert_eq!((status, theirs), (200, json!([])));
    let (status, _) = other_agent.try_get(&format!("/v1/requests/{id}"));
    assert_eq!(status, 404, "another agent's request");
    assert_eq!(agent.get(&format!("/v1/requests/{id}"))["id"], id);
    let (status, _) = agent.try_get(&format!("/v1/requests/{id}/effect"));
    assert_eq!(status, 403, "the effect is for planners");
    let (status, _) = agent.post(&format!("/v1/requests/{id}/approve"), &json!({}));
    assert_eq!(status, 403, "an agent does not approve");

    // The effect takes seconds: the hand edits are tried while it is worked out.
    let effect_path = format!("/v1/requests/{id}/effect");
    let ((took, (status, effect)), new_id) = std::thread::scope(|s| {
        let running = s.spawn(|| {
            let started = Instant::now();
            let answer = planner.try_get(&effect_path);
            (started.elapsed(), answer)
        });
        // Hand edits: an unknown agent is named.
        let edits = format!("/v1/rosters/{roster}/edits");
        let (status, body) = planner.post(
            &edits,
            &json!({"kind": "delete", "agent_id": "NH999", "date": "2026-11-17"}),
        );
        assert_eq!(
            (status, body["field"].clone()),
            (422, json!("agent_id")),
            "{body}"
        );
        let (status, body) = planner.post(
            &edits,
            &json!({"kind": "move", "agent_id": colleague, "date": "2026-11-23",
                    "start": "09:00", "end": "17:00"}),
        );
        assert_eq!(
            (status, body["field"].clone()),
            (422, json!("date")),
            "{body}"
        );
        // A shift moved to 04:00-12:00 starts outside every template: refused, the rule named.
        let moved = json!({"kind": "move", "agent_id": colleague, "date": "2026-11-17",
                           "start": "04:00", "end": "12:00", "note": "early cover"});
        let (status, refused) = planner.post(&edits, &moved);
        assert_eq!(status, 422, "{refused}");
        assert_eq!(refused["field"], "force");
        let detail = refused["detail"].as_str().unwrap_or("");
        assert!(detail.contains("breaks the rule"), "{refused}");
        let lines = refused["errors"].as_array().expect("the rules broken");
        assert!(!lines.is_empty());
        let first_rule = lines[0]
            .as_str()
            .unwrap_or("")
            .split([' ', ':'])
            .next()
            .unwrap_or("")
            .to_string();
        assert!(detail.contains(&first_rule), "{refused}");
        let rosters_before = admin.get(&format!("/v1/centres/{centre}/rosters"));
        // Forced: made, recorded as a warning in the new version and in the audit log.
        let mut forced = moved.clone();
        forced["force"] = json!(true);
        let (status, made) = planner.post(&edits, &forced);
        assert_eq!(status, 201, "{made}");
        assert_eq!(made["forced"], true);
        assert_eq!(made["edited_published"], true, "{made}");
        let warnings = made["warnings"].as_array().expect("warnings");
        assert_eq!(warnings.len(), lines.len(), "{made}");
        assert_eq!(warnings[0]["rule"], first_rule.as_str());
        let kpis = made["kpis"].as_array().expect("kpis");
        assert!(
            kpis.iter()
                .any(|k| k["channel"] == "voice" && k["abandon_before"].is_number()),
            "{made}"
        );
        let new_id = made["roster"]["id"].as_i64().expect("new roster");
        let stored = admin.get(&format!("/v1/rosters/{new_id}"));
        assert_eq!(stored["edited_from"], roster);
        assert_eq!(stored["edit"]["forced"], true, "{stored}");
        assert_eq!(stored["edit"]["warnings"][0]["rule"], first_rule.as_str());
        let moved_doc = admin.get(&format!("/v1/rosters/{new_id}/roster.json"));
        let shift = shifts_on(&moved_doc, "2026-11-17")
            .into_iter()
            .find(|s| s.0 == colleague)
            .expect("the moved shift");
        assert!(shift.1.contains("T04:00:00"), "{shift:?}");
        let audit = manager.get(&format!("/v1/audit?centre_id={centre}"));
        assert!(
            audit.as_array().expect("audit").iter().any(|e| e["target"]
                .as_str()
                .is_some_and(|t| t.starts_with("warning: forced edit") && t.contains(&first_rule))),
            "{audit}"
        );
        // The published version is untouched; the edit is a draft until published.
        assert_eq!(
            admin
                .get(&format!("/v1/centres/{centre}/rosters"))
                .as_array()
                .map(Vec::len),
            rosters_before.as_array().map(|r| r.len() + 1)
        );
        let list = admin.get(&format!("/v1/centres/{centre}/publications"));
        assert_eq!(list[0]["roster_id"], roster, "{list}");
        // An edit that keeps every rule is made without force: a shift a quarter of an hour later
        // (the first Tuesday shift whose template allows it), its figures before and after.
        let later = |t: &str| {
            let t = chrono::DateTime::parse_from_rfc3339(t).expect("time")
                + chrono::Duration::minutes(15);
            t.format("%H:%M").to_string()
        };
        let mut refusals = Vec::new();
        let made = shifts_on(&doc, "2026-11-17")
            .into_iter()
            .take(15)
            .find_map(|(agent, start, end)| {
                let (status, body) = planner.post(
                    &edits,
                    &json!({"kind": "move", "agent_id": agent, "date": "2026-11-17",
                            "start": later(&start), "end": later(&end)}),
                );
                if status == 201 {
                    Some(body)
                } else {
                    refusals.push(body["errors"].clone());
                    None
                }
            })
            .unwrap_or_else(|| panic!("every quarter-hour move refused: {refusals:?}"));
        assert_eq!(
            (made["forced"].clone(), made["warnings"].clone()),
            (json!(false), json!([]))
        );
        assert!(made["said"][0].is_string(), "{made}");
        eprintln!(
            "a quarter-hour later: {} ({} refused first)",
            made["said"],
            refusals.len()
        );
        (running.join().expect("the effect's request"), new_id)
    });
    // The effect on the published week: Tuesday's figures without the agent.
    assert_eq!(status, 200, "{effect}");
    eprintln!(
        "effect of a one-day request on the sample week: {took:?}: {}",
        effect["said"]
    );
    assert_eq!(effect["shifts_lost"], 1, "{effect}");
    let rows = effect["rows"].as_array().expect("rows");
    assert!(
        !rows.is_empty() && rows.iter().all(|r| r["date"] == "2026-11-17"),
        "{effect}"
    );
    let total = |k: &str| {
        rows.iter()
            .map(|r| r[k].as_f64().unwrap_or(0.0))
            .sum::<f64>()
    };
    assert!(
        total("short_hours_if_approved") > total("short_hours_now"),
        "an agent fewer leaves more hours short: {effect}"
    );
    let voice = rows
        .iter()
        .find(|r| r["channel"] == "voice")
        .expect("voice row");
    assert!(
        voice["abandon_if_approved"].as_f64() >= voice["abandon_now"].as_f64(),
        "{voice}"
    );
    let said = effect["said"][0].as_str().expect("said");
    assert!(said.starts_with("approving "), "{said}");

    // A manager approves; the absence is recorded; a decision stands.
    let (status, body) = planner.post(&format!("/v1/requests/{id}/approve"), &json!({}));
    assert_eq!(status, 403, "{body}");
    let (status, decided) = manager.post(&format!("/v1/requests/{id}/approve"), &json!({}));
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["request"]["status"], "approved");
    assert_eq!(decided["request"]["decided_by"], "user mo");
    let absences = admin.get(&format!("/v1/centres/{centre}/absences"));
    assert!(
        absences
            .as_array()
            .expect("absences")
            .iter()
            .any(|a| a["agent_id"] == away.as_str()
                && a["reason"].as_str().unwrap_or("").contains("annual leave")),
        "{absences}"
    );
    let (status, again) = manager.post(&format!("/v1/requests/{id}/approve"), &json!({}));
    assert_eq!(
        (status, again["request"]["status"].clone()),
        (200, json!("approved"))
    );
    let (status, body) = manager.post(&format!("/v1/requests/{id}/decline"), &json!({}));
    assert_eq!(status, 409, "{body}");

    let (status, republished) = manager.post(&format!("/v1/rosters/{new_id}/publish"), &json!({}));
    assert_eq!(status, 200);
    assert_eq!(republished["roster_id"], new_id);
    let list = admin.get(&format!("/v1/centres/{centre}/publications"));
    assert_eq!(
        (
            list[0]["roster_id"].clone(),
            list[0]["current"].clone(),
            list[1]["current"].clone()
        ),
        (json!(new_id), json!(true), json!(false)),
        "{list}"
    );
}
