//! Small problems the unit tests of several modules solve in a second or two.

use chrono::{NaiveDate, NaiveTime, Timelike, Weekday};
use rota_data::channel::ChannelName;

use crate::problem::{
    AgentPlan, BreakPlan, ChannelMode, ChannelPlan, ContractRules, Horizon, TemplatePlan, Weights,
};
use crate::RosterProblem;

/// Monday 23 November 2026 (GMT: no clock change in the tests' days).
pub fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
}

/// Monday and Tuesday from [`monday`]: one voice queue that needs `need(hour)` agents, six voice
/// agents of `team` on 8.5-hour shifts (a 30-minute unpaid lunch) starting at 08:00 or 09:00,
/// flexible contracts.
pub fn two_voice_days(need: impl Fn(u32) -> f64, team: Option<&str>) -> RosterProblem {
    let horizon = Horizon::new(chrono_tz::Europe::London, monday(), 2, 15).unwrap();
    let voice = ChannelName::parse("voice").unwrap();
    let requirement = (0..horizon.n_intervals())
        .map(|t| need(horizon.instant(t).hour()))
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
        weekdays: vec![Weekday::Mon, Weekday::Tue],
        earliest_start: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
        latest_start: NaiveTime::from_hms_opt(9, 0, 0).unwrap(),
        step_minutes: 60,
        length_minutes: 8 * 60 + 30,
        breaks: vec![BreakPlan {
            minutes: 30,
            earliest_offset: 180,
            latest_offset: 300,
            paid: false,
        }],
        team: None,
    }];
    let agents = (0..6)
        .map(|i| AgentPlan {
            id: format!("A{i}"),
            name: format!("Agent {i}"),
            team: team.map(str::to_string),
            skills: vec![voice.clone()],
            hourly_rate: 12.0,
            contract: ContractRules {
                name: "flex".into(),
                min_weekly_minutes: 0,
                max_weekly_minutes: 48 * 60,
                max_days_per_week: 7,
                max_consecutive_days: 7,
                min_rest_minutes: 11 * 60,
                max_weekend_days: 2,
            },
            allowed_templates: None,
            weekly_availability: [Some((NaiveTime::MIN, NaiveTime::MIN)); 7],
            unavailable: Vec::new(),
            fixed_shifts: Vec::new(),
        })
        .collect();
    RosterProblem::new(horizon, channels, templates, agents, Weights::default()).unwrap()
}

/// The optimal roster of a small problem (gap 0, 20 s at most).
pub fn solve(problem: &RosterProblem) -> crate::Roster {
    crate::schedule(
        problem,
        &crate::SolveOptions {
            time_limit_s: 20.0,
            mip_rel_gap: 0.0,
            ..Default::default()
        },
    )
    .unwrap()
}
