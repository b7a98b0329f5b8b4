//! Dashboards: every home is a dashboard of widgets; each person arranges theirs, it
//! follows them from one device to another, the administration sets each role's default and
//! locks widgets; each widget asks authz about its child or class; a failing widget fails
//! alone. Personal access tokens read widgets' JSON within their scopes, and nothing of
//! anyone else.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::Value;
use suku::auth::Role;
use suku::dashboard::widgets::Kind;

use crate::helpers::{Client, TestApp};

fn fixture_login(role: Role) -> &'static str {
    match role {
        Role::Director => "director",
        Role::Bursar => "bursar",
        Role::Secretary => "secretary",
        Role::Teacher => "teacher_a",
        Role::Parent => "parent_1",
        Role::Student => "student",
    }
}

/// The order of the widgets on a dashboard page, by kind.
fn kinds_on(body: &str) -> Vec<String> {
    body.match_indices("data-kind=\"")
        .map(|(i, m)| {
            let rest = &body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_string()
        })
        .collect()
}

/// The ids of the widgets in the editor, in order.
fn editor_ids(body: &str) -> Vec<i64> {
    body.match_indices("class=\"dash-item ")
        .map(|(i, _)| {
            let rest = &body[i..];
            let at = rest.find("data-id=\"").unwrap() + 9;
            rest[at..at + rest[at..].find('"').unwrap()]
                .parse()
                .unwrap()
        })
        .collect()
}

#[tokio::test]
async fn every_role_may_have_its_widgets_and_only_them() {
    let app = TestApp::new().await;
    for role in Role::ALL {
        let mut c = app.login_as(fixture_login(role)).await;
        let home = c.get(role.portal().home()).await;
        assert_eq!(home.status, StatusCode::OK, "{role:?}");
        // The home is the role's default dashboard, each widget loading on its own.
        let default: Vec<String> = suku::dashboard::widgets::builtin(role)
            .into_iter()
            .map(|i| i.kind)
            .collect();
        assert_eq!(kinds_on(&home.body), default, "{role:?}");
        for kind in Kind::ALL {
            let url = format!("/tableau/widgets/{}?role={}", kind.code(), role.code());
            let r = c.get_htmx(&url).await;
            if kind.allows(role) {
                assert_eq!(r.status, StatusCode::OK, "{role:?} {kind:?}: {}", r.body);
                assert!(r.body.contains("data-fetched"), "{role:?} {kind:?}");
                let page = c.get(&url.replace("?", "/page?")).await;
                assert_eq!(page.status, StatusCode::OK, "{role:?} {kind:?} page");
            } else {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?} {kind:?}");
            }
        }
        // A role one does not hold.
        let other = if role == Role::Parent {
            Role::Teacher
        } else {
            Role::Parent
        };
        let r = c
            .get_htmx(&format!("/tableau/widgets/messages?role={}", other.code()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role:?} as {other:?}");
    }
}

#[tokio::test]
async fn widgets_show_only_ones_own_children_and_classes() {
    let app = TestApp::new().await;
    crate::helpers::seed_fees(&app).await;
    let f = &app.f;
    let mut p = app.login_as("parent_1").await;
    // Both children's balances with what is next due.
    let r = p.get_htmx("/tableau/widgets/balance?role=parent").await;
    assert!(r.body.contains("Sena Agbodjan"), "{}", r.body);
    assert!(r.body.contains("data-testid=\"family-total\""));
    assert!(!r.body.contains("Yawo"));
    let r = p
        .get_htmx(&format!(
            "/tableau/widgets/marks?role=parent&enfant={}",
            f.s2
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Sena Agbodjan"));
    // Another family's child, by widget and by its own page.
    for kind in [
        "marks",
        "balance",
        "absences",
        "todo",
        "today",
        "leaderboard",
    ] {
        let url = format!("/tableau/widgets/{kind}?role=parent&enfant={}", f.s3);
        assert_eq!(
            p.get_htmx(&url).await.status,
            StatusCode::FORBIDDEN,
            "{kind}"
        );
        let page = url.replace("?", "/page?");
        assert_eq!(p.get(&page).await.status, StatusCode::FORBIDDEN, "{kind}");
    }
    // A student is themself only.
    let mut s = app.login_as("student").await;
    let r = s
        .get_htmx(&format!(
            "/tableau/widgets/marks?role=student&enfant={}",
            f.s2
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A teacher their own classes; the administration any.
    let mut t = app.login_as("teacher_a").await;
    for kind in ["attendance", "averages", "risks", "leaderboard"] {
        let url = format!("/tableau/widgets/{kind}?role=teacher&classe={}", f.class_b);
        assert_eq!(
            t.get_htmx(&url).await.status,
            StatusCode::FORBIDDEN,
            "{kind}"
        );
        let url = format!("/tableau/widgets/{kind}?role=teacher&classe={}", f.class_a);
        assert_eq!(t.get_htmx(&url).await.status, StatusCode::OK, "{kind}");
    }
    let mut d = app.login_as("director").await;
    let url = format!(
        "/tableau/widgets/attendance?role=director&classe={}",
        f.class_b
    );
    assert_eq!(d.get_htmx(&url).await.status, StatusCode::OK);
    // Nonsense options are a 400, not a crash.
    let r = d
        .get_htmx("/tableau/widgets/attendance?role=director&classe=abc")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        d.get_htmx("/tableau/widgets/nope").await.status,
        StatusCode::NOT_FOUND
    );
}

async fn edit(c: &mut Client, fields: &[(&str, &str)]) -> crate::helpers::Res {
    let mut all = vec![("role", "parent")];
    all.extend_from_slice(fields);
    c.post_htmx("/tableau", &all).await
}

#[tokio::test]
async fn a_dashboard_arranged_once_follows_its_owner() {
    let app = TestApp::new().await;
    let mut p = app.login_as("parent_1").await;
    p.get("/parent?modifier=1").await;
    // Marks up above the balance, with the keyboard's button.
    let r = edit(
        &mut p,
        &[("action", "deplacer"), ("id", "2"), ("sens", "haut")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(&editor_ids(&r.body)[..2], &[2, 1]);
    assert!(r.body.contains("data-focus=\"move-2-up\""));
    assert!(r.body.contains("est maintenant en position 1 sur 8"));
    // Dropped somewhere else (the drag and drop sends the new order).
    let r = edit(&mut p, &[("action", "ordre"), ("ids", "3,2,1")]).await;
    assert_eq!(editor_ids(&r.body), [3, 2, 1, 4, 5, 6, 7, 8]);
    // Full width, set on the second child, a new widget, one removed.
    edit(
        &mut p,
        &[("action", "taille"), ("id", "2"), ("taille", "full")],
    )
    .await;
    let s2 = app.f.s2.to_string();
    let r = edit(
        &mut p,
        &[("action", "options"), ("id", "2"), ("enfant", &s2)],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    edit(&mut p, &[("action", "ajouter"), ("widget", "challenges")]).await;
    let r = edit(&mut p, &[("action", "retirer"), ("id", "8")]).await;
    assert!(!editor_ids(&r.body).contains(&8));
    // Another device: the same dashboard.
    let mut phone = app.login_as("parent_1").await;
    let home = phone.get("/parent").await;
    assert_eq!(
        kinds_on(&home.body),
        [
            "today",
            "marks",
            "balance",
            "absences",
            "todo",
            "announcements",
            "messages",
            "challenges"
        ]
    );
    assert!(home.body.contains("size-full"));
    assert!(home.body.contains(&format!("enfant={s2}")));
    // Set on another family's child, or a widget parents may not have: refused.
    let s3 = app.f.s3.to_string();
    let r = edit(
        &mut p,
        &[("action", "options"), ("id", "2"), ("enfant", &s3)],
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = edit(&mut p, &[("action", "ajouter"), ("widget", "collection")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // A widget removed meanwhile (another tab): said in the editor, which stays.
    let r = edit(&mut p, &[("action", "retirer"), ("id", "99")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("id=\"dash-editor\"") && r.body.contains("n’est plus sur le tableau"));
    // Locks are the administration's.
    let r = edit(
        &mut p,
        &[("action", "verrou"), ("id", "2"), ("verrou", "1")],
    )
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // The other parent is untouched, and a reset brings the default back.
    let mut other = app.login_as("parent_2").await;
    let defaults: Vec<String> = suku::dashboard::widgets::builtin(Role::Parent)
        .into_iter()
        .map(|i| i.kind)
        .collect();
    assert_eq!(kinds_on(&other.get("/parent").await.body), defaults);
    edit(&mut p, &[("action", "reinitialiser")]).await;
    assert_eq!(kinds_on(&phone.get("/parent").await.body), defaults);
    // Without JavaScript, the forms still work: back to the editor.
    let r = p
        .post(
            "/tableau",
            &[
                ("role", "parent"),
                ("action", "deplacer"),
                ("id", "1"),
                ("sens", "bas"),
            ],
        )
        .await;
    assert_eq!(r.location(), "/parent?modifier=1");
}

#[tokio::test]
async fn the_director_sets_each_roles_default_and_locks_widgets() {
    let app = TestApp::new().await;
    // A parent arranged their dashboard before: without the balance.
    let mut p = app.login_as("parent_1").await;
    p.get("/parent?modifier=1").await;
    edit(&mut p, &[("action", "retirer"), ("id", "1")]).await;
    assert!(!kinds_on(&p.get("/parent").await.body).contains(&"balance".to_string()));

    let mut d = app.login_as("director").await;
    let page = d.get("/admin/tableaux?role=parent").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-testid=\"lock-balance\""));
    let post = |fields: Vec<(&'static str, String)>| {
        let mut d = d.clone();
        async move {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            d.post("/admin/tableaux", &f).await
        }
    };
    let r = post(vec![
        ("role", "parent".into()),
        ("action", "verrou".into()),
        ("id", "1".into()),
        ("verrou", "1".into()),
    ])
    .await;
    assert_eq!(r.location(), "/admin/tableaux?role=parent");
    post(vec![
        ("role", "parent".into()),
        ("action", "ajouter".into()),
        ("widget", "challenges".into()),
    ])
    .await;
    // Parents may not get the school's collection.
    let r = post(vec![
        ("role", "parent".into()),
        ("action", "ajouter".into()),
        ("widget", "collection".into()),
    ])
    .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Neither the bursar nor a parent sets defaults.
    let mut b = app.login_as("bursar").await;
    assert_eq!(b.get("/admin/tableaux").await.status, StatusCode::FORBIDDEN);
    let r = p
        .post(
            "/admin/tableaux",
            &[("role", "parent"), ("action", "reinitialiser")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    // A parent who never arranged anything gets the new default.
    let mut fresh = app.login_as("parent_2").await;
    let kinds = kinds_on(&fresh.get("/parent").await.body);
    assert_eq!(kinds.first().map(String::as_str), Some("balance"));
    assert_eq!(kinds.last().map(String::as_str), Some("challenges"));
    // The locked balance is back on the arranged dashboard too, and stays.
    assert!(kinds_on(&p.get("/parent").await.body).contains(&"balance".to_string()));
    let editor = p.get("/parent?modifier=1").await;
    assert!(editor.body.contains("data-testid=\"locked\""));
    let r = edit(&mut p, &[("action", "retirer"), ("id", "1")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("ne peut pas être retiré"));
    // It may still move.
    let r = edit(
        &mut p,
        &[("action", "deplacer"), ("id", "1"), ("sens", "bas")],
    )
    .await;
    assert_eq!(r.status, StatusCode::OK);
    // The change is in the journal.
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE entity = 'dashboard_default'")
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(n, 2);
}

#[tokio::test]
async fn a_failing_widget_fails_alone() {
    let app = TestApp::new().await;
    let mut p = app.login_as("parent_1").await;
    sqlx::query("DROP TABLE announcement_reads")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let home = p.get("/parent").await;
    assert_eq!(home.status, StatusCode::OK);
    let r = p
        .get_htmx("/tableau/widgets/announcements?role=parent")
        .await;
    assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(r.body.contains("widget-failed"));
    assert!(r.body.contains("Ce bloc n’a pas pu être chargé"));
    let r = p.get_htmx("/tableau/widgets/balance?role=parent").await;
    assert_eq!(r.status, StatusCode::OK);
}

/// A program's request with a token, and no cookie.
async fn bearer(app: &TestApp, method: &str, path: &str, token: &str) -> crate::helpers::Res {
    let req = Request::builder()
        .method(method)
        .uri(path)
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .unwrap();
    app.client().send(req).await
}

async fn make_token(c: &mut Client, name: &str, scopes: &[&str]) -> String {
    c.get("/compte/jetons").await;
    let mut f = vec![("name", name), ("duree", "90")];
    f.extend(scopes.iter().map(|s| ("scope", *s)));
    let r = c.post("/compte/jetons", &f).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let at = r.body.find("data-testid=\"token-secret\">").unwrap() + 27;
    r.body[at..at + 45].to_string()
}

fn json(r: &crate::helpers::Res) -> Value {
    serde_json::from_str(&r.body).unwrap_or_else(|_| panic!("{}: {}", r.status, r.body))
}

#[tokio::test]
async fn tokens_read_their_scopes_of_their_owners_data_until_revoked() {
    let app = TestApp::new().await;
    crate::helpers::seed_fees(&app).await;
    let f = &app.f;
    let mut p = app.login_as("parent_1").await;
    let token = make_token(&mut p, "Widget du téléphone", &["balance", "marks"]).await;
    assert!(token.starts_with("suku_"));
    // The balance of both children, as JSON.
    let r = bearer(&app, "GET", "/api/widgets/balance", &token).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = json(&r);
    assert_eq!(v["widget"], "balance");
    assert_eq!(v["role"], "parent");
    let children = v["data"]["children"].as_array().unwrap();
    let ids: Vec<i64> = children
        .iter()
        .map(|c| c["student"]["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids.len(), 2);
    assert!(ids.contains(&f.s1) && ids.contains(&f.s2));
    assert!(v["data"]["total"].as_i64().unwrap() > 0);
    assert!(
        r.headers.get(header::SET_COOKIE).is_none(),
        "no session for a program"
    );
    let r = bearer(
        &app,
        "GET",
        &format!("/api/widgets/marks?enfant={}", f.s2),
        &token,
    )
    .await;
    assert_eq!(json(&r)["data"]["student"]["id"], f.s2);
    // Another family's child: refused, in JSON.
    let r = bearer(
        &app,
        "GET",
        &format!("/api/widgets/marks?enfant={}", f.s3),
        &token,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(json(&r)["error"], "error-forbidden");
    // Outside its scopes, outside the API, or to change anything.
    let r = bearer(&app, "GET", "/api/widgets/absences", &token).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(json(&r)["error"], "token-scope");
    assert_eq!(
        bearer(&app, "GET", "/api/gamification/points", &token)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for (method, path) in [
        ("GET", "/parent"),
        ("GET", "/compte/jetons"),
        ("POST", "/tableau"),
    ] {
        let r = bearer(&app, method, path, &token).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{method} {path}");
        assert_eq!(json(&r)["error"], "token-not-here");
    }
    // The list says what it may read.
    let v = json(&bearer(&app, "GET", "/api/widgets", &token).await);
    let kinds: Vec<&str> = v["widgets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["widget"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["marks", "balance"]);
    // The other parent's token reads their own child only.
    let mut p2 = app.login_as("parent_2").await;
    let t2 = make_token(&mut p2, "Maison", &["balance"]).await;
    let v = json(&bearer(&app, "GET", "/api/widgets/balance", &t2).await);
    let children = v["data"]["children"].as_array().unwrap();
    assert_eq!(children.len(), 1);
    assert_eq!(children[0]["student"]["id"], f.s3);
    // The owner sees its last use; nobody else may revoke it.
    let page = p.get("/compte/jetons").await;
    assert!(page.body.contains("Widget du téléphone"));
    assert!(!page.body.contains("Jamais"), "used: its last use is shown");
    assert!(!page.body.contains(&token), "the secret is shown once only");
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM api_tokens WHERE user_id = $1")
        .bind(f.parent_1)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = p2.post(&format!("/compte/jetons/{id}/revoquer"), &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        bearer(&app, "GET", "/api/widgets/balance", &token)
            .await
            .status,
        StatusCode::OK
    );
    let r = p.post(&format!("/compte/jetons/{id}/revoquer"), &[]).await;
    assert_eq!(r.location(), "/compte/jetons");
    let r = bearer(&app, "GET", "/api/widgets/balance", &token).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(json(&r)["error"], "token-invalid");
    // Expired, unknown, or of an account closed since: no more.
    sqlx::query("UPDATE api_tokens SET expires_at = $1 WHERE user_id = $2")
        .bind(
            chrono::DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
                .unwrap()
                .with_timezone(&chrono::Utc),
        )
        .bind(f.parent_2)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = bearer(&app, "GET", "/api/widgets/balance", &t2).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let r = bearer(&app, "GET", "/api/widgets/balance", "suku_nope").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A new password (a reset, a change) ends the tokens made under the old one.
    let t3 = make_token(&mut p, "Tablette", &["marks"]).await;
    assert_eq!(
        bearer(&app, "GET", "/api/widgets/marks", &t3).await.status,
        StatusCode::OK
    );
    suku::auth::repo::set_password(&app.db.pool, f.parent_1, "$argon2id$another", false)
        .await
        .unwrap();
    let r = bearer(&app, "GET", "/api/widgets/marks", &t3).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A bad form says why, without making a token.
    let r = p.post("/compte/jetons", &[("name", "Sans droit")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = p
        .post("/compte/jetons", &[("name", "x"), ("scope", "collection")])
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_session_reads_the_json_too() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let r = t.get("/api/widgets/classes").await;
    assert_eq!(r.status, StatusCode::OK);
    let v = json(&r);
    assert_eq!(v["data"]["classes"][0]["name"], "6e A");
    assert_eq!(v["data"]["classes"][0]["head"], true);
    let r = t.get("/api/widgets/balance").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Nobody signed in: a 401 in JSON.
    let r = app.client().get("/api/widgets/classes").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

/// The value at a dotted path.
fn at<'a>(scope: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(scope, |v, k| v.get(k))
        .filter(|v| !v.is_null())
}

/// Walks an Adaptive Card template against its data: every `${path}` must resolve, a
/// `$data` array is entered (its first element becomes the scope). Returns the paths that
/// do not resolve, and the arrays entered.
fn bind(node: &Value, scope: &Value, unbound: &mut Vec<String>, entered: &mut Vec<String>) {
    let paths = |s: &str| -> Vec<String> {
        s.split("${")
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|x| x.0.to_string()))
            .collect()
    };
    match node {
        Value::Object(map) => {
            let mut scope = scope;
            if let Some(Value::String(d)) = map.get("$data") {
                let path = &paths(d)[0];
                match at(scope, path).and_then(Value::as_array) {
                    Some(items) if !items.is_empty() => {
                        entered.push(path.clone());
                        scope = &items[0];
                    }
                    Some(_) => return,
                    None => {
                        unbound.push(path.clone());
                        return;
                    }
                }
            }
            for (k, v) in map {
                if k != "$data" {
                    bind(v, scope, unbound, entered);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| bind(v, scope, unbound, entered)),
        Value::String(s) => {
            for p in paths(s) {
                if at(scope, &p).is_none() {
                    unbound.push(p);
                }
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_installed_apps_widgets_bind_to_their_data() {
    let app = TestApp::new().await;
    crate::helpers::seed_fees(&app).await;
    let mut t = app.login_as("teacher_a").await;
    let eval = crate::helpers::evaluation(&app, &mut t, app.f.class_a, 1, "2026-11-20").await;
    crate::helpers::set_mark(&mut t, eval, app.f.s1, "14,5").await;
    // Held, and nobody marked yet.
    crate::helpers::evaluation(&app, &mut t, app.f.class_a, 1, "2026-11-27").await;
    let mut anonymous = app.client();
    let mut entered_all = Vec::new();
    for (slug, who) in [
        ("parent", "parent_1"),
        ("eleve", "student"),
        ("enseignant", "teacher_a"),
        ("admin", "director"),
    ] {
        let manifest = anonymous.get(&format!("/manifest/{slug}")).await;
        let manifest: Value = serde_json::from_str(&manifest.body).unwrap();
        let widgets = manifest["widgets"].as_array().unwrap();
        assert!(!widgets.is_empty(), "{slug}");
        // The first shortcuts open widgets on their own page.
        assert!(
            manifest["shortcuts"][0]["url"]
                .as_str()
                .unwrap()
                .starts_with("/tableau/widgets/"),
            "{slug}"
        );
        let mut c = app.login_as(who).await;
        for w in widgets {
            let template = anonymous.get(w["ms_ac_template"].as_str().unwrap()).await;
            assert_eq!(template.status, StatusCode::OK, "{w}");
            let template = json(&template);
            assert_eq!(template["type"], "AdaptiveCard");
            let data = c.get(w["data"].as_str().unwrap()).await;
            assert_eq!(data.status, StatusCode::OK, "{slug} {w}: {}", data.body);
            let data = json(&data);
            let (mut unbound, mut entered) = (Vec::new(), Vec::new());
            bind(&template, &data, &mut unbound, &mut entered);
            assert!(
                unbound.is_empty(),
                "{slug} {}: {unbound:?} in {data}",
                w["tag"]
            );
            entered_all.extend(entered.into_iter().map(|e| format!("{slug}:{e}")));
        }
    }
    // The lists were there to check, not skipped for being empty.
    for e in [
        "parent:data.children",
        "parent:data.latest",
        "enseignant:data.evaluations",
    ] {
        assert!(entered_all.iter().any(|x| x == e), "{e}: {entered_all:?}");
    }
    // The template speaks the language asked for; an unknown one is a 404.
    let en = anonymous
        .get("/tableau/widgets/balance/carte.json?lang=en")
        .await;
    assert!(en.body.contains("left to pay for the family"));
    assert_eq!(
        anonymous
            .get("/tableau/widgets/links/carte.json")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
