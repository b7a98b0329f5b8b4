//! The parent's flow (choose an amount and a network, confirm, wait live, get the
//! receipt), the demo operator's phone, and the providers' callbacks.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;

use super::provider::CallbackError;
use super::{MomoState, Network, Payment, Request, StartError, repo};
use crate::app::AppState;
use crate::auth::Portal;
use crate::authz::{self, Allow, Rule};
use crate::domain::Phone;
use crate::error::{AppError, AppResult};
use crate::fees::repo::InvoiceLine;
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

/// Pages of the parent's flow (behind the session).
pub fn router() -> Router<AppState> {
    // A parent pays for their own children; whoever sees the child's fees follows a payment.
    Router::new()
        .route(
            "/parent/enfants/{id}/paiement",
            get(form).post(submit).allow(Rule::PARENT),
        )
        .route(
            "/paiements/{id}",
            get(waiting).allow(Rule::AnyOf(authz::FEES)),
        )
        .route(
            "/paiements/{id}/etat",
            get(state_fragment).allow(Rule::AnyOf(authz::FEES)),
        )
        .route(
            "/paiements/demo/{identifier}",
            get(demo_phone).post(demo_answer).allow(Rule::PARENT),
        )
        .merge(super::admin::router())
}

/// The providers' callbacks: no session, no form token; each provider's own proof.
pub fn webhooks() -> Router<AppState> {
    Router::new()
        .route(
            "/paiements/rappel/{provider}",
            post(callback).allow(Rule::Provider),
        )
        .layer(DefaultBodyLimit::max(64 * 1024))
}

/// The child, if `id` is one of this parent's children (nobody else pays from here).
async fn own_child(app: &AppState, ctx: &Ctx, id: i64) -> AppResult<crate::school::StudentRow> {
    let u = ctx.require(Portal::Parent)?;
    crate::authz::require(crate::authz::is_guardian_of(&app.db, u, id).await?)?;
    // A child who left the school is paid for at the desk, not from here.
    crate::school::student(&app.db, id)
        .await?
        .filter(|s| s.active)
        .ok_or(AppError::Forbidden)
}

#[derive(Template)]
#[template(path = "mobile_money/form.html")]
struct Form<'a> {
    ctx: &'a Ctx,
    child: crate::school::StudentRow,
    due: Vec<InvoiceLine>,
    today: NaiveDate,
    payable: i64,
    amount: String,
    phone: String,
    network: String,
    key: String,
    errors: FormErrors,
    set_up: bool,
}

impl Form<'_> {
    fn suggested(&self) -> i64 {
        // What is overdue, else the next tranche, never more than what can be paid.
        let overdue: i64 = self
            .due
            .iter()
            .filter(|i| i.overdue(&self.today))
            .map(|i| i.remaining)
            .sum();
        let next = self.due.first().map(|i| i.remaining).unwrap_or(0);
        (if overdue > 0 { overdue } else { next }).min(self.payable)
    }
}

async fn form_page<'a>(app: &AppState, ctx: &'a Ctx, id: i64) -> AppResult<Form<'a>> {
    let child = own_child(app, ctx, id).await?;
    let mut due: Vec<InvoiceLine> = crate::fees::repo::invoices_of(&app.db, id)
        .await?
        .into_iter()
        .filter(|i| i.remaining > 0)
        .collect();
    let today = ctx.now.date_naive();
    // Overdue first, then by due date.
    due.sort_by_key(|i| (!i.overdue(&today), i.due_on, i.id));
    let phone = repo::phone_of(&app.db, ctx.user_id())
        .await?
        .unwrap_or_default();
    let network = Network::guess(&phone)
        .map(|n| n.code().to_string())
        .unwrap_or_default();
    let mut page = Form {
        ctx,
        child,
        due,
        today,
        payable: super::payable(&app.db, id).await?,
        amount: String::new(),
        phone: Phone::parse(&phone).map(|p| p.display()).unwrap_or(phone),
        network,
        key: crate::web::random_key(),
        errors: FormErrors::default(),
        set_up: app.momo.is_some(),
    };
    if page.payable > 0 {
        page.amount = page.suggested().to_string();
    }
    Ok(page)
}

async fn form(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    html(&form_page(&app, &ctx, id).await?)
}

#[derive(Deserialize)]
struct PayForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    network: String,
    #[serde(default)]
    key: String,
}

async fn submit(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::Form(f): axum::Form<PayForm>,
) -> AppResult<Response> {
    let mut page = form_page(&app, &ctx, id).await?;
    let u = ctx.require(Portal::Parent)?;
    page.amount = f.amount.clone();
    page.phone = f.phone.clone();
    page.network = f.network.clone();
    let key_ok = f.key.len() == 32 && f.key.bytes().all(|b| b.is_ascii_hexdigit());
    if key_ok {
        page.key = f.key.clone();
    } else {
        // A form without its key cannot be told from a second submission: shown again,
        // with a fresh key.
        page.errors.add("key", ctx.t.t("error-form-expired"));
    }
    let amount = crate::fees::calc::AmountXof::parse(&f.amount);
    if let Err(e) = amount {
        page.errors.add("amount", ctx.t.t(e));
    }
    let phone = Phone::parse(&f.phone);
    if let Err(e) = &phone {
        page.errors.add("phone", ctx.t.t(*e));
    }
    let network = Network::parse(&f.network);
    if network.is_none() {
        page.errors.add("network", ctx.t.t("error-momo-network"));
    }
    let (Ok(amount), Ok(phone), Some(network), true) = (amount, phone, network, key_ok) else {
        return html_status(StatusCode::UNPROCESSABLE_ENTITY, &page);
    };
    let r = Request {
        student_id: id,
        amount: amount.get(),
        network,
        phone,
        key: f.key,
    };
    match super::start(&app, u, &r).await {
        Ok(pid) => Ok(redirect(&format!("/paiements/{pid}"))),
        Err(StartError::NotSetUp) => Err(AppError::BadRequest("error-momo-not-set-up")),
        Err(StartError::NotMobile) => {
            page.errors.add("phone", ctx.t.t("error-momo-fixed-line"));
            html_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(StartError::NothingOwed) => {
            page.errors.add("amount", ctx.t.t("error-nothing-owed"));
            html_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(StartError::MoreThanOwed(can)) => {
            page.errors.add(
                "amount",
                ctx.t
                    .t1("error-momo-more-than-payable", "amount", ctx.t.xof(can)),
            );
            html_status(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(StartError::Db(e)) => Err(e.into()),
    }
}

/// An attempt, if `ctx` may see it: the student's guardians and the administration.
async fn visible(app: &AppState, ctx: &Ctx, id: i64) -> AppResult<Payment> {
    let u = ctx.user()?;
    let p = super::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    crate::authz::require(crate::authz::can_see_fees(&app.db, u, p.student_id).await?)?;
    Ok(p)
}

#[derive(Template)]
#[template(path = "mobile_money/waiting.html")]
struct Waiting<'a> {
    ctx: &'a Ctx,
    p: Payment,
    student: String,
    demo: bool,
}

#[derive(Template)]
#[template(path = "mobile_money/_state.html")]
struct StateFragment<'a> {
    ctx: &'a Ctx,
    p: Payment,
    demo: bool,
}

pub(super) async fn student_name(app: &AppState, id: i64) -> AppResult<String> {
    let (f, l) = repo::student_names(&app.db, id)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok(format!("{f} {l}"))
}

async fn waiting(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let p = visible(&app, &ctx, id).await?;
    html(&Waiting {
        ctx: &ctx,
        student: student_name(&app, p.student_id).await?,
        demo: p.provider == "demo",
        p,
    })
}

async fn state_fragment(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let p = visible(&app, &ctx, id).await?;
    html(&StateFragment {
        ctx: &ctx,
        demo: p.provider == "demo",
        p,
    })
}

#[derive(Template)]
#[template(path = "mobile_money/demo_phone.html")]
struct DemoPhone<'a> {
    ctx: &'a Ctx,
    p: Payment,
}

/// The demo operator's attempt behind `identifier`, for the parent who started it.
async fn demo_attempt(app: &AppState, ctx: &Ctx, identifier: &str) -> AppResult<Payment> {
    let u = ctx.user()?;
    let p = super::find(&app.db, Some(identifier), None)
        .await?
        .filter(|p| p.provider == "demo" && p.identifier == identifier)
        .ok_or(AppError::NotFound)?;
    crate::authz::require(p.user_id == u.id)?;
    Ok(p)
}

async fn demo_phone(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(identifier): Path<String>,
) -> AppResult<Response> {
    let p = demo_attempt(&app, &ctx, &identifier).await?;
    html(&DemoPhone { ctx: &ctx, p })
}

#[derive(Deserialize)]
struct DemoAnswer {
    #[serde(default)]
    answer: String,
    #[serde(default)]
    pin: String,
}

async fn demo_answer(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(identifier): Path<String>,
    axum::Form(f): axum::Form<DemoAnswer>,
) -> AppResult<Response> {
    let p = demo_attempt(&app, &ctx, &identifier).await?;
    let accept = f.answer == "accept";
    if accept && (f.pin.len() != 4 || !f.pin.bytes().all(|b| b.is_ascii_digit())) {
        ctx.flash("error", "momo-demo-pin-required").await?;
        return Ok(redirect(&super::demo::phone_page(&identifier)));
    }
    super::demo::answer(&app.db, &identifier, accept, ctx.now).await?;
    // The operator confirms at once, as a callback would.
    if let Err(e) = super::check_now(&app, p.id).await {
        tracing::warn!(error = %e, "demo confirmation");
    }
    Ok(redirect(&format!("/paiements/{}", p.id)))
}

/// A provider's callback: recorded as it came (within limits), read (a signature where the
/// provider signs), and acted on: a signed one applied at once, an unsigned one only asks
/// for a status check, queued on the job runner (at most one every half minute for an
/// attempt, however many callbacks come). Answers at once.
async fn callback(
    State(app): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(provider) = app.momo.clone().filter(|p| p.name() == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let now = app.clock.now();
    // The provider signs with its own clock: the signature's age is measured on the wall's.
    let read = provider.read_callback(&headers, &body, crate::clock::wall());
    let (identifier, provider_ref) = match &read {
        Ok(c) => (c.identifier.clone(), c.provider_ref.clone()),
        Err(_) => (None, None),
    };
    let found = match &read {
        Ok(_) => super::find(&app.db, identifier.as_deref(), provider_ref.as_deref())
            .await
            .ok()
            .flatten(),
        Err(_) => None,
    };
    let verdict = match (&read, &found) {
        (Err(CallbackError::BadSignature), _) => "bad-signature",
        (Err(CallbackError::Unreadable), _) => "unreadable",
        (Ok(_), None) => "unknown",
        (Ok(c), Some(_)) if c.verified.is_some() => "verified",
        (Ok(_), Some(_)) => "to-check",
    };
    let signature = headers
        .get("x-fedapay-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let kept = super::keep_callback(
        &app.db,
        &super::CallbackRow {
            provider: &name,
            received_at: now,
            body: &String::from_utf8_lossy(&body),
            signature: signature.as_deref(),
            identifier: identifier.as_deref().or(provider_ref.as_deref()),
            payment_id: found.as_ref().map(|p| p.id),
            verdict,
        },
    )
    .await;
    if let Err(e) = kept {
        // Not kept: the provider must send it again.
        tracing::error!(error = %e, "mobile money callback not recorded");
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    tracing::info!(provider = %name, verdict, identifier = ?identifier, "mobile money callback");
    match (read, found) {
        (Err(CallbackError::BadSignature), _) => StatusCode::UNAUTHORIZED.into_response(),
        (Err(CallbackError::Unreadable), _) => StatusCode::BAD_REQUEST.into_response(),
        // Unknown: acknowledged (and kept), so that the provider stops sending it.
        (Ok(_), None) => StatusCode::OK.into_response(),
        (Ok(c), Some(p)) => {
            let done = match c.verified {
                // Signed: its word is the provider's. Applying it is database work only.
                Some(s) => super::apply(&app, &p, &s).await.map(|_| ()),
                None => super::ask_for_check(&app, p.id, now)
                    .await
                    .map_err(Into::into),
            };
            if let Err(e) = done {
                tracing::warn!(id = p.id, error = %e, "mobile money callback: the reconciler will retry");
            }
            StatusCode::OK.into_response()
        }
    }
}
