//! Reader for the staffing requirements CSV written by `rota staff`:
//!
//! ```text
//! interval_start,channel,offered,aht_seconds,required_agents,abandon_rate,asa_seconds,service_level,occupancy
//! 2026-11-23T08:00:00+00:00,voice,31.2,510,19,0.08,95.1,0.71,0.88
//! ```
//!
//! Only `interval_start`, `channel` and `required_agents` are needed; `offered` and `aht_seconds`
//! are used for deferred channels (workload = offered x AHT / interval length, in agent-intervals)
//! and, kept as they are, for the live channels' service curves of the targets objective
//! ([`crate::targets`]) when present. A `scheduled_heads` column, when present, is preferred over `required_agents`
//! (it includes shrinkage that is not modelled as explicit activities). Other columns are ignored.
//! Errors name the file, the line and the column.
//!
//! The writer is the other half of this format and lives in the staffing crate:
//! `rota_staffing::write_staffing_csv`. This crate does not depend on it, so the round-trip
//! property test (write generated rows, read them back here) is in the simulation crate, which
//! depends on both: `scheduler/simulation/tests/requirements_roundtrip.rs`.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, FixedOffset};
use rota_data::channel::ChannelName;

use super::error::RosterError;
use super::problem::Horizon;

/// Requirements per channel as series over the horizon's intervals (missing intervals are 0).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RequirementSeries {
    /// Required agents per channel and interval.
    pub required: BTreeMap<ChannelName, Vec<f64>>,
    /// Workload (agent-intervals) per channel and interval, where the file gives offered and AHT.
    pub workload: BTreeMap<ChannelName, Vec<f64>>,
    /// Offered contacts per channel and interval, where the file gives offered and AHT (the
    /// targets objective's service curves, [`crate::targets`]).
    pub offered: BTreeMap<ChannelName, Vec<f64>>,
    /// Average handle time per channel and interval, seconds, where the file gives offered and
    /// AHT (0 where the file has no row).
    pub aht_s: BTreeMap<ChannelName, Vec<f64>>,
    /// Rows outside the horizon (ignored).
    pub rows_outside: usize,
}

impl RequirementSeries {
    /// Lays one channel's figures on interval `t` of a horizon of `n_t` intervals of `interval_s`
    /// seconds: the heads to schedule and, where offered contacts and AHT are known, the workload
    /// (`offered x AHT / interval`, agent-intervals) and the targets objective's inputs. The one
    /// place a requirement meets the roster's days, for the file reader and for requirements the
    /// planning layer computed in memory, so both carry the same figures.
    pub fn set(
        &mut self,
        channel: &ChannelName,
        (t, n_t): (usize, usize),
        required: f64,
        offered_aht: Option<(f64, f64)>,
        interval_s: f64,
    ) {
        let put = |series: &mut BTreeMap<ChannelName, Vec<f64>>, v: f64| {
            series
                .entry(channel.clone())
                .or_insert_with(|| vec![0.0; n_t])[t] = v;
        };
        put(&mut self.required, required);
        if let Some((offered, aht)) = offered_aht {
            put(&mut self.offered, offered);
            put(&mut self.aht_s, aht);
            put(&mut self.workload, offered * aht / interval_s);
        }
    }
}

fn err(path: &Path, line: u64, column: &str, message: impl Into<String>) -> RosterError {
    RosterError::Requirements {
        path: path.to_path_buf(),
        line,
        column: column.to_string(),
        message: message.into(),
    }
}

/// Reads `path` and lays its rows on `horizon`'s intervals.
///
/// Rejects: missing columns, timestamps that are not RFC 3339 with offset or not on the interval
/// grid, invalid channel names, negative or non-numeric values, and a channel/interval given twice.
pub fn read_requirements(path: &Path, horizon: &Horizon) -> Result<RequirementSeries, RosterError> {
    let file =
        std::fs::File::open(path).map_err(|e| err(path, 1, "-", format!("cannot open: {e}")))?;
    read_requirements_from(file, path, horizon)
}

/// [`read_requirements`] over any reader; `label` names the source in errors (an upload's name),
/// so nothing needs a temporary file.
pub fn read_requirements_from<R: std::io::Read>(
    reader: R,
    label: &Path,
    horizon: &Horizon,
) -> Result<RequirementSeries, RosterError> {
    let path = label;
    let mut rdr = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(reader);
    let headers = rdr
        .headers()
        .map_err(|e| err(path, 1, "-", format!("cannot read the header: {e}")))?
        .clone();
    let cols = Columns::find(path, &headers)?;
    let n_t = horizon.n_intervals();
    let interval_s = f64::from(horizon.interval_minutes()) * 60.0;
    let mut out = RequirementSeries::default();
    let mut seen: BTreeMap<(ChannelName, usize), u64> = BTreeMap::new();
    // The dates the file covers, to say what it holds when none of it is in the planned period.
    let mut span: Option<(DateTime<FixedOffset>, DateTime<FixedOffset>)> = None;
    for (i, rec) in rdr.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(line, |p| p.line());
            err(path, line, "-", format!("malformed CSV record: {e}"))
        })?;
        let row = cols.row(path, line, &rec)?;
        let (at, ts) = (
            row.interval_start,
            rec.get(cols.interval_start).unwrap_or(""),
        );
        span = Some(span.map_or((at, at), |(lo, hi)| (lo.min(at), hi.max(at))));
        let m = horizon.minutes_from_start(&at);
        if m < 0 || m >= n_t as i64 * i64::from(horizon.interval_minutes()) {
            out.rows_outside += 1;
            continue;
        }
        let Some(t) = horizon.interval_of(&at) else {
            return Err(err(
                path,
                line,
                "interval_start",
                format!(
                    "{ts} is not on the {}-minute interval grid",
                    horizon.interval_minutes()
                ),
            ));
        };
        let channel = row.channel;
        if let Some(prev) = seen.insert((channel.clone(), t), line) {
            return Err(err(
                path,
                line,
                "interval_start",
                format!("{channel} at {ts} is already given on line {prev}"),
            ));
        }
        out.set(
            &channel,
            (t, n_t),
            row.required_agents,
            row.offered_aht,
            interval_s,
        );
    }
    // A file for another week would otherwise be "planned as zero" channel by channel: an empty
    // roster that looks like success.
    if let (true, Some((lo, hi))) = (out.required.is_empty(), span) {
        return Err(none_in_horizon(path, horizon, out.rows_outside, lo, hi));
    }
    Ok(out)
}

/// One record's values, before they are placed on the horizon.
struct ParsedRow {
    interval_start: DateTime<FixedOffset>,
    channel: ChannelName,
    required_agents: f64,
    offered_aht: Option<(f64, f64)>,
}

/// Where the columns the reader uses are in the header.
struct Columns {
    interval_start: usize,
    channel: usize,
    /// `scheduled_heads` when the file has it, else `required_agents`.
    required: usize,
    /// The name of that column, for errors.
    required_name: String,
    offered: Option<usize>,
    aht: Option<usize>,
}

impl Columns {
    /// Finds the columns by name; `interval_start`, `channel` and one of `scheduled_heads` /
    /// `required_agents` are required, `offered` and `aht_seconds` optional.
    fn find(path: &Path, headers: &csv::StringRecord) -> Result<Self, RosterError> {
        let col = |name: &str| headers.iter().position(|h| h == name);
        let need = |name: &str| {
            col(name).ok_or_else(|| {
                err(
                    path,
                    1,
                    name,
                    format!(
                        "missing column {name}; expected a `rota staff` file with interval_start, \
                         channel, required_agents (found: {})",
                        headers.iter().collect::<Vec<_>>().join(", ")
                    ),
                )
            })
        };
        let interval_start = need("interval_start")?;
        let channel = need("channel")?;
        let required = match col("scheduled_heads") {
            Some(i) => i,
            None => need("required_agents")?,
        };
        let required_name = headers
            .get(required)
            .unwrap_or("required_agents")
            .to_string();
        Ok(Self {
            interval_start,
            channel,
            required,
            required_name,
            offered: col("offered"),
            aht: col("aht_seconds"),
        })
    }

    /// The values of one record, checked: the interval start (RFC 3339 with offset), the channel
    /// name, the requirement and, when the file has them, offered contacts and AHT. Numbers must
    /// be finite and non-negative.
    fn row(
        &self,
        path: &Path,
        line: u64,
        rec: &csv::StringRecord,
    ) -> Result<ParsedRow, RosterError> {
        let field = |idx: usize, name: &str| {
            rec.get(idx)
                .ok_or_else(|| err(path, line, name, "missing value"))
        };
        let ts = field(self.interval_start, "interval_start")?;
        let at = DateTime::parse_from_rfc3339(ts).map_err(|e| {
            err(
                path,
                line,
                "interval_start",
                format!("{ts:?} is not an RFC 3339 timestamp with offset ({e}); expected e.g. 2026-11-23T08:00:00+00:00"),
            )
        })?;
        let ch_s = field(self.channel, "channel")?;
        let channel =
            ChannelName::parse(ch_s).map_err(|e| err(path, line, "channel", e.to_string()))?;
        let number = |idx: usize, name: &str| -> Result<f64, RosterError> {
            let s = field(idx, name)?;
            let v: f64 = s
                .parse()
                .map_err(|_| err(path, line, name, format!("{s:?} is not a number")))?;
            if !v.is_finite() || v < 0.0 {
                return Err(err(
                    path,
                    line,
                    name,
                    format!("{v} must be a non-negative number"),
                ));
            }
            Ok(v)
        };
        let required_agents = number(self.required, &self.required_name)?;
        let offered_aht = match (self.offered, self.aht) {
            (Some(o), Some(a)) => Some((number(o, "offered")?, number(a, "aht_seconds")?)),
            _ => None,
        };
        Ok(ParsedRow {
            interval_start: at,
            channel,
            required_agents,
            offered_aht,
        })
    }
}

/// The error of a file none of whose rows falls in the horizon, naming both periods: a file for
/// another week would otherwise be planned as zero demand.
fn none_in_horizon(
    path: &Path,
    horizon: &Horizon,
    rows_outside: usize,
    lo: DateTime<FixedOffset>,
    hi: DateTime<FixedOffset>,
) -> RosterError {
    let last = horizon.first_date() + chrono::Duration::days(horizon.days() as i64 - 1);
    err(
        path,
        2,
        "interval_start",
        format!(
            "none of its {} rows falls in the days being rostered, {} to {}: the file covers \
             {} to {}; expected the requirements of the planned days (check --from and \
             --days, or run `rota staff` on the forecast of those days)",
            rows_outside,
            horizon.first_date(),
            last,
            lo.date_naive(),
            hi.date_naive()
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use std::io::Write;

    fn horizon() -> Horizon {
        Horizon::new(
            chrono_tz::Europe::London,
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            1,
            15,
        )
        .unwrap()
    }

    fn file(text: &str) -> tempfile_like::TempPath {
        tempfile_like::write(text)
    }

    /// Minimal temporary file helper (the crate has no tempfile dependency).
    mod tempfile_like {
        use super::*;
        pub struct TempPath(pub std::path::PathBuf);
        impl Drop for TempPath {
            fn drop(&mut self) {
                let _ = std::fs::remove_file(&self.0);
            }
        }
        pub fn write(text: &str) -> TempPath {
            use std::sync::atomic::{AtomicUsize, Ordering};
            static N: AtomicUsize = AtomicUsize::new(0);
            let p = std::env::temp_dir().join(format!(
                "rota-req-{}-{}.csv",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            let mut f = std::fs::File::create(&p).unwrap();
            f.write_all(text.as_bytes()).unwrap();
            TempPath(p)
        }
    }

    fn cn(s: &str) -> ChannelName {
        ChannelName::parse(s).unwrap()
    }

    const HEADER: &str = "interval_start,channel,offered,aht_seconds,required_agents,abandon_rate,asa_seconds,service_level,occupancy\n";

    #[test]
    fn reads_rows_onto_the_grid() {
        let f = file(&format!(
            "{HEADER}2026-11-23T08:00:00+00:00,voice,30,540,19,0.08,95,0.7,0.9\n\
             2026-11-23T08:15:00+00:00,email,10,900,3,0,0,1,1\n\
             2026-11-24T08:00:00+00:00,voice,30,540,19,0.08,95,0.7,0.9\n"
        ));
        let s = read_requirements(&f.0, &horizon()).unwrap();
        assert_eq!(s.required[&cn("voice")][32], 19.0);
        assert_eq!(s.required[&cn("email")][33], 3.0);
        assert!((s.workload[&cn("email")][33] - 10.0).abs() < 1e-12); // 10 x 900 s / 900 s
        assert_eq!(s.rows_outside, 1);
    }

    #[test]
    fn a_file_for_another_week_is_an_error_naming_both_periods() {
        let f = file(&format!(
            "{HEADER}2026-11-30T08:00:00+00:00,voice,30,540,19,0.08,95,0.7,0.9\n\
             2026-12-01T08:00:00+00:00,voice,30,540,19,0.08,95,0.7,0.9\n"
        ));
        let e = read_requirements(&f.0, &horizon()).unwrap_err().to_string();
        assert!(
            e.contains("none of its 2 rows falls in the days being rostered"),
            "{e}"
        );
        assert!(e.contains("2026-11-23 to 2026-11-23"), "{e}");
        assert!(e.contains("covers 2026-11-30 to 2026-12-01"), "{e}");
        // A header alone is not that error: nothing to say about other days.
        let f = file(HEADER);
        assert!(read_requirements(&f.0, &horizon()).is_ok());
    }

    #[test]
    fn errors_name_line_and_column() {
        let f = file(&format!(
            "{HEADER}2026-11-23T08:00:00+00:00,voice,30,540,x,0,0,0,0\n"
        ));
        let e = read_requirements(&f.0, &horizon()).unwrap_err().to_string();
        assert!(e.contains("line 2, column required_agents"), "{e}");
        let f = file(&format!(
            "{HEADER}2026-11-23 08:00,voice,30,540,1,0,0,0,0\n"
        ));
        let e = read_requirements(&f.0, &horizon()).unwrap_err().to_string();
        assert!(
            e.contains("column interval_start") && e.contains("RFC 3339"),
            "{e}"
        );
        let f = file(&format!(
            "{HEADER}2026-11-23T08:05:00+00:00,voice,30,540,1,0,0,0,0\n"
        ));
        let e = read_requirements(&f.0, &horizon()).unwrap_err().to_string();
        assert!(e.contains("interval grid"), "{e}");
        let f = file("interval_start,channel\n2026-11-23T08:00:00+00:00,voice\n");
        let e = read_requirements(&f.0, &horizon()).unwrap_err().to_string();
        assert!(e.contains("line 1") && e.contains("required_agents"), "{e}");
        let f = file(&format!(
            "{HEADER}2026-11-23T08:00:00+00:00,voice,30,540,1,0,0,0,0\n2026-11-23T08:00:00+00:00,voice,30,540,1,0,0,0,0\n"
        ));
        let e = read_requirements(&f.0, &horizon()).unwrap_err().to_string();
        assert!(e.contains("line 3") && e.contains("line 2"), "{e}");
        let f = file(&format!(
            "{HEADER}2026-11-23T08:00:00+00:00,voice,30,540,-1,0,0,0,0\n"
        ));
        assert!(read_requirements(&f.0, &horizon()).is_err());
    }
}
