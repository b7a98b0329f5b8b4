//! Exports read back: the bulletin PDF says what the bulletin computation says, a receipt's
//! QR code opens its verification page, lists open in Excel with typed cells and parse back
//! from CSV, the whole school's bulletins arrive as a ZIP with every class, and a broken
//! school template gives its line instead of a server error.

use std::io::Read;

use axum::http::StatusCode;

use crate::helpers::{TestApp, evaluation, seed_fees, set_mark};

/// Text of a PDF, with every kind of space as one plain space.
pub(crate) fn pdf_text(bytes: &[u8]) -> String {
    assert!(bytes.starts_with(b"%PDF-"), "not a PDF");
    let text = pdf_extract::extract_text_from_mem(bytes).expect("readable PDF");
    text.replace(['\u{a0}', '\u{202f}'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Renders the first page of a PDF to PNG in `test-artifacts/` (to be looked at), returns
/// the image's path.
pub(crate) fn to_png(bytes: &[u8], name: &str) -> std::path::PathBuf {
    to_png_at(bytes, name, 110)
}

/// The same at a resolution (small print, such as a card's QR code, needs more).
pub(crate) fn to_png_at(bytes: &[u8], name: &str, dpi: u32) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("test-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join(format!("{name}.pdf"));
    std::fs::write(&pdf, bytes).unwrap();
    let out = std::process::Command::new("pdftoppm")
        .args([
            "-png",
            "-r",
            &dpi.to_string(),
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(&pdf)
        .arg(dir.join(name))
        .output()
        .expect("pdftoppm (poppler-utils) runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join(format!("{name}.png"))
}

async fn period(app: &TestApp, ordinal: i64) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM periods WHERE ordinal = $1")
        .bind(ordinal)
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    id
}

#[tokio::test]
async fn the_bulletin_pdf_shows_the_computed_numbers_to_whoever_may_see_it() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let p1 = period(&app, 1).await;
    let mut t = app.login_as("teacher_a").await;
    let e1 = evaluation(&app, &mut t, f.class_a, 1, "2026-10-20").await;
    let e2 = evaluation(&app, &mut t, f.class_a, 1, "2026-11-10").await;
    set_mark(&mut t, e1, f.s1, "13").await;
    set_mark(&mut t, e2, f.s1, "14,5").await;

    // The numbers of the bulletin computation, as the screen writes them.
    let cs = suku::bulletins::sheet::class_sheets(&app.db.pool, f.class_a, p1, Some(f.s1))
        .await
        .unwrap()
        .unwrap();
    let b = &cs.sheets[0].bulletin;
    let general = suku::grades::calc::fmt_hundredths(b.general.expect("an average"));
    assert_eq!(general, "13,75");
    let position = b.rank.expect("a rank").position;
    let rank = match position {
        1 => format!("1er / {}", cs.ranked),
        n => format!("{n}e / {}", cs.ranked),
    };
    let name = cs.sheets[0].student.list_name();

    let mut d = app.login_as("director").await;
    let screen = d.get(&format!("/bulletins/{}/{p1}", f.s1)).await;
    assert_eq!(screen.status, StatusCode::OK);
    assert!(screen.plain().contains(&general));
    assert!(
        screen
            .body
            .contains(&format!("/bulletins/{}/{p1}/pdf", f.s1))
    );
    let r = d.get(&format!("/bulletins/{}/{p1}/pdf", f.s1)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["content-type"], "application/pdf");
    let text = pdf_text(&r.bytes);
    for want in [
        name.as_str(),
        general.as_str(),
        rank.as_str(),
        "Mathématiques",
        "RÉPUBLIQUE TOGOLAISE",
        "BULLETIN DE NOTES",
    ] {
        assert!(text.contains(want), "{want:?} not in {text}");
    }
    let png = to_png(&r.bytes, "bulletin");
    assert!(std::fs::metadata(png).unwrap().len() > 10_000);

    // In English, the same numbers with a decimal point.
    d.post("/langue", &[("lang", "en"), ("retour", "/admin")])
        .await;
    let en = pdf_text(&d.get(&format!("/bulletins/{}/{p1}/pdf", f.s1)).await.bytes);
    assert!(en.contains(&general.replace(',', ".")), "{en}");
    assert!(en.contains("REPORT CARD"), "{en}");
    d.post("/langue", &[("lang", "fr"), ("retour", "/admin")])
        .await;

    // Families: not before the period is published; never another family's child.
    let mut p = app.login_as("parent_1").await;
    assert_eq!(
        p.get(&format!("/bulletins/{}/{p1}/pdf", f.s1)).await.status,
        StatusCode::FORBIDDEN
    );
    sqlx::query("UPDATE periods SET closed = TRUE, published = TRUE WHERE id = $1")
        .bind(p1)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let r = p.get(&format!("/bulletins/{}/{p1}/pdf", f.s1)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(pdf_text(&r.bytes).contains(&general));
    let mut other = app.login_as("parent_2").await;
    assert_eq!(
        other
            .get(&format!("/bulletins/{}/{p1}/pdf", f.s1))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut s = app.login_as("student").await;
    assert_eq!(
        s.get(&format!("/bulletins/{}/{p1}/pdf", f.s1)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        s.get(&format!("/bulletins/{}/{p1}/pdf", f.s3)).await.status,
        StatusCode::FORBIDDEN
    );
    // A teacher of another class.
    let mut tb = app.login_as("teacher_b").await;
    assert_eq!(
        tb.get(&format!("/bulletins/{}/{p1}/pdf", f.s1))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // The class's bulletins in one file: administration only, every student of the class.
    let url = format!("/admin/classes/{}/bulletins/pdf?periode={p1}", f.class_a);
    let r = d.get(&url).await;
    assert_eq!(r.status, StatusCode::OK);
    let roster = suku::school::roster(&app.db.pool, f.class_a).await.unwrap();
    let text = pdf_text(&r.bytes);
    for st in &roster {
        assert!(text.contains(&st.list_name()), "{} missing", st.list_name());
    }
    assert_eq!(t.get(&url).await.status, StatusCode::FORBIDDEN);
    assert_eq!(p.get(&url).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        d.get(&format!(
            "/admin/classes/{}/bulletins/pdf?periode=999999",
            f.class_a
        ))
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_broken_school_template_says_which_line_and_reaches_nothing_else() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let p1 = period(&app, 1).await;
    let docs = suku::settings::DocumentSettings {
        bulletin_source: Some("#let data = json(\"/data.json\")\n= #data.year\n#for s in data.students {\n  s.name +\n}".into()),
        receipt_source: Some("#read(\"/etc/passwd\")".into()),
        ..Default::default()
    };
    suku::settings::store(&app.db.pool, "documents", &docs)
        .await
        .unwrap();
    let mut d = app.login_as("director").await;
    let r = d.get(&format!("/bulletins/{}/{p1}/pdf", f.s1)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.plain().contains("Ligne 4, colonne 11"), "{}", r.plain());
    assert!(r.plain().contains("s.name +"), "the line is shown");
    let ff = seed_fees(&app).await;
    let r = d.get(&format!("/recus/{}/pdf", ff.receipt_s1)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Ligne 1"), "{}", r.plain());
    assert!(!r.body.contains("root:"), "the template read a file");

    // A school's own template that works is used.
    let docs = suku::settings::DocumentSettings {
        bulletin_source: Some("#let data = json(\"/data.json\")\n#for s in data.students [Carnet de #s.name : #s.general]".into()),
        ..Default::default()
    };
    suku::settings::store(&app.db.pool, "documents", &docs)
        .await
        .unwrap();
    let r = d.get(&format!("/bulletins/{}/{p1}/pdf", f.s1)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(pdf_text(&r.bytes).contains("Carnet de"));
}

#[tokio::test]
async fn a_receipt_pdf_carries_a_qr_code_that_verifies_it() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    let ff = seed_fees(&app).await;
    let mut p = app.login_as("parent_1").await;
    let page = p.get(&format!("/recus/{}", ff.receipt_s1)).await;
    assert!(page.body.contains(&format!("/recus/{}/pdf", ff.receipt_s1)));
    let r = p.get(&format!("/recus/{}/pdf", ff.receipt_s1)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let receipt = suku::fees::repo::receipt(&app.db.pool, ff.receipt_s1)
        .await
        .unwrap()
        .unwrap();
    let text = pdf_text(&r.bytes);
    assert!(text.contains(&receipt.receipt_no), "{text}");
    assert!(text.contains("10 000 FCFA"), "{text}");
    assert!(text.contains("dix mille"), "{text}");

    // One A4 sheet with two copies, the school's stub and the family's, a cut line between.
    let folded = text.replace('’', "'").to_lowercase();
    assert!(
        folded.contains("souche de l'établissement") && folded.contains("exemplaire de la famille"),
        "{text}"
    );
    assert!(folded.contains("découper suivant le pointillé"), "{text}");
    let pdf = std::env::temp_dir().join(format!("suku-receipt-{}.pdf", std::process::id()));
    std::fs::write(&pdf, &r.bytes).unwrap();
    let info = std::process::Command::new("pdfinfo")
        .arg(&pdf)
        .output()
        .expect("pdfinfo (poppler-utils)");
    let info = String::from_utf8_lossy(&info.stdout);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Pages:") && l.trim().ends_with(" 1")),
        "one sheet: {info}"
    );
    assert!(
        info.lines()
            .any(|l| l.starts_with("Page size:") && l.contains("(A4)")),
        "A4 portrait: {info}"
    );

    // The QR codes, read from the printed page, open the public verification page.
    let png = to_png(&r.bytes, "receipt");
    let img = image::open(&png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(img);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 2, "a QR code on each copy");
    let (_, url) = grids[0].decode().expect("a readable QR code");
    assert_eq!(grids[1].decode().expect("a readable QR code").1, url);
    let path = url
        .strip_prefix(&app.state.config.public_url)
        .expect("the school's address");
    assert!(
        path.starts_with(&format!("/verifier/recus/{}/", ff.receipt_s1)),
        "{url}"
    );
    let mut anyone = app.client();
    let v = anyone.get(path).await;
    assert_eq!(v.status, StatusCode::OK);
    let plain = v.plain();
    assert!(
        plain.contains("Reçu authentique") && plain.contains("10 000 FCFA"),
        "{plain}"
    );
    assert!(plain.contains(&receipt.receipt_no));
    assert!(
        !plain.contains(&receipt.last_name.to_uppercase()),
        "the full name is not public"
    );
    // A code changed by one character, or another receipt's number with this code: unknown.
    let mut forged = path.to_string();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    assert_eq!(anyone.get(&forged).await.status, StatusCode::NOT_FOUND);
    let code = path.rsplit('/').next().unwrap();
    let other = format!("/verifier/recus/{}/{code}", ff.receipt_s3);
    assert_eq!(anyone.get(&other).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        anyone
            .get(&format!("/verifier/recus/abc/{code}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Only who may see the account gets the PDF.
    let mut p2 = app.login_as("parent_2").await;
    assert_eq!(
        p2.get(&format!("/recus/{}/pdf", ff.receipt_s1))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut t = app.login_as("teacher_a").await;
    assert_eq!(
        t.get(&format!("/recus/{}/pdf", ff.receipt_s1)).await.status,
        StatusCode::FORBIDDEN
    );
    let mut b = app.login_as("bursar").await;
    assert_eq!(
        b.get(&format!("/recus/{}/pdf", ff.receipt_s3)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        b.get("/recus/999999/pdf").await.status,
        StatusCode::NOT_FOUND
    );

    // A cancelled receipt says so on its verification page.
    suku::fees::reverse_payment(
        &app.db.pool,
        ff.receipt_s1,
        "erreur de saisie",
        f.bursar,
        app.state.clock.now(),
    )
    .await
    .unwrap();
    let v = anyone.get(path).await;
    assert!(v.plain().contains("annulé"), "{}", v.plain());
}

#[tokio::test]
async fn arrears_open_in_excel_with_numbers_and_read_back_from_csv() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::new().await;
    let f = app.f.clone();
    seed_fees(&app).await;
    let mut b = app.login_as("bursar").await;
    let page = b.get("/admin/impayes").await;
    assert!(page.body.contains("format=xlsx"));
    let r = b.get("/admin/impayes?format=xlsx").await;
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
    assert_eq!(rows[0][0], Data::String("Nom et prénoms".into()));
    let s1 = suku::school::student(&app.db.pool, f.s1)
        .await
        .unwrap()
        .unwrap();
    let row = rows
        .iter()
        .find(|r| r[0] == Data::String(s1.list_name()))
        .expect("S1 owes");
    // 30 000 due on 15/10/2026, 10 000 paid: 20 000 overdue, 45 000 left in all.
    assert_eq!(row[4], Data::Float(20_000.0));
    assert_eq!(row[5], Data::Float(45_000.0));
    assert!(matches!(row[3], Data::DateTime(_)), "{:?}", row[3]);
    let total = rows.last().unwrap();
    assert_eq!(total[0], Data::String("Total".into()));

    // The same rows from the French CSV, and from the comma one.
    let r = b.get("/admin/impayes?format=csv").await;
    assert!(r.bytes.starts_with("\u{feff}".as_bytes()));
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&r.bytes[3..]);
    let lines: Vec<csv::StringRecord> = csv.records().map(Result::unwrap).collect();
    assert_eq!(lines.len() + 1, rows.len());
    let line = lines.iter().find(|l| l[0] == s1.list_name()).unwrap();
    assert_eq!(
        (&line[4], &line[5], &line[3]),
        ("20000", "45000", "15/10/2026")
    );
    let r = b.get("/admin/impayes?format=csv-comma&classe=").await;
    let mut csv = csv::Reader::from_reader(&r.bytes[..]);
    let line = csv
        .records()
        .map(Result::unwrap)
        .find(|l| &l[0] == s1.list_name().as_str())
        .unwrap();
    assert_eq!(&line[3], "2026-10-15");
    // Filters apply to the export as to the page.
    let r = b
        .get(&format!("/admin/impayes?format=csv&classe={}", f.class_b))
        .await;
    assert!(!String::from_utf8_lossy(&r.bytes).contains(&s1.list_name()));
    // PDF too.
    let r = b.get("/admin/impayes?format=pdf").await;
    assert!(pdf_text(&r.bytes).contains(&s1.list_name()));
    // A format that does not exist, and people who do not see the school's money.
    assert_eq!(
        b.get("/admin/impayes?format=exe").await.status,
        StatusCode::BAD_REQUEST
    );
    for who in ["teacher_a", "parent_1", "student"] {
        let mut c = app.login_as(who).await;
        assert_eq!(
            c.get("/admin/impayes?format=xlsx").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
        assert_eq!(
            c.get("/admin/caisse?format=csv").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let r = b.get("/admin/caisse?format=xlsx").await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn the_whole_schools_bulletins_arrive_as_a_zip_with_every_class() {
    let app = TestApp::new().await;
    let p1 = period(&app, 1).await;
    let mut d = app.login_as("director").await;
    let r = d
        .post(&format!("/admin/periodes/{p1}/bulletins"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let job: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    while suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
        .await
        .unwrap()
    {}
    let view = suku::jobs::get(&app.db.pool, job).await.unwrap().unwrap();
    assert_eq!(view.state.as_str(), "done", "{:?}", view.error);
    assert_eq!(view.percent(), 100);
    let (href, _) = view.link().expect("a file to download");
    let page = d.get(&format!("/taches/{job}")).await;
    assert!(page.body.contains(&href));
    let r = d.get(&href).await;
    assert_eq!(r.status, StatusCode::OK);
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(r.bytes)).unwrap();
    let year = suku::school::current_year(&app.db.pool)
        .await
        .unwrap()
        .unwrap();
    let classes = suku::school::classes(&app.db.pool, year.id).await.unwrap();
    assert_eq!(zip.len(), classes.len());
    for c in &classes {
        let name = suku::export::file_name(&c.name, "pdf");
        let mut entry = zip
            .by_name(&name)
            .unwrap_or_else(|_| panic!("{name} in the archive"));
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).unwrap();
        let text = pdf_text(&bytes);
        for s in suku::school::roster(&app.db.pool, c.id).await.unwrap() {
            assert!(
                text.contains(&s.list_name()),
                "{} in {}",
                s.list_name(),
                c.name
            );
        }
    }
    // The file is the director's: nobody else downloads it.
    for who in ["bursar", "teacher_a", "parent_1"] {
        let mut c = app.login_as(who).await;
        assert_eq!(c.get(&href).await.status, StatusCode::FORBIDDEN, "{who}");
    }
    let mut t = app.login_as("teacher_a").await;
    assert_eq!(
        t.post(&format!("/admin/periodes/{p1}/bulletins"), &[])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // Cancelled before it runs: no file.
    let r = d
        .post(&format!("/admin/periodes/{p1}/bulletins"), &[])
        .await;
    let job: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    d.get(&format!("/taches/{job}")).await;
    d.post(&format!("/taches/{job}/annulation"), &[]).await;
    while suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
        .await
        .unwrap()
    {}
    let view = suku::jobs::get(&app.db.pool, job).await.unwrap().unwrap();
    assert_eq!(view.state.as_str(), "cancelled");
    assert!(view.link().is_none());

    // Past the retention period, the file is removed.
    sqlx::query("UPDATE files SET created_at = $1 WHERE owner_kind = 'export'")
        .bind(app.state.clock.now() - chrono::Duration::days(8))
        .execute(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(suku::export::batch::sweep(&app.state).await.unwrap(), 1);
    assert_eq!(d.get(&href).await.status, StatusCode::NOT_FOUND);
}

/// The editor's form for a balances template: class, name and balance, grouped by class,
/// largest balance first, balance as a plain number.
fn balances_form(name: &str) -> Vec<(String, String)> {
    let mut f: Vec<(String, String)> = [
        ("name", name),
        ("dataset", "balances"),
        ("title", "Soldes par classe"),
        ("use_class", "1"),
        ("pos_class", "1"),
        ("use_student", "1"),
        ("pos_student", "2"),
        ("label_student", "Élève"),
        ("format_student", "upper"),
        ("use_balance", "1"),
        ("pos_balance", "3"),
        ("label_balance", "Reste dû"),
        ("format_balance", "number"),
        ("group_by", "class"),
        ("sort_by", "balance"),
        ("descending", "1"),
        ("orientation", "landscape"),
        ("footer", "Document interne"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    f.push(("pos_matricule".into(), "9".into()));
    f
}

fn pairs(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

#[tokio::test]
async fn a_template_made_in_the_editor_exports_as_previewed() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::new().await;
    let f = app.f.clone();
    seed_fees(&app).await;
    let mut b = app.login_as("bursar").await;
    let page = b.get("/admin/exports/modeles/nouveau?jeu=balances").await;
    assert_eq!(page.status, StatusCode::OK);
    let form = balances_form("Soldes");
    // The live preview (htmx) shows the table the file will have.
    let preview = b.post("/admin/exports/apercu", &pairs(&form)).await;
    assert_eq!(preview.status, StatusCode::OK);
    let shown = preview.plain();
    assert!(shown.contains("Soldes par classe"), "{shown}");
    let s1 = suku::school::student(&app.db.pool, f.s1)
        .await
        .unwrap()
        .unwrap();
    assert!(shown.contains(&s1.list_name().to_uppercase()), "{shown}");
    assert!(
        shown.contains("Reste dû") && shown.contains("Sous-total"),
        "{shown}"
    );
    // An incomplete form says what is missing, in the preview.
    let mut none = form.clone();
    none.retain(|(k, _)| !k.starts_with("use_"));
    let p = b.post("/admin/exports/apercu", &pairs(&none)).await;
    assert!(
        p.plain().contains("Choisissez au moins une colonne"),
        "{}",
        p.plain()
    );

    let r = b
        .post("/admin/exports/modeles/nouveau", &pairs(&form))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id: i64 = r.location().rsplit('/').next().unwrap().parse().unwrap();
    // The same name twice is refused, nothing saved.
    let again = b
        .post("/admin/exports/modeles/nouveau", &pairs(&form))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.plain().contains("Un autre modèle porte déjà ce nom"));
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM export_templates")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(count, 1);

    // The saved template's file has the previewed rows, in the previewed order.
    let r = b
        .get(&format!("/admin/exports/modeles/{id}/fichier?format=xlsx"))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    assert_eq!(
        rows[0],
        [
            Data::String("Classe".into()),
            Data::String("Élève".into()),
            Data::String("Reste dû".into())
        ]
    );
    let row = rows
        .iter()
        .find(|r| r[1] == Data::String(s1.list_name().to_uppercase()))
        .unwrap();
    assert_eq!(row[2], Data::Float(45_000.0));
    let shown_rows: Vec<String> = rows[1..]
        .iter()
        .map(|r| match &r[1] {
            Data::String(s) => s.clone(),
            _ => String::new(),
        })
        .filter(|s| !s.is_empty())
        .collect();
    for name in &shown_rows {
        assert!(shown.contains(name.as_str()), "{name} not in the preview");
    }
    let pdf = b
        .get(&format!("/admin/exports/modeles/{id}/fichier?format=pdf"))
        .await;
    let text = pdf_text(&pdf.bytes);
    assert!(
        text.contains("Soldes par classe") && text.contains("Document interne"),
        "{text}"
    );
    to_png(&pdf.bytes, "template");

    // In the background: a job, then the file on the exports page.
    let r = b
        .post(
            &format!("/admin/exports/modeles/{id}/lancement"),
            &[("format", "csv")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    while suku::jobs::run_once(&app.state, &suku::app::jobs(), "t")
        .await
        .unwrap()
    {}
    let exports = b.get("/admin/exports").await;
    assert!(
        exports.body.contains("data-testid=\"export-file\""),
        "{}",
        exports.body
    );
    let href = exports
        .body
        .split("href=\"/fichiers/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let file = b.get(&format!("/fichiers/{href}")).await;
    let csv_text = String::from_utf8(file.bytes).unwrap();
    assert!(
        csv_text.contains(&format!("{};45000", s1.list_name().to_uppercase())),
        "{csv_text}"
    );

    // Who may not read money does not use a money template, nor make one.
    let mut sec = app.login_as("secretary").await;
    assert_eq!(
        sec.get(&format!("/admin/exports/modeles/{id}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sec.get(&format!("/admin/exports/modeles/{id}/fichier?format=csv"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        sec.post("/admin/exports/apercu", &pairs(&form))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mine = sec.get("/admin/exports").await;
    assert!(
        !mine.body.contains("Soldes"),
        "a money template listed for the secretary"
    );
    let mut t = app.login_as("teacher_a").await;
    assert_eq!(t.get("/admin/exports").await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        t.get("/admin/exports/modeles/nouveau?jeu=students")
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // The secretary makes a student list instead.
    let r = sec.get("/admin/exports/modeles/nouveau?jeu=students").await;
    assert_eq!(r.status, StatusCode::OK);
    let r = sec
        .get(&format!("/admin/exports/modeles/{id}/fichier?format=exe"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = b
        .get(&format!("/admin/exports/modeles/{id}/fichier?format=exe"))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    // Deleting is the bursar's (it is their data); the template goes, audited.
    let r = b
        .post(&format!("/admin/exports/modeles/{id}/suppression"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        b.get(&format!("/admin/exports/modeles/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_school_adapts_its_documents_and_a_broken_layout_is_never_saved() {
    let app = TestApp::new().await;
    seed_fees(&app).await;
    let mut d = app.login_as("director").await;
    let page = d.get("/admin/documents").await;
    assert_eq!(page.status, StatusCode::OK);
    // Suku's own layout is shown to start from.
    assert!(page.text().contains("json(\"/data.json\")"));
    let bulletin = suku::export::templates::BULLETIN;
    let broken = bulletin.replacen("#let L = data.labels", "#let L = data.labels(", 1);
    let r = d
        .post(
            "/admin/documents",
            &[
                ("ministry", "Ministère des Enseignements"),
                ("region", "DRE Golfe-Lomé"),
                ("bulletin_source", &broken),
                ("receipt_source", suku::export::templates::RECEIPT),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.plain().contains("Ligne 21, colonne 21"), "{}", r.plain());
    assert_eq!(
        suku::settings::documents(&app.db.pool).await.unwrap(),
        Default::default()
    );
    // The preview of a layout as typed: the PDF, or the page with the line.
    let p = d
        .post(
            "/admin/documents/apercu",
            &[("document", "bulletin"), ("bulletin_source", &broken)],
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    let own = bulletin.replacen(
        "#let L = data.labels",
        "#let L = data.labels\n#text(fill: red)[Copie conforme]",
        1,
    );
    let p = d
        .post(
            "/admin/documents/apercu",
            &[("document", "bulletin"), ("bulletin_source", &own)],
        )
        .await;
    assert_eq!(p.status, StatusCode::OK);
    assert!(pdf_text(&p.bytes).contains("Copie conforme"));
    let r = d
        .post(
            "/admin/documents",
            &[
                ("ministry", "Ministère des Enseignements"),
                ("region", "DRE Golfe-Lomé"),
                ("bulletin_source", &own),
                ("receipt_source", suku::export::templates::RECEIPT),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.plain());
    let docs = suku::settings::documents(&app.db.pool).await.unwrap();
    assert!(docs.bulletin_source.is_some(), "the school's own bulletin");
    assert!(
        docs.receipt_source.is_none(),
        "Suku's receipt, unchanged, is not copied"
    );
    let p1 = period(&app, 1).await;
    let pdf = d.get(&format!("/bulletins/{}/{p1}/pdf", app.f.s1)).await;
    let text = pdf_text(&pdf.bytes);
    assert!(
        text.contains("Copie conforme") && text.contains("DRE Golfe-Lomé"),
        "{text}"
    );
    // Back to Suku's.
    let r = d
        .post(
            "/admin/documents",
            &[("reset", "bulletin"), ("bulletin_source", &own)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        suku::settings::documents(&app.db.pool)
            .await
            .unwrap()
            .bulletin_source
            .is_none()
    );
    // The bursar and teachers do not change documents.
    for who in ["bursar", "teacher_a", "parent_1"] {
        let mut c = app.login_as(who).await;
        assert_eq!(
            c.get("/admin/documents").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
}

/// Reads a downloaded French CSV into rows.
fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).expect("a BOM");
    csv::ReaderBuilder::new()
        .delimiter(b';')
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[tokio::test]
async fn the_lists_of_the_portal_export_what_they_show_to_whoever_sees_them() {
    use calamine::{Data, Reader, Xlsx};
    let app = TestApp::new().await;
    let f = app.f.clone();
    let p1 = period(&app, 1).await;
    let mut t = app.login_as("teacher_a").await;
    let e1 = evaluation(&app, &mut t, f.class_a, 1, "2026-10-20").await;
    set_mark(&mut t, e1, f.s1, "15,5").await;
    let s1 = suku::school::student(&app.db.pool, f.s1)
        .await
        .unwrap()
        .unwrap();

    // The teacher's class list and gradebook.
    let page = t.get(&format!("/enseignant/classes/{}", f.class_a)).await;
    assert!(page.body.contains("format=csv"));
    let rows = csv_rows(
        &t.get(&format!("/enseignant/classes/{}?format=csv", f.class_a))
            .await
            .bytes,
    );
    assert_eq!(rows[0][..3], ["N°", "Matricule", "Nom et prénoms"]);
    assert_eq!(rows[1][1..3], [s1.matricule.clone(), s1.list_name()]);
    assert_eq!(
        t.get(&format!("/enseignant/classes/{}?format=csv", f.class_b))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = t
        .get(&format!(
            "/enseignant/classes/{}/matieres/{}?periode={p1}&format=xlsx",
            f.class_a, f.maths
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(r.bytes)).unwrap();
    let sheet = book.sheet_names()[0].clone();
    let range = book.worksheet_range(&sheet).unwrap();
    let row: Vec<Data> = range.rows().nth(1).unwrap().to_vec();
    assert_eq!(row[0], Data::String(s1.list_name()));
    assert_eq!(row[2], Data::Float(15.5), "a mark is a number");
    assert_eq!(row[3], Data::Float(15.5), "the average");
    let mut tb = app.login_as("teacher_b").await;
    assert_eq!(
        tb.get(&format!(
            "/enseignant/classes/{}/matieres/{}?format=csv",
            f.class_a, f.maths
        ))
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    // The administration: class list, class results, the student list (every page of it).
    let mut d = app.login_as("director").await;
    let rows = csv_rows(
        &d.get(&format!("/admin/classes/{}?format=csv", f.class_a))
            .await
            .bytes,
    );
    assert!(rows.iter().any(|r| r[2] == s1.list_name()));
    let rows = csv_rows(
        &d.get(&format!(
            "/admin/classes/{}/bulletins?periode={p1}&format=csv",
            f.class_a
        ))
        .await
        .bytes,
    );
    let line = rows.iter().find(|r| r[1] == s1.list_name()).unwrap();
    assert_eq!(line[0], "1er");
    assert!(line.contains(&"15,50".to_string()), "{line:?}");
    let rows = csv_rows(&d.get("/admin/eleves?format=csv").await.bytes);
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM students")
        .fetch_one(&app.db.pool)
        .await
        .unwrap();
    assert_eq!(rows.len() as i64, n + 1);
    let rows = csv_rows(
        &d.get(&format!("/admin/eleves?q={}&format=csv", s1.matricule))
            .await
            .bytes,
    );
    assert_eq!(rows.len(), 2, "the search applies");
    assert_eq!(
        t.get(&format!("/admin/classes/{}?format=csv", f.class_a))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let risks = d.get("/analytique/risques?tous=1&format=xlsx").await;
    assert_eq!(risks.status, StatusCode::OK);

    // The leaderboard: a hidden name stays hidden in the file.
    sqlx::query("INSERT INTO gamification_privacy (student_id, hide_name) VALUES ($1, TRUE)")
        .bind(f.s3)
        .execute(&app.db.pool)
        .await
        .unwrap();
    let s2 = suku::school::student(&app.db.pool, f.s2)
        .await
        .unwrap()
        .unwrap();
    let s3 = suku::school::student(&app.db.pool, f.s3)
        .await
        .unwrap()
        .unwrap();
    let mut p1 = app.login_as("parent_1").await;
    let url = format!(
        "/classements?scope=classe&classe={}&type=points&periode=tout",
        f.class_b
    );
    assert!(p1.get(&url).await.body.contains("format=csv"));
    let csv = p1.get(&format!("{url}&format=csv")).await;
    assert_eq!(csv.status, StatusCode::OK);
    let rows = csv_rows(&csv.bytes);
    assert_eq!(rows[0][0], "Rang");
    let names: Vec<&str> = rows[1..].iter().map(|r| r[1].as_str()).collect();
    assert!(names.contains(&s2.list_name().as_str()), "{names:?}");
    assert!(names.contains(&"Élève anonyme"), "{names:?}");
    assert!(!String::from_utf8_lossy(&csv.bytes).contains(&s3.last_name.to_uppercase()));
}

#[tokio::test]
async fn a_family_downloads_its_statement_of_account_and_no_other() {
    let app = TestApp::new().await;
    let f = app.f.clone();
    seed_fees(&app).await;
    let s1 = suku::school::student(&app.db.pool, f.s1)
        .await
        .unwrap()
        .unwrap();
    let s2 = suku::school::student(&app.db.pool, f.s2)
        .await
        .unwrap()
        .unwrap();
    let mut p = app.login_as("parent_1").await;
    let page = p.get(&format!("/parent/enfants/{}", f.s1)).await;
    assert!(
        page.body
            .contains(&format!("/releves/eleves/{}?famille=1", f.s1))
    );
    let r = p.get(&format!("/releves/eleves/{}", f.s1)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "application/pdf");
    let text = pdf_text(&r.bytes);
    // Billed 30 000 + 25 000, paid 10 000: 45 000 left.
    assert!(
        text.contains("10 000 FCFA") && text.contains("45 000 FCFA"),
        "{text}"
    );
    assert!(!text.contains(&s2.list_name()));
    let fam = p
        .get(&format!("/releves/eleves/{}?famille=1&format=csv", f.s1))
        .await;
    let rows = csv_rows(&fam.bytes);
    assert!(
        rows.iter().any(|r| r[1] == s1.list_name()) && rows.iter().any(|r| r[1] == s2.list_name())
    );
    let last = rows.last().unwrap();
    let (family,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(amount), 0) AS BIGINT) FROM ledger_entries WHERE student_id IN ($1, $2)",
    )
    .bind(f.s1)
    .bind(f.s2)
    .fetch_one(&app.db.pool)
    .await
    .unwrap();
    assert_eq!(last.last().unwrap(), &family.to_string());
    // Another family, a teacher, a student: refused.
    for who in ["parent_2", "teacher_a", "student"] {
        let mut c = app.login_as(who).await;
        assert_eq!(
            c.get(&format!("/releves/eleves/{}", f.s1)).await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let mut b = app.login_as("bursar").await;
    assert_eq!(
        b.get(&format!("/releves/eleves/{}?famille=1&format=xlsx", f.s3))
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        b.get("/releves/eleves/999999").await.status,
        StatusCode::NOT_FOUND
    );
}
