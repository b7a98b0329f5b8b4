//! A lesson as a PDF, to read offline or print on slow links: its Markdown turned into plain
//! blocks (headings, paragraphs, list items, quotes, code, tables) given to the export
//! engine's lesson template as data, never as Typst markup, so nothing a teacher writes can
//! run in the template.

use axum::extract::State;
use axum::response::Response;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde_json::{Value, json};

use super::view;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId};

/// A run of text with its style.
fn span(text: &str, bold: bool, italic: bool, strike: bool, code: bool) -> Value {
    json!({"t": text, "b": bold, "i": italic, "s": strike, "c": code})
}

/// The blocks of a Markdown text, in order.
pub fn blocks(md: &str) -> Vec<Value> {
    let mut opts = Options::empty();
    opts.insert(Options::ENABLE_TABLES);
    opts.insert(Options::ENABLE_STRIKETHROUGH);
    let mut out = Vec::new();
    let mut spans: Vec<Value> = Vec::new();
    let (mut bold, mut italic, mut strike) = (0, 0, 0);
    // Per open list: the next number (None: bullets).
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut marker = String::new();
    let mut quote = 0;
    let mut code: Option<String> = None;
    let mut link: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<Vec<Value>>> = Vec::new();
    let mut row: Vec<Vec<Value>> = Vec::new();
    let flush = |out: &mut Vec<Value>, spans: &mut Vec<Value>, block: Value| {
        if !spans.is_empty() {
            let mut b = block;
            b["spans"] = Value::Array(std::mem::take(spans));
            out.push(b);
        }
    };
    for e in Parser::new_ext(md, opts) {
        match e {
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold -= 1,
            Event::Start(Tag::Emphasis) => italic += 1,
            Event::End(TagEnd::Emphasis) => italic -= 1,
            Event::Start(Tag::Strikethrough) => strike += 1,
            Event::End(TagEnd::Strikethrough) => strike -= 1,
            Event::Start(Tag::Link { dest_url, .. }) => link.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(url) = link.pop().filter(|u| u.starts_with("http")) {
                    spans.push(span(&format!(" ({url})"), false, false, false, false));
                }
            }
            Event::Start(Tag::Image { .. }) => {
                spans.push(span("[", false, false, false, false));
            }
            Event::End(TagEnd::Image) => spans.push(span("]", false, false, false, false)),
            Event::Start(Tag::List(start)) => {
                // An item's own text, before its sub-list.
                if !lists.is_empty() {
                    let b = json!({"k": "li", "marker": marker, "depth": lists.len()});
                    flush(&mut out, &mut spans, b);
                }
                lists.push(start);
            }
            Event::End(TagEnd::List(_)) => {
                lists.pop();
            }
            Event::Start(Tag::Item) => {
                marker = match lists.last_mut() {
                    Some(Some(n)) => {
                        *n += 1;
                        format!("{}.", *n - 1)
                    }
                    _ => "•".into(),
                };
            }
            Event::End(TagEnd::Item) => {
                let b = json!({"k": "li", "marker": marker, "depth": lists.len()});
                flush(&mut out, &mut spans, b);
            }
            Event::Start(Tag::BlockQuote(_)) => quote += 1,
            Event::End(TagEnd::BlockQuote(_)) => quote -= 1,
            Event::End(TagEnd::Paragraph) => {
                if lists.is_empty() {
                    let k = if quote > 0 { "quote" } else { "p" };
                    flush(&mut out, &mut spans, json!({ "k": k }));
                } else {
                    spans.push(span(" ", false, false, false, false));
                }
            }
            Event::End(TagEnd::Heading(level)) => {
                let b = json!({"k": "h", "level": level as u8});
                flush(&mut out, &mut spans, b);
            }
            Event::Start(Tag::CodeBlock(_)) => code = Some(String::new()),
            Event::End(TagEnd::CodeBlock) => {
                out.push(json!({"k": "code", "text": code.take().unwrap_or_default()}));
            }
            Event::End(TagEnd::TableCell) => row.push(std::mem::take(&mut spans)),
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => rows.push(std::mem::take(&mut row)),
            Event::End(TagEnd::Table) => {
                let width = rows.iter().map(Vec::len).max().unwrap_or(0);
                let rows: Vec<Vec<Vec<Value>>> = std::mem::take(&mut rows)
                    .into_iter()
                    .map(|mut r| {
                        r.resize(width, Vec::new());
                        r
                    })
                    .collect();
                if width > 0 {
                    out.push(json!({"k": "table", "columns": width, "rows": rows}));
                }
            }
            Event::Rule => out.push(json!({"k": "hr"})),
            Event::Text(t) => match &mut code {
                Some(c) => c.push_str(&t),
                None => spans.push(span(&t, bold > 0, italic > 0, strike > 0, false)),
            },
            Event::Code(t) => spans.push(span(&t, false, false, false, true)),
            Event::SoftBreak => spans.push(span(" ", false, false, false, false)),
            Event::HardBreak => spans.push(json!({"br": true})),
            Event::TaskListMarker(done) => {
                let box_ = if done { "☑ " } else { "☐ " };
                spans.push(span(box_, false, false, false, false));
            }
            _ => {}
        }
    }
    out
}

/// The lesson as a PDF, for whoever may open it now.
pub async fn lesson_pdf(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let o = view::open_lesson(&app.db, u, id, ctx.today()).await?;
    crate::authz::require(o.reader.writer || o.state.is_open())?;
    let files: Vec<String> = crate::files::of_owner(&app.db, super::copy::FILE_OWNER, id)
        .await?
        .into_iter()
        .map(|f| f.name)
        .collect();
    let c = &o.reader.course;
    let data = json!({
        "lang": ctx.t.locale.code(),
        "school": format!("{} · {}", ctx.school.name, ctx.school.city),
        "course": c.title,
        "class": c.class_name,
        "subject": c.subject,
        "title": o.lesson.title,
        "blocks": blocks(&o.lesson.body),
        "files": files,
        "labels": {
            "files": ctx.t.t("course-files"),
            "printed": ctx.t.t1("course-pdf-printed", "date", ctx.t.date(&ctx.today())),
        },
    });
    let pdf = crate::export::render_pdf(
        crate::export::templates::LESSON.to_string(),
        data,
        Vec::new(),
    )
    .await?
    .map_err(|e| AppError::Internal(anyhow::anyhow!("lesson template: {e}")))?;
    let name = crate::export::file_name(&o.lesson.title, "pdf");
    Ok(crate::export::download(pdf, "application/pdf", &name, true))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lesson_template_renders_every_block() {
        let data = json!({
            "lang": "fr", "school": "École · Lomé", "course": "Nombres", "class": "6e A",
            "subject": "Maths", "title": "Les fractions",
            "blocks": blocks("# T\n\nUn **gras** *it* ~~x~~ `c`  \nligne\n\n1. a\n   - b\n\n> q\n\n```\nx\n```\n\n| a | b |\n|---|---|\n| 1 |\n\n---\n"),
            "files": ["fiche.pdf"],
            "labels": {"files": "Fichiers", "printed": "Imprimé le 02/12/2026"},
        });
        let pdf = crate::export::pdf::render(crate::export::templates::LESSON, &data, Vec::new())
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn markdown_becomes_plain_blocks() {
        let b = blocks(
            "# Les fractions\n\nUne **fraction** est un *quotient* : `a/b`.\n\n\
             1. un\n2. deux\n\n- a\n  - b\n\n> À retenir\n\n```\nx = 1\n```\n\n\
             | a | b |\n|---|---|\n| 1 |\n\n[cours](https://example.org) #set page(width: 1cm)\n\n---\n",
        );
        let kinds: Vec<&str> = b.iter().map(|x| x["k"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            [
                "h", "p", "li", "li", "li", "li", "quote", "code", "table", "p", "hr"
            ]
        );
        assert_eq!(b[0]["level"], 1);
        assert_eq!(b[1]["spans"][1]["t"], "fraction");
        assert_eq!(b[1]["spans"][1]["b"], true);
        assert_eq!(b[1]["spans"][3]["i"], true);
        assert_eq!(b[1]["spans"][5]["c"], true);
        assert_eq!(b[2]["marker"], "1.");
        assert_eq!(b[3]["marker"], "2.");
        assert_eq!(b[5]["depth"], 2);
        assert_eq!(b[7]["text"], "x = 1\n");
        // A short row is padded to the table's width.
        assert_eq!(b[8]["rows"][1].as_array().unwrap().len(), 2);
        // Typst markup written by a teacher stays text, and a link shows its address.
        let last: String = b[9]["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["t"].as_str().unwrap_or(""))
            .collect();
        assert_eq!(last, "cours (https://example.org) #set page(width: 1cm)");
    }
}
