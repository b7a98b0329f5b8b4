//! "Mot de passe oublié ?": a six-digit code, sent by SMS (or by e-mail when the account
//! has no phone or the school no SMS), valid ten minutes, used once, five wrong tries at
//! most; or printed on a slip by the secretary, valid two days. The request page says the
//! same whether or not the account exists. A new password ends every session of the
//! account.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::{Form, Router};
use chrono::Duration;
use rand::Rng;
use serde::Deserialize;

use super::ratelimit::{self, Limits};
use super::routes::LoginId;
use super::{password, repo};
use crate::app::AppState;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{ClientIp, Ctx, FormErrors, html, html_status, redirect};

/// How long a code sent to the person works, and one printed by the secretary.
pub const CODE_MINUTES: i64 = 10;
pub const SLIP_HOURS: i64 = 48;
/// Wrong tries before a code stops working.
pub const MAX_TRIES: i64 = 5;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/connexion/oubli",
            get(request_form).post(request).allow(Rule::Public),
        )
        .route(
            "/connexion/code",
            get(code_form).post(use_code).allow(Rule::Public),
        )
}

/// A fresh code: six digits, the first never 0 (read aloud, typed on a phone).
pub fn new_code() -> String {
    rand::rng().random_range(100_000..1_000_000).to_string()
}

/// Writes a code for `user` (its hash) and returns it, for the caller to send or print.
pub async fn issue(
    app: &AppState,
    tx: &mut crate::db::Tx<'_>,
    user: i64,
    via: &str,
    by: Option<i64>,
) -> AppResult<String> {
    let code = new_code();
    let hash = password::hash(code.clone()).await?;
    let now = app.clock.now();
    let valid = if via == "slip" {
        Duration::hours(SLIP_HOURS)
    } else {
        Duration::minutes(CODE_MINUTES)
    };
    repo::insert_reset(tx, user, &hash, via, by, now, now + valid).await?;
    Ok(code)
}

#[derive(Template)]
#[template(path = "auth/forgot.html")]
struct RequestPage<'a> {
    ctx: &'a Ctx,
    login: String,
    error: Option<String>,
}

async fn request_form(ctx: Ctx) -> AppResult<Response> {
    html(&RequestPage {
        ctx: &ctx,
        login: String::new(),
        error: None,
    })
}

#[derive(Deserialize)]
struct RequestForm {
    #[serde(default)]
    login: String,
}

fn limits(app: &AppState) -> Limits {
    Limits {
        per_pair: 3,
        per_account: 5,
        per_ip: app.config.login_max_per_ip,
        window: 3600,
    }
}

async fn request(
    State(app): State<AppState>,
    ctx: Ctx,
    ip: ClientIp,
    Form(f): Form<RequestForm>,
) -> AppResult<Response> {
    let page = |status, error: String| {
        html_status(
            status,
            &RequestPage {
                ctx: &ctx,
                login: f.login.chars().take(254).collect(),
                error: Some(error),
            },
        )
    };
    let Some(id) = LoginId::parse(&f.login) else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t.t("login-error-format"),
        );
    };
    // Every request counts, whether the account exists or not: three an hour per account
    // and address.
    let key = format!("reset {}", id.key());
    if let Err(limited) = ratelimit::reserve(&app.db, limits(&app), &key, &ip.0, ctx.now).await? {
        let minutes = match limited {
            ratelimit::Limited::Account(m) | ratelimit::Limited::Ip(m) => m,
        };
        return page(
            StatusCode::TOO_MANY_REQUESTS,
            ctx.t.tn("reset-error-limited", "minutes", minutes),
        );
    }
    let (email, phone) = match &id {
        LoginId::Email(e) => (Some(e.as_str()), None),
        LoginId::Phone(p) => (None, Some(p.as_str())),
    };
    let account = repo::find_for_login(&app.db, email, phone)
        .await?
        .filter(|u| u.active);
    match account {
        Some(u) => send_code(&app, u.id).await?,
        // As long as for a real account: hashing a code is what takes time.
        None => {
            password::hash(new_code()).await?;
        }
    }
    ctx.flash("success", "reset-sent").await?;
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("login", id.key())
        .finish();
    Ok(redirect(&format!("/connexion/code?{q}")))
}

/// Sends a new code to the account's phone by SMS, or to its e-mail, whichever the school
/// can reach; with neither, nothing goes (the secretary prints a slip).
async fn send_code(app: &AppState, user: i64) -> AppResult<()> {
    let Some((phone, email, locale, _)) = repo::reach(&app.db, user).await? else {
        return Ok(());
    };
    let by_sms = app.sms.is_some() && phone.is_some();
    let by_mail = app.config.smtp_url.is_some() && email.is_some();
    if !by_sms && !by_mail {
        tracing::info!(user, "reset code asked; no way to send it");
        return Ok(());
    }
    let t = crate::i18n::Tr::new(
        app.i18n.clone(),
        crate::i18n::Locale::parse(&locale).unwrap_or_default(),
    );
    let school = app.settings.school(&app.db).await?.name;
    let mut tx = crate::db::begin_write(&app.db).await?;
    let code = issue(
        app,
        &mut tx,
        user,
        if by_sms { "sms" } else { "email" },
        None,
    )
    .await?;
    let text = t.tj(
        "reset-code-text",
        serde_json::json!({ "school": school, "code": code, "delay": CODE_MINUTES.to_string() }),
    );
    if let (true, Some(to)) = (by_sms, phone.as_deref()) {
        let m = crate::sms::Outgoing {
            user_id: Some(user),
            to,
            body: &text,
            purpose: "reset",
            student_id: None,
        };
        if let Err(refused) = crate::sms::queue(&mut tx, app, &m, app.clock.now()).await? {
            tracing::warn!(user, ?refused, "reset code SMS refused");
        }
    } else if let Some(to) = email.as_deref() {
        let subject = t.t1("reset-code-subject", "school", &school);
        crate::notifications::repo::queue_email(
            &mut *tx,
            &crate::notifications::repo::NewEmail {
                user_id: user,
                to,
                subject: &subject,
                body: &text,
            },
            app.clock.now(),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "auth/reset_code.html")]
struct CodePage<'a> {
    ctx: &'a Ctx,
    login: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
struct CodeQuery {
    #[serde(default)]
    login: String,
}

async fn code_form(ctx: Ctx, Query(q): Query<CodeQuery>) -> AppResult<Response> {
    html(&CodePage {
        ctx: &ctx,
        login: q.login.chars().take(254).collect(),
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    code: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn use_code(
    State(app): State<AppState>,
    ctx: Ctx,
    ip: ClientIp,
    Form(f): Form<CodeForm>,
) -> AppResult<Response> {
    let fail = |errors: FormErrors, status: StatusCode| {
        html_status(
            status,
            &CodePage {
                ctx: &ctx,
                login: f.login.chars().take(254).collect(),
                errors,
            },
        )
    };
    let mut errors = FormErrors::default();
    if let Err(k) = password::check_new(&f.password) {
        errors.add("password", ctx.t.t(k));
    } else if f.password != f.confirm {
        errors.add("confirm", ctx.t.t("error-password-confirm"));
    }
    let code: String = f.code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.chars().all(|c| c.is_ascii_digit()) {
        errors.add("code", ctx.t.t("reset-error-code-format"));
    }
    let Some(id) = LoginId::parse(&f.login) else {
        errors.add("login", ctx.t.t("login-error-format"));
        return fail(errors, StatusCode::UNPROCESSABLE_ENTITY);
    };
    if !errors.is_empty() {
        return fail(errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Guessing codes is limited like guessing passwords.
    let key = format!("code {}", id.key());
    let limits = Limits {
        per_pair: app.config.login_max_per_account,
        per_account: app.config.login_max_per_account_total,
        per_ip: app.config.login_max_per_ip,
        window: app.config.login_window_minutes * 60,
    };
    let attempt = match ratelimit::reserve(&app.db, limits, &key, &ip.0, ctx.now).await? {
        Ok(a) => a,
        Err(ratelimit::Limited::Account(m) | ratelimit::Limited::Ip(m)) => {
            errors.add("code", ctx.t.tn("reset-error-limited", "minutes", m));
            return fail(errors, StatusCode::TOO_MANY_REQUESTS);
        }
    };
    let (email, phone) = match &id {
        LoginId::Email(e) => (Some(e.as_str()), None),
        LoginId::Phone(p) => (None, Some(p.as_str())),
    };
    let account = repo::find_for_login(&app.db, email, phone)
        .await?
        .filter(|u| u.active);
    let live = match &account {
        Some(u) => repo::live_reset(&app.db, u.id, ctx.now).await?,
        None => None,
    };
    let hash = live
        .as_ref()
        .map(|l| l.1.clone())
        .unwrap_or_else(|| password::dummy_hash().to_string());
    let right = password::verify(code, hash).await;
    let (Some(user), Some((reset_id, _, _)), true) = (account, live.as_ref(), right) else {
        if let Some((reset_id, _, _)) = live {
            repo::reset_failed(&app.db, reset_id, MAX_TRIES, ctx.now).await?;
        }
        attempt.failed();
        errors.add("code", ctx.t.t("reset-error-code"));
        return fail(errors, StatusCode::UNPROCESSABLE_ENTITY);
    };
    let new_hash = password::hash(f.password.clone()).await?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    if !repo::use_reset(&mut tx, *reset_id, ctx.now).await? {
        drop(tx);
        errors.add("code", ctx.t.t("reset-error-code"));
        return fail(errors, StatusCode::UNPROCESSABLE_ENTITY);
    }
    repo::set_password(&mut *tx, user.id, &new_hash, false).await?;
    repo::end_sessions(&mut *tx, user.id).await?;
    crate::audit::record(
        &mut *tx,
        Some(user.id),
        "user",
        &user.id.to_string(),
        "reset_code",
        None,
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    attempt.succeeded(&app.db).await?;
    app.realtime.disconnect_user(user.id);
    ctx.flash("success", "reset-done").await?;
    Ok(redirect("/connexion"))
}

/// The secretary's reset slip: a code valid two days, printed for the person to take home.
#[derive(Template)]
#[template(path = "auth/reset_slip.html")]
struct SlipPage<'a> {
    ctx: &'a Ctx,
    name: String,
    login: String,
    code: String,
    until: chrono::DateTime<chrono::Utc>,
    address: String,
}

/// Makes and shows a slip for user `id` (the admin pages call this after their checks).
pub async fn slip(app: &AppState, ctx: &Ctx, id: i64, by: i64) -> AppResult<Response> {
    let (phone, email, _, name) = repo::reach(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    let code = issue(app, &mut tx, id, "slip", Some(by)).await?;
    crate::audit::record(
        &mut *tx,
        Some(by),
        "user",
        &id.to_string(),
        "reset_slip",
        None,
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    html(&SlipPage {
        ctx,
        name,
        login: phone.or(email).unwrap_or_default(),
        code,
        until: ctx.now + Duration::hours(SLIP_HOURS),
        address: format!(
            "{}/connexion/code",
            app.config.public_url.trim_end_matches('/')
        ),
    })
}
