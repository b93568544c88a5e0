//! Queueing models that turn demand into required agents (owner: staffing).
