//! Unit tests of clock times, time ranges and weekly hours.

use super::*;

#[test]
fn clocks() {
    assert_eq!(parse_clock("08:30"), Ok(510));
    assert_eq!(parse_clock("24:00"), Ok(1440));
    assert_eq!(parse_clock("7:05"), Ok(425));
    for bad in ["", "8", "08:60", "24:15", "25:00", "08:3", "ab:cd", "-1:00"] {
        assert!(parse_clock(bad).is_err(), "{bad}");
    }
    assert_eq!(format_clock(425), "07:05");
}

#[test]
fn ranges() {
    let r: TimeRange = "08:00-18:00".parse().unwrap();
    assert_eq!(
        (r.start_minute(), r.end_minute(), r.minutes()),
        (480, 1080, 600)
    );
    assert!("18:00-08:00".parse::<TimeRange>().is_err());
    assert!("08:00".parse::<TimeRange>().is_err());
    assert!("08:00-08:00".parse::<TimeRange>().is_err());
}

#[test]
fn weekly_overlap_is_an_error() {
    let r = |s: &str| s.parse::<TimeRange>().unwrap();
    assert!(WeeklyHours::new([(Weekday::Mon, vec![r("08:00-12:00"), r("11:00-13:00")])]).is_err());
    let ok = WeeklyHours::new([(Weekday::Mon, vec![r("13:00-18:00"), r("08:00-12:00")])]).unwrap();
    assert_eq!(ok.ranges(Weekday::Mon)[0], r("08:00-12:00"));
    assert_eq!(ok.minutes_per_week(), 540);
}

#[test]
fn weekday_names() {
    assert_eq!(parse_weekday("mon"), Some(Weekday::Mon));
    assert_eq!(parse_weekday("Saturday"), Some(Weekday::Sat));
    assert_eq!(parse_weekday("thurs"), Some(Weekday::Thu));
    assert_eq!(parse_weekday("x"), None);
    assert_eq!(parse_weekday("monx"), None);
}
