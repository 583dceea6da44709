//! HyperNCA run folders as the authors' `train_NCA.py` writes them (`saved_models/<id>/`), read without
//! Python, and written for our own runs in the same layout.
//!
//! (Being written: see the issue "CMA-ES and HyperNCA".)

use std::path::{Path, PathBuf};

use super::NcaSpec;
use crate::error::Result;

/// What a run's `nca.config` / `nca_config.yml` says, in our names (the authors' key in each doc line).
#[derive(Debug, Clone, PartialEq)]
pub struct RunConfig {
    /// `environment`: one id, or several for a metamorphosis run.
    pub environments: Vec<String>,
    /// `NCA_channels`.
    pub channels: usize,
    /// `policy_layers`.
    pub layers: usize,
    /// `size_substrate`.
    pub size: usize,
    /// `update_net_channel_dims`.
    pub hidden: usize,
    /// `NCA_bias`.
    pub bias: bool,
    /// `reading_channel`.
    pub reading_channel: usize,
    /// `living_channel_dim`.
    pub living_channel: usize,
    /// `alpha_living_threshold`, with the code's −∞ given back as 0 (the command line's "all alive").
    pub living_threshold: f64,
    /// `normalise`.
    pub normalise: bool,
    /// `replace`.
    pub replace: bool,
    /// `NCA_steps`: the steps of the (first) growth.
    pub steps: usize,
    /// `metamorphosis_NCA_steps`: the further steps before each next morphology (metamorphosis branch).
    pub metamorphosis_steps: Option<usize>,
    /// `reward_type` (metamorphosis branch): sum, min, mean or std.
    pub reward_type: Option<String>,
    /// `seed_type`, one per environment (the metamorphosis branch stores one string).
    pub seed_types: Vec<String>,
    /// `random_seed`: a fresh random seed every episode.
    pub random_seed: bool,
    /// `co_evolve_seed`: the seed follows the NCA's parameters in the vector.
    pub co_evolve_seed: bool,
    /// `random_seed_env`.
    pub random_seed_env: bool,
    /// `RANDOM_SEED`.
    pub random_seed_value: Option<i64>,
    pub popsize: Option<usize>,
    pub generations: Option<usize>,
    /// `seeds` (one C·L·S² grid per environment, C-order) or the metamorphosis branch's single `seed`;
    /// empty when the file holds none (a `random_seed` run, or a yml written without them).
    pub seeds: Vec<Vec<f64>>,
}

impl RunConfig {
    /// The automaton these settings describe, for a policy with `out_rows` outputs.
    pub fn spec(&self, out_rows: usize) -> NcaSpec {
        NcaSpec {
            channels: self.channels,
            layers: self.layers,
            size: self.size,
            hidden: self.hidden,
            bias: self.bias,
            reading_channel: self.reading_channel,
            living_channel: self.living_channel,
            living_threshold: self.living_threshold,
            normalise: self.normalise,
            replace: self.replace,
            out_rows,
        }
    }
}

/// A run folder read: its settings and one solution vector.
#[derive(Debug, Clone)]
pub struct AuthorsRun {
    pub dir: PathBuf,
    pub config: RunConfig,
    /// The `*_meansolution.npy` or `*_bestsolution.npy` read.
    pub solution: PathBuf,
    /// The flat CMA-ES vector: the NCA's parameters (then a co-evolved seed, if any).
    pub vector: Vec<f64>,
    /// `rewards_best.npy` and `rewards_mean.npy` (negated rewards per generation), when present.
    pub rewards_best: Option<Vec<f64>>,
    pub rewards_mean: Option<Vec<f64>>,
}

/// Whether `path` is a run folder (holding `nca.config` or `nca_config.yml`) or a `*solution.npy`
/// inside one.
pub fn is_run(path: &Path) -> bool {
    let dir = if path.is_dir() {
        Some(path)
    } else if path
        .file_name()
        .is_some_and(|n| n.to_string_lossy().ends_with("solution.npy"))
    {
        path.parent()
    } else {
        None
    };
    dir.is_some_and(|d| d.join("nca.config").is_file() || d.join("nca_config.yml").is_file())
}

/// Read a run: a folder (its `*_meansolution.npy`, as the authors' `fitness_functions.py` evaluates by
/// default, else its `*_bestsolution.npy`) or one solution file inside a folder.
pub fn read_run(path: &Path) -> Result<AuthorsRun> {
    Err(crate::Error::Invalid(format!(
        "{}: reading HyperNCA run folders is not built yet",
        path.display()
    )))
}
