//! School documents: a certificate read back from its PDF with the right student and
//! number, its QR code verifying it (and saying so once it is cancelled), an exeat's
//! fields, a class's cards printed by a job with one number per student and their photos,
//! hostile photos refused, and the exam office's candidate list as a workbook.

use axum::http::StatusCode;

use crate::export::{pdf_text, to_png_at};
use crate::helpers::{TestApp, scalar};

/// A certificat de scolarité for S1, issued by the secretary: its id (for the route
/// matrices).
pub async fn certificate(app: &TestApp) -> i64 {
    let mut s = app.login_as("secretary").await;
    let r = s
        .post(
            &format!("/eleves/{}/documents", app.f.s1),
            &[("kind", "scolarite")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    scalar(&app.db.pool, "SELECT MAX(id) FROM school_documents", None).await
}

async fn number_of(app: &TestApp, id: i64) -> String {
    suku::certificates::repo::document(&app.db.pool, id)
        .await
        .unwrap()
        .unwrap()
        .number
}

/// The addresses the QR codes of a PDF's first page hold.
fn qr_urls(pdf: &[u8], name: &str) -> Vec<String> {
    let png = to_png_at(pdf, name, 200);
    let img = image::open(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared
        .detect_grids()
        .iter()
        .filter_map(|g| g.decode().ok().map(|(_, url)| url))
        .collect()
}

#[tokio::test]
async fn a_certificate_names_its_student_and_number_and_its_qr_code_verifies_it() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let id = certificate(&app).await;
    let number = number_of(&app, id).await;
    assert_eq!(number, "CS-2026-0001");
    let s1 = suku::school::student(&app.db.pool, f.s1)
        .await
        .unwrap()
        .unwrap();

    // The family reads it from the child's documents; another family and the teachers do not.
    let mut p = app.login_as("parent_1").await;
    let page = p.get(&format!("/eleves/{}/documents", f.s1)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&number), "{}", page.plain());
    assert!(!page.body.contains("/annuler"), "the family cannot cancel");
    let r = p.get(&format!("/documents/{id}/pdf")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let text = pdf_text(&r.bytes);
    assert!(text.contains("CERTIFICAT DE SCOLARITÉ"), "{text}");
    assert!(text.contains(&number), "{text}");
    assert!(text.contains(&s1.last_name.to_uppercase()), "{text}");
    assert!(text.contains(&s1.matricule), "{text}");
    assert!(text.contains(&s1.class_name.clone().unwrap()), "{text}");
    assert!(text.contains("2026-2027"), "{text}");
    for other in ["parent_2", "teacher_a"] {
        let mut c = app.login_as(other).await;
        let r = c.get(&format!("/documents/{id}/pdf")).await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{other}: {}",
            r.status
        );
    }

    // The QR code, read from the printed page, opens the public verification page.
    let urls = qr_urls(&r.bytes, "certificate");
    assert_eq!(urls.len(), 1, "{urls:?}");
    let path = urls[0]
        .strip_prefix(&app.state.config.public_url)
        .expect("the school's address")
        .to_string();
    assert!(
        path.starts_with(&format!("/verifier/documents/{id}/")),
        "{path}"
    );
    let mut anyone = app.client();
    let v = anyone.get(&path).await;
    assert_eq!(v.status, StatusCode::OK);
    let plain = v.plain();
    assert!(plain.contains("Document authentique"), "{plain}");
    assert!(plain.contains(&number), "{plain}");
    assert!(
        !plain.contains(&s1.first_name),
        "only the initial of the first name is public"
    );
    // A changed code, or this code with another number: unknown.
    let mut forged = path.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    assert_eq!(anyone.get(&forged).await.status, StatusCode::NOT_FOUND);
    let code = path.rsplit('/').next().unwrap();
    let other = certificate(&app).await;
    assert_eq!(number_of(&app, other).await, "CS-2026-0002");
    assert_eq!(
        anyone
            .get(&format!("/verifier/documents/{other}/{code}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Cancelled: it stays in the register, the page and the paper say it no longer holds.
    let mut s = app.login_as("secretary").await;
    let r = s
        .post(&format!("/documents/{id}/annuler"), &[("reason", "")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        suku::certificates::repo::document(&app.db.pool, id)
            .await
            .unwrap()
            .unwrap()
            .cancelled_at
            .is_none(),
        "a cancellation needs its reason"
    );
    let r = s
        .post(
            &format!("/documents/{id}/annuler"),
            &[("reason", "Nom mal orthographié")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let v = anyone.get(&path).await;
    assert_eq!(v.status, StatusCode::OK);
    assert!(
        v.plain().contains("annulé") && v.plain().contains("Nom mal orthographié"),
        "{}",
        v.plain()
    );
    let r = s.get(&format!("/documents/{id}/pdf")).await;
    assert!(pdf_text(&r.bytes).contains("ANNULÉ"));
    let journal = s.get("/admin/journal").await;
    assert_eq!(
        journal.status,
        StatusCode::FORBIDDEN,
        "the director's journal"
    );
    let mut d = app.login_as("director").await;
    let journal = d.get("/admin/journal").await.plain();
    assert!(journal.contains(&format!("n° {number}")), "{journal}");
}

#[tokio::test]
async fn an_exeat_needs_its_day_and_reason_and_prints_them() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut s = app.login_as("secretary").await;
    let path = format!("/eleves/{}/documents", f.s1);
    let r = s.post(&path, &[("kind", "exeat")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.plain().contains("obligatoire") || r.plain().contains("date"),
        "{}",
        r.plain()
    );
    let r = s
        .post(
            &path,
            &[
                ("kind", "exeat"),
                ("left_on", "2027-01-15"),
                ("reason", "Changement de résidence"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("futur"), "{}", r.plain());
    assert_eq!(
        scalar(&app.db.pool, "SELECT COUNT(*) FROM school_documents", None).await,
        0,
        "nothing half-saved"
    );
    let r = s
        .post(
            &path,
            &[
                ("kind", "exeat"),
                ("left_on", "2026-11-30"),
                ("reason", "Changement de résidence"),
                ("destination", "Lycée de Kara"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = scalar(&app.db.pool, "SELECT MAX(id) FROM school_documents", None).await;
    let r = s.get(&format!("/documents/{id}/pdf")).await;
    let text = pdf_text(&r.bytes);
    assert!(text.contains("EX-2026-0001"), "{text}");
    assert!(
        text.contains("a quitté l’établissement le 30/11/2026"),
        "{text}"
    );
    assert!(
        text.contains("Changement de résidence") && text.contains("Lycée de Kara"),
        "{text}"
    );
    // A student in no class has nothing to certify.
    let r = s
        .post("/eleves/999999/documents", &[("kind", "scolarite")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // A teacher issues nothing.
    let mut t = app.login_as("teacher_a").await;
    let r = t.post(&path, &[("kind", "scolarite")]).await;
    assert!(matches!(
        r.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for b in bytes {
        c ^= u32::from(*b);
        for _ in 0..8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
    }
    !c
}

fn png(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([(x % 255) as u8, (y % 255) as u8, 90])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

#[tokio::test]
async fn a_class_s_cards_come_from_a_job_one_number_each_with_the_photos() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut s = app.login_as("secretary").await;

    // A photo from a phone: kept small, and shown to whoever sees the student.
    let r = s
        .upload_with(
            &format!("/eleves/{}/photo", f.s1),
            &[],
            "photo",
            "IMG_2041.png",
            &png(900, 1200),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = s.get(&format!("/eleves/{}/documents", f.s1)).await;
    assert!(
        page.plain().contains("Photo enregistrée"),
        "{}",
        page.plain()
    );
    let photo = scalar(
        &app.db.pool,
        "SELECT MAX(id) FROM files WHERE owner_kind = 'student_photo'",
        None,
    )
    .await;
    assert!(page.body.contains(&format!("/fichiers/{photo}")));
    let mut t = app.login_as("teacher_a").await;
    let r = t.get(&format!("/fichiers/{photo}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/jpeg");
    let img = image::load_from_memory(&r.bytes).unwrap();
    assert_eq!((img.width(), img.height()), (300, 400));
    let mut p2 = app.login_as("parent_2").await;
    assert!(matches!(
        p2.get(&format!("/fichiers/{photo}")).await.status,
        StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
    ));

    // The whole class (two more pupils in 6e A, one of them without a birth place): numbers
    // taken at once, the PDF made by a job with its progress.
    let mut tx = suku::db::begin_write(&app.db.pool).await.unwrap();
    for (m, first, last) in [("T-101", "Akossiwa", "Dzifa"), ("T-102", "Kodjo", "Mawuli")] {
        let id = suku::school::insert_student(
            &mut *tx,
            &suku::school::StudentInput {
                matricule: m.into(),
                first_name: first.into(),
                last_name: last.into(),
                sex: "F",
                birth_date: chrono::NaiveDate::from_ymd_opt(2014, 3, 9),
                birth_place: (m == "T-101").then(|| "Kpalimé".into()),
            },
            None,
            crate::helpers::now(),
        )
        .await
        .unwrap();
        suku::school::enroll(&mut *tx, id, f.class_a, crate::helpers::now())
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let class_size = scalar(
        &app.db.pool,
        "SELECT COUNT(*) FROM enrollments e JOIN students s ON s.id = e.student_id \
         WHERE e.class_id = $1 AND s.active = TRUE",
        Some(f.class_a),
    )
    .await;
    let r = s
        .post(
            "/admin/documents-scolaires/classes",
            &[("class_id", &f.class_a.to_string()), ("kind", "carte")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let job: i64 = r
        .location()
        .strip_prefix("/taches/")
        .and_then(|j| j.parse().ok())
        .expect("the job's progress page");
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM school_documents WHERE kind = 'carte'",
            None
        )
        .await,
        class_size
    );
    assert!(
        suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
            .await
            .unwrap()
    );
    let view = suku::jobs::get(&app.db.pool, job).await.unwrap().unwrap();
    assert_eq!(view.state.as_str(), "done", "{:?}", view.error);
    let (href, _) = view.link().expect("a download");
    let r = s.get(&href).await;
    assert_eq!(r.status, StatusCode::OK);
    let text = pdf_text(&r.bytes);
    let roster = suku::school::roster(&app.db.pool, f.class_a).await.unwrap();
    assert_eq!(roster.len() as i64, class_size);
    assert_eq!(class_size, 3);
    for st in &roster {
        assert!(text.contains(&st.matricule), "{}: {text}", st.matricule);
    }
    for n in 1..=class_size {
        assert!(text.contains(&format!("CE-2026-{n:04}")), "{text}");
    }
    // The photo is on its card (the only raster image of the sheet).
    assert!(
        r.bytes.windows(13).any(|w| w == b"/Subtype /Ima")
            || r.bytes.windows(14).any(|w| w == b"/Subtype/Image"),
        "a photo on the sheet"
    );
    // Each card's QR code verifies it.
    let urls = qr_urls(&r.bytes, "cards");
    assert_eq!(urls.len() as i64, class_size, "{urls:?}");
    let mut anyone = app.client();
    for url in &urls {
        let path = url.strip_prefix(&app.state.config.public_url).unwrap();
        let v = anyone.get(path).await;
        assert_eq!(v.status, StatusCode::OK);
        assert!(v.plain().contains("Carte d’élève"), "{}", v.plain());
    }

    // Printing the class again reprints the same cards: no new numbers.
    let r = s
        .post(
            "/admin/documents-scolaires/classes",
            &[("class_id", &f.class_a.to_string()), ("kind", "carte")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM school_documents WHERE kind = 'carte'",
            None
        )
        .await,
        class_size
    );
}

#[tokio::test]
async fn hostile_photos_are_refused_with_a_clear_message() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let mut s = app.login_as("secretary").await;
    let path = format!("/eleves/{}/photo", f.s1);
    // An SVG with a script, a PNG that claims 100 000 pixels a side.
    let mut bomb = png(1, 1);
    bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
    bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
    // Its header's checksum made again, so that only the size is a lie.
    let crc = crc32(&bomb[12..29]);
    bomb[29..33].copy_from_slice(&crc.to_be_bytes());
    for (name, bytes, message) in [
        (
            "x.svg",
            b"<svg onload=alert(1)>".to_vec(),
            "doit être une image JPEG, PNG ou WebP",
        ),
        ("big.png", bomb, "trop grande"),
        ("cut.jpg", vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 0], "illisible"),
    ] {
        let r = s.upload_with(&path, &[], "photo", name, &bytes).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        let page = s.get(&format!("/eleves/{}/documents", f.s1)).await;
        let plain = page.plain();
        assert!(plain.contains(message), "{name}: {plain}");
    }
    assert_eq!(
        scalar(
            &app.db.pool,
            "SELECT COUNT(*) FROM files WHERE owner_kind = 'student_photo'",
            None
        )
        .await,
        0
    );
}

#[tokio::test]
async fn the_bepc_candidates_come_out_as_the_exam_office_asks() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::new().await;
    let f = app.f.clone();
    // The fixture's 6e becomes a 3e: its students sit the BEPC.
    sqlx::query("UPDATE levels SET code = '3e', name = 'Troisième' WHERE code = '6e'")
        .execute(&app.db.pool)
        .await
        .unwrap();
    let mut s = app.login_as("secretary").await;
    let desk = s.get("/admin/documents-scolaires").await;
    assert_eq!(desk.status, StatusCode::OK);
    assert!(
        desk.body
            .contains("/admin/documents-scolaires/examens/bepc"),
        "{}",
        desk.plain()
    );
    let r = s.get("/admin/documents-scolaires/examens/bepc").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes.clone())).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let all = format!("{rows:?}");
    assert!(all.contains("Date de naissance"), "{all}");
    let s1 = suku::school::student(&app.db.pool, f.s1)
        .await
        .unwrap()
        .unwrap();
    let row = rows
        .iter()
        .find(|r| r.iter().any(|c| *c == Data::String(s1.matricule.clone())))
        .expect("S1 is a candidate");
    assert!(
        row.contains(&Data::String(s1.last_name.to_uppercase())),
        "{row:?}"
    );
    assert!(
        row.contains(&Data::String(s1.first_name.clone())),
        "{row:?}"
    );
    assert_eq!(
        suku::export::Format::parse("xlsx"),
        Some(suku::export::Format::Xlsx)
    );
    // An exam the school does not know.
    assert_eq!(
        s.get("/admin/documents-scolaires/examens/bts").await.status,
        StatusCode::NOT_FOUND
    );
}
