//! `--device cpu|cuda|auto`: where libtorch computes. Rollouts always run the plain-Rust forward pass.
//!
//! Programs link libtorch's CPU library only. libtorch's CUDA library (and with it cuBLAS, cuDNN and
//! the rest, gigabytes) is loaded when a device is resolved that may be a GPU: it registers CUDA with
//! libtorch as it loads, so `tch::Cuda::is_available` then sees the GPU as if it had been linked.

use std::sync::Once;

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
    /// The libtorch device for this choice. `cuda`, and `auto` on a machine with NVIDIA's driver,
    /// load CUDA's libraries first ([`load_cuda`]); `cpu` never does.
    pub fn resolve(self) -> Result<tch::Device> {
        if self == DeviceChoice::Cuda || (self == DeviceChoice::Auto && nvidia_driver_present()) {
            load_cuda();
        }
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

/// Whether NVIDIA's kernel driver is loaded: without it no CUDA device can exist, and `auto` is the
/// CPU without loading CUDA's libraries.
fn nvidia_driver_present() -> bool {
    std::path::Path::new("/proc/driver/nvidia/version").exists()
        || std::path::Path::new("/dev/nvidiactl").exists()
}

/// Load libtorch's CUDA library (once per process), from the directory the program was linked
/// against (its rpath), else by name through the dynamic loader's search path. A CPU-only libtorch
/// has none: CUDA then stays unavailable, as it would be linked.
pub fn load_cuda() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let mut names = Vec::new();
        if let Some(dir) = option_env!("SYNAPT_LIBTORCH_LIB") {
            names.push(format!("{dir}/libtorch_cuda.so"));
        }
        names.push("libtorch_cuda.so".to_string());
        for name in names {
            let Ok(c) = std::ffi::CString::new(name) else {
                continue;
            };
            // SAFETY: a NUL-terminated path; the handle is kept for the life of the process (never
            // dlclose'd), as a linked library would be.
            let handle = unsafe { libc::dlopen(c.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
            if !handle.is_null() {
                return;
            }
        }
    });
}
