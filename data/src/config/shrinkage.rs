//! Shrinkage, the centre default and each channel's own.

use std::collections::BTreeMap;

use serde::Serialize;

use super::raw::RawShrinkage;
use super::validate::Ctx;
use super::{DEFAULT_SHRINKAGE, MAX_SHRINKAGE, SHRINKAGE_WARN_ABOVE};

/// Shrinkage: the share of paid time not available for contacts (sickness, training, meetings,
/// 1:1s, facilities tasks...), optionally broken down by named activity.
///
/// Breaks and lunch are placed explicitly by the shift templates, so they are *not* shrinkage here.
/// The conversion used when shrinkage is not rostered as explicit activities is
/// `scheduled = required / (1 - shrinkage)` (see `/shared/DOMAIN.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Shrinkage {
    pub(super) total: f64,
    pub(super) activities: BTreeMap<String, f64>,
}

impl Shrinkage {
    /// Shrinkage of `total` (0 <= total < 1) without a breakdown.
    pub fn from_total(total: f64) -> Result<Self, String> {
        if total.is_finite() && (0.0..1.0).contains(&total) {
            Ok(Self {
                total,
                activities: BTreeMap::new(),
            })
        } else {
            Err(format!(
                "{total} is not a valid shrinkage; expected 0 <= x < 1"
            ))
        }
    }

    /// The total share (0 <= total < 1).
    pub fn total(&self) -> f64 {
        self.total
    }

    /// The breakdown by activity (empty when only a total was given).
    pub fn activities(&self) -> &BTreeMap<String, f64> {
        &self.activities
    }

    /// The unplanned-absence share and the off-phone share of the time of an agent who is
    /// present: absence is the activities named like sickness or absence (`sickness`,
    /// `unplanned_absence`, `sick_leave`, ...); the rest of the total is off-phone time, scaled by
    /// `1 / (1 − absence)` so that the expected available time is exactly `1 − total`. Without a
    /// breakdown the whole total is off-phone.
    ///
    /// The simulation draws whole-shift absence with the first and off-phone intervals with the
    /// second; the intraday view, where the day's absences are recorded, uses only the second.
    ///
    /// ```
    /// use rota_data::config::Shrinkage;
    /// let (absence, off) = Shrinkage::from_total(0.25).unwrap().absence_and_off_phone();
    /// assert_eq!((absence, off), (0.0, 0.25));
    /// ```
    pub fn absence_and_off_phone(&self) -> (f64, f64) {
        let total = self.total.clamp(0.0, 1.0);
        let absence: f64 = self
            .activities
            .iter()
            .filter(|(name, _)| {
                let n = name.to_ascii_lowercase();
                n.contains("sick") || n.contains("absen")
            })
            .map(|(_, v)| *v)
            .sum::<f64>()
            .clamp(0.0, total);
        let off = if absence < 1.0 {
            ((total - absence) / (1.0 - absence)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        (absence, off)
    }

    /// Agents to schedule so that `required` are available after shrinkage:
    /// `required / (1 - shrinkage)`.
    ///
    /// ```
    /// use rota_data::config::Shrinkage;
    /// let s = Shrinkage::from_total(0.25).unwrap();
    /// assert!((s.scheduled_from_required(15.0) - 20.0).abs() < 1e-9);
    /// ```
    pub fn scheduled_from_required(&self, required: f64) -> f64 {
        required / (1.0 - self.total)
    }

    /// The centre default from the top-level `[shrinkage]` table, or [`DEFAULT_SHRINKAGE`] when
    /// there is none. An invalid table is reported and read as zero, so that the channels that
    /// inherit it can still be checked.
    pub(super) fn centre_from_raw(ctx: &mut Ctx, raw: Option<&RawShrinkage>) -> Self {
        match raw {
            Some(s) => Self::from_raw(ctx, "shrinkage", s),
            None => Self::from_total(DEFAULT_SHRINKAGE).ok(),
        }
        .unwrap_or(Self {
            total: 0.0,
            activities: BTreeMap::new(),
        })
    }

    pub(super) fn from_raw(ctx: &mut Ctx, key: &str, raw: &RawShrinkage) -> Option<Self> {
        let n0 = ctx.problems.len();
        let mut activities = BTreeMap::new();
        if let Some(acts) = &raw.activities {
            for (name, v) in acts {
                let k = format!("{key}.activities.{name}");
                ctx.non_empty(&k, name);
                activities.insert(name.clone(), ctx.fraction(&k, *v, true));
            }
        }
        let sum: f64 = activities.values().sum();
        let total = match (raw.total, raw.activities.is_some()) {
            (Some(t), true) => {
                let t = ctx.fraction(&format!("{key}.total"), t, true);
                if (t - sum).abs() > 1e-6 {
                    ctx.err(
                        format!("{key}.total"),
                        format!("total {t} does not equal the sum of the activities ({sum:.4}); give one of them or make them agree"),
                    );
                }
                t
            }
            (Some(t), false) => ctx.fraction(&format!("{key}.total"), t, true),
            (None, true) => sum,
            (None, false) => {
                ctx.err(key, "expected `total` or `activities` (or both)");
                0.0
            }
        };
        if raw.total.is_none() && !(0.0..1.0).contains(&total) {
            ctx.err(
                format!("{key}.activities"),
                format!("activities add up to {total:.4}; expected less than 1"),
            );
        } else if (MAX_SHRINKAGE..1.0).contains(&total) {
            // A sum of activities shown as typed, without the float's last-digit noise.
            let total = (total * 1e6).round() / 1e6;
            let k = if raw.total.is_some() {
                format!("{key}.total")
            } else {
                format!("{key}.activities")
            };
            ctx.err(
                k,
                format!(
                    "shrinkage {total} is implausible: every required agent would need {:.0} \
                     scheduled; expected 0 to {MAX_SHRINKAGE} (below {SHRINKAGE_WARN_ABOVE} is usual)",
                    1.0 / (1.0 - total)
                ),
            );
        } else if total > SHRINKAGE_WARN_ABOVE && ctx.problems.len() == n0 {
            let total = (total * 1e6).round() / 1e6;
            tracing::warn!(
                "{key}: shrinkage {total} is high (usual: 0.25 to 0.4; above {SHRINKAGE_WARN_ABOVE} \
                 every required agent needs {:.1} scheduled); check it is a share of paid time",
                1.0 / (1.0 - total)
            );
        }
        (ctx.problems.len() == n0).then_some(Self { total, activities })
    }

    pub(super) fn to_raw(&self) -> RawShrinkage {
        if self.activities.is_empty() {
            RawShrinkage {
                total: Some(self.total),
                activities: None,
            }
        } else {
            RawShrinkage {
                total: Some(self.total),
                activities: Some(self.activities.clone()),
            }
        }
    }
}
