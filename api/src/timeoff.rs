//! Time-off requests (issue #15, build 3): what an agent or a manager asks for, checked once at
//! the boundary into a [`TimeOff`] that cannot be wrong, and what approving it would do to the
//! published week ([`effect`]), in a manager's words: "approving takes voice abandon on Tue 17
//! Nov from 9.1% to 11.4%".
//!
//! The effect is `rota replan --preview` on the stored roster: the planning layer's
//! [`rota_plan::replan()`] with the request as the absence and nothing re-planned, so the service
//! and the command line can never disagree about a request.

use std::time::Instant;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveTime, TimeZone};
use rota_data::config::CentreConfig;
use rota_intraday::actuals::parse_time;
use rota_plan::{Absence, KpiChange, ReplanRequest, RosterOptions, Silent};
use rota_roster::replan::Baseline;
use rota_roster::requirements::read_requirements_from;
use rota_roster::SolveOptions;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::db::PublicationRow;
use crate::work::WorkError;

/// The kinds of time off a request may ask for.
pub const TYPES: [&str; 4] = ["annual_leave", "sick", "appointment", "other"];

/// The solver's limit for each of the preview's two pinned passes is a third of this (at least
/// 5 s): every shift is pinned, so HiGHS only places breaks, activities and channels.
const PREVIEW_TIME_LIMIT_S: f64 = 15.0;

/// A request as posted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeOffIn {
    /// An agent of the centre (an agent's own key: their own id only).
    #[schema(example = "NH003")]
    pub agent_id: String,
    /// First day away (`2026-11-17`: from its midnight) or first instant away (RFC 3339 or
    /// local `2026-11-17 09:00`).
    #[schema(example = "2026-11-17")]
    pub from: String,
    /// Last day away (`2026-11-17`: up to the next midnight, so one day is `from` = `to`) or
    /// the first instant back.
    #[schema(example = "2026-11-17")]
    pub to: String,
    /// `annual_leave`, `sick`, `appointment` or `other`.
    #[serde(rename = "type")]
    #[schema(example = "annual_leave")]
    pub kind: String,
    /// Anything the manager should know.
    #[serde(default)]
    pub note: String,
}

/// A checked request: a configured agent, a start before the end, a known type.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeOff {
    /// Agent id.
    pub agent_id: String,
    /// First instant away.
    pub from: DateTime<FixedOffset>,
    /// First instant back.
    pub to: DateTime<FixedOffset>,
    /// One of [`TYPES`].
    pub kind: String,
    /// Free text (trimmed, at most 500 characters).
    pub note: String,
}

/// Local midnight starting `day` in the centre's zone.
fn midnight(config: &CentreConfig, day: NaiveDate) -> Result<DateTime<FixedOffset>, String> {
    let tz = config.grid().tz;
    tz.from_local_datetime(&day.and_time(NaiveTime::MIN))
        .earliest()
        .map(|t| t.fixed_offset())
        .ok_or_else(|| format!("local midnight of {day} does not exist in {tz}"))
}

/// A date (the start of that day, or with `end` the start of the next) or an instant.
fn instant(config: &CentreConfig, text: &str, end: bool) -> Result<DateTime<FixedOffset>, String> {
    let text = text.trim();
    if let Ok(day) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return midnight(config, if end { day + Duration::days(1) } else { day });
    }
    parse_time(text, &config.grid()).map_err(|e| {
        format!("{e}; expected a date (2026-11-17) or a time (2026-11-17 09:00 or RFC 3339)")
    })
}

impl TimeOff {
    /// Checks a posted request against the centre: the field at fault is named.
    pub fn parse(config: &CentreConfig, input: &TimeOffIn) -> Result<Self, WorkError> {
        let agent_id = input.agent_id.trim();
        if config.agent(agent_id).is_none() {
            return Err(WorkError::field(
                "agent_id",
                format!(
                    "unknown agent {agent_id:?}; expected an agent of the centre's configuration"
                ),
            ));
        }
        let kind = input
            .kind
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_");
        if !TYPES.contains(&kind.as_str()) {
            return Err(WorkError::field(
                "type",
                format!(
                    "{:?} is not a type of time off; expected one of {}",
                    input.kind,
                    TYPES.join(", ")
                ),
            ));
        }
        let from = instant(config, &input.from, false).map_err(|m| WorkError::field("from", m))?;
        let to = instant(config, &input.to, true).map_err(|m| WorkError::field("to", m))?;
        if to <= from {
            return Err(WorkError::field(
                "to",
                format!("the end {to} is not after the start {from}"),
            ));
        }
        if to - from > Duration::days(366) {
            return Err(WorkError::field("to", "a request covers at most a year"));
        }
        let note: String = input.note.trim().chars().take(500).collect();
        Ok(TimeOff {
            agent_id: agent_id.to_string(),
            from,
            to,
            kind,
            note,
        })
    }

    /// The local days the request touches (its last instant is `to` less a second).
    pub fn days(&self, config: &CentreConfig) -> (NaiveDate, NaiveDate) {
        let tz = config.grid().tz;
        (
            self.from.with_timezone(&tz).date_naive(),
            (self.to - Duration::seconds(1))
                .with_timezone(&tz)
                .date_naive(),
        )
    }
}

/// The publication a request falls in: one published roster must hold all of its days, else
/// the request is outside what Rota can judge, and the answer names `from` or `to` with the
/// published weeks.
pub fn publication_for(
    publications: &[PublicationRow],
    first: NaiveDate,
    last: NaiveDate,
) -> Result<PublicationRow, WorkError> {
    let in_force: Vec<&PublicationRow> = publications
        .iter()
        .filter(|p| p.current)
        .collect::<Vec<_>>();
    let weeks = || {
        if in_force.is_empty() {
            "no roster is published yet (publish one first)".to_string()
        } else {
            let list: Vec<String> = in_force
                .iter()
                .map(|p| {
                    let first: NaiveDate = p.first_day.parse().unwrap_or_default();
                    format!(
                        "{} to {} (roster {})",
                        first.format("%a %d %b %Y"),
                        (first + Duration::days(p.days - 1)).format("%a %d %b %Y"),
                        p.roster_id
                    )
                })
                .collect();
            format!("the published rosters cover {}", list.join(", "))
        }
    };
    let Some(p) = publications.iter().find(|p| crate::db::covers(p, first)) else {
        return Err(WorkError::field(
            "from",
            format!(
                "{} is outside every published roster: {}",
                first.format("%a %d %b %Y"),
                weeks()
            ),
        ));
    };
    if !crate::db::covers(p, last) {
        return Err(WorkError::field(
            "to",
            format!(
                "the request runs to {}, past the end of the published roster {} it starts in: \
                 ask for the days of each published week separately",
                last.format("%a %d %b %Y"),
                p.roster_id
            ),
        ));
    }
    Ok(p.clone())
}

/// One channel on one day of the request: the published week as it stands, and with the
/// request approved (nothing re-planned).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct EffectRow {
    /// Channel.
    pub channel: String,
    /// Local date.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// Agent-hours short of the requirement (live) or overdue (deferred), as published.
    pub short_hours_now: f64,
    /// The same with the request approved.
    pub short_hours_if_approved: f64,
    /// Predicted abandoned share of offered, as published (live channels with targets).
    pub abandon_now: Option<f64>,
    /// The same with the request approved.
    pub abandon_if_approved: Option<f64>,
    /// Predicted average wait of answered contacts, seconds, as published.
    pub asa_now_s: Option<f64>,
    /// The same with the request approved.
    pub asa_if_approved_s: Option<f64>,
    /// Predicted share answered in time, as published.
    pub service_level_now: Option<f64>,
    /// The same with the request approved.
    pub service_level_if_approved: Option<f64>,
}

impl From<&KpiChange> for EffectRow {
    fn from(k: &KpiChange) -> Self {
        EffectRow {
            channel: k.channel.as_str().to_string(),
            date: k.date,
            short_hours_now: k.short_hours_published,
            short_hours_if_approved: k.short_hours_before,
            abandon_now: k.abandon_published,
            abandon_if_approved: k.abandon_before,
            asa_now_s: k.asa_published_s,
            asa_if_approved_s: k.asa_before_s,
            service_level_now: k.service_level_published,
            service_level_if_approved: k.service_level_before,
        }
    }
}

/// What approving a request would do to the published week.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Effect {
    /// The request.
    pub request_id: i64,
    /// The published roster judged.
    pub roster_id: i64,
    /// Per channel and day of the request.
    pub rows: Vec<EffectRow>,
    /// The changes in words, largest first ("approving takes voice abandon on Tue 17 Nov from
    /// 9.1% to 11.4%").
    pub said: Vec<String>,
    /// The agent's published shifts the request takes out.
    pub shifts_lost: usize,
    /// Seconds the preview took.
    pub seconds: f64,
}

/// The stored roster the effect is judged on.
pub struct PublishedWeek<'a> {
    /// Its id.
    pub roster_id: i64,
    /// First local day.
    pub first_day: NaiveDate,
    /// Days.
    pub days: u32,
    /// Its `shifts.csv`.
    pub shifts_csv: &'a str,
    /// Its `activities.csv`.
    pub activities_csv: &'a str,
    /// The requirement set it was planned against (CSV).
    pub requirements_csv: &'a str,
}

/// What approving `request` would do to the published `week`, per channel and day of the
/// request: `rota replan --preview` (the published week pinned as it stands, once with everyone
/// and once without the agent for the request's time; breaks, channels and activities placed
/// again around the gap). Takes seconds: run it off the async workers.
pub fn effect(
    config: &CentreConfig,
    request_id: i64,
    request: &TimeOff,
    week: &PublishedWeek<'_>,
) -> Result<Effect, WorkError> {
    let started = Instant::now();
    let horizon = rota_plan::horizon(config, week.first_day, week.days)
        .map_err(|e| WorkError::Internal(format!("the published roster's days: {e}")))?;
    let requirements = read_requirements_from(
        week.requirements_csv.as_bytes(),
        std::path::Path::new("requirements.csv"),
        &horizon,
    )
    .map_err(|e| {
        WorkError::field(
            "roster_id",
            format!("the published roster's requirement set does not read: {e}"),
        )
    })?;
    let plan = crate::today::read_plan(config, week.shifts_csv, week.activities_csv)?;
    let published = rota_plan::replan::published_shifts(&plan);
    let (first, last) = request.days(config);
    let shifts_lost = published
        .iter()
        .filter(|s| s.agent_id == request.agent_id && s.start < request.to && request.from < s.end)
        .count();
    let options = RosterOptions {
        solve: SolveOptions {
            time_limit_s: PREVIEW_TIME_LIMIT_S,
            ..SolveOptions::default()
        },
        ..RosterOptions::default()
    };
    let preview = ReplanRequest {
        published,
        absences: vec![Absence {
            agent_id: request.agent_id.clone(),
            from: request.from,
            to: request.to,
            reason: request.kind.clone(),
        }],
        open_from: first.max(week.first_day),
        move_cost: Baseline::DEFAULT_MOVE_COST,
        preview: true,
    };
    let out = rota_plan::replan(&requirements, config, horizon, &options, &preview, &Silent)
        .map_err(|e| WorkError::field("request", format!("the preview could not be made: {e}")))?;
    let rows: Vec<EffectRow> = out
        .kpis
        .iter()
        .filter(|k| k.date >= first && k.date <= last)
        .map(EffectRow::from)
        .collect();
    let said = say(&request.agent_id, shifts_lost, &rows);
    Ok(Effect {
        request_id,
        roster_id: week.roster_id,
        rows,
        said,
        shifts_lost,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// The rows in a manager's words: the abandon changes first (the figure the sector's targets
/// speak in), largest first, then the hours short of the channels without an abandon figure.
pub fn say(agent: &str, shifts_lost: usize, rows: &[EffectRow]) -> Vec<String> {
    let day = |d: NaiveDate| d.format("%a %d %b").to_string();
    let mut lines: Vec<(bool, f64, String)> = Vec::new();
    for r in rows {
        match (r.abandon_now, r.abandon_if_approved) {
            (Some(a), Some(b)) if (b - a).abs() >= 0.0005 => lines.push((
                true,
                (b - a).abs(),
                format!(
                    "approving takes {} abandon on {} from {:.1}% to {:.1}%",
                    r.channel,
                    day(r.date),
                    a * 100.0,
                    b * 100.0
                ),
            )),
            (Some(_), Some(_)) => {}
            _ => {
                let more = r.short_hours_if_approved - r.short_hours_now;
                if more.abs() >= 0.05 {
                    lines.push((
                        false,
                        more.abs(),
                        format!(
                            "approving leaves {} {:.1} more agent-hours short on {}",
                            r.channel,
                            more,
                            day(r.date)
                        ),
                    ));
                }
            }
        }
    }
    lines.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.total_cmp(&a.1)));
    let mut said: Vec<String> = lines.into_iter().map(|(_, _, l)| l).collect();
    if said.is_empty() {
        said.push(if shifts_lost == 0 {
            format!("{agent} has no published shift in that time: approving changes nothing")
        } else {
            format!(
                "approving takes out {shifts_lost} of {agent}'s shifts without changing any \
                 channel's predicted figures"
            )
        });
    }
    said
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn sample() -> CentreConfig {
        CentreConfig::sample().expect("sample centre")
    }

    fn input(agent: &str, from: &str, to: &str, kind: &str) -> TimeOffIn {
        TimeOffIn {
            agent_id: agent.into(),
            from: from.into(),
            to: to.into(),
            kind: kind.into(),
            note: String::new(),
        }
    }

    /// The field an invalid-input error names (the edits' tests use it too).
    pub(crate) fn field(e: WorkError) -> String {
        match e {
            WorkError::Invalid { field, .. } => field,
            other => panic!("not an invalid-input error: {other}"),
        }
    }

    #[test]
    fn whole_days_and_hours_parse_and_bad_fields_are_named() {
        let config = sample();
        let agent = config.agents()[0].id().to_string();
        let day = TimeOff::parse(
            &config,
            &input(&agent, "2026-11-17", "2026-11-17", "Annual leave"),
        )
        .expect("one whole day");
        assert_eq!(day.to - day.from, Duration::days(1));
        assert_eq!(day.kind, "annual_leave");
        let (first, last) = day.days(&config);
        assert_eq!(
            (first.to_string(), last.to_string()),
            ("2026-11-17".into(), "2026-11-17".into())
        );
        let hours = TimeOff::parse(
            &config,
            &input(
                &agent,
                "2026-11-17 09:00",
                "2026-11-17 11:30",
                "appointment",
            ),
        )
        .expect("hours");
        assert_eq!(hours.to - hours.from, Duration::minutes(150));
        let bad = |i: TimeOffIn| field(TimeOff::parse(&config, &i).expect_err("refused"));
        assert_eq!(
            bad(input("NOBODY", "2026-11-17", "2026-11-17", "sick")),
            "agent_id"
        );
        assert_eq!(
            bad(input(&agent, "2026-11-17", "2026-11-17", "holiday")),
            "type"
        );
        assert_eq!(
            bad(input(&agent, "next tuesday", "2026-11-17", "sick")),
            "from"
        );
        assert_eq!(bad(input(&agent, "2026-11-18", "2026-11-17", "sick")), "to");
    }

    fn publication(roster_id: i64, first_day: &str, current: bool) -> PublicationRow {
        PublicationRow {
            id: roster_id,
            centre_id: 1,
            roster_id,
            first_day: first_day.into(),
            days: 7,
            published_at: String::new(),
            published_by: String::new(),
            current,
        }
    }

    #[test]
    fn a_request_must_fall_in_one_published_roster() {
        let d = |s: &str| s.parse::<NaiveDate>().expect("date");
        let published = [publication(2, "2026-11-16", true)];
        let p = publication_for(&published, d("2026-11-17"), d("2026-11-18")).expect("inside");
        assert_eq!(p.roster_id, 2);
        let e = publication_for(&published, d("2026-11-30"), d("2026-11-30")).expect_err("after");
        assert!(
            e.to_string().contains("Mon 16 Nov 2026 to Sun 22 Nov 2026"),
            "{e}"
        );
        assert_eq!(field(e), "from");
        let e = publication_for(&published, d("2026-11-21"), d("2026-11-24")).expect_err("past");
        assert_eq!(field(e), "to");
        let e = publication_for(&[], d("2026-11-17"), d("2026-11-17")).expect_err("none");
        assert!(e.to_string().contains("no roster is published"), "{e}");
    }

    #[test]
    fn effects_are_said_largest_first_in_a_managers_words() {
        let d = "2026-11-17".parse::<NaiveDate>().expect("date");
        let row = |channel: &str, a: Option<(f64, f64)>, short: (f64, f64)| EffectRow {
            channel: channel.into(),
            date: d,
            short_hours_now: short.0,
            short_hours_if_approved: short.1,
            abandon_now: a.map(|x| x.0),
            abandon_if_approved: a.map(|x| x.1),
            asa_now_s: None,
            asa_if_approved_s: None,
            service_level_now: None,
            service_level_if_approved: None,
        };
        let said = say(
            "NH003",
            1,
            &[
                row("chat", Some((0.05, 0.052)), (1.0, 1.5)),
                row("voice", Some((0.091, 0.114)), (10.0, 17.5)),
                row("email", None, (0.0, 2.5)),
                row("reception", Some((0.02, 0.02)), (0.0, 0.0)),
            ],
        );
        assert_eq!(
            said[0],
            "approving takes voice abandon on Tue 17 Nov from 9.1% to 11.4%"
        );
        assert_eq!(said.len(), 3, "{said:?}");
        assert!(said.contains(
            &"approving leaves email 2.5 more agent-hours short on Tue 17 Nov".to_string()
        ));
        let none = say("NH003", 0, &[row("voice", Some((0.1, 0.1)), (1.0, 1.0))]);
        assert!(none[0].contains("no published shift"), "{none:?}");
    }
}
