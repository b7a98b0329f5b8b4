//! The conditions of workflows: a small expression language, safe by construction. It
//! reads fields of the event (`level`, `class`, `amount`, `count`, `hour`…), compares them
//! with literals and combines the comparisons. It has no function, no loop, no variable
//! and no way to reach anything but the fields it is given: evaluating it costs one step
//! per node of a tree whose size is bounded when it is read.
//!
//! ```text
//! expr     := or
//! or       := and ( ("or" | "||") and )*
//! and      := not ( ("and" | "&&") not )*
//! not      := ("not" | "!") not | compare
//! compare  := value ( ("==" | "!=" | "<" | "<=" | ">" | ">=") value
//!                   | "in" "[" literal ("," literal)* "]" )?
//! value    := field | literal | "(" expr ")"
//! literal  := number ("12", "12,5", "12.5") | string ("6e A", 'Tle C') | true | false
//! field    := a name of the trigger's fields (letters, digits, "_")
//! ```
//!
//! Numbers are exact, with two decimals (a mark of 12,5 is 12,5; an amount is whole
//! francs). A comparison between a number and a string, or an order between strings, is
//! refused when the condition is saved; a field the event lacks makes its comparison false.
//! Limits: 500 characters, 200 tokens, 16 levels of nesting, 32 items in a list.

use std::collections::BTreeMap;

/// The longest condition, in bytes.
pub const MAX_LEN: usize = 500;
const MAX_TOKENS: usize = 200;
const MAX_DEPTH: usize = 16;
const MAX_LIST: usize = 32;
const MAX_STRING: usize = 100;

/// A value: a number in hundredths, a string or a truth.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(untagged)]
pub enum Value {
    Bool(bool),
    /// Hundredths: 1250 is 12,5.
    Number(i64),
    Text(String),
}

impl Value {
    /// A whole number (an amount, a count, an hour).
    pub fn int(n: i64) -> Value {
        Value::Number(n.saturating_mul(100))
    }

    fn type_name(&self) -> &'static str {
        match self {
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::Text(_) => "text",
        }
    }
}

/// The fields an event gives a condition, by name.
pub type Facts = BTreeMap<String, Value>;

/// Why a condition cannot be used: a catalog key and where in the text (byte offset).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{key} at {at}")]
pub struct ExprError {
    pub key: &'static str,
    pub at: usize,
    /// The word concerned (a field's name), or "".
    pub word: String,
}

fn err(key: &'static str, at: usize) -> ExprError {
    ExprError {
        key,
        at,
        word: String::new(),
    }
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Ident(String),
    Num(i64),
    Str(String),
    Op(&'static str),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
}

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    if src.len() > MAX_LEN {
        return Err(err("expr-too-long", MAX_LEN));
    }
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if out.len() > MAX_TOKENS {
            return Err(err("expr-too-long", i));
        }
        let c = b[i];
        let start = i;
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'(' => {
                out.push((Tok::LParen, start));
                i += 1
            }
            b')' => {
                out.push((Tok::RParen, start));
                i += 1
            }
            b'[' => {
                out.push((Tok::LBracket, start));
                i += 1
            }
            b']' => {
                out.push((Tok::RBracket, start));
                i += 1
            }
            b',' => {
                out.push((Tok::Comma, start));
                i += 1
            }
            b'"' | b'\'' => {
                let quote = c;
                i += 1;
                let from = i;
                while i < b.len() && b[i] != quote {
                    i += 1;
                }
                if i >= b.len() {
                    return Err(err("expr-unclosed-text", start));
                }
                let text = &src[from..i];
                if text.chars().count() > MAX_STRING {
                    return Err(err("expr-too-long", start));
                }
                out.push((Tok::Str(text.to_string()), start));
                i += 1;
            }
            b'0'..=b'9' => {
                let mut whole: i64 = 0;
                while i < b.len() && b[i].is_ascii_digit() {
                    whole = whole
                        .checked_mul(10)
                        .and_then(|w| w.checked_add(i64::from(b[i] - b'0')))
                        .filter(|w| *w <= 1_000_000_000_000)
                        .ok_or(err("expr-number", start))?;
                    i += 1;
                }
                let mut cents = 0;
                // A decimal comma is a decimal only when a digit follows it ("12,5"); in a
                // list ("[1, 2]") a comma is followed by a space.
                if i + 1 < b.len() && (b[i] == b'.' || b[i] == b',') && b[i + 1].is_ascii_digit() {
                    i += 1;
                    let mut digits = 0;
                    while i < b.len() && b[i].is_ascii_digit() {
                        if digits < 2 {
                            cents = cents * 10 + i64::from(b[i] - b'0');
                        }
                        digits += 1;
                        i += 1;
                    }
                    if digits == 1 {
                        cents *= 10;
                    }
                    if digits > 2 {
                        return Err(err("expr-number", start));
                    }
                }
                out.push((Tok::Num(whole * 100 + cents), start));
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                    i += 1;
                }
                let word = &src[start..i];
                if word.len() > 40 {
                    return Err(err("expr-too-long", start));
                }
                out.push((Tok::Ident(word.to_string()), start));
            }
            _ => {
                let two = src.get(i..i + 2).unwrap_or("");
                let op = match two {
                    "==" | "!=" | "<=" | ">=" | "&&" | "||" => Some(two),
                    _ => None,
                };
                let op = match op {
                    Some("==") => "==",
                    Some("!=") => "!=",
                    Some("<=") => "<=",
                    Some(">=") => ">=",
                    Some("&&") => "and",
                    Some("||") => "or",
                    _ => match c {
                        b'<' => "<",
                        b'>' => ">",
                        b'!' => "not",
                        _ => return Err(err("expr-unexpected", start)),
                    },
                };
                i += if matches!(op, "<" | ">" | "not") {
                    1
                } else {
                    2
                };
                out.push((Tok::Op(op), start));
            }
        }
    }
    if out.len() > MAX_TOKENS {
        return Err(err("expr-too-long", src.len()));
    }
    Ok(out)
}

/// A condition, read.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Lit(Value),
    Field(String, usize),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Cmp(&'static str, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<Value>),
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    depth: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.0)
    }

    fn at(&self) -> usize {
        self.toks.get(self.pos).map(|t| t.1).unwrap_or(self.end)
    }

    fn word(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Ident(x)) if x.eq_ignore_ascii_case(w))
            || matches!(self.peek(), Some(Tok::Op(x)) if *x == w)
    }

    fn deeper(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err("expr-too-deep", self.at()));
        }
        Ok(())
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.deeper()?;
        let mut left = self.and()?;
        while self.word("or") {
            self.pos += 1;
            let right = self.and()?;
            left = Expr::Or(Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut left = self.not()?;
        while self.word("and") {
            self.pos += 1;
            let right = self.not()?;
            left = Expr::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        if self.word("not") {
            self.pos += 1;
            self.deeper()?;
            let inner = self.not()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.compare()
    }

    fn compare(&mut self) -> Result<Expr, ExprError> {
        let left = self.value()?;
        if let Some(Tok::Op(op)) = self.peek().cloned()
            && matches!(op, "==" | "!=" | "<" | "<=" | ">" | ">=")
        {
            self.pos += 1;
            let right = self.value()?;
            return Ok(Expr::Cmp(op, Box::new(left), Box::new(right)));
        }
        if self.word("in") {
            self.pos += 1;
            if self.peek() != Some(&Tok::LBracket) {
                return Err(err("expr-expected-list", self.at()));
            }
            self.pos += 1;
            let mut items = Vec::new();
            loop {
                match self.literal()? {
                    Some(v) => items.push(v),
                    None => return Err(err("expr-expected-value", self.at())),
                }
                if items.len() > MAX_LIST {
                    return Err(err("expr-too-long", self.at()));
                }
                match self.peek() {
                    Some(Tok::Comma) => self.pos += 1,
                    Some(Tok::RBracket) => {
                        self.pos += 1;
                        break;
                    }
                    _ => return Err(err("expr-expected-list", self.at())),
                }
            }
            return Ok(Expr::In(Box::new(left), items));
        }
        Ok(left)
    }

    fn literal(&mut self) -> Result<Option<Value>, ExprError> {
        let v = match self.peek() {
            Some(Tok::Num(n)) => Value::Number(*n),
            Some(Tok::Str(s)) => Value::Text(s.clone()),
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("true") => Value::Bool(true),
            Some(Tok::Ident(w)) if w.eq_ignore_ascii_case("false") => Value::Bool(false),
            _ => return Ok(None),
        };
        self.pos += 1;
        Ok(Some(v))
    }

    fn value(&mut self) -> Result<Expr, ExprError> {
        if let Some(v) = self.literal()? {
            return Ok(Expr::Lit(v));
        }
        let at = self.at();
        match self.peek().cloned() {
            Some(Tok::LParen) => {
                self.pos += 1;
                let inner = self.or()?;
                if self.peek() != Some(&Tok::RParen) {
                    return Err(err("expr-unclosed-paren", self.at()));
                }
                self.pos += 1;
                Ok(inner)
            }
            Some(Tok::Ident(w))
                if !["and", "or", "not", "in"].contains(&w.to_ascii_lowercase().as_str()) =>
            {
                self.pos += 1;
                Ok(Expr::Field(w, at))
            }
            _ => Err(err("expr-expected-value", at)),
        }
    }
}

/// Reads a condition ("" is no condition: always true).
pub fn parse(src: &str) -> Result<Option<Expr>, ExprError> {
    let toks = lex(src)?;
    if toks.is_empty() {
        return Ok(None);
    }
    let mut p = Parser {
        toks,
        pos: 0,
        depth: 0,
        end: src.len(),
    };
    let e = p.or()?;
    if p.pos != p.toks.len() {
        return Err(err("expr-unexpected", p.at()));
    }
    Ok(Some(e))
}

/// Checks a condition against the fields a trigger gives, with a sample value of each (for
/// the types): unknown fields and comparisons of different types are refused.
pub fn check(e: &Expr, fields: &Facts) -> Result<(), ExprError> {
    fn ty(e: &Expr, fields: &Facts) -> Result<&'static str, ExprError> {
        Ok(match e {
            Expr::Lit(v) => v.type_name(),
            Expr::Field(name, at) => match fields.get(name) {
                Some(v) => v.type_name(),
                None => {
                    return Err(ExprError {
                        key: "expr-unknown-field",
                        at: *at,
                        word: name.clone(),
                    });
                }
            },
            Expr::Not(inner) => {
                expect(inner, fields, "bool")?;
                "bool"
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                expect(a, fields, "bool")?;
                expect(b, fields, "bool")?;
                "bool"
            }
            Expr::Cmp(op, a, b) => {
                let (ta, tb) = (ty(a, fields)?, ty(b, fields)?);
                if ta != tb {
                    return Err(err("expr-types", at_of(b)));
                }
                if !matches!(*op, "==" | "!=") && ta != "number" {
                    return Err(err("expr-order-numbers", at_of(a)));
                }
                "bool"
            }
            Expr::In(a, items) => {
                let ta = ty(a, fields)?;
                if items.iter().any(|v| v.type_name() != ta) {
                    return Err(err("expr-types", at_of(a)));
                }
                "bool"
            }
        })
    }
    fn expect(e: &Expr, fields: &Facts, want: &str) -> Result<(), ExprError> {
        if ty(e, fields)? != want {
            return Err(err("expr-not-a-condition", at_of(e)));
        }
        Ok(())
    }
    fn at_of(e: &Expr) -> usize {
        match e {
            Expr::Field(_, at) => *at,
            Expr::Not(i) => at_of(i),
            Expr::And(a, _) | Expr::Or(a, _) | Expr::Cmp(_, a, _) | Expr::In(a, _) => at_of(a),
            Expr::Lit(_) => 0,
        }
    }
    expect(e, fields, "bool")
}

/// Evaluates a checked condition over an event's fields. A field the event lacks makes
/// the comparison it is in false.
pub fn eval(e: &Expr, facts: &Facts) -> bool {
    fn value<'a>(e: &'a Expr, facts: &'a Facts) -> Option<std::borrow::Cow<'a, Value>> {
        match e {
            Expr::Lit(v) => Some(std::borrow::Cow::Borrowed(v)),
            Expr::Field(name, _) => facts.get(name).map(std::borrow::Cow::Borrowed),
            other => Some(std::borrow::Cow::Owned(Value::Bool(eval(other, facts)))),
        }
    }
    match e {
        Expr::Lit(Value::Bool(b)) => *b,
        Expr::Lit(_) => false,
        Expr::Field(name, _) => matches!(facts.get(name), Some(Value::Bool(true))),
        Expr::Not(inner) => !eval(inner, facts),
        Expr::And(a, b) => eval(a, facts) && eval(b, facts),
        Expr::Or(a, b) => eval(a, facts) || eval(b, facts),
        Expr::Cmp(op, a, b) => {
            let (Some(x), Some(y)) = (value(a, facts), value(b, facts)) else {
                return false;
            };
            if x.type_name() != y.type_name() {
                return false;
            }
            match *op {
                "==" => x == y,
                "!=" => x != y,
                "<" => x < y,
                "<=" => x <= y,
                ">" => x > y,
                ">=" => x >= y,
                _ => false,
            }
        }
        Expr::In(a, items) => value(a, facts).is_some_and(|v| items.contains(&v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        [
            ("level", Value::Text("3e".into())),
            ("class", Value::Text("3e A".into())),
            ("average", Value::Number(750)),
            ("amount", Value::int(25_000)),
            ("hour", Value::int(7)),
            ("late", Value::Bool(false)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect()
    }

    fn run(src: &str) -> bool {
        let e = parse(src).unwrap().unwrap();
        check(&e, &facts()).unwrap();
        eval(&e, &facts())
    }

    #[test]
    fn conditions_evaluate_as_documented() {
        assert!(run("average < 8"));
        assert!(run("average < 7,6 and average >= 7.5"));
        assert!(!run("average > 12,5"));
        assert!(run("level == '3e' && amount >= 25000"));
        assert!(run("class in ['3e A', '3e B']"));
        assert!(!run("class in [\"Tle C\"]"));
        assert!(run("not late and (hour < 8 or hour > 17)"));
        assert!(run("!(level != \"3e\")"));
        assert!(run("hour in [6, 7, 8]"));
        assert_eq!(parse("   ").unwrap(), None, "no condition");
    }

    #[test]
    fn mistakes_are_refused_with_their_place() {
        let f = facts();
        let bad = |src: &str| -> &'static str {
            match parse(src) {
                Err(e) => e.key,
                Ok(Some(e)) => check(&e, &f).unwrap_err().key,
                Ok(None) => "none",
            }
        };
        assert_eq!(bad("moyenne < 8"), "expr-unknown-field");
        assert_eq!(bad("level < '3e'"), "expr-order-numbers");
        assert_eq!(bad("level == 3"), "expr-types");
        assert_eq!(bad("average"), "expr-not-a-condition");
        assert_eq!(bad("average < 8 and"), "expr-expected-value");
        assert_eq!(bad("(average < 8"), "expr-unclosed-paren");
        assert_eq!(bad("level == 'x"), "expr-unclosed-text");
        assert_eq!(bad("average < 8 ; drop"), "expr-unexpected");
        assert_eq!(bad("class in '3e A'"), "expr-expected-list");
        assert_eq!(bad("average < 7,123"), "expr-number");
        assert_eq!(bad(&"(".repeat(40)), "expr-too-deep");
        assert_eq!(bad(&"average < 8 or ".repeat(60)), "expr-too-long");
        let e = parse("moyenne < 8").unwrap().unwrap();
        let why = check(&e, &f).unwrap_err();
        assert_eq!((why.at, why.word.as_str()), (0, "moyenne"));
    }

    #[test]
    fn a_missing_field_makes_its_comparison_false() {
        let e = parse("amount > 0").unwrap().unwrap();
        assert!(!eval(&e, &Facts::new()));
        assert!(eval(
            &parse("not (amount > 0)").unwrap().unwrap(),
            &Facts::new()
        ));
    }

    proptest::proptest! {
        #[test]
        fn no_input_makes_it_panic(src in "\\PC{0,600}") {
            if let Ok(Some(e)) = parse(&src) {
                let _ = check(&e, &facts());
                let _ = eval(&e, &facts());
            }
        }

        #[test]
        fn no_well_formed_soup_makes_it_panic(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "(", ")", "[", "]", ",", "and", "or", "not", "in", "==", "!=", "<", ">=",
                    "average", "level", "late", "8", "7,5", "'3e'", "true", "!", "&&", "||",
                ]),
                0..120,
            )
        ) {
            let src = parts.join(" ");
            if let Ok(Some(e)) = parse(&src) {
                let _ = check(&e, &facts());
                let _ = eval(&e, &facts());
            }
        }
    }
}
