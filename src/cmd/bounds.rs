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
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= MAX_TIME_LIMIT_S => Ok(v),
        _ => Err(format!(
            "{s} is not a time limit; expected more than 0 and at most {MAX_TIME_LIMIT_S} seconds"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
