//! Analytics: the dashboards show the school's own numbers (the bulletin computation, the
//! roll calls, the receipts), the risk list names its reasons in words and follows the
//! school's thresholds, and each dashboard is for those who may see it.

use axum::http::StatusCode;
use chrono::NaiveDate;

use crate::helpers::{TestApp, evaluation, set_mark};

/// Class 6e B: S2 at 16, S3 at 6 on one devoir; one roll call of an hour where S3 was
/// absent, twice (10 h unjustified in all with the second, longer one).
async fn class_b_term(app: &TestApp) {
    let pool = &app.db.pool;
    let mut tb = app.login_as("teacher_b").await;
    let e = evaluation(app, &mut tb, app.f.class_b, 1, "2026-11-10").await;
    set_mark(&mut tb, e, app.f.s2, "16").await;
    set_mark(&mut tb, e, app.f.s3, "6").await;
    let d = |day: u32| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
    for (day, minutes) in [(9, 60), (10, 300), (12, 240)] {
        let (rc,): (i64,) = sqlx::query_as(
            "INSERT INTO roll_calls (class_id, held_on, starts_at, minutes, taken_by, taken_at) \
             VALUES ($1, $2, '08:00', $3, $4, $5) RETURNING id",
        )
        .bind(app.f.class_b)
        .bind(d(day))
        .bind(minutes)
        .bind(app.f.teacher_b)
        .bind(app.state.clock.now())
        .fetch_one(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO absences (roll_call_id, student_id, kind, minutes) VALUES ($1, $2, 'absence', $3)",
        )
        .bind(rc)
        .bind(app.f.s3)
        .bind(minutes)
        .execute(pool)
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn the_administrations_dashboard_shows_the_schools_own_numbers() {
    let app = TestApp::new().await;
    crate::helpers::seed_fees(&app).await;
    class_b_term(&app).await;
    let pool = &app.db.pool;
    let mut dir = app.login_as("director").await;
    let page = dir.get("/admin/analytique").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.plain();
    // Every chart is drawn from an option the page carries, with its table beside it.
    for id in [
        "chart-enrollment",
        "chart-attendance",
        "chart-classes",
        "chart-subjects",
        "chart-fees",
    ] {
        assert!(page.body.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(page.body.contains("data-chart=\"{"), "options embedded");
    assert!(!page.body.contains("cdn"), "no chart script from elsewhere");
    // The class mean is the bulletin's own.
    let (period,): (i64,) = sqlx::query_as("SELECT id FROM periods WHERE ordinal = 1")
        .fetch_one(pool)
        .await
        .unwrap();
    let (_, computed) =
        suku::bulletins::for_class(pool, app.f.class_b, period, &[app.f.s2, app.f.s3])
            .await
            .unwrap();
    let mean = suku::grades::calc::fmt_hundredths(computed.general_stats.mean.unwrap());
    assert_eq!(mean, "11,00");
    assert!(text.contains(&format!("6e B {mean}")), "{text}");
    // Attendance: 2 students × (1 h + 9 h) scheduled, S3 away 10 h: 50 %.
    assert!(text.contains("50 %"), "{text}");
    // Receipts net of reversals.
    let (collected,): (i64,) = sqlx::query_as("SELECT CAST(SUM(amount) AS BIGINT) FROM payments")
        .fetch_one(pool)
        .await
        .unwrap();
    let shown = suku::i18n::format_xof(suku::i18n::Locale::Fr, collected)
        .replace(['\u{a0}', '\u{202f}'], " ");
    assert!(text.contains(&shown), "{shown} in {text}");
    // Three students, all boys, in one level.
    assert!(text.contains("Élèves 3"), "{text}");
    // In English too.
    dir.post(
        "/langue",
        &[("lang", "en"), ("retour", "/admin/analytique")],
    )
    .await;
    let en = dir.get("/admin/analytique").await;
    assert!(en.plain().contains("Attendance by week"), "{}", en.plain());
}

#[tokio::test]
async fn the_risk_list_gives_reasons_and_follows_the_schools_thresholds() {
    let app = TestApp::new().await;
    class_b_term(&app).await;
    let mut dir = app.login_as("director").await;
    let page = dir.get("/analytique/risques?tous=1").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.plain();
    assert!(text.contains("FIADJOE Yawo"), "{text}");
    assert!(text.contains("moyenne de 6,00 sous 10,00"), "{text}");
    assert!(text.contains("10 h d’absence non justifiées"), "{text}");
    assert!(!text.contains("AGBODJAN Sena"), "S2 is doing well: {text}");
    // 32 for the average, 13 for the absences: a medium risk, not on the high-only list.
    assert!(text.contains("45 · moyen"), "{text}");
    assert!(
        !dir.get("/analytique/risques")
            .await
            .plain()
            .contains("FIADJOE")
    );
    // The professeur principal of 6e B sees it; the one of 6e A sees only 6e A.
    let mut tb = app.login_as("teacher_b").await;
    assert!(
        tb.get("/analytique/risques?tous=1")
            .await
            .plain()
            .contains("FIADJOE Yawo")
    );
    let mut ta = app.login_as("teacher_a").await;
    let r = ta.get("/analytique/risques?tous=1").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(!r.plain().contains("FIADJOE"));
    let mut p1 = app.login_as("parent_1").await;
    assert_eq!(
        p1.get("/analytique/risques").await.status,
        StatusCode::FORBIDDEN
    );
    // The family sees the reasons on their child's dashboard once the school lets them;
    // another family never does.
    let mut p2 = app.login_as("parent_2").await;
    let child = p2.get(&format!("/analytique/eleves/{}", app.f.s3)).await;
    assert_eq!(child.status, StatusCode::OK);
    assert!(!child.plain().contains("Points d’attention"));
    let r = dir
        .post(
            "/admin/prediction/reglages",
            &[
                ("label", "decision"),
                ("alert_at", "70"),
                ("retrain_days", "30"),
                ("parents_see", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let child = p2.get(&format!("/analytique/eleves/{}", app.f.s3)).await;
    assert!(
        child.plain().contains("Points d’attention"),
        "{}",
        child.plain()
    );
    assert!(child.body.contains("id=\"chart-child-subjects\""));
    assert_eq!(
        p1.get(&format!("/analytique/eleves/{}", app.f.s3))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Thresholds: a bad value is refused in words, nothing saved.
    let bad = dir
        .post(
            "/admin/analytique/seuils",
            &[
                ("average_below", "5"),
                ("drop", "1"),
                ("absence_hours", "6"),
                ("missing", "2"),
                ("medium", "70"),
                ("high", "60"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.plain().contains("le risque élevé au-dessus du moyen"));
    // Average under 5 only: S3's 6,00 no longer counts.
    let ok = dir
        .post(
            "/admin/analytique/seuils",
            &[
                ("average_below", "5"),
                ("drop", "1"),
                ("absence_hours", "6"),
                ("missing", "2"),
                ("medium", "10"),
                ("high", "60"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let text = dir.get("/analytique/risques?tous=1").await.plain();
    assert!(
        text.contains("FIADJOE Yawo"),
        "absences still count: {text}"
    );
    assert!(!text.contains("moyenne de 6,00"), "{text}");
}

#[tokio::test]
async fn a_class_dashboard_is_for_its_teachers() {
    let app = TestApp::new().await;
    class_b_term(&app).await;
    let mut tb = app.login_as("teacher_b").await;
    let page = tb
        .get(&format!("/analytique/classes/{}", app.f.class_b))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.plain();
    assert!(text.contains("Répartition des notes"), "{text}");
    // One mark in 16–20 and one in 5–7.
    assert!(text.contains("16–20 1"), "{text}");
    assert!(text.contains("5–7 1"), "{text}");
    assert!(
        text.contains("FIADJOE Yawo"),
        "the at-risk list of the class"
    );
    let mut ta = app.login_as("teacher_a").await;
    assert_eq!(
        ta.get(&format!("/analytique/classes/{}", app.f.class_b))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut st = app.login_as("student").await;
    assert_eq!(
        st.get(&format!("/analytique/classes/{}", app.f.class_a))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // A student's own dashboard shows results, without the staff's risk wording.
    let own = st.get(&format!("/analytique/eleves/{}", app.f.s1)).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(!own.plain().contains("Points d’attention"));
}
