//! RFC 9457 problem responses (`application/problem+json`): every error the service returns says
//! what was wrong in plain words, and which field or line, never a bare 500 for bad input.

use actix_web::{
    error::{JsonPayloadError, PathError, PayloadError, QueryPayloadError},
    http::StatusCode,
    HttpRequest, HttpResponse, ResponseError,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::db::DbError;

/// One problem response.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// Problem type (`about:blank`: the title says it).
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// Short summary.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What was wrong and what was expected.
    pub detail: String,
    /// The request field (JSON field, query parameter, path segment or file) at fault, if one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Individual findings: one line each, and in structured form where a client can act on
    /// them (boxed, so a problem stays small in every `Result`).
    #[serde(flatten)]
    pub found: Box<Findings>,
}

/// Findings a client can act on without reading the text.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct Findings {
    /// Individual findings (e.g. one per bad line of an uploaded file: `file:line:column: ...`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
    /// The findings of an invalid centre configuration with where each is: the TOML key path
    /// (`channels.voice.targets.max_abandon_rate`) or, for malformed TOML, the line and column.
    /// A form maps each key back to the field that produced it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<FieldProblem>,
    /// Queue or channel labels of an uploaded history that match no channel of the centre (map
    /// each to a channel with `[history] channel_aliases` and upload again).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unknown_channels: Vec<String>,
    /// The centre's channels, given with `unknown_channels` (the choices for each label).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub known_channels: Vec<String>,
}

/// One finding of an invalid configuration, and where it is.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct FieldProblem {
    /// TOML key path, e.g. `channels.voice.aht_seconds` or `agents[2] (id "A3").skills`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    /// 1-based line of malformed TOML (or of a value of the wrong type).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// 1-based column with `line`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl Problem {
    /// A 4xx/5xx problem with a title and a detail sentence.
    pub fn new(status: StatusCode, title: impl Into<String>, detail: impl Into<String>) -> Self {
        Self {
            kind: "about:blank",
            title: title.into(),
            status: status.as_u16(),
            detail: detail.into(),
            field: None,
            found: Box::default(),
        }
    }

    /// Attach individual findings.
    pub fn with_errors(mut self, errors: Vec<String>) -> Self {
        self.found.errors = errors;
        self
    }

    /// Name the field at fault.
    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// 422: the request was well-formed but a value is not acceptable.
    pub fn invalid(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "Invalid input", detail).with_field(field)
    }

    /// 400: the request could not be read.
    pub fn bad_request(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Bad request", detail).with_field(field)
    }

    /// 404 for a missing resource.
    pub fn not_found(what: &str, id: i64) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "Not found",
            format!("there is no {what} with id {id}"),
        )
    }

    /// 409: the request conflicts with the current state.
    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "Conflict", detail)
    }

    /// 500: our fault. The cause is logged, not sent (it may name files or SQL).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Internal error",
            "the service failed to complete the request; the cause is in its log",
        )
    }
}

impl From<DbError> for Problem {
    fn from(e: DbError) -> Self {
        Problem::internal(e)
    }
}

impl From<actix_web::error::BlockingError> for Problem {
    fn from(e: actix_web::error::BlockingError) -> Self {
        Problem::internal(e)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.title, self.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .content_type("application/problem+json")
            .json(self)
    }
}

/// Malformed or oversized JSON bodies become 400/413/415 problems naming the reason (serde's
/// message names the field and the line/column in the body).
pub fn json_error_handler(err: JsonPayloadError, _req: &HttpRequest) -> actix_web::Error {
    let status = match &err {
        JsonPayloadError::OverflowKnownLength { .. } | JsonPayloadError::Overflow { .. } => {
            StatusCode::PAYLOAD_TOO_LARGE
        }
        JsonPayloadError::Payload(PayloadError::Overflow) => StatusCode::PAYLOAD_TOO_LARGE,
        JsonPayloadError::ContentType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        _ => StatusCode::BAD_REQUEST,
    };
    let field = match &err {
        JsonPayloadError::Deserialize(e) => {
            // serde_json says e.g. "missing field `from` at line 1 column 20".
            let msg = e.to_string();
            msg.split('`').nth(1).map(str::to_string)
        }
        _ => None,
    };
    let mut p = Problem::new(status, "Invalid JSON body", err.to_string());
    p.field = field.or(Some("body".into()));
    p.into()
}

/// Bad query strings become 400 problems.
pub fn query_error_handler(err: QueryPayloadError, _req: &HttpRequest) -> actix_web::Error {
    Problem::bad_request("query", err.to_string()).into()
}

/// Bad path segments (e.g. a non-numeric id) become 400 problems.
pub fn path_error_handler(err: PathError, _req: &HttpRequest) -> actix_web::Error {
    Problem::bad_request("path", err.to_string()).into()
}

/// Oversized or unreadable raw bodies (uploads) become 413/400 problems.
pub fn payload_problem(err: PayloadError) -> Problem {
    match err {
        PayloadError::Overflow => Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "Body too large",
            "the request body is larger than the service accepts (max_body_mb)",
        )
        .with_field("body"),
        e => Problem::bad_request("body", e.to_string()),
    }
}
