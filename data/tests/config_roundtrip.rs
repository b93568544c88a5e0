//! Property tests of the centre configuration: any valid configuration written with
//! `to_toml_string` reads back equal, and the interval grid of the configured zone has 23/25-hour
//! days at the clock changes.

use chrono::{Datelike, NaiveDate, Weekday};
use proptest::prelude::*;
use rota_data::config::CentreConfig;
use rota_data::grid::IntervalLength;

const CHANNELS: [(&str, &str); 5] = [
    ("voice", "inbound"),
    ("reception", "walk_in"),
    ("chat", "chat"),
    ("email", "deferred"),
    ("social", "deferred"),
];

/// One generated channel: (index into CHANNELS, open hour, close hour, open Saturday, AHT,
/// abandon target, own targets table).
type ChannelParams = (usize, u32, u32, bool, f64, Option<f64>, bool);

#[derive(Debug, Clone)]
struct Params {
    step: u32,
    tz: &'static str,
    channels: Vec<ChannelParams>,
    shrink: (f64, f64),
    template_hours: u32,
    template_start: u32,
    template_span: u32,
    with_break: bool,
    agents: Vec<(Vec<bool>, u32, bool)>,
    special: Option<(u32, f64)>,
}

fn params() -> impl Strategy<Value = Params> {
    let channel = (
        0usize..5,
        6u32..11,                           // open hour
        13u32..21,                          // close hour
        any::<bool>(),                      // saturday
        30.0f64..1500.0,                    // AHT
        proptest::option::of(0.01f64..0.5), // abandon target
        any::<bool>(),                      // own targets table
    );
    (
        prop_oneof![Just(15u32), Just(30), Just(60)],
        prop_oneof![
            Just("Europe/London"),
            Just("Europe/Dublin"),
            Just("America/New_York")
        ],
        proptest::collection::vec(channel, 1..5),
        (0.0f64..0.2, 0.0f64..0.2),
        prop_oneof![Just(4u32), Just(5), Just(8)],
        6u32..10,
        0u32..4,
        any::<bool>(),
        proptest::collection::vec(
            (
                proptest::collection::vec(any::<bool>(), 5),
                0u32..4,
                any::<bool>(),
            ),
            0..6,
        ),
        proptest::option::of((0u32..60, 0.2f64..3.0)),
    )
        .prop_map(
            |(
                step,
                tz,
                channels,
                shrink,
                template_hours,
                template_start,
                template_span,
                with_break,
                agents,
                special,
            )| Params {
                step,
                tz,
                channels,
                shrink,
                template_hours,
                template_start,
                template_span,
                with_break,
                agents,
                special,
            },
        )
}

fn toml_text(p: &Params) -> String {
    let interval = match p.step {
        15 => "\"15m\"",
        30 => "30",
        _ => "\"1h\"",
    };
    let mut s = format!(
        "[centre]\nname = \"Prop Centre\"\ntime_zone = \"{}\"\ninterval = {interval}\n\n",
        p.tz
    );
    s += &format!(
        "[shrinkage]\nactivities = {{ sickness = {}, training = {} }}\n\n",
        p.shrink.0, p.shrink.1
    );
    let mut names = Vec::new();
    for &(idx, open, close, sat, aht, abandon, own_targets) in &p.channels {
        let (name, kind) = CHANNELS[idx];
        if names.contains(&name) {
            continue;
        }
        names.push(name);
        s += &format!("[channels.{name}]\nkind = \"{kind}\"\naht_seconds = {aht}\n");
        let sat = if sat { ", sat = [\"09:00-13:00\"]" } else { "" };
        s += &format!("hours = {{ weekdays = [\"{open:02}:00-{close:02}:00\"]{sat} }}\n");
        if kind == "chat" {
            s += "concurrency = 2\nhandle_time_factors = [1.0, 1.4]\n";
        }
        if own_targets {
            if kind == "deferred" {
                s += "targets = { response = { share = 0.9, within_hours = 12 } }\n";
            } else {
                let a = abandon.unwrap_or(0.1);
                s += &format!("targets = {{ max_abandon_rate = {a}, service_level = {{ share = 0.8, within_seconds = 20 }} }}\n");
            }
        }
        s += "\n";
    }
    let lunch = p.step; // one interval of unpaid lunch keeps the length on the grid
    let latest = p.template_start * 60 + p.template_span * p.step;
    s += &format!(
        "[shift_templates.main]\nearliest_start = \"{:02}:00\"\nlatest_start = \"{:02}:{:02}\"\npaid_hours = {}\nlunch = {{ minutes = {lunch}, start_window_minutes = [{}, {}] }}\n",
        p.template_start,
        latest / 60,
        latest % 60,
        p.template_hours,
        p.step,
        p.step * 2,
    );
    if p.with_break {
        s += &format!(
            "breaks = [{{ minutes = {}, start_window_minutes = [{}, {}] }}]\n",
            p.step,
            p.step * 3,
            p.step * 4
        );
    }
    s += "\n[contracts.standard]\n";
    s += &format!(
        "min_weekly_paid_hours = {}\nmax_weekly_paid_hours = 48\n",
        p.template_hours * 3
    );
    s += "weekend_off = { days = 1, in_weeks = 2 }\n\n[grades.advisor]\nhourly_rate = 13.1\n\n";
    let start = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
    for (i, (skills, leave_len, own_rate)) in p.agents.iter().enumerate() {
        let mut sk: Vec<&str> = names
            .iter()
            .zip(skills)
            .filter(|(_, b)| **b)
            .map(|(n, _)| *n)
            .collect();
        if sk.is_empty() {
            sk.push(names[0]);
        }
        s += &format!("[[agents]]\nid = \"A{i}\"\nname = \"Agent {i}\"\ncontract = \"standard\"\n");
        s += &format!(
            "skills = [{}]\n",
            sk.iter()
                .map(|n| format!("\"{n}\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        if *own_rate {
            s += "hourly_rate = 12.75\n";
        } else {
            s += "grade = \"advisor\"\n";
        }
        if *leave_len > 0 {
            let from = start + chrono::Duration::days(i as i64 * 3);
            let to = from + chrono::Duration::days(i64::from(*leave_len) - 1);
            s += &format!("leave = [{{ from = {from}, to = {to}, label = \"annual leave\" }}]\n");
        }
        s += "\n";
    }
    if let Some((day, factor)) = p.special {
        let date = start + chrono::Duration::days(i64::from(day));
        s += &format!("[[special_days]]\ndate = {date}\nkind = \"event\"\nvolume_factor = {factor}\nchannels = [\"{}\"]\n\n", names[0]);
    }
    s += &format!("[history]\ncolumns = {{ offered = \"Calls Offered\" }}\nchannel_aliases = {{ \"Main Queue\" = \"{}\" }}\n", names[0]);
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// to_toml_string -> from_toml_str gives an equal configuration, and writing is idempotent.
    #[test]
    fn config_write_then_read_round_trips(p in params()) {
        let text = toml_text(&p);
        let config = CentreConfig::from_toml_str(&text, "generated.toml")
            .map_err(|e| TestCaseError::fail(format!("{e}\n---\n{text}")))?;
        let written = config.to_toml_string().unwrap();
        let back = CentreConfig::from_toml_str(&written, "written.toml")
            .map_err(|e| TestCaseError::fail(format!("{e}\n---\n{written}")))?;
        prop_assert_eq!(&back, &config);
        prop_assert_eq!(back.to_toml_string().unwrap(), written);
    }

    /// The configured grid (Europe/London) has 92 and 100 intervals of 15 minutes on the clock
    /// change days, 23 and 25 at 60 minutes, in any year.
    #[test]
    fn configured_grid_has_dst_days(year in 2000i32..2090) {
        let last_sunday = |month: u32| {
            let mut d = NaiveDate::from_ymd_opt(year, month, 31).unwrap();
            while d.weekday() != Weekday::Sun {
                d = d.pred_opt().unwrap();
            }
            d
        };
        for (interval, spring, autumn) in [("15m", 92, 100), ("60m", 23, 25)] {
            let text = format!("[centre]\nname = \"X\"\ninterval = \"{interval}\"\n[channels.voice]\nkind = \"inbound\"\naht_seconds = 300\n");
            let grid = CentreConfig::from_toml_str(&text, "x.toml").unwrap().grid();
            prop_assert_eq!(grid.intervals_on(last_sunday(3)), spring);
            prop_assert_eq!(grid.intervals_on(last_sunday(10)), autumn);
        }
    }
}

#[test]
fn sample_round_trips_and_uses_15_minute_london_grid() {
    let config = CentreConfig::sample().unwrap();
    assert_eq!(config.grid().length, IntervalLength::M15);
    assert_eq!(config.grid().tz, chrono_tz::Europe::London);
    let written = config.to_toml_string().unwrap();
    assert_eq!(
        CentreConfig::from_toml_str(&written, "w.toml").unwrap(),
        config
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("centre.toml");
    config.save(&path).unwrap();
    assert_eq!(CentreConfig::load(&path).unwrap(), config);
}
