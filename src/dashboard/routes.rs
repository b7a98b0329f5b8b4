//! The dashboard pages: a portal's home with its widgets, the editor (add, remove, move,
//! resize, set on a child or class, back to the default), each widget's fragment and its
//! page to pin to a phone's home screen, and the administration's defaults per role.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::layout::{Edit, Item, Size};
use super::widgets::{self, Kind, Opt};
use super::{EditError, role_for};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal, Role};
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, field, form, html, html_status, redirect};

pub fn router() -> Router<AppState> {
    let user = Rule::SignedIn;
    Router::new()
        .route("/tableau", post(edit_mine).allow(user))
        .route("/tableau/widgets/{kind}", get(fragment).allow(user))
        .route("/tableau/widgets/{kind}/page", get(pinned).allow(user))
        .route(
            "/admin/tableaux",
            get(defaults_page).post(edit_defaults).allow(Rule::DIRECTOR),
        )
        .merge(super::api::router())
}

/// A widget placed on a dashboard, ready to show.
pub struct Slot {
    pub item: Item,
    pub kind: Kind,
    /// Its title, with the child or class it is set on.
    pub title: String,
    /// Its fragment.
    pub url: String,
    /// Its page, to pin to a phone's home screen.
    pub page: String,
    /// What the role sets it on.
    pub opt: Opt,
}

/// Where a widget of `role` set on `child`/`class` loads from ("" for the fragment,
/// "/page" for its own page).
pub fn widget_url(
    kind: Kind,
    role: Role,
    child: Option<i64>,
    class: Option<i64>,
    page: &str,
) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("role", role.code());
    if let Some(c) = child {
        q.append_pair("enfant", &c.to_string());
    }
    if let Some(c) = class {
        q.append_pair("classe", &c.to_string());
    }
    format!("/tableau/widgets/{}{page}?{}", kind.code(), q.finish())
}

/// What the options may be set to: the parent's children, the classes a staff member may
/// choose.
struct Choices {
    children: Vec<(i64, String)>,
    classes: Vec<(i64, String)>,
}

async fn choices(app: &AppState, u: &CurrentUser, role: Role) -> AppResult<Choices> {
    let db = &app.db;
    let children = if role == Role::Parent {
        crate::school::children(db, u.id)
            .await?
            .into_iter()
            .map(|c| (c.id, c.first_name))
            .collect()
    } else {
        Vec::new()
    };
    let classes = match role {
        Role::Teacher => match crate::school::current_year(db).await? {
            Some(y) => crate::school::teacher_classes(db, y.id, u.id)
                .await?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
            None => Vec::new(),
        },
        r if r.is_admin() => crate::school::current_classes_in_order(db).await?,
        _ => Vec::new(),
    };
    Ok(Choices { children, classes })
}

fn slots(t: &crate::i18n::Tr, role: Role, items: Vec<Item>, c: &Choices) -> Vec<Slot> {
    items
        .into_iter()
        .filter_map(|item| {
            let kind = Kind::parse(&item.kind)?;
            let mut title = t.t(kind.title_key());
            let named = |list: &[(i64, String)], id: Option<i64>| {
                id.and_then(|id| list.iter().find(|(i, _)| *i == id).map(|x| x.1.clone()))
            };
            if let Some(n) =
                named(&c.children, item.child).or_else(|| named(&c.classes, item.class))
            {
                title = format!("{title} · {n}");
            }
            Some(Slot {
                url: widget_url(kind, role, item.child, item.class, ""),
                page: widget_url(kind, role, item.child, item.class, "/page"),
                opt: kind.option(role),
                title,
                kind,
                item,
            })
        })
        .collect()
}

/// The editor of a dashboard: a person's own, or a role's default.
pub struct Editor {
    /// Where its forms post.
    action: &'static str,
    role: Role,
    /// The administration editing a role's default (locks, no options).
    admin: bool,
    items: Vec<Slot>,
    /// Widgets that may be added.
    addable: Vec<(Kind, String)>,
    children: Vec<(i64, String)>,
    classes: Vec<(i64, String)>,
    /// A refusal to show.
    error: Option<String>,
    /// Said to screen readers after a change.
    announce: Option<String>,
    /// The control to focus again after a change (moving with the keyboard).
    focus: Option<String>,
}

impl Editor {
    fn size_key(&self, s: &Size) -> String {
        format!("dash-size-{}", s.code())
    }

    fn sizes(&self) -> [Size; 3] {
        Size::ALL
    }
}

async fn editor(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    role: Role,
    admin: bool,
) -> AppResult<Editor> {
    let (items, c) = if admin {
        let c = Choices {
            children: Vec::new(),
            classes: Vec::new(),
        };
        (super::default_for(&app.db, role).await?, c)
    } else {
        let c = choices(app, u, role).await?;
        (super::layout_of(&app.db, u.id, role).await?, c)
    };
    Ok(Editor {
        action: if admin { "/admin/tableaux" } else { "/tableau" },
        role,
        admin,
        items: slots(&ctx.t, role, items, &c),
        addable: Kind::ALL
            .into_iter()
            .filter(|k| k.allows(role))
            .map(|k| (k, ctx.t.t(k.title_key())))
            .collect(),
        children: c.children,
        classes: c.classes,
        error: None,
        announce: None,
        focus: None,
    })
}

#[derive(Template)]
#[template(path = "dashboard/home.html")]
struct HomePage<'a> {
    ctx: &'a Ctx,
    title: String,
    home: &'static str,
    role: Role,
    slots: Vec<Slot>,
    editor: Option<Editor>,
}

impl HomePage<'_> {
    fn size_code(&self, s: &Slot) -> &'static str {
        s.item.size.code()
    }
}

/// A portal's home: the dashboard of the user's role in it (`?modifier=1`: its editor).
pub async fn home(app: &AppState, ctx: &Ctx, portal: Portal) -> AppResult<Response> {
    let u = ctx.require(portal)?;
    let role = role_for(u, portal).ok_or(AppError::Forbidden)?;
    let editing = form_urlencoded::parse(
        ctx.path_and_query
            .split_once('?')
            .map_or("", |x| x.1)
            .as_bytes(),
    )
    .any(|(k, v)| k == "modifier" && v == "1");
    let title = ctx.t.t(match portal {
        Portal::Admin => "nav-dashboard",
        p => p.label_key(),
    });
    let (slots, editor) = if editing {
        (Vec::new(), Some(editor(app, ctx, u, role, false).await?))
    } else {
        let c = choices(app, u, role).await?;
        let items = super::layout_of(&app.db, u.id, role).await?;
        (slots(&ctx.t, role, items, &c), None)
    };
    html(&HomePage {
        ctx,
        title,
        home: portal.home(),
        role,
        slots,
        editor,
    })
}

#[derive(Template)]
#[template(path = "dashboard/editor_part.html")]
struct EditorPart<'a> {
    ctx: &'a Ctx,
    editor: Editor,
}

/// The role a form or address names, which the user must hold.
fn named_role(u: &CurrentUser, code: &str) -> AppResult<Role> {
    let role = Role::parse(code).ok_or(AppError::BadRequest("dash-error-role"))?;
    crate::authz::require(u.has(role))?;
    Ok(role)
}

fn id_of(f: &[(String, String)], name: &str) -> AppResult<Option<i64>> {
    match field(f, name).trim() {
        "" => Ok(None),
        v => v
            .parse()
            .map(Some)
            .map_err(|_| AppError::BadRequest("dash-error-form")),
    }
}

/// The change a form asks for (`None`: back to the default).
fn edit_of(f: &[(String, String)]) -> AppResult<Option<Edit>> {
    let bad = AppError::BadRequest("dash-error-form");
    let id = || id_of(f, "id")?.ok_or(AppError::BadRequest("dash-error-form"));
    let size = || Size::parse(field(f, "taille")).ok_or(AppError::BadRequest("dash-error-form"));
    Ok(Some(match field(f, "action") {
        "deplacer" => Edit::Move {
            id: id()?,
            up: match field(f, "sens") {
                "haut" => true,
                "bas" => false,
                _ => return Err(bad),
            },
        },
        "taille" => Edit::Resize {
            id: id()?,
            size: size()?,
        },
        "retirer" => Edit::Remove { id: id()? },
        "ajouter" => {
            let kind =
                Kind::parse(field(f, "widget")).ok_or(AppError::BadRequest("dash-error-kind"))?;
            Edit::Add {
                kind: kind.code().into(),
                size: Size::parse(field(f, "taille")).unwrap_or(kind.default_size()),
            }
        }
        "options" => Edit::Options {
            id: id()?,
            child: id_of(f, "enfant")?,
            class: id_of(f, "classe")?,
        },
        "ordre" => Edit::Order(
            field(f, "ids")
                .split(',')
                .filter(|s| !s.trim().is_empty())
                .map(|s| {
                    s.trim()
                        .parse::<i64>()
                        .map_err(|_| AppError::BadRequest("dash-error-form"))
                })
                .collect::<AppResult<_>>()?,
        ),
        "verrou" => Edit::Lock {
            id: id()?,
            locked: field(f, "verrou") == "1",
        },
        "reinitialiser" => return Ok(None),
        _ => return Err(bad),
    }))
}

/// What a screen reader hears after a change, and the control to focus again.
fn after(ctx: &Ctx, ed: &mut Editor, edit: &Option<Edit>) {
    let title = |id: i64| {
        ed.items
            .iter()
            .find(|s| s.item.id == id)
            .map(|s| s.title.clone())
            .unwrap_or_default()
    };
    match edit {
        Some(Edit::Move { id, up }) => {
            let pos = ed.items.iter().position(|s| s.item.id == *id).unwrap_or(0) + 1;
            ed.announce = Some(ctx.t.tj(
                "dash-moved",
                serde_json::json!({"widget": title(*id), "position": pos, "count": ed.items.len()}),
            ));
            ed.focus = Some(format!("move-{}-{}", id, if *up { "up" } else { "down" }));
        }
        Some(Edit::Remove { .. }) => ed.announce = Some(ctx.t.t("dash-removed")),
        Some(Edit::Add { .. }) => ed.announce = Some(ctx.t.t("dash-added")),
        None => ed.announce = Some(ctx.t.t("dash-reset-done")),
        _ => ed.announce = Some(ctx.t.t("dash-saved")),
    }
}

/// Answers an edit: the editor again (htmx), or back to the page.
async fn answer(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    role: Role,
    admin: bool,
    edit: Option<Edit>,
    done: Result<(), EditError>,
) -> AppResult<Response> {
    let back = if admin {
        format!("/admin/tableaux?role={}", role.code())
    } else {
        format!("{}?modifier=1", role.portal().home())
    };
    let refused = match done {
        Ok(()) => None,
        Err(EditError::Refused(key)) => Some(key),
        Err(EditError::Other(e)) => return Err(e),
    };
    if !ctx.htmx.request {
        if let Some(key) = refused {
            ctx.flash("error", key).await?;
        }
        return Ok(redirect(&back));
    }
    let mut ed = editor(app, ctx, u, role, admin).await?;
    let status = match refused {
        Some(key) => {
            ed.error = Some(ctx.t.t(key));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        None => {
            after(ctx, &mut ed, &edit);
            StatusCode::OK
        }
    };
    html_status(status, &EditorPart { ctx, editor: ed })
}

async fn edit_mine(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let role = named_role(u, field(&f, "role"))?;
    let edit = edit_of(&f)?;
    if let Some(Edit::Options { child, class, .. }) = &edit {
        check_options(&app, &ctx, u, role, *child, *class).await?;
    }
    let done = super::edit_own(&app.db, u.id, role, edit.clone(), ctx.now).await;
    answer(&app, &ctx, u, role, false, edit, done).await
}

/// A widget may be set only on one's own child, or a class one may choose.
async fn check_options(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    role: Role,
    child: Option<i64>,
    class: Option<i64>,
) -> AppResult<()> {
    let _ = ctx;
    let c = choices(app, u, role).await?;
    if let Some(id) = child {
        crate::authz::require(c.children.iter().any(|x| x.0 == id))?;
    }
    if let Some(id) = class {
        crate::authz::require(c.classes.iter().any(|x| x.0 == id))?;
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "dashboard/defaults.html")]
struct DefaultsPage<'a> {
    ctx: &'a Ctx,
    roles: [Role; 6],
    editor: Editor,
}

#[derive(Deserialize)]
struct RoleQuery {
    #[serde(default)]
    role: String,
}

/// The administration's page: each role's default dashboard.
async fn defaults_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RoleQuery>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let role = match q.role.as_str() {
        "" => Role::Parent,
        r => Role::parse(r).ok_or(AppError::BadRequest("dash-error-role"))?,
    };
    let editor = editor(&app, &ctx, u, role, true).await?;
    html(&DefaultsPage {
        ctx: &ctx,
        roles: Role::ALL,
        editor,
    })
}

async fn edit_defaults(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f = form(&body);
    let role = Role::parse(field(&f, "role")).ok_or(AppError::BadRequest("dash-error-role"))?;
    let edit = edit_of(&f)?;
    let done = super::edit_default(&app.db, u.id, role, edit.clone(), ctx.now).await;
    answer(&app, &ctx, u, role, true, edit, done).await
}

// ---------------------------------------------------------------- one widget

#[derive(Deserialize, Default)]
pub(super) struct WidgetQuery {
    #[serde(default)]
    pub role: String,
    #[serde(default)]
    pub enfant: String,
    #[serde(default)]
    pub classe: String,
}

impl WidgetQuery {
    fn id(v: &str) -> AppResult<Option<i64>> {
        match v {
            "" => Ok(None),
            v => v
                .parse()
                .map(Some)
                .map_err(|_| AppError::BadRequest("dash-error-form")),
        }
    }

    /// The child and class asked for.
    pub fn options(&self) -> AppResult<(Option<i64>, Option<i64>)> {
        Ok((Self::id(&self.enfant)?, Self::id(&self.classe)?))
    }

    /// The role asked for (which the user must hold), else the user's first role that may
    /// have the widget.
    pub fn role(&self, u: &CurrentUser, kind: Kind) -> AppResult<Role> {
        if !self.role.is_empty() {
            return named_role(u, &self.role);
        }
        let active = Some(u.active_role).filter(|r| kind.allows(*r));
        active
            .or_else(|| u.roles.iter().copied().find(|r| kind.allows(*r)))
            .ok_or(AppError::Forbidden)
    }
}

fn kind_of(code: &str) -> AppResult<Kind> {
    Kind::parse(code).ok_or(AppError::NotFound)
}

/// Computes a widget: `Err` for a request that may not have it (403, 404, 400); a failure of
/// the widget itself comes back as `Ok(Err(()))`, logged, for its own error box.
pub(super) async fn computed(
    app: &AppState,
    ctx: &Ctx,
    kind: Kind,
    q: &WidgetQuery,
) -> AppResult<(Role, Result<widgets::Data, ()>)> {
    let u = ctx.user()?;
    let role = q.role(u, kind)?;
    let (child, class) = q.options()?;
    let ask = widgets::Ask {
        app,
        user: u,
        role,
        child,
        class,
        t: &ctx.t,
    };
    match widgets::compute(kind, &ask).await {
        Ok(d) => Ok((role, Ok(d))),
        Err(e @ (AppError::Forbidden | AppError::NotFound | AppError::BadRequest(_))) => Err(e),
        Err(e) => {
            tracing::error!(error = %e, widget = kind.code(), "widget failed");
            Ok((role, Err(())))
        }
    }
}

/// A widget's content, loaded by the dashboard after the page.
async fn fragment(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<WidgetQuery>,
) -> AppResult<Response> {
    let kind = kind_of(&code)?;
    let (_, data) = computed(&app, &ctx, kind, &q).await?;
    let mut res = match data {
        Ok(d) => {
            let mut r = super::render::widget(&ctx, &d)?.into_response();
            // What the service worker keeps for offline: a widget's content, nothing else.
            r.headers_mut()
                .insert("X-Suku-Widget", axum::http::HeaderValue::from_static("1"));
            r
        }
        Err(()) => super::render::failed(&ctx)?,
    };
    // Personal: never kept by a shared cache. The app's own cache (the service worker) keeps
    // the last one, for offline.
    res.headers_mut().insert(
        axum::http::header::CACHE_CONTROL,
        axum::http::HeaderValue::from_static("private, no-cache"),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "dashboard/pinned.html")]
struct PinnedPage<'a> {
    ctx: &'a Ctx,
    title: String,
    body: Option<String>,
    home: &'static str,
}

/// One widget on its own page, to pin to a phone's home screen (or open from a shortcut).
async fn pinned(
    State(app): State<AppState>,
    ctx: Ctx,
    Path(code): Path<String>,
    Query(q): Query<WidgetQuery>,
) -> AppResult<Response> {
    let kind = kind_of(&code)?;
    let (role, data) = computed(&app, &ctx, kind, &q).await?;
    let body = match data {
        Ok(d) => Some(super::render::widget(&ctx, &d)?.0),
        Err(()) => None,
    };
    html(&PinnedPage {
        title: ctx.t.t(kind.title_key()),
        home: role.portal().home(),
        ctx: &ctx,
        body,
    })
}
