//! Jobs: poll status and progress, cancel.

use actix_web::{web, HttpResponse};

use super::common::{centre_list, stored_json};
use super::{blocking, AppState};
use crate::db::{Db, JobRow};
use crate::problem::Problem;

/// One job: status, progress (0..1), current step, result id or error.
#[utoipa::path(get, operation_id = "jobs_get", path = "/v1/jobs/{id}", tag = "jobs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Job id")),
    responses((status = 200, description = "The job", body = JobRow),
        (status = 404, description = "No such job", body = Problem,
            content_type = "application/problem+json")))]
pub async fn get(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    stored_json(&state, "job", id.into_inner(), Db::job).await
}

/// Jobs of a centre, newest first (at most 100).
#[utoipa::path(get, operation_id = "jobs_list", path = "/v1/centres/{id}/jobs", tag = "jobs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Centre id")),
    responses((status = 200, description = "Jobs", body = Vec<JobRow>),
        (status = 404, description = "No such centre", body = Problem,
            content_type = "application/problem+json")))]
pub async fn list(state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, Problem> {
    centre_list(&state, id.into_inner(), Db::jobs).await
}

/// Cancel a job: a queued job is cancelled at once; a running one stops at its next step (a solve
/// in progress runs to its time limit and its result is discarded). Finished jobs are a 409.
#[utoipa::path(post, operation_id = "jobs_cancel", path = "/v1/jobs/{id}/cancel", tag = "jobs", security(("bearer" = [])),
    params(("id" = i64, Path, description = "Job id")),
    responses((status = 202, description = "Cancellation requested (or done)", body = JobRow),
        (status = 404, description = "No such job", body = Problem,
            content_type = "application/problem+json"),
        (status = 409, description = "The job has finished", body = Problem,
            content_type = "application/problem+json")))]
pub async fn cancel(
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, Problem> {
    let id = id.into_inner();
    let st = state.clone();
    let job = blocking(move || {
        let job = st
            .db
            .job(id)?
            .ok_or_else(|| Problem::not_found("job", id))?;
        if job.status.is_finished() {
            return Err(Problem::conflict(format!(
                "job {id} has already finished ({})",
                job.status
            )));
        }
        st.jobs.cancel(id)?;
        st.db.job(id)?.ok_or_else(|| Problem::not_found("job", id))
    })
    .await?;
    Ok(HttpResponse::Accepted().json(job))
}
