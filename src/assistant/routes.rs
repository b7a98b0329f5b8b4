//! The assistant's pages: the panel (a page of its own without JavaScript, a side panel on
//! a PC and the full screen on a phone with it), its JSON for programs, and the
//! administration's page (the FAQ, the limits, the use, the flagged conversations).

use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tokio_stream::StreamExt;
use tokio_stream::wrappers::ReceiverStream;

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
        .route("/assistant/reponses/{id}", get(answer).allow(user))
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
            "/admin/assistant/modele",
            post(save_model).allow(Rule::DIRECTOR),
        )
        .route(
            "/admin/assistant/modele/verification",
            post(check_model).allow(Rule::DIRECTOR),
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

/// A question from the panel: the question and its answer, added to the conversation. The
/// panel asks for the answer streamed (`X-Suku-Stream`): it then comes pending, for the
/// panel to read from [`answer`] as the model writes it.
async fn send(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let message = field(&f, "message");
    let streamed = ctx.htmx.request && headers.contains_key("x-suku-stream");
    let reply = if streamed {
        let limits = super::Limits::default();
        super::begin(&app, u, u.active_role, &ctx.t, message, &limits, true).await
    } else {
        super::ask(&app, u, u.active_role, &ctx.t, message).await
    };
    let reply = match reply {
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

#[derive(Template)]
#[template(path = "assistant/_message.html")]
struct OneMessage<'a> {
    ctx: &'a Ctx,
    m: repo::Message,
}

/// One answer of the person's: streamed as the model writes it (server-sent events: `tool`
/// while a tool is read, `delta` for each piece of text, `done` with the whole text), or
/// whole once written (the fragment, for a browser without event streams).
async fn answer(
    State(app): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?.clone();
    let m = repo::message_of(&app.db, id, u.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if m.author != "assistant" {
        return Err(AppError::NotFound);
    }
    let streamed = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/event-stream"));
    if !streamed {
        if matches!(m.mode.as_str(), "pending" | "running") {
            let (app, u, t) = (app.clone(), u.clone(), ctx.t.clone());
            let run = super::detached(async move {
                let limits = super::Limits::default();
                super::complete(
                    &app,
                    &u,
                    &t,
                    id,
                    &limits,
                    super::whole_within(),
                    &mut |_| {},
                )
                .await
            });
            match run.await {
                Ok(_) | Err(Refusal::Other(AppError::Conflict(_))) => {}
                Err(Refusal::Other(e)) => return Err(e),
                Err(_) => return Err(AppError::BadRequest("asst-model-down")),
            }
        }
        let m = match super::wait(&app, &u, id, super::whole_within(), &|| false).await? {
            Some(m) => m,
            None => repo::Message {
                body: ctx.t.t("asst-model-lost"),
                mode: "local".into(),
                ..m
            },
        };
        return html(&OneMessage { ctx: &ctx, m });
    }
    // Bounded: a reader too slow for the pieces misses some, and the whole text ends it.
    let (tx, rx) = tokio::sync::mpsc::channel::<Event>(256);
    let t = ctx.t.clone();
    let clean = |s: &str| s.replace("\r\n", "\n").replace('\r', "\n");
    tokio::spawn(async move {
        let mut written = None;
        if matches!(m.mode.as_str(), "pending" | "running") {
            let limits = super::Limits::default();
            let r = super::complete(
                &app,
                &u,
                &t,
                id,
                &limits,
                super::streamed_within(),
                &mut |p| {
                    let e = match p {
                        super::model::Progress::Text(x) => {
                            Event::default().event("delta").data(clean(x))
                        }
                        super::model::Progress::Tool(n) => Event::default()
                            .event("tool")
                            .data(t.t(super::model::tool_label(n))),
                        super::model::Progress::Tokens(_) => return,
                    };
                    let _ = tx.try_send(e);
                },
            )
            .await;
            match r {
                Ok(body) => written = Some(body),
                Err(Refusal::Other(AppError::Conflict(_))) => {}
                Err(e) => {
                    tracing::warn!(error = ?e, "assistant: the answer failed");
                    written = Some(t.t("asst-model-lost"));
                }
            }
        }
        let text = match written {
            Some(w) => w,
            None => {
                let gone = || tx.is_closed();
                match super::wait(&app, &u, id, super::streamed_within(), &gone).await {
                    Ok(Some(m)) => m.body,
                    _ => t.t("asst-model-lost"),
                }
            }
        };
        let _ = tx
            .send(Event::default().event("done").data(clean(&text)))
            .await;
    });
    let events = ReceiverStream::new(rx).map(Ok::<_, std::convert::Infallible>);
    Ok(Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response())
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
        let mut tx = crate::db::begin_write(&app.db).await?;
        super::flag(&mut tx, c, "report", &note, Some(u.id), ctx.now).await?;
        tx.commit().await?;
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
    let limits = super::Limits::of(ctx.token.as_ref());
    match super::ask_with(&app, u, role, &ctx.t, &q.message, limits).await {
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
    /// The model the assistant uses, and whether the server's environment sets it.
    model: Option<super::llm::Endpoint>,
    from_server: bool,
}

async fn admin_page(app: &AppState, ctx: &Ctx, errors: FormErrors) -> AppResult<Response> {
    let u = ctx.user()?;
    let settings = super::settings(app).await?;
    html_status(
        errors.status(),
        &Admin {
            faq: repo::faq(&app.db).await?,
            week: repo::usage_by_role(&app.db, ctx.now - chrono::Duration::days(7)).await?,
            month: repo::usage_by_role(&app.db, ctx.now - chrono::Duration::days(30)).await?,
            flags: repo::flags(&app.db).await?,
            may_set: u.has(Role::Director),
            model: settings.endpoint(&app.config.llm),
            from_server: settings.llm_url.is_empty() && !app.config.llm.url.is_empty(),
            settings,
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
    let f = form(&body);
    let mut s = super::settings(&app).await?;
    // A field the form does not send keeps its value; one sent empty or wrong is an error.
    let int = |k: &str, now: i64| {
        if f.iter().any(|(n, _)| n == k) {
            field(&f, k).trim().parse::<i64>().unwrap_or(-1)
        } else {
            now
        }
    };
    s.daily_messages = int("daily_messages", s.daily_messages);
    s.per_minute = int("per_minute", s.per_minute);
    s.daily_tokens = int("daily_tokens", s.daily_tokens);
    s.homework_hints = field(&f, "homework_hints") == "1";
    s.blocked_topics = field(&f, "blocked_topics")
        .lines()
        .map(|l| l.trim().chars().take(60).collect::<String>())
        .filter(|l| !l.is_empty())
        .take(50)
        .collect();
    let mut errors = FormErrors::default();
    for (field, key) in s.validate() {
        errors.add(field, ctx.t.t(key));
    }
    if !errors.is_empty() {
        return admin_page(&app, &ctx, errors).await;
    }
    store_settings(&app, &ctx, &s, "assistant").await?;
    ctx.flash("success", "saved").await?;
    Ok(redirect("/admin/assistant#reglages"))
}

async fn store_settings(
    app: &AppState,
    ctx: &Ctx,
    s: &AssistantSettings,
    what: &str,
) -> AppResult<()> {
    let u = ctx.user()?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    crate::settings::store(&mut *tx, "assistant", s).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "settings",
        what,
        "update",
        None,
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The model's connection, as the director sets it (empty address: the server's own), then
/// its check.
async fn save_model(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let f = form(&body);
    let mut s = super::settings(&app).await?;
    let before = s.llm_url.clone();
    s.llm_url = field(&f, "llm_url").trim().chars().take(300).collect();
    s.llm_model = field(&f, "llm_model").trim().chars().take(120).collect();
    s.llm_wait_seconds = field(&f, "llm_wait_seconds").trim().parse().unwrap_or(-1);
    // The key is never shown back: empty keeps it, unless it is to be forgotten.
    let key = field(&f, "llm_key").trim();
    // A key saved for one server is not sent to another.
    let moved = origin(&before) != origin(&s.llm_url);
    if field(&f, "llm_key_forget") == "1" || s.llm_url.is_empty() || (moved && key.is_empty()) {
        s.llm_key.clear();
    } else if !key.is_empty() {
        s.llm_key = key.chars().take(300).collect();
    }
    let mut errors = FormErrors::default();
    for (field, key) in s.validate_model() {
        errors.add(field, ctx.t.t(key));
    }
    if !errors.is_empty() {
        return admin_page(&app, &ctx, errors).await;
    }
    store_settings(&app, &ctx, &s, "assistant-model").await?;
    let check = check_text(&app, &ctx, &s).await;
    ctx.flash_text(check.0, format!("{} {}", ctx.t.t("saved"), check.1))
        .await?;
    Ok(redirect("/admin/assistant#modele"))
}

/// The scheme, host and port of an address (`http://host:8000`).
fn origin(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    format!(
        "{}://{}",
        scheme.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    )
}

async fn check_model(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let s = super::settings(&app).await?;
    let (kind, text) = check_text(&app, &ctx, &s).await;
    ctx.flash_text(kind, text).await?;
    Ok(redirect("/admin/assistant#modele"))
}

/// The connection check's result: (flash kind, message).
async fn check_text(app: &AppState, ctx: &Ctx, s: &AssistantSettings) -> (&'static str, String) {
    let t = &ctx.t;
    let Some(ep) = s.endpoint(&app.config.llm) else {
        return ("info", t.t("asst-model-none"));
    };
    match super::llm::check(&app.llm, &ep).await {
        Ok(true) => ("success", t.t1("asst-model-ok", "model", &ep.model)),
        Ok(false) => ("info", t.t1("asst-model-unlisted", "model", &ep.model)),
        Err(e) => ("error", t.t1("asst-model-failed", "detail", e.detail())),
    }
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
    // An answer still being written is shown as such, not streamed to the administration.
    let messages = repo::messages(&app.db, id)
        .await?
        .into_iter()
        .map(|m| match m.mode.as_str() {
            "pending" | "running" => repo::Message {
                body: ctx.t.t("asst-thinking"),
                mode: "local".into(),
                ..m
            },
            _ => m,
        })
        .collect();
    html(&Flagged {
        person,
        messages,
        ctx: &ctx,
    })
}
