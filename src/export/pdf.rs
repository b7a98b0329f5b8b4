//! PDF documents: Typst used as a library. A document is a Typst source (one of ours, or a
//! school's own) plus the data it is given as `/data.json` and, when there is one, the
//! school's logo as `/logo` and a QR code as `/qr.svg`. The world a template sees holds those
//! files and nothing else: no file system, no network, no packages.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, PackageError, Severity, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World};

/// The fonts every document can use: Libertinus Serif (text), New Computer Modern and
/// DejaVu Sans Mono, embedded in the program so that a document looks the same everywhere.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

/// A file a template may read besides its data.
#[derive(Clone, Debug)]
pub struct Asset {
    /// Its path, as the template names it ("/logo", "/photos/12").
    pub path: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// Why a template gave no document: what the author of the template needs to fix it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {message}")]
pub struct TemplateError {
    /// 1-based line in the template (0 when the error has no place).
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// Typst's message (English), with its hints.
    pub message: String,
    /// The line of the template, to show under the message.
    pub excerpt: String,
}

struct Doc {
    main: Source,
    data: Bytes,
    assets: Vec<(FileId, Bytes)>,
    today: chrono::NaiveDate,
}

/// The id of a path made by the program (a bad one is a programming error caught by tests).
fn try_file_id(path: &str) -> Option<FileId> {
    Some(RootedPath::new(VirtualRoot::Project, VirtualPath::new(path).ok()?).intern())
}

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("a constant path"),
    )
    .intern()
}

impl World for Doc {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(denied(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.main.id() {
            return Ok(Bytes::from_string(self.main.clone()));
        }
        if id == file_id("/data.json") {
            return Ok(self.data.clone());
        }
        self.assets
            .iter()
            .find(|(a, _)| *a == id)
            .map(|(_, b)| b.clone())
            .ok_or_else(|| denied(id))
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        use chrono::Datelike;
        Datetime::from_ymd(
            self.today.year(),
            self.today.month() as u8,
            self.today.day() as u8,
        )
    }
}

/// Anything but the document's own files is out of reach.
fn denied(id: FileId) -> FileError {
    match id.root() {
        VirtualRoot::Package(spec) => FileError::Package(PackageError::NotFound(spec.clone())),
        VirtualRoot::Project => FileError::NotFound(id.vpath().get_with_slash().into()),
    }
}

/// Compiles a template with its data into a PDF. CPU-bound: call it off the async runtime
/// (`tokio::task::spawn_blocking`) from a request.
pub fn render(
    source: &str,
    data: &serde_json::Value,
    assets: Vec<Asset>,
) -> Result<Vec<u8>, TemplateError> {
    let main = Source::new(file_id("/main.typ"), source.to_owned());
    if let Some(refused) = forbidden(&main) {
        return Err(refused);
    }
    let doc = Doc {
        main,
        data: Bytes::new(serde_json::to_vec(data).unwrap_or_default()),
        assets: assets
            .into_iter()
            .filter_map(|a| Some((try_file_id(&a.path)?, Bytes::new(a.bytes))))
            .collect(),
        // Typst's `datetime.today()`, for a school's own layout: the wall's date (documents
        // carry their own dates in their data).
        today: crate::clock::wall().date_naive(),
    };
    let compiled = typst::compile::<typst_layout::PagedDocument>(&doc).output;
    // Typst memoizes across compilations. Each document here has its own data, so little is
    // reused, and keeping the cache made a whole school's bulletins grow the process run
    // after run (371, 376, 393 MiB); dropping it keeps a batch bounded (207, 212, 212 MiB).
    typst::comemo::evict(0);
    let document = compiled.map_err(|errors| explain(&doc, &errors))?;
    typst_pdf::pdf(&document, &typst_pdf::PdfOptions::default())
        .map_err(|errors| explain(&doc, &errors))
}

/// Functions a template may not call: `bibliography` and `cite` parse bibliographies and
/// citation styles (XML and YAML parsers with known denial-of-service advisories), `plugin`
/// runs WebAssembly, and `eval` would let a template spell any of them in a string. A
/// school's letterhead or report card needs none of them.
const FORBIDDEN: [&str; 4] = ["bibliography", "cite", "eval", "plugin"];

/// The first use of a [`FORBIDDEN`] function in `source`, as the author is told of it.
fn forbidden(source: &Source) -> Option<TemplateError> {
    use typst::syntax::{LinkedNode, SyntaxKind};
    fn walk(node: &LinkedNode) -> Option<(usize, String)> {
        if matches!(node.kind(), SyntaxKind::Ident | SyntaxKind::MathIdent)
            && FORBIDDEN.contains(&node.leaf_text().as_str())
        {
            return Some((node.offset(), node.leaf_text().to_string()));
        }
        node.children().find_map(|c| walk(&c))
    }
    let (at, name) = walk(&LinkedNode::new(source.root()))?;
    let (line, column) = source.lines().byte_to_line_column(at).unwrap_or((0, 0));
    Some(TemplateError {
        line: line + 1,
        column: column + 1,
        message: format!("`{name}` is not available in Suku's documents"),
        excerpt: source
            .text()
            .lines()
            .nth(line)
            .unwrap_or_default()
            .to_string(),
    })
}

fn explain(doc: &Doc, errors: &[SourceDiagnostic]) -> TemplateError {
    let Some(first) = errors
        .iter()
        .find(|e| e.severity == Severity::Error)
        .or(errors.first())
    else {
        return TemplateError {
            line: 0,
            column: 0,
            message: "unknown error".into(),
            excerpt: String::new(),
        };
    };
    let mut message = first.message.to_string();
    for hint in &first.hints {
        message.push_str(" (");
        message.push_str(&hint.v);
        message.push(')');
    }
    // The place: the error's own, or the first place in the main source on its trace (an
    // error inside Typst's library points at the call in the template).
    use typst::WorldExt;
    let in_main = |span: typst::syntax::DiagSpan| {
        (span.id() == Some(doc.main.id()))
            .then(|| doc.range(span))
            .flatten()
    };
    let range = in_main(first.span).or_else(|| {
        first
            .trace
            .iter()
            .find_map(|t| in_main(typst::syntax::DiagSpan::from_span(t.span, None)))
    });
    match range {
        Some(r) => {
            let lines = doc.main.lines();
            let (line, column) = lines.byte_to_line_column(r.start).unwrap_or((0, 0));
            TemplateError {
                line: line + 1,
                column: column + 1,
                excerpt: doc
                    .main
                    .text()
                    .lines()
                    .nth(line)
                    .unwrap_or_default()
                    .to_owned(),
                message,
            }
        }
        None => TemplateError {
            line: 0,
            column: 0,
            message,
            excerpt: String::new(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_template_reads_its_data() {
        let pdf = render(
            "#let data = json(\"/data.json\")\nBonjour #data.name",
            &json!({ "name": "Kossi" }),
            vec![],
        )
        .unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = pdf_extract::extract_text_from_mem(&pdf).unwrap();
        assert!(text.contains("Bonjour Kossi"), "{text}");
    }

    #[test]
    fn a_broken_template_says_where() {
        let e = render("= Titre\n\n#let x = (1, 2\nTexte", &json!({}), vec![]).unwrap_err();
        assert_eq!(e.line, 3, "{e:?}");
        assert!(!e.message.is_empty());
        let e = render("Texte\n#undefined_thing(3)", &json!({}), vec![]).unwrap_err();
        assert_eq!((e.line, e.column), (2, 2), "{e:?}");
        assert!(e.message.contains("unknown variable"), "{e:?}");
        assert_eq!(e.excerpt, "#undefined_thing(3)");
    }

    #[test]
    fn a_template_reaches_nothing_outside_its_data() {
        for path in ["/etc/passwd", "../../etc/passwd", "/main.typ.bak"] {
            let e = render(&format!("#read(\"{path}\")"), &json!({}), vec![]).unwrap_err();
            assert!(
                e.message.contains("not found") || e.message.contains("access"),
                "{path}: {e:?}"
            );
        }
        let e = render("#import \"@preview/tablex:0.0.8\": *", &json!({}), vec![]).unwrap_err();
        assert_eq!(e.line, 1, "{e:?}");
        let e = render("#image(\"/logo\")", &json!({}), vec![]).unwrap_err();
        assert_eq!(e.line, 1, "{e:?}");
        for bad in [
            "= Titre\n#bibliography(bytes(\"<x/>\"))",
            "#let f = eval\n#f(\"1\")",
            "Texte\n\n#std.plugin(bytes(\"\"))",
            "$cite$",
        ] {
            let e = render(bad, &json!({}), vec![]).unwrap_err();
            assert!(e.message.contains("not available"), "{bad}: {e:?}");
        }
        let e = render(
            "= Titre\n#bibliography(bytes(\"<x/>\"))",
            &json!({}),
            vec![],
        )
        .unwrap_err();
        assert_eq!((e.line, e.column), (2, 2));
        // The words in the text of a document are only text.
        assert!(render("On cite la bibliographie.", &json!({}), vec![]).is_ok());
    }
}
