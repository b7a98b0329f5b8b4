//! The administration portal: dashboard, students, classes, guardians, staff and accounts.

use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use rand::Rng;

use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::Ctx;

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

/// Routes of the administration portal. Every administration role reads; the director and
/// the secretary change records; the director alone changes the school's settings and
/// accounts.
pub fn router() -> Router<AppState> {
    let (admin, records, director) = (Rule::ADMIN, Rule::RECORDS, Rule::DIRECTOR);
    Router::new()
        .route("/admin", get(dashboard).allow(admin))
        .route("/admin/eleves", get(students::index).allow(admin))
        .route("/admin/eleves", post(students::create).allow(records))
        .route("/admin/eleves/nouveau", get(students::new).allow(records))
        .route("/admin/eleves/{id}", get(students::show).allow(admin))
        .route("/admin/eleves/{id}", post(students::update).allow(records))
        .route(
            "/admin/eleves/{id}/inscription",
            post(students::enroll).allow(records),
        )
        .route(
            "/admin/eleves/{id}/activation",
            post(students::toggle_active).allow(records),
        )
        .route(
            "/admin/eleves/{id}/parents",
            post(students::link_guardian).allow(records),
        )
        .route(
            "/admin/eleves/{id}/parents/{user}/retirer",
            post(students::unlink_guardian).allow(records),
        )
        .route("/admin/classes", get(classes::index).allow(admin))
        .route("/admin/classes", post(classes::create).allow(records))
        .route("/admin/classes/nouvelle", get(classes::new).allow(records))
        .route("/admin/classes/{id}", get(classes::show).allow(admin))
        .route("/admin/classes/{id}", post(classes::update).allow(records))
        .route("/admin/salles", get(rooms::index).allow(admin))
        .route("/admin/salles", post(rooms::create).allow(records))
        .route("/admin/salles/{id}", post(rooms::update).allow(records))
        .route(
            "/admin/classes/{id}/enseignants",
            post(classes::assign).allow(records),
        )
        .route(
            "/admin/classes/{id}/enseignants/{subject}/retirer",
            post(classes::unassign).allow(records),
        )
        .route("/admin/parents", get(people::guardians).allow(admin))
        .route(
            "/admin/parents",
            post(people::create_guardian).allow(records),
        )
        .route(
            "/admin/parents/nouveau",
            get(people::new_guardian).allow(records),
        )
        .route("/admin/personnel", get(people::staff).allow(admin))
        .route(
            "/admin/personnel",
            post(people::create_staff).allow(records),
        )
        .route(
            "/admin/personnel/nouveau",
            get(people::new_staff).allow(records),
        )
        .route("/admin/etablissement", get(school::show).allow(admin))
        .route("/admin/etablissement", post(school::update).allow(director))
        .route("/admin/notation", get(grading::show).allow(admin))
        .route("/admin/notation", post(grading::update).allow(director))
        .route("/admin/annees", get(years::index).allow(admin))
        .route(
            "/admin/annees/preparation",
            post(years::prepare).allow(director),
        )
        .route(
            "/admin/annees/{id}/ouverture",
            post(years::open).allow(director),
        )
        .route(
            "/admin/annees/{id}/passages",
            post(years::promote).allow(director),
        )
        .route("/admin/coefficients", get(coefficients::show).allow(admin))
        .route(
            "/admin/coefficients",
            post(coefficients::update).allow(director),
        )
        .route("/admin/journal", get(journal::index).allow(director))
        .route("/admin/utilisateurs", get(people::users).allow(admin))
        .route("/admin/utilisateurs/{id}", get(people::show).allow(admin))
        .route(
            "/admin/utilisateurs/{id}",
            post(people::update).allow(records),
        )
        .route(
            "/admin/utilisateurs/{id}/mot-de-passe",
            post(people::reset_password).allow(director),
        )
        .route(
            "/admin/utilisateurs/{id}/bon",
            post(people::reset_slip).allow(records),
        )
        .route(
            "/admin/utilisateurs/{id}/activation",
            post(people::toggle_active).allow(director),
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

/// The administration's home: the user's dashboard of widgets.
async fn dashboard(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    crate::dashboard::home(&app, &ctx, Portal::Admin).await
}

/// The staff kind, for templates comparing kinds.
pub fn people_kind_staff() -> people::Kind {
    people::Kind::Staff
}

/// The guardians kind, for templates comparing kinds.
pub fn people_kind_guardians() -> people::Kind {
    people::Kind::Guardians
}
