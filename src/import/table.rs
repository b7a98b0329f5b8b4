//! Reading a table from what people upload: CSV as French Excel writes it (semicolons,
//! Windows-1252) or as anything else writes it (commas, UTF-8 with or without BOM), or the
//! first sheet of an XLSX workbook. Cells come out as trimmed text; dates typed as dates in
//! Excel come out as "AAAA-MM-JJ".

use std::io::Cursor;

/// A table: the header row and the data rows, each row as long as the header.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    /// Column titles as written.
    pub header: Vec<String>,
    /// Data rows with their line number in the file (the header is line 1).
    pub rows: Vec<(usize, Vec<String>)>,
}

/// The most a file may hold, counting only cells with something in them: a school's list
/// is a few thousand lines of a few columns. Anything beyond is refused before it is
/// built, so that a small hostile file cannot make the server build a huge table.
pub const MAX_ROWS: usize = 10_000;
/// See [`MAX_ROWS`].
pub const MAX_COLUMNS: usize = 100;
/// The largest file a table may come in (a school's list is a few hundred kilobytes).
pub const MAX_FILE: usize = 5 << 20;
/// An XLSX workbook is a ZIP archive: the parts it unpacks to, together, at most this many
/// bytes (a 5 MB upload of XML compresses about tenfold; a ZIP bomb a millionfold).
const MAX_UNPACKED: u64 = 32 << 20;
/// Each part, at most this many bytes unpacked: a sheet of 10,000 lines fits; the shared
/// texts, read whole before any limit on cells applies, cannot weigh more (8 MB of them
/// took 100 MB of memory to read when they could be 32).
const MAX_PART: u64 = 8 << 20;
/// Parts in the archive.
const MAX_PARTS: usize = 2_000;
/// One cell's text, in bytes (a cell of an XLSX file may point to one huge shared text).
const MAX_CELL: usize = 4_096;

/// Why a file could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Neither CSV text nor an XLSX workbook.
    #[error("import-error-format")]
    Format,
    /// No header, or no data rows.
    #[error("import-error-empty")]
    Empty,
    /// More lines or columns than [`MAX_ROWS`] and [`MAX_COLUMNS`], or an archive that
    /// unpacks to too much.
    #[error("import-error-too-big")]
    TooBig,
}

impl ReadError {
    /// The catalog key.
    pub fn key(self) -> &'static str {
        match self {
            ReadError::Format => "import-error-format",
            ReadError::Empty => "import-error-empty",
            ReadError::TooBig => "import-error-too-big",
        }
    }

    /// The message in the reader's language.
    pub fn message(self, t: &crate::i18n::Tr) -> String {
        match self {
            ReadError::TooBig => t.t2(
                self.key(),
                "rows",
                t.int(MAX_ROWS as i64),
                "columns",
                t.int(MAX_COLUMNS as i64),
            ),
            _ => t.t(self.key()),
        }
    }
}

/// The error of a multipart form that carries a table: too large for [`MAX_FILE`], or not
/// a form at all.
pub fn form_error(e: &axum::extract::multipart::MultipartError) -> crate::error::AppError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        crate::error::AppError::TooLarge("import-error-file-too-large")
    } else {
        crate::error::AppError::BadRequest("error-bad-request")
    }
}

/// Reads an uploaded file off the async threads, a few at a time (`turns`): parsing is
/// CPU work, and a burst of uploads must not stall every page.
pub async fn read_off_thread(
    turns: &crate::web::Heavy,
    bytes: Vec<u8>,
) -> Result<Result<Table, ReadError>, crate::error::AppError> {
    let _turn = turns.turn().await;
    tokio::task::spawn_blocking(move || read(&bytes))
        .await
        .map_err(|e| crate::error::AppError::Internal(e.into()))
}

/// Reads an uploaded file, by its content (an XLSX file is a ZIP archive) rather than its name.
pub fn read(bytes: &[u8]) -> Result<Table, ReadError> {
    let table = if bytes.starts_with(b"PK\x03\x04") {
        read_xlsx(bytes)?
    } else {
        read_csv(&decode(bytes))?
    };
    if table.header.iter().all(|h| h.is_empty()) || table.rows.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(table)
}

/// Text from UTF-8 (BOM dropped) or, failing that, Windows-1252 as French Excel saves CSV.
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0.into_owned(),
    }
}

/// The separator of the header line: the most frequent of `;`, `,` and tab outside quotes.
fn sniff(text: &str) -> u8 {
    let first = text.lines().next().unwrap_or("");
    let mut counts = [(b';', 0), (b',', 0), (b'\t', 0)];
    let mut quoted = false;
    for b in first.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut() {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    counts
        .iter()
        .max_by_key(|c| c.1)
        .filter(|c| c.1 > 0)
        .map(|c| c.0)
        .unwrap_or(b';')
}

fn read_csv(text: &str) -> Result<Table, ReadError> {
    read_csv_limited(text, MAX_ROWS)
}

/// A CSV table of at most `max_rows` data rows, from a file the operator names (the command
/// line reads a school's whole history, larger than an upload may be).
pub fn read_csv_file(bytes: &[u8], max_rows: usize) -> Result<Table, ReadError> {
    let table = read_csv_limited(&decode(bytes), max_rows)?;
    if table.header.iter().all(|h| h.is_empty()) || table.rows.is_empty() {
        return Err(ReadError::Empty);
    }
    Ok(table)
}

fn read_csv_limited(text: &str, max_rows: usize) -> Result<Table, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(sniff(text))
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    let mut rec = csv::StringRecord::new();
    let mut i = 0usize;
    while reader
        .read_record(&mut rec)
        .map_err(|_| ReadError::Format)?
    {
        // Trailing empty cells do not count: spreadsheets write whole rows of separators.
        let used = (0..rec.len())
            .rev()
            .find(|&k| !rec[k].trim().is_empty())
            .map_or(0, |k| k + 1);
        if used > MAX_COLUMNS {
            return Err(ReadError::TooBig);
        }
        let cells: Vec<String> = rec
            .iter()
            .take(used)
            .map(|c| c.trim().to_string())
            .collect();
        // The header is line 1; a cell spanning lines would shift this, which schools' lists
        // do not have.
        let line = i + 1;
        if i == 0 {
            table.header = cells;
        } else if !cells.is_empty() {
            if table.rows.len() >= max_rows {
                return Err(ReadError::TooBig);
            }
            table.rows.push((line, cells));
        }
        i += 1;
    }
    pad(&mut table);
    Ok(table)
}

/// Unpacks every part of the archive once, counting, without keeping anything: the sizes a
/// ZIP declares may lie, the bytes that come out do not.
fn check_archive(bytes: &[u8]) -> Result<(), ReadError> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ReadError::Format)?;
    if zip.len() > MAX_PARTS {
        return Err(ReadError::TooBig);
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let part = zip.by_index(i).map_err(|_| ReadError::Format)?;
        let n = std::io::copy(&mut part.take(MAX_PART + 1), &mut std::io::sink())
            .map_err(|_| ReadError::Format)?;
        total += n;
        if n > MAX_PART || total > MAX_UNPACKED {
            return Err(ReadError::TooBig);
        }
    }
    Ok(())
}

fn read_xlsx(bytes: &[u8]) -> Result<Table, ReadError> {
    use calamine::{DataRef, Reader, Xlsx};
    check_archive(bytes)?;
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|_| ReadError::Format)?;
    let first = book
        .sheet_names()
        .first()
        .cloned()
        .ok_or(ReadError::Empty)?;
    let mut cells = book
        .worksheet_cells_reader(&first)
        .map_err(|_| ReadError::Format)?;
    let text = |d: &DataRef| -> String {
        match d {
            DataRef::Empty => String::new(),
            DataRef::String(s) => s.trim().to_string(),
            DataRef::SharedString(s) => s.trim().to_string(),
            DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
            DataRef::Float(f) => f.to_string(),
            DataRef::Int(i) => i.to_string(),
            DataRef::Bool(b) => b.to_string(),
            // Excel counts days from 30/12/1899 (its 1900 leap-year bug included).
            DataRef::DateTime(dt) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| {
                    base.checked_add_days(chrono::Days::new(dt.as_f64().clamp(0.0, 3e6) as u64))
                })
                .map(|d| d.to_string())
                .unwrap_or_default(),
            DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
            DataRef::Error(_) => String::new(),
        }
    };
    // Cells come one by one, in any order and anywhere on the sheet: only those with
    // something in them are kept, and one past the limits ends the reading. A workbook
    // with one cell at A1 and one at XFD1048576 is two cells, not 17 billion.
    let mut found: std::collections::BTreeMap<(u32, u32), String> = Default::default();
    let mut kept = 0usize;
    while let Some(cell) = cells.next_cell().map_err(|_| ReadError::Format)? {
        let (row, col) = cell.get_position();
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let big = match cell.get_value() {
            DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.len(),
            DataRef::SharedString(s) => s.len(),
            _ => 0,
        };
        kept += big;
        if big > MAX_CELL || kept > MAX_UNPACKED as usize || found.len() >= MAX_ROWS * 8 {
            return Err(ReadError::TooBig);
        }
        let value = text(cell.get_value());
        if !value.is_empty() {
            found.insert((row, col), value);
        }
    }
    let (Some(top), Some(left)) = (
        found.keys().map(|(r, _)| *r).min(),
        found.keys().map(|(_, c)| *c).min(),
    ) else {
        return Err(ReadError::Empty);
    };
    let bottom = found.keys().map(|(r, _)| *r).max().unwrap_or(top);
    let right = found.keys().map(|(_, c)| *c).max().unwrap_or(left);
    if (bottom - top) as usize > MAX_ROWS || (right - left) as usize >= MAX_COLUMNS {
        return Err(ReadError::TooBig);
    }
    let width = (right - left + 1) as usize;
    let mut table = Table::default();
    let mut current: Option<(u32, Vec<String>)> = None;
    let flush = |table: &mut Table, row: u32, cells: Vec<String>| {
        if row == top {
            table.header = cells;
        } else {
            table.rows.push((row as usize + 1, cells));
        }
    };
    for ((row, col), value) in found {
        if current.as_ref().is_some_and(|(r, _)| *r != row) {
            let (r, cells) = current.take().expect("checked above");
            flush(&mut table, r, cells);
        }
        let line = current.get_or_insert_with(|| (row, vec![String::new(); width]));
        line.1[(col - left) as usize] = value;
    }
    if let Some((r, cells)) = current {
        flush(&mut table, r, cells);
    }
    pad(&mut table);
    Ok(table)
}

fn pad(t: &mut Table) {
    while t.header.last().is_some_and(|h| h.is_empty()) {
        t.header.pop();
    }
    let n = t.header.len();
    for (_, r) in t.rows.iter_mut() {
        r.resize(n.max(r.len()), String::new());
    }
}

/// A column title reduced for matching: no accents, no case, no punctuation.
pub fn key(title: &str) -> String {
    crate::domain::fold(title)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_excel_csv() {
        // "Élève;Prénoms" in Windows-1252, semicolons, CRLF, a quoted cell with a semicolon.
        let mut bytes =
            b"Nom;Pr\xe9noms;Classe\r\nAMEGAN;Kossi;6e A\r\n\"DE SOUZA; Jr\";Efoe;6e B\r\n;;\r\n"
                .to_vec();
        bytes.extend_from_slice(b"");
        let t = read(&bytes).unwrap();
        assert_eq!(t.header, ["Nom", "Prénoms", "Classe"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(
            t.rows[1],
            (3, vec!["DE SOUZA; Jr".into(), "Efoe".into(), "6e B".into()])
        );
    }

    #[test]
    fn utf8_with_bom_and_commas() {
        let t = read("\u{feff}nom,prénoms\nAgbo,Afi\n".as_bytes()).unwrap();
        assert_eq!(t.header, ["nom", "prénoms"]);
        assert_eq!(t.rows, vec![(2, vec!["Agbo".into(), "Afi".into()])]);
    }

    #[test]
    fn empty_and_garbage() {
        assert_eq!(read(b"nom;prenoms\n"), Err(ReadError::Empty));
        assert_eq!(read(b"PK\x03\x04garbage"), Err(ReadError::Format));
    }

    #[test]
    fn csv_past_the_limits_is_refused_before_it_is_built() {
        let wide = format!(
            "{}\n{}\n",
            "a;".repeat(MAX_COLUMNS + 1),
            "x;".repeat(MAX_COLUMNS + 1)
        );
        assert_eq!(read(wide.as_bytes()), Err(ReadError::TooBig));
        let long = format!("nom\n{}", "x\n".repeat(MAX_ROWS + 1));
        assert_eq!(read(long.as_bytes()), Err(ReadError::TooBig));
        // Separators alone do not make columns.
        let padded = format!(
            "nom;prenoms{}\nAgbo;Afi{}\n",
            ";".repeat(5000),
            ";".repeat(5000)
        );
        let t = read(padded.as_bytes()).unwrap();
        assert_eq!(t.header, ["nom", "prenoms"]);
        assert_eq!(t.rows[0].1, ["Agbo", "Afi"]);
    }

    #[test]
    fn keys_ignore_accents_and_case() {
        assert_eq!(key("Prénom(s)"), "prenoms");
        assert_eq!(key("Date de naissance"), "datedenaissance");
    }

    // ------------------------------------------------------------- hostile files

    /// A workbook with one sheet of the given XML, packed as Excel packs it.
    fn workbook(
        sheet_xml: &[u8],
        shared: Option<&[u8]>,
        method: zip::CompressionMethod,
    ) -> Vec<u8> {
        use std::io::Write;
        let mut out = Vec::new();
        {
            let mut z = zip::ZipWriter::new(std::io::Cursor::new(&mut out));
            let o = zip::write::SimpleFileOptions::default().compression_method(method);
            let mut part = |name: &str, bytes: &[u8]| {
                z.start_file(name, o).unwrap();
                z.write_all(bytes).unwrap();
            };
            part(
                "[Content_Types].xml",
                br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#,
            );
            part(
                "_rels/.rels",
                br#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            );
            part(
                "xl/workbook.xml",
                br#"<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            );
            let mut rels = String::from(
                r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
            );
            if shared.is_some() {
                rels.push_str(r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>"#);
            }
            rels.push_str("</Relationships>");
            part("xl/_rels/workbook.xml.rels", rels.as_bytes());
            if let Some(sst) = shared {
                part("xl/sharedStrings.xml", sst);
            }
            part("xl/worksheets/sheet1.xml", sheet_xml);
            z.finish().unwrap();
        }
        out
    }

    fn sheet(dimension: &str, cells: &[(&str, &str)]) -> Vec<u8> {
        let mut x = format!(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>"#
        );
        for (r, v) in cells {
            let row: String = r.chars().filter(char::is_ascii_digit).collect();
            x.push_str(&format!(
                r#"<row r="{row}"><c r="{r}" t="inlineStr"><is><t>{v}</t></is></c></row>"#
            ));
        }
        x.push_str("</sheetData></worksheet>");
        x.into_bytes()
    }

    /// The reproductions of the security review, and generated hostile files: each is read
    /// (or refused) without a panic. Memory is what the parent test bounds.
    #[test]
    #[ignore = "run by hostile_files_are_read_in_bounded_memory, in a child with capped memory"]
    fn hostile_files_child() {
        let deflate = zip::CompressionMethod::Deflated;
        // A1 and XFD1048576: 1.5 KB that once asked for 512 GiB.
        let far = workbook(
            &sheet("A1:XFD1048576", &[("A1", "nom"), ("XFD1048576", "x")]),
            None,
            deflate,
        );
        assert!(far.len() < 2_000);
        assert_eq!(read(&far), Err(ReadError::TooBig));
        // A1 and CV100000: once 300 MB a request.
        let wide = workbook(
            &sheet("A1:CV100000", &[("A1", "nom"), ("CV100000", "x")]),
            None,
            deflate,
        );
        assert_eq!(read(&wide), Err(ReadError::TooBig));
        // A declared dimension that lies costs nothing: only the cells count.
        let liar = workbook(
            &sheet("A1:XFD1048576", &[("A1", "nom"), ("A2", "Agbo")]),
            None,
            deflate,
        );
        assert_eq!(
            read(&liar).unwrap().rows,
            vec![(2, vec!["Agbo".to_string()])]
        );
        // A ZIP bomb: 200 MB of sheet in a few hundred kilobytes.
        let mut huge = sheet("A1", &[("A1", "nom"), ("A2", "x")]);
        let tail = huge.split_off(huge.len() - "</sheetData></worksheet>".len());
        huge.resize(huge.len() + (200 << 20), b' ');
        huge.extend_from_slice(&tail);
        let bomb = workbook(&huge, None, deflate);
        drop(huge);
        assert!(bomb.len() < 1 << 20, "{}", bomb.len());
        assert_eq!(read(&bomb), Err(ReadError::TooBig));
        // One 30 MB shared text, named by a thousand cells.
        let mut sst = b"<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>".to_vec();
        sst.resize(sst.len() + (30 << 20), b'a');
        sst.extend_from_slice(b"</t></si></sst>");
        let mut x = String::from(
            r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        );
        for r in 1..=1000 {
            x.push_str(&format!(
                r#"<row r="{r}"><c r="A{r}" t="s"><v>0</v></c></row>"#
            ));
        }
        x.push_str("</sheetData></worksheet>");
        let shared = workbook(x.as_bytes(), Some(&sst), deflate);
        drop(sst);
        assert_eq!(read(&shared), Err(ReadError::TooBig));
        // A CSV of one line with millions of separators, and one of a million lines.
        assert_eq!(
            read(";".repeat(5_000_000).as_bytes()),
            Err(ReadError::Empty)
        );
        assert_eq!(
            read(format!("a\n{}", "x\n".repeat(1_000_000)).as_bytes()),
            Err(ReadError::TooBig)
        );

        // Generated: cells anywhere on the sheet, any number of them; random CSV shapes.
        use proptest::prelude::*;
        let mut runner = proptest::test_runner::TestRunner::new(proptest::test_runner::Config {
            cases: 64,
            failure_persistence: None,
            ..Default::default()
        });
        let cell = (0u32..1_048_576, 0u32..16_384, "[a-z0-9 ]{0,12}");
        runner
            .run(&proptest::collection::vec(cell, 1..40), |cells| {
                let mut x = String::from(r#"<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="A1:XFD1048576"/><sheetData>"#);
                for (r, c, v) in &cells {
                    let mut col = String::new();
                    let mut n = c + 1;
                    while n > 0 {
                        col.insert(0, (b'A' + ((n - 1) % 26) as u8) as char);
                        n = (n - 1) / 26;
                    }
                    x.push_str(&format!(r#"<row r="{}"><c r="{col}{}" t="inlineStr"><is><t>{v}</t></is></c></row>"#, r + 1, r + 1));
                }
                x.push_str("</sheetData></worksheet>");
                let _ = read(&workbook(x.as_bytes(), None, deflate));
                Ok(())
            })
            .unwrap();
        let csv = proptest::collection::vec(
            prop_oneof![
                Just(";"),
                Just(","),
                Just("\n"),
                Just("\""),
                Just("x"),
                Just("\r\n"),
                Just("\t")
            ],
            0..5_000,
        );
        runner
            .run(&csv, |parts| {
                let text = parts.concat().repeat(50);
                let _ = read(text.as_bytes());
                Ok(())
            })
            .unwrap();
    }

    /// Runs [`hostile_files_child`] in a child process whose address space is capped at
    /// 1 GiB: a regression that builds a dense table or unpacks a bomb fails this test (the
    /// allocation fails, the child aborts) instead of taking the machine's memory.
    #[test]
    fn hostile_files_are_read_in_bounded_memory() {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new("sh")
            .arg("-c")
            .arg(r#"ulimit -v 1048576 && exec "$0" --exact import::table::tests::hostile_files_child --ignored --test-threads=1"#)
            .arg(exe)
            .env("MALLOC_ARENA_MAX", "1")
            .output()
            .unwrap();
        let log = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{log}");
        assert!(log.contains("1 passed"), "{log}");
    }
}
