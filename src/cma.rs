//! CMA-ES with an ask–tell interface: Hansen's tutorial (2016) as PyPI `cmaes` 0.13 (CyberAgent)
//! implements it (`cmaes.CMA`, and `cmaes.SepCMA` for the diagonal variant of Ros & Hansen 2008).
//!
//! Every constant (λ, μ, the weights with the tutorial's negative weights for active CMA, μ_eff, c_σ,
//! d_σ, c_c, c_1, c_μ, E‖N(0, I)‖), the order of the updates, the eigendecomposition (symmetrised C,
//! eigenvalues ascending, negative ones replaced by 1e-8², C rebuilt as B D² Bᵀ), the bounds
//! (resample up to `n_max_resampling` times, then clip the last draw) and the caps on σ are PyPI
//! `cmaes`'s; tests/cma_oracle.rs checks them against it generation by generation.
//!
//! Standard normals come from NumPy's legacy `RandomState(seed).randn` (MT19937 with the polar
//! Box–Muller `gauss`, [`RandomState`]), the generator PyPI `cmaes` draws from, so `ask()` consumes the
//! same stream as `CMA(seed=seed)`. The candidates are the same only up to the signs of the
//! eigenvectors, which LAPACK and nalgebra choose differently.
//!
//! Minimisation: `tell` takes one fitness per candidate; ties keep the candidates' order (a stable sort,
//! as Python's `list.sort`).

// Index loops read as the tutorial's formulas.
#![allow(clippy::needless_range_loop)]

use nalgebra::{DMatrix, SymmetricEigen};
use serde::{Deserialize, Serialize};

use crate::env::legacy_rng::RandomState;
use crate::env::snapshot::RngState;
use crate::error::{Error, Result};

const EPS: f64 = 1e-8;
const MEAN_MAX: f64 = 1e32;
const SIGMA_MAX: f64 = 1e32;

/// The options of [`CmaEs::new`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CmaOptions {
    /// λ, the candidates per generation; `None`: 4 + ⌊3 ln n⌋.
    pub popsize: Option<usize>,
    /// Per-coordinate `[low, high]`; the initial mean must lie inside.
    pub bounds: Option<Vec<[f64; 2]>>,
    /// Draws per candidate before an infeasible one is clipped (PyPI `cmaes`: 100).
    pub n_max_resampling: usize,
    /// sep-CMA (PyPI `cmaes.SepCMA`): a diagonal C and Ros & Hansen's learning rates.
    pub diagonal: bool,
    /// The seed of NumPy's `RandomState` the normals are drawn from.
    pub seed: u32,
}

impl Default for CmaOptions {
    fn default() -> Self {
        CmaOptions {
            popsize: None,
            bounds: None,
            n_max_resampling: 100,
            diagonal: false,
            seed: 0,
        }
    }
}

/// The whole state of a CMA-ES run (Serialize/Deserialize for checkpoints: a restored run goes on bit
/// for bit, its RNG and cached eigendecomposition included).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CmaEs {
    n: usize,
    lambda: usize,
    mu: usize,
    diagonal: bool,
    /// Full: λ weights (negative ones after μ); diagonal: μ positive weights.
    weights: Vec<f64>,
    mu_eff: f64,
    cc: f64,
    c1: f64,
    cmu: f64,
    c_sigma: f64,
    d_sigma: f64,
    chi_n: f64,
    mean: Vec<f64>,
    sigma: f64,
    /// Full: n × n row-major; diagonal: the n variances.
    c: Vec<f64>,
    p_sigma: Vec<f64>,
    pc: Vec<f64>,
    generation: usize,
    bounds: Option<Vec<[f64; 2]>>,
    n_max_resampling: usize,
    /// The cached decomposition (B row-major n × n, empty when diagonal; D the n standard deviations).
    b: Option<Vec<f64>>,
    d: Option<Vec<f64>>,
    rng: RngState,
}

fn bad(msg: impl Into<String>) -> Error {
    Error::Invalid(format!("CMA-ES: {}", msg.into()))
}

impl CmaEs {
    pub fn new(mean: Vec<f64>, sigma: f64, opts: CmaOptions) -> Result<CmaEs> {
        let n = mean.len();
        if n == 0 {
            return Err(bad("the mean has no coordinates (n = 0)"));
        }
        if !(sigma > 0.0 && sigma.is_finite()) {
            return Err(bad(format!(
                "sigma must be positive and finite, got {sigma}"
            )));
        }
        if mean.iter().any(|m| !m.is_finite() || m.abs() >= MEAN_MAX) {
            return Err(bad(
                "every coordinate of the mean must be finite and below 1e32 in size",
            ));
        }
        let lambda = opts
            .popsize
            .unwrap_or_else(|| 4 + (3.0 * (n as f64).ln()).floor() as usize);
        if lambda < 2 {
            return Err(bad(format!("popsize (λ) must be at least 2, got {lambda}")));
        }
        // The covariance holds n² numbers (n as sep-CMA), a generation λ·n.
        let c_side = if opts.diagonal { 1 } else { n };
        crate::limits::check_values("the covariance matrix", n, c_side)
            .map_err(|e| format!("{e} (sep-CMA, `diagonal`, keeps its diagonal only)"))
            .and_then(|()| crate::limits::check_values("a generation", lambda, n))
            .map_err(bad)?;
        if let Some(bounds) = &opts.bounds {
            if bounds.len() != n {
                return Err(bad(format!("{} bounds for {n} coordinates", bounds.len())));
            }
            for (i, (&[lo, hi], &m)) in bounds.iter().zip(&mean).enumerate() {
                if lo.is_nan() || hi.is_nan() || lo > hi {
                    return Err(bad(format!(
                        "bounds[{i}] = [{lo}, {hi}]: low must not exceed high"
                    )));
                }
                if !(lo <= m && m <= hi) {
                    return Err(bad(format!(
                        "mean[{i}] = {m} lies outside its bounds [{lo}, {hi}]"
                    )));
                }
            }
        }
        let nf = n as f64;
        let mu = lambda / 2;
        let alpha_cov = 2.0;
        let (weights, mu_eff, cc, c1, cmu, c_sigma, d_sigma);
        if opts.diagonal {
            let wp: Vec<f64> = (0..mu)
                .map(|i| ((mu + 1) as f64).ln() - ((i + 1) as f64).ln())
                .collect();
            let s: f64 = wp.iter().sum();
            let w: Vec<f64> = wp.iter().map(|x| x / s).collect();
            mu_eff = 1.0 / w.iter().map(|x| x * x).sum::<f64>();
            c1 = alpha_cov / ((nf + 1.3).powi(2) + mu_eff);
            let cmu_full = 2.0 / mu_eff / (nf + 2f64.sqrt()).powi(2)
                + (1.0 - 1.0 / mu_eff)
                    * f64::min(1.0, (2.0 * mu_eff - 1.0) / ((nf + 2.0).powi(2) + mu_eff));
            cmu = (nf + 2.0) / 3.0 * cmu_full;
            c_sigma = (mu_eff + 2.0) / (nf + mu_eff + 3.0);
            cc = 4.0 / (nf + 4.0);
            weights = w;
        } else {
            let wp: Vec<f64> = (0..lambda)
                .map(|i| ((lambda + 1) as f64 / 2.0).ln() - ((i + 1) as f64).ln())
                .collect();
            let sq =
                |v: &[f64]| v.iter().sum::<f64>().powi(2) / v.iter().map(|x| x * x).sum::<f64>();
            mu_eff = sq(&wp[..mu]);
            let mu_eff_minus = sq(&wp[mu..]);
            c1 = alpha_cov / ((nf + 1.3).powi(2) + mu_eff);
            cmu = f64::min(
                1.0 - c1 - 1e-8,
                alpha_cov * (mu_eff - 2.0 + 1.0 / mu_eff)
                    / ((nf + 2.0).powi(2) + alpha_cov * mu_eff / 2.0),
            );
            let min_alpha = f64::min(
                1.0 + c1 / cmu,
                f64::min(
                    1.0 + (2.0 * mu_eff_minus) / (mu_eff + 2.0),
                    (1.0 - c1 - cmu) / (nf * cmu),
                ),
            );
            let pos: f64 = wp.iter().filter(|&&x| x > 0.0).sum();
            let neg: f64 = wp.iter().filter(|&&x| x < 0.0).map(|x| x.abs()).sum();
            weights = wp
                .iter()
                .map(|&x| {
                    if x >= 0.0 {
                        1.0 / pos * x
                    } else {
                        min_alpha / neg * x
                    }
                })
                .collect();
            c_sigma = (mu_eff + 2.0) / (nf + mu_eff + 5.0);
            cc = (4.0 + mu_eff / nf) / (nf + 4.0 + 2.0 * mu_eff / nf);
        }
        d_sigma = 1.0 + 2.0 * f64::max(0.0, ((mu_eff - 1.0) / (nf + 1.0)).sqrt() - 1.0) + c_sigma;
        if !(c_sigma < 1.0 && cc <= 1.0 && cmu.is_finite() && cmu <= 1.0 - c1) {
            return Err(bad(format!(
                "learning rates out of range for n = {n}, λ = {lambda} (c_σ {c_sigma}, c_c {cc}, c_1 {c1}, c_μ {cmu})"
            )));
        }
        let chi_n = nf.sqrt() * (1.0 - 1.0 / (4.0 * nf) + 1.0 / (21.0 * nf * nf));
        let c = if opts.diagonal {
            vec![1.0; n]
        } else {
            let mut c = vec![0.0; n * n];
            for i in 0..n {
                c[i * n + i] = 1.0;
            }
            c
        };
        Ok(CmaEs {
            n,
            lambda,
            mu,
            diagonal: opts.diagonal,
            weights,
            mu_eff,
            cc,
            c1,
            cmu,
            c_sigma,
            d_sigma,
            chi_n,
            mean,
            sigma,
            c,
            p_sigma: vec![0.0; n],
            pc: vec![0.0; n],
            generation: 0,
            bounds: opts.bounds,
            n_max_resampling: opts.n_max_resampling,
            b: None,
            d: None,
            rng: RandomState::from_int_seed(opts.seed).to_state(),
        })
    }

    /// Checks a deserialised state for consistent sizes and a usable generator (a damaged checkpoint is
    /// refused here instead of panicking later).
    pub fn check(&self) -> Result<()> {
        let n = self.n;
        let c_len = if self.diagonal {
            Some(n)
        } else {
            n.checked_mul(n)
        };
        let w_len = if self.diagonal { self.mu } else { self.lambda };
        let ok = n > 0
            && self.lambda >= 2
            && self.mu == self.lambda / 2
            && self.mean.len() == n
            && Some(self.c.len()) == c_len
            && self.p_sigma.len() == n
            && self.pc.len() == n
            && self.weights.len() == w_len
            && self.sigma > 0.0
            && self.bounds.as_ref().is_none_or(|b| b.len() == n)
            && self.d.as_ref().is_none_or(|d| d.len() == n)
            && self.b.as_ref().is_none_or(|b| Some(b.len()) == c_len)
            && if self.diagonal {
                self.b.is_none()
            } else {
                self.d.is_some() == self.b.is_some()
            }
            && RandomState::from_state(&self.rng).is_ok();
        if ok {
            Ok(())
        } else {
            Err(bad("an inconsistent state (sizes, σ or generator)"))
        }
    }

    pub fn dim(&self) -> usize {
        self.n
    }
    pub fn popsize(&self) -> usize {
        self.lambda
    }
    pub fn mu(&self) -> usize {
        self.mu
    }
    pub fn mean(&self) -> &[f64] {
        &self.mean
    }
    pub fn sigma(&self) -> f64 {
        self.sigma
    }
    /// The number of `tell`s so far.
    pub fn generation(&self) -> usize {
        self.generation
    }
    pub fn is_diagonal(&self) -> bool {
        self.diagonal
    }
    /// The weights (full: λ of them, the last ones negative; diagonal: μ).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
    /// (c_σ, d_σ, c_c, c_1, c_μ, μ_eff).
    pub fn rates(&self) -> (f64, f64, f64, f64, f64, f64) {
        (
            self.c_sigma,
            self.d_sigma,
            self.cc,
            self.c1,
            self.cmu,
            self.mu_eff,
        )
    }
    /// C as a dense n × n row-major matrix (diagonal mode: its diagonal spread out).
    pub fn cov(&self) -> Vec<f64> {
        if self.diagonal {
            let n = self.n;
            let mut c = vec![0.0; n * n];
            for i in 0..n {
                c[i * n + i] = self.c[i];
            }
            c
        } else {
            self.c.clone()
        }
    }
    /// The diagonal of C.
    pub fn cov_diag(&self) -> Vec<f64> {
        if self.diagonal {
            self.c.clone()
        } else {
            (0..self.n).map(|i| self.c[i * self.n + i]).collect()
        }
    }

    /// B (row-major, columns the eigenvectors; the identity when diagonal) and D (the square roots of the
    /// eigenvalues, ascending in full mode), computing them as PyPI `cmaes` does when not cached.
    pub fn eigen(&mut self) -> (Vec<f64>, Vec<f64>) {
        self.decompose();
        let d = self.d.clone().unwrap_or_default();
        let b = if self.diagonal {
            let mut b = vec![0.0; self.n * self.n];
            for i in 0..self.n {
                b[i * self.n + i] = 1.0;
            }
            b
        } else {
            self.b.clone().unwrap_or_default()
        };
        (b, d)
    }

    fn decompose(&mut self) {
        if self.d.is_some() {
            return;
        }
        let n = self.n;
        if self.diagonal {
            self.d = Some(
                self.c
                    .iter()
                    .map(|&c| if c < 0.0 { EPS } else { c }.sqrt())
                    .collect(),
            );
            return;
        }
        let sym = DMatrix::from_fn(n, n, |i, j| (self.c[i * n + j] + self.c[j * n + i]) / 2.0);
        let eig = SymmetricEigen::new(sym);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&a, &b| eig.eigenvalues[a].total_cmp(&eig.eigenvalues[b]));
        let d: Vec<f64> = order
            .iter()
            .map(|&k| {
                let v = eig.eigenvalues[k];
                if v < 0.0 { EPS } else { v }.sqrt()
            })
            .collect();
        let mut b = vec![0.0; n * n];
        for (col, &k) in order.iter().enumerate() {
            for row in 0..n {
                b[row * n + col] = eig.eigenvectors[(row, k)];
            }
        }
        // C = B diag(D²) Bᵀ, as PyPI cmaes rebuilds it.
        for i in 0..n {
            for j in 0..n {
                let mut s = 0.0;
                for k in 0..n {
                    s += b[i * n + k] * d[k] * d[k] * b[j * n + k];
                }
                self.c[i * n + j] = s;
            }
        }
        self.b = Some(b);
        self.d = Some(d);
    }

    /// m + σ B D z.
    fn sample(&self, z: &[f64]) -> Vec<f64> {
        let n = self.n;
        let d = self.d.as_ref().expect("decomposed");
        let mut x = self.mean.clone();
        if self.diagonal {
            for i in 0..n {
                x[i] += self.sigma * d[i] * z[i];
            }
        } else {
            let b = self.b.as_ref().expect("decomposed");
            for i in 0..n {
                let mut s = 0.0;
                for k in 0..n {
                    s += b[i * n + k] * d[k] * z[k];
                }
                x[i] += self.sigma * s;
            }
        }
        x
    }

    fn feasible(&self, x: &[f64]) -> bool {
        match &self.bounds {
            None => true,
            Some(b) => x.iter().zip(b).all(|(&v, &[lo, hi])| v >= lo && v <= hi),
        }
    }

    fn repair(&self, mut x: Vec<f64>) -> Vec<f64> {
        if let Some(b) = &self.bounds {
            for (v, &[lo, hi]) in x.iter_mut().zip(b) {
                if *v < lo {
                    *v = lo;
                }
                if *v > hi {
                    *v = hi;
                }
            }
        }
        x
    }

    /// λ candidates from the seeded generator (per candidate: up to `n_max_resampling` draws until one
    /// lies within the bounds, then one more draw, clipped).
    pub fn ask(&mut self) -> Vec<Vec<f64>> {
        self.decompose();
        let mut rng = RandomState::from_state(&self.rng).expect("an MT19937 state");
        let mut out = Vec::with_capacity(self.lambda);
        for _ in 0..self.lambda {
            let mut chosen = None;
            for _ in 0..self.n_max_resampling {
                let z: Vec<f64> = (0..self.n).map(|_| rng.gauss()).collect();
                let x = self.sample(&z);
                if self.feasible(&x) {
                    chosen = Some(x);
                    break;
                }
            }
            let x = match chosen {
                Some(x) => x,
                None => {
                    let z: Vec<f64> = (0..self.n).map(|_| rng.gauss()).collect();
                    let x = self.sample(&z);
                    self.repair(x)
                }
            };
            out.push(x);
        }
        self.rng = rng.to_state();
        out
    }

    /// One candidate per injected standard normal vector z (m + σ B D z, clipped to the bounds when
    /// outside them: no resampling, the generator is not touched).
    pub fn ask_with(&mut self, z: &[Vec<f64>]) -> Vec<Vec<f64>> {
        self.decompose();
        z.iter()
            .map(|z| {
                assert_eq!(z.len(), self.n, "a normal vector of the wrong length");
                let x = self.sample(z);
                if self.feasible(&x) {
                    x
                } else {
                    self.repair(x)
                }
            })
            .collect()
    }

    /// Updates mean, σ, the paths and C from λ candidates and their fitness (minimised).
    pub fn tell(&mut self, candidates: &[Vec<f64>], fitness: &[f64]) -> Result<()> {
        let n = self.n;
        if candidates.len() != self.lambda || fitness.len() != self.lambda {
            return Err(bad(format!(
                "tell needs λ = {} candidates and fitness values, got {} and {}",
                self.lambda,
                candidates.len(),
                fitness.len()
            )));
        }
        if let Some(i) = fitness.iter().position(|f| f.is_nan()) {
            return Err(bad(format!("the fitness of candidate {i} is NaN")));
        }
        for (i, x) in candidates.iter().enumerate() {
            if x.len() != n {
                return Err(bad(format!(
                    "candidate {i} has {} coordinates, not {n}",
                    x.len()
                )));
            }
            if x.iter().any(|v| v.is_nan() || v.abs() >= MEAN_MAX) {
                return Err(bad(format!(
                    "candidate {i} has a coordinate that is not finite or above 1e32"
                )));
            }
        }
        self.generation += 1;
        let mut order: Vec<usize> = (0..self.lambda).collect();
        order.sort_by(|&a, &b| fitness[a].total_cmp(&fitness[b]));
        self.decompose();
        let d = self.d.take().expect("decomposed");
        let b = self.b.take();
        let y: Vec<Vec<f64>> = order
            .iter()
            .map(|&k| {
                candidates[k]
                    .iter()
                    .zip(&self.mean)
                    .map(|(x, m)| (x - m) / self.sigma)
                    .collect()
            })
            .collect();
        let mut y_w = vec![0.0; n];
        for (yk, w) in y.iter().take(self.mu).zip(&self.weights) {
            for i in 0..n {
                y_w[i] += yk[i] * w;
            }
        }
        for i in 0..n {
            self.mean[i] += self.sigma * y_w[i];
        }
        // C^(-1/2) v (full: B D⁻¹ Bᵀ v; diagonal: v / D).
        let inv_sqrt = |v: &[f64]| -> Vec<f64> {
            match &b {
                None => v.iter().zip(&d).map(|(a, s)| a / s).collect(),
                Some(b) => {
                    let t: Vec<f64> = (0..n)
                        .map(|k| (0..n).map(|i| b[i * n + k] * v[i]).sum::<f64>() / d[k])
                        .collect();
                    (0..n)
                        .map(|i| (0..n).map(|k| b[i * n + k] * t[k]).sum())
                        .collect()
                }
            }
        };
        let cs = self.c_sigma;
        let ps_coef = (cs * (2.0 - cs) * self.mu_eff).sqrt();
        let cy = inv_sqrt(&y_w);
        for i in 0..n {
            self.p_sigma[i] = (1.0 - cs) * self.p_sigma[i] + ps_coef * cy[i];
        }
        let norm_ps = self.p_sigma.iter().map(|v| v * v).sum::<f64>().sqrt();
        self.sigma *= ((cs / self.d_sigma) * (norm_ps / self.chi_n - 1.0)).exp();
        self.sigma = self.sigma.min(SIGMA_MAX);
        let left = norm_ps / (1.0 - (1.0 - cs).powi(2 * (self.generation as i32 + 1))).sqrt();
        let right = (1.4 + 2.0 / (n as f64 + 1.0)) * self.chi_n;
        let h_sigma = if left < right { 1.0 } else { 0.0 };
        let pc_coef = h_sigma * (self.cc * (2.0 - self.cc) * self.mu_eff).sqrt();
        for i in 0..n {
            self.pc[i] = (1.0 - self.cc) * self.pc[i] + pc_coef * y_w[i];
        }
        let delta_h = (1.0 - h_sigma) * self.cc * (2.0 - self.cc);
        let wsum: f64 = self.weights.iter().sum();
        let keep = 1.0 + self.c1 * delta_h - self.c1 - self.cmu * wsum;
        if self.diagonal {
            let mut rank_mu = vec![0.0; n];
            for (yk, w) in y.iter().zip(&self.weights) {
                for i in 0..n {
                    rank_mu[i] += w * yk[i] * yk[i];
                }
            }
            for i in 0..n {
                self.c[i] =
                    keep * self.c[i] + self.c1 * self.pc[i] * self.pc[i] + self.cmu * rank_mu[i];
            }
        } else {
            let w_io: Vec<f64> = y
                .iter()
                .zip(&self.weights)
                .map(|(yk, &w)| {
                    if w >= 0.0 {
                        w
                    } else {
                        let v = inv_sqrt(yk);
                        w * (n as f64 / (v.iter().map(|a| a * a).sum::<f64>() + EPS))
                    }
                })
                .collect();
            for i in 0..n {
                for j in 0..n {
                    let mut rank_mu = 0.0;
                    for (yk, w) in y.iter().zip(&w_io) {
                        rank_mu += w * yk[i] * yk[j];
                    }
                    self.c[i * n + j] = keep * self.c[i * n + j]
                        + self.c1 * self.pc[i] * self.pc[j]
                        + self.cmu * rank_mu;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sphere(x: &[f64]) -> f64 {
        x.iter().map(|v| v * v).sum()
    }

    #[test]
    fn defaults_and_refusals() {
        let es = CmaEs::new(vec![0.0; 10], 1.0, CmaOptions::default()).unwrap();
        assert_eq!((es.popsize(), es.mu()), (10, 5));
        let w: f64 = es.weights()[..5].iter().sum();
        assert!((w - 1.0).abs() < 1e-15);
        assert!(es.weights()[9] < 0.0);
        assert!(CmaEs::new(vec![], 1.0, CmaOptions::default()).is_err());
        assert!(CmaEs::new(vec![0.0], 0.0, CmaOptions::default()).is_err());
        let one = CmaOptions {
            popsize: Some(1),
            ..Default::default()
        };
        assert!(CmaEs::new(vec![0.0; 3], 1.0, one).is_err());
        let flipped = CmaOptions {
            bounds: Some(vec![[1.0, -1.0]]),
            ..Default::default()
        };
        assert!(CmaEs::new(vec![0.0], 1.0, flipped).is_err());
        let mut es = CmaEs::new(vec![0.0; 3], 1.0, CmaOptions::default()).unwrap();
        let xs = es.ask();
        let mut f: Vec<f64> = xs.iter().map(|x| sphere(x)).collect();
        f[2] = f64::NAN;
        let err = es.tell(&xs, &f).unwrap_err().to_string();
        assert!(err.contains("NaN"), "{err}");
    }

    #[test]
    fn solves_the_sphere_and_resumes_exactly() {
        for diagonal in [false, true] {
            let opts = CmaOptions {
                seed: 3,
                diagonal,
                ..Default::default()
            };
            let mut es = CmaEs::new(vec![3.0; 8], 2.0, opts).unwrap();
            let mut copy = None;
            let mut best = f64::INFINITY;
            for g in 0..400 {
                if g == 50 {
                    copy = Some(serde_json::to_string(&es).unwrap());
                }
                let xs = es.ask();
                let f: Vec<f64> = xs.iter().map(|x| sphere(x)).collect();
                best = f.iter().cloned().fold(best, f64::min);
                es.tell(&xs, &f).unwrap();
            }
            assert!(best < 1e-12, "diagonal {diagonal}: best {best}");
            // A restored state goes on bit for bit.
            let mut back: CmaEs = serde_json::from_str(&copy.unwrap()).unwrap();
            let mut again = CmaEs::new(
                vec![3.0; 8],
                2.0,
                CmaOptions {
                    seed: 3,
                    diagonal,
                    ..Default::default()
                },
            )
            .unwrap();
            for _ in 0..50 {
                let xs = again.ask();
                let f: Vec<f64> = xs.iter().map(|x| sphere(x)).collect();
                again.tell(&xs, &f).unwrap();
            }
            for _ in 0..20 {
                let (xa, xb) = (again.ask(), back.ask());
                assert_eq!(xa, xb);
                let f: Vec<f64> = xa.iter().map(|x| sphere(x)).collect();
                again.tell(&xa, &f).unwrap();
                back.tell(&xb, &f).unwrap();
            }
            assert_eq!(again.mean(), back.mean());
            back.check().unwrap();
            let mut text: serde_json::Value = serde_json::to_value(&back).unwrap();
            text["mean"].as_array_mut().unwrap().pop();
            let damaged: CmaEs = serde_json::from_value(text).unwrap();
            assert!(damaged.check().is_err());
        }
    }

    #[test]
    fn bounds_hold() {
        let opts = CmaOptions {
            seed: 1,
            bounds: Some(vec![[-0.5, 0.5]; 4]),
            ..Default::default()
        };
        let mut es = CmaEs::new(vec![0.4; 4], 3.0, opts).unwrap();
        for _ in 0..30 {
            let xs = es.ask();
            assert!(xs.iter().flatten().all(|v| (-0.5..=0.5).contains(v)));
            let f: Vec<f64> = xs.iter().map(|x| sphere(x)).collect();
            es.tell(&xs, &f).unwrap();
        }
    }
}
