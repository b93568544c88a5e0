//! The `[[special_days]]` entries: closures and days with an expected change in demand.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use super::raw::RawSpecialDay;
use super::validate::Ctx;
use super::MAX_VOLUME_FACTOR;
use crate::channel::ChannelName;

/// What happens on a special day.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialDayKind {
    /// The affected channels are closed all day.
    Closed,
    /// Demand on the affected channels is multiplied by `volume_factor` (e.g. 1.4 after a storm
    /// or a rent letter; 0.6 on Christmas Eve).
    Event {
        /// Multiplier of forecast volume (> 0).
        volume_factor: f64,
    },
}

/// A date with a closure or an expected change in demand.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpecialDay {
    pub(super) date: NaiveDate,
    pub(super) kind: SpecialDayKind,
    pub(super) channels: Vec<ChannelName>,
    pub(super) label: Option<String>,
}

impl SpecialDay {
    /// The local date.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
    /// Closure or event.
    pub fn kind(&self) -> &SpecialDayKind {
        &self.kind
    }
    /// Affected channels (empty = all channels).
    pub fn channels(&self) -> &[ChannelName] {
        &self.channels
    }
    /// True when the day affects `channel`.
    pub fn affects(&self, channel: &ChannelName) -> bool {
        self.channels.is_empty() || self.channels.contains(channel)
    }
    /// Label, e.g. "Staff training afternoon".
    pub fn label(&self) -> Option<&str> {
        self.label.as_deref()
    }

    /// Reads `special_days[i]`: its kind (a closure, or an event with a volume factor) and the
    /// channels it affects.
    fn from_raw(
        ctx: &mut Ctx,
        i: usize,
        s: &RawSpecialDay,
        channels: &BTreeSet<ChannelName>,
    ) -> Option<Self> {
        let key = format!("special_days[{i}]");
        let n0 = ctx.problems.len();
        let kind = match (s.kind.trim(), s.volume_factor) {
            ("closed", None) => Some(SpecialDayKind::Closed),
            ("closed", Some(_)) => {
                ctx.err(
                    format!("{key}.volume_factor"),
                    "a closed day has no volume factor; use kind = \"event\"",
                );
                None
            }
            ("event", Some(f)) => Some(SpecialDayKind::Event {
                volume_factor: ctx.positive_at_most(
                    &format!("{key}.volume_factor"),
                    f,
                    MAX_VOLUME_FACTOR,
                    "times normal volume",
                    "a storm or a mailing doubles or triples demand, not more",
                ),
            }),
            ("event", None) => {
                ctx.err(
                    format!("{key}.volume_factor"),
                    "an event needs a volume_factor, e.g. 1.4 for 40% more contacts",
                );
                None
            }
            (other, _) => {
                ctx.err(
                    format!("{key}.kind"),
                    format!("{other:?} is not valid; expected \"closed\" or \"event\""),
                );
                None
            }
        };
        let chans: Vec<ChannelName> = s
            .channels
            .iter()
            .flatten()
            .enumerate()
            .filter_map(|(j, c)| ctx.channel_name(&format!("{key}.channels[{j}]"), c, channels))
            .collect();
        if s.channels.as_ref().is_some_and(Vec::is_empty) {
            ctx.err(
                format!("{key}.channels"),
                "empty list; expected channel names (omit the key for all channels)",
            );
        }
        kind.filter(|_| ctx.problems.len() == n0).map(|kind| Self {
            date: s.date,
            kind,
            channels: chans,
            label: s.label.clone(),
        })
    }

    pub(super) fn to_raw(&self) -> RawSpecialDay {
        RawSpecialDay {
            date: self.date,
            kind: match self.kind {
                SpecialDayKind::Closed => "closed".into(),
                SpecialDayKind::Event { .. } => "event".into(),
            },
            volume_factor: match self.kind {
                SpecialDayKind::Closed => None,
                SpecialDayKind::Event { volume_factor } => Some(volume_factor),
            },
            channels: (!self.channels.is_empty())
                .then(|| self.channels.iter().map(ToString::to_string).collect()),
            label: self.label.clone(),
        }
    }
}

/// Reads the `[[special_days]]` entries, keeping the valid ones sorted by date. Two entries on
/// one date may not affect the same channel: which closure or factor would apply is unclear.
pub(super) fn special_days_from_raw(
    ctx: &mut Ctx,
    raw: &[RawSpecialDay],
    channels: &BTreeSet<ChannelName>,
) -> Vec<SpecialDay> {
    let mut special_days: Vec<SpecialDay> = raw
        .iter()
        .enumerate()
        .filter_map(|(i, s)| SpecialDay::from_raw(ctx, i, s, channels))
        .collect();
    special_days.sort_by_key(|s| s.date);
    for w in special_days.windows(2) {
        let overlap = w[0].date == w[1].date
            && (w[0].channels.is_empty()
                || w[1].channels.is_empty()
                || w[0].channels.iter().any(|c| w[1].channels.contains(c)));
        if overlap {
            ctx.err("special_days", format!("two special days on {} affect the same channel; expected one entry per date and channel", w[0].date));
        }
    }
    special_days
}
