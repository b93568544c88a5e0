//! Sample centre generator (owner: generator).
