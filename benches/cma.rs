//! `cargo bench --bench cma [-- RUNS]`: src/cma.rs beside pycma 4.x (benches/cma_pycma.py, run here in
//! the same bench run): evaluations until the best f < 1e-8 on sphere, Rosenbrock and Rastrigin
//! (n = 10), over RUNS seeds (21 by default), each side with its own defaults (λ = 4 + ⌊3 ln n⌋) but
//! λ = 400 and σ₀ = 3 on Rastrigin, the same starts and step sizes. Prints, per function, the runs that
//! reached the target within the cap, the median evaluations (a run that missed counts as infinite) and
//! our ratio to pycma beside the goal of at most 20 % more. Not a test: it prints a table.

#[path = "../tests/common/mod.rs"]
mod common;

use std::process::Command;

use synapt_safety::cma::{CmaEs, CmaOptions};

const N: usize = 10;
const CAP: usize = 100_000;

fn sphere(x: &[f64]) -> f64 {
    x.iter().map(|v| v * v).sum()
}

fn rosenbrock(x: &[f64]) -> f64 {
    x.windows(2)
        .map(|w| 100.0 * (w[1] - w[0] * w[0]).powi(2) + (1.0 - w[0]).powi(2))
        .sum()
}

fn rastrigin(x: &[f64]) -> f64 {
    10.0 * x.len() as f64
        + x.iter()
            .map(|v| v * v - 10.0 * (2.0 * std::f64::consts::PI * v).cos())
            .sum::<f64>()
}

type Problem = (&'static str, fn(&[f64]) -> f64, f64, f64, Option<usize>);

/// name, f, x0 (every coordinate), σ0, λ; as benches/cma_pycma.py.
const PROBLEMS: [Problem; 3] = [
    ("sphere", sphere, 3.0, 2.0, None),
    ("rosenbrock", rosenbrock, 0.0, 0.5, None),
    ("rastrigin", rastrigin, 3.0, 3.0, Some(400)),
];

/// Evaluations until f < 1e-8, or None within the cap.
fn ours(
    f: fn(&[f64]) -> f64,
    x0: f64,
    sigma0: f64,
    popsize: Option<usize>,
    seed: u32,
) -> Option<usize> {
    let opts = CmaOptions {
        popsize,
        seed,
        ..CmaOptions::default()
    };
    let mut es = CmaEs::new(vec![x0; N], sigma0, opts).unwrap();
    let mut used = 0;
    while used < CAP {
        let xs = es.ask();
        let fs: Vec<f64> = xs.iter().map(|x| f(x)).collect();
        used += xs.len();
        if fs.iter().any(|&v| v < 1e-8) {
            return Some(used);
        }
        if es.tell(&xs, &fs).is_err() {
            return None;
        }
    }
    None
}

/// The median with misses as infinite; None when more than half missed.
fn median(runs: &[Option<usize>]) -> Option<f64> {
    let mut v: Vec<f64> = runs
        .iter()
        .map(|r| r.map_or(f64::INFINITY, |e| e as f64))
        .collect();
    v.sort_by(f64::total_cmp);
    let m = if v.len() % 2 == 1 {
        v[v.len() / 2]
    } else {
        (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
    };
    m.is_finite().then_some(m)
}

fn main() {
    let runs: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(21);
    let script = common::root().join("benches/cma_pycma.py");
    let python = common::python_path();
    let pycma: Option<serde_json::Value> = Command::new(&python)
        .arg(&script)
        .args([N.to_string(), runs.to_string(), CAP.to_string()])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .and_then(|o| serde_json::from_slice(&o.stdout).ok());
    if pycma.is_none() {
        eprintln!("pycma did not run ({}): only our column", python.display());
    }
    println!("CMA-ES, n = {N}: evaluations to f < 1e-8, median of {runs} runs (cap {CAP})");
    println!(
        "{:<11} {:>9} {:>10} {:>9} {:>10} {:>8}  goal (≤ 1.2)",
        "function", "ours hit", "ours med", "pycma hit", "pycma med", "ratio"
    );
    for (name, f, x0, sigma0, popsize) in PROBLEMS {
        let mine: Vec<Option<usize>> = (0..runs)
            .map(|s| ours(f, x0, sigma0, popsize, s as u32 + 1))
            .collect();
        let theirs: Option<Vec<Option<usize>>> = pycma.as_ref().map(|p| {
            p[name]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_u64().map(|e| e as usize))
                .collect()
        });
        let hits = |r: &[Option<usize>]| format!("{}/{}", r.iter().flatten().count(), r.len());
        let med = |m: Option<f64>| m.map_or("–".to_string(), |m| format!("{m:.0}"));
        let (m_ours, m_theirs) = (median(&mine), theirs.as_deref().and_then(median));
        let ratio = match (m_ours, m_theirs) {
            (Some(a), Some(b)) => Some(a / b),
            _ => None,
        };
        println!(
            "{:<11} {:>9} {:>10} {:>9} {:>10} {:>8}  {}",
            name,
            hits(&mine),
            med(m_ours),
            theirs.as_deref().map_or("–".into(), hits),
            med(m_theirs),
            ratio.map_or("–".into(), |r| format!("{r:.2}")),
            ratio.map_or("–", |r| if r <= 1.2 { "met" } else { "missed" })
        );
    }
}
