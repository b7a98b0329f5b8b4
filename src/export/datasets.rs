//! The data sets a school's export templates choose from. Each names its columns (with
//! their type), the filters it understands and who may read it; its rows come from the
//! public functions of the feature that owns the data, the same ones its screens use.

use chrono::NaiveDate;

use super::Cell;
use crate::app::AppState;
use crate::auth::CurrentUser;

/// The type of a column: what formats it offers and how it is totalled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A whole number (summed in totals).
    Int,
    /// Francs CFA (summed in totals).
    Xof,
    /// An average in hundredths.
    Hundredths,
    Date,
}

impl Kind {
    /// The formats a column of this type can take: (code, catalog key); the first is the
    /// default.
    pub fn formats(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Text => &[("text", "format-text"), ("upper", "format-upper")],
            Kind::Int => &[("number", "format-number")],
            Kind::Xof => &[("xof", "format-xof"), ("number", "format-number")],
            Kind::Hundredths => &[("decimal", "format-decimal")],
            Kind::Date => &[("date", "format-date"), ("iso", "format-iso")],
        }
    }

    /// Summed in subtotals and totals.
    pub fn summed(self) -> bool {
        matches!(self, Kind::Int | Kind::Xof)
    }
}

/// A column of a data set.
#[derive(Clone, Copy, Debug)]
pub struct Column {
    /// Stable code, stored in templates.
    pub key: &'static str,
    /// Catalog key of its default heading.
    pub label: &'static str,
    pub kind: Kind,
}

/// A filter a data set understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Filter {
    Class,
    Level,
    /// A period (required by averages).
    Period,
    /// A range of days.
    Dates,
}

/// A data set.
#[derive(Clone, Copy, Debug)]
pub struct Dataset {
    /// Stable code, stored in templates.
    pub key: &'static str,
    /// Catalog key of its name.
    pub label: &'static str,
    /// Its columns, in their natural order.
    pub columns: &'static [Column],
    /// The filters it understands.
    pub filters: &'static [Filter],
    /// Money: for the director and the bursar only.
    pub money: bool,
}

const fn col(key: &'static str, label: &'static str, kind: Kind) -> Column {
    Column { key, label, kind }
}

/// Every data set.
pub const ALL: &[Dataset] = &[
    Dataset {
        key: "students",
        label: "dataset-students",
        columns: &[
            col("matricule", "matricule", Kind::Text),
            col("last_name", "last-name", Kind::Text),
            col("first_name", "first-name", Kind::Text),
            col("sex", "sex", Kind::Text),
            col("birth_date", "birth-date", Kind::Date),
            col("birth_place", "birth-place", Kind::Text),
            col("class", "class", Kind::Text),
            col("level", "level", Kind::Text),
            col("guardian", "guardian", Kind::Text),
            col("phone", "phone", Kind::Text),
        ],
        filters: &[Filter::Class, Filter::Level],
        money: false,
    },
    Dataset {
        key: "balances",
        label: "dataset-balances",
        columns: &[
            col("student", "name", Kind::Text),
            col("matricule", "matricule", Kind::Text),
            col("class", "class", Kind::Text),
            col("billed", "billed", Kind::Xof),
            col("discounts", "discounts", Kind::Xof),
            col("paid", "paid", Kind::Xof),
            col("balance", "balance-due", Kind::Xof),
        ],
        filters: &[Filter::Class, Filter::Level],
        money: true,
    },
    Dataset {
        key: "payments",
        label: "dataset-payments",
        columns: &[
            col("receipt", "receipt-no", Kind::Text),
            col("date", "date", Kind::Date),
            col("student", "student", Kind::Text),
            col("matricule", "matricule", Kind::Text),
            col("class", "class", Kind::Text),
            col("method", "payment-method", Kind::Text),
            col("reference", "reference", Kind::Text),
            col("cashier", "cashier", Kind::Text),
            col("amount", "amount", Kind::Xof),
        ],
        filters: &[Filter::Class, Filter::Dates],
        money: true,
    },
    Dataset {
        key: "absences",
        label: "dataset-absences",
        columns: &[
            col("date", "date", Kind::Date),
            col("time", "time", Kind::Text),
            col("student", "student", Kind::Text),
            col("class", "class", Kind::Text),
            col("subject", "subject", Kind::Text),
            col("kind", "absence-kind", Kind::Text),
            col("minutes", "minutes", Kind::Int),
            col("state", "absence-state", Kind::Text),
            col("reason", "reason", Kind::Text),
        ],
        filters: &[Filter::Class, Filter::Dates],
        money: false,
    },
    Dataset {
        key: "averages",
        label: "dataset-averages",
        columns: &[
            col("student", "name", Kind::Text),
            col("matricule", "matricule", Kind::Text),
            col("class", "class", Kind::Text),
            col("general", "general-average", Kind::Hundredths),
            col("rank", "rank", Kind::Text),
            col("mention", "mention", Kind::Text),
        ],
        filters: &[Filter::Class, Filter::Level, Filter::Period],
        money: false,
    },
];

/// The data set of a code.
pub fn find(key: &str) -> Option<&'static Dataset> {
    ALL.iter().find(|d| d.key == key)
}

impl Dataset {
    /// May this member of the administration read it?
    pub fn readable_by(&self, u: &CurrentUser) -> bool {
        u.is_admin() && (!self.money || crate::authz::can_handle_money(u))
    }

    /// A column by code.
    pub fn column(&self, key: &str) -> Option<(usize, &'static Column)> {
        self.columns.iter().enumerate().find(|(_, c)| c.key == key)
    }

    /// Understands this filter.
    pub fn has(&self, f: Filter) -> bool {
        self.filters.contains(&f)
    }
}

/// What the rows are narrowed to.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Filters {
    pub class_id: Option<i64>,
    pub level_id: Option<i64>,
    /// The period (averages).
    pub period_id: Option<i64>,
    /// From this day.
    pub from: Option<NaiveDate>,
    /// To this day, included.
    pub to: Option<NaiveDate>,
}

/// The rows of a data set, each with one cell per column of the set, in the language of
/// `t` for the texts that are labels (a payment method, an absence's kind).
pub async fn rows(
    app: &AppState,
    t: &crate::i18n::Tr,
    ds: &Dataset,
    f: &Filters,
) -> anyhow::Result<Vec<Vec<Cell>>> {
    let db = &app.db;
    let Some(year) = crate::school::current_year(db).await? else {
        return Ok(Vec::new());
    };
    let text = |s: &str| Cell::Text(s.to_owned());
    let opt = |s: &Option<String>| s.clone().map(Cell::Text).unwrap_or(Cell::Empty);
    // Days default to the school year so far.
    let today = app.clock.today();
    let from = f.from.unwrap_or(today - chrono::Days::new(366));
    let to = f.to.unwrap_or(today);
    Ok(match ds.key {
        "students" => crate::school::year_students(db, year.id, f.class_id, f.level_id)
            .await?
            .into_iter()
            .map(|s| {
                vec![
                    text(&s.matricule),
                    text(&s.last_name.to_uppercase()),
                    text(&s.first_name),
                    text(&s.sex),
                    s.birth_date.map(Cell::Date).unwrap_or(Cell::Empty),
                    opt(&s.birth_place),
                    text(&s.class_name),
                    text(&s.level_name),
                    opt(&s.guardian),
                    s.phone
                        .as_deref()
                        .map(|p| Cell::Text(crate::domain::display_phone(p)))
                        .unwrap_or(Cell::Empty),
                ]
            })
            .collect(),
        "balances" => crate::fees::reports::balances_of(db, year.id, f.class_id, f.level_id)
            .await?
            .into_iter()
            .map(|b| {
                vec![
                    Cell::Text(b.student()),
                    text(&b.matricule),
                    text(&b.class_name),
                    Cell::Xof(b.billed),
                    Cell::Xof(b.discounts),
                    Cell::Xof(b.paid),
                    Cell::Xof(b.balance),
                ]
            })
            .collect(),
        "payments" => {
            let class = match f.class_id {
                Some(id) => crate::school::class(db, id).await?.map(|c| c.name),
                None => None,
            };
            let start = from.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
            let end = (to + chrono::Days::new(1))
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default()
                .and_utc();
            crate::fees::repo::receipts_between(db, start, end)
                .await?
                .into_iter()
                .filter(|r| class.is_none() || r.class_name == class)
                .map(|r| {
                    vec![
                        text(&r.receipt_no),
                        Cell::Date(r.received_at.date_naive()),
                        Cell::Text(r.student()),
                        text(&r.matricule),
                        opt(&r.class_name),
                        Cell::Text(t.t(r.method_key())),
                        opt(&r.reference),
                        opt(&r.cashier),
                        Cell::Xof(r.amount),
                    ]
                })
                .collect()
        }
        "absences" => crate::attendance::repo::between(db, from, to, f.class_id)
            .await?
            .into_iter()
            .map(|a| {
                vec![
                    Cell::Date(a.held_on),
                    text(&a.starts_at),
                    text(&a.student),
                    text(&a.class_name),
                    opt(&a.subject),
                    Cell::Text(t.t(a.kind_key())),
                    Cell::Int(a.minutes),
                    Cell::Text(t.t(a.state_key())),
                    opt(&a.reason),
                ]
            })
            .collect(),
        "averages" => {
            let Some(period) = f.period_id else {
                return Ok(Vec::new());
            };
            let mut out = Vec::new();
            for c in crate::school::classes(db, year.id).await? {
                if f.class_id.is_some_and(|id| id != c.id) {
                    continue;
                }
                if let Some(level) = f.level_id
                    && crate::school::class_level(db, c.id).await? != Some(level)
                {
                    continue;
                }
                let roster = crate::school::roster(db, c.id).await?;
                let ids: Vec<i64> = roster.iter().map(|s| s.id).collect();
                let (_, computed) = crate::bulletins::for_class(db, c.id, period, &ids).await?;
                for (s, b) in roster.iter().zip(computed.bulletins) {
                    out.push(vec![
                        Cell::Text(s.list_name()),
                        text(&s.matricule),
                        text(&c.name),
                        Cell::hundredths(b.general),
                        match b.rank {
                            Some(r) => Cell::Text(t.rank(Some(r))),
                            None => Cell::Empty,
                        },
                        b.mention
                            .map(|m| Cell::Text(t.t(m.key())))
                            .unwrap_or(Cell::Empty),
                    ]);
                }
            }
            out
        }
        _ => Vec::new(),
    })
}
