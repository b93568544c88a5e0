//! Adherence on a generated event stream with known deviations: Monday 16 November 2026 of the
//! sample centre's real roster (`tests/fixtures/simulate/sample_week/roster`, 43 people that day),
//! every agent following it (going on contacts and back to available on the rostered channel),
//! with one late log-in, one long break, one stretch on the wrong channel, one early log-out and
//! one absence injected, and one-minute slips within the grace (in late, back from a break late)
//! for six others. The stream goes through the CSV reader in the order a merged ACD export has it (agents interleaved, a few rows out of order,
//! some repeated). Adherence must report exactly the injected deviations, with their minutes, and
//! every agent's adherence and conformance must be what the deviations leave.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use rota_adherence::{measure, EventLog, ExceptionKind, Options, Scope};
use rota_data::channel::ChannelName;
use rota_data::config::CentreConfig;
use rota_simulation::{PlanActivity, PlanActivityKind, RosterPlan};

fn repo(path: &str) -> String {
    format!("{}/../../{path}", env!("CARGO_MANIFEST_DIR"))
}

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

type Time = DateTime<FixedOffset>;

/// One agent's states as (time, state cell, channel cell), in time order.
#[derive(Clone, Default)]
struct Stream(Vec<(Time, &'static str, String)>);

impl Stream {
    /// The state in force at `t` (logged out before the first).
    fn at(&self, t: Time) -> (&'static str, String) {
        self.0
            .iter()
            .rev()
            .find(|e| e.0 <= t)
            .map(|e| (e.1, e.2.clone()))
            .unwrap_or(("offline", String::new()))
    }

    /// The agent in `state` over `[from, to)`, and in whatever state it was in from `to` on.
    fn paint(&mut self, from: Time, to: Time, state: &'static str, channel: &str) {
        let after = self.at(to);
        self.0.retain(|e| e.0 < from || e.0 >= to);
        self.0.push((from, state, channel.to_string()));
        if !self.0.iter().any(|e| e.0 == to) {
            self.0.push((to, after.0, after.1));
        }
        self.0.sort_by_key(|e| e.0);
    }
}

/// What the agent does to keep to the roster: on each work period, available, then on a contact
/// from five minutes in to ten before its end; breaks, lunch, activities as planned; logged out at
/// the shift's end.
fn following(activities: &[&PlanActivity], end: Time) -> Stream {
    let mut s = Stream::default();
    for a in activities {
        match &a.kind {
            PlanActivityKind::Work(c) => {
                s.0.push((a.start, "available", c.to_string()));
                if a.end - a.start >= Duration::minutes(30) {
                    s.0.push((a.start + Duration::minutes(5), "on_contact", c.to_string()));
                    s.0.push((a.end - Duration::minutes(10), "available", c.to_string()));
                }
            }
            PlanActivityKind::Break => s.0.push((a.start, "break", String::new())),
            PlanActivityKind::Lunch => s.0.push((a.start, "lunch", String::new())),
            PlanActivityKind::Other(_) => s.0.push((a.start, "activity", String::new())),
        }
    }
    s.0.push((end, "offline", String::new()));
    s
}

/// An injected deviation: (agent, kind, from, to).
type Deviation = (String, ExceptionKind, Time, Time);

#[test]
fn a_generated_stream_reports_exactly_the_injected_deviations_and_their_minutes() {
    let config = CentreConfig::load(repo("data/samples/centre.toml")).unwrap();
    let plan =
        RosterPlan::read_dir(repo("tests/fixtures/simulate/sample_week/roster"), &config).unwrap();
    let voice = ChannelName::parse("voice").unwrap();
    let shifts: Vec<_> = plan
        .shifts()
        .iter()
        .filter(|s| s.date == monday())
        .collect();
    assert_eq!(shifts.len(), 43);
    let mut streams: BTreeMap<String, Stream> = BTreeMap::new();
    let mut injected: Vec<Deviation> = Vec::new();
    // Minutes out of the scheduled state and out of work, per agent, that the deviations leave.
    let mut off_state: BTreeMap<String, i64> = BTreeMap::new();
    let mut off_work: BTreeMap<String, i64> = BTreeMap::new();
    let mut scheduled: BTreeMap<String, (i64, i64)> = BTreeMap::new();
    let (mut late, mut long_break, mut wrong, mut early, mut absent) = (0, 0, 0, 0, 0);
    let mut slips = 0;
    for shift in &shifts {
        let id = shift.agent_id.clone();
        let acts: Vec<&PlanActivity> = plan
            .activities()
            .iter()
            .filter(|a| a.agent_id == id && a.start >= shift.start && a.end <= shift.end)
            .collect();
        let away =
            |a: &PlanActivity| matches!(a.kind, PlanActivityKind::Break | PlanActivityKind::Lunch);
        let total: i64 = acts.iter().map(|a| (a.end - a.start).num_minutes()).sum();
        let work: i64 = acts
            .iter()
            .filter(|a| !away(a))
            .map(|a| (a.end - a.start).num_minutes())
            .sum();
        scheduled.insert(id.clone(), (total, work));
        let mut s = following(&acts, shift.end);
        let first_long = (acts[0].end - acts[0].start) >= Duration::minutes(30);
        let last_long = acts
            .last()
            .is_some_and(|a| a.end - a.start >= Duration::minutes(30) && !away(a));
        // A break (or lunch) block followed by a work period of at least 15 minutes.
        let break_end = acts.windows(2).find_map(|w| {
            (away(w[0]) && !away(w[1]) && w[1].end - w[1].start >= Duration::minutes(15))
                .then_some(w[1].start)
        });
        let voice_stretch = acts.iter().find(|a| {
            a.kind == PlanActivityKind::Work(voice.clone())
                && a.end - a.start >= Duration::minutes(30)
        });
        let mut deviate = |kind, from: Time, minutes: i64, work_lost: bool| {
            injected.push((id.clone(), kind, from, from + Duration::minutes(minutes)));
            *off_state.entry(id.clone()).or_default() += minutes;
            if work_lost {
                *off_work.entry(id.clone()).or_default() += minutes;
            }
        };
        if late == 0 && first_long {
            late += 1;
            s.paint(
                shift.start,
                shift.start + Duration::minutes(11),
                "offline",
                "",
            );
            deviate(ExceptionKind::LateLogIn, shift.start, 11, true);
        } else if let (0, Some(back)) = (long_break, break_end) {
            long_break += 1;
            let (state, _) = s.at(back - Duration::seconds(1));
            s.paint(back, back + Duration::minutes(8), state, "");
            deviate(ExceptionKind::LongBreak, back, 8, true);
        } else if let (0, Some(stretch)) = (wrong, voice_stretch) {
            wrong += 1;
            let from = stretch.start;
            s.paint(from, from + Duration::minutes(25), "on_contact", "chat");
            deviate(ExceptionKind::WrongChannel, from, 25, false);
        } else if early == 0 && last_long {
            early += 1;
            s.paint(shift.end - Duration::minutes(20), shift.end, "offline", "");
            deviate(
                ExceptionKind::EarlyLogOut,
                shift.end - Duration::minutes(20),
                20,
                true,
            );
        } else if absent == 0 {
            absent += 1;
            s.0.clear();
            injected.push((id.clone(), ExceptionKind::Absent, shift.start, shift.end));
            off_state.insert(id.clone(), total);
            off_work.insert(id.clone(), work);
        } else if slips < 6 {
            // Within the grace: in a minute late, or back from a break a minute late.
            slips += 1;
            let from = match break_end {
                Some(back) if slips % 2 == 0 => back,
                _ => shift.start,
            };
            let state = match from == shift.start {
                true => "offline",
                false => s.at(from - Duration::seconds(1)).0,
            };
            s.paint(from, from + Duration::minutes(1), state, "");
            *off_state.entry(id.clone()).or_default() += 1;
            *off_work.entry(id.clone()).or_default() += 1;
        }
        streams.insert(id, s);
    }
    assert_eq!(
        (late, long_break, wrong, early, absent, slips),
        (1, 1, 1, 1, 1, 6)
    );

    // The export: every agent's events interleaved in time order, timestamps in two forms, a few
    // rows swapped with the agent's previous one and some repeated.
    let mut rows: Vec<(Time, String)> = Vec::new();
    for (id, s) in &streams {
        for (t, state, channel) in &s.0 {
            let stamp = if rows.len() % 5 == 0 {
                t.format("%Y-%m-%d %H:%M:%S").to_string() // GMT in November: local = UTC
            } else {
                t.to_rfc3339()
            };
            rows.push((*t, format!("{id},{stamp},{state},{channel}")));
        }
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    let mut lines: Vec<String> = rows.into_iter().map(|r| r.1).collect();
    let mut swapped = 0;
    for i in (40..lines.len()).step_by(97) {
        let agent = lines[i].split(',').next().unwrap().to_string();
        if let Some(j) = (0..i)
            .rev()
            .find(|j| lines[*j].starts_with(&format!("{agent},")))
        {
            lines.swap(i, j);
            swapped += 1;
        }
    }
    let repeats: Vec<String> = lines.iter().step_by(53).cloned().collect();
    lines.extend(repeats.iter().cloned());
    let csv = format!("agent_id,timestamp,state,channel\n{}\n", lines.join("\n"));

    let log = EventLog::read_from(csv.as_bytes(), Path::new("events.csv"), &config).unwrap();
    assert_eq!(log.duplicates(), repeats.len());
    assert!(
        log.reordered() >= 1 && log.reordered() <= swapped,
        "{}",
        log.reordered()
    );
    let found = measure(&plan, &log, &config, &Options::default()).unwrap();
    assert_eq!((found.first_date, found.last_date), (monday(), monday()));

    let mut got: Vec<Deviation> = found
        .exceptions
        .iter()
        .map(|e| (e.agent_id.clone(), e.kind, e.from, e.to))
        .collect();
    got.sort();
    injected.sort();
    assert_eq!(got, injected);
    let minutes: BTreeMap<&str, i64> = found
        .exceptions
        .iter()
        .map(|e| (e.kind.name(), e.duration().num_minutes()))
        .collect();
    assert_eq!(
        minutes
            .into_iter()
            .filter(|(k, _)| *k != "absent")
            .collect::<Vec<_>>(),
        vec![
            ("early_log_out", 20),
            ("late_log_in", 11),
            ("long_break", 8),
            ("wrong_channel", 25)
        ]
    );

    assert_eq!(found.days.len(), 43);
    for day in &found.days {
        let (total, work) = scheduled[&day.agent_id];
        let lost = off_state.get(&day.agent_id).copied().unwrap_or(0);
        let idle = off_work.get(&day.agent_id).copied().unwrap_or(0);
        assert_eq!(day.scheduled, Duration::minutes(total), "{}", day.agent_id);
        assert_eq!(
            day.adhered,
            Duration::minutes(total - lost),
            "{}",
            day.agent_id
        );
        assert_eq!(
            day.scheduled_work,
            Duration::minutes(work),
            "{}",
            day.agent_id
        );
        assert_eq!(
            day.worked,
            Duration::minutes(work - idle),
            "{}",
            day.agent_id
        );
    }
    let centre: Vec<_> = found
        .group_rows(true)
        .into_iter()
        .filter(|r| r.scope == Scope::Centre)
        .collect();
    assert_eq!(centre.len(), 1);
    let all: i64 = scheduled.values().map(|v| v.0).sum();
    let lost: i64 = off_state.values().sum();
    assert_eq!(centre[0].people, 43);
    assert_eq!(centre[0].adhered, Duration::minutes(all - lost));
    assert_eq!(centre[0].exception_count(), 5);
}
