//! Validation helpers shared by every section: [`Ctx`] collects problems (so every one is reported,
//! not just the first) and checks the common value shapes.

use std::collections::BTreeSet;

use super::ConfigProblem;
use crate::channel::ChannelName;

/// Collects problems while validating.
#[derive(Default)]
pub(super) struct Ctx {
    pub(super) problems: Vec<ConfigProblem>,
}

impl Ctx {
    pub(super) fn err(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.problems.push(ConfigProblem {
            key: key.into(),
            message: message.into(),
        });
    }

    /// Checks `0 <= v <= 1` (or `< 1` when `below_one`).
    pub(super) fn fraction(&mut self, key: &str, v: f64, below_one: bool) -> f64 {
        let ok = v.is_finite() && v >= 0.0 && if below_one { v < 1.0 } else { v <= 1.0 };
        if !ok {
            let range = if below_one {
                "0 <= x < 1"
            } else {
                "0 <= x <= 1"
            };
            self.err(
                key,
                format!("{v} is not a valid fraction; expected a share {range}, e.g. 0.1 for 10%"),
            );
        }
        v
    }

    pub(super) fn positive(&mut self, key: &str, v: f64, unit: &str) -> f64 {
        if !(v.is_finite() && v > 0.0) {
            self.err(
                key,
                format!("{v} is not valid; expected a positive number of {unit}"),
            );
        }
        v
    }

    /// Checks `0 < v <= max`: a plausibility range, named in the error.
    pub(super) fn positive_at_most(
        &mut self,
        key: &str,
        v: f64,
        max: f64,
        unit: &str,
        why: &str,
    ) -> f64 {
        if !(v.is_finite() && v > 0.0) {
            return self.positive(key, v, unit);
        }
        if v > max {
            // 1e300 as written, not as 301 digits.
            let shown = if v >= 1e9 {
                format!("{v:e}")
            } else {
                v.to_string()
            };
            self.err(
                key,
                format!(
                    "{shown} is implausible; expected more than 0 and at most {max} {unit} ({why})"
                ),
            );
        }
        v
    }

    pub(super) fn non_empty(&mut self, key: &str, v: &str) {
        if v.trim().is_empty() {
            self.err(key, "must not be empty");
        }
    }

    pub(super) fn channel_name(
        &mut self,
        key: &str,
        s: &str,
        known: &BTreeSet<ChannelName>,
    ) -> Option<ChannelName> {
        match ChannelName::parse(s) {
            Ok(n) if known.contains(&n) => Some(n),
            Ok(n) => {
                self.err(
                    key,
                    format!(
                        "unknown channel \"{n}\"; expected one of the configured channels: {}",
                        known
                            .iter()
                            .map(ChannelName::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                None
            }
            Err(e) => {
                self.err(key, e.to_string());
                None
            }
        }
    }
}

pub(super) fn join(keys: &BTreeSet<String>) -> String {
    if keys.is_empty() {
        "(none configured)".to_string()
    } else {
        keys.iter().cloned().collect::<Vec<_>>().join(", ")
    }
}
