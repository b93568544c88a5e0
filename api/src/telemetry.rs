//! A request id and a tracing span per request.
//!
//! The id is taken from an incoming `x-request-id` (when it is a sane token, so a proxy's id
//! follows the request through) or generated; it is returned in the `x-request-id` response header
//! and recorded on the `request` span, so every log line of the request carries it. With
//! `ROTA_LOG_FORMAT=json` (set up by the `rota` binary) these are structured JSON lines.

use std::time::Instant;

use actix_web::{
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::header::{HeaderName, HeaderValue},
    middleware::Next,
};
use rand::Rng;
use tracing::Instrument;

/// The header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

fn new_id() -> String {
    let n: u128 = rand::rng().random();
    format!("{n:032x}")
}

fn acceptable(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// The middleware (outermost, so refused requests get an id and a log line too).
pub async fn request_span(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| acceptable(v))
        .map(str::to_string)
        .unwrap_or_else(new_id);
    let span = tracing::info_span!(
        "request",
        request_id = %id,
        method = %req.method(),
        path = %req.path(),
        status = tracing::field::Empty,
    );
    let started = Instant::now();
    // Handlers' and the auth middleware's errors arrive here already turned into responses;
    // anything else is actix's own and passes through (without the header).
    let mut res = match next.call(req).instrument(span.clone()).await {
        Ok(res) => res.map_into_boxed_body(),
        Err(e) => {
            span.in_scope(|| tracing::warn!(error = %e, "request failed"));
            return Err(e);
        }
    };
    let status = res.status().as_u16();
    span.record("status", status);
    span.in_scope(|| {
        tracing::info!(
            status,
            elapsed_ms = started.elapsed().as_secs_f64() * 1000.0,
            "request finished"
        );
    });
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut()
            .insert(HeaderName::from_static(REQUEST_ID), v);
    }
    Ok(res)
}
