//! Each widget's HTML: one template per kind, in `templates/dashboard/widgets/`.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

use super::widgets::*;
use crate::error::AppResult;
use crate::web::Ctx;

#[derive(Template)]
#[template(path = "dashboard/widgets/today.html")]
struct TodayT<'a> {
    ctx: &'a Ctx,
    d: &'a TodayW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/marks.html")]
struct MarksT<'a> {
    ctx: &'a Ctx,
    d: &'a MarksW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/balance.html")]
struct BalanceT<'a> {
    ctx: &'a Ctx,
    d: &'a BalanceW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/absences.html")]
struct AbsencesT<'a> {
    ctx: &'a Ctx,
    d: &'a AbsencesW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/todo.html")]
struct TodoT<'a> {
    ctx: &'a Ctx,
    d: &'a TodoW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/messages.html")]
struct MessagesT<'a> {
    ctx: &'a Ctx,
    d: &'a MessagesW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/announcements.html")]
struct AnnouncementsT<'a> {
    ctx: &'a Ctx,
    d: &'a AnnouncementsW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/leaderboard.html")]
struct LeaderboardT<'a> {
    ctx: &'a Ctx,
    d: &'a LeaderboardW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/challenges.html")]
struct ChallengesT<'a> {
    ctx: &'a Ctx,
    d: &'a ChallengesW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/classes.html")]
struct ClassesT<'a> {
    ctx: &'a Ctx,
    d: &'a ClassesW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/to_grade.html")]
struct ToGradeT<'a> {
    ctx: &'a Ctx,
    d: &'a ToGradeW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/attendance.html")]
struct AttendanceT<'a> {
    ctx: &'a Ctx,
    d: &'a AttendanceW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/risks.html")]
struct RisksT<'a> {
    ctx: &'a Ctx,
    d: &'a RisksW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/collection.html")]
struct CollectionT<'a> {
    ctx: &'a Ctx,
    d: &'a CollectionW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/averages.html")]
struct AveragesT<'a> {
    ctx: &'a Ctx,
    d: &'a AveragesW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/counts.html")]
struct CountsT<'a> {
    ctx: &'a Ctx,
    d: &'a CountsW,
}

#[derive(Template)]
#[template(path = "dashboard/widgets/links.html")]
struct LinksT<'a> {
    ctx: &'a Ctx,
    d: &'a LinksW,
}

/// A widget's content, stamped with when it was computed (the page says how old the copy
/// kept for offline is).
pub fn widget(ctx: &Ctx, d: &Data) -> AppResult<Html<String>> {
    let inner = match d {
        Data::Today(d) => TodayT { ctx, d }.render()?,
        Data::Marks(d) => MarksT { ctx, d }.render()?,
        Data::Balance(d) => BalanceT { ctx, d }.render()?,
        Data::Absences(d) => AbsencesT { ctx, d }.render()?,
        Data::Todo(d) => TodoT { ctx, d }.render()?,
        Data::Messages(d) => MessagesT { ctx, d }.render()?,
        Data::Announcements(d) => AnnouncementsT { ctx, d }.render()?,
        Data::Leaderboard(d) => LeaderboardT { ctx, d }.render()?,
        Data::Challenges(d) => ChallengesT { ctx, d }.render()?,
        Data::Classes(d) => ClassesT { ctx, d }.render()?,
        Data::ToGrade(d) => ToGradeT { ctx, d }.render()?,
        Data::Attendance(d) => AttendanceT { ctx, d }.render()?,
        Data::Risks(d) => RisksT { ctx, d }.render()?,
        Data::Collection(d) => CollectionT { ctx, d }.render()?,
        Data::Averages(d) => AveragesT { ctx, d }.render()?,
        Data::Counts(d) => CountsT { ctx, d }.render()?,
        Data::Links(d) => LinksT { ctx, d }.render()?,
    };
    Ok(Html(format!(
        "<div class=\"w-content\" data-fetched=\"{}\">{inner}</div>",
        ctx.now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    )))
}

#[derive(Template)]
#[template(path = "dashboard/widgets/failed.html")]
struct Failed<'a> {
    ctx: &'a Ctx,
}

/// The box of a widget that could not be computed: the rest of the page carries on.
pub fn failed(ctx: &Ctx) -> AppResult<Response> {
    Ok((
        StatusCode::INTERNAL_SERVER_ERROR,
        Html(Failed { ctx }.render()?),
    )
        .into_response())
}
