//! Unit tests: one per validation rule, plus syntax errors, defaults and the sample.

use chrono::{NaiveDate, Weekday};

use super::raw::RawConfig;
use super::*;
use crate::channel::{ChannelKind, ChannelName};
use crate::grid::{IntervalGrid, IntervalLength};

const BASE: &str = r#"
[centre]
name = "Test Centre"

[channels.voice]
kind = "inbound"
aht_seconds = 600
hours = { weekdays = ["08:00-18:00"], sat = ["09:00-13:00"] }

[channels.chat]
kind = "chat"
aht_seconds = 600
concurrency = 2
handle_time_factors = [1.0, 1.25]
hours = { weekdays = ["08:00-20:00"] }

[channels.email]
kind = "deferred"
aht_seconds = 400

[shift_templates.day]
earliest_start = "08:00"
latest_start = "10:00"
paid_hours = 7.5
lunch = { minutes = 30, start_window_minutes = [180, 300] }
breaks = [{ minutes = 15, start_window_minutes = [90, 150] }]

[contracts.ft]
min_weekly_paid_hours = 37.5
max_weekly_paid_hours = 37.5

[grades.advisor]
hourly_rate = 13.0

[[agents]]
id = "A1"
name = "Ann"
skills = ["voice", "chat"]
contract = "ft"
grade = "advisor"
"#;

fn ok(text: &str) -> CentreConfig {
    match CentreConfig::from_toml_str(text, "test.toml") {
        Ok(c) => c,
        Err(e) => panic!("expected a valid config, got:\n{e}"),
    }
}

/// Applies `edit` (old, new) pairs to BASE and returns the validation problems.
fn problems_with(edits: &[(&str, &str)], extra: &str) -> Vec<ConfigProblem> {
    let mut text = BASE.to_string();
    for (old, new) in edits {
        assert!(text.contains(old), "test bug: {old:?} not in BASE");
        text = text.replacen(old, new, 1);
    }
    text.push_str(extra);
    match CentreConfig::from_toml_str(&text, "test.toml") {
        Ok(_) => panic!("expected problems for edit {edits:?} + {extra:?}"),
        Err(ConfigError::Invalid {
            source_name,
            problems,
            ..
        }) => {
            assert_eq!(source_name, "test.toml");
            problems
        }
        Err(other) => panic!("expected validation problems, got {other}"),
    }
}

fn assert_problem(problems: &[ConfigProblem], key: &str, fragment: &str) {
    assert!(
        problems
            .iter()
            .any(|p| p.key == key && p.message.contains(fragment)),
        "no problem at {key:?} containing {fragment:?} in {problems:#?}"
    );
}

#[test]
fn base_is_valid_and_defaults_apply() {
    let c = ok(BASE);
    assert_eq!(c.centre().name(), "Test Centre");
    assert_eq!(c.grid(), IntervalGrid::default());
    assert_eq!(c.centre().currency(), "GBP");
    assert!(c.centre().closed_on_bank_holidays());
    assert_eq!(c.centre().planning().horizon_days(), 7);
    assert_eq!(
        c.centre().planning().demand_quantile(),
        DemandQuantile::Mean
    );
    assert_eq!(c.shrinkage().total(), DEFAULT_SHRINKAGE);
    let voice = c.channel("voice").unwrap();
    assert_eq!(voice.priority(), DEFAULT_PRIORITY);
    assert_eq!(voice.patience_seconds(), Some(300.0));
    assert_eq!(voice.targets().max_abandon_rate(), Some(0.10));
    assert_eq!(voice.targets().max_asa_seconds(), Some(120.0));
    assert_eq!(voice.targets().max_occupancy(), 0.85);
    assert!(voice.is_worked_at(Weekday::Sat, 9 * 60));
    assert!(!voice.is_worked_at(Weekday::Sun, 9 * 60));
    let chat = c.channel("chat").unwrap();
    assert_eq!(chat.concurrency(), 2);
    assert_eq!(chat.aht_at_concurrency(2), 750.0);
    let email = c.channel("email").unwrap();
    // Deferred: items arrive at any time, worked in the centre's default hours (Mon-Fri 09-17).
    assert!(email.accepts_contacts_at(Weekday::Sun, 3 * 60));
    assert!(!email.is_worked_at(Weekday::Mon, 8 * 60));
    assert!(email.is_worked_at(Weekday::Mon, 9 * 60));
    assert_eq!(email.patience_seconds(), None);
    let r = email.targets().response().unwrap();
    assert_eq!(
        (r.share(), r.within_hours(), r.working_hours_only()),
        (0.95, 24.0, true)
    );
    let day = c.shift_template("day").unwrap();
    assert_eq!(day.days(), &WEEKDAYS[..5]);
    assert_eq!(day.length_minutes(), 480);
    assert_eq!(day.working_minutes(), 435);
    assert_eq!(day.start_times().len(), 9);
    let ft = c.contract("ft").unwrap();
    assert_eq!(
        (
            ft.days_off_per_week(),
            ft.max_consecutive_working_days(),
            ft.min_rest_hours()
        ),
        (2, 6, 11.0)
    );
    let a = c.agent("A1").unwrap();
    assert_eq!(a.hourly_rate(), 13.0);
    assert!(a.is_available(Weekday::Sun, 0, 1440));
    assert_eq!(c.templates_for(a).len(), 1);
    assert_eq!(c.history().columns(), &HistoryColumns::default());
    // Channels come sorted by priority then name.
    assert_eq!(
        c.channel_names()
            .iter()
            .map(|n| n.as_str())
            .collect::<Vec<_>>(),
        ["chat", "email", "voice"]
    );
}

#[test]
fn minimal_config_is_short() {
    let c = ok("[centre]\nname = \"X\"\n[channels.voice]\nkind = \"inbound\"\naht_seconds = 300\n");
    assert_eq!(c.channels().len(), 1);
    assert!(c.agents().is_empty());
}

#[test]
fn syntax_errors_keep_line_and_column() {
    let err = CentreConfig::from_toml_str(
        "[centre]\nname = \"X\"\n\n[channels.voice]\nkind = \"inbound\"\naht_seconds = \"slow\"\n",
        "c.toml",
    )
    .unwrap_err();
    match &err {
        ConfigError::Syntax {
            source_name,
            line,
            column,
            message,
        } => {
            assert_eq!(source_name, "c.toml");
            assert_eq!(*line, 6);
            assert_eq!(*column, 15);
            assert!(message.contains("invalid type"), "{message}");
        }
        other => panic!("{other}"),
    }
    assert!(err.to_string().starts_with("c.toml:6:15: "), "{err}");
    let err =
        CentreConfig::from_toml_str("[centre]\nname = \"X\"\nnmae = 1\n", "c.toml").unwrap_err();
    assert!(err.to_string().contains("unknown field `nmae`"), "{err}");
    assert!(err.to_string().starts_with("c.toml:3:"), "{err}");
    let err = CentreConfig::from_toml_str("[centre\n", "c.toml").unwrap_err();
    assert!(matches!(err, ConfigError::Syntax { line: 1, .. }), "{err}");
}

#[test]
fn io_error_names_the_file() {
    let err = CentreConfig::load("/nonexistent/centre.toml").unwrap_err();
    assert!(
        err.to_string().contains("/nonexistent/centre.toml"),
        "{err}"
    );
}

#[test]
fn several_problems_are_reported_at_once() {
    let p = problems_with(
        &[
            ("aht_seconds = 600\nhours", "aht_seconds = 0\nhours"),
            ("hourly_rate = 13.0", "hourly_rate = -1"),
        ],
        "",
    );
    assert_problem(&p, "channels.voice.aht_seconds", "positive");
    assert_problem(&p, "grades.advisor.hourly_rate", "positive");
    let err = CentreConfig::from_toml_str(
        &BASE.replace("hourly_rate = 13.0", "hourly_rate = -1"),
        "x.toml",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .contains("x.toml: grades.advisor.hourly_rate"),
        "{err}"
    );
}

#[test]
fn centre_errors() {
    let p = problems_with(
        &[(
            "name = \"Test Centre\"",
            "name = \"\"\ntime_zone = \"Europe/Londres\"\ncurrency = \"pounds\"",
        )],
        "",
    );
    assert_problem(&p, "centre.name", "empty");
    assert_problem(&p, "centre.time_zone", "IANA");
    assert_problem(&p, "centre.currency", "ISO 4217");
    let p = problems_with(
        &[("name = \"Test Centre\"", "name = \"T\"\nplanning = { horizon_days = 0, week_starts_on = \"someday\", demand_quantile = \"p95\" }")],
        "",
    );
    assert_problem(&p, "centre.planning.horizon_days", "1 to 366");
    assert_problem(&p, "centre.planning.week_starts_on", "weekday");
    assert_problem(&p, "centre.planning.demand_quantile", "p90");
}

#[test]
fn interval_must_be_15_30_or_60() {
    let err = CentreConfig::from_toml_str(
        &BASE.replace("name = \"Test Centre\"", "name = \"T\"\ninterval = 20"),
        "t.toml",
    )
    .unwrap_err();
    assert!(err.to_string().contains("15, 30 or 60"), "{err}");
}

#[test]
fn no_channels_is_an_error() {
    let err = CentreConfig::from_toml_str("[centre]\nname = \"X\"\n", "t.toml").unwrap_err();
    assert_problem(err.problems(), "channels", "at least one");
}

#[test]
fn channel_name_must_be_valid() {
    let p = problems_with(
        &[],
        "[channels.\"Main Queue\"]\nkind = \"inbound\"\naht_seconds = 60\n",
    );
    assert_problem(&p, "channels.Main Queue", "lowercase");
}

#[test]
fn hours_errors() {
    let p = problems_with(
        &[("sat = [\"09:00-13:00\"]", "sat = [\"13:00-09:00\"]")],
        "",
    );
    assert_problem(&p, "channels.voice.hours.sat", "reversed");
    let p = problems_with(
        &[("sat = [\"09:00-13:00\"]", "sat = [\"09:10-13:00\"]")],
        "",
    );
    assert_problem(&p, "channels.voice.hours.sat", "15-minute interval grid");
    let p = problems_with(
        &[(
            "sat = [\"09:00-13:00\"]",
            "sat = [\"09:00-13:00\", \"12:00-14:00\"]",
        )],
        "",
    );
    assert_problem(&p, "channels.voice.hours", "overlap");
    let p = problems_with(&[("sat = [\"09:00-13:00\"]", "sat = [\"9am-1pm\"]")], "");
    assert_problem(&p, "channels.voice.hours.sat", "HH:MM");
    let p = problems_with(
        &[(
            "hours = { weekdays = [\"08:00-18:00\"], sat = [\"09:00-13:00\"] }",
            "hours = { }",
        )],
        "",
    );
    assert_problem(&p, "channels.voice.hours", "never open");
}

#[test]
fn named_day_overrides_weekdays() {
    let c = ok(&BASE.replace(
        "sat = [\"09:00-13:00\"]",
        "sat = [\"09:00-13:00\"], mon = [\"10:00-12:00\"]",
    ));
    let v = c.channel("voice").unwrap();
    assert_eq!(v.hours().ranges(Weekday::Mon)[0].to_string(), "10:00-12:00");
    assert_eq!(v.hours().ranges(Weekday::Tue)[0].to_string(), "08:00-18:00");
}

#[test]
fn channel_value_errors() {
    let p = problems_with(
        &[(
            "aht_seconds = 600\nhours",
            "aht_seconds = 600\npatience_seconds = -3\nhours",
        )],
        "",
    );
    assert_problem(&p, "channels.voice.patience_seconds", "positive");
    let p = problems_with(
        &[(
            "aht_seconds = 400",
            "aht_seconds = 400\npatience_seconds = 60",
        )],
        "",
    );
    assert_problem(&p, "channels.email.patience_seconds", "deferred");
}

#[test]
fn concurrency_errors() {
    let p = problems_with(
        &[(
            "handle_time_factors = [1.0, 1.25]",
            "handle_time_factors = [1.0]",
        )],
        "",
    );
    assert_problem(
        &p,
        "channels.chat.handle_time_factors",
        "one per concurrency level",
    );
    let p = problems_with(
        &[(
            "handle_time_factors = [1.0, 1.25]",
            "handle_time_factors = [1.3, 1.0]",
        )],
        "",
    );
    assert_problem(&p, "channels.chat.handle_time_factors", "must not decrease");
    let p = problems_with(&[("handle_time_factors = [1.0, 1.25]", "")], "");
    assert_problem(
        &p,
        "channels.chat.handle_time_factors",
        "needs one handle-time factor",
    );
    let p = problems_with(
        &[(
            "handle_time_factors = [1.0, 1.25]",
            "handle_time_factors = [1.0, -1.0]",
        )],
        "",
    );
    assert_problem(&p, "channels.chat.handle_time_factors", "positive");
    let p = problems_with(
        &[("aht_seconds = 400", "aht_seconds = 400\nconcurrency = 3")],
        "",
    );
    assert_problem(&p, "channels.email.concurrency", "only chat");
    let p = problems_with(&[("concurrency = 2", "concurrency = 0")], "");
    assert_problem(&p, "channels.chat.concurrency", "1 to 10");
}

#[test]
fn target_errors() {
    let p = problems_with(&[], "[channels.voice.targets]\nmax_abandon_rate = 1.5\nmax_asa_seconds = 0\nmax_occupancy = 0\n");
    assert_problem(&p, "channels.voice.targets.max_abandon_rate", "fraction");
    assert_problem(&p, "channels.voice.targets.max_asa_seconds", "positive");
    assert_problem(&p, "channels.voice.targets.max_occupancy", "0 < x <= 1");
    let p = problems_with(&[], "[channels.voice.targets]\nmax_occupancy = 0.9\n");
    assert_problem(&p, "channels.voice.targets", "at least one of");
    let p = problems_with(
        &[],
        "[channels.voice.targets]\nmax_asa_seconds = 20\nmax_wait_share = 0.9\n",
    );
    assert_problem(
        &p,
        "channels.voice.targets.max_wait_share",
        "needs max_wait_seconds",
    );
    let p = problems_with(&[], "[channels.voice.targets]\nmax_asa_seconds = 20\nresponse = { share = 0.9, within_hours = 4 }\n");
    assert_problem(&p, "channels.voice.targets.response", "deferred channels");
    let p = problems_with(
        &[],
        "[channels.voice.targets]\nservice_level = { share = 80, within_seconds = 20 }\n",
    );
    assert_problem(
        &p,
        "channels.voice.targets.service_level.share",
        "0.1 for 10%",
    );
    let p = problems_with(&[], "[channels.email.targets]\nmax_asa_seconds = 20\n");
    assert_problem(
        &p,
        "channels.email.targets.max_asa_seconds",
        "no live queue",
    );
    assert_problem(
        &p,
        "channels.email.targets.response",
        "needs a response target",
    );
    let p = problems_with(
        &[],
        "[channels.email.targets]\nresponse = { share = 0.9, within_hours = 0 }\n",
    );
    assert_problem(
        &p,
        "channels.email.targets.response.within_hours",
        "positive",
    );
}

#[test]
fn service_level_and_wait_targets_are_read() {
    let c = ok(&format!(
        "{BASE}[channels.voice.targets]\nmax_wait_seconds = 240\nservice_level = {{ share = 0.8, within_seconds = 20, abandoned_in_denominator = false }}\n"
    ));
    let t = c.channel("voice").unwrap().targets();
    assert_eq!(
        t.max_abandon_rate(),
        None,
        "a present targets table lists only its own targets"
    );
    assert_eq!(t.max_wait_seconds(), Some(240.0));
    assert_eq!(t.max_wait_share(), 0.95);
    let sl = t.service_level().unwrap();
    assert_eq!(
        (
            sl.share(),
            sl.within_seconds(),
            sl.abandoned_in_denominator()
        ),
        (0.8, 20.0, false)
    );
}

#[test]
fn shrinkage_rules() {
    let c = ok(&format!(
        "{BASE}[shrinkage]\nactivities = {{ sickness = 0.05, training = 0.1 }}\n"
    ));
    assert!((c.shrinkage().total() - 0.15).abs() < 1e-12);
    assert!(
        (c.channel("voice")
            .unwrap()
            .shrinkage()
            .scheduled_from_required(17.0)
            - 20.0)
            .abs()
            < 1e-9
    );
    let p = problems_with(
        &[],
        "[shrinkage]\ntotal = 0.3\nactivities = { sickness = 0.05 }\n",
    );
    assert_problem(&p, "shrinkage.total", "does not equal");
    let p = problems_with(&[], "[shrinkage]\ntotal = 1.0\n");
    assert_problem(&p, "shrinkage.total", "0 <= x < 1");
    let p = problems_with(&[], "[shrinkage]\n");
    assert_problem(&p, "shrinkage", "expected `total` or `activities`");
    let p = problems_with(&[], "[shrinkage]\nactivities = { a = 0.6, b = 0.5 }\n");
    assert_problem(&p, "shrinkage.activities", "less than 1");
    // A sum is shown as typed (0.979999), not with the float's noise (0.9799990000000001).
    let p = problems_with(
        &[],
        "[shrinkage]\nactivities = { a = 0.859999, b = 0.04, c = 0.08 }\n",
    );
    assert_problem(
        &p,
        "shrinkage.activities",
        "shrinkage 0.979999 is implausible",
    );
    let p = problems_with(
        &[(
            "aht_seconds = 400",
            "aht_seconds = 400\nshrinkage = { total = -0.1 }",
        )],
        "",
    );
    assert_problem(&p, "channels.email.shrinkage.total", "fraction");
    let c = ok(&BASE.replace(
        "aht_seconds = 400",
        "aht_seconds = 400\nshrinkage = { total = 0.4 }",
    ));
    assert_eq!(c.channel("email").unwrap().shrinkage().total(), 0.4);
    assert_eq!(
        c.channel("voice").unwrap().shrinkage().total(),
        DEFAULT_SHRINKAGE
    );
}

#[test]
fn shift_template_errors() {
    let p = problems_with(
        &[("latest_start = \"10:00\"", "latest_start = \"07:00\"")],
        "",
    );
    assert_problem(
        &p,
        "shift_templates.day.latest_start",
        "before earliest_start",
    );
    let p = problems_with(
        &[("earliest_start = \"08:00\"", "earliest_start = \"08:05\"")],
        "",
    );
    assert_problem(&p, "shift_templates.day.earliest_start", "interval grid");
    let p = problems_with(
        &[(
            "paid_hours = 7.5",
            "paid_hours = 7.5\nstart_step_minutes = 20",
        )],
        "",
    );
    assert_problem(&p, "shift_templates.day.start_step_minutes", "multiple");
    let p = problems_with(&[("paid_hours = 7.5", "paid_hours = 0")], "");
    assert_problem(&p, "shift_templates.day.paid_hours", "more than 0");
    let p = problems_with(&[("paid_hours = 7.5", "paid_hours = 7.51")], "");
    assert_problem(&p, "shift_templates.day.paid_hours", "whole minutes");
    let p = problems_with(&[("paid_hours = 7.5", "paid_hours = 7.4")], "");
    assert_problem(
        &p,
        "shift_templates.day.paid_hours",
        "multiple of the 15-minute",
    );
    let p = problems_with(
        &[(
            "start_window_minutes = [180, 300]",
            "start_window_minutes = [300, 180]",
        )],
        "",
    );
    assert_problem(
        &p,
        "shift_templates.day.lunch.start_window_minutes",
        "reversed",
    );
    let p = problems_with(
        &[(
            "start_window_minutes = [90, 150]",
            "start_window_minutes = [0, 150]",
        )],
        "",
    );
    assert_problem(
        &p,
        "shift_templates.day.breaks[0].start_window_minutes",
        "after 0 minutes",
    );
    let p = problems_with(
        &[(
            "start_window_minutes = [90, 150]",
            "start_window_minutes = [95, 150]",
        )],
        "",
    );
    assert_problem(
        &p,
        "shift_templates.day.breaks[0].start_window_minutes",
        "grid",
    );
    let p = problems_with(
        &[(
            "minutes = 15, start_window_minutes = [90, 150]",
            "minutes = 10, start_window_minutes = [90, 150]",
        )],
        "",
    );
    assert_problem(&p, "shift_templates.day.breaks[0].minutes", "multiple");
    let p = problems_with(
        &[(
            "start_window_minutes = [90, 150]",
            "start_window_minutes = [90, 480]",
        )],
        "",
    );
    assert_problem(
        &p,
        "shift_templates.day.breaks[0]",
        "ends after the 480-minute shift",
    );
    let p = problems_with(
        &[
            (
                "start_window_minutes = [90, 150]",
                "start_window_minutes = [180, 180]",
            ),
            (
                "start_window_minutes = [180, 300]",
                "start_window_minutes = [180, 180]",
            ),
        ],
        "",
    );
    assert_problem(&p, "shift_templates.day", "cannot all be placed");
    let p = problems_with(
        &[("latest_start = \"10:00\"", "latest_start = \"17:00\"")],
        "",
    );
    assert_problem(&p, "shift_templates.day.latest_start", "after midnight");
    let p = problems_with(
        &[("paid_hours = 7.5", "paid_hours = 7.5\ndays = [\"funday\"]")],
        "",
    );
    assert_problem(&p, "shift_templates.day.days[0]", "not a weekday");
    let p = problems_with(
        &[(
            "paid_hours = 7.5",
            "paid_hours = 7.5\nrequired_skills = [\"fax\"]",
        )],
        "",
    );
    assert_problem(
        &p,
        "shift_templates.day.required_skills[0]",
        "unknown channel",
    );
}

#[test]
fn template_day_names() {
    let c = ok(&BASE.replace(
        "paid_hours = 7.5",
        "paid_hours = 7.5\ndays = [\"weekend\", \"Monday\"]",
    ));
    assert_eq!(
        c.shift_template("day").unwrap().days(),
        &[Weekday::Mon, Weekday::Sat, Weekday::Sun]
    );
}

#[test]
fn contract_errors() {
    let p = problems_with(
        &[(
            "min_weekly_paid_hours = 37.5\nmax_weekly_paid_hours = 37.5",
            "min_weekly_paid_hours = 40\nmax_weekly_paid_hours = 30",
        )],
        "",
    );
    assert_problem(&p, "contracts.ft.min_weekly_paid_hours", "more than max");
    let p = problems_with(&[("max_weekly_paid_hours = 37.5", "max_weekly_paid_hours = 37.5\ndays_off_per_week = 7\nmax_consecutive_working_days = 0\nmin_rest_hours = 30")], "");
    assert_problem(&p, "contracts.ft.days_off_per_week", "0 to 6");
    assert_problem(&p, "contracts.ft.max_consecutive_working_days", "1 to 14");
    assert_problem(&p, "contracts.ft.min_rest_hours", "0 and 24");
    let p = problems_with(
        &[(
            "max_weekly_paid_hours = 37.5",
            "max_weekly_paid_hours = 37.5\nallowed_templates = [\"night\"]",
        )],
        "",
    );
    assert_problem(
        &p,
        "contracts.ft.allowed_templates[0]",
        "unknown shift template",
    );
    let p = problems_with(
        &[(
            "max_weekly_paid_hours = 37.5",
            "max_weekly_paid_hours = 37.5\nweekend_off = { days = 5, in_weeks = 2 }",
        )],
        "",
    );
    assert_problem(&p, "contracts.ft.weekend_off.days", "1 to 4");
    let p = problems_with(
        &[(
            "max_weekly_paid_hours = 37.5",
            "max_weekly_paid_hours = 37.5\ndays_off_per_week = 3",
        )],
        "",
    );
    assert_problem(
        &p,
        "contracts.ft.min_weekly_paid_hours",
        "cannot be reached",
    );
}

#[test]
fn rules_over_several_weeks_are_read_and_checked() {
    let c = ok(&BASE.replace(
        "max_weekly_paid_hours = 37.5",
        "max_weekly_paid_hours = 37.5\nweekend_off = { weekends = 1, in_weeks = 2 }\n\
         averaged_hours = { weeks = 4, min_weekly_paid_hours = 30, max_weekly_paid_hours = 45 }",
    ));
    let ft = c.contract("ft").unwrap();
    let w = ft.weekend_off().unwrap();
    assert_eq!((w.days(), w.in_weeks(), w.whole_weekends()), (1, 2, true));
    let a = ft.averaged_hours().unwrap();
    assert_eq!(a.weeks(), 4);
    assert_eq!(
        (a.min_weekly_paid_hours(), a.max_weekly_paid_hours()),
        (30.0, 45.0)
    );
    // written back and read again, the same rules
    let again = CentreConfig::from_raw(&c.to_raw(), "again").unwrap();
    assert_eq!(again.contract("ft"), c.contract("ft"));

    let p = problems_with(
        &[(
            "max_weekly_paid_hours = 37.5",
            "max_weekly_paid_hours = 37.5\nweekend_off = { weekends = 3, in_weeks = 2 }",
        )],
        "",
    );
    assert_problem(&p, "contracts.ft.weekend_off.weekends", "1 to 2");
    let p = problems_with(
        &[(
            "max_weekly_paid_hours = 37.5",
            "max_weekly_paid_hours = 37.5\nweekend_off = { weekends = 1, days = 1, in_weeks = 2 }",
        )],
        "",
    );
    assert_problem(&p, "contracts.ft.weekend_off", "not both or neither");
    let p = problems_with(
        &[(
            "max_weekly_paid_hours = 37.5",
            "max_weekly_paid_hours = 37.5\n\
             averaged_hours = { weeks = 1, min_weekly_paid_hours = 40, max_weekly_paid_hours = 30 }",
        )],
        "",
    );
    assert_problem(&p, "contracts.ft.averaged_hours.weeks", "2 to 52");
    assert_problem(
        &p,
        "contracts.ft.averaged_hours.min_weekly_paid_hours",
        "min_weekly_paid_hours 37.5",
    );
    assert_problem(
        &p,
        "contracts.ft.averaged_hours.max_weekly_paid_hours",
        "max_weekly_paid_hours 37.5",
    );
}

#[test]
fn fairness_is_read_with_its_defaults_and_checked() {
    assert!(ok(BASE).centre().fairness().is_none());
    let c = ok(&BASE.replace(
        "name = \"Test Centre\"",
        "name = \"Test Centre\"\n[centre.fairness]\nlate_shift_ends_after = \"18:30\"",
    ));
    let f = c.centre().fairness().unwrap();
    assert_eq!(f.weight(), Fairness::DEFAULT_WEIGHT);
    assert_eq!(f.late_shift_ends_after_minute(), 18 * 60 + 30);
    assert_eq!(f.rolling_weeks(), Fairness::DEFAULT_ROLLING_WEEKS);
    let p = problems_with(
        &[(
            "name = \"Test Centre\"",
            "name = \"Test Centre\"\n[centre.fairness]\nweight = -1\n\
             late_shift_ends_after = \"7pm\"\nrolling_weeks = 0",
        )],
        "",
    );
    assert_problem(&p, "centre.fairness.weight", "between 0 and 10000");
    assert_problem(&p, "centre.fairness.late_shift_ends_after", "HH:MM");
    assert_problem(&p, "centre.fairness.rolling_weeks", "1 to 52");
}

#[test]
fn grade_errors() {
    let p = problems_with(&[("hourly_rate = 13.0", "hourly_rate = 0")], "");
    assert_problem(&p, "grades.advisor.hourly_rate", "positive");
}

#[test]
fn agent_errors() {
    let a = "agents[0] (id \"A1\")";
    let p = problems_with(
        &[(
            "skills = [\"voice\", \"chat\"]",
            "skills = [\"voice\", \"fax\", \"voice\"]",
        )],
        "",
    );
    assert_problem(&p, &format!("{a}.skills[1]"), "unknown channel \"fax\"");
    assert_problem(&p, &format!("{a}.skills[2]"), "twice");
    let p = problems_with(&[("skills = [\"voice\", \"chat\"]", "skills = []")], "");
    assert_problem(&p, &format!("{a}.skills"), "at least one");
    let p = problems_with(&[("contract = \"ft\"", "contract = \"pt\"")], "");
    assert_problem(&p, &format!("{a}.contract"), "unknown contract");
    let p = problems_with(&[("grade = \"advisor\"", "grade = \"boss\"")], "");
    assert_problem(&p, &format!("{a}.grade"), "unknown grade");
    let p = problems_with(
        &[(
            "grade = \"advisor\"",
            "grade = \"advisor\"\nhourly_rate = 12",
        )],
        "",
    );
    assert_problem(&p, a, "both grade and hourly_rate");
    let p = problems_with(&[("grade = \"advisor\"", "")], "");
    assert_problem(&p, a, "no pay given");
    let p = problems_with(&[], "[[agents]]\nid = \"A1\"\nname = \"Bob\"\nskills = [\"voice\"]\ncontract = \"ft\"\nhourly_rate = 12.5\n");
    assert_problem(&p, "agents[1].id", "already used");
    let p = problems_with(
        &[(
            "grade = \"advisor\"",
            "grade = \"advisor\"\navailability = { mon = [\"08:00-12:07\"] }",
        )],
        "",
    );
    assert_problem(&p, &format!("{a}.availability.mon"), "grid");
}

#[test]
fn overlapping_leave_is_an_error() {
    let p = problems_with(
        &[("grade = \"advisor\"", "grade = \"advisor\"\nleave = [{ from = 2026-11-16, to = 2026-11-18 }, { from = 2026-11-18 }]")],
        "",
    );
    assert_problem(&p, "agents[0] (id \"A1\").leave", "overlaps");
    let p = problems_with(
        &[(
            "grade = \"advisor\"",
            "grade = \"advisor\"\nleave = [{ from = 2026-11-18, to = 2026-11-16 }]",
        )],
        "",
    );
    assert_problem(&p, "agents[0] (id \"A1\").leave[0]", "before it starts");
    let c = ok(&BASE.replace("grade = \"advisor\"", "grade = \"advisor\"\nleave = [{ from = \"2026-11-20\", to = 2026-11-23 }, { from = 2026-11-16 }]"));
    let a = c.agent("A1").unwrap();
    assert!(a.is_on_leave(NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()));
    assert!(!a.is_on_leave(NaiveDate::from_ymd_opt(2026, 11, 17).unwrap()));
    assert!(a.is_on_leave(NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()));
}

#[test]
fn fixed_shift_errors() {
    let a = "agents[0] (id \"A1\")";
    let p = problems_with(&[("grade = \"advisor\"", "grade = \"advisor\"\nfixed_shifts = [{ date = 2026-11-16, template = \"late\", start = \"08:00\" }]")], "");
    assert_problem(
        &p,
        &format!("{a}.fixed_shifts[0].template"),
        "unknown shift template",
    );
    let p = problems_with(&[("grade = \"advisor\"", "grade = \"advisor\"\nfixed_shifts = [{ date = 2026-11-21, template = \"day\", start = \"08:10\" }]")], "");
    assert_problem(&p, &format!("{a}.fixed_shifts[0].start"), "grid");
    assert_problem(
        &p,
        &format!("{a}.fixed_shifts[0].template"),
        "not used on sat",
    );
    let p = problems_with(
        &[("grade = \"advisor\"", "grade = \"advisor\"\nleave = [{ from = 2026-11-16 }]\nfixed_shifts = [{ date = 2026-11-16, template = \"day\", start = \"08:00\" }]")],
        "",
    );
    assert_problem(&p, &format!("{a}.fixed_shifts[0].date"), "leave day");
}

#[test]
fn agent_without_any_template_is_an_error() {
    let p = problems_with(
        &[(
            "paid_hours = 7.5",
            "paid_hours = 7.5\nteams = [\"night_owls\"]",
        )],
        "",
    );
    assert_problem(&p, "agents[0] (id \"A1\")", "no shift template fits");
}

#[test]
fn special_day_errors() {
    let p = problems_with(
        &[],
        "[[special_days]]\ndate = 2026-12-24\nkind = \"event\"\n",
    );
    assert_problem(&p, "special_days[0].volume_factor", "needs a volume_factor");
    let p = problems_with(
        &[],
        "[[special_days]]\ndate = 2026-12-24\nkind = \"closed\"\nvolume_factor = 2\n",
    );
    assert_problem(&p, "special_days[0].volume_factor", "no volume factor");
    let p = problems_with(
        &[],
        "[[special_days]]\ndate = 2026-12-24\nkind = \"holiday\"\n",
    );
    assert_problem(&p, "special_days[0].kind", "\"closed\" or \"event\"");
    let p = problems_with(&[], "[[special_days]]\ndate = 2026-12-24\nkind = \"event\"\nvolume_factor = 0\nchannels = [\"fax\"]\n");
    assert_problem(&p, "special_days[0].volume_factor", "positive");
    assert_problem(&p, "special_days[0].channels[0]", "unknown channel");
    let p = problems_with(&[], "[[special_days]]\ndate = 2026-12-24\nkind = \"closed\"\n[[special_days]]\ndate = 2026-12-24\nkind = \"event\"\nvolume_factor = 1.2\nchannels = [\"voice\"]\n");
    assert_problem(&p, "special_days", "two special days on 2026-12-24");
    let err = CentreConfig::from_toml_str(
        &format!("{BASE}[[special_days]]\ndate = \"24/12/2026\"\nkind = \"closed\"\n"),
        "t.toml",
    )
    .unwrap_err();
    assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
}

#[test]
fn special_days_affect_channels() {
    let c = ok(&format!(
        "{BASE}[[special_days]]\ndate = 2026-12-24\nkind = \"event\"\nvolume_factor = 0.5\nchannels = [\"voice\"]\n[[special_days]]\ndate = 2026-12-02\nkind = \"closed\"\n"
    ));
    let voice = ChannelName::parse("voice").unwrap();
    let chat = ChannelName::parse("chat").unwrap();
    let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
    assert_eq!(c.volume_factor(&voice, d(12, 24)), 0.5);
    assert_eq!(c.volume_factor(&chat, d(12, 24)), 1.0);
    assert!(c.is_closed_special(&chat, d(12, 2)));
    assert!(!c.is_closed_special(&chat, d(12, 3)));
    assert_eq!(c.special_days()[0].date(), d(12, 2), "sorted by date");
}

#[test]
fn history_mapping() {
    let c = ok(&format!(
        "{BASE}[history]\ntimestamp_format = \"%d/%m/%Y %H:%M\"\ncolumns = {{ offered = \"Calls Offered\", abandoned = \"Abandoned\", aht_seconds = \"AHT\" }}\nchannel_aliases = {{ \"Main Queue\" = \"voice\" }}\n"
    ));
    let h = c.history();
    assert_eq!(h.columns().offered, "Calls Offered");
    assert_eq!(h.columns().handled, "handled");
    assert_eq!(h.timestamp_format(), Some("%d/%m/%Y %H:%M"));
    assert_eq!(h.resolve_channel(" main queue ").unwrap().as_str(), "voice");
    assert_eq!(h.resolve_channel("chat").unwrap().as_str(), "chat");
    assert_eq!(h.resolve_channel("Web Chat"), None);
    let p = problems_with(&[], "[history]\ncolumns = { offered = \"Calls\", handled = \"calls\", channel = \"\" }\nchannel_aliases = { \"Fax\" = \"fax\" }\ntimestamp_format = \"%Q\"\n");
    assert_problem(&p, "history.columns.handled", "also mapped to offered");
    assert_problem(&p, "history.columns.channel", "empty header");
    assert_problem(&p, "history.channel_aliases.\"Fax\"", "unknown channel");
    assert_problem(&p, "history.timestamp_format", "chrono format");
}

#[test]
fn sample_centre_is_valid_and_complete() {
    let c = CentreConfig::sample().unwrap();
    assert_eq!(c.centre().name(), "Northmoor Homes");
    assert_eq!(
        c.grid(),
        IntervalGrid::new(IntervalLength::M15, chrono_tz::Europe::London)
    );
    let names: Vec<_> = c.channel_names().iter().map(|n| n.to_string()).collect();
    assert_eq!(names, ["voice", "reception", "chat", "email", "social"]);
    let kinds: Vec<_> = c.channels().iter().map(Channel::kind).collect();
    assert_eq!(
        kinds,
        [
            ChannelKind::Inbound,
            ChannelKind::WalkIn,
            ChannelKind::Chat,
            ChannelKind::Deferred,
            ChannelKind::Deferred
        ]
    );
    assert!(
        (40..=50).contains(&c.agents().len()),
        "{} agents",
        c.agents().len()
    );
    let voice = c.channel("voice").unwrap();
    assert_eq!(voice.aht_seconds(), 900.0);
    assert_eq!(voice.targets().max_wait_seconds(), Some(240.0));
    assert_eq!(c.channel("chat").unwrap().concurrency(), 2);
    let wk = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    let on_leave = c
        .agents()
        .iter()
        .filter(|a| (0..5).any(|i| a.is_on_leave(wk + chrono::Duration::days(i))))
        .count();
    assert!(
        on_leave >= 3,
        "{on_leave} agents on leave in the week of 2026-11-16"
    );
    for a in c.agents() {
        assert!(
            !c.templates_for(a).is_empty(),
            "agent {} has no template",
            a.id()
        );
    }
    // Mixed skills as in the brief.
    let has = |a: &Agent, s: &[&str]| {
        a.skills().len() == s.len()
            && s.iter()
                .all(|x| a.skills().iter().any(|k| k.as_str() == *x))
    };
    assert!(c.agents().iter().any(|a| has(a, &["voice"])));
    assert!(c.agents().iter().any(|a| has(a, &["voice", "chat"])));
    assert!(c.agents().iter().any(|a| has(a, &["reception", "voice"])));
    assert!(c.agents().iter().any(|a| has(a, &["email", "social"])));
}

#[test]
fn sample_round_trips_through_toml_and_serde() {
    let c = CentreConfig::sample().unwrap();
    let text = c.to_toml_string().unwrap();
    assert_eq!(
        CentreConfig::from_toml_str(&text, "written.toml").unwrap(),
        c
    );
    assert!(text.contains("from = 2026-11-16"), "TOML-native dates");
    let json = serde_json::to_string(&c).unwrap();
    assert!(
        json.contains(r#""from":"2026-11-16""#),
        "plain date strings in JSON"
    );
    let back: CentreConfig = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
}

#[test]
fn serde_deserialisation_validates() {
    let mut raw: RawConfig = toml::from_str(BASE).unwrap();
    raw.channels.get_mut("voice").unwrap().aht_seconds = -1.0;
    let json = serde_json::to_string(&raw).unwrap();
    let err = serde_json::from_str::<CentreConfig>(&json).unwrap_err();
    assert!(
        err.to_string().contains("channels.voice.aht_seconds"),
        "{err}"
    );
}

#[test]
fn weekly_hours_serde_round_trips() {
    let h: WeeklyHours = serde_json::from_str(
        r#"{"weekdays": ["08:00-12:00", "13:00-18:00"], "sat": ["09:00-13:00"]}"#,
    )
    .unwrap();
    assert_eq!(h.ranges(Weekday::Wed).len(), 2);
    let json = serde_json::to_string(&h).unwrap();
    assert_eq!(serde_json::from_str::<WeeklyHours>(&json).unwrap(), h);
    let err = serde_json::from_str::<WeeklyHours>(r#"{"mon": ["18:00-08:00"]}"#).unwrap_err();
    assert!(err.to_string().contains("hours.mon"), "{err}");
}

#[test]
fn open_and_closed_instants() {
    let c = CentreConfig::sample().unwrap();
    let at = |s: &str| chrono::DateTime::parse_from_rfc3339(s).unwrap();
    let voice = c.channel("voice").unwrap();
    let email = c.channel("email").unwrap();
    let reception = c.channel("reception").unwrap();
    // Saturday morning phone cover, not in the afternoon; never on Sunday.
    assert!(c.is_worked_at(voice, &at("2026-11-21T09:00:00+00:00")));
    assert!(!c.is_worked_at(voice, &at("2026-11-21T13:00:00+00:00")));
    assert!(!c.is_worked_at(voice, &at("2026-11-22T10:00:00+00:00")));
    // Summer time: 08:00 local is 07:00 UTC.
    assert!(c.is_worked_at(voice, &at("2026-07-01T07:00:00+00:00")));
    assert!(!c.is_worked_at(voice, &at("2026-07-01T06:45:00+00:00")));
    // Boxing Day 2026 is a Saturday, so the substitute bank holiday is Monday 28 December.
    assert!(!c.is_worked_at(voice, &at("2026-12-28T10:00:00+00:00")));
    // Reception closed for training on 2 December; the phones are not.
    assert!(!c.is_worked_at(reception, &at("2026-12-02T10:00:00+00:00")));
    assert!(c.is_worked_at(voice, &at("2026-12-02T10:00:00+00:00")));
    // Email arrives on Christmas Day but is not worked.
    assert!(c.accepts_contacts_at(email, &at("2026-12-25T10:00:00+00:00")));
    assert!(!c.is_worked_at(email, &at("2026-12-25T10:00:00+00:00")));
    assert!(!c.accepts_contacts_at(voice, &at("2026-12-25T10:00:00+00:00")));
}

#[test]
fn history_aht_unit_is_read_validated_and_written_back() {
    let base = SAMPLE_CENTRE_TOML.to_string();
    let with = base.replacen("[history]", "[history]\naht_unit = \"ms\"", 1);
    assert_ne!(with, base, "the sample has a [history] table");
    let config = CentreConfig::from_toml_str(&with, "t.toml").expect("valid");
    assert_eq!(
        config.history().aht_unit(),
        crate::ingest::AhtUnit::Milliseconds
    );
    let again = CentreConfig::from_toml_str(&config.to_toml_string().unwrap(), "t.toml").unwrap();
    assert_eq!(
        again.history().aht_unit(),
        crate::ingest::AhtUnit::Milliseconds
    );
    let bad = base.replacen("[history]", "[history]\naht_unit = \"hours\"", 1);
    let err = CentreConfig::from_toml_str(&bad, "t.toml")
        .unwrap_err()
        .to_string();
    assert!(err.contains("history.aht_unit"), "{err}");
}
