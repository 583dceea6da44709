//! Terminal tables and summary statistics, shared by every stage's report.

use std::fmt;

/// A plain aligned table with a header rule. Numeric-looking cells are right-aligned.
#[derive(Debug, Clone, Default)]
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new<S: Into<String>>(headers: impl IntoIterator<Item = S>) -> Self {
        Table {
            headers: headers.into_iter().map(Into::into).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row<S: Into<String>>(&mut self, cells: impl IntoIterator<Item = S>) {
        self.rows.push(cells.into_iter().map(Into::into).collect());
    }

    /// The table as GitHub Markdown, numeric columns right-aligned.
    pub fn markdown(&self) -> String {
        let esc = |c: &str| c.replace('|', "\\|");
        let numeric: Vec<bool> = (0..self.headers.len())
            .map(|i| {
                self.rows
                    .iter()
                    .all(|r| r.get(i).is_some_and(|c| is_numeric(c) || c == "–"))
            })
            .collect();
        let mut s = format!(
            "| {} |\n|{}|\n",
            self.headers
                .iter()
                .map(|h| esc(h))
                .collect::<Vec<_>>()
                .join(" | "),
            numeric
                .iter()
                .map(|&n| if n { "---:" } else { "---" })
                .collect::<Vec<_>>()
                .join("|")
        );
        for r in &self.rows {
            let cells: Vec<String> = (0..self.headers.len())
                .map(|i| esc(r.get(i).map_or("", String::as_str)))
                .collect();
            s.push_str(&format!("| {} |\n", cells.join(" | ")));
        }
        s
    }
}

fn is_numeric(s: &str) -> bool {
    let t = s.trim_start_matches(['-', '+']);
    !t.is_empty()
        && t.chars()
            .all(|c| c.is_ascii_digit() || ".eE-+%±× ".contains(c))
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ncol = self.headers.len();
        let mut width: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(ncol) {
                width[i] = width[i].max(c.chars().count());
            }
        }
        let line = |f: &mut fmt::Formatter<'_>, cells: &[String], header: bool| -> fmt::Result {
            let mut out = String::new();
            for (i, w) in width.iter().enumerate() {
                let c = cells.get(i).map_or("", String::as_str);
                let pad = w - c.chars().count();
                if i > 0 {
                    out.push_str("  ");
                }
                if !header && is_numeric(c) {
                    out.push_str(&" ".repeat(pad));
                    out.push_str(c);
                } else {
                    out.push_str(c);
                    out.push_str(&" ".repeat(pad));
                }
            }
            writeln!(f, "{}", out.trim_end())
        };
        line(f, &self.headers, true)?;
        let total: usize = width.iter().sum::<usize>() + 2 * ncol.saturating_sub(1);
        writeln!(f, "{}", "─".repeat(total))?;
        for r in &self.rows {
            line(f, r, false)?;
        }
        Ok(())
    }
}

/// Mean, population standard deviation (NumPy's default `ddof=0`), min and max.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Summary {
    pub n: usize,
    pub mean: f64,
    pub std: f64,
    pub min: f64,
    pub max: f64,
}

impl Summary {
    pub fn of(values: &[f64]) -> Summary {
        let n = values.len();
        if n == 0 {
            return Summary {
                n,
                mean: f64::NAN,
                std: f64::NAN,
                min: f64::NAN,
                max: f64::NAN,
            };
        }
        let mean = values.iter().sum::<f64>() / n as f64;
        let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
        Summary {
            n,
            mean,
            std: var.sqrt(),
            min: values.iter().copied().fold(f64::INFINITY, f64::min),
            max: values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        }
    }
}

/// The median of `v` (NaN when empty).
pub fn median(mut v: Vec<f64>) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}

/// `x` to one decimal, or "–" when it is NaN (a mean over nothing, such as the evaluations to the
/// first failure of campaigns that found none).
pub fn dash_nan(x: f64) -> String {
    if x.is_nan() {
        "–".into()
    } else {
        format!("{x:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escapes_pipes_and_right_aligns_numeric_columns() {
        let mut t = Table::new(["name", "value"]);
        t.row(["a|b", "1.5"]);
        t.row(["c", "–"]);
        assert_eq!(
            t.markdown(),
            "| name | value |\n|---|---:|\n| a\\|b | 1.5 |\n| c | – |\n"
        );
    }

    #[test]
    fn summary_matches_hand_computation() {
        let s = Summary::of(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.mean, 2.5);
        assert!((s.std - 1.118033988749895).abs() < 1e-15);
        assert_eq!((s.min, s.max, s.n), (1.0, 4.0, 4));
    }

    #[test]
    fn table_aligns_columns() {
        let mut t = Table::new(["name", "value"]);
        t.row(["a", "1.5"]);
        t.row(["longer", "-10.25"]);
        let s = t.to_string();
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[0], "name    value");
        assert_eq!(lines[2], "a          1.5");
        assert_eq!(lines[3], "longer  -10.25");
    }

    #[test]
    fn nan_is_a_dash() {
        assert_eq!(dash_nan(f64::NAN), "–");
        assert_eq!(dash_nan(4.66), "4.7");
    }
}
