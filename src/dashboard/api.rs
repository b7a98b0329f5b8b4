//! Each widget's numbers as JSON (for native widgets, the installed app's widgets and other
//! programs), read with the session or a personal access token; and the page where a person
//! makes, sees and revokes their tokens.

use askama::Template;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;

use super::repo;
use super::routes::{WidgetQuery, computed, widget_url};
use super::tokens::{self, TokenAuth};
use super::widgets::Kind;
use crate::app::AppState;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId, field, form, html_status, redirect};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/widgets", get(list).allow(Rule::Api))
        .route("/api/widgets/{kind}", get(one).allow(Rule::Api))
        // What a widget looks like on a home screen: no one's data, fetched by the platform.
        .route(
            "/tableau/widgets/{kind}/carte.json",
            get(card).allow(Rule::Public),
        )
        .route(
            "/compte/jetons",
            get(tokens_page).post(create).allow(Rule::SignedIn),
        )
        .route(
            "/compte/jetons/{id}/revoquer",
            post(revoke).allow(Rule::SignedIn),
        )
}

fn error(ctx: &Ctx, e: AppError) -> Response {
    let (status, key) = match e {
        AppError::NotFound => (StatusCode::NOT_FOUND, "error-not-found"),
        AppError::Forbidden => (StatusCode::FORBIDDEN, "error-forbidden"),
        AppError::BadRequest(k) => (StatusCode::BAD_REQUEST, k),
        e => return e.into_response(),
    };
    (
        status,
        Json(json!({ "error": key, "message": ctx.t.t(key) })),
    )
        .into_response()
}

/// The widgets the user (or the token) may read, with their addresses.
async fn list(ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    let token = ctx_token(&ctx);
    let mut out = Vec::new();
    for role in &u.roles {
        for kind in Kind::ALL.into_iter().filter(|k| k.allows(*role)) {
            if token.as_ref().is_some_and(|t| !t.allows(kind.code())) {
                continue;
            }
            out.push(json!({
                "widget": kind.code(),
                "role": role.code(),
                "title": ctx.t.t(kind.title_key()),
                "url": format!("/api/widgets/{}?role={}", kind.code(), role.code()),
                "page": widget_url(kind, *role, None, None, "/page"),
            }));
        }
    }
    Ok(Json(json!({ "widgets": out })).into_response())
}

fn ctx_token(ctx: &Ctx) -> Option<TokenAuth> {
    ctx.token.clone()
}

/// One widget's numbers: `?role=parent&enfant=12&classe=3`, as on the dashboard.
async fn one(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<WidgetQuery>,
) -> AppResult<Response> {
    let Some(kind) = Kind::parse(&code) else {
        return Ok(error(&ctx, AppError::NotFound));
    };
    let (role, data) = match computed(&app, &ctx, kind, &q).await {
        Ok(x) => x,
        Err(e) => return Ok(error(&ctx, e)),
    };
    let Ok(data) = data else {
        let key = "dash-widget-error";
        return Ok((
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "error": key, "message": ctx.t.t(key) })),
        )
            .into_response());
    };
    let mut res = Json(json!({
        "widget": kind.code(),
        "role": role.code(),
        "title": ctx.t.t(kind.title_key()),
        "generated_at": ctx.now,
        "data": data,
    }))
    .into_response();
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-cache"),
    );
    Ok(res)
}

#[derive(serde::Deserialize)]
struct LangQuery {
    #[serde(default)]
    lang: String,
}

/// A widget's Adaptive Card template, in the language asked for (else the reader's).
async fn card(
    State(app): State<AppState>,
    axum::Extension(locale): axum::Extension<crate::i18n::Locale>,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
) -> AppResult<Response> {
    let kind = Kind::parse(&code).ok_or(AppError::NotFound)?;
    let locale = crate::i18n::Locale::parse(&q.lang).unwrap_or(locale);
    let t = crate::i18n::Tr::new(app.i18n.clone(), locale);
    let card = super::cards::template(&t, kind).ok_or(AppError::NotFound)?;
    Ok(Json(card).into_response())
}

// ---------------------------------------------------------------- the tokens page

struct TokenLine {
    row: repo::Token,
    scopes: Vec<String>,
}

#[derive(Template)]
#[template(path = "dashboard/tokens.html")]
struct TokensPage<'a> {
    ctx: &'a Ctx,
    tokens: Vec<TokenLine>,
    /// The scopes the user may give: (code, title).
    scopes: Vec<(&'static str, String)>,
    /// A token just made, shown once.
    secret: Option<String>,
    error: Option<String>,
    name: String,
}

/// The scopes worth offering `u`: the widgets their roles may have, and the gamification API.
fn offered(ctx: &Ctx) -> Vec<(&'static str, String)> {
    let roles = ctx
        .user
        .as_ref()
        .map(|u| u.roles.clone())
        .unwrap_or_default();
    let mut out: Vec<(&'static str, String)> = Kind::ALL
        .into_iter()
        .filter(|k| roles.iter().any(|r| k.allows(*r)))
        .map(|k| (k.code(), ctx.t.t(k.title_key())))
        .collect();
    out.push((tokens::GAMIFICATION, ctx.t.t("token-scope-gamification")));
    out.push((tokens::ASSISTANT, ctx.t.t("token-scope-assistant")));
    out
}

async fn page(
    app: &AppState,
    ctx: &Ctx,
    status: StatusCode,
    secret: Option<String>,
    error: Option<String>,
    name: String,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let scopes = offered(ctx);
    let tokens = repo::tokens_of(&app.db, u.id)
        .await?
        .into_iter()
        .map(|row| TokenLine {
            scopes: row
                .scopes
                .split_whitespace()
                .map(|s| match Kind::parse(s) {
                    Some(k) => ctx.t.t(k.title_key()),
                    None => ctx.t.t(format!("token-scope-{s}")),
                })
                .collect(),
            row,
        })
        .collect();
    let mut res = html_status(
        status,
        &TokensPage {
            ctx,
            tokens,
            scopes,
            secret,
            error,
            name,
        },
    )?;
    // A new token's secret is shown once: no copy in any cache.
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("no-store"),
    );
    Ok(res)
}

async fn tokens_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    page(&app, &ctx, StatusCode::OK, None, None, String::new()).await
}

async fn create(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let name = field(&f, "name").trim().to_string();
    let offered = offered(&ctx);
    let mut scopes: Vec<&str> = Vec::new();
    for (k, v) in &f {
        if k == "scope" {
            match offered.iter().find(|(code, _)| code == v) {
                Some((code, _)) => scopes.push(code),
                None => {
                    return Err(AppError::BadRequest("token-error-scope"));
                }
            }
        }
    }
    let refuse = |key: &str| Some(ctx.t.t(key));
    let problem = if name.is_empty() || name.chars().count() > 80 {
        refuse("token-error-name")
    } else if scopes.is_empty() {
        refuse("token-error-no-scope")
    } else {
        None
    };
    if problem.is_some() {
        return page(
            &app,
            &ctx,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            problem,
            name,
        )
        .await;
    }
    let expires = match field(&f, "duree") {
        "" | "jamais" => None,
        d => {
            let days: i64 = d
                .parse()
                .map_err(|_| AppError::BadRequest("token-error-duration"))?;
            if !(1..=366).contains(&days) {
                return Err(AppError::BadRequest("token-error-duration"));
            }
            Some(ctx.now + chrono::Duration::days(days))
        }
    };
    let (secret, hash) = tokens::new_secret();
    let fp = tokens::password_fp(&crate::auth::repo::password_hash(&app.db, u.id).await?);
    let prefix: String = secret.chars().take(tokens::PREFIX.len() + 4).collect();
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = repo::insert_token(
        &mut *tx,
        u.id,
        &name,
        &hash,
        &prefix,
        &scopes.join(" "),
        ctx.now,
        expires,
        &fp,
    )
    .await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "api_token",
        &id.to_string(),
        "create",
        None,
        Some(&scopes.join(" ")),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    page(
        &app,
        &ctx,
        StatusCode::OK,
        Some(secret),
        None,
        String::new(),
    )
    .await
}

async fn revoke(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = ctx.user()?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    // Another person's token, or one already revoked, is not found.
    if !repo::revoke_token(&mut *tx, u.id, id, ctx.now).await? {
        return Err(AppError::NotFound);
    }
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "api_token",
        &id.to_string(),
        "revoke",
        None,
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "token-revoked").await?;
    Ok(redirect("/compte/jetons"))
}
