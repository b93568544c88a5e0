//! Mutation tests of the independent roster checker, `check_roster`: a small hand-built roster that
//! passes, then for every rule the checker guards the same roster broken in exactly that way.
//!
//! Why: `check_roster` is the pass/fail oracle of every roster test, and those tests only ever show
//! it valid rosters. A checker that regressed to "no violations" would pass them all. Here every
//! rule has to fire on a roster that breaks it; `scripts/mutate-checker.sh` switches the rules off
//! one at a time to show these tests notice.
//!
//! The fixture is built by hand, not solved: that keeps it deterministic and fast, and each
//! mutation knows exactly which shift it touches. Each test checks the full set of rules reported,
//! so a mutation that broke a second rule by accident would show up.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone, Weekday};
use chrono_tz::Europe::London;
use rota_data::channel::ChannelName;
use rota_roster::output::PlacedBreak;
use rota_roster::{
    check_roster, Activity, ActivityKind, AgentPlan, BreakPlan, ChannelMode, ChannelPlan,
    ContractRules, CoverageRow, FixedShiftPlan, Horizon, Roster, RosterProblem, RosterShift,
    RosterSummary, SolveStats, TemplatePlan, Unavailable, Violation, Weights,
};

use chrono::Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};

// ---------------------------------------------------------------------------------------------
// The fixture: one week from Monday 23 November 2026 (GMT, so no clock change), 15-minute
// intervals, a live voice queue and a deferred email channel, four agents.
// ---------------------------------------------------------------------------------------------

const INTERVALS: usize = 7 * 24 * 4;

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap()
}

/// Day `d` of the week (0 = Monday 23 November 2026).
fn day(d: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap() + Duration::days(d)
}

/// Local wall time `h:m` on day `d`.
fn at(d: i64, h: u32, m: u32) -> DateTime<FixedOffset> {
    London
        .from_local_datetime(&day(d).and_time(hm(h, m)))
        .unwrap()
        .fixed_offset()
}

fn mins(m: u32) -> Duration {
    Duration::minutes(i64::from(m))
}

fn ch(name: &str) -> ChannelName {
    ChannelName::parse(name).unwrap()
}

/// A template with a paid 15-minute break 90-150 minutes after the start and an unpaid 30-minute
/// lunch in `lunch` (minutes after the start); starts on the hour from `first` to `last`.
fn template(
    name: &str,
    weekdays: &[Weekday],
    first: u32,
    last: u32,
    hours: u32,
    lunch: (u32, u32),
) -> TemplatePlan {
    TemplatePlan {
        name: name.into(),
        weekdays: weekdays.to_vec(),
        earliest_start: hm(first, 0),
        latest_start: hm(last, 0),
        step_minutes: 60,
        length_minutes: hours * 60,
        breaks: vec![
            BreakPlan {
                minutes: 15,
                earliest_offset: 90,
                latest_offset: 150,
                paid: true,
            },
            BreakPlan {
                minutes: 30,
                earliest_offset: lunch.0,
                latest_offset: lunch.1,
                paid: false,
            },
        ],
        team: None,
    }
}

fn contract(
    name: &str,
    min_h: u32,
    max_h: u32,
    days: u32,
    consecutive: u32,
    rest_h: u32,
    weekend: u32,
) -> ContractRules {
    ContractRules {
        name: name.into(),
        min_weekly_minutes: min_h * 60,
        max_weekly_minutes: max_h * 60,
        max_days_per_week: days,
        max_consecutive_days: consecutive,
        min_rest_minutes: rest_h * 60,
        max_weekend_days: weekend,
    }
}

type Window = Option<(NaiveTime, NaiveTime)>;

fn agent(id: &str, skills: &[&str], contract: ContractRules, avail: [Window; 7]) -> AgentPlan {
    AgentPlan {
        id: id.into(),
        name: format!("Agent {id}"),
        team: None,
        skills: skills.iter().map(|s| ch(s)).collect(),
        hourly_rate: 12.0,
        contract,
        allowed_templates: None,
        weekly_availability: avail,
        unavailable: Vec::new(),
        fixed_shifts: Vec::new(),
    }
}

fn blocked(from: (i64, u32), to: (i64, u32), reason: &str) -> Unavailable {
    let t = |(d, h): (i64, u32)| {
        London
            .from_local_datetime(&day(d).and_time(hm(h, 0)))
            .unwrap()
    };
    Unavailable {
        from: t(from),
        to: t(to),
        reason: reason.into(),
    }
}

/// The planning input.
///
/// - `A1` full time (30-40 h, 5 days, 11 h rest, one weekend day at most), voice and email,
///   available 07:00-23:00 on weekdays.
/// - `A2` part time (15-26 h, 4 days, 3 in a row, 12 h rest), voice, available 07:00-16:00 on
///   weekdays and 08:00-16:00 on Saturday, never on Sunday, on leave all Wednesday.
/// - `A3` short week (10-30 h, 3 days, 2 in a row), email, any time, training on Monday morning,
///   a fixed early shift on Friday at 08:00, only the `early` and `weekend` templates.
/// - `A4` weekends only (0-20 h, one weekend day at most), voice.
fn problem() -> RosterProblem {
    let h = Horizon::new(London, day(0), 7, 15).unwrap();
    assert_eq!(h.n_intervals(), INTERVALS);
    let hour = |t: usize| {
        h.instant(t)
            .format("%H")
            .to_string()
            .parse::<u32>()
            .unwrap()
    };
    let voice = ChannelPlan {
        name: ch("voice"),
        mode: ChannelMode::Live,
        shortfall_weight: 1.0,
        requirement: (0..INTERVALS)
            .map(|t| if (8..16).contains(&hour(t)) { 1.0 } else { 0.0 })
            .collect(),
        worked: None,
    };
    // email arrives on Thursday and Friday mornings only, while A3 works it, so none is overdue
    let email = ChannelPlan {
        name: ch("email"),
        mode: ChannelMode::Deferred {
            response_minutes: 240,
        },
        shortfall_weight: 1.0,
        requirement: (0..INTERVALS)
            .map(|t| {
                let d = h.day_of_interval(t);
                if (3..5).contains(&d) && (9..12).contains(&hour(t)) {
                    0.5
                } else {
                    0.0
                }
            })
            .collect(),
        worked: None,
    };
    let weekdays = [Mon, Tue, Wed, Thu, Fri];
    let templates = vec![
        template("early", &weekdays, 7, 9, 8, (210, 270)),
        template("late", &weekdays, 12, 14, 8, (210, 270)),
        template("weekend", &[Sat, Sun], 9, 10, 6, (180, 240)),
    ];
    let w = |a: u32, b: u32| Some((hm(a, 0), hm(b, 0)));
    let a1 = agent(
        "A1",
        &["voice", "email"],
        contract("full_time", 30, 40, 5, 5, 11, 1),
        [
            w(7, 23),
            w(7, 23),
            w(7, 23),
            w(7, 23),
            w(7, 23),
            w(8, 18),
            w(8, 18),
        ],
    );
    let mut a2 = agent(
        "A2",
        &["voice"],
        contract("part_time", 15, 26, 4, 3, 12, 1),
        [
            w(7, 16),
            w(7, 16),
            w(7, 16),
            w(7, 16),
            w(7, 16),
            w(8, 16),
            None,
        ],
    );
    a2.unavailable = vec![blocked((2, 0), (3, 0), "leave")];
    let mut a3 = agent(
        "A3",
        &["email"],
        contract("short_week", 10, 30, 3, 2, 11, 2),
        [w(0, 0); 7],
    );
    a3.unavailable = vec![blocked((0, 8), (0, 12), "training")];
    a3.fixed_shifts = vec![FixedShiftPlan {
        date: day(4),
        template: "early".into(),
        start: hm(8, 0),
    }];
    a3.allowed_templates = Some(vec!["early".into(), "weekend".into()]);
    let a4 = agent(
        "A4",
        &["voice"],
        contract("weekend", 0, 20, 2, 2, 11, 1),
        [None, None, None, None, None, w(8, 18), w(8, 18)],
    );
    RosterProblem::new(
        h,
        vec![voice, email],
        templates,
        vec![a1, a2, a3, a4],
        Weights::default(),
    )
    .unwrap()
}

/// One shift of the fixture: the break and lunch start `brk` and `lunch` minutes after the start;
/// the agent works `before` until lunch and `after` from lunch to the end.
struct Spec {
    agent: &'static str,
    day: i64,
    template: &'static str,
    start: (u32, u32),
    brk: u32,
    lunch: u32,
    before: &'static str,
    after: &'static str,
}

fn spec(agent: &'static str, day: i64, template: &'static str, start: (u32, u32)) -> Spec {
    let (brk, lunch, ch) = match (agent, template) {
        ("A2", "early") => (90, 210, "voice"),
        ("A3", _) => (90, 240, "email"),
        (_, "weekend") => (120, 180, "voice"),
        _ => (120, 240, "voice"),
    };
    Spec {
        agent,
        day,
        template,
        start,
        brk,
        lunch,
        before: ch,
        after: ch,
    }
}

/// The shift of `s` with its break and lunch, and its activities: work, break, work, lunch, work.
fn build(p: &RosterProblem, s: &Spec) -> (RosterShift, Vec<Activity>) {
    let tpl = p.templates.iter().find(|t| t.name == s.template).unwrap();
    let start = at(s.day, s.start.0, s.start.1);
    let end = start + mins(tpl.length_minutes);
    let b0 = start + mins(s.brk);
    let b1 = b0 + mins(tpl.breaks[0].minutes);
    let l0 = start + mins(s.lunch);
    let l1 = l0 + mins(tpl.breaks[1].minutes);
    let act = |start, end, activity, channel: Option<&str>| Activity {
        agent_id: s.agent.into(),
        start,
        end,
        activity,
        channel: channel.map(ch),
    };
    let activities = vec![
        act(start, b0, ActivityKind::Work, Some(s.before)),
        act(b0, b1, ActivityKind::Break, None),
        act(b1, l0, ActivityKind::Work, Some(s.before)),
        act(l0, l1, ActivityKind::Lunch, None),
        act(l1, end, ActivityKind::Work, Some(s.after)),
    ];
    let shift = RosterShift {
        agent_id: s.agent.into(),
        agent_name: format!("Agent {}", s.agent),
        date: day(s.day),
        template: s.template.into(),
        start,
        end,
        paid_hours: f64::from(tpl.paid_minutes()) / 60.0,
        breaks: vec![
            PlacedBreak {
                kind: ActivityKind::Break,
                start: b0,
                end: b1,
            },
            PlacedBreak {
                kind: ActivityKind::Lunch,
                start: l0,
                end: l1,
            },
        ],
    };
    (shift, activities)
}

/// Coverage rows as a correct roster writes them: one per interval and channel, scheduled = agents
/// working the channel for the whole interval. Live shortfall is `max(0, required - scheduled)`;
/// deferred shortfall is 0 because the fixture's email is worked as it arrives (the checker does
/// not re-derive the deferred backlog).
fn coverage(p: &RosterProblem, activities: &[Activity]) -> Vec<CoverageRow> {
    let h = &p.horizon;
    let mut rows = Vec::new();
    for t in 0..h.n_intervals() {
        let t0 = h.instant(t).fixed_offset();
        let t1 = t0 + mins(h.interval_minutes());
        for c in &p.channels {
            let scheduled = activities
                .iter()
                .filter(|a| {
                    a.activity == ActivityKind::Work
                        && a.channel.as_ref() == Some(&c.name)
                        && a.start <= t0
                        && t1 <= a.end
                })
                .count() as f64;
            let required = c.requirement[t];
            rows.push(CoverageRow {
                interval_start: t0,
                channel: c.name.clone(),
                required,
                scheduled,
                shortfall: match c.mode {
                    ChannelMode::Live => (required - scheduled).max(0.0),
                    ChannelMode::Deferred { .. } => 0.0,
                },
            });
        }
    }
    rows
}

fn recompute(p: &RosterProblem, r: &mut Roster) {
    r.coverage = coverage(p, &r.activities);
}

/// The valid roster (shift counts and paid hours per agent):
/// - `A1`: early 08:00 Monday to Friday, voice (email after Friday's lunch): 5 shifts, 37.5 h.
/// - `A2`: early 07:00 Monday and Tuesday, weekend 09:00 Saturday, voice: 3 shifts, 20.5 h.
/// - `A3`: early 09:00 Thursday, the fixed early 08:00 Friday, weekend 10:00 Sunday, email:
///   3 shifts, 20.5 h.
/// - `A4`: weekend 10:00 Saturday, voice: 1 shift, 5.5 h.
fn fixture() -> (RosterProblem, Roster) {
    let p = problem();
    let mut specs = Vec::new();
    for d in 0..5 {
        specs.push(spec("A1", d, "early", (8, 0)));
    }
    specs[4].after = "email";
    specs.push(spec("A2", 0, "early", (7, 0)));
    specs.push(spec("A2", 1, "early", (7, 0)));
    specs.push(spec("A2", 5, "weekend", (9, 0)));
    specs.push(spec("A3", 3, "early", (9, 0)));
    let mut fixed = spec("A3", 4, "early", (8, 0));
    (fixed.brk, fixed.lunch) = (150, 270);
    specs.push(fixed);
    specs.push(spec("A3", 6, "weekend", (10, 0)));
    specs.push(spec("A4", 5, "weekend", (10, 0)));
    let mut r = Roster {
        summary: RosterSummary {
            paid_cost: 0.0,
            paid_hours: 0.0,
            shifts: 0,
            agents_rostered: 4,
            objective: 0.0,
            bound: 0.0,
            gap: 0.0,
            channels: Vec::new(),
            stints: Default::default(),
            activities: Vec::new(),
            replan: None,
            solver: SolveStats {
                variables: 0,
                binaries: 0,
                constraints: 0,
                lp_bound: 0.0,
                lp_seconds: 0.0,
                strategy: "hand-built".into(),
                full_binaries: 0,
                mip_objective: 0.0,
                mip_bound: f64::NEG_INFINITY,
                mip_status: String::new(),
                mip_seconds: 0.0,
                build_seconds: 0.0,
                allocation: String::new(),
                allocation_status: String::new(),
                allocation_seconds: 0.0,
                heuristic_objective: 0.0,
            },
        },
        shifts: Vec::new(),
        activities: Vec::new(),
        coverage: Vec::new(),
        diagnosis: Vec::new(),
        predicted: Vec::new(),
    };
    for s in &specs {
        add(&p, &mut r, s);
    }
    r.summary.shifts = r.shifts.len();
    r.summary.paid_hours = r.shifts.iter().map(|s| s.paid_hours).sum();
    r.summary.paid_cost = 12.0 * r.summary.paid_hours;
    (p, r)
}

// ---------------------------------------------------------------------------------------------
// Mutations
// ---------------------------------------------------------------------------------------------

/// Adds the shift of `s` with its activities and recomputes coverage.
fn add(p: &RosterProblem, r: &mut Roster, s: &Spec) {
    let (shift, acts) = build(p, s);
    r.shifts.push(shift);
    r.activities.extend(acts);
    recompute(p, r);
}

/// Index of `agent`'s shift on day `d`.
fn find(r: &Roster, agent: &str, d: i64) -> usize {
    r.shifts
        .iter()
        .position(|s| s.agent_id == agent && s.date == day(d))
        .unwrap_or_else(|| panic!("no shift of {agent} on day {d}"))
}

/// Indices of the activities inside shift `i`.
fn activities_of(r: &Roster, i: usize) -> Vec<usize> {
    let s = &r.shifts[i];
    (0..r.activities.len())
        .filter(|&j| {
            let a = &r.activities[j];
            a.agent_id == s.agent_id && s.start <= a.start && a.end <= s.end
        })
        .collect()
}

/// Moves `agent`'s shift on day `d` by `by`, with its breaks and activities (its date follows the
/// start), and recomputes coverage.
fn move_shift(p: &RosterProblem, r: &mut Roster, agent: &str, d: i64, by: Duration) {
    let i = find(r, agent, d);
    for j in activities_of(r, i) {
        r.activities[j].start += by;
        r.activities[j].end += by;
    }
    let s = &mut r.shifts[i];
    s.start += by;
    s.end += by;
    s.date = s.start.date_naive();
    for b in &mut s.breaks {
        b.start += by;
        b.end += by;
    }
    recompute(p, r);
}

/// Removes `agent`'s shift on day `d` and its activities, and recomputes coverage.
fn remove_shift(p: &RosterProblem, r: &mut Roster, agent: &str, d: i64) {
    let i = find(r, agent, d);
    let gone: BTreeSet<usize> = activities_of(r, i).into_iter().collect();
    let mut j = 0;
    r.activities.retain(|_| {
        let keep = !gone.contains(&j);
        j += 1;
        keep
    });
    r.shifts.remove(i);
    recompute(p, r);
}

/// Index of the coverage row of `channel` at `t`.
fn row(r: &Roster, channel: &str, t: DateTime<FixedOffset>) -> usize {
    r.coverage
        .iter()
        .position(|c| c.channel.as_str() == channel && c.interval_start == t)
        .unwrap()
}

fn rules(v: &[Violation]) -> BTreeSet<&'static str> {
    v.iter().map(|x| x.rule).collect()
}

/// Asserts that the checker reports `rule` for `agent` with a message containing `words`, and
/// that `rule` plus `also` are the only rules reported (the mutation broke nothing else).
fn assert_broken(
    p: &RosterProblem,
    r: &Roster,
    rule: &str,
    agent: Option<&str>,
    words: &str,
    also: &[&str],
) -> Vec<Violation> {
    let v = check_roster(p, r);
    assert!(
        rules(&v).contains(rule),
        "expected a {rule} violation, got {v:#?}"
    );
    assert!(
        v.iter()
            .any(|x| x.rule == rule && x.agent.as_deref() == agent && x.message.contains(words)),
        "expected a {rule} violation for {agent:?} mentioning {words:?}, got {v:#?}"
    );
    let expected: BTreeSet<&str> = also.iter().copied().chain([rule]).collect();
    assert_eq!(rules(&v), expected, "violations: {v:#?}");
    v
}

// ---------------------------------------------------------------------------------------------
// The valid roster
// ---------------------------------------------------------------------------------------------

#[test]
fn the_valid_roster_has_no_violations() {
    let (p, r) = fixture();
    let v = check_roster(&p, &r);
    assert!(v.is_empty(), "violations: {v:#?}");
    // what the fixture exercises: both channels in full, a live shortfall, channel switching
    assert_eq!(r.shifts.len(), 12);
    assert_eq!(r.coverage.len(), 2 * INTERVALS);
    assert!(r.coverage.iter().any(|c| c.shortfall > 0.0));
    assert!(r.coverage.iter().any(|c| c.scheduled >= 2.0));
    assert!(r
        .coverage
        .iter()
        .any(|c| c.channel.as_str() == "email" && c.scheduled > 0.0));
}

// ---------------------------------------------------------------------------------------------
// agent
// ---------------------------------------------------------------------------------------------

#[test]
fn shift_of_an_unknown_agent_is_reported() {
    let (p, mut r) = fixture();
    let mut s = r.shifts[find(&r, "A1", 0)].clone();
    s.agent_id = "Z9".into();
    r.shifts.push(s);
    assert_broken(&p, &r, "agent", Some("Z9"), "shift for unknown agent", &[]);
}

#[test]
fn activity_of_an_unknown_agent_is_reported() {
    let (p, mut r) = fixture();
    r.activities.push(Activity {
        agent_id: "Z9".into(),
        start: at(0, 10, 0),
        end: at(0, 10, 15),
        activity: ActivityKind::Break,
        channel: None,
    });
    assert_broken(
        &p,
        &r,
        "agent",
        Some("Z9"),
        "activity for unknown agent",
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// template
// ---------------------------------------------------------------------------------------------

#[test]
fn unknown_template_is_reported() {
    let (p, mut r) = fixture();
    let i = find(&r, "A1", 0);
    r.shifts[i].template = "night".into();
    assert_broken(
        &p,
        &r,
        "template",
        Some("A1"),
        "unknown template night",
        &[],
    );
}

#[test]
fn template_on_a_weekday_it_is_not_worked_is_reported() {
    // A2's Saturday weekend shift moved to Friday
    let (p, mut r) = fixture();
    move_shift(&p, &mut r, "A2", 5, Duration::days(-1));
    assert_broken(&p, &r, "template", Some("A2"), "not worked on Fri", &[]);
}

#[test]
fn start_off_the_template_step_is_reported() {
    // early starts on the hour: 08:30 is not a start time
    let (p, mut r) = fixture();
    move_shift(&p, &mut r, "A1", 0, Duration::minutes(30));
    assert_broken(&p, &r, "template", Some("A1"), "is not a start time", &[]);
}

#[test]
fn start_after_the_latest_start_is_reported() {
    // early starts at 09:00 at the latest
    let (p, mut r) = fixture();
    move_shift(&p, &mut r, "A1", 0, Duration::hours(2));
    assert_broken(
        &p,
        &r,
        "template",
        Some("A1"),
        "10:00:00 is not a start time",
        &[],
    );
}

#[test]
fn shift_of_the_wrong_length_is_reported() {
    // A1 stays an extra hour on Monday, still working voice
    let (p, mut r) = fixture();
    let i = find(&r, "A1", 0);
    let last = *activities_of(&r, i).last().unwrap();
    r.shifts[i].end += Duration::hours(1);
    r.activities[last].end += Duration::hours(1);
    recompute(&p, &mut r);
    assert_broken(&p, &r, "template", Some("A1"), "is not 480 min long", &[]);
}

#[test]
fn template_the_agent_may_not_work_is_reported() {
    // A3 may only work early and weekend; Thursday becomes a late shift from 12:00
    let (p, mut r) = fixture();
    move_shift(&p, &mut r, "A3", 3, Duration::hours(3));
    let i = find(&r, "A3", 3);
    r.shifts[i].template = "late".into();
    assert_broken(
        &p,
        &r,
        "template",
        Some("A3"),
        "may not work template late",
        &[],
    );
}

#[test]
fn shift_dated_another_day_than_its_start_is_reported() {
    let (p, mut r) = fixture();
    let i = find(&r, "A2", 5);
    r.shifts[i].date = day(6);
    // the checker lays Saturday's availability window on the stated date (Sunday), so the shift
    // also falls outside it
    assert_broken(
        &p,
        &r,
        "template",
        Some("A2"),
        "shift dated 2026-11-29 starts on 2026-11-28",
        &["availability"],
    );
}

// ---------------------------------------------------------------------------------------------
// paid_hours
// ---------------------------------------------------------------------------------------------

#[test]
fn paid_hours_disagreeing_with_the_template_are_reported() {
    // the unpaid lunch counted as paid: 8 h instead of 7.5 h
    let (p, mut r) = fixture();
    let i = find(&r, "A1", 0);
    r.shifts[i].paid_hours = 8.0;
    assert_broken(&p, &r, "paid_hours", Some("A1"), "says 8 paid hours", &[]);
}

// ---------------------------------------------------------------------------------------------
// availability, leave
// ---------------------------------------------------------------------------------------------

#[test]
fn shift_ending_after_the_availability_window_is_reported() {
    // A2 is available until 16:00 on weekdays; Tuesday 09:00-17:00
    let (p, mut r) = fixture();
    move_shift(&p, &mut r, "A2", 1, Duration::hours(2));
    assert_broken(
        &p,
        &r,
        "availability",
        Some("A2"),
        "outside the availability window",
        &[],
    );
}

#[test]
fn shift_on_a_weekday_the_agent_is_never_available_is_reported() {
    // A2 never works Sundays; Saturday's shift moved to Sunday
    let (p, mut r) = fixture();
    move_shift(&p, &mut r, "A2", 5, Duration::days(1));
    assert_broken(
        &p,
        &r,
        "availability",
        Some("A2"),
        "never available on Sun",
        &[],
    );
}

#[test]
fn shift_during_leave_is_reported() {
    // A2 is on leave all Wednesday; Tuesday's shift moved to Wednesday
    let (p, mut r) = fixture();
    move_shift(&p, &mut r, "A2", 1, Duration::days(1));
    assert_broken(&p, &r, "leave", Some("A2"), "overlaps leave", &[]);
}

// ---------------------------------------------------------------------------------------------
// breaks
// ---------------------------------------------------------------------------------------------

#[test]
fn missing_lunch_is_reported() {
    let (p, mut r) = fixture();
    let i = find(&r, "A1", 0);
    r.shifts[i].breaks.pop();
    assert_broken(
        &p,
        &r,
        "breaks",
        Some("A1"),
        "has 1 breaks, template early has 2",
        &[],
    );
}

#[test]
fn break_of_the_wrong_length_is_reported() {
    // the paid break stretched from 15 to 30 minutes (the work after it now runs into it too)
    let (p, mut r) = fixture();
    let i = find(&r, "A1", 0);
    r.shifts[i].breaks[0].end += Duration::minutes(15);
    assert_broken(
        &p,
        &r,
        "breaks",
        Some("A1"),
        "(30 min, 120 min after start)",
        &[],
    );
}

#[test]
fn break_outside_its_window_is_reported() {
    // the paid break may start 90-150 min after the start; moved to 60
    let (p, mut r) = fixture();
    let i = find(&r, "A1", 0);
    let b = &mut r.shifts[i].breaks[0];
    b.start = at(0, 9, 0);
    b.end = at(0, 9, 15);
    assert_broken(
        &p,
        &r,
        "breaks",
        Some("A1"),
        "60 min after start) on 2026-11-23 matches no break rule",
        &[],
    );
}

#[test]
fn overlapping_breaks_are_reported() {
    // lunch placed on top of the paid break
    let (p, mut r) = fixture();
    let i = find(&r, "A1", 0);
    let b = &mut r.shifts[i].breaks[1];
    b.start = at(0, 10, 0);
    b.end = at(0, 10, 30);
    assert_broken(
        &p,
        &r,
        "breaks",
        Some("A1"),
        "breaks overlap on 2026-11-23",
        &[],
    );
}

#[test]
fn working_during_a_break_is_reported() {
    // A1 answers voice through the paid break the shift says was taken
    let (p, mut r) = fixture();
    let j = r
        .activities
        .iter()
        .position(|a| a.agent_id == "A1" && a.activity == ActivityKind::Break)
        .unwrap();
    r.activities[j].activity = ActivityKind::Work;
    r.activities[j].channel = Some(ch("voice"));
    recompute(&p, &mut r);
    assert_broken(
        &p,
        &r,
        "breaks",
        Some("A1"),
        "works voice during a break",
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// one_shift_a_day, rest
// ---------------------------------------------------------------------------------------------

#[test]
fn two_shifts_on_one_day_are_reported() {
    // a second, overlapping Saturday shift for A2 (which also leaves no rest between the two)
    let (p, mut r) = fixture();
    let s = r.shifts[find(&r, "A2", 5)].clone();
    r.shifts.push(s);
    assert_broken(
        &p,
        &r,
        "one_shift_a_day",
        Some("A2"),
        "two shifts on 2026-11-28",
        &["rest"],
    );
}

#[test]
fn short_rest_between_shifts_is_reported() {
    // Monday late 14:00-22:00, then Tuesday early at 08:00: 10 h rest, 11 h required
    let (p, mut r) = fixture();
    move_shift(&p, &mut r, "A1", 0, Duration::hours(6));
    let i = find(&r, "A1", 0);
    r.shifts[i].template = "late".into();
    assert_broken(&p, &r, "rest", Some("A1"), "only 10 h 0 min rest", &[]);
}

// ---------------------------------------------------------------------------------------------
// weekly_hours, days_off, consecutive_days, weekend_days_off
// ---------------------------------------------------------------------------------------------

#[test]
fn weekly_hours_above_the_maximum_are_reported() {
    // A2 adds Thursday: 28 h against a 26 h maximum, still 4 days
    let (p, mut r) = fixture();
    add(&p, &mut r, &spec("A2", 3, "early", (7, 0)));
    assert_broken(
        &p,
        &r,
        "weekly_hours",
        Some("A2"),
        "28 paid hours in the week from 2026-11-23",
        &[],
    );
}

#[test]
fn weekly_hours_below_the_minimum_are_reported() {
    // A1 loses Thursday and Friday: 22.5 h against a 30 h minimum
    let (p, mut r) = fixture();
    remove_shift(&p, &mut r, "A1", 4);
    remove_shift(&p, &mut r, "A1", 3);
    assert_broken(
        &p,
        &r,
        "weekly_hours",
        Some("A1"),
        "22.5 paid hours in the week",
        &[],
    );
}

#[test]
fn too_many_working_days_are_reported() {
    // A3 adds Tuesday: 4 days against 3 (28 h, within 30 h)
    let (p, mut r) = fixture();
    add(&p, &mut r, &spec("A3", 1, "early", (8, 0)));
    assert_broken(&p, &r, "days_off", Some("A3"), "works 4 days", &[]);
}

#[test]
fn too_many_consecutive_days_are_reported() {
    // A3's Sunday shift moved to Saturday: Thursday to Saturday in a row, at most 2
    let (p, mut r) = fixture();
    move_shift(&p, &mut r, "A3", 6, Duration::days(-1));
    assert_broken(
        &p,
        &r,
        "consecutive_days",
        Some("A3"),
        "works 3 consecutive days up to 2026-11-28",
        &[],
    );
}

#[test]
fn both_weekend_days_are_reported() {
    // A4 adds Sunday to Saturday: at most one weekend day
    let (p, mut r) = fixture();
    add(&p, &mut r, &spec("A4", 6, "weekend", (10, 0)));
    assert_broken(
        &p,
        &r,
        "weekend_days_off",
        Some("A4"),
        "works 2 of the weekend days",
        &[],
    );
}

// ---------------------------------------------------------------------------------------------
// fixed_shift
// ---------------------------------------------------------------------------------------------

#[test]
fn fixed_shift_moved_is_reported() {
    // A3's fixed Friday 08:00 shift starts at 09:00 instead
    let (p, mut r) = fixture();
    move_shift(&p, &mut r, "A3", 4, Duration::hours(1));
    assert_broken(
        &p,
        &r,
        "fixed_shift",
        Some("A3"),
        "fixed shift early at 08:00:00 on 2026-11-27 is missing",
        &[],
    );
}

#[test]
fn fixed_shift_dropped_is_reported() {
    let (p, mut r) = fixture();
    remove_shift(&p, &mut r, "A3", 4);
    assert_broken(&p, &r, "fixed_shift", Some("A3"), "is missing", &[]);
}

// ---------------------------------------------------------------------------------------------
// activities, skills
// ---------------------------------------------------------------------------------------------

#[test]
fn activity_outside_every_shift_is_reported() {
    // voice work on a Saturday A1 is not rostered (never counted, so coverage stands)
    let (p, mut r) = fixture();
    r.activities.push(Activity {
        agent_id: "A1".into(),
        start: at(5, 10, 0),
        end: at(5, 11, 0),
        activity: ActivityKind::Work,
        channel: Some(ch("voice")),
    });
    assert_broken(
        &p,
        &r,
        "activities",
        Some("A1"),
        "is outside every shift",
        &[],
    );
}

#[test]
fn work_without_a_channel_is_reported() {
    let (p, mut r) = fixture();
    let j = r
        .activities
        .iter()
        .position(|a| a.agent_id == "A1" && a.activity == ActivityKind::Work)
        .unwrap();
    r.activities[j].channel = None;
    recompute(&p, &mut r);
    assert_broken(&p, &r, "activities", Some("A1"), "without a channel", &[]);
}

#[test]
fn overlapping_activities_are_reported() {
    // a break recorded on top of Monday's first work period
    let (p, mut r) = fixture();
    r.activities.push(Activity {
        agent_id: "A1".into(),
        start: at(0, 8, 0),
        end: at(0, 8, 15),
        activity: ActivityKind::Break,
        channel: None,
    });
    assert_broken(
        &p,
        &r,
        "activities",
        Some("A1"),
        "two activities overlap",
        &[],
    );
}

#[test]
fn work_on_a_channel_the_agent_is_not_skilled_for_is_reported() {
    // A3 (email only) answers voice on Thursday morning
    let (p, mut r) = fixture();
    let j = r
        .activities
        .iter()
        .position(|a| a.agent_id == "A3" && a.activity == ActivityKind::Work)
        .unwrap();
    r.activities[j].channel = Some(ch("voice"));
    recompute(&p, &mut r);
    assert_broken(&p, &r, "skills", Some("A3"), "works voice", &[]);
}

// ---------------------------------------------------------------------------------------------
// coverage
// ---------------------------------------------------------------------------------------------

#[test]
fn coverage_scheduled_disagreeing_with_activities_is_reported() {
    let (p, mut r) = fixture();
    let i = row(&r, "voice", at(0, 8, 0));
    r.coverage[i].scheduled += 1.0;
    assert_broken(
        &p,
        &r,
        "coverage",
        None,
        "coverage says 3 scheduled, activities give 2",
        &[],
    );
}

#[test]
fn coverage_shortfall_disagreeing_with_activities_is_reported() {
    // nobody answers voice on Sunday: the 09:00 shortfall is 1, the row says 0
    let (p, mut r) = fixture();
    let i = row(&r, "voice", at(6, 9, 0));
    assert_eq!(r.coverage[i].shortfall, 1.0);
    r.coverage[i].shortfall = 0.0;
    assert_broken(&p, &r, "coverage", None, "shortfall 0 but required 1", &[]);
}

#[test]
fn coverage_row_for_an_unknown_channel_is_reported() {
    let (p, mut r) = fixture();
    let mut extra = r.coverage[0].clone();
    extra.channel = ch("chat");
    r.coverage.push(extra);
    assert_broken(&p, &r, "coverage", None, "chat is not in the plan", &[]);
}

#[test]
fn coverage_row_off_the_interval_grid_is_reported() {
    let (p, mut r) = fixture();
    let mut extra = r.coverage[0].clone();
    extra.interval_start += Duration::minutes(7);
    r.coverage.push(extra);
    assert_broken(&p, &r, "coverage", None, "is not in the plan", &[]);
}

#[test]
fn coverage_row_after_the_horizon_is_reported() {
    let (p, mut r) = fixture();
    let mut extra = r.coverage[0].clone();
    extra.interval_start = at(7, 0, 0);
    r.coverage.push(extra);
    assert_broken(&p, &r, "coverage", None, "is not in the plan", &[]);
}

#[test]
fn missing_coverage_row_is_reported() {
    let (p, mut r) = fixture();
    let i = row(&r, "voice", at(0, 8, 0));
    r.coverage.remove(i);
    let v = assert_broken(
        &p,
        &r,
        "coverage",
        None,
        "voice: no coverage row for 1 of 672 intervals (first 2026-11-23 08:00:00 +00:00)",
        &[],
    );
    assert_eq!(v.len(), 1, "{v:#?}");
}

#[test]
fn missing_deferred_channel_rows_are_summarised_in_one_violation() {
    // a roster that writes live channels only: one violation for email, not 672
    let (p, mut r) = fixture();
    r.coverage.retain(|c| c.channel.as_str() != "email");
    let v = assert_broken(
        &p,
        &r,
        "coverage",
        None,
        "email: no coverage row for 672 of 672 intervals (first 2026-11-23 00:00:00 +00:00)",
        &[],
    );
    assert_eq!(v.len(), 1, "{v:#?}");
}

#[test]
fn repeated_coverage_row_is_reported() {
    let (p, mut r) = fixture();
    let i = row(&r, "email", at(3, 9, 0));
    let again = r.coverage[i].clone();
    r.coverage.push(again);
    let v = assert_broken(
        &p,
        &r,
        "coverage",
        None,
        "email: repeated coverage rows for 1 of 672 intervals (first 2026-11-26 09:00:00 +00:00)",
        &[],
    );
    assert_eq!(v.len(), 1, "{v:#?}");
}

/// A re-plan: the days before the first open day stay as published. Moving a Monday shift, taking
/// one off, or adding one on a published day off breaks that; the same move on an open day does
/// not.
#[test]
fn a_pinned_day_changed_in_a_replan_is_reported() {
    use rota_roster::replan::{Baseline, BaselineShift};
    let (p, r) = fixture();
    let p = p.with_baseline(Baseline {
        shifts: BaselineShift::all_of(&r),
        open_from: day(1),
        move_cost: Baseline::DEFAULT_MOVE_COST,
        pinned_agents: Vec::new(),
    });
    assert!(check_roster(&p, &r).is_empty());
    let monday = r.shifts.iter().find(|s| s.date == day(0)).unwrap();
    let who = monday.agent_id.clone();
    let mut moved = r.clone();
    move_shift(&p, &mut moved, &who, 0, mins(15));
    assert_broken(
        &p,
        &moved,
        "published",
        Some(&who),
        "replaces the published",
        &["template"],
    );
    let mut gone = r.clone();
    remove_shift(&p, &mut gone, &who, 0);
    assert_broken(&p, &gone, "published", Some(&who), "is gone", &[]);
    // an open day may change
    let later = r.shifts.iter().find(|s| s.date > day(0)).unwrap();
    let (who, d) = (later.agent_id.clone(), (later.date - day(0)).num_days());
    let mut open = r.clone();
    remove_shift(&p, &mut open, &who, d);
    assert!(!rules(&check_roster(&p, &open)).contains("published"));
}
