//! The `[[hire]]` entries: people the centre could recruit, for "what staffing meets the
//! targets, and what does it cost?" (`rota schedule --hire`, docs/ROSTER.md).
//!
//! Each option is a kind of person (skills, contract, the shift templates they would work), what
//! they cost (an hourly cost, and an optional one-off cost per hire, e.g. recruitment and
//! training, spread over `one_off_weeks` weeks) and how many of them the centre could take on.
//! The roster programme may add up to `max_count` people of each option.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::agents::skills_from_raw;
use super::raw::{RawAgent, RawHire};
use super::validate::{join, Ctx};
use super::{Contract, ShiftTemplate};
use crate::channel::ChannelName;

/// The most people of one option the programme may add: every one is a set of binary shift
/// variables, so a larger pool only slows the solve and is surely a typo.
pub const MAX_HIRE_COUNT: u32 = 500;

/// Above this hourly cost a value is surely a typo (an annual salary, pence).
const MAX_HOURLY_COST: f64 = 1_000.0;

/// One `[[hire]]` option: a kind of person the centre could recruit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hire {
    pub(super) name: String,
    pub(super) label: Option<String>,
    pub(super) skills: Vec<ChannelName>,
    pub(super) contract: String,
    pub(super) team: Option<String>,
    pub(super) templates: Vec<String>,
    pub(super) hourly_cost: f64,
    pub(super) one_off_cost: f64,
    pub(super) one_off_weeks: u32,
    pub(super) max_count: u32,
}

impl Hire {
    /// Option name, e.g. `voice_chat_full_time`.
    pub fn name(&self) -> &str {
        &self.name
    }
    /// What a manager calls it (defaults to the name), e.g. "full-time voice+chat advisor".
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.name)
    }
    /// Channels a person of this option works, main skill first.
    pub fn skills(&self) -> &[ChannelName] {
        &self.skills
    }
    /// Contract name (a `[contracts]` key).
    pub fn contract(&self) -> &str {
        &self.contract
    }
    /// The team a new person joins (for templates reserved for teams), if any.
    pub fn team(&self) -> Option<&str> {
        self.team.as_deref()
    }
    /// Shift templates a person of this option may work (each allowed by the contract).
    pub fn templates(&self) -> &[String] {
        &self.templates
    }
    /// Cost per paid hour, centre currency (pay plus on-costs, as the manager counts it).
    pub fn hourly_cost(&self) -> f64 {
        self.hourly_cost
    }
    /// One-off cost per person hired (recruitment, training), centre currency.
    pub fn one_off_cost(&self) -> f64 {
        self.one_off_cost
    }
    /// Weeks the one-off cost is spread over (1: counted in full in the planned week).
    pub fn one_off_weeks(&self) -> u32 {
        self.one_off_weeks
    }
    /// The one-off cost charged to each planned week: `one_off_cost / one_off_weeks`.
    pub fn one_off_per_week(&self) -> f64 {
        self.one_off_cost / f64::from(self.one_off_weeks.max(1))
    }
    /// Most people of this option the roster may add.
    pub fn max_count(&self) -> u32 {
        self.max_count
    }

    /// The configured agent a person of this option becomes once hired: id `id`, paid the
    /// option's hourly cost, in the option's team, available at any time.
    pub(super) fn agent(&self, id: &str) -> RawAgent {
        RawAgent {
            id: id.to_string(),
            name: format!("New {}", self.label()),
            skills: self.skills.iter().map(ToString::to_string).collect(),
            contract: self.contract.clone(),
            grade: None,
            hourly_rate: Some(self.hourly_cost),
            team: self.team.clone(),
            availability: None,
            leave: None,
            fixed_shifts: None,
        }
    }

    pub(super) fn to_raw(&self) -> RawHire {
        RawHire {
            name: self.name.clone(),
            label: self.label.clone(),
            skills: self.skills.iter().map(ToString::to_string).collect(),
            contract: self.contract.clone(),
            team: self.team.clone(),
            templates: self.templates.clone(),
            hourly_cost: self.hourly_cost,
            one_off_cost: Some(self.one_off_cost),
            one_off_weeks: Some(self.one_off_weeks),
            max_count: self.max_count,
        }
    }
}

/// What the `[[hire]]` entries are checked against: the channels, and the contracts and shift
/// templates read before them (the `*_keys` sets hold every name in the file, the maps only the
/// valid entries, so a hire naming an invalid contract is not reported a second time).
pub(super) struct HireRefs<'a> {
    pub(super) channels: &'a BTreeSet<ChannelName>,
    pub(super) contracts: &'a [Contract],
    pub(super) contract_keys: BTreeSet<String>,
    pub(super) templates: &'a [ShiftTemplate],
    pub(super) template_keys: &'a BTreeSet<String>,
}

/// Reads the `[[hire]]` entries in file order, keeping the valid ones; names must be unique.
pub(super) fn hires_from_raw(ctx: &mut Ctx, raw: &[RawHire], refs: &HireRefs) -> Vec<Hire> {
    let mut names = BTreeMap::new();
    let mut hires = Vec::new();
    for (i, h) in raw.iter().enumerate() {
        if let Some(first) = names.insert(h.name.clone(), i) {
            ctx.err(
                format!("hire[{i}].name"),
                format!("option {:?} is already defined by hire[{first}]", h.name),
            );
        }
        if let Some(hire) = hire_from_raw(ctx, i, h, refs) {
            hires.push(hire);
        }
    }
    hires
}

fn hire_from_raw(ctx: &mut Ctx, i: usize, raw: &RawHire, refs: &HireRefs) -> Option<Hire> {
    let key = if raw.name.trim().is_empty() {
        format!("hire[{i}]")
    } else {
        format!("hire[{i}] ({:?})", raw.name)
    };
    let k = |f: &str| format!("{key}.{f}");
    let n0 = ctx.problems.len();
    ctx.non_empty(&k("name"), &raw.name);
    let skills = skills_from_raw(ctx, &key, &raw.skills, refs.channels);
    let contract = refs.contracts.iter().find(|c| c.name == raw.contract);
    if !refs.contract_keys.contains(&raw.contract) {
        ctx.err(
            k("contract"),
            format!(
                "unknown contract {:?}; expected one of: {}",
                raw.contract,
                join(&refs.contract_keys)
            ),
        );
    }
    if let Some(t) = &raw.team {
        ctx.non_empty(&k("team"), t);
    }
    let templates = hire_templates(ctx, &key, raw, &skills, contract, refs);
    if let (Some(c), false) = (contract, templates.is_empty()) {
        check_minimum_reachable(ctx, &key, c, &templates);
    }
    ctx.positive_at_most(
        &k("hourly_cost"),
        raw.hourly_cost,
        MAX_HOURLY_COST,
        "currency units per hour",
        "pay plus on-costs per paid hour",
    );
    let one_off_cost = raw.one_off_cost.unwrap_or(0.0);
    if !(one_off_cost.is_finite() && one_off_cost >= 0.0) {
        ctx.err(
            k("one_off_cost"),
            format!("{one_off_cost} is not valid; expected a cost of 0 or more per person hired"),
        );
    }
    let one_off_weeks = raw.one_off_weeks.unwrap_or(1);
    if !(1..=520).contains(&one_off_weeks) {
        ctx.err(
            k("one_off_weeks"),
            format!(
                "{one_off_weeks} is not valid; expected 1 to 520 weeks to spread the one-off cost over"
            ),
        );
    }
    if !(1..=MAX_HIRE_COUNT).contains(&raw.max_count) {
        ctx.err(
            k("max_count"),
            format!(
                "{} is not valid; expected 1 to {MAX_HIRE_COUNT} people (omit the option to hire none)",
                raw.max_count
            ),
        );
    }
    (ctx.problems.len() == n0).then(|| Hire {
        name: raw.name.clone(),
        label: raw.label.clone(),
        skills,
        contract: raw.contract.clone(),
        team: raw.team.clone(),
        templates: templates.iter().map(|t| t.name.clone()).collect(),
        hourly_cost: raw.hourly_cost,
        one_off_cost,
        one_off_weeks,
        max_count: raw.max_count,
    })
}

/// The option's templates: at least one, each configured, allowed by its contract, with
/// required skills the option has, and not reserved for teams other than the option's.
fn hire_templates<'a>(
    ctx: &mut Ctx,
    key: &str,
    raw: &RawHire,
    skills: &[ChannelName],
    contract: Option<&Contract>,
    refs: &HireRefs<'a>,
) -> Vec<&'a ShiftTemplate> {
    if raw.templates.is_empty() {
        ctx.err(
            format!("{key}.templates"),
            "no templates; expected at least one shift template name",
        );
    }
    let mut out = Vec::new();
    for (j, name) in raw.templates.iter().enumerate() {
        let tk = format!("{key}.templates[{j}]");
        let Some(t) = refs.templates.iter().find(|t| &t.name == name) else {
            if !refs.template_keys.contains(name) {
                ctx.err(
                    tk,
                    format!(
                        "unknown shift template {name:?}; expected one of: {}",
                        join(refs.template_keys)
                    ),
                );
            }
            continue;
        };
        if let Some(c) = contract.filter(|c| !c.allows_template(name)) {
            ctx.err(
                &tk,
                format!("contract {} does not allow template {name}", c.name),
            );
        }
        if let Some(s) = t.required_skills.iter().find(|s| !skills.contains(s)) {
            ctx.err(
                &tk,
                format!("template {name} needs the skill {s}, which this option does not have"),
            );
        }
        let in_team = raw.team.as_ref().is_some_and(|team| t.teams.contains(team));
        if !t.teams.is_empty() && !in_team {
            ctx.err(
                &tk,
                format!(
                    "template {name} is reserved for team(s) {}; give the option `team = ` one \
                     of them, or use another template",
                    t.teams.join(", ")
                ),
            );
        }
        out.push(t);
    }
    out
}

/// The contract's minimum weekly hours must be reachable with the option's templates on the
/// days they are used: otherwise every hire of the option would break its contract.
fn check_minimum_reachable(ctx: &mut Ctx, key: &str, c: &Contract, templates: &[&ShiftTemplate]) {
    let longest = templates.iter().map(|t| t.paid_hours()).fold(0.0, f64::max);
    let weekdays: BTreeSet<_> = templates
        .iter()
        .flat_map(|t| t.days.iter().map(|d| d.num_days_from_monday()))
        .collect();
    let days = (7 - c.days_off_per_week.min(7)).min(weekdays.len() as u32);
    if longest * f64::from(days) + 1e-9 < c.min_weekly_paid_hours {
        ctx.err(
            format!("{key}.templates"),
            format!(
                "contract {} needs {} paid hours a week, but these templates give at most {longest} \
                 h on {days} days",
                c.name, c.min_weekly_paid_hours
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::config::CentreConfig;

    /// A small centre with one `[[hire]]` entry whose fields are replaced by `fields`.
    fn centre_with_hire(fields: &str) -> String {
        format!(
            r#"
            [centre]
            name = "Tiny"
            [channels.voice]
            kind = "inbound"
            aht_seconds = 300
            [channels.chat]
            kind = "chat"
            aht_seconds = 300
            [shift_templates.day]
            earliest_start = "09:00"
            paid_hours = 8
            [shift_templates.team_day]
            earliest_start = "09:00"
            paid_hours = 8
            teams = ["blue"]
            [shift_templates.short]
            earliest_start = "09:00"
            paid_hours = 2
            [contracts.full]
            min_weekly_paid_hours = 40
            allowed_templates = ["day", "team_day", "short"]
            [contracts.other]
            allowed_templates = ["short"]
            [[hire]]
            {fields}
            "#
        )
    }

    fn problems(fields: &str) -> Vec<String> {
        match CentreConfig::from_toml_str(&centre_with_hire(fields), "tiny.toml") {
            Ok(_) => Vec::new(),
            Err(e) => e.problems().iter().map(ToString::to_string).collect(),
        }
    }

    const GOOD: &str = r#"name = "advisor"
            skills = ["voice", "chat"]
            contract = "full"
            templates = ["day"]
            hourly_cost = 13.1
            max_count = 3"#;

    #[test]
    fn a_valid_option_reads_and_round_trips() {
        let config = CentreConfig::from_toml_str(&centre_with_hire(GOOD), "tiny.toml").unwrap();
        let h = &config.hires()[0];
        assert_eq!(
            (h.name(), h.label(), h.max_count()),
            ("advisor", "advisor", 3)
        );
        assert_eq!((h.one_off_cost(), h.one_off_weeks()), (0.0, 1));
        let text = config.to_toml_string().unwrap();
        assert_eq!(
            CentreConfig::from_toml_str(&text, "written.toml").unwrap(),
            config
        );
    }

    #[test]
    fn the_sample_centre_offers_three_options() {
        let config = CentreConfig::sample().unwrap();
        let names: Vec<&str> = config.hires().iter().map(|h| h.name()).collect();
        assert_eq!(
            names,
            [
                "voice_chat_full_time",
                "reception_voice_part_time",
                "evening_chat"
            ]
        );
        let ft = config.hire("voice_chat_full_time").unwrap();
        assert!((ft.one_off_per_week() - 1500.0 / 26.0).abs() < 1e-9);
    }

    #[test]
    fn every_bad_value_is_named_with_its_key() {
        let cases: [(&str, &str, &str); 10] = [
            (
                "skills = [\"voice\", \"chat\"]",
                "skills = [\"fax\"]",
                "hire[0] (\"advisor\").skills[0]: unknown channel \"fax\"",
            ),
            (
                "templates = [\"day\"]",
                "templates = [\"night\"]",
                "templates[0]: unknown shift template \"night\"",
            ),
            (
                "templates = [\"day\"]",
                "templates = []",
                "templates: no templates",
            ),
            (
                "templates = [\"day\"]",
                "templates = [\"team_day\"]",
                "reserved for team(s) blue; give the option `team = `",
            ),
            (
                "templates = [\"day\"]",
                "templates = [\"short\"]",
                "needs 40 paid hours a week",
            ),
            (
                "contract = \"full\"",
                "contract = \"zero_hours\"",
                "contract: unknown contract \"zero_hours\"",
            ),
            (
                "max_count = 3",
                "max_count = 0",
                "max_count: 0 is not valid; expected 1 to 500",
            ),
            (
                "max_count = 3",
                "max_count = 501",
                "max_count: 501 is not valid",
            ),
            (
                "hourly_cost = 13.1",
                "hourly_cost = -13.1",
                "hourly_cost: -13.1 is not valid",
            ),
            (
                "hourly_cost = 13.1",
                "hourly_cost = 13.1\none_off_cost = -5",
                "one_off_cost: -5 is not valid",
            ),
        ];
        for (from, to, expected) in cases {
            let found = problems(&GOOD.replace(from, to));
            assert!(
                found.iter().any(|p| p.contains(expected)),
                "{to}: expected {expected:?} in {found:?}"
            );
        }
        let other = GOOD.replace("contract = \"full\"", "contract = \"other\"");
        let found = problems(&other);
        assert!(
            found
                .iter()
                .any(|p| p.contains("contract other does not allow template day")),
            "{found:?}"
        );
        let twice = format!("{GOOD}\n[[hire]]\n{GOOD}");
        assert!(problems(&twice)
            .iter()
            .any(|p| p.contains("hire[1].name: option \"advisor\" is already defined by hire[0]")));
    }

    #[test]
    fn a_team_opens_the_team_s_templates() {
        let in_team = GOOD.replace(
            "templates = [\"day\"]",
            "team = \"blue\"\n            templates = [\"day\", \"team_day\"]",
        );
        let config = CentreConfig::from_toml_str(&centre_with_hire(&in_team), "t.toml").unwrap();
        assert_eq!(config.hires()[0].team(), Some("blue"));
        let more = config
            .with_hired_agents(&[("HIRE-001".into(), "advisor".into())])
            .unwrap();
        assert_eq!(more.agent("HIRE-001").unwrap().team(), Some("blue"));
        let other_team = in_team.replace("\"blue\"", "\"red\"");
        assert!(problems(&other_team)
            .iter()
            .any(|p| p.contains("reserved for team(s) blue")));
    }

    #[test]
    fn hired_people_become_agents_of_their_option() {
        let config = CentreConfig::from_toml_str(&centre_with_hire(GOOD), "tiny.toml").unwrap();
        let more = config
            .with_hired_agents(&[
                ("HIRE-001".into(), "advisor".into()),
                ("HIRE-002".into(), "advisor".into()),
            ])
            .unwrap();
        let a = more.agent("HIRE-002").unwrap();
        assert_eq!(a.name(), "New advisor");
        assert_eq!(a.contract(), "full");
        assert_eq!(a.hourly_rate(), 13.1);
        assert_eq!(a.skills().len(), 2);
        let err = config
            .with_hired_agents(&[("HIRE-001".into(), "pilot".into())])
            .unwrap_err();
        assert!(err.to_string().contains("not a [[hire]] option"), "{err}");
    }
}
