//! # rota-forecasting: how many contacts, how long they take, and how sure we are
//!
//! Turns a centre's interval history into per-channel, per-interval forecasts of offered contacts and
//! average handle time, with prediction intervals calibrated by backtest.
