//! HyperNCA's neural cellular automaton (Najarro et al. 2022, enajx/HyperNCA `NCA_3D.py`): a 3-D grid
//! of cells that grows, in a fixed number of steps, the weights of a bias-free tanh MLP.
//!
//! The grid has shape (C channels, L layers, S, S). Depth slice ℓ of the reading channel (0) *is* the
//! weight matrix of policy layer ℓ, `nn.Linear` layout (out × in); the last layer uses its first
//! `out_rows` rows. One developmental step, exactly as `CellCAModel3D.update` and `forward` run it:
//!
//! 1. the alive mask before the update: a 3×3×3 max-pool (padding −∞) of the living channel, compared
//!    with `α · max(pool)`; `α` is −∞ by default (`living_threshold` 0), so every cell lives, unless the
//!    product is +∞ (an all-negative living channel: every cell dies), and a NaN product counts as −∞;
//! 2. perception: a depthwise 3×3×3 convolution, zero padding, groups = C, three evolved filters per
//!    channel (output channel o reads input channel o / 3), a bias only with `bias`;
//! 3. the update network: 1×1×1 convolutions 3C → D → tanh → D → tanh → C;
//! 4. `normalise`: the update is divided by its global, signed maximum; then added to the grid (or, with
//!    `replace`, put in its place);
//! 5. a grid whose maximum exceeds 10⁵ is "exploding" (the authors raise); NaN never compares above;
//! 6. the alive mask after the update; cells not alive both before and after are multiplied by 0;
//! 7. rows ≥ `out_rows` of the last layer are zeroed, in every channel.
//!
//! Maxima propagate NaN as torch's do. Everything is float64, as the authors' code sets torch's default
//! dtype. The parameter vector is `ca.parameters()` flattened in order: the perception filters
//! (3C × 27), their bias (3C), then each update layer's weight and bias. tests/nca_oracle.rs checks
//! every step against a PyTorch statement of `NCA_3D.py` (tests/oracle/hypernca_nca.py) to 1e-10.
//!
//! Plain Rust rather than tch: a Lander grid is 640 cells, and a growth of 20 steps takes tens of
//! microseconds here, below what a libtorch call costs to dispatch (benches/hypernca.rs measures it).

pub mod authors;

use serde::{Deserialize, Serialize};

use std::path::Path;

use crate::env::legacy_rng::RandomState;
use crate::env::Space;
use crate::error::{Error, Result};
use crate::policy::{Activation, Actor, Dtype, Head, Linear};

/// What the authors' code raises at: a grid maximum above this is "exploding".
pub const EXPLODING: f64 = 1e5;

/// The automaton's shape and growth rule (the NCA part of HyperNCA's `nca_config`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NcaSpec {
    /// C, `NCA_channels`.
    pub channels: usize,
    /// L, `policy_layers`: the depth of the grid and the layers of the policy.
    pub layers: usize,
    /// S, `size_substrate`: every layer is S × S.
    pub size: usize,
    /// D, `update_net_channel_dims`.
    pub hidden: usize,
    /// `NCA_bias`: biases in the perception and update convolutions.
    pub bias: bool,
    /// `reading_channel`: the channel read as the policy's weights.
    pub reading_channel: usize,
    /// `living_channel_dim`: 1 when there are two or more channels, else 0.
    pub living_channel: usize,
    /// `living_threshold` as the authors' command line takes it: 0 means every cell stays alive (the
    /// code's −∞); otherwise α in `pool > α · max(pool)`.
    pub living_threshold: f64,
    /// `normalise`: divide the update by its global signed maximum.
    pub normalise: bool,
    /// `replace`: the update replaces the grid instead of being added to it.
    pub replace: bool,
    /// The rows of the last layer that stay (the action dimension); the others are zeroed after every
    /// step.
    pub out_rows: usize,
}

impl NcaSpec {
    /// The automaton of `channels` × `layers` × `size`² with `hidden` update channels and `out_rows`
    /// policy outputs, everything else at the authors' command-line defaults: no biases, reading
    /// channel 0, living channel 1 (0 with one channel, as their `living_channel_dim`), every cell
    /// alive, the update normalised and added.
    pub fn new(
        channels: usize,
        layers: usize,
        size: usize,
        hidden: usize,
        out_rows: usize,
    ) -> NcaSpec {
        NcaSpec {
            channels,
            layers,
            size,
            hidden,
            bias: false,
            reading_channel: 0,
            living_channel: usize::from(channels > 1),
            living_threshold: 0.0,
            normalise: true,
            replace: false,
            out_rows,
        }
    }

    /// The number of evolved parameters: 81C (+3C) + 3C·D (+D) + D² (+D) + D·C (+C).
    pub fn n_params(&self) -> usize {
        // Saturating: a damaged configuration's sizes must reach `check`, not overflow.
        let (c, d) = (self.channels as u128, self.hidden as u128);
        let w = [81 * c, (4 * c).saturating_mul(d), d.saturating_mul(d)]
            .iter()
            .fold(0u128, |s, &t| s.saturating_add(t));
        let w = if self.bias {
            w.saturating_add(4 * c + 2 * d)
        } else {
            w
        };
        usize::try_from(w).unwrap_or(usize::MAX)
    }

    /// The number of cells times channels: C·L·S².
    pub fn grid_len(&self) -> usize {
        let n = [self.channels, self.layers, self.size, self.size]
            .iter()
            .fold(1u128, |p, &k| p.saturating_mul(k as u128));
        usize::try_from(n).unwrap_or(usize::MAX)
    }

    /// The policy's weights: (L − 1)·S² + `out_rows`·S.
    pub fn policy_weights(&self) -> usize {
        (self.layers - 1) * self.size * self.size + self.out_rows * self.size
    }

    /// α as the code uses it.
    fn alpha(&self) -> f64 {
        if self.living_threshold == 0.0 {
            f64::NEG_INFINITY
        } else {
            self.living_threshold
        }
    }

    /// Every value in range; the messages name the authors' keys.
    pub fn check(&self) -> Result<(), String> {
        for (key, v) in [
            ("NCA_channels", self.channels),
            ("policy_layers", self.layers),
            ("size_substrate", self.size),
            ("update_net_channel_dims", self.hidden),
            ("the action dimension", self.out_rows),
        ] {
            if v == 0 {
                return Err(format!("{key} must be positive"));
            }
        }
        if self.layers < 2 {
            return Err(format!(
                "policy_layers is {}; the policy has at least an input and an output layer",
                self.layers
            ));
        }
        if self.reading_channel >= self.channels {
            return Err(format!(
                "reading_channel {} does not exist with {} channels",
                self.reading_channel, self.channels
            ));
        }
        if self.living_channel >= self.channels {
            return Err(format!(
                "living_channel_dim {} does not exist with {} channels",
                self.living_channel, self.channels
            ));
        }
        if self.out_rows > self.size {
            return Err(format!(
                "the action dimension {} exceeds size_substrate {}",
                self.out_rows, self.size
            ));
        }
        if self.living_threshold.is_nan() {
            return Err("living_threshold is NaN".into());
        }
        // Keeps every size product far from overflow; HyperNCA's largest grid is 4 × 30 × 28².
        if self.grid_len() > 1 << 24 || self.n_params() > 1 << 24 {
            return Err(format!(
                "a grid of {} × {} × {} × {} with {} update channels is implausibly large",
                self.channels, self.layers, self.size, self.size, self.hidden
            ));
        }
        Ok(())
    }
}

/// Why a growth stopped.
#[derive(Debug, Clone, PartialEq)]
pub enum GrowError {
    /// The grid's maximum passed [`EXPLODING`] after step `step` (1-based).
    Exploding { step: usize, max: f64 },
}

impl std::fmt::Display for GrowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GrowError::Exploding { step, max } => write!(
                f,
                "NCA states are exploding: the grid's maximum is {max:e} after step {step} (the \
                 authors' limit is 1e5)"
            ),
        }
    }
}

/// An automaton: its shape and its evolved parameters, unpacked.
#[derive(Debug, Clone)]
pub struct Nca {
    pub spec: NcaSpec,
    /// Perception filters, (3C, 3, 3, 3).
    perc_w: Vec<f64>,
    perc_b: Vec<f64>,
    /// Update layers: (D, 3C), (D, D), (C, D), with biases (empty without `bias`).
    w1: Vec<f64>,
    b1: Vec<f64>,
    w2: Vec<f64>,
    b2: Vec<f64>,
    w3: Vec<f64>,
    b3: Vec<f64>,
}

/// Take the next `n` values of `it`.
fn take(it: &mut std::slice::Iter<'_, f64>, n: usize) -> Vec<f64> {
    it.by_ref().take(n).copied().collect()
}

impl Nca {
    /// The automaton of `params`' first [`NcaSpec::n_params`] values (a longer vector may carry a
    /// co-evolved seed after them, as the authors' does).
    pub fn new(spec: &NcaSpec, params: &[f64]) -> Result<Nca, String> {
        spec.check()?;
        let n = spec.n_params();
        if params.len() < n {
            return Err(format!(
                "the parameter vector has {} values; an NCA of {} channels, {} update channels{} \
                 has {n}",
                params.len(),
                spec.channels,
                spec.hidden,
                if spec.bias { " and biases" } else { "" }
            ));
        }
        let (c, d) = (spec.channels, spec.hidden);
        let b = |k: usize| if spec.bias { k } else { 0 };
        let mut it = params[..n].iter();
        let perc_w = take(&mut it, 3 * c * 27);
        let perc_b = take(&mut it, b(3 * c));
        let w1 = take(&mut it, d * 3 * c);
        let b1 = take(&mut it, b(d));
        let w2 = take(&mut it, d * d);
        let b2 = take(&mut it, b(d));
        let w3 = take(&mut it, c * d);
        let b3 = take(&mut it, b(c));
        Ok(Nca {
            spec: spec.clone(),
            perc_w,
            perc_b,
            w1,
            b1,
            w2,
            b2,
            w3,
            b3,
        })
    }

    /// Grow `grid` (C·L·S² values, C-order) by `steps` steps, handing the grid after each step (1-based)
    /// to `on_step`.
    pub fn grow(
        &self,
        grid: &mut [f64],
        steps: usize,
        first_step: usize,
        mut on_step: impl FnMut(usize, &[f64]),
    ) -> Result<(), GrowError> {
        assert_eq!(grid.len(), self.spec.grid_len(), "grid size");
        let mut scratch = Scratch::default();
        for k in 0..steps {
            self.step(grid, &mut scratch)
                .map_err(|max| GrowError::Exploding {
                    step: first_step + k + 1,
                    max,
                })?;
            on_step(first_step + k + 1, grid);
        }
        Ok(())
    }

    /// One developmental step in place; `Err(max)` when the grid explodes.
    fn step(&self, x: &mut [f64], s: &mut Scratch) -> Result<(), f64> {
        let sp = &self.spec;
        let (c, l, n) = (sp.channels, sp.layers, sp.size);
        let cells = l * n * n;
        let alpha = sp.alpha();
        alive(x, sp, alpha, &mut s.pool, &mut s.pre);

        // Perception. Each channel is copied into a zero-bordered (L+2) × (S+2) × (S+2) volume, where
        // every filter tap is one constant offset: a tap is then a single multiply-add over the
        // contiguous span from the first interior cell to the last (the border cells in between get
        // values that are never read), which vectorises; the interior is then copied out.
        let np = n + 2;
        let plane = np * np;
        let padded = (l + 2) * plane;
        s.pad.clear();
        s.pad.resize(c * padded, 0.0);
        for ch in 0..c {
            for z in 0..l {
                for i in 0..n {
                    let from = ((ch * l + z) * n + i) * n;
                    let to = ch * padded + (z + 1) * plane + (i + 1) * np + 1;
                    s.pad[to..to + n].copy_from_slice(&x[from..from + n]);
                }
            }
        }
        let (lo, hi) = (plane + np + 1, l * plane + n * np + n + 1);
        s.acc.clear();
        s.acc.resize(padded, 0.0);
        s.perc.clear();
        s.perc.resize(3 * c * cells, 0.0);
        for o in 0..3 * c {
            let src = &s.pad[(o / 3) * padded..(o / 3 + 1) * padded];
            let acc = &mut s.acc[lo..hi];
            acc.fill(0.0);
            for dz in 0..3 {
                for dy in 0..3 {
                    for dx in 0..3 {
                        let w = self.perc_w[o * 27 + dz * 9 + dy * 3 + dx];
                        // Output p reads input p + (dz − 1)·plane + (dy − 1)·(S+2) + (dx − 1).
                        let start = dz * plane + dy * np + dx;
                        for (a, v) in acc.iter_mut().zip(&src[start..start + (hi - lo)]) {
                            *a += w * v;
                        }
                    }
                }
            }
            let bias = self.perc_b.get(o).copied().unwrap_or(0.0);
            let dst = &mut s.perc[o * cells..(o + 1) * cells];
            for z in 0..l {
                for i in 0..n {
                    let from = (z + 1) * plane + (i + 1) * np + 1 - lo;
                    let to = (z * n + i) * n;
                    for (d, v) in dst[to..to + n].iter_mut().zip(&acc[from..from + n]) {
                        *d = v + bias;
                    }
                }
            }
        }
        // The update network, every cell at once: 1×1×1 convolutions are matrix products over planes.
        plane_layer(&self.w1, &self.b1, &s.perc, cells, true, &mut s.h1);
        plane_layer(&self.w2, &self.b2, &s.h1, cells, true, &mut s.h2);
        plane_layer(&self.w3, &self.b3, &s.h2, cells, false, &mut s.out);
        debug_assert_eq!(s.out.len(), c * cells);

        let m = if sp.normalise { nan_max(&s.out) } else { 1.0 };
        for (xv, &ov) in x.iter_mut().zip(&s.out) {
            let u = if sp.normalise { ov / m } else { ov };
            *xv = if sp.replace { u } else { *xv + u };
        }
        let max = nan_max(x);
        if max > EXPLODING {
            return Err(max);
        }

        alive(x, sp, alpha, &mut s.pool, &mut s.post);
        for ch in 0..c {
            for cell in 0..cells {
                if !(s.pre[cell] && s.post[cell]) {
                    x[ch * cells + cell] *= 0.0;
                }
            }
        }
        zero_unused_rows(x, sp);
        Ok(())
    }
}

/// Reusable buffers of a growth.
#[derive(Default)]
struct Scratch {
    pool: Vec<f64>,
    pre: Vec<bool>,
    post: Vec<bool>,
    pad: Vec<f64>,
    acc: Vec<f64>,
    perc: Vec<f64>,
    h1: Vec<f64>,
    h2: Vec<f64>,
    out: Vec<f64>,
}

/// A 1×1×1 convolution over planes of `cells` values: `y[r] = W[r] · x + b[r]` for every cell, `W`
/// row-major (outputs × inputs), then tanh if asked.
fn plane_layer(w: &[f64], b: &[f64], x: &[f64], cells: usize, tanh: bool, y: &mut Vec<f64>) {
    let inputs = x.len() / cells;
    let outputs = w.len() / inputs;
    y.clear();
    y.resize(outputs * cells, 0.0);
    for r in 0..outputs {
        let dst = &mut y[r * cells..(r + 1) * cells];
        for k in 0..inputs {
            let wk = w[r * inputs + k];
            for (a, v) in dst.iter_mut().zip(&x[k * cells..(k + 1) * cells]) {
                *a += wk * v;
            }
        }
        if let Some(&bias) = b.get(r) {
            dst.iter_mut().for_each(|a| *a += bias);
        }
        if tanh {
            dst.iter_mut().for_each(|a| *a = fast_tanh(*a));
        }
    }
}

/// tanh through one `exp`, about twice as fast as libm's here, and within a few ulp of it: for |x| ≥
/// 0.5 as 1 − 2/(e^{2|x|} + 1) (no cancellation: the result is above 0.46), below through `exp_m1`,
/// which keeps small arguments exact to the last bits. NaN and ±∞ behave as `tanh`'s.
fn fast_tanh(x: f64) -> f64 {
    let a = x.abs();
    let t = if a >= 0.5 {
        if a > 22.0 {
            1.0
        } else {
            1.0 - 2.0 / ((2.0 * a).exp() + 1.0)
        }
    } else {
        let e = (2.0 * a).exp_m1();
        e / (e + 2.0)
    };
    t.copysign(x)
}

/// The maximum, NaN if any value is NaN (torch's `max()`); −∞ for no values.
pub fn nan_max(v: &[f64]) -> f64 {
    let mut m = f64::NEG_INFINITY;
    for &x in v {
        if x.is_nan() {
            return f64::NAN;
        }
        if x > m {
            m = x;
        }
    }
    m
}

/// The alive mask: a 3×3×3 max-pool of the living channel (NaN wins, as in torch's max_pool3d),
/// compared with α · max(pool); a NaN threshold is −∞.
fn alive(x: &[f64], sp: &NcaSpec, alpha: f64, pool: &mut Vec<f64>, mask: &mut Vec<bool>) {
    let (l, n) = (sp.layers, sp.size);
    let cells = l * n * n;
    let ch = &x[sp.living_channel * cells..(sp.living_channel + 1) * cells];
    // Separable: the 3×3×3 maximum is the 3-wide maximum along j, then i, then z (max is exact and
    // associative, NaN included).
    let m3 = |a: f64, b: f64| {
        if a.is_nan() || b.is_nan() {
            f64::NAN
        } else {
            a.max(b)
        }
    };
    let along = |src: &[f64], dst: &mut Vec<f64>, stride: usize, len: usize| {
        dst.clear();
        dst.extend((0..src.len()).map(|k| {
            let pos = (k / stride) % len;
            let mut m = src[k];
            if pos > 0 {
                m = m3(m, src[k - stride]);
            }
            if pos + 1 < len {
                m = m3(m, src[k + stride]);
            }
            m
        }));
    };
    let mut a = Vec::with_capacity(cells);
    let mut b = Vec::with_capacity(cells);
    along(ch, &mut a, 1, n);
    along(&a, &mut b, n, n);
    along(&b, pool, n * n, l);
    let mut threshold = alpha * nan_max(pool);
    if threshold.is_nan() {
        threshold = f64::NEG_INFINITY;
    }
    mask.clear();
    mask.extend(pool.iter().map(|&v| v > threshold));
}

/// Zero rows ≥ `out_rows` of the last layer in every channel (`x[:, :, -1, out_rows:, :] = 0`).
pub fn zero_unused_rows(x: &mut [f64], sp: &NcaSpec) {
    let (l, n) = (sp.layers, sp.size);
    let cells = l * n * n;
    for ch in 0..sp.channels {
        let last = ch * cells + (l - 1) * n * n;
        x[last + sp.out_rows * n..last + n * n].fill(0.0);
    }
}

/// The seed types of `generate_seeds3D`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedType {
    /// U[0, 1).
    RandomU,
    /// U[−1, 1): the default.
    RandomU2,
    /// U[−0.5, 0.5).
    RandomU3,
    /// U[0, 0.1).
    RandomU4,
    /// U[−0.1, 0.1).
    RandomU5,
    /// N(0, 1).
    RandomN,
    Ones,
    MinusOnes,
    Zeros,
    /// 1 at the centre (S/2, S/2) of every channel and layer (LunarLander: all layers but the last).
    SingleSeed,
    /// 1 on the 2 × 2 block around the centre.
    SingleSeedBig,
    TwoSeeds,
    ThreeSeeds,
    FourSeeds,
    /// 1 at the centre of channel 0 only.
    OneSingleSeed,
}

impl SeedType {
    /// The names the authors' `--seed_type` takes, in [`SeedType::ALL`]'s order.
    pub const NAMES: [&'static str; 15] = [
        "randomU",
        "randomU2",
        "randomU3",
        "randomU4",
        "randomU5",
        "randomN",
        "ones",
        "-ones",
        "zeros",
        "single_seed",
        "single_seed_big",
        "two_seeds",
        "three_seeds",
        "four_seeds",
        "1single_seed",
    ];
    pub const ALL: [SeedType; 15] = [
        SeedType::RandomU,
        SeedType::RandomU2,
        SeedType::RandomU3,
        SeedType::RandomU4,
        SeedType::RandomU5,
        SeedType::RandomN,
        SeedType::Ones,
        SeedType::MinusOnes,
        SeedType::Zeros,
        SeedType::SingleSeed,
        SeedType::SingleSeedBig,
        SeedType::TwoSeeds,
        SeedType::ThreeSeeds,
        SeedType::FourSeeds,
        SeedType::OneSingleSeed,
    ];

    pub fn parse(name: &str) -> Result<SeedType, String> {
        if let Some(i) = SeedType::NAMES.iter().position(|n| *n == name) {
            return Ok(SeedType::ALL[i]);
        }
        let hint = match name {
            "activations" => " (`activations` seeds the grid with an observation; not supported)",
            "-1+1" => " (`-1+1` gives two environments the seeds ones and -ones; not supported)",
            _ => "",
        };
        Err(format!(
            "unknown seed type `{name}`{hint}; expected one of {}",
            SeedType::NAMES.join(", ")
        ))
    }

    pub fn name(self) -> &'static str {
        SeedType::NAMES[SeedType::ALL.iter().position(|t| *t == self).unwrap()]
    }

    /// The seed grid (C·L·S², C-order), random draws from `rng` in that order, with rows ≥ `out_rows`
    /// of the last layer zeroed. `env_id` matters only for `single_seed`, which the authors place on all
    /// layers but the last for LunarLander and on every layer for the Ant (for any other environment
    /// their code leaves the grid empty, which grows NaN; here it is every layer, as for the Ant).
    pub fn generate(self, sp: &NcaSpec, env_id: &str, rng: &mut RandomState) -> Vec<f64> {
        let (c, l, n) = (sp.channels, sp.layers, sp.size);
        let len = sp.grid_len();
        let mut s: Vec<f64> = match self {
            SeedType::RandomU => (0..len).map(|_| rng.random_sample()).collect(),
            SeedType::RandomU2 => (0..len).map(|_| 2.0 * rng.random_sample() - 1.0).collect(),
            SeedType::RandomU3 => (0..len)
                .map(|_| (2.0 * rng.random_sample() - 1.0) / 2.0)
                .collect(),
            SeedType::RandomU4 => (0..len).map(|_| rng.random_sample() / 10.0).collect(),
            SeedType::RandomU5 => (0..len)
                .map(|_| (2.0 * rng.random_sample() - 1.0) / 10.0)
                .collect(),
            SeedType::RandomN => (0..len).map(|_| rng.gauss()).collect(),
            SeedType::Ones => vec![1.0; len],
            SeedType::MinusOnes => vec![-1.0; len],
            _ => vec![0.0; len],
        };
        let mut set = |chans: std::ops::Range<usize>, layers: std::ops::Range<usize>, i, j| {
            for ch in chans {
                for z in layers.clone() {
                    s[((ch * l + z) * n + i) * n + j] = 1.0;
                }
            }
        };
        let h = n / 2;
        match self {
            SeedType::SingleSeed => {
                let layers = if env_id.contains("Lander") {
                    0..l - 1
                } else {
                    0..l
                };
                set(0..c, layers, h, h);
            }
            SeedType::SingleSeedBig => {
                for i in h.saturating_sub(1)..h + 1 {
                    for j in h.saturating_sub(1)..h + 1 {
                        set(0..c, 0..l, i, j);
                    }
                }
            }
            SeedType::TwoSeeds => {
                set(0..c, 0..l, h, n / 3);
                set(0..c, 0..l, h, n - n / 3);
            }
            SeedType::ThreeSeeds => {
                set(0..c, 0..l, h, n / 4);
                set(0..c, 0..l, h, h);
                set(0..c, 0..l, h, n - n / 4);
            }
            SeedType::FourSeeds => {
                set(0..c, 0..l, n - n / 4, n - n / 3);
                set(0..c, 0..l, n / 4, n - n / 3);
                set(0..c, 0..l, n - n / 4, n / 3);
                set(0..c, 0..l, n / 4, n / 3);
            }
            SeedType::OneSingleSeed => set(0..1, 0..l, h, h),
            _ => {}
        }
        zero_unused_rows(&mut s, sp);
        s
    }
}

/// Whether every value of the grid is zero (the authors' "empty pattern", which scores the worst
/// fitness). NaN is not zero.
pub fn is_empty(grid: &[f64]) -> bool {
    grid.iter().all(|v| *v == 0.0)
}

/// The policy the grid encodes: layer ℓ is the reading channel's slice ℓ (S × S, out × in), the last
/// layer its first `out_rows` rows; no biases, tanh between layers, then `head` (the authors' action
/// mapping: argmax for discrete actions, tanh for pybullet and [−1, 1] boxes, else clip).
pub fn grown_actor(grid: &[f64], sp: &NcaSpec, head: Head) -> Actor {
    let (l, n) = (sp.layers, sp.size);
    let base = sp.reading_channel * l * n * n;
    let layers: Vec<Linear> = (0..l)
        .map(|z| {
            let rows = if z == l - 1 { sp.out_rows } else { n };
            let start = base + z * n * n;
            Linear {
                in_features: n,
                out_features: rows,
                weight: grid[start..start + rows * n].to_vec(),
                bias: None,
            }
        })
        .collect();
    Actor {
        activations: vec![Activation::Tanh; l - 1],
        head,
        mask: None,
        recurrent: None,
        dtype: Dtype::F64,
        layers,
    }
}

/// The authors' action mapping as an output head: argmax for discrete actions; tanh for pybullet
/// environments and [−1, 1] boxes; otherwise a clip to the box.
pub fn authors_head(env_id: &str, act: &Space) -> Head {
    match act {
        Space::Discrete { .. } => Head::Argmax,
        Space::Box { low, high } => {
            let unit = low.iter().all(|v| *v == -1.0) && high.iter().all(|v| *v == 1.0);
            if env_id.contains("Bullet") || unit {
                Head::Tanh
            } else {
                Head::Clip {
                    low: low.clone(),
                    high: high.clone(),
                }
            }
        }
    }
}

/// A run folder opened for growing: its settings, the automaton, the seed and the first environment.
#[derive(Debug, Clone)]
pub struct RunNetwork {
    pub run: authors::AuthorsRun,
    /// The first environment (the first morphology of a metamorphosis run).
    pub env_id: String,
    pub spec: NcaSpec,
    pub head: Head,
    pub seed: Vec<f64>,
}

impl RunNetwork {
    /// Read a run (see [`authors::read_run`]) and check it can grow the first environment's policy.
    pub fn open(path: &Path) -> Result<RunNetwork> {
        let run = authors::read_run(path)?;
        let bad = |reason: String| Error::Network {
            path: path.to_path_buf(),
            reason,
        };
        let env_id = run
            .config
            .environments
            .first()
            .cloned()
            .ok_or_else(|| bad("the run's config names no environment".into()))?;
        let env = crate::env::make(&env_id).map_err(|e| bad(format!("its environment: {e}")))?;
        let (obs, act) = (env.observation_space(), env.action_space());
        let spec = run.config.spec(act.size());
        spec.check().map_err(bad)?;
        if spec.size != obs.size() {
            return Err(bad(format!(
                "size_substrate {} differs from {env_id}'s {} observations; the grown policy reads \
                 the substrate's width",
                spec.size,
                obs.size()
            )));
        }
        let n = spec.n_params();
        let seed = if run.config.co_evolve_seed {
            run.vector.get(n..n + spec.grid_len()).map(<[f64]>::to_vec)
        } else {
            run.config.seeds.first().cloned()
        };
        let seed = seed.ok_or_else(|| {
            bad(if run.config.random_seed {
                "the run draws a fresh random seed every episode (random_seed), so no one network \
                 belongs to it"
                    .into()
            } else {
                "the run's config holds no seed grid".into()
            })
        })?;
        if seed.len() != spec.grid_len() {
            return Err(bad(format!(
                "the seed grid has {} values; {} channels × {} layers × {}² make {}",
                seed.len(),
                spec.channels,
                spec.layers,
                spec.size,
                spec.grid_len()
            )));
        }
        let head = authors_head(&env_id, &act);
        Ok(RunNetwork {
            run,
            env_id,
            spec,
            head,
            seed,
        })
    }

    /// Grow the first environment's network (`NCA_steps` steps), handing the grid after each step to
    /// `on_step`; the final grid.
    pub fn grow(&self, on_step: impl FnMut(usize, &[f64])) -> Result<Vec<f64>> {
        let nca = Nca::new(&self.spec, &self.run.vector).map_err(|e| Error::Network {
            path: self.run.solution.clone(),
            reason: e,
        })?;
        let mut grid = self.seed.clone();
        nca.grow(&mut grid, self.run.config.steps, 0, on_step)
            .map_err(|e| Error::Network {
                path: self.run.solution.clone(),
                reason: e.to_string(),
            })?;
        Ok(grid)
    }

    /// The grown network as an actor.
    pub fn actor(&self) -> Result<Actor> {
        let grid = self.grow(|_, _| {})?;
        Ok(grown_actor(&grid, &self.spec, self.head.clone()))
    }
}

/// The actor a HyperNCA run folder (or one of its solution files) grows.
pub fn load_run_actor(path: &Path) -> Result<Actor> {
    RunNetwork::open(path)?.actor()
}

/// The name outputs of a run use: the folder's name, with `_best` or `_mean` for a solution file
/// named directly.
pub fn run_stem(path: &Path) -> String {
    let name = |p: &Path| {
        p.file_name()
            .map_or_else(|| "run".into(), |s| s.to_string_lossy().into_owned())
    };
    if path.is_dir() {
        return name(path);
    }
    let folder = path.parent().map_or_else(|| "run".into(), name);
    let file = name(path);
    if file.contains("bestsolution") {
        format!("{folder}_best")
    } else {
        format!("{folder}_mean")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lander(bias: bool) -> NcaSpec {
        NcaSpec {
            bias,
            ..NcaSpec::new(2, 5, 8, 4, 4)
        }
    }

    #[test]
    fn fast_tanh_is_tanh_to_a_few_ulp() {
        let mut worst = 0.0f64;
        for i in -200_000..=200_000 {
            let x = i as f64 * 1.37e-4 + 1e-9;
            let (a, b) = (fast_tanh(x), x.tanh());
            worst = worst.max(((a - b) / b).abs());
        }
        for x in [
            0.0, -0.0, 1e-300, -1e-20, 0.5, -0.5, 21.9, 22.1, 700.0, -1e308,
        ] {
            let (a, b) = (fast_tanh(x), x.tanh());
            assert!(a == b || ((a - b) / b).abs() < 1e-15, "{x}: {a} vs {b}");
        }
        assert!(worst < 1e-15, "largest relative difference {worst:e}");
        assert!(fast_tanh(f64::NAN).is_nan());
        assert_eq!(fast_tanh(f64::INFINITY), 1.0);
        assert_eq!(fast_tanh(f64::NEG_INFINITY), -1.0);
    }

    #[test]
    fn parameter_counts_match_the_authors_saved_vectors() {
        // related-systems.md §3.2: 226 with bias, 210 without (C 2, D 4); 290 and 314 for D 8.
        assert_eq!(lander(true).n_params(), 226);
        assert_eq!(lander(false).n_params(), 210);
        let ant = NcaSpec {
            hidden: 8,
            size: 28,
            out_rows: 8,
            ..lander(false)
        };
        assert_eq!(ant.n_params(), 290);
        assert_eq!(NcaSpec { bias: true, ..ant }.n_params(), 314);
        // 5 layers of 8 × 8, the last with 4 rows: 288 weights.
        assert_eq!(lander(true).policy_weights(), 288);
    }

    #[test]
    fn seeds_keep_the_last_layer_to_its_outputs() {
        let sp = lander(false);
        let mut rng = RandomState::from_int_seed(3);
        for t in SeedType::ALL {
            let s = t.generate(&sp, "LunarLander-v2", &mut rng);
            assert_eq!(s.len(), 640);
            for ch in 0..2 {
                let last = ch * 320 + 4 * 64;
                assert!(s[last + 32..last + 64].iter().all(|v| *v == 0.0), "{t:?}");
            }
            assert_eq!(SeedType::parse(t.name()), Ok(t));
        }
        let single = SeedType::SingleSeed.generate(&sp, "LunarLander-v2", &mut rng);
        assert_eq!(single.iter().filter(|v| **v == 1.0).count(), 2 * 4);
        let e = SeedType::parse("activations").unwrap_err();
        assert!(e.contains("not supported"), "{e}");
    }

    #[test]
    fn a_short_vector_and_a_bad_shape_are_refused() {
        let e = Nca::new(&lander(true), &[0.0; 100]).unwrap_err();
        assert!(e.contains("100 values") && e.contains("226"), "{e}");
        let bad = NcaSpec {
            reading_channel: 2,
            ..lander(true)
        };
        assert!(Nca::new(&bad, &[0.0; 226]).is_err());
    }

    #[test]
    fn an_exploding_growth_names_its_step() {
        // Every parameter 100, no normalisation: the grid gains about 500 a step.
        let sp = NcaSpec {
            normalise: false,
            ..lander(true)
        };
        let nca = Nca::new(&sp, &[100.0; 226]).unwrap();
        let mut g = vec![1.0; 640];
        let e = nca.grow(&mut g, 1000, 0, |_, _| {}).unwrap_err();
        let GrowError::Exploding { step, max } = e.clone();
        assert!(step >= 1 && max > EXPLODING, "{e}");
        assert!(e.to_string().contains(&format!("step {step}")));
    }

    #[test]
    fn the_grown_actor_reads_channel_zero() {
        let sp = lander(false);
        let grid: Vec<f64> = (0..640).map(|i| i as f64).collect();
        let a = grown_actor(&grid, &sp, Head::Argmax);
        assert_eq!(a.sizes(), vec![8, 8, 8, 8, 8, 4]);
        assert_eq!(a.layers[1].weight[0], 64.0);
        assert_eq!(a.layers[4].weight.len(), 32);
        assert!(a.layers.iter().all(|l| l.bias.is_none()));
    }
}
