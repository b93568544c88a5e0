//! Centres: a name and a centre configuration (the `centre.toml` of the CLI), validated by
//! `rota-data` before it is stored.

use actix_web::{http::header, web, HttpResponse};
use serde::Deserialize;
use utoipa::ToSchema;

use super::common::stored_json;
use super::{blocking, centre_or_404, AppState};
use crate::auth::Caller;
use crate::db::{CentreRow, Db};
use crate::problem::Problem;
use crate::work::{add_channel_aliases, config_as_json, parse_config};

/// A new centre.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCentre {
    /// Unique name (default: `[centre] name` of the configuration).
    pub name: Option<String>,
    /// The centre configuration as TOML (channels, targets, shrinkage, shift templates, agents).
    pub config_toml: String,
}

/// A replacement configuration.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCentre {
    /// The centre configuration as TOML.
    pub config_toml: String,
}

/// The bundled sample centre's configuration (Northmoor Homes), to start from.
#[utoipa::path(get, operation_id = "centres_sample_config", path = "/v1/samples/centre.toml", tag = "centres",
    security(("bearer" = [])),
    responses((status = 200, description = "Sample centre configuration", body = String,
        content_type = "application/toml")))]
pub async fn sample_config() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/toml; charset=utf-8")
        .body(rota_data::config::SAMPLE_CENTRE_TOML)
}

/// The centres the caller has a role in.
#[utoipa::path(get, operation_id = "centres_list", path = "/v1/centres", tag = "centres", security(("bearer" = [])),
    responses((status = 200, description = "Centres", body = Vec<CentreRow>),
        (status = 401, description = "No or wrong token", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, Problem> {
    let db = state.db.clone();
    let rows = blocking(move || {
        let mut rows = db.centres()?;
        rows.retain(|c| caller.grants.sees(c.id));
        Ok(rows)
    })
    .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Create a centre from its configuration.
#[utoipa::path(post, operation_id = "centres_create", path = "/v1/centres", tag = "centres", security(("bearer" = [])),
    request_body = CreateCentre,
    responses(
        (status = 201, description = "Created", body = CentreRow),
        (status = 409, description = "The name is taken", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid configuration (line, column and reason)",
            body = Problem, content_type = "application/problem+json")))]
pub async fn create(
    state: web::Data<AppState>,
    body: web::Json<CreateCentre>,
) -> Result<HttpResponse, Problem> {
    let body = body.into_inner();
    let db = state.db.clone();
    let row = blocking(move || {
        let config = parse_config(&body.config_toml, "config_toml")?;
        let name = body
            .name
            .map(|n| n.trim().to_string())
            .unwrap_or_else(|| config.centre().name().to_string());
        if name.is_empty() || name.len() > 200 {
            return Err(Problem::invalid(
                "name",
                "the name must be 1-200 characters",
            ));
        }
        let id = db
            .insert_centre(&name, &body.config_toml)?
            .ok_or_else(|| Problem::conflict(format!("a centre named `{name}` exists already")))?;
        centre_or_404(&db, id)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/centres/{}", row.id)))
        .json(row))
}

/// One centre with its configuration.
#[utoipa::path(get, operation_id = "centres_get", path = "/v1/centres/{id}", tag = "centres", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "The centre", body = CentreRow),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    stored_json(&state, "centre", id.into_inner(), Db::centre).await
}

/// Replace a centre's configuration (validated first; stored forecasts and rosters keep the
/// figures they were made with).
#[utoipa::path(put, operation_id = "centres_update", path = "/v1/centres/{id}", tag = "centres", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    request_body = UpdateCentre,
    responses((status = 200, description = "Updated", body = CentreRow),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "Invalid configuration", body = Problem,
            content_type = "application/problem+json")))]
pub async fn update(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<UpdateCentre>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let body = body.into_inner();
    let db = state.db.clone();
    let row = blocking(move || {
        centre_or_404(&db, id)?;
        parse_config(&body.config_toml, "config_toml")?;
        db.update_centre_config(id, &body.config_toml)?;
        centre_or_404(&db, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(row))
}

/// Export labels to map to channels.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelAliases {
    /// Queue or skill-group label as the export writes it -> the centre's channel name, e.g.
    /// `{"General Enquiries": "voice"}` (matched ignoring case and surrounding space).
    pub aliases: std::collections::BTreeMap<String, String>,
}

/// Map history labels to channels: adds the pairs to the configuration's
/// `[history.channel_aliases]` (the rest of the stored TOML is kept as written) and stores it.
#[utoipa::path(post, operation_id = "centres_channel_aliases", path = "/v1/centres/{id}/channel-aliases",
    tag = "centres", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    request_body = ChannelAliases,
    responses((status = 200, description = "Updated", body = CentreRow),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json"),
        (status = 422, description = "An empty label or an unknown channel", body = Problem,
            content_type = "application/problem+json")))]
pub async fn channel_aliases(
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<ChannelAliases>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let aliases = body.into_inner().aliases;
    if aliases.is_empty() {
        return Err(Problem::invalid("aliases", "no label to map"));
    }
    let db = state.db.clone();
    let row = blocking(move || {
        let centre = centre_or_404(&db, id)?;
        let text = add_channel_aliases(&centre.config_toml, &aliases)?;
        db.update_centre_config(id, &text)?;
        centre_or_404(&db, id)
    })
    .await?;
    Ok(HttpResponse::Ok().json(row))
}

/// A centre's configuration as JSON (the TOML's tables as objects), to fill a form from.
#[utoipa::path(get, operation_id = "centres_config_json", path = "/v1/centres/{id}/config.json",
    tag = "centres", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "The configuration as JSON", body = Object),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn config_json(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let db = state.db.clone();
    let doc = blocking(move || {
        let centre = centre_or_404(&db, id)?;
        Ok(config_as_json(&centre.config_toml)?)
    })
    .await?;
    Ok(HttpResponse::Ok().json(doc))
}
