//! Who may reach a route at all, declared where the route is mounted:
//!
//! ```ignore
//! .route("/enseignant/evaluations/{id}", get(entry).post(save_all).allow(Rule::Portal(Portal::Teacher)))
//! ```
//!
//! The rule is checked before the handler runs, from the signed-in user's roles. The question
//! about the record itself ("this student? this class?") stays in the handler, asked of the
//! relationship functions of [`crate::authz`]. The rule travels on the response (as an
//! extension), so the suite reads the rule of every route the router answers and fails on a
//! route that has none.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;

use crate::app::AppState;
use crate::auth::{CurrentUser, Portal, Role};
use crate::error::AppError;

/// The roles that handle money: record payments, grant discounts, reverse receipts, set fees.
pub const MONEY: &[Role] = &[Role::Bursar, Role::Director];
/// The roles that manage people and classes: create, edit, deactivate.
pub const RECORDS: &[Role] = &[Role::Director, Role::Secretary];
/// The roles that follow the students at risk of the whole school.
pub const SCHOOL_RISKS: &[Role] = &[Role::Director, Role::Secretary];
/// The school's staff: the administration and the teachers.
pub const STAFF: &[Role] = &[Role::Director, Role::Bursar, Role::Secretary, Role::Teacher];
/// Who may see a fees account: the administration, and a family its own children's.
pub const FEES: &[Role] = &[Role::Director, Role::Bursar, Role::Secretary, Role::Parent];
/// The director alone: accounts, settings, the school's year.
pub const DIRECTOR: &[Role] = &[Role::Director];

/// The access rule of a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, signed in or not: the login and password-reset pages, the app's own files.
    Public,
    /// An outside service's server, which proves itself by signing the request; the handler
    /// checks the signature, so nobody's session matters.
    Provider,
    /// Any signed-in account, even one still on a temporary password: the pages that
    /// replace it, logging out, switching role.
    Account,
    /// Any signed-in user whose password is their own: what every portal shares (messages,
    /// notifications, files, the profile), each record checked by the handler.
    SignedIn,
    /// Any signed-in user whose password is their own, from a program: refused with a 401
    /// in JSON, since a program does not follow a redirect to the login page.
    Api,
    /// A user holding a role of this portal.
    Portal(Portal),
    /// A user holding one of these roles.
    AnyOf(&'static [Role]),
}

impl Rule {
    pub const STUDENT: Rule = Rule::Portal(Portal::Student);
    pub const TEACHER: Rule = Rule::Portal(Portal::Teacher);
    pub const PARENT: Rule = Rule::Portal(Portal::Parent);
    /// Any role of the administration (director, bursar, secretary).
    pub const ADMIN: Rule = Rule::Portal(Portal::Admin);
    pub const MONEY: Rule = Rule::AnyOf(MONEY);
    pub const RECORDS: Rule = Rule::AnyOf(RECORDS);
    pub const DIRECTOR: Rule = Rule::AnyOf(DIRECTOR);
}

/// The user who sent the request, as the web middleware read it from the session (once
/// per request; the page context reuses it).
#[derive(Clone, Debug)]
pub struct Viewer(pub Option<CurrentUser>);

impl Rule {
    /// Whether `u` (None: nobody signed in) passes; the error says where to send them if
    /// not. `path` is where to come back after logging in.
    pub fn check(self, u: Option<&CurrentUser>, path: &str) -> Result<(), AppError> {
        if matches!(self, Rule::Public | Rule::Provider) {
            return Ok(());
        }
        let Some(u) = u else {
            return Err(AppError::Unauthorized { next: path.into() });
        };
        if self == Rule::Api && u.must_change_password {
            return Err(AppError::Unauthorized { next: path.into() });
        }
        if self == Rule::Account {
            return Ok(());
        }
        if u.must_change_password {
            return Err(AppError::PasswordChange);
        }
        let ok = match self {
            Rule::Portal(p) => u.can_use(p),
            Rule::AnyOf(roles) => roles.iter().any(|r| u.has(*r)),
            _ => true,
        };
        if ok { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// Whether a user holding only `role` passes (for the tests' walk of every role).
    pub fn admits_role(self, role: Role) -> bool {
        match self {
            Rule::Portal(p) => role.portal() == p,
            Rule::AnyOf(roles) => roles.contains(&role),
            _ => true,
        }
    }
}

/// Declares a route's rule: `get(page).post(save).allow(rule)` guards every method given
/// before it.
pub trait Allow {
    fn allow(self, rule: Rule) -> Self;
}

impl Allow for MethodRouter<AppState> {
    fn allow(self, rule: Rule) -> Self {
        self.layer(axum::middleware::from_fn(
            move |req: Request, next: Next| gate(rule, req, next),
        ))
    }
}

async fn gate(rule: Rule, req: Request, next: Next) -> Response {
    let viewer = req.extensions().get::<Viewer>().and_then(|v| v.0.as_ref());
    let path = req
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map(|u| u.0.path().to_string())
        .unwrap_or_else(|| req.uri().path().to_string());
    let mut res = match rule.check(viewer, &path) {
        Ok(()) => next.run(req).await,
        Err(AppError::Unauthorized { .. }) if rule == Rule::Api => {
            let t = req.extensions().get::<crate::i18n::Tr>();
            let key = "api-login-required";
            let message = t.map(|t| t.t(key)).unwrap_or_else(|| key.into());
            (
                axum::http::StatusCode::UNAUTHORIZED,
                axum::Json(serde_json::json!({ "error": key, "message": message })),
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    };
    res.extensions_mut().insert(rule);
    res
}
