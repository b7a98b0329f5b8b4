//! Dashboards as people use them, in headless Chromium on the demo school (which requires
//! the balance on parents' dashboards): the director also requires the announcements and
//! adds the challenges; a parent who never arranged anything gets that default, cannot
//! remove the required widgets, moves a
//! widget with the keyboard and another by dragging it, and finds both after a reload; a
//! widget whose query fails shows its own message while the others work; with the server
//! gone, the dashboard opens from the service worker with each widget's last copy and its
//! age. The assistant opens from the header and answers what the family owes.

use std::net::SocketAddr;
use std::time::Duration;

use fantoccini::actions::{InputSource, MOUSE_BUTTON_LEFT, MouseActions, PointerAction};
use fantoccini::{Client, Locator};

use crate::browser::{
    browser, chromedriver, click, login, serve_demo_live, shot, type_into, wait_text,
};

/// A TCP relay in front of the server, which can be cut: the browser then finds nothing
/// at the address, as when a phone loses the network or the school's server stops.
struct Relay {
    addr: SocketAddr,
    cut: tokio::sync::watch::Sender<bool>,
}

async fn relay(to: SocketAddr) -> Relay {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (cut, watch) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        let mut stop = watch.clone();
        loop {
            let (mut inbound, _) = tokio::select! {
                r = listener.accept() => r.unwrap(),
                _ = stop.changed() => return,
            };
            let mut stop = watch.clone();
            tokio::spawn(async move {
                let Ok(mut outbound) = tokio::net::TcpStream::connect(to).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                    _ = stop.changed() => {}
                }
            });
        }
    });
    Relay { addr, cut }
}

/// The kinds of the widgets on the dashboard, in order, once each has loaded.
async fn dashboard(c: &Client) -> Vec<String> {
    for _ in 0..300 {
        let v = c
            .execute(
                "const w = [...document.querySelectorAll('#dashboard .widget')];
                 if (!w.length || w.some(x => x.querySelector('[aria-busy]'))) return null;
                 return w.map(x => x.dataset.kind);",
                vec![],
            )
            .await
            .unwrap();
        if let Some(a) = v.as_array() {
            return a.iter().map(|k| k.as_str().unwrap().to_string()).collect();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the dashboard's widgets never all loaded");
}

/// The ids of the editor's widgets, in order.
async fn editor_ids(c: &Client) -> Vec<String> {
    let v = c
        .execute(
            "return [...document.querySelectorAll('#dash-editor li[data-id]')].map(l => l.dataset.id);",
            vec![],
        )
        .await
        .unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap().to_string())
        .collect()
}

async fn wait_editor(c: &Client, first: &str) {
    for _ in 0..300 {
        if editor_ids(c).await.first().map(String::as_str) == Some(first) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "the editor never put {first} first: {:?}",
        editor_ids(c).await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_arrange_their_dashboards_and_read_them_offline() {
    let Some(driver) = chromedriver() else { return };
    let (addr, demo, db, _state) = serve_demo_live().await;
    let relay = relay(addr).await;
    let base = format!("http://{}", relay.addr);
    let login_of = |role: &str| demo.logins.iter().find(|l| l.role == role).unwrap().clone();

    // The director requires the announcements on parents' dashboards and adds the challenges.
    let d = browser(&driver, 1280, 900).await;
    let l = login_of("admin");
    login(&d, &base, &l.login, &l.password).await;
    d.goto(&format!("{base}/admin/tableaux?role=parent"))
        .await
        .unwrap();
    wait_text(&d, "#dash-editor li[data-id='1']", "Imposé par l’école").await;
    click(&d, "[data-testid=lock-announcements]").await;
    wait_text(&d, "#dash-editor li[data-id='6']", "Imposé par l’école").await;
    d.find(Locator::Css(".dash-add select"))
        .await
        .unwrap()
        .select_by_value("challenges")
        .await
        .unwrap();
    click(&d, ".dash-add button").await;
    wait_text(&d, "#dash-editor li:last-child", "Défis").await;
    shot(&d, "dashboard-defaults").await;

    // A parent who never arranged anything: the school's default.
    let p = browser(&driver, 1280, 900).await;
    let l = login_of("parent");
    login(&p, &base, &l.login, &l.password).await;
    let kinds = dashboard(&p).await;
    assert_eq!(
        kinds.first().map(String::as_str),
        Some("balance"),
        "{kinds:?}"
    );
    assert_eq!(
        kinds.last().map(String::as_str),
        Some("challenges"),
        "{kinds:?}"
    );
    wait_text(&p, "#dashboard [data-kind=balance]", "FCFA").await;
    shot(&p, "dashboard-parent").await;

    // In the editor the required widgets have no remove button.
    click(&p, "[data-testid=dash-edit]").await;
    wait_editor(&p, "1").await;
    for id in [1, 6] {
        let locked_remove = p
            .find_all(Locator::Css(&format!(
                "#dash-editor li[data-id='{id}'] button.danger"
            )))
            .await
            .unwrap();
        assert!(
            locked_remove.is_empty(),
            "required widget {id} cannot be removed"
        );
    }
    assert!(
        !p.find_all(Locator::Css("#dash-editor li[data-id='2'] button.danger"))
            .await
            .unwrap()
            .is_empty()
    );

    // With the keyboard: the marks go up one place, to the top; the focus stays on the
    // widget's arrows (the other one, since "up" is now disabled).
    p.find(Locator::Css("#move-2-up"))
        .await
        .unwrap()
        .send_keys("\u{E007}")
        .await
        .unwrap();
    wait_editor(&p, "2").await;
    let mut focused = serde_json::Value::Null;
    for _ in 0..100 {
        focused = p
            .execute(
                "return document.activeElement && document.activeElement.id;",
                vec![],
            )
            .await
            .unwrap();
        if focused == "move-2-down" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(30)).await;
    }
    assert_eq!(focused, "move-2-down");
    wait_text(&p, "#dash-status", "position 1").await;

    // With the mouse: the third widget dragged to the top.
    let third = p
        .find(Locator::Css("#dash-editor li[data-id='3'] .dash-item-head"))
        .await
        .unwrap();
    let top = p
        .find(Locator::Css("#dash-editor li:first-child .dash-item-head"))
        .await
        .unwrap();
    p.execute(
        "document.querySelector('#dash-editor').scrollIntoView({block: 'start'});",
        vec![],
    )
    .await
    .unwrap();
    let drag = MouseActions::new("mouse".into())
        .then(PointerAction::MoveToElement {
            element: third,
            duration: None,
            x: 0.0,
            y: 0.0,
        })
        .then(PointerAction::Down {
            button: MOUSE_BUTTON_LEFT,
        })
        .then(PointerAction::MoveBy {
            duration: Some(Duration::from_millis(150)),
            x: 0.0,
            y: -10.0,
        })
        .then(PointerAction::MoveToElement {
            element: top,
            duration: Some(Duration::from_millis(400)),
            x: 0.0,
            y: -8.0,
        })
        .then(PointerAction::Pause {
            duration: Duration::from_millis(200),
        })
        .then(PointerAction::Up {
            button: MOUSE_BUTTON_LEFT,
        });
    p.perform_actions(drag).await.unwrap();
    wait_editor(&p, "3").await;
    shot(&p, "dashboard-editor").await;

    // Reloaded: both moves stayed.
    p.goto(&format!("{base}/parent")).await.unwrap();
    let kinds = dashboard(&p).await;
    assert_eq!(&kinds[..3], ["today", "marks", "balance"], "{kinds:?}");

    // A widget whose query fails says so; the others carry on.
    sqlx::query("ALTER TABLE announcement_reads RENAME TO announcement_reads_gone")
        .execute(&db.pool)
        .await
        .unwrap();
    p.goto(&format!("{base}/parent")).await.unwrap();
    dashboard(&p).await;
    wait_text(
        &p,
        "#dashboard [data-kind=announcements] .widget-failed",
        "n’a pas pu être chargé",
    )
    .await;
    wait_text(&p, "#dashboard [data-kind=balance]", "FCFA").await;
    sqlx::query("ALTER TABLE announcement_reads_gone RENAME TO announcement_reads")
        .execute(&db.pool)
        .await
        .unwrap();

    // The assistant opens beside the dashboard and answers from the family's own data.
    click(&p, "[data-assistant-open]").await;
    wait_text(&p, "#assistant-panel", "Assistant").await;
    type_into(&p, "#asst-input", "combien je dois ?\u{E007}").await;
    wait_text(&p, "#asst-messages .asst-assistant", "FCFA").await;
    shot(&p, "assistant-panel").await;

    // The director connects a language model (a loopback server that follows OpenAI's
    // API); the parent's next answer is written before their eyes, piece by piece.
    let (llm_url, llm) = crate::fake_llm::start().await;
    d.goto(&format!("{base}/admin/assistant#modele"))
        .await
        .unwrap();
    type_into(&d, "#llm_url", &llm_url).await;
    type_into(&d, "#llm_model", crate::fake_llm::MODEL).await;
    type_into(&d, "#llm_key", crate::fake_llm::KEY).await;
    click(&d, "#modele button.primary").await;
    wait_text(&d, "main", "Connexion réussie").await;
    llm.script([
        crate::fake_llm::Turn::Call(vec![("get_marks".into(), serde_json::json!({}))]),
        crate::fake_llm::Turn::SlowQuote(
            "Voici les moyennes : ".into(),
            Duration::from_millis(120),
        ),
    ]);
    type_into(
        &p,
        "#asst-input",
        "quelle est la moyenne de mes enfants ?\u{E007}",
    )
    .await;
    // Seen while it is written: the answer pending, with part of its text.
    let mut partial = None;
    let mut seen = Vec::new();
    for _ in 0..600 {
        let v = p
            .execute(
                "const all = [...document.querySelectorAll('#asst-messages .asst-assistant')];
                 if (all.length < 2) return [true, ''];
                 const a = all[1], t = a.querySelector('p:not(.asst-status)');
                 return [a.classList.contains('asst-pending'), t ? t.textContent : ''];",
                vec![],
            )
            .await
            .unwrap();
        let (pending, text) = (v[0].as_bool().unwrap(), v[1].as_str().unwrap().to_string());
        seen.push(format!(
            "{pending} {}",
            text.chars().take(40).collect::<String>()
        ));
        if pending && text.starts_with("Voici les moyennes") && partial.is_none() {
            shot(&p, "assistant-streaming").await;
            partial = Some(text.clone());
        }
        if !pending {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let partial = partial
        .unwrap_or_else(|| panic!("the answer was never seen while it was written: {seen:?}"));
    wait_text(
        &p,
        "#asst-messages .asst-assistant:last-child",
        "general_average",
    )
    .await;
    let whole = p
        .execute(
            "return document.querySelector('#asst-messages .asst-assistant:last-child p').textContent;",
            vec![],
        )
        .await
        .unwrap();
    let whole = whole.as_str().unwrap();
    assert!(
        whole.len() > partial.len() && whole.starts_with(&partial),
        "{partial} / {whole}"
    );
    assert_eq!(llm.received().len(), 2);
    p.execute(
        "document.querySelector('[data-assistant-close]').click();",
        vec![],
    )
    .await
    .unwrap();

    // Offline: once the service worker runs the page, the dashboard and its widgets are
    // kept; with the server gone they open from it, each saying how old it is.
    let ready = p
        .execute_async(
            "const done = arguments[arguments.length - 1];
             navigator.serviceWorker.ready.then(() => {
               const wait = () => navigator.serviceWorker.controller ? done(true) : setTimeout(wait, 50);
               wait();
             });",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(ready, true);
    p.goto(&format!("{base}/parent")).await.unwrap();
    dashboard(&p).await;
    wait_text(&p, "#dashboard [data-kind=announcements]", "Annonces").await;
    relay.cut.send(true).unwrap();
    p.goto(&format!("{base}/parent")).await.unwrap();
    let kinds = dashboard(&p).await;
    assert_eq!(&kinds[..3], ["today", "marks", "balance"]);
    wait_text(&p, "#dashboard [data-kind=balance]", "FCFA").await;
    wait_text(
        &p,
        "#dashboard [data-kind=balance] .widget-age",
        "Mis à jour il y a",
    )
    .await;
    shot(&p, "dashboard-offline").await;
}
