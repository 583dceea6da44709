//! `--device cpu|cuda|auto`: where libtorch computes. Rollouts always run the plain-Rust forward pass.

use crate::error::{Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeviceChoice {
    Cpu,
    Cuda,
    Auto,
}

impl crate::Choice for DeviceChoice {
    const ALL: &'static [DeviceChoice] =
        &[DeviceChoice::Cpu, DeviceChoice::Cuda, DeviceChoice::Auto];

    fn name(self) -> &'static str {
        match self {
            DeviceChoice::Cpu => "cpu",
            DeviceChoice::Cuda => "cuda",
            DeviceChoice::Auto => "auto",
        }
    }

    fn help(self) -> &'static str {
        match self {
            DeviceChoice::Cpu => "libtorch on the CPU (always works)",
            DeviceChoice::Cuda => "libtorch on the first CUDA GPU; an error if libtorch sees none",
            DeviceChoice::Auto => "CUDA when libtorch sees a GPU, else the CPU",
        }
    }
}

impl DeviceChoice {
    /// The libtorch device for this choice.
    pub fn resolve(self) -> Result<tch::Device> {
        match self {
            DeviceChoice::Cpu => Ok(tch::Device::Cpu),
            DeviceChoice::Auto => Ok(tch::Device::cuda_if_available()),
            DeviceChoice::Cuda if tch::Cuda::is_available() => Ok(tch::Device::Cuda(0)),
            DeviceChoice::Cuda => Err(Error::Device(
                "--device cuda: libtorch sees no CUDA GPU on this machine; use --device cpu or auto"
                    .into(),
            )),
        }
    }
}
