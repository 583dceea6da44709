//! The work that needs libtorch (PPO's gradients, refinement, `--reproduce`, the understanding CNN),
//! reached only through the function pointers of a [`Libtorch`].
//!
//! Reading, writing and running actors is plain Rust; only gradients need libtorch. So the
//! `synapt-safety` binary runs the pipeline with [`Plan::run_with`](crate::pipeline::Plan::run_with)
//! and no `Libtorch`: nothing it can execute refers to libtorch, and the linker (LLD, which rustc uses
//! on x86-64 Linux and which keeps a shared library only when live code refers to it) leaves libtorch
//! out of the program. It starts in milliseconds. A command that needs libtorch
//! ([`Job::needs_libtorch`](crate::pipeline::Job::needs_libtorch)) is handed, by `exec`, to the
//! `synapt-safety-torch` binary beside it, which passes [`LINKED`]; so does
//! [`Plan::run`](crate::pipeline::Plan::run) for library users. CUDA's libraries are loaded only when
//! a device is resolved for CUDA ([`crate::device`]).

use std::path::Path;
use std::sync::atomic::AtomicBool;

use crate::device::DeviceChoice;
use crate::error::Result;
use crate::pipeline::ReproducePlan;
use crate::targets::Targets;
use crate::{refine, train, understand};

/// What a CNN file reads from the images of `rows` of a data set: one key-point target a row.
pub type ReadCnn = fn(&Path, &Targets, &[usize], tch::Device) -> Result<Vec<Vec<f64>>>;

/// The entry points into libtorch's work.
pub struct Libtorch {
    /// Where libtorch computes (loads CUDA's libraries when the choice may take a GPU).
    pub device: fn(DeviceChoice) -> Result<tch::Device>,
    /// `--train --algo ppo`.
    pub train_ppo: fn(&train::TrainOptions, &AtomicBool) -> Result<train::TrainReport>,
    /// One round of `--refine`.
    pub refine: fn(&refine::Request) -> Result<refine::Outcome>,
    /// `--reproduce`.
    pub reproduce: fn(&ReproducePlan, &AtomicBool) -> Result<()>,
    /// `--train-cnn`: the understanding CNN of pose mimicry.
    pub train_cnn: fn(&understand::CnnPlan, tch::Device, &AtomicBool) -> Result<()>,
    /// `--mimic --cnn`: what a CNN file reads from images (rows of a data set).
    pub read_cnn: ReadCnn,
}

/// The real thing: libtorch linked into the program that refers to this.
pub static LINKED: Libtorch = Libtorch {
    device: DeviceChoice::resolve,
    train_ppo: train::run,
    refine: refine::refine,
    reproduce: ReproducePlan::run,
    train_cnn: understand::train,
    read_cnn: understand::predict,
};

/// The error of a stage that needs libtorch in a program run without it (the `synapt-safety` binary
/// hands such commands to `synapt-safety-torch`, so this means a caller forgot to).
pub fn missing(what: &str) -> crate::Error {
    crate::Error::Invalid(format!(
        "{what} needs libtorch, and this program runs without it: run it with \
         synapt_safety::libtorch::LINKED (the synapt-safety-torch binary does)"
    ))
}
