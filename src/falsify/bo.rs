//! Deterministic GP Bayesian optimisation over the unit cube, as GPyOpt does it for PruVer and its
//! predecessor (isotropic Matérn-5/2 GP, expected improvement, L-BFGS on the acquisition, a few initial
//! points, no point evaluated twice), minus GPyOpt's non-determinism: every draw comes from one seeded
//! NumPy-compatible generator.
//!
//! - Surrogate: friedrich's `GaussianProcess` with a `Matern2` kernel on outputs standardised to mean 0
//!   and std 1, a small fixed noise (evaluations are exact) and a Cholesky jitter.
//! - Hyperparameters (length-scale, amplitude) are refitted as evaluations arrive by maximising the exact
//!   log marginal likelihood over a fixed log-spaced grid. (friedrich's own Adam fit uses the diagonal
//!   of K in place of log|K|, which leaves out the length-scale's complexity penalty.)
//! - Acquisition: EI (default), LCB or PI, maximised by L-BFGS (argmin) from the best of a seeded
//!   candidate set, on a sigmoid-transformed box so the optimiser never leaves its region.
//! - Model: every evaluation up to 256 of them; beyond, by default, TuRBO's local model: the 128
//!   nearest the best point ([`GpModel`]), so an iteration's cost no longer grows with n.
//! - Region: by default TuRBO's trust region around the best point (Eriksson et al., NeurIPS 2019),
//!   else the whole of [0, 1]^d at every iteration as GPyOpt does. GPyOpt's maximum-likelihood fit
//!   ends at a length-scale of about 0.01 of CartPole's box, so its global EI in effect searches
//!   around the best points and keeps finding failures there; our better-fitting GP (0.08–0.21)
//!   explores more and finds fewer. The trust region makes that local phase explicit and adaptive
//!   instead of leaving it to an ill-fitted surrogate (docs/speed.md, "`--falsify` against GPyOpt").

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use argmin::core::{CostFunction, Executor, Gradient};
use argmin::solver::linesearch::MoreThuenteLineSearch;
use argmin::solver::quasinewton::LBFGS;
use friedrich::gaussian_process::GaussianProcess;
use friedrich::kernel::Matern2;
use friedrich::prior::{Prior, ZeroPrior};

use crate::env::rng::NpRng;

/// The acquisition function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Acquisition {
    /// Expected improvement with exploration margin `xi` (GPyOpt's default jitter is 0.01).
    Ei { xi: f64 },
    /// Lower confidence bound `μ − κσ` (GPyOpt's default κ is 2).
    Lcb { kappa: f64 },
    /// Probability of improvement with margin `xi`.
    Pi { xi: f64 },
}

impl Default for Acquisition {
    fn default() -> Self {
        Acquisition::Ei { xi: 0.01 }
    }
}

/// Where the acquisition is maximised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SearchRegion {
    /// In TuRBO's trust region around the best point, which grows while the search improves on it
    /// and shrinks while it does not (the default).
    #[default]
    Trust,
    /// Over the whole box at every iteration, as GPyOpt does.
    Global,
}

impl SearchRegion {
    /// L-BFGS iterations per polish of the acquisition. Over the whole box most polishes stop after
    /// a few iterations anyway (the acquisition is flat far from the data); inside a small trust
    /// region L-BFGS keeps making small gains: on LunarLander (5-D) a median 689 acquisition calls per
    /// polish against 54 globally, which made the campaign 2.2× slower at 30 iterations without finding
    /// more failures than at 5 (docs/speed.md, "`--falsify` against GPyOpt").
    fn polish_iterations(self) -> u64 {
        match self {
            SearchRegion::Trust => 5,
            SearchRegion::Global => 30,
        }
    }
}

/// Which evaluations the GP is fitted on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum GpModel {
    /// Every evaluation while there are at most [`LOCAL_FROM`]; beyond, the [`LOCAL_POINTS`] nearest
    /// the best point, TuRBO's local model (the default). Up to [`LOCAL_FROM`] evaluations the search
    /// is [`GpModel::All`]'s bit for bit; beyond, an iteration costs the same at any n but for the
    /// O(n·d) choice of the points.
    #[default]
    Local,
    /// Every evaluation, always: an iteration costs O(n³) (a Cholesky per hyperparameter of the grid
    /// on refits), so 805 evaluations take minutes and 1,505 hours.
    All,
}

/// With [`GpModel::Local`], the GP takes every evaluation up to this many.
pub const LOCAL_FROM: usize = 256;
/// With [`GpModel::Local`] beyond [`LOCAL_FROM`] evaluations, the GP takes this many: those nearest
/// the best point. 128 makes 1,505 evaluations take 20 s on 2 cores (256: 64 s) with as many failures
/// per evaluation (docs/speed.md, "BO at large budgets").
pub const LOCAL_POINTS: usize = 128;

#[derive(Debug, Clone, PartialEq)]
pub struct BoOptions {
    /// Latin-hypercube points before the first model (GPyOpt: 5).
    pub init_points: usize,
    /// Model-guided evaluations after them (PruVer: 200).
    pub iterations: usize,
    pub acquisition: Acquisition,
    pub region: SearchRegion,
    pub model: GpModel,
    pub seed: u64,
    /// Random candidates scored before the local search.
    pub candidates: usize,
    /// L-BFGS starts (the best candidates).
    pub restarts: usize,
}

impl Default for BoOptions {
    fn default() -> Self {
        BoOptions {
            init_points: 5,
            iterations: 200,
            acquisition: Acquisition::default(),
            region: SearchRegion::default(),
            model: GpModel::default(),
            seed: 0,
            candidates: 512,
            restarts: 4,
        }
    }
}

/// One evaluation: the point in the unit cube and the objective's value there.
#[derive(Debug, Clone, PartialEq)]
pub struct Evaluation {
    pub x: Vec<f64>,
    pub y: f64,
    /// Whether the point came from the initial design (else from the acquisition).
    pub initial: bool,
}

/// Seconds spent outside the objective: fitting and maximising the acquisition.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BoTiming {
    pub surrogate_seconds: f64,
}

const NOISE: f64 = 1e-3;
const JITTER: f64 = 1e-8;

/// Minimise `objective` over `[0, 1]^dim`. `objective` may return ±∞ (treated as far beyond the
/// observed range) but not NaN (treated as +∞). `stop` is asked after every evaluation and ends the
/// search when it answers true.
pub fn minimize(
    dim: usize,
    opts: &BoOptions,
    mut objective: impl FnMut(&[f64]) -> f64,
    mut stop: impl FnMut(&[Evaluation]) -> bool,
) -> (Vec<Evaluation>, BoTiming) {
    let mut rng = NpRng::from_seed(opts.seed);
    let mut evals: Vec<Evaluation> = Vec::new();
    let mut timing = BoTiming::default();
    for x in latin_hypercube(opts.init_points, dim, &mut rng) {
        let y = objective(&x);
        evals.push(Evaluation {
            x,
            y,
            initial: true,
        });
        if stop(&evals) {
            return (evals, timing);
        }
    }
    let mut hyper = (0.3, 1.0);
    let mut trust = match opts.region {
        SearchRegion::Trust => Some(TrustRegion::new(dim)),
        SearchRegion::Global => None,
    };
    for it in 0..opts.iterations {
        let t = std::time::Instant::now();
        let (xs, ys) = training_data(&training_set(&evals, opts.model));
        // Refit every step while data are few, then every fifth step: the grid search is O(grid · n³).
        if it < 20 || it % 5 == 0 {
            hyper = fit_hyperparameters(&xs, &ys);
        }
        let gp = GaussianProcess::new(
            ZeroPrior::default(dim),
            Matern2 {
                ls: hyper.0,
                ampl: hyper.1,
            },
            NOISE,
            Some(JITTER),
            xs.clone(),
            ys.clone(),
        );
        let best = ys.iter().copied().fold(f64::INFINITY, f64::min);
        let acq = Acq {
            gp: &gp,
            best,
            kind: opts.acquisition,
        };
        let bounds = match &trust {
            Some(tr) => tr.bounds(&incumbent(&evals).x),
            None => Bounds::unit(dim),
        };
        let x = propose(&acq, &bounds, opts, &mut rng, &evals);
        timing.surrogate_seconds += t.elapsed().as_secs_f64();
        let y = objective(&x);
        if let Some(tr) = &mut trust {
            tr.update(y, incumbent(&evals).y);
        }
        evals.push(Evaluation {
            x,
            y,
            initial: false,
        });
        if stop(&evals) {
            break;
        }
    }
    (evals, timing)
}

/// The evaluations the GP is fitted on ([`GpModel`]).
fn training_set(evals: &[Evaluation], model: GpModel) -> std::borrow::Cow<'_, [Evaluation]> {
    match model {
        GpModel::Local if evals.len() > LOCAL_FROM => {
            nearest(evals, &incumbent(evals).x, LOCAL_POINTS).into()
        }
        _ => evals.into(),
    }
}

/// The `k` evaluations nearest `centre` (Euclidean distance in the unit cube, ties to the earlier
/// evaluation), in the order they were made.
fn nearest(evals: &[Evaluation], centre: &[f64], k: usize) -> Vec<Evaluation> {
    let mut d: Vec<(f64, usize)> = evals
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let r: f64 = e.x.iter().zip(centre).map(|(a, b)| (a - b) * (a - b)).sum();
            (r, i)
        })
        .collect();
    if k < d.len() {
        d.select_nth_unstable_by(k, |a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        d.truncate(k);
    }
    d.sort_by_key(|&(_, i)| i);
    d.into_iter().map(|(_, i)| evals[i].clone()).collect()
}

/// `n` Latin-hypercube points: one per stratum in every dimension, strata shuffled per dimension.
pub fn latin_hypercube(n: usize, dim: usize, rng: &mut NpRng) -> Vec<Vec<f64>> {
    let mut pts = vec![vec![0.0; dim]; n];
    for d in 0..dim {
        let mut strata: Vec<usize> = (0..n).collect();
        // Fisher–Yates with NumPy-compatible integer draws.
        for i in (1..n).rev() {
            let j = rng.integers(0, i as i64 + 1) as usize;
            strata.swap(i, j);
        }
        for (p, s) in pts.iter_mut().zip(strata) {
            p[d] = (s as f64 + rng.random()) / n as f64;
        }
    }
    pts
}

/// Inputs and standardised, finite outputs for the GP.
fn training_data(evals: &[Evaluation]) -> (Vec<Vec<f64>>, Vec<f64>) {
    let finite: Vec<f64> = evals
        .iter()
        .map(|e| e.y)
        .filter(|y| y.is_finite())
        .collect();
    let (lo, hi) = finite
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &y| {
            (a.min(y), b.max(y))
        });
    let (lo, hi) = if finite.is_empty() {
        (0.0, 0.0)
    } else {
        (lo, hi)
    };
    let span = (hi - lo).max(1.0);
    // Infinite values become finite values one span beyond the observed range.
    let raw: Vec<f64> = evals
        .iter()
        .map(|e| match e.y {
            y if y.is_finite() => y,
            y if y == f64::NEG_INFINITY => lo - span,
            _ => hi + span,
        })
        .collect();
    let n = raw.len() as f64;
    let mean = raw.iter().sum::<f64>() / n;
    let std = (raw.iter().map(|y| (y - mean).powi(2)).sum::<f64>() / n).sqrt();
    let std = if std > 1e-12 { std } else { 1.0 };
    let ys = raw.iter().map(|y| (y - mean) / std).collect();
    (evals.iter().map(|e| e.x.clone()).collect(), ys)
}

/// The (length-scale, amplitude) of the grid that maximises the exact log marginal likelihood.
fn fit_hyperparameters(xs: &[Vec<f64>], ys: &[f64]) -> (f64, f64) {
    let mut best = (f64::NEG_INFINITY, (0.3, 1.0));
    for i in 0..12 {
        let ls = 0.02 * 1.6f64.powi(i); // 0.02 … 3.5
        for ampl in [0.25, 0.5, 1.0, 2.0, 4.0] {
            let k = Matern2 { ls, ampl };
            if let Some(lml) = log_marginal_likelihood(&k, xs, ys) {
                if lml > best.0 {
                    best = (lml, (ls, ampl));
                }
            }
        }
    }
    best.1
}

fn log_marginal_likelihood(k: &Matern2, xs: &[Vec<f64>], ys: &[f64]) -> Option<f64> {
    let n = xs.len();
    let mut a = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let v = matern52(k, &xs[i], &xs[j]);
            a[i * n + j] = v;
            a[j * n + i] = v;
        }
        a[i * n + i] += NOISE * NOISE + JITTER;
    }
    // In-place Cholesky, lower triangle.
    for j in 0..n {
        let mut d = a[j * n + j];
        for p in 0..j {
            d -= a[j * n + p] * a[j * n + p];
        }
        if d <= 0.0 || !d.is_finite() {
            return None;
        }
        let d = d.sqrt();
        a[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for p in 0..j {
                s -= a[i * n + p] * a[j * n + p];
            }
            a[i * n + j] = s / d;
        }
    }
    // α = L⁻¹ y; LML = −½|α|² − Σ log L_ii − n/2 log 2π
    let mut alpha = ys.to_vec();
    for i in 0..n {
        let mut s = alpha[i];
        for p in 0..i {
            s -= a[i * n + p] * alpha[p];
        }
        alpha[i] = s / a[i * n + i];
    }
    let fit: f64 = alpha.iter().map(|v| v * v).sum();
    let logdet: f64 = (0..n).map(|i| a[i * n + i].ln()).sum();
    Some(-0.5 * fit - logdet - 0.5 * n as f64 * (2.0 * std::f64::consts::PI).ln())
}

/// friedrich's `Matern2` kernel: `ampl · (1 + √5 r/ℓ + 5r²/3ℓ²) · exp(−√5 r/ℓ)`.
fn matern52(k: &Matern2, a: &[f64], b: &[f64]) -> f64 {
    let r = a
        .iter()
        .zip(b)
        .map(|(x, y)| (x - y).powi(2))
        .sum::<f64>()
        .sqrt();
    let s = 5f64.sqrt() * r / k.ls;
    k.ampl * (1.0 + s + 5.0 * r * r / (3.0 * k.ls * k.ls)) * (-s).exp()
}

struct Acq<'a> {
    gp: &'a GaussianProcess<Matern2, ZeroPrior>,
    best: f64,
    kind: Acquisition,
}

impl Acq<'_> {
    /// The acquisition value at `x` (higher is better).
    fn value(&self, x: &[f64]) -> f64 {
        let (mu, var) = self.gp.predict_mean_variance(&x.to_vec());
        let sigma = var.max(0.0).sqrt().max(1e-12);
        match self.kind {
            Acquisition::Ei { xi } => {
                let imp = self.best - mu - xi;
                let z = imp / sigma;
                imp * norm_cdf(z) + sigma * norm_pdf(z)
            }
            Acquisition::Pi { xi } => norm_cdf((self.best - mu - xi) / sigma),
            Acquisition::Lcb { kappa } => -(mu - kappa * sigma),
        }
    }
}

/// Where the acquisition is maximised: a box inside the unit cube.
struct Bounds {
    lo: Vec<f64>,
    hi: Vec<f64>,
}

impl Bounds {
    fn unit(dim: usize) -> Self {
        Bounds {
            lo: vec![0.0; dim],
            hi: vec![1.0; dim],
        }
    }

    /// The point at relative coordinates `u ∈ [0, 1]^d` (the identity on the unit cube, bit for bit).
    fn at(&self, u: &[f64]) -> Vec<f64> {
        u.iter()
            .zip(self.lo.iter().zip(&self.hi))
            .map(|(u, (l, h))| l + (h - l) * u)
            .collect()
    }
}

/// TuRBO's trust region (Eriksson et al., "Scalable Global Optimization via Local Bayesian
/// Optimization", NeurIPS 2019), with its published constants: a cube of side `length` (relative to
/// the unit cube) centred on the best point so far, doubled after 3 improvements in a row, halved
/// after max(4, d) evaluations in a row without one, and reset to its initial side when it falls
/// below 2⁻⁷. TuRBO restarts from a fresh design at that point; here the GP keeps its evaluations
/// ([`GpModel`]) and only the region widens again.
struct TrustRegion {
    length: f64,
    successes: usize,
    failures: usize,
    failure_tolerance: usize,
}

impl TrustRegion {
    const INITIAL: f64 = 0.8;
    const MIN: f64 = 1.0 / 128.0;
    const MAX: f64 = 1.6;
    const SUCCESS_TOLERANCE: usize = 3;

    fn new(dim: usize) -> Self {
        TrustRegion {
            length: Self::INITIAL,
            successes: 0,
            failures: 0,
            failure_tolerance: dim.max(4),
        }
    }

    fn bounds(&self, centre: &[f64]) -> Bounds {
        let half = self.length / 2.0;
        Bounds {
            lo: centre.iter().map(|c| (c - half).max(0.0)).collect(),
            hi: centre.iter().map(|c| (c + half).min(1.0)).collect(),
        }
    }

    /// Grow or shrink after an evaluation `y`; `best` is the best value before it. An improvement
    /// must beat `best` by 10⁻³·|best|, as in TuRBO.
    fn update(&mut self, y: f64, best: f64) {
        if y < best - 1e-3 * best.abs() {
            self.successes += 1;
            self.failures = 0;
        } else {
            self.failures += 1;
            self.successes = 0;
        }
        if self.successes == Self::SUCCESS_TOLERANCE {
            self.length = (2.0 * self.length).min(Self::MAX);
            self.successes = 0;
        }
        if self.failures == self.failure_tolerance {
            self.length /= 2.0;
            self.failures = 0;
        }
        if self.length < Self::MIN {
            self.length = Self::INITIAL;
        }
    }
}

/// The evaluation with the lowest value (NaN counts as above +∞).
fn incumbent(evals: &[Evaluation]) -> &Evaluation {
    evals
        .iter()
        .min_by(|a, b| a.y.total_cmp(&b.y))
        .expect("the initial design is evaluated before the model")
}

/// The next point in `bounds`: the best of a seeded candidate set, polished by L-BFGS, never a point
/// already evaluated (GPyOpt's de-duplication).
fn propose(
    acq: &Acq<'_>,
    bounds: &Bounds,
    opts: &BoOptions,
    rng: &mut NpRng,
    evals: &[Evaluation],
) -> Vec<f64> {
    let mut cands: Vec<(f64, Vec<f64>)> = (0..opts.candidates.max(1))
        .map(|_| {
            let u: Vec<f64> = (0..bounds.lo.len()).map(|_| rng.random()).collect();
            let x = bounds.at(&u);
            (acq.value(&x), x)
        })
        .collect();
    cands.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut best = cands[0].clone();
    for (_, start) in cands.iter().take(opts.restarts) {
        if let Some((v, x)) = polish(acq, bounds, start, opts.region.polish_iterations()) {
            if v > best.0 && !seen(&x, evals) {
                best = (v, x);
            }
        }
    }
    if seen(&best.1, evals) {
        // Every good point is taken: the best unseen candidate.
        if let Some((_, x)) = cands.into_iter().find(|(_, x)| !seen(x, evals)) {
            return x;
        }
    }
    best.1
}

fn seen(x: &[f64], evals: &[Evaluation]) -> bool {
    evals
        .iter()
        .any(|e| e.x.iter().zip(x).all(|(a, b)| (a - b).abs() < 1e-9))
}

/// L-BFGS on z with x = sigmoid(z), minimising the negative acquisition.
fn polish(
    acq: &Acq<'_>,
    bounds: &Bounds,
    start: &[f64],
    iterations: u64,
) -> Option<(f64, Vec<f64>)> {
    let z0: Vec<f64> = start
        .iter()
        .zip(bounds.lo.iter().zip(&bounds.hi))
        .map(|(&x, (l, h))| {
            let x = ((x - l) / (h - l)).clamp(1e-6, 1.0 - 1e-6);
            (x / (1.0 - x)).ln()
        })
        .collect();
    let calls = AtomicUsize::new(0);
    let best = Mutex::new(None);
    let problem = Transformed {
        acq,
        bounds,
        calls: &calls,
        best: &best,
    };
    // The line search needs a largest step: where the acquisition is flat (far out in z, where the
    // sigmoid saturates) an unbounded More–Thuente search keeps widening its interval. A step of 20
    // in logit space already crosses the whole box.
    let linesearch = MoreThuenteLineSearch::new()
        .with_bounds(f64::EPSILON.sqrt(), 20.0)
        .ok()?;
    let solver = LBFGS::new(linesearch, 5).with_tolerance_grad(1e-8).ok()?;
    // argmin runs the line search without an iteration cap, and on a flat or rugged acquisition it
    // can go on for ever; the cost function stops it after MAX_ACQ_CALLS evaluations (an error
    // ends the run), and the best point it saw is kept either way.
    let _ = Executor::new(problem, solver)
        .configure(|s| s.param(z0).max_iters(iterations))
        .run();
    let (_, z) = best.into_inner().ok()??;
    let x = bounds.at(&sigmoid_all(&z));
    Some((acq.value(&x), x))
}

/// Acquisition evaluations one L-BFGS polish may make (a gradient costs 2·d of them).
const MAX_ACQ_CALLS: usize = 2000;

/// The negative acquisition over logit coordinates, counting its calls and keeping its best point.
struct Transformed<'a, 'b> {
    acq: &'a Acq<'b>,
    bounds: &'a Bounds,
    calls: &'a AtomicUsize,
    best: &'a Mutex<Option<(f64, Vec<f64>)>>,
}

fn sigmoid_all(z: &[f64]) -> Vec<f64> {
    z.iter().map(|v| 1.0 / (1.0 + (-v).exp())).collect()
}

impl CostFunction for Transformed<'_, '_> {
    type Param = Vec<f64>;
    type Output = f64;
    fn cost(&self, z: &Vec<f64>) -> Result<f64, argmin::core::Error> {
        if self.calls.fetch_add(1, Ordering::Relaxed) >= MAX_ACQ_CALLS {
            return Err(argmin::core::Error::msg(
                "acquisition evaluation budget spent",
            ));
        }
        let c = -self.acq.value(&self.bounds.at(&sigmoid_all(z)));
        if c.is_finite() {
            let mut best = self.best.lock().expect("the polish runs on one thread");
            if best.as_ref().is_none_or(|(b, _)| c < *b) {
                *best = Some((c, z.clone()));
            }
        }
        Ok(c)
    }
}

impl Gradient for Transformed<'_, '_> {
    type Param = Vec<f64>;
    type Gradient = Vec<f64>;
    /// Central differences: the acquisition is cheap at these sizes and d is small.
    fn gradient(&self, z: &Vec<f64>) -> Result<Vec<f64>, argmin::core::Error> {
        let h = 1e-5;
        let mut g = vec![0.0; z.len()];
        let mut zz = z.clone();
        for i in 0..z.len() {
            zz[i] = z[i] + h;
            let up = self.cost(&zz)?;
            zz[i] = z[i] - h;
            let down = self.cost(&zz)?;
            zz[i] = z[i];
            g[i] = (up - down) / (2.0 * h);
        }
        Ok(g)
    }
}

fn norm_pdf(z: f64) -> f64 {
    (-0.5 * z * z).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

fn norm_cdf(z: f64) -> f64 {
    0.5 * erfc(-z / std::f64::consts::SQRT_2)
}

/// Complementary error function, relative error below 1.2e-7 everywhere (Chebyshev fit, as in
/// Numerical Recipes' `erfcc`).
fn erfc(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let poly = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let r = t * poly.exp();
    if x >= 0.0 {
        r
    } else {
        2.0 - r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Branin on [0,1]², minimum 0.397887 at three points.
    fn branin(x: &[f64]) -> f64 {
        let (x1, x2) = (15.0 * x[0] - 5.0, 15.0 * x[1]);
        let pi = std::f64::consts::PI;
        let b = 5.1 / (4.0 * pi * pi);
        let c = 5.0 / pi;
        let t = 1.0 / (8.0 * pi);
        (x2 - b * x1 * x1 + c * x1 - 6.0).powi(2) + 10.0 * (1.0 - t) * x1.cos() + 10.0
    }

    fn run_in(region: SearchRegion, seed: u64, iterations: usize) -> Vec<Evaluation> {
        let opts = BoOptions {
            iterations,
            seed,
            region,
            ..BoOptions::default()
        };
        minimize(2, &opts, branin, |_| false).0
    }

    #[test]
    fn the_local_model_is_the_full_one_up_to_its_threshold() {
        // Bit for bit: the same points and values, so PruVer-budget campaigns are unchanged.
        let run = |model| {
            let opts = BoOptions {
                iterations: 40,
                seed: 4,
                model,
                ..BoOptions::default()
            };
            minimize(2, &opts, branin, |_| false).0
        };
        assert_eq!(run(GpModel::Local), run(GpModel::All));
    }

    #[test]
    fn beyond_the_threshold_the_gp_takes_the_points_nearest_the_best() {
        let mut rng = NpRng::from_seed(5);
        let evals = |n: usize, rng: &mut NpRng| -> Vec<Evaluation> {
            (0..n)
                .map(|i| {
                    let x = vec![rng.random(), rng.random()];
                    Evaluation {
                        y: branin(&x) + i as f64 * 1e-9,
                        x,
                        initial: false,
                    }
                })
                .collect()
        };
        let few = evals(LOCAL_FROM, &mut rng);
        assert_eq!(training_set(&few, GpModel::Local).len(), LOCAL_FROM);
        let many = evals(LOCAL_FROM + 40, &mut rng);
        assert_eq!(training_set(&many, GpModel::All).len(), LOCAL_FROM + 40);
        let local = training_set(&many, GpModel::Local);
        assert_eq!(local.len(), LOCAL_POINTS);
        // The nearest to the best point, in evaluation order, the best among them.
        let best = incumbent(&many).x.clone();
        let dist =
            |e: &Evaluation| -> f64 { e.x.iter().zip(&best).map(|(a, b)| (a - b).powi(2)).sum() };
        let radius = local.iter().map(dist).fold(0.0, f64::max);
        let inside = many.iter().filter(|e| dist(e) <= radius).count();
        assert_eq!(inside, LOCAL_POINTS);
        assert!(local.iter().any(|e| e.x == best));
        let order: Vec<usize> = local
            .iter()
            .map(|e| many.iter().position(|m| m.x == e.x).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn normal_cdf_is_accurate() {
        assert!((norm_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((norm_cdf(1.0) - 0.841_344_746_068_543).abs() < 1e-7);
        assert!((norm_cdf(-2.0) - 0.022_750_131_948_179).abs() < 1e-7);
    }

    #[test]
    fn latin_hypercube_puts_one_point_per_stratum() {
        let mut rng = NpRng::from_seed(3);
        let pts = latin_hypercube(7, 3, &mut rng);
        for d in 0..3 {
            let mut strata: Vec<usize> = pts.iter().map(|p| (p[d] * 7.0) as usize).collect();
            strata.sort();
            assert_eq!(strata, (0..7).collect::<Vec<_>>());
        }
    }

    #[test]
    fn finds_the_branin_minimum_better_than_random_search() {
        for region in [SearchRegion::Trust, SearchRegion::Global] {
            let evals = run_in(region, 1, 40);
            assert_eq!(evals.len(), 45);
            let best = evals.iter().map(|e| e.y).fold(f64::INFINITY, f64::min);
            assert!(
                best < 0.6,
                "{region:?}: BO's best after 45 evaluations: {best}"
            );
            beats_random_search(best);
        }
    }

    fn beats_random_search(best: f64) {
        // Random search with the same budget, several seeds: BO beats their median.
        let mut rand_best: Vec<f64> = (0..9)
            .map(|s| {
                let mut rng = NpRng::from_seed(100 + s);
                (0..45)
                    .map(|_| branin(&[rng.random(), rng.random()]))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        rand_best.sort_by(f64::total_cmp);
        assert!(
            best < rand_best[4],
            "BO {best} vs random median {}",
            rand_best[4]
        );
    }

    #[test]
    fn trust_region_grows_after_three_improvements_halves_after_d_misses_and_resets() {
        let mut tr = TrustRegion::new(2);
        assert_eq!(tr.length, 0.8);
        // Improvements must beat the best by 10⁻³ of its size.
        tr.update(-1.0005, -1.0);
        assert_eq!((tr.successes, tr.failures), (0, 1));
        for best in [-1.0, -2.0, -3.0] {
            tr.update(best - 1.0, best);
        }
        assert_eq!(tr.length, 1.6);
        for best in [-4.0, -5.0, -6.0] {
            tr.update(best - 1.0, best);
        }
        assert_eq!(tr.length, 1.6, "capped at 1.6");
        // max(4, d) misses in a row halve it; an improvement in between starts the count again.
        for _ in 0..3 {
            tr.update(0.0, -7.0);
        }
        tr.update(-8.0, -7.0);
        for _ in 0..3 {
            tr.update(0.0, -8.0);
        }
        assert_eq!(tr.length, 1.6);
        tr.update(0.0, -8.0);
        assert_eq!(tr.length, 0.8);
        assert_eq!(TrustRegion::new(6).failure_tolerance, 6);
        // Below 2⁻⁷ it starts again at 0.8; NaN counts as a miss.
        for _ in 0..4 * 6 {
            tr.update(f64::NAN, -8.0);
        }
        assert_eq!(tr.length, 0.8 / 64.0);
        for _ in 0..4 {
            tr.update(f64::NAN, -8.0);
        }
        assert_eq!(tr.length, 0.8);
        // The region is clipped to the unit cube.
        tr.length = 0.5;
        let b = tr.bounds(&[0.125, 0.875]);
        assert_eq!((b.lo, b.hi), (vec![0.0, 0.625], vec![0.375, 1.0]));
    }

    /// What the trust region is for: more evaluations inside a small failure region once one is found.
    #[test]
    fn the_trust_region_samples_a_failure_region_more_densely_than_the_global_search() {
        // Negative ("a failure") within 0.15 of a point away from the middle of the 3-cube.
        let f = |x: &[f64]| {
            let d: f64 = x
                .iter()
                .zip([0.7, 0.3, 0.6])
                .map(|(a, c)| (a - c).powi(2))
                .sum();
            d.sqrt() - 0.15
        };
        let failures = |region| -> usize {
            (0..3)
                .map(|seed| {
                    let opts = BoOptions {
                        iterations: 60,
                        seed,
                        region,
                        ..BoOptions::default()
                    };
                    let (evals, _) = minimize(3, &opts, f, |_| false);
                    evals.iter().filter(|e| e.y < 0.0).count()
                })
                .sum()
        };
        let (trust, global) = (
            failures(SearchRegion::Trust),
            failures(SearchRegion::Global),
        );
        assert!(
            trust > global,
            "trust region {trust} failures, global {global}"
        );
    }

    #[test]
    fn same_seed_same_bits_and_no_point_twice() {
        for region in [SearchRegion::Trust, SearchRegion::Global] {
            same_bits_no_repeats(region);
        }
    }

    fn same_bits_no_repeats(region: SearchRegion) {
        let run = |seed, n| run_in(region, seed, n);
        let (a, b) = (run(7, 15), run(7, 15));
        let bits = |v: &[Evaluation]| -> Vec<u64> {
            v.iter()
                .flat_map(|e| e.x.iter().chain([&e.y]).map(|f| f.to_bits()))
                .collect()
        };
        assert_eq!(bits(&a), bits(&b));
        assert_ne!(bits(&a), bits(&run(8, 15)));
        for (i, e) in a.iter().enumerate() {
            assert!(!seen(&e.x, &a[..i]), "point {i} evaluated twice");
            assert!(e.x.iter().all(|v| (0.0..=1.0).contains(v)));
        }
    }

    #[test]
    fn infinite_values_and_early_stop() {
        let opts = BoOptions {
            iterations: 30,
            ..BoOptions::default()
        };
        // +∞ on half the box must not break the model; stop at the first negative value.
        let (evals, _) = minimize(
            1,
            &opts,
            |x| {
                if x[0] > 0.5 {
                    f64::INFINITY
                } else {
                    x[0] - 0.1
                }
            },
            |e| e.last().unwrap().y < 0.0,
        );
        assert!(evals.last().unwrap().y < 0.0, "{evals:?}");
        assert!(evals.len() < 35);
    }

    #[test]
    fn every_acquisition_runs() {
        for acquisition in [
            Acquisition::Ei { xi: 0.01 },
            Acquisition::Lcb { kappa: 2.0 },
            Acquisition::Pi { xi: 0.01 },
        ] {
            let opts = BoOptions {
                iterations: 20,
                acquisition,
                ..BoOptions::default()
            };
            let (evals, _) = minimize(2, &opts, branin, |_| false);
            let best = evals.iter().map(|e| e.y).fold(f64::INFINITY, f64::min);
            assert!(best < 5.0, "{acquisition:?}: {best}");
        }
    }
}
