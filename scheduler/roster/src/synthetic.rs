//! A deterministic synthetic centre for benchmarks and scale tests: a UK housing contact centre
//! with voice, reception, chat (live) and email, social (deferred), 15-minute intervals, one week,
//! full-time and part-time contracts and a mix of specialists and multi-skilled agents.
//!
//! The demand is scaled to the headcount so that the week can be covered (about 80 % of the
//! contracted hours are needed), which is the situation the acceptance figures are about.

use chrono::{NaiveDate, NaiveTime, Timelike, Weekday};
use rota_data::channel::ChannelName;

use super::error::RosterError;
use super::problem::{
    AgentPlan, BreakPlan, ChannelMode, ChannelPlan, ContractRules, Horizon, RosterProblem,
    TemplatePlan, Weights,
};

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

fn hm(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

fn name(s: &str) -> ChannelName {
    ChannelName::parse(s).unwrap_or_else(|_| unreachable!("static channel names are valid"))
}

/// Small deterministic generator (SplitMix64), so the synthetic centre needs no RNG dependency.
struct SplitMix(u64);
impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The shift templates of the synthetic centre.
pub fn templates() -> Vec<TemplatePlan> {
    let weekdays = WEEK[..5].to_vec();
    let full_breaks = vec![
        BreakPlan {
            minutes: 15,
            earliest_offset: 90,
            latest_offset: 150,
            paid: true,
        },
        BreakPlan {
            minutes: 30,
            earliest_offset: 210,
            latest_offset: 300,
            paid: false,
        },
        BreakPlan {
            minutes: 15,
            earliest_offset: 360,
            latest_offset: 420,
            paid: true,
        },
    ];
    vec![
        TemplatePlan {
            name: "early".into(),
            weekdays: weekdays.clone(),
            earliest_start: hm(7, 30),
            latest_start: hm(9, 30),
            step_minutes: 30,
            length_minutes: 480,
            breaks: full_breaks.clone(),
            team: None,
        },
        TemplatePlan {
            name: "late".into(),
            weekdays: weekdays.clone(),
            earliest_start: hm(10, 0),
            latest_start: hm(12, 0),
            step_minutes: 30,
            length_minutes: 480,
            breaks: full_breaks,
            team: None,
        },
        TemplatePlan {
            name: "part_time".into(),
            weekdays,
            earliest_start: hm(8, 0),
            latest_start: hm(14, 0),
            step_minutes: 60,
            length_minutes: 240,
            breaks: vec![BreakPlan {
                minutes: 15,
                earliest_offset: 90,
                latest_offset: 150,
                paid: true,
            }],
            team: None,
        },
        TemplatePlan {
            name: "saturday".into(),
            weekdays: vec![Weekday::Sat],
            earliest_start: hm(8, 45),
            latest_start: hm(9, 0),
            step_minutes: 15,
            length_minutes: 270,
            breaks: vec![BreakPlan {
                minutes: 15,
                earliest_offset: 90,
                latest_offset: 150,
                paid: true,
            }],
            team: None,
        },
    ]
}

/// Demand of a channel at local `time` on weekday `wd` (agents or agent-intervals of work).
fn demand(channel: &str, wd: Weekday, time: NaiveTime, scale: f64) -> f64 {
    let h = f64::from(time.hour()) + f64::from(time.minute()) / 60.0;
    let day = match wd {
        Weekday::Mon => 1.3,
        Weekday::Tue => 1.05,
        Weekday::Wed | Weekday::Thu => 0.95,
        Weekday::Fri => 0.9,
        Weekday::Sat => 0.5,
        Weekday::Sun => 0.0,
    };
    let open = |a: f64, b: f64| h >= a && h < b;
    if wd == Weekday::Sun {
        return 0.0;
    }
    let weekend = wd == Weekday::Sat;
    let v = match channel {
        "voice" if !weekend && open(8.0, 18.0) => {
            10.0 * (0.6
                + 0.5 * (-(h - 10.5).powi(2) / 4.0).exp()
                + 0.25 * (-(h - 14.5).powi(2) / 3.0).exp())
        }
        "voice" if weekend && open(9.0, 13.0) => 8.0,
        "reception" if !weekend && open(9.0, 17.0) => 2.0 + (-(h - 12.5).powi(2) / 2.0).exp(),
        "reception" if weekend && open(9.0, 13.0) => 2.0,
        "chat" if !weekend && open(8.0, 18.0) => 2.0 + 1.2 * (-(h - 13.0).powi(2) / 6.0).exp(),
        "email" if !weekend && open(8.0, 18.0) => 2.5,
        "social" if !weekend && open(8.0, 18.0) => 0.8,
        _ => 0.0,
    };
    if channel == "voice" || channel == "chat" {
        (v * day * scale).round()
    } else if channel == "reception" {
        (v * scale.sqrt()).round()
    } else {
        v * day * scale
    }
}

/// A synthetic centre of `n_agents` named agents for the week starting `monday`.
///
/// Skill mix: 40 % voice only, 15 % voice + chat, 10 % reception + voice, 10 % reception only,
/// 10 % email + social, 15 % voice + chat + email. Two thirds full-time (37.5 h over 5 days, at
/// least one weekend day off), one third part-time (16-24 h). Rates 12.50-16.00 per hour.
pub fn centre(n_agents: usize, monday: NaiveDate, seed: u64) -> Result<RosterProblem, RosterError> {
    let horizon = Horizon::new(chrono_tz::Europe::London, monday, 7, 15)?;
    let scale = n_agents as f64 / 45.0;
    let mut rng = SplitMix(seed);
    let specs: [(&str, Option<u32>, f64); 5] = [
        ("voice", None, 1.0),
        ("reception", None, 1.5),
        ("chat", None, 0.8),
        ("email", Some(24 * 60), 0.3),
        ("social", Some(4 * 60), 0.5),
    ];
    let channels = specs
        .iter()
        .map(|(n, resp, w)| ChannelPlan {
            name: name(n),
            mode: resp.map_or(ChannelMode::Live, |r| ChannelMode::Deferred {
                response_minutes: r,
            }),
            shortfall_weight: *w,
            requirement: (0..horizon.n_intervals())
                .map(|t| {
                    let at = horizon.instant(t);
                    use chrono::Datelike;
                    demand(n, at.weekday(), at.time(), scale)
                })
                .collect(),
            worked: None,
        })
        .collect();
    let all_day = Some((NaiveTime::MIN, NaiveTime::MIN));
    let agents = (0..n_agents)
        .map(|i| {
            let u = (i as f64 + 0.5) / n_agents as f64;
            let skills: &[&str] = if u < 0.40 {
                &["voice"]
            } else if u < 0.55 {
                &["voice", "chat"]
            } else if u < 0.65 {
                &["reception", "voice"]
            } else if u < 0.75 {
                &["reception"]
            } else if u < 0.85 {
                &["email", "social"]
            } else {
                &["voice", "chat", "email"]
            };
            let full_time = i % 3 != 2;
            let contract = if full_time {
                ContractRules {
                    name: "full_time".into(),
                    min_weekly_minutes: 30 * 60,
                    max_weekly_minutes: 37 * 60 + 30,
                    max_days_per_week: 5,
                    max_consecutive_days: 5,
                    min_rest_minutes: 11 * 60,
                    max_weekend_days: 1,
                }
            } else {
                ContractRules {
                    name: "part_time".into(),
                    min_weekly_minutes: 16 * 60,
                    max_weekly_minutes: 24 * 60,
                    max_days_per_week: 4,
                    max_consecutive_days: 4,
                    min_rest_minutes: 11 * 60,
                    max_weekend_days: 1,
                }
            };
            let allowed = if full_time {
                vec!["early".to_string(), "late".into(), "saturday".into()]
            } else {
                vec!["part_time".to_string(), "saturday".into()]
            };
            let mut availability = [all_day; 7];
            availability[6] = None; // closed on Sunday
            if rng.unit() < 0.2 {
                availability[(rng.next() % 5) as usize] = None; // a regular day off
            }
            AgentPlan {
                id: format!("A{:03}", i + 1),
                name: format!("Agent {}", i + 1),
                team: None,
                skills: skills.iter().map(|s| name(s)).collect(),
                hourly_rate: 12.5 + (rng.unit() * 14.0).round() / 4.0,
                contract,
                allowed_templates: Some(allowed),
                weekly_availability: availability,
                unavailable: Vec::new(),
                fixed_shifts: Vec::new(),
            }
        })
        .collect();
    RosterProblem::new(horizon, channels, templates(), agents, Weights::default())
}

/// A staffing requirements CSV (the `rota staff` format) with the synthetic centre's demand shape
/// for the channels `voice`, `reception`, `chat`, `email` and `social` over `horizon`, scaled by
/// `scale` (1.0 suits a centre of about 45 agents). Deferred channels carry their workload in
/// `offered` and `aht_seconds`. Used by tests and benches when no forecast is at hand.
pub fn requirements_csv(horizon: &Horizon, scale: f64) -> String {
    requirements_csv_when(horizon, scale, &|_, _| true)
}

/// [`requirements_csv`] with demand only where `open(channel, interval start)` is true (e.g. a
/// centre configuration's opening hours).
pub fn requirements_csv_when(
    horizon: &Horizon,
    scale: f64,
    open: &dyn Fn(&str, &chrono::DateTime<chrono_tz::Tz>) -> bool,
) -> String {
    use chrono::Datelike;
    let mut out = String::from(
        "interval_start,channel,offered,aht_seconds,required_agents,abandon_rate,asa_seconds,service_level,occupancy\n",
    );
    let interval_s = f64::from(horizon.interval_minutes()) * 60.0;
    for t in 0..horizon.n_intervals() {
        let at = horizon.instant(t);
        for ch in ["voice", "reception", "chat", "email", "social"] {
            let d = if open(ch, &at) {
                demand(ch, at.weekday(), at.time(), scale)
            } else {
                0.0
            };
            let (offered, aht, required) = match ch {
                "email" | "social" => {
                    let aht = if ch == "email" { 480.0 } else { 300.0 };
                    (d * interval_s / aht, aht, d.ceil())
                }
                _ => (d * 1.5, 600.0, d),
            };
            out.push_str(&format!(
                "{},{ch},{offered:.3},{aht},{required},0.05,60,0.8,0.8\n",
                at.to_rfc3339()
            ));
        }
    }
    out
}
