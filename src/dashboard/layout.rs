//! A dashboard's arrangement: its widgets in order, each with a width and its options. The
//! edits a person makes, and the role's default merged in (the widgets the administration
//! locked stay on every dashboard of the role). Plain functions, tested without a database.

use serde::{Deserialize, Serialize};

/// How wide a widget is on a large screen (a phone shows every widget full width).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Size {
    Third,
    Half,
    Full,
}

impl Size {
    pub const ALL: [Size; 3] = [Size::Third, Size::Half, Size::Full];

    /// The code in forms and JSON.
    pub fn code(self) -> &'static str {
        match self {
            Size::Third => "third",
            Size::Half => "half",
            Size::Full => "full",
        }
    }

    pub fn parse(s: &str) -> Option<Size> {
        Size::ALL.into_iter().find(|z| z.code() == s)
    }
}

/// One widget on a dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Unique on the dashboard. The role's default numbers its widgets from 1; a person's own
    /// additions from [`OWN_IDS`], so a widget the administration adds later never takes the
    /// number of one a person added.
    pub id: i64,
    /// The widget's kind (see [`super::widgets::Kind`]).
    pub kind: String,
    pub size: Size,
    /// The child it is about (a parent's widget).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<i64>,
    /// The class it is about (a teacher's or the administration's widget).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<i64>,
    /// Set by the administration on a role's default: nobody of the role may remove it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub locked: bool,
}

/// A person's own widgets are numbered from here.
pub const OWN_IDS: i64 = 1_000_000;
/// At most this many widgets on one dashboard.
pub const MAX_ITEMS: usize = 24;

/// A change to a dashboard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Edit {
    /// One place up (towards the top) or down.
    Move {
        id: i64,
        up: bool,
    },
    Resize {
        id: i64,
        size: Size,
    },
    Remove {
        id: i64,
    },
    Add {
        kind: String,
        size: Size,
    },
    /// The child and class it is about (`None`: the default one).
    Options {
        id: i64,
        child: Option<i64>,
        class: Option<i64>,
    },
    /// The widgets in this order (a drag and drop): ids not given keep their order after them.
    Order(Vec<i64>),
    /// Lock or unlock (a role's default only).
    Lock {
        id: i64,
        locked: bool,
    },
}

/// Why an edit was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// No such widget on this dashboard.
    NotFound,
    /// The administration locked it.
    Locked,
    TooMany,
}

impl Refused {
    /// The catalog key of the message.
    pub fn key(self) -> &'static str {
        match self {
            Refused::NotFound => "dash-error-not-found",
            Refused::Locked => "dash-error-locked",
            Refused::TooMany => "dash-error-too-many",
        }
    }
}

/// What a person of a role sees: their own arrangement if they made one, else the default.
/// The default's locked widgets are always there (at their place in the default when a
/// person's arrangement lacks them), and only the default locks. A widget is the default's
/// when both its number and its kind match (the administration may have reused a number).
pub fn effective(default: &[Item], own: Option<&[Item]>) -> Vec<Item> {
    let Some(own) = own else {
        return default.to_vec();
    };
    let same = |a: &Item, b: &Item| a.id == b.id && a.kind == b.kind;
    let mut out: Vec<Item> = own
        .iter()
        .map(|i| Item {
            locked: default.iter().any(|d| d.locked && same(d, i)),
            ..i.clone()
        })
        .collect();
    for (at, d) in default.iter().enumerate() {
        if !d.locked || out.iter().any(|i| same(i, d)) {
            continue;
        }
        // A person's widget holding the number under another kind takes a number of its own.
        if let Some(i) = out.iter().position(|i| i.id == d.id) {
            let next = out.iter().map(|i| i.id).max().unwrap_or(0).max(OWN_IDS) + 1;
            out[i].id = next;
        }
        out.insert(at.min(out.len()), d.clone());
    }
    out
}

/// Applies an edit. `own` numbers a new widget as a person's own (else as a default's);
/// `default_locks` says whether removing a locked widget is refused (a person's dashboard)
/// or allowed (the administration editing the default).
pub fn apply(items: &mut Vec<Item>, edit: Edit, own: bool) -> Result<(), Refused> {
    let at = |items: &Vec<Item>, id: i64| {
        items
            .iter()
            .position(|i| i.id == id)
            .ok_or(Refused::NotFound)
    };
    match edit {
        Edit::Move { id, up } => {
            let i = at(items, id)?;
            let j = if up {
                i.checked_sub(1)
            } else {
                Some(i + 1).filter(|j| *j < items.len())
            };
            if let Some(j) = j {
                items.swap(i, j);
            }
        }
        Edit::Resize { id, size } => {
            let i = at(items, id)?;
            items[i].size = size;
        }
        Edit::Remove { id } => {
            let i = at(items, id)?;
            if own && items[i].locked {
                return Err(Refused::Locked);
            }
            items.remove(i);
        }
        Edit::Add { kind, size } => {
            if items.len() >= MAX_ITEMS {
                return Err(Refused::TooMany);
            }
            let floor = if own { OWN_IDS } else { 0 };
            let id = items
                .iter()
                .map(|i| i.id)
                .filter(|id| (*id >= OWN_IDS) == own)
                .max()
                .unwrap_or(floor)
                .max(floor)
                + 1;
            items.push(Item {
                id,
                kind,
                size,
                child: None,
                class: None,
                locked: false,
            });
        }
        Edit::Options { id, child, class } => {
            let i = at(items, id)?;
            items[i].child = child;
            items[i].class = class;
        }
        Edit::Order(ids) => {
            let mut sorted: Vec<Item> = Vec::with_capacity(items.len());
            for id in ids {
                if let Some(i) = items.iter().position(|x| x.id == id) {
                    sorted.push(items.remove(i));
                }
            }
            sorted.append(items);
            *items = sorted;
        }
        Edit::Lock { id, locked } => {
            let i = at(items, id)?;
            items[i].locked = locked;
        }
    }
    Ok(())
}

/// What a person keeps of their arrangement: the lock flags come from the default.
pub fn for_storage(items: &[Item]) -> Vec<Item> {
    items
        .iter()
        .map(|i| Item {
            locked: false,
            ..i.clone()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, kind: &str, locked: bool) -> Item {
        Item {
            id,
            kind: kind.into(),
            size: Size::Half,
            child: None,
            class: None,
            locked,
        }
    }

    fn ids(items: &[Item]) -> Vec<i64> {
        items.iter().map(|i| i.id).collect()
    }

    #[test]
    fn moves_resizes_and_orders() {
        let mut l = vec![
            item(1, "a", false),
            item(2, "b", false),
            item(3, "c", false),
        ];
        apply(&mut l, Edit::Move { id: 3, up: true }, true).unwrap();
        assert_eq!(ids(&l), [1, 3, 2]);
        // At the top already: nothing moves.
        apply(&mut l, Edit::Move { id: 1, up: true }, true).unwrap();
        apply(&mut l, Edit::Move { id: 2, up: false }, true).unwrap();
        assert_eq!(ids(&l), [1, 3, 2]);
        apply(&mut l, Edit::Order(vec![2, 99, 1]), true).unwrap();
        assert_eq!(
            ids(&l),
            [2, 1, 3],
            "unknown ids are ignored, the rest follow"
        );
        apply(
            &mut l,
            Edit::Resize {
                id: 1,
                size: Size::Full,
            },
            true,
        )
        .unwrap();
        assert_eq!(l[1].size, Size::Full);
        assert_eq!(
            apply(&mut l, Edit::Remove { id: 7 }, true),
            Err(Refused::NotFound)
        );
    }

    #[test]
    fn own_widgets_never_take_a_default_number() {
        let mut l = vec![item(1, "a", false), item(2, "b", false)];
        let add = |k: &str| Edit::Add {
            kind: k.into(),
            size: Size::Third,
        };
        apply(&mut l, add("c"), true).unwrap();
        apply(&mut l, add("d"), true).unwrap();
        assert_eq!(ids(&l), [1, 2, OWN_IDS + 1, OWN_IDS + 2]);
        // The administration adds to the default: numbered among the default's.
        let mut d = vec![item(1, "a", false), item(2, "b", false)];
        apply(&mut d, add("e"), false).unwrap();
        assert_eq!(ids(&d), [1, 2, 3]);
        let mut full: Vec<Item> = (1..=MAX_ITEMS as i64)
            .map(|i| item(i, "a", false))
            .collect();
        assert_eq!(apply(&mut full, add("x"), true), Err(Refused::TooMany));
    }

    #[test]
    fn locked_widgets_stay() {
        let default = vec![item(1, "a", true), item(2, "b", false), item(3, "c", true)];
        // A new person: the default.
        assert_eq!(effective(&default, None), default);
        // A person who arranged their dashboard before widget 3 was locked, and removed it,
        // and who tries to lock their own widget.
        let own = vec![item(2, "b", false), item(OWN_IDS + 1, "z", true)];
        let mut seen = effective(&default, Some(&own));
        assert_eq!(ids(&seen), [1, 2, 3, OWN_IDS + 1]);
        assert!(seen[0].locked && !seen[1].locked && seen[2].locked && !seen[3].locked);
        assert_eq!(
            apply(&mut seen, Edit::Remove { id: 3 }, true),
            Err(Refused::Locked)
        );
        apply(&mut seen, Edit::Remove { id: 2 }, true).unwrap();
        // Moving a locked widget is allowed.
        apply(&mut seen, Edit::Move { id: 3, up: true }, true).unwrap();
        assert_eq!(ids(&seen), [3, 1, OWN_IDS + 1]);
        assert!(for_storage(&seen).iter().all(|i| !i.locked));
        // The administration may remove a locked widget from the default.
        let mut d = default.clone();
        apply(&mut d, Edit::Remove { id: 1 }, false).unwrap();
        assert_eq!(ids(&d), [2, 3]);
        // The administration removed widget 3 and added another kind, numbered 3 again,
        // and locked it: a person who kept the old 3 keeps it, and gets the new one too.
        let default = vec![item(1, "a", false), item(3, "d", true)];
        let own = vec![item(3, "c", false), item(1, "a", false)];
        let seen = effective(&default, Some(&own));
        let kinds: Vec<&str> = seen.iter().map(|i| i.kind.as_str()).collect();
        assert_eq!(kinds, ["c", "d", "a"]);
        assert_eq!(ids(&seen), [OWN_IDS + 1, 3, 1]);
        assert!(!seen[0].locked && seen[1].locked);
    }

    #[test]
    fn serialises_compactly() {
        let mut i = item(4, "marks", false);
        i.child = Some(9);
        let json = serde_json::to_string(&i).unwrap();
        assert_eq!(json, r#"{"id":4,"kind":"marks","size":"half","child":9}"#);
        let back: Item = serde_json::from_str(&json).unwrap();
        assert_eq!(back, i);
    }
}
