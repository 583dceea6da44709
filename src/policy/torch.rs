//! The same networks as libtorch modules, for the stages that need gradients (training, refinement).
//!
//! Variables live in a `VarStore` under PyTorch's names (`layer1.weight`, …), so the two worlds map one
//! to one. Conversions are exact: f32 networks become Float tensors, f64 networks Double tensors.

use tch::nn::{self, Module};
use tch::{Device, Kind, Tensor};

use super::{Dtype, Linear, Mlp};

/// An [`Mlp`] as a libtorch module: `layer1 … layerN` with ReLU between them.
#[derive(Debug)]
pub struct TchMlp {
    pub vs: nn::VarStore,
    layers: Vec<nn::Linear>,
}

fn kind(dtype: Dtype) -> Kind {
    match dtype {
        Dtype::F32 => Kind::Float,
        Dtype::F64 => Kind::Double,
    }
}

impl TchMlp {
    /// Copy `mlp`'s weights into a new module on `device`.
    pub fn from_mlp(mlp: &Mlp, device: Device) -> TchMlp {
        let mut vs = nn::VarStore::new(device);
        let root = vs.root();
        let layers: Vec<nn::Linear> = mlp
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| {
                nn::linear(
                    &root / format!("layer{}", i + 1),
                    l.in_features as i64,
                    l.out_features as i64,
                    Default::default(),
                )
            })
            .collect();
        if mlp.dtype == Dtype::F64 {
            vs.double();
        }
        tch::no_grad(|| {
            for (module, l) in layers.iter().zip(&mlp.layers) {
                let shape = [l.out_features as i64, l.in_features as i64];
                let w = Tensor::from_slice(&l.weight).view(shape);
                let b = Tensor::from_slice(&l.bias);
                let mut ws = module.ws.shallow_clone();
                ws.copy_(&w.to_kind(kind(mlp.dtype)));
                let mut bs = module
                    .bs
                    .as_ref()
                    .expect("nn::linear has a bias")
                    .shallow_clone();
                bs.copy_(&b.to_kind(kind(mlp.dtype)));
            }
        });
        TchMlp { vs, layers }
    }

    /// Read the weights back into an [`Mlp`] of the given element type.
    pub fn to_mlp(&self, dtype: Dtype) -> Mlp {
        let layers = self
            .layers
            .iter()
            .map(|m| {
                let w = tensor_values(&m.ws);
                let b = tensor_values(m.bs.as_ref().expect("nn::linear has a bias"));
                let size = m.ws.size();
                Linear {
                    out_features: size[0] as usize,
                    in_features: size[1] as usize,
                    weight: w,
                    bias: b,
                }
            })
            .collect();
        Mlp { layers, dtype }
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

impl Module for TchMlp {
    fn forward(&self, xs: &Tensor) -> Tensor {
        let last = self.layers.len() - 1;
        let mut h = xs.shallow_clone();
        for (i, l) in self.layers.iter().enumerate() {
            h = l.forward(&h);
            if i < last {
                h = h.relu();
            }
        }
        h
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
    use crate::policy::test_support::random_mlp;

    /// The plain-Rust forward pass and libtorch's agree, for both dtypes and several shapes.
    #[test]
    fn plain_rust_forward_equals_libtorch_forward() {
        for (sizes, dtype, seed) in [
            (&[4usize, 64, 64, 2][..], Dtype::F32, 1u64),
            (&[3, 128, 128, 1][..], Dtype::F32, 2),
            (&[8, 128, 128, 2][..], Dtype::F64, 3),
            (&[24, 32, 16, 8, 4][..], Dtype::F32, 4),
        ] {
            let mlp = random_mlp(sizes, dtype, seed);
            let net = TchMlp::from_mlp(&mlp, Device::Cpu);
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

    #[test]
    fn conversion_to_libtorch_and_back_is_exact() {
        for dtype in [Dtype::F32, Dtype::F64] {
            let mlp = random_mlp(&[4, 16, 16, 2], dtype, 9);
            let back = TchMlp::from_mlp(&mlp, Device::Cpu).to_mlp(dtype);
            assert_eq!(mlp, back);
        }
    }
}
