//! Defaults of the centre configuration and the bounds its values are checked against
//! (documented in `docs/CONFIGURATION.md`).

use crate::channel::ChannelKind;

/// Default currency of hourly rates.
pub const DEFAULT_CURRENCY: &str = "GBP";
/// Default planning horizon in days (one roster week).
pub const DEFAULT_HORIZON_DAYS: u32 = 7;
/// Default channel priority (lower is served first by multi-skilled agents).
pub const DEFAULT_PRIORITY: u32 = 10;
/// Default abandon-rate target for live channels (UK housing sector target: under 10%).
pub const DEFAULT_MAX_ABANDON_RATE: f64 = 0.10;
/// Default average-speed-of-answer target for live channels (sector target: 2 minutes).
pub const DEFAULT_MAX_ASA_SECONDS: f64 = 120.0;
/// Default share of answered contacts that must wait no longer than `max_wait_seconds`.
pub const DEFAULT_MAX_WAIT_SHARE: f64 = 0.95;
/// Default maximum occupancy of live channels.
pub const DEFAULT_MAX_OCCUPANCY_LIVE: f64 = 0.85;
/// Default maximum occupancy of deferred channels (backlog work can fill idle time).
pub const DEFAULT_MAX_OCCUPANCY_DEFERRED: f64 = 0.95;
/// Default deferred response target: 95% within 24 working hours.
pub const DEFAULT_RESPONSE: (f64, f64) = (0.95, 24.0);
/// Largest `aht_seconds` a channel may have (4 hours).
pub const MAX_AHT_SECONDS: f64 = 14_400.0;

/// Largest special-day `volume_factor` (100 times normal volume).
pub const MAX_VOLUME_FACTOR: f64 = 100.0;

/// Shrinkage at or above this (90%) is an error: ten agents scheduled for each one available.
pub const MAX_SHRINKAGE: f64 = 0.9;

/// Shrinkage above this (60%) is warned about.
pub const SHRINKAGE_WARN_ABOVE: f64 = 0.6;

/// Default centre shrinkage (sickness, training, meetings, 1:1s, admin; breaks and lunch are placed
/// explicitly by the shift templates and are *not* part of it).
pub const DEFAULT_SHRINKAGE: f64 = 0.25;
/// Default weekly opening hours when neither the channel nor the centre gives any: Mon-Fri 09:00-17:00.
pub const DEFAULT_OPEN: (u16, u16) = (9 * 60, 17 * 60);
/// Default minimum rest between shifts, hours (Working Time Regulations 1998, reg. 10).
pub const DEFAULT_MIN_REST_HOURS: f64 = 11.0;
/// Default maximum weekly paid hours (Working Time Regulations 1998, reg. 4: 48 h average).
pub const DEFAULT_MAX_WEEKLY_HOURS: f64 = 48.0;
/// Default days off per week.
pub const DEFAULT_DAYS_OFF: u32 = 2;
/// Default maximum consecutive working days.
pub const DEFAULT_MAX_CONSECUTIVE_DAYS: u32 = 6;

/// Default mean patience, seconds, by channel kind (inbound 300, walk-in 900, chat 600).
pub fn default_patience_seconds(kind: ChannelKind) -> Option<f64> {
    match kind {
        ChannelKind::Inbound => Some(300.0),
        ChannelKind::WalkIn => Some(900.0),
        ChannelKind::Chat => Some(600.0),
        ChannelKind::Deferred => None,
    }
}
