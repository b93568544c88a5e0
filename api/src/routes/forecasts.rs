//! Forecasts: made from a stored history by a background job (model selection by backtest,
//! P10/P50/P90 and AHT per channel and interval, as `rota forecast`).

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::{centre_list, queue_job, stored_csv, stored_history, stored_json, NewJob};
use super::{centre_or_404, AppState};
use crate::db::{Db, ForecastRow, JobKind, JobRow};
use crate::jobs::Work;
use crate::problem::Problem;
use crate::work::{self, parse_config};

/// Longest forecast horizon days.
pub const MAX_FORECAST_DAYS: usize = 28;

/// A forecast request.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateForecast {
    /// The stored history to forecast from.
    pub history_id: i64,
    /// First local date to forecast (YYYY-MM-DD).
    #[schema(value_type = String, format = Date, example = "2026-11-16")]
    pub first_day: NaiveDate,
    /// Days to forecast (1-28, default 7).
    pub days: Option<usize>,
    /// Lay the centre's stored interval actuals of the days before `first_day` over the history
    /// first (an actual replaces the history's row of that interval; days after the history's
    /// end are added), so what arrived since the export is forecast from. Default false.
    #[serde(default)]
    pub with_actuals: bool,
}

/// Start a forecast job.
#[utoipa::path(post, operation_id = "forecasts_create", path = "/v1/centres/{id}/forecasts", tag = "forecasts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    request_body = CreateForecast,
    responses(
        (status = 202, description = "Queued; poll the job", body = JobRow),
        (status = 404, description = "No such centre or history", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid request (field named)", body = Problem,
            content_type = "application/problem+json")))]
pub async fn create(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<CreateForecast>,
) -> Result<HttpResponse, Problem> {
    let centre_id = id.into_inner();
    let body = body.into_inner();
    let days = body.days.unwrap_or(7);
    if !(1..=MAX_FORECAST_DAYS).contains(&days) {
        return Err(Problem::invalid(
            "days",
            format!("days must be 1-{MAX_FORECAST_DAYS}"),
        ));
    }
    queue_job(&state, move |st| {
        let db = st.db.clone();
        let centre = centre_or_404(&db, centre_id)?;
        let history = db
            .history(body.history_id)?
            .filter(|h| h.centre_id == centre_id)
            .ok_or_else(|| {
                Problem::not_found("history of this centre", body.history_id)
                    .with_field("history_id")
            })?;
        parse_config(&centre.config_toml, "stored configuration")?;
        let with_actuals = body.with_actuals;
        let mut params = serde_json::json!({
            "history_id": history.id, "first_day": body.first_day, "days": days,
        });
        if with_actuals {
            params["with_actuals"] = serde_json::Value::Bool(true);
        }
        Ok(NewJob {
            kind: JobKind::Forecast,
            centre_id,
            params,
            work: forecast_work(
                db.clone(),
                ForecastJob {
                    centre_id,
                    config_toml: centre.config_toml,
                    history_id: history.id,
                    first_day: body.first_day,
                    days,
                    with_actuals,
                },
            ),
        })
    })
    .await
}

/// What a forecast job needs: the request as its job row records it, and the configuration.
pub(crate) struct ForecastJob {
    /// The centre.
    pub centre_id: i64,
    /// Its configuration (TOML).
    pub config_toml: String,
    /// The stored history forecast from.
    pub history_id: i64,
    /// The first day forecast.
    pub first_day: NaiveDate,
    /// Days forecast.
    pub days: usize,
    /// Whether the centre's stored interval actuals are laid over the history.
    pub with_actuals: bool,
}

/// The work of a forecast job: on the node it was submitted to, or rebuilt from its request on
/// another ([`crate::resume`]).
pub(crate) fn forecast_work(jdb: Db, job: ForecastJob) -> Work {
    let ForecastJob {
        centre_id,
        config_toml,
        history_id,
        first_day,
        days,
        with_actuals,
    } = job;
    Box::new(move |ctx| {
        ctx.progress(0.02, "reading the history");
        let config = parse_config(&config_toml, "stored configuration")?;
        let mut history = stored_history(&jdb, &config, history_id)?;
        if with_actuals {
            let actuals = jdb.actuals(
                centre_id,
                history
                    .records()
                    .iter()
                    .map(|r| r.interval_start().fixed_offset())
                    .min()
                    .unwrap_or_default(),
                config
                    .grid()
                    .interval_starts(first_day)
                    .first()
                    .map_or_else(Default::default, |t| t.fixed_offset()),
            )?;
            let (merged, used) = crate::today::with_actuals(&history, &actuals, first_day)?;
            tracing::info!(actuals = used, "stored actuals laid over the history");
            ctx.progress(
                0.04,
                &format!("{used} stored interval actuals laid over the history"),
            );
            history = merged;
        }
        ctx.check_cancelled()?;
        let out = work::forecast(ctx, &config, &history, first_day, days)?;
        ctx.check_cancelled()?;
        jdb.insert_forecast(
            centre_id,
            history_id,
            ctx.id,
            &first_day.to_string(),
            days as i64,
            &out.models.to_string(),
            &out.csv,
        )?;
        Ok(())
    })
}

/// Forecasts of a centre, newest first.
#[utoipa::path(get, operation_id = "forecasts_list", path = "/v1/centres/{id}/forecasts", tag = "forecasts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "Forecasts", body = Vec<ForecastRow>),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    centre_list(&state, id.into_inner(), Db::forecasts).await
}

/// One forecast: horizon and the model chosen per channel with its backtest scores.
#[utoipa::path(get, operation_id = "forecasts_get", path = "/v1/forecasts/{id}", tag = "forecasts", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Forecast id")),
    responses((status = 200, description = "The forecast", body = ForecastRow),
        (status = 404, description = "No such forecast", body = Problem,
            content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    stored_json(&state, "forecast", id.into_inner(), Db::forecast).await
}

/// The forecast file: interval_start, channel, offered_mean, offered_p10, offered_p50,
/// offered_p90, aht_seconds.
#[utoipa::path(get, operation_id = "forecasts_csv", path = "/v1/forecasts/{id}/forecast.csv", tag = "forecasts",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Forecast id")),
    responses((status = 200, description = "Forecast CSV", body = String,
            content_type = "text/csv"),
        (status = 404, description = "No such forecast", body = Problem,
            content_type = "application/problem+json")))]
pub async fn csv(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let name = format!("forecast-{id}.csv");
    stored_csv(&state, "forecast", id, &name, Db::forecast_csv).await
}
