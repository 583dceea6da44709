//! src/cma.rs against PyPI `cmaes` 0.13 (tests/oracle/cma_oracle.py): the constants, and generation by
//! generation the eigendecomposition, the candidates drawn from the oracle's standard normals, and the
//! mean, σ and C after `tell`, each within 1e-12 of the oracle (normwise relative: the largest
//! difference over the largest entry).
//!
//! LAPACK and nalgebra choose different eigenvectors (signs, and any basis of a repeated eigenvalue), so
//! the oracle's normals z are carried into our basis as z' = B_oursᵀ B_py z before `ask_with`: then
//! B_ours D z' = C^½ B_py z = B_py D z. The first generation (C = I, B = I in both) needs no such
//! change, so there our own `ask()` must draw exactly the oracle's candidates from the same seed,
//! resampling under bounds included.

mod common;

use serde_json::Value;
use synapt_safety::cma::{CmaEs, CmaOptions};

fn v(x: &Value) -> Vec<f64> {
    x.as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_f64().unwrap())
        .collect()
}

fn m(x: &Value) -> Vec<Vec<f64>> {
    x.as_array().unwrap().iter().map(v).collect()
}

/// max |a − b| / max(max |b|, 1e-300).
fn rel(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let scale = b.iter().fold(0.0f64, |s, x| s.max(x.abs())).max(1e-300);
    a.iter()
        .zip(b)
        .fold(0.0f64, |s, (x, y)| s.max((x - y).abs()))
        / scale
}

struct Case {
    n: usize,
    seed: u32,
    popsize: usize,
    sigma0: f64,
    objective: &'static str,
    generations: usize,
    diagonal: bool,
    bounds: Option<(f64, f64)>,
}

const TOL: f64 = 1e-12;

/// Runs one case; returns the largest relative differences (candidates, mean, σ, C).
fn check(case: &Case) -> [f64; 4] {
    let script = common::root().join("tests/oracle/cma_oracle.py");
    let mut cmd = common::python_script(&script);
    cmd.args([
        case.n.to_string(),
        case.seed.to_string(),
        case.popsize.to_string(),
        format!("{:?}", case.sigma0),
        case.objective.to_string(),
        case.generations.to_string(),
        if case.diagonal { "sep" } else { "full" }.to_string(),
    ]);
    if let Some((lo, hi)) = case.bounds {
        cmd.args([format!("{lo:?}"), format!("{hi:?}")]);
    }
    let o = common::python_json(&mut cmd);
    let n = case.n;
    let opts = CmaOptions {
        popsize: (case.popsize > 0).then_some(case.popsize),
        bounds: case.bounds.map(|(lo, hi)| vec![[lo, hi]; n]),
        diagonal: case.diagonal,
        seed: case.seed,
        ..Default::default()
    };
    let mut es = CmaEs::new(v(&o["mean0"]), case.sigma0, opts).unwrap();
    let label = format!(
        "n {n}, λ {}, {}, {}, bounds {:?}",
        case.popsize,
        case.objective,
        if case.diagonal { "sep" } else { "full" },
        case.bounds
    );

    // The constants.
    assert_eq!(
        es.popsize() as u64,
        o["popsize"].as_u64().unwrap(),
        "{label}"
    );
    assert_eq!(es.mu() as u64, o["mu"].as_u64().unwrap(), "{label}");
    assert!(
        rel(es.weights(), &v(&o["weights"])) < TOL,
        "{label}: weights"
    );
    let (cs, ds, cc, c1, cmu, mu_eff) = es.rates();
    for (ours, key) in [
        (cs, "c_sigma"),
        (ds, "d_sigma"),
        (cc, "cc"),
        (c1, "c1"),
        (cmu, "cmu"),
        (mu_eff, "mu_eff"),
    ] {
        let theirs = o[key].as_f64().unwrap();
        assert!(
            ((ours - theirs) / theirs).abs() < TOL,
            "{label}: {key} {ours} vs {theirs}"
        );
    }

    let mut worst = [0.0f64; 4];
    for (g, gen) in o["generations"].as_array().unwrap().iter().enumerate() {
        let xs = m(&gen["x"]);
        let zs = m(&gen["z"]);
        let f = v(&gen["f"]);
        if g == 0 {
            let drawn = es.clone().ask();
            assert_eq!(drawn, xs, "{label}: ask() of the first generation");
        }
        let (b, d) = es.eigen();
        assert!(rel(&d, &v(&gen["d"])) < TOL, "{label}, generation {g}: D");
        let z_ours: Vec<Vec<f64>> = if case.diagonal {
            zs.clone()
        } else {
            let bp = m(&gen["b"]);
            zs.iter()
                .map(|z| {
                    let bz: Vec<f64> = (0..n)
                        .map(|i| (0..n).map(|k| bp[i][k] * z[k]).sum())
                        .collect();
                    (0..n)
                        .map(|k| (0..n).map(|i| b[i * n + k] * bz[i]).sum())
                        .collect()
                })
                .collect()
        };
        let asked = es.ask_with(&z_ours);
        let dx = asked
            .iter()
            .zip(&xs)
            .map(|(a, x)| {
                let dev: Vec<f64> = a.iter().zip(es.mean()).map(|(p, q)| p - q).collect();
                let want: Vec<f64> = x.iter().zip(es.mean()).map(|(p, q)| p - q).collect();
                // Relative to the step σ‖BDz‖ (the mean itself may be far larger); a clipped
                // coordinate lands on the bound in both.
                rel(&dev, &want).min(rel(a, x))
            })
            .fold(0.0f64, f64::max);
        es.tell(&xs, &f).unwrap();
        let dm = rel(es.mean(), &v(&gen["mean"]));
        let theirs_sigma = gen["sigma"].as_f64().unwrap();
        let ds = ((es.sigma() - theirs_sigma) / theirs_sigma).abs();
        let dc = if case.diagonal {
            rel(&es.cov_diag(), &v(&gen["c"]))
        } else {
            let c: Vec<f64> = m(&gen["c"]).concat();
            rel(&es.cov(), &c)
        };
        for (w, d) in worst.iter_mut().zip([dx, dm, ds, dc]) {
            *w = w.max(d);
        }
        assert!(
            dx < TOL && dm < TOL && ds < TOL && dc < TOL,
            "{label}, generation {g}: candidates {dx:e}, mean {dm:e}, sigma {ds:e}, C {dc:e}"
        );
    }
    assert_eq!(es.generation(), case.generations);
    eprintln!(
        "{label}: max rel. diff candidates {:.1e}, mean {:.1e}, sigma {:.1e}, C {:.1e}",
        worst[0], worst[1], worst[2], worst[3]
    );
    worst
}

fn case(n: usize, popsize: usize, objective: &'static str, diagonal: bool) -> Case {
    Case {
        n,
        seed: 7 + n as u32,
        popsize,
        sigma0: 0.5,
        objective,
        generations: 40,
        diagonal,
        bounds: None,
    }
}

#[test]
fn full_cma_matches_pypi_cmaes() {
    for c in [
        case(2, 0, "sphere", false),
        case(2, 9, "rosenbrock", false),
        case(5, 0, "rosenbrock", false),
        case(5, 16, "rastrigin", false),
        case(20, 0, "rastrigin", false),
        case(20, 30, "sphere", false),
    ] {
        check(&c);
    }
}

#[test]
fn sep_cma_matches_pypi_cmaes_sepcma() {
    for c in [
        case(2, 0, "sphere", true),
        case(5, 12, "rosenbrock", true),
        case(20, 0, "rastrigin", true),
        case(20, 40, "sphere", true),
    ] {
        check(&c);
    }
}

#[test]
fn bounds_match_pypi_cmaes() {
    for diagonal in [false, true] {
        for n in [2, 5] {
            let c = Case {
                bounds: Some((-0.4, 0.6)),
                sigma0: 1.0,
                generations: 25,
                ..case(n, 0, "rastrigin", diagonal)
            };
            check(&c);
        }
    }
}
