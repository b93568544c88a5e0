//! The scenario file: what changes against the centre as configured.
//!
//! A scenario is a small TOML file (schema in `docs/SCENARIOS.md`). Unknown keys are rejected with
//! the line and column, and every value is checked before anything runs, so a typo such as
//! `volume_chnage` never silently produces "no change". The keys that change the centre as
//! `centre.toml` has them (a channel's `hours` and `targets`) are read into the configuration's
//! own file types ([`rota_data::config::raw`]), by the same reader and with the same errors
//! ([`rota_data::config::ConfigError`]).
//!
//! ```
//! use rota_plan::scenario::Scenario;
//! let s = Scenario::from_toml_str(r#"
//!     name = "Voice down 10%"
//!     [channels.voice]
//!     volume_change = -0.10
//! "#, "voice.toml").unwrap();
//! assert_eq!(s.channels["voice"].volume_change, Some(-0.10));
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use rota_data::config::raw::{RawTargets, RawWeeklyHours};
use rota_data::config::{
    read_text, read_toml, ConfigError, ConfigProblem, MAX_AHT_SECONDS, MAX_SHRINKAGE,
    MAX_VOLUME_FACTOR,
};
use serde::{Deserialize, Serialize};

use super::ScenarioError;

/// What a scenario file is called in messages ("cannot read scenario file", "invalid scenario").
const SCENARIO: &str = "scenario";

/// One what-if scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name shown in the comparison table.
    pub name: String,
    /// What the scenario asks, in a planner's words.
    #[serde(default)]
    pub description: Option<String>,
    /// Changes per channel (table key = channel name).
    #[serde(default)]
    pub channels: BTreeMap<String, ChannelChange>,
    /// Channel shift: a share of one channel's contacts moves to another (`[[shift]]`).
    #[serde(default)]
    pub shift: Vec<ChannelShift>,
    /// New centre-wide shrinkage total (0 <= x < 1); channels with their own shrinkage keep it.
    #[serde(default)]
    pub shrinkage: Option<f64>,
    /// Skill changes (pooling specialists into multi-skilled agents).
    #[serde(default)]
    pub skills: Option<SkillChange>,
    /// Agents added or removed.
    #[serde(default)]
    pub headcount: Option<HeadcountChange>,
}

/// Changes to one channel. Volume changes apply in the order: shifts, `volume_change`, `deflection`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelChange {
    /// Relative change of offered contacts: `-0.10` = 10% fewer, `0.05` = 5% more (> -1).
    #[serde(default)]
    pub volume_change: Option<f64>,
    /// Share resolved without an agent (a chatbot, self-service): offered × (1 − deflection).
    #[serde(default)]
    pub deflection: Option<f64>,
    /// New average handle time, seconds (replaces the forecast AHT in every interval).
    #[serde(default)]
    pub aht_seconds: Option<f64>,
    /// Relative change of the forecast AHT (`-0.2` = 20% shorter); not with `aht_seconds`.
    #[serde(default)]
    pub aht_change: Option<f64>,
    /// New mean patience, seconds (live channels).
    #[serde(default)]
    pub patience_seconds: Option<f64>,
    /// New shrinkage total of this channel (0 <= x < 1).
    #[serde(default)]
    pub shrinkage: Option<f64>,
    /// New opening (deferred: worked) hours, replacing the channel's: the configuration's weekly
    /// hours (`every_day`, `weekdays`, `mon` .. `sun`).
    #[serde(default)]
    pub hours: Option<RawWeeklyHours>,
    /// Targets to change, as in the configuration's `targets`; keys not given keep their
    /// configured value ([`RawTargets::overlay`]).
    #[serde(default)]
    pub targets: Option<RawTargets>,
}

/// Channel shift: `share` of the `from` channel's offered contacts move to `to`, each becoming
/// `conversion` contacts there (default 1). Moved contacts keep their day and follow the `to`
/// channel's intraday pattern (they arrive when that channel is open).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChannelShift {
    /// Channel losing contacts.
    pub from: String,
    /// Channel gaining them.
    pub to: String,
    /// Share of `from` that moves (0 < share <= 1).
    pub share: f64,
    /// Contacts on `to` per moved contact (> 0; default 1).
    #[serde(default)]
    pub conversion: Option<f64>,
}

/// Skill changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillChange {
    /// Pools: every agent (of the listed teams, or all) who has any skill of a pool learns all of it.
    #[serde(default)]
    pub pool: Vec<SkillPool>,
}

/// One pool of channels whose specialists become multi-skilled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkillPool {
    /// Channels pooled.
    pub channels: Vec<String>,
    /// Only agents of these teams (empty = all agents).
    #[serde(default)]
    pub teams: Vec<String>,
}

/// Agents added or removed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeadcountChange {
    /// New agents, each a copy of an existing agent (skills, contract, pay, team, availability;
    /// no leave and no fixed shifts).
    #[serde(default)]
    pub add: Vec<AddAgents>,
    /// Ids of agents who leave.
    #[serde(default)]
    pub remove: Vec<String>,
}

/// `count` new agents like agent `like`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddAgents {
    /// Id of the agent to copy.
    pub like: String,
    /// How many (1..=500).
    pub count: u32,
}

impl Scenario {
    /// Parses and checks a scenario; `source` names the file in errors.
    pub fn from_toml_str(text: &str, source: &str) -> Result<Self, ScenarioError> {
        let s: Scenario = read_toml(text, source)?;
        s.validated(source)
    }

    /// Checks the values of a scenario built another way (e.g. deserialised from a JSON request
    /// body); `source` names it in errors. Every problem is listed.
    pub fn validated(self, source: &str) -> Result<Self, ScenarioError> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(ConfigError::Invalid {
                source_name: source.to_string(),
                document: SCENARIO,
                problems,
            }
            .into())
        }
    }

    /// Reads a scenario file.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let text = read_text(path, SCENARIO)?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// The baseline: no change at all.
    pub fn baseline() -> Self {
        Scenario {
            name: "baseline".into(),
            description: Some("the centre as configured".into()),
            channels: BTreeMap::new(),
            shift: Vec::new(),
            shrinkage: None,
            skills: None,
            headcount: None,
        }
    }

    /// Value problems, each at its key (channel names are checked against a configuration when
    /// the scenario is applied).
    fn problems(&self) -> Vec<ConfigProblem> {
        let mut p = Vec::new();
        if self.name.trim().is_empty() {
            p.push(ConfigProblem::new("name", "must not be empty"));
        }
        let share = |p: &mut Vec<ConfigProblem>, key: String, v: f64| {
            if !(v.is_finite() && (0.0..1.0).contains(&v)) {
                p.push(ConfigProblem::new(
                    key,
                    format!("{v} is not a valid share; expected 0 <= x < 1"),
                ));
            }
        };
        let positive = |p: &mut Vec<ConfigProblem>, key: String, v: f64| {
            if !(v.is_finite() && v > 0.0) {
                p.push(ConfigProblem::new(
                    key,
                    format!("{v} must be a positive number"),
                ));
            }
        };
        // The configuration's plausibility ranges hold for a scenario's changes too: at most
        // MAX_VOLUME_FACTOR times the volume or handle time, shrinkage below MAX_SHRINKAGE.
        let most = MAX_VOLUME_FACTOR - 1.0;
        // 1e300 as written, not as 301 digits.
        let shown = |v: f64| {
            if v.abs() >= 1e9 {
                format!("{v:e}")
            } else {
                v.to_string()
            }
        };
        let change = |p: &mut Vec<ConfigProblem>, key: String, v: f64| {
            if !(v.is_finite() && v > -1.0 && v <= most) {
                p.push(ConfigProblem::new(
                    key,
                    format!(
                        "{} is not a valid relative change; expected a number above -1 (-0.10 = \
                         10% less) and at most {most} ({MAX_VOLUME_FACTOR} times)",
                        shown(v)
                    ),
                ));
            }
        };
        let shrinkage = |p: &mut Vec<ConfigProblem>, key: String, v: f64| {
            if !(v.is_finite() && (0.0..MAX_SHRINKAGE).contains(&v)) {
                p.push(ConfigProblem::new(
                    key,
                    format!(
                        "{v} is implausible; expected 0 to {MAX_SHRINKAGE}, as in the centre \
                         configuration"
                    ),
                ));
            }
        };
        if let Some(s) = self.shrinkage {
            shrinkage(&mut p, "shrinkage".into(), s);
        }
        for (name, c) in &self.channels {
            let k = |f: &str| format!("channels.{name}.{f}");
            if let Some(v) = c.volume_change {
                change(&mut p, k("volume_change"), v);
            }
            if let Some(v) = c.deflection {
                share(&mut p, k("deflection"), v);
            }
            if let Some(v) = c.aht_seconds {
                if v > MAX_AHT_SECONDS {
                    p.push(ConfigProblem::new(
                        k("aht_seconds"),
                        format!(
                            "{} is implausible; expected more than 0 and at most \
                             {MAX_AHT_SECONDS} seconds, as in the centre configuration",
                            shown(v)
                        ),
                    ));
                } else {
                    positive(&mut p, k("aht_seconds"), v);
                }
            }
            if let Some(v) = c.aht_change {
                change(&mut p, k("aht_change"), v);
            }
            if c.aht_seconds.is_some() && c.aht_change.is_some() {
                p.push(ConfigProblem::new(
                    k("aht_change"),
                    "give either aht_seconds (absolute) or aht_change (relative), not both",
                ));
            }
            if let Some(v) = c.patience_seconds {
                positive(&mut p, k("patience_seconds"), v);
            }
            if let Some(v) = c.shrinkage {
                shrinkage(&mut p, k("shrinkage"), v);
            }
        }
        for (i, s) in self.shift.iter().enumerate() {
            let k = |f: &str| format!("shift[{i}].{f}");
            if !(s.share.is_finite() && s.share > 0.0 && s.share <= 1.0) {
                p.push(ConfigProblem::new(
                    k("share"),
                    format!("{} is not valid; expected 0 < share <= 1", s.share),
                ));
            }
            if let Some(c) = s.conversion {
                positive(&mut p, k("conversion"), c);
            }
            if s.from == s.to {
                p.push(ConfigProblem::new(
                    k("to"),
                    format!("contacts cannot shift from {} to itself", s.to),
                ));
            }
        }
        if let Some(skills) = &self.skills {
            for (i, pool) in skills.pool.iter().enumerate() {
                if pool.channels.len() < 2 {
                    p.push(ConfigProblem::new(
                        format!("skills.pool[{i}].channels"),
                        "a pool needs at least two channels",
                    ));
                }
            }
        }
        if let Some(h) = &self.headcount {
            for (i, a) in h.add.iter().enumerate() {
                if a.count == 0 || a.count > 500 {
                    p.push(ConfigProblem::new(
                        format!("headcount.add[{i}].count"),
                        format!("{} is not valid; expected 1 to 500", a.count),
                    ));
                }
            }
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The error message of scenario `text` (named `s.toml`).
    fn error_of(text: &str) -> String {
        Scenario::from_toml_str(text, "s.toml")
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn unknown_key_is_reported_with_line_and_column() {
        let err = error_of("name = \"x\"\n[channels.voice]\nvolume_chnage = -0.1\n");
        assert!(err.starts_with("s.toml:3:1:"), "{err}");
        assert!(err.contains("volume_chnage"), "{err}");
    }

    #[test]
    fn bad_values_are_all_listed() {
        let err = Scenario::from_toml_str(
            "name = \"x\"\nshrinkage = 1.2\n[channels.chat]\ndeflection = 1.5\naht_seconds = 300\naht_change = -0.1\n",
            "s.toml",
        )
        .unwrap_err();
        let ScenarioError::File(ConfigError::Invalid { problems, .. }) = &err else {
            panic!("{err}");
        };
        let keys: Vec<&str> = problems.iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "shrinkage",
                "channels.chat.deflection",
                "channels.chat.aht_change"
            ]
        );
        let err = err.to_string();
        assert!(
            err.starts_with("s.toml: invalid scenario (3 problems):"),
            "{err}"
        );
        assert!(err.contains("s.toml: shrinkage: 1.2"), "{err}");
        assert!(err.contains("not both"), "{err}");
    }

    #[test]
    fn implausible_changes_are_refused_with_the_configurations_ranges() {
        // Issue 18: volume x 1e300, a 1e12 s AHT and shrinkage 0.999999 are as implausible in a
        // what-if as in the configuration.
        let err = error_of(
            "name = \"x\"\nshrinkage = 0.999999\n[channels.voice]\nvolume_change = 1e300\n\
             aht_seconds = 1e12\n[channels.chat]\naht_change = 100\n",
        );
        for expected in [
            "shrinkage: 0.999999 is implausible; expected 0 to 0.9",
            "channels.voice.volume_change: 1e300 is not a valid relative change; expected a \
             number above -1 (-0.10 = 10% less) and at most 99 (100 times)",
            "channels.voice.aht_seconds: 1e12 is implausible; expected more than 0 and \
             at most 14400 seconds",
            "channels.chat.aht_change: 100 is not a valid relative change",
        ] {
            assert!(err.contains(expected), "missing {expected:?} in {err}");
        }
        // The edges are accepted.
        Scenario::from_toml_str(
            "name = \"x\"\nshrinkage = 0.89\n[channels.voice]\nvolume_change = 99\n\
             aht_seconds = 14400\n",
            "s.toml",
        )
        .unwrap();
    }

    #[test]
    fn configuration_keys_are_checked_as_the_configuration_checks_them() {
        // `hours` and `targets` are the configuration's own types: a misspelt day or target is
        // reported in the scenario file, at its line and column.
        let err =
            error_of("name = \"x\"\n[channels.voice]\nhours = { monday = [\"08:00-20:00\"] }\n");
        assert!(err.starts_with("s.toml:3:"), "{err}");
        assert!(err.contains("unknown field `monday`"), "{err}");
        let err = error_of("name = \"x\"\n[channels.voice.targets]\nmax_abandon = 0.05\n");
        assert!(err.starts_with("s.toml:3:1:"), "{err}");
        assert!(err.contains("max_abandon_rate"), "{err}");
    }

    #[test]
    fn a_missing_file_is_named() {
        let err = Scenario::load(Path::new("/nonexistent/s.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot read scenario file /nonexistent/s.toml:"),
            "{err}"
        );
    }

    #[test]
    fn full_schema_parses() {
        let s = Scenario::from_toml_str(
            r#"
            name = "all"
            description = "every key"
            shrinkage = 0.2
            [channels.voice]
            volume_change = -0.1
            aht_change = -0.2
            patience_seconds = 400
            shrinkage = 0.3
            hours = { weekdays = ["08:00-20:00"] }
            targets = { max_abandon_rate = 0.05, service_level = { share = 0.8, within_seconds = 20 } }
            [channels.chat]
            deflection = 0.4
            aht_seconds = 500
            [[shift]]
            from = "email"
            to = "chat"
            share = 0.2
            [skills]
            pool = [{ channels = ["voice", "chat"], teams = ["front_office"] }]
            [headcount]
            add = [{ like = "NH004", count = 3 }]
            remove = ["NH010"]
            "#,
            "all.toml",
        )
        .unwrap();
        assert_eq!(s.shift[0].share, 0.2);
        assert_eq!(s.headcount.unwrap().add[0].count, 3);
        let voice = &s.channels["voice"];
        let targets = voice.targets.as_ref().unwrap();
        assert_eq!(targets.max_abandon_rate, Some(0.05));
        assert_eq!(targets.service_level.as_ref().unwrap().within_seconds, 20.0);
        assert_eq!(
            voice.hours.as_ref().unwrap().weekdays,
            Some(vec!["08:00-20:00".to_string()])
        );
    }
}
