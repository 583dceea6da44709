//! Policies: every learner's champion is an [`Actor`], and every stage of the safety pipeline takes
//! it as it is.
//!
//! An actor is `layer1 … layerN` `nn.Linear` layers (a bias each, or none), an activation after each
//! hidden layer, an output head, and optionally a mask of the connections that exist. PruVer's
//! `FeedForwardActorNN` is the default: ReLU, biases everywhere, and no head (a Gaussian's mean for
//! continuous actions; for discrete ones the softmax, which is monotone, so the deterministic action is
//! the argmax of the last layer and the softmax never needs computing). PPO's critic is the same layers
//! with one output. What the weights cannot say travels beside them (`arch.rs`).
//!
//! Rollouts run the plain-Rust forward pass of this module; libtorch (`torch.rs`) is for gradients.
//!
//! An actor file is a `.pth` state_dict (with its `.arch.json` when it has one), or a member of a
//! Synaptolysis elite population saved by NumPy (`.npy`, `npy.rs`).

pub mod arch;
pub mod fast;
pub mod nca;
pub mod npy;
pub mod pickle;
pub mod pth;
pub mod torch;

use std::path::Path;

use crate::env::{Action, Space};
use crate::error::{Error, Result};
pub use arch::{Activation, ArchFile, Head};
pub use pth::{Dtype, StateDict, Tensor};

/// One `nn.Linear`: `weight` is row-major `out_features × in_features`, as PyTorch stores it; `bias`
/// is `None` for `nn.Linear(bias=False)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    pub in_features: usize,
    pub out_features: usize,
    pub weight: Vec<f64>,
    pub bias: Option<Vec<f64>>,
}

impl Linear {
    /// `y = W x + b`, accumulated in f64.
    fn forward_into(&self, x: &[f64], y: &mut Vec<f64>) {
        y.clear();
        let rows = self.weight.chunks_exact(self.in_features);
        match &self.bias {
            Some(bias) => y.extend(rows.zip(bias).map(|(row, b)| dot(row, x) + b)),
            None => y.extend(rows.map(|row| dot(row, x))),
        }
    }
}

/// A dot product with eight independent partial sums, so the compiler can vectorise it (a single
/// running sum forces strictly sequential additions). The order is fixed, so results are reproducible.
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    let mut acc = [0.0f64; 8];
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    let mut sum = ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7]));
    for (x, y) in ra.iter().zip(rb) {
        sum += x * y;
    }
    sum
}

/// Which connections exist: per layer, one flag per weight (row-major `out × in`, like the weights),
/// `true` for kept. Pruning computes one; mask-learning networks (Synaptolysis) are one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    pub layers: Vec<Vec<bool>>,
}

impl Mask {
    /// The pruned (false) count per layer.
    pub fn pruned_counts(&self) -> Vec<usize> {
        self.layers
            .iter()
            .map(|l| l.iter().filter(|&&keep| !keep).count())
            .collect()
    }
}

/// A feed-forward policy network. `dtype` is the element type of the file it came from (or goes to);
/// values are held in f64, exactly, either way. Where `mask` drops a connection the weight is zero, so
/// the forward pass never reads the mask.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub layers: Vec<Linear>,
    /// The activation after each hidden layer (one fewer than the layers).
    pub activations: Vec<Activation>,
    pub head: Head,
    pub mask: Option<Mask>,
    /// An Elman network's context weights (`recurrent1.weight`, row-major `h × h`, h the first hidden
    /// layer's width): that layer reads its own previous output too, `act(W₁x + b₁ + R h₍ₜ₋₁₎)`, with
    /// h₀ = 0 at the start of every episode. The state lives in the [`Scratch`] a rollout steps with.
    pub recurrent: Option<Vec<f64>>,
    pub dtype: Dtype,
}

const PRUVER_LAYOUT: &str =
    "a PruVer FeedForwardActorNN state_dict: layer1.weight, layer1.bias, …, layerN.weight, layerN.bias";

impl Actor {
    /// PruVer's architecture over `layers`: ReLU between them, no head, no mask.
    pub fn new(layers: Vec<Linear>, dtype: Dtype) -> Actor {
        let activations = vec![Activation::Relu; layers.len().saturating_sub(1)];
        Actor {
            layers,
            activations,
            head: Head::Identity,
            mask: None,
            recurrent: None,
            dtype,
        }
    }

    /// Whether the actor carries a state from step to step (an Elman network): its actions depend on
    /// the episode so far, so it must be stepped from the episode's start with one [`Scratch`].
    pub fn is_recurrent(&self) -> bool {
        self.recurrent.is_some()
    }

    /// Whether the actor is PruVer's `FeedForwardActorNN` (ReLU, biases, no head, no mask): such an
    /// actor is its state_dict alone, and no architecture file is written for it.
    pub fn is_pruver_layout(&self) -> bool {
        self.activations.iter().all(|a| *a == Activation::Relu)
            && self.layers.iter().all(|l| l.bias.is_some())
            && self.head == Head::Identity
            && self.mask.is_none()
            && self.recurrent.is_none()
    }

    /// Build from a state_dict in PruVer's layout: exactly `layer1.weight, layer1.bias, …,
    /// layerN.bias`, checking that the shapes chain and that every value is finite. `path` is only used
    /// in error messages.
    pub fn from_state_dict(sd: &StateDict, path: &Path) -> Result<Actor> {
        Self::from_parts(sd, None, path)
    }

    /// Build from a state_dict and, when the actor has one, its architecture file (`arch`), which says
    /// which layers have biases, the activations, the head and the mask.
    pub fn from_parts(sd: &StateDict, arch: Option<&ArchFile>, path: &Path) -> Result<Actor> {
        let bad = |reason: String| Error::Network {
            path: path.to_path_buf(),
            reason,
        };
        let expected = match arch {
            None => PRUVER_LAYOUT.to_string(),
            Some(a) => format!(
                "layer1 … layer{} as its architecture file {} describes",
                a.bias.len(),
                arch::sidecar(path).display()
            ),
        };
        if sd.entries.is_empty() {
            return Err(bad(format!("the state_dict is empty; expected {expected}")));
        }
        // Every key must be `layer<n>.weight` or `layer<n>.bias`; the depth is the largest n.
        let mut n_layers = 0;
        for (name, _) in &sd.entries {
            if name == RECURRENT_KEY {
                continue;
            }
            let n = name
                .strip_prefix("layer")
                .and_then(|r| {
                    r.strip_suffix(".weight")
                        .or_else(|| r.strip_suffix(".bias"))
                })
                .and_then(|n| n.parse::<usize>().ok())
                .filter(|&n| n >= 1 && n <= sd.entries.len());
            match n {
                Some(n) => n_layers = n_layers.max(n),
                None => {
                    let keys: Vec<&str> = sd.entries.iter().map(|(n, _)| n.as_str()).collect();
                    return Err(bad(format!(
                        "unexpected key `{name}` (keys: {}); expected {expected}",
                        keys.join(", ")
                    )));
                }
            }
        }
        if let Some(a) = arch {
            if a.bias.len() != n_layers {
                return Err(bad(format!(
                    "the state_dict has {n_layers} layers but its architecture file {} describes {}",
                    arch::sidecar(path).display(),
                    a.bias.len()
                )));
            }
        }
        let mut layers: Vec<Linear> = Vec::with_capacity(n_layers);
        let mut dtype = None;
        for i in 1..=n_layers {
            let get = |suffix: &str| {
                let key = format!("layer{i}.{suffix}");
                sd.get(&key)
                    .ok_or_else(|| bad(format!("missing `{key}`; expected {expected}")))
            };
            let w = get("weight")?;
            let b = match arch.map(|a| a.bias[i - 1]) {
                None | Some(true) => Some(get("bias")?),
                Some(false) => {
                    if sd.get(&format!("layer{i}.bias")).is_some() {
                        return Err(bad(format!(
                            "layer{i}.bias is present, but the architecture file {} says layer{i} \
                             has no bias",
                            arch::sidecar(path).display()
                        )));
                    }
                    None
                }
            };
            let (out_f, in_f) = match w.shape[..] {
                [o, i] if o > 0 && i > 0 => (o, i),
                _ => {
                    return Err(bad(format!(
                        "layer{i}.weight has shape {:?}; expected [out_features, in_features]",
                        w.shape
                    )))
                }
            };
            if let Some(b) = b {
                if b.shape != [out_f] {
                    return Err(bad(format!(
                        "layer{i}.bias has shape {:?}; expected [{out_f}] to match layer{i}.weight {:?}",
                        b.shape, w.shape
                    )));
                }
            }
            if let Some(prev) = layers.last() {
                if prev.out_features != in_f {
                    return Err(bad(format!(
                        "layer{i}.weight {:?} takes {in_f} inputs but layer{} gives {}",
                        w.shape,
                        i - 1,
                        prev.out_features
                    )));
                }
            }
            for (t, what) in [(Some(w), "weight"), (b, "bias")] {
                let Some(t) = t else { continue };
                if dtype.is_some_and(|d| d != t.dtype) {
                    return Err(bad(format!(
                        "layer{i}.{what} is {:?} but earlier tensors are {:?}; mixed dtypes are not supported",
                        t.dtype,
                        dtype.unwrap()
                    )));
                }
                dtype = Some(t.dtype);
                if let Some(pos) = t.data.iter().position(|v| !v.is_finite()) {
                    return Err(bad(format!(
                        "layer{i}.{what} holds a non-finite value ({}) at flat index {pos}",
                        t.data[pos]
                    )));
                }
            }
            layers.push(Linear {
                in_features: in_f,
                out_features: out_f,
                weight: w.data.clone(),
                bias: b.map(|b| b.data.clone()),
            });
        }
        let mut actor = Actor::new(layers, dtype.unwrap_or(Dtype::F32));
        if let Some(r) = sd.get(RECURRENT_KEY) {
            let h = actor.layers[0].out_features;
            if actor.layers.len() < 2 || r.shape != [h, h] {
                return Err(bad(format!(
                    "{RECURRENT_KEY} has shape {:?}; an Elman actor's context weights are [h, h], h the \
                     first hidden layer's width ({}), and the network needs a hidden layer",
                    r.shape,
                    if actor.layers.len() < 2 {
                        "none here".to_string()
                    } else {
                        h.to_string()
                    }
                )));
            }
            if dtype.is_some_and(|d| d != r.dtype) {
                return Err(bad(format!(
                    "{RECURRENT_KEY} is {:?} but the layers are {:?}; mixed dtypes are not supported",
                    r.dtype,
                    dtype.unwrap()
                )));
            }
            if let Some(pos) = r.data.iter().position(|v| !v.is_finite()) {
                return Err(bad(format!(
                    "{RECURRENT_KEY} holds a non-finite value ({}) at flat index {pos}",
                    r.data[pos]
                )));
            }
            actor.recurrent = Some(r.data.clone());
        }
        if let Some(a) = arch {
            actor.apply_arch(a, path)?;
        }
        Ok(actor)
    }

    /// Take the activations, head and mask of `a`, checking them against the layers.
    fn apply_arch(&mut self, a: &ArchFile, path: &Path) -> Result<()> {
        let file = arch::sidecar(path);
        let bad = |reason: String| Error::Config {
            path: file.clone(),
            reason,
        };
        if a.sizes != self.sizes() {
            return Err(bad(format!(
                "sizes {:?}, but the weights in {} are {}",
                a.sizes,
                path.display(),
                self.shape_string()
            )));
        }
        if a.activations.len() + 1 != self.layers.len() {
            return Err(bad(format!(
                "{} activations for {} layers; expected one per hidden layer ({})",
                a.activations.len(),
                self.layers.len(),
                self.layers.len() - 1
            )));
        }
        if let Head::Clip { low, high } = &a.head {
            let n = self.output_dim();
            if low.len() != n || high.len() != n || low.iter().zip(high).any(|(l, h)| l > h) {
                return Err(bad(format!(
                    "the clip head needs {n} lows and {n} highs with low ≤ high (one per output)"
                )));
            }
        }
        if a.recurrent != self.is_recurrent() {
            return Err(bad(format!(
                "`recurrent` is {}, but the weights in {} {} {RECURRENT_KEY}",
                a.recurrent,
                path.display(),
                if self.is_recurrent() {
                    "hold"
                } else {
                    "have no"
                }
            )));
        }
        self.activations = a.activations.clone();
        self.head = a.head.clone();
        if let Some(strings) = &a.mask {
            if strings.len() != self.layers.len() {
                return Err(bad(format!(
                    "the mask has {} layers; expected {}",
                    strings.len(),
                    self.layers.len()
                )));
            }
            let mut layers = Vec::with_capacity(strings.len());
            for (i, (s, l)) in strings.iter().zip(&self.layers).enumerate() {
                let n = l.in_features * l.out_features;
                let keep: Option<Vec<bool>> = s
                    .bytes()
                    .map(|c| match c {
                        b'1' => Some(true),
                        b'0' => Some(false),
                        _ => None,
                    })
                    .collect();
                let keep = keep.filter(|k| k.len() == n).ok_or_else(|| {
                    bad(format!(
                        "mask of layer{} must be {n} characters of 0 and 1 (out × in, row-major)",
                        i + 1
                    ))
                })?;
                if let Some(pos) = keep
                    .iter()
                    .zip(&l.weight)
                    .position(|(k, w)| !k && *w != 0.0)
                {
                    return Err(bad(format!(
                        "layer{}.weight holds {} at flat index {pos}, where the mask removes the \
                         connection",
                        i + 1,
                        l.weight[pos]
                    )));
                }
                layers.push(keep);
            }
            self.mask = Some(Mask { layers });
        }
        Ok(())
    }

    /// This actor with only the connections `mask` keeps: the others' weights become zero.
    pub fn masked(mut self, mask: Mask) -> Actor {
        self.zero_dropped(&mask);
        self.mask = Some(mask);
        self
    }

    /// Zero the weights `mask` drops (biases untouched), without recording the mask: what pruning
    /// does, so a pruned PruVer actor stays PruVer's layout.
    pub fn zero_dropped(&mut self, mask: &Mask) {
        for (layer, keep) in self.layers.iter_mut().zip(&mask.layers) {
            for (w, &k) in layer.weight.iter_mut().zip(keep) {
                if !k {
                    *w = 0.0;
                }
            }
        }
    }

    /// The architecture file of this actor (what the state_dict does not say).
    pub fn arch_file(&self) -> ArchFile {
        ArchFile {
            format: arch::FORMAT.into(),
            sizes: self.sizes(),
            bias: self.layers.iter().map(|l| l.bias.is_some()).collect(),
            activations: self.activations.clone(),
            head: self.head.clone(),
            recurrent: self.is_recurrent(),
            mask: self.mask.as_ref().map(|m| {
                m.layers
                    .iter()
                    .map(|l| l.iter().map(|&k| if k { '1' } else { '0' }).collect())
                    .collect()
            }),
        }
    }

    /// The state_dict PyTorch's `load_state_dict` expects, in PyTorch's key order.
    pub fn to_state_dict(&self) -> StateDict {
        let mut entries = Vec::with_capacity(2 * self.layers.len());
        for (i, l) in self.layers.iter().enumerate() {
            let n = i + 1;
            entries.push((
                format!("layer{n}.weight"),
                Tensor {
                    shape: vec![l.out_features, l.in_features],
                    dtype: self.dtype,
                    data: l.weight.clone(),
                },
            ));
            if let Some(bias) = &l.bias {
                entries.push((
                    format!("layer{n}.bias"),
                    Tensor {
                        shape: vec![l.out_features],
                        dtype: self.dtype,
                        data: bias.clone(),
                    },
                ));
            }
        }
        if let Some(r) = &self.recurrent {
            let h = self.layers[0].out_features;
            entries.push((
                RECURRENT_KEY.to_string(),
                Tensor {
                    shape: vec![h, h],
                    dtype: self.dtype,
                    data: r.clone(),
                },
            ));
        }
        StateDict { entries }
    }

    /// Read an actor from a `.pth` file written by `torch.save(model.state_dict(), path)`, with its
    /// architecture file when one lies beside it; or, from a `.npy` elite population, its member 0 (the
    /// all-time best) with a tanh head (see [`Actor::load_elite`]).
    pub fn load(path: &Path) -> Result<Actor> {
        Actor::load_elite(path, None, None)
    }

    /// Read the actor at `path`: a `.pth` as [`Actor::load`] does, or member `elite` (default 0, the
    /// all-time best) of a `.npy` elite population ([`npy::actor_from_member`]). For an elite,
    /// `actions` (when known) chooses the head as its authors act: the argmax for discrete actions,
    /// tanh otherwise. An `elite` index for a `.pth` file, or one beyond the population, is a usage
    /// error.
    pub fn load_elite(path: &Path, elite: Option<usize>, actions: Option<&Space>) -> Result<Actor> {
        if crate::policy::nca::authors::is_run(path) {
            if let Some(k) = elite {
                return Err(Error::Usage(format!(
                    "--elite {k} chooses a member of a .npy elite population, but {} is a HyperNCA \
                     run",
                    path.display()
                )));
            }
            return crate::policy::nca::load_run_actor(path);
        }
        if !is_npy(path) {
            if let Some(k) = elite {
                return Err(Error::Usage(format!(
                    "--elite {k} chooses a member of a .npy elite population, but {} is not a .npy \
                     file",
                    path.display()
                )));
            }
            return Actor::load_pth(path);
        }
        let k = elite.unwrap_or(0);
        let pop = npy::read_population(path)?;
        let member = pop.get(k).ok_or_else(|| {
            Error::Usage(format!(
                "{}: --elite {k} is out of range: the population holds {} members (0 … {})",
                path.display(),
                pop.len(),
                pop.len().saturating_sub(1)
            ))
        })?;
        let mut actor = npy::actor_from_member(member, path).map_err(|e| match e {
            Error::Network { path, reason } => Error::Network {
                path,
                reason: format!("elite {k}: {reason}"),
            },
            e => e,
        })?;
        if actions.is_some_and(Space::is_discrete) {
            actor.head = Head::Argmax;
        }
        Ok(actor)
    }

    fn load_pth(path: &Path) -> Result<Actor> {
        let sd = pth::read(path)?;
        let side = arch::sidecar(path);
        let arch = if side.is_file() {
            Some(ArchFile::load(&side)?)
        } else {
            None
        };
        Actor::from_parts(&sd, arch.as_ref(), path)
    }

    /// Write the actor as a `.pth` state_dict (atomically) that PyTorch loads with `load_state_dict`,
    /// and its architecture file beside it unless it is PruVer's layout (then a stale one is removed,
    /// so the pair always describes one network).
    pub fn save(&self, path: &Path) -> Result<()> {
        // What we would refuse to read is never written (a diverged training's NaNs, for one).
        for (i, l) in self.layers.iter().enumerate() {
            let params = [("weight", Some(&l.weight)), ("bias", l.bias.as_ref())];
            for (what, values) in params {
                let bad = values.and_then(|v| v.iter().position(|x| !x.is_finite()));
                if let (Some(at), Some(v)) = (bad, values) {
                    return Err(Error::Invalid(format!(
                        "{}: not written: layer{}.{what} holds {} at flat index {at} (a training \
                         that diverged?); the file is left as it was",
                        path.display(),
                        i + 1,
                        v[at]
                    )));
                }
            }
        }
        let side = arch::sidecar(path);
        if self.is_pruver_layout() {
            match std::fs::remove_file(&side) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error::io(&side, e)),
            }
        } else {
            crate::fsutil::write_atomic(&side, self.arch_file().to_json().as_bytes())?;
        }
        pth::write(path, &self.to_state_dict())
    }

    /// The layer sizes, input first (e.g. `[4, 128, 128, 2]`).
    pub fn sizes(&self) -> Vec<usize> {
        let mut s = vec![self.input_dim()];
        s.extend(self.layers.iter().map(|l| l.out_features));
        s
    }

    /// The layer sizes, e.g. `4→128→128→2`; an Elman actor's recurrent layer is marked `↺`
    /// (`3→1↺→1`).
    pub fn shape_string(&self) -> String {
        let mut s = self.input_dim().to_string();
        for (i, l) in self.layers.iter().enumerate() {
            s += &format!("→{}", l.out_features);
            if i == 0 && self.is_recurrent() {
                s += "↺";
            }
        }
        s
    }

    pub fn input_dim(&self) -> usize {
        self.layers[0].in_features
    }

    pub fn output_dim(&self) -> usize {
        self.layers.last().map_or(0, |l| l.out_features)
    }

    /// Widths of the hidden layers, e.g. `[128, 128]`.
    pub fn hidden_widths(&self) -> Vec<usize> {
        let n = self.layers.len();
        self.layers[..n - 1]
            .iter()
            .map(|l| l.out_features)
            .collect()
    }

    /// Check that the network maps the environment's observations to its actions (one output per
    /// discrete action, or one per action dimension), with a head that suits the action space. The error
    /// names both shapes.
    pub fn check_fits(&self, obs: &Space, act: &Space, env_id: &str, path: &Path) -> Result<()> {
        let (want_in, want_out) = (obs.size(), act.size());
        if self.input_dim() != want_in || self.output_dim() != want_out {
            return Err(Error::Network {
                path: path.to_path_buf(),
                reason: format!(
                    "the network maps {} inputs to {} outputs (shape {}), but {env_id} needs {want_in} \
                     inputs, one per observation component, and {want_out} outputs, {}",
                    self.input_dim(),
                    self.output_dim(),
                    self.shape_string(),
                    if act.is_discrete() {
                        "one per discrete action"
                    } else {
                        "one per action component"
                    }
                ),
            });
        }
        let suits = match &self.head {
            Head::Identity => true,
            h => h.is_discrete() == act.is_discrete(),
        };
        if !suits {
            return Err(Error::Network {
                path: path.to_path_buf(),
                reason: format!(
                    "the actor's `{}` head does not suit {env_id}'s {} actions",
                    self.head.name(),
                    if act.is_discrete() {
                        "discrete"
                    } else {
                        "continuous"
                    }
                ),
            });
        }
        Ok(())
    }

    /// The network's output for one input.
    pub fn forward(&self, x: &[f64]) -> Vec<f64> {
        let mut scratch = Scratch::default();
        self.forward_with(x, &mut scratch).to_vec()
    }

    /// The forward pass with reusable buffers: no allocation once they have grown.
    pub fn forward_with<'s>(&self, x: &[f64], s: &'s mut Scratch) -> &'s [f64] {
        self.forward_latent_with(x, s).0
    }

    /// The forward pass, with what the output layer read: the last hidden layer's activations (the
    /// input itself for a single-layer network). gSDE's noise is a function of these.
    ///
    /// A recurrent actor reads its previous hidden output from `s` and leaves the new one there: one
    /// `Scratch` per episode, stepped in order (a new one, or [`Scratch::reset`], starts from h = 0).
    pub fn forward_latent_with<'s>(&self, x: &[f64], s: &'s mut Scratch) -> (&'s [f64], &'s [f64]) {
        s.a.clear();
        s.a.extend_from_slice(x);
        for (i, layer) in self.layers.iter().enumerate() {
            layer.forward_into(&s.a, &mut s.b);
            if let (0, Some(r)) = (i, &self.recurrent) {
                // (W x + b) + R h, PyTorch's `layer1(x) + recurrent1(h)`.
                let h = layer.out_features;
                if s.h.len() != h {
                    s.h.clear();
                    s.h.resize(h, 0.0);
                }
                for (v, row) in s.b.iter_mut().zip(r.chunks_exact(h)) {
                    *v += dot(row, &s.h);
                }
            }
            match self.activations.get(i) {
                Some(&a) => s.b.iter_mut().for_each(|v| *v = a.apply(*v)),
                None => self.head.apply(&mut s.b),
            }
            if i == 0 && self.recurrent.is_some() {
                s.h.clear();
                s.h.extend_from_slice(&s.b);
            }
            std::mem::swap(&mut s.a, &mut s.b);
        }
        (&s.a, &s.b)
    }

    /// The deterministic action: the output for boxes (the Gaussian's mean, after the head), the argmax
    /// (first on ties, as `torch.argmax`) for discrete spaces.
    pub fn act_with(&self, obs: &[f64], space: &Space, s: &mut Scratch) -> Action {
        let out = self.forward_with(obs, s);
        match space {
            Space::Discrete { .. } => Action::Discrete(argmax(out)),
            Space::Box { .. } => Action::Continuous(out.to_vec()),
        }
    }
}

/// Whether `path` names a NumPy file (`.npy`, any case): an elite population rather than a `.pth`.
pub fn is_npy(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("npy"))
}

/// The stem that names what is made from the actor at `path` (pruned actors, failures, figures): the
/// file's stem, and for a `.npy` elite population the member too (`elites_elite1`), so members never
/// share an output.
pub fn actor_stem(path: &Path, elite: Option<usize>) -> String {
    if crate::policy::nca::authors::is_run(path) {
        return crate::policy::nca::run_stem(path);
    }
    let stem = path
        .file_stem()
        .map_or_else(|| "actor".into(), |s| s.to_string_lossy().into_owned());
    if is_npy(path) {
        format!("{stem}_elite{}", elite.unwrap_or(0))
    } else {
        stem
    }
}

/// The actor at `path` as reports name it: the path, and for an elite population the member
/// (`elites.npy[1]`).
pub fn actor_label(path: &Path, elite: Option<usize>) -> String {
    if is_npy(path) && !crate::policy::nca::authors::is_run(path) {
        format!("{}[{}]", path.display(), elite.unwrap_or(0))
    } else {
        path.display().to_string()
    }
}

/// The state_dict key of an Elman actor's context weights.
pub const RECURRENT_KEY: &str = "recurrent1.weight";

/// Buffers for [`Actor::forward_with`], and a recurrent actor's state between steps.
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    a: Vec<f64>,
    b: Vec<f64>,
    /// The recurrent layer's previous output (empty: zeros, the start of an episode).
    h: Vec<f64>,
}

impl Scratch {
    /// Forget a recurrent actor's state: the next step is the first of an episode.
    pub fn reset(&mut self) {
        self.h.clear();
    }

    /// A recurrent actor's state (its hidden layer's last output; empty before the first step).
    pub fn state(&self) -> &[f64] {
        &self.h
    }
}

pub(crate) fn argmax(v: &[f64]) -> usize {
    let mut best = 0;
    for (i, x) in v.iter().enumerate() {
        if *x > v[best] {
            best = i;
        }
    }
    best
}

/// Deterministic random networks for tests, initialised like PyTorch's `nn.Linear`
/// (U(−1/√in, 1/√in)) and rounded to the dtype.
#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn random_actor(sizes: &[usize], dtype: Dtype, seed: u64) -> Actor {
        let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = move || {
            // splitmix64
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        };
        let round = |v: f64| match dtype {
            Dtype::F32 => v as f32 as f64,
            Dtype::F64 => v,
        };
        let layers = sizes
            .windows(2)
            .map(|w| {
                let bound = 1.0 / (w[0] as f64).sqrt();
                let mut draw = |n: usize| -> Vec<f64> {
                    (0..n)
                        .map(|_| round((2.0 * next() - 1.0) * bound))
                        .collect()
                };
                Linear {
                    in_features: w[0],
                    out_features: w[1],
                    weight: draw(w[0] * w[1]),
                    bias: Some(draw(w[1])),
                }
            })
            .collect();
        Actor::new(layers, dtype)
    }

    /// [`random_actor`] with tanh units and Elman context weights on its first hidden layer.
    pub fn random_elman(sizes: &[usize], dtype: Dtype, seed: u64) -> Actor {
        let mut a = random_actor(sizes, dtype, seed);
        a.activations = vec![Activation::Tanh; a.layers.len() - 1];
        let h = a.layers[0].out_features;
        let r = random_actor(&[h, h], dtype, seed + 1000);
        a.recurrent = Some(r.layers[0].weight.iter().map(|w| w * 2.0).collect());
        a
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::random_actor;
    use super::*;

    fn err_of(sd: &StateDict) -> String {
        Actor::from_state_dict(sd, Path::new("a.pth"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn state_dict_round_trip_keeps_pytorch_key_order() {
        let mlp = random_actor(&[4, 8, 8, 2], Dtype::F32, 1);
        let sd = mlp.to_state_dict();
        let keys: Vec<&str> = sd.entries.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            [
                "layer1.weight",
                "layer1.bias",
                "layer2.weight",
                "layer2.bias",
                "layer3.weight",
                "layer3.bias"
            ]
        );
        assert_eq!(
            Actor::from_state_dict(&sd, Path::new("a.pth")).unwrap(),
            mlp
        );
        assert_eq!(mlp.hidden_widths(), [8, 8]);
    }

    #[test]
    fn wrong_keys_are_named() {
        let mut sd = random_actor(&[4, 8, 2], Dtype::F32, 1).to_state_dict();
        sd.entries[0].0 = "fc1.weight".into();
        let e = err_of(&sd);
        assert!(
            e.contains("unexpected key `fc1.weight`") && e.contains("a.pth"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_layer_is_named() {
        let mut sd = random_actor(&[4, 8, 8, 2], Dtype::F32, 1).to_state_dict();
        sd.entries.retain(|(k, _)| !k.starts_with("layer2"));
        let e = err_of(&sd);
        assert!(e.contains("missing `layer2.weight`"), "{e}");
        let mut sd = random_actor(&[4, 8, 8, 2], Dtype::F32, 1).to_state_dict();
        sd.entries.pop();
        assert!(err_of(&sd).contains("missing `layer3.bias`"));
    }

    #[test]
    fn non_finite_weights_are_rejected() {
        for bad in [f64::NAN, f64::INFINITY] {
            let mut sd = random_actor(&[4, 8, 2], Dtype::F32, 1).to_state_dict();
            sd.entries[2].1.data[5] = bad;
            let e = err_of(&sd);
            assert!(
                e.contains("layer2.weight") && e.contains("non-finite"),
                "{e}"
            );
        }
    }

    #[test]
    fn non_finite_weights_are_never_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.pth");
        let mut a = random_actor(&[4, 8, 2], Dtype::F32, 1);
        a.save(&path).unwrap();
        let before = std::fs::read(&path).unwrap();
        a.layers[1].bias.as_mut().unwrap()[1] = f64::NAN;
        let e = a.save(&path).unwrap_err().to_string();
        assert!(
            e.contains("not written: layer2.bias holds NaN at flat index 1"),
            "{e}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), before);
    }

    #[test]
    fn shapes_must_chain() {
        let mut sd = random_actor(&[4, 8, 2], Dtype::F32, 1).to_state_dict();
        sd.entries[2].1.shape = vec![4, 4];
        sd.entries[2].1.data.truncate(16);
        sd.entries[3].1.shape = vec![4];
        sd.entries[3].1.data.truncate(4);
        let e = err_of(&sd);
        assert!(e.contains("takes 4 inputs but layer1 gives 8"), "{e}");
    }

    #[test]
    fn the_environment_shapes_are_checked() {
        let mlp = random_actor(&[4, 8, 2], Dtype::F32, 1);
        let obs = Space::Box {
            low: vec![0.0; 3],
            high: vec![1.0; 3],
        };
        let act = Space::Box {
            low: vec![-2.0],
            high: vec![2.0],
        };
        let e = mlp
            .check_fits(&obs, &act, "Pendulum-v1", Path::new("a.pth"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("maps 4 inputs to 2 outputs (shape 4→8→2)")
                && e.contains("Pendulum-v1 needs 3 inputs")
                && e.contains("and 1 outputs, one per action component"),
            "{e}"
        );
    }

    #[test]
    fn a_recurrent_actor_round_trips_and_bad_context_weights_are_named() {
        let a = super::test_support::random_elman(&[4, 3, 1], Dtype::F32, 2);
        assert!(!a.is_pruver_layout() && a.arch_file().recurrent);
        let sd = a.to_state_dict();
        assert_eq!(sd.entries.last().unwrap().0, RECURRENT_KEY);
        let back = Actor::from_parts(&sd, Some(&a.arch_file()), Path::new("a.pth")).unwrap();
        assert_eq!(back, a);
        // The architecture file and the weights must agree.
        let mut arch = a.arch_file();
        arch.recurrent = false;
        let e = Actor::from_parts(&sd, Some(&arch), Path::new("a.pth"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("`recurrent` is false"), "{e}");
        let mut sd2 = sd.clone();
        let last = sd2.entries.last_mut().unwrap();
        last.1.shape = vec![1, 9];
        let e = err_of(&sd2);
        assert!(e.contains("recurrent1.weight has shape [1, 9]"), "{e}");
        let mut sd3 = sd;
        sd3.entries.last_mut().unwrap().1.data[4] = f64::NAN;
        assert!(err_of(&sd3).contains("non-finite"));
    }

    #[test]
    fn discrete_actions_are_the_first_argmax() {
        assert_eq!(argmax(&[0.1, 0.5, 0.5, -1.0]), 1);
        assert_eq!(argmax(&[2.0, 1.0]), 0);
    }
}
