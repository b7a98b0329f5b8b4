//! Mobile money against loopback servers that follow PayGate Global's and FedaPay's
//! published APIs: a parent pays once; callbacks that are forged, unsigned and unconfirmed,
//! duplicated, early, for unknown payments or with a wrong amount are handled; a provider
//! that is down, or a process stopped between the provider's acceptance and its callback,
//! ends with the reconciler crediting exactly once. After each test, the ledger holds:
//! credited attempts match the mobile money receipts, and no invoice is overpaid.

use std::net::SocketAddr;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;
use suku::app::{self, AppState};
use suku::config::Secret;

use crate::fake_providers::{self, Served, fedapay_signature};
use crate::helpers::{Client, TestApp, scalar, seed_fees};

/// Suku served on a loopback port (the providers call it back), on the test's database.
struct Suku {
    url: String,
    state: AppState,
    task: tokio::task::JoinHandle<()>,
    jobs: tokio::task::JoinHandle<()>,
}

impl Drop for Suku {
    fn drop(&mut self) {
        self.task.abort();
        self.jobs.abort();
        self.state.realtime.detach();
    }
}

/// Suku on a loopback port, with the job runner of `suku serve` (it sends payments to the
/// provider and checks callbacks behind the requests), or without, for a test that runs
/// the jobs itself ([`run_due_jobs`]) to stop a node between two steps.
async fn serve_with(app: &TestApp, runner: bool) -> Suku {
    let state = AppState::new(app.db.pool.clone(), (*app.state.config).clone()).unwrap();
    let router = app::router(state.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .unwrap();
    });
    let jobs = if runner {
        suku::jobs::spawn(state.clone(), suku::app::jobs())
    } else {
        tokio::spawn(async {})
    };
    Suku {
        url,
        state,
        task,
        jobs,
    }
}

async fn with_paygate() -> (Served, TestApp, Suku) {
    with_paygate_waiting(15, true).await
}

/// PayGate, with Suku waiting at most `timeout_secs` for its answers, its job runner on
/// or off.
async fn with_paygate_waiting(timeout_secs: u64, runner: bool) -> (Served, TestApp, Suku) {
    let pg = fake_providers::paygate().await;
    let url = pg.url.clone();
    let app = TestApp::with_config(move |c| {
        c.momo.provider = "paygate".into();
        c.momo.paygate_url = url;
        c.momo.paygate_token = Secret("pg-token".into());
        c.momo.timeout_secs = timeout_secs;
    })
    .await;
    seed_fees(&app).await;
    let suku = serve_with(&app, runner).await;
    pg.fake.sw.lock().unwrap().callback_url =
        Some(format!("{}/paiements/rappel/paygate", suku.url));
    (pg, app, suku)
}

/// FedaPay, with Suku's job runner on or off.
async fn with_fedapay(runner: bool) -> (Served, TestApp, Suku) {
    let fp = fake_providers::fedapay("whsec_test").await;
    let url = fp.url.clone();
    let app = TestApp::with_config(move |c| {
        c.momo.provider = "fedapay".into();
        c.momo.fedapay_url = url;
        c.momo.fedapay_key = Secret("sk_sandbox_test".into());
        c.momo.fedapay_webhook_secret = Secret("whsec_test".into());
        c.momo.timeout_secs = 1;
    })
    .await;
    seed_fees(&app).await;
    let suku = serve_with(&app, runner).await;
    fp.fake.sw.lock().unwrap().callback_url =
        Some(format!("{}/paiements/rappel/fedapay", suku.url));
    (fp, app, suku)
}

/// The pay form's hidden key.
fn key_of(body: &str) -> String {
    let at = body.find("name=\"key\" value=\"").expect("key field") + 18;
    body[at..at + 32].to_string()
}

/// Parent 1 asks to pay `amount` for S1 (who owes 45 000); returns the attempt's id.
async fn pay(app: &TestApp, p: &mut Client, amount: &str) -> (i64, String) {
    let page = p
        .get(&format!("/parent/enfants/{}/paiement", app.f.s1))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let key = key_of(&page.body);
    let r = p
        .post(
            &format!("/parent/enfants/{}/paiement", app.f.s1),
            &[
                ("amount", amount),
                ("network", "tmoney"),
                ("phone", "90 11 22 33"),
                ("key", &key),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = r.location().rsplit('/').next().unwrap().parse().unwrap();
    (id, key)
}

async fn state_of(app: &TestApp, id: i64) -> String {
    let (s,): (String,) = sqlx::query_as("SELECT state FROM momo_payments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    s
}

/// Waits until attempt `id` reaches `state` (the job runner sends and checks behind the
/// requests; it looks for work every second).
async fn until(app: &TestApp, id: i64, state: &str) {
    for _ in 0..200 {
        if state_of(app, id).await == state {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("attempt {id} is {}, not {state}", state_of(app, id).await);
}

/// Runs the jobs that are due now on `state` (a node without its own runner).
async fn run_ready_jobs(state: &AppState) {
    let registry = suku::app::jobs();
    while suku::jobs::run_once(state, &registry, "t").await.unwrap() {}
}

/// Makes every queued job due, and runs them all on `state` (a served node).
async fn run_due_jobs(app: &TestApp, state: &AppState) {
    sqlx::query("UPDATE jobs SET run_after = $1 WHERE state = 'queued'")
        .bind(state.clock.now() - chrono::Duration::seconds(1))
        .execute(&app.db.pool)
        .await
        .unwrap();
    let registry = suku::app::jobs();
    while suku::jobs::run_once(state, &registry, "t").await.unwrap() {}
}

/// Waits until the status check a callback asked for attempt `id` has run.
async fn until_checked(app: &TestApp, id: i64) {
    for _ in 0..200 {
        let (asked,): (Option<String>,) = sqlx::query_as(
            "SELECT CAST(check_requested_at AS TEXT) FROM momo_payments WHERE id = $1",
        )
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
        // Any asked check still to run (the tests have one attempt in flight at a time).
        let running = scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM jobs WHERE kind = 'mobile_money.check' AND state IN ('queued', 'running') \
             AND payload LIKE '%\"asked\"%'",
            None,
        )
        .await;
        if asked.is_none() && running == 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the check asked for attempt {id} did not run");
}

async fn identifier(app: &TestApp, id: i64) -> String {
    let (s,): (String,) = sqlx::query_as("SELECT identifier FROM momo_payments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    s
}

async fn receipts(app: &TestApp) -> i64 {
    scalar(
        &app.db.pool,
        "SELECT COUNT(*) FROM payments WHERE method = 'mobile_money'",
        None,
    )
    .await
}

/// The ledger's invariant: every credited attempt has its receipt of the same amount, the
/// mobile money receipts are exactly those, and no invoice is paid beyond what it asks.
async fn ledger_holds(app: &TestApp) {
    let pool = &app.db.pool;
    let credited = scalar(
        pool,
        "SELECT CAST(COALESCE(SUM(p.amount), 0) AS BIGINT) FROM momo_payments m JOIN payments p ON p.id = m.payment_id \
         WHERE m.state = 'paid'",
        None,
    )
    .await;
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM momo_payments m JOIN payments p ON p.id = m.payment_id \
             WHERE m.resolution IS NULL AND p.amount <> m.amount",
            None
        )
        .await,
        0,
        "credited as asked, unless the bursar decided otherwise"
    );
    let receipts = scalar(
        pool,
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM payments WHERE method = 'mobile_money'",
        None,
    )
    .await;
    let entries = scalar(
        pool,
        "SELECT CAST(COALESCE(-SUM(l.amount), 0) AS BIGINT) FROM ledger_entries l JOIN payments p ON p.id = l.payment_id \
         WHERE p.method = 'mobile_money' AND l.kind = 'payment'",
        None,
    )
    .await;
    assert_eq!(
        credited, receipts,
        "credited attempts = mobile money receipts"
    );
    assert_eq!(receipts, entries, "receipts = their ledger entries");
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM momo_payments WHERE state = 'paid' AND payment_id IS NULL",
            None
        )
        .await,
        0,
        "a paid attempt has its receipt"
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM invoices i WHERE (SELECT SUM(l.amount) FROM ledger_entries l WHERE l.invoice_id = i.id) < 0",
            None
        )
        .await,
        0,
        "no invoice is overpaid"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_pays_a_tranche_once_whatever_the_callbacks_do() {
    let (pg, app, _suku) = with_paygate().await;
    let mut p = app.login_as("parent_1").await;
    // The child's page offers to pay; the network is guessed from the parent's number.
    let child = p.get(&format!("/parent/enfants/{}", app.f.s1)).await;
    assert!(child.body.contains("id=\"momo-pay\""));
    // 20 000 of the 45 000 owed: a second credit would still fit, so only the attempt's
    // own state can stop it.
    let (id, key) = pay(&app, &mut p, "20 000").await;
    // The form answers at once: the provider is asked behind it, and the waiting page follows.
    until(&app, id, "pending").await;
    let ident = identifier(&app, id).await;
    let tx = pg.fake.tx(&ident).expect("the provider registered it");
    assert_eq!(
        (tx.amount, tx.phone.as_str(), tx.network.as_str()),
        (20_000, "90112233", "TMONEY")
    );
    assert_eq!(state_of(&app, id).await, "pending");
    // The same form sent again (a double tap, a refresh): the same attempt, no new call.
    let again = p
        .post(
            &format!("/parent/enfants/{}/paiement", app.f.s1),
            &[
                ("amount", "25000"),
                ("network", "tmoney"),
                ("phone", "90112233"),
                ("key", &key),
            ],
        )
        .await;
    assert_eq!(again.location(), format!("/paiements/{id}"));
    assert_eq!(pg.fake.calls("pay"), 1);
    // The waiting page says what to do on the phone.
    let waiting = p.get(&format!("/paiements/{id}")).await;
    assert!(
        waiting.plain().contains("En attente de validation"),
        "{}",
        waiting.plain()
    );
    // A forged callback while the parent has not approved (PayGate calls back only once
    // paid): checked with PayGate, nothing credited.
    let early = pg.fake.paygate_callback(&ident);
    assert_eq!(pg.fake.send(&early, &[]).await, 200);
    until_checked(&app, id).await;
    assert_eq!(state_of(&app, id).await, "pending");
    assert_eq!(receipts(&app).await, 0);
    // The parent approves; the operator calls back, and the same callback comes twice more.
    pg.fake.settle(&ident, 0);
    assert_eq!(pg.fake.paygate_notify(&ident).await, Some(200));
    let paid = pg.fake.paygate_callback(&ident);
    for _ in 0..2 {
        assert_eq!(pg.fake.send(&paid, &[]).await, 200);
    }
    until(&app, id, "paid").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(receipts(&app).await, 1, "credited once");
    let balance = scalar(
        &app.db.pool,
        "SELECT CAST(SUM(amount) AS BIGINT) FROM ledger_entries WHERE student_id = $1",
        Some(app.f.s1),
    )
    .await;
    assert_eq!(balance, 25_000);
    // The page leads to the receipt, numbered, with the operator's reference.
    let done = p.get(&format!("/paiements/{id}/etat")).await;
    assert!(done.body.contains("id=\"receipt-link\""), "{}", done.body);
    let (receipt,): (i64,) = sqlx::query_as("SELECT payment_id FROM momo_payments WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    let r = p.get(&format!("/recus/{receipt}")).await;
    assert!(r.plain().contains(&tx.payment_reference), "{}", r.plain());
    // It names the parent who paid, the network and the number (masked), and says that
    // the money came by mobile money rather than leaving the cashier blank.
    let text = r.plain();
    for what in [
        "Versé par AGBODJAN Adjoa (T-Money +228 90 •• •• 33)",
        "Mobile money · T-Money · ",
        "Encaissé par : paiement mobile (T-Money)",
    ] {
        assert!(text.contains(what), "{what} missing from: {text}");
    }
    assert!(!text.contains("Caissier"), "{text}");
    assert!(!text.contains("+22890112233") && !text.contains("90 11 22 33"));
    let pdf = p.get(&format!("/recus/{receipt}/pdf")).await;
    let pdf_text = pdf_extract::extract_text_from_mem(&pdf.bytes)
        .unwrap()
        .replace(['\u{a0}', '\u{202f}'], " ");
    assert!(
        pdf_text.contains("paiement mobile (T-Money)") && pdf_text.contains("AGBODJAN Adjoa"),
        "{pdf_text}"
    );
    // Every callback is kept, with what became of it.
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM momo_callbacks WHERE payment_id = $1",
            Some(id)
        )
        .await,
        4
    );
    // The parent and the bursar are told.
    suku::events::dispatch(
        &app.db.pool,
        &suku::notifications::Notifier::new(&app.state),
        100,
        crate::helpers::now(),
    )
    .await
    .unwrap();
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM notifications WHERE text_key = 'notif-momo-paid' AND user_id = $1", Some(app.f.bursar)).await,
        1
    );
    ledger_holds(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_and_forged_callbacks_credit_nothing() {
    let (pg, app, suku) = with_paygate().await;
    let mut p = app.login_as("parent_1").await;
    let url = format!("/parent/enfants/{}/paiement", app.f.s1);
    let key = key_of(&p.get(&url).await.body);
    // More than owed, a bad number, no network, a typing mistake: 422, named, nothing sent.
    for (amount, network, phone, field, text) in [
        (
            "50000",
            "tmoney",
            "90112233",
            "amount",
            "Le montant dépasse ce qui reste à payer",
        ),
        ("25000", "tmoney", "12", "phone", ""),
        // A fixed line holds no wallet.
        (
            "25000",
            "tmoney",
            "22 21 43 65",
            "phone",
            "Ce numéro est une ligne fixe",
        ),
        (
            "25000",
            "",
            "90112233",
            "network",
            "Choisissez Flooz ou T-Money.",
        ),
        ("25,5", "flooz", "99112233", "amount", ""),
    ] {
        let r = p
            .post(
                &url,
                &[
                    ("amount", amount),
                    ("network", network),
                    ("phone", phone),
                    ("key", &key),
                ],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{amount} {network} {phone}"
        );
        assert!(
            r.body.contains(&format!("id=\"{field}-err\"")),
            "{field}: {}",
            r.body
        );
        if !text.is_empty() {
            assert!(r.plain().contains(text), "{}", r.plain());
        }
    }
    assert_eq!(pg.fake.calls("pay"), 0);
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM momo_payments", None).await,
        0
    );
    // A forged callback for an unknown payment: kept, acknowledged, nothing else.
    let forged = json!({ "tx_reference": "1", "identifier": "SUKU-FORGED", "amount": 45000, "payment_reference": "X" });
    assert_eq!(pg.fake.send(&forged, &[]).await, 200);
    // Garbage.
    let r = reqwest::Client::new()
        .post(format!("{}/paiements/rappel/paygate", suku.url))
        .body("not a callback")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    // A provider that is not ours.
    let r = reqwest::Client::new()
        .post(format!("{}/paiements/rappel/fedapay", suku.url))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    // A forged "paid" callback for a real attempt the parent never approved: the status
    // check says pending; nothing is credited.
    let (id, _) = pay(&app, &mut p, "45000").await;
    until(&app, id, "pending").await;
    let ident = identifier(&app, id).await;
    let mut lie = pg.fake.paygate_callback(&ident);
    lie["payment_reference"] = json!("FAKE-OK");
    assert_eq!(pg.fake.send(&lie, &[]).await, 200);
    until_checked(&app, id).await;
    assert_eq!(state_of(&app, id).await, "pending");
    let verdicts: Vec<(String,)> = sqlx::query_as("SELECT verdict FROM momo_callbacks ORDER BY id")
        .fetch_all(&app.db.pool)
        .await
        .unwrap();
    let verdicts: Vec<&str> = verdicts.iter().map(|v| v.0.as_str()).collect();
    assert_eq!(verdicts, ["unknown", "unreadable", "to-check"]);
    // Another family's parent cannot pay for S1 or see this attempt.
    let mut other = app.login_as("parent_2").await;
    assert_eq!(other.get(&url).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        other.get(&format!("/paiements/{id}")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other.get(&format!("/paiements/{id}/etat")).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        other.get(&format!("/paiements/demo/{ident}")).await.status,
        StatusCode::NOT_FOUND,
        "not the demo provider"
    );
    assert_eq!(receipts(&app).await, 0);
    ledger_holds(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_amount_goes_to_the_bursar_who_decides() {
    let (fp, app, _suku) = with_fedapay(true).await;
    let mut p = app.login_as("parent_1").await;
    let (id, _) = pay(&app, &mut p, "25000").await;
    until(&app, id, "pending").await;
    let ident = identifier(&app, id).await;
    // The operator collected 20 000 on the transaction (its own records say so, signed).
    fp.fake.settle(&ident, 0);
    fp.fake
        .txs
        .lock()
        .unwrap()
        .iter_mut()
        .for_each(|t| t.amount = 20_000);
    assert_eq!(fp.fake.fedapay_deliver(&ident).await, 200);
    until(&app, id, "review").await;
    assert_eq!(receipts(&app).await, 0, "not credited");
    // The bursar sees it in the review queue, and credits what was collected.
    let mut b = app.login_as("bursar").await;
    let list = b.get("/admin/mobile-money?etat=review").await;
    assert!(
        list.plain().contains("montant différent de celui demandé"),
        "{}",
        list.plain()
    );
    // Its tab is the current one, and flagged while an attempt waits there.
    assert!(
        list.body
            .contains(r#"<a href="/admin/mobile-money?etat=review" aria-current="page">"#),
        "{}",
        list.body
    );
    assert!(list.body.contains(r#"class="badge warn""#), "{}", list.body);
    // The tab exports as a table: every attempt it selects, with its references.
    let csv = b.get("/admin/mobile-money?etat=review&format=csv").await;
    assert_eq!(csv.status, axum::http::StatusCode::OK);
    assert!(csv.body.contains(&ident), "{}", csv.body);
    assert!(csv.body.contains("Réseau"), "{}", csv.body);
    let none = b.get("/admin/mobile-money?etat=failed&format=csv").await;
    assert!(!none.body.contains(&ident), "{}", none.body);
    let r = b
        .post(
            &format!("/admin/mobile-money/{id}/decision"),
            &[
                ("decision", "credit"),
                ("amount", "20 000"),
                ("note", "relevé de l'opérateur"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, id).await, "paid");
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT CAST(SUM(amount) AS BIGINT) FROM payments WHERE method = 'mobile_money'",
            None
        )
        .await,
        20_000
    );
    // A decision cannot be made twice.
    let r = b
        .post(
            &format!("/admin/mobile-money/{id}/decision"),
            &[("decision", "credit")],
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(receipts(&app).await, 1);
    // The secretary, a teacher and parents cannot reach these screens.
    for who in ["secretary", "teacher_a", "parent_1"] {
        let mut c = app.login_as(who).await;
        assert_eq!(
            c.get("/admin/mobile-money").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    ledger_holds(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_callback_before_the_pay_answer_and_a_slow_provider() {
    let (pg, app, _suku) = with_paygate().await;
    {
        let mut sw = pg.fake.sw.lock().unwrap();
        sw.pay_at_once = true;
        sw.delay = Duration::from_millis(200);
    }
    let mut p = app.login_as("parent_1").await;
    let (id, _) = pay(&app, &mut p, "30000").await;
    until(&app, id, "paid").await;
    // The pay answer came after the callback: it did not move the attempt back.
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(state_of(&app, id).await, "paid");
    assert_eq!(receipts(&app).await, 1);
    ledger_holds(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_reconciler_credits_once_after_a_crash_and_expires_what_never_came() {
    let (pg, app, suku) = with_paygate().await;
    let mut p = app.login_as("parent_1").await;
    // The provider accepts, then the process stops before any callback.
    let (id, _) = pay(&app, &mut p, "25000").await;
    until(&app, id, "pending").await;
    let ident = identifier(&app, id).await;
    drop(suku);
    pg.fake.sw.lock().unwrap().callback_url = None;
    pg.fake.settle(&ident, 0);
    // A new process: its job runner finds the durable check and asks the provider.
    let restarted = serve_with(&app, false).await;
    // The provider is briefly down: the check fails, and a later one succeeds.
    pg.fake.sw.lock().unwrap().status_errors = 1;
    for _ in 0..2 {
        run_due_jobs(&app, &restarted.state).await;
    }
    assert_eq!(state_of(&app, id).await, "paid");
    assert_eq!(receipts(&app).await, 1);
    // Checks do not go on for a settled payment, and running everything again credits nothing.
    run_due_jobs(&app, &restarted.state).await;
    assert_eq!(receipts(&app).await, 1);
    // An attempt the provider never registers (it answers 500 each time) is tried, checked,
    // then expires.
    pg.fake.sw.lock().unwrap().pay_errors = 10;
    let (lost, _) = pay(&app, &mut p, "5000").await;
    run_due_jobs(&app, &restarted.state).await;
    assert_eq!(state_of(&app, lost).await, "created");
    sqlx::query("UPDATE momo_payments SET expires_at = $1 WHERE id = $2")
        .bind(app.state.clock.now() - chrono::Duration::seconds(1))
        .bind(lost)
        .execute(&app.db.pool)
        .await
        .unwrap();
    run_due_jobs(&app, &restarted.state).await;
    assert_eq!(state_of(&app, lost).await, "expired");
    let page = p.get(&format!("/paiements/{lost}/etat")).await;
    assert!(page.plain().contains("Recommencer"), "{}", page.plain());
    ledger_holds(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fedapay_webhooks_are_signed_and_credit_once() {
    let (fp, app, _suku) = with_fedapay(true).await;
    let school = suku::settings::SchoolSettings {
        email: "contact@ecole.tg".into(),
        ..Default::default()
    };
    suku::settings::store(&app.db.pool, "school", &school)
        .await
        .unwrap();
    let mut p = app.login_as("parent_1").await;
    let (id, _) = pay(&app, &mut p, "45000").await;
    until(&app, id, "pending").await;
    let ident = identifier(&app, id).await;
    assert_eq!(fp.fake.calls("create"), 1);
    assert_eq!(
        fp.fake.calls("send-togocel"),
        1,
        "T-Money goes through togocel, at POST /v1/togocel"
    );
    // What FedaPay was sent: our identifier in custom_metadata, the customer with an e-mail
    // (the parent has none: the school's) and the national number in Togo.
    let t = fp.fake.tx(&ident).unwrap().fedapay.unwrap();
    assert_eq!(t.custom_metadata["suku_identifier"], ident.as_str());
    assert_eq!(t.customer["email"], "contact@ecole.tg");
    assert_eq!(t.customer["phone_number"]["number"], "90112233");
    assert_eq!(t.customer["phone_number"]["country"], "tg");
    // Its id is kept: the reconciler asks FedaPay by it.
    let (kept,): (Option<String>,) =
        sqlx::query_as("SELECT provider_ref FROM momo_payments WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!(kept, Some(fp.fake.tx(&ident).unwrap().id.to_string()));
    fp.fake.settle(&ident, 0);
    let body = serde_json::to_vec(&fp.fake.fedapay_event(&ident)).unwrap();
    let now = chrono::Utc::now().timestamp();
    // Unsigned, signed with another secret, or too old: refused, nothing credited.
    assert_eq!(fp.fake.send_raw(body.clone(), &[]).await, 401);
    let wrong = fedapay_signature("another", now, &body);
    assert_eq!(
        fp.fake
            .send_raw(body.clone(), &[("x-fedapay-signature", wrong)])
            .await,
        401
    );
    let stale = fedapay_signature("whsec_test", now - 3600, &body);
    assert_eq!(
        fp.fake
            .send_raw(body.clone(), &[("x-fedapay-signature", stale)])
            .await,
        401
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(state_of(&app, id).await, "pending");
    // Signed: credited, once, however often it comes.
    let good = fedapay_signature("whsec_test", now, &body);
    for _ in 0..3 {
        assert_eq!(
            fp.fake
                .send_raw(body.clone(), &[("x-fedapay-signature", good.clone())])
                .await,
            200
        );
    }
    until(&app, id, "paid").await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(receipts(&app).await, 1);
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM momo_callbacks WHERE verdict = 'bad-signature'",
            None
        )
        .await,
        3
    );
    ledger_holds(&app).await;
}

#[tokio::test]
async fn without_a_provider_the_portal_says_so() {
    let app = TestApp::new().await;
    seed_fees(&app).await;
    let mut p = app.login_as("parent_1").await;
    let child = p.get(&format!("/parent/enfants/{}", app.f.s1)).await;
    assert!(!child.body.contains("id=\"momo-pay\""));
    let page = p
        .get(&format!("/parent/enfants/{}/paiement", app.f.s1))
        .await;
    assert!(
        page.plain().contains("pas encore disponible"),
        "{}",
        page.plain()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_on_the_phone_closes_the_attempt_and_tells_the_parent() {
    let (pg, app, _suku) = with_paygate().await;
    let mut p = app.login_as("parent_1").await;
    let (id, _) = pay(&app, &mut p, "15000").await;
    until(&app, id, "pending").await;
    let ident = identifier(&app, id).await;
    // The parent refuses on the phone (PayGate: 6, cancelled); the callback says so.
    pg.fake.settle(&ident, 6);
    let cb = pg.fake.paygate_callback(&ident);
    assert_eq!(pg.fake.send(&cb, &[]).await, 200);
    until(&app, id, "cancelled").await;
    // A late "paid" claim for it is checked: the provider still says cancelled.
    assert_eq!(pg.fake.send(&cb, &[]).await, 200);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(state_of(&app, id).await, "cancelled");
    let page = p.get(&format!("/paiements/{id}/etat")).await;
    assert!(
        page.plain().contains("refusé sur le téléphone"),
        "{}",
        page.plain()
    );
    // What was open is payable again.
    let form = p
        .get(&format!("/parent/enfants/{}/paiement", app.f.s1))
        .await;
    assert!(form.plain().contains("45"), "{}", form.plain());
    suku::events::dispatch(
        &app.db.pool,
        &suku::notifications::Notifier::new(&app.state),
        100,
        crate::helpers::now(),
    )
    .await
    .unwrap();
    for user in [app.f.parent_1, app.f.bursar] {
        assert_eq!(
            scalar(
                &app.db.pool,
                "SELECT COUNT(*) FROM notifications WHERE text_key = 'notif-momo-failed' AND user_id = $1",
                Some(user)
            )
            .await,
            1
        );
    }
    assert_eq!(receipts(&app).await, 0);
    ledger_holds(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pay_call_that_times_out_but_went_through_is_found_by_its_identifier() {
    let (pg, app, suku) = with_paygate_waiting(1, false).await;
    // The provider takes 1.5 s to answer: Suku gives up after 1 s, but the collection is
    // registered, and the parent approves it.
    pg.fake.sw.lock().unwrap().delay = Duration::from_millis(1500);
    pg.fake.sw.lock().unwrap().callback_url = None;
    let mut p = app.login_as("parent_1").await;
    let (id, _) = pay(&app, &mut p, "10000").await;
    run_ready_jobs(&suku.state).await;
    assert_eq!(state_of(&app, id).await, "created");
    let (error,): (Option<String>,) =
        sqlx::query_as("SELECT last_error FROM momo_payments WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert!(error.unwrap_or_default().contains("timeout"));
    tokio::time::sleep(Duration::from_millis(700)).await;
    let ident = identifier(&app, id).await;
    pg.fake.settle(&ident, 0);
    pg.fake.sw.lock().unwrap().delay = Duration::ZERO;
    // The start is tried again: PayGate knows the identifier (status 6), so nothing is
    // registered twice; the reconciler asks by our identifier, and credits it.
    run_due_jobs(&app, &suku.state).await;
    assert_eq!(state_of(&app, id).await, "paid");
    assert_eq!(pg.fake.calls("pay"), 2, "tried again");
    assert_eq!(pg.fake.txs_for(&ident).len(), 1, "registered once");
    assert_eq!(receipts(&app).await, 1);
    ledger_holds(&app).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn money_sent_back_is_never_credited_afterwards() {
    let (fp, app, _suku) = with_fedapay(true).await;
    let mut p = app.login_as("parent_1").await;
    let (id, _) = pay(&app, &mut p, "25000").await;
    until(&app, id, "pending").await;
    let ident = identifier(&app, id).await;
    // FedaPay says, signed, that 2 500 000 were collected: held for the bursar, who sends
    // the money back.
    fp.fake.settle(&ident, 0);
    fp.fake
        .txs
        .lock()
        .unwrap()
        .iter_mut()
        .for_each(|t| t.amount = 2_500_000);
    assert_eq!(fp.fake.fedapay_deliver(&ident).await, 200);
    until(&app, id, "review").await;
    let mut b = app.login_as("bursar").await;
    let r = b
        .post(
            &format!("/admin/mobile-money/{id}/decision"),
            &[
                ("decision", "refund"),
                ("note", "remboursé par l'opérateur"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(state_of(&app, id).await, "failed");
    // Neither a new webhook nor a check with the provider (which still says approved)
    // credits it.
    assert_eq!(fp.fake.fedapay_deliver(&ident).await, 200);
    let r = b
        .post(&format!("/admin/mobile-money/{id}/verification"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(state_of(&app, id).await, "failed");
    assert_eq!(receipts(&app).await, 0);
    ledger_holds(&app).await;
}

/// PayGate's callback is not signed, and its status answer carries no amount: an amount in
/// a callback is anyone's word. A callback that claims another amount neither holds a
/// confirmed payment for the bursar nor changes what is credited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unsigned_amount_is_never_believed() {
    let (pg, app, _suku) = with_paygate().await;
    let mut p = app.login_as("parent_1").await;
    let (id, _) = pay(&app, &mut p, "25000").await;
    until(&app, id, "pending").await;
    let ident = identifier(&app, id).await;
    pg.fake.settle(&ident, 0);
    let mut cb = pg.fake.paygate_callback(&ident);
    cb["amount"] = json!(2_500_000);
    assert_eq!(pg.fake.send(&cb, &[]).await, 200);
    until(&app, id, "paid").await;
    let (paid_amount, reason): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT paid_amount, review_reason FROM momo_payments WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .unwrap();
    assert_eq!((paid_amount, reason), (None, None));
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT CAST(SUM(amount) AS BIGINT) FROM payments WHERE method = 'mobile_money'",
            None
        )
        .await,
        25_000,
        "what was asked, as PayGate's status confirms"
    );
    ledger_holds(&app).await;
}

/// A FedaPay start whose answers are lost, one step at a time (FedaPay did the work, the
/// answer never came): the payment is still collected once and credited once, and the
/// parent's phone is never asked twice.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fedapay_start_whose_answers_are_lost_credits_once() {
    use crate::fake_providers::Fault;
    for step in ["create", "token", "send"] {
        let (fp, app, suku) = with_fedapay(false).await;
        {
            let mut sw = fp.fake.sw.lock().unwrap();
            let lost = vec![Fault::ActThenDrop];
            match step {
                "create" => sw.create_faults = lost,
                "token" => sw.token_faults = lost,
                _ => sw.send_faults = lost,
            }
        }
        let mut p = app.login_as("parent_1").await;
        let (id, _) = pay(&app, &mut p, "45000").await;
        // The first try loses its answer; the runner tries the job again (as it would after
        // its backoff) until the request has left.
        for _ in 0..3 {
            run_due_jobs(&app, &suku.state).await;
            if state_of(&app, id).await != "created" {
                break;
            }
        }
        assert_eq!(state_of(&app, id).await, "pending", "{step}");
        let ident = identifier(&app, id).await;
        let pushes: usize = fp
            .fake
            .txs_for(&ident)
            .iter()
            .map(|t| t.fedapay.as_ref().map_or(0, |f| f.pushes))
            .sum();
        assert_eq!(pushes, 1, "{step}: the phone rang once");
        // The parent approves on the phone; FedaPay's webhook comes (twice), and the
        // reconciler asks too: one receipt.
        fp.fake.settle(&ident, 0);
        for _ in 0..2 {
            assert_eq!(fp.fake.fedapay_deliver(&ident).await, 200, "{step}");
        }
        run_due_jobs(&app, &suku.state).await;
        assert_eq!(state_of(&app, id).await, "paid", "{step}");
        assert_eq!(receipts(&app).await, 1, "{step}: credited once");
        ledger_holds(&app).await;
    }
}

/// Without its webhook (lost, or FedaPay down when it fired), a FedaPay payment is found by
/// the transaction id Suku kept at creation: FedaPay publishes no lookup by our reference.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fedapay_payment_without_webhook_is_found_by_its_id() {
    let (fp, app, suku) = with_fedapay(false).await;
    let mut p = app.login_as("parent_1").await;
    let (id, _) = pay(&app, &mut p, "45000").await;
    run_ready_jobs(&suku.state).await;
    assert_eq!(state_of(&app, id).await, "pending");
    let ident = identifier(&app, id).await;
    fp.fake.settle(&ident, 0);
    // The first check finds FedaPay down; the next one succeeds.
    fp.fake.sw.lock().unwrap().get_faults = vec![crate::fake_providers::Fault::Status(503)];
    for _ in 0..2 {
        run_due_jobs(&app, &suku.state).await;
    }
    assert_eq!(state_of(&app, id).await, "paid");
    assert_eq!(receipts(&app).await, 1);
    ledger_holds(&app).await;
}

/// Anyone may post to the callback address: a flood is kept within limits and queues no
/// more checks than one at a time per attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_callbacks_is_bounded() {
    let (pg, app, suku) = with_paygate_waiting(15, false).await;
    let mut p = app.login_as("parent_1").await;
    let (id, _) = pay(&app, &mut p, "45000").await;
    run_ready_jobs(&suku.state).await;
    let ident = identifier(&app, id).await;
    let cb = pg.fake.paygate_callback(&ident);
    for _ in 0..120 {
        assert_eq!(pg.fake.send(&cb, &[]).await, 200);
    }
    for n in 0..200 {
        let forged =
            json!({ "tx_reference": n.to_string(), "identifier": format!("SUKU-{n:016}") });
        assert_eq!(pg.fake.send(&forged, &[]).await, 200);
    }
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM jobs WHERE kind = 'mobile_money.check' AND payload LIKE '%\"asked\"%'",
            None
        )
        .await,
        1,
        "one check waits for the attempt"
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM momo_callbacks WHERE payment_id = $1",
            Some(id)
        )
        .await,
        50
    );
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM momo_callbacks WHERE payment_id IS NULL",
            None
        )
        .await,
        60
    );
    // The check runs; the next callback may ask again.
    run_ready_jobs(&suku.state).await;
    assert_eq!(pg.fake.send(&cb, &[]).await, 200);
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM jobs WHERE kind = 'mobile_money.check' AND payload LIKE '%\"asked\"%'",
            None
        )
        .await,
        2
    );
}
