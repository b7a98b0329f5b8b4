//! Fees: settings, billing at enrollment, desk payments allocated to the oldest tranche,
//! receipts that cannot be edited, reversals, discounts, arrears, the daily cash report,
//! and a ledger that always sums to the balances.

use axum::http::StatusCode;

use crate::helpers::{TestApp, scalar, seed_fees};

const LEDGER_SUM: &str =
    "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_entries WHERE student_id = $1";
const REMAINING: &str = "SELECT CAST(COALESCE(SUM(l.amount), 0) AS BIGINT) FROM ledger_entries l \
     JOIN invoices i ON i.id = l.invoice_id WHERE i.student_id = $1";

/// Every balance is the sum of its ledger entries, and no invoice is paid beyond its amount.
async fn assert_ledger_consistent(app: &TestApp) {
    let pool = &app.db.pool;
    for s in [app.f.s1, app.f.s2, app.f.s3] {
        assert_eq!(
            scalar(pool, LEDGER_SUM, Some(s)).await,
            scalar(pool, REMAINING, Some(s)).await,
            "student {s}"
        );
        assert_eq!(
            scalar(pool, LEDGER_SUM, Some(s)).await,
            suku::fees::repo::balance(pool, s).await.unwrap()
        );
    }
    let over = scalar(
        pool,
        "SELECT COUNT(*) FROM invoices i WHERE (SELECT SUM(l.amount) FROM ledger_entries l WHERE l.invoice_id = i.id) < 0 \
         OR (SELECT SUM(l.amount) FROM ledger_entries l WHERE l.invoice_id = i.id) > i.amount",
        None,
    )
    .await;
    assert_eq!(over, 0, "an invoice is overpaid or over-owed");
}

#[tokio::test]
async fn bursar_sets_fees_and_enrollment_bills_the_student() {
    let app = TestApp::new().await;
    let pool = &app.db.pool;
    let mut b = app.login_as("bursar").await;
    let r = b
        .post(
            "/admin/frais/types",
            &[("code", "Scolarité"), ("name", "Scolarité")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (fee_type, code): (i64, String) = sqlx::query_as("SELECT id, code FROM fee_types")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(code, "scolarite");
    let (level,): (i64,) = sqlx::query_as("SELECT level_id FROM classes WHERE id = $1")
        .bind(app.f.class_a)
        .fetch_one(pool)
        .await
        .unwrap();
    let (level, fee_type) = (level.to_string(), fee_type.to_string());
    // Bad amounts are explained in words and nothing is saved.
    for (amount, msg) in [
        ("12,5", "pas de centimes"),
        ("0", "supérieur à zéro"),
        ("douze", "en chiffres"),
    ] {
        let r = b
            .post(
                "/admin/frais/tranches",
                &[
                    ("level_id", &level),
                    ("fee_type_id", &fee_type),
                    ("label", "1re tranche"),
                    ("amount", amount),
                    ("due_on", "2026-10-15"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{amount}");
        assert!(r.plain().contains(msg), "{amount}: {}", r.plain());
    }
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM fee_tranches", None).await,
        0
    );
    for (label, amount, due) in [
        ("1re tranche", "30 000", "2026-10-15"),
        ("2e tranche", "25.000", "15/01/2027"),
    ] {
        let r = b
            .post(
                "/admin/frais/tranches",
                &[
                    ("level_id", &level),
                    ("fee_type_id", &fee_type),
                    ("label", label),
                    ("amount", amount),
                    ("due_on", due),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    }
    let page = b.get("/admin/frais").await;
    assert!(
        page.plain().contains("Total annuel : 55 000 FCFA"),
        "{}",
        page.plain()
    );
    // Billing the level writes one invoice per student and tranche, once.
    let r = b
        .post("/admin/frais/facturation", &[("level_id", &level)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        b.get("/admin/frais")
            .await
            .plain()
            .contains("6 factures créées.")
    );
    b.post("/admin/frais/facturation", &[]).await;
    assert!(
        b.get("/admin/frais")
            .await
            .plain()
            .contains("Aucune nouvelle facture")
    );
    assert_eq!(scalar(pool, "SELECT COUNT(*) FROM invoices", None).await, 6);
    // A tranche already billed cannot be deleted.
    let (t1,): (i64,) = sqlx::query_as("SELECT id FROM fee_tranches ORDER BY id LIMIT 1")
        .fetch_one(pool)
        .await
        .unwrap();
    b.post(&format!("/admin/frais/tranches/{t1}/suppression"), &[])
        .await;
    assert_eq!(
        scalar(pool, "SELECT COUNT(*) FROM fee_tranches", None).await,
        2
    );

    // The secretary enrolls a new student: the invoices come with the enrollment.
    let mut s = app.login_as("secretary").await;
    let r = s
        .post(
            "/admin/eleves",
            &[
                ("matricule", "T-009"),
                ("first_name", "Afi"),
                ("last_name", "Mensah"),
                ("sex", "F"),
                ("class_id", &app.f.class_a.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let (new_id,): (i64,) = sqlx::query_as("SELECT id FROM students WHERE matricule = 'T-009'")
        .fetch_one(pool)
        .await
        .unwrap();
    assert_eq!(
        suku::fees::repo::balance(pool, new_id).await.unwrap(),
        55_000
    );
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM school_events WHERE kind = 'invoice.created' AND (payload LIKE '%\"student_id\":' || CAST($1 AS TEXT) || ',%' OR payload LIKE '%\"student_id\":' || CAST($1 AS TEXT) || '}%')",
            Some(new_id)
        )
        .await,
        2
    );
    // The secretary reads accounts but does not take money.
    let acc = s.get(&format!("/admin/eleves/{new_id}/frais")).await;
    assert_eq!(acc.status, StatusCode::OK);
    assert!(!acc.body.contains("/paiements"));
    let r = s
        .post(
            &format!("/admin/eleves/{new_id}/paiements"),
            &[("amount", "1000"), ("method", "especes")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_ledger_consistent(&app).await;
}

#[tokio::test]
async fn partial_payment_receipt_reversal_and_the_family_view() {
    let app = TestApp::new().await;
    let ff = seed_fees(&app).await;
    let pool = &app.db.pool;
    let s2 = app.f.s2;
    let mut b = app.login_as("bursar").await;
    let pay_url = format!("/admin/eleves/{s2}/paiements");
    let rows = || async {
        (
            scalar(pool, "SELECT COUNT(*) FROM payments", None).await,
            scalar(pool, "SELECT COUNT(*) FROM ledger_entries", None).await,
        )
    };
    let before = rows().await;
    // More than owed, a cheque without its number, a decimal amount: refused, nothing written.
    for (fields, msg) in [
        (
            vec![("amount", "60 000"), ("method", "especes")],
            "dépasse ce que doit l’élève (55 000 FCFA)",
        ),
        (
            vec![("amount", "5000"), ("method", "cheque")],
            "Indiquez la référence",
        ),
        (
            vec![("amount", "5000,50"), ("method", "especes")],
            "pas de centimes",
        ),
        (
            vec![("amount", "5000"), ("method", "bitcoin")],
            "Faites un choix",
        ),
    ] {
        let r = b.post(&pay_url, &fields).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{fields:?}");
        assert!(r.plain().contains(msg), "{fields:?}: {}", r.plain());
    }
    assert_eq!(rows().await, before);

    // 40 000: the first tranche (30 000) is settled, 10 000 go to the second. A receipt is
    // never edited: the form first shows what will be recorded, and records nothing.
    let account = b.get(&format!("/admin/eleves/{s2}/frais")).await;
    let at = account.body.find("name=\"key\" value=\"").expect("a key") + 18;
    let key = account.body[at..at + 32].to_string();
    let typed = [
        ("amount", "40 000"),
        ("method", "mobile_money"),
        ("reference", "TM2611240001"),
        ("payer", "Mme Agbodjan"),
        ("key", key.as_str()),
    ];
    let confirm = b.post(&pay_url, &typed).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.plain());
    let text = confirm.plain();
    for what in [
        "Confirmer le paiement",
        "40 000 FCFA",
        "quarante mille francs CFA",
        "AGBODJAN Sena",
        "Mme Agbodjan",
        "Mobile money · TM2611240001",
        "Scolarité · 1re tranche : 30 000 FCFA",
        "Scolarité · 2e tranche : 10 000 FCFA",
        "Reste à payer après ce paiement 15 000 FCFA",
    ] {
        assert!(text.contains(what), "{what} missing from: {text}");
    }
    assert!(confirm.body.contains("name=\"step\" value=\"confirm\""));
    assert!(
        confirm
            .body
            .contains(&format!("name=\"key\" value=\"{key}\"")),
        "the form's key goes on to the confirmation"
    );
    assert_eq!(rows().await, before, "nothing is written before Confirmer");
    // "Corriger" gives the form back as typed, with the same key.
    let mut back = typed.to_vec();
    back.push(("step", "edit"));
    let edit = b.post(&pay_url, &back).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("value=\"40 000\""));
    assert!(edit.body.contains(&format!("name=\"key\" value=\"{key}\"")));
    assert_eq!(rows().await, before);
    let mut confirmed = typed.to_vec();
    confirmed.push(("step", "confirm"));
    let r = b.post(&pay_url, &confirmed).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    // Confirmed twice (a double click, the page sent again): one receipt.
    let again = b.post(&pay_url, &confirmed).await;
    assert_eq!(again.location(), r.location());
    // The confirmation page sent again from the history leads to the receipt.
    let replay = b.post(&pay_url, &typed).await;
    assert_eq!(replay.location(), r.location());
    let receipt_url = r.location().to_string();
    let receipt = b.get(&receipt_url).await;
    let text = receipt.plain();
    assert!(text.contains("Reçu de paiement"));
    assert!(
        text.contains("quarante mille (40 000) francs CFA"),
        "{text}"
    );
    assert!(
        text.contains("Scolarité · 1re tranche 30 000 FCFA"),
        "{text}"
    );
    assert!(
        text.contains("Scolarité · 2e tranche 10 000 FCFA"),
        "{text}"
    );
    assert!(text.contains("Reste à payer à ce jour : 15 000 FCFA"));
    assert!(text.contains("TM2611240001"));
    let invoices = suku::fees::repo::invoices_of(pool, s2).await.unwrap();
    assert_eq!(
        invoices.iter().map(|i| i.remaining).collect::<Vec<_>>(),
        [0, 15_000]
    );
    let (pid, no): (i64, String) =
        sqlx::query_as("SELECT id, receipt_no FROM payments WHERE student_id = $1")
            .bind(s2)
            .fetch_one(pool)
            .await
            .unwrap();
    assert_eq!(no, "R2026-000003");
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM school_events WHERE kind = 'payment.recorded'",
            None
        )
        .await,
        3
    );

    // A receipt cannot be edited or deleted, not even by hand in the database.
    assert!(
        sqlx::query("UPDATE payments SET amount = 1 WHERE id = $1")
            .bind(pid)
            .execute(pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM payments WHERE id = $1")
            .bind(pid)
            .execute(pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("UPDATE ledger_entries SET amount = 1")
            .execute(pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM ledger_entries")
            .execute(pool)
            .await
            .is_err()
    );
    assert!(
        sqlx::query("DELETE FROM invoices")
            .execute(pool)
            .await
            .is_err()
    );

    // The parent sees the balance and the receipt; another family does not.
    let mut p1 = app.login_as("parent_1").await;
    let child = p1.get(&format!("/parent/enfants/{s2}")).await;
    assert!(child.plain().contains("15 000 FCFA"));
    assert!(child.body.contains(&no));
    assert_eq!(p1.get(&receipt_url).await.status, StatusCode::OK);
    let mut p2 = app.login_as("parent_2").await;
    let r = p2.get(&receipt_url).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(!r.body.contains(&no));
    let mut st = app.login_as("student").await;
    assert_eq!(
        st.get(&format!("/recus/{}", ff.receipt_s1)).await.status,
        StatusCode::FORBIDDEN
    );

    // A mistake is corrected by a reversing receipt: the balance comes back, the original stays.
    let r = b
        .post(&format!("/admin/recus/{pid}/annulation"), &[("reason", "")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM payments WHERE reverses_id IS NOT NULL",
            None
        )
        .await,
        0
    );
    let r = b
        .post(
            &format!("/admin/recus/{pid}/annulation"),
            &[("reason", "Erreur de montant")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let reversal = b.get(r.location()).await.plain();
    assert!(reversal.contains("Reçu d’annulation"));
    assert!(reversal.contains(&format!("Annulation du reçu n° {no}")));
    assert!(reversal.contains("−40 000 FCFA"));
    assert_eq!(suku::fees::repo::balance(pool, s2).await.unwrap(), 55_000);
    let original = b.get(&receipt_url).await.plain();
    assert!(
        original.contains("Annulé par le reçu n° R2026-000004"),
        "{original}"
    );
    assert!(original.contains("40 000 FCFA"));
    // Twice is refused.
    b.post(
        &format!("/admin/recus/{pid}/annulation"),
        &[("reason", "encore")],
    )
    .await;
    assert_eq!(
        scalar(
            pool,
            "SELECT COUNT(*) FROM payments WHERE reverses_id IS NOT NULL",
            None
        )
        .await,
        1
    );
    assert!(b.get(&receipt_url).await.plain().contains("déjà annulé"));
    // The statement shows both, and the audit log has the reversal.
    let account = b.get(&format!("/admin/eleves/{s2}/frais")).await.plain();
    assert!(account.contains("Annulation"));
    assert!(account.contains("Annulé par le reçu n° R2026-000004"));
    let mut d = app.login_as("director").await;
    let journal = d.get("/admin/journal?filtre=payment").await.plain();
    assert!(journal.contains("a annulé le reçu R2026-"), "{journal}");
    assert_ledger_consistent(&app).await;
}

#[tokio::test]
async fn discounts_arrears_and_daily_cash() {
    let app = TestApp::new().await;
    let ff = seed_fees(&app).await;
    let pool = &app.db.pool;
    let mut b = app.login_as("bursar").await;
    let url = format!("/admin/eleves/{}/remises", app.f.s2);
    let st = ff.scolarite.to_string();
    let r = b
        .post(
            &url,
            &[
                ("fee_type_id", &st),
                ("kind", "fratrie"),
                ("percent", "150"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("entre 1 et 100"));
    let r = b
        .post(
            &url,
            &[
                ("fee_type_id", &st),
                ("kind", "fratrie"),
                ("percent", "10 %"),
                ("reason", "2e enfant"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // 10 % of 30 000 and of 25 000.
    assert_eq!(
        suku::fees::repo::balance(pool, app.f.s2).await.unwrap(),
        55_000 - 5_500
    );
    let r = b
        .post(
            &url,
            &[
                ("fee_type_id", &st),
                ("kind", "bourse"),
                ("amount", "30 000"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The fixed amount goes to the oldest tranche first: 27 000 left there, 3 000 on the next.
    let inv = suku::fees::repo::invoices_of(pool, app.f.s2).await.unwrap();
    assert_eq!(
        inv.iter().map(|i| i.remaining).collect::<Vec<_>>(),
        [0, 19_500]
    );
    assert_eq!(
        inv.iter().map(|i| i.discounted).collect::<Vec<_>>(),
        [30_000, 5_500]
    );

    // Arrears on 24/11/2026: the first tranche (due 15/10) is late for S1 (20 000 left) and
    // S3 (paid in full: not listed); S2's is forgiven.
    let arrears = b.get("/admin/impayes").await.plain();
    assert!(arrears.contains("T-001"), "{arrears}");
    assert!(arrears.contains("20 000 FCFA"));
    assert!(!arrears.contains("T-003"));
    assert!(!arrears.contains("T-002"));
    let filtered = b
        .get(&format!("/admin/impayes?classe={}", app.f.class_b))
        .await
        .plain();
    assert!(filtered.contains("Aucun impayé"));
    let min = b.get("/admin/impayes?min=25000").await.plain();
    assert!(!min.contains("T-001"));

    // Today's cash: the two fixture payments, 40 000 in cash.
    let cash = b.get("/admin/caisse").await.plain();
    assert!(cash.contains("Espèces 2 40 000 FCFA"), "{cash}");
    let other_day = b.get("/admin/caisse?jour=2026-01-02").await.plain();
    assert!(other_day.contains("Aucun reçu"));
    assert_eq!(
        b.get("/admin/caisse?jour=hier").await.status,
        StatusCode::BAD_REQUEST
    );
    assert_ledger_consistent(&app).await;
}

#[tokio::test]
async fn concurrent_payments_never_overpay() {
    let app = TestApp::new().await;
    seed_fees(&app).await;
    let pool = app.db.pool.clone();
    // S2 owes 55 000; four desks take 20 000 at once: two fit, the others are refused.
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let pool = pool.clone();
            let (s2, by, now) = (app.f.s2, app.f.bursar, app.state.clock.now());
            tokio::spawn(async move {
                let p = suku::fees::DeskPayment {
                    student_id: s2,
                    amount: suku::fees::AmountXof::parse("20000").unwrap(),
                    method: "especes",
                    reference: None,
                    payer: None,
                    idempotency_key: None,
                };
                suku::fees::record_payment(&pool, &p, by, now).await
            })
        })
        .collect();
    let mut ok = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(suku::fees::PaymentError::MoreThanOwed(_)) => {}
            Err(e) => panic!("{e:?}"),
        }
    }
    assert_eq!(ok, 2);
    assert_eq!(
        suku::fees::repo::balance(&pool, app.f.s2).await.unwrap(),
        15_000
    );
    // Receipt numbers have no gaps among the receipts written.
    let nos: Vec<(String,)> = sqlx::query_as("SELECT receipt_no FROM payments ORDER BY receipt_no")
        .fetch_all(&pool)
        .await
        .unwrap();
    assert_eq!(
        nos.iter().map(|n| n.0.as_str()).collect::<Vec<_>>(),
        [
            "R2026-000001",
            "R2026-000002",
            "R2026-000003",
            "R2026-000004"
        ]
    );
    assert_ledger_consistent(&app).await;
}
