//! # rota-scheduler: from demand to people
//!
//! Queueing models turn forecast demand into required agents per channel and interval
//! ([`staffing`]); later modules build shift rosters that meet the targets at least cost and replay
//! them in simulation.

pub mod report;
pub mod roster;
pub mod scenario;
pub mod simulation;
pub mod staffing;
