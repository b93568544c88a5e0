//! The reader's own tests, and the round trip of the roster files: a roster written by
//! `rota_roster::output` (`Roster::write_shifts` / `Roster::write_activities`, in both timestamp
//! styles) reads back here as the same agents, shift times, dates and activities.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, TimeZone};
use proptest::prelude::*;
use rota_data::config::CentreConfig;
use rota_roster::output::PlacedBreak;
use rota_roster::{
    Activity, ActivityKind, Roster, RosterShift, RosterSummary, SolveStats, TimestampStyle,
};

use super::*;
use crate::input::{PlanActivityKind, RosterPlan};

#[test]
fn excel_times_are_placed_in_the_centre_zone_and_clock_changes_are_named() {
    let p = Path::new("activities.csv");
    let tz = chrono_tz::Europe::London;
    let summer = parse_time(p, 2, "start", "01/07/2026 09:15", tz).unwrap();
    assert_eq!(summer.to_rfc3339(), "2026-07-01T09:15:00+01:00");
    let winter = parse_time(p, 2, "start", "16/11/2026 09:15", tz).unwrap();
    assert_eq!(winter.to_rfc3339(), "2026-11-16T09:15:00+00:00");
    let twice = parse_time(p, 3, "end", "25/10/2026 01:30", tz).unwrap_err();
    assert!(twice.to_string().contains("happens twice"), "{twice}");
    assert!(twice.to_string().contains("activities.csv:3:"), "{twice}");
    let never = parse_time(p, 4, "start", "28/03/2027 01:30", tz).unwrap_err();
    assert!(never.to_string().contains("does not exist"), "{never}");
    assert_eq!(
        parse_date(p, 2, "16/11/2026").unwrap(),
        parse_date(p, 2, "2026-11-16").unwrap()
    );
}

/// The bundled sample centre (London, 45 agents, four channels), parsed once.
fn config() -> &'static CentreConfig {
    static CONFIG: OnceLock<CentreConfig> = OnceLock::new();
    CONFIG.get_or_init(|| CentreConfig::sample().expect("sample configuration"))
}

/// One period of a generated shift: minutes, kind (0 work, 1 break, 2 lunch) and, for work, the
/// channel index.
type Segment = (i64, u8, usize);

/// A generated shift: agent index, day of the week (even days only, so that one agent's shifts
/// never overlap even when they run past midnight), start minute after local midnight, and its
/// back-to-back periods.
type GenShift = (usize, u32, i64, Vec<Segment>);

/// Shifts of up to 8 agents over one week, at most one per agent and day, starting at minute
/// `min_start` of the day or later (up to 23:59), each up to 8 periods of up to 2 hours.
fn shifts(min_start: i64) -> impl Strategy<Value = Vec<GenShift>> {
    let n_ch = config().channels().len();
    let segment = (1i64..=120, 0u8..3, 0..n_ch);
    let shift = (
        0usize..8,
        (0u32..4).prop_map(|d| 2 * d),
        min_start..24 * 60,
        prop::collection::vec(segment, 1..8),
    );
    prop::collection::vec(shift, 1..12).prop_map(|mut v| {
        let mut seen = std::collections::BTreeSet::new();
        v.retain(|s| seen.insert((s.0, s.1)));
        v
    })
}

/// Free text for the columns the reader ignores (names, templates): commas, quotes and
/// non-ASCII included, so the CSV quoting is part of the round trip.
fn free_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ,\"'é-]{0,16}"
}

/// The roster of the generated shifts in the week of `monday`, every time in the centre's zone.
fn roster(monday: NaiveDate, gen: &[GenShift], names: &[String]) -> Roster {
    let config = config();
    let tz = config.grid().tz;
    let channels = config.channel_names();
    let mut shifts = Vec::new();
    let mut activities = Vec::new();
    for (k, (a, day, start_minute, segments)) in gen.iter().enumerate() {
        let agent = &config.agents()[*a];
        let date = monday + Duration::days(i64::from(*day));
        let midnight = tz
            .from_local_datetime(&date.and_hms_opt(0, 0, 0).expect("midnight"))
            .earliest()
            .expect("London has every midnight");
        let start = midnight + Duration::minutes(*start_minute);
        let mut t = start;
        let mut breaks = Vec::new();
        for &(minutes, kind, c) in segments {
            let end = t + Duration::minutes(minutes);
            let (activity, channel) = match kind {
                0 => (ActivityKind::Work, Some(channels[c].clone())),
                1 => (ActivityKind::Break, None),
                _ => (ActivityKind::Lunch, None),
            };
            if activity != ActivityKind::Work {
                breaks.push(PlacedBreak {
                    kind: activity.clone(),
                    start: t.fixed_offset(),
                    end: end.fixed_offset(),
                });
            }
            activities.push(Activity {
                agent_id: agent.id().to_string(),
                start: t.fixed_offset(),
                end: end.fixed_offset(),
                activity,
                channel,
            });
            t = end;
        }
        shifts.push(RosterShift {
            agent_id: agent.id().to_string(),
            agent_name: names[k % names.len()].clone(),
            date: start.date_naive(),
            template: names[(k + 1) % names.len()].clone(),
            start: start.fixed_offset(),
            end: t.fixed_offset(),
            paid_hours: (t - start).num_minutes() as f64 / 60.0,
            breaks,
        });
    }
    Roster {
        summary: summary(),
        shifts,
        activities,
        coverage: Vec::new(),
        diagnosis: Vec::new(),
        predicted: Vec::new(),
    }
}

/// A summary for a roster nobody solved (the roster files do not carry it).
fn summary() -> RosterSummary {
    RosterSummary {
        paid_cost: 0.0,
        paid_hours: 0.0,
        shifts: 0,
        agents_rostered: 0,
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
            strategy: String::new(),
            full_binaries: 0,
            mip_objective: 0.0,
            mip_bound: 0.0,
            mip_status: String::new(),
            mip_seconds: 0.0,
            build_seconds: 0.0,
            allocation: String::new(),
            allocation_status: String::new(),
            allocation_seconds: 0.0,
            heuristic_objective: 0.0,
        },
    }
}

/// A time with its offset, so that a reader that kept the instant but lost the local offset
/// fails (`DateTime` equality compares instants only).
fn exact(t: &DateTime<FixedOffset>) -> String {
    t.to_rfc3339()
}

/// Writes `roster` in `style` and reads the files back, checking every field the format carries
/// into the reader: per agent the shifts' start and end (with their offsets), the dates the
/// shifts touch, and every activity (agent, start, end, kind and channel); the plan read from the
/// files is the plan of the roster itself ([`RosterPlan::from_roster`]).
fn assert_round_trip(roster: &Roster, style: TimestampStyle) -> Result<(), TestCaseError> {
    let config = config();
    let tz = config.grid().tz;
    let (mut shifts_csv, mut activities_csv) = (Vec::new(), Vec::new());
    roster.write_shifts(&mut shifts_csv, style).expect("write");
    roster
        .write_activities(&mut activities_csv, style)
        .expect("write");
    let (shifts_path, activities_path) = (Path::new("shifts.csv"), Path::new("activities.csv"));

    let (by_agent, dates, _) =
        read_shifts(shifts_csv.as_slice(), shifts_path, config).expect("shifts.csv reads back");
    let mut want: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut want_dates = BTreeSet::new();
    for s in &roster.shifts {
        want.entry(s.agent_id.clone())
            .or_default()
            .push((exact(&s.start), exact(&s.end)));
        want_dates.insert(s.date);
        want_dates.insert(
            (s.end - Duration::seconds(1))
                .with_timezone(&tz)
                .date_naive(),
        );
    }
    let got: BTreeMap<String, Vec<(String, String)>> = by_agent
        .iter()
        .map(|(a, v)| {
            (
                a.clone(),
                v.iter().map(|(s, e)| (exact(s), exact(e))).collect(),
            )
        })
        .collect();
    prop_assert_eq!(got, want);
    prop_assert_eq!(dates, want_dates);

    let plan = RosterPlan::read_from(
        (shifts_csv.as_slice(), shifts_path),
        (activities_csv.as_slice(), activities_path),
        config,
    )
    .expect("the roster files read back");
    // `PlanActivityKind` has no order: sort by its debug form.
    let key = |agent: &str,
               start: &DateTime<FixedOffset>,
               end: &DateTime<FixedOffset>,
               kind: &PlanActivityKind| {
        (
            agent.to_string(),
            exact(start),
            exact(end),
            format!("{kind:?}"),
        )
    };
    let mut want: Vec<_> = roster
        .activities
        .iter()
        .map(|a| {
            let kind = match (&a.activity, &a.channel) {
                (ActivityKind::Work, Some(c)) => PlanActivityKind::Work(c.clone()),
                (ActivityKind::Work, None) => unreachable!("generated work has a channel"),
                (ActivityKind::Break, _) => PlanActivityKind::Break,
                (ActivityKind::Lunch, _) => PlanActivityKind::Lunch,
                (ActivityKind::Planned(name), _) => PlanActivityKind::Other(name.clone()),
            };
            key(&a.agent_id, &a.start, &a.end, &kind)
        })
        .collect();
    want.sort();
    let mut got: Vec<_> = plan
        .activities()
        .iter()
        .map(|a| key(&a.agent_id, &a.start, &a.end, &a.kind))
        .collect();
    got.sort();
    prop_assert_eq!(got, want);
    // The shifts come back too, with their dates (`rota export` shows them).
    let got: Vec<_> = plan
        .shifts()
        .iter()
        .map(|s| (s.agent_id.clone(), s.date, exact(&s.start), exact(&s.end)))
        .collect();
    let mut want: Vec<_> = roster
        .shifts
        .iter()
        .map(|s| (s.agent_id.clone(), s.date, exact(&s.start), exact(&s.end)))
        .collect();
    want.sort();
    prop_assert_eq!(got, want);
    let in_memory = RosterPlan::from_roster(roster, config).expect("valid roster");
    prop_assert_eq!(plan, in_memory);
    Ok(())
}

proptest! {
    /// RFC 3339 keeps the offset, so any week reads back exactly, including the weeks the clocks
    /// change (29 March and 25 October 2026) and shifts that run past midnight.
    #[test]
    fn rfc3339_roster_files_read_back_as_written(
        week in prop::sample::select(vec![
            NaiveDate::from_ymd_opt(2026, 3, 23).unwrap(),
            NaiveDate::from_ymd_opt(2026, 7, 6).unwrap(),
            NaiveDate::from_ymd_opt(2026, 10, 19).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
        ]),
        gen in shifts(0),
        names in prop::collection::vec(free_text(), 1..4),
    ) {
        assert_round_trip(&roster(week, &gen, &names), TimestampStyle::Rfc3339)?;
    }

    /// The Excel style drops the offset and the reader places local times in the centre's zone:
    /// exact in any week without a clock change (the ambiguous hour is an error by design, see
    /// `excel_times_are_placed_in_the_centre_zone_and_clock_changes_are_named`).
    #[test]
    fn excel_roster_files_read_back_as_written(
        week in prop::sample::select(vec![
            NaiveDate::from_ymd_opt(2026, 7, 6).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
        ]),
        gen in shifts(0),
        names in prop::collection::vec(free_text(), 1..4),
    ) {
        assert_round_trip(&roster(week, &gen, &names), TimestampStyle::Excel)?;
    }
}
