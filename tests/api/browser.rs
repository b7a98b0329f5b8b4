//! Browser tests: headless Chromium (Debian's), driven through chromedriver, on the portal
//! served on a loopback port with the demo school. Screenshots of each portal home are kept
//! in `test-artifacts/` to be looked at.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

use crate::helpers::fresh_db;

pub(crate) struct Driver {
    child: Child,
    port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts chromedriver, or explains why not. Under `CI=true` a missing browser is a failure.
pub(crate) fn chromedriver() -> Option<Driver> {
    let exe = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    if !std::path::Path::new(&exe).exists() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("chromedriver not found at {exe}: CI must have chromium and chromium-driver");
        }
        eprintln!("SKIPPED browser test: {exe} is missing (run scripts/test, which installs it)");
        return None;
    }
    let port = free_port();
    let child = Command::new(exe)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    Some(Driver { child, port })
}

pub(crate) async fn browser(driver: &Driver, width: u32, height: u32) -> Client {
    let mut caps = serde_json::Map::new();
    let mut options = json!({
        "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--lang=fr-FR",
            format!("--window-size={width},{height}"),
        ],
        "prefs": {"intl.accept_languages": "fr-FR,fr"}
    });
    // A desktop window cannot be narrower than about 500 px: phones are emulated instead.
    if width < 500 {
        options["mobileEmulation"] = json!({
            "deviceMetrics": {"width": width, "height": height, "pixelRatio": 2.0, "touch": true},
            "userAgent": "Mozilla/5.0 (Linux; Android 11; itel A70) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36"
        });
    }
    caps.insert("goog:chromeOptions".into(), options);
    let url = format!("http://127.0.0.1:{}", driver.port);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    for attempt in 0..50 {
        match ClientBuilder::new(connector.clone())
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return c,
            Err(e) if attempt < 49 => {
                let _ = e;
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            Err(e) => panic!("cannot start a browser session: {e}"),
        }
    }
    unreachable!()
}

async fn serve_demo() -> (SocketAddr, suku::demo::DemoSchool, crate::helpers::TestDb) {
    let db = fresh_db().await;
    let demo = suku::demo::generate(&db.pool).await.unwrap();
    let state =
        suku::app::AppState::new(db.pool.clone(), crate::helpers::test_config(&db.url)).unwrap();
    let app = suku::app::router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (addr, demo, db)
}

pub(crate) fn artifacts() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub(crate) async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    let db = suku::db::KIND;
    std::fs::write(artifacts().join(format!("{name}-{db}.png")), png).unwrap();
}

/// Clicks the element `css`. Live pages swap parts of themselves (htmx, the socket): an
/// element found just before a swap is gone when clicked, so it is found again. It is
/// first scrolled to the middle of the screen, as a person scrolls to what they tap
/// (WebDriver would tap it where it lies, under the phone's bottom bar).
pub(crate) async fn click(c: &Client, css: &str) {
    let mut last = None;
    for _ in 0..20 {
        match c.find(Locator::Css(css)).await {
            Ok(e) => match async {
                let at = serde_json::to_value(&e).unwrap();
                c.execute("arguments[0].scrollIntoView({block: 'center'})", vec![at])
                    .await?;
                e.click().await
            }
            .await
            {
                Ok(()) => return,
                Err(err) => last = Some(err),
            },
            Err(err) => last = Some(err),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not click {css}: {last:?}");
}

/// Waits until no element matches `css` (up to 15 s).
pub(crate) async fn wait_gone(c: &Client, css: &str) {
    for _ in 0..150 {
        if c.find(Locator::Css(css)).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} is still there");
}

/// Types into the element `css`, once the page shows it (a page still loading after a
/// click, on a loaded machine, has not drawn it yet).
pub(crate) async fn type_into(c: &Client, css: &str, text: &str) {
    let mut last = None;
    for _ in 0..100 {
        match c.find(Locator::Css(css)).await {
            Ok(e) => match e.send_keys(text).await {
                Ok(()) => return,
                Err(err) => last = Some(err),
            },
            Err(err) => last = Some(err),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("could not type into {css}: {last:?}");
}

/// Fills and sends the login form, as a person would.
async fn submit_login(c: &Client, base: &str, login: &str, password: &str) {
    c.goto(&format!("{base}/connexion")).await.unwrap();
    type_into(c, "#login", login).await;
    type_into(c, "#password", password).await;
    click(c, "form[action='/connexion'] button[type=submit]").await;
}

pub(crate) async fn login(c: &Client, base: &str, login: &str, password: &str) {
    submit_login(c, base, login, password).await;
    wait_path_not(c, "/connexion").await;
}

pub(crate) async fn wait_path_not(c: &Client, path: &str) -> String {
    // Up to 15 s: a login hashes its password (19 MiB, on purpose slow) while the other
    // tests load both cores; 5 s was once not enough on PostgreSQL.
    for _ in 0..300 {
        let url = c.current_url().await.unwrap();
        if url.path() != path {
            return url.path().to_string();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("still on {path}");
}

pub(crate) async fn wait_text(c: &Client, css: &str, text: &str) {
    // Up to 15 s: on a loaded two-core machine a live update can take seconds.
    for _ in 0..300 {
        if let Ok(e) = c.find(Locator::Css(css)).await
            && e.text().await.unwrap_or_default().contains(text)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let shown = match c.find(Locator::Css(css)).await {
        Ok(e) => e.text().await.unwrap_or_default(),
        Err(_) => c.source().await.unwrap_or_default(),
    };
    panic!(
        "{css} never showed {text:?}; it shows: {}",
        &shown[..shown.len().min(3000)]
    );
}

/// Clicks an item of the site's menu; on a phone the menu is folded, so it is opened
/// first, as a person would.
pub(crate) async fn click_menu(c: &Client, css: &str) {
    let item = c.find(Locator::Css(css)).await.unwrap();
    if !item.is_displayed().await.unwrap_or(true) {
        click(c, ".menu-toggle").await;
    }
    click(c, css).await;
}

async fn logout(c: &Client) {
    click_menu(c, "[data-testid=logout]").await;
    for _ in 0..100 {
        if c.current_url().await.unwrap().path() == "/connexion" {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("logout did not reach the login page");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_demo_role_uses_its_portal_in_a_real_browser() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, _db) = serve_demo().await;
    let base = format!("http://{addr}");
    let c = browser(&driver, 1280, 900).await;
    let login_of = |role: &str| demo.logins.iter().find(|l| l.role == role).unwrap().clone();

    // Each role lands on its own portal.
    for (role, home, heading) in [
        ("admin", "/admin", "Tableau de bord"),
        ("teacher", "/enseignant", "Espace enseignant"),
        ("student", "/eleve", "Espace élève"),
    ] {
        let l = login_of(role);
        login(&c, &base, &l.login, &l.password).await;
        assert_eq!(c.current_url().await.unwrap().path(), home, "{role}");
        wait_text(&c, "main h1", heading).await;
        shot(&c, &format!("home-{role}")).await;
        logout(&c).await;
    }

    // The app shell: the service worker installs and the offline page is cached by it.
    c.goto(&format!("{base}/connexion")).await.unwrap();
    let sw = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready
               .then(r => caches.match('/hors-ligne')
               .then(hit => done({active: !!r.active, scope: r.scope, offline: !!hit})))
               .catch(e => done({error: String(e)}));",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(sw["active"], true, "service worker: {sw}");
    assert_eq!(sw["offline"], true, "offline page cached: {sw}");
    assert!(sw["scope"].as_str().unwrap().ends_with('/'), "{sw}");

    // The teacher opens a class roster (htmx-boosted navigation).
    let l = login_of("teacher");
    login(&c, &base, &l.login, &l.password).await;
    // From the dashboard's widget of their classes, once it has loaded.
    wait_text(&c, "[data-kind=classes] .tile", "élèves").await;
    click(&c, "[data-kind=classes] .tile h3 a").await;
    wait_text(&c, "#roster caption", "Liste de la classe").await;
    shot(&c, "teacher-roster").await;

    // The teacher calls the roll by tapping names: once for absent, twice for late, and
    // late puts the cursor in the minutes.
    click(&c, "a[href$='/appel']").await;
    wait_text(&c, "main h1", "appel").await;
    let rows = c
        .find_all(Locator::Css("[data-roll-call] th[data-cycle]"))
        .await
        .unwrap();
    assert!(rows.len() >= 2, "a class to call");
    // The page may hold a roll call already taken for this slot: start from what it shows.
    let order = ["present", "absent", "retard"];
    let before = c
        .execute(
            "return [...document.querySelectorAll('[data-roll-call] tbody tr')].slice(0, 2)
               .map(r => r.querySelector('input[type=radio]:checked').value)",
            vec![],
        )
        .await
        .unwrap();
    let after = |i: usize, taps: usize| {
        let at = order.iter().position(|o| before[i] == **o).unwrap();
        order[(at + taps) % 3]
    };
    rows[0].click().await.unwrap();
    rows[1].click().await.unwrap();
    rows[1].click().await.unwrap();
    let expected = [after(0, 1), after(1, 2)];
    let states = c
        .execute(
            "return [...document.querySelectorAll('[data-roll-call] tbody tr')].slice(0, 2)
               .map(r => [r.className, r.querySelector('input[type=radio]:checked').value])",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        states,
        serde_json::json!(
            expected
                .iter()
                .map(|e| [format!("is-{e}"), e.to_string()])
                .collect::<Vec<_>>()
        )
    );
    let mut ids = Vec::new();
    for r in &rows[..2] {
        let id = r.attr("id").await.unwrap().unwrap();
        ids.push(id.trim_start_matches('n').parse::<i64>().unwrap());
    }
    let slot = c
        .execute(
            "return [document.querySelector('#held_on').value, document.querySelector('#starts_at').value]",
            vec![],
        )
        .await
        .unwrap();
    if expected[1] == "retard" {
        // Late put the cursor in the minutes.
        let focused = c.active_element().await.unwrap();
        assert_eq!(
            focused.attr("class").await.unwrap().as_deref(),
            Some("mark")
        );
        focused
            .send_keys("\u{E003}\u{E003}\u{E003}15")
            .await
            .unwrap();
    }
    if expected[0] == "retard" {
        let m = rows[0]
            .find(Locator::XPath("../td/input[@class='mark']"))
            .await
            .unwrap();
        m.clear().await.unwrap();
        m.send_keys("15").await.unwrap();
    }
    shot(&c, "teacher-roll-call").await;
    click(&c, "form[action$='/appel'] button[type=submit]").await;
    wait_text(&c, ".flash", "Appel enregistré").await;
    let mut saved = Vec::new();
    for id in &ids {
        let kind: Option<(String,)> = sqlx::query_as(
            "SELECT a.kind FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id \
             WHERE a.student_id = $1 AND r.held_on = $2 AND r.starts_at = $3",
        )
        .bind(id)
        .bind(chrono::NaiveDate::parse_from_str(slot[0].as_str().unwrap(), "%Y-%m-%d").unwrap())
        .bind(slot[1].as_str().unwrap())
        .fetch_optional(&_db.pool)
        .await
        .unwrap();
        saved.push(match kind {
            None => "present".to_string(),
            Some((k,)) if k == "absence" => "absent".to_string(),
            Some((k,)) => k,
        });
    }
    assert_eq!(saved, expected, "what was tapped is what was saved");
    click(&c, "main > p a[href^='/enseignant/classes/']").await;
    wait_text(&c, "#roster caption", "Liste de la classe").await;

    // The teacher creates a devoir and types a column of marks with the keyboard only.
    click(&c, "ul.links a[href*='/matieres/']").await;
    wait_text(&c, "main h1", "Carnet de notes").await;
    type_into(&c, "#title", "Devoir n° 1").await;
    click(&c, "form[action*='/matieres/'] button[type=submit]").await;
    wait_text(&c, ".help", "Entrée").await;
    let first = c.find(Locator::Css("input.mark")).await.unwrap();
    first.click().await.unwrap();
    let typed = ["12", "13,5", "abs", "9,25", "20"];
    let enter = "\u{E007}";
    for v in typed {
        // Type into whatever has the focus, as a person would, then Enter.
        let active = c.active_element().await.unwrap();
        active.send_keys(&format!("{v}{enter}")).await.unwrap();
    }
    // Each cell says it was saved.
    for _ in 0..100 {
        let saved = c
            .find_all(Locator::Css(".cell-state .state.ok"))
            .await
            .unwrap()
            .len();
        if saved >= typed.len() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        c.find_all(Locator::Css(".cell-state .state.ok"))
            .await
            .unwrap()
            .len(),
        typed.len()
    );
    shot(&c, "teacher-mark-entry").await;
    // After a reload, the marks are there, in order.
    c.refresh().await.unwrap();
    wait_text(&c, ".help", "Entrée").await;
    let inputs = c.find_all(Locator::Css("input.mark")).await.unwrap();
    for (i, v) in typed.iter().enumerate() {
        let value = inputs[i].prop("value").await.unwrap().unwrap_or_default();
        assert_eq!(&value, v, "row {i}");
    }
    // A column pasted from a spreadsheet fills the cells below the first and saves whole,
    // in one request.
    let n = inputs.len().min(42);
    let column: Vec<String> = (0..n).map(|i| format!("{},5", 6 + i % 14)).collect();
    c.execute(
        "const dt = new DataTransfer();
         dt.setData('text/plain', arguments[0]);
         const first = document.querySelector('input.mark');
         first.focus();
         first.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));",
        vec![serde_json::json!(column.join("\r\n") + "\r\n")],
    )
    .await
    .unwrap();
    for _ in 0..300 {
        let saved = c
            .find_all(Locator::Css(".cell-state .state.ok"))
            .await
            .unwrap()
            .len();
        if saved >= n {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    shot(&c, "teacher-mark-paste").await;
    c.refresh().await.unwrap();
    wait_text(&c, ".help", "Entrée").await;
    let inputs = c.find_all(Locator::Css("input.mark")).await.unwrap();
    for (i, v) in column.iter().enumerate() {
        let value = inputs[i].prop("value").await.unwrap().unwrap_or_default();
        assert_eq!(&value, v, "pasted row {i}");
    }
    logout(&c).await;

    // The parent switches child, then switches to English, then logs out.
    let l = login_of("parent");
    login(&c, &base, &l.login, &l.password).await;
    assert!(c.current_url().await.unwrap().path().starts_with("/parent"));
    // From the dashboard to the children's page.
    click_menu(&c, ".main-nav a[href='/parent/enfants']").await;
    wait_text(&c, "[data-testid=child-class]", "").await;
    let first_class = c
        .find(Locator::Css("[data-testid=child-class]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    shot(&c, "home-parent").await;
    let tabs = c
        .find_all(Locator::Css(".tabs a[data-testid^='child-']"))
        .await
        .unwrap();
    assert_eq!(tabs.len(), 2, "the demo parent has two children");
    tabs[1].click().await.unwrap();
    // htmx swaps the page in place: elements found before the swap go stale, so look again.
    let mut second_class = first_class.clone();
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css("[data-testid=child-class]")).await
            && let Ok(now) = e.text().await
            && now != first_class
        {
            second_class = now;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_ne!(
        first_class, second_class,
        "the two children are in different classes"
    );
    click(&c, "[data-testid=lang-en]").await;
    wait_text(&c, "main h1", "My children").await;
    let html_lang = c
        .find(Locator::Css("html"))
        .await
        .unwrap()
        .attr("lang")
        .await
        .unwrap();
    assert_eq!(html_lang.as_deref(), Some("en"));
    shot(&c, "parent-english").await;
    logout(&c).await;
    c.close().await.unwrap();

    // On a 360 px phone the parent's page fits the screen.
    let phone = browser(&driver, 360, 740).await;
    login(&phone, &base, &l.login, &l.password).await;
    shot(&phone, "parent-phone").await;
    let widths = phone
        .execute(
            "return [document.documentElement.scrollWidth, window.innerWidth]",
            vec![],
        )
        .await
        .unwrap();
    let (scroll, inner) = (widths[0].as_i64().unwrap(), widths[1].as_i64().unwrap());
    assert_eq!(inner, 360, "the phone is emulated at 360 px");
    assert!(
        scroll <= inner,
        "horizontal scroll on a phone: content {scroll}px in a {inner}px window"
    );
    phone.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_password_shows_a_message_in_the_browser() {
    let Some(driver) = chromedriver() else { return };
    let (addr, _demo, _db) = serve_demo().await;
    let base = format!("http://{addr}");
    let c = browser(&driver, 1024, 768).await;
    submit_login(&c, &base, "directeur@lumiere.tg", "pas-le-bon").await;
    wait_text(&c, "#login-error", "Identifiant ou mot de passe incorrect.").await;
    shot(&c, "login-error").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_bursar_takes_a_payment_and_the_parent_reads_receipt_and_bulletin() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, db) = serve_demo().await;
    let base = format!("http://{addr}");
    let login_of = |role: &str| demo.logins.iter().find(|l| l.role == role).unwrap().clone();
    let parent = login_of("parent");
    let (child,): (i64,) = sqlx::query_as(
        "SELECT g.student_id FROM student_guardians g JOIN users u ON u.id = g.user_id \
         WHERE u.phone = $1 ORDER BY g.student_id LIMIT 1",
    )
    .bind(&parent.login)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let c = browser(&driver, 1280, 900).await;

    // The bursar types an amount at the desk and gets the receipt to print.
    let l = login_of("bursar");
    login(&c, &base, &l.login, &l.password).await;
    c.goto(&format!("{base}/admin/eleves/{child}/frais"))
        .await
        .unwrap();
    wait_text(&c, "main h1", "Compte de frais").await;
    type_into(&c, "#amount", "5 000").await;
    type_into(&c, "#payer", "Mme la mère").await;
    click(&c, "#paiement button[type=submit]").await;
    // A receipt is never edited: first what will be recorded, in figures and in words, who
    // pays and for whom. Nothing is recorded yet.
    wait_text(&c, "main h1", "Confirmer le paiement").await;
    wait_text(&c, "[data-testid=confirm-amount]", "FCFA").await;
    let shown = c
        .find(Locator::Css("[data-testid=confirm-amount]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ");
    assert_eq!(shown, "5 000 FCFA");
    wait_text(&c, "[data-testid=confirm-words]", "cinq mille francs CFA").await;
    wait_text(&c, "[data-testid=confirm-payer]", "Mme la mère").await;
    let (last, first): (String, String) =
        sqlx::query_as("SELECT last_name, first_name FROM students WHERE id = $1")
            .bind(child)
            .fetch_one(&db.pool)
            .await
            .unwrap();
    wait_text(
        &c,
        "[data-testid=confirm-student]",
        &format!("{} {first}", last.to_uppercase()),
    )
    .await;
    let payments = || async {
        let (n,): (i64,) =
            sqlx::query_as("SELECT CAST(COUNT(*) AS BIGINT) FROM payments WHERE student_id = $1")
                .bind(child)
                .fetch_one(&db.pool)
                .await
                .unwrap();
        n
    };
    let before = payments().await;
    shot(&c, "bursar-confirm-payment").await;
    click(&c, "[data-testid=confirm-payment]").await;
    wait_text(&c, ".receipt", "Reçu de paiement").await;
    wait_text(&c, ".receipt .in-words", "cinq mille").await;
    assert_eq!(payments().await, before + 1);
    let receipt_path = c.current_url().await.unwrap().path().to_string();
    assert!(receipt_path.starts_with("/recus/"), "{receipt_path}");
    wait_text(&c, "main > .flash", "Paiement enregistré").await;
    shot(&c, "bursar-receipt").await;
    // Printed from the browser: one A4 sheet, the school's stub and the family's copy with
    // the QR code of the verification page on each, and no flash message nor menu.
    let config = fantoccini::wd::PrintConfiguration::builder()
        .shrink_to_fit(false)
        .margins(fantoccini::wd::PrintMargins {
            top: 0.0,
            bottom: 0.0,
            left: 0.0,
            right: 0.0,
        })
        .build()
        .unwrap();
    let pdf = c.print(config).await.unwrap();
    let file = artifacts().join(format!("bursar-receipt-printed-{}.pdf", suku::db::KIND));
    std::fs::write(&file, &pdf).unwrap();
    let info = std::process::Command::new("pdfinfo")
        .arg(&file)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.trim().ends_with(" 1")),
        "one sheet: {info}"
    );
    let text = std::process::Command::new("pdftotext")
        .args(["-layout"])
        .arg(&file)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&text.stdout)
        .replace(['\u{a0}', '\u{202f}'], " ")
        .to_lowercase();
    assert!(
        !text.contains("paiement enregistré"),
        "the flash is printed: {text}"
    );
    assert!(
        !text.contains("télécharger le reçu"),
        "links are printed: {text}"
    );
    for what in [
        "souche de l’établissement",
        "exemplaire de la famille",
        "découper suivant le pointillé",
        "scannez pour",
    ] {
        assert!(
            text.contains(what),
            "{what} missing from the printed page: {text}"
        );
    }
    let png = artifacts().join(format!("bursar-receipt-printed-{}", suku::db::KIND));
    let out = std::process::Command::new("pdftoppm")
        .args(["-png", "-r", "110", "-singlefile"])
        .arg(&file)
        .arg(&png)
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(out.status.success());
    let img = image::open(png.with_extension("png")).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 2, "a QR code on each copy of the printed page");
    for g in &grids {
        let (_, url) = g.decode().expect("a readable QR code");
        let id = receipt_path.trim_start_matches("/recus/");
        assert!(
            url.contains(&format!("/verifier/recus/{id}/")),
            "the verification page: {url}"
        );
    }
    logout(&c).await;

    // The director has closed and published the first term.
    sqlx::query("UPDATE periods SET closed = TRUE, published = TRUE WHERE ordinal = 1")
        .execute(&db.pool)
        .await
        .unwrap();

    // The parent sees the receipt on the child's page and opens the bulletin.
    login(&c, &base, &parent.login, &parent.password).await;
    c.goto(&format!("{base}/parent/enfants/{child}"))
        .await
        .unwrap();
    wait_text(&c, "#frais", "Frais scolaires").await;
    click(&c, &format!("#frais a[href='{receipt_path}']")).await;
    wait_text(&c, ".receipt", "cinq mille").await;
    c.goto(&format!("{base}/parent/enfants/{child}"))
        .await
        .unwrap();
    click(&c, "a[href^='/bulletins/']").await;
    // The title is printed in capitals (CSS), as Togolese bulletins are.
    wait_text(&c, "main h1", "BULLETIN DE NOTES").await;
    let general = c
        .find(Locator::Css("[data-testid=general]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        general.contains(',') && general.len() >= 4,
        "a moyenne générale like 12,34: {general:?}"
    );
    shot(&c, "parent-bulletin").await;
    // Printed from the browser, the bulletin is one A4 page with what its PDF has: the
    // ministry, the date of birth, the school's phone, the teachers' appreciations.
    let text = c
        .find(Locator::Css("article.bulletin"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for what in [
        "Ministère",
        "Date de naissance",
        "22 21 43 65",
        "Bon travail",
    ] {
        assert!(text.contains(what), "{what} missing from: {text}");
    }
    // A4, at its real size (a browser shrinking the page to fit would prove nothing).
    let config = fantoccini::wd::PrintConfiguration::builder()
        .shrink_to_fit(false)
        .build()
        .unwrap();
    let pdf = c.print(config).await.unwrap();
    let file = artifacts().join("parent-bulletin-printed.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let info = std::process::Command::new("pdfinfo")
        .arg(&file)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.trim().ends_with(" 1")),
        "one page: {info}"
    );
    c.close().await.unwrap();
}

/// Two browsers: a parent writes to their child's teacher; the teacher's unread count
/// rises live; the teacher answers and the parent sees it without reloading; the teacher
/// enters a mark and the parent's bell rings without a reload.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_and_a_teacher_chat_live_and_a_mark_rings_the_bell() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, db, state) = serve_demo_live().await;
    let base = format!("http://{addr}");
    let parent = demo
        .logins
        .iter()
        .find(|l| l.role == "parent")
        .unwrap()
        .clone();
    // A teacher of the parent's first child, and one of their evaluations of that class.
    let (child, teacher_id, teacher, teacher_name, evaluation, scale): (i64, i64, String, String, i64, i64) = sqlx::query_as(
        "SELECT s.id, u.id, u.email, u.first_name || ' ' || u.last_name, ev.id, ev.scale FROM student_guardians g \
         JOIN users p ON p.id = g.user_id JOIN students s ON s.id = g.student_id \
         JOIN enrollments e ON e.student_id = s.id \
         JOIN teaching_assignments t ON t.class_id = e.class_id JOIN users u ON u.id = t.teacher_user_id \
         JOIN evaluations ev ON ev.class_id = t.class_id AND ev.subject_id = t.subject_id \
         JOIN periods pe ON pe.id = ev.period_id AND pe.closed = FALSE \
         WHERE p.phone = $1 ORDER BY s.id, ev.id LIMIT 1",
    )
    .bind(&parent.login)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    let p = browser(&driver, 400, 800).await;
    let t = browser(&driver, 1280, 900).await;
    login(&p, &base, &parent.login, &parent.password).await;
    login(&t, &base, &teacher, "suku2026").await;
    // What the teacher has unread already (the demo has conversations).
    t.goto(&format!("{base}/messages/non-lus")).await.unwrap();
    let before: i64 = t
        .find(Locator::Css("body"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .trim()
        .parse()
        .unwrap_or(0);
    t.goto(&format!("{base}/enseignant")).await.unwrap();

    // The parent starts with nothing unread (the demo left them a notification).
    p.goto(&format!("{base}/notifications")).await.unwrap();
    click(&p, "form[action='/notifications/lues'] button").await;
    // Done when the page came back with nothing unread (before that, leaving the page
    // would race the form's own navigation).
    wait_gone(&p, "li.unread").await;

    // The parent finds the teacher among their contacts and writes.
    p.goto(&format!("{base}/messages/nouveau")).await.unwrap();
    let last = teacher_name.split(' ').next_back().unwrap();
    type_into(&p, "#q", last).await;
    wait_text(&p, "#contacts", &teacher_name).await;
    click(
        &p,
        &format!("#contacts button[data-contact='{teacher_id}']"),
    )
    .await;
    wait_text(&p, "main h1", &teacher_name).await;
    type_into(&p, "#body", "Bonjour, comment va mon enfant en classe ?").await;
    type_into(&p, "#body", "\u{E007}").await;
    wait_text(&p, "#messages", "comment va mon enfant").await;
    shot(&p, "chat-parent-phone").await;

    // The teacher, on their home page, sees the unread count rise without reloading.
    wait_text(&t, "#chat-unread", &(before + 1).to_string()).await;
    // The teacher opens Messages and then the conversation, from the list, as a person
    // does (that click once opened a blank page).
    let conv = p.current_url().await.unwrap().path().to_string();
    click(&t, "header a[href='/messages']").await;
    wait_text(&t, "#conversations", "comment va mon enfant").await;
    click(&t, &format!("#conversations a[href='{conv}']")).await;
    wait_text(&t, "#messages", "comment va mon enfant").await;
    type_into(&t, "#body", "Très bien, il participe beaucoup.").await;
    click(&t, ".composer button[type=submit]").await;
    // The parent's open page shows the answer live, and the read receipt shows for the
    // teacher.
    wait_text(&p, "#messages", "il participe beaucoup").await;
    wait_text(&t, "#messages", "Lu par").await;
    shot(&t, "chat-teacher").await;

    // The parent reads their notifications (the teacher's answer is one), then waits on
    // their home page; the teacher enters a mark; the bell rings without a reload.
    wait_text(&p, "#bell", "1").await;
    p.goto(&format!("{base}/notifications")).await.unwrap();
    wait_text(&p, "main", "Nouveau message de").await;
    click(&p, "form[action='/notifications/lues'] button").await;
    p.goto(&format!("{base}/parent")).await.unwrap();
    // The bell is swapped in by htmx once loaded: read it when it has settled.
    let mut quiet = false;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Ok(b) = p.find(Locator::Css("#bell[data-unread]")).await
            && let Ok(text) = b.text().await
        {
            quiet = !text.chars().any(|c| c.is_ascii_digit());
            break;
        }
    }
    assert!(quiet, "the bell should show nothing unread");
    let mark = (scale - 1).min(17).to_string();
    t.goto(&format!("{base}/enseignant/evaluations/{evaluation}"))
        .await
        .unwrap();
    let cell = format!("input[name='note_{child}']");
    let input = t.find(Locator::Css(&cell)).await.unwrap();
    input.clear().await.unwrap();
    input.send_keys(&mark).await.unwrap();
    input.send_keys("\u{E007}").await.unwrap();
    wait_text(&p, "#bell", "1").await;
    shot(&p, "bell-parent-phone").await;
    click(&p, "#bell").await;
    wait_text(&p, "main", &format!("{mark}/{scale}")).await;
    state.realtime.detach();
    p.close().await.unwrap();
    t.close().await.unwrap();
}

/// The demo school served with the notifier, the workflows and the job runner running, as
/// `suku serve` runs them.
pub(crate) async fn serve_demo_live() -> (
    SocketAddr,
    suku::demo::DemoSchool,
    crate::helpers::TestDb,
    suku::app::AppState,
) {
    let db = fresh_db().await;
    let demo = suku::demo::generate(&db.pool).await.unwrap();
    let state =
        suku::app::AppState::new(db.pool.clone(), crate::helpers::test_config(&db.url)).unwrap();
    let app = suku::app::router(state.clone());
    tokio::spawn(suku::notifications::run(state.clone()));
    tokio::spawn(suku::workflows::run::run(state.clone()));
    suku::jobs::spawn(state.clone(), suku::app::jobs());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    (addr, demo, db, state)
}

/// Every kind of page each role reaches, on a 360 px phone: none is wider than the screen
/// (wide tables scroll inside their frame, the header fits). The crawl follows links as a
/// person would find them, one page of each kind (ids aside).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_of_every_role_fits_a_phone() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, _db) = serve_demo().await;
    let base = format!("http://{addr}");
    let c = browser(&driver, 360, 740).await;
    let mut too_wide = Vec::new();
    let mut seen_pages = 0;
    for role in [
        "admin",
        "bursar",
        "secretary",
        "teacher",
        "parent",
        "student",
    ] {
        let l = demo.logins.iter().find(|l| l.role == role).unwrap().clone();
        login(&c, &base, &l.login, &l.password).await;
        let home = c.current_url().await.unwrap().path().to_string();
        let mut queue = std::collections::VecDeque::from([home]);
        let mut kinds = std::collections::HashSet::new();
        let mut visited = 0;
        while let Some(path) = queue.pop_front() {
            // One page of each kind: /admin/eleves/12 and /admin/eleves/13 are one kind.
            let kind: String = path
                .split('?')
                .next()
                .unwrap_or("")
                .split('/')
                .map(|p| {
                    if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() {
                        "N"
                    } else {
                        p
                    }
                })
                .collect::<Vec<_>>()
                .join("/");
            if !kinds.insert(kind) || visited >= 40 {
                continue;
            }
            visited += 1;
            c.goto(&format!("{base}{path}")).await.unwrap();

            let seen = c
                .execute(
                    // The phone's width, as set: a mobile browser widens its layout to
                    // the content (innerWidth grows with a too-wide table).
                    "const w = document.documentElement.scrollWidth, iw = arguments[0];
                     const wide = [];
                     if (w > iw + 1) {
                       for (const el of document.querySelectorAll('body *')) {
                         const r = el.getBoundingClientRect();
                         if (r.right > iw + 1 && r.width > 0) wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && el.className.baseVal === undefined ? '.' + String(el.className).split(' ').join('.') : '') + ' ' + Math.round(r.right));
                         if (wide.length > 5) break;
                       }
                     }
                     const links = [...document.querySelectorAll('main a[href], nav a[href]')]
                       .map(a => a.getAttribute('href'))
                       .filter(h => h.startsWith('/') && !h.startsWith('//'));
                     return { w, iw, wide, links };",
                    vec![serde_json::json!(360)],
                )
                .await
                .unwrap();
            if seen["w"].as_i64() > seen["iw"].as_i64().map(|w| w + 1) {
                too_wide.push(format!("{role} {path}: {} px; {}", seen["w"], seen["wide"]));
            }
            for href in seen["links"].as_array().unwrap() {
                let href = href.as_str().unwrap();
                let skip = [
                    "/deconnexion",
                    "format=",
                    "/pdf",
                    "/fichiers/",
                    "/socket.io",
                    "/paiements/demo",
                    "#",
                    ".csv",
                    ".xlsx",
                    "/verifier/",
                    "/hors-ligne",
                    "/static/",
                ];
                if !skip.iter().any(|s| href.contains(s)) {
                    queue.push_back(href.to_string());
                }
            }
        }
        seen_pages += visited;
        if role == "parent" {
            shot(&c, "phone-menu-closed").await;
            click(&c, ".bottom-bar [data-menu-toggle]").await;
            shot(&c, "phone-menu-open").await;
        }
        logout(&c).await;
    }
    assert!(seen_pages > 60, "the crawl saw only {seen_pages} pages");
    assert!(
        too_wide.is_empty(),
        "pages wider than a phone:\n{}",
        too_wide.join("\n")
    );
    c.close().await.unwrap();
}

/// Charts read as the reader writes numbers: francs grouped with their unit, whole
/// numbers for counts (no half student on an axis), in French and then in English.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn charts_write_numbers_in_the_readers_language() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, _db) = serve_demo().await;
    let base = format!("http://{addr}");
    let l = demo.logins.iter().find(|l| l.role == "admin").unwrap();
    let c = browser(&driver, 1366, 768).await;
    login(&c, &base, &l.login, &l.password).await;
    click_menu(&c, "#site-menu a[href='/admin/analytique']").await;
    let read = "const [fees, pupils] = ['chart-fees', 'chart-enrollment']
                  .map(id => echarts.getInstanceByDom(document.getElementById(id)).getOption());
                return [fees.tooltip[0].valueFormatter(180000000),
                        fees.yAxis[0].axisLabel.formatter(180000000),
                        pupils.yAxis[0].minInterval,
                        pupils.tooltip[0].valueFormatter(12)];";
    let drawn = "#chart-fees[data-drawn], #chart-enrollment[data-drawn]";
    for _ in 0..200 {
        if c.find_all(Locator::Css(drawn)).await.unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let fr = c.execute(read, vec![]).await.unwrap();
    assert_eq!(
        fr,
        serde_json::json!(["180\u{202f}000\u{202f}000\u{a0}FCFA", "180\u{a0}M", 1, "12"])
    );
    shot(&c, "admin-charts").await;
    click_menu(&c, "[data-testid=lang-en]").await;
    wait_text(&c, "main h1", "Analytics").await;
    for _ in 0..200 {
        if c.find_all(Locator::Css(drawn)).await.unwrap().len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let en = c.execute(read, vec![]).await.unwrap();
    assert_eq!(
        en,
        serde_json::json!(["180,000,000\u{a0}FCFA", "180M", 1, "12"])
    );
    c.close().await.unwrap();
}

/// The director prepares a term's publication as a person would: the steps in their order
/// with the state of each and every class's readiness (on a desk screen and on a phone),
/// then the confirmation that says who will be told, then the publication.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_director_reads_the_steps_then_confirms_the_publication() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, db) = serve_demo().await;
    let base = format!("http://{addr}");
    let l = demo
        .logins
        .iter()
        .find(|l| l.role == "admin")
        .unwrap()
        .clone();
    let (p1,): (i64,) = sqlx::query_as("SELECT id FROM periods WHERE ordinal = 1")
        .fetch_one(&db.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE periods SET closed = TRUE, published = FALSE WHERE id = $1")
        .bind(p1)
        .execute(&db.pool)
        .await
        .unwrap();
    let (guardians, _) = suku::bulletins::repo::audience_count(&db.pool, p1)
        .await
        .unwrap();
    assert!(guardians > 100, "the demo's families: {guardians}");

    let phone = browser(&driver, 360, 740).await;
    login(&phone, &base, &l.login, &l.password).await;
    phone
        .goto(&format!("{base}/admin/periodes?periode={p1}"))
        .await
        .unwrap();
    wait_text(&phone, "#preparation", "La publication, étape par étape").await;
    wait_text(&phone, "#readiness", "6e A").await;
    phone
        .execute(
            "document.getElementById('preparation').scrollIntoView()",
            vec![],
        )
        .await
        .unwrap();
    shot(&phone, "director-publication-steps-phone").await;
    let widths = phone
        .execute(
            "return [document.documentElement.scrollWidth, arguments[0]]",
            vec![json!(360)],
        )
        .await
        .unwrap();
    assert!(
        widths[0].as_i64() <= widths[1].as_i64().map(|w| w + 1),
        "the steps fit a phone: {widths:?}"
    );
    phone.close().await.unwrap();

    let c = browser(&driver, 1366, 900).await;
    login(&c, &base, &l.login, &l.password).await;
    c.goto(&format!("{base}/admin/periodes?periode={p1}"))
        .await
        .unwrap();
    wait_text(&c, "[data-step=close]", "clôturée").await;
    c.execute(
        "document.getElementById('preparation').scrollIntoView()",
        vec![],
    )
    .await
    .unwrap();
    shot(&c, "director-publication-steps").await;
    click(&c, "[data-testid=publish]").await;
    wait_text(&c, "main h1", "Publier les bulletins").await;
    let said = c
        .find(Locator::Css("[data-testid=audience]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ");
    let figure = suku::i18n::format_int(suku::i18n::Locale::Fr, guardians)
        .replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        said.contains(&format!("({figure}) parents et tuteurs seront prévenus")),
        "{said}"
    );
    shot(&c, "director-publication-confirm").await;
    let published = || async {
        let (n,): (i64,) = sqlx::query_as(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM school_events WHERE kind = 'bulletin.published'",
        )
        .fetch_one(&db.pool)
        .await
        .unwrap();
        n
    };
    assert_eq!(
        published().await,
        0,
        "nothing is published before the confirmation"
    );
    click(&c, "#publish-confirm button[type=submit]").await;
    wait_text(&c, "main", "Bulletins publiés").await;
    wait_text(&c, "[data-step=publish]", "publiés").await;
    assert_eq!(published().await, 1);
    c.close().await.unwrap();
}
