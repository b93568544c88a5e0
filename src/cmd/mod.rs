//! One module per subcommand: argument struct (clap derive) and a `run` that calls the libraries.

pub mod adherence;
pub mod backtest;
pub mod bounds;
pub mod brief;
pub mod data_check;
pub mod data_generate;
pub mod date;
pub mod erlang;
pub mod export;
pub mod forecast;
pub mod intraday;
pub mod output;
pub mod progress;
pub mod replan;
pub mod report;
pub mod scenario;
pub mod schedule;
pub mod serve;
pub mod simulate;
pub mod staff;
pub mod users;
