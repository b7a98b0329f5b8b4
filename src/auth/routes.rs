//! Login, logout, password change, role and language switches.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use tower_sessions::Expiry;

use super::ratelimit::{self, Limited, Limits};
use super::{Role, keys, password, repo};
use crate::app::AppState;
use crate::authz::{Allow, Rule};
use crate::domain::{Email, Phone};
use crate::error::AppResult;
use crate::i18n::Locale;
use crate::web::layer::LANG_KEY;
use crate::web::{ClientIp, Ctx, FormErrors, csrf, html, html_status, local_path, redirect};

/// Routes of this feature.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(root).allow(Rule::Public))
        .route(
            "/connexion",
            get(login_form).post(login).allow(Rule::Public),
        )
        // Logging out works from any state, a session already gone included.
        .route("/deconnexion", post(logout).allow(Rule::Public))
        .route(
            "/compte/mot-de-passe",
            get(password_form)
                .post(change_password)
                .allow(Rule::Account),
        )
        .route("/compte/role", post(switch_role).allow(Rule::Account))
        .route("/langue", post(switch_language).allow(Rule::Public))
        .merge(super::reset::router())
}

async fn root(ctx: Ctx) -> Response {
    match &ctx.user {
        Some(u) => redirect(u.active_portal().home()),
        None => redirect("/connexion"),
    }
}

#[derive(Template)]
#[template(path = "auth/login.html")]
struct LoginPage<'a> {
    ctx: &'a Ctx,
    login: String,
    next: String,
    remember: bool,
    error: Option<String>,
    kind: LoginKind,
}

impl LoginPage<'_> {
    /// The address of the login page typed with `kind`, keeping where to go after it.
    fn kind_href(&self, kind: &LoginKind) -> String {
        let mut q = form_urlencoded::Serializer::new(String::new());
        q.append_pair("par", kind.code());
        if !self.next.is_empty() {
            q.append_pair("suivant", &self.next);
        }
        format!("/connexion?{}", q.finish())
    }
}

/// How a person types their login, which decides the phone's keyboard: parents log in
/// with a phone number (digits), staff with an e-mail (letters). Either kind of login is
/// accepted whatever the choice; it only changes the keyboard and the example.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoginKind {
    /// A +228 phone number: a phone keyboard.
    Phone,
    /// An e-mail address: a keyboard with @.
    Email,
}

impl LoginKind {
    /// The value in addresses, forms and the cookie.
    pub fn code(&self) -> &'static str {
        match self {
            LoginKind::Phone => "telephone",
            LoginKind::Email => "email",
        }
    }

    fn parse(s: &str) -> Option<LoginKind> {
        match s {
            "telephone" => Some(LoginKind::Phone),
            "email" => Some(LoginKind::Email),
            _ => None,
        }
    }

    /// The kind of what was typed (an `@` makes an e-mail).
    fn of(login: &str) -> LoginKind {
        if login.contains('@') {
            LoginKind::Email
        } else {
            LoginKind::Phone
        }
    }

    /// Both, in the order the toggle shows them.
    pub const ALL: [LoginKind; 2] = [LoginKind::Phone, LoginKind::Email];
}

/// The cookie that remembers, on this device, how its person logs in (a teacher's phone
/// opens on the e-mail keyboard next time). Not a secret: only "telephone" or "email".
const KIND_COOKIE: &str = "suku_login_par";

fn remembered_kind(headers: &axum::http::HeaderMap) -> Option<LoginKind> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == KIND_COOKIE)
        .and_then(|(_, v)| LoginKind::parse(v))
}

#[derive(Deserialize)]
struct NextQuery {
    #[serde(default)]
    suivant: String,
    #[serde(default)]
    par: String,
}

async fn login_form(
    ctx: Ctx,
    headers: axum::http::HeaderMap,
    Query(q): Query<NextQuery>,
) -> AppResult<Response> {
    if let Some(u) = &ctx.user {
        return Ok(redirect(u.active_portal().home()));
    }
    // Asked in the address (the toggle without JavaScript), else as this device last
    // logged in, else a phone number: most people who log in are parents.
    let kind = LoginKind::parse(&q.par)
        .or_else(|| remembered_kind(&headers))
        .unwrap_or(LoginKind::Phone);
    html(&LoginPage {
        ctx: &ctx,
        login: String::new(),
        next: q.suivant,
        remember: false,
        error: None,
        kind,
    })
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    remember: Option<String>,
    #[serde(default)]
    suivant: String,
    #[serde(default)]
    par: String,
}

/// The login typed by the user, normalized: an e-mail or a +228 phone.
pub(super) enum LoginId {
    Email(Email),
    Phone(Phone),
}

impl LoginId {
    pub(super) fn parse(s: &str) -> Option<LoginId> {
        if s.contains('@') {
            Email::parse(s).ok().map(LoginId::Email)
        } else {
            Phone::parse(s).ok().map(LoginId::Phone)
        }
    }

    pub(super) fn key(&self) -> &str {
        match self {
            LoginId::Email(e) => e.as_str(),
            LoginId::Phone(p) => p.as_str(),
        }
    }
}

async fn login(
    State(app): State<AppState>,
    ctx: Ctx,
    ip: ClientIp,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    let remember = f.remember.is_some();
    let page = |status: StatusCode, error: String| {
        html_status(
            status,
            &LoginPage {
                ctx: &ctx,
                login: f.login.chars().take(254).collect(),
                next: f.suivant.clone(),
                remember,
                error: Some(error),
                // What was typed decides: a staff member who typed an e-mail on the phone
                // keyboard gets the e-mail keyboard to correct it.
                kind: if f.login.trim().is_empty() {
                    LoginKind::parse(&f.par).unwrap_or(LoginKind::Phone)
                } else {
                    LoginKind::of(&f.login)
                },
            },
        )
    };
    if f.login.len() > 254 || f.password.chars().count() > password::MAX_LEN {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t.t("login-error-format"),
        );
    }
    let Some(id) = LoginId::parse(&f.login) else {
        return page(
            StatusCode::UNPROCESSABLE_ENTITY,
            ctx.t.t("login-error-format"),
        );
    };
    let limits = Limits {
        per_pair: app.config.login_max_per_account,
        per_account: app.config.login_max_per_account_total,
        per_ip: app.config.login_max_per_ip,
        window: app.config.login_window_minutes * 60,
    };
    let attempt = match ratelimit::reserve(&app.db, limits, id.key(), &ip.0, ctx.now).await? {
        Ok(attempt) => attempt,
        Err(Limited::Account(m)) => {
            return page(
                StatusCode::TOO_MANY_REQUESTS,
                ctx.t.tn("login-error-locked-account", "minutes", m),
            );
        }
        Err(Limited::Ip(m)) => {
            return page(
                StatusCode::TOO_MANY_REQUESTS,
                ctx.t.tn("login-error-locked-ip", "minutes", m),
            );
        }
    };
    let (email, phone) = match &id {
        LoginId::Email(e) => (Some(e.as_str()), None),
        LoginId::Phone(p) => (None, Some(p.as_str())),
    };
    let row = repo::find_for_login(&app.db, email, phone).await?;
    let hash = row
        .as_ref()
        .map(|r| r.password_hash.clone())
        .unwrap_or_else(|| password::dummy_hash().to_string());
    let ok = password::verify(f.password.clone(), hash).await;
    let Some(user) = row.filter(|_| ok) else {
        attempt.failed();
        tracing::info!(ip = %ip.0, "failed login");
        return page(StatusCode::UNAUTHORIZED, ctx.t.t("login-error-bad"));
    };
    if !user.active {
        attempt.failed();
        return page(StatusCode::FORBIDDEN, ctx.t.t("login-error-inactive"));
    }
    attempt.succeeded(&app.db).await?;
    let Some(u) = repo::active_user(&app.db, user.id).await? else {
        return page(StatusCode::FORBIDDEN, ctx.t.t("login-error-inactive"));
    };
    let mut roles: Vec<Role> = u.roles.split(',').filter_map(Role::parse).collect();
    roles.sort_by_key(|r| Role::ALL.iter().position(|x| x == r));
    let Some(role) = roles.first().copied() else {
        return page(StatusCode::FORBIDDEN, ctx.t.t("login-error-no-role"));
    };
    let locale = Locale::parse(&user.locale).unwrap_or_default();
    let profile = super::SessionProfile {
        first_name: u.first_name,
        last_name: u.last_name,
        locale,
        roles,
        must_change_password: user.must_change_password,
    };

    // A new session id at login: a session id planted before login is worthless after it.
    let s = &ctx.session;
    s.cycle_id().await?;
    s.insert(keys::USER, user.id).await?;
    s.insert(keys::LOGIN_AT, ctx.now.timestamp()).await?;
    s.insert(keys::REMEMBER, remember).await?;
    s.insert(keys::ROLE, role.code()).await?;
    s.insert(keys::PROFILE, profile).await?;
    s.insert(LANG_KEY, locale).await?;
    if remember {
        s.set_expiry(Some(Expiry::OnInactivity(time::Duration::days(
            app.config.remember_days,
        ))));
    }
    csrf::rotate(s).await?;
    repo::touch_login(&app.db, user.id, ctx.now).await?;
    tracing::info!(user_id = user.id, "login");
    if user.must_change_password {
        return Ok(redirect("/compte/mot-de-passe"));
    }
    let to = local_path(&f.suivant);
    let mut res = redirect(to.as_deref().unwrap_or(role.portal().home()));
    let kind = match id {
        LoginId::Email(_) => LoginKind::Email,
        LoginId::Phone(_) => LoginKind::Phone,
    };
    let cookie = format!(
        "{KIND_COOKIE}={}; Path=/connexion; Max-Age=31536000; SameSite=Lax; HttpOnly{}",
        kind.code(),
        if app.config.secure_cookies() {
            "; Secure"
        } else {
            ""
        }
    );
    if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
        res.headers_mut().append(axum::http::header::SET_COOKIE, v);
    }
    Ok(res)
}

async fn logout(
    State(app): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    if let Some(u) = &ctx.user {
        app.realtime.disconnect_user(u.id);
        // This browser stops receiving this person's pushes: the next person on a shared
        // computer must not see them. The page sends the browser's subscription (and drops
        // it); the session remembers the one it made.
        let endpoint = form_urlencoded::parse(&body)
            .find(|(k, _)| k == "push_endpoint")
            .map(|(_, v)| v.into_owned());
        let device: Option<i64> = ctx
            .session
            .get(crate::notifications::routes::DEVICE_KEY)
            .await?;
        if device.is_some() || endpoint.is_some() {
            crate::notifications::push::unsubscribe(&app.db, u.id, device, endpoint.as_deref())
                .await?;
        }
    }
    ctx.session.flush().await?;
    Ok(redirect("/connexion"))
}

#[derive(Template)]
#[template(path = "auth/password.html")]
struct PasswordPage<'a> {
    ctx: &'a Ctx,
    errors: FormErrors,
}

async fn password_form(ctx: Ctx) -> AppResult<Response> {
    ctx.signed_in()?;
    html(&PasswordPage {
        ctx: &ctx,
        errors: FormErrors::default(),
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    confirm: String,
}

async fn change_password(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    let uid = ctx.signed_in()?.id;
    let mut errors = FormErrors::default();
    let hash = repo::password_hash(&app.db, uid).await?;
    if f.current.chars().count() > password::MAX_LEN
        || !password::verify(f.current.clone(), hash).await
    {
        errors.add("current", ctx.t.t("error-password-current"));
    }
    if let Err(k) = password::check_new(&f.new) {
        errors.add("new", ctx.t.t(k));
    } else if f.new == f.current {
        errors.add("new", ctx.t.t("error-password-same"));
    } else if f.new != f.confirm {
        errors.add("confirm", ctx.t.t("error-password-confirm"));
    }
    if !errors.is_empty() {
        return html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &PasswordPage { ctx: &ctx, errors },
        );
    }
    let new_hash = password::hash(f.new).await?;
    repo::set_password(&app.db, uid, &new_hash, false).await?;
    if let Some(mut profile) = ctx
        .session
        .get::<super::SessionProfile>(keys::PROFILE)
        .await?
    {
        profile.must_change_password = false;
        ctx.session.insert(keys::PROFILE, profile).await?;
    }
    let keep = ctx.session.id().map(|i| i.to_string());
    repo::end_other_sessions(&app.db, uid, keep.as_deref()).await?;
    ctx.flash("success", "password-changed").await?;
    Ok(redirect(ctx.signed_in()?.active_portal().home()))
}

#[derive(Deserialize)]
struct RoleForm {
    #[serde(default)]
    role: String,
}

async fn switch_role(ctx: Ctx, Form(f): Form<RoleForm>) -> AppResult<Response> {
    let u = ctx.signed_in()?;
    let role = Role::parse(&f.role)
        .filter(|r| u.has(*r))
        .ok_or(crate::error::AppError::Forbidden)?;
    ctx.session.insert(keys::ROLE, role.code()).await?;
    Ok(redirect(role.portal().home()))
}

#[derive(Deserialize)]
struct LangForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    retour: String,
}

async fn switch_language(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<LangForm>,
) -> AppResult<Response> {
    let locale =
        Locale::parse(&f.lang).ok_or(crate::error::AppError::BadRequest("error-bad-request"))?;
    ctx.session.insert(LANG_KEY, locale).await?;
    if let Some(u) = &ctx.user {
        repo::set_locale(&app.db, u.id, locale.code()).await?;
    }
    Ok(redirect(local_path(&f.retour).as_deref().unwrap_or("/")))
}
