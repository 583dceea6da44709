//! The same networks as libtorch modules, for the stages that need gradients (training, refinement).
//!
//! Variables live in a `VarStore` under PyTorch's names (`layer1.weight`, …), so the two worlds map one
//! to one. Conversions are exact: f32 networks become Float tensors, f64 networks Double tensors. The
//! activations and the head are the actor's own ([`Activation::tensor`], [`Head::tensor`]).

use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};

use super::{Activation, Actor, Dtype, Head, Linear, Mask};

/// An [`Actor`] as a libtorch module: `layer1 … layerN`, the actor's activations between them and its
/// head after the last.
#[derive(Debug)]
pub struct TchActor {
    pub vs: nn::VarStore,
    layers: Vec<nn::Linear>,
    /// An Elman actor's context weights (`recurrent1`, no bias).
    recurrent: Option<nn::Linear>,
    activations: Vec<Activation>,
    head: Head,
    mask: Option<Mask>,
}

fn kind(dtype: Dtype) -> Kind {
    match dtype {
        Dtype::F32 => Kind::Float,
        Dtype::F64 => Kind::Double,
    }
}

impl TchActor {
    /// Copy `actor`'s weights into a new module on `device`.
    pub fn from_mlp(actor: &Actor, device: Device) -> TchActor {
        let mut vs = nn::VarStore::new(device);
        let root = vs.root();
        let layers: Vec<nn::Linear> = actor
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                nn::linear(
                    &root / format!("layer{}", i + 1),
                    l.in_features as i64,
                    l.out_features as i64,
                    nn::LinearConfig {
                        bias: l.bias.is_some(),
                        ..Default::default()
                    },
                )
            })
            .collect();
        let recurrent = actor.recurrent.as_ref().map(|_| {
            let h = actor.layers[0].out_features as i64;
            nn::linear(
                &root / "recurrent1",
                h,
                h,
                nn::LinearConfig {
                    bias: false,
                    ..Default::default()
                },
            )
        });
        if actor.dtype == Dtype::F64 {
            vs.double();
        }
        tch::no_grad(|| {
            for (module, l) in layers.iter().zip(&actor.layers) {
                let shape = [l.out_features as i64, l.in_features as i64];
                let w = Tensor::from_slice(&l.weight).view(shape);
                let mut ws = module.ws.shallow_clone();
                ws.copy_(&w.to_kind(kind(actor.dtype)));
                if let (Some(bs), Some(b)) = (&module.bs, &l.bias) {
                    let mut bs = bs.shallow_clone();
                    bs.copy_(&Tensor::from_slice(b).to_kind(kind(actor.dtype)));
                }
            }
            if let (Some(module), Some(r)) = (&recurrent, &actor.recurrent) {
                let h = actor.layers[0].out_features as i64;
                let mut ws = module.ws.shallow_clone();
                ws.copy_(
                    &Tensor::from_slice(r)
                        .view([h, h])
                        .to_kind(kind(actor.dtype)),
                );
            }
        });
        TchActor {
            vs,
            layers,
            recurrent,
            activations: actor.activations.clone(),
            head: actor.head.clone(),
            mask: actor.mask.clone(),
        }
    }

    /// Read the weights back into an [`Actor`] of the given element type (same architecture).
    pub fn to_mlp(&self, dtype: Dtype) -> Actor {
        let layers = self
            .layers
            .iter()
            .map(|m| {
                let size = m.ws.size();
                Linear {
                    out_features: size[0] as usize,
                    in_features: size[1] as usize,
                    weight: tensor_values(&m.ws),
                    bias: m.bs.as_ref().map(tensor_values),
                }
            })
            .collect();
        Actor {
            layers,
            activations: self.activations.clone(),
            head: self.head.clone(),
            mask: self.mask.clone(),
            recurrent: self.recurrent.as_ref().map(|r| tensor_values(&r.ws)),
            dtype,
        }
    }

    /// The forward pass with a recurrent actor's previous hidden output `context` (`[…, h]`, one row
    /// per input; zeros when `None`, the first step of an episode). A feed-forward actor ignores it.
    pub fn forward_context(&self, xs: &Tensor, context: Option<&Tensor>) -> Tensor {
        let mut h = xs.shallow_clone();
        for (i, l) in self.layers.iter().enumerate() {
            h = l.forward(&h);
            if let (0, Some(r)) = (i, &self.recurrent) {
                // (W x + b) + R h, as the plain forward pass and PyTorch's module add them.
                h = match context {
                    Some(c) => h + r.forward(c),
                    None => {
                        let zeros = h.zeros_like();
                        h + r.forward(&zeros)
                    }
                };
            }
            h = match self.activations.get(i) {
                Some(a) => a.tensor(&h),
                None => self.head.tensor(&h),
            };
        }
        h
    }

    pub fn n_layers(&self) -> usize {
        self.layers.len()
    }

    /// The gradient of each layer's weight matrix after a backward pass (row-major, as the weights;
    /// zeros for a layer the loss did not reach).
    pub fn weight_grads(&self) -> Vec<Vec<f64>> {
        self.layers
            .iter()
            .map(|l| {
                let g = l.ws.grad();
                if g.defined() {
                    tensor_values(&g)
                } else {
                    vec![0.0; l.ws.numel()]
                }
            })
            .collect()
    }
}

impl Module for TchActor {
    /// The forward pass (a recurrent actor's first step: its context is zero).
    fn forward(&self, xs: &Tensor) -> Tensor {
        self.forward_context(xs, None)
    }
}

/// Every value of a tensor, flattened, as f64 (exact for Float and Double).
pub fn tensor_values(t: &Tensor) -> Vec<f64> {
    let flat = t
        .detach()
        .to_device(Device::Cpu)
        .to_kind(Kind::Double)
        .flatten(0, -1);
    Vec::<f64>::try_from(&flat).expect("a Double tensor converts to Vec<f64>")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::test_support::random_actor;

    /// The plain-Rust forward pass and libtorch's agree, for both dtypes and several shapes.
    #[test]
    fn plain_rust_forward_equals_libtorch_forward() {
        for (sizes, dtype, seed) in [
            (&[4usize, 64, 64, 2][..], Dtype::F32, 1u64),
            (&[3, 128, 128, 1][..], Dtype::F32, 2),
            (&[8, 128, 128, 2][..], Dtype::F64, 3),
            (&[24, 32, 16, 8, 4][..], Dtype::F32, 4),
        ] {
            let mlp = random_actor(sizes, dtype, seed);
            let net = TchActor::from_mlp(&mlp, Device::Cpu);
            let n = sizes[0];
            for k in 0..50 {
                let x: Vec<f64> = (0..n)
                    .map(|i| ((i * 7 + k * 13) as f64 * 0.37).sin() * 2.0)
                    .collect();
                let ours = mlp.forward(&x);
                let xt = Tensor::from_slice(&x).to_kind(kind(dtype));
                let theirs = tensor_values(&net.forward(&xt));
                assert_eq!(ours.len(), theirs.len());
                for (a, b) in ours.iter().zip(&theirs) {
                    assert!(
                        (a - b).abs() <= 1e-6,
                        "{sizes:?} {dtype:?}: plain {a} vs libtorch {b}"
                    );
                }
            }
        }
    }

    /// An Elman actor stepped through a sequence: the plain pass (state in its Scratch) and libtorch's
    /// (the previous hidden output fed back as context) agree at every step, and the round trip keeps
    /// the context weights.
    #[test]
    fn a_recurrent_actor_agrees_with_libtorch_along_a_sequence() {
        for dtype in [Dtype::F32, Dtype::F64] {
            let a = crate::policy::test_support::random_elman(&[3, 5, 2], dtype, 7);
            let net = TchActor::from_mlp(&a, Device::Cpu);
            assert_eq!(net.to_mlp(dtype), a, "round trip");
            let mut scratch = crate::policy::Scratch::default();
            let mut context: Option<Tensor> = None;
            let mut differs = false;
            for k in 0..40 {
                let x: Vec<f64> = (0..3).map(|i| ((i + 3 * k) as f64 * 0.9).sin()).collect();
                let ours = a.forward_with(&x, &mut scratch).to_vec();
                differs |= ours != a.forward(&x);
                let xt = Tensor::from_slice(&x).to_kind(kind(dtype));
                let theirs = tensor_values(&net.forward_context(&xt, context.as_ref()));
                for (p, q) in ours.iter().zip(&theirs) {
                    assert!((p - q).abs() <= 1e-5, "step {k} {dtype:?}: {p} vs {q}");
                }
                // The context is what the hidden layer put out: the plain pass's state.
                context = Some(Tensor::from_slice(scratch.state()).to_kind(kind(dtype)));
            }
            assert!(differs, "the state must change the outputs");
            scratch.reset();
            let x = [0.1, -0.2, 0.3];
            assert_eq!(a.forward_with(&x, &mut scratch), a.forward(&x).as_slice());
        }
    }

    /// Every activation, every head and bias-free layers: the plain-Rust forward pass equals libtorch's.
    #[test]
    fn every_activation_and_head_agrees_with_libtorch() {
        let (heads, acts) = (Head::every_kind(2), Activation::EVERY_KIND);
        for (k, head) in heads.iter().enumerate() {
            for (j, act) in acts.iter().enumerate() {
                for dtype in [Dtype::F32, Dtype::F64] {
                    let mut a = random_actor(&[5, 16, 8, 2], dtype, (10 * k + j) as u64);
                    a.activations = vec![*act, acts[(j + 1) % acts.len()]];
                    a.head = head.clone();
                    a.layers[1].bias = None;
                    let net = TchActor::from_mlp(&a, Device::Cpu);
                    assert_eq!(net.to_mlp(dtype), a, "round trip");
                    for n in 0..20 {
                        let x: Vec<f64> = (0..5)
                            .map(|i| ((i * 5 + n * 3) as f64 * 0.71).sin() * 3.0)
                            .collect();
                        let ours = a.forward(&x);
                        let xt = Tensor::from_slice(&x).to_kind(kind(dtype));
                        let theirs = tensor_values(&net.forward(&xt));
                        for (p, q) in ours.iter().zip(&theirs) {
                            assert!(
                                (p - q).abs() <= 1e-5,
                                "{act:?} {head:?} {dtype:?}: {p} vs {q}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn conversion_to_libtorch_and_back_is_exact() {
        for dtype in [Dtype::F32, Dtype::F64] {
            let mlp = random_actor(&[4, 16, 16, 2], dtype, 9);
            let back = TchActor::from_mlp(&mlp, Device::Cpu).to_mlp(dtype);
            assert_eq!(mlp, back);
        }
    }
}
