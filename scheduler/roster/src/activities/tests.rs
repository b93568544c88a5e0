use chrono::{NaiveDate, Timelike};

use super::*;
use crate::{check_roster, synthetic, ActivityKind};

/// Two weekdays, one voice queue open 08:00-17:00 that needs 6 people 09:00-12:00 and 2 the rest
/// of the day, six voice agents of one team on 8-hour day shifts (08:00 or 09:00) with a 30-minute
/// unpaid lunch: small enough to solve in a second or two.
fn small() -> RosterProblem {
    crate::testkit::two_voice_days(
        |h| match h {
            9..=11 => 6.0,
            8 | 12..=16 => 2.0,
            _ => 0.0,
        },
        Some("blue"),
    )
}

fn monday() -> NaiveDate {
    crate::testkit::monday()
}

fn plan(problem: &RosterProblem, name: &str, style: ActivityStyle, minutes: usize) -> ActivityPlan {
    let step = problem.horizon.interval_minutes() as usize;
    let len = minutes / step;
    ActivityPlan {
        name: name.into(),
        label: name.into(),
        style,
        teams: Vec::new(),
        agent_ids: Vec::new(),
        skills: Vec::new(),
        len,
        sessions_per_week: 1,
        min_intervals: len,
        max_intervals: len,
        window: vec![true; problem.horizon.n_intervals()],
        mandatory: true,
        split: false,
    }
}

use crate::testkit::solve;

/// A 1-hour training each and a team meeting: every agent with shifts gets exactly one training
/// hour, the team meets at one time, in the quieter half of the day, the independent checker
/// finds nothing, and the activities appear in the written roster by name.
#[test]
fn every_agent_gets_their_training_and_the_checker_agrees() {
    let base = small();
    let training = plan(&base, "training", ActivityStyle::Individual, 60);
    let meeting = plan(&base, "team_meeting", ActivityStyle::Together, 30);
    let problem = base.with_activities(vec![training, meeting]).unwrap();
    let roster = solve(&problem);
    assert!(
        check_roster(&problem, &roster).is_empty(),
        "{:?}",
        check_roster(&problem, &roster)
    );
    let rostered: std::collections::BTreeSet<&str> =
        roster.shifts.iter().map(|s| s.agent_id.as_str()).collect();
    for id in &rostered {
        let minutes: i64 = roster
            .activities
            .iter()
            .filter(|a| a.agent_id == *id && a.activity == ActivityKind::Planned("training".into()))
            .map(|a| (a.end - a.start).num_minutes())
            .sum();
        assert_eq!(minutes, 60, "{id}");
    }
    let report = |name: &str| {
        roster
            .summary
            .activities
            .iter()
            .find(|r| r.name == name)
            .unwrap()
    };
    let training = report("training");
    assert!(training.short.is_empty(), "{training:?}");
    assert_eq!(training.min_agent_hours, 1.0);
    let meeting = report("team_meeting");
    assert_eq!(
        meeting.meetings.len(),
        1,
        "one team (no teams set), one meeting a week"
    );
    assert!(meeting.meetings[0].attendees >= 1);
    // everyone in the meeting is in it at the same time
    let starts: std::collections::BTreeSet<_> = roster
        .activities
        .iter()
        .filter(|a| a.activity == ActivityKind::Planned("team_meeting".into()))
        .map(|a| a.start)
        .collect();
    assert_eq!(starts.len(), 1, "{starts:?}");
    // the morning peak (09:00-12:00, 6 needed) is the busier half: nothing goes there
    for a in &roster.activities {
        if matches!(a.activity, ActivityKind::Planned(_)) {
            let h = a.start.hour();
            assert!(!(9..12).contains(&h), "{a:?} in the peak");
        }
    }
}

/// A session longer than any shift is refused when the problem is built, naming the activity.
#[test]
fn a_session_longer_than_any_shift_is_refused() {
    let problem = synthetic::centre(20, monday(), 7).unwrap();
    let long = plan(&problem, "away_day", ActivityStyle::Individual, 600);
    let err = problem.with_activities(vec![long]).unwrap_err().to_string();
    assert!(
        err.contains("away_day") && err.contains("600 minutes"),
        "{err}"
    );
}

/// A window no shift reaches (05:00-06:00) places nothing and the diagnosis says why, in hours.
#[test]
fn a_window_no_agent_can_attend_is_diagnosed() {
    let problem = small();
    let mut early = plan(&problem, "briefing", ActivityStyle::Individual, 30);
    early.window = (0..problem.horizon.n_intervals())
        .map(|t| problem.horizon.instant(t).hour() == 5)
        .collect();
    let problem = problem.with_activities(vec![early]).unwrap();
    let roster = solve(&problem);
    assert!(
        roster
            .diagnosis
            .iter()
            .any(|d| d.starts_with("briefing:") && d.contains("could not be placed")),
        "{:?}",
        roster.diagnosis
    );
    assert!(check_roster(&problem, &roster).is_empty());
}

/// One agent whose only skill is channel `c` of the synthetic centre, on one Monday shift that
/// works `c` throughout, with `c`'s requirement set by `demand(t, shift)`: where does `act` go?
fn one_shift(
    c: usize,
    demand: impl Fn(usize, &crate::options::ShiftOption) -> f64,
    act: impl FnOnce(&RosterProblem) -> ActivityPlan,
) -> (Placement, crate::options::ShiftOption) {
    let mut problem = synthetic::centre(20, monday(), 7).unwrap();
    let options = crate::options::build_options(&problem);
    let a = (0..problem.agents.len())
        .find(|&a| problem.skill_set(a) == vec![c])
        .expect("an agent with that one skill");
    let o = options.per_agent[a]
        .iter()
        .copied()
        .find(|&o| options.options[o].day == 0)
        .expect("a Monday option");
    let opt = options.options[o].clone();
    for (t, r) in problem.channels[c].requirement.iter_mut().enumerate() {
        *r = demand(t, &opt);
    }
    let act = act(&problem);
    let problem = problem.with_activities(vec![act]).unwrap();
    let n_t = problem.horizon.n_intervals();
    let mut assignment: Assignment = vec![vec![None; n_t]; problem.agents.len()];
    for cell in &mut assignment[a][opt.first..opt.last] {
        *cell = Some(c);
    }
    let shifts = vec![PlacedShift {
        agent: a,
        option: o,
        break_starts: opt.breaks.iter().map(|b| b.earliest).collect(),
    }];
    (place(&problem, &options, &shifts, &assignment), opt)
}

fn duty(problem: &RosterProblem, min: usize, max: usize) -> ActivityPlan {
    let mut duty = plan(problem, "facilities", ActivityStyle::FillQuietTime, 30);
    duty.min_intervals = min;
    duty.max_intervals = max;
    duty
}

/// A voice queue busy in the shift's first half and without demand in its second: the training
/// goes to the second half, where it costs nothing.
#[test]
fn a_session_goes_where_the_queue_needs_the_agent_least() {
    let mid = std::cell::Cell::new(0);
    let (out, opt) = one_shift(
        0,
        |t, opt| {
            mid.set((opt.first + opt.last) / 2);
            if t < mid.get() {
                5.0
            } else {
                0.0
            }
        },
        |p| plan(p, "training", ActivityStyle::Individual, 60),
    );
    assert_eq!(out.placed.len(), 1);
    let p = out.placed[0];
    assert!(
        p.start >= mid.get(),
        "placed at {} in {}..{}",
        p.start,
        opt.first,
        opt.last
    );
    assert_eq!(p.end - p.start, 4);
    assert!(out.assignment[p.agent][p.start..p.end]
        .iter()
        .all(Option::is_none));
}

/// Quiet-time work goes where the queue does not need the agent, and no further than that once
/// its minimum is met: reception needs 3 people all shift except its last hour.
#[test]
fn quiet_time_work_takes_its_minimum_and_then_only_idle_time() {
    let quiet_from = |opt: &crate::options::ShiftOption| opt.last - 4;
    let (out, opt) = one_shift(
        1,
        |t, opt| if t >= quiet_from(opt) { 0.0 } else { 3.0 },
        |p| duty(p, 2, 32),
    );
    let total: usize = out.placed.iter().map(|p| p.end - p.start).sum();
    let busy = out
        .placed
        .iter()
        .flat_map(|p| p.start..p.end)
        .filter(|&t| t < quiet_from(&opt))
        .count();
    // the cheapest place for the minimum is the quiet hour too; the rest of the shift is busy
    assert_eq!(busy, 0, "only quiet time: {:?}", out.placed);
    assert_eq!(total, 4, "the whole quiet hour: {:?}", out.placed);
    assert!(out.reports[0].short.is_empty(), "{:?}", out.reports[0]);
}

/// The weekly minimum of quiet-time work is placed even where every interval is busy.
#[test]
fn quiet_time_minimum_is_placed_even_when_the_queue_is_busy() {
    let (out, _) = one_shift(1, |_, _| 3.0, |p| duty(p, 4, 16));
    let total: usize = out.placed.iter().map(|p| p.end - p.start).sum();
    assert_eq!(total, 4, "the minimum and no more: {:?}", out.placed);
}
