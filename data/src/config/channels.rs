//! The `[channels.<name>]` tables: kind, hours, handle time, patience, concurrency, targets and
//! shrinkage of each channel.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Weekday;
use serde::Serialize;

use super::hours::{weekly_hours, weekly_to_raw};
use super::raw::RawChannel;
use super::validate::Ctx;
use super::{
    default_patience_seconds, ServiceTargets, Shrinkage, WeeklyHours, DEFAULT_PRIORITY,
    MAX_AHT_SECONDS,
};
use crate::channel::{ChannelKind, ChannelName};
use crate::grid::IntervalGrid;

/// One channel of the centre.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Channel {
    pub(super) name: ChannelName,
    pub(super) kind: ChannelKind,
    pub(super) label: Option<String>,
    pub(super) priority: u32,
    pub(super) hours: WeeklyHours,
    #[serde(skip)]
    hours_own: bool,
    pub(super) aht_seconds: f64,
    pub(super) patience_seconds: Option<f64>,
    pub(super) handle_time_factors: Vec<f64>,
    pub(super) targets: ServiceTargets,
    pub(super) shrinkage: Shrinkage,
    #[serde(skip)]
    shrinkage_own: bool,
    /// The shrinkage as configured, before planned activities took their components out of it
    /// (what the file says, and what is written back).
    #[serde(skip)]
    configured_shrinkage: Shrinkage,
}

impl Channel {
    /// Machine name, e.g. `voice`.
    pub fn name(&self) -> &ChannelName {
        &self.name
    }
    /// Queueing kind.
    pub fn kind(&self) -> ChannelKind {
        self.kind
    }
    /// Human label for reports (defaults to the name).
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(self.name.as_str())
    }
    /// Routing priority: a multi-skilled agent who is free takes the waiting contact of the channel
    /// with the lowest number first (default 10).
    pub fn priority(&self) -> u32 {
        self.priority
    }
    /// Opening hours; for a deferred channel the hours in which its backlog is *worked* (items
    /// arrive at any time).
    pub fn hours(&self) -> &WeeklyHours {
        &self.hours
    }
    /// True when contacts can arrive at `minute` of `day`: live channels only in opening hours,
    /// deferred channels always.
    pub fn accepts_contacts_at(&self, day: Weekday, minute: u32) -> bool {
        self.kind.is_deferred() || self.hours.is_open_at(day, minute)
    }
    /// True when agents work the channel at `minute` of `day` (its opening / worked hours).
    pub fn is_worked_at(&self, day: Weekday, minute: u32) -> bool {
        self.hours.is_open_at(day, minute)
    }
    /// Default average handle time, seconds (at concurrency 1 for chat); forecasts may override it
    /// per interval.
    pub fn aht_seconds(&self) -> f64 {
        self.aht_seconds
    }
    /// Mean patience, seconds (live channels; drives abandonment in Erlang A). `None` for deferred.
    pub fn patience_seconds(&self) -> Option<f64> {
        self.patience_seconds
    }
    /// Maximum concurrent contacts per agent (1 except for chat).
    pub fn concurrency(&self) -> u32 {
        self.handle_time_factors.len() as u32
    }
    /// Handle-time factor per concurrency level: at level k (1-based) one contact takes
    /// `aht_seconds * factor[k-1]`. Length = [`Self::concurrency`], non-decreasing.
    pub fn handle_time_factors(&self) -> &[f64] {
        &self.handle_time_factors
    }
    /// Handle time of one contact when an agent runs `level` contacts at once (clamped to
    /// 1..=concurrency).
    pub fn aht_at_concurrency(&self, level: u32) -> f64 {
        let i = (level.clamp(1, self.concurrency()) - 1) as usize;
        self.aht_seconds * self.handle_time_factors[i]
    }
    /// Service targets.
    pub fn targets(&self) -> &ServiceTargets {
        &self.targets
    }
    /// Effective shrinkage (the channel's own, or the centre default), without the components
    /// that `[[activities]]` plan explicitly: staffing grosses up by it and the simulation draws
    /// it, so a planned activity's time is taken off once, where the roster places it.
    pub fn shrinkage(&self) -> &Shrinkage {
        &self.shrinkage
    }
    /// The shrinkage as configured (before planned activities replaced any component).
    pub fn configured_shrinkage(&self) -> &Shrinkage {
        &self.configured_shrinkage
    }
    /// Takes out the shrinkage components that planned activities replace.
    pub(super) fn plan_activities(&mut self, planned: &[super::PlannedActivity]) {
        self.shrinkage = super::activities::without_planned(&self.configured_shrinkage, planned);
    }

    fn from_raw(
        ctx: &mut Ctx,
        name: &str,
        raw: &RawChannel,
        grid: IntervalGrid,
        centre_hours: &WeeklyHours,
        centre_shrinkage: &Shrinkage,
    ) -> Option<Self> {
        let key = format!("channels.{name}");
        let k = |f: &str| format!("{key}.{f}");
        let n0 = ctx.problems.len();
        let cname = match ChannelName::parse(name) {
            Ok(n) => Some(n),
            Err(e) => {
                ctx.err(&key, e.to_string());
                None
            }
        };
        if let Some(l) = &raw.label {
            ctx.non_empty(&k("label"), l);
        }
        let hours = match &raw.hours {
            Some(h) => weekly_hours(ctx, &k("hours"), h, Some(grid)),
            None => Some(centre_hours.clone()),
        };
        if let Some(h) = &hours {
            if h.is_never() {
                ctx.err(
                    k("hours"),
                    "the channel is never open; expected at least one day with hours",
                );
            }
        }
        let aht_seconds = ctx.positive_at_most(
            &k("aht_seconds"),
            raw.aht_seconds,
            MAX_AHT_SECONDS,
            "seconds",
            "4 hours; a longer task is several work items",
        );
        let patience_seconds = if raw.kind.is_live() {
            let p = raw
                .patience_seconds
                .or(default_patience_seconds(raw.kind))
                .unwrap_or(300.0);
            Some(ctx.positive(&k("patience_seconds"), p, "seconds"))
        } else {
            if raw.patience_seconds.is_some() {
                ctx.err(
                    k("patience_seconds"),
                    "deferred channels have no waiting callers; remove patience_seconds",
                );
            }
            None
        };
        let concurrency = raw.concurrency.unwrap_or(1);
        let mut handle_time_factors = vec![1.0];
        if concurrency == 0 || concurrency > 10 {
            ctx.err(
                k("concurrency"),
                format!("{concurrency} is not valid; expected 1 to 10"),
            );
        } else if concurrency > 1 && raw.kind != ChannelKind::Chat {
            ctx.err(
                k("concurrency"),
                format!(
                    "only chat channels run contacts concurrently; this channel is {}",
                    raw.kind
                ),
            );
        } else {
            match &raw.handle_time_factors {
                Some(f) if f.len() != concurrency as usize => ctx.err(
                    k("handle_time_factors"),
                    format!("{} factors given; expected one per concurrency level 1..={concurrency}", f.len()),
                ),
                Some(f) => {
                    for (i, v) in f.iter().enumerate() {
                        if !(v.is_finite() && *v > 0.0) {
                            ctx.err(k("handle_time_factors"), format!("factor {} is {v}; expected a positive number", i + 1));
                        }
                    }
                    if f.windows(2).any(|w| w[1] < w[0]) {
                        ctx.err(k("handle_time_factors"), "factors must not decrease: more concurrent chats never make one chat faster");
                    }
                    handle_time_factors = f.clone();
                }
                None if concurrency > 1 => ctx.err(
                    k("handle_time_factors"),
                    format!("concurrency {concurrency} needs one handle-time factor per level, e.g. [1.0, 1.3]"),
                ),
                None => {}
            }
        }
        let targets = ServiceTargets::from_raw(ctx, &k("targets"), raw.kind, raw.targets.as_ref());
        let shrinkage = match &raw.shrinkage {
            Some(s) => Shrinkage::from_raw(ctx, &k("shrinkage"), s),
            None => Some(centre_shrinkage.clone()),
        };
        if ctx.problems.len() != n0 {
            return None;
        }
        Some(Self {
            name: cname?,
            kind: raw.kind,
            label: raw.label.clone(),
            priority: raw.priority.unwrap_or(DEFAULT_PRIORITY),
            hours: hours?,
            hours_own: raw.hours.is_some(),
            aht_seconds,
            patience_seconds,
            handle_time_factors,
            targets,
            configured_shrinkage: shrinkage.clone()?,
            shrinkage: shrinkage?,
            shrinkage_own: raw.shrinkage.is_some(),
        })
    }

    pub(super) fn to_raw(&self) -> RawChannel {
        RawChannel {
            kind: self.kind,
            label: self.label.clone(),
            priority: Some(self.priority),
            aht_seconds: self.aht_seconds,
            patience_seconds: self.patience_seconds,
            concurrency: Some(self.concurrency()),
            handle_time_factors: (self.concurrency() > 1).then(|| self.handle_time_factors.clone()),
            hours: self.hours_own.then(|| weekly_to_raw(&self.hours)),
            targets: Some(self.targets.to_raw()),
            shrinkage: self
                .shrinkage_own
                .then(|| self.configured_shrinkage.to_raw()),
        }
    }
}

/// Reads the `[channels.<name>]` tables. Returns the set of valid channel names (what skills,
/// templates, special days and aliases may name, even when a channel's own table has problems)
/// and the channels that are valid, sorted by priority then name.
pub(super) fn channels_from_raw(
    ctx: &mut Ctx,
    raw: &BTreeMap<String, RawChannel>,
    grid: IntervalGrid,
    centre_hours: &WeeklyHours,
    centre_shrinkage: &Shrinkage,
) -> (BTreeSet<ChannelName>, Vec<Channel>) {
    if raw.is_empty() {
        ctx.err(
            "channels",
            "no channels; expected at least one [channels.<name>] table",
        );
    }
    let mut channel_set = BTreeSet::new();
    for name in raw.keys() {
        if let Ok(n) = ChannelName::parse(name) {
            channel_set.insert(n);
        }
    }
    let mut channels: Vec<Channel> = raw
        .iter()
        .filter_map(|(name, rc)| {
            Channel::from_raw(ctx, name, rc, grid, centre_hours, centre_shrinkage)
        })
        .collect();
    channels.sort_by(|a, b| (a.priority, &a.name).cmp(&(b.priority, &b.name)));
    (channel_set, channels)
}
