//! The routes of the router that `app::router` builds, read from the router itself, and the
//! check that the authorization matrix (tests/api/authz.rs) walks every one of them: a
//! route added anywhere without a case in the matrix fails the suite.

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
