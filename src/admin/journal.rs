//! The audit log, for the director: who changed a mark, a period or a coefficient, when,
//! and from what to what, in sentences; filtered by person, kind and dates.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use crate::app::AppState;
use crate::audit::{self, Filter, Line};
use crate::auth::Portal;
use crate::authz;
use crate::error::AppResult;
use crate::web::pagination::ListQuery;
use crate::web::{Ctx, FormErrors, Pagination, html_status};

const PER_PAGE: i64 = 50;

/// The filters, as typed (text, so that a bad value is told, not a bare 400).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct JournalQuery {
    /// A kind of record.
    #[serde(default)]
    pub filtre: String,
    /// A person's id.
    #[serde(default)]
    pub qui: String,
    /// From this day.
    #[serde(default)]
    pub du: String,
    /// To this day, included.
    #[serde(default)]
    pub au: String,
    #[serde(default)]
    pub page: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/journal.html")]
struct Page<'a> {
    ctx: &'a Ctx,
    q: JournalQuery,
    lines: Vec<Line>,
    pages: Pagination,
    entities: Vec<(&'static str, String)>,
    actors: Vec<(i64, String)>,
    errors: FormErrors,
}

pub async fn index(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<JournalQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    authz::require(authz::can_manage_accounts(u))?;
    let t = &ctx.t;
    let mut errors = FormErrors::default();
    let mut day = |field: &str, v: &str| {
        if v.trim().is_empty() {
            return None;
        }
        match crate::domain::parse_date(v) {
            Ok(d) => Some(d),
            Err(key) => {
                errors.add(field, key.message(t));
                None
            }
        }
    };
    let (from, to) = (day("du", &q.du), day("au", &q.au));
    let midnight = |d: chrono::NaiveDate| d.and_hms_opt(0, 0, 0).map(|x| x.and_utc());
    let filter = Filter {
        entity: audit::ENTITIES
            .iter()
            .find(|e| **e == q.filtre)
            .map(|e| e.to_string()),
        actor: q.qui.parse().ok(),
        from: from.and_then(midnight),
        until: to.and_then(|d| d.succ_opt()).and_then(midnight),
    };
    let list = ListQuery {
        q: String::new(),
        page: q.page.clone(),
        filtre: q.filtre.clone(),
    };
    let page = list.page();
    let (entries, total) = audit::page(&app.db, &filter, PER_PAGE, (page - 1) * PER_PAGE).await?;
    let pages = Pagination::new(page, PER_PAGE, total, &list).keep_also(&[
        ("qui", &q.qui),
        ("du", &q.du),
        ("au", &q.au),
    ]);
    let lines = audit::describe(&app.db, t, &entries).await?;
    let mut entities: Vec<(&'static str, String)> = audit::ENTITIES
        .iter()
        .map(|e| (*e, t.t(format!("entity-{e}"))))
        .collect();
    entities.sort_by(|a, b| a.1.cmp(&b.1));
    let actors = audit::actors(&app.db).await?;
    html_status(
        errors.status(),
        &Page {
            ctx: &ctx,
            q,
            lines,
            pages,
            entities,
            actors,
            errors,
        },
    )
}
