//! Challenges: who sees and runs them, their pages, the form, and cancelling.

use super::*;

/// The challenges `u` may see: the administration every one; a teacher their classes';
/// a student and a parent those the student (or child) takes part in.
pub async fn challenges_for(db: &Pool, u: &CurrentUser) -> Result<Vec<Challenge>, sqlx::Error> {
    if u.is_admin() {
        return challenges::of_classes(db, None).await;
    }
    let mut out = Vec::new();
    if u.has(Role::Teacher) {
        let classes: Vec<i64> = crate::authz::taught_classes(db, u.id).await?;
        out = challenges::of_classes(db, Some(&classes)).await?;
    }
    let own = own_students(db, u).await?;
    if !own.is_empty() {
        let ids = repo::challenges::of_family(db, u.id).await?;
        for c in challenges::of_classes(db, None).await? {
            if ids.contains(&c.id) && !out.iter().any(|o: &Challenge| o.id == c.id) {
                out.push(c);
            }
        }
    }
    Ok(out)
}

/// May `u` see challenge `c`?
pub async fn may_see_challenge(
    db: &Pool,
    u: &CurrentUser,
    c: &Challenge,
) -> Result<bool, sqlx::Error> {
    if u.is_admin()
        || crate::authz::taught_classes(db, u.id)
            .await?
            .contains(&c.class_id)
    {
        return Ok(true);
    }
    let members = challenges::members(db, c.id).await?;
    let own = own_students(db, u).await?;
    Ok(members.iter().any(|m| own.contains(&m.student_id)))
}

/// May `u` run (create, cancel) challenges for class `class`? Its teachers and the
/// administration (not the bursar).
pub(super) async fn may_run_challenge(
    db: &Pool,
    u: &CurrentUser,
    class: i64,
) -> Result<bool, sqlx::Error> {
    Ok(may_administer(u)
        || (u.has(Role::Teacher)
            && crate::authz::taught_classes(db, u.id)
                .await?
                .contains(&class)))
}

#[derive(Template)]
#[template(path = "gamification/challenges.html")]
pub(super) struct ChallengesPage<'a> {
    ctx: &'a Ctx,
    list: Vec<(Challenge, Vec<Progress>)>,
    may_create: bool,
}

pub(super) async fn challenges_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    let today = ctx.today();
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
pub(super) struct ChallengePage<'a> {
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
        "attendance" => t.percent_hundredths(v),
        "average_gain" => format!("{}{}", if v > 0 { "+" } else { "" }, short(v)),
        _ => t.int(v),
    }
}

pub(super) async fn challenge_page(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let c = challenges::get(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(may_see_challenge(&app.db, u, &c).await?)?;
    let progress = challenges::progress(&app.db, &c, ctx.today()).await?;
    let staff = staff(u);
    // Classmates' names are for the staff; a family sees its own child's line.
    let own = own_students(&app.db, u).await?;
    let members = challenges::members(&app.db, id)
        .await?
        .into_iter()
        .filter(|m| staff || own.contains(&m.student_id))
        .collect();
    let may_cancel =
        c.state == ChallengeState::Open && may_run_challenge(&app.db, u, c.class_id).await?;
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
pub(super) struct ProgressFragment<'a> {
    ctx: &'a Ctx,
    c: Challenge,
    progress: Vec<Progress>,
}

pub(super) async fn challenge_progress(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let c = challenges::get(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(may_see_challenge(&app.db, u, &c).await?)?;
    let progress = challenges::progress(&app.db, &c, ctx.today()).await?;
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
pub(super) struct ChallengeForm<'a> {
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

pub(super) async fn runnable_classes(
    db: &Pool,
    u: &CurrentUser,
) -> Result<Vec<ClassRef>, sqlx::Error> {
    let all = visible_classes(db, u).await?;
    if may_administer(u) {
        return Ok(all);
    }
    let mine = crate::authz::taught_classes(db, u.id).await?;
    Ok(all.into_iter().filter(|c| mine.contains(&c.id)).collect())
}

pub(super) async fn challenge_form(
    app: &AppState,
    ctx: &Ctx,
    form: Vec<(String, String)>,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = ctx.user()?;
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
            manual_badges: repo::catalog::badges(&app.db, 0)
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

pub(super) async fn new_challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<Vec<(String, String)>>,
) -> AppResult<Response> {
    let mut form = q;
    if field(&form, "starts_on").is_empty() {
        let today = ctx.today();
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
pub(super) fn hundredths(s: &str) -> Option<i64> {
    let s = s.trim().replace(',', ".");
    let v: f64 = s.parse().ok()?;
    (v.is_finite() && v > 0.0 && v < 100_000.0).then(|| (v * 100.0).round() as i64)
}

pub(super) async fn create_challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
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
    let mut date = |k: &str| match crate::domain::parse_date(field(&f, k)) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.add(k, e.message(&ctx.t));
            None
        }
    };
    let (starts, ends) = (date("starts_on"), date("ends_on"));
    match (starts, ends) {
        (Some(s), Some(e)) if e < s || (e - s).num_days() > 366 => {
            errors.add("ends_on", ctx.t.t("gam-error-dates"))
        }
        (_, Some(e)) if e < ctx.today() => errors.add("ends_on", ctx.t.t("gam-error-past")),
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
            let found = repo::catalog::badges(&app.db, 0)
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
        ctx.now,
    )
    .await?;
    ctx.flash("success", "gam-challenge-created").await?;
    Ok(redirect(&format!("/defis/{id}")))
}

pub(super) async fn cancel_challenge(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let c = challenges::get(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(may_run_challenge(&app.db, u, c.class_id).await?)?;
    if c.state == ChallengeState::Settled {
        return Err(AppError::Conflict("gam-challenge-not-open"));
    }
    if !challenges::cancel(&app.db, id, u.id, ctx.now).await? {
        ctx.flash("info", "gam-challenge-not-open").await?;
        return Ok(redirect(&format!("/defis/{id}")));
    }
    ctx.flash("success", "gam-challenge-cancelled").await?;
    Ok(redirect(&format!("/defis/{id}")))
}
