//! Rooms: the list of the school's rooms with the classes in each, and the forms that add and
//! change them (records managers).

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::records_manager;
use crate::app::AppState;
use crate::auth::Portal;
use crate::db;
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::school::rooms::{self, KINDS, Room, RoomInput};
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

#[derive(Template)]
#[template(path = "admin/rooms.html")]
struct Page<'a> {
    ctx: &'a Ctx,
    rooms: Vec<Room>,
    kinds: &'static [&'static str],
    can_edit: bool,
    /// The form that failed, and which room it was for (`None`: the new room form).
    form: RoomForm,
    failed: Option<Option<i64>>,
    errors: FormErrors,
}

impl Page<'_> {
    fn failed_for(&self, id: &i64) -> bool {
        self.failed == Some(Some(*id))
    }
    fn new_failed(&self) -> bool {
        self.failed == Some(None)
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RoomForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    active: Option<String>,
}

async fn page<'a>(app: &AppState, ctx: &'a Ctx) -> AppResult<Page<'a>> {
    let u = ctx.require(Portal::Admin)?;
    Ok(Page {
        ctx,
        rooms: rooms::rooms(&app.db).await?,
        kinds: &KINDS,
        can_edit: crate::authz::can_manage_records(u),
        form: RoomForm::default(),
        failed: None,
        errors: FormErrors::default(),
    })
}

pub async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    html(&page(&app, &ctx).await?)
}

/// Checks a room form; the errors are keyed by field.
fn check(ctx: &Ctx, f: &RoomForm, is_new: bool) -> Result<RoomInput, FormErrors> {
    let mut errors = FormErrors::default();
    let name = domain::required_text(&f.name, 40).unwrap_or_else(|k| {
        errors.add("name", ctx.t.t(k));
        String::new()
    });
    let kind = KINDS.iter().find(|k| **k == f.kind).copied();
    if kind.is_none() {
        errors.add("kind", ctx.t.t("error-required"));
    }
    let capacity = match f.capacity.trim() {
        "" => None,
        s => match s.parse::<i64>() {
            Ok(n) if (1..=1000).contains(&n) => Some(n),
            _ => {
                errors.add("capacity", ctx.t.t("error-room-capacity"));
                None
            }
        },
    };
    match (kind, errors.is_empty()) {
        (Some(kind), true) => Ok(RoomInput {
            name,
            kind,
            capacity,
            // A new room is in use; the edit form says so with its checkbox.
            active: is_new || f.active.is_some(),
        }),
        _ => Err(errors),
    }
}

async fn save(app: &AppState, ctx: &Ctx, id: Option<i64>, f: RoomForm) -> AppResult<Response> {
    records_manager(ctx)?;
    let mut p = page(app, ctx).await?;
    if let Some(id) = id
        && !p.rooms.iter().any(|r| r.id == id)
    {
        return Err(AppError::NotFound);
    }
    let result = match check(ctx, &f, id.is_none()) {
        Ok(input) => {
            let saved = match id {
                None => rooms::insert(&app.db, &input).await.map(|_| ()),
                Some(id) => rooms::update(&app.db, id, &input).await.map(|_| ()),
            };
            match saved {
                Ok(()) => {
                    ctx.flash("success", "saved").await?;
                    return Ok(redirect("/admin/salles"));
                }
                Err(e) if db::is_unique_violation(&e) => {
                    let mut errors = FormErrors::default();
                    errors.add("name", ctx.t.t1("error-room-taken", "name", &input.name));
                    errors
                }
                Err(e) => return Err(e.into()),
            }
        }
        Err(errors) => errors,
    };
    p.form = f;
    p.failed = Some(id);
    p.errors = result;
    html_status(StatusCode::UNPROCESSABLE_ENTITY, &p)
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<RoomForm>,
) -> AppResult<Response> {
    save(&app, &ctx, None, f).await
}

pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<RoomForm>,
) -> AppResult<Response> {
    save(&app, &ctx, Some(id), f).await
}

/// A class's room must be one of the school's rooms in use; an empty one means none.
pub async fn check_class_room(
    app: &AppState,
    ctx: &Ctx,
    room: Option<String>,
) -> AppResult<Result<Option<String>, String>> {
    let Some(room) = room else {
        return Ok(Ok(None));
    };
    let names = rooms::active_names(&app.db).await?;
    Ok(match names.into_iter().find(|n| *n == room) {
        Some(n) => Ok(Some(n)),
        None => Err(ctx.t.t1("error-room-unknown", "name", &room)),
    })
}
