//! The scenario file: what changes against the centre as configured.
//!
//! A scenario is a small TOML file (schema in `docs/SCENARIOS.md`). Unknown keys are rejected with
//! the line and column, and every value is checked before anything runs, so a typo such as
//! `volume_chnage` never silently produces "no change".
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

use serde::{Deserialize, Serialize};

use super::ScenarioError;

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
    /// New opening (deferred: worked) hours, same keys as the configuration's weekly hours.
    #[serde(default)]
    pub hours: Option<BTreeMap<String, Vec<String>>>,
    /// Targets to change; keys not given keep their configured value.
    #[serde(default)]
    pub targets: Option<TargetsChange>,
}

/// Service targets to change (the keys of `[channels.<name>.targets]`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetsChange {
    /// Abandoned / offered at most this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_abandon_rate: Option<f64>,
    /// Average speed of answer at most this, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_asa_seconds: Option<f64>,
    /// Longest acceptable wait, seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait_seconds: Option<f64>,
    /// Share of answered contacts within `max_wait_seconds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_wait_share: Option<f64>,
    /// Highest planned occupancy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_occupancy: Option<f64>,
    /// Service level `{ share, within_seconds, abandoned_in_denominator }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_level: Option<ServiceLevelChange>,
    /// Deferred response target `{ share, within_hours, working_hours_only }`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseChange>,
}

/// A service-level target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServiceLevelChange {
    /// Share answered within the threshold.
    pub share: f64,
    /// Threshold, seconds.
    pub within_seconds: f64,
    /// Whether abandoned contacts count in the denominator (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abandoned_in_denominator: Option<bool>,
}

/// A deferred response target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseChange {
    /// Share handled within the time.
    pub share: f64,
    /// Hours from arrival.
    pub within_hours: f64,
    /// Count only worked hours (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_hours_only: Option<bool>,
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

/// 1-based line and column of byte offset `at` in `text`.
pub(crate) fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = &text[..at.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Scenario {
    /// Parses and checks a scenario; `source` names the file in errors.
    pub fn from_toml_str(text: &str, source: &str) -> Result<Self, ScenarioError> {
        let s: Scenario = toml::from_str(text).map_err(|e| {
            let (line, column) = e.span().map(|s| line_col(text, s.start)).unwrap_or((1, 1));
            ScenarioError::Syntax {
                source_name: source.to_string(),
                line,
                column,
                message: e.message().trim().to_string(),
            }
        })?;
        s.validated(source)
    }

    /// Checks the values of a scenario built another way (e.g. deserialised from a JSON request
    /// body); `source` names it in errors. Every problem is listed.
    pub fn validated(self, source: &str) -> Result<Self, ScenarioError> {
        let problems = self.problems();
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(ScenarioError::Invalid {
                source_name: source.to_string(),
                problems,
            })
        }
    }

    /// Reads a scenario file.
    pub fn load(path: &Path) -> Result<Self, ScenarioError> {
        let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        })?;
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

    /// Value problems as `key: message` (channel names are checked against a configuration when
    /// the scenario is applied).
    fn problems(&self) -> Vec<String> {
        let mut p = Vec::new();
        if self.name.trim().is_empty() {
            p.push("name: must not be empty".to_string());
        }
        let share = |p: &mut Vec<String>, key: String, v: f64, below_one: bool| {
            let ok = v.is_finite() && v >= 0.0 && if below_one { v < 1.0 } else { v <= 1.0 };
            if !ok {
                p.push(format!(
                    "{key}: {v} is not a valid share; expected {}",
                    if below_one {
                        "0 <= x < 1"
                    } else {
                        "0 <= x <= 1"
                    }
                ));
            }
        };
        let positive = |p: &mut Vec<String>, key: String, v: f64| {
            if !(v.is_finite() && v > 0.0) {
                p.push(format!("{key}: {v} must be a positive number"));
            }
        };
        let change = |p: &mut Vec<String>, key: String, v: f64| {
            if !(v.is_finite() && v > -1.0) {
                p.push(format!(
                    "{key}: {v} is not a valid relative change; expected a number above -1 (-0.10 = 10% less)"
                ));
            }
        };
        if let Some(s) = self.shrinkage {
            share(&mut p, "shrinkage".into(), s, true);
        }
        for (name, c) in &self.channels {
            let k = |f: &str| format!("channels.{name}.{f}");
            if let Some(v) = c.volume_change {
                change(&mut p, k("volume_change"), v);
            }
            if let Some(v) = c.deflection {
                share(&mut p, k("deflection"), v, true);
            }
            if let Some(v) = c.aht_seconds {
                positive(&mut p, k("aht_seconds"), v);
            }
            if let Some(v) = c.aht_change {
                change(&mut p, k("aht_change"), v);
            }
            if c.aht_seconds.is_some() && c.aht_change.is_some() {
                p.push(format!(
                    "{}: give either aht_seconds (absolute) or aht_change (relative), not both",
                    k("aht_change")
                ));
            }
            if let Some(v) = c.patience_seconds {
                positive(&mut p, k("patience_seconds"), v);
            }
            if let Some(v) = c.shrinkage {
                share(&mut p, k("shrinkage"), v, true);
            }
        }
        for (i, s) in self.shift.iter().enumerate() {
            let k = |f: &str| format!("shift[{i}].{f}");
            if !(s.share.is_finite() && s.share > 0.0 && s.share <= 1.0) {
                p.push(format!(
                    "{}: {} is not valid; expected 0 < share <= 1",
                    k("share"),
                    s.share
                ));
            }
            if let Some(c) = s.conversion {
                positive(&mut p, k("conversion"), c);
            }
            if s.from == s.to {
                p.push(format!(
                    "{}: contacts cannot shift from {} to itself",
                    k("to"),
                    s.to
                ));
            }
        }
        if let Some(skills) = &self.skills {
            for (i, pool) in skills.pool.iter().enumerate() {
                if pool.channels.len() < 2 {
                    p.push(format!(
                        "skills.pool[{i}].channels: a pool needs at least two channels"
                    ));
                }
            }
        }
        if let Some(h) = &self.headcount {
            for (i, a) in h.add.iter().enumerate() {
                if a.count == 0 || a.count > 500 {
                    p.push(format!(
                        "headcount.add[{i}].count: {} is not valid; expected 1 to 500",
                        a.count
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

    #[test]
    fn unknown_key_is_reported_with_line_and_column() {
        let err = Scenario::from_toml_str(
            "name = \"x\"\n[channels.voice]\nvolume_chnage = -0.1\n",
            "s.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("s.toml:3:1:"), "{err}");
        assert!(err.contains("volume_chnage"), "{err}");
    }

    #[test]
    fn bad_values_are_all_listed() {
        let err = Scenario::from_toml_str(
            "name = \"x\"\nshrinkage = 1.2\n[channels.chat]\ndeflection = 1.5\naht_seconds = 300\naht_change = -0.1\n",
            "s.toml",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("shrinkage: 1.2"), "{err}");
        assert!(err.contains("channels.chat.deflection"), "{err}");
        assert!(err.contains("not both"), "{err}");
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
    }
}
