//! The fuzz targets: each takes arbitrary bytes, hands them to the public entry points that the
//! `rota` CLI and the service call on that kind of input, and must never panic. An error is the
//! right answer to a bad input; a panic, an abort or a hang is a bug.
//!
//! Compiled twice: by the AFL++ harness (`fuzz/`, one binary per target) and by the workspace's
//! corpus replay test (`tests/fuzz_corpus.rs`), so the two cannot drift apart.
//!
//! Every target reads against the bundled sample centre (`data/samples/centre.toml`), the
//! configuration the committed seeds were written for.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rota_data::config::{CentreConfig, DemandQuantile, SAMPLE_CENTRE_TOML};
use rota_data::demand::DemandSeries;
use rota_data::ingest::{read_history_from, IngestOptions, InputLimits};
use rota_data::summary::HistorySummary;
use rota_plan::scenario::{apply_to_config, apply_to_demand, Scenario};
use rota_roster::requirements::read_requirements_from;
use rota_simulation::RosterPlan;
use rota_staffing::{erlang_calculator, forecast_points, ErlangRequest, ForecastPoint};

/// A fuzz target: arbitrary bytes in, nothing out, and no panic.
pub type Target = fn(&[u8]);

/// Every target with the name of its corpus folder (`fuzz/corpus/<name>/`) and binary.
pub const TARGETS: &[(&str, Target)] = &[
    ("history_csv", history_csv),
    ("centre_toml", centre_toml),
    ("scenario_toml", scenario_toml),
    ("forecast_csv", forecast_csv),
    ("requirements_csv", requirements_csv),
    ("roster_csv", roster_csv),
    ("json_bodies", json_bodies),
];

/// The first day of the sample week the seeds plan (a Monday).
fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 16).expect("a valid date")
}

/// The bundled sample centre.
fn sample() -> &'static CentreConfig {
    static CONFIG: OnceLock<CentreConfig> = OnceLock::new();
    CONFIG.get_or_init(|| CentreConfig::sample().expect("the sample configuration is valid"))
}

/// The sample centre with its `[history]` mapping the columns to an export's own headers
/// (`Interval Start`, `Queue`, `Calls Offered`, ...) and reading timestamps as `DD/MM/YYYY HH:MM`,
/// as a centre whose ACD export cannot be changed would write it.
fn mapped() -> &'static CentreConfig {
    static CONFIG: OnceLock<CentreConfig> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let mut text = SAMPLE_CENTRE_TOML.replace(
            "# timestamp_format = \"%d/%m/%Y %H:%M\"",
            "timestamp_format = \"%d/%m/%Y %H:%M\"",
        );
        for (field, header) in [
            ("interval_start", "Interval Start"),
            ("channel", "Queue"),
            ("offered", "Calls Offered"),
            ("handled", "Calls Answered"),
            ("abandoned", "Calls Abandoned"),
            ("aht_seconds", "AHT"),
            ("asa_seconds", "ASA"),
            ("agents_staffed", "Agents Staffed"),
        ] {
            text = text.replace(
                &format!("{field} = \"{field}\""),
                &format!("{field} = \"{header}\""),
            );
        }
        let config = CentreConfig::from_toml_str(&text, "mapped centre.toml")
            .expect("the mapped sample configuration is valid");
        assert!(
            config.history().timestamp_format().is_some(),
            "the mapping of the fuzz configuration took effect"
        );
        config
    })
}

/// Caps for the fuzzed histories: far below the defaults, so that a small gzip member that
/// inflates a thousandfold is a quick error rather than an execution AFL++ reports as a hang.
/// The caps themselves are tested in `data/` and `tests/data_check.rs`.
const FUZZ_LIMITS: InputLimits = InputLimits {
    max_bytes: 4 * 1024 * 1024,
    max_rows: 100_000,
};

/// A history export (CSV or CSV.gz) as `rota data check` reads it, without a configuration
/// (everything inferred) and with two (the sample's `[history]` columns and channel aliases, and
/// a mapping to an export's own headers with a timestamp format), then summarised as `data
/// check` prints it; and as the service reads an upload.
pub fn history_csv(data: &[u8]) {
    let inferred = IngestOptions {
        limits: FUZZ_LIMITS,
        ..IngestOptions::default()
    };
    if let Ok(ingested) = read_history_from(data, "history.csv", &inferred) {
        let summary = HistorySummary::of(&ingested.history, None).with_report(ingested.report);
        let _ = summary.to_string();
    }
    for config in [sample(), mapped()] {
        let options = IngestOptions {
            limits: FUZZ_LIMITS,
            ..IngestOptions::from_config(config)
        };
        match read_history_from(data, "history.csv", &options) {
            Ok(ingested) => {
                let summary = HistorySummary::of(&ingested.history, Some(config))
                    .with_report(ingested.report);
                let _ = summary.to_string();
            }
            Err(errors) => {
                let _ = errors.to_string();
            }
        }
    }
    // The service reads uploads with the default caps; a gzip upload is left to the capped
    // reads above so that one execution stays within AFL++'s time limit.
    if !data.starts_with(&[0x1f, 0x8b]) {
        let _ = rota_api::work::read_history_bytes(sample(), "history.csv", data);
    }
}

/// A centre configuration (`centre.toml`) as the CLI and the service read it; a valid one is
/// then written back and must read again (the service rewrites configurations it changes).
pub fn centre_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        // Both the CLI (reading the file) and the service (a JSON string) refuse non-UTF-8
        // before the TOML parser sees it.
        return;
    };
    if let Ok(config) = CentreConfig::from_toml_str(text, "centre.toml") {
        let _ = IngestOptions::from_config(&config);
        let written = config
            .to_toml_string()
            .expect("a valid configuration can be written");
        if let Err(e) = CentreConfig::from_toml_str(&written, "rewritten centre.toml") {
            panic!("a valid configuration written back does not read again: {e}\n{written}");
        }
        let _ = rota_api::work::config_as_json(text);
    }
}

/// Forecast figures for the sample centre's first planned day: 4 contacts of 300 s per channel
/// and interval, for the scenario target's demand changes.
fn sample_points() -> &'static [ForecastPoint] {
    static POINTS: OnceLock<Vec<ForecastPoint>> = OnceLock::new();
    POINTS.get_or_init(|| {
        let config = sample();
        let starts = config.grid().interval_starts(first_day());
        config
            .channel_names()
            .into_iter()
            .flat_map(|channel| {
                starts.iter().map(move |t| ForecastPoint {
                    interval_start: t.fixed_offset(),
                    channel: channel.clone(),
                    offered: 4.0,
                    aht_s: 300.0,
                })
            })
            .collect()
    })
}

/// A what-if scenario (TOML) as `rota scenario` and the service read it, then applied to the
/// sample centre's configuration and to a day of its forecast.
pub fn scenario_toml(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(scenario) = Scenario::from_toml_str(text, "scenario.toml") else {
        return;
    };
    apply_scenario(&scenario);
}

fn apply_scenario(scenario: &Scenario) {
    if let Ok(config) = apply_to_config(sample(), scenario) {
        let _ = IngestOptions::from_config(&config);
    }
    let mut points = sample_points().to_vec();
    let _ = apply_to_demand(&mut points, scenario);
}

/// A forecast CSV as `rota staff`, `schedule`, `simulate`, `scenario` and the service read it
/// for the sample centre, and as it is read against the grid alone.
pub fn forecast_csv(data: &[u8]) {
    if let Ok(series) = DemandSeries::read_for_from(data, "forecast.csv", sample()) {
        let _ = forecast_points(&series, DemandQuantile::P90);
    }
    let _ = DemandSeries::read_on_grid_from(data, "forecast.csv", &sample().grid());
}

/// A requirements CSV as `rota schedule` and the service read it, for the sample week.
pub fn requirements_csv(data: &[u8]) {
    let horizon =
        rota_plan::horizon(sample(), first_day(), 7).expect("the sample week is a valid horizon");
    let _ = read_requirements_from(data, Path::new("requirements.csv"), &horizon);
}

/// The header of `activities.csv`, used when an input has no second part.
const ACTIVITIES_HEADER: &[u8] = b"agent_id,start,end,activity,channel\n";

/// A roster (`shifts.csv`, then a NUL byte, then `activities.csv`) as `rota simulate`, `rota
/// export` and the service read it for the sample centre.
pub fn roster_csv(data: &[u8]) {
    let (shifts, activities) = match data.iter().position(|&b| b == 0) {
        Some(at) => (&data[..at], &data[at + 1..]),
        None => (data, ACTIVITIES_HEADER),
    };
    let _ = RosterPlan::read_from(
        (shifts, Path::new("shifts.csv")),
        (activities, Path::new("activities.csv")),
        sample(),
    );
}

/// A fixed clock for the targets that take one, so an input behaves the same on every run.
fn wall_clock() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 16, 12, 0, 0)
        .single()
        .expect("a valid instant")
}

/// A JSON request body as the service's handlers read it (`web::Json` is `serde_json`), into
/// every request type the API takes, each followed by the checks the service makes on it that
/// need no database: the configuration of a centre, channel aliases, uploaded scenarios, the
/// Erlang calculator, a requirement set's quantile, and interval actuals and absences.
pub fn json_bodies(data: &[u8]) {
    use rota_api::routes::{centres, forecasts, reports, rosters, scenarios, simulations};
    use rota_api::routes::{staffing, today as today_routes};
    use rota_api::{today, users, work};
    use serde_json::from_slice;

    if let Ok(body) = from_slice::<centres::CreateCentre>(data) {
        let _ = work::parse_config(&body.config_toml, "config_toml");
    }
    if let Ok(body) = from_slice::<centres::UpdateCentre>(data) {
        let _ = work::parse_config(&body.config_toml, "config_toml");
    }
    if let Ok(body) = from_slice::<centres::ChannelAliases>(data) {
        let _ = work::add_channel_aliases(SAMPLE_CENTRE_TOML, &body.aliases);
    }
    if let Ok(body) = from_slice::<scenarios::CreateComparison>(data) {
        for text in &body.scenario_toml {
            if let Ok(scenario) = Scenario::from_toml_str(text, "scenario_toml") {
                apply_scenario(&scenario);
            }
        }
    }
    if let Ok(body) = from_slice::<ErlangRequest>(data) {
        let _ = erlang_calculator(&body);
    }
    if let Ok(body) = from_slice::<staffing::CreateRequirementSet>(data) {
        if let Some(q) = &body.quantile {
            let _ = work::parse_quantile(q);
        }
    }
    if let Ok(body) = from_slice::<today::ActualsIn>(data) {
        let _ = today::check_actuals(sample(), &body.rows, wall_clock());
    }
    if let Ok(body) = from_slice::<today::AbsencesIn>(data) {
        let _ = today::check_absences(sample(), &body.absences);
    }
    // Bodies whose checks need the database (which forecast, which centre): read only.
    let _ = from_slice::<forecasts::CreateForecast>(data);
    let _ = from_slice::<rosters::CreateSchedule>(data);
    let _ = from_slice::<simulations::CreateSimulation>(data);
    let _ = from_slice::<reports::CreateReport>(data);
    let _ = from_slice::<today_routes::AcceptAction>(data);
    let _ = from_slice::<users::CreateUser>(data);
}
