//! Policies: PruVer's `FeedForwardActorNN` / `FeedForwardCriticNN` as plain weights.
//!
//! A network is `layer1 … layerN` `nn.Linear` layers with ReLU between them. Discrete environments put a
//! softmax on the last layer of the actor; since softmax is monotone, the deterministic action is the
//! argmax of the last layer and the softmax never needs computing here. Rollouts run the plain-Rust
//! forward pass of this module; libtorch (`torch.rs`) is for gradients.

pub mod pickle;
pub mod pth;
pub mod torch;

use std::path::Path;

use crate::env::{Action, Space};
use crate::error::{Error, Result};
pub use pth::{Dtype, StateDict, Tensor};

/// One `nn.Linear`: `weight` is row-major `out_features × in_features`, as PyTorch stores it.
#[derive(Debug, Clone, PartialEq)]
pub struct Linear {
    pub in_features: usize,
    pub out_features: usize,
    pub weight: Vec<f64>,
    pub bias: Vec<f64>,
}

impl Linear {
    /// `y = W x + b`, accumulated in f64.
    fn forward_into(&self, x: &[f64], y: &mut Vec<f64>) {
        y.clear();
        y.extend(
            self.weight
                .chunks_exact(self.in_features)
                .zip(&self.bias)
                .map(|(row, b)| dot(row, x) + b),
        );
    }
}

/// A dot product with eight independent partial sums, so the compiler can vectorise it (a single
/// running sum forces strictly sequential additions). The order is fixed, so results are reproducible.
fn dot(a: &[f64], b: &[f64]) -> f64 {
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

/// A feed-forward network in PruVer's layout. `dtype` is the element type of the file it came from (or
/// goes to); values are held in f64, exactly, either way.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    pub layers: Vec<Linear>,
    pub dtype: Dtype,
}

impl Mlp {
    /// Build from a state_dict holding exactly `layer1.weight, layer1.bias, …, layerN.bias`, checking that
    /// the shapes chain and that every value is finite. `path` is only used in error messages.
    pub fn from_state_dict(sd: &StateDict, path: &Path) -> Result<Mlp> {
        let bad = |reason: String| Error::Network {
            path: path.to_path_buf(),
            reason,
        };
        let expected = "a PruVer FeedForwardActorNN state_dict: layer1.weight, layer1.bias, …, layerN.weight, layerN.bias";
        if sd.entries.is_empty() {
            return Err(bad(format!("the state_dict is empty; expected {expected}")));
        }
        // Every key must be `layer<n>.weight` or `layer<n>.bias`; the depth is the largest n.
        let mut n_layers = 0;
        for (name, _) in &sd.entries {
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
        let mut layers: Vec<Linear> = Vec::with_capacity(n_layers);
        let mut dtype = None;
        for i in 1..=n_layers {
            let get = |suffix: &str| {
                let key = format!("layer{i}.{suffix}");
                sd.get(&key)
                    .ok_or_else(|| bad(format!("missing `{key}`; expected {expected}")))
            };
            let (w, b) = (get("weight")?, get("bias")?);
            let (out_f, in_f) = match w.shape[..] {
                [o, i] if o > 0 && i > 0 => (o, i),
                _ => {
                    return Err(bad(format!(
                        "layer{i}.weight has shape {:?}; expected [out_features, in_features]",
                        w.shape
                    )))
                }
            };
            if b.shape != [out_f] {
                return Err(bad(format!(
                    "layer{i}.bias has shape {:?}; expected [{out_f}] to match layer{i}.weight {:?}",
                    b.shape, w.shape
                )));
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
            for (t, what) in [(w, "weight"), (b, "bias")] {
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
                bias: b.data.clone(),
            });
        }
        Ok(Mlp {
            layers,
            dtype: dtype.unwrap_or(Dtype::F32),
        })
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
            entries.push((
                format!("layer{n}.bias"),
                Tensor {
                    shape: vec![l.out_features],
                    dtype: self.dtype,
                    data: l.bias.clone(),
                },
            ));
        }
        StateDict { entries }
    }

    /// Read a network from a `.pth` file written by `torch.save(model.state_dict(), path)`.
    pub fn load(path: &Path) -> Result<Mlp> {
        Mlp::from_state_dict(&pth::read(path)?, path)
    }

    /// Write the network as a `.pth` state_dict (atomically) that PyTorch loads with `load_state_dict`.
    pub fn save(&self, path: &Path) -> Result<()> {
        pth::write(path, &self.to_state_dict())
    }

    /// The layer sizes, e.g. `4→128→128→2`.
    pub fn shape_string(&self) -> String {
        let mut s = self.input_dim().to_string();
        for l in &self.layers {
            s += &format!("→{}", l.out_features);
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
    /// discrete action, or one per action dimension). The error names both shapes.
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
    pub fn forward_latent_with<'s>(&self, x: &[f64], s: &'s mut Scratch) -> (&'s [f64], &'s [f64]) {
        s.a.clear();
        s.a.extend_from_slice(x);
        let last = self.layers.len() - 1;
        for (i, layer) in self.layers.iter().enumerate() {
            layer.forward_into(&s.a, &mut s.b);
            if i < last {
                s.b.iter_mut().for_each(|v| *v = v.max(0.0));
            }
            std::mem::swap(&mut s.a, &mut s.b);
        }
        (&s.a, &s.b)
    }

    /// The deterministic action: the Gaussian mean for boxes, the argmax (first on ties, as
    /// `torch.argmax`) for discrete spaces.
    pub fn act_with(&self, obs: &[f64], space: &Space, s: &mut Scratch) -> Action {
        let out = self.forward_with(obs, s);
        match space {
            Space::Discrete { .. } => Action::Discrete(argmax(out)),
            Space::Box { .. } => Action::Continuous(out.to_vec()),
        }
    }
}

/// Buffers for [`Mlp::forward_with`].
#[derive(Debug, Default, Clone)]
pub struct Scratch {
    a: Vec<f64>,
    b: Vec<f64>,
}

fn argmax(v: &[f64]) -> usize {
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

    pub fn random_mlp(sizes: &[usize], dtype: Dtype, seed: u64) -> Mlp {
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
                    bias: draw(w[1]),
                }
            })
            .collect();
        Mlp { layers, dtype }
    }
}

#[cfg(test)]
mod tests {
    use super::test_support::random_mlp;
    use super::*;

    fn err_of(sd: &StateDict) -> String {
        Mlp::from_state_dict(sd, Path::new("a.pth"))
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn state_dict_round_trip_keeps_pytorch_key_order() {
        let mlp = random_mlp(&[4, 8, 8, 2], Dtype::F32, 1);
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
        assert_eq!(Mlp::from_state_dict(&sd, Path::new("a.pth")).unwrap(), mlp);
        assert_eq!(mlp.hidden_widths(), [8, 8]);
    }

    #[test]
    fn wrong_keys_are_named() {
        let mut sd = random_mlp(&[4, 8, 2], Dtype::F32, 1).to_state_dict();
        sd.entries[0].0 = "fc1.weight".into();
        let e = err_of(&sd);
        assert!(
            e.contains("unexpected key `fc1.weight`") && e.contains("a.pth"),
            "{e}"
        );
    }

    #[test]
    fn a_missing_layer_is_named() {
        let mut sd = random_mlp(&[4, 8, 8, 2], Dtype::F32, 1).to_state_dict();
        sd.entries.retain(|(k, _)| !k.starts_with("layer2"));
        let e = err_of(&sd);
        assert!(e.contains("missing `layer2.weight`"), "{e}");
        let mut sd = random_mlp(&[4, 8, 8, 2], Dtype::F32, 1).to_state_dict();
        sd.entries.pop();
        assert!(err_of(&sd).contains("missing `layer3.bias`"));
    }

    #[test]
    fn non_finite_weights_are_rejected() {
        for bad in [f64::NAN, f64::INFINITY] {
            let mut sd = random_mlp(&[4, 8, 2], Dtype::F32, 1).to_state_dict();
            sd.entries[2].1.data[5] = bad;
            let e = err_of(&sd);
            assert!(
                e.contains("layer2.weight") && e.contains("non-finite"),
                "{e}"
            );
        }
    }

    #[test]
    fn shapes_must_chain() {
        let mut sd = random_mlp(&[4, 8, 2], Dtype::F32, 1).to_state_dict();
        sd.entries[2].1.shape = vec![4, 4];
        sd.entries[2].1.data.truncate(16);
        sd.entries[3].1.shape = vec![4];
        sd.entries[3].1.data.truncate(4);
        let e = err_of(&sd);
        assert!(e.contains("takes 4 inputs but layer1 gives 8"), "{e}");
    }

    #[test]
    fn the_environment_shapes_are_checked() {
        let mlp = random_mlp(&[4, 8, 2], Dtype::F32, 1);
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
    fn discrete_actions_are_the_first_argmax() {
        assert_eq!(argmax(&[0.1, 0.5, 0.5, -1.0]), 1);
        assert_eq!(argmax(&[2.0, 1.0]), 0);
    }
}
