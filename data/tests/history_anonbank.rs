//! The real Anonymous Bank (Israel, 1999) 6-minute arrivals read and re-gridded to 30 minutes, as the
//! forecasting crate reads them. The file lives outside the repository, in `shared/` beside the
//! checkout (or wherever `ROTA_ANONBANK` points). Without it these tests skip on a developer's
//! machine (listed at the end of `make test`), but fail under CI, where `shared/` is always present.

use std::path::PathBuf;

#[path = "../../tests/common/skip.rs"]
mod skip;

use chrono::{Datelike, NaiveDate};
use rota_data::grid::IntervalLength;
use rota_data::ingest::{read_history_with_report, ColumnMapping, IngestOptions};

fn anonbank() -> Option<PathBuf> {
    let path = std::env::var_os("ROTA_ANONBANK")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../shared/data/anonymous_bank_1999/anonbank_1999_6min_arrivals.csv.gz"
            ))
        });
    if path.exists() {
        Some(path)
    } else {
        skip::skip(
            "history_anonbank",
            &format!(
                "{} not found (CI runs with shared/ beside the checkout)",
                path.display()
            ),
        );
        None
    }
}

fn options(tz: chrono_tz::Tz) -> IngestOptions {
    IngestOptions {
        tz: Some(tz),
        interval: Some(IntervalLength::M30),
        ..IngestOptions::default()
    }
}

/// The export's clock does not follow Israeli summer time (every day has 240 six-minute rows), so
/// read it in a fixed UTC+2 zone: `Etc/GMT-2` (POSIX sign convention).
#[test]
fn anonbank_regrids_to_30_minutes_in_fixed_israel_standard_time() {
    let Some(path) = anonbank() else { return };
    let got = read_history_with_report(&path, &options(chrono_tz::Etc::GMTMinus2)).unwrap();
    let h = got.history;
    assert_eq!(got.report.rows, 87_120);
    assert_eq!(got.report.channels[0].step_minutes, 6);
    assert_eq!(got.report.channels[0].incomplete_intervals, 0);
    assert_eq!(h.channels().len(), 1);
    assert_eq!(h.len(), 363 * 48);
    let total: u64 = h.records().iter().map(|r| u64::from(r.offered())).sum();
    assert_eq!(total, 444_448);
    // 1999-01-11 and 1999-01-12 are missing in the source: the dense series shows them as None.
    let channel = &h.channels()[0];
    let series = h.full_series(channel);
    assert_eq!(series.len(), 365 * 48);
    assert_eq!(series.observed(), 363 * 48);
    let missing_days: std::collections::BTreeSet<NaiveDate> = series
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(s, _)| s.date)
        .collect();
    assert_eq!(
        missing_days.into_iter().collect::<Vec<_>>(),
        vec![
            NaiveDate::from_ymd_opt(1999, 1, 11).unwrap(),
            NaiveDate::from_ymd_opt(1999, 1, 12).unwrap()
        ]
    );
    assert_eq!(series.slots[0].date.weekday(), chrono::Weekday::Fri);
}

/// In Asia/Jerusalem the wall times skipped on 1999-04-02 are reported, with line numbers.
#[test]
fn anonbank_in_asia_jerusalem_reports_the_spring_gap() {
    let Some(path) = anonbank() else { return };
    let err = read_history_with_report(&path, &options(chrono_tz::Asia::Jerusalem)).unwrap_err();
    assert_eq!(err.total(), 10, "{err}");
    assert!(
        err.diagnostics
            .iter()
            .all(|d| d.message.contains("1999-04-02 02:")),
        "{err}"
    );
}

/// `calls` is a built-in alias of offered; an explicit mapping works too.
#[test]
fn anonbank_calls_column_maps_to_offered() {
    let Some(path) = anonbank() else { return };
    let mut columns = ColumnMapping::new();
    columns.parse_assignment("offered=calls").unwrap();
    let opts = IngestOptions {
        columns,
        ..options(chrono_tz::Etc::GMTMinus2)
    };
    let h = read_history_with_report(&path, &opts).unwrap().history;
    assert_eq!(h.records()[0].offered(), 2); // 00:00..00:24 on 1999-01-01: 2, 0, 0, 0, 0
}
