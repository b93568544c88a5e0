use chrono::{NaiveTime, TimeZone, Timelike};

use super::*;
use crate::problem::Unavailable;
use crate::{check_roster, schedule, SolveOptions};

fn week(need: impl Fn(u32) -> f64) -> RosterProblem {
    crate::testkit::two_voice_days(need, None)
}

use crate::testkit::solve;

fn tuesday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 24).unwrap()
}

/// `problem` with agent `id` off sick all Tuesday.
fn sick_on_tuesday(mut problem: RosterProblem, id: &str) -> RosterProblem {
    let tz = problem.horizon.tz();
    let day = |d: NaiveDate| {
        tz.from_local_datetime(&d.and_time(NaiveTime::MIN))
            .earliest()
            .unwrap()
    };
    let agent = problem.agents.iter_mut().find(|a| a.id == id).unwrap();
    agent.unavailable.push(Unavailable {
        from: day(tuesday()),
        to: day(tuesday() + chrono::Duration::days(1)),
        reason: "sick".into(),
    });
    problem
}

/// The published two days, one agent sick on Tuesday, re-planned from Tuesday: Monday and every
/// kept shift's breaks and channel work stay exactly as published, the independent checker finds
/// nothing, and the report counts the lost shift apart from the others.
#[test]
fn a_replan_keeps_the_pinned_day_and_every_kept_shift_as_published() {
    let problem = week(|h| match h {
        9..=11 => 5.0,
        8 | 12..=16 => 2.0,
        _ => 0.0,
    });
    let published = solve(&problem);
    let sick = published
        .shifts
        .iter()
        .find(|s| s.date == tuesday())
        .expect("someone works Tuesday")
        .agent_id
        .clone();
    let shifts: Vec<BaselineShift> = BaselineShift::all_of(&published)
        .into_iter()
        .filter(|s| !(s.agent_id == sick && s.start.date_naive() == tuesday()))
        .collect();
    let replan = sick_on_tuesday(problem, &sick).with_baseline(Baseline {
        shifts,
        open_from: tuesday(),
        move_cost: Baseline::DEFAULT_MOVE_COST,
        pinned_agents: vec![sick.clone()],
    });
    let roster = solve(&replan);
    let violations = check_roster(&replan, &roster);
    assert!(violations.is_empty(), "{violations:?}");
    let report = roster.summary.replan.as_ref().expect("a re-plan reports");
    let others_on_tuesday = published
        .shifts
        .iter()
        .filter(|s| s.date == tuesday() && s.agent_id != sick)
        .count();
    assert_eq!(report.open_shifts, others_on_tuesday, "{report:?}");
    assert_eq!(
        report.kept + report.moved + report.removed,
        report.open_shifts
    );
    // Monday, and every shift kept, as published: the same periods, break for break
    let periods = |r: &Roster, id: &str, date: NaiveDate| -> Vec<String> {
        let shift = r.shifts.iter().find(|s| s.agent_id == id && s.date == date);
        r.activities
            .iter()
            .filter(|a| {
                shift.is_some_and(|s| a.agent_id == id && s.start <= a.start && a.end <= s.end)
            })
            .map(|a| format!("{} {} {} {:?}", a.start, a.end, a.activity, a.channel))
            .collect()
    };
    for s in &published.shifts {
        let kept = roster
            .shifts
            .iter()
            .any(|r| r.agent_id == s.agent_id && r.start == s.start && r.end == s.end);
        if s.date < tuesday() {
            assert!(kept, "Monday's {} moved", s.agent_id);
        }
        if kept {
            assert_eq!(
                periods(&roster, &s.agent_id, s.date),
                periods(&published, &s.agent_id, s.date),
                "{} on {}",
                s.agent_id,
                s.date
            );
        }
    }
    assert!(!roster
        .shifts
        .iter()
        .any(|s| s.agent_id == sick && s.date == tuesday()));
    // the checker notices a pinned day changed behind the programme's back
    let mut edited = roster.clone();
    let monday = edited
        .shifts
        .iter_mut()
        .find(|s| s.date < tuesday())
        .expect("a Monday shift");
    monday.start += chrono::Duration::hours(1);
    monday.end += chrono::Duration::hours(1);
    let who = monday.agent_id.clone();
    let found = check_roster(&replan, &edited);
    assert!(
        found
            .iter()
            .any(|v| v.rule == "published" && v.agent.as_deref() == Some(who.as_str())),
        "{found:?}"
    );
}

/// Published: everyone starts at 08:00 on Tuesday, but the queue needs three people until 17:00
/// and one before 09:00. At a small cost per move the re-plan moves starts to 09:00 and the late
/// shortfall goes; at a prohibitive cost nothing moves. Monday is pinned either way, and the
/// moved shifts are listed with their times before and after.
#[test]
fn a_shift_moves_only_when_it_wins_back_more_than_the_move_costs() {
    let need = |h: u32| match h {
        8 => 1.0,
        9..=16 => 3.0,
        _ => 0.0,
    };
    let problem = week(need);
    let tz = problem.horizon.tz();
    let at = |d: NaiveDate, h: u32, m: u32| {
        tz.from_local_datetime(&d.and_hms_opt(h, m, 0).unwrap())
            .earliest()
            .unwrap()
            .fixed_offset()
    };
    let monday = tuesday() - chrono::Duration::days(1);
    let mut shifts = Vec::new();
    for i in 0..4 {
        for d in [monday, tuesday()] {
            shifts.push(BaselineShift {
                agent_id: format!("A{i}"),
                start: at(d, 8, 0),
                end: at(d, 16, 30),
                periods: Vec::new(),
            });
        }
    }
    let replanned = |move_cost: f64| {
        let p = problem.clone().with_baseline(Baseline {
            shifts: shifts.clone(),
            open_from: tuesday(),
            move_cost,
            pinned_agents: Vec::new(),
        });
        let roster = solve(&p);
        let violations = check_roster(&p, &roster);
        assert!(violations.is_empty(), "{violations:?}");
        roster
    };
    let short_after_16 = |r: &Roster| -> f64 {
        r.coverage
            .iter()
            .filter(|c| {
                let local = c.interval_start.with_timezone(&tz);
                local.date_naive() == tuesday() && local.hour() == 16
            })
            .map(|c| c.shortfall)
            .sum()
    };
    let frozen = replanned(1e6);
    let report = frozen.summary.replan.clone().unwrap();
    assert_eq!(report.changed(), 0, "{report:?}");
    assert_eq!(report.kept, 4);
    assert!(short_after_16(&frozen) > 1.0);

    let cheap = replanned(10.0);
    let report = cheap.summary.replan.clone().unwrap();
    assert!(report.changed() >= 1, "{report:?}");
    assert!(
        short_after_16(&cheap) < short_after_16(&frozen),
        "{} -> {}",
        short_after_16(&frozen),
        short_after_16(&cheap)
    );
    for c in &report.changes {
        assert_eq!(c.date, tuesday(), "{c:?}");
    }
    for s in cheap.shifts.iter().filter(|s| s.date == monday) {
        assert_eq!(s.start, at(monday, 8, 0), "Monday is pinned: {s:?}");
    }
    assert!(cheap.summary.objective <= frozen.summary.objective + 1e-6);
}

/// Bad baselines are errors naming the shift: an unknown agent, a shift outside the days, a
/// pinned shift no template allows, and a first open day after the horizon.
#[test]
fn baselines_the_programme_cannot_honour_are_named() {
    let problem = week(|_| 1.0);
    let tz = problem.horizon.tz();
    let at = |d: NaiveDate, h: u32| {
        tz.from_local_datetime(&d.and_hms_opt(h, 0, 0).unwrap())
            .earliest()
            .unwrap()
            .fixed_offset()
    };
    let monday = tuesday() - chrono::Duration::days(1);
    let shift = |id: &str, d: NaiveDate, h: u32, len: u32| BaselineShift {
        agent_id: id.into(),
        start: at(d, h),
        end: at(d, h + len),
        periods: Vec::new(),
    };
    let with = |shifts: Vec<BaselineShift>, open_from: NaiveDate| {
        let p = problem.clone().with_baseline(Baseline {
            shifts,
            open_from,
            move_cost: 1.0,
            pinned_agents: Vec::new(),
        });
        schedule(&p, &SolveOptions::default())
            .unwrap_err()
            .to_string()
    };
    let e = with(vec![shift("ZZ9", monday, 8, 8)], tuesday());
    assert!(e.contains("ZZ9") && e.contains("no such agent"), "{e}");
    let e = with(
        vec![shift("A1", monday + chrono::Duration::days(5), 8, 8)],
        tuesday(),
    );
    assert!(e.contains("outside the 2 days"), "{e}");
    let e = with(vec![shift("A1", monday, 6, 3)], tuesday());
    assert!(e.contains("A1") && e.contains("no shift template"), "{e}");
    let e = with(Vec::new(), monday + chrono::Duration::days(3));
    assert!(e.contains("after the roster's last day"), "{e}");
}

/// An absence that began on a pinned day: the absent agent's published shifts in it are lost,
/// not kept and not an error, and only those on the open days are counted as lost; the checker
/// agrees.
#[test]
fn shifts_an_absence_overlaps_are_lost_even_on_pinned_days() {
    let problem = week(|h| match h {
        9..=11 => 5.0,
        8 | 12..=16 => 2.0,
        _ => 0.0,
    });
    let published = solve(&problem);
    let monday = tuesday() - chrono::Duration::days(1);
    let sick = published
        .shifts
        .iter()
        .find(|s| {
            s.date == monday
                && published
                    .shifts
                    .iter()
                    .any(|t| t.agent_id == s.agent_id && t.date == tuesday())
        })
        .expect("someone works both days")
        .agent_id
        .clone();
    let mut absent = sick_on_tuesday(problem, &sick);
    let tz = absent.horizon.tz();
    let agent = absent.agents.iter_mut().find(|a| a.id == sick).unwrap();
    agent.unavailable[0].from = tz
        .from_local_datetime(&monday.and_time(NaiveTime::MIN))
        .earliest()
        .unwrap();
    let replan = absent.with_baseline(Baseline {
        shifts: BaselineShift::all_of(&published),
        open_from: tuesday(),
        move_cost: Baseline::DEFAULT_MOVE_COST,
        pinned_agents: vec![sick.clone()],
    });
    let roster = solve(&replan);
    let violations = check_roster(&replan, &roster);
    assert!(violations.is_empty(), "{violations:?}");
    assert!(!roster.shifts.iter().any(|s| s.agent_id == sick));
    let report = roster.summary.replan.unwrap();
    assert_eq!(report.lost_to_absence, 1, "{report:?}");
}
