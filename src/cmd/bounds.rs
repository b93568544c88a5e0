//! Value parsers for numeric options with documented bounds: a value out of range is refused
//! when the arguments are read, naming the option, the value and the range, before any work.

/// The most seconds a solver time limit may be: a day. A roster that needs longer is a sign of a
/// mistyped number (`--time-limit-s 36000000`), and a day-long solve holds a job worker.
pub const MAX_TIME_LIMIT_S: f64 = 86_400.0;

/// `--time-limit-s`: seconds, more than 0 and at most [`MAX_TIME_LIMIT_S`].
///
/// ```text
/// --time-limit-s -1  ->  invalid value '-1' for '--time-limit-s <TIME_LIMIT_S>': -1 is not a
///                        time limit; expected more than 0 and at most 86400 seconds
/// ```
pub fn time_limit_s(s: &str) -> Result<f64, String> {
    match within(s, 0.0, MAX_TIME_LIMIT_S) {
        Ok(v) if v > 0.0 => Ok(v),
        _ => Err(format!(
            "{s} is not a time limit; expected more than 0 and at most {MAX_TIME_LIMIT_S} seconds"
        )),
    }
}

/// The most contacts an hour `rota erlang` takes: 400,000, four times the most one 15-minute
/// interval of history may hold (`rota_data::ingest::MAX_OFFERED_PER_INTERVAL`).
pub const MAX_CALLS_PER_HOUR: f64 = 400_000.0;

/// `--calls-per-hour`: 0 to [`MAX_CALLS_PER_HOUR`].
pub fn calls_per_hour(s: &str) -> Result<f64, String> {
    within(s, 0.0, MAX_CALLS_PER_HOUR).map_err(|()| {
        format!("{s} is not a contact rate; expected 0 to {MAX_CALLS_PER_HOUR} contacts an hour")
    })
}

/// `--aht-s`: more than 0 and at most a day (`rota_data::ingest::MAX_AHT_SECONDS`), the limit
/// on a history's handle times.
pub fn aht_s(s: &str) -> Result<f64, String> {
    let max = rota_data::ingest::MAX_AHT_SECONDS;
    match within(s, 0.0, max) {
        Ok(v) if v > 0.0 => Ok(v),
        _ => Err(format!(
            "{s} is not a handle time; expected more than 0 and at most {max} seconds"
        )),
    }
}

/// `s` as a number in `lo..=hi`.
fn within(s: &str, lo: f64, hi: f64) -> Result<f64, ()> {
    match s.trim().parse::<f64>() {
        Ok(v) if (lo..=hi).contains(&v) => Ok(v),
        _ => Err(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_and_handle_times_in_range_are_read_and_others_named() {
        assert_eq!(calls_per_hour("200"), Ok(200.0));
        assert_eq!(calls_per_hour("0"), Ok(0.0));
        assert_eq!(aht_s("180"), Ok(180.0));
        for bad in ["-1", "1e300", "NaN"] {
            let e = calls_per_hour(bad).unwrap_err();
            assert!(e.contains("expected 0 to 400000 contacts an hour"), "{e}");
        }
        for bad in ["0", "-5", "1e308", "inf"] {
            let e = aht_s(bad).unwrap_err();
            assert!(
                e.contains("expected more than 0 and at most 86400 seconds"),
                "{e}"
            );
        }
    }

    #[test]
    fn time_limits_in_range_are_read_and_others_named() {
        assert_eq!(time_limit_s("60"), Ok(60.0));
        assert_eq!(time_limit_s("0.5"), Ok(0.5));
        assert_eq!(time_limit_s("86400"), Ok(86_400.0));
        for bad in ["-1", "0", "86401", "inf", "NaN", "abc"] {
            let e = time_limit_s(bad).unwrap_err();
            assert!(e.starts_with(&format!("{bad} is not a time limit")), "{e}");
            assert!(e.contains("at most 86400 seconds"), "{e}");
        }
    }
}
