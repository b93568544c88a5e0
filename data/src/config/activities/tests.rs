//! `[[activities]]`: the sample's three, shrinkage taken out once, round trip, and errors by key.

use super::super::{CentreConfig, ConfigError, ConfigProblem};
use super::ActivityStyle;

const BASE: &str = r#"
[centre]
name = "Test Centre"

[shrinkage.activities]
sickness = 0.06
training = 0.04
team_meetings = 0.02

[channels.voice]
kind = "inbound"
aht_seconds = 600
hours = { weekdays = ["08:00-18:00"] }

[shift_templates.day]
earliest_start = "08:00"
latest_start = "10:00"
paid_hours = 7.5
lunch = { minutes = 30, start_window_minutes = [180, 300] }

[contracts.ft]
min_weekly_paid_hours = 37.5
max_weekly_paid_hours = 37.5

[[agents]]
id = "A1"
name = "Ann"
skills = ["voice"]
contract = "ft"
hourly_rate = 13.0
team = "blue"
"#;

fn problems(extra: &str) -> Vec<ConfigProblem> {
    match CentreConfig::from_toml_str(&format!("{BASE}{extra}"), "test.toml") {
        Err(ConfigError::Invalid { problems, .. }) => problems,
        Ok(_) => panic!("expected problems for {extra}"),
        Err(e) => panic!("expected validation problems, got {e}"),
    }
}

fn has(problems: &[ConfigProblem], key: &str, fragment: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.key == key && p.message.contains(fragment)),
        "no problem at {key:?} with {fragment:?} in {problems:#?}"
    );
}

#[test]
fn the_sample_plans_a_meeting_training_and_facilities_duty() {
    let c = CentreConfig::sample().unwrap();
    let names: Vec<&str> = c.activities().iter().map(|a| a.name()).collect();
    assert_eq!(names, ["team_meeting", "training", "facilities"]);
    let duty = &c.activities()[2];
    assert_eq!(duty.kind(), ActivityStyle::FillQuietTime);
    assert_eq!((duty.min_hours(), duty.max_hours()), (4.0, 8.0));
    let reception = c
        .agents()
        .iter()
        .find(|a| a.team() == Some("reception"))
        .unwrap();
    let voice_only = c
        .agents()
        .iter()
        .find(|a| a.team() == Some("back_office"))
        .unwrap();
    assert!(duty.applies_to(reception));
    assert!(!duty.applies_to(voice_only));
    assert!(
        c.activities()[1].applies_to(voice_only),
        "training is for everyone"
    );
}

/// The components the activities plan (training 4%, team meetings 2%) leave the voice shrinkage;
/// the configured figures are kept and written back, so reading the file again gives the same.
#[test]
fn planned_components_leave_the_shrinkage_once_and_the_file_keeps_them() {
    let extra = r#"
[[activities]]
name = "training"
kind = "individual"
minutes = 60
shrinkage = "training"

[[activities]]
name = "huddle"
kind = "together"
minutes = 15
shrinkage = "team_meetings"
"#;
    let c = CentreConfig::from_toml_str(&format!("{BASE}{extra}"), "t.toml").unwrap();
    let voice = c.channel("voice").unwrap();
    assert!((voice.configured_shrinkage().total() - 0.12).abs() < 1e-12);
    assert!((voice.shrinkage().total() - 0.06).abs() < 1e-12);
    assert!(!voice.shrinkage().activities().contains_key("training"));
    let text = c.to_toml_string().unwrap();
    let again = CentreConfig::from_toml_str(&text, "written.toml").unwrap();
    assert_eq!(again, c);
    assert!((again.channel("voice").unwrap().shrinkage().total() - 0.06).abs() < 1e-12);
}

#[test]
fn the_sample_round_trips_with_its_activities() {
    let c = CentreConfig::sample().unwrap();
    let again = CentreConfig::from_toml_str(&c.to_toml_string().unwrap(), "w.toml").unwrap();
    assert_eq!(again.activities(), c.activities());
}

#[test]
fn bad_activities_are_named_by_key() {
    let p = problems(
        r#"
[[activities]]
name = "Team Meeting"
kind = "huddle"
minutes = 20
teams = ["red"]
agents = ["Z9"]
skills = ["fax"]
shrinkage = "coffee"

[[activities]]
name = "work"
kind = "fill_quiet_time"
per_week = 2
max_hours = 100

[[activities]]
name = "early"
kind = "individual"
minutes = 60
window = { mon = ["08:00-08:30"] }
split = false

[[activities]]
name = "early"
kind = "together"
minutes = 30
split = true
"#,
    );
    has(&p, "activities[0].name", "not a valid activity name");
    has(&p, "activities[0].kind", "\"individual\", \"together\" or");
    has(
        &p,
        "activities[0].minutes",
        "whole number of 15-minute intervals",
    );
    has(&p, "activities[0].teams[0]", "no agent is in team \"red\"");
    has(&p, "activities[0].agents[0]", "unknown agent \"Z9\"");
    has(&p, "activities[0].skills[0]", "unknown channel");
    has(
        &p,
        "activities[0].shrinkage",
        "no shrinkage component is called \"coffee\"",
    );
    has(&p, "activities[1].name", "reserved");
    has(&p, "activities[1].per_week", "min_hours and max_hours");
    has(&p, "activities[1].max_hours", "max_hours <= 60");
    has(
        &p,
        "activities[2].window",
        "no part of the window is 60 minutes long",
    );
    has(&p, "activities[3].name", "already defined by activities[2]");
    has(
        &p,
        "activities[3].split",
        "only an individual activity may be split",
    );
}
