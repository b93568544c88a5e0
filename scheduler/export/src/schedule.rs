//! The agents' schedules as the exports show them: per agent (in the configuration's order) the
//! shifts in the centre's time zone, each with what the agent does in it.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Weekday};
use chrono_tz::Tz;
use rota_data::config::CentreConfig;
use rota_simulation::{PlanActivityKind, RosterPlan};

use crate::error::ExportError;

/// What an agent does in one period of a shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PeriodKind {
    /// Handling contacts on a channel.
    Work(String),
    /// A paid break.
    Break,
    /// An unpaid lunch.
    Lunch,
    /// A planned activity off the phones (training, a team meeting, facilities duty...).
    Activity(String),
}

impl PeriodKind {
    /// The words a schedule shows: the channel, `break`, `lunch` or the activity's name.
    pub fn label(&self) -> &str {
        match self {
            PeriodKind::Work(c) | PeriodKind::Activity(c) => c,
            PeriodKind::Break => "break",
            PeriodKind::Lunch => "lunch",
        }
    }
}

/// One period of a shift.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    /// Start, in the centre's time zone.
    pub start: DateTime<Tz>,
    /// End.
    pub end: DateTime<Tz>,
    /// What the agent does.
    pub kind: PeriodKind,
}

impl Period {
    /// `10:15-10:30 break`.
    pub fn text(&self) -> String {
        format!("{} {}", span(&self.start, &self.end), self.kind.label())
    }
}

/// `08:00-16:30`: local wall-clock times.
pub fn span(start: &DateTime<Tz>, end: &DateTime<Tz>) -> String {
    format!("{}-{}", start.format("%H:%M"), end.format("%H:%M"))
}

/// One shift of one agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shift {
    /// The local date the shift belongs to (its start's).
    pub date: NaiveDate,
    /// Start, in the centre's time zone.
    pub start: DateTime<Tz>,
    /// End.
    pub end: DateTime<Tz>,
    /// What the agent does, in time order (the roster's activities inside the shift).
    pub periods: Vec<Period>,
}

impl Shift {
    /// `08:00-16:30`.
    pub fn times(&self) -> String {
        span(&self.start, &self.end)
    }

    /// Paid hours: time on site less unpaid lunch (as `shifts.csv` counts them).
    pub fn paid_hours(&self) -> f64 {
        let lunch: i64 = self
            .periods
            .iter()
            .filter(|p| p.kind == PeriodKind::Lunch)
            .map(|p| (p.end - p.start).num_seconds())
            .sum();
        ((self.end - self.start).num_seconds() - lunch) as f64 / 3600.0
    }

    /// The breaks and lunches, `10:15-10:30 break`.
    pub fn breaks(&self) -> Vec<String> {
        self.periods
            .iter()
            .filter(|p| matches!(p.kind, PeriodKind::Break | PeriodKind::Lunch))
            .map(Period::text)
            .collect()
    }

    /// The work and planned activities, `08:00-10:15 voice`, `14:00-15:00 training`.
    pub fn activities(&self) -> Vec<String> {
        self.periods
            .iter()
            .filter(|p| matches!(p.kind, PeriodKind::Work(_) | PeriodKind::Activity(_)))
            .map(Period::text)
            .collect()
    }

    /// The channels worked, in the order first worked.
    pub fn channels(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.periods {
            if let PeriodKind::Work(c) = &p.kind {
                if !out.contains(&c.as_str()) {
                    out.push(c);
                }
            }
        }
        out
    }
}

/// One agent's schedule.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentSchedule {
    /// Agent id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Team, if the configuration gives one.
    pub team: Option<String>,
    /// Shifts in time order (none: off all period).
    pub shifts: Vec<Shift>,
}

impl AgentSchedule {
    /// The shifts starting on `date`.
    pub fn on(&self, date: NaiveDate) -> impl Iterator<Item = &Shift> {
        self.shifts.iter().filter(move |s| s.date == date)
    }
}

/// Every agent's schedule over a roster period.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    /// The centre's name.
    pub centre: String,
    /// The centre's time zone: every time shown is local to it.
    pub tz: Tz,
    /// First local date of the roster period.
    pub first_date: NaiveDate,
    /// Last local date (inclusive).
    pub last_date: NaiveDate,
    /// Every configured agent (and any hired one), in the configuration's order.
    pub agents: Vec<AgentSchedule>,
}

impl Schedule {
    /// The schedules of a roster read by [`RosterPlan::read_from`] (or made in memory), with the
    /// agents' names and teams from `config`.
    ///
    /// ```no_run
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = rota_data::config::CentreConfig::load("data/samples/centre.toml")?;
    /// let plan = rota_simulation::RosterPlan::read_dir("rota-demo/roster", &config)?;
    /// let schedule = rota_export::Schedule::from_plan(&plan, &config)?;
    /// let mut csv = Vec::new();
    /// rota_export::write_csv(&schedule, &mut csv)?;
    /// # Ok(()) }
    /// ```
    pub fn from_plan(plan: &RosterPlan, config: &CentreConfig) -> Result<Self, ExportError> {
        let tz = config.grid().tz;
        let mut shifts: BTreeMap<&str, Vec<Shift>> = BTreeMap::new();
        for s in plan.shifts() {
            let periods = plan
                .activities()
                .iter()
                .filter(|a| a.agent_id == s.agent_id && s.start <= a.start && a.end <= s.end)
                .map(|a| Period {
                    start: a.start.with_timezone(&tz),
                    end: a.end.with_timezone(&tz),
                    kind: match &a.kind {
                        PlanActivityKind::Work(c) => PeriodKind::Work(c.as_str().to_string()),
                        PlanActivityKind::Break => PeriodKind::Break,
                        PlanActivityKind::Lunch => PeriodKind::Lunch,
                        PlanActivityKind::Other(name) => PeriodKind::Activity(name.clone()),
                    },
                })
                .collect();
            shifts.entry(&s.agent_id).or_default().push(Shift {
                date: s.date,
                start: s.start.with_timezone(&tz),
                end: s.end.with_timezone(&tz),
                periods,
            });
        }
        let mut agents = Vec::new();
        for a in config.agents() {
            let mut own = shifts.remove(a.id()).unwrap_or_default();
            own.sort_by_key(|s| s.start);
            agents.push(AgentSchedule {
                id: a.id().to_string(),
                name: a.name().to_string(),
                team: a.team().map(str::to_string),
                shifts: own,
            });
        }
        if let Some(id) = shifts.keys().next() {
            return Err(ExportError::UnknownAgent((*id).to_string()));
        }
        Ok(Self {
            centre: config.centre().name().to_string(),
            tz,
            first_date: plan.first_date(),
            last_date: plan.last_date(),
            agents,
        })
    }

    /// The period's dates, first to last.
    pub fn dates(&self) -> Vec<NaiveDate> {
        self.first_date
            .iter_days()
            .take_while(|d| *d <= self.last_date)
            .collect()
    }

    /// The period cut into weeks from Monday: each week's dates within the period.
    pub fn weeks(&self) -> Vec<Vec<NaiveDate>> {
        let mut weeks: Vec<Vec<NaiveDate>> = Vec::new();
        for d in self.dates() {
            match weeks.last_mut() {
                Some(w) if d.weekday() != Weekday::Mon => w.push(d),
                _ => weeks.push(vec![d]),
            }
        }
        weeks
    }

    /// Agents with at least one shift.
    pub fn rostered(&self) -> impl Iterator<Item = &AgentSchedule> {
        self.agents.iter().filter(|a| !a.shifts.is_empty())
    }
}

/// `Mon 16/11`: a day's column heading.
pub fn day_heading(d: NaiveDate) -> String {
    d.format("%a %d/%m").to_string()
}

/// Hours with at most two decimals, no trailing zeros (`7.5`, `8`).
pub fn hours(h: f64) -> String {
    let s = format!("{:.2}", h);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
pub(crate) mod tests;
