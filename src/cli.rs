//! The command line, in PruVer's flag style: stage flags (`--train --test --prune --falsify --refine
//! --visualize --display`) that run in pipeline order, and their options.

use std::path::PathBuf;

use clap::Parser;

use crate::device::DeviceChoice;

#[derive(Debug, Parser)]
#[command(
    name = "synapt-safety",
    version,
    about = "Sparse and safe deep-RL control policies: train, test, prune, falsify, refine, visualize.",
    long_about = "Sparse and safe deep-RL control policies: PruVer (AAAI 2023) and its NeurIPS 2021 \
predecessor in Rust.\n\nGive one or more stage flags; they run in pipeline order \
(train → test → prune → falsify → refine → visualize → display), whatever order they are typed in. \
Policies are PyTorch .pth state_dicts in PruVer's FeedForwardActorNN layout (layer1 … layerN).",
    after_help = "Example: synapt-safety --test --env CartPole-v1 --actor Policies/bc_actorCartPole-v1.pth --episodes 10"
)]
pub struct Cli {
    /// Gym id of the environment (see --list-envs).
    #[arg(long, default_value = "LunarLanderContinuous-v2", value_name = "ID")]
    pub env: String,

    /// Actor .pth file [default: Policies/ppo_actor<ENV>.pth].
    #[arg(long, value_name = "PATH")]
    pub actor: Option<PathBuf>,

    /// Critic .pth file [default: Policies/ppo_critic<ENV>.pth].
    #[arg(long, value_name = "PATH")]
    pub critic: Option<PathBuf>,

    /// Stage: train an actor and a critic with PPO.
    #[arg(long)]
    pub train: bool,

    /// Stage: evaluate the actor over --episodes deterministic episodes, episode i seeded with --seed + i.
    #[arg(long)]
    pub test: bool,

    /// Stage: one-shot magnitude pruning of the actor with prune fraction --k.
    #[arg(long)]
    pub prune: bool,

    /// Prune fraction k, a real number in [0, 1].
    #[arg(long, default_value_t = 0.7, value_name = "K")]
    pub k: f64,

    /// Stage: Bayesian-optimisation falsification against the environment's safety specification.
    #[arg(long)]
    pub falsify: bool,

    /// Stage: counterexample-guided refinement of the pruned actor.
    #[arg(long)]
    pub refine: bool,

    /// Stage: weight heatmaps and figures into Graph/.
    #[arg(long)]
    pub visualize: bool,

    /// Stage: replay failure trajectories.
    #[arg(long)]
    pub display: bool,

    /// Declare the action space discrete. It is inferred from the environment; giving it for a
    /// continuous environment is an error.
    #[arg(long)]
    pub isdiscrete: bool,

    /// Number of episodes to evaluate.
    #[arg(long, default_value_t = 100, value_name = "N")]
    pub episodes: usize,

    /// Base seed: episode i is reset with seed + i; every random draw of a run derives from it.
    #[arg(long, default_value_t = 0, value_name = "S")]
    pub seed: u64,

    /// Hyperparameters file, keyed by environment id (PruVer's entries) [default: hyperparameters.yml,
    /// read when it exists].
    #[arg(long, value_name = "PATH")]
    pub hyperparameters: Option<PathBuf>,

    /// Where libtorch computes: cpu, cuda, or auto (CUDA when libtorch sees a GPU).
    #[arg(long, value_enum, default_value_t = DeviceChoice::Auto, value_name = "DEVICE")]
    pub device: DeviceChoice,

    /// Also write the per-episode results of --test to this CSV file.
    #[arg(long, value_name = "PATH")]
    pub csv: Option<PathBuf>,

    /// List the known environment ids and exit.
    #[arg(long)]
    pub list_envs: bool,
}

/// The stages, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Train,
    Test,
    Prune,
    Falsify,
    Refine,
    Visualize,
    Display,
}

impl Stage {
    pub fn flag(self) -> &'static str {
        match self {
            Stage::Train => "--train",
            Stage::Test => "--test",
            Stage::Prune => "--prune",
            Stage::Falsify => "--falsify",
            Stage::Refine => "--refine",
            Stage::Visualize => "--visualize",
            Stage::Display => "--display",
        }
    }
}

impl Cli {
    /// The stage flags given, in pipeline order.
    pub fn stages(&self) -> Vec<Stage> {
        [
            (self.train, Stage::Train),
            (self.test, Stage::Test),
            (self.prune, Stage::Prune),
            (self.falsify, Stage::Falsify),
            (self.refine, Stage::Refine),
            (self.visualize, Stage::Visualize),
            (self.display, Stage::Display),
        ]
        .into_iter()
        .filter_map(|(on, s)| on.then_some(s))
        .collect()
    }

    /// The actor file: `--actor`, or PruVer's `Policies/ppo_actor<ENV>.pth`.
    pub fn actor_path(&self) -> PathBuf {
        self.actor
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("Policies/ppo_actor{}.pth", self.env)))
    }
}
