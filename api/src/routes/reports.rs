//! Performance reports: a job builds the weekly report of a stored history (`rota report`): per
//! channel and week offered, handled, abandon rate, ASA, estimated service level, AHT, the
//! accuracy of the forecast that could have been made before each week, and staffing against
//! requirement. The HTML page is stored beside the figures.

use actix_web::{web, HttpRequest, HttpResponse};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::{centre_list, queue_job, stored, stored_history, stored_json, NewJob};
use super::histories::optional_json;
use super::{centre_or_404, AppState};
use crate::db::{Db, JobKind, JobRow, ReportRow};
use crate::jobs::Work;
use crate::problem::Problem;
use crate::work::{self, parse_config};

/// A report request (every field optional).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReport {
    /// First local date (default: 13 weeks before `to`).
    #[schema(value_type = Option<String>, format = Date, example = "2026-08-17")]
    pub from: Option<NaiveDate>,
    /// Last local date, inclusive (default: the history's last day).
    #[schema(value_type = Option<String>, format = Date, example = "2026-11-15")]
    pub to: Option<NaiveDate>,
    /// Re-forecast each week from the history before it to judge forecast accuracy (default
    /// true; one forecast per week, the slow part).
    pub forecast_accuracy: Option<bool>,
}

/// Start a job that builds the performance report of a stored history.
#[utoipa::path(post, operation_id = "reports_create", path = "/v1/histories/{id}/reports", tag = "reports",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "History id")),
    request_body = CreateReport,
    responses((status = 202, description = "Queued; poll the job", body = JobRow),
        (status = 400, description = "Malformed JSON", body = Problem,
            content_type = "application/problem+json"),
        (status = 404, description = "No such history", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid dates (field named)", body = Problem,
            content_type = "application/problem+json")))]
pub async fn create(
    state: web::Data<AppState>,
    req: HttpRequest,
    id: web::Path<i64>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let history_id = id.into_inner();
    let body: CreateReport = optional_json(&req, payload, 1 << 20).await?;
    if let (Some(from), Some(to)) = (body.from, body.to) {
        if to < from {
            return Err(Problem::invalid(
                "to",
                format!("the report ends ({to}) before it starts ({from})"),
            ));
        }
        if (to - from).num_days() > 366 * 2 {
            return Err(Problem::invalid(
                "from",
                "a report covers at most two years",
            ));
        }
    }
    let forecast_accuracy = body.forecast_accuracy.unwrap_or(true);
    queue_job(&state, move |st| {
        let db = st.db.clone();
        let history = db
            .history(history_id)?
            .ok_or_else(|| Problem::not_found("history", history_id))?;
        let centre = centre_or_404(&db, history.centre_id)?;
        parse_config(&centre.config_toml, "stored configuration")?;
        let params = serde_json::json!({
            "history_id": history_id, "from": body.from, "to": body.to,
            "forecast_accuracy": forecast_accuracy,
        });
        Ok(NewJob {
            kind: JobKind::Report,
            centre_id: centre.id,
            params,
            work: report_work(
                db.clone(),
                ReportJob {
                    centre_id: centre.id,
                    config_toml: centre.config_toml,
                    history_id,
                    from: body.from,
                    to: body.to,
                    forecast_accuracy,
                },
            ),
        })
    })
    .await
}

/// What a report job needs: the request as its job row records it, and the configuration.
pub(crate) struct ReportJob {
    /// The centre.
    pub centre_id: i64,
    /// Its configuration (TOML).
    pub config_toml: String,
    /// The stored history reported on.
    pub history_id: i64,
    /// First day reported (default: the last quarter).
    pub from: Option<NaiveDate>,
    /// Last day reported.
    pub to: Option<NaiveDate>,
    /// Whether each week's forecast accuracy is judged.
    pub forecast_accuracy: bool,
}

/// The work of a report job: on the node it was submitted to, or rebuilt from its request on
/// another ([`crate::resume`]).
pub(crate) fn report_work(jdb: Db, job: ReportJob) -> Work {
    let ReportJob {
        centre_id,
        config_toml,
        history_id,
        from,
        to,
        forecast_accuracy,
    } = job;
    Box::new(move |ctx| {
        ctx.progress(0.02, "reading the history");
        let config = parse_config(&config_toml, "stored configuration")?;
        let history = stored_history(&jdb, &config, history_id)?;
        ctx.check_cancelled()?;
        let out = work::performance_report(ctx, &config, &history, from, to, forecast_accuracy)?;
        jdb.insert_report(
            centre_id,
            history_id,
            ctx.id,
            (&out.period.0.to_string(), &out.period.1.to_string()),
            &out.report.to_string(),
            &out.html,
        )?;
        Ok(())
    })
}

/// Performance reports of a centre, newest first.
#[utoipa::path(get, operation_id = "reports_list", path = "/v1/centres/{id}/reports", tag = "reports",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "Reports", body = Vec<ReportRow>),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    centre_list(&state, id.into_inner(), Db::reports).await
}

/// One performance report (figures per channel and week).
#[utoipa::path(get, operation_id = "reports_get", path = "/v1/reports/{id}", tag = "reports",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Report id")),
    responses((status = 200, description = "The report", body = ReportRow),
        (status = 404, description = "No such report", body = Problem,
            content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    stored_json(&state, "report", id.into_inner(), Db::report).await
}

/// The report as a self-contained HTML page with charts (as `rota report --html`).
#[utoipa::path(get, operation_id = "reports_html", path = "/v1/reports/{id}/report.html", tag = "reports",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Report id")),
    responses((status = 200, description = "HTML page", body = String, content_type = "text/html"),
        (status = 404, description = "No such report", body = Problem,
            content_type = "application/problem+json")))]
pub async fn html(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    let page = stored(&state, "report", id.into_inner(), Db::report_html).await?;
    Ok(super::html_page(page))
}
