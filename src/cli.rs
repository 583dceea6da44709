//! The command line, in PruVer's flag style: stage flags (`--train --test --prune --falsify --refine
//! --visualize --display`) that run in pipeline order, and their options.

use std::path::PathBuf;

use clap::Parser;

use crate::device::DeviceChoice;
use crate::prune;

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

    /// Stage: one-shot pruning of the actor with prune fraction --k, written beside it as
    /// <actor stem>_<k>.pth (PruVer's name; other methods add _<method>), with a report and an
    /// evaluation before and after.
    #[arg(long)]
    pub prune: bool,

    /// Prune fraction k, a real number strictly between 0 and 1.
    #[arg(long, default_value_t = 0.7, value_name = "K")]
    pub k: f64,

    /// How --prune chooses weights: pruver (PruVer's dense ranks of |w| per layer), magnitude
    /// (torch's l1_unstructured), global (smallest |w| of all layers), random (seeded from --seed),
    /// neuron (removes hidden units; writes a smaller network).
    #[arg(long, value_enum, default_value_t = prune::Method::Pruver, value_name = "METHOD")]
    pub prune_method: prune::Method,

    /// Where --prune writes the pruned actor [default: <actor stem>_<k>.pth beside the actor]. It must
    /// not be the actor itself.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,

    /// Prune at each k of a comma-separated list and evaluate each (implies --prune): a CSV and
    /// PruVer's "Prune percentage vs rewards" chart. `...` continues a step, as in 0.5,0.55,...,0.95.
    #[arg(long, value_name = "LIST", value_parser = prune::parse_k_list_arg)]
    pub sweep: Option<prune::KList>,

    /// CSV of --prune: per-episode returns before and after pruning; with --sweep, the sweep table
    /// (the chart goes beside it as .png) [default with --sweep:
    /// Graph/prune_sweep_<ENV>_<METHOD>.csv].
    #[arg(long, value_name = "PATH")]
    pub prune_csv: Option<PathBuf>,

    /// Sweep CSVs to overlay on the "Prune percentage vs rewards" chart (comma-separated): added to
    /// the chart of --sweep, or drawn by --visualize into Graph/prune_vs_rewards.png.
    #[arg(long, value_name = "CSV,...", value_delimiter = ',')]
    pub overlay: Vec<PathBuf>,

    /// A pruned version of --actor for --visualize: its heatmaps, and the mask figure of kept and
    /// pruned weights [default: the actor --prune just wrote].
    #[arg(long, value_name = "PATH")]
    pub pruned: Option<PathBuf>,

    /// The refined actor: where --refine writes it [default: ppo_actor_refined<ENV>.pth beside
    /// --actor], and what --visualize draws (the mask figure marks the weights refinement restored).
    #[arg(long, value_name = "PATH")]
    pub refined: Option<PathBuf>,

    /// Stage: search the environment's perturbation box for episodes of the actor (the one --prune
    /// just wrote, else --actor) that violate a safety specification. Failures go to
    /// Failure_Trajectories/<env>_<actor>_<spec>_<method>.csv, every evaluation to
    /// ..._evaluations.csv.
    #[arg(long)]
    pub falsify: bool,

    /// The specification to falsify, by name [default: the environment's first in
    /// specifications.yml]. Every environment also has return_nonnegative, PruVer's random-testing
    /// criterion.
    #[arg(long, value_name = "NAME")]
    pub spec: Option<String>,

    /// More specifications, in the format of specifications.yml; a name defined there is replaced.
    #[arg(long, value_name = "PATH")]
    pub specs: Option<PathBuf>,

    /// Search methods, comma-separated: bo (GP Bayesian optimisation), random (uniform sampling of
    /// the box), test (PruVer's random testing: unperturbed episodes, seeds --seed + i).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "bo",
        value_name = "METHODS"
    )]
    pub falsify_method: Vec<crate::falsify::search::Method>,

    /// BO iterations after the initial design; every method gets --init-points + --budget
    /// evaluations (PruVer: 5 + 200).
    #[arg(long, default_value_t = 200, value_name = "N")]
    pub budget: usize,

    /// Latin-hypercube points before BO's first model.
    #[arg(long, default_value_t = 5, value_name = "N")]
    pub init_points: usize,

    /// BO's acquisition function: ei (expected improvement), lcb (lower confidence bound, κ = 2),
    /// pi (probability of improvement).
    #[arg(long, value_enum, default_value = "ei", value_name = "ACQ")]
    pub acquisition: AcquisitionChoice,

    /// Where BO maximises the acquisition: trust (TuRBO's trust region around the best point, which
    /// grows while the search improves on it and shrinks while it does not: many failures close to
    /// the worst ones) or global (the whole box at every iteration, as GPyOpt does: failures more
    /// spread out).
    #[arg(long, value_enum, default_value = "trust", value_name = "REGION")]
    pub bo_region: RegionChoice,

    /// Repeat each campaign with seeds --seed, --seed + 1, …, and report how often and how soon each
    /// method finds a failure.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub runs: usize,

    /// Perturbation parameters to search, comma-separated (see --list-envs) [default: the
    /// environment's initial-state parameters].
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub params: Vec<String>,

    /// Stage: counterexample-guided refinement of the pruned actor (--pruned, else the one --prune
    /// just wrote) against the dense --actor: restore dense weights, ranked by the gradient of the
    /// pruned-vs-dense action error at recovery states, until every failure in --failures is fixed.
    /// Writes Policies/ppo_actor_refined<ENV>.pth (or --out).
    #[arg(long)]
    pub refine: bool,

    /// A failures file of --falsify (Failure_Trajectories/<env>_<actor>_<spec>_<method>.csv), for
    /// --refine and --display [default with --falsify: the file it just wrote].
    #[arg(long, value_name = "PATH")]
    pub failures: Option<PathBuf>,

    /// How --refine judges a failure fixed: pruver (the episode's return reaches the environment's
    /// `refine_fixed_return`, PruVer's rule) or spec (the specification's robustness is ≥ 0).
    #[arg(long, value_enum, default_value_t = crate::refine::Method::Pruver, value_name = "METHOD")]
    pub refine_method: crate::refine::Method,

    /// --refine --falsify: repeat falsify → refine until a campaign finds no failure or N rounds
    /// have run.
    #[arg(long, default_value_t = 1, value_name = "N")]
    pub refine_rounds: usize,

    /// --refine against at most N of the failures (those the dense actor passes), evenly spaced over
    /// the file; the others are held out and checked against the refined actor at the end [default:
    /// all; --reproduce: 100, --quick: 8]. Each failure refined against costs a recovery search and a
    /// re-run per restoration step.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub refine_max_failures: Option<u64>,

    /// Stage: figures into Graph/: a heatmap per weight matrix and a histogram of |w| per layer for
    /// --actor (and --pruned, --refined), and with them a mask figure per layer.
    #[arg(long)]
    pub visualize: bool,

    /// Stage: replay every failure of --failures from its seed, perturbation and actions, check the
    /// return and the robustness equal the record (exit 1 when one diverges), and render the worst
    /// --gifs of them to animated GIFs in Graph/.
    #[arg(long)]
    pub display: bool,

    /// Regenerate PruVer's results on CartPole-v0, LunarLanderContinuous-v2 and BipedalWalker-v3
    /// from the dense actors in Policies/ (trained first where one is missing): the prune sweep
    /// beside PruVer's figure values, BO against random over 10 seeds for every specification,
    /// refinement, re-falsification, figures, and the tables of Graph/reproduce/results.md. Takes
    /// no other stage.
    #[arg(long)]
    pub reproduce: bool,

    /// With --reproduce: the same stages on small budgets (3 values of k, 3 episodes, 3 + 5
    /// evaluations, 2 runs), an end-to-end check in minutes, not a reproduction.
    #[arg(long)]
    pub quick: bool,

    /// How many of the worst failures --display renders to GIF.
    #[arg(long, default_value_t = 3, value_name = "N")]
    pub gifs: usize,

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

    /// PPO preset for --train: pruver (PruVer's trainer exactly) or default (GAE, minibatches,
    /// gradient clipping, learned log-std, parallel environments) [default: the `ppo` key of the
    /// environment's hyperparameters, else default].
    #[arg(long, value_enum, value_name = "PRESET")]
    pub ppo: Option<crate::train::Preset>,

    /// --train: continue from the training checkpoint (--checkpoint) instead of starting afresh.
    #[arg(long)]
    pub resume: bool,

    /// --train: number of PPO iterations to reach [default: `training_step` of the environment's
    /// hyperparameters].
    #[arg(long, value_name = "N")]
    pub iterations: Option<usize>,

    /// --train: the training checkpoint (critic, log-std, optimiser and normaliser state, RNGs)
    /// [default: Policies/ppo_checkpoint<ENV>.json].
    #[arg(long, value_name = "PATH")]
    pub checkpoint: Option<PathBuf>,

    /// Threads that step --train's environments [default: all cores]; libtorch runs on one. The
    /// trained files do not depend on it: a seed gives the same bytes on the same machine.
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,

    /// Whether --seed was typed on the command line (it then overrides the hyperparameters' `seed`).
    #[arg(skip)]
    pub seed_given: bool,
}

/// `--acquisition`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AcquisitionChoice {
    Ei,
    Lcb,
    Pi,
}

impl AcquisitionChoice {
    pub fn acquisition(self) -> crate::falsify::bo::Acquisition {
        use crate::falsify::bo::Acquisition;
        match self {
            AcquisitionChoice::Ei => Acquisition::Ei { xi: 0.01 },
            AcquisitionChoice::Lcb => Acquisition::Lcb { kappa: 2.0 },
            AcquisitionChoice::Pi => Acquisition::Pi { xi: 0.01 },
        }
    }
}

/// `--bo-region`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RegionChoice {
    Trust,
    Global,
}

impl RegionChoice {
    pub fn region(self) -> crate::falsify::bo::SearchRegion {
        use crate::falsify::bo::SearchRegion;
        match self {
            RegionChoice::Trust => SearchRegion::Trust,
            RegionChoice::Global => SearchRegion::Global,
        }
    }
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
            (self.prune || self.sweep.is_some(), Stage::Prune),
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
    /// Parse the process's arguments, noting whether `--seed` was given.
    pub fn parse_args() -> Cli {
        use clap::{CommandFactory, FromArgMatches};
        let matches = Cli::command().get_matches();
        let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
        cli.seed_given =
            matches.value_source("seed") == Some(clap::parser::ValueSource::CommandLine);
        cli
    }

    /// The critic file: `--critic`, or PruVer's `Policies/ppo_critic<ENV>.pth`.
    pub fn critic_path(&self) -> PathBuf {
        self.critic
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("Policies/ppo_critic{}.pth", self.env)))
    }

    /// `--threads`, else every core.
    pub fn threads_or_all_cores(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
    }

    pub fn actor_path(&self) -> PathBuf {
        self.actor
            .clone()
            .unwrap_or_else(|| PathBuf::from(format!("Policies/ppo_actor{}.pth", self.env)))
    }
}
