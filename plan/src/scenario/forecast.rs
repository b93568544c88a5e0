//! The forecast the scenarios share: the production forecasting pipeline (model chosen per channel
//! by a rolling-origin backtest) run from history. `rota forecast` calls [`forecast_history`] too,
//! so the CLI, the scenarios and the report's forecast-accuracy weeks make the same forecast.

use chrono::NaiveDate;
use rota_data::config::CentreConfig;
use rota_data::demand::DemandSeries;
use rota_data::history::History;
use rota_forecasting::adapter::{channel_series, demand_series, CentreCalendar};
use rota_forecasting::pipeline::{forecast_channels, ChannelForecast, ForecastSettings};
use rota_forecasting::ForecastError;

/// Forecast `days` days from `from` for every channel of `history` that the centre configures,
/// using only history before `from`. Returns the per-channel forecasts (model, backtest) and the
/// forecast as a [`DemandSeries`] on the centre's grid.
#[tracing::instrument(level = "info", skip_all, fields(%from, days))]
pub fn forecast_from_history(
    history: &History,
    config: &CentreConfig,
    from: NaiveDate,
    days: usize,
) -> Result<(Vec<ChannelForecast>, DemandSeries), ForecastError> {
    let calendar = CentreCalendar::from_config(config);
    let configured: Vec<String> = history
        .channels()
        .iter()
        .filter(|c| config.channel(c.as_str()).is_some())
        .map(|c| c.to_string())
        .collect();
    let forecasts = forecast_history(history, &calendar, &configured, from, days)?;
    let demand = demand_series(&forecasts, &history.grid())?;
    Ok((forecasts, demand))
}

/// Forecast `days` days from `from` for the `channels` of `history` (every channel when empty; an
/// unknown name is an error listing the known ones) on `calendar`: per channel the model with the
/// best rolling-origin backtest and the AHT from the history (or the calendar's configured AHT; none
/// when neither has one, which a volume forecast does not need).
#[tracing::instrument(level = "info", skip_all, fields(%from, days))]
pub fn forecast_history(
    history: &History,
    calendar: &CentreCalendar,
    channels: &[String],
    from: NaiveDate,
    days: usize,
) -> Result<Vec<ChannelForecast>, ForecastError> {
    let series = channel_series(history, calendar, channels)?;
    let inputs: Vec<_> = series
        .into_iter()
        .map(|s| {
            let aht = calendar.configured_aht(s.channel());
            (s, aht)
        })
        .collect();
    forecast_channels(
        &inputs,
        from,
        &|channel, first, n| calendar.days(channel, first, n),
        days,
        &ForecastSettings::default(),
    )
}
