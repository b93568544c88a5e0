use super::*;
use crate::events::AgentEvent;

fn config() -> CentreConfig {
    CentreConfig::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/samples/centre.toml"
    ))
    .expect("the sample centre loads")
}

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).unwrap()
}

/// Monday 16 November 2026 (GMT) at `hm`.
fn at(hm: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-11-16T{hm}:00+00:00")).unwrap()
}

fn channel(name: &str) -> ChannelName {
    ChannelName::parse(name).unwrap()
}

fn activity(agent: &str, from: &str, to: &str, kind: PlanActivityKind) -> PlanActivity {
    PlanActivity {
        agent_id: agent.into(),
        start: at(from),
        end: at(to),
        kind,
    }
}

/// NH001's Monday: 09:00-17:00, voice, a break, chat, lunch, voice again.
fn shift(agent: &str) -> Vec<PlanActivity> {
    use PlanActivityKind::*;
    vec![
        activity(agent, "09:00", "11:00", Work(channel("voice"))),
        activity(agent, "11:00", "11:15", Break),
        activity(agent, "11:15", "12:00", Work(channel("chat"))),
        activity(agent, "12:00", "12:30", Lunch),
        activity(agent, "12:30", "16:00", Work(channel("voice"))),
        activity(agent, "16:00", "17:00", Other("training".into())),
    ]
}

fn plan(activities: Vec<PlanActivity>) -> RosterPlan {
    RosterPlan::new(&config(), activities, monday(), monday()).unwrap()
}

fn event(agent: &str, hm: &str, state: AgentState) -> AgentEvent {
    AgentEvent {
        agent_id: agent.into(),
        at: at(hm),
        state,
        line: 0,
    }
}

/// The events of an agent keeping to `shift` exactly.
fn kept(agent: &str) -> Vec<AgentEvent> {
    let mut events: Vec<AgentEvent> = shift(agent)
        .into_iter()
        .map(|a| AgentEvent {
            agent_id: agent.into(),
            at: a.start,
            state: match a.kind {
                PlanActivityKind::Work(c) => AgentState::Available(c),
                PlanActivityKind::Break => AgentState::Break,
                PlanActivityKind::Lunch => AgentState::Lunch,
                PlanActivityKind::Other(name) => AgentState::Activity(Some(name)),
            },
            line: 0,
        })
        .collect();
    events.push(event(agent, "17:00", AgentState::Offline));
    events
}

/// `kept(agent)` with the events at the times in `replace` replaced (`None`: removed) and `add`
/// added.
fn edited(
    agent: &str,
    replace: &[(&str, Option<AgentState>)],
    add: Vec<AgentEvent>,
) -> Vec<AgentEvent> {
    let mut events: Vec<AgentEvent> = kept(agent)
        .into_iter()
        .filter_map(
            |mut e| match replace.iter().find(|(hm, _)| at(hm) == e.at) {
                Some((_, Some(state))) => {
                    e.state = state.clone();
                    Some(e)
                }
                Some((_, None)) => None,
                None => Some(e),
            },
        )
        .collect();
    events.extend(add);
    events
}

fn run(events: Vec<AgentEvent>, options: Options) -> Adherence {
    let log = EventLog::from_events(events).unwrap();
    measure(&plan(shift("NH001")), &log, &config(), &options).unwrap()
}

fn found(a: &Adherence) -> Vec<(ExceptionKind, String, String, i64)> {
    a.exceptions
        .iter()
        .map(|e| {
            (
                e.kind,
                e.from.format("%H:%M").to_string(),
                e.to.format("%H:%M").to_string(),
                e.duration().num_seconds(),
            )
        })
        .collect()
}

#[test]
fn an_agent_keeping_to_the_roster_adheres_and_conforms_fully_with_no_exceptions() {
    let a = run(kept("NH001"), Options::default());
    assert_eq!(a.days.len(), 1);
    let day = &a.days[0];
    assert_eq!(day.scheduled, Duration::hours(8));
    assert_eq!(day.adherence(), Some(1.0));
    // Scheduled work: 8 h less the break and lunch.
    assert_eq!(day.scheduled_work, Duration::minutes(435));
    assert_eq!(day.conformance(), Some(1.0));
    assert!(a.exceptions.is_empty(), "{:?}", a.exceptions);
    assert_eq!(day.team.as_deref(), Some("front_office"));
}

#[test]
fn late_in_early_out_long_break_and_wrong_channel_are_each_found_with_their_minutes() {
    let events = edited(
        "NH001",
        &[
            ("09:00", None),
            ("11:15", Some(AgentState::Break)),
            ("17:00", None),
        ],
        vec![
            event("NH001", "09:07", AgentState::Available(channel("voice"))),
            event("NH001", "11:24", AgentState::Available(channel("chat"))),
            event("NH001", "13:00", AgentState::OnContact(channel("email"))),
            event("NH001", "13:20", AgentState::Available(channel("voice"))),
            event("NH001", "16:45", AgentState::Offline),
        ],
    );
    let a = run(events, Options::default());
    assert_eq!(
        found(&a),
        vec![
            (
                ExceptionKind::LateLogIn,
                "09:00".into(),
                "09:07".into(),
                7 * 60
            ),
            (
                ExceptionKind::LongBreak,
                "11:15".into(),
                "11:24".into(),
                9 * 60
            ),
            (
                ExceptionKind::WrongChannel,
                "13:00".into(),
                "13:20".into(),
                20 * 60
            ),
            (
                ExceptionKind::EarlyLogOut,
                "16:45".into(),
                "17:00".into(),
                15 * 60
            ),
        ]
    );
    let e = &a.exceptions;
    assert_eq!(
        (e[0].scheduled.as_str(), e[0].actual.as_str()),
        ("shift 09:00-17:00", "logged in 09:07")
    );
    assert_eq!(
        (e[1].scheduled.as_str(), e[1].actual.as_str()),
        ("break 11:00-11:15", "break until 11:24")
    );
    assert_eq!(
        (e[2].scheduled.as_str(), e[2].actual.as_str()),
        ("work voice", "worked email")
    );
    assert_eq!(e[3].actual, "logged out 16:45");
    let day = &a.days[0];
    // Out of the scheduled state: 7 + 9 + 20 + 15 minutes.
    assert_eq!(day.adhered, Duration::minutes(480 - 51));
    // Not working: late 7, early 15, the break's 9 extra minutes.
    assert_eq!(day.worked, Duration::minutes(435 - 31));
}

#[test]
fn deviations_within_the_grace_count_in_adherence_but_are_not_exceptions() {
    let events = edited(
        "NH001",
        &[("09:00", None), ("12:30", None)],
        vec![
            event("NH001", "09:02", AgentState::Available(channel("voice"))),
            event("NH001", "12:32", AgentState::Available(channel("voice"))),
        ],
    );
    let a = run(events.clone(), Options::default());
    assert!(a.exceptions.is_empty(), "{:?}", a.exceptions);
    assert_eq!(a.days[0].adhered, Duration::minutes(476));
    let strict = Options {
        grace: Duration::zero(),
        ..Options::default()
    };
    let a = run(events, strict);
    let kinds: Vec<ExceptionKind> = a.exceptions.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [ExceptionKind::LateLogIn, ExceptionKind::LongBreak]);
}

#[test]
fn a_lunch_taken_straight_after_a_break_is_one_block_and_overruns_only_past_its_end() {
    use PlanActivityKind::*;
    let activities = vec![
        activity("NH002", "09:00", "11:00", Work(channel("voice"))),
        activity("NH002", "11:00", "11:15", Break),
        activity("NH002", "11:15", "11:45", Lunch),
        activity("NH002", "11:45", "13:00", Work(channel("voice"))),
    ];
    let events = vec![
        event("NH002", "08:58", AgentState::Available(channel("voice"))),
        event("NH002", "11:00", AgentState::Break),
        event("NH002", "11:15", AgentState::Lunch),
        event("NH002", "11:50", AgentState::Available(channel("voice"))),
        event("NH002", "13:00", AgentState::Offline),
    ];
    let log = EventLog::from_events(events).unwrap();
    let a = measure(&plan(activities), &log, &config(), &Options::default()).unwrap();
    assert_eq!(
        found(&a),
        vec![(
            ExceptionKind::LongBreak,
            "11:45".into(),
            "11:50".into(),
            300
        )]
    );
    assert_eq!(a.exceptions[0].scheduled, "break and lunch 11:00-11:45");
    assert_eq!(a.exceptions[0].actual, "lunch until 11:50");
    // Logged in two minutes early: conformance counts it, adherence does not.
    assert_eq!(a.days[0].worked, Duration::minutes(2 + 120 + 70));
}

#[test]
fn an_agent_who_never_logs_in_is_absent_for_the_whole_shift() {
    let mut activities = shift("NH001");
    activities.extend(shift("NH002"));
    let log = EventLog::from_events(kept("NH002")).unwrap();
    let a = measure(&plan(activities), &log, &config(), &Options::default()).unwrap();
    assert_eq!(
        found(&a),
        vec![(
            ExceptionKind::Absent,
            "09:00".into(),
            "17:00".into(),
            8 * 3600
        )]
    );
    let nh001 = a.days.iter().find(|d| d.agent_id == "NH001").unwrap();
    assert_eq!(
        (nh001.adherence(), nh001.conformance()),
        (Some(0.0), Some(0.0))
    );
}

#[test]
fn a_day_in_progress_is_measured_up_to_its_end_only() {
    let until = Options {
        until: Some(at("12:10")),
        ..Options::default()
    };
    let events: Vec<AgentEvent> = kept("NH001")
        .into_iter()
        .filter(|e| e.at <= at("12:10"))
        .collect();
    let a = run(events, until);
    assert!(a.exceptions.is_empty(), "{:?}", a.exceptions);
    assert_eq!(a.days[0].scheduled, Duration::minutes(190));
    assert_eq!(a.days[0].adherence(), Some(1.0));
    // Not logged in by then: late so far, not yet absent.
    let other = kept("NH002");
    let mut activities = shift("NH001");
    activities.extend(shift("NH002"));
    let log =
        EventLog::from_events(other.into_iter().filter(|e| e.at <= at("10:00")).collect()).unwrap();
    let a = measure(
        &plan(activities),
        &log,
        &config(),
        &Options {
            until: Some(at("10:00")),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(
        found(&a),
        vec![(
            ExceptionKind::LateLogIn,
            "09:00".into(),
            "10:00".into(),
            3600
        )]
    );
    assert_eq!(a.exceptions[0].actual, "not logged in by 10:00");
}

#[test]
fn working_on_a_day_off_is_a_row_with_nothing_scheduled() {
    let mut events = kept("NH001");
    events.push(event(
        "NH003",
        "10:00",
        AgentState::Available(channel("voice")),
    ));
    events.push(event("NH003", "12:00", AgentState::Offline));
    let a = run(events, Options::default());
    let nh003 = a.days.iter().find(|d| d.agent_id == "NH003").unwrap();
    assert_eq!(nh003.worked, Duration::hours(2));
    assert_eq!((nh003.adherence(), nh003.conformance()), (None, None));
}

#[test]
fn events_and_roster_without_a_day_in_common_or_past_the_end_are_refused() {
    let tuesday = vec![AgentEvent {
        at: at("09:00") + Duration::days(1),
        ..event("NH001", "09:00", AgentState::Offline)
    }];
    let log = EventLog::from_events(tuesday).unwrap();
    let e = measure(&plan(shift("NH001")), &log, &config(), &Options::default()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the events (2026-11-17 to 2026-11-17) and the roster (2026-11-16 to 2026-11-16) have no \
         day in common"
    );
    let log = EventLog::from_events(kept("NH001")).unwrap();
    let early = Options {
        until: Some(at("12:00")),
        ..Options::default()
    };
    let e = measure(&plan(shift("NH001")), &log, &config(), &early).unwrap_err();
    assert!(
        e.to_string()
            .contains("has an event at 2026-11-16 12:30:00 +00:00, after the measurement's end"),
        "{e}"
    );
    let empty = EventLog::from_events(Vec::new()).unwrap();
    assert!(measure(
        &plan(shift("NH001")),
        &empty,
        &config(),
        &Options::default()
    )
    .is_err());
}
