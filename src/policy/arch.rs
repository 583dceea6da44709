//! What a state_dict cannot say: the activation after each hidden layer, which layers carry a bias, the
//! output head and the mask. It travels beside the weights as `<actor>.arch.json`, a small JSON file a
//! PyTorch user reads with `json.load` (docs/actors.md has the ten-line module that loads every actor we
//! write). An actor with PruVer's architecture (ReLU, biases everywhere, no head, no mask) has no such
//! file, so PruVer's files stay exactly PruVer's.
//!
//! One [`Activation`] and one [`Head`] serve every forward path: the plain-Rust one of rollouts
//! ([`Activation::apply`]) and libtorch's of training and refinement ([`Activation::tensor`]).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use tch::Tensor;

use crate::error::{Error, Result};

/// The nonlinearity after a hidden layer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "lowercase", deny_unknown_fields)]
pub enum Activation {
    Relu,
    Tanh,
    /// `x` for `x > 0`, `α (eˣ − 1)` otherwise (PyTorch's `nn.ELU(alpha)`).
    Elu {
        alpha: f64,
    },
    Sigmoid,
    Identity,
}

impl Activation {
    /// The activation of one value (f64; PyTorch's float32 result lies within float32 rounding).
    #[inline]
    pub fn apply(self, x: f64) -> f64 {
        match self {
            // `max` maps NaN to 0, as PruVer's ReLU path always has here.
            Activation::Relu => x.max(0.0),
            Activation::Tanh => x.tanh(),
            Activation::Elu { alpha } => {
                if x > 0.0 {
                    x
                } else {
                    alpha * x.exp_m1()
                }
            }
            Activation::Sigmoid => 1.0 / (1.0 + (-x).exp()),
            Activation::Identity => x,
        }
    }

    /// The same activation on a libtorch tensor, differentiable.
    pub fn tensor(self, t: &Tensor) -> Tensor {
        match self {
            Activation::Relu => t.relu(),
            Activation::Tanh => t.tanh(),
            // relu(x) + α·expm1(min(x, 0)): x above zero, α(eˣ − 1) below, for any α (tch's `elu`
            // takes none).
            Activation::Elu { alpha } => t.relu() + t.clamp_max(0.0).expm1() * alpha,
            Activation::Sigmoid => t.sigmoid(),
            Activation::Identity => t.shallow_clone(),
        }
    }

    /// One of each kind (ELU with α = 0.5), for tests and examples.
    pub const EVERY_KIND: [Activation; 5] = [
        Activation::Relu,
        Activation::Tanh,
        Activation::Elu { alpha: 0.5 },
        Activation::Sigmoid,
        Activation::Identity,
    ];

    /// The name on the command line and in `hyperparameters.yml`: `relu`, `tanh`, `elu` (α = 1),
    /// `elu(0.5)`, `sigmoid`, `identity`.
    pub fn parse(s: &str) -> Result<Activation> {
        let s = s.trim();
        let bad = || {
            Error::Invalid(format!(
                "unknown activation `{s}`; expected relu, tanh, elu, elu(ALPHA), sigmoid or identity"
            ))
        };
        Ok(match s {
            "relu" => Activation::Relu,
            "tanh" => Activation::Tanh,
            "elu" => Activation::Elu { alpha: 1.0 },
            "sigmoid" => Activation::Sigmoid,
            "identity" => Activation::Identity,
            _ => {
                let alpha: f64 = s
                    .strip_prefix("elu(")
                    .and_then(|r| r.strip_suffix(')'))
                    .and_then(|a| a.trim().parse().ok())
                    .ok_or_else(bad)?;
                if !alpha.is_finite() {
                    return Err(bad());
                }
                Activation::Elu { alpha }
            }
        })
    }

    pub fn name(self) -> String {
        match self {
            Activation::Relu => "relu".into(),
            Activation::Tanh => "tanh".into(),
            Activation::Elu { alpha } => format!("elu({alpha})"),
            Activation::Sigmoid => "sigmoid".into(),
            Activation::Identity => "identity".into(),
        }
    }
}

/// What the last layer's output goes through.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "name", rename_all = "lowercase", deny_unknown_fields)]
pub enum Head {
    /// The output as it is: a Gaussian's mean (PruVer's continuous actors), or logits whose argmax is
    /// the discrete action.
    Identity,
    Tanh,
    /// Clipped to a box (the action space's, normally).
    Clip {
        low: Vec<f64>,
        high: Vec<f64>,
    },
    /// Logits; the action is their argmax (the output is not changed).
    Argmax,
    /// Probabilities (PruVer's discrete actors compute them); the action is their argmax.
    Softmax,
}

impl Head {
    /// Apply the head to an output in place.
    pub fn apply(&self, y: &mut [f64]) {
        match self {
            Head::Identity | Head::Argmax => {}
            Head::Tanh => y.iter_mut().for_each(|v| *v = v.tanh()),
            Head::Clip { low, high } => {
                for ((v, lo), hi) in y.iter_mut().zip(low).zip(high) {
                    *v = v.max(*lo).min(*hi);
                }
            }
            Head::Softmax => {
                let max = y.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let mut sum = 0.0;
                for v in y.iter_mut() {
                    *v = (*v - max).exp();
                    sum += *v;
                }
                y.iter_mut().for_each(|v| *v /= sum);
            }
        }
    }

    /// The same head on a batch of outputs (`[…, out]`), differentiable.
    pub fn tensor(&self, t: &Tensor) -> Tensor {
        match self {
            Head::Identity | Head::Argmax => t.shallow_clone(),
            Head::Tanh => t.tanh(),
            Head::Clip { low, high } => {
                let kind = t.kind();
                let lo = Tensor::from_slice(low).to_kind(kind).to_device(t.device());
                let hi = Tensor::from_slice(high).to_kind(kind).to_device(t.device());
                t.clamp_tensor(Some(&lo), Some(&hi))
            }
            Head::Softmax => t.softmax(-1, t.kind()),
        }
    }

    /// `identity`, `tanh`, `clip` (to `action_box`), `argmax`, `softmax`.
    pub fn parse(s: &str, action_box: Option<(&[f64], &[f64])>) -> Result<Head> {
        Ok(match s.trim() {
            "identity" => Head::Identity,
            "tanh" => Head::Tanh,
            "argmax" => Head::Argmax,
            "softmax" => Head::Softmax,
            "clip" => {
                let (low, high) = action_box.ok_or_else(|| {
                    Error::Invalid(
                        "the `clip` head clips to the action box: the environment has no box"
                            .into(),
                    )
                })?;
                Head::Clip {
                    low: low.to_vec(),
                    high: high.to_vec(),
                }
            }
            other => {
                return Err(Error::Invalid(format!(
                    "unknown head `{other}`; expected {}",
                    Head::NAMES.join(", ")
                )))
            }
        })
    }

    /// One of each kind for `n` outputs (clipping to [−0.5, 0.5]), for tests and examples.
    pub fn every_kind(n: usize) -> [Head; 5] {
        [
            Head::Identity,
            Head::Tanh,
            Head::Clip {
                low: vec![-0.5; n],
                high: vec![0.5; n],
            },
            Head::Argmax,
            Head::Softmax,
        ]
    }

    /// Every head's name, as [`Head::parse`] takes them.
    pub const NAMES: [&'static str; 5] = ["identity", "tanh", "clip", "argmax", "softmax"];

    pub fn name(&self) -> &'static str {
        match self {
            Head::Identity => "identity",
            Head::Tanh => "tanh",
            Head::Clip { .. } => "clip",
            Head::Argmax => "argmax",
            Head::Softmax => "softmax",
        }
    }

    /// Whether the head chooses among discrete actions (its output's argmax is the action).
    pub fn is_discrete(&self) -> bool {
        matches!(self, Head::Argmax | Head::Softmax)
    }
}

/// The `format` of every architecture file.
pub const FORMAT: &str = "synapt-safety actor 1";

/// `<actor>.arch.json`, as written beside an actor: the layer sizes (input first), one bias flag per
/// layer, one activation per hidden layer, the head, and, for a masked actor, one string of `0`/`1`
/// per layer (row-major `out × in`, as the weights; `0` is a removed connection).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArchFile {
    pub format: String,
    pub sizes: Vec<usize>,
    pub bias: Vec<bool>,
    pub activations: Vec<Activation>,
    pub head: Head,
    /// An Elman actor: the state_dict holds `recurrent1.weight` (absent from files of feed-forward
    /// actors, which read as `false`).
    #[serde(default, skip_serializing_if = "is_false")]
    pub recurrent: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mask: Option<Vec<String>>,
}

fn is_false(b: &bool) -> bool {
    !b
}

/// Where the architecture of the actor at `actor` lies: `x.pth` → `x.arch.json`.
pub fn sidecar(actor: &Path) -> PathBuf {
    let name = actor
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem = name.strip_suffix(".pth").unwrap_or(&name);
    actor.with_file_name(format!("{stem}.arch.json"))
}

impl ArchFile {
    /// Read `path`, an architecture file; every problem names the file.
    pub fn load(path: &Path) -> Result<ArchFile> {
        let text = crate::fsutil::read_text_limited(path, 1 << 20, "an architecture file")?;
        ArchFile::parse(&text, path)
    }

    /// An architecture file's `text` (`path` names it in errors).
    pub fn parse(text: &str, path: &Path) -> Result<ArchFile> {
        let arch: ArchFile = serde_json::from_str(text).map_err(|e| Error::Config {
            path: path.to_path_buf(),
            reason: format!("not an actor architecture file ({e})"),
        })?;
        if arch.format != FORMAT {
            return Err(Error::Config {
                path: path.to_path_buf(),
                reason: format!("format `{}`; this version reads `{FORMAT}`", arch.format),
            });
        }
        Ok(arch)
    }

    /// The file's text: pretty JSON, one key a line, masks as long strings.
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("an architecture serialises");
        s.push('\n');
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn activations_parse_and_name_round_trip() {
        for a in Activation::EVERY_KIND
            .into_iter()
            .chain([Activation::Elu { alpha: 1.0 }])
        {
            let name = a.name();
            let back = Activation::parse(if name == "elu(1)" { "elu" } else { &name }).unwrap();
            assert_eq!(back, a, "{name}");
        }
        for bad in ["gelu", "elu(", "elu(x)", "elu(inf)", ""] {
            let e = Activation::parse(bad).unwrap_err().to_string();
            assert!(e.contains("unknown activation"), "{bad}: {e}");
        }
    }

    #[test]
    fn plain_and_libtorch_activations_agree() {
        let xs: Vec<f64> = (-40..=40).map(|i| i as f64 * 0.2).collect();
        let t = Tensor::from_slice(&xs);
        for a in Activation::EVERY_KIND {
            let theirs = Vec::<f64>::try_from(&a.tensor(&t)).unwrap();
            for (x, y) in xs.iter().zip(&theirs) {
                assert!((a.apply(*x) - y).abs() < 1e-12, "{a:?} at {x}");
            }
        }
    }

    #[test]
    fn heads_agree_with_libtorch() {
        let y = vec![-3.0, -0.5, 0.25, 2.0];
        let t = Tensor::from_slice(&y);
        for h in Head::every_kind(4) {
            let mut ours = y.clone();
            h.apply(&mut ours);
            let theirs = Vec::<f64>::try_from(&h.tensor(&t)).unwrap();
            for (a, b) in ours.iter().zip(&theirs) {
                assert!((a - b).abs() < 1e-12, "{h:?}: {ours:?} vs {theirs:?}");
            }
        }
    }

    #[test]
    fn the_sidecar_sits_beside_the_actor() {
        assert_eq!(
            sidecar(Path::new("Policies/cma_actorCartPole-v1.pth")),
            Path::new("Policies/cma_actorCartPole-v1.arch.json")
        );
        assert_eq!(sidecar(Path::new("a/b")), Path::new("a/b.arch.json"));
    }

    #[test]
    fn the_json_reads_back() {
        let arch = ArchFile {
            format: FORMAT.into(),
            sizes: vec![3, 4, 1],
            bias: vec![true, false],
            activations: vec![Activation::Elu { alpha: 0.5 }],
            head: Head::Clip {
                low: vec![-2.0],
                high: vec![2.0],
            },
            recurrent: false,
            mask: None,
        };
        let text = arch.to_json();
        assert!(text.contains("\"name\": \"elu\""), "{text}");
        assert_eq!(serde_json::from_str::<ArchFile>(&text).unwrap(), arch);
    }
}
