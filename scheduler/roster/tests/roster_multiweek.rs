//! Rules across weeks (issue #15, Build 4) on a small centre of hourly intervals: consecutive days
//! and rest across the previous roster's boundary, one whole weekend in two off, annualised hours
//! and the fairness of Saturdays. Each rule is shown two ways: the programme keeps it, and the
//! independent checker reports a roster that breaks it (a roster solved without the rule, checked
//! against the problem with it).

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Europe::London;
use rota_data::channel::ChannelName;
use rota_roster::fairness::{self, FairKind};
use rota_roster::multiweek::{
    Averaging, ContractWeeks, FairnessRules, History, PastShift, WeekendRule,
};
use rota_roster::{
    check_roster, schedule, AgentPlan, ChannelMode, ChannelPlan, ContractRules, Horizon, Roster,
    RosterError, RosterProblem, SolveOptions, TemplatePlan, Weights,
};

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

fn hm(h: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, 0, 0).unwrap()
}

const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// `days` days from Monday 16 November 2026 in hourly intervals: one voice queue open 09:00-17:00
/// every day needing `need(date)` agents, `agents` voice agents on 8-hour day shifts (09:00) of
/// contract `c` (0-48 h, at most 5 days a week and 5 in a row, 11 h rest).
fn centre(days: u32, agents: usize, need: impl Fn(NaiveDate) -> f64) -> RosterProblem {
    let horizon = Horizon::new(London, monday(), days, 60).unwrap();
    let voice = ChannelName::parse("voice").unwrap();
    let requirement = (0..horizon.n_intervals())
        .map(|t| {
            let at = horizon.instant(t);
            let open = (9..17).contains(&chrono::Timelike::hour(&at));
            if open {
                need(at.date_naive())
            } else {
                0.0
            }
        })
        .collect();
    let channels = vec![ChannelPlan {
        name: voice.clone(),
        mode: ChannelMode::Live,
        shortfall_weight: 1.0,
        requirement,
        worked: None,
    }];
    let templates = vec![TemplatePlan {
        name: "day".into(),
        weekdays: ALL_DAYS.to_vec(),
        earliest_start: hm(9),
        latest_start: hm(9),
        step_minutes: 60,
        length_minutes: 8 * 60,
        breaks: Vec::new(),
        team: None,
    }];
    let agents = (0..agents)
        .map(|i| AgentPlan {
            id: format!("A{i}"),
            name: format!("Agent {i}"),
            team: Some("floor".into()),
            skills: vec![voice.clone()],
            hourly_rate: 12.0,
            contract: ContractRules {
                name: "c".into(),
                min_weekly_minutes: 0,
                max_weekly_minutes: 48 * 60,
                max_days_per_week: 5,
                max_consecutive_days: 5,
                min_rest_minutes: 11 * 60,
                max_weekend_days: 2,
            },
            allowed_templates: None,
            weekly_availability: [Some((NaiveTime::MIN, NaiveTime::MIN)); 7],
            unavailable: Vec::new(),
            fixed_shifts: Vec::new(),
        })
        .collect();
    RosterProblem::new(horizon, channels, templates, agents, Weights::default())
        .unwrap()
        .with_stints(rota_roster::StintRules {
            min_stint_minutes: 0,
            max_switches_per_shift: 99,
        })
}

fn solve(problem: &RosterProblem) -> Roster {
    schedule(
        problem,
        &SolveOptions {
            time_limit_s: 30.0,
            mip_rel_gap: 0.0,
            ..Default::default()
        },
    )
    .unwrap()
}

fn rules(problem: &RosterProblem, roster: &Roster) -> Vec<&'static str> {
    let mut r: Vec<_> = check_roster(problem, roster)
        .iter()
        .map(|v| v.rule)
        .collect();
    r.sort_unstable();
    r.dedup();
    r
}

fn works(roster: &Roster, agent: &str, date: NaiveDate) -> bool {
    roster
        .shifts
        .iter()
        .any(|s| s.agent_id == agent && s.date == date)
}

/// A shift of the previous roster from `from` to `to` o'clock on `date` (`to` may be 24+).
fn past(agent: &str, date: NaiveDate, from: u32, to: u32) -> PastShift {
    let start = London
        .from_local_datetime(&date.and_time(hm(from)))
        .unwrap();
    PastShift {
        agent_id: agent.into(),
        date,
        start: start.fixed_offset(),
        end: (start + Duration::hours(i64::from(to - from))).fixed_offset(),
    }
}

fn previous_week(shifts: Vec<PastShift>) -> History {
    History {
        first: monday() - Duration::days(7),
        last: monday() - Duration::days(1),
        shifts,
    }
}

#[test]
fn the_previous_rosters_last_days_count_towards_consecutive_days() {
    // everybody is needed on Monday; A0 worked Wednesday to Sunday before it (5 in a row)
    let busy_monday = |d: NaiveDate| if d == monday() { 3.0 } else { 1.0 };
    let tail: Vec<PastShift> = (1..=5)
        .map(|k| past("A0", monday() - Duration::days(k), 9, 17))
        .collect();
    let without = centre(7, 3, busy_monday);
    let with = without.clone().with_history(previous_week(tail)).unwrap();
    assert_eq!(with.tail_run(0), 5);

    let roster = solve(&with);
    assert!(!works(&roster, "A0", monday()), "a sixth day in a row");
    assert!(works(&roster, "A1", monday()) && works(&roster, "A2", monday()));
    assert_eq!(rules(&with, &roster), Vec::<&str>::new());

    // planned without the previous roster, A0 works Monday: the checker sees the sixth day
    let blind = solve(&without);
    assert!(works(&blind, "A0", monday()));
    assert_eq!(rules(&with, &blind), vec!["consecutive_days"]);
}

#[test]
fn rest_runs_from_the_previous_rosters_last_shift() {
    // A1's last shift ended at 23:00 on Sunday: no 09:00 start on Monday (11 h rest: 10:00)
    let busy_monday = |d: NaiveDate| if d == monday() { 2.0 } else { 1.0 };
    let sunday = monday() - Duration::days(1);
    let without = centre(3, 2, busy_monday);
    let with = without
        .clone()
        .with_history(previous_week(vec![past("A1", sunday, 15, 23)]))
        .unwrap();
    let roster = solve(&with);
    assert!(!works(&roster, "A1", monday()));
    assert_eq!(rules(&with, &roster), Vec::<&str>::new());
    let blind = solve(&without);
    assert!(works(&blind, "A1", monday()));
    assert_eq!(rules(&with, &blind), vec!["rest"]);
}

fn with_weekend_rule(problem: RosterProblem) -> RosterProblem {
    let mut mw = problem.multiweek.clone();
    mw.contracts.insert(
        "c".into(),
        ContractWeeks {
            weekend: Some(WeekendRule {
                off: 1,
                in_weeks: 2,
                whole: true,
            }),
            averaging: None,
        },
    );
    problem.with_multiweek(mw)
}

#[test]
fn one_whole_weekend_in_two_is_off_within_the_plan_and_across_the_previous_roster() {
    // two weeks; weekends need two of the three agents
    let weekend = |d: NaiveDate| {
        if matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            2.0
        } else {
            1.0
        }
    };
    let without = centre(14, 3, weekend);
    let with = with_weekend_rule(without.clone());
    let roster = solve(&with);
    assert_eq!(rules(&with, &roster), Vec::<&str>::new());
    for a in ["A0", "A1", "A2"] {
        let weekends_worked = [5, 12]
            .iter()
            .filter(|&&d| {
                let sat = monday() + Duration::days(d);
                works(&roster, a, sat) || works(&roster, a, sat + Duration::days(1))
            })
            .count();
        assert!(weekends_worked <= 1, "{a} works both weekends");
    }
    // without the rule someone works both weekends, and the checker says so
    let blind = solve(&without);
    assert!(rules(&with, &blind).contains(&"weekends_in_weeks"));

    // rolling on: A0 worked last Saturday, so this plan's first weekend must be off for A0
    let one_week = with_weekend_rule(centre(7, 3, weekend))
        .with_history(previous_week(vec![past(
            "A0",
            monday() - Duration::days(2),
            9,
            17,
        )]))
        .unwrap();
    let rolled = solve(&one_week);
    assert_eq!(rules(&one_week, &rolled), Vec::<&str>::new());
    let sat = monday() + Duration::days(5);
    assert!(!works(&rolled, "A0", sat) && !works(&rolled, "A0", sat + Duration::days(1)));
}

#[test]
fn a_weekend_rule_the_previous_roster_and_fixed_shifts_break_is_a_plain_error() {
    let mut problem = with_weekend_rule(centre(7, 2, |_| 1.0));
    let sat = monday() + Duration::days(5);
    problem.agents[0]
        .fixed_shifts
        .push(rota_roster::FixedShiftPlan {
            date: sat,
            template: "day".into(),
            start: hm(9),
        });
    let problem = problem
        .with_history(previous_week(vec![past(
            "A0",
            monday() - Duration::days(1),
            9,
            17,
        )]))
        .unwrap();
    match schedule(&problem, &SolveOptions::default()) {
        Err(RosterError::Infeasible(lines)) => {
            let text = lines.join("\n");
            assert!(
                text.contains("A0") && text.contains("1 whole weekend off in every 2 weeks"),
                "{text}"
            );
        }
        other => panic!(
            "expected a diagnosis, got {:?}",
            other.map(|r| r.summary.shifts)
        ),
    }
}

#[test]
fn annualised_hours_flex_per_week_and_hold_on_average() {
    // week 1 needs both agents every day, week 2 nobody: the average of 24-32 h over two weeks
    // lets week 1 run to 40 h (5 shifts) and week 2 drop to 8 h
    let first_week = |d: NaiveDate| {
        if d < monday() + Duration::days(7) {
            2.0
        } else {
            0.0
        }
    };
    let mut problem = centre(14, 2, first_week);
    for a in &mut problem.agents {
        a.contract.min_weekly_minutes = 24 * 60;
        a.contract.max_weekly_minutes = 32 * 60;
    }
    let fixed_weeks = problem.clone();
    let mut mw = problem.multiweek.clone();
    mw.contracts.insert(
        "c".into(),
        ContractWeeks {
            weekend: None,
            averaging: Some(Averaging {
                weeks: 2,
                week_min_minutes: 8 * 60,
                week_max_minutes: 40 * 60,
            }),
        },
    );
    let problem = problem.with_multiweek(mw);
    let roster = solve(&problem);
    assert_eq!(rules(&problem, &roster), Vec::<&str>::new());
    let hours = |r: &Roster, a: &str, week: i64| -> f64 {
        r.shifts
            .iter()
            .filter(|s| s.agent_id == a && (s.date - monday()).num_days() / 7 == week)
            .map(|s| s.paid_hours)
            .sum()
    };
    for a in ["A0", "A1"] {
        let (w1, w2) = (hours(&roster, a, 0), hours(&roster, a, 1));
        assert!(w1 > 32.0, "{a}: {w1} h in the busy week");
        assert!((48.0..=64.0).contains(&(w1 + w2)), "{a}: {w1} + {w2} h");
    }
    // planned week by week (no averaging), the busy week stops at 32 h; the same roster checked
    // against a week-by-week contract breaks its weekly hours
    let weekly = solve(&fixed_weeks);
    assert!(hours(&weekly, "A0", 0) <= 32.0 + 1e-9);
    assert!(rules(&fixed_weeks, &roster).contains(&"weekly_hours"));
    // and a roster whose average falls short breaks the averaged rule
    let mut short = roster.clone();
    short.shifts.retain(|s| {
        s.agent_id != "A0"
            || (s.date - monday()).num_days() >= 7
            || s.date.weekday() == Weekday::Mon
    });
    assert!(rules(&problem, &short).contains(&"averaged_hours"));
}

#[test]
fn saturdays_are_spread_over_comparable_agents() {
    // four Saturdays need two agents each; four agents; weekdays need one
    let saturdays = |d: NaiveDate| {
        if d.weekday() == Weekday::Sat {
            2.0
        } else {
            1.0
        }
    };
    let mut problem = centre(28, 4, saturdays);
    let mut mw = problem.multiweek.clone();
    mw.fairness = Some(FairnessRules {
        weight: 50.0,
        late_after: hm(19),
        rolling_weeks: 8,
    });
    problem = problem.with_multiweek(mw);
    let roster = solve(&problem);
    assert_eq!(rules(&problem, &roster), Vec::<&str>::new());
    let report = fairness::report(&problem, &roster);
    let sat = report
        .kinds
        .iter()
        .find(|k| k.kind == FairKind::Saturday)
        .unwrap();
    assert_eq!(sat.planned, 8);
    assert_eq!(sat.agents_compared, 4);
    assert!(sat.largest_spread <= 1, "{sat:?}");
    let rows: Vec<_> = report
        .rows
        .iter()
        .filter(|r| r.kind == FairKind::Saturday)
        .collect();
    assert_eq!(rows.len(), 4);
    assert!(rows.iter().all(|r| (r.group_mean - 2.0).abs() < 1e-9));
    assert!(rows.iter().all(|r| r.deviation.abs() <= 1.0));
    // the spread priced in the objective keeps the LP bound below it
    assert!(roster.summary.bound <= roster.summary.objective + 1e-6);
    let mut csv = Vec::new();
    report.write_csv(&mut csv).unwrap();
    let text = String::from_utf8(csv).unwrap();
    assert!(text
        .starts_with("agent_id,agent_name,kind,group,planned,previous,total,group_mean,deviation"));
}

#[test]
fn the_previous_rosters_saturdays_count_in_the_rolling_window() {
    // one Saturday needing one agent; A0 and A1 worked last Saturday, A2 did not: A2 gets it
    let saturday = |d: NaiveDate| {
        if d.weekday() == Weekday::Sat {
            1.0
        } else {
            0.0
        }
    };
    let mut problem = centre(7, 3, saturday);
    let mut mw = problem.multiweek.clone();
    mw.fairness = Some(FairnessRules {
        weight: 50.0,
        late_after: hm(19),
        rolling_weeks: 4,
    });
    problem = problem.with_multiweek(mw);
    let last_sat = monday() - Duration::days(2);
    let problem = problem
        .with_history(previous_week(vec![
            past("A0", last_sat, 9, 17),
            past("A1", last_sat, 9, 17),
        ]))
        .unwrap();
    let roster = solve(&problem);
    assert!(works(&roster, "A2", monday() + Duration::days(5)));
    let report = fairness::report(&problem, &roster);
    let a0 = report
        .rows
        .iter()
        .find(|r| r.agent_id == "A0" && r.kind == FairKind::Saturday)
        .unwrap();
    assert_eq!((a0.planned, a0.previous, a0.total), (0, 1, 1));
}
