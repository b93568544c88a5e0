//! The CSV read back with the `csv` crate: one row per agent and day.

use super::*;
use crate::schedule::tests::sample;

fn rows() -> Vec<csv::StringRecord> {
    let mut out = Vec::new();
    assert_eq!(write_csv(&sample(), &mut out).expect("writes"), 5);
    let mut r = csv::Reader::from_reader(out.as_slice());
    assert_eq!(
        r.headers().unwrap(),
        &csv::StringRecord::from(CSV_HEADER.to_vec())
    );
    r.records().map(|r| r.unwrap()).collect()
}

#[test]
fn one_row_per_agent_and_day_and_one_more_for_a_second_shift() {
    let rows = rows();
    // 3 agents x 7 days, and Bob's second shift on Tuesday.
    assert_eq!(rows.len(), 22);
    let ann: Vec<&str> = rows[0].iter().collect();
    assert_eq!(
        ann,
        [
            "NH001",
            "Ann Smith",
            "Blue",
            "2026-10-19",
            "Mon",
            "08:00",
            "16:30",
            "8",
            "voice; chat",
            "10:15-10:30 break; 12:30-13:00 lunch",
            "08:00-10:15 voice; 10:30-12:30 chat; 13:00-14:00 coaching; 1:1, Jo's <b>; 14:00-16:30 voice"
        ]
    );
    let off: Vec<&str> = rows[1].iter().collect();
    assert_eq!(
        off,
        [
            "NH001",
            "Ann Smith",
            "Blue",
            "2026-10-20",
            "Tue",
            "",
            "",
            "0",
            "",
            "",
            ""
        ]
    );
    let bob_tuesday: Vec<&csv::StringRecord> = rows
        .iter()
        .filter(|r| &r[0] == "NH002" && &r[3] == "2026-10-20")
        .collect();
    assert_eq!(bob_tuesday.len(), 2);
    assert_eq!(&bob_tuesday[1][1], "Bob O'Neil, Jr");
    assert_eq!((&bob_tuesday[1][5], &bob_tuesday[1][6]), ("16:00", "20:00"));
}
