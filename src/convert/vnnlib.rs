//! One-step properties of an actor as VNN-LIB queries, the format the VNN-COMP verifiers (α,β-CROWN,
//! Marabou, NNV, …) read beside an ONNX network.
//!
//! A property says what must hold for every observation in an input box; the query asserts the box and
//! the property's *violation*, so a verifier answers `unsat` when the property holds on the whole box
//! and `sat`, with a counterexample, when it does not. The syntax (docs/convert.md):
//!
//! ```text
//! PROPERTY := always(CLAUSES) | CLAUSES
//! CLAUSES  := CLAUSE and CLAUSE and …
//! CLAUSE   := OUT <= NUM | OUT >= NUM | OUT < NUM | OUT > NUM      (OUT: yI, or y for every output)
//!           | yI <= yJ | yI >= yJ | yI < yJ | yI > yJ
//!           | OUT in [NUM, NUM]
//!           | OUT in dense +- NUM          (within NUM of the dense actor's output at the box centre)
//!           | argmax = I | argmax = dense  (the discrete action is I, or the dense actor's there)
//! ```
//!
//! VNN-LIB 1.0, as VNN-COMP writes it, has only `<=` and `>=`, so a violation includes its boundary: a
//! verifier reports an output exactly on a bound (or a tie, for `argmax`) as a counterexample. The
//! parser reads its input once, left to right: its time is linear in the property's length, and it
//! does not recurse.

use std::fmt::Write as _;

use crate::env::Space;
use crate::error::{Error, Result};

/// Which outputs a clause constrains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Outputs {
    One(usize),
    All,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Cmp {
    Le,
    Lt,
    Ge,
    Gt,
}

#[derive(Debug, Clone, PartialEq)]
enum Clause {
    /// `OUT op c`.
    Const(Outputs, Cmp, f64),
    /// `yI op yJ`.
    Pair(usize, Cmp, usize),
    /// `OUT in [lo, hi]`.
    In(Outputs, f64, f64),
    /// `OUT in dense +- tol`.
    NearDense(Outputs, f64),
    /// `argmax = I` (`None`: the dense actor's action).
    Argmax(Option<usize>),
}

/// One atom of a violation: `Y_i >= c`, `Y_i <= c`, or `Y_i >= Y_j`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Atom {
    AtLeast(usize, f64),
    AtMost(usize, f64),
    AtLeastOutput(usize, usize),
}

/// A parsed property.
#[derive(Debug, Clone, PartialEq)]
pub struct Property {
    /// As typed (one line).
    pub text: String,
    clauses: Vec<Clause>,
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Num(f64),
    /// `y` (every output) or `yI`.
    Out(Outputs),
    Word(String),
    Sym(&'static str),
}

const SYMBOLS: [&str; 13] = [
    "<=", ">=", "==", "+-", "±", "<", ">", "=", "[", "]", ",", "(", ")",
];

fn bad(text: &str, why: impl std::fmt::Display) -> Error {
    Error::Invalid(format!(
        "--vnnlib `{text}`: {why} (docs/convert.md has the syntax)"
    ))
}

fn tokens(text: &str) -> Result<Vec<Token>> {
    let mut out = Vec::new();
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        if let Some(sym) = SYMBOLS.iter().find(|s| rest.starts_with(**s)) {
            out.push(Token::Sym(sym));
            rest = &rest[sym.len()..];
        } else if rest.starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '.') {
            let end = rest
                .char_indices()
                .skip(1)
                .find(|&(i, c)| {
                    !(c.is_ascii_digit()
                        || c == '.'
                        || c == 'e'
                        || c == 'E'
                        || ((c == '-' || c == '+') && matches!(&rest[i - 1..i], "e" | "E")))
                })
                .map_or(rest.len(), |(i, _)| i);
            let s = &rest[..end];
            let v: f64 = s
                .parse()
                .map_err(|_| bad(text, format!("`{s}` is not a number")))?;
            if !v.is_finite() {
                return Err(bad(text, format!("`{s}` is not a finite number")));
            }
            out.push(Token::Num(v));
            rest = &rest[end..];
        } else if rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let w = &rest[..end];
            let tok = match w.strip_prefix('y') {
                Some("") => Token::Out(Outputs::All),
                Some(i) if i.bytes().all(|b| b.is_ascii_digit()) => {
                    let i = i
                        .parse()
                        .map_err(|_| bad(text, format!("`{w}`: output index too large")))?;
                    Token::Out(Outputs::One(i))
                }
                _ => Token::Word(w.to_ascii_lowercase()),
            };
            out.push(tok);
            rest = &rest[end..];
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            return Err(bad(text, format!("unexpected `{c}`")));
        }
        rest = rest.trim_start();
    }
    Ok(out)
}

/// Reads tokens left to right.
struct Parser<'t> {
    text: &'t str,
    toks: Vec<Token>,
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.toks.get(self.at)
    }

    fn next(&mut self, want: &str) -> Result<Token> {
        let t = self
            .toks
            .get(self.at)
            .cloned()
            .ok_or_else(|| bad(self.text, format!("ends where {want} should follow")))?;
        self.at += 1;
        Ok(t)
    }

    fn sym(&mut self, s: &'static str) -> Result<()> {
        match self.next(&format!("`{s}`"))? {
            Token::Sym(t) if t == s => Ok(()),
            t => Err(bad(
                self.text,
                format!("expected `{s}`, found {}", show(&t)),
            )),
        }
    }

    fn num(&mut self) -> Result<f64> {
        match self.next("a number")? {
            Token::Num(v) => Ok(v),
            t => Err(bad(
                self.text,
                format!("expected a number, found {}", show(&t)),
            )),
        }
    }

    fn word(&self, t: &Token, w: &str) -> bool {
        matches!(t, Token::Word(x) if x == w)
    }

    fn clause(&mut self) -> Result<Clause> {
        match self.next("a clause")? {
            Token::Word(w) if w == "argmax" => {
                match self.next("`=`")? {
                    Token::Sym("=") | Token::Sym("==") => {}
                    t => return Err(bad(self.text, format!("expected `=`, found {}", show(&t)))),
                }
                match self.next("an action index or `dense`")? {
                    Token::Num(v) if v >= 0.0 && v.fract() == 0.0 => {
                        Ok(Clause::Argmax(Some(v as usize)))
                    }
                    t if self.word(&t, "dense") => Ok(Clause::Argmax(None)),
                    t => Err(bad(
                        self.text,
                        format!(
                            "argmax = takes an action index or `dense`, not {}",
                            show(&t)
                        ),
                    )),
                }
            }
            Token::Out(out) => match self.next("a comparison or `in`")? {
                Token::Sym(s) if matches!(s, "<=" | ">=" | "<" | ">") => {
                    let cmp = match s {
                        "<=" => Cmp::Le,
                        "<" => Cmp::Lt,
                        ">=" => Cmp::Ge,
                        _ => Cmp::Gt,
                    };
                    match self.next("a number or an output")? {
                        Token::Num(c) => Ok(Clause::Const(out, cmp, c)),
                        Token::Out(Outputs::One(j)) => match out {
                            Outputs::One(i) => Ok(Clause::Pair(i, cmp, j)),
                            Outputs::All => Err(bad(
                                self.text,
                                "`y` (every output) compares with a number, not with an output",
                            )),
                        },
                        t => Err(bad(
                            self.text,
                            format!("expected a number or an output yJ, found {}", show(&t)),
                        )),
                    }
                }
                t if self.word(&t, "in") => match self.next("`[` or `dense`")? {
                    Token::Sym("[") => {
                        let lo = self.num()?;
                        self.sym(",")?;
                        let hi = self.num()?;
                        self.sym("]")?;
                        if lo > hi {
                            return Err(bad(
                                self.text,
                                format!("the interval [{lo}, {hi}] is empty"),
                            ));
                        }
                        Ok(Clause::In(out, lo, hi))
                    }
                    t if self.word(&t, "dense") => {
                        match self.next("`+-`")? {
                            Token::Sym("+-") | Token::Sym("±") => {}
                            t => {
                                return Err(bad(
                                    self.text,
                                    format!("expected `+-`, found {}", show(&t)),
                                ))
                            }
                        }
                        let tol = self.num()?;
                        if tol < 0.0 {
                            return Err(bad(self.text, "a tolerance cannot be negative"));
                        }
                        Ok(Clause::NearDense(out, tol))
                    }
                    t => Err(bad(
                        self.text,
                        format!("`in` takes [LO, HI] or `dense +- TOL`, not {}", show(&t)),
                    )),
                },
                t => Err(bad(
                    self.text,
                    format!("expected <=, >=, <, > or `in`, found {}", show(&t)),
                )),
            },
            t => Err(bad(
                self.text,
                format!(
                    "a clause starts with an output (y0, y1, …, or y) or `argmax`, not {}",
                    show(&t)
                ),
            )),
        }
    }
}

fn show(t: &Token) -> String {
    match t {
        Token::Num(v) => format!("`{v}`"),
        Token::Out(Outputs::All) => "`y`".into(),
        Token::Out(Outputs::One(i)) => format!("`y{i}`"),
        Token::Word(w) => format!("`{w}`"),
        Token::Sym(s) => format!("`{s}`"),
    }
}

impl Property {
    /// Parse a property (the syntax is in the module's documentation).
    pub fn parse(text: &str) -> Result<Property> {
        let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut toks = tokens(&one_line)?;
        if toks.is_empty() {
            return Err(bad(&one_line, "the property is empty"));
        }
        // `always( … )`: one step, so `always` only says "for every observation in the box".
        if matches!(toks.first(), Some(Token::Word(w)) if w == "always") {
            if toks.get(1) != Some(&Token::Sym("(")) || toks.last() != Some(&Token::Sym(")")) {
                return Err(bad(&one_line, "`always` takes its clauses in parentheses"));
            }
            toks = toks[2..toks.len() - 1].to_vec();
        }
        let mut p = Parser {
            text: &one_line,
            toks,
            at: 0,
        };
        let mut clauses = vec![p.clause()?];
        while let Some(t) = p.peek().cloned() {
            if !p.word(&t, "and") {
                return Err(bad(
                    &one_line,
                    format!("expected `and`, found {}", show(&t)),
                ));
            }
            p.at += 1;
            clauses.push(p.clause()?);
        }
        Ok(Property {
            text: one_line,
            clauses,
        })
    }

    /// Check the property against an actor with `outputs` outputs (`discrete`: its action is their
    /// argmax).
    pub fn check(&self, outputs: usize, discrete: bool) -> Result<()> {
        let in_range = |i: usize| {
            if i < outputs {
                Ok(())
            } else {
                Err(bad(
                    &self.text,
                    format!(
                        "the actor has {outputs} outputs (y0 … y{}): no y{i}",
                        outputs - 1
                    ),
                ))
            }
        };
        for c in &self.clauses {
            match *c {
                Clause::Const(Outputs::One(i), ..)
                | Clause::In(Outputs::One(i), ..)
                | Clause::NearDense(Outputs::One(i), _) => in_range(i)?,
                Clause::Pair(i, _, j) => {
                    in_range(i)?;
                    in_range(j)?;
                }
                Clause::Argmax(k) => {
                    if !discrete {
                        return Err(bad(
                            &self.text,
                            "argmax applies to an actor with discrete actions; this one's output is \
                             its action",
                        ));
                    }
                    if let Some(k) = k {
                        in_range(k)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Whether the property refers to the dense actor's output (`dense`).
    pub fn uses_dense(&self) -> bool {
        self.clauses
            .iter()
            .any(|c| matches!(c, Clause::NearDense(..) | Clause::Argmax(None)))
    }

    /// The violation, a disjunction of atoms over `outputs` outputs. `dense` is the dense actor's
    /// output at the box centre, needed when [`Property::uses_dense`].
    pub fn violation(&self, outputs: usize, dense: Option<&[f64]>) -> Vec<Atom> {
        let each = |o: Outputs| match o {
            Outputs::One(i) => i..i + 1,
            Outputs::All => 0..outputs,
        };
        let dense = || dense.expect("the property uses the dense actor's output");
        let mut atoms = Vec::new();
        for c in &self.clauses {
            match *c {
                Clause::Const(o, cmp, v) => atoms.extend(each(o).map(|i| match cmp {
                    Cmp::Le | Cmp::Lt => Atom::AtLeast(i, v),
                    Cmp::Ge | Cmp::Gt => Atom::AtMost(i, v),
                })),
                Clause::Pair(i, cmp, j) => atoms.push(match cmp {
                    Cmp::Le | Cmp::Lt => Atom::AtLeastOutput(i, j),
                    Cmp::Ge | Cmp::Gt => Atom::AtLeastOutput(j, i),
                }),
                Clause::In(o, lo, hi) => {
                    for i in each(o) {
                        atoms.extend([Atom::AtMost(i, lo), Atom::AtLeast(i, hi)]);
                    }
                }
                Clause::NearDense(o, tol) => {
                    let d = dense();
                    for i in each(o) {
                        atoms.extend([Atom::AtMost(i, d[i] - tol), Atom::AtLeast(i, d[i] + tol)]);
                    }
                }
                Clause::Argmax(k) => {
                    let k = k.unwrap_or_else(|| crate::policy::argmax(dense()));
                    atoms.extend(
                        (0..outputs)
                            .filter(|&j| j != k)
                            .map(|j| Atom::AtLeastOutput(j, k)),
                    );
                }
            }
        }
        atoms
    }
}

/// The box the inputs range over: one closed interval per observation component.
#[derive(Debug, Clone, PartialEq)]
pub struct InputBox {
    pub low: Vec<f64>,
    pub high: Vec<f64>,
}

impl InputBox {
    /// The observation space's bounds (infinite where the space is unbounded).
    pub fn of_space(space: &Space) -> InputBox {
        match space {
            Space::Box { low, high } => InputBox {
                low: low.clone(),
                high: high.clone(),
            },
            // A discrete observation is one index.
            Space::Discrete { n } => InputBox {
                low: vec![0.0],
                high: vec![n.saturating_sub(1) as f64],
            },
        }
    }

    /// `centre ± eps` in every component, within the space's bounds.
    pub fn around(centre: &[f64], eps: f64, space: &Space) -> InputBox {
        let bounds = InputBox::of_space(space);
        InputBox {
            low: centre
                .iter()
                .zip(&bounds.low)
                .map(|(c, lo)| (c - eps).max(*lo))
                .collect(),
            high: centre
                .iter()
                .zip(&bounds.high)
                .map(|(c, hi)| (c + eps).min(*hi))
                .collect(),
        }
    }

    /// Apply `--vnnlib-box`: comma-separated `NAME=LO..HI` or `INDEX=LO..HI` entries that replace
    /// components, or `LO..HI` entries, one per component in order, that replace them all.
    pub fn apply(&mut self, spec: &str, names: &[&str]) -> Result<()> {
        let n = self.low.len();
        let bad = |why: String| {
            Error::Invalid(format!(
                "--vnnlib-box `{spec}`: {why}; give NAME=LO..HI or INDEX=LO..HI entries (names: {}), \
                 or {n} LO..HI entries in order",
                names.join(", ")
            ))
        };
        let range = |s: &str| -> Result<(f64, f64)> {
            let (lo, hi) = s
                .split_once("..")
                .ok_or_else(|| bad(format!("`{s}` is not LO..HI")))?;
            let num = |t: &str| -> Result<f64> {
                match t.trim().parse::<f64>() {
                    Ok(v) if v.is_finite() => Ok(v),
                    _ => Err(bad(format!("`{}` is not a finite number", t.trim()))),
                }
            };
            let (lo, hi) = (num(lo)?, num(hi)?);
            if lo > hi {
                return Err(bad(format!("{lo}..{hi} is empty")));
            }
            Ok((lo, hi))
        };
        let entries: Vec<&str> = spec.split(',').map(str::trim).collect();
        let named = entries.iter().filter(|e| e.contains('=')).count();
        if named == 0 {
            if entries.len() != n {
                return Err(bad(format!(
                    "{} positional entries for {n} observation components",
                    entries.len()
                )));
            }
            for (i, e) in entries.iter().enumerate() {
                (self.low[i], self.high[i]) = range(e)?;
            }
            return Ok(());
        }
        if named != entries.len() {
            return Err(bad("named and positional entries mixed".into()));
        }
        for e in entries {
            let (key, r) = e.split_once('=').expect("counted above");
            let key = key.trim();
            let i = match names.iter().position(|n| *n == key) {
                Some(i) => i,
                None => match key.parse::<usize>() {
                    Ok(i) if i < n => i,
                    _ => return Err(bad(format!("no observation component `{key}`"))),
                },
            };
            (self.low[i], self.high[i]) = range(r)?;
        }
        Ok(())
    }

    /// A box a verifier can take: every bound finite, no interval empty. The error names the
    /// components at fault.
    pub fn check(&self, names: &[&str]) -> Result<()> {
        let name = |i: usize| {
            names
                .get(i)
                .map_or(format!("{i}"), |n| format!("{i} ({n})"))
        };
        let open: Vec<usize> = (0..self.low.len())
            .filter(|&i| !(self.low[i].is_finite() && self.high[i].is_finite()))
            .collect();
        if let Some(&first) = open.first() {
            let key = names
                .get(first)
                .map_or(first.to_string(), |n| n.to_string());
            return Err(Error::Invalid(format!(
                "the input box is unbounded in component {}: a verifier needs finite bounds; bound \
                 them with --vnnlib-box (e.g. `{key}=-5..5`), or take boxes around failures with \
                 --vnnlib-eps",
                open.iter().map(|&i| name(i)).collect::<Vec<_>>().join(", ")
            )));
        }
        if let Some(i) = (0..self.low.len()).find(|&i| self.low[i] > self.high[i]) {
            return Err(Error::Invalid(format!(
                "the input box is empty in {}: [{}, {}]",
                name(i),
                self.low[i],
                self.high[i]
            )));
        }
        Ok(())
    }
}

/// A number as VNN-LIB reads it: a decimal with a point, never an exponent (`-1.0`, `0.0001`).
fn num(v: f64) -> String {
    let s = format!("{v}");
    if s.contains('.') {
        s
    } else {
        format!("{s}.0")
    }
}

/// The text of a VNN-LIB query: `comments` (each one line), the declarations of `X_0 …` and `Y_0 …`,
/// the box, and the violation as one disjunction.
pub fn query(comments: &[String], bx: &InputBox, outputs: usize, violation: &[Atom]) -> String {
    let mut s = String::new();
    for c in comments {
        let line = c.replace(['\n', '\r'], " ");
        let _ = writeln!(s, "; {line}");
    }
    s.push('\n');
    for i in 0..bx.low.len() {
        let _ = writeln!(s, "(declare-const X_{i} Real)");
    }
    s.push('\n');
    for j in 0..outputs {
        let _ = writeln!(s, "(declare-const Y_{j} Real)");
    }
    s.push_str("\n; the input box\n");
    for (i, (lo, hi)) in bx.low.iter().zip(&bx.high).enumerate() {
        let _ = writeln!(s, "(assert (>= X_{i} {}))", num(*lo));
        let _ = writeln!(s, "(assert (<= X_{i} {}))", num(*hi));
    }
    s.push_str("\n; the property's violation: unsat means the property holds on the whole box\n");
    s.push_str("(assert (or\n");
    for a in violation {
        let atom = match *a {
            Atom::AtLeast(i, c) => format!("(>= Y_{i} {})", num(c)),
            Atom::AtMost(i, c) => format!("(<= Y_{i} {})", num(c)),
            Atom::AtLeastOutput(i, j) => format!("(>= Y_{i} Y_{j})"),
        };
        let _ = writeln!(s, "    (and {atom})");
    }
    s.push_str("))\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn atoms(p: &str, outputs: usize, dense: Option<&[f64]>) -> Vec<Atom> {
        Property::parse(p).unwrap().violation(outputs, dense)
    }

    #[test]
    fn clauses_negate_into_atoms() {
        use Atom::*;
        assert_eq!(atoms("y0 <= 1", 2, None), vec![AtLeast(0, 1.0)]);
        assert_eq!(atoms("y1 > -2.5", 2, None), vec![AtMost(1, -2.5)]);
        assert_eq!(atoms("y0 >= y1", 2, None), vec![AtLeastOutput(1, 0)]);
        assert_eq!(
            atoms("always(y in [-1, 1e0])", 2, None),
            vec![
                AtMost(0, -1.0),
                AtLeast(0, 1.0),
                AtMost(1, -1.0),
                AtLeast(1, 1.0)
            ]
        );
        assert_eq!(
            atoms("argmax = 1", 3, None),
            vec![AtLeastOutput(0, 1), AtLeastOutput(2, 1)]
        );
        assert_eq!(
            atoms("argmax == dense and y2 < 4", 3, Some(&[0.1, 0.7, 0.2])),
            vec![AtLeastOutput(0, 1), AtLeastOutput(2, 1), AtLeast(2, 4.0)]
        );
        assert_eq!(
            atoms("y1 in dense ± 0.5", 2, Some(&[0.0, 2.0])),
            vec![AtMost(1, 1.5), AtLeast(1, 2.5)]
        );
    }

    #[test]
    fn bad_properties_are_named() {
        for (p, want) in [
            ("", "empty"),
            ("y0 <=", "ends where"),
            ("y0 <= 1 y1 >= 2", "expected `and`"),
            ("y0 in [2, 1]", "is empty"),
            ("y0 in dense +- -1", "negative"),
            ("argmax = 1.5", "action index"),
            ("x0 <= 1", "starts with an output"),
            ("y <= y1", "compares with a number"),
            ("y0 <= 1e999", "not a finite number"),
            ("y0 <= nan", "expected a number or an output"),
            ("always y0 <= 1", "parentheses"),
            ("y0 <= 1 ; rm", "unexpected `;`"),
            ("y99999999999999999999999 <= 1", "too large"),
        ] {
            let e = Property::parse(p).unwrap_err().to_string();
            assert!(e.contains(want), "`{p}`: want `{want}` in: {e}");
        }
        let p = Property::parse("y2 <= 1").unwrap();
        assert!(p.check(2, false).unwrap_err().to_string().contains("no y2"));
        let p = Property::parse("argmax = 0").unwrap();
        assert!(p
            .check(2, false)
            .unwrap_err()
            .to_string()
            .contains("discrete"));
        assert!(p.check(2, true).is_ok());
    }

    #[test]
    fn boxes_take_overrides_and_refuse_open_or_empty_ones() {
        let space = Space::Box {
            low: vec![-1.0, f64::NEG_INFINITY],
            high: vec![1.0, f64::INFINITY],
        };
        let names = ["x", "x_dot"];
        let mut b = InputBox::of_space(&space);
        let e = b.check(&names).unwrap_err().to_string();
        assert!(e.contains("unbounded in component 1 (x_dot)"), "{e}");
        b.apply("x_dot=-2..2.5", &names).unwrap();
        b.check(&names).unwrap();
        assert_eq!(b.high, vec![1.0, 2.5]);
        b.apply("0=-0.5..0.5", &names).unwrap();
        assert_eq!(b.low, vec![-0.5, -2.0]);
        b.apply("-3..-2, 0..0", &names).unwrap();
        assert_eq!(
            (b.low.clone(), b.high.clone()),
            (vec![-3.0, 0.0], vec![-2.0, 0.0])
        );
        for (spec, want) in [
            ("x=1..0", "is empty"),
            ("y=0..1", "no observation component `y`"),
            ("0..1", "1 positional entries for 2"),
            ("x=0..1, 0..1", "mixed"),
            ("x=0..inf", "not a finite number"),
            ("x=0:1", "not LO..HI"),
        ] {
            let e = b.apply(spec, &names).unwrap_err().to_string();
            assert!(e.contains(want), "`{spec}`: want `{want}` in: {e}");
        }
        let around = InputBox::around(&[0.95, 3.0], 0.1, &space);
        assert_eq!(around.high[0], 1.0, "clipped to the space");
        assert!((around.low[1] - 2.9).abs() < 1e-15);
    }

    #[test]
    fn queries_write_decimals_without_exponents() {
        assert_eq!(num(1.0), "1.0");
        assert_eq!(num(-0.25), "-0.25");
        assert_eq!(num(1e-7), "0.0000001");
        let q = query(
            &["two\nlines".into()],
            &InputBox {
                low: vec![-1.0],
                high: vec![1.0],
            },
            2,
            &[Atom::AtLeastOutput(1, 0)],
        );
        assert!(q.starts_with("; two lines\n"), "{q}");
        assert!(
            q.contains("(assert (>= X_0 -1.0))\n(assert (<= X_0 1.0))"),
            "{q}"
        );
        assert!(q.contains("(assert (or\n    (and (>= Y_1 Y_0))\n))"), "{q}");
    }
}
