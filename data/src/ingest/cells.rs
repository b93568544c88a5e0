//! The values of one cell: counts, handle and answer times (in the export's unit or as
//! `[h:]mm:ss`), and channel labels turned into channel names.

use super::diagnostics::shown;
use crate::channel::ChannelName;

/// The unit of plain numbers in the AHT column. Exports differ: most write seconds, some
/// milliseconds (a 150-hour handle time if read as seconds), some minutes. `mm:ss` / `h:mm:ss`
/// text is read as a duration whatever the unit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
#[serde(into = "&'static str")]
pub enum AhtUnit {
    /// Seconds (the default).
    #[default]
    Seconds,
    /// Milliseconds.
    Milliseconds,
    /// Minutes (decimals allowed: 7.5 = 7 min 30 s).
    Minutes,
    /// Only `[h:]mm:ss` text; a plain number is an error.
    Clock,
}

impl AhtUnit {
    /// Parses `s`, `ms`, `min` or `h:mm:ss` (as written in `--aht-unit` and `[history] aht_unit`).
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "s" | "sec" | "secs" | "seconds" => Some(Self::Seconds),
            "ms" | "millis" | "milliseconds" => Some(Self::Milliseconds),
            "min" | "mins" | "minutes" => Some(Self::Minutes),
            "h:mm:ss" | "hh:mm:ss" | "mm:ss" | "clock" => Some(Self::Clock),
            _ => None,
        }
    }

    /// The name written in `[history] aht_unit` (and in JSON).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Seconds => "s",
            Self::Milliseconds => "ms",
            Self::Minutes => "min",
            Self::Clock => "h:mm:ss",
        }
    }

    /// Seconds per unit of a plain number (`None` for [`AhtUnit::Clock`]).
    fn seconds_per_unit(self) -> Option<f64> {
        match self {
            Self::Seconds => Some(1.0),
            Self::Milliseconds => Some(0.001),
            Self::Minutes => Some(60.0),
            Self::Clock => None,
        }
    }
}

impl From<AhtUnit> for &'static str {
    fn from(u: AhtUnit) -> Self {
        u.as_str()
    }
}

/// A handle time above this (24 hours, in seconds) is an error, not a warning: no contact lasts a
/// day, and such values come from a broken export (`1e308`, a date read as a duration).
pub const MAX_AHT_SECONDS: f64 = 86_400.0;

/// Contacts offered in one row above this are an error: the busiest UK contact centres take a few
/// thousand contacts in an interval, so `4294967295` is an export's "unknown" marker or an
/// overflow, never a count.
pub const MAX_OFFERED_PER_INTERVAL: u32 = 100_000;

/// Turns an export label into a channel name: lowercase, runs of spaces and punctuation other
/// than `-` become `_` (`"Main Queue"` -> `main_queue`).
pub(super) fn channel_slug(label: &str) -> String {
    if ChannelName::parse(label).is_ok() {
        return label.to_string();
    }
    let mut out = String::with_capacity(label.len());
    let mut pending = false;
    for c in label.chars() {
        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
            if pending && !out.is_empty() {
                out.push('_');
            }
            pending = false;
            out.push(c.to_ascii_lowercase());
        } else if c.is_whitespace() || c.is_ascii_punctuation() {
            pending = true;
        } else {
            // Leave other characters in so the name is rejected with a clear message.
            out.push(c);
        }
    }
    out
}

fn is_missing(s: &str) -> bool {
    s.is_empty()
        || s == "-"
        || s.eq_ignore_ascii_case("na")
        || s.eq_ignore_ascii_case("n/a")
        || s.eq_ignore_ascii_case("null")
}

/// A count of contacts: a whole number >= 0 (`12`, `12.0`); empty/`-`/`NA` is missing when the
/// column is optional.
pub(super) fn parse_count(s: &str, required: bool) -> Result<Option<u32>, String> {
    if is_missing(s) {
        return if required {
            Err("empty cell; expected a whole number of contacts".into())
        } else {
            Ok(None)
        };
    }
    let too_many = || {
        Err(format!(
            "count {} is implausible for one interval; expected 0 to {} contacts",
            shown(s),
            crate::summary::thousands(u64::from(MAX_OFFERED_PER_INTERVAL))
        ))
    };
    if let Ok(v) = s.parse::<u32>() {
        if v > MAX_OFFERED_PER_INTERVAL {
            return too_many();
        }
        return Ok(Some(v));
    }
    if let Ok(v) = s.parse::<f64>() {
        if v.is_finite() && v < 0.0 {
            return Err(format!(
                "negative count {}; expected a whole number >= 0",
                shown(s).trim_matches('"')
            ));
        }
        if v.is_finite() && v > f64::from(MAX_OFFERED_PER_INTERVAL) {
            return too_many();
        }
        if v.is_finite() && v.fract() == 0.0 {
            return Ok(Some(v as u32));
        }
    }
    Err(format!(
        "expected a whole number of contacts, found {}",
        shown(s)
    ))
}

/// An average: a finite number >= 0; for durations also `mm:ss` or `h:mm:ss`.
/// An AHT cell in `unit`, as seconds.
pub(super) fn parse_aht(s: &str, unit: AhtUnit) -> Result<Option<f64>, String> {
    if is_missing(s) || s.contains(':') || unit == AhtUnit::Seconds {
        return parse_average(s, true);
    }
    match unit.seconds_per_unit() {
        Some(k) => parse_average(s, false)
            .map(|v| v.map(|v| v * k))
            .map_err(|_| {
                format!(
                    "expected a handle time in {} (a number >= 0) or mm:ss / h:mm:ss, found {}",
                    unit.as_str(),
                    shown(s)
                )
            }),
        None => Err(format!(
            "expected a handle time as mm:ss or h:mm:ss (the configured unit), found {}",
            shown(s)
        )),
    }
}

pub(super) fn parse_average(s: &str, duration: bool) -> Result<Option<f64>, String> {
    if is_missing(s) {
        return Ok(None);
    }
    let v = if duration && s.contains(':') {
        parse_clock_duration(s)
    } else {
        s.parse::<f64>().ok()
    };
    match v {
        Some(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        Some(v) if v < 0.0 => Err(format!(
            "negative value {}; expected a number >= 0",
            shown(s).trim_matches('"')
        )),
        _ if duration => Err(format!(
            "expected seconds (e.g. 912 or 912.5) or mm:ss / h:mm:ss, found {}",
            shown(s)
        )),
        _ => Err(format!("expected a number >= 0, found {}", shown(s))),
    }
}

/// `mm:ss`, `h:mm:ss` (fractions of a second allowed) as seconds.
fn parse_clock_duration(s: &str) -> Option<f64> {
    let parts: Vec<&str> = s.split(':').collect();
    if parts.len() > 3 || parts.iter().any(|p| p.is_empty()) {
        return None;
    }
    let mut total = 0f64;
    for (i, p) in parts.iter().enumerate() {
        let last = i == parts.len() - 1;
        let v: f64 = if last {
            p.parse().ok()?
        } else {
            f64::from(p.parse::<u32>().ok()?)
        };
        if i > 0 && v >= 60.0 {
            return None;
        }
        total = total * 60.0 + v;
    }
    Some(total)
}
