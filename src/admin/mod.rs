//! The administration portal: dashboard, students, classes, guardians, staff and accounts.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use rand::Rng;

use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::error::{AppError, AppResult};
use crate::school::Counts;
use crate::web::{Ctx, html};

mod classes;
mod coefficients;
pub mod grading;
mod journal;
pub mod people;
pub mod repo;
mod rooms;
mod school;
mod students;
pub mod years;

pub use classes::class_name;

/// Routes of the administration portal.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(dashboard))
        .route("/admin/eleves", get(students::index).post(students::create))
        .route("/admin/eleves/nouveau", get(students::new))
        .route(
            "/admin/eleves/{id}",
            get(students::show).post(students::update),
        )
        .route("/admin/eleves/{id}/inscription", post(students::enroll))
        .route(
            "/admin/eleves/{id}/activation",
            post(students::toggle_active),
        )
        .route("/admin/eleves/{id}/parents", post(students::link_guardian))
        .route(
            "/admin/eleves/{id}/parents/{user}/retirer",
            post(students::unlink_guardian),
        )
        .route("/admin/classes", get(classes::index).post(classes::create))
        .route("/admin/classes/nouvelle", get(classes::new))
        .route(
            "/admin/classes/{id}",
            get(classes::show).post(classes::update),
        )
        .route("/admin/salles", get(rooms::index).post(rooms::create))
        .route("/admin/salles/{id}", post(rooms::update))
        .route("/admin/classes/{id}/enseignants", post(classes::assign))
        .route(
            "/admin/classes/{id}/enseignants/{subject}/retirer",
            post(classes::unassign),
        )
        .route(
            "/admin/parents",
            get(people::guardians).post(people::create_guardian),
        )
        .route("/admin/parents/nouveau", get(people::new_guardian))
        .route(
            "/admin/personnel",
            get(people::staff).post(people::create_staff),
        )
        .route("/admin/personnel/nouveau", get(people::new_staff))
        .route(
            "/admin/etablissement",
            get(school::show).post(school::update),
        )
        .route("/admin/notation", get(grading::show).post(grading::update))
        .route("/admin/annees", get(years::index))
        .route("/admin/annees/preparation", post(years::prepare))
        .route("/admin/annees/{id}/ouverture", post(years::open))
        .route("/admin/annees/{id}/passages", post(years::promote))
        .route(
            "/admin/coefficients",
            get(coefficients::show).post(coefficients::update),
        )
        .route("/admin/journal", get(journal::index))
        .route("/admin/utilisateurs", get(people::users))
        .route(
            "/admin/utilisateurs/{id}",
            get(people::show).post(people::update),
        )
        .route(
            "/admin/utilisateurs/{id}/mot-de-passe",
            post(people::reset_password),
        )
        .route(
            "/admin/utilisateurs/{id}/activation",
            post(people::toggle_active),
        )
}

/// The administration user, when the action is about records (director, secretary).
fn records_manager(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let u = ctx.require(Portal::Admin)?;
    if crate::authz::can_manage_records(u) {
        Ok(u)
    } else {
        Err(AppError::Forbidden)
    }
}

/// A temporary password to hand to a person, easy to read aloud: no 0/O or 1/l.
pub fn temporary_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut rng = rand::rng();
    let mut s: String = (0..10)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    s.insert(5, '-');
    s
}

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
struct Dashboard<'a> {
    ctx: &'a Ctx,
    year: Option<crate::school::Year>,
    counts: Counts,
}

async fn dashboard(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let year = crate::school::current_year(&app.db).await?;
    let counts = match &year {
        Some(y) => crate::school::counts(&app.db, y.id).await?,
        None => Counts::default(),
    };
    html(&Dashboard {
        ctx: &ctx,
        year,
        counts,
    })
}

/// The staff kind, for templates comparing kinds.
pub fn people_kind_staff() -> people::Kind {
    people::Kind::Staff
}

/// The guardians kind, for templates comparing kinds.
pub fn people_kind_guardians() -> people::Kind {
    people::Kind::Guardians
}
