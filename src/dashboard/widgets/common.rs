//! The widgets every role may have (messages, announcements, quick links) and those of
//! school life (the leaderboard, challenges).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{Ask, Who};
use crate::auth::Role;
use crate::error::AppResult;

/// Unread messages.
#[derive(Debug, Serialize)]
pub struct MessagesW {
    pub unread: i64,
    /// The conversations with something unread, latest first (at most 4).
    pub conversations: Vec<Conversation>,
}

#[derive(Debug, Serialize)]
pub struct Conversation {
    pub id: i64,
    pub title: String,
    pub last: Option<String>,
    pub last_at: Option<DateTime<Utc>>,
    pub unread: i64,
}

pub(super) async fn messages(ask: &Ask<'_>) -> AppResult<MessagesW> {
    let db = &ask.app.db;
    let ids = crate::chat::repo::my_conversation_ids(
        db,
        ask.user.id,
        ask.user.is_admin(),
        ask.app.clock.now(),
    )
    .await?;
    let mut list = crate::chat::repo::list(db, ask.user.id, &ids).await?;
    let unread = list.iter().map(|i| i.unread).sum();
    list.retain(|i| i.unread > 0);
    list.sort_by_key(|b| std::cmp::Reverse(b.last_at));
    list.truncate(4);
    Ok(MessagesW {
        unread,
        conversations: list
            .into_iter()
            .map(|i| Conversation {
                title: crate::chat::routes::title(
                    ask.t,
                    &i.kind,
                    i.class_name.as_deref(),
                    i.other_name.as_deref(),
                ),
                id: i.id,
                last: i.last_body.filter(|b| !b.is_empty()),
                last_at: i.last_at,
                unread: i.unread,
            })
            .collect(),
    })
}

/// The latest announcements.
#[derive(Debug, Serialize)]
pub struct AnnouncementsW {
    pub unread: i64,
    pub items: Vec<Announcement>,
}

#[derive(Debug, Serialize)]
pub struct Announcement {
    pub id: i64,
    pub title: String,
    pub author: String,
    pub published_at: DateTime<Utc>,
    pub read: bool,
}

pub(super) async fn announcements(ask: &Ask<'_>) -> AppResult<AnnouncementsW> {
    let db = &ask.app.db;
    let staff = ask
        .user
        .roles
        .iter()
        .any(|r| *r != Role::Parent && *r != Role::Student);
    let items = crate::announcements::repo::for_reader(db, ask.user.id, staff, 4).await?;
    Ok(AnnouncementsW {
        unread: crate::announcements::repo::unread_count(db, ask.user.id).await?,
        items: items
            .into_iter()
            .map(|a| Announcement {
                id: a.id,
                title: a.title,
                author: a.author,
                published_at: a.published_at,
                read: a.read,
            })
            .collect(),
    })
}

/// A class's leaderboard of points: the top and where one's own stand.
#[derive(Debug, Serialize)]
pub struct LeaderboardW {
    pub class: Option<String>,
    pub lines: Vec<BoardLine>,
    pub href: String,
}

#[derive(Debug, Serialize)]
pub struct BoardLine {
    pub rank: i64,
    pub tied: bool,
    /// `None`: a student who hides their name from this reader.
    pub name: Option<String>,
    pub points: i64,
    pub mine: bool,
}

pub(super) async fn leaderboard(ask: &Ask<'_>) -> AppResult<LeaderboardW> {
    use crate::gamification::boards::{self, Kind as BoardKind, Scope, Window};
    use crate::gamification::routes as g;
    let db = &ask.app.db;
    let class = match ask.role {
        Role::Student | Role::Parent => ask.student().await?.and_then(|s| s.class_id),
        _ => match ask.class().await? {
            Some(c) => Some(c),
            // A teacher without a class this year has no board.
            None if ask.role == Role::Teacher => None,
            None => crate::school::current_classes_headed(db, true, ask.user.id)
                .await?
                .first()
                .copied(),
        },
    };
    let Some(class) = class else {
        return Ok(LeaderboardW {
            class: None,
            lines: Vec::new(),
            href: "/classements".into(),
        });
    };
    crate::authz::require(g::may_see_board(db, ask.user, Scope::Classe(class)).await?)?;
    let board = boards::board(
        &ask.app.boards,
        db,
        BoardKind::Points,
        Window::Tout,
        Scope::Classe(class),
        ask.app.clock.today(),
    )
    .await?;
    let known = g::known(db, ask.user).await?;
    let mine = g::own_students(db, ask.user).await?;
    let top = crate::settings::boards(db).await?.family_top().min(5);
    let lines = g::lines_for(&board, &known, &mine, top);
    Ok(LeaderboardW {
        class: crate::school::class(db, class).await?.map(|c| c.name),
        lines: lines
            .into_iter()
            .map(|l| BoardLine {
                rank: l.rank,
                tied: l.tied,
                name: l.name,
                points: l.value,
                mine: l.mine,
            })
            .collect(),
        href: format!("/classements?classe={class}"),
    })
}

/// The challenges running, with how far along they are.
#[derive(Debug, Serialize)]
pub struct ChallengesW {
    pub student: Option<Who>,
    pub items: Vec<ChallengeLine>,
}

#[derive(Debug, Serialize)]
pub struct ChallengeLine {
    pub id: i64,
    pub title: String,
    pub class: String,
    pub ends_on: NaiveDate,
    /// Of the target, 0 to 100 (the team furthest along, for a challenge between teams).
    pub percent: i64,
    pub reached: bool,
}

pub(super) async fn challenges(ask: &Ask<'_>) -> AppResult<ChallengesW> {
    use crate::gamification::challenges::ChallengeState;
    let db = &ask.app.db;
    let student = match ask.role {
        Role::Student | Role::Parent => ask.student().await?,
        _ => None,
    };
    let class = match ask.role {
        Role::Student | Role::Parent => student.as_ref().and_then(|s| s.class_id),
        _ => ask.class,
    };
    if ask.class.is_some() && ask.role != Role::Student && ask.role != Role::Parent {
        ask.class().await?;
    }
    let today = ask.app.clock.today();
    let mut items = Vec::new();
    for c in crate::gamification::routes::challenges_for(db, ask.user).await? {
        let wanted = c.state == ChallengeState::Open
            && c.ends_on >= today
            && class.is_none_or(|k| k == c.class_id)
            && (student.is_none()
                || c.student_id.is_none()
                || c.student_id == student.as_ref().map(|s| s.id));
        if !wanted || items.len() >= 4 {
            continue;
        }
        let progress = crate::gamification::challenges::progress(db, &c, today).await?;
        let best = progress.iter().max_by_key(|p| p.percent);
        items.push(ChallengeLine {
            id: c.id,
            title: c.title,
            class: c.class_name,
            ends_on: c.ends_on,
            percent: best.map_or(0, |p| p.percent),
            reached: best.is_some_and(|p| p.reached),
        });
    }
    Ok(ChallengesW {
        student: student.as_ref().map(Who::of),
        items,
    })
}

/// Links to the pages of the role's portal used most.
#[derive(Debug, Serialize)]
pub struct LinksW {
    pub links: Vec<Link>,
}

#[derive(Debug, Serialize)]
pub struct Link {
    pub href: &'static str,
    pub label: String,
}

pub(super) fn links(ask: &Ask<'_>) -> LinksW {
    let portal = ask.role.portal();
    LinksW {
        links: crate::web::nav_items(ask.user, portal)
            .into_iter()
            .filter(|(href, _)| *href != portal.home())
            .take(8)
            .map(|(href, key)| Link {
                href,
                label: ask.t.t(key),
            })
            .collect(),
    }
}
