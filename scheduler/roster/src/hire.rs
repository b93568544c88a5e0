//! Hiring: "what staffing meets the targets, and what does it cost?" (`rota schedule --hire`).
//!
//! A [`HireOption`] is a kind of person the centre could recruit (the configuration's
//! `[[hire]]`). With [`crate::SolveOptions::hire`] the problem gains, per option, `max_count`
//! optional agents ([`RosterProblem::with_hires`]), named `HIRE-001`, `HIRE-002`, ... in option
//! order. Each has the option's skills, contract and templates and a binary "hired" indicator;
//! the programme ([`crate::model::hire`]) chooses who to hire together with everyone's shifts,
//! paying the hourly cost of their shifts plus the one-off cost of each person hired. A candidate
//! without shifts is not hired and appears nowhere in the roster.
//!
//! [`hires_of`] reads the answer back from a roster (how many of each option, their hours and
//! cost a week) and [`write_hires`] writes it as `hires.csv`; [`read_hires_from`] reads the file
//! back, so that `rota simulate` can add the hired people to the configuration.

use std::io::{Read, Write};

use chrono::NaiveTime;
use rota_data::channel::ChannelName;
use serde::Serialize;

use super::error::RosterError;
use super::output::Roster;
use super::problem::{AgentPlan, ContractRules, RosterProblem};

/// A kind of person the centre could recruit, in the programme's terms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HireOption {
    /// Option name (the configuration's `[[hire]] name`).
    pub name: String,
    /// What a manager calls it, e.g. "full-time voice+chat advisor".
    pub label: String,
    /// Channels a person of this option works.
    pub skills: Vec<ChannelName>,
    /// The contract every person of this option is on.
    pub contract: ContractRules,
    /// The team a new person joins, if any.
    pub team: Option<String>,
    /// Templates a person of this option may work.
    pub templates: Vec<String>,
    /// Cost per paid hour.
    pub hourly_cost: f64,
    /// One-off cost per person hired charged to a week (the configuration's `one_off_cost /
    /// one_off_weeks`); a horizon of `n` days pays `n / 7` of it.
    pub one_off_per_week: f64,
    /// Most people of this option the programme may add.
    pub max_count: u32,
}

/// One optional agent of the programme: `agent` (an index into [`RosterProblem::agents`]) is a
/// person of option `option` (an index into [`RosterProblem::hire_options`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct HireCandidate {
    /// Agent index.
    pub agent: usize,
    /// Hire option index.
    pub option: usize,
}

/// The id of the `n`-th candidate (1-based): `HIRE-001`.
pub fn candidate_id(n: usize) -> String {
    format!("HIRE-{n:03}")
}

/// Every candidate's id with its option index, in option order: option 0's `max_count`
/// candidates first. The one numbering of candidates: the programme names its agents with it and
/// [`hires_of`] reads a roster back with it.
pub fn candidate_ids(options: &[HireOption]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    for (k, option) in options.iter().enumerate() {
        for _ in 0..option.max_count {
            out.push((candidate_id(out.len() + 1), k));
        }
    }
    out
}

impl RosterProblem {
    /// The problem with its hire options attached (inert until [`RosterProblem::with_hires`]).
    pub fn with_hire_options(mut self, options: Vec<HireOption>) -> Self {
        self.hire_options = options;
        self
    }

    /// The problem with every hire candidate added as an optional agent (see the module doc).
    /// Rejects an option naming an unknown channel or template, and an agent whose id a
    /// candidate would take.
    pub fn with_hires(mut self) -> Result<Self, RosterError> {
        if !self.hire_candidates.is_empty() {
            return Ok(self);
        }
        let mut errors = Vec::new();
        for h in &self.hire_options {
            for s in h.skills.iter().filter(|s| self.channel_index(s).is_none()) {
                errors.push(format!(
                    "hire option {}: skill {s} is not a channel",
                    h.name
                ));
            }
            for t in &h.templates {
                if !self.templates.iter().any(|tp| &tp.name == t) {
                    errors.push(format!("hire option {}: unknown template {t}", h.name));
                }
            }
        }
        for (id, k) in candidate_ids(&self.hire_options) {
            if self.agents.iter().any(|a| a.id == id) {
                errors.push(format!(
                    "agent id {id} is taken, so the hires cannot be named HIRE-001, ...; rename \
                     the agent"
                ));
                break;
            }
            let h = &self.hire_options[k];
            self.hire_candidates.push(HireCandidate {
                agent: self.agents.len(),
                option: k,
            });
            self.agents.push(AgentPlan {
                id,
                name: format!("New {}", h.label),
                team: h.team.clone(),
                skills: h.skills.clone(),
                hourly_rate: h.hourly_cost,
                contract: h.contract.clone(),
                allowed_templates: Some(h.templates.clone()),
                weekly_availability: [Some((NaiveTime::MIN, NaiveTime::MIN)); 7],
                unavailable: Vec::new(),
                fixed_shifts: Vec::new(),
            });
        }
        if !errors.is_empty() {
            return Err(RosterError::Input(errors.join("; ")));
        }
        Ok(self)
    }

    /// The hire option of agent `a`, when `a` is a hire candidate.
    pub fn hire_of(&self, a: usize) -> Option<&HireOption> {
        self.hire_candidates
            .iter()
            .find(|c| c.agent == a)
            .map(|c| &self.hire_options[c.option])
    }

    /// The one-off cost of hiring agent `a` charged to this horizon (`n / 7` of a week's share
    /// for `n` days); 0 for the centre's own agents.
    pub fn one_off_cost(&self, a: usize) -> f64 {
        self.hire_of(a).map_or(0.0, |h| {
            h.one_off_per_week * self.horizon.days() as f64 / 7.0
        })
    }
}

/// How many people of one option a roster hires, and what they cost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HireRow {
    /// Option name.
    pub option: String,
    /// Option label.
    pub label: String,
    /// People hired (candidates with at least one shift).
    pub count: usize,
    /// Their ids, e.g. `HIRE-001`.
    pub agents: Vec<String>,
    /// Their paid hours per week (the horizon's hours scaled to 7 days).
    pub weekly_hours: f64,
    /// Their pay per week: hourly cost times weekly hours.
    pub weekly_pay: f64,
    /// Their cost per week: hourly cost times weekly hours plus each person's weekly share of
    /// the one-off cost.
    pub weekly_cost: f64,
}

/// The people `roster` hires, one row per option of `options` (count 0 for an option not
/// used), for a roster of `days` days. Candidates are recognised by their ids
/// ([`candidate_ids`]).
pub fn hires_of(options: &[HireOption], roster: &Roster, days: usize) -> Vec<HireRow> {
    let ids = candidate_ids(options);
    let per_week = 7.0 / days.max(1) as f64;
    let mut rows: Vec<HireRow> = options
        .iter()
        .map(|h| HireRow {
            option: h.name.clone(),
            label: h.label.clone(),
            count: 0,
            agents: Vec::new(),
            weekly_hours: 0.0,
            weekly_pay: 0.0,
            weekly_cost: 0.0,
        })
        .collect();
    for (id, k) in &ids {
        let hours: f64 = roster
            .shifts
            .iter()
            .filter(|s| &s.agent_id == id)
            .map(|s| s.paid_hours)
            .sum();
        if hours <= 0.0 {
            continue;
        }
        let (row, h) = (&mut rows[*k], &options[*k]);
        row.count += 1;
        row.agents.push(id.clone());
        row.weekly_hours += hours * per_week;
        row.weekly_pay += h.hourly_cost * hours * per_week;
        row.weekly_cost += h.hourly_cost * hours * per_week + h.one_off_per_week;
    }
    rows
}

/// Writes `hires.csv`: option, label, count, weekly_hours, weekly_cost and the hired agents' ids
/// (space-separated), one row per option.
pub fn write_hires(rows: &[HireRow], w: &mut dyn Write) -> std::io::Result<()> {
    let mut w = csv::Writer::from_writer(w);
    w.write_record([
        "option",
        "label",
        "count",
        "weekly_hours",
        "weekly_cost",
        "agents",
    ])?;
    for r in rows {
        w.write_record([
            r.option.as_str(),
            r.label.as_str(),
            &r.count.to_string(),
            &format!("{:.2}", r.weekly_hours),
            &format!("{:.2}", r.weekly_cost),
            &r.agents.join(" "),
        ])?;
    }
    w.flush()
}

/// Reads `hires.csv` (as [`write_hires`] writes it) into `(agent id, option)` pairs, one per
/// person hired; `label` names the file in errors.
pub fn read_hires_from(r: impl Read, label: &str) -> Result<Vec<(String, String)>, RosterError> {
    let bad = |line: u64, what: String| RosterError::Input(format!("{label}:{line}: {what}"));
    let mut rd = csv::Reader::from_reader(r);
    let headers = rd
        .headers()
        .map_err(|e| bad(1, e.to_string()))?
        .iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| bad(1, format!("no column {name:?}; expected option and agents")))
    };
    let (option, agents) = (col("option")?, col("agents")?);
    let mut out = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| bad(line, e.to_string()))?;
        let name = rec.get(option).unwrap_or_default().trim().to_string();
        for id in rec.get(agents).unwrap_or_default().split_whitespace() {
            out.push((id.to_string(), name.clone()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, Timelike, Weekday};

    use super::*;
    use crate::problem::{ChannelMode, ChannelPlan, Horizon, TemplatePlan, Weights};
    use crate::{check_roster, schedule, SolveOptions};

    fn contract() -> ContractRules {
        ContractRules {
            name: "flex".into(),
            min_weekly_minutes: 0,
            max_weekly_minutes: 48 * 60,
            max_days_per_week: 7,
            max_consecutive_days: 7,
            min_rest_minutes: 11 * 60,
            max_weekend_days: 2,
        }
    }

    /// Two days (Mon 23 and Tue 24 Nov 2026), voice needing `need` agents 08:00-12:00, one
    /// agent at 10 an hour, a 4-hour 08:00 shift, and up to three hires at 12 an hour with a
    /// one-off cost of 7 a week (2 over the two days).
    fn problem(need: f64) -> RosterProblem {
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let h = Horizon::new(chrono_tz::Europe::London, monday, 2, 15).unwrap();
        let requirement = (0..h.n_intervals())
            .map(|t| {
                let hour = h.instant(t).hour();
                if (8..12).contains(&hour) {
                    need
                } else {
                    0.0
                }
            })
            .collect();
        let voice = ChannelName::parse("voice").unwrap();
        let channels = vec![ChannelPlan {
            name: voice.clone(),
            mode: ChannelMode::Live,
            shortfall_weight: 1.0,
            requirement,
            worked: None,
        }];
        let at = |h: u32| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        let template = TemplatePlan {
            name: "morning".into(),
            weekdays: vec![Weekday::Mon, Weekday::Tue],
            earliest_start: at(8),
            latest_start: at(8),
            step_minutes: 15,
            length_minutes: 240,
            breaks: Vec::new(),
            team: None,
        };
        let own = AgentPlan {
            id: "A".into(),
            name: "Agent A".into(),
            team: None,
            skills: vec![voice.clone()],
            hourly_rate: 10.0,
            contract: contract(),
            allowed_templates: None,
            weekly_availability: [Some((at(0), at(0))); 7],
            unavailable: Vec::new(),
            fixed_shifts: Vec::new(),
        };
        let option = HireOption {
            name: "advisor".into(),
            label: "voice advisor".into(),
            skills: vec![voice],
            contract: ContractRules {
                min_weekly_minutes: 8 * 60,
                ..contract()
            },
            team: None,
            templates: vec!["morning".into()],
            hourly_cost: 12.0,
            one_off_per_week: 7.0,
            max_count: 3,
        };
        RosterProblem::new(h, channels, vec![template], vec![own], Weights::default())
            .unwrap()
            .with_hire_options(vec![option])
    }

    fn opts(hire: bool) -> SolveOptions {
        SolveOptions {
            time_limit_s: 20.0,
            mip_rel_gap: 0.0,
            hire,
            ..SolveOptions::default()
        }
    }

    fn agents_of(roster: &Roster) -> Vec<&str> {
        let mut ids: Vec<&str> = roster.shifts.iter().map(|s| s.agent_id.as_str()).collect();
        ids.dedup();
        ids
    }

    #[test]
    fn a_gap_is_filled_by_hiring_the_first_candidate() {
        let p = problem(2.0);
        let r = schedule(&p, &opts(true)).unwrap();
        assert_eq!(agents_of(&r), ["A", "HIRE-001"], "{:?}", r.shifts);
        assert_eq!(r.shifts.len(), 4);
        assert_eq!(r.summary.channels[0].shortfall_hours, 0.0);
        // paid 10 x 8 + 12 x 8, plus two days' share of the one-off cost (7 x 2/7)
        assert!(
            (r.summary.paid_cost - 176.0).abs() < 1e-6,
            "{:?}",
            r.summary
        );
        assert!(
            (r.summary.objective - 178.0).abs() < 1e-6,
            "{:?}",
            r.summary
        );
        assert!(r.summary.bound <= r.summary.objective + 1e-6);
        let hired = p.clone().with_hires().unwrap();
        assert!(
            check_roster(&hired, &r).is_empty(),
            "{:#?}",
            check_roster(&hired, &r)
        );
        let rows = hires_of(&p.hire_options, &r, 2);
        assert_eq!(rows[0].count, 1);
        assert_eq!(rows[0].agents, ["HIRE-001"]);
        // 8 paid hours in two days are 28 a week, at 12 an hour plus the one-off 7 a week
        assert!((rows[0].weekly_hours - 28.0).abs() < 1e-9);
        assert!((rows[0].weekly_cost - (12.0 * 28.0 + 7.0)).abs() < 1e-9);
    }

    #[test]
    fn nobody_is_hired_when_the_centre_covers_the_week() {
        let p = problem(1.0);
        let r = schedule(&p, &opts(true)).unwrap();
        assert_eq!(agents_of(&r), ["A"]);
        assert!((r.summary.objective - 80.0).abs() < 1e-6, "{:?}", r.summary);
        let hired = p.clone().with_hires().unwrap();
        assert!(check_roster(&hired, &r).is_empty());
        assert_eq!(hires_of(&p.hire_options, &r, 2)[0].count, 0);
    }

    #[test]
    fn an_option_whose_contract_cannot_be_met_is_never_hired() {
        // 40 h a week is 11.4 h pro rata in two days, but the 4-hour shift gives at most 8
        let mut p = problem(2.0);
        p.hire_options[0].contract.min_weekly_minutes = 40 * 60;
        let r = schedule(&p, &opts(true)).unwrap();
        assert_eq!(agents_of(&r), ["A"]);
        assert!(r.summary.channels[0].shortfall_hours > 7.9);
    }

    #[test]
    fn without_hire_the_options_are_inert() {
        let p = problem(2.0);
        let r = schedule(&p, &opts(false)).unwrap();
        assert_eq!(agents_of(&r), ["A"]);
        assert!(r.summary.channels[0].shortfall_hours > 7.9);
    }

    #[test]
    fn candidates_are_numbered_in_option_order_and_may_not_take_an_agent_id() {
        let p = problem(1.0);
        let mut second = p.hire_options[0].clone();
        second.name = "other".into();
        second.max_count = 2;
        let first = p.hire_options[0].clone();
        let p = p.with_hire_options(vec![first, second]);
        let ids = candidate_ids(&p.hire_options);
        assert_eq!(ids.len(), 5);
        assert_eq!(ids[3], ("HIRE-004".to_string(), 1));
        let hired = p.clone().with_hires().unwrap();
        assert_eq!(hired.agents.len(), 6);
        assert_eq!(hired.hire_of(4).unwrap().name, "other");
        assert!(hired.hire_of(0).is_none());
        let mut taken = p;
        taken.agents[0].id = "HIRE-002".into();
        let err = taken.with_hires().unwrap_err().to_string();
        assert!(err.contains("agent id HIRE-002 is taken"), "{err}");
    }

    #[test]
    fn hires_csv_reads_back_the_people_hired() {
        let rows = vec![
            HireRow {
                option: "advisor".into(),
                label: "voice, chat advisor".into(),
                count: 2,
                agents: vec!["HIRE-001".into(), "HIRE-002".into()],
                weekly_hours: 75.0,
                weekly_pay: 900.0,
                weekly_cost: 1000.0,
            },
            HireRow {
                option: "evening".into(),
                label: "evening".into(),
                count: 0,
                agents: Vec::new(),
                weekly_hours: 0.0,
                weekly_pay: 0.0,
                weekly_cost: 0.0,
            },
        ];
        let mut text = Vec::new();
        write_hires(&rows, &mut text).unwrap();
        let text = String::from_utf8(text).unwrap();
        assert!(text.starts_with("option,label,count,weekly_hours,weekly_cost,agents\n"));
        assert!(text.contains("advisor,\"voice, chat advisor\",2,75.00,1000.00,HIRE-001 HIRE-002"));
        let people = read_hires_from(text.as_bytes(), "hires.csv").unwrap();
        assert_eq!(
            people,
            [
                ("HIRE-001".to_string(), "advisor".to_string()),
                ("HIRE-002".to_string(), "advisor".to_string())
            ]
        );
        let err = read_hires_from("option,count\n".as_bytes(), "h.csv").unwrap_err();
        assert!(
            err.to_string().contains("h.csv:1: no column \"agents\""),
            "{err}"
        );
    }
}
