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
use serde::Deserialize;

use super::boards::{self, Board, Kind, Scope, Window};
use super::challenges::{self, Challenge, ChallengeState, Progress};
use super::repo::awards::{ClassLine, HistoryLine, JournalLine};
use super::repo::catalog::BadgeRow;
use super::repo::people::ClassRef;
use super::{Behaviour, Levels, Standing, repo};
use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::db::Pool;
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, FormErrors, PathId, field, form, html, html_status, redirect};

// Each page has its file; what several share (who sees which class or board, reading a
// posted form) stays here, and every file takes it with `use super::*`.

mod admin;
mod badge_pages;
mod challenge_pages;
mod class_points;
mod leaderboards;
mod progress;

use admin::*;
use badge_pages::*;
pub use challenge_pages::*;
use class_points::*;
pub use leaderboards::*;
pub use progress::*;

/// Routes of gamification (pages and the JSON API).
pub fn router() -> Router<AppState> {
    // Everyone sees progress, boards and challenges (each checked against whose they are);
    // the staff award points and run challenges in their classes; the director and the
    // secretary run the school's game.
    let (user, masters) = (Rule::SignedIn, Rule::AnyOf(GAME_MASTERS));
    let runners = Rule::AnyOf(CHALLENGE_RUNNERS);
    Router::new()
        .route("/progression", get(my_progress).allow(user))
        .route("/progression/{id}", get(progress_page).allow(user))
        .route(
            "/progression/{id}/confidentialite",
            post(set_privacy).allow(user),
        )
        .route("/classements", get(boards_page).allow(user))
        .route("/badges", get(badges_page).allow(user))
        .route("/badges", post(create_badge).allow(masters))
        .route(
            "/points/classe/{id}",
            get(class_points).post(award_points).allow(runners),
        )
        .route("/points/classe/{id}/badge", post(give_badge).allow(runners))
        .route("/points/{id}/annulation", post(revoke_award).allow(masters))
        .route(
            "/badges/{badge}/eleves/{student}/annulation",
            post(revoke_badge).allow(masters),
        )
        .route("/defis", get(challenges_page).allow(user))
        .route("/defis", post(create_challenge).allow(runners))
        .route("/defis/nouveau", get(new_challenge).allow(runners))
        .route("/defis/{id}", get(challenge_page).allow(user))
        .route(
            "/defis/{id}/progression",
            get(challenge_progress).allow(user),
        )
        .route(
            "/defis/{id}/annulation",
            post(cancel_challenge).allow(runners),
        )
        .route("/admin/gamification", get(admin_page).allow(masters))
        .route(
            "/admin/gamification/regles",
            post(save_rules).allow(masters),
        )
        .route(
            "/admin/gamification/niveaux",
            post(save_levels).allow(masters),
        )
        .route(
            "/admin/gamification/classements",
            post(save_boards).allow(masters),
        )
        .route(
            "/admin/gamification/comportements",
            post(add_behaviour).allow(masters),
        )
        .route(
            "/admin/gamification/comportements/{id}",
            post(toggle_behaviour).allow(masters),
        )
        .merge(super::api::router())
}

/// The current year's classes `u` is related to: every class for the administration, the
/// classes they teach or head for a teacher, their children's for a parent, their own for a
/// student.
pub async fn visible_classes(db: &Pool, u: &CurrentUser) -> Result<Vec<ClassRef>, sqlx::Error> {
    let ids = if u.is_admin() {
        Vec::new()
    } else {
        authz::related_classes(db, u).await?
    };
    repo::people::classes(db, u.is_admin(), &ids).await
}

/// The class a family's boards open on: the class of the student their pages are about
/// (themself, or the child the parent's home opens on). Staff open on their first class.
pub async fn home_class(db: &Pool, u: &CurrentUser) -> Result<Option<i64>, sqlx::Error> {
    if !matches!(u.active_role, Role::Parent | Role::Student) {
        return Ok(None);
    }
    Ok(crate::school::default_student(db, u.id)
        .await?
        .and_then(|s| s.class_id))
}

/// Whose real names the viewer sees on boards even when hidden: everyone for the
/// administration; the students they teach; their children; themself.
pub enum Known {
    All,
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
    Ok(Known::Some(authz::known_students(db, u).await?))
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
    pub rank: i64,
    /// Shares its rank.
    pub tied: bool,
    /// The student, unless hidden from this viewer.
    pub student_id: Option<i64>,
    /// The name, or `None` for "Élève anonyme".
    pub name: Option<String>,
    pub class_name: String,
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
pub use crate::authz::own_students;

pub(super) fn staff(u: &CurrentUser) -> bool {
    u.is_admin() || u.has(Role::Teacher)
}

/// May `u` run the school's gamification (rules, behaviours, levels, reversals)?
pub(super) fn may_administer(u: &CurrentUser) -> bool {
    GAME_MASTERS.iter().any(|r| u.has(*r))
}

/// Who runs the school's gamification: rules, behaviours, levels, reversals.
const GAME_MASTERS: &[Role] = &[Role::Director, Role::Secretary];
/// Who awards points and runs challenges: the game's masters in every class, a teacher in
/// the classes they teach (asked per class).
const CHALLENGE_RUNNERS: &[Role] = &[Role::Director, Role::Secretary, Role::Teacher];
