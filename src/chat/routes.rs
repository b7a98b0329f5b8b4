//! Chat pages: the conversation list, a conversation (server-rendered messages, fetched
//! again by htmx when the socket says something changed), starting a conversation, and the
//! actions on messages. Each route asks the chat rules, as the socket events do.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;

use super::repo::{self, ListItem, Message, Report};
use super::{Access, ChatError, Contact, Conversation, EDIT_WINDOW_MINUTES};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId, html, html_status, redirect};

/// Routes of the chat.
pub fn router() -> Router<AppState> {
    // Every signed-in user has conversations; each is checked against its members.
    let user = Rule::SignedIn;
    Router::new()
        .route("/messages", get(index).allow(user))
        .route("/messages/non-lus", get(unread_badge).allow(user))
        .route("/messages/nouveau", get(new_page).post(start).allow(user))
        .route(
            "/messages/{id}",
            get(show)
                .post(send)
                .layer(DefaultBodyLimit::max(super::MAX_FILE + 64 * 1024))
                .allow(user),
        )
        .route("/messages/{id}/historique", get(history).allow(user))
        .route("/messages/{id}/sourdine", post(mute).allow(user))
        .route("/messages/m/{id}", get(one).allow(user))
        .route("/messages/m/{id}/modifier", post(edit).allow(user))
        .route("/messages/m/{id}/suppression", post(delete).allow(user))
        .route("/messages/m/{id}/signalement", post(report).allow(user))
        .route("/admin/signalements", get(reports).allow(Rule::ADMIN))
        .route(
            "/admin/signalements/{id}/suppression",
            post(remove_reported).allow(Rule::ADMIN),
        )
}

fn http(e: ChatError) -> AppError {
    match e {
        ChatError::NotFound => AppError::NotFound,
        ChatError::Forbidden => AppError::Forbidden,
        ChatError::Db(e) => e.into(),
        ChatError::Other(e) => AppError::Internal(e),
        _ => AppError::BadRequest("error-bad-request"),
    }
}

/// A refusal the sender reads where they typed: a fragment with the reason, 422.
fn refused(ctx: &Ctx, e: ChatError) -> AppResult<Response> {
    match e {
        ChatError::NotFound | ChatError::Forbidden | ChatError::Db(_) | ChatError::Other(_) => {
            Err(http(e))
        }
        e => {
            let status = match e {
                ChatError::Attachment("chat-error-file-too-big") => StatusCode::PAYLOAD_TOO_LARGE,
                ChatError::TooFast => StatusCode::TOO_MANY_REQUESTS,
                _ => StatusCode::UNPROCESSABLE_ENTITY,
            };
            let text = e.text(&ctx.t);
            let mut res = (
                status,
                format!(
                    "<p class=\"flash error\" role=\"alert\">{}</p>",
                    askama_escape(&text)
                ),
            )
                .into_response();
            res.headers_mut().insert(
                axum::http::header::CONTENT_TYPE,
                axum::http::HeaderValue::from_static("text/html; charset=utf-8"),
            );
            // htmx swaps error answers into the composer's message area.
            res.headers_mut().insert(
                "HX-Retarget",
                axum::http::HeaderValue::from_static("#composer-error"),
            );
            res.headers_mut().insert(
                "HX-Reswap",
                axum::http::HeaderValue::from_static("innerHTML"),
            );
            Ok(res)
        }
    }
}

fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The title of a conversation in the reader's language.
pub fn title(t: &crate::i18n::Tr, kind: &str, class: Option<&str>, other: Option<&str>) -> String {
    match kind {
        "class" => t.t1("chat-class-channel", "class", class.unwrap_or("")),
        "class_parents" => t.t1("chat-parents-channel", "class", class.unwrap_or("")),
        "broadcast" => t.t("chat-broadcast"),
        _ => other.unwrap_or("—").to_string(),
    }
}

#[derive(Template)]
#[template(path = "chat/index.html")]
struct Index<'a> {
    ctx: &'a Ctx,
    items: Vec<ListItem>,
    can_start: bool,
}

impl Index<'_> {
    fn title(&self, i: &ListItem) -> String {
        title(
            &self.ctx.t,
            &i.kind,
            i.class_name.as_deref(),
            i.other_name.as_deref(),
        )
    }
}

async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    let ids = repo::my_conversation_ids(&app.db, u.id, u.is_admin(), ctx.now).await?;
    let items = repo::list(&app.db, u.id, &ids).await?;
    html(&Index {
        can_start: !u.roles.iter().all(|r| *r == crate::auth::Role::Student),
        ctx: &ctx,
        items,
    })
}

/// The number of unread messages, for the navigation badge (htmx, on socket events).
async fn unread_badge(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    let n = unread_total(&app, u).await?;
    Ok(if n == 0 {
        String::new()
    } else {
        format!(
            "<span class=\"badge\" aria-label=\"{}\">{n}</span>",
            askama_escape(&ctx.t.count("chat-unread", n))
        )
    }
    .into_response_html())
}

/// Unread messages over all of a user's conversations.
pub async fn unread_total(app: &AppState, u: &CurrentUser) -> AppResult<i64> {
    let ids = repo::my_conversation_ids(&app.db, u.id, u.is_admin(), app.clock.now()).await?;
    Ok(repo::list(&app.db, u.id, &ids)
        .await?
        .iter()
        .map(|i| i.unread)
        .sum())
}

trait HtmlString {
    fn into_response_html(self) -> Response;
}

impl HtmlString for String {
    fn into_response_html(self) -> Response {
        (
            [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
            self,
        )
            .into_response()
    }
}

#[derive(Deserialize, Default)]
struct Search {
    #[serde(default)]
    q: String,
}

#[derive(Template)]
#[template(path = "chat/new.html")]
struct NewPage<'a> {
    ctx: &'a Ctx,
    q: String,
    contacts: Vec<Contact>,
}

impl NewPage<'_> {
    fn roles(&self, c: &Contact) -> String {
        c.roles
            .split(',')
            .filter_map(crate::auth::Role::parse)
            .map(|r| self.ctx.t.t(r.label_key()))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn new_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(s): Query<Search>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let contacts = super::contacts(&app.db, u, &s.q, 50).await?;
    let page = NewPage {
        ctx: &ctx,
        q: s.q,
        contacts,
    };
    if ctx.htmx.wants_fragment() {
        return html(&ContactList { page: &page });
    }
    html(&page)
}

#[derive(Template)]
#[template(path = "chat/_contacts.html")]
struct ContactList<'a, 'b> {
    page: &'b NewPage<'a>,
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    user_id: String,
}

async fn start(
    State(app): State<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<StartForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let other = f
        .user_id
        .parse::<i64>()
        .map_err(|_| AppError::BadRequest("error-bad-request"))?;
    match super::start_direct(&app.db, u, other, ctx.now).await? {
        Some((id, fresh)) => {
            if fresh {
                app.realtime.join_user(u.id, id);
                app.realtime.join_user(other, id);
            }
            Ok(redirect(&format!("/messages/{id}")))
        }
        None => Err(AppError::Forbidden),
    }
}

#[derive(Template)]
#[template(path = "chat/show.html")]
struct Show<'a> {
    ctx: &'a Ctx,
    conv: Conversation,
    title: String,
    access: Access,
    messages: Vec<Message>,
    more: bool,
    muted_until: Option<String>,
    quiet: Option<String>,
    readers: Vec<(String, i64)>,
    me: i64,
}

impl Show<'_> {
    fn line(&self, m: &Message) -> Line<'_> {
        Line {
            ctx: self.ctx,
            m: m.clone(),
            me: self.me,
            access: self.access,
        }
    }
    fn read_by(&self, m: &Message) -> Vec<String> {
        // Shown under the user's own last message: who has read it.
        self.readers
            .iter()
            .filter(|(_, upto)| *upto >= m.id)
            .map(|(n, _)| n.clone())
            .collect()
    }
    fn is_last_mine(&self, m: &Message) -> bool {
        m.author_id == self.me
            && self
                .messages
                .iter()
                .rev()
                .find(|x| x.author_id == self.me)
                .is_some_and(|x| x.id == m.id)
    }
}

/// One message, as its fragment.
#[derive(Template)]
#[template(path = "chat/_message.html")]
struct Line<'a> {
    ctx: &'a Ctx,
    m: Message,
    me: i64,
    access: Access,
}

impl Line<'_> {
    fn editable(&self) -> bool {
        self.m.author_id == self.me
            && self.m.deleted_at.is_none()
            && self.ctx.now - self.m.created_at < chrono::Duration::minutes(EDIT_WINDOW_MINUTES)
    }
    fn deletable(&self) -> bool {
        self.m.deleted_at.is_none() && (self.m.author_id == self.me || self.access.moderate)
    }
    fn is_image(&self) -> bool {
        self.m
            .file_type
            .as_deref()
            .is_some_and(|t| t.starts_with("image/"))
    }
}

const PAGE: i64 = 30;

async fn show(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = ctx.user()?;
    let (conv, access) = super::open(&app.db, u, id).await.map_err(http)?;
    let mut messages = repo::page(&app.db, id, None, PAGE + 1).await?;
    let more = messages.len() as i64 > PAGE;
    if more {
        messages.remove(0);
    }
    if let Some(last) = messages.last() {
        super::mark_read(&app, u, id, last.id).await.map_err(http)?;
    }
    let (other, quiet) = if conv.kind == "direct" {
        let other = repo::members(&app.db, id)
            .await?
            .into_iter()
            .find(|m| *m != u.id);
        let quiet = match other {
            Some(o) => crate::notifications::quiet_now(&app.db, o, ctx.now).await?,
            None => None,
        };
        let name = match other {
            Some(o) => crate::school::user_name(&app.db, o).await?,
            None => None,
        };
        (name, quiet.map(|(name_end, _)| name_end))
    } else {
        (None, None)
    };
    let quiet = quiet.map(|end| {
        ctx.t.t2(
            "chat-quiet-hours",
            "name",
            other.clone().unwrap_or_default(),
            "until",
            end,
        )
    });
    let muted_until = repo::muted_until(&app.db, id, u.id, ctx.now)
        .await?
        .map(|t| ctx.t.datetime(&t));
    let title = title(
        &ctx.t,
        &conv.kind,
        conv.class_name.as_deref(),
        other.as_deref(),
    );
    html(&Show {
        readers: if conv.kind == "direct" {
            repo::readers(&app.db, id, u.id).await?
        } else {
            Vec::new()
        },
        me: u.id,
        ctx: &ctx,
        conv,
        title,
        access,
        messages,
        more,
        muted_until,
        quiet,
    })
}

#[derive(Deserialize)]
struct Before {
    avant: i64,
}

#[derive(Template)]
#[template(path = "chat/_history.html")]
struct History<'a> {
    ctx: &'a Ctx,
    conv_id: i64,
    lines: Vec<Line<'a>>,
    first: Option<i64>,
    more: bool,
}

/// Older messages, for the infinite scroll upwards.
async fn history(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(b): Query<Before>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let (_, access) = super::open(&app.db, u, id).await.map_err(http)?;
    let mut messages = repo::page(&app.db, id, Some(b.avant), PAGE + 1).await?;
    let more = messages.len() as i64 > PAGE;
    if more {
        messages.remove(0);
    }
    let me = u.id;
    html(&History {
        first: messages.first().map(|m| m.id),
        lines: messages
            .into_iter()
            .map(|m| Line {
                ctx: &ctx,
                m,
                me,
                access,
            })
            .collect(),
        ctx: &ctx,
        conv_id: id,
        more,
    })
}

/// One message's fragment (fetched when the socket announces it).
async fn one(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = ctx.user()?;
    let m = repo::message(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, access) = super::open(&app.db, u, m.conversation_id)
        .await
        .map_err(http)?;
    html(&Line {
        ctx: &ctx,
        m,
        me: u.id,
        access,
    })
}

async fn send(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let up = match crate::web::upload::read(&app, req, "file", "chat-error-file-too-big").await {
        Ok(up) => up,
        Err(AppError::BadRequest("chat-error-file-too-big")) => {
            return refused(&ctx, ChatError::Attachment("chat-error-file-too-big"));
        }
        Err(e) => return Err(e),
    };
    let file = up
        .file
        .as_ref()
        .map(|(name, bytes)| super::Upload { name, bytes });
    match super::send(&app, u, id, up.field("body"), file).await {
        Ok(m) => {
            if ctx.htmx.wants_fragment() {
                let (_, access) = super::open(&app.db, u, id).await.map_err(http)?;
                html(&Line {
                    ctx: &ctx,
                    m,
                    me: u.id,
                    access,
                })
            } else {
                Ok(redirect(&format!("/messages/{id}")))
            }
        }
        Err(e) => refused(&ctx, e),
    }
}

#[derive(Deserialize)]
struct EditForm {
    #[serde(default)]
    body: String,
}

async fn edit(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::Form(f): axum::Form<EditForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    match super::edit(&app, u, id, &f.body).await {
        Ok(m) => message_answer(&app, &ctx, u, m).await,
        Err(e) => refused(&ctx, e),
    }
}

async fn delete(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = ctx.user()?;
    match super::delete(&app, u, id).await {
        Ok(m) => message_answer(&app, &ctx, u, m).await,
        Err(e) => refused(&ctx, e),
    }
}

async fn message_answer(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    m: Message,
) -> AppResult<Response> {
    if !ctx.htmx.wants_fragment() {
        return Ok(redirect(&format!("/messages/{}", m.conversation_id)));
    }
    let (_, access) = super::open(&app.db, u, m.conversation_id)
        .await
        .map_err(http)?;
    html(&Line {
        ctx,
        m,
        me: u.id,
        access,
    })
}

#[derive(Deserialize)]
struct ReportForm {
    #[serde(default)]
    reason: String,
}

async fn report(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::Form(f): axum::Form<ReportForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    super::report(&app, u, id, &f.reason).await.map_err(http)?;
    let m = repo::message(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    ctx.flash("success", "chat-reported").await?;
    Ok(redirect(&format!("/messages/{}", m.conversation_id)))
}

#[derive(Deserialize)]
struct MuteForm {
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    minutes: String,
}

async fn mute(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::Form(f): axum::Form<MuteForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let (Ok(user), Ok(minutes)) = (f.user_id.parse::<i64>(), f.minutes.parse::<i64>()) else {
        return Err(AppError::BadRequest("error-bad-request"));
    };
    super::mute(&app, u, id, user, minutes)
        .await
        .map_err(http)?;
    ctx.flash("success", "chat-muted").await?;
    Ok(redirect(&format!("/messages/{id}")))
}

#[derive(Template)]
#[template(path = "chat/reports.html")]
struct Reports<'a> {
    ctx: &'a Ctx,
    reports: Vec<Report>,
}

async fn reports(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.require(crate::auth::Portal::Admin)?;
    let reports = repo::reports(&app.db).await?;
    html_status(StatusCode::OK, &Reports { ctx: &ctx, reports })
}

async fn remove_reported(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(crate::auth::Portal::Admin)?;
    super::remove_reported(&app, u, id).await.map_err(http)?;
    ctx.flash("success", "chat-removed").await?;
    Ok(redirect("/admin/signalements"))
}
