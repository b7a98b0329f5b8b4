//! The assistant's pages: the panel (a page of its own without JavaScript, a side panel on
//! a PC and the full screen on a phone with it), its JSON for programs, and the
//! administration's page (the FAQ, the limits, the use, the flagged conversations).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::{AssistantSettings, Refusal, repo};
use crate::app::AppState;
use crate::auth::Role;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, FormErrors, PathId, field, form, html, html_status, redirect};

pub fn router() -> Router<AppState> {
    let user = Rule::SignedIn;
    let records = Rule::RECORDS;
    Router::new()
        .route("/assistant", get(panel).post(send).allow(user))
        .route("/assistant/nouvelle", post(new_conversation).allow(user))
        .route("/assistant/signaler", post(report).allow(user))
        .route("/api/assistant", post(api).allow(Rule::Api))
        .route("/admin/assistant", get(admin).allow(records))
        .route("/admin/assistant/faq", post(add_faq).allow(records))
        .route(
            "/admin/assistant/faq/{id}/suppression",
            post(delete_faq).allow(records),
        )
        .route(
            "/admin/assistant/reglages",
            post(save_settings).allow(Rule::DIRECTOR),
        )
        .route(
            "/admin/assistant/signalements/{id}",
            post(handled).allow(records),
        )
        .route(
            "/admin/assistant/conversations/{id}",
            get(flagged_conversation).allow(records),
        )
}

#[derive(Template)]
#[template(path = "assistant/panel.html")]
struct Panel<'a> {
    ctx: &'a Ctx,
    messages: Vec<repo::Message>,
    suggestions: Vec<String>,
    fragment: bool,
}

/// Only the panel's inside (opened over a page with JavaScript).
#[derive(Template)]
#[template(path = "assistant/_thread.html")]
struct PanelPart<'a> {
    ctx: &'a Ctx,
    messages: Vec<repo::Message>,
    suggestions: Vec<String>,
    fragment: bool,
}

/// Questions to start with, for the role.
fn suggestions(ctx: &Ctx, role: Role) -> Vec<String> {
    (1..=3)
        .map(|i| ctx.t.t(format!("asst-suggest-{}-{i}", role.code())))
        .collect()
}

async fn panel(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    let role = u.active_role;
    let messages = match repo::latest_conversation(&app.db, u.id, role.code()).await? {
        Some(c) => repo::messages(&app.db, c).await?,
        None => Vec::new(),
    };
    let suggestions = suggestions(&ctx, role);
    if ctx.htmx.wants_fragment() {
        return html(&PanelPart {
            fragment: true,
            suggestions,
            ctx: &ctx,
            messages,
        });
    }
    html(&Panel {
        fragment: false,
        suggestions,
        ctx: &ctx,
        messages,
    })
}

#[derive(Template)]
#[template(path = "assistant/_exchange.html")]
struct Exchange<'a> {
    ctx: &'a Ctx,
    messages: Vec<repo::Message>,
    error: Option<String>,
}

/// A question from the panel: the question and its answer, added to the conversation.
async fn send(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let reply = match super::ask(&app, u, u.active_role, &ctx.t, field(&f, "message")).await {
        Err(Refusal::Other(e)) => return Err(e),
        other => other,
    };
    let (status, error) = match &reply {
        Ok(_) => (StatusCode::OK, None),
        Err(r) => {
            let (status, key) = r.status_key();
            (status, Some(ctx.t.t(key)))
        }
    };
    if !ctx.htmx.request {
        if let Some(e) = error {
            ctx.flash_text("error", e).await?;
        }
        return Ok(redirect("/assistant#asst-form"));
    }
    let messages = match &reply {
        Ok(r) => repo::messages(&app.db, r.conversation)
            .await?
            .into_iter()
            .filter(|m| m.id == r.question_id || m.id == r.answer_id)
            .collect(),
        Err(_) => Vec::new(),
    };
    html_status(
        status,
        &Exchange {
            ctx: &ctx,
            messages,
            error,
        },
    )
}

async fn new_conversation(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    repo::start(&app.db, u.id, u.active_role.code(), ctx.now).await?;
    Ok(redirect("/assistant"))
}

/// The person flags their conversation for the school to read (something wrong, hurtful or
/// worrying in it).
async fn report(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let note: String = field(&f, "note").trim().chars().take(500).collect();
    let Some(c) = repo::latest_conversation(&app.db, u.id, u.active_role.code()).await? else {
        return Err(AppError::BadRequest("asst-error-nothing-to-report"));
    };
    // An empty conversation has nothing to read; one already reported waits for the school.
    if repo::messages(&app.db, c).await?.is_empty() {
        return Err(AppError::BadRequest("asst-error-nothing-to-report"));
    }
    if !repo::reported(&app.db, c, u.id).await? {
        repo::flag(&app.db, c, "report", &note, Some(u.id), ctx.now).await?;
    }
    ctx.flash("success", "asst-reported").await?;
    Ok(redirect("/assistant"))
}

// ---------------------------------------------------------------- JSON

#[derive(serde::Deserialize)]
struct ApiQuestion {
    message: String,
    /// The role to answer as (one the person holds), else their active one.
    #[serde(default)]
    role: Option<String>,
}

/// `POST /api/assistant` with `{"message": "..."}`: `{"answer": "...", "conversation": ID}`.
async fn api(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let error = |status: StatusCode, key: &'static str| {
        (
            status,
            Json(json!({ "error": key, "message": ctx.t.t(key) })),
        )
            .into_response()
    };
    let Ok(q) = serde_json::from_slice::<ApiQuestion>(&body) else {
        return Ok(error(StatusCode::BAD_REQUEST, "asst-error-json"));
    };
    let role = match q.role.as_deref() {
        None => u.active_role,
        Some(r) => match Role::parse(r).filter(|r| u.has(*r)) {
            Some(r) => r,
            None => return Ok(error(StatusCode::FORBIDDEN, "error-forbidden")),
        },
    };
    let asker = super::Limits {
        token: ctx.token.as_ref(),
    };
    match super::ask_with(&app, u, role, &ctx.t, &q.message, asker).await {
        Ok(r) => {
            Ok(Json(json!({ "answer": r.answer, "conversation": r.conversation })).into_response())
        }
        Err(Refusal::Other(e)) => Err(e),
        Err(r) => {
            let (status, key) = r.status_key();
            Ok(error(status, key))
        }
    }
}

// ---------------------------------------------------------------- the administration

#[derive(Template)]
#[template(path = "assistant/admin.html")]
struct Admin<'a> {
    ctx: &'a Ctx,
    faq: Vec<repo::Faq>,
    settings: AssistantSettings,
    week: Vec<repo::UsageLine>,
    month: Vec<repo::UsageLine>,
    flags: Vec<repo::Flag>,
    errors: FormErrors,
    may_set: bool,
}

async fn admin_page(app: &AppState, ctx: &Ctx, errors: FormErrors) -> AppResult<Response> {
    let u = ctx.user()?;
    html_status(
        errors.status(),
        &Admin {
            faq: repo::faq(&app.db).await?,
            settings: super::settings(app).await?,
            week: repo::usage_by_role(&app.db, ctx.now - chrono::Duration::days(7)).await?,
            month: repo::usage_by_role(&app.db, ctx.now - chrono::Duration::days(30)).await?,
            flags: repo::flags(&app.db).await?,
            may_set: u.has(Role::Director),
            errors,
            ctx,
        },
    )
}

async fn admin(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    admin_page(&app, &ctx, FormErrors::default()).await
}

async fn add_faq(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let (q, a, k) = (
        field(&f, "question").trim(),
        field(&f, "answer").trim(),
        field(&f, "keywords").trim(),
    );
    let mut errors = FormErrors::default();
    if q.is_empty() || q.chars().count() > 200 {
        errors.add("question", ctx.t.t("asst-error-question"));
    }
    if a.is_empty() || a.chars().count() > 2000 {
        errors.add("answer", ctx.t.t("asst-error-answer"));
    }
    if !errors.is_empty() {
        return admin_page(&app, &ctx, errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = repo::add_faq(&mut *tx, q, a, k, Some(u.id), ctx.now).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "assistant_faq",
        &id.to_string(),
        "create",
        None,
        Some(q),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "saved").await?;
    Ok(redirect("/admin/assistant#faq"))
}

async fn delete_faq(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    if !repo::delete_faq(&mut *tx, id).await? {
        return Err(AppError::NotFound);
    }
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "assistant_faq",
        &id.to_string(),
        "delete",
        None,
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "saved").await?;
    Ok(redirect("/admin/assistant#faq"))
}

async fn save_settings(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let int = |k: &str| field(&f, k).trim().parse::<i64>().unwrap_or(-1);
    let s = AssistantSettings {
        daily_messages: int("daily_messages"),
        per_minute: int("per_minute"),
        blocked_topics: field(&f, "blocked_topics")
            .lines()
            .map(|l| l.trim().chars().take(60).collect::<String>())
            .filter(|l| !l.is_empty())
            .take(50)
            .collect(),
    };
    let mut errors = FormErrors::default();
    for (field, key) in s.validate() {
        errors.add(field, ctx.t.t(key));
    }
    if !errors.is_empty() {
        return admin_page(&app, &ctx, errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    crate::settings::store(&mut *tx, "assistant", &s).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "settings",
        "assistant",
        "update",
        None,
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "saved").await?;
    Ok(redirect("/admin/assistant#reglages"))
}

async fn handled(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = ctx.user()?;
    if !repo::handle_flag(&app.db, id, u.id, ctx.now).await? {
        return Err(AppError::NotFound);
    }
    ctx.flash("success", "saved").await?;
    Ok(redirect("/admin/assistant#signalements"))
}

#[derive(Template)]
#[template(path = "assistant/conversation.html")]
struct Flagged<'a> {
    ctx: &'a Ctx,
    person: String,
    messages: Vec<repo::Message>,
}

/// A flagged conversation, for the administration: only those flagged are open to it.
async fn flagged_conversation(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let person = repo::flagged_owner(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    html(&Flagged {
        person,
        messages: repo::messages(&app.db, id).await?,
        ctx: &ctx,
    })
}
