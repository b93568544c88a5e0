//! Bearer-token access control.
//!
//! Every request needs `Authorization: Bearer <token>` except the probes (`/health`, `/ready`), the
//! login-free static assets (the dashboard page, its scripts, `/openapi.json` and `/docs`). Write
//! tokens may do everything; read tokens (viewers) may only `GET` and use the stateless calculators
//! under `/v1/staffing/`, which change nothing. Tokens are compared in constant time, so response
//! timing does not reveal how much of a guess was right.

use actix_web::{
    body::{BoxBody, MessageBody},
    dev::{ServiceRequest, ServiceResponse},
    http::{header, Method, StatusCode},
    middleware::Next,
    web, HttpMessage,
};

use crate::problem::Problem;

/// What a token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// Read (viewers).
    Read,
    /// Read and write.
    Write,
}

/// The configured tokens.
#[derive(Clone)]
pub struct Tokens {
    write: Vec<Vec<u8>>,
    read: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Tokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Tokens({} write, {} read)",
            self.write.len(),
            self.read.len()
        )
    }
}

impl Tokens {
    /// Tokens from the service configuration.
    pub fn new(write: &[String], read: &[String]) -> Self {
        Self {
            write: write.iter().map(|t| t.as_bytes().to_vec()).collect(),
            read: read.iter().map(|t| t.as_bytes().to_vec()).collect(),
        }
    }

    /// The access a presented token grants. Every configured token is compared (no early exit),
    /// each in constant time.
    pub fn access(&self, presented: &[u8]) -> Option<Access> {
        let mut write = false;
        let mut read = false;
        for t in &self.write {
            write |= constant_time_eq::constant_time_eq(t, presented);
        }
        for t in &self.read {
            read |= constant_time_eq::constant_time_eq(t, presented);
        }
        if write {
            Some(Access::Write)
        } else if read {
            Some(Access::Read)
        } else {
            None
        }
    }
}

/// Paths served without a token.
pub fn is_public(path: &str) -> bool {
    matches!(
        path,
        "/health" | "/ready" | "/" | "/index.html" | "/openapi.json" | "/docs" | "/favicon.ico"
    ) || path.starts_with("/static/")
}

/// The access a request needs.
pub fn required_access(method: &Method, path: &str) -> Access {
    let reads = method == Method::GET || method == Method::HEAD;
    // The stateless calculators compute an answer and store nothing.
    let compute = method == Method::POST && path.starts_with("/v1/staffing/");
    if reads || compute {
        Access::Read
    } else {
        Access::Write
    }
}

fn unauthorized(detail: &str) -> actix_web::Error {
    let p =
        Problem::new(StatusCode::UNAUTHORIZED, "Unauthorized", detail).with_field("Authorization");
    actix_web::error::InternalError::from_response(
        p.to_string(),
        actix_web::HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer realm=\"rota\""))
            .content_type("application/problem+json")
            .json(&p),
    )
    .into()
}

/// The middleware: refuses requests without a valid token for what they do.
pub async fn require_token(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    match check(&req) {
        Ok(()) => Ok(next.call(req).await?.map_into_boxed_body()),
        Err(e) => Ok(req.error_response(e)),
    }
}

fn check(req: &ServiceRequest) -> Result<(), actix_web::Error> {
    if is_public(req.path()) || req.method() == Method::OPTIONS {
        return Ok(());
    }
    let Some(tokens) = req.app_data::<web::Data<Tokens>>().cloned() else {
        return Err(Problem::internal("token store missing from app data").into());
    };
    let presented = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(|t| t.trim().as_bytes().to_vec());
    let Some(presented) = presented else {
        return Err(unauthorized(
            "this endpoint needs `Authorization: Bearer <token>`",
        ));
    };
    let Some(access) = tokens.access(&presented) else {
        return Err(unauthorized("the token is not valid"));
    };
    if access < required_access(req.method(), req.path()) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "Forbidden",
            "this token may only read; changing data needs a write token",
        )
        .with_field("Authorization")
        .into());
    }
    req.extensions_mut().insert(access);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_grant_their_level_and_nothing_else() {
        let t = Tokens::new(
            &["write-token-0123456789".into()],
            &["read-token-0123456789".into()],
        );
        assert_eq!(t.access(b"write-token-0123456789"), Some(Access::Write));
        assert_eq!(t.access(b"read-token-0123456789"), Some(Access::Read));
        assert_eq!(t.access(b"write-token-012345678"), None);
        assert_eq!(t.access(b""), None);
    }

    #[test]
    fn writes_need_write_access_and_calculators_do_not() {
        assert_eq!(required_access(&Method::GET, "/v1/centres"), Access::Read);
        assert_eq!(required_access(&Method::POST, "/v1/centres"), Access::Write);
        assert_eq!(
            required_access(&Method::PUT, "/v1/centres/1"),
            Access::Write
        );
        assert_eq!(
            required_access(&Method::POST, "/v1/staffing/erlang"),
            Access::Read
        );
        assert!(is_public("/static/app.js"));
        assert!(!is_public("/v1/centres"));
    }
}
