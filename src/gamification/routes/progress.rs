//! A student's progress page: points, level, badges, history and challenges, and who may
//! see it.

use super::*;

/// One line of a student's history.
#[derive(Clone, Debug, FromRow, serde::Serialize)]
pub struct HistoryLine {
    pub id: i64,
    pub points: i64,
    /// False for "à améliorer".
    pub positive: bool,
    /// The rule, if any.
    pub rule_code: Option<String>,
    /// The behaviour's label, if any.
    pub behaviour: Option<String>,
    /// The challenge's title, if any.
    pub challenge: Option<String>,
    pub reason: String,
    /// Who gave it.
    pub awarded_by_name: Option<String>,
    pub awarded_on: NaiveDate,
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
    pub id: i64,
    /// The automatic criterion, or `None` for a badge given by hand.
    pub code: Option<String>,
    /// The school's name (badges given by hand).
    pub name: String,
    /// The school's description.
    pub description: String,
    /// The icon: one of [`crate::gamification::BADGE_ICONS`], or an emoji stored before
    /// (see [`crate::gamification::badge_icon`]).
    pub icon: String,
    /// When the student got it.
    pub awarded_on: Option<NaiveDate>,
    /// How many students hold it.
    pub holders: i64,
}

impl BadgeRow {
    /// The address of its drawn icon.
    pub fn icon_src(&self) -> String {
        crate::gamification::badge_icon_src(&self.icon)
    }

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
    pub student: crate::school::StudentRow,
    /// Points of all time.
    pub total: i64,
    /// Points this week.
    pub week: i64,
    /// "À améliorer" points this period.
    pub to_improve: i64,
    pub standing: Standing,
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
    let today = app.clock.today();
    let total = crate::gamification::total_points(db, student.id).await?;
    let (week,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(points), 0) AS BIGINT) FROM point_awards WHERE student_id = $1 \
         AND positive = TRUE AND revoked_at IS NULL AND awarded_on >= $2",
    )
    .bind(student.id)
    .bind(crate::gamification::monday_of(today))
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
    let levels = crate::gamification::levels(db).await?;
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
        hides_name: crate::gamification::hides_name(db, student.id).await?,
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
pub(super) struct ProgressPage<'a> {
    ctx: &'a Ctx,
    p: Profile,
    may_revoke: bool,
    may_hide: bool,
    challenges: Vec<(Challenge, Vec<Progress>)>,
}

pub(super) async fn my_progress(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    match crate::school::default_student(&app.db, u.id).await? {
        Some(s) => Ok(redirect(&format!("/progression/{}", s.id))),
        None => Ok(redirect("/classements")),
    }
}

pub(super) async fn progress_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let s = seen_student(&app.db, u, id).await?;
    let may_hide = own_students(&app.db, u).await?.contains(&id);
    let p = profile(&app, &ctx.t, s).await?;
    let mut list = Vec::new();
    for c in student_challenges(&app.db, id).await? {
        let pr = challenges::progress(&app.db, &c, ctx.today()).await?;
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

pub(super) async fn student_challenges(
    db: &Pool,
    student: i64,
) -> Result<Vec<Challenge>, sqlx::Error> {
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

pub(super) async fn set_privacy(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    // The student, and their parents; not the staff.
    authz::require(own_students(&app.db, u).await?.contains(&id))?;
    let hide = field(&form(&body), "hide") == "1";
    crate::gamification::set_hides_name(&app.db, id, hide).await?;
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
