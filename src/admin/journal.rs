//! The audit log, for the director: who changed a mark, a period or a coefficient, when,
//! and from what to what.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;

use crate::app::AppState;
use crate::audit::{self, Entry};
use crate::auth::Portal;
use crate::authz;
use crate::error::AppResult;
use crate::web::pagination::ListQuery;
use crate::web::{Ctx, Pagination, html};

const PER_PAGE: i64 = 50;

#[derive(Template)]
#[template(path = "admin/journal.html")]
struct Page<'a> {
    ctx: &'a Ctx,
    q: ListQuery,
    entries: Vec<Entry>,
    pages: Pagination,
    entities: [&'static str; 6],
}

pub async fn index(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    authz::require(authz::can_manage_accounts(u))?;
    let entity = audit::ENTITIES.iter().find(|e| **e == q.filtre).copied();
    let page = q.page();
    let (entries, total) = audit::page(&app.db, entity, PER_PAGE, (page - 1) * PER_PAGE).await?;
    let pages = Pagination::new(page, PER_PAGE, total, &q);
    html(&Page {
        ctx: &ctx,
        q,
        entries,
        pages,
        entities: audit::ENTITIES,
    })
}
