//! The trainable parameters: actor, critic and (for the `default` preset) the Gaussian's log-std, all
//! views into one flat float32 leaf tensor, and PyTorch's Adam over it.
//!
//! One flat tensor keeps the optimiser, gradient clipping and checkpoints to a handful of libtorch
//! calls per step (a per-tensor optimiser costs ~70 small calls for two 128×128 networks), and makes
//! the training state a plain vector. Adam is elementwise, so one Adam over the concatenation is
//! exactly PruVer's two Adams (actor, critic) with the same learning rate.

use tch::{Device, Kind, Tensor};

use crate::env::rng::NpRng;
use crate::env::Space;
use crate::error::Result;
use crate::policy::torch::tensor_values;
use crate::policy::{Activation, Actor, Dtype, Head, Linear};

/// Where one layer's weight (row-major `out × in`, as PyTorch stores it) and bias (if it has one) sit
/// in the flat vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LayerAt {
    out_f: usize,
    in_f: usize,
    w: usize,
    b: Option<usize>,
}

/// The layers of one network inside the flat vector, with the network's activations and head.
#[derive(Debug, Clone, PartialEq)]
pub struct NetAt {
    layers: Vec<LayerAt>,
    activations: Vec<Activation>,
    head: Head,
}

impl NetAt {
    /// How many tensors (weights and biases) the network has.
    fn n_tensors(&self) -> usize {
        self.layers.iter().map(|l| 1 + l.b.is_some() as usize).sum()
    }

    /// The layer sizes, input first (e.g. `[3, 128, 128, 1]`).
    pub fn sizes(&self) -> Vec<usize> {
        let mut s = vec![self.layers[0].in_f];
        s.extend(self.layers.iter().map(|l| l.out_f));
        s
    }
}

/// Actor, critic and log-std in one flat float32 tensor that requires gradients.
#[derive(Debug)]
pub struct Params {
    pub flat: Tensor,
    pub actor: NetAt,
    pub critic: NetAt,
    /// Offset and length of the log-std, when the policy learns one.
    log_std: Option<(usize, usize)>,
    pub len: usize,
}

impl Params {
    /// Lay out `actor`, `critic` and `log_std` (in that order) and copy their values in, rounded to
    /// float32.
    pub fn new(actor: &Actor, critic: &Actor, log_std: Option<&[f64]>, device: Device) -> Params {
        let mut values: Vec<f32> = Vec::new();
        let place = |mlp: &Actor, values: &mut Vec<f32>| NetAt {
            layers: mlp
                .layers
                .iter()
                .map(|l| {
                    let w = values.len();
                    values.extend(l.weight.iter().map(|&v| v as f32));
                    let b = l.bias.as_ref().map(|bias| {
                        let b = values.len();
                        values.extend(bias.iter().map(|&v| v as f32));
                        b
                    });
                    LayerAt {
                        out_f: l.out_features,
                        in_f: l.in_features,
                        w,
                        b,
                    }
                })
                .collect(),
            activations: mlp.activations.clone(),
            head: mlp.head.clone(),
        };
        let actor_at = place(actor, &mut values);
        let critic_at = place(critic, &mut values);
        let log_std = log_std.map(|s| {
            let at = values.len();
            values.extend(s.iter().map(|&v| v as f32));
            (at, s.len())
        });
        let len = values.len();
        let flat = Tensor::from_slice(&values)
            .to_device(device)
            .set_requires_grad(true);
        Params {
            flat,
            actor: actor_at,
            critic: critic_at,
            log_std,
            len,
        }
    }

    /// Every tensor of the layout (weights shaped `[out, in]`), as views of the flat vector. Taken once
    /// per gradient step: one split has one backward node, which hands the whole gradient back in a
    /// single concatenation (a view per tensor would each scatter into a zeroed copy of the vector).
    pub fn views(&self) -> Views {
        let mut sizes: Vec<i64> = Vec::new();
        let mut shapes: Vec<Vec<i64>> = Vec::new();
        for net in [&self.actor, &self.critic] {
            for l in &net.layers {
                sizes.push((l.out_f * l.in_f) as i64);
                shapes.push(vec![l.out_f as i64, l.in_f as i64]);
                if l.b.is_some() {
                    sizes.push(l.out_f as i64);
                    shapes.push(vec![l.out_f as i64]);
                }
            }
        }
        if let Some((_, n)) = self.log_std {
            sizes.push(n as i64);
            shapes.push(vec![n as i64]);
        }
        let parts = self.flat.split_with_sizes(&sizes, 0);
        Views {
            tensors: parts
                .iter()
                .zip(&shapes)
                .map(|(t, s)| t.view(&s[..]))
                .collect(),
            n_actor: self.actor.n_tensors(),
            n_critic: self.critic.n_tensors(),
            actor: self.actor.clone(),
            critic: self.critic.clone(),
        }
    }

    /// `net`'s output for a batch `xs` (`[N, in]`), for a single use (outside gradient steps).
    pub fn forward(&self, net: &NetAt, xs: &Tensor) -> Tensor {
        let v = self.views();
        if std::ptr::eq(net, &self.actor) {
            v.actor(xs)
        } else {
            v.critic(xs)
        }
    }

    /// Every parameter, in layout order, widened to f64 (exact).
    pub fn values(&self) -> Vec<f64> {
        tensor_values(&self.flat)
    }

    /// Overwrite every parameter (e.g. from a checkpoint); `values` must have the layout's length.
    pub fn set_values(&mut self, values: &[f64]) {
        assert_eq!(
            values.len(),
            self.len,
            "parameter vector of the wrong length"
        );
        let t = Tensor::from_slice(values)
            .to_kind(Kind::Float)
            .to_device(self.flat.device());
        tch::no_grad(|| {
            self.flat.copy_(&t);
        });
    }

    /// One network as plain float32 weights.
    pub fn mlp(&self, net: &NetAt) -> Actor {
        mlp_from(&self.values(), net)
    }

    /// Set every log-std to `value` (a fixed, scheduled σ).
    pub fn set_log_std(&mut self, value: f64) {
        if let Some((at, n)) = self.log_std {
            tch::no_grad(|| {
                let _ = self.flat.narrow(0, at as i64, n as i64).fill_(value);
            });
        }
    }

    /// Zero the log-std's gradient, so the optimiser leaves a scheduled σ where it was set.
    pub fn freeze_log_std(&mut self) {
        if let Some((at, n)) = self.log_std {
            let g = self.flat.grad();
            if g.defined() {
                tch::no_grad(|| {
                    let _ = g.narrow(0, at as i64, n as i64).fill_(0.0);
                });
            }
        }
    }

    pub fn log_std_values(&self) -> Option<Vec<f64>> {
        let v = self.values();
        self.log_std.map(|(at, n)| v[at..at + n].to_vec())
    }
}

/// The parameters of one gradient step, as views into the flat vector.
pub struct Views {
    tensors: Vec<Tensor>,
    n_actor: usize,
    n_critic: usize,
    actor: NetAt,
    critic: NetAt,
}

impl Views {
    /// `net`'s layers over its tensors (weight, then bias where the layer has one), with its activations
    /// and head: the output, and what the output layer read (the last hidden activations).
    fn mlp(net: &NetAt, tensors: &[Tensor], xs: &Tensor) -> (Tensor, Tensor) {
        let mut h = xs.shallow_clone();
        let mut latent = xs.shallow_clone();
        let mut next = tensors.iter();
        for (i, l) in net.layers.iter().enumerate() {
            let w = next.next().expect("a weight per layer");
            let b =
                l.b.map(|_| next.next().expect("a bias where the layer has one"));
            match net.activations.get(i) {
                Some(a) => h = a.tensor(&h.linear(w, b)),
                None => {
                    latent = h.shallow_clone();
                    h = net.head.tensor(&h.linear(w, b));
                }
            }
        }
        (h, latent)
    }

    pub fn actor(&self, xs: &Tensor) -> Tensor {
        self.actor_latent(xs).0
    }

    /// The actor's output and its last hidden activations (gSDE's features).
    pub fn actor_latent(&self, xs: &Tensor) -> (Tensor, Tensor) {
        Self::mlp(&self.actor, &self.tensors[..self.n_actor], xs)
    }

    pub fn critic(&self, xs: &Tensor) -> Tensor {
        Self::mlp(
            &self.critic,
            &self.tensors[self.n_actor..self.n_actor + self.n_critic],
            xs,
        )
        .0
    }

    pub fn log_std(&self) -> Option<&Tensor> {
        self.tensors.get(self.n_actor + self.n_critic)
    }
}

/// The network `net` cut out of a flat parameter vector.
pub fn mlp_from(values: &[f64], net: &NetAt) -> Actor {
    Actor {
        layers: net
            .layers
            .iter()
            .map(|l| Linear {
                in_features: l.in_f,
                out_features: l.out_f,
                weight: values[l.w..l.w + l.out_f * l.in_f].to_vec(),
                bias: l.b.map(|b| values[b..b + l.out_f].to_vec()),
            })
            .collect(),
        activations: net.activations.clone(),
        head: net.head.clone(),
        mask: None,
        recurrent: None,
        dtype: Dtype::F32,
    }
}

/// How a fresh network is initialised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Init {
    /// PyTorch's `nn.Linear` default, what PruVer's networks start from: weights and biases
    /// U(−1/√in, 1/√in).
    TorchDefault,
    /// Orthogonal weights with a gain for the hidden layers and another for the output layer, zero
    /// biases (CleanRL's and SB3's choice: √2 for ReLU layers, 0.01 for the policy head so the
    /// first actions are near the mean, 1 for the value head).
    Orthogonal { hidden_gain: f64, output_gain: f64 },
}

/// The number of values (weights and biases) of `a`'s layers: a population learner's vector length.
pub fn n_params(a: &Actor) -> usize {
    a.layers
        .iter()
        .map(|l| l.weight.len() + l.bias.as_ref().map_or(0, |b| b.len()))
        .sum()
}

/// `template` with the values `theta` (layer by layer, weight then bias), rounded to float32 as the
/// saved actor holds them, so what was evaluated is what is written.
pub fn actor_at(template: &Actor, theta: &[f64]) -> Actor {
    let mut a = template.clone();
    let mut it = theta.iter().map(|v| *v as f32 as f64);
    for l in &mut a.layers {
        l.weight.iter_mut().for_each(|w| *w = it.next().unwrap());
        if let Some(b) = &mut l.bias {
            b.iter_mut().for_each(|v| *v = it.next().unwrap());
        }
    }
    a
}

/// The architecture a population learner's settings describe (`hidden_sizes`, `activation`, `head`,
/// `bias`: the keys `es:` and `cma:` share) for an environment's spaces, initialised like PyTorch's
/// `nn.Linear`.
pub fn initial_actor(
    hidden_sizes: &[usize],
    activation: &str,
    head: &str,
    bias: bool,
    obs: &Space,
    act: &Space,
    rng: &mut NpRng,
) -> Result<Actor> {
    let mut sizes = vec![obs.size()];
    sizes.extend(hidden_sizes);
    sizes.push(act.size());
    let mut a = init_actor(&sizes, Init::TorchDefault, rng);
    let activation = Activation::parse(activation)?;
    a.activations = vec![activation; a.layers.len() - 1];
    let action_box = match act {
        Space::Box { low, high } => Some((&low[..], &high[..])),
        Space::Discrete { .. } => None,
    };
    a.head = Head::parse(head, action_box)?;
    if !bias {
        a.layers.iter_mut().for_each(|l| l.bias = None);
    }
    Ok(a)
}

/// A new float32 network `sizes[0] → … → sizes[n]`, its values drawn from `rng`.
pub fn init_actor(sizes: &[usize], init: Init, rng: &mut NpRng) -> Actor {
    let last = sizes.len() - 2;
    let layers = sizes
        .windows(2)
        .enumerate()
        .map(|(i, w)| {
            let (in_f, out_f) = (w[0], w[1]);
            let (weight, bias) = match init {
                Init::TorchDefault => {
                    let bound = 1.0 / (in_f as f64).sqrt();
                    let mut draw = |n: usize| -> Vec<f64> {
                        (0..n).map(|_| rng.uniform(-bound, bound)).collect()
                    };
                    let w = draw(out_f * in_f);
                    (w, draw(out_f))
                }
                Init::Orthogonal {
                    hidden_gain,
                    output_gain,
                } => {
                    let gain = if i == last { output_gain } else { hidden_gain };
                    (orthogonal(out_f, in_f, gain, rng), vec![0.0; out_f])
                }
            };
            let f32r = |v: Vec<f64>| v.into_iter().map(|x| x as f32 as f64).collect();
            Linear {
                in_features: in_f,
                out_features: out_f,
                weight: f32r(weight),
                bias: Some(f32r(bias)),
            }
        })
        .collect();
    Actor::new(layers, Dtype::F32)
}

/// A standard normal draw (Box–Muller; `1 − random()` is in (0, 1], so the logarithm is finite).
pub fn standard_normal(rng: &mut NpRng) -> f64 {
    let u1 = 1.0 - rng.random();
    let u2 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

/// A `rows × cols` matrix (row-major) with orthonormal rows or columns, whichever are fewer, times
/// `gain`: Gram–Schmidt on a Gaussian matrix, which is the Q of its QR decomposition with R's diagonal
/// made positive, as `torch.nn.init.orthogonal_` does.
fn orthogonal(rows: usize, cols: usize, gain: f64, rng: &mut NpRng) -> Vec<f64> {
    // Orthonormalise the shorter side's vectors, each of the longer side's length.
    let (n, len) = if rows >= cols {
        (cols, rows)
    } else {
        (rows, cols)
    };
    let mut vs: Vec<Vec<f64>> = (0..n)
        .map(|_| (0..len).map(|_| standard_normal(rng)).collect())
        .collect();
    for i in 0..n {
        // Twice, for orthogonality to working precision.
        for _ in 0..2 {
            for j in 0..i {
                let d: f64 = vs[i].iter().zip(&vs[j]).map(|(a, b)| a * b).sum();
                let (head, tail) = vs.split_at_mut(i);
                for (a, b) in tail[0].iter_mut().zip(&head[j]) {
                    *a -= d * b;
                }
            }
        }
        let norm = vs[i].iter().map(|a| a * a).sum::<f64>().sqrt();
        vs[i].iter_mut().for_each(|a| *a /= norm);
    }
    let mut m = vec![0.0; rows * cols];
    for (k, v) in vs.iter().enumerate() {
        for (l, &x) in v.iter().enumerate() {
            // Tall matrices hold the vectors as columns, wide ones as rows.
            let (r, c) = if rows >= cols { (l, k) } else { (k, l) };
            m[r * cols + c] = gain * x;
        }
    }
    m
}

/// PyTorch's Adam (`torch.optim.Adam`, no weight decay, no AMSGrad) over the flat parameters, run in
/// plain Rust on the host: one pass over a vector beats the dozen libtorch calls (each a pass of its
/// own) that the same update costs as tensor operations. Element by element it is PyTorch's float32
/// arithmetic: `m.lerp_(g, 1 − β1)`, `v·β2 + (1 − β2)·g²`, `p − lr/bc1 · m / (√v/√bc2 + ε)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Adam {
    pub m: Vec<f32>,
    pub v: Vec<f32>,
    pub steps: u64,
    pub beta1: f64,
    pub beta2: f64,
    pub eps: f64,
    /// Host copies of the parameters and the gradient, reused across steps.
    p: Vec<f32>,
    g: Vec<f32>,
}

impl Adam {
    pub fn new(params: &Params) -> Adam {
        Adam {
            m: vec![0.0; params.len],
            v: vec![0.0; params.len],
            steps: 0,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            p: vec![0.0; params.len],
            g: vec![0.0; params.len],
        }
    }

    /// One step with the gradient in `params.flat.grad()`, first scaled so that its global L2 norm is
    /// at most `max_grad_norm` when one is given (`clip_grad_norm_`'s rule: `max / (norm + 1e-6)`,
    /// capped at 1).
    pub fn step(&mut self, params: &mut Params, lr: f64, max_grad_norm: Option<f64>) {
        self.steps += 1;
        let n = params.len;
        let grad = params.flat.grad();
        grad.to_device(Device::Cpu).copy_data(&mut self.g, n);
        params
            .flat
            .detach()
            .to_device(Device::Cpu)
            .copy_data(&mut self.p, n);
        if let Some(max) = max_grad_norm {
            let coef = (max / (l2_norm(&self.g) + 1e-6)).min(1.0) as f32;
            if coef < 1.0 {
                self.g.iter_mut().for_each(|x| *x *= coef);
            }
        }
        let bc1 = 1.0 - self.beta1.powi(self.steps as i32);
        let bc2 = 1.0 - self.beta2.powi(self.steps as i32);
        let k = AdamConsts {
            w1: (1.0 - self.beta1) as f32,
            b2: self.beta2 as f32,
            w2: (1.0 - self.beta2) as f32,
            step_size: (lr / bc1) as f32,
            bc2_sqrt: bc2.sqrt() as f32,
            eps: self.eps as f32,
        };
        // Fixed-width chunks, so the compiler vectorises the square roots and divisions.
        let mut p = self.p.chunks_exact_mut(8);
        let mut m = self.m.chunks_exact_mut(8);
        let mut v = self.v.chunks_exact_mut(8);
        let mut g = self.g.chunks_exact(8);
        for (((p, m), v), g) in (&mut p).zip(&mut m).zip(&mut v).zip(&mut g) {
            for i in 0..8 {
                k.update(&mut p[i], &mut m[i], &mut v[i], g[i]);
            }
        }
        let rest = p
            .into_remainder()
            .iter_mut()
            .zip(m.into_remainder())
            .zip(v.into_remainder())
            .zip(g.remainder());
        for (((p, m), v), &g) in rest {
            k.update(p, m, v, g);
        }
        let t = Tensor::from_slice(&self.p).to_device(params.flat.device());
        tch::no_grad(|| {
            params.flat.copy_(&t);
        });
    }

    /// The optimiser state, for checkpoints: first and second moments, widened to f64 (exact).
    pub fn state(&self) -> (Vec<f64>, Vec<f64>) {
        let w = |x: &[f32]| x.iter().map(|&v| v as f64).collect();
        (w(&self.m), w(&self.v))
    }

    pub fn set_state(&mut self, m: &[f64], v: &[f64], steps: u64) {
        self.m = m.iter().map(|&x| x as f32).collect();
        self.v = v.iter().map(|&x| x as f32).collect();
        self.steps = steps;
    }
}

struct AdamConsts {
    w1: f32,
    b2: f32,
    w2: f32,
    step_size: f32,
    bc2_sqrt: f32,
    eps: f32,
}

impl AdamConsts {
    #[inline(always)]
    fn update(&self, p: &mut f32, m: &mut f32, v: &mut f32, g: f32) {
        *m += self.w1 * (g - *m);
        *v = *v * self.b2 + self.w2 * g * g;
        *p -= self.step_size * (*m / (v.sqrt() / self.bc2_sqrt + self.eps));
    }
}

/// The L2 norm, with eight partial sums in f64 (a single running sum would serialise the additions).
fn l2_norm(x: &[f32]) -> f64 {
    let mut acc = [0.0f64; 8];
    let c = x.chunks_exact(8);
    let rest: f64 = c.remainder().iter().map(|&v| (v as f64) * (v as f64)).sum();
    for ch in c {
        for i in 0..8 {
            acc[i] += (ch[i] as f64) * (ch[i] as f64);
        }
    }
    (acc.iter().sum::<f64>() + rest).sqrt()
}

/// Zero the gradient before a backward pass.
pub fn zero_grad(params: &mut Params) {
    params.flat.zero_grad();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthogonal_matrices_are_orthonormal_times_gain() {
        let mut rng = NpRng::from_seed(3);
        for (rows, cols) in [(8, 3), (3, 8), (5, 5)] {
            let m = orthogonal(rows, cols, 2.0, &mut rng);
            let n = rows.min(cols);
            for a in 0..n {
                for b in 0..n {
                    // Dot products of the shorter side's vectors.
                    let d: f64 = if rows >= cols {
                        (0..rows).map(|r| m[r * cols + a] * m[r * cols + b]).sum()
                    } else {
                        (0..cols).map(|c| m[a * cols + c] * m[b * cols + c]).sum()
                    };
                    let want = if a == b { 4.0 } else { 0.0 };
                    assert!((d - want).abs() < 1e-12, "{rows}x{cols} ({a},{b}): {d}");
                }
            }
        }
    }

    #[test]
    fn forward_matches_the_plain_rust_network() {
        let mut rng = NpRng::from_seed(1);
        let actor = init_actor(&[3, 16, 16, 2], Init::TorchDefault, &mut rng);
        let critic = init_actor(
            &[3, 8, 1],
            Init::Orthogonal {
                hidden_gain: 2f64.sqrt(),
                output_gain: 1.0,
            },
            &mut rng,
        );
        let p = Params::new(&actor, &critic, Some(&[0.5, -0.5]), Device::Cpu);
        assert_eq!(p.mlp(&p.actor), actor);
        assert_eq!(p.mlp(&p.critic), critic);
        assert_eq!(p.log_std_values().unwrap(), [0.5, -0.5]);
        let x = [0.3, -1.2, 2.0];
        let xt = Tensor::from_slice(&x.map(|v| v as f32)).view([1, 3]);
        for (net, mlp) in [(&p.actor, &actor), (&p.critic, &critic)] {
            let ours = tensor_values(&p.forward(net, &xt));
            let plain = mlp.forward(&x.map(|v| v as f32 as f64));
            for (a, b) in ours.iter().zip(&plain) {
                assert!((a - b).abs() < 1e-5, "{a} vs {b}");
            }
        }
    }

    /// The trainer's flat parameters compute what the plain-Rust actor computes, for every activation
    /// and head, with and without biases.
    #[test]
    fn flat_forward_matches_the_plain_actor_for_every_activation_and_head() {
        use crate::policy::{Activation, Head};
        let mut rng = NpRng::from_seed(3);
        let critic = init_actor(&[3, 8, 1], Init::TorchDefault, &mut rng);
        let heads = Head::every_kind(2);
        for act in Activation::EVERY_KIND {
            for head in &heads {
                let mut actor = init_actor(&[3, 16, 16, 2], Init::TorchDefault, &mut rng);
                actor.activations = vec![act, Activation::Tanh];
                actor.head = head.clone();
                actor.layers[0].bias = None;
                let p = Params::new(&actor, &critic, None, Device::Cpu);
                assert_eq!(p.mlp(&p.actor), actor);
                for x in [[0.3, -1.2, 2.0], [-2.0, 0.1, 0.7]] {
                    let xt = Tensor::from_slice(&x.map(|v| v as f32)).view([1, 3]);
                    let ours = tensor_values(&p.forward(&p.actor, &xt));
                    let plain = actor.forward(&x.map(|v| v as f32 as f64));
                    for (a, b) in ours.iter().zip(&plain) {
                        assert!((a - b).abs() < 1e-5, "{act:?} {head:?}: {a} vs {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn gradient_clipping_caps_the_norm_before_adam() {
        let mut rng = NpRng::from_seed(2);
        let actor = init_actor(&[2, 4, 1], Init::TorchDefault, &mut rng);
        let critic = init_actor(&[2, 4, 1], Init::TorchDefault, &mut rng);
        let mut p = Params::new(&actor, &critic, None, Device::Cpu);
        zero_grad(&mut p);
        let x = Tensor::from_slice(&[100f32, -100.0]).view([1, 2]);
        (p.forward(&p.actor, &x).sum(Kind::Float) * 1000.0).backward();
        let before = p.values();
        let mut adam = Adam::new(&p);
        // Adam's first step moves each parameter by lr·g/|g| ≈ lr whatever the scale, so look at the
        // clipped gradient through the first moment instead: m = (1 − β1)·g.
        adam.step(&mut p, 1e-3, Some(0.5));
        let norm = adam
            .m
            .iter()
            .map(|&m| (m as f64 / 0.1).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!((norm - 0.5).abs() < 1e-4, "{norm}");
        assert_ne!(p.values(), before);
    }
}
