//! The arithmetic of fees, on integer XOF: parsing amounts as people type them, allocating
//! a payment to the oldest tranche first, and computing discounts. No database here.

/// The largest amount the desk accepts in one payment (100 million FCFA): anything above is
/// a typing mistake.
pub const MAX_AMOUNT: i64 = 100_000_000;

/// An amount of francs CFA, whole and positive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct AmountXof(i64);

impl AmountXof {
    /// Parses "125 000", "125000", "125.000" or "125 000 FCFA". XOF has no minor unit, so
    /// a decimal part is refused rather than rounded.
    pub fn parse(input: &str) -> Result<AmountXof, &'static str> {
        let s = input.trim();
        let s = s
            .strip_suffix("FCFA")
            .or_else(|| s.strip_suffix("F"))
            .or_else(|| s.strip_suffix("XOF"))
            .unwrap_or(s)
            .trim();
        if s.is_empty() {
            return Err("error-amount-required");
        }
        if s.starts_with('-') {
            return Err("error-amount-positive");
        }
        if s.contains(',') {
            return Err("error-amount-whole");
        }
        // A dot or a space between groups of three digits separates thousands.
        let groups: Vec<&str> = s.split(['.', ' ', '\u{a0}', '\u{202f}']).collect();
        if groups.len() > 1 && groups[1..].iter().any(|g| g.len() != 3) {
            return Err("error-amount-whole");
        }
        let digits: String = groups.concat();
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err("error-amount-format");
        }
        let n: i64 = digits.parse().map_err(|_| "error-amount-too-large")?;
        if n == 0 {
            return Err("error-amount-positive");
        }
        if n > MAX_AMOUNT {
            return Err("error-amount-too-large");
        }
        Ok(AmountXof(n))
    }

    /// The number of francs.
    pub fn get(self) -> i64 {
        self.0
    }
}

/// What is still owed on one invoice.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owed {
    pub invoice_id: i64,
    /// Its due date, the first key of "oldest first".
    pub due_on: chrono::NaiveDate,
    /// What remains to pay, never negative here.
    pub remaining: i64,
}

/// Splits `amount` over the invoices, the one due first paid first (ties by invoice id, the
/// order of billing). Returns the share of each invoice touched and what is left over.
pub fn allocate(owed: &[Owed], amount: i64) -> (Vec<(i64, i64)>, i64) {
    let mut order: Vec<&Owed> = owed.iter().filter(|o| o.remaining > 0).collect();
    order.sort_by_key(|o| (o.due_on, o.invoice_id));
    let mut left = amount;
    let mut shares = Vec::new();
    for o in order {
        if left == 0 {
            break;
        }
        let share = left.min(o.remaining);
        shares.push((o.invoice_id, share));
        left -= share;
    }
    (shares, left)
}

/// A discount as granted: a percentage of each tranche, or a fixed amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Discount {
    /// So many percent of every tranche of the fee type.
    Percent(i64),
    /// So many francs off the fee type, taken from the oldest tranche first.
    Amount(i64),
}

/// How much a discount takes off each invoice, given each invoice's full amount and what
/// remains on it. A percentage is rounded down to the franc (the school never forgives more
/// than it said); no invoice goes below zero.
pub fn discount_shares(discount: Discount, invoices: &[(Owed, i64)]) -> Vec<(i64, i64)> {
    match discount {
        Discount::Percent(p) => invoices
            .iter()
            .map(|(o, full)| (o.invoice_id, (full * p / 100).min(o.remaining)))
            .filter(|(_, d)| *d > 0)
            .collect(),
        Discount::Amount(a) => {
            let owed: Vec<Owed> = invoices.iter().map(|(o, _)| o.clone()).collect();
            allocate(&owed, a).0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap()
    }

    #[test]
    fn amounts_as_typed() {
        assert_eq!(AmountXof::parse("125 000").unwrap().get(), 125_000);
        assert_eq!(AmountXof::parse("125000").unwrap().get(), 125_000);
        assert_eq!(AmountXof::parse("125.000").unwrap().get(), 125_000);
        assert_eq!(AmountXof::parse("1 250 000 FCFA").unwrap().get(), 1_250_000);
        assert_eq!(AmountXof::parse("25\u{a0}000").unwrap().get(), 25_000);
        assert_eq!(AmountXof::parse("12,5"), Err("error-amount-whole"));
        assert_eq!(AmountXof::parse("12.5"), Err("error-amount-whole"));
        assert_eq!(AmountXof::parse("0"), Err("error-amount-positive"));
        assert_eq!(AmountXof::parse("-5000"), Err("error-amount-positive"));
        assert_eq!(AmountXof::parse(""), Err("error-amount-required"));
        assert_eq!(AmountXof::parse("abc"), Err("error-amount-format"));
        assert_eq!(
            AmountXof::parse("999999999999999999999"),
            Err("error-amount-too-large")
        );
        assert_eq!(
            AmountXof::parse("200 000 000"),
            Err("error-amount-too-large")
        );
    }

    #[test]
    fn partial_payment_goes_to_the_oldest_tranche() {
        let owed = [
            Owed {
                invoice_id: 3,
                due_on: d(4, 15),
                remaining: 25_000,
            },
            Owed {
                invoice_id: 1,
                due_on: d(10, 15),
                remaining: 35_000,
            },
            Owed {
                invoice_id: 2,
                due_on: d(1, 15),
                remaining: 30_000,
            },
        ];
        assert_eq!(allocate(&owed, 40_000), (vec![(2, 30_000), (3, 10_000)], 0));
        assert_eq!(
            allocate(&owed, 100_000),
            (vec![(2, 30_000), (3, 25_000), (1, 35_000)], 10_000)
        );
        // Settled invoices are skipped.
        let paid = [Owed {
            invoice_id: 9,
            due_on: d(1, 1),
            remaining: 0,
        }];
        assert_eq!(allocate(&paid, 5_000), (vec![], 5_000));
    }

    #[test]
    fn discounts() {
        let inv = [
            (
                Owed {
                    invoice_id: 1,
                    due_on: d(1, 1),
                    remaining: 35_000,
                },
                35_000,
            ),
            (
                Owed {
                    invoice_id: 2,
                    due_on: d(2, 1),
                    remaining: 10_000,
                },
                30_001,
            ),
        ];
        // 10 % of 30 001 is 3 000,1: the family gets 3 000.
        assert_eq!(
            discount_shares(Discount::Percent(10), &inv),
            vec![(1, 3_500), (2, 3_000)]
        );
        // Never below zero on a tranche already mostly paid.
        assert_eq!(
            discount_shares(Discount::Percent(50), &inv),
            vec![(1, 17_500), (2, 10_000)]
        );
        assert_eq!(
            discount_shares(Discount::Amount(40_000), &inv),
            vec![(1, 35_000), (2, 5_000)]
        );
    }

    proptest! {
        #[test]
        fn allocation_conserves_money(
            rem in proptest::collection::vec(0i64..200_000, 0..8),
            amount in 1i64..1_000_000,
        ) {
            let owed: Vec<Owed> = rem.iter().enumerate().map(|(i, r)| Owed {
                invoice_id: i as i64,
                due_on: d(1, 1) + chrono::Days::new((i as u64 * 37) % 11),
                remaining: *r,
            }).collect();
            let (shares, left) = allocate(&owed, amount);
            let total: i64 = shares.iter().map(|s| s.1).sum();
            prop_assert_eq!(total + left, amount);
            prop_assert!(left >= 0);
            for (id, s) in &shares {
                prop_assert!(*s > 0 && *s <= owed[*id as usize].remaining);
            }
            // Money is left over only when every invoice is settled.
            if left > 0 {
                prop_assert_eq!(total, rem.iter().sum::<i64>());
            }
            // Only the last invoice touched may be left partly paid, and no invoice due
            // later than a partly paid one receives anything.
            for (id, s) in shares.iter().take(shares.len().saturating_sub(1)) {
                prop_assert_eq!(*s, owed[*id as usize].remaining);
            }
        }
    }
}
