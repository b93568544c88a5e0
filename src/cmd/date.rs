//! Dates typed on the command line. Planners in the UK write 16/11/2026; scripts write 2026-11-16.
//! Both are accepted; US month-first dates are not guessed at (16/11 cannot be a month, but 05/11
//! could be either), so only day-first is read from slashes, as the UK exports are.

use chrono::NaiveDate;

/// Parses `YYYY-MM-DD` or `DD/MM/YYYY` (clap value parser for `--from` / `--to`).
pub fn parse(s: &str) -> Result<NaiveDate, String> {
    let s = s.trim();
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(s, "%d/%m/%Y"))
        .map_err(|_| format!("`{s}` is not a date: expected YYYY-MM-DD or DD/MM/YYYY (e.g. 2026-11-16 or 16/11/2026)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_and_uk_dates() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        assert_eq!(parse("2026-11-16"), Ok(d));
        assert_eq!(parse("16/11/2026"), Ok(d));
        assert_eq!(parse(" 16/11/2026 "), Ok(d));
        assert!(parse("11/16/2026").unwrap_err().contains("DD/MM/YYYY"));
        assert!(parse("2026-02-30").is_err());
        assert!(parse("tomorrow").is_err());
    }
}
