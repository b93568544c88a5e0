//! Interval starts: the timestamp forms Rota reads, local times placed in the centre's zone
//! (the autumn fold by order of appearance, the spring gap as the options say), and the zone
//! read from the offsets when none is given.

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Timelike,
};
use chrono_tz::Tz;

use super::checks::slash_date;
use super::diagnostics::{shown, MAX_DIAGNOSTICS};
use super::reader::{Reader, Row};
use crate::grid::DEFAULT_TIME_ZONE;

/// What to do with a row stamped in the hour the clocks skip in spring (it names no real time in
/// the centre's zone): usually a file from a centre in another zone, or an export that does not
/// know about summer time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum MissingLocalTime {
    /// Reject the file, naming every such row (the default: nothing is guessed).
    #[default]
    Error,
    /// Leave those rows out; the summary says how many.
    Drop,
    /// Read them one hour later, as the clock on the wall would have shown.
    Shift,
}

impl Reader<'_> {
    /// With no zone given and an offset on every timestamp, reads the rows in the zone those
    /// offsets fit (London first), so days and hours are the centre's own.
    pub(super) fn zone_from_offsets(&mut self, rows: &mut [Vec<Row>]) {
        // Only offsets other than UTC's say where the centre is: a file stamped `Z` or `+00:00`
        // all year is an export in UTC, whatever the centre's zone (and London reads it right).
        if self.offsets.local
            || self.offsets.samples.is_empty()
            || self.offsets.samples.iter().all(|&(_, off)| off == 0)
        {
            return;
        }
        let Some(zone) = self.offsets.fitting_zone() else {
            return;
        };
        self.offsets.zone = Some(zone);
        if zone == self.tz {
            return;
        }
        tracing::info!(%zone, "time zone read from the timestamps' offsets");
        self.tz = zone;
        for row in rows.iter_mut().flatten() {
            row.start = row.start.with_timezone(&zone);
            let local = row.start.naive_local();
            row.local_sod = local.num_seconds_from_midnight();
            row.local_date = local.date();
        }
    }

    pub(super) fn parse_start(
        &mut self,
        s: &str,
        label: Option<u32>,
        line: u64,
        col: (usize, &str),
    ) -> Option<DateTime<Tz>> {
        let builtin = self.options.timestamp_format.is_none();
        if builtin {
            self.note_slash_date(s, line);
        }
        let stamp = match parse_timestamp(s, self.options.timestamp_format.as_deref()) {
            Ok(stamp) => stamp,
            Err(m) => {
                let us_like = builtin && slash_date(s).is_some_and(|(a, b, _)| a <= 12 && b > 12);
                if us_like {
                    // Reported once for the file if its dates turn out to be US.
                    if self.slash.month_errors.len() < MAX_DIAGNOSTICS {
                        self.slash
                            .month_errors
                            .push((line, (col.0, col.1.to_string()), m));
                    }
                } else {
                    self.diags.push(Some(line), Some(col), m);
                }
                return None;
            }
        };
        match stamp {
            Stamp::Fixed(t) => {
                self.offsets.note(&t);
                Some(t.with_timezone(&self.tz))
            }
            Stamp::Local(naive) => {
                self.offsets.local = true;
                self.local_start(naive, label, line, col)
            }
        }
    }

    /// A local wall-clock start placed in the centre's zone: the fold hour by order of
    /// appearance, the skipped hour as the options say.
    fn local_start(
        &mut self,
        naive: NaiveDateTime,
        label: Option<u32>,
        line: u64,
        col: (usize, &str),
    ) -> Option<DateTime<Tz>> {
        match self.tz.from_local_datetime(&naive) {
            LocalResult::Single(t) => Some(t),
            LocalResult::Ambiguous(early, late) => {
                // First occurrence (per export label, in file order) is summer time, the next
                // winter.
                let key = (label.unwrap_or(u32::MAX), naive);
                let seen = self.fold_seen.entry(key).or_insert(0);
                *seen += 1;
                Some(if *seen == 1 { early } else { late })
            }
            LocalResult::None if self.options.missing_local_time != MissingLocalTime::Error => {
                self.missing_local += 1;
                match self.options.missing_local_time {
                    MissingLocalTime::Shift => self
                        .tz
                        .from_local_datetime(&(naive + chrono::Duration::hours(1)))
                        .earliest(),
                    _ => None,
                }
            }
            LocalResult::None => {
                self.diags.push(
                        Some(line),
                        Some(col),
                        format!(
                            "local time {} does not exist in {} (the clocks go forward); expected a time outside the skipped hour, or an offset (--on-missing-local-time drop|shift to leave such rows out or read them an hour later)",
                            naive.format("%Y-%m-%d %H:%M"),
                            self.tz
                        ),
                    );
                None
            }
        }
    }
}

/// The UTC offsets a file's timestamps carry, sampled where they change (the instants just before
/// and at each change, and the first), to find the zone they fit.
#[derive(Debug, Default)]
pub(super) struct OffsetSamples {
    /// (instant, offset seconds east of UTC).
    samples: Vec<(i64, i32)>,
    /// The last stamp seen.
    pub(super) last: Option<(i64, i32)>,
    /// A timestamp without an offset was seen: nothing to infer from.
    pub(super) local: bool,
    /// The zone found.
    pub(super) zone: Option<Tz>,
}

impl OffsetSamples {
    /// Most samples kept (a change of offset twice a year over 20 years is 80).
    const MAX: usize = 4096;

    fn note(&mut self, t: &DateTime<FixedOffset>) {
        let this = (t.timestamp(), t.offset().local_minus_utc());
        match self.last {
            None => self.samples.push(this),
            Some(prev) if prev.1 != this.1 && self.samples.len() + 2 <= Self::MAX => {
                self.samples.push(prev);
                self.samples.push(this);
            }
            _ => {}
        }
        self.last = Some(this);
    }

    /// The zone whose offset equals the file's at every sample: Europe/London first, then the
    /// zones contact centres most often run in, then every IANA zone; `None` if none fits.
    fn fitting_zone(&self) -> Option<Tz> {
        let mut samples = self.samples.clone();
        samples.extend(self.last);
        let fits = |z: &Tz| {
            samples.iter().all(|&(t, off)| {
                chrono::DateTime::from_timestamp(t, 0).is_some_and(|utc| {
                    use chrono::Offset;
                    z.offset_from_utc_datetime(&utc.naive_utc())
                        .fix()
                        .local_minus_utc()
                        == off
                })
            })
        };
        const PREFERRED: [Tz; 14] = [
            DEFAULT_TIME_ZONE,
            chrono_tz::Europe::Dublin,
            chrono_tz::Europe::Paris,
            chrono_tz::Europe::Berlin,
            chrono_tz::America::New_York,
            chrono_tz::America::Chicago,
            chrono_tz::America::Denver,
            chrono_tz::America::Phoenix,
            chrono_tz::America::Los_Angeles,
            chrono_tz::America::Toronto,
            chrono_tz::Australia::Sydney,
            chrono_tz::Asia::Kolkata,
            chrono_tz::Asia::Singapore,
            chrono_tz::Pacific::Auckland,
        ];
        PREFERRED
            .iter()
            .chain(chrono_tz::TZ_VARIANTS.iter())
            .find(|z| fits(z))
            .copied()
    }
}

/// A timestamp as found in an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stamp {
    /// Local wall-clock time in the centre's zone.
    Local(NaiveDateTime),
    /// An instant with its UTC offset.
    Fixed(DateTime<FixedOffset>),
}

/// The start of a time-of-day cell as `HH:MM[:SS]`: `08:00`, `8:00`, `08:00:00`, or the start of a
/// range `08:00-08:30` / `08:00 - 08:30` / `08:00 to 08:30`, as CMS interval reports write them.
pub(super) fn time_of_day(s: &str) -> Result<String, String> {
    let start = s
        .split(['-', '\u{2013}'])
        .next()
        .unwrap_or(s)
        .split(" to ")
        .next()
        .unwrap_or(s)
        .trim();
    let parts: Vec<&str> = start.split(':').collect();
    let number = |p: &str, max: u32| {
        p.len() <= 2 && !p.is_empty() && p.parse::<u32>().is_ok_and(|v| v <= max)
    };
    let ok = matches!(parts.len(), 2 | 3)
        && number(parts[0], 23)
        && parts[1].len() == 2
        && number(parts[1], 59)
        && (parts.len() == 2 || (parts[2].len() == 2 && number(parts[2], 59)));
    if !ok {
        return Err(format!(
            "expected a time of day such as 08:00 or an interval such as 08:00-08:30, found {}",
            shown(s)
        ));
    }
    Ok(format!("{:0>2}:{}", parts[0], parts[1..].join(":")))
}

fn parse_timestamp(s: &str, format: Option<&str>) -> Result<Stamp, String> {
    if let Some(fmt) = format {
        let with_offset = fmt.contains("%z")
            || fmt.contains("%:z")
            || fmt.contains("%#z")
            || fmt.contains("%::z");
        let parsed = if with_offset {
            DateTime::parse_from_str(s, fmt).ok().map(Stamp::Fixed)
        } else {
            NaiveDateTime::parse_from_str(s, fmt).ok().map(Stamp::Local)
        };
        if let Some(p) = parsed {
            return Ok(p);
        }
    }
    match parse_builtin_timestamp(s) {
        Some(Ok(stamp)) => Ok(stamp),
        Some(Err(m)) => Err(m),
        None => Err(format!(
            "expected a timestamp such as 2026-11-23T08:00:00+00:00, 2026-11-23 08:00 or 23/11/2026 08:00{}, found {}",
            format.map(|f| format!(" (or the configured format {f:?})")).unwrap_or_default(),
            shown(s)
        )),
    }
}

/// A tiny cursor over ASCII bytes for the built-in timestamp forms (faster than trying several
/// `chrono` formats on every row).
pub(super) struct Cursor<'a> {
    pub(super) b: &'a [u8],
    pub(super) i: usize,
}

impl Cursor<'_> {
    pub(super) fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i < self.b.len() && self.i - start < max && self.b[self.i].is_ascii_digit() {
            v = v * 10 + u32::from(self.b[self.i] - b'0');
            self.i += 1;
        }
        (self.i - start >= min).then_some(v)
    }
    pub(super) fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    pub(super) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }
    pub(super) fn done(&self) -> bool {
        self.i == self.b.len()
    }
}

/// `None` when the text is in no built-in form; `Some(Err)` when it is, but names no real date
/// or time.
fn parse_builtin_timestamp(s: &str) -> Option<Result<Stamp, String>> {
    let mut c = Cursor {
        b: s.as_bytes(),
        i: 0,
    };
    let first = c.digits(1, 4)?;
    let (y, m, d) = if c.i == 4 && c.eat(b'-') {
        let m = c.digits(2, 2)?;
        if !c.eat(b'-') {
            return None;
        }
        (first as i32, m, c.digits(2, 2)?)
    } else if c.i <= 2 && c.eat(b'/') {
        let m = c.digits(1, 2)?;
        if !c.eat(b'/') {
            return None;
        }
        let y = c.digits(4, 4)?;
        (y as i32, m, first)
    } else {
        return None;
    };
    if !(c.eat(b'T') || c.eat(b't') || c.eat(b' ')) {
        return None;
    }
    while c.eat(b' ') {}
    let hh = c.digits(1, 2)?;
    if !c.eat(b':') {
        return None;
    }
    let mm = c.digits(2, 2)?;
    let (mut ss, mut nanos) = (0, 0);
    if c.eat(b':') {
        ss = c.digits(2, 2)?;
        if c.eat(b'.') || c.eat(b',') {
            let start = c.i;
            let frac = c.digits(1, 9)?;
            nanos = frac * 10u32.pow((9 - (c.i - start)) as u32);
        }
    }
    while c.eat(b' ') {}
    let offset = if c.done() {
        None
    } else if c.eat(b'Z') || c.eat(b'z') {
        Some(0)
    } else {
        let sign = match c.peek() {
            Some(b'+') => 1,
            Some(b'-') => -1,
            _ => return None,
        };
        c.i += 1;
        let oh = c.digits(2, 2)?;
        c.eat(b':');
        let om = if c.done() { 0 } else { c.digits(2, 2)? };
        if oh > 23 || om > 59 {
            return Some(Err(format!(
                "offset in {} is out of range; expected -23:59..+23:59",
                shown(s)
            )));
        }
        Some(sign * (oh * 3600 + om * 60) as i32)
    };
    if !c.done() {
        return None;
    }
    let Some(date) = NaiveDate::from_ymd_opt(y, m, d) else {
        return Some(Err(format!(
            "{} is not a real date; expected year-month-day or day/month/year",
            shown(s)
        )));
    };
    let Some(time) = NaiveTime::from_hms_nano_opt(hh, mm, ss, nanos).filter(|_| ss < 60) else {
        return Some(Err(format!(
            "{} is not a real time of day; expected hours 0-23 and minutes 0-59",
            shown(s)
        )));
    };
    let naive = date.and_time(time);
    Some(Ok(match offset {
        None => Stamp::Local(naive),
        Some(secs) => {
            match FixedOffset::east_opt(secs).and_then(|o| o.from_local_datetime(&naive).single()) {
                Some(t) => Stamp::Fixed(t),
                None => return Some(Err(format!("{} has an invalid offset", shown(s)))),
            }
        }
    }))
}
