//! The routes of the router that `app::router` builds, read from the router itself; the
//! check that every one declares its access rule where it is mounted and that the rule turns
//! away the roles it names; and the check that the authorization matrix
//! (tests/api/authz.rs) walks every one of them: a route added anywhere without a rule, or
//! without a case in the matrix, fails the suite.

use std::collections::HashMap;

use axum::Router;

/// A route: its method ("GET", "POST"…, or "ANY" for a service) and its path pattern.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Route {
    pub method: String,
    pub path: String,
}

/// Every (method, path) the router answers. axum has no public listing of its routes, but
/// its `Debug` form prints its path router (each route id with its path) and each route's
/// method router (which methods have a handler, "None" for the others). Reading that is
/// brittle by nature, so the test that uses it also checks that it finds known routes.
pub fn routes_of(router: &Router) -> Vec<Route> {
    let dbg = format!("{router:?}");
    // The fallback router follows the path router; only the paths count.
    let main = dbg.split("fallback_router").next().unwrap_or_default();
    let (routes, paths) = main
        .split_once("node: Node { paths: {")
        .expect("axum's router prints its paths");
    let mut path_of = HashMap::new();
    for part in paths.split("RouteId(").skip(1) {
        let Some((id, rest)) = part.split_once("): \"") else {
            continue;
        };
        let path = rest.split('"').next().unwrap_or_default();
        path_of.insert(id.to_string(), path.to_string());
    }
    let mut out = Vec::new();
    for part in routes.split("RouteId(").skip(1) {
        let Some((id, rest)) = part.split_once("): ") else {
            continue;
        };
        let Some(path) = path_of.get(id) else {
            continue;
        };
        if rest.starts_with("Route(") {
            out.push(Route {
                method: "ANY".into(),
                path: path.clone(),
            });
            continue;
        }
        for m in ["get", "post", "put", "patch", "delete"] {
            let set = [" {m}: Route", " {m}: BoxedHandler"]
                .iter()
                .any(|p| rest.contains(&p.replace("{m}", m)));
            if set {
                out.push(Route {
                    method: m.to_uppercase(),
                    path: path.clone(),
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Whether `path` (its query string left aside) is one the pattern matches: `{x}` stands for
/// one segment, `{*x}` for the rest.
pub fn matches(pattern: &str, path: &str) -> bool {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let (p, s): (Vec<&str>, Vec<&str>) = (pattern.split('/').collect(), path.split('/').collect());
    for (i, seg) in p.iter().enumerate() {
        if seg.starts_with("{*") {
            return s.len() > i;
        }
        let Some(have) = s.get(i) else {
            return false;
        };
        if seg.starts_with('{') && seg.ends_with('}') {
            if have.is_empty() {
                return false;
            }
        } else if seg != have {
            return false;
        }
    }
    p.len() == s.len()
}

/// The routes of `method` that no path of `walked` reaches, leaving out those that
/// `elsewhere` names (a pattern and the reason its access is tested elsewhere).
pub fn unwalked<'a>(
    router: &Router,
    method: &str,
    walked: impl IntoIterator<Item = &'a str>,
    elsewhere: &[(&str, &str)],
) -> Vec<String> {
    let walked: Vec<&str> = walked.into_iter().collect();
    routes_of(router)
        .into_iter()
        // A service (static files) answers every method: it counts as a page.
        .filter(|r| r.method == method || (method == "GET" && r.method == "ANY"))
        .filter(|r| !elsewhere.iter().any(|(p, _)| *p == r.path))
        .filter(|r| !walked.iter().any(|w| matches(&r.path, w)))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[tokio::test]
async fn the_router_lists_its_routes() {
    let app = crate::helpers::TestApp::new().await;
    let routes = routes_of(&app.router);
    let has = |m: &str, p: &str| routes.iter().any(|r| r.method == m && r.path == p);
    // Known routes of several features, nested or merged, found with their methods.
    assert!(has("GET", "/healthz"), "{routes:#?}");
    assert!(has("GET", "/connexion") && has("POST", "/connexion"));
    assert!(has("GET", "/admin/journal"), "nested under /admin");
    assert!(has("POST", "/enseignant/evaluations/{id}/eleves/{student}"));
    assert!(!has("POST", "/healthz"), "a GET route is not a POST one");
    assert!(routes.len() > 150, "only {} routes read", routes.len());
    assert!(matches("/a/{id}/b", "/a/12/b?x=1"));
    assert!(!matches("/a/{id}/b", "/a/12/c"));
    assert!(!matches("/a/{id}", "/a/12/b"));
    assert!(matches("/static/{*rest}", "/static/x/y.css"));
    // A route nobody walks is reported.
    let none = unwalked(&app.router, "GET", [], &[]);
    assert!(none.contains(&"GET /healthz".to_string()), "{none:?}");
    let by = |m: &str| routes.iter().filter(|r| r.method == m).count();
    eprintln!(
        "routes: {} ({} GET, {} POST, {} other)",
        routes.len(),
        by("GET"),
        by("POST"),
        routes.len() - by("GET") - by("POST")
    );
}

/// A path of `pattern` with every parameter filled (`{x}` by 1, `{*x}` by a name).
fn sample(pattern: &str) -> String {
    pattern
        .split('/')
        .map(|seg| {
            if seg.starts_with("{*") {
                "x"
            } else if seg.starts_with('{') {
                "1"
            } else {
                seg
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_route_declares_its_access_rule_and_the_rule_turns_away_the_others() {
    use suku::auth::Role;
    use suku::authz::Rule;
    let app = crate::helpers::TestApp::new().await;
    let routes: Vec<Route> = routes_of(&app.router)
        .into_iter()
        // The static files are a service, not a route: public by nature, and no page.
        .filter(|r| !(r.method == "ANY" && r.path.starts_with("/static")))
        .collect();
    let mut anon = app.client();
    anon.get("/connexion").await;
    assert!(anon.csrf.is_some(), "the login page gives a token");
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    let mut rules = Vec::new();
    for r in &routes {
        let path = sample(&r.path);
        if anon.cookie.is_none() {
            // Logging out (a route like any other) ended the visitor's session and token.
            anon.get("/connexion").await;
        }
        let res = match r.method.as_str() {
            "GET" => anon.get(&path).await,
            "POST" => anon.post(&path, &[]).await,
            other => panic!("a {other} route: walk it here"),
        };
        let Some(rule) = res.access else {
            missing.push(format!("{} {}", r.method, r.path));
            continue;
        };
        let to_login = res.status == axum::http::StatusCode::SEE_OTHER
            && res.location().starts_with("/connexion");
        let refused = match rule {
            Rule::Public | Rule::Provider => true,
            Rule::Api => res.status == axum::http::StatusCode::UNAUTHORIZED,
            _ => to_login,
        };
        if !refused {
            wrong.push(format!(
                "{} {} ({rule:?}) does not send a visitor to the login page: {}",
                r.method, r.path, res.status
            ));
        }
        rules.push((r.clone(), path, rule));
    }
    assert!(
        missing.is_empty(),
        "routes without an access rule (add .allow(rule) where they are mounted):\n{}",
        missing.join("\n")
    );
    let roles = [
        ("director", Role::Director),
        ("bursar", Role::Bursar),
        ("secretary", Role::Secretary),
        ("teacher_a", Role::Teacher),
        ("parent_1", Role::Parent),
        ("student", Role::Student),
    ];
    let mut turned_away = 0;
    for (who, role) in roles {
        let mut c = app.login_as(who).await;
        for (r, path, rule) in &rules {
            if rule.admits_role(role) {
                continue;
            }
            let res = match r.method.as_str() {
                "GET" => c.get(path).await,
                _ => c.post(path, &[]).await,
            };
            turned_away += 1;
            if res.status != axum::http::StatusCode::FORBIDDEN || res.access != Some(*rule) {
                wrong.push(format!(
                    "{} {} ({rule:?}) as {who}: {}",
                    r.method, r.path, res.status
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let count = |f: &dyn Fn(&Rule) -> bool| rules.iter().filter(|(_, _, x)| f(x)).count();
    eprintln!(
        "{} routes with a rule: {} public or provider, {} any signed-in user, {} one portal, {} some roles; {} refusals checked",
        rules.len(),
        count(&|x| matches!(x, Rule::Public | Rule::Provider)),
        count(&|x| matches!(x, Rule::Account | Rule::SignedIn | Rule::Api)),
        count(&|x| matches!(x, Rule::Portal(_))),
        count(&|x| matches!(x, Rule::AnyOf(_))),
        turned_away
    );
}
