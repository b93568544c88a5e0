//! The measurement as a supervisor reads it: rows per agent, team and the whole centre, per day
//! and over the period, and the two CSV files `rota adherence` writes.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

use chrono::{Duration, NaiveDate};
use rota_data::grid::IntervalGrid;

use crate::error::AdherenceError;
use crate::measure::{ratio, Adherence, AgentDay};

/// What a row sums.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Scope {
    /// One agent.
    Agent,
    /// One team (agents without a team form the team `no team`).
    Team,
    /// The whole centre.
    Centre,
}

impl Scope {
    /// The name in files and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Agent => "agent",
            Scope::Team => "team",
            Scope::Centre => "centre",
        }
    }
}

/// The team name of agents configured without one.
pub const NO_TEAM: &str = "no team";

/// Adherence, conformance and exceptions of an agent, a team or the centre, on a day or over the
/// period.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// What it sums.
    pub scope: Scope,
    /// The day (`None`: the whole period).
    pub date: Option<NaiveDate>,
    /// The team (empty for the centre).
    pub team: String,
    /// Agent id and name (agent rows only).
    pub agent: Option<(String, String)>,
    /// People counted: agents rostered or working on the day (over the period: different agents).
    pub people: usize,
    /// Scheduled time measured.
    pub scheduled: Duration,
    /// Time in the scheduled state.
    pub adhered: Duration,
    /// Scheduled time less breaks and lunch.
    pub scheduled_work: Duration,
    /// Worked time (logged in, not on a break or at lunch).
    pub worked: Duration,
    /// Exceptions by [`crate::ExceptionKind::index`]: how many.
    pub exceptions: [usize; 5],
    /// Exceptions by [`crate::ExceptionKind::index`]: their minutes.
    pub exception_time: [Duration; 5],
}

impl Row {
    fn new(scope: Scope, date: Option<NaiveDate>, team: &str) -> Self {
        Self {
            scope,
            date,
            team: team.to_string(),
            agent: None,
            people: 0,
            scheduled: Duration::zero(),
            adhered: Duration::zero(),
            scheduled_work: Duration::zero(),
            worked: Duration::zero(),
            exceptions: [0; 5],
            exception_time: [Duration::zero(); 5],
        }
    }

    fn add(&mut self, other: &Row) {
        self.scheduled += other.scheduled;
        self.adhered += other.adhered;
        self.scheduled_work += other.scheduled_work;
        self.worked += other.worked;
        for k in 0..5 {
            self.exceptions[k] += other.exceptions[k];
            self.exception_time[k] += other.exception_time[k];
        }
    }

    /// Adherence, 0 to 1 (`None` with nothing scheduled).
    pub fn adherence(&self) -> Option<f64> {
        ratio(self.adhered, self.scheduled)
    }

    /// Conformance (may pass 1; `None` with no scheduled work).
    pub fn conformance(&self) -> Option<f64> {
        ratio(self.worked, self.scheduled_work)
    }

    /// How many exceptions of every kind.
    pub fn exception_count(&self) -> usize {
        self.exceptions.iter().sum()
    }
}

/// Exceptions of an agent's day by kind: how many and how long.
type Tally = ([usize; 5], [Duration; 5]);

/// A group row's day (`None`: the period), scope and team.
type GroupKey = (Option<NaiveDate>, Scope, String);

fn team_of(day: &AgentDay) -> &str {
    day.team.as_deref().unwrap_or(NO_TEAM)
}

impl Adherence {
    /// One row per agent and day (the agent's exceptions tallied), by date then the
    /// configuration's agent order.
    pub fn agent_rows(&self) -> Vec<Row> {
        let mut tally: HashMap<(&str, NaiveDate), Tally> = HashMap::new();
        for e in &self.exceptions {
            let t = tally
                .entry((e.agent_id.as_str(), e.date))
                .or_insert(([0; 5], [Duration::zero(); 5]));
            t.0[e.kind.index()] += 1;
            t.1[e.kind.index()] += e.duration();
        }
        self.days
            .iter()
            .map(|d| {
                let mut row = Row::new(Scope::Agent, Some(d.date), team_of(d));
                row.agent = Some((d.agent_id.clone(), d.agent_name.clone()));
                row.people = 1;
                row.scheduled = d.scheduled;
                row.adhered = d.adhered;
                row.scheduled_work = d.scheduled_work;
                row.worked = d.worked;
                if let Some((n, t)) = tally.get(&(d.agent_id.as_str(), d.date)) {
                    row.exceptions = *n;
                    row.exception_time = *t;
                }
                row
            })
            .collect()
    }

    /// Team and centre rows: per day (`by_day`), or over the whole period. Teams by name, the
    /// centre after its teams.
    pub fn group_rows(&self, by_day: bool) -> Vec<Row> {
        // (date, scope, team) -> the sum and its people.
        let mut groups: BTreeMap<GroupKey, (Row, BTreeSet<String>)> = BTreeMap::new();
        for row in self.agent_rows() {
            let date = if by_day { row.date } else { None };
            for (scope, team) in [(Scope::Team, row.team.as_str()), (Scope::Centre, "")] {
                let g = groups
                    .entry((date, scope, team.to_string()))
                    .or_insert_with(|| (Row::new(scope, date, team), BTreeSet::new()));
                g.0.add(&row);
                if let Some((id, _)) = &row.agent {
                    g.1.insert(id.clone());
                }
            }
        }
        groups
            .into_values()
            .map(|(mut row, people)| {
                row.people = people.len();
                row
            })
            .collect()
    }
}

/// Minutes as a planner reads them: whole minutes plainly, others to a tenth.
pub fn minutes(d: Duration) -> String {
    let m = d.num_seconds() as f64 / 60.0;
    if m.fract() == 0.0 {
        format!("{m:.0}")
    } else {
        format!("{m:.1}")
    }
}

fn share(r: Option<f64>) -> String {
    r.map(|r| format!("{r:.4}")).unwrap_or_default()
}

/// The header of `adherence.csv`.
pub const ADHERENCE_HEADER: [&str; 18] = [
    "scope",
    "date",
    "team",
    "agent_id",
    "agent_name",
    "people",
    "scheduled_minutes",
    "adhered_minutes",
    "adherence",
    "scheduled_work_minutes",
    "worked_minutes",
    "conformance",
    "exceptions",
    "late_log_in_minutes",
    "early_log_out_minutes",
    "long_break_minutes",
    "wrong_channel_minutes",
    "absent_minutes",
];

/// Writes `adherence.csv`: for each day, a row per agent, then per team, then the centre.
/// `adherence` and `conformance` are shares (0.9125 = 91.25%), empty where nothing was scheduled.
pub fn write_adherence_csv<W: Write>(w: W, found: &Adherence) -> Result<(), AdherenceError> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(ADHERENCE_HEADER)?;
    let agents = found.agent_rows();
    let groups = found.group_rows(true);
    let mut rows: Vec<&Row> = agents.iter().chain(&groups).collect();
    rows.sort_by_key(|r| (r.date, r.scope));
    for r in rows {
        let (id, name) = r
            .agent
            .as_ref()
            .map_or(("", ""), |(i, n)| (i.as_str(), n.as_str()));
        let mut record = vec![
            r.scope.name().to_string(),
            r.date.map(|d| d.to_string()).unwrap_or_default(),
            r.team.clone(),
            id.to_string(),
            name.to_string(),
            r.people.to_string(),
            minutes(r.scheduled),
            minutes(r.adhered),
            share(r.adherence()),
            minutes(r.scheduled_work),
            minutes(r.worked),
            share(r.conformance()),
            r.exception_count().to_string(),
        ];
        record.extend(r.exception_time.iter().map(|t| minutes(*t)));
        out.write_record(&record)?;
    }
    out.flush()?;
    Ok(())
}

/// The header of `exceptions.csv`.
pub const EXCEPTIONS_HEADER: [&str; 10] = [
    "agent_id",
    "agent_name",
    "team",
    "date",
    "kind",
    "from",
    "to",
    "minutes",
    "scheduled",
    "actual",
];

/// Writes `exceptions.csv`: one row per exception, by agent, date and start, times in the
/// centre's zone (RFC 3339).
pub fn write_exceptions_csv<W: Write>(
    w: W,
    found: &Adherence,
    grid: &IntervalGrid,
) -> Result<(), AdherenceError> {
    let who: HashMap<&str, (&str, &str)> = found
        .days
        .iter()
        .map(|d| (d.agent_id.as_str(), (d.agent_name.as_str(), team_of(d))))
        .collect();
    let mut out = csv::Writer::from_writer(w);
    out.write_record(EXCEPTIONS_HEADER)?;
    for e in &found.exceptions {
        let (name, team) = who.get(e.agent_id.as_str()).copied().unwrap_or(("", ""));
        out.write_record([
            e.agent_id.as_str(),
            name,
            team,
            &e.date.to_string(),
            e.kind.name(),
            &grid.to_local(&e.from).to_rfc3339(),
            &grid.to_local(&e.to).to_rfc3339(),
            &minutes(e.duration()),
            &e.scheduled,
            &e.actual,
        ])?;
    }
    out.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::{Exception, ExceptionKind, Options};
    use chrono::{DateTime, FixedOffset};

    fn at(hm: &str) -> DateTime<FixedOffset> {
        DateTime::parse_from_rfc3339(&format!("2026-11-16T{hm}:00+00:00")).unwrap()
    }

    fn day(id: &str, team: Option<&str>, scheduled: i64, adhered: i64) -> AgentDay {
        AgentDay {
            agent_id: id.into(),
            agent_name: format!("Agent {id}"),
            team: team.map(str::to_string),
            date: NaiveDate::from_ymd_opt(2026, 11, 16).unwrap(),
            scheduled: Duration::minutes(scheduled),
            adhered: Duration::minutes(adhered),
            scheduled_work: Duration::minutes(scheduled - 60),
            worked: Duration::minutes(scheduled - 60),
        }
    }

    fn found() -> Adherence {
        let date = NaiveDate::from_ymd_opt(2026, 11, 16).unwrap();
        Adherence {
            first_date: date,
            last_date: date,
            options: Options::default(),
            days: vec![
                day("A1", Some("front"), 480, 432),
                day("A2", Some("front"), 480, 480),
                day("B1", None, 240, 120),
            ],
            exceptions: vec![Exception {
                agent_id: "A1".into(),
                date,
                kind: ExceptionKind::LateLogIn,
                from: at("09:00"),
                to: at("09:12"),
                scheduled: "shift 09:00-17:00".into(),
                actual: "logged in 09:12".into(),
            }],
        }
    }

    #[test]
    fn teams_and_the_centre_sum_their_agents_and_weight_adherence_by_scheduled_time() {
        let groups = found().group_rows(true);
        let names: Vec<(&str, &str, usize)> = groups
            .iter()
            .map(|r| (r.scope.name(), r.team.as_str(), r.people))
            .collect();
        assert_eq!(
            names,
            vec![
                ("team", "front", 2),
                ("team", NO_TEAM, 1),
                ("centre", "", 3)
            ]
        );
        let centre = &groups[2];
        assert_eq!(centre.scheduled, Duration::minutes(1200));
        // (432 + 480 + 120) / 1200, not the mean of 90%, 100% and 50%.
        assert!((centre.adherence().unwrap() - 1032.0 / 1200.0).abs() < 1e-12);
        assert_eq!(centre.exceptions[ExceptionKind::LateLogIn.index()], 1);
        assert_eq!(
            centre.exception_time[ExceptionKind::LateLogIn.index()],
            Duration::minutes(12)
        );
    }

    #[test]
    fn the_csv_files_have_a_row_per_agent_team_and_centre_and_one_per_exception() {
        let f = found();
        let mut buf = Vec::new();
        write_adherence_csv(&mut buf, &f).unwrap();
        let text = String::from_utf8(buf).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 1 + 3 + 2 + 1, "{text}");
        assert_eq!(lines[0], ADHERENCE_HEADER.join(","));
        assert_eq!(
            lines[1],
            "agent,2026-11-16,front,A1,Agent A1,1,480,432,0.9000,420,420,1.0000,1,12,0,0,0,0"
        );
        assert!(lines[6].starts_with("centre,2026-11-16,,,,3,1200,1032,0.8600,"));
        let grid = IntervalGrid::new(
            rota_data::grid::IntervalLength::M15,
            chrono_tz::Europe::London,
        );
        let mut buf = Vec::new();
        write_exceptions_csv(&mut buf, &f, &grid).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert_eq!(
            text.lines().nth(1).unwrap(),
            "A1,Agent A1,front,2026-11-16,late_log_in,2026-11-16T09:00:00+00:00,\
             2026-11-16T09:12:00+00:00,12,shift 09:00-17:00,logged in 09:12"
        );
    }

    #[test]
    fn minutes_are_whole_when_they_can_be() {
        assert_eq!(minutes(Duration::minutes(12)), "12");
        assert_eq!(minutes(Duration::seconds(90)), "1.5");
        assert_eq!(minutes(Duration::zero()), "0");
    }
}
