//! Safety specifications: small temporal-logic formulas over an episode's signals, with quantitative
//! robustness (the standard discrete-time, finite-trace semantics).
//!
//! ```text
//! formula    := implies
//! implies    := or ("implies" implies)?            right-associative
//! or         := and ("or" and)*
//! and        := unary ("and" unary)*
//! unary      := "not" unary
//!             | ("always" | "eventually") interval? "(" formula ")"
//!             | "at_end" "(" formula ")"
//!             | "(" formula ")"
//!             | expr ("<" | "<=" | ">" | ">=" | "==" | "!=") expr
//! interval   := "[" integer "," integer "]"        steps, both ends included
//! expr       := term (("+" | "-") term)*
//! term       := factor (("*" | "/") factor)*
//! factor     := number | name | "-" factor | ("abs" | "min" | "max") "(" expr ("," expr)* ")"
//!             | "if" "(" formula "," expr "," expr ")" | "sum" "(" expr ")"
//!             | "(" expr ")"
//! ```
//!
//! Robustness at step t: `a <= b` is `b − a` (and `<` the same: the quantitative semantics cannot tell
//! them apart), `a >= b` is `a − b`, `a == b` is `−|a − b|`, `a != b` is `|a − b|`; `not` negates; `and`
//! / `or` take the min / max; `φ implies ψ` is `max(−φ, ψ)`; `always[a,b] φ` is the min of φ over steps
//! t+a … t+b that exist (+∞ when none does), `eventually[a,b] φ` the max (−∞ when none does); without an
//! interval they range to the end of the episode; `at_end φ` is φ at the last step. A formula's robustness
//! is its value at step 0, and it is negative exactly when the formula is violated.
//!
//! Two expressions reach beyond one step, for specifications written as Python functions of a whole
//! trajectory (PruVer's "the lander should not fall"): `if(φ, a, b)` is `a` at the steps where φ holds
//! (Boolean semantics: `<` is strict) and `b` elsewhere; `sum(e)` is the sum of `e` over every step of
//! the episode, the same at each step.
//!
//! Parsing takes time linear in the formula (it never backtracks: a parenthesis holds a formula or an
//! expression, decided by what it contains), and a formula may nest at most [`MAX_DEPTH`] levels.

use std::fmt;

/// A parse or name error, with the byte position in the formula it refers to.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    pub pos: usize,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at column {}: {}", self.pos + 1, self.message)
    }
}

impl std::error::Error for SpecError {}

/// A numeric expression over the signals at one step.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Num(f64),
    /// A signal, by its column in the trace.
    Var(usize),
    Neg(Box<Expr>),
    Bin(Box<Expr>, ArithOp, Box<Expr>),
    Abs(Box<Expr>),
    Min(Vec<Expr>),
    Max(Vec<Expr>),
    /// `if(φ, a, b)`: `a` where φ holds, `b` elsewhere.
    If(Box<Formula>, Box<Expr>, Box<Expr>),
    /// `sum(e)`: the sum of `e` over the whole episode.
    Sum(Box<Expr>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cmp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

/// A formula, with signal names resolved to trace columns.
#[derive(Debug, Clone, PartialEq)]
pub enum Formula {
    Cmp(Expr, Cmp, Expr),
    Not(Box<Formula>),
    And(Box<Formula>, Box<Formula>),
    Or(Box<Formula>, Box<Formula>),
    Implies(Box<Formula>, Box<Formula>),
    Always(Option<(usize, usize)>, Box<Formula>),
    Eventually(Option<(usize, usize)>, Box<Formula>),
    AtEnd(Box<Formula>),
}

impl Formula {
    /// Parse `src`, resolving names against `signals` (the trace's column names, in order).
    pub fn parse(src: &str, signals: &[String]) -> Result<Formula, SpecError> {
        let tokens = lex(src)?;
        let mut p = Parser {
            tokens,
            i: 0,
            signals,
            src_len: src.len(),
            nesting: 0,
        };
        let (f, _) = p.formula()?;
        if let Some(t) = p.peek() {
            return Err(p.err_at(t.pos, format!("unexpected `{}` after the formula", t.text)));
        }
        Ok(f)
    }

    /// Robustness at step 0 of a trace given column by column (every column as long as the episode,
    /// at least one step).
    pub fn robustness(&self, columns: &[Vec<f64>]) -> f64 {
        self.signal(columns).first().copied().unwrap_or(f64::NAN)
    }

    /// Robustness at every step.
    pub fn signal(&self, columns: &[Vec<f64>]) -> Vec<f64> {
        let n = columns.first().map_or(0, Vec::len);
        match self {
            Formula::Cmp(a, op, b) => {
                zip_with(a.values(columns), b.values(columns), |x, y| match op {
                    Cmp::Lt | Cmp::Le => y - x,
                    Cmp::Gt | Cmp::Ge => x - y,
                    Cmp::Eq => -(x - y).abs(),
                    Cmp::Ne => (x - y).abs(),
                })
            }
            Formula::Not(f) => f.signal(columns).into_iter().map(|v| -v).collect(),
            Formula::And(a, b) => zip_with(a.signal(columns), b.signal(columns), f64::min),
            Formula::Or(a, b) => zip_with(a.signal(columns), b.signal(columns), f64::max),
            Formula::Implies(a, b) => {
                zip_with(a.signal(columns), b.signal(columns), |x, y| (-x).max(y))
            }
            Formula::Always(iv, f) => window(&f.signal(columns), *iv, f64::INFINITY, f64::min),
            Formula::Eventually(iv, f) => {
                window(&f.signal(columns), *iv, f64::NEG_INFINITY, f64::max)
            }
            Formula::AtEnd(f) => {
                let s = f.signal(columns);
                vec![s.last().copied().unwrap_or(f64::NAN); n]
            }
        }
    }

    /// Whether the formula holds at every step (Boolean semantics, where `<` is strict).
    pub fn truth(&self, columns: &[Vec<f64>]) -> Vec<bool> {
        let n = columns.first().map_or(0, Vec::len);
        let both = |a: &Formula, b: &Formula, f: fn(bool, bool) -> bool| -> Vec<bool> {
            a.truth(columns)
                .into_iter()
                .zip(b.truth(columns))
                .map(|(x, y)| f(x, y))
                .collect()
        };
        let window_all = |iv: Option<(usize, usize)>, f: &Formula, all: bool| -> Vec<bool> {
            let v: Vec<f64> = f
                .truth(columns)
                .iter()
                .map(|&b| if b { 1.0 } else { -1.0 })
                .collect();
            let (empty, op): (f64, fn(f64, f64) -> f64) = if all {
                (f64::INFINITY, f64::min)
            } else {
                (f64::NEG_INFINITY, f64::max)
            };
            window(&v, iv, empty, op).iter().map(|&x| x > 0.0).collect()
        };
        match self {
            Formula::Cmp(a, op, b) => zip_with(a.values(columns), b.values(columns), |x, y| {
                let holds = match op {
                    Cmp::Lt => x < y,
                    Cmp::Le => x <= y,
                    Cmp::Gt => x > y,
                    Cmp::Ge => x >= y,
                    Cmp::Eq => x == y,
                    Cmp::Ne => x != y,
                };
                if holds {
                    1.0
                } else {
                    0.0
                }
            })
            .into_iter()
            .map(|v| v > 0.0)
            .collect(),
            Formula::Not(f) => f.truth(columns).into_iter().map(|b| !b).collect(),
            Formula::And(a, b) => both(a, b, |x, y| x && y),
            Formula::Or(a, b) => both(a, b, |x, y| x || y),
            Formula::Implies(a, b) => both(a, b, |x, y| !x || y),
            Formula::Always(iv, f) => window_all(*iv, f, true),
            Formula::Eventually(iv, f) => window_all(*iv, f, false),
            Formula::AtEnd(f) => {
                let v = f.truth(columns);
                vec![v.last().copied().unwrap_or(false); n]
            }
        }
    }
}

fn zip_with(a: Vec<f64>, b: Vec<f64>, f: impl Fn(f64, f64) -> f64) -> Vec<f64> {
    a.into_iter().zip(b).map(|(x, y)| f(x, y)).collect()
}

/// `out[t] = fold over s[t+a ..= t+b]` (to the end without an interval), `empty` where no step is left.
fn window(s: &[f64], iv: Option<(usize, usize)>, empty: f64, f: fn(f64, f64) -> f64) -> Vec<f64> {
    let n = s.len();
    match iv {
        None => {
            let mut out = vec![empty; n];
            let mut acc = empty;
            for t in (0..n).rev() {
                acc = f(acc, s[t]);
                out[t] = acc;
            }
            out
        }
        Some((a, b)) => (0..n)
            .map(|t| {
                let lo = t.saturating_add(a);
                let hi = t.saturating_add(b).min(n.saturating_sub(1));
                if lo >= n || lo > hi {
                    empty
                } else {
                    s[lo..=hi].iter().copied().fold(empty, f)
                }
            })
            .collect(),
    }
}

impl Expr {
    /// The expression's value at every step.
    fn values(&self, columns: &[Vec<f64>]) -> Vec<f64> {
        let n = columns.first().map_or(0, Vec::len);
        let fold = |es: &[Expr], init: f64, f: fn(f64, f64) -> f64| {
            es.iter()
                .fold(vec![init; n], |acc, e| zip_with(acc, e.values(columns), f))
        };
        match self {
            Expr::Num(v) => vec![*v; n],
            Expr::Var(c) => columns[*c].clone(),
            Expr::Neg(e) => e.values(columns).into_iter().map(|v| -v).collect(),
            Expr::Bin(a, op, b) => {
                let f: fn(f64, f64) -> f64 = match op {
                    ArithOp::Add => |x, y| x + y,
                    ArithOp::Sub => |x, y| x - y,
                    ArithOp::Mul => |x, y| x * y,
                    ArithOp::Div => |x, y| x / y,
                };
                zip_with(a.values(columns), b.values(columns), f)
            }
            Expr::Abs(e) => e.values(columns).into_iter().map(f64::abs).collect(),
            Expr::Min(es) => fold(es, f64::INFINITY, f64::min),
            Expr::Max(es) => fold(es, f64::NEG_INFINITY, f64::max),
            Expr::If(c, a, b) => c
                .truth(columns)
                .into_iter()
                .zip(a.values(columns).into_iter().zip(b.values(columns)))
                .map(|(c, (x, y))| if c { x } else { y })
                .collect(),
            Expr::Sum(e) => {
                // In step order, as a Python loop over the trajectory adds.
                let total = e.values(columns).iter().fold(0.0, |acc, v| acc + v);
                vec![total; n]
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(f64),
    Ident(String),
    Sym(&'static str),
}

#[derive(Debug, Clone)]
struct Token {
    tok: Tok,
    pos: usize,
    text: String,
}

fn lex(src: &str) -> Result<Vec<Token>, SpecError> {
    const SYMS: [&str; 16] = [
        "<=", ">=", "==", "!=", "<", ">", "(", ")", "[", "]", ",", "+", "-", "*", "/", "!",
    ];
    let bytes = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i] as char;
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_digit()
            || (c == '.' && bytes.get(i + 1).is_some_and(u8::is_ascii_digit))
        {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
                i += 1;
            }
            // An exponent: e, an optional sign, digits.
            if i < bytes.len() && (bytes[i] == b'e' || bytes[i] == b'E') {
                let mut j = i + 1;
                if j < bytes.len() && (bytes[j] == b'+' || bytes[j] == b'-') {
                    j += 1;
                }
                if j < bytes.len() && bytes[j].is_ascii_digit() {
                    while j < bytes.len() && bytes[j].is_ascii_digit() {
                        j += 1;
                    }
                    i = j;
                }
            }
            let text = &src[start..i];
            let v: f64 = text.parse().map_err(|_| SpecError {
                pos: start,
                message: format!("`{text}` is not a number"),
            })?;
            out.push(Token {
                tok: Tok::Num(v),
                pos: start,
                text: text.into(),
            });
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            let text = &src[start..i];
            out.push(Token {
                tok: Tok::Ident(text.into()),
                pos: start,
                text: text.into(),
            });
        } else if let Some(s) = SYMS.iter().find(|s| src[i..].starts_with(**s)) {
            if *s == "!" {
                return Err(SpecError {
                    pos: i,
                    message: "unexpected `!`; write `not` for negation or `!=` to compare".into(),
                });
            }
            out.push(Token {
                tok: Tok::Sym(s),
                pos: i,
                text: (*s).into(),
            });
            i += s.len();
        } else {
            let ch = src[i..].chars().next().unwrap_or('?');
            return Err(SpecError {
                pos: i,
                message: format!("unexpected character `{ch}`"),
            });
        }
    }
    Ok(out)
}

const KEYWORDS: [&str; 11] = [
    "if",
    "sum",
    "always",
    "eventually",
    "at_end",
    "and",
    "or",
    "not",
    "implies",
    "min",
    "max",
];

/// How deep a formula may nest: each parenthesis, `not`, `-`, function and temporal operator, and each
/// link of a chain of `and`, `or`, `implies`, `+`, `-`, `*`, `/`, is one level of the tree the parser
/// builds. Evaluation recurses over that tree, so a hostile file cannot overflow the stack.
pub const MAX_DEPTH: usize = 100;

struct Parser<'a> {
    tokens: Vec<Token>,
    i: usize,
    signals: &'a [String],
    src_len: usize,
    /// How many calls deep the parser is (bounded by [`MAX_DEPTH`] before it descends further).
    nesting: usize,
}

/// A formula or an expression, with the depth of its tree.
type F = (Formula, usize);
type E = (Expr, usize);

/// What a parenthesis holds: a formula, or an expression that arithmetic or a comparison continues
/// after the `)`. Parsing both at once is what keeps the parser from backtracking.
enum Node {
    F(F),
    E(E),
}

fn boxed((f, _): F) -> Box<Formula> {
    Box::new(f)
}

fn boxed_e((e, _): E) -> Box<Expr> {
    Box::new(e)
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.i)
    }

    fn err_at(&self, pos: usize, message: String) -> SpecError {
        SpecError { pos, message }
    }

    /// An error at the current token, or at the end of the formula.
    fn err_here(&self, expected: &str) -> SpecError {
        match self.peek() {
            Some(t) => self.err_at(t.pos, format!("expected {expected}, found `{}`", t.text)),
            None => self.err_at(self.src_len, format!("expected {expected}, found the end")),
        }
    }

    fn too_deep(&self) -> SpecError {
        let pos = self.peek().map_or(self.src_len, |t| t.pos);
        self.err_at(
            pos,
            format!(
                "the formula nests more than {MAX_DEPTH} levels deep (each parenthesis, `not`, `-`, \
                 function and temporal operator, and each `and`, `or`, `implies`, `+`, `-`, `*`, `/` \
                 of a chain, is a level)"
            ),
        )
    }

    /// The depth of a node whose deepest child is `child` deep.
    fn depth_over(&self, child: usize) -> Result<usize, SpecError> {
        if child >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        Ok(child + 1)
    }

    /// Run `f` one level deeper, refusing to go past [`MAX_DEPTH`].
    fn nested<T>(
        &mut self,
        f: impl FnOnce(&mut Self) -> Result<T, SpecError>,
    ) -> Result<T, SpecError> {
        if self.nesting >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        self.nesting += 1;
        let r = f(self);
        self.nesting -= 1;
        r
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Sym(x), .. }) if *x == s)
    }

    fn is_ident(&self, s: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Ident(x), .. }) if x == s)
    }

    fn expect_sym(&mut self, s: &str) -> Result<(), SpecError> {
        if self.is_sym(s) {
            self.i += 1;
            Ok(())
        } else {
            Err(self.err_here(&format!("`{s}`")))
        }
    }

    /// A node that must be a formula: an expression here lacks its comparison.
    fn as_formula(&self, n: Node) -> Result<F, SpecError> {
        match n {
            Node::F(f) => Ok(f),
            Node::E(_) => Err(self.err_here("a comparison (<, <=, >, >=, ==, !=)")),
        }
    }

    fn formula(&mut self) -> Result<F, SpecError> {
        let n = self.node()?;
        self.as_formula(n)
    }

    /// `implies`, or what a parenthesis holds.
    fn node(&mut self) -> Result<Node, SpecError> {
        let lhs = self.or()?;
        if !self.is_ident("implies") {
            return Ok(lhs);
        }
        let lhs = self.as_formula(lhs)?;
        self.i += 1;
        let rhs = self.nested(Self::formula)?;
        let d = self.depth_over(lhs.1.max(rhs.1))?;
        Ok(Node::F((Formula::Implies(boxed(lhs), boxed(rhs)), d)))
    }

    fn or(&mut self) -> Result<Node, SpecError> {
        self.chain("or", Self::and, Formula::Or)
    }

    fn and(&mut self) -> Result<Node, SpecError> {
        self.chain("and", Self::unary, Formula::And)
    }

    /// `operand (word operand)*`, joined from the left by `join`; a lone operand is returned as it is
    /// (it may be an expression).
    fn chain(
        &mut self,
        word: &str,
        operand: fn(&mut Self) -> Result<Node, SpecError>,
        join: fn(Box<Formula>, Box<Formula>) -> Formula,
    ) -> Result<Node, SpecError> {
        let first = operand(self)?;
        if !self.is_ident(word) {
            return Ok(first);
        }
        let mut f = self.as_formula(first)?;
        while self.is_ident(word) {
            self.i += 1;
            let n = operand(self)?;
            let rhs = self.as_formula(n)?;
            let d = self.depth_over(f.1.max(rhs.1))?;
            f = (join(boxed(f), boxed(rhs)), d);
        }
        Ok(Node::F(f))
    }

    fn unary(&mut self) -> Result<Node, SpecError> {
        self.nested(Self::unary_here)
    }

    fn unary_here(&mut self) -> Result<Node, SpecError> {
        if self.is_ident("not") {
            self.i += 1;
            let n = self.unary()?;
            let f = self.as_formula(n)?;
            let d = self.depth_over(f.1)?;
            return Ok(Node::F((Formula::Not(boxed(f)), d)));
        }
        for (kw, always) in [("always", true), ("eventually", false)] {
            if self.is_ident(kw) {
                self.i += 1;
                let iv = if self.is_sym("[") {
                    Some(self.interval()?)
                } else {
                    None
                };
                let f = self.parenthesised()?;
                let d = self.depth_over(f.1)?;
                let f = boxed(f);
                return Ok(Node::F((
                    if always {
                        Formula::Always(iv, f)
                    } else {
                        Formula::Eventually(iv, f)
                    },
                    d,
                )));
            }
        }
        if self.is_ident("at_end") {
            self.i += 1;
            let f = self.parenthesised()?;
            let d = self.depth_over(f.1)?;
            return Ok(Node::F((Formula::AtEnd(boxed(f)), d)));
        }
        if self.is_sym("(") {
            // A parenthesised formula, or an expression that starts with "(": both parse as a node,
            // and an expression goes on into arithmetic and its comparison.
            self.i += 1;
            let inner = self.node()?;
            self.expect_sym(")")?;
            return match inner {
                Node::F(f) => Ok(Node::F(f)),
                Node::E(e) => {
                    let t = self.term_from(e)?;
                    let lhs = self.expr_from(t)?;
                    self.comparison_from(lhs)
                }
            };
        }
        let lhs = self.expr()?;
        self.comparison_from(lhs)
    }

    fn parenthesised(&mut self) -> Result<F, SpecError> {
        self.expect_sym("(")?;
        let f = self.formula()?;
        self.expect_sym(")")?;
        Ok(f)
    }

    fn interval(&mut self) -> Result<(usize, usize), SpecError> {
        let open = self.peek().map_or(self.src_len, |t| t.pos);
        self.expect_sym("[")?;
        let a = self.step_count()?;
        self.expect_sym(",")?;
        let b = self.step_count()?;
        self.expect_sym("]")?;
        if a > b {
            return Err(self.err_at(
                open,
                format!("the interval [{a},{b}] is empty: its start must not exceed its end"),
            ));
        }
        Ok((a, b))
    }

    fn step_count(&mut self) -> Result<usize, SpecError> {
        match self.peek().cloned() {
            Some(Token {
                tok: Tok::Num(v),
                pos,
                text,
            }) => {
                if v.fract() != 0.0 || !(0.0..=1e12).contains(&v) {
                    return Err(self.err_at(
                        pos,
                        format!("interval bounds are step counts; `{text}` is not one"),
                    ));
                }
                self.i += 1;
                Ok(v as usize)
            }
            _ => Err(self.err_here("a step count (a non-negative integer)")),
        }
    }

    /// `lhs` compared with the expression after the operator; without an operator, `lhs` itself (an
    /// expression, which only a parenthesis may hold).
    fn comparison_from(&mut self, lhs: E) -> Result<Node, SpecError> {
        let op = match self.peek() {
            Some(Token {
                tok: Tok::Sym(s), ..
            }) => match *s {
                "<" => Cmp::Lt,
                "<=" => Cmp::Le,
                ">" => Cmp::Gt,
                ">=" => Cmp::Ge,
                "==" => Cmp::Eq,
                "!=" => Cmp::Ne,
                _ => return Ok(Node::E(lhs)),
            },
            _ => return Ok(Node::E(lhs)),
        };
        self.i += 1;
        let rhs = self.expr()?;
        let d = self.depth_over(lhs.1.max(rhs.1))?;
        Ok(Node::F((Formula::Cmp(lhs.0, op, rhs.0), d)))
    }

    fn expr(&mut self) -> Result<E, SpecError> {
        let t = self.term()?;
        self.expr_from(t)
    }

    /// The sums and differences that follow the term `e`.
    fn expr_from(&mut self, mut e: E) -> Result<E, SpecError> {
        loop {
            let op = if self.is_sym("+") {
                ArithOp::Add
            } else if self.is_sym("-") {
                ArithOp::Sub
            } else {
                return Ok(e);
            };
            self.i += 1;
            let rhs = self.term()?;
            let d = self.depth_over(e.1.max(rhs.1))?;
            e = (Expr::Bin(boxed_e(e), op, boxed_e(rhs)), d);
        }
    }

    fn term(&mut self) -> Result<E, SpecError> {
        let f = self.factor()?;
        self.term_from(f)
    }

    /// The products and quotients that follow the factor `e`.
    fn term_from(&mut self, mut e: E) -> Result<E, SpecError> {
        loop {
            let op = if self.is_sym("*") {
                ArithOp::Mul
            } else if self.is_sym("/") {
                ArithOp::Div
            } else {
                return Ok(e);
            };
            self.i += 1;
            let rhs = self.factor()?;
            let d = self.depth_over(e.1.max(rhs.1))?;
            e = (Expr::Bin(boxed_e(e), op, boxed_e(rhs)), d);
        }
    }

    fn factor(&mut self) -> Result<E, SpecError> {
        self.nested(Self::factor_here)
    }

    fn factor_here(&mut self) -> Result<E, SpecError> {
        let Some(tok) = self.peek().cloned() else {
            return Err(self.err_here("a number, a signal name or `(`"));
        };
        match &tok.tok {
            Tok::Num(v) => {
                self.i += 1;
                Ok((Expr::Num(*v), 1))
            }
            Tok::Sym("-") => {
                self.i += 1;
                let e = self.factor()?;
                let d = self.depth_over(e.1)?;
                Ok((Expr::Neg(boxed_e(e)), d))
            }
            Tok::Sym("(") => {
                self.i += 1;
                let e = self.expr()?;
                self.expect_sym(")")?;
                Ok(e)
            }
            Tok::Ident(name) if ["abs", "min", "max"].contains(&name.as_str()) => {
                self.i += 1;
                self.expect_sym("(")?;
                let mut args = vec![self.expr()?];
                while self.is_sym(",") {
                    self.i += 1;
                    args.push(self.expr()?);
                }
                self.expect_sym(")")?;
                let d = self.depth_over(args.iter().map(|a| a.1).max().unwrap_or(0))?;
                let mut args: Vec<Expr> = args.into_iter().map(|a| a.0).collect();
                match name.as_str() {
                    "abs" if args.len() == 1 => Ok((Expr::Abs(Box::new(args.pop().unwrap())), d)),
                    "abs" => Err(self.err_at(tok.pos, "abs takes one argument".into())),
                    "min" => Ok((Expr::Min(args), d)),
                    _ => Ok((Expr::Max(args), d)),
                }
            }
            Tok::Ident(name) if name == "if" => {
                self.i += 1;
                self.expect_sym("(")?;
                let cond = self.formula()?;
                self.expect_sym(",")?;
                let then = self.expr()?;
                self.expect_sym(",")?;
                let other = self.expr()?;
                self.expect_sym(")")?;
                let d = self.depth_over(cond.1.max(then.1).max(other.1))?;
                Ok((Expr::If(boxed(cond), boxed_e(then), boxed_e(other)), d))
            }
            Tok::Ident(name) if name == "sum" => {
                self.i += 1;
                self.expect_sym("(")?;
                let e = self.expr()?;
                self.expect_sym(")")?;
                let d = self.depth_over(e.1)?;
                Ok((Expr::Sum(boxed_e(e)), d))
            }
            Tok::Ident(name) if KEYWORDS.contains(&name.as_str()) => Err(self.err_at(
                tok.pos,
                format!("expected a number or a signal name, found the keyword `{name}`"),
            )),
            Tok::Ident(name) => match self.signals.iter().position(|s| s == name) {
                Some(c) => {
                    self.i += 1;
                    Ok((Expr::Var(c), 1))
                }
                None => Err(self.err_at(
                    tok.pos,
                    format!(
                        "unknown variable `{name}`; this environment's signals are: {}",
                        self.signals.join(", ")
                    ),
                )),
            },
            Tok::Sym(_) => Err(self.err_here("a number, a signal name or `(`")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// Robustness of `src` on a trace of named columns.
    fn rho(src: &str, cols: &[(&str, &[f64])]) -> f64 {
        let sig: Vec<String> = cols.iter().map(|(n, _)| n.to_string()).collect();
        let data: Vec<Vec<f64>> = cols.iter().map(|(_, v)| v.to_vec()).collect();
        Formula::parse(src, &sig).unwrap().robustness(&data)
    }

    fn err(src: &str) -> SpecError {
        Formula::parse(src, &names(&["x", "theta", "return"])).unwrap_err()
    }

    const X: &[f64] = &[0.0, 1.0, 2.0, 2.5, 1.5];

    #[test]
    fn comparisons() {
        assert_eq!(rho("x <= 2.4", &[("x", X)]), 2.4);
        assert_eq!(rho("x < 2.4", &[("x", X)]), 2.4);
        assert_eq!(rho("x >= -1", &[("x", X)]), 1.0);
        assert_eq!(rho("x > -1", &[("x", X)]), 1.0);
        assert_eq!(rho("x == 0.5", &[("x", X)]), -0.5);
        assert_eq!(rho("x != 0.5", &[("x", X)]), 0.5);
    }

    #[test]
    fn always_and_eventually_unbounded() {
        // min over t of 2.4 - x = 2.4 - 2.5
        assert!((rho("always(x <= 2.4)", &[("x", X)]) - (-0.1)).abs() < 1e-12);
        assert_eq!(rho("eventually(x >= 2)", &[("x", X)]), 0.5);
        assert_eq!(rho("always(abs(x) <= 3)", &[("x", X)]), 0.5);
    }

    #[test]
    fn bounded_windows() {
        // steps 1..=2: x = 1, 2 → min(2.4 - x) = 0.4
        assert!((rho("always[1,2](x <= 2.4)", &[("x", X)]) - 0.4).abs() < 1e-12);
        // steps 3..=10 clipped to 3..=4: max(x - 2) = 0.5
        assert_eq!(rho("eventually[3,10](x >= 2)", &[("x", X)]), 0.5);
        // a window past the end: always is vacuously true, eventually never happens
        assert_eq!(rho("always[7,9](x <= 0)", &[("x", X)]), f64::INFINITY);
        assert_eq!(
            rho("eventually[7,9](x <= 0)", &[("x", X)]),
            f64::NEG_INFINITY
        );
        // nested: at every step, within the next step x stays below 2.6
        assert!((rho("always(always[0,1](x <= 2.6))", &[("x", X)]) - 0.1).abs() < 1e-12);
    }

    #[test]
    fn at_end_and_connectives() {
        let ret: &[f64] = &[0.0, -100.0, -200.0, -250.0, -320.0];
        assert_eq!(rho("at_end(return >= -300)", &[("return", ret)]), -20.0);
        let cols: &[(&str, &[f64])] = &[("x", X), ("return", ret)];
        assert_eq!(rho("x <= 1 and return >= -5", cols), 1.0);
        assert_eq!(rho("x >= 1 or return >= -5", cols), 5.0);
        assert_eq!(rho("not(x <= 1)", cols), -1.0);
        assert_eq!(rho("not x <= 1", cols), -1.0);
        // (x >= 1) implies (return >= 1): max(-(x-1), return-1) = max(1, -1)
        assert_eq!(rho("x >= 1 implies return >= 1", cols), 1.0);
        // per step max(1 - x, -50 - return) = 1, 50, 150, 200, 270
        assert_eq!(rho("always(x >= 1 implies return <= -50)", cols), 1.0);
    }

    #[test]
    fn arithmetic_precedence_and_functions() {
        let cols: &[(&str, &[f64])] = &[("x", &[3.0]), ("y", &[-4.0])];
        assert_eq!(rho("x + y * 2 <= 0", cols), 5.0); // 0 - (3 - 8)
        assert_eq!(rho("(x + y) * 2 <= 0", cols), 2.0);
        assert_eq!(rho("-x - -y >= -10", cols), 3.0); // -3 + -4 - (-10)
        assert_eq!(rho("x / 2 >= 1", cols), 0.5);
        assert_eq!(rho("min(x, y, 1) >= -5", cols), 1.0);
        assert_eq!(rho("max(abs(y), x) <= 4.5", cols), 0.5);
        assert_eq!(rho("(x) <= 3", cols), 0.0);
        assert_eq!(rho("((x <= 4))", cols), 1.0);
        assert_eq!(rho("1e1 >= x", cols), 7.0);
    }

    #[test]
    fn if_and_sum() {
        let x: &[f64] = &[0.0, 1.0, 2.0, 2.5, 1.5];
        // sum over the episode: 7, at every step
        assert_eq!(rho("sum(x) <= 10", &[("x", x)]), 3.0);
        // if: strict `<` (x = 1 is not < 1): 0 + 0 + 2 + 2.5 + 1.5 with x < 1 mapped to 0
        assert_eq!(rho("sum(if(x < 1 or x > 2, 0, x)) >= 0", &[("x", x)]), 4.5);
        // the condition may be temporal: at step 0, eventually x >= 2.5 holds
        assert_eq!(
            rho("if(eventually(x >= 2.5), 1, -1) >= 0", &[("x", x)]),
            1.0
        );
        assert_eq!(
            rho("at_end(if(eventually(x >= 2.5), 1, -1) >= 0)", &[("x", x)]),
            -1.0
        );
    }

    /// PruVer's LunarLander spec 1 (`safet_spec_1`), evaluated by hand: the return is negative, so
    /// every state with y < 0.1 and |angle| > 1 subtracts 0.1 − y + (angle − 1).
    #[test]
    fn pruvers_lunar_lander_spec_1() {
        let src = "at_end(if(return < 0, return - sum(if(y < 0.1 and abs(angle) > 1, \
                   0.1 - y + (angle - 1), 0)), return) >= 0)";
        let y: &[f64] = &[1.0, 0.05, 0.0, -0.1];
        let angle: &[f64] = &[0.0, 1.5, 0.5, -2.0];
        let cols: &[(&str, &[f64])] = &[
            ("y", y),
            ("angle", angle),
            ("return", &[0.0, -1.0, -5.0, -10.0]),
        ];
        // step 1: 0.1 - 0.05 + 0.5 = 0.55; step 3: 0.1 + 0.1 + (-3) = -2.8
        let want = -10.0 - (0.55 + -2.8);
        assert!((rho(src, cols) - want).abs() < 1e-12, "{}", rho(src, cols));
        // a non-negative return is the robustness itself
        let cols: &[(&str, &[f64])] = &[
            ("y", y),
            ("angle", angle),
            ("return", &[0.0, 1.0, 2.0, 3.0]),
        ];
        assert_eq!(rho(src, cols), 3.0);
        let e = err("if(x <= 1, 2) >= 0");
        assert!(e.message.contains("expected `,`"), "{e}");
    }

    #[test]
    fn negative_exactly_when_violated() {
        for (src, violated) in [
            ("always(x <= 2.4)", true),
            ("always(x <= 2.5)", false),
            ("eventually(x >= 2.5)", false),
            ("eventually(x > 2.6)", true),
            ("at_end(x <= 1.5)", false),
            ("at_end(x <= 1.4)", true),
        ] {
            let r = rho(src, &[("x", X)]);
            assert_eq!(r < 0.0, violated, "{src}: {r}");
        }
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack() {
        let names = names(&["x"]);
        let deep = |src: String| {
            let e = Formula::parse(&src, &names).unwrap_err();
            assert!(e.message.contains("nests more than 100 levels"), "{e}");
        };
        let n = 200_000;
        deep(format!("{}x <= 1{}", "(".repeat(n), ")".repeat(n)));
        deep(format!("{}x <= 1", "not ".repeat(n)));
        deep(format!("x <= {}1", "-".repeat(n)));
        deep(format!("x <= 1{}", " + x".repeat(n)));
        deep(format!("x <= 1{}", " and x <= 1".repeat(n)));
        deep(format!("x <= 1{}", " implies x <= 1".repeat(n)));
        deep(format!("{}x <= 1{}", "always(".repeat(n), ")".repeat(n)));
        deep(format!("x <= {}1{}", "abs(".repeat(n), ")".repeat(n)));
        deep(format!(
            "x <= {}x > 0, 1, 0{}",
            "if(".repeat(n),
            ")".repeat(n)
        ));
        // Up to the bound, it parses.
        let ok = format!("{}x <= 1{}", "(".repeat(90), ")".repeat(90));
        assert!(Formula::parse(&ok, &names).is_ok());
        let ok = format!("x <= 1{}", " and x <= 1".repeat(90));
        assert!(Formula::parse(&ok, &names).is_ok());
    }

    /// A parenthesis that holds an `if(…)` expression, repeated: a parser that tried the formula
    /// first and re-parsed on failure took 2ⁿ steps (n = 30: hours). This one reads each token once.
    #[test]
    fn parsing_never_backtracks() {
        let mut src = "x > -1".to_string();
        for _ in 0..30 {
            src = format!("(if({src}, 1, 0)) + 0 > 0");
        }
        let f = Formula::parse(&format!("always({src})"), &names(&["x"])).unwrap();
        // x > -1 holds at every step of X, so every level is 1 + 0 > 0, robustness 1.
        assert_eq!(f.robustness(&[X.to_vec()]), 1.0);
    }

    #[test]
    fn errors_name_the_position_and_what_was_expected() {
        let e = err("always(abs(x) <= 2.4");
        assert_eq!(e.pos, 20);
        assert!(e.message.contains("expected `)`"), "{e}");
        let e = err("always(speed <= 2)");
        assert_eq!(e.pos, 7);
        assert!(e.message.contains("unknown variable `speed`"), "{e}");
        assert!(e.message.contains("x, theta, return"), "{e}");
        let e = err("always[5,2](x <= 1)");
        assert_eq!(e.pos, 6);
        assert!(e.message.contains("empty"), "{e}");
        let e = err("always[1.5,2](x <= 1)");
        assert!(e.message.contains("step count"), "{e}");
        let e = err("x <=");
        assert!(e.message.contains("found the end"), "{e}");
        let e = err("x");
        assert!(e.message.contains("expected a comparison"), "{e}");
        let e = err("x <= 1 x");
        assert!(e.message.contains("unexpected `x`"), "{e}");
        let e = err("x <= 1 $");
        assert_eq!(e.pos, 7);
        let e = err("!(x <= 1)");
        assert!(e.message.contains("`not`"), "{e}");
        assert_eq!(
            err("").to_string(),
            "at column 1: expected a number, a signal name or `(`, found the end"
        );
    }
}
