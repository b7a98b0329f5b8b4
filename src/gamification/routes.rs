//! The gamification pages: a student's progress (points, level, badges, history), the
//! boards, the badges and what it takes to earn them, a class's points for its teachers
//! (awarding by hand), challenges, and the administration's rules.

use std::collections::HashSet;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use sqlx::FromRow;

use super::boards::{self, Board, Kind, Scope, Window};
use super::challenges::{self, Challenge, Progress};
use super::{Behaviour, Levels, Standing};
use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::authz;
use crate::db::Pool;
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

/// Routes of gamification (pages and the JSON API).
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/progression", get(my_progress))
        .route("/progression/{id}", get(progress_page))
        .route("/progression/{id}/confidentialite", post(set_privacy))
        .route("/classements", get(boards_page))
        .route("/badges", get(badges_page).post(create_badge))
        .route("/points/classe/{id}", get(class_points).post(award_points))
        .route("/points/classe/{id}/badge", post(give_badge))
        .route("/points/{id}/annulation", post(revoke_award))
        .route(
            "/badges/{badge}/eleves/{student}/annulation",
            post(revoke_badge),
        )
        .route("/defis", get(challenges_page).post(create_challenge))
        .route("/defis/nouveau", get(new_challenge))
        .route("/defis/{id}", get(challenge_page))
        .route("/defis/{id}/progression", get(challenge_progress))
        .route("/defis/{id}/annulation", post(cancel_challenge))
        .route("/admin/gamification", get(admin_page))
        .route("/admin/gamification/regles", post(save_rules))
        .route("/admin/gamification/niveaux", post(save_levels))
        .route("/admin/gamification/comportements", post(add_behaviour))
        .route(
            "/admin/gamification/comportements/{id}",
            post(toggle_behaviour),
        )
        .merge(super::api::router())
}

/// A class the viewer is related to, in the current year.
#[derive(Clone, Debug, FromRow)]
pub struct ClassRef {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Level.
    pub level_id: i64,
    /// Level name.
    pub level_name: String,
}

/// The current year's classes `u` is related to: every class for the administration, the
/// classes they teach or head for a teacher, their children's for a parent, their own for a
/// student.
pub async fn visible_classes(db: &Pool, u: &CurrentUser) -> Result<Vec<ClassRef>, sqlx::Error> {
    let all = u.is_admin();
    sqlx::query_as(
        "SELECT c.id, c.name, c.level_id, l.name AS level_name FROM classes c \
         JOIN levels l ON l.id = c.level_id JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
         WHERE $1 OR c.head_teacher_user_id = $2 \
         OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $2) \
         OR EXISTS (SELECT 1 FROM enrollments e JOIN students s ON s.id = e.student_id WHERE e.class_id = c.id AND s.user_id = $2) \
         OR EXISTS (SELECT 1 FROM enrollments e JOIN student_guardians g ON g.student_id = e.student_id \
                    WHERE e.class_id = c.id AND g.user_id = $2) \
         ORDER BY l.ordinal, c.name",
    )
    .bind(all)
    .bind(u.id)
    .fetch_all(db)
    .await
}

/// Whose real names the viewer sees on boards even when hidden: everyone for the
/// administration; the students they teach; their children; themself.
pub enum Known {
    /// Every student.
    All,
    /// These students.
    Some(HashSet<i64>),
}

impl Known {
    /// Does the viewer see this student's name?
    pub fn sees(&self, student: i64) -> bool {
        match self {
            Known::All => true,
            Known::Some(s) => s.contains(&student),
        }
    }
}

/// The students whose names `u` always sees.
pub async fn known(db: &Pool, u: &CurrentUser) -> Result<Known, sqlx::Error> {
    if u.is_admin() {
        return Ok(Known::All);
    }
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT s.id FROM students s WHERE s.user_id = $1 \
         UNION SELECT g.student_id FROM student_guardians g WHERE g.user_id = $1 \
         UNION SELECT e.student_id FROM enrollments e JOIN classes c ON c.id = e.class_id \
           JOIN school_years y ON y.id = c.school_year_id AND y.current = TRUE \
           WHERE c.head_teacher_user_id = $1 OR EXISTS (SELECT 1 FROM teaching_assignments t \
           WHERE t.class_id = c.id AND t.teacher_user_id = $1)",
    )
    .bind(u.id)
    .fetch_all(db)
    .await?;
    Ok(Known::Some(rows.into_iter().map(|r| r.0).collect()))
}

/// May `u` open this board? A class board: whoever sees the class; a level's: whoever is
/// related to a class of it; the school's: everyone with a portal.
pub async fn may_see_board(db: &Pool, u: &CurrentUser, scope: Scope) -> Result<bool, sqlx::Error> {
    Ok(match scope {
        Scope::Classe(c) => authz::can_see_class(db, u, c).await?,
        Scope::Niveau(l) => {
            u.is_admin()
                || visible_classes(db, u)
                    .await?
                    .iter()
                    .any(|c| c.level_id == l)
        }
        Scope::Ecole => true,
    })
}

/// A board line as a viewer sees it.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Line {
    /// Rank.
    pub rank: i64,
    /// Shares its rank.
    pub tied: bool,
    /// The student, unless hidden from this viewer.
    pub student_id: Option<i64>,
    /// The name, or `None` for "Élève anonyme".
    pub name: Option<String>,
    /// The class.
    pub class_name: String,
    /// The value.
    pub value: i64,
    /// The viewer's own line (themself or their child).
    pub mine: bool,
}

/// The board's lines for a viewer: the first `limit` lines and the viewer's own (a school
/// board has 2,000 lines: a phone on 3G wants the top and where one stands), hidden names
/// hidden unless the viewer knows the student.
pub fn lines_for(board: &Board, known: &Known, mine: &HashSet<i64>, limit: usize) -> Vec<Line> {
    board
        .entries
        .iter()
        .enumerate()
        .filter(|(i, e)| *i < limit || mine.contains(&e.student_id))
        .map(|(_, e)| {
            let shown = !e.hides_name || known.sees(e.student_id);
            Line {
                rank: e.rank,
                tied: e.tied,
                student_id: shown.then_some(e.student_id),
                name: shown.then(|| e.name.clone()),
                class_name: e.class_name.clone(),
                value: e.value,
                mine: mine.contains(&e.student_id),
            }
        })
        .collect()
}

/// The viewer's own students (themself, their children).
pub async fn own_students(db: &Pool, u: &CurrentUser) -> Result<HashSet<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT id FROM students WHERE user_id = $1 UNION SELECT student_id FROM student_guardians WHERE user_id = $1",
    )
    .bind(u.id)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

fn staff(u: &CurrentUser) -> bool {
    u.is_admin() || u.has(Role::Teacher)
}

/// May `u` run the school's gamification (rules, behaviours, levels, reversals)?
fn may_administer(u: &CurrentUser) -> bool {
    u.has(Role::Director) || u.has(Role::Secretary)
}

// ---------------------------------------------------------------- progress

/// One line of a student's history.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct HistoryLine {
    /// The award.
    pub id: i64,
    /// Points.
    pub points: i64,
    /// False for "à améliorer".
    pub positive: bool,
    /// The rule, if any.
    pub rule_code: Option<String>,
    /// The behaviour's label, if any.
    pub behaviour: Option<String>,
    /// The challenge's title, if any.
    pub challenge: Option<String>,
    /// Details.
    pub reason: String,
    /// Who gave it.
    pub awarded_by_name: Option<String>,
    /// The day.
    pub awarded_on: NaiveDate,
    /// Withdrawn.
    pub revoked: bool,
    /// Why it was withdrawn.
    pub revoke_reason: Option<String>,
}

impl HistoryLine {
    /// What it was for, as the catalog key of its source.
    pub fn source_key(&self) -> String {
        match (&self.rule_code, &self.behaviour, &self.challenge) {
            (Some(r), _, _) => format!("gam-rule-{r}"),
            (_, Some(_), _) => "gam-source-behaviour".into(),
            (_, _, Some(_)) => "gam-source-challenge".into(),
            _ => "gam-source-hand".into(),
        }
    }
}

/// A student's history, newest first.
pub async fn history(db: &Pool, student: i64, limit: i64) -> Result<Vec<HistoryLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT pa.id, pa.points, pa.positive, pa.rule_code, b.label AS behaviour, ch.title AS challenge, pa.reason, \
         (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = pa.awarded_by) AS awarded_by_name, \
         pa.awarded_on, pa.revoked_at IS NOT NULL AS revoked, pa.revoke_reason \
         FROM point_awards pa LEFT JOIN behaviours b ON b.id = pa.behaviour_id \
         LEFT JOIN challenges ch ON ch.id = pa.challenge_id \
         WHERE pa.student_id = $1 ORDER BY pa.awarded_on DESC, pa.id DESC LIMIT $2",
    )
    .bind(student)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// A badge, with whether (and when) a student holds it.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct BadgeRow {
    /// Id.
    pub id: i64,
    /// The automatic criterion, or `None` for a badge given by hand.
    pub code: Option<String>,
    /// The school's name (badges given by hand).
    pub name: String,
    /// The school's description.
    pub description: String,
    /// An emoji.
    pub icon: String,
    /// When the student got it.
    pub awarded_on: Option<NaiveDate>,
    /// How many students hold it.
    pub holders: i64,
}

impl BadgeRow {
    /// The name to show: the catalog's for automatic badges.
    pub fn title(&self, t: &crate::i18n::Tr) -> String {
        match &self.code {
            Some(c) => t.t(format!("badge-{c}")),
            None => self.name.clone(),
        }
    }

    /// What it takes.
    pub fn how(&self, t: &crate::i18n::Tr) -> String {
        match &self.code {
            Some(c) => t.t(format!("badge-{c}-how")),
            None if self.description.is_empty() => t.t("badge-by-hand"),
            None => self.description.clone(),
        }
    }
}

/// Every active badge, with `student`'s (0: nobody's) award date.
pub async fn badges(db: &Pool, student: i64) -> Result<Vec<BadgeRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT b.id, b.code, b.name, b.description, b.icon, \
         (SELECT ba.awarded_on FROM badge_awards ba WHERE ba.badge_id = b.id AND ba.student_id = $1 AND ba.revoked_at IS NULL) AS awarded_on, \
         (SELECT COUNT(*) FROM badge_awards ba WHERE ba.badge_id = b.id AND ba.revoked_at IS NULL) AS holders \
         FROM badges b WHERE b.active = TRUE ORDER BY b.code IS NULL, b.id",
    )
    .bind(student)
    .fetch_all(db)
    .await
}

/// What a student's progress page and the API show.
pub struct Profile {
    /// The student.
    pub student: crate::school::StudentRow,
    /// Points of all time.
    pub total: i64,
    /// Points this week.
    pub week: i64,
    /// "À améliorer" points this period.
    pub to_improve: i64,
    /// Level.
    pub standing: Standing,
    /// Badges held.
    pub badges: Vec<BadgeRow>,
    /// The last awards.
    pub history: Vec<HistoryLine>,
    /// Rank in the class this period, if enrolled.
    pub class_rank: Option<(i64, bool, usize)>,
    /// Hidden from other students' boards.
    pub hides_name: bool,
}

/// Builds a student's profile.
pub async fn profile(
    app: &AppState,
    t: &crate::i18n::Tr,
    student: crate::school::StudentRow,
) -> AppResult<Profile> {
    let db = &app.db;
    let today = super::today();
    let total = super::total_points(db, student.id).await?;
    let (week,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_awards WHERE student_id = $1 \
         AND positive = TRUE AND revoked_at IS NULL AND awarded_on >= $2",
    )
    .bind(student.id)
    .bind(super::monday_of(today))
    .fetch_one(db)
    .await?;
    let period_from = boards::span(db, Window::Trimestre, today)
        .await?
        .map(|s| s.from)
        .unwrap_or(today);
    let (to_improve,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_awards WHERE student_id = $1 \
         AND positive = FALSE AND revoked_at IS NULL AND awarded_on >= $2",
    )
    .bind(student.id)
    .bind(period_from)
    .fetch_one(db)
    .await?;
    let levels = super::levels(db).await?;
    let standing = levels.standing(total, |i| t.t(format!("gam-level-{}", i.min(6))));
    let badges: Vec<BadgeRow> = badges(db, student.id)
        .await?
        .into_iter()
        .filter(|b| b.awarded_on.is_some())
        .collect();
    let class_rank = match student.class_id {
        Some(c) => {
            let b = boards::board(
                &app.boards,
                db,
                Kind::Points,
                Window::Trimestre,
                Scope::Classe(c),
                today,
            )
            .await?;
            b.entries
                .iter()
                .find(|e| e.student_id == student.id)
                .map(|e| (e.rank, e.tied, b.entries.len()))
        }
        None => None,
    };
    Ok(Profile {
        total,
        week,
        to_improve,
        standing,
        badges,
        history: history(db, student.id, 50).await?,
        class_rank,
        hides_name: super::hides_name(db, student.id).await?,
        student,
    })
}

/// The student of `id` if `u` may see them (404 when there is none, 403 when not theirs).
pub async fn seen_student(
    db: &Pool,
    u: &CurrentUser,
    id: i64,
) -> AppResult<crate::school::StudentRow> {
    let Some(s) = crate::school::student(db, id).await? else {
        return Err(AppError::NotFound);
    };
    authz::require(authz::can_see_student(db, u, id).await?)?;
    Ok(s)
}

#[derive(Template)]
#[template(path = "gamification/progress.html")]
struct ProgressPage<'a> {
    ctx: &'a Ctx,
    p: Profile,
    may_revoke: bool,
    may_hide: bool,
    challenges: Vec<(Challenge, Vec<Progress>)>,
}

async fn my_progress(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.person()?;
    let own = own_students(&app.db, u).await?;
    let mut own: Vec<i64> = own.into_iter().collect();
    own.sort_unstable();
    match own.first() {
        Some(s) => Ok(redirect(&format!("/progression/{s}"))),
        None => Ok(redirect("/classements")),
    }
}

async fn progress_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.person()?;
    let s = seen_student(&app.db, u, id).await?;
    let may_hide = own_students(&app.db, u).await?.contains(&id);
    let p = profile(&app, &ctx.t, s).await?;
    let mut list = Vec::new();
    for c in student_challenges(&app.db, id).await? {
        let pr = challenges::progress(&app.db, &c, super::today()).await?;
        list.push((c, pr));
    }
    html(&ProgressPage {
        ctx: &ctx,
        p,
        may_revoke: may_administer(u),
        may_hide,
        challenges: list,
    })
}

async fn student_challenges(db: &Pool, student: i64) -> Result<Vec<Challenge>, sqlx::Error> {
    let ids: Vec<(i64,)> = sqlx::query_as(
        "SELECT ch.id FROM challenges ch JOIN challenge_members cm ON cm.challenge_id = ch.id \
         WHERE cm.student_id = $1 AND ch.state = 'open' ORDER BY ch.ends_on",
    )
    .bind(student)
    .fetch_all(db)
    .await?;
    let mut out = Vec::new();
    for (id,) in ids {
        if let Some(c) = challenges::get(db, id).await? {
            out.push(c);
        }
    }
    Ok(out)
}

fn form(body: &Bytes) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(f: &'a [(String, String)], key: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

async fn set_privacy(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.person()?;
    // The student, and their parents; not the staff.
    authz::require(own_students(&app.db, u).await?.contains(&id))?;
    let hide = field(&form(&body), "hide") == "1";
    super::set_hides_name(&app.db, id, hide).await?;
    ctx.flash(
        "success",
        if hide {
            "gam-privacy-hidden"
        } else {
            "gam-privacy-shown"
        },
    )
    .await?;
    Ok(redirect(&format!("/progression/{id}")))
}

// ---------------------------------------------------------------- boards

/// The query of a board.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct BoardQuery {
    /// points, badges, progres.
    #[serde(default, rename = "type")]
    pub kind: String,
    /// classe, niveau, ecole.
    #[serde(default)]
    pub scope: String,
    /// semaine, trimestre, tout.
    #[serde(default)]
    pub periode: String,
    /// The class, for a class board.
    #[serde(default)]
    pub classe: String,
    /// The level, for a level board.
    #[serde(default)]
    pub niveau: String,
    /// How many lines from the top (the viewer's own are always there).
    #[serde(default)]
    pub limite: String,
}

impl BoardQuery {
    /// The lines asked for: 100 unless said, at most 5,000.
    pub fn limit(&self) -> usize {
        self.limite
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .unwrap_or(100)
            .min(5000)
    }
}

/// A board request, checked: the board and the viewer's right to it.
pub struct BoardChoice {
    /// Ranks by.
    pub kind: Kind,
    /// Over.
    pub window: Window,
    /// Whose.
    pub scope: Scope,
}

/// Reads the query; the class and level default to the viewer's first class. Unknown
/// values are a 400 for the API and a correction for pages.
pub fn choose(q: &BoardQuery, classes: &[ClassRef]) -> Result<BoardChoice, &'static str> {
    let kind = Kind::parse(&q.kind).ok_or("gam-error-type")?;
    let window = Window::parse(&q.periode).ok_or("gam-error-periode")?;
    let first = classes.first();
    let scope = match q.scope.as_str() {
        "ecole" => Scope::Ecole,
        "niveau" => match q.niveau.parse::<i64>() {
            Ok(l) => Scope::Niveau(l),
            Err(_) if q.niveau.is_empty() => match first {
                Some(c) => Scope::Niveau(c.level_id),
                None => Scope::Ecole,
            },
            Err(_) => return Err("gam-error-scope"),
        },
        "classe" | "" => match q.classe.parse::<i64>() {
            Ok(c) => Scope::Classe(c),
            Err(_) if q.classe.is_empty() => match first {
                Some(c) => Scope::Classe(c.id),
                None => Scope::Ecole,
            },
            Err(_) => return Err("gam-error-scope"),
        },
        _ => return Err("gam-error-scope"),
    };
    Ok(BoardChoice {
        kind,
        window,
        scope,
    })
}

#[derive(Template)]
#[template(path = "gamification/boards.html")]
struct BoardsPage<'a> {
    ctx: &'a Ctx,
    more: i64,
    classes: Vec<ClassRef>,
    levels: Vec<(i64, String)>,
    board: std::sync::Arc<Board>,
    lines: Vec<Line>,
    kind: &'static str,
    window: &'static str,
    scope: &'static str,
    class_id: i64,
    level_id: i64,
}

impl BoardsPage<'_> {
    fn value(&self, v: &i64) -> String {
        let v = *v;
        match self.board.kind {
            Kind::Progres => format!("{}{}", if v > 0 { "+" } else { "" }, signed(v)),
            _ => self.ctx.t.int(v),
        }
    }
}

async fn boards_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<BoardQuery>,
    Query(export): Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    let u = ctx.person()?;
    let export = export.format()?;
    let classes = visible_classes(&app.db, u).await?;
    let choice = match choose(&q, &classes) {
        Ok(c) => c,
        Err(_) => choose(&BoardQuery::default(), &classes).map_err(|_| AppError::NotFound)?,
    };
    authz::require(may_see_board(&app.db, u, choice.scope).await?)?;
    let board = boards::board(
        &app.boards,
        &app.db,
        choice.kind,
        choice.window,
        choice.scope,
        super::today(),
    )
    .await?;
    let known = known(&app.db, u).await?;
    let mine = own_students(&app.db, u).await?;
    let lines = lines_for(&board, &known, &mine, q.limit());
    let more = board.entries.len().saturating_sub(lines.len()) as i64;
    if let Some(format) = export {
        // The lines this viewer sees, names hidden as on the page.
        use crate::export::{Cell, Table};
        let t = &ctx.t;
        let mut table = Table::new(
            t.t("nav-boards"),
            [
                t.t("gam-rank"),
                t.t("student"),
                t.t("class"),
                t.t(format!("gam-type-{}", choice.kind.code())),
            ],
        );
        table.subtitle = format!(
            "{} · {} – {}",
            t.t(format!("gam-window-{}", choice.window.code())),
            t.date(&board.from),
            t.date(&board.to)
        );
        for l in &lines {
            table.push(vec![
                Cell::Text(if l.tied {
                    format!("{} {}", l.rank, t.t("gam-tied"))
                } else {
                    l.rank.to_string()
                }),
                Cell::Text(l.name.clone().unwrap_or_else(|| t.t("gam-anonymous"))),
                Cell::Text(l.class_name.clone()),
                match board.kind {
                    Kind::Progres => Cell::Hundredths(l.value),
                    _ => Cell::Int(l.value),
                },
            ]);
        }
        let frame = crate::export::frame(&app, &ctx).await;
        return crate::export::send_table(table, format, &ctx, frame).await;
    }
    let mut levels: Vec<(i64, String)> = classes
        .iter()
        .map(|c| (c.level_id, c.level_name.clone()))
        .collect();
    levels.dedup();
    let (scope, class_id, level_id) = match choice.scope {
        Scope::Classe(c) => ("classe", c, 0),
        Scope::Niveau(l) => ("niveau", 0, l),
        Scope::Ecole => ("ecole", 0, 0),
    };
    html(&BoardsPage {
        ctx: &ctx,
        more,
        classes,
        levels,
        lines,
        kind: choice.kind.code(),
        window: choice.window.code(),
        board,
        scope,
        class_id,
        level_id,
    })
}

// ---------------------------------------------------------------- badges

#[derive(Template)]
#[template(path = "gamification/badges.html")]
struct BadgesPage<'a> {
    ctx: &'a Ctx,
    badges: Vec<BadgeRow>,
    may_create: bool,
    form: Vec<(String, String)>,
    errors: FormErrors,
}

impl BadgesPage<'_> {
    fn value(&self, key: &str) -> &str {
        field(&self.form, key)
    }
}

async fn badges_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.person()?;
    // A student sees which they hold.
    let me = crate::school::student_by_user(&app.db, u.id)
        .await?
        .map(|s| s.id)
        .unwrap_or(0);
    html(&BadgesPage {
        ctx: &ctx,
        badges: badges(&app.db, me).await?,
        may_create: may_administer(u),
        form: Vec::new(),
        errors: FormErrors::default(),
    })
}

async fn create_badge(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.person()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let mut errors = FormErrors::default();
    let name = crate::domain::required_text(field(&f, "name"), 60).unwrap_or_else(|k| {
        errors.add("name", ctx.t.t(k));
        String::new()
    });
    let description = field(&f, "description").trim().to_string();
    if description.chars().count() > 300 {
        errors.add("description", ctx.t.t("error-too-long"));
    }
    let icon = field(&f, "icon").trim().to_string();
    if icon.is_empty() || icon.chars().count() > 4 {
        errors.add("icon", ctx.t.t("gam-error-icon"));
    }
    if !errors.is_empty() {
        return html_status(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            &BadgesPage {
                ctx: &ctx,
                badges: badges(&app.db, 0).await?,
                may_create: true,
                form: f,
                errors,
            },
        );
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO badges (name, description, icon, created_by) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(&name)
    .bind(&description)
    .bind(&icon)
    .bind(u.id)
    .fetch_one(&mut *tx)
    .await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "badge",
        &id.to_string(),
        "create",
        None,
        Some(&name),
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "gam-badge-created").await?;
    Ok(redirect("/badges"))
}

// ---------------------------------------------------------------- a class's points

/// A line of a class's points table.
#[derive(Clone, Debug, FromRow)]
pub struct ClassLine {
    /// The student.
    pub id: i64,
    /// Nom.
    pub last_name: String,
    /// Prénom.
    pub first_name: String,
    /// Points this week.
    pub week: i64,
    /// Points of all time.
    pub total: i64,
    /// "À améliorer" points this week.
    pub to_improve: i64,
    /// Badges held.
    pub badges: i64,
}

async fn class_lines(
    db: &Pool,
    class: i64,
    monday: NaiveDate,
) -> Result<Vec<ClassLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.id, s.last_name, s.first_name, \
         CAST(COALESCE((SELECT SUM(pa.points) FROM point_awards pa WHERE pa.student_id = s.id AND pa.positive = TRUE \
            AND pa.revoked_at IS NULL AND pa.awarded_on >= $2), 0) AS BIGINT) AS week, \
         CAST(COALESCE((SELECT SUM(pa.points) FROM point_awards pa WHERE pa.student_id = s.id AND pa.positive = TRUE \
            AND pa.revoked_at IS NULL), 0) AS BIGINT) AS total, \
         CAST(COALESCE((SELECT SUM(pa.points) FROM point_awards pa WHERE pa.student_id = s.id AND pa.positive = FALSE \
            AND pa.revoked_at IS NULL AND pa.awarded_on >= $2), 0) AS BIGINT) AS to_improve, \
         (SELECT COUNT(*) FROM badge_awards ba WHERE ba.student_id = s.id AND ba.revoked_at IS NULL) AS badges \
         FROM enrollments e JOIN students s ON s.id = e.student_id \
         WHERE e.class_id = $1 AND s.active = TRUE ORDER BY s.sort_name",
    )
    .bind(class)
    .bind(monday)
    .fetch_all(db)
    .await
}

#[derive(Template)]
#[template(path = "gamification/class.html")]
struct ClassPage<'a> {
    ctx: &'a Ctx,
    class: crate::school::ClassRow,
    lines: Vec<ClassLine>,
    behaviours: Vec<Behaviour>,
    manual_badges: Vec<BadgeRow>,
    levels: Levels,
    chosen: Vec<i64>,
    form: Vec<(String, String)>,
    errors: FormErrors,
}

impl ClassPage<'_> {
    fn level(&self, points: &i64) -> String {
        self.levels
            .standing(*points, |i| self.ctx.t.t(format!("gam-level-{}", i.min(6))))
            .name
    }

    fn value(&self, key: &str) -> &str {
        field(&self.form, key)
    }
}

/// The class, if `u` may award points in it: its teachers, the director and the
/// secretary (the bursar handles money, not conduct).
async fn roster_class(db: &Pool, u: &CurrentUser, id: i64) -> AppResult<crate::school::ClassRow> {
    let Some(class) = crate::school::class(db, id).await? else {
        return Err(AppError::NotFound);
    };
    authz::require(may_run_challenge(db, u, id).await?)?;
    Ok(class)
}

async fn class_page(
    app: &AppState,
    ctx: &Ctx,
    class: crate::school::ClassRow,
    chosen: Vec<i64>,
    form: Vec<(String, String)>,
    errors: FormErrors,
) -> AppResult<Response> {
    let lines = class_lines(&app.db, class.id, super::monday_of(super::today())).await?;
    let status = errors.status();
    html_status(
        status,
        &ClassPage {
            ctx,
            class,
            lines,
            behaviours: super::behaviours(&app.db)
                .await?
                .into_iter()
                .filter(|b| b.active)
                .collect(),
            manual_badges: badges(&app.db, 0)
                .await?
                .into_iter()
                .filter(|b| b.code.is_none())
                .collect(),
            levels: super::levels(&app.db).await?,
            chosen,
            form,
            errors,
        },
    )
}

async fn class_points(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.person()?;
    let class = roster_class(&app.db, u, id).await?;
    class_page(
        &app,
        &ctx,
        class,
        Vec::new(),
        Vec::new(),
        FormErrors::default(),
    )
    .await
}

/// The chosen students of a form, each checked to be in the class.
fn chosen_students(f: &[(String, String)], lines: &[i64]) -> Result<Vec<i64>, ()> {
    let mut out = Vec::new();
    for (k, v) in f {
        if k == "student" {
            let id: i64 = v.parse().map_err(|_| ())?;
            if !lines.contains(&id) {
                return Err(());
            }
            if !out.contains(&id) {
                out.push(id);
            }
        }
    }
    Ok(out)
}

/// A class's form that names students: the class (if `u` may award there), the form, the
/// students chosen (each checked to be an active student of the class: another id is a
/// 403) and the error when none is.
struct Picked {
    class: crate::school::ClassRow,
    form: Vec<(String, String)>,
    chosen: Vec<i64>,
    errors: FormErrors,
}

async fn picked(
    app: &AppState,
    ctx: &Ctx,
    u: &CurrentUser,
    id: i64,
    body: &Bytes,
) -> AppResult<Picked> {
    let class = roster_class(&app.db, u, id).await?;
    let form = form(body);
    let roster: Vec<i64> = crate::school::roster(&app.db, id)
        .await?
        .into_iter()
        .filter(|s| s.active)
        .map(|s| s.id)
        .collect();
    let mut errors = FormErrors::default();
    let chosen = match chosen_students(&form, &roster) {
        Ok(c) if !c.is_empty() => c,
        Ok(_) => {
            errors.add("student", ctx.t.t("gam-error-no-student"));
            Vec::new()
        }
        Err(()) => return Err(AppError::Forbidden),
    };
    Ok(Picked {
        class,
        form,
        chosen,
        errors,
    })
}

async fn award_points(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.person()?;
    let Picked {
        class,
        form: f,
        chosen,
        mut errors,
    } = picked(&app, &ctx, u, id, &body).await?;
    let behaviour = super::behaviours(&app.db)
        .await?
        .into_iter()
        .find(|b| b.active && b.id.to_string() == field(&f, "behaviour"));
    if behaviour.is_none() {
        errors.add("behaviour", ctx.t.t("error-choose"));
    }
    let comment = field(&f, "comment").trim().to_string();
    if comment.chars().count() > 200 {
        errors.add("comment", ctx.t.t("error-too-long"));
    }
    let Some(b) = behaviour.filter(|_| errors.is_empty()) else {
        return class_page(&app, &ctx, class, chosen, f, errors).await;
    };
    let today = super::today();
    let mut tx = crate::db::begin_write(&app.db).await?;
    for s in &chosen {
        let award = super::Award {
            student_id: *s,
            points: b.points,
            positive: b.positive,
            behaviour_id: Some(b.id),
            reason: comment.clone(),
            awarded_by: Some(u.id),
            awarded_on: today,
            ..Default::default()
        };
        if super::award(&mut tx, &award).await?.is_none() {
            // Only without a current school year.
            return Err(AppError::Conflict("gam-error-no-year"));
        }
    }
    tx.commit().await?;
    super::tell(&app, &chosen).await;
    ctx.flash_text(
        "success",
        ctx.t.tj(
            if b.positive {
                "gam-awarded"
            } else {
                "gam-noted"
            },
            serde_json::json!({ "count": chosen.len() as i64, "points": b.points, "label": b.label }),
        ),
    )
    .await?;
    Ok(redirect(&format!("/points/classe/{id}")))
}

async fn give_badge(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.person()?;
    let Picked {
        class,
        form: f,
        chosen,
        mut errors,
    } = picked(&app, &ctx, u, id, &body).await?;
    let badge = badges(&app.db, 0)
        .await?
        .into_iter()
        .find(|b| b.code.is_none() && b.id.to_string() == field(&f, "badge"));
    if badge.is_none() {
        errors.add("badge", ctx.t.t("error-choose"));
    }
    let Some(badge) = badge.filter(|_| errors.is_empty()) else {
        return class_page(&app, &ctx, class, chosen, f, errors).await;
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    for s in &chosen {
        super::award_badge(
            &mut tx,
            badge.id,
            *s,
            Some(u.id),
            field(&f, "comment"),
            super::today(),
        )
        .await?;
    }
    tx.commit().await?;
    super::tell(&app, &chosen).await;
    ctx.flash("success", "gam-badge-given").await?;
    Ok(redirect(&format!("/points/classe/{id}")))
}

async fn revoke_award(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.person()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let reason = field(&f, "reason")
        .trim()
        .chars()
        .take(200)
        .collect::<String>();
    let mut tx = crate::db::begin_write(&app.db).await?;
    let Some(student) = super::revoke(&mut tx, id, Some(u.id), &reason).await? else {
        let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM point_awards WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        // A second click finds it done: said, not failed.
        let Some((_,)) = exists else {
            return Err(AppError::NotFound);
        };
        let (student,): (i64,) =
            sqlx::query_as("SELECT student_id FROM point_awards WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
        ctx.flash("info", "gam-already-revoked").await?;
        return Ok(redirect(&format!("/progression/{student}")));
    };
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "point_award",
        &id.to_string(),
        "revoke",
        None,
        Some(&reason),
    )
    .await?;
    tx.commit().await?;
    super::tell(&app, &[student]).await;
    ctx.flash("success", "gam-revoked").await?;
    Ok(redirect(&format!("/progression/{student}")))
}

async fn revoke_badge(
    State(app): State<AppState>,
    ctx: Ctx,
    crate::web::PathIds(badge, student): crate::web::PathIds,
) -> AppResult<Response> {
    let u = ctx.person()?;
    authz::require(may_administer(u))?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    let done = sqlx::query(
        "UPDATE badge_awards SET revoked_at = $1, revoked_by = $2 \
         WHERE badge_id = $3 AND student_id = $4 AND revoked_at IS NULL",
    )
    .bind(chrono::Utc::now())
    .bind(u.id)
    .bind(badge)
    .bind(student)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if done == 0 {
        let held: Option<(i64,)> = sqlx::query_as(
            "SELECT student_id FROM badge_awards WHERE badge_id = $1 AND student_id = $2",
        )
        .bind(badge)
        .bind(student)
        .fetch_optional(&mut *tx)
        .await?;
        if held.is_none() {
            return Err(AppError::NotFound);
        }
        ctx.flash("info", "gam-already-revoked").await?;
        return Ok(redirect(&format!("/progression/{student}")));
    }
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "badge_award",
        &format!("{badge}:{student}"),
        "revoke",
        None,
        None,
    )
    .await?;
    tx.commit().await?;
    super::boards::changed();
    super::tell(&app, &[student]).await;
    ctx.flash("success", "gam-badge-revoked").await?;
    Ok(redirect(&format!("/progression/{student}")))
}

// ---------------------------------------------------------------- challenges

/// The challenges `u` may see: the administration every one; a teacher their classes';
/// a student and a parent those the student (or child) takes part in.
pub async fn challenges_for(db: &Pool, u: &CurrentUser) -> Result<Vec<Challenge>, sqlx::Error> {
    if u.is_admin() {
        return challenges::of_classes(db, None).await;
    }
    let mut out = Vec::new();
    if u.has(Role::Teacher) {
        let classes: Vec<i64> = teacher_class_ids(db, u.id).await?;
        out = challenges::of_classes(db, Some(&classes)).await?;
    }
    let own = own_students(db, u).await?;
    if !own.is_empty() {
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT DISTINCT cm.challenge_id FROM challenge_members cm \
             JOIN student_guardians g ON g.student_id = cm.student_id WHERE g.user_id = $1 \
             UNION SELECT cm.challenge_id FROM challenge_members cm JOIN students s ON s.id = cm.student_id WHERE s.user_id = $1",
        )
        .bind(u.id)
        .fetch_all(db)
        .await?;
        for c in challenges::of_classes(db, None).await? {
            if ids.iter().any(|i| i.0 == c.id) && !out.iter().any(|o: &Challenge| o.id == c.id) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

async fn teacher_class_ids(db: &Pool, user: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT c.id FROM classes c WHERE c.head_teacher_user_id = $1 \
         OR EXISTS (SELECT 1 FROM teaching_assignments t WHERE t.class_id = c.id AND t.teacher_user_id = $1)",
    )
    .bind(user)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// May `u` see challenge `c`?
pub async fn may_see_challenge(
    db: &Pool,
    u: &CurrentUser,
    c: &Challenge,
) -> Result<bool, sqlx::Error> {
    if u.is_admin() || teacher_class_ids(db, u.id).await?.contains(&c.class_id) {
        return Ok(true);
    }
    let members = challenges::members(db, c.id).await?;
    let own = own_students(db, u).await?;
    Ok(members.iter().any(|m| own.contains(&m.student_id)))
}

/// May `u` run (create, cancel) challenges for class `class`? Its teachers and the
/// administration (not the bursar).
async fn may_run_challenge(db: &Pool, u: &CurrentUser, class: i64) -> Result<bool, sqlx::Error> {
    Ok(may_administer(u)
        || (u.has(Role::Teacher) && teacher_class_ids(db, u.id).await?.contains(&class)))
}

#[derive(Template)]
#[template(path = "gamification/challenges.html")]
struct ChallengesPage<'a> {
    ctx: &'a Ctx,
    list: Vec<(Challenge, Vec<Progress>)>,
    may_create: bool,
}

async fn challenges_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.person()?;
    let today = super::today();
    let mut list = Vec::new();
    for c in challenges_for(&app.db, u).await? {
        let p = challenges::progress(&app.db, &c, today).await?;
        list.push((c, p));
    }
    html(&ChallengesPage {
        ctx: &ctx,
        list,
        may_create: may_administer(u) || u.has(Role::Teacher),
    })
}

#[derive(Template)]
#[template(path = "gamification/challenge.html")]
struct ChallengePage<'a> {
    ctx: &'a Ctx,
    c: Challenge,
    progress: Vec<Progress>,
    members: Vec<challenges::Member>,
    may_cancel: bool,
}

/// Hundredths written with a comma, negative ones too ("-1,50").
pub fn signed(h: i64) -> String {
    let sign = if h < 0 { "-" } else { "" };
    format!("{sign}{}", crate::grades::calc::fmt_hundredths(h.abs()))
}

/// The value of a challenge's measure in words.
pub fn measure_text(t: &crate::i18n::Tr, metric: &str, v: &i64) -> String {
    let v = *v;
    // "95 %" rather than "95,00 %".
    let short = |h: i64| {
        let s = signed(h);
        s.strip_suffix(",00").map(str::to_string).unwrap_or(s)
    };
    match metric {
        "attendance" => format!("{} %", short(v)),
        "average_gain" => format!("{}{}", if v > 0 { "+" } else { "" }, short(v)),
        _ => t.int(v),
    }
}

async fn challenge_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.person()?;
    let c = challenges::get(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(may_see_challenge(&app.db, u, &c).await?)?;
    let progress = challenges::progress(&app.db, &c, super::today()).await?;
    let staff = staff(u);
    // Classmates' names are for the staff; a family sees its own child's line.
    let own = own_students(&app.db, u).await?;
    let members = challenges::members(&app.db, id)
        .await?
        .into_iter()
        .filter(|m| staff || own.contains(&m.student_id))
        .collect();
    let may_cancel = c.state == "open" && may_run_challenge(&app.db, u, c.class_id).await?;
    let page = ChallengePage {
        ctx: &ctx,
        c,
        progress,
        members,
        may_cancel,
    };
    if ctx.htmx.wants_fragment() && ctx.path.ends_with("/progression") {
        return html(&page);
    }
    html(&page)
}

#[derive(Template)]
#[template(path = "gamification/_progress.html")]
struct ProgressFragment<'a> {
    ctx: &'a Ctx,
    c: Challenge,
    progress: Vec<Progress>,
}

async fn challenge_progress(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.person()?;
    let c = challenges::get(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(may_see_challenge(&app.db, u, &c).await?)?;
    let progress = challenges::progress(&app.db, &c, super::today()).await?;
    let mut res = html(&ProgressFragment {
        ctx: &ctx,
        c,
        progress,
    })?;
    crate::web::vary_htmx(&mut res);
    Ok(res)
}

#[derive(Template)]
#[template(path = "gamification/challenge_form.html")]
struct ChallengeForm<'a> {
    ctx: &'a Ctx,
    classes: Vec<ClassRef>,
    students: Vec<crate::school::StudentRow>,
    manual_badges: Vec<BadgeRow>,
    form: Vec<(String, String)>,
    errors: FormErrors,
    metrics: [&'static str; 3],
}

impl ChallengeForm<'_> {
    fn value(&self, key: &str) -> &str {
        field(&self.form, key)
    }
}

async fn runnable_classes(db: &Pool, u: &CurrentUser) -> Result<Vec<ClassRef>, sqlx::Error> {
    let all = visible_classes(db, u).await?;
    if may_administer(u) {
        return Ok(all);
    }
    let mine = teacher_class_ids(db, u.id).await?;
    Ok(all.into_iter().filter(|c| mine.contains(&c.id)).collect())
}

async fn challenge_form(
    app: &AppState,
    ctx: &Ctx,
    form: Vec<(String, String)>,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = ctx.person()?;
    let classes = runnable_classes(&app.db, u).await?;
    authz::require(!classes.is_empty())?;
    let class = field(&form, "class_id")
        .parse::<i64>()
        .ok()
        .filter(|c| classes.iter().any(|x| x.id == *c))
        .unwrap_or(classes[0].id);
    let students = crate::school::roster(&app.db, class).await?;
    let status = errors.status();
    html_status(
        status,
        &ChallengeForm {
            ctx,
            classes,
            students,
            manual_badges: badges(&app.db, 0)
                .await?
                .into_iter()
                .filter(|b| b.code.is_none())
                .collect(),
            form,
            errors,
            metrics: challenges::METRICS,
        },
    )
}

async fn new_challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut form = q;
    if field(&form, "starts_on").is_empty() {
        let today = super::today();
        form.push(("starts_on".into(), today.to_string()));
        form.push((
            "ends_on".into(),
            (today + chrono::Days::new(13)).to_string(),
        ));
        form.push(("target".into(), "95".into()));
        form.push(("reward_points".into(), "20".into()));
    }
    challenge_form(&app, &ctx, form, FormErrors::default()).await
}

/// A decimal typed the French way ("1,5") into hundredths.
fn hundredths(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let v: f64 = s.parse().ok()?;
    (v.is_finite() && v > 0.0 && v < 100_000.0).then(|| (v * 100.0).round() as i64)
}

async fn create_challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.person()?;
    let f = form(&body);
    let classes = runnable_classes(&app.db, u).await?;
    authz::require(!classes.is_empty())?;
    let mut errors = FormErrors::default();
    let Some(class) = field(&f, "class_id")
        .parse::<i64>()
        .ok()
        .filter(|c| classes.iter().any(|x| x.id == *c))
    else {
        // A class that is not theirs, typed by hand.
        return Err(AppError::Forbidden);
    };
    let title = crate::domain::required_text(field(&f, "title"), 80).unwrap_or_else(|k| {
        errors.add("title", ctx.t.t(k));
        String::new()
    });
    let description = field(&f, "description").trim().to_string();
    if description.chars().count() > 1000 {
        errors.add("description", ctx.t.t("error-too-long"));
    }
    let metric = challenges::METRICS
        .iter()
        .find(|m| **m == field(&f, "metric"))
        .copied();
    if metric.is_none() {
        errors.add("metric", ctx.t.t("error-choose"));
    }
    let target = match metric {
        Some("points") => field(&f, "target")
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|v| (1..=10_000).contains(v)),
        Some("attendance") => hundredths(field(&f, "target")).filter(|v| *v <= 10_000),
        _ => hundredths(field(&f, "target")).filter(|v| *v <= 2000),
    };
    if target.is_none() {
        errors.add("target", ctx.t.t("gam-error-target"));
    }
    let date = |k: &str| NaiveDate::parse_from_str(field(&f, k).trim(), "%Y-%m-%d").ok();
    let (starts, ends) = (date("starts_on"), date("ends_on"));
    if starts.is_none() {
        errors.add("starts_on", ctx.t.t("error-date-format"));
    }
    match (starts, ends) {
        (_, None) => errors.add("ends_on", ctx.t.t("error-date-format")),
        (Some(s), Some(e)) if e < s || (e - s).num_days() > 366 => {
            errors.add("ends_on", ctx.t.t("gam-error-dates"))
        }
        (_, Some(e)) if e < super::today() => errors.add("ends_on", ctx.t.t("gam-error-past")),
        _ => {}
    }
    let who = field(&f, "who");
    let roster: Vec<i64> = crate::school::roster(&app.db, class)
        .await?
        .into_iter()
        .map(|s| s.id)
        .collect();
    let (student, teams) = match who {
        "class" | "" => (None, 0),
        "teams" => match field(&f, "teams").parse::<i64>() {
            Ok(n) if (2..=10).contains(&n) && (n as usize) <= roster.len() => (None, n),
            _ => {
                errors.add("teams", ctx.t.t("gam-error-teams"));
                (None, 0)
            }
        },
        "student" => match field(&f, "student_id").parse::<i64>() {
            Ok(s) if roster.contains(&s) => (Some(s), 0),
            _ => {
                errors.add("student_id", ctx.t.t("error-choose"));
                (None, 0)
            }
        },
        _ => {
            errors.add("who", ctx.t.t("error-choose"));
            (None, 0)
        }
    };
    let reward_points = match field(&f, "reward_points").trim() {
        "" => Some(0),
        v => v.parse::<i64>().ok().filter(|p| (0..=1000).contains(p)),
    };
    if reward_points.is_none() {
        errors.add("reward_points", ctx.t.t("gam-error-points"));
    }
    let badge = match field(&f, "reward_badge_id") {
        "" => None,
        v => {
            let found = badges(&app.db, 0)
                .await?
                .into_iter()
                .find(|b| b.code.is_none() && b.id.to_string() == v);
            if found.is_none() {
                errors.add("reward_badge_id", ctx.t.t("error-choose"));
            }
            found.map(|b| b.id)
        }
    };
    if !errors.is_empty() {
        return challenge_form(&app, &ctx, f, errors).await;
    }
    let (Some(metric), Some(target), Some(starts_on), Some(ends_on), Some(reward_points)) =
        (metric, target, starts, ends, reward_points)
    else {
        return challenge_form(&app, &ctx, f, errors).await;
    };
    let id = challenges::create(
        &app.db,
        &challenges::NewChallenge {
            title,
            description,
            class_id: class,
            student_id: student,
            teams,
            metric,
            target,
            starts_on,
            ends_on,
            reward_points,
            reward_badge_id: badge,
            created_by: u.id,
        },
    )
    .await?;
    ctx.flash("success", "gam-challenge-created").await?;
    Ok(redirect(&format!("/defis/{id}")))
}

async fn cancel_challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.person()?;
    let c = challenges::get(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(may_run_challenge(&app.db, u, c.class_id).await?)?;
    if c.state == "settled" {
        return Err(AppError::Conflict("gam-challenge-not-open"));
    }
    if !challenges::cancel(&app.db, id, u.id).await? {
        ctx.flash("info", "gam-challenge-not-open").await?;
        return Ok(redirect(&format!("/defis/{id}")));
    }
    ctx.flash("success", "gam-challenge-cancelled").await?;
    Ok(redirect(&format!("/defis/{id}")))
}

// ---------------------------------------------------------------- administration

#[derive(Template)]
#[template(path = "gamification/admin.html")]
struct AdminPage<'a> {
    ctx: &'a Ctx,
    rules: Vec<super::Rule>,
    behaviours: Vec<Behaviour>,
    levels: Levels,
    journal: Vec<JournalLine>,
    errors: FormErrors,
}

impl AdminPage<'_> {
    fn level_name(&self, i: &usize) -> String {
        self.ctx.t.t(format!("gam-level-{}", (i + 1).min(6)))
    }

    fn level_at(&self, i: &usize) -> Option<&super::Level> {
        self.levels.0.get(*i)
    }
}

/// An award in the administration's journal.
#[derive(Clone, Debug, FromRow)]
pub struct JournalLine {
    /// Award id.
    pub id: i64,
    /// Student.
    pub student_id: i64,
    /// "NOM Prénom".
    pub student: String,
    /// Points.
    pub points: i64,
    /// False for "à améliorer".
    pub positive: bool,
    /// What for.
    pub what: String,
    /// Who.
    pub by_name: Option<String>,
    /// When.
    pub awarded_on: NaiveDate,
    /// Withdrawn.
    pub revoked: bool,
}

async fn journal(db: &Pool) -> Result<Vec<JournalLine>, sqlx::Error> {
    sqlx::query_as(
        "SELECT pa.id, pa.student_id, UPPER(s.last_name) || ' ' || s.first_name AS student, pa.points, pa.positive, \
         COALESCE(b.label, ch.title, pa.rule_code, '') || CASE WHEN pa.reason = '' THEN '' ELSE ' · ' || pa.reason END AS what, \
         (SELECT u.first_name || ' ' || u.last_name FROM users u WHERE u.id = pa.awarded_by) AS by_name, \
         pa.awarded_on, pa.revoked_at IS NOT NULL AS revoked \
         FROM point_awards pa JOIN students s ON s.id = pa.student_id \
         LEFT JOIN behaviours b ON b.id = pa.behaviour_id LEFT JOIN challenges ch ON ch.id = pa.challenge_id \
         ORDER BY pa.id DESC LIMIT 100",
    )
    .fetch_all(db)
    .await
}

async fn admin_view(app: &AppState, ctx: &Ctx, errors: FormErrors) -> AppResult<Response> {
    let u = ctx.person()?;
    authz::require(may_administer(u))?;
    let status = errors.status();
    html_status(
        status,
        &AdminPage {
            ctx,
            rules: super::rules(&app.db).await?,
            behaviours: super::behaviours(&app.db).await?,
            levels: super::levels(&app.db).await?,
            journal: journal(&app.db).await?,
            errors,
        },
    )
}

async fn admin_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    admin_view(&app, &ctx, FormErrors::default()).await
}

async fn save_rules(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.person()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let rules = super::rules(&app.db).await?;
    let mut errors = FormErrors::default();
    let mut updates = Vec::new();
    for r in &rules {
        let c = &r.code;
        let points = field(&f, &format!("{c}_points"))
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| (0..=1000).contains(p));
        let cap = field(&f, &format!("{c}_cap"))
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| (0..=100).contains(p));
        let threshold = match c.as_str() {
            "perfect_week" => Some(0),
            _ => hundredths(field(&f, &format!("{c}_threshold"))).filter(|t| *t <= 2000),
        };
        if points.is_none() {
            errors.add(&format!("{c}_points"), ctx.t.t("gam-error-points"));
        }
        if cap.is_none() {
            errors.add(&format!("{c}_cap"), ctx.t.t("gam-error-cap"));
        }
        if threshold.is_none() {
            errors.add(&format!("{c}_threshold"), ctx.t.t("gam-error-threshold"));
        }
        let enabled = field(&f, &format!("{c}_enabled")) == "1";
        if let (Some(p), Some(cap), Some(t)) = (points, cap, threshold) {
            updates.push((c.clone(), p, cap, t, enabled));
        }
    }
    if !errors.is_empty() {
        return admin_view(&app, &ctx, errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    for (code, p, cap, t, enabled) in &updates {
        sqlx::query(
            "UPDATE gamification_rules SET points = $1, daily_cap = $2, threshold = $3, enabled = $4 WHERE code = $5",
        )
        .bind(p)
        .bind(cap)
        .bind(t)
        .bind(enabled)
        .bind(code)
        .execute(&mut *tx)
        .await?;
    }
    let new = serde_json::to_string(&updates).unwrap_or_default();
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "gamification_rules",
        "all",
        "update",
        None,
        Some(&new),
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "gam-saved").await?;
    Ok(redirect("/admin/gamification"))
}

async fn save_levels(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.person()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let mut levels = Vec::new();
    let mut errors = FormErrors::default();
    for i in 0..12 {
        let min = field(&f, &format!("min_{i}")).trim();
        if min.is_empty() {
            continue;
        }
        match min.parse::<i64>() {
            Ok(m) if m >= 0 => levels.push(super::Level {
                min: m,
                name: field(&f, &format!("name_{i}")).trim().to_string(),
            }),
            _ => errors.add("levels", ctx.t.t("gam-error-levels-order")),
        }
    }
    let levels = Levels(levels);
    if let Some(k) = levels.validate() {
        errors.add("levels", ctx.t.t(k));
    }
    if !errors.is_empty() {
        return admin_view(&app, &ctx, errors).await;
    }
    super::save_levels(&app.db, &levels).await?;
    crate::audit::record(
        &app.db,
        Some(u.id),
        "gamification_levels",
        "all",
        "update",
        None,
        Some(&serde_json::to_string(&levels).unwrap_or_default()),
    )
    .await?;
    ctx.flash("success", "gam-saved").await?;
    Ok(redirect("/admin/gamification"))
}

async fn add_behaviour(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.person()?;
    authz::require(may_administer(u))?;
    let f = form(&body);
    let mut errors = FormErrors::default();
    let label = crate::domain::required_text(field(&f, "label"), 60).unwrap_or_else(|k| {
        errors.add("label", ctx.t.t(k));
        String::new()
    });
    let points = field(&f, "points")
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|p| (1..=100).contains(p));
    if points.is_none() {
        errors.add("points", ctx.t.t("gam-error-behaviour-points"));
    }
    let positive = field(&f, "positive") != "0";
    let Some(points) = points.filter(|_| errors.is_empty()) else {
        return admin_view(&app, &ctx, errors).await;
    };
    let done = sqlx::query("INSERT INTO behaviours (label, points, positive) VALUES ($1, $2, $3) ON CONFLICT (label) DO NOTHING")
        .bind(&label)
        .bind(points)
        .bind(positive)
        .execute(&app.db)
        .await?
        .rows_affected();
    if done == 0 {
        let mut errors = FormErrors::default();
        errors.add("label", ctx.t.t("gam-error-behaviour-exists"));
        return admin_view(&app, &ctx, errors).await;
    }
    crate::audit::record(
        &app.db,
        Some(u.id),
        "behaviour",
        &label,
        "create",
        None,
        Some(&points.to_string()),
    )
    .await?;
    ctx.flash("success", "gam-saved").await?;
    Ok(redirect("/admin/gamification"))
}

async fn toggle_behaviour(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.person()?;
    authz::require(may_administer(u))?;
    let done = sqlx::query("UPDATE behaviours SET active = NOT active WHERE id = $1")
        .bind(id)
        .execute(&app.db)
        .await?
        .rows_affected();
    if done == 0 {
        return Err(AppError::NotFound);
    }
    crate::audit::record(
        &app.db,
        Some(u.id),
        "behaviour",
        &id.to_string(),
        "toggle",
        None,
        None,
    )
    .await?;
    ctx.flash("success", "gam-saved").await?;
    Ok(redirect("/admin/gamification"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_read_the_french_way() {
        assert_eq!(hundredths("1,5"), Some(150));
        assert_eq!(hundredths("95"), Some(9500));
        assert_eq!(hundredths("0"), None);
        assert_eq!(hundredths("abc"), None);
        assert_eq!(hundredths("NaN"), None);
        assert_eq!(signed(-150), "-1,50");
        assert_eq!(signed(-5), "-0,05");
        assert_eq!(signed(1234), "12,34");
    }
}
