//! A student's progress page: points, level, badges, history and challenges, and who may
//! see it.

use super::*;

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
    let week =
        repo::awards::points_since(db, student.id, crate::gamification::monday_of(today)).await?;
    let period_from = boards::span(db, Window::Trimestre, today)
        .await?
        .map(|s| s.from)
        .unwrap_or(today);
    let to_improve = repo::awards::to_improve_since(db, student.id, period_from).await?;
    let levels = crate::gamification::levels(db).await?;
    let standing = levels.standing(total, |i| t.t(format!("gam-level-{}", i.min(6))));
    let badges: Vec<BadgeRow> = repo::catalog::badges(db, student.id)
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
        history: repo::awards::history(db, student.id, 50).await?,
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
    let mut out = Vec::new();
    for id in repo::challenges::open_of_student(db, student).await? {
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
