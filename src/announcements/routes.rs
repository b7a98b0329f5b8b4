//! The announcement pages, the same for every portal.

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::AUDIENCES;
use super::repo::{self, Announcement, NewAnnouncement, Recipient};
use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::school::{self, Choice, ClassRow};
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

/// Routes of announcements.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/annonces", get(index).allow(Rule::SignedIn))
        .route("/annonces", post(create).allow(Rule::AnyOf(WRITERS)))
        .route("/annonces/nouvelle", get(new).allow(Rule::AnyOf(WRITERS)))
        .route("/annonces/{id}", get(show).allow(Rule::SignedIn))
}

fn reader(ctx: &Ctx) -> AppResult<&CurrentUser> {
    ctx.user()
}

/// The administration reads every announcement and writes to any audience.
fn is_admin(u: &CurrentUser) -> bool {
    u.has(Role::Director) || u.has(Role::Secretary) || u.has(Role::Bursar)
}

/// Who writes announcements: the director, the secretary and the teachers.
const WRITERS: &[Role] = &[Role::Director, Role::Secretary, Role::Teacher];

fn may_write(u: &CurrentUser) -> bool {
    WRITERS.iter().any(|r| u.has(*r))
}

#[derive(Template)]
#[template(path = "announcements/index.html")]
struct Index<'a> {
    ctx: &'a Ctx,
    items: Vec<Announcement>,
    can_write: bool,
}

async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = reader(&ctx)?;
    html(&Index {
        ctx: &ctx,
        items: repo::for_reader(&app.db, u.id, is_admin(u), 100).await?,
        can_write: may_write(u),
    })
}

#[derive(Template)]
#[template(path = "announcements/show.html")]
struct Show<'a> {
    ctx: &'a Ctx,
    a: Announcement,
    recipients: Option<Vec<Recipient>>,
}

impl Show<'_> {
    fn read_count(&self) -> usize {
        self.recipients
            .as_ref()
            .map(|r| r.iter().filter(|x| x.read).count())
            .unwrap_or(0)
    }

    fn read_args(&self) -> serde_json::Value {
        serde_json::json!({ "read": self.read_count() as i64, "total": self.total() as i64 })
    }

    fn total(&self) -> usize {
        self.recipients.as_ref().map(|r| r.len()).unwrap_or(0)
    }
}

async fn show(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = reader(&ctx)?;
    let Some(a) = repo::get(&app.db, id, u.id, is_admin(u)).await? else {
        return Err(if repo::exists(&app.db, id).await? {
            AppError::Forbidden
        } else {
            AppError::NotFound
        });
    };
    repo::mark_read(&app.db, id, u.id, ctx.now).await?;
    // Who has read it is for its author and the administration.
    let recipients = if a.author_id == u.id || is_admin(u) {
        Some(repo::recipients(&app.db, id).await?)
    } else {
        None
    };
    html(&Show {
        ctx: &ctx,
        a,
        recipients,
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
struct AnnouncementForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    level_id: String,
    #[serde(default)]
    class_id: String,
}

#[derive(Template)]
#[template(path = "announcements/form.html")]
struct FormPage<'a> {
    ctx: &'a Ctx,
    form: AnnouncementForm,
    errors: FormErrors,
    audiences: Vec<&'static str>,
    levels: Vec<Choice>,
    classes: Vec<ClassRow>,
}

/// What `u` may address: any audience for the administration, their classes for a teacher.
async fn choices(
    app: &AppState,
    u: &CurrentUser,
) -> AppResult<(Vec<&'static str>, Vec<Choice>, Vec<ClassRow>)> {
    if u.has(Role::Director) || u.has(Role::Secretary) {
        let classes = match school::current_year(&app.db).await? {
            Some(y) => school::classes(&app.db, y.id).await?,
            None => Vec::new(),
        };
        Ok((AUDIENCES.to_vec(), school::levels(&app.db).await?, classes))
    } else {
        let classes = match school::current_year(&app.db).await? {
            Some(y) => school::teacher_classes(&app.db, y.id, u.id).await?,
            None => Vec::new(),
        };
        Ok((vec!["class"], Vec::new(), classes))
    }
}

async fn form_page(
    app: &AppState,
    ctx: &Ctx,
    form: AnnouncementForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = reader(ctx)?;
    crate::authz::require(may_write(u))?;
    let (audiences, levels, classes) = choices(app, u).await?;
    let status = if errors.is_empty() {
        axum::http::StatusCode::OK
    } else {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &FormPage {
            ctx,
            form,
            errors,
            audiences,
            levels,
            classes,
        },
    )
}

async fn new(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    form_page(
        &app,
        &ctx,
        AnnouncementForm::default(),
        FormErrors::default(),
    )
    .await
}

async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<AnnouncementForm>,
) -> AppResult<Response> {
    let u = reader(&ctx)?;
    crate::authz::require(may_write(u))?;
    let (audiences, levels, classes) = choices(&app, u).await?;
    let mut errors = FormErrors::default();
    let title = crate::domain::required_text(&f.title, 120).unwrap_or_else(|k| {
        errors.add("title", ctx.t.t(k));
        String::new()
    });
    let body = crate::domain::required_text(&f.body, 5000).unwrap_or_else(|k| {
        errors.add("body", ctx.t.t(k));
        String::new()
    });
    let audience = audiences.iter().find(|a| **a == f.audience).copied();
    let (mut level_id, mut class_id) = (None, None);
    match audience {
        None => errors.add("audience", ctx.t.t("error-choose")),
        Some("level") => {
            level_id = f
                .level_id
                .parse::<i64>()
                .ok()
                .filter(|l| levels.iter().any(|x| x.id == *l));
            if level_id.is_none() {
                errors.add("level_id", ctx.t.t("error-choose"));
            }
        }
        Some("class") => {
            // A teacher's list holds only their classes: another class id is refused here.
            class_id = f
                .class_id
                .parse::<i64>()
                .ok()
                .filter(|c| classes.iter().any(|x| x.id == *c));
            if class_id.is_none() {
                errors.add("class_id", ctx.t.t("error-choose"));
            }
        }
        Some(_) => {}
    }
    let Some(audience) = audience.filter(|_| errors.is_empty()) else {
        return form_page(&app, &ctx, f, errors).await;
    };
    let id = repo::publish(
        &app.db,
        &NewAnnouncement {
            title,
            body,
            audience,
            level_id,
            class_id,
            author_id: u.id,
        },
        ctx.now,
    )
    .await?;
    ctx.flash("success", "announcement-published").await?;
    Ok(redirect(&format!("/annonces/{id}")))
}
