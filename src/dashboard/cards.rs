//! Widgets of the installed app on the phone or PC's own home screen, where the platform
//! shows an installed web app's widgets (Windows' widgets board, with Edge, today): the
//! manifest's `widgets` member names each one with an Adaptive Card template and the address
//! of its data, the same JSON as `/api/widgets/{kind}`. A template binds `${…}` to that JSON
//! (Adaptive Cards Templating); its labels come from the catalogs.

use serde_json::{Value, json};

use super::widgets::Kind;
use crate::auth::Portal;
use crate::i18n::Tr;

/// The widgets a portal's installed app offers.
pub fn installable(p: Portal) -> &'static [Kind] {
    match p {
        Portal::Parent => &[Kind::Balance, Kind::Marks, Kind::Today],
        Portal::Student => &[Kind::Today, Kind::Marks, Kind::Todo],
        Portal::Teacher => &[Kind::Today, Kind::ToGrade],
        Portal::Admin => &[Kind::Counts, Kind::Messages],
    }
}

/// The role a portal's widgets are read as (`None`: the administration's first role that
/// may have the widget).
fn role_code(p: Portal) -> Option<&'static str> {
    match p {
        Portal::Parent => Some("parent"),
        Portal::Student => Some("student"),
        Portal::Teacher => Some("teacher"),
        Portal::Admin => None,
    }
}

/// Where a portal's widget reads its data.
pub fn data_url(p: Portal, kind: Kind) -> String {
    match role_code(p) {
        Some(r) => format!("/api/widgets/{}?role={r}", kind.code()),
        None => format!("/api/widgets/{}", kind.code()),
    }
}

/// The manifest's `widgets` member of a portal.
pub fn manifest_widgets(t: &Tr, p: Portal) -> Vec<Value> {
    installable(p)
        .iter()
        .map(|k| {
            json!({
                "name": t.t(k.title_key()),
                "short_name": t.t(k.title_key()),
                "description": t.t(format!("card-{}-description", k.code())),
                "tag": k.code(),
                "ms_ac_template": format!("/tableau/widgets/{}/carte.json?lang={}", k.code(), t.locale.code()),
                "data": data_url(p, *k),
                "type": "application/json",
                "auth": true,
                "update": 900,
                "icons": [{"src": "/static/icons/icon-192.png", "sizes": "192x192"}],
                "screenshots": [{"src": "/static/icons/icon-512.png", "sizes": "512x512", "label": t.t(k.title_key())}],
            })
        })
        .collect()
}

fn text(s: impl Into<String>) -> Value {
    json!({"type": "TextBlock", "text": s.into(), "wrap": true})
}

fn subtle(s: impl Into<String>) -> Value {
    json!({"type": "TextBlock", "text": s.into(), "wrap": true, "isSubtle": true, "size": "Small"})
}

fn title() -> Value {
    json!({"type": "TextBlock", "text": "${title}", "weight": "Bolder", "size": "Medium"})
}

fn big(s: &str) -> Value {
    json!({"type": "TextBlock", "text": s, "size": "ExtraLarge", "weight": "Bolder", "color": "Good"})
}

/// Two columns: what, and how much.
fn line(left: Value, right: Value) -> Value {
    json!({"type": "ColumnSet", "columns": [
        {"type": "Column", "width": "stretch", "items": [left]},
        {"type": "Column", "width": "auto", "items": [right]},
    ]})
}

/// Repeats `items` for each element of the array at `path`.
fn each(path: &str, items: Vec<Value>) -> Value {
    json!({"type": "Container", "$data": format!("${{{path}}}"), "items": items, "spacing": "Small"})
}

fn open(t: &Tr, label: &str, url: String) -> Value {
    json!({"type": "Action.OpenUrl", "title": t.t(label), "url": url})
}

/// The Adaptive Card template of a widget, `None` for those the app does not offer.
pub fn template(t: &Tr, kind: Kind) -> Option<Value> {
    let page = |role: &str| format!("/tableau/widgets/{}/page?role={role}", kind.code());
    let (body, actions) = match kind {
        Kind::Balance => (
            vec![
                title(),
                big("${data.total_text}"),
                subtle(t.t("dash-family-owes")),
                each(
                    "data.children",
                    vec![line(
                        text("${student.name}"),
                        json!({"type": "TextBlock", "text": "${balance_text}", "weight": "Bolder"}),
                    )],
                ),
            ],
            vec![open(t, "momo-pay", page("parent"))],
        ),
        Kind::Marks => (
            vec![
                title(),
                subtle("${data.student.name} · ${data.period}"),
                big("${data.general_text}"),
                subtle(t.t("general-so-far")),
                each(
                    "data.latest",
                    vec![line(text("${subject} · ${title}"), text("${mark}"))],
                ),
            ],
            vec![open(t, "dash-all-marks", "${data.href}".into())],
        ),
        Kind::Today => (
            vec![
                title(),
                subtle("${data.date_text}"),
                each(
                    "data.lessons",
                    vec![line(text("${subject} · ${with}"), text("${from}–${to}"))],
                ),
            ],
            vec![open(t, "timetable-my-week", "${data.href}".into())],
        ),
        Kind::Todo => (
            vec![
                title(),
                each(
                    "data.items",
                    vec![text("${subject} · ${what}"), subtle("${due_text}")],
                ),
            ],
            vec![open(t, "dash-all-work", "${data.href}".into())],
        ),
        Kind::ToGrade => (
            vec![
                title(),
                each(
                    "data.evaluations",
                    vec![line(
                        text("${title} · ${class_name} · ${subject}"),
                        text("${marked}/${students}"),
                    )],
                ),
            ],
            vec![open(t, "nav-my-classes", "/enseignant/classes".into())],
        ),
        Kind::Counts => (
            vec![
                title(),
                line(text(t.t("stat-students")), text("${data.students}")),
                line(text(t.t("stat-classes")), text("${data.classes}")),
                line(text(t.t("stat-staff")), text("${data.staff}")),
            ],
            vec![open(t, "nav-dashboard", "/admin".into())],
        ),
        Kind::Messages => (
            vec![
                title(),
                big("${data.unread}"),
                each(
                    "data.conversations",
                    vec![text("${title}"), subtle("${last}")],
                ),
            ],
            vec![open(t, "nav-messages", "/messages".into())],
        ),
        _ => return None,
    };
    Some(json!({
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.5",
        "body": body,
        "actions": actions,
    }))
}
