//! The workbook read back with `calamine`: the same shifts in the same cells.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};

use super::*;
use crate::schedule::tests::sample;

fn cell(range: &calamine::Range<Data>, row: u32, col: u16) -> String {
    range
        .get_value((row, u32::from(col)))
        .map(|d| d.to_string())
        .unwrap_or_default()
}

#[test]
fn every_shift_reads_back_in_its_agents_row_and_days_column() {
    let s = sample();
    let mut bytes = Vec::new();
    assert_eq!(write_xlsx(&s, &mut bytes).expect("writes"), 1);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("opens");
    assert_eq!(book.sheet_names(), ["Week of 19 Oct 2026"]);
    let range = book
        .worksheet_range("Week of 19 Oct 2026")
        .expect("the sheet");
    assert_eq!(
        cell(&range, FIRST_AGENT_ROW - 1, FIRST_DAY_COLUMN),
        "Mon 19/10"
    );
    for (i, a) in s.agents.iter().enumerate() {
        let row = FIRST_AGENT_ROW + i as u32;
        assert_eq!(cell(&range, row, 0), a.id);
        assert_eq!(cell(&range, row, 1), a.name);
        for (k, d) in s.dates().iter().enumerate() {
            let want: Vec<String> = a.on(*d).map(|s| s.times()).collect();
            let got = cell(&range, row, FIRST_DAY_COLUMN + k as u16);
            match want.is_empty() {
                true => assert_eq!(got, OFF),
                false => assert_eq!(got, want.join("\n"), "{} on {d}", a.id),
            }
        }
        let paid: f64 = a.shifts.iter().fold(0.0, |t, s| t + s.paid_hours());
        assert_eq!(cell(&range, row, FIRST_DAY_COLUMN + 7), format!("{paid}"));
    }
    assert_eq!(
        cell(&range, FIRST_AGENT_ROW + 1, FIRST_DAY_COLUMN + 1),
        "07:00-11:00\n16:00-20:00"
    );
}

#[test]
fn a_period_over_two_weeks_has_two_sheets() {
    let mut s = sample();
    s.first_date = chrono::NaiveDate::from_ymd_opt(2026, 10, 22).unwrap();
    s.last_date = chrono::NaiveDate::from_ymd_opt(2026, 10, 27).unwrap();
    let mut bytes = Vec::new();
    assert_eq!(write_xlsx(&s, &mut bytes).unwrap(), 2);
    let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["Week of 22 Oct 2026", "Week of 26 Oct 2026"]
    );
}
