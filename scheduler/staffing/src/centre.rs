//! From the centre configuration (`rota_data::config`) and a forecast to [`ChannelDemand`]s.
//!
//! Each configured channel becomes a [`ChannelModel`]: `inbound` and `walk_in` are Erlang A queues
//! (Erlang C without a patience), `chat` a pool of concurrency × agents slots with the handle time
//! at that level, `deferred` a backlog with its response target. Targets map one to one:
//! `max_abandon_rate`, `max_asa_seconds` (answered contacts), `service_level` (its
//! `abandoned_in_denominator` picks the definition), `max_wait_seconds` + `max_wait_share` (share of
//! answered contacts waiting no longer), `max_occupancy`. A channel is open in an interval when its
//! (worked) hours contain the interval start and the day is not closed (special closed days, and
//! England & Wales bank holidays when the centre closes on them).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset};
use rota_data::channel::ChannelName;
use rota_data::config::{CentreConfig, Channel, DemandQuantile};
use rota_data::demand::DemandSeries;

use super::channel::{ChannelModel, ChatConcurrency, ResponseWindow};
use super::erlang::Patience;
use super::error::StaffingError;
use super::inverse::{ServiceLevelDefinition, Targets};
use super::plan::{ChannelDemand, DemandInterval, PlanError};

/// One forecast figure: offered contacts and AHT of a channel in an interval.
#[derive(Debug, Clone, PartialEq)]
pub struct ForecastPoint {
    /// Interval start.
    pub interval_start: DateTime<FixedOffset>,
    /// Channel name.
    pub channel: ChannelName,
    /// Offered contacts to plan for (the configured quantile of the forecast).
    pub offered: f64,
    /// Average handle time, seconds.
    pub aht_s: f64,
}

/// The forecast figures to plan for: offered contacts at `quantile` (the centre's
/// `planning.demand_quantile`, mean by default) and the forecast AHT.
pub fn forecast_points(series: &DemandSeries, quantile: DemandQuantile) -> Vec<ForecastPoint> {
    series
        .records()
        .iter()
        .map(|r| ForecastPoint {
            interval_start: r.interval_start(),
            channel: r.channel().clone(),
            offered: r.offered(quantile),
            aht_s: r.aht_seconds(),
        })
        .collect()
}

/// The staffing model of a configured channel.
pub fn channel_model(channel: &Channel) -> Result<ChannelModel, StaffingError> {
    let t = channel.targets();
    if channel.kind().is_deferred() {
        let response = t.response().ok_or_else(|| {
            StaffingError::InvalidTarget("a deferred channel needs a response target".into())
        })?;
        return Ok(ChannelModel::Deferred {
            response: ResponseWindow::new(
                response.within_hours() * 3600.0,
                response.working_hours_only(),
            )?,
            max_occupancy: t.max_occupancy(),
        });
    }
    let patience = match channel.patience_seconds() {
        Some(p) => Patience::exponential(p)?,
        None => Patience::infinite(),
    };
    let mut b = Targets::builder().max_occupancy(t.max_occupancy());
    if let Some(x) = t.max_abandon_rate() {
        b = b.max_abandon(x);
    }
    if let Some(x) = t.max_asa_seconds() {
        b = b.max_asa_s(x);
    }
    if let Some(sl) = t.service_level() {
        let definition = if sl.abandoned_in_denominator() {
            ServiceLevelDefinition::ServedWithinOfOffered
        } else {
            ServiceLevelDefinition::GivenServed
        };
        b = b.service_level(sl.share(), sl.within_seconds(), definition);
    }
    if let Some(w) = t.max_wait_seconds() {
        b = b.max_wait(w, t.max_wait_share());
    }
    let targets = b.build()?;
    if channel.concurrency() > 1 {
        Ok(ChannelModel::Chat {
            patience,
            targets,
            concurrency: ChatConcurrency::from_factors(channel.handle_time_factors())?,
        })
    } else {
        Ok(ChannelModel::Queue { patience, targets })
    }
}

/// Lay the forecast of every configured channel on the centre's interval grid, from the first to
/// the last forecast date (missing intervals have no demand), with the channel's model, shrinkage
/// and opening hours. Channels in the forecast but not in the configuration are an error;
/// configured channels without a forecast are left out.
pub fn channel_demands(
    config: &CentreConfig,
    points: &[ForecastPoint],
) -> Result<Vec<ChannelDemand>, PlanError> {
    let grid = config.grid();
    let mut by_channel: BTreeMap<&str, BTreeMap<DateTime<FixedOffset>, &ForecastPoint>> =
        BTreeMap::new();
    for p in points {
        if config.channel(p.channel.as_str()).is_none() {
            let known: Vec<String> = config
                .channel_names()
                .iter()
                .map(|c| c.to_string())
                .collect();
            return Err(PlanError::Channel {
                channel: p.channel.clone(),
                source: StaffingError::InvalidChannel(format!(
                    "the forecast has channel {:?}, which the centre configuration does not define (it has {})",
                    p.channel,
                    known.join(", ")
                )),
            });
        }
        by_channel
            .entry(p.channel.as_str())
            .or_default()
            .insert(p.interval_start, p);
    }
    let (Some(first), Some(last)) = (
        points.iter().map(|p| p.interval_start).min(),
        points.iter().map(|p| p.interval_start).max(),
    ) else {
        return Ok(Vec::new());
    };
    let starts: Vec<DateTime<FixedOffset>> = grid
        .interval_starts_in_dates(grid.local_date(&first), grid.local_date(&last))
        .into_iter()
        .map(|t| t.fixed_offset())
        .collect();
    let mut out = Vec::new();
    for channel in config.channels() {
        let Some(series) = by_channel.get(channel.name().as_str()) else {
            continue;
        };
        let chan_err = |source| PlanError::Channel {
            channel: channel.name().clone(),
            source,
        };
        let model = channel_model(channel).map_err(chan_err)?;
        let mut intervals = Vec::with_capacity(starts.len());
        let mut on_grid = 0usize;
        for start in &starts {
            let point = series.get(start);
            on_grid += usize::from(point.is_some());
            // The centre's one opening calendar: hours, bank holidays and closed special days.
            let open = config.is_worked_at(channel, start);
            let offered = point.map_or(0.0, |p| p.offered);
            if !open && offered > 0.0 && !channel.kind().is_deferred() {
                tracing::debug!(channel = %channel.name(), %start, offered, "forecast demand while the channel is closed is not staffed");
            }
            intervals.push(DemandInterval {
                start: *start,
                offered,
                // A forecast AHT of 0 (allowed when no contacts are expected) falls back to the
                // channel's default so every interval stays a valid queue.
                aht_s: point
                    .map(|p| p.aht_s)
                    .filter(|a| *a > 0.0)
                    .unwrap_or(channel.aht_seconds()),
                open,
            });
        }
        if on_grid != series.len() {
            let stray = series.keys().find(|t| !starts.contains(t)).copied();
            return Err(chan_err(StaffingError::InvalidChannel(format!(
                "forecast interval {} is not on the centre's {}-minute grid in {}",
                stray.map(|t| t.to_rfc3339()).unwrap_or_default(),
                grid.length.minutes(),
                grid.tz
            ))));
        }
        out.push(ChannelDemand {
            channel: channel.name().clone(),
            model,
            shrinkage: channel.shrinkage().total(),
            intervals,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn sample_centre_channels_map_to_models() {
        let config = CentreConfig::sample().unwrap();
        for ch in config.channels() {
            let model = channel_model(ch).unwrap();
            match (ch.kind().is_deferred(), ch.concurrency() > 1, model) {
                (true, _, ChannelModel::Deferred { .. }) => {}
                (false, true, ChannelModel::Chat { concurrency, .. }) => {
                    assert_eq!(concurrency.level(), ch.concurrency())
                }
                (false, false, ChannelModel::Queue { targets, .. }) => {
                    assert!(targets.max_occupancy().is_some())
                }
                other => panic!("{}: unexpected {other:?}", ch.name()),
            }
        }
    }

    #[test]
    fn demands_follow_opening_hours_and_reject_unknown_channels() {
        let config = CentreConfig::sample().unwrap();
        let tz = chrono_tz::Europe::London;
        // Monday 23 November 2026, 07:45 and 08:00 local (GMT).
        let at = |h, m| {
            tz.with_ymd_and_hms(2026, 11, 23, h, m, 0)
                .unwrap()
                .fixed_offset()
        };
        let points = vec![
            ForecastPoint {
                interval_start: at(7, 45),
                channel: ChannelName::parse("voice").unwrap(),
                offered: 5.0,
                aht_s: 900.0,
            },
            ForecastPoint {
                interval_start: at(8, 0),
                channel: ChannelName::parse("voice").unwrap(),
                offered: 20.0,
                aht_s: 900.0,
            },
        ];
        let demands = channel_demands(&config, &points).unwrap();
        assert_eq!(demands.len(), 1);
        let voice = &demands[0];
        assert_eq!(voice.intervals.len(), 96);
        let i745 = voice
            .intervals
            .iter()
            .find(|iv| iv.start == at(7, 45))
            .unwrap();
        let i800 = voice
            .intervals
            .iter()
            .find(|iv| iv.start == at(8, 0))
            .unwrap();
        assert!(!i745.open && i800.open && i800.offered == 20.0);
        let bad = vec![ForecastPoint {
            interval_start: at(8, 0),
            channel: ChannelName::parse("fax").unwrap(),
            offered: 1.0,
            aht_s: 60.0,
        }];
        let err = channel_demands(&config, &bad).unwrap_err().to_string();
        assert!(err.contains("fax"), "{err}");
    }
}
