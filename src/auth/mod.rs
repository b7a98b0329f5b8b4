//! Login, sessions, roles and the current user.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::app::AppState;
use crate::error::AppResult;
use crate::i18n::Locale;

pub mod password;
pub mod ratelimit;
pub mod repo;
pub mod reset;
pub mod routes;
pub mod store;

pub use routes::router;

/// Session keys written at login.
pub(crate) mod keys {
    pub const USER: &str = "uid";
    pub const LOGIN_AT: &str = "login_at";
    pub const REMEMBER: &str = "remember";
    pub const ROLE: &str = "role";
    pub const PROFILE: &str = "profile";
}

/// What a person is in the school. A user may hold several.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Student,
    Teacher,
    /// Parent or tuteur.
    Parent,
    /// Directeur / proviseur.
    Director,
    /// Économe / comptable.
    Bursar,
    Secretary,
}

impl Role {
    /// Every role, in the order menus show them.
    pub const ALL: [Role; 6] = [
        Role::Director,
        Role::Bursar,
        Role::Secretary,
        Role::Teacher,
        Role::Parent,
        Role::Student,
    ];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Role::Student => "student",
            Role::Teacher => "teacher",
            Role::Parent => "parent",
            Role::Director => "director",
            Role::Bursar => "bursar",
            Role::Secretary => "secretary",
        }
    }

    /// Parses a stored code.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == s)
    }

    /// The catalog key of the role's name.
    pub fn label_key(self) -> String {
        format!("role-{}", self.code())
    }

    /// The portal this role works in.
    pub fn portal(self) -> Portal {
        match self {
            Role::Student => Portal::Student,
            Role::Teacher => Portal::Teacher,
            Role::Parent => Portal::Parent,
            Role::Director | Role::Bursar | Role::Secretary => Portal::Admin,
        }
    }

    /// A role of the administration.
    pub fn is_admin(self) -> bool {
        self.portal() == Portal::Admin
    }
}

/// One of the four portals, each with its own home and navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Portal {
    Student,
    Teacher,
    Parent,
    Admin,
}

impl Portal {
    /// The portal's home page.
    pub fn home(self) -> &'static str {
        match self {
            Portal::Student => "/eleve",
            Portal::Teacher => "/enseignant",
            Portal::Parent => "/parent",
            Portal::Admin => "/admin",
        }
    }

    /// The catalog key of the portal's name.
    pub fn label_key(self) -> &'static str {
        match self {
            Portal::Student => "portal-student",
            Portal::Teacher => "portal-teacher",
            Portal::Parent => "portal-parent",
            Portal::Admin => "portal-admin",
        }
    }
}

/// The logged-in user, loaded from the database on each request so that a deactivation or a
/// role change takes effect at once.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    /// The user's id.
    pub id: i64,
    pub first_name: String,
    pub last_name: String,
    /// The preferred language.
    pub locale: Locale,
    /// Every role held, in menu order.
    pub roles: Vec<Role>,
    /// The role whose portal is active.
    pub active_role: Role,
    /// Logged in with a temporary password, not yet changed.
    pub must_change_password: bool,
}

impl CurrentUser {
    /// True when the user holds `role`.
    pub fn has(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }

    /// True when the user holds any role of the administration.
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|r| r.is_admin())
    }

    /// True when the user holds a role of `portal`.
    pub fn can_use(&self, portal: Portal) -> bool {
        self.roles.iter().any(|r| r.portal() == portal)
    }

    /// The portal of the active role.
    pub fn active_portal(&self) -> Portal {
        self.active_role.portal()
    }

    /// "Prénom NOM", as schools write names.
    pub fn display_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name.to_uppercase())
    }

    /// Roles whose portal differs from the active one, for the switcher.
    pub fn other_roles(&self) -> Vec<Role> {
        let mut seen = vec![self.active_portal()];
        let mut out = Vec::new();
        for r in &self.roles {
            if !seen.contains(&r.portal()) {
                seen.push(r.portal());
                out.push(*r);
            }
        }
        out
    }
}

/// Who is logged in, as written into the session at login. The session row is the proof
/// of an active account: deactivating an account, changing its roles or resetting its
/// password deletes its sessions, so a request needs no user query of its own.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SessionProfile {
    pub first_name: String,
    pub last_name: String,
    pub locale: Locale,
    /// Roles held at login.
    pub roles: Vec<Role>,
    /// The password is a temporary one: nothing else opens until it is changed.
    #[serde(default)]
    pub must_change_password: bool,
}

/// An active user as the rules see them (for checks about someone else than the one
/// logged in, such as whom a moderator may mute).
pub async fn user_by_id(db: &crate::db::Pool, id: i64) -> Result<Option<CurrentUser>, sqlx::Error> {
    let Some(u) = repo::active_user(db, id).await? else {
        return Ok(None);
    };
    let mut roles: Vec<Role> = u.roles.split(',').filter_map(Role::parse).collect();
    roles.sort_by_key(|r| Role::ALL.iter().position(|x| x == r));
    let Some(first) = roles.first().copied() else {
        return Ok(None);
    };
    Ok(Some(CurrentUser {
        id: u.id,
        first_name: u.first_name,
        last_name: u.last_name,
        locale: crate::i18n::Locale::parse(&u.locale).unwrap_or_default(),
        roles,
        active_role: first,
        must_change_password: false,
    }))
}

/// Loads the user of this session, if any, enforcing the absolute session lifetime.
pub async fn current_user(app: &AppState, session: &Session) -> AppResult<Option<CurrentUser>> {
    let Some(uid) = session.get::<i64>(keys::USER).await? else {
        return Ok(None);
    };
    let login_at = session.get::<i64>(keys::LOGIN_AT).await?.unwrap_or(0);
    let remember = session.get::<bool>(keys::REMEMBER).await?.unwrap_or(false);
    let max_age = if remember {
        app.config.remember_days * 86_400
    } else {
        app.config.session_absolute_hours * 3_600
    };
    let profile = session.get::<SessionProfile>(keys::PROFILE).await?;
    let Some(profile) = profile.filter(|_| app.clock.now().timestamp() - login_at <= max_age)
    else {
        session.flush().await?;
        return Ok(None);
    };
    let mut roles = profile.roles;
    roles.sort_by_key(|r| Role::ALL.iter().position(|x| x == r));
    let Some(first) = roles.first().copied() else {
        session.flush().await?;
        return Ok(None);
    };
    let wanted = session
        .get::<String>(keys::ROLE)
        .await?
        .and_then(|s| Role::parse(&s));
    let active_role = wanted.filter(|r| roles.contains(r)).unwrap_or(first);
    Ok(Some(CurrentUser {
        id: uid,
        first_name: profile.first_name,
        last_name: profile.last_name,
        locale: profile.locale,
        roles,
        active_role,
        must_change_password: profile.must_change_password,
    }))
}
