//! Unit tests of the history summary: figures, weekly rates, gaps, outliers and staffing delivered.

use super::*;
use crate::grid::IntervalLength;
use crate::history::IntervalCounts;
use chrono::TimeZone;

fn voice() -> ChannelName {
    "voice".parse().unwrap()
}

/// Six weeks of a Mon-Fri 09:00-12:00 channel at 60 minutes: Mondays busier, 10:00 the peak,
/// one Wednesday missing, one Thursday with a huge spike, week 3 with more abandonment.
fn sample() -> History {
    let grid = IntervalGrid::new(IntervalLength::M60, chrono_tz::Europe::London);
    let mut recs = Vec::new();
    for day in 0..42 {
        let date = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap() + Duration::days(day);
        if date.weekday().num_days_from_monday() >= 5 || (day == 9) {
            continue;
        }
        for hour in 9..12 {
            let mut offered = if date.weekday() == Weekday::Mon {
                30
            } else {
                20
            };
            if hour == 10 {
                offered += 10;
            }
            if day == 17 {
                offered *= 3;
            }
            let abandoned = if (14..21).contains(&day) {
                offered / 2
            } else {
                offered / 10
            };
            let t = grid
                .tz
                .with_ymd_and_hms(2026, date.month(), date.day(), hour, 0, 0)
                .unwrap();
            let counts = IntervalCounts {
                offered,
                handled: Some(offered - abandoned),
                abandoned: Some(abandoned),
                aht_seconds: Some(600.0),
                asa_seconds: Some(60.0),
                agents_staffed: None,
            };
            recs.push(HistoryRecord::new(t, voice(), counts).unwrap());
        }
    }
    History::new(grid, recs).unwrap()
}

#[test]
fn staffing_delivered_averages_the_last_complete_weeks() {
    // The sample ends on Friday 2026-07-10, so its last complete week ends Sunday 2026-07-05.
    let d = StaffingDelivered::last_weeks(&sample(), 4);
    assert_eq!(d.len(), 1);
    let v = &d[0];
    assert_eq!(v.weeks, 4);
    assert_eq!(v.from, NaiveDate::from_ymd_opt(2026, 6, 8).unwrap());
    assert_eq!(v.to, NaiveDate::from_ymd_opt(2026, 7, 5).unwrap());
    // Weeks of 380 offered, one missing Wednesday (-70), one tripled Thursday (+140).
    assert!((v.offered_per_week - (310.0 + 520.0 + 380.0 + 380.0) / 4.0).abs() < 1e-9);
    assert_eq!(
        v.agent_hours_per_week, None,
        "the sample has no agents_staffed"
    );
    assert_eq!(v.asa_seconds, Some(60.0));
    // Asking for more weeks than the history holds gives what there is.
    assert_eq!(StaffingDelivered::last_weeks(&sample(), 50)[0].weeks, 5);
}

#[test]
fn staffing_delivered_counts_agent_hours() {
    let grid = IntervalGrid::new(IntervalLength::M30, chrono_tz::Europe::London);
    let mut recs = Vec::new();
    // One week, Monday 2026-06-01 to Sunday 2026-06-07, two intervals a day with 3 agents.
    for day in 0..7 {
        for slot in 0..2 {
            let t = grid
                .tz
                .with_ymd_and_hms(2026, 6, 1 + day, 9, 30 * slot, 0)
                .unwrap();
            let counts = IntervalCounts {
                offered: 10,
                handled: Some(8),
                abandoned: Some(2),
                aht_seconds: None,
                asa_seconds: None,
                agents_staffed: Some(3.0 + f64::from(slot)),
            };
            recs.push(HistoryRecord::new(t, voice(), counts).unwrap());
        }
    }
    let h = History::new(grid, recs).unwrap();
    let d = StaffingDelivered::last_weeks(&h, 4);
    assert_eq!(d[0].weeks, 1);
    // 7 days x (3 + 4 agents) x 0.5 h = 24.5 agent-hours.
    assert_eq!(d[0].agent_hours_per_week, Some(24.5));
    assert_eq!(d[0].peak_agents, Some(4.0));
    assert_eq!(d[0].abandon_rate, Some(0.2));
    assert_eq!(d[0].asa_seconds, None);
}

#[test]
fn summary_finds_peaks_weeks_gaps_and_outliers() {
    let s = HistorySummary::with_calendar(&sample(), None);
    let c = &s.channels[0];
    assert_eq!(c.peak_weekday, Some(Weekday::Mon));
    let peak = c.peak_interval.unwrap();
    assert_eq!(peak.to_string(), "Mon 10:00");
    assert_eq!(c.mean_offered_by_weekday[0], Some(100.0));
    assert_eq!(c.mean_offered_by_weekday[5], None);
    assert_eq!(c.weekly_abandon.len(), 6);
    assert!(c.weekly_abandon[2].rate > 0.45);
    assert_eq!(
        c.gaps.missing_days,
        vec![NaiveDate::from_ymd_opt(2026, 6, 10).unwrap()]
    );
    assert_eq!(c.gaps.missing, 3);
    assert_eq!(c.outliers.len(), 1);
    assert_eq!(
        c.outliers[0].date,
        NaiveDate::from_ymd_opt(2026, 6, 18).unwrap()
    );
    assert_eq!(c.totals.aht_seconds, Some(600.0));
    let text = s.to_string();
    assert!(text.contains("Mon 10:00"), "{text}");
    assert!(text.contains("Weekly abandon"), "{text}");
    assert!(text.contains("2026-06-10 (Wed)"), "{text}");
    assert!(text.contains("2026-06-18 Thu"), "{text}");
}

struct MonToThu;
impl CentreCalendar for MonToThu {
    fn channel_kind(&self, _: &ChannelName) -> Option<ChannelKind> {
        Some(ChannelKind::Inbound)
    }
    fn is_open(&self, _: &ChannelName, date: NaiveDate, time: NaiveTime) -> bool {
        date.weekday().num_days_from_monday() < 5
            && time >= NaiveTime::from_hms_opt(9, 0, 0).unwrap()
            && time < NaiveTime::from_hms_opt(13, 0, 0).unwrap()
    }
}

#[test]
fn gaps_follow_opening_hours_with_a_calendar() {
    // Open 09:00-13:00 but the data stop at 12:00: one missing interval per open day.
    let s = HistorySummary::with_calendar(&sample(), Some(&MonToThu));
    let c = &s.channels[0];
    assert_eq!(c.kind, Some(ChannelKind::Inbound));
    assert_eq!(c.gaps.expected, 30 * 4);
    assert_eq!(c.gaps.missing, 29 + 4);
    assert_eq!(c.gaps.run_count, 29);
    assert!(s.to_string().contains("inside opening hours"));
}

#[test]
fn a_configuration_closes_bank_holidays_and_keeps_deferred_channels_open() {
    let config = CentreConfig::from_toml_str(
        r#"
        [centre]
        name = "Test Homes"
        interval = "60m"
        [channels.voice]
        kind = "inbound"
        aht_seconds = 600
        hours = { weekdays = ["09:00-12:00"] }
        [channels.voice.targets]
        max_abandon_rate = 0.2
        [channels.email]
        kind = "deferred"
        aht_seconds = 600
        hours = { weekdays = ["09:00-17:00"] }
        "#,
        "test.toml",
    )
    .unwrap();
    let voice = voice();
    let email: ChannelName = "email".parse().unwrap();
    // 2026-05-25 is the Spring bank holiday (Monday).
    let holiday = NaiveDate::from_ymd_opt(2026, 5, 25).unwrap();
    let nine = NaiveTime::from_hms_opt(9, 0, 0).unwrap();
    assert!(!config.is_open(&voice, holiday, nine));
    assert!(config.is_open(&voice, holiday.succ_opt().unwrap(), nine));
    assert!(!config.is_open(
        &voice,
        holiday.succ_opt().unwrap(),
        NaiveTime::from_hms_opt(12, 0, 0).unwrap()
    ));
    assert!(config.is_open(&email, holiday, NaiveTime::from_hms_opt(3, 0, 0).unwrap()));
    assert_eq!(config.abandon_target(&voice), Some(0.2));
    assert_eq!(config.channel_kind(&email), Some(ChannelKind::Deferred));

    let s = HistorySummary::of(&sample(), Some(&config));
    assert_eq!(s.channels_without_history, vec![email]);
    let c = &s.channels[0];
    assert_eq!(c.abandon_target, Some(0.2));
    // Only week 3 (half abandoned) is over the 20% target.
    let text = s.to_string();
    assert!(text.contains("1 (>20%)"), "{text}");
    assert!(
        text.contains("configured but without history: email"),
        "{text}"
    );
}

#[test]
fn formatting_helpers() {
    assert_eq!(thousands(1234567), "1,234,567");
    assert_eq!(thousands(12), "12");
    assert_eq!(clock(Some(912.4)), "15:12");
    assert_eq!(clock(Some(3725.0)), "1:02:05");
    assert_eq!(pct(Some(0.4567)), "45.7%");
    assert_eq!(median(&[3.0, 1.0, 2.0, 10.0]), 2.5);
}
