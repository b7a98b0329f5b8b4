//! Page numbers for long lists.

use serde::Deserialize;

/// The query of a searchable, paged list.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    /// The page, from 1.
    #[serde(default)]
    pub page: Option<String>,
    /// An optional filter (a class id, a role…), as text so bad input is ignored, not a 400.
    #[serde(default)]
    pub filtre: String,
}

impl ListQuery {
    /// The search as a `LIKE` pattern on a folded search key, or `%%` for everything.
    pub fn like(&self) -> String {
        crate::domain::search_pattern(&self.q)
    }

    /// The requested page, clamped to at least 1.
    pub fn page(&self) -> i64 {
        self.page
            .as_deref()
            .and_then(|p| p.parse::<i64>().ok())
            .unwrap_or(1)
            .clamp(1, 1_000_000)
    }
}

/// Where a list stands: which page, how many in all.
#[derive(Clone, Debug)]
pub struct Pagination {
    /// The current page, from 1.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
    /// Rows in all.
    pub total: i64,
    /// The query string to keep (search and filter), without the page.
    pub keep: String,
}

impl Pagination {
    /// The pagination of `total` rows at `page`.
    pub fn new(page: i64, per_page: i64, total: i64, q: &ListQuery) -> Self {
        let last = ((total + per_page - 1) / per_page).max(1);
        let page = page.min(last);
        let mut keep = form_urlencoded::Serializer::new(String::new());
        if !q.q.is_empty() {
            keep.append_pair("q", &q.q);
        }
        if !q.filtre.is_empty() {
            keep.append_pair("filtre", &q.filtre);
        }
        Pagination {
            page,
            per_page,
            total,
            keep: keep.finish(),
        }
    }

    /// Keeps more of the query in the page links (the list's own filters); empty values
    /// are left out.
    pub fn keep_also(mut self, pairs: &[(&str, &str)]) -> Self {
        let mut keep = form_urlencoded::Serializer::new(std::mem::take(&mut self.keep));
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            keep.append_pair(k, v);
        }
        self.keep = keep.finish();
        self
    }

    /// The SQL offset.
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }

    /// The number of pages (at least 1).
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }

    /// The link to page `p`.
    pub fn href(&self, p: i64) -> String {
        if self.keep.is_empty() {
            format!("?page={p}")
        } else {
            format!("?{}&page={p}", self.keep)
        }
    }

    /// There is a page before this one.
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }

    /// There is a page after this one.
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_links() {
        let q = ListQuery {
            q: "ama".into(),
            ..Default::default()
        };
        let p = Pagination::new(2, 25, 51, &q);
        assert_eq!(p.pages(), 3);
        assert_eq!(p.offset(), 25);
        assert_eq!(p.href(3), "?q=ama&page=3");
        assert!(p.has_prev() && p.has_next());
        assert_eq!(Pagination::new(1, 25, 0, &ListQuery::default()).pages(), 1);
        let p = Pagination::new(1, 25, 51, &q).keep_also(&[("du", "2026-12-01"), ("au", "")]);
        assert_eq!(p.href(2), "?q=ama&du=2026-12-01&page=2");
    }

    #[test]
    fn search_pattern_is_escaped() {
        let q = ListQuery {
            q: " Ko%_ssi ".into(),
            ..Default::default()
        };
        assert_eq!(q.like(), "%ko ssi%");
        assert_eq!(
            ListQuery {
                page: Some("x".into()),
                ..Default::default()
            }
            .page(),
            1
        );
    }
}
