//! The parent's mobile money flow in a phone-sized headless Chromium, with the demo
//! operator: from the child's page to the receipt, approving on the simulated phone.

use std::net::SocketAddr;

use fantoccini::Locator;

use crate::browser::{browser, chromedriver, click, login, shot, type_into, wait_text};
use crate::helpers::fresh_db;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_pays_by_mobile_money_from_a_phone() {
    let Some(driver) = chromedriver() else { return };
    let db = fresh_db().await;
    let demo = suku::demo::generate(&db.pool).await.unwrap();
    let mut config = crate::helpers::test_config(&db.url);
    config.momo.provider = "demo".into();
    config.momo.demo_allowed = true;
    let state = suku::app::AppState::new(db.pool.clone(), config).unwrap();
    let router = suku::app::router(state.clone());
    // The node's job runner sends the payment to the (demo) operator, as `suku serve` does.
    let jobs = suku::jobs::spawn(state.clone(), suku::app::jobs());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let base = format!("http://{addr}");
    let parent = demo.logins.iter().find(|l| l.role == "parent").unwrap();
    let (child, owed): (i64, i64) = sqlx::query_as(
        "SELECT g.student_id, CAST((SELECT SUM(amount) FROM ledger_entries l WHERE l.student_id = g.student_id) AS BIGINT) \
         FROM student_guardians g JOIN users u ON u.id = g.user_id WHERE u.phone = $1 ORDER BY g.student_id LIMIT 1",
    )
    .bind(&parent.login)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert!(owed > 5_000, "the demo child owes something: {owed}");
    let c = browser(&driver, 390, 844).await;
    login(&c, &base, &parent.login, &parent.password).await;
    c.goto(&format!("{base}/parent/enfants/{child}"))
        .await
        .unwrap();
    click(&c, "#momo-pay").await;
    wait_text(&c, "main h1", "Payer par mobile money").await;
    // The amount is suggested; the parent types their own, keeps the guessed network.
    let amount = c.find(Locator::Css("#amount")).await.unwrap();
    amount.clear().await.unwrap();
    amount.send_keys("5 000").await.unwrap();
    shot(&c, "momo-form-phone").await;
    click(&c, ".momo-form button[type=submit]").await;
    wait_text(&c, "#momo-state", "En attente de validation").await;
    shot(&c, "momo-waiting-phone").await;
    // The simulated phone asks for the PIN.
    click(&c, "#momo-state a.button").await;
    wait_text(&c, ".phone-screen", "Payer").await;
    type_into(&c, "#pin", "1234").await;
    click(&c, ".phone-screen button[value=accept]").await;
    wait_text(&c, "#momo-state", "Payé").await;
    shot(&c, "momo-paid-phone").await;
    click(&c, "#receipt-link").await;
    wait_text(&c, ".receipt", "cinq mille").await;
    let (credited,): (i64,) = sqlx::query_as(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM payments WHERE method = 'mobile_money' AND student_id = $1 AND amount = 5000",
    )
    .bind(child)
    .fetch_one(&db.pool)
    .await
    .unwrap();
    assert_eq!(credited, 1);
    c.close().await.unwrap();
    jobs.abort();
    state.realtime.detach();
}
