//! Histories: interval exports (CSV or CSV.gz) uploaded for a centre, validated and summarised by
//! `rota-data` (the checks and summary of `rota data check`), stored as uploaded.

use actix_web::{http::header, web, HttpResponse};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::common::{centre_list, stored_json};
use super::{blocking, centre_or_404, AppState};
use crate::db::{Db, HistoryRow};
use crate::problem::{payload_problem, Problem};
use crate::work::{ingest_history, parse_config};

/// Upload options.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// File name to record and to name in diagnostics (default `history.csv`).
    pub filename: Option<String>,
}

/// A history with its summary.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryDetails {
    /// The listing row.
    pub history: HistoryRow,
    /// Per-channel totals, abandon rate, AHT, ASA, peak, gaps and outlier days.
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    /// The same summary as `rota data check` prints it.
    pub summary_text: String,
}

/// The file name an upload gives (`default` when none): a plain name of 1-200 characters without
/// slashes or control characters, as problems and the store name it.
pub fn plain_file_name(given: Option<String>, default: &str) -> Result<String, Problem> {
    let name = given.unwrap_or_else(|| default.to_string());
    if name.is_empty()
        || name.len() > 200
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
    {
        return Err(Problem::invalid(
            "filename",
            "a plain file name of 1-200 characters without slashes",
        ));
    }
    Ok(name)
}

/// Reads a raw body up to `limit` bytes; larger bodies are a 413 problem, an empty one a 400.
pub async fn read_body(
    req: &actix_web::HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Vec<u8>, Problem> {
    let body = read_body_or_empty(req, payload, limit).await?;
    if body.is_empty() {
        return Err(Problem::bad_request("body", "the request body is empty"));
    }
    Ok(body)
}

/// A JSON body that may be left out (then `T::default()`); malformed JSON is a 400 problem naming
/// the line and column.
pub async fn optional_json<T: serde::de::DeserializeOwned + Default>(
    req: &actix_web::HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<T, Problem> {
    let body = read_body_or_empty(req, payload, limit).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(&body).map_err(|e| {
        let msg = e.to_string();
        let field = msg.split('`').nth(1).unwrap_or("body").to_string();
        Problem::bad_request(field, format!("invalid JSON body: {msg}"))
    })
}

async fn read_body_or_empty(
    req: &actix_web::HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<Vec<u8>, Problem> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(payload_problem(actix_web::error::PayloadError::Overflow));
    }
    let body = match payload.to_bytes_limited(limit).await {
        Ok(Ok(bytes)) => bytes.to_vec(),
        Ok(Err(e)) => return Err(Problem::bad_request("body", e.to_string())),
        Err(_) => return Err(payload_problem(actix_web::error::PayloadError::Overflow)),
    };
    Ok(body)
}

/// Upload an interval history (CSV or gzip-compressed CSV) for a centre.
#[utoipa::path(post, operation_id = "histories_upload", path = "/v1/centres/{id}/histories", tag = "histories",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id"), UploadQuery),
    request_body(content = String, content_type = "text/csv",
        description = "The ACD export: CSV or CSV.gz bytes (gzip is detected from the content)"),
    responses(
        (status = 201, description = "Stored, with its summary", body = HistoryDetails),
        (status = 413, description = "Larger than max_body_mb", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid file: one finding per line (file:line:column)",
            body = Problem, content_type = "application/problem+json")))]
pub async fn upload(
    state: web::Data<AppState>,
    req: actix_web::HttpRequest,
    id: web::Path<i64>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let filename = plain_file_name(query.into_inner().filename, "history.csv")?;
    let body = read_body(&req, payload, state.config.max_body_bytes()).await?;
    let db = state.db.clone();
    let details = blocking(move || {
        let centre = centre_or_404(&db, id)?;
        let config = parse_config(&centre.config_toml, "stored configuration")?;
        let new = ingest_history(&config, id, &filename, body)?;
        let hid = db.insert_history(&new)?;
        details(&db, hid)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/histories/{}", details.history.id),
        ))
        .json(details))
}

fn details(db: &Db, id: i64) -> Result<HistoryDetails, Problem> {
    let history = db
        .history(id)?
        .ok_or_else(|| Problem::not_found("history", id))?;
    let (summary, summary_text, _) = db
        .history_details(id)?
        .ok_or_else(|| Problem::not_found("history", id))?;
    Ok(HistoryDetails {
        history,
        summary,
        summary_text,
    })
}

/// Histories uploaded for a centre, newest first.
#[utoipa::path(get, operation_id = "histories_list", path = "/v1/centres/{id}/histories", tag = "histories",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "Histories", body = Vec<HistoryRow>),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    centre_list(&state, id.into_inner(), Db::histories).await
}

/// One history with its summary.
#[utoipa::path(get, operation_id = "histories_get", path = "/v1/histories/{id}", tag = "histories", security(("bearer" = [])),
    params(("id" = i64, Path, description = "History id")),
    responses((status = 200, description = "The history and its summary", body = HistoryDetails),
        (status = 404, description = "No such history", body = Problem,
            content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let db = state.db.clone();
    let d = blocking(move || details(&db, id)).await?;
    Ok(HttpResponse::Ok().json(d))
}

/// Offered per channel and interval over the history's last 14 days (for charts).
#[utoipa::path(get, operation_id = "histories_recent", path = "/v1/histories/{id}/recent", tag = "histories",
    security(("bearer" = [])),
    params(("id" = i64, Path, description = "History id")),
    responses((status = 200, description = "Per channel: interval_start[] and offered[]",
            body = Object),
        (status = 404, description = "No such history", body = Problem,
            content_type = "application/problem+json")))]
pub async fn recent(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    stored_json(&state, "history", id.into_inner(), |db, id| {
        Ok(db.history_details(id)?.map(|(_, _, recent)| recent))
    })
    .await
}
