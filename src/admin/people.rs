//! Guardians, staff and accounts: lists with search and pages, create, edit, deactivate,
//! password reset.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::repo::{self, PersonInput, PersonRow};
use super::{records_manager, temporary_password};
use crate::app::AppState;
use crate::auth::{Portal, Role, password};
use crate::authz;
use crate::db;
use crate::domain::{self, Email, Phone};
use crate::error::{AppError, AppResult};
use crate::school::{self, StudentRow};
use crate::web::pagination::ListQuery;
use crate::web::{Ctx, FormErrors, Pagination, PathId, html, html_status, redirect};

const PER_PAGE: i64 = 25;

/// Which list a page shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Parents and tuteurs.
    Guardians,
    /// Teachers and administration.
    Staff,
    Users,
}

impl Kind {
    fn roles(self) -> &'static [Role] {
        match self {
            Kind::Guardians => &[Role::Parent],
            Kind::Staff => &[Role::Teacher, Role::Director, Role::Bursar, Role::Secretary],
            Kind::Users => &Role::ALL,
        }
    }

    fn base(self) -> &'static str {
        match self {
            Kind::Guardians => "/admin/parents",
            Kind::Staff => "/admin/personnel",
            Kind::Users => "/admin/utilisateurs",
        }
    }

    fn new_key(self) -> &'static str {
        match self {
            Kind::Guardians => "guardian-new-title",
            Kind::Staff => "staff-new-title",
            Kind::Users => "person-new",
        }
    }

    fn title_key(self) -> &'static str {
        match self {
            Kind::Guardians => "nav-guardians",
            Kind::Staff => "nav-staff",
            Kind::Users => "nav-users",
        }
    }
}

#[derive(Template)]
#[template(path = "admin/people.html", blocks = ["results"])]
struct Index<'a> {
    ctx: &'a Ctx,
    kind: Kind,
    q: ListQuery,
    people: Vec<PersonRow>,
    pages: Pagination,
    can_create: bool,
}

async fn list(app: &AppState, ctx: &Ctx, kind: Kind, q: ListQuery) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let roles: Vec<Role> = match Role::parse(&q.filtre) {
        Some(r) if kind.roles().contains(&r) => vec![r],
        _ => kind.roles().to_vec(),
    };
    let page = q.page();
    let (people, total) =
        repo::search(&app.db, &roles, &q.like(), PER_PAGE, (page - 1) * PER_PAGE).await?;
    let pages = Pagination::new(page, PER_PAGE, total, &q);
    let people = if pages.page == page {
        people
    } else {
        repo::search(&app.db, &roles, &q.like(), PER_PAGE, pages.offset())
            .await?
            .0
    };
    let tpl = Index {
        ctx,
        kind,
        q,
        people,
        pages,
        can_create: kind != Kind::Users && authz::can_manage_records(u),
    };
    if ctx.htmx.wants_fragment() {
        let mut res = axum::response::IntoResponse::into_response(axum::response::Html(
            tpl.as_results().render()?,
        ));
        crate::web::vary_htmx(&mut res);
        return Ok(res);
    }
    html(&tpl)
}

pub async fn guardians(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    list(&app, &ctx, Kind::Guardians, q).await
}

pub async fn staff(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    list(&app, &ctx, Kind::Staff, q).await
}

pub async fn users(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
) -> AppResult<Response> {
    list(&app, &ctx, Kind::Users, q).await
}

/// The person form's fields as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct PersonForm {
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    position: String,
    /// Role codes for staff, as checkboxes.
    #[serde(default)]
    roles: Vec<String>,
}

impl PersonForm {
    fn from_row(p: &PersonRow) -> Self {
        PersonForm {
            first_name: p.first_name.clone(),
            last_name: p.last_name.clone(),
            phone: p.phone_display(),
            email: p.email.clone().unwrap_or_default(),
            position: p.position.clone().unwrap_or_default(),
            roles: p.role_list().iter().map(|r| r.code().to_string()).collect(),
        }
    }

    fn has_role(&self, r: &Role) -> bool {
        self.roles.iter().any(|c| c == r.code())
    }

    fn validate(&self, ctx: &Ctx, kind: Kind) -> Result<(PersonInput, Vec<Role>), FormErrors> {
        let mut e = FormErrors::default();
        let first_name = domain::required_text(&domain::person_name(&self.first_name), 80)
            .unwrap_or_else(|k| {
                e.add("first_name", ctx.t.t(k));
                String::new()
            });
        let last_name = domain::required_text(&domain::person_name(&self.last_name), 80)
            .unwrap_or_else(|k| {
                e.add("last_name", ctx.t.t(k));
                String::new()
            });
        let phone = if self.phone.trim().is_empty() {
            None
        } else {
            Phone::parse(&self.phone)
                .map(|p| p.as_str().to_string())
                .map_err(|k| e.add("phone", ctx.t.t(k)))
                .ok()
        };
        let email = if self.email.trim().is_empty() {
            None
        } else {
            Email::parse(&self.email)
                .map(|m| m.as_str().to_string())
                .map_err(|k| e.add("email", ctx.t.t(k)))
                .ok()
        };
        if self.phone.trim().is_empty() && self.email.trim().is_empty() {
            e.add("phone", ctx.t.t("error-contact-required"));
        }
        let roles: Vec<Role> = match kind {
            Kind::Guardians => vec![Role::Parent],
            _ => self.roles.iter().filter_map(|c| Role::parse(c)).collect(),
        };
        if kind == Kind::Staff && !roles.iter().any(|r| Kind::Staff.roles().contains(r)) {
            e.add("roles", ctx.t.t("error-role-required"));
        }
        if kind != Kind::Guardians && roles.is_empty() {
            e.add("roles", ctx.t.t("error-role-required"));
        }
        if domain::optional_text(&self.position, 80).is_err() {
            e.add("position", ctx.t.t("error-too-long"));
        }
        if e.is_empty() {
            Ok((
                PersonInput {
                    first_name,
                    last_name,
                    email,
                    phone,
                    temporary_password: true,
                },
                roles,
            ))
        } else {
            Err(e)
        }
    }
}

#[derive(Template)]
#[template(path = "admin/person_form.html")]
struct FormPage<'a> {
    ctx: &'a Ctx,
    kind: Kind,
    person: Option<PersonRow>,
    form: PersonForm,
    errors: FormErrors,
    children: Vec<StudentRow>,
    can_edit: bool,
    can_accounts: bool,
    /// The roles this user may give, the boxes of the form.
    roles: Vec<Role>,
}

impl FormPage<'_> {
    fn action(&self) -> String {
        match &self.person {
            Some(p) => format!("/admin/utilisateurs/{}", p.id),
            None => self.kind.base().to_string(),
        }
    }
}

fn form_page<'a>(
    ctx: &'a Ctx,
    kind: Kind,
    person: Option<PersonRow>,
    form: PersonForm,
    errors: FormErrors,
    children: Vec<StudentRow>,
) -> FormPage<'a> {
    let (can_edit, can_accounts, roles) = ctx
        .user
        .as_ref()
        .map(|u| {
            let held = person.as_ref().map(|p| p.role_list()).unwrap_or_default();
            (
                authz::may_edit_person(u, &held),
                authz::can_manage_accounts(u),
                Role::ALL
                    .into_iter()
                    .filter(|r| authz::may_grant(u, *r) || held.contains(r))
                    .collect(),
            )
        })
        .unwrap_or_default();
    FormPage {
        ctx,
        kind,
        person,
        form,
        errors,
        children,
        can_edit,
        can_accounts,
        roles,
    }
}

pub async fn new_guardian(ctx: Ctx) -> AppResult<Response> {
    records_manager(&ctx)?;
    html(&form_page(
        &ctx,
        Kind::Guardians,
        None,
        PersonForm::default(),
        FormErrors::default(),
        Vec::new(),
    ))
}

pub async fn new_staff(ctx: Ctx) -> AppResult<Response> {
    records_manager(&ctx)?;
    let form = PersonForm {
        roles: vec!["teacher".into()],
        ..Default::default()
    };
    html(&form_page(
        &ctx,
        Kind::Staff,
        None,
        form,
        FormErrors::default(),
        Vec::new(),
    ))
}

fn contact_taken(ctx: &Ctx, err: &sqlx::Error) -> Option<FormErrors> {
    if !db::is_unique_violation(err) {
        return None;
    }
    let detail = db::violation_detail(err);
    let mut e = FormErrors::default();
    if detail.contains("email") {
        e.add("email", ctx.t.t("error-email-taken"));
    } else {
        e.add("phone", ctx.t.t("error-phone-taken"));
    }
    Some(e)
}

async fn create(app: &AppState, ctx: &Ctx, kind: Kind, f: PersonForm) -> AppResult<Response> {
    let u = records_manager(ctx)?;
    let fail = |errors: FormErrors, f: PersonForm| {
        html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(ctx, kind, None, f, errors, Vec::new()),
        )
    };
    let (input, roles) = match f.validate(ctx, kind) {
        Ok(v) => v,
        Err(e) => return fail(e, f),
    };
    // The form offers only the roles this user may give; anything else was forged.
    authz::require(roles.iter().all(|r| authz::may_grant(u, *r)))?;
    let temp = temporary_password();
    let hash = password::hash(temp.clone()).await?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = match repo::insert_user(&mut tx, &input, &hash, &roles, ctx.now).await {
        Ok(id) => id,
        Err(err) => match contact_taken(ctx, &err) {
            Some(e) => return fail(e, f),
            None => return Err(err.into()),
        },
    };
    if kind == Kind::Staff {
        let position = domain::optional_text(&f.position, 80)
            .ok()
            .flatten()
            .unwrap_or_else(|| ctx.t.t(roles[0].label_key()));
        repo::set_position(&mut *tx, id, &position).await?;
    }
    tx.commit().await?;
    ctx.flash_text("success", ctx.t.t1("account-created", "password", &temp))
        .await?;
    Ok(redirect(&format!("/admin/utilisateurs/{id}")))
}

pub async fn create_guardian(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<PersonForm>,
) -> AppResult<Response> {
    create(&app, &ctx, Kind::Guardians, f).await
}

/// Staff forms send several `roles` fields, which `Form` (serde_urlencoded) cannot collect
/// into a list; this reads the body by hand.
pub async fn create_staff(
    State(app): State<AppState>,
    ctx: Ctx,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let f = parse_person_form(&body);
    create(&app, &ctx, Kind::Staff, f).await
}

fn parse_person_form(body: &[u8]) -> PersonForm {
    let mut f = PersonForm::default();
    for (k, v) in form_urlencoded::parse(body) {
        let v = v.into_owned();
        match k.as_ref() {
            "first_name" => f.first_name = v,
            "last_name" => f.last_name = v,
            "phone" => f.phone = v,
            "email" => f.email = v,
            "position" => f.position = v,
            "roles" => f.roles.push(v),
            _ => {}
        }
    }
    f
}

fn kind_of(p: &PersonRow) -> Kind {
    let roles = p.role_list();
    if roles.iter().any(|r| Kind::Staff.roles().contains(r)) {
        Kind::Staff
    } else if roles.contains(&Role::Parent) {
        Kind::Guardians
    } else {
        Kind::Users
    }
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let p = repo::person(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let children = school::children(&app.db, id).await?;
    let form = PersonForm::from_row(&p);
    let kind = kind_of(&p);
    html(&form_page(
        &ctx,
        kind,
        Some(p),
        form,
        FormErrors::default(),
        children,
    ))
}

pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let u = records_manager(&ctx)?;
    let p = repo::person(&app.db, id).await?.ok_or(AppError::NotFound)?;
    authz::require(authz::may_edit_person(u, &p.role_list()))?;
    let mut f = parse_person_form(&body);
    let kind = kind_of(&p);
    // Only the director changes roles; others keep the roles the account has.
    let manage_roles = authz::can_manage_accounts(u) && kind != Kind::Guardians;
    if !manage_roles {
        f.roles = p.role_list().iter().map(|r| r.code().to_string()).collect();
    }
    let fail = |errors: FormErrors, f: PersonForm, p: PersonRow, children| {
        html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&ctx, kind, Some(p), f, errors, children),
        )
    };
    let (input, roles) = match f.validate(
        &ctx,
        if kind == Kind::Guardians {
            Kind::Users
        } else {
            kind
        },
    ) {
        Ok(v) => v,
        Err(e) => {
            let children = school::children(&app.db, id).await?;
            return fail(e, f, p, children);
        }
    };
    authz::require(!manage_roles || roles.iter().all(|r| authz::may_grant(u, *r)))?;
    if id == u.id && !roles.contains(&Role::Director) && u.has(Role::Director) {
        let mut e = FormErrors::default();
        e.add("roles", ctx.t.t("error-own-director"));
        let children = school::children(&app.db, id).await?;
        return fail(e, f, p, children);
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    if let Err(err) = repo::update_user(&mut *tx, id, &input).await {
        return match contact_taken(&ctx, &err) {
            Some(e) => {
                let children = school::children(&app.db, id).await?;
                fail(e, f, p, children)
            }
            None => Err(err.into()),
        };
    }
    let roles_changed = manage_roles && {
        let mut before = p.role_list();
        let mut after = roles.clone();
        before.sort();
        after.sort();
        before != after
    };
    if roles_changed {
        repo::set_roles(&mut tx, id, &roles).await?;
        // Roles are read from the session: the person logs in again with the new ones.
        repo::end_sessions(&mut *tx, id).await?;
    }
    if let Ok(Some(pos)) = domain::optional_text(&f.position, 80)
        && kind == Kind::Staff
    {
        repo::set_position(&mut *tx, id, &pos).await?;
    }
    tx.commit().await?;
    ctx.flash("success", "saved").await?;
    Ok(redirect(&format!("/admin/utilisateurs/{id}")))
}

fn accounts_manager(ctx: &Ctx) -> AppResult<i64> {
    let u = ctx.require(Portal::Admin)?;
    if authz::can_manage_accounts(u) {
        Ok(u.id)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn reset_password(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    accounts_manager(&ctx)?;
    repo::person(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let temp = temporary_password();
    let hash = password::hash(temp.clone()).await?;
    crate::auth::repo::set_password(&app.db, id, &hash, true).await?;
    crate::auth::repo::end_other_sessions(&app.db, id, None).await?;
    app.realtime.disconnect_user(id);
    ctx.flash_text(
        "success",
        ctx.t.t1("password-reset-done", "password", &temp),
    )
    .await?;
    Ok(redirect(&format!("/admin/utilisateurs/{id}")))
}

/// Prints a reset slip for a person whose record this user may edit (the secretary for the
/// families and teachers; never for an account stronger than her own).
pub async fn reset_slip(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = records_manager(&ctx)?;
    let p = repo::person(&app.db, id).await?.ok_or(AppError::NotFound)?;
    authz::require(p.active && authz::may_edit_person(u, &p.role_list()))?;
    crate::auth::reset::slip(&app, &ctx, id, u.id).await
}

#[derive(Deserialize)]
pub struct Empty {}

pub async fn toggle_active(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let me = accounts_manager(&ctx)?;
    let p = repo::person(&app.db, id).await?.ok_or(AppError::NotFound)?;
    if id == me {
        ctx.flash("error", "error-own-account").await?;
        return Ok(redirect(&format!("/admin/utilisateurs/{id}")));
    }
    repo::set_active(&app.db, id, !p.active).await?;
    app.realtime.disconnect_user(id);
    ctx.flash(
        "success",
        if p.active {
            "account-deactivated"
        } else {
            "account-reactivated"
        },
    )
    .await?;
    Ok(redirect(&format!("/admin/utilisateurs/{id}")))
}
