//! The portals' navigation: the pages of each portal a person may open.

use crate::auth::{CurrentUser, Portal};

/// One entry of a portal's navigation.
#[derive(Clone, Debug)]
pub struct NavItem {
    pub href: &'static str,
    /// The translated label.
    pub label: String,
    /// The current page is in this section.
    pub active: bool,
}

/// The pages of a portal's navigation that `u` may open: (address, catalog key).
pub fn nav_items(u: &CurrentUser, portal: Portal) -> Vec<(&'static str, &'static str)> {
    let items: &[(&'static str, &'static str)] = match portal {
        Portal::Student => &[
            ("/eleve", "nav-home"),
            ("/eleve/notes", "nav-my-record"),
            ("/eleve/a-faire", "nav-todo"),
            ("/eleve/cours", "nav-courses"),
            ("/eleve/emploi-du-temps", "nav-my-week"),
            ("/progression", "nav-progress"),
            ("/classements", "nav-boards"),
            ("/defis", "nav-challenges"),
            ("/annonces", "nav-announcements"),
        ],
        Portal::Teacher => &[
            ("/enseignant", "nav-home"),
            ("/enseignant/classes", "nav-my-classes"),
            ("/enseignant/emploi-du-temps", "nav-my-week"),
            ("/enseignant/cours", "nav-courses"),
            ("/suivi", "nav-tasks"),
            ("/classements", "nav-boards"),
            ("/defis", "nav-challenges"),
            ("/annonces", "nav-announcements"),
        ],
        Portal::Parent => &[
            ("/parent", "nav-home"),
            ("/parent/enfants", "nav-my-children"),
            ("/parent/famille", "nav-family"),
            ("/classements", "nav-boards"),
            ("/defis", "nav-challenges"),
            ("/annonces", "nav-announcements"),
        ],
        Portal::Admin => &[
            ("/admin", "nav-dashboard"),
            ("/admin/analytique", "nav-analytics"),
            ("/admin/tableaux", "nav-dashboards"),
            ("/admin/assistant", "nav-assistant-admin"),
            ("/admin/prediction", "nav-prediction"),
            ("/admin/eleves", "nav-students"),
            ("/admin/classes", "nav-classes"),
            ("/admin/parents", "nav-guardians"),
            ("/admin/personnel", "nav-staff"),
            ("/admin/utilisateurs", "nav-users"),
            ("/admin/absences", "nav-absences"),
            ("/admin/cahier", "nav-lesson-log"),
            ("/admin/emplois-du-temps", "nav-timetable"),
            ("/admin/absences-enseignants", "nav-teacher-absences"),
            ("/admin/vie-scolaire", "nav-conduct-rules"),
            ("/admin/automatisations", "nav-workflows"),
            ("/suivi", "nav-tasks"),
            ("/admin/documents-scolaires", "nav-documents"),
            ("/admin/import", "nav-import"),
            ("/admin/frais", "nav-fees"),
            ("/admin/impayes", "nav-arrears"),
            ("/admin/caisse", "nav-cash"),
            ("/admin/exports", "nav-exports"),
            ("/admin/mobile-money", "nav-momo"),
            ("/admin/sms", "nav-sms"),
            ("/admin/periodes", "nav-periods"),
            ("/admin/saisie", "nav-entry"),
            ("/admin/coefficients", "nav-coefficients"),
            ("/admin/notation", "nav-grading"),
            ("/admin/annees", "nav-years"),
            ("/admin/gamification", "nav-gamification"),
            ("/admin/journal", "nav-journal"),
            ("/admin/etablissement", "nav-school"),
            ("/annonces", "nav-announcements"),
        ],
    };
    let u = Some(u);
    let director = u.is_some_and(|u| u.has(crate::auth::Role::Director));
    let records = u.is_some_and(crate::authz::can_manage_records);
    let money = u.is_some_and(crate::authz::can_handle_money);
    let risks = u.is_some_and(crate::authz::may_follow_school_risks);
    items
        .iter()
        // Only pages the user may open.
        .filter(|(href, _)| match *href {
            "/admin/import" | "/admin/assistant" => records,
            "/admin/journal" | "/admin/cahier" | "/admin/emplois-du-temps" | "/admin/tableaux" => {
                director
            }
            "/admin/gamification" => records,
            "/admin/mobile-money" => money,
            "/admin/prediction" => risks,
            "/admin/sms"
            | "/admin/absences-enseignants"
            | "/admin/saisie"
            | "/admin/documents-scolaires"
            | "/admin/vie-scolaire"
            | "/admin/automatisations" => records,
            _ => true,
        })
        .copied()
        .collect()
}
