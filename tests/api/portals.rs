//! What each portal's home shows.

use axum::http::StatusCode;

use crate::helpers::TestApp;

#[tokio::test]
async fn student_sees_their_class_and_teachers() {
    let app = TestApp::new().await;
    let mut s = app.login_as("student").await;
    let r = s.get("/eleve/notes").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("T-001"));
    assert!(r.body.contains("6e A"));
    assert!(r.body.contains("Mathématiques"));
    assert!(r.body.contains("Yao Kpodar"));
    // Not a classmate's data nor teachers' phones.
    assert!(!r.body.contains("T-002"));
    assert!(!r.body.contains("tel:"));
}

#[tokio::test]
async fn teacher_sees_their_classes_and_rosters() {
    let app = TestApp::new().await;
    let mut t = app.login_as("teacher_a").await;
    let r = t.get("/enseignant/classes").await;
    assert!(r.body.contains("6e A"));
    assert!(!r.body.contains("6e B"));
    assert!(r.body.contains("Vous êtes professeur principal"));
    let r = t
        .get(&format!("/enseignant/classes/{}", app.f.class_a))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("AGBODJAN Elom"));
    assert!(r.body.contains("14/03/2014"), "French date format");
}

#[tokio::test]
async fn parent_switches_between_children() {
    let app = TestApp::new().await;
    let mut p = app.login_as("parent_1").await;
    let r = p.get("/parent/enfants").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains(&format!("/parent/enfants/{}", app.f.s1)));
    assert!(r.body.contains(&format!("/parent/enfants/{}", app.f.s2)));
    let r = p.get(&format!("/parent/enfants/{}", app.f.s2)).await;
    assert!(r.body.contains("Sena Agbodjan"));
    assert!(r.body.contains("data-testid=\"child-class\">6e B"));
    assert!(r.body.contains("Ama Tchalla"), "the child's teacher");
    // Never the other family's child.
    assert!(!r.body.contains("Yawo"));
    // A parent with one child goes straight to that child.
    let mut p2 = app.login_as("parent_2").await;
    assert_eq!(
        p2.get("/parent/enfants").await.location(),
        format!("/parent/enfants/{}", app.f.s3)
    );
}

#[tokio::test]
async fn navigation_shows_only_what_exists() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let r = d.get("/admin").await;
    let nav_start = r.body.find("main-nav").unwrap();
    let nav_end = nav_start + r.body[nav_start..].find("</nav>").unwrap();
    let nav = &r.body[nav_start..nav_end];
    for href in [
        "/admin/eleves",
        "/admin/classes",
        "/admin/parents",
        "/admin/personnel",
        "/admin/utilisateurs",
    ] {
        assert!(nav.contains(href), "{href}");
        assert_eq!(
            d.get(href).await.status,
            StatusCode::OK,
            "{href} is not a dead link"
        );
    }
    assert!(r.body.contains("aria-current=\"page\""));
}

#[tokio::test]
async fn pwa_manifest_and_service_worker() {
    let app = TestApp::new().await;
    let mut c = app.client();
    let r = c.get("/manifest.webmanifest").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(
        r.headers.get("content-type").unwrap(),
        "application/manifest+json"
    );
    let m: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(m["display"], "standalone");
    assert_eq!(m["start_url"], "/");
    assert!(
        m["icons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["sizes"] == "512x512")
    );
    // Before login, no portal's shortcuts.
    assert!(m.get("shortcuts").is_none(), "{m}");
    let r = c.get("/sw.js").await;
    assert!(r.body.contains("hors-ligne"));
    assert_eq!(c.get("/hors-ligne").await.status, StatusCode::OK);
    let r = c.get("/static/icons/icon-192.png").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers
            .get("cache-control")
            .unwrap()
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

#[tokio::test]
async fn pages_vary_on_htmx_and_are_not_cached() {
    let app = TestApp::new().await;
    let mut d = app.login_as("director").await;
    let r = d.get("/admin").await;
    assert!(
        r.headers
            .get_all("vary")
            .iter()
            .any(|v| v.to_str().unwrap().contains("HX-Request"))
    );
    assert_eq!(r.headers.get("cache-control").unwrap(), "no-store");
}

/// The app installed from a page opens on its user's home and offers that portal's places
/// only: a parent's phone is not offered the administration.
#[tokio::test]
async fn each_portal_links_its_own_manifest() {
    let app = TestApp::new().await;
    let homes = ["/eleve", "/enseignant", "/parent", "/admin"];
    for (who, home) in [
        ("student", "/eleve"),
        ("teacher_a", "/enseignant"),
        ("parent_1", "/parent"),
        ("director", "/admin"),
        ("bursar", "/admin"),
    ] {
        let mut c = app.login_as(who).await;
        let page = c.get(home).await;
        assert_eq!(page.status, StatusCode::OK, "{who}");
        let at = page
            .body
            .find("rel=\"manifest\" href=\"")
            .expect("a manifest link")
            + "rel=\"manifest\" href=\"".len();
        let href = &page.body[at..at + page.body[at..].find('"').unwrap()];
        // Browsers fetch a manifest without cookies: it must not depend on the session.
        let r = app.client().get(href).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {href}");
        assert_eq!(
            r.headers.get("content-type").unwrap(),
            "application/manifest+json"
        );
        let m: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(m["start_url"], home, "{who}: {m}");
        let shortcuts = m["shortcuts"].as_array().unwrap();
        assert!(!shortcuts.is_empty(), "{who}");
        for s in shortcuts {
            let url = s["url"].as_str().unwrap();
            assert!(
                !homes.iter().any(|h| *h != home && url.starts_with(h)),
                "{who} is offered {url}"
            );
            let opened = c.get(url).await;
            assert!(
                opened.status == StatusCode::OK
                    || (opened.status == StatusCode::SEE_OTHER
                        && !opened.location().starts_with("/connexion")),
                "{who}: shortcut {url} answers {}",
                opened.status
            );
            assert!(!s["name"].as_str().unwrap().is_empty());
        }
    }
    // Before login, the page links the plain manifest.
    let r = app.client().get("/connexion").await;
    assert!(
        r.body
            .contains("rel=\"manifest\" href=\"/manifest.webmanifest\"")
    );
    assert_eq!(
        app.client().get("/manifest/inconnu").await.status,
        StatusCode::NOT_FOUND
    );
}

/// Browsers ask for /favicon.ico whatever the page links: it is the school's icon.
#[tokio::test]
async fn the_favicon_is_the_apps_icon() {
    let app = TestApp::new().await;
    let r = app.client().get("/favicon.ico").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers.get("content-type").unwrap(), "image/x-icon");
    // An ICO header with one image, which is the app's PNG icon.
    assert_eq!(&r.bytes[..6], &[0, 0, 1, 0, 1, 0]);
    let png = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/static/icons/icon-192.png"
    ))
    .unwrap();
    assert_eq!(&r.bytes[22..], &png[..]);
    assert_eq!(r.bytes[6], 192);
    let size = u32::from_le_bytes(r.bytes[14..18].try_into().unwrap());
    assert_eq!(size as usize, png.len());
}

/// A parent of two sees both children side by side: the average so far, this month's
/// absences, what is owed and the next homework; another parent sees only their own.
#[tokio::test]
async fn a_family_with_several_children_sees_them_side_by_side() {
    let app = crate::helpers::TestApp::new().await;
    let f = app.f.clone();
    crate::helpers::seed_fees(&app).await;
    crate::lessons::lesson(&app).await;
    let mut t = app.login_as("teacher_a").await;
    let eval = crate::helpers::evaluation(&app, &mut t, f.class_a, 1, "2026-11-19").await;
    crate::helpers::set_mark(&mut t, eval, f.s1, "13,5").await;
    let mut p = app.login_as("parent_1").await;
    let page = p.get("/parent/famille").await;
    assert_eq!(page.status, axum::http::StatusCode::OK);
    let text = page.plain();
    assert!(
        text.contains("Elom Agbodjan") && text.contains("Sena Agbodjan"),
        "{text}"
    );
    assert!(text.contains("13,50"), "S1's average so far: {text}");
    assert!(
        text.contains("Exercices de fractions"),
        "S1's next homework: {text}"
    );
    assert!(
        text.contains("Reste à payer pour toute la famille"),
        "{text}"
    );
    assert!(!text.contains("Yawo"), "parent 2's child is not listed");
    let mut p2 = app.login_as("parent_2").await;
    let theirs = p2.get("/parent/famille").await.plain();
    assert!(
        theirs.contains("Yawo Fiadjoe") && !theirs.contains("Elom"),
        "{theirs}"
    );
}
