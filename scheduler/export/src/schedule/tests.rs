//! A small hand-made schedule every writer's tests share, and the model's own tests.

use chrono::{NaiveDate, TimeZone};
use chrono_tz::Tz;

use super::*;

const TZ: Tz = chrono_tz::Europe::London;

fn at(day: u32, h: u32, m: u32) -> DateTime<Tz> {
    TZ.with_ymd_and_hms(2026, 10, day, h, m, 0)
        .single()
        .unwrap()
}

fn period(day: u32, from: (u32, u32), to: (u32, u32), kind: PeriodKind) -> Period {
    let end_day = if to < from { day + 1 } else { day };
    Period {
        start: at(day, from.0, from.1),
        end: at(end_day, to.0, to.1),
        kind,
    }
}

fn shift(day: u32, periods: Vec<Period>) -> Shift {
    Shift {
        date: NaiveDate::from_ymd_opt(2026, 10, day).unwrap(),
        start: periods[0].start,
        end: periods[periods.len() - 1].end,
        periods,
    }
}

fn work(c: &str) -> PeriodKind {
    PeriodKind::Work(c.to_string())
}

/// The week of Mon 19 October 2026 (the clocks go back on Sunday 25th) at a centre whose name needs
/// escaping everywhere: Ann works a day with a break, lunch and a planned activity whose name has
/// iCalendar's and CSV's special characters, and the Sunday; Bob works two shifts on Tuesday and a
/// night shift into Thursday; Cat (another team) is off all week.
pub(crate) fn sample() -> Schedule {
    let ann = vec![
        shift(
            19,
            vec![
                period(19, (8, 0), (10, 15), work("voice")),
                period(19, (10, 15), (10, 30), PeriodKind::Break),
                period(19, (10, 30), (12, 30), work("chat")),
                period(19, (12, 30), (13, 0), PeriodKind::Lunch),
                period(
                    19,
                    (13, 0),
                    (14, 0),
                    PeriodKind::Activity("coaching; 1:1, Jo's <b>".into()),
                ),
                period(19, (14, 0), (16, 30), work("voice")),
            ],
        ),
        shift(25, vec![period(25, (8, 0), (12, 0), work("email"))]),
    ];
    let bob = vec![
        shift(20, vec![period(20, (7, 0), (11, 0), work("voice"))]),
        shift(20, vec![period(20, (16, 0), (20, 0), work("reception"))]),
        shift(22, vec![period(22, (22, 0), (6, 0), work("voice"))]),
    ];
    let agent = |id: &str, name: &str, team: &str, shifts| AgentSchedule {
        id: id.into(),
        name: name.into(),
        team: Some(team.into()),
        shifts,
    };
    Schedule {
        centre: "Homes & Co, North; \"Main\"".into(),
        tz: TZ,
        first_date: NaiveDate::from_ymd_opt(2026, 10, 19).unwrap(),
        last_date: NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(),
        agents: vec![
            agent("NH001", "Ann Smith", "Blue", ann),
            agent("NH002", "Bob O'Neil, Jr", "Blue", bob),
            agent("NH003", "Cat Jones", "Green", vec![]),
        ],
    }
}

#[test]
fn paid_hours_leave_out_lunch_and_keep_breaks() {
    let s = sample();
    assert_eq!(s.agents[0].shifts[0].paid_hours(), 8.0);
    assert_eq!(hours(s.agents[0].shifts[0].paid_hours()), "8");
    assert_eq!(hours(7.5), "7.5");
    assert_eq!(s.agents[0].shifts[0].channels(), ["voice", "chat"]);
    assert_eq!(
        s.agents[0].shifts[0].breaks(),
        ["10:15-10:30 break", "12:30-13:00 lunch"]
    );
}

#[test]
fn weeks_start_on_monday_and_a_night_shift_shows_its_times() {
    let mut s = sample();
    assert_eq!(s.weeks().len(), 1);
    s.first_date = NaiveDate::from_ymd_opt(2026, 10, 22).unwrap();
    s.last_date = NaiveDate::from_ymd_opt(2026, 10, 27).unwrap();
    let weeks = s.weeks();
    assert_eq!(weeks.iter().map(Vec::len).collect::<Vec<_>>(), [4, 2]);
    assert_eq!(s.agents[1].shifts[2].times(), "22:00-06:00");
    assert_eq!(s.rostered().count(), 2);
}
