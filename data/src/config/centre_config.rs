//! [`CentreConfig`], the whole validated configuration: reading and writing it, the lookups the
//! planner uses, and the assembly of the sections in file order.

use std::collections::BTreeSet;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::activities::{activities_from_raw, ActivityRefs, PlannedActivity};
use super::agents::{agents_from_raw, check_every_agent_has_a_template, AgentRefs};
use super::channels::channels_from_raw;
use super::contracts::{contracts_from_raw, grades_from_raw};
use super::hire::{hires_from_raw, HireRefs};
use super::raw::{self, RawConfig};
use super::shifts::shift_templates_from_raw;
use super::special_days::special_days_from_raw;
use super::validate::Ctx;
use super::{
    read_text, read_toml, Agent, Centre, Channel, ConfigError, ConfigProblem, Contract, Grade,
    Hire, HistoryMapping, ShiftTemplate, Shrinkage, SpecialDay, SpecialDayKind,
    CENTRE_CONFIGURATION, SAMPLE_CENTRE_TOML,
};
use crate::channel::ChannelName;
use crate::grid::IntervalGrid;

/// A validated centre configuration.
///
/// Build it with [`CentreConfig::from_toml_str`] or [`CentreConfig::load`]; write it back with
/// [`CentreConfig::to_toml_string`] (every default spelled out). Serde uses the same TOML shape,
/// validated on deserialisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawConfig", into = "RawConfig")]
pub struct CentreConfig {
    pub(super) centre: Centre,
    pub(super) shrinkage: Shrinkage,
    pub(super) channels: Vec<Channel>,
    pub(super) shift_templates: Vec<ShiftTemplate>,
    pub(super) contracts: Vec<Contract>,
    pub(super) grades: Vec<Grade>,
    pub(super) agents: Vec<Agent>,
    pub(super) special_days: Vec<SpecialDay>,
    pub(super) history: HistoryMapping,
    pub(super) hires: Vec<Hire>,
    pub(super) activities: Vec<PlannedActivity>,
}

impl CentreConfig {
    /// Parses and validates a configuration from TOML text; `source_name` (usually the file name)
    /// prefixes every error message.
    ///
    /// ```
    /// use rota_data::config::CentreConfig;
    /// let err = CentreConfig::from_toml_str("[centre\nname = 1", "bad.toml").unwrap_err();
    /// assert!(err.to_string().starts_with("bad.toml:1:"));
    /// ```
    pub fn from_toml_str(text: &str, source_name: &str) -> Result<Self, ConfigError> {
        let raw: RawConfig = read_toml(text, source_name)?;
        Self::from_raw(&raw, source_name)
    }

    /// Validates a configuration in its file shape (for instance the file as read, with changes
    /// made to it); `source_name` prefixes every error message. The rules are exactly those of
    /// [`Self::from_toml_str`].
    ///
    /// ```
    /// use rota_data::config::CentreConfig;
    /// let config = CentreConfig::sample().unwrap();
    /// let mut raw = config.to_raw();
    /// raw.channels.get_mut("voice").unwrap().aht_seconds = 300.0;
    /// let changed = CentreConfig::from_raw(&raw, "changed").unwrap();
    /// assert_eq!(changed.channel("voice").unwrap().aht_seconds(), 300.0);
    /// raw.channels.get_mut("voice").unwrap().aht_seconds = -1.0;
    /// let err = CentreConfig::from_raw(&raw, "changed").unwrap_err();
    /// assert!(err.to_string().contains("changed: channels.voice.aht_seconds"), "{err}");
    /// ```
    pub fn from_raw(raw: &RawConfig, source_name: &str) -> Result<Self, ConfigError> {
        Self::validate_raw(raw).map_err(|problems| ConfigError::Invalid {
            source_name: source_name.to_string(),
            document: CENTRE_CONFIGURATION,
            problems,
        })
    }

    /// The configuration in its file shape, every default spelled out (what
    /// [`Self::to_toml_string`] writes).
    pub fn to_raw(&self) -> RawConfig {
        RawConfig::from(self.clone())
    }

    /// Reads and validates a configuration file.
    ///
    /// ```
    /// let config = rota_data::config::CentreConfig::load(
    ///     concat!(env!("CARGO_MANIFEST_DIR"), "/samples/centre.toml")).unwrap();
    /// assert_eq!(config.centre().name(), "Northmoor Homes");
    /// ```
    #[tracing::instrument(level = "debug", skip_all, fields(path = %path.as_ref().display()))]
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = read_text(path, CENTRE_CONFIGURATION)?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// The bundled sample centre, Northmoor Homes (`data/samples/centre.toml`).
    pub fn sample() -> Result<Self, ConfigError> {
        Self::from_toml_str(SAMPLE_CENTRE_TOML, "data/samples/centre.toml")
    }

    /// Writes the configuration as TOML with every default spelled out; reading it back gives an
    /// equal configuration.
    ///
    /// ```
    /// use rota_data::config::CentreConfig;
    /// let config = CentreConfig::sample().unwrap();
    /// let text = config.to_toml_string().unwrap();
    /// assert_eq!(CentreConfig::from_toml_str(&text, "written.toml").unwrap(), config);
    /// ```
    pub fn to_toml_string(&self) -> Result<String, ConfigError> {
        let raw = self.to_raw();
        raw::with_toml_dates(|| toml::to_string(&raw))
            .map_err(|e| ConfigError::Serialize(e.to_string()))
    }

    /// Writes the configuration to `path` as TOML.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ConfigError> {
        let path = path.as_ref();
        let text = self.to_toml_string()?;
        std::fs::write(path, text).map_err(|source| ConfigError::Io {
            action: "write",
            document: CENTRE_CONFIGURATION,
            path: path.to_path_buf(),
            source,
        })
    }

    /// The `[centre]` section.
    pub fn centre(&self) -> &Centre {
        &self.centre
    }
    /// Interval grid (length + time zone) of the centre.
    pub fn grid(&self) -> IntervalGrid {
        self.centre.grid
    }
    /// Centre default shrinkage.
    pub fn shrinkage(&self) -> &Shrinkage {
        &self.shrinkage
    }
    /// Channels, sorted by priority then name.
    pub fn channels(&self) -> &[Channel] {
        &self.channels
    }
    /// The channel called `name`.
    pub fn channel(&self, name: &str) -> Option<&Channel> {
        self.channels.iter().find(|c| c.name.as_str() == name)
    }
    /// Channel names, sorted by priority then name.
    pub fn channel_names(&self) -> Vec<ChannelName> {
        self.channels.iter().map(|c| c.name.clone()).collect()
    }
    /// The channel names as one line, `voice, reception, chat`, for errors that name an unknown
    /// channel and say which ones there are.
    pub fn channel_list(&self) -> String {
        self.channels
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
    /// Shift templates, sorted by name.
    pub fn shift_templates(&self) -> &[ShiftTemplate] {
        &self.shift_templates
    }
    /// The shift template called `name`.
    pub fn shift_template(&self, name: &str) -> Option<&ShiftTemplate> {
        self.shift_templates.iter().find(|t| t.name == name)
    }
    /// Contracts, sorted by name.
    pub fn contracts(&self) -> &[Contract] {
        &self.contracts
    }
    /// The contract called `name`.
    pub fn contract(&self, name: &str) -> Option<&Contract> {
        self.contracts.iter().find(|c| c.name == name)
    }
    /// Grades, sorted by name.
    pub fn grades(&self) -> &[Grade] {
        &self.grades
    }
    /// The grade called `name`.
    pub fn grade(&self, name: &str) -> Option<&Grade> {
        self.grades.iter().find(|g| g.name == name)
    }
    /// Agents, in file order.
    pub fn agents(&self) -> &[Agent] {
        &self.agents
    }
    /// The agent with id `id`.
    pub fn agent(&self, id: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id)
    }
    /// The templates agent `agent` may work (contract, team and skills).
    pub fn templates_for(&self, agent: &Agent) -> Vec<&ShiftTemplate> {
        let contract = self.contract(&agent.contract);
        self.shift_templates
            .iter()
            .filter(|t| contract.is_none_or(|c| c.allows_template(&t.name)) && t.fits_agent(agent))
            .collect()
    }
    /// Special days, sorted by date.
    pub fn special_days(&self) -> &[SpecialDay] {
        &self.special_days
    }
    /// Special days on `date`.
    pub fn special_days_on(&self, date: NaiveDate) -> impl Iterator<Item = &SpecialDay> {
        self.special_days.iter().filter(move |s| s.date == date)
    }
    /// True when `channel` is closed all day on `date` by a special day (bank holidays are
    /// separate: see [`Centre::closed_on_bank_holidays`] and `rota_data::calendar`).
    pub fn is_closed_special(&self, channel: &ChannelName, date: NaiveDate) -> bool {
        self.special_days_on(date)
            .any(|s| s.kind == SpecialDayKind::Closed && s.affects(channel))
    }
    /// True when `channel` is closed all day on local `date`: an England & Wales bank holiday
    /// (when [`Centre::closed_on_bank_holidays`]) or a closed [`SpecialDay`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let config = rota_data::config::CentreConfig::sample().unwrap();
    /// let voice = "voice".parse().unwrap();
    /// assert!(config.is_closed_on(&voice, NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()));
    /// assert!(!config.is_closed_on(&voice, NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()));
    /// ```
    pub fn is_closed_on(&self, channel: &ChannelName, date: NaiveDate) -> bool {
        (self.centre.closed_on_bank_holidays && crate::calendar::is_bank_holiday(date))
            || self.is_closed_special(channel, date)
    }

    /// True when agents work `channel` on local `date` at `minute` after local midnight: within
    /// its opening (for deferred channels: worked) hours on that weekday, and not on a closed day
    /// ([`Self::is_closed_on`]). This is the centre's one opening calendar; the questions below
    /// ask it.
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let config = rota_data::config::CentreConfig::sample().unwrap();
    /// let voice = config.channel("voice").unwrap();
    /// let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
    /// let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
    /// assert!(config.is_worked_on(voice, monday, 8 * 60));
    /// assert!(!config.is_worked_on(voice, monday, 18 * 60));
    /// assert!(!config.is_worked_on(voice, christmas, 10 * 60));
    /// ```
    pub fn is_worked_on(&self, channel: &Channel, date: NaiveDate, minute: u32) -> bool {
        !self.is_closed_on(&channel.name, date) && channel.is_worked_at(date.weekday(), minute)
    }

    /// True when contacts of `channel` can arrive on local `date` at `minute` after local
    /// midnight: deferred channels always (email and social arrive day and night, holidays
    /// included), live channels when [`Self::is_worked_on`].
    ///
    /// ```
    /// use chrono::NaiveDate;
    /// let config = rota_data::config::CentreConfig::sample().unwrap();
    /// let christmas = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
    /// assert!(config.accepts_contacts_on(config.channel("email").unwrap(), christmas, 10 * 60));
    /// assert!(!config.accepts_contacts_on(config.channel("voice").unwrap(), christmas, 10 * 60));
    /// ```
    pub fn accepts_contacts_on(&self, channel: &Channel, date: NaiveDate, minute: u32) -> bool {
        channel.kind.is_deferred() || self.is_worked_on(channel, date, minute)
    }

    /// True when agents work `channel` at instant `t` (normally an interval start):
    /// [`Self::is_worked_on`] at its local date and wall-clock minute.
    ///
    /// ```
    /// use chrono::DateTime;
    /// let config = rota_data::config::CentreConfig::sample().unwrap();
    /// let voice = config.channel("voice").unwrap();
    /// let monday_8am = DateTime::parse_from_rfc3339("2026-11-23T08:00:00+00:00").unwrap();
    /// let monday_6pm = DateTime::parse_from_rfc3339("2026-11-23T18:00:00+00:00").unwrap();
    /// assert!(config.is_worked_at(voice, &monday_8am));
    /// assert!(!config.is_worked_at(voice, &monday_6pm));
    /// ```
    pub fn is_worked_at<Z: chrono::TimeZone>(
        &self,
        channel: &Channel,
        t: &chrono::DateTime<Z>,
    ) -> bool {
        let grid = self.grid();
        self.is_worked_on(channel, grid.local_date(t), grid.minute_of_day(t))
    }

    /// True when contacts of `channel` can arrive at instant `t`: [`Self::accepts_contacts_on`]
    /// at its local date and wall-clock minute.
    pub fn accepts_contacts_at<Z: chrono::TimeZone>(
        &self,
        channel: &Channel,
        t: &chrono::DateTime<Z>,
    ) -> bool {
        let grid = self.grid();
        self.accepts_contacts_on(channel, grid.local_date(t), grid.minute_of_day(t))
    }

    /// Product of the event volume factors on `date` for `channel` (1.0 when none).
    pub fn volume_factor(&self, channel: &ChannelName, date: NaiveDate) -> f64 {
        self.special_days_on(date)
            .filter(|s| s.affects(channel))
            .map(|s| match s.kind {
                SpecialDayKind::Event { volume_factor } => volume_factor,
                SpecialDayKind::Closed => 1.0,
            })
            .product()
    }
    /// The history column mapping.
    pub fn history(&self) -> &HistoryMapping {
        &self.history
    }
    /// The `[[activities]]` (planned non-contact work), in file order.
    pub fn activities(&self) -> &[PlannedActivity] {
        &self.activities
    }
    /// The configuration without its `[[activities]]`: their time back in the shrinkage, as
    /// configured. For a roster made before the activities were planned (it has none of them), and
    /// for measuring what planning them costs.
    pub fn without_activities(&self) -> Result<Self, ConfigError> {
        let mut raw = self.to_raw();
        raw.activities.clear();
        Self::from_raw(&raw, "the configuration without its activities")
    }
    /// The `[[hire]]` options (people the centre could recruit), in file order.
    pub fn hires(&self) -> &[Hire] {
        &self.hires
    }
    /// The hire option called `name`.
    pub fn hire(&self, name: &str) -> Option<&Hire> {
        self.hires.iter().find(|h| h.name == name)
    }

    /// The configuration with the people a roster hired added as agents: each `(id, option)`
    /// becomes an agent of that `[[hire]]` option ([`Hire`]: its skills, contract and hourly
    /// cost). `rota simulate` replays a `--hire` roster with it, so the new people answer
    /// contacts on their skills like everyone else.
    ///
    /// ```
    /// let config = rota_data::config::CentreConfig::sample().unwrap();
    /// let option = config.hires()[0].name().to_string();
    /// let more = config.with_hired_agents(&[("HIRE-001".into(), option)]).unwrap();
    /// assert_eq!(more.agents().len(), config.agents().len() + 1);
    /// assert_eq!(more.agent("HIRE-001").unwrap().skills(), config.hires()[0].skills());
    /// ```
    pub fn with_hired_agents(&self, hired: &[(String, String)]) -> Result<Self, ConfigError> {
        let mut raw = self.to_raw();
        let mut problems = Vec::new();
        for (id, option) in hired {
            match self.hire(option) {
                Some(h) => raw.agents.push(h.agent(id)),
                None => problems.push(ConfigProblem::new(
                    "hire",
                    format!(
                        "{id} was hired as {option:?}, which is not a [[hire]] option of this \
                         configuration"
                    ),
                )),
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError::Invalid {
                source_name: "hired people".to_string(),
                document: CENTRE_CONFIGURATION,
                problems,
            });
        }
        Self::from_raw(&raw, "the configuration with the hired people")
    }

    /// Validates a raw configuration section by section, in file order, so that the problems
    /// come out in the order a reader of the file meets them. Every section is read even when an
    /// earlier one has problems, so that one run lists them all; each section is checked
    /// against the valid parts of the sections before it.
    fn validate_raw(raw: &RawConfig) -> Result<Self, Vec<ConfigProblem>> {
        let mut ctx = Ctx::default();
        let ctx = &mut ctx;
        let centre = Centre::from_raw(ctx, &raw.centre);
        let grid = centre.grid;
        let shrinkage = Shrinkage::centre_from_raw(ctx, raw.shrinkage.as_ref());
        let (channel_set, channels) =
            channels_from_raw(ctx, &raw.channels, grid, &centre.hours, &shrinkage);
        let template_keys: BTreeSet<String> = raw.shift_templates.keys().cloned().collect();
        let shift_templates =
            shift_templates_from_raw(ctx, &raw.shift_templates, grid, &channel_set);
        let contracts = contracts_from_raw(ctx, &raw.contracts, &shift_templates, &template_keys);
        let grades = grades_from_raw(ctx, &raw.grades);
        let refs = AgentRefs {
            grid,
            channels: &channel_set,
            contracts: contracts
                .iter()
                .map(|c| (c.name.clone(), c.clone()))
                .collect(),
            contract_keys: raw.contracts.keys().cloned().collect(),
            grades: grades.iter().map(|g| (g.name.clone(), g.clone())).collect(),
            grade_keys: raw.grades.keys().cloned().collect(),
            templates: shift_templates
                .iter()
                .map(|t| (t.name.clone(), t.clone()))
                .collect(),
            template_keys: &template_keys,
        };
        let agents = agents_from_raw(ctx, &raw.agents, &refs);
        check_every_agent_has_a_template(ctx, &agents, &shift_templates, &refs.contracts);
        let special_days = special_days_from_raw(ctx, &raw.special_days, &channel_set);
        let history =
            HistoryMapping::from_raw(ctx, &raw.history.clone().unwrap_or_default(), &channel_set);
        let hire_refs = HireRefs {
            channels: &channel_set,
            contracts: &contracts,
            contract_keys: raw.contracts.keys().cloned().collect(),
            templates: &shift_templates,
            template_keys: &template_keys,
        };
        let hires = hires_from_raw(ctx, &raw.hire, &hire_refs);
        let activity_refs = ActivityRefs {
            grid,
            channels: &channel_set,
            agents: &agents,
            shrinkage_components: std::iter::once(&shrinkage)
                .chain(channels.iter().map(Channel::configured_shrinkage))
                .flat_map(|s| s.activities().keys().cloned())
                .collect(),
        };
        let activities = activities_from_raw(ctx, &raw.activities, &activity_refs);
        let mut channels = channels;
        for ch in &mut channels {
            ch.plan_activities(&activities);
        }

        if !ctx.problems.is_empty() {
            return Err(std::mem::take(&mut ctx.problems));
        }
        Ok(Self {
            centre,
            shrinkage,
            channels,
            shift_templates,
            contracts,
            grades,
            agents,
            special_days,
            history,
            hires,
            activities,
        })
    }
}

/// Error of serde deserialisation through [`CentreConfig`]'s `TryFrom<RawConfig>`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid centre configuration:\n{}", .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
pub struct InvalidConfig(pub Vec<ConfigProblem>);

impl TryFrom<RawConfig> for CentreConfig {
    type Error = InvalidConfig;
    fn try_from(raw: RawConfig) -> Result<Self, Self::Error> {
        Self::validate_raw(&raw).map_err(InvalidConfig)
    }
}

impl From<CentreConfig> for RawConfig {
    fn from(c: CentreConfig) -> Self {
        RawConfig {
            centre: c.centre.to_raw(),
            shrinkage: Some(c.shrinkage.to_raw()),
            channels: c
                .channels
                .iter()
                .map(|ch| (ch.name.to_string(), ch.to_raw()))
                .collect(),
            shift_templates: c
                .shift_templates
                .iter()
                .map(|t| (t.name.clone(), t.to_raw()))
                .collect(),
            contracts: c
                .contracts
                .iter()
                .map(|k| (k.name.clone(), k.to_raw()))
                .collect(),
            grades: c
                .grades
                .iter()
                .map(|g| (g.name.clone(), g.to_raw()))
                .collect(),
            agents: c.agents.iter().map(Agent::to_raw).collect(),
            special_days: c.special_days.iter().map(SpecialDay::to_raw).collect(),
            history: Some(c.history.to_raw()),
            hire: c.hires.iter().map(Hire::to_raw).collect(),
            activities: c.activities.iter().map(PlannedActivity::to_raw).collect(),
        }
    }
}
