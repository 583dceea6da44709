//! What a `--falsify` stage found: each method's campaigns, their statistics, the files and figures
//! written, and the terminal tables. The figures (`figures.rs`) draw from it; the stage (`stage.rs`)
//! fills it.

use std::path::PathBuf;

use crate::env::Param;
use crate::falsify::catalog::Spec;
use crate::falsify::search::{Method, Outcome};
use crate::report::{dash_nan, median, Table};
use crate::Choice;

/// One method's campaigns (one per run, run r seeded with `seed + r`).
#[derive(Debug, Clone)]
pub struct MethodResult {
    pub method: Method,
    pub runs: Vec<Outcome>,
    /// The failures and evaluations files of the first run.
    pub failures_file: PathBuf,
    pub evaluations_file: PathBuf,
}

/// The ARCH-COMP-style summary of a method's runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunStats {
    pub runs: usize,
    pub runs_with_failure: usize,
    /// Mean and median evaluations to the first failure over the runs that found one (NaN if none).
    pub mean_first: f64,
    pub median_first: f64,
    pub failures_per_run: f64,
}

impl MethodResult {
    pub fn run_stats(&self) -> RunStats {
        let firsts: Vec<f64> = self
            .runs
            .iter()
            .filter_map(|o| o.first_failure().map(|i| (i + 1) as f64))
            .collect();
        let runs = self.runs.len();
        let failures: usize = self.runs.iter().map(|o| o.failures.len()).sum();
        RunStats {
            runs,
            runs_with_failure: firsts.len(),
            mean_first: if firsts.is_empty() {
                f64::NAN
            } else {
                firsts.iter().sum::<f64>() / firsts.len() as f64
            },
            median_first: median(firsts),
            failures_per_run: failures as f64 / runs as f64,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Report {
    pub env_id: String,
    pub spec: Spec,
    pub params: Vec<Param>,
    pub results: Vec<MethodResult>,
    pub figures: Vec<PathBuf>,
}

fn opt(v: Option<usize>) -> String {
    v.map_or_else(|| "–".into(), |i| i.to_string())
}

impl Report {
    /// The failures of every method's first run, numbered in order, as `--refine` takes them.
    pub fn recorded_failures(&self) -> Vec<crate::trajectory::RecordedFailure> {
        self.results
            .iter()
            .flat_map(|r| {
                let o = &r.runs[0];
                o.failures
                    .iter()
                    .map(move |(i, t)| (*i, o.evaluations[*i].robustness, t))
            })
            .enumerate()
            .map(|(id, (i, rob, t))| {
                crate::trajectory::RecordedFailure::from_trajectory(id, i, rob, t)
            })
            .collect()
    }

    /// Failures found, all methods' first runs together.
    pub fn failure_count(&self) -> usize {
        self.results.iter().map(|r| r.runs[0].failures.len()).sum()
    }

    /// One row per method (the first run): evaluations, failures, first failure, minimum robustness,
    /// and where the time went.
    pub fn summary_table(&self) -> Table {
        let mut t = Table::new([
            "method",
            "evaluations",
            "failures",
            "first failure",
            "min robustness",
            "wall s",
            "simulation s",
            "surrogate s",
        ]);
        for r in &self.results {
            let o = &r.runs[0];
            t.row([
                r.method.name().to_string(),
                o.evaluations.len().to_string(),
                o.failures.len().to_string(),
                opt(o.first_failure()),
                format!("{:.4}", o.min_robustness()),
                format!("{:.3}", o.wall_seconds),
                format!("{:.3}", o.simulation_seconds),
                format!("{:.3}", o.surrogate_seconds),
            ]);
        }
        t
    }

    /// With several runs, the ARCH-COMP-style summary: how often a failure was found, how many
    /// evaluations the first one took, and failures per run.
    pub fn runs_table(&self) -> Table {
        let mut t = Table::new([
            "method",
            "runs",
            "runs with a failure",
            "mean evals to first",
            "median evals to first",
            "failures per run (mean)",
        ]);
        for r in &self.results {
            let st = r.run_stats();
            t.row([
                r.method.name().to_string(),
                st.runs.to_string(),
                format!(
                    "{}/{} ({:.0}%)",
                    st.runs_with_failure,
                    st.runs,
                    100.0 * st.runs_with_failure as f64 / st.runs as f64
                ),
                dash_nan(st.mean_first),
                dash_nan(st.median_first),
                format!("{:.1}", st.failures_per_run),
            ]);
        }
        t
    }
}
