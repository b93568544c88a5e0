//! Unit tests of the history reader: forms, headers, re-gridding, time zones, caps.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::regrid::{split_count, spread_order};
use super::*;
use crate::grid::IntervalGrid;
use crate::history::{rfc3339, HistoryRecord, IntervalCounts};

fn read(csv: &str, options: &IngestOptions) -> Result<Ingested, HistoryErrors> {
    read_history_from(csv.as_bytes(), "t.csv", options)
}

#[test]
fn the_zone_is_read_from_the_offsets_when_none_is_given() {
    // A New York export across the US spring change (8 March 2026): -05:00, then -04:00.
    let mut csv = String::from("interval_start,channel,offered\n");
    for day in 2..=13 {
        let off = if day < 8 { "-05:00" } else { "-04:00" };
        for hour in 8..18 {
            csv.push_str(&format!("2026-03-{day:02}T{hour:02}:00:00{off},voice,5\n"));
        }
    }
    let got = read(&csv, &IngestOptions::default()).unwrap();
    assert_eq!(
        got.report.zone_from_offsets,
        Some(chrono_tz::America::New_York)
    );
    let h = got.history;
    assert_eq!(h.grid().tz, chrono_tz::America::New_York);
    // The 08:00 rows are 08:00 local on both sides of the change, not 13:00/12:00 in London.
    let starts = |date: &str| -> Vec<String> {
        h.records()
            .iter()
            .filter(|r| r.offered() > 0)
            .map(|r| r.interval_start().format("%Y-%m-%d %H:%M %:z").to_string())
            .filter(|t| t.starts_with(date))
            .collect()
    };
    assert_eq!(
        starts("2026-03-02").first().map(String::as_str),
        Some("2026-03-02 08:00 -05:00")
    );
    assert_eq!(
        starts("2026-03-09").first().map(String::as_str),
        Some("2026-03-09 08:00 -04:00")
    );

    // Given a zone, the offsets are only instants: no inference.
    let london = IngestOptions {
        tz: Some(chrono_tz::Europe::London),
        ..IngestOptions::default()
    };
    assert_eq!(read(&csv, &london).unwrap().report.zone_from_offsets, None);
    // Local timestamps say nothing about the zone.
    let local =
        "interval_start,channel,offered\n2026-03-02 08:00,voice,5\n2026-03-02 09:00,voice,5\n";
    assert_eq!(
        read(local, &IngestOptions::default())
            .unwrap()
            .report
            .zone_from_offsets,
        None
    );
}

fn ok(csv: &str, options: &IngestOptions) -> History {
    match read(csv, options) {
        Ok(i) => i.history,
        Err(e) => panic!("unexpected errors:\n{e}"),
    }
}

fn errs(csv: &str, options: &IngestOptions) -> Vec<String> {
    match read(csv, options) {
        Ok(_) => panic!("expected errors"),
        Err(e) => e.diagnostics.iter().map(ToString::to_string).collect(),
    }
}

fn m15() -> IngestOptions {
    IngestOptions {
        interval: Some(IntervalLength::M15),
        ..IngestOptions::default()
    }
}

fn starts(h: &History) -> Vec<String> {
    h.records()
        .iter()
        .map(|r| rfc3339(&r.interval_start()))
        .collect()
}

#[test]
fn row_cap_is_named() {
    let mut csv = String::from("interval_start,channel,offered\n");
    for i in 0..30 {
        csv.push_str(&format!(
            "2026-11-23 {:02}:{:02},voice,1\n",
            8 + i / 4,
            (i % 4) * 15
        ));
    }
    let opts = IngestOptions {
        limits: InputLimits {
            max_bytes: MAX_HISTORY_BYTES,
            max_rows: 20,
        },
        ..m15()
    };
    let e = read_history_from(csv.as_bytes(), "x.csv", &opts).unwrap_err();
    assert_eq!(e.cap, Some(CapExceeded::Rows(20)));
    assert!(
        e.to_string()
            .contains("x.csv:22: the history has more than 20 data rows"),
        "{e}"
    );
    let opts = IngestOptions {
        limits: InputLimits {
            max_bytes: 100,
            max_rows: 20,
        },
        ..m15()
    };
    let e = read_history_from(csv.as_bytes(), "x.csv", &opts).unwrap_err();
    assert_eq!(e.cap, Some(CapExceeded::Bytes(100)));
}

#[test]
fn a_date_far_outside_the_bulk_is_mistyped_but_a_real_tail_is_not() {
    let mut csv = String::from("interval_start,channel,offered\n");
    for d in 0..200 {
        let day = chrono::NaiveDate::from_ymd_opt(2025, 1, 6).unwrap() + chrono::Duration::days(d);
        csv.push_str(&format!("{day} 09:00,voice,3\n"));
    }
    // Three years before the bulk but 5% of the rows: a real (older) tail, kept.
    let mut tail = String::new();
    for d in 0..12 {
        let day = chrono::NaiveDate::from_ymd_opt(2022, 1, 3).unwrap() + chrono::Duration::days(d);
        tail.push_str(&format!("{day} 09:00,voice,3\n"));
    }
    assert!(read_history_from(format!("{csv}{tail}").as_bytes(), "x.csv", &m15()).is_ok());
    // One row in 2062 (2026 with its digits swapped): rejected.
    let bad = format!("{csv}2062-03-02 09:00,voice,3\n");
    let e = read_history_from(bad.as_bytes(), "x.csv", &m15()).unwrap_err();
    assert_eq!(e.total(), 1, "{e}");
    assert!(
        e.to_string()
            .contains("x.csv:202:1: interval_start: 2062-03-02 09:00 is probably a mistyped date"),
        "{e}"
    );
}

#[test]
fn timestamp_forms() {
    for (text, want) in [
        ("2026-11-23T08:00:00+00:00", "2026-11-23T08:00:00+00:00"),
        ("2026-07-01T08:00:00+01:00", "2026-07-01T08:00:00+01:00"),
        ("2026-07-01T07:00:00Z", "2026-07-01T08:00:00+01:00"),
        ("2026-07-01 08:00", "2026-07-01T08:00:00+01:00"),
        ("2026-07-01 08:00:00", "2026-07-01T08:00:00+01:00"),
        ("2026-07-01T08:00", "2026-07-01T08:00:00+01:00"),
        ("01/07/2026 08:00", "2026-07-01T08:00:00+01:00"),
        ("1/7/2026 8:00:00", "2026-07-01T08:00:00+01:00"),
    ] {
        let h = ok(
            &format!("interval_start,channel,offered\n{text},voice,1\n"),
            &m15(),
        );
        assert_eq!(starts(&h), vec![want], "{text}");
    }
    let custom = IngestOptions {
        timestamp_format: Some("%d.%m.%Y %H.%M".into()),
        ..m15()
    };
    let h = ok(
        "interval_start,channel,offered\n01.07.2026 08.15,voice,1\n",
        &custom,
    );
    assert_eq!(starts(&h), vec!["2026-07-01T08:15:00+01:00"]);
    let e = errs(
        "interval_start,channel,offered\n2026-02-30 08:00,voice,1\n",
        &m15(),
    );
    assert!(e[0].contains("not a real date"), "{e:?}");
}

#[test]
fn headers_are_matched_loosely_and_mapped() {
    let csv =
        "\u{feff}Interval Start, Queue ,Calls Offered,Answered,Abandoned,AHT,ASA,Staffed,Notes\n\
               2026-11-23 08:00,Main Queue,10,7,3,12:30,95,4.5,x\n";
    let got = read(csv, &m15()).unwrap();
    let r = &got.history.records()[0];
    assert_eq!(r.channel().as_str(), "main_queue");
    assert_eq!(
        (r.offered(), r.handled(), r.abandoned()),
        (10, Some(7), Some(3))
    );
    assert_eq!(r.aht_seconds(), Some(750.0));
    assert_eq!(r.asa_seconds(), Some(95.0));
    assert_eq!(r.agents_staffed(), Some(4.5));
    assert_eq!(got.report.ignored_columns, vec!["Notes"]);

    let mut columns = ColumnMapping::new();
    columns.parse_assignment("offered=Volume In").unwrap();
    let mapped = IngestOptions { columns, ..m15() };
    let h = ok(
        "when,channel,Volume In\n2026-11-23 08:00,voice,4\n",
        &IngestOptions {
            columns: {
                let mut c = mapped.columns.clone();
                c.insert(Field::IntervalStart, "when");
                c
            },
            ..m15()
        },
    );
    assert_eq!(h.records()[0].offered(), 4);
    let e = errs(
        "interval_start,channel,offered\n2026-11-23 08:00,voice,4\n",
        &mapped,
    );
    assert!(
        e[0].starts_with("t.csv:1: column \"Volume In\" (mapped to offered) is not in the header"),
        "{e:?}"
    );
}

#[test]
fn missing_required_columns_are_reported_on_the_header_line() {
    let e = errs(
        "time,queue_size,offered_x\n2026-11-23 08:00,voice,4\n",
        &m15(),
    );
    assert_eq!(e.len(), 3, "{e:?}");
    for column in ["interval_start", "channel", "offered"] {
        let want = format!("t.csv:1: missing required column {column}");
        assert!(e.iter().any(|m| m.starts_with(&want)), "{want} in {e:?}");
    }
    let e = errs("", &m15());
    assert!(e[0].contains("empty"), "{e:?}");
    let e = errs("interval_start,channel,offered\n", &m15());
    assert!(e[0].contains("no data rows"), "{e:?}");
}

#[test]
fn every_cell_error_is_reported_with_line_and_column() {
    let csv = "interval_start,channel,offered,handled,abandoned,aht_seconds\n\
               2026-11-23 08:00,voice,12x,,,\n\
               2026-13-23 08:15,voice,12,,,\n\
               2026-11-23 08:30,voice,-3,,,\n\
               2026-11-23 08:45,voice,10,8,5,\n\
               2026-11-23 09:00,voice,10,,,abc\n\
               2026-11-23 09:15,voice,10\n\
               2026-11-23 09:30,Voice Queue!?,10,,,\n";
    let e = errs(csv, &m15());
    assert_eq!(
        e,
        vec![
            "t.csv:2:3: offered: expected a whole number of contacts, found \"12x\"",
            "t.csv:3:1: interval_start: \"2026-13-23 08:15\" is not a real date; expected year-month-day or day/month/year",
            "t.csv:4:3: offered: negative count -3; expected a whole number >= 0",
            "t.csv:5:5: abandoned: handled (8) + abandoned (5) = 13 exceeds offered (10); expected handled + abandoned <= offered",
            "t.csv:6:6: aht_seconds: expected seconds (e.g. 912 or 912.5) or mm:ss / h:mm:ss, found \"abc\"",
            "t.csv:7: row has 3 fields; expected 6 as in the header",
        ],
        "{e:#?}"
    );
    // "Voice Queue!?" becomes voice_queue, a valid channel without a configured list.
}

#[test]
fn unknown_channels_with_a_channel_list() {
    let opts = IngestOptions {
        channels: Some(vec!["voice".parse().unwrap(), "chat".parse().unwrap()]),
        channel_aliases: vec![("Main Queue".into(), "voice".parse().unwrap())],
        ..m15()
    };
    let h = ok(
        "interval_start,channel,offered\n2026-11-23 08:00,main queue,1\n2026-11-23 08:00,chat,2\n",
        &opts,
    );
    assert_eq!(h.channels().len(), 2);
    let e = errs(
        "interval_start,channel,offered\n2026-11-23 08:00,email,1\n2026-11-23 08:15,email,1\n",
        &opts,
    );
    assert_eq!(e.len(), 2);
    assert!(
        e[0].starts_with(
            "t.csv:2:2: channel: unknown channel \"email\"; expected one of voice, chat"
        ),
        "{e:?}"
    );
    assert!(e[1].starts_with("t.csv:3:2:"), "{e:?}");
}

#[test]
fn duplicates_and_overlaps() {
    let csv = "interval_start,channel,offered\n\
               2026-11-23 08:00,voice,1\n\
               2026-11-23 08:15,voice,1\n\
               2026-11-23T08:15:00+00:00,voice,1\n\
               2026-11-23 08:30,voice,1\n\
               2026-11-23 08:40,voice,1\n\
               2026-11-23 08:45,voice,1\n\
               2026-11-23 08:15,chat,1\n";
    let e = errs(csv, &m15());
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(e[0].starts_with("t.csv:4:1: interval_start: duplicate interval: channel voice at 2026-11-23T08:15:00+00:00 is already on line 3"), "{e:?}");
    assert!(e[1].starts_with("t.csv:6:1: interval_start: interval starting 2026-11-23 08:40:00 overlaps the 15-minute intervals of channel voice"), "{e:?}");
}

#[test]
fn mixed_granularities_are_one_problem_per_run_of_days() {
    let mut csv = String::from("interval_start,channel,offered\n");
    // Three days at 15 minutes, then two days at 30 minutes, 08:00-18:00.
    for day in 1..=5 {
        let step = if day <= 3 { 15 } else { 30 };
        let mut m = 8 * 60;
        while m < 18 * 60 {
            csv.push_str(&format!(
                "2026-06-0{day} {:02}:{:02},voice,3\n",
                m / 60,
                m % 60
            ));
            m += step;
        }
    }
    let e = errs(&csv, &m15());
    assert_eq!(e.len(), 1, "{e:#?}");
    assert!(
        e[0].starts_with("t.csv:122:1: interval_start: channel voice: 30-minute intervals on 2026-06-04..2026-06-05 (lines 122-161) but 15-minute intervals elsewhere"),
        "{e:?}"
    );
}

#[test]
fn steps_that_do_not_divide_an_hour_are_rejected() {
    let mut csv = String::from("interval_start,channel,offered\n");
    for i in 0..10 {
        csv.push_str(&format!(
            "2026-06-01 {:02}:{:02},voice,3\n",
            8 + (i * 7) / 60,
            (i * 7) % 60
        ));
    }
    let e = errs(&csv, &m15());
    assert!(
        e[0].contains("most common gap between interval starts is 7 minutes"),
        "{e:?}"
    );
    // 20-minute data divides an hour but neither divides nor is a multiple of 15 minutes.
    let csv = "interval_start,channel,offered\n2026-06-01 08:00,voice,1\n2026-06-01 08:20,voice,1\n2026-06-01 08:40,voice,1\n";
    let e = errs(csv, &m15());
    assert!(
        e[0].contains("20-minute source intervals cannot be re-gridded to 15-minute intervals"),
        "{e:?}"
    );
}

#[test]
fn six_minute_data_is_summed_into_30_minutes() {
    let mut csv = String::from(
        "interval_start,channel,offered,handled,abandoned,aht_seconds,asa_seconds,agents_staffed\n",
    );
    for i in 0..10 {
        // 08:00..08:54; handled 2 each with AHT 100 in the first half hour, 300 in the second.
        let aht = if i < 5 { 100 } else { 300 };
        let handled = if i == 9 { 0 } else { 2 };
        csv.push_str(&format!(
            "2026-06-01 08:{:02},voice,3,{handled},1,{aht},10,{}\n",
            i * 6,
            i % 2 + 1
        ));
    }
    let got = read(
        &csv,
        &IngestOptions {
            interval: Some(IntervalLength::M30),
            ..IngestOptions::default()
        },
    )
    .unwrap();
    let h = got.history;
    assert_eq!(
        starts(&h),
        vec!["2026-06-01T08:00:00+01:00", "2026-06-01T08:30:00+01:00"]
    );
    let a = h.records()[0].counts();
    assert_eq!((a.offered, a.handled, a.abandoned), (15, Some(10), Some(5)));
    assert_eq!(a.aht_seconds, Some(100.0));
    assert_eq!(a.agents_staffed, Some(1.4)); // (1+2+1+2+1)/5
    let b = h.records()[1].counts();
    assert_eq!((b.offered, b.handled, b.abandoned), (15, Some(8), Some(5)));
    assert_eq!(b.aht_seconds, Some(300.0));
    assert_eq!(got.report.channels[0].step_minutes, 6);
    assert_eq!(got.report.channels[0].incomplete_intervals, 0);
    // Inferred interval: 6-minute data goes to 30 minutes (15 is not a multiple of 6).
    let inferred = read(&csv, &IngestOptions::default()).unwrap();
    assert_eq!(inferred.history.grid().length, IntervalLength::M30);
    assert!(inferred.report.interval_inferred);
}

#[test]
fn weighted_aht_when_summing() {
    let csv = "interval_start,channel,offered,handled,aht_seconds\n\
               2026-06-01 08:00,voice,4,3,100\n2026-06-01 08:15,voice,1,1,500\n";
    let opts = IngestOptions {
        interval: Some(IntervalLength::M30),
        ..IngestOptions::default()
    };
    let h = ok(csv, &opts);
    assert_eq!(h.records()[0].aht_seconds(), Some(200.0)); // (3*100 + 1*500) / 4
}

#[test]
fn hourly_data_is_split_into_quarters_by_largest_remainder() {
    let csv = "interval_start,channel,offered,handled,abandoned,aht_seconds\n\
               2026-06-01 08:00,voice,10,5,3,600\n\
               2026-06-01 09:00,voice,3,2,1,\n\
               2026-06-01 10:00,voice,4,1,1,\n";
    let got = read(csv, &m15()).unwrap();
    let h = got.history;
    assert_eq!(h.len(), 12);
    let offered: Vec<u32> = h.records().iter().map(|r| r.offered()).collect();
    // 10 = 2+2+2+2 + 2 left, given to parts 0 and 2; 3 = 0+0+0+0 + 3 left to parts 0, 2, 1.
    assert_eq!(offered, vec![3, 2, 3, 2, 1, 1, 1, 0, 1, 1, 1, 1]);
    for r in h.records() {
        let c = r.counts();
        assert!(c.handled.unwrap() + c.abandoned.unwrap() <= c.offered);
    }
    let handled: u32 = h.records()[..4].iter().map(|r| r.handled().unwrap()).sum();
    let abandoned: u32 = h.records()[..4]
        .iter()
        .map(|r| r.abandoned().unwrap())
        .sum();
    assert_eq!((handled, abandoned), (5, 3));
    assert!(h.records()[..4]
        .iter()
        .all(|r| r.aht_seconds() == Some(600.0)));
    assert_eq!(got.report.channels[0].step_minutes, 60);
}

#[test]
fn split_is_monotone_so_parts_stay_consistent() {
    for k in [2usize, 4] {
        let order = spread_order(k);
        for n in 0..200u32 {
            let a = split_count(n, &order);
            let b = split_count(n + 1, &order);
            assert_eq!(a.iter().sum::<u32>(), n);
            assert!(a.iter().zip(&b).all(|(x, y)| x <= y));
            assert!(a.iter().max().unwrap() - a.iter().min().unwrap() <= 1);
        }
    }
    assert_eq!(spread_order(4), vec![0, 2, 1, 3]);
}

#[test]
fn autumn_fold_first_occurrence_is_summer_time() {
    let mut csv = String::from("interval_start,channel,offered\n");
    for (t, n) in [
        ("00:45", 1),
        ("01:00", 2),
        ("01:15", 3),
        ("01:30", 4),
        ("01:45", 5),
        ("01:00", 6),
        ("01:15", 7),
        ("01:30", 8),
        ("01:45", 9),
        ("02:00", 10),
    ] {
        csv.push_str(&format!("2026-10-25 {t},voice,{n}\n"));
    }
    let h = ok(&csv, &m15());
    let got: Vec<(String, u32)> = h
        .records()
        .iter()
        .map(|r| (rfc3339(&r.interval_start()), r.offered()))
        .collect();
    assert_eq!(got[1], ("2026-10-25T01:00:00+01:00".to_string(), 2));
    assert_eq!(got[5], ("2026-10-25T01:00:00+00:00".to_string(), 6));
    assert_eq!(got[9], ("2026-10-25T02:00:00+00:00".to_string(), 10));
    // A third 01:00 is a duplicate.
    csv.push_str("2026-10-25 01:00,voice,11\n");
    let e = errs(&csv, &m15());
    assert_eq!(e.len(), 1);
    assert!(
        e[0].starts_with("t.csv:12:1: interval_start: duplicate interval"),
        "{e:?}"
    );
}

#[test]
fn spring_gap_is_an_error() {
    let csv = "interval_start,channel,offered\n2026-03-29 00:45,voice,1\n2026-03-29 01:30,voice,1\n2026-03-29 02:00,voice,1\n";
    let e = errs(csv, &m15());
    assert_eq!(
        e,
        vec!["t.csv:3:1: interval_start: local time 2026-03-29 01:30 does not exist in Europe/London (the clocks go forward); expected a time outside the skipped hour, or an offset (--on-missing-local-time drop|shift to leave such rows out or read them an hour later)"]
    );
}

#[test]
fn diagnostics_are_capped_and_counted() {
    let mut csv = String::from("interval_start,channel,offered\n");
    for i in 0..300 {
        csv.push_str(&format!(
            "2026-06-{:02} {:02}:00,voice,x{i}\n",
            1 + i / 24,
            i % 24
        ));
    }
    let e = read(&csv, &m15()).unwrap_err();
    assert_eq!(e.diagnostics.len(), MAX_DIAGNOSTICS);
    assert_eq!(e.omitted, 100);
    assert_eq!(e.diagnostics[0].line, Some(2));
    assert!(e.to_string().ends_with("... and 100 more problems"));
}

#[test]
fn gzip_is_sniffed_not_guessed_from_the_name() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(b"interval_start,channel,offered\n2026-06-01 08:00,voice,7\n")
        .unwrap();
    let bytes = gz.finish().unwrap();
    let got = read_history_from(&bytes[..], "export.csv", &m15()).unwrap();
    assert!(got.report.gzip);
    assert_eq!(got.history.records()[0].offered(), 7);
    // A truncated stream is reported, not a panic.
    let cut = &bytes[..bytes.len() - 6];
    assert!(read_history_from(cut, "export.csv.gz", &m15()).is_err());
}

fn config() -> crate::config::CentreConfig {
    crate::config::CentreConfig::from_toml_str(
        r#"
        [centre]
        name = "Test Homes"
        interval = "30m"
        [channels.voice]
        kind = "inbound"
        aht_seconds = 600
        hours = { weekdays = ["08:00-18:00"] }
        [channels.chat]
        kind = "chat"
        aht_seconds = 600
        hours = { weekdays = ["08:00-18:00"] }
        [history]
        timestamp_format = "%d.%m.%Y %H:%M"
        [history.columns]
        interval_start = "Period"
        offered = "Calls Offered"
        abandoned = "Calls Abandoned"
        [history.channel_aliases]
        "Main Queue" = "voice"
        "Repairs Line" = "voice"
        "#,
        "test.toml",
    )
    .unwrap()
}

#[test]
fn configuration_supplies_grid_channels_aliases_columns_and_format() {
    let opts = IngestOptions::from_config(&config());
    assert_eq!(opts.interval, Some(IntervalLength::M30));
    let csv = "Period,Channel,Calls Offered,Calls Abandoned,AHT\n\
               23.11.2026 08:00,Main Queue,10,2,600\n\
               23.11.2026 08:00,Repairs Line,5,1,300\n\
               23.11.2026 08:30,Main Queue,7,0,600\n\
               23.11.2026 08:00,chat,3,0,900\n";
    let h = ok(csv, &opts);
    assert_eq!(h.grid().length, IntervalLength::M30);
    let voice = h.channel_records(&"voice".parse().unwrap());
    assert_eq!(voice.len(), 2);
    // Two queues of one channel in one interval are added up, AHT weighted by offered.
    assert_eq!((voice[0].offered(), voice[0].abandoned()), (15, Some(3)));
    assert_eq!(voice[0].aht_seconds(), Some(500.0));

    let bad = "Period,Channel,Calls Offered,Calls Abandoned\n\
               23.11.2026 08:00,Main Queue,10,2\n\
               23.11.2026 08:00,Main Queue,5,1\n\
               23.11.2026 08:00,fax,1,0\n";
    let e = errs(bad, &opts);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(
        e[0].starts_with("t.csv:3:1: Period: duplicate interval: channel voice"),
        "{e:?}"
    );
    assert!(
        e[1].starts_with("t.csv:4:2: Channel: unknown channel \"fax\"; expected one of"),
        "{e:?}"
    );
}

fn any_counts() -> impl Strategy<Value = IntervalCounts> {
    (
        0u32..500,
        any::<bool>(),
        any::<bool>(),
        proptest::option::of(0.0f64..3000.0),
        proptest::option::of(0.0f64..3000.0),
        proptest::option::of(0.0f64..60.0),
        0.0f64..1.0,
    )
        .prop_map(|(offered, has_h, has_a, aht, asa, agents, share)| {
            let handled = (f64::from(offered) * share) as u32;
            IntervalCounts {
                offered,
                handled: has_h.then_some(handled),
                abandoned: has_a.then_some(offered - handled),
                aht_seconds: aht,
                asa_seconds: asa,
                agents_staffed: agents,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// write_csv then read_history gives back the same history, plain and gzip, across the
    /// autumn clock change.
    #[test]
    fn write_then_read_round_trips(
        values in proptest::collection::vec(proptest::option::weighted(0.9, any_counts()), 1..200),
        gz in any::<bool>(),
        len in prop_oneof![Just(IntervalLength::M15), Just(IntervalLength::M30), Just(IntervalLength::M60)],
    ) {
        let grid = IntervalGrid::new(len, chrono_tz::Europe::London);
        let first = NaiveDate::from_ymd_opt(2026, 10, 24).unwrap();
        let slots = grid.interval_starts_in_dates(first, first + chrono::Duration::days(3));
        let mut records = Vec::new();
        for (i, v) in values.iter().enumerate() {
            if let (Some(c), Some(t)) = (v, slots.get(i)) {
                let ch = if i % 3 == 0 { "chat" } else { "voice" };
                records.push(HistoryRecord::new(*t, ch.parse().unwrap(), *c).unwrap());
            }
        }
        prop_assume!(!records.is_empty());
        let history = History::new(grid, records).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(if gz { "h.csv.gz" } else { "h.csv" });
        history.write_csv(&path).unwrap();
        let opts = IngestOptions { interval: Some(len), ..IngestOptions::default() };
        let back = read_history(&path, &opts).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(back, history);
    }

    /// Random bytes never make the reader panic.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let _ = read_history_from(&bytes[..], "x.csv", &IngestOptions::default());
    }

    /// Random rows built from plausible and implausible cells never make the reader panic.
    #[test]
    fn random_rows_never_panic(rows in proptest::collection::vec(
        proptest::collection::vec(prop_oneof![
            Just("2026-10-25 01:00".to_string()),
            Just("2026-03-29 01:30".to_string()),
            Just("31/12/2026 23:45".to_string()),
            Just("2026-06-01T08:07:00+14:00".to_string()),
            Just("voice".to_string()),
            Just("-1".to_string()),
            Just("4294967295".to_string()),
            Just("1e400".to_string()),
            Just("NaN".to_string()),
            Just("99:99".to_string()),
            Just(String::new()),
            "[0-9]{1,3}",
            "[ -~]{0,12}",
        ], 0..9), 0..40),
        interval in proptest::option::of(prop_oneof![Just(IntervalLength::M15), Just(IntervalLength::M60)]),
    ) {
        let mut csv = String::from("interval_start,channel,offered,handled,abandoned,aht_seconds,asa_seconds,agents_staffed\n");
        for r in &rows {
            csv.push_str(&r.iter().map(|c| c.replace([',', '"', '\n', '\r'], " ")).collect::<Vec<_>>().join(","));
            csv.push('\n');
        }
        let opts = IngestOptions { interval, ..IngestOptions::default() };
        let _ = read_history_from(csv.as_bytes(), "x.csv", &opts);
    }
}

#[test]
fn a_semicolon_file_with_decimal_commas_is_read() {
    // European Excel: `;` between fields, `,` before the decimals.
    let csv = "interval_start;channel;offered;aht_seconds\n\
               2026-11-23 09:00;voice;12;180,5\n\
               2026-11-23 09:15;voice;10;200,25\n";
    let h = ok(csv, &m15());
    let aht: Vec<Option<f64>> = h.records().iter().map(|r| r.aht_seconds()).collect();
    assert_eq!(aht, [Some(180.5), Some(200.25)]);
    // In a comma-delimited file `180,5` is two cells, so the row has one field too many.
    let e = errs(
        "interval_start,channel,offered,aht_seconds\n2026-11-23 09:00,voice,12,180,5\n",
        &m15(),
    );
    assert!(!e.is_empty());
}
