//! Round trip of the staffing requirements file across the two crates that share it: written by
//! `rota staff` ([`rota_staffing::write_staffing_csv`]) and read by `rota schedule`
//! ([`rota_roster::requirements::read_requirements_from`]). This crate depends on both, so the
//! property lives here.
//!
//! The reader takes from each row the interval, the channel, the heads to schedule
//! (`scheduled_heads`, preferred over `required_agents`) and the workload `offered x AHT /
//! interval`; the other columns are for people. Values are generated on the writer's decimal
//! grid (offered 4 decimals, AHT 2, heads 4), where its rounding is exact, so read-back values
//! must be equal, not close.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use proptest::prelude::*;
use rota_data::channel::ChannelName;
use rota_roster::requirements::read_requirements_from;
use rota_roster::Horizon;
use rota_staffing::{write_staffing_csv, StaffingRow};

const CHANNELS: [&str; 3] = ["voice", "chat", "email"];

/// One generated row: channel index, interval index (from the horizon start; those past the
/// horizon's intervals land outside it), offered (1/10000), AHT (1/100 s), heads (1/10000).
type GenRow = (usize, usize, u32, u32, u32);

fn horizon(first: NaiveDate, days: u32, interval_minutes: u32) -> Horizon {
    Horizon::new(chrono_tz::Europe::London, first, days, interval_minutes).expect("valid horizon")
}

/// The file's rows: one per (channel, interval), the first of duplicates kept. Interval indices
/// past the horizon's intervals give rows after its end, which the reader counts and skips.
fn staffing_rows(h: &Horizon, gen: &[GenRow]) -> Vec<StaffingRow> {
    let mut seen = std::collections::BTreeSet::new();
    gen.iter()
        .filter(|r| seen.insert((r.0, r.1)))
        .map(|&(c, t, offered, aht, heads)| StaffingRow {
            interval_start: h.instant(t).fixed_offset(),
            channel: ChannelName::parse(CHANNELS[c]).expect("valid channel"),
            offered: f64::from(offered) / 10_000.0,
            aht_seconds: f64::from(aht) / 100.0,
            required_agents: f64::from(heads) / 20_000.0,
            abandon_rate: 0.05,
            asa_seconds: if c == 2 { None } else { Some(12.5) },
            service_level: if c == 2 { None } else { Some(0.8) },
            occupancy: 0.85,
            scheduled_heads: f64::from(heads) / 10_000.0,
        })
        .collect()
}

proptest! {
    #[test]
    fn requirements_read_back_as_written(
        first in prop::sample::select(vec![
            NaiveDate::from_ymd_opt(2026, 3, 29).unwrap(),
            NaiveDate::from_ymd_opt(2026, 10, 25).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
        ]),
        days in 1u32..3,
        interval_minutes in prop::sample::select(vec![15u32, 30, 60]),
        inside in prop::collection::vec(
            (0usize..3, 0usize..46, 0u32..5_000_000, 1u32..200_000, 0u32..600_000), 1..40),
        outside in prop::collection::vec(
            (0usize..3, 0usize..8, 0u32..5_000_000, 1u32..200_000, 0u32..600_000), 0..5),
    ) {
        let h = horizon(first, days, interval_minutes);
        let n_t = h.n_intervals();
        let gen: Vec<GenRow> = inside
            .iter()
            .map(|r| (r.0, r.1 % n_t, r.2, r.3, r.4))
            .chain(outside.iter().map(|r| (r.0, n_t + r.1, r.2, r.3, r.4)))
            .collect();
        let rows = staffing_rows(&h, &gen);
        let mut csv = Vec::new();
        write_staffing_csv(&rows, &mut csv).expect("write");
        let got = read_requirements_from(csv.as_slice(), Path::new("requirements.csv"), &h)
            .expect("the requirements file reads back");

        let interval_s = f64::from(h.interval_minutes()) * 60.0;
        let mut required: BTreeMap<ChannelName, Vec<f64>> = BTreeMap::new();
        let mut workload: BTreeMap<ChannelName, Vec<f64>> = BTreeMap::new();
        let mut rows_outside = 0;
        for r in &rows {
            let Some(t) = h.interval_of(&r.interval_start).filter(|&t| t < n_t) else {
                rows_outside += 1;
                continue;
            };
            let c = r.channel.clone();
            required.entry(c.clone()).or_insert_with(|| vec![0.0; n_t])[t] = r.scheduled_heads;
            workload.entry(c).or_insert_with(|| vec![0.0; n_t])[t] =
                r.offered * r.aht_seconds / interval_s;
        }
        prop_assert_eq!(got.required, required);
        prop_assert_eq!(got.workload, workload);
        prop_assert_eq!(got.rows_outside, rows_outside);
    }
}
