//! Small roster instances with known optima, rule checks on the output, shortfall and diagnosis.

use chrono::{NaiveDate, NaiveTime, Weekday};
use proptest::prelude::*;
use rota_data::channel::ChannelName;
use rota_roster::{
    check_roster, schedule, AgentPlan, BreakPlan, ChannelMode, ChannelPlan, ContractRules,
    FixedShiftPlan, Horizon, RosterError, RosterProblem, SolveOptions, TemplatePlan, Unavailable,
    Weights,
};

const ALL_DAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// Monday 23 November 2026.
fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

fn horizon(days: u32) -> Horizon {
    Horizon::new(chrono_tz::Europe::London, monday(), days, 15).unwrap()
}

fn ch(name: &str) -> ChannelName {
    ChannelName::parse(name).unwrap()
}

/// A live channel needing `n` agents from `from` to `to` (local hours) on every day.
fn live(h: &Horizon, name: &str, n: f64, from: u32, to: u32) -> ChannelPlan {
    let req = (0..h.n_intervals())
        .map(|t| {
            let hour = h
                .instant(t)
                .time()
                .format("%H")
                .to_string()
                .parse::<u32>()
                .unwrap();
            if hour >= from && hour < to {
                n
            } else {
                0.0
            }
        })
        .collect();
    ChannelPlan {
        name: ch(name),
        mode: ChannelMode::Live,
        shortfall_weight: 1.0,
        requirement: req,
        worked: None,
    }
}

fn fixed_template(
    name: &str,
    start: NaiveTime,
    hours: u32,
    breaks: Vec<BreakPlan>,
) -> TemplatePlan {
    TemplatePlan {
        name: name.into(),
        weekdays: ALL_DAYS.to_vec(),
        earliest_start: start,
        latest_start: start,
        step_minutes: 15,
        length_minutes: hours * 60,
        breaks,
        team: None,
    }
}

fn flexible_contract() -> ContractRules {
    ContractRules {
        name: "flex".into(),
        min_weekly_minutes: 0,
        max_weekly_minutes: 48 * 60,
        max_days_per_week: 7,
        max_consecutive_days: 7,
        min_rest_minutes: 11 * 60,
        max_weekend_days: 2,
    }
}

fn agent(id: &str, rate: f64, skills: &[&str]) -> AgentPlan {
    AgentPlan {
        id: id.into(),
        name: format!("Agent {id}"),
        team: None,
        skills: skills.iter().map(|s| ch(s)).collect(),
        hourly_rate: rate,
        contract: flexible_contract(),
        allowed_templates: None,
        weekly_availability: [Some((hm(0, 0), hm(0, 0))); 7],
        unavailable: Vec::new(),
        fixed_shifts: Vec::new(),
    }
}

fn opts() -> SolveOptions {
    SolveOptions {
        time_limit_s: 30.0,
        mip_rel_gap: 0.0,
        ..SolveOptions::default()
    }
}

fn assert_valid(p: &RosterProblem, r: &rota_roster::Roster) {
    let v = check_roster(p, r);
    assert!(v.is_empty(), "rule violations: {v:#?}");
}

#[test]
fn cheapest_agents_cover_a_flat_morning() {
    let h = horizon(1);
    let channels = vec![live(&h, "voice", 2.0, 8, 12)];
    let templates = vec![fixed_template("morning", hm(8, 0), 4, vec![])];
    let agents = vec![
        agent("A1", 15.0, &["voice"]),
        agent("A2", 10.0, &["voice"]),
        agent("A3", 12.0, &["voice"]),
    ];
    let p = RosterProblem::new(h, channels, templates, agents, Weights::default()).unwrap();
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    // optimum: A2 and A3, 4 h each
    assert!((r.summary.paid_cost - 88.0).abs() < 1e-6, "{:?}", r.summary);
    let mut ids: Vec<_> = r.shifts.iter().map(|s| s.agent_id.as_str()).collect();
    ids.sort();
    assert_eq!(ids, ["A2", "A3"]);
    assert_eq!(r.summary.channels[0].shortfall_hours, 0.0);
    assert!(r.summary.gap < 1e-6, "gap {}", r.summary.gap);
    assert!(r.summary.bound <= r.summary.objective + 1e-6);
}

#[test]
fn shortfall_is_reported_when_headcount_is_too_small() {
    let h = horizon(1);
    let channels = vec![live(&h, "voice", 3.0, 8, 12)];
    let templates = vec![fixed_template("morning", hm(8, 0), 4, vec![])];
    let agents = vec![agent("A1", 10.0, &["voice"]), agent("A2", 10.0, &["voice"])];
    let p = RosterProblem::new(h, channels, templates, agents, Weights::default()).unwrap();
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    assert_eq!(r.shifts.len(), 2);
    assert!((r.summary.channels[0].shortfall_hours - 4.0).abs() < 1e-9);
    assert_eq!(r.summary.channels[0].intervals_short, 16);
    assert!(
        r.diagnosis
            .iter()
            .any(|d| d.contains("voice") && d.contains("08:00-12:00") && d.contains("short 1")),
        "{:?}",
        r.diagnosis
    );
}

#[test]
fn channel_nobody_is_skilled_for_is_diagnosed() {
    let h = horizon(1);
    let channels = vec![
        live(&h, "voice", 1.0, 8, 12),
        live(&h, "reception", 2.0, 9, 13),
    ];
    let templates = vec![fixed_template("morning", hm(8, 0), 4, vec![])];
    let agents = vec![agent("A1", 10.0, &["voice"])];
    let p = RosterProblem::new(h, channels, templates, agents, Weights::default()).unwrap();
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    assert!(
        r.diagnosis
            .iter()
            .any(|d| d.contains("nobody is skilled for reception")),
        "{:?}",
        r.diagnosis
    );
    assert!((r.summary.channels[1].shortfall_hours - 8.0).abs() < 1e-9);
}

#[test]
fn saturday_reception_without_available_staff_names_the_interval() {
    let h = horizon(7);
    let channels = vec![live(&h, "reception", 2.0, 9, 13)];
    let templates = vec![fixed_template("desk", hm(9, 0), 4, vec![])];
    let mut a = agent("R1", 11.0, &["reception"]);
    a.weekly_availability[5] = None; // never on Saturday
    let p = RosterProblem::new(h, channels, templates, vec![a], Weights::default()).unwrap();
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    let line = r
        .diagnosis
        .iter()
        .find(|d| d.starts_with("reception Sat"))
        .unwrap_or_else(|| panic!("{:?}", r.diagnosis));
    assert!(
        line.contains("09:00-13:00") && line.contains("required 2") && line.contains("Saturday"),
        "{line}"
    );
}

#[test]
fn contract_hours_no_template_can_satisfy_is_an_error() {
    let h = horizon(7);
    let channels = vec![live(&h, "voice", 1.0, 8, 16)];
    let templates = vec![fixed_template("day", hm(8, 0), 8, vec![])];
    let mut a = agent("A1", 10.0, &["voice"]);
    a.contract.min_weekly_minutes = 37 * 60 + 30;
    a.contract.max_weekly_minutes = 37 * 60 + 30;
    a.contract.max_days_per_week = 5;
    let p = RosterProblem::new(h, channels, templates, vec![a], Weights::default()).unwrap();
    match schedule(&p, &opts()) {
        Err(RosterError::Infeasible(lines)) => {
            assert!(
                lines[0].contains("A1")
                    && lines[0].contains("37.50")
                    && lines[0].contains("day (8 h paid)"),
                "{lines:?}"
            );
        }
        other => panic!("expected an infeasibility error, got {other:?}"),
    }
}

#[test]
fn invalid_input_is_rejected_on_construction() {
    let h = horizon(1);
    let channels = vec![live(&h, "voice", 1.0, 8, 12)];
    let mut t = fixed_template("odd", hm(8, 0), 4, vec![]);
    t.length_minutes = 250;
    let a = agent("A1", 10.0, &["chat"]);
    let e = RosterProblem::new(h, channels, vec![t], vec![a], Weights::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("not a positive multiple")
            && e.contains("skill chat is not a configured channel"),
        "{e}"
    );
}

#[test]
fn breaks_are_staggered_and_keep_cover() {
    let h = horizon(1);
    let channels = vec![live(&h, "voice", 1.0, 8, 17)];
    let breaks = vec![
        BreakPlan {
            minutes: 15,
            earliest_offset: 90,
            latest_offset: 150,
            paid: true,
        },
        BreakPlan {
            minutes: 30,
            earliest_offset: 180,
            latest_offset: 300,
            paid: false,
        },
        BreakPlan {
            minutes: 15,
            earliest_offset: 360,
            latest_offset: 450,
            paid: true,
        },
    ];
    let templates = vec![fixed_template("day", hm(8, 0), 9, breaks)];
    let agents = vec![agent("A1", 10.0, &["voice"]), agent("A2", 10.0, &["voice"])];
    let p = RosterProblem::new(h, channels, templates, agents, Weights::default()).unwrap();
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    assert_eq!(r.shifts.len(), 2);
    assert_eq!(r.shifts[0].breaks.len(), 3);
    assert!((r.shifts[0].paid_hours - 8.5).abs() < 1e-9);
    assert_eq!(
        r.summary.channels[0].shortfall_hours, 0.0,
        "{:?}",
        r.diagnosis
    );
}

#[test]
fn rest_rule_forces_a_second_agent() {
    // Late Monday 14-22 and early Tuesday 06-14: 8 h rest, so one agent cannot do both.
    let h = horizon(2);
    let mut req = vec![0.0; h.n_intervals()];
    for (t, r) in req.iter_mut().enumerate() {
        let at = h.instant(t);
        let day = h.day_of_interval(t);
        let hour: u32 = at.format("%H").to_string().parse().unwrap();
        if (day == 0 && (14..22).contains(&hour)) || (day == 1 && (6..14).contains(&hour)) {
            *r = 1.0;
        }
    }
    let channels = vec![ChannelPlan {
        name: ch("voice"),
        mode: ChannelMode::Live,
        shortfall_weight: 1.0,
        requirement: req,
        worked: None,
    }];
    let templates = vec![
        fixed_template("late", hm(14, 0), 8, vec![]),
        fixed_template("early", hm(6, 0), 8, vec![]),
    ];
    let agents = vec![agent("A1", 10.0, &["voice"]), agent("A2", 14.0, &["voice"])];
    let p = RosterProblem::new(h, channels, templates, agents, Weights::default()).unwrap();
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    assert_eq!(r.shifts.len(), 2);
    assert!(
        (r.summary.paid_cost - (80.0 + 112.0)).abs() < 1e-6,
        "{:?}",
        r.summary.paid_cost
    );
    assert_eq!(r.summary.channels[0].shortfall_hours, 0.0);
}

#[test]
fn leave_and_fixed_shifts_are_respected() {
    let h = horizon(3);
    let channels = vec![live(&h, "voice", 1.0, 8, 12)];
    let templates = vec![fixed_template("morning", hm(8, 0), 4, vec![])];
    let tz = chrono_tz::Europe::London;
    use chrono::TimeZone;
    let mut cheap = agent("A1", 8.0, &["voice"]);
    cheap.unavailable.push(Unavailable {
        from: tz.with_ymd_and_hms(2026, 11, 24, 0, 0, 0).unwrap(),
        to: tz.with_ymd_and_hms(2026, 11, 25, 0, 0, 0).unwrap(),
        reason: "leave".into(),
    });
    let mut dear = agent("A2", 20.0, &["voice"]);
    dear.fixed_shifts.push(FixedShiftPlan {
        date: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(),
        template: "morning".into(),
        start: hm(8, 0),
    });
    let p = RosterProblem::new(
        h,
        channels,
        templates,
        vec![cheap, dear],
        Weights::default(),
    )
    .unwrap();
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    let who = |d: u32| {
        r.shifts
            .iter()
            .filter(|s| s.date == NaiveDate::from_ymd_opt(2026, 11, d).unwrap())
            .map(|s| s.agent_id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(who(23), ["A1"]);
    assert_eq!(who(24), ["A2"]); // A1 on leave
    assert_eq!(who(25), ["A2"]); // fixed shift kept although A1 is cheaper
}

#[test]
fn multi_skilled_agent_covers_two_channels_in_turn() {
    // voice needs 1 agent 08-10, chat 1 agent 10-12: one voice+chat agent on one 4 h shift does both.
    let h = horizon(1);
    let channels = vec![live(&h, "voice", 1.0, 8, 10), live(&h, "chat", 1.0, 10, 12)];
    let templates = vec![fixed_template("morning", hm(8, 0), 4, vec![])];
    let agents = vec![
        agent("V", 9.0, &["voice"]),
        agent("C", 9.0, &["chat"]),
        agent("M", 11.0, &["voice", "chat"]),
    ];
    let p = RosterProblem::new(h, channels, templates, agents, Weights::default()).unwrap();
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    assert_eq!(r.shifts.len(), 1);
    assert_eq!(r.shifts[0].agent_id, "M");
    let channels: Vec<_> = r
        .activities
        .iter()
        .filter_map(|a| a.channel.as_ref().map(|c| c.to_string()))
        .collect();
    assert_eq!(channels, ["voice", "chat"]);
}

#[test]
fn deferred_work_is_done_within_its_response_target() {
    // 4 agent-intervals of email arrive 08:00-09:00; response target 4 h; the only email agent
    // works 10:00-14:00: all of it is handled in time, none per interval at arrival.
    let h = horizon(1);
    let mut work = vec![0.0; h.n_intervals()];
    for w in &mut work[32..36] {
        *w = 1.0;
    }
    let channels = vec![ChannelPlan {
        name: ch("email"),
        mode: ChannelMode::Deferred {
            response_minutes: 240,
        },
        shortfall_weight: 0.5,
        requirement: work,
        worked: None,
    }];
    let templates = vec![fixed_template("late_morning", hm(10, 0), 4, vec![])];
    let agents = vec![agent("E1", 10.0, &["email"])];
    let p = RosterProblem::new(h, channels, templates, agents, Weights::default()).unwrap();
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    assert_eq!(r.shifts.len(), 1);
    assert_eq!(r.summary.channels[0].shortfall_hours, 0.0);
    // with a 1 h target the same shift is too late
    let mut p2 = p.clone();
    p2.channels[0].mode = ChannelMode::Deferred {
        response_minutes: 60,
    };
    let r2 = schedule(&p2, &opts()).unwrap();
    assert!(r2.summary.channels[0].shortfall_hours > 0.0);
    assert!(
        r2.diagnosis.iter().any(|d| d.starts_with("email")),
        "{:?}",
        r2.diagnosis
    );
}

#[test]
fn weekly_contract_rules_hold_over_a_week() {
    let h = horizon(7);
    let channels = vec![live(&h, "voice", 2.0, 8, 16)];
    let templates = vec![fixed_template(
        "day",
        hm(8, 0),
        8,
        vec![BreakPlan {
            minutes: 30,
            earliest_offset: 180,
            latest_offset: 300,
            paid: false,
        }],
    )];
    let mut agents = Vec::new();
    for i in 0..4 {
        let mut a = agent(&format!("F{i}"), 12.0, &["voice"]);
        a.contract = ContractRules {
            name: "full_time".into(),
            min_weekly_minutes: 30 * 60,
            max_weekly_minutes: 38 * 60,
            max_days_per_week: 5,
            max_consecutive_days: 5,
            min_rest_minutes: 11 * 60,
            max_weekend_days: 1,
        };
        agents.push(a);
    }
    let p = RosterProblem::new(h, channels, templates, agents, Weights::default()).unwrap();
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    for s in &r.summary.channels {
        assert!(s.shortfall_hours < 8.0 * 2.0 * 7.0);
    }
}

fn arb_problem() -> impl Strategy<Value = RosterProblem> {
    (
        1u32..=3,
        prop::collection::vec((8.0f64..20.0, 0usize..3, any::<bool>(), 0usize..7), 2..6),
        prop::collection::vec((0.0f64..3.0, 6u32..12, 2u32..6), 2),
    )
        .prop_map(|(days, agents, demand)| {
            let h = horizon(days);
            let names = ["voice", "chat"];
            let channels: Vec<ChannelPlan> = demand
                .iter()
                .enumerate()
                .map(|(i, (n, from, span))| live(&h, names[i], n.round(), *from, from + span))
                .collect();
            let templates = vec![
                fixed_template(
                    "early",
                    hm(7, 0),
                    6,
                    vec![BreakPlan {
                        minutes: 15,
                        earliest_offset: 120,
                        latest_offset: 240,
                        paid: true,
                    }],
                ),
                TemplatePlan {
                    name: "late".into(),
                    weekdays: ALL_DAYS.to_vec(),
                    earliest_start: hm(10, 0),
                    latest_start: hm(14, 0),
                    step_minutes: 60,
                    length_minutes: 8 * 60,
                    breaks: vec![BreakPlan {
                        minutes: 30,
                        earliest_offset: 180,
                        latest_offset: 300,
                        paid: false,
                    }],
                    team: None,
                },
            ];
            let agents = agents
                .into_iter()
                .enumerate()
                .map(|(i, (rate, skill, rest_day, off))| {
                    let skills: &[&str] = match skill {
                        0 => &["voice"],
                        1 => &["chat"],
                        _ => &["voice", "chat"],
                    };
                    let mut a = agent(&format!("A{i}"), (rate * 100.0).round() / 100.0, skills);
                    if rest_day {
                        a.weekly_availability[off] = None;
                    }
                    a.contract.max_consecutive_days = 2;
                    a
                })
                .collect();
            RosterProblem::new(h, channels, templates, agents, Weights::default()).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Whatever the instance, the roster breaks no rule, stays within availability, and its
    /// objective is never below the bound.
    #[test]
    fn rosters_always_pass_the_independent_checker(p in arb_problem()) {
        let r = schedule(&p, &opts()).unwrap();
        let v = check_roster(&p, &r);
        prop_assert!(v.is_empty(), "{:#?}", v);
        prop_assert!(r.summary.bound <= r.summary.objective + 1e-6 * r.summary.objective.abs().max(1.0));
    }
}

/// One agent, two days, a 4-hour template starting 07:00-10:00 on the hour; the requirement is
/// one agent in `day0` hours on Monday and `day1` hours on Tuesday.
fn two_day_problem(day0: (u32, u32), day1: (u32, u32), shift_change: f64) -> RosterProblem {
    use chrono::Timelike;
    let h = horizon(2);
    let req = (0..h.n_intervals())
        .map(|t| {
            let hour = h.instant(t).hour();
            let (from, to) = if h.day_of_interval(t) == 0 {
                day0
            } else {
                day1
            };
            if hour >= from && hour < to {
                1.0
            } else {
                0.0
            }
        })
        .collect();
    let channels = vec![ChannelPlan {
        name: ch("voice"),
        mode: ChannelMode::Live,
        shortfall_weight: 1.0,
        requirement: req,
        worked: None,
    }];
    let mut t = fixed_template("flex4", hm(7, 0), 4, vec![]);
    t.latest_start = hm(10, 0);
    t.step_minutes = 60;
    let weights = Weights {
        shift_change_per_hour: shift_change,
        ..Weights::default()
    };
    RosterProblem::new(
        h,
        channels,
        vec![t],
        vec![agent("A", 10.0, &["voice"])],
        weights,
    )
    .unwrap()
}

#[test]
fn shift_change_penalty_keeps_start_times_and_is_counted_in_the_objective() {
    // Tuesday can start at any hour 07-10: with the penalty it keeps Monday's 07:00
    let p = two_day_problem((7, 9), (10, 11), 1.0);
    let r = schedule(&p, &opts()).unwrap();
    assert_valid(&p, &r);
    let starts: Vec<_> = r.shifts.iter().map(|s| s.start.time()).collect();
    assert_eq!(starts, vec![hm(7, 0), hm(7, 0)], "{:?}", r.shifts);
    // forced change (Monday 07:00, Tuesday 10:00): 3 hours at the weight, in the objective
    let forced = |w: f64| {
        let p = two_day_problem((7, 9), (10, 14), w);
        let r = schedule(&p, &opts()).unwrap();
        assert_valid(&p, &r);
        assert!(r.summary.bound <= r.summary.objective + 1e-6);
        r.summary.objective
    };
    let (without, with) = (forced(0.0), forced(2.0));
    assert!((with - without - 6.0).abs() < 1e-6, "{without} {with}");
}
