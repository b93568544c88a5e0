//! The centre configuration (`centre.toml`): channels, targets, shrinkage, shift templates,
//! contracts, grades, agents, special days and the history column mapping.
//!
//! A [`CentreConfig`] is parsed once at the boundary and is valid from then on: opening hours lie
//! on the interval grid, targets are in range, breaks fit inside their shifts, agents' skills name
//! configured channels, leave does not overlap. Every field has a documented default
//! (`docs/CONFIGURATION.md`), so a small centre needs only a few lines:
//!
//! ```
//! use rota_data::config::CentreConfig;
//! let config = CentreConfig::from_toml_str(r#"
//!     [centre]
//!     name = "Tiny Homes"
//!
//!     [channels.voice]
//!     kind = "inbound"
//!     aht_seconds = 480
//!     hours = { weekdays = ["09:00-17:00"] }
//! "#, "tiny.toml").unwrap();
//! let voice = config.channel("voice").unwrap();
//! assert_eq!(voice.targets().max_abandon_rate(), Some(0.10)); // the sector default
//! assert_eq!(config.grid().length.minutes(), 15);
//! ```
//!
//! Errors name the file, the TOML key path and what was expected, and list every problem found:
//!
//! ```
//! use rota_data::config::CentreConfig;
//! let err = CentreConfig::from_toml_str(r#"
//!     [centre]
//!     name = "Tiny Homes"
//!     [channels.voice]
//!     kind = "inbound"
//!     aht_seconds = -5
//! "#, "tiny.toml").unwrap_err();
//! assert!(err.to_string().contains("tiny.toml: channels.voice.aht_seconds"));
//! ```

// One file per section of `centre.toml`, each with its raw-to-valid reader; `centre_config`
// assembles them in file order. Everything public is re-exported here, so paths such as
// `rota_data::config::Agent` do not depend on the file layout. `raw` is public: files that change
// a centre (scenarios) reuse its types for the sections they change.
mod activities;
mod agents;
mod centre;
mod centre_config;
mod channels;
mod clock;
mod contracts;
mod defaults;
mod error;
mod hire;
mod history_mapping;
mod hours;
pub mod raw;
mod shifts;
mod shrinkage;
mod special_days;
mod targets;
mod validate;

pub use activities::{ActivityStyle, PlannedActivity, MAX_ACTIVITY_MINUTES, MAX_ACTIVITY_PER_WEEK};
pub use agents::{Agent, FixedShift, Leave, Pay};
pub use centre::{Centre, DemandQuantile, Fairness, Planning};
pub use centre_config::{CentreConfig, InvalidConfig};
pub use channels::Channel;
pub use clock::{
    format_clock, parse_clock, parse_weekday, weekday_key, TimeRange, WeeklyHours, WEEKDAYS,
};
pub use contracts::{AveragedHours, Contract, Grade, WeekendOff};
pub use defaults::{
    default_patience_seconds, DEFAULT_CURRENCY, DEFAULT_DAYS_OFF, DEFAULT_HORIZON_DAYS,
    DEFAULT_MAX_ABANDON_RATE, DEFAULT_MAX_ASA_SECONDS, DEFAULT_MAX_CONSECUTIVE_DAYS,
    DEFAULT_MAX_OCCUPANCY_DEFERRED, DEFAULT_MAX_OCCUPANCY_LIVE, DEFAULT_MAX_WAIT_SHARE,
    DEFAULT_MAX_WEEKLY_HOURS, DEFAULT_MIN_REST_HOURS, DEFAULT_OPEN, DEFAULT_PRIORITY,
    DEFAULT_RESPONSE, DEFAULT_SHRINKAGE, MAX_AHT_SECONDS, MAX_SHRINKAGE, MAX_VOLUME_FACTOR,
    SHRINKAGE_WARN_ABOVE,
};
pub use error::{line_col, read_text, read_toml, ConfigError, ConfigProblem, CENTRE_CONFIGURATION};
pub use hire::{Hire, MAX_HIRE_COUNT};
pub use history_mapping::{HistoryColumns, HistoryMapping};
pub use shifts::{BreakRule, ShiftTemplate};
pub use shrinkage::Shrinkage;
pub use special_days::{SpecialDay, SpecialDayKind};
pub use targets::{
    Direction, Kpi, ResponseTarget, ServiceLevel, ServiceTargets, Target, TargetPeriod,
};

/// The bundled sample centre (`data/samples/centre.toml`), "Northmoor Homes".
pub const SAMPLE_CENTRE_TOML: &str = include_str!("../../samples/centre.toml");

#[cfg(test)]
mod tests;
